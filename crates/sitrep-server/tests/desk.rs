//! The analyst's desk through `Router::oneshot`: stemmed search with paging, facets and
//! checked filters; the corpus at a glance; the timeline chart; watchlists in the store
//! with their forms, "new since last visit", Atom times and validators.
#![allow(clippy::unwrap_used, missing_docs)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_server::{router, AppState, Config};
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{PreparedDoc, SourceWrite, Store};
use tower::ServiceExt;

const TOKEN: &str = "desk-token";

fn add(store: &mut Store, p: &Pipeline, source: &str, text: &str, published: Option<&str>) {
    let docs = p
        .process_bytes(source, text.as_bytes(), "txt")
        .unwrap()
        .into_iter()
        .map(|mut d| {
            d.meta.published = published.map(str::to_string);
            PreparedDoc::new(d).unwrap()
        })
        .collect();
    store
        .write(&SourceWrite {
            source: source.into(),
            content_hash: sha256_hex(text.as_bytes()),
            original: text.as_bytes().to_vec(),
            docs,
        })
        .unwrap();
    store.sync_index().unwrap();
}

/// Reports written for these tests: English ones about soldiers and protests on distinct
/// dates, a French one about demonstrations, one undated.
fn fill(store: &mut Store, p: &Pipeline, n: usize) {
    for i in 0..n {
        let day = 1 + (i % 27);
        add(
            store,
            p,
            &format!("desk/en-{i:02}.txt"),
            &format!(
                "Patrol number {i} reaches the river\n\nRIVERTON, {day} March 2031 - Soldiers of the northern garrison clashed with armed men near Riverton on {day} March 2031, officials said. Report {i} counts the soldiers wounded in the fighting.\n"
            ),
            Some(&format!("2031-03-{day:02}")),
        );
    }
    add(
        store,
        p,
        "desk/fr-01.txt",
        "Les manifestants défilent à Portville\n\nPORTVILLE, 4 avril 2031 - Des milliers de manifestants ont défilé dans les rues de Portville le 4 avril 2031 pour réclamer des élections. Les manifestations se sont poursuivies toute la journée.\n",
        Some("2031-04-04"),
    );
    add(
        store,
        p,
        "desk/en-protest.txt",
        "Crowds protest in Portville\n\nPORTVILLE, 5 April 2031 - Thousands protested in the streets of Portville on 5 April 2031, demanding elections. The protests continued all day.\n",
        Some("2031-04-05"),
    );
    add(
        store,
        p,
        "desk/undated-note.txt",
        "A note without a date\n\nThe garrison commander met the elders of the river villages to discuss the patrols.\n",
        None,
    );
}

fn state(n: usize, config: Config) -> AppState {
    let mut store = Store::in_memory().unwrap();
    let p = Pipeline::new(PipelineOptions::default()).unwrap();
    fill(&mut store, &p, n);
    AppState::new(store, config)
}

fn config() -> Config {
    Config {
        token: Some(TOKEN.into()),
        ..Default::default()
    }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn json(app: &Router, uri: &str) -> serde_json::Value {
    let (s, _, b) = get(app, uri).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {b}");
    serde_json::from_str(&b).unwrap()
}

async fn form(app: &Router, uri: &str, body: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn search_stems_english_and_french() {
    let app = router(state(3, config()));
    // the singular finds the plural (English stemming)
    let v = json(&app, "/api/v1/search?q=soldier").await;
    assert_eq!(v["total"], 3, "{v}");
    let v = json(&app, "/api/v1/search?q=protest").await;
    assert!(v["total"].as_u64().unwrap() >= 1, "{v}");
    let titles = v["hits"].to_string();
    assert!(titles.contains("Crowds protest"), "{titles}");
    // French: "manifestation" finds "manifestations", typed without accents too
    let v = json(&app, "/api/v1/search?q=manifestation").await;
    assert_eq!(v["total"], 1, "{v}");
    let v = json(&app, "/api/v1/search?q=defile").await;
    assert_eq!(v["total"], 1, "{v}");
    // the snippet marks the stemmed form and does not repeat the headline
    let v = json(&app, "/api/v1/search?q=soldier").await;
    for h in v["hits"].as_array().unwrap() {
        let snip = h["snippet_html"].as_str().unwrap();
        let title = h["title"].as_str().unwrap();
        assert!(
            snip.contains("<b>Soldiers</b>") || snip.contains("<b>soldiers</b>"),
            "{snip}"
        );
        assert!(!snip.contains(title), "{snip} repeats {title}");
    }
    // a word no report has finds nothing
    let v = json(&app, "/api/v1/search?q=submarine").await;
    assert_eq!(v["total"], 0);
}

#[tokio::test]
async fn search_pages_and_counts_facets_over_every_match() {
    let app = router(state(25, config()));
    let v = json(&app, "/api/v1/search?q=soldiers&limit=10").await;
    assert_eq!(v["total"], 25);
    assert_eq!(v["pages"], 3);
    assert_eq!(v["hits"].as_array().unwrap().len(), 10);
    let p3 = json(&app, "/api/v1/search?q=soldiers&limit=10&page=3").await;
    assert_eq!(p3["hits"].as_array().unwrap().len(), 5);
    let p1 = json(&app, "/api/v1/search?q=soldiers&limit=10&page=1").await;
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["doc_id"].as_i64().unwrap())
            .collect()
    };
    let (a, c) = (ids(&p1), ids(&p3));
    assert!(a.iter().all(|x| !c.contains(x)), "pages overlap");
    // facets count every match, and following one gives the count it showed
    let langs = v["languages"].as_array().unwrap();
    let en = langs.iter().find(|l| l[0] == "en").unwrap()[1]
        .as_u64()
        .unwrap();
    assert_eq!(en, 25, "{langs:?}");
    let years = v["years"].as_array().unwrap();
    assert_eq!(years[0][0], "2031");
    assert_eq!(years[0][1], 25);
    for e in v["entities"].as_array().unwrap().iter().take(3) {
        let key = e[0].as_str().unwrap();
        let n = e[2].as_u64().unwrap();
        let f = json(
            &app,
            &format!(
                "/api/v1/search?q=soldiers&entity={}",
                sitrep_server::html::urlenc(key)
            ),
        )
        .await;
        assert_eq!(f["total"].as_u64().unwrap(), n, "facet {key}");
    }
    // the page links to the next page
    let (_, _, page) = get(&app, "/?q=soldiers").await;
    assert!(page.contains("rel=\"next\""), "{page}");
    assert!(page.contains("page=2"));
    let (_, _, page2) = get(&app, "/?q=soldiers&page=2").await;
    assert!(page2.contains("rel=\"prev\""));
}

