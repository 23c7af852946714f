//! Search queries against a small in-memory index: tantivy's query parser (strict, then
//! lenient), the filters and their date keys, snippets. The first line is the query; the
//! next lines fill, in order, entity, event type, from, to, language and source (an empty
//! line leaves a filter unset). Errors (bad dates) are fine; panics are not.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use sitrep_core::{Pipeline, PipelineOptions};
use sitrep_store::index::date_key;
use sitrep_store::{SearchFilters, SearchIndex};

const DOCS: [&str; 3] = [
    "Published: 14 March 2013\n\nFrench troops took control of Timbuktu on Monday, two days \
     after clashes with Ansar Dine near Gao. The Malian army said 12 soldiers were killed.",
    "Bamako, 2012-03-22 — Soldiers seized the presidential palace in a coup; President Amadou \
     Toumani Touré fled. ECOWAS condemned the mutiny.",
    "Le 11 janvier 2013, la France a lancé l'opération Serval au Mali. Des frappes aériennes \
     ont visé Konna et Diabaly.",
];

static INDEX: OnceLock<Mutex<(SearchIndex, Vec<String>)>> = OnceLock::new();

fn index() -> &'static Mutex<(SearchIndex, Vec<String>)> {
    INDEX.get_or_init(|| {
        // libfuzzer-sys's panic hook aborts at once, even inside the `catch_unwind` with which
        // the index turns a search engine panic into an error; replace it (a panic that
        // escapes the target still aborts: libfuzzer-sys catches it and aborts).
        // It prints one line, not a backtrace: tantivy's contained panics are frequent.
        std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
        let p = Pipeline::new(PipelineOptions::default()).expect("pipeline");
        let mut ix = SearchIndex::in_memory().expect("index");
        let mut texts = Vec::new();
        for (i, t) in DOCS.iter().enumerate() {
            let src = format!("https://www.example.org/{i}.txt");
            for d in p.process_bytes(&src, t.as_bytes(), "txt").expect("sample") {
                ix.put(texts.len() as i64, &d, std::slice::from_ref(&src))
                    .expect("put");
                texts.push(d.text);
            }
        }
        ix.commit().expect("commit");
        Mutex::new((ix, texts))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = s.split('\n');
    let query = lines.next().unwrap_or("");
    let mut next = || lines.next().filter(|l| !l.is_empty()).map(str::to_string);
    let filters = SearchFilters {
        entity: next(),
        event_type: next(),
        from: next(),
        to: next(),
        lang: next(),
        source: next(),
    };
    for d in [&filters.from, &filters.to].into_iter().flatten() {
        let _ = date_key(d, true);
        let _ = date_key(d, false);
    }
    let guard = index().lock().unwrap_or_else(|e| e.into_inner());
    let (ix, texts) = &*guard;
    let text_of = |id: i64| texts.get(usize::try_from(id).ok()?).cloned();
    if let Ok(hits) = ix.search(query, &filters, 10, text_of) {
        assert!(hits.len() <= 10);
        // Counting visits every match where the top 10 may stop early, so it can reach a
        // document on which tantivy trips one of its debug assertions when the search did
        // not (an exclusion over a phrase, tantivy 0.27): that must come back as the
        // engine-failure error, never as a panic or another error.
        match ix.count(query, &filters) {
            Ok(n) => assert!(n >= hits.len(), "count {n} < {} hits", hits.len()),
            Err(sitrep_store::Error::Invalid(m)) if m.contains("search engine failed") => {}
            Err(e) => panic!("count failed after a successful search: {e:?}"),
        }
    }
});
