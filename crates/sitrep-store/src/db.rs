//! The document store: the [`DocumentStore`] trait and its SQLite implementation.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sitrep_core::translate::Translation;
use sitrep_core::Document;

use crate::dedup::{self, NEAR_DISTANCE};
use crate::tracking::{self, Validators, WebhookDelivery};
use crate::watchlists::{self, Watchlist, WatchlistSpec};
use crate::{Error, Result};

/// State of one ingested source (a file, an archive entry, a URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestState {
    /// Seen, not yet processed.
    Queued,
    /// Processed and stored.
    Done,
    /// Could not be read or processed; `reason` says why.
    Failed,
    /// Every document in it was already stored; `reason` says of which.
    Duplicate,
}

impl IngestState {
    /// Lower-case name, as stored.
    pub fn as_str(&self) -> &'static str {
        match self {
            IngestState::Queued => "queued",
            IngestState::Done => "done",
            IngestState::Failed => "failed",
            IngestState::Duplicate => "duplicate",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<IngestState> {
        Some(match s {
            "queued" => IngestState::Queued,
            "done" => IngestState::Done,
            "failed" => IngestState::Failed,
            "duplicate" => IngestState::Duplicate,
            _ => return None,
        })
    }
}

/// The ingest status of one source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IngestStatus {
    /// Path, archive entry (`archive.zip!/name`) or URL.
    pub source: String,
    /// Where it stands.
    pub state: IngestState,
    /// Why it failed, or of which document it is a duplicate.
    pub reason: Option<String>,
    /// How many times it was processed.
    pub attempts: i64,
    /// SHA-256 of the raw bytes last processed (to skip unchanged sources).
    pub content_hash: Option<String>,
    /// When the status last changed (RFC 3339).
    pub updated_at: String,
}

/// A document ready to be written: the pipeline's output with its fingerprints, computed
/// ahead (in parallel) so that the write itself is short.
#[derive(Debug, Clone)]
pub struct PreparedDoc {
    /// The document.
    pub doc: Document,
    /// Exact-duplicate key ([`dedup::text_hash`]).
    pub text_hash: String,
    /// Near-duplicate key ([`dedup::simhash`]).
    pub simhash: Option<u64>,
    /// The document as JSON, zstd-compressed ([`encode_document`]).
    pub json: Vec<u8>,
}

impl PreparedDoc {
    /// Computes the fingerprints and the JSON of a document.
    pub fn new(mut doc: Document) -> Result<Self> {
        let json = encode_document(&mut doc)?;
        Ok(PreparedDoc {
            text_hash: dedup::text_hash(&doc.text),
            simhash: dedup::simhash(&doc.text),
            json,
            doc,
        })
    }
}

/// The strings the stored JSON leaves out because the `text` column holds them: the
/// document's text, and every mention, date and event sentence that is exactly its byte
/// span of that text (an event's sentence was most of the JSON). In the document's order;
/// an empty string where the JSON keeps the string because it differs from its span.
struct Spans {
    text: String,
    mentions: Vec<String>,
    dates: Vec<String>,
    events: Vec<String>,
}

fn take_if_span(text: &str, start: usize, end: usize, s: &mut String) -> String {
    if text.get(start..end) == Some(s.as_str()) {
        std::mem::take(s)
    } else {
        String::new()
    }
}

fn put_back(s: &mut String, kept: String) {
    if s.is_empty() {
        *s = kept;
    }
}

impl Spans {
    fn take(doc: &mut Document) -> Spans {
        let text = std::mem::take(&mut doc.text);
        let mut mentions = Vec::new();
        for e in &mut doc.entities {
            for m in &mut e.mentions {
                mentions.push(take_if_span(&text, m.start, m.end, &mut m.text));
            }
        }
        let dates = (doc.dates.iter_mut())
            .map(|d| take_if_span(&text, d.start, d.end, &mut d.text))
            .collect();
        let events = (doc.events.iter_mut())
            .map(|e| take_if_span(&text, e.start, e.end, &mut e.text))
            .collect();
        Spans {
            text,
            mentions,
            dates,
            events,
        }
    }

    fn restore(self, doc: &mut Document) {
        doc.text = self.text;
        let mut ms = self.mentions.into_iter();
        for e in &mut doc.entities {
            for m in &mut e.mentions {
                put_back(&mut m.text, ms.next().unwrap_or_default());
            }
        }
        for (d, s) in doc.dates.iter_mut().zip(self.dates) {
            put_back(&mut d.text, s);
        }
        for (e, s) in doc.events.iter_mut().zip(self.events) {
            put_back(&mut e.text, s);
        }
    }
}

/// Fills in what [`encode_document`] left out, from the document's text as stored in its
/// own column. A document stored before spans were left out already has them, and keeps them.
pub fn fill_spans(doc: &mut Document, text: &str) {
    if doc.text.is_empty() {
        doc.text = text.to_string();
    }
    let text = doc.text.as_str();
    let span = |s: &mut String, start: usize, end: usize| {
        if s.is_empty() {
            if let Some(t) = text.get(start..end) {
                *s = t.to_string();
            }
        }
    };
    for e in &mut doc.entities {
        for m in &mut e.mentions {
            span(&mut m.text, m.start, m.end);
        }
    }
    for d in &mut doc.dates {
        span(&mut d.text, d.start, d.end);
    }
    for e in &mut doc.events {
        span(&mut e.text, e.start, e.end);
    }
}

