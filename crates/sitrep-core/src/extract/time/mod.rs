//! Temporal expression tagging and normalisation.
//!
//! [`tag`] finds calendar expressions (full dates, months, years, seasons,
//! decades, relative days, weekdays, offsets such as "two days later") in
//! English, French and (partly) Arabic text and normalises them to ISO 8601
//! values truncated to their granularity (`2012-12-20`, `2012-03`, `2013`).
//! Relative expressions are resolved against an anchor (the publication date)
//! and, where the year is left implicit, against the tense of the sentence.
//!
//! [`find_publication_date`] looks for the publication date in the header of
//! a document (byline, dateline, "Published:" lines).
//!
//! The module depends only on `std`, `chrono`, `regex` and `aho-corasick`. All
//! patterns are compiled once; one pass finds the words and digits that every
//! match of a pattern contains, and each pattern runs only in the stretches of
//! text around them. All spans are UTF-8 byte offsets lying on char boundaries.

use crate::extract::tokens::{is_ascii_space, runs};
use aho_corasick::AhoCorasick;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::{Captures, Regex};
use std::collections::BTreeMap;
use std::sync::LazyLock;

mod classes;
mod lexicon;
mod narrative;
mod resolve;
mod tense;
mod timex;

use resolve::*;
use timex::calendar_value;
pub use timex::{DaySpan, DayTime, Granularity, TimeExpr, TimexMod, TimexType};

/// Language of the text being tagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeLang {
    /// English.
    En,
    /// French.
    Fr,
    /// Arabic (Modern Standard; Gregorian and Levantine month names).
    Ar,
}

/// Tags and normalises every calendar expression in `text`.
///
/// `anchor` is the publication date; when `None`, relative expressions that
/// need it (yesterday, last month, "in March" without a year, weekdays…) are
/// dropped. The result is sorted by `start` and spans never overlap.
pub fn tag(text: &str, lang: TimeLang, anchor: Option<NaiveDate>) -> Vec<TimeExpr> {
    let langs = match lang {
        TimeLang::En => Langs {
            en: true,
            fr: false,
            ar: false,
        },
        TimeLang::Fr => Langs {
            en: false,
            fr: true,
            ar: false,
        },
        TimeLang::Ar => Langs {
            en: false,
            fr: false,
            ar: true,
        },
    };
    tag_with(text, langs, lang, anchor)
}

/// Finds the publication date stated near the top of a document (byline/dateline),
/// returning the date and the byte span of the expression.
///
/// Only roughly the first 1,500 bytes / 15 non-empty lines are inspected. Lines
/// with an explicit cue ("Published", "Publié le", "Posted", "Date:", "Updated"…)
/// win, then a line consisting only of a date, then a short byline-like line
/// containing a date. Lines longer than 120 characters (body sentences) are only
/// used when a cue directly precedes the date. Only dates with an explicit year
/// are accepted.
pub fn find_publication_date(text: &str) -> Option<(NaiveDate, usize, usize)> {
    let limit = floor_boundary(text, 1500);
    let head = &text[..limit];
    let all = Langs {
        en: true,
        fr: true,
        ar: true,
    };
    // (priority, date, start, end); lower priority is better.
    let mut best: Option<(u8, NaiveDate, usize, usize)> = None;
    let mut non_empty = 0usize;
    let mut line_start = 0usize;
    for raw in head.split('\n') {
        let off = line_start;
        line_start += raw.len() + 1;
        if raw.trim().is_empty() {
            continue;
        }
        non_empty += 1;
        if non_empty > 15 {
            break;
        }
        // a calendar day written out always has a digit (its day or its year)
        if !raw.chars().any(char::is_numeric) {
            continue;
        }
        // a long line (running text) counts only by a cue ("Published ...")
        if raw.chars().count() > 120 {
            let lower = raw.to_ascii_lowercase();
            let cued = PUB_CUES.iter().any(|(cue, _)| {
                lower
                    .match_indices(cue)
                    .any(|(pos, _)| !prev_char(&lower, pos).is_some_and(|c| c.is_alphabetic()))
            });
            if !cued {
                continue;
            }
        }
        let exprs: Vec<TimeExpr> = tag_with(raw, all, TimeLang::En, None)
            .into_iter()
            .filter(|e| e.span.is_some_and(|s| s.granularity == Granularity::Day) && !e.relative)
            .collect();
        if exprs.is_empty() {
            continue;
        }
        let lower = raw.to_ascii_lowercase();
        let long = raw.chars().count() > 120;
        let mut found: Option<(u8, &TimeExpr)> = None;
        for (cue, prio) in PUB_CUES {
            let hit = lower
                .match_indices(cue)
                .find(|(pos, _)| !prev_char(&lower, *pos).is_some_and(|c| c.is_alphabetic()));
            if let Some((pos, _)) = hit {
                let cue_end = pos + cue.len();
                if let Some(e) = exprs
                    .iter()
                    .find(|e| e.start >= cue_end && e.start - cue_end <= 40)
                {
                    found = Some((*prio, e));
                    break;
                }
            }
        }
        if found.is_none() && !long {
            let rest_is_noise = {
                let mut ok = true;
                let mut last = 0usize;
                for e in &exprs {
                    if !raw.get(last..e.start).is_some_and(is_noise) {
                        ok = false;
                    }
                    last = e.end;
                }
                ok && raw.get(last..).is_some_and(is_noise)
            };
            if rest_is_noise {
                found = exprs.first().map(|e| (2u8, e));
            } else if raw.trim().chars().count() <= 100 {
                found = exprs.first().map(|e| (3u8, e));
            }
        }
        if let Some((prio, e)) = found {
            let better = match best {
                None => true,
                Some((bp, ..)) => prio < bp,
            };
            if better {
                if let Some(span) = e.span {
                    best = Some((prio, span.first, off + e.start, off + e.end));
                }
            }
        }
    }
    best.map(|(_, d, s, e)| (d, s, e))
}

// ---------------------------------------------------------------------------
// Internal types
// ---------------------------------------------------------------------------

const PUB_CUES: &[(&str, u8)] = &[
    ("published", 0),
    ("publié", 0),
    ("publie le", 0),
    ("posted", 0),
    ("date:", 0),
    ("date :", 0),
    ("dated", 0),
    ("نشر", 0),
    ("بتاريخ", 0),
    ("updated", 1),
    ("mis à jour", 1),
    ("modifié", 1),
];

fn is_noise(s: &str) -> bool {
    s.chars().all(|c| !c.is_alphanumeric())
}

