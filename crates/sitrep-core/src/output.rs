//! The JSON shape of `sitrep extract --json` (see the evaluation's `extract.schema.json`).

use serde_json::{json, Value};

use crate::document::Document;

/// The document as one JSON object: `document`, `entities`, `dates`, `events`.
pub fn extract_json(doc: &Document, with_text: bool) -> Value {
    let paragraphs: Vec<Value> = doc
        .paragraphs
        .iter()
        .map(|p| json!({"start": p.span.start, "end": p.span.end, "kind": p.kind, "language": p.language}))
        .collect();
    let mut d = json!({
        "source": doc.source,
        "format": doc.format.as_str(),
        "title": doc.meta.title,
        "published": doc.meta.published,
        "published_source": doc.meta.published_source,
        "author": doc.meta.author,
        "outlet": doc.meta.outlet,
        "url": doc.meta.url,
        "language": doc.language,
        "paragraphs": paragraphs,
        "sentences": doc.sentences.len(),
    });
    if with_text {
        d["text"] = Value::String(doc.text.clone());
    }
    json!({
        "document": d,
        "entities": doc.entities,
        "dates": doc.dates,
        "events": doc.events,
    })
}
