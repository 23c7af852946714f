//! `POST /api/v1/ingest` through `Router::oneshot` over an in-memory store: a report is
//! stored and found at once, a reprint is a duplicate, writes need the token, a read-only
//! server refuses, bad input gets a clear error, and stored markup never reaches a page.
#![allow(clippy::unwrap_used, missing_docs)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use sitrep_server::{router, AppState, Config};
use sitrep_store::Store;
use tower::ServiceExt;

const TOKEN: &str = "ingest-token";

const REPORT: &str = "French troops enter Konna\n\nBy A. Reporter | 12 January 2013\n\n\
French and Malian troops entered the town of Konna on Saturday after air strikes against \
the armed groups that had taken it on Thursday, the army said in a statement from Bamako. \
The offensive began a day after the groups advanced south towards Mopti.\n";

fn app(read_only: bool) -> Router {
    router(AppState::new(
        Store::in_memory().unwrap(),
        Config {
            token: Some(TOKEN.into()),
            read_only,
            ..Default::default()
        },
    ))
}

async fn send(app: &Router, uri: &str, token: Option<&str>, body: &[u8]) -> (StatusCode, Value) {
    let mut req = Request::builder().method("POST").uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body.to_vec())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let res = app
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_posted_report_is_stored_searchable_and_a_reprint_is_a_duplicate() {
    let app = app(false);
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=konna.txt",
        Some(TOKEN),
        REPORT.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["source"], "api:konna.txt");
    let doc = &v["documents"][0];
    assert_eq!(doc["outcome"], "stored", "{v}");
    assert_eq!(doc["language"], "en");
    let id = doc["id"].as_i64().unwrap();

    // indexed at once: the search API finds it, the document API has its entities
    let (s, body) = get(&app, "/api/v1/search?q=Konna").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("French troops enter Konna"), "{body}");
    let (s, body) = get(&app, &format!("/api/v1/documents/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("Konna") && body.contains("Bamako"), "{body}");

    // the same text under another name is a duplicate of the first
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=copy.txt",
        Some(TOKEN),
        REPORT.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["documents"][0]["outcome"], "duplicate", "{v}");
    assert_eq!(v["documents"][0]["duplicate_of"], id);
}

#[tokio::test]
async fn ingest_needs_the_token_and_a_writable_server() {
    let app = app(false);
    let (s, v) = send(&app, "/api/v1/ingest?name=a.txt", None, REPORT.as_bytes()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=a.txt",
        Some("wrong"),
        REPORT.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert!(v["error"].as_str().is_some(), "{v}");
    let ro = self::app(true);
    let (s, _) = send(
        &ro,
        "/api/v1/ingest?name=a.txt",
        Some(TOKEN),
        REPORT.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // nothing was stored by the refused requests
    let (_, body) = get(&app, "/api/v1/search?q=Konna").await;
    assert!(!body.contains("French troops"), "{body}");
}

#[tokio::test]
async fn bad_input_gets_a_clear_error() {
    let app = app(false);
    let (s, v) = send(&app, "/api/v1/ingest?name=x.txt", Some(TOKEN), b"").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=x.txt&published=yesterday",
        Some(TOKEN),
        b"text",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"].as_str().unwrap().contains("YYYY-MM-DD"), "{v}");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let (s, v) = send(&app, "/api/v1/ingest?name=x.pdf", Some(TOKEN), &binary).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["error"].as_str().unwrap().starts_with("api:x.pdf: "),
        "{v}"
    );
    // over the default 64 KiB API body limit but within the ingest limit: accepted
    let long = REPORT.repeat(400);
    assert!(long.len() > 64 * 1024);
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=long.txt",
        Some(TOKEN),
        long.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn posted_markup_never_reaches_a_page_as_markup() {
    let app = app(false);
    let page = "<html><head><title>Attack on <script>alert(1)</script> Gao</title></head><body>\
<article><h1>Attack near Gao</h1><p>Armed men attacked a checkpoint near Gao on Tuesday, the army said. \
<img src=x onerror=alert(2)> Residents fled toward Bourem, officials in Bamako said.</p>\
<p><a href=\"javascript:alert(3)\">More</a> The United Nations condemned the attack on Wednesday.</p></article></body></html>";
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=gao.html",
        Some(TOKEN),
        page.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["documents"][0]["id"].as_i64().unwrap();
    for uri in [
        format!("/doc/{id}"),
        "/?q=Gao".to_string(),
        "/timeline".to_string(),
    ] {
        let (s, body) = get(&app, &uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        for bad in ["<script>alert", "onerror=", "<img", "href=\"javascript:"] {
            assert!(!body.contains(bad), "{uri} contains {bad}");
        }
    }
}
