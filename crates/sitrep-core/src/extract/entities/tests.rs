use super::*;
use crate::pipeline::{Pipeline, PipelineOptions};

fn ents(text: &str) -> Vec<Entity> {
    let p = Pipeline::new(PipelineOptions::default()).expect("pipeline");
    let mut d = p
        .process_bytes("t.txt", text.as_bytes(), "txt")
        .expect("doc");
    d.remove(0).entities
}

fn find<'a>(es: &'a [Entity], alias: &str) -> Option<&'a Entity> {
    es.iter()
        .find(|e| e.aliases.iter().any(|a| a == alias) || e.name == alias)
}

#[test]
fn declared_and_reordered_acronyms_merge() {
    let es = ents("Fighters of the National Movement for the Liberation of Azawad (NMLA) entered the town. Later the MNLA said it held the airport.");
    let e = find(&es, "NMLA").expect("NMLA");
    assert!(e.aliases.contains(&"MNLA".to_string()), "{:?}", e.aliases);
    assert!(
        e.aliases.iter().any(|a| a.starts_with("National Movement")),
        "{:?}",
        e.aliases
    );
}

#[test]
fn unknown_names_are_found_and_typed() {
    let es = ents("The talks were chaired by Foreign Minister Zakaria Obondo in the town of Kaboulé. The Patriotic Union of Kaboulé rejected them.");
    assert_eq!(
        find(&es, "Zakaria Obondo").map(|e| e.kind),
        Some(EntityType::Person)
    );
    assert_eq!(
        find(&es, "Patriotic Union of Kaboulé").map(|e| e.kind),
        Some(EntityType::Organization)
    );
}

#[test]
fn surnames_and_misspellings_merge() {
    let es = ents("President Amadou Toumani Touré was overthrown by Captain Amadou Sango. After Touré left, Captain Sanogo took power.");
    let t = find(&es, "Amadou Toumani Touré").expect("ATT");
    assert!(t.aliases.contains(&"Touré".to_string()), "{:?}", t.aliases);
    let s = find(&es, "Amadou Sango").expect("Sango");
    assert!(s.aliases.contains(&"Sanogo".to_string()), "{:?}", es);
}

#[test]
fn distinct_entities_stay_apart() {
    let es = ents("The United Nations said the UN Security Council would meet. Al Qaeda and al-Qaeda in the Islamic Maghreb were named. Troops reached Kidal, then the Kidal region.");
    let un = find(&es, "United Nations").expect("UN");
    assert!(!un.aliases.iter().any(|a| a.contains("Security")));
    let aq = find(&es, "Al Qaeda").expect("AQ");
    assert!(!aq.aliases.iter().any(|a| a.contains("Maghreb")));
    let k = find(&es, "Kidal").expect("Kidal");
    assert!(
        !k.aliases.iter().any(|a| a.contains("region")),
        "{:?}",
        k.aliases
    );
    assert!(find(&es, "Kidal region").is_some());
}

#[test]
fn sentence_initial_words_demonyms_and_peoples_are_not_entities() {
    let es = ents("Permitting the use of force is risky. Malian and French officials met Tuareg leaders on Friday.");
    for bad in ["Permitting", "Malian", "French", "Tuareg", "Friday"] {
        assert!(find(&es, bad).is_none(), "{bad}: {es:?}");
    }
}

#[test]
fn national_armies_by_rule() {
    let es = ents("The Malian army retreated. Later Mali's army regrouped, but the French military intervention went on.");
    let a = find(&es, "Malian army").expect("army");
    assert_eq!(a.name, "Malian Armed Forces");
    assert!(a.aliases.contains(&"Mali's army".to_string()));
    assert!(find(&es, "French military").is_none());
}

