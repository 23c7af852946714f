//! `POST /api/v1/ingest?name=FILE[&published=YYYY-MM-DD]`: one report, its raw bytes as
//! the request body, through the pipeline into the store. A write: a bearer token is
//! required and a read-only server refuses it. The format is sniffed from the bytes, with
//! the name's extension as a hint, exactly as `sitrep ingest` does for a file.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_store::{DocOutcome, PreparedDoc, SourceWrite};

use crate::{authorize, AppError, AppResult, AppState};

/// Largest report the endpoint takes (the rest of the API takes [`crate::MAX_BODY`]).
pub const MAX_INGEST_BODY: usize = 16 * 1024 * 1024;

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
    let docs = pipeline
        .process_bytes(source, bytes, ext)
        .map_err(unprocessable)?;
    let prepared = docs
        .into_iter()
        .map(PreparedDoc::new)
        .collect::<Result<Vec<_>, _>>()?;
    let w = SourceWrite {
        source: source.to_string(),
        content_hash: sitrep_store::dedup::sha256_hex(bytes),
        original: bytes.to_vec(),
        docs: prepared,
    };
    let out = {
        let mut store = state.store();
        let out = store.write(&w)?;
        store.sync_index()?;
        out
    };
    state.invalidate();
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
