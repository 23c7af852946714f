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
fn simhash_tells_reprints() {
    let a = simhash("the council adopted the resolution on thursday after weeks of talks between france and the united states");
    let b = simhash("the council adopted the resolution on thursday after weeks of talks between france and the united states.");
    let c = simhash("fighting broke out near the town as rebels advanced from the north and the army withdrew to the south");
    assert!((a ^ b).count_ones() <= 3);
    assert!((a ^ c).count_ones() > 10);
}
