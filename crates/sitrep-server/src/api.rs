//! The JSON API under `/api/v1/`: the data of every page, exports, and the OpenAPI document.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

use crate::brief::{self, BriefQuery};
use crate::export;
use crate::map::MapData;
use crate::query::{self, run_search, SearchParams, SearchResult, TimelineParams};
use crate::timeline::{CorpusEntity, MergedEvent};
use crate::{AppError, AppResult, AppState};

/// `GET /api/v1/search`.
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> AppResult<Json<SearchResult>> {
    Ok(Json(run_search(&state, &p)?))
}

/// A document with its store id and sources.
#[derive(Serialize)]
pub struct DocumentOut {
    /// Store id.
    pub id: i64,
    /// Every source it was seen at.
    pub sources: Vec<String>,
    /// The extracted document.
    pub document: sitrep_core::Document,
    /// Merged events it reports (ids).
    pub events: Vec<String>,
}

/// `GET /api/v1/documents/{id}`.
pub async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<DocumentOut>> {
    let c = state.corpus()?;
    let f = query::find_doc(&state, &c, &id, false)?;
    let events = c
        .events_of_doc(&f.doc.source)
        .map(|e| e.id.clone())
        .collect();
    Ok(Json(DocumentOut {
        id: f.id,
        sources: f.sources,
        document: f.doc,
        events,
    }))
}

/// `GET /api/v1/entities`: every entity.
pub async fn entities(State(state): State<AppState>) -> AppResult<Json<Vec<CorpusEntity>>> {
    Ok(Json(state.corpus()?.timeline.entities.clone()))
}

/// An entity with what its page shows.
#[derive(Serialize)]
pub struct EntityOut {
    /// The entity.
    pub entity: CorpusEntity,
    /// Mentions per month of publication (or documents per month across the store when
    /// the server holds only recent documents: see `unit`).
    pub mentions_by_month: Vec<(String, usize)>,
    /// What `mentions_by_month` counts: `mentions` or `documents`.
    pub unit: &'static str,
    /// Documents mentioning it across the whole store, when the server holds only recent
    /// documents (the entity's own counts cover those).
    pub documents_in_store: Option<u64>,
    /// Co-occurring entities: key, name, shared documents.
    pub cooccurring: Vec<(String, String, usize)>,
    /// Its events (at most 1,000; see `events_total`).
    pub events: Vec<MergedEvent>,
    /// How many merged events it takes part in.
    pub events_total: usize,
}

