//! Unit tests of the time tagger, and the `fixtures/cases.tsv` case table.

use super::*;

/// Searching only around trigger words finds what a search of the whole text finds:
/// every phrase built from these words (in three cases, with the characters that
/// Unicode case folding maps onto ASCII letters, and with the table's sentences)
/// gives the same candidates both ways.
#[test]
fn windows_never_hide_a_match() {
    let words = [
        "last",
        "next",
        "this",
        "year",
        "years",
        "month",
        "March",
        "Sept.",
        "mars",
        "mai",
        "Monday",
        "jeudi",
        "yesterday",
        "tomorrow",
        "today",
        "tonight",
        "night",
        "morning",
        "summer",
        "Fall",
        "autumn",
        "3",
        "21",
        "2012",
        "14/01/2013",
        "1990s",
        "two",
        "days",
        "ago",
        "the",
        "day",
        "before",
        "after",
        "later",
        "following",
        "dernier",
        "dernière",
        "prochain",
        "passé",
        "de",
        "l'année",
        "l’an",
        "cette",
        "année",
        "années",
        "le",
        "la",
        "veille",
        "lendemain",
        "ce",
        "mois",
        "hier",
        "demain",
        "après-midi",
        "cet",
        "matin",
        "soir",
        "aujourd'hui",
        "même",
        "avant-hier",
        "il",
        "y",
        "a",
        "jours",
        "ans",
        "été",
        "l'été",
        "hiver",
        "fin",
        "début",
        "mi-",
        "Mid-",
        "early",
        "of",
        "\u{a0}",
        "\n",
        "yeſterday",
        "Kelvin",
        "ſoir",
        "\u{212a}",
        "xMay",
        "Mayx",
        "1er",
        "décembre",
        "FÉVRIER",
        "week",
        "weekend",
        "quarter",
        "third-quarter",
        "year-earlier",
        "period",
        "half",
        "now",
        "current",
        "recent",
        "future",
        "near",
        "daily",
        "every",
        "hours",
        "five-hour",
        "several",
        "at least",
        "afternoon",
        "noon",
        "8",
        "10:30",
        "p.m.",
        "GMT",
        "20th",
        "century",
        "'80s",
        "semaine",
        "week-end",
        "trimestre",
        "troisième",
        "actuellement",
        "l'avenir",
        "chaque",
        "15h30",
        "XXe",
        "siècle",
    ];
    let mut phrases = Vec::new();
    for a in words {
        for b in words {
            for c in ["", " year", " 2012", " mois", " 12 May", " juin 2013"] {
                let s = format!("{a} {b}{c}");
                phrases.push(s.to_uppercase());
                phrases.push(cap(&s));
                phrases.push(s);
            }
        }
    }
    phrases.extend(cases().into_iter().map(|c| c.text.to_string()));
    let whole = Triggers {
        hits: Vec::new(),
        runs: Vec::new(),
        whole_text: true,
    };
    let all = Langs {
        en: true,
        fr: true,
        ar: true,
    };
    let mut found = 0;
    for s in &phrases {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        collect_with(s, all, &whole, &mut a);
        collect(s, all, &mut b);
        assert_eq!(a, b, "{s:?}");
        found += a.len();
    }
    assert!(found > 10_000, "{found}");
}

#[test]
fn whitespace_runs_of_a_pattern() {
    assert_eq!(ws_runs(r"a\s+b|c"), 1);
    assert_eq!(ws_runs(r"(?:a\s+)?b\s+c"), 2);
    assert_eq!(ws_runs(r"(?P<x>a\s+b|c d e)f"), 2);
    assert_eq!(ws_runs(r"[ ,]x\s*[0-9]{4}"), 2);
    assert_eq!(ws_runs(r"(?:a\s)+"), usize::MAX);
    assert_eq!(ws_runs(r"(?i:last|next)\s+[\s.]"), 2);
}

