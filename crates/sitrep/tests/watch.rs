//! `sitrep watch`, summary-only feed items and watchlist webhooks, run on the built binary
//! against HTTP servers started by the tests.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;

fn sitrep(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const WORDS: &[&str] = &[
    "army",
    "rebels",
    "town",
    "north",
    "south",
    "council",
    "minister",
    "talks",
    "border",
    "convoy",
    "river",
    "market",
    "village",
    "election",
    "court",
    "police",
    "refugees",
    "camp",
    "aid",
    "food",
    "drought",
    "harvest",
    "bridge",
    "airport",
    "mission",
    "troops",
    "ceasefire",
    "envoy",
    "summit",
    "protest",
    "strike",
    "governor",
    "mayor",
    "school",
    "hospital",
    "road",
];

/// 80 pseudo-random words: different seeds give texts far apart in SimHash.
fn article(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2545_f491_4f6c_dd1d;
    let mut words = Vec::new();
    for _ in 0..80 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        words.push(WORDS[(x % WORDS.len() as u64) as usize]);
    }
    format!("{}.", words.join(" "))
}

/// A request as the test server saw it.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

/// A response: status, content type, extra header lines, body.
type Resp = (u16, String, String, String);

/// Starts a server on 127.0.0.1 that records every request and answers with `handler`.
fn serve(
    handler: impl Fn(&Req, &[Req]) -> Resp + Send + Sync + 'static,
) -> (u16, Arc<Mutex<Vec<Req>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: Arc<Mutex<Vec<Req>>> = Arc::default();
    let handler = Arc::new(handler);
    let log2 = log.clone();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let (log, handler) = (log2.clone(), handler.clone());
            std::thread::spawn(move || answer(s, &log, &*handler));
        }
    });
    (port, log)
}

fn answer(mut s: TcpStream, log: &Mutex<Vec<Req>>, handler: &dyn Fn(&Req, &[Req]) -> Resp) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let first: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let req = Req {
        method: first.first().unwrap_or(&"").to_string(),
        path: first.get(1).unwrap_or(&"/").to_string(),
        headers,
        body: String::from_utf8_lossy(&buf[head_end..]).into_owned(),
    };
    let (code, ctype, extra, body) = {
        let mut log = log.lock().unwrap();
        log.push(req.clone());
        handler(&req, &log)
    };
    let _ = write!(
        s,
        "HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

fn rss(items: &[String]) -> String {
    format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Sahel Wire</title>{}</channel></rss>"#,
        items.concat()
    )
}

/// An item carrying its whole report in `content:encoded`.
fn full_item(n: u64) -> String {
    format!(
        "<item><title>Report {n}</title><guid>report-{n}</guid><link>https://example.org/r/{n}</link><pubDate>Thu, 10 Jan 2013 18:00:00 GMT</pubDate><description>Teaser {n}.</description><content:encoded>&lt;p&gt;{}&lt;/p&gt;</content:encoded></item>",
        article(n)
    )
}

fn write_watchlists(data: &Path, lists: Value) {
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(data.join("watchlists.json"), lists.to_string()).unwrap();
}

