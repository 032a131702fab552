//! Total improvement per base (paper figure 11): for each base, how far its best family
//! member got above the reference, in benchmark points or percent of the reference, raw
//! and normalised, by the papers' name method, lineage's graph method, or both side by side.

use crate::graph::LineageGraph;

use super::algo::improvements::{all_improvements, Improvement, ImprovementOptions};
use super::bases::{self, BaseFamilies, ImprovementUnit, Method, Methods};
use super::{Cell, Table};

/// The `top` bases by scored family members (at least `min_family`), by the lineage
/// method. Parallel over bases in `algo::improvements`.
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

/// The total improvement in `unit` divided by the normalisation's divisor for the family.
pub fn normalized_total(g: &LineageGraph, i: &Improvement, unit: ImprovementUnit) -> Option<f64> {
    let d = i.divisor?;
    bases::total(g, i, unit).map(|p| p / d)
}

/// The improvements as a table, one row per base and method. Both units are columns
/// (`improvement_points`, `improvement_pct_of_reference`); the normalised one is in
/// `unit`, named by it.
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
        "pattern".into(),
        "family_size".into(),
        "scored_members".into(),
        "undated_members".into(),
        "members_measured".into(),
        "reference_model".into(),
        "reference_average".into(),
        "best_model".into(),
        "best_average".into(),
        "improvement_points".into(),
        "improvement_pct_of_reference".into(),
        format!("normalized_{}", unit.column()),
        "normalize_divisor".into(),
        "frontier_steps".into(),
    ]);
    for f in rows {
        for &m in methods.list() {
            let i = f.by(m);
            let name = |v: Option<u32>| v.map_or(Cell::Empty, |v| Cell::text(g.name(v)));
            t.push(vec![
                Cell::text(f.base.label.clone()),
                Cell::text(f.base.repo.clone()),
                Cell::text(m.as_str()),
                if m == Method::Name {
                    Cell::text(f.base.pattern_text())
                } else {
                    Cell::Empty
                },
                // Empty where the family was not measured (a base the graph does not hold).
                i.map_or(Cell::Empty, |i| Cell::int(i.family_size)),
                i.map_or(Cell::Empty, |i| Cell::int(i.scored_members)),
                i.map_or(Cell::Empty, |i| Cell::int(i.undated_members)),
                i.map_or(Cell::Empty, |i| Cell::int(bases::counted_members(i))),
                name(i.and_then(|i| i.reference_model)),
                Cell::opt_float(i.and_then(|i| i.reference_average).map(f64::from)),
                name(i.and_then(|i| i.best_model)),
                Cell::opt_float(i.and_then(|i| bases::best_average(g, i)).map(f64::from)),
                Cell::opt_float(i.and_then(|i| bases::total(g, i, ImprovementUnit::Points))),
                Cell::opt_float(i.and_then(|i| bases::total(g, i, ImprovementUnit::Percent))),
                Cell::opt_float(i.and_then(|i| normalized_total(g, i, unit))),
                Cell::opt_float(i.and_then(|i| i.divisor)),
                i.map_or(Cell::Empty, |i| Cell::int(i.frontier.len())),
            ]);
        }
    }
    t
}

crate::params!(
    /// The parameters of the `improvement-per-base` analysis.
    Params {
        /// bases to measure, MODEL or MODEL=PATTERN/SIZE (the name method's pattern); empty: the set
        bases: Vec<toml::Spanned<String>> = Vec::new(),
        /// with no bases given: top (the lineage bases with most scored derivatives) or papers (the papers' eleven)
        set: crate::analysis::bases::BaseSelection = crate::analysis::bases::BaseSelection::Top,
        /// how families are found: lineage (the base's descendants), name (the papers' name method) or both
        method: crate::analysis::bases::Methods = crate::analysis::bases::Methods::Lineage,
        /// what improvements are measured in: points (average minus the reference's) or percent (of the reference's average)
        unit: crate::analysis::bases::ImprovementUnit = crate::analysis::bases::ImprovementUnit::Points,
        /// with set = top: fewest scored derivatives a base needs
        min_family: usize = 5,
        /// with set = top: how many bases to show
        top: usize = 20,
        /// count merges and their descendants
        include_merges: bool = false,
        /// how improvements are normalised: log (by ln of members), count or none
        normalize: crate::analysis::params::NormalizeParam = crate::analysis::params::NormalizeParam::Log,
    }
);

