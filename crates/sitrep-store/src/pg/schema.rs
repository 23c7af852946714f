//! The PostgreSQL schema: migrations, applied in order under an advisory lock so that
//! workers starting together migrate once.

use postgres::Client;

use crate::{Error, Result};

/// The migrations, in order; `schema_version` records those applied. The tables mirror the
/// SQLite store's (at its migration 7), plus `search_docs` (full-text search), `jobs` and
/// `workers` (the queue).
const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    r#"
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL
);
CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
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
    simhash BIGINT,
    sh0 INT, sh1 INT, sh2 INT, sh3 INT,
    text TEXT NOT NULL,
    blob_hash TEXT REFERENCES blobs(hash),
    status TEXT NOT NULL DEFAULT 'stored',
    error TEXT,
    indexed BOOLEAN NOT NULL DEFAULT true,
    created_at TEXT NOT NULL,
    json BYTEA NOT NULL
);
CREATE INDEX documents_sh0 ON documents (sh0, simhash) WHERE sh0 IS NOT NULL;
CREATE INDEX documents_sh1 ON documents (sh1, simhash) WHERE sh1 IS NOT NULL;
CREATE INDEX documents_sh2 ON documents (sh2, simhash) WHERE sh2 IS NOT NULL;
CREATE INDEX documents_sh3 ON documents (sh3, simhash) WHERE sh3 IS NOT NULL;
CREATE INDEX documents_unindexed ON documents (id) WHERE NOT indexed;
CREATE INDEX documents_published ON documents ((published COLLATE "C"));
CREATE TABLE sources (
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT,
    added_at TEXT NOT NULL,
    PRIMARY KEY (document_id, source)
);
CREATE INDEX sources_source ON sources (source);
CREATE TABLE entities (
    id BIGSERIAL PRIMARY KEY,
    doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_key TEXT NOT NULL,
    kb_id TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    subtype TEXT,
    aliases TEXT NOT NULL,
    mentions TEXT NOT NULL
);
CREATE INDEX entities_doc ON entities (doc_id);
CREATE TABLE dates (
    doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    start BIGINT NOT NULL,
    "end" BIGINT NOT NULL,
    value TEXT NOT NULL,
    granularity TEXT NOT NULL,
    range_start TEXT NOT NULL,
    range_end TEXT NOT NULL,
    relative BOOLEAN NOT NULL
);
CREATE INDEX dates_doc ON dates (doc_id);
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    date TEXT,
    actors TEXT NOT NULL,
    targets TEXT NOT NULL,
    place TEXT,
    start BIGINT NOT NULL,
    "end" BIGINT NOT NULL
);
CREATE INDEX events_doc ON events (doc_id);
CREATE TABLE ingest_status (
    source TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed', 'duplicate')),
    reason TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    content_hash TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX ingest_status_state ON ingest_status (state);
CREATE TABLE translations (
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    backend TEXT NOT NULL,
    text TEXT NOT NULL,
    json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_id, backend)
);
CREATE TABLE feed_items (
    feed TEXT NOT NULL,
    item TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed, item)
);
CREATE TABLE http_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE webhook_deliveries (
    watchlist_id BIGINT PRIMARY KEY,
    target TEXT NOT NULL,
    ok BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    matches BIGINT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE entity_totals (
    entity_key TEXT PRIMARY KEY,
    kb_id TEXT,
    type TEXT NOT NULL,
    subtype TEXT,
    docs BIGINT NOT NULL
);
CREATE TABLE entity_months (
    entity_key TEXT NOT NULL,
    month TEXT NOT NULL,
    docs BIGINT NOT NULL,
    PRIMARY KEY (entity_key, month)
);
CREATE TABLE entity_names (
    entity_key TEXT NOT NULL,
    name TEXT NOT NULL,
    docs BIGINT NOT NULL,
    PRIMARY KEY (entity_key, name)
);
CREATE TABLE entity_aliases (
    entity_key TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity_key, alias)
);
CREATE TABLE search_docs (
    doc_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    cfg TEXT NOT NULL,
    language TEXT NOT NULL,
    published_key BIGINT,
    entity_text TEXT NOT NULL,
    entity_keys TEXT[] NOT NULL,
    event_types TEXT[] NOT NULL,
    sources TEXT[] NOT NULL,
    tsv TSVECTOR NOT NULL
);
CREATE INDEX search_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_entity_keys ON search_docs USING GIN (entity_keys);
CREATE INDEX search_event_types ON search_docs USING GIN (event_types);
CREATE INDEX search_sources ON search_docs USING GIN (sources);
CREATE INDEX search_published ON search_docs (published_key);
CREATE INDEX search_language ON search_docs (language);
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    input TEXT NOT NULL UNIQUE,
    enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    worker TEXT,
    lease_until TIMESTAMPTZ,
    attempts INT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX jobs_lease ON jobs (lease_until);
CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    jobs_done BIGINT NOT NULL DEFAULT 0
);
"#,
)];

/// The latest PostgreSQL schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Key of the advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x5172_e900_0000_0001;

/// Applies the pending migrations, one transaction each, under an advisory lock (another
/// process migrating at the same moment waits, then finds nothing left to do).
pub(crate) fn migrate(client: &mut Client) -> Result<()> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let current: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?
        .get(0);
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[version, &crate::db::now()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The schema version of a database.
pub(crate) fn version(client: &mut Client) -> Result<i64> {
    Ok(client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?
        .get(0))
}
