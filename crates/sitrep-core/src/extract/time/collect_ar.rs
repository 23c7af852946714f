//! Arabic candidate collector.

use super::*;

pub(super) fn collect_ar(text: &str, p: &Pats, tr: &Triggers, out: &mut Vec<Cand>) {
    scan(&p.ar_date, text, tr, out, |c| {
        let m = c.get(0)?;
        if let Some(dg) = c.name("d") {
            if prev_char(text, dg.start()).is_some_and(|q| q.is_numeric()) {
                return None;
            }
        }
        let mo = ar_month(c.name("m")?.as_str())?;
        if let Some(m2) = c.name("m2") {
            if ar_month(m2.as_str())? != mo {
                return None;
            }
        }
        let sem = match (num(c, "d"), num(c, "y")) {
            (Some(d), y) => day_sem(y, mo, d, None)?,
            (None, Some(y)) => Sem::Month {
                y: YearSpec::Abs(valid_year(y)?),
                m: mo,
            },
            (None, None) => return None,
        };
        let prio = if matches!(sem, Sem::Day { .. }) { 3 } else { 2 };
        cand(m.start(), m.end(), sem, prio)
    });
    scan(&p.ar_relday, text, tr, out, |c| {
        let m = c.get(0)?;
        let s = m.as_str();
        let k = if s.starts_with("اليوم") {
            // "اليوم العالمي", "اليوم التالي": "day", not "today"
            let nw = next_word(text, m.end());
            if nw.starts_with("ال") {
                return None;
            }
            0
        } else if s.starts_with("أول") || s.contains("الأول") {
            -2
        } else if s.starts_with("بعد") {
            2
        } else if s.starts_with("غد") {
            1
        } else {
            -1
        };
        cand(m.start(), m.end(), Sem::RelDay(k), 1)
    });
    scan(&p.ar_wd, text, tr, out, |c| {
        let m = c.get(0)?;
        let wd = ar_weekday(c.name("wd")?.as_str())?;
        let dir = match c.name("r").map(|r| r.as_str()) {
            Some("الماضي") | Some("الفائت") => Dir::Past,
            Some(_) => Dir::Future,
            None if c.name("yawm").is_some() => Dir::Auto,
            None => return None,
        };
        cand(m.start(), m.end(), Sem::Weekday { wd, dir }, 1)
    });
    scan(&p.ar_offset, text, tr, out, |c| {
        let m = c.get(0)?;
        let k = if c.name("k")?.as_str() == "التالي" {
            1
        } else {
            -1
        };
        cand(
            m.start(),
            m.end(),
            Sem::Offset {
                n: k,
                unit: Unit::Day,
                follows: false,
            },
            1,
        )
    });
}
