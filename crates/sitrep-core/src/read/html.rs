//! HTML reader: metadata from the head, main content from the body, site chrome dropped.

use scraper::{ElementRef, Html, Node, Selector};

use super::RawDoc;
use crate::document::{Format, Meta};

/// Text and metadata taken from an HTML page.
#[derive(Debug, Clone, Default)]
pub struct HtmlText {
    /// Main content as paragraphs separated by blank lines.
    pub text: String,
    /// Metadata from the head and the article.
    pub meta: Meta,
}

pub(super) fn read(source: &str, html: &str) -> RawDoc {
    let h = html_to_text(html);
    RawDoc {
        source: source.to_string(),
        format: Format::Html,
        text: h.text,
        meta: h.meta,
    }
}

const SKIP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "iframe",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "option",
    "svg",
    "canvas",
    "template",
    "object",
    "embed",
    "input",
    "textarea",
    "label",
    "figure",
    "figcaption",
    "menu",
    "dialog",
    "video",
    "audio",
    "map",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dd",
    "dt",
    "dl",
    "br",
    "hr",
    "address",
    "time",
];

/// Class/id words that mark page furniture rather than content.
const CHROME_WORDS: &[&str] = &[
    "share",
    "social",
    "comment",
    "related",
    "sidebar",
    "nav",
    "menu",
    "footer",
    "header",
    "cookie",
    "consent",
    "bio",
    "author-box",
    "subscribe",
    "newsletter",
    "promo",
    "advert",
    "banner",
    "breadcrumb",
    "login",
    "signin",
    "sign-in",
    "toolbar",
    "widget",
    "popup",
    "modal",
    "recommend",
    "more-stories",
    "trending",
    "tags",
    "pagination",
    "print",
    "byline-share",
];

