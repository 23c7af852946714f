//! The webhook field of watchlists, through `Router::oneshot` over an in-memory store.
#![allow(clippy::unwrap_used, missing_docs)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use sitrep_server::{router, AppState, Config};
use sitrep_store::{Store, WebhookDelivery};
use tower::ServiceExt;

const TOKEN: &str = "hook-token";

fn state() -> AppState {
    AppState::new(
        Store::in_memory().unwrap(),
        Config {
            token: Some(TOKEN.into()),
            read_only: false,
            ..Default::default()
        },
    )
}

async fn call(app: &Router, method: &str, uri: &str, body: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        req = req
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json");
    }
    let req = req
        .body(Body::from(body.unwrap_or("").to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v)
}

#[tokio::test]
async fn webhook_is_set_shown_redacted_changed_and_removed() {
    let state = state();
    let app = router(state.clone());
    let (s, w) = call(
        &app,
        "POST",
        "/api/v1/watchlists",
        Some(r#"{"name":"Kidal","q":"Kidal","webhook":"https://hooks.example.org/services/T0/SECRET?k=1"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    assert_eq!(w["webhook"], "https://hooks.example.org/…");
    assert!(!w.to_string().contains("SECRET"), "{w}");
    assert!(w["last_delivery"].is_null());
    // The full URL is kept for the collectors.
    let saved = state.store().watchlist(1).unwrap().unwrap().webhook.clone();
    assert_eq!(
        saved.as_deref(),
        Some("https://hooks.example.org/services/T0/SECRET?k=1")
    );

    // A delivery recorded by a collector shows up.
    state
        .store()
        .db_mut()
        .record_webhook_delivery(&WebhookDelivery {
            watchlist_id: 1,
            target: "https://hooks.example.org".into(),
            ok: true,
            status: "HTTP 200".into(),
            matches: 3,
            at: "2024-05-01T10:00:00Z".into(),
        })
        .unwrap();
    let (s, w) = call(&app, "GET", "/api/v1/watchlists/1", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(w["last_delivery"]["ok"], true);
    assert_eq!(w["last_delivery"]["matches"], 3);
    assert_eq!(w["last_delivery"]["status"], "HTTP 200");
    let (_, all) = call(&app, "GET", "/api/v1/watchlists", None).await;
    assert_eq!(all[0]["last_delivery"]["matches"], 3, "{all}");
    assert!(!all.to_string().contains("SECRET"));

    // Changed, then removed.
    let (s, w) = call(
        &app,
        "POST",
        "/api/v1/watchlists/1/webhook",
        Some(r#"{"webhook":"http://other.example.net:8081/h"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["webhook"], "http://other.example.net:8081/…");
    let (s, w) = call(
        &app,
        "POST",
        "/api/v1/watchlists/1/webhook",
        Some(r#"{"webhook":null}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert!(w.get("webhook").is_none(), "{w}");
    assert!(state
        .store()
        .watchlist(1)
        .unwrap()
        .unwrap()
        .webhook
        .is_none());
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/watchlists/9/webhook",
        Some(r#"{"webhook":null}"#),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_webhooks_are_refused_and_changes_need_the_token() {
    let app = router(state());
    for bad in [
        r#"{"name":"a","webhook":"ftp://example.org/x"}"#,
        r#"{"name":"a","webhook":"javascript:alert(1)"}"#,
        r#"{"name":"a","webhook":"not a url"}"#,
        r#"{"name":"a","webhook":"https://user:pw@example.org/x"}"#,
    ] {
        let (s, e) = call(&app, "POST", "/api/v1/watchlists", Some(bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {e}");
        assert!(e["error"].as_str().unwrap().contains("webhook"), "{e}");
    }
    let (s, _) = call(&app, "POST", "/api/v1/watchlists", Some(r#"{"name":"a"}"#)).await;
    assert_eq!(s, StatusCode::CREATED);
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/watchlists/1/webhook")
        .body(Body::from(r#"{"webhook":"https://example.org/h"}"#))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (s, e) = call(
        &app,
        "POST",
        "/api/v1/watchlists/1/webhook",
        Some(r#"{"url":"https://example.org/h"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn openapi_describes_the_webhook() {
    let app = router(state());
    let (s, doc) = call(&app, "GET", "/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["paths"]["/watchlists/{id}/webhook"]["post"].is_object());
    assert!(doc["components"]["schemas"]["WebhookDelivery"].is_object());
    assert!(doc["components"]["schemas"]["NewWatchlist"]["properties"]["webhook"].is_object());
}

#[tokio::test]
async fn watchlists_page_shows_the_webhook_origin_and_last_delivery() {
    let state = state();
    let app = router(state.clone());
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/watchlists",
        Some(r#"{"name":"<b>Gao</b>","q":"Gao","webhook":"https://hooks.example.org/SECRET"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    state
        .store()
        .db_mut()
        .record_webhook_delivery(&WebhookDelivery {
            watchlist_id: 1,
            target: "https://hooks.example.org".into(),
            ok: false,
            status: "HTTP 500".into(),
            matches: 4,
            at: "2024-05-01T10:00:00Z".into(),
        })
        .unwrap();
    let req = Request::builder()
        .uri("/watchlists")
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = String::from_utf8(
        axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains("&lt;b&gt;Gao&lt;/b&gt;"), "{html}");
    assert!(html.contains("https://hooks.example.org/…"));
    assert!(!html.contains("SECRET"));
    assert!(html.contains("failed: HTTP 500 (4 matches"), "{html}");
    assert!(html.contains("/watch/1/feed.atom"));
}
