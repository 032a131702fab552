//! Repository contributions (the journal version's table 4): per repository, how many
//! authors committed, how many commits its history has, and its first and last commit, as
//! the commit history gives them.

use crate::graph::LineageGraph;

use super::groups::Bots;
use super::{Cell, Scope, Table};

/// The `top` selected repos with a commit history, most commits first (then most commit
/// authors, then by id). O(n log n).
pub fn most_committed(g: &LineageGraph, scope: &Scope, bots: &Bots, top: usize) -> Vec<u32> {
    let mask = bots.mask(g);
    let humans = |v: u32| {
        g.contributors
            .row(v)
            .iter()
            .filter(|&&a| !mask.get(a as usize).copied().unwrap_or(false))
            .count()
    };
    let mut ranked: Vec<(u32, u32, usize)> = scope
        .models(g)
        .filter_map(|v| Some((v, g.models[v as usize].commits?, humans(v))))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.2.cmp(&a.2))
            .then_with(|| g.name(a.0).cmp(g.name(b.0)))
    });
    ranked.truncate(top);
    ranked.into_iter().map(|r| r.0).collect()
}

/// The table: model, commit authors (bots left out), commits, first and last commit, and
/// the first `names` authors.
pub fn table(g: &LineageGraph, rows: &[u32], bots: &Bots, names: usize) -> Table {
    let mut t = Table::new([
        "model",
        "commit_authors",
        "commits",
        "first_commit",
        "last_commit",
        "authors",
    ]);
    for &v in rows {
        let m = &g.models[v as usize];
        let humans: Vec<&str> = g
            .contributors
            .row(v)
            .iter()
            .map(|&a| g.authors.name(a))
            .filter(|a| !bots.is_bot(a))
            .collect();
        let mut listed = humans[..humans.len().min(names)].join("; ");
        if humans.len() > names {
            listed.push_str(&format!(" (+{} more)", humans.len() - names));
        }
        t.push(vec![
            Cell::text(g.name(v)),
            Cell::int(humans.len()),
            m.commits.map_or(Cell::Empty, Cell::int),
            m.first_commit
                .map_or(Cell::Empty, |d| Cell::text(d.to_string())),
            m.last_commit
                .map_or(Cell::Empty, |d| Cell::text(d.to_string())),
            Cell::text(listed),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `repo-contributions` analysis.
    Params {
        /// how many repositories
        top: usize = 10,
        /// commit authors named per repository (the rest are counted)
        names: usize = 5,
        /// more author names to treat as bots
        bots: Vec<String> = Vec::new(),
    }
);

/// The `repo-contributions` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct RepoContributionsAnalysis;

impl crate::analysis::registry::Compute for RepoContributionsAnalysis {
    const NAME: &'static str = "repo-contributions";
    const TITLE: &'static str = "Repository contributions";
    const DESCRIPTION: &'static str = "Per repository: commit authors, commits, first and last commit from the commit history, the most committed first (the journal version's table 4).";
    type Params = Params;

    fn compute(
        &self,
        g: &LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::notes::{bots, flagged_note, graph_note};
        let bots = bots(&p.bots);
        let rows = most_committed(g, &p.scope(), &bots, p.top);
        let with_history = p
            .scope()
            .models(g)
            .filter(|&v| g.models[v as usize].commits.is_some())
            .count();
        let names: Vec<String> = rows.iter().map(|&v| g.name(v).to_string()).collect();
        let values: Vec<f64> = rows
            .iter()
            .map(|&v| f64::from(g.models[v as usize].commits.unwrap_or(0)))
            .collect();
        let mut fig = super::ranked_bars::ranked_bars(
            &format!("The {} repositories with most commits", rows.len()),
            "commits",
            &names,
            &values,
            false,
        );
        fig.subtitle = Some(format!(
            "Of {with_history} repositories with a commit history; authors and first and last commit are in the table"
        ));
        fig.note = Some(format!(
            "{}; {}",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(crate::analysis::Output {
            name: String::new(),
            analysis: Self::NAME,
            title: "Repository contributions (table 4)".into(),
            description: format!(
                "The {} repositories with most commits (of {with_history} with a commit history): commit authors (bots left out), commits, first and last commit day (the journal version's table 4).",
                rows.len()
            ),
            table: table(g, &rows, &bots, p.names),
            extra: Vec::new(),
            figure: fig,
            notes: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn most_commits_first_with_dates_and_authors() {
        let details = "0,o/x,o,,,5,,[],,,\n1,o/y,o,,,50,,[],,,\n2,p/z,p,,,1,,[],,,\n";
        let commits = "0,o/x,2,3,2024-01-02 10:00:00,2024-02-03 11:00:00,\"['ann', 'bob']\"\n\
                       1,o/y,2,9,2023-05-06 00:00:00,2024-01-01 00:00:00,\"['ann', 'SFconvertbot']\"\n";
        let g = build(details, "", commits);
        let rows = most_committed(&g, &Scope::default(), &Bots::default(), 5);
        let names: Vec<&str> = rows.iter().map(|&v| g.name(v)).collect();
        // p/z has no commit history.
        assert_eq!(names, ["o/y", "o/x"]);
        let t = table(&g, &rows, &Bots::default(), 1);
        assert_eq!(t.get(0, "commits").and_then(|c| c.as_f64()), Some(9.0));
        assert_eq!(
            t.get(0, "commit_authors").and_then(|c| c.as_f64()),
            Some(1.0)
        );
        assert_eq!(
            t.get(0, "first_commit").and_then(|c| c.as_str()),
            Some("2023-05-06")
        );
        assert_eq!(
            t.get(1, "last_commit").and_then(|c| c.as_str()),
            Some("2024-02-03")
        );
        assert_eq!(
            t.get(1, "authors").and_then(|c| c.as_str()),
            Some("ann (+1 more)")
        );
    }
}
