//! The extraction workers: a rayon pool of their own, one thread per core at a lower
//! scheduling priority than the writer, and the read-ahead that asks the disk for the files
//! a few jobs ahead.

use crate::discover::Job;

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
pub(crate) fn workers() -> Option<rayon::ThreadPool> {
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

/// How many jobs ahead of the one a worker starts its file is asked of the disk. Reports
/// are small files, each a random read on a cold disk: a worker that waited on its file left
/// its core idle (workers were seen in disk waits ~15% of the time).
pub(crate) const READ_AHEAD: usize = 32;

/// Asks the kernel to start reading a job's file into the page cache, without waiting for
/// it (`posix_fadvise(WILLNEED)`), up to the size limit: no more than the reader will read
/// (a file over the limit is refused after `max + 1` bytes). Best effort: errors are left
/// to the real read.
pub(crate) fn read_ahead(job: &Job, max: u64) {
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
