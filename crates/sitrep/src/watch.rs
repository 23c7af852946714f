//! `sitrep watch`: the arguments, Ctrl-C, and the round lines; the rounds themselves are
//! `sitrep_collect::watch`. Ctrl-C stops between rounds (a second Ctrl-C stops at once; the
//! store is safe either way).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use sitrep_collect::report;
use sitrep_collect::watch::{humanize, parse_interval, watch, WatchConfig};

use crate::ingest::CollectArgs;
use crate::progress::Reporter;

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
    opts: CollectArgs,
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

/// Runs `sitrep watch`.
pub fn run(args: WatchArgs) -> Result<ExitCode> {
    let opts = args.opts.options();
    let pipeline = opts.pipeline()?;
    // Said at once rather than after the first round.
    opts.translator()?;
    let stop = stop_flag();
    if std::io::stderr().is_terminal() {
        eprintln!(
            "watching {} input(s) every {}; Ctrl-C stops",
            args.inputs.len(),
            humanize(args.every)
        );
    }
    let cfg = WatchConfig {
        inputs: args.inputs,
        every: args.every,
        rounds: args.rounds,
    };
    let reporter = Reporter::new(false);
    let w = watch(&cfg, &opts, &pipeline, &stop, &reporter, |r| {
        let clock = r.started_at.format("%H:%M:%S").to_string();
        match &r.result {
            Ok(b) => eprintln!("{}", report::round_line(r.n, &clock, b, r.elapsed)),
            Err(e) => eprintln!(
                "sitrep: round {} at {clock} failed: {}; trying again next round",
                r.n,
                crate::safe::shown(&sitrep_collect::queue::error_chain(e))
            ),
        }
    });
    eprintln!("watch: stopped after {} round(s)", w.rounds);
    Ok(if w.failed_rounds == w.rounds {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
