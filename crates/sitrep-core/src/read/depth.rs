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
    /// A unique id per element pushed (0 for an element removed from the middle).
    ids: Vec<u64>,
    next_id: u64,
    /// Elements removed from the middle of the stack (the adoption agency takes a
    /// misnested formatting element out), still holding their slot until popped.
    dead: usize,
    /// Indices in `names` of each open element name, innermost last.
    at: HashMap<String, Vec<usize>>,
    /// Indices of open scope-bounding elements.
    scopes: Vec<usize>,
    /// Indices of open scope-bounding or block-level elements.
    blocks: Vec<usize>,
}

/// Where an element sits on the stack: its index and its id (see [`Stack::is_open`]).
#[derive(Clone, Copy)]
struct Slot {
    at: usize,
    id: u64,
}

impl Stack {
    fn push(&mut self, name: &str) -> Slot {
        let i = self.names.len();
        if SCOPE.contains(&name) {
            self.scopes.push(i);
        }
        if SCOPE.contains(&name) || SPECIAL.contains(&name) {
            self.blocks.push(i);
        }
        self.at.entry(name.to_string()).or_default().push(i);
        self.names.push(name.to_string());
        self.next_id += 1;
        self.ids.push(self.next_id);
        Slot {
            at: i,
            id: self.next_id,
        }
    }

    /// Elements open now.
    fn depth(&self) -> usize {
        self.names.len() - self.dead
    }

    fn is_open(&self, s: Slot) -> bool {
        self.ids.get(s.at) == Some(&s.id)
    }

