//! The whole pipeline on text: read, clean, language, sentences, entities, dates, events.
//! Every span must lie on char boundaries of the cleaned text, and every cleaned offset must
//! map inside the original.
#![no_main]

mod contained;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sitrep_core::{Document, Pipeline, PipelineOptions};

static PIPELINE: OnceLock<Pipeline> = OnceLock::new();

fn check_span(doc: &Document, what: &str, start: usize, end: usize) {
    let t = &doc.text;
    assert!(
        start <= end && end <= t.len(),
        "{what} {start}..{end} out of {}",
        t.len()
    );
    assert!(
        t.is_char_boundary(start) && t.is_char_boundary(end),
        "{what} {start}..{end} not on char boundaries"
    );
}

fuzz_target!(init: contained::allow_contained_panics(), |data: &[u8]| {
    let p = PIPELINE.get_or_init(|| {
        Pipeline::new(PipelineOptions::default()).expect("the default pipeline builds")
    });
    let Ok(docs) = p.process_bytes("fuzz.txt", data, "txt") else {
        return;
    };
    for d in &docs {
        for i in [0, d.text.len()] {
            let o = d.offsets.to_original(i);
            assert!(o <= d.original.len(), "offset {i} maps to {o}, past the original");
        }
        for para in &d.paragraphs {
            check_span(d, "paragraph", para.span.start, para.span.end);
        }
        for s in &d.sentences {
            check_span(d, "sentence", s.start, s.end);
        }
        for e in &d.entities {
            for m in &e.mentions {
                check_span(d, "mention", m.start, m.end);
                assert_eq!(&d.text[m.start..m.end], m.text, "mention text");
            }
        }
        for t in &d.dates {
            check_span(d, "date", t.start, t.end);
            assert_eq!(&d.text[t.start..t.end], t.text, "date text");
        }
        for ev in &d.events {
            check_span(d, "event", ev.start, ev.end);
        }
    }
});
