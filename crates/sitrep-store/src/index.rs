//! The full-text index (tantivy, on disk): what is indexed and how it is searched.

use std::ops::Bound;
use std::path::Path;

use sitrep_core::document::EventType;
use sitrep_core::Document;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING, TEXT,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

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

/// All event type names, in taxonomy order.
const EVENT_TYPES: [&str; 13] = [
    "resolution",
    "deployment",
    "combat",
    "violence_against_civilians",
    "coup",
    "leadership_change",
    "election",
    "negotiation",
    "declaration",
    "sanction",
    "aid",
    "displacement",
    "other",
];

/// Checks a date bound: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real month and a day that
/// month has.
fn check_date(name: &str, s: &str) -> Result<()> {
    let bad = || {
        Error::Invalid(format!(
            "`{name}={s}` is not a date: give YYYY, YYYY-MM or YYYY-MM-DD (a month 01-12 \
             and a day that month has)"
        ))
    };
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] if digits(y, 4) => Ok(()),
        [y, m] if digits(y, 4) && digits(m, 2) && matches!(m.parse::<u32>(), Ok(1..=12)) => Ok(()),
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
            Ok(())
        }
        _ => Err(bad()),
    }
}

impl SearchFilters {
    /// Checks every filter, with a message that says what is wrong and what is expected:
    /// dates are real `YYYY[-MM[-DD]]` dates with `from` not after `to`, the event type is
    /// one of the taxonomy, the language an ISO 639 code. A filter that cannot match
    /// anything is an error, not an empty result.
    pub fn validate(&self) -> Result<()> {
        let from = self
            .from
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let to = self.to.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(f) = from {
            check_date("from", f)?;
        }
        if let Some(t) = to {
            check_date("to", t)?;
        }
        if let (Some(f), Some(t)) = (from, to) {
            if date_key(f, true) > date_key(t, false) {
                return Err(Error::Invalid(format!(
                    "`from={f}` is after `to={t}`: nothing can match"
                )));
            }
        }
        if let Some(t) = self
            .event_type
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if EventType::parse(&t.to_lowercase()).is_none() {
                return Err(Error::Invalid(format!(
                    "`type={t}` is not an event type; use one of: {}",
                    EVENT_TYPES.join(", ")
                )));
            }
        }
        if let Some(l) = self
            .lang
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(Error::Invalid(format!(
                    "`lang={l}` is not a language code: give an ISO 639-1 code such as en, fr, ar"
                )));
            }
        }
        Ok(())
    }
}

/// Facet counts over every document that matches a search (not only the page shown).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    /// Entity key (KB id, else the lowercased name) → matching documents, most first.
    pub entities: Vec<(String, u64)>,
    /// Event type → matching documents with an event of that type, most first.
    pub event_types: Vec<(String, u64)>,
    /// Language → matching documents, most first.
    pub languages: Vec<(String, u64)>,
    /// Publication year → matching documents, in year order.
    pub years: Vec<(String, u64)>,
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
    /// A fragment of the text (the headline left out), HTML-escaped, with matched words in
    /// `<b>…</b>`.
    pub snippet_html: String,
    /// Language of the document.
    pub language: String,
}

/// The version of the index layout (fields and tokenizers). An index written under another
/// version is rebuilt from the database when the store is opened.
pub const INDEX_VERSION: &str = "2";

/// The file in the index folder that records [`INDEX_VERSION`].
const VERSION_FILE: &str = "sitrep-index-version";

/// Languages with a stemmed copy of the text: (ISO 639-1 code, tokenizer name, stemmer).
const STEMMED: [(&str, &str, Language); 3] = [
    ("en", "sitrep_en", Language::English),
    ("fr", "sitrep_fr", Language::French),
    ("ar", "sitrep_ar", Language::Arabic),
];

/// Registers the stemming analysers: words, lowercased, stemmed in the language (Snowball:
/// Porter2 for English, the French and the Arabic light stemmers), then folded to ASCII so
/// that a query typed without accents finds the accented word.
fn register_tokenizers(index: &Index) {
    for (_, name, lang) in STEMMED {
        let a = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(lang))
            .filter(AsciiFoldingFilter)
            .build();
        index.tokenizers().register(name, a);
    }
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
    entity_facet: Field,
    event_type: Field,
    stem_en: Field,
    stem_fr: Field,
    stem_ar: Field,
}

