//! Briefs: a SITREP of the merged events matching a query and a date range, each
//! development citing its sources, rendered as data, HTML or Markdown.

use std::collections::HashMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::corpus::{date_in, Corpus};
use crate::html::{esc, query};

/// What a brief covers.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BriefQuery {
    /// Words that an event (its summary, actors, targets, place or type) must contain.
    pub q: Option<String>,
    /// Earliest event date.
    pub from: Option<String>,
    /// Latest event date.
    pub to: Option<String>,
}

/// A SITREP.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// Title.
    pub title: String,
    /// What it covers.
    pub query: BriefQuery,
    /// Period covered by the developments (first and last dates).
    pub period: Option<(String, String)>,
    /// Key developments in date order: the [`MAX_DEVELOPMENTS`] best corroborated when
    /// more events match.
    pub developments: Vec<Development>,
    /// How many merged events matched the query.
    pub matching: usize,
    /// Main actors with the number of developments they appear in.
    pub actors: Vec<(String, usize)>,
    /// Points the sources disagree on.
    pub disputes: Vec<String>,
    /// Sources, numbered from 1 in citation order.
    pub sources: Vec<BriefSource>,
}

/// One development.
#[derive(Debug, Clone, Serialize)]
pub struct Development {
    /// Event id.
    pub event: String,
    /// Date.
    pub date: Option<String>,
    /// Event type.
    pub kind: String,
    /// The sentence.
    pub text: String,
    /// Numbers of the sources cited (into `sources`, from 1).
    pub cites: Vec<usize>,
    /// Admiralty credibility grade.
    pub grade: u8,
    /// Credibility label.
    pub credibility: String,
}

/// A cited source.
#[derive(Debug, Clone, Serialize)]
pub struct BriefSource {
    /// Citation number.
    pub n: usize,
    /// Document source.
    pub doc: String,
    /// Store id.
    pub id: Option<i64>,
    /// Title.
    pub title: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Publication date.
    pub published: Option<String>,
}

fn norm(s: &str) -> String {
    s.to_lowercase()
}

/// Most developments a brief lists (the best corroborated, then the most credible, then
/// the latest).
pub const MAX_DEVELOPMENTS: usize = 60;

