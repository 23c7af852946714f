//! `sitrep-bench gen-corpus --n N --seed S --out DIR [--plain-out DIR] [--min-words W] [--max-words W]`:
//! writes a deterministic synthetic news corpus (see `sitrep_bench::corpus`).

use std::path::PathBuf;
use std::process::ExitCode;

use sitrep_bench::{generate, CorpusOptions};

const USAGE: &str = "usage: sitrep-bench gen-corpus --n N --seed S --out DIR [--plain-out DIR] [--min-words W] [--max-words W]\n\
  --out DIR        one file per report (doc-NNNNN.txt or .html)\n\
  --plain-out DIR  also the plain text of each report (no HTML chrome, no hard wrapping)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("gen-corpus") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut opts = CorpusOptions::default();
    let mut out: Option<PathBuf> = None;
    let mut plain_out: Option<PathBuf> = None;
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        let Some(v) = it.next() else {
            eprintln!("{a}: missing value\n{USAGE}");
            return ExitCode::from(2);
        };
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{a} {v}: {e}"));
        let r: Result<(), String> = match a.as_str() {
            "--n" => num(v).map(|n| opts.n = n as usize),
            "--seed" => num(v).map(|n| opts.seed = n),
            "--min-words" => num(v).map(|n| opts.min_words = n as usize),
            "--max-words" => num(v).map(|n| opts.max_words = n as usize),
            "--out" => {
                out = Some(PathBuf::from(v));
                Ok(())
            }
            "--plain-out" => {
                plain_out = Some(PathBuf::from(v));
                Ok(())
            }
            _ => Err(format!("unknown option {a}")),
        };
        if let Err(e) = r {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("--out is required\n{USAGE}");
        return ExitCode::from(2);
    };
    let docs = generate(&opts);
    let write = |dir: &PathBuf, name: &str, text: &str| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(name), text)
    };
    let mut bytes = 0usize;
    for d in &docs {
        bytes += d.content.len();
        if let Err(e) = write(&out, &d.name, &d.content) {
            eprintln!("{}: {e}", out.join(&d.name).display());
            return ExitCode::FAILURE;
        }
        if let Some(p) = &plain_out {
            let name = d.name.replace(".html", ".txt");
            if let Err(e) = write(p, &name, &d.plain) {
                eprintln!("{}: {e}", p.join(name).display());
                return ExitCode::FAILURE;
            }
        }
    }
    let fr = docs.iter().filter(|d| d.lang == "fr").count();
    let html = docs.iter().filter(|d| d.ext == "html").count();
    let dups = docs.iter().filter(|d| d.dup_of.is_some()).count();
    eprintln!(
        "gen-corpus: {} documents ({fr} French, {html} HTML, {dups} near-duplicates), {:.1} MB in {}",
        docs.len(),
        bytes as f64 / 1e6,
        out.display()
    );
    ExitCode::SUCCESS
}
