//! One conformance suite, run against both stores: SQLite + tantivy in a data folder, and
//! PostgreSQL (a throwaway cluster started for this test binary). Every test is written
//! once, against `Store`, and instantiated per backend by `conformance!`.
//!
//! The PostgreSQL tests are reported ignored when no PostgreSQL server binaries were found
//! when the tests were built (`build.rs`), except under `CI`, where they always run and a
//! server that cannot start fails them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use sitrep_core::document::{Entity, EntityType, Event, EventType, Mention, Span};
use sitrep_core::translate::Translation;
use sitrep_core::{Document, Pipeline, PipelineOptions};
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{
    DocOutcome, IngestState, PreparedDoc, SearchFilters, SourceWrite, Store, Validators,
    WebhookDelivery,
};

const MALI: &str = "Tuareg rebels of the Mouvement national de libération de l'Azawad seized the \
    northern town of Kidal on Friday after two days of fighting, residents said, while the army \
    withdrew its remaining units toward Gao and the capital Bamako braced for further unrest.";

const FLOOD: &str =
    "Heavy rains flooded the capital overnight, cutting power to thousands of homes \
    and closing schools while the weather service warned of more storms to come this week across \
    the southern provinces and the coastal plain.";

const FRENCH: &str =
    "Les soldats ont repris la ville de Tessalit mardi après trois jours de combats \
    acharnés, selon des habitants joints par téléphone, tandis que les rebelles se retiraient vers \
    les montagnes du nord du pays.";

const ARABIC: &str = "أعلن الجيش سيطرته على مدينة تمبكتو بعد معارك عنيفة استمرت يومين وقال سكان \
    إن المتمردين انسحبوا نحو الصحراء في شمال البلاد مع حلول الليل";

/// A store of one backend; `open` opens the same store again (another process would).
struct Backend {
    open: Box<dyn Fn() -> Store + Send + Sync>,
    _guard: Option<tempfile::TempDir>,
}

fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    Backend {
        open: Box::new(move || Store::open(&path).unwrap()),
        _guard: Some(dir),
    }
}

