//! HTML reader: the page's text as blocks, each labelled by what it is (heading,
//! paragraph, list item, table row, caption, byline, quote) and whether it belongs to the
//! article (`candidates.rs` decides by text mass and link density); metadata by trust
//! (`meta.rs`). Nothing is dropped: blocks that are not the article stay in the reader's
//! text, labelled, so offsets and the original view still see them.

mod candidates;
mod dom;
mod meta;

use scraper::{Html, Selector};

use super::{RawBlock, RawDoc};
use crate::document::{BlockKind, Format, Meta, Span};
use candidates::Role;
use dom::Shape;

/// Text and metadata taken from an HTML page.
#[derive(Debug, Clone, Default)]
pub struct HtmlText {
    /// Every block of the page, separated by blank lines (the article's and the rest).
    pub text: String,
    /// Metadata from the head, the structured data and the article.
    pub meta: Meta,
    /// The blocks of `text`, labelled.
    pub blocks: Vec<RawBlock>,
}

impl HtmlText {
    /// The article's blocks only, separated by blank lines.
    pub fn main_text(&self) -> String {
        let mut out = String::new();
        for b in self.blocks.iter().filter(|b| b.main) {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&self.text[b.span.start..b.span.end]);
        }
        out
    }
}

pub(super) fn read(source: &str, html: &str) -> RawDoc {
    let h = html_to_text(html);
    RawDoc {
        source: source.to_string(),
        format: Format::Html,
        text: h.text,
        meta: h.meta,
        blocks: h.blocks,
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Extracts the blocks and metadata of an HTML page.
pub fn html_to_text(html: &str) -> HtmlText {
    let doc = Html::parse_document(html);
    let pm = meta::read(&doc);
    let root = Selector::parse("body")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .unwrap_or_else(|| doc.root_element());
    let page = dom::walk(root);
    let body = pm
        .article_body
        .as_deref()
        .filter(|b| b.len() >= 200)
        .map(candidates::fold);
    let roles = candidates::label(&page, body.as_deref());

    let mut text = String::new();
    let mut blocks = Vec::with_capacity(page.blocks.len());
    for (b, role) in page.blocks.iter().zip(&roles) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(&b.text);
        let shape_kind = match b.shape {
            Shape::Heading(_) => BlockKind::Heading,
            Shape::ListItem => BlockKind::ListItem,
            Shape::TableRow => BlockKind::TableRow,
            Shape::Caption => BlockKind::Caption,
            Shape::Quote => BlockKind::Quote,
            Shape::Para | Shape::Pre => BlockKind::Body,
        };
        let (kind, main) = match role {
            Role::Text => (shape_kind, true),
            Role::Head => (shape_kind, false),
            Role::Byline => (BlockKind::Byline, false),
            Role::Caption => (BlockKind::Caption, false),
            Role::Debris => (BlockKind::Debris, false),
        };
        blocks.push(RawBlock {
            span: Span::new(start, text.len()),
            kind,
            main,
            link_density: b.link_density(),
        });
    }

    // the article's own headline: the last heading above its text
    let first_main = roles.iter().position(|r| *r == Role::Text);
    let mut head_heading = None;
    for (b, r) in page.blocks.iter().zip(&roles).take(first_main.unwrap_or(0)) {
        if *r == Role::Head && matches!(b.shape, Shape::Heading(1 | 2)) && b.words >= 2 {
            head_heading = Some(collapse(&b.text));
        }
    }
    let (tag_title, tag_site) = match &pm.title_tag {
        Some(t) => {
            let (a, b) = meta::split_title(t);
            (Some(a), b)
        }
        None => (None, None),
    };
    let outlet = pm
        .outlet
        .clone()
        .or(tag_site)
        .or_else(|| pm.url.as_deref().and_then(meta::host_of));
    let strip_site = |t: String| -> String {
        match &outlet {
            Some(o) => {
                let (a, b) = meta::split_title(&t);
                if b.is_some_and(|b| candidates::fold(&b) == candidates::fold(o)) {
                    a
                } else {
                    t
                }
            }
            None => t,
        }
    };
    let title = pm
        .ld_headline
        .clone()
        .or_else(|| pm.og_title.clone().map(strip_site))
        .or_else(|| {
            head_heading.clone().filter(|h| {
                tag_title
                    .as_deref()
                    .is_none_or(|t| candidates::fold(t).contains(&candidates::fold(h)))
            })
        })
        .or(tag_title)
        .or(head_heading);

    // bylines above the text give the author and, failing the metadata, the date
    let head_lines: Vec<&str> = page
        .blocks
        .iter()
        .zip(&roles)
        .take(first_main.unwrap_or(0) + 1)
        .filter(|(_, r)| matches!(r, Role::Byline | Role::Head))
        .map(|(b, _)| b.text.as_str())
        .collect();
    let author = pm.author.clone().or_else(|| {
        head_lines
            .iter()
            .find_map(|l| crate::clean::byline::author_after_cue(l))
    });
    let published = pm.published.clone().or_else(|| {
        let joined = head_lines.join("\n");
        crate::extract::time::find_publication_date(&joined)
            .map(|(d, _, _)| d.format("%Y-%m-%d").to_string())
    });
    let meta = Meta {
        title,
        published,
        author,
        outlet,
        url: pm.url.clone(),
        ..Meta::default()
    };
    HtmlText { text, meta, blocks }
}

/// The text of an HTML fragment (a feed item's content or summary): every block, no
/// main-content choice.
pub fn fragment_to_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let page = dom::walk(doc.root_element());
    let mut out = String::new();
    for b in &page.blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
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
mod shapes;

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
        let text = h.main_text();
        assert_eq!(h.meta.title.as_deref(), Some("Gao retaken"));
        assert_eq!(h.meta.published.as_deref(), Some("2013-01-27"));
        assert!(
            text.contains("French and Malian troops entered Gao on Saturday."),
            "{text}"
        );
        assert!(text.contains("held by MUJAO"));
        for bad in [
            "not text", "Kidal", "Share", "cookies", "Facebook", "Contact", "Konna", "Home",
        ] {
            assert!(!text.contains(bad), "{bad} leaked: {text}");
        }
    }

    #[test]
    fn one_long_paragraph_is_not_the_whole_article() {
        // only the middle paragraph reads as prose; its short neighbours are the article too
        let h = html_to_text(
            "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav><article>\
             <p>Patrol notes.</p>\
             <p>The patrol left the camp before dawn and reached the river crossing at noon, \
             where it found the bridge damaged by the floods of the previous week.</p>\
             <p>The convoy waited.</p>\
             <p>Crews repaired the bridge by evening.</p></article></body></html>",
        );
        let text = h.main_text();
        for want in [
            "Patrol notes.",
            "found the bridge damaged",
            "The convoy waited.",
            "Crews repaired the bridge",
        ] {
            assert!(text.contains(want), "{want:?} missing from {text:?}");
        }
        assert!(!text.contains("Home"), "{text:?}");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut s = String::from("<html><body>");
        for _ in 0..20_000 {
            s.push_str("<div>");
        }
        s.push_str("deep text");
        let h = html_to_text(&s);
        assert!(h.main_text().contains("deep text"));
    }
}
