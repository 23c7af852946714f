//! `GET /map`: places and events on the Natural Earth map, and the places table.

use std::fmt::Write;

use axum::extract::State;
use axum::response::Html;

use crate::html::{esc, page, urlenc};
use crate::{map as mapmod, AppError, AppResult, AppState};

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
