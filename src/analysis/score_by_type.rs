//! Average and best benchmark score per model type over time, with cumulative counts
//! (paper figure 7). Only models with a leaderboard average count.

use crate::graph::LineageGraph;
use crate::model::ModelType;

use super::{Cell, Scope, Table, Timeline, Unit};

/// Scores over time of the models of one type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeSeries {
    /// The model type.
    pub model_type: ModelType,
    /// Per period: scored models created in it.
    pub new: Vec<usize>,
    /// Per period: scored models created in or before it.
    pub cumulative: Vec<usize>,
    /// Per period: mean average score of the models created in it.
    pub average: Vec<Option<f64>>,
    /// Per period: best average score among the models created in it.
    pub best: Vec<Option<f64>>,
    /// Per period: best average score of any model created in or before it, and that model.
    pub best_so_far: Vec<Option<(f64, u32)>>,
}

/// Leaderboard averages over time by model type.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreByType {
    /// The periods.
    pub timeline: Timeline,
    /// Types with at least one scored model, in [`ModelType::ALL`] order.
    pub series: Vec<TypeSeries>,
}

/// Linear in models. Models created before `scope.from` count towards the cumulative
/// numbers and the best so far, as they were available then.
pub fn score_by_type(g: &LineageGraph, scope: &Scope, unit: Unit) -> ScoreByType {
    let everything = Scope {
        from: None,
        to: None,
        ..*scope
    };
    let board = scope.board(g);
    let scored = || {
        everything.dated(g).filter_map(|(v, d)| {
            g.models[v as usize]
                .average(board)
                .map(|a| (v, d, a as f64))
        })
    };
    let timeline = Timeline::spanning(unit, scored().map(|(_, d, _)| d), scope.from, scope.to);
    let n = timeline.len();
    let first = timeline.starts.first().copied();
    // One pass over the models fills every type's series; types without a scored model
    // are left out.
    let mut all: Vec<TypeSeries> = ModelType::ALL
        .iter()
        .map(|&t| TypeSeries {
            model_type: t,
            new: vec![0; n],
            cumulative: vec![0; n],
            average: vec![None; n],
            best: vec![None; n],
            best_so_far: vec![None; n],
        })
        .collect();
    let mut sums = vec![vec![0.0f64; n]; all.len()];
    let mut before = vec![0usize; all.len()];
    let mut best_before: Vec<Option<(f64, u32)>> = vec![None; all.len()];
    let mut any = vec![false; all.len()];
    for (v, d, a) in scored() {
        let t = g.models[v as usize].model_type as usize;
        let s = &mut all[t];
        any[t] = true;
        match timeline.index_of(d) {
            Some(p) => {
                s.new[p] += 1;
                sums[t][p] += a;
                s.best[p] = Some(s.best[p].map_or(a, |b: f64| b.max(a)));
                let better = match s.best_so_far[p] {
                    Some((b, _)) => a > b,
                    None => true,
                };
                if better {
                    s.best_so_far[p] = Some((a, v));
                }
            }
            None if first.is_some_and(|f| d < f) => {
                before[t] += 1;
                if best_before[t].is_none_or(|(b, _)| a > b) {
                    best_before[t] = Some((a, v));
                }
            }
            None => {}
        }
    }
    let mut series = Vec::new();
    for (t, mut s) in all.into_iter().enumerate() {
        if !any[t] {
            continue;
        }
        let mut run = before[t];
        let mut best = best_before[t];
        #[allow(clippy::needless_range_loop)] // four arrays walk in step
        for p in 0..n {
            run += s.new[p];
            s.cumulative[p] = run;
            if s.new[p] > 0 {
                s.average[p] = Some(sums[t][p] / s.new[p] as f64);
            }
            if let Some((a, v)) = s.best_so_far[p] {
                if best.is_none_or(|(b, _)| a > b) {
                    best = Some((a, v));
                }
            }
            s.best_so_far[p] = best;
        }
        series.push(s);
    }
    ScoreByType { timeline, series }
}

impl ScoreByType {
    /// The series as a table, one row per type and period.
    pub fn table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new([
            "period",
            "type",
            "new_scored",
            "cumulative_scored",
            "average",
            "best",
            "best_so_far",
            "best_model_so_far",
        ]);
        for p in 0..self.timeline.len() {
            for s in &self.series {
                t.push(vec![
                    Cell::text(self.timeline.label(p)),
                    Cell::text(s.model_type.as_str()),
                    Cell::int(s.new[p]),
                    Cell::int(s.cumulative[p]),
                    Cell::opt_float(s.average[p]),
                    Cell::opt_float(s.best[p]),
                    Cell::opt_float(s.best_so_far[p].map(|b| b.0)),
                    s.best_so_far[p].map_or(Cell::Empty, |(_, v)| Cell::text(g.name(v))),
                ]);
            }
        }
        t
    }
}

