//! The pipeline: stages that each declare what they need and what they fill in,
//! run in an order the pipeline checks when it is built.

use std::path::Path;
use std::sync::Arc;

use crate::clean;
use crate::document::{AnchorSource, BlockKind, DateMention, Document, Paragraph, Timex};
use crate::error::{Error, Result};
use crate::extract::{entities, events, time};
use crate::kb::Kb;
use crate::read::{self, RawDoc, ReadOptions};
use crate::{lang, sentence};

/// A part of a document that a stage fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Cleaned text, paragraphs, offsets.
    Text,
    /// Language of the document and its paragraphs.
    Language,
    /// Sentence spans.
    Sentences,
    /// Publication date (the anchor).
    Published,
    /// Entities.
    Entities,
    /// Dates.
    Dates,
    /// Events.
    Events,
}

/// One step of the pipeline.
pub trait Stage: Send + Sync {
    /// Name, for errors and timings.
    fn name(&self) -> &'static str;
    /// Fields that must be filled before this stage runs.
    fn requires(&self) -> &'static [Field] {
        &[]
    }
    /// Fields this stage fills.
    fn assigns(&self) -> &'static [Field];
    /// Runs the stage on one document.
    fn process(&self, doc: &mut Document) -> Result<()>;
}

/// Options of a pipeline run.
#[derive(Debug, Clone, Default)]
pub struct PipelineOptions {
    /// Reading limits.
    pub read: ReadOptions,
    /// Publication date given by the caller (overrides what the document says).
    pub published: Option<chrono::NaiveDate>,
    /// A user's actors file, added to the built-in knowledge base.
    pub actors: Option<std::path::PathBuf>,
}

/// Stage: language of each paragraph and of the document.
struct LangStage;

impl Stage for LangStage {
    fn name(&self) -> &'static str {
        "lang"
    }
    fn requires(&self) -> &'static [Field] {
        &[Field::Text]
    }
    fn assigns(&self) -> &'static [Field] {
        &[Field::Language]
    }
    fn process(&self, doc: &mut Document) -> Result<()> {
        // Headings and bylines are short, and the statistical detector misfires on short
        // text: unless their script or function words decide, they take the language of
        // the body (judged first), and the detector runs only when the body has none.
        let mut undecided = Vec::new();
        for (i, p) in doc.paragraphs.iter_mut().enumerate() {
            let t = &doc.text[p.span.start..p.span.end];
            let found = match lang::paragraph_by_rules(t) {
                Some(decided) => decided,
                None if p.kind == BlockKind::Body => lang::paragraph_statistical(t),
                None => {
                    undecided.push(i);
                    None
                }
            };
            p.language = found.map(str::to_string);
        }
        let body = doc
            .paragraphs
            .iter()
            .filter(|p| p.kind == BlockKind::Body)
            .map(|p| (&doc.text[p.span.start..p.span.end], p.language.as_deref()));
        let mut l = lang::detect_document(body);
        if l == "und" {
            l = lang::detect(&doc.text).unwrap_or("und");
        }
        doc.language = l.to_string();
        for i in undecided {
            let p = &mut doc.paragraphs[i];
            p.language = if l == "und" {
                lang::paragraph_statistical(&doc.text[p.span.start..p.span.end]).map(str::to_string)
            } else {
                Some(l.to_string())
            };
        }
        Ok(())
    }
}

/// Stage: sentence spans.
struct SentenceStage;

impl Stage for SentenceStage {
    fn name(&self) -> &'static str {
        "sentences"
    }
    fn requires(&self) -> &'static [Field] {
        &[Field::Text]
    }
    fn assigns(&self) -> &'static [Field] {
        &[Field::Sentences]
    }
    fn process(&self, doc: &mut Document) -> Result<()> {
        doc.sentences = sentence::split(&doc.text);
        Ok(())
    }
}

