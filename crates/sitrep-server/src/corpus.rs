//! The corpus in memory: the stored documents a page works on and the timeline built from
//! them.
//!
//! A store of millions of documents does not fit in memory, so the server holds a *window*:
//! the most recently published documents (at most [`DEFAULT_WINDOW`], `sitrep serve
//! --window N`), or those published within a date range when a page asks for one. Search,
//! the document page, and an entity's totals and mentions over time go to the store and its
//! index and cover every document.

use std::collections::HashMap;
use std::sync::OnceLock;

use sitrep_core::Document;
use sitrep_store::Store;

use crate::timeline::{self, CorpusEntity, MergedEvent, Timeline, TimelineOptions};

/// How many of the most recent documents the server loads by default.
pub const DEFAULT_WINDOW: usize = 3000;

/// Documents and timeline of a store at one document count.
pub struct Corpus {
    /// Number of stored documents when loaded.
    pub count: u64,
    /// Whether only part of the store was loaded (a window of recent or dated documents).
    pub partial: bool,
    /// When it was built.
    pub loaded_at: std::time::Instant,
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
    /// Corpus key -> indices of the documents mentioning it.
    docs_of: HashMap<String, Vec<usize>>,
    /// Corpus keys of each document's entities (no repeats), parallel to `docs`.
    doc_keys: Vec<Vec<String>>,
    /// Corpus key -> indices of the merged events it takes part in.
    events_of: HashMap<String, Vec<usize>>,
    /// Document source -> indices of the merged events it reports.
    events_of_doc: HashMap<String, Vec<usize>>,
    map: OnceLock<crate::map::MapData>,
}

impl Corpus {
    /// Loads every document of a store and builds the timeline (exports of the whole
    /// store; the server uses [`Corpus::load_recent`]).
    pub fn load(store: &Store) -> sitrep_store::Result<Corpus> {
        let count = store.document_count()?;
        // every id in one indexed query (no document read twice)
        let mut ids = store.db().recent_ids(count as usize, None, None)?;
        ids.sort_unstable();
        Self::load_ids(store, count, ids, false)
    }

    /// Loads the `window` most recently published documents (only those published within
    /// `from..=to` when given) and builds their timeline.
    pub fn load_recent(
        store: &Store,
        window: usize,
        from: Option<&str>,
        to: Option<&str>,
    ) -> sitrep_store::Result<Corpus> {
        let count = store.document_count()?;
        let mut ids = store.db().recent_ids(window, from, to)?;
        let ranged = from.is_some_and(|s| !s.is_empty()) || to.is_some_and(|s| !s.is_empty());
        let partial = ranged || (ids.len() as u64) < count;
        ids.sort_unstable();
        Self::load_ids(store, count, ids, partial)
    }

    fn load_ids(
        store: &Store,
        count: u64,
        wanted: Vec<i64>,
        partial: bool,
    ) -> sitrep_store::Result<Corpus> {
        let (mut ids, mut docs, mut sources) = (Vec::new(), Vec::new(), Vec::new());
        for id in wanted {
            if let Some(d) = store.db().get(id)? {
                ids.push(id);
                docs.push(d.document);
                sources.push(store.db().sources_of(id)?);
            }
        }
        let mut c = Self::from_docs(count, ids, docs, sources);
        c.partial = partial;
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
        let mut c = Corpus {
            count,
            partial: false,
            loaded_at: std::time::Instant::now(),
            ids,
            docs,
            sources,
            timeline,
            translations: HashMap::new(),
            by_id,
            by_source,
            by_key,
            by_name,
            docs_of: HashMap::new(),
            doc_keys: Vec::new(),
            events_of: HashMap::new(),
            events_of_doc: HashMap::new(),
            map: OnceLock::new(),
        };
        let mut docs_of: HashMap<String, Vec<usize>> = HashMap::new();
        let mut doc_keys = Vec::with_capacity(c.docs.len());
        for (i, d) in c.docs.iter().enumerate() {
            let mut keys: Vec<String> = Vec::new();
            for e in &d.entities {
                let k = c.key_of(e);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            for k in &keys {
                docs_of.entry(k.clone()).or_default().push(i);
            }
            doc_keys.push(keys);
        }
        c.doc_keys = doc_keys;
        let mut events_of: HashMap<String, Vec<usize>> = HashMap::new();
        let mut events_of_doc: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, ev) in c.timeline.events.iter().enumerate() {
            for s in &ev.sources {
                let v = events_of_doc.entry(s.doc.clone()).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
            for n in ev.actors.iter().chain(&ev.targets).chain(ev.place.iter()) {
                if let Some(e) = c.entity_by_name(n) {
                    let v = events_of.entry(e.key.clone()).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            }
        }
        c.docs_of = docs_of;
        c.events_of = events_of;
        c.events_of_doc = events_of_doc;
        c
    }

    /// The merged events a document reports, by document source.
    pub fn events_of_doc(&self, source: &str) -> impl Iterator<Item = &MergedEvent> {
        self.events_of_doc
            .get(source)
            .into_iter()
            .flatten()
            .map(|&i| &self.timeline.events[i])
    }

    /// Indices (into `docs`) of the documents mentioning an entity, by corpus key.
    pub fn docs_of(&self, key: &str) -> &[usize] {
        self.docs_of.get(key).map_or(&[], |v| v.as_slice())
    }

    /// Corpus keys of the entities of a document (by index into `docs`).
    pub fn doc_keys(&self, i: usize) -> &[String] {
        self.doc_keys.get(i).map_or(&[], |v| v.as_slice())
    }

    /// The merged events an entity takes part in (as actor, target or place), in timeline
    /// order.
    pub fn events_of(&self, key: &str) -> impl Iterator<Item = &MergedEvent> {
        self.events_of
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.timeline.events[i])
    }

    /// The map data, computed on first use.
    pub fn map_data(&self) -> &crate::map::MapData {
        self.map.get_or_init(|| crate::map::data(self))
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
        let d = self.doc_by_source(source);
        let title = d.and_then(|d| d.meta.title.clone());
        match (d.and_then(|d| d.meta.outlet.as_deref()), title) {
            (Some(o), Some(t)) => format!("{o}: {t}"),
            (None, Some(t)) => t,
            (Some(o), None) => o.to_string(),
            (None, None) => source.rsplit('/').next().unwrap_or(source).to_string(),
        }
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
