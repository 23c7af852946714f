//! Dates that name an event instead of dating their sentence: "the 25 October coup",
//! "the March 2012 elections", "le putsch du 22 mars". A sentence such as "the leader of
//! the 25 October coup signed a decree" is not about 25 October; the events stage reads
//! the flag ([`crate::document::DateMention::names_event`]).

use std::collections::HashSet;
use std::sync::LazyLock;

/// Nouns of events, lower-case (`data/time/event-nouns.txt`).
static EVENT_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../../../data/time/event-nouns.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

fn is_event_noun(w: &str) -> bool {
    if w.is_empty() || w.len() > 40 {
        return false;
    }
    let l = w.to_lowercase();
    EVENT_NOUNS.contains(l.as_str())
}

/// The letters-and-hyphens word right after `pos`, skipping spaces.
fn word_after(text: &str, pos: usize) -> &str {
    let rest = text
        .get(pos..)
        .unwrap_or("")
        .trim_start_matches([' ', '\u{a0}']);
    let end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '-'))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// The word right before `pos`, skipping spaces.
fn word_before(text: &str, pos: usize) -> &str {
    let before = text
        .get(..pos)
        .unwrap_or("")
        .trim_end_matches([' ', '\u{a0}']);
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '-' || *c == '\'' || *c == '’'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

/// True when the date at `s..e` names an event: "the <date> <event noun>" or
/// "<event noun> du/of <date>".
pub(super) fn names_event(text: &str, s: usize, e: usize) -> bool {
    let prev = word_before(text, s);
    // "the 25 October coup", "Monday's attack"
    let rest = text.get(e..).unwrap_or("");
    let possessive = ["'s", "’s"].into_iter().find(|p| rest.starts_with(p));
    if prev.eq_ignore_ascii_case("the") || possessive.is_some() {
        let next = word_after(text, e + possessive.map_or(0, str::len));
        if is_event_noun(next) {
            return true;
        }
    }
    // "le putsch du 22 mars", "the elections of 28 July", "coup d'État du 22 mars"
    if matches!(prev, "du" | "des" | "of" | "Of") {
        let p_end = text
            .get(..s)
            .map_or(0, |t| t.trim_end_matches([' ', '\u{a0}']).len())
            .saturating_sub(prev.len());
        let noun = word_before(text, p_end);
        if is_event_noun(noun) {
            return true;
        }
        // a two-word noun: "coup d'État"
        let n_start = text
            .get(..p_end)
            .map_or(0, |t| t.trim_end_matches([' ', '\u{a0}']).len())
            .saturating_sub(noun.len());
        let first = word_before(text, n_start);
        if !first.is_empty() {
            let two = format!("{first} {noun}");
            if is_event_noun(&two) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(text: &str, date: &str) -> bool {
        let s = text.find(date).expect("date in text");
        names_event(text, s, s + date.len())
    }

    #[test]
    fn dates_that_name_events() {
        assert!(flag(
            "The leader of the 25 October coup signed a decree.",
            "25 October"
        ));
        assert!(flag(
            "Since the March 2012 elections, nothing moved.",
            "March 2012"
        ));
        assert!(flag("Le chef du putsch du 22 mars a parlé.", "22 mars"));
        assert!(flag(
            "Depuis le coup d'État du 22 mars 2012.",
            "22 mars 2012"
        ));
        assert!(flag("Since Monday's attack the town is calm.", "Monday"));
        assert!(!flag(
            "The council met on 25 October to vote.",
            "25 October"
        ));
        assert!(!flag("The 2012 budget was cut.", "2012"));
        assert!(!flag(
            "Le 22 mars, les soldats ont pris le palais.",
            "22 mars"
        ));
    }
}