/// The stored form of a document's JSON: zstd at level 1, without the strings that the
/// `text` column already holds (see [`fill_spans`], which puts them back). The document
/// is left as it was.
pub fn encode_document(doc: &mut Document) -> Result<Vec<u8>> {
    let spans = Spans::take(doc);
    let json = serde_json::to_vec(&*doc);
    spans.restore(doc);
    let json = json?;
    // One compression context per thread: making one per document (its tables are
    // allocated and cleared) cost as much as a third of the compression itself.
    thread_local! {
        static ZSTD: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let io_err = |e| Error::Io(PathBuf::from("(compressing a document)"), e);
    ZSTD.with(|cell| {
        let mut slot = cell.borrow_mut();
        let c = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(zstd::bulk::Compressor::new(1).map_err(io_err)?),
        };
        c.compress(&json).map_err(io_err)
    })
}

/// Reads a stored document: compressed JSON (a BLOB) or, from stores written before
/// compression, plain JSON text. The caller fills in the spans with [`fill_spans`].
pub fn decode_document(v: rusqlite::types::ValueRef<'_>) -> Result<Document> {
    match v {
        rusqlite::types::ValueRef::Blob(b) => decode_compressed(b),
        rusqlite::types::ValueRef::Text(t) => Ok(serde_json::from_slice(t)?),
        _ => Err(Error::Invalid("stored document has no JSON".into())),
    }
}

/// Reads a document stored by [`encode_document`] (zstd-compressed JSON). The caller fills
/// in the spans with [`fill_spans`].
pub fn decode_compressed(b: &[u8]) -> Result<Document> {
    let json = zstd::stream::decode_all(b)
        .map_err(|e| Error::Io(PathBuf::from("(a stored document)"), e))?;
    Ok(serde_json::from_slice(&json)?)
}

/// Everything one source produced, written in one transaction.
#[derive(Debug, Clone)]
pub struct SourceWrite {
    /// The ingest key: path, archive entry or URL.
    pub source: String,
    /// SHA-256 of the raw bytes.
    pub content_hash: String,
    /// The raw bytes, kept once per content in the blob table.
    pub original: Vec<u8>,
    /// The documents read from it (a feed holds several).
    pub docs: Vec<PreparedDoc>,
}

/// What happened to one document of a [`SourceWrite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocOutcome {
    /// Stored under this id.
    Stored(i64),
    /// Not stored: it duplicates document `of`; its source was added to that document's sources.
    Duplicate {
        /// The original document.
        of: i64,
        /// True for an identical text, false for a near duplicate.
        exact: bool,
    },
}

/// A document as stored.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    /// Row id.
    pub id: i64,
    /// First source it was read from.
    pub source: String,
    /// Canonical URL, when known.
    pub url: Option<String>,
    /// Reader format.
    pub format: String,
    /// Title.
    pub title: Option<String>,
    /// Publication date (ISO 8601, possibly truncated).
    pub published: Option<String>,
    /// How the publication date was chosen.
    pub published_source: Option<String>,
    /// ISO 639-1 language.
    pub language: String,
    /// Outlet.
    pub outlet: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// SHA-256 of the cleaned text.
    pub content_hash: String,
    /// SimHash of the cleaned text.
    pub simhash: Option<u64>,
    /// Cleaned text.
    pub text: String,
    /// Document status (`stored`).
    pub status: String,
    /// Error attached to the document, if any.
    pub error: Option<String>,
    /// When it was stored (RFC 3339).
    pub created_at: String,
    /// Whether the full-text index holds its latest version.
    pub indexed: bool,
    /// The full extracted document.
    pub document: Document,
}

/// The storage API the ingest pipeline and the search use. [`SqliteStore`] implements it,
/// and `crate::pg::PgStore` on PostgreSQL; either replaces the other without touching the
/// pipeline.
pub trait DocumentStore: Send {
    /// Marks sources as queued (those not seen before; existing statuses are left alone).
    fn queue_sources(&mut self, sources: &[&str]) -> Result<()>;
    /// Writes every document of a source, its sources, entities, dates, events and the
    /// source's ingest status, atomically; duplicates are not stored again.
    fn write_source(&mut self, w: &SourceWrite) -> Result<Vec<DocOutcome>>;
    /// Writes several sources. The SQLite store writes them in one transaction (all or
    /// none), much cheaper than one each. An error names the source it came from.
    fn write_sources(&mut self, ws: &[&SourceWrite]) -> Result<Vec<Vec<DocOutcome>>> {
        ws.iter()
            .map(|w| self.write_source(w).map_err(|e| e.when_writing(&w.source)))
            .collect()
    }
    /// Records a failure for a source.
    fn mark_failed(&mut self, source: &str, content_hash: Option<&str>, reason: &str)
        -> Result<()>;
    /// The status of one source.
    fn status(&self, source: &str) -> Result<Option<IngestStatus>>;
    /// Statuses, all or of one state, ordered by source.
    fn statuses(&self, state: Option<IngestState>) -> Result<Vec<IngestStatus>>;
    /// Number of sources per state.
    fn status_counts(&self) -> Result<Vec<(IngestState, u64)>>;
    /// One document.
    fn get(&self, id: i64) -> Result<Option<StoredDocument>>;
    /// The cleaned text of one document.
    fn text(&self, id: i64) -> Result<Option<String>>;
    /// Every source a document was seen at (reprints included).
    fn sources_of(&self, id: i64) -> Result<Vec<String>>;
    /// The original bytes a document was read from.
    fn original(&self, id: i64) -> Result<Option<Vec<u8>>>;
    /// Number of stored documents.
    fn document_count(&self) -> Result<u64>;
    /// Ids of documents the full-text index does not yet hold, at most `limit`.
    fn unindexed(&self, limit: usize) -> Result<Vec<i64>>;
    /// Records that the index holds these documents.
    fn mark_indexed(&mut self, ids: &[i64]) -> Result<()>;
    /// Flags every document for re-indexing.
    fn mark_all_unindexed(&mut self) -> Result<()>;
    /// Stores (or replaces) a document's machine translation from one backend, and flags
    /// the document for re-indexing (the English text goes into the index).
    fn put_translation(&mut self, id: i64, t: &Translation) -> Result<()>;
    /// The machine translations of a document, newest first.
    fn translations(&self, id: i64) -> Result<Vec<StoredTranslation>>;

