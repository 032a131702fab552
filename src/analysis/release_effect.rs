//! The effect of major releases on what the community builds (the interactive tool's last
//! view): for each notable release, how fast derivatives of its models appear (through
//! lineage), and how the share of new models of its architecture moves from the window
//! before the release to the window after.

use crate::graph::LineageGraph;

use super::groups::model_architecture;
use super::releases::Release;
use super::{Cell, Scope, Table};

/// What followed one notable release: its descendants and the share of new models of its architecture.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseEffect {
    /// The release.
    pub release: Release,
    /// The release's models found in the graph.
    pub found: Vec<u32>,
    /// Its models not in the graph.
    pub missing: Vec<String>,
    /// Selected descendants of the release's models (any depth, merges included).
    pub descendants: usize,
    /// Descendants created 0..window days after the release, by day (index = day).
    pub by_day: Vec<usize>,
    /// Days from the release to its first dated descendant.
    pub first_derivative_days: Option<i32>,
    /// New models in the window before / after, and how many of them have the release's
    /// architecture.
    pub before: (usize, usize),
    /// As `before`, for the window after the release.
    pub after: (usize, usize),
}

impl ReleaseEffect {
    /// Share of the window before's new models that have the release's architecture.
    pub fn share_before(&self) -> Option<f64> {
        (self.before.0 > 0).then(|| self.before.1 as f64 / self.before.0 as f64)
    }
    /// Share of the window after's new models that have the release's architecture.
    pub fn share_after(&self) -> Option<f64> {
        (self.after.0 > 0).then(|| self.after.1 as f64 / self.after.0 as f64)
    }
    /// Descendants created within the window after the release.
    pub fn in_window(&self) -> usize {
        self.by_day.iter().sum()
    }
}

/// One row per release. O(releases × (models + family size)).
pub fn release_effect(
    g: &LineageGraph,
    scope: &Scope,
    releases: &[Release],
    window_days: u32,
) -> Vec<ReleaseEffect> {
    let window = window_days.max(1) as i32;
    let mut seen = vec![false; g.model_count()];
    releases
        .iter()
        .map(|r| {
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for id in &r.models {
                match g.lookup(id) {
                    Some(v) => found.push(v),
                    None => missing.push(id.clone()),
                }
            }
            // Family: everything below the release's models, once.
            let mut stack: Vec<u32> = found.clone();
            for &v in &found {
                seen[v as usize] = true;
            }
            let mut family = Vec::new();
            while let Some(x) = stack.pop() {
                for (c, _) in g.dag_children(x) {
                    if !seen[c as usize] {
                        seen[c as usize] = true;
                        family.push(c);
                        stack.push(c);
                    }
                }
            }
            for &v in found.iter().chain(&family) {
                seen[v as usize] = false;
            }
            let family: Vec<u32> = family
                .into_iter()
                .filter(|&v| scope.counts(&g.models[v as usize]))
                .collect();
            let mut by_day = vec![0usize; window as usize];
            let mut first = None::<i32>;
            for &v in &family {
                if let Some(d) = g.models[v as usize].created {
                    let days = d.0 - r.date.0;
                    if days >= 0 {
                        first = Some(first.map_or(days, |f| f.min(days)));
                    }
                    if (0..window).contains(&days) {
                        by_day[days as usize] += 1;
                    }
                }
            }
            let (mut before, mut after) = ((0, 0), (0, 0));
            for (v, d) in scope.dated(g) {
                let days = d.0 - r.date.0;
                let same = r.architecture.as_deref().is_some_and(|a| {
                    model_architecture(g, &g.models[v as usize])
                        .is_some_and(|m| m.eq_ignore_ascii_case(a))
                });
                let slot = if (-window..0).contains(&days) {
                    &mut before
                } else if (0..window).contains(&days) {
                    &mut after
                } else {
                    continue;
                };
                slot.0 += 1;
                slot.1 += usize::from(same);
            }
            ReleaseEffect {
                release: r.clone(),
                found,
                missing,
                descendants: family.len(),
                by_day,
                first_derivative_days: first,
                before,
                after,
            }
        })
        .collect()
}