fn hook_posts(log: &Mutex<Vec<Req>>) -> Vec<Value> {
    log.lock()
        .unwrap()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/hook")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

fn not_found() -> Resp {
    (404, "text/plain".into(), String::new(), "not found".into())
}

fn no_content() -> Resp {
    (204, "text/plain".into(), String::new(), String::new())
}

#[test]
fn watch_polls_and_ingests_only_new_items() {
    let (port, log) = serve(|req, log| match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/feed.xml") => {
            let polls = log.iter().filter(|r| r.path == "/feed.xml").count();
            // The first poll sees two items; later polls a third one on top.
            let items: Vec<String> = if polls == 1 {
                vec![full_item(1), full_item(2)]
            } else {
                vec![full_item(3), full_item(1), full_item(2)]
            };
            let etag = format!("\"v{}\"", items.len());
            if req.headers.get("if-none-match") == Some(&etag) {
                return (
                    304,
                    "text/plain".into(),
                    format!("ETag: {etag}\r\n"),
                    String::new(),
                );
            }
            (
                200,
                "application/rss+xml".into(),
                format!("ETag: {etag}\r\n"),
                rss(&items),
            )
        }
        ("POST", "/hook") => no_content(),
        _ => not_found(),
    });
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_watchlists(
        &data,
        serde_json::json!([
            {"id": 1, "name": "everything", "created": "2024-01-01T00:00:00Z",
             "webhook": format!("http://127.0.0.1:{port}/hook")},
            {"id": 2, "name": "nothing", "q": "zzyzx", "created": "2024-01-01T00:00:00Z",
             "webhook": format!("http://127.0.0.1:{port}/hook")}
        ]),
    );
    let feed = format!("http://127.0.0.1:{port}/feed.xml");
    let (code, err) = sitrep(&[
        "watch",
        &feed,
        "--every",
        "1s",
        "--rounds",
        "3",
        "--data",
        data.to_str().unwrap(),
        "--allow-private",
        "--host-delay-ms",
        "0",
        "--timeout",
        "5",
    ]);
    assert_eq!(code, 0, "{err}");
    let round = |n: usize| {
        err.lines()
            .find(|l| l.starts_with(&format!("round {n} at ")))
            .unwrap_or_else(|| panic!("no round {n} in {err}"))
            .to_string()
    };
    assert!(
        round(1).contains(": 2 new, 0 duplicates, 0 seen before"),
        "{err}"
    );
    assert!(
        round(2).contains(": 1 new, 0 duplicates, 2 seen before"),
        "{err}"
    );
    assert!(
        round(3).contains(": 0 new") && round(3).contains("1 unchanged"),
        "{err}"
    );
    assert!(err.contains("watch: stopped after 3 round(s)"), "{err}");

    let reqs = log.lock().unwrap().clone();
    let polls: Vec<&Req> = reqs.iter().filter(|r| r.path == "/feed.xml").collect();
    assert_eq!(polls.len(), 3);
    assert!(!polls[0].headers.contains_key("if-none-match"));
    assert_eq!(
        polls[2].headers.get("if-none-match").map(String::as_str),
        Some("\"v3\"")
    );
    // Items with full content never make the fetcher visit their links.
    assert!(!reqs.iter().any(|r| r.path.starts_with("/r/")));

    let store = sitrep_store::Store::open_reader(&data).unwrap();
    assert_eq!(store.document_count().unwrap(), 3);
    // One POST per round that stored matches, each listing only that round's documents;
    // the watchlist that matches nothing never posts.
    let posts = hook_posts(&log);
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert_eq!(posts[0]["watchlist"]["id"], 1);
    assert_eq!(posts[0]["count"], 2);
    assert_eq!(posts[1]["count"], 1);
    assert_eq!(posts[1]["matches"][0]["title"], "Report 3");
    let d = store.db().webhook_delivery(1).unwrap().unwrap();
    assert!(d.ok && d.matches == 1, "{d:?}");
    assert!(store.db().webhook_delivery(2).unwrap().is_none());
}

