//! The TIMEX3 vocabulary: expression types, modifiers, calendar granularities, the
//! [`TimeExpr`] the tagger returns, and TimeML value strings built from a calendar span.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// TimeML `type` of a temporal expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TimexType {
    /// A calendar date or period: a day, month, year, season, week, quarter, decade,
    /// or a reference to the present, past or future.
    #[default]
    Date,
    /// A time of day (clock time or part of day) on a date.
    Time,
    /// An amount of time (`P3D`, `P2Y`, `PT5H`).
    Duration,
    /// A repeated time (`daily`, `every Monday`).
    Set,
}

impl TimexType {
    /// The TimeML name: "DATE", "TIME", "DURATION", "SET".
    pub fn as_str(&self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

/// TimeML `mod` of a temporal expression: which part of the period is meant, or how
/// the amount compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TimexMod {
    /// The beginning of the period ("early 2012", "début 2013").
    Start,
    /// The middle of the period ("mid-June").
    Mid,
    /// The end of the period ("late 2012", "the end of the year").
    End,
    /// Roughly the amount or the date ("about two years", "around 1990").
    Approx,
    /// Less than the amount ("less than two weeks").
    LessThan,
    /// More than the amount ("more than four hours").
    MoreThan,
    /// At most the amount ("no more than sixty days", "up to 180 days").
    EqualOrLess,
    /// At least the amount ("at least 30 days").
    EqualOrMore,
}

impl TimexMod {
    /// The TimeML name ("START", "MID", "END", "APPROX", ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            TimexMod::Start => "START",
            TimexMod::Mid => "MID",
            TimexMod::End => "END",
            TimexMod::Approx => "APPROX",
            TimexMod::LessThan => "LESS_THAN",
            TimexMod::MoreThan => "MORE_THAN",
            TimexMod::EqualOrLess => "EQUAL_OR_LESS",
            TimexMod::EqualOrMore => "EQUAL_OR_MORE",
        }
    }
}

/// Granularity of a calendar value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// A single calendar day (`2012-12-20`).
    Day,
    /// An ISO week (`2013-W11`).
    Week,
    /// The weekend of an ISO week (`2013-W11-WE`).
    Weekend,
    /// A calendar month (`2012-03`).
    Month,
    /// A quarter of a year (`1989-Q3`).
    Quarter,
    /// A season (`2012-SU`), in the year in which it starts.
    Season,
    /// A half of a year (`1989-H2`).
    Half,
    /// A calendar year (`2013`).
    Year,
    /// A decade (`199` for "the 1990s").
    Decade,
    /// A century (`19` for "the 20th century").
    Century,
}

impl Granularity {
    /// Lower-case name: "day", "week", "weekend", "month", "quarter", "season", "half",
    /// "year", "decade", "century".
    pub fn as_str(&self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Weekend => "weekend",
            Granularity::Month => "month",
            Granularity::Quarter => "quarter",
            Granularity::Season => "season",
            Granularity::Half => "half",
            Granularity::Year => "year",
            Granularity::Decade => "decade",
            Granularity::Century => "century",
        }
    }

    /// The granularity named by [`Granularity::as_str`].
    pub fn parse(s: &str) -> Option<Granularity> {
        Some(match s {
            "day" => Granularity::Day,
            "week" => Granularity::Week,
            "weekend" => Granularity::Weekend,
            "month" => Granularity::Month,
            "quarter" => Granularity::Quarter,
            "season" => Granularity::Season,
            "half" => Granularity::Half,
            "year" => Granularity::Year,
            "decade" => Granularity::Decade,
            "century" => Granularity::Century,
            _ => return None,
        })
    }

    /// How many leading characters of the first day's ISO date (`YYYY-MM-DD`) name the
    /// period as a plain calendar value (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`); `None` for the
    /// periods that have no such value (weeks, quarters, halves, centuries).
    pub fn calendar_prefix(&self) -> Option<usize> {
        match self {
            Granularity::Day => Some(10),
            Granularity::Month => Some(7),
            Granularity::Season | Granularity::Year | Granularity::Decade => Some(4),
            _ => None,
        }
    }
}

/// A part of the day (TimeML `TMO`, `TAF`, `TEV`, `TNI`, `TDT`) or a clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayTime {
    /// Morning.
    Morning,
    /// Midday, noon.
    Noon,
    /// Afternoon.
    Afternoon,
    /// Evening.
    Evening,
    /// Night.
    Night,
    /// Daytime.
    Daytime,
    /// A clock time: hour (0–23) and minute, the minute left out of the value when `None`.
    Clock(u32, Option<u32>),
}

impl DayTime {
    /// The part of a TimeML value after `T`: "MO", "AF", "15:00", "06".
    pub fn suffix(&self) -> String {
        match self {
            DayTime::Morning => "MO".into(),
            DayTime::Noon => "12:00".into(),
            DayTime::Afternoon => "AF".into(),
            DayTime::Evening => "EV".into(),
            DayTime::Night => "NI".into(),
            DayTime::Daytime => "DT".into(),
            DayTime::Clock(h, Some(m)) => format!("{h:02}:{m:02}"),
            DayTime::Clock(h, None) => format!("{h:02}"),
        }
    }
}

