//! HTML helpers: the one escaping function, URL encoding, the page layout and the CSS.

use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes a string for a URL path segment or query value.
pub fn urlenc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A query string from key/value pairs, empty values left out (starts with `?` when not empty).
pub fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(k);
            out.push('=');
            out.push_str(&urlenc(v));
        }
    }
    out
}

/// The store's search snippet (escaped text with `<b>` marks), made safe whatever it holds:
/// only `<b>` and `</b>` survive as markup.
pub fn safe_snippet(snippet_html: &str) -> String {
    let mut out = String::new();
    for (i, part) in snippet_html.split("<b>").enumerate() {
        if i > 0 {
            out.push_str("<b>");
        }
        for (j, seg) in part.split("</b>").enumerate() {
            if j > 0 {
                out.push_str("</b>");
            }
            for c in seg.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    _ => out.push(c),
                }
            }
        }
    }
    // Balance the tags so that a stray mark cannot embolden the page.
    let opens = out.matches("<b>").count();
    let closes = out.matches("</b>").count();
    for _ in closes..opens {
        out.push_str("</b>");
    }
    out
}

/// Wraps a page body in the layout: head, navigation, main.
pub fn page(title: &str, active: &str, body: &str) -> String {
    let mut nav = String::new();
    for (href, label) in [
        ("/", "Search"),
        ("/timeline", "Timeline"),
        ("/map", "Map"),
        ("/brief", "Brief"),
        ("/watchlists", "Watchlists"),
    ] {
        let cls = if label == active {
            " class=\"active\""
        } else {
            ""
        };
        let _ = write!(nav, "<a href=\"{href}\"{cls}>{label}</a>");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} · sitrep</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\
<body><header><a class=\"brand\" href=\"/\">sitrep</a><nav>{nav}</nav></header>\
<main>{body}</main><footer>sitrep · open-source reports · \
<a href=\"/api/v1/openapi.json\">API</a></footer></body></html>",
        esc(title)
    )
}