fn postgres() -> Backend {
    use std::sync::OnceLock;
    static CLUSTER: OnceLock<std::result::Result<sitrep_store::pg::cluster::TestCluster, String>> =
        OnceLock::new();
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let cluster = CLUSTER.get_or_init(sitrep_store::pg::cluster::TestCluster::start);
    let cluster = match cluster {
        Ok(c) => c,
        Err(e) => panic!("could not start a throwaway PostgreSQL cluster: {e}"),
    };
    let url = cluster
        .create_database(&format!("conf{}", SEQ.fetch_add(1, Ordering::Relaxed)))
        .unwrap();
    Backend {
        open: Box::new(move || Store::open(std::path::Path::new(&url)).unwrap()),
        _guard: None,
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite_store {
            $( #[test] fn $name() { super::$name(&super::sqlite()); } )*
        }
        mod postgres_store {
            $(
                #[test]
                #[cfg_attr(not(pg_available), ignore = "no PostgreSQL server binaries found when built (install postgresql; CI always runs these)")]
                fn $name() { super::$name(&super::postgres()); }
            )*
        }
    };
}

conformance!(
    documents_read_back_whole,
    exact_and_near_duplicates_are_not_stored_again,
    a_batch_of_sources_gives_each_its_outcome_and_status,
    failures_and_statuses,
    search_with_filters,
    search_in_french_and_arabic,
    snippets_are_escaped_and_mark_the_words,
    translations_make_english_queries_find_the_original,
    matching_restricts_a_search_to_given_documents,
    entity_aggregates_and_recent_documents,
    tracking_is_remembered_across_opens,
    reindexing_everything_keeps_every_document_once,
);

fn doc(source: &str, text: &str) -> Document {
    let p = Pipeline::new(PipelineOptions::default()).unwrap();
    let mut d = p
        .process_bytes(source, text.as_bytes(), "txt")
        .unwrap()
        .remove(0);
    d.meta.title = Some(format!("Title of {source}"));
    d
}

fn source_write(source: &str, docs: Vec<Document>) -> SourceWrite {
    SourceWrite {
        source: source.to_string(),
        content_hash: sha256_hex(source.as_bytes()),
        original: source.as_bytes().to_vec(),
        docs: docs
            .into_iter()
            .map(|d| PreparedDoc::new(d).unwrap())
            .collect(),
    }
}

fn write(store: &mut Store, source: &str, docs: Vec<Document>) -> Vec<DocOutcome> {
    store.write(&source_write(source, docs)).unwrap()
}

fn stored(o: &[DocOutcome]) -> i64 {
    match o[0] {
        DocOutcome::Stored(id) => id,
        other => panic!("not stored: {other:?}"),
    }
}

fn mali_doc(source: &str) -> Document {
    let mut d = doc(source, MALI);
    d.meta.published = Some("2012-03-30".into());
    d.entities.push(Entity {
        id: Some("Q1142453".into()),
        name: "National Movement for the Liberation of Azawad".into(),
        kind: EntityType::Organization,
        subtype: Some("armed_group".into()),
        aliases: vec![
            "MNLA".into(),
            "Mouvement national de libération de l'Azawad".into(),
        ],
        mentions: vec![Mention {
            start: 21,
            end: 67,
            text: "Mouvement national de libération de l'Azawad".into(),
        }],
        geo: None,
    });
    d.events.push(Event {
        kind: EventType::Combat,
        date: Some("2012-03-30".into()),
        date_confidence: 1.0,
        actors: vec!["MNLA".into()],
        targets: vec!["Kidal".into()],
        place: Some("Kidal".into()),
        trigger: "seized".into(),
        text: MALI.into(),
        start: 0,
        end: 100,
        quantities: vec![],
        claimed_by: None,
        modality: "asserted".into(),
    });
    d
}

fn documents_read_back_whole(b: &Backend) {
    let mut s = (b.open)();
    let original = mali_doc("a.txt");
    let id = stored(&write(&mut s, "a.txt", vec![original.clone()]));
    drop(s);
    let s = (b.open)();
    let d = s.db().get(id).unwrap().unwrap();
    assert_eq!(d.source, "a.txt");
    assert_eq!(d.title.as_deref(), Some("Title of a.txt"));
    assert_eq!(d.published.as_deref(), Some("2012-03-30"));
    assert_eq!(d.text, original.text);
    assert_eq!(d.document.text, original.text);
    assert_eq!(d.document.entities, original.entities);
    assert_eq!(d.document.events, original.events);
    assert_eq!(d.document.dates, original.dates);
    assert_eq!(
        s.db().text(id).unwrap().as_deref(),
        Some(original.text.as_str())
    );
    assert_eq!(s.db().original(id).unwrap().unwrap(), b"a.txt");
    assert_eq!(s.db().sources_of(id).unwrap(), vec!["a.txt"]);
    assert_eq!(s.document_count().unwrap(), 1);
    assert!(s.db().get(id + 1000).unwrap().is_none());
    let st = s.db().status("a.txt").unwrap().unwrap();
    assert_eq!(st.state, IngestState::Done);
    assert_eq!(st.attempts, 1);
    assert_eq!(
        st.content_hash.as_deref(),
        Some(sha256_hex(b"a.txt").as_str())
    );
}

fn exact_and_near_duplicates_are_not_stored_again(b: &Backend) {
    let mut s = (b.open)();
    let id = stored(&write(&mut s, "a.txt", vec![doc("a.txt", MALI)]));
    // same words, other whitespace: exact duplicate
    let out = write(
        &mut s,
        "https://news.example.net/b",
        vec![doc("https://news.example.net/b", &MALI.replace(' ', "  "))],
    );
    assert_eq!(
        out[0],
        DocOutcome::Duplicate {
            of: id,
            exact: true
        }
    );
    // one word changed at the end: near duplicate
    let out = write(
        &mut s,
        "c.txt",
        vec![doc("c.txt", &MALI.replace("unrest", "violence"))],
    );
    assert_eq!(
        out[0],
        DocOutcome::Duplicate {
            of: id,
            exact: false
        }
    );
    // unrelated text: stored
    let flood = stored(&write(&mut s, "d.txt", vec![doc("d.txt", FLOOD)]));
    assert_ne!(flood, id);
    // a short text (too few shingles for near-duplicate detection) with one word changed
    let short = stored(&write(
        &mut s,
        "e.txt",
        vec![doc("e.txt", "Troops entered Gao on Monday.")],
    ));
    let out = write(
        &mut s,
        "f.txt",
        vec![doc("f.txt", "Troops entered Gao on Tuesday.")],
    );
    assert!(
        matches!(out[0], DocOutcome::Stored(x) if x != short),
        "{out:?}"
    );
    assert_eq!(s.document_count().unwrap(), 4);
    // in the order they were added; sources added within one millisecond by name
    let mut sources = s.db().sources_of(id).unwrap();
    assert_eq!(sources[0], "a.txt");
    sources.sort();
    assert_eq!(
        sources,
        vec!["a.txt", "c.txt", "https://news.example.net/b"]
    );
    let st = s.db().status("c.txt").unwrap().unwrap();
    assert_eq!(st.state, IngestState::Duplicate);
    assert_eq!(st.reason, Some(format!("duplicate of {id}")));
    // the reprint's host finds the original through the source filter
    s.sync_index().unwrap();
    let f = SearchFilters {
        source: Some("news.example.net".into()),
        ..SearchFilters::default()
    };
    let hits = s.search("", &f, 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.doc_id).collect::<Vec<_>>(), vec![id]);
}

