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
