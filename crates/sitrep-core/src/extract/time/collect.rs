//! Candidate collection: year-context stop words, the dispatch over windows and languages, and the numeric-date helpers shared by the collectors.

use super::*;

pub(super) const YEAR_PREV_STOP: &[&str] = &[
    "resolution",
    "resolutions",
    "résolution",
    "résolutions",
    "no",
    "no.",
    "n°",
    "nº",
    "n",
    "n.",
    "number",
    "numéro",
    "num",
    "num.",
    "chapter",
    "chapitre",
    "article",
    "art",
    "art.",
    "page",
    "p",
    "p.",
    "pp",
    "pp.",
    "para",
    "para.",
    "paragraph",
    "law",
    "loi",
    "decree",
    "décret",
    "code",
    "القرار",
    "رقم",
    "about",
    "some",
    "nearly",
    "around",
    "approximately",
    "almost",
    "roughly",
    "over",
    "than",
    "environ",
    "quelque",
    "près",
    "plus",
    "moins",
    "estimated",
    "total",
    "#",
    "flight",
    "vol",
    "route",
    "highway",
    "room",
    "box",
    "bp",
    "b.p.",
    "tel",
    "tél",
    "fax",
];

pub(super) const YEAR_NEXT_STOP: &[&str] = &[
    "troops",
    "soldiers",
    "people",
    "persons",
    "men",
    "women",
    "children",
    "refugees",
    "fighters",
    "militants",
    "rebels",
    "civilians",
    "personnel",
    "staff",
    "police",
    "policemen",
    "officers",
    "peacekeepers",
    "troupes",
    "soldats",
    "personnes",
    "hommes",
    "femmes",
    "enfants",
    "réfugiés",
    "combattants",
    "militaires",
    "civils",
    "km",
    "kilometres",
    "kilometers",
    "kilomètres",
    "miles",
    "metres",
    "meters",
    "mètres",
    "tonnes",
    "tons",
    "dollars",
    "euros",
    "francs",
    "usd",
    "cfa",
    "hectares",
    "dead",
    "deaths",
    "morts",
    "victims",
    "victimes",
    "cases",
    "households",
    "families",
    "familles",
    "votes",
    "voix",
    "gmt",
    "utc",
    "hours",
    "hrs",
    "h",
    "heures",
    "pages",
    "jihadists",
    "djihadistes",
    "islamists",
    "islamistes",
    "members",
    "membres",
    "vehicles",
    "véhicules",
    "schools",
    "écoles",
    "villages",
];

pub(super) fn year_ok(text: &str, ys: usize, ye: usize, has_mod: bool) -> bool {
    // context before the year
    if !has_mod {
        match prev_char(text, ys) {
            Some('/' | '\\' | '#' | '$' | '€' | '£' | '+' | '×' | '°') => return false,
            Some(c) if matches!(c, '-' | '–' | '.' | ',' | ':' | ' ' | '\u{a0}' | '\u{202f}') => {
                let p = ys - c.len_utf8();
                if prev_char(text, p).is_some_and(|q| q.is_numeric()) {
                    return false;
                }
            }
            _ => {}
        }
        if prev_char(text, ys) == Some('(') {
            // "Resolution 2085 (2012)": designation year, not an event date
            let p = prev_word(text, ys - 1);
            if p.chars().last().is_some_and(|c| c.is_numeric()) {
                return false;
            }
        }
        let pw = trim_punct(prev_word(text, ys));
        let pw_raw = prev_word(text, ys);
        if eq_any(pw, YEAR_PREV_STOP) || eq_any(pw_raw, YEAR_PREV_STOP) {
            return false;
        }
    }
    // context after the year
    if let Some(rest) = text.get(ye..) {
        let mut it = rest.chars();
        match (it.next(), it.next()) {
            (Some(',' | '.'), Some(d)) if d.is_numeric() => {
                // thousands separator or decimal; a footnote marker "2012.3" is allowed
                let digits = rest.chars().skip(1).take_while(|c| c.is_numeric()).count();
                if digits >= 3 || rest.starts_with(',') {
                    return false;
                }
            }
            (Some('-' | '–' | '/'), Some(d)) if d.is_numeric() => return false,
            (Some('%'), _) => return false,
            _ => {}
        }
        let nw = next_word(text, ye);
        if !nw.is_empty() && eq_any(nw, YEAR_NEXT_STOP) {
            return false;
        }
    }
    true
}

