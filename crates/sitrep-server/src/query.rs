//! The queries behind the pages, the JSON API and the watchlists: search with paging and
//! facets, the corpus at a glance, timeline filters and counts per week or day, and the
//! look-ups of one document or entity. Handlers render what these return; none of them
//! queries the store or the corpus on its own.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sitrep_core::document::EventType;
use sitrep_core::Document;
use sitrep_store::SearchFilters;

use crate::corpus::{date_in, Corpus};
use crate::html::query;
use crate::timeline::{CorpusEntity, MergedEvent};
use crate::{AppError, AppResult, AppState};

/// Search parameters (page and API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    /// Query text.
    pub q: Option<String>,
    /// Entity key, name or alias.
    pub entity: Option<String>,
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Language.
    pub lang: Option<String>,
    /// Earliest publication date.
    pub from: Option<String>,
    /// Latest publication date.
    pub to: Option<String>,
    /// Results per page (default [`SEARCH_PAGE`], at most 500).
    pub limit: Option<usize>,
    /// Page number, from 1.
    pub page: Option<usize>,
}

/// Results per search page.
pub const SEARCH_PAGE: usize = 20;

/// The trimmed value of a parameter, when it is not empty.
pub fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl SearchParams {
    /// The store's filters.
    pub fn filters(&self, c: &Corpus) -> SearchFilters {
        SearchFilters {
            entity: nonempty(&self.entity).map(|e| c.resolve(&e).map_or(e, index_key)),
            event_type: nonempty(&self.event_type),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
            lang: nonempty(&self.lang),
            source: None,
        }
    }

    /// The search URL with one parameter changed (`None`: removed); the page is reset.
    pub fn href_with(&self, key: &str, value: Option<&str>) -> String {
        let pick = |k: &str, v: &Option<String>| -> Option<String> {
            if k == key {
                value.map(str::to_string)
            } else {
                v.clone()
            }
        };
        let vals = [
            ("q", pick("q", &self.q)),
            ("entity", pick("entity", &self.entity)),
            ("type", pick("type", &self.event_type)),
            ("lang", pick("lang", &self.lang)),
            ("from", pick("from", &self.from)),
            ("to", pick("to", &self.to)),
            ("page", pick("page", &None)),
        ];
        let pairs: Vec<(&str, Option<&str>)> =
            vals.iter().map(|(k, v)| (*k, v.as_deref())).collect();
        format!("/{}", query(&pairs))
    }
}

/// The key under which the index files an entity for filters and facets: its KB id, else
/// its lowercased name.
pub fn index_key(e: &CorpusEntity) -> String {
    e.id.clone().unwrap_or_else(|| e.name.to_lowercase())
}

/// Search results with facet counts over every match (not only the page shown).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchResult {
    /// Number of matching documents.
    pub total: usize,
    /// This page (from 1).
    pub page: usize,
    /// Number of pages.
    pub pages: usize,
    /// Results per page.
    pub per_page: usize,
    /// Results of this page.
    pub hits: Vec<sitrep_store::Hit>,
    /// Entity key → (name, matching documents).
    pub entities: Vec<(String, String, usize)>,
    /// Event type → matching documents.
    pub event_types: Vec<(String, usize)>,
    /// Language → matching documents.
    pub languages: Vec<(String, usize)>,
    /// Publication year → matching documents.
    pub years: Vec<(String, usize)>,
}

/// Runs a search: one page of hits, the total and facets over every matching document.
/// Bad filters (`from=2013-13-45`, `type=riot`) are a 400 that says what is wrong.
pub fn run_search(state: &AppState, p: &SearchParams) -> AppResult<SearchResult> {
    let c = state.corpus()?;
    let filters = p.filters(&c);
    let q = p.q.clone().unwrap_or_default();
    let per_page = p.limit.unwrap_or(SEARCH_PAGE).clamp(1, 500);
    let (total, facets) = state.store().facets(&q, &filters)?;
    let pages = total.div_ceil(per_page).max(1);
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let hits = state
        .store()
        .search_page(&q, &filters, (page - 1) * per_page, per_page)?;
    let n = |v: Vec<(String, u64)>| -> Vec<(String, usize)> {
        v.into_iter().map(|(k, n)| (k, n as usize)).collect()
    };
    let entities = facets
        .entities
        .into_iter()
        .map(|(k, n)| {
            let name = c.resolve(&k).map_or_else(|| k.clone(), |e| e.name.clone());
            (k, name, n as usize)
        })
        .collect();
    Ok(SearchResult {
        total,
        page,
        pages,
        per_page,
        hits,
        entities,
        event_types: n(facets.event_types),
        languages: n(facets.languages),
        years: n(facets.years),
    })
}

