//! The map: Natural Earth country shapes (`data/world-110m.json`) drawn as SVG by the
//! server, in an equirectangular projection (x = longitude, y = −latitude), with places
//! and events as dots.

use std::fmt::Write;
use std::sync::OnceLock;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::html::{esc, urlenc};

const WORLD: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/world-110m.json"
));

struct Country {
    bbox: [f64; 4],
    d: String,
}

fn world() -> &'static [Country] {
    static W: OnceLock<Vec<Country>> = OnceLock::new();
    W.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(WORLD).unwrap_or_default();
        let mut out = Vec::new();
        for c in v["countries"].as_array().into_iter().flatten() {
            let mut d = String::new();
            let mut bbox = [180.0f64, 90.0f64, -180.0f64, -90.0f64];
            for ring in c["rings"].as_array().into_iter().flatten() {
                let pts: Vec<f64> = ring
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_f64())
                    .collect();
                let mut prev: Option<f64> = None;
                for p in pts.chunks_exact(2) {
                    let (lon, lat) = (p[0], p[1]);
                    // A ring that crosses the antimeridian jumps across the map: lift the pen.
                    let cmd = match prev {
                        Some(x) if (x - lon).abs() <= 180.0 => "L",
                        _ => "M",
                    };
                    prev = Some(lon);
                    bbox = [
                        bbox[0].min(lon),
                        bbox[1].min(lat),
                        bbox[2].max(lon),
                        bbox[3].max(lat),
                    ];
                    let _ = write!(d, "{cmd}{lon:.1} {:.1}", -lat);
                }
                d.push('Z');
            }
            // Antarctica only draws a band along the bottom edge.
            if c["id"].as_str() != Some("010") {
                out.push(Country { bbox, d });
            }
        }
        out
    })
}

/// A place on the map.
#[derive(Debug, Clone, Serialize)]
pub struct MapPlace {
    /// Entity key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// ISO country code.
    pub country: Option<String>,
    /// Mentions across the corpus.
    pub mentions: usize,
    /// Documents mentioning it.
    pub documents: usize,
}

/// An event on the map (at its place).
#[derive(Debug, Clone, Serialize)]
pub struct MapEvent {
    /// Event id.
    pub id: String,
    /// Date.
    pub date: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Place name.
    pub place: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Summary.
    pub summary: String,
    /// Credibility grade.
    pub grade: u8,
}

/// What the map shows.
#[derive(Debug, Clone, Serialize)]
pub struct MapData {
    /// Geocoded places.
    pub places: Vec<MapPlace>,
    /// Events at geocoded places: the [`MAX_MAP_EVENTS`] best corroborated (then latest)
    /// when there are more.
    pub events: Vec<MapEvent>,
    /// How many events have a geocoded place.
    pub events_located: usize,
}

/// Most events drawn on the map.
pub const MAX_MAP_EVENTS: usize = 500;

/// Places and events with coordinates.
pub fn data(c: &Corpus) -> MapData {
    let places = c
        .timeline
        .entities
        .iter()
        .filter_map(|e| {
            let g = e.geo.as_ref()?;
            Some(MapPlace {
                key: e.key.clone(),
                name: e.name.clone(),
                lat: g.lat,
                lon: g.lon,
                country: g.country.clone(),
                mentions: e.mentions,
                documents: e.documents.len(),
            })
        })
        .collect();
    let mut located: Vec<(&crate::timeline::MergedEvent, &sitrep_core::document::Geo)> = c
        .timeline
        .events
        .iter()
        .filter_map(|ev| Some((ev, c.geo_of(ev.place.as_deref()?)?)))
        .collect();
    let events_located = located.len();
    if located.len() > MAX_MAP_EVENTS {
        located.select_nth_unstable_by(MAX_MAP_EVENTS - 1, |(x, _), (y, _)| {
            y.corroboration
                .cmp(&x.corroboration)
                .then(y.date.cmp(&x.date))
                .then(x.id.cmp(&y.id))
        });
        located.truncate(MAX_MAP_EVENTS);
        located.sort_by(|(x, _), (y, _)| {
            sitrep_core::timeline::date_order(x.date.as_deref(), y.date.as_deref())
                .then(x.id.cmp(&y.id))
        });
    }
    let events = located
        .into_iter()
        .map(|(ev, g)| MapEvent {
            id: ev.id.clone(),
            date: ev.date.clone(),
            kind: ev.kind.as_str().to_string(),
            place: ev.place.clone().unwrap_or_default(),
            lat: g.lat,
            lon: g.lon,
            summary: ev.summary.clone(),
            grade: ev.credibility.grade,
        })
        .collect();
    MapData {
        places,
        events,
        events_located,
    }
}

