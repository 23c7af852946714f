use super::*;
use crate::pipeline::{Pipeline, PipelineOptions};

fn doc(name: &str, published: &str, text: &str) -> Document {
    let p = Pipeline::new(PipelineOptions {
        published: chrono::NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
        ..PipelineOptions::default()
    })
    .expect("pipeline");
    let mut d = p
        .process_bytes(name, text.as_bytes(), "txt")
        .expect("doc")
        .remove(0);
    d.source = name.to_string();
    d
}

fn find<'a>(t: &'a Timeline, kind: EventType, date: &str) -> Vec<&'a MergedEvent> {
    t.events
        .iter()
        .filter(|e| e.kind == kind && e.date.as_deref().is_some_and(|d| d.starts_with(date)))
        .collect()
}

#[test]
fn merges_english_and_french_reports_and_keeps_resolutions_apart() {
    let docs = vec![
        doc("en.txt", "2012-12-21", "Yesterday the UN Security Council unanimously adopted Resolution 2085 authorizing an African-led force of 3,300 troops in Mali."),
        doc("fr.txt", "2012-12-21", "Le Conseil de sécurité de l'ONU a adopté hier à l'unanimité la résolution 2085 autorisant le déploiement d'une force africaine au Mali."),
        doc("old.txt", "2012-10-13", "Yesterday the UN Security Council adopted Resolution 2071 on Mali, asking for a plan within 45 days."),
    ];
    let t = build(&docs, &TimelineOptions::default());
    let r2085 = find(&t, EventType::Resolution, "2012-12-20");
    assert_eq!(r2085.len(), 1, "{:#?}", t.events);
    let srcs: Vec<&str> = r2085[0].sources.iter().map(|s| s.doc.as_str()).collect();
    assert!(
        srcs.contains(&"en.txt") && srcs.contains(&"fr.txt"),
        "{srcs:?}"
    );
    assert_eq!(r2085[0].corroboration, 2);
    let r2071 = find(&t, EventType::Resolution, "2012-10");
    assert_eq!(r2071.len(), 1);
    assert_eq!(r2071[0].sources.len(), 1);
}

#[test]
fn a_reprint_counts_once_and_figures_in_dispute_are_flagged() {
    let wire = "Yesterday the UN Security Council unanimously adopted a resolution authorizing the deployment of an African-led force of 3,300 troops to help Mali recover its north from Islamist militants, diplomats said after the vote in New York.";
    let reprint = "Yesterday the UN Security Council unanimously adopted a resolution authorizing the deployment of an African-led force of 3,300 troops to help Mali recover its north from Islamist militants, diplomats said after the vote in New York.";
    let other = "The UN Security Council on Thursday adopted a resolution that authorizes about 3,000 troops for an African force in Mali.";
    let docs = vec![
        doc("wire.txt", "2012-12-21", wire),
        doc("reprint.txt", "2012-12-21", reprint),
        doc("other.txt", "2012-12-21", other),
    ];
    let t = build(&docs, &TimelineOptions::default());
    let r = find(&t, EventType::Resolution, "2012-12-20");
    assert_eq!(r.len(), 1, "{:#?}", t.events);
    assert_eq!(r[0].sources.len(), 3);
    assert_eq!(r[0].corroboration, 2, "the reprint must count once");
    let d = r[0]
        .disputes
        .iter()
        .find(|d| d.field == "troops")
        .expect("troop dispute");
    assert_eq!(d.claims.len(), 2);
    assert!(r[0].credibility.grade >= 3);
}

#[test]
fn dates_sort_days_then_months_then_years() {
    let mut v = vec![
        Some("2012-12-22"),
        None,
        Some("2012"),
        Some("2012-12"),
        Some("2012-12-11"),
        Some("2012-03-22"),
        Some("2012-03-21"),
        Some("2013-01"),
    ];
    v.sort_by(|a, b| date_order(*a, *b));
    assert_eq!(
        v,
        vec![
            Some("2012-03-21"),
            Some("2012-03-22"),
            Some("2012-12-11"),
            Some("2012-12-22"),
            Some("2012-12"),
            Some("2012"),
            Some("2013-01"),
            None
        ]
    );
}

