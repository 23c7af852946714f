//! The corpus in memory: every stored document and the timeline built from them.

use std::collections::HashMap;

use sitrep_core::Document;
use sitrep_store::Store;

use crate::timeline::{self, CorpusEntity, MergedEvent, Timeline, TimelineOptions};

/// Documents and timeline of a store at one document count.
pub struct Corpus {
    /// Number of stored documents when loaded.
    pub count: u64,
    /// Store ids, parallel to `docs`.
    pub ids: Vec<i64>,
    /// Documents.
    pub docs: Vec<Document>,
    /// Every source of each document (reprints included), parallel to `docs`.
    pub sources: Vec<Vec<String>>,
    /// The timeline.
    pub timeline: Timeline,
    /// The latest machine translation of each translated document, by store id.
    pub translations: HashMap<i64, sitrep_core::translate::Translation>,
    by_id: HashMap<i64, usize>,
    by_source: HashMap<String, i64>,
    by_key: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

impl Corpus {
    /// Loads every document of a store and builds the timeline.
    pub fn load(store: &Store) -> sitrep_store::Result<Corpus> {
        let count = store.document_count()?;
        let (mut ids, mut docs, mut sources) = (Vec::new(), Vec::new(), Vec::new());
        // Ids are SQLite row ids; walk them until every document is found (gaps allowed).
        let (mut id, mut misses) = (1i64, 0u64);
        while (ids.len() as u64) < count && misses < 100_000 {
            match store.db().get(id)? {
                Some(d) => {
                    ids.push(id);
                    docs.push(d.document);
                    sources.push(store.db().sources_of(id)?);
                    misses = 0;
                }
                None => misses += 1,
            }
            id += 1;
        }
        let mut c = Self::from_docs(count, ids, docs, sources);
        for &id in &c.ids {
            if let Some(t) = store.db().translations(id)?.into_iter().next() {
                c.translations.insert(id, t.translation);
            }
        }
        Ok(c)
    }

    /// A corpus from documents already loaded.
    pub fn from_docs(
        count: u64,
        ids: Vec<i64>,
        docs: Vec<Document>,
        sources: Vec<Vec<String>>,
    ) -> Corpus {
        let timeline = timeline::build(&docs, &TimelineOptions::default());
        let mut by_id = HashMap::new();
        let mut by_source = HashMap::new();
        for (i, (&id, d)) in ids.iter().zip(&docs).enumerate() {
            by_id.insert(id, i);
            by_source.insert(d.source.clone(), id);
            for s in sources.get(i).into_iter().flatten() {
                by_source.entry(s.clone()).or_insert(id);
            }
        }
        let mut by_key = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, e) in timeline.entities.iter().enumerate() {
            by_key.insert(e.key.clone(), i);
            by_name.entry(e.name.to_lowercase()).or_insert(i);
        }
        for (i, e) in timeline.entities.iter().enumerate() {
            for a in &e.aliases {
                by_name.entry(a.to_lowercase()).or_insert(i);
            }
        }
        Corpus {
            count,
            ids,
            docs,
            sources,
            timeline,
            translations: HashMap::new(),
            by_id,
            by_source,
            by_key,
            by_name,
        }
    }

    /// A document by store id.
    pub fn doc(&self, id: i64) -> Option<&Document> {
        self.by_id.get(&id).map(|&i| &self.docs[i])
    }

    /// The store id of a document source.
    pub fn id_of(&self, source: &str) -> Option<i64> {
        self.by_source.get(source).copied()
    }

    /// A document by source.
    pub fn doc_by_source(&self, source: &str) -> Option<&Document> {
        self.id_of(source).and_then(|id| self.doc(id))
    }

    /// An entity by key.
    pub fn entity(&self, key: &str) -> Option<&CorpusEntity> {
        self.by_key.get(key).map(|&i| &self.timeline.entities[i])
    }

    /// An entity by canonical name or alias (any case).
    pub fn entity_by_name(&self, name: &str) -> Option<&CorpusEntity> {
        self.by_name
            .get(&name.to_lowercase())
            .map(|&i| &self.timeline.entities[i])
    }

    /// The corpus key of an entity of one document: its KB id, else the corpus entity of
    /// the same name, else the store's key.
    pub fn key_of(&self, e: &sitrep_core::document::Entity) -> String {
        if let Some(id) = e.id.as_ref().filter(|id| self.by_key.contains_key(*id)) {
            return id.clone();
        }
        match self.entity_by_name(&e.name) {
            Some(x) => x.key.clone(),
            None => sitrep_store::db::entity_key(e),
        }
    }

    /// The key under which the store's index files an entity (for search filters).
    pub fn store_key(e: &CorpusEntity) -> String {
        match &e.id {
            Some(id) => id.clone(),
            None => format!("{}:{}", e.kind.as_str(), e.name.to_lowercase()),
        }
    }

    /// The entity named by a key, name or alias.
    pub fn resolve(&self, s: &str) -> Option<&CorpusEntity> {
        self.entity(s).or_else(|| self.entity_by_name(s))
    }

    /// Whether an event involves an entity (as actor, target or place).
    pub fn event_involves(&self, ev: &MergedEvent, e: &CorpusEntity) -> bool {
        let hit = |n: &str| {
            n.eq_ignore_ascii_case(&e.name)
                || self.entity_by_name(n).is_some_and(|x| x.key == e.key)
        };
        ev.actors.iter().any(|a| hit(a))
            || ev.targets.iter().any(|t| hit(t))
            || ev.place.as_deref().is_some_and(hit)
    }

    /// Coordinates of a place name, when an entity with that name has some.
    pub fn geo_of(&self, name: &str) -> Option<&sitrep_core::document::Geo> {
        self.entity_by_name(name).and_then(|e| e.geo.as_ref())
    }

    /// Short label of a document: its title, else its source.
    pub fn label(&self, source: &str) -> String {
        self.doc_by_source(source)
            .and_then(|d| d.meta.title.clone())
            .unwrap_or_else(|| source.rsplit('/').next().unwrap_or(source).to_string())
    }
}

/// Whether a date value (`YYYY[-MM[-DD]]`) falls within optional bounds (inclusive,
/// compared on the common prefix so that `2012` lies within `2012-03..2012-04`).
pub fn date_in(date: Option<&str>, from: Option<&str>, to: Option<&str>) -> bool {
    let from = from.filter(|s| !s.is_empty());
    let to = to.filter(|s| !s.is_empty());
    if from.is_none() && to.is_none() {
        return true;
    }
    let Some(d) = date else { return false };
    let lo = |b: &str| {
        let n = d.len().min(b.len());
        d.as_bytes()[..n] >= b.as_bytes()[..n]
    };
    let hi = |b: &str| {
        let n = d.len().min(b.len());
        d.as_bytes()[..n] <= b.as_bytes()[..n]
    };
    from.is_none_or(lo) && to.is_none_or(hi)
}

#[cfg(test)]
mod tests {
    use super::date_in;

    #[test]
    fn date_ranges() {
        assert!(date_in(
            Some("2012-03-22"),
            Some("2012-03"),
            Some("2012-03")
        ));
        assert!(!date_in(Some("2012-04-01"), None, Some("2012-03")));
        assert!(date_in(Some("2012"), Some("2012-03-01"), None));
        assert!(!date_in(None, Some("2012"), None));
        assert!(date_in(None, None, Some("")));
    }
}
