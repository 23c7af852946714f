//! Writing sources to PostgreSQL: every source of a batch — its documents, entities, dates,
//! events, search rows, sources and status — in one transaction, all or nothing.
//!
//! Several workers write at once. Before anything else a transaction takes, in one sorted
//! order, an advisory lock per content hash and per SimHash band of its documents: two
//! copies of one text, or two near duplicates (which share a band), are then never written
//! by two transactions that cannot see each other, and the lock order rules out deadlocks
//! between them. The exact-duplicate key is also `UNIQUE`.

use std::collections::HashMap;

use postgres::Transaction;
use sitrep_core::Document;

use crate::db::{entity_key, source_state, DocOutcome, EntityStats, IngestState, SourceWrite};
use crate::dedup::{self, NEAR_DISTANCE};
use crate::index::{date_key, entity_terms, event_types, source_terms};
use crate::{PreparedDoc, Result};

/// Joins array items for `string_to_array(.., E'\x1f')` (items lose any separator they hold).
pub(crate) const SEP: char = '\u{1f}';

pub(crate) fn join_sep<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.extend(s.as_ref().chars().filter(|&c| c != SEP));
    }
    out
}

/// The text-search configuration of a language: stemming for the languages PostgreSQL
/// ships a stemmer for among those sitrep detects, `simple` (lower-casing only) for the
/// others, Arabic included.
pub fn ts_config(lang: &str) -> &'static str {
    match lang {
        "en" => "english",
        "fr" => "french",
        "es" => "spanish",
        "pt" => "portuguese",
        "de" => "german",
        _ => "simple",
    }
}

/// Longest prefix of a document's text put into its search vector (a `tsvector` may not
/// exceed 1 MB).
pub(crate) const MAX_SEARCH_CHARS: i32 = 400_000;

/// The search vector of a row of `search_docs` `s` joined to its document `d`: title
/// (weight A), entity names and aliases (B, `simple`), the English of its translations
/// (C, `english`), the text (D), each in the document's configuration unless said.
pub(crate) fn tsv_sql(cfg: &str, entity_text: &str) -> String {
    format!(
        "setweight(to_tsvector({cfg}::regconfig, coalesce(d.title, '')), 'A') || \
         setweight(to_tsvector('simple', {entity_text}), 'B') || \
         setweight(to_tsvector('english', coalesce((SELECT string_agg(t.text, ' ') \
            FROM translations t WHERE t.document_id = d.id), '')), 'C') || \
         setweight(to_tsvector({cfg}::regconfig, left(d.text, {MAX_SEARCH_CHARS})), 'D')"
    )
}

/// A document's row of `search_docs`, before its vector is computed in the database.
#[derive(Default)]
pub(crate) struct SearchRows {
    ids: Vec<i64>,
    cfg: Vec<&'static str>,
    language: Vec<String>,
    published: Vec<Option<i64>>,
    entity_text: Vec<String>,
    entity_keys: Vec<String>,
    event_types: Vec<String>,
    sources: Vec<Vec<String>>,
}

impl SearchRows {
    pub(crate) fn push(&mut self, id: i64, doc: &Document, sources: &[String]) {
        let terms = entity_terms(doc);
        self.ids.push(id);
        self.cfg.push(ts_config(&doc.language));
        self.language.push(doc.language.to_lowercase());
        self.published.push(
            doc.meta
                .published
                .as_deref()
                .and_then(|p| date_key(p, true)),
        );
        self.entity_text.push(terms.names.join(" "));
        self.entity_keys.push(join_sep(&terms.keys));
        self.event_types.push(join_sep(&event_types(doc)));
        self.sources.push(source_terms(doc, sources));
    }

    /// Adds source terms to a row not yet written.
    fn add_sources(&mut self, id: i64, more: Vec<String>) -> bool {
        let Some(i) = self.ids.iter().position(|&x| x == id) else {
            return false;
        };
        let s = &mut self.sources[i];
        s.extend(more);
        s.sort();
        s.dedup();
        true
    }

