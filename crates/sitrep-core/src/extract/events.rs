//! Event coding: who did what to whom, when and where, one sentence at a time.
//!
//! Triggers come from a lexicon per type and language (`data/event-triggers.toml`).
//! Around a trigger, entities before it are the actors and entities after it the targets,
//! except in the passive voice, where the `by`-agent acts. Nationality adjectives stand for
//! their country (`the French intervention` → France). The date is the sentence's own
//! temporal expression nearest the trigger, or — with lower confidence — the last date of
//! the paragraph so far, or the publication date; with no publication date, an event the
//! sentence does not date stays undated rather than taking a date from elsewhere.
//!
//! Attachment is by clause: a sentence is cut at semicolons, and a non-restrictive
//! relative clause (`X, who came to power in a coup in January, was ousted on Friday by
//! Y`) is a clause of its own whose only outside participant is its antecedent. One event
//! is coded per clause, of the most specific type its triggers name (the lexicon's order).
//! A nominal mention of a happening (`the coup`, `last year's coup`) that another event of
//! the document already reports refers to it and codes nothing. Every event has a
//! [`Modality`]: hypothetical, expected, background (before the document's own time), reported
//! or asserted. Figures (`3,300 troops`) are typed quantities ([`FigureKind`]) with who gives
//! them and the date of their clause; the source of reported speech (`according to X`) is
//! attached.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::document::{
    BlockKind, Document, Entity, EntityType, Event, EventType, FigureKind, Modality, Quantity,
};
use crate::extract::tokens::{lowercase, runs};
use crate::kb::Kb;

static TRIGGERS_TOML: &str = include_str!("../../../../data/event-triggers.toml");

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LangLists {
    #[serde(default)]
    en: Vec<String>,
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    ar: Vec<String>,
}

/// One trigger: its words (lower case), whether the last word is a prefix, its type.
#[derive(Debug, Clone)]
struct Trigger {
    words: Vec<String>,
    prefix: bool,
    kind: EventType,
}

/// Triggers of one language by their first word: exact words, and one-word prefixes by
/// their first two letters (a word can only start with a prefix that starts as it does;
/// by the first letter alone, every word was tried against dozens of prefixes).
#[derive(Debug, Default)]
struct TriggerIndex {
    exact: rustc_hash::FxHashMap<String, Vec<usize>>,
    prefixed: rustc_hash::FxHashMap<(char, Option<char>), Vec<usize>>,
}

impl TriggerIndex {
    /// The index key of a prefix, and the keys under which the prefixes a word may start
    /// with are filed: its first two letters, and its first letter alone.
    fn key(w: &str) -> (char, Option<char>) {
        let mut cs = w.chars();
        (cs.next().unwrap_or(' '), cs.next())
    }

    /// The triggers that can start at a word: those whose first word it is, and the
    /// one-word prefixes it may start with.
    fn candidates(&self, lw: &str) -> impl Iterator<Item = usize> + '_ {
        let (a, b) = Self::key(lw);
        let exact = self.exact.get(lw).map_or(&[][..], |v| v.as_slice());
        let two = b
            .and_then(|b| self.prefixed.get(&(a, Some(b))))
            .map_or(&[][..], |v| v.as_slice());
        let one = self
            .prefixed
            .get(&(a, None))
            .map_or(&[][..], |v| v.as_slice());
        exact.iter().chain(two).chain(one).copied()
    }
}

/// The trigger lexicon, by language.
#[derive(Debug, Default)]
pub struct Lexicon {
    by_lang: HashMap<&'static str, Vec<Trigger>>,
    index: HashMap<&'static str, TriggerIndex>,
    order: Vec<EventType>,
}

