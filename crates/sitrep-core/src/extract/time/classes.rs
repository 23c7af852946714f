//! The TimeML classes beyond calendar dates, in English, French and Arabic: durations
//! ("three years", "the past two months"), sets ("daily", "every Monday"), references
//! to the present, past and future ("now", "recently", "the future"), quarters and
//! halves ("the third quarter", "year-earlier"), weeks and weekends ("this week"),
//! centuries, decades in words ("the '80s"), parts of the day and clock times
//! ("Friday afternoon", "10:30 a.m.", "صباح الجمعة"), and Arabic years with the era
//! letter ("2019م"). Word lists come from [`super::lexicon`].

use super::lexicon::{self, Lexicon};
use super::{
    ar_weekday, cand, en_month, en_weekday, fr_weekday, num, parse_num, valid_year, variants, Cand,
    DUnit, DayTime, Dir, Edge, Pat, RefKind, Sem, SetKind, TimexMod, Triggers, YearSpec, AR_WD, D,
    EN_MONTHS, EN_WD, FR_WD, T_DIGIT, T_EN_NOON, T_EN_PERIOD, T_EN_REF, T_EN_SET, T_EN_TMX,
    T_EN_UNIT, T_FR_TMX, T_FR_WD,
};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// The words that trigger the English class patterns, each list with its class: every
/// match of a pattern holds a word of the classes it runs on.
pub(super) static EN_TRIGGERS: LazyLock<Vec<(Vec<&'static str>, u32)>> = LazyLock::new(|| {
    let l = &*lexicon::EN;
    vec![
        (l.words("unit").to_vec(), T_EN_TMX),
        (vec!["week", "weekend"], T_EN_TMX),
        (l.last_words("ref"), T_EN_REF),
        (
            l.words("set")
                .iter()
                .copied()
                .chain(["every", "each"])
                .collect(),
            T_EN_SET,
        ),
        (
            vec![
                "quarter",
                "period",
                "year-earlier",
                "year-ago",
                "half",
                "century",
            ],
            T_EN_PERIOD,
        ),
        (vec!["noon", "midday", "midnight"], T_EN_NOON),
    ]
});

/// The words that trigger the French class patterns.
pub(super) static FR_TRIGGERS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let l = &*lexicon::FR;
    let mut v: Vec<&'static str> = Vec::new();
    v.extend(l.words("unit"));
    v.extend(l.last_words("ref"));
    v.extend(l.last_words("set"));
    v.extend(l.words("daypart"));
    v.push("week-end");
    v
});

struct ClassPats {
    en_dur: Pat,
    en_quarter: Pat,
    en_the_quarter: Pat,
    en_half: Pat,
    en_week: Pat,
    en_ref: Pat,
    en_set: Pat,
    en_set_word: Pat,
    en_clock: Pat,
    en_daypart: Pat,
    en_century: Pat,
    en_decade_words: Pat,
    fr_dur: Pat,
    fr_week: Pat,
    fr_ref: Pat,
    fr_set: Pat,
    fr_quarter: Pat,
    fr_clock: Pat,
    fr_century: Pat,
    ar_daypart: Pat,
    ar_ref: Pat,
    ar_set: Pat,
    ar_dur: Pat,
    ar_week: Pat,
    ar_year: Pat,
}