impl Fields {
    /// The stemmed field of a language, when it has one.
    fn stemmed(&self, lang: &str) -> Option<Field> {
        match lang {
            "en" => Some(self.stem_en),
            "fr" => Some(self.stem_fr),
            "ar" => Some(self.stem_ar),
            _ => None,
        }
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = |name: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let f = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", TEXT | STORED),
        body: b.add_text_field("body", TEXT),
        language: b.add_text_field("language", STRING | STORED | FAST),
        published: b.add_i64_field("published", INDEXED | STORED | FAST),
        published_text: b.add_text_field("published_text", STORED),
        source: b.add_text_field("source", STRING),
        first_source: b.add_text_field("first_source", STORED),
        entities: b.add_text_field("entities", TEXT),
        entity_key: b.add_text_field("entity_key", STRING),
        entity_facet: b.add_text_field("entity_facet", STRING | FAST),
        event_type: b.add_text_field("event_type", STRING | FAST),
        stem_en: b.add_text_field("stem_en", stemmed(STEMMED[0].1)),
        stem_fr: b.add_text_field("stem_fr", stemmed(STEMMED[1].1)),
        stem_ar: b.add_text_field("stem_ar", stemmed(STEMMED[2].1)),
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
    rebuilt: bool,
}

impl SearchIndex {
    /// Opens (creating when needed) the index in `dir`. An index written under another
    /// [`INDEX_VERSION`] (older fields or tokenizers) is removed and created empty:
    /// [`SearchIndex::was_rebuilt`] then tells the store to index every document again.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
        let io = |e| Error::Io(dir.to_path_buf(), e);
        let vfile = dir.join(VERSION_FILE);
        let version = std::fs::read_to_string(&vfile).ok();
        let current = version.as_deref().map(str::trim) == Some(INDEX_VERSION);
        let rebuilt = !current && dir.join("meta.json").exists();
        if rebuilt {
            for entry in std::fs::read_dir(dir).map_err(io)? {
                let path = entry.map_err(io)?.path();
                if path.is_dir() {
                    std::fs::remove_dir_all(&path).map_err(io)?;
                } else {
                    std::fs::remove_file(&path).map_err(io)?;
                }
            }
        }
        if !current {
            std::fs::write(&vfile, INDEX_VERSION).map_err(io)?;
        }
        let (schema, f) = schema();
        let mdir = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(mdir, schema).map_err(|e| match e {
            tantivy::TantivyError::SchemaError(m) => Error::Invalid(format!(
                "the search index in {} does not match this sitrep ({m}); delete that \
                 folder and open the store again to rebuild it",
                dir.display()
            )),
            e => Error::Index(e),
        })?;
        Self::with_index(index, f, rebuilt)
    }

