//! The ACLED-style CSV export: one row per merged event, with every column of the ACLED
//! codebook in its order. Text fields are quoted (and a leading `=`, `+`, `-`, `@` is
//! neutralised against spreadsheet formulas); numbers are written as numbers.
//!
//! How our event types map onto ACLED's (disorder type / event type / sub-event type):
//!
//! | sitrep | disorder_type | event_type | sub_event_type |
//! |---|---|---|---|
//! | combat | Political violence | Battles | Armed clash |
//! | violence_against_civilians | Political violence | Violence against civilians | Attack |
//! | deployment | Strategic developments | Strategic developments | Change to group/activity |
//! | negotiation | Strategic developments | Strategic developments | Agreement |
//! | coup, leadership_change, election, resolution, declaration, sanction, aid, displacement, other | Strategic developments | Strategic developments | Other |
//!
//! `time_precision` is 1 for a day, 3 for a month or a year (the event date is then the
//! first day of the period). `inter1`/`inter2` follow ACLED's actor codes where the
//! knowledge base types the actor (1 state forces, 2 rebel groups, 3 political militias,
//! 8 external or other forces); `interaction` is the two codes, lower first. `geo_precision`
//! is 1 for a town or site, 3 for a country or region. `fatalities` is the merged event's
//! conservative count (empty when no source gives one). `timestamp` is the latest
//! publication date of its sources, in Unix seconds. `iso` (numeric codes), `region` and the
//! admin levels are left empty: the gazetteer does not carry them. `tags` holds the
//! corroboration count, the credibility grade and the disputed fields.

use std::collections::BTreeSet;
use std::fmt::Write;

use sitrep_core::document::EventType;

use crate::corpus::Corpus;
use crate::timeline::MergedEvent;

/// The ACLED codebook's columns, in order.
pub const COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// A cell: quoted text, or a number written as it is.
enum Cell {
    Text(String),
    Num(String),
}

/// A quoted text field; a leading formula character is neutralised.
pub fn text_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// ACLED's disorder type, event type and sub-event type of one of ours.
pub fn acled_type(kind: EventType) -> (&'static str, &'static str, &'static str) {
    match kind {
        EventType::Combat => ("Political violence", "Battles", "Armed clash"),
        EventType::ViolenceAgainstCivilians => {
            ("Political violence", "Violence against civilians", "Attack")
        }
        EventType::Deployment => (
            "Strategic developments",
            "Strategic developments",
            "Change to group/activity",
        ),
        EventType::Negotiation => (
            "Strategic developments",
            "Strategic developments",
            "Agreement",
        ),
        _ => ("Strategic developments", "Strategic developments", "Other"),
    }
}

/// ACLED's actor code of a name, from its knowledge-base type.
fn inter(c: &Corpus, name: &str) -> Option<u8> {
    let e = c.entity_by_name(name)?;
    match e.subtype.as_deref()? {
        "country" | "government" | "military" | "armed_forces" | "police" => Some(1),
        "armed_group" | "rebel_group" | "insurgent_group" | "terrorist_group" => Some(2),
        "militia" => Some(3),
        "international_organization" | "intergovernmental" | "peacekeeping" => Some(8),
        _ => None,
    }
}

fn country_of(c: &Corpus, ev: &MergedEvent) -> (Option<String>, Option<String>) {
    let Some(e) = ev.place.as_deref().and_then(|p| c.entity_by_name(p)) else {
        return (None, None);
    };
    let code = e.geo.as_ref().and_then(|g| g.country.clone());
    if e.subtype.as_deref() == Some("country") {
        return (code, Some(e.name.clone()));
    }
    let name = code.as_ref().and_then(|cc| {
        c.timeline
            .entities
            .iter()
            .find(|x| {
                x.subtype.as_deref() == Some("country")
                    && x.geo.as_ref().and_then(|g| g.country.as_deref()) == Some(cc)
            })
            .map(|x| x.name.clone())
    });
    (code.clone(), name.or(code))
}

