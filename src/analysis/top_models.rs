//! A sample of the top models by leaderboard average (the journal version's table 1): each
//! one's type, size, a few benchmark scores and its average.

use crate::graph::LineageGraph;

use super::{Cell, Scope, Table};

/// One of the top models.
#[derive(Debug, Clone, PartialEq)]
pub struct TopModel {
    /// The model.
    pub model: u32,
    /// Its leaderboard average.
    pub average: f32,
    /// Its score on each asked-for benchmark, in the order asked; `None` where it has none.
    pub scores: Vec<Option<f32>>,
}

/// The `top` selected models by average on the scope's board (ties by id), with their
/// scores on `benchmarks` (names as the graph spells them). O(n log n).
pub fn top_models(
    g: &LineageGraph,
    scope: &Scope,
    benchmarks: &[String],
    top: usize,
) -> Vec<TopModel> {
    let board = scope.board(g);
    let mut ranked: Vec<(u32, f32)> = scope
        .models(g)
        .filter_map(|v| Some((v, g.models[v as usize].average(board)?)))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| g.name(a.0).cmp(g.name(b.0)))
    });
    ranked.truncate(top);
    ranked
        .into_iter()
        .map(|(v, average)| {
            let have = g.scores_on(v, board);
            TopModel {
                model: v,
                average,
                scores: benchmarks
                    .iter()
                    .map(|b| have.iter().find(|(n, _)| n == b).map(|&(_, s)| s))
                    .collect(),
            }
        })
        .collect()
}

/// The table: rank, model, type, parameters, the benchmarks, average.
pub fn table(g: &LineageGraph, rows: &[TopModel], benchmarks: &[String]) -> Table {
    let mut columns: Vec<String> = ["rank", "model", "type", "params_b"]
        .map(String::from)
        .to_vec();
    columns.extend(benchmarks.iter().cloned());
    columns.push("average".into());
    let mut t = Table::new(columns);
    for (i, r) in rows.iter().enumerate() {
        let m = &g.models[r.model as usize];
        let mut row = vec![
            Cell::int(i + 1),
            Cell::text(g.name(r.model)),
            Cell::text(m.model_type.as_str()),
            Cell::opt_float(m.params_b.map(f64::from)),
        ];
        row.extend(r.scores.iter().map(|s| Cell::opt_float(s.map(f64::from))));
        row.push(Cell::float(f64::from(r.average)));
        t.push(row);
    }
    t
}

crate::params!(
    /// The parameters of the `top-models` analysis.
    Params {
        /// how many models
        top: usize = 10,
        /// the benchmark columns, as the leaderboard names them
        benchmarks: Vec<String> = vec!["ARC".into(), "MMLU".into(), "GSM8K".into()],
    }
);

/// The `top-models` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct TopModelsAnalysis;

