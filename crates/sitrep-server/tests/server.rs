//! Handler tests through `Router::oneshot` over an in-memory store.
#![allow(clippy::unwrap_used, missing_docs)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use sitrep_core::document::{Event, EventType};
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_server::{router, AppState, Config, CSP};
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{PreparedDoc, SourceWrite, Store};
use tower::ServiceExt;

const TOKEN: &str = "s3cret-token";

fn ingest(
    store: &mut Store,
    p: &Pipeline,
    source: &str,
    bytes: &[u8],
    ext: &str,
    tweak: impl Fn(&mut sitrep_core::Document),
) {
    let docs = p.process_bytes(source, bytes, ext).unwrap();
    let docs = docs
        .into_iter()
        .map(|mut d| {
            tweak(&mut d);
            PreparedDoc::new(d).unwrap()
        })
        .collect();
    store
        .write(&SourceWrite {
            source: source.into(),
            content_hash: sha256_hex(bytes),
            original: bytes.to_vec(),
            docs,
        })
        .unwrap();
    store.sync_index().unwrap();
}

fn event(d: &sitrep_core::Document, kind: EventType, date: &str, text: &str) -> Event {
    Event {
        kind,
        date: Some(date.into()),
        date_confidence: 1.0,
        actors: vec!["MNLA".into()],
        targets: vec![],
        place: Some("Gao".into()),
        trigger: "x".into(),
        text: text.into(),
        start: 0,
        end: d.text.len().min(10),
        quantities: vec![],
        claimed_by: None,
        modality: "asserted".into(),
    }
}

fn app_with(config: Config, xss: bool) -> Router {
    let mut store = Store::in_memory().unwrap();
    let p = Pipeline::new(PipelineOptions::default()).unwrap();
    ingest(
        &mut store,
        &p,
        "corpus/01_coup.txt",
        include_bytes!("../../../examples/corpus/01_atlantic-wire-service_coup.txt"),
        "txt",
        |_| {},
    );
    ingest(
        &mut store,
        &p,
        "corpus/03_azawad.txt",
        include_bytes!("../../../examples/corpus/03_bamako-courier_azawad-independence.txt"),
        "txt",
        |d| {
            let ev = event(
                d,
                EventType::Declaration,
                "2012-04-06",
                "The MNLA declared independence.",
            );
            d.events.push(ev);
        },
    );
    if xss {
        let evil = "<script>alert(1)</script>";
        ingest(
            &mut store,
            &p,
            "evil/<script>alert(1)</script>.html",
            br#"<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt; Gao news</title></head><body>
<article><h1>&lt;script&gt;alert(1)&lt;/script&gt; in Gao</h1>
<p>GAO, 6 April 2012 - Fighters of the MNLA entered Gao &lt;img src=x onerror=alert(1)&gt; yesterday, witnesses said.
<a href="javascript:alert(1)">javascript:alert(1)</a> The town of Kidal fell on 30 March 2012.</p>
<p>Another "quoted" 'thing' &amp; &lt;svg onload=alert(1)&gt; in Bamako.</p></article></body></html>"#,
            "html",
            |d| {
                d.meta.url = Some("javascript:alert(1)".into());
                d.meta.outlet = Some(evil.into());
                d.meta.author = Some("<img src=x onerror=alert(2)>".into());
                let mut ev = event(
                    d,
                    EventType::Combat,
                    "2012-04-05",
                    "<script>alert(3)</script> fighting <img src=x onerror=alert(4)>",
                );
                ev.actors = vec!["<b onmouseover=alert(5)>MNLA</b>".into()];
                ev.place = Some("<script>Gao</script>".into());
                d.events.push(ev);
            },
        );
        ingest(
            &mut store,
            &p,
            "evil/notes.md",
            b"# <script>alert(1)</script> Bamako notes\n\nThe [link](javascript:alert(1)) and <img src=x onerror=alert(1)> near Timbuktu on 1 April 2012.\n\n<script>alert('md')</script>\n",
            "md",
            |_| {},
        );
        ingest(
            &mut store,
            &p,
            "evil/plain.txt",
            b"<script>alert(1)</script>\n\nBAMAKO, 2 April 2012 - <img src=x onerror=alert(1)> Ansar Dine seized Timbuktu. javascript:alert(document.cookie) \"><script>alert(2)</script>\n",
            "txt",
            |_| {},
        );
    }
    router(AppState::new(store, config))
}

