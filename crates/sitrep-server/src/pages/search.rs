//! `GET /`: search with paging and facets; the empty query shows the corpus at a glance.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::Html;

use crate::html::{esc, page, safe_snippet};
use crate::query::{nonempty, run_search, SearchParams};
use crate::{AppError, AppResult, AppState};

fn facet_list(
    h: &mut String,
    title: &str,
    p: &SearchParams,
    key: &str,
    items: &[(String, String, usize)],
) {
    if items.is_empty() {
        return;
    }
    let _ = write!(h, "<h3>{}</h3><ul>", esc(title));
    for (value, label, n) in items {
        let _ = write!(
            h,
            "<li><a href=\"{}\">{}</a><span class=\"count\">{n}</span></li>",
            esc(&p.href_with(key, Some(value))),
            esc(label)
        );
    }
    h.push_str("</ul>");
}

/// Links to the previous and next pages of a list, when there are several.
pub(crate) fn pager(h: &mut String, page: usize, pages: usize, link: impl Fn(usize) -> String) {
    if pages <= 1 {
        return;
    }
    let _ = write!(h, "<nav class=\"pager\" aria-label=\"pages\">");
    if page > 1 {
        let _ = write!(
            h,
            "<a href=\"{}\" rel=\"prev\">← previous</a> ",
            esc(&link(page - 1))
        );
    }
    let _ = write!(h, "<span>page {page} of {pages}</span>");
    if page < pages {
        let _ = write!(
            h,
            " <a href=\"{}\" rel=\"next\">next →</a>",
            esc(&link(page + 1))
        );
    }
    h.push_str("</nav>");
}

