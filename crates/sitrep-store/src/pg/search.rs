//! Full-text search in PostgreSQL: `search_docs` holds one row per document — a
//! `tsvector` of its title, text, translations and entity names built with the
//! configuration of its language ([`super::ts_config`]), and the exact terms of the filters
//! (entity keys, event types, sources, language, publication date as yyyymmdd).
//!
//! A query is parsed under the english, french and simple configurations and the three
//! are OR-ed, so a word matches however the document's language stemmed it.

use std::cell::RefCell;

use postgres::types::ToSql;
use postgres::Client;
use sitrep_core::Document;

use super::write::SearchRows;
use crate::index::{date_key, Facets, Hit, SearchFilters};
use crate::search::SearchEngine;
use crate::{Error, Result};

/// [`SearchEngine`] on PostgreSQL. The store ([`super::PgStore`]) writes the rows with the
/// documents; this reads them, and rewrites them on a full re-index.
pub struct PgSearch {
    client: RefCell<Client>,
}

impl PgSearch {
    /// Connects to the database at `url` (migrating it when needed).
    pub fn connect(url: &str) -> Result<Self> {
        Ok(PgSearch {
            client: RefCell::new(super::connect(url)?),
        })
    }
}

/// A query in the index's syntax (tantivy's: `AND`, `OR`, `NOT`, `-word`, `"phrases"`,
/// `field:word`) as the syntax of `websearch_to_tsquery`: `AND` is dropped (words are
/// required anyway), `NOT x` becomes `-x`, a field prefix is dropped (every field is
/// searched), brackets are dropped.
pub fn websearch_query(q: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut negate = false;
    for w in q.split_whitespace() {
        match w {
            "AND" | "&&" => continue,
            "NOT" => {
                negate = true;
                continue;
            }
            "||" => {
                out.push("OR".into());
                continue;
            }
            _ => {}
        }
        let mut w = w.trim_matches(|c| c == '(' || c == ')').to_string();
        if let Some((field, rest)) = w.split_once(':') {
            let is_field = !field.is_empty()
                && !rest.starts_with("//")
                && field.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
            if is_field {
                w = rest.to_string();
            }
        }
        if w.is_empty() {
            continue;
        }
        if negate && !w.starts_with('-') {
            w.insert(0, '-');
        }
        negate = false;
        out.push(w);
    }
    out.join(" ")
}

/// The `WHERE` clause and parameters of a search, the text query first when there is one.
struct Built {
    sql: String,
    params: Vec<Box<dyn ToSql + Sync>>,
    has_text: bool,
}

impl Built {
    fn push(&mut self, p: impl ToSql + Sync + 'static) -> String {
        self.params.push(Box::new(p));
        format!("${}", self.params.len())
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params.iter().map(|b| b.as_ref()).collect()
    }
}

const QUERY_SQL: &str =
    "websearch_to_tsquery('english', $1) || websearch_to_tsquery('french', $1) \
     || websearch_to_tsquery('simple', $1)";

fn build(query: &str, filters: &SearchFilters) -> Result<Built> {
    let mut b = Built {
        sql: String::from("TRUE"),
        params: Vec::new(),
        has_text: false,
    };
    let text = websearch_query(query);
    if !text.trim().is_empty() {
        b.push(text);
        b.has_text = true;
        b.sql = format!("s.tsv @@ ({QUERY_SQL})");
    }
    if let Some(e) = &filters.entity {
        let p = b.push(vec![e.clone(), e.to_lowercase()]);
        b.sql
            .push_str(&format!(" AND s.entity_keys && {p}::text[]"));
    }
    if let Some(t) = &filters.event_type {
        let p = b.push(vec![t.to_lowercase()]);
        b.sql
            .push_str(&format!(" AND s.event_types @> {p}::text[]"));
    }
    if let Some(l) = &filters.lang {
        let p = b.push(l.to_lowercase());
        b.sql.push_str(&format!(" AND s.language = {p}"));
    }
    if let Some(s) = &filters.source {
        let p = b.push(vec![s.clone(), s.to_lowercase()]);
        b.sql.push_str(&format!(" AND s.sources && {p}::text[]"));
    }
    let bad =
        |s: &str| Error::Invalid(format!("`{s}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"));
    if let Some(s) = &filters.from {
        let p = b.push(date_key(s, true).ok_or_else(|| bad(s))?);
        b.sql.push_str(&format!(" AND s.published_key >= {p}"));
    }
    if let Some(s) = &filters.to {
        let p = b.push(date_key(s, false).ok_or_else(|| bad(s))?);
        b.sql.push_str(&format!(" AND s.published_key <= {p}"));
    }
    Ok(b)
}

