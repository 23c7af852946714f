//! `sitrep ingest`: read files, folders, archives, WARC files, web pages and feeds into the
//! store. Parsing runs in parallel; one thread writes. A bad source never stops the batch.
//!
//! Feeds fetched by URL are read item by item: items seen by an earlier ingest of the same
//! feed are skipped, and an item that only summarises a page has that page fetched (through
//! the same polite fetcher) and stored instead of the summary. `sitrep watch` runs the same
//! batch every interval.

mod archive;
pub(crate) mod fetch;
mod journal;

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use sitrep_core::read::{FeedItem, ReadOptions};
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{DocOutcome, IngestState, PreparedDoc, SourceWrite, Store, Validators};

use crate::translate::TranslateConfig;

/// Arguments of `sitrep ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// Files, folders (recursively), `.zip` / `.tar.gz` archives, `.warc[.gz]` files, and
    /// http(s) URLs of pages or feeds.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Process again the local sources that failed before (URLs are always fetched again).
    #[arg(long)]
    retry_failed: bool,
    #[command(flatten)]
    opts: CollectOptions,
}

/// Options shared by `sitrep ingest` and `sitrep watch`.
#[derive(Args, Clone)]
pub struct CollectOptions {
    /// Data folder of the store.
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    pub data: PathBuf,
    /// Allow fetching from (and webhooks to) loopback, private and link-local addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Fetch from this host (`name` or `name:port`) even when it resolves to a loopback,
    /// private or link-local address; other hosts, redirect targets included, stay refused.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_hosts: Vec<String>,
    /// HTTP timeout per request, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Least time between two requests to the same host, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub host_delay_ms: u64,
    /// Largest file, archive entry or download accepted, in bytes.
    #[arg(long, default_value_t = 50 * 1024 * 1024)]
    pub max_bytes: u64,
    /// Largest total an archive may expand to, in bytes.
    #[arg(long, default_value_t = 1024 * 1024 * 1024)]
    pub max_archive_bytes: u64,
    /// Deepest element nesting accepted in HTML pages and feeds (deeper ones are refused:
    /// the HTML parser's time grows with the square of the depth).
    #[arg(long, default_value_t = sitrep_core::read::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// Largest total the compressed streams of one PDF may expand to, in bytes.
    #[arg(long, default_value_t = sitrep_core::read::DEFAULT_MAX_EXPANDED_BYTES)]
    pub max_expanded_bytes: u64,
    /// Translate non-English documents into English after the batch is stored: `apertium`,
    /// `libretranslate=URL` or `none`.
    #[arg(long, default_value = "none", value_parser = TranslateConfig::parse_arg)]
    pub translate: TranslateConfig,
    /// Address of the web interface (`sitrep serve`), for the document links that watchlist
    /// webhooks send.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server_url: String,
}

impl CollectOptions {
    /// The HTTP timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout.clamp(0.1, 3600.0))
    }

    /// The pipeline these options ask for.
    pub fn pipeline(&self) -> Result<Pipeline> {
        Pipeline::new(PipelineOptions {
            read: ReadOptions {
                max_bytes: self.max_bytes,
                max_depth: self.max_depth,
                max_expanded_bytes: self.max_expanded_bytes,
            },
            ..PipelineOptions::default()
        })
        .context("building the pipeline")
    }
}

/// One thing to ingest.
enum Job {
    /// A file on disk.
    File { key: String, path: PathBuf },
    /// Bytes already read (an archive member, a WARC record).
    Bytes {
        key: String,
        bytes: Vec<u8>,
        ext: String,
    },
    /// A URL to fetch.
    Url(String),
    /// Something refused before processing.
    Refused { key: String, reason: String },
}

impl Job {
    fn key(&self) -> &str {
        match self {
            Job::File { key, .. } | Job::Bytes { key, .. } | Job::Refused { key, .. } => key,
            Job::Url(u) => u,
        }
    }
}

/// How much lower the extraction workers' scheduling priority is than the writer's (a nice
/// increment). The single writer thread is the critical path of an ingest: with equal
/// priority it waited for a core behind the workers it was holding back. The environment
/// variable `SITREP_WORKER_NICE` overrides it (0 leaves the workers' priority alone).
const WORKER_NICE: i32 = 5;

