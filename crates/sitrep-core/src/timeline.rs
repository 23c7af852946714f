//! The cross-source timeline: entities resolved across documents, reports of the same
//! happening merged into one event with its sources, independent corroboration counted
//! (reprints count once), disagreements between sources flagged, and an information
//! credibility grade on the Admiralty 1–6 scale.
//!
//! Merging is blocked by (event type, year) and participant, so it is linear in the number
//! of events for a corpus that spreads over many happenings, not quadratic.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::document::{Document, EntityType, EventType, Geo};
use crate::kb::norm_key;

/// Options of a timeline build.
#[derive(Debug, Clone, Default)]
pub struct TimelineOptions {
    /// Analyst-set source reliability (A–F), by outlet or source path substring.
    pub reliability: Vec<(String, char)>,
}

/// An entity resolved across the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusEntity {
    /// Stable key: the knowledge-base id, or `g:` + the folded name.
    pub key: String,
    /// Knowledge-base id when linked.
    pub id: Option<String>,
    /// Canonical name.
    pub name: String,
    /// Coarse type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Finer type.
    pub subtype: Option<String>,
    /// Every surface form in every document.
    pub aliases: Vec<String>,
    /// Sources of the documents that mention it.
    pub documents: Vec<String>,
    /// Number of mentions in the corpus.
    pub mentions: usize,
    /// Coordinates for places.
    pub geo: Option<Geo>,
}

/// One report of a merged event.
#[derive(Debug, Clone, Serialize)]
pub struct EventSource {
    /// The document's source (path or URL).
    pub doc: String,
    /// The document's title.
    pub title: Option<String>,
    /// The document's publication date.
    pub published: Option<String>,
    /// The evidence sentence.
    pub text: String,
    /// Sentence start in the document's cleaned text.
    pub start: usize,
    /// Sentence end.
    pub end: usize,
    /// The date this source gives.
    pub date: Option<String>,
    /// Who this source says acted.
    pub actors: Vec<String>,
    /// Who this source says the claim comes from, for reported speech.
    pub claimed_by: Option<String>,
}

/// What one group of sources says in a dispute.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    /// The value they give.
    pub value: String,
    /// The sources that give it.
    pub sources: Vec<String>,
}

/// A point on which the sources of an event disagree.
#[derive(Debug, Clone, Serialize)]
pub struct Dispute {
    /// What they disagree on: `date`, `actors`, or a counted thing (`troops`, `fatalities`).
    pub field: String,
    /// Who says what.
    pub claims: Vec<Claim>,
}

/// Information credibility on the NATO/Admiralty scale.
#[derive(Debug, Clone, Serialize)]
pub struct Credibility {
    /// 1 (confirmed) to 6 (cannot be judged).
    pub grade: u8,
    /// The grade's name.
    pub label: String,
    /// Why, in words.
    pub reason: String,
}

/// An event merged across sources.
#[derive(Debug, Clone, Serialize)]
pub struct MergedEvent {
    /// Stable id within this timeline.
    pub id: String,
    /// The most specific date the sources support.
    pub date: Option<String>,
    /// Event type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Who acted (canonical names).
    pub actors: Vec<String>,
    /// Who or what was acted on.
    pub targets: Vec<String>,
    /// Where.
    pub place: Option<String>,
    /// One sentence that says what happened.
    pub summary: String,
    /// Every report of it.
    pub sources: Vec<EventSource>,
    /// Number of independent sources (copies and reprints count once).
    pub corroboration: usize,
    /// Where the sources disagree.
    pub disputes: Vec<Dispute>,
    /// How credible the information is.
    pub credibility: Credibility,
}

/// The timeline of a corpus.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// Entities resolved across documents.
    pub entities: Vec<CorpusEntity>,
    /// Merged events in date order.
    pub events: Vec<MergedEvent>,
}

static RESOLUTION_NO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:resolution|résolution|القرار)\s+(?:no\.?\s*)?(\d{3,4})")
        .expect("static regex")
});

/// Union-find over indices.
struct Uf(Vec<usize>);