#[derive(Clone, Copy)]
struct Langs {
    en: bool,
    fr: bool,
    ar: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Past,
    Future,
    Auto,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YearSpec {
    Abs(i32),
    Rel(i32),
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// The unit of a duration or of a set's period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

/// The present, the past or the future in general (TimeML `PRESENT_REF`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RefKind {
    Present,
    Past,
    Future,
}

/// A repeated time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SetKind {
    /// Every `n` units (`P1D`, `P2W`).
    Every(u32, DUnit),
    /// Every given weekday (`XXXX-WXX-1`).
    Weekday(Weekday),
    /// Every given month (`XXXX-07`).
    Month(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sem {
    Day {
        y: YearSpec,
        m: u32,
        d: u32,
        wd: Option<Weekday>,
    },
    Month {
        y: YearSpec,
        m: u32,
    },
    /// "last March" (past = true) / "next March": strictly before/after the anchor month.
    MonthStrict {
        m: u32,
        past: bool,
    },
    Year {
        y: YearSpec,
    },
    Season {
        y: YearSpec,
        s: Season,
    },
    Decade {
        y: i32,
    },
    RelDay(i64),
    RelMonth(i32),
    Weekday {
        wd: Weekday,
        dir: Dir,
    },
    Ago {
        n: i64,
        unit: Unit,
    },
    /// Offset from another date. `follows`: the reference is the expression right after.
    Offset {
        n: i64,
        unit: Unit,
        follows: bool,
    },
    /// A quarter of a year ("the third quarter of 1989").
    Quarter {
        y: YearSpec,
        q: u32,
    },
    /// The quarter `k` quarters from the anchor's ("this quarter", "last quarter").
    RelQuarter(i32),
    /// "the quarter", "the latest quarter": the quarter the text last named, else the
    /// last one ended before the anchor.
    TheQuarter,
    /// "year-earlier", "the year-ago quarter": the period the text last named, a year back.
    YearBefore,
    /// A half of a year.
    Half {
        y: YearSpec,
        h: u32,
    },
    /// The ISO week `k` weeks from the anchor's ("this week", "last week").
    Week(i32),
    /// The weekend `k` weeks from the anchor's week; `None`: the nearest by tense.
    Weekend(Option<i32>),
    /// A century, by its first year (1900 for "the 20th century").
    Century(i32),
    /// The present, past or future in general.
    Ref(RefKind),
    /// An amount of time; `n` is `None` when the text gives no number ("years").
    Dur {
        n: Option<u32>,
        unit: DUnit,
    },
    /// A repeated time.
    Set(SetKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cand {
    start: usize,
    end: usize,
    sem: Sem,
    prio: u8,
    /// The TimeML modifier the text gives ("early", "the end of", "about").
    md: Option<TimexMod>,
    /// A part of the day or a clock time on the date.
    dt: Option<DayTime>,
}

fn cand(start: usize, end: usize, sem: Sem, prio: u8) -> Option<Cand> {
    if start < end {
        Some(Cand {
            start,
            end,
            sem,
            prio,
            md: None,
            dt: None,
        })
    } else {
        None
    }
}

impl Cand {
    fn with_mod(mut self, md: Option<TimexMod>) -> Cand {
        self.md = md;
        self
    }
    fn with_dt(mut self, dt: Option<DayTime>) -> Cand {
        self.dt = dt;
        self
    }
}

/// The TimeML modifier named by a modifier phrase ("early", "the end of", "mi-", "fin").
fn mod_of(s: &str) -> Option<TimexMod> {
    let l = s.trim().to_lowercase();
    let has = |w: &str| l.contains(w);
    if has("early") || has("beginning") || has("start") || has("début") || has("first half") {
        Some(TimexMod::Start)
    } else if has("late") && !has("later") || has("end") || has("fin") || has("second half") {
        Some(TimexMod::End)
    } else if l.starts_with("mi") || has("middle") {
        Some(TimexMod::Mid)
    } else {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
    Unknown,
}

// ---------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------

const D: &str = "[0-9\u{0660}-\u{0669}\u{06F0}-\u{06F9}]";

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const EN_ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Sept", "Sep", "Jun", "Jul", "Aug", "Oct", "Nov", "Dec",
];
const EN_WD: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const FR_MONTHS: [&str; 13] = [
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
];
const FR_MONTHS2: [&str; 2] = ["décembre", "decembre"];
const FR_ABBR: [&str; 10] = [
    "janv", "févr", "fevr", "fév", "avr", "juil", "sept", "oct", "nov", "déc",
];
const FR_WD: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

const AR_MONTHS: &str = "كانون\\s+الثاني|كانون\\s+ال[أا]ول|تشرين\\s+الثاني|تشرين\\s+ال[أا]ول|يناير|فبراير|مارس|آذار|[أإا]بريل|نيسان|مايو|أيار|ايار|يونيو|يونيه|حزيران|يوليو|يوليه|تموز|[أا]غسطس|آب|سبتمبر|أيلول|ايلول|[أا]كتوبر|نوفمبر|ديسمبر|شباط";
const AR_WD: &str = "ال[إا]ثنين|الثلاثاء|ال[أا]ربعاء|الخميس|الجمعة|السبت|ال[أا]حد";

const MOD_EN: &str = r"(?:[Tt]he\s+(?:beginning|start|end|middle|turn|first\s+half|second\s+half)\s+of\s+|(?:[Ee]arly|[Ll]ate|[Ee]arlier|[Ll]ater)\s+|[Mm]id(?:-\s*|\s+))";
const MOD_FR: &str = r"(?:(?:[Ll]a\s+|[Ll]e\s+)?(?:[Ff]in|[Dd]ébut|[Mm]ilieu)\s+(?:de\s+l['’]année\s+|de\s+|d['’])?|[Mm]i-|[Cc]ourant\s+)";
const NUM_EN: &str = r"(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)";
const NUM_FR: &str =
    r"(?i:une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente)";

fn cap(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn variants(words: &[&str], lower: bool, upper: bool) -> String {
    let mut v: Vec<String> = Vec::new();
    for w in words {
        v.push(cap(w));
        if lower {
            v.push((*w).to_string());
        }
        if upper {
            v.push(w.to_uppercase());
        }
    }
    v.join("|")
}

/// A compiled pattern. Each runs on its own: a set of all of them, tried as a first pass
/// to skip absent families, cost more than it saved (its overlapping automaton kept
/// building new states on every document).
struct Pat {
    re: Regex,
    /// The trigger classes ([`Triggers`]) one of which every match contains; 0 when the
    /// pattern has none and is run over the whole text.
    on: u32,
    /// How many whitespace runs a match can cross: the pattern's elements that can match
    /// whitespace (each `\s`, space and no-break space), counted where written. Only the
    /// text within this many runs of a trigger can hold a match.
    ws: usize,
    /// What may stand on either side of a match; [`scan`] checks it before the
    /// pattern's callback sees the match.
    edge: Edge,
}

/// The boundary a match must have on either side. Every windowed pattern needs one
/// that rejects a letter or digit next to the match: the trigger words are found as
/// whole words only, which is sound because no match can continue into a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    /// No letter or digit on either side ([`bounded`]).
    Word,
    /// A numeric date: [`Edge::Word`], and not part of a longer run of numbers
    /// ([`num_date_bounds`]).
    NumDate,
    /// Arabic: proclitics allowed before, the era letter م after a year ([`ar_bounded`]).
    Arabic,
}

impl Edge {
    fn ok(self, text: &str, s: usize, e: usize) -> bool {
        match self {
            Edge::Word => bounded(text, s, e),
            Edge::NumDate => num_date_bounds(text, s, e),
            Edge::Arabic => {
                let year_end = prev_char(text, e).is_some_and(is_digit_char);
                ar_bounded(text, s, e, year_end)
            }
        }
    }
}

impl Pat {
    /// Checks the edges of a match with `edge` instead of [`Edge::Word`].
    fn edge(mut self, edge: Edge) -> Pat {
        self.edge = edge;
        self
    }

    /// Runs the pattern only around the words of `classes` (see [`Triggers`]).
    fn on(mut self, classes: u32) -> Pat {
        self.on = classes;
        self
    }
}

// Trigger classes: every match of a windowed pattern contains one of its classes' words.
const T_DIGIT: u32 = 1;
const T_EN_MONTH: u32 = 1 << 1;
const T_EN_WD: u32 = 1 << 2;
const T_EN_UNIT: u32 = 1 << 3;
const T_EN_RELDAY: u32 = 1 << 4;
const T_EN_SEASON: u32 = 1 << 5;
const T_EN_AGO: u32 = 1 << 6;
const T_FR_MONTH: u32 = 1 << 7;
const T_FR_WD: u32 = 1 << 8;
const T_FR_REL: u32 = 1 << 9;
const T_FR_ANNEE: u32 = 1 << 10;
const T_FR_MOIS: u32 = 1 << 11;
const T_FR_RELDAY: u32 = 1 << 12;
const T_FR_SEASON: u32 = 1 << 13;
const T_FR_UNIT: u32 = 1 << 14;
const T_FR_OFFSET: u32 = 1 << 15;
const T_EN_TMX: u32 = 1 << 16;
const T_FR_TMX: u32 = 1 << 17;
const T_EN_REF: u32 = 1 << 18;
const T_EN_SET: u32 = 1 << 19;
const T_EN_PERIOD: u32 = 1 << 20;
const T_EN_NOON: u32 = 1 << 21;

/// The trigger words, each with its classes and whether it counts only as a whole word
/// (no letter or digit on either side). Whole-word triggers are sound because every
/// pattern's callback rejects a match with a letter or digit on either side
/// ([`bounded`]), and within a match these words stand between spaces, hyphens,
/// apostrophes, commas, dots or the match's ends.
struct TriggerWords {
    ac: AhoCorasick,
    /// Per AC pattern: (classes, whole word only).
    info: Vec<(u32, bool)>,
}

static TRIGGER_WORDS: LazyLock<TriggerWords> = LazyLock::new(|| {
    let mut words: Vec<(String, u32, bool)> = Vec::new();
    let mut add = |list: &[&str], class: u32, whole: bool| {
        for w in list {
            // the ASCII letters are matched ignoring case; other letters are listed in
            // the three cases the patterns spell them in
            for v in [w.to_string(), cap(w), w.to_uppercase()] {
                words.push((v, class, whole));
            }
        }
    };
    add(&EN_MONTHS, T_EN_MONTH, true);
    add(&EN_ABBR, T_EN_MONTH, true);
    add(&EN_WD, T_EN_WD, true);
    add(
        &["day", "days", "month", "months", "year", "years"],
        T_EN_UNIT,
        true,
    );
    add(
        &[
            "yesterday",
            "tomorrow",
            "today",
            "tonight",
            "morning",
            "afternoon",
            "evening",
            "night",
        ],
        T_EN_RELDAY,
        true,
    );
    add(
        &["summer", "winter", "spring", "autumn", "fall"],
        T_EN_SEASON,
        true,
    );
    add(&["ago"], T_EN_AGO, true);
    add(&FR_MONTHS, T_FR_MONTH, true);
    add(&FR_MONTHS2, T_FR_MONTH, true);
    add(&FR_ABBR, T_FR_MONTH, true);
    add(&FR_WD, T_FR_WD, true);
    add(&["derni", "pass", "prochain"], T_FR_REL, false);
    add(&["année"], T_FR_ANNEE, false);
    add(&["mois"], T_FR_MOIS, true);
    add(
        &["hier", "demain", "matin", "midi", "soir", "aujourd"],
        T_FR_RELDAY,
        true,
    );
    add(&["été", "hiver", "automne", "printemps"], T_FR_SEASON, true);
    add(
        &["jour", "jours", "mois", "ans", "année", "années"],
        T_FR_UNIT | T_FR_OFFSET,
        true,
    );
    add(&["lendemain", "surlendemain", "veille"], T_FR_OFFSET, true);
    for (list, class) in classes::EN_TRIGGERS.iter() {
        add(list, *class, true);
    }
    add(&classes::FR_TRIGGERS, T_FR_TMX, true);
    // one AC pattern per distinct (word, whole) with its classes united
    let mut merged: Vec<(String, u32, bool)> = Vec::new();
    for (w, c, whole) in words {
        match merged
            .iter_mut()
            .find(|(x, _, wh)| x.eq_ignore_ascii_case(&w) && *wh == whole)
        {
            Some(m) => m.1 |= c,
            None => merged.push((w, c, whole)),
        }
    }
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(merged.iter().map(|(w, _, _)| w.as_str()))
        .expect("static trigger words must build");
    TriggerWords {
        ac,
        info: merged.iter().map(|(_, c, wh)| (*c, *wh)).collect(),
    }
});

/// Where in a text the patterns can match: the trigger words and digit runs found in one
/// pass, sorted by start. A pattern with trigger classes is run only within the
/// stretches of text around its triggers that a match could cover, which gives the
/// same matches as a run over the whole text (`windows_never_hide_a_match`) at a
/// fraction of the cost: most of a report is far from any date word.
struct Triggers {
    /// (start, end, classes)
    hits: Vec<(usize, usize, u32)>,
    /// The runs of non-whitespace characters, when there are hits.
    runs: Vec<(u32, u32)>,
    /// Unicode case folding matches 'ſ' to 's' and the Kelvin sign to 'k', which the
    /// ASCII-case-insensitive word search would miss: such a text is searched whole.
    whole_text: bool,
}

fn is_digit_char(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06F0}'..='\u{06F9}').contains(&c)
}

impl Triggers {
    fn find(text: &str) -> Triggers {
        let whole_text = text.contains('\u{17f}') || text.contains('\u{212a}');
        let mut hits = Vec::new();
        if whole_text {
            return Triggers {
                hits,
                runs: Vec::new(),
                whole_text,
            };
        }
        let tw = &*TRIGGER_WORDS;
        for m in tw.ac.find_overlapping_iter(text) {
            let (classes, whole) = tw.info[m.pattern().as_usize()];
            if whole
                && (prev_char(text, m.start()).is_some_and(is_wc)
                    || next_char(text, m.end()).is_some_and(is_wc))
            {
                continue;
            }
            hits.push((m.start(), m.end(), classes));
        }
        // digit runs (ASCII and Arabic-Indic digits)
        runs(
            text,
            |b| b.is_ascii_digit(),
            is_digit_char,
            |r| {
                let s = offset_in(text, r);
                hits.push((s, s + r.len(), T_DIGIT));
            },
        );
        if hits.is_empty() {
            return Triggers {
                hits,
                runs: Vec::new(),
                whole_text,
            };
        }
        hits.sort_unstable();
        Triggers {
            hits,
            runs: space_runs(text),
            whole_text,
        }
    }

    /// The disjoint stretches of `text` that can hold a match of `pat`, in order.
    fn regions(&self, text: &str, pat: &Pat, out: &mut Vec<(usize, usize)>) {
        out.clear();
        if pat.on == 0 || self.whole_text {
            out.push((0, text.len()));
            return;
        }
        let last = self.runs.len().saturating_sub(1);
        // the run holding byte `i`
        let run_of = |i: usize| {
            self.runs
                .partition_point(|r| r.0 as usize <= i)
                .saturating_sub(1)
        };
        for &(s, e, c) in &self.hits {
            if c & pat.on == 0 {
                continue;
            }
            // a match holding this trigger crosses at most `pat.ws` whitespace runs on
            // either side of it
            let ws = self.runs[run_of(s).saturating_sub(pat.ws)].0 as usize;
            let we = self.runs[(run_of(e.saturating_sub(1)) + pat.ws).min(last)].1 as usize;
            match out.last_mut() {
                Some(last) if ws <= last.1 => last.1 = last.1.max(we),
                _ => out.push((ws, we)),
            }
        }
    }
}

/// The runs of non-whitespace characters of `text`, as (start, end) byte offsets.
/// Whitespace is what the patterns' `\s` matches: Unicode `White_Space`.
fn space_runs(text: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    runs(
        text,
        |b| !is_ascii_space(b),
        |c| !c.is_whitespace(),
        |r| {
            let s = offset_in(text, r);
            out.push((s as u32, (s + r.len()) as u32));
        },
    );
    out
}

/// The byte offset in `text` of `piece`, a subslice of it.
fn offset_in(text: &str, piece: &str) -> usize {
    piece.as_ptr() as usize - text.as_ptr() as usize
}

/// The most whitespace runs a match of the regex `p` can cross: over its alternatives
/// the largest sum of the elements that can match whitespace (`\s`, a space, a no-break
/// space, a class holding one). `usize::MAX` when a repeated group can (unbounded).
fn ws_runs(p: &str) -> usize {
    fn alt(p: &[char], i: &mut usize) -> usize {
        let (mut best, mut seq) = (0usize, 0usize);
        while *i < p.len() && p[*i] != ')' {
            let c = p[*i];
            *i += 1;
            let mut group = false;
            let val = match c {
                '|' => {
                    best = best.max(seq);
                    seq = 0;
                    continue;
                }
                '(' => {
                    group = true;
                    if p.get(*i) == Some(&'?') {
                        // flags or a name: up to ':' or '>'
                        while *i < p.len() && p[*i] != ':' && p[*i] != '>' && p[*i] != ')' {
                            *i += 1;
                        }
                        if p.get(*i) != Some(&')') {
                            *i += 1;
                        }
                    }
                    let v = alt(p, i);
                    *i += 1; // ')'
                    v
                }
                '[' => {
                    let mut has = false;
                    while *i < p.len() && p[*i] != ']' {
                        if p[*i] == '\\' {
                            *i += 1;
                            has |= p.get(*i) == Some(&'s');
                        } else {
                            has |= p[*i] == ' ' || p[*i] == '\u{a0}';
                        }
                        *i += 1;
                    }
                    *i += 1; // ']'
                    usize::from(has)
                }
                '\\' => {
                    let e = p.get(*i).copied();
                    *i += 1;
                    usize::from(e == Some('s'))
                }
                ' ' | '\u{a0}' => 1,
                _ => 0,
            };
            // a quantifier
            let mut repeated = false;
            while let Some(&q) = p.get(*i) {
                match q {
                    '?' => *i += 1,
                    '*' | '+' => {
                        repeated = true;
                        *i += 1;
                    }
                    '{' => {
                        repeated = true;
                        while *i < p.len() && p[*i] != '}' {
                            *i += 1;
                        }
                        *i += 1;
                    }
                    _ => break,
                }
            }
            if repeated && group && val > 0 {
                return usize::MAX;
            }
            seq = seq.saturating_add(val);
        }
        best.max(seq)
    }
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    alt(&chars, &mut i)
}

struct Pats {
    num_iso: Pat,
    num_dmy: Pat,
    year: Pat,
    en_dmy: Pat,
    en_mdy: Pat,
    en_my: Pat,
    en_m_relyear: Pat,
    en_rel_m: Pat,
    en_bare_m: Pat,
    en_rel_ym: Pat,
    en_relday: Pat,
    en_season: Pat,
    en_wd: Pat,
    en_ago: Pat,
    en_offset: Pat,
    en_decade: Pat,
    fr_dmy: Pat,
    fr_my: Pat,
    fr_m_rel: Pat,
    fr_bare_m: Pat,
    fr_rel_year: Pat,
    fr_this_year: Pat,
    fr_rel_month: Pat,
    fr_relday: Pat,
    fr_season: Pat,
    fr_wd: Pat,
    fr_ago: Pat,
    fr_offset: Pat,
    fr_decade: Pat,
    ar_date: Pat,
    ar_relday: Pat,
    ar_wd: Pat,
    ar_offset: Pat,
}

static PATS: LazyLock<Pats> = LazyLock::new(build_pats);

fn build_pats() -> Pats {
    let mon_en_full = variants(&EN_MONTHS, false, true);
    let mon_en_cap = variants(&EN_MONTHS, false, false);
    let mon_en = format!("{}|{}", mon_en_full, variants(&EN_ABBR, false, true));
    let wd_en = variants(&EN_WD, false, true);
    let mut fr_full: Vec<&str> = FR_MONTHS.to_vec();
    fr_full.extend_from_slice(&FR_MONTHS2);
    let mon_fr_full = variants(&fr_full, true, true);
    let mon_fr_lower = fr_full.join("|");
    let fr_abbr = variants(&FR_ABBR, true, true);
    let mon_fr_dmy = format!("{}|{}", mon_fr_full, fr_abbr);
    let mon_fr_my = format!("{}|(?:{})\\.", mon_fr_full, fr_abbr);
    let wd_fr = variants(&FR_WD, true, true);
    let t = |p: &str| -> Pat {
        let s = p
            .replace("<D>", D)
            .replace("<MON_EN_FULL>", &mon_en_full)
            .replace("<MON_EN_CAP>", &mon_en_cap)
            .replace("<MON_EN>", &mon_en)
            .replace("<WD_EN>", &wd_en)
            .replace("<MON_FR_FULL>", &mon_fr_full)
            .replace("<MON_FR_LOWER>", &mon_fr_lower)
            .replace("<MON_FR_DMY>", &mon_fr_dmy)
            .replace("<MON_FR_MY>", &mon_fr_my)
            .replace("<WD_FR>", &wd_fr)
            .replace("<MOD_EN>", MOD_EN)
            .replace("<MOD_FR>", MOD_FR)
            .replace("<NUM_EN>", NUM_EN)
            .replace("<NUM_FR>", NUM_FR)
            .replace("<AR_MON>", AR_MONTHS)
            .replace("<AR_WD>", AR_WD);
        let re = Regex::new(&s).expect("static temporal pattern must compile");
        let ws = ws_runs(&s);
        Pat {
            re,
            on: 0,
            ws,
            edge: Edge::Word,
        }
    };
    Pats {
        num_iso: t(r"(?P<y><D>{4})[-/.](?P<m><D>{1,2})[-/.](?P<d><D>{1,2})")
            .on(T_DIGIT)
            .edge(Edge::NumDate),
        num_dmy: t(r"(?P<a><D>{1,2})[/.\-](?P<b><D>{1,2})[/.\-](?P<y><D>{4})")
            .on(T_DIGIT)
            .edge(Edge::NumDate),
        year: t(r"(?P<mod><MOD_EN>|<MOD_FR>)?(?P<y><D>{4})").on(T_DIGIT),
        en_dmy: t(
            r"(?:(?P<wd><WD_EN>),?\s+)?(?P<d><D>{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m><MON_EN>)(?:\.?,?\s+(?P<y><D>{4}))?",
        ).on(T_EN_MONTH),
        en_mdy: t(
            r"(?:(?P<wd><WD_EN>),?\s+)?(?P<m><MON_EN>)\.?\s+(?P<d><D>{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y><D>{4}))?",
        ).on(T_EN_MONTH),
        en_my: t(r"(?P<mod><MOD_EN>)?(?P<m><MON_EN>)\.?(?:,|\s+of)?\s+(?P<y><D>{4})").on(T_EN_MONTH),
        en_m_relyear: t(
            r"(?P<mod><MOD_EN>)?(?P<m><MON_EN_CAP>)\s+(?:of\s+)?(?P<r>[Nn]ext|[Ll]ast|[Tt]his)\s+year",
        ).on(T_EN_MONTH),
        en_rel_m: t(r"(?P<r>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<m><MON_EN_CAP>)").on(T_EN_MONTH),
        en_bare_m: t(r"(?P<mod><MOD_EN>)?(?P<m><MON_EN_CAP>)").on(T_EN_MONTH),
        en_rel_ym: t(r"(?P<mod><MOD_EN>)?(?P<r>(?i:last|next|this))\s+(?P<u>(?i:year|month))").on(T_EN_UNIT),
        en_relday: t(
            r"(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|(?:yesterday|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?|today|tonight|this\s+(?:morning|afternoon|evening)|last\s+night)",
        ).on(T_EN_RELDAY),
        en_season: t(
            r"(?P<mod><MOD_EN>)?(?:(?P<r>[Ll]ast|[Nn]ext|[Tt]his(?:\s+past|\s+coming)?)\s+|(?P<the>[Tt]he)\s+(?P<mod2><MOD_EN>)?)?(?P<s>[Ss]ummer|[Ww]inter|[Ss]pring|[Aa]utumn|[Ff]all)(?:\s+(?:of\s+)?(?P<y><D>{4}))?",
        ).on(T_EN_SEASON),
        en_wd: t(r"(?:(?P<r>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd><WD_EN>)(?:\s+(?P<pod>(?i:morning|afternoon|evening|night)))?").on(T_EN_WD),
        en_ago: t(r"(?P<n><NUM_EN>|<D>{1,3})\s+(?P<u>(?i:days?|weeks?|months?|years?))\s+ago").on(T_EN_AGO),
        en_offset: t(
            r"(?:(?P<n><NUM_EN>|<D>{1,3})\s+(?P<u>(?i:days?|months?|years?))\s+(?P<dir>(?i:later|after|before|earlier))|(?i:the\s+(?P<f>next|following|previous)\s+day)|(?i:the\s+day\s+(?P<ab>after|before)))",
        ).on(T_EN_UNIT),
        en_decade: t(r"(?P<y>(?:19|20)[0-9]0)['’]?s").on(T_DIGIT),
        fr_dmy: t(
            r"(?:(?P<wd><WD_FR>),?\s+)?(?P<d><D>{1,2})(?:er|ᵉʳ)?\s+(?P<m><MON_FR_DMY>)(?:\.?\s+(?P<y><D>{4}))?",
        ).on(T_FR_MONTH),
        fr_my: t(r"(?P<mod><MOD_FR>)?(?P<m><MON_FR_MY>)\s+(?:de\s+)?(?P<y><D>{4})").on(T_FR_MONTH),
        fr_m_rel: t(
            r"(?P<mod><MOD_FR>)?(?P<m><MON_FR_FULL>)\s+(?:(?P<r>dernier|prochain|passé)|de\s+l['’](?:année|an)\s+(?P<r2>dernière|prochaine|passée|dernier|prochain|passé)|de\s+(?P<c>cette)\s+année)",
        ).on(T_FR_MONTH),
        fr_bare_m: t(r"(?P<mod><MOD_FR>)?(?P<m><MON_FR_LOWER>)").on(T_FR_MONTH),
        fr_rel_year: t(
            r"(?P<mod><MOD_FR>)?[Ll]['’]an(?:née)?\s+(?P<r>dernière|dernier|passée|passé|prochaine|prochain)",
        ).on(T_FR_REL),
        fr_this_year: t(r"(?P<mod><MOD_FR>)?[Cc]ette\s+année").on(T_FR_ANNEE),
        fr_rel_month: t(r"[Ll]e\s+mois\s+(?P<r>dernier|prochain|passé)|[Cc]e\s+mois(?:-ci)?").on(T_FR_MOIS),
        fr_relday: t(
            r"(?i:avant-hier|après-demain|(?:hier|demain)(?:\s+(?:matin|soir|après-midi))?|ce\s+matin|cet\s+après-midi|ce\s+soir|aujourd['’]hui\s+même)",
        ).on(T_FR_RELDAY),
        fr_season: t(
            r"(?:(?P<c>[Cc]et|[Cc]e)\s+)?(?P<s>[Ll]['’]été|[Ll]['’]hiver|[Ll]['’]automne|[Ll]e\s+printemps|été|hiver|automne|printemps)(?:\s+(?:de\s+|d['’])?(?:l['’]année\s+)?(?P<y><D>{4})|\s+(?P<r>dernier|prochain))?",
        ).on(T_FR_SEASON),
        fr_wd: t(r"(?:(?P<ce>[Cc]e)\s+)?(?P<wd><WD_FR>)(?:\s+(?P<r>dernier|prochain|passé))?(?:\s+(?P<pod>matin|après-midi|soir|soirée))?").on(T_FR_WD),
        fr_ago: t(r"[Ii]l\s+y\s+a\s+(?P<n><NUM_FR>|<D>{1,3})\s+(?P<u>jours?|mois|ans|années?)").on(T_FR_UNIT),
        fr_offset: t(
            r"(?:(?P<n><NUM_FR>|<D>{1,3})\s+(?P<u>jours?|mois|ans|années?)\s+(?P<dir>plus\s+tard|après|auparavant|plus\s+tôt|avant)|(?P<l>[Ll]e\s+(?:lendemain|surlendemain))|(?P<v>[Ll]a\s+veille)|(?P<av>[Ll]['’]avant-veille))",
        ).on(T_FR_OFFSET),
        fr_decade: t(r"(?P<a>[Aa]nnées)\s+(?P<y>(?:19|20)[0-9]0|[0-9]0)").on(T_DIGIT),
        ar_date: t(
            r"(?:(?P<d><D>{1,2})\s+)?(?P<m><AR_MON>)(?:\s*/\s*(?P<m2><AR_MON>))?(?:\s+(?:عام\s+|سنة\s+)?(?P<y><D>{4}))?",
        )
        .edge(Edge::Arabic),
        ar_relday: t(r"أمس\s+الأول|أول\s+(?:من\s+)?أمس|أمس|البارحة|اليوم|غداً|بعد\s+غد").edge(Edge::Arabic),
        ar_wd: t(r"(?:(?P<yawm>يوم)\s+)?(?P<wd><AR_WD>)(?:\s+(?P<r>الماضي|المقبل|القادم|الفائت))?").edge(Edge::Arabic),
        ar_offset: t(r"اليوم\s+(?P<k>التالي|السابق)").edge(Edge::Arabic),
    }
}

// ---------------------------------------------------------------------------
// Small helpers (all char-boundary safe)
// ---------------------------------------------------------------------------

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn prev_char(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

fn next_char(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

fn is_wc(c: char) -> bool {
    c.is_alphanumeric()
}

fn bounded(text: &str, s: usize, e: usize) -> bool {
    !prev_char(text, s).is_some_and(is_wc) && !next_char(text, e).is_some_and(is_wc)
}

/// Arabic boundary: allows up to three proclitic letters (و ف ب ل ا ك) before the word,
/// and the letter م (for "ميلادي") right after a year.
fn ar_bounded(text: &str, s: usize, e: usize, year_end: bool) -> bool {
    let before = match text.get(..s) {
        Some(b) => b,
        None => return false,
    };
    let mut ok_before = false;
    for (n, c) in before.chars().rev().enumerate() {
        if !is_wc(c) {
            ok_before = true;
            break;
        }
        if n >= 3 || !matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ا' | 'ك') {
            break;
        }
    }
    if before.is_empty() {
        ok_before = true;
    } else if !ok_before {
        // reached the start of the text through proclitics only
        let all_clitic = before.chars().count() <= 3
            && before
                .chars()
                .all(|c| matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ا' | 'ك'));
        ok_before = all_clitic;
    }
    if !ok_before {
        return false;
    }
    match next_char(text, e) {
        None => true,
        Some(c) if !is_wc(c) => true,
        Some('م') if year_end => !next_char(text, e + 'م'.len_utf8()).is_some_and(is_wc),
        Some(_) => false,
    }
}

fn parse_num(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    let mut any = false;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
            '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
            _ => return None,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
        any = true;
    }
    if any {
        Some(v)
    } else {
        None
    }
}

fn word_num(s: &str) -> Option<i64> {
    if let Some(n) = parse_num(s) {
        return Some(n as i64);
    }
    let l = s.to_lowercase();
    Some(match l.as_str() {
        "a" | "an" | "one" | "un" | "une" => 1,
        "two" | "deux" => 2,
        "three" | "trois" => 3,
        "four" | "quatre" => 4,
        "five" | "cinq" => 5,
        "six" => 6,
        "seven" | "sept" => 7,
        "eight" | "huit" => 8,
        "nine" | "neuf" => 9,
        "ten" | "dix" => 10,
        "eleven" | "onze" => 11,
        "twelve" | "douze" => 12,
        "fifteen" | "quinze" => 15,
        "twenty" | "vingt" => 20,
        "thirty" | "trente" => 30,
        _ => return None,
    })
}

fn unit_of(s: &str) -> Option<Unit> {
    let l = s.to_lowercase();
    if l.starts_with("day") || l.starts_with("jour") {
        Some(Unit::Day)
    } else if l.starts_with("week") || l.starts_with("semaine") {
        Some(Unit::Week)
    } else if l.starts_with("month") || l == "mois" {
        Some(Unit::Month)
    } else if l.starts_with("year") || l.starts_with("an") {
        Some(Unit::Year)
    } else {
        None
    }
}

fn num(c: &Captures<'_>, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| parse_num(m.as_str()))
}

fn valid_year(y: u32) -> Option<i32> {
    if (1900..=2099).contains(&y) {
        Some(y as i32)
    } else {
        None
    }
}

fn en_month(s: &str) -> Option<u32> {
    let mut it = s.chars().map(|c| c.to_ascii_lowercase());
    let k = [it.next()?, it.next()?, it.next()?];
    Some(match k {
        ['j', 'a', 'n'] => 1,
        ['f', 'e', 'b'] => 2,
        ['m', 'a', 'r'] => 3,
        ['a', 'p', 'r'] => 4,
        ['m', 'a', 'y'] => 5,
        ['j', 'u', 'n'] => 6,
        ['j', 'u', 'l'] => 7,
        ['a', 'u', 'g'] => 8,
        ['s', 'e', 'p'] => 9,
        ['o', 'c', 't'] => 10,
        ['n', 'o', 'v'] => 11,
        ['d', 'e', 'c'] => 12,
        _ => return None,
    })
}

fn fr_month(s: &str) -> Option<u32> {
    let l = s.to_lowercase();
    let l = l.as_str();
    Some(if l.starts_with("jan") {
        1
    } else if l.starts_with('f') {
        2
    } else if l.starts_with("mar") {
        3
    } else if l.starts_with("av") {
        4
    } else if l.starts_with("mai") {
        5
    } else if l.starts_with("juin") {
        6
    } else if l.starts_with("juil") {
        7
    } else if l.starts_with("ao") {
        8
    } else if l.starts_with("sep") {
        9
    } else if l.starts_with("oct") {
        10
    } else if l.starts_with("nov") {
        11
    } else if l.starts_with('d') {
        12
    } else {
        return None;
    })
}

fn ar_norm(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            'ه' => 'و', // يونيه / يوليه -> يونيو / يوليو
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn ar_month(s: &str) -> Option<u32> {
    let n = ar_norm(s);
    if n.starts_with("كانون") {
        return Some(if n.contains("ثاني") { 1 } else { 12 });
    }
    if n.starts_with("تشرين") {
        return Some(if n.contains("ثاني") { 11 } else { 10 });
    }
    const T: &[(&str, u32)] = &[
        ("يناير", 1),
        ("فبراير", 2),
        ("شباط", 2),
        ("مارس", 3),
        ("اذار", 3),
        ("ابريل", 4),
        ("نيسان", 4),
        ("مايو", 5),
        ("ايار", 5),
        ("يونيو", 6),
        ("حزيران", 6),
        ("يوليو", 7),
        ("تموز", 7),
        ("اغسطس", 8),
        ("اب", 8),
        ("سبتمبر", 9),
        ("ايلول", 9),
        ("اكتوبر", 10),
        ("نوفمبر", 11),
        ("ديسمبر", 12),
    ];
    T.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

fn en_weekday(s: &str) -> Option<Weekday> {
    let mut it = s.chars().map(|c| c.to_ascii_lowercase());
    let k = [it.next()?, it.next()?];
    Some(match k {
        ['m', 'o'] => Weekday::Mon,
        ['t', 'u'] => Weekday::Tue,
        ['w', 'e'] => Weekday::Wed,
        ['t', 'h'] => Weekday::Thu,
        ['f', 'r'] => Weekday::Fri,
        ['s', 'a'] => Weekday::Sat,
        ['s', 'u'] => Weekday::Sun,
        _ => return None,
    })
}

fn fr_weekday(s: &str) -> Option<Weekday> {
    let l = s.to_lowercase();
    Some(if l.starts_with("lun") {
        Weekday::Mon
    } else if l.starts_with("mar") {
        Weekday::Tue
    } else if l.starts_with("mer") {
        Weekday::Wed
    } else if l.starts_with("jeu") {
        Weekday::Thu
    } else if l.starts_with("ven") {
        Weekday::Fri
    } else if l.starts_with("sam") {
        Weekday::Sat
    } else if l.starts_with("dim") {
        Weekday::Sun
    } else {
        return None;
    })
}

fn ar_weekday(s: &str) -> Option<Weekday> {
    let n = ar_norm(s);
    Some(match n.as_str() {
        "الاثنين" => Weekday::Mon,
        "الثلاثاء" => Weekday::Tue,
        "الاربعاء" => Weekday::Wed,
        "الخميس" => Weekday::Thu,
        "الجمعة" => Weekday::Fri,
        "السبت" => Weekday::Sat,
        "الاحد" => Weekday::Sun,
        _ => return None,
    })
}

fn season_of(s: &str) -> Option<Season> {
    let l = s.to_lowercase();
    Some(if l.contains("summer") || l.contains("été") {
        Season::Summer
    } else if l.contains("winter") || l.contains("hiver") {
        Season::Winter
    } else if l.contains("spring") || l.contains("printemps") {
        Season::Spring
    } else if l.contains("autumn") || l.contains("fall") || l.contains("automne") {
        Season::Autumn
    } else {
        return None;
    })
}

/// The word (run of non-whitespace characters) ending right before `pos`,
/// skipping whitespace. Empty when there is none.
fn prev_word(text: &str, pos: usize) -> &str {
    let before = match text.get(..pos) {
        Some(b) => b.trim_end(),
        None => return "",
    };
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &before[start..]
}

/// The word starting after `pos`, skipping whitespace; letters only.
fn next_word(text: &str, pos: usize) -> &str {
    let after = match text.get(pos..) {
        Some(a) => a.trim_start(),
        None => return "",
    };
    let end = after
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map(|(i, _)| i)
        .unwrap_or(after.len());
    &after[..end]
}

fn trim_punct(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '°' && c != 'º' && c != '#')
}

fn eq_any(w: &str, list: &[&str]) -> bool {
    if w.is_empty() || w.len() > 40 {
        return false;
    }
    if w.is_ascii() {
        return list.iter().any(|x| x.eq_ignore_ascii_case(w));
    }
    let l = w.to_lowercase();
    list.iter().any(|x| *x == l)
}

// ---------------------------------------------------------------------------
// Candidate collection
// ---------------------------------------------------------------------------

fn scan<'t>(
    pat: &Pat,
    text: &'t str,
    tr: &Triggers,
    out: &mut Vec<Cand>,
    mut f: impl FnMut(&Captures<'t>) -> Option<Cand>,
) {
    let mut regions = Vec::new();
    tr.regions(text, pat, &mut regions);
    let re = &pat.re;
    let mut pos = 0usize;
    for (rs, re_end) in regions {
        // No match crosses a region's end (see `Triggers`), so searching the text cut
        // there finds the same matches: the patterns look at nothing past their match.
        let hay = &text[..re_end];
        pos = pos.max(rs);
        while pos <= hay.len() {
            let c = match re.captures_at(hay, pos) {
                Some(c) => c,
                None => break,
            };
            let (ms, me) = match c.get(0) {
                Some(m) => (m.start(), m.end()),
                None => break,
            };
            let found = if pat.edge.ok(text, ms, me) {
                f(&c)
            } else {
                None
            };
            match found {
                Some(mut k) if me > ms => {
                    if k.md.is_none() {
                        k.md = c.name("mod").and_then(|g| mod_of(g.as_str()));
                    }
                    out.push(k);
                    pos = me;
                }
                _ => {
                    let step = next_char(text, ms).map_or(1, |ch| ch.len_utf8());
                    pos = ms + step;
                }
            }
        }
    }
}

const YEAR_PREV_STOP: &[&str] = &[
    "resolution",
    "resolutions",
    "résolution",
    "résolutions",
    "no",
    "no.",
    "n°",
    "nº",
    "n",
    "n.",
    "number",
    "numéro",
    "num",
    "num.",
    "chapter",
    "chapitre",
    "article",
    "art",
    "art.",
    "page",
    "p",
    "p.",
    "pp",
    "pp.",
    "para",
    "para.",
    "paragraph",
    "law",
    "loi",
    "decree",
    "décret",
    "code",
    "القرار",
    "رقم",
    "about",
    "some",
    "nearly",
    "around",
    "approximately",
    "almost",
    "roughly",
    "over",
    "than",
    "environ",
    "quelque",
    "près",
    "plus",
    "moins",
    "estimated",
    "total",
    "#",
    "flight",
    "vol",
    "route",
    "highway",
    "room",
    "box",
    "bp",
    "b.p.",
    "tel",
    "tél",
    "fax",
];

const YEAR_NEXT_STOP: &[&str] = &[
    "troops",
    "soldiers",
    "people",
    "persons",
    "men",
    "women",
    "children",
    "refugees",
    "fighters",
    "militants",
    "rebels",
    "civilians",
    "personnel",
    "staff",
    "police",
    "policemen",
    "officers",
    "peacekeepers",
    "troupes",
    "soldats",
    "personnes",
    "hommes",
    "femmes",
    "enfants",
    "réfugiés",
    "combattants",
    "militaires",
    "civils",
    "km",
    "kilometres",
    "kilometers",
    "kilomètres",
    "miles",
    "metres",
    "meters",
    "mètres",
    "tonnes",
    "tons",
    "dollars",
    "euros",
    "francs",
    "usd",
    "cfa",
    "hectares",
    "dead",
    "deaths",
    "morts",
    "victims",
    "victimes",
    "cases",
    "households",
    "families",
    "familles",
    "votes",
    "voix",
    "gmt",
    "utc",
    "hours",
    "hrs",
    "h",
    "heures",
    "pages",
    "jihadists",
    "djihadistes",
    "islamists",
    "islamistes",
    "members",
    "membres",
    "vehicles",
    "véhicules",
    "schools",
    "écoles",
    "villages",
];

fn year_ok(text: &str, ys: usize, ye: usize, has_mod: bool) -> bool {
    // context before the year
    if !has_mod {
        match prev_char(text, ys) {
            Some('/' | '\\' | '#' | '$' | '€' | '£' | '+' | '×' | '°') => return false,
            Some(c) if matches!(c, '-' | '–' | '.' | ',' | ':' | ' ' | '\u{a0}' | '\u{202f}') => {
                let p = ys - c.len_utf8();
                if prev_char(text, p).is_some_and(|q| q.is_numeric()) {
                    return false;
                }
            }
            _ => {}
        }
        if prev_char(text, ys) == Some('(') {
            // "Resolution 2085 (2012)": designation year, not an event date
            let p = prev_word(text, ys - 1);
            if p.chars().last().is_some_and(|c| c.is_numeric()) {
                return false;
            }
        }
        let pw = trim_punct(prev_word(text, ys));
        let pw_raw = prev_word(text, ys);
        if eq_any(pw, YEAR_PREV_STOP) || eq_any(pw_raw, YEAR_PREV_STOP) {
            return false;
        }
    }
    // context after the year
    if let Some(rest) = text.get(ye..) {
        let mut it = rest.chars();
        match (it.next(), it.next()) {
            (Some(',' | '.'), Some(d)) if d.is_numeric() => {
                // thousands separator or decimal; a footnote marker "2012.3" is allowed
                let digits = rest.chars().skip(1).take_while(|c| c.is_numeric()).count();
                if digits >= 3 || rest.starts_with(',') {
                    return false;
                }
            }
            (Some('-' | '–' | '/'), Some(d)) if d.is_numeric() => return false,
            (Some('%'), _) => return false,
            _ => {}
        }
        let nw = next_word(text, ye);
        if !nw.is_empty() && eq_any(nw, YEAR_NEXT_STOP) {
            return false;
        }
    }
    true
}

fn collect(text: &str, langs: Langs, out: &mut Vec<Cand>) {
    collect_with(text, langs, &Triggers::find(text), out);
}

fn collect_with(text: &str, langs: Langs, tr: &Triggers, out: &mut Vec<Cand>) {
    let p = &*PATS;

    // ISO dates: 2012-12-20
    scan(&p.num_iso, text, tr, out, |c| {
        let m = c.get(0)?;
        let y = valid_year(num(c, "y")?)?;
        let mo = num(c, "m")?;
        let d = num(c, "d")?;
        NaiveDate::from_ymd_opt(y, mo, d)?;
        cand(
            m.start(),
            m.end(),
            Sem::Day {
                y: YearSpec::Abs(y),
                m: mo,
                d,
                wd: None,
            },
            4,
        )
    });
    // 20/12/2012, 14/1/2013, 12/20/2012
    scan(&p.num_dmy, text, tr, out, |c| {
        let m = c.get(0)?;
        let y = valid_year(num(c, "y")?)?;
        let a = num(c, "a")?;
        let b = num(c, "b")?;
        let (d, mo) = if a <= 12 && b > 12 { (b, a) } else { (a, b) };
        NaiveDate::from_ymd_opt(y, mo, d)?;
        cand(
            m.start(),
            m.end(),
            Sem::Day {
                y: YearSpec::Abs(y),
                m: mo,
                d,
                wd: None,
            },
            4,
        )
    });
    // bare years, optionally with a modifier ("the beginning of 2012", "fin 2012")
    scan(&p.year, text, tr, out, |c| {
        let m = c.get(0)?;
        let yg = c.name("y")?;
        let has_mod = c.name("mod").is_some();
        let y = valid_year(num(c, "y")?)?;
        if !year_ok(text, yg.start(), yg.end(), has_mod) {
            return None;
        }
        cand(
            m.start(),
            m.end(),
            Sem::Year {
                y: YearSpec::Abs(y),
            },
            1,
        )
    });

    if langs.en {
        collect_en(text, p, tr, out);
        classes::collect_en(text, tr, out);
    }
    if langs.fr {
        collect_fr(text, p, tr, out);
        classes::collect_fr(text, tr, out);
    }
    // every Arabic pattern needs an Arabic letter (U+0600..U+06FF: lead bytes D8..DB)
    if langs.ar && text.bytes().any(|b| (0xD8..=0xDB).contains(&b)) {
        collect_ar(text, p, tr, out);
        classes::collect_ar(text, tr, out);
    }
}

fn num_date_bounds(text: &str, s: usize, e: usize) -> bool {
    if !bounded(text, s, e) {
        return false;
    }
    if let Some(c) = prev_char(text, s) {
        if matches!(c, '/' | '.' | '-' | ',')
            && prev_char(text, s - c.len_utf8()).is_some_and(|q| q.is_numeric())
        {
            return false;
        }
        if c == '/' {
            return false;
        }
    }
    if let Some(c) = next_char(text, e) {
        if c == '/' {
            return false;
        }
        if matches!(c, '.' | '-' | ',' | ':')
            && next_char(text, e + c.len_utf8()).is_some_and(|q| q.is_numeric())
        {
            return false;
        }
    }
    true
}

/// Day-month without a year must not be followed by more digits ("March 3,000").
fn day_tail_ok(text: &str, e: usize) -> bool {
    match next_char(text, e) {
        Some(c) if matches!(c, ',' | '.' | ':' | '-' | '/') => {
            !next_char(text, e + c.len_utf8()).is_some_and(|q| q.is_numeric())
        }
        _ => true,
    }
}

fn day_sem(y: Option<u32>, m: u32, d: u32, wd: Option<Weekday>) -> Option<Sem> {
    let ys = match y {
        Some(y) => YearSpec::Abs(valid_year(y)?),
        None => YearSpec::Unknown,
    };
    // validate against a leap year when the year is unknown
    let check_y = match ys {
        YearSpec::Abs(y) => y,
        _ => 2000,
    };
    NaiveDate::from_ymd_opt(check_y, m, d)?;
    Some(Sem::Day { y: ys, m, d, wd })
}

const MAY_PREV: &[&str] = &[
    "in",
    "on",
    "since",
    "until",
    "till",
    "by",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "of",
    "from",
    "through",
    "during",
    "before",
    "after",
    "between",
    "and",
    "or",
    "to",
    "end",
    "beginning",
    "start",
    "middle",
    "throughout",
];

fn collect_en(text: &str, p: &Pats, tr: &Triggers, out: &mut Vec<Cand>) {
    for re in [&p.en_dmy, &p.en_mdy] {
        scan(re, text, tr, out, |c| {
            let m = c.get(0)?;
            let mo = en_month(c.name("m")?.as_str())?;
            let d = num(c, "d")?;
            let y = num(c, "y");
            if y.is_none() && !day_tail_ok(text, m.end()) {
                return None;
            }
            let wd = c.name("wd").and_then(|w| en_weekday(w.as_str()));
            let sem = day_sem(y, mo, d, wd)?;
            cand(m.start(), m.end(), sem, 3)
        });
    }
    scan(&p.en_my, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = en_month(c.name("m")?.as_str())?;
        let y = valid_year(num(c, "y")?)?;
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Abs(y),
                m: mo,
            },
            2,
        )
    });
    scan(&p.en_m_relyear, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = en_month(c.name("m")?.as_str())?;
        let k = rel_k(c.name("r")?.as_str());
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Rel(k),
                m: mo,
            },
            2,
        )
    });
    scan(&p.en_rel_m, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = en_month(c.name("m")?.as_str())?;
        let r = c.name("r")?.as_str().to_ascii_lowercase();
        let sem = match r.as_str() {
            "last" => Sem::MonthStrict { m: mo, past: true },
            "next" => Sem::MonthStrict { m: mo, past: false },
            _ => Sem::Month {
                y: YearSpec::Rel(0),
                m: mo,
            },
        };
        cand(m.start(), m.end(), sem, 2)
    });
    scan(&p.en_bare_m, text, tr, out, |c| {
        let m = c.get(0)?;
        let mg = c.name("m")?;
        let mo = en_month(mg.as_str())?;
        let has_mod = c.name("mod").is_some();
        let pw = trim_punct(prev_word(text, m.start()));
        let temporal_prev = has_mod || eq_any(pw, MAY_PREV);
        if mo == 5 && !temporal_prev {
            return None;
        }
        if !temporal_prev {
            // "June Smith", "April Ryan": a capitalised word right after suggests a name
            let nw = next_word(text, m.end());
            let after_ws = text
                .get(m.end()..)
                .is_some_and(|r| r.starts_with(char::is_whitespace));
            if after_ws && nw.chars().next().is_some_and(|c| c.is_uppercase()) {
                return None;
            }
            if mo == 3 && eq_any(nw, &["on", "to", "against", "through", "toward", "towards"]) {
                return None;
            }
        }
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Unknown,
                m: mo,
            },
            1,
        )
    });
    scan(&p.en_rel_ym, text, tr, out, |c| {
        let m = c.get(0)?;
        if c.name("mod").is_none() {
            let pw = trim_punct(prev_word(text, m.start()));
            if eq_any(pw, &["the", "a", "past", "over"]) {
                return None;
            }
        }
        let k = rel_k(c.name("r")?.as_str());
        let u = c.name("u")?.as_str().to_ascii_lowercase();
        let sem = if u == "year" {
            Sem::Year {
                y: YearSpec::Rel(k),
            }
        } else {
            Sem::RelMonth(k)
        };
        cand(m.start(), m.end(), sem, 1)
    });
    scan(&p.en_relday, text, tr, out, |c| {
        let m = c.get(0)?;
        let l = m.as_str().to_ascii_lowercase();
        let k = if l.contains("before yesterday") {
            -2
        } else if l.contains("after tomorrow") {
            2
        } else if l.starts_with("yesterday") || l.starts_with("last") {
            -1
        } else if l.starts_with("tomorrow") {
            1
        } else {
            0
        };
        let dt = part_of_day(&l);
        Some(cand(m.start(), m.end(), Sem::RelDay(k), 1)?.with_dt(dt))
    });
    scan(&p.en_season, text, tr, out, |c| {
        let m = c.get(0)?;
        let s = season_of(c.name("s")?.as_str())?;
        let ys = if c.name("y").is_some() {
            YearSpec::Abs(valid_year(num(c, "y")?)?)
        } else if let Some(r) = c.name("r") {
            let r = r.as_str().to_ascii_lowercase();
            YearSpec::Rel(if r.ends_with("past") {
                -1
            } else if r.ends_with("coming") {
                1
            } else {
                rel_k(&r)
            })
        } else {
            // a bare season names one after "the" or a preposition ("in summer");
            // "fall" alone is a verb
            let word = c.name("s")?.as_str();
            let before = text[..m.start()].trim_end();
            let prep = before
                .rsplit(|ch: char| !ch.is_alphabetic())
                .next()
                .is_some_and(|w| {
                    matches!(w, "in" | "during" | "since" | "until" | "through" | "by")
                });
            if c.name("the").is_none() && (!prep || word.eq_ignore_ascii_case("fall")) {
                return None;
            }
            YearSpec::Unknown
        };
        // "the fall of the city": an event, not a season
        if c.name("y").is_none() && next_word(text, m.end()).eq_ignore_ascii_case("of") {
            return None;
        }
        // with its year, the season is named without its article ("summer of 2012")
        let start = match (c.name("y"), c.name("the")) {
            (Some(_), Some(_)) => c.name("mod2").or(c.name("s"))?.start(),
            _ => m.start(),
        };
        let cd = cand(start, m.end(), Sem::Season { y: ys, s }, 2)?;
        Some(cd.with_mod(c.name("mod2").and_then(|g| mod_of(g.as_str()))))
    });
    scan(&p.en_wd, text, tr, out, |c| {
        let m = c.get(0)?;
        let wd = en_weekday(c.name("wd")?.as_str())?;
        let dir = match c.name("r").map(|r| r.as_str().to_ascii_lowercase()) {
            Some(ref r) if r == "last" => Dir::Past,
            Some(ref r) if r == "next" => Dir::Future,
            _ => Dir::Auto,
        };
        // "Wednesday's ruling": a day whose event is reported, so a past one
        let possessive = text
            .get(m.end()..)
            .is_some_and(|r| r.starts_with("'s") || r.starts_with("’s"));
        let dir = if dir == Dir::Auto && possessive {
            Dir::Past
        } else {
            dir
        };
        let dt = c
            .name("pod")
            .and_then(|g| part_of_day(&g.as_str().to_lowercase()));
        Some(cand(m.start(), m.end(), Sem::Weekday { wd, dir }, 1)?.with_dt(dt))
    });
    scan(&p.en_ago, text, tr, out, |c| {
        let m = c.get(0)?;
        let n = word_num(c.name("n")?.as_str())?;
        let unit = unit_of(c.name("u")?.as_str())?;
        cand(m.start(), m.end(), Sem::Ago { n, unit }, 1)
    });
    scan(&p.en_offset, text, tr, out, |c| {
        let m = c.get(0)?;
        let (n, unit, follows) = if let Some(f) = c.name("f") {
            let k = if f.as_str().eq_ignore_ascii_case("previous") {
                -1
            } else {
                1
            };
            (k, Unit::Day, false)
        } else if let Some(ab) = c.name("ab") {
            // "the day after" must not introduce an event ("the day after the vote")
            if !next_word(text, m.end()).is_empty() && !followed_by_punct(text, m.end()) {
                return None;
            }
            let k = if ab.as_str().eq_ignore_ascii_case("before") {
                -1
            } else {
                1
            };
            (k, Unit::Day, false)
        } else {
            let pw = trim_punct(prev_word(text, m.start()));
            if eq_any(
                pw,
                &[
                    "within", "for", "in", "than", "up", "about", "only", "least", "some",
                ],
            ) {
                return None;
            }
            let n = word_num(c.name("n")?.as_str())?;
            let unit = unit_of(c.name("u")?.as_str())?;
            let dir = c.name("dir")?.as_str().to_ascii_lowercase();
            let sign = if dir == "before" || dir == "earlier" {
                -1
            } else {
                1
            };
            let follows = (dir == "after" || dir == "before") && !followed_by_punct(text, m.end());
            (sign * n, unit, follows)
        };
        cand(m.start(), m.end(), Sem::Offset { n, unit, follows }, 1)
    });
    scan(&p.en_decade, text, tr, out, |c| {
        let m = c.get(0)?;
        let y = valid_year(num(c, "y")?)?;
        cand(m.start(), m.end(), Sem::Decade { y }, 2)
    });
}

