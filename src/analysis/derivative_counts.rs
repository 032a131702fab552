//! Derivative counts per base (paper figure 6): which models the community builds on,
//! ranked by distinct descendants, with the descendants split by how each was made.

use crate::graph::LineageGraph;
use crate::model::EdgeKind;

use super::algo;
use super::{Cell, Scope, Table};

/// A base model and how many models derive from it.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseDerivatives {
    /// The base model.
    pub model: u32,
    /// Models naming it as a parent.
    pub direct: u32,
    /// Models it reaches through lineage edges, at any depth.
    pub descendants: u32,
    /// Descendants by how each was made, indexed like [`EdgeKind::ALL`].
    pub by_kind: [u32; 5],
}

/// The `top` models by descendants (then direct children, then name). Flagged models are
/// not ranked unless the scope includes them; stubs are (lineage names them as bases).
/// O(sum of descendants) through `algo::derivatives`.
pub fn derivative_counts(g: &LineageGraph, scope: &Scope, top: usize) -> Vec<BaseDerivatives> {
    let all = algo::derivatives::derivatives(g);
    let mut ranked: Vec<BaseDerivatives> = all
        .iter()
        .enumerate()
        .filter(|(v, d)| d.descendants > 0 && algo::counted(g, *v as u32, scope.include_flagged))
        .map(|(v, d)| BaseDerivatives {
            model: v as u32,
            direct: d.direct,
            descendants: d.descendants,
            by_kind: d.by_kind,
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.descendants
            .cmp(&a.descendants)
            .then(b.direct.cmp(&a.direct))
            .then_with(|| g.name(a.model).cmp(g.name(b.model)))
    });
    ranked.truncate(top);
    ranked
}

/// The ranking as a table, one row per base.
pub fn table(g: &LineageGraph, rows: &[BaseDerivatives]) -> Table {
    let mut cols: Vec<String> = ["model", "direct", "descendants"]
        .map(String::from)
        .to_vec();
    cols.extend(EdgeKind::ALL.iter().map(|k| format!("made by {k}")));
    cols.push("stub".into());
    let mut t = Table::new(cols);
    for r in rows {
        let mut row = vec![
            Cell::text(g.name(r.model)),
            Cell::int(r.direct),
            Cell::int(r.descendants),
        ];
        row.extend(r.by_kind.iter().map(|&c| Cell::int(c)));
        row.push(Cell::text(if g.models[r.model as usize].is_stub() {
            "yes"
        } else {
            "no"
        }));
        t.push(row);
    }
    t
}

crate::params!(
    /// The parameters of the `derivative-counts` analysis.
    Params {
        /// how many models to show
        top: usize = 20,
    }
);

/// The `derivative-counts` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct DerivativeCountsAnalysis;

impl crate::analysis::registry::Compute for DerivativeCountsAnalysis {
    const NAME: &'static str = "derivative-counts";
    const TITLE: &'static str = "Derivative counts per base";
    const DESCRIPTION: &'static str = "Models ranked by distinct descendants through lineage, split by how each descendant was made (paper figure 6).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, row_span, series};
        use crate::analysis::notes::{flagged_note, graph_note};
        use crate::analysis::{self, Output};
        use crate::render::palette::TEXT;
        use crate::render::{Anchor, Axis, Figure, Layer, LegendEntry, Panel};

        use crate::model::EdgeKind;

        let sc = p.scope();
        let rows = analysis::derivative_counts::derivative_counts(g, &sc, p.top);
        let names: Vec<String> = rows.iter().map(|r| g.name(r.model).to_string()).collect();
        let n = rows.len();
        let max = rows.iter().map(|r| r.descendants).max().unwrap_or(1) as f64;
        let mut panel = Panel::new(
            Axis::new("descendants (distinct models below it)")
                .from_zero()
                .range(0.0, max * 1.12),
            category_axis_top_down("", &names),
        );
        let mut legend = Vec::new();
        for (k, kind) in EdgeKind::ALL.iter().enumerate() {
            if rows.iter().all(|r| r.by_kind[k] == 0) {
                continue;
            }
            let color = series(k);
            let bars = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.by_kind[k] > 0)
                .map(|(i, r)| {
                    let before: u32 = r.by_kind[..k].iter().sum();
                    let (y0, y1) = row_span(n, i, 0.7);
                    (y0, y1, before as f64, (before + r.by_kind[k]) as f64)
                })
                .collect();
            panel.layers.push(Layer::HBars { color, bars });
            legend.push(LegendEntry::boxed(format!("made by {kind}"), color));
        }
        // Descendants whose kind is not known (none from the standard build) still count.
        panel.layers.push(Layer::Labels {
            color: TEXT,
            labels: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        r.descendants as f64,
                        (n - 1 - i) as f64 + 0.5,
                        format!("{} ({} direct)", r.descendants, r.direct),
                    )
                })
                .collect(),
            anchor: Anchor::Right,
        });
        let mut fig = Figure::new(format!("The {} most derived-from models", rows.len()));
        fig.subtitle = Some(
            "Distinct descendants through lineage edges, split by how each descendant was made"
                .into(),
        );
        fig.height = (260 + 34 * n as u32).max(700);
        fig.panels.push(panel);
        fig.legend = legend;
        fig.note = Some(format!(
            "{}; {}; stubs are bases no input describes",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Derivative counts per base".into(),
        description: "Which models the community builds on: models ranked by distinct descendants, with direct children and the split by how each descendant was made (paper figure 6).".into(),
        table: analysis::derivative_counts::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!("{} lineage edges in the graph, {} closing a cycle", g.edge_count(), g.cycle_edges())],
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn ranks_bases_by_descendants() {
        let details = "0,o/base,o,,,1,,[],,,\n\
                       1,a/t1,a,,,1,,[],,,o/base\n\
                       2,a/t2,a,,,1,,[],,,a/t1\n\
                       3,b/t3,b,,,1,,[],,,o/other\n";
        let g = build(details, "", "");
        let r = derivative_counts(&g, &Scope::default(), 10);
        let got: Vec<(&str, u32, u32)> = r
            .iter()
            .map(|d| (g.name(d.model), d.direct, d.descendants))
            .collect();
        assert_eq!(got, [("o/base", 1, 2), ("a/t1", 1, 1), ("o/other", 1, 1)]);
        assert_eq!(r[0].by_kind[EdgeKind::Unspecified as usize], 2);
        assert_eq!(table(&g, &r).get(2, "stub"), Some(&Cell::text("yes")));
    }
}
