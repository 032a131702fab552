//! Best score per parameter size (paper figures 8 and 9): per size class, the best and
//! mean leaderboard average, and the points behind a size-versus-score scatter.

use crate::graph::LineageGraph;
use crate::model::ModelType;

use super::groups::SizeClasses;
use super::{Cell, Scope, Table};

/// The scores of one size class.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeScore {
    /// The class's label (`<1.5B`, ...).
    pub class: String,
    /// Scored models in the class.
    pub models: usize,
    /// Best average and the model that has it.
    pub best: Option<(f64, u32)>,
    /// Mean average of the class; `None` when it is empty.
    pub mean: Option<f64>,
}

/// Best and mean leaderboard average per size class.
#[derive(Debug, Clone, PartialEq)]
pub struct BestScoreBySize {
    /// One entry per size class, smallest first.
    pub classes: Vec<SizeScore>,
    /// Every scored model of known size: `(params_b, average, type)`.
    pub points: Vec<(f64, f64, ModelType)>,
}

/// Linear in models.
pub fn best_score_by_size(g: &LineageGraph, scope: &Scope, sizes: &SizeClasses) -> BestScoreBySize {
    let mut classes: Vec<SizeScore> = (0..sizes.len())
        .map(|c| SizeScore {
            class: sizes.label(c),
            models: 0,
            best: None,
            mean: None,
        })
        .collect();
    let mut sums = vec![0.0f64; sizes.len()];
    let mut points = Vec::new();
    let board = scope.board(g);
    for v in scope.models(g) {
        let m = &g.models[v as usize];
        let (Some(p), Some(a)) = (m.params_b, m.average(board)) else {
            continue;
        };
        let (p, a) = (p as f64, a as f64);
        points.push((p, a, m.model_type));
        let c = &mut classes[sizes.class_of(p)];
        c.models += 1;
        sums[sizes.class_of(p)] += a;
        if c.best.is_none_or(|(b, _)| a > b) {
            c.best = Some((a, v));
        }
    }
    for (c, s) in classes.iter_mut().zip(sums) {
        if c.models > 0 {
            c.mean = Some(s / c.models as f64);
        }
    }
    BestScoreBySize { classes, points }
}

impl BestScoreBySize {
    /// The classes as a table, one row per class.
    pub fn table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new([
            "size",
            "scored_models",
            "best_average",
            "best_model",
            "best_params_b",
            "mean_average",
        ]);
        for c in &self.classes {
            t.push(vec![
                Cell::text(&c.class),
                Cell::int(c.models),
                Cell::opt_float(c.best.map(|b| b.0)),
                c.best.map_or(Cell::Empty, |(_, v)| Cell::text(g.name(v))),
                Cell::opt_float(
                    c.best
                        .and_then(|(_, v)| g.models[v as usize].params_b.map(f64::from)),
                ),
                Cell::opt_float(c.mean),
            ]);
        }
        t
    }
}

crate::params!(
    /// The parameters of the `best-score-by-size` analysis.
    Params {
        /// size class edges in billions of parameters
        size_edges: Vec<f64> = vec![1.5, 4.0, 8.0, 15.0, 40.0, 80.0],
    }
);

/// The `best-score-by-size` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct BestScoreBySizeAnalysis;

impl crate::analysis::registry::Compute for BestScoreBySizeAnalysis {
    const NAME: &'static str = "best-score-by-size";
    const TITLE: &'static str = "Best score per model size";
    const DESCRIPTION: &'static str = "Leaderboard average against parameter count for every scored model, with the best of each size class (paper figures 8 and 9).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::size_scatter;
        use crate::analysis::notes::{board_note, flagged_note, graph_note, rounded_sizes_note};
        use crate::analysis::{self, Output};

        use crate::analysis::groups::SizeClasses;

        let sc = p.scope();
        let r = analysis::best_score_by_size::best_score_by_size(
            g,
            &sc,
            &SizeClasses::new(p.size_edges.clone()),
        );
        let mut fig = size_scatter(&r, g, "Best leaderboard score per model size");
        fig.note = Some(format!(
            "{}; {}; each dot is a scored model of known size",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        board_note(&mut fig, g, p.board);
        Ok(Output {
                name: String::new(),
                analysis: Self::NAME,
                title: "Best score per model size".into(),
                description: "Leaderboard average against parameter count for every scored model, coloured by type, with the best model of each size class (paper figures 8 and 9).".into(),
                table: r.table(g),
                extra: Vec::new(),
                figure: fig,
                notes: std::iter::once(format!("{} scored models of known size", r.points.len()))
                    .chain(rounded_sizes_note(g))
                    .collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn best_per_class() {
        let lb = [
            lb_row(
                "a/s1",
                "🟢 pretrained",
                40.0,
                "LlamaForCausalLM",
                "mit",
                1.0,
                false,
            ),
            lb_row(
                "a/s2",
                "🟢 pretrained",
                45.0,
                "LlamaForCausalLM",
                "mit",
                1.1,
                false,
            ),
            lb_row(
                "a/s3",
                "🟢 pretrained",
                99.0,
                "LlamaForCausalLM",
                "mit",
                1.1,
                true,
            ),
            lb_row(
                "a/b1",
                "🟢 pretrained",
                70.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build("", &lb, "");
        let r = best_score_by_size(&g, &Scope::default(), &SizeClasses::new(vec![4.0]));
        assert_eq!(r.classes[0].models, 2);
        assert_eq!(g.name(r.classes[0].best.unwrap().1), "a/s2");
        assert_eq!(r.classes[0].mean, Some(42.5));
        assert_eq!(r.classes[1].best.unwrap().0, 70.0);
        assert_eq!(r.points.len(), 3);
        // The smallest (1 B) and largest (7 B) models sit inside the axis, not on its ends,
        // and the log axis keeps ticks at 1, 2, 5.
        let fig = crate::analysis::charts::size_scatter(&r, &g, "t");
        let x = &fig.panels[0].x;
        let (lo, hi) = (x.min.unwrap(), x.max.unwrap());
        assert!(lo < 1.0 && hi > 7.0, "{lo} {hi}");
        let crate::render::Ticks::At(ticks) = &x.ticks else {
            panic!("ticks at 1, 2, 5")
        };
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1", "2", "5"]);
    }
}
