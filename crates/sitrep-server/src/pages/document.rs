//! `GET /doc/{id}`: a document's text with its entities and dates as links, its metadata,
//! events, entities and machine translation.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::response::Html;
use sitrep_core::Document;

use super::event_html;
use crate::corpus::Corpus;
use crate::html::{esc, page, query, urlenc};
use crate::query::{find_doc, FoundDoc};
use crate::timeline::MergedEvent;
use crate::{AppError, AppResult, AppState};

/// The text of a document with entity mentions and dates as links, all text escaped.
pub fn highlighted_text(c: &Corpus, d: &Document) -> String {
    // (start, end, href, class, title)
    let mut spans: Vec<(usize, usize, String, &str, String)> = Vec::new();
    for e in &d.entities {
        let key = c.key_of(e);
        for m in &e.mentions {
            spans.push((
                m.start,
                m.end,
                format!("/entity/{}", urlenc(&key)),
                "ent",
                format!("{} ({})", e.name, e.kind.as_str()),
            ));
        }
    }
    for dm in &d.dates {
        spans.push((
            dm.start,
            dm.end,
            format!(
                "/timeline{}",
                query(&[("from", Some(&dm.range_start)), ("to", Some(&dm.range_end))])
            ),
            "date",
            dm.value.clone(),
        ));
    }
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let t = &d.text;
    let mut out = String::with_capacity(t.len() * 2);
    let mut pos = 0;
    for (s, e, href, class, title) in spans {
        if s < pos || e <= s || e > t.len() || !t.is_char_boundary(s) || !t.is_char_boundary(e) {
            continue;
        }
        out.push_str(&esc(&t[pos..s]));
        let _ = write!(
            out,
            "<a class=\"{class}\" href=\"{}\" title=\"{}\">{}</a>",
            esc(&href),
            esc(&title),
            esc(&t[s..e])
        );
        pos = e;
    }
    out.push_str(&esc(&t[pos..]));
    out
}

/// `GET /doc/{id}`.
pub async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let c = state.corpus().map_err(AppError::into_html)?;
    let FoundDoc {
        id: n,
        doc: d,
        sources,
        translation,
    } = find_doc(&state, &c, &id, true)?;
    let title = d.meta.title.clone().unwrap_or_else(|| d.source.clone());
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1><dl class=\"kv\">", esc(&title));
    let row = |h: &mut String, k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            let _ = write!(h, "<dt>{k}</dt><dd>{}</dd>", esc(v));
        }
    };
    row(&mut h, "Outlet", d.meta.outlet.as_deref());
    row(&mut h, "Author", d.meta.author.as_deref());
    let published = d
        .meta
        .published
        .as_ref()
        .map(|p| match d.meta.published_source {
            Some(s) => format!(
                "{p} (from {})",
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
            None => p.clone(),
        });
    row(&mut h, "Published", published.as_deref());
    row(&mut h, "Language", Some(&d.language));
    row(&mut h, "Format", Some(d.format.as_str()));
    match d.meta.url.as_deref() {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
            let _ = write!(
                h,
                "<dt>URL</dt><dd><a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a></dd>",
                esc(u),
                esc(u)
            );
        }
        other => row(&mut h, "URL", other),
    }
    let srcs = if sources.is_empty() {
        vec![d.source.clone()]
    } else {
        sources
    };
    let _ = write!(
        h,
        "<dt>Source{}</dt><dd>{}</dd>",
        if srcs.len() > 1 { "s" } else { "" },
        srcs.iter().map(|s| esc(s)).collect::<Vec<_>>().join("<br>")
    );
    let _ = write!(
        h,
        "<dt>Extracted</dt><dd>{} entities, {} dates, {} events · <a href=\"/api/v1/documents/{n}\">JSON</a></dd></dl>",
        d.entities.len(),
        d.dates.len(),
        d.events.len()
    );
    h.push_str("<h2>Text</h2><p class=\"meta\"><a class=\"ent\" href=\"#\">entity</a> <a class=\"date\" href=\"#\">date</a> — follow a highlight to its page.</p>");
    let _ = write!(
        h,
        "<div class=\"doctext\" dir=\"auto\">{}</div>",
        highlighted_text(&c, &d)
    );
    translation_html(&mut h, &d, translation.as_ref());
    let evs: Vec<&MergedEvent> = c.events_of_doc(&d.source).collect();
    h.push_str("<h2>Events reported here</h2>");
    if evs.is_empty() {
        if d.events.is_empty() {
            h.push_str("<p class=\"empty\">No event found in this document.</p>");
        } else {
            h.push_str("<ul>");
            for ev in &d.events {
                let _ = write!(
                    h,
                    "<li>{} <span class=\"tag\">{}</span> {}</li>",
                    esc(ev.date.as_deref().unwrap_or("undated")),
                    esc(ev.kind.as_str()),
                    esc(&ev.text)
                );
            }
            h.push_str("</ul>");
        }
    }
    for ev in evs {
        h.push_str(&event_html(&c, ev));
    }
    h.push_str("<h2>Entities</h2><table><tr><th>Name</th><th>Type</th><th>Mentions</th><th>Forms</th></tr>");
    let mut ents: Vec<&sitrep_core::document::Entity> = d.entities.iter().collect();
    ents.sort_by_key(|e| std::cmp::Reverse(e.mentions.len()));
    for e in ents {
        let _ = write!(
            h,
            "<tr><td><a href=\"/entity/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            urlenc(&c.key_of(e)),
            esc(&e.name),
            esc(&format!(
                "{}{}",
                e.kind.as_str(),
                e.subtype
                    .as_deref()
                    .map(|s| format!(" / {s}"))
                    .unwrap_or_default()
            )),
            e.mentions.len(),
            esc(&e.aliases.join(", "))
        );
    }
    h.push_str("</table>");
    Ok(Html(page(&title, "", &h)))
}