impl Lexicon {
    /// Parses a trigger file (TOML: one table per event type, lists per language).
    pub fn parse(text: &str) -> crate::Result<Lexicon> {
        let table: toml::Table = toml::from_str(text).map_err(|e| crate::Error::Config {
            file: "event-triggers.toml".to_string(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0),
            message: e.message().to_string(),
        })?;
        let mut lex = Lexicon::default();
        // keep the file's order of types
        let mut names: Vec<(usize, String)> = table
            .keys()
            .map(|k| {
                (
                    text.find(&format!("[{k}]")).unwrap_or(usize::MAX),
                    k.clone(),
                )
            })
            .collect();
        names.sort();
        for (_, name) in names {
            let kind = EventType::parse(&name).ok_or_else(|| crate::Error::Config {
                file: "event-triggers.toml".to_string(),
                line: 0,
                message: format!("unknown event type `{name}`"),
            })?;
            let lists: LangLists =
                table[&name]
                    .clone()
                    .try_into()
                    .map_err(|e: toml::de::Error| crate::Error::Config {
                        file: "event-triggers.toml".to_string(),
                        line: 0,
                        message: format!("[{name}]: {}", e.message()),
                    })?;
            lex.order.push(kind);
            for (lang, list) in [("en", lists.en), ("fr", lists.fr), ("ar", lists.ar)] {
                for entry in list {
                    let prefix = entry.ends_with('*');
                    let words: Vec<String> = entry
                        .trim_end_matches('*')
                        .split_whitespace()
                        .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
                        .collect();
                    if words.is_empty() {
                        continue;
                    }
                    lex.by_lang.entry(lang).or_default().push(Trigger {
                        words,
                        prefix,
                        kind,
                    });
                }
            }
        }
        for (lang, list) in &lex.by_lang {
            let mut idx = TriggerIndex::default();
            for (i, t) in list.iter().enumerate() {
                let w = &t.words[0];
                if t.prefix && t.words.len() == 1 {
                    idx.prefixed
                        .entry(TriggerIndex::key(w))
                        .or_default()
                        .push(i);
                } else {
                    idx.exact.entry(w.clone()).or_default().push(i);
                }
            }
            lex.index.insert(lang, idx);
        }
        Ok(lex)
    }

    /// The built-in lexicon.
    pub fn builtin() -> &'static Lexicon {
        static LEX: LazyLock<Lexicon> =
            LazyLock::new(|| Lexicon::parse(TRIGGERS_TOML).unwrap_or_default());
        &LEX
    }

    fn rank(&self, k: EventType) -> usize {
        self.order
            .iter()
            .position(|x| *x == k)
            .unwrap_or(usize::MAX)
    }
}

/// A lower-cased word of a sentence with its byte span in the document.
struct W<'a> {
    s: usize,
    e: usize,
    /// Borrowed from the text when it is lower-case ASCII already (most words).
    lw: Cow<'a, str>,
}

#[cfg(test)]
fn words_of<'a>(text: &'a str, base: usize) -> Vec<W<'a>> {
    let mut out = Vec::new();
    words_into(text, base, &mut out);
    out
}

/// [`words_of`] into `out` (emptied first), so one buffer serves every sentence.
fn words_into<'a>(text: &'a str, base: usize, out: &mut Vec<W<'a>>) {
    out.clear();
    runs(
        text,
        |b| b.is_ascii_alphanumeric() || b == b'\'' || b == b'-',
        |c| c.is_alphanumeric() || c == '\'' || c == '-',
        |run| {
            let mut w = run.trim_matches(|c| c == '\'' || c == '-');
            // French elision: d'affrontements -> affrontements
            if let Some(p) = w.find('\'') {
                if p <= 3 && w[..p].chars().all(char::is_alphabetic) {
                    w = &w[p + 1..];
                }
            }
            if !w.is_empty() {
                // `w` is a subslice of `text`: its offset is the pointer difference
                let s = w.as_ptr() as usize - text.as_ptr() as usize;
                out.push(W {
                    s: base + s,
                    e: base + s + w.len(),
                    lw: lowercase(w),
                });
            }
        },
    );
}

// These patterns have no `\b`: a Unicode word boundary makes the regex crate leave its
// fast automaton on any non-ASCII text (every French report), so `find_word` checks the
// boundaries itself. Within an alternation no word may be a prefix of a later one
// ("devraient" before "devrait"), or the shorter would win and fail the boundary check.
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:(nearly|about|some|up to|more than|at least|around|approximately|over|almost|roughly|près de|environ|plus de|au moins|quelque)\s+)?",
        r"(\d{1,3}(?:[,.\u{a0} ]\d{3})+|\d+)\s+",
        r"(troops|soldiers|military|police|personnel|peacekeepers|people|civilians|deaths|dead|killed|wounded|injured|hostages|detainees|prisoners|refugees|displaced|fighters|militants|rebels|men|soldats|hommes|morts|tués|blessés|otages|prisonniers|réfugiés|déplacés|combattants|personnes|casques bleus|militaires)"
    ))
    .expect("static regex")
});

static SPEECH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)according to|said|says|told|stated|claimed|reported|selon|a déclaré|a affirmé|ont affirmé|a indiqué|d'après")
        .expect("static regex")
});

static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)will|shall|expected|planned|plans to|scheduled|is due|are due|due to|to be held|would|seront|sera|devraient|devrait|prévue|prévu")
        .expect("static regex")
});

/// Conditions and possibilities. No `may`: it is also a month.
static HYPOTHETICAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)if|unless|could|might|threatened to|threatens to|threaten to|pourraient|pourrait|menacé de|menace de")
        .expect("static regex")
});

/// Relative pronouns that open a non-restrictive relative clause after a comma.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i),\s+(?:who|whom|whose|which|qui|dont|lequel|laquelle|lesquels)\s")
        .expect("static regex")
});

