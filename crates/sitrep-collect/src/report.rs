//! The one-line summaries of a run, as the command line prints them: an ingest, a watch
//! round, a queue worker.

use std::time::Duration;

use crate::queue::Tally;
use crate::Batch;

fn rate(docs: usize, secs: f64) -> f64 {
    if secs > 0.0 {
        docs as f64 / secs
    } else {
        0.0
    }
}

/// `ingested N, duplicates N, failed N in S s (R docs/s)` and what was skipped.
pub fn ingest_line(b: &Batch, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let stored = b.stored_ids.len();
    let rate = rate(stored + b.duplicates, secs);
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
    format!(
        "ingested {stored}, duplicates {}, failed {} in {secs:.1} s ({rate:.1} docs/s){extra}",
        b.duplicates, b.failed
    )
}

/// `round N at HH:MM:SS: N new, ...` for a watch round that succeeded.
pub fn round_line(n: u64, clock: &str, b: &Batch, elapsed: Duration) -> String {
    let mut line = format!(
        "round {n} at {clock}: {} new, {} duplicates, {} seen before, {} unchanged, {} failed",
        b.stored_ids.len(),
        b.duplicates,
        b.seen_items,
        b.skipped + b.not_modified,
        b.failed
    );
    if b.pages_fetched + b.pages_failed > 0 {
        line.push_str(&format!(
            ", {} linked pages fetched ({} kept as summaries)",
            b.pages_fetched, b.pages_failed
        ));
    }
    format!("{line} ({:.1} s)", elapsed.as_secs_f64())
}

/// The summary of a queue worker's run.
pub fn worker_line(t: &Tally, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = rate(t.stored + t.duplicates, secs);
    format!(
        "ingested {}, duplicates {}, failed {} in {secs:.1} s ({rate:.1} docs/s); {} jobs, {} unchanged sources skipped",
        t.stored, t.duplicates, t.failed, t.jobs, t.skipped
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_only_what_happened() {
        let b = Batch {
            stored_ids: vec![1, 2],
            duplicates: 1,
            failed: 1,
            ..Batch::default()
        };
        assert_eq!(
            ingest_line(&b, Duration::from_secs(2)),
            "ingested 2, duplicates 1, failed 1 in 2.0 s (1.5 docs/s)"
        );
        let b = Batch {
            skipped: 2,
            not_modified: 1,
            seen_items: 4,
            pages_fetched: 2,
            pages_failed: 1,
            ..b
        };
        let line = ingest_line(&b, Duration::from_secs(2));
        assert!(line.contains("(3 unchanged sources skipped), 4 feed items seen before, 2 linked pages fetched for summary-only items (1 kept as summaries)"), "{line}");
        assert_eq!(
            round_line(3, "10:00:00", &b, Duration::from_millis(1500)),
            "round 3 at 10:00:00: 2 new, 1 duplicates, 4 seen before, 3 unchanged, 1 failed, 2 linked pages fetched (1 kept as summaries) (1.5 s)"
        );
    }
}