fn a_batch_of_sources_gives_each_its_outcome_and_status(b: &Backend) {
    let mut s = (b.open)();
    let feed = source_write(
        "feed.xml",
        vec![doc("feed.xml#1", MALI), doc("feed.xml#2", FLOOD)],
    );
    let reprint = source_write("reprint.txt", vec![doc("reprint.txt", MALI)]);
    let out = s.write_many(&[&feed, &reprint]).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].len(), 2);
    let first = stored(&out[0]);
    assert!(matches!(out[0][1], DocOutcome::Stored(_)));
    // a duplicate of a document written earlier in the same transaction
    assert_eq!(
        out[1][0],
        DocOutcome::Duplicate {
            of: first,
            exact: true
        }
    );
    assert_eq!(
        s.db().status("feed.xml").unwrap().unwrap().state,
        IngestState::Done
    );
    assert_eq!(
        s.db().status("reprint.txt").unwrap().unwrap().state,
        IngestState::Duplicate
    );
    assert_eq!(
        s.db().sources_of(first).unwrap(),
        vec!["feed.xml#1", "reprint.txt"]
    );
    s.sync_index().unwrap();
    let f = SearchFilters {
        source: Some("reprint.txt".into()),
        ..SearchFilters::default()
    };
    assert_eq!(s.search("Kidal", &f, 10).unwrap().len(), 1);
}

fn failures_and_statuses(b: &Backend) {
    let mut s = (b.open)();
    s.db_mut().queue_sources(&["q1.txt", "q2.txt"]).unwrap();
    write(&mut s, "q1.txt", vec![doc("q1.txt", MALI)]);
    s.fail("bad.pdf", Some("abc"), "not a PDF").unwrap();
    s.fail("bad.pdf", Some("abc"), "still not a PDF").unwrap();
    // queueing again leaves known statuses alone
    s.db_mut().queue_sources(&["q1.txt", "bad.pdf"]).unwrap();
    let bad = s.db().status("bad.pdf").unwrap().unwrap();
    assert_eq!(bad.state, IngestState::Failed);
    assert_eq!(bad.reason.as_deref(), Some("still not a PDF"));
    assert_eq!(bad.attempts, 2);
    let long = "x".repeat(sitrep_store::MAX_REASON_BYTES + 100);
    s.fail("long.txt", None, &long).unwrap();
    assert!(s
        .db()
        .status("long.txt")
        .unwrap()
        .unwrap()
        .reason
        .unwrap()
        .ends_with("(cut)"));
    let counts = s.db().status_counts().unwrap();
    let n = |st: IngestState| counts.iter().find(|(c, _)| *c == st).map_or(0, |(_, n)| *n);
    assert_eq!(n(IngestState::Done), 1);
    assert_eq!(n(IngestState::Queued), 1);
    assert_eq!(n(IngestState::Failed), 2);
    let failed: Vec<String> = s
        .db()
        .statuses(Some(IngestState::Failed))
        .unwrap()
        .into_iter()
        .map(|st| st.source)
        .collect();
    assert_eq!(failed, vec!["bad.pdf", "long.txt"]);
    assert_eq!(s.db().statuses(None).unwrap().len(), 4);
    assert!(s.db().status("never.txt").unwrap().is_none());
}

