//! `sitrep extract`: one JSON object per document, or a readable summary.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use sitrep_core::read::ReadOptions;
use sitrep_core::{output, Document, Pipeline, PipelineOptions};

/// Arguments of `sitrep extract`.
#[derive(Args)]
pub struct ExtractArgs {
    /// Print one JSON object per document (JSON Lines for several).
    #[arg(long)]
    json: bool,
    /// Publication date to anchor relative dates (YYYY-MM-DD); overrides the document's own.
    #[arg(long, value_parser = parse_date)]
    published: Option<chrono::NaiveDate>,
    /// Include the cleaned text in the output.
    #[arg(long)]
    with_text: bool,
    /// An actors file (TOML) to add to the built-in knowledge base.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Largest file accepted, in bytes.
    #[arg(long, default_value_t = 50 * 1024 * 1024)]
    max_bytes: u64,
    /// Deepest element nesting accepted in HTML pages and feeds.
    #[arg(long, default_value_t = sitrep_core::read::DEFAULT_MAX_DEPTH)]
    max_depth: usize,
    /// Largest total the compressed streams of one PDF may expand to, in bytes.
    #[arg(long, default_value_t = sitrep_core::read::DEFAULT_MAX_EXPANDED_BYTES)]
    max_expanded_bytes: u64,
    /// Files to read.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("`{s}` is not a date in YYYY-MM-DD form ({e})"))
}

/// Runs `sitrep extract`.
pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let pipeline = Pipeline::new(PipelineOptions {
        read: ReadOptions {
            max_bytes: args.max_bytes,
            max_depth: args.max_depth,
            max_expanded_bytes: args.max_expanded_bytes,
        },
        published: args.published,
        actors: args.actors.clone(),
    })
    .context("building the pipeline")?;
    let stdout = std::io::stdout();
    // stdout is line-buffered: many small writes per JSON line each scanned for newlines
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = 0usize;
    // Files are processed in parallel (rayon; RAYON_NUM_THREADS=1 for one thread), in
    // chunks so that output keeps the order of the arguments and memory stays bounded.
    for chunk in args.files.chunks(64) {
        // JSON lines are rendered by the workers too
        let results: Vec<_> = chunk
            .par_iter()
            .map(|p| {
                let docs = pipeline.process_path(p)?;
                let lines = if args.json {
                    docs.iter()
                        .map(|d| serde_json::to_vec(&output::extract_json(d, args.with_text)))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| sitrep_core::Error::Invalid(format!("{}: {e}", p.display())))?
                } else {
                    Vec::new()
                };
                Ok::<_, sitrep_core::Error>((docs, lines))
            })
            .collect();
        for result in results {
            match result {
                Ok((docs, lines)) => {
                    if args.json {
                        for line in lines {
                            out.write_all(&line)?;
                            out.write_all(b"\n")?;
                        }
                    } else {
                        for d in docs {
                            summary(&mut out, &d, args.with_text)?;
                        }
                    }
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("sitrep: {}", crate::safe::shown(&e.to_string()));
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summary(out: &mut impl Write, d: &Document, with_text: bool) -> Result<()> {
    writeln!(out, "== {}", d.source)?;
    writeln!(
        out,
        "   title: {}\n   published: {}   language: {}   format: {}",
        d.meta.title.as_deref().unwrap_or("-"),
        d.meta.published.as_deref().unwrap_or("-"),
        d.language,
        d.format.as_str()
    )?;
    if !d.entities.is_empty() {
        writeln!(out, "   entities:")?;
        for e in &d.entities {
            writeln!(
                out,
                "     {:<12} {} [{}]",
                e.kind.as_str(),
                e.name,
                e.aliases.join(" | ")
            )?;
        }
    }
    if !d.dates.is_empty() {
        writeln!(out, "   dates:")?;
        for t in &d.dates {
            writeln!(out, "     {:<12} {}", t.value, t.text)?;
        }
    }
    if !d.events.is_empty() {
        writeln!(out, "   events:")?;
        for e in &d.events {
            writeln!(
                out,
                "     {} {:<12} {} -> {}",
                e.date.as_deref().unwrap_or("????"),
                e.kind.as_str(),
                e.actors.join(", "),
                e.targets.join(", ")
            )?;
        }
    }
    if with_text {
        writeln!(out, "---\n{}\n---", d.text)?;
    }
    Ok(())
}
