//! Total improvement per base (paper figure 11): for each base with enough scored
//! descendants, how far its best derivative got above it, in percent, raw and normalised.

use crate::graph::LineageGraph;

use super::algo::improvements::{all_improvements, Improvement, ImprovementOptions};
use super::{Cell, Table};

/// The `top` bases by scored family members (at least `min_family`). Parallel over bases
/// in `algo::improvements`.
pub fn improvement_per_base(
    g: &LineageGraph,
    min_family: usize,
    top: usize,
    options: &ImprovementOptions,
) -> Vec<Improvement> {
    let mut all = all_improvements(g, min_family, options);
    all.retain(|i| i.total_improvement_pct.is_some());
    all.truncate(top);
    all
}

/// The total improvement divided by the normalisation's divisor for the family.
pub fn normalized_total(i: &Improvement, options: &ImprovementOptions) -> Option<f64> {
    let d = options.normalize.divisor(i.scored_members as usize)?;
    i.total_improvement_pct.map(|p| p / d)
}

/// The improvements as a table, one row per base.
pub fn table(g: &LineageGraph, rows: &[Improvement], options: &ImprovementOptions) -> Table {
    let mut t = Table::new([
        "base",
        "reference_model",
        "reference_average",
        "family_size",
        "scored_members",
        "best_model",
        "best_average",
        "total_improvement_pct",
        "normalized_improvement",
        "frontier_steps",
    ]);
    for i in rows {
        let best = i
            .members
            .iter()
            .max_by(|a, b| a.average.total_cmp(&b.average).then(b.model.cmp(&a.model)));
        t.push(vec![
            Cell::text(g.name(i.base)),
            i.reference_model
                .map_or(Cell::Empty, |v| Cell::text(g.name(v))),
            Cell::opt_float(i.reference_average.map(f64::from)),
            Cell::int(i.family_size),
            Cell::int(i.scored_members),
            best.map_or(Cell::Empty, |m| Cell::text(g.name(m.model))),
            Cell::opt_float(best.map(|m| m.average as f64)),
            Cell::opt_float(i.total_improvement_pct),
            Cell::opt_float(normalized_total(i, options)),
            Cell::int(i.frontier.len()),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `improvement-per-base` analysis.
    Params {
        /// fewest scored derivatives a base needs
        min_family: usize = 5,
        /// how many bases to show
        top: usize = 20,
        /// count merges and their descendants
        include_merges: bool = false,
        /// how improvements are normalised: log (by ln of scored derivatives), count or none
        normalize: crate::analysis::params::NormalizeParam = crate::analysis::params::NormalizeParam::Log,
    }
);

/// The `improvement-per-base` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ImprovementPerBaseAnalysis;

impl crate::analysis::registry::Compute for ImprovementPerBaseAnalysis {
    const NAME: &'static str = "improvement-per-base";
    const TITLE: &'static str = "Total improvement per base";
    const DESCRIPTION: &'static str = "How far the best derivative of each base scores above the base, raw and normalised (paper figure 11).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, row_span, series};
        use crate::analysis::notes::{
            board_note, flagged_note, graph_note, improvement_options, normalize_label,
        };
        use crate::analysis::{self, Output};
        use crate::render::palette::TEXT;
        use crate::render::{Anchor, Axis, Figure, Layer, Layout, Panel};

        let o = improvement_options(p.include_merges, p.include_flagged, p.normalize, p.board);
        let rows = analysis::improvement_per_base::improvement_per_base(g, p.min_family, p.top, &o);
        // The chart ranks the bases by total improvement (the table keeps its order).
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&x, &y| {
            let v = |k: usize| rows[k].total_improvement_pct.unwrap_or(f64::NEG_INFINITY);
            v(y).total_cmp(&v(x))
        });
        let names: Vec<String> = order
            .iter()
            .map(|&k| {
                let i = &rows[k];
                let star = if i.reference_model == Some(i.base) {
                    ""
                } else {
                    " *"
                };
                format!("{} ({}){star}", g.name(i.base), i.scored_members)
            })
            .collect();
        let n = rows.len();
        let raw: Vec<f64> = order
            .iter()
            .map(|&k| rows[k].total_improvement_pct.unwrap_or(0.0))
            .collect();
        let norm: Vec<f64> = order
            .iter()
            .map(|&k| analysis::improvement_per_base::normalized_total(&rows[k], &o).unwrap_or(0.0))
            .collect();
        // One decimal, never "-0.0".
        let one = |v: f64| {
            let s = format!("{v:.1}");
            if s == "-0.0" {
                "0.0".to_string()
            } else {
                s
            }
        };
        let mut cut_note = Vec::new();
        let mut hpanel = |values: &[f64], label: &str, names: &[String], color| {
            let lo = values.iter().copied().fold(0.0, f64::min);
            let mut sorted: Vec<f64> = values.to_vec();
            sorted.sort_by(|a, b| b.total_cmp(a));
            // An outlier more than twice the next value would squash every other bar: the
            // axis stops above the next value and the outlier's bar is drawn broken, its
            // value written.
            let cut = match (sorted.first(), sorted.get(1)) {
                (Some(&top), Some(&next)) if next > 0.0 && top > 2.0 * next => Some(next * 1.3),
                _ => None,
            };
            let hi = cut.unwrap_or_else(|| values.iter().copied().fold(0.0, f64::max));
            let span = (hi - lo).max(1e-6);
            let mut p = Panel::new(
                Axis::new(label).range(lo - span * 0.02, hi + span * 0.02),
                category_axis_top_down("", names),
            );
            let mut bars = Vec::new();
            let mut labels = Vec::new();
            for (i, &v) in values.iter().enumerate() {
                let (y0, y1) = row_span(n, i, 0.7);
                let yc = (n - 1 - i) as f64 + 0.5;
                match cut {
                    Some(c) if v > c => {
                        bars.push((y0, y1, 0.0, c * 0.9));
                        bars.push((y0, y1, c * 0.93, c));
                        labels.push((c, yc, format!("{} (bar cut)", one(v))));
                    }
                    _ => {
                        bars.push((y0, y1, 0.0, v));
                        labels.push((v.max(0.0), yc, one(v)));
                    }
                }
            }
            if cut.is_some() {
                cut_note.push(format!(
                    "{label}: axis cut, the longest bar is broken and its value written"
                ));
            }
            p.layers.push(Layer::HBars { color, bars });
            p.layers.push(Layer::Labels {
                color: TEXT,
                labels,
                anchor: Anchor::Right,
            });
            p
        };
        let mut a = hpanel(&raw, "best derivative over the base (%)", &names, series(0));
        a.title = Some("Total improvement".into());
        a.weight = 1.6;
        let blank: Vec<String> = names.iter().map(|_| String::new()).collect();
        let mut b = hpanel(&norm, normalize_label(p.normalize), &blank, series(1));
        b.title = Some("Normalised".into());
        let cut_note = cut_note.join("; ");
        let mut fig = Figure::new("Total improvement per base model");
        fig.subtitle = Some(format!(
        "Bases with at least {} scored derivatives (count in brackets); {}; * base without a score: its earliest scored derivative is the reference",
        p.min_family,
        if p.include_merges {
            "merges included"
        } else {
            "merges and their descendants left out"
        }
    ));
        fig.layout = Layout::Columns;
        fig.height = (260 + 34 * n as u32).max(700);
        fig.panels = vec![a, b];
        fig.note = Some(format!(
            "{}; {}; sorted by total improvement{}",
            graph_note(g),
            flagged_note(p.include_flagged),
            if cut_note.is_empty() {
                String::new()
            } else {
                format!("; {cut_note}")
            }
        ));
        board_note(&mut fig, g, p.board);
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Total improvement per base".into(),
        description: "For each base with enough scored derivatives: how far its best derivative's leaderboard average is above the base's, in percent, raw and normalised (paper figure 11).".into(),
        table: analysis::improvement_per_base::table(g, &rows, &o),
        extra: Vec::new(),
        figure: fig,
        notes: Vec::new(),
    })
    }
}
