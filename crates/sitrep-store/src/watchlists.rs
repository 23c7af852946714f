//! Watchlists: saved searches kept in the store (migration 8), beside the outcome of their
//! last webhook delivery (`webhook_deliveries`, migration 3).
//!
//! Ids come from `AUTOINCREMENT`, so a deleted watchlist's id is never given again, and
//! deleting a watchlist deletes its delivery record in the same transaction. Stores from
//! before migration 8 kept watchlists in `watchlists.json` in the data folder:
//! [`import_json`] moves them in once, and a file that does not parse is reported, never
//! read as "no watchlists".

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Error, Result};

/// A saved search.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Watchlist {
    /// Id (never reused).
    pub id: u64,
    /// Name.
    pub name: String,
    /// Query text.
    #[serde(default)]
    pub q: Option<String>,
    /// Entity filter.
    #[serde(default)]
    pub entity: Option<String>,
    /// Event type filter.
    #[serde(default, rename = "type")]
    pub event_type: Option<String>,
    /// Language filter.
    #[serde(default)]
    pub lang: Option<String>,
    /// When it was created (RFC 3339).
    pub created: String,
    /// When it was last changed (RFC 3339).
    #[serde(default)]
    pub updated: Option<String>,
    /// When an analyst last opened its results (RFC 3339).
    #[serde(default)]
    pub last_visit: Option<String>,
    /// The highest document id stored at the last visit: documents with a higher id were
    /// stored since (ids grow with every write), and are "new".
    #[serde(default)]
    pub seen_upto: i64,
    /// URL that receives a JSON POST when newly ingested documents match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
}

/// What a watchlist searches for, as created or edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchlistSpec {
    /// Name.
    pub name: String,
    /// Query text.
    pub q: Option<String>,
    /// Entity filter.
    pub entity: Option<String>,
    /// Event type filter.
    pub event_type: Option<String>,
    /// Language filter.
    pub lang: Option<String>,
    /// Webhook URL.
    pub webhook: Option<String>,
}

pub(crate) const MIGRATION: &str = r#"
CREATE TABLE watchlists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    q TEXT,
    entity TEXT,
    event_type TEXT,
    lang TEXT,
    webhook TEXT,
    created TEXT NOT NULL,
    updated TEXT,
    last_visit TEXT,
    seen_upto INTEGER NOT NULL DEFAULT 0
);
"#;

const COLUMNS: &str =
    "id, name, q, entity, event_type, lang, webhook, created, updated, last_visit, seen_upto";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Watchlist> {
    Ok(Watchlist {
        id: r.get::<_, i64>(0)? as u64,
        name: r.get(1)?,
        q: r.get(2)?,
        entity: r.get(3)?,
        event_type: r.get(4)?,
        lang: r.get(5)?,
        webhook: r.get(6)?,
        created: r.get(7)?,
        updated: r.get(8)?,
        last_visit: r.get(9)?,
        seen_upto: r.get(10)?,
    })
}

pub(crate) fn all(conn: &Connection) -> Result<Vec<Watchlist>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM watchlists ORDER BY id"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn get(conn: &Connection, id: u64) -> Result<Option<Watchlist>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM watchlists WHERE id = ?1"),
            [id as i64],
            row,
        )
        .optional()?)
}

pub(crate) fn add(conn: &Connection, s: &WatchlistSpec, ts: &str) -> Result<Watchlist> {
    conn.execute(
        "INSERT INTO watchlists (name, q, entity, event_type, lang, webhook, created, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![s.name, s.q, s.entity, s.event_type, s.lang, s.webhook, ts],
    )?;
    let id = conn.last_insert_rowid() as u64;
    get(conn, id)?.ok_or_else(|| Error::Invalid(format!("watchlist {id} vanished")))
}

