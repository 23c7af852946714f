//! Publication-date finding: the byline or dateline date near the top of a document.

use super::*;

/// Finds the publication date stated near the top of a document (byline/dateline),
/// returning the date and the byte span of the expression.
///
/// Only roughly the first 1,500 bytes / 15 non-empty lines are inspected. Lines
/// with an explicit cue ("Published", "Publié le", "Posted", "Date:", "Updated"…)
/// win, then a line consisting only of a date, then a short byline-like line
/// containing a date. Lines longer than 120 characters (body sentences) are only
/// used when a cue directly precedes the date. Only dates with an explicit year
/// are accepted.
pub fn find_publication_date(text: &str) -> Option<(NaiveDate, usize, usize)> {
    let limit = floor_boundary(text, 1500);
    let head = &text[..limit];
    let all = Langs {
        en: true,
        fr: true,
        ar: true,
    };
    // (priority, date, start, end); lower priority is better.
    let mut best: Option<(u8, NaiveDate, usize, usize)> = None;
    let mut non_empty = 0usize;
    let mut line_start = 0usize;
    for raw in head.split('\n') {
        let off = line_start;
        line_start += raw.len() + 1;
        if raw.trim().is_empty() {
            continue;
        }
        non_empty += 1;
        if non_empty > 15 {
            break;
        }
        // a calendar day written out always has a digit (its day or its year)
        if !raw.chars().any(char::is_numeric) {
            continue;
        }
        // a long line (running text) counts only by a cue ("Published ...")
        if raw.chars().count() > 120 {
            let lower = raw.to_ascii_lowercase();
            let cued = PUB_CUES.iter().any(|(cue, _)| {
                lower
                    .match_indices(cue)
                    .any(|(pos, _)| !prev_char(&lower, pos).is_some_and(|c| c.is_alphabetic()))
            });
            if !cued {
                continue;
            }
        }
        let exprs: Vec<TimeExpr> = tag_with(raw, all, TimeLang::En, None)
            .into_iter()
            .filter(|e| e.span.is_some_and(|s| s.granularity == Granularity::Day) && !e.relative)
            .collect();
        if exprs.is_empty() {
            continue;
        }
        let lower = raw.to_ascii_lowercase();
        let long = raw.chars().count() > 120;
        let mut found: Option<(u8, &TimeExpr)> = None;
        for (cue, prio) in PUB_CUES {
            let hit = lower
                .match_indices(cue)
                .find(|(pos, _)| !prev_char(&lower, *pos).is_some_and(|c| c.is_alphabetic()));
            if let Some((pos, _)) = hit {
                let cue_end = pos + cue.len();
                if let Some(e) = exprs
                    .iter()
                    .find(|e| e.start >= cue_end && e.start - cue_end <= 40)
                {
                    found = Some((*prio, e));
                    break;
                }
            }
        }
        if found.is_none() && !long {
            let rest_is_noise = {
                let mut ok = true;
                let mut last = 0usize;
                for e in &exprs {
                    if !raw.get(last..e.start).is_some_and(is_noise) {
                        ok = false;
                    }
                    last = e.end;
                }
                ok && raw.get(last..).is_some_and(is_noise)
            };
            if rest_is_noise {
                found = exprs.first().map(|e| (2u8, e));
            } else if raw.trim().chars().count() <= 100 {
                found = exprs.first().map(|e| (3u8, e));
            }
        }
        if let Some((prio, e)) = found {
            let better = match best {
                None => true,
                Some((bp, ..)) => prio < bp,
            };
            if better {
                if let Some(span) = e.span {
                    best = Some((prio, span.first, off + e.start, off + e.end));
                }
            }
        }
    }
    best.map(|(_, d, s, e)| (d, s, e))
}

// ---------------------------------------------------------------------------
// Internal types
// ---------------------------------------------------------------------------

pub(super) const PUB_CUES: &[(&str, u8)] = &[
    ("published", 0),
    ("publié", 0),
    ("publie le", 0),
    ("posted", 0),
    ("date:", 0),
    ("date :", 0),
    ("dated", 0),
    ("نشر", 0),
    ("بتاريخ", 0),
    ("updated", 1),
    ("mis à jour", 1),
    ("modifié", 1),
];

pub(super) fn is_noise(s: &str) -> bool {
    s.chars().all(|c| !c.is_alphanumeric())
}
