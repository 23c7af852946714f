//! Feeds fetched by URL, read item by item: items seen by an earlier ingest of the same feed
//! are skipped, and an item that only summarises a page has that page fetched (through the
//! same polite fetcher) and stored instead of the summary.

use std::collections::{HashMap, HashSet};

use sitrep_core::read::FeedItem;
use sitrep_core::Pipeline;
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{IngestState, PreparedDoc, SourceWrite, Validators};

use crate::discover::ext_of;
use crate::process::{strip_prefix, Known, Outcome};

/// What one fetched feed gave: its new items, the pages of summary-only items, and what to
/// remember for the next poll.
pub(crate) struct FeedWrite {
    /// The feed URL (ingest key).
    pub(crate) feed: String,
    /// The feed's own source: items stored as they are (possibly none, which still records
    /// the feed as done with its new hash).
    pub(crate) main: SourceWrite,
    /// Pages fetched for summary-only items, one source each (keyed by the item's link).
    pub(crate) pages: Vec<SourceWrite>,
    /// Items seen for the first time (remembered once written).
    pub(crate) new_items: Vec<String>,
    /// Items skipped: seen before, or their page already stored.
    pub(crate) seen: usize,
    /// Linked pages that could not be used: (link, reason); the summary was stored.
    pub(crate) page_failures: Vec<(String, String)>,
    /// Items that could not be processed: (item key, reason).
    pub(crate) item_failures: Vec<(String, String)>,
    /// The feed's ETag / Last-Modified.
    pub(crate) validators: Validators,
}

/// What the store remembers of each feed before a batch: HTTP validators and seen items.
#[derive(Default)]
pub(crate) struct FeedMemory {
    pub(crate) validators: HashMap<String, Validators>,
    pub(crate) seen: HashMap<String, HashSet<String>>,
}

fn is_done(known: &Known, key: &str) -> bool {
    matches!(
        known.get(key),
        Some((IngestState::Done | IngestState::Duplicate, _))
    )
}

/// A feed, item by item: seen items skipped, summary-only items replaced by their page.
pub(crate) fn feed_job(
    url: &str,
    f: crate::fetch::Fetched,
    items: Vec<FeedItem>,
    fetcher: &mut crate::fetch::Fetcher,
    pipeline: &Pipeline,
    known: &Known,
    memory: &FeedMemory,
) -> Outcome {
    let hash = sha256_hex(&f.bytes);
    if let Some((IngestState::Done | IngestState::Duplicate, Some(h))) = known.get(url) {
        if *h == hash {
            return Outcome::Skip(url.to_string());
        }
    }
    let empty = HashSet::new();
    let seen = memory.seen.get(url).unwrap_or(&empty);
    let mut w = FeedWrite {
        feed: url.to_string(),
        main: SourceWrite {
            source: url.to_string(),
            content_hash: hash,
            original: Vec::new(),
            docs: Vec::new(),
        },
        pages: Vec::new(),
        new_items: Vec::new(),
        seen: 0,
        page_failures: Vec::new(),
        item_failures: Vec::new(),
        validators: f.validators,
    };
    for item in items {
        if seen.contains(&item.key) || w.new_items.contains(&item.key) {
            w.seen += 1;
            continue;
        }
        w.new_items.push(item.key.clone());
        if item.raw.text.trim().is_empty() {
            continue;
        }
        if item.summary_only() {
            let link = item.link.clone().unwrap_or_default();
            if is_done(known, &link) {
                // Its page was stored by an earlier ingest (of the page, or of this feed).
                w.seen += 1;
                continue;
            }
            match linked_page(fetcher, pipeline, &link, &item) {
                Ok(page) => {
                    w.pages.push(page);
                    continue;
                }
                Err(reason) => w.page_failures.push((link, reason)),
            }
        }
        let key = item.key;
        match pipeline
            .process_raw(item.raw)
            .map_err(|e| e.to_string())
            .and_then(|d| PreparedDoc::new(d).map_err(|e| e.to_string()))
        {
            Ok(p) => w.main.docs.push(p),
            Err(reason) => w.item_failures.push((key, reason)),
        }
    }
    if !w.main.docs.is_empty() {
        w.main.original = f.bytes;
    }
    Outcome::Feed(Box::new(w))
}

/// Fetches the page a summary-only item links to and reads it as the item's document, with
/// the item's title, date, author and outlet where the page states none.
fn linked_page(
    fetcher: &mut crate::fetch::Fetcher,
    pipeline: &Pipeline,
    link: &str,
    item: &FeedItem,
) -> std::result::Result<SourceWrite, String> {
    let page = fetcher.get(link)?;
    let ext = match &page.content_type {
        Some(ct) if ct.contains("html") => "html".to_string(),
        _ => ext_of(&page.url),
    };
    let raws =
        sitrep_core::read::read_bytes(&page.url, &page.bytes, &ext, &pipeline.options().read)
            .map_err(|e| strip_prefix(&e.to_string(), &page.url))?;
    let mut docs = Vec::with_capacity(raws.len());
    for mut raw in raws {
        if raw.format == sitrep_core::document::Format::Feed {
            return Err("the link leads to a feed, not a page".into());
        }
        let from = &item.raw.meta;
        let m = &mut raw.meta;
        m.title = m.title.take().or_else(|| from.title.clone());
        m.published = m.published.take().or_else(|| from.published.clone());
        m.author = m.author.take().or_else(|| from.author.clone());
        m.outlet = m.outlet.take().or_else(|| from.outlet.clone());
        m.url = m.url.take().or_else(|| Some(link.to_string()));
        let d = pipeline
            .process_raw(raw)
            .map_err(|e| strip_prefix(&e.to_string(), &page.url))?;
        // A page whose main text is shorter than the summary (a paywall, a consent wall)
        // says less than the item: keep the summary.
        if d.text.chars().count() < item.body_chars {
            return Err("the page has less text than the item's summary".into());
        }
        docs.push(PreparedDoc::new(d).map_err(|e| e.to_string())?);
    }
    Ok(SourceWrite {
        source: link.to_string(),
        content_hash: sha256_hex(&page.bytes),
        original: page.bytes,
        docs,
    })
}
