//! Best score per parameter size (paper figures 8 and 9): per size class, the best and
//! mean leaderboard average, and the points behind a size-versus-score scatter.

use crate::graph::LineageGraph;
use crate::model::ModelType;

use super::groups::SizeClasses;
use super::{Cell, Scope, Table};

#[derive(Debug, Clone, PartialEq)]
pub struct SizeScore {
    pub class: String,
    pub models: usize,
    pub best: Option<(f64, u32)>,
    pub mean: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BestScoreBySize {
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
    }
}
