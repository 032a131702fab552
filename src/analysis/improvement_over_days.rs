//! Improvement over days since release (paper figure 12): for chosen bases, every scored
//! family member's gain over the reference against its age, the frontier of
//! record-setters, and the normalised gain that lets bases with few and many derivatives
//! compare; by the papers' name method, lineage's graph method, or both.

use crate::graph::LineageGraph;

use super::algo::improvements::{improvements, Improvement, ImprovementOptions};
use super::bases::{self, BaseFamilies, ImprovementUnit, Methods};
use super::{Cell, Table};

/// One [`Improvement`] per base, in the order given, by the lineage method.
pub fn improvement_over_days(
    g: &LineageGraph,
    bases: &[u32],
    options: &ImprovementOptions,
) -> Vec<Improvement> {
    bases.iter().map(|&b| improvements(g, b, options)).collect()
}

/// The improvements as a table, one row per scored member of each base and method. Both
/// units are columns; the normalised one is in `unit`, named by it.
pub fn table(
    g: &LineageGraph,
    rows: &[BaseFamilies],
    methods: Methods,
    unit: ImprovementUnit,
) -> Table {
    let mut t = Table::new([
        "base".to_string(),
        "base_model".into(),
        "method".into(),
        "model".into(),
        "created".into(),
        "days_since_release".into(),
        "average".into(),
        "improvement_points".into(),
        "improvement_pct_of_reference".into(),
        format!("normalized_{}", unit.column()),
        "on_frontier".into(),
    ]);
    for f in rows {
        for &m in methods.list() {
            let Some(i) = f.by(m) else { continue };
            for x in &i.members {
                t.push(vec![
                    Cell::text(f.base.label.clone()),
                    Cell::text(f.base.repo.clone()),
                    Cell::text(m.as_str()),
                    Cell::text(g.name(x.model)),
                    x.created.map_or(Cell::Empty, |d| Cell::text(d.to_string())),
                    x.days_since_release.map_or(Cell::Empty, Cell::int),
                    Cell::float(x.average as f64),
                    Cell::opt_float(x.improvement_points),
                    Cell::opt_float(x.improvement_pct),
                    Cell::opt_float(normalized(i, x, unit)),
                    Cell::text(if x.on_frontier { "yes" } else { "no" }),
                ]);
            }
        }
    }
    t
}

/// A member's improvement in `unit` over the family's divisor.
pub fn normalized(
    i: &Improvement,
    m: &crate::algo::improvements::Member,
    unit: ImprovementUnit,
) -> Option<f64> {
    Some(unit.of_member(m)? / i.divisor?)
}

crate::params!(
    /// The parameters of the `improvement-over-days` analysis.
    Params {
        /// bases to measure, MODEL or MODEL=PATTERN/SIZE (the name method's pattern); empty: the set
        bases: Vec<toml::Spanned<String>> = Vec::new(),
        /// with no bases given: top (the lineage bases with most scored derivatives) or papers (the papers' eleven)
        set: crate::analysis::bases::BaseSelection = crate::analysis::bases::BaseSelection::Top,
        /// how families are found: lineage (the base's descendants), name (the papers' name method) or both
        method: crate::analysis::bases::Methods = crate::analysis::bases::Methods::Lineage,
        /// what improvements are measured in: points (average minus the reference's) or percent (of the reference's average)
        unit: crate::analysis::bases::ImprovementUnit = crate::analysis::bases::ImprovementUnit::Points,
        /// with set = top and no bases given: how many of the bases with most scored derivatives
        top: usize = 4,
        /// with set = top: fewest scored derivatives a base needs
        min_family: usize = 5,
        /// count merges and their descendants
        include_merges: bool = false,
        /// how improvements are normalised: log (by ln of members), count or none
        normalize: crate::analysis::params::NormalizeParam = crate::analysis::params::NormalizeParam::Log,
    }
);

