//! Ingestion through the job queue of a PostgreSQL store, so that any number of workers on
//! any number of machines share the work.
//!
//! [`enqueue_inputs`] lists its inputs (a folder becomes one job per file; an archive, a
//! WARC file and a URL are one job each) and adds them to the queue. A worker ([`work`])
//! claims a batch of jobs, runs them through the same batch as a local ingest
//! ([`crate::run_batch`]), and removes them once their sources are written; a heartbeat
//! thread renews its leases meanwhile.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sitrep_store::pg::queue::{JobQueue, MAX_ATTEMPTS};
use sitrep_store::{Location, Store};

use crate::observer::{Level, Observer};
use crate::{run_batch, translate, CollectOptions, Error, Result};

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

/// The PostgreSQL URL of a store location; a folder is an error (the queue needs
/// PostgreSQL).
pub fn postgres_url(data: &Path) -> Result<String> {
    match Location::resolve(data) {
        Location::Postgres(url) => Ok(url),
        Location::Dir(d) => Err(Error::NotPostgres {
            env: sitrep_store::DATABASE_URL_ENV,
            folder: d,
        }),
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
    crate::discover::visit_files(
        dir,
        &mut |p: &Path| out.push(p.display().to_string()),
        &mut |d: &Path, e: std::io::Error| {
            errors.push(format!("{}: cannot read folder: {e}", d.display()))
        },
    );
}

/// Lists the inputs and adds them to the queue. Returns (listed, added, errors), each error
/// naming an input that could not be read.
pub fn enqueue_inputs(url: &str, inputs: &[String]) -> Result<(usize, u64, Vec<String>)> {
    let mut jobs = Vec::new();
    let errors = list_inputs(inputs, &mut jobs);
    let mut q = JobQueue::connect(url).map_err(Error::Queue)?;
    let mut added = 0;
    for chunk in jobs.chunks(10_000) {
        added += q.enqueue(chunk)?;
    }
    Ok((jobs.len(), added, errors))
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
pub fn work(
    url: &str,
    opts: &CollectOptions,
    cfg: &WorkerConfig,
    obs: &dyn Observer,
) -> Result<Tally> {
    let mut store = Store::open_postgres(url).map_err(Error::OpenPostgres)?;
    let mut q = JobQueue::connect(url).map_err(Error::Queue)?;
    let pipeline = opts.pipeline()?;
    let translator = opts.translator()?;
    let host = host_name();
    let pid = std::process::id();
    let id = format!("{host}:{pid}:{}", chrono::Utc::now().timestamp_millis());
    q.register(&id, &host, pid)?;
    let stop = AtomicBool::new(false);
    let mut tally = Tally::default();
    let result = std::thread::scope(|scope| -> Result<()> {
        let (stop, id_ref) = (&stop, &id);
        scope.spawn(move || heartbeat(url, id_ref, cfg.lease, stop, obs));
        let r = (|| -> Result<()> {
            loop {
                for input in q.give_up()? {
                    let reason = format!(
                        "given up: claimed {MAX_ATTEMPTS} times and never completed (did it stop its worker each time?)"
                    );
                    obs.message(Level::Warning, &format!("{input}: {reason}"));
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
                match run_batch(&mut store, &pipeline, &inputs, opts, cfg.retry_failed, obs) {
                    Ok(b) => {
                        tally.jobs += q.complete(&id, &ids)?;
                        tally.stored += b.stored_ids.len();
                        tally.duplicates += b.duplicates;
                        tally.failed += b.failed;
                        tally.skipped += b.skipped + b.not_modified;
                        if !b.to_translate.is_empty() {
                            translate::translate_stored(
                                &mut store,
                                translator.as_ref(),
                                &b.to_translate,
                                obs,
                            )?;
                        }
                    }
                    Err(e) => {
                        let why = error_chain(&e);
                        obs.message(Level::Warning, &format!("worker {id}: a batch of {} jobs failed, returned to the queue: {why}", ids.len()));
                        q.release(&id, &ids, &why)?;
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

/// An error and its causes, joined by `: ` (as the command line shows them).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

/// Renews the worker's leases every third of a lease until `stop`.
fn heartbeat(url: &str, worker: &str, lease: Duration, stop: &AtomicBool, obs: &dyn Observer) {
    let mut q = match JobQueue::connect(url) {
        Ok(q) => q,
        Err(e) => {
            obs.message(Level::Warning, &format!("worker {worker}: no heartbeat ({e}); its jobs will be claimed again when their leases run out"));
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
                obs.message(
                    Level::Warning,
                    &format!("worker {worker}: heartbeat failed: {e}"),
                );
            }
            last = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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
