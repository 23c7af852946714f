use super::*;

fn body(raw: &str) -> String {
    clean(raw).text
}

#[test]
fn rejoins_line_break_hyphens_but_keeps_real_ones() {
    let raw = "The council unani-\nmously passed a resolution authoriz-\ning the deployment of an African-\nled force to liber-\nate the north, a two-\ntrack approach for al-Qaeda-\nlinked groups in the north-\nern part.\n";
    let t = body(raw);
    assert!(t.contains("unanimously passed"), "{t}");
    assert!(t.contains("authorizing the deployment"), "{t}");
    assert!(t.contains("African-led force"), "{t}");
    assert!(t.contains("liberate the north"), "{t}");
    assert!(t.contains("two-track"), "{t}");
    assert!(t.contains("al-Qaeda-linked"), "{t}");
    assert!(t.contains("northern part"), "{t}");
}

#[test]
fn reflows_hard_wrapped_text_across_page_breaks() {
    let raw = "Mali's army had suffered significant\nlosses at the\n\nhands of the National Movement for\nthe Liberation of Azawad (MNLA), a\nseparatist group based in the north\nof the country. Frustration with\nthe lack of support from Bamako was\na key motivation behind the coup.\n\nFollowing the resignation and\nthe army's retreat, the north became\na gaping security vacuum.\n";
    let c = clean(raw);
    assert!(
        c.text.contains(
            "losses at the hands of the National Movement for the Liberation of Azawad (MNLA)"
        ),
        "{}",
        c.text
    );
    assert_eq!(c.text.matches("\n\n").count(), 1, "{}", c.text);
}

#[test]
fn removes_glued_footnote_markers() {
    let raw = "The resolution requested that the plans be submitted for consideration in 45 days.1\n\nThe plan failed to answer how the force would be \"financed.\u{201d}2 Despite these misgivings, it passed.\n";
    let t = body(raw);
    assert!(t.contains("in 45 days.\n"), "{t}");
    assert!(t.contains("\"financed.\" Despite"), "{t}");
}

#[test]
fn normalises_quotes_and_spaces() {
    let t = body(
        "Mali\u{2019}s  army\u{a0}said \u{201c}no\u{201d}\tto talks today in the capital city.",
    );
    assert_eq!(
        t,
        "Mali's army said \"no\" to talks today in the capital city."
    );
}

#[test]
fn drops_comment_forms_and_widgets() {
    let raw = "A headline about the Security Council vote\n\nThe U.N. Security Council voted today on a resolution about Mali and its northern regions.\n\nThe resolution also calls for elections and a road map for the transition to civilian rule.\n\nThis entry was posted in Uncategorized and tagged , , , . Bookmark the permalink.\n\nLeave a Reply\n\nFill in your details below or click an icon to log in: Logo\n\nGoogle photo\n\nYou are commenting using your Google account. Log Out /  Change )\n\nTwitter picture\n\nFacebook photo\n\nConnecting to %s\n";
    let c = clean(raw);
    for bad in [
        "Google",
        "Twitter",
        "Facebook",
        "Leave a Reply",
        "Connecting",
        "permalink",
    ] {
        assert!(!c.text.contains(bad), "{bad} leaked: {}", c.text);
    }
    assert_eq!(
        c.title.as_deref(),
        Some("A headline about the Security Council vote")
    );
}

#[test]
fn drops_site_header_and_footer() {
    let raw = "Member Sign In\nCoalition for Something Important\nPDF Print E-mail\nMali: Security and Reform\nSome Research Group\n11 April 2013\n \nFor the population of the north, the intervention launched in January was a relief to many.\n\nThe authorities must agree on a strategy for the crisis.\n\nBrowse Documents by Region:\n\nCoalition for Something Important\nc/o Some Federation - Institute\n708 Third Avenue, Suite 1715, New York, NY 10017\nContact\n";
    let c = clean(raw);
    for bad in [
        "Sign In",
        "Coalition",
        "PDF",
        "Browse",
        "Third Avenue",
        "Contact",
        "c/o",
    ] {
        assert!(!c.text.contains(bad), "{bad} leaked: {}", c.text);
    }
    assert_eq!(c.title.as_deref(), Some("Mali: Security and Reform"));
    assert!(c.text.contains("Some Research Group"));
    let by = c
        .blocks
        .iter()
        .find(|(_, k)| *k == BlockKind::Byline)
        .expect("byline");
    assert_eq!(&c.text[by.0.start..by.0.end], "11 April 2013");
}