#[test]
fn french_and_arabic_names_link_to_the_knowledge_base() {
    let fr = ents("Le Mouvement national de libération de l'Azawad a pris Tombouctou, selon le Conseil de sécurité.");
    assert!(find(&fr, "Mouvement national de libération de l'Azawad")
        .and_then(|e| e.id.clone())
        .is_some());
    let ar = ents("دعا مجلس الامن السلطات في مالي الى الحوار");
    assert!(ar.iter().any(|e| e.id.as_deref() == Some("country:ML")));
    assert!(ar.iter().any(|e| e.kind == EntityType::Organization));
}

#[test]
fn numbered_roads_are_places() {
    let fr = ents("L'armée a repris Konna, sur la route nationale N°16 (axe Bamako-Gao). Des renforts arrivent par la RN16 depuis le sud.");
    let road = find(&fr, "route nationale N°16").expect("the French national road");
    assert_eq!(road.kind, EntityType::Place);
    assert_eq!(road.name, "Route nationale 16");
    assert_eq!(road.subtype.as_deref(), Some("road"));
    assert_eq!(road.id, None, "no gazetteer knows it: no id");
    assert!(
        road.aliases.contains(&"RN16".to_string()),
        "{:?}",
        road.aliases
    );

    let en = ents(
        "Gunmen ambushed a convoy on National Highway 2 near the border, and Highway 7 was closed.",
    );
    assert_eq!(
        find(&en, "National Highway 2").map(|e| e.kind),
        Some(EntityType::Place)
    );
    assert!(find(&en, "Highway 7").is_some());

    // a route that is not a road's name
    let none =
        ents("The convoy was en route to the capital; the route took 16 hours and 3 rest stops.");
    assert!(
        none.iter().all(|e| e.subtype.as_deref() != Some("road")),
        "{none:?}"
    );
}

#[test]
fn resolutions_are_other_entities() {
    let es = ents("The council adopted Resolution 2085 after resolution 2071 in October.");
    assert_eq!(
        find(&es, "Resolution 2085").map(|e| e.kind),
        Some(EntityType::Other)
    );
    assert!(find(&es, "Resolution 2071").is_some());
}

#[test]
fn a_dateline_gives_its_place_and_a_byline_gives_no_name() {
    let es = ents("By Jolanda Verhoef-Smit, 4 March 2013\n\nKIDAL, 4 March 2013\n\nSoldiers patrolled the market on Monday after a night of fighting, officials said.");
    assert!(find(&es, "Jolanda Verhoef-Smit").is_none(), "{es:?}");
    assert_eq!(
        find(&es, "KIDAL").map(|e| e.kind),
        Some(EntityType::Place),
        "{es:?}"
    );
}

#[test]
fn a_month_is_no_place_without_evidence() {
    let es = ents("The vote was postponed until May. Ministers will meet again in June to decide.");
    assert!(find(&es, "May").is_none(), "{es:?}");
    assert!(find(&es, "June").is_none(), "{es:?}");
}

#[test]
fn the_tagger_finds_names_the_knowledge_base_does_not_know() {
    let es = ents("Ms. Oriane Vasquelet, a spokeswoman for the Kelvinor Mining Corporation, said on Tuesday that the company would reopen its office in Bamako. Vasquelet added that talks would continue.");
    let p = find(&es, "Oriane Vasquelet").expect("person");
    assert_eq!(p.kind, EntityType::Person);
    assert!(
        p.aliases.contains(&"Vasquelet".to_string()),
        "{:?}",
        p.aliases
    );
    assert_eq!(
        find(&es, "Kelvinor Mining Corporation").map(|e| e.kind),
        Some(EntityType::Organization),
        "{es:?}"
    );
    assert_eq!(find(&es, "Bamako").map(|e| e.kind), Some(EntityType::Place));
}

#[test]
fn a_headline_in_title_case_yields_only_known_names() {
    let es = ents("Council Gives Green Light To Trainers For Mali Army\n\nThe council approved the plan on Thursday after weeks of debate among its members in New York.");
    assert!(
        es.iter()
            .all(|e| !e.aliases.iter().any(|a| a.contains("Green Light"))),
        "{es:?}"
    );
}
