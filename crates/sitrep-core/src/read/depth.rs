//! Nesting-depth checks run before a document reaches a third-party parser.
//!
//! html5ever checks element scopes by walking its stack of open elements, so a page nested
//! `n` levels deep costs on the order of `n²` steps to parse (100,000 nested `<div>` took
//! over a minute); feed-rs builds one tree node per XML element and quick-xml counts depth
//! in a small integer. Both checks below are single linear scans, and they over-estimate
//! rather than under-estimate: a document they pass cannot be much deeper for the parser.

use std::collections::HashMap;

/// Elements that hold no content and are never pushed on the parser's stack.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is raw text up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Elements that bound a scope: an end tag or an implied close does not reach past them.
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
    "ul", "ol", "dl", "menu", "select", "svg", "math",
];

/// Block-level ("special") elements: an end tag for an inline element above one of these is
/// ignored by the parser.
const SPECIAL: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dir",
    "div",
    "dd",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "li",
    "listing",
    "main",
    "nav",
    "p",
    "pre",
    "section",
    "summary",
    "tbody",
    "tfoot",
    "thead",
    "tr",
];

/// The elements a start tag closes when they are open in the same scope (`<p>` after an
/// unclosed `<p>`, `<td>` after an unclosed cell...), step by step: a new row first closes
/// the open cell, then the open row.
fn closes(tag: &str) -> &'static [&'static [&'static str]] {
    const CELL: &[&str] = &["td", "th"];
    match tag {
        "p" => &[&["p"]],
        "li" => &[&["li"]],
        "dd" | "dt" => &[&["dd", "dt"]],
        "td" | "th" => &[CELL],
        "tr" => &[CELL, &["tr"]],
        "thead" | "tbody" | "tfoot" => &[CELL, &["tr"], &["thead", "tbody", "tfoot"]],
        "option" => &[&["option"]],
        "optgroup" => &[&["option"], &["optgroup"]],
        "rb" | "rt" | "rp" | "rtc" => &[&["rb", "rt", "rp", "rtc"]],
        _ => &[],
    }
}

/// A model of the parser's stack of open elements, cheap to update.
#[derive(Default)]
struct Stack {
    names: Vec<String>,
    /// Indices in `names` of each open element name, innermost last.
    at: HashMap<String, Vec<usize>>,
    /// Indices of open scope-bounding elements.
    scopes: Vec<usize>,
    /// Indices of open scope-bounding or block-level elements.
    blocks: Vec<usize>,
}

impl Stack {
    fn push(&mut self, name: &str) {
        let i = self.names.len();
        if SCOPE.contains(&name) {
            self.scopes.push(i);
        }
        if SCOPE.contains(&name) || SPECIAL.contains(&name) {
            self.blocks.push(i);
        }
        self.at.entry(name.to_string()).or_default().push(i);
        self.names.push(name.to_string());
    }

    /// Pops every element from index `i` up.
    fn pop_to(&mut self, i: usize) {
        while self.names.len() > i {
            let Some(name) = self.names.pop() else { break };
            let j = self.names.len();
            if let Some(v) = self.at.get_mut(&name) {
                v.pop();
            }
            if self.scopes.last() == Some(&j) {
                self.scopes.pop();
            }
            if self.blocks.last() == Some(&j) {
                self.blocks.pop();
            }
        }
    }

    fn innermost(&self, name: &str) -> Option<usize> {
        self.at.get(name).and_then(|v| v.last().copied())
    }

    /// Index of the innermost open element among `names` that no scope boundary hides
    /// (the element may be the boundary itself).
    fn in_scope(&self, names: &[&str], bounds: &[usize]) -> Option<usize> {
        let i = names.iter().filter_map(|n| self.innermost(n)).max()?;
        match bounds.last() {
            Some(&b) if b > i => None,
            _ => Some(i),
        }
    }
}

/// Returns the estimated nesting depth of an HTML document when it exceeds `limit`
/// (`None` when it stays within). The scan stops as soon as the limit is passed.
pub fn html_too_deep(html: &str, limit: usize) -> Option<usize> {
    let b = html.as_bytes();
    let mut st = Stack::default();
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &b[i..]) {
        i += lt + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if matches!(b.get(i), Some(b'!' | b'?')) {
            i = memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
            continue;
        }
        let end_tag = b.get(i) == Some(&b'/');
        let name_at = i + usize::from(end_tag);
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            continue; // a `<` in text
        }
        let mut j = name_at;
        while j < b.len() && !matches!(b[j], b'>' | b'/') && !b[j].is_ascii_whitespace() {
            j += 1;
        }
        let name = String::from_utf8_lossy(&b[name_at..j]).to_ascii_lowercase();
        i = tag_end(b, j);
        let name = name.as_str();
        if matches!(name, "html" | "head" | "body") || VOID.contains(&name) {
            continue;
        }
        if end_tag {
            if let Some(k) = st.innermost(name) {
                let bounds = if SCOPE.contains(&name) || SPECIAL.contains(&name) {
                    &st.scopes
                } else {
                    &st.blocks
                };
                if bounds.last().is_none_or(|&x| x <= k) {
                    st.pop_to(k);
                }
            }
            continue;
        }
        if name == "plaintext" {
            break;
        }
        for step in closes(name) {
            if let Some(k) = st.in_scope(step, &st.scopes) {
                st.pop_to(k);
            }
        }
        st.push(name);
        if st.names.len() > limit {
            return Some(st.names.len());
        }
        if RAW_TEXT.contains(&name) {
            i = raw_text_end(b, i, name);
        }
    }
    None
}

