//! Language identification with lingua, per document and per paragraph.

use std::sync::LazyLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

const LANGUAGES: [Language; 6] = [
    Language::English,
    Language::French,
    Language::Arabic,
    Language::Spanish,
    Language::Portuguese,
    Language::German,
];

static DETECTOR: LazyLock<LanguageDetector> = LazyLock::new(|| {
    LanguageDetectorBuilder::from_languages(&LANGUAGES)
        .with_minimum_relative_distance(0.05)
        .build()
});

/// Paragraphs are many and mostly long enough for lingua's faster trigram-only mode.
static FAST: LazyLock<LanguageDetector> = LazyLock::new(|| {
    LanguageDetectorBuilder::from_languages(&LANGUAGES)
        .with_minimum_relative_distance(0.05)
        .with_low_accuracy_mode()
        .build()
});

/// Function words that only one of the six languages uses often.
const STOPWORDS: [(&str, &[&str]); 5] = [
    (
        "en",
        &[
            "the", "and", "of", "to", "is", "was", "were", "with", "that", "for", "by", "from",
            "has", "have", "which", "this", "on", "its", "their", "it", "said", "had", "been",
            "will", "but", "after", "are", "not",
        ],
    ),
    (
        "fr",
        &[
            "les", "des", "est", "une", "dans", "pour", "avec", "sur", "qui", "pas", "été", "aux",
            "du", "au", "ont", "cette", "sont", "il", "elle", "ces", "et", "par", "selon", "leur",
            "ses", "nous", "dont", "avait", "depuis",
        ],
    ),
    (
        "es",
        &[
            "los", "las", "del", "una", "por", "con", "para", "fue", "está", "como", "pero", "sus",
            "entre", "el", "han", "también",
        ],
    ),
    (
        "pt",
        &[
            "os", "não", "uma", "pelo", "pela", "foi", "são", "com", "também", "mais", "seu",
            "sua", "dos", "ao", "em", "às",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "nicht", "ist", "mit", "von", "den", "ein", "eine", "auf", "für",
            "wurde", "dem", "sich", "auch",
        ],
    ),
];

/// Function word → bit set of the languages (indices into [`STOPWORDS`]) that use it.
static STOPWORD_INDEX: LazyLock<rustc_hash::FxHashMap<&'static str, u8>> = LazyLock::new(|| {
    let mut m = rustc_hash::FxHashMap::default();
    for (i, (_, list)) in STOPWORDS.iter().enumerate() {
        for w in *list {
            *m.entry(*w).or_insert(0u8) |= 1 << i;
        }
    }
    m
});

/// A quick decision from function words, when one language clearly dominates:
/// it spares the statistical detector on most paragraphs of running text. Either many
/// hits with a wide margin, or at least three hits and none for any other language.
fn by_stopwords(sample: &str) -> Option<&'static str> {
    let index = &*STOPWORD_INDEX;
    let mut hits = [0usize; 5];
    let mut buf = String::with_capacity(16);
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && w.len() <= 8)
    {
        let key = if w.bytes().all(|b| b.is_ascii_lowercase()) {
            w
        } else {
            buf.clear();
            buf.extend(w.chars().flat_map(char::to_lowercase));
            buf.as_str()
        };
        if let Some(&mask) = index.get(key) {
            for (i, h) in hits.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *h += 1;
                }
            }
        }
    }
    let mut order = [0usize, 1, 2, 3, 4];
    order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
    let (top, second) = (hits[order[0]], hits[order[1]]);
    let decided = (top >= 6 && top >= 4 * second.max(1)) || (top >= 3 && second == 0);
    decided.then(|| STOPWORDS[order[0]].0)
}

/// The language of a paragraph: function words when they decide, else the fast detector
/// on the first 400 characters.
pub fn detect_paragraph(text: &str) -> Option<&'static str> {
    match paragraph_by_rules(text) {
        Some(decided) => decided,
        None => paragraph_statistical(text),
    }
}

