//! The document model: what flows through the pipeline and comes out as JSON.

use serde::{Deserialize, Serialize};

use crate::clean::OffsetMap;

/// A byte range `[start, end)` in a document's cleaned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Builds a span.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// True when `other` lies inside this span.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The reader that produced a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// An HTML page.
    Html,
    /// A PDF's text layer.
    Pdf,
    /// One item of an RSS or Atom feed.
    Feed,
}

impl Format {
    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Feed => "feed",
        }
    }
}

/// How the publication date (the anchor of relative dates) was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorSource {
    /// Given on the command line (`--published`) or by the caller.
    Given,
    /// From HTML/feed metadata.
    Metadata,
    /// From a byline or dateline near the top of the text.
    Byline,
    /// Inferred from the text (a relative expression whose event is dated elsewhere).
    Inferred,
    /// No anchor: relative expressions were left unresolved.
    None,
}

/// Metadata about a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Title, when one was found.
    pub title: Option<String>,
    /// Publication date (ISO 8601 day), when known.
    pub published: Option<String>,
    /// How `published` was chosen.
    pub published_source: Option<AnchorSource>,
    /// Author or byline.
    pub author: Option<String>,
    /// Outlet or site name.
    pub outlet: Option<String>,
    /// Canonical URL, when the document states one.
    pub url: Option<String>,
}

/// A paragraph of the cleaned text with its detected language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// Where the paragraph lies in the cleaned text.
    pub span: Span,
    /// ISO 639-1 language code, when detection was confident.
    pub language: Option<String>,
    /// Kind of block: body, heading, byline.
    pub kind: BlockKind,
}

/// What a block of text is, as decided by the reader (HTML structure) or the cleaner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Running text.
    Body,
    /// A title or heading.
    Heading,
    /// A byline, dateline or other metadata line: dates count, names do not.
    Byline,
    /// An item of a list.
    ListItem,
    /// A row of a table, its cells on one line.
    TableRow,
    /// A caption of a picture or table.
    Caption,
    /// A quoted passage (`blockquote`).
    Quote,
    /// Page furniture: navigation, teasers, link lists, share bars, footers. Never part of
    /// the cleaned text; kept in [`Document::debris`].
    Debris,
}

/// A block of the reader's text that is not part of the cleaned text (page furniture, or
/// a byline, caption or headline above the article), kept so that a wrong call can be seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// Where it lies in the reader's text ([`Document::original`]).
    pub span: Span,
    /// What it is.
    pub kind: BlockKind,
}

/// Coarse entity type, as in the output schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    /// A person.
    Person,
    /// An organisation: state body, armed group, IGO, company, outlet.
    Organization,
    /// A place: country, region, city, river.
    Place,
    /// Something else with a name: a resolution, a treaty, an operation.
    Other,
}

impl EntityType {
    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Place => "place",
            EntityType::Other => "other",
        }
    }
}

/// Coordinates and country of a geocoded place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geo {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// GeoNames feature code (PPLC, ADM1, PCLI, ...).
    pub feature: Option<String>,
}

/// One occurrence of an entity in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// First byte in the cleaned text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The surface text.
    pub text: String,
}

/// A named entity with all its surface forms in one document (or corpus).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Knowledge-base id when linked.
    pub id: Option<String>,
    /// Canonical name.
    pub name: String,
    /// Coarse type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Finer type: igo, armed_group, military, country, city, region...
    pub subtype: Option<String>,
    /// Every surface form seen.
    pub aliases: Vec<String>,
    /// Every occurrence.
    pub mentions: Vec<Mention>,
    /// Coordinates for places.
    pub geo: Option<Geo>,
}

/// A calendar date or time named in the text: a day, month, season, year or decade
/// (a time of day counts as its day). Durations, sets and other TimeML expressions are
/// in [`Document::timexes`], not here: every entry has a calendar value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateMention {
    /// Surface text.
    pub text: String,
    /// First byte in the cleaned text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// ISO 8601 value truncated to the granularity.
    pub value: String,
    /// day, month, season, year, decade.
    pub granularity: String,
    /// First day covered (ISO 8601).
    pub range_start: String,
    /// Last day covered (ISO 8601).
    pub range_end: String,
    /// True when the value depended on the publication date.
    pub relative: bool,
    /// True when the date names an earlier event rather than dating its sentence ("the
    /// 25 October coup", "le putsch du 22 mars"): the sentence's own events are not on
    /// that date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub names_event: bool,
}

