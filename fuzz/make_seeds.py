#!/usr/bin/env python3
"""Regenerates fuzz/seeds/<target>/ from examples/corpus and a few hand-written inputs.

Run from the repository root: python3 fuzz/make_seeds.py
"""
import gzip, io, os, tarfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "examples", "corpus")
SEEDS = os.path.join(ROOT, "fuzz", "seeds")


def put(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def corpus(name):
    with open(os.path.join(CORPUS, name), "rb") as f:
        return f.read()


# time_tag: the first two bytes also choose the anchor.
for i, t in enumerate([
    "Published: 14 March 2013\nOn Monday, two days after the 11 January 2013 strikes, troops moved.",
    "Publié le 12 janvier 2013. Le 11 janvier, l'armée française est intervenue ; la veille, mardi dernier.",
    "نشر في 22 مارس 2012. في 21 آذار/مارس، قبل يومين، وفي شهر كانون الثاني 2013.",
    "Last month, in the spring of 2012 and during the 1990s; yesterday; next week; 2012-03-22; March 2013; 03/22/2012.",
    "the week before last, three days later, early February, mid-2013, the summer of '12, 22nd March 2012, Q3 2012",
]):
    put("time_tag", f"text{i}", t)
put("time_tag", "corpus01", corpus("01_atlantic-wire-service_coup.txt")[:1500])
put("time_tag", "corpus12", corpus("12_al-sahel-al-yawm_resolution-2085.txt")[:1500])

# read_bytes: first byte = extension index into ["", "txt", "html", "md", "pdf", "xml"].
for ext_i, name in [(1, "01_atlantic-wire-service_coup.txt"), (2, "13_le-journal-du-niger_konna-serval.html"),
                    (3, "06_sahel-monitor_timbuktu-mausoleums.md"), (4, "17_new-york-diplomatic-bulletin_minusma.pdf"),
                    (5, "15_sahel-watch_feed.xml"), (0, "12_al-sahel-al-yawm_resolution-2085.txt")]:
    put("read_bytes", name.split("_")[0], bytes([ext_i]) + corpus(name))
put("read_bytes", "latin1", b"\x01" + "Caf\u00e9 \u00e0 Bamako, le 12 d\u00e9cembre 2012.\n".encode("latin-1"))
put("read_bytes", "utf16", b"\x00" + "\ufeffRapport du 12 mars 2013".encode("utf-16-le"))
put("read_bytes", "atom", b"\x05" + b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
    b'<entry><title>Coup</title><link href="http://x.example/1"/><updated>2012-03-22T00:00:00Z</updated>'
    b'<content type="html">&lt;p&gt;Soldiers seized the palace.&lt;/p&gt;</content></entry></feed>')

# html
put("html", "02", corpus("02_sahel-monitor_coup.html"))
put("html", "13", corpus("13_le-journal-du-niger_konna-serval.html"))
put("html", "small", '<html><head><meta property="article:published_time" content="2013-01-11">'
    '<title>T</title></head><body><nav>Home</nav><article><h1>H</h1><p>A &amp; B<br>C</p>'
    '<script>x()</script><table><tr><td>1</td></tr></table></article></body></html>')

# clean
for n in ["01_atlantic-wire-service_coup.txt", "04_le-journal-du-niger_azawad-independance.txt",
          "12_al-sahel-al-yawm_resolution-2085.txt"]:
    put("clean", n.split("_")[0], corpus(n))
put("clean", "debris", "Share on Facebook\nHome | World | Africa\n\n\u201cQuoted\u201d \u2014 text\u00a0with\u200b odd\tspaces\r\n\r\nSubscribe now\nCookies\n")

# pipeline
for n in ["01_atlantic-wire-service_coup.txt", "08_courrier-de-bamako_demission-diarra.txt",
          "12_al-sahel-al-yawm_resolution-2085.txt"]:
    put("pipeline", n.split("_")[0], corpus(n))

# actors
with open(os.path.join(ROOT, "data", "actors.toml"), "rb") as f:
    actors = f.read()
blocks = actors.split(b"[[actor]]")
put("actors", "builtin-head", b"[[actor]]".join(blocks[:4]))
put("actors", "one", '[[actor]]\nid = "x"\nname = "X Front"\ntype = "organization"\nsubtype = "armed_group"\n'
    'aliases = ["XF"]\naliases_fr = ["Front X"]\naliases_ar = ["جبهة"]\ncountry = "ML"\nstart = "2012-03"\nend = ""\n')

# warc
http1 = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Hello</p></body></html>"
http2 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n6\r\n world\r\n0\r\n\r\n"
gz = gzip.compress(b"<p>gzipped body</p>", mtime=0)
http3 = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gz
http4 = "HTTP/1.1 404 Not Found\n\nnope"
w = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n"
for u, h in [("http://a.example/1", http1.encode()), ("http://a.example/2", http2.encode()),
             ("http://a.example/3", http3), ("http://a.example/4", http4.encode())]:
    w += (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <{u}>\r\nContent-Length: {len(h)}\r\n\r\n").encode() + h + b"\r\n\r\n"
put("warc", "four", w)
put("warc", "request", b"WARC/1.1\nWARC-Type: request\nContent-Length: 3\n\nGET\n\n")

# archive: first byte even = zip, odd = tar.gz
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.txt", "Soldiers seized the palace on 22 March 2012.")
    z.writestr("dir/b.html", "<p>Le 11 janvier 2013</p>")
    z.writestr("../evil.txt", "escape")
    z.writestr("sub/", "")
put("archive", "zip", b"\x00" + zb.getvalue())
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w:gz", format=tarfile.USTAR_FORMAT) as t:
    for name, data in [("a.txt", b"Soldiers seized the palace."), ("/abs.txt", b"abs"), ("d/../../x", b"x")]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 0
        t.addfile(info, io.BytesIO(data))
put("archive", "targz", b"\x01" + tb.getvalue())

# query: line 1 query; then entity, event type, from, to, language, source.
put("query", "plain", "Timbuktu")
put("query", "syntax", 'title:coup AND (body:"presidential palace"~2 OR entities:ECOWAS^2) -Gao')
put("query", "filters", "soldiers\nmali\ncoup\n2012\n2013-12-31\nen\nexample.org")
put("query", "range", "body:[a TO z] OR id:>3\n\n\n2012-03-22\n2012-3")
