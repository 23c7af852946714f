use super::*;
use crate::{Pipeline, PipelineOptions};

/// A backend that upper-cases everything, as a translation engine would mangle names.
struct Shout;

impl Translator for Shout {
    fn translate(&self, text: &str, _from: &str, _to: &str) -> Result<String> {
        Ok(text.to_uppercase())
    }
    fn name(&self) -> &str {
        "Shout"
    }
    fn supports(&self, from: &str, _to: &str) -> bool {
        from == "fr"
    }
}

fn corpus_doc(name: &str) -> Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/corpus")
        .join(name);
    let pipeline = Pipeline::new(PipelineOptions::default()).expect("pipeline");
    pipeline
        .process_path(&path)
        .expect("fixture")
        .into_iter()
        .next()
        .expect("one document")
}

const FRENCH: &str = "04_le-journal-du-niger_azawad-independance.txt";

#[test]
fn translate_placeholders_round_trip() {
    let doc = corpus_doc(FRENCH);
    let p = doc
        .paragraphs
        .iter()
        .find(|p| p.span.start > 150)
        .expect("body");
    let prot = protect(&doc, p.span, 3);
    assert!(prot.text.contains("ZZENT3ZZ"), "{}", prot.text);
    assert!(!prot.text.contains("Mouvement national"), "{}", prot.text);
    let (back, lost) = restore(&prot.text, &prot.names, 3);
    assert_eq!(lost, 0);
    assert!(
        back.contains("National Movement for the Liberation of Azawad (MNLA)"),
        "{back}"
    );
    // A backend that changes case and spacing still gives the placeholders back.
    let (back, lost) = restore("the zzent4zz and ZZ ENT 3 ZZ, *ZZENT99ZZ", &prot.names, 3);
    assert!(back.starts_with("the MNLA and National Movement"), "{back}");
    assert!(back.ends_with("ZZENT99ZZ"), "{back}");
    assert_eq!(lost, prot.names.len().saturating_sub(2));
}

#[test]
fn translate_document_protects_entities() {
    let doc = corpus_doc(FRENCH);
    let tr = translate_document(&doc, &Shout);
    assert_eq!(tr.backend, "Shout fr→en");
    assert_eq!(tr.entities_lost, 0);
    assert!(tr.errors.is_empty(), "{:?}", tr.errors);
    let text = tr.text();
    assert!(text.contains("Timbuktu"), "{text}");
    assert!(text.contains("Ansar Dine"), "{text}");
    assert!(
        text.contains("National Movement for the Liberation of Azawad"),
        "{text}"
    );
    assert!(text.contains("ECOWAS"), "{text}");
    assert!(!text.contains("ZZENT"), "{text}");
    // Every French paragraph is translated, each once, in order.
    let fr = doc
        .paragraphs
        .iter()
        .filter(|p| p.language.as_deref() == Some("fr"))
        .count();
    assert_eq!(tr.paragraphs.len(), fr);
    assert!(tr
        .paragraphs
        .windows(2)
        .all(|w| w[0].0.start < w[1].0.start));
}

#[test]
fn translate_none_and_unsupported_languages() {
    let doc = corpus_doc("12_al-sahel-al-yawm_resolution-2085.txt");
    let tr = translate_document(&doc, &Shout);
    assert!(tr.paragraphs.is_empty());
    assert!(tr.untranslated.iter().any(|(_, l)| l == "ar"));
    let tr = translate_document(&corpus_doc(FRENCH), &NoTranslator);
    assert!(tr.paragraphs.is_empty());
    assert!(!tr.untranslated.is_empty());
    // English documents have nothing to translate.
    let tr = translate_document(&corpus_doc("01_atlantic-wire-service_coup.txt"), &Shout);
    assert!(tr.paragraphs.is_empty() && tr.untranslated.is_empty());
}

#[test]
fn translate_apertium_labels() {
    let a = Apertium::default();
    assert_eq!(a.label("fr", "en"), "Apertium fr→es→en");
    assert_eq!(a.label("es", "en"), "Apertium es→en");
    assert!(!a.supports("ar", "en"));
    let a = Apertium {
        binary: "/nonexistent/apertium".into(),
        ..Apertium::default()
    };
    assert!(a.check().is_err());
    assert!(a.translate("bonjour", "fr", "en").is_err());
}

fn apertium_installed() -> bool {
    let ok = Apertium::default().check().is_ok();
    if !ok {
        println!("SKIPPED: apertium not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)");
    }
    ok
}

#[test]
fn translate_apertium_french_fixture() {
    if !apertium_installed() {
        return;
    }
    let doc = corpus_doc(FRENCH);
    let tr = translate_document(&doc, &Apertium::default());
    assert!(tr.errors.is_empty(), "{:?}", tr.errors);
    assert_eq!(tr.backend, "Apertium fr→es→en");
    assert_eq!(tr.entities_lost, 0);
    let text = tr.text();
    println!("{text}");
    // Entities come out as their English names (KB-linked) or intact (unknown).
    for name in [
        "Timbuktu",
        "Ansar Dine",
        "National Movement for the Liberation of Azawad",
        "African Union",
        "Iyad Ag Ghaly",
        "Dioncounda Traoré",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    assert!(!text.contains("ZZENT"), "{text}");
    assert!(!text.contains("Tombouctou"), "{text}");
    // And the rest is English.
    assert!(text.contains("the ") && text.contains(" of "), "{text}");
}

#[test]
fn translate_apertium_timeout_and_size_limit() {
    if !apertium_installed() {
        return;
    }
    let a = Apertium {
        max_bytes: 10,
        ..Apertium::default()
    };
    assert!(a
        .translate("une phrase bien trop longue", "fr", "en")
        .is_err());
    let a = Apertium {
        timeout: Duration::from_millis(1),
        ..Apertium::default()
    };
    let e = a.translate("bonjour", "fr", "en").expect_err("times out");
    assert!(e.to_string().contains("killed"), "{e}");
}