/// Builds a brief from the corpus.
pub fn build(c: &Corpus, bq: &BriefQuery) -> Brief {
    let words: Vec<String> =
        bq.q.as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(norm)
            .collect();
    let mut devs = Vec::new();
    let mut sources: Vec<BriefSource> = Vec::new();
    let mut src_n: HashMap<String, usize> = HashMap::new();
    let mut actors: HashMap<String, usize> = HashMap::new();
    let mut disputes = Vec::new();
    let mut picked: Vec<usize> = c
        .timeline
        .events
        .iter()
        .enumerate()
        .filter(|(_, ev)| {
            if !date_in(ev.date.as_deref(), bq.from.as_deref(), bq.to.as_deref()) {
                return false;
            }
            if words.is_empty() {
                return true;
            }
            let hay = norm(&format!(
                "{} {} {} {} {}",
                ev.summary,
                ev.actors.join(" "),
                ev.targets.join(" "),
                ev.place.as_deref().unwrap_or(""),
                ev.kind.as_str()
            ));
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    let matching = picked.len();
    if picked.len() > MAX_DEVELOPMENTS {
        let evs = &c.timeline.events;
        // partial selection (linear), not a full sort of every matching event
        picked.select_nth_unstable_by(MAX_DEVELOPMENTS - 1, |&a, &b| {
            let (x, y) = (&evs[a], &evs[b]);
            y.corroboration
                .cmp(&x.corroboration)
                .then(x.credibility.grade.cmp(&y.credibility.grade))
                .then(y.sources.len().cmp(&x.sources.len()))
                .then(y.date.cmp(&x.date))
                .then(a.cmp(&b))
        });
        picked.truncate(MAX_DEVELOPMENTS);
        picked.sort_unstable();
    }
    for ev in picked.into_iter().map(|i| &c.timeline.events[i]) {
        let mut cites = Vec::new();
        for s in &ev.sources {
            let n = *src_n.entry(s.doc.clone()).or_insert_with(|| {
                let d = c.doc_by_source(&s.doc);
                sources.push(BriefSource {
                    n: sources.len() + 1,
                    doc: s.doc.clone(),
                    id: c.id_of(&s.doc),
                    title: s.title.clone(),
                    outlet: d.and_then(|d| d.meta.outlet.clone()),
                    published: s.published.clone(),
                });
                sources.len()
            });
            if !cites.contains(&n) {
                cites.push(n);
            }
        }
        for a in &ev.actors {
            *actors.entry(a.clone()).or_default() += 1;
        }
        for d in &ev.disputes {
            let claims: Vec<String> = d
                .claims
                .iter()
                .map(|cl| {
                    let ns: Vec<String> = cl
                        .sources
                        .iter()
                        .filter_map(|s| src_n.get(s).map(|n| format!("[{n}]")))
                        .collect();
                    format!("{} {}", cl.value, ns.join(""))
                })
                .collect();
            disputes.push(format!(
                "{} ({}): {} — {}",
                ev.summary_short(),
                d.field,
                claims.join(" vs "),
                ev.date.as_deref().unwrap_or("undated")
            ));
        }
        devs.push(Development {
            event: ev.id.clone(),
            date: ev.date.clone(),
            kind: ev.kind.as_str().to_string(),
            text: translated_summary(c, ev).unwrap_or_else(|| ev.summary.clone()),
            cites,
            grade: ev.credibility.grade,
            credibility: ev.credibility.label.clone(),
        });
    }
    devs.sort_by(|a, b| sitrep_core::timeline::date_order(a.date.as_deref(), b.date.as_deref()));
    let mut actors: Vec<(String, usize)> = actors.into_iter().collect();
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    actors.truncate(12);
    let dated: Vec<&String> = devs.iter().filter_map(|d| d.date.as_ref()).collect();
    let period = match (dated.first(), dated.last()) {
        (Some(a), Some(b)) => Some(((*a).clone(), (*b).clone())),
        _ => None,
    };
    let mut title = String::from("SITREP");
    if let Some(q) = bq.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let _ = write!(title, ": {}", q.trim());
    }
    Brief {
        title,
        query: bq.clone(),
        period,
        developments: devs,
        matching,
        actors,
        disputes,
        sources,
    }
}

/// The English of an event's summary sentence when its source is a translated
/// non-English document, marked `[machine translation]`.
fn translated_summary(c: &Corpus, ev: &crate::timeline::MergedEvent) -> Option<String> {
    let s = ev.sources.first()?;
    let id = c.id_of(&s.doc)?;
    let d = c.doc(id)?;
    let t = c.translations.get(&id)?;
    let en = t.sentence_at(d, s.start)?;
    let en = if en.len() > 240 {
        let mut cut = 240;
        while !en.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &en[..cut])
    } else {
        en
    };
    Some(format!("{en} [machine translation]"))
}

trait Short {
    fn summary_short(&self) -> String;
}

impl Short for crate::timeline::MergedEvent {
    fn summary_short(&self) -> String {
        let mut s: String = self.kind.as_str().replace('_', " ");
        if let Some(p) = &self.place {
            let _ = write!(s, " in {p}");
        }
        s
    }
}

fn cites_html(cites: &[usize]) -> String {
    cites
        .iter()
        .map(|n| format!("<a href=\"#src{n}\">[{n}]</a>"))
        .collect()
}