crate::params!(
    /// The parameters of the `score-by-type` analysis.
    Params {
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
    }
);

/// The `score-by-type` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ScoreByTypeAnalysis;

impl crate::analysis::registry::Compute for ScoreByTypeAnalysis {
    const NAME: &'static str = "score-by-type";
    const TITLE: &'static str = "Average and best score by type over time";
    const DESCRIPTION: &'static str = "Best score so far, mean score of new models and scored models so far, per model type and period (paper figure 7).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{padded_log_axis, time_axis};
        use crate::analysis::notes::{
            board_note, flagged_note, graph_note, join_notes, partial_note,
        };
        use crate::analysis::{self, Output};
        use crate::render::palette::{self};
        use crate::render::{Axis, Figure, Layer, LegendEntry, Panel};

        let sc = p.scope();
        let r = analysis::score_by_type::score_by_type(g, &sc, p.unit);
        let tl = &r.timeline;
        let unit = p.unit.noun();
        let mut best = Panel::new(time_axis(tl, ""), Axis::new("average score (%)"))
            .titled("Best score so far");
        let mut avg = Panel::new(time_axis(tl, ""), Axis::new("average score (%)"))
            .titled(format!("Mean score of the {unit}'s new models"));
        let mut cum = Panel::new(
            time_axis(tl, &format!("creation date ({unit})")),
            padded_log_axis(
                "scored models (log scale)",
                r.series
                    .iter()
                    .flat_map(|s| s.cumulative.iter().map(|&c| c as f64)),
            ),
        )
        .titled("Scored models so far");
        let mut legend = Vec::new();
        for s in &r.series {
            let color = palette::model_type(s.model_type);
            legend.push(LegendEntry::line(s.model_type.as_str(), color, false));
            let pts = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<(f64, f64)> {
                (0..tl.len())
                    .filter_map(|i| f(i).map(|v| (i as f64 + 0.5, v)))
                    .collect()
            };
            best.layers.push(Layer::Line {
                color,
                points: pts(&|i| s.best_so_far[i].map(|b| b.0)),
                width: 3,
                dashed: false,
                markers: false,
            });
            for run in crate::analysis::charts::runs(s.average.iter().copied()) {
                avg.layers.push(Layer::Line {
                    color,
                    points: run,
                    width: 2,
                    dashed: false,
                    markers: true,
                });
            }
            cum.layers.push(Layer::Line {
                color,
                points: pts(&|i| (s.cumulative[i] > 0).then_some(s.cumulative[i] as f64)),
                width: 3,
                dashed: false,
                markers: false,
            });
        }
        let mut fig = Figure::new(format!("Leaderboard scores by model type, per {unit}"));
        fig.height = 1300;
        fig.panels = vec![best, avg, cum];
        fig.legend = legend;
        fig.note = Some(join_notes(
            [
                graph_note(g),
                flagged_note(p.include_flagged).to_string(),
                "only models with a leaderboard average".to_string(),
            ]
            .into_iter()
            .chain(partial_note(
                g,
                p.unit,
                r.timeline.starts.last().copied(),
                sc.to,
            )),
        ));
        board_note(&mut fig, g, p.board);
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Average and best score by type over time".into(),
        description: format!("For each model type: the best leaderboard average so far, the mean average of each {unit}'s new models, and how many scored models exist so far (paper figure 7)."),
        table: r.table(g),
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
    fn best_so_far_carries_forward() {
        let details = "0,a/m1,a,2024-01-05 00:00:00+00:00,,1,,[],,,\n\
                       1,a/m2,a,2024-01-06 00:00:00+00:00,,1,,[],,,\n\
                       2,a/m3,a,2024-03-07 00:00:00+00:00,,1,,[],,,\n";
        let ft = "🔶 fine-tuned on domain-specific datasets";
        let lb = [
            lb_row("a/m1", ft, 50.0, "LlamaForCausalLM", "mit", 7.0, false),
            lb_row("a/m2", ft, 60.0, "LlamaForCausalLM", "mit", 7.0, false),
            lb_row("a/m3", ft, 55.0, "LlamaForCausalLM", "mit", 7.0, false),
        ]
        .concat();
        let g = build(details, &lb, "");
        let r = score_by_type(&g, &Scope::default(), Unit::Month);
        assert_eq!(r.series.len(), 1);
        let s = &r.series[0];
        assert_eq!(s.new, [2, 0, 1]);
        assert_eq!(s.cumulative, [2, 2, 3]);
        assert_eq!(s.average, [Some(55.0), None, Some(55.0)]);
        assert_eq!(s.best, [Some(60.0), None, Some(55.0)]);
        let so_far: Vec<f64> = s.best_so_far.iter().map(|b| b.unwrap().0).collect();
        assert_eq!(so_far, [60.0, 60.0, 60.0]);
        assert_eq!(g.name(s.best_so_far[2].unwrap().1), "a/m2");
    }
}
