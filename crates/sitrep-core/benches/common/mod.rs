//! Shared helpers of the sitrep-core benches: the generated corpus and process memory.

#![allow(dead_code)]

use sitrep_bench::{generate, CorpusOptions, GenDoc};

/// The standard bench corpus: `n` generated reports (300–1,500 words, ~30% French,
/// ~20% HTML, ~5% near-duplicates), always the same for the same `n`.
pub fn corpus(n: usize) -> Vec<GenDoc> {
    generate(&CorpusOptions {
        n,
        seed: 42,
        ..CorpusOptions::default()
    })
}

/// Lighter reports (60–160 words, plain text) for corpus-scale benches.
pub fn light_corpus(n: usize) -> Vec<GenDoc> {
    generate(&CorpusOptions {
        n,
        seed: 4242,
        min_words: 60,
        max_words: 160,
        html_share: 0.0,
        ..CorpusOptions::default()
    })
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM), when readable.
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Megabytes from kB.
pub fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}
