//! RSS/Atom reader: each item becomes a document.

use super::{catch_panic, html_to_text, RawDoc};
use crate::document::{Format, Meta};
use crate::error::{Error, Result};

pub(super) fn read(source: &str, bytes: &[u8]) -> Result<Vec<RawDoc>> {
    let owned = bytes.to_vec();
    let feed = catch_panic(move || feed_rs::parser::parse(owned.as_slice()))
        .map_err(|p| Error::Feed(source.to_string(), format!("parser failure: {p}")))?
        .map_err(|e| Error::Feed(source.to_string(), e.to_string()))?;
    let outlet = feed.title.as_ref().map(|t| t.content.trim().to_string());
    let mut out = Vec::new();
    for (i, item) in feed.entries.iter().enumerate() {
        let title = item.title.as_ref().map(|t| html_to_text(&t.content).text);
        let body_html = item
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| item.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        let body = html_to_text(&body_html).text;
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
        out.push(RawDoc {
            source: format!("{source}#item{}", i + 1),
            format: Format::Feed,
            text,
            meta: Meta {
                title,
                published,
                author: item.authors.first().map(|a| a.name.clone()),
                outlet: outlet.clone(),
                url: link,
                ..Meta::default()
            },
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
        let docs = read("f.xml", rss).unwrap();
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
        assert!(read("f.xml", b"<?xml version=\"1.0\"?><rss><channel><item>").is_err());
    }
}
