//! The full-text index (tantivy, on disk): what is indexed and how it is searched.

use std::ops::Bound;
use std::path::Path;

use sitrep_core::Document;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, Value, FAST, INDEXED, STORED, STRING, TEXT,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::{Error, Result};

/// Filters applied to a search besides the query text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchFilters {
    /// An entity: a KB id, or a name or alias (any case).
    pub entity: Option<String>,
    /// An event type (`coup`, `deployment`...).
    pub event_type: Option<String>,
    /// Earliest publication date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Latest publication date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub to: Option<String>,
    /// ISO 639-1 language.
    pub lang: Option<String>,
    /// A source: full path or URL, host name, or outlet.
    pub source: Option<String>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Document id in the store.
    pub doc_id: i64,
    /// Title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// First source of the document.
    pub source: String,
    /// Relevance score.
    pub score: f32,
    /// A fragment of the text, HTML-escaped, with matched words in `<b>…</b>`.
    pub snippet_html: String,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    language: Field,
    published: Field,
    published_text: Field,
    source: Field,
    first_source: Field,
    entities: Field,
    entity_key: Field,
    event_type: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let f = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", TEXT | STORED),
        body: b.add_text_field("body", TEXT),
        language: b.add_text_field("language", STRING | STORED),
        published: b.add_i64_field("published", INDEXED | STORED | FAST),
        published_text: b.add_text_field("published_text", STORED),
        source: b.add_text_field("source", STRING),
        first_source: b.add_text_field("first_source", STORED),
        entities: b.add_text_field("entities", TEXT),
        entity_key: b.add_text_field("entity_key", STRING),
        event_type: b.add_text_field("event_type", STRING),
    };
    (b.build(), f)
}

/// `YYYY[-MM[-DD]]` as a yyyymmdd number; missing parts are 0 (`low`) or 99 (not `low`).
/// `None` for what is not such a date, including a month or day outside 0–99 and a year
/// beyond ±99,999 (fuzzing found "88888-11111111111111113" overflowing the arithmetic).
pub fn date_key(s: &str, low: bool) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let fill = if low { 0 } else { 99 };
    let m: i64 = match parts.next() {
        Some(m) => m.parse().ok()?,
        None => fill,
    };
    let d: i64 = match parts.next() {
        Some(d) => d.get(..2).unwrap_or(d).parse().ok()?,
        None => fill,
    };
    if y.abs() > 99_999 || !(0..=99).contains(&m) || !(0..=99).contains(&d) {
        return None;
    }
    Some(y * 10000 + m * 100 + d)
}

fn host_of(s: &str) -> Option<&str> {
    let rest = s.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    Some(host.split(':').next().unwrap_or(host)).filter(|h| !h.is_empty())
}

/// The exact terms a `source` filter matches for a document: every source path or URL it was
/// seen at, their host names (with and without `www.`), and its outlet, in lower case where
/// the filter compares in lower case. Sorted, without repeats.
pub fn source_terms(doc: &Document, sources: &[String]) -> Vec<String> {
    let mut srcs: Vec<String> = Vec::new();
    for s in sources
        .iter()
        .chain(std::iter::once(&doc.source))
        .chain(doc.meta.url.iter())
    {
        srcs.push(s.clone());
        if let Some(h) = host_of(s) {
            srcs.push(h.to_lowercase());
            if let Some(h) = h.strip_prefix("www.") {
                srcs.push(h.to_lowercase());
            }
        }
    }
    if let Some(o) = &doc.meta.outlet {
        srcs.push(o.to_lowercase());
    }
    srcs.sort();
    srcs.dedup();
    srcs
}

/// What the index knows of a document's entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityTerms {
    /// KB ids, names and aliases, as written (searched as words).
    pub names: Vec<String>,
    /// KB ids (as written and in lower case), lower-case names and aliases: what an
    /// `entity` filter matches exactly. Sorted, without repeats.
    pub keys: Vec<String>,
}

/// The entity names and filter keys of a document.
pub fn entity_terms(doc: &Document) -> EntityTerms {
    let mut out = EntityTerms::default();
    for e in &doc.entities {
        if let Some(kb) = &e.id {
            out.names.push(kb.clone());
            out.keys.push(kb.clone());
            out.keys.push(kb.to_lowercase());
        }
        out.names.push(e.name.clone());
        out.keys.push(e.name.to_lowercase());
        for a in &e.aliases {
            out.names.push(a.clone());
            out.keys.push(a.to_lowercase());
        }
    }
    out.keys.sort();
    out.keys.dedup();
    out
}

