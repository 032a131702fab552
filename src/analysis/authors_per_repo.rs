//! Authors per repo (paper figure 3): how many people committed to each model's repo,
//! bots left out. Models without commit data are not counted (and the count says so).

use crate::graph::LineageGraph;

use super::groups::Bots;
use super::repos_per_author::bucket_label;
use super::{Cell, Scope, Table};

/// One bar per author count up to this many; a repo with more authors goes in the last
/// bar, "≥LAST", which the chart's note then names. Per-count bars keep the categorical
/// axis honest: every bar is one unit wide, so no wide bin makes a false bump.
pub const LAST: usize = 30;

/// How many authors committed to each repo (a histogram).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorsPerRepo {
    /// `(label, lo, hi, repos)`.
    pub buckets: Vec<(String, usize, Option<usize>, usize)>,
    /// Repos with at least one human committer.
    pub repos: usize,
    /// Selected models with no commit data.
    pub without_commits: usize,
    /// Models whose only committers are bots.
    pub only_bots: usize,
    /// Most authors of one repo.
    pub max: usize,
    /// Mean authors per repo, over `repos`.
    pub mean: f64,
}

/// Linear in models plus contributor entries.
pub fn authors_per_repo(g: &LineageGraph, scope: &Scope, bots: &Bots) -> AuthorsPerRepo {
    let mask = bots.mask(g);
    let mut per_count = vec![0usize; LAST + 1];
    let (mut repos, mut without, mut only_bots, mut max, mut sum) = (0, 0, 0, 0, 0usize);
    let mut people: Vec<u32> = Vec::new();
    for v in scope.models(g) {
        let row = g.contributors.row(v);
        if row.is_empty() {
            without += 1;
            continue;
        }
        people.clear();
        people.extend(
            row.iter()
                .copied()
                .filter(|&a| !mask.get(a as usize).copied().unwrap_or(false)),
        );
        people.sort_unstable();
        people.dedup();
        let n = people.len();
        if n == 0 {
            only_bots += 1;
            continue;
        }
        per_count[n.min(LAST)] += 1;
        repos += 1;
        max = max.max(n);
        sum += n;
    }
    // Bars from one author to the most any repo has (at most LAST), empty counts included.
    let top = max.clamp(1, LAST);
    let buckets = (1..=top)
        .map(|lo| {
            let hi = if lo == LAST { None } else { Some(lo) };
            (bucket_label(lo, hi), lo, hi, per_count[lo])
        })
        .collect();
    AuthorsPerRepo {
        buckets,
        repos,
        without_commits: without,
        only_bots,
        max,
        mean: if repos == 0 {
            0.0
        } else {
            sum as f64 / repos as f64
        },
    }
}

impl AuthorsPerRepo {
    /// The histogram as a table, one row per bucket.
    pub fn table(&self) -> Table {
        let mut t = Table::new(["authors", "min", "max", "repos", "share_of_repos"]);
        for (label, lo, hi, n) in &self.buckets {
            t.push(vec![
                Cell::text(label),
                Cell::int(*lo),
                hi.map_or(Cell::Empty, Cell::int),
                Cell::int(*n),
                Cell::float(if self.repos == 0 {
                    0.0
                } else {
                    *n as f64 / self.repos as f64
                }),
            ]);
        }
        t
    }
}

crate::params!(
    /// The parameters of the `authors-per-repo` analysis.
    Params {
        /// more author names to treat as bots
        bots: Vec<String> = Vec::new(),
    }
);

/// The `authors-per-repo` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct AuthorsPerRepoAnalysis;

impl crate::analysis::registry::Compute for AuthorsPerRepoAnalysis {
    const NAME: &'static str = "authors-per-repo";
    const TITLE: &'static str = "Authors per repository";
    const DESCRIPTION: &'static str =
        "How many people committed to each model repository, bots left out (paper figure 3).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_bars, series};
        use crate::analysis::notes::{bots, flagged_note, graph_note};
        use crate::analysis::{self, Output};

        let sc = p.scope();
        let r = analysis::authors_per_repo::authors_per_repo(g, &sc, &bots(&p.bots));
        let names: Vec<String> = r.buckets.iter().map(|b| b.0.clone()).collect();
        let values: Vec<f64> = r.buckets.iter().map(|b| b.3 as f64).collect();
        let mut fig = category_bars(
            "Authors per repository",
            "commit authors per repository",
            "repositories (log scale)",
            &names,
            &values,
            true,
            series(2),
        );
        fig.subtitle = Some(format!(
            "{} repositories with commit data; mean {:.2} authors, most {}",
            r.repos, r.mean, r.max
        ));
        fig.note = Some(format!(
            "{}; {}; bots left out; {} models without commit data{}",
            graph_note(g),
            flagged_note(p.include_flagged),
            r.without_commits,
            if r.max > LAST {
                format!("; the last bar counts every repository with {LAST} or more authors")
            } else {
                String::new()
            }
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Authors per repository".into(),
        description:
            "How many people committed to each model repository, bots left out (paper figure 3)."
                .into(),
        table: r.table(),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!(
            "{} repos counted, {} without commit data, {} with only bot commits",
            r.repos, r.without_commits, r.only_bots
        )],
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn counts_people_not_bots() {
        let details =
            "0,a/m1,a,,,1,,[],,,\n1,a/m2,a,,,2,,[],,,\n2,a/m3,a,,,3,,[],,,\n3,a/m4,a,,,4,,[],,,\n";
        let commits = "0,a/m1,2,1,x,y,\"['a', 'b', 'SFconvertbot']\"\n\
                       1,a/m2,1,1,x,y,\"['a']\"\n\
                       2,a/m3,1,1,x,y,\"['librarian-bot']\"\n";
        let g = build(details, "", commits);
        let r = authors_per_repo(&g, &Scope::default(), &Bots::default());
        assert_eq!(r.repos, 2);
        assert_eq!(r.without_commits, 1);
        assert_eq!(r.only_bots, 1);
        assert_eq!(
            r.buckets.len(),
            2,
            "one bar per count up to the most authors"
        );
        assert_eq!(r.buckets[0].3, 1);
        assert_eq!(r.buckets[1].3, 1);
        assert_eq!(r.max, 2);
    }
}