impl Uf {
    fn new(n: usize) -> Self {
        Uf((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[b.max(a)] = a.min(b);
        }
    }
}

/// A 64-bit SimHash over word 3-shingles, for telling reprints from independent reports.
pub fn simhash(text: &str) -> u64 {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut acc = [0i32; 64];
    for w in words.windows(3) {
        let mut h: u64 = 0xcbf29ce484222325;
        for part in w {
            for b in part.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100000001b3);
            }
            h ^= 0x20;
            h = h.wrapping_mul(0x100000001b3);
        }
        for (i, a) in acc.iter_mut().enumerate() {
            if h >> i & 1 == 1 {
                *a += 1;
            } else {
                *a -= 1;
            }
        }
    }
    acc.iter()
        .enumerate()
        .fold(0u64, |h, (i, &a)| if a > 0 { h | 1 << i } else { h })
}

/// Hashed word 5-shingles of a text.
fn shingle_set(text: &str) -> HashSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(5)
        .map(|w| {
            let mut h: u64 = 0xcbf29ce484222325;
            for part in w {
                for b in part.bytes().chain(std::iter::once(b' ')) {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x100000001b3);
                }
            }
            h
        })
        .collect()
}

fn dates_compatible(a: &str, b: &str) -> bool {
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // a year alone is too coarse to merge with a precise date
    if s.len() == 4 && l.len() == 10 {
        return false;
    }
    l.starts_with(s)
}

fn unit_class(u: &str) -> &'static str {
    match u {
        "troops" | "soldiers" | "military" | "personnel" | "peacekeepers" | "men" | "soldats"
        | "hommes" | "casques bleus" | "fighters" | "combattants" | "police" => "troops",
        "dead" | "deaths" | "killed" | "morts" | "tués" => "fatalities",
        "refugees" | "displaced" | "réfugiés" | "déplacés" => "displaced",
        _ => "people",
    }
}

