//! sitrep-server: disseminate what the store holds.
//!
//! Server-rendered HTML pages (search, document, entity, timeline, map, brief), a JSON API
//! under `/api/v1/`, Atom feeds of watchlists, and exports (JSON, CSV, GeoJSON, STIX 2.1,
//! briefs). Search and documents come from the [`Store`] and its index; timeline, map and
//! brief from the most recent documents held in memory ([`corpus::Corpus`], a window of
//! [`corpus::DEFAULT_WINDOW`] by default), rebuilt when the number of stored documents
//! changes.

pub mod acled;
pub mod api;
pub mod brief;
pub mod corpus;
pub mod export;
pub mod html;
pub mod ingest;
pub mod limits;
pub mod map;
pub mod pages;
pub mod query;
pub mod timeline;
pub mod watch;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sitrep_store::Store;

pub use corpus::Corpus;
/// The private-address rules shared with the collectors (`sitrep_collect::address`).
pub use sitrep_collect::address;

/// Largest request body accepted, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// The Content-Security-Policy of every response.
pub const CSP: &str =
    "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

/// Server settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Bearer token that write endpoints require; with none, writes are refused.
    pub token: Option<String>,
    /// Refuse every write.
    pub read_only: bool,
    /// How many of the most recent documents the timeline, map and brief cover
    /// (`None`: [`corpus::DEFAULT_WINDOW`]); date-range filters load their own window.
    pub window: Option<usize>,
    /// Host names (without port) the `Host` header may carry; empty: the loopback names
    /// (`localhost`, `127.0.0.1`, `[::1]`). A page on another name that resolves to this
    /// server (DNS rebinding) gets `421` and reads nothing.
    pub allowed_hosts: Vec<String>,
    /// The server's own address for the links it writes (Atom feeds, webhook payloads), e.g.
    /// `http://127.0.0.1:8080`; never taken from the request.
    pub public_url: Option<String>,
    /// Accept webhooks that name a private address (loopback, link-local...) when a
    /// watchlist is made, and deliver to them after an ingest through the API; otherwise
    /// they are refused then, as they would be at delivery.
    pub allow_private_webhooks: bool,
}

impl Config {
    /// The base of the links the server writes, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| "http://localhost".to_string())
    }

    /// True when `host` (a `Host` header, port included or not) is allowed.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = if host.starts_with('[') {
            host.split_once(']')
                .map_or(host.as_str(), |(h, _)| h)
                .trim_start_matches('[')
        } else {
            host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h)
        };
        let name = name.trim_end_matches('.');
        if self.allowed_hosts.is_empty() {
            return matches!(name, "localhost" | "127.0.0.1" | "::1");
        }
        self.allowed_hosts.iter().any(|a| {
            let a = a
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase();
            a == "*" || a == name
        })
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// A corpus of a date range: ((from, to), corpus).
type RangedCorpus = ((String, String), Arc<Corpus>);

struct Inner {
    store: Mutex<Store>,
    corpus: Mutex<Option<Arc<Corpus>>>,
    /// Corpora of date ranges asked for lately: (from, to) -> corpus.
    ranged: Mutex<Vec<RangedCorpus>>,
    /// Held while a date range's corpus loads: one load at a time, and the requests for
    /// the same range wait for it instead of loading it again each.
    loading: Mutex<()>,
    config: Config,
}

impl AppState {
    /// State over a store (watchlists are kept in the store).
    pub fn new(store: Store, config: Config) -> Self {
        AppState {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                corpus: Mutex::new(None),
                ranged: Mutex::new(Vec::new()),
                loading: Mutex::new(()),
                config,
            }),
        }
    }

    /// The store, locked.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.inner.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The number of documents the server keeps in memory for timeline, map and brief.
    pub fn window(&self) -> usize {
        self.inner
            .config
            .window
            .unwrap_or(corpus::DEFAULT_WINDOW)
            .max(1)
    }

    /// The corpus of the most recent documents (documents and timeline), rebuilt when the
    /// document count changed, at most every [`REFRESH`] (an ingest running beside the
    /// server changes the count with every batch); [`AppState::invalidate`] forces it.
    pub fn corpus(&self) -> Result<Arc<Corpus>, AppError> {
        let mut slot = self.inner.corpus.lock().unwrap_or_else(|e| e.into_inner());
        {
            let store = self.store();
            let n = store.document_count()?;
            if let Some(c) = slot.as_ref() {
                if c.count == n || c.loaded_at.elapsed() < REFRESH {
                    return Ok(c.clone());
                }
            }
            let _ = store.index().reload();
        }
        let window = self.window();
        let c = Arc::new(self.load(|s| Corpus::load_recent(s, window, None, None))?);
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Forgets the corpora in memory: the next page rebuilds them (after a write through
    /// the server).
    pub fn invalidate(&self) {
        *self.inner.corpus.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.inner
            .ranged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Runs a corpus load on a reader of its own when the store lives in a folder, so that
    /// pages that only need the store (search, documents) are not held up meanwhile.
    fn load(
        &self,
        f: impl FnOnce(&Store) -> sitrep_store::Result<Corpus>,
    ) -> Result<Corpus, AppError> {
        let dir = self.store().dir().map(std::path::Path::to_path_buf);
        match dir.map(|d| Store::open_reader(&d)) {
            Some(Ok(own)) => Ok(f(&own)?),
            _ => Ok(f(&self.store())?),
        }
    }

    /// The corpus a date range asks for: the recent window when it holds every document
    /// or no range is given, else the most recent documents published within the range
    /// (the last few ranges are kept).
    pub fn corpus_for(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Arc<Corpus>, AppError> {
        let c = self.corpus()?;
        let from = from.map(str::trim).filter(|s| !s.is_empty());
        let to = to.map(str::trim).filter(|s| !s.is_empty());
        if !c.partial || (from.is_none() && to.is_none()) {
            return Ok(c);
        }
        let key = (from.unwrap_or("").to_string(), to.unwrap_or("").to_string());
        let cached = || {
            let cache = self.inner.ranged.lock().unwrap_or_else(|e| e.into_inner());
            // a range corpus is good while it is not older than the recent window
            cache
                .iter()
                .find(|(k, r)| *k == key && r.loaded_at >= c.loaded_at)
                .map(|(_, r)| r.clone())
        };
        if let Some(r) = cached() {
            return Ok(r);
        }
        let _one_at_a_time = self.inner.loading.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = cached() {
            return Ok(r);
        }
        let window = self.window();
        let r = Arc::new(self.load(|s| Corpus::load_recent(s, window, from, to))?);
        let mut cache = self.inner.ranged.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(k, x)| *k != key && x.loaded_at >= c.loaded_at);
        cache.insert(0, (key, r.clone()));
        cache.truncate(4);
        Ok(r)
    }
}

/// How long the corpus in memory may lag behind a store that keeps changing.
pub const REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

/// An error as a response: JSON `{"error": ...}` for the API, a small page for HTML.
#[derive(Debug)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Message shown to the client.
    pub message: String,
    /// Render as an HTML page rather than JSON.
    pub html: bool,
}

impl AppError {
    /// A JSON error.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            message: message.into(),
            html: false,
        }
    }
    /// 404.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }
    /// 400.
    pub fn bad_request(what: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, what)
    }
    /// The same error, rendered as HTML.
    pub fn into_html(mut self) -> Self {
        self.html = true;
        self
    }
}