fn compile(p: &str) -> Pat {
    let (en, fr, ar) = (&*lexicon::EN, &*lexicon::FR, &*lexicon::AR);
    let s = p
        .replace("<D>", D)
        .replace("<EN_NUM>", &en.alternation("num"))
        .replace("<EN_UNIT>", &en.alternation("unit"))
        .replace("<EN_ORD>", &en.alternation("ord"))
        .replace("<EN_REF>", &en.alternation("ref"))
        .replace("<EN_SET>", &en.alternation("set"))
        .replace("<EN_DAYPART>", &en.alternation("daypart"))
        .replace("<EN_DMOD>", &en.alternation("dmod"))
        .replace("<FR_NUM>", &fr.alternation("num"))
        .replace("<FR_UNIT>", &fr.alternation("unit"))
        .replace("<FR_ORD>", &fr.alternation("ord"))
        .replace("<FR_REF>", &fr.alternation("ref"))
        .replace("<FR_SET>", &fr.alternation("set"))
        .replace("<FR_DAYPART>", &fr.alternation("daypart"))
        .replace("<FR_DMOD>", &fr.alternation("dmod"))
        .replace("<AR_UNIT>", &ar.alternation("unit"))
        .replace("<AR_DUAL>", &ar.alternation("dual"))
        .replace("<AR_REF>", &ar.alternation("ref"))
        .replace("<AR_SET>", &ar.alternation("set"))
        .replace("<AR_DAYPART>", &ar.alternation("daypart"))
        .replace("<AR_WD>", AR_WD)
        .replace("<WD_EN>", &variants(&EN_WD, false, true))
        .replace("<MON_EN_CAP>", &variants(&EN_MONTHS, false, false))
        .replace("<WD_FR>", &variants(&FR_WD, true, true));
    let re = Regex::new(&s).expect("static temporal pattern must compile");
    let ws = super::ws_runs(&s);
    Pat {
        re,
        on: 0,
        ws,
        edge: Edge::Word,
    }
}

