//! The cross-source timeline: entities resolved across documents, reports of the same
//! happening merged into one event with its sources, independent corroboration counted
//! (reprints count once), disagreements between sources flagged, and an information
//! credibility grade on the Admiralty 1–6 scale.
//!
//! One module per phase: [`entities`] (entities across documents), [`sources`] (reprint
//! clusters), [`merge`] (reports of one happening), [`disputes`], [`grades`]. Each
//! document's dates come from the document alone: nothing here re-dates a document by
//! what another says. Events come out in date order (days, then the month's month-level
//! items, then the year's year-level items; undated last).

mod disputes;
mod entities;
mod grades;
mod merge;
mod sources;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::document::{Document, EntityType, Event, EventType, FigureKind, Geo, Modality};

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
    /// How this source presents the event.
    pub modality: Modality,
    /// Where this source's date comes from.
    pub date_basis: DateBasis,
    /// Whether this report counts towards corroboration: asserted or reported, in the
    /// document's own time frame, and the first of its reprint cluster.
    pub corroborates: bool,
}

/// Where the date of one report comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateBasis {
    /// An expression in the event's own sentence.
    Stated,
    /// The last date earlier in the paragraph.
    Paragraph,
    /// The document's publication date.
    Publication,
    /// No date: the document gives none the event can take (a relative expression
    /// without an anchor stays unresolved).
    Unresolved,
}

impl DateBasis {
    fn of(ev: &Event) -> DateBasis {
        match (ev.date.is_some(), ev.date_confidence) {
            (false, _) => DateBasis::Unresolved,
            (true, c) if c >= 1.0 => DateBasis::Stated,
            (true, c) if c >= 0.5 => DateBasis::Paragraph,
            _ => DateBasis::Publication,
        }
    }
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
    /// People killed, when a source gives a figure: the lowest figure the independent
    /// sources give (the conservative count ACLED also keeps).
    pub fatalities: Option<u64>,
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
    /// Merged events in date order ([`date_order`]).
    pub events: Vec<MergedEvent>,
}

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

/// The sort key of an ISO date truncated to its granularity: within a year its days and
/// months come before the year-level items, within a month its days before the
/// month-level items; no date sorts last.
pub fn date_key(date: Option<&str>) -> (u32, u32, u32) {
    let Some(d) = date else {
        return (u32::MAX, 0, 0);
    };
    let mut parts = d.split('-').map(|p| p.parse::<u32>().ok());
    let y = parts.next().flatten().unwrap_or(u32::MAX);
    let m = parts.next().flatten().unwrap_or(13);
    let day = parts.next().flatten().unwrap_or(32);
    (y, m, day)
}

/// The timeline's order of two dates (see [`date_key`]).
pub fn date_order(a: Option<&str>, b: Option<&str>) -> Ordering {
    date_key(a).cmp(&date_key(b))
}

/// First and last day an ISO date value covers.
fn span(value: &str) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let (y, m, d) = date_key(Some(value));
    let y = i32::try_from(y).ok()?;
    let ymd = |m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    match (m, d) {
        (13, _) => Some((ymd(1, 1)?, ymd(12, 31)?)),
        (m, 32) => {
            let first = ymd(m, 1)?;
            let next = if m == 12 {
                chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                ymd(m + 1, 1)?
            };
            Some((first, next.pred_opt()?))
        }
        (m, d) => {
            let x = ymd(m, d)?;
            Some((x, x))
        }
    }
}

/// Days before its publication that a document still reports as its own news.
const OWN_TIME_DAYS: u64 = 31;

/// Whether an event falls within its document's own time frame: from a month before its
/// publication to its publication day. A document with no publication date has no frame
/// to be outside of.
pub fn in_own_time(doc: &Document, ev: &Event) -> bool {
    let Some(p) = doc
        .meta
        .published
        .as_deref()
        .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
    else {
        return true;
    };
    let Some((first, last)) = ev.date.as_deref().and_then(span) else {
        return false;
    };
    let from = p
        .checked_sub_days(chrono::Days::new(OWN_TIME_DAYS))
        .unwrap_or(p);
    last >= from && first <= p
}

/// Whether a report is a witness of the happening: asserted or reported, in its
/// document's own time.
fn witnesses(doc: &Document, ev: &Event) -> bool {
    ev.modality.corroborates() && in_own_time(doc, ev)
}

