//! Processing one job: reading its bytes (a file within the size limit, an archive member,
//! a fetched URL), skipping it when the store already has the same bytes, running the
//! pipeline and preparing the documents for the writer. Runs on the workers (local jobs)
//! and on the fetch thread (URLs).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use sitrep_core::Pipeline;
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{IngestState, PreparedDoc, SourceWrite};

use crate::discover::{ext_of, is_url, Job};
use crate::feed::{feed_job, FeedMemory, FeedWrite};
use crate::journal::Journal;

/// What the store knew of each source before the batch: its state and its bytes' hash.
pub(crate) type Known = HashMap<String, (IngestState, Option<String>)>;

/// What processing one job gave.
pub(crate) enum Outcome {
    /// Documents to write.
    Write(SourceWrite),
    /// A feed read item by item.
    Feed(Box<FeedWrite>),
    /// The source's bytes are those already stored.
    Skip(String),
    /// A conditional request answered `304 Not Modified`.
    NotModified(String),
    /// The source failed.
    Fail {
        /// The source.
        key: String,
        hash: Option<String>,
        reason: String,
    },
}

impl Outcome {
    /// The source the outcome is for.
    pub(crate) fn source(&self) -> &str {
        match self {
            Outcome::Write(w) => &w.source,
            Outcome::Feed(f) => &f.feed,
            Outcome::Skip(k) | Outcome::NotModified(k) | Outcome::Fail { key: k, .. } => k,
        }
    }
}

/// Runs the pipeline on bytes, unless the source is already done with the same bytes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn process(
    pipeline: &Pipeline,
    known: &Known,
    retry_failed: bool,
    key: &str,
    source: &str,
    bytes: Vec<u8>,
    ext: &str,
    journal: Option<&Journal>,
) -> Outcome {
    let hash = sha256_hex(&bytes);
    if let Some((state, Some(h))) = known.get(key) {
        let skip = match state {
            IngestState::Done | IngestState::Duplicate => true,
            IngestState::Failed => !retry_failed,
            IngestState::Queued => false,
        };
        if skip && *h == hash {
            return Outcome::Skip(key.to_string());
        }
    }
    if let Some(j) = journal {
        j.start(key, &hash);
    }
    let fail = |reason: String| Outcome::Fail {
        key: key.to_string(),
        hash: Some(hash.clone()),
        reason,
    };
    let docs = match pipeline.process_bytes(source, &bytes, ext) {
        Ok(d) => d,
        Err(e) => return fail(strip_prefix(&e.to_string(), source)),
    };
    let mut prepared = Vec::with_capacity(docs.len());
    for d in docs {
        match PreparedDoc::new(d) {
            Ok(p) => prepared.push(p),
            Err(e) => return fail(e.to_string()),
        }
    }
    Outcome::Write(SourceWrite {
        source: key.to_string(),
        content_hash: hash,
        original: bytes,
        docs: prepared,
    })
}

/// An error message without the source name it starts with (the source is named anyway).
pub(crate) fn strip_prefix(msg: &str, source: &str) -> String {
    msg.strip_prefix(source)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(msg)
        .to_string()
}

/// Reads and processes one local job (a file, archive member or refused input).
pub(crate) fn run_job(
    job: &Job,
    pipeline: &Pipeline,
    known: &Known,
    retry_failed: bool,
    max_bytes: u64,
    journal: Option<&Journal>,
) -> Outcome {
    match job {
        Job::Refused { key, reason } => Outcome::Fail {
            key: key.clone(),
            hash: None,
            reason: reason.clone(),
        },
        Job::Bytes { key, bytes, ext } => {
            // A WARC record is a page: it is named by its URL.
            let source = key.split_once('!').map_or(key.as_str(), |(_, u)| u);
            let source = if is_url(source) { source } else { key };
            process(
                pipeline,
                known,
                retry_failed,
                key,
                source,
                bytes.clone(),
                ext,
                journal,
            )
        }
        Job::File { key, path } => {
            let bytes = match read_file(path, max_bytes) {
                Ok(b) => b,
                Err(reason) => {
                    return Outcome::Fail {
                        key: key.clone(),
                        hash: None,
                        reason,
                    }
                }
            };
            let ext = ext_of(key);
            process(
                pipeline,
                known,
                retry_failed,
                key,
                key,
                bytes,
                &ext,
                journal,
            )
        }
        Job::Url(_) => unreachable!("URLs are fetched by the fetch thread"),
    }
}

fn read_file(path: &Path, max: u64) -> std::result::Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max {
        return Err(format!(
            "too large ({len} bytes, limit {max}); raise --max-bytes to read it"
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "too large (limit {max}); raise --max-bytes to read it"
        ));
    }
    Ok(bytes)
}

/// Fetches a URL (conditionally) and processes it: a feed item by item, a page whole.
pub(crate) fn fetch_job(
    url: &str,
    fetcher: &mut crate::fetch::Fetcher,
    pipeline: &Pipeline,
    known: &Known,
    memory: &FeedMemory,
) -> Outcome {
    let f = match fetcher.get_conditional(url, memory.validators.get(url)) {
        Ok(crate::fetch::Conditional::Changed(f)) => f,
        Ok(crate::fetch::Conditional::NotModified) => return Outcome::NotModified(url.to_string()),
        Err(reason) => {
            return Outcome::Fail {
                key: url.to_string(),
                hash: None,
                reason,
            }
        }
    };
    let mut ext = ext_of(&f.url);
    if let Some(ct) = &f.content_type {
        if ct.contains("html") {
            ext = "html".into();
        }
    }
    let read = &pipeline.options().read;
    if let Ok(Some(items)) = sitrep_core::read::read_feed_items(&f.url, &f.bytes, &ext, read) {
        return feed_job(url, f, items, fetcher, pipeline, known, memory);
    }
    // URLs are always fetched again; `retry_failed` only matters for local files.
    process(pipeline, known, true, url, &f.url, f.bytes, &ext, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(
            strip_prefix("/a/b: binary content", "/a/b"),
            "binary content"
        );
        assert_eq!(strip_prefix("other", "/a/b"), "other");
    }
}
