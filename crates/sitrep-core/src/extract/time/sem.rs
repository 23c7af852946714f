//! Internal candidate types: what a matched expression means (`Sem`) before resolution, and the candidate (`Cand`) that carries it.

use super::*;

#[derive(Clone, Copy)]
pub(super) struct Langs {
    pub(super) en: bool,
    pub(super) fr: bool,
    pub(super) ar: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dir {
    Past,
    Future,
    Auto,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum YearSpec {
    Abs(i32),
    Rel(i32),
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// The unit of a duration or of a set's period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

/// The present, the past or the future in general (TimeML `PRESENT_REF`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RefKind {
    Present,
    Past,
    Future,
}

/// A repeated time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SetKind {
    /// Every `n` units (`P1D`, `P2W`).
    Every(u32, DUnit),
    /// Every given weekday (`XXXX-WXX-1`).
    Weekday(Weekday),
    /// Every given month (`XXXX-07`).
    Month(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sem {
    Day {
        y: YearSpec,
        m: u32,
        d: u32,
        wd: Option<Weekday>,
    },
    Month {
        y: YearSpec,
        m: u32,
    },
    /// "last March" (past = true) / "next March": strictly before/after the anchor month.
    MonthStrict {
        m: u32,
        past: bool,
    },
    Year {
        y: YearSpec,
    },
    Season {
        y: YearSpec,
        s: Season,
    },
    Decade {
        y: i32,
    },
    RelDay(i64),
    RelMonth(i32),
    Weekday {
        wd: Weekday,
        dir: Dir,
    },
    Ago {
        n: i64,
        unit: Unit,
    },
    /// Offset from another date. `follows`: the reference is the expression right after.
    Offset {
        n: i64,
        unit: Unit,
        follows: bool,
    },
    /// A quarter of a year ("the third quarter of 1989").
    Quarter {
        y: YearSpec,
        q: u32,
    },
    /// The quarter `k` quarters from the anchor's ("this quarter", "last quarter").
    RelQuarter(i32),
    /// "the quarter", "the latest quarter": the quarter the text last named, else the
    /// last one ended before the anchor.
    TheQuarter,
    /// "year-earlier", "the year-ago quarter": the period the text last named, a year back.
    YearBefore,
    /// A half of a year.
    Half {
        y: YearSpec,
        h: u32,
    },
    /// The ISO week `k` weeks from the anchor's ("this week", "last week").
    Week(i32),
    /// The weekend `k` weeks from the anchor's week; `None`: the nearest by tense.
    Weekend(Option<i32>),
    /// A century, by its first year (1900 for "the 20th century").
    Century(i32),
    /// The present, past or future in general.
    Ref(RefKind),
    /// An amount of time; `n` is `None` when the text gives no number ("years").
    Dur {
        n: Option<u32>,
        unit: DUnit,
    },
    /// A repeated time.
    Set(SetKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cand {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) sem: Sem,
    pub(super) prio: u8,
    /// The TimeML modifier the text gives ("early", "the end of", "about").
    pub(super) md: Option<TimexMod>,
    /// A part of the day or a clock time on the date.
    pub(super) dt: Option<DayTime>,
}

pub(super) fn cand(start: usize, end: usize, sem: Sem, prio: u8) -> Option<Cand> {
    if start < end {
        Some(Cand {
            start,
            end,
            sem,
            prio,
            md: None,
            dt: None,
        })
    } else {
        None
    }
}

impl Cand {
    pub(super) fn with_mod(mut self, md: Option<TimexMod>) -> Cand {
        self.md = md;
        self
    }
    pub(super) fn with_dt(mut self, dt: Option<DayTime>) -> Cand {
        self.dt = dt;
        self
    }
}

/// The TimeML modifier named by a modifier phrase ("early", "the end of", "mi-", "fin").
pub(super) fn mod_of(s: &str) -> Option<TimexMod> {
    let l = s.trim().to_lowercase();
    let has = |w: &str| l.contains(w);
    if has("early") || has("beginning") || has("start") || has("début") || has("first half") {
        Some(TimexMod::Start)
    } else if has("late") && !has("later") || has("end") || has("fin") || has("second half") {
        Some(TimexMod::End)
    } else if l.starts_with("mi") || has("middle") {
        Some(TimexMod::Mid)
    } else {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tense {
    Past,
    Future,
    Unknown,
}