/// The event types of a document, sorted, without repeats.
pub fn event_types(doc: &Document) -> Vec<&'static str> {
    let mut types: Vec<&'static str> = doc.events.iter().map(|e| e.kind.as_str()).collect();
    types.sort();
    types.dedup();
    types
}

/// The tantivy index of a store.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    f: Fields,
}

impl SearchIndex {
    /// Opens (creating when needed) the index in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
        let (schema, f) = schema();
        let mdir = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(mdir, schema)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: None,
            f,
        })
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> Result<Self> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: None,
            f,
        })
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let w = self
                .index
                .writer_with_num_threads(1, 32_000_000)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(..) => Error::Locked,
                    e => Error::Index(e),
                })?;
            self.writer = Some(w);
        }
        self.writer.as_mut().ok_or(Error::Locked)
    }

    /// Whether this process holds the index writer (or can take it).
    pub fn try_writer(&mut self) -> bool {
        self.writer().is_ok()
    }

    /// Adds (or replaces) the document with this id; visible after [`SearchIndex::commit`].
    pub fn put(&mut self, id: i64, doc: &Document, sources: &[String]) -> Result<()> {
        self.put_with_translations(id, doc, sources, &[])
    }

    /// [`SearchIndex::put`], with the English of machine translations added to the body, so
    /// that English queries find documents written in other languages.
    pub fn put_with_translations(
        &mut self,
        id: i64,
        doc: &Document,
        sources: &[String],
        english: &[String],
    ) -> Result<()> {
        let f = self.f;
        let mut t = TantivyDocument::default();
        t.add_u64(f.id, id as u64);
        if let Some(title) = &doc.meta.title {
            t.add_text(f.title, title);
        }
        t.add_text(f.body, &doc.text);
        for e in english {
            t.add_text(f.body, e);
        }
        t.add_text(f.language, &doc.language);
        if let Some(p) = &doc.meta.published {
            if let Some(k) = date_key(p, true) {
                t.add_i64(f.published, k);
            }
            t.add_text(f.published_text, p);
        }
        t.add_text(f.first_source, &doc.source);
        for s in &source_terms(doc, sources) {
            t.add_text(f.source, s);
        }
        let terms = entity_terms(doc);
        for name in &terms.names {
            t.add_text(f.entities, name);
        }
        for k in &terms.keys {
            t.add_text(f.entity_key, k);
        }
        for ty in event_types(doc) {
            t.add_text(f.event_type, ty);
        }
        let w = self.writer()?;
        w.delete_term(Term::from_field_u64(f.id, id as u64));
        w.add_document(t)?;
        Ok(())
    }

    /// Makes every added document durable and visible.
    pub fn commit(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.commit()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Removes every document (before a full rebuild).
    pub fn clear(&mut self) -> Result<()> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Re-reads the committed index.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    /// Number of documents in the committed index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn build_query(&self, query: &str, filters: &SearchFilters) -> Result<Box<dyn Query>> {
        let f = self.f;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let text_query: Option<Box<dyn Query>> = if query.trim().is_empty() {
            None
        } else {
            let mut qp = QueryParser::for_index(&self.index, vec![f.title, f.body, f.entities]);
            qp.set_field_boost(f.title, 2.0);
            qp.set_field_boost(f.entities, 1.5);
            Some(match qp.parse_query(query) {
                Ok(q) => q,
                Err(_) => qp.parse_query_lenient(query).0,
            })
        };
        clauses.push((
            Occur::Must,
            text_query.unwrap_or_else(|| Box::new(AllQuery)),
        ));
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        let any = |qs: Vec<Box<dyn Query>>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                qs.into_iter().map(|q| (Occur::Should, q)).collect(),
            ))
        };
        if let Some(e) = &filters.entity {
            clauses.push((
                Occur::Must,
                any(vec![
                    term(f.entity_key, e),
                    term(f.entity_key, &e.to_lowercase()),
                ]),
            ));
        }
        if let Some(t) = &filters.event_type {
            clauses.push((Occur::Must, term(f.event_type, &t.to_lowercase())));
        }
        if let Some(l) = &filters.lang {
            clauses.push((Occur::Must, term(f.language, &l.to_lowercase())));
        }
        if let Some(s) = &filters.source {
            clauses.push((
                Occur::Must,
                any(vec![term(f.source, s), term(f.source, &s.to_lowercase())]),
            ));
        }
        let bad =
            |s: &str| Error::Invalid(format!("`{s}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"));
        let lo = match &filters.from {
            Some(s) => Bound::Included(Term::from_field_i64(
                f.published,
                date_key(s, true).ok_or_else(|| bad(s))?,
            )),
            None => Bound::Unbounded,
        };
        let hi = match &filters.to {
            Some(s) => Bound::Included(Term::from_field_i64(
                f.published,
                date_key(s, false).ok_or_else(|| bad(s))?,
            )),
            None => Bound::Unbounded,
        };
        if !matches!((&lo, &hi), (Bound::Unbounded, Bound::Unbounded)) {
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Ranked search; `text_of` gives the cleaned text of a document for its snippet.
    pub fn search(
        &self,
        query: &str,
        filters: &SearchFilters,
        limit: usize,
        text_of: impl Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>> {
        let f = self.f;
        let q = self.build_query(query, filters)?;
        let searcher = self.reader.searcher();
        let top = guarded(query, || {
            searcher.search(&q, &TopDocs::with_limit(limit.max(1)).order_by_score())
        })?;
        let mut snip = if query.trim().is_empty() {
            None
        } else {
            let mut g = SnippetGenerator::create(&searcher, &*q, f.body)?;
            g.set_max_num_chars(240);
            Some(g)
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let text_field =
                |fl: Field| d.get_first(fl).and_then(|v| v.as_str().map(str::to_string));
            let id = d.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64;
            let text = text_of(id).unwrap_or_default();
            let snippet_html = match snip.as_mut() {
                Some(g) => {
                    let s = g.snippet(&text);
                    if s.fragment().is_empty() {
                        escape_html(&head(&text, 240))
                    } else {
                        s.to_html()
                    }
                }
                None => escape_html(&head(&text, 240)),
            };
            hits.push(Hit {
                doc_id: id,
                title: text_field(f.title),
                published: text_field(f.published_text),
                source: text_field(f.first_source).unwrap_or_default(),
                score,
                snippet_html,
            });
        }
        Ok(hits)
    }

    /// Number of documents matching a query and filters.
    pub fn count(&self, query: &str, filters: &SearchFilters) -> Result<usize> {
        let q = self.build_query(query, filters)?;
        let searcher = self.reader.searcher();
        guarded(query, || searcher.search(&q, &Count))
    }

    /// The documents among `ids` that match a query and filters, in ascending id order.
    pub fn matching_ids(
        &self,
        query: &str,
        filters: &SearchFilters,
        ids: &[i64],
    ) -> Result<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let f = self.f;
        let among = TermSetQuery::new(ids.iter().map(|&id| Term::from_field_u64(f.id, id as u64)));
        let q = BooleanQuery::new(vec![
            (Occur::Must, self.build_query(query, filters)?),
            (Occur::Must, Box::new(among)),
        ]);
        let searcher = self.reader.searcher();
        let top = guarded(query, || {
            searcher.search(&q, &TopDocs::with_limit(ids.len()).order_by_score())
        })?;
        let mut out = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = d.get_first(f.id).and_then(|v| v.as_u64()) {
                out.push(id as i64);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

/// Runs a search, turning a panic inside the search engine into an error that names the
/// query. Fuzzing found a query (an exclusion over a phrase, `… -22]-22 …`) on which
/// tantivy 0.27 trips one of its own debug assertions; a query must never take the
/// process (or a server worker) down with it.
fn guarded<T>(query: &str, run: impl FnOnce() -> tantivy::Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(r) => Ok(r?),
        Err(_) => Err(Error::Invalid(format!(
            "the search engine failed on the query {:?}; simplify it (quotes, brackets, \
             minus signs) and try again",
            head(query, 80)
        ))),
    }
}

fn head(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys() {
        assert_eq!(date_key("2012-03-22", true), Some(20120322));
        assert_eq!(date_key("2012-03", true), Some(20120300));
        assert_eq!(date_key("2012", false), Some(20129999));
        assert_eq!(date_key("2012-03-22T10:00:00Z", true), Some(20120322));
        assert_eq!(date_key("soon", true), None);
        // found by the query fuzz target: these overflowed the arithmetic
        assert_eq!(date_key("88888-11111111111111113", true), None);
        assert_eq!(date_key("9223372036854775807", false), None);
        assert_eq!(date_key("2012-13", true), Some(20121300));
        assert_eq!(date_key("2012-100", true), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://www.example.org:8080/a?b"),
            Some("www.example.org")
        );
        assert_eq!(host_of("/tmp/file.txt"), None);
    }
}