/// Builds the timeline of a set of processed documents.
pub fn build(docs: &[Document], opts: &TimelineOptions) -> Timeline {
    // ---- corpus-level entities ----
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
    // (doc, entity name) -> corpus key
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
    // names that are not entities of the document (countries from demonyms) key by name
    let by_name: HashMap<String, String> = entities
        .iter()
        .map(|e| (norm_key(&e.name), e.key.clone()))
        .collect();
    let resolve = |doc: usize, name: &str| -> String {
        key_of
            .get(&(doc, name.to_string()))
            .cloned()
            .or_else(|| by_name.get(&norm_key(name)).cloned())
            .unwrap_or_else(|| format!("g:{}", norm_key(name)))
    };
    let display = |key: &str, fallback: &str| -> String {
        name_of_key
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    };

    // ---- independent sources: reprints share a cluster ----
    let hashes: Vec<u64> = docs.iter().map(|d| simhash(&d.text)).collect();
    let mut duf = Uf::new(docs.len());
    let mut bands: HashMap<(usize, u16), Vec<usize>> = HashMap::new();
    for (i, h) in hashes.iter().enumerate() {
        for b in 0..4 {
            let part = (h >> (b * 16)) as u16;
            let bucket = bands.entry((b, part)).or_default();
            for &j in bucket.iter() {
                if (hashes[j] ^ h).count_ones() <= 6 {
                    duf.union(i, j);
                }
            }
            bucket.push(i);
        }
    }

    // ---- merge events ----
    struct Rep {
        doc: usize,
        ev: usize,
        keys: HashSet<String>,
        resolution: Option<String>,
    }
    let mut merged: Vec<Vec<Rep>> = Vec::new();
    let mut merged_date: Vec<Option<String>> = Vec::new();
    let mut merged_kind: Vec<EventType> = Vec::new();
    let mut merged_res: Vec<Option<String>> = Vec::new();
    let mut block: HashMap<(EventType, String, String), Vec<usize>> = HashMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for (k, ev) in doc.events.iter().enumerate() {
            let keys: HashSet<String> = ev
                .actors
                .iter()
                .chain(&ev.targets)
                .map(|n| resolve(d, n))
                .collect();
            let resolution = RESOLUTION_NO
                .captures(&ev.text)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
            let year = ev
                .date
                .as_deref()
                .map_or(String::new(), |x| x.chars().take(4).collect());
            let mut target: Option<usize> = None;
            'find: for key in &keys {
                if let Some(cands) = block.get(&(ev.kind, year.clone(), key.clone())) {
                    for &m in cands {
                        let dates_ok = match (&merged_date[m], &ev.date) {
                            (Some(a), Some(b)) => dates_compatible(a, b),
                            _ => false,
                        };
                        let res_ok = match (&merged_res[m], &resolution) {
                            (Some(a), Some(b)) => a == b,
                            _ => true,
                        };
                        // A shared country is enough for happenings a country has few of
                        // in a month (a coup, an election); others need a shared actor that
                        // is not a country, the same day, or the same resolution.
                        let shared_ok = merged[m].iter().any(|r| {
                            let shared: Vec<&String> = r.keys.intersection(&keys).collect();
                            let specific = shared.iter().any(|k| !k.starts_with("country:"));
                            let same_day = ev.date.as_ref().is_some_and(|x| x.len() == 10)
                                && docs[r.doc].events[r.ev].date == ev.date;
                            !shared.is_empty()
                                && (specific
                                    || same_day
                                    || (resolution.is_some() && r.resolution == resolution)
                                    || matches!(
                                        ev.kind,
                                        EventType::Coup
                                            | EventType::Election
                                            | EventType::LeadershipChange
                                            | EventType::Resolution
                                            | EventType::Declaration
                                    ))
                        });
                        if dates_ok
                            && res_ok
                            && shared_ok
                            && !merged[m].iter().any(|r| r.doc == d && r.ev == k)
                        {
                            target = Some(m);
                            break 'find;
                        }
                    }
                }
            }
            let m = match target {
                Some(m) => m,
                None => {
                    merged.push(Vec::new());
                    merged_date.push(ev.date.clone());
                    merged_kind.push(ev.kind);
                    merged_res.push(None);
                    merged.len() - 1
                }
            };
            // the merged date is the most specific one stated in a sentence
            if let (Some(cur), Some(new)) = (&merged_date[m], &ev.date) {
                if new.len() > cur.len() && ev.date_confidence >= 1.0 {
                    merged_date[m] = Some(new.clone());
                }
            }
            if merged_res[m].is_none() {
                merged_res[m] = resolution.clone();
            }
            for key in &keys {
                let entry = block
                    .entry((ev.kind, year.clone(), key.clone()))
                    .or_default();
                // a new cluster is in no list yet: skip the scan
                if target.is_none() || !entry.contains(&m) {
                    entry.push(m);
                }
            }
            merged[m].push(Rep {
                doc: d,
                ev: k,
                keys,
                resolution,
            });
        }
    }

    // Reprints with a new headline, byline or a trimmed sentence differ too much for SimHash:
    // documents reporting the same event are also compared by shared word 5-shingles.
    let mut shingles: HashMap<usize, HashSet<u64>> = HashMap::new();
    for reps in &merged {
        let ds: Vec<usize> = reps
            .iter()
            .map(|r| r.doc)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for (i, &a) in ds.iter().enumerate() {
            for &b in &ds[i + 1..] {
                if duf.find(a) == duf.find(b) {
                    continue;
                }
                let sa = shingles
                    .entry(a)
                    .or_insert_with(|| shingle_set(&docs[a].text))
                    .clone();
                let sb = shingles
                    .entry(b)
                    .or_insert_with(|| shingle_set(&docs[b].text));
                let inter = sa.intersection(sb).count();
                let small = sa.len().min(sb.len()).max(1);
                if inter * 10 >= small * 6 {
                    duf.union(a, b);
                }
            }
        }
    }
    let cluster_of = duf_clusters(&mut duf, docs.len());
    let mut events: Vec<MergedEvent> = Vec::new();
    for (m, reps) in merged.iter().enumerate() {
        // one report per document: the first (documents repeat themselves)
        let mut seen_docs = HashSet::new();
        let reps: Vec<&Rep> = reps.iter().filter(|r| seen_docs.insert(r.doc)).collect();
        let mut sources = Vec::new();
        let mut actor_count: HashMap<String, usize> = HashMap::new();
        let mut target_count: HashMap<String, usize> = HashMap::new();
        let mut place_count: HashMap<String, usize> = HashMap::new();
        for r in &reps {
            let doc = &docs[r.doc];
            let ev = &doc.events[r.ev];
            for a in &ev.actors {
                *actor_count.entry(resolve(r.doc, a)).or_default() += 1;
            }
            for t in &ev.targets {
                *target_count.entry(resolve(r.doc, t)).or_default() += 1;
            }
            if let Some(p) = &ev.place {
                *place_count
                    .entry(display(&resolve(r.doc, p), p))
                    .or_default() += 1;
            }
            sources.push(EventSource {
                doc: doc.source.clone(),
                title: doc.meta.title.clone(),
                published: doc.meta.published.clone(),
                text: ev.text.clone(),
                start: ev.start,
                end: ev.end,
                date: ev.date.clone(),
                actors: ev.actors.clone(),
                claimed_by: ev.claimed_by.clone(),
            });
        }
        let ranked = |c: &HashMap<String, usize>| -> Vec<String> {
            let mut v: Vec<(&String, &usize)> = c.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            v.into_iter()
                .map(|(k, _)| display(k, k.trim_start_matches("g:")))
                .collect()
        };
        let actors = ranked(&actor_count);
        let targets: Vec<String> = ranked(&target_count)
            .into_iter()
            .filter(|t| !actors.contains(t))
            .collect();
        let place = place_count
            .iter()
            .max_by_key(|(_, c)| **c)
            .map(|(p, _)| p.clone());
        let clusters: HashSet<usize> = reps.iter().map(|r| cluster_of[r.doc]).collect();
        let corroboration = clusters.len();
        let disputes = disputes(
            docs,
            &reps.iter().map(|r| (r.doc, r.ev)).collect::<Vec<_>>(),
            &cluster_of,
        );
        let low_date = reps
            .iter()
            .all(|r| docs[r.doc].events[r.ev].date_confidence < 1.0);
        let credibility = grade(corroboration, &disputes, low_date, &sources, opts);
        let summary = sources
            .first()
            .map(|s| shorten(&s.text, 240))
            .unwrap_or_default();
        events.push(MergedEvent {
            id: format!("ev{}", m + 1),
            date: merged_date[m].clone(),
            kind: merged_kind[m],
            actors,
            targets,
            place,
            summary,
            sources,
            corroboration,
            disputes,
            credibility,
        });
    }
    // by month; within a month the best-corroborated first
    let month = |e: &MergedEvent| {
        e.date
            .as_deref()
            .map(|d| d.chars().take(7).collect::<String>())
    };
    events.sort_by(|a, b| {
        month(a)
            .cmp(&month(b))
            .then(b.sources.len().cmp(&a.sources.len()))
            .then(a.date.cmp(&b.date))
    });
    Timeline { entities, events }
}

