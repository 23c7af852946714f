//! `POST /api/v1/ingest?name=FILE[&published=YYYY-MM-DD]`: one report, its raw bytes as
//! the request body, through the pipeline into the store. A write: a bearer token is
//! required and a read-only server refuses it. The format is sniffed from the bytes, with
//! the name's extension as a hint, exactly as `sitrep ingest` does for a file: the
//! report goes through the collection engine (`sitrep_collect::single`), and once it is
//! stored the webhooks of the watchlists that match its new documents are called
//! (`sitrep_collect::webhook`, the same sender and address rules as the command line;
//! private addresses only with [`crate::Config::allow_private_webhooks`]). Webhooks run on a
//! thread of their own after the response, so a slow receiver never holds up the client,
//! and the store is held only to read the watchlists and to record the outcomes.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use sitrep_collect::single::{self, ReportError};
use sitrep_collect::webhook;
use sitrep_collect::NoObserver;
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_store::DocOutcome;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{authorize, AppError, AppResult, AppState};

/// Largest report the endpoint takes (the rest of the API takes [`crate::MAX_BODY`]).
pub const MAX_INGEST_BODY: usize = 16 * 1024 * 1024;

/// Longest a webhook call may take when an ingest through the API fires it.
pub const WEBHOOK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Query of `POST /api/v1/ingest`.
#[derive(Debug, Deserialize)]
pub struct IngestQuery {
    /// File name of the report (its extension hints the format); the source is `api:NAME`.
    pub name: String,
    /// Publication date to anchor relative dates, when the report does not state it.
    pub published: Option<String>,
}

/// `POST /api/v1/ingest`: stores one report and indexes it at once.
pub async fn ingest(
    State(state): State<AppState>,
    Query(q): Query<IngestQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    authorize(&state, &headers)?;
    let name = q.name.trim().to_string();
    if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::bad_request(
            "name must be 1 to 200 bytes without control characters",
        ));
    }
    let published = match q.published.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(
            chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d")
                .map_err(|_| AppError::bad_request(format!("published `{p}`: use YYYY-MM-DD")))?,
        ),
    };
    if body.is_empty() {
        return Err(AppError::bad_request("empty body: send the report's bytes"));
    }
    let ext = std::path::Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let source = format!("api:{name}");
    let st = state.clone();
    let outcome =
        tokio::task::spawn_blocking(move || store_report(&st, &source, &body, &ext, published))
            .await
            .map_err(|e| {
                AppError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("ingest task: {e}"),
                )
            })??;
    let stored = outcome
        .iter()
        .any(|d| d.get("outcome").and_then(|o| o.as_str()) == Some("stored"));
    let status = if stored {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({ "source": format!("api:{}", q.name.trim()), "documents": outcome })),
    )
        .into_response())
}

/// Reads, extracts, writes and indexes one report; one JSON object per document found.
/// Webhook deliveries running on their own threads now.
static DELIVERING: AtomicUsize = AtomicUsize::new(0);
/// The most deliveries that run on their own threads at once.
const MAX_DELIVERY_THREADS: usize = 8;

/// A place among the delivery threads (`.0`: one was free), given back when dropped.
struct Delivering(bool);

impl Delivering {
    fn take() -> Delivering {
        Delivering(DELIVERING.fetch_add(1, Ordering::SeqCst) < MAX_DELIVERY_THREADS)
    }
}

impl Drop for Delivering {
    fn drop(&mut self) {
        DELIVERING.fetch_sub(1, Ordering::SeqCst);
    }
}

fn store_report(
    state: &AppState,
    source: &str,
    bytes: &[u8],
    ext: &str,
    published: Option<chrono::NaiveDate>,
) -> AppResult<Vec<serde_json::Value>> {
    let unprocessable = |e: sitrep_core::Error| {
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{source}: {e}"))
    };
    let pipeline = Pipeline::new(PipelineOptions {
        published,
        ..PipelineOptions::default()
    })
    .map_err(unprocessable)?;
    let w = single::prepare(&pipeline, source, bytes, ext).map_err(|e| match e {
        ReportError::Unreadable { error, .. } => unprocessable(error),
        ReportError::Store(e) => AppError::from(e),
    })?;
    let (out, calls) = {
        let mut store = state.store();
        let out = single::write_now(&mut store, &w).map_err(|e| match e {
            ReportError::Store(e) => AppError::from(e),
            other => AppError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
        })?;
        let calls = webhook::plan(
            &mut store,
            &single::stored_ids(&out),
            &webhook_settings(state),
            &NoObserver,
        );
        (out, calls)
    };
    state.invalidate();
    if !calls.is_empty() {
        let st = state.clone();
        let send = move || {
            let settings = webhook_settings(&st);
            let delivered = webhook::deliver(calls, &settings, &NoObserver);
            webhook::record(&mut st.store(), &delivered, &NoObserver);
        };
        // at most MAX_DELIVERY_THREADS deliveries run beside the requests; past that the
        // request that fired them waits for its own (back-pressure, nothing dropped)
        let slot = Delivering::take();
        if slot.0 {
            std::thread::spawn(move || {
                let _slot = slot;
                send();
            });
        } else {
            drop(slot);
            send();
        }
    }
    Ok(out
        .into_iter()
        .zip(&w.docs)
        .map(|(o, p)| match o {
            DocOutcome::Stored(id) => json!({
                "outcome": "stored", "id": id, "title": p.doc.meta.title,
                "language": p.doc.language, "url": format!("/doc/{id}"),
            }),
            DocOutcome::Duplicate { of, exact } => json!({
                "outcome": "duplicate", "duplicate_of": of, "exact": exact,
                "url": format!("/doc/{of}"),
            }),
        })
        .collect())
}

/// How this server calls webhooks: its own address for the links, private targets only
/// when it accepts private webhooks.
fn webhook_settings(state: &AppState) -> webhook::Settings {
    webhook::Settings {
        allow_private: state.config().allow_private_webhooks,
        timeout: WEBHOOK_TIMEOUT,
        server_url: state.config().base_url(),
    }
}

#[cfg(test)]
mod delivery_tests {
    use super::*;

    #[test]
    fn delivery_threads_are_capped_and_given_back() {
        let taken: Vec<Delivering> = (0..MAX_DELIVERY_THREADS)
            .map(|_| Delivering::take())
            .collect();
        assert!(taken.iter().all(|d| d.0), "the first places are free");
        let over = Delivering::take();
        assert!(!over.0, "past the cap the request delivers itself");
        drop(over);
        drop(taken);
        assert_eq!(DELIVERING.load(Ordering::SeqCst), 0);
        assert!(Delivering::take().0);
    }
}