/// The window bound counts the elements of a pattern that can match whitespace; it
/// holds only for patterns with no other way to match it.
#[test]
fn patterns_match_whitespace_only_where_counted() {
    let p = &*PATS;
    for pat in [
        &p.num_iso,
        &p.num_dmy,
        &p.year,
        &p.en_dmy,
        &p.en_mdy,
        &p.en_my,
        &p.en_m_relyear,
        &p.en_rel_m,
        &p.en_bare_m,
        &p.en_rel_ym,
        &p.en_relday,
        &p.en_season,
        &p.en_wd,
        &p.en_ago,
        &p.en_offset,
        &p.en_decade,
        &p.fr_dmy,
        &p.fr_my,
        &p.fr_m_rel,
        &p.fr_bare_m,
        &p.fr_rel_year,
        &p.fr_this_year,
        &p.fr_rel_month,
        &p.fr_relday,
        &p.fr_season,
        &p.fr_wd,
        &p.fr_ago,
        &p.fr_offset,
        &p.fr_decade,
    ]
    .into_iter()
    .chain(classes::windowed_pats())
    {
        let s = pat.re.as_str();
        assert!(pat.on != 0, "{s}");
        for bad in [
            "[^", "\\S", "\\W", "\\D", "\\p", "\\P", ")+", ")*", "){", "\\x", "\\t", "\\n",
        ] {
            assert!(!s.contains(bad), "{bad} in {s}");
        }
        // no unescaped '.' outside a class
        let mut in_class = false;
        let mut esc = false;
        for c in s.chars() {
            match (esc, in_class, c) {
                (true, _, _) => esc = false,
                (false, _, '\\') => esc = true,
                (false, false, '[') => in_class = true,
                (false, true, ']') => in_class = false,
                (false, false, '.') => panic!("bare . in {s}"),
                _ => {}
            }
        }
        assert!(!s.starts_with("\\s"), "{s}");
        assert!(pat.ws < 16, "{} in {s}", pat.ws);
    }
}

fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, dd)
}

/// One line of `fixtures/cases.tsv`: text, language, anchor, expected (surface, value).
struct Case {
    text: &'static str,
    lang: TimeLang,
    anchor: Option<NaiveDate>,
    expected: Vec<(&'static str, &'static str)>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for line in include_str!("fixtures/cases.tsv").lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "fixture line {line:?}");
        let lang = match f[0] {
            "en" => TimeLang::En,
            "fr" => TimeLang::Fr,
            "ar" => TimeLang::Ar,
            l => panic!("language {l} in {line:?}"),
        };
        let anchor = match f[1] {
            "-" => None,
            a => Some(NaiveDate::parse_from_str(a, "%Y-%m-%d").expect("anchor date")),
        };
        let expected = f[3]
            .split(" | ")
            .filter(|x| !x.is_empty())
            .map(|x| x.rsplit_once('=').expect("surface=value"))
            .collect();
        out.push(Case {
            text: f[2],
            lang,
            anchor,
            expected,
        });
    }
    out
}

