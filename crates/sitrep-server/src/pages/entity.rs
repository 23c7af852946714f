//! `GET /entity/{key}`: an entity's names, mentions over time, company and events.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::response::Html;

use super::{bar_chart, event_html};
use crate::html::{esc, page, query, urlenc};
use crate::query::{cooccurring, entity_over_time, find_entity, index_key};
use crate::timeline::MergedEvent;
use crate::{AppError, AppResult, AppState};

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
        query(&[("entity", Some(&index_key(&e)))]),
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
            esc(&query(&[("entity", Some(&index_key(&e)))]))
        );
    }
    Ok(Html(page(&e.name, "", &h)))
}
