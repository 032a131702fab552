//! Total and new authors over time (paper figure 1): an author appears in the period of
//! the first model they own or committed to; the total is the running count.

use rustc_hash::FxHashMap;

use crate::graph::LineageGraph;
use crate::model::Day;

use super::groups::{AuthorBasis, Bots};
use super::{Cell, Scope, Table, Timeline, Unit};

/// New, total and active authors of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorsRow {
    /// The period's label.
    pub period: String,
    /// The period's first day.
    pub start: Day,
    /// Authors whose first model falls in this period.
    pub new: usize,
    /// Authors whose first model falls in or before this period.
    pub total: usize,
    /// Distinct authors with a model created in this period.
    pub active: usize,
}

/// Authors per period: when each author's first model appeared, and who was active.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorsOverTime {
    /// The length of a period.
    pub unit: Unit,
    /// One row per period, oldest first.
    pub rows: Vec<AuthorsRow>,
    /// Authors with no dated model, not on the timeline.
    pub undated_authors: usize,
}

/// Counts authors per period. The date range limits the periods shown, not who is new:
/// an author first seen before `scope.from` is counted in the total, never as new.
///
/// Linear in models plus contributor entries.
pub fn authors_over_time(
    g: &LineageGraph,
    scope: &Scope,
    unit: Unit,
    basis: AuthorBasis,
    bots: &Bots,
) -> AuthorsOverTime {
    let mask = bots.mask(g);
    let everything = Scope {
        from: None,
        to: None,
        ..*scope
    };
    let mut first: FxHashMap<u32, Day> = FxHashMap::default();
    let mut seen: FxHashMap<u32, ()> = FxHashMap::default();
    let mut active: FxHashMap<(Day, u32), ()> = FxHashMap::default();
    let mut authors = Vec::new();
    for v in everything.models(g) {
        basis.authors_of(g, v, &mask, &mut authors);
        let created = g.models[v as usize].created;
        for &a in &authors {
            seen.insert(a, ());
            if let Some(d) = created {
                first.entry(a).and_modify(|f| *f = (*f).min(d)).or_insert(d);
                active.insert((unit.start_of(d), a), ());
            }
        }
    }
    let timeline = Timeline::spanning(
        unit,
        everything.dated(g).map(|(_, d)| d),
        scope.from,
        scope.to,
    );
    let mut new = vec![0usize; timeline.len()];
    let mut before = 0usize;
    for &d in first.values() {
        match timeline.index_of(d) {
            Some(i) => new[i] += 1,
            None if timeline.starts.first().is_some_and(|s| d < *s) => before += 1,
            None => {}
        }
    }
    let mut act = vec![0usize; timeline.len()];
    for &(p, _) in active.keys() {
        if let Ok(i) = timeline.starts.binary_search(&p) {
            act[i] += 1;
        }
    }
    let mut total = before;
    let rows = (0..timeline.len())
        .map(|i| {
            total += new[i];
            AuthorsRow {
                period: timeline.label(i),
                start: timeline.starts[i],
                new: new[i],
                total,
                active: act[i],
            }
        })
        .collect();
    AuthorsOverTime {
        unit,
        rows,
        undated_authors: seen.len() - first.len(),
    }
}

impl AuthorsOverTime {
    /// The figure's data as a table, one row per period.
    pub fn table(&self) -> Table {
        let mut t = Table::new(["period", "new_authors", "total_authors", "active_authors"]);
        for r in &self.rows {
            t.push(vec![
                Cell::text(&r.period),
                Cell::int(r.new),
                Cell::int(r.total),
                Cell::int(r.active),
            ]);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn new_and_total_authors_by_month() {
        let details = "0,a/m1,a,2024-01-05 00:00:00+00:00,,1,,[],,,\n\
                       1,a/m2,a,2024-03-05 00:00:00+00:00,,1,,[],,,\n\
                       2,b/m3,b,2024-03-09 00:00:00+00:00,,1,,[],,,\n\
                       3,c/m4,c,,,1,,[],,,\n";
        let commits = "0,a/m1,2,1,x,y,\"['a', 'carol', 'SFconvertbot']\"\n";
        let g = build(details, "", commits);
        let r = authors_over_time(
            &g,
            &Scope::default(),
            Unit::Month,
            AuthorBasis::Both,
            &Bots::default(),
        );
        let got: Vec<(&str, usize, usize, usize)> = r
            .rows
            .iter()
            .map(|r| (r.period.as_str(), r.new, r.total, r.active))
            .collect();
        // a and carol in January, nobody in February, b in March (a active again).
        assert_eq!(
            got,
            [
                ("2024-01", 2, 2, 2),
                ("2024-02", 0, 2, 0),
                ("2024-03", 1, 3, 2)
            ]
        );
        assert_eq!(r.undated_authors, 1); // c
        let from_feb = Scope {
            from: Day::parse("2024-02-01"),
            ..Scope::default()
        };
        let r = authors_over_time(
            &g,
            &from_feb,
            Unit::Month,
            AuthorBasis::Owners,
            &Bots::default(),
        );
        assert_eq!(r.rows[0].total, 1); // a, first seen before the range
        assert_eq!(r.rows[1].new, 1);
    }
}