#[test]
fn drops_navigation_bars_and_photo_credits() {
    let raw = "Accueil    Shopping    Sports    Business    News    Politique\nNEWS\nComment\n\nUne journée de combats au nord du pays\nPublié le lundi 14 janvier 2013   |  Le Quotidien\n\n© AFP par DR\nMali \u{2013} 92 (Photo credit: Some Water Center)\n\nLes combats ont coûté la vie à des dizaines de personnes dans la ville.\n";
    let c = clean(raw);
    for bad in ["Shopping", "NEWS", "AFP", "Water Center", "Comment"] {
        assert!(!c.text.contains(bad), "{bad} leaked: {}", c.text);
    }
    assert_eq!(
        c.title.as_deref(),
        Some("Une journée de combats au nord du pays")
    );
}

#[test]
fn offsets_point_back_to_the_original() {
    let raw = "The council unani-\nmously  passed\u{2019} a resolution on  Mali.\n\nBamako is the capital of the country in the west.\n";
    let c = clean(raw);
    for w in ["passed", "resolution", "Mali", "Bamako", "capital"] {
        let at = c.text.find(w).unwrap();
        let o = c.offsets.to_original(at);
        assert_eq!(&raw[o..o + w.len()], w);
    }
}

#[test]
fn bullets_start_paragraphs() {
    let raw = "The steps the administration should take are as follows in the coming months:\n\n\u{25a0}\u{25a0} Make support for the army contingent on commitments.\n\n\u{25a0}\u{25a0} Restrict contributions for regional efforts to those that\ndo not include the army.\n";
    let c = clean(raw);
    assert!(c.text.contains("\n\nMake support"), "{}", c.text);
    assert!(
        c.text.contains(
            "\n\nRestrict contributions for regional efforts to those that do not include"
        ),
        "{}",
        c.text
    );
    assert!(!c.text.contains('\u{25a0}'));
}

proptest::proptest! {
    /// The one-pass count is the standard library's split and filter.
    #[test]
    fn word_count_agrees_with_split_whitespace(s in "[ a-zA-Z0-9.,;:!?'\"()\t\n\r\u{b}\u{c}\u{1c}-\u{1f}_\u{85}\u{a0}\u{2003}\u{3000}\u{200b}éÉßΩ١٢—«»’\u{1f642}-]{0,80}") {
        let general = s
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        proptest::prop_assert_eq!(word_count(&s), general);
    }
}

#[test]
fn plain_text_keeps_lists_and_tables_after_the_last_paragraph() {
    let raw = "Flood report\n\nThe river rose by two metres overnight and the lower town was evacuated before dawn, the mayor said.\n\nShelters opened:\n\n- North school gym\n- Market hall\n\nDistrict\tFamilies\nLower town\t120\nHarbour\t45\n\nShare this article\n";
    let c = clean(raw);
    for must in ["North school gym", "Market hall", "Lower town", "Harbour"] {
        assert!(c.text.contains(must), "lost {must}: {}", c.text);
    }
    assert!(!c.text.contains("Share this"), "{}", c.text);
    // what is left out is listed, with its place in the reader's text
    assert!(c
        .debris
        .iter()
        .any(|d| raw[d.span.start..d.span.end].contains("Share this")));
}

#[test]
fn html_blocks_keep_their_kind_and_debris_is_listed() {
    use crate::read::{read_bytes, ReadOptions};
    let html = "<html><body><nav><a href=\"/\">Home</a> <a href=\"/n\">News</a></nav><article><p>The river rose by two metres overnight and the lower town was evacuated before dawn, the mayor said.</p><ul><li>North school gym</li><li>Market hall</li></ul><table><tr><td>Lower town</td><td>120</td></tr></table><p>Water is expected to fall back by Friday, according to the river authority's latest bulletin.</p></article></body></html>";
    let raw = read_bytes(
        "page.html",
        html.as_bytes(),
        "html",
        &ReadOptions::default(),
    )
    .expect("reads")
    .remove(0);
    let c = clean_raw(&raw);
    let kinds: Vec<BlockKind> = c.blocks.iter().map(|(_, k)| *k).collect();
    assert!(kinds.contains(&BlockKind::ListItem), "{kinds:?}");
    assert!(kinds.contains(&BlockKind::TableRow), "{kinds:?}");
    assert!(c.text.contains("Lower town | 120"), "{}", c.text);
    assert!(!c.text.contains("Home"), "{}", c.text);
    assert!(c.debris.iter().any(
        |d| d.kind == BlockKind::Debris && raw.text[d.span.start..d.span.end].contains("Home")
    ));
}
