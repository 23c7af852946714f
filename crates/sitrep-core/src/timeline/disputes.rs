//! Phase 4 of the timeline: where the sources of one event disagree. Figures are compared
//! only within one kind (killed with killed, troops with troops), only when they speak of
//! the same time (a figure whose own clause dates it elsewhere is left out), and as ranges
//! (`at least 8` is 8 or more, `about 3,000` is within 5 %, `nearly 13,000` is a little
//! under): two figures disagree when their ranges do not meet. Figures from one source
//! disagree too when two different claimants give them. Dates disagree when independent
//! sentences state different days; actors when independent sources name disjoint sets of
//! actors for an attack, abuse, coup or claim.

use std::collections::{BTreeMap, HashSet};

use super::{Claim, Dispute};
use crate::document::{Document, EventType, FigureKind, Quantity};
use crate::kb::norm_key;

/// The range of values a figure allows, from its qualifier.
fn range(q: &Quantity) -> (f64, f64) {
    let v = q.value;
    let t = q.text.to_lowercase();
    let starts = |ps: &[&str]| ps.iter().any(|p| t.starts_with(p));
    if starts(&["at least", "more than", "over", "plus de", "au moins"]) {
        (v, f64::INFINITY)
    } else if starts(&["nearly", "almost", "près de"]) {
        (v * 0.9, v)
    } else if starts(&["up to", "jusqu'à"]) {
        (0.0, v)
    } else if q.approximate {
        (v * 0.95, v * 1.05)
    } else {
        (v, v)
    }
}

/// Whether two figures cannot both be true.
fn conflict(a: &Quantity, b: &Quantity) -> bool {
    let (a0, a1) = range(a);
    let (b0, b1) = range(b);
    a1 < b0 || b1 < a0
}

/// The figures of an event comparable with its date: those whose clause states no other
/// date.
fn figures_at<'a>(
    qs: &'a [Quantity],
    date: Option<&'a str>,
) -> impl Iterator<Item = &'a Quantity> + 'a {
    qs.iter().filter(move |q| match (q.date.as_deref(), date) {
        (Some(f), Some(d)) => f.starts_with(d) || d.starts_with(f),
        _ => true,
    })
}

/// The disputes among the reports `reps` (document, event) of one merged event dated
/// `date`; `cluster` gives each document's reprint cluster.
pub(super) fn disputes(
    docs: &[Document],
    reps: &[(usize, usize)],
    cluster: &[usize],
    date: Option<&str>,
) -> Vec<Dispute> {
    let mut out = Vec::new();
    // figures: one per independent source and kind (the first it gives), plus those of
    // other claimants within a source
    let mut figures: BTreeMap<FigureKind, Vec<(Quantity, String, usize)>> = BTreeMap::new();
    for &(d, k) in reps {
        let ev = &docs[d].events[k];
        for q in figures_at(&ev.quantities, date) {
            if matches!(q.kind, FigureKind::Things | FigureKind::People) && q.unit.is_empty() {
                continue;
            }
            let list = figures.entry(q.kind).or_default();
            let same_source = list
                .iter()
                .any(|(o, _, c)| *c == cluster[d] && o.claimed_by == q.claimed_by);
            let same_figure = list.iter().any(|(o, src, _)| {
                *src == docs[d].source && o.start == q.start && o.value == q.value
            });
            if !same_source && !same_figure {
                list.push((q.clone(), docs[d].source.clone(), cluster[d]));
            }
        }
    }
    for (kind, list) in figures {
        let disagree = list
            .iter()
            .enumerate()
            .any(|(i, (a, _, _))| list[i + 1..].iter().any(|(b, _, _)| conflict(a, b)));
        if !disagree {
            continue;
        }
        let mut claims: Vec<Claim> = Vec::new();
        for (q, src, _) in &list {
            let who = q
                .claimed_by
                .as_deref()
                .map_or(src.clone(), |c| format!("{src} ({c})"));
            match claims.iter_mut().find(|c| c.value == q.text) {
                Some(c) => c.sources.push(who),
                None => claims.push(Claim {
                    value: q.text.clone(),
                    sources: vec![who],
                }),
            }
        }
        out.push(Dispute {
            field: kind.as_str().to_string(),
            claims,
        });
    }
    // dates: day-level values stated in the sentences of independent sources that differ
    let mut days: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut day_clusters: BTreeMap<String, HashSet<usize>> = BTreeMap::new();
    for &(d, k) in reps {
        let ev = &docs[d].events[k];
        if let Some(x) = &ev.date {
            if x.len() == 10 && ev.date_confidence >= 1.0 && ev.modality.corroborates() {
                days.entry(x.clone())
                    .or_default()
                    .push(docs[d].source.clone());
                day_clusters
                    .entry(x.clone())
                    .or_default()
                    .insert(cluster[d]);
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
        if ev.actors.is_empty() || !ev.modality.corroborates() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str, value: f64, approximate: bool) -> Quantity {
        Quantity {
            value,
            unit: "troops".into(),
            kind: FigureKind::Troops,
            text: text.into(),
            approximate,
            claimed_by: None,
            date: None,
            start: 0,
        }
    }

    #[test]
    fn ranges_decide_conflicts() {
        assert!(conflict(
            &q("3,300 troops", 3300.0, false),
            &q("about 3,000 soldiers", 3000.0, true)
        ));
        assert!(!conflict(
            &q("3,300 troops", 3300.0, false),
            &q("3,300 troops", 3300.0, false)
        ));
        assert!(conflict(
            &q("seven", 7.0, false),
            &q("at least eight", 8.0, true)
        ));
        assert!(!conflict(
            &q("at least 20", 20.0, true),
            &q("25 dead", 25.0, false)
        ));
        assert!(conflict(
            &q("some 20,000", 20000.0, true),
            &q("more than 30,000", 30000.0, true)
        ));
        assert!(!conflict(
            &q("nearly 13,000", 13000.0, true),
            &q("12,640", 12640.0, false)
        ));
    }
}
