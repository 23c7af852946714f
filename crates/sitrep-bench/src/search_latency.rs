//! `search-latency --data DIR [--rounds R]`: opens a sitrep store and times
//! `Store::search` in-process over 20 typical queries; prints p50/p95/mean in ms
//! (and a JSON line with the same figures).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sitrep_store::{SearchFilters, Store};

const QUERIES: &[&str] = &[
    "coup",
    "ceasefire",
    "Security Council resolution",
    "\"humanitarian aid\"",
    "clashes army rebels",
    "protesters arrested",
    "election results",
    "United Nations",
    "air strike",
    "kidnapping aid workers",
    "displaced people",
    "coup d'État",
    "cessez-le-feu",
    "manifestants",
    "Conseil de sécurité",
    "attack AND military",
    "troops deploy",
    "ambassador expelled",
    "defence minister",
    "rainy season food prices",
];

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut data = PathBuf::from("data");
    let mut rounds = 5usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--data", Some(v)) => data = PathBuf::from(v),
            ("--rounds", Some(v)) => rounds = v.parse().unwrap_or(5),
            _ => {
                eprintln!("usage: search-latency --data DIR [--rounds R]");
                return ExitCode::from(2);
            }
        }
    }
    let store = match Store::open_reader(&data) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("opening {}: {e}", data.display());
            return ExitCode::FAILURE;
        }
    };
    let filters = SearchFilters::default();
    let mut times = Vec::new();
    let mut hits_total = 0usize;
    // One warm-up pass (page cache, searcher), then timed rounds.
    for q in QUERIES {
        let _ = store.search(q, &filters, 10);
    }
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            match store.search(q, &filters, 10) {
                Ok(h) => hits_total += h.len(),
                Err(e) => {
                    eprintln!("query {q:?}: {e}");
                    return ExitCode::FAILURE;
                }
            }
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let (p50, p95) = (pct(&times, 0.5), pct(&times, 0.95));
    println!(
        "search-latency: {} queries x {rounds} rounds, p50 {p50:.2} ms, p95 {p95:.2} ms, mean {mean:.2} ms, max {:.2} ms, {hits_total} hits",
        QUERIES.len(),
        times[times.len() - 1]
    );
    println!(
        "{{\"p50_ms\":{p50:.3},\"p95_ms\":{p95:.3},\"mean_ms\":{mean:.3},\"queries\":{}}}",
        times.len()
    );
    ExitCode::SUCCESS
}
