//! Resolution of candidates to calendar ranges: absolute dates, the anchor, discourse references and offsets.

use super::*;

#[derive(Clone, Copy, Debug)]
pub(super) struct Res {
    pub(super) gran: Granularity,
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) relative: bool,
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub(super) fn day_res(d: NaiveDate, relative: bool) -> Res {
    Res {
        gran: Granularity::Day,
        start: d,
        end: d,
        relative,
    }
}

pub(super) fn month_res(y: i32, m: u32, relative: bool) -> Option<Res> {
    let start = ymd(y, m, 1)?;
    let (ny, nm) = if m == 12 {
        (y.checked_add(1)?, 1)
    } else {
        (y, m + 1)
    };
    let end = ymd(ny, nm, 1)?.pred_opt()?;
    Some(Res {
        gran: Granularity::Month,
        start,
        end,
        relative,
    })
}

pub(super) fn year_res(y: i32, relative: bool) -> Option<Res> {
    Some(Res {
        gran: Granularity::Year,
        start: ymd(y, 1, 1)?,
        end: ymd(y, 12, 31)?,
        relative,
    })
}

pub(super) fn season_range(y: i32, s: Season) -> Option<(NaiveDate, NaiveDate)> {
    Some(match s {
        Season::Spring => (ymd(y, 3, 1)?, ymd(y, 5, 31)?),
        Season::Summer => (ymd(y, 6, 1)?, ymd(y, 8, 31)?),
        Season::Autumn => (ymd(y, 9, 1)?, ymd(y, 11, 30)?),
        Season::Winter => (ymd(y, 12, 1)?, ymd(y.checked_add(1)?, 3, 1)?.pred_opt()?),
    })
}

pub(super) fn shift_month(y: i32, m: u32, k: i64) -> Option<(i32, u32)> {
    let idx = (y as i64)
        .checked_mul(12)?
        .checked_add(m as i64 - 1)?
        .checked_add(k)?;
    let ny = idx.div_euclid(12);
    let nm = idx.rem_euclid(12) as u32 + 1;
    Some((i32::try_from(ny).ok()?, nm))
}

pub(super) fn add_days(d: NaiveDate, k: i64) -> Option<NaiveDate> {
    if k >= 0 {
        d.checked_add_days(Days::new(k as u64))
    } else {
        d.checked_sub_days(Days::new(k.unsigned_abs()))
    }
}

/// Beyond this distance from the anchor (days), the occurrence a clause's tense points to
/// gives way to a much nearer one.
pub(super) const HALF_YEAR_DAYS: i64 = 183;
/// How near the other occurrence must then be (days).
pub(super) const TWO_MONTHS_DAYS: i64 = 62;
/// The same two bounds for a month without a year, in months.
const HALF_YEAR_MONTHS: i32 = 6;
const TWO_MONTHS: i32 = 2;

