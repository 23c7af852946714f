//! Hostile inputs, generated in a temporary folder and run through the built binary:
//! `sitrep ingest` (one batch with every file, archive and URL) and `sitrep extract`.
//! Every hostile input must end in a per-file error that names the file and says why, or
//! be handled safely; the control documents in the same batch must be stored; the run
//! must finish within a time bound and a memory bound. Run with `--nocapture` to print
//! the input → outcome table kept in SECURITY.md.
//!
//! A second test fills the store's database (`SITREP_DB_MAX_PAGES`) in the middle of an
//! ingest and checks the error, the store afterwards, and the re-run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Limits passed to both commands: small, so that the bombs are far over them.
const MAX_BYTES: u64 = 4_000_000;
const MAX_ARCHIVE_BYTES: u64 = 12_000_000;
const MAX_EXPANDED_BYTES: u64 = 32_000_000;
/// Bounds on one run of the batch (a slow two-core CI machine, debug build).
const TIME_BOUND: Duration = Duration::from_secs(120);
const MEMORY_BOUND_KB: u64 = 1_500_000;

/// What a command printed and how it ended, with its peak resident memory when known.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    secs: f64,
    peak_kb: Option<u64>,
}

/// Runs the binary, polling the child's peak resident set size (`VmHWM`, Linux only).
fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let start = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitrep"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).ok();
        s
    });
    let mut peak_kb = None;
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm_kb(&s))
        {
            peak_kb = Some(peak_kb.unwrap_or(0).max(kb));
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > TIME_BOUND * 2 {
            child.kill().ok();
            panic!("sitrep {args:?} still running after {:?}", TIME_BOUND * 2);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
        secs: start.elapsed().as_secs_f64(),
        peak_kb,
    }
}

fn vm_hwm_kb(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const WORDS: &[&str] = &[
    "army",
    "rebels",
    "town",
    "north",
    "council",
    "minister",
    "talks",
    "border",
    "convoy",
    "river",
    "market",
    "village",
    "election",
    "court",
    "police",
    "refugees",
    "camp",
    "aid",
    "drought",
    "harvest",
    "bridge",
    "airport",
    "mission",
    "troops",
    "ceasefire",
    "envoy",
    "summit",
    "protest",
    "strike",
    "budget",
    "mine",
    "road",
    "school",
    "clinic",
    "storm",
    "flood",
    "patrol",
    "checkpoint",
    "hostage",
    "port",
    "cargo",
    "fuel",
    "cattle",
    "herders",
];

/// A plain report of 60 words; different seeds are far apart for near-duplicate detection.
fn article(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let words: Vec<&str> = (0..60)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            WORDS[(x >> 33) as usize % WORDS.len()]
        })
        .collect();
    format!("Report {seed} from Gao.\n\n{}.\n", words.join(" "))
}

/// Pseudo-random bytes.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A one-page PDF with a text layer; `stream` replaces the content stream (with its
/// dictionary entries) when given.
fn pdf(lines: &[&str], stream: Option<(&str, Vec<u8>)>) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 50 780 Td 14 TL\n");
    for l in lines {
        content.push_str(&format!("({l}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let (dict, body) = stream.unwrap_or_else(|| {
        (
            format!("/Length {}", content.len()).leak() as &str,
            content.into_bytes(),
        )
    });
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
    ];
    let mut s = format!("<< {dict} >>\nstream\n").into_bytes();
    s.extend_from_slice(&body);
    s.extend_from_slice(b"\nendstream");
    objects.push(s);
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

/// A zip archive of (name, bytes) entries, deflated.
fn zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        z.start_file(*name, o).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

/// A gzipped tar archive; names are written as given (`tar::Builder` would refuse `..`).
fn tar_gz(path: &Path, entries: &[(&str, &[u8])]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    let mut t = tar::Builder::new(gz);
    for (name, bytes) in entries {
        let mut h = tar::Header::new_old();
        let field = &mut h.as_old_mut().name;
        field[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        t.append(&h, *bytes).unwrap();
    }
    t.into_inner().unwrap().finish().unwrap();
}

/// What an input must give.
#[derive(Clone, Copy)]
enum Expect {
    /// Stored as a document.
    Stored,
    /// A per-file error whose reason contains one of these.
    Error(&'static [&'static str]),
    /// Either, as long as nothing crashes (third-party parsers that may or may not
    /// recover), but an error must still say why.
    Safe,
}

