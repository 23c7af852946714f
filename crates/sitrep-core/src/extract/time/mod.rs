//! Temporal expression tagging and normalisation.
//!
//! [`tag`] finds calendar expressions (full dates, months, years, seasons,
//! decades, relative days, weekdays, offsets such as "two days later") in
//! English, French and (partly) Arabic text and normalises them to ISO 8601
//! values truncated to their granularity (`2012-12-20`, `2012-03`, `2013`).
//! Relative expressions are resolved against an anchor (the publication date)
//! and, where the year is left implicit, against the tense of the sentence.
//!
//! [`find_publication_date`] looks for the publication date in the header of
//! a document (byline, dateline, "Published:" lines).
//!
//! The module depends only on `std`, `chrono`, `regex` and `aho-corasick`. All
//! patterns are compiled once; one pass finds the words and digits that every
//! match of a pattern contains, and each pattern runs only in the stretches of
//! text around them. All spans are UTF-8 byte offsets lying on char boundaries.

use crate::extract::tokens::{is_ascii_space, runs};
use aho_corasick::AhoCorasick;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::{Captures, Regex};
use std::collections::BTreeMap;
use std::sync::LazyLock;

mod classes;
mod collect;
mod collect_ar;
mod collect_en;
mod collect_fr;
mod lexicon;
mod narrative;
mod patterns;
mod published;
mod resolve;
mod scan;
mod sem;
mod tense;
mod timex;

use collect::*;
use collect_ar::*;
use collect_en::*;
use collect_fr::*;
use patterns::*;
pub use published::find_publication_date;
use resolve::*;
use scan::*;
use sem::*;
use timex::calendar_value;
pub use timex::{DaySpan, DayTime, Granularity, TimeExpr, TimexMod, TimexType};

/// Language of the text being tagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeLang {
    /// English.
    En,
    /// French.
    Fr,
    /// Arabic (Modern Standard; Gregorian and Levantine month names).
    Ar,
}

/// Tags and normalises every calendar expression in `text`.
///
/// `anchor` is the publication date; when `None`, relative expressions that
/// need it (yesterday, last month, "in March" without a year, weekdays…) are
/// dropped. The result is sorted by `start` and spans never overlap.
pub fn tag(text: &str, lang: TimeLang, anchor: Option<NaiveDate>) -> Vec<TimeExpr> {
    let langs = match lang {
        TimeLang::En => Langs {
            en: true,
            fr: false,
            ar: false,
        },
        TimeLang::Fr => Langs {
            en: false,
            fr: true,
            ar: false,
        },
        TimeLang::Ar => Langs {
            en: false,
            fr: false,
            ar: true,
        },
    };
    tag_with(text, langs, lang, anchor)
}

fn tag_with(text: &str, langs: Langs, lang: TimeLang, anchor: Option<NaiveDate>) -> Vec<TimeExpr> {
    let mut cands = Vec::new();
    collect(text, langs, &mut cands);
    if cands.is_empty() {
        return Vec::new();
    }
    // longest first, then priority, then leftmost
    cands.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.prio.cmp(&a.prio))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: BTreeMap<usize, Cand> = BTreeMap::new();
    for c in cands {
        let overlaps = kept
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > c.start);
        if !overlaps {
            kept.insert(c.start, c);
        }
    }
    let mut kept: Vec<Cand> = kept.into_values().collect();
    distribute_years(text, &mut kept);
    let ctx = tense::Context::new(text, lang);

    // first pass: everything that does not lean on another expression
    let mut resolved: Vec<Option<Res>> = kept
        .iter()
        .map(|c| {
            if leans_on_discourse(&c.sem) {
                None
            } else {
                resolve(&ctx, c, anchor)
            }
        })
        .collect();
    // second pass, in text order: offsets and periods relative to one named before
    for i in 0..kept.len() {
        if leans_on_discourse(&kept[i].sem) {
            resolved[i] = resolve_discourse(&ctx, &kept, &resolved, i, anchor);
        }
    }
    kept.iter()
        .zip(resolved)
        .filter_map(|(c, r)| {
            let surface = text.get(c.start..c.end)?;
            let (kind, value, span, relative) = match r {
                Some(r) => {
                    let mut value = calendar_value(r.gran, r.start);
                    let kind = match c.dt {
                        Some(dt) if r.gran == Granularity::Day => {
                            value.push('T');
                            value.push_str(&dt.suffix());
                            TimexType::Time
                        }
                        _ => TimexType::Date,
                    };
                    let span = DaySpan {
                        granularity: r.gran,
                        first: r.start,
                        last: r.end,
                    };
                    (kind, value, Some(span), r.relative)
                }
                None => {
                    let (kind, value) = plain_value(&c.sem)?;
                    (kind, value, None, false)
                }
            };
            Some(TimeExpr {
                start: c.start,
                end: c.end,
                text: surface.to_string(),
                kind,
                value,
                modifier: c.md,
                span,
                relative,
                names_event: span.is_some() && narrative::names_event(text, c.start, c.end),
            })
        })
        .collect()
}