pub(super) fn resolve(
    ctx: &tense::Context<'_>,
    c: &Cand,
    anchor: Option<NaiveDate>,
) -> Option<Res> {
    match c.sem {
        Sem::Day { y, m, d, wd } => match y {
            YearSpec::Abs(y) => Some(day_res(ymd(y, m, d)?, false)),
            YearSpec::Rel(k) => Some(day_res(ymd(anchor?.year().checked_add(k)?, m, d)?, true)),
            YearSpec::Unknown => {
                let a = anchor?;
                if let Some(wd) = wd {
                    let mut best: Option<(i64, NaiveDate)> = None;
                    for dy in -7..=7 {
                        if let Some(dt) = ymd(a.year() + dy, m, d) {
                            if dt.weekday() == wd {
                                let dist = dt.signed_duration_since(a).num_days().abs();
                                if best.is_none_or(|(bd, _)| dist < bd) {
                                    best = Some((dist, dt));
                                }
                            }
                        }
                    }
                    if let Some((_, dt)) = best {
                        return Some(day_res(dt, true));
                    }
                }
                let past = (0..=8)
                    .filter_map(|k| ymd(a.year() - k, m, d))
                    .find(|dt| *dt <= a);
                let fut = (0..=8)
                    .filter_map(|k| ymd(a.year() + k, m, d))
                    .find(|dt| *dt >= a);
                // the clause's tense chooses, unless the occurrence it points to is more
                // than half a year away while the other lies within two months (a deadline
                // a few weeks ahead in a past-tense clause); no tense: the nearest
                let nearest = match (past, fut) {
                    (Some(p), Some(f)) => {
                        if a.signed_duration_since(p) <= f.signed_duration_since(a) {
                            Some(p)
                        } else {
                            Some(f)
                        }
                    }
                    (p, f) => p.or(f),
                };
                let days = |d: Option<NaiveDate>| {
                    d.map_or(i64::MAX, |d| d.signed_duration_since(a).num_days().abs())
                };
                let tensed = |chosen: Option<NaiveDate>, other: Option<NaiveDate>| {
                    if days(chosen) > HALF_YEAR_DAYS && days(other) <= TWO_MONTHS_DAYS {
                        other
                    } else {
                        chosen.or(other)
                    }
                };
                let pick = match ctx.tense(c.start, c.end) {
                    Tense::Past => tensed(past, fut),
                    Tense::Future => tensed(fut, past),
                    Tense::Unknown => nearest,
                };
                Some(day_res(pick?, true))
            }
        },
        Sem::Month { y, m } => match y {
            YearSpec::Abs(y) => month_res(y, m, false),
            YearSpec::Rel(k) => month_res(anchor?.year().checked_add(k)?, m, true),
            YearSpec::Unknown => {
                let a = anchor?;
                let am = a.month();
                let py = if m <= am { a.year() } else { a.year() - 1 };
                let fy = if m >= am { a.year() } else { a.year() + 1 };
                // as for a day, in months
                let dp = (a.year() - py) * 12 + am as i32 - m as i32;
                let df = (fy - a.year()) * 12 + m as i32 - am as i32;
                let y = match ctx.tense(c.start, c.end) {
                    Tense::Past if dp > HALF_YEAR_MONTHS && df <= TWO_MONTHS => fy,
                    Tense::Past => py,
                    Tense::Future if df > HALF_YEAR_MONTHS && dp <= TWO_MONTHS => py,
                    Tense::Future => fy,
                    Tense::Unknown if dp <= df => py,
                    Tense::Unknown => fy,
                };
                month_res(y, m, true)
            }
        },
        Sem::MonthStrict { m, past } => {
            let a = anchor?;
            let y = if past {
                if m < a.month() {
                    a.year()
                } else {
                    a.year() - 1
                }
            } else if m > a.month() {
                a.year()
            } else {
                a.year() + 1
            };
            month_res(y, m, true)
        }
        Sem::Year { y } => match y {
            YearSpec::Abs(y) => year_res(y, false),
            YearSpec::Rel(k) => year_res(anchor?.year().checked_add(k)?, true),
            YearSpec::Unknown => None,
        },
        Sem::Season { y, s } => {
            let (yy, relative) = match y {
                YearSpec::Abs(y) => (y, false),
                YearSpec::Rel(0) => (anchor?.year(), true),
                YearSpec::Rel(k) => {
                    let a = anchor?;
                    let mut found = None;
                    if k < 0 {
                        for yy in (a.year() - 2..=a.year()).rev() {
                            if season_range(yy, s)?.1 < a {
                                found = Some(yy);
                                break;
                            }
                        }
                    } else {
                        for yy in a.year() - 1..=a.year() + 2 {
                            if season_range(yy, s)?.0 > a {
                                found = Some(yy);
                                break;
                            }
                        }
                    }
                    (found?, true)
                }
                YearSpec::Unknown => {
                    // the season under way; else the last one in a past clause, the next
                    // one in a future clause, the nearer one without tense
                    let a = anchor?;
                    let mut past = None;
                    let mut next = None;
                    for yy in a.year() - 2..=a.year() + 1 {
                        let (st, en) = season_range(yy, s)?;
                        if st <= a && a <= en {
                            past = Some(yy);
                            next = Some(yy);
                            break;
                        }
                        if en < a {
                            past = Some(yy);
                        } else if next.is_none() && st > a {
                            next = Some(yy);
                        }
                    }
                    let dist = |yy: Option<i32>| {
                        yy.and_then(|yy| season_range(yy, s))
                            .map_or(i64::MAX, |(st, en)| {
                                a.signed_duration_since(en)
                                    .num_days()
                                    .max(st.signed_duration_since(a).num_days())
                            })
                    };
                    let pick = match ctx.tense(c.start, c.end) {
                        Tense::Past => past.or(next),
                        Tense::Future => next.or(past),
                        Tense::Unknown if dist(past) <= dist(next) => past,
                        Tense::Unknown => next,
                    };
                    (pick?, true)
                }
            };
            let (st, en) = season_range(yy, s)?;
            Some(Res {
                gran: Granularity::Season,
                start: st,
                end: en,
                relative,
            })
        }
        Sem::Decade { y } => Some(Res {
            gran: Granularity::Decade,
            start: ymd(y, 1, 1)?,
            end: ymd(y + 9, 12, 31)?,
            relative: false,
        }),
        Sem::RelDay(k) => Some(day_res(add_days(anchor?, k)?, true)),
        Sem::RelMonth(k) => {
            let a = anchor?;
            let (y, m) = shift_month(a.year(), a.month(), k as i64)?;
            month_res(y, m, true)
        }
        Sem::Weekday { wd, dir } => {
            let a = anchor?;
            let aw = a.weekday().num_days_from_monday() as i64;
            let w = wd.num_days_from_monday() as i64;
            // the publication date's own weekday is that day unless "next"/"last" say
            // otherwise
            if dir == Dir::Auto && w == aw {
                return Some(day_res(a, true));
            }
            let dir = match dir {
                Dir::Auto => match ctx.tense(c.start, c.end) {
                    Tense::Future => Dir::Future,
                    Tense::Past => Dir::Past,
                    // no evidence: the occurrence nearest the anchor
                    Tense::Unknown => {
                        if (w - aw).rem_euclid(7) <= 2 {
                            Dir::Future
                        } else {
                            Dir::Past
                        }
                    }
                },
                d => d,
            };
            let k = if dir == Dir::Future {
                let f = (w - aw).rem_euclid(7);
                if f == 0 {
                    7
                } else {
                    f
                }
            } else {
                let b = (aw - w).rem_euclid(7);
                -(if b == 0 { 7 } else { b })
            };
            Some(day_res(add_days(a, k)?, true))
        }
        Sem::Ago { n, unit } => {
            let a = anchor?;
            match unit {
                Unit::Day => Some(day_res(add_days(a, -n)?, true)),
                Unit::Month => {
                    let (y, m) = shift_month(a.year(), a.month(), -n)?;
                    month_res(y, m, true)
                }
                Unit::Week => week_res(add_days(a, -7 * n)?, true),
                Unit::Year => year_res(a.year().checked_sub(i32::try_from(n).ok()?)?, true),
            }
        }
        Sem::Quarter { y, q } => {
            let a = anchor?;
            let yy = match y {
                YearSpec::Abs(y) => y,
                YearSpec::Rel(k) => a.year().checked_add(k)?,
                YearSpec::Unknown => {
                    // the quarter just ended is still this year's in a future clause
                    // (its results are reported in the next one)
                    let this = quarter_res(a.year(), q, true)?;
                    let ended_long_ago = a.signed_duration_since(this.end).num_days() > 92;
                    match ctx.tense(c.start, c.end) {
                        Tense::Future if ended_long_ago => a.year() + 1,
                        Tense::Future => a.year(),
                        _ if this.start <= a => a.year(),
                        _ => a.year() - 1,
                    }
                }
            };
            quarter_res(yy, q, !matches!(y, YearSpec::Abs(_)))
        }
        Sem::RelQuarter(k) => {
            let a = anchor?;
            let q = (a.month() - 1) / 3 + 1;
            let (y, m) = shift_month(a.year(), (q - 1) * 3 + 1, 3 * k as i64)?;
            quarter_res(y, (m - 1) / 3 + 1, true)
        }
        Sem::Half { y, h } => {
            let yy = match y {
                YearSpec::Abs(y) => y,
                YearSpec::Rel(k) => anchor?.year().checked_add(k)?,
                YearSpec::Unknown => anchor?.year(),
            };
            let start = ymd(yy, if h == 1 { 1 } else { 7 }, 1)?;
            let end = if h == 1 {
                ymd(yy, 6, 30)?
            } else {
                ymd(yy, 12, 31)?
            };
            Some(Res {
                gran: Granularity::Half,
                start,
                end,
                relative: !matches!(y, YearSpec::Abs(_)),
            })
        }
        Sem::Week(k) => week_res(add_days(anchor?, 7 * k as i64)?, true),
        Sem::Weekend(k) => {
            let a = anchor?;
            let k = match k {
                Some(k) => k,
                None => {
                    let wd = a.weekday();
                    if matches!(wd, Weekday::Sat | Weekday::Sun)
                        || ctx.tense(c.start, c.end) == Tense::Future
                    {
                        0
                    } else {
                        -1
                    }
                }
            };
            let monday = add_days(
                a,
                -(a.weekday().num_days_from_monday() as i64) + 7 * k as i64,
            )?;
            let sat = add_days(monday, 5)?;
            Some(Res {
                gran: Granularity::Weekend,
                start: sat,
                end: add_days(sat, 1)?,
                relative: true,
            })
        }
        Sem::Century(y0) => Some(Res {
            gran: Granularity::Century,
            start: ymd(y0, 1, 1)?,
            end: ymd(y0.checked_add(99)?, 12, 31)?,
            relative: false,
        }),
        Sem::Offset { .. }
        | Sem::TheQuarter
        | Sem::YearBefore
        | Sem::Ref(_)
        | Sem::Dur { .. }
        | Sem::Set(_) => None,
    }
}

