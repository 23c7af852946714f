//! The job queue in PostgreSQL: one row per input to ingest (a file, an archive, a URL).
//!
//! A worker claims jobs with `FOR UPDATE SKIP LOCKED` (two workers never claim one job)
//! and holds each under a lease that a heartbeat renews; when a worker dies its leases run
//! out and the jobs are claimed again. Reprocessing stores nothing twice: a source already
//! written with the same bytes is skipped, and documents are deduplicated by their keys. A
//! job claimed [`MAX_ATTEMPTS`] times without completing is given up (its source is marked
//! failed by the caller) so that an input that kills its worker cannot loop forever.

use std::time::Duration;

use postgres::Client;

use crate::Result;

/// Claims after which a job that never completed is given up.
pub const MAX_ATTEMPTS: i32 = 5;

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// What to ingest: a path or a URL.
    pub input: String,
    /// How many times it has been claimed, this claim included.
    pub attempts: i32,
}

/// A worker as the queue knows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WorkerInfo {
    /// Worker id (`host:pid:start`).
    pub id: String,
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: i64,
    /// Seconds since its last heartbeat.
    pub idle_s: f64,
    /// Jobs it completed.
    pub jobs_done: i64,
    /// Jobs it holds now.
    pub leased: i64,
}

/// What the queue holds.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct QueueStats {
    /// Jobs waiting for a worker (never claimed, or whose lease ran out).
    pub pending: i64,
    /// Jobs held by a worker under a live lease.
    pub leased: i64,
    /// Of the pending, those whose lease ran out (their worker died or stalled).
    pub expired: i64,
    /// Workers seen in the last minute.
    pub workers: Vec<WorkerInfo>,
}

/// The job queue of one database.
pub struct JobQueue {
    client: Client,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64().max(0.001)
}

impl JobQueue {
    /// Connects to the database at `url` (migrating it when needed).
    pub fn connect(url: &str) -> Result<Self> {
        Ok(JobQueue {
            client: super::connect(url)?,
        })
    }

    /// Adds jobs; an input already queued is not added twice. Returns how many were added.
    pub fn enqueue(&mut self, inputs: &[String]) -> Result<u64> {
        Ok(self.client.execute(
            "INSERT INTO jobs (input) SELECT i FROM unnest($1::text[]) WITH ORDINALITY AS t(i, n) \
             ORDER BY n ON CONFLICT (input) DO NOTHING",
            &[&inputs],
        )?)
    }

    /// Records a worker (or its restart under the same id).
    pub fn register(&mut self, worker: &str, host: &str, pid: u32) -> Result<()> {
        self.client.execute(
            "INSERT INTO workers (id, host, pid) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET last_seen = now()",
            &[&worker, &host, &i64::from(pid)],
        )?;
        Ok(())
    }

    /// Forgets a worker that stops, returning its jobs to the queue.
    pub fn deregister(&mut self, worker: &str) -> Result<()> {
        self.client.execute(
            "UPDATE jobs SET worker = NULL, lease_until = NULL WHERE worker = $1",
            &[&worker],
        )?;
        self.client
            .execute("DELETE FROM workers WHERE id = $1", &[&worker])?;
        Ok(())
    }

    /// Claims up to `n` jobs (oldest first) for `lease`: jobs never claimed, or whose lease
    /// ran out, and not yet given up. Jobs other workers are claiming at the same moment
    /// are skipped, not waited for.
    pub fn claim(&mut self, worker: &str, n: usize, lease: Duration) -> Result<Vec<Job>> {
        let rows = self.client.query(
            "UPDATE jobs SET worker = $1, lease_until = now() + make_interval(secs => $2),
                attempts = attempts + 1
             WHERE id IN (
                SELECT id FROM jobs
                WHERE (lease_until IS NULL OR lease_until < now()) AND attempts < $4
                ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING id, input, attempts",
            &[&worker, &secs(lease), &(n as i64), &MAX_ATTEMPTS],
        )?;
        let mut jobs: Vec<Job> = rows
            .iter()
            .map(|r| Job {
                id: r.get(0),
                input: r.get(1),
                attempts: r.get(2),
            })
            .collect();
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Renews the leases of every job `worker` holds, and its heartbeat. Returns how many
    /// jobs it holds.
    pub fn heartbeat(&mut self, worker: &str, lease: Duration) -> Result<u64> {
        let n = self.client.execute(
            "UPDATE jobs SET lease_until = now() + make_interval(secs => $2) \
             WHERE worker = $1 AND lease_until IS NOT NULL",
            &[&worker, &secs(lease)],
        )?;
        self.client.execute(
            "UPDATE workers SET last_seen = now() WHERE id = $1",
            &[&worker],
        )?;
        Ok(n)
    }

    /// Removes completed jobs (those `worker` still holds: a job whose lease ran out and
    /// that another worker claimed stays with that worker).
    pub fn complete(&mut self, worker: &str, ids: &[i64]) -> Result<u64> {
        let n = self.client.execute(
            "DELETE FROM jobs WHERE id = ANY($1) AND worker = $2",
            &[&ids, &worker],
        )?;
        self.client.execute(
            "UPDATE workers SET jobs_done = jobs_done + $2, last_seen = now() WHERE id = $1",
            &[&worker, &(n as i64)],
        )?;
        Ok(n)
    }

    /// Returns jobs to the queue (their batch failed), with the reason.
    pub fn release(&mut self, worker: &str, ids: &[i64], error: &str) -> Result<()> {
        self.client.execute(
            "UPDATE jobs SET worker = NULL, lease_until = NULL, last_error = $3 \
             WHERE id = ANY($1) AND worker = $2",
            &[&ids, &worker, &error],
        )?;
        Ok(())
    }

    /// Removes the jobs claimed [`MAX_ATTEMPTS`] times whose last lease ran out, and
    /// returns their inputs (the caller records them as failed).
    pub fn give_up(&mut self) -> Result<Vec<String>> {
        Ok(self
            .client
            .query(
                "DELETE FROM jobs WHERE attempts >= $1 AND (lease_until IS NULL OR lease_until < now()) \
                 RETURNING input",
                &[&MAX_ATTEMPTS],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    /// Jobs not yet completed, leased or not.
    pub fn outstanding(&mut self) -> Result<i64> {
        Ok(self
            .client
            .query_one("SELECT count(*) FROM jobs", &[])?
            .get(0))
    }

    /// Queue depth, leases and workers.
    pub fn stats(&mut self) -> Result<QueueStats> {
        let r = self.client.query_one(
            "SELECT
                count(*) FILTER (WHERE lease_until IS NULL OR lease_until < now()),
                count(*) FILTER (WHERE lease_until >= now()),
                count(*) FILTER (WHERE lease_until < now())
             FROM jobs",
            &[],
        )?;
        let workers = self
            .client
            .query(
                "SELECT w.id, w.host, w.pid, extract(epoch FROM now() - w.last_seen)::float8,
                    w.jobs_done,
                    (SELECT count(*) FROM jobs j WHERE j.worker = w.id AND j.lease_until >= now())
                 FROM workers w WHERE w.last_seen > now() - interval '1 minute'
                 ORDER BY w.id COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| WorkerInfo {
                id: r.get(0),
                host: r.get(1),
                pid: r.get(2),
                idle_s: r.get(3),
                jobs_done: r.get(4),
                leased: r.get(5),
            })
            .collect();
        Ok(QueueStats {
            pending: r.get(0),
            leased: r.get(1),
            expired: r.get(2),
            workers,
        })
    }
}
