//! RSS/Atom reader: each item becomes a document.

use super::depth::{html_refusal, refusal_error, xml_too_deep};
use super::{catch_panic, fragment_to_text, RawDoc};
use crate::document::{Format, Meta};
use crate::error::{Error, Result};

/// Below this many characters of text, an item without full content is taken for a
/// summary of a page that holds the report.
pub const SUMMARY_ONLY_CHARS: usize = 500;

/// One feed item, with what a collector needs to decide whether to fetch its page and to
/// recognise it when the feed is polled again.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// The item as a document (title, then its content or summary), with the feed's
    /// metadata (title, date, author, outlet, link).
    pub raw: RawDoc,
    /// A stable identity: the item's GUID or Atom id, else its link (with its title), else
    /// a hash of its text.
    pub key: String,
    /// The item's first link.
    pub link: Option<String>,
    /// True when the item carries full content (`content:encoded`, Atom `content`), not
    /// just a summary or description.
    pub has_content: bool,
    /// Characters of text in the item's content or summary (title excluded).
    pub body_chars: usize,
}

impl FeedItem {
    /// Whether the item only summarises a page that should be fetched instead: it has no
    /// full content, its summary is short ([`SUMMARY_ONLY_CHARS`]) or visibly cut off (ends
    /// with an ellipsis), and it links to an http(s) page.
    pub fn summary_only(&self) -> bool {
        let web_link = self.link.as_deref().is_some_and(|l| {
            let l = l.trim_start().to_ascii_lowercase();
            l.starts_with("http://") || l.starts_with("https://")
        });
        if self.has_content || !web_link {
            return false;
        }
        let body = self.raw.text.trim_end();
        let cut = ["…", "...", "[…]", "[...]"]
            .iter()
            .any(|e| body.ends_with(e));
        self.body_chars < SUMMARY_ONLY_CHARS || (cut && self.body_chars < 4 * SUMMARY_ONLY_CHARS)
    }
}

/// Parses a feed into its items, in feed order. `max_depth` bounds the nesting of the XML
/// and of the HTML inside each item (see `depth.rs`).
pub(super) fn items(source: &str, bytes: &[u8], max_depth: usize) -> Result<Vec<FeedItem>> {
    if let Some(depth) = xml_too_deep(bytes, max_depth) {
        return Err(Error::TooDeep {
            source_name: source.to_string(),
            depth,
            limit: max_depth,
        });
    }
    let owned = bytes.to_vec();
    // No made-up ids: an item without GUID keeps an empty id, so that its key can be its
    // link (feed-rs would hash link and title, or draw a random id when there is no link).
    let parse = move || {
        feed_rs::parser::Builder::new()
            .id_generator(|_, _, _| String::new())
            .build()
            .parse(owned.as_slice())
    };
    let feed = catch_panic(parse)
        .map_err(|p| Error::Feed(source.to_string(), format!("parser failure: {p}")))?
        .map_err(|e| Error::Feed(source.to_string(), e.to_string()))?;
    let outlet = feed.title.as_ref().map(|t| t.content.trim().to_string());
    let mut out = Vec::new();
    for (i, item) in feed.entries.iter().enumerate() {
        let html = |h: &str| -> Result<String> {
            match html_refusal(h, max_depth) {
                Some(r) => Err(refusal_error(
                    format!("{source}#item{}", i + 1),
                    r,
                    max_depth,
                )),
                None => Ok(fragment_to_text(h)),
            }
        };
        let title = item.title.as_ref().map(|t| html(&t.content)).transpose()?;
        let content = item
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(html)
            .transpose()?
            .filter(|t| !t.trim().is_empty());
        let has_content = content.is_some();
        let body = match content {
            Some(c) => c,
            None => item
                .summary
                .as_ref()
                .map(|s| html(&s.content))
                .transpose()?
                .unwrap_or_default(),
        };
        let link = item.links.first().map(|l| l.href.clone());
        let mut text = String::new();
        if let Some(t) = &title {
            text.push_str(t);
            text.push_str("\n\n");
        }
        text.push_str(&body);
        let published = item
            .published
            .or(item.updated)
            .map(|d| d.format("%Y-%m-%d").to_string());
        let key = if !item.id.trim().is_empty() {
            item.id.trim().to_string()
        } else if let Some(l) = &link {
            format!("link:{l}")
        } else {
            format!("text:{:016x}", fnv1a(text.as_bytes()))
        };
        out.push(FeedItem {
            raw: RawDoc {
                source: format!("{source}#item{}", i + 1),
                format: Format::Feed,
                text,
                meta: Meta {
                    title,
                    published,
                    author: item.authors.first().map(|a| a.name.clone()),
                    outlet: outlet.clone(),
                    url: link.clone(),
                    ..Meta::default()
                },
                blocks: Vec::new(),
            },
            key,
            link,
            has_content,
            body_chars: body.trim().chars().count(),
        });
    }
    if out.is_empty() {
        return Err(Error::Feed(
            source.to_string(),
            "feed has no items".to_string(),
        ));
    }
    Ok(out)
}

