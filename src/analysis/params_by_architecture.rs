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
            0.0,
            ThresholdScope::Overall,
            Unit::Month,
            1,
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