/// The part of the day a lower-cased relative-day phrase names ("yesterday morning",
/// "tonight", "hier soir").
fn part_of_day(l: &str) -> Option<DayTime> {
    if l.contains("morning") || l.contains("matin") {
        Some(DayTime::Morning)
    } else if l.contains("afternoon") || l.contains("après-midi") {
        Some(DayTime::Afternoon)
    } else if l.contains("evening") || l.contains("soir") {
        Some(DayTime::Evening)
    } else if l.contains("night") || l.contains("nuit") {
        Some(DayTime::Night)
    } else {
        None
    }
}

fn followed_by_punct(text: &str, e: usize) -> bool {
    match text
        .get(e..)
        .and_then(|r| r.trim_start_matches([' ', '\t']).chars().next())
    {
        None => true,
        Some(c) => !c.is_alphanumeric(),
    }
}

fn rel_k(r: &str) -> i32 {
    let l = r.to_lowercase();
    if l.starts_with("last") || l.starts_with("dern") || l.starts_with("pass") {
        -1
    } else if l.starts_with("next") || l.starts_with("proch") {
        1
    } else {
        0
    }
}

fn collect_fr(text: &str, p: &Pats, tr: &Triggers, out: &mut Vec<Cand>) {
    scan(&p.fr_dmy, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
        let d = num(c, "d")?;
        let y = num(c, "y");
        if y.is_none() && !day_tail_ok(text, m.end()) {
            return None;
        }
        // "sept" is also the number seven: "7 sept" needs a year or a dot
        if c.name("m")?.as_str().eq_ignore_ascii_case("sept") && y.is_none() {
            return None;
        }
        let wd = c.name("wd").and_then(|w| fr_weekday(w.as_str()));
        let sem = day_sem(y, mo, d, wd)?;
        cand(m.start(), m.end(), sem, 3)
    });
    scan(&p.fr_my, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
        let y = valid_year(num(c, "y")?)?;
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Abs(y),
                m: mo,
            },
            2,
        )
    });
    scan(&p.fr_m_rel, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
        let sem = if let Some(r) = c.name("r") {
            Sem::MonthStrict {
                m: mo,
                past: rel_k(r.as_str()) < 0,
            }
        } else if let Some(r2) = c.name("r2") {
            Sem::Month {
                y: YearSpec::Rel(rel_k(r2.as_str())),
                m: mo,
            }
        } else {
            Sem::Month {
                y: YearSpec::Rel(0),
                m: mo,
            }
        };
        cand(m.start(), m.end(), sem, 2)
    });
    scan(&p.fr_bare_m, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Unknown,
                m: mo,
            },
            1,
        )
    });
    scan(&p.fr_rel_year, text, tr, out, |c| {
        let m = c.get(0)?;
        let k = rel_k(c.name("r")?.as_str());
        cand(
            m.start(),
            m.end(),
            Sem::Year {
                y: YearSpec::Rel(k),
            },
            1,
        )
    });
    scan(&p.fr_this_year, text, tr, out, |c| {
        let m = c.get(0)?;
        if !bounded(text, m.start(), m.end())
            || text.get(m.end()..).is_some_and(|r| r.starts_with("-là"))
        {
            return None;
        }
        cand(
            m.start(),
            m.end(),
            Sem::Year {
                y: YearSpec::Rel(0),
            },
            1,
        )
    });
    scan(&p.fr_rel_month, text, tr, out, |c| {
        let m = c.get(0)?;
        if !bounded(text, m.start(), m.end())
            || text.get(m.end()..).is_some_and(|r| r.starts_with("-là"))
        {
            return None;
        }
        let k = c.name("r").map_or(0, |r| rel_k(r.as_str()));
        cand(m.start(), m.end(), Sem::RelMonth(k), 1)
    });
    scan(&p.fr_relday, text, tr, out, |c| {
        let m = c.get(0)?;
        let l = m.as_str().to_lowercase();
        let k = if l.starts_with("avant-hier") {
            -2
        } else if l.starts_with("après-demain") {
            2
        } else if l.starts_with("hier") {
            -1
        } else if l.starts_with("demain") {
            // "le Mali de demain": the future, not a calendar day
            let pw = prev_word(text, m.start()).to_lowercase();
            if pw == "de" || pw.ends_with("d'") || pw.ends_with("d’") {
                return None;
            }
            if prev_char(text, m.start()).is_some_and(|c| c == '\'' || c == '’') {
                return None;
            }
            1
        } else {
            0
        };
        let dt = part_of_day(&l);
        Some(cand(m.start(), m.end(), Sem::RelDay(k), 1)?.with_dt(dt))
    });
    scan(&p.fr_season, text, tr, out, |c| {
        let m = c.get(0)?;
        let s = season_of(c.name("s")?.as_str())?;
        let ys = if c.name("y").is_some() {
            YearSpec::Abs(valid_year(num(c, "y")?)?)
        } else if let Some(r) = c.name("r") {
            YearSpec::Rel(rel_k(r.as_str()))
        } else if c.name("c").is_some() {
            YearSpec::Rel(0)
        } else {
            return None;
        };
        cand(m.start(), m.end(), Sem::Season { y: ys, s }, 2)
    });
    scan(&p.fr_wd, text, tr, out, |c| {
        let m = c.get(0)?;
        let wd = fr_weekday(c.name("wd")?.as_str())?;
        let dir = match c.name("r") {
            Some(r) if rel_k(r.as_str()) < 0 => Dir::Past,
            Some(_) => Dir::Future,
            None => Dir::Auto,
        };
        let dt = c.name("pod").and_then(|g| part_of_day(g.as_str()));
        Some(cand(m.start(), m.end(), Sem::Weekday { wd, dir }, 1)?.with_dt(dt))
    });
    scan(&p.fr_ago, text, tr, out, |c| {
        let m = c.get(0)?;
        let n = word_num(c.name("n")?.as_str())?;
        let unit = unit_of(c.name("u")?.as_str())?;
        cand(m.start(), m.end(), Sem::Ago { n, unit }, 1)
    });
    scan(&p.fr_offset, text, tr, out, |c| {
        let m = c.get(0)?;
        let nw = next_word(text, m.end()).to_lowercase();
        let event_follows = matches!(nw.as_str(), "de" | "du" | "des" | "d");
        let (n, unit, follows) = if c.name("l").is_some() {
            if event_follows {
                return None;
            }
            let k = if m.as_str().to_lowercase().contains("surlendemain") {
                2
            } else {
                1
            };
            (k, Unit::Day, false)
        } else if c.name("v").is_some() {
            if event_follows {
                return None;
            }
            (-1, Unit::Day, false)
        } else if c.name("av").is_some() {
            if event_follows {
                return None;
            }
            (-2, Unit::Day, false)
        } else {
            let pw = trim_punct(prev_word(text, m.start()));
            if eq_any(
                pw,
                &[
                    "dans", "pendant", "sous", "en", "ici", "depuis", "moins", "plus",
                ],
            ) {
                return None;
            }
            let n = word_num(c.name("n")?.as_str())?;
            let unit = unit_of(c.name("u")?.as_str())?;
            let dir = c.name("dir")?.as_str().to_lowercase();
            let sign =
                if dir.starts_with("avant") || dir.contains("tôt") || dir.starts_with("aupar") {
                    -1
                } else {
                    1
                };
            let follows = (dir == "après" || dir == "avant") && !followed_by_punct(text, m.end());
            (sign * n, unit, follows)
        };
        cand(m.start(), m.end(), Sem::Offset { n, unit, follows }, 1)
    });
    scan(&p.fr_decade, text, tr, out, |c| {
        let m = c.get(0)?;
        let raw = num(c, "y")?;
        let y = if raw < 100 {
            if raw >= 30 {
                1900 + raw
            } else {
                2000 + raw
            }
        } else {
            raw
        };
        let y = valid_year(y)?;
        cand(c.name("a")?.start(), m.end(), Sem::Decade { y }, 2)
    });
}

