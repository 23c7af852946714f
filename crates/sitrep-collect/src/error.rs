//! The engine's errors. A bad source is never one of them: it is recorded as failed and
//! reported to the observer, and the batch goes on. These are what stop a batch (the store
//! cannot be written) or keep it from starting (a bad configuration).

use std::path::PathBuf;

use crate::translate::TranslateError;

/// What stopped the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed (a full disk, a broken database): fix it and run again.
    #[error(transparent)]
    Store(#[from] sitrep_store::Error),
    /// The pipeline could not be built from the options.
    #[error("building the pipeline")]
    Pipeline(#[source] sitrep_core::Error),
    /// The store could not be opened.
    #[error("opening the store in {}", path.display())]
    Open {
        /// The data folder or URL given.
        path: PathBuf,
        /// Why.
        #[source]
        source: sitrep_store::Error,
    },
    /// The PostgreSQL store of a queue worker could not be opened.
    #[error("opening the PostgreSQL store")]
    OpenPostgres(#[source] sitrep_store::Error),
    /// The job queue could not be reached.
    #[error("connecting to the job queue")]
    Queue(#[source] sitrep_store::Error),
    /// The translation backend cannot run.
    #[error("setting up --translate")]
    Translate(#[source] TranslateError),
    /// The queue needs a PostgreSQL store and was given something else.
    #[error(
        "the job queue lives in a PostgreSQL store: give --data postgres://USER@HOST/DATABASE \
         or set {env} (got the folder {}; `sitrep ingest` ingests into a folder directly)",
        folder.display()
    )]
    NotPostgres {
        /// The environment variable that names a PostgreSQL store.
        env: &'static str,
        /// The folder given instead.
        folder: PathBuf,
    },
}

/// The engine's results.
pub type Result<T> = std::result::Result<T, Error>;