#[tokio::test]
async fn bad_filters_are_a_400_that_says_why() {
    let app = router(state(1, config()));
    for (uri, says) in [
        ("/api/v1/search?from=2013-13-45", "from=2013-13-45"),
        ("/api/v1/search?type=riot", "type=riot"),
        ("/api/v1/search?to=2013-02-30", "to=2013-02-30"),
        ("/api/v1/search?from=2014&to=2013", "after"),
        ("/api/v1/timeline?type=riot", "type=riot"),
    ] {
        let (s, _, b) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {b}");
        assert!(b.contains(says), "{uri}: {b}");
    }
    for uri in [
        "/?from=2013-13-45",
        "/?type=riot",
        "/timeline?from=2013-13-45",
    ] {
        let (s, h, b) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert!(h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(
            b.contains("YYYY-MM-DD") || b.contains("event type"),
            "{uri}: {b}"
        );
    }
    // good filters still work
    let (s, _, _) = get(&app, "/?from=2031-03&to=2031-04-30&type=combat").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn the_empty_query_shows_the_corpus_at_a_glance() {
    let app = router(state(4, config()));
    let (s, _, page) = get(&app, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("The corpus at a glance"), "{page}");
    assert!(page.contains("Events per week by type"));
    assert!(page.contains("<svg class=\"series\""));
    assert!(page.contains("Latest events"));
    assert!(page.contains("Top entities"));
    assert!(page.contains("Sources"));
    // the latest published first, not by id
    let v = json(&app, "/api/v1/search").await;
    let first = v["hits"][0]["published"].as_str().unwrap().to_string();
    assert_eq!(first, "2031-04-05", "{v}");
    // a query has no overview
    let (_, _, q) = get(&app, "/?q=soldiers").await;
    assert!(!q.contains("The corpus at a glance"));
    // the navigation names the watchlists
    assert!(page.contains("href=\"/watchlists\""));
}

#[tokio::test]
async fn timeline_draws_a_chart_groups_by_day_and_keeps_filters_in_links() {
    let app = router(state(6, config()));
    let (s, _, t) = get(&app, "/timeline").await;
    assert_eq!(s, StatusCode::OK);
    assert!(t.contains("<svg class=\"series\""), "{t}");
    assert!(t.contains("aria-label=\"Events per week by type\""));
    assert!(t.contains("<rect class=\"bar\""));
    assert!(t.contains("<h2 class=\"day\">2031-03-0"), "{t}");
    assert!(!t.contains("<script"));
    let (_, _, d) = get(&app, "/timeline?group=day&type=combat").await;
    assert!(d.contains("aria-label=\"Events per day by type\""), "{d}");
    // every bar links to the timeline of its period with the filters kept
    assert!(d.contains("type=combat&amp;from=2031-03-0"), "{d}");
    let (s, _, _) = get(&app, "/timeline?group=year").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn watchlist_forms_need_the_token_and_ids_are_never_reused() {
    let st = state(2, config());
    let app = router(st.clone());
    let (s, _, b) = form(&app, "/watchlists", "name=Garrison&q=soldier&token=wrong").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert!(b.contains("token"));
    let (s, h, _) = form(
        &app,
        "/watchlists",
        "name=Garrison&q=soldier&token=desk-token",
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/watchlists/1");
    let (s, _, b) = form(&app, "/watchlists", "name=Bad&type=riot&token=desk-token").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    // listed, with its new documents counted until its results are opened
    let (_, _, list) = get(&app, "/watchlists").await;
    assert!(list.contains("Garrison"));
    assert!(list.contains("2 new"), "{list}");
    let (s, _, res) = get(&app, "/watchlists/1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(res.contains("2 new"), "{res}");
    assert!(res.contains("class=\"tag new\""));
    let (_, _, list) = get(&app, "/watchlists").await;
    assert!(!list.contains("2 new"), "{list}");
    let v = json(&app, "/api/v1/watchlists/1").await;
    assert_eq!(v["new_since_visit"], 0);
    // edit
    let (_, _, e) = get(&app, "/watchlists/1/edit").await;
    assert!(e.contains("value=\"Garrison\""));
    let (s, _, _) = form(
        &app,
        "/watchlists/1/edit",
        "name=Protests&q=protest&token=desk-token",
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let v = json(&app, "/api/v1/watchlists/1").await;
    assert_eq!(v["name"], "Protests");
    assert_eq!(v["q"], "protest");
    // delete, then a new one gets a fresh id
    let (s, _, _) = form(&app, "/watchlists/1/delete", "token=nope").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = form(&app, "/watchlists/1/delete", "token=desk-token").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, _) = get(&app, "/watchlists/1").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, h, _) = form(&app, "/watchlists", "name=Again&token=desk-token").await;
    assert_eq!(h[header::LOCATION], "/watchlists/2");
    // read-only servers refuse the forms
    let ro = router(state(
        1,
        Config {
            token: Some(TOKEN.into()),
            read_only: true,
            ..Default::default()
        },
    ));
    let (s, _, _) = form(&ro, "/watchlists", "name=x&token=desk-token").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn atom_times_and_validators() {
    let st = state(1, config());
    let app = router(st.clone());
    let (s, _, _) = form(
        &app,
        "/watchlists",
        "name=Garrison&q=garrison&token=desk-token",
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, h, feed) = get(&app, "/watch/1/feed.atom").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!feed.contains("1970-01-01"), "{feed}");
    // the undated note is dated by when it was stored (this year, not the epoch)
    let this_year = chrono::Utc::now().format("%Y-").to_string();
    assert!(feed.contains(&format!("<updated>{this_year}")), "{feed}");
    assert!(
        feed.contains("<updated>2031-03-01T00:00:00Z</updated>"),
        "{feed}"
    );
    let etag = h[header::ETAG].to_str().unwrap().to_string();
    let modified = h[header::LAST_MODIFIED].to_str().unwrap().to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let (s, _, body) = send(
        &app,
        Request::get("/watch/1/feed.atom")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    let (s, _, _) = send(
        &app,
        Request::get("/watch/1/feed.atom")
            .header(header::IF_MODIFIED_SINCE, &modified)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    let (s, _, _) = send(
        &app,
        Request::get("/watch/1/feed.atom")
            .header(header::IF_NONE_MATCH, "\"other\"")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn legacy_watchlists_json_moves_into_the_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        Store::open(dir.path()).unwrap();
    }
    std::fs::write(
        dir.path().join("watchlists.json"),
        r#"[{"id": 4, "name": "Old one", "q": "garrison", "created": "2030-01-01T00:00:00Z"}]"#,
    )
    .unwrap();
    let mut store = Store::open_reader(dir.path()).unwrap();
    let all = store.watchlists().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, 4);
    assert_eq!(all[0].name, "Old one");
    assert!(!dir.path().join("watchlists.json").exists());
    assert!(dir.path().join("watchlists.json.imported").exists());
    // the next id follows the imported ones
    let w = store
        .add_watchlist(&sitrep_store::WatchlistSpec {
            name: "New".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(w.id, 5);
    // a corrupt file is reported, not read as empty, and left in place
    let dir2 = tempfile::tempdir().unwrap();
    {
        Store::open(dir2.path()).unwrap();
    }
    std::fs::write(dir2.path().join("watchlists.json"), "[{\"id\": 1, \"na").unwrap();
    let mut store2 = Store::open_reader(dir2.path()).unwrap();
    let e = store2.watchlists().unwrap_err().to_string();
    assert!(
        e.contains("watchlists.json") && e.contains("not a valid"),
        "{e}"
    );
    assert!(dir2.path().join("watchlists.json").exists());
    let app = router(AppState::new(store2, config()));
    let (s, _, b) = get(&app, "/api/v1/watchlists").await;
    assert_ne!(s, StatusCode::OK);
    assert!(b.contains("watchlists.json"), "{b}");
}
