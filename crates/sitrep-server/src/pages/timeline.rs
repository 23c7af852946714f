//! `GET /timeline`: merged events with a chart of events per period by type, filters in
//! the URL, grouped by day, a page at a time.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::Html;

use super::{chart, event_html, type_options};
use crate::brief::{self, BriefQuery};
use crate::html::{esc, page, query};
use crate::query::{
    events_over_time, filter_events, nonempty, Group, TimelineParams, TIMELINE_PAGE,
};
use crate::{AppError, AppResult, AppState};

/// `GET /timeline`: filters (type, entity, from, to, group) in the URL; a chart of the
/// matching events per week (or day, or month) by type; the events of the page under one
/// heading per day.
pub async fn timeline(
    State(state): State<AppState>,
    Query(p): Query<TimelineParams>,
) -> AppResult<Html<String>> {
    p.validate().map_err(AppError::into_html)?;
    let c = state
        .corpus_for(nonempty(&p.from).as_deref(), nonempty(&p.to).as_deref())
        .map_err(AppError::into_html)?;
    let evs = filter_events(&c, &p);
    let v = |s: &Option<String>| esc(s.as_deref().unwrap_or(""));
    let group = p.group();
    let mut h = String::new();
    h.push_str("<h1>Timeline</h1>");
    let _ = write!(
        h,
        "<form class=\"search\" method=\"get\" action=\"/timeline\"><label>Event type<select name=\"type\">{}</select></label>\
<label>Entity<input name=\"entity\" value=\"{}\"></label>\
<label>From<input name=\"from\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>To<input name=\"to\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>Chart per<select name=\"group\">",
        type_options(p.event_type.as_deref()),
        v(&p.entity),
        v(&p.from),
        v(&p.to)
    );
    for g in [Group::Day, Group::Week, Group::Month] {
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{}</option>",
            g.as_str(),
            if g == group { " selected" } else { "" },
            g.as_str()
        );
    }
    h.push_str("</select></label><button type=\"submit\">Filter</button></form>");
    let _ = write!(
        h,
        "<p class=\"meta\" id=\"count\">{} of {} merged events{}. Credibility grades follow the Admiralty scale: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged. <a href=\"{}\">Brief of these dates</a></p>",
        evs.len(),
        c.timeline.events.len(),
        if c.partial {
            format!(
                ", from the {} most recent documents{} (of {} stored; give a date range to look further back)",
                c.docs.len(),
                if nonempty(&p.from).is_some() || nonempty(&p.to).is_some() {
                    " in these dates"
                } else {
                    ""
                },
                c.count
            )
        } else {
            String::new()
        },
        esc(&brief::href(&BriefQuery {
            q: None,
            from: nonempty(&p.from),
            to: nonempty(&p.to)
        }))
    );
    let link = |extra: &[(&str, Option<&str>)]| {
        let mut pairs: Vec<(&str, Option<&str>)> = vec![
            ("type", p.event_type.as_deref()),
            ("entity", p.entity.as_deref()),
        ];
        pairs.extend_from_slice(extra);
        format!("/timeline{}", query(&pairs))
    };
    let series = events_over_time(&evs, group);
    h.push_str(&chart::series_chart(&series, |from, to| {
        link(&[
            ("from", Some(from)),
            ("to", Some(to)),
            (
                "group",
                Some(if series.group == Group::Month {
                    "week"
                } else {
                    "day"
                }),
            ),
        ])
    }));
    if evs.is_empty() {
        h.push_str("<p class=\"empty\">No event matches.</p>");
    }
    let pages = evs.len().div_ceil(TIMELINE_PAGE).max(1);
    let pg = p.page.unwrap_or(1).clamp(1, pages);
    let mut day: Option<&str> = None;
    for ev in evs
        .iter()
        .skip((pg - 1) * TIMELINE_PAGE)
        .take(TIMELINE_PAGE)
    {
        let d = ev.date.as_deref().unwrap_or("undated");
        if day != Some(d) {
            if day.is_some() {
                h.push_str("</section>");
            }
            let _ = write!(
                h,
                "<section class=\"day\"><h2 class=\"day\">{}</h2>",
                esc(d)
            );
            day = Some(d);
        }
        h.push_str(&event_html(&c, ev));
    }
    if day.is_some() {
        h.push_str("</section>");
    }
    super::search::pager(&mut h, pg, pages, |n| {
        let n = n.to_string();
        link(&[
            ("from", p.from.as_deref()),
            ("to", p.to.as_deref()),
            ("group", nonempty(&p.group).as_deref()),
            ("page", Some(&n)),
        ])
    });
    Ok(Html(page("Timeline", "Timeline", &h)))
}
