//! `sitrep ingest`: read files, folders, archives, WARC files, web pages and feeds into the
//! store. Parsing runs in parallel; one thread writes. A bad source never stops the batch.

mod archive;
mod fetch;

use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use sitrep_core::read::ReadOptions;
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{DocOutcome, IngestState, PreparedDoc, SourceWrite, Store};

use crate::translate::TranslateConfig;

/// Arguments of `sitrep ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// Files, folders (recursively), `.zip` / `.tar.gz` archives, `.warc[.gz]` files, and
    /// http(s) URLs of pages or feeds.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Data folder of the store.
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    data: PathBuf,
    /// Process again the local sources that failed before (URLs are always fetched again).
    #[arg(long)]
    retry_failed: bool,
    /// Allow fetching from loopback, private and link-local addresses.
    #[arg(long)]
    allow_private: bool,
    /// HTTP timeout per request, in seconds.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Least time between two requests to the same host, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    host_delay_ms: u64,
    /// Largest file, archive entry or download accepted, in bytes.
    #[arg(long, default_value_t = 50 * 1024 * 1024)]
    max_bytes: u64,
    /// Largest total an archive may expand to, in bytes.
    #[arg(long, default_value_t = 1024 * 1024 * 1024)]
    max_archive_bytes: u64,
    /// Translate non-English documents into English after the batch is stored: `apertium`,
    /// `libretranslate=URL` or `none`.
    #[arg(long, default_value = "none", value_parser = TranslateConfig::parse_arg)]
    translate: TranslateConfig,
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

/// What processing one job gave.
enum Outcome {
    Write(SourceWrite),
    Skip,
    Fail {
        key: String,
        hash: Option<String>,
        reason: String,
    },
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

/// Expands the command-line inputs into jobs, in a stable order.
fn discover(inputs: &[String], caps: &archive::Caps, jobs: &mut Vec<Job>) {
    for input in inputs {
        if is_url(input) {
            jobs.push(Job::Url(input.clone()));
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Ok(md) if md.is_dir() => walk(path, caps, jobs),
            Ok(_) => file_job(path, caps, jobs),
            Err(e) => jobs.push(Job::Refused {
                key: input.clone(),
                reason: format!("cannot read: {e}"),
            }),
        }
    }
}

fn walk(dir: &Path, caps: &archive::Caps, jobs: &mut Vec<Job>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            jobs.push(Job::Refused {
                key: dir.display().to_string(),
                reason: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        match std::fs::symlink_metadata(&p) {
            Ok(md) if md.is_dir() => walk(&p, caps, jobs),
            Ok(md) if md.is_file() => file_job(&p, caps, jobs),
            _ => {}
        }
    }
}

fn key_of(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn file_job(path: &Path, caps: &archive::Caps, jobs: &mut Vec<Job>) {
    let key = key_of(path);
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
fn process(
    pipeline: &Pipeline,
    known: &HashMap<String, (IngestState, Option<String>)>,
    retry_failed: bool,
    key: &str,
    source: &str,
    bytes: Vec<u8>,
    ext: &str,
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
    args: &IngestArgs,
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
                args.retry_failed,
                key,
                source,
                bytes.clone(),
                ext,
            )
        }
        Job::File { key, path } => {
            let bytes = match read_file(path, args.max_bytes) {
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
            process(pipeline, known, args.retry_failed, key, key, bytes, &ext)
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
) -> Outcome {
    match fetcher.get(url) {
        Ok(f) => {
            let mut ext = ext_of(&f.url);
            if let Some(ct) = &f.content_type {
                if ct.contains("html") {
                    ext = "html".into();
                }
            }
            // URLs are always fetched again; `retry_failed` only matters for local files.
            process(pipeline, known, true, url, &f.url, f.bytes, &ext)
        }
        Err(reason) => Outcome::Fail {
            key: url.to_string(),
            hash: None,
            reason,
        },
    }
}

/// Runs `sitrep ingest`.
pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let mut store = Store::open(&args.data)
        .with_context(|| format!("opening the store in {}", args.data.display()))?;
    let pipeline = Pipeline::new(PipelineOptions {
        read: ReadOptions {
            max_bytes: args.max_bytes,
        },
        ..PipelineOptions::default()
    })
    .context("building the pipeline")?;
    // Before anything is ingested, so that a missing backend is said at once.
    let translator = args.translate.build().context("setting up --translate")?;
    let mut to_translate: Vec<i64> = Vec::new();
    let caps = archive::Caps {
        entry: args.max_bytes,
        total: args.max_archive_bytes,
        entries: 100_000,
    };
    let mut jobs = Vec::new();
    discover(&args.inputs, &caps, &mut jobs);
    let known: HashMap<String, (IngestState, Option<String>)> = store
        .db()
        .statuses(None)?
        .into_iter()
        .map(|s| (s.source, (s.state, s.content_hash)))
        .collect();
    let keys: Vec<String> = jobs.iter().map(|j| j.key().to_string()).collect();
    store.db_mut().queue_sources(&keys)?;

    let (urls, local): (Vec<Job>, Vec<Job>) =
        jobs.into_iter().partition(|j| matches!(j, Job::Url(_)));
    let total = (urls.len() + local.len()) as u64;
    let bar = if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} sources  {per_sec}  ETA {eta}  {wide_msg}",
        ) {
            pb.set_style(style);
        }
        Some(pb)
    } else {
        None
    };
    let fetch_opts = fetch::FetchOptions {
        allow_private: args.allow_private,
        timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
        max_bytes: args.max_bytes,
        host_delay: Duration::from_millis(args.host_delay_ms),
    };