/// A dated happening that an unanchored document may refer to.
struct Known {
    kind: EventType,
    date: chrono::NaiveDate,
    resolution: Option<String>,
    names: HashSet<String>,
}

fn parts(ev: &crate::document::Event) -> (Option<String>, HashSet<String>) {
    let res = RESOLUTION_NO
        .captures(&ev.text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string());
    let names = ev
        .actors
        .iter()
        .chain(&ev.targets)
        .map(|n| norm_key(n))
        .collect();
    (res, names)
}

fn day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// How many of a document's events land on a known happening, same type and day.
fn agreement(doc: &Document, known: &[Known]) -> usize {
    doc.events
        .iter()
        .filter(|ev| {
            let Some(d) = ev.date.as_deref().and_then(day) else {
                return false;
            };
            // "today" equals any anchor tried: it proves nothing
            if doc.meta.published.as_deref().and_then(day) == Some(d) {
                return false;
            }
            let (res, names) = parts(ev);
            known.iter().any(|k| {
                k.kind == ev.kind
                    && k.date == d
                    && match (&k.resolution, &res) {
                        (Some(a), Some(b)) => a == b,
                        _ => !k.names.is_disjoint(&names),
                    }
            })
        })
        .count()
}

/// Gives documents without a publication date the anchor under which their relative
/// dates agree best with happenings that other documents date absolutely ("Yesterday the
/// council adopted..." when another report dates that adoption), or else the corpus's
/// median publication date. `reanchor` re-runs date and event extraction with an anchor.
pub fn infer_anchors(docs: &mut [Document], reanchor: impl Fn(&mut Document, chrono::NaiveDate)) {
    let mut known: Vec<Known> = Vec::new();
    let mut pubs: Vec<chrono::NaiveDate> = Vec::new();
    let learn = |doc: &Document, known: &mut Vec<Known>, pubs: &mut Vec<chrono::NaiveDate>| {
        if let Some(p) = doc.meta.published.as_deref().and_then(day) {
            pubs.push(p);
        }
        for ev in &doc.events {
            if ev.date_confidence < 1.0 {
                continue;
            }
            if let Some(d) = ev.date.as_deref().and_then(day) {
                let (resolution, names) = parts(ev);
                known.push(Known {
                    kind: ev.kind,
                    date: d,
                    resolution,
                    names,
                });
            }
        }
    };
    for doc in docs.iter().filter(|d| d.meta.published.is_some()) {
        learn(doc, &mut known, &mut pubs);
    }
    // Two rounds: documents that agree with a known happening first, so that what they
    // date can help the others; then the rest, falling back on the median date.
    for round in 0..2 {
        #[allow(clippy::needless_range_loop)] // docs[i] is re-borrowed mutably below
        for i in 0..docs.len() {
            if docs[i].meta.published.is_some() {
                continue;
            }
            let text_res: HashSet<String> = RESOLUTION_NO
                .captures_iter(&docs[i].text)
                .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
                .collect();
            let names: HashSet<String> =
                docs[i].entities.iter().map(|e| norm_key(&e.name)).collect();
            let mut cands: Vec<chrono::NaiveDate> = Vec::new();
            for k in &known {
                let related = k.resolution.as_ref().is_some_and(|r| text_res.contains(r))
                    || !k.names.is_disjoint(&names);
                if related {
                    for off in 0..=7 {
                        if let Some(c) = k.date.checked_add_days(chrono::Days::new(off)) {
                            if !cands.contains(&c) {
                                cands.push(c);
                            }
                        }
                    }
                }
            }
            cands.truncate(64);
            let mut best: Option<(usize, chrono::NaiveDate)> = None;
            for c in cands {
                let mut trial = docs[i].clone();
                reanchor(&mut trial, c);
                let score = agreement(&trial, &known);
                if score > 0 && best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, c));
                }
            }
            let chosen = match (best, round) {
                (Some((_, c)), _) => Some(c),
                (None, 1) => {
                    let mut p = pubs.clone();
                    p.sort();
                    p.get(p.len() / 2).copied()
                }
                _ => None,
            };
            if let Some(c) = chosen {
                reanchor(&mut docs[i], c);
                docs[i].meta.published = Some(c.format("%Y-%m-%d").to_string());
                docs[i].meta.published_source = Some(crate::document::AnchorSource::Inferred);
                learn(&docs[i], &mut known, &mut pubs);
            }
        }
    }
}