    /// The item keys (GUID, id or link) of a feed already seen by an earlier ingest.
    fn seen_feed_items(&self, _feed: &str) -> Result<HashSet<String>> {
        Err(unsupported("feed item tracking"))
    }
    /// Records feed items as seen, so that later polls skip them.
    fn mark_feed_items_seen(&mut self, _feed: &str, _items: &[String]) -> Result<()> {
        Err(unsupported("feed item tracking"))
    }
    /// The HTTP validators saved for a URL.
    fn http_validators(&self, _url: &str) -> Result<Option<Validators>> {
        Err(unsupported("HTTP validators"))
    }
    /// Saves (or, when empty, forgets) the HTTP validators of a URL.
    fn set_http_validators(&mut self, _url: &str, _v: &Validators) -> Result<()> {
        Err(unsupported("HTTP validators"))
    }
    /// Appends a note to the reason of a source's ingest status (a partial failure that did
    /// not stop the source, such as a feed item whose page could not be fetched).
    fn add_status_note(&mut self, _source: &str, _note: &str) -> Result<()> {
        Err(unsupported("status notes"))
    }
    /// Records the outcome of a watchlist's webhook POST (replacing the previous one).
    fn record_webhook_delivery(&mut self, _d: &WebhookDelivery) -> Result<()> {
        Err(unsupported("webhook deliveries"))
    }
    /// The last webhook delivery of a watchlist.
    fn webhook_delivery(&self, _watchlist_id: u64) -> Result<Option<WebhookDelivery>> {
        Err(unsupported("webhook deliveries"))
    }

    /// Every watchlist, by id.
    fn watchlists(&self) -> Result<Vec<Watchlist>> {
        Err(unsupported("watchlists"))
    }
    /// One watchlist.
    fn watchlist(&self, _id: u64) -> Result<Option<Watchlist>> {
        Err(unsupported("watchlists"))
    }
    /// Saves a new watchlist under a fresh id (ids are never reused).
    fn add_watchlist(&mut self, _s: &WatchlistSpec) -> Result<Watchlist> {
        Err(unsupported("watchlists"))
    }
    /// Replaces what a watchlist searches for; `None` when there is no such watchlist.
    fn update_watchlist(&mut self, _id: u64, _s: &WatchlistSpec) -> Result<Option<Watchlist>> {
        Err(unsupported("watchlists"))
    }
    /// Sets or removes a watchlist's webhook (its last delivery record is dropped).
    fn set_watchlist_webhook(
        &mut self,
        _id: u64,
        _webhook: Option<&str>,
    ) -> Result<Option<Watchlist>> {
        Err(unsupported("watchlists"))
    }
    /// Records that an analyst opened a watchlist's results now: what is stored until now
    /// is no longer new. False when there is no such watchlist.
    fn visit_watchlist(&mut self, _id: u64) -> Result<bool> {
        Err(unsupported("watchlists"))
    }
    /// Deletes a watchlist and its delivery record; false when there was none.
    fn remove_watchlist(&mut self, _id: u64) -> Result<bool> {
        Err(unsupported("watchlists"))
    }
    /// Moves the watchlists of a data folder's legacy `watchlists.json` into the store
    /// (see [`crate::watchlists`]); how many were imported.
    fn import_watchlists_json(&mut self, _dir: &Path) -> Result<usize> {
        Ok(0)
    }
    /// When each of these documents was stored (RFC 3339), for those that exist.
    fn ingested_at(&self, _ids: &[i64]) -> Result<Vec<(i64, String)>> {
        Err(unsupported("ingestion times"))
    }

    /// Ids of the `limit` most recently published documents (undated ones last, newest
    /// stored first among equals), optionally only those published within `from..=to`
    /// (compared as `YYYY[-MM[-DD]]` prefixes).
    fn recent_ids(
        &self,
        _limit: usize,
        _from: Option<&str>,
        _to: Option<&str>,
    ) -> Result<Vec<i64>> {
        Err(unsupported("recent documents"))
    }
    /// What the store knows of an entity across every document, by entity key (KB id,
    /// else `type:lowercased name`).
    fn entity_info(&self, _key: &str) -> Result<Option<EntityInfo>> {
        Err(unsupported("entity summaries"))
    }
    /// Documents mentioning an entity per month of publication (`YYYY-MM`, or `undated`).
    fn entity_months(&self, _key: &str) -> Result<Vec<(String, u64)>> {
        Err(unsupported("entity mentions over time"))
    }
}

/// An entity as the whole store knows it (see [`DocumentStore::entity_info`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct EntityInfo {
    /// Entity key.
    pub key: String,
    /// Knowledge-base id, when linked.
    pub kb_id: Option<String>,
    /// The most frequent name.
    pub name: String,
    /// Entity type (`person`, `organization`, `location`, ...).
    pub kind: String,
    /// Subtype, when known.
    pub subtype: Option<String>,
    /// Other names it goes by (at most 50).
    pub aliases: Vec<String>,
    /// Documents mentioning it.
    pub documents: u64,
}

fn unsupported(what: &str) -> Error {
    Error::Invalid(format!("this document store does not support {what}"))
}

/// A machine translation as stored.
#[derive(Debug, Clone)]
pub struct StoredTranslation {
    /// The document.
    pub document_id: i64,
    /// Who translated (`Apertium fr→es→en`).
    pub backend: String,
    /// The English text.
    pub text: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// The translation paragraph by paragraph.
    pub translation: Translation,
}