/// The `improvement-over-days` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ImprovementOverDaysAnalysis;

impl crate::analysis::registry::Compute for ImprovementOverDaysAnalysis {
    const NAME: &'static str = "improvement-over-days";
    const TITLE: &'static str = "Improvement over days since release";
    const DESCRIPTION: &'static str = "Each scored family member's gain over the reference against days since release, with the frontier of record-setters, by the papers' name method and the lineage method (paper figure 12).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::bases::Method;
        use crate::analysis::charts::series;
        use crate::analysis::notes::{board_note, flagged_note, graph_note, improvement_options};
        use crate::analysis::Output;
        use crate::render::{Axis, Figure, Layer, LegendEntry, Panel};

        let o = improvement_options(p.include_merges, p.include_flagged, p.normalize, p.board);
        let chosen = bases::choose(g, &p.bases, p.set, p.top, p.min_family, p.method, &o, cx)?;
        let rows = bases::measure(g, chosen, p.method, &o);
        let methods = p.method.list();
        let unit = p.unit;
        let unit_words = unit.short();
        let norm_label = bases::normalized_label(p.normalize, unit);
        let max_day = rows
            .iter()
            .flat_map(|f| methods.iter().filter_map(|&m| f.by(m)))
            .flat_map(|i| i.members.iter().filter_map(|m| m.days_since_release))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let mut raw_panels = Vec::new();
        let mut clipped = Vec::new();
        let mut norm_panels = Vec::new();
        for &method in methods {
            let which = if methods.len() > 1 {
                match method {
                    Method::Name => "Name method (the papers): ",
                    Method::Lineage => "Lineage method: ",
                }
            } else {
                ""
            };
            // The axis is sized to the record-setters; members far below the reference
            // would squash them, so those are counted in a note instead of drawn.
            let hi = rows
                .iter()
                .filter_map(|f| f.by(method))
                .flat_map(|i| i.members.iter().filter(|m| m.on_frontier))
                .filter_map(|m| unit.of_member(m))
                .fold(0.0, f64::max)
                .max(1.0);
            let lo = -0.6 * hi;
            let below = rows
                .iter()
                .filter_map(|f| f.by(method))
                .flat_map(|i| i.members.iter())
                .filter(|m| {
                    m.days_since_release.is_some() && unit.of_member(m).is_some_and(|v| v < lo)
                })
                .count();
            if below > 0 {
                clipped.push(format!(
                    "{method} method: {below} members more than {:.1} {unit_words} below the reference are off the axis (all are in the table)",
                    -lo
                ));
            }
            let mut a = Panel::new(
                Axis::new(method.day_zero()).range(0.0, max_day * 1.02),
                Axis::new(format!("improvement ({unit_words})")).range(lo, hi * 1.08),
            )
            .titled(format!(
                "{which}every scored member (dots) and the record-setters (lines)"
            ));
            let mut b = Panel::new(
                Axis::new(method.day_zero()).range(0.0, max_day * 1.02),
                Axis::new(norm_label.clone()),
            )
            .titled(format!("{which}record-setters, normalised"));
            for (k, f) in rows.iter().enumerate() {
                let Some(i) = f.by(method) else { continue };
                let color = series(k);
                let dashed = k >= 10;
                let last_day = i.members.iter().filter_map(|m| m.days_since_release).max();
                a.layers.push(Layer::Points {
                    color,
                    points: i
                        .members
                        .iter()
                        .filter_map(|m| Some((m.days_since_release? as f64, unit.of_member(m)?)))
                        .filter(|&(_, v)| v >= lo)
                        .collect(),
                    size: 3,
                    opacity: 0.45,
                });
                let step = |f: &dyn Fn(&crate::algo::improvements::Member) -> Option<f64>| {
                    let mut pts = Vec::new();
                    let mut steps = Vec::new();
                    for m in i.members.iter().filter(|m| m.on_frontier) {
                        let (Some(d), Some(v)) = (m.days_since_release, f(m)) else {
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
                let (line_a, _) = step(&|m| unit.of_member(m));
                let (line_b, steps_b) = step(&|m| normalized(i, m, unit));
                a.layers.push(Layer::Line {
                    color,
                    points: line_a,
                    width: 3,
                    dashed,
                    markers: false,
                });
                b.layers.push(Layer::Line {
                    color,
                    points: line_b,
                    width: 3,
                    dashed,
                    markers: false,
                });
                b.layers.push(Layer::Points {
                    color,
                    points: steps_b,
                    size: 5,
                    opacity: 1.0,
                });
            }
            a.weight = 1.3;
            raw_panels.push(a);
            norm_panels.push(b);
        }
        let mut legend = Vec::new();
        for (k, f) in rows.iter().enumerate() {
            let counts: Vec<String> = methods
                .iter()
                .map(|&m| f.by(m).map_or(0, bases::counted_members).to_string())
                .collect();
            legend.push(LegendEntry::line(
                format!("{} ({})", f.base.label, counts.join(" | ")),
                series(k),
                k >= 10,
            ));
        }
        let mut fig = Figure::new("Improvement over days since release");
        fig.subtitle = Some(format!(
            "Leaderboard average of each member over the reference's, in {unit_words}; {}; in brackets: {}",
            if p.include_merges {
                "merges included"
            } else {
                "merges and their descendants left out"
            },
            methods
                .iter()
                .map(|&m| match m {
                    Method::Name => "dated name matches",
                    Method::Lineage => "scored descendants",
                })
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        fig.height = if methods.len() > 1 { 1900 } else { 1050 };
        fig.panels = raw_panels.into_iter().chain(norm_panels).collect();
        fig.legend = legend;
        fig.note = Some(format!(
            "{}; {}; the name method's reference is its earliest member, the lineage method's the base (2022-03-02 means at or before)",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        if !clipped.is_empty() {
            let n = fig.note.take().unwrap_or_default();
            fig.note = Some(format!("{n}; {}", clipped.join("; ")));
        }
        board_note(&mut fig, g, p.board);
        let mut notes = clipped;
        for f in &rows {
            if let Some(i) = f.by(Method::Lineage) {
                if i.reference_model != Some(i.base) {
                    notes.push(format!(
                        "{} has no score: its earliest scored derivative is the reference",
                        f.base.repo
                    ));
                }
            } else if methods.contains(&Method::Lineage) {
                notes.push(format!(
                    "{} is not in the graph: no lineage family",
                    f.base.repo
                ));
            }
        }
        Ok(Output {
            name: String::new(),
            analysis: Self::NAME,
            title: "Improvement over days since release".into(),
            description: format!(
                "For chosen bases: each scored member's gain over the reference in {unit_words} (both units are columns of the table) against the days since release, the frontier of record-setters, and the gain normalised so that bases with few and many members compare, by {} (paper figure 12).",
                methods.iter().map(|m| m.describe()).collect::<Vec<_>>().join(", beside the ")
            ),
            table: table(g, &rows, p.method, unit),
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
        // In points: a/t3 is 10 points above the base, 10 / ln 3 normalised.
        assert!(
            (normalized(i, t3, ImprovementUnit::Points).unwrap() - 10.0 / 3f64.ln()).abs() < 1e-6
        );
        let measured = bases::measure(
            &g,
            vec![bases::base_of_model(&g, base)],
            Methods::Both,
            &ImprovementOptions::default(),
        );
        // The lineage method's three members; by name (pattern `base`, 7 B), the base and
        // its three fine-tunes do not match (their names lack it) but the base does.
        let t = table(&g, &measured, Methods::Both, ImprovementUnit::Points);
        assert_eq!(t.columns[9], "normalized_points");
        assert_eq!(t.len(), 3 + 1);
    }
}