/// Builds the timeline of a set of processed documents.
pub fn build(docs: &[Document], opts: &TimelineOptions) -> Timeline {
    let resolver = entities::Resolver::new(docs);
    let mut reprints = sources::Reprints::new(docs);
    let clusters = merge::merge(docs, &resolver);
    for c in &clusters {
        let ds: Vec<usize> = c.reps.iter().map(|r| r.doc).collect();
        if ds.len() > 1 {
            reprints.compare(docs, &ds);
        }
    }
    let cluster_of = reprints.clusters(docs.len());
    let mut events: Vec<MergedEvent> = Vec::with_capacity(clusters.len());
    for (m, c) in clusters.iter().enumerate() {
        // one report per document: the first (documents repeat themselves)
        let mut seen_docs = HashSet::new();
        let reps: Vec<&merge::Rep> = c.reps.iter().filter(|r| seen_docs.insert(r.doc)).collect();
        let mut sources = Vec::new();
        let mut actor_count: HashMap<String, usize> = HashMap::new();
        let mut target_count: HashMap<String, usize> = HashMap::new();
        let mut place_count: HashMap<String, usize> = HashMap::new();
        let mut witness_clusters: HashSet<usize> = HashSet::new();
        let mut fatalities: HashMap<usize, u64> = HashMap::new();
        for r in &reps {
            let doc = &docs[r.doc];
            let ev = &doc.events[r.ev];
            for a in &ev.actors {
                *actor_count.entry(resolver.resolve(r.doc, a)).or_default() += 1;
            }
            for t in &ev.targets {
                *target_count.entry(resolver.resolve(r.doc, t)).or_default() += 1;
            }
            if let Some(p) = &ev.place {
                *place_count
                    .entry(resolver.display(&resolver.resolve(r.doc, p), p))
                    .or_default() += 1;
            }
            let witness = witnesses(doc, ev);
            let corroborates = witness && witness_clusters.insert(cluster_of[r.doc]);
            if witness {
                // the lowest figure of each independent source, then the lowest of those
                if let Some(k) = ev
                    .quantities
                    .iter()
                    .filter(|q| q.kind == FigureKind::Killed)
                    .map(|q| q.value as u64)
                    .min()
                {
                    let e = fatalities.entry(cluster_of[r.doc]).or_insert(k);
                    *e = (*e).min(k);
                }
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
                modality: ev.modality,
                date_basis: DateBasis::of(ev),
                corroborates,
            });
        }
        let ranked = |c: &HashMap<String, usize>| -> Vec<String> {
            let mut v: Vec<(&String, &usize)> = c.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            v.into_iter()
                .map(|(k, _)| resolver.display(k, k.trim_start_matches("g:")))
                .collect()
        };
        let actors = ranked(&actor_count);
        let targets: Vec<String> = ranked(&target_count)
            .into_iter()
            .filter(|t| !actors.contains(t))
            .collect();
        let mut places: Vec<(String, usize)> = place_count.into_iter().collect();
        places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let place = places.into_iter().next().map(|(p, _)| p);
        let corroboration = witness_clusters.len();
        let disputes = disputes::disputes(
            docs,
            &reps.iter().map(|r| (r.doc, r.ev)).collect::<Vec<_>>(),
            &cluster_of,
            c.date.as_deref(),
        );
        let low_date = reps
            .iter()
            .all(|r| docs[r.doc].events[r.ev].date_confidence < 1.0);
        let credibility = grades::grade(corroboration, &disputes, low_date, &sources, opts);
        // the summary is the sentence of the first witness, else of the first report
        let summary = sources
            .iter()
            .find(|s| s.corroborates)
            .or(sources.first())
            .map(|s| shorten(&s.text, 240))
            .unwrap_or_default();
        events.push(MergedEvent {
            id: format!("ev{}", m + 1),
            date: c.date.clone(),
            kind: c.kind,
            actors,
            targets,
            place,
            summary,
            sources,
            corroboration,
            fatalities: fatalities.values().min().copied(),
            disputes,
            credibility,
        });
    }
    // in date order; on one date the best-corroborated first
    events.sort_by(|a, b| {
        date_order(a.date.as_deref(), b.date.as_deref())
            .then(b.corroboration.cmp(&a.corroboration))
            .then(b.sources.len().cmp(&a.sources.len()))
    });
    Timeline {
        entities: resolver.entities,
        events,
    }
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

#[cfg(test)]
mod tests;
