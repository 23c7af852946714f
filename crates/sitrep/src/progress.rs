//! The command line's observer of the collection engine: the ingest progress bar (one line
//! that fits 80 columns, with a rate and an estimate of the time left taken over the whole
//! run so far: a slow first second — the knowledge base loading — must not promise hours for
//! a job of seconds) and the lines on stderr, every name from outside escaped.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use sitrep_collect::{Batch, Level, Observer, Progress};

use crate::safe::shown;

/// The command line's [`Observer`]: a progress bar on a terminal (when asked for), and a
/// line on stderr for every failed source and every message (`sitrep: ` before warnings),
/// printed above the bar while it is shown.
pub struct Reporter {
    bar: bool,
    pb: Mutex<Option<ProgressBar>>,
}

impl Reporter {
    /// A reporter; `bar`: show a progress bar during batches.
    pub fn new(bar: bool) -> Self {
        Reporter {
            bar,
            pb: Mutex::new(None),
        }
    }

    fn say(&self, line: &str) {
        let line = shown(line);
        match self.pb.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            Some(pb) => pb.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn step(&self, p: &Progress) {
        if let Some(pb) = self.pb.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            pb.inc(1);
            pb.set_message(message(p.stored, p.duplicates, p.failed));
        }
    }
}

impl Observer for Reporter {
    fn started(&self, total: u64) {
        if !self.bar {
            return;
        }
        let pb = ProgressBar::new(total);
        if let Some(style) = style() {
            pb.set_style(style);
        }
        if let Ok(mut g) = self.pb.lock() {
            *g = Some(pb);
        }
    }

    fn item_done(&self, _source: &str, progress: &Progress) {
        self.step(progress);
    }

    fn item_failed(&self, source: &str, reason: &str, progress: &Progress) {
        self.say(&format!("sitrep: {source}: {reason}"));
        self.step(progress);
    }

    fn finished(&self, _batch: &Batch) {
        if let Some(pb) = self.pb.lock().ok().and_then(|mut g| g.take()) {
            pb.finish_and_clear();
        }
    }

    fn message(&self, level: Level, text: &str) {
        match level {
            Level::Warning => self.say(&format!("sitrep: {text}")),
            Level::Info => self.say(text),
        }
    }
}

/// A compact duration: `45s`, `3m05s`, `2h10m`.
pub fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

/// The time left, estimated from the average pace since the start; nothing until the run
/// has lasted 2 seconds and done a twentieth of its work (or 50 items), when the pace
/// says too little.
pub fn eta(pos: u64, len: u64, elapsed: Duration) -> Option<String> {
    if pos == 0 || pos >= len || elapsed < Duration::from_secs(2) {
        return None;
    }
    if pos * 20 < len && pos < 50 {
        return None;
    }
    let left = elapsed.as_secs_f64() * (len - pos) as f64 / pos as f64;
    Some(format!(
        "~{} left",
        short_duration(Duration::from_secs_f64(left))
    ))
}

/// Items per second since the start, at most 5 characters and a unit.
pub fn rate(pos: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs < 0.5 || pos == 0 {
        return String::new();
    }
    let r = pos as f64 / secs;
    if r >= 100.0 {
        format!("{r:.0}/s")
    } else {
        format!("{r:.1}/s")
    }
}

/// The style of the ingest bar.
pub fn style() -> Option<ProgressStyle> {
    ProgressStyle::with_template("{bar:12} {pos}/{len} {rate:>8} {left:>12} {wide_msg}")
        .ok()
        .map(|s| {
            s.with_key("rate", |st: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate(st.pos(), st.elapsed()));
            })
            .with_key("left", |st: &ProgressState, w: &mut dyn std::fmt::Write| {
                let len = st.len().unwrap_or(0);
                if let Some(e) = eta(st.pos(), len, st.elapsed()) {
                    let _ = w.write_str(&e);
                }
            })
        })
}

/// The bar's message: what happened so far, short.
pub fn message(stored: usize, duplicates: usize, failed: usize) -> String {
    format!("{stored} new {duplicates} dup {failed} failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The widest the fixed part of the bar may be (bar, counts, rate, estimate); the
    /// message gets what is left of 80 columns.
    const FIXED_WIDTH: usize = 52;

    #[test]
    fn no_absurd_estimate_for_a_short_job() {
        // 18 s job of 200 files whose first second is spent loading: after 1 file and
        // 1.5 s, no estimate; at 40 files after 4 s, about 16 s left
        assert_eq!(eta(1, 200, Duration::from_millis(1500)), None);
        assert_eq!(eta(5, 200, Duration::from_secs(3)), None);
        assert_eq!(
            eta(40, 200, Duration::from_secs(4)).as_deref(),
            Some("~16s left")
        );
        assert_eq!(eta(200, 200, Duration::from_secs(18)), None);
        assert_eq!(short_duration(Duration::from_secs(185)), "3m05s");
        assert_eq!(short_duration(Duration::from_secs(7800)), "2h10m");
    }

    #[test]
    fn fits_80_columns() {
        // the widest fixed part: bar, six-digit counts, a rate and an estimate
        let fixed = format!(
            "{} {}/{} {:>8} {:>12} ",
            "#".repeat(12),
            999_999,
            999_999,
            rate(999_999, Duration::from_secs(1)),
            "~59m59s left"
        );
        assert!(fixed.chars().count() <= FIXED_WIDTH, "{}", fixed.len());
        assert!(FIXED_WIDTH + message(9999, 999, 99).len() <= 80);
    }
}