/// One generated input: the name that identifies it in messages (a file name, an archive
/// member `a.zip!/name`, or a URL), what it is, and what `ingest` must give.
struct Case {
    key: String,
    what: &'static str,
    ingest: Expect,
    /// What `extract` must give (archives and URLs are not `extract` inputs).
    extract: Option<Expect>,
}

/// A minimal HTTP server: `/page.html`, and redirects (to a file: URL, in a loop). Counts
/// the requests it receives.
fn serve(hits: Arc<AtomicUsize>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            hits.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || respond(s, port));
        }
    });
    port
}

fn respond(mut s: TcpStream, port: u16) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let req = String::from_utf8_lossy(&buf).into_owned();
    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (code, extra, body) = match path.as_str() {
        "/page.html" => (
            200,
            String::new(),
            format!(
                "<html><head><title>Page</title></head><body><p>{}</p></body></html>",
                article(900)
            ),
        ),
        "/to-file" => (
            302,
            "Location: file:///etc/passwd\r\n".into(),
            String::new(),
        ),
        "/to-metadata" => (
            302,
            "Location: http://169.254.169.254/latest/meta-data/\r\n".into(),
            String::new(),
        ),
        "/to-localhost" => (
            302,
            format!("Location: http://localhost:{port}/page.html\r\n"),
            String::new(),
        ),
        "/to-private" => (302, "Location: http://10.1.2.3/\r\n".into(), String::new()),
        "/loop" => (
            302,
            format!("Location: http://127.0.0.1:{port}/loop\r\n"),
            String::new(),
        ),
        _ => (404, String::new(), "not found".into()),
    };
    let _ = write!(
        s,
        "HTTP/1.1 {code} X\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

/// The inputs being generated: cases and command-line paths.
struct Corpus<'a> {
    dir: &'a Path,
    cases: Vec<Case>,
    paths: Vec<String>,
}