    fn with_index(index: Index, f: Fields, rebuilt: bool) -> Result<Self> {
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: None,
            f,
            rebuilt,
        })
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> Result<Self> {
        let (schema, f) = schema();
        Self::with_index(Index::create_in_ram(schema), f, false)
    }

    /// An index in a given tantivy directory, for tests (a disk that fills, say).
    #[cfg(test)]
    pub(crate) fn in_directory(dir: impl tantivy::Directory) -> Result<Self> {
        let (schema, f) = schema();
        let index = Index::create(dir, schema, tantivy::IndexSettings::default())?;
        Self::with_index(index, f, false)
    }

    /// True when [`SearchIndex::open`] found an index of an older layout and replaced it
    /// with an empty one: every document must be indexed again.
    pub fn was_rebuilt(&self) -> bool {
        self.rebuilt
    }

    /// Gives the index writer back (waiting for its merges), so that another process
    /// can write.
    pub fn release_writer(&mut self) {
        self.writer = None;
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
        let lang = doc.language.to_lowercase();
        if let Some(stem) = f.stemmed(&lang) {
            if let Some(title) = &doc.meta.title {
                t.add_text(stem, title);
            }
            t.add_text(stem, &doc.text);
        }
        if lang != "en" {
            for e in english {
                t.add_text(f.stem_en, e);
            }
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
        let mut facets: Vec<String> = doc
            .entities
            .iter()
            .map(|e| e.id.clone().unwrap_or_else(|| e.name.to_lowercase()))
            .collect();
        facets.sort();
        facets.dedup();
        for k in &facets {
            t.add_text(f.entity_facet, k);
        }
        for ty in event_types(doc) {
            t.add_text(f.event_type, ty);
        }
        let w = self.writer()?;
        w.delete_term(Term::from_field_u64(f.id, id as u64));
        if let Err(e) = w.add_document(t) {
            return Err(self.worker_failure(e));
        }
        Ok(())
    }

    /// The error that stopped the indexing worker, which tantivy reports on the next
    /// `add_document` only as "an index writer was killed": committing joins the worker
    /// and returns its own error (a full disk, say). The writer is dropped either way, so
    /// the next write starts a fresh one; what it held is uncommitted and the store
    /// indexes it again from the documents flagged unindexed.
    fn worker_failure(&mut self, added: tantivy::TantivyError) -> Error {
        let Some(mut w) = self.writer.take() else {
            return Error::Index(added);
        };
        match w.commit() {
            Err(cause) => Error::Index(cause),
            Ok(_) => Error::Index(added),
        }
    }

    /// Makes every added document durable and visible. After a failed commit the writer is
    /// dropped (the next write takes a fresh one).
    pub fn commit(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            if let Err(e) = w.commit() {
                self.writer = None;
                return Err(Error::Index(e));
            }
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
        filters.validate()?;
        let f = self.f;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let text_query: Option<Box<dyn Query>> = if query.trim().is_empty() {
            None
        } else {
            let mut qp = QueryParser::for_index(
                &self.index,
                vec![f.title, f.body, f.entities, f.stem_en, f.stem_fr, f.stem_ar],
            );
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
        if let Some(t) = filters
            .event_type
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            clauses.push((Occur::Must, term(f.event_type, &t.to_lowercase())));
        }
        if let Some(l) = filters
            .lang
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
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
        let lo = match filters
            .from
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Bound::Included(Term::from_field_i64(
                f.published,
                date_key(s, true).ok_or_else(|| bad(s))?,
            )),
            None => Bound::Unbounded,
        };
        let hi = match filters
            .to
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
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
        self.search_page(query, filters, 0, limit, text_of)
    }

    /// One page of results: `limit` hits after the first `offset`. A query ranks by
    /// relevance; no query (filters only, or nothing) lists the most recently published
    /// first. Snippets leave the headline out and mark the words matched, stemmed forms
    /// included ("soldier" marks "soldiers").
    pub fn search_page(
        &self,
        query: &str,
        filters: &SearchFilters,
        offset: usize,
        limit: usize,
        text_of: impl Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>> {
        let f = self.f;
        let q = self.build_query(query, filters)?;
        let searcher = self.reader.searcher();
        let top: Vec<(f32, tantivy::DocAddress)> = if query.trim().is_empty() {
            guarded(query, || {
                searcher.search(
                    &q,
                    &TopDocs::with_limit(limit.max(1))
                        .and_offset(offset)
                        .order_by_fast_field::<i64>("published", Order::Desc),
                )
            })?
            .into_iter()
            .map(|(_, a)| (0.0, a))
            .collect()
        } else {
            guarded(query, || {
                searcher.search(
                    &q,
                    &TopDocs::with_limit(limit.max(1))
                        .and_offset(offset)
                        .order_by_score(),
                )
            })?
        };
        // one snippet generator per field that may carry the matched words
        let mut gens: Vec<(Field, SnippetGenerator)> = Vec::new();
        if !query.trim().is_empty() {
            for field in [f.stem_en, f.stem_fr, f.stem_ar, f.body] {
                let mut g = SnippetGenerator::create(&searcher, &*q, field)?;
                g.set_max_num_chars(SNIPPET_CHARS);
                gens.push((field, g));
            }
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let text_field =
                |fl: Field| d.get_first(fl).and_then(|v| v.as_str().map(str::to_string));
            let id = d.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64;
            let title = text_field(f.title);
            let language = text_field(f.language).unwrap_or_default();
            let text = text_of(id).unwrap_or_default();
            let rest = after_headline(&text, title.as_deref());
            // the document's own language first, then the plain words, then English
            let order = [f.stemmed(&language), Some(f.body), Some(f.stem_en)];
            let mut snippet_html = None;
            for field in order.into_iter().flatten() {
                if let Some((_, g)) = gens.iter().find(|(fl, _)| *fl == field) {
                    let s = g.snippet(rest);
                    if !s.fragment().is_empty() {
                        snippet_html = Some(s.to_html());
                        break;
                    }
                }
            }
            hits.push(Hit {
                doc_id: id,
                title,
                published: text_field(f.published_text),
                source: text_field(f.first_source).unwrap_or_default(),
                score,
                snippet_html: snippet_html
                    .unwrap_or_else(|| escape_html(&head(rest, SNIPPET_CHARS))),
                language,
            });
        }
        Ok(hits)
    }

    /// Facet counts over every document matching a query and filters, with their number.
    pub fn facets(&self, query: &str, filters: &SearchFilters) -> Result<(usize, Facets)> {
        let q = self.build_query(query, filters)?;
        let req: Aggregations = serde_json::from_value(serde_json::json!({
            "entities": {"terms": {"field": "entity_facet", "size": 15, "segment_size": 2000}},
            "types": {"terms": {"field": "event_type", "size": 20}},
            "langs": {"terms": {"field": "language", "size": 20}},
            "years": {"histogram": {"field": "published", "interval": 10000.0, "min_doc_count": 1}},
        }))?;
        let agg = AggregationCollector::from_aggs(
            req,
            AggContextParams::new(Default::default(), self.index.tokenizers().clone()),
        );
        let searcher = self.reader.searcher();
        let (n, res) = guarded(query, || searcher.search(&q, &(Count, agg)))?;
        let v = serde_json::to_value(res)?;
        let buckets = |name: &str| -> Vec<(String, u64)> {
            v.get(name)
                .and_then(|a| a.get("buckets"))
                .and_then(|b| b.as_array())
                .map(|bs| {
                    bs.iter()
                        .filter_map(|b| {
                            let key = match b.get("key")? {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Number(x) => {
                                    format!("{:04}", (x.as_f64()? / 10000.0).floor() as i64)
                                }
                                _ => return None,
                            };
                            let n = b.get("doc_count")?.as_u64()?;
                            (n > 0).then_some((key, n))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let by_count = |mut v: Vec<(String, u64)>| {
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        let mut years = buckets("years");
        years.sort();
        Ok((
            n,
            Facets {
                entities: by_count(buckets("entities")),
                event_types: by_count(buckets("types")),
                languages: by_count(buckets("langs")),
                years,
            },
        ))
    }

    /// Number of documents matching a query and filters.
    pub fn count(&self, query: &str, filters: &SearchFilters) -> Result<usize> {
        let q = self.build_query(query, filters)?;
        let searcher = self.reader.searcher();
        guarded(query, || searcher.search(&q, &Count))
    }

    /// Number of documents with an id above `after` that match a query and filters (what a
    /// watchlist found since a visit: ids grow with every write).
    pub fn count_after(&self, query: &str, filters: &SearchFilters, after: i64) -> Result<usize> {
        let f = self.f;
        let newer = RangeQuery::new(
            Bound::Excluded(Term::from_field_u64(f.id, after.max(0) as u64)),
            Bound::Unbounded,
        );
        let q = BooleanQuery::new(vec![
            (Occur::Must, self.build_query(query, filters)?),
            (Occur::Must, Box::new(newer)),
        ]);
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

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// The text after its headline: when the text opens with the title (whitespace and case
/// aside), what follows it, else the whole text. A snippet then never repeats the headline
/// that the result already shows.
pub fn after_headline<'a>(text: &'a str, title: Option<&str>) -> &'a str {
    let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) else {
        return text;
    };
    let mut want = title.chars().filter(|c| !c.is_whitespace()).peekable();
    let mut end = None;
    for (i, c) in text.char_indices() {
        if want.peek().is_none() {
            end = Some(i);
            break;
        }
        if c.is_whitespace() {
            continue;
        }
        match want.next() {
            Some(w) if w.to_lowercase().eq(c.to_lowercase()) => {}
            _ => return text,
        }
    }
    let end = match end {
        Some(e) => e,
        None if want.peek().is_none() => text.len(),
        None => return text,
    };
    let rest = text[end..].trim_start_matches(|c: char| c.is_whitespace() || c == '.' || c == ':');
    if rest.is_empty() {
        text
    } else {
        rest
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
    fn filters_are_checked() {
        let f = |from: &str, to: &str, ty: &str| SearchFilters {
            from: Some(from.into()),
            to: Some(to.into()),
            event_type: Some(ty.into()),
            ..Default::default()
        };
        assert!(f("2013-01-05", "2013-02", "coup").validate().is_ok());
        assert!(f("2013", "", "").validate().is_ok());
        let e = f("2013-13-45", "", "").validate().unwrap_err().to_string();
        assert!(
            e.contains("from=2013-13-45") && e.contains("YYYY-MM-DD"),
            "{e}"
        );
        assert!(f("2013-02-30", "", "").validate().is_err());
        assert!(f("", "2013-1", "").validate().is_err());
        assert!(f("2014", "2013", "").validate().is_err());
        let e = f("", "", "riot").validate().unwrap_err().to_string();
        assert!(e.contains("type=riot") && e.contains("combat"), "{e}");
        let lang = SearchFilters {
            lang: Some("english".into()),
            ..Default::default()
        };
        assert!(lang.validate().is_err());
    }

    #[test]
    fn headlines_are_left_out() {
        assert_eq!(
            after_headline(
                "Troops  Enter Town\n\nThe troops entered.",
                Some("Troops enter town")
            ),
            "The troops entered."
        );
        assert_eq!(
            after_headline("Other start. Troops", Some("Troops")),
            "Other start. Troops"
        );
        assert_eq!(after_headline("Only", Some("Only")), "Only");
        assert_eq!(after_headline("Text", None), "Text");
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