fn search_with_filters(b: &Backend) {
    let mut s = (b.open)();
    write(
        &mut s,
        "https://www.example.org/mali",
        vec![mali_doc("https://www.example.org/mali")],
    );
    let mut f = doc("flood.txt", FLOOD);
    f.meta.published = Some("2013-07-01".into());
    f.meta.outlet = Some("Weather Desk".into());
    write(&mut s, "flood.txt", vec![f]);
    s.sync_index().unwrap();
    assert_eq!(s.indexed_count(), 2);

    let none = SearchFilters::default();
    let hits = s.search("Kidal", &none, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].published.as_deref(), Some("2012-03-30"));
    assert_eq!(
        hits[0].title.as_deref(),
        Some("Title of https://www.example.org/mali")
    );
    assert_eq!(hits[0].source, "https://www.example.org/mali");
    assert!(hits[0].score > 0.0);
    // an alias the text never uses finds the document through its entity
    assert_eq!(s.search("MNLA", &none, 10).unwrap().len(), 1);
    // a word of neither document finds nothing; a word of both finds both
    assert!(s.search("earthquake", &none, 10).unwrap().is_empty());
    assert_eq!(s.search("capital", &none, 10).unwrap().len(), 2);
    assert_eq!(s.search("capital", &none, 1).unwrap().len(), 1);
    let hits = s.search("flood.txt OR Kidal", &none, 10).unwrap();
    assert_eq!(hits.len(), 2);

    let by = |f: SearchFilters| s.search("", &f, 10).unwrap().len();
    let with = |f: fn(&mut SearchFilters)| {
        let mut x = none.clone();
        f(&mut x);
        by(x)
    };
    assert_eq!(with(|f| f.entity = Some("mnla".into())), 1);
    assert_eq!(with(|f| f.entity = Some("Q1142453".into())), 1);
    assert_eq!(with(|f| f.entity = Some("nobody".into())), 0);
    assert_eq!(with(|f| f.event_type = Some("combat".into())), 1);
    assert_eq!(with(|f| f.event_type = Some("coup".into())), 0);
    assert_eq!(with(|f| f.from = Some("2013".into())), 1);
    assert_eq!(with(|f| f.to = Some("2012-12".into())), 1);
    assert_eq!(
        with(|f| {
            f.from = Some("2012-01-01".into());
            f.to = Some("2013-12-31".into());
        }),
        2
    );
    assert_eq!(with(|f| f.lang = Some("en".into())), 2);
    assert_eq!(with(|f| f.lang = Some("fr".into())), 0);
    assert_eq!(with(|f| f.source = Some("example.org".into())), 1);
    assert_eq!(with(|f| f.source = Some("www.example.org".into())), 1);
    assert_eq!(with(|f| f.source = Some("weather desk".into())), 1);
    assert_eq!(s.count("rains", &none).unwrap(), 1);
    assert_eq!(s.count("", &none).unwrap(), 2);
    let bad = SearchFilters {
        from: Some("soon".into()),
        ..none.clone()
    };
    assert!(s.search("Kidal", &bad, 10).is_err());
}