#[test]
fn summary_only_items_are_replaced_by_their_page_or_kept_when_it_fails() {
    let (port, log) = serve(move |req, _| {
        let page = |title: &str, seed: u64| {
            format!(
                "<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Home | World</nav><article><h1>{title}</h1><p>Menaka dispatch.</p><p>{}</p></article></body></html>",
                article(seed)
            )
        };
        match req.path.as_str() {
            "/feed.xml" => {
                let base = format!("http://{}", req.headers["host"]);
                let items = [
                    format!("<item><title>Menaka attack</title><link>{base}/story1.html</link><pubDate>Sat, 12 Jan 2013 08:00:00 GMT</pubDate><description>Gunmen attacked Menaka.</description></item>"),
                    format!("<item><title>Gao market</title><link>{base}/gone.html</link><pubDate>Sun, 13 Jan 2013 08:00:00 GMT</pubDate><description>Traders in Gao report shortages of millet.</description></item>"),
                    format!("<item><title>Full story</title><link>{base}/full.html</link><description>Short.</description><content:encoded>{}</content:encoded></item>", article(77)),
                ];
                (
                    200,
                    "application/rss+xml".into(),
                    String::new(),
                    rss(&items),
                )
            }
            "/story1.html" => (
                200,
                "text/html".into(),
                String::new(),
                page("Menaka attack", 41),
            ),
            "/full.html" => (
                200,
                "text/html".into(),
                String::new(),
                page("Never fetched", 42),
            ),
            _ => not_found(),
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();
    let feed = format!("http://127.0.0.1:{port}/feed.xml");
    let args = [
        "ingest",
        &feed,
        "--data",
        d,
        "--allow-private",
        "--host-delay-ms",
        "0",
        "--timeout",
        "5",
    ];
    let (code, err) = sitrep(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingested 3, duplicates 0, failed 0"), "{err}");
    assert!(
        err.contains("/gone.html: HTTP 404; the item's summary was stored instead"),
        "{err}"
    );
    let reqs = log.lock().unwrap().clone();
    assert!(reqs.iter().any(|r| r.path == "/story1.html"));
    assert!(!reqs.iter().any(|r| r.path == "/full.html"), "{reqs:?}");

    let store = sitrep_store::Store::open_reader(&data).unwrap();
    let docs: Vec<_> = (1..=3)
        .map(|id| store.db().get(id).unwrap().unwrap())
        .collect();
    let by_title = |t: &str| {
        docs.iter()
            .find(|d| d.title.as_deref() == Some(t))
            .unwrap_or_else(|| panic!("no {t}"))
    };
    // The page's main text, with the feed's date (the page has none).
    let menaka = by_title("Menaka attack");
    assert_eq!(menaka.format, "html");
    assert!(menaka.text.contains("Menaka dispatch"), "{}", menaka.text);
    assert!(!menaka.text.contains("Home | World"));
    assert_eq!(menaka.published.as_deref(), Some("2013-01-12"));
    assert_eq!(
        menaka.url.as_deref(),
        Some(format!("http://127.0.0.1:{port}/story1.html").as_str())
    );
    // The page could not be fetched: the summary is the document.
    let gao = by_title("Gao market");
    assert_eq!(gao.format, "feed");
    assert!(gao.text.contains("shortages of millet"));
    assert_eq!(gao.published.as_deref(), Some("2013-01-13"));
    let st = store.db().status(&feed).unwrap().unwrap();
    let reason = st.reason.unwrap_or_default();
    assert!(reason.contains("gone.html: HTTP 404"), "{reason}");
    drop(store);

    // Run again: the feed is unchanged, nothing is fetched but the feed itself.
    let before = log.lock().unwrap().len();
    let (code, err) = sitrep(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingested 0, duplicates 0, failed 0"), "{err}");
    let after: Vec<Req> = log.lock().unwrap()[before..].to_vec();
    assert!(
        after
            .iter()
            .all(|r| r.path == "/feed.xml" || r.path == "/robots.txt"),
        "{after:?}"
    );
}

#[test]
fn webhook_gets_one_post_with_the_matching_new_documents() {
    let (port, log) = serve(|req, _| match req.path.as_str() {
        "/hook" => no_content(),
        _ => not_found(),
    });
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for (name, head, seed) in [
        ("a.txt", "Fighting near Kidal.", 11),
        ("b.txt", "Kidal airport reopened.", 12),
        ("c.txt", "Floods in Mopti.", 13),
    ] {
        std::fs::write(src.join(name), format!("{head}\n\n{}\n", article(seed))).unwrap();
    }
    let hook = format!("http://127.0.0.1:{port}/hook");
    write_watchlists(
        &data,
        serde_json::json!([
            {"id": 1, "name": "Kidal", "q": "Kidal", "created": "2024-01-01T00:00:00Z", "webhook": hook},
            {"id": 2, "name": "no hook", "q": "Kidal", "created": "2024-01-01T00:00:00Z"}
        ]),
    );
    let d = data.to_str().unwrap();
    let (code, err) = sitrep(&[
        "ingest",
        src.to_str().unwrap(),
        "--data",
        d,
        "--allow-private",
        "--server-url",
        "http://sitrep.example:8080/",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("webhook: watchlist 1 (Kidal): 2 new matches"),
        "{err}"
    );
    let posts = hook_posts(&log);
    assert_eq!(posts.len(), 1, "{posts:?}");
    let p = &posts[0];
    assert_eq!(p["watchlist"]["id"], 1);
    assert_eq!(p["watchlist"]["name"], "Kidal");
    assert_eq!(
        p["watchlist"]["feed"],
        "http://sitrep.example:8080/watch/1/feed.atom"
    );
    assert_eq!(p["count"], 2);
    assert_eq!(p["truncated"], false);
    let m = p["matches"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    let mut titles: Vec<&str> = m.iter().map(|x| x["title"].as_str().unwrap()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Fighting near Kidal.", "Kidal airport reopened."]);
    for x in m {
        let id = x["id"].as_i64().unwrap();
        assert_eq!(x["link"], format!("http://sitrep.example:8080/doc/{id}"));
        assert!(x["source"].as_str().unwrap().ends_with(".txt"));
        assert!(x.get("published").is_some() && x.get("url").is_some());
    }
    let reqs = log.lock().unwrap().clone();
    assert_eq!(
        reqs[0].headers.get("content-type").map(String::as_str),
        Some("application/json")
    );

    // A second ingest with one more matching file posts only that one; nothing new, no POST.
    std::fs::write(
        src.join("d.txt"),
        format!("Kidal again.\n\n{}\n", article(14)),
    )
    .unwrap();
    let (code, err) = sitrep(&[
        "ingest",
        src.to_str().unwrap(),
        "--data",
        d,
        "--allow-private",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = sitrep(&[
        "ingest",
        src.to_str().unwrap(),
        "--data",
        d,
        "--allow-private",
    ]);
    assert_eq!(code, 0, "{err}");
    let posts = hook_posts(&log);
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert_eq!(posts[1]["count"], 1);
    let source = posts[1]["matches"][0]["source"].as_str().unwrap();
    assert!(source.ends_with("d.txt"), "{source}");
    let store = sitrep_store::Store::open_reader(&data).unwrap();
    let dlv = store.db().webhook_delivery(1).unwrap().unwrap();
    assert!(dlv.ok, "{dlv:?}");
    assert_eq!(dlv.status, "HTTP 204");
    assert_eq!(dlv.target, format!("http://127.0.0.1:{port}"));
}

#[test]
fn webhook_to_a_private_address_is_refused_without_allow_private() {
    let (port, log) = serve(|_, _| no_content());
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.txt"),
        format!("Kidal news.\n\n{}\n", article(21)),
    )
    .unwrap();
    write_watchlists(
        &data,
        serde_json::json!([{"id": 3, "name": "Kidal", "q": "Kidal", "created": "2024-01-01T00:00:00Z",
            "webhook": format!("http://127.0.0.1:{port}/hook")}]),
    );
    let (code, err) = sitrep(&[
        "ingest",
        src.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    // The documents are stored; only the webhook is refused.
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingested 1,"), "{err}");
    assert!(
        err.contains("webhook of watchlist 3 (Kidal)") && err.contains("not delivered"),
        "{err}"
    );
    assert!(err.contains("--allow-private"), "{err}");
    assert!(log.lock().unwrap().is_empty(), "the server was called");
    let store = sitrep_store::Store::open_reader(&data).unwrap();
    let d = store.db().webhook_delivery(3).unwrap().unwrap();
    assert!(!d.ok);
    assert!(d.status.contains("private"), "{}", d.status);
    assert_eq!(d.matches, 1);
}
