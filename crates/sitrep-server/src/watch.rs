//! Watchlists: saved searches kept in the store (`sitrep_store::watchlists`), each with a
//! page of its results that counts what is new since the last visit, an Atom feed of the
//! documents that match (with `ETag` and `Last-Modified`) and, optionally, a webhook URL.
//! They are created, edited and deleted through the API (bearer token) or the forms of the
//! `/watchlists` pages (the same token, typed into the form). The webhook is called by the collection engine
//! (`sitrep_collect::webhook`: `sitrep ingest`, `sitrep watch`, queue workers, and this
//! server's `POST /api/v1/ingest`) when newly stored documents match; the outcome of the last call is kept in the store and
//! shown here. Read endpoints show only the webhook's scheme, host and port, since the path
//! of a webhook URL is often a secret.

use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
pub use sitrep_store::Watchlist;
use sitrep_store::WatchlistSpec;

use crate::html::{esc, safe_snippet};
use crate::query::{run_search, SearchParams};
use crate::{authorize, constant_time_eq, AppError, AppResult, AppState};

/// A watchlist as the API shows it: the webhook reduced to its origin, and the outcome of
/// its last delivery.
#[derive(Debug, Clone, Serialize)]
pub struct WatchlistView {
    /// The watchlist (webhook redacted).
    #[serde(flatten)]
    pub watchlist: Watchlist,
    /// The last webhook delivery, when there was one.
    pub last_delivery: Option<sitrep_store::WebhookDelivery>,
    /// Matching documents stored since its results were last opened.
    pub new_since_visit: Option<usize>,
}

/// The origin of a webhook URL (`https://hooks.example.org/…`), safe to show: the path and
/// query, which often carry a secret, are left out.
pub fn redact_webhook(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("{}/…", u.origin().ascii_serialization()),
        Err(_) => "(invalid URL)".into(),
    }
}

pub use sitrep_collect::webhook::check_webhook;

/// [`check_webhook`], and, unless the server allows private webhooks, the address rules
/// that delivery applies: a webhook that names a loopback, link-local or other private
/// address is refused now rather than at its first delivery.
fn check_new_webhook(state: &AppState, url: &str) -> Result<String, String> {
    let checked = check_webhook(url)?;
    if !state.config().allow_private_webhooks {
        if let Some(host) = url::Url::parse(&checked)
            .ok()
            .and_then(|u| crate::address::non_public_host(&u))
        {
            return Err(format!(
                "webhook host {host} is a private address (loopback, link-local or local network), which delivery refuses"
            ));
        }
    }
    Ok(checked)
}

fn view(state: &AppState, w: &Watchlist) -> WatchlistView {
    let last_delivery = state.store().db().webhook_delivery(w.id).ok().flatten();
    let new_since_visit = new_count(state, w).ok();
    let mut shown = w.clone();
    shown.webhook = shown.webhook.as_deref().map(redact_webhook);
    WatchlistView {
        watchlist: shown,
        last_delivery,
        new_since_visit,
    }
}

/// The search parameters of a watchlist.
fn params(w: &Watchlist) -> SearchParams {
    SearchParams {
        q: w.q.clone(),
        entity: w.entity.clone(),
        event_type: w.event_type.clone(),
        lang: w.lang.clone(),
        ..SearchParams::default()
    }
}

/// How many matching documents were stored since the watchlist's results were last opened.
fn new_count(state: &AppState, w: &Watchlist) -> AppResult<usize> {
    let c = state.corpus()?;
    let p = params(w);
    let filters = p.filters(&c);
    Ok(state
        .store()
        .count_after(w.q.as_deref().unwrap_or(""), &filters, w.seen_upto)?)
}

/// A new watchlist, as posted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWatchlist {
    /// Name.
    pub name: String,
    /// Query text.
    #[serde(default)]
    pub q: Option<String>,
    /// Entity filter.
    #[serde(default)]
    pub entity: Option<String>,
    /// Event type filter.
    #[serde(default, rename = "type")]
    pub event_type: Option<String>,
    /// Language filter.
    #[serde(default)]
    pub lang: Option<String>,
    /// Webhook URL (http or https).
    #[serde(default)]
    pub webhook: Option<String>,
}

/// A webhook change, as posted: a URL, or `null` to remove the webhook.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookChange {
    /// The new webhook, or none.
    pub webhook: Option<String>,
}

