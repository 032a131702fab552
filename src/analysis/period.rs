//! Aggregation periods (day, week, month) and the contiguous timeline of periods an
//! analysis reports over, so that empty periods show as zeros instead of vanishing.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::model::Day;

/// The aggregation unit of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Calendar days.
    Day,
    /// ISO weeks, starting on Monday.
    Week,
    /// Calendar months.
    #[default]
    Month,
}

impl Unit {
    /// Every unit, shortest first.
    pub const ALL: [Unit; 3] = [Unit::Day, Unit::Week, Unit::Month];

    /// The name spec files use (`day`, `week`, `month`).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
        }
    }

    /// The first day of the period that holds `day`.
    pub fn start_of(self, day: Day) -> Day {
        match self {
            Unit::Day => day,
            Unit::Week => {
                let wd = day.to_date().weekday().num_days_from_monday() as i32;
                Day(day.0 - wd)
            }
            Unit::Month => {
                let d = day.to_date();
                NaiveDate::from_ymd_opt(d.year(), d.month(), 1).map_or(day, Day::from_date)
            }
        }
    }

    /// How many periods run from the one holding `first` to the one holding `last` (0 when
    /// `last` comes first), counted without listing them.
    pub fn periods(self, first: Day, last: Day) -> i64 {
        if last < first {
            return 0;
        }
        let (a, b) = (self.start_of(first), self.start_of(last));
        match self {
            Unit::Day => i64::from(b.0) - i64::from(a.0) + 1,
            Unit::Week => (i64::from(b.0) - i64::from(a.0)) / 7 + 1,
            Unit::Month => {
                let month = |d: Day| {
                    let d = d.to_date();
                    i64::from(d.year()) * 12 + i64::from(d.month0())
                };
                month(b) - month(a) + 1
            }
        }
    }

    /// The first day of the period after the one starting at `start`.
    pub fn next(self, start: Day) -> Day {
        match self {
            Unit::Day => Day(start.0 + 1),
            Unit::Week => Day(start.0 + 7),
            Unit::Month => {
                let d = start.to_date();
                let (y, m) = if d.month() == 12 {
                    (d.year() + 1, 1)
                } else {
                    (d.year(), d.month() + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).map_or(Day(start.0 + 31), Day::from_date)
            }
        }
    }

    /// How a period starting at `start` is written in tables: `2024-01` for months, the
    /// first day for days and weeks.
    pub fn label(self, start: Day) -> String {
        match self {
            Unit::Month => start.to_date().format("%Y-%m").to_string(),
            _ => start.to_string(),
        }
    }

    /// The noun for axis labels ("models per month").
    pub fn noun(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|u| u.as_str() == s)
            .ok_or_else(|| format!("unknown unit '{s}'; expected one of day, week, month"))
    }
}

/// Contiguous periods from the one holding `first` to the one holding `last`.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The length of a period.
    pub unit: Unit,
    /// First day of each period, ascending.
    pub starts: Vec<Day>,
}

impl Timeline {
    /// Periods covering `first..=last` (empty when `last < first`).
    pub fn new(unit: Unit, first: Day, last: Day) -> Timeline {
        let mut starts = Vec::new();
        if last >= first {
            let mut s = unit.start_of(first);
            while s <= last {
                starts.push(s);
                s = unit.next(s);
            }
        }
        Timeline { unit, starts }
    }

    /// The most periods a timeline runs over beyond its data: 27 years of days, 191 of weeks,
    /// 833 of months.
    pub const MAX_PERIODS: i64 = 10_000;

