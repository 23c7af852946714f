//! `sitrep timeline`: events merged across documents, with sources, corroboration,
//! disputes and credibility.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use sitrep_core::timeline::{self, Timeline, TimelineOptions};
use sitrep_core::{Document, Pipeline, PipelineOptions};

/// Arguments of `sitrep timeline`.
#[derive(Args)]
pub struct TimelineArgs {
    /// Print JSON: `{"entities": [...], "events": [...]}`.
    #[arg(long)]
    json: bool,
    /// Source reliability, repeatable: `--reliability reuters=A` (A–F, matched against the source path).
    #[arg(long, value_parser = parse_rel)]
    reliability: Vec<(String, char)>,
    /// Files to read.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_rel(s: &str) -> std::result::Result<(String, char), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or("expected SOURCE=GRADE, e.g. reuters=A")?;
    let g = v
        .trim()
        .chars()
        .next()
        .filter(|c| ('A'..='F').contains(c))
        .ok_or("grade must be A to F")?;
    Ok((k.to_string(), g))
}

/// Runs `sitrep timeline` over files.
pub fn run(args: TimelineArgs) -> Result<ExitCode> {
    // a glob over a corpus folder also names its README, LICENSE...: not reports
    let (skipped, files): (Vec<PathBuf>, Vec<PathBuf>) = args
        .files
        .into_iter()
        .partition(|p| crate::files::is_folder_file(p));
    for p in &skipped {
        eprintln!(
            "sitrep: {}: skipped, a README/LICENSE-like file describes a folder and is no report",
            p.display()
        );
    }
    if files.is_empty() {
        anyhow::bail!("no report among the files given (only README/LICENSE-like files)");
    }
    let pipeline = Pipeline::new(PipelineOptions::default()).context("building the pipeline")?;
    let results: Vec<(PathBuf, sitrep_core::Result<Vec<Document>>)> = files
        .par_iter()
        .map(|p| (p.clone(), pipeline.process_path(p)))
        .collect();
    let mut docs: Vec<Document> = Vec::new();
    let mut failed = 0;
    for (_, r) in results {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => {
                failed += 1;
                eprintln!("sitrep: {e}");
            }
        }
    }
    // each document keeps the dates it gives itself: none is re-dated by another
    let t = timeline::build(
        &docs,
        &TimelineOptions {
            reliability: args.reliability,
        },
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &t)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &t)?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes a readable timeline.
pub fn print_text(out: &mut impl Write, t: &Timeline) -> Result<()> {
    for e in &t.events {
        writeln!(
            out,
            "{:<10}  {:<26} {} -> {}  [{} source(s), {} independent; credibility {} {}]",
            e.date.as_deref().unwrap_or("?"),
            e.kind.as_str(),
            if e.actors.is_empty() {
                "-".to_string()
            } else {
                e.actors.join(", ")
            },
            if e.targets.is_empty() {
                "-".to_string()
            } else {
                e.targets.join(", ")
            },
            e.sources.len(),
            e.corroboration,
            e.credibility.grade,
            e.credibility.label
        )?;
        writeln!(out, "            {}", e.summary)?;
        for d in &e.disputes {
            let claims: Vec<String> = d
                .claims
                .iter()
                .map(|c| format!("{} ({})", c.value, c.sources.join(", ")))
                .collect();
            writeln!(
                out,
                "            DISPUTED {}: {}",
                d.field,
                claims.join(" vs ")
            )?;
        }
    }
    Ok(())
}