impl NewWatchlist {
    /// Checks a new or edited watchlist (name length, event type, language, webhook) and
    /// returns what the store keeps.
    pub fn check(self, state: &AppState) -> AppResult<WatchlistSpec> {
        let name = self.name.trim().to_string();
        if name.is_empty() || name.len() > 200 {
            return Err(AppError::bad_request("name must be 1 to 200 bytes"));
        }
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let spec = WatchlistSpec {
            name,
            q: clean(self.q),
            entity: clean(self.entity),
            event_type: clean(self.event_type).map(|t| t.to_lowercase()),
            lang: clean(self.lang),
            webhook: match clean(self.webhook) {
                Some(u) => Some(check_new_webhook(state, &u).map_err(AppError::bad_request)?),
                None => None,
            },
        };
        sitrep_store::SearchFilters {
            event_type: spec.event_type.clone(),
            lang: spec.lang.clone(),
            ..Default::default()
        }
        .validate()?;
        Ok(spec)
    }
}

fn parse_id(s: &str) -> AppResult<u64> {
    s.parse()
        .map_err(|_| AppError::not_found(format!("no watchlist {s}")))
}

fn get(state: &AppState, id: u64) -> AppResult<Watchlist> {
    state
        .store()
        .watchlist(id)?
        .ok_or_else(|| AppError::not_found(format!("no watchlist {id}")))
}

/// `GET /api/v1/watchlists`.
pub async fn list(State(state): State<AppState>) -> AppResult<Json<Vec<WatchlistView>>> {
    let all = state.store().watchlists()?;
    Ok(Json(all.iter().map(|w| view(&state, w)).collect()))
}

/// `GET /api/v1/watchlists/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<WatchlistView>> {
    let w = get(&state, parse_id(&id)?)?;
    Ok(Json(view(&state, &w)))
}

/// `POST /api/v1/watchlists/{id}/webhook` (bearer token): `{"webhook": "https://..."}` sets
/// the webhook, `{"webhook": null}` removes it.
pub async fn set_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<Json<WatchlistView>> {
    authorize(&state, &headers)?;
    let id = parse_id(&id)?;
    let c: WebhookChange = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("invalid webhook change: {e}")))?;
    let hook = match c
        .webhook
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(u) => Some(check_new_webhook(&state, u).map_err(AppError::bad_request)?),
        None => None,
    };
    let w = state
        .store()
        .set_watchlist_webhook(id, hook.as_deref())?
        .ok_or_else(|| AppError::not_found(format!("no watchlist {id}")))?;
    Ok(Json(view(&state, &w)))
}

/// `POST /api/v1/watchlists` (bearer token).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    authorize(&state, &headers)?;
    let n: NewWatchlist = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("invalid watchlist: {e}")))?;
    let spec = n.check(&state)?;
    let w = state.store().add_watchlist(&spec)?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/watchlists/{}", w.id))],
        Json(view(&state, &w)),
    )
        .into_response())
}

/// `POST /api/v1/watchlists/{id}/delete` (bearer token).
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    authorize(&state, &headers)?;
    let id = parse_id(&id)?;
    if state.store().remove_watchlist(id)? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(format!("no watchlist {id}")))
    }
}

/// The fields of a watchlist form, parsed from `application/x-www-form-urlencoded`.
fn form_fields(body: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Checks the token typed into a form as [`authorize`] checks the bearer token: refused
/// on a read-only server, without a configured token, or when it differs.
fn authorize_form(state: &AppState, given: Option<&str>) -> AppResult<()> {
    let cfg = state.config();
    if cfg.read_only {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "the server is read-only",
        ));
    }
    match (cfg.token.as_deref(), given.map(str::trim)) {
        (Some(t), Some(g)) if !t.is_empty() && constant_time_eq(t.as_bytes(), g.as_bytes()) => {
            Ok(())
        }
        (None, _) => Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "changing watchlists needs a token: start the server with SITREP_TOKEN set",
        )),
        _ => Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "wrong token: type the server's SITREP_TOKEN into the form",
        )),
    }
}

fn spec_from_form(
    state: &AppState,
    f: &std::collections::HashMap<String, String>,
) -> AppResult<WatchlistSpec> {
    let get = |k: &str| f.get(k).cloned();
    NewWatchlist {
        name: get("name").unwrap_or_default(),
        q: get("q"),
        entity: get("entity"),
        event_type: get("type"),
        lang: get("lang"),
        webhook: get("webhook"),
    }
    .check(state)
}

