//! Watchlists: saved searches kept in `watchlists.json` in the data folder (in memory for
//! a store without one), each with an Atom feed of the documents that match and, optionally,
//! a webhook URL. The webhook is called by the collectors (`sitrep ingest`, `sitrep watch`)
//! when newly stored documents match; the outcome of the last call is kept in the store and
//! shown here. Read endpoints show only the webhook's scheme, host and port, since the path
//! of a webhook URL is often a secret.

use std::fmt::Write;
use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::html::esc;
use crate::pages::{run_search, SearchParams};
use crate::{authorize, AppError, AppResult, AppState};

/// A saved search.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Watchlist {
    /// Id.
    pub id: u64,
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
    /// When it was created (RFC 3339).
    pub created: String,
    /// URL that receives a JSON POST when newly ingested documents match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
}

/// A watchlist as the API shows it: the webhook reduced to its origin, and the outcome of
/// its last delivery.
#[derive(Debug, Clone, Serialize)]
pub struct WatchlistView {
    /// The watchlist (webhook redacted).
    #[serde(flatten)]
    pub watchlist: Watchlist,
    /// The last webhook delivery, when there was one.
    pub last_delivery: Option<sitrep_store::WebhookDelivery>,
}

/// The origin of a webhook URL (`https://hooks.example.org/…`), safe to show: the path and
/// query, which often carry a secret, are left out.
pub fn redact_webhook(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("{}/…", u.origin().ascii_serialization()),
        Err(_) => "(invalid URL)".into(),
    }
}

/// Checks a webhook URL: absolute http(s) with a host, no user name or password, at most
/// 2,048 bytes. Whether its address may be reached is decided when it is called.
pub fn check_webhook(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.len() > 2048 {
        return Err("webhook URL longer than 2048 bytes".into());
    }
    let u = url::Url::parse(url).map_err(|e| format!("webhook `{url}` is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!(
            "webhook must be an http(s) URL, not `{}:`",
            u.scheme()
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("webhook URL has no host".into());
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("webhook URL must not carry a user name or password".into());
    }
    Ok(u.to_string())
}

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
    let mut shown = w.clone();
    shown.webhook = shown.webhook.as_deref().map(redact_webhook);
    WatchlistView {
        watchlist: shown,
        last_delivery,
    }
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

/// All watchlists and where they are saved.
#[derive(Debug, Default)]
pub struct Watchlists {
    path: Option<PathBuf>,
    items: Vec<Watchlist>,
}

impl Watchlists {
    /// Loads the watchlists saved at `path` (none when the file is missing or unreadable).
    pub fn load(path: Option<PathBuf>) -> Self {
        let items = path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        Watchlists { path, items }
    }

    fn save(&self) -> std::io::Result<()> {
        if let Some(p) = &self.path {
            let tmp = p.with_extension("json.tmp");
            let json = serde_json::to_string_pretty(&self.items).map_err(std::io::Error::other)?;
            std::fs::write(&tmp, json)?;
            std::fs::rename(&tmp, p)?;
        }
        Ok(())
    }

    /// Every watchlist.
    pub fn all(&self) -> &[Watchlist] {
        &self.items
    }

    /// One watchlist.
    pub fn get(&self, id: u64) -> Option<&Watchlist> {
        self.items.iter().find(|w| w.id == id)
    }

    /// Adds a watchlist and saves.
    pub fn add(&mut self, n: NewWatchlist) -> std::io::Result<Watchlist> {
        let id = self.items.iter().map(|w| w.id).max().unwrap_or(0) + 1;
        let w = Watchlist {
            id,
            name: n.name,
            q: n.q,
            entity: n.entity,
            event_type: n.event_type,
            lang: n.lang,
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            webhook: n.webhook,
        };
        self.items.push(w.clone());
        self.save()?;
        Ok(w)
    }

    /// Sets or removes the webhook of a watchlist and saves; `None` when there is no such
    /// watchlist.
    pub fn set_webhook(
        &mut self,
        id: u64,
        webhook: Option<String>,
    ) -> std::io::Result<Option<Watchlist>> {
        let Some(w) = self.items.iter_mut().find(|w| w.id == id) else {
            return Ok(None);
        };
        w.webhook = webhook;
        let w = w.clone();
        self.save()?;
        Ok(Some(w))
    }

    /// Removes a watchlist and saves; false when there was none.
    pub fn remove(&mut self, id: u64) -> std::io::Result<bool> {
        let before = self.items.len();
        self.items.retain(|w| w.id != id);
        let removed = self.items.len() != before;
        if removed {
            self.save()?;
        }
        Ok(removed)
    }
}

fn parse_id(s: &str) -> AppResult<u64> {
    s.parse()
        .map_err(|_| AppError::not_found(format!("no watchlist {s}")))
}

/// `GET /api/v1/watchlists`.
pub async fn list(State(state): State<AppState>) -> Json<Vec<WatchlistView>> {
    let all = state.watchlists().all().to_vec();
    Json(all.iter().map(|w| view(&state, w)).collect())
}

/// `GET /api/v1/watchlists/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<WatchlistView>> {
    let id = parse_id(&id)?;
    let w = state
        .watchlists()
        .get(id)
        .cloned()
        .ok_or_else(|| AppError::not_found(format!("no watchlist {id}")))?;
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
        .watchlists()
        .set_webhook(id, hook)
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
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
    let mut n: NewWatchlist = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("invalid watchlist: {e}")))?;
    n.webhook = match n
        .webhook
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(u) => Some(check_new_webhook(&state, u).map_err(AppError::bad_request)?),
        None => None,
    };
    if n.name.trim().is_empty() || n.name.len() > 200 {
        return Err(AppError::bad_request("name must be 1 to 200 bytes"));
    }
    if let Some(t) = n.event_type.as_deref().filter(|t| !t.is_empty()) {
        if sitrep_core::document::EventType::parse(t).is_none() {
            return Err(AppError::bad_request(format!("unknown event type `{t}`")));
        }
    }
    let w = state
        .watchlists()
        .add(n)
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
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
    let removed = state
        .watchlists()
        .remove(id)
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(format!("no watchlist {id}")))
    }
}

