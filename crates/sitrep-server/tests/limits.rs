//! The server's defences against a hostile client or web page (issue 26): Host names,
//! writes authorised before their body is read, feed links from the configuration and
//! valid XML, webhooks checked at creation, idle and surplus connections closed.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use sitrep_server::limits::{serve_with_limits, ConnectionLimits};
use sitrep_server::{router, AppState, Config};
use sitrep_store::Store;
use tower::ServiceExt;

const TOKEN: &str = "limits-token";

fn state(cfg: Config) -> AppState {
    AppState::new(
        Store::in_memory().unwrap(),
        Config {
            token: Some(TOKEN.into()),
            ..cfg
        },
    )
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let s = res.status();
    let b = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (s, String::from_utf8_lossy(&b).into_owned())
}

fn get(uri: &str, host: Option<&str>) -> Request<Body> {
    let mut r = Request::builder().uri(uri);
    if let Some(h) = host {
        r = r.header(header::HOST, h);
    }
    r.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn only_the_allowed_host_names_are_answered() {
    let app = router(state(Config::default()));
    for ok in [
        "localhost:8080",
        "127.0.0.1:8080",
        "[::1]:8080",
        "LOCALHOST",
    ] {
        let (s, b) = send(&app, get("/api/v1/search?q=x", Some(ok))).await;
        assert_eq!(s, StatusCode::OK, "{ok}: {b}");
    }
    for bad in [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.evil.example",
        "localhost.evil.example:80",
    ] {
        let (s, b) = send(&app, get("/api/v1/search?q=x", Some(bad))).await;
        assert_eq!(s, StatusCode::MISDIRECTED_REQUEST, "{bad}: {b}");
        assert!(b.contains("--allowed-host"), "{b}");
    }
    let app = router(state(Config {
        allowed_hosts: vec!["sitrep.lan".into()],
        ..Config::default()
    }));
    assert_eq!(
        send(&app, get("/", Some("sitrep.lan:80"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, get("/", Some("localhost"))).await.0,
        StatusCode::MISDIRECTED_REQUEST
    );
}

#[tokio::test]
async fn a_write_without_the_token_is_refused_before_its_body_is_read() {
    let app = router(state(Config::default()));
    let polled = Arc::new(AtomicBool::new(false));
    let p = polled.clone();
    let body = futures_lite_stream(move || p.store(true, Ordering::SeqCst));
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/ingest?name=a.txt")
        .body(body)
        .unwrap();
    let (s, b) = send(&app, req).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert!(!polled.load(Ordering::SeqCst), "the body was read");
}

/// A body that records when it is first read, then yields 1 MB chunks forever.
fn futures_lite_stream(on_read: impl Fn() + Send + Sync + Unpin + 'static) -> Body {
    let chunks = std::iter::repeat_with(move || {
        on_read();
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; 1 << 20]))
    });
    Body::from_stream(tokio_stream_iter(chunks))
}

fn tokio_stream_iter<I: Iterator + Send + Unpin + 'static>(it: I) -> Iter<I> {
    Iter(it)
}

/// A stream over an iterator.
struct Iter<I>(I);

impl<I: Iterator + Unpin> futures_core::Stream for Iter<I> {
    type Item = I::Item;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<I::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}

#[tokio::test]
async fn feed_links_come_from_the_configuration_and_the_xml_stays_valid() {
    let st = state(Config {
        public_url: Some("http://sitrep.example:9000/".into()),
        ..Config::default()
    });
    let app = router(st.clone());
    // A document whose title carries control characters.
    let report = "Convoy\u{1}\u{8} attacked near the river\n\nA convoy was attacked near the river crossing on Monday, officials said.";
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/ingest?name=convoy.txt")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(report))
        .unwrap();
    let (s, b) = send(&app, req).await;
    assert!(s.is_success(), "{s}: {b}");
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/watchlists")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"name":"convoy\u0001","q":"convoy"}"#))
        .unwrap();
    let (s, b) = send(&app, req).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, feed) = send(&app, get("/watch/1/feed.atom", Some("localhost:8080"))).await;
    assert_eq!(s, StatusCode::OK, "{feed}");
    assert!(feed.contains("http://sitrep.example:9000/doc/"), "{feed}");
    assert!(!feed.contains("localhost"), "{feed}");
    assert!(
        !feed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
        "{feed:?}"
    );
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused_when_the_watchlist_is_made() {
    let create = |hook: &str| {
        Request::builder()
            .method("POST")
            .uri("/api/v1/watchlists")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(r#"{{"name":"a","webhook":"{hook}"}}"#)))
            .unwrap()
    };
    let app = router(state(Config::default()));
    for hook in [
        "http://127.0.0.1:9000/h",
        "http://169.254.169.254/latest",
        "http://[::1]/h",
        "http://[::ffff:10.0.0.1]/h",
        "http://[2002:7f00:1::]/h",
        "http://localhost/h",
        "http://0x7f000001/h",
    ] {
        let (s, b) = send(&app, create(hook)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{hook}: {b}");
        assert!(b.contains("private address"), "{b}");
    }
    let (s, b) = send(&app, create("https://hooks.example.org/x")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let app = router(state(Config {
        allow_private_webhooks: true,
        ..Config::default()
    }));
    let (s, b) = send(&app, create("http://127.0.0.1:9000/h")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

#[test]
fn idle_and_surplus_connections_are_closed() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(state(Config::default()));
    let limits = ConnectionLimits {
        max_connections: 2,
        header_read_timeout: Duration::from_millis(300),
        lifetime: Duration::from_secs(5),
    };
    rt.spawn(serve_with_limits(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    let closed_within = |s: &mut std::net::TcpStream| {
        s.set_read_timeout(Some(Duration::from_secs(4))).unwrap();
        let start = Instant::now();
        let mut buf = [0u8; 64];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
    };
    // Two idle connections fill the server; a third is closed at once.
    let mut a = std::net::TcpStream::connect(addr).unwrap();
    let mut b = std::net::TcpStream::connect(addr).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    assert!(closed_within(&mut c) < Duration::from_millis(1000));
    // The idle ones are closed after the header timeout, not held.
    assert!(closed_within(&mut a) < Duration::from_secs(2));
    assert!(closed_within(&mut b) < Duration::from_secs(2));
    // And the server still answers.
    let mut d = std::net::TcpStream::connect(addr).unwrap();
    d.write_all(b"GET /api/v1/search?q=x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    d.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}