/// The create or edit form of a watchlist.
fn form_html(action: &str, w: Option<&Watchlist>, submit: &str) -> String {
    let v = |f: fn(&Watchlist) -> Option<&str>| esc(w.and_then(f).unwrap_or(""));
    format!(
        "<form class=\"watch\" method=\"post\" action=\"{}\">\
<label>Name<input name=\"name\" required maxlength=\"200\" value=\"{}\"></label>\
<label>Words<input name=\"q\" value=\"{}\"></label>\
<label>Entity<input name=\"entity\" value=\"{}\"></label>\
<label>Event type<select name=\"type\">{}</select></label>\
<label>Language<input name=\"lang\" size=\"3\" value=\"{}\"></label>\
<label>Webhook (optional)<input name=\"webhook\" type=\"url\" placeholder=\"https://…\"></label>\
<label>Token<input name=\"token\" type=\"password\" required autocomplete=\"off\"></label>\
<button type=\"submit\">{}</button></form>",
        esc(action),
        v(|w| Some(w.name.as_str())),
        v(|w| w.q.as_deref()),
        v(|w| w.entity.as_deref()),
        crate::pages::type_options(w.and_then(|w| w.event_type.as_deref())),
        v(|w| w.lang.as_deref()),
        esc(submit)
    )
}

/// `GET /watchlists`: every watchlist with what is new since the last visit, its feed,
/// webhook origin and last delivery, and the form that creates one.
pub async fn page(State(state): State<AppState>) -> AppResult<Html<String>> {
    let all = state
        .store()
        .watchlists()
        .map_err(|e| AppError::from(e).into_html())?;
    let mut h = String::from("<h1>Watchlists</h1>");
    if all.is_empty() {
        h.push_str("<p class=\"empty\">No watchlist yet.</p>");
    } else {
        h.push_str(
            "<div class=\"scroll\"><table class=\"watchlists\"><thead><tr><th>Name</th><th>Search</th><th>New since last visit</th><th>Feed</th><th>Webhook</th><th>Last delivery</th><th></th></tr></thead><tbody>",
        );
        for w in &all {
            let v = view(&state, w);
            let search: Vec<String> = [
                ("q", &w.q),
                ("entity", &w.entity),
                ("type", &w.event_type),
                ("lang", &w.lang),
            ]
            .iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}: {}", esc(v)))
            })
            .collect();
            let hook = v
                .watchlist
                .webhook
                .as_deref()
                .map_or_else(|| "—".to_string(), esc);
            let last = match &v.last_delivery {
                None => "—".to_string(),
                Some(d) => format!(
                    "{} {} ({} matches, {})",
                    if d.ok { "delivered" } else { "failed:" },
                    esc(&d.status),
                    d.matches,
                    esc(&d.at)
                ),
            };
            let new = match v.new_since_visit {
                Some(0) => "<span class=\"count\">0</span>".to_string(),
                Some(n) => format!("<strong class=\"new\">{n} new</strong>"),
                None => "—".to_string(),
            };
            let _ = write!(
                h,
                "<tr><td><a href=\"/watchlists/{id}\">{}</a></td><td>{}</td><td>{new}</td><td><a href=\"/watch/{id}/feed.atom\">Atom</a></td><td>{hook}</td><td>{last}</td><td><a href=\"/watchlists/{id}/edit\">edit</a></td></tr>",
                esc(&w.name),
                search.join("; "),
                id = w.id
            );
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("<h2>New watchlist</h2>");
    h.push_str(&form_html("/watchlists", None, "Create"));
    h.push_str("<p class=\"meta\">Changes need the server's token (<code>SITREP_TOKEN</code>). The API does the same: <code>POST /api/v1/watchlists</code>.</p>");
    Ok(Html(crate::html::page("Watchlists", "Watchlists", &h)))
}

/// `POST /watchlists` (form with token): creates a watchlist, then shows its results.
pub async fn create_form(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = form_fields(&body);
    authorize_form(&state, f.get("token").map(String::as_str)).map_err(AppError::into_html)?;
    let spec = spec_from_form(&state, &f).map_err(AppError::into_html)?;
    let w = state
        .store()
        .add_watchlist(&spec)
        .map_err(|e| AppError::from(e).into_html())?;
    Ok(Redirect::to(&format!("/watchlists/{}", w.id)).into_response())
}