/// Returns the element nesting depth of an XML document when it exceeds `limit`.
pub fn xml_too_deep(xml: &[u8], limit: usize) -> Option<usize> {
    let b = xml;
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &b[i..]) {
        i += lt + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
        } else if b[i..].starts_with(b"![CDATA[") {
            i = find(b, i + 8, b"]]>").map_or(b.len(), |e| e + 3);
        } else if matches!(b.get(i), Some(b'!' | b'?')) {
            i = memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
        } else if b.get(i) == Some(&b'/') {
            depth = depth.saturating_sub(1);
            i = tag_end(b, i);
        } else {
            let end = tag_end(b, i);
            if end < 2 || b[end - 2] != b'/' {
                depth += 1;
                if depth > limit {
                    return Some(depth);
                }
            }
            i = end;
        }
    }
    None
}

/// Where a tag that started before `from` ends: after its `>`, quoted values skipped.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut after_eq = false;
    while i < b.len() {
        match b[i] {
            b'>' => return i + 1,
            q @ (b'"' | b'\'') if after_eq => {
                i = memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                after_eq = false;
            }
            b'=' => after_eq = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        i += 1;
    }
    b.len()
}

/// Where the raw text of a `<name>` element ends: at its end tag, or the end of input.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(k) = find(b, i, b"</") {
        let n = &b[k + 2..];
        if n.len() >= name.len() && n[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return k;
        }
        i = k + 2;
    }
    b.len()
}

fn memchr(c: u8, b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_over(html: &str, limit: usize) -> bool {
        html_too_deep(html, limit).is_some()
    }

    #[test]
    fn deep_divs_are_caught_early() {
        let s = "<div>".repeat(100_000);
        assert_eq!(html_too_deep(&s, 1000), Some(1001));
        let s = format!("<html><body>{}<p>x", "<span><div>".repeat(600));
        assert!(depth_over(&s, 1000));
    }

    #[test]
    fn ordinary_pages_are_shallow() {
        // unclosed paragraphs, list items and cells, void elements, comments, scripts
        let mut s = String::from("<!DOCTYPE html><html><head><title>a <div></title>");
        s.push_str("<script>for (i = 0; i < 9; i++) document.write('<div>')</script></head><body>");
        for _ in 0..5000 {
            s.push_str("<p>text <b>bold</b><br><img src=x alt='>'><!-- <div> -->");
        }
        s.push_str("<ul>");
        for _ in 0..5000 {
            s.push_str("<li><a href=\"/x\">link");
        }
        s.push_str("</ul><table>");
        for _ in 0..2000 {
            s.push_str("<tr><td><font size=2>cell<td>cell");
        }
        s.push_str("</table>");
        for _ in 0..3000 {
            s.push_str("<div><span>unclosed inline</div>");
        }
        assert_eq!(html_too_deep(&s, 50), None);
    }

    #[test]
    fn end_tags_do_not_close_past_a_boundary() {
        // the parser ignores `</div>` when an <object> hides the div, and `</span>` when a
        // block is open above the span: both keep nesting
        let s = "<div><object></div>".repeat(300);
        assert!(depth_over(&s, 500));
        let s = "<span><div></span>".repeat(300);
        assert!(depth_over(&s, 500));
        let s = "<p><object><p><object>".repeat(300);
        assert!(depth_over(&s, 500));
    }

    #[test]
    fn xml_depth() {
        let deep = format!("<?xml version=\"1.0\"?><rss>{}</rss>", "<x>".repeat(5000));
        assert_eq!(xml_too_deep(deep.as_bytes(), 1000), Some(1001));
        let flat = format!(
            "<?xml version=\"1.0\"?><rss><channel>{}</channel></rss>",
            "<item a=\"/>\"><title><![CDATA[<x><x>]]></title><br/></item>".repeat(5000)
        );
        assert_eq!(xml_too_deep(flat.as_bytes(), 10), None);
    }
}
