//! New models per period by architecture group, with notable base-model releases marked
//! (paper figure 5). Architectures under the threshold are grouped as "other".

use crate::graph::LineageGraph;

use super::groups::{timeline, ArchitectureGroups};
use super::new_models_by_type::PeriodCounts;
use super::releases::Release;
use super::{Scope, Unit};

/// New models per period by architecture, with the notable releases on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct NewModelsByArchitecture {
    /// Counts per period and architecture.
    pub counts: PeriodCounts,
    /// The notable releases that fall on the timeline, with their chart position.
    pub releases: Vec<(Release, f64)>,
}

/// Counts new models per period and architecture group. Linear in models.
pub fn new_models_by_architecture(
    g: &LineageGraph,
    scope: &Scope,
    unit: Unit,
    groups: &ArchitectureGroups,
    releases: &[Release],
) -> NewModelsByArchitecture {
    let tl = timeline(g, scope, unit);
    let mut pc = PeriodCounts::new(tl, groups.names.clone());
    for v in scope.models(g) {
        let m = &g.models[v as usize];
        match m.created.and_then(|d| pc.timeline.index_of(d)) {
            Some(p) => {
                if let Some(c) = groups.group_of(g, m) {
                    pc.counts[p][c] += 1;
                }
            }
            None => pc.undated += usize::from(m.created.is_none()),
        }
    }
    let releases = releases
        .iter()
        .filter_map(|r| pc.timeline.position(r.date).map(|x| (r.clone(), x)))
        .collect();
    NewModelsByArchitecture {
        counts: pc,
        releases,
    }
}

crate::params!(
    /// The parameters of the `new-models-by-architecture` analysis.
    Params {
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
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
        /// table of notable releases (default: the built-in queries/releases.csv)
        releases: Option<toml::Spanned<String>> = None,
    }
);

/// The `new-models-by-architecture` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct NewModelsByArchitectureAnalysis;

impl crate::analysis::registry::Compute for NewModelsByArchitectureAnalysis {
    const NAME: &'static str = "new-models-by-architecture";
    const TITLE: &'static str = "New models by architecture";
    const DESCRIPTION: &'static str = "New models per period by architecture group, with notable base-model releases marked (paper figure 5).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::stacked_periods;
        use crate::analysis::notes::{flagged_note, graph_note, join_notes, partial_note};
        use crate::analysis::{self, Output, Table};

        use crate::analysis::groups::ArchitectureGroups;

        let sc = p.scope();
        let rule = crate::analysis::groups::GroupRule {
            threshold: p.threshold.0,
            by: p.threshold_scope,
            unit: p.unit,
            min_period_models: p.min_period_models,
            min_models: p.min_models,
        };
        let groups = ArchitectureGroups::compute(g, &sc, &rule, &p.keep);
        let rel = crate::analysis::releases::from_param(cx, &p.releases)?;
        let r = analysis::new_models_by_architecture::new_models_by_architecture(
            g, &sc, p.unit, &groups, &rel,
        );
        let markers: Vec<(f64, String)> = r
            .releases
            .iter()
            .map(|(rel, x)| (*x, rel.name.clone()))
            .collect();
        let mut fig = stacked_periods(
            &r.counts,
            false,
            &format!("New models per {} by architecture", p.unit),
            "models",
            &markers,
        );
        fig.subtitle =
            Some("Dashed lines: notable base-model releases (queries/releases.csv)".into());
        let rule = rule.describe();
        fig.note = Some(join_notes(
            [
                graph_note(g),
                flagged_note(p.include_flagged).to_string(),
                rule,
            ]
            .into_iter()
            .chain(partial_note(
                g,
                p.unit,
                r.counts.timeline.starts.last().copied(),
                sc.to,
            )),
        ));
        let mut rt = Table::new(["release", "date", "architecture", "models"]);
        for (rel, _) in &r.releases {
            rt.push(vec![
                analysis::Cell::text(&rel.name),
                analysis::Cell::text(rel.date.to_string()),
                analysis::Cell::text(rel.architecture.clone().unwrap_or_default()),
                analysis::Cell::text(rel.models.join("|")),
            ]);
        }
        Ok(Output {
                name: String::new(),
                analysis: Self::NAME,
                title: format!("New models per {} by architecture", p.unit),
                description: format!("New models each {} by architecture group, with notable base-model releases marked (paper figure 5); architectures under the threshold are grouped as other.", p.unit),
                table: r.counts.table(),
                extra: vec![("releases".into(), "Releases marked".into(), rt)],
                figure: fig,
                notes: vec![format!("architecture groups: {}", groups.names.join(", "))],
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::groups::ThresholdScope;
    use crate::analysis::testgraph::{build, lb_row};
    use crate::model::Day;

    #[test]
    fn small_architectures_become_other() {
        let mut details = String::new();
        let mut lb = String::new();
        for i in 0..20 {
            let arch = match i {
                0 => "GemmaForCausalLM",
                1 => "Unknown",
                2..=5 => "MistralForCausalLM",
                _ => "LlamaForCausalLM",
            };
            details.push_str(&format!(
                "{i},a/m{i},a,2024-01-0{} 00:00:00+00:00,,{i},,[],,,\n",
                1 + i % 9
            ));
            lb.push_str(&lb_row(
                &format!("a/m{i}"),
                "🟢 pretrained",
                50.0,
                arch,
                "mit",
                7.0,
                false,
            ));
        }
        let g = build(&details, &lb, "");
        let scope = Scope::default();
        let groups = ArchitectureGroups::compute(
            &g,
            &scope,
            &crate::analysis::groups::GroupRule {
                threshold: 0.1,
                by: ThresholdScope::Overall,
                unit: Unit::Month,
                min_period_models: 1,
                min_models: 0,
            },
            &[],
        );
        assert_eq!(groups.names, ["Llama", "Mistral", "other", "unknown"]);
        let release = Release {
            name: "Gemma".into(),
            date: Day::parse("2024-01-16").unwrap(),
            models: Vec::new(),
            architecture: Some("Gemma".into()),
        };
        let r = new_models_by_architecture(&g, &scope, Unit::Month, &groups, &[release]);
        assert_eq!(r.counts.counts[0], [14, 4, 1, 1]);
        assert_eq!(r.releases.len(), 1);
        assert!((r.releases[0].1 - 15.0 / 31.0).abs() < 1e-9);
    }
}