/// The corpus at a glance: events per week by type, latest events, top entities, sources.
fn overview_html(h: &mut String, c: &crate::corpus::Corpus) {
    let o = crate::query::overview(c);
    h.push_str("<section class=\"overview\"><h2>The corpus at a glance</h2>");
    let _ = write!(
        h,
        "<p class=\"meta\">{} documents stored{}.</p>",
        o.documents,
        if (o.window as u64) < o.documents {
            format!("; the overview covers the {} most recent", o.window)
        } else {
            String::new()
        }
    );
    h.push_str("<h3>Events per week by type</h3>");
    h.push_str(&super::chart::series_chart(&o.series, |from, to| {
        format!(
            "/timeline{}",
            crate::html::query(&[
                ("from", Some(from)),
                ("to", Some(to)),
                ("group", Some("day"))
            ])
        )
    }));
    h.push_str("<div class=\"glance\"><div><h3>Latest events</h3>");
    if o.latest.is_empty() {
        h.push_str("<p class=\"empty\">No dated event.</p>");
    } else {
        h.push_str("<ul class=\"latest\">");
        for ev in &o.latest {
            let _ = write!(
                h,
                "<li><span class=\"meta\">{}</span> <span class=\"tag\">{}</span> <a href=\"/timeline{}#{}\">{}</a></li>",
                esc(ev.date.as_deref().unwrap_or("")),
                esc(&ev.kind.as_str().replace('_', " ")),
                esc(&crate::html::query(&[(
                    "from",
                    ev.date.as_deref().and_then(|d| d.get(..10))
                ), ("to", ev.date.as_deref().and_then(|d| d.get(..10)))])),
                crate::html::urlenc(&ev.id),
                esc(&ev.summary)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</div><div><h3>Top entities</h3><ul class=\"plain\">");
    for (k, name, n) in &o.entities {
        let _ = write!(
            h,
            "<li><a href=\"/entity/{}\">{}</a> <span class=\"count\">{n}</span></li>",
            crate::html::urlenc(k),
            esc(name)
        );
    }
    h.push_str("</ul></div><div><h3>Sources</h3><ul class=\"plain\">");
    for (s, n) in &o.sources {
        let _ = write!(h, "<li>{} <span class=\"count\">{n}</span></li>", esc(s));
    }
    h.push_str("</ul></div></div></section>");
}

/// `GET /`: search with paging and facets; without query or filter, the corpus at a
/// glance above the latest documents.
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> AppResult<Html<String>> {
    let r = run_search(&state, &p).map_err(AppError::into_html)?;
    let c = state.corpus().map_err(AppError::into_html)?;
    let v = |s: &Option<String>| esc(s.as_deref().unwrap_or(""));
    let mut h = String::new();
    let _ = write!(
        h,
        "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">\
<label class=\"q\">Search the reports<input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"words, \"a phrase\", name\"></label>\
<details class=\"more\"{}><summary>Filters</summary><div class=\"filters\">\
<label>Entity<input name=\"entity\" value=\"{}\" size=\"12\"></label>\
<label>Event type<select name=\"type\">{}</select></label>\
<label>Language<input name=\"lang\" value=\"{}\" size=\"3\"></label>\
<label>From<input name=\"from\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>To<input name=\"to\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label></div></details>\
<button type=\"submit\">Search</button></form>",
        v(&p.q),
        if [&p.entity, &p.event_type, &p.lang, &p.from, &p.to]
            .iter()
            .any(|x| nonempty(x).is_some())
        {
            " open"
        } else {
            ""
        },
        v(&p.entity),
        super::type_options(p.event_type.as_deref()),
        v(&p.lang),
        v(&p.from),
        v(&p.to)
    );
    let mut active = Vec::new();
    for (k, val) in [
        ("entity", &p.entity),
        ("type", &p.event_type),
        ("lang", &p.lang),
        ("from", &p.from),
        ("to", &p.to),
    ] {
        if let Some(x) = nonempty(val) {
            active.push((k, x));
        }
    }
    let blank = nonempty(&p.q).is_none() && active.is_empty();
    if blank && r.page == 1 {
        overview_html(&mut h, &c);
        h.push_str("<h2>Latest documents</h2>");
    }
    h.push_str("<div class=\"layout\"><section class=\"results\">");
    let _ = write!(
        h,
        "<p class=\"meta\" id=\"count\">{} document{} match{}.",
        r.total,
        if r.total == 1 { "" } else { "s" },
        if r.total == 1 { "es" } else { "" }
    );
    if r.pages > 1 {
        let first = (r.page - 1) * r.per_page + 1;
        let _ = write!(
            h,
            " Showing {first}–{}.",
            (first + r.hits.len()).saturating_sub(1)
        );
    }
    if blank {
        h.push_str(" The most recently published first.");
    }
    h.push_str("</p>");
    if r.hits.is_empty() {
        h.push_str("<p class=\"empty\">Nothing found.</p>");
    }
    for hit in &r.hits {
        let d = c.doc(hit.doc_id);
        let title = hit
            .title
            .clone()
            .unwrap_or_else(|| hit.source.rsplit('/').next().unwrap_or("").to_string());
        let _ = write!(
            h,
            "<div class=\"hit\"><h3><a href=\"/doc/{}\">{}</a></h3><div class=\"meta\">{} · {} · {}</div><div class=\"snippet\" dir=\"auto\">{}</div></div>",
            hit.doc_id,
            esc(&title),
            esc(hit.published.as_deref().unwrap_or("undated")),
            esc(&d.map_or_else(
                || hit.source.rsplit('/').next().unwrap_or(&hit.source).to_string(),
                crate::query::source_label
            )),
            esc(&hit.language),
            safe_snippet(&hit.snippet_html)
        );
    }
    pager(&mut h, r.page, r.pages, |n| {
        p.href_with("page", Some(&n.to_string()))
    });
    h.push_str("</section><aside class=\"facets\">");
    if !active.is_empty() {
        h.push_str("<h3>Filters</h3><ul>");
        for (k, x) in active {
            let _ = write!(
                h,
                "<li>{}: {} <a href=\"{}\">remove</a></li>",
                k,
                esc(&x),
                esc(&p.href_with(k, None))
            );
        }
        h.push_str("</ul>");
    }
    facet_list(&mut h, "Entities", &p, "entity", &r.entities);
    let types: Vec<(String, String, usize)> = r
        .event_types
        .iter()
        .map(|(t, n)| (t.clone(), t.replace('_', " "), *n))
        .collect();
    facet_list(&mut h, "Event types", &p, "type", &types);
    let langs: Vec<(String, String, usize)> = r
        .languages
        .iter()
        .map(|(l, n)| (l.clone(), l.clone(), *n))
        .collect();
    facet_list(&mut h, "Languages", &p, "lang", &langs);
    if !r.years.is_empty() {
        h.push_str("<h3>Published</h3><ul>");
        for (y, n) in &r.years {
            let mut q2 = p.clone();
            q2.from = Some(y.clone());
            let href = q2.href_with("to", Some(y));
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a><span class=\"count\">{n}</span></li>",
                esc(&href),
                esc(y)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</aside></div>");
    Ok(Html(page("Search", "Search", &h)))
}
