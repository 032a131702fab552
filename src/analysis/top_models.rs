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
        let values: Vec<f64> = rows.iter().map(|r| f64::from(r.average)).collect();
        let mut fig = super::ranked_bars::ranked_bars(
            &format!("The {} top models by leaderboard average", rows.len()),
            "leaderboard average (points)",
            &names,
            &values,
            false,
        );
        fig.subtitle = Some(format!(
            "Type and parameters in brackets; the table adds {}",
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
