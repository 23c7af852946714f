//! sitrep on PostgreSQL: the [`DocumentStore`] ([`PgStore`]), full-text search
//! ([`PgSearch`]) and the job queue ([`queue::JobQueue`]) on one database, so that any
//! number of workers and servers on any number of machines share one store.
//!
//! The semantics are the SQLite store's: migrations ([`schema`]), exact and near-duplicate
//! detection through the same keys and SimHash band indexes, every source written whole or
//! not at all (one transaction, see [`write`]), per-source ingest status. Search rows are
//! written in the same transaction as their documents, so the search never lags behind.

pub mod cluster;
pub mod queue;
mod schema;
mod search;
mod write;

use std::cell::RefCell;
use std::collections::HashSet;

use postgres::{Client, NoTls, Row};
use sitrep_core::translate::Translation;

use crate::db::{
    decode_compressed, fill_spans, placeholder_document, DocOutcome, DocumentStore, EntityInfo,
    IngestState, IngestStatus, SourceWrite, StoredDocument, StoredTranslation,
};
use crate::tracking::{Validators, WebhookDelivery};
use crate::{Error, Result};

pub use schema::SCHEMA_VERSION;
pub use search::{websearch_query, PgSearch};
pub use write::ts_config;

/// Connects to a database and brings its schema up to date.
pub fn connect(url: &str) -> Result<Client> {
    let mut client = Client::connect(url, NoTls).map_err(|e| {
        Error::Invalid(format!(
            "cannot connect to PostgreSQL at {}: {e}; check that the server runs and the URL \
             (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE) names an existing database",
            crate::location::redact_password(url)
        ))
    })?;
    schema::migrate(&mut client)?;
    Ok(client)
}

/// [`DocumentStore`] on PostgreSQL. One connection; reads go through a `RefCell` because
/// the client needs `&mut` for every query while the trait's readers take `&self`.
pub struct PgStore {
    client: RefCell<Client>,
}

impl PgStore {
    /// Connects to the database at `url` and applies pending migrations.
    pub fn connect(url: &str) -> Result<Self> {
        Ok(PgStore {
            client: RefCell::new(connect(url)?),
        })
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&mut self.client.borrow_mut())
    }

    fn query(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        Ok(self.client.borrow_mut().query(sql, params)?)
    }

    fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<Row>> {
        Ok(self.client.borrow_mut().query_opt(sql, params)?)
    }

    fn execute(&self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<u64> {
        Ok(self.client.borrow_mut().execute(sql, params)?)
    }
}

const STATUS_COLS: &str = "source, state, reason, attempts, content_hash, updated_at";

fn status_row(r: &Row) -> IngestStatus {
    let state: String = r.get(1);
    IngestStatus {
        source: r.get(0),
        state: IngestState::parse(&state).unwrap_or(IngestState::Queued),
        reason: r.get(2),
        attempts: r.get(3),
        content_hash: r.get(4),
        updated_at: r.get(5),
    }
}

fn names_of(what: &[&SourceWrite]) -> String {
    match what {
        [] => String::new(),
        [one] => one.source.clone(),
        [first, rest @ ..] => format!(
            "{} (and {} sources written with it)",
            first.source,
            rest.len()
        ),
    }
}

impl DocumentStore for PgStore {
    fn queue_sources(&mut self, sources: &[&str]) -> Result<()> {
        self.execute(
            "INSERT INTO ingest_status (source, state, attempts, updated_at) \
             SELECT s, 'queued', 0, $2 FROM unnest($1::text[]) AS s ON CONFLICT DO NOTHING",
            &[&sources, &crate::db::now()],
        )?;
        Ok(())
    }

    fn write_source(&mut self, w: &SourceWrite) -> Result<Vec<DocOutcome>> {
        Ok(self.write_sources(&[w])?.pop().unwrap_or_default())
    }

    fn write_sources(&mut self, ws: &[&SourceWrite]) -> Result<Vec<Vec<DocOutcome>>> {
        let mut client = self.client.borrow_mut();
        let what = |e: Error| e.when_writing(&names_of(ws));
        let mut tx = client.transaction().map_err(|e| what(e.into()))?;
        let out = write::write_sources(&mut tx, ws).map_err(what)?;
        tx.commit().map_err(|e| what(e.into()))?;
        Ok(out)
    }

    fn mark_failed(
        &mut self,
        source: &str,
        content_hash: Option<&str>,
        reason: &str,
    ) -> Result<()> {
        write::upsert_status(
            &mut *self.client.borrow_mut(),
            source,
            IngestState::Failed,
            Some(reason),
            content_hash,
        )
    }

    fn status(&self, source: &str) -> Result<Option<IngestStatus>> {
        Ok(self
            .query_opt(
                &format!("SELECT {STATUS_COLS} FROM ingest_status WHERE source = $1"),
                &[&source],
            )?
            .map(|r| status_row(&r)))
    }