impl From<sitrep_store::Error> for AppError {
    fn from(e: sitrep_store::Error) -> Self {
        match e {
            sitrep_store::Error::Invalid(m) => AppError::bad_request(m),
            e @ sitrep_store::Error::NoStore(_) => AppError::not_found(e.to_string()),
            e => AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.html {
            let body = format!(
                "<h1>{} {}</h1><p>{}</p><p><a href=\"/\">Back to search</a></p>",
                self.status.as_u16(),
                html::esc(self.status.canonical_reason().unwrap_or("")),
                html::esc(&self.message)
            );
            (self.status, Html(html::page("Error", "", &body))).into_response()
        } else {
            (
                self.status,
                Json(serde_json::json!({ "error": self.message })),
            )
                .into_response()
        }
    }
}

/// Handler result.
pub type AppResult<T> = Result<T, AppError>;

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

/// Checks that a write is allowed: not read-only, and the bearer token matches.
pub fn authorize(state: &AppState, headers: &HeaderMap) -> AppResult<()> {
    let cfg = state.config();
    if cfg.read_only {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "the server is read-only",
        ));
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match (cfg.token.as_deref(), given) {
        (Some(t), Some(g)) if !t.is_empty() && constant_time_eq(t.as_bytes(), g.as_bytes()) => {
            Ok(())
        }
        (None, _) => Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "writes need a token: start the server with SITREP_TOKEN set",
        )),
        _ => Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        )),
    }
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler that sets its own policy (the standalone brief export) keeps it.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        html::CSS,
    )
        .into_response()
}

async fn not_found(req: Request) -> AppError {
    let e = AppError::not_found(format!("no such page: {}", req.uri().path()));
    if req.uri().path().starts_with("/api/") {
        e
    } else {
        e.into_html()
    }
}

/// The application: every page and endpoint.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::search))
        .route("/doc/{id}", get(pages::document))
        .route("/entity/{key}", get(pages::entity))
        .route("/timeline", get(pages::timeline))
        .route("/map", get(pages::map))
        .route("/brief", get(pages::brief))
        .route("/watchlists", get(watch::page).post(watch::create_form))
        .route("/watchlists/{id}", get(watch::results))
        .route(
            "/watchlists/{id}/edit",
            get(watch::edit_page).post(watch::edit_form),
        )
        .route("/watchlists/{id}/delete", post(watch::delete_form))
        .route("/watch/{id}/feed.atom", get(watch::feed))
        .route("/static/style.css", get(style))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/documents/{id}", get(api::document))
        .route("/api/v1/entities", get(api::entities))
        .route("/api/v1/entities/{key}", get(api::entity))
        .route("/api/v1/timeline", get(api::timeline))
        .route("/api/v1/brief", get(api::brief))
        .route("/api/v1/map", get(api::map))
        .route("/api/v1/export/{format}", get(api::export))
        .route(
            "/api/v1/ingest",
            post(ingest::ingest).layer(DefaultBodyLimit::max(ingest::MAX_INGEST_BODY)),
        )
        .route("/api/v1/watchlists", get(watch::list).post(watch::create))
        .route("/api/v1/watchlists/{id}", get(watch::get_one))
        .route("/api/v1/watchlists/{id}/delete", post(watch::delete))
        .route("/api/v1/watchlists/{id}/webhook", post(watch::set_webhook))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::authorize_writes_first,
        ))
        .layer(middleware::from_fn(limits::offload))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::allowed_host,
        ))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves the application on `addr` until Ctrl-C.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state).await
}

/// Serves the application on a bound listener until Ctrl-C, with the connection limits
/// of [`limits::serve_connections`].
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    limits::serve_connections(listener, router(state)).await
}