    let (mut stored, mut dups, mut failed, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<Outcome>(64);
        let (pipeline, known, args) = (&pipeline, &known, &args);
        let tx_urls = tx.clone();
        scope.spawn(move || {
            let mut fetcher = fetch::Fetcher::new(fetch_opts);
            for j in &urls {
                if let Job::Url(u) = j {
                    if tx_urls
                        .send(fetch_job(u, &mut fetcher, pipeline, known))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        scope.spawn(move || {
            local.par_iter().for_each_with(tx, |tx, j| {
                let _ = tx.send(run_job(j, pipeline, known, args));
            });
        });
        for outcome in rx {
            match outcome {
                Outcome::Skip => skipped += 1,
                Outcome::Write(w) => {
                    for (o, p) in store.write(&w)?.into_iter().zip(&w.docs) {
                        match o {
                            DocOutcome::Stored(id) => {
                                stored += 1;
                                if !args.translate.is_none()
                                    && sitrep_core::translate::needs_translation(&p.doc)
                                {
                                    to_translate.push(id);
                                }
                            }
                            DocOutcome::Duplicate { .. } => dups += 1,
                        }
                    }
                }
                Outcome::Fail { key, hash, reason } => {
                    failed += 1;
                    store.fail(&key, hash.as_deref(), &reason)?;
                    let line = format!("sitrep: {key}: {reason}");
                    match &bar {
                        Some(pb) => pb.println(line),
                        None => eprintln!("{line}"),
                    }
                }
            }
            if let Some(pb) = &bar {
                pb.inc(1);
                pb.set_message(format!(
                    "{stored} stored, {dups} duplicates, {failed} failed"
                ));
            }
        }
        Ok(())
    })?;
    store.sync_index()?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    if !to_translate.is_empty() {
        translate_stored(&mut store, translator.as_ref(), &to_translate)?;
    }
    let secs = start.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        (stored + dups) as f64 / secs
    } else {
        0.0
    };
    let skip = if skipped > 0 {
        format!(" ({skipped} unchanged sources skipped)")
    } else {
        String::new()
    };
    eprintln!("ingested {stored}, duplicates {dups}, failed {failed} in {secs:.1} s ({rate:.1} docs/s){skip}");
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The translation pass, after the batch is stored and indexed (so translation never holds
/// up the ingestion of other documents): a few worker threads translate, this thread loads
/// the documents and writes the translations.
fn translate_stored(
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
            eprintln!("sitrep: translate {src}: {e}");
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