fn search_in_french_and_arabic(b: &Backend) {
    let mut s = (b.open)();
    let fr = stored(&write(&mut s, "fr.txt", vec![doc("fr.txt", FRENCH)]));
    let ar = stored(&write(&mut s, "ar.txt", vec![doc("ar.txt", ARABIC)]));
    write(&mut s, "en.txt", vec![doc("en.txt", FLOOD)]);
    s.sync_index().unwrap();
    let none = SearchFilters::default();
    let ids = |q: &str| -> Vec<i64> {
        s.search(q, &none, 10)
            .unwrap()
            .iter()
            .map(|h| h.doc_id)
            .collect()
    };
    assert_eq!(ids("soldats"), vec![fr]);
    assert_eq!(ids("Tessalit"), vec![fr]);
    assert_eq!(ids("تمبكتو"), vec![ar]);
    assert_eq!(ids("الجيش"), vec![ar]);
    assert!(ids("inondations").is_empty());
    let only = |lang: &str| SearchFilters {
        lang: Some(lang.into()),
        ..SearchFilters::default()
    };
    assert_eq!(s.count("", &only("fr")).unwrap(), 1);
    assert_eq!(s.count("", &only("ar")).unwrap(), 1);
    assert_eq!(s.count("soldats", &only("en")).unwrap(), 0);
}

fn snippets_are_escaped_and_mark_the_words(b: &Backend) {
    let mut s = (b.open)();
    let text = format!(
        "{MALI} The statement read <script>alert(1)</script> & nothing more was said about Kidal."
    );
    write(&mut s, "x.txt", vec![doc("x.txt", &text)]);
    s.sync_index().unwrap();
    let hits = s.search("Kidal", &SearchFilters::default(), 10).unwrap();
    assert_eq!(hits.len(), 1);
    let snip = &hits[0].snippet_html;
    assert!(snip.contains("<b>Kidal</b>"), "{snip}");
    assert!(!snip.contains("<script>"), "{snip}");
    let all = s.search("", &SearchFilters::default(), 10).unwrap();
    assert!(
        !all[0].snippet_html.contains("<b>"),
        "{}",
        all[0].snippet_html
    );
    assert!(
        all[0].snippet_html.starts_with("Tuareg rebels"),
        "{}",
        all[0].snippet_html
    );
}

fn translations_make_english_queries_find_the_original(b: &Backend) {
    let mut store = (b.open)();
    let fr = doc("fr.txt", FRENCH);
    let len = fr.text.len();
    let id = stored(&write(&mut store, "fr.txt", vec![fr]));
    store.sync_index().unwrap();
    let f = SearchFilters::default();
    assert_eq!(store.count("mountains", &f).unwrap(), 0);
    let t = Translation {
        paragraphs: vec![(
            Span::new(0, len),
            "The soldiers retook the town of Tessalit on Tuesday while the rebels withdrew toward the mountains.".into(),
        )],
        backend: "Apertium fr→es→en".into(),
        seconds: 0.5,
        untranslated: vec![],
        errors: vec![],
        entities_lost: 0,
    };
    store.add_translation(id, &t).unwrap();
    store.sync_index().unwrap();
    let hits = store.search("mountains", &f, 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.doc_id).collect::<Vec<_>>(), vec![id]);
    let stored_t = store.db().translations(id).unwrap();
    assert_eq!(stored_t.len(), 1);
    assert_eq!(stored_t[0].translation, t);
    // the same backend again replaces the row
    store.add_translation(id, &t).unwrap();
    assert_eq!(store.db().translations(id).unwrap().len(), 1);
}

fn matching_restricts_a_search_to_given_documents(b: &Backend) {
    let mut s = (b.open)();
    let a = stored(&write(&mut s, "a.txt", vec![doc("a.txt", MALI)]));
    let c = stored(&write(&mut s, "b.txt", vec![doc("b.txt", FLOOD)]));
    s.sync_index().unwrap();
    let none = SearchFilters::default();
    assert_eq!(s.matching("Kidal", &none, &[a, c]).unwrap(), vec![a]);
    assert!(s.matching("Kidal", &none, &[c]).unwrap().is_empty());
    assert_eq!(s.matching("", &none, &[a, c]).unwrap(), vec![a, c]);
    assert!(s.matching("Kidal", &none, &[]).unwrap().is_empty());
}