/// The first 400 characters of a paragraph: enough to tell its language.
fn paragraph_sample(text: &str) -> &str {
    let cut = text.char_indices().nth(400).map_or(text.len(), |(i, _)| i);
    &text[..cut]
}

/// The cheap part of [`detect_paragraph`]: `Some(Some(code))` when the script or the
/// function words settle the language, `Some(None)` when there are too few letters to
/// judge, `None` when only the statistical detector can tell.
pub fn paragraph_by_rules(text: &str) -> Option<Option<&'static str>> {
    let sample = paragraph_sample(text);
    // letters and Arabic letters, in one pass
    let (mut letters, mut arabic) = (0usize, 0usize);
    for c in sample.chars() {
        if c.is_ascii() {
            letters += usize::from(c.is_ascii_alphabetic());
        } else {
            letters += usize::from(c.is_alphabetic());
            // any character of the Arabic block, letter or not
            arabic += usize::from(('\u{0600}'..='\u{06ff}').contains(&c));
        }
    }
    if letters < 3 {
        return Some(None);
    }
    if arabic * 2 > letters {
        return Some(Some("ar"));
    }
    by_stopwords(sample).map(Some)
}

/// The statistical part of [`detect_paragraph`]: lingua, in its accurate mode for short
/// paragraphs and its fast mode for longer ones.
pub fn paragraph_statistical(text: &str) -> Option<&'static str> {
    let sample = paragraph_sample(text);
    if sample.chars().count() < 120 {
        return detect(sample);
    }
    FAST.detect_language_of(sample).map(code)
}

fn code(l: Language) -> &'static str {
    match l {
        Language::English => "en",
        Language::French => "fr",
        Language::Arabic => "ar",
        Language::Spanish => "es",
        Language::Portuguese => "pt",
        Language::German => "de",
        #[allow(unreachable_patterns)]
        _ => "und",
    }
}

/// The ISO 639-1 code of the language of `text`, or `None` when unsure.
/// Long texts are sampled (the first 2,000 characters of letters suffice).
pub fn detect(text: &str) -> Option<&'static str> {
    let sample: String = text.chars().take(1000).collect();
    if sample.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return None;
    }
    // Script decides Arabic at once.
    let arabic = sample
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06ff}').contains(c))
        .count();
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if arabic * 2 > letters {
        return Some("ar");
    }
    DETECTOR.detect_language_of(&sample).map(code)
}

/// The language of a whole document: the language of the most body text.
pub fn detect_document<'a>(
    paragraphs: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) -> &'static str {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for (text, lang) in paragraphs {
        if let Some(l) = lang.and_then(static_code) {
            match counts.iter_mut().find(|(c, _)| *c == l) {
                Some(e) => e.1 += text.len(),
                None => counts.push((l, text.len())),
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or("und", |(c, _)| c)
}

fn static_code(s: &str) -> Option<&'static str> {
    ["en", "fr", "ar", "es", "pt", "de"]
        .into_iter()
        .find(|c| *c == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_decide_running_text() {
        assert_eq!(by_stopwords("The council said that the force of the African states was ready to move to the north by the end of the year."), Some("en"));
        assert_eq!(by_stopwords("Les soldats de l'armée sont entrés dans la ville avec les forces françaises, qui ont été accueillies par des habitants."), Some("fr"));
        assert_eq!(by_stopwords("Gao Kidal Timbuktu"), None);
        assert_eq!(detect_paragraph("Der Sicherheitsrat hat die Resolution mit den Stimmen aller Mitglieder angenommen, und die Truppen sind auf dem Weg."), Some("de"));
    }

    #[test]
    fn detects_short_french_and_english() {
        assert_eq!(
            detect("L'armée malienne est entrée en action pour reprendre la ville."),
            Some("fr")
        );
        assert_eq!(
            detect("The Security Council authorized the deployment of the force."),
            Some("en")
        );
        assert_eq!(detect("دعا مجلس الامن السلطات المالية"), Some("ar"));
        assert_eq!(detect("12 34"), None);
    }
}