/// The migrations, in order; `schema_version` records the last one applied.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    url TEXT,
    format TEXT NOT NULL,
    title TEXT,
    published TEXT,
    published_source TEXT,
    language TEXT NOT NULL,
    outlet TEXT,
    author TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    simhash INTEGER,
    sh0 INTEGER, sh1 INTEGER, sh2 INTEGER, sh3 INTEGER,
    text TEXT NOT NULL,
    blob_hash TEXT REFERENCES blobs(hash),
    status TEXT NOT NULL DEFAULT 'stored',
    error TEXT,
    indexed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX documents_sh0 ON documents(sh0) WHERE sh0 IS NOT NULL;
CREATE INDEX documents_sh1 ON documents(sh1) WHERE sh1 IS NOT NULL;
CREATE INDEX documents_sh2 ON documents(sh2) WHERE sh2 IS NOT NULL;
CREATE INDEX documents_sh3 ON documents(sh3) WHERE sh3 IS NOT NULL;
CREATE INDEX documents_unindexed ON documents(id) WHERE indexed = 0;
CREATE TABLE sources (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT,
    added_at TEXT NOT NULL,
    PRIMARY KEY (document_id, source)
);
CREATE INDEX sources_source ON sources(source);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_key TEXT NOT NULL,
    kb_id TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    subtype TEXT
);
CREATE INDEX entities_doc ON entities(doc_id);
CREATE INDEX entities_key ON entities(entity_key);
CREATE TABLE aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL
);
CREATE INDEX aliases_entity ON aliases(entity_id);
CREATE INDEX aliases_alias ON aliases(alias);
CREATE TABLE mentions (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX mentions_entity ON mentions(entity_id);
CREATE TABLE dates (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    value TEXT NOT NULL,
    granularity TEXT NOT NULL,
    range_start TEXT NOT NULL,
    range_end TEXT NOT NULL,
    relative INTEGER NOT NULL
);
CREATE INDEX dates_doc ON dates(doc_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    date TEXT,
    actors TEXT NOT NULL,
    targets TEXT NOT NULL,
    place TEXT,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX events_type ON events(type);
CREATE TABLE ingest_status (
    source TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed', 'duplicate')),
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX ingest_status_state ON ingest_status(state);
"#,
    ),
    (
        2,
        r#"
CREATE TABLE translations (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    backend TEXT NOT NULL,
    text TEXT NOT NULL,
    json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_id, backend)
);
"#,
    ),
    (3, crate::tracking::MIGRATION),
    (
        4,
        r#"
CREATE TABLE entity_totals (
    entity_key TEXT PRIMARY KEY,
    kb_id TEXT,
    type TEXT NOT NULL,
    subtype TEXT,
    docs INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE entity_months (
    entity_key TEXT NOT NULL,
    month TEXT NOT NULL,
    docs INTEGER NOT NULL,
    PRIMARY KEY (entity_key, month)
) WITHOUT ROWID;
CREATE TABLE entity_names (
    entity_key TEXT NOT NULL,
    name TEXT NOT NULL,
    docs INTEGER NOT NULL,
    PRIMARY KEY (entity_key, name)
) WITHOUT ROWID;
CREATE TABLE entity_aliases (
    entity_key TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity_key, alias)
) WITHOUT ROWID;
INSERT INTO entity_totals
    SELECT entity_key, max(kb_id), max(type), max(subtype), count(DISTINCT doc_id)
    FROM entities GROUP BY entity_key;
INSERT INTO entity_months
    SELECT e.entity_key, coalesce(substr(d.published, 1, 7), 'undated'), count(DISTINCT e.doc_id)
    FROM entities e JOIN documents d ON d.id = e.doc_id GROUP BY 1, 2;
INSERT INTO entity_names
    SELECT entity_key, name, count(DISTINCT doc_id) FROM entities GROUP BY 1, 2;
INSERT OR IGNORE INTO entity_aliases
    SELECT e.entity_key, a.alias FROM entities e JOIN aliases a ON a.entity_id = e.id;
"#,
    ),
    (
        5,
        // the server's window of recent documents is read in publication order
        "CREATE INDEX documents_published ON documents(published);",
    ),
    (
        6,
        // One row per entity per document carries its aliases and mention spans (JSON
        // arrays) instead of a row per alias and per mention: those were two thirds of the
        // rows written per document, and nothing looks them up one by one (the document's
        // JSON has them; entity lookups go through the aggregates and the full-text index).
        // The two indexes dropped served no query.
        r#"
ALTER TABLE entities ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
ALTER TABLE entities ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
UPDATE entities SET
    aliases = (SELECT json_group_array(alias) FROM aliases a WHERE a.entity_id = entities.id),
    mentions = (SELECT json_group_array(json_array(start, "end")) FROM mentions m WHERE m.entity_id = entities.id);
DROP TABLE aliases;
DROP TABLE mentions;
DROP INDEX entities_key;
DROP INDEX events_type;
"#,
    ),
    (
        7,
        // An event row no longer repeats its sentence: it was a fifth of the bytes written
        // per document (a sentence with several events was stored once per event), and it
        // is the document's text between the event's byte offsets. The view gives it back.
        // The SimHash band indexes carry the SimHash, so that the near-duplicate lookup of
        // every new document reads no table row (it read several per document, each a random
        // page of the file: ingest slowed as the store grew).
        r#"
ALTER TABLE events DROP COLUMN text;
CREATE VIEW events_text AS
    SELECT e.*, CAST(substr(CAST(d.text AS BLOB), e.start + 1, e."end" - e.start) AS TEXT) AS text
    FROM events e JOIN documents d ON d.id = e.doc_id;
DROP INDEX documents_sh0;
DROP INDEX documents_sh1;
DROP INDEX documents_sh2;
DROP INDEX documents_sh3;
CREATE INDEX documents_sh0 ON documents(sh0, simhash) WHERE sh0 IS NOT NULL;
CREATE INDEX documents_sh1 ON documents(sh1, simhash) WHERE sh1 IS NOT NULL;
CREATE INDEX documents_sh2 ON documents(sh2, simhash) WHERE sh2 IS NOT NULL;
CREATE INDEX documents_sh3 ON documents(sh3, simhash) WHERE sh3 IS NOT NULL;
"#,
    ),
    (8, crate::watchlists::MIGRATION),
];