#[test]
fn the_timeline_comes_out_in_date_order() {
    let docs = vec![
        doc("b.txt", "2012-12-21", "Yesterday the UN Security Council unanimously adopted Resolution 2085 on Mali."),
        doc("a.txt", "2012-03-23", "Mutinous soldiers led by Captain Amadou Sanogo overthrew President Amadou Toumani Touré in a coup on 22 March 2012."),
        doc("c.txt", "2012-10-13", "Yesterday the UN Security Council adopted Resolution 2071 on Mali."),
    ];
    let t = build(&docs, &TimelineOptions::default());
    let dates: Vec<Option<&str>> = t.events.iter().map(|e| e.date.as_deref()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| date_order(*a, *b));
    assert_eq!(dates, sorted);
    assert!(t.events.iter().all(|e| !e.sources.is_empty()));
}

#[test]
fn a_document_without_a_date_is_never_dated_by_another() {
    // a 2023 report with no date of its own beside a dated 2013 report on a resolution
    let undated = Pipeline::new(PipelineOptions::default())
        .expect("pipeline")
        .process_bytes("2023.txt", "Yesterday the Security Council adopted a resolution on the coup in Niger, and soldiers in Niamey arrested President Mohamed Bazoum on Wednesday.".as_bytes(), "txt")
        .expect("doc")
        .remove(0);
    assert_eq!(undated.meta.published, None);
    let dated = doc("2013.txt", "2013-04-26", "Yesterday the UN Security Council adopted Resolution 2100 creating a peacekeeping mission in Mali and Niger's neighbours.");
    let t = build(&[undated, dated], &TimelineOptions::default());
    for e in &t.events {
        for s in &e.sources {
            if s.doc == "2023.txt" {
                assert_eq!(s.date, None, "{e:#?}");
                assert_eq!(s.date_basis, DateBasis::Unresolved);
            }
        }
        let docs: HashSet<&str> = e.sources.iter().map(|s| s.doc.as_str()).collect();
        assert!(
            docs.len() == 1,
            "a 2013 and an undated report merged: {e:#?}"
        );
    }
}

#[test]
fn reports_in_different_countries_merge_only_with_a_shared_actor() {
    let docs = vec![
        doc(
            "ml.txt",
            "2013-01-12",
            "Islamist fighters clashed with the Malian army in Konna on Thursday.",
        ),
        doc(
            "bf.txt",
            "2013-01-12",
            "Protesters clashed with the Malian army in Ouagadougou on Thursday.",
        ),
    ];
    let t = build(&docs, &TimelineOptions::default());
    for e in &t.events {
        assert_eq!(e.sources.len(), 1, "{e:#?}");
    }
}

#[test]
fn background_mentions_do_not_corroborate() {
    let docs = vec![
        doc("a.txt", "2012-03-23", "Soldiers led by Captain Amadou Sanogo overthrew President Amadou Toumani Touré in a coup in Mali on 22 March 2012."),
        doc("b.txt", "2012-12-21", "Captain Amadou Sanogo, who led a coup in Mali on 22 March 2012, forced the prime minister to resign on 11 December."),
    ];
    let t = build(&docs, &TimelineOptions::default());
    let coup = find(&t, EventType::Coup, "2012-03");
    assert_eq!(coup.len(), 1, "{:#?}", t.events);
    assert_eq!(coup[0].sources.len(), 2, "{:#?}", coup[0]);
    assert_eq!(coup[0].corroboration, 1, "{:#?}", coup[0]);
    let b = coup[0]
        .sources
        .iter()
        .find(|s| s.doc == "b.txt")
        .expect("b");
    assert_eq!(b.modality, Modality::Background);
}