/// Determiners and possessives that make a trigger a nominal mention of a happening.
const NOMINAL_BEFORE: &[&str] = &[
    "the", "this", "that", "its", "their", "his", "her", "la", "le", "les", "cette", "ce", "sa",
    "son", "leur",
];

/// Days before its publication that a document still reports as its own news; an earlier
/// happening is background.
const OWN_TIME_DAYS: i64 = 31;

/// A character of a word, as a regex's Unicode `\w` sees it (letters, digits, marks, `_`).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || ('\u{300}'..='\u{36f}').contains(&c)
}

/// The leftmost match of `re` at or after `from` that starts and ends on a word boundary:
/// what `\b(?:...)\b` would find, for patterns that begin and end with a word character.
fn find_word<'t>(re: &Regex, text: &'t str, mut from: usize) -> Option<regex::Match<'t>> {
    while from <= text.len() {
        let m = re.find_at(text, from)?;
        let before = text[..m.start()]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
        let after = text[m.end()..]
            .chars()
            .next()
            .is_none_or(|c| !is_word_char(c));
        if before && after {
            return Some(m);
        }
        from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

const PASSIVE_AUX: &[&str] = &[
    "was",
    "were",
    "been",
    "being",
    "is",
    "are",
    "be",
    "a été",
    "ont été",
    "été",
];
const GENERIC_STATE: &[&str] = &[
    "government",
    "authorities",
    "country",
    "state",
    "army",
    "gouvernement",
    "autorités",
    "pays",
    "état",
    "armée",
    "الحكومة",
    "السلطات",
];

/// Codes the events of a document. `kb` supplies demonyms and country names.
pub fn extract(doc: &Document, kb: &Kb) -> Vec<Event> {
    let lex = Lexicon::builtin();
    let lang = match doc.language.as_str() {
        "fr" => "fr",
        "ar" => "ar",
        _ => "en",
    };
    let (Some(triggers), Some(index)) = (lex.by_lang.get(lang), lex.index.get(lang)) else {
        return Vec::new();
    };
    let anchor = doc.meta.published.clone();
    let published = anchor
        .as_deref()
        .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok());
    let main_country = main_country(doc);
    // entity mentions sorted by position, with the entity index
    let mut mentions: Vec<(usize, usize, usize)> = doc
        .entities
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.start, m.end, i)))
        .collect();
    mentions.sort_unstable();

    let mut out = Vec::new();
    // for each event: whether its trigger is a nominal mention
    let mut nominal: Vec<bool> = Vec::new();
    let mut ws = Vec::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        if doc.block_kind_at(s.start) == Some(BlockKind::Byline) {
            continue;
        }
        let text = &doc.text[s.start..s.end];
        words_into(text, s.start, &mut ws);
        let ws = &ws;
        let clauses = Clauses::of(text, s.start);
        let sent_mentions: Vec<(usize, usize, usize)> = mentions
            .iter()
            .copied()
            .filter(|(a, b, _)| *a >= s.start && *b <= s.end)
            .collect();
        // triggers found, clustered by clause and by the date the clause gives them (two
        // dates in one clause are two happenings); per cluster the most specific type,
        // then the first trigger
        let mut found: Vec<(EventType, usize, (usize, Option<usize>))> = Vec::new();
        let sent_dates: Vec<&crate::document::DateMention> = doc
            .dates
            .iter()
            .filter(|d| d.start >= s.start && d.end <= s.end)
            .collect();
        for (wi, w) in ws.iter().enumerate() {
            // only the triggers that can start with this word
            for ti in index.candidates(&w.lw) {
                let t = &triggers[ti];
                // a word of a name is no trigger (`the Liberation` in a movement's name)
                if !matches_at(ws, wi, t)
                    || sent_mentions.iter().any(|&(a, b, _)| a <= w.s && w.e <= b)
                {
                    continue;
                }
                let clause = clauses.id(w.s);
                let date = sent_dates
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| clauses.id(d.start) == clause)
                    .min_by_key(|(_, d)| d.start.abs_diff(w.s))
                    .map(|(i, _)| i);
                let c = (clause, date);
                match found.iter_mut().find(|(_, _, fc)| *fc == c) {
                    Some(f) if lex.rank(t.kind) < lex.rank(f.0) => *f = (t.kind, wi, c),
                    Some(_) => {}
                    None => found.push((t.kind, wi, c)),
                }
            }
        }
        if found.is_empty() {
            continue;
        }

        let sent_demonyms = demonym_countries(ws, text, s.start, kb);
        for (kind, wi, _) in found {
            let trig = &ws[wi];
            let allowed = |pos: usize| clauses.allows(trig.s, pos, &sent_mentions);
            let in_sent: Vec<(usize, usize, usize)> = sent_mentions
                .iter()
                .copied()
                .filter(|(a, _, _)| allowed(*a))
                .collect();
            let demonyms: Vec<(usize, String)> = sent_demonyms
                .iter()
                .filter(|(a, _)| allowed(*a))
                .cloned()
                .collect();
            let future = clauses.has(&FUTURE, text, trig.s);
            let hypothetical = clauses.has(&HYPOTHETICAL, text, trig.s);
            let date = event_date(
                doc,
                si,
                trig.s,
                anchor.as_deref(),
                future || hypothetical,
                &allowed,
            );
            let (date, conf) = match date {
                Some((d, c)) => (Some(d), c),
                // with no anchor, what the sentence does not date stays undated
                None if anchor.is_none() => (None, 0.0),
                None => continue,
            };
            // a headline repeats the story's event; only a dated headline adds one
            if conf < 1.0 && doc.block_kind_at(s.start) == Some(BlockKind::Heading) {
                continue;
            }
            let (mut actors, mut targets, place) = participants(doc, ws, wi, &in_sent, &demonyms);
            if actors.is_empty() && targets.is_empty() {
                let generic = ws.iter().any(|w| GENERIC_STATE.contains(&&*w.lw));
                match (&main_country, generic) {
                    (Some(c), true) => targets.push(c.clone()),
                    _ => continue,
                }
            }
            // A coup, an election or a change of leader happens in a country.
            if matches!(
                kind,
                EventType::Coup | EventType::Election | EventType::LeadershipChange
            ) {
                let country = place
                    .as_ref()
                    .and_then(|p| country_of_place(doc, kb, p))
                    .or_else(|| main_country.clone());
                if let Some(c) = country {
                    if !actors.contains(&c) && !targets.contains(&c) {
                        targets.push(c);
                    }
                }
            }
            actors.truncate(4);
            targets.truncate(4);
            let claimed = claimed_by(doc, text, s.start, &in_sent);
            let speech = clauses.has(&SPEECH, text, trig.s);
            let modality = if hypothetical {
                Modality::Hypothetical
            } else if future || date.as_deref().is_some_and(|d| after(d, published)) {
                Modality::Expected
            } else if date
                .as_deref()
                .is_some_and(|d| before_own_time(d, published))
            {
                Modality::Background
            } else if claimed.is_some() || speech {
                Modality::Reported
            } else {
                Modality::Asserted
            };
            let prev = wi.checked_sub(1).map(|k| &*ws[k].lw);
            nominal.push(prev.is_some_and(|p| NOMINAL_BEFORE.contains(&p) || p.ends_with("'s")));
            out.push(Event {
                kind,
                date,
                date_confidence: conf,
                actors,
                targets,
                place: place.or_else(|| main_country.clone()),
                trigger: doc.text[trig.s..trig.e].to_string(),
                text: text.to_string(),
                start: s.start,
                end: s.end,
                quantities: {
                    // a figure often comes in the next sentence of the same paragraph
                    let q = quantities(doc, si, &mentions);
                    if q.is_empty() {
                        doc.sentences
                            .get(si + 1)
                            .filter(|n| {
                                doc.block_kind_at(n.start) == doc.block_kind_at(s.start)
                                    && !doc.text[s.end..n.start].contains("\n\n")
                            })
                            .map(|_| quantities(doc, si + 1, &mentions))
                            .unwrap_or_default()
                    } else {
                        q
                    }
                },
                claimed_by: claimed,
                modality,
            });
        }
    }
    drop_references(doc, out, &nominal)
}