/// The brief as an HTML fragment (no page layout).
pub fn to_html(b: &Brief) -> String {
    let mut h = String::new();
    let _ = write!(h, "<article class=\"brief\"><h1>{}</h1>", esc(&b.title));
    let _ = write!(
        h,
        "<p class=\"meta\">{} developments from {} sources",
        b.developments.len(),
        b.sources.len()
    );
    if b.matching > b.developments.len() {
        let _ = write!(
            h,
            " (the best corroborated of {} matching events; narrow the topic or dates for more)",
            b.matching
        );
    }
    if let Some((a, z)) = &b.period {
        let _ = write!(h, ", {} to {}", esc(a), esc(z));
    }
    h.push_str(". Grades: Admiralty credibility, 1 (confirmed) to 6 (cannot be judged).</p>");
    h.push_str("<h2>Key developments</h2>");
    if b.developments.is_empty() {
        h.push_str("<p class=\"empty\">No event matches.</p>");
    } else {
        h.push_str("<ol>");
        for d in &b.developments {
            let _ = write!(
                h,
                "<li><strong>{}</strong> <span class=\"tag\">{}</span> <span dir=\"auto\">{}</span> {} <span class=\"grade g{}\">[grade {}]</span></li>",
                esc(d.date.as_deref().unwrap_or("undated")),
                esc(&d.kind.replace('_', " ")),
                esc(&d.text),
                cites_html(&d.cites),
                d.grade,
                d.grade
            );
        }
        h.push_str("</ol>");
    }
    h.push_str("<h2>Main actors</h2>");
    if b.actors.is_empty() {
        h.push_str("<p class=\"empty\">None identified.</p>");
    } else {
        h.push_str("<ul>");
        for (a, n) in &b.actors {
            let _ = write!(
                h,
                "<li><a href=\"/timeline{}\">{}</a> <span class=\"count\">({n})</span></li>",
                query(&[("entity", Some(a))]),
                esc(a)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Disputed points</h2>");
    if b.disputes.is_empty() {
        h.push_str("<p class=\"empty\">The sources do not disagree on any recorded point.</p>");
    } else {
        h.push_str("<ul>");
        for d in &b.disputes {
            let _ = write!(h, "<li class=\"dispute\">{}</li>", esc(d));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Sources</h2><ol class=\"sources\">");
    for s in &b.sources {
        let label = s.title.clone().unwrap_or_else(|| s.doc.clone());
        let link = match s.id {
            Some(id) => format!("<a href=\"/doc/{id}\">{}</a>", esc(&label)),
            None => esc(&label),
        };
        let _ = write!(
            h,
            "<li id=\"src{}\">{link} — {} {}</li>",
            s.n,
            esc(s.outlet.as_deref().unwrap_or("")),
            esc(s.published.as_deref().unwrap_or(""))
        );
    }
    h.push_str("</ol></article>");
    h
}

/// The Content-Security-Policy of the standalone brief: nothing may load or run, and the
/// one inline stylesheet is allowed by its hash (the site's policy, `style-src 'self'`,
/// would block it).
pub fn standalone_csp() -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(crate::html::CSS.as_bytes());
    format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        base64(&digest)
    )
}

/// Standard base64 with padding (RFC 4648), for the stylesheet's hash.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A standalone HTML document (for export): the brief with its stylesheet inlined.
pub fn to_standalone_html(b: &Brief) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body><main>{}</main></body></html>\n",
        esc(&b.title),
        crate::html::CSS,
        to_html(b)
    )
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The brief as Markdown.
pub fn to_markdown(b: &Brief) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", md_escape(&b.title));
    if let Some((a, z)) = &b.period {
        let _ = writeln!(m, "Period: {a} to {z}. ");
    }
    let more = if b.matching > b.developments.len() {
        format!(" (the best corroborated of {} matching events)", b.matching)
    } else {
        String::new()
    };
    let _ = writeln!(
        m,
        "{} developments from {} sources{more}.\n\n## Key developments\n",
        b.developments.len(),
        b.sources.len()
    );
    for d in &b.developments {
        let cites: String = d.cites.iter().map(|n| format!("[{n}]")).collect();
        let _ = writeln!(
            m,
            "- **{}** ({}) {} {} — grade {}",
            d.date.as_deref().unwrap_or("undated"),
            d.kind.replace('_', " "),
            md_escape(&d.text),
            cites,
            d.grade
        );
    }
    m.push_str("\n## Main actors\n\n");
    for (a, n) in &b.actors {
        let _ = writeln!(m, "- {} ({n})", md_escape(a));
    }
    m.push_str("\n## Disputed points\n\n");
    if b.disputes.is_empty() {
        m.push_str("- none recorded\n");
    }
    for d in &b.disputes {
        let _ = writeln!(m, "- {}", md_escape(d));
    }
    m.push_str("\n## Sources\n\n");
    for s in &b.sources {
        let _ = writeln!(
            m,
            "{}. {} — {} {} ({})",
            s.n,
            md_escape(s.title.as_deref().unwrap_or(&s.doc)),
            md_escape(s.outlet.as_deref().unwrap_or("")),
            s.published.as_deref().unwrap_or(""),
            md_escape(&s.doc)
        );
    }
    m
}

/// Link to the brief page for a query.
pub fn href(bq: &BriefQuery) -> String {
    format!(
        "/brief{}",
        query(&[
            ("q", bq.q.as_deref()),
            ("from", bq.from.as_deref()),
            ("to", bq.to.as_deref())
        ])
    )
}

#[cfg(test)]
mod csp_tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_standalone_policy_allows_its_own_stylesheet_and_nothing_else() {
        let csp = standalone_csp();
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("script-src"),
            "{csp}"
        );
        // a SHA-256 digest is 32 bytes: 44 base64 characters with one '='
        let hash = csp
            .split("'sha256-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap();
        assert_eq!(hash.len(), 44);
        assert!(hash.ends_with('='));
    }
}