pub(super) fn collect(text: &str, langs: Langs, out: &mut Vec<Cand>) {
    collect_with(text, langs, &Triggers::find(text), out);
}

pub(super) fn collect_with(text: &str, langs: Langs, tr: &Triggers, out: &mut Vec<Cand>) {
    let p = &*PATS;

    // ISO dates: 2012-12-20
    scan(&p.num_iso, text, tr, out, |c| {
        let m = c.get(0)?;
        let y = valid_year(num(c, "y")?)?;
        let mo = num(c, "m")?;
        let d = num(c, "d")?;
        NaiveDate::from_ymd_opt(y, mo, d)?;
        cand(
            m.start(),
            m.end(),
            Sem::Day {
                y: YearSpec::Abs(y),
                m: mo,
                d,
                wd: None,
            },
            4,
        )
    });
    // 20/12/2012, 14/1/2013, 12/20/2012
    scan(&p.num_dmy, text, tr, out, |c| {
        let m = c.get(0)?;
        let y = valid_year(num(c, "y")?)?;
        let a = num(c, "a")?;
        let b = num(c, "b")?;
        let (d, mo) = if a <= 12 && b > 12 { (b, a) } else { (a, b) };
        NaiveDate::from_ymd_opt(y, mo, d)?;
        cand(
            m.start(),
            m.end(),
            Sem::Day {
                y: YearSpec::Abs(y),
                m: mo,
                d,
                wd: None,
            },
            4,
        )
    });
    // bare years, optionally with a modifier ("the beginning of 2012", "fin 2012")
    scan(&p.year, text, tr, out, |c| {
        let m = c.get(0)?;
        let yg = c.name("y")?;
        let has_mod = c.name("mod").is_some();
        let y = valid_year(num(c, "y")?)?;
        if !year_ok(text, yg.start(), yg.end(), has_mod) {
            return None;
        }
        cand(
            m.start(),
            m.end(),
            Sem::Year {
                y: YearSpec::Abs(y),
            },
            1,
        )
    });

    if langs.en {
        collect_en(text, p, tr, out);
        classes::collect_en(text, tr, out);
    }
    if langs.fr {
        collect_fr(text, p, tr, out);
        classes::collect_fr(text, tr, out);
    }
    // every Arabic pattern needs an Arabic letter (U+0600..U+06FF: lead bytes D8..DB)
    if langs.ar && text.bytes().any(|b| (0xD8..=0xDB).contains(&b)) {
        collect_ar(text, p, tr, out);
        classes::collect_ar(text, tr, out);
    }
}

pub(super) fn num_date_bounds(text: &str, s: usize, e: usize) -> bool {
    if !bounded(text, s, e) {
        return false;
    }
    if let Some(c) = prev_char(text, s) {
        if matches!(c, '/' | '.' | '-' | ',')
            && prev_char(text, s - c.len_utf8()).is_some_and(|q| q.is_numeric())
        {
            return false;
        }
        if c == '/' {
            return false;
        }
    }
    if let Some(c) = next_char(text, e) {
        if c == '/' {
            return false;
        }
        if matches!(c, '.' | '-' | ',' | ':')
            && next_char(text, e + c.len_utf8()).is_some_and(|q| q.is_numeric())
        {
            return false;
        }
    }
    true
}

/// Day-month without a year must not be followed by more digits ("March 3,000").
pub(super) fn day_tail_ok(text: &str, e: usize) -> bool {
    match next_char(text, e) {
        Some(c) if matches!(c, ',' | '.' | ':' | '-' | '/') => {
            !next_char(text, e + c.len_utf8()).is_some_and(|q| q.is_numeric())
        }
        _ => true,
    }
}

pub(super) fn day_sem(y: Option<u32>, m: u32, d: u32, wd: Option<Weekday>) -> Option<Sem> {
    let ys = match y {
        Some(y) => YearSpec::Abs(valid_year(y)?),
        None => YearSpec::Unknown,
    };
    // validate against a leap year when the year is unknown
    let check_y = match ys {
        YearSpec::Abs(y) => y,
        _ => 2000,
    };
    NaiveDate::from_ymd_opt(check_y, m, d)?;
    Some(Sem::Day { y: ys, m, d, wd })
}
