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
            0.1,
            ThresholdScope::Overall,
            Unit::Month,
            1,
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