fn is_chrome(el: &scraper::node::Element) -> bool {
    let mut words = String::new();
    if let Some(c) = el.attr("class") {
        words.push_str(c);
        words.push(' ');
    }
    if let Some(i) = el.attr("id") {
        words.push_str(i);
        words.push(' ');
    }
    if let Some(r) = el.attr("role") {
        if matches!(
            r,
            "navigation" | "banner" | "contentinfo" | "complementary" | "search"
        ) {
            return true;
        }
    }
    if el.attr("aria-hidden") == Some("true") || el.attr("hidden").is_some() {
        return true;
    }
    if words.is_empty() {
        return false;
    }
    let w = words.to_ascii_lowercase();
    // "article-body", "content" and the like are never chrome even if they contain "nav".
    if w.contains("article-body") || w.contains("articlebody") || w.contains("post-content") {
        return false;
    }
    w.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .any(|tok| {
            CHROME_WORDS.iter().any(|cw| {
                tok == *cw || tok.starts_with(&format!("{cw}-")) || tok.ends_with(&format!("-{cw}"))
            })
        })
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn first_attr(doc: &Html, selector: &str, attr: &str) -> Option<String> {
    let s = sel(selector)?;
    doc.select(&s)
        .find_map(|e| e.value().attr(attr).map(|v| v.trim().to_string()))
        .filter(|v| !v.is_empty())
}

fn first_text(doc: &Html, selector: &str) -> Option<String> {
    let s = sel(selector)?;
    doc.select(&s)
        .map(|e| collapse(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Extracts the main text and metadata of an HTML page.
pub fn html_to_text(html: &str) -> HtmlText {
    let doc = Html::parse_document(html);
    let mut meta = Meta {
        title: first_attr(&doc, r#"meta[property="og:title"]"#, "content")
            .or_else(|| first_text(&doc, "title"))
            .or_else(|| first_text(&doc, "h1")),
        published: first_attr(
            &doc,
            r#"meta[property="article:published_time"]"#,
            "content",
        )
        .or_else(|| first_attr(&doc, r#"meta[name="date"]"#, "content"))
        .or_else(|| first_attr(&doc, r#"meta[name="pubdate"]"#, "content"))
        .or_else(|| first_attr(&doc, r#"meta[name="publication_date"]"#, "content"))
        .or_else(|| first_attr(&doc, r#"meta[itemprop="datePublished"]"#, "content"))
        .or_else(|| first_attr(&doc, "time[datetime]", "datetime")),
        author: first_attr(&doc, r#"meta[name="author"]"#, "content")
            .or_else(|| first_text(&doc, r#"[rel="author"]"#)),
        outlet: first_attr(&doc, r#"meta[property="og:site_name"]"#, "content"),
        url: first_attr(&doc, r#"link[rel="canonical"]"#, "href")
            .or_else(|| first_attr(&doc, r#"meta[property="og:url"]"#, "content")),
        ..Meta::default()
    };
    if let Some(p) = meta.published.take() {
        meta.published = iso_day(&p);
    }
    let root = [
        "article",
        r#"[itemprop="articleBody"]"#,
        "main",
        r#"[role="main"]"#,
        "body",
    ]
    .iter()
    .filter_map(|s| sel(s))
    .find_map(|s| doc.select(&s).max_by_key(|e| text_len(e)))
    .unwrap_or_else(|| doc.root_element());
    let mut out = String::new();
    // The title goes first so the cleaner sees it as the head of the document.
    if let Some(t) = &meta.title {
        let root_text = collapse(&root.text().take(64).collect::<String>());
        if !root_text.starts_with(t.as_str()) {
            out.push_str(t);
            out.push_str("\n\n");
        }
    }
    walk(root, &mut out);
    let text = out
        .split('\n')
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join("\n");
    let mut collapsed = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.split('\n') {
        if line.is_empty() {
            blank += 1;
            if blank == 1 {
                collapsed.push('\n');
            }
        } else {
            blank = 0;
            collapsed.push_str(line);
            collapsed.push('\n');
        }
    }
    HtmlText {
        text: collapsed.trim().to_string(),
        meta,
    }
}

fn text_len(e: &ElementRef) -> usize {
    e.text().map(|t| t.trim().len()).sum()
}

/// Iterative depth-first walk (deeply nested pages must not overflow the stack).
fn walk(root: ElementRef, out: &mut String) {
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave(bool),
    }
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block) => {
                if block {
                    out.push_str("\n\n");
                }
            }
            Step::Enter(node) => match node.value() {
                Node::Text(t) => {
                    let s: &str = t;
                    if !s.trim().is_empty() {
                        let c = collapse(s);
                        if s.starts_with(char::is_whitespace) && !out.ends_with([' ', '\n']) {
                            out.push(' ');
                        }
                        out.push_str(&c);
                        if s.ends_with(char::is_whitespace) {
                            out.push(' ');
                        }
                    }
                }
                Node::Element(el) => {
                    let name = el.name();
                    if SKIP_TAGS.contains(&name) || is_chrome(el) {
                        continue;
                    }
                    let block = BLOCK_TAGS.contains(&name);
                    if block {
                        out.push_str("\n\n");
                    }
                    stack.push(Step::Leave(block));
                    let children: Vec<_> = node.children().collect();
                    for c in children.into_iter().rev() {
                        stack.push(Step::Enter(c));
                    }
                }
                _ => {}
            },
        }
    }
}

/// Reduces a metadata date (`2013-01-14T09:00:00Z`, `2013-01-14`) to `YYYY-MM-DD`.
pub(crate) fn iso_day(s: &str) -> Option<String> {
    let s = s.trim();
    let day = s.get(..10)?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .or_else(|| {
            chrono::DateTime::parse_from_rfc2822(s)
                .ok()
                .map(|d| d.format("%Y-%m-%d").to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Site | Page</title>
<meta property="og:title" content="Gao retaken">
<meta property="article:published_time" content="2013-01-27T10:00:00Z">
<script>var x = "<p>not text</p>";</script><style>p{}</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="cookie-banner">We use cookies. Accept</div>
<header><h1>Sahel Monitor</h1></header>
<article><h1>Gao retaken</h1><time datetime="2013-01-27">27 January 2013</time>
<p>French and Malian troops entered <b>Gao</b> on Saturday.</p>
<!-- a comment with Kidal in it -->
<div class="share-bar">Share Tweet</div>
<p>The town had been held by MUJAO since June.</p></article>
<aside class="related">Related: Konna</aside>
<section class="comments"><form><input value="Log in with Facebook"></form></section>
<footer>Contact us</footer></body></html>"#;

    #[test]
    fn extracts_article_and_meta() {
        let h = html_to_text(PAGE);
        assert_eq!(h.meta.title.as_deref(), Some("Gao retaken"));
        assert_eq!(h.meta.published.as_deref(), Some("2013-01-27"));
        assert!(
            h.text
                .contains("French and Malian troops entered Gao on Saturday."),
            "{}",
            h.text
        );
        assert!(h.text.contains("held by MUJAO"));
        for bad in [
            "not text", "Kidal", "Share", "cookies", "Facebook", "Contact", "Konna", "Home",
        ] {
            assert!(!h.text.contains(bad), "{bad} leaked: {}", h.text);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut s = String::from("<html><body>");
        for _ in 0..20_000 {
            s.push_str("<div>");
        }
        s.push_str("deep text");
        let h = html_to_text(&s);
        assert!(h.text.contains("deep text"));
    }
}
