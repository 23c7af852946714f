//! Watching: the inputs (feeds, pages, any input a batch takes) ingested again every
//! interval. Each round is one batch: items already seen are skipped, unchanged feeds cost
//! a `304 Not Modified` when the server keeps validators, translation runs on what the round
//! stored, and watchlist webhooks are called for it. The store is opened for each round and
//! closed between rounds, so other commands can use it meanwhile. A stop flag (set by the
//! caller, e.g. on Ctrl-C) is checked between rounds and while waiting.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sitrep_core::Pipeline;
use sitrep_store::Store;

use crate::observer::Observer;
use crate::{run_batch, translate, webhook, Batch, CollectOptions, Error, Result};

/// An interval that does not parse, with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IntervalError(String);

/// Parses an interval: one or more `<number><unit>` with units `s`, `m`, `h`, `d`
/// (`90s`, `10m`, `1h30m`).
pub fn parse_interval(s: &str) -> std::result::Result<Duration, IntervalError> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(IntervalError(
            "empty interval: give one like 30s, 10m or 1h".into(),
        ));
    }
    let mut total = 0u64;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(IntervalError(format!("`{s}` is not an interval: use a number and a unit (s, m, h, d), as in 30s, 10m or 1h"))),
        };
        let n: u64 = num.parse().map_err(|_| {
            IntervalError(format!("`{s}` is not an interval: a unit without a number"))
        })?;
        total = total.saturating_add(n.saturating_mul(unit));
        num.clear();
    }
    if !num.is_empty() {
        return Err(IntervalError(format!(
            "`{s}` has no unit: write {num}s, {num}m or {num}h"
        )));
    }
    if total == 0 {
        return Err(IntervalError("the interval must be at least 1s".into()));
    }
    Ok(Duration::from_secs(total))
}

/// An interval as a short string: `1h`, `10m`, `90s`.
pub fn humanize(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// What to watch and how often.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// The inputs polled each round.
    pub inputs: Vec<String>,
    /// Time between the starts of two rounds.
    pub every: Duration,
    /// Stop after this many rounds (`None`: until stopped).
    pub rounds: Option<u64>,
}

/// One round, as it ended.
#[derive(Debug)]
pub struct Round {
    /// Its number, from 1.
    pub n: u64,
    /// When it started (local time).
    pub started_at: chrono::DateTime<chrono::Local>,
    /// How long it took.
    pub elapsed: Duration,
    /// What its batch did, or why it failed (the next round tries again).
    pub result: Result<Batch>,
}

/// What a watch did in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Watched {
    /// Rounds run.
    pub rounds: u64,
    /// Rounds that failed.
    pub failed_rounds: u64,
}

/// One round: a batch on a freshly opened store, its translation pass and its webhooks.
pub fn round(
    inputs: &[String],
    opts: &CollectOptions,
    pipeline: &Pipeline,
    obs: &dyn Observer,
) -> Result<Batch> {
    let mut store = Store::open(&opts.data).map_err(|source| Error::Open {
        path: opts.data.clone(),
        source,
    })?;
    let b = run_batch(&mut store, pipeline, inputs, opts, false, obs)?;
    if !opts.translate.is_none() && !b.to_translate.is_empty() {
        let translator = opts.translator()?;
        translate::translate_stored(&mut store, translator.as_ref(), &b.to_translate, obs)?;
    }
    webhook::notify(&mut store, &b.stored_ids, &opts.webhook_settings(), obs);
    Ok(b)
}

/// Runs rounds every `cfg.every` until `cfg.rounds` are done or `stop` is set, handing each
/// round to `on_round` as it ends. A failed round does not stop the watch.
pub fn watch(
    cfg: &WatchConfig,
    opts: &CollectOptions,
    pipeline: &Pipeline,
    stop: &AtomicBool,
    obs: &dyn Observer,
    mut on_round: impl FnMut(&Round),
) -> Watched {
    let mut w = Watched::default();
    loop {
        w.rounds += 1;
        let started = Instant::now();
        let started_at = chrono::Local::now();
        let result = round(&cfg.inputs, opts, pipeline, obs);
        w.failed_rounds += u64::from(result.is_err());
        on_round(&Round {
            n: w.rounds,
            started_at,
            elapsed: started.elapsed(),
            result,
        });
        if cfg.rounds.is_some_and(|r| w.rounds >= r) || stop.load(Ordering::SeqCst) {
            break;
        }
        let next = started + cfg.every;
        while Instant::now() < next && !stop.load(Ordering::SeqCst) {
            let left = next.saturating_duration_since(Instant::now());
            std::thread::sleep(left.min(Duration::from_millis(100)));
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_interval("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_interval("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_interval("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(
            parse_interval(" 2D ").unwrap(),
            Duration::from_secs(172_800)
        );
        for bad in ["", "10", "m", "10x", "0s", "-5m"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
        assert!(parse_interval("10")
            .unwrap_err()
            .to_string()
            .contains("10m"));
        assert_eq!(humanize(Duration::from_secs(5400)), "90m");
        assert_eq!(humanize(Duration::from_secs(45)), "45s");
    }

    #[test]
    fn a_watch_stops_after_its_rounds_and_counts_failures() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r.txt");
        std::fs::write(
            &report,
            "Fighters entered Gao on 3 March 2013, residents said.\n",
        )
        .unwrap();
        let opts = CollectOptions {
            data: dir.path().join("data"),
            ..CollectOptions::default()
        };
        let pipeline = opts.pipeline().unwrap();
        let cfg = WatchConfig {
            inputs: vec![report.display().to_string()],
            every: Duration::from_millis(10),
            rounds: Some(2),
        };
        let mut stored = Vec::new();
        let w = watch(
            &cfg,
            &opts,
            &pipeline,
            &AtomicBool::new(false),
            &crate::NoObserver,
            |r| {
                stored.push(r.result.as_ref().map(|b| b.stored_ids.len()).unwrap_or(99));
            },
        );
        assert_eq!(
            w,
            Watched {
                rounds: 2,
                failed_rounds: 0
            }
        );
        // the second round finds the same bytes and skips them
        assert_eq!(stored, vec![1, 0]);
    }
}
