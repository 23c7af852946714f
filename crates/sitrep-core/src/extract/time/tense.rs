//! Sentences and tense around a temporal expression: which way a bare month or weekday
//! points ("in March" said in December: this year's or next year's?).
//!
//! Sentences come from the shared splitter ([`crate::sentence::split`]), computed once
//! per text and only when an expression needs them. The tense is read inside the
//! expression's own clause: the words between the nearest clause boundaries around it
//! ("that", "which", "saying", a quote, a semicolon; `data/time/tense-*.tsv`), so the
//! verb of a reported clause does not date the report. A reporting verb right beside
//! the expression ("said Friday", "announced on Monday") dates it by its own tense.

use super::{Tense, TimeLang};
use crate::document::Span;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a word says about the tense of its clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Future,
    FutureWeak,
    Past,
    PastWeak,
    NotPast,
    NotFuture,
    Boundary,
    ReportPast,
    Report,
}

type Lexicon = HashMap<&'static str, Class>;

/// Reads a `word<TAB>class` file; the first class given for a word wins.
fn load(src: &'static str) -> Lexicon {
    let mut out = HashMap::new();
    for line in src.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((w, c)) = line.split_once('\t') else {
            continue;
        };
        let class = match c {
            "future" => Class::Future,
            "future-weak" => Class::FutureWeak,
            "past" => Class::Past,
            "past-weak" => Class::PastWeak,
            "not-past" => Class::NotPast,
            "not-future" => Class::NotFuture,
            "boundary" => Class::Boundary,
            "report-past" => Class::ReportPast,
            "report" => Class::Report,
            _ => continue,
        };
        out.entry(w).or_insert(class);
    }
    out
}

static EN: LazyLock<Lexicon> =
    LazyLock::new(|| load(include_str!("../../../../../data/time/tense-en.tsv")));
static FR: LazyLock<Lexicon> =
    LazyLock::new(|| load(include_str!("../../../../../data/time/tense-fr.tsv")));

/// A text being tagged: its language and, once asked for, its sentences.
pub(super) struct Context<'t> {
    pub(super) text: &'t str,
    pub(super) lang: TimeLang,
    sentences: OnceCell<Vec<Span>>,
}