pub(super) fn quarter_res(y: i32, q: u32, relative: bool) -> Option<Res> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let start = ymd(y, (q - 1) * 3 + 1, 1)?;
    let end = month_res(y, q * 3, relative)?.end;
    Some(Res {
        gran: Granularity::Quarter,
        start,
        end,
        relative,
    })
}

/// The ISO week holding `d`.
pub(super) fn week_res(d: NaiveDate, relative: bool) -> Option<Res> {
    let monday = add_days(d, -(d.weekday().num_days_from_monday() as i64))?;
    Some(Res {
        gran: Granularity::Week,
        start: monday,
        end: add_days(monday, 6)?,
        relative,
    })
}

/// The same period `years` years away.
pub(super) fn shift_years(r: Res, years: i32) -> Option<Res> {
    let y = r.start.year().checked_add(years)?;
    match r.gran {
        Granularity::Day => Some(day_res(
            ymd(y, r.start.month(), r.start.day()).or_else(|| ymd(y, r.start.month(), 28))?,
            r.relative,
        )),
        Granularity::Month => month_res(y, r.start.month(), r.relative),
        Granularity::Quarter => quarter_res(y, (r.start.month() - 1) / 3 + 1, r.relative),
        Granularity::Week => week_res(
            NaiveDate::from_isoywd_opt(y, r.start.iso_week().week(), Weekday::Mon)?,
            r.relative,
        ),
        _ => year_res(y, r.relative),
    }
}

