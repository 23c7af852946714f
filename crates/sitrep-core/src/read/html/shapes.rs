//! One page shape per mechanism, written for these tests: what must be kept as the
//! article's text and what must not.

use super::*;

const STORY: &str = "<p>The river authority said on Monday that the northern dam would reopen after three weeks of repairs, allowing barges to reach the upper valley again.</p>\
<p>Engineers had found cracks in two of the spillway gates during a routine inspection in the spring, and the work was delayed by heavy rain in the hills.</p>\
<p>Farmers in the valley, who depend on the canal for irrigation, welcomed the news but asked the authority to publish its inspection reports in full.</p>";

fn main(html: &str) -> String {
    html_to_text(html).main_text()
}

fn assert_story(text: &str) {
    for must in [
        "northern dam would reopen",
        "cracks in two of the spillway gates",
        "publish its inspection reports",
    ] {
        assert!(text.contains(must), "lost {must:?}: {text}");
    }
}

#[test]
fn furniture_words_on_the_body_do_not_remove_the_page() {
    let html = format!(
        "<html><body class=\"page no-sidebar nav-closed\"><div id=\"wrap\" class=\"menu-open\">{STORY}</div>\
         <div class=\"sidebar\"><p>Our sponsors keep this site free for every reader, so please consider visiting them today.</p></div></body></html>"
    );
    let t = main(&html);
    assert_story(&t);
    assert!(!t.contains("sponsors"), "{t}");
}

#[test]
fn a_teaser_or_empty_article_loses_to_the_story_beside_it() {
    let html = format!(
        "<html><body><article class=\"card\"><h3><a href=\"/x\">Bridge to close for a week</a></h3><p>Short summary of another story.</p></article>\
         <article></article><div class=\"content\"><h1>Dam to reopen</h1>{STORY}</div></body></html>"
    );
    let t = main(&html);
    assert_story(&t);
    assert!(!t.contains("Bridge to close"), "{t}");
    assert!(!t.contains("Short summary"), "{t}");
}

#[test]
fn comment_articles_after_the_story_are_not_its_text() {
    let html = format!(
        "<html><body><div class=\"post\">{STORY}</div><div id=\"comments\">\
         <article class=\"comment\"><p>I have lived in the valley for forty years and never seen the canal so low in summer.</p></article>\
         <article class=\"comment\"><p>The authority should have fixed those gates long before the rains came this year.</p></article></div></body></html>"
    );
    let t = main(&html);
    assert_story(&t);
    assert!(!t.contains("forty years"), "{t}");
    assert!(!t.contains("long before the rains"), "{t}");
}

#[test]
fn link_lists_go_and_plain_lists_and_tables_stay() {
    let html = format!(
        "<html><body><article>{STORY}<ul><li>Gate one: cracked</li><li>Gate two: cracked</li><li>Gate three: sound</li></ul>\
         <table><tr><td>Week</td><td>Barges</td></tr><tr><td>First</td><td>12</td></tr></table>\
         <h3>More stories</h3><ul><li><a href=\"/a\">Ferry fares rise again</a></li><li><a href=\"/b\">New school opens in the hills</a></li>\
         <li><a href=\"/c\">Harvest festival dates announced</a></li></ul></article></body></html>"
    );
    let h = html_to_text(&html);
    let t = h.main_text();
    assert_story(&t);
    assert!(t.contains("Gate one: cracked"), "{t}");
    assert!(t.contains("Gate three: sound"), "{t}");
    assert!(t.contains("Week | Barges"), "{t}");
    assert!(t.contains("First | 12"), "{t}");
    assert!(!t.contains("Ferry fares"), "{t}");
    assert!(!t.contains("Harvest festival"), "{t}");
    // nothing deleted: the link list is still in the reader's text, labelled debris
    assert!(h.text.contains("Ferry fares"));
    assert!(
        h.blocks
            .iter()
            .any(|b| b.kind == BlockKind::Debris
                && h.text[b.span.start..b.span.end].contains("Ferry"))
    );
    assert!(h
        .blocks
        .iter()
        .any(|b| b.kind == BlockKind::TableRow && b.main));
}

#[test]
fn related_teasers_written_as_sentences_are_not_the_story() {
    let html = format!(
        "<html><body><main><article>{STORY}</article><section class=\"related\">\
         <div><h4><a href=\"/1\">Ferry fares rise again</a></h4><p>The operator blamed fuel costs for the third increase this year.</p></div>\
         <div><h4><a href=\"/2\">School opens in the hills</a></h4><p>Pupils will no longer travel two hours each way to class.</p></div></section></main></body></html>"
    );
    let t = main(&html);
    assert_story(&t);
    assert!(!t.contains("fuel costs"), "{t}");
    assert!(!t.contains("Pupils"), "{t}");
}

