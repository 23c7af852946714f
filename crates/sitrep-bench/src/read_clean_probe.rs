//! `read-clean-probe FILE...`: times sitrep's reader and cleaner (HTML to clean text,
//! the job trafilatura's `extract` does) in-process, single-threaded, over the given
//! files; prints one JSON line: docs, bytes, seconds, docs_per_s, mb_per_s.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use sitrep_core::read::{read_bytes, ReadOptions};

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut inputs = Vec::new();
    for f in &files {
        match std::fs::read(f) {
            Ok(b) => inputs.push((f.clone(), b)),
            Err(e) => {
                eprintln!("{f}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let opts = ReadOptions::default();
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let t = Instant::now();
    let mut out_chars = 0usize;
    for (name, b) in &inputs {
        let ext = name.rsplit('.').next().unwrap_or("");
        if let Ok(raws) = read_bytes(name, b, ext, &opts) {
            for r in raws {
                let c = sitrep_core::clean::clean_raw(&r);
                out_chars += c.text.len();
                black_box(c);
            }
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{{\"docs\":{},\"bytes\":{bytes},\"out_bytes\":{out_chars},\"seconds\":{s:.4},\"docs_per_s\":{:.1},\"mb_per_s\":{:.3}}}",
        inputs.len(),
        inputs.len() as f64 / s,
        bytes as f64 / 1e6 / s
    );
    ExitCode::SUCCESS
}