fn duf_clusters(uf: &mut Uf, n: usize) -> Vec<usize> {
    (0..n).map(|i| uf.find(i)).collect()
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &s[..cut])
}

fn disputes(docs: &[Document], reps: &[(usize, usize)], cluster: &[usize]) -> Vec<Dispute> {
    let mut out = Vec::new();
    // figures: one value per source and counted thing
    let mut figures: BTreeMap<&'static str, BTreeMap<u64, Vec<String>>> = BTreeMap::new();
    for &(d, k) in reps {
        let ev = &docs[d].events[k];
        let mut seen = HashSet::new();
        for q in &ev.quantities {
            let class = unit_class(&q.unit);
            if seen.insert(class) {
                figures
                    .entry(class)
                    .or_default()
                    .entry(q.value as u64)
                    .or_default()
                    .push(docs[d].source.clone());
            }
        }
    }
    for (class, values) in figures {
        if values.len() < 2 {
            continue;
        }
        let (lo, hi) = (
            *values.keys().next().unwrap_or(&0),
            *values.keys().last().unwrap_or(&0),
        );
        if hi as f64 > lo as f64 * 1.05 {
            out.push(Dispute {
                field: class.to_string(),
                claims: values
                    .into_iter()
                    .map(|(v, sources)| Claim {
                        value: v.to_string(),
                        sources,
                    })
                    .collect(),
            });
        }
    }
    // dates: day-level values stated in the sentences that differ
    let mut days: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for &(d, k) in reps {
        let ev = &docs[d].events[k];
        if let Some(x) = &ev.date {
            if x.len() == 10 && ev.date_confidence >= 1.0 {
                days.entry(x.clone())
                    .or_default()
                    .push(docs[d].source.clone());
            }
        }
    }
    if days.len() > 1 {
        out.push(Dispute {
            field: "date".to_string(),
            claims: days
                .into_iter()
                .map(|(value, sources)| Claim { value, sources })
                .collect(),
        });
    }
    // actors: independent sources naming disjoint sets of actors
    let mut by_actors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sets: Vec<(usize, HashSet<String>)> = Vec::new();
    for &(d, k) in reps {
        let ev = &docs[d].events[k];
        if ev.actors.is_empty() {
            continue;
        }
        let set: HashSet<String> = ev.actors.iter().map(|a| norm_key(a)).collect();
        sets.push((cluster[d], set));
        let mut names = ev.actors.clone();
        names.sort();
        by_actors
            .entry(names.join(", "))
            .or_default()
            .push(docs[d].source.clone());
    }
    let disjoint = sets.iter().enumerate().any(|(i, (ci, a))| {
        sets.iter()
            .skip(i + 1)
            .any(|(cj, b)| ci != cj && a.is_disjoint(b))
    });
    // who did it matters for attacks, abuses, coups and claims; for a vote or a deployment
    // sources simply name different participants
    let attribution = reps.first().is_some_and(|&(d, k)| {
        matches!(
            docs[d].events[k].kind,
            EventType::Combat
                | EventType::ViolenceAgainstCivilians
                | EventType::Coup
                | EventType::Declaration
        )
    });
    if attribution && disjoint && by_actors.len() > 1 {
        out.push(Dispute {
            field: "actors".to_string(),
            claims: by_actors
                .into_iter()
                .map(|(value, sources)| Claim { value, sources })
                .collect(),
        });
    }
    out
}