/// A TimeML temporal expression (TIMEX3): a date, a time, a duration or a set, with its
/// TimeML value ("2013-W11", "P3D", "PRESENT_REF", "2012-10-12TAF"…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timex {
    /// Surface text.
    pub text: String,
    /// First byte in the cleaned text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// DATE, TIME, DURATION or SET.
    #[serde(rename = "type")]
    pub kind: crate::extract::time::TimexType,
    /// The TimeML value.
    pub value: String,
    /// The TimeML modifier (START, MID, END, APPROX…), when the text gives one.
    #[serde(rename = "mod", default, skip_serializing_if = "Option::is_none")]
    pub modifier: Option<crate::extract::time::TimexMod>,
}

/// Event types of the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// A resolution adopted by a council or assembly.
    Resolution,
    /// Troops or a mission deployed.
    Deployment,
    /// Armed clashes, offensives, captures of towns.
    Combat,
    /// Attacks on civilians, abuses, executions.
    ViolenceAgainstCivilians,
    /// A coup d'état.
    Coup,
    /// Resignation, arrest, appointment of a leader.
    LeadershipChange,
    /// An election held or scheduled.
    Election,
    /// Talks, agreements, mediation.
    Negotiation,
    /// A declaration, statement, proclamation.
    Declaration,
    /// Sanctions, embargoes, suspensions.
    Sanction,
    /// Humanitarian or financial aid.
    Aid,
    /// Refugees and displacement.
    Displacement,
    /// Any other happening.
    Other,
}

impl EventType {
    /// snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::Resolution => "resolution",
            EventType::Deployment => "deployment",
            EventType::Combat => "combat",
            EventType::ViolenceAgainstCivilians => "violence_against_civilians",
            EventType::Coup => "coup",
            EventType::LeadershipChange => "leadership_change",
            EventType::Election => "election",
            EventType::Negotiation => "negotiation",
            EventType::Declaration => "declaration",
            EventType::Sanction => "sanction",
            EventType::Aid => "aid",
            EventType::Displacement => "displacement",
            EventType::Other => "other",
        }
    }

    /// Parses a snake_case name.
    pub fn parse(s: &str) -> Option<EventType> {
        Some(match s {
            "resolution" => EventType::Resolution,
            "deployment" => EventType::Deployment,
            "combat" => EventType::Combat,
            "violence_against_civilians" => EventType::ViolenceAgainstCivilians,
            "coup" => EventType::Coup,
            "leadership_change" => EventType::LeadershipChange,
            "election" => EventType::Election,
            "negotiation" => EventType::Negotiation,
            "declaration" => EventType::Declaration,
            "sanction" => EventType::Sanction,
            "aid" => EventType::Aid,
            "displacement" => EventType::Displacement,
            "other" => EventType::Other,
            _ => return None,
        })
    }
}

/// What kind of thing a figure counts: figures are compared only within one kind.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// People killed (dead, deaths, killed, morts, tués).
    Killed,
    /// People wounded or injured.
    Wounded,
    /// Soldiers, troops, fighters, peacekeepers, military personnel.
    Troops,
    /// Police officers.
    Police,
    /// Refugees and displaced people.
    Displaced,
    /// People detained, arrested, held or taken hostage.
    Detained,
    /// A count of people not covered by the kinds above (civilians, people, residents).
    People,
    /// A count of things (documents, buildings, tombs, vehicles...).
    #[default]
    Things,
    /// A share in per cent (turnout, votes).
    Percent,
}

impl FigureKind {
    /// snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            FigureKind::Killed => "killed",
            FigureKind::Wounded => "wounded",
            FigureKind::Troops => "troops",
            FigureKind::Police => "police",
            FigureKind::Displaced => "displaced",
            FigureKind::Detained => "detained",
            FigureKind::People => "people",
            FigureKind::Things => "things",
            FigureKind::Percent => "percent",
        }
    }
}

/// A number attached to an event: `3,300 troops`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// The value.
    pub value: f64,
    /// What is counted, as the text says it (troops, personnel, dead, documents...).
    pub unit: String,
    /// The kind of thing counted, for comparing figures.
    #[serde(default)]
    pub kind: FigureKind,
    /// Surface text.
    pub text: String,
    /// True for approximate figures (`nearly`, `about`, `up to`).
    pub approximate: bool,
    /// Who gives the figure, when the clause attributes it (`a medical worker said`).
    #[serde(default)]
    pub claimed_by: Option<String>,
    /// The date the figure's own clause states, when it states one (ISO 8601, truncated).
    #[serde(default)]
    pub date: Option<String>,
    /// Byte offset of the figure in the document's cleaned text.
    #[serde(default)]
    pub start: usize,
}

