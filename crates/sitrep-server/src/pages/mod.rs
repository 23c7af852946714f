//! The HTML pages, one module per page. Every string from a document goes through
//! [`esc`] (text and attribute values) or [`urlenc`] (inside URLs); the only markup not
//! built here is the store's search snippet, which [`crate::html::safe_snippet`] reduces to
//! text and `<b>` marks. What a page shows comes from [`crate::query`].

mod brief;
pub mod chart;
mod document;
mod entity;
mod map;
mod search;
mod timeline;

use std::fmt::Write;

pub use self::brief::brief;
pub use self::document::{document, highlighted_text, translation_html};
pub use self::entity::entity;
pub use self::map::map;
pub(crate) use self::search::pager;
pub use self::search::search;
pub use self::timeline::timeline;
pub use chart::bar_chart;

use crate::corpus::Corpus;
use crate::html::{esc, urlenc};
use crate::query::all_event_types;
use crate::timeline::MergedEvent;

/// `<option>`s of every event type, the one given selected.
pub(crate) fn type_options(selected: Option<&str>) -> String {
    let mut h = String::from("<option value=\"\">any</option>");
    for t in all_event_types() {
        let sel = if selected == Some(t.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<option value=\"{}\"{sel}>{}</option>",
            t.as_str(),
            t.as_str().replace('_', " ")
        );
    }
    h
}

/// One merged event: date, type, summary, participants, corroboration, credibility,
/// disputes and its sources with the sentences quoted.
pub(crate) fn event_html(c: &Corpus, ev: &MergedEvent) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"event\" id=\"{}\"><h3>{} <span class=\"tag\">{}</span> {}</h3>",
        esc(&ev.id),
        esc(ev.date.as_deref().unwrap_or("undated")),
        esc(&ev.kind.as_str().replace('_', " ")),
        esc(&ev.summary)
    );
    let names = |v: &[String]| -> String {
        v.iter()
            .map(|n| match c.entity_by_name(n) {
                Some(e) => format!("<a href=\"/entity/{}\">{}</a>", urlenc(&e.key), esc(n)),
                None => esc(n),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    h.push_str("<dl class=\"kv\">");
    if !ev.actors.is_empty() {
        let _ = write!(h, "<dt>Actors</dt><dd>{}</dd>", names(&ev.actors));
    }
    if !ev.targets.is_empty() {
        let _ = write!(h, "<dt>Targets</dt><dd>{}</dd>", names(&ev.targets));
    }
    if let Some(p) = &ev.place {
        let _ = write!(
            h,
            "<dt>Place</dt><dd>{}</dd>",
            names(std::slice::from_ref(p))
        );
    }
    let _ = write!(
        h,
        "<dt>Corroboration</dt><dd>{} independent source{}</dd><dt>Credibility</dt><dd><span class=\"grade g{}\">{} — {}</span> <span class=\"meta\">{}</span></dd>",
        ev.corroboration,
        if ev.corroboration == 1 { "" } else { "s" },
        ev.credibility.grade,
        ev.credibility.grade,
        esc(&ev.credibility.label),
        esc(&ev.credibility.reason)
    );
    for d in &ev.disputes {
        let claims: Vec<String> = d
            .claims
            .iter()
            .map(|cl| {
                let who: Vec<String> = cl.sources.iter().map(|s| esc(&c.label(s))).collect();
                format!("<strong>{}</strong> ({})", esc(&cl.value), who.join("; "))
            })
            .collect();
        let _ = write!(
            h,
            "<dt class=\"dispute\">Disputed: {}</dt><dd class=\"dispute\">{}</dd>",
            esc(&d.field),
            claims.join(" vs ")
        );
    }
    h.push_str("</dl><ol class=\"sources\">");
    for s in &ev.sources {
        let label = s.title.clone().unwrap_or_else(|| s.doc.clone());
        let link = match c.id_of(&s.doc) {
            Some(id) => format!("<a href=\"/doc/{id}\">{}</a>", esc(&label)),
            None => esc(&label),
        };
        let _ = write!(
            h,
            "<li>{link} <span class=\"meta\">{}</span><blockquote dir=\"auto\">{}</blockquote></li>",
            esc(s.published.as_deref().unwrap_or("")),
            esc(&s.text)
        );
    }
    h.push_str("</ol></div>");
    h
}
