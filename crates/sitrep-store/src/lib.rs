//! sitrep-store: where collected documents are kept.
//!
//! A [`Store`] is a data folder holding `sitrep.db` (SQLite: documents, their sources,
//! entities, dates, events, original bytes and the ingest status of every source) and
//! `index/` (a tantivy full-text index). Documents are written one source per SQLite
//! transaction; the index is committed in batches and, when the store is opened, every
//! document the index does not yet hold is indexed again, so a crash at any point leaves a
//! store that a re-run of the same ingest completes.
//!
//! Storage sits behind the [`DocumentStore`] trait and search behind the [`SearchEngine`]
//! trait; [`SqliteStore`] and the tantivy [`SearchIndex`] are the default implementations,
//! and with the `postgres` feature (on by default) [`pg`] implements both on one PostgreSQL
//! database, with a job queue for any number of workers. [`Location`] says which: a data
//! folder, or a `postgres://` URL.
#![deny(missing_docs)]

pub mod db;
pub mod dedup;
pub mod index;
pub mod location;
#[cfg(feature = "postgres")]
pub mod pg;
pub mod search;
pub mod tracking;
pub mod watchlists;

use std::path::{Path, PathBuf};

pub use db::{
    DocOutcome, DocumentStore, EntityInfo, IngestState, IngestStatus, PreparedDoc, SourceWrite,
    SqliteStore, StoredDocument, StoredTranslation,
};
pub use index::{Facets, Hit, SearchFilters, SearchIndex};
pub use location::{Location, DATABASE_URL_ENV};
pub use search::SearchEngine;
pub use tracking::{Validators, WebhookDelivery};
pub use watchlists::{Watchlist, WatchlistSpec};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The full-text index failed.
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index folder could not be opened.
    #[error("index folder: {0}")]
    IndexDir(#[from] tantivy::directory::error::OpenDirectoryError),
    /// A file or folder could not be created or read.
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    /// A stored document could not be (de)serialised.
    #[error("document JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was written by a newer sitrep.
    #[error("the database has schema version {found}, newer than this sitrep knows ({known}); upgrade sitrep")]
    SchemaTooNew {
        /// Version found.
        found: i64,
        /// Latest version known.
        known: i64,
    },
    /// Another process holds the index writer (an ingest is running).
    #[error("the store is locked by another sitrep process (an ingest running?)")]
    Locked,
    /// An invalid argument.
    #[error("{0}")]
    Invalid(String),
    /// The data folder holds no store.
    #[error(
        "no store in {0} (no sitrep.db there): check --data, or create one with `sitrep ingest`"
    )]
    NoStore(PathBuf),
    /// PostgreSQL failed.
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    /// A PostgreSQL URL was given to a sitrep built without the `postgres` feature.
    #[error("this sitrep was built without PostgreSQL support (cargo feature `postgres`); use a data folder")]
    NoPostgres,
    /// A write failed because the disk (or the database's size cap) is full. The failed
    /// write left nothing behind: SQLite rolled its transaction back.
    #[error("{what}: not written, the disk or the store is full ({cause}); free some space and run the same command again (what is stored is kept, unchanged sources are skipped)")]
    Full {
        /// What was being written (a source, the index).
        what: String,
        /// The underlying error.
        cause: String,
    },
}

impl Error {
    /// True when the error says that the disk or the database is full.
    pub fn is_full(&self) -> bool {
        let io_full = |e: &std::io::Error| {
            e.kind() == std::io::ErrorKind::StorageFull
                || e.kind() == std::io::ErrorKind::QuotaExceeded
        };
        match self {
            Error::Full { .. } => true,
            Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                f.code == rusqlite::ErrorCode::DiskFull
            }
            Error::Io(_, e) => io_full(e),
            Error::Index(tantivy::TantivyError::IoError(e)) => io_full(e),
            Error::Index(e) => {
                // tantivy wraps the I/O error of a failed file write in other variants
                // (OpenWriteError, DataCorruption...): look down the chain of causes.
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
                while let Some(c) = cause {
                    if c.downcast_ref::<std::io::Error>().is_some_and(io_full) {
                        return true;
                    }
                    cause = c.source();
                }
                e.to_string().contains("No space left on device")
            }
            #[cfg(feature = "postgres")]
            Error::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::DISK_FULL)
                    || e.code() == Some(&postgres::error::SqlState::OUT_OF_MEMORY)
            }
            _ => false,
        }
    }

    /// This error, as [`Error::Full`] naming `what` when it says the disk is full.
    pub fn when_writing(self, what: &str) -> Error {
        if !self.is_full() || matches!(self, Error::Full { .. }) {
            return self;
        }
        Error::Full {
            what: what.to_string(),
            cause: self.to_string(),
        }
    }
}