fn collect_ar(text: &str, p: &Pats, tr: &Triggers, out: &mut Vec<Cand>) {
    scan(&p.ar_date, text, tr, out, |c| {
        let m = c.get(0)?;
        if let Some(dg) = c.name("d") {
            if prev_char(text, dg.start()).is_some_and(|q| q.is_numeric()) {
                return None;
            }
        }
        let mo = ar_month(c.name("m")?.as_str())?;
        if let Some(m2) = c.name("m2") {
            if ar_month(m2.as_str())? != mo {
                return None;
            }
        }
        let sem = match (num(c, "d"), num(c, "y")) {
            (Some(d), y) => day_sem(y, mo, d, None)?,
            (None, Some(y)) => Sem::Month {
                y: YearSpec::Abs(valid_year(y)?),
                m: mo,
            },
            (None, None) => return None,
        };
        let prio = if matches!(sem, Sem::Day { .. }) { 3 } else { 2 };
        cand(m.start(), m.end(), sem, prio)
    });
    scan(&p.ar_relday, text, tr, out, |c| {
        let m = c.get(0)?;
        let s = m.as_str();
        let k = if s.starts_with("اليوم") {
            // "اليوم العالمي", "اليوم التالي": "day", not "today"
            let nw = next_word(text, m.end());
            if nw.starts_with("ال") {
                return None;
            }
            0
        } else if s.starts_with("أول") || s.contains("الأول") {
            -2
        } else if s.starts_with("بعد") {
            2
        } else if s.starts_with("غد") {
            1
        } else {
            -1
        };
        cand(m.start(), m.end(), Sem::RelDay(k), 1)
    });
    scan(&p.ar_wd, text, tr, out, |c| {
        let m = c.get(0)?;
        let wd = ar_weekday(c.name("wd")?.as_str())?;
        let dir = match c.name("r").map(|r| r.as_str()) {
            Some("الماضي") | Some("الفائت") => Dir::Past,
            Some(_) => Dir::Future,
            None if c.name("yawm").is_some() => Dir::Auto,
            None => return None,
        };
        cand(m.start(), m.end(), Sem::Weekday { wd, dir }, 1)
    });
    scan(&p.ar_offset, text, tr, out, |c| {
        let m = c.get(0)?;
        let k = if c.name("k")?.as_str() == "التالي" {
            1
        } else {
            -1
        };
        cand(
            m.start(),
            m.end(),
            Sem::Offset {
                n: k,
                unit: Unit::Day,
                follows: false,
            },
            1,
        )
    });
}