/// 64-bit FNV-1a: a stable hash (the standard library's is not stable across releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub(super) fn read(source: &str, bytes: &[u8], max_depth: usize) -> Result<Vec<RawDoc>> {
    Ok(items(source, bytes, max_depth)?
        .into_iter()
        .map(|i| i.raw)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_become_documents() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Wire</title>
<item><title>Konna falls</title><link>https://example.org/a</link><pubDate>Thu, 10 Jan 2013 18:00:00 GMT</pubDate>
<description>Islamist fighters took &lt;b&gt;Konna&lt;/b&gt; on Thursday.</description></item>
<item><title>Serval begins</title><link>https://example.org/b</link><pubDate>Fri, 11 Jan 2013 20:00:00 GMT</pubDate>
<description>France began air strikes.</description></item></channel></rss>"#;
        let docs = read("f.xml", rss, 5000).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].meta.published.as_deref(), Some("2013-01-10"));
        assert_eq!(docs[0].meta.outlet.as_deref(), Some("Sahel Wire"));
        assert!(
            docs[0].text.contains("took Konna on Thursday"),
            "{}",
            docs[0].text
        );
        assert_eq!(docs[1].meta.url.as_deref(), Some("https://example.org/b"));
    }

    #[test]
    fn broken_feed_is_an_error() {
        assert!(read(
            "f.xml",
            b"<?xml version=\"1.0\"?><rss><channel><item>",
            5000
        )
        .is_err());
    }

    #[test]
    fn items_have_stable_keys_and_summary_only_is_decided() {
        let long = "word ".repeat(200);
        let rss = format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>W</title>
<item><title>Short</title><guid>g-1</guid><link>https://example.org/a</link><description>Only a teaser.</description></item>
<item><title>Full</title><link>https://example.org/b</link><description>Teaser.</description><content:encoded>&lt;p&gt;Whole story here.&lt;/p&gt;</content:encoded></item>
<item><title>Long</title><link>https://example.org/c</link><description>{long}</description></item>
<item><title>Cut</title><link>https://example.org/d</link><description>{long} and then…</description></item>
<item><title>No link</title><description>Tiny.</description></item>
</channel></rss>"#
        );
        let parsed = items("f.xml", rss.as_bytes(), 5000).unwrap();
        assert_eq!(parsed.len(), 5);
        assert_eq!(parsed[0].key, "g-1");
        assert!(parsed[0].summary_only());
        assert!(!parsed[1].summary_only(), "has content:encoded");
        assert!(parsed[1].raw.text.contains("Whole story"));
        assert!(!parsed[2].summary_only(), "long description");
        assert!(parsed[3].summary_only(), "cut off");
        assert!(!parsed[4].summary_only(), "no link");
        // Keys do not depend on the item's position.
        let again = items("f.xml", rss.as_bytes(), 5000).unwrap();
        let keys: Vec<_> = parsed.iter().map(|i| &i.key).collect();
        let keys2: Vec<_> = again.iter().map(|i| &i.key).collect();
        assert_eq!(keys, keys2);
        assert_eq!(keys[1], "link:https://example.org/b");
        assert!(keys[4].starts_with("text:"), "{}", keys[4]);
    }
}
