//! French candidate collector.

use super::*;

pub(super) fn rel_k(r: &str) -> i32 {
    let l = r.to_lowercase();
    if l.starts_with("last") || l.starts_with("dern") || l.starts_with("pass") {
        -1
    } else if l.starts_with("next") || l.starts_with("proch") {
        1
    } else {
        0
    }
}

pub(super) fn collect_fr(text: &str, p: &Pats, tr: &Triggers, out: &mut Vec<Cand>) {
    scan(&p.fr_dmy, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
        let d = num(c, "d")?;
        let y = num(c, "y");
        if y.is_none() && !day_tail_ok(text, m.end()) {
            return None;
        }
        // "sept" is also the number seven: "7 sept" needs a year or a dot
        if c.name("m")?.as_str().eq_ignore_ascii_case("sept") && y.is_none() {
            return None;
        }
        let wd = c.name("wd").and_then(|w| fr_weekday(w.as_str()));
        let sem = day_sem(y, mo, d, wd)?;
        cand(m.start(), m.end(), sem, 3)
    });
    scan(&p.fr_my, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
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
    scan(&p.fr_m_rel, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
        let sem = if let Some(r) = c.name("r") {
            Sem::MonthStrict {
                m: mo,
                past: rel_k(r.as_str()) < 0,
            }
        } else if let Some(r2) = c.name("r2") {
            Sem::Month {
                y: YearSpec::Rel(rel_k(r2.as_str())),
                m: mo,
            }
        } else {
            Sem::Month {
                y: YearSpec::Rel(0),
                m: mo,
            }
        };
        cand(m.start(), m.end(), sem, 2)
    });
    scan(&p.fr_bare_m, text, tr, out, |c| {
        let m = c.get(0)?;
        let mo = fr_month(c.name("m")?.as_str())?;
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
    scan(&p.fr_rel_year, text, tr, out, |c| {
        let m = c.get(0)?;
        let k = rel_k(c.name("r")?.as_str());
        cand(
            m.start(),
            m.end(),
            Sem::Year {
                y: YearSpec::Rel(k),
            },
            1,
        )
    });
    scan(&p.fr_this_year, text, tr, out, |c| {
        let m = c.get(0)?;
        if !bounded(text, m.start(), m.end())
            || text.get(m.end()..).is_some_and(|r| r.starts_with("-là"))
        {
            return None;
        }
        cand(
            m.start(),
            m.end(),
            Sem::Year {
                y: YearSpec::Rel(0),
            },
            1,
        )
    });
    scan(&p.fr_rel_month, text, tr, out, |c| {
        let m = c.get(0)?;
        if !bounded(text, m.start(), m.end())
            || text.get(m.end()..).is_some_and(|r| r.starts_with("-là"))
        {
            return None;
        }
        let k = c.name("r").map_or(0, |r| rel_k(r.as_str()));
        cand(m.start(), m.end(), Sem::RelMonth(k), 1)
    });
    scan(&p.fr_relday, text, tr, out, |c| {
        let m = c.get(0)?;
        let l = m.as_str().to_lowercase();
        let k = if l.starts_with("avant-hier") {
            -2
        } else if l.starts_with("après-demain") {
            2
        } else if l.starts_with("hier") {
            -1
        } else if l.starts_with("demain") {
            // "le Mali de demain": the future, not a calendar day
            let pw = prev_word(text, m.start()).to_lowercase();
            if pw == "de" || pw.ends_with("d'") || pw.ends_with("d’") {
                return None;
            }
            if prev_char(text, m.start()).is_some_and(|c| c == '\'' || c == '’') {
                return None;
            }
            1
        } else {
            0
        };
        let dt = part_of_day(&l);
        Some(cand(m.start(), m.end(), Sem::RelDay(k), 1)?.with_dt(dt))
    });
    scan(&p.fr_season, text, tr, out, |c| {
        let m = c.get(0)?;
        let s = season_of(c.name("s")?.as_str())?;
        let ys = if c.name("y").is_some() {
            YearSpec::Abs(valid_year(num(c, "y")?)?)
        } else if let Some(r) = c.name("r") {
            YearSpec::Rel(rel_k(r.as_str()))
        } else if c.name("c").is_some() {
            YearSpec::Rel(0)
        } else {
            return None;
        };
        cand(m.start(), m.end(), Sem::Season { y: ys, s }, 2)
    });
    scan(&p.fr_wd, text, tr, out, |c| {
        let m = c.get(0)?;
        let wd = fr_weekday(c.name("wd")?.as_str())?;
        let dir = match c.name("r") {
            Some(r) if rel_k(r.as_str()) < 0 => Dir::Past,
            Some(_) => Dir::Future,
            None => Dir::Auto,
        };
        let dt = c.name("pod").and_then(|g| part_of_day(g.as_str()));
        Some(cand(m.start(), m.end(), Sem::Weekday { wd, dir }, 1)?.with_dt(dt))
    });
    scan(&p.fr_ago, text, tr, out, |c| {
        let m = c.get(0)?;
        let n = word_num(c.name("n")?.as_str())?;
        let unit = unit_of(c.name("u")?.as_str())?;
        cand(m.start(), m.end(), Sem::Ago { n, unit }, 1)
    });
    scan(&p.fr_offset, text, tr, out, |c| {
        let m = c.get(0)?;
        let nw = next_word(text, m.end()).to_lowercase();
        let event_follows = matches!(nw.as_str(), "de" | "du" | "des" | "d");
        let (n, unit, follows) = if c.name("l").is_some() {
            if event_follows {
                return None;
            }
            let k = if m.as_str().to_lowercase().contains("surlendemain") {
                2
            } else {
                1
            };
            (k, Unit::Day, false)
        } else if c.name("v").is_some() {
            if event_follows {
                return None;
            }
            (-1, Unit::Day, false)
        } else if c.name("av").is_some() {
            if event_follows {
                return None;
            }
            (-2, Unit::Day, false)
        } else {
            let pw = trim_punct(prev_word(text, m.start()));
            if eq_any(
                pw,
                &[
                    "dans", "pendant", "sous", "en", "ici", "depuis", "moins", "plus",
                ],
            ) {
                return None;
            }
            let n = word_num(c.name("n")?.as_str())?;
            let unit = unit_of(c.name("u")?.as_str())?;
            let dir = c.name("dir")?.as_str().to_lowercase();
            let sign =
                if dir.starts_with("avant") || dir.contains("tôt") || dir.starts_with("aupar") {
                    -1
                } else {
                    1
                };
            let follows = (dir == "après" || dir == "avant") && !followed_by_punct(text, m.end());
            (sign * n, unit, follows)
        };
        cand(m.start(), m.end(), Sem::Offset { n, unit, follows }, 1)
    });
    scan(&p.fr_decade, text, tr, out, |c| {
        let m = c.get(0)?;
        let raw = num(c, "y")?;
        let y = if raw < 100 {
            if raw >= 30 {
                1900 + raw
            } else {
                2000 + raw
            }
        } else {
            raw
        };
        let y = valid_year(y)?;
        cand(c.name("a")?.start(), m.end(), Sem::Decade { y }, 2)
    });
}