/// The view box (min lon, min −lat, width, height) around the places, 2:1.
fn view(m: &MapData) -> [f64; 4] {
    // Frame the main theatre: the places mentioned at least a fifth as often as the most
    // mentioned one (a stray mention of a far capital does not zoom the map out).
    let max = m.places.iter().map(|p| p.mentions).max().unwrap_or(0);
    let pts: Vec<(f64, f64)> = m
        .places
        .iter()
        .filter(|p| p.mentions * 5 >= max)
        .map(|p| (p.lon, p.lat))
        .collect();
    if pts.is_empty() {
        return [-180.0, -90.0, 360.0, 180.0];
    }
    let (mut x0, mut y0, mut x1, mut y1) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
    for (lon, lat) in &pts {
        x0 = x0.min(*lon);
        x1 = x1.max(*lon);
        y0 = y0.min(*lat);
        y1 = y1.max(*lat);
    }
    let pad = 6.0;
    let (mut w, mut h) = (x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad);
    w = w.max(40.0);
    h = h.max(20.0);
    if w < 2.0 * h {
        w = 2.0 * h;
    } else {
        h = w / 2.0;
    }
    w = w.min(360.0);
    h = h.min(180.0);
    let cx = (x0 + x1) / 2.0;
    let cy = -(y0 + y1) / 2.0;
    let minx = (cx - w / 2.0).clamp(-180.0, 180.0 - w);
    let miny = (cy - h / 2.0).clamp(-90.0, 90.0 - h);
    [minx, miny, w, h]
}

/// The SVG map.
pub fn svg(m: &MapData) -> String {
    let v = view(m);
    let scale = v[2] / 60.0; // marker size relative to the view
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{:.1} {:.1} {:.1} {:.1}\" role=\"img\" aria-label=\"Map of places and events\">",
        v[0], v[1], v[2], v[3]
    );
    let (vx0, vx1, vy0, vy1) = (v[0], v[0] + v[2], -(v[1] + v[3]), -v[1]);
    s.push_str("<g>");
    for c in world() {
        if c.bbox[2] < vx0 || c.bbox[0] > vx1 || c.bbox[3] < vy0 || c.bbox[1] > vy1 {
            continue;
        }
        let _ = write!(s, "<path d=\"{}\"/>", c.d);
    }
    s.push_str("</g><g>");
    let maxm = m
        .places
        .iter()
        .map(|p| p.mentions)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut places: Vec<&MapPlace> = m.places.iter().collect();
    places.sort_by_key(|p| std::cmp::Reverse(p.mentions));
    for p in &places {
        let r = scale * (0.25 + 0.75 * (p.mentions as f64 / maxm).sqrt());
        let _ = write!(
            s,
            "<a href=\"/entity/{}\"><circle class=\"place\" cx=\"{:.2}\" cy=\"{:.2}\" r=\"{:.2}\"><title>{} — {} mentions in {} documents</title></circle></a>",
            urlenc(&p.key),
            p.lon,
            -p.lat,
            r,
            esc(&p.name),
            p.mentions,
            p.documents
        );
    }
    for e in &m.events {
        let _ = write!(
            s,
            "<a href=\"/timeline#{}\"><circle class=\"event\" cx=\"{:.2}\" cy=\"{:.2}\" r=\"{:.2}\"><title>{} {} — {}</title></circle></a>",
            urlenc(&e.id),
            e.lon + 0.3 * scale,
            -e.lat - 0.3 * scale,
            0.3 * scale,
            esc(e.date.as_deref().unwrap_or("undated")),
            esc(&e.kind.replace('_', " ")),
            esc(&e.summary)
        );
    }
    // Labels for the most mentioned places.
    let fs = scale * 0.9;
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for p in places.iter().take(20) {
        let (x, y) = (p.lon + scale * 0.9, -p.lat + fs * 0.35);
        let w = fs * 0.55 * p.name.chars().count() as f64;
        let inside = x >= v[0] && x + w <= v[0] + v[2] && y - fs >= v[1] && y <= v[1] + v[3];
        let clash = placed
            .iter()
            .any(|&(px, py, pw)| x < px + pw && px < x + w && (y - py).abs() < fs * 1.1);
        if !inside || clash {
            continue;
        }
        placed.push((x, y, w));
        let _ = write!(
            s,
            "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"{:.2}\">{}</text>",
            x,
            y,
            fs,
            esc(&p.name)
        );
    }
    s.push_str("</g></svg>");
    s
}
