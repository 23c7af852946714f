//! `sitrep`: the command-line interface of the sitrep workbench.

mod extract;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// sitrep — collect, translate, produce and disseminate open-source reports.
#[derive(Parser)]
#[command(name = "sitrep", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities, dates and events from files (text, Markdown, HTML, PDF, RSS/Atom).
    Extract(extract::ExtractArgs),
    /// Run the pipeline over the bundled demo corpus.
    Demo {
        /// Folder of the demo corpus.
        #[arg(long, default_value = "examples/corpus")]
        corpus: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Demo { corpus } => extract::demo(&corpus),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sitrep: {e:#}");
            ExitCode::from(2)
        }
    }
}