/// Every event type, in taxonomy order.
pub fn all_event_types() -> Vec<EventType> {
    [
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
    ]
    .iter()
    .filter_map(|s| EventType::parse(s))
    .collect()
}

fn parse_id(id: &str, html: bool) -> AppResult<i64> {
    id.parse::<i64>().map_err(|_| {
        let e = AppError::not_found(format!("no document {id}"));
        if html {
            e.into_html()
        } else {
            e
        }
    })
}

/// A document found by id, with every source it was seen at and its latest translation.
pub struct FoundDoc {
    /// Store id.
    pub id: i64,
    /// The document.
    pub doc: Document,
    /// Every source it was seen at (reprints included).
    pub sources: Vec<String>,
    /// Its latest machine translation, if any.
    pub translation: Option<sitrep_core::translate::Translation>,
}

/// Loads a document by id: from the corpus in memory, else from the store; 404 otherwise.
pub fn find_doc(state: &AppState, c: &Corpus, id: &str, html: bool) -> AppResult<FoundDoc> {
    let n = parse_id(id, html)?;
    let not_found = || {
        let e = AppError::not_found(format!("no document {id}"));
        if html {
            e.into_html()
        } else {
            e
        }
    };
    if let Some(d) = c.doc(n) {
        let sources = c
            .ids
            .iter()
            .position(|&x| x == n)
            .map(|i| c.sources[i].clone())
            .unwrap_or_default();
        return Ok(FoundDoc {
            id: n,
            doc: d.clone(),
            sources,
            translation: c.translations.get(&n).cloned(),
        });
    }
    let store = state.store();
    let err = |e: sitrep_store::Error| {
        let e = AppError::from(e);
        if html {
            e.into_html()
        } else {
            e
        }
    };
    let d = store.db().get(n).map_err(err)?.ok_or_else(not_found)?;
    Ok(FoundDoc {
        id: n,
        doc: d.document,
        sources: store.db().sources_of(n).map_err(err)?,
        translation: store
            .db()
            .translations(n)
            .map_err(err)?
            .into_iter()
            .next()
            .map(|t| t.translation),
    })
}

/// Mentions of an entity per month of publication: (YYYY-MM, count), over the documents in
/// memory.
pub fn mentions_by_month(c: &Corpus, key: &str) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for &i in c.docs_of(key) {
        let d = &c.docs[i];
        let n: usize = d
            .entities
            .iter()
            .filter(|e| c.key_of(e) == key)
            .map(|e| e.mentions.len())
            .sum();
        if n == 0 {
            continue;
        }
        let month = d
            .meta
            .published
            .as_deref()
            .and_then(|p| p.get(..7))
            .unwrap_or("undated")
            .to_string();
        *m.entry(month).or_default() += n;
    }
    m.into_iter().collect()
}

/// An entity's mentions over time for its page: mentions per month when every document is
/// in memory, else documents per month across the whole store. Returns the series and its
/// unit.
pub fn entity_over_time(
    state: &AppState,
    c: &Corpus,
    e: &CorpusEntity,
) -> (Vec<(String, usize)>, &'static str) {
    if c.partial {
        let rows = state.store().db().entity_months(&Corpus::store_key(e));
        if let Ok(rows) = rows {
            if !rows.is_empty() {
                let v = rows.into_iter().map(|(m, n)| (m, n as usize)).collect();
                return (v, "documents");
            }
        }
    }
    (mentions_by_month(c, &e.key), "mentions")
}