    /// Pops every element from index `i` up.
    fn pop_to(&mut self, i: usize) {
        while self.names.len() > i {
            let Some(name) = self.names.pop() else { break };
            let j = self.names.len();
            if self.ids.pop() == Some(0) {
                self.dead -= 1;
                continue;
            }
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

    /// Takes the (inline, formatting) element at index `i` out of the stack, leaving the
    /// elements above it open.
    fn remove_at(&mut self, i: usize) {
        if i + 1 >= self.names.len() {
            self.pop_to(i);
            return;
        }
        if let Some(v) = self.at.get_mut(&self.names[i]) {
            if let Some(p) = v.iter().rposition(|&x| x == i) {
                v.remove(p);
            }
        }
        self.ids[i] = 0;
        self.dead += 1;
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

/// Why a page is refused before it reaches the HTML parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Elements nest deeper than the limit (at least this many levels).
    Deep(usize),
    /// The parser would reopen this many formatting elements for this many tags: unclosed
    /// `<b>`, `<font>`, `<a>`... that the parser carries into every later block and text.
    Reopens {
        /// Formatting elements the parser would create again.
        reopened: usize,
        /// Entries of its list of active formatting elements it would step through.
        steps: usize,
        /// Tags read when the scan stopped.
        tags: usize,
    },
}

/// The elements the parser keeps in its list of active formatting elements.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements that put a marker on the list of active formatting elements: nothing before
/// the marker is reopened inside them.
const MARKER: &[&str] = &[
    "applet", "object", "marquee", "template", "td", "th", "caption",
];

/// Start tags after which the parser does not reconstruct the active formatting
/// elements: the block-level and table elements, and the void and raw-text elements that
/// are not phrasing content.
fn reconstructs_before(name: &str) -> bool {
    if matches!(
        name,
        "applet" | "marquee" | "object" | "button" | "select" | "svg" | "math" | "xmp"
    ) {
        return true;
    }
    if SCOPE.contains(&name) || SPECIAL.contains(&name) {
        return false;
    }
    if VOID.contains(&name) {
        return matches!(
            name,
            "area" | "br" | "embed" | "img" | "image" | "keygen" | "wbr" | "input"
        );
    }
    !RAW_TEXT.contains(&name) && !matches!(name, "hr" | "table" | "plaintext")
}

/// One entry of the list of active formatting elements: a formatting element (its name and
/// a hash of its attributes as written) or a marker.
struct Entry {
    key: Option<(String, u64)>,
    slot: Slot,
}

/// A model of html5ever's list of active formatting elements ("reconstruct the active
/// formatting elements", the Noah's Ark clause, the adoption agency for end tags), counting
/// the elements the parser would create again and the entries it would step through (the
/// parser walks the list as this model does, so both are its cost as well as the model's).
#[derive(Default)]
struct Active {
    entries: Vec<Entry>,
    markers: Vec<usize>,
    /// Elements reopened (new nodes the page does not write).
    reopened: usize,
    /// Entries of the list stepped through.
    steps: usize,
}

impl Active {
    /// A refusal when the page has cost more than the budget so far.
    fn over(&self, base: usize, tags: usize) -> Option<Refusal> {
        let reopen_budget = base.saturating_add(REOPEN_PER_TAG.saturating_mul(tags));
        (self.reopened > reopen_budget || self.steps > MAX_STEPS).then_some(Refusal::Reopens {
            reopened: self.reopened,
            steps: self.steps,
            tags,
        })
    }

    /// Drops the entries after a marker whose element has been closed.
    fn clear_closed_markers(&mut self, st: &Stack) {
        while let Some(&m) = self.markers.last() {
            if st.is_open(self.entries[m].slot) {
                break;
            }
            self.steps += self.entries.len() - m;
            self.entries.truncate(m);
            self.markers.pop();
        }
    }

    fn first_after_marker(&self) -> usize {
        self.markers.last().map_or(0, |&m| m + 1)
    }

    /// Index of the last entry named `name` after the last marker.
    fn last_named(&mut self, name: &str) -> Option<usize> {
        let from = self.first_after_marker();
        let mut found = None;
        for i in (from..self.entries.len()).rev() {
            self.steps += 1;
            if self.entries[i].key.as_ref().is_some_and(|(n, _)| n == name) {
                found = Some(i);
                break;
            }
        }
        found
    }

    /// Reopens every entry after the last open one (or the last marker).
    fn reconstruct(&mut self, st: &mut Stack) {
        self.clear_closed_markers(st);
        let mut i = self.entries.len();
        while i > 0 {
            let e = &self.entries[i - 1];
            if e.key.is_none() || st.is_open(e.slot) {
                break;
            }
            i -= 1;
        }
        for e in &mut self.entries[i..] {
            if let Some((name, _)) = &e.key {
                e.slot = st.push(name);
                self.reopened += 1;
            }
        }
        self.steps += 1;
    }

    /// Adds a formatting element just pushed; at most three identical entries after the
    /// last marker are kept (the earliest goes).
    fn push(&mut self, name: &str, attrs: u64, slot: Slot) {
        let from = self.first_after_marker();
        let mut same = Vec::new();
        for i in (from..self.entries.len()).rev() {
            self.steps += 1;
            if self.entries[i]
                .key
                .as_ref()
                .is_some_and(|(n, a)| n == name && *a == attrs)
            {
                same.push(i);
            }
        }
        if same.len() >= 3 {
            if let Some(&earliest) = same.last() {
                self.entries.remove(earliest);
            }
        }
        self.entries.push(Entry {
            key: Some((name.to_string(), attrs)),
            slot,
        });
    }

    fn push_marker(&mut self, slot: Slot) {
        self.markers.push(self.entries.len());
        self.entries.push(Entry { key: None, slot });
    }

    /// The end tag of a formatting element (the adoption agency, simplified): its entry
    /// goes, and its element leaves the stack, popped with what is above it when no block
    /// is open above it, taken out alone otherwise. False when no entry matches (the end
    /// tag is then handled like any other).
    fn end(&mut self, name: &str, st: &mut Stack) -> bool {
        self.clear_closed_markers(st);
        let Some(i) = self.last_named(name) else {
            return false;
        };
        let e = self.entries.remove(i);
        if st.is_open(e.slot) {
            if st.blocks.last().is_some_and(|&b| b > e.slot.at) {
                // the parser moves what the block holds into a new copy of the element
                self.reopened += 1;
                st.remove_at(e.slot.at);
            } else {
                st.pop_to(e.slot.at);
            }
        }
        true
    }
}

/// A hash of a start tag's attributes as written (order and spelling matter, which can
/// only make identical elements look distinct: more entries, a higher estimate).
fn attrs_hash(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in b {
        if !c.is_ascii_whitespace() {
            h = (h ^ u64::from(c.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

/// Reopened elements allowed: a fixed allowance plus a number per tag read that no
/// ordinary page comes near.
const REOPEN_BASE: usize = 20_000;
const REOPEN_PER_TAG: usize = 64;
/// Steps through the list of active formatting elements allowed (comparisons, far cheaper
/// than new nodes: some tens of milliseconds of the parser's time).
const MAX_STEPS: usize = 50_000_000;

/// Why the HTML parser should not be given this page: it nests deeper than `limit`
/// (estimated), or it makes the parser reopen far more formatting elements than it has
/// tags (each reopened element is a new node and a deeper stack: 50 KB of unclosed `<b>`
/// carried over a few thousand blocks is millions of nodes). `None` when neither.
/// One linear scan; the formatting model's own work is bounded by the same budget.
pub fn html_refusal(html: &str, limit: usize) -> Option<Refusal> {
    scan(html, limit, REOPEN_BASE).0
}

/// [`html_refusal`] with the base of the reopening budget given, and the elements the
/// model reopened when the scan stopped.
fn scan(html: &str, limit: usize, base: usize) -> (Option<Refusal>, usize) {
    let b = html.as_bytes();
    let mut st = Stack::default();
    let mut afe = Active::default();
    let mut tags = 0usize;
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &b[i..]) {
        if lt > 0 && !afe.entries.is_empty() {
            // text (whitespace too) is inserted after reconstructing
            afe.reconstruct(&mut st);
        }
        if let Some(r) = afe.over(base, tags) {
            return (Some(r), afe.reopened);
        }
        if st.depth() > limit {
            return (Some(Refusal::Deep(st.depth())), afe.reopened);
        }
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
        tags += 1;
        let name = name.as_str();
        if matches!(name, "html" | "head" | "body") {
            continue;
        }
        if end_tag {
            if FORMATTING.contains(&name) && afe.end(name, &mut st) {
                continue;
            }
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
        if !afe.entries.is_empty() && reconstructs_before(name) {
            if name == "a" {
                // a new link first closes the open one
                afe.end("a", &mut st);
            }
            afe.reconstruct(&mut st);
        }
        if VOID.contains(&name) {
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
        let slot = st.push(name);
        if FORMATTING.contains(&name) {
            afe.clear_closed_markers(&st);
            afe.push(name, attrs_hash(&b[j..i.saturating_sub(1).max(j)]), slot);
        } else if MARKER.contains(&name) {
            afe.push_marker(slot);
        }
        if st.depth() > limit {
            return (Some(Refusal::Deep(st.depth())), afe.reopened);
        }
        if RAW_TEXT.contains(&name) {
            i = raw_text_end(b, i, name);
        }
    }
    if let Some(r) = afe.over(base, tags) {
        return (Some(r), afe.reopened);
    }
    (None, afe.reopened)
}

/// The error for a page [`html_refusal`] refuses.
pub fn refusal_error(source_name: String, r: Refusal, limit: usize) -> crate::error::Error {
    match r {
        Refusal::Deep(depth) => crate::error::Error::TooDeep {
            source_name,
            depth,
            limit,
        },
        Refusal::Reopens {
            reopened,
            steps,
            tags,
        } => crate::error::Error::TooManyReopened {
            source_name,
            reopened,
            steps,
            tags,
        },
    }
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

    fn html_too_deep(html: &str, limit: usize) -> Option<usize> {
        match html_refusal(html, limit)? {
            Refusal::Deep(d) => Some(d),
            r => panic!("refused for another reason: {r:?}"),
        }
    }

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

    /// Elements in html5ever's tree for `html`, and start tags written in it: the parser
    /// created the difference itself (reopened formatting elements, implied html/head/body).
    fn created_by_parser(html: &str) -> (usize, usize) {
        let doc = scraper::Html::parse_document(html);
        let elements = doc.tree.nodes().filter(|n| n.value().is_element()).count();
        let written = html.matches('<').count() - html.matches("</").count();
        (elements, written)
    }

    #[test]
    fn formatting_elements_carried_over_many_blocks_are_refused() {
        // distinct unclosed <b>s closed off by </div>, then a few thousand blocks: the
        // parser reopens every <b> in each block (tens of millions of nodes)
        let opened: String = (0..3000).map(|k| format!("<b c={k}>")).collect();
        let page = format!("<html><body><div>{opened}</div>{}", "<p>x</p>".repeat(3000));
        match html_refusal(&page, 5000) {
            Some(Refusal::Reopens { reopened, tags, .. }) => {
                assert!(reopened > 20_000 + 64 * tags, "{reopened} {tags}");
                // the scan stopped early: it did not read all 9,000 tags
                assert!(tags < 9000, "{tags}");
            }
            r => panic!("{r:?}"),
        }
        // the same carried by text alone (a block start tag does not reopen, its text does)
        let page = format!("<div>{opened}</div>{}", "<div>x</div>".repeat(3000));
        assert!(matches!(
            html_refusal(&page, 5000),
            Some(Refusal::Reopens { .. })
        ));
        let refused = refusal_error("bomb.html".into(), html_refusal(&page, 5000).unwrap(), 5000);
        assert!(
            refused
                .to_string()
                .starts_with("bomb.html: the page would make the HTML parser reopen"),
            "{refused}"
        );
    }

    #[test]
    fn ordinary_misnesting_is_accepted() {
        let mut s = String::from("<html><body>");
        // a bold run across paragraphs, closed in the next one
        for _ in 0..3000 {
            s.push_str("<p><b>bold<p>still bold</b> plain\n");
        }
        // misnested inline and block: the adoption agency, 3,000 times
        for _ in 0..3000 {
            s.push_str("<b><p>x</b>y</p>\n");
        }
        // an old page's unclosed <font> over thousands of paragraphs
        s.push_str("<font face=arial size=2>");
        for _ in 0..5000 {
            s.push_str("<p>text <i>it</i> more\n");
        }
        // links never closed: each new one closes the last
        for k in 0..3000 {
            s.push_str(&format!("<a href=/p{k}>link "));
        }
        // identical unclosed <b>s: at most three are kept and reopened
        s.push_str("<div>");
        for _ in 0..500 {
            s.push_str("<b>");
        }
        s.push_str("</div>");
        for _ in 0..5000 {
            s.push_str("<div>text</div>\n");
        }
        // unclosed formatting inside cells stays inside them (markers)
        s.push_str("<table>");
        for k in 0..2000 {
            s.push_str(&format!("<tr><td><font color=c{k}>cell<td><u>cell"));
        }
        s.push_str("</table><p>after the table");
        assert_eq!(html_refusal(&s, 5000), None);
    }

    #[test]
    fn the_model_counts_at_least_what_the_parser_reopens() {
        // differential: on small pages the model reopens at least as many elements as
        // html5ever creates that the page does not write
        let pages = [
            format!("<div>{}</div>{}", "<b>".repeat(5), "<p>x</p>".repeat(40)),
            format!(
                "<div>{}</div>{}",
                (0..30).map(|k| format!("<i c={k}>")).collect::<String>(),
                "<p>x</p>".repeat(30)
            ),
            format!("{}{}", "<p><b>bold<p>still</b> plain".repeat(50), "<p>end"),
            "<b><p>x</b>y</p>".repeat(50),
            format!("<table><tr><td><b>a<td>b</table>{}", "<p>x".repeat(20)),
        ];
        let mut total = 0;
        for page in &pages {
            let (elements, written) = created_by_parser(page);
            // html, head and body are implied
            let created = elements.saturating_sub(written + 3);
            let work = model_work(page);
            total += created;
            assert!(
                work + 8 >= created,
                "model {work} < parser {created} on {}",
                &page[..page.len().min(60)]
            );
        }
        // the pages do make the parser reopen elements (the comparison is not vacuous)
        assert!(total > 1000, "{total}");
    }

    /// The formatting model's work on a whole page, with no budget.
    fn model_work(html: &str) -> usize {
        let (r, work) = scan(html, usize::MAX, usize::MAX / 2);
        assert_eq!(r, None);
        work
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
