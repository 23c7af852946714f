//! `GET /brief`: the SITREP of a topic and date range, with its downloads.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::Html;

use crate::brief::{self as briefmod, BriefQuery};
use crate::html::{esc, page, query};
use crate::{AppError, AppResult, AppState};

/// `GET /brief`.
pub async fn brief(
    State(state): State<AppState>,
    Query(q): Query<BriefQuery>,
) -> AppResult<Html<String>> {
    let c = state
        .corpus_for(q.from.as_deref(), q.to.as_deref())
        .map_err(AppError::into_html)?;
    let b = briefmod::build(&c, &q);
    let v = |s: &Option<String>| esc(s.as_deref().unwrap_or(""));
    let mut h = format!(
        "<form class=\"search\" method=\"get\" action=\"/brief\"><label>Topic<input name=\"q\" value=\"{}\" placeholder=\"Timbuktu, coup…\"></label>\
<label>From<input name=\"from\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<label>To<input name=\"to\" value=\"{}\" size=\"10\" placeholder=\"YYYY-MM-DD\"></label>\
<button type=\"submit\">Write brief</button></form>",
        v(&q.q),
        v(&q.from),
        v(&q.to)
    );
    h.push_str(&briefmod::to_html(&b));
    let qs = query(&[
        ("q", q.q.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
    ]);
    let _ = write!(
        h,
        "<p class=\"meta\">Download: <a href=\"/api/v1/export/brief-md{}\">Markdown</a> · <a href=\"/api/v1/export/brief-html{}\">HTML</a> · <a href=\"/api/v1/brief{}\">JSON</a></p>",
        esc(&qs),
        esc(&qs),
        esc(&qs)
    );
    Ok(Html(page(&b.title, "Brief", &h)))
}