fn app() -> Router {
    app_with(
        Config {
            token: Some(TOKEN.into()),
            read_only: false,
            ..Default::default()
        },
        false,
    )
}

async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn post(app: &Router, uri: &str, token: Option<&str>, body: &str) -> (StatusCode, String) {
    let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn first_entity_key(app: &Router) -> String {
    let (_, _, body) = get(app, "/api/v1/entities").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v[0]["key"].as_str().unwrap().to_string()
}

fn enc(s: &str) -> String {
    sitrep_server::html::urlenc(s)
}

#[tokio::test]
async fn every_page_and_endpoint_answers() {
    let app = app();
    let key = first_entity_key(&app).await;
    let uris = [
        "/".to_string(),
        "/?q=coup".into(),
        "/?q=Bamako&lang=en&from=2012&to=2012-12".into(),
        "/?entity=MNLA".into(),
        "/doc/1".into(),
        "/doc/2".into(),
        format!("/entity/{}", enc(&key)),
        "/timeline".into(),
        "/timeline?type=declaration&from=2012-04&to=2012-04".into(),
        "/timeline?entity=MNLA".into(),
        "/map".into(),
        "/brief".into(),
        "/brief?q=independence&from=2012&to=2012".into(),
        "/static/style.css".into(),
        "/api/v1/openapi.json".into(),
        "/api/v1/search?q=coup".into(),
        "/api/v1/documents/1".into(),
        "/api/v1/entities".into(),
        format!("/api/v1/entities/{}", enc(&key)),
        "/api/v1/timeline".into(),
        "/api/v1/brief".into(),
        "/api/v1/map".into(),
        "/api/v1/watchlists".into(),
        "/api/v1/export/json".into(),
        "/api/v1/export/csv".into(),
        "/api/v1/export/geojson".into(),
        "/api/v1/export/stix".into(),
        "/api/v1/export/brief-md".into(),
        "/api/v1/export/brief-html".into(),
    ];
    for u in &uris {
        let (s, h, body) = get(&app, u).await;
        assert_eq!(s, StatusCode::OK, "{u}: {body}");
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        if u.ends_with("brief-html") {
            // its own policy: the browser applies the inline stylesheet whose hash it names
            use sha2::{Digest, Sha256};
            let style = body
                .split("<style>")
                .nth(1)
                .unwrap()
                .split("</style>")
                .next()
                .unwrap();
            let digest = Sha256::digest(style.as_bytes());
            assert!(
                csp.starts_with("default-src 'none'; style-src 'sha256-"),
                "{csp}"
            );
            let named = csp
                .split("'sha256-")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap();
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(
                b64_to_hex(named),
                hex,
                "the policy names the stylesheet's hash"
            );
            assert!(!body.contains("<script"), "{u}");
        } else {
            assert_eq!(csp, CSP, "{u}");
        }
        assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert!(!body.is_empty(), "{u}");
    }
    let (_, _, openapi) = get(&app, "/api/v1/openapi.json").await;
    let v: serde_json::Value = serde_json::from_str(&openapi).unwrap();
    assert_eq!(v["openapi"], "3.0.3");
}

#[tokio::test]
async fn pages_show_the_data() {
    let app = app();
    let (_, _, search) = get(&app, "/?q=Sanogo").await;
    assert!(search.contains("<b>"), "{search}");
    assert!(search.contains("/doc/1"));
    let (_, _, doc) = get(&app, "/doc/1").await;
    assert!(doc.contains("class=\"ent\""));
    assert!(doc.contains("class=\"date\""));
    let (_, _, tl) = get(&app, "/timeline").await;
    assert!(tl.contains("The MNLA declared independence."));
    assert!(tl.contains("grade"));
    let (_, _, brief) = get(&app, "/brief?from=2012-04&to=2012-04").await;
    assert!(
        brief.contains("The MNLA declared independence.</span> <a href=\"#src"),
        "{brief}"
    );
    let (_, _, csv) = get(&app, "/api/v1/export/csv").await;
    check_acled_csv(&csv);
    let (_, _, stix) = get(&app, "/api/v1/export/stix").await;
    let v: serde_json::Value = serde_json::from_str(&stix).unwrap();
    assert_eq!(v["type"], "bundle");
    let types: Vec<&str> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    for t in ["identity", "report", "location", "note"] {
        assert!(types.contains(&t), "{t} missing: {types:?}");
    }
    let (_, _, gj) = get(&app, "/api/v1/export/geojson").await;
    let v: serde_json::Value = serde_json::from_str(&gj).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert!(!v["features"].as_array().unwrap().is_empty());
    let (_, _, map) = get(&app, "/map").await;
    assert!(map.contains("<svg class=\"map\""));
    assert!(map.contains("<path d=\"M"));
}

#[tokio::test]
async fn unknown_things_are_404_json() {
    let app = app();
    for u in [
        "/api/v1/documents/999",
        "/api/v1/documents/abc",
        "/api/v1/entities/nope:nothing",
        "/api/v1/export/docx",
        "/api/v1/nothing",
    ] {
        let (s, h, body) = get(&app, u).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{u}");
        assert!(h
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(v["error"].is_string(), "{u}: {body}");
    }
    let (s, h, _) = get(&app, "/doc/999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(h.get(header::CONTENT_SECURITY_POLICY).is_some());
    let (s, _, body) = get(&app, "/api/v1/search?from=soon").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn writes_need_the_token() {
    let app = app();
    let body = r#"{"name":"junta","q":"Sanogo"}"#;
    let (s, b) = post(&app, "/api/v1/watchlists", None, body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert!(b.contains("\"error\""));
    let (s, _) = post(&app, "/api/v1/watchlists", Some("wrong"), body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = post(&app, "/api/v1/watchlists", Some("s3cret-tokeX"), body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, b) = post(&app, "/api/v1/watchlists", Some(TOKEN), body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = post(&app, "/api/v1/watchlists", Some(TOKEN), "{not json").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(200_000));
    let (s, _) = post(&app, "/api/v1/watchlists", Some(TOKEN), &big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    let (s, h, feed) = get(&app, "/watch/1/feed.atom").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(feed.contains("/doc/1"), "{feed}");
    let (s, _, _) = get(&app, "/watch/7/feed.atom").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = post(&app, "/api/v1/watchlists/1/delete", None, "").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = post(&app, "/api/v1/watchlists/1/delete", Some(TOKEN), "").await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn no_token_and_read_only_refuse_writes() {
    let body = r#"{"name":"x"}"#;
    let app = app_with(Config::default(), false);
    let (s, _) = post(&app, "/api/v1/watchlists", Some(""), body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let app = app_with(
        Config {
            token: Some(TOKEN.into()),
            read_only: true,
            ..Default::default()
        },
        false,
    );
    let (s, _) = post(&app, "/api/v1/watchlists", Some(TOKEN), body).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

fn assert_no_markup(uri: &str, body: &str) {
    let lower = body.to_lowercase();
    for bad in [
        "<script",
        "<img",
        "<svg onload",
        "href=\"javascript:",
        "href='javascript:",
        "src=\"javascript:",
        "<b onmouseover",
    ] {
        assert!(!lower.contains(bad), "{uri} contains `{bad}`");
    }
    // Every `onerror=` left is escaped text, never an attribute of a tag.
    for (i, _) in lower.match_indices("onerror=") {
        let before = &lower[..i];
        let lt = before.rfind('<').unwrap_or(0);
        let gt = before.rfind('>').unwrap_or(0);
        assert!(gt >= lt, "{uri}: onerror inside a tag");
    }
}

#[tokio::test]
async fn hostile_documents_are_escaped_everywhere() {
    let app = app_with(
        Config {
            token: Some(TOKEN.into()),
            read_only: false,
            ..Default::default()
        },
        true,
    );
    let (_, _, ents) = get(&app, "/api/v1/entities").await;
    let ents: serde_json::Value = serde_json::from_str(&ents).unwrap();
    let mut uris: Vec<String> = vec![
        "/".into(),
        "/?q=alert".into(),
        "/?q=script".into(),
        "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "/?q=onerror".into(),
        "/timeline".into(),
        "/timeline?entity=%3Cscript%3E".into(),
        "/map".into(),
        "/brief".into(),
        "/brief?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "/api/v1/export/brief-html".into(),
        "/entity/%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "/doc/%3Cscript%3E".into(),
        "/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
    ];
    for id in 1..=5 {
        uris.push(format!("/doc/{id}"));
    }
    for e in ents.as_array().unwrap() {
        uris.push(format!("/entity/{}", enc(e["key"].as_str().unwrap())));
    }
    let (s, _) = post(
        &app,
        "/api/v1/watchlists",
        Some(TOKEN),
        r#"{"name":"<script>alert(1)</script>","q":"alert"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    uris.push("/watch/1/feed.atom".into());
    let mut saw_escaped = false;
    for u in &uris {
        let (_, h, body) = get(&app, u).await;
        let csp = h.get(header::CONTENT_SECURITY_POLICY).unwrap();
        if u.ends_with("brief-html") {
            assert!(csp.to_str().unwrap().starts_with("default-src 'none'"));
        } else {
            assert_eq!(csp, CSP);
        }
        assert_no_markup(u, &body);
        saw_escaped |= body.contains("&lt;script&gt;");
    }
    assert!(
        saw_escaped,
        "the hostile text should appear escaped somewhere"
    );
    // The hostile text is there, escaped, on the document page.
    let (_, _, doc) = get(&app, "/doc/3").await;
    assert!(doc.contains("&lt;img src=x onerror=alert(1)&gt;") || doc.contains("&lt;script&gt;"));
    // The JSON API returns the text as data.
    let (_, h, j) = get(&app, "/api/v1/documents/3").await;
    assert!(h
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&j).is_ok());
}

#[tokio::test]
async fn translation_beside_the_original_and_quoted_in_the_brief() {
    use sitrep_core::translate::{translate_document, Translator};
    /// Tags every paragraph, so the test does not need Apertium.
    struct Tag;
    impl Translator for Tag {
        fn translate(&self, text: &str, _: &str, _: &str) -> sitrep_core::Result<String> {
            Ok(text
                .split("\n\n")
                .map(|p| format!("EN {p}"))
                .collect::<Vec<_>>()
                .join("\n\n"))
        }
        fn name(&self) -> &str {
            "Tag"
        }
        fn supports(&self, from: &str, _: &str) -> bool {
            from == "fr"
        }
    }
    let mut store = Store::in_memory().unwrap();
    let p = Pipeline::new(PipelineOptions::default()).unwrap();
    let fr =
        include_bytes!("../../../examples/corpus/04_le-journal-du-niger_azawad-independance.txt");
    ingest(&mut store, &p, "corpus/04_fr.txt", fr, "txt", |_| {});
    let ar = include_bytes!("../../../examples/corpus/12_al-sahel-al-yawm_resolution-2085.txt");
    ingest(&mut store, &p, "corpus/12_ar.txt", ar, "txt", |_| {});
    let doc = store.db().get(1).unwrap().unwrap().document;
    assert!(!doc.events.is_empty());
    let t = translate_document(&doc, &Tag);
    store.add_translation(1, &t).unwrap();
    store.sync_index().unwrap();
    let app = router(AppState::new(
        store,
        Config {
            token: None,
            read_only: true,
            ..Default::default()
        },
    ));
    let (status, _, body) = get(&app, "/doc/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Machine translation (Tag fr→en)"), "{body}");
    assert!(
        body.contains("EN The Timbuktu") || body.contains("Timbuktu"),
        "{body}"
    );
    assert!(body.contains("<td>EN Le "), "{body}");
    let (_, _, body) = get(&app, "/doc/2").await;
    assert!(
        body.contains("No Arabic translation backend is configured"),
        "{body}"
    );
    let (_, _, body) = get(&app, "/brief").await;
    assert!(body.contains("[machine translation]"), "{body}");
    // English words of the translation find the French document.
    let (_, _, body) = get(&app, "/?q=EN").await;
    assert!(body.contains("/doc/1"), "{body}");
}

/// With a window of one document the pages work on the most recent one, and every
/// document and entity of the store stays reachable.
#[tokio::test]
async fn a_window_keeps_every_document_and_entity_reachable() {
    let app = app_with(
        Config {
            window: Some(1),
            ..Default::default()
        },
        false,
    );
    let (s, _, body) = get(&app, "/timeline").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("from the 1 most recent documents"), "{body}");
    let (s, _, body) = get(&app, "/timeline?from=2012-01&to=2012-12").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("in these dates"), "{body}");
    for id in [1, 2] {
        let (s, _, json) = get(&app, &format!("/api/v1/documents/{id}")).await;
        assert_eq!(s, StatusCode::OK, "document {id}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let (s, _, _) = get(&app, &format!("/doc/{id}")).await;
        assert_eq!(s, StatusCode::OK, "page of document {id}");
        let ents = v["document"]["entities"].as_array().unwrap();
        assert!(!ents.is_empty());
        for e in ents {
            let key = match e["id"].as_str() {
                Some(k) => k.to_string(),
                None => format!(
                    "{}:{}",
                    e["type"].as_str().unwrap(),
                    e["name"].as_str().unwrap().to_lowercase()
                ),
            };
            let uri = format!("/entity/{}", urlencode(&key));
            let (s, _, page) = get(&app, &uri).await;
            assert_eq!(s, StatusCode::OK, "{uri}");
            assert!(page.contains("in the store"), "{uri}: {page}");
        }
    }
    let (s, _, body) = get(&app, "/api/v1/timeline?limit=1").await;
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["documents"], 1);
    assert_eq!(v["documents_in_store"], 2);
    assert!(v["events"].as_array().unwrap().len() <= 1);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Splits one CSV line into fields (quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut in_q) = (false, false);
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if in_q && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => {
                in_q = !in_q;
                quoted = true;
            }
            ',' if !in_q => {
                out.push((std::mem::take(&mut cur), quoted));
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    out.push((cur, quoted));
    out
}

/// The ACLED export has every codebook column, and its numeric columns hold bare numbers
/// (a negative longitude is not turned into text by the formula guard).
fn check_acled_csv(csv: &str) {
    let mut lines = csv.lines();
    let header: Vec<String> = csv_fields(lines.next().unwrap())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(header, sitrep_server::acled::COLUMNS.to_vec());
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut rows = 0;
    let mut located = 0;
    for line in lines {
        let f = csv_fields(line);
        assert_eq!(f.len(), 31, "{line}");
        rows += 1;
        for name in [
            "latitude",
            "longitude",
            "fatalities",
            "year",
            "time_precision",
            "geo_precision",
            "timestamp",
        ] {
            let (v, quoted) = &f[col(name)];
            assert!(!quoted, "{name} is quoted in {line}");
            assert!(
                v.is_empty() || v.parse::<f64>().is_ok(),
                "{name}={v} in {line}"
            );
        }
        if !f[col("longitude")].0.is_empty() {
            located += 1;
        }
    }
    assert!(rows > 0 && located > 0, "{csv}");
    // Gao lies west of Greenwich: its longitude is a negative number, not text
    assert!(
        csv.contains(",-0.") || csv.contains(",-1.") || csv.contains(",-4."),
        "{csv}"
    );
}

/// Decodes standard base64 to lowercase hex (for comparing a CSP hash with a digest).
fn b64_to_hex(s: &str) -> String {
    const A: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = String::new();
    for c in s.chars().filter(|&c| c != '=') {
        bits = bits << 6 | A.find(c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push_str(&format!("{:02x}", (bits >> n) & 0xff));
        }
    }
    out
}