/// Extraction workers per core. A worker waits on its file when the file is not in the page
/// cache, and on the writer when the write queue is full. Two per core filled those waits
/// while the workers took their files in no particular order (10,000 reports, 2 cores, cold
/// page cache: 415-424 docs/s against 314-346 with one per core). Since the workers take
/// the files in order and [`READ_AHEAD`] of them are asked of the disk ahead, one per core
/// is as fast or faster and holds less memory (1,358-1,360 docs/s, peak RSS 327-336 MB,
/// against 1,305-1,338 and 364-391 MB with two; at 100,000 reports 1,165 against 1,134).
const WORKERS_PER_CORE: usize = 1;

/// How many extraction workers: `RAYON_NUM_THREADS` when set, else [`WORKERS_PER_CORE`]
/// per core.
fn worker_count() -> usize {
    if let Some(n) = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    std::thread::available_parallelism().map_or(2, |n| n.get() * WORKERS_PER_CORE)
}

/// The extraction workers: a rayon pool of [`worker_count`] threads which run at a lower
/// priority than the writer. `None` when the pool cannot be built (the global pool is used
/// then).
fn workers() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(worker_count())
        .thread_name(|i| format!("sitrep-extract-{i}"))
        .start_handler(|_| lower_priority(WORKER_NICE))
        .build()
        .ok()
}