static PATS: LazyLock<ClassPats> = LazyLock::new(|| {
    ClassPats {
    en_dur: compile(
        r"(?:(?P<dmod><EN_DMOD>)\s+)?(?:(?P<the>[Tt]he)\s+)?(?:(?P<rel>(?i:past|last|next|previous|coming|following|first|final|latest|remaining|same|entire|whole))\s+)?(?:(?P<n><EN_NUM>|<D>{1,4})(?:\s+|-))?(?:(?i:more|additional|other)\s+)?(?P<u><EN_UNIT>)",
    )
    .on(T_EN_UNIT | T_EN_TMX),
    en_quarter: compile(
        r"(?:(?P<the>[Tt]he)\s+)?(?:(?P<y><D>{4})\s+|(?P<r>[Tt]his|[Ll]ast|[Nn]ext)\s+year['’]s\s+|(?i:fiscal)\s+(?P<fy><D>{4})\s+)?(?:(?i:fiscal)\s+)?(?P<q><EN_ORD>)(?:\s+|-)(?i:quarter)(?:\s+of\s+(?:(?i:fiscal)\s+)?(?P<y2><D>{4})|\s+of\s+(?P<r2>this|last|next)\s+year)?",
    )
    .on(T_EN_PERIOD),
    en_the_quarter: compile(
        r"(?:(?P<the>[Tt]he)\s+)?(?:(?P<w>(?i:latest|current|past|last|previous|recent|most\s+recent|this|next|coming|year-earlier|year-ago|year\s+earlier|year\s+ago|corresponding|comparable|same))\s+)?(?P<u>(?i:quarter|period))|(?P<ye>(?i:year-earlier|year-ago))",
    )
    .on(T_EN_PERIOD),
    en_half: compile(
        r"(?:[Tt]he\s+)?(?P<h>(?i:first|second|last|latter))\s+half(?:\s+of\s+(?:(?P<y><D>{4})|(?P<r>this|last|next)\s+year|the\s+year))?",
    )
    .on(T_EN_PERIOD),
    en_week: compile(
        r"(?P<mod>[Tt]he\s+(?:beginning|start|end|middle)\s+of\s+|(?:[Ee]arly|[Ll]ate|[Ee]arlier|[Ll]ater)\s+)?(?:(?P<r>[Tt]his|[Ll]ast|[Nn]ext|[Tt]he\s+coming|[Tt]he\s+following|[Tt]he\s+previous|[Tt]he)\s+)(?P<u>(?i:weekend|week))",
    )
    .on(T_EN_UNIT | T_EN_TMX),
    en_ref: compile(r"<EN_REF>").on(T_EN_REF),
    en_set: compile(
        r"(?i:every|each)\s+(?:(?P<n><EN_NUM>|<D>{1,3})\s+)?(?:(?P<u><EN_UNIT>)|(?P<wd><WD_EN>)|(?P<m><MON_EN_CAP>))",
    )
    .on(T_EN_SET),
    en_set_word: compile(r"<EN_SET>").on(T_EN_SET),
    en_clock: compile(
        r"(?P<h><D>{1,2})(?::(?P<mi><D>{2}))?(?:\s*(?P<ap>(?i:a\.m\.|p\.m\.|a\.m|p\.m|am|pm))(?:\s+(?P<tz>EDT|EST|CST|PST|GMT|UTC))?|\s+(?P<tz2>GMT|UTC))(?:,?\s+(?:on\s+)?(?P<wd><WD_EN>))?",
    )
    .on(T_DIGIT),
    en_daypart: compile(
        r"(?P<p>(?i:noon|midday|midnight))(?:,?\s+(?:on\s+)?(?P<wd><WD_EN>))?",
    )
    .on(T_EN_NOON),
    en_century: compile(
        r"(?:[Tt]he\s+)?(?:(?P<e>(?i:early|late|mid))[\s-]+)?(?P<n><D>{1,2})(?:st|nd|rd|th)\s+(?i:century)",
    )
    .on(T_EN_PERIOD),
    en_decade_words: compile(r"(?:[Tt]he\s+)?['’](?P<yy>[0-9]0)s").on(T_DIGIT),
    fr_dur: compile(
        r"(?:(?P<dmod><FR_DMOD>)\s+)?(?:(?P<the>[Ll]es|[Ll]a|[Ll]e)\s+)?(?:(?P<rel>derniers|dernières|prochains|prochaines|premiers|premières)\s+)?(?P<n><FR_NUM>|<D>{1,4})\s+(?:(?P<rel1>derniers|dernières|prochains|prochaines|premiers|premières)\s+)?(?P<u><FR_UNIT>)",
    )
    .on(T_FR_TMX),
    fr_week: compile(
        r"(?P<c>[Cc]ette\s+semaine|[Cc]e\s+week-end)|(?:[Ll]a\s+semaine|[Ll]e\s+week-end)(?:\s+(?P<r>dernière|dernier|passée|passé|prochaine|prochain))?",
    )
    .on(T_FR_TMX),
    fr_ref: compile(r"<FR_REF>").on(T_FR_TMX),
    fr_set: compile(r"<FR_SET>|(?i:chaque)\s+(?P<wd><WD_FR>)").on(T_FR_TMX | T_FR_WD),
    fr_quarter: compile(
        r"(?:[Ll]e\s+)?(?P<q><FR_ORD>)\s+trimestre(?:\s+(?:de\s+|d['’])?(?:l['’]année\s+)?(?P<y><D>{4}))?",
    )
    .on(T_FR_TMX),
    fr_clock: compile(r"(?P<h><D>{1,2})\s?h\s?(?P<mi><D>{2})?").on(T_DIGIT),
    fr_century: compile(
        r"(?:[Ll]e\s+)?(?P<n><D>{1,2}|[IVX]{1,5})(?:e|ème|ᵉ)\s+(?i:siècle)",
    )
    .on(T_FR_TMX),
    ar_daypart: compile(
        r"(?:(?P<p><AR_DAYPART>)\s+)?(?:يوم\s+)?(?:(?P<rel>أمس|اليوم|الغد)(?:\s+(?P<wd2><AR_WD>))?|(?P<wd><AR_WD>))",
    )
    .edge(Edge::Arabic),
    ar_ref: compile(r"<AR_REF>").edge(Edge::Arabic),
    ar_set: compile(r"<AR_SET>").edge(Edge::Arabic),
    ar_dur: compile(r"(?:(?P<n><D>{1,4})\s+(?P<u><AR_UNIT>)|(?P<dual><AR_DUAL>))").edge(Edge::Arabic),
    ar_week: compile(r"(?P<this>هذا\s+)?الأسبوع(?:\s+(?P<r>الماضي|المقبل|القادم|الحالي|الجاري))?")
        .edge(Edge::Arabic),
    ar_year: compile(r"(?P<y><D>{4})\s?م").edge(Edge::Arabic),
}
});

/// The patterns, for the tests that check every windowed pattern.
#[cfg(test)]
pub(super) fn windowed_pats() -> Vec<&'static Pat> {
    let p = &*PATS;
    vec![
        &p.en_dur,
        &p.en_quarter,
        &p.en_the_quarter,
        &p.en_half,
        &p.en_week,
        &p.en_ref,
        &p.en_set,
        &p.en_set_word,
        &p.en_clock,
        &p.en_daypart,
        &p.en_century,
        &p.en_decade_words,
        &p.fr_dur,
        &p.fr_week,
        &p.fr_ref,
        &p.fr_set,
        &p.fr_quarter,
        &p.fr_clock,
        &p.fr_century,
    ]
}

