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

/// The bases of the papers' improvement figures (11 and 12), as repo ids.
pub const PAPER_BASES: [&str; 11] = crate::analysis::bases::PAPER_BASE_REPOS;

/// Which bases the figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BaseSet {
    /// The models with most descendants (merge hubs top this list).
    #[default]
    Top,
    /// The bases people build on: the papers' bases and the models of the notable
    /// releases (`queries/releases.csv`), whatever their rank.
    Papers,
}

/// The derivative counts of the given models, ranked as [`derivative_counts`] ranks: every
/// model is listed, with no descendants too. O(sum of descendants).
pub fn derivative_counts_of(g: &LineageGraph, models: &[u32]) -> Vec<BaseDerivatives> {
    named_counts(g, &algo::derivatives::derivatives(g), models)
}

/// [`derivative_counts_of`] over counts already made.
fn named_counts(
    g: &LineageGraph,
    all: &[algo::derivatives::Derivatives],
    models: &[u32],
) -> Vec<BaseDerivatives> {
    let mut rows: Vec<BaseDerivatives> = models
        .iter()
        .map(|&v| {
            let d = &all[v as usize];
            BaseDerivatives {
                model: v,
                direct: d.direct,
                descendants: d.descendants,
                by_kind: d.by_kind,
            }
        })
        .collect();
    rank(g, &mut rows);
    rows
}

/// Most descendants first, then most direct children, then by name.
fn rank(g: &LineageGraph, rows: &mut [BaseDerivatives]) {
    rows.sort_by(|a, b| {
        b.descendants
            .cmp(&a.descendants)
            .then(b.direct.cmp(&a.direct))
            .then_with(|| g.name(a.model).cmp(g.name(b.model)))
    });
}

/// The `top` models by descendants (then direct children, then name). Flagged models are
/// not ranked unless the scope includes them; stubs are (lineage names them as bases).
/// O(sum of descendants) through `algo::derivatives`.
pub fn derivative_counts(g: &LineageGraph, scope: &Scope, top: usize) -> Vec<BaseDerivatives> {
    ranked_counts(g, &algo::derivatives::derivatives(g), scope, top)
}

/// [`derivative_counts`] over counts already made.
fn ranked_counts(
    g: &LineageGraph,
    all: &[algo::derivatives::Derivatives],
    scope: &Scope,
    top: usize,
) -> Vec<BaseDerivatives> {
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
    rank(g, &mut ranked);
    ranked.truncate(top);
    ranked
}