fn grade(
    independent: usize,
    disputes: &[Dispute],
    low_date: bool,
    sources: &[EventSource],
    opts: &TimelineOptions,
) -> Credibility {
    let (mut g, mut reason) = match (independent, disputes.is_empty()) {
        (n, true) if n >= 3 => (
            1,
            format!("confirmed by {n} independent sources that agree"),
        ),
        (2, true) => (
            2,
            "reported by 2 independent sources that agree".to_string(),
        ),
        (n, false) if n >= 2 => (
            3,
            format!(
                "reported by {n} independent sources that disagree on {}",
                disputes
                    .iter()
                    .map(|d| d.field.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (_, false) => (4, "a single source, which contradicts itself".to_string()),
        _ => (3, "a single source; not confirmed elsewhere".to_string()),
    };
    if low_date && g < 6 {
        g = (g + 1).min(6);
        reason.push_str("; the date is inferred, not stated");
    }
    if !opts.reliability.is_empty() {
        let rel: Vec<char> = sources
            .iter()
            .filter_map(|s| {
                opts.reliability
                    .iter()
                    .find(|(k, _)| s.doc.contains(k.as_str()))
                    .map(|(_, r)| *r)
            })
            .collect();
        if !rel.is_empty() && rel.iter().all(|r| matches!(r, 'D' | 'E' | 'F')) {
            g = (g + 1).min(6);
            reason.push_str("; every source is rated D–F for reliability");
        }
    }
    let label = match g {
        1 => "confirmed",
        2 => "probably true",
        3 => "possibly true",
        4 => "doubtfully true",
        5 => "improbable",
        _ => "cannot be judged",
    };
    Credibility {
        grade: g,
        label: label.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests;