fn dunit(code: &str) -> Option<DUnit> {
    Some(match code {
        "S" => DUnit::Second,
        "MIN" => DUnit::Minute,
        "H" => DUnit::Hour,
        "D" => DUnit::Day,
        "W" => DUnit::Week,
        "M" => DUnit::Month,
        "Q" => DUnit::Quarter,
        "Y" => DUnit::Year,
        "E" => DUnit::Decade,
        "C" => DUnit::Century,
        _ => return None,
    })
}

fn ref_kind(code: &str) -> Option<RefKind> {
    Some(match code {
        "PRESENT" => RefKind::Present,
        "PAST" => RefKind::Past,
        "FUTURE" => RefKind::Future,
        _ => return None,
    })
}

fn amount_mod(code: &str) -> Option<TimexMod> {
    Some(match code {
        "APPROX" => TimexMod::Approx,
        "MORE_THAN" => TimexMod::MoreThan,
        "LESS_THAN" => TimexMod::LessThan,
        "EQUAL_OR_MORE" => TimexMod::EqualOrMore,
        "EQUAL_OR_LESS" => TimexMod::EqualOrLess,
        _ => return None,
    })
}

fn daytime(code: &str) -> Option<DayTime> {
    Some(match code {
        "MO" => DayTime::Morning,
        "AF" => DayTime::Afternoon,
        "EV" => DayTime::Evening,
        "NI" => DayTime::Night,
        "DT" => DayTime::Daytime,
        "12:00" => DayTime::Noon,
        "24:00" => DayTime::Clock(24, Some(0)),
        _ => return None,
    })
}

/// A set's value from a lexicon entry ("P1D", "PT1H").
fn set_of(code: &str) -> Option<SetKind> {
    let (t, rest) = match code.strip_prefix("PT") {
        Some(r) => (true, r),
        None => (false, code.strip_prefix('P')?),
    };
    let unit = rest.chars().last()?;
    let n: u32 = rest[..rest.len() - 1].parse().ok()?;
    let u = match (t, unit) {
        (true, 'H') => DUnit::Hour,
        (true, 'M') => DUnit::Minute,
        (false, 'D') => DUnit::Day,
        (false, 'W') => DUnit::Week,
        (false, 'M') => DUnit::Month,
        (false, 'Y') => DUnit::Year,
        _ => return None,
    };
    Some(SetKind::Every(n, u))
}

/// The amount of a duration: digits or a number word (`None`: "several", "a few").
/// The outer `None`: not a number.
fn amount(lex: &Lexicon, s: &str) -> Option<Option<u32>> {
    if let Some(n) = parse_num(s) {
        return Some(Some(n));
    }
    match lex.get("num", s)? {
        "X" => Some(None),
        v => Some(Some(v.parse().ok()?)),
    }
}

fn is_plural_unit(u: &str) -> bool {
    u.ends_with('s') || u == "centuries" || u == "mois" || u.ends_with('x')
}

fn span(c: &Captures<'_>) -> Option<(usize, usize)> {
    let m = c.get(0)?;
    Some((m.start(), m.end()))
}

