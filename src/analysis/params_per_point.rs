//! Parameters per point of average score of the best model each period (paper figure
//! 10): how many billions of parameters one point of leaderboard average costs at the top.

use crate::graph::LineageGraph;

use super::{Cell, Scope, Table, Timeline, Unit};

/// The best model of one period and the leader up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct BestOfPeriod {
    /// The period's label.
    pub period: String,
    /// Best-scoring model of known size created in the period.
    pub best: Option<(u32, f64, f64)>,
    /// Best-scoring model of known size created in or before the period.
    pub leader: Option<(u32, f64, f64)>,
}

impl BestOfPeriod {
    /// Billions of parameters per point of average, of the period's best.
    pub fn ratio(&self) -> Option<f64> {
        self.best.map(|(_, p, a)| p / a)
    }

    /// Billions of parameters per point of average, of the leader up to the period.
    pub fn leader_ratio(&self) -> Option<f64> {
        self.leader.map(|(_, p, a)| p / a)
    }
}

/// `(model, params_b, average)` of the better of two, ties to the smaller model.
fn better(a: Option<(u32, f64, f64)>, b: (u32, f64, f64)) -> Option<(u32, f64, f64)> {
    match a {
        Some(x) if x.2 > b.2 || (x.2 == b.2 && x.1 <= b.1) => Some(x),
        _ => Some(b),
    }
}

/// Linear in models.
pub fn params_per_point(
    g: &LineageGraph,
    scope: &Scope,
    unit: Unit,
) -> (Timeline, Vec<BestOfPeriod>) {
    let everything = Scope {
        from: None,
        to: None,
        ..*scope
    };
    let board = scope.board(g);
    let candidates: Vec<(u32, crate::model::Day, f64, f64)> = everything
        .dated(g)
        .filter_map(|(v, d)| {
            let m = &g.models[v as usize];
            match (m.params_b, m.average(board)) {
                (Some(p), Some(a)) if a > 0.0 => Some((v, d, p as f64, a as f64)),
                _ => None,
            }
        })
        .collect();
    let timeline = Timeline::spanning(unit, candidates.iter().map(|c| c.1), scope.from, scope.to);
    let mut best = vec![None; timeline.len()];
    let mut before = None;
    for &(v, d, p, a) in &candidates {
        match timeline.index_of(d) {
            Some(i) => best[i] = better(best[i], (v, p, a)),
            None if timeline.starts.first().is_some_and(|f| d < *f) => {
                before = better(before, (v, p, a))
            }
            None => {}
        }
    }
    let mut leader = before;
    let rows = best
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            if let Some(b) = b {
                leader = better(leader, b);
            }
            BestOfPeriod {
                period: timeline.label(i),
                best: b,
                leader,
            }
        })
        .collect();
    (timeline, rows)
}

/// The periods as a table, one row per period.
pub fn table(g: &LineageGraph, rows: &[BestOfPeriod]) -> Table {
    let mut t = Table::new([
        "period",
        "best_model",
        "params_b",
        "average",
        "params_b_per_point",
        "leader_model",
        "leader_params_b",
        "leader_average",
        "leader_params_b_per_point",
    ]);
    for r in rows {
        let cells = |x: Option<(u32, f64, f64)>, ratio: Option<f64>| {
            vec![
                x.map_or(Cell::Empty, |(v, _, _)| Cell::text(g.name(v))),
                Cell::opt_float(x.map(|x| x.1)),
                Cell::opt_float(x.map(|x| x.2)),
                Cell::opt_float(ratio),
            ]
        };
        let mut row = vec![Cell::text(&r.period)];
        row.extend(cells(r.best, r.ratio()));
        row.extend(cells(r.leader, r.leader_ratio()));
        t.push(row);
    }
    t
}

crate::params!(
    /// The parameters of the `params-per-point` analysis.
    Params {
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
    }
);

/// The `params-per-point` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ParamsPerPointAnalysis;

impl crate::analysis::registry::Compute for ParamsPerPointAnalysis {
    const NAME: &'static str = "params-per-point";
    const TITLE: &'static str = "Parameters per point of score";
    const DESCRIPTION: &'static str = "Billions of parameters per point of leaderboard average for the best model of each period and so far (paper figure 10).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{series, time_axis};
        use crate::analysis::notes::{board_note, flagged_note, graph_note};
        use crate::analysis::{self, Output};

        use crate::render::{Axis, Figure, Layer, LegendEntry, Panel};

        let sc = p.scope();
        let (tl, rows) = analysis::params_per_point::params_per_point(g, &sc, p.unit);
        let unit = p.unit.noun();
        let mut panel = Panel::new(
            time_axis(&tl, &format!("creation date ({unit})")),
            Axis::new("billions of parameters per point (log scale)").log(),
        );
        panel.layers.push(Layer::Line {
            color: series(3),
            points: rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.leader_ratio().map(|v| (i as f64 + 0.5, v)))
                .collect(),
            width: 3,
            dashed: true,
            markers: false,
        });
        // The month's best on top, broken where a month has no scored model of known size.
        for run in crate::analysis::charts::runs(rows.iter().map(|r| r.ratio())) {
            panel.layers.push(Layer::Line {
                color: series(0),
                points: run,
                width: 2,
                dashed: false,
                markers: true,
            });
        }
        let mut fig = Figure::new("Parameters per point of average score");
        fig.subtitle = Some(format!(
            "Size of the best-scoring model divided by its leaderboard average, each {unit}"
        ));
        fig.panels.push(panel);
        fig.legend = vec![
            LegendEntry::line(format!("best model of the {unit}"), series(0), false),
            LegendEntry::line("best model so far", series(3), true),
        ];
        fig.note = Some(format!(
            "{}; {}; only models with a known size and score",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        board_note(&mut fig, g, p.board);
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Parameters per point of score".into(),
        description: format!("Billions of parameters per point of leaderboard average for the best model of each {unit}, and for the best model so far (paper figure 10): lower means the top gets cheaper."),
        table: analysis::params_per_point::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes: Vec::new(),
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn best_of_each_month_and_the_leader() {
        let details = "0,a/big,a,2024-01-05 00:00:00+00:00,,1,,[],,,\n\
                       1,a/small,a,2024-01-06 00:00:00+00:00,,1,,[],,,\n\
                       2,a/late,a,2024-02-07 00:00:00+00:00,,1,,[],,,\n";
        let lb = [
            lb_row(
                "a/big",
                "🟢 pretrained",
                70.0,
                "LlamaForCausalLM",
                "mit",
                70.0,
                false,
            ),
            lb_row(
                "a/small",
                "🟢 pretrained",
                60.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/late",
                "🟢 pretrained",
                65.0,
                "LlamaForCausalLM",
                "mit",
                6.5,
                false,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let (_, rows) = params_per_point(&g, &Scope::default(), Unit::Month);
        assert_eq!(g.name(rows[0].best.unwrap().0), "a/big");
        assert!((rows[0].ratio().unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(g.name(rows[1].best.unwrap().0), "a/late");
        assert_eq!(g.name(rows[1].leader.unwrap().0), "a/big");
        assert!((rows[1].ratio().unwrap() - 0.1).abs() < 1e-9);
    }
}