// ---------------------------------------------------------------------------
// Overlap resolution, coordination, normalisation
// ---------------------------------------------------------------------------

fn tag_with(text: &str, langs: Langs, lang: TimeLang, anchor: Option<NaiveDate>) -> Vec<TimeExpr> {
    let mut cands = Vec::new();
    collect(text, langs, &mut cands);
    if cands.is_empty() {
        return Vec::new();
    }
    // longest first, then priority, then leftmost
    cands.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.prio.cmp(&a.prio))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: BTreeMap<usize, Cand> = BTreeMap::new();
    for c in cands {
        let overlaps = kept
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > c.start);
        if !overlaps {
            kept.insert(c.start, c);
        }
    }
    let mut kept: Vec<Cand> = kept.into_values().collect();
    distribute_years(text, &mut kept);
    let ctx = tense::Context::new(text, lang);

    // first pass: everything that does not lean on another expression
    let mut resolved: Vec<Option<Res>> = kept
        .iter()
        .map(|c| {
            if leans_on_discourse(&c.sem) {
                None
            } else {
                resolve(&ctx, c, anchor)
            }
        })
        .collect();
    // second pass, in text order: offsets and periods relative to one named before
    for i in 0..kept.len() {
        if leans_on_discourse(&kept[i].sem) {
            resolved[i] = resolve_discourse(&ctx, &kept, &resolved, i, anchor);
        }
    }
    kept.iter()
        .zip(resolved)
        .filter_map(|(c, r)| {
            let surface = text.get(c.start..c.end)?;
            let (kind, value, span, relative) = match r {
                Some(r) => {
                    let mut value = calendar_value(r.gran, r.start);
                    let kind = match c.dt {
                        Some(dt) if r.gran == Granularity::Day => {
                            value.push('T');
                            value.push_str(&dt.suffix());
                            TimexType::Time
                        }
                        _ => TimexType::Date,
                    };
                    let span = DaySpan {
                        granularity: r.gran,
                        first: r.start,
                        last: r.end,
                    };
                    (kind, value, Some(span), r.relative)
                }
                None => {
                    let (kind, value) = plain_value(&c.sem)?;
                    (kind, value, None, false)
                }
            };
            Some(TimeExpr {
                start: c.start,
                end: c.end,
                text: surface.to_string(),
                kind,
                value,
                modifier: c.md,
                span,
                relative,
                names_event: span.is_some() && narrative::names_event(text, c.start, c.end),
            })
        })
        .collect()
}