pub(super) fn collect_en(text: &str, tr: &Triggers, out: &mut Vec<Cand>) {
    let p = &*PATS;
    let lex = &*lexicon::EN;
    super::scan(&p.en_dur, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let u = c.name("u")?.as_str();
        let unit = dunit(lex.get("unit", u)?)?;
        // "a 45-year-old man": an age
        if text.get(e..).is_some_and(|r| r.starts_with("-old")) {
            return None;
        }
        let the = c.name("the").is_some();
        let rel = c.name("rel").map(|r| r.as_str().to_ascii_lowercase());
        let n = match c.name("n") {
            Some(g) => amount(lex, g.as_str())?,
            None => {
                let plural = is_plural_unit(&u.to_ascii_lowercase());
                match &rel {
                    // "the past year", "past decade"
                    Some(_) if !plural => Some(1),
                    Some(_) => None,
                    None if plural => None,
                    // "the year", "day": no amount
                    None => return None,
                }
            }
        };
        // "a quarter of", "the quarter": a fraction or a date
        if unit == DUnit::Quarter
            && (super::next_word(text, e).eq_ignore_ascii_case("of")
                || c.name("n")
                    .is_some_and(|g| g.as_str().eq_ignore_ascii_case("a")))
        {
            return None;
        }
        // "the next day", "the same day": a date named from another one
        if let Some(r) = &rel {
            let from_other = matches!(r.as_str(), "next" | "following" | "previous" | "same");
            if c.name("n").is_none() && from_other {
                return None;
            }
        }
        // "last/next year" without "the" and without a number is a date
        if let Some(r) = &rel {
            let dated = matches!(r.as_str(), "last" | "next" | "first" | "same" | "coming");
            if !the && c.name("n").is_none() && dated {
                return None;
            }
            if !the && !matches!(r.as_str(), "past" | "last" | "next" | "first" | "coming") {
                return None;
            }
        }
        // "a day" alone, "one year": an amount; "a" before a singular unit in a
        // date-like phrase ("a year earlier") is taken by the offsets (longer match)
        let md = c
            .name("dmod")
            .and_then(|g| lex.get("dmod", g.as_str()))
            .and_then(amount_mod);
        Some(cand(s, e, Sem::Dur { n, unit }, 1)?.with_mod(md))
    });
    super::scan(&p.en_quarter, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let q: u32 = lex.get("ord", c.name("q")?.as_str())?.parse().ok()?;
        let y = if let Some(g) = c.name("y").or(c.name("fy")).or(c.name("y2")) {
            YearSpec::Abs(valid_year(parse_num(g.as_str())?)?)
        } else if let Some(r) = c.name("r").or(c.name("r2")) {
            YearSpec::Rel(super::rel_k(r.as_str()))
        } else {
            YearSpec::Unknown
        };
        cand(s, e, Sem::Quarter { y, q }, 3)
    });
    super::scan(&p.en_the_quarter, text, tr, out, |c| {
        let (s, e) = span(c)?;
        if c.name("ye").is_some() {
            return cand(s, e, Sem::YearBefore, 1);
        }
        let the = c.name("the").is_some();
        let period = c.name("u")?.as_str().eq_ignore_ascii_case("period");
        let w = c.name("w").map(|w| w.as_str().to_ascii_lowercase());
        // "the quarter of": a fraction
        if super::next_word(text, e).eq_ignore_ascii_case("of") {
            return None;
        }
        let sem = match w.as_deref() {
            None if the && !period => Sem::TheQuarter,
            None => return None,
            Some(w) if w.starts_with("year") || w == "corresponding" || w == "comparable" => {
                Sem::YearBefore
            }
            Some(_) if period => return None,
            Some("this" | "current") => Sem::RelQuarter(0),
            Some("next" | "coming") => Sem::RelQuarter(1),
            Some("last") if !the => Sem::RelQuarter(-1),
            Some("same") => return None,
            Some(_) => Sem::TheQuarter,
        };
        cand(s, e, sem, 2)
    });
    super::scan(&p.en_half, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let h = match c.name("h")?.as_str().to_ascii_lowercase().as_str() {
            "first" => 1,
            _ => 2,
        };
        let y = if let Some(g) = c.name("y") {
            YearSpec::Abs(valid_year(parse_num(g.as_str())?)?)
        } else if let Some(r) = c.name("r") {
            YearSpec::Rel(super::rel_k(r.as_str()))
        } else {
            YearSpec::Unknown
        };
        cand(s, e, Sem::Half { y, h }, 3)
    });
    super::scan(&p.en_week, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let weekend = c.name("u")?.as_str().eq_ignore_ascii_case("weekend");
        let r = c.name("r")?.as_str().to_ascii_lowercase();
        let r = r.split_whitespace().next_back().unwrap_or("");
        let k = match r {
            "this" => Some(0),
            "last" | "previous" => Some(-1),
            "next" | "coming" | "following" => Some(1),
            _ => None,
        };
        let sem = match (weekend, k) {
            (true, k) => Sem::Weekend(k),
            (false, Some(k)) => Sem::Week(k),
            // "the week": no value
            (false, None) => return None,
        };
        cand(s, e, sem, 2)
    });
    super::scan(&p.en_ref, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let k = ref_kind(lex.get("ref", c.get(0)?.as_str())?)?;
        cand(s, e, Sem::Ref(k), 1)
    });
    super::scan(&p.en_set, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let n = match c.name("n") {
            Some(g) => amount(lex, g.as_str())??,
            None => 1,
        };
        let set = if let Some(u) = c.name("u") {
            SetKind::Every(n, dunit(lex.get("unit", u.as_str())?)?)
        } else if let Some(w) = c.name("wd") {
            SetKind::Weekday(en_weekday(w.as_str())?)
        } else {
            SetKind::Month(en_month(c.name("m")?.as_str())?)
        };
        cand(s, e, Sem::Set(set), 2)
    });
    super::scan(&p.en_set_word, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let set = set_of(lex.get("set", c.get(0)?.as_str())?)?;
        cand(s, e, Sem::Set(set), 1)
    });
    super::scan(&p.en_clock, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let mut h = num(c, "h")?;
        let mi = num(c, "mi");
        if mi.is_some_and(|m| m > 59) {
            return None;
        }
        if let Some(ap) = c.name("ap") {
            if !(1..=12).contains(&h) {
                return None;
            }
            let pm = ap.as_str().to_ascii_lowercase().starts_with('p');
            h = match (pm, h) {
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, 12) => 0,
                (false, h) => h,
            };
        } else if h > 23 || mi.is_none() {
            return None;
        }
        let dt = DayTime::Clock(h, Some(mi.unwrap_or(0)));
        let sem = match c.name("wd") {
            Some(w) => Sem::Weekday {
                wd: en_weekday(w.as_str())?,
                dir: Dir::Auto,
            },
            None => Sem::RelDay(0),
        };
        Some(cand(s, e, sem, 2)?.with_dt(Some(dt)))
    });
    super::scan(&p.en_daypart, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let dt = daytime(lex.get("daypart", c.name("p")?.as_str())?)?;
        let sem = match c.name("wd") {
            Some(w) => Sem::Weekday {
                wd: en_weekday(w.as_str())?,
                dir: Dir::Auto,
            },
            None => Sem::RelDay(0),
        };
        Some(cand(s, e, sem, 1)?.with_dt(Some(dt)))
    });
    super::scan(&p.en_century, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let n = num(c, "n")?;
        if !(1..=30).contains(&n) {
            return None;
        }
        let y0 = (n as i32 - 1) * 100;
        let md = c.name("e").and_then(|g| super::mod_of(g.as_str()));
        Some(cand(s, e, Sem::Century(y0), 2)?.with_mod(md))
    });
    super::scan(&p.en_decade_words, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let yy = num(c, "yy")? as i32;
        cand(s, e, Sem::Decade { y: 1900 + yy }, 2)
    });
}