/// The most derived-from models with the share of their descendants made by merging: the
/// merge hubs that top a raw descendant count.
pub fn hubs_table(g: &LineageGraph, rows: &[BaseDerivatives]) -> Table {
    let mut t = table(g, rows);
    t.columns.push("merge share".into());
    for (row, r) in t.rows.iter_mut().zip(rows) {
        let merges = r.by_kind[EdgeKind::Merge as usize];
        row.push(Cell::float(if r.descendants > 0 {
            f64::from(merges) / f64::from(r.descendants)
        } else {
            0.0
        }));
    }
    t
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
        /// which bases: top (the models with most descendants) or papers (the papers' bases and the notable releases' models, with the top models as a second table)
        set: crate::analysis::derivative_counts::BaseSet = crate::analysis::derivative_counts::BaseSet::Top,
        /// how many models to show (with set = papers: in the table of the most derived-from models)
        top: usize = 20,
        /// with set = papers: the table of notable releases (default: the built-in queries/releases.csv)
        releases: Option<toml::Spanned<String>> = None,
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
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, row_span};
        use crate::analysis::derivative_counts::{BaseSet, PAPER_BASES};
        use crate::analysis::notes::{flagged_note, graph_note};
        use crate::analysis::{self, Output};
        use crate::render::palette::TEXT;
        use crate::render::{Anchor, Axis, Figure, Layer, LegendEntry, Panel};

        use crate::model::EdgeKind;

        let sc = p.scope();
        // One pass over the graph serves both the named bases and the ranking.
        let all = crate::algo::derivatives::derivatives(g);
        let ranked = ranked_counts(g, &all, &sc, p.top);
        let mut missing: Vec<String> = Vec::new();
        let rows = match p.set {
            BaseSet::Top => ranked.clone(),
            BaseSet::Papers => {
                let releases = crate::analysis::releases::from_param(cx, &p.releases)?;
                let mut ids: Vec<u32> = Vec::new();
                let named = PAPER_BASES
                    .iter()
                    .map(|s| s.to_string())
                    .chain(releases.into_iter().flat_map(|r| r.models));
                for id in named {
                    match g.lookup(&id) {
                        Some(v) if !ids.contains(&v) => ids.push(v),
                        Some(_) => {}
                        None if !missing.contains(&id) => missing.push(id),
                        None => {}
                    }
                }
                named_counts(g, &all, &ids)
            }
        };
        // A graph that holds none of the named bases (a synthetic one, say) charts the top.
        let set = if rows.is_empty() { BaseSet::Top } else { p.set };
        let rows = if rows.is_empty() {
            ranked.clone()
        } else {
            rows
        };
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
            let color = crate::render::palette::edge_kind(*kind);
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
            let label = match kind {
                EdgeKind::Unspecified => "how made not stated".to_string(),
                k => format!("made by {k}"),
            };
            legend.push(LegendEntry::boxed(label, color));
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
        let mut fig = Figure::new(match set {
            BaseSet::Top => format!("The {} most derived-from models", rows.len()),
            BaseSet::Papers => "Models built on the papers' bases and the notable releases".into(),
        });
        fig.subtitle = Some(match set {
            BaseSet::Top => {
                "Distinct descendants through lineage edges, split by how each descendant was made"
                    .into()
            }
            BaseSet::Papers => "Distinct descendants through lineage edges, split by how each was made; the most derived-from models (merge hubs among them) are the second table".into(),
        });
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
        extra: match p.set {
            BaseSet::Top => Vec::new(),
            BaseSet::Papers => vec![(
                "most-derived".into(),
                format!("The {} most derived-from models, merge hubs among them", ranked.len()),
                analysis::derivative_counts::hubs_table(g, &ranked),
            )],
        },
        figure: fig,
        notes: {
            let mut notes = vec![format!("{} lineage edges in the graph, {} closing a cycle", g.edge_count(), g.cycle_edges())];
            if !missing.is_empty() {
                notes.push(format!("not in the graph: {}", missing.join(", ")));
            }
            if set != p.set {
                notes.push("none of the papers' bases or the releases' models is in the graph: the chart shows the most derived-from models".into());
            }
            notes
        },
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
        // Named bases are all listed, a base without descendants too, most descendants first.
        let named: Vec<u32> = ["b/t3", "a/t1", "o/base"]
            .iter()
            .map(|n| g.lookup(n).unwrap())
            .collect();
        let of = derivative_counts_of(&g, &named);
        let got: Vec<(&str, u32)> = of
            .iter()
            .map(|d| (g.name(d.model), d.descendants))
            .collect();
        assert_eq!(got, [("o/base", 2), ("a/t1", 1), ("b/t3", 0)]);
    }

    #[test]
    fn hubs_table_gives_the_share_made_by_merging() {
        // o/hub: two merges below it and one fine-tune of a merge (3 descendants, 2 merges;
        // the rows differ in downloads, or the second would read as copied metadata).
        let details = "0,o/hub,o,,,1,,[],,,\n\
                       1,a/m1,a,,,1,,[],,,\"['o/hub', 'o/other']\"\n\
                       2,a/m2,a,,,2,,[],,,\"['o/hub', 'o/other']\"\n\
                       3,b/t,b,,,1,,[],,,a/m1\n";
        let g = build(details, "", "");
        let r = derivative_counts(&g, &Scope::default(), 1);
        assert_eq!(g.name(r[0].model), "o/hub");
        let t = hubs_table(&g, &r);
        assert_eq!(t.get(0, "descendants"), Some(&Cell::int(3)));
        let share = t.get(0, "merge share").and_then(Cell::as_f64).unwrap();
        assert!((share - 2.0 / 3.0).abs() < 1e-3, "{share}");
    }
}
