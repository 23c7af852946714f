//! `sitrep enqueue` and `sitrep worker`: ingestion through the job queue of a PostgreSQL
//! store, so that any number of workers on any number of machines share the work.
//!
//! `enqueue` lists its inputs (a folder becomes one job per file; an archive, a WARC file
//! and a URL are one job each) and adds them to the queue. A worker claims a batch of jobs,
//! runs them through the same batch as `sitrep ingest` (`ingest::run_batch`), and removes
//! them once their sources are written; a heartbeat thread renews its leases meanwhile.
//! `sitrep ingest --data postgres://…` is `enqueue` followed by one local worker that
//! stops when the queue is empty.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use sitrep_store::pg::queue::{JobQueue, MAX_ATTEMPTS};
use sitrep_store::{Location, Store};

use crate::ingest::{self, CollectOptions};

/// Arguments of `sitrep enqueue`.
#[derive(Args)]
pub struct EnqueueArgs {
    /// Files, folders (recursively, one job per file), archives, WARC files and http(s)
    /// URLs. Paths are stored as absolute paths: workers on other machines must see the
    /// files at the same paths (a shared mount); URLs work from anywhere.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// The PostgreSQL store (`postgres://…`, or `SITREP_DATABASE_URL`).
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    data: PathBuf,
}

/// Arguments of `sitrep worker`.
#[derive(Args)]
pub struct WorkerArgs {
    /// Jobs claimed at a time (one ingest batch).
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Seconds a claimed job stays leased without a heartbeat; a worker that dies gives its
    /// jobs back after this long.
    #[arg(long, default_value_t = 60.0)]
    lease: f64,
    /// Seconds between two looks at an empty queue.
    #[arg(long, default_value_t = 2.0)]
    poll: f64,
    /// Stop once the queue holds no job, leased or not (else wait for more).
    #[arg(long)]
    exit_when_empty: bool,
    #[command(flatten)]
    opts: CollectOptions,
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs per claim.
    pub batch: usize,
    /// Lease of a claimed job.
    pub lease: Duration,
    /// Pause when the queue is empty.
    pub poll: Duration,
    /// Stop when no job is left.
    pub exit_when_empty: bool,
    /// Process again sources that failed before.
    pub retry_failed: bool,
}

/// What a worker did.
#[derive(Debug, Default)]
pub struct Tally {
    /// Jobs completed.
    pub jobs: u64,
    /// Documents stored.
    pub stored: usize,
    /// Duplicates not stored.
    pub duplicates: usize,
    /// Sources failed.
    pub failed: usize,
    /// Unchanged sources skipped.
    pub skipped: usize,
}

fn postgres_url(data: &Path) -> Result<String> {
    match Location::resolve(data) {
        Location::Postgres(url) => Ok(url),
        Location::Dir(d) => bail!(
            "the job queue lives in a PostgreSQL store: give --data postgres://USER@HOST/DATABASE \
             or set {} (got the folder {}; `sitrep ingest` ingests into a folder directly)",
            sitrep_store::DATABASE_URL_ENV,
            d.display()
        ),
    }
}

/// The jobs an input makes: a URL as it is, a file by its absolute path, a folder's files
/// (recursively, in name order; hidden entries and symbolic links left out).
fn list_inputs(inputs: &[String], out: &mut Vec<String>) -> Vec<String> {
    let mut errors = Vec::new();
    for input in inputs {
        let lower = input.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            out.push(input.clone());
            continue;
        }
        match std::fs::canonicalize(input) {
            Ok(p) if p.is_dir() => walk(&p, out, &mut errors),
            Ok(p) => out.push(p.display().to_string()),
            Err(e) => errors.push(format!("{input}: cannot read: {e}")),
        }
    }
    errors
}

fn walk(dir: &Path, out: &mut Vec<String>, errors: &mut Vec<String>) {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| {
                let e = e.ok()?;
                Some((e.path(), e.file_type().ok()?))
            })
            .collect(),
        Err(e) => {
            errors.push(format!("{}: cannot read folder: {e}", dir.display()));
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
            walk(&p, out, errors);
        } else if kind.is_file() {
            out.push(p.display().to_string());
        }
    }
}

/// Lists the inputs and adds them to the queue. Returns (listed, added, errors).
fn enqueue_inputs(url: &str, inputs: &[String]) -> Result<(usize, u64, Vec<String>)> {
    let mut jobs = Vec::new();
    let errors = list_inputs(inputs, &mut jobs);
    let mut q = JobQueue::connect(url).context("connecting to the job queue")?;
    let mut added = 0;
    for chunk in jobs.chunks(10_000) {
        added += q.enqueue(chunk)?;
    }
    Ok((jobs.len(), added, errors))
}