/// Drops nominal mentions (`the coup`) that refer to another event of the document: same
/// type, a shared participant and compatible dates. A nominal mention that refers to
/// nothing else the document reports is kept.
fn drop_references(doc: &Document, events: Vec<Event>, nominal: &[bool]) -> Vec<Event> {
    // a country takes part in too many happenings to identify one
    let country = |name: &str| {
        doc.entities
            .iter()
            .any(|e| e.name == name && e.subtype.as_deref() == Some("country"))
    };
    let refers = |i: usize| {
        let e = &events[i];
        events.iter().enumerate().any(|(j, o)| {
            j != i
                && !nominal[j]
                && o.kind == e.kind
                && o.actors
                    .iter()
                    .chain(&o.targets)
                    .any(|x| !country(x) && (e.actors.contains(x) || e.targets.contains(x)))
                && match (&o.date, &e.date) {
                    (Some(a), Some(b)) => a.starts_with(b.as_str()) || b.starts_with(a.as_str()),
                    _ => true,
                }
        })
    };
    let keep: Vec<bool> = (0..events.len())
        .map(|i| !nominal.get(i).copied().unwrap_or(false) || !refers(i))
        .collect();
    events
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

/// First and last day of an ISO date value truncated to its granularity.
fn span_of(value: &str) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let mut parts = value.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: Option<u32> = parts.next().and_then(|p| p.parse().ok());
    let d: Option<u32> = parts.next().and_then(|p| p.parse().ok());
    let ymd = |m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    match (m, d) {
        (Some(m), Some(d)) => Some((ymd(m, d)?, ymd(m, d)?)),
        (Some(m), None) => {
            let next = if m == 12 {
                chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                ymd(m + 1, 1)?
            };
            Some((ymd(m, 1)?, next.pred_opt()?))
        }
        _ => Some((ymd(1, 1)?, ymd(12, 31)?)),
    }
}