/// Raises the calling thread's nice value by `by` (Linux: nice is per thread). Lowering
/// one's own priority needs no privilege; a failure only leaves the priority as it was.
fn lower_priority(by: i32) {
    #[cfg(target_os = "linux")]
    {
        let by = std::env::var("SITREP_WORKER_NICE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(by);
        let tid = Some(rustix::thread::gettid());
        if let Ok(now) = rustix::process::getpriority_process(tid) {
            let _ = rustix::process::setpriority_process(tid, (now + by).min(19));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = by;
}

/// Most sources written in one database transaction.
const WRITE_BATCH: usize = 256;

/// How long the writer waits for a transaction's sources to arrive before it writes what it
/// has. Every commit rewrites the B-tree pages it touched (into the WAL, and again at the
/// checkpoint), upserts its entity aggregates and resets the page cache, so fewer, larger
/// transactions cost less: committing whatever was ready at once (64 at most) gave
/// 364 docs/s at 10,000 reports from a cold cache, 256 gathered for up to 1 s 427 docs/s
/// and 4 CPU-s less; 512 for up to 2 s was no faster and held 50 MB more.
const WRITE_GATHER: Duration = Duration::from_millis(1000);

/// Processed sources waiting for the writer: room for a second transaction's worth, so that
/// the workers keep going while the writer commits or waits on the disk (a WAL checkpoint,
/// an index segment). Each waiting source holds its document, JSON and original bytes.
const WRITE_QUEUE: usize = 2 * WRITE_BATCH;

/// How many jobs ahead of the one a worker starts its file is asked of the disk. Reports
/// are small files, each a random read on a cold disk: a worker that waited on its file left
/// its core idle (workers were seen in disk waits ~15% of the time).
const READ_AHEAD: usize = 32;

/// Asks the kernel to start reading a job's file into the page cache, without waiting for
/// it (`posix_fadvise(WILLNEED)`), up to the size limit: no more than the reader will read
/// (a file over the limit is refused after `max + 1` bytes). Best effort: errors are left
/// to the real read.
fn read_ahead(job: &Job, max: u64) {
    #[cfg(target_os = "linux")]
    if let Job::File { path, .. } = job {
        if let Ok(f) = std::fs::File::open(path) {
            let len = std::num::NonZeroU64::new(max.saturating_add(1));
            let _ = rustix::fs::fadvise(&f, 0, len, rustix::fs::Advice::WillNeed);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (job, max);
}

/// What processing one job gave.
enum Outcome {
    Write(SourceWrite),
    /// A feed read item by item.
    Feed(Box<FeedWrite>),
    Skip,
    /// A conditional request answered `304 Not Modified`.
    NotModified,
    Fail {
        key: String,
        hash: Option<String>,
        reason: String,
    },
}

/// What one fetched feed gave: its new items, the pages of summary-only items, and what to
/// remember for the next poll.
struct FeedWrite {
    /// The feed URL (ingest key).
    feed: String,
    /// The feed's own source: items stored as they are (possibly none, which still records
    /// the feed as done with its new hash).
    main: SourceWrite,
    /// Pages fetched for summary-only items, one source each (keyed by the item's link).
    pages: Vec<SourceWrite>,
    /// Items seen for the first time (remembered once written).
    new_items: Vec<String>,
    /// Items skipped: seen before, or their page already stored.
    seen: usize,
    /// Linked pages that could not be used: (link, reason); the summary was stored.
    page_failures: Vec<(String, String)>,
    /// Items that could not be processed: (item key, reason).
    item_failures: Vec<(String, String)>,
    /// The feed's ETag / Last-Modified.
    validators: Validators,
}

/// What the store remembers of each feed before a batch: HTTP validators and seen items.
#[derive(Default)]
struct FeedMemory {
    validators: HashMap<String, Validators>,
    seen: HashMap<String, HashSet<String>>,
}

/// What one batch did.
#[derive(Debug, Default)]
pub struct Batch {
    /// Ids of the documents stored.
    pub stored_ids: Vec<i64>,
    /// Ids stored that need translation.
    pub to_translate: Vec<i64>,
    /// Documents not stored because they duplicate stored ones.
    pub duplicates: usize,
    /// Sources that failed.
    pub failed: usize,
    /// Sources skipped because their bytes are unchanged.
    pub skipped: usize,
    /// URLs the server said were not modified.
    pub not_modified: usize,
    /// Feed items skipped because an earlier ingest saw them.
    pub seen_items: usize,
    /// Pages fetched for summary-only feed items.
    pub pages_fetched: usize,
    /// Summary-only items whose page could not be used (the summary was stored).
    pub pages_failed: usize,
}

fn ext_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.split(['?', '#']).next().unwrap_or(base);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// Why an input that is neither a file nor a folder is refused.
pub(crate) const NOT_REGULAR: &str =
    "not a regular file (a FIFO, socket or device); copy it to a file to read it";

/// Expands the command-line inputs into jobs, in a stable order.
fn discover(inputs: &[String], caps: &archive::Caps, jobs: &mut Vec<Job>) {
    for input in inputs {
        if is_url(input) {
            jobs.push(Job::Url(input.clone()));
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Ok(md) if md.is_dir() => match std::fs::canonicalize(path) {
                Ok(root) => walk(&root, true, caps, jobs),
                Err(_) => walk(path, false, caps, jobs),
            },
            Ok(md) if md.is_file() => file_job(path, key_of(path), caps, jobs),
            // Opening a FIFO waits for a writer: refused rather than hanging the batch.
            Ok(_) => jobs.push(Job::Refused {
                key: input.clone(),
                reason: NOT_REGULAR.to_string(),
            }),
            Err(e) => jobs.push(Job::Refused {
                key: input.clone(),
                reason: format!("cannot read: {e}"),
            }),
        }
    }
}

/// Adds the files under `dir`, recursively, in name order; hidden entries and symbolic
/// links are left out. When `canonical`, `dir` is already a canonical path, and so is every
/// path under it (no link is followed), so a file's key is its path as it is: one
/// `canonicalize` per file was most of the time spent listing a large folder. The entry
/// types come from the directory listing itself, not from a `stat` per entry.
fn walk(dir: &Path, canonical: bool, caps: &archive::Caps, jobs: &mut Vec<Job>) {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| {
                let e = e.ok()?;
                Some((e.path(), e.file_type().ok()?))
            })
            .collect(),
        Err(e) => {
            jobs.push(Job::Refused {
                key: dir.display().to_string(),
                reason: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if kind.is_dir() {
            walk(&p, canonical, caps, jobs);
        } else if kind.is_file() {
            let key = if canonical {
                p.display().to_string()
            } else {
                key_of(&p)
            };
            file_job(&p, key, caps, jobs);
        }
    }
}

/// A file's key: its canonical path, or the path as given when it cannot be resolved.
fn key_of(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Adds one file, or the members of an archive, under `key` (the file's canonical path).
fn file_job(path: &Path, key: String, caps: &archive::Caps, jobs: &mut Vec<Job>) {
    let Some(kind) = archive::kind_of(path) else {
        jobs.push(Job::File {
            key,
            path: path.to_path_buf(),
        });
        return;
    };
    let members = match kind {
        archive::Kind::Zip => archive::read_zip(path, caps),
        archive::Kind::TarGz => archive::read_tar_gz(path, caps),
        archive::Kind::Warc => archive::read_warc(path, caps),
    };
    match members {
        Err(reason) => jobs.push(Job::Refused { key, reason }),
        Ok(members) => {
            for m in members {
                let mkey = if kind == archive::Kind::Warc {
                    format!("{key}!{}", m.name)
                } else {
                    format!("{key}!/{}", m.name)
                };
                match m.bytes {
                    Ok(bytes) => jobs.push(Job::Bytes {
                        ext: ext_of(&m.name),
                        key: mkey,
                        bytes,
                    }),
                    Err(reason) => jobs.push(Job::Refused { key: mkey, reason }),
                }
            }
        }
    }
}

/// Runs the pipeline on bytes, unless the source is already done with the same bytes.
#[allow(clippy::too_many_arguments)]
fn process(
    pipeline: &Pipeline,
    known: &HashMap<String, (IngestState, Option<String>)>,
    retry_failed: bool,
    key: &str,
    source: &str,
    bytes: Vec<u8>,
    ext: &str,
    journal: Option<&journal::Journal>,
) -> Outcome {
    let hash = sha256_hex(&bytes);
    if let Some((state, Some(h))) = known.get(key) {
        let skip = match state {
            IngestState::Done | IngestState::Duplicate => true,
            IngestState::Failed => !retry_failed,
            IngestState::Queued => false,
        };
        if skip && *h == hash {
            return Outcome::Skip;
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

fn strip_prefix(msg: &str, source: &str) -> String {
    msg.strip_prefix(source)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(msg)
        .to_string()
}

fn run_job(
    job: &Job,
    pipeline: &Pipeline,
    known: &HashMap<String, (IngestState, Option<String>)>,
    retry_failed: bool,
    max_bytes: u64,
    journal: Option<&journal::Journal>,
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

fn fetch_job(
    url: &str,
    fetcher: &mut fetch::Fetcher,
    pipeline: &Pipeline,
    known: &HashMap<String, (IngestState, Option<String>)>,
    memory: &FeedMemory,
) -> Outcome {
    let f = match fetcher.get_conditional(url, memory.validators.get(url)) {
        Ok(fetch::Conditional::Changed(f)) => f,
        Ok(fetch::Conditional::NotModified) => return Outcome::NotModified,
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

fn is_done(known: &HashMap<String, (IngestState, Option<String>)>, key: &str) -> bool {
    matches!(
        known.get(key),
        Some((IngestState::Done | IngestState::Duplicate, _))
    )
}

/// A feed, item by item: seen items skipped, summary-only items replaced by their page.
fn feed_job(
    url: &str,
    f: fetch::Fetched,
    items: Vec<FeedItem>,
    fetcher: &mut fetch::Fetcher,
    pipeline: &Pipeline,
    known: &HashMap<String, (IngestState, Option<String>)>,
    memory: &FeedMemory,
) -> Outcome {
    let hash = sha256_hex(&f.bytes);
    if let Some((IngestState::Done | IngestState::Duplicate, Some(h))) = known.get(url) {
        if *h == hash {
            return Outcome::Skip;
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
    fetcher: &mut fetch::Fetcher,
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

/// Runs `sitrep ingest`.
pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let opts = &args.opts;
    // A PostgreSQL store ingests through its job queue (other workers may help).
    if let Some(url) = sitrep_store::Location::resolve(&opts.data).postgres_url() {
        return crate::queue::ingest(url, &args.inputs, opts, args.retry_failed);
    }
    let mut store = Store::open(&opts.data)
        .with_context(|| format!("opening the store in {}", opts.data.display()))?;
    let pipeline = opts.pipeline()?;
    // Before anything is ingested, so that a missing backend is said at once.
    let translator = opts.translate.build().context("setting up --translate")?;
    let progress = std::io::stderr().is_terminal();
    let b = run_batch(
        &mut store,
        &pipeline,
        &args.inputs,
        opts,
        args.retry_failed,
        progress,
    )?;
    if !b.to_translate.is_empty() {
        translate_stored(&mut store, translator.as_ref(), &b.to_translate)?;
    }
    let secs = start.elapsed().as_secs_f64();
    let stored = b.stored_ids.len();
    let rate = if secs > 0.0 {
        (stored + b.duplicates) as f64 / secs
    } else {
        0.0
    };
    let mut extra = String::new();
    if b.skipped + b.not_modified > 0 {
        extra.push_str(&format!(
            " ({} unchanged sources skipped)",
            b.skipped + b.not_modified
        ));
    }
    if b.seen_items > 0 {
        extra.push_str(&format!(", {} feed items seen before", b.seen_items));
    }
    if b.pages_fetched + b.pages_failed > 0 {
        extra.push_str(&format!(
            ", {} linked pages fetched for summary-only items ({} kept as summaries)",
            b.pages_fetched, b.pages_failed
        ));
    }
    eprintln!(
        "ingested {stored}, duplicates {}, failed {} in {secs:.1} s ({rate:.1} docs/s){extra}",
        b.duplicates, b.failed
    );
    crate::webhook::notify(
        &mut store,
        &b.stored_ids,
        &crate::webhook::Settings::from(opts),
    );
    Ok(if b.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One batch: expands the inputs, processes and writes them, and syncs the index. Prints a
/// line per failed source; shows a progress bar when `progress`.
pub fn run_batch(
    store: &mut Store,
    pipeline: &Pipeline,
    inputs: &[String],
    opts: &CollectOptions,
    retry_failed: bool,
    progress: bool,
) -> Result<Batch> {
    let caps = archive::Caps {
        entry: opts.max_bytes,
        total: opts.max_archive_bytes,
        entries: 100_000,
    };
    let mut jobs = Vec::new();
    discover(inputs, &caps, &mut jobs);
    // A source that took an earlier run down is marked failed before anything is read.
    let (journal, leftover) = match store.dir().map(journal::Journal::open) {
        Some(Ok((j, l))) => (Some(j), l),
        _ => (None, journal::Leftover::default()),
    };
    if let Some((key, hash)) = &leftover.culprit {
        store.fail(key, Some(hash), journal::CRASH_REASON)?;
        eprintln!(
            "sitrep: {}: {}",
            crate::safe::shown(key),
            journal::CRASH_REASON
        );
    }
    let known: HashMap<String, (IngestState, Option<String>)> = store
        .db()
        .statuses(None)?
        .into_iter()
        .map(|s| (s.source, (s.state, s.content_hash)))
        .collect();
    let keys: Vec<&str> = jobs.iter().map(Job::key).collect();
    store.db_mut().queue_sources(&keys)?;

    let (urls, mut local): (Vec<Job>, Vec<Job>) =
        jobs.into_iter().partition(|j| matches!(j, Job::Url(_)));
    // The suspects of an earlier death are read first, one at a time.
    let suspects: HashSet<&str> = leftover.suspects.iter().map(String::as_str).collect();
    local.sort_by_key(|j| !suspects.contains(j.key()));
    let solo = local
        .iter()
        .take_while(|j| suspects.contains(j.key()))
        .count();
    let mut memory = FeedMemory::default();
    for j in &urls {
        let u = j.key();
        if let Some(v) = store.db().http_validators(u)? {
            memory.validators.insert(u.to_string(), v);
        }
        let seen = store.db().seen_feed_items(u)?;
        if !seen.is_empty() {
            memory.seen.insert(u.to_string(), seen);
        }
    }
    let total = (urls.len() + local.len()) as u64;
    let bar = if progress {
        let pb = indicatif::ProgressBar::new(total);
        if let Some(style) = crate::progress::style() {
            pb.set_style(style);
        }
        Some(pb)
    } else {
        None
    };
    // Every line names a source from outside: escaped before it reaches the terminal.
    let say = |line: String| match &bar {
        Some(pb) => pb.println(crate::safe::shown(&line)),
        None => eprintln!("{}", crate::safe::shown(&line)),
    };
    let fetch_opts = fetch::FetchOptions {
        allow_private: opts.allow_private,
        timeout: opts.timeout(),
        max_bytes: opts.max_bytes,
        host_delay: Duration::from_millis(opts.host_delay_ms),
        allow_hosts: opts.allow_hosts.clone(),
    };
    let translate = !opts.translate.is_none();

    let mut b = Batch::default();
    let tally = |w: &SourceWrite, outcomes: Vec<DocOutcome>, b: &mut Batch| {
        for (o, p) in outcomes.into_iter().zip(&w.docs) {
            match o {
                DocOutcome::Stored(id) => {
                    b.stored_ids.push(id);
                    if translate && sitrep_core::translate::needs_translation(&p.doc) {
                        b.to_translate.push(id);
                    }
                }
                DocOutcome::Duplicate { .. } => b.duplicates += 1,
            }
        }
    };
    let record = |store: &mut Store, w: &SourceWrite, b: &mut Batch| -> Result<()> {
        let outcomes = store.write(w)?;
        tally(w, outcomes, b);
        Ok(())
    };
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<Outcome>(WRITE_QUEUE);
        let (known, memory, journal) = (&known, &memory, journal.as_ref());
        let tx_urls = tx.clone();
        scope.spawn(move || {
            let mut fetcher = fetch::Fetcher::new(fetch_opts);
            for j in &urls {
                if let Job::Url(u) = j {
                    if tx_urls
                        .send(fetch_job(u, &mut fetcher, pipeline, known, memory))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        scope.spawn(move || {
            // The workers take the jobs in order, so that the files a few jobs ahead can be
            // read into the page cache while the current ones are processed.
            if let Some(j) = journal {
                j.set_solo(true);
            }
            for j in &local[..solo] {
                let out = run_job(j, pipeline, known, retry_failed, opts.max_bytes, journal);
                if let Some(jl) = journal {
                    jl.end(j.key());
                }
                if tx.send(out).is_err() {
                    return;
                }
            }
            if let Some(j) = journal {
                j.set_solo(false);
            }
            let next = AtomicUsize::new(solo);
            for j in local.iter().skip(solo).take(READ_AHEAD) {
                read_ahead(j, opts.max_bytes);
            }
            let work = || {
                rayon::broadcast(|_| {
                    let tx = tx.clone();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(j) = local.get(i) else { break };
                        if let Some(ahead) = local.get(i + READ_AHEAD) {
                            read_ahead(ahead, opts.max_bytes);
                        }
                        let out =
                            run_job(j, pipeline, known, retry_failed, opts.max_bytes, journal);
                        if let Some(jl) = journal {
                            jl.end(j.key());
                        }
                        if tx.send(out).is_err() {
                            break;
                        }
                    }
                });
            };
            match workers() {
                Some(pool) => pool.install(work),
                None => work(),
            }
        });
        // Whatever the workers have ready is written in one transaction: one commit per
        // source was most of the writer's time.
        while let Ok(first) = rx.recv() {
            let mut ready = vec![first];
            let until = Instant::now() + WRITE_GATHER;
            while ready.len() < WRITE_BATCH {
                match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                    Ok(o) => ready.push(o),
                    Err(_) => break,
                }
            }
            let writes: Vec<&SourceWrite> = ready
                .iter()
                .filter_map(|o| match o {
                    Outcome::Write(w) => Some(w),
                    _ => None,
                })
                .collect();
            if !writes.is_empty() {
                let outcomes = match store.write_many(&writes) {
                    Ok(o) => o,
                    // The transaction was rolled back whole. Write the sources one at a
                    // time: on a full disk every source that fits is kept, and the error
                    // names the source that did not fit rather than the batch's first.
                    Err(_) if writes.len() > 1 => {
                        let mut each = Vec::with_capacity(writes.len());
                        for w in &writes {
                            each.extend(store.write_many(std::slice::from_ref(w))?);
                        }
                        each
                    }
                    Err(e) => return Err(e.into()),
                };
                for (w, o) in writes.iter().zip(outcomes) {
                    tally(w, o, &mut b);
                }
            }
            for outcome in ready {
                match outcome {
                    Outcome::Skip => b.skipped += 1,
                    Outcome::NotModified => b.not_modified += 1,
                    Outcome::Write(_) => {}
                    Outcome::Feed(fw) => {
                        for page in &fw.pages {
                            record(store, page, &mut b)?;
                        }
                        record(store, &fw.main, &mut b)?;
                        b.pages_fetched += fw.pages.len();
                        b.pages_failed += fw.page_failures.len();
                        b.seen_items += fw.seen;
                        let db = store.db_mut();
                        db.mark_feed_items_seen(&fw.feed, &fw.new_items)?;
                        db.set_http_validators(&fw.feed, &fw.validators)?;
                        for (link, reason) in &fw.page_failures {
                            say(format!(
                            "sitrep: {}: linked page {link}: {reason}; the item's summary was stored instead",
                            fw.feed
                        ));
                        }
                        if let Some((link, reason)) = fw.page_failures.first() {
                            let n = fw.page_failures.len();
                            db.add_status_note(
                            &fw.feed,
                            &format!("{n} linked page(s) not fetched, summaries stored instead (first: {link}: {reason})"),
                        )?;
                        }
                        for (key, reason) in &fw.item_failures {
                            say(format!("sitrep: {}: item {key}: {reason}", fw.feed));
                        }
                        if let Some((key, reason)) = fw.item_failures.first() {
                            let n = fw.item_failures.len();
                            db.add_status_note(
                                &fw.feed,
                                &format!("{n} item(s) not stored (first: {key}: {reason})"),
                            )?;
                        }
                    }
                    Outcome::Fail { key, hash, reason } => {
                        b.failed += 1;
                        store.fail(&key, hash.as_deref(), &reason)?;
                        say(format!("sitrep: {key}: {reason}"));
                    }
                }
                if let Some(pb) = &bar {
                    pb.inc(1);
                    pb.set_message(crate::progress::message(
                        b.stored_ids.len(),
                        b.duplicates,
                        b.failed,
                    ));
                }
            }
        }
        Ok(())
    })?;
    store.sync_index()?;
    if let Some(j) = journal {
        j.close();
    }
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    Ok(b)
}

/// The translation pass, after the batch is stored and indexed (so translation never holds
/// up the ingestion of other documents): a few worker threads translate, this thread loads
/// the documents and writes the translations.
pub(crate) fn translate_stored(
    store: &mut Store,
    translator: &dyn sitrep_core::translate::Translator,
    ids: &[i64],
) -> Result<()> {
    use sitrep_core::translate::{translate_document, Translation};
    let start = Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let (mut done, mut bytes, mut failed) = (0usize, 0usize, 0usize);
    let mut untranslated: HashMap<String, usize> = HashMap::new();
    let mut write = |store: &mut Store, id: i64, src: String, t: Translation| -> Result<()> {
        for e in t.errors.iter().take(1) {
            eprintln!(
                "sitrep: translate {}: {}",
                crate::safe::shown(&src.to_string()),
                crate::safe::shown(&e.to_string())
            );
        }
        for (_, lang) in &t.untranslated {
            *untranslated.entry(lang.clone()).or_default() += 1;
        }
        if t.paragraphs.is_empty() {
            failed += usize::from(!t.errors.is_empty());
            return Ok(());
        }
        bytes += t
            .paragraphs
            .iter()
            .map(|(s, _)| s.end - s.start)
            .sum::<usize>();
        done += 1;
        store.add_translation(id, &t)?;
        Ok(())
    };
    let (job_tx, job_rx) = mpsc::sync_channel::<(i64, sitrep_core::Document)>(workers * 2);
    let job_rx = std::sync::Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<(i64, String, Translation)>();
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let (job_rx, res_tx) = (&job_rx, res_tx.clone());
            scope.spawn(move || loop {
                let job = job_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((id, doc))) = job else { return };
                let t = translate_document(&doc, translator);
                if res_tx.send((id, doc.source, t)).is_err() {
                    return;
                }
            });
        }
        drop(res_tx);
        for &id in ids {
            if let Some(d) = store.db().get(id)? {
                if job_tx.send((id, d.document)).is_err() {
                    break;
                }
            }
            while let Ok((id, src, t)) = res_rx.try_recv() {
                write(store, id, src, t)?;
            }
        }
        drop(job_tx);
        for (id, src, t) in res_rx {
            write(store, id, src, t)?;
        }
        Ok(())
    })?;
    store.sync_index()?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "translated {done} documents ({} KB) with {} in {secs:.1} s ({:.1} KB/s){}",
        bytes / 1024,
        translator.name(),
        if secs > 0.0 {
            bytes as f64 / 1024.0 / secs
        } else {
            0.0
        },
        if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        }
    );
    let mut langs: Vec<_> = untranslated.into_iter().collect();
    langs.sort();
    for (lang, n) in langs {
        eprintln!(
            "translate: {n} paragraphs in `{lang}` left untranslated: {} has no {lang}→en",
            translator.name()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(ext_of("/a/b/c.HTML"), "html");
        assert_eq!(ext_of("https://x.org/feed.xml?x=1"), "xml");
        assert_eq!(ext_of("noext"), "");
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            strip_prefix("/a/b: binary content", "/a/b"),
            "binary content"
        );
        assert_eq!(strip_prefix("other", "/a/b"), "other");
    }
}
