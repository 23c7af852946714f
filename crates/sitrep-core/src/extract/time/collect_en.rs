//! English candidate collector.

use super::*;

pub(super) const MAY_PREV: &[&str] = &[
    "in",
    "on",
    "since",
    "until",
    "till",
    "by",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "of",
    "from",
    "through",
    "during",
    "before",
    "after",
    "between",
    "and",
    "or",
    "to",
    "end",
    "beginning",
    "start",
    "middle",
    "throughout",
];

pub(super) fn collect_en(text: &str, p: &Pats, tr: &Triggers, out: &mut Vec<Cand>) {
    for re in [&p.en_dmy, &p.en_mdy] {
        scan(re, text, tr, out, |c| {
            let m = c.get(0)?;
            let mo = en_month(c.name("m")?.as_str())?;
            let d = num(c, "d")?;
            let y = num(c, "y");
            if y.is_none() && !day_tail_ok(text, m.end()) {
                return None;
            }
            let wd = c.name("wd").and_then(|w| en_weekday(w.as_str()));
            let sem = day_sem(y, mo, d, wd)?;
            cand(m.start(), m.end(), sem, 3)
        });
    }
    scan(&p.en_my, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = en_month(c.name("m")?.as_str())?;
        let y = valid_year(num(c, "y")?)?;
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Abs(y),
                m: mo,
            },
            2,
        )
    });
    scan(&p.en_m_relyear, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = en_month(c.name("m")?.as_str())?;
        let k = rel_k(c.name("r")?.as_str());
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Rel(k),
                m: mo,
            },
            2,
        )
    });
    scan(&p.en_rel_m, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = en_month(c.name("m")?.as_str())?;
        let r = c.name("r")?.as_str().to_ascii_lowercase();
        let sem = match r.as_str() {
            "last" => Sem::MonthStrict { m: mo, past: true },
            "next" => Sem::MonthStrict { m: mo, past: false },
            _ => Sem::Month {
                y: YearSpec::Rel(0),
                m: mo,
            },
        };
        cand(m.start(), m.end(), sem, 2)
    });
    scan(&p.en_bare_m, text, tr, out, |c| {
        let m = c.get(0)?;
        let mg = c.name("m")?;
        let mo = en_month(mg.as_str())?;
        let has_mod = c.name("mod").is_some();
        let pw = trim_punct(prev_word(text, m.start()));
        let temporal_prev = has_mod || eq_any(pw, MAY_PREV);
        if mo == 5 && !temporal_prev {
            return None;
        }
        if !temporal_prev {
            // "June Smith", "April Ryan": a capitalised word right after suggests a name
            let nw = next_word(text, m.end());
            let after_ws = text
                .get(m.end()..)
                .is_some_and(|r| r.starts_with(char::is_whitespace));
            if after_ws && nw.chars().next().is_some_and(|c| c.is_uppercase()) {
                return None;
            }
            if mo == 3 && eq_any(nw, &["on", "to", "against", "through", "toward", "towards"]) {
                return None;
            }
        }
        cand(
            m.start(),
            m.end(),
            Sem::Month {
                y: YearSpec::Unknown,
                m: mo,
            },
            1,
        )
    });
    scan(&p.en_rel_ym, text, tr, out, |c| {
        let m = c.get(0)?;
        if c.name("mod").is_none() {
            let pw = trim_punct(prev_word(text, m.start()));
            if eq_any(pw, &["the", "a", "past", "over"]) {
                return None;
            }
        }
        let k = rel_k(c.name("r")?.as_str());
        let u = c.name("u")?.as_str().to_ascii_lowercase();
        let sem = if u == "year" {
            Sem::Year {
                y: YearSpec::Rel(k),
            }
        } else {
            Sem::RelMonth(k)
        };
        cand(m.start(), m.end(), sem, 1)
    });
    scan(&p.en_relday, text, tr, out, |c| {
        let m = c.get(0)?;
        let l = m.as_str().to_ascii_lowercase();
        let k = if l.contains("before yesterday") {
            -2
        } else if l.contains("after tomorrow") {
            2
        } else if l.starts_with("yesterday") || l.starts_with("last") {
            -1
        } else if l.starts_with("tomorrow") {
            1
        } else {
            0
        };
        let dt = part_of_day(&l);
        Some(cand(m.start(), m.end(), Sem::RelDay(k), 1)?.with_dt(dt))
    });
    scan(&p.en_season, text, tr, out, |c| {
        let m = c.get(0)?;
        let s = season_of(c.name("s")?.as_str())?;
        let ys = if c.name("y").is_some() {
            YearSpec::Abs(valid_year(num(c, "y")?)?)
        } else if let Some(r) = c.name("r") {
            let r = r.as_str().to_ascii_lowercase();
            YearSpec::Rel(if r.ends_with("past") {
                -1
            } else if r.ends_with("coming") {
                1
            } else {
                rel_k(&r)
            })
        } else {
            // a bare season names one after "the" or a preposition ("in summer");
            // "fall" alone is a verb
            let word = c.name("s")?.as_str();
            let before = text[..m.start()].trim_end();
            let prep = before
                .rsplit(|ch: char| !ch.is_alphabetic())
                .next()
                .is_some_and(|w| {
                    matches!(w, "in" | "during" | "since" | "until" | "through" | "by")
                });
            if c.name("the").is_none() && (!prep || word.eq_ignore_ascii_case("fall")) {
                return None;
            }
            YearSpec::Unknown
        };
        // "the fall of the city": an event, not a season
        if c.name("y").is_none() && next_word(text, m.end()).eq_ignore_ascii_case("of") {
            return None;
        }
        // with its year, the season is named without its article ("summer of 2012")
        let start = match (c.name("y"), c.name("the")) {
            (Some(_), Some(_)) => c.name("mod2").or(c.name("s"))?.start(),
            _ => m.start(),
        };
        let cd = cand(start, m.end(), Sem::Season { y: ys, s }, 2)?;
        Some(cd.with_mod(c.name("mod2").and_then(|g| mod_of(g.as_str()))))
    });
    scan(&p.en_wd, text, tr, out, |c| {
        let m = c.get(0)?;
        let wd = en_weekday(c.name("wd")?.as_str())?;
        let dir = match c.name("r").map(|r| r.as_str().to_ascii_lowercase()) {
            Some(ref r) if r == "last" => Dir::Past,
            Some(ref r) if r == "next" => Dir::Future,
            _ => Dir::Auto,
        };
        // "Wednesday's ruling": a day whose event is reported, so a past one
        let possessive = text
            .get(m.end()..)
            .is_some_and(|r| r.starts_with("'s") || r.starts_with("’s"));
        let dir = if dir == Dir::Auto && possessive {
            Dir::Past
        } else {
            dir
        };
        let dt = c
            .name("pod")
            .and_then(|g| part_of_day(&g.as_str().to_lowercase()));
        Some(cand(m.start(), m.end(), Sem::Weekday { wd, dir }, 1)?.with_dt(dt))
    });
    scan(&p.en_ago, text, tr, out, |c| {
        let m = c.get(0)?;
        let n = word_num(c.name("n")?.as_str())?;
        let unit = unit_of(c.name("u")?.as_str())?;
        cand(m.start(), m.end(), Sem::Ago { n, unit }, 1)
    });
    scan(&p.en_offset, text, tr, out, |c| {
        let m = c.get(0)?;
        let (n, unit, follows) = if let Some(f) = c.name("f") {
            let k = if f.as_str().eq_ignore_ascii_case("previous") {
                -1
            } else {
                1
            };
            (k, Unit::Day, false)
        } else if let Some(ab) = c.name("ab") {
            // "the day after" must not introduce an event ("the day after the vote")
            if !next_word(text, m.end()).is_empty() && !followed_by_punct(text, m.end()) {
                return None;
            }
            let k = if ab.as_str().eq_ignore_ascii_case("before") {
                -1
            } else {
                1
            };
            (k, Unit::Day, false)
        } else {
            let pw = trim_punct(prev_word(text, m.start()));
            if eq_any(
                pw,
                &[
                    "within", "for", "in", "than", "up", "about", "only", "least", "some",
                ],
            ) {
                return None;
            }
            let n = word_num(c.name("n")?.as_str())?;
            let unit = unit_of(c.name("u")?.as_str())?;
            let dir = c.name("dir")?.as_str().to_ascii_lowercase();
            let sign = if dir == "before" || dir == "earlier" {
                -1
            } else {
                1
            };
            let follows = (dir == "after" || dir == "before") && !followed_by_punct(text, m.end());
            (sign * n, unit, follows)
        };
        cand(m.start(), m.end(), Sem::Offset { n, unit, follows }, 1)
    });
    scan(&p.en_decade, text, tr, out, |c| {
        let m = c.get(0)?;
        let y = valid_year(num(c, "y")?)?;
        cand(m.start(), m.end(), Sem::Decade { y }, 2)
    });
}

/// The part of the day a lower-cased relative-day phrase names ("yesterday morning",
/// "tonight", "hier soir").
pub(super) fn part_of_day(l: &str) -> Option<DayTime> {
    if l.contains("morning") || l.contains("matin") {
        Some(DayTime::Morning)
    } else if l.contains("afternoon") || l.contains("après-midi") {
        Some(DayTime::Afternoon)
    } else if l.contains("evening") || l.contains("soir") {
        Some(DayTime::Evening)
    } else if l.contains("night") || l.contains("nuit") {
        Some(DayTime::Night)
    } else {
        None
    }
}

pub(super) fn followed_by_punct(text: &str, e: usize) -> bool {
    match text
        .get(e..)
        .and_then(|r| r.trim_start_matches([' ', '\t']).chars().next())
    {
        None => true,
        Some(c) => !c.is_alphanumeric(),
    }
}