#[test]
fn table() {
    let cases = cases();
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let got: Vec<(String, String)> = tag(c.text, c.lang, c.anchor)
            .into_iter()
            .map(|e| (e.text, e.value))
            .collect();
        let exp: Vec<(String, String)> = c
            .expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        if got != exp {
            failures.push(format!(
                "{:?} ({:?}, {:?}):\n   got {:?}\n  want {:?}",
                c.text, c.lang, c.anchor, got, exp
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn types_modifiers_and_calendar_values() {
    let a = d(2013, 3, 15);
    let r = tag("late 2012", TimeLang::En, a);
    assert_eq!(r[0].modifier, Some(TimexMod::End));
    assert_eq!(r[0].calendar_value().as_deref(), Some("2012"));
    let r = tag("about two years", TimeLang::En, a);
    assert_eq!(r[0].kind, TimexType::Duration);
    assert_eq!(r[0].modifier, Some(TimexMod::Approx));
    assert_eq!(r[0].calendar_value(), None);
    let r = tag("this week", TimeLang::En, a);
    assert_eq!(r[0].kind, TimexType::Date);
    assert_eq!(r[0].calendar_value(), None);
    let r = tag("Friday afternoon", TimeLang::En, a);
    assert_eq!(r[0].kind, TimexType::Time);
    assert_eq!(r[0].calendar_value().as_deref(), Some("2013-03-15"));
    let r = tag("every Monday", TimeLang::En, a);
    assert_eq!(r[0].kind, TimexType::Set);
    let r = tag("summer 2012", TimeLang::En, None);
    assert_eq!(r[0].value, "2012-SU");
    assert_eq!(r[0].calendar_value().as_deref(), Some("2012"));
    let r = tag(
        "The leader of the 25 October coup signed a decree.",
        TimeLang::En,
        a,
    );
    assert!(r[0].names_event);
}

#[test]
fn spans_and_ranges() {
    let text = "Le Pays N° 5276 du 14/1/2013";
    let r = tag(text, TimeLang::Fr, None);
    assert_eq!(r.len(), 1);
    assert_eq!(&text[r[0].start..r[0].end], "14/1/2013");
    assert_eq!(r[0].span.map(|s| s.granularity), Some(Granularity::Day));
    assert!(!r[0].relative);
    let r = tag("June 2012", TimeLang::En, None);
    let span = r[0].span.expect("calendar span");
    assert_eq!(span.first, NaiveDate::from_ymd_opt(2012, 6, 1).unwrap());
    assert_eq!(span.last, NaiveDate::from_ymd_opt(2012, 6, 30).unwrap());
    let r = tag("winter 2012", TimeLang::En, None);
    let span = r[0].span.expect("calendar span");
    assert_eq!(span.granularity, Granularity::Season);
    assert_eq!(span.last, NaiveDate::from_ymd_opt(2013, 2, 28).unwrap());
    let r = tag("last month", TimeLang::En, d(2012, 12, 21));
    assert!(r[0].relative);
    assert_eq!(Granularity::Decade.as_str(), "decade");
}

#[test]
fn pubdate() {
    let t = "Mali: Security, Dialogue and Meaningful Reform\nInternational Crisis Group\n11 April 2013\n \nFor the population of Mali, the crisis that began in January 2012 is far from over.";
    let (dt, s, e) = find_publication_date(t).expect("date");
    assert_eq!(dt, NaiveDate::from_ymd_opt(2013, 4, 11).unwrap());
    assert_eq!(&t[s..e], "11 April 2013");

    let t = "Publié le lundi 14 janvier 2013   |  Le Pays\nLe Pays N° 5276 du 14/1/2013\nLes troupes...";
    let (dt, s, e) = find_publication_date(t).expect("date");
    assert_eq!(dt, NaiveDate::from_ymd_opt(2013, 1, 14).unwrap());
    assert_eq!(&t[s..e], "lundi 14 janvier 2013");

    assert_eq!(
        find_publication_date("Mali crisis\nNo date in this header at all.\nBody text."),
        None
    );
    assert_eq!(find_publication_date(""), None);

    let t = "Headline here\nPublished: 22 December 2012\nBody";
    assert_eq!(find_publication_date(t).map(|x| x.0), d(2012, 12, 22));
    let t = "Headline\nPosted on Dec. 20, 2012 by John Smith\nBody";
    assert_eq!(find_publication_date(t).map(|x| x.0), d(2012, 12, 20));
    let t = "Updated 23 December 2012\nPublished: 22 December 2012\nBody";
    assert_eq!(find_publication_date(t).map(|x| x.0), d(2012, 12, 22));
    let t = "Le Pays N° 5276 du 14/1/2013\nCorps du texte";
    assert_eq!(find_publication_date(t).map(|x| x.0), d(2013, 1, 14));
    let t = "BAMAKO, Jan 11 (Reuters) - French forces attacked";
    assert_eq!(find_publication_date(t), None);
    let t = "بغداد - الجمعة 15 آذار 2013\nنص الخبر";
    assert_eq!(find_publication_date(t).map(|x| x.0), d(2013, 3, 15));
    let t = "نشر بتاريخ ١٥/٣/٢٠١٣\nنص الخبر";
    assert_eq!(find_publication_date(t).map(|x| x.0), d(2013, 3, 15));
    let body = "The United Nations Security Council adopted a resolution on 20 December 2012 authorising the deployment of an African-led international support mission to Mali for an initial period of one year.";
    assert_eq!(find_publication_date(body), None);
}

fn check(s: &str, anchor: Option<NaiveDate>) {
    for lang in [TimeLang::En, TimeLang::Fr, TimeLang::Ar] {
        for e in tag(s, lang, anchor) {
            assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
            assert!(e.start < e.end && e.end <= s.len());
            assert_eq!(&s[e.start..e.end], e.text);
            if let Some(span) = e.span {
                assert!(span.first <= span.last);
            }
        }
    }
    if let Some((_, a, b)) = find_publication_date(s) {
        assert!(s.is_char_boundary(a) && s.is_char_boundary(b) && a < b);
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_arbitrary(s in "\\PC{0,200}", y in 1i32..4000, doy in 1u32..366) {
        let anchor = NaiveDate::from_yo_opt(y, doy);
        check(&s, None);
        check(&s, anchor);
    }

    #[test]
    fn never_panics_tokens(
        toks in proptest::collection::vec(proptest::sample::select(vec![
            "December", "20", ",", "2012", "Dec.", "May", "March", "last", "next", "year",
            "month", "in", "on", "Friday", "jeudi", "dernier", "janvier", "1er", "2013", "/",
            "14", "1", "-", ".", "\n", "\n\n", "hier", "yesterday", "days", "later", "after",
            "two", "le", "lendemain", "أمس", "الأول", "نيسان", "/", "ابريل", "٢٠١٢", "٢٠",
            "the", "beginning", "of", "will", "was", "été", "l'an", "é", "日", "🙂", "0",
            "9999", "1900", "2099", "31", "12", "ago", "il", "y", "a", "mi-", "fin", "début",
            "summer", "1990s", "années", "90", "يوم", "الخميس", "الماضي", "Resolution",
        ]), 0..40),
        sep in proptest::sample::select(vec!["", " ", "  ", "\u{a0}"]),
        y in 1i32..4000, doy in 1u32..366,
    ) {
        let s = toks.join(sep);
        let anchor = NaiveDate::from_yo_opt(y, doy);
        check(&s, None);
        check(&s, anchor);
    }
}
