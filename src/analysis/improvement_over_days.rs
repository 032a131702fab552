//! Improvement over days since release (paper figure 12): for chosen bases, every scored
//! family member's gain over the base against its age, the frontier of record-setters,
//! and the normalised gain that lets bases with few and many derivatives compare.

use crate::graph::LineageGraph;

use super::algo::improvements::{improvements, Improvement, ImprovementOptions};
use super::{Cell, Table};

/// What a base may be given as, for error messages.
const ACCEPTED_BASE: &str = "a model id in any case, an alias, or a unique prefix";

/// One [`Improvement`] per base, in the order given.
pub fn improvement_over_days(
    g: &LineageGraph,
    bases: &[u32],
    options: &ImprovementOptions,
) -> Vec<Improvement> {
    bases.iter().map(|&b| improvements(g, b, options)).collect()
}

/// The improvements as a table, one row per frontier step of each base.
pub fn table(g: &LineageGraph, rows: &[Improvement]) -> Table {
    let mut t = Table::new([
        "base",
        "model",
        "created",
        "days_since_release",
        "average",
        "improvement_pct",
        "normalized",
        "on_frontier",
    ]);
    for i in rows {
        for m in &i.members {
            t.push(vec![
                Cell::text(g.name(i.base)),
                Cell::text(g.name(m.model)),
                m.created.map_or(Cell::Empty, |d| Cell::text(d.to_string())),
                m.days_since_release.map_or(Cell::Empty, Cell::int),
                Cell::float(m.average as f64),
                Cell::opt_float(m.improvement_pct),
                Cell::opt_float(m.normalized),
                Cell::text(if m.on_frontier { "yes" } else { "no" }),
            ]);
        }
    }
    t
}

crate::params!(
    /// The parameters of the `improvement-over-days` analysis.
    Params {
        /// base model ids; empty: the bases with most scored derivatives
        bases: Vec<toml::Spanned<String>> = Vec::new(),
        /// with no bases given: how many of the bases with most scored derivatives
        top: usize = 4,
        /// fewest scored derivatives a base needs
        min_family: usize = 5,
        /// count merges and their descendants
        include_merges: bool = false,
        /// how improvements are normalised: log (by ln of scored derivatives), count or none
        normalize: crate::analysis::params::NormalizeParam = crate::analysis::params::NormalizeParam::Log,
    }
);

/// The `improvement-over-days` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ImprovementOverDaysAnalysis;

impl crate::analysis::registry::Compute for ImprovementOverDaysAnalysis {
    const NAME: &'static str = "improvement-over-days";
    const TITLE: &'static str = "Improvement over days since release";
    const DESCRIPTION: &'static str = "Each scored derivative's gain over its base against days since the base's release, with the frontier of record-setters (paper figure 12).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::series;
        use crate::analysis::notes::{
            board_note, flagged_note, graph_note, improvement_options, normalize_label,
        };
        use crate::analysis::{self, Output};

        use crate::render::{Axis, Figure, Layer, LegendEntry, Panel};