/// Expressions resolved against another expression of the text, in a second pass.
fn leans_on_discourse(sem: &Sem) -> bool {
    matches!(
        sem,
        Sem::Offset { .. }
            | Sem::TheQuarter
            | Sem::YearBefore
            | Sem::Ago {
                unit: Unit::Year,
                ..
            }
    )
}

/// The value of an expression that is not a calendar period: a duration, a set, a
/// reference to the present, past or future.
fn plain_value(sem: &Sem) -> Option<(TimexType, String)> {
    Some(match *sem {
        Sem::Ref(k) => (
            TimexType::Date,
            match k {
                RefKind::Present => "PRESENT_REF",
                RefKind::Past => "PAST_REF",
                RefKind::Future => "FUTURE_REF",
            }
            .to_string(),
        ),
        Sem::Dur { n, unit } => (TimexType::Duration, duration_value(n, unit)),
        Sem::Set(SetKind::Every(n, unit)) => (TimexType::Set, duration_value(Some(n), unit)),
        Sem::Set(SetKind::Weekday(wd)) => (
            TimexType::Set,
            format!("XXXX-WXX-{}", timex::iso_weekday(wd)),
        ),
        Sem::Set(SetKind::Month(m)) => (TimexType::Set, format!("XXXX-{m:02}")),
        _ => return None,
    })
}

/// A TimeML duration value: `P3D`, `P2W`, `PT5H`, `PXY` (no number given).
fn duration_value(n: Option<u32>, unit: DUnit) -> String {
    let (n, unit) = match (n, unit) {
        (Some(n), DUnit::Decade) => (n.checked_mul(10), DUnit::Year),
        (Some(n), DUnit::Century) => (n.checked_mul(100), DUnit::Year),
        (n, u) => (n, u),
    };
    let num = n.map_or_else(|| "X".to_string(), |n| n.to_string());
    let (t, u) = match unit {
        DUnit::Second => ("T", "S"),
        DUnit::Minute => ("T", "M"),
        DUnit::Hour => ("T", "H"),
        DUnit::Day => ("", "D"),
        DUnit::Week => ("", "W"),
        DUnit::Month => ("", "M"),
        DUnit::Quarter => ("", "Q"),
        DUnit::Year => ("", "Y"),
        DUnit::Decade => ("", "E"),
        DUnit::Century => ("", "C"),
    };
    format!("P{t}{num}{u}")
}

/// "September or October of next year": spread the year of the last month of a
/// coordinated list over the year-less months before it.
fn distribute_years(text: &str, kept: &mut [Cand]) {
    if kept.len() < 2 {
        return;
    }
    for i in (0..kept.len() - 1).rev() {
        if let Sem::Month {
            y: YearSpec::Unknown,
            m,
        } = kept[i].sem
        {
            let next = kept[i + 1];
            let ys = match next.sem {
                Sem::Month { y, .. } if y != YearSpec::Unknown => Some(y),
                Sem::Day { y, .. } if y != YearSpec::Unknown => Some(y),
                _ => None,
            };
            if let (Some(ys), Some(between)) = (ys, text.get(kept[i].end..next.start)) {
                let t = between.trim_matches(|c: char| c.is_whitespace() || c == ',');
                let conn = [
                    "", "or", "and", "to", "ou", "et", "à", "-", "–", "through", "until", "au",
                    "أو", "و", "او",
                ];
                if conn.iter().any(|k| k.eq_ignore_ascii_case(t)) {
                    kept[i].sem = Sem::Month { y: ys, m };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
