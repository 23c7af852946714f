//! The HTML pages. Every string from a document goes through [`esc`] (text and attribute
//! values) or [`urlenc`] (inside URLs); the only markup not built here is the store's search
//! snippet, which [`safe_snippet`] reduces to text and `<b>` marks.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use sitrep_core::document::EventType;
use sitrep_core::Document;
use sitrep_store::SearchFilters;

use crate::brief::{self, BriefQuery};
use crate::corpus::{date_in, Corpus};
use crate::html::{esc, page, query, safe_snippet, urlenc};
use crate::timeline::MergedEvent;
use crate::{map as mapmod, AppError, AppResult, AppState};

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
    /// Most results.
    pub limit: Option<usize>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl SearchParams {
    /// The store's filters.
    pub fn filters(&self, c: &Corpus) -> SearchFilters {
        SearchFilters {
            entity: nonempty(&self.entity).map(|e| c.resolve(&e).map_or(e, Corpus::store_key)),
            event_type: nonempty(&self.event_type),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
            lang: nonempty(&self.lang),
            source: None,
        }
    }

    fn href_with(&self, key: &str, value: Option<&str>) -> String {
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
        ];
        let pairs: Vec<(&str, Option<&str>)> =
            vals.iter().map(|(k, v)| (*k, v.as_deref())).collect();
        format!("/{}", query(&pairs))
    }
}

/// Search results with facet counts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchResult {
    /// Number of matching documents.
    pub total: usize,
    /// Results.
    pub hits: Vec<sitrep_store::Hit>,
    /// Facets over the results: entity key → (name, documents).
    pub entities: Vec<(String, String, usize)>,
    /// Event type → documents.
    pub event_types: Vec<(String, usize)>,
    /// Language → documents.
    pub languages: Vec<(String, usize)>,
    /// Publication year → documents.
    pub years: Vec<(String, usize)>,
}

/// Runs a search and counts facets over its results.
pub fn run_search(state: &AppState, p: &SearchParams) -> AppResult<SearchResult> {
    let c = state.corpus()?;
    let filters = p.filters(&c);
    let q = p.q.clone().unwrap_or_default();
    let limit = p.limit.unwrap_or(50).clamp(1, 500);
    let (hits, total) = {
        let store = state.store();
        (
            store.search(&q, &filters, limit)?,
            store.count(&q, &filters)?,
        )
    };
    let mut ents: HashMap<String, usize> = HashMap::new();
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let mut langs: BTreeMap<String, usize> = BTreeMap::new();
    let mut years: BTreeMap<String, usize> = BTreeMap::new();
    for h in &hits {
        let Some(d) = c.doc(h.doc_id) else { continue };
        let mut seen = std::collections::HashSet::new();
        for e in &d.entities {
            let k = c.key_of(e);
            if seen.insert(k.clone()) {
                *ents.entry(k).or_default() += 1;
            }
        }
        let mut tseen = std::collections::HashSet::new();
        for ev in &d.events {
            if tseen.insert(ev.kind) {
                *types.entry(ev.kind.as_str().to_string()).or_default() += 1;
            }
        }
        *langs.entry(d.language.clone()).or_default() += 1;
        if let Some(y) = d.meta.published.as_deref().and_then(|p| p.get(..4)) {
            *years.entry(y.to_string()).or_default() += 1;
        }
    }
    let mut entities: Vec<(String, String, usize)> = ents
        .into_iter()
        .map(|(k, n)| {
            let name = c.entity(&k).map_or_else(|| k.clone(), |e| e.name.clone());
            (k, name, n)
        })
        .collect();
    entities.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    entities.truncate(15);
    let mut event_types: Vec<(String, usize)> = types.into_iter().collect();
    event_types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(SearchResult {
        total,
        hits,
        entities,
        event_types,
        languages: langs.into_iter().collect(),
        years: years.into_iter().collect(),
    })
}