impl Corpus<'_> {
    fn file(
        &mut self,
        name: &str,
        bytes: &[u8],
        what: &'static str,
        ingest: Expect,
        extract: Option<Expect>,
    ) {
        let p = self.dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        self.paths.push(p.display().to_string());
        self.cases.push(Case {
            key: name.to_string(),
            what,
            ingest,
            extract,
        });
    }

    fn archive(
        &mut self,
        name: &str,
        entries: &[(&str, &[u8])],
        members: &[(&str, &'static str, Expect)],
    ) {
        let p = self.dir.join(name);
        if name.ends_with(".zip") {
            zip(&p, entries);
        } else {
            tar_gz(&p, entries);
        }
        self.paths.push(p.display().to_string());
        for (m, what, e) in members {
            self.cases.push(Case {
                key: format!("{name}!/{m}"),
                what,
                ingest: *e,
                extract: None,
            });
        }
    }
}

/// Writes every hostile input (and the controls) into `dir`; returns the cases and the
/// paths to give on the command line.
fn generate(dir: &Path, port: u16) -> (Vec<Case>, Vec<String>) {
    let mut c = Corpus {
        dir,
        cases: Vec::new(),
        paths: Vec::new(),
    };
    const BINARY: Expect = Expect::Error(&["binary content"]);
    const DEEP: Expect = Expect::Error(&["nested deeper than"]);

    c.file(
        "control.txt",
        article(1).as_bytes(),
        "control: plain text",
        Expect::Stored,
        Some(Expect::Stored),
    );
    let html = format!(
        "<!DOCTYPE html><html><head><title>Control</title></head><body><article><p>{}</p></article></body></html>",
        article(2)
    );
    c.file(
        "control.html",
        html.as_bytes(),
        "control: HTML page",
        Expect::Stored,
        Some(Expect::Stored),
    );
    c.file(
        "control.pdf",
        &pdf(
            &[
                "Soldiers seized the palace in Bamako on Thursday.",
                "The junta named Captain Sanogo as its leader.",
            ],
            None,
        ),
        "control: PDF with a text layer",
        Expect::Stored,
        Some(Expect::Stored),
    );

    c.file(
        "random.txt",
        &noise(65_536, 1),
        "random bytes named .txt",
        BINARY,
        Some(BINARY),
    );
    let mut elf =
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    elf.extend(noise(8192, 2));
    c.file(
        "elf.html",
        &elf,
        "ELF executable header named .html",
        BINARY,
        Some(BINARY),
    );
    c.file(
        "random.pdf",
        &noise(20_000, 3),
        "random bytes named .pdf",
        BINARY,
        Some(BINARY),
    );
    c.file(
        "empty.txt",
        b"",
        "0-byte file",
        Expect::Error(&["empty document"]),
        Some(Expect::Error(&["empty document"])),
    );

    // 1 GB, sparse: refused by its size before anything is read.
    for (name, what, ingest) in [
        (
            "sparse-1g.txt",
            "1 GB sparse file (.txt)",
            Expect::Error(&["too large"]),
        ),
        (
            "sparse-1g.warc",
            "1 GB sparse file of zeros (.warc, read as a web archive by ingest)",
            Expect::Error(&["header line longer than"]),
        ),
    ] {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().set_len(1 << 30).unwrap();
        c.paths.push(p.display().to_string());
        c.cases.push(Case {
            key: name.into(),
            what,
            ingest,
            extract: Some(Expect::Error(&["too large"])),
        });
    }

    let mut bad_utf8 = article(4).into_bytes();
    for at in [10, 50, 120, 200] {
        bad_utf8.insert(at, 0xff);
    }
    bad_utf8.extend_from_slice(b"\n\nTruncated sequence \xe2\x82 and stray \xc3\x28 bytes.\n");
    c.file(
        "invalid-utf8.txt",
        &bad_utf8,
        "invalid UTF-8 sequences in text",
        Expect::Stored,
        Some(Expect::Stored),
    );
    let mut mixed = format!(
        "{}\nLe président a parlé à Bamako’s council.\n\n",
        article(5)
    )
    .into_bytes();
    mixed.extend_from_slice(b"Le pr\xe9sident Traor\xe9 \xe0 Bamako, l\x92arm\xe9e malienne.\n\n");
    mixed.extend_from_slice(b"\xf0\xd2\xc5\xda\xc9\xc4\xc5\xce\xd4 \xcd\xc1\xcc\xc9.\n");
    c.file(
        "mixed-encodings.txt",
        &mixed,
        "UTF-8, Windows-1252 and KOI8-R in one file",
        Expect::Stored,
        Some(Expect::Stored),
    );
    let mut utf16 = article(15).into_bytes();
    for u in "Le président à Bamako".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    c.file(
        "utf16-fragment.txt",
        &utf16,
        "UTF-8 text with a UTF-16 fragment (NUL bytes)",
        Expect::Safe,
        Some(Expect::Safe),
    );
    let deep = format!(
        "<html><body>{}<p>{}</p>{}</body></html>",
        "<div>".repeat(100_000),
        article(6),
        "</div>".repeat(100_000)
    );
    c.file(
        "deep-100k.html",
        deep.as_bytes(),
        "HTML nested 100,000 levels deep",
        DEEP,
        Some(DEEP),
    );
    // Distinct unclosed <b>s closed off by one </div>, then thousands of blocks: the
    // parser would reopen every <b> in every block (53 KB took 11 s and 2.6 GB).
    let opened: String = (0..3000).map(|k| format!("<b c={k}>")).collect();
    let reopen = format!(
        "<html><body><p>{}</p><div>{opened}</div>{}</body></html>",
        article(14),
        "<p>x</p>".repeat(3000)
    );
    const REOPEN: Expect = Expect::Error(&["reopen", "formatting elements"]);
    c.file(
        "reopen-3000.html",
        reopen.as_bytes(),
        "HTML whose 3,000 unclosed formatting elements are reopened in 3,000 blocks",
        REOPEN,
        Some(REOPEN),
    );
    let scripts = format!(
        r#"<!DOCTYPE html><html><head><title>Scripts</title><script>alert("HEADSCRIPT")</script>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)"></head>
<body onload="alert('ONLOAD')"><article>
<p>{}</p>
<script type="text/javascript">document.write("<b>SCRIPTTEXT</b>")</script>
<iframe src="javascript:alert('IFRAME')">IFRAMETEXT</iframe>
<p>Residents said <a href="javascript:alert('HREF')" onclick="steal()">the convoy</a> passed <img src=x onerror="alert('IMG')"> at noon.</p>
<svg onload="alert('SVG')"><script>alert('SVGSCRIPT')</script></svg>
<p style="background:url(javascript:alert('CSS'))">The council met again on Friday to discuss the border.</p>
</article></body></html>"#,
        article(7)
    );
    c.file(
        "scripts.html",
        scripts.as_bytes(),
        "HTML with script, iframe, on* handlers, javascript: URLs",
        Expect::Stored,
        Some(Expect::Stored),
    );

    let text = ["Soldiers seized the palace in Bamako on Thursday."];
    let good = pdf(&text, None);
    let start_xref = String::from_utf8_lossy(&good)
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let broken = String::from_utf8_lossy(&good)
        .replace(&format!("startxref\n{start_xref}"), "startxref\n987654")
        .replace(" 00000 n ", " 00000 x ");
    c.file(
        "broken-xref.pdf",
        broken.as_bytes(),
        "PDF with a broken xref table",
        Expect::Safe,
        Some(Expect::Safe),
    );
    let cut = good.windows(7).position(|w| w == b"stream\n").unwrap() + 20;
    c.file(
        "truncated.pdf",
        &good[..cut],
        "PDF truncated inside a content stream",
        Expect::Safe,
        Some(Expect::Safe),
    );
    c.file(
        "huge-length.pdf",
        &pdf(
            &text,
            Some(("/Length 99999999999", b"BT (x) Tj ET".to_vec())),
        ),
        "PDF stream declaring a 100 GB /Length",
        Expect::Safe,
        Some(Expect::Safe),
    );
    let mut bomb_content = b"BT /F1 11 Tf 50 780 Td (Soldiers seized the palace.) Tj ET\n".to_vec();
    bomb_content.resize(64 << 20, b' ');
    let z = zlib(&bomb_content);
    let dict = format!("/Length {} /Filter /FlateDecode", z.len()).leak() as &str;
    c.file(
        "flate-bomb.pdf",
        &pdf(&text, Some((dict, z))),
        "PDF with a 64 MB FlateDecode stream (200 KB file)",
        Expect::Error(&["compression bomb"]),
        Some(Expect::Error(&["compression bomb"])),
    );

    let laughs = {
        let mut ents = String::from("<!ENTITY lol \"lol\">");
        for i in 1..10 {
            let prev = if i == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", i - 1)
            };
            ents.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&{prev};").repeat(10)
            ));
        }
        format!("<?xml version=\"1.0\"?><!DOCTYPE rss [{ents}]><rss version=\"2.0\"><channel><title>Wire</title><item><title>&lol9;</title><description>{} &lol9;</description></item></channel></rss>", article(8))
    };
    c.file(
        "billion-laughs.xml",
        laughs.as_bytes(),
        "RSS feed with billion-laughs entities",
        Expect::Safe,
        Some(Expect::Safe),
    );
    let deep_feed = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><item><title>T</title><description>{}</description>{}{}</item></channel></rss>", article(9), "<x>".repeat(100_000), "</x>".repeat(100_000));
    c.file(
        "deep-feed.xml",
        deep_feed.as_bytes(),
        "RSS feed with XML nested 100,000 levels",
        DEEP,
        Some(DEEP),
    );
    let deep_item = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><item><title>T</title><description>{}{}</description></item></channel></rss>", "&lt;div&gt;".repeat(100_000), article(10));
    c.file(
        "deep-item.xml",
        deep_item.as_bytes(),
        "RSS item whose HTML is nested 100,000 levels",
        DEEP,
        Some(DEEP),
    );

    // Archives: a bomb, many entries over the total, path traversal; each with a control.
    let zeros = vec![0u8; 64 << 20];
    let spaces = vec![b' '; 3_500_000];
    const BOMB: Expect = Expect::Error(&["zip bomb", "declares"]);
    const UNSAFE: Expect = Expect::Error(&["unsafe entry name"]);
    for (n, ext) in [(0, "zip"), (1, "tar.gz")] {
        let (control_a, control_b) = (article(11 + n), article(13 + n));
        c.archive(
            &format!("bomb.{ext}"),
            &[("control.txt", control_a.as_bytes()), ("zeros.txt", &zeros)],
            &[
                ("control.txt", "control inside an archive", Expect::Stored),
                (
                    "zeros.txt",
                    "archive entry of 64 MB of zeros (compresses to ~64 KB)",
                    BOMB,
                ),
            ],
        );
        c.archive(
            &format!("many.{ext}"),
            &[
                ("a.txt", &spaces),
                ("b.txt", &spaces),
                ("c.txt", &spaces),
                ("d.txt", &spaces),
            ],
            &[(
                "d.txt",
                "4 entries of 3.5 MB: total past --max-archive-bytes",
                Expect::Error(&["in all"]),
            )],
        );
        c.archive(
            &format!("traversal.{ext}"),
            &[
                ("../../etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
                ("/etc/shadow", b"root:*:1::::::\n"),
                ("ok/../../../x.txt", b"x"),
                ("fine.txt", control_b.as_bytes()),
            ],
            &[
                ("../../etc/passwd", "entry named ../../etc/passwd", UNSAFE),
                ("/etc/shadow", "entry with an absolute path", UNSAFE),
                ("ok/../../../x.txt", "entry with .. inside its path", UNSAFE),
                ("fine.txt", "control inside an archive", Expect::Stored),
            ],
        );
    }

    // URLs that must not be fetched without --allow-private.
    const PRIVATE: Expect = Expect::Error(&["private/loopback/link-local"]);
    for (url, what) in [
        (
            format!("http://127.0.0.1:{port}/page.html"),
            "loopback address (the local test server)",
        ),
        (
            format!("http://localhost:{port}/page.html"),
            "name resolving to loopback",
        ),
        (format!("http://[::1]:{port}/page.html"), "IPv6 loopback"),
        (
            format!("http://0.0.0.0:{port}/page.html"),
            "unspecified address 0.0.0.0",
        ),
        ("http://10.1.2.3/".to_string(), "private address (10/8)"),
        (
            "http://192.168.1.1/admin".to_string(),
            "private address (192.168/16)",
        ),
        (
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "link-local cloud metadata address",
        ),
        ("http://[fe80::1]/".to_string(), "IPv6 link-local"),
        (
            "http://[::ffff:127.0.0.1]/".to_string(),
            "IPv4-mapped IPv6 loopback",
        ),
    ] {
        c.paths.push(url.clone());
        c.cases.push(Case {
            key: url,
            what,
            ingest: PRIVATE,
            extract: None,
        });
    }
    (c.cases, c.paths)
}