impl crate::analysis::registry::Compute for TopModelsAnalysis {
    const NAME: &'static str = "top-models";
    const TITLE: &'static str = "Top models by average";
    const DESCRIPTION: &'static str = "A sample of the top models by leaderboard average: type, parameters, benchmark scores and average (the journal version's table 1).";
    type Params = Params;

    fn compute(
        &self,
        g: &LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::notes::{board_note, flagged_note, graph_note};
        let sc = p.scope();
        let board = sc.board(g);
        // A benchmark must be one of the board's, or every cell of its column would be empty.
        let known: Vec<&str> = g
            .benchmarks
            .iter()
            .zip(&g.benchmark_boards)
            .filter(|(_, &b)| b == board)
            .map(|(n, _)| n.as_str())
            .collect();
        let mut benchmarks = Vec::with_capacity(p.benchmarks.len());
        for b in &p.benchmarks {
            match known.iter().find(|k| k.eq_ignore_ascii_case(b.trim())) {
                Some(k) => benchmarks.push(k.to_string()),
                None if known.is_empty() => benchmarks.push(b.trim().to_string()),
                None => {
                    return Err(cx.param_error(
                        "benchmarks",
                        None,
                        format!("'{b}' is not a benchmark of leaderboard {}", board.as_str()),
                        known.iter().map(|k| k.to_string()).collect(),
                    ))
                }
            }
        }
        let rows = top_models(g, &sc, &benchmarks, p.top);
        let names: Vec<String> = rows
            .iter()
            .map(|r| {
                let m = &g.models[r.model as usize];
                format!(
                    "{} ({}, {})",
                    g.name(r.model),
                    m.model_type.as_str(),
                    m.params_b
                        .map_or("size unknown".to_string(), |s| format!("{s}B"))
                )
            })
            .collect();
        // Dots, not bars: the top averages lie within a point of each other, so bars from
        // zero would all look alike; each benchmark's dot shows where the models differ.
        use crate::analysis::charts::{category_axis_top_down, series};
        use crate::render::{Axis, Figure, Layer, LegendEntry, Panel};
        let n = rows.len();
        // Dots need no zero: the axis spans the values, in steps of five points.
        let values = rows
            .iter()
            .flat_map(|r| r.scores.iter().flatten().copied().chain([r.average]))
            .map(f64::from);
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let (lo, hi) = if lo.is_finite() {
            (
                ((lo - 2.0) / 5.0).floor().max(0.0) * 5.0,
                (((hi + 2.0) / 5.0).ceil() * 5.0).min(100.0),
            )
        } else {
            (0.0, 100.0)
        };
        let mut panel = Panel::new(
            Axis::new("score (points)").range(lo, hi),
            category_axis_top_down("", &names),
        );
        let mut legend = Vec::new();
        let columns = benchmarks.iter().map(String::as_str).chain(["average"]);
        for (k, label) in columns.enumerate() {
            let color = series(k);
            let points = rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let v = if k < benchmarks.len() {
                        r.scores[k]?
                    } else {
                        r.average
                    };
                    Some((f64::from(v), (n - 1 - i) as f64 + 0.5))
                })
                .collect();
            let size = if k < benchmarks.len() { 6 } else { 9 };
            panel.layers.push(Layer::Points {
                color,
                points,
                size,
                opacity: 1.0,
            });
            legend.push(LegendEntry::point(label, color));
        }
        let mut fig = Figure::new(format!("The {n} top models by leaderboard average"));
        fig.panels.push(panel);
        fig.legend = legend;
        fig.height = (240 + 30 * n as u32).max(640);
        fig.subtitle = Some(format!(
            "Type and parameters in brackets; large dots: the average; the table has every value ({})",
            benchmarks.join(", ")
        ));
        fig.note = Some(format!(
            "{}; {}",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        board_note(&mut fig, g, p.board);
        Ok(crate::analysis::Output {
            name: String::new(),
            analysis: Self::NAME,
            title: "Top models by average (table 1)".into(),
            description: format!(
                "The {} models with the best leaderboard average: type, parameters (billions), {} and average (the journal version's table 1).",
                rows.len(),
                benchmarks.join(", ")
            ),
            table: table(g, &rows, &benchmarks),
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
    fn best_averages_first_with_their_scores() {
        let details = "0,a/x,a,2024-01-01,,1,,[],,,\n1,b/y,b,2024-01-02,,1,,[],,,\n2,c/z,c,2024-01-03,,1,,[],,,\n";
        let lb = [
            lb_row(
                "a/x",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "b/y",
                "🔶 fine-tuned",
                70.0,
                "LlamaForCausalLM",
                "mit",
                13.0,
                false,
            ),
            lb_row(
                "c/z",
                "🔶 fine-tuned",
                90.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                true,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let bench = vec!["ARC".to_string(), "GSM8K".to_string()];
        let rows = top_models(&g, &Scope::default(), &bench, 5);
        // The flagged c/z is left out; b/y first.
        let names: Vec<&str> = rows.iter().map(|r| g.name(r.model)).collect();
        assert_eq!(names, ["b/y", "a/x"]);
        assert_eq!(rows[0].scores, [Some(0.0), Some(0.0)]);
        let t = table(&g, &rows, &bench);
        assert_eq!(
            t.columns,
            ["rank", "model", "type", "params_b", "ARC", "GSM8K", "average"]
        );
        assert_eq!(t.get(0, "params_b").and_then(|c| c.as_f64()), Some(13.0));
        assert_eq!(top_models(&g, &Scope::default(), &bench, 1).len(), 1);
    }
}