/// `GET /api/v1/entities/{key}`.
pub async fn entity(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> AppResult<Json<EntityOut>> {
    let c = state.corpus()?;
    let (e, documents_in_store) = query::find_entity(&state, &c, &key)?;
    let (series, unit) = query::entity_over_time(&state, &c, &e);
    Ok(Json(EntityOut {
        mentions_by_month: series,
        unit,
        documents_in_store,
        cooccurring: query::cooccurring(&c, &e.key),
        events_total: c.events_of(&e.key).count(),
        events: c
            .events_of(&e.key)
            .take(query::TIMELINE_API_LIMIT)
            .cloned()
            .collect(),
        entity: e,
    }))
}

/// `GET /api/v1/timeline`.
pub async fn timeline(
    State(state): State<AppState>,
    Query(p): Query<TimelineParams>,
) -> AppResult<Json<Value>> {
    p.validate()?;
    let c = state.corpus_for(p.from.as_deref(), p.to.as_deref())?;
    let evs: Vec<&MergedEvent> = query::filter_events(&c, &p);
    let offset = p.offset.unwrap_or(0);
    let limit = p
        .limit
        .unwrap_or(query::TIMELINE_API_LIMIT)
        .min(query::TIMELINE_API_LIMIT);
    let page: Vec<&MergedEvent> = evs.iter().skip(offset).take(limit).copied().collect();
    Ok(Json(json!({
        "total": c.timeline.events.len(),
        "matching": evs.len(),
        "offset": offset,
        "documents": c.docs.len(),
        "documents_in_store": c.count,
        "events": page
    })))
}

/// `GET /api/v1/brief`.
pub async fn brief(
    State(state): State<AppState>,
    Query(q): Query<BriefQuery>,
) -> AppResult<Json<brief::Brief>> {
    let c = state.corpus_for(q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(brief::build(&c, &q)))
}

/// `GET /api/v1/map`.
pub async fn map(State(state): State<AppState>) -> AppResult<Json<MapData>> {
    let c = state.corpus()?;
    Ok(Json(c.map_data().clone()))
}

/// `GET /api/v1/export/{format}`.
pub async fn export(
    State(state): State<AppState>,
    Path(format): Path<String>,
    Query(q): Query<BriefQuery>,
) -> AppResult<Response> {
    let c = state.corpus_for(q.from.as_deref(), q.to.as_deref())?;
    let e = export::render(&c, &format, &q).map_err(AppError::not_found)?;
    let standalone = format == "brief-html";
    let disposition = if standalone {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"{}\"", e.filename)
    };
    let mut res = (
        [
            (header::CONTENT_TYPE, e.content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        e.body,
    )
        .into_response();
    if standalone {
        if let Ok(v) = header::HeaderValue::from_str(&crate::brief::standalone_csp()) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    Ok(res)
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The hand-written OpenAPI 3 description of the API.
pub const OPENAPI: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "sitrep API", "version": "1.0.0",
    "description": "Read the documents, entities, merged events, briefs and map data of a sitrep store. Write endpoints need `Authorization: Bearer <token>` (SITREP_TOKEN). Errors are `{\"error\": \"...\"}`."},
  "servers": [{"url": "/api/v1"}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
      "Watchlist": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "q": {"type": "string", "nullable": true}, "entity": {"type": "string", "nullable": true}, "type": {"type": "string", "nullable": true}, "lang": {"type": "string", "nullable": true}, "created": {"type": "string", "format": "date-time"}, "updated": {"type": "string", "format": "date-time", "nullable": true}, "last_visit": {"type": "string", "format": "date-time", "nullable": true, "description": "When its results page was last opened"}, "seen_upto": {"type": "integer", "description": "Highest document id stored at the last visit"}, "new_since_visit": {"type": "integer", "nullable": true, "description": "Matching documents stored since the last visit"}, "webhook": {"type": "string", "description": "Origin of the webhook (`https://host/…`); the full URL is never shown"}, "last_delivery": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/WebhookDelivery"}]}}},
      "WebhookDelivery": {"type": "object", "description": "Outcome of the last webhook POST, made by `sitrep ingest` or `sitrep watch` when newly stored documents matched", "properties": {"watchlist_id": {"type": "integer"}, "target": {"type": "string", "description": "Origin the POST went to"}, "ok": {"type": "boolean"}, "status": {"type": "string", "description": "`HTTP 204`, or why it was not delivered"}, "matches": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}},
      "NewWatchlist": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {"name": {"type": "string"}, "q": {"type": "string"}, "entity": {"type": "string"}, "type": {"type": "string"}, "lang": {"type": "string"}, "webhook": {"type": "string", "format": "uri", "description": "http(s) URL that receives a JSON POST when newly ingested documents match (private and loopback addresses only with --allow-private)"}}},
      "WebhookChange": {"type": "object", "required": ["webhook"], "additionalProperties": false, "properties": {"webhook": {"type": "string", "format": "uri", "nullable": true, "description": "New webhook URL, or null to remove it"}}}
    },
    "parameters": {
      "q": {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Query text"},
      "entity": {"name": "entity", "in": "query", "schema": {"type": "string"}, "description": "Entity key, name or alias"},
      "type": {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["resolution", "deployment", "combat", "violence_against_civilians", "coup", "leadership_change", "election", "negotiation", "declaration", "sanction", "aid", "displacement", "other"]}},
      "lang": {"name": "lang", "in": "query", "schema": {"type": "string"}, "description": "ISO 639-1 code"},
      "from": {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
      "to": {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "YYYY, YYYY-MM or YYYY-MM-DD"}
    },
    "responses": {
      "NotFound": {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "BadRequest": {"description": "Bad request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "Missing or wrong token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }
  },
  "paths": {
    "/search": {"get": {"summary": "Full-text search with facets", "parameters": [{"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/entity"}, {"$ref": "#/components/parameters/type"}, {"$ref": "#/components/parameters/lang"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}, "description": "Results per page (default 20)"}, {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "Page number"}],
      "responses": {"200": {"description": "One page of hits (snippet_html is escaped text with <b> marks, the headline left out), total, page, pages, and facet counts over every match; no query lists the most recently published first", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}}},
    "/documents/{id}": {"get": {"summary": "One document: metadata, cleaned text, entities, dates, events", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "The document", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/NotFound"}}}},
    "/entities": {"get": {"summary": "Every entity across the corpus", "responses": {"200": {"description": "Entities", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}}},
    "/entities/{key}": {"get": {"summary": "One entity: mentions per month, co-occurring entities, events", "parameters": [{"name": "key", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Entity key, name or alias"}],
      "responses": {"200": {"description": "The entity", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/NotFound"}}}},
    "/timeline": {"get": {"summary": "Merged events with sources, corroboration, credibility and disputes", "parameters": [{"$ref": "#/components/parameters/type"}, {"$ref": "#/components/parameters/entity"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}],
      "responses": {"200": {"description": "Events", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}}},
    "/brief": {"get": {"summary": "A SITREP: developments with citations, actors, disputes, sources", "parameters": [{"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}],
      "responses": {"200": {"description": "The brief", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/map": {"get": {"summary": "Geocoded places and events", "responses": {"200": {"description": "Places and events", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/export/{format}": {"get": {"summary": "Export the corpus", "parameters": [{"name": "format", "in": "path", "required": true, "schema": {"type": "string", "enum": ["json", "csv", "geojson", "stix", "brief-md", "brief-html"]}}, {"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}],
      "responses": {"200": {"description": "The export (JSON, ACLED-style CSV, GeoJSON, STIX 2.1 bundle, Markdown or HTML brief)"}, "404": {"$ref": "#/components/responses/NotFound"}}}},
    "/watchlists": {
      "get": {"summary": "Every watchlist", "responses": {"200": {"description": "Watchlists", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Watchlist"}}}}}}},
      "post": {"summary": "Create a watchlist (its Atom feed is /watch/{id}/feed.atom)", "security": [{"bearer": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewWatchlist"}}}},
        "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Watchlist"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"description": "Read-only server"}, "413": {"description": "Body too large"}}}},
    "/watchlists/{id}": {"get": {"summary": "One watchlist, with its last webhook delivery", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "The watchlist", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Watchlist"}}}}, "404": {"$ref": "#/components/responses/NotFound"}}}},
    "/watchlists/{id}/webhook": {"post": {"summary": "Set (URL) or remove (null) the webhook of a watchlist", "security": [{"bearer": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookChange"}}}},
      "responses": {"200": {"description": "The watchlist", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Watchlist"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}}}},
    "/ingest": {"post": {"summary": "Store one report (its raw bytes as the body: text, Markdown, HTML, PDF, RSS/Atom); the format is sniffed, the name's extension is a hint", "security": [{"bearer": []}],
      "parameters": [{"name": "name", "in": "query", "required": true, "schema": {"type": "string"}, "description": "file name; the source is recorded as api:NAME"}, {"name": "published", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "publication date, when the report does not state it"}],
      "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
      "responses": {"201": {"description": "Stored (one entry per document found: outcome stored with id, or duplicate with duplicate_of)"}, "200": {"description": "Every document was a duplicate of a stored one"}, "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"description": "Read-only server"}, "413": {"description": "Body over 16 MiB"}, "422": {"description": "The report could not be read (binary, empty, too deep, unreadable PDF...)"}}}},
    "/watchlists/{id}/delete": {"post": {"summary": "Delete a watchlist", "security": [{"bearer": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"204": {"description": "Deleted"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}}}}
  }
}"##;
