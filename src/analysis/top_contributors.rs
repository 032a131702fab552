//! The top contributors with sample repositories (the journal version's table 3): the
//! authors with most repositories, their share of author-repo contributions (the papers'
//! share, the one every author figure uses) and a few of their repositories.

use crate::graph::LineageGraph;

use super::groups::{AuthorBasis, Bots};
use super::{Cell, Scope, Table};

/// One of the top contributors.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributor {
    /// The author id.
    pub author: u32,
    /// Repos counted for the author.
    pub repos: usize,
    /// Its most downloaded repos (then by id), at most the number asked for.
    pub samples: Vec<u32>,
}

/// The ranking, with the totals the share is taken over.
#[derive(Debug, Clone, PartialEq)]
pub struct TopContributors {
    /// The top authors, most repos first (ties by name).
    pub authors: Vec<Contributor>,
    /// Authors counted.
    pub all_authors: usize,
    /// Author-repo contributions of all authors (the share's denominator).
    pub contributions: usize,
}

/// The `top` authors by repos on `basis`, bots left out, with `samples` sample repos each.
/// Linear in models and contributor entries plus sorting.
pub fn top_contributors(
    g: &LineageGraph,
    scope: &Scope,
    basis: AuthorBasis,
    bots: &Bots,
    top: usize,
    samples: usize,
) -> TopContributors {
    let mask = bots.mask(g);
    let mut repos_of: Vec<Vec<u32>> = vec![Vec::new(); g.authors.len()];
    let mut authors = Vec::new();
    for v in scope.models(g) {
        basis.authors_of(g, v, &mask, &mut authors);
        for &a in &authors {
            repos_of[a as usize].push(v);
        }
    }
    let contributions = repos_of.iter().map(Vec::len).sum();
    let mut ranked: Vec<u32> = (0..g.authors.len() as u32)
        .filter(|&a| !repos_of[a as usize].is_empty())
        .collect();
    let all_authors = ranked.len();
    ranked.sort_by(|&a, &b| {
        repos_of[b as usize]
            .len()
            .cmp(&repos_of[a as usize].len())
            .then_with(|| g.authors.name(a).cmp(g.authors.name(b)))
    });
    ranked.truncate(top);
    let authors = ranked
        .into_iter()
        .map(|a| {
            let mut repos = repos_of[a as usize].clone();
            repos.sort_by(|&x, &y| {
                let d = |v: u32| g.models[v as usize].downloads.unwrap_or(0);
                d(y).cmp(&d(x)).then_with(|| g.name(x).cmp(g.name(y)))
            });
            repos.truncate(samples);
            Contributor {
                author: a,
                repos: repos_of[a as usize].len(),
                samples: repos,
            }
        })
        .collect();
    TopContributors {
        authors,
        all_authors,
        contributions,
    }
}

impl TopContributors {
    /// The table: rank, author, repos, share of contributions, sample repos.
    pub fn table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new([
            "rank",
            "author",
            "repos",
            "share_of_contributions",
            "sample_repos",
        ]);
        for (i, c) in self.authors.iter().enumerate() {
            t.push(vec![
                Cell::int(i + 1),
                Cell::text(g.authors.name(c.author)),
                Cell::int(c.repos),
                Cell::float(c.repos as f64 / self.contributions.max(1) as f64),
                Cell::text(
                    c.samples
                        .iter()
                        .map(|&v| g.name(v))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ]);
        }
        t
    }
}

crate::params!(
    /// The parameters of the `top-contributors` analysis.
    Params {
        /// how many authors
        top: usize = 10,
        /// sample repositories listed per author (the most downloaded)
        samples: usize = 3,
        /// who is an author: contributors (commit authors, the papers' and the default everywhere), owners (namespaces) or both
        basis: crate::analysis::groups::AuthorBasis = crate::analysis::groups::AuthorBasis::Contributors,
        /// more author names to treat as bots
        bots: Vec<String> = Vec::new(),
    }
);

/// The `top-contributors` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct TopContributorsAnalysis;

impl crate::analysis::registry::Compute for TopContributorsAnalysis {
    const NAME: &'static str = "top-contributors";
    const TITLE: &'static str = "Top contributors";
    const DESCRIPTION: &'static str = "The authors with most repositories, their share of author-repo contributions and sample repositories (the journal version's table 3).";
    type Params = Params;

    fn compute(
        &self,
        g: &LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::notes::{basis_text, bots, flagged_note, graph_note, SHARE_TEXT};
        let r = top_contributors(g, &p.scope(), p.basis, &bots(&p.bots), p.top, p.samples);
        let names: Vec<String> = r
            .authors
            .iter()
            .map(|c| g.authors.name(c.author).to_string())
            .collect();
        let values: Vec<f64> = r.authors.iter().map(|c| c.repos as f64).collect();
        let mut fig = super::ranked_bars::ranked_bars(
            &format!("The {} top contributors", r.authors.len()),
            "repositories",
            &names,
            &values,
            false,
        );
        let top_sum: usize = r.authors.iter().map(|c| c.repos).sum();
        let share = top_sum as f64 / r.contributions.max(1) as f64 * 100.0;
        fig.subtitle = Some(format!(
            "Authors: {}, bots left out; these {} made {share:.1}% of {} {SHARE_TEXT}",
            basis_text(p.basis),
            r.authors.len(),
            r.contributions,
        ));
        fig.note = Some(format!(
            "{}; {}",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(crate::analysis::Output {
            name: String::new(),
            analysis: Self::NAME,
            title: "Top contributors (table 3)".into(),
            description: format!(
                "The {} authors ({}) with most repositories, each one's share of all {} author-repo contributions of {} authors (a share of contributions: the top authors' repos per author over all authors'), and its most downloaded repositories (the journal version's table 3).",
                r.authors.len(),
                basis_text(p.basis),
                r.contributions,
                r.all_authors
            ),
            table: r.table(g),
            extra: Vec::new(),
            figure: fig,
            notes: vec![format!(
                "the top {} authors made {share:.2}% of {} {SHARE_TEXT}",
                r.authors.len(),
                r.contributions
            )],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn commit_authors_ranked_with_their_best_known_repos() {
        let details = "0,o/x,o,,,5,,[],,,\n1,o/y,o,,,50,,[],,,\n2,p/z,p,,,1,,[],,,\n";
        let commits = "0,o/x,2,3,,,\"['ann', 'bob']\"\n\
                       1,o/y,1,1,,,\"['ann']\"\n\
                       2,p/z,2,2,,,\"['ann', 'SFconvertbot']\"\n";
        let g = build(details, "", commits);
        let r = top_contributors(
            &g,
            &Scope::default(),
            AuthorBasis::Contributors,
            &Bots::default(),
            5,
            2,
        );
        // ann 3 repos, bob 1; the bot is left out: 4 contributions.
        assert_eq!((r.all_authors, r.contributions), (2, 4));
        let ann = &r.authors[0];
        assert_eq!((g.authors.name(ann.author), ann.repos), ("ann", 3));
        let samples: Vec<&str> = ann.samples.iter().map(|&v| g.name(v)).collect();
        assert_eq!(samples, ["o/y", "o/x"]);
        let t = r.table(&g);
        assert_eq!(
            t.get(0, "share_of_contributions").and_then(|c| c.as_f64()),
            Some(0.75)
        );
    }
}
