//! Phase 5 of the timeline: an information credibility grade on the NATO/Admiralty 1–6
//! scale, with its reason in words. Independent sources that agree raise it; disputes,
//! dates that are not stated but inferred, and sources the analyst rates D–F lower it; an
//! event that no source asserts or reports in its own time (background mentions, plans)
//! cannot be judged.

use super::{Credibility, Dispute, EventSource, TimelineOptions};

pub(super) fn grade(
    independent: usize,
    disputes: &[Dispute],
    low_date: bool,
    sources: &[EventSource],
    opts: &TimelineOptions,
) -> Credibility {
    if independent == 0 {
        return Credibility {
            grade: 6,
            label: "cannot be judged".to_string(),
            reason: "no source reports it as happening in its own time (background, plans or conditions only)".to_string(),
        };
    }
    let (mut g, mut reason) = match (independent, disputes.is_empty()) {
        (n, true) if n >= 3 => (
            1,
            format!("confirmed by {n} independent sources that agree"),
        ),
        (2, true) => (
            2,
            "reported by 2 independent sources that agree".to_string(),
        ),
        (n, false) if n >= 2 => (
            3,
            format!(
                "reported by {n} independent sources that disagree on {}",
                disputes
                    .iter()
                    .map(|d| d.field.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (_, false) => (4, "a single source, which contradicts itself".to_string()),
        _ => (3, "a single source; not confirmed elsewhere".to_string()),
    };
    if low_date && g < 6 {
        g = (g + 1).min(6);
        reason.push_str("; the date is inferred, not stated");
    }
    if !opts.reliability.is_empty() {
        let rel: Vec<char> = sources
            .iter()
            .filter_map(|s| {
                opts.reliability
                    .iter()
                    .find(|(k, _)| s.doc.contains(k.as_str()))
                    .map(|(_, r)| *r)
            })
            .collect();
        if !rel.is_empty() && rel.iter().all(|r| matches!(r, 'D' | 'E' | 'F')) {
            g = (g + 1).min(6);
            reason.push_str("; every source is rated D–F for reliability");
        }
    }
    let label = match g {
        1 => "confirmed",
        2 => "probably true",
        3 => "possibly true",
        4 => "doubtfully true",
        5 => "improbable",
        _ => "cannot be judged",
    };
    Credibility {
        grade: g,
        label: label.to_string(),
        reason,
    }
}
