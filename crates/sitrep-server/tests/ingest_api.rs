//! `POST /api/v1/ingest` through `Router::oneshot` over an in-memory store: a report is
//! stored and found at once, a reprint is a duplicate, writes need the token, a read-only
//! server refuses, bad input gets a clear error, stored markup never reaches a page, and
//! the webhooks of the watchlists a stored report matches are called.
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

/// A webhook receiver on 127.0.0.1: every request's path and JSON body go to the channel,
/// and each is answered `204`.
fn receiver() -> (String, std::sync::mpsc::Receiver<(String, Value)>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap();
                    }
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            let _ = tx.send((path, serde_json::from_slice(&body).unwrap_or(Value::Null)));
        }
    });
    (format!("http://{addr}"), rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ingest_through_the_api_calls_the_webhooks_of_the_watchlists_it_matches() {
    let (hook, calls) = receiver();
    let state = AppState::new(
        Store::in_memory().unwrap(),
        Config {
            token: Some(TOKEN.into()),
            allow_private_webhooks: true,
            public_url: Some("https://desk.example.org".into()),
            ..Default::default()
        },
    );
    let app = router(state.clone());
    for (name, q, path) in [
        ("konna", "Konna", "/konna"),
        ("other", "Timbuktu", "/other"),
    ] {
        let body = format!(r#"{{"name":"{name}","q":"{q}","webhook":"{hook}{path}"}}"#);
        let res = app
            .clone()
            .oneshot(
                Request::builder()
                    .method("POST")
                    .uri("/api/v1/watchlists")
                    .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let (s, v) = send(
        &app,
        "/api/v1/ingest?name=konna.txt",
        Some(TOKEN),
        REPORT.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["documents"][0]["id"].as_i64().unwrap();
    let wait = |calls: std::sync::mpsc::Receiver<(String, Value)>, secs: u64| {
        tokio::task::spawn_blocking(move || {
            let got = calls.recv_timeout(std::time::Duration::from_millis(secs));
            (got.ok(), calls)
        })
    };
    let (first, calls) = wait(calls, 20_000).await.unwrap();
    let (path, payload) = first.expect("the webhook of the matching watchlist was not called");
    // the watchlist that does not match is not called
    let (second, calls) = wait(calls, 500).await.unwrap();
    assert!(second.is_none(), "{second:?}");
    assert_eq!(path, "/konna");
    assert_eq!(payload["watchlist"]["name"], "konna");
    assert_eq!(payload["count"], 1);
    assert_eq!(payload["matches"][0]["id"], id);
    assert_eq!(
        payload["matches"][0]["link"],
        format!("https://desk.example.org/doc/{id}")
    );
    // the outcome is recorded where the watchlist pages show it
    let mut recorded = None;
    for _ in 0..100 {
        let lists = state.store().watchlists().unwrap();
        let w = lists.iter().find(|w| w.name == "konna").unwrap().id;
        recorded = state.store().db().webhook_delivery(w).unwrap();
        if recorded.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let d = recorded.expect("no delivery recorded");
    assert!(d.ok, "{d:?}");
    assert_eq!(d.matches, 1);
    // a duplicate stores nothing new and calls nothing
    let (s, _) = send(
        &app,
        "/api/v1/ingest?name=again.txt",
        Some(TOKEN),
        REPORT.as_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (third, _) = wait(calls, 500).await.unwrap();
    assert!(third.is_none(), "{third:?}");
}
