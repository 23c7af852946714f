//! The JSON shape of `sitrep extract --json` (see the evaluation's `extract.schema.json`).

use serde::Serialize;

use crate::document::{AnchorSource, BlockKind, DateMention, Document, Entity, Event, Timex};

/// One document as `sitrep extract --json` prints it: `document`, `entities`, `dates`,
/// `events`. It borrows the document and serialises straight to the output (no
/// intermediate JSON tree).
#[derive(Debug, Serialize)]
pub struct ExtractJson<'a> {
    /// Metadata, language and paragraphs.
    pub document: DocumentJson<'a>,
    /// Entities with their aliases and mentions.
    pub entities: &'a [Entity],
    /// Calendar dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    pub dates: &'a [DateMention],
    /// Every TimeML temporal expression (DATE, TIME, DURATION, SET) with its TimeML value.
    pub timexes: &'a [Timex],
    /// Coded events.
    pub events: &'a [Event],
}

/// The `document` member of [`ExtractJson`].
#[derive(Debug, Serialize)]
pub struct DocumentJson<'a> {
    source: &'a str,
    format: &'a str,
    title: &'a Option<String>,
    published: &'a Option<String>,
    published_source: &'a Option<AnchorSource>,
    author: &'a Option<String>,
    outlet: &'a Option<String>,
    url: &'a Option<String>,
    language: &'a str,
    paragraphs: Vec<ParagraphJson<'a>>,
    sentences: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

/// One paragraph: its span, kind and language.
#[derive(Debug, Serialize)]
struct ParagraphJson<'a> {
    start: usize,
    end: usize,
    kind: BlockKind,
    language: &'a Option<String>,
}

/// The document in the shape of `sitrep extract --json`; the cleaned text only when
/// `with_text`.
pub fn extract_json(doc: &Document, with_text: bool) -> ExtractJson<'_> {
    ExtractJson {
        document: DocumentJson {
            source: &doc.source,
            format: doc.format.as_str(),
            title: &doc.meta.title,
            published: &doc.meta.published,
            published_source: &doc.meta.published_source,
            author: &doc.meta.author,
            outlet: &doc.meta.outlet,
            url: &doc.meta.url,
            language: &doc.language,
            paragraphs: doc
                .paragraphs
                .iter()
                .map(|p| ParagraphJson {
                    start: p.span.start,
                    end: p.span.end,
                    kind: p.kind,
                    language: &p.language,
                })
                .collect(),
            sentences: doc.sentences.len(),
            text: with_text.then_some(doc.text.as_str()),
        },
        entities: &doc.entities,
        dates: &doc.dates,
        timexes: &doc.timexes,
        events: &doc.events,
    }
}
