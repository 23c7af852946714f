//! Stand-in for `sitrep_core::timeline` (same interface) until the core module lands:
//! entities merged by key across documents, events merged by (type, date, place).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sitrep_core::document::{EntityType, EventType, Geo};
use sitrep_core::Document;

/// Options of [`build`].
#[derive(Debug, Clone, Default)]
pub struct TimelineOptions {}

/// Entities and merged events of a corpus.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timeline {
    /// Entities across documents.
    pub entities: Vec<CorpusEntity>,
    /// Events across documents, in date order.
    pub events: Vec<MergedEvent>,
}

/// An entity across documents.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusEntity {
    /// Key: KB id, else `type:lower-case name`.
    pub key: String,
    /// KB id.
    pub id: Option<String>,
    /// Canonical name.
    pub name: String,
    /// Coarse type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Finer type.
    pub subtype: Option<String>,
    /// Surface forms.
    pub aliases: Vec<String>,
    /// Sources of the documents that mention it.
    pub documents: Vec<String>,
    /// Number of mentions.
    pub mentions: usize,
    /// Coordinates.
    pub geo: Option<Geo>,
}

/// One happening reported by one or more documents.
#[derive(Debug, Clone, Serialize)]
pub struct MergedEvent {
    /// Stable id.
    pub id: String,
    /// Date.
    pub date: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Actors.
    pub actors: Vec<String>,
    /// Targets.
    pub targets: Vec<String>,
    /// Place.
    pub place: Option<String>,
    /// One-sentence summary.
    pub summary: String,
    /// Reports of it.
    pub sources: Vec<EventSource>,
    /// Number of independent documents.
    pub corroboration: usize,
    /// Points the sources disagree on.
    pub disputes: Vec<Dispute>,
    /// Credibility grade.
    pub credibility: Credibility,
}

/// One report of an event.
#[derive(Debug, Clone, Serialize)]
pub struct EventSource {
    /// Document source.
    pub doc: String,
    /// Title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Evidence sentence.
    pub text: String,
    /// Sentence start.
    pub start: usize,
    /// Sentence end.
    pub end: usize,
}

/// A field the sources disagree on.
#[derive(Debug, Clone, Serialize)]
pub struct Dispute {
    /// Field.
    pub field: String,
    /// Competing claims.
    pub claims: Vec<Claim>,
}

/// One claim.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    /// Value claimed.
    pub value: String,
    /// Who claims it.
    pub sources: Vec<String>,
}

/// Admiralty credibility.
#[derive(Debug, Clone, Serialize)]
pub struct Credibility {
    /// 1..6.
    pub grade: u8,
    /// Label.
    pub label: String,
    /// Why.
    pub reason: String,
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Builds the timeline of a corpus.
pub fn build(docs: &[Document], _opts: &TimelineOptions) -> Timeline {
    let mut ents: Vec<CorpusEntity> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for d in docs {
        for e in &d.entities {
            let key = sitrep_store::db::entity_key(e);
            let i = *by_key.entry(key.clone()).or_insert_with(|| {
                ents.push(CorpusEntity {
                    key,
                    id: e.id.clone(),
                    name: e.name.clone(),
                    kind: e.kind,
                    subtype: e.subtype.clone(),
                    aliases: Vec::new(),
                    documents: Vec::new(),
                    mentions: 0,
                    geo: None,
                });
                ents.len() - 1
            });
            let c = &mut ents[i];
            for a in &e.aliases {
                push_unique(&mut c.aliases, a);
            }
            push_unique(&mut c.documents, &d.source);
            c.mentions += e.mentions.len();
            if c.geo.is_none() {
                c.geo = e.geo.clone();
            }
        }
    }
    ents.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));

    type K = (Option<String>, EventType, Option<String>);
    let mut groups: BTreeMap<K, MergedEvent> = BTreeMap::new();
    for d in docs {
        for ev in &d.events {
            let k = (ev.date.clone(), ev.kind, ev.place.clone());
            let m = groups.entry(k).or_insert_with(|| MergedEvent {
                id: String::new(),
                date: ev.date.clone(),
                kind: ev.kind,
                actors: Vec::new(),
                targets: Vec::new(),
                place: ev.place.clone(),
                summary: ev.text.clone(),
                sources: Vec::new(),
                corroboration: 0,
                disputes: Vec::new(),
                credibility: Credibility {
                    grade: 6,
                    label: String::new(),
                    reason: String::new(),
                },
            });
            for a in &ev.actors {
                push_unique(&mut m.actors, a);
            }
            for t in &ev.targets {
                push_unique(&mut m.targets, t);
            }
            m.sources.push(EventSource {
                doc: d.source.clone(),
                title: d.meta.title.clone(),
                published: d.meta.published.clone(),
                text: ev.text.clone(),
                start: ev.start,
                end: ev.end,
            });
        }
    }
    let mut events: Vec<MergedEvent> = groups.into_values().collect();
    for (i, m) in events.iter_mut().enumerate() {
        m.id = format!("ev{}", i + 1);
        let mut docs: Vec<&str> = m.sources.iter().map(|s| s.doc.as_str()).collect();
        docs.sort();
        docs.dedup();
        m.corroboration = docs.len();
        let (grade, label) = match m.corroboration {
            0 | 1 => (6, "truth cannot be judged"),
            2 => (3, "possibly true"),
            _ => (2, "probably true"),
        };
        m.credibility = Credibility {
            grade,
            label: label.to_string(),
            reason: format!("reported by {} document(s)", m.corroboration),
        };
    }
    Timeline {
        entities: ents,
        events,
    }
}