/// Longest failure reason recorded for a source; longer ones are cut (a reason may quote
/// the input, which is hostile).
pub const MAX_REASON_BYTES: usize = 4096;

/// Result with the store's error.
pub type Result<T> = std::result::Result<T, Error>;

/// Default data folder.
pub const DEFAULT_DATA_DIR: &str = "sitrep-data";

/// How many written documents wait before the index is committed.
pub const INDEX_BATCH: usize = 4000;

/// A store: documents in a [`DocumentStore`] and a [`SearchIndex`] kept consistent with it.
pub struct Store {
    db: Box<dyn DocumentStore>,
    index: Box<dyn SearchEngine>,
    pending: usize,
    /// Documents added to the index by [`Store::write_many`], not yet committed there.
    direct: Vec<i64>,
    dir: Option<PathBuf>,
}

impl Store {
    /// Opens (creating when needed) the store in `dir` for writing: takes the index writer
    /// ([`Error::Locked`] when another process holds it) and indexes every document the
    /// index does not hold yet (after a crash).
    ///
    /// `dir` may also name a PostgreSQL database ([`Location::resolve`]): a `postgres://`
    /// URL, or the default folder name when `SITREP_DATABASE_URL` is set.
    pub fn open(dir: &Path) -> Result<Self> {
        let mut s = Self::open_reader(dir)?;
        if !s.index.try_writer() {
            return Err(Error::Locked);
        }
        s.recover()?;
        Ok(s)
    }

    /// Opens (creating when needed) the store in `dir` for reading (search, status): the
    /// index writer is not taken, so this works while an ingest runs.
    /// `dir` may name a PostgreSQL database, as for [`Store::open`].
    pub fn open_reader(dir: &Path) -> Result<Self> {
        match Location::resolve(dir) {
            Location::Dir(d) => Self::open_dir_reader(&d),
            Location::Postgres(url) => Self::open_postgres(&url),
        }
    }

    /// Opens the store in a PostgreSQL database (migrating it when needed): documents and
    /// search in the database, no data folder. Any number of processes may open it for
    /// writing at once.
    pub fn open_postgres(url: &str) -> Result<Self> {
        #[cfg(feature = "postgres")]
        {
            let db = pg::PgStore::connect(url)?;
            let index = pg::PgSearch::connect(url)?;
            Ok(Store::with_engine(Box::new(db), Box::new(index)))
        }
        #[cfg(not(feature = "postgres"))]
        {
            let _ = url;
            Err(Error::NoPostgres)
        }
    }

    fn open_dir_reader(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
        let db = SqliteStore::open(&dir.join("sitrep.db"))?;
        let index = SearchIndex::open(&dir.join("index"))?;
        let rebuilt = index.was_rebuilt();
        let mut s = Store::with_parts(Box::new(db), index);
        s.dir = Some(dir.to_path_buf());
        if rebuilt {
            // an index of an older layout was replaced by an empty one: index every
            // document again now when this process can write, else at the next open that can
            s.db.mark_all_unindexed()?;
            if s.index.try_writer() {
                s.sync_index()?;
                s.index.release_writer();
            }
        }
        Ok(s)
    }

    /// Opens an existing store for reading, creating nothing: a data folder without
    /// `sitrep.db` is an error that names it (a mistyped `--data` must not leave an empty
    /// store behind).
    pub fn open_existing(dir: &Path) -> Result<Self> {
        if matches!(Location::resolve(dir), Location::Dir(_)) && !dir.join("sitrep.db").is_file() {
            return Err(Error::NoStore(dir.to_path_buf()));
        }
        Self::open_reader(dir)
    }

    /// A store in memory, for tests.
    pub fn in_memory() -> Result<Self> {
        Ok(Store::with_parts(
            Box::new(SqliteStore::open_in_memory()?),
            SearchIndex::in_memory()?,
        ))
    }

    /// A store from any [`DocumentStore`] and an index.
    pub fn with_parts(db: Box<dyn DocumentStore>, index: SearchIndex) -> Self {
        Store::with_engine(db, Box::new(index))
    }

    /// A store from any [`DocumentStore`] and any [`SearchEngine`].
    pub fn with_engine(db: Box<dyn DocumentStore>, index: Box<dyn SearchEngine>) -> Self {
        Store {
            db,
            index,
            pending: 0,
            direct: Vec::new(),
            dir: None,
        }
    }

    /// The data folder, when on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The document store.
    pub fn db(&self) -> &dyn DocumentStore {
        self.db.as_ref()
    }