pub(super) fn collect_fr(text: &str, tr: &Triggers, out: &mut Vec<Cand>) {
    let p = &*PATS;
    let lex = &*lexicon::FR;
    super::scan(&p.fr_dur, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let unit = dunit(lex.get("unit", c.name("u")?.as_str())?)?;
        let n = amount(lex, c.name("n")?.as_str())?;
        let md = c
            .name("dmod")
            .and_then(|g| lex.get("dmod", g.as_str()))
            .and_then(amount_mod);
        Some(cand(s, e, Sem::Dur { n, unit }, 1)?.with_mod(md))
    });
    super::scan(&p.fr_week, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let l = c.get(0)?.as_str().to_lowercase();
        let weekend = l.contains("week-end");
        let k = if c.name("c").is_some() {
            Some(0)
        } else {
            c.name("r").map(|r| super::rel_k(r.as_str()))
        };
        let sem = match (weekend, k) {
            (true, k) => Sem::Weekend(k),
            (false, Some(k)) => Sem::Week(k),
            (false, None) => return None,
        };
        cand(s, e, sem, 2)
    });
    super::scan(&p.fr_ref, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let k = ref_kind(lex.get("ref", c.get(0)?.as_str())?)?;
        cand(s, e, Sem::Ref(k), 1)
    });
    super::scan(&p.fr_set, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let set = match c.name("wd") {
            Some(w) => SetKind::Weekday(fr_weekday(w.as_str())?),
            None => set_of(lex.get("set", c.get(0)?.as_str())?)?,
        };
        cand(s, e, Sem::Set(set), 2)
    });
    super::scan(&p.fr_quarter, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let q: u32 = lex.get("ord", c.name("q")?.as_str())?.parse().ok()?;
        let y = match c.name("y") {
            Some(g) => YearSpec::Abs(valid_year(parse_num(g.as_str())?)?),
            None => YearSpec::Unknown,
        };
        cand(s, e, Sem::Quarter { y, q }, 3)
    });
    super::scan(&p.fr_clock, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let h = num(c, "h")?;
        let mi = num(c, "mi");
        if h > 23 || mi.is_some_and(|m| m > 59) {
            return None;
        }
        // "à 15h", "vers 8 h 30": a preposition of time before, or minutes given
        let pw = super::prev_word(text, s).to_lowercase();
        if mi.is_none()
            && !matches!(
                pw.as_str(),
                "à" | "vers" | "dès" | "depuis" | "avant" | "après"
            )
        {
            return None;
        }
        let dt = DayTime::Clock(h, Some(mi.unwrap_or(0)));
        Some(cand(s, e, Sem::RelDay(0), 1)?.with_dt(Some(dt)))
    });
    super::scan(&p.fr_century, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let g = c.name("n")?.as_str();
        let n = parse_num(g).or_else(|| roman(g))?;
        if !(1..=30).contains(&n) {
            return None;
        }
        cand(s, e, Sem::Century((n as i32 - 1) * 100), 2)
    });
}