    fn statuses(&self, state: Option<IngestState>) -> Result<Vec<IngestStatus>> {
        let state = state.map(|s| s.as_str());
        Ok(self
            .query(
                &format!(
                    "SELECT {STATUS_COLS} FROM ingest_status WHERE $1::text IS NULL OR state = $1 \
                     ORDER BY source COLLATE \"C\""
                ),
                &[&state],
            )?
            .iter()
            .map(status_row)
            .collect())
    }

    fn status_counts(&self) -> Result<Vec<(IngestState, u64)>> {
        let rows = self.query(
            "SELECT state, COUNT(*) FROM ingest_status GROUP BY state ORDER BY state COLLATE \"C\"",
            &[],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let s: String = r.get(0);
                let n: i64 = r.get(1);
                IngestState::parse(&s).map(|s| (s, n as u64))
            })
            .collect())
    }

    fn get(&self, id: i64) -> Result<Option<StoredDocument>> {
        let Some(r) = self.query_opt(
            "SELECT id, source, url, format, title, published, published_source, language, outlet,
                author, content_hash, simhash, text, status, error, created_at, indexed, json
             FROM documents WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let json: Vec<u8> = r.get(17);
        let mut d = StoredDocument {
            id: r.get(0),
            source: r.get(1),
            url: r.get(2),
            format: r.get(3),
            title: r.get(4),
            published: r.get(5),
            published_source: r.get(6),
            language: r.get(7),
            outlet: r.get(8),
            author: r.get(9),
            content_hash: r.get(10),
            simhash: r.get::<_, Option<i64>>(11).map(|h| h as u64),
            text: r.get(12),
            status: r.get(13),
            error: r.get(14),
            created_at: r.get(15),
            indexed: r.get(16),
            document: placeholder_document(),
        };
        d.document = decode_compressed(&json)?;
        fill_spans(&mut d.document, &d.text);
        Ok(Some(d))
    }

    fn text(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .query_opt("SELECT text FROM documents WHERE id = $1", &[&id])?
            .map(|r| r.get(0)))
    }

    fn sources_of(&self, id: i64) -> Result<Vec<String>> {
        Ok(self
            .query(
                "SELECT source FROM sources WHERE document_id = $1 \
                 ORDER BY added_at COLLATE \"C\", source COLLATE \"C\"",
                &[&id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn original(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .query_opt(
                "SELECT b.bytes FROM documents d JOIN blobs b ON b.hash = d.blob_hash WHERE d.id = $1",
                &[&id],
            )?
            .map(|r| r.get(0)))
    }

    fn document_count(&self) -> Result<u64> {
        let r = self
            .query_opt("SELECT COUNT(*) FROM documents", &[])?
            .map_or(0, |r| r.get::<_, i64>(0));
        Ok(r as u64)
    }

    fn unindexed(&self, limit: usize) -> Result<Vec<i64>> {
        Ok(self
            .query(
                "SELECT id FROM documents WHERE NOT indexed ORDER BY id LIMIT $1",
                &[&(limit as i64)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn mark_indexed(&mut self, ids: &[i64]) -> Result<()> {
        self.execute(
            "UPDATE documents SET indexed = true WHERE id = ANY($1) AND NOT indexed",
            &[&ids],
        )?;
        Ok(())
    }

    fn mark_all_unindexed(&mut self) -> Result<()> {
        self.execute("UPDATE documents SET indexed = false", &[])?;
        Ok(())
    }

    fn put_translation(&mut self, id: i64, t: &Translation) -> Result<()> {
        let json = serde_json::to_string(t)?;
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction()?;
        tx.execute(
            "INSERT INTO translations (document_id, backend, text, json, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (document_id, backend) DO UPDATE SET text = excluded.text,
                json = excluded.json, created_at = excluded.created_at",
            &[&id, &t.backend, &t.text(), &json, &crate::db::now()],
        )?;
        // the search row takes the English at once, in the same transaction
        tx.execute(
            &format!(
                "UPDATE search_docs s SET tsv = {} FROM documents d \
                 WHERE d.id = s.doc_id AND s.doc_id = $1",
                write::tsv_sql("s.cfg", "s.entity_text")
            ),
            &[&id],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn translations(&self, id: i64) -> Result<Vec<StoredTranslation>> {
        let rows = self.query(
            "SELECT backend, text, created_at, json FROM translations WHERE document_id = $1
             ORDER BY created_at COLLATE \"C\" DESC, backend COLLATE \"C\"",
            &[&id],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let json: String = r.get(3);
            out.push(StoredTranslation {
                document_id: id,
                backend: r.get(0),
                text: r.get(1),
                created_at: r.get(2),
                translation: serde_json::from_str(&json)?,
            });
        }
        Ok(out)
    }

    fn seen_feed_items(&self, feed: &str) -> Result<HashSet<String>> {
        Ok(self
            .query("SELECT item FROM feed_items WHERE feed = $1", &[&feed])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn mark_feed_items_seen(&mut self, feed: &str, items: &[String]) -> Result<()> {
        self.execute(
            "INSERT INTO feed_items (feed, item, seen_at) SELECT $1, i, $3 FROM unnest($2::text[]) AS i \
             ON CONFLICT DO NOTHING",
            &[&feed, &items, &crate::db::now()],
        )?;
        Ok(())
    }

    fn http_validators(&self, url: &str) -> Result<Option<Validators>> {
        Ok(self
            .query_opt(
                "SELECT etag, last_modified FROM http_validators WHERE url = $1",
                &[&url],
            )?
            .map(|r| Validators {
                etag: r.get(0),
                last_modified: r.get(1),
            }))
    }

    fn set_http_validators(&mut self, url: &str, v: &Validators) -> Result<()> {
        if v.is_empty() {
            self.execute("DELETE FROM http_validators WHERE url = $1", &[&url])?;
        } else {
            self.execute(
                "INSERT INTO http_validators (url, etag, last_modified, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                    last_modified = excluded.last_modified, updated_at = excluded.updated_at",
                &[&url, &v.etag, &v.last_modified, &crate::db::now()],
            )?;
        }
        Ok(())
    }

    fn add_status_note(&mut self, source: &str, note: &str) -> Result<()> {
        self.execute(
            "UPDATE ingest_status SET reason = CASE WHEN reason IS NULL OR reason = '' THEN $2
                ELSE reason || '; ' || $2 END WHERE source = $1",
            &[&source, &note],
        )?;
        Ok(())
    }

    fn record_webhook_delivery(&mut self, d: &WebhookDelivery) -> Result<()> {
        self.execute(
            "INSERT INTO webhook_deliveries (watchlist_id, target, ok, status, matches, at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (watchlist_id) DO UPDATE SET target = excluded.target, ok = excluded.ok,
                status = excluded.status, matches = excluded.matches, at = excluded.at",
            &[
                &(d.watchlist_id as i64),
                &d.target,
                &d.ok,
                &d.status,
                &(d.matches as i64),
                &d.at,
            ],
        )?;
        Ok(())
    }

    fn webhook_delivery(&self, watchlist_id: u64) -> Result<Option<WebhookDelivery>> {
        Ok(self
            .query_opt(
                "SELECT target, ok, status, matches, at FROM webhook_deliveries WHERE watchlist_id = $1",
                &[&(watchlist_id as i64)],
            )?
            .map(|r| WebhookDelivery {
                watchlist_id,
                target: r.get(0),
                ok: r.get(1),
                status: r.get(2),
                matches: r.get::<_, i64>(3) as u64,
                at: r.get(4),
            }))
    }

    fn recent_ids(&self, limit: usize, from: Option<&str>, to: Option<&str>) -> Result<Vec<i64>> {
        let from = from.filter(|s| !s.is_empty());
        // `to` is inclusive on its prefix: 2012-03 includes 2012-03-31.
        let to_hi = to
            .filter(|s| !s.is_empty())
            .map(|t| format!("{t}\u{10FFFF}"));
        Ok(self
            .query(
                "SELECT id FROM documents \
                 WHERE ($1::text IS NULL OR (published IS NOT NULL AND published COLLATE \"C\" >= $1)) \
                   AND ($2::text IS NULL OR (published IS NOT NULL AND published COLLATE \"C\" <= $2)) \
                 ORDER BY published IS NULL, published COLLATE \"C\" DESC, id DESC LIMIT $3",
                &[&from, &to_hi, &(limit as i64)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn entity_info(&self, key: &str) -> Result<Option<EntityInfo>> {
        let Some(r) = self.query_opt(
            "SELECT kb_id, type, subtype, docs FROM entity_totals WHERE entity_key = $1",
            &[&key],
        )?
        else {
            return Ok(None);
        };
        let (kb_id, kind, subtype, docs): (Option<String>, String, Option<String>, i64) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let mut names: Vec<String> = self
            .query(
                "SELECT name FROM entity_names WHERE entity_key = $1 \
                 ORDER BY docs DESC, name COLLATE \"C\" LIMIT 50",
                &[&key],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let name = if names.is_empty() {
            key.to_string()
        } else {
            names.remove(0)
        };
        let mut aliases = names;
        let more: Vec<String> = self
            .query(
                "SELECT alias FROM entity_aliases WHERE entity_key = $1 ORDER BY alias COLLATE \"C\" LIMIT 100",
                &[&key],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
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
        Ok(self
            .query(
                "SELECT month, docs FROM entity_months WHERE entity_key = $1 ORDER BY month COLLATE \"C\"",
                &[&key],
            )?
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect())
    }
}