    /// The document store, mutably.
    pub fn db_mut(&mut self) -> &mut dyn DocumentStore {
        self.db.as_mut()
    }

    /// The search engine.
    pub fn index(&self) -> &dyn SearchEngine {
        self.index.as_ref()
    }

    /// Indexes every document the index does not hold yet (after a crash), when this
    /// process can take the index writer. Returns how many were indexed.
    pub fn recover(&mut self) -> Result<usize> {
        if self.db.unindexed(1)?.is_empty() || !self.index.try_writer() {
            return Ok(0);
        }
        self.sync_index()
    }

    /// Writes one source's documents (one transaction), and commits the index when a batch
    /// is full.
    pub fn write(&mut self, w: &SourceWrite) -> Result<Vec<DocOutcome>> {
        Ok(self.write_many(&[w])?.pop().unwrap_or_default())
    }

    /// Writes several sources in one database transaction (all or none) and adds the new
    /// documents to the index straight away, without reading them back; they are marked
    /// indexed at the next index commit ([`Store::sync_index`]). A reprint instead flags
    /// its original for re-indexing with every source.
    pub fn write_many(&mut self, ws: &[&SourceWrite]) -> Result<Vec<Vec<DocOutcome>>> {
        let out = self.db.write_sources(ws)?;
        if self.index.written_with_documents() {
            return Ok(out);
        }
        for (w, outcomes) in ws.iter().zip(&out) {
            for (o, p) in outcomes.iter().zip(&w.docs) {
                match o {
                    DocOutcome::Stored(id) => {
                        self.index
                            .put_with_translations(*id, &p.doc, &[], &[])
                            .map_err(|e| {
                                // The writer is gone with what it held: nothing added since
                                // the last commit is in the index (all stay unindexed).
                                self.direct.clear();
                                e.when_writing(&format!("the search index, adding {}", w.source))
                            })?;
                        self.direct.push(*id);
                    }
                    DocOutcome::Duplicate { of, .. } => self.direct.retain(|d| d != of),
                }
            }
            self.pending += outcomes.len();
        }
        if self.pending >= INDEX_BATCH {
            let last = ws.last().map_or("", |w| w.source.as_str());
            self.sync_index_as(&format!("the search index, committing up to {last}"))?;
        }
        Ok(out)
    }

    /// Stores a document's machine translation and indexes its English text with the
    /// document (at the next index commit).
    pub fn add_translation(
        &mut self,
        id: i64,
        t: &sitrep_core::translate::Translation,
    ) -> Result<()> {
        self.db.put_translation(id, t)?;
        self.pending += 1;
        if self.pending >= INDEX_BATCH {
            self.sync_index()?;
        }
        Ok(())
    }

    /// Records a failed source. Reasons longer than [`MAX_REASON_BYTES`] are cut.
    pub fn fail(&mut self, source: &str, content_hash: Option<&str>, reason: &str) -> Result<()> {
        let mut cut = reason.len().min(MAX_REASON_BYTES);
        while !reason.is_char_boundary(cut) {
            cut -= 1;
        }
        let reason = if cut < reason.len() {
            format!("{}… (cut)", &reason[..cut])
        } else {
            reason.to_string()
        };
        self.db
            .mark_failed(source, content_hash, &reason)
            .map_err(|e| e.when_writing(source))
    }

    /// Indexes every document flagged as not indexed, commits the index, then clears the
    /// flags. Returns how many documents were indexed.
    pub fn sync_index(&mut self) -> Result<usize> {
        self.sync_index_as("the search index")
    }

    /// [`Store::sync_index`], naming `what` when the disk is full.
    fn sync_index_as(&mut self, what: &str) -> Result<usize> {
        self.sync_index_inner().map_err(|e| e.when_writing(what))
    }

    fn sync_index_inner(&mut self) -> Result<usize> {
        self.pending = 0;
        let mut total = 0;
        if !self.direct.is_empty() {
            if let Err(e) = self.index.commit() {
                // Uncommitted: they stay flagged unindexed, for the next sync or open.
                self.direct.clear();
                return Err(e);
            }
            self.db.mark_indexed(&self.direct)?;
            total += self.direct.len();
            self.direct.clear();
        }
        loop {
            let ids = self.db.unindexed(500)?;
            if ids.is_empty() {
                break;
            }
            for &id in &ids {
                if let Some(d) = self.db.get(id)? {
                    let sources = self.db.sources_of(id)?;
                    let english: Vec<String> = self
                        .db
                        .translations(id)?
                        .into_iter()
                        .map(|t| t.text)
                        .collect();
                    self.index
                        .put_with_translations(id, &d.document, &sources, &english)?;
                }
            }
            self.index.commit()?;
            self.db.mark_indexed(&ids)?;
            total += ids.len();
        }
        Ok(total)
    }

