//! The word lists of the TimeML classes (numbers, units, ordinals, references to the
//! present/past/future, sets, parts of the day, amount modifiers), loaded from
//! `data/time/lexicon-{en,fr,ar}.tsv`: `class<TAB>word or phrase<TAB>value`.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One language's lexicon.
pub(super) struct Lexicon {
    /// (class, lower-cased phrase) → value.
    map: HashMap<(&'static str, String), &'static str>,
    /// class → phrases as listed, longest first.
    lists: HashMap<&'static str, Vec<&'static str>>,
}

impl Lexicon {
    fn load(src: &'static str) -> Lexicon {
        let mut map = HashMap::new();
        let mut lists: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for line in src.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split('\t');
            let (Some(class), Some(word), Some(value)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            map.entry((class, word.to_lowercase())).or_insert(value);
            lists.entry(class).or_default().push(word);
        }
        for l in lists.values_mut() {
            l.sort_by_key(|w| std::cmp::Reverse(w.len()));
            l.dedup();
        }
        Lexicon { map, lists }
    }

    /// The value of `phrase` in `class` (case and spacing folded).
    pub(super) fn get(&self, class: &'static str, phrase: &str) -> Option<&'static str> {
        let folded: String = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        self.map.get(&(class, folded.to_lowercase())).copied()
    }

    /// The phrases of `class`, longest first.
    pub(super) fn words(&self, class: &str) -> &[&'static str] {
        self.lists.get(class).map_or(&[], Vec::as_slice)
    }

    /// A regex alternation of the phrases of `class`, longest first: each phrase
    /// escaped, its ASCII letters matched in any case (`(?i:…)`), its spaces as `\s+`.
    pub(super) fn alternation(&self, class: &str) -> String {
        let alts: Vec<String> = self
            .words(class)
            .iter()
            .map(|w| {
                w.split(' ')
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join(r"\s+")
            })
            .collect();
        format!("(?i:{})", alts.join("|"))
    }

    /// The last word of every phrase of `class` (every match of the class holds one).
    pub(super) fn last_words(&self, class: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .words(class)
            .iter()
            .filter_map(|w| w.split(' ').next_back())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

pub(super) static EN: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::load(include_str!("../../../../../data/time/lexicon-en.tsv")));
pub(super) static FR: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::load(include_str!("../../../../../data/time/lexicon-fr.tsv")));
pub(super) static AR: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::load(include_str!("../../../../../data/time/lexicon-ar.tsv")));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_load() {
        assert_eq!(EN.get("num", "Three"), Some("3"));
        assert_eq!(EN.get("ref", "the  near future"), Some("FUTURE"));
        assert_eq!(FR.get("unit", "semaines"), Some("W"));
        assert_eq!(AR.get("dual", "يومين"), Some("D"));
        assert!(EN.alternation("unit").starts_with("(?i:"));
        assert!(EN.last_words("ref").contains(&"future"));
        assert!(!EN.words("set").is_empty());
    }
}