/// Runs `sitrep enqueue`.
pub fn enqueue(args: EnqueueArgs) -> Result<ExitCode> {
    let url = postgres_url(&args.data)?;
    let (listed, added, errors) = enqueue_inputs(&url, &args.inputs)?;
    for e in &errors {
        eprintln!("sitrep: {e}");
    }
    eprintln!(
        "enqueued {added} jobs ({} already queued)",
        listed as u64 - added
    );
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs `sitrep worker`.
pub fn worker(args: WorkerArgs) -> Result<ExitCode> {
    let url = postgres_url(&args.opts.data)?;
    let cfg = WorkerConfig {
        batch: args.batch.max(1),
        lease: Duration::from_secs_f64(args.lease.clamp(1.0, 86_400.0)),
        poll: Duration::from_secs_f64(args.poll.clamp(0.05, 3600.0)),
        exit_when_empty: args.exit_when_empty,
        retry_failed: false,
    };
    let start = Instant::now();
    let t = work(&url, &args.opts, &cfg)?;
    report(&t, start);
    Ok(ExitCode::SUCCESS)
}

/// `sitrep ingest --data postgres://…`: enqueue the inputs, then work until the queue is
/// empty (other workers may share the work meanwhile).
pub fn ingest(
    url: &str,
    inputs: &[String],
    opts: &CollectOptions,
    retry_failed: bool,
) -> Result<ExitCode> {
    let start = Instant::now();
    let (_, _, errors) = enqueue_inputs(url, inputs)?;
    for e in &errors {
        eprintln!("sitrep: {e}");
    }
    let cfg = WorkerConfig {
        batch: 256,
        lease: Duration::from_secs(60),
        poll: Duration::from_millis(500),
        exit_when_empty: true,
        retry_failed,
    };
    let t = work(url, opts, &cfg)?;
    report(&t, start);
    Ok(if t.failed > 0 || !errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn report(t: &Tally, start: Instant) {
    let secs = start.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        (t.stored + t.duplicates) as f64 / secs
    } else {
        0.0
    };
    eprintln!(
        "ingested {}, duplicates {}, failed {} in {secs:.1} s ({rate:.1} docs/s); {} jobs, {} unchanged sources skipped",
        t.stored, t.duplicates, t.failed, t.jobs, t.skipped
    );
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// One worker: claims batches of jobs until told to stop (or, with `exit_when_empty`,
/// until no job is left), a heartbeat thread renewing its leases meanwhile.
pub fn work(url: &str, opts: &CollectOptions, cfg: &WorkerConfig) -> Result<Tally> {
    let mut store = Store::open_postgres(url).context("opening the PostgreSQL store")?;
    let mut q = JobQueue::connect(url).context("connecting to the job queue")?;
    let pipeline = opts.pipeline()?;
    let translator = opts.translate.build().context("setting up --translate")?;
    let host = host_name();
    let pid = std::process::id();
    let id = format!("{host}:{pid}:{}", chrono::Utc::now().timestamp_millis());
    q.register(&id, &host, pid)?;
    let stop = AtomicBool::new(false);
    let mut tally = Tally::default();
    let result = std::thread::scope(|scope| -> Result<()> {
        let (stop, id_ref) = (&stop, &id);
        scope.spawn(move || heartbeat(url, id_ref, cfg.lease, stop));
        let r = (|| -> Result<()> {
            loop {
                for input in q.give_up()? {
                    let reason = format!(
                        "given up: claimed {MAX_ATTEMPTS} times and never completed (did it stop its worker each time?)"
                    );
                    eprintln!("sitrep: {input}: {reason}");
                    store.fail(&input, None, &reason)?;
                    tally.failed += 1;
                }
                let jobs = q.claim(&id, cfg.batch, cfg.lease)?;
                if jobs.is_empty() {
                    if cfg.exit_when_empty && q.outstanding()? == 0 {
                        return Ok(());
                    }
                    std::thread::sleep(cfg.poll);
                    continue;
                }
                let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
                let inputs: Vec<String> = jobs.into_iter().map(|j| j.input).collect();
                match ingest::run_batch(
                    &mut store,
                    &pipeline,
                    &inputs,
                    opts,
                    cfg.retry_failed,
                    false,
                ) {
                    Ok(b) => {
                        tally.jobs += q.complete(&id, &ids)?;
                        tally.stored += b.stored_ids.len();
                        tally.duplicates += b.duplicates;
                        tally.failed += b.failed;
                        tally.skipped += b.skipped + b.not_modified;
                        if !b.to_translate.is_empty() {
                            ingest::translate_stored(
                                &mut store,
                                translator.as_ref(),
                                &b.to_translate,
                            )?;
                        }
                    }
                    Err(e) => {
                        eprintln!("sitrep: worker {id}: a batch of {} jobs failed, returned to the queue: {e:#}", ids.len());
                        q.release(&id, &ids, &format!("{e:#}"))?;
                        std::thread::sleep(cfg.poll);
                    }
                }
            }
        })();
        stop.store(true, Ordering::Relaxed);
        r
    });
    let _ = q.deregister(&id);
    result?;
    Ok(tally)
}

/// Renews the worker's leases every third of a lease until `stop`.
fn heartbeat(url: &str, worker: &str, lease: Duration, stop: &AtomicBool) {
    let mut q = match JobQueue::connect(url) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("sitrep: worker {worker}: no heartbeat ({e}); its jobs will be claimed again when their leases run out");
            return;
        }
    };
    let every = lease / 3;
    let step = Duration::from_millis(100);
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        if last.elapsed() >= every {
            if let Err(e) = q.heartbeat(worker, lease) {
                eprintln!("sitrep: worker {worker}: heartbeat failed: {e}");
            }
            last = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_become_one_job_per_file_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("b.txt"), "b").unwrap();
        std::fs::write(root.join("a.html"), "a").unwrap();
        std::fs::write(root.join("sub/c.zip"), "c").unwrap();
        std::fs::write(root.join(".hidden"), "h").unwrap();
        let mut out = Vec::new();
        let errors = list_inputs(
            &[
                root.display().to_string(),
                "https://example.org/feed.xml".into(),
                root.join("missing.txt").display().to_string(),
            ],
            &mut out,
        );
        let want: Vec<String> = ["a.html", "b.txt", "sub/c.zip"]
            .iter()
            .map(|n| root.join(n).display().to_string())
            .chain(["https://example.org/feed.xml".to_string()])
            .collect();
        assert_eq!(out, want);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("missing.txt"), "{errors:?}");
    }

    #[test]
    fn the_queue_needs_a_postgres_store() {
        let e = postgres_url(Path::new("some-folder"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("postgres://"), "{e}");
        assert_eq!(
            postgres_url(Path::new("postgres://u@h/db")).unwrap(),
            "postgres://u@h/db"
        );
    }
}