/// The latest expression resolved before `i`, from the sentence before the one holding
/// it or later, that `fits`.
pub(super) fn reference_before(
    ctx: &tense::Context<'_>,
    kept: &[Cand],
    resolved: &[Option<Res>],
    i: usize,
    fits: impl Fn(&Res) -> bool,
) -> Option<Res> {
    let me = kept.get(i)?;
    let from = ctx.previous_sentence_start(me.start);
    for j in (0..i).rev() {
        let k = kept.get(j)?;
        if k.start < from {
            break;
        }
        if let Some(r) = resolved.get(j).copied().flatten() {
            if fits(&r) {
                return Some(r);
            }
        }
    }
    None
}

/// Resolves an expression that leans on another one of the text ([`leans_on_discourse`]).
pub(super) fn resolve_discourse(
    ctx: &tense::Context<'_>,
    kept: &[Cand],
    resolved: &[Option<Res>],
    i: usize,
    anchor: Option<NaiveDate>,
) -> Option<Res> {
    let me = kept.get(i)?;
    match me.sem {
        Sem::Offset { n, unit, follows } => {
            resolve_offset(ctx, kept, resolved, i, n, unit, follows).or_else(|| {
                // no date to count from: count from the publication date
                if follows {
                    return None;
                }
                let a = day_res(anchor?, true);
                offset_from(a, n, unit)
            })
        }
        Sem::TheQuarter => {
            let r = reference_before(ctx, kept, resolved, i, |r| r.gran == Granularity::Quarter);
            match r {
                Some(r) => Some(r),
                None => {
                    let a = anchor?;
                    let q = (a.month() - 1) / 3 + 1;
                    let (y, m) = shift_month(a.year(), (q - 1) * 3 + 1, -3)?;
                    quarter_res(y, (m - 1) / 3 + 1, true)
                }
            }
        }
        Sem::YearBefore => {
            let r = reference_before(ctx, kept, resolved, i, |r| {
                matches!(
                    r.gran,
                    Granularity::Quarter | Granularity::Month | Granularity::Half
                )
            });
            match r {
                Some(r) => shift_years(r, -1),
                None => year_res(anchor?.year() - 1, true),
            }
        }
        Sem::Ago {
            n,
            unit: Unit::Year,
        } => {
            // "a year ago" after a quarter names that quarter a year back
            let n = i32::try_from(n).ok()?;
            let r = reference_before(ctx, kept, resolved, i, |r| r.gran == Granularity::Quarter);
            match r {
                Some(r) => shift_years(r, -n),
                None => year_res(anchor?.year().checked_sub(n)?, true),
            }
        }
        _ => None,
    }
}

