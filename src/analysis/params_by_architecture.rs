//! The distribution of parameter counts per architecture group (paper figure 8): count,
//! quartiles, extremes and mean, ready for a box plot.

use crate::graph::LineageGraph;

use super::groups::ArchitectureGroups;
use super::{quantile, Cell, Scope, Table};

/// Parameter-count statistics of one architecture group.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamStats {
    /// The group's name.
    pub group: String,
    /// Models of known size in the group.
    pub models: usize,
    /// Smallest size, in billions of parameters.
    pub min: f64,
    /// First quartile, in billions.
    pub q1: f64,
    /// Median, in billions.
    pub median: f64,
    /// Third quartile, in billions.
    pub q3: f64,
    /// Largest size, in billions.
    pub max: f64,
    /// Mean, in billions.
    pub mean: f64,
}

/// One row per architecture group with at least one model of known size, in the groups'
/// order. O(n log n) in models.
pub fn params_by_architecture(
    g: &LineageGraph,
    scope: &Scope,
    groups: &ArchitectureGroups,
) -> Vec<ParamStats> {
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); groups.len()];
    for v in scope.models(g) {
        let m = &g.models[v as usize];
        let (Some(p), Some(c)) = (m.params_b, groups.group_of(g, m)) else {
            continue;
        };
        values[c].push(p as f64);
    }
    groups
        .names
        .iter()
        .zip(values)
        .filter(|(_, v)| !v.is_empty())
        .map(|(name, mut v)| {
            v.sort_by(|a, b| a.total_cmp(b));
            ParamStats {
                group: name.clone(),
                models: v.len(),
                min: v[0],
                q1: quantile(&v, 0.25),
                median: quantile(&v, 0.5),
                q3: quantile(&v, 0.75),
                max: v[v.len() - 1],
                mean: v.iter().sum::<f64>() / v.len() as f64,
            }
        })
        .collect()
}

/// The groups as a table, one row per group.
pub fn table(rows: &[ParamStats]) -> Table {
    let mut t = Table::new([
        "architecture",
        "models",
        "min_b",
        "q1_b",
        "median_b",
        "q3_b",
        "max_b",
        "mean_b",
    ]);
    for r in rows {
        t.push(vec![
            Cell::text(&r.group),
            Cell::int(r.models),
            Cell::float(r.min),
            Cell::float(r.q1),
            Cell::float(r.median),
            Cell::float(r.q3),
            Cell::float(r.max),
            Cell::float(r.mean),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `params-by-architecture` analysis.
    Params {
        /// share an architecture needs to keep its own group
        threshold: crate::analysis::params::Share = crate::analysis::params::Share(0.05),
        /// where the share is measured: overall, or in any one period; count: no share, more than min_models models (the papers' rule)
        threshold_scope: crate::analysis::groups::ThresholdScope = crate::analysis::groups::ThresholdScope::Period,
        /// with threshold_scope = period: the fewest new models a period needs to count
        min_period_models: usize = 100,
        /// with threshold_scope = count: an architecture keeps its name with more than this many models, flagged included
        min_models: usize = 50,
        /// architectures that keep their own group whatever their share
        keep: Vec<String> = Vec::new(),
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
    }
);

/// The `params-by-architecture` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ParamsByArchitectureAnalysis;

impl crate::analysis::registry::Compute for ParamsByArchitectureAnalysis {
    const NAME: &'static str = "params-by-architecture";
    const TITLE: &'static str = "Parameter distribution by architecture";
    const DESCRIPTION: &'static str =
        "Quartiles and extremes of model sizes within each architecture group (paper figure 8).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis, padded_log_axis};
        use crate::analysis::groups::ArchitectureGroups;
        use crate::analysis::notes::{flagged_note, graph_note, join_notes, rounded_sizes_note};
        use crate::analysis::{self, Output};
        use crate::render::palette::{self};
        use crate::render::{Figure, Layer, Panel};

        let sc = p.scope();
        let rule = crate::analysis::groups::GroupRule {
            threshold: p.threshold.0,
            by: p.threshold_scope,
            unit: p.unit,
            min_period_models: p.min_period_models,
            min_models: p.min_models,
        };
        let groups = ArchitectureGroups::compute(g, &sc, &rule, &p.keep);
        let rows = analysis::params_by_architecture::params_by_architecture(g, &sc, &groups);
        let names: Vec<String> = rows
            .iter()
            .map(|r| format!("{} ({})", r.group, r.models))
            .collect();
        let mut panel = Panel::new(
            category_axis("architecture (models of known size)", &names),
            padded_log_axis(
                "parameters (billions, log scale)",
                rows.iter().flat_map(|r| [r.min, r.max]),
            ),
        );
        for (i, r) in rows.iter().enumerate() {
            panel.layers.push(Layer::Boxes {
                color: palette::architecture(&r.group),
                boxes: vec![(i as f64 + 0.5, r.min, r.q1, r.median, r.q3, r.max)],
                half: 0.3,
            });
        }
        let mut fig = Figure::new("Parameter counts by architecture");
        fig.subtitle = Some(
            "Boxes: quartiles; thick line: median; whiskers: smallest and largest model".into(),
        );
        fig.panels.push(panel);
        fig.note = Some(join_notes(
            [
                graph_note(g),
                flagged_note(p.include_flagged).to_string(),
                rule.describe(),
            ]
            .into_iter()
            .chain(rounded_sizes_note(g)),
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Parameter distribution by architecture".into(),
        description: "The spread of model sizes within each architecture group: quartiles, extremes and mean in billions of parameters (paper figure 8).".into(),
        table: analysis::params_by_architecture::table(&rows),
        extra: Vec::new(),
        figure: fig,
        notes: rounded_sizes_note(g).into_iter().collect(),
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::groups::ThresholdScope;
    use crate::analysis::testgraph::{build, lb_row};
    use crate::analysis::Unit;

    #[test]
    fn quartiles_per_group() {
        let mut lb = String::new();
        for (i, p) in [1.0, 2.0, 3.0, 4.0, 5.0].iter().enumerate() {
            lb.push_str(&lb_row(
                &format!("a/l{i}"),
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                *p,
                false,
            ));
        }
        lb.push_str(&lb_row(
            "a/m",
            "🟢 pretrained",
            50.0,
            "MistralForCausalLM",
            "mit",
            7.24,
            false,
        ));
        let g = build("", &lb, "");
        let scope = Scope::default();
        let groups = ArchitectureGroups::compute(
            &g,
            &scope,
            &crate::analysis::groups::GroupRule {
                threshold: 0.0,
                by: ThresholdScope::Overall,
                unit: Unit::Month,
                min_period_models: 1,
                min_models: 0,
            },
            &[],
        );
        let r = params_by_architecture(&g, &scope, &groups);
        assert_eq!(r[0].group, "Llama");
        assert_eq!((r[0].q1, r[0].median, r[0].q3), (2.0, 3.0, 4.0));
        assert_eq!(r[0].mean, 3.0);
        assert_eq!(r[1].models, 1);
        assert!((r[1].median - 7.24).abs() < 1e-6);
    }
}
