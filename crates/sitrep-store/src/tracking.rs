//! What repeated collection remembers besides documents (migration 3): the feed items
//! already seen, the HTTP validators (ETag, Last-Modified) of every polled URL, notes added
//! to a source's ingest status, and the last webhook delivery of every watchlist.
//!
//! The SQL lives here; [`crate::DocumentStore`] exposes it.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};

use crate::Result;

/// HTTP cache validators of a URL, sent back on the next request so that an unchanged
/// resource costs a `304 Not Modified` and no body.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` header of the last full response.
    pub etag: Option<String>,
    /// The `Last-Modified` header of the last full response.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when neither header was given.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The outcome of the last webhook POST of a watchlist.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WebhookDelivery {
    /// The watchlist.
    pub watchlist_id: u64,
    /// Where it was sent (scheme, host and port only, so a secret in the path is not kept
    /// twice).
    pub target: String,
    /// True when the receiver answered 2xx.
    pub ok: bool,
    /// `HTTP 204`, or why it was not delivered.
    pub status: String,
    /// How many matching documents the payload carried.
    pub matches: u64,
    /// When (RFC 3339).
    pub at: String,
}

pub(crate) const MIGRATION: &str = r#"
CREATE TABLE feed_items (
    feed TEXT NOT NULL,
    item TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed, item)
) WITHOUT ROWID;
CREATE TABLE http_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE webhook_deliveries (
    watchlist_id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    ok INTEGER NOT NULL,
    status TEXT NOT NULL,
    matches INTEGER NOT NULL,
    at TEXT NOT NULL
);
"#;

pub(crate) fn seen_items(conn: &Connection, feed: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT item FROM feed_items WHERE feed = ?1")?;
    let rows = stmt.query_map([feed], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<HashSet<String>>>()?)
}

pub(crate) fn mark_seen(
    conn: &mut Connection,
    feed: &str,
    items: &[String],
    ts: &str,
) -> Result<()> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO feed_items (feed, item, seen_at) VALUES (?1, ?2, ?3)",
        )?;
        for i in items {
            stmt.execute(params![feed, i, ts])?;
        }
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn validators(conn: &Connection, url: &str) -> Result<Option<Validators>> {
    Ok(conn
        .query_row(
            "SELECT etag, last_modified FROM http_validators WHERE url = ?1",
            [url],
            |r| {
                Ok(Validators {
                    etag: r.get(0)?,
                    last_modified: r.get(1)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn set_validators(conn: &Connection, url: &str, v: &Validators, ts: &str) -> Result<()> {
    if v.is_empty() {
        conn.execute("DELETE FROM http_validators WHERE url = ?1", [url])?;
    } else {
        conn.execute(
            "INSERT OR REPLACE INTO http_validators (url, etag, last_modified, updated_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![url, v.etag, v.last_modified, ts],
        )?;
    }
    Ok(())
}

pub(crate) fn add_status_note(conn: &Connection, source: &str, note: &str) -> Result<()> {
    conn.execute(
        "UPDATE ingest_status SET reason = CASE WHEN reason IS NULL OR reason = '' THEN ?2
            ELSE reason || '; ' || ?2 END WHERE source = ?1",
        params![source, note],
    )?;
    Ok(())
}

pub(crate) fn record_delivery(conn: &Connection, d: &WebhookDelivery) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO webhook_deliveries (watchlist_id, target, ok, status, matches, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            d.watchlist_id as i64,
            d.target,
            d.ok,
            d.status,
            d.matches as i64,
            d.at
        ],
    )?;
    Ok(())
}

pub(crate) fn delivery(conn: &Connection, watchlist_id: u64) -> Result<Option<WebhookDelivery>> {
    Ok(conn
        .query_row(
            "SELECT target, ok, status, matches, at FROM webhook_deliveries WHERE watchlist_id = ?1",
            [watchlist_id as i64],
            |r| {
                Ok(WebhookDelivery {
                    watchlist_id,
                    target: r.get(0)?,
                    ok: r.get(1)?,
                    status: r.get(2)?,
                    matches: r.get::<_, i64>(3)? as u64,
                    at: r.get(4)?,
                })
            },
        )
        .optional()?)
}