/// `GET /watchlists`: every watchlist with its Atom feed, webhook origin and last delivery.
pub async fn page(State(state): State<AppState>) -> axum::response::Html<String> {
    let all = state.watchlists().all().to_vec();
    let mut h = String::from("<h1>Watchlists</h1>");
    if all.is_empty() {
        h.push_str(
            "<p>No watchlist yet: create one with <code>POST /api/v1/watchlists</code>.</p>",
        );
    } else {
        h.push_str(
            "<table><thead><tr><th>Name</th><th>Search</th><th>Feed</th><th>Webhook</th><th>Last delivery</th></tr></thead><tbody>",
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
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td><a href=\"/watch/{}/feed.atom\">Atom</a></td><td>{hook}</td><td>{last}</td></tr>",
                esc(&w.name),
                search.join("; "),
                w.id
            );
        }
        h.push_str("</tbody></table>");
    }
    axum::response::Html(crate::html::page("Watchlists", "", &h))
}

fn strip_tags(s: &str) -> String {
    s.replace("<b>", "").replace("</b>", "")
}

fn rfc3339_day(d: Option<&str>) -> String {
    match d.filter(|d| d.len() >= 10) {
        Some(d) => format!("{}T00:00:00Z", &d[..10]),
        None => "1970-01-01T00:00:00Z".into(),
    }
}

/// `GET /watch/{id}/feed.atom`: the documents matching a watchlist, newest first.
pub async fn feed(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let w = state
        .watchlists()
        .get(id)
        .cloned()
        .ok_or_else(|| AppError::not_found(format!("no watchlist {id}")))?;
    let p = SearchParams {
        q: w.q.clone(),
        entity: w.entity.clone(),
        event_type: w.event_type.clone(),
        lang: w.lang.clone(),
        from: None,
        to: None,
        limit: Some(100),
    };
    let mut hits = run_search(&state, &p)?.hits;
    hits.sort_by(|a, b| b.published.cmp(&a.published));
    // Links come from the configuration: a Host header is the client's to choose.
    let base = state.config().base_url();
    let esc = |s: &str| esc(&xml_chars(s));
    let updated = hits
        .iter()
        .filter_map(|h| h.published.as_deref())
        .max()
        .map_or_else(|| w.created.clone(), |d| rfc3339_day(Some(d)));
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">",
    );
    let _ = write!(
        x,
        "<title>sitrep watchlist: {}</title><id>{base}/watch/{id}/feed.atom</id><updated>{}</updated><link rel=\"self\" href=\"{base}/watch/{id}/feed.atom\"/><link href=\"{base}/{}\"/><generator>sitrep</generator>",
        esc(&w.name),
        esc(&updated),
        esc(&crate::html::query(&[
            ("q", w.q.as_deref()),
            ("entity", w.entity.as_deref()),
            ("type", w.event_type.as_deref()),
            ("lang", w.lang.as_deref())
        ]))
    );
    for h in &hits {
        let title = h.title.clone().unwrap_or_else(|| h.source.clone());
        let _ = write!(
            x,
            "<entry><title>{}</title><id>{base}/doc/{}</id><link href=\"{base}/doc/{}\"/><updated>{}</updated><author><name>{}</name></author><summary>{}</summary></entry>",
            esc(&title),
            h.doc_id,
            h.doc_id,
            esc(&rfc3339_day(h.published.as_deref())),
            esc(&short_source(&h.source)),
            esc(&html_unescape(&strip_tags(&h.snippet_html)))
        );
    }
    x.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        x,
    )
        .into_response())
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
