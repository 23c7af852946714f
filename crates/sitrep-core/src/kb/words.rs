//! An English word list (SCOWL, via Debian's wamerican; see data/LICENSES.md), used to tell
//! ordinary words from names and to decide line-break hyphens.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

static WORDS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../../data/words-en.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// True when `w` (lower case) is an ordinary English word.
pub fn is_word(w: &str) -> bool {
    WORDS.contains(w)
}

/// French and Arabic function words: capitalised at the start of a sentence, never names.
const FUNCTION_WORDS: &[&str] = &[
    "les",
    "des",
    "une",
    "un",
    "le",
    "la",
    "du",
    "de",
    "selon",
    "mais",
    "dans",
    "pour",
    "avec",
    "sans",
    "sous",
    "après",
    "avant",
    "depuis",
    "pendant",
    "contre",
    "entre",
    "vers",
    "chez",
    "ces",
    "cette",
    "cet",
    "ce",
    "son",
    "sa",
    "ses",
    "leur",
    "leurs",
    "notre",
    "nos",
    "votre",
    "elle",
    "il",
    "ils",
    "elles",
    "nous",
    "vous",
    "on",
    "en",
    "et",
    "ou",
    "où",
    "car",
    "donc",
    "ni",
    "or",
    "si",
    "que",
    "qui",
    "quoi",
    "dont",
    "quand",
    "comme",
    "plus",
    "moins",
    "très",
    "aussi",
    "ainsi",
    "alors",
    "encore",
    "déjà",
    "toujours",
    "jamais",
    "tout",
    "tous",
    "toute",
    "toutes",
    "autre",
    "autres",
    "même",
    "aucun",
    "aucune",
    "chaque",
    "plusieurs",
    "certains",
    "quelques",
    "cela",
    "ceci",
    "lors",
    "puis",
    "enfin",
    "ensuite",
    "cependant",
    "pourtant",
    "toutefois",
    "néanmoins",
    "outre",
    "malgré",
    "parmi",
    "face",
    "afin",
    "voici",
    "voilà",
    "ici",
    "hier",
    "demain",
    "aujourd'hui",
    "oui",
    "non",
    "pas",
    "au",
    "aux",
    "sur",
    "par",
    "est",
    "sont",
    "était",
    "sera",
    "été",
    "fait",
    "faire",
    "dit",
    "selon",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "nord",
    "sud",
    "est",
    "ouest",
    "centre",
    "ville",
    "région",
    "pays",
    "gouvernement",
    "armée",
    "président",
    "ministre",
    "une",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "dix",
    "cent",
    "mille",
    "premier",
    "première",
    "fin",
    "début",
    "mi",
    "mois",
    "an",
    "ans",
    "année",
    "jour",
    "jours",
    "semaine",
    "effet",
    "somme",
    "reste",
    "suite",
    "part",
    "partie",
    "rien",
    "personne",
    "certes",
    "bref",
    "في",
    "من",
    "على",
    "الى",
    "إلى",
    "عن",
    "مع",
    "ان",
    "أن",
    "إن",
    "كان",
    "كانت",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "ما",
    "لا",
    "لم",
    "لن",
    "قد",
    "كل",
    "بعد",
    "قبل",
    "بين",
    "حتى",
    "او",
    "أو",
    "ثم",
    "هو",
    "هي",
    "هم",
    "عند",
    "منذ",
    "خلال",
    "حول",
    "ضد",
    "دون",
    "غير",
    "امل",
    "أمل",
    "اطار",
    "إطار",
    "سنة",
    "عام",
    "يوم",
    "شهر",
    "اي",
    "أي",
    "كما",
    "لكن",
    "إذا",
    "اذا",
    "وقد",
    "فقد",
    "لقد",
    "ايضا",
    "أيضا",
    "عبر",
    "نحو",
    "لدى",
    "امام",
    "أمام",
    "وراء",
    "الاحد",
    "الأحد",
    "الاثنين",
    "الإثنين",
    "الثلاثاء",
    "الاربعاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "امس",
    "أمس",
    "اليوم",
    "غدا",
    "دعم",
    "قوة",
    "قوات",
    "مرحلة",
    "وضع",
    "حوار",
    "نظام",
    "دولة",
    "الدولة",
    "سلطة",
    "علاقة",
];

static FUNCTION_KEYS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    FUNCTION_WORDS
        .iter()
        .map(|w| crate::kb::norm_key(w))
        .collect()
});

/// True for French and Arabic function words and other ordinary words that may be capitalised
/// (compared after folding case, accents and Arabic letter variants).
pub fn is_function_word(w: &str) -> bool {
    if w.is_ascii() {
        // ASCII words fold to themselves in lower case
        return FUNCTION_KEYS.contains(&w.to_ascii_lowercase());
    }
    crate::kb::with_norm_key(w, |k| FUNCTION_KEYS.contains(k))
}

/// True when `w` in any case is an ordinary English word (trying simple inflections)
/// or a French or Arabic function word.
pub fn is_common(w: &str) -> bool {
    common(w, None)
}

/// [`is_common`] for a word whose [`norm_key`](crate::kb::norm_key) the caller already has
/// (saves folding a non-ASCII word a second time).
pub fn is_common_keyed(w: &str, key: &str) -> bool {
    common(w, Some(key))
}

fn common(w: &str, key: Option<&str>) -> bool {
    let l = if w.is_ascii() {
        w.to_ascii_lowercase()
    } else {
        w.to_lowercase()
    };
    if is_word(&l) {
        return true;
    }
    let function = match key {
        // a non-ASCII word is compared by its folded key, which the caller has
        Some(k) if !w.is_ascii() => FUNCTION_KEYS.contains(k),
        _ => is_function_word(&l),
    };
    if function {
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