/// Entities sharing documents with an entity: (key, name, shared documents).
pub fn cooccurring(c: &Corpus, key: &str) -> Vec<(String, String, usize)> {
    let mut m: HashMap<String, usize> = HashMap::new();
    for &i in c.docs_of(key) {
        for k in c.doc_keys(i) {
            if k != key {
                *m.entry(k.clone()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, String, usize)> = m
        .into_iter()
        .map(|(k, n)| {
            let name = c.entity(&k).map_or_else(|| k.clone(), |e| e.name.clone());
            (k, name, n)
        })
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    v.truncate(20);
    v
}

/// The entity named by a key, name or alias: from the documents in memory, else from the
/// store (an entity only older documents mention), with its documents across the store.
pub fn find_entity(
    state: &AppState,
    c: &Corpus,
    key: &str,
) -> AppResult<(CorpusEntity, Option<u64>)> {
    let store_count = |e: &CorpusEntity| -> Option<u64> {
        if !c.partial {
            return None;
        }
        let store = state.store();
        store
            .db()
            .entity_info(&Corpus::store_key(e))
            .ok()
            .flatten()
            .map(|i| i.documents)
    };
    if let Some(e) = c.resolve(key) {
        let n = store_count(e);
        return Ok((e.clone(), n));
    }
    let info = state
        .store()
        .db()
        .entity_info(key)?
        .ok_or_else(|| AppError::not_found(format!("no entity {key}")))?;
    let kind = serde_json::from_value(serde_json::Value::String(info.kind.clone()))
        .map_err(|_| AppError::not_found(format!("no entity {key}")))?;
    let e = CorpusEntity {
        key: info.kb_id.clone().unwrap_or_else(|| info.key.clone()),
        id: info.kb_id.clone(),
        name: info.name.clone(),
        kind,
        subtype: info.subtype.clone(),
        aliases: info.aliases.clone(),
        documents: Vec::new(),
        mentions: 0,
        geo: None,
    };
    Ok((e, Some(info.documents)))
}

/// Timeline filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TimelineParams {
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Entity key, name or alias.
    pub entity: Option<String>,
    /// Earliest date.
    pub from: Option<String>,
    /// Latest date.
    pub to: Option<String>,
    /// Page number (1-based) of the timeline page.
    pub page: Option<usize>,
    /// API: events to skip.
    pub offset: Option<usize>,
    /// API: most events returned (default and cap [`TIMELINE_API_LIMIT`]).
    pub limit: Option<usize>,
    /// Chart buckets: `week` (default), `day` or `month`.
    pub group: Option<String>,
}

impl TimelineParams {
    /// Checks the filters as a search does (real dates, a known event type): a 400 that
    /// says what is wrong rather than an empty timeline.
    pub fn validate(&self) -> AppResult<()> {
        SearchFilters {
            event_type: nonempty(&self.event_type),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
            ..Default::default()
        }
        .validate()?;
        match nonempty(&self.group).as_deref() {
            None | Some("day" | "week" | "month") => Ok(()),
            Some(g) => Err(AppError::bad_request(format!(
                "`group={g}` is not a grouping: use day, week or month"
            ))),
        }
    }

    /// The chart's grouping.
    pub fn group(&self) -> Group {
        match nonempty(&self.group).as_deref() {
            Some("day") => Group::Day,
            Some("month") => Group::Month,
            _ => Group::Week,
        }
    }
}

/// Events per timeline page.
pub const TIMELINE_PAGE: usize = 100;
/// Most events one `GET /api/v1/timeline` returns.
pub const TIMELINE_API_LIMIT: usize = 1000;

/// The events matching timeline filters.
pub fn filter_events<'a>(c: &'a Corpus, p: &TimelineParams) -> Vec<&'a MergedEvent> {
    let ent = nonempty(&p.entity).map(|s| c.resolve(&s).cloned().ok_or(s));
    let ty = nonempty(&p.event_type).map(|t| t.to_lowercase());
    let keep = |ev: &&MergedEvent| {
        ty.as_deref().is_none_or(|t| ev.kind.as_str() == t)
            && date_in(
                ev.date.as_deref(),
                nonempty(&p.from).as_deref(),
                nonempty(&p.to).as_deref(),
            )
    };
    match &ent {
        None => c.timeline.events.iter().filter(keep).collect(),
        Some(Ok(e)) => c.events_of(&e.key).filter(keep).collect(),
        Some(Err(name)) => {
            let n = name.to_lowercase();
            c.timeline
                .events
                .iter()
                .filter(keep)
                .filter(|ev| {
                    ev.actors
                        .iter()
                        .chain(&ev.targets)
                        .chain(ev.place.iter())
                        .any(|a| a.to_lowercase() == n)
                })
                .collect()
        }
    }
}

/// How events are counted over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Per day.
    Day,
    /// Per week (starting on Monday).
    Week,
    /// Per month.
    Month,
}

impl Group {
    /// Its name in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Day => "day",
            Group::Week => "week",
            Group::Month => "month",
        }
    }
}

/// Events counted per period and type.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The grouping used (a long range asked per day or week falls back to coarser).
    pub group: Group,
    /// (first day of the period, YYYY-MM-DD; event type -> events), every period of the
    /// range, empty ones included.
    pub buckets: Vec<(String, BTreeMap<String, usize>)>,
    /// Events whose date is not precise enough for the grouping (a year, a month) or
    /// missing: not drawn.
    pub undrawn: usize,
}

/// Most periods a chart draws; a longer range is drawn per week, then per month.
pub const MAX_BUCKETS: usize = 160;