/// Whether a date lies wholly after the publication date.
fn after(value: &str, published: Option<chrono::NaiveDate>) -> bool {
    match (span_of(value), published) {
        (Some((first, _)), Some(p)) => first > p,
        _ => false,
    }
}

/// Whether a date ends before the document's own time (a month before publication).
fn before_own_time(value: &str, published: Option<chrono::NaiveDate>) -> bool {
    match (span_of(value), published) {
        (Some((_, last)), Some(p)) => (p - last).num_days() > OWN_TIME_DAYS,
        _ => false,
    }
}

/// The clauses of a sentence: segments between semicolons, and non-restrictive relative
/// clauses (from `, who` to the next comma), all as absolute byte spans.
struct Clauses {
    base: usize,
    segments: Vec<(usize, usize)>,
    relative: Vec<(usize, usize)>,
}

impl Clauses {
    fn of(text: &str, base: usize) -> Clauses {
        let mut segments = Vec::new();
        let mut from = 0;
        for (i, _) in text.match_indices(';') {
            segments.push((base + from, base + i));
            from = i + 1;
        }
        segments.push((base + from, base + text.len()));
        let relative = RELATIVE
            .find_iter(text)
            .map(|m| {
                let rest = &text[m.end()..];
                let end = rest.find([',', ';']).map_or(text.len(), |k| m.end() + k);
                (base + m.start(), base + end)
            })
            .collect();
        Clauses {
            base,
            segments,
            relative,
        }
    }

    /// An id of the clause a byte lies in.
    fn id(&self, pos: usize) -> usize {
        match self.relative.iter().position(|&(a, b)| a <= pos && pos < b) {
            Some(r) => usize::MAX - r,
            None => self
                .segments
                .iter()
                .position(|&(a, b)| a <= pos && pos <= b)
                .unwrap_or(0),
        }
    }

    /// Whether something at `pos` belongs to the clause of the trigger at `trig`: the same
    /// clause, or — for a relative clause — the antecedent mention just before its comma.
    fn allows(&self, trig: usize, pos: usize, mentions: &[(usize, usize, usize)]) -> bool {
        if self.id(trig) == self.id(pos) {
            return true;
        }
        match self.relative.iter().find(|&&(a, b)| a <= trig && trig < b) {
            Some(&(a, _)) => mentions
                .iter()
                .any(|&(s, e, _)| s == pos && e <= a && a - e <= 2),
            None => false,
        }
    }

    /// Whether `re` matches (on word boundaries) within the clause of the trigger at `trig`.
    fn has(&self, re: &Regex, text: &str, trig: usize) -> bool {
        let mut from = 0;
        while let Some(m) = find_word(re, text, from) {
            if self.id(trig) == self.id(self.base + m.start()) {
                return true;
            }
            from = m.end();
        }
        false
    }
}