/// How a source presents an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Stated as fact in the writer's own voice.
    #[default]
    Asserted,
    /// Attributed to someone else (`said`, `according to`).
    Reported,
    /// Planned, expected or scheduled: not (yet) happened.
    #[serde(alias = "planned")]
    Expected,
    /// Conditional or possible (`if`, `could`, `might`, `threatened to`).
    Hypothetical,
    /// Mentioned as background: an earlier happening outside the document's own time
    /// frame, or a nominal reference to one (`the fall of Konna`, `last year's coup`).
    Background,
}

impl Modality {
    /// snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Reported => "reported",
            Modality::Expected => "expected",
            Modality::Hypothetical => "hypothetical",
            Modality::Background => "background",
        }
    }

    /// Whether a report in this modality counts as a witness of the happening: only
    /// asserted and reported events do.
    pub fn corroborates(&self) -> bool {
        matches!(self, Modality::Asserted | Modality::Reported)
    }
}

impl From<&str> for Modality {
    /// Parses a snake_case name; anything unknown is [`Modality::Asserted`].
    fn from(s: &str) -> Modality {
        match s {
            "reported" => Modality::Reported,
            "expected" | "planned" => Modality::Expected,
            "hypothetical" => Modality::Hypothetical,
            "background" => Modality::Background,
            _ => Modality::Asserted,
        }
    }
}

/// A coded event found in one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Date value (ISO 8601, truncated), when known.
    pub date: Option<String>,
    /// Confidence in the date: 1.0 when stated in the sentence.
    pub date_confidence: f32,
    /// Who acted (canonical entity names).
    pub actors: Vec<String>,
    /// Who or what was acted on.
    pub targets: Vec<String>,
    /// Where (canonical place name).
    pub place: Option<String>,
    /// The trigger word.
    pub trigger: String,
    /// The evidence sentence.
    pub text: String,
    /// Sentence start in the cleaned text.
    pub start: usize,
    /// Sentence end in the cleaned text.
    pub end: usize,
    /// Figures in the sentence.
    pub quantities: Vec<Quantity>,
    /// Who says so, when the sentence is reported speech.
    pub claimed_by: Option<String>,
    /// How the source presents it: asserted, reported, expected, hypothetical, background.
    #[serde(default)]
    pub modality: Modality,
}

/// A document after the pipeline: cleaned text, metadata and everything extracted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Where the document came from (path, URL, feed item link).
    pub source: String,
    /// Which reader produced it.
    pub format: Format,
    /// Metadata.
    pub meta: Meta,
    /// ISO 639-1 code of the main language (`und` when unknown).
    pub language: String,
    /// Cleaned text.
    pub text: String,
    /// The reader's text before cleaning (what offsets map back to).
    #[serde(skip)]
    pub original: String,
    /// Map from cleaned offsets to `original` offsets.
    #[serde(skip)]
    pub offsets: OffsetMap,
    /// Blocks of `original` left out of `text`, labelled (debris, or a byline, caption or
    /// headline above an HTML article).
    #[serde(skip)]
    pub debris: Vec<LeftOut>,
    /// Paragraphs with their language.
    pub paragraphs: Vec<Paragraph>,
    /// Sentence spans.
    pub sentences: Vec<Span>,
    /// Entities.
    pub entities: Vec<Entity>,
    /// Calendar dates (the view the events and the timeline read).
    pub dates: Vec<DateMention>,
    /// Every TimeML temporal expression, calendar dates included.
    #[serde(default)]
    pub timexes: Vec<Timex>,
    /// Events.
    pub events: Vec<Event>,
}

impl Document {
    /// The kind of block that holds byte `pos`.
    pub fn block_kind_at(&self, pos: usize) -> Option<BlockKind> {
        self.paragraphs
            .iter()
            .find(|p| p.span.start <= pos && pos < p.span.end)
            .map(|p| p.kind)
    }

    /// The sentence that holds byte `pos`.
    pub fn sentence_at(&self, pos: usize) -> Option<Span> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        self.sentences.get(i).copied().filter(|s| s.start <= pos)
    }
}