fn period_start(d: chrono::NaiveDate, g: Group) -> chrono::NaiveDate {
    use chrono::Datelike;
    match g {
        Group::Day => d,
        Group::Week => d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday())),
        Group::Month => d.with_day(1).unwrap_or(d),
    }
}

fn next_period(d: chrono::NaiveDate, g: Group) -> chrono::NaiveDate {
    match g {
        Group::Day => d + chrono::Duration::days(1),
        Group::Week => d + chrono::Duration::days(7),
        Group::Month => d
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(chrono::NaiveDate::MAX),
    }
}

/// Events per period and type, every period from the first event to the last (empty ones
/// included), in the grouping asked for or a coarser one when it would draw more than
/// [`MAX_BUCKETS`] periods.
pub fn events_over_time(events: &[&MergedEvent], group: Group) -> Series {
    let dated: Vec<(chrono::NaiveDate, &str)> = events
        .iter()
        .filter_map(|e| {
            let d = e.date.as_deref()?.get(..10)?;
            let d = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
            Some((d, e.kind.as_str()))
        })
        .collect();
    let undrawn = events.len() - dated.len();
    let (Some(lo), Some(hi)) = (
        dated.iter().map(|x| x.0).min(),
        dated.iter().map(|x| x.0).max(),
    ) else {
        return Series {
            group,
            buckets: Vec::new(),
            undrawn,
        };
    };
    let mut g = group;
    let span = (hi - lo).num_days().max(0) as usize;
    if g == Group::Day && span >= MAX_BUCKETS {
        g = Group::Week;
    }
    if g == Group::Week && span / 7 >= MAX_BUCKETS {
        g = Group::Month;
    }
    let mut counts: BTreeMap<chrono::NaiveDate, BTreeMap<String, usize>> = BTreeMap::new();
    for (d, kind) in &dated {
        *counts
            .entry(period_start(*d, g))
            .or_default()
            .entry((*kind).to_string())
            .or_default() += 1;
    }
    let mut buckets = Vec::new();
    let mut at = period_start(lo, g);
    let end = period_start(hi, g);
    while at <= end {
        buckets.push((
            at.format("%Y-%m-%d").to_string(),
            counts.remove(&at).unwrap_or_default(),
        ));
        at = next_period(at, g);
    }
    Series {
        group: g,
        buckets,
        undrawn,
    }
}

/// The corpus at a glance, shown for the empty query.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Documents in the store.
    pub documents: u64,
    /// Documents the overview covers (the most recent window).
    pub window: usize,
    /// Merged events per week by type.
    pub series: Series,
    /// The latest dated events, newest first.
    pub latest: Vec<MergedEvent>,
    /// The most mentioned entities: key, name, documents.
    pub entities: Vec<(String, String, usize)>,
    /// Sources (outlet, else host, else folder) and their documents, most first.
    pub sources: Vec<(String, usize)>,
}

/// Where a document comes from, in a word: its outlet, the host of its URL, else the
/// folder of its path.
pub fn source_label(d: &Document) -> String {
    if let Some(o) = d.meta.outlet.as_deref().filter(|o| !o.trim().is_empty()) {
        return o.trim().to_string();
    }
    let s = d.meta.url.as_deref().unwrap_or(&d.source);
    if let Some(rest) = s.split_once("://").map(|x| x.1) {
        let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        return host.trim_start_matches("www.").to_string();
    }
    match s.rsplit_once('/') {
        Some((dir, _)) => dir.rsplit('/').next().unwrap_or(dir).to_string(),
        None => s.to_string(),
    }
}

/// The overview of the documents in memory.
pub fn overview(c: &Corpus) -> Overview {
    let all: Vec<&MergedEvent> = c.timeline.events.iter().collect();
    let mut latest: Vec<&MergedEvent> = all
        .iter()
        .copied()
        .filter(|e| e.date.as_deref().is_some_and(|d| d.len() >= 10))
        .collect();
    latest.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.corroboration.cmp(&a.corroboration))
    });
    let mut entities: Vec<(String, String, usize)> = c
        .timeline
        .entities
        .iter()
        .map(|e| (e.key.clone(), e.name.clone(), e.documents.len()))
        .collect();
    entities.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    entities.truncate(12);
    let mut sources: HashMap<String, usize> = HashMap::new();
    for d in &c.docs {
        *sources.entry(source_label(d)).or_default() += 1;
    }
    let mut sources: Vec<(String, usize)> = sources.into_iter().collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sources.truncate(12);
    Overview {
        documents: c.count,
        window: c.docs.len(),
        series: events_over_time(&all, Group::Week),
        latest: latest.into_iter().take(8).cloned().collect(),
        entities,
        sources,
    }
}