fn roman(s: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut prev = 0u32;
    for ch in s.chars().rev() {
        let v = match ch {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

pub(super) fn collect_ar(text: &str, tr: &Triggers, out: &mut Vec<Cand>) {
    let p = &*PATS;
    let lex = &*lexicon::AR;
    super::scan(&p.ar_daypart, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let dt = match c.name("p") {
            Some(g) => Some(daytime(lex.get("daypart", g.as_str())?)?),
            None => None,
        };
        let sem = if let Some(r) = c.name("rel") {
            // "أمس الأحد": yesterday, named twice; "اليوم" alone is the relative-day pattern's
            if dt.is_none() && c.name("wd2").is_none() {
                return None;
            }
            let k = match r.as_str() {
                "أمس" => -1,
                "الغد" => 1,
                _ => 0,
            };
            Sem::RelDay(k)
        } else {
            // a bare weekday needs the part of the day ("صباح الجمعة")
            dt?;
            Sem::Weekday {
                wd: ar_weekday(c.name("wd")?.as_str())?,
                dir: Dir::Auto,
            }
        };
        Some(cand(s, e, sem, 2)?.with_dt(dt))
    });
    super::scan(&p.ar_ref, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let k = ref_kind(lex.get("ref", c.get(0)?.as_str())?)?;
        cand(s, e, Sem::Ref(k), 1)
    });
    super::scan(&p.ar_set, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let set = set_of(lex.get("set", c.get(0)?.as_str())?)?;
        cand(s, e, Sem::Set(set), 1)
    });
    super::scan(&p.ar_dur, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let (n, unit) = match c.name("dual") {
            Some(d) => (2, dunit(lex.get("dual", d.as_str())?)?),
            None => (
                num(c, "n")?,
                dunit(lex.get("unit", c.name("u")?.as_str())?)?,
            ),
        };
        cand(s, e, Sem::Dur { n: Some(n), unit }, 1)
    });
    super::scan(&p.ar_week, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let k = match c.name("r").map(|r| r.as_str()) {
            Some("الماضي") => -1,
            Some("المقبل" | "القادم") => 1,
            Some(_) => 0,
            None if c.name("this").is_some() => 0,
            None => return None,
        };
        cand(s, e, Sem::Week(k), 2)
    });
    super::scan(&p.ar_year, text, tr, out, |c| {
        let (s, e) = span(c)?;
        let y = valid_year(num(c, "y")?)?;
        cand(
            s,
            e,
            Sem::Year {
                y: YearSpec::Abs(y),
            },
            2,
        )
    });
}