/// The reason printed for `key` on a `sitrep: <path>: <reason>` line, if any.
fn reason_for<'a>(stderr: &'a str, dir: &Path, key: &str) -> Option<&'a str> {
    let full = if key.starts_with("http") {
        key.to_string()
    } else {
        format!("{}/{key}", dir.display())
    };
    stderr.lines().find_map(|l| {
        let rest = l.strip_prefix("sitrep: ")?.strip_prefix(full.as_str())?;
        // a feed item: `<file>#item3: <reason>`
        let rest = match rest.strip_prefix('#') {
            Some(item) => item.split_once(": ").map(|(_, r)| r)?,
            None => rest.strip_prefix(": ")?,
        };
        Some(rest)
    })
}

fn check(expect: Expect, reason: Option<&str>, stored: bool, who: &str) -> String {
    match (expect, reason) {
        (Expect::Stored, None) if stored => "stored".into(),
        (Expect::Stored, r) => panic!("{who}: expected to be stored, got {r:?} (stored: {stored})"),
        (Expect::Error(words), Some(r)) => {
            assert!(
                words.iter().any(|w| r.contains(w)),
                "{who}: reason `{r}` does not say any of {words:?}"
            );
            assert!(!stored, "{who}: stored although it failed");
            format!("error: {}", short(r))
        }
        (Expect::Error(words), None) => {
            panic!("{who}: expected an error saying one of {words:?}, got none")
        }
        (Expect::Safe, Some(r)) => {
            assert!(r.len() > 5, "{who}: unclear reason `{r}`");
            format!("error: {}", short(r))
        }
        (Expect::Safe, None) if stored => "stored".into(),
        (Expect::Safe, None) => panic!("{who}: neither stored nor an error"),
    }
}

