//! `sitrep status`: what the store holds and how each source fared.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use sitrep_store::pg::queue::{JobQueue, QueueStats};
use sitrep_store::{IngestState, Location, Store};

/// Arguments of `sitrep status`.
#[derive(Args)]
pub struct StatusArgs {
    /// Data folder of the store, or a PostgreSQL URL (`postgres://…`; then the job queue
    /// and its workers are shown too).
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    data: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `sitrep status`.
pub fn run(args: StatusArgs) -> Result<ExitCode> {
    let location = Location::resolve(&args.data);
    let store = Store::open_existing(&args.data)
        .with_context(|| format!("opening the store in {}", location.display()))?;
    let queue: Option<QueueStats> = match location.postgres_url() {
        Some(url) => Some(
            JobQueue::connect(url)
                .and_then(|mut q| q.stats())
                .context("reading the job queue")?,
        ),
        None => None,
    };
    let counts = store.db().status_counts()?;
    let failed = store.db().statuses(Some(IngestState::Failed))?;
    let documents = store.document_count()?;
    let indexed = store.indexed_count();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let states: serde_json::Map<String, serde_json::Value> = [
            IngestState::Queued,
            IngestState::Done,
            IngestState::Duplicate,
            IngestState::Failed,
        ]
        .iter()
        .map(|s| {
            let n = counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n);
            (s.as_str().to_string(), serde_json::json!(n))
        })
        .collect();
        let v = serde_json::json!({
            "data": location.display(),
            "documents": documents,
            "indexed": indexed,
            "sources": states,
            "failed": failed,
            "queue": queue,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "store: {}", location.display())?;
    writeln!(out, "documents: {documents} ({indexed} in the index)")?;
    write!(out, "sources:")?;
    if counts.is_empty() {
        write!(out, " none")?;
    }
    for (s, n) in &counts {
        write!(out, " {} {n}", s.as_str())?;
    }
    writeln!(out)?;
    if let Some(q) = &queue {
        writeln!(
            out,
            "queue: {} pending ({} with an expired lease), {} leased",
            q.pending, q.expired, q.leased
        )?;
        writeln!(out, "workers: {}", q.workers.len())?;
        for w in &q.workers {
            writeln!(
                out,
                "  {}: {} jobs leased, {} done, last heartbeat {:.0} s ago",
                w.id, w.leased, w.jobs_done, w.idle_s
            )?;
        }
    }
    if !failed.is_empty() {
        writeln!(out, "failed:")?;
        for f in &failed {
            writeln!(
                out,
                "  {}: {} (attempts {})",
                crate::safe::shown(&f.source),
                crate::safe::shown(f.reason.as_deref().unwrap_or("?")),
                f.attempts
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