/// The ACLED-style CSV of the corpus's timeline.
pub fn to_csv(c: &Corpus) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let mut per_country: std::collections::HashMap<String, usize> = Default::default();
    for ev in &c.timeline.events {
        let (code, country) = country_of(c, ev);
        let cc = code.clone().unwrap_or_else(|| "XX".into());
        let n = per_country.entry(cc.clone()).or_default();
        *n += 1;
        let geo = ev.place.as_deref().and_then(|p| c.geo_of(p));
        let place_is_country = ev
            .place
            .as_deref()
            .and_then(|p| c.entity_by_name(p))
            .is_some_and(|e| e.subtype.as_deref() == Some("country"));
        let (date, precision) = match ev.date.as_deref() {
            Some(d) if d.len() == 10 => (d.to_string(), "1"),
            Some(d) if d.len() == 7 => (format!("{d}-01"), "3"),
            Some(d) => (format!("{}-01-01", d.get(..4).unwrap_or(d)), "3"),
            None => (String::new(), ""),
        };
        let (disorder, etype, sub) = acled_type(ev.kind);
        let sources: Vec<String> = ev
            .sources
            .iter()
            .map(|s| {
                c.doc_by_source(&s.doc)
                    .and_then(|d| d.meta.outlet.clone())
                    .unwrap_or_else(|| c.label(&s.doc))
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let actor1 = ev.actors.first().cloned().unwrap_or_default();
        let (actor2, assoc2) = match ev.targets.split_first() {
            Some((t, rest)) => (t.clone(), rest.join("; ")),
            None => (String::new(), String::new()),
        };
        let assoc1 = ev.actors.get(1..).unwrap_or(&[]).join("; ");
        let i1 = inter(c, &actor1);
        let i2 = if actor2.is_empty() {
            None
        } else {
            inter(c, &actor2)
        };
        let interaction = match (i1, i2) {
            (Some(a), Some(b)) => format!("{}{}", a.min(b), a.max(b)),
            (Some(a), None) => format!("{a}0"),
            _ => String::new(),
        };
        let timestamp = ev
            .sources
            .iter()
            .filter_map(|s| s.published.as_deref())
            .filter_map(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
            .max()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp().to_string())
            .unwrap_or_default();
        let mut tags = vec![
            format!("corroboration={}", ev.corroboration),
            format!("credibility={}", ev.credibility.grade),
        ];
        for d in &ev.disputes {
            tags.push(format!("disputed={}", d.field));
        }
        let cells = [
            Cell::Text(format!("{cc}{n}")),
            Cell::Text(date),
            Cell::Num(
                ev.date
                    .as_deref()
                    .and_then(|d| d.get(..4))
                    .unwrap_or("")
                    .to_string(),
            ),
            Cell::Num(precision.to_string()),
            Cell::Text(disorder.to_string()),
            Cell::Text(etype.to_string()),
            Cell::Text(sub.to_string()),
            Cell::Text(actor1),
            Cell::Text(assoc1),
            Cell::Num(i1.map(|x| x.to_string()).unwrap_or_default()),
            Cell::Text(actor2),
            Cell::Text(assoc2),
            Cell::Num(i2.map(|x| x.to_string()).unwrap_or_default()),
            Cell::Num(interaction),
            Cell::Text(
                if ev.kind == EventType::ViolenceAgainstCivilians {
                    "Civilian targeting"
                } else {
                    ""
                }
                .to_string(),
            ),
            Cell::Num(String::new()),
            Cell::Text(String::new()),
            Cell::Text(country.unwrap_or_default()),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Text(ev.place.clone().unwrap_or_default()),
            Cell::Num(geo.map(|g| format!("{:.4}", g.lat)).unwrap_or_default()),
            Cell::Num(geo.map(|g| format!("{:.4}", g.lon)).unwrap_or_default()),
            Cell::Num(match (geo, place_is_country) {
                (None, _) => String::new(),
                (Some(_), true) => "3".to_string(),
                (Some(_), false) => "1".to_string(),
            }),
            Cell::Text(sources.join("; ")),
            Cell::Text(String::new()),
            Cell::Text(ev.summary.clone()),
            Cell::Num(ev.fatalities.map(|f| f.to_string()).unwrap_or_default()),
            Cell::Text(tags.join("; ")),
            Cell::Num(timestamp),
        ];
        let row: Vec<String> = cells
            .into_iter()
            .map(|cell| match cell {
                Cell::Text(s) => text_field(&s),
                Cell::Num(s) => s,
            })
            .collect();
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(text_field("=1+1"), "\"'=1+1\"");
        assert_eq!(text_field("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn every_type_maps_to_an_acled_type() {
        for k in [EventType::Combat, EventType::Coup, EventType::Other] {
            let (d, e, s) = acled_type(k);
            assert!(!d.is_empty() && !e.is_empty() && !s.is_empty());
        }
        assert_eq!(acled_type(EventType::Combat).1, "Battles");
    }
}