/// Expressions resolved against another expression of the text, in a second pass.
fn leans_on_discourse(sem: &Sem) -> bool {
    matches!(
        sem,
        Sem::Offset { .. }
            | Sem::TheQuarter
            | Sem::YearBefore
            | Sem::Ago {
                unit: Unit::Year,
                ..
            }
    )
}

/// The value of an expression that is not a calendar period: a duration, a set, a
/// reference to the present, past or future.
fn plain_value(sem: &Sem) -> Option<(TimexType, String)> {
    Some(match *sem {
        Sem::Ref(k) => (
            TimexType::Date,
            match k {
                RefKind::Present => "PRESENT_REF",
                RefKind::Past => "PAST_REF",
                RefKind::Future => "FUTURE_REF",
            }
            .to_string(),
        ),
        Sem::Dur { n, unit } => (TimexType::Duration, duration_value(n, unit)),
        Sem::Set(SetKind::Every(n, unit)) => (TimexType::Set, duration_value(Some(n), unit)),
        Sem::Set(SetKind::Weekday(wd)) => (
            TimexType::Set,
            format!("XXXX-WXX-{}", timex::iso_weekday(wd)),
        ),
        Sem::Set(SetKind::Month(m)) => (TimexType::Set, format!("XXXX-{m:02}")),
        _ => return None,
    })
}