/// The releases as a table, one row per release; `window_days` is the window's length.
pub fn table(rows: &[ReleaseEffect], window_days: u32) -> Table {
    let mut t = Table::new([
        "release",
        "date",
        "architecture",
        "models_in_graph",
        "models_missing",
        "descendants",
        "descendants_within_window",
        "first_derivative_days",
        "window_days",
        "new_models_before",
        "share_before",
        "new_models_after",
        "share_after",
    ]);
    for r in rows {
        t.push(vec![
            Cell::text(&r.release.name),
            Cell::text(r.release.date.to_string()),
            Cell::text(r.release.architecture.as_deref().unwrap_or("")),
            Cell::int(r.found.len()),
            Cell::text(r.missing.join("|")),
            Cell::int(r.descendants),
            Cell::int(r.in_window()),
            r.first_derivative_days.map_or(Cell::Empty, Cell::int),
            Cell::int(window_days),
            Cell::int(r.before.0),
            Cell::opt_float(r.share_before()),
            Cell::int(r.after.0),
            Cell::opt_float(r.share_after()),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `release-effect` analysis.
    Params {
        /// days before and after each release compared
        window_days: u32 = 90,
        /// table of notable releases (default: the built-in queries/releases.csv)
        releases: Option<toml::Spanned<String>> = None,
    }
);

/// The `release-effect` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseEffectAnalysis;

impl crate::analysis::registry::Compute for ReleaseEffectAnalysis {
    const NAME: &'static str = "release-effect";
    const TITLE: &'static str = "Effect of major releases";
    const DESCRIPTION: &'static str = "How fast derivatives of each notable release appeared and how its architecture's share of new models changed (the interactive tool's release view).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis, series};
        use crate::analysis::notes::{data_end, flagged_note, graph_note};
        use crate::analysis::{self, Output};
        use crate::render::palette::{self, TEXT};
        use crate::render::{Anchor, Axis, Figure, Layer, LegendEntry, Panel};

        let rel = &crate::analysis::releases::from_param(cx, &p.releases)?;

        let sc = p.scope();
        let rows = analysis::release_effect::release_effect(g, &sc, rel, p.window_days);
        let mut a = Panel::new(
            Axis::new("days since release").range(0.0, p.window_days as f64),
            Axis::new("descendants so far").from_zero(),
        )
        .titled("Derivatives of the release's models, through lineage");
        let mut legend = Vec::new();
        let end = data_end(g);
        let mut after_end = Vec::new();
        for (k, r) in rows.iter().enumerate() {
            let color = series(k);
            // Days after the data ends are not observed: the line stops there.
            let observed = end.map_or(0, |e| (e.0 - r.release.date.0 + 1).max(0) as usize);
            if observed == 0 {
                after_end.push(r.release.name.clone());
                continue;
            }
            let mut run = 0;
            let pts: Vec<(f64, f64)> = r
                .by_day
                .iter()
                .take(observed)
                .enumerate()
                .map(|(d, c)| {
                    run += c;
                    (d as f64, run as f64)
                })
                .collect();
            legend.push(LegendEntry::line(
                format!("{} ({})", r.release.name, r.release.date),
                color,
                false,
            ));
            a.layers.push(Layer::Line {
                color,
                points: pts,
                width: 3,
                dashed: false,
                markers: false,
            });
        }
        let names: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} ({})",
                    r.release.name,
                    r.release.architecture.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let mut b = Panel::new(
            category_axis("release (architecture)", &names),
            Axis::new("share of new models").percent().from_zero(),
        )
        .titled(format!(
            "Share of new models with the release's architecture, {} days before and after",
            p.window_days
        ));
        let before_c = palette::SERIES[10];
        let after_c = palette::SERIES[0];
        b.layers.push(Layer::Bars {
            color: before_c,
            bars: rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    Some((i as f64 + 0.12, i as f64 + 0.48, 0.0, r.share_before()?))
                })
                .collect(),
        });
        b.layers.push(Layer::Bars {
            color: after_c,
            bars: rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    Some((i as f64 + 0.52, i as f64 + 0.88, 0.0, r.share_after()?))
                })
                .collect(),
        });
        let maxs = rows
            .iter()
            .flat_map(|r| [r.share_before(), r.share_after()])
            .flatten()
            .fold(0.0, f64::max);
        b.y = b.y.range(0.0, (maxs * 1.15).clamp(0.05, 1.0));
        b.layers.push(Layer::Labels {
            color: TEXT,
            labels: rows
                .iter()
                .enumerate()
                .flat_map(|(i, r)| {
                    [
                        r.share_before()
                            .map(|s| (i as f64 + 0.3, s, format!("{:.0}%", s * 100.0))),
                        r.share_after()
                            .map(|s| (i as f64 + 0.7, s, format!("{:.0}%", s * 100.0))),
                    ]
                })
                .flatten()
                .collect(),
            anchor: Anchor::Above,
        });
        legend.push(LegendEntry::heading("architecture share"));
        legend.push(LegendEntry::boxed(
            format!("{} days before", p.window_days),
            before_c,
        ));
        legend.push(LegendEntry::boxed(
            format!("{} days after", p.window_days),
            after_c,
        ));
        let mut fig = Figure::new("Effect of major releases");
        fig.subtitle = Some(
        "Releases from queries/releases.csv; lineage counts only derivatives that name their base"
            .into(),
    );
        fig.height = 1050;
        fig.panels = vec![a, b];
        fig.legend = legend;
        fig.note = Some(format!(
            "{}; {}",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        let mut notes: Vec<String> = rows
            .iter()
            .filter(|r| !r.missing.is_empty())
            .map(|r| {
                format!(
                    "{}: not in the graph: {}",
                    r.release.name,
                    r.missing.join(", ")
                )
            })
            .collect();
        if !after_end.is_empty() {
            notes.push(format!(
                "released after the data ends (no line): {}",
                after_end.join(", ")
            ));
        }
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Effect of major releases".into(),
        description: format!("For each notable release: how fast derivatives of its models appeared (through lineage) and how the share of new models with its architecture changed from the {} days before to the {} days after (the interactive tool's release view).", p.window_days, p.window_days),
        table: analysis::release_effect::table(&rows, p.window_days),
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
    use crate::model::Day;

    #[test]
    fn derivatives_and_shares_around_a_release() {
        let details = "0,o/base,o,2024-01-10 00:00:00+00:00,,1,,[],,,\n\
                       1,a/t1,a,2024-01-12 00:00:00+00:00,,1,,[],,,o/base\n\
                       2,a/t2,a,2024-01-20 00:00:00+00:00,,1,,[],,,a/t1\n\
                       3,b/old,b,2024-01-05 00:00:00+00:00,,1,,[],,,\n";
        let lb = [
            lb_row(
                "o/base",
                "🟢 pretrained",
                50.0,
                "MistralForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/t1",
                "🔶 fine-tuned",
                50.0,
                "MistralForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/t2",
                "🔶 fine-tuned",
                50.0,
                "MistralForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "b/old",
                "🔶 fine-tuned",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let r = Release {
            name: "Base".into(),
            date: Day::parse("2024-01-10").unwrap(),
            models: vec!["o/base".into(), "o/nowhere".into()],
            architecture: Some("Mistral".into()),
        };
        let e = &release_effect(&g, &Scope::default(), &[r], 30)[0];
        assert_eq!(e.found.len(), 1);
        assert_eq!(e.missing, ["o/nowhere"]);
        assert_eq!(e.descendants, 2);
        assert_eq!(e.first_derivative_days, Some(2));
        assert_eq!((e.by_day[2], e.by_day[10]), (1, 1));
        assert_eq!(e.before, (1, 0));
        assert_eq!(e.after, (3, 3));
    }
}
