//! Phase 1 of the timeline: entities resolved across documents. Mentions that share a
//! knowledge-base id, or a folded alias within one type, become one corpus entity; two
//! different knowledge-base ids are never joined.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{CorpusEntity, Uf};
use crate::document::{Document, EntityType};
use crate::kb::norm_key;

/// The corpus entities and the way from a document's entity name to its corpus key.
pub(super) struct Resolver {
    /// Entities, most mentioned first.
    pub entities: Vec<CorpusEntity>,
    /// (document, entity name in it) -> corpus key.
    key_of: HashMap<(usize, String), String>,
    /// Corpus key -> canonical name.
    name_of_key: HashMap<String, String>,
    /// Folded canonical name -> corpus key, for names that are no entity of the document
    /// (a country named by its demonym).
    by_name: HashMap<String, String>,
    /// Corpus key -> ISO country code of the place, for places with coordinates.
    country_of_key: HashMap<String, String>,
}

impl Resolver {
    /// Resolves the entities of every document.
    pub fn new(docs: &[Document]) -> Resolver {
        struct Item<'a> {
            doc: usize,
            ent: &'a crate::document::Entity,
        }
        let items: Vec<Item> = docs
            .iter()
            .enumerate()
            .flat_map(|(d, doc)| doc.entities.iter().map(move |e| Item { doc: d, ent: e }))
            .collect();
        let mut uf = Uf::new(items.len());
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut by_form: HashMap<(String, EntityType), usize> = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            if let Some(id) = &it.ent.id {
                match by_id.get(id.as_str()) {
                    Some(&j) => uf.union(j, i),
                    None => {
                        by_id.insert(id, i);
                    }
                }
            }
        }
        for (i, it) in items.iter().enumerate() {
            for a in it.ent.aliases.iter().chain(std::iter::once(&it.ent.name)) {
                let k = norm_key(a);
                if k.chars().count() < 3 {
                    continue;
                }
                match by_form.get(&(k.clone(), it.ent.kind)) {
                    Some(&j) => {
                        // never merge two different knowledge-base ids
                        let (ri, rj) = (uf.find(i), uf.find(j));
                        let id_i = items[ri].ent.id.as_deref().or(it.ent.id.as_deref());
                        let id_j = items[rj].ent.id.as_deref().or(items[j].ent.id.as_deref());
                        if id_i.is_none() || id_j.is_none() || id_i == id_j {
                            uf.union(j, i);
                        }
                    }
                    None => {
                        by_form.insert((k, it.ent.kind), i);
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..items.len() {
            groups.entry(uf.find(i)).or_default().push(i);
        }
        let mut entities: Vec<CorpusEntity> = Vec::new();
        let mut key_of: HashMap<(usize, String), String> = HashMap::new();
        let mut name_of_key: HashMap<String, String> = HashMap::new();
        for members in groups.values() {
            let linked = members.iter().find_map(|&i| items[i].ent.id.clone());
            let first = &items[members[0]].ent;
            let mut aliases: Vec<String> = Vec::new();
            let mut documents: Vec<String> = Vec::new();
            let mut seen_alias: HashSet<&str> = HashSet::new();
            let mut seen_doc: HashSet<usize> = HashSet::new();
            let mut mentions = 0;
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for &i in members {
                let e = items[i].ent;
                for a in &e.aliases {
                    if seen_alias.insert(a.as_str()) {
                        aliases.push(a.clone());
                    }
                }
                if seen_doc.insert(items[i].doc) {
                    documents.push(docs[items[i].doc].source.clone());
                }
                mentions += e.mentions.len();
                *counts.entry(e.name.as_str()).or_default() += e.mentions.len();
            }
            let name = if linked.is_some() {
                members
                    .iter()
                    .find(|&&i| items[i].ent.id.is_some())
                    .map_or(first.name.clone(), |&i| items[i].ent.name.clone())
            } else {
                counts
                    .iter()
                    .max_by_key(|(n, c)| (n.split(' ').count(), **c, n.len()))
                    .map_or(first.name.clone(), |(n, _)| (*n).to_string())
            };
            let key = linked
                .clone()
                .unwrap_or_else(|| format!("g:{}", norm_key(&name)));
            for &i in members {
                key_of.insert((items[i].doc, items[i].ent.name.clone()), key.clone());
            }
            name_of_key.insert(key.clone(), name.clone());
            entities.push(CorpusEntity {
                key,
                id: linked,
                name,
                kind: first.kind,
                subtype: members.iter().find_map(|&i| items[i].ent.subtype.clone()),
                aliases,
                documents,
                mentions,
                geo: members.iter().find_map(|&i| items[i].ent.geo.clone()),
            });
        }
        entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
        let by_name: HashMap<String, String> = entities
            .iter()
            .map(|e| (norm_key(&e.name), e.key.clone()))
            .collect();
        let country_of_key: HashMap<String, String> = entities
            .iter()
            .filter(|e| e.kind == EntityType::Place)
            .filter_map(|e| {
                let cc = e.geo.as_ref()?.country.clone()?;
                Some((e.key.clone(), cc))
            })
            .collect();
        Resolver {
            entities,
            key_of,
            name_of_key,
            by_name,
            country_of_key,
        }
    }

    /// The corpus key of a name used in a document.
    pub fn resolve(&self, doc: usize, name: &str) -> String {
        self.key_of
            .get(&(doc, name.to_string()))
            .cloned()
            .or_else(|| self.by_name.get(&norm_key(name)).cloned())
            .unwrap_or_else(|| format!("g:{}", norm_key(name)))
    }

    /// The canonical name of a corpus key, or `fallback`.
    pub fn display(&self, key: &str, fallback: &str) -> String {
        self.name_of_key
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    /// The ISO country code of a place key, when the gazetteer gives one.
    pub fn country(&self, key: &str) -> Option<&str> {
        self.country_of_key.get(key).map(String::as_str)
    }
}