fn short(r: &str) -> String {
    // the temporary folder's name changes from run to run
    let tmp = std::env::temp_dir().display().to_string();
    let r: String = match r.find(tmp.as_str()) {
        Some(i) => {
            let rest = &r[i..];
            let end = rest.find("/in/").map_or(0, |e| e + 4);
            format!("{}{}", &r[..i], &rest[end..])
        }
        None => r.to_string(),
    };
    let r = r.replace('|', "\\|");
    match r.char_indices().nth(110) {
        Some((i, _)) => format!("{}…", &r[..i]),
        None => r,
    }
}

fn assert_bounded(r: &Run, what: &str) {
    assert!(
        r.secs < TIME_BOUND.as_secs_f64(),
        "{what} took {:.1} s",
        r.secs
    );
    if let Some(kb) = r.peak_kb {
        assert!(kb < MEMORY_BOUND_KB, "{what} peaked at {kb} KB");
    }
    assert!(
        !r.stderr.contains("panicked at"),
        "{what} panicked:\n{}",
        r.stderr
    );
}

#[test]
fn hostile_inputs_give_clear_errors_and_the_batch_goes_on() {
    let hits = Arc::new(AtomicUsize::new(0));
    let port = serve(hits.clone());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let (cases, paths) = generate(&dir, port);
    let data = tmp.path().join("data");
    let (mb, mab, meb) = (
        MAX_BYTES.to_string(),
        MAX_ARCHIVE_BYTES.to_string(),
        MAX_EXPANDED_BYTES.to_string(),
    );

    // ingest: one batch with everything
    let mut args = vec![
        "ingest",
        "--data",
        data.to_str().unwrap(),
        "--max-bytes",
        &mb,
        "--max-archive-bytes",
        &mab,
        "--max-expanded-bytes",
        &meb,
        "--timeout",
        "2",
        "--host-delay-ms",
        "0",
    ];
    args.extend(paths.iter().map(String::as_str));
    let ingest = run(&args, &[]);
    assert_bounded(&ingest, "ingest");
    assert_eq!(ingest.code, 1, "{}", ingest.stderr);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the loopback server was contacted"
    );

    let store = sitrep_store::Store::open_reader(&data).unwrap();
    let docs: Vec<sitrep_store::StoredDocument> = (1..200)
        .filter_map(|id| store.db().get(id).unwrap())
        .collect();
    let stored = |key: &str| {
        let full = format!("{}/{key}", dir.display());
        let feed_item = format!("{full}#");
        docs.iter().any(|d| {
            store
                .db()
                .sources_of(d.id)
                .unwrap()
                .iter()
                .any(|s| *s == full || s.starts_with(&feed_item))
        })
    };

    // extract: every local file (archives are read as single files by extract)
    let files: Vec<&str> = paths
        .iter()
        .filter(|p| !p.starts_with("http"))
        .map(String::as_str)
        .collect();
    let mut xargs = vec![
        "extract",
        "--json",
        "--with-text",
        "--max-bytes",
        &mb,
        "--max-expanded-bytes",
        &meb,
    ];
    xargs.extend(files.iter().copied());
    let extract = run(&xargs, &[]);
    assert_bounded(&extract, "extract");
    assert_eq!(extract.code, 1, "{}", extract.stderr);
    let extracted: Vec<Value> = extract
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let extracted_ok = |key: &str| {
        let full = format!("{}/{key}", dir.display());
        let feed_item = format!("{full}#");
        extracted.iter().any(|v| {
            v["document"]["source"]
                .as_str()
                .is_some_and(|s| s == full || s.starts_with(&feed_item))
        })
    };

    let mut table = String::from("| input | ingest | extract |\n|---|---|---|\n");
    for c in &cases {
        let r = reason_for(&ingest.stderr, &dir, &c.key);
        let got = check(
            c.ingest,
            r,
            !c.key.starts_with("http") && stored(&c.key),
            &format!("ingest {}", c.key),
        );
        let got_x = match c.extract {
            Some(e) => check(
                e,
                reason_for(&extract.stderr, &dir, &c.key),
                extracted_ok(&c.key),
                &format!("extract {}", c.key),
            ),
            None => "—".into(),
        };
        let key = c.key.replace(&port.to_string(), "PORT");
        table.push_str(&format!("| `{key}`: {} | {got} | {got_x} |\n", c.what));
    }

    // The scripts page: text only, no markup or script survived.
    let d = docs
        .iter()
        .find(|d| d.source.ends_with("scripts.html"))
        .expect("scripts.html stored");
    assert!(
        d.text.contains("the convoy passed") && d.text.contains("The council met again"),
        "{}",
        d.text
    );
    for bad in [
        "<",
        ">",
        "script",
        "javascript",
        "onload",
        "onerror",
        "onclick",
        "alert",
        "SCRIPTTEXT",
        "IFRAME",
        "HEADSCRIPT",
        "steal",
    ] {
        assert!(
            !d.text.contains(bad),
            "`{bad}` in the cleaned text: {}",
            d.text
        );
    }
    // No entity expansion: the laughs stay a few bytes.
    if let Some(d) = docs
        .iter()
        .find(|d| d.source.contains("billion-laughs.xml"))
    {
        assert!(
            d.text.len() < 10_000 && !d.text.contains("lollollol"),
            "{}",
            d.text.len()
        );
    }
    // Controls and their count: every control is stored, and nothing else was.
    let expected_docs = cases
        .iter()
        .filter(|c| matches!(c.ingest, Expect::Stored))
        .count();
    let safe_docs = cases
        .iter()
        .filter(|c| matches!(c.ingest, Expect::Safe) && stored(&c.key))
        .count();
    let st = store.db().status_counts().unwrap();
    drop(store);
    assert_eq!(docs.len(), expected_docs + safe_docs, "{st:?}");

    println!("\n{table}");
    println!(
        "ingest: {:.1} s, peak RSS {} MB, exit {}; extract: {:.1} s, peak RSS {} MB, exit {}",
        ingest.secs,
        ingest
            .peak_kb
            .map_or("?".into(), |k| (k / 1024).to_string()),
        ingest.code,
        extract.secs,
        extract
            .peak_kb
            .map_or("?".into(), |k| (k / 1024).to_string()),
        extract.code
    );

    // Redirects, with private addresses allowed (to reach the test server): a redirect to
    // a file: URL and a redirect loop are refused.
    let data2 = tmp.path().join("data2");
    let to_file = format!("http://127.0.0.1:{port}/to-file");
    let looped = format!("http://127.0.0.1:{port}/loop");
    let r = run(
        &[
            "ingest",
            "--data",
            data2.to_str().unwrap(),
            "--allow-private",
            "--timeout",
            "2",
            "--host-delay-ms",
            "0",
            &to_file,
            &looped,
        ],
        &[],
    );
    assert_bounded(&r, "ingest of redirects");
    let file_reason = reason_for(&r.stderr, &dir, &to_file).expect(&r.stderr);
    assert!(
        file_reason.contains("unsupported scheme `file`"),
        "{file_reason}"
    );
    let loop_reason = reason_for(&r.stderr, &dir, &looped).expect(&r.stderr);
    assert!(
        loop_reason.contains("more than 5 redirects"),
        "{loop_reason}"
    );
    println!("| `http://127.0.0.1:PORT/to-file`: redirect to file:///etc/passwd (with --allow-private) | error: {} | — |", short(file_reason));
    println!(
        "| `http://127.0.0.1:PORT/loop`: redirect loop (with --allow-private) | error: {} | — |",
        short(loop_reason)
    );

    // Redirects from an allowed host (`--allow-host`, the test server only) to private,
    // link-local and loopback addresses are refused at the redirect; the page itself is
    // fetched.
    let data3 = tmp.path().join("data3");
    let allow = format!("127.0.0.1:{port}");
    let urls: Vec<(String, &str)> = [
        ("/page.html", "the allowed host itself"),
        ("/to-metadata", "redirect to 169.254.169.254 (link-local)"),
        ("/to-private", "redirect to 10.1.2.3 (private)"),
        (
            "/to-localhost",
            "redirect to localhost, same address but not the allowed name",
        ),
    ]
    .iter()
    .map(|(p, w)| (format!("http://127.0.0.1:{port}{p}"), *w))
    .collect();
    let mut args = vec![
        "ingest",
        "--data",
        data3.to_str().unwrap(),
        "--allow-host",
        &allow,
        "--timeout",
        "2",
        "--host-delay-ms",
        "0",
    ];
    args.extend(urls.iter().map(|(u, _)| u.as_str()));
    let r = run(&args, &[]);
    assert_bounded(&r, "ingest of redirects to private addresses");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        reason_for(&r.stderr, &dir, &urls[0].0).is_none(),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("ingested 1, duplicates 0, failed 3"),
        "{}",
        r.stderr
    );
    for (url, what) in &urls[1..] {
        let reason = reason_for(&r.stderr, &dir, url).expect(&r.stderr);
        assert!(
            reason.starts_with("refused: ") && reason.contains("private/loopback/link-local"),
            "{url}: {reason}"
        );
        println!(
            "| `{}`: {what} (with --allow-host 127.0.0.1:PORT) | error: {} | — |",
            url.replace(&port.to_string(), "PORT"),
            short(reason)
        );
    }
}