/// `GET /watchlists/{id}/edit`: the edit and delete forms.
pub async fn edit_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let w = parse_id(&id)
        .and_then(|id| get(&state, id))
        .map_err(AppError::into_html)?;
    let mut h = format!("<h1>Edit watchlist: {}</h1>", esc(&w.name));
    h.push_str(&form_html(
        &format!("/watchlists/{}/edit", w.id),
        Some(&w),
        "Save",
    ));
    if let Some(hook) = &w.webhook {
        let _ = write!(
            h,
            "<p class=\"meta\">Its webhook goes to {}; leave the field empty to remove it, or type the full URL again to keep it.</p>",
            esc(&redact_webhook(hook))
        );
    }
    let _ = write!(
        h,
        "<h2>Delete</h2><form class=\"watch\" method=\"post\" action=\"/watchlists/{}/delete\"><label>Token<input name=\"token\" type=\"password\" required autocomplete=\"off\"></label><button type=\"submit\" class=\"danger\">Delete this watchlist</button></form>",
        w.id
    );
    Ok(Html(crate::html::page("Edit watchlist", "Watchlists", &h)))
}

/// `POST /watchlists/{id}/edit` (form with token).
pub async fn edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let id = parse_id(&id).map_err(AppError::into_html)?;
    let f = form_fields(&body);
    authorize_form(&state, f.get("token").map(String::as_str)).map_err(AppError::into_html)?;
    let spec = spec_from_form(&state, &f).map_err(AppError::into_html)?;
    state
        .store()
        .update_watchlist(id, &spec)
        .map_err(|e| AppError::from(e).into_html())?
        .ok_or_else(|| AppError::not_found(format!("no watchlist {id}")).into_html())?;
    Ok(Redirect::to(&format!("/watchlists/{id}")).into_response())
}

/// `POST /watchlists/{id}/delete` (form with token).
pub async fn delete_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let id = parse_id(&id).map_err(AppError::into_html)?;
    let f = form_fields(&body);
    authorize_form(&state, f.get("token").map(String::as_str)).map_err(AppError::into_html)?;
    if !state
        .store()
        .remove_watchlist(id)
        .map_err(|e| AppError::from(e).into_html())?
    {
        return Err(AppError::not_found(format!("no watchlist {id}")).into_html());
    }
    Ok(Redirect::to("/watchlists").into_response())
}

/// Query of a watchlist's results page.
#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    /// Page number.
    pub page: Option<usize>,
}

/// `GET /watchlists/{id}`: the documents a watchlist matches, newest first in relevance
/// order of the search, those stored since the last visit marked new; opening the page
/// records the visit.
pub async fn results(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(rq): Query<ResultsQuery>,
) -> AppResult<Html<String>> {
    let w = parse_id(&id)
        .and_then(|id| get(&state, id))
        .map_err(AppError::into_html)?;
    let mut p = params(&w);
    p.page = rq.page;
    let r = run_search(&state, &p).map_err(AppError::into_html)?;
    let new = new_count(&state, &w).unwrap_or(0);
    let mut h = format!("<h1>{}</h1>", esc(&w.name));
    let _ = write!(
        h,
        "<p class=\"meta\" id=\"count\">{} document{} match; <strong class=\"new\">{new} new</strong> since {}. <a href=\"/{}\">Open as a search</a> · <a href=\"/watch/{}/feed.atom\">Atom feed</a> · <a href=\"/watchlists/{}/edit\">edit</a></p>",
        r.total,
        if r.total == 1 { "" } else { "s" },
        esc(w.last_visit.as_deref().map_or("it was created", |v| v)),
        esc(&crate::html::query(&[
            ("q", w.q.as_deref()),
            ("entity", w.entity.as_deref()),
            ("type", w.event_type.as_deref()),
            ("lang", w.lang.as_deref())
        ])),
        w.id,
        w.id
    );
    for hit in &r.hits {
        let title = hit
            .title
            .clone()
            .unwrap_or_else(|| short_source(&hit.source));
        let badge = if hit.doc_id > w.seen_upto {
            " <span class=\"tag new\">new</span>"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<div class=\"hit\"><h3><a href=\"/doc/{}\">{}</a>{badge}</h3><div class=\"meta\">{}</div><div class=\"snippet\" dir=\"auto\">{}</div></div>",
            hit.doc_id,
            esc(&title),
            esc(hit.published.as_deref().unwrap_or("undated")),
            safe_snippet(&hit.snippet_html)
        );
    }
    crate::pages::pager(&mut h, r.page, r.pages, |n| {
        format!("/watchlists/{}?page={n}", w.id)
    });
    // what was shown is no longer new
    state
        .store()
        .visit_watchlist(w.id)
        .map_err(|e| AppError::from(e).into_html())?;
    Ok(Html(crate::html::page(&w.name, "Watchlists", &h)))
}

fn strip_tags(s: &str) -> String {
    s.replace("<b>", "").replace("</b>", "")
}