/// The stylesheet served at `/static/style.css`.
pub const CSS: &str = r#"
:root{--fg:#1d232a;--muted:#5b6570;--line:#d9dee3;--bg:#fff;--soft:#f4f6f8;--acc:#0b5cad;--ent:#e8f0fb;--date:#fdf3d7;--warn:#a23b12}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;align-items:center;padding:.6rem 1.5rem;border-bottom:1px solid var(--line);background:var(--soft)}
header .brand{font-weight:700;font-size:1.2rem;color:var(--fg);text-decoration:none;letter-spacing:.02em}
nav a{margin-right:1rem;color:var(--muted);text-decoration:none}
nav a.active,nav a:hover{color:var(--acc);text-decoration:underline}
main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem 3rem}
footer{color:var(--muted);font-size:.85rem;padding:1rem 1.5rem;border-top:1px solid var(--line)}
a{color:var(--acc)}
h1{font-size:1.6rem;margin:.6rem 0}
h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}
form.search label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:4px}
input[name=q]{width:100%}
button{background:var(--acc);color:#fff;border-color:var(--acc);cursor:pointer}
.layout{display:grid;grid-template-columns:15rem minmax(0,1fr);grid-template-areas:"facets results";gap:2rem}
.layout .results{grid-area:results;min-width:0}
.layout .facets{grid-area:facets}
form.search label.q{flex:1 1 22rem}
form.search details.more{flex-basis:100%;order:3}
form.search details.more summary{cursor:pointer;color:var(--muted);font-size:.9rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.4rem}
nav.pager{margin:1rem 0;display:flex;gap:1rem;align-items:center}
.overview{margin:0 0 1.5rem}
.glance{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem 2rem}
ul.plain,ul.latest{list-style:none;margin:0;padding:0;font-size:.92rem}
ul.latest li{margin-bottom:.3rem}
svg.series{width:100%;height:auto;max-height:16rem;display:block}
svg.series rect.bar:hover{opacity:.75}
.legend span{display:inline-block;margin-right:.8rem;font-size:.85rem}
h2.day{font-size:1rem;margin:1.2rem 0 .4rem;color:var(--muted);border-bottom:1px solid var(--line)}
.new{color:#1d6b2f}
.tag.new{background:#e3f4e7;border-color:#9fd3ac}
form.watch{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem;align-items:end;margin:.5rem 0 1rem}
form.watch label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
button.danger{background:var(--warn);border-color:var(--warn)}
.scroll{overflow-x:auto}
.facets h3{font-size:.9rem;margin:1rem 0 .3rem;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.facets ul{list-style:none;margin:0;padding:0;font-size:.9rem}
.facets li{display:flex;justify-content:space-between;gap:.5rem}
.count{color:var(--muted);font-variant-numeric:tabular-nums}
.hit{margin:0 0 1.2rem}
.hit h3{margin:0;font-size:1.05rem}
.meta{color:var(--muted);font-size:.85rem}
.snippet b{background:var(--date)}
.doctext{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.65;background:var(--soft);padding:1rem 1.2rem;border-radius:6px;border:1px solid var(--line)}
a.ent{background:var(--ent);color:inherit;text-decoration:none;border-bottom:1px solid #9bb8e0;padding:0 1px}
a.date{background:var(--date);color:inherit;text-decoration:none;border-bottom:1px solid #d9b85a;padding:0 1px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft)}
dl.kv{display:grid;grid-template-columns:9rem 1fr;gap:.2rem 1rem;margin:0}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0}
.event{border:1px solid var(--line);border-radius:6px;padding:.7rem 1rem;margin:0 0 .9rem}
.event h3{margin:0 0 .3rem;font-size:1rem}
.tag{display:inline-block;font-size:.75rem;padding:0 .45rem;border-radius:3px;background:var(--soft);border:1px solid var(--line);margin-right:.3rem}
.grade{font-weight:600}
.g1,.g2{color:#1d6b2f}.g3{color:#7a5b00}.g4,.g5{color:var(--warn)}.g6{color:var(--muted)}
.dispute{color:var(--warn)}
ol.sources{font-size:.9rem}
blockquote{margin:.3rem 0;padding:.2rem .8rem;border-left:3px solid var(--line);color:#333;font-size:.92rem}
svg.map{width:100%;height:auto;border:1px solid var(--line);background:#eaf2fa}
svg.map path{fill:#f7f5ef;stroke:#a39d8e;stroke-width:.7;vector-effect:non-scaling-stroke}
svg.map circle.place{fill:#0b5cad;fill-opacity:.7;stroke:#fff;stroke-width:1;vector-effect:non-scaling-stroke}
svg.map circle.event{fill:#c2410c;fill-opacity:.85;stroke:#fff;stroke-width:1;vector-effect:non-scaling-stroke}
svg.map text{fill:#1d232a;paint-order:stroke;stroke:#fff;stroke-width:2px;vector-effect:non-scaling-stroke}
svg.chart rect{fill:#0b5cad}
svg.chart text{font-size:10px;fill:#5b6570}
.legend span{margin-right:1rem}
.dot-place{color:#0b5cad}.dot-event{color:#c2410c}
.empty{color:var(--muted);font-style:italic}
.mt td{vertical-align:top;width:50%;line-height:1.55}
.mtlabel{font-weight:600}
.brief h2{border-bottom:1px solid var(--line);padding-bottom:.2rem}
.brief li{margin-bottom:.4rem}
main{overflow-wrap:break-word}
img,svg,table{max-width:100%}
dl.kv dd{min-width:0;overflow-wrap:anywhere}
@media (max-width:50rem){
.layout{grid-template-columns:minmax(0,1fr);grid-template-areas:"results" "facets";gap:1rem}
header{padding:.4rem .8rem}
nav a{margin-right:.7rem}
main{padding:.6rem .8rem 2rem}
h1{font-size:1.3rem}
dl.kv{grid-template-columns:minmax(0,1fr)}
dl.kv dt{font-weight:600;margin-top:.3rem}
table{display:block;overflow-x:auto}
.mt td{display:block;width:auto}
form.search label{flex:1 1 8rem}
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('1')</script>&\""),
            "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }

    #[test]
    fn encodes_urls() {
        assert_eq!(urlenc("place:mali x/y"), "place%3Amali%20x%2Fy");
        assert_eq!(query(&[("q", Some("a b")), ("x", None)]), "?q=a%20b");
    }

    #[test]
    fn snippets_keep_only_bold() {
        let s = safe_snippet("a <b>x</b> <img src=x onerror=alert(1)> <b>y");
        assert!(!s.contains("<img"));
        assert!(s.ends_with("</b>"));
    }
}
