//! Phase 3 of the timeline: reports of one happening merged. Two reports merge when their
//! type agrees, their dates are compatible (one contains the other, a year alone never
//! joins a day), they share a participant (a specific one unless the type is one a
//! country has few of in a month), they name no different resolution numbers, and their
//! places are compatible: in one country, or — for places in different countries — only
//! when they share an actor. Candidates are blocked by (type, year, participant), so the
//! merge is linear in the number of events for a corpus spread over many happenings.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::entities::Resolver;
use crate::document::{Document, Event, EventType};

static RESOLUTION_NO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:resolution|résolution|القرار)\s+(?:no\.?\s*)?(\d{3,4})")
        .expect("static regex")
});

/// One report of a merged event: event `ev` of document `doc`.
pub(super) struct Rep {
    /// Document index.
    pub doc: usize,
    /// Event index in the document.
    pub ev: usize,
    /// Corpus keys of every participant.
    keys: HashSet<String>,
    /// Corpus keys of the actors.
    actors: HashSet<String>,
    /// The resolution number the sentence names.
    resolution: Option<String>,
}

/// Reports merged into one happening.
pub(super) struct Cluster {
    /// The reports, in corpus order.
    pub reps: Vec<Rep>,
    /// The most specific date its sentences state.
    pub date: Option<String>,
    /// Event type.
    pub kind: EventType,
    resolution: Option<String>,
    /// ISO codes of the countries its places lie in.
    countries: HashSet<String>,
}

/// Whether two dates can name one happening: one is a prefix of the other, and a year
/// alone never joins a day.
pub(super) fn dates_compatible(a: &str, b: &str) -> bool {
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if s.len() == 4 && l.len() == 10 {
        return false;
    }
    l.starts_with(s)
}

/// The country code of an event's place, when the gazetteer knows it.
pub(super) fn event_country(r: &Resolver, doc: usize, ev: &Event) -> Option<String> {
    let p = ev.place.as_deref()?;
    r.country(&r.resolve(doc, p)).map(str::to_string)
}

/// Merges the events of every document.
pub(super) fn merge(docs: &[Document], r: &Resolver) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    let mut block: HashMap<(EventType, String, String), Vec<usize>> = HashMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for (k, ev) in doc.events.iter().enumerate() {
            let actors: HashSet<String> = ev.actors.iter().map(|n| r.resolve(d, n)).collect();
            let keys: HashSet<String> = actors
                .iter()
                .cloned()
                .chain(ev.targets.iter().map(|n| r.resolve(d, n)))
                .collect();
            let resolution = RESOLUTION_NO
                .captures(&ev.text)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
            let country = event_country(r, d, ev);
            let year = ev
                .date
                .as_deref()
                .map_or(String::new(), |x| x.chars().take(4).collect());
            let mut target: Option<usize> = None;
            // an undated event is its own happening: nothing tells it from another
            if ev.date.is_some() {
                'find: for key in &keys {
                    let Some(cands) = block.get(&(ev.kind, year.clone(), key.clone())) else {
                        continue;
                    };
                    for &m in cands {
                        let c = &out[m];
                        let dates_ok = c
                            .date
                            .as_deref()
                            .zip(ev.date.as_deref())
                            .is_some_and(|(a, b)| dates_compatible(a, b));
                        let res_ok = match (&c.resolution, &resolution) {
                            (Some(a), Some(b)) => a == b,
                            _ => true,
                        };
                        let shared_actor = c.reps.iter().any(|x| !x.actors.is_disjoint(&actors));
                        let place_ok = match &country {
                            Some(cc) => {
                                c.countries.is_empty() || c.countries.contains(cc) || shared_actor
                            }
                            None => true,
                        };
                        if !(dates_ok && res_ok && place_ok) {
                            continue;
                        }
                        // A shared country is enough for happenings a country has few of
                        // in a month (a coup, an election); others need a shared actor that
                        // is not a country, the same day, or the same resolution.
                        let shared_ok = c.reps.iter().any(|x| {
                            let shared: Vec<&String> = x.keys.intersection(&keys).collect();
                            let specific = shared.iter().any(|k| !k.starts_with("country:"));
                            let same_day = ev.date.as_ref().is_some_and(|v| v.len() == 10)
                                && docs[x.doc].events[x.ev].date == ev.date;
                            !shared.is_empty()
                                && (specific
                                    || same_day
                                    || (resolution.is_some() && x.resolution == resolution)
                                    || matches!(
                                        ev.kind,
                                        EventType::Coup
                                            | EventType::Election
                                            | EventType::LeadershipChange
                                            | EventType::Resolution
                                            | EventType::Declaration
                                    ))
                        });
                        if shared_ok {
                            target = Some(m);
                            break 'find;
                        }
                    }
                }
            }
            let m = match target {
                Some(m) => m,
                None => {
                    out.push(Cluster {
                        reps: Vec::new(),
                        date: ev.date.clone(),
                        kind: ev.kind,
                        resolution: None,
                        countries: HashSet::new(),
                    });
                    out.len() - 1
                }
            };
            let c = &mut out[m];
            // the merged date is the most specific one stated in a sentence
            if let (Some(cur), Some(new)) = (&c.date, &ev.date) {
                if new.len() > cur.len() && ev.date_confidence >= 1.0 {
                    c.date = Some(new.clone());
                }
            }
            if c.resolution.is_none() {
                c.resolution = resolution.clone();
            }
            if let Some(cc) = country {
                c.countries.insert(cc);
            }
            if ev.date.is_some() {
                for key in &keys {
                    let entry = block
                        .entry((ev.kind, year.clone(), key.clone()))
                        .or_default();
                    // a new cluster is in no list yet: skip the scan
                    if target.is_none() || !entry.contains(&m) {
                        entry.push(m);
                    }
                }
            }
            c.reps.push(Rep {
                doc: d,
                ev: k,
                keys,
                actors,
                resolution,
            });
        }
    }
    out
}
