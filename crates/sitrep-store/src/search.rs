//! The search interface: one trait, [`SearchEngine`], with two implementations — the
//! tantivy index in the data folder ([`crate::SearchIndex`]) and PostgreSQL full-text search
//! over the database itself (`crate::pg::PgSearch`, feature `postgres`).

use sitrep_core::Document;

use crate::index::{Facets, Hit, SearchFilters, SearchIndex};
use crate::Result;

/// Full-text search over a store's documents, with the filters of [`SearchFilters`].
///
/// The [`crate::Store`] keeps it consistent with its [`crate::DocumentStore`]: documents are
/// put after they are written and committed in batches, or — when
/// [`SearchEngine::written_with_documents`] says so — the document store writes the search
/// rows itself, in the transaction that writes the documents.
pub trait SearchEngine: Send {
    /// Whether this process can write to the index (takes the tantivy writer lock).
    fn try_writer(&mut self) -> bool;
    /// Adds (or replaces) a document with every source it was seen at and the English of
    /// its machine translations; visible after [`SearchEngine::commit`].
    fn put_with_translations(
        &mut self,
        id: i64,
        doc: &Document,
        sources: &[String],
        english: &[String],
    ) -> Result<()>;
    /// Gives the write lock back so that another process can write (nothing to do for an
    /// engine without one).
    fn release_writer(&mut self) {}
    /// Makes every added document durable and visible.
    fn commit(&mut self) -> Result<()>;
    /// Removes every document (before a full rebuild).
    fn clear(&mut self) -> Result<()>;
    /// Re-reads what other processes committed.
    fn reload(&self) -> Result<()>;
    /// Number of documents searchable now.
    fn num_docs(&self) -> u64;
    /// Ranked search; `text_of` gives the cleaned text of a document, for an engine that
    /// does not hold it, to cut the snippet from.
    fn search(
        &self,
        query: &str,
        filters: &SearchFilters,
        limit: usize,
        text_of: &dyn Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>>;
    /// One page of results: `limit` hits after the first `offset`. The default ranks
    /// `offset + limit` hits and drops the first `offset`.
    fn search_page(
        &self,
        query: &str,
        filters: &SearchFilters,
        offset: usize,
        limit: usize,
        text_of: &dyn Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>> {
        let mut hits = self.search(query, filters, offset.saturating_add(limit), text_of)?;
        Ok(hits.split_off(offset.min(hits.len())))
    }
    /// The number of documents matching a query and filters, and facet counts over all of
    /// them.
    fn facets(&self, _query: &str, _filters: &SearchFilters) -> Result<(usize, Facets)> {
        Err(crate::Error::Invalid(
            "this search engine does not count facets; use a data folder (tantivy) for the facet panel".into(),
        ))
    }
    /// Number of documents stored after document `after` that match a query and filters.
    fn count_after(&self, _query: &str, _filters: &SearchFilters, _after: i64) -> Result<usize> {
        Err(crate::Error::Invalid(
            "this search engine does not count new documents; use a data folder (tantivy)".into(),
        ))
    }
    /// Number of documents matching a query and filters.
    fn count(&self, query: &str, filters: &SearchFilters) -> Result<usize>;
    /// The documents among `ids` that match a query and filters, in ascending id order.
    fn matching_ids(&self, query: &str, filters: &SearchFilters, ids: &[i64]) -> Result<Vec<i64>>;
    /// True when the document store writes this engine's rows itself, in the same
    /// transaction as the documents (PostgreSQL), so [`crate::Store`] puts nothing.
    fn written_with_documents(&self) -> bool {
        false
    }
}

impl SearchEngine for SearchIndex {
    fn try_writer(&mut self) -> bool {
        SearchIndex::try_writer(self)
    }

    fn put_with_translations(
        &mut self,
        id: i64,
        doc: &Document,
        sources: &[String],
        english: &[String],
    ) -> Result<()> {
        SearchIndex::put_with_translations(self, id, doc, sources, english)
    }

    fn release_writer(&mut self) {
        SearchIndex::release_writer(self)
    }

    fn commit(&mut self) -> Result<()> {
        SearchIndex::commit(self)
    }

    fn clear(&mut self) -> Result<()> {
        SearchIndex::clear(self)
    }

    fn reload(&self) -> Result<()> {
        SearchIndex::reload(self)
    }

    fn num_docs(&self) -> u64 {
        SearchIndex::num_docs(self)
    }

    fn search(
        &self,
        query: &str,
        filters: &SearchFilters,
        limit: usize,
        text_of: &dyn Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>> {
        SearchIndex::search(self, query, filters, limit, text_of)
    }

    fn count(&self, query: &str, filters: &SearchFilters) -> Result<usize> {
        SearchIndex::count(self, query, filters)
    }

    fn search_page(
        &self,
        query: &str,
        filters: &SearchFilters,
        offset: usize,
        limit: usize,
        text_of: &dyn Fn(i64) -> Option<String>,
    ) -> Result<Vec<Hit>> {
        SearchIndex::search_page(self, query, filters, offset, limit, text_of)
    }

    fn facets(&self, query: &str, filters: &SearchFilters) -> Result<(usize, Facets)> {
        SearchIndex::facets(self, query, filters)
    }

    fn count_after(&self, query: &str, filters: &SearchFilters, after: i64) -> Result<usize> {
        SearchIndex::count_after(self, query, filters, after)
    }

    fn matching_ids(&self, query: &str, filters: &SearchFilters, ids: &[i64]) -> Result<Vec<i64>> {
        SearchIndex::matching_ids(self, query, filters, ids)
    }
}