/// Marks around matched words in `ts_headline`'s output; control characters that the
/// document's own text loses before the headline is cut.
const START: &str = "\u{2}";
const STOP: &str = "\u{3}";

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A headline with [`START`]/[`STOP`] marks as escaped HTML with `<b>` marks.
fn snippet_html(headline: &str) -> String {
    let collapsed: Vec<&str> = headline.split_whitespace().collect();
    escape_html(&collapsed.join(" "))
        .replace(START, "<b>")
        .replace(STOP, "</b>")
}

impl SearchEngine for PgSearch {
    fn try_writer(&mut self) -> bool {
        true
    }

    fn put_with_translations(
        &mut self,
        id: i64,
        doc: &Document,
        sources: &[String],
        _english: &[String],
    ) -> Result<()> {
        // the translations are read from their table, in the statement itself
        let mut rows = SearchRows::default();
        rows.push(id, doc, sources);
        rows.write(&mut *self.client.borrow_mut())
    }

    fn commit(&mut self) -> Result<()> {
        Ok(())
    }

    fn clear(&mut self) -> Result<()> {
        self.client
            .borrow_mut()
            .execute("DELETE FROM search_docs", &[])?;
        Ok(())
    }

    fn reload(&self) -> Result<()> {
        Ok(())
    }

    fn num_docs(&self) -> u64 {
        self.client
            .borrow_mut()
            .query_one("SELECT count(*) FROM search_docs", &[])
            .map_or(0, |r| r.get::<_, i64>(0) as u64)
    }

    fn search(
        &self,
        query: &str,
        filters: &SearchFilters,
        limit: usize,
        _text_of: &dyn Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>> {
        let mut b = build(query, filters)?;
        let lim = b.push(limit.max(1) as i64);
        let sql = if b.has_text {
            format!(
                "WITH top AS (
                    SELECT s.doc_id, s.cfg, ts_rank_cd(s.tsv, ({QUERY_SQL})) AS score
                    FROM search_docs s WHERE {where_}
                    ORDER BY score DESC, s.doc_id LIMIT {lim})
                 SELECT top.doc_id, d.title, d.published, d.source, top.score,
                    ts_headline(top.cfg::regconfig,
                        translate(left(d.text, 100000), E'\\x02\\x03', ''), ({QUERY_SQL}),
                        'StartSel=\"{START}\", StopSel=\"{STOP}\", MaxWords=40, MinWords=20, \
                         MaxFragments=1, FragmentDelimiter=\" … \"'), d.language
                 FROM top JOIN documents d ON d.id = top.doc_id
                 ORDER BY top.score DESC, top.doc_id",
                where_ = b.sql
            )
        } else {
            format!(
                "SELECT d.id, d.title, d.published, d.source, 1.0::real, left(d.text, 240), d.language
                 FROM search_docs s JOIN documents d ON d.id = s.doc_id
                 WHERE {where_} ORDER BY s.doc_id LIMIT {lim}",
                where_ = b.sql
            )
        };
        let rows = self.client.borrow_mut().query(&sql, &b.refs())?;
        Ok(rows
            .iter()
            .map(|r| {
                let text: String = r.get(5);
                Hit {
                    doc_id: r.get(0),
                    title: r.get(1),
                    published: r.get(2),
                    source: r.get(3),
                    score: r.get(4),
                    language: r.get(6),
                    snippet_html: if b.has_text {
                        snippet_html(&text)
                    } else {
                        let head: String = text.chars().take(240).collect();
                        let more = if text.chars().count() >= 240 {
                            "…"
                        } else {
                            ""
                        };
                        format!("{}{more}", escape_html(&head))
                    },
                }
            })
            .collect())
    }