    /// Writes (or replaces) the rows.
    pub(crate) fn write(&self, tx: &mut impl postgres::GenericClient) -> Result<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let sources: Vec<String> = self.sources.iter().map(|s| join_sep(s)).collect();
        let sql = format!(
            "INSERT INTO search_docs (doc_id, cfg, language, published_key, entity_text, \
                entity_keys, event_types, sources, tsv) \
             SELECT d.id, r.cfg, r.language, r.pk, r.et, string_to_array(r.ek, E'\\x1f'), \
                string_to_array(r.ev, E'\\x1f'), string_to_array(r.src, E'\\x1f'), {} \
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], \
                $6::text[], $7::text[], $8::text[]) AS r(id, cfg, language, pk, et, ek, ev, src) \
             JOIN documents d ON d.id = r.id \
             ON CONFLICT (doc_id) DO UPDATE SET cfg = excluded.cfg, language = excluded.language, \
                published_key = excluded.published_key, entity_text = excluded.entity_text, \
                entity_keys = excluded.entity_keys, event_types = excluded.event_types, \
                sources = excluded.sources, tsv = excluded.tsv",
            tsv_sql("r.cfg", "r.et")
        );
        let cfg: Vec<&str> = self.cfg.clone();
        tx.execute(
            &sql,
            &[
                &self.ids,
                &cfg,
                &self.language,
                &self.published,
                &self.entity_text,
                &self.entity_keys,
                &self.event_types,
                &sources,
            ],
        )?;
        Ok(())
    }
}

/// The rows of one transaction's documents, written with one statement per table.
#[derive(Default)]
struct Rows {
    src_doc: Vec<i64>,
    src: Vec<String>,
    src_url: Vec<Option<String>>,
    ent_doc: Vec<i64>,
    ent_key: Vec<String>,
    ent_kb: Vec<Option<String>>,
    ent_name: Vec<String>,
    ent_type: Vec<&'static str>,
    ent_sub: Vec<Option<String>>,
    ent_aliases: Vec<String>,
    ent_mentions: Vec<String>,
    date_doc: Vec<i64>,
    date_text: Vec<String>,
    date_start: Vec<i64>,
    date_end: Vec<i64>,
    date_value: Vec<String>,
    date_gran: Vec<String>,
    date_rs: Vec<String>,
    date_re: Vec<String>,
    date_rel: Vec<bool>,
    ev_doc: Vec<i64>,
    ev_type: Vec<&'static str>,
    ev_date: Vec<Option<String>>,
    ev_actors: Vec<String>,
    ev_targets: Vec<String>,
    ev_place: Vec<Option<String>>,
    ev_start: Vec<i64>,
    ev_end: Vec<i64>,
}

impl Rows {
    fn source(&mut self, id: i64, doc: &Document) {
        self.src_doc.push(id);
        self.src.push(doc.source.clone());
        self.src_url.push(doc.meta.url.clone());
    }

    fn document(&mut self, id: i64, d: &Document) -> Result<()> {
        self.source(id, d);
        for e in &d.entities {
            let spans: Vec<[usize; 2]> = e.mentions.iter().map(|m| [m.start, m.end]).collect();
            self.ent_doc.push(id);
            self.ent_key.push(entity_key(e));
            self.ent_kb.push(e.id.clone());
            self.ent_name.push(e.name.clone());
            self.ent_type.push(e.kind.as_str());
            self.ent_sub.push(e.subtype.clone());
            self.ent_aliases.push(serde_json::to_string(&e.aliases)?);
            self.ent_mentions.push(serde_json::to_string(&spans)?);
        }
        for t in &d.dates {
            self.date_doc.push(id);
            self.date_text.push(t.text.clone());
            self.date_start.push(t.start as i64);
            self.date_end.push(t.end as i64);
            self.date_value.push(t.value.clone());
            self.date_gran.push(t.granularity.clone());
            self.date_rs.push(t.range_start.clone());
            self.date_re.push(t.range_end.clone());
            self.date_rel.push(t.relative);
        }
        for e in &d.events {
            self.ev_doc.push(id);
            self.ev_type.push(e.kind.as_str());
            self.ev_date.push(e.date.clone());
            self.ev_actors.push(serde_json::to_string(&e.actors)?);
            self.ev_targets.push(serde_json::to_string(&e.targets)?);
            self.ev_place.push(e.place.clone());
            self.ev_start.push(e.start as i64);
            self.ev_end.push(e.end as i64);
        }
        Ok(())
    }

