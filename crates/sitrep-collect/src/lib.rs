//! `sitrep-collect`: the collection engine of sitrep, used by the command-line interface
//! (`sitrep ingest`, `watch`, `enqueue`, `worker`), the server's ingest endpoint and the
//! queue workers.
//!
//! Inputs (files, folders, archives, WARC files, pages and feeds) are expanded into jobs
//! ([`discover`]), processed in parallel and written by one thread ([`batch::run_batch`]);
//! URLs go through the polite fetcher ([`fetch`]), feeds are read item by item ([`feed`]).
//! After a batch, the translation pass ([`translate::translate_stored`]) and the watchlist
//! webhooks ([`webhook::notify`]) run. [`watch`] repeats batches every interval and
//! [`queue`] runs them on jobs claimed from a PostgreSQL queue.
//!
//! The engine prints nothing: it reports progress and problems to an [`Observer`]; the
//! command-line progress bar is one, [`NoObserver`] ignores everything.

pub mod address;
pub mod archive;
pub mod batch;
pub mod discover;
pub mod error;
pub mod feed;
pub mod fetch;
mod journal;
pub mod observer;
pub mod options;
pub mod process;
pub mod queue;
pub mod report;
pub mod single;
pub mod translate;
pub mod watch;
pub mod webhook;
mod workers;

pub use batch::{run_batch, Batch};
pub use error::{Error, Result};
pub use observer::{Level, NoObserver, Observer, Progress};
pub use options::CollectOptions;
pub use translate::{TranslateConfig, TranslateError};

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The engine reports through its observer only: no file of the crate writes to the
    /// terminal itself.
    #[test]
    fn the_engine_prints_nothing() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let banned: Vec<String> = ["print", "eprint", "dbg"]
            .iter()
            .map(|m| format!("{m}!("))
            .chain(["stdout", "stderr"].map(|s| format!("std::io::{s}")))
            .collect();
        let mut files = 0;
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for b in &banned {
                    assert!(!text.contains(b.as_str()), "{} uses {b}", path.display());
                }
            }
        }
        assert!(files > 10, "{files} files read");
    }
}