/// The latest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The environment variable that caps the database's size in pages (see [`SqliteStore::open`]).
pub const MAX_PAGES_ENV: &str = "SITREP_DB_MAX_PAGES";

/// [`DocumentStore`] on an SQLite file (WAL journal, `synchronous=NORMAL`, foreign keys on).
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating when needed) the database file and applies pending migrations.
    ///
    /// When the environment variable `SITREP_DB_MAX_PAGES` holds a number, the database
    /// may not grow past that many pages (`PRAGMA max_page_count`): writes beyond it fail
    /// as on a full disk. Meant for testing write failures, and as a crude size cap.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        let s = Self::setup(conn)?;
        if let Some(pages) = std::env::var(MAX_PAGES_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            s.set_max_pages(pages)?;
        }
        Ok(s)
    }

    /// The connection, for the crate's tests.
    #[cfg(test)]
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Caps the database at `pages` pages (never below its current size): writes that
    /// would grow it further fail with SQLite's "database or disk is full".
    pub fn set_max_pages(&self, pages: u64) -> Result<()> {
        let pages = i64::try_from(pages).unwrap_or(i64::MAX);
        self.conn.pragma_update(None, "max_page_count", pages)?;
        Ok(())
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // every statement of the write path stays prepared
        conn.set_prepared_statement_cache_capacity(64);
        // 64 MiB of page cache (SQLite's default is 2 MiB): the unique indexes on content
        // hashes take inserts at random places, and with a small cache a store of 100,000
        // documents spent its ingest re-reading index pages
        conn.pragma_update(None, "cache_size", -65536)?;
        let mut s = SqliteStore { conn };
        s.migrate(SCHEMA_VERSION)?;
        Ok(s)
    }

    /// A file database migrated only up to `version`, for migration tests.
    #[cfg(test)]
    pub(crate) fn open_at_version(path: &Path, version: i64) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut s = SqliteStore { conn };
        s.migrate(version)?;
        Ok(s)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )?)
    }

    /// Applies the migrations after the store's version, up to `target`.
    fn migrate(&mut self, target: i64) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current = self.schema_version()?;
        if current > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found: current,
                known: SCHEMA_VERSION,
            });
        }
        for (version, sql) in MIGRATIONS
            .iter()
            .filter(|(v, _)| *v > current && *v <= target)
        {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
                params![version, now()],
            )?;
            tx.commit()?;
        }
        Ok(())
    }
}

/// The near-duplicate candidates sharing one 16-bit band of a SimHash, band by band.
pub(crate) const BAND_QUERIES: [&str; 4] = [
    "SELECT id, simhash FROM documents WHERE sh0 = ?1",
    "SELECT id, simhash FROM documents WHERE sh1 = ?1",
    "SELECT id, simhash FROM documents WHERE sh2 = ?1",
    "SELECT id, simhash FROM documents WHERE sh3 = ?1",
];

fn find_duplicate(tx: &Transaction<'_>, p: &PreparedDoc) -> Result<Option<DocOutcome>> {
    if let Some(id) = tx
        .prepare_cached("SELECT id FROM documents WHERE content_hash = ?1")?
        .query_row([&p.text_hash], |r| r.get::<_, i64>(0))
        .optional()?
    {
        return Ok(Some(DocOutcome::Duplicate {
            of: id,
            exact: true,
        }));
    }
    let Some(h) = p.simhash else { return Ok(None) };
    // One query per band, each answered from its index alone (band, SimHash, id): one query
    // with OR between the bands read every candidate's row from the table, a random page
    // of a large file each, and that grew with the store.
    let mut cands: Vec<(i64, i64)> = Vec::new();
    for (sql, band) in BAND_QUERIES.iter().zip(dedup::bands(h)) {
        let mut stmt = tx.prepare_cached(sql)?;
        let rows = stmt.query_map([band], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            cands.push(row?);
        }
    }
    // the oldest near duplicate is the original
    cands.sort_unstable();
    cands.dedup();
    for (id, other) in cands {
        if dedup::hamming(h, other as u64) <= NEAR_DISTANCE {
            return Ok(Some(DocOutcome::Duplicate {
                of: id,
                exact: false,
            }));
        }
    }
    Ok(None)
}

fn add_source(tx: &Transaction<'_>, id: i64, doc: &Document, ts: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sources (document_id, source, url, added_at) VALUES (?1, ?2, ?3, ?4)",
)?
.execute(
        params![id, doc.source, doc.meta.url, ts],
    )?;
    Ok(())
}

/// The key under which an entity is stored: its KB id, else `type:lower-case name`.
pub fn entity_key(e: &sitrep_core::document::Entity) -> String {
    match &e.id {
        Some(id) => id.clone(),
        None => format!("{}:{}", e.kind.as_str(), e.name.to_lowercase()),
    }
}

/// The per-entity aggregates (documents in total, per month, per name; aliases) that entity
/// pages read without scanning every document, summed over the documents of one write
/// transaction and written once per key: documents written together share most of their
/// entities, so this is a fraction of one upsert per entity per document.
#[derive(Default)]
pub(crate) struct EntityStats {
    pub(crate) totals: HashMap<String, EntityTotal>,
    pub(crate) months: HashMap<(String, String), i64>,
    pub(crate) names: HashMap<(String, String), i64>,
    pub(crate) aliases: HashSet<(String, String)>,
}