/// Stage: the publication date from a byline or dateline, when metadata gave none.
struct PublishedStage;

impl Stage for PublishedStage {
    fn name(&self) -> &'static str {
        "published"
    }
    fn assigns(&self) -> &'static [Field] {
        &[Field::Published]
    }
    fn process(&self, doc: &mut Document) -> Result<()> {
        if doc.meta.published.is_some() {
            return Ok(());
        }
        if let Some((d, _, _)) = time::find_publication_date(&doc.text) {
            doc.meta.published = Some(d.format("%Y-%m-%d").to_string());
            doc.meta.published_source = Some(AnchorSource::Byline);
        } else {
            doc.meta.published_source = Some(AnchorSource::None);
        }
        Ok(())
    }
}

/// The language of the temporal tagger for a document language.
pub fn time_lang(lang: &str) -> time::TimeLang {
    match lang {
        "fr" => time::TimeLang::Fr,
        "ar" => time::TimeLang::Ar,
        _ => time::TimeLang::En,
    }
}

/// Stage: temporal expressions normalised against the publication date.
struct DatesStage;

impl Stage for DatesStage {
    fn name(&self) -> &'static str {
        "dates"
    }
    fn requires(&self) -> &'static [Field] {
        &[Field::Language, Field::Published]
    }
    fn assigns(&self) -> &'static [Field] {
        &[Field::Dates]
    }
    fn process(&self, doc: &mut Document) -> Result<()> {
        let anchor = doc
            .meta
            .published
            .as_deref()
            .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok());
        let found = time::tag(&doc.text, time_lang(&doc.language), anchor);
        doc.dates = found
            .iter()
            .filter_map(|t| {
                let span = t.span?;
                Some(DateMention {
                    text: t.text.clone(),
                    start: t.start,
                    end: t.end,
                    value: t.calendar_value()?,
                    granularity: span.granularity.as_str().to_string(),
                    range_start: span.first.format("%Y-%m-%d").to_string(),
                    range_end: span.last.format("%Y-%m-%d").to_string(),
                    relative: t.relative,
                    names_event: t.names_event,
                })
            })
            .collect();
        doc.timexes = found
            .into_iter()
            .map(|t| Timex {
                text: t.text,
                start: t.start,
                end: t.end,
                kind: t.kind,
                value: t.value,
                modifier: t.modifier,
            })
            .collect();
        Ok(())
    }
}

/// Stage: named entities with their aliases, linked to the knowledge base.
struct EntitiesStage {
    kb: Arc<Kb>,
}

impl Stage for EntitiesStage {
    fn name(&self) -> &'static str {
        "entities"
    }
    fn requires(&self) -> &'static [Field] {
        &[Field::Sentences, Field::Language]
    }
    fn assigns(&self) -> &'static [Field] {
        &[Field::Entities]
    }
    fn process(&self, doc: &mut Document) -> Result<()> {
        doc.entities = entities::extract(doc, &self.kb);
        Ok(())
    }
}

/// Stage: coded events.
struct EventsStage {
    kb: Arc<Kb>,
}

impl Stage for EventsStage {
    fn name(&self) -> &'static str {
        "events"
    }
    fn requires(&self) -> &'static [Field] {
        &[Field::Entities, Field::Dates]
    }
    fn assigns(&self) -> &'static [Field] {
        &[Field::Events]
    }
    fn process(&self, doc: &mut Document) -> Result<()> {
        doc.events = events::extract(doc, &self.kb);
        Ok(())
    }
}

/// The configured sequence of stages.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    opts: PipelineOptions,
}

impl Pipeline {
    /// The standard pipeline.
    pub fn new(opts: PipelineOptions) -> Result<Self> {
        let kb = match &opts.actors {
            Some(p) => Arc::new(Kb::with_actors_file(p)?),
            None => Kb::global(),
        };
        let stages: Vec<Box<dyn Stage>> = vec![
            Box::new(LangStage),
            Box::new(SentenceStage),
            Box::new(PublishedStage),
            Box::new(DatesStage),
            Box::new(EntitiesStage { kb: kb.clone() }),
            Box::new(EventsStage { kb }),
        ];
        Self::with_stages(stages, opts)
    }