    /// Drops and rebuilds the whole index from the documents.
    pub fn reindex_all(&mut self) -> Result<usize> {
        self.index.clear()?;
        self.index.commit()?;
        self.db.mark_all_unindexed()?;
        self.sync_index()
    }

    /// Ranked full-text search over title, body and entity names and aliases.
    pub fn search(&self, query: &str, filters: &SearchFilters, limit: usize) -> Result<Vec<Hit>> {
        self.index
            .search(query, filters, limit, &|id| self.db.text(id).ok().flatten())
    }

    /// One page of results (`limit` hits after `offset`); see [`SearchIndex::search_page`].
    pub fn search_page(
        &self,
        query: &str,
        filters: &SearchFilters,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        self.index
            .search_page(query, filters, offset, limit, &|id| {
                self.db.text(id).ok().flatten()
            })
    }

    /// The number of documents matching a query and filters, and facet counts over all of
    /// them.
    pub fn facets(&self, query: &str, filters: &SearchFilters) -> Result<(usize, Facets)> {
        self.index.facets(query, filters)
    }

    /// Number of documents stored after document `after` that match a query and filters.
    pub fn count_after(&self, query: &str, filters: &SearchFilters, after: i64) -> Result<usize> {
        self.index.count_after(query, filters, after)
    }

    /// Number of documents matching a query and filters.
    pub fn count(&self, query: &str, filters: &SearchFilters) -> Result<usize> {
        self.index.count(query, filters)
    }

    /// Which of the documents `ids` match a query and filters (a watchlist run over the
    /// documents an ingest just stored). Reads the committed index: call
    /// [`Store::sync_index`] first.
    pub fn matching(&self, query: &str, filters: &SearchFilters, ids: &[i64]) -> Result<Vec<i64>> {
        self.index.reload()?;
        self.index.matching_ids(query, filters, ids)
    }

    /// Moves the legacy `watchlists.json` of the data folder into the store, once (see
    /// [`watchlists`]). Every watchlist method calls it first, so that no watchlist is
    /// created, listed or deleted before the old ones are in; a file that does not parse is
    /// an error, never an empty list.
    fn legacy_watchlists(&mut self) -> Result<()> {
        if let Some(d) = self.dir.clone() {
            self.db.import_watchlists_json(&d)?;
        }
        Ok(())
    }

    /// Every watchlist.
    pub fn watchlists(&mut self) -> Result<Vec<Watchlist>> {
        self.legacy_watchlists()?;
        self.db.watchlists()
    }

    /// One watchlist.
    pub fn watchlist(&mut self, id: u64) -> Result<Option<Watchlist>> {
        self.legacy_watchlists()?;
        self.db.watchlist(id)
    }

    /// Saves a new watchlist under a fresh id.
    pub fn add_watchlist(&mut self, s: &WatchlistSpec) -> Result<Watchlist> {
        self.legacy_watchlists()?;
        self.db.add_watchlist(s)
    }

    /// Replaces what a watchlist searches for (`None`: no such watchlist).
    pub fn update_watchlist(&mut self, id: u64, s: &WatchlistSpec) -> Result<Option<Watchlist>> {
        self.legacy_watchlists()?;
        self.db.update_watchlist(id, s)
    }

    /// Sets or removes a watchlist's webhook (`None`: no such watchlist).
    pub fn set_watchlist_webhook(
        &mut self,
        id: u64,
        webhook: Option<&str>,
    ) -> Result<Option<Watchlist>> {
        self.legacy_watchlists()?;
        self.db.set_watchlist_webhook(id, webhook)
    }

    /// Records a visit to a watchlist's results (false: no such watchlist).
    pub fn visit_watchlist(&mut self, id: u64) -> Result<bool> {
        self.legacy_watchlists()?;
        self.db.visit_watchlist(id)
    }

    /// Deletes a watchlist and its delivery record (false: there was none).
    pub fn remove_watchlist(&mut self, id: u64) -> Result<bool> {
        self.legacy_watchlists()?;
        self.db.remove_watchlist(id)
    }

    /// Number of stored documents.
    pub fn document_count(&self) -> Result<u64> {
        self.db.document_count()
    }

    /// Number of documents in the committed index.
    pub fn indexed_count(&self) -> u64 {
        self.index.num_docs()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Best effort: what is not committed is re-indexed on the next open.
        if self.pending > 0 {
            let _ = self.sync_index();
        }
    }
}

#[cfg(test)]
mod full_disk_tests;
#[cfg(test)]
mod tests;