/// A temporal expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeExpr {
    /// UTF-8 byte offset of the first byte of the expression in the input text.
    pub start: usize,
    /// UTF-8 byte offset one past the last byte of the expression.
    pub end: usize,
    /// The surface text, `text[start..end]`.
    pub text: String,
    /// The TimeML type.
    pub kind: TimexType,
    /// The TimeML value: "2012-12-20", "2012-03", "2013", "2013-W11", "1989-Q3",
    /// "2012-SU", "199", "19", "2012-12-20TAF", "P3D", "PXY", "PRESENT_REF", "XXXX-WXX-1"…
    pub value: String,
    /// The TimeML modifier, when the text gives one.
    pub modifier: Option<TimexMod>,
    /// The calendar days the expression covers, for a DATE or TIME anchored in the
    /// calendar; `None` for durations, sets and references to the present, past or future.
    pub span: Option<DaySpan>,
    /// True when the value depended on the anchor (publication date).
    pub relative: bool,
    /// True when the expression names an earlier event ("the 25 October coup") rather
    /// than dating its sentence.
    pub names_event: bool,
}

impl TimeExpr {
    /// The plain calendar value (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) of an expression that
    /// names a day, month, season, year or decade (a time of day counts as its day).
    pub fn calendar_value(&self) -> Option<String> {
        let span = self.span?;
        let n = span.granularity.calendar_prefix()?;
        let iso = span.first.format("%Y-%m-%d").to_string();
        iso.get(..n).map(str::to_string)
    }
}

/// The calendar days a DATE or TIME covers, and the granularity it names them at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySpan {
    /// Granularity of the value.
    pub granularity: Granularity,
    /// First day covered.
    pub first: NaiveDate,
    /// Last day covered.
    pub last: NaiveDate,
}

/// The TimeML value of a calendar period starting on `d`.
pub(super) fn calendar_value(g: Granularity, d: NaiveDate) -> String {
    match g {
        Granularity::Day => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        Granularity::Week => {
            let w = d.iso_week();
            format!("{:04}-W{:02}", w.year(), w.week())
        }
        Granularity::Weekend => {
            let w = d.iso_week();
            format!("{:04}-W{:02}-WE", w.year(), w.week())
        }
        Granularity::Month => format!("{:04}-{:02}", d.year(), d.month()),
        Granularity::Quarter => format!("{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
        Granularity::Half => format!("{:04}-H{}", d.year(), (d.month() - 1) / 6 + 1),
        Granularity::Season => {
            let s = match d.month() {
                3..=5 => "SP",
                6..=8 => "SU",
                9..=11 => "FA",
                _ => "WI",
            };
            format!("{:04}-{s}", d.year())
        }
        Granularity::Year => format!("{:04}", d.year()),
        Granularity::Decade => format!("{:03}", d.year().div_euclid(10)),
        Granularity::Century => format!("{:02}", d.year().div_euclid(100)),
    }
}

/// ISO weekday number (Monday 1 … Sunday 7), as TimeML writes it in `XXXX-WXX-1`.
pub(super) fn iso_weekday(wd: Weekday) -> u32 {
    wd.number_from_monday()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_periods() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("valid date");
        assert_eq!(
            calendar_value(Granularity::Week, d(2013, 3, 14)),
            "2013-W11"
        );
        assert_eq!(calendar_value(Granularity::Week, d(2010, 1, 2)), "2009-W53");
        assert_eq!(
            calendar_value(Granularity::Weekend, d(2013, 3, 16)),
            "2013-W11-WE"
        );
        assert_eq!(
            calendar_value(Granularity::Quarter, d(1989, 8, 1)),
            "1989-Q3"
        );
        assert_eq!(calendar_value(Granularity::Half, d(1989, 7, 1)), "1989-H2");
        assert_eq!(
            calendar_value(Granularity::Season, d(2012, 6, 1)),
            "2012-SU"
        );
        assert_eq!(
            calendar_value(Granularity::Season, d(2012, 12, 1)),
            "2012-WI"
        );
        assert_eq!(calendar_value(Granularity::Decade, d(1990, 1, 1)), "199");
        assert_eq!(calendar_value(Granularity::Century, d(1900, 1, 1)), "19");
        assert_eq!(DayTime::Clock(15, Some(0)).suffix(), "15:00");
        assert_eq!(DayTime::Afternoon.suffix(), "AF");
        assert_eq!(Granularity::parse("quarter"), Some(Granularity::Quarter));
        assert_eq!(Granularity::Week.calendar_prefix(), None);
        assert_eq!(Granularity::Season.calendar_prefix(), Some(4));
    }
}