fn entity_aggregates_and_recent_documents(b: &Backend) {
    let mut s = (b.open)();
    let wa = source_write("a.txt", vec![mali_doc("a.txt")]);
    let mut later = mali_doc("b.txt");
    later.meta.published = Some("2013-01-11".into());
    later.text.push_str(" Later report.");
    let wb = source_write("b.txt", vec![later]);
    // an exact duplicate in the same transaction counts once
    let wc = source_write("c.txt", vec![mali_doc("a.txt")]);
    s.write_many(&[&wa, &wb, &wc]).unwrap();
    let info = s.db().entity_info("Q1142453").unwrap().unwrap();
    assert_eq!(info.documents, 2);
    assert_eq!(info.name, "National Movement for the Liberation of Azawad");
    assert_eq!(info.kind, "organization");
    assert!(
        info.aliases.iter().any(|a| a == "MNLA"),
        "{:?}",
        info.aliases
    );
    assert_eq!(
        s.db().entity_months("Q1142453").unwrap(),
        vec![("2012-03".to_string(), 1), ("2013-01".to_string(), 1)]
    );
    assert!(s.db().entity_info("no-such-entity").unwrap().is_none());
    // a later transaction adds to them
    let mut d = mali_doc("d.txt");
    d.meta.published = None;
    d.text
        .push_str(" A third, different report with more words in it.");
    write(&mut s, "d.txt", vec![d]);
    assert_eq!(
        s.db().entity_info("Q1142453").unwrap().unwrap().documents,
        3
    );

    // the most recent first, undated last; ranges on the publication date
    let all = s.db().recent_ids(10, None, None).unwrap();
    assert_eq!(all.len(), 3);
    let undated = all[2];
    assert_eq!(s.db().get(undated).unwrap().unwrap().published, None);
    assert_eq!(s.db().recent_ids(1, None, None).unwrap(), vec![all[0]]);
    assert_eq!(
        s.db().recent_ids(10, Some("2013"), None).unwrap(),
        vec![all[0]]
    );
    assert_eq!(
        s.db().recent_ids(10, None, Some("2012-03")).unwrap(),
        vec![all[1]]
    );
    assert_eq!(s.db().recent_ids(10, Some(""), Some("")).unwrap(), all);
}

fn tracking_is_remembered_across_opens(b: &Backend) {
    let mut s = (b.open)();
    let feed = "https://example.org/feed.xml";
    assert!(s.db().seen_feed_items(feed).unwrap().is_empty());
    s.db_mut()
        .mark_feed_items_seen(feed, &["a".into(), "b".into()])
        .unwrap();
    s.db_mut()
        .mark_feed_items_seen(feed, &["b".into(), "c".into()])
        .unwrap();
    assert_eq!(s.db().seen_feed_items(feed).unwrap().len(), 3);
    assert!(s.db().seen_feed_items("other").unwrap().is_empty());
    let v = Validators {
        etag: Some("\"v1\"".into()),
        last_modified: None,
    };
    s.db_mut().set_http_validators(feed, &v).unwrap();
    assert_eq!(s.db().http_validators(feed).unwrap(), Some(v));
    s.db_mut()
        .set_http_validators(feed, &Validators::default())
        .unwrap();
    assert_eq!(s.db().http_validators(feed).unwrap(), None);
    write(&mut s, "a.txt", vec![doc("a.txt", MALI)]);
    s.db_mut().add_status_note("a.txt", "one note").unwrap();
    s.db_mut().add_status_note("a.txt", "two").unwrap();
    assert_eq!(
        s.db().status("a.txt").unwrap().unwrap().reason.as_deref(),
        Some("one note; two")
    );
    let d = WebhookDelivery {
        watchlist_id: 7,
        target: "https://hooks.example.org".into(),
        ok: false,
        status: "HTTP 500".into(),
        matches: 2,
        at: "2024-01-01T00:00:00Z".into(),
    };
    s.db_mut().record_webhook_delivery(&d).unwrap();
    let d2 = WebhookDelivery {
        ok: true,
        status: "HTTP 204".into(),
        ..d
    };
    s.db_mut().record_webhook_delivery(&d2).unwrap();
    assert_eq!(s.db().webhook_delivery(7).unwrap(), Some(d2));
    assert_eq!(s.db().webhook_delivery(8).unwrap(), None);
    drop(s);
    let s = (b.open)();
    assert_eq!(s.db().seen_feed_items(feed).unwrap().len(), 3);
    assert_eq!(
        s.db().webhook_delivery(7).unwrap().map(|d| d.ok),
        Some(true)
    );
}