/// An entity's KB id, type, subtype and number of documents.
pub(crate) type EntityTotal = (Option<String>, &'static str, Option<String>, i64);

impl EntityStats {
    /// Counts one stored document.
    pub(crate) fn add(&mut self, d: &Document) {
        let month = d
            .meta
            .published
            .as_deref()
            .and_then(|p| p.get(..7))
            .unwrap_or("undated");
        let mut keys: HashSet<String> = HashSet::new();
        let mut names: HashSet<(String, &str)> = HashSet::new();
        for e in &d.entities {
            let key = entity_key(e);
            if names.insert((key.clone(), e.name.as_str())) {
                *self.names.entry((key.clone(), e.name.clone())).or_default() += 1;
            }
            for a in &e.aliases {
                self.aliases.insert((key.clone(), a.clone()));
            }
            if keys.insert(key.clone()) {
                self.totals
                    .entry(key.clone())
                    .or_insert_with(|| (e.id.clone(), e.kind.as_str(), e.subtype.clone(), 0))
                    .3 += 1;
                *self.months.entry((key, month.to_string())).or_default() += 1;
            }
        }
    }

    /// Adds the counts to the aggregate tables.
    fn flush(&self, tx: &Transaction<'_>) -> Result<()> {
        let mut st = tx.prepare_cached(
            "INSERT INTO entity_totals (entity_key, kb_id, type, subtype, docs) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET docs = docs + excluded.docs",
        )?;
        for (key, (kb, kind, subtype, n)) in &self.totals {
            st.execute(params![key, kb, kind, subtype, n])?;
        }
        // (key, month) and (key, name) counts go into tables of the same shape
        for (table, col, counts) in [
            ("entity_months", "month", &self.months),
            ("entity_names", "name", &self.names),
        ] {
            let mut st = tx.prepare_cached(&format!(
                "INSERT INTO {table} (entity_key, {col}, docs) VALUES (?1, ?2, ?3) \
                 ON CONFLICT DO UPDATE SET docs = docs + excluded.docs"
            ))?;
            for ((key, value), n) in counts {
                st.execute(params![key, value, n])?;
            }
        }
        let mut st = tx.prepare_cached(
            "INSERT OR IGNORE INTO entity_aliases (entity_key, alias) VALUES (?1, ?2)",
        )?;
        for (key, alias) in &self.aliases {
            st.execute(params![key, alias])?;
        }
        Ok(())
    }
}

fn insert_document(
    tx: &Transaction<'_>,
    p: &PreparedDoc,
    blob: &str,
    ts: &str,
    stats: &mut EntityStats,
) -> Result<i64> {
    let d = &p.doc;
    let (sh, b) = match p.simhash {
        Some(h) => (Some(h as i64), dedup::bands(h).map(Some)),
        None => (None, [None; 4]),
    };
    let published_source = d
        .meta
        .published_source
        .map(|s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
        })
        .unwrap_or(None);
    tx.prepare_cached(
        "INSERT INTO documents (source, url, format, title, published, published_source, language,
            outlet, author, content_hash, simhash, sh0, sh1, sh2, sh3, text, blob_hash, created_at, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
)?
.execute(
        params![
            d.source,
            d.meta.url,
            d.format.as_str(),
            d.meta.title,
            d.meta.published,
            published_source,
            d.language,
            d.meta.outlet,
            d.meta.author,
            p.text_hash,
            sh,
            b[0],
            b[1],
            b[2],
            b[3],
            d.text,
            blob,
            ts,
            p.json
        ],
    )?;
    let id = tx.last_insert_rowid();
    add_source(tx, id, d, ts)?;
    stats.add(d);
    let mut st = tx.prepare_cached(
        "INSERT INTO entities (doc_id, entity_key, kb_id, name, type, subtype, aliases, mentions) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for e in &d.entities {
        let spans: Vec<[usize; 2]> = e.mentions.iter().map(|m| [m.start, m.end]).collect();
        st.execute(params![
            id,
            entity_key(e),
            e.id,
            e.name,
            e.kind.as_str(),
            e.subtype,
            serde_json::to_string(&e.aliases)?,
            serde_json::to_string(&spans)?
        ])?;
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO dates (doc_id, text, start, \"end\", value, granularity, range_start, range_end, relative)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for t in &d.dates {
        st.execute(params![
            id,
            t.text,
            t.start as i64,
            t.end as i64,
            t.value,
            t.granularity,
            t.range_start,
            t.range_end,
            t.relative
        ])?;
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO events (doc_id, type, date, actors, targets, place, start, \"end\")
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for e in &d.events {
        st.execute(params![
            id,
            e.kind.as_str(),
            e.date,
            serde_json::to_string(&e.actors)?,
            serde_json::to_string(&e.targets)?,
            e.place,
            e.start as i64,
            e.end as i64
        ])?;
    }
    Ok(id)
}

fn upsert_status(
    conn: &Connection,
    source: &str,
    state: IngestState,
    reason: Option<&str>,
    hash: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ingest_status (source, state, reason, attempts, content_hash, updated_at)
         VALUES (?1, ?2, ?3, 1, ?4, ?5)
         ON CONFLICT(source) DO UPDATE SET state = excluded.state, reason = excluded.reason,
            attempts = attempts + 1, content_hash = excluded.content_hash, updated_at = excluded.updated_at",
)?
.execute(
        params![source, state.as_str(), reason, hash, now()],
    )?;
    Ok(())
}

/// One source's documents, duplicates and status, inside the caller's transaction.
fn write_in(
    tx: &Transaction<'_>,
    w: &SourceWrite,
    ts: &str,
    stats: &mut EntityStats,
) -> Result<Vec<DocOutcome>> {
    let blob = dedup::sha256_hex(&w.original);
    tx.prepare_cached("INSERT OR IGNORE INTO blobs (hash, bytes) VALUES (?1, ?2)")?
        .execute(params![blob, w.original])?;
    let mut out = Vec::with_capacity(w.docs.len());
    for p in &w.docs {
        match find_duplicate(tx, p)? {
            Some(dup @ DocOutcome::Duplicate { of, .. }) => {
                add_source(tx, of, &p.doc, ts)?;
                // The index lists every source of a document: re-index the original.
                tx.prepare_cached("UPDATE documents SET indexed = 0 WHERE id = ?1")?
                    .execute([of])?;
                out.push(dup);
            }
            _ => out.push(DocOutcome::Stored(insert_document(
                tx, p, &blob, ts, stats,
            )?)),
        }
    }
    let (state, reason) = source_state(&out);
    upsert_status(
        tx,
        &w.source,
        state,
        reason.as_deref(),
        Some(&w.content_hash),
    )?;
    Ok(out)
}

/// The ingest state of a source whose documents had these outcomes, and its reason.
pub(crate) fn source_state(out: &[DocOutcome]) -> (IngestState, Option<String>) {
    let stored = out
        .iter()
        .filter(|o| matches!(o, DocOutcome::Stored(_)))
        .count();
    let first_dup = out.iter().find_map(|o| match o {
        DocOutcome::Duplicate { of, .. } => Some(*of),
        _ => None,
    });
    match (stored, first_dup) {
        (0, Some(of)) => (IngestState::Duplicate, Some(format!("duplicate of {of}"))),
        (n, Some(_)) => (
            IngestState::Done,
            Some(format!("{n} stored, {} duplicates", out.len() - n)),
        ),
        _ => (IngestState::Done, None),
    }
}

fn status_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IngestStatus> {
    let state: String = r.get(1)?;
    Ok(IngestStatus {
        source: r.get(0)?,
        state: IngestState::parse(&state).unwrap_or(IngestState::Queued),
        reason: r.get(2)?,
        attempts: r.get(3)?,
        content_hash: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

const STATUS_COLS: &str = "source, state, reason, attempts, content_hash, updated_at";

impl DocumentStore for SqliteStore {
    fn queue_sources(&mut self, sources: &[&str]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO ingest_status (source, state, attempts, updated_at) VALUES (?1, 'queued', 0, ?2)",
            )?;
            let ts = now();
            for s in sources {
                stmt.execute(params![s, ts])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn write_source(&mut self, w: &SourceWrite) -> Result<Vec<DocOutcome>> {
        let ts = now();
        let tx = self.conn.transaction()?;
        let mut stats = EntityStats::default();
        let out = write_in(&tx, w, &ts, &mut stats)?;
        stats.flush(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn write_sources(&mut self, ws: &[&SourceWrite]) -> Result<Vec<Vec<DocOutcome>>> {
        let ts = now();
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(ws.len());
        let mut stats = EntityStats::default();
        for w in ws {
            out.push(write_in(&tx, w, &ts, &mut stats).map_err(|e| e.when_writing(&w.source))?);
        }
        stats.flush(&tx)?;
        tx.commit().map_err(|e| {
            let what = match ws {
                [] => String::new(),
                [one] => one.source.clone(),
                [first, rest @ ..] => {
                    format!(
                        "{} (and {} sources written with it)",
                        first.source,
                        rest.len()
                    )
                }
            };
            Error::from(e).when_writing(&what)
        })?;
        Ok(out)
    }

    fn mark_failed(
        &mut self,
        source: &str,
        content_hash: Option<&str>,
        reason: &str,
    ) -> Result<()> {
        upsert_status(
            &self.conn,
            source,
            IngestState::Failed,
            Some(reason),
            content_hash,
        )
    }

    fn status(&self, source: &str) -> Result<Option<IngestStatus>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {STATUS_COLS} FROM ingest_status WHERE source = ?1"),
                [source],
                status_row,
            )
            .optional()?)
    }

    fn statuses(&self, state: Option<IngestState>) -> Result<Vec<IngestStatus>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {STATUS_COLS} FROM ingest_status WHERE ?1 IS NULL OR state = ?1 ORDER BY source"
        ))?;
        let rows = stmt.query_map([state.map(|s| s.as_str())], status_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn status_counts(&self) -> Result<Vec<(IngestState, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT state, COUNT(*) FROM ingest_status GROUP BY state ORDER BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            let (s, n) = r?;
            if let Some(s) = IngestState::parse(&s) {
                out.push((s, n as u64));
            }
        }
        Ok(out)
    }

    fn get(&self, id: i64) -> Result<Option<StoredDocument>> {
        let row = self
            .conn
            .query_row(
                "SELECT id, source, url, format, title, published, published_source, language, outlet,
                    author, content_hash, simhash, text, status, error, created_at, indexed, json
                 FROM documents WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        StoredDocument {
                            id: r.get(0)?,
                            source: r.get(1)?,
                            url: r.get(2)?,
                            format: r.get(3)?,
                            title: r.get(4)?,
                            published: r.get(5)?,
                            published_source: r.get(6)?,
                            language: r.get(7)?,
                            outlet: r.get(8)?,
                            author: r.get(9)?,
                            content_hash: r.get(10)?,
                            simhash: r.get::<_, Option<i64>>(11)?.map(|h| h as u64),
                            text: r.get(12)?,
                            status: r.get(13)?,
                            error: r.get(14)?,
                            created_at: r.get(15)?,
                            indexed: r.get::<_, i64>(16)? != 0,
                            document: placeholder_document(),
                        },
                        decode_document(r.get_ref(17)?),
                    ))
                },
            )
            .optional()?;
        let Some((mut d, doc)) = row else {
            return Ok(None);
        };
        d.document = doc?;
        fill_spans(&mut d.document, &d.text);
        Ok(Some(d))
    }

    fn text(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT text FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn recent_ids(&self, limit: usize, from: Option<&str>, to: Option<&str>) -> Result<Vec<i64>> {
        let from = from.filter(|s| !s.is_empty());
        let to = to.filter(|s| !s.is_empty());
        // `to` is inclusive on its prefix: 2012-03 includes 2012-03-31.
        let to_hi = to.map(|t| format!("{t}\u{10FFFF}"));
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM documents \
             WHERE (?1 IS NULL OR (published IS NOT NULL AND published >= ?1)) \
               AND (?2 IS NULL OR (published IS NOT NULL AND published <= ?2)) \
             ORDER BY published IS NULL, published DESC, id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![from, to_hi, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    fn entity_info(&self, key: &str) -> Result<Option<EntityInfo>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT kb_id, type, subtype, docs FROM entity_totals WHERE entity_key = ?1",
            )?
            .query_row([key], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .optional()?;
        let Some((kb_id, kind, subtype, docs)) = row else {
            return Ok(None);
        };
        let mut names: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT name FROM entity_names WHERE entity_key = ?1 ORDER BY docs DESC, name LIMIT 50",
            )?
            .query_map([key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let name = if names.is_empty() {
            key.to_string()
        } else {
            names.remove(0)
        };
        let mut aliases = names;
        let more: Vec<String> = self
            .conn
            .prepare_cached("SELECT alias FROM entity_aliases WHERE entity_key = ?1 LIMIT 100")?
            .query_map([key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for a in more {
            if aliases.len() >= 50 {
                break;
            }
            if a != name && !aliases.contains(&a) {
                aliases.push(a);
            }
        }
        Ok(Some(EntityInfo {
            key: key.to_string(),
            kb_id,
            name,
            kind,
            subtype,
            aliases,
            documents: docs as u64,
        }))
    }

    fn entity_months(&self, key: &str) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT month, docs FROM entity_months WHERE entity_key = ?1 ORDER BY month",
        )?;
        let rows = stmt.query_map([key], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<(String, u64)>>>()?)
    }

    fn sources_of(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT source FROM sources WHERE document_id = ?1 ORDER BY added_at, source",
        )?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    fn original(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT b.bytes FROM documents d JOIN blobs b ON b.hash = d.blob_hash WHERE d.id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn document_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn unindexed(&self, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM documents WHERE indexed = 0 ORDER BY id LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    fn mark_indexed(&mut self, ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare("UPDATE documents SET indexed = 1 WHERE id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn mark_all_unindexed(&mut self) -> Result<()> {
        self.conn.execute("UPDATE documents SET indexed = 0", [])?;
        Ok(())
    }

    fn put_translation(&mut self, id: i64, t: &Translation) -> Result<()> {
        let json = serde_json::to_string(t)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO translations (document_id, backend, text, json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, t.backend, t.text(), json, now()],
        )?;
        tx.execute("UPDATE documents SET indexed = 0 WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    fn translations(&self, id: i64) -> Result<Vec<StoredTranslation>> {
        let mut stmt = self.conn.prepare(
            "SELECT backend, text, created_at, json FROM translations WHERE document_id = ?1
             ORDER BY created_at DESC, backend",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (backend, text, created_at, json) = row?;
            out.push(StoredTranslation {
                document_id: id,
                backend,
                text,
                created_at,
                translation: serde_json::from_str(&json)?,
            });
        }
        Ok(out)
    }
    fn seen_feed_items(&self, feed: &str) -> Result<HashSet<String>> {
        tracking::seen_items(&self.conn, feed)
    }

    fn mark_feed_items_seen(&mut self, feed: &str, items: &[String]) -> Result<()> {
        tracking::mark_seen(&mut self.conn, feed, items, &now())
    }

    fn http_validators(&self, url: &str) -> Result<Option<Validators>> {
        tracking::validators(&self.conn, url)
    }

    fn set_http_validators(&mut self, url: &str, v: &Validators) -> Result<()> {
        tracking::set_validators(&self.conn, url, v, &now())
    }

    fn add_status_note(&mut self, source: &str, note: &str) -> Result<()> {
        tracking::add_status_note(&self.conn, source, note)
    }

    fn record_webhook_delivery(&mut self, d: &WebhookDelivery) -> Result<()> {
        tracking::record_delivery(&self.conn, d)
    }

    fn webhook_delivery(&self, watchlist_id: u64) -> Result<Option<WebhookDelivery>> {
        tracking::delivery(&self.conn, watchlist_id)
    }

    fn watchlists(&self) -> Result<Vec<Watchlist>> {
        watchlists::all(&self.conn)
    }

    fn watchlist(&self, id: u64) -> Result<Option<Watchlist>> {
        watchlists::get(&self.conn, id)
    }

    fn add_watchlist(&mut self, s: &WatchlistSpec) -> Result<Watchlist> {
        watchlists::add(&self.conn, s, &now())
    }

    fn update_watchlist(&mut self, id: u64, s: &WatchlistSpec) -> Result<Option<Watchlist>> {
        watchlists::update(&self.conn, id, s, &now())
    }

    fn set_watchlist_webhook(
        &mut self,
        id: u64,
        webhook: Option<&str>,
    ) -> Result<Option<Watchlist>> {
        watchlists::set_webhook(&self.conn, id, webhook, &now())
    }

    fn visit_watchlist(&mut self, id: u64) -> Result<bool> {
        watchlists::visit(&self.conn, id, &now())
    }

    fn remove_watchlist(&mut self, id: u64) -> Result<bool> {
        watchlists::remove(&mut self.conn, id)
    }

    fn import_watchlists_json(&mut self, dir: &Path) -> Result<usize> {
        watchlists::import_json(&mut self.conn, dir)
    }

    fn ingested_at(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        watchlists::ingested_at(&self.conn, ids)
    }
}

pub(crate) fn placeholder_document() -> Document {
    sitrep_core::pipeline::prepare(sitrep_core::read::RawDoc {
        source: String::new(),
        format: sitrep_core::document::Format::Text,
        text: String::new(),
        meta: Default::default(),
        blocks: Vec::new(),
    })
}
