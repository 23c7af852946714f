//! `sitrep search`: ranked full-text search over the store, with filters.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use sitrep_store::{SearchFilters, Store};

/// Arguments of `sitrep search`.
#[derive(Args)]
pub struct SearchArgs {
    /// Query (words, "phrases", AND/OR/NOT, field:term); may be empty when filters are given.
    #[arg(default_value = "")]
    query: String,
    /// Only documents that mention this entity (KB id, name or alias).
    #[arg(long)]
    entity: Option<String>,
    /// Only documents with an event of this type (coup, deployment, combat...).
    #[arg(long = "type")]
    event_type: Option<String>,
    /// Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// Only documents in this language (ISO 639-1).
    #[arg(long)]
    lang: Option<String>,
    /// Only documents from this source (path, URL, host name or outlet).
    #[arg(long)]
    source: Option<String>,
    /// Most results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print JSON (one array of hits).
    #[arg(long)]
    json: bool,
    /// Data folder of the store.
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    data: PathBuf,
}

/// HTML snippet to terminal text: `<b>` as ANSI bold (or nothing), entities unescaped.
fn render_snippet(html: &str, bold: bool) -> String {
    let (on, off) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    html.replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `sitrep search`.
pub fn run(args: SearchArgs) -> Result<ExitCode> {
    let in_folder = matches!(
        sitrep_store::Location::resolve(&args.data),
        sitrep_store::Location::Dir(_)
    );
    if in_folder && !args.data.join("sitrep.db").exists() {
        anyhow::bail!(
            "no store in {} (run `sitrep ingest` first, or give --data)",
            args.data.display()
        );
    }
    let store = Store::open_reader(&args.data)
        .with_context(|| format!("opening the store in {}", args.data.display()))?;
    let filters = SearchFilters {
        entity: args.entity,
        event_type: args.event_type,
        from: args.from,
        to: args.to,
        lang: args.lang,
        source: args.source,
    };
    let hits = store.search(&args.query, &filters, args.limit)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &hits)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let bold = stdout.is_terminal();
    if hits.is_empty() {
        writeln!(out, "no results")?;
    }
    for (i, h) in hits.iter().enumerate() {
        writeln!(
            out,
            "{:>2}. {}  [{}]  #{}  score {:.2}\n    {}\n    {}",
            i + 1,
            h.title.as_deref().unwrap_or("(no title)"),
            h.published.as_deref().unwrap_or("undated"),
            h.doc_id,
            h.score,
            h.source,
            render_snippet(&h.snippet_html, bold)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets() {
        assert_eq!(
            render_snippet("a <b>Kidal</b> &amp; b", false),
            "a Kidal & b"
        );
        assert_eq!(render_snippet("<b>x</b>", true), "\x1b[1mx\x1b[0m");
    }
}