pub(crate) fn update(
    conn: &Connection,
    id: u64,
    s: &WatchlistSpec,
    ts: &str,
) -> Result<Option<Watchlist>> {
    let n = conn.execute(
        "UPDATE watchlists SET name = ?2, q = ?3, entity = ?4, event_type = ?5, lang = ?6,
            webhook = ?7, updated = ?8 WHERE id = ?1",
        params![
            id as i64,
            s.name,
            s.q,
            s.entity,
            s.event_type,
            s.lang,
            s.webhook,
            ts
        ],
    )?;
    if n == 0 {
        return Ok(None);
    }
    get(conn, id)
}

pub(crate) fn set_webhook(
    conn: &Connection,
    id: u64,
    webhook: Option<&str>,
    ts: &str,
) -> Result<Option<Watchlist>> {
    let n = conn.execute(
        "UPDATE watchlists SET webhook = ?2, updated = ?3 WHERE id = ?1",
        params![id as i64, webhook, ts],
    )?;
    if n == 0 {
        return Ok(None);
    }
    // a new target: the last delivery was to another one
    conn.execute(
        "DELETE FROM webhook_deliveries WHERE watchlist_id = ?1",
        [id as i64],
    )?;
    get(conn, id)
}

pub(crate) fn visit(conn: &Connection, id: u64, ts: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE watchlists SET last_visit = ?2,
            seen_upto = (SELECT COALESCE(MAX(id), 0) FROM documents) WHERE id = ?1",
        params![id as i64, ts],
    )? > 0)
}

pub(crate) fn remove(conn: &mut Connection, id: u64) -> Result<bool> {
    let tx = conn.transaction()?;
    let n = tx.execute("DELETE FROM watchlists WHERE id = ?1", [id as i64])?;
    tx.execute(
        "DELETE FROM webhook_deliveries WHERE watchlist_id = ?1",
        [id as i64],
    )?;
    tx.commit()?;
    Ok(n > 0)
}

/// The file that held watchlists before they moved into the store.
pub fn legacy_json(dir: &Path) -> PathBuf {
    dir.join("watchlists.json")
}

/// Moves the watchlists of `watchlists.json` (the format of sitrep before migration 8)
/// into the store, keeping their ids, then renames the file `watchlists.json.imported`.
/// Returns how many were imported (0 when there is no file). A file that cannot be read
/// or parsed is an error naming it, and nothing is imported: it is never taken for an
/// empty list. Delivery records of ids the file no longer holds (a watchlist deleted
/// before the move, whose id the file format would have given again) are dropped.
pub(crate) fn import_json(conn: &mut Connection, dir: &Path) -> Result<usize> {
    let path = legacy_json(dir);
    if !path.exists() {
        return Ok(0);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(path.clone(), e))?;
    let items: Vec<Watchlist> = serde_json::from_str(&text).map_err(|e| {
        Error::Invalid(format!(
            "{} is not a valid watchlist file ({e}); its watchlists were not loaded. \
             Fix the file or move it away, then try again",
            path.display()
        ))
    })?;
    let tx = conn.transaction()?;
    for w in &items {
        tx.execute(
            "INSERT OR REPLACE INTO watchlists
                (id, name, q, entity, event_type, lang, webhook, created, updated, last_visit,
                 seen_upto)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                w.id as i64,
                w.name,
                w.q,
                w.entity,
                w.event_type,
                w.lang,
                w.webhook,
                w.created,
                w.updated,
                w.last_visit,
                w.seen_upto
            ],
        )?;
    }
    tx.execute(
        "DELETE FROM webhook_deliveries WHERE watchlist_id NOT IN (SELECT id FROM watchlists)",
        [],
    )?;
    tx.commit()?;
    let done = dir.join("watchlists.json.imported");
    std::fs::rename(&path, &done).map_err(|e| Error::Io(path.clone(), e))?;
    Ok(items.len())
}

/// When each of `ids` was stored (RFC 3339).
pub(crate) fn ingested_at(conn: &Connection, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT created_at FROM documents WHERE id = ?1")?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(t) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            out.push((id, t));
        }
    }
    Ok(out)
}