    fn write(&self, tx: &mut Transaction<'_>, ts: &str) -> Result<()> {
        if !self.src_doc.is_empty() {
            tx.execute(
                "INSERT INTO sources (document_id, source, url, added_at) \
                 SELECT i, s, u, $4 FROM unnest($1::bigint[], $2::text[], $3::text[]) AS r(i, s, u) \
                 ON CONFLICT DO NOTHING",
                &[&self.src_doc, &self.src, &self.src_url, &ts],
            )?;
        }
        if !self.ent_doc.is_empty() {
            tx.execute(
                "INSERT INTO entities (doc_id, entity_key, kb_id, name, type, subtype, aliases, mentions) \
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
                    $6::text[], $7::text[], $8::text[])",
                &[
                    &self.ent_doc,
                    &self.ent_key,
                    &self.ent_kb,
                    &self.ent_name,
                    &self.ent_type,
                    &self.ent_sub,
                    &self.ent_aliases,
                    &self.ent_mentions,
                ],
            )?;
        }
        if !self.date_doc.is_empty() {
            tx.execute(
                "INSERT INTO dates (doc_id, text, start, \"end\", value, granularity, range_start, \
                    range_end, relative) \
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], \
                    $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[])",
                &[
                    &self.date_doc,
                    &self.date_text,
                    &self.date_start,
                    &self.date_end,
                    &self.date_value,
                    &self.date_gran,
                    &self.date_rs,
                    &self.date_re,
                    &self.date_rel,
                ],
            )?;
        }
        if !self.ev_doc.is_empty() {
            tx.execute(
                "INSERT INTO events (doc_id, type, date, actors, targets, place, start, \"end\") \
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
                    $6::text[], $7::bigint[], $8::bigint[])",
                &[
                    &self.ev_doc,
                    &self.ev_type,
                    &self.ev_date,
                    &self.ev_actors,
                    &self.ev_targets,
                    &self.ev_place,
                    &self.ev_start,
                    &self.ev_end,
                ],
            )?;
        }
        Ok(())
    }
}