/// An RFC 3339 time from a publication date (midnight UTC), else from the time the
/// document was stored, else the watchlist's creation.
fn entry_time(published: Option<&str>, ingested: Option<&str>, fallback: &str) -> String {
    if let Some(d) = published.filter(|d| d.len() >= 10) {
        if chrono::NaiveDate::parse_from_str(&d[..10], "%Y-%m-%d").is_ok() {
            return format!("{}T00:00:00Z", &d[..10]);
        }
    }
    ingested.unwrap_or(fallback).to_string()
}

/// A strong validator of a body: FNV-1a 64 of its bytes.
fn etag_of(body: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// `GET /watch/{id}/feed.atom`: the documents matching a watchlist, newest first. Each
/// entry's `updated` is its publication date, or the time it was stored when it has none;
/// the response carries `ETag` and `Last-Modified` and answers `304 Not Modified` to a
/// client that has it.
pub async fn feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let w = get(&state, parse_id(&id)?)?;
    let id = w.id;
    let mut p = params(&w);
    p.limit = Some(100);
    let mut hits = run_search(&state, &p)?.hits;
    let ids: Vec<i64> = hits.iter().map(|h| h.doc_id).collect();
    let ingested: std::collections::HashMap<i64, String> = state
        .store()
        .db()
        .ingested_at(&ids)
        .map(|v| v.into_iter().collect())
        .unwrap_or_default();
    let fallback = w.updated.clone().unwrap_or_else(|| w.created.clone());
    let time_of = |h: &sitrep_store::Hit| {
        entry_time(
            h.published.as_deref(),
            ingested.get(&h.doc_id).map(String::as_str),
            &fallback,
        )
    };
    hits.sort_by_key(|h| std::cmp::Reverse(time_of(h)));
    // Links come from the configuration: a Host header is the client's to choose.
    let base = state.config().base_url();
    let esc = |s: &str| esc(&xml_chars(s));
    // the feed changed when an entry was stored or the watchlist was edited
    let changed = ingested
        .values()
        .cloned()
        .chain(std::iter::once(fallback.clone()))
        .max()
        .unwrap_or_else(|| fallback.clone());
    let updated = hits
        .iter()
        .map(time_of)
        .max()
        .unwrap_or_else(|| fallback.clone());
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">",
    );
    let _ = write!(
        x,
        "<title>sitrep watchlist: {}</title><id>{base}/watch/{id}/feed.atom</id><updated>{}</updated><link rel=\"self\" href=\"{base}/watch/{id}/feed.atom\"/><link href=\"{base}/watchlists/{id}\"/><generator>sitrep</generator>",
        esc(&w.name),
        esc(&updated),
    );
    for h in &hits {
        let title = h.title.clone().unwrap_or_else(|| h.source.clone());
        let _ = write!(
            x,
            "<entry><title>{}</title><id>{base}/doc/{}</id><link href=\"{base}/doc/{}\"/><updated>{}</updated><author><name>{}</name></author><summary>{}</summary></entry>",
            esc(&title),
            h.doc_id,
            h.doc_id,
            esc(&time_of(h)),
            esc(&short_source(&h.source)),
            esc(&html_unescape(&strip_tags(&h.snippet_html)))
        );
    }
    x.push_str("</feed>\n");
    let etag = etag_of(x.as_bytes());
    let modified = chrono::DateTime::parse_from_rfc3339(&changed)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string()
        })
        .ok();
    let inm = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let not_modified = match inm {
        Some(tags) => tags
            .split(',')
            .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"),
        None => match (
            headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok()),
            chrono::DateTime::parse_from_rfc3339(&changed).ok(),
        ) {
            (Some(since), Some(ch)) => ch.timestamp() <= since.timestamp(),
            _ => false,
        },
    };
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            x,
        )
            .into_response()
    };
    let hd = res.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        hd.insert(header::ETAG, v);
    }
    if let Some(v) = modified.and_then(|m| header::HeaderValue::from_str(&m).ok()) {
        hd.insert(header::LAST_MODIFIED, v);
    }
    hd.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    Ok(res)
}

/// `s` without the characters XML 1.0 does not allow (control characters but tab and line
/// breaks, U+FFFE, U+FFFF): one of them in a title would make the whole feed unreadable.
fn xml_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let ok = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    if s.chars().all(ok) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().filter(|&c| ok(c)).collect())
    }
}

fn short_source(s: &str) -> String {
    s.rsplit('/').next().unwrap_or(s).to_string()
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