/// A long report whose one unusual word, `codeword<letters>`, finds it and only it.
fn long_report(i: usize) -> (String, String) {
    let word = format!(
        "codeword{}",
        i.to_string()
            .bytes()
            .map(|b| char::from(b'a' + (b - b'0')))
            .collect::<String>()
    );
    let body: Vec<String> = (0..25).map(|k| article((i * 100 + k) as u64)).collect();
    (
        word.clone(),
        format!("The {word} dispatch.\n\n{}", body.join("\n")),
    )
}

#[test]
fn a_full_store_stops_ingest_cleanly_and_a_rerun_completes_it() {
    const N: usize = 12;
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().canonicalize().unwrap().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut words = Vec::new();
    for i in 0..N {
        let (word, text) = long_report(i);
        std::fs::write(src.join(format!("report-{i:02}.txt")), text).unwrap();
        words.push(word);
    }
    let data = tmp.path().join("data");
    let (s, d) = (src.to_str().unwrap(), data.to_str().unwrap());
    // `status` reads a store and creates none: a missing one is an error
    let r = run(&["status", "--data", d], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no store in"), "{}", r.stderr);
    assert!(!data.exists());
    // An empty store, to learn how many pages its schema takes.
    drop(sitrep_store::Store::open(&data).unwrap());
    let pages = std::fs::metadata(data.join("sitrep.db")).unwrap().len() / 4096;
    // Room for about half of the reports: measured by storing them all elsewhere first.
    let probe = tmp.path().join("probe");
    let all = run(&["ingest", s, "--data", probe.to_str().unwrap()], &[]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let used = std::fs::metadata(probe.join("sitrep.db")).unwrap().len() / 4096 - pages;
    let cap = (pages + used / 2).to_string();

    let full = run(
        &["ingest", s, "--data", d],
        &[(sitrep_store::db::MAX_PAGES_ENV, cap.as_str())],
    );
    assert_bounded(&full, "ingest into a full store");
    assert_ne!(full.code, 0, "{}", full.stderr);
    let line = full
        .stderr
        .lines()
        .find(|l| l.contains("the disk or the store is full"))
        .unwrap_or_else(|| panic!("no disk-full message in:\n{}", full.stderr));
    assert!(
        line.contains(&format!("{s}/report-")) && line.contains("free some space"),
        "{line}"
    );
    println!(
        "disk full: exit {}, `{}`",
        full.code,
        line.replace(s, "SRC")
    );

    // The store opens; what it says is stored is whole, searchable, and indexed.
    let check = |expect_all: bool| -> usize {
        let st = run(&["status", "--json", "--data", d], &[]);
        assert_eq!(st.code, 0, "{}", st.stderr);
        let st: Value = serde_json::from_str(&st.stdout).unwrap();
        let store = sitrep_store::Store::open_reader(&data).unwrap();
        let n = store.document_count().unwrap() as usize;
        assert_eq!(st["documents"], n);
        assert_eq!(st["indexed"], n, "index and store differ: {st}");
        assert_eq!(st["sources"]["done"], n, "{st}");
        assert_eq!(st["sources"]["failed"], 0, "{st}");
        let mut found = 0;
        for (i, w) in words.iter().enumerate() {
            let hits = store
                .search(w, &sitrep_store::SearchFilters::default(), 5)
                .unwrap();
            let status = store
                .db()
                .status(&format!("{s}/report-{i:02}.txt"))
                .unwrap();
            let done = status.is_some_and(|st| st.state == sitrep_store::IngestState::Done);
            assert_eq!(
                hits.len(),
                usize::from(done),
                "{w}: {} hits, done: {done}",
                hits.len()
            );
            if let Some(h) = hits.first() {
                let doc = store.db().get(h.doc_id).unwrap().unwrap();
                let (_, text) = long_report(i);
                assert!(doc.text.starts_with(&format!("The {w} dispatch.")), "{w}");
                assert_eq!(
                    doc.text.split_whitespace().count(),
                    text.split_whitespace().count(),
                    "{w}: text cut"
                );
                found += 1;
            }
        }
        assert_eq!(found, n);
        if expect_all {
            assert_eq!(n, N);
        }
        n
    };
    let before = check(false);
    assert!(
        (1..N).contains(&before),
        "{before} of {N} stored before the store filled"
    );

    // Space freed: the same ingest stores the rest, nothing twice.
    let again = run(&["ingest", s, "--data", d], &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains(&format!("ingested {}, duplicates 0, failed 0", N - before)),
        "{}",
        again.stderr
    );
    check(true);
}