/// The `improvement-per-base` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ImprovementPerBaseAnalysis;

/// One decimal, never "-0.0".
fn one_decimal(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" {
        "0.0".to_string()
    } else {
        s
    }
}

impl crate::analysis::registry::Compute for ImprovementPerBaseAnalysis {
    const NAME: &'static str = "improvement-per-base";
    const TITLE: &'static str = "Total improvement per base";
    const DESCRIPTION: &'static str = "How far the best family member of each base scores above the reference, in points or percent, raw and normalised, by the papers' name method and the lineage method (paper figure 11).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, series};
        use crate::analysis::notes::{board_note, flagged_note, graph_note, improvement_options};
        use crate::analysis::Output;
        use crate::render::palette::TEXT;
        use crate::render::{Anchor, Axis, Figure, Layer, Layout, LegendEntry, Panel};

        let o = improvement_options(p.include_merges, p.include_flagged, p.normalize, p.board);
        let chosen = bases::choose(g, &p.bases, p.set, p.top, p.min_family, p.method, &o, cx)?;
        let rows = bases::measure(g, chosen, p.method, &o);
        let methods = p.method.list();
        let unit = p.unit;
        // The chart ranks the bases by the first method's total (the table keeps the set's
        // order); bases without a value go last.
        let key = |f: &BaseFamilies| {
            methods
                .iter()
                .find_map(|&m| f.by(m).and_then(|i| bases::total(g, i, unit)))
                .unwrap_or(f64::NEG_INFINITY)
        };
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&x, &y| key(&rows[y]).total_cmp(&key(&rows[x])));
        let names: Vec<String> = order
            .iter()
            .map(|&k| {
                let f = &rows[k];
                let counts: Vec<String> = methods
                    .iter()
                    .map(|&m| f.by(m).map_or(0, bases::counted_members).to_string())
                    .collect();
                let pattern =
                    if methods.contains(&Method::Name) && f.base.label != f.base.pattern_text() {
                        format!(" · {}", f.base.pattern_text())
                    } else {
                        String::new()
                    };
                format!("{}{pattern} ({})", f.base.label, counts.join(" | "))
            })
            .collect();
        let n = rows.len();
        let values = |normalised: bool| -> Vec<Vec<Option<f64>>> {
            methods
                .iter()
                .map(|&m| {
                    order
                        .iter()
                        .map(|&k| {
                            let i = rows[k].by(m)?;
                            if normalised {
                                normalized_total(g, i, unit)
                            } else {
                                bases::total(g, i, unit)
                            }
                        })
                        .collect()
                })
                .collect()
        };
        let mut cut_note = Vec::new();
        let per_row = methods.len();
        let mut hpanel = |series_values: &[Vec<Option<f64>>], label: &str, names: &[String]| {
            let flat: Vec<f64> = series_values.iter().flatten().flatten().copied().collect();
            let lo = flat.iter().copied().fold(0.0, f64::min);
            let mut sorted = flat.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            // An outlier more than twice the next value would squash every other bar: the
            // axis stops above the next value and the outlier's bar is drawn broken, its
            // value written.
            let cut = match (sorted.first(), sorted.get(1)) {
                (Some(&top), Some(&next)) if next > 0.0 && top > 2.0 * next => Some(next * 1.3),
                _ => None,
            };
            let hi = cut.unwrap_or_else(|| flat.iter().copied().fold(0.0, f64::max));
            let span = (hi - lo).max(1e-6);
            // Room right of the longest bar for its value.
            let mut panel = Panel::new(
                Axis::new(label).range(lo - span * 0.02, hi + span * 0.22),
                category_axis_top_down("", names),
            );
            let band = 0.76 / per_row as f64;
            for (s, vals) in series_values.iter().enumerate() {
                let mut bars = Vec::new();
                let mut labels = Vec::new();
                for (i, v) in vals.iter().enumerate() {
                    let top_edge = (n - 1 - i) as f64 + 0.5 + 0.38 - band * s as f64;
                    let (y0, y1) = (top_edge - band * 0.92, top_edge);
                    let yc = (y0 + y1) / 2.0;
                    match *v {
                        Some(v) if cut.is_some_and(|c| v > c) => {
                            let c = cut.unwrap_or(v);
                            bars.push((y0, y1, 0.0, c * 0.9));
                            bars.push((y0, y1, c * 0.93, c));
                            labels.push((c, yc, format!("{} (bar cut)", one_decimal(v))));
                        }
                        Some(v) => {
                            bars.push((y0, y1, 0.0, v));
                            labels.push((v.max(0.0), yc, one_decimal(v)));
                        }
                        None => labels.push((0.0, yc, "none".to_string())),
                    }
                }
                panel.layers.push(Layer::HBars {
                    color: series(s),
                    bars,
                });
                panel.layers.push(Layer::Labels {
                    color: TEXT,
                    labels,
                    anchor: Anchor::Right,
                });
            }
            if cut.is_some() {
                cut_note.push(format!(
                    "{label}: axis cut, the longest bar is broken and its value written"
                ));
            }
            panel
        };
        let unit_words = unit.short();
        let mut a = hpanel(
            &values(false),
            &format!("best member over the reference ({unit_words})"),
            &names,
        );
        a.title = Some(format!("Total improvement, {unit_words}"));
        a.weight = 1.7;
        let blank: Vec<String> = names.iter().map(|_| String::new()).collect();
        let norm_label = bases::normalized_label(p.normalize, unit);
        let mut b = hpanel(&values(true), &norm_label, &blank);
        b.title = Some("Normalised".into());
        let cut_note = cut_note.join("; ");
        let mut fig = Figure::new("Total improvement per base model");
        let counted = methods
            .iter()
            .map(|&m| match m {
                Method::Name => "dated name matches",
                Method::Lineage => "scored descendants",
            })
            .collect::<Vec<_>>()
            .join(" | ");
        fig.subtitle = Some(format!(
            "In brackets: {counted}; {}; {}",
            if p.include_merges {
                "merges included"
            } else {
                "merges and their descendants left out"
            },
            if methods.contains(&Method::Name) {
                "name method: the reference is the earliest member"
            } else {
                "the reference is the base, or its earliest scored derivative when the base has no score"
            }
        ));
        fig.layout = Layout::Columns;
        fig.height = (260 + (22 + 18 * per_row as u32) * n as u32).max(700);
        fig.panels = vec![a, b];
        if methods.len() > 1 {
            fig.legend = methods
                .iter()
                .enumerate()
                .map(|(s, &m)| LegendEntry::boxed(m.describe(), series(s)))
                .collect();
        }
        fig.note = Some(format!(
            "{}; {}; sorted by the {} method's total{}",
            graph_note(g),
            flagged_note(p.include_flagged),
            methods[0],
            if cut_note.is_empty() {
                String::new()
            } else {
                format!("; {cut_note}")
            }
        ));
        board_note(&mut fig, g, p.board);
        let mut notes = Vec::new();
        for f in &rows {
            if methods.contains(&Method::Lineage) && f.base.model.is_none() {
                notes.push(format!(
                    "{} is not in the graph: no lineage family",
                    f.base.repo
                ));
            }
        }
        Ok(Output {
            name: String::new(),
            analysis: Self::NAME,
            title: "Total improvement per base".into(),
            description: format!(
                "For each base: how far its best family member's leaderboard average is above the reference's, in {} (both units are columns of the table), raw and normalised, by {} (paper figure 11).",
                unit_words,
                methods.iter().map(|m| m.describe()).collect::<Vec<_>>().join(", beside the ")
            ),
            table: table(g, &rows, p.method, unit),
            extra: Vec::new(),
            figure: fig,
            notes,
        })
    }
}
