//! `sitrep watch`: poll feeds (or any inputs `sitrep ingest` takes) every interval and ingest
//! what is new. Each round is one ingest batch: items already seen are skipped, unchanged
//! feeds cost a `304 Not Modified` when the server keeps validators, and watchlist webhooks
//! are called for the documents the round stored. The store is opened for each round and
//! closed between rounds, so other commands can use it meanwhile. Ctrl-C stops between
//! rounds (a second Ctrl-C stops at once; the store is safe either way).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use sitrep_store::Store;

use crate::ingest::{self, Batch, CollectOptions};

/// Arguments of `sitrep watch`.
#[derive(Args)]
pub struct WatchArgs {
    /// Feed or page URLs (files and folders work too) to poll.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Time between the starts of two polls: `30s`, `10m`, `1h`, `1h30m`, `1d`.
    #[arg(long, default_value = "10m", value_parser = parse_interval)]
    every: Duration,
    /// Stop after this many polls (for tests and scripts).
    #[arg(long, hide = true)]
    rounds: Option<u64>,
    #[command(flatten)]
    opts: CollectOptions,
}

/// Parses an interval: one or more `<number><unit>` with units `s`, `m`, `h`, `d`
/// (`90s`, `10m`, `1h30m`).
pub fn parse_interval(s: &str) -> Result<Duration> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        bail!("empty interval: give one like 30s, 10m or 1h");
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
            _ => bail!("`{s}` is not an interval: use a number and a unit (s, m, h, d), as in 30s, 10m or 1h"),
        };
        let n: u64 = num
            .parse()
            .with_context(|| format!("`{s}` is not an interval: a unit without a number"))?;
        total = total.saturating_add(n.saturating_mul(unit));
        num.clear();
    }
    if !num.is_empty() {
        bail!("`{s}` has no unit: write {num}s, {num}m or {num}h");
    }
    if total == 0 {
        bail!("the interval must be at least 1s");
    }
    Ok(Duration::from_secs(total))
}

/// Sets a flag on the first Ctrl-C; exits on the second.
fn stop_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            f.store(true, Ordering::SeqCst);
            eprintln!("watch: stopping after this round (Ctrl-C again to stop now)");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
    });
    flag
}

fn round(args: &WatchArgs, pipeline: &sitrep_core::Pipeline, translate: bool) -> Result<Batch> {
    let opts = &args.opts;
    let mut store = Store::open(&opts.data)
        .with_context(|| format!("opening the store in {}", opts.data.display()))?;
    let b = ingest::run_batch(&mut store, pipeline, &args.inputs, opts, false, false)?;
    if translate && !b.to_translate.is_empty() {
        let translator = opts.translate.build().context("setting up --translate")?;
        ingest::translate_stored(&mut store, translator.as_ref(), &b.to_translate)?;
    }
    crate::webhook::notify(
        &mut store,
        &b.stored_ids,
        &crate::webhook::Settings::from(opts),
    );
    Ok(b)
}

/// Runs `sitrep watch`.
pub fn run(args: WatchArgs) -> Result<ExitCode> {
    let pipeline = args.opts.pipeline()?;
    // Said at once rather than after the first round.
    args.opts
        .translate
        .build()
        .context("setting up --translate")?;
    let translate = !args.opts.translate.is_none();
    let stop = stop_flag();
    let terminal = std::io::stderr().is_terminal();
    if terminal {
        eprintln!(
            "watching {} input(s) every {}; Ctrl-C stops",
            args.inputs.len(),
            humanize(args.every)
        );
    }
    let mut n = 0u64;
    let mut failed_rounds = 0u64;
    loop {
        n += 1;
        let started = Instant::now();
        let clock = chrono::Local::now().format("%H:%M:%S");
        match round(&args, &pipeline, translate) {
            Ok(b) => {
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
                eprintln!("{line} ({:.1} s)", started.elapsed().as_secs_f64());
            }
            Err(e) => {
                failed_rounds += 1;
                eprintln!("sitrep: round {n} at {clock} failed: {e:#}; trying again next round");
            }
        }
        if args.rounds.is_some_and(|r| n >= r) || stop.load(Ordering::SeqCst) {
            break;
        }
        let next = started + args.every;
        while Instant::now() < next && !stop.load(Ordering::SeqCst) {
            let left = next.saturating_duration_since(Instant::now());
            std::thread::sleep(left.min(Duration::from_millis(100)));
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    eprintln!("watch: stopped after {n} round(s)");
    Ok(if failed_rounds == n {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn humanize(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
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
    }
}