/// A TimeML duration value: `P3D`, `P2W`, `PT5H`, `PXY` (no number given).
fn duration_value(n: Option<u32>, unit: DUnit) -> String {
    let (n, unit) = match (n, unit) {
        (Some(n), DUnit::Decade) => (n.checked_mul(10), DUnit::Year),
        (Some(n), DUnit::Century) => (n.checked_mul(100), DUnit::Year),
        (n, u) => (n, u),
    };
    let num = n.map_or_else(|| "X".to_string(), |n| n.to_string());
    let (t, u) = match unit {
        DUnit::Second => ("T", "S"),
        DUnit::Minute => ("T", "M"),
        DUnit::Hour => ("T", "H"),
        DUnit::Day => ("", "D"),
        DUnit::Week => ("", "W"),
        DUnit::Month => ("", "M"),
        DUnit::Quarter => ("", "Q"),
        DUnit::Year => ("", "Y"),
        DUnit::Decade => ("", "E"),
        DUnit::Century => ("", "C"),
    };
    format!("P{t}{num}{u}")
}

/// "September or October of next year": spread the year of the last month of a
/// coordinated list over the year-less months before it.
fn distribute_years(text: &str, kept: &mut [Cand]) {
    if kept.len() < 2 {
        return;
    }
    for i in (0..kept.len() - 1).rev() {
        if let Sem::Month {
            y: YearSpec::Unknown,
            m,
        } = kept[i].sem
        {
            let next = kept[i + 1];
            let ys = match next.sem {
                Sem::Month { y, .. } if y != YearSpec::Unknown => Some(y),
                Sem::Day { y, .. } if y != YearSpec::Unknown => Some(y),
                _ => None,
            };
            if let (Some(ys), Some(between)) = (ys, text.get(kept[i].end..next.start)) {
                let t = between.trim_matches(|c: char| c.is_whitespace() || c == ',');
                let conn = [
                    "", "or", "and", "to", "ou", "et", "à", "-", "–", "through", "until", "au",
                    "أو", "و", "او",
                ];
                if conn.iter().any(|k| k.eq_ignore_ascii_case(t)) {
                    kept[i].sem = Sem::Month { y: ys, m };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
