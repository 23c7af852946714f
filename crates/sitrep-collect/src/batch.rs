//! One batch: the inputs expanded into jobs, local jobs processed by the workers, URLs by
//! one fetch thread, and everything written by this thread in transactions of up to
//! [`WRITE_BATCH`] sources; then the index is synced. A source that took an earlier run
//! down is marked failed first (the ingest journal).

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sitrep_core::Pipeline;
use sitrep_store::{DocOutcome, SourceWrite, Store};

use crate::discover::{discover, Job};
use crate::feed::FeedMemory;
use crate::journal::{self, Journal};
use crate::observer::{Level, Observer, Progress};
use crate::process::{fetch_job, run_job, Known, Outcome};
use crate::workers::{read_ahead, workers, READ_AHEAD};
use crate::{fetch, CollectOptions, Result};

/// Most sources written in one database transaction.
pub const WRITE_BATCH: usize = 256;

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

/// One batch: expands the inputs, processes and writes them, and syncs the index. Tells
/// `obs` the start, every source done or failed (with a warning for what a feed left out),
/// and the end. Sources that failed before are processed again only when `retry_failed`.
pub fn run_batch(
    store: &mut Store,
    pipeline: &Pipeline,
    inputs: &[String],
    opts: &CollectOptions,
    retry_failed: bool,
    obs: &dyn Observer,
) -> Result<Batch> {
    let caps = opts.caps();
    let mut jobs = Vec::new();
    discover(inputs, &caps, &mut jobs);
    // A source that took an earlier run down is marked failed before anything is read.
    let (journal, leftover) = match store.dir().map(Journal::open) {
        Some(Ok((j, l))) => (Some(j), l),
        _ => (None, journal::Leftover::default()),
    };
    if let Some((key, hash)) = &leftover.culprit {
        store.fail(key, Some(hash), journal::CRASH_REASON)?;
        obs.message(Level::Warning, &format!("{key}: {}", journal::CRASH_REASON));
    }
    let known: Known = store
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
    obs.started(total);
    let say = |line: String| obs.message(Level::Warning, &line);
    let fetch_opts = opts.fetch_options();
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
                let source = outcome.source().to_string();
                match outcome {
                    Outcome::Skip(_) => b.skipped += 1,
                    Outcome::NotModified(_) => b.not_modified += 1,
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
                            "{}: linked page {link}: {reason}; the item's summary was stored instead",
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
                            say(format!("{}: item {key}: {reason}", fw.feed));
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
                        obs.item_failed(&key, &reason, &progress(&b));
                        continue;
                    }
                }
                obs.item_done(&source, &progress(&b));
            }
        }
        Ok(())
    })?;
    store.sync_index()?;
    if let Some(j) = journal {
        j.close();
    }
    obs.finished(&b);
    Ok(b)
}

/// The running counts of a batch.
fn progress(b: &Batch) -> Progress {
    Progress {
        stored: b.stored_ids.len(),
        duplicates: b.duplicates,
        failed: b.failed,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Mutex;

    use super::*;

    /// Records every call, in order.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Observer for Recorder {
        fn started(&self, total: u64) {
            self.0.lock().unwrap().push(format!("started {total}"));
        }
        fn item_done(&self, _source: &str, p: &Progress) {
            self.0
                .lock()
                .unwrap()
                .push(format!("done {}/{}/{}", p.stored, p.duplicates, p.failed));
        }
        fn item_failed(&self, source: &str, reason: &str, p: &Progress) {
            let name = source.rsplit('/').next().unwrap_or(source);
            self.0
                .lock()
                .unwrap()
                .push(format!("failed {name} ({reason}) {}", p.failed));
        }
        fn finished(&self, b: &Batch) {
            self.0
                .lock()
                .unwrap()
                .push(format!("finished {}", b.stored_ids.len()));
        }
    }

    #[test]
    fn the_observer_sees_every_source_once_and_the_batch_goes_on_past_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = dir.path().join("in");
        std::fs::create_dir(&inputs).unwrap();
        std::fs::write(
            inputs.join("a.txt"),
            "Fighters entered Gao on 3 March 2013, residents said.\n",
        )
        .unwrap();
        std::fs::write(inputs.join("b.txt"), [0u8, 1, 2, 3, 0, 159, 146, 150]).unwrap();
        std::fs::write(
            inputs.join("c.txt"),
            "Fighters entered Gao on 3 March 2013, residents said.\n",
        )
        .unwrap();
        let opts = CollectOptions {
            data: dir.path().join("data"),
            ..CollectOptions::default()
        };
        let mut store = Store::open(&opts.data).unwrap();
        let pipeline = opts.pipeline().unwrap();
        let rec = Recorder::default();
        let b = run_batch(
            &mut store,
            &pipeline,
            &[inputs.display().to_string()],
            &opts,
            false,
            &rec,
        )
        .unwrap();
        assert_eq!((b.stored_ids.len(), b.duplicates, b.failed), (1, 1, 1));
        let calls = rec.0.into_inner().unwrap();
        assert_eq!(calls.first().map(String::as_str), Some("started 3"));
        assert_eq!(calls.last().map(String::as_str), Some("finished 1"));
        assert_eq!(calls.len(), 5, "{calls:?}");
        let failed: Vec<&String> = calls.iter().filter(|c| c.starts_with("failed")).collect();
        assert_eq!(failed.len(), 1, "{calls:?}");
        assert!(failed[0].starts_with("failed b.txt ("), "{calls:?}");
        assert!(calls.contains(&"done 1/1/1".to_string()), "{calls:?}");
    }
}