    fn count(&self, query: &str, filters: &SearchFilters) -> Result<usize> {
        let b = build(query, filters)?;
        let sql = format!("SELECT count(*) FROM search_docs s WHERE {}", b.sql);
        let n: i64 = self.client.borrow_mut().query_one(&sql, &b.refs())?.get(0);
        Ok(n as usize)
    }

    fn count_after(&self, query: &str, filters: &SearchFilters, after: i64) -> Result<usize> {
        let mut b = build(query, filters)?;
        let p = b.push(after);
        let sql = format!(
            "SELECT count(*) FROM search_docs s WHERE {} AND s.doc_id > {p}",
            b.sql
        );
        let n: i64 = self.client.borrow_mut().query_one(&sql, &b.refs())?.get(0);
        Ok(n as usize)
    }

    /// Counts, languages, event types and years over every match. The entity facet is
    /// left empty: `search_docs` keeps every alias among an entity's keys, so counting
    /// them would list one entity several times.
    fn facets(&self, query: &str, filters: &SearchFilters) -> Result<(usize, Facets)> {
        let b = build(query, filters)?;
        let mut client = self.client.borrow_mut();
        let n: i64 = client
            .query_one(
                &format!("SELECT count(*) FROM search_docs s WHERE {}", b.sql),
                &b.refs(),
            )?
            .get(0);
        let mut group = |expr: &str, from: &str, order: &str| -> Result<Vec<(String, u64)>> {
            let sql = format!(
                "SELECT {expr} AS k, count(*) FROM search_docs s{from} WHERE {} AND {expr} IS NOT NULL \
                 GROUP BY 1 ORDER BY {order} LIMIT 20",
                b.sql
            );
            Ok(client
                .query(&sql, &b.refs())?
                .iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as u64))
                .collect())
        };
        let languages = group("s.language", "", "2 DESC, 1")?;
        let event_types = group("t.t", ", unnest(s.event_types) AS t(t)", "2 DESC, 1")?;
        let years = group("lpad((s.published_key / 10000)::text, 4, '0')", "", "1")?;
        Ok((
            n as usize,
            Facets {
                entities: Vec::new(),
                event_types,
                languages,
                years,
            },
        ))
    }

    fn matching_ids(&self, query: &str, filters: &SearchFilters, ids: &[i64]) -> Result<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = build(query, filters)?;
        let p = b.push(ids.to_vec());
        let sql = format!(
            "SELECT s.doc_id FROM search_docs s WHERE {} AND s.doc_id = ANY({p}) ORDER BY s.doc_id",
            b.sql
        );
        Ok(self
            .client
            .borrow_mut()
            .query(&sql, &b.refs())?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn written_with_documents(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_syntax_becomes_websearch_syntax() {
        assert_eq!(websearch_query("mali AND troops"), "mali troops");
        assert_eq!(websearch_query("mali NOT coup"), "mali -coup");
        assert_eq!(
            websearch_query("title:Kidal (gao OR timbuktu)"),
            "Kidal gao OR timbuktu"
        );
        assert_eq!(
            websearch_query("\"African-led mission\""),
            "\"African-led mission\""
        );
        assert_eq!(websearch_query("   "), "");
        assert_eq!(websearch_query("http://x.org"), "http://x.org");
    }

    #[test]
    fn headlines_are_escaped_with_bold_marks() {
        assert_eq!(
            snippet_html("a <script> \u{2}Kidal\u{3} &\n b"),
            "a &lt;script&gt; <b>Kidal</b> &amp; b"
        );
    }
}