fn reindexing_everything_keeps_every_document_once(b: &Backend) {
    let mut s = (b.open)();
    let a = stored(&write(&mut s, "a.txt", vec![mali_doc("a.txt")]));
    write(&mut s, "b.txt", vec![doc("b.txt", FLOOD)]);
    write(&mut s, "c.txt", vec![doc("c.txt", MALI)]);
    s.sync_index().unwrap();
    assert_eq!(s.reindex_all().unwrap(), 2);
    assert_eq!(s.indexed_count(), 2);
    assert!(s.db().unindexed(10).unwrap().is_empty());
    let none = SearchFilters::default();
    assert_eq!(
        s.search("Kidal", &none, 10)
            .unwrap()
            .iter()
            .map(|h| h.doc_id)
            .collect::<Vec<_>>(),
        vec![a]
    );
    let f = SearchFilters {
        source: Some("c.txt".into()),
        entity: Some("mnla".into()),
        ..none
    };
    assert_eq!(s.count("", &f).unwrap(), 1);
}

/// PostgreSQL only: many processes write at once. Writers racing with copies and near
/// copies of one text store it once; the others become its duplicates.
#[test]
#[cfg_attr(
    not(pg_available),
    ignore = "no PostgreSQL server binaries found when built (install postgresql; CI always runs these)"
)]
fn concurrent_writers_store_one_text_once() {
    let b = postgres();
    let s = (b.open)();
    s.db().document_count().unwrap();
    drop(s);
    let outcomes: Vec<DocOutcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let b = &b;
                scope.spawn(move || {
                    let mut s = (b.open)();
                    // even writers copy the text exactly, odd ones write a near copy
                    let text = if i % 2 == 0 {
                        MALI.to_string()
                    } else {
                        MALI.replace("unrest", "violence")
                    };
                    let src = format!("w{i}.txt");
                    let filler = source_write(
                        &format!("f{i}.txt"),
                        vec![doc(
                            &format!("f{i}.txt"),
                            &format!(
                                "{FLOOD} Item {i} of a batch from writer {i}, distinct {}.",
                                "x".repeat(i + 1)
                            ),
                        )],
                    );
                    let main = source_write(&src, vec![doc(&src, &text)]);
                    let out = s.write_many(&[&filler, &main]).unwrap();
                    out[1][0]
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let stored_n = outcomes
        .iter()
        .filter(|o| matches!(o, DocOutcome::Stored(_)))
        .count();
    assert_eq!(stored_n, 1, "{outcomes:?}");
    let s = (b.open)();
    let original = s.search("Kidal", &SearchFilters::default(), 10).unwrap();
    assert_eq!(original.len(), 1);
    assert_eq!(s.db().sources_of(original[0].doc_id).unwrap().len(), 6);
}

/// PostgreSQL only: a batch that fails part-way leaves nothing of any of its sources.
#[test]
#[cfg_attr(
    not(pg_available),
    ignore = "no PostgreSQL server binaries found when built (install postgresql; CI always runs these)"
)]
fn a_failed_batch_leaves_nothing_behind() {
    let b = postgres();
    let mut s = (b.open)();
    let good = source_write("good.txt", vec![doc("good.txt", MALI)]);
    let mut bad_doc = doc("bad.txt", FLOOD);
    // PostgreSQL text cannot hold NUL: the write fails after the first source was written
    bad_doc.meta.author = Some("nul\u{0}author".into());
    let bad = source_write("bad.txt", vec![bad_doc]);
    assert!(s.write_many(&[&good, &bad]).is_err());
    assert_eq!(s.document_count().unwrap(), 0);
    assert!(s.db().status("good.txt").unwrap().is_none());
    assert_eq!(s.count("", &SearchFilters::default()).unwrap(), 0);
    // and the store works on
    assert!(matches!(s.write(&good).unwrap()[0], DocOutcome::Stored(_)));
}
