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

crate::params!(
    /// The parameters of the `authors-over-time` analysis.
    Params {
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
        /// whose models count: owners (namespaces), contributors (commit authors) or both
        basis: crate::analysis::groups::AuthorBasis = crate::analysis::groups::AuthorBasis::Contributors,
        /// more author names to treat as bots
        bots: Vec<String> = Vec::new(),
    }
);

/// The `authors-over-time` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct AuthorsOverTimeAnalysis;

impl crate::analysis::registry::Compute for AuthorsOverTimeAnalysis {
    const NAME: &'static str = "authors-over-time";
    const TITLE: &'static str = "Authors over time";
    const DESCRIPTION: &'static str = "Total, new and active authors per period (paper figure 1).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{series, time_axis};
        use crate::analysis::notes::{
            basis_text, bots, flagged_note, graph_note, join_notes, partial_note,
        };
        use crate::analysis::{self, Output};

        use crate::render::{Axis, Figure, Layer, LegendEntry, Panel};

        let sc = p.scope();
        let r =
            analysis::authors_over_time::authors_over_time(g, &sc, p.unit, p.basis, &bots(&p.bots));
        let tl = analysis::Timeline {
            unit: p.unit,
            starts: r.rows.iter().map(|x| x.start).collect(),
        };
        let unit = p.unit.noun();
        let mut total = Panel::new(time_axis(&tl, ""), Axis::new("authors").from_zero())
            .titled("Total authors (running count)");
        total.layers.push(Layer::Line {
            color: series(0),
            points: r
                .rows
                .iter()
                .enumerate()
                .map(|(i, x)| (i as f64 + 0.5, x.total as f64))
                .collect(),
            width: 3,
            dashed: false,
            markers: true,
        });
        let mut new = Panel::new(
            time_axis(&tl, &format!("creation date ({unit})")),
            Axis::new(format!("authors per {unit}")).from_zero(),
        )
        .titled(format!("New and active authors per {unit}"));
        new.layers.push(Layer::Bars {
            color: series(1),
            bars: r
                .rows
                .iter()
                .enumerate()
                .map(|(i, x)| (i as f64 + 0.1, i as f64 + 0.9, 0.0, x.new as f64))
                .collect(),
        });
        new.layers.push(Layer::Line {
            color: series(2),
            points: r
                .rows
                .iter()
                .enumerate()
                .map(|(i, x)| (i as f64 + 0.5, x.active as f64))
                .collect(),
            width: 2,
            dashed: true,
            markers: false,
        });
        let mut fig = Figure::new("Authors over time");
        fig.subtitle = Some(format!(
            "Authors: {}, bots left out; an author counts from their first model",
            basis_text(p.basis)
        ));
        fig.height = 1000;
        fig.panels = vec![total, new];
        fig.legend = vec![
            LegendEntry::line("total authors", series(0), false),
            LegendEntry::boxed(format!("new authors per {unit}"), series(1)),
            LegendEntry::line(format!("active authors per {unit}"), series(2), true),
        ];
        fig.note = Some(join_notes(
            [graph_note(g), flagged_note(p.include_flagged).to_string()]
                .into_iter()
                .chain(partial_note(
                    g,
                    p.unit,
                    r.rows.last().map(|x| x.start),
                    sc.to,
                )),
        ));
        let last = r.rows.last().map_or(0, |x| x.total);
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Authors over time".into(),
        description: format!("Total and new authors by {unit} (paper figure 1): an author is new in the {unit} of their first model; active authors made a model that {unit}."),
        table: r.table(),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!("{last} authors with dated models; {} more without any", r.undated_authors)],
    })
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
