//! Exports of the corpus: JSON, ACLED-style CSV, GeoJSON, a STIX 2.1 bundle, and briefs.

use serde_json::{json, Value};

use crate::brief::{self, BriefQuery};
use crate::corpus::Corpus;
use crate::map;
use crate::timeline::CorpusEntity;

/// The export formats.
pub const FORMATS: &[&str] = &["json", "csv", "geojson", "stix", "brief-md", "brief-html"];

/// An export: content type, suggested file name and body.
pub struct Export {
    /// MIME type.
    pub content_type: &'static str,
    /// File name for `Content-Disposition`.
    pub filename: String,
    /// The content.
    pub body: String,
}

/// Renders the corpus in a format (`brief` narrows the briefs).
pub fn render(c: &Corpus, format: &str, bq: &BriefQuery) -> Result<Export, String> {
    let (content_type, ext, body) = match format {
        "json" => ("application/json", "json", to_json(c)),
        "csv" => ("text/csv; charset=utf-8", "csv", to_csv(c)),
        "geojson" => ("application/geo+json", "geojson", pretty(&to_geojson(c))),
        "stix" => (
            "application/stix+json;version=2.1",
            "json",
            pretty(&to_stix(c)),
        ),
        "brief-md" => (
            "text/markdown; charset=utf-8",
            "md",
            brief::to_markdown(&brief::build(c, bq)),
        ),
        "brief-html" => (
            "text/html; charset=utf-8",
            "html",
            brief::to_standalone_html(&brief::build(c, bq)),
        ),
        other => {
            return Err(format!(
                "unknown export format `{other}` (one of: {})",
                FORMATS.join(", ")
            ))
        }
    };
    Ok(Export {
        content_type,
        filename: format!("sitrep-{format}.{ext}"),
        body,
    })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Documents (metadata), entities and merged events.
pub fn to_json(c: &Corpus) -> String {
    let docs: Vec<Value> = c
        .ids
        .iter()
        .zip(&c.docs)
        .map(|(id, d)| {
            json!({
                "id": id, "source": d.source, "title": d.meta.title, "published": d.meta.published,
                "outlet": d.meta.outlet, "language": d.language,
            })
        })
        .collect();
    pretty(&json!({
        "documents": docs,
        "entities": c.timeline.entities,
        "events": c.timeline.events,
    }))
}

/// ACLED-style CSV, one row per merged event: see [`crate::acled`].
pub fn to_csv(c: &Corpus) -> String {
    crate::acled::to_csv(c)
}

/// GeoJSON: places and events as points.
pub fn to_geojson(c: &Corpus) -> Value {
    let m = map::data(c);
    let mut features = Vec::new();
    for p in &m.places {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {"kind": "place", "key": p.key, "name": p.name, "country": p.country,
                "mentions": p.mentions, "documents": p.documents},
        }));
    }
    for e in &m.events {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
            "properties": {"kind": "event", "id": e.id, "date": e.date, "event_type": e.kind,
                "place": e.place, "summary": e.summary, "credibility": e.grade},
        }));
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// A deterministic UUID (version 5 layout) from a name: two FNV-1a 64-bit hashes.
pub fn uuid_of(name: &str) -> String {
    let fnv = |seed: u64| {
        let mut h: u64 = 0xcbf29ce484222325 ^ seed;
        for b in name.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        h
    };
    let (a, b) = (fnv(0), fnv(0x9e3779b97f4a7c15));
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_5000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// STIX confidence from an Admiralty credibility grade (STIX 2.1, appendix A).
pub fn confidence(grade: u8) -> Option<u8> {
    match grade {
        1 => Some(90),
        2 => Some(70),
        3 => Some(50),
        4 => Some(30),
        5 => Some(10),
        _ => None,
    }
}

fn is_armed_group(e: &CorpusEntity) -> bool {
    matches!(
        e.subtype.as_deref(),
        Some("armed_group" | "militia" | "rebel_group" | "terrorist_group" | "insurgent_group")
    )
}

/// A STIX 2.1 bundle: identity, locations, intrusion sets for armed groups, notes for events,
/// relationships, and a report holding them all.
pub fn to_stix(c: &Corpus) -> Value {
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let identity = format!("identity--{}", uuid_of("sitrep"));
    let mut objects = vec![json!({
        "type": "identity", "spec_version": "2.1", "id": identity, "created": now, "modified": now,
        "name": "sitrep", "identity_class": "system",
    })];
    let mut refs: Vec<String> = Vec::new();
    let mut sdo_of: std::collections::HashMap<String, String> = Default::default();
    for e in &c.timeline.entities {
        if let Some(g) = &e.geo {
            let id = format!("location--{}", uuid_of(&format!("location:{}", e.key)));
            let mut o = json!({
                "type": "location", "spec_version": "2.1", "id": id, "created": now, "modified": now,
                "created_by_ref": identity, "name": e.name, "latitude": g.lat, "longitude": g.lon,
            });
            if let Some(cc) = &g.country {
                o["country"] = json!(cc);
            }
            objects.push(o);
            sdo_of.insert(e.name.to_lowercase(), id.clone());
            refs.push(id);
        } else if is_armed_group(e) {
            let id = format!("intrusion-set--{}", uuid_of(&format!("group:{}", e.key)));
            objects.push(json!({
                "type": "intrusion-set", "spec_version": "2.1", "id": id, "created": now,
                "modified": now, "created_by_ref": identity, "name": e.name, "aliases": e.aliases,
            }));
            sdo_of.insert(e.name.to_lowercase(), id.clone());
            refs.push(id);
        }
    }
    for ev in &c.timeline.events {
        let mut obj_refs: Vec<String> = Vec::new();
        for n in ev.actors.iter().chain(&ev.targets).chain(ev.place.iter()) {
            if let Some(id) = sdo_of.get(&n.to_lowercase()) {
                if !obj_refs.contains(id) {
                    obj_refs.push(id.clone());
                }
            }
        }
        if obj_refs.is_empty() {
            obj_refs.push(identity.clone());
        }
        let note = format!(
            "note--{}",
            uuid_of(&format!("event:{}:{}", ev.id, ev.summary))
        );
        let mut o = json!({
            "type": "note", "spec_version": "2.1", "id": note, "created": now, "modified": now,
            "created_by_ref": identity,
            "abstract": format!("{} {}", ev.date.as_deref().unwrap_or("undated"), ev.kind.as_str()),
            "content": ev.summary, "authors": ["sitrep"], "object_refs": obj_refs,
            "labels": [ev.kind.as_str()],
            "external_references": ev.sources.iter().map(|s| json!({"source_name": s.title.clone().unwrap_or_else(|| s.doc.clone()), "description": s.text, "url": if s.doc.starts_with("http") { json!(s.doc) } else { Value::Null }})).map(|mut v| { if v["url"].is_null() { if let Some(m) = v.as_object_mut() { m.remove("url"); } } v }).collect::<Vec<_>>(),
        });
        if let Some(conf) = confidence(ev.credibility.grade) {
            o["confidence"] = json!(conf);
        }
        objects.push(o);
        refs.push(note);
        // Armed group at a place: the group targets the location.
        let place_ref = ev
            .place
            .as_deref()
            .and_then(|p| sdo_of.get(&p.to_lowercase()))
            .filter(|id| id.starts_with("location--"));
        for a in &ev.actors {
            if let (Some(src), Some(dst)) = (sdo_of.get(&a.to_lowercase()), place_ref) {
                if src.starts_with("intrusion-set--") {
                    let rid = format!(
                        "relationship--{}",
                        uuid_of(&format!("rel:{src}:{dst}:{}", ev.id))
                    );
                    let mut r = json!({
                        "type": "relationship", "spec_version": "2.1", "id": rid, "created": now,
                        "modified": now, "created_by_ref": identity, "relationship_type": "targets",
                        "source_ref": src, "target_ref": dst,
                        "description": ev.summary,
                    });
                    if let Some(conf) = confidence(ev.credibility.grade) {
                        r["confidence"] = json!(conf);
                    }
                    objects.push(r);
                    refs.push(rid);
                }
            }
        }
    }
    if refs.is_empty() {
        refs.push(identity.clone());
    }
    let report = format!("report--{}", uuid_of(&format!("report:{}", c.count)));
    objects.push(json!({
        "type": "report", "spec_version": "2.1", "id": report, "created": now, "modified": now,
        "created_by_ref": identity, "name": "sitrep export", "published": now,
        "report_types": ["threat-report"], "object_refs": refs,
        "description": format!("{} documents, {} entities, {} events", c.docs.len(), c.timeline.entities.len(), c.timeline.events.len()),
    }));
    json!({"type": "bundle", "id": format!("bundle--{}", uuid_of(&format!("bundle:{}", now))), "objects": objects})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed() {
        let u = uuid_of("x");
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(u, uuid_of("x"));
    }
}