impl<'t> Context<'t> {
    pub(super) fn new(text: &'t str, lang: TimeLang) -> Context<'t> {
        Context {
            text,
            lang,
            sentences: OnceCell::new(),
        }
    }

    fn sentences(&self) -> &[Span] {
        self.sentences
            .get_or_init(|| crate::sentence::split(self.text))
    }

    /// The index of the sentence holding byte `pos` (or the first one after it).
    fn sentence_index(&self, pos: usize) -> Option<usize> {
        let ss = self.sentences();
        let i = ss.partition_point(|s| s.end <= pos);
        (i < ss.len()).then_some(i)
    }

    /// The byte span of the sentence holding `pos`; the whole text when there is none.
    pub(super) fn sentence(&self, pos: usize) -> (usize, usize) {
        match self.sentence_index(pos) {
            Some(i) => {
                let s = self.sentences()[i];
                (s.start.min(pos), s.end.max(pos))
            }
            None => (0, self.text.len()),
        }
    }

    /// Where the sentence before the one holding `pos` starts (that sentence's own
    /// start when it is the first).
    pub(super) fn previous_sentence_start(&self, pos: usize) -> usize {
        match self.sentence_index(pos) {
            Some(i) => self.sentences()[i.saturating_sub(1)].start.min(pos),
            None => self.sentences().last().map_or(0, |s| s.start.min(pos)),
        }
    }

    /// The tense of the clause holding the expression at `s..e`.
    pub(super) fn tense(&self, s: usize, e: usize) -> Tense {
        let lex: &Lexicon = match self.lang {
            TimeLang::En => &EN,
            TimeLang::Fr => &FR,
            TimeLang::Ar => return Tense::Unknown,
        };
        let (a, b) = self.sentence(s);
        let Some(sent) = self.text.get(a..b) else {
            return Tense::Unknown;
        };
        let words = words(sent, a);
        // the words before and after the expression
        let first_after = words.partition_point(|w| w.start < e);
        let last_before = words.partition_point(|w| w.end <= s);
        let classify = |i: usize| -> Option<Class> {
            let w = &words[i];
            if w.lower.is_empty() {
                return Some(Class::Boundary); // punctuation that closes a clause
            }
            let prev = if i > 0 {
                words[i - 1].lower.as_str()
            } else {
                ""
            };
            classify(lex, self.lang, &w.lower, prev)
        };
        // a reporting verb within two words of the expression dates it
        let near = (last_before.saturating_sub(2)..last_before)
            .rev()
            .chain(first_after..(first_after + 2).min(words.len()));
        for i in near {
            match classify(i) {
                Some(Class::ReportPast) => return Tense::Past,
                Some(Class::Report) => return Tense::Unknown,
                _ => {}
            }
        }
        // the clause: out to the nearest boundary on each side
        let mut strong: Option<(usize, Tense)> = None;
        let mut weak: Option<(usize, Tense)> = None;
        let mut note = |dist: usize, c: Class| {
            let (is_strong, t) = match c {
                Class::Future => (true, Tense::Future),
                Class::Past => (true, Tense::Past),
                Class::FutureWeak => (false, Tense::Future),
                Class::PastWeak => (false, Tense::Past),
                _ => return,
            };
            let slot = if is_strong { &mut strong } else { &mut weak };
            if slot.is_none_or(|(d, _)| dist < d) {
                *slot = Some((dist, t));
            }
        };
        for (dist, i) in (0..last_before).rev().enumerate() {
            match classify(i) {
                Some(Class::Boundary) | Some(Class::ReportPast) | Some(Class::Report) => break,
                Some(c) => note(dist, c),
                None => {}
            }
        }
        // after the expression, a past reporting verb is the verb of its clause when the
        // expression opens the sentence ("On Sunday, the police said ...")
        let fronted = words[..last_before]
            .iter()
            .all(|w| FRONT.contains(&w.lower.as_str()));
        for (dist, i) in (first_after..words.len()).enumerate() {
            match classify(i) {
                Some(Class::ReportPast) if fronted => {
                    note(dist, Class::Past);
                    break;
                }
                // a conjunction inside the subject ("the police and the army said")
                Some(Class::Boundary)
                    if fronted && matches!(words[i].lower.as_str(), "and" | "or" | "et" | "ou") => {
                }
                Some(Class::Boundary) | Some(Class::ReportPast) | Some(Class::Report) => break,
                Some(c) => note(dist, c),
                None => {}
            }
        }
        strong.or(weak).map_or(Tense::Unknown, |(_, t)| t)
    }
}

/// Words that may come before an expression that opens its sentence ("On Sunday, ...",
/// "Late on Friday, ...", "Le 3 mars, ...").
const FRONT: &[&str] = &[
    "on", "late", "early", "earlier", "later", "by", "at", "in", "and", "but", "then", "le", "la",
    "dès", "depuis", "et", "mais",
];

/// A word of a sentence, lower-cased, with its byte span in the text; a clause-closing
/// punctuation mark (`;`, `:`, a quote, a bracket) is a word with an empty `lower`.
struct Word {
    start: usize,
    end: usize,
    lower: String,
}

fn words(sent: &str, base: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let mut ws: Option<usize> = None;
    let push = |st: usize, en: usize, out: &mut Vec<Word>| {
        let w = &sent[st..en];
        let lower = if w.is_ascii() {
            w.to_ascii_lowercase()
        } else {
            w.to_lowercase()
        };
        out.push(Word {
            start: base + st,
            end: base + en,
            lower,
        });
    };
    for (i, ch) in sent.char_indices() {
        if ch.is_alphabetic() {
            if ws.is_none() {
                ws = Some(i);
            }
            continue;
        }
        if let Some(st) = ws.take() {
            push(st, i, &mut out);
        }
        if matches!(ch, ';' | ':' | '"' | '“' | '”' | '«' | '»' | '(' | ')') {
            out.push(Word {
                start: base + i,
                end: base + i + ch.len_utf8(),
                lower: String::new(),
            });
        }
    }
    if let Some(st) = ws.take() {
        push(st, sent.len(), &mut out);
    }
    out
}

/// The class of a word, from the lexicon and the language's inflections.
fn classify(lex: &Lexicon, lang: TimeLang, w: &str, prev: &str) -> Option<Class> {
    let listed = lex.get(w).copied();
    match lang {
        TimeLang::En => {
            if w == "be" && prev == "to" {
                return Some(Class::FutureWeak);
            }
            // "is to resume", "are to meet": an arrangement
            if w == "to" && matches!(prev, "is" | "are") {
                return Some(Class::Future);
            }
            // "as early as Tuesday", "as soon as Monday"
            if matches!(w, "early" | "soon") && prev == "as" {
                return Some(Class::FutureWeak);
            }
            match listed {
                Some(Class::NotPast) | Some(Class::NotFuture) => None,
                // "to meet", "did not vote": an infinitive, no tense of its own
                Some(Class::FutureWeak) if matches!(prev, "to" | "did" | "didn" | "not" | "t") => {
                    None
                }
                Some(c) => Some(c),
                None if w.len() >= 5 && w.ends_with("ed") => Some(Class::PastWeak),
                None => None,
            }
        }
        TimeLang::Fr => {
            if w == "a" {
                // "il y a", "y a": no auxiliary
                return (prev != "y" && prev != "il").then_some(Class::Past);
            }
            if let Some(c) = listed {
                return match c {
                    Class::NotPast | Class::NotFuture => None,
                    c => Some(c),
                };
            }
            let n = w.chars().count();
            if n >= 5
                && (w.ends_with("ra")
                    || w.ends_with("ront")
                    || w.ends_with("rons")
                    || w.ends_with("rai"))
                && lex.get(w) != Some(&Class::NotFuture)
            {
                return Some(Class::FutureWeak);
            }
            if n >= 5
                && (w.ends_with('é')
                    || w.ends_with("ée")
                    || w.ends_with("és")
                    || w.ends_with("ées"))
                && lex.get(w) != Some(&Class::NotPast)
            {
                return Some(Class::PastWeak);
            }
            None
        }
        TimeLang::Ar => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tense_of(text: &str, expr: &str, lang: TimeLang) -> Tense {
        let s = text.find(expr).expect("expression in text");
        Context::new(text, lang).tense(s, s + expr.len())
    }

    #[test]
    fn own_clause_decides() {
        use TimeLang::En;
        // the report's verb, not the reported clause's
        let t = "On March 3, the agency released a report saying that prices would rise.";
        assert_eq!(tense_of(t, "March 3", En), Tense::Past);
        // a reporting verb beside the date
        let t = "The company said Friday it will close the plant.";
        assert_eq!(tense_of(t, "Friday", En), Tense::Past);
        // the reported clause's own verb
        let t = "The company said it will close the plant on Friday.";
        assert_eq!(tense_of(t, "Friday", En), Tense::Future);
        // a relative clause is not the date's clause: the date's own clause is an
        // arrangement in the present ("resume"), not the relative clause's past
        let t = "The talks resume on Monday, which the envoys had agreed.";
        assert_eq!(tense_of(t, "Monday", En), Tense::Future);
        let t = "The talks on Monday, which the envoys had agreed.";
        assert_eq!(tense_of(t, "Monday", En), Tense::Unknown);
        // an infinitive has no tense of its own
        let t = "The envoys failed to meet on Monday.";
        assert_eq!(tense_of(t, "Monday", En), Tense::Past);
        let t = "The troops arrived on Monday.";
        assert_eq!(tense_of(t, "Monday", En), Tense::Past);
        // a fronted date takes the tense of the reporting verb of its clause
        let t = "On Sunday, the police and the army said they had found the depot.";
        assert_eq!(tense_of(t, "Sunday", En), Tense::Past);
        // but not a date inside the reported clause
        let t = "The police said the depot on Sunday will be closed.";
        assert_eq!(tense_of(t, "Sunday", En), Tense::Future);
        // an arrangement and an earliest time
        let t = "The market is to reopen Tuesday.";
        assert_eq!(tense_of(t, "Tuesday", En), Tense::Future);
        let t = "The convoy could leave as early as Tuesday.";
        assert_eq!(tense_of(t, "Tuesday", En), Tense::Future);
    }

    #[test]
    fn french_clauses() {
        use TimeLang::Fr;
        let t = "Le ministre a annoncé jeudi que les élections auront lieu en juillet.";
        assert_eq!(tense_of(t, "jeudi", Fr), Tense::Past);
        assert_eq!(tense_of(t, "juillet", Fr), Tense::Future);
        let t = "Il y a des combats en mars.";
        assert_eq!(tense_of(t, "mars", Fr), Tense::Unknown);
    }

    #[test]
    fn sentences_from_the_shared_splitter() {
        let t = "First one here. The next day it rained.";
        let c = Context::new(t, TimeLang::En);
        let pos = t.find("next").expect("word");
        assert_eq!(c.sentence(pos), (16, t.len()));
        assert_eq!(c.previous_sentence_start(pos), 0);
    }
}