fn matches_at(ws: &[W<'_>], wi: usize, t: &Trigger) -> bool {
    if wi + t.words.len() > ws.len() {
        return false;
    }
    let n = t.words.len();
    for (k, tw) in t.words.iter().enumerate() {
        let w = &ws[wi + k].lw;
        let last = k + 1 == n;
        let ok = if last && t.prefix {
            w.starts_with(tw.as_str())
        } else {
            w == tw
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Countries named by a nationality adjective in the sentence, with the byte where they stand.
fn demonym_countries(ws: &[W<'_>], text: &str, base: usize, kb: &Kb) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for w in ws {
        let surface = &text[w.s - base..w.e - base];
        if !surface.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        if let Some(c) = kb.demonym(surface) {
            out.push((w.s, c.name.clone()));
        }
    }
    out
}

fn event_date(
    doc: &Document,
    si: usize,
    trig: usize,
    anchor: Option<&str>,
    future: bool,
    allowed: &dyn Fn(usize) -> bool,
) -> Option<(String, f32)> {
    let s = doc.sentences[si];
    // the clause's own expression nearest the trigger
    let own = doc
        .dates
        .iter()
        .filter(|d| d.start >= s.start && d.end <= s.end && !d.names_event && allowed(d.start))
        .min_by_key(|d| {
            if d.start > trig {
                d.start - trig
            } else {
                trig - d.end
            }
        });
    if let Some(d) = own {
        return Some((d.value.clone(), 1.0));
    }
    // the last date earlier in the same paragraph
    let para = doc
        .paragraphs
        .iter()
        .find(|p| p.span.start <= s.start && s.start < p.span.end);
    if let Some(p) = para {
        if let Some(d) = doc
            .dates
            .iter()
            .rfind(|d| d.start >= p.span.start && d.end <= s.start)
        {
            return Some((d.value.clone(), 0.5));
        }
    }
    if future {
        return None;
    }
    anchor.map(|a| (a.to_string(), 0.3))
}

fn participants(
    doc: &Document,
    ws: &[W<'_>],
    wi: usize,
    in_sent: &[(usize, usize, usize)],
    demonyms: &[(usize, String)],
) -> (Vec<String>, Vec<String>, Option<String>) {
    let trig = ws[wi].s;
    // passive voice: an auxiliary within three words before the trigger, and a "by"-agent after it
    let passive = (wi.saturating_sub(3)..wi).any(|k| PASSIVE_AUX.contains(&&*ws[k].lw));
    let by_at = if passive {
        ws[wi + 1..]
            .iter()
            .find(|w| w.lw == "by" || w.lw == "par")
            .map(|w| w.s)
    } else {
        None
    };
    let mut actors: Vec<String> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    let mut place: Option<String> = None;
    let push = |v: &mut Vec<String>, name: &str| {
        if !v.iter().any(|x| x == name) {
            v.push(name.to_string());
        }
    };
    // nearest first
    let mut ms: Vec<(usize, usize, usize)> = in_sent.to_vec();
    ms.sort_by_key(|(a, _, _)| a.abs_diff(trig));
    for &(a, _, ei) in &ms {
        let e: &Entity = &doc.entities[ei];
        if e.kind == EntityType::Other {
            continue;
        }
        let is_city = e.kind == EntityType::Place && e.subtype.as_deref() != Some("country");
        if e.kind == EntityType::Place
            && place.as_ref().is_none_or(|p| !is_city && p == &e.name)
            && (is_city || place.is_none())
        {
            place = Some(e.name.clone());
        }
        let before = a < trig;
        let agent = by_at.is_some_and(|b| a > b);
        if agent || (before && !passive && !is_city) {
            push(&mut actors, &e.name);
        } else {
            push(&mut targets, &e.name);
        }
    }
    for (at, c) in demonyms {
        if *at < trig && !passive && at.abs_diff(trig) < 60 {
            push(&mut actors, c);
        } else if !actors.contains(c) {
            push(&mut targets, c);
        }
    }
    (actors, targets, place)
}

fn main_country(doc: &Document) -> Option<String> {
    doc.entities
        .iter()
        .filter(|e| e.subtype.as_deref() == Some("country"))
        .max_by_key(|e| e.mentions.len())
        .map(|e| e.name.clone())
}

fn country_of_place(doc: &Document, kb: &Kb, place: &str) -> Option<String> {
    let e = doc.entities.iter().find(|e| e.name == place)?;
    if e.subtype.as_deref() == Some("country") {
        return Some(e.name.clone());
    }
    let cc = e.geo.as_ref()?.country.as_deref()?;
    kb.country_name(cc).map(str::to_string)
}

/// The figures of sentence `si`, each with the claimant and the date of its clause;
/// `mentions` are the document's entity mentions (start, end, entity) in order.
fn quantities(doc: &Document, si: usize, mentions: &[(usize, usize, usize)]) -> Vec<Quantity> {
    let s = doc.sentences[si];
    let text = &doc.text[s.start..s.end];
    // every quantity has a digit: most sentences need no regex run at all
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let clauses = Clauses::of(text, s.start);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = find_word(&QUANTITY, text, from) {
        from = m.end();
        let Some(c) = QUANTITY.captures_at(text, m.start()) else {
            continue;
        };
        let Some(mut q) = quantity(&c, &text[m.end()..]) else {
            continue;
        };
        let at = s.start + m.start();
        let clause = clauses.id(at);
        q.start = at;
        let in_clause: Vec<(usize, usize, usize)> = mentions
            .iter()
            .copied()
            .filter(|&(a, b, _)| a >= s.start && b <= s.end && clauses.id(a) == clause)
            .collect();
        q.claimed_by = claimed_by(doc, text, s.start, &in_clause);
        q.date = doc
            .dates
            .iter()
            .filter(|d| d.start >= s.start && d.end <= s.end && clauses.id(d.start) == clause)
            .min_by_key(|d| d.start.abs_diff(at))
            .map(|d| d.value.clone());
        out.push(q);
    }
    out
}

/// What kind of thing a counted noun is, given the words after it (`20 people killed`).
fn figure_kind(unit: &str, after: &str) -> FigureKind {
    match unit {
        "dead" | "deaths" | "killed" | "morts" | "tués" => return FigureKind::Killed,
        "wounded" | "injured" | "blessés" => return FigureKind::Wounded,
        "refugees" | "displaced" | "réfugiés" | "déplacés" => return FigureKind::Displaced,
        "hostages" | "detainees" | "prisoners" | "otages" | "prisonniers" => {
            return FigureKind::Detained
        }
        _ => {}
    }
    let next: Vec<String> = after
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_lowercase)
        .collect();
    let says = |ws: &[&str]| next.iter().any(|w| ws.contains(&w.as_str()));
    if says(&["killed", "dead", "died", "tués", "morts"]) {
        FigureKind::Killed
    } else if says(&["wounded", "injured", "blessés"]) {
        FigureKind::Wounded
    } else if says(&[
        "arrested",
        "detained",
        "captured",
        "abducted",
        "arrêtés",
        "enlevés",
    ]) {
        FigureKind::Detained
    } else if says(&["displaced", "fled", "déplacés"]) {
        FigureKind::Displaced
    } else {
        match unit {
            "police" => FigureKind::Police,
            "people" | "civilians" | "personnes" => FigureKind::People,
            _ => FigureKind::Troops,
        }
    }
}

fn quantity(c: &regex::Captures, after: &str) -> Option<Quantity> {
    let num = c.get(2)?.as_str();
    let digits: String = num.chars().filter(char::is_ascii_digit).collect();
    let value: f64 = digits.parse().ok()?;
    if (1900.0..=2100.0).contains(&value) && !num.contains([',', '.', ' ']) {
        return None;
    }
    let unit = c.get(3)?.as_str().to_lowercase();
    Some(Quantity {
        value,
        kind: figure_kind(&unit, after),
        unit,
        text: c.get(0)?.as_str().to_string(),
        approximate: c.get(1).is_some(),
        claimed_by: None,
        date: None,
        start: 0,
    })
}

fn claimed_by(
    doc: &Document,
    text: &str,
    base: usize,
    in_sent: &[(usize, usize, usize)],
) -> Option<String> {
    let m = find_word(&SPEECH, text, 0)?;
    let at = base + m.start();
    let after = m.as_str().eq_ignore_ascii_case("according to")
        || m.as_str().eq_ignore_ascii_case("selon")
        || m.as_str().eq_ignore_ascii_case("d'après");
    in_sent
        .iter()
        .filter(|(a, _, ei)| {
            let k = doc.entities[*ei].kind;
            (k == EntityType::Person || k == EntityType::Organization)
                && if after { *a > at } else { true }
        })
        .min_by_key(|(a, _, _)| a.abs_diff(at))
        .map(|(_, _, ei)| doc.entities[*ei].name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Pipeline, PipelineOptions};

    #[test]
    fn words_split_as_by_chars() {
        // the pieces a char-by-char split gives (letters, digits, apostrophes, hyphens)
        fn pieces(text: &str) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
                let part = c.is_alphanumeric() || c == '\'' || c == '-';
                match (part, start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        out.push((s, i));
                        start = None;
                    }
                    _ => {}
                }
            }
            out
        }
        for text in [
            "",
            "Les soldats d'élite ont repris Konna — 1 200 déplacés, l’armée malienne.",
            "ΟΔΟΣ١٢٣ İstanbul x-ray 'quoted' --- ﬁn ß 🙂x Tombouctou,Gao;Kidal",
            "attaque-suicide à Gao' ends-",
        ] {
            let got: Vec<(usize, usize, String)> = words_of(text, 7)
                .into_iter()
                .map(|w| (w.s, w.e, w.lw.into_owned()))
                .collect();
            let mut want = Vec::new();
            for (s, e) in pieces(text) {
                let mut w = text[s..e].trim_matches(|c| c == '\'' || c == '-');
                if let Some(p) = w.find('\'') {
                    if p <= 3 && w[..p].chars().all(char::is_alphabetic) {
                        w = &w[p + 1..];
                    }
                }
                if !w.is_empty() {
                    let off = w.as_ptr() as usize - text.as_ptr() as usize;
                    want.push((7 + off, 7 + off + w.len(), w.to_lowercase()));
                }
            }
            assert_eq!(got, want, "{text:?}");
        }
    }

    fn events(text: &str, published: &str) -> Vec<Event> {
        let p = Pipeline::new(PipelineOptions {
            published: chrono::NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
            ..PipelineOptions::default()
        })
        .expect("pipeline");
        p.process_bytes("t.txt", text.as_bytes(), "txt")
            .expect("doc")
            .remove(0)
            .events
    }

    #[test]
    fn lexicon_parses() {
        let l = Lexicon::builtin();
        assert!(l.by_lang["en"].len() > 50);
        assert!(l.by_lang["fr"].len() > 30);
    }

    #[test]
    fn resolution_with_date_and_actor() {
        let ev = events("Yesterday, the UN Security Council unanimously adopted a resolution authorizing the deployment of an African-led force of 3,300 troops to Mali.", "2012-12-21");
        let r = ev
            .iter()
            .find(|e| e.kind == EventType::Resolution)
            .expect("resolution");
        assert_eq!(r.date.as_deref(), Some("2012-12-20"));
        assert!(
            r.actors.contains(&"UN Security Council".to_string()),
            "{r:?}"
        );
        assert_eq!(r.quantities.first().map(|q| q.value), Some(3300.0));
    }

    #[test]
    fn passive_voice_agent_acts() {
        let ev = events("In March, President Amadou Toumani Touré was overthrown in a military coup by Captain Amadou Sanogo.", "2012-12-21");
        let c = ev.iter().find(|e| e.kind == EventType::Coup).expect("coup");
        assert_eq!(c.date.as_deref(), Some("2012-03"));
        assert!(c.actors.iter().any(|a| a.contains("Sanogo")), "{c:?}");
        assert!(c.targets.iter().any(|a| a.contains("Touré")), "{c:?}");
    }

    #[test]
    fn demonym_stands_for_its_country_and_french_works() {
        let ev = events(
            "The French military intervention launched on 11 January 2013 stopped the offensive.",
            "2013-04-11",
        );
        assert!(
            ev.iter().any(|e| e.actors.contains(&"France".to_string())),
            "{ev:?}"
        );
        let fr = events("L'armée malienne a repris la ville de Konna, tombée aux mains des djihadistes jeudi dernier.", "2013-01-14");
        assert!(
            fr.iter()
                .any(|e| e.kind == EventType::Combat && e.date.as_deref() == Some("2013-01-10")),
            "{fr:?}"
        );
    }

    #[test]
    fn reported_speech_names_the_source() {
        let ev = events(
            "According to Human Rights Watch, militants executed civilians in Gao on Friday.",
            "2012-07-02",
        );
        assert_eq!(
            ev.first().and_then(|e| e.claimed_by.as_deref()),
            Some("Human Rights Watch")
        );
    }

    #[test]
    fn a_relative_clause_keeps_its_own_date_and_roles() {
        let ev = events("General Amadou Sanogo, who came to power in a coup in January, was ousted on Friday by Colonel Assimi Goïta.", "2013-06-10");
        let main = ev
            .iter()
            .find(|e| e.date.as_deref() == Some("2013-06-07"))
            .expect("the ousting, dated Friday");
        assert!(main.actors.iter().any(|a| a.contains("Goïta")), "{main:?}");
        assert!(
            !main.actors.iter().any(|a| a.contains("Sanogo")),
            "{main:?}"
        );
        let rel = ev
            .iter()
            .find(|e| e.date.as_deref() == Some("2013-01"))
            .expect("the January coup");
        assert!(rel.actors.iter().any(|a| a.contains("Sanogo")), "{rel:?}");
        assert!(
            !rel.actors
                .iter()
                .chain(&rel.targets)
                .any(|a| a.contains("Goïta")),
            "{rel:?}"
        );
        assert_eq!(rel.modality, Modality::Background);
    }

    #[test]
    fn one_event_per_clause_and_modalities() {
        let ev = events(
            "Rebels attacked and seized the town of Gao on Tuesday.",
            "2012-06-28",
        );
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0].modality, Modality::Asserted);
        let planned = events(
            "The African force will deploy to Mali in September.",
            "2012-12-21",
        );
        assert!(
            planned.iter().all(|e| e.modality == Modality::Expected),
            "{planned:?}"
        );
        let hypo = events("The junta could attack Gao if talks fail.", "2012-12-21");
        assert!(
            hypo.iter().all(|e| e.modality == Modality::Hypothetical),
            "{hypo:?}"
        );
    }

    #[test]
    fn figures_are_typed_with_their_claimant() {
        let ev = events("Fighting broke out in Gao on Wednesday; a doctor said 20 people were killed, and the army deployed 300 soldiers.", "2012-06-29");
        let q: Vec<(FigureKind, f64)> = ev
            .iter()
            .flat_map(|e| e.quantities.iter().map(|q| (q.kind, q.value)))
            .collect();
        assert!(q.contains(&(FigureKind::Killed, 20.0)), "{q:?}");
        assert!(q.contains(&(FigureKind::Troops, 300.0)), "{q:?}");
    }
}