fn language_name(code: &str) -> &str {
    match code {
        "ar" => "Arabic",
        "fr" => "French",
        "es" => "Spanish",
        "pt" => "Portuguese",
        "de" => "German",
        other => other,
    }
}

/// The machine translation beside the original, paragraph by paragraph, and a plain
/// statement for each language nothing translated.
pub fn translation_html(
    h: &mut String,
    d: &Document,
    t: Option<&sitrep_core::translate::Translation>,
) {
    let foreign = sitrep_core::translate::foreign_paragraphs(d);
    if foreign.is_empty() {
        return;
    }
    h.push_str("<h2>Machine translation</h2>");
    let translated = |pos: usize| t.and_then(|t| t.at(pos)).is_some();
    if let Some(t) = t.filter(|t| !t.paragraphs.is_empty()) {
        let _ = write!(
            h,
            "<p class=\"meta\"><span class=\"mtlabel\">Machine translation ({})</span> — \
             automatic and often clumsy; names of known entities are given in English. \
             Quote the original.</p><table class=\"mt\"><tr><th>Original</th><th>English \
             (machine translation)</th></tr>",
            esc(&t.backend)
        );
        for (span, en) in &t.paragraphs {
            let orig = d.text.get(span.start..span.end).unwrap_or("");
            let _ = write!(
                h,
                "<tr><td dir=\"auto\">{}</td><td>{}</td></tr>",
                esc(orig),
                esc(en)
            );
        }
        h.push_str("</table>");
    }
    let mut missing: Vec<&str> = foreign
        .iter()
        .filter(|(s, _)| !translated(s.start))
        .map(|(_, l)| l.as_str())
        .collect();
    missing.sort();
    missing.dedup();
    for lang in missing {
        let name = language_name(lang);
        let why = if lang == "ar" {
            " (Apertium has no Arabic→English pair; ingest with <code>--translate libretranslate=URL</code>)"
        } else {
            " (ingest with <code>--translate apertium</code> or <code>--translate libretranslate=URL</code>)"
        };
        let _ = write!(
            h,
            "<p class=\"empty\">No {} translation backend is configured: the {} text of this \
             document has no English translation{why}.</p>",
            esc(name),
            esc(name)
        );
    }
}
