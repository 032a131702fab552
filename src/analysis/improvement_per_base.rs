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
