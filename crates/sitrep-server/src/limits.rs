//! What keeps one client from taking the server: the `Host` names it answers to (against
//! DNS rebinding), write authorisation checked before a body is read, handlers run off the
//! async threads on a bounded set of blocking threads with a time limit, and connections
//! limited in number, in the time their headers may take, and in lifetime.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::Semaphore;

use crate::{authorize, AppError, AppState};

/// Handlers running at once (each on a blocking thread); more wait in line.
pub const MAX_RUNNING: usize = 32;
/// How long a request may wait in line before `503`.
pub const QUEUE_WAIT: Duration = Duration::from_secs(10);
/// How long a request may run before `503` (its work is left to finish, its slot held).
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Limits on connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Open connections at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Time a client has to send a request's headers (idle keep-alive included).
    pub header_read_timeout: Duration,
    /// Longest a connection stays open, busy or idle.
    pub lifetime: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
            lifetime: Duration::from_secs(120),
        }
    }
}

/// Refuses a `Host` the configuration does not name (`421`). A request without one
/// (HTTP/1.0) is served.
pub(crate) async fn allowed_host(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(h) = req.headers().get(header::HOST) {
        if !h.to_str().is_ok_and(|h| state.config().host_allowed(h)) {
            return AppError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "this server does not answer to that Host name (start it with --allowed-host NAME to allow one)",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Every write (any method but GET and HEAD) is authorised from its headers before its
/// body is read. The HTML forms (`/watchlists…`) carry the token in their body, which
/// [`crate::MAX_BODY`] bounds: their handlers check it; here they are refused only when
/// no write can succeed (a read-only server, or no token configured).
pub(crate) async fn authorize_writes_first(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        if req.uri().path().starts_with("/watchlists") {
            let hopeless = {
                let cfg = state.config();
                cfg.read_only || cfg.token.as_deref().is_none_or(str::is_empty)
            };
            if hopeless {
                if let Err(e) = authorize(&state, req.headers()) {
                    return e.into_html().into_response();
                }
            }
            return next.run(req).await;
        }
        if let Err(e) = authorize(&state, req.headers()) {
            return e.into_response();
        }
    }
    next.run(req).await
}

fn slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| Arc::new(Semaphore::new(MAX_RUNNING)))
        .clone()
}

/// Runs the handler on a blocking thread (store queries and corpus loads are synchronous):
/// the async threads stay free to accept and answer, whatever the handlers do.
pub(crate) async fn offload(req: Request, next: Next) -> Response {
    let busy = |why: &str| {
        let mut r = AppError::new(StatusCode::SERVICE_UNAVAILABLE, why).into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        r
    };
    let permit = match tokio::time::timeout(QUEUE_WAIT, slots().acquire_owned()).await {
        Ok(Ok(p)) => p,
        _ => return busy("the server is busy; try again shortly"),
    };
    let handle = tokio::runtime::Handle::current();
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        handle.block_on(next.run(req))
    });
    match tokio::time::timeout(REQUEST_TIME_LIMIT, task).await {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => {
            AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "the request failed").into_response()
        }
        Err(_) => busy("the request took too long"),
    }
}

/// Serves `app` on `listener` with the default [`ConnectionLimits`] until Ctrl-C.
pub(crate) async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
) -> std::io::Result<()> {
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve_with_limits(listener, app, ConnectionLimits::default(), stop).await
}

/// Serves `app` on `listener` under `limits` until `stop` completes.
pub async fn serve_with_limits(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut stop => return Ok(()),
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            // Out of file descriptors, or a connection reset before it was taken.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let mut b = hyper::server::conn::http1::Builder::new();
            b.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let conn = b.serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            let _ = tokio::time::timeout(limits.lifetime, conn).await;
        });
    }
}