fn facet_list(
    h: &mut String,
    title: &str,
    p: &SearchParams,
    key: &str,
    items: &[(String, String, usize)],
) {
    if items.is_empty() {
        return;
    }
    let _ = write!(h, "<h3>{}</h3><ul>", esc(title));
    for (value, label, n) in items {
        let _ = write!(
            h,
            "<li><a href=\"{}\">{}</a><span class=\"count\">{n}</span></li>",
            esc(&p.href_with(key, Some(value))),
            esc(label)
        );
    }
    h.push_str("</ul>");
}

/// `GET /`: search with facets.
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> AppResult<Html<String>> {
    let r = run_search(&state, &p).map_err(AppError::into_html)?;
    let c = state.corpus().map_err(AppError::into_html)?;
    let v = |s: &Option<String>| esc(s.as_deref().unwrap_or(""));
    let mut h = String::new();
    h.push_str("<h1>Search the reports</h1>");
    let _ = write!(
        h,
        "<form class=\"search\" method=\"get\" action=\"/\">\
<label>Words<input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"coup, Timbuktu, MINUSMA…\"></label>\
<label>Entity<input name=\"entity\" value=\"{}\" size=\"12\"></label>\
<label>Event type<select name=\"type\"><option value=\"\">any</option>",
        v(&p.q),
        v(&p.entity)
    );
    for t in all_event_types() {
        let sel = if p.event_type.as_deref() == Some(t.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<option value=\"{}\"{sel}>{}</option>",
            t.as_str(),
            t.as_str().replace('_', " ")
        );
    }
    let _ = write!(
        h,
        "</select></label><label>Language<input name=\"lang\" value=\"{}\" size=\"3\"></label>\
<label>From<input name=\"from\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>To<input name=\"to\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<button type=\"submit\">Search</button></form>",
        v(&p.lang),
        v(&p.from),
        v(&p.to)
    );
    h.push_str("<div class=\"layout\"><aside class=\"facets\">");
    let mut active = Vec::new();
    for (k, val) in [
        ("entity", &p.entity),
        ("type", &p.event_type),
        ("lang", &p.lang),
        ("from", &p.from),
        ("to", &p.to),
    ] {
        if let Some(x) = nonempty(val) {
            active.push((k, x));
        }
    }
    if !active.is_empty() {
        h.push_str("<h3>Filters</h3><ul>");
        for (k, x) in active {
            let _ = write!(
                h,
                "<li>{}: {} <a href=\"{}\">remove</a></li>",
                k,
                esc(&x),
                esc(&p.href_with(k, None))
            );
        }
        h.push_str("</ul>");
    }
    let ents: Vec<(String, String, usize)> = r.entities.clone();
    facet_list(&mut h, "Entities", &p, "entity", &ents);
    let types: Vec<(String, String, usize)> = r
        .event_types
        .iter()
        .map(|(t, n)| (t.clone(), t.replace('_', " "), *n))
        .collect();
    facet_list(&mut h, "Event types", &p, "type", &types);
    let langs: Vec<(String, String, usize)> = r
        .languages
        .iter()
        .map(|(l, n)| (l.clone(), l.clone(), *n))
        .collect();
    facet_list(&mut h, "Languages", &p, "lang", &langs);
    if !r.years.is_empty() {
        h.push_str("<h3>Published</h3><ul>");
        for (y, n) in &r.years {
            let mut q2 = p.clone();
            q2.from = Some(y.clone());
            let href = q2.href_with("to", Some(y));
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a><span class=\"count\">{n}</span></li>",
                esc(&href),
                esc(y)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</aside><section>");
    let _ = write!(
        h,
        "<p class=\"meta\">{} document{} match.",
        r.total,
        if r.total == 1 { "" } else { "s" }
    );
    if r.total > r.hits.len() {
        let _ = write!(h, " Showing the first {}.", r.hits.len());
    }
    h.push_str("</p>");
    if r.hits.is_empty() {
        h.push_str("<p class=\"empty\">Nothing found.</p>");
    }
    for hit in &r.hits {
        let d = c.doc(hit.doc_id);
        let title = hit
            .title
            .clone()
            .unwrap_or_else(|| hit.source.rsplit('/').next().unwrap_or("").to_string());
        let _ = write!(
            h,
            "<div class=\"hit\"><h3><a href=\"/doc/{}\">{}</a></h3><div class=\"meta\">{} · {} · {}</div><div class=\"snippet\">{}</div></div>",
            hit.doc_id,
            esc(&title),
            esc(hit.published.as_deref().unwrap_or("undated")),
            esc(d
                .and_then(|d| d.meta.outlet.as_deref())
                .unwrap_or_else(|| hit.source.rsplit('/').next().unwrap_or(&hit.source))),
            esc(d.map_or("", |d| d.language.as_str())),
            safe_snippet(&hit.snippet_html)
        );
    }
    h.push_str("</section></div>");
    Ok(Html(page("Search", "Search", &h)))
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

/// The text of a document with entity mentions and dates as links, all text escaped.
pub fn highlighted_text(c: &Corpus, d: &Document) -> String {
    // (start, end, href, class, title)
    let mut spans: Vec<(usize, usize, String, &str, String)> = Vec::new();
    for e in &d.entities {
        let key = c.key_of(e);
        for m in &e.mentions {
            spans.push((
                m.start,
                m.end,
                format!("/entity/{}", urlenc(&key)),
                "ent",
                format!("{} ({})", e.name, e.kind.as_str()),
            ));
        }
    }
    for dm in &d.dates {
        spans.push((
            dm.start,
            dm.end,
            format!(
                "/timeline{}",
                query(&[("from", Some(&dm.range_start)), ("to", Some(&dm.range_end))])
            ),
            "date",
            dm.value.clone(),
        ));
    }
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let t = &d.text;
    let mut out = String::with_capacity(t.len() * 2);
    let mut pos = 0;
    for (s, e, href, class, title) in spans {
        if s < pos || e <= s || e > t.len() || !t.is_char_boundary(s) || !t.is_char_boundary(e) {
            continue;
        }
        out.push_str(&esc(&t[pos..s]));
        let _ = write!(
            out,
            "<a class=\"{class}\" href=\"{}\" title=\"{}\">{}</a>",
            esc(&href),
            esc(&title),
            esc(&t[s..e])
        );
        pos = e;
    }
    out.push_str(&esc(&t[pos..]));
    out
}

fn event_html(c: &Corpus, ev: &MergedEvent) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"event\" id=\"{}\"><h3>{} <span class=\"tag\">{}</span> {}</h3>",
        esc(&ev.id),
        esc(ev.date.as_deref().unwrap_or("undated")),
        esc(&ev.kind.as_str().replace('_', " ")),
        esc(&ev.summary)
    );
    let names = |v: &[String]| -> String {
        v.iter()
            .map(|n| match c.entity_by_name(n) {
                Some(e) => format!("<a href=\"/entity/{}\">{}</a>", urlenc(&e.key), esc(n)),
                None => esc(n),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    h.push_str("<dl class=\"kv\">");
    if !ev.actors.is_empty() {
        let _ = write!(h, "<dt>Actors</dt><dd>{}</dd>", names(&ev.actors));
    }
    if !ev.targets.is_empty() {
        let _ = write!(h, "<dt>Targets</dt><dd>{}</dd>", names(&ev.targets));
    }
    if let Some(p) = &ev.place {
        let _ = write!(
            h,
            "<dt>Place</dt><dd>{}</dd>",
            names(std::slice::from_ref(p))
        );
    }
    let _ = write!(
        h,
        "<dt>Corroboration</dt><dd>{} independent source{}</dd><dt>Credibility</dt><dd><span class=\"grade g{}\">{} — {}</span> <span class=\"meta\">{}</span></dd>",
        ev.corroboration,
        if ev.corroboration == 1 { "" } else { "s" },
        ev.credibility.grade,
        ev.credibility.grade,
        esc(&ev.credibility.label),
        esc(&ev.credibility.reason)
    );
    for d in &ev.disputes {
        let claims: Vec<String> = d
            .claims
            .iter()
            .map(|cl| {
                let who: Vec<String> = cl.sources.iter().map(|s| esc(&c.label(s))).collect();
                format!("<strong>{}</strong> ({})", esc(&cl.value), who.join("; "))
            })
            .collect();
        let _ = write!(
            h,
            "<dt class=\"dispute\">Disputed: {}</dt><dd class=\"dispute\">{}</dd>",
            esc(&d.field),
            claims.join(" vs ")
        );
    }
    h.push_str("</dl><ol class=\"sources\">");
    for s in &ev.sources {
        let label = s.title.clone().unwrap_or_else(|| s.doc.clone());
        let link = match c.id_of(&s.doc) {
            Some(id) => format!("<a href=\"/doc/{id}\">{}</a>", esc(&label)),
            None => esc(&label),
        };
        let _ = write!(
            h,
            "<li>{link} <span class=\"meta\">{}</span><blockquote dir=\"auto\">{}</blockquote></li>",
            esc(s.published.as_deref().unwrap_or("")),
            esc(&s.text)
        );
    }
    h.push_str("</ol></div>");
    h
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

/// `GET /doc/{id}`.
pub async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let c = state.corpus().map_err(AppError::into_html)?;
    let FoundDoc {
        id: n,
        doc: d,
        sources,
        translation,
    } = find_doc(&state, &c, &id, true)?;
    let title = d.meta.title.clone().unwrap_or_else(|| d.source.clone());
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1><dl class=\"kv\">", esc(&title));
    let row = |h: &mut String, k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            let _ = write!(h, "<dt>{k}</dt><dd>{}</dd>", esc(v));
        }
    };
    row(&mut h, "Outlet", d.meta.outlet.as_deref());
    row(&mut h, "Author", d.meta.author.as_deref());
    let published = d
        .meta
        .published
        .as_ref()
        .map(|p| match d.meta.published_source {
            Some(s) => format!(
                "{p} (from {})",
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
            None => p.clone(),
        });
    row(&mut h, "Published", published.as_deref());
    row(&mut h, "Language", Some(&d.language));
    row(&mut h, "Format", Some(d.format.as_str()));
    match d.meta.url.as_deref() {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
            let _ = write!(
                h,
                "<dt>URL</dt><dd><a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a></dd>",
                esc(u),
                esc(u)
            );
        }
        other => row(&mut h, "URL", other),
    }
    let srcs = if sources.is_empty() {
        vec![d.source.clone()]
    } else {
        sources
    };
    let _ = write!(
        h,
        "<dt>Source{}</dt><dd>{}</dd>",
        if srcs.len() > 1 { "s" } else { "" },
        srcs.iter().map(|s| esc(s)).collect::<Vec<_>>().join("<br>")
    );
    let _ = write!(
        h,
        "<dt>Extracted</dt><dd>{} entities, {} dates, {} events · <a href=\"/api/v1/documents/{n}\">JSON</a></dd></dl>",
        d.entities.len(),
        d.dates.len(),
        d.events.len()
    );
    h.push_str("<h2>Text</h2><p class=\"meta\"><a class=\"ent\" href=\"#\">entity</a> <a class=\"date\" href=\"#\">date</a> — follow a highlight to its page.</p>");
    let _ = write!(
        h,
        "<div class=\"doctext\" dir=\"auto\">{}</div>",
        highlighted_text(&c, &d)
    );
    translation_html(&mut h, &d, translation.as_ref());
    let evs: Vec<&MergedEvent> = c.events_of_doc(&d.source).collect();
    h.push_str("<h2>Events reported here</h2>");
    if evs.is_empty() {
        if d.events.is_empty() {
            h.push_str("<p class=\"empty\">No event found in this document.</p>");
        } else {
            h.push_str("<ul>");
            for ev in &d.events {
                let _ = write!(
                    h,
                    "<li>{} <span class=\"tag\">{}</span> {}</li>",
                    esc(ev.date.as_deref().unwrap_or("undated")),
                    esc(ev.kind.as_str()),
                    esc(&ev.text)
                );
            }
            h.push_str("</ul>");
        }
    }
    for ev in evs {
        h.push_str(&event_html(&c, ev));
    }
    h.push_str("<h2>Entities</h2><table><tr><th>Name</th><th>Type</th><th>Mentions</th><th>Forms</th></tr>");
    let mut ents: Vec<&sitrep_core::document::Entity> = d.entities.iter().collect();
    ents.sort_by_key(|e| std::cmp::Reverse(e.mentions.len()));
    for e in ents {
        let _ = write!(
            h,
            "<tr><td><a href=\"/entity/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            urlenc(&c.key_of(e)),
            esc(&e.name),
            esc(&format!(
                "{}{}",
                e.kind.as_str(),
                e.subtype
                    .as_deref()
                    .map(|s| format!(" / {s}"))
                    .unwrap_or_default()
            )),
            e.mentions.len(),
            esc(&e.aliases.join(", "))
        );
    }
    h.push_str("</table>");
    Ok(Html(page(&title, "", &h)))
}

fn language_name(code: &str) -> &str {
    match code {
        "ar" => "Arabic",
        "fr" => "French",
        "es" => "Spanish",
        "pt" => "Portuguese",
        "de" => "German",
        other => other,
    }
}

/// The machine translation beside the original, paragraph by paragraph, and a plain
/// statement for each language nothing translated.
pub fn translation_html(
    h: &mut String,
    d: &Document,
    t: Option<&sitrep_core::translate::Translation>,
) {
    let foreign = sitrep_core::translate::foreign_paragraphs(d);
    if foreign.is_empty() {
        return;
    }
    h.push_str("<h2>Machine translation</h2>");
    let translated = |pos: usize| t.and_then(|t| t.at(pos)).is_some();
    if let Some(t) = t.filter(|t| !t.paragraphs.is_empty()) {
        let _ = write!(
            h,
            "<p class=\"meta\"><span class=\"mtlabel\">Machine translation ({})</span> — \
             automatic and often clumsy; names of known entities are given in English. \
             Quote the original.</p><table class=\"mt\"><tr><th>Original</th><th>English \
             (machine translation)</th></tr>",
            esc(&t.backend)
        );
        for (span, en) in &t.paragraphs {
            let orig = d.text.get(span.start..span.end).unwrap_or("");
            let _ = write!(
                h,
                "<tr><td dir=\"auto\">{}</td><td>{}</td></tr>",
                esc(orig),
                esc(en)
            );
        }
        h.push_str("</table>");
    }
    let mut missing: Vec<&str> = foreign
        .iter()
        .filter(|(s, _)| !translated(s.start))
        .map(|(_, l)| l.as_str())
        .collect();
    missing.sort();
    missing.dedup();
    for lang in missing {
        let name = language_name(lang);
        let why = if lang == "ar" {
            " (Apertium has no Arabic→English pair; ingest with <code>--translate libretranslate=URL</code>)"
        } else {
            " (ingest with <code>--translate apertium</code> or <code>--translate libretranslate=URL</code>)"
        };
        let _ = write!(
            h,
            "<p class=\"empty\">No {} translation backend is configured: the {} text of this \
             document has no English translation{why}.</p>",
            esc(name),
            esc(name)
        );
    }
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
    e: &crate::timeline::CorpusEntity,
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

/// A small SVG bar chart.
pub fn bar_chart(data: &[(String, usize)]) -> String {
    if data.is_empty() {
        return "<p class=\"empty\">No dated mentions.</p>".into();
    }
    let (w, h, pad) = (640.0f64, 170.0f64, 30.0f64);
    let max = data.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let bw = ((w - pad) / data.len() as f64).min(48.0);
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Mentions per month\">"
    );
    for (i, (label, n)) in data.iter().enumerate() {
        let bh = (h - 2.0 * pad) * (*n as f64 / max);
        let x = pad + i as f64 * bw;
        let y = h - pad - bh;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {n}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
            x + 2.0,
            y,
            (bw - 4.0).max(1.0),
            bh,
            esc(label),
            x + bw / 2.0,
            y - 3.0
        );
        if data.len() <= 12 || i % data.len().div_ceil(12) == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                h - pad + 14.0,
                esc(label)
            );
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{pad}\" y1=\"{y}\" x2=\"{w}\" y2=\"{y}\" stroke=\"#999\"/></svg>",
        y = h - pad
    );
    s
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
) -> AppResult<(crate::timeline::CorpusEntity, Option<u64>)> {
    let store_count = |e: &crate::timeline::CorpusEntity| -> Option<u64> {
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
    let e = crate::timeline::CorpusEntity {
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

/// How many events and documents an entity page lists.
const ENTITY_LIST: usize = 100;

/// `GET /entity/{key}`.
pub async fn entity(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> AppResult<Html<String>> {
    let c = state.corpus().map_err(AppError::into_html)?;
    let (e, in_store) = find_entity(&state, &c, &key).map_err(AppError::into_html)?;
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1><dl class=\"kv\">", esc(&e.name));
    let _ = write!(
        h,
        "<dt>Type</dt><dd>{}{}</dd>",
        esc(e.kind.as_str()),
        esc(&e
            .subtype
            .as_deref()
            .map(|s| format!(" / {s}"))
            .unwrap_or_default())
    );
    if let Some(id) = &e.id {
        let _ = write!(h, "<dt>Knowledge base</dt><dd>{}</dd>", esc(id));
    }
    let _ = write!(
        h,
        "<dt>Also written</dt><dd>{}</dd>",
        esc(&e.aliases.join(" · "))
    );
    match in_store {
        Some(n) => {
            let _ = write!(
                h,
                "<dt>Documents</dt><dd>{n} in the store; {} mentions in {} of the {} most recent documents</dd>",
                e.mentions,
                e.documents.len(),
                c.docs.len()
            );
        }
        None => {
            let _ = write!(
                h,
                "<dt>Mentions</dt><dd>{} in {} documents</dd>",
                e.mentions,
                e.documents.len()
            );
        }
    }
    if let Some(g) = &e.geo {
        let _ = write!(
            h,
            "<dt>Coordinates</dt><dd>{:.3}, {:.3} {} <a href=\"/map\">map</a></dd>",
            g.lat,
            g.lon,
            esc(g.country.as_deref().unwrap_or(""))
        );
    }
    let _ = write!(
        h,
        "<dt>See also</dt><dd><a href=\"/{}\">documents</a> · <a href=\"/timeline{}\">timeline</a> · <a href=\"/api/v1/entities/{}\">JSON</a></dd></dl>",
        query(&[("entity", Some(&Corpus::store_key(&e)))]),
        query(&[("entity", Some(&e.key))]),
        urlenc(&e.key)
    );
    let (series, unit) = entity_over_time(&state, &c, &e);
    let _ = write!(
        h,
        "<h2>Mentions over time</h2><p class=\"meta\">{unit} per month of publication</p>"
    );
    h.push_str(&bar_chart(&series));
    h.push_str("<h2>Appears with</h2>");
    if c.partial {
        let _ = write!(
            h,
            "<p class=\"meta\">in the {} most recent documents</p>",
            c.docs.len()
        );
    }
    let co = cooccurring(&c, &e.key);
    if co.is_empty() {
        h.push_str("<p class=\"empty\">No other entity.</p>");
    } else {
        h.push_str("<ul>");
        for (k, name, n) in co {
            let _ = write!(
                h,
                "<li><a href=\"/entity/{}\">{}</a> <span class=\"count\">{n} shared document{}</span></li>",
                urlenc(&k),
                esc(&name),
                if n == 1 { "" } else { "s" }
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Events</h2>");
    let evs: Vec<&MergedEvent> = c.events_of(&e.key).collect();
    if evs.is_empty() {
        h.push_str("<p class=\"empty\">No event involves it.</p>");
    } else if evs.len() > ENTITY_LIST {
        let _ = write!(
            h,
            "<p class=\"meta\">The first {ENTITY_LIST} of {} events; <a href=\"/timeline{}\">all on the timeline</a>.</p>",
            evs.len(),
            esc(&query(&[("entity", Some(&e.key))]))
        );
    }
    for ev in evs.into_iter().take(ENTITY_LIST) {
        h.push_str(&event_html(&c, ev));
    }
    h.push_str("<h2>Documents</h2><ul>");
    for s in e.documents.iter().take(ENTITY_LIST) {
        match c.id_of(s) {
            Some(id) => {
                let _ = write!(h, "<li><a href=\"/doc/{id}\">{}</a></li>", esc(&c.label(s)));
            }
            None => {
                let _ = write!(h, "<li>{}</li>", esc(s));
            }
        }
    }
    h.push_str("</ul>");
    if e.documents.len() > ENTITY_LIST || in_store.is_some_and(|n| n as usize > e.documents.len()) {
        let _ = write!(
            h,
            "<p class=\"meta\"><a href=\"/{}\">Search every document that mentions it</a></p>",
            esc(&query(&[("entity", Some(&Corpus::store_key(&e)))]))
        );
    }
    Ok(Html(page(&e.name, "", &h)))
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
}

/// Events per timeline page.
pub const TIMELINE_PAGE: usize = 100;
/// Most events one `GET /api/v1/timeline` returns.
pub const TIMELINE_API_LIMIT: usize = 1000;

/// The events matching timeline filters.
pub fn filter_events<'a>(c: &'a Corpus, p: &TimelineParams) -> Vec<&'a MergedEvent> {
    let ent = nonempty(&p.entity).map(|s| c.resolve(&s).cloned().ok_or(s));
    let ty = nonempty(&p.event_type);
    let keep = |ev: &&MergedEvent| {
        ty.as_deref().is_none_or(|t| ev.kind.as_str() == t)
            && date_in(ev.date.as_deref(), p.from.as_deref(), p.to.as_deref())
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

/// `GET /timeline`.
pub async fn timeline(
    State(state): State<AppState>,
    Query(p): Query<TimelineParams>,
) -> AppResult<Html<String>> {
    let c = state
        .corpus_for(p.from.as_deref(), p.to.as_deref())
        .map_err(AppError::into_html)?;
    let evs = filter_events(&c, &p);
    let v = |s: &Option<String>| esc(s.as_deref().unwrap_or(""));
    let mut h = String::new();
    h.push_str("<h1>Timeline</h1>");
    let _ = write!(
        h,
        "<form class=\"search\" method=\"get\" action=\"/timeline\"><label>Event type<select name=\"type\"><option value=\"\">any</option>"
    );
    for t in all_event_types() {
        let sel = if p.event_type.as_deref() == Some(t.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<option value=\"{}\"{sel}>{}</option>",
            t.as_str(),
            t.as_str().replace('_', " ")
        );
    }
    let _ = write!(
        h,
        "</select></label><label>Entity<input name=\"entity\" value=\"{}\"></label>\
<label>From<input name=\"from\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>To<input name=\"to\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<button type=\"submit\">Filter</button></form>",
        v(&p.entity),
        v(&p.from),
        v(&p.to)
    );
    let _ = write!(
        h,
        "<p class=\"meta\">{} of {} merged events{}. Credibility grades follow the Admiralty scale: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged. <a href=\"{}\">Brief of these dates</a></p>",
        evs.len(),
        c.timeline.events.len(),
        if c.partial {
            format!(
                ", from the {} most recent documents{} (of {} stored; give a date range to look further back)",
                c.docs.len(),
                if nonempty(&p.from).is_some() || nonempty(&p.to).is_some() {
                    " in these dates"
                } else {
                    ""
                },
                c.count
            )
        } else {
            String::new()
        },
        esc(&brief::href(&BriefQuery {
            q: None,
            from: nonempty(&p.from),
            to: nonempty(&p.to)
        }))
    );
    if evs.is_empty() {
        h.push_str("<p class=\"empty\">No event matches.</p>");
    }
    let pages = evs.len().div_ceil(TIMELINE_PAGE).max(1);
    let pg = p.page.unwrap_or(1).clamp(1, pages);
    for ev in evs
        .iter()
        .skip((pg - 1) * TIMELINE_PAGE)
        .take(TIMELINE_PAGE)
    {
        h.push_str(&event_html(&c, ev));
    }
    if pages > 1 {
        let link = |n: usize| {
            let n = n.to_string();
            esc(&format!(
                "/timeline{}",
                query(&[
                    ("type", p.event_type.as_deref()),
                    ("entity", p.entity.as_deref()),
                    ("from", p.from.as_deref()),
                    ("to", p.to.as_deref()),
                    ("page", Some(&n)),
                ])
            ))
        };
        let _ = write!(h, "<nav class=\"pager\">Page {pg} of {pages}");
        if pg > 1 {
            let _ = write!(
                h,
                " · <a href=\"{}\" rel=\"prev\">previous</a>",
                link(pg - 1)
            );
        }
        if pg < pages {
            let _ = write!(h, " · <a href=\"{}\" rel=\"next\">next</a>", link(pg + 1));
        }
        h.push_str("</nav>");
    }
    Ok(Html(page("Timeline", "Timeline", &h)))
}

/// Rows of the places table on the map page.
const MAP_TABLE: usize = 200;

/// `GET /map`.
pub async fn map(State(state): State<AppState>) -> AppResult<Html<String>> {
    let c = state.corpus().map_err(AppError::into_html)?;
    let m = c.map_data();
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>Map</h1><p class=\"legend\"><span class=\"dot-place\">●</span> place (size: mentions) <span class=\"dot-event\">●</span> event · {} places, {} events located{} · <a href=\"/api/v1/map\">JSON</a> · <a href=\"/api/v1/export/geojson\">GeoJSON</a></p>",
        m.places.len(),
        m.events_located,
        if m.events.len() < m.events_located {
            format!(" ({} best corroborated drawn)", m.events.len())
        } else {
            String::new()
        }
    );
    h.push_str(&mapmod::svg(m));
    h.push_str("<h2>Places</h2><table><tr><th>Place</th><th>Country</th><th>Mentions</th><th>Documents</th><th>Lat, lon</th></tr>");
    let mut ps: Vec<&mapmod::MapPlace> = m.places.iter().collect();
    ps.sort_by_key(|p| std::cmp::Reverse(p.mentions));
    for p in ps.iter().take(MAP_TABLE) {
        let _ = write!(
            h,
            "<tr><td><a href=\"/entity/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}, {:.2}</td></tr>",
            urlenc(&p.key),
            esc(&p.name),
            esc(p.country.as_deref().unwrap_or("")),
            p.mentions,
            p.documents,
            p.lat,
            p.lon
        );
    }
    h.push_str("</table>");
    if ps.len() > MAP_TABLE {
        let _ = write!(
            h,
            "<p class=\"meta\">The {MAP_TABLE} most mentioned of {} places; every place is in the <a href=\"/api/v1/map\">JSON</a>.</p>",
            ps.len()
        );
    }
    h.push_str("<p class=\"meta\">Country shapes: Natural Earth 1:110m (public domain).</p>");
    Ok(Html(page("Map", "Map", &h)))
}

/// `GET /brief`.
pub async fn brief(
    State(state): State<AppState>,
    Query(q): Query<BriefQuery>,
) -> AppResult<Html<String>> {
    let c = state
        .corpus_for(q.from.as_deref(), q.to.as_deref())
        .map_err(AppError::into_html)?;
    let b = brief::build(&c, &q);
    let v = |s: &Option<String>| esc(s.as_deref().unwrap_or(""));
    let mut h = format!(
        "<form class=\"search\" method=\"get\" action=\"/brief\"><label>Topic<input name=\"q\" value=\"{}\" placeholder=\"Timbuktu, coup…\"></label>\
<label>From<input name=\"from\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>To<input name=\"to\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<button type=\"submit\">Write brief</button></form>",
        v(&q.q),
        v(&q.from),
        v(&q.to)
    );
    h.push_str(&brief::to_html(&b));
    let qs = query(&[
        ("q", q.q.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
    ]);
    let _ = write!(
        h,
        "<p class=\"meta\">Download: <a href=\"/api/v1/export/brief-md{}\">Markdown</a> · <a href=\"/api/v1/export/brief-html{}\">HTML</a> · <a href=\"/api/v1/brief{}\">JSON</a></p>",
        esc(&qs),
        esc(&qs),
        esc(&qs)
    );
    Ok(Html(page(&b.title, "Brief", &h)))
}
