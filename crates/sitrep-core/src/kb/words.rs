//! An English word list (SCOWL, via Debian's wamerican; see data/LICENSES.md), used to tell
//! ordinary words from names and to decide line-break hyphens.

use std::collections::HashSet;
use std::sync::LazyLock;

static WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../../data/words-en.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// True when `w` (lower case) is an ordinary English word.
pub fn is_word(w: &str) -> bool {
    WORDS.contains(w)
}

/// True when `w` in any case is an ordinary English word, trying simple inflections too.
pub fn is_common(w: &str) -> bool {
    let l = w.to_lowercase();
    if is_word(&l) {
        return true;
    }
    for suf in ["s", "es", "ed", "d", "ing", "ly"] {
        if let Some(stem) = l.strip_suffix(suf) {
            if stem.len() > 2 && is_word(stem) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_words() {
        assert!(is_word("unanimously"));
        assert!(is_word("authorizing"));
        assert!(!is_word("liber"));
        assert!(is_common("Permitting"));
    }
}