    /// A pipeline of the given stages; fails when a stage needs a field no earlier stage fills.
    pub fn with_stages(stages: Vec<Box<dyn Stage>>, opts: PipelineOptions) -> Result<Self> {
        let mut have = vec![Field::Text];
        for s in &stages {
            for r in s.requires() {
                if !have.contains(r) {
                    return Err(Error::Invalid(format!(
                        "pipeline: stage `{}` needs {:?}, which no earlier stage fills",
                        s.name(),
                        r
                    )));
                }
            }
            have.extend_from_slice(s.assigns());
        }
        Ok(Pipeline { stages, opts })
    }

    /// The options.
    pub fn options(&self) -> &PipelineOptions {
        &self.opts
    }

    /// Reads a file and runs the pipeline on each document in it (a feed holds several).
    pub fn process_path(&self, path: &Path) -> Result<Vec<Document>> {
        let raws = read::read_path(path, &self.opts.read)?;
        raws.into_iter().map(|r| self.process_raw(r)).collect()
    }

    /// Reads bytes and runs the pipeline on each document in them.
    pub fn process_bytes(&self, source: &str, bytes: &[u8], ext: &str) -> Result<Vec<Document>> {
        let raws = read::read_bytes(source, bytes, ext, &self.opts.read)?;
        raws.into_iter().map(|r| self.process_raw(r)).collect()
    }

    /// Runs again, with publication date `anchor`, every stage that depends on it
    /// (dates and events); the document keeps its other fields.
    pub fn reanchor(&self, doc: &mut Document, anchor: chrono::NaiveDate) {
        let saved = (doc.meta.published.clone(), doc.meta.published_source);
        doc.meta.published = Some(anchor.format("%Y-%m-%d").to_string());
        for s in &self.stages {
            if s.requires().contains(&Field::Published) || s.requires().contains(&Field::Dates) {
                // a stage failing here leaves the previous result in place
                let _ = s.process(doc);
            }
        }
        (doc.meta.published, doc.meta.published_source) = saved;
    }

    /// Cleans a reader's output and runs every stage on it.
    pub fn process_raw(&self, raw: RawDoc) -> Result<Document> {
        let mut doc = prepare(raw);
        if doc.text.trim().is_empty() {
            return Err(Error::Empty(doc.source));
        }
        if let Some(p) = self.opts.published {
            doc.meta.published = Some(p.format("%Y-%m-%d").to_string());
            doc.meta.published_source = Some(AnchorSource::Given);
        }
        for s in &self.stages {
            s.process(&mut doc)?;
        }
        Ok(doc)
    }
}

/// Cleans a reader's output into a document with no extraction yet.
pub fn prepare(raw: RawDoc) -> Document {
    let c = clean::clean_raw(&raw);
    let mut meta = raw.meta;
    if meta.title.is_none() {
        meta.title = c.title.clone();
    }
    clean::byline::fill_meta(&mut meta, &c.text, &c.blocks);
    if meta.published.is_some() {
        meta.published_source = Some(AnchorSource::Metadata);
    }
    let paragraphs = c
        .blocks
        .iter()
        .map(|(span, kind)| Paragraph {
            span: *span,
            language: None,
            kind: *kind,
        })
        .collect();
    Document {
        source: raw.source,
        format: raw.format,
        meta,
        language: "und".to_string(),
        text: c.text,
        original: raw.text,
        offsets: c.offsets,
        debris: c.debris,
        paragraphs,
        sentences: Vec::new(),
        entities: Vec::new(),
        dates: Vec::new(),
        timexes: Vec::new(),
        events: Vec::new(),
    }
}