        let o = improvement_options(p.include_merges, p.include_flagged, p.normalize, p.board);
        let bases: Vec<u32> = if p.bases.is_empty() {
            analysis::improvement_per_base::improvement_per_base(g, p.min_family, p.top, &o)
                .iter()
                .map(|i| i.base)
                .collect()
        } else {
            let mut v = Vec::new();
            for b in &p.bases {
                // The resolver of `query` and `export --base`: id in any case, alias,
                // unique prefix; suggestions ranked by edit distance.
                let aliases = crate::ingest::refs::AliasTable::builtin();
                match crate::algo::resolve::resolve_model(g, b.get_ref(), &aliases) {
                    Ok(id) => v.push(id),
                    Err(e) => {
                        return Err(cx.param_error(
                            "bases",
                            Some(b.span()),
                            format!("base {e} (accepted: {ACCEPTED_BASE})"),
                            vec![ACCEPTED_BASE.into()],
                        ));
                    }
                }
            }
            v
        };
        let rows = analysis::improvement_over_days::improvement_over_days(g, &bases, &o);
        let mut a = Panel::new(Axis::new(""), Axis::new("improvement over the base (%)"))
            .titled("Every scored derivative (dots) and the frontier of record-setters (lines)");
        let mut b = Panel::new(
            Axis::new("days since the base's release"),
            Axis::new(normalize_label(p.normalize)),
        )
        .titled("Frontier, normalised");
        let mut legend = Vec::new();
        for (k, i) in rows.iter().enumerate() {
            let color = series(k);
            let last_day = i.members.iter().filter_map(|m| m.days_since_release).max();
            legend.push(LegendEntry::line(
                format!("{} ({})", g.name(i.base), i.scored_members),
                color,
                false,
            ));
            a.layers.push(Layer::Points {
                color,
                points: i
                    .members
                    .iter()
                    .filter_map(|m| Some((m.days_since_release? as f64, m.improvement_pct?)))
                    .collect(),
                size: 3,
                opacity: 0.5,
            });
            let step =
                |f: &dyn Fn(&crate::analysis::algo::improvements::FrontierStep) -> Option<f64>| {
                    let mut pts = Vec::new();
                    let mut steps = Vec::new();
                    for s in &i.frontier {
                        let (Some(d), Some(v)) = (s.days_since_release, f(s)) else {
                            continue;
                        };
                        if let Some(&(_, prev)) = pts.last() {
                            pts.push((d as f64, prev));
                        }
                        pts.push((d as f64, v));
                        steps.push((d as f64, v));
                    }
                    // The record stands until the last member seen.
                    if let (Some(&(_, v)), Some(end)) = (pts.last(), last_day) {
                        pts.push((end as f64, v));
                    }
                    (pts, steps)
                };
            let (line_a, _) = step(&|s| s.improvement_pct);
            let (line_b, steps_b) = step(&|s| s.normalized);
            a.layers.push(Layer::Line {
                color,
                points: line_a,
                width: 3,
                dashed: false,
                markers: false,
            });
            b.layers.push(Layer::Line {
                color,
                points: line_b,
                width: 3,
                dashed: false,
                markers: false,
            });
            b.layers.push(Layer::Points {
                color,
                points: steps_b,
                size: 5,
                opacity: 1.0,
            });
        }
        let max_day = rows
            .iter()
            .flat_map(|i| i.members.iter().filter_map(|m| m.days_since_release))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        a.x = a.x.range(0.0, max_day * 1.02);
        b.x = b.x.range(0.0, max_day * 1.02);
        let mut fig = Figure::new("Improvement over days since release");
        fig.subtitle = Some(format!(
            "Leaderboard average of each derivative over its base's, in percent; {}",
            if p.include_merges {
                "merges included"
            } else {
                "merges and their descendants left out"
            }
        ));
        fig.height = 1050;
        a.weight = 1.3;
        fig.panels = vec![a, b];
        fig.legend = legend;
        fig.note = Some(format!(
            "{}; {}; days count from the base's Hub creation date (2022-03-02 means at or before)",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        board_note(&mut fig, g, p.board);
        let notes = rows
            .iter()
            .filter(|i| i.reference_model != Some(i.base))
            .map(|i| {
                format!(
                    "{} has no score: its earliest scored derivative is the reference",
                    g.name(i.base)
                )
            })
            .collect();
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Improvement over days since release".into(),
        description: "For chosen bases: each scored derivative's gain over the base against the days since the base's release, the frontier of record-setting derivatives, and the gain normalised so that bases with few and many derivatives compare (paper figure 12).".into(),
        table: analysis::improvement_over_days::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes,
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn members_frontier_and_total() {
        let details = "0,o/base,o,2024-01-01 00:00:00+00:00,,1,,[],,,\n\
                       1,a/t1,a,2024-01-11 00:00:00+00:00,,1,,[],,,o/base\n\
                       2,a/t2,a,2024-01-21 00:00:00+00:00,,1,,[],,,o/base\n\
                       3,a/t3,a,2024-01-31 00:00:00+00:00,,1,,[],,,a/t1\n";
        let ft = "🔶 fine-tuned on domain-specific datasets";
        let lb = [
            lb_row(
                "o/base",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row("a/t1", ft, 55.0, "LlamaForCausalLM", "mit", 7.0, false),
            lb_row("a/t2", ft, 52.0, "LlamaForCausalLM", "mit", 7.0, false),
            lb_row("a/t3", ft, 60.0, "LlamaForCausalLM", "mit", 7.0, false),
        ]
        .concat();
        let g = build(details, &lb, "");
        let base = g.lookup("o/base").unwrap();
        let r = improvement_over_days(&g, &[base], &ImprovementOptions::default());
        let i = &r[0];
        assert_eq!(i.scored_members, 3);
        assert!((i.total_improvement_pct.unwrap() - 20.0).abs() < 1e-6);
        let steps: Vec<(&str, Option<i32>)> = i
            .frontier
            .iter()
            .map(|f| (g.name(f.model), f.days_since_release))
            .collect();
        assert_eq!(steps, [("a/t1", Some(10)), ("a/t3", Some(30))]);
        // ln(3) normalisation of a/t3's 20 %.
        let t3 = i
            .members
            .iter()
            .find(|m| g.name(m.model) == "a/t3")
            .unwrap();
        assert!((t3.normalized.unwrap() - 20.0 / 3f64.ln()).abs() < 1e-6);
        assert_eq!(table(&g, &r).len(), 3);
    }
}
