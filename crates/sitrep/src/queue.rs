//! `sitrep enqueue` and `sitrep worker`: the arguments and the summary lines of ingestion
//! through the job queue of a PostgreSQL store (`sitrep_collect::queue`).
//! `sitrep ingest --data postgres://…` is `enqueue` followed by one local worker that stops
//! when the queue is empty.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use sitrep_collect::queue::{enqueue_inputs, postgres_url, work, WorkerConfig};
use sitrep_collect::{report, CollectOptions};

use crate::ingest::CollectArgs;
use crate::progress::Reporter;
use crate::safe::shown;

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
    opts: CollectArgs,
}

/// Runs `sitrep enqueue`.
pub fn enqueue(args: EnqueueArgs) -> Result<ExitCode> {
    let url = postgres_url(&args.data)?;
    let (listed, added, errors) = enqueue_inputs(&url, &args.inputs)?;
    for e in &errors {
        eprintln!("sitrep: {}", shown(e));
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
    let opts = args.opts.options();
    let url = postgres_url(&opts.data)?;
    let cfg = WorkerConfig {
        batch: args.batch.max(1),
        lease: Duration::from_secs_f64(args.lease.clamp(1.0, 86_400.0)),
        poll: Duration::from_secs_f64(args.poll.clamp(0.05, 3600.0)),
        exit_when_empty: args.exit_when_empty,
        retry_failed: false,
    };
    let start = Instant::now();
    let t = work(&url, &opts, &cfg, &Reporter::new(false))?;
    eprintln!("{}", report::worker_line(&t, start.elapsed()));
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
        eprintln!("sitrep: {}", shown(e));
    }
    let cfg = WorkerConfig {
        batch: 256,
        lease: Duration::from_secs(60),
        poll: Duration::from_millis(500),
        exit_when_empty: true,
        retry_failed,
    };
    let t = work(url, opts, &cfg, &Reporter::new(false))?;
    eprintln!("{}", report::worker_line(&t, start.elapsed()));
    Ok(if t.failed > 0 || !errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