#[test]
fn headline_byline_and_caption_are_metadata_not_text() {
    let html = format!(
        "<html><head><title>Dam to reopen after repairs | Valley Courier</title></head><body>\
         <header><div class=\"promo\"><h1>Subscribe today and save half</h1></div></header>\
         <div class=\"story\"><h1>Dam to reopen after repairs</h1><p class=\"byline\">By Jane Roe | 3 March 2021</p>\
         <figure><img src=\"x.jpg\"><figcaption>The dam seen from the east bank.</figcaption></figure>{STORY}</div></body></html>"
    );
    let h = html_to_text(&html);
    let t = h.main_text();
    assert_story(&t);
    for bad in [
        "Jane Roe",
        "east bank",
        "Subscribe",
        "Dam to reopen after repairs",
    ] {
        assert!(!t.contains(bad), "{bad} leaked: {t}");
    }
    assert_eq!(h.meta.title.as_deref(), Some("Dam to reopen after repairs"));
    assert_eq!(h.meta.outlet.as_deref(), Some("Valley Courier"));
    assert_eq!(h.meta.author.as_deref(), Some("Jane Roe"));
    assert_eq!(h.meta.published.as_deref(), Some("2021-03-03"));
}

#[test]
fn json_ld_gives_the_metadata_first() {
    let html = format!(
        "<html><head><title>Home page</title><meta property=\"og:site_name\" content=\"Other Name\">\
         <script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@graph\":[{{\"@type\":\"WebSite\",\"name\":\"Site\"}},\
         {{\"@type\":\"NewsArticle\",\"headline\":\"Dam reopens\",\"datePublished\":\"2021-03-03T08:00:00+01:00\",\
         \"dateModified\":\"2021-03-04\",\"author\":[{{\"@type\":\"Person\",\"name\":\"Jane Roe\"}},{{\"@type\":\"Person\",\"name\":\"John Poe\"}}],\
         \"publisher\":{{\"@type\":\"Organization\",\"name\":\"Valley Courier\"}},\"url\":\"https://news.example.org/dam\"}}]}}</script></head>\
         <body><div>{STORY}</div></body></html>"
    );
    let h = html_to_text(&html);
    assert_eq!(h.meta.title.as_deref(), Some("Dam reopens"));
    assert_eq!(h.meta.published.as_deref(), Some("2021-03-03"));
    assert_eq!(h.meta.author.as_deref(), Some("Jane Roe, John Poe"));
    assert_eq!(h.meta.outlet.as_deref(), Some("Valley Courier"));
    assert_eq!(h.meta.url.as_deref(), Some("https://news.example.org/dam"));
}

#[test]
fn outlet_falls_back_to_the_host() {
    let html = format!(
        "<html><head><link rel=\"canonical\" href=\"https://www.courier.example.com/news/dam\"></head><body>{STORY}</body></html>"
    );
    let h = html_to_text(&html);
    assert_eq!(h.meta.outlet.as_deref(), Some("courier.example.com"));
}

#[test]
fn an_article_split_by_an_advert_is_kept_whole() {
    let html = "<html><body><div class=\"article\"><div class=\"part\"><p>The river authority said on Monday that the northern dam would reopen after three weeks of repairs, allowing barges to reach the upper valley again.</p>\
         <p>Engineers had found cracks in two of the spillway gates during a routine inspection in the spring, and the work was delayed by heavy rain in the hills.</p></div>\
         <div class=\"ad-slot\">Advertisement</div><div class=\"part\"><p>Farmers in the valley, who depend on the canal for irrigation, welcomed the news but asked the authority to publish its inspection reports in full.</p></div></div>\
         <footer><p>Valley Courier is published by a cooperative of readers and has been printed every week since the first edition.</p></footer></body></html>";
    let t = main(html);
    assert_story(&t);
    assert!(!t.contains("Advertisement"), "{t}");
    assert!(!t.contains("cooperative"), "{t}");
}

#[test]
fn feed_fragments_keep_every_block() {
    let t = fragment_to_text("<p><a href=\"/x\">Read the full report</a></p><p>Short.</p>");
    assert!(t.contains("Read the full report"));
    assert!(t.contains("Short."));
}