pub(super) fn resolve_offset(
    ctx: &tense::Context<'_>,
    kept: &[Cand],
    resolved: &[Option<Res>],
    i: usize,
    n: i64,
    unit: Unit,
    follows: bool,
) -> Option<Res> {
    let me = kept.get(i)?;
    let reference: Option<Res> = if follows {
        // "ten days after December 20": the next expression, right after
        let next = kept.get(i + 1)?;
        let between = ctx.text.get(me.end..next.start)?;
        if !between.trim().is_empty() {
            return None;
        }
        let r = (*resolved.get(i + 1)?)?;
        Some(r)
    } else {
        reference_before(ctx, kept, resolved, i, |r| match unit {
            Unit::Day | Unit::Week => r.gran == Granularity::Day,
            Unit::Month => matches!(r.gran, Granularity::Day | Granularity::Month),
            Unit::Year => !matches!(r.gran, Granularity::Decade | Granularity::Century),
        })
    };
    offset_from(reference?, n, unit)
}

/// The date `n` units from `r`.
pub(super) fn offset_from(r: Res, n: i64, unit: Unit) -> Option<Res> {
    match unit {
        Unit::Day | Unit::Week => {
            if r.gran != Granularity::Day {
                return None;
            }
            let k = if unit == Unit::Week {
                n.checked_mul(7)?
            } else {
                n
            };
            Some(day_res(add_days(r.start, k)?, r.relative))
        }
        Unit::Month => {
            let (y, m) = shift_month(r.start.year(), r.start.month(), n)?;
            month_res(y, m, r.relative)
        }
        Unit::Year => {
            if r.gran == Granularity::Quarter {
                return shift_years(r, i32::try_from(n).ok()?);
            }
            year_res(
                r.start.year().checked_add(i32::try_from(n).ok()?)?,
                r.relative,
            )
        }
    }
}
