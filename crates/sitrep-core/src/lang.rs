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
            "has", "have", "which", "this", "on", "its", "their", "it",
        ],
    ),
    (
        "fr",
        &[
            "les", "des", "est", "une", "dans", "pour", "avec", "sur", "qui", "pas", "été", "aux",
            "du", "au", "ont", "cette", "sont", "il", "elle", "ces",
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

/// A quick decision from function words, when one language clearly dominates:
/// it spares the statistical detector on most paragraphs of running text.
fn by_stopwords(sample: &str) -> Option<&'static str> {
    let mut hits = [0usize; 5];
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && w.len() <= 8)
    {
        let l = w.to_lowercase();
        for (i, (_, list)) in STOPWORDS.iter().enumerate() {
            if list.contains(&l.as_str()) {
                hits[i] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
    let (top, second) = (hits[order[0]], hits[order[1]]);
    (top >= 6 && top >= 4 * second.max(1)).then(|| STOPWORDS[order[0]].0)
}

/// The language of a paragraph: function words when they decide, else the fast detector
/// on the first 400 characters.
pub fn detect_paragraph(text: &str) -> Option<&'static str> {
    let sample: String = text.chars().take(400).collect();
    if sample.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return None;
    }
    if let Some(ar) = by_script(&sample) {
        return Some(ar);
    }
    if let Some(l) = by_stopwords(&sample) {
        return Some(l);
    }
    if sample.chars().count() < 120 {
        return detect(&sample);
    }
    FAST.detect_language_of(&sample).map(code)
}

fn by_script(sample: &str) -> Option<&'static str> {
    let arabic = sample
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06ff}').contains(c))
        .count();
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    (arabic * 2 > letters).then_some("ar")
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
