//! Improvement over days since release (paper figure 12): for chosen bases, every scored
//! family member's gain over the base against its age, the frontier of record-setters,
//! and the normalised gain that lets bases with few and many derivatives compare.

use crate::graph::LineageGraph;

use super::algo::improvements::{improvements, Improvement, ImprovementOptions};
use super::{Cell, Table};

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