    /// The timeline spanning `days`; `from` and `to`, when given, are its ends instead, so
    /// that the empty periods asked for show as zeros. Ends that would stretch it over more
    /// than [`Timeline::MAX_PERIODS`] periods (`from=0001-01-01&to=9999-12-31` by day: 3.7
    /// million) give way to the data's own first and last day between them, so such a
    /// request loses no model and costs no more than one without ends.
    pub fn spanning(
        unit: Unit,
        days: impl IntoIterator<Item = Day>,
        from: Option<Day>,
        to: Option<Day>,
    ) -> Timeline {
        let (lo, hi) = days
            .into_iter()
            .filter(|d| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t))
            .fold((None::<Day>, None::<Day>), |(lo, hi), d| {
                (
                    Some(lo.map_or(d, |x| x.min(d))),
                    Some(hi.map_or(d, |x| x.max(d))),
                )
            });
        let (mut first, mut last) = (from.or(lo), to.or(hi));
        if let (Some(a), Some(b)) = (first, last) {
            if unit.periods(a, b) > Self::MAX_PERIODS {
                (first, last) = (lo, hi);
            }
        }
        match (first, last) {
            (Some(lo), Some(hi)) => Timeline::new(unit, lo, hi),
            _ => Timeline {
                unit,
                starts: Vec::new(),
            },
        }
    }

    /// How many periods.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are no periods.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The index of the period holding `day`, if it is on the timeline.
    pub fn index_of(&self, day: Day) -> Option<usize> {
        let s = self.unit.start_of(day);
        self.starts.binary_search(&s).ok()
    }

    /// The label of period `i` (`2024-03`, `2024-W12`, `2024-03-22`).
    pub fn label(&self, i: usize) -> String {
        self.unit.label(self.starts[i])
    }

    /// The position of `day` on a chart axis where period `i` spans `[i, i + 1)`.
    pub fn position(&self, day: Day) -> Option<f64> {
        let i = self.index_of(day)?;
        let start = self.starts[i].0;
        let end = self.unit.next(self.starts[i]).0;
        Some(i as f64 + (day.0 - start) as f64 / (end - start).max(1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn periods_start_where_expected() {
        assert_eq!(Unit::Month.start_of(d("2024-02-29")), d("2024-02-01"));
        assert_eq!(Unit::Month.next(d("2023-12-01")), d("2024-01-01"));
        // 2024-01-03 is a Wednesday; its ISO week starts on Monday 2024-01-01.
        assert_eq!(Unit::Week.start_of(d("2024-01-03")), d("2024-01-01"));
        assert_eq!(Unit::Week.start_of(d("2024-01-07")), d("2024-01-01"));
        assert_eq!(Unit::Week.start_of(d("2024-01-08")), d("2024-01-08"));
        assert_eq!(Unit::Month.label(d("2024-03-01")), "2024-03");
        assert_eq!(Unit::Week.label(d("2024-01-01")), "2024-01-01");
    }

    #[test]
    fn timelines_are_contiguous_and_clipped() {
        let t = Timeline::spanning(
            Unit::Month,
            [d("2023-11-15"), d("2024-02-01"), d("2022-01-01")],
            Some(d("2023-01-01")),
            None,
        );
        let labels: Vec<String> = (0..t.len()).map(|i| t.label(i)).collect();
        assert_eq!(labels.len(), 14);
        assert_eq!(labels[0], "2023-01");
        assert_eq!(labels[13], "2024-02");
        let t = Timeline::spanning(Unit::Month, [d("2023-11-15"), d("2024-02-01")], None, None);
        let labels: Vec<String> = (0..t.len()).map(|i| t.label(i)).collect();
        assert_eq!(labels, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(t.index_of(d("2024-01-31")), Some(2));
        assert_eq!(t.index_of(d("2024-03-01")), None);
        let p = t.position(d("2023-12-16")).unwrap();
        assert!((p - (1.0 + 15.0 / 31.0)).abs() < 1e-9);
        assert!(Timeline::new(Unit::Day, d("2024-01-02"), d("2024-01-01")).is_empty());
        // Counting the periods agrees with listing them.
        for unit in Unit::ALL {
            for (a, b) in [("2023-11-15", "2024-02-01"), ("2024-01-01", "2024-01-01")] {
                let (a, b) = (d(a), d(b));
                assert_eq!(unit.periods(a, b), Timeline::new(unit, a, b).len() as i64);
            }
            assert_eq!(unit.periods(d("2024-01-02"), d("2024-01-01")), 0);
        }
    }

    #[test]
    fn ends_too_far_apart_give_way_to_the_data() {
        let data = [d("2024-03-05"), d("2024-03-01"), d("1990-01-01")];
        let (far, end) = (Some(d("0001-01-01")), Some(d("9999-12-31")));
        let t = Timeline::spanning(Unit::Day, data, far, end);
        assert_eq!(t.len(), 12_483, "1990-01-01 to 2024-03-05, every day");
        assert_eq!(t.label(0), "1990-01-01");
        // Only the data between the ends counts.
        let t = Timeline::spanning(Unit::Day, data, Some(d("2000-01-01")), end);
        assert_eq!((t.len(), t.label(0).as_str()), (5, "2024-03-01"));
        let t = Timeline::spanning(Unit::Day, data, Some(d("2025-01-01")), end);
        assert!(t.is_empty());
        // By month, 525 years are few enough periods to keep as asked; 8,500 are not.
        let t = Timeline::spanning(
            Unit::Month,
            data,
            Some(d("1500-01-01")),
            Some(d("2024-12-31")),
        );
        assert_eq!(
            (t.len(), t.label(0).as_str()),
            ((2024 - 1500 + 1) * 12, "1500-01")
        );
        let t = Timeline::spanning(Unit::Month, data, Some(d("1500-01-01")), end);
        assert_eq!((t.len(), t.label(0).as_str()), (34 * 12 + 3, "1990-01"));
        // Ends just inside the bound are kept as given, empty periods included.
        let to = Day(d("2024-01-01").0 + Timeline::MAX_PERIODS as i32 - 1);
        let t = Timeline::spanning(Unit::Day, data, Some(d("2024-01-01")), Some(to));
        assert_eq!(t.len() as i64, Timeline::MAX_PERIODS);
    }
}