/// The advisory locks a batch takes before it looks for duplicates: (class, key) pairs,
/// class 0 for a content hash (its first 32 bits), classes 1–4 for the SimHash bands.
fn lock_keys(ws: &[&SourceWrite]) -> (Vec<i32>, Vec<i32>) {
    let mut keys: Vec<(i32, i32)> = Vec::new();
    for w in ws {
        for p in &w.docs {
            let head = p.text_hash.get(..8).unwrap_or("0");
            keys.push((0, u32::from_str_radix(head, 16).unwrap_or(0) as i32));
            if let Some(h) = p.simhash {
                for (i, b) in dedup::bands(h).into_iter().enumerate() {
                    keys.push((i as i32 + 1, b as i32));
                }
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter().unzip()
}

fn find_duplicate(tx: &mut Transaction<'_>, p: &PreparedDoc) -> Result<Option<DocOutcome>> {
    if let Some(r) = tx.query_opt(
        "SELECT id FROM documents WHERE content_hash = $1",
        &[&p.text_hash],
    )? {
        return Ok(Some(DocOutcome::Duplicate {
            of: r.get(0),
            exact: true,
        }));
    }
    let Some(h) = p.simhash else { return Ok(None) };
    let b: Vec<i32> = dedup::bands(h).iter().map(|&x| x as i32).collect();
    // one index-only query per band, as in SQLite, sent as one statement
    let rows = tx.query(
        "SELECT id, simhash FROM documents WHERE sh0 = $1 \
         UNION ALL SELECT id, simhash FROM documents WHERE sh1 = $2 \
         UNION ALL SELECT id, simhash FROM documents WHERE sh2 = $3 \
         UNION ALL SELECT id, simhash FROM documents WHERE sh3 = $4",
        &[&b[0], &b[1], &b[2], &b[3]],
    )?;
    let mut cands: Vec<(i64, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    // the oldest near duplicate is the original
    cands.sort_unstable();
    cands.dedup();
    Ok(cands
        .into_iter()
        .find(|&(_, other)| dedup::hamming(h, other as u64) <= NEAR_DISTANCE)
        .map(|(id, _)| DocOutcome::Duplicate {
            of: id,
            exact: false,
        }))
}

fn insert_document(tx: &mut Transaction<'_>, p: &PreparedDoc, blob: &str, ts: &str) -> Result<i64> {
    let d = &p.doc;
    let (sh, b) = match p.simhash {
        Some(h) => (Some(h as i64), dedup::bands(h).map(|x| Some(x as i32))),
        None => (None, [None; 4]),
    };
    let published_source = d.meta.published_source.and_then(|s| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    });
    let row = tx.query_one(
        "INSERT INTO documents (source, url, format, title, published, published_source, language,
            outlet, author, content_hash, simhash, sh0, sh1, sh2, sh3, text, blob_hash, created_at, json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         RETURNING id",
        &[
            &d.source,
            &d.meta.url,
            &d.format.as_str(),
            &d.meta.title,
            &d.meta.published,
            &published_source,
            &d.language,
            &d.meta.outlet,
            &d.meta.author,
            &p.text_hash,
            &sh,
            &b[0],
            &b[1],
            &b[2],
            &b[3],
            &d.text,
            &blob,
            &ts,
            &p.json,
        ],
    )?;
    Ok(row.get(0))
}

/// Upserts a source's ingest status (one more attempt).
pub(crate) fn upsert_status(
    tx: &mut impl postgres::GenericClient,
    source: &str,
    state: IngestState,
    reason: Option<&str>,
    hash: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO ingest_status (source, state, reason, attempts, content_hash, updated_at)
         VALUES ($1, $2, $3, 1, $4, $5)
         ON CONFLICT (source) DO UPDATE SET state = excluded.state, reason = excluded.reason,
            attempts = ingest_status.attempts + 1, content_hash = excluded.content_hash,
            updated_at = excluded.updated_at",
        &[&source, &state.as_str(), &reason, &hash, &crate::db::now()],
    )?;
    Ok(())
}

fn flush_stats(tx: &mut Transaction<'_>, stats: &EntityStats) -> Result<()> {
    // Sorted, so that two transactions upsert shared keys in the same order.
    let mut totals: Vec<_> = stats.totals.iter().collect();
    totals.sort_by(|a, b| a.0.cmp(b.0));
    let keys: Vec<&str> = totals.iter().map(|(k, _)| k.as_str()).collect();
    let kbs: Vec<Option<&str>> = totals.iter().map(|(_, t)| t.0.as_deref()).collect();
    let kinds: Vec<&str> = totals.iter().map(|(_, t)| t.1).collect();
    let subs: Vec<Option<&str>> = totals.iter().map(|(_, t)| t.2.as_deref()).collect();
    let docs: Vec<i64> = totals.iter().map(|(_, t)| t.3).collect();
    if !keys.is_empty() {
        tx.execute(
            "INSERT INTO entity_totals (entity_key, kb_id, type, subtype, docs) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) \
             ON CONFLICT (entity_key) DO UPDATE SET docs = entity_totals.docs + excluded.docs",
            &[&keys, &kbs, &kinds, &subs, &docs],
        )?;
    }
    for (table, col, counts) in [
        ("entity_months", "month", &stats.months),
        ("entity_names", "name", &stats.names),
    ] {
        let mut rows: Vec<_> = counts.iter().collect();
        rows.sort();
        if rows.is_empty() {
            continue;
        }
        let keys: Vec<&str> = rows.iter().map(|((k, _), _)| k.as_str()).collect();
        let values: Vec<&str> = rows.iter().map(|((_, v), _)| v.as_str()).collect();
        let n: Vec<i64> = rows.iter().map(|(_, n)| **n).collect();
        tx.execute(
            &format!(
                "INSERT INTO {table} (entity_key, {col}, docs) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) \
                 ON CONFLICT (entity_key, {col}) DO UPDATE SET docs = {table}.docs + excluded.docs"
            ),
            &[&keys, &values, &n],
        )?;
    }
    let mut aliases: Vec<_> = stats.aliases.iter().collect();
    aliases.sort();
    if !aliases.is_empty() {
        let keys: Vec<&str> = aliases.iter().map(|(k, _)| k.as_str()).collect();
        let values: Vec<&str> = aliases.iter().map(|(_, a)| a.as_str()).collect();
        tx.execute(
            "INSERT INTO entity_aliases (entity_key, alias) \
             SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            &[&keys, &values],
        )?;
    }
    Ok(())
}

/// Writes several sources in one transaction, the caller's; returns each document's outcome.
pub(crate) fn write_sources(
    tx: &mut Transaction<'_>,
    ws: &[&SourceWrite],
) -> Result<Vec<Vec<DocOutcome>>> {
    let ts = crate::db::now();
    let (classes, keys) = lock_keys(ws);
    if !classes.is_empty() {
        tx.execute(
            "SELECT count(pg_advisory_xact_lock(c, k)) FROM unnest($1::int[], $2::int[]) AS t(c, k)",
            &[&classes, &keys],
        )?;
    }
    let mut rows = Rows::default();
    let mut search = SearchRows::default();
    let mut stats = EntityStats::default();
    // sources to add to the search rows of documents stored before this transaction
    let mut extra: HashMap<i64, Vec<String>> = HashMap::new();
    let mut out = Vec::with_capacity(ws.len());
    for w in ws {
        let blob = dedup::sha256_hex(&w.original);
        tx.execute(
            "INSERT INTO blobs (hash, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&blob, &w.original],
        )
        .map_err(|e| crate::Error::from(e).when_writing(&w.source))?;
        let mut outcomes = Vec::with_capacity(w.docs.len());
        for p in &w.docs {
            match find_duplicate(tx, p)? {
                Some(dup @ DocOutcome::Duplicate { of, .. }) => {
                    rows.source(of, &p.doc);
                    let terms = source_terms(&p.doc, &[]);
                    if !search.add_sources(of, terms.clone()) {
                        extra.entry(of).or_default().extend(terms);
                    }
                    outcomes.push(dup);
                }
                _ => {
                    let id = insert_document(tx, p, &blob, &ts)?;
                    rows.document(id, &p.doc)?;
                    search.push(id, &p.doc, &[]);
                    stats.add(&p.doc);
                    outcomes.push(DocOutcome::Stored(id));
                }
            }
        }
        out.push(outcomes);
    }
    rows.write(tx, &ts)?;
    search.write(tx)?;
    let mut extra: Vec<(i64, Vec<String>)> = extra.into_iter().collect();
    extra.sort();
    for (id, terms) in extra {
        tx.execute(
            "UPDATE search_docs SET sources = ARRAY(SELECT DISTINCT unnest(sources || $2::text[]) ORDER BY 1) \
             WHERE doc_id = $1",
            &[&id, &terms],
        )?;
    }
    flush_stats(tx, &stats)?;
    for (w, outcomes) in ws.iter().zip(&out) {
        let (state, reason) = source_state(outcomes);
        upsert_status(
            tx,
            &w.source,
            state,
            reason.as_deref(),
            Some(&w.content_hash),
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations() {
        assert_eq!(ts_config("en"), "english");
        assert_eq!(ts_config("fr"), "french");
        assert_eq!(ts_config("ar"), "simple");
        assert_eq!(ts_config("xx"), "simple");
    }

    #[test]
    fn separators_are_dropped_from_items() {
        assert_eq!(join_sep(&["a", "b\u{1f}c"]), "a\u{1f}bc");
        assert_eq!(join_sep::<&str>(&[]), "");
    }
}
