//! Repos per author (paper figure 2) as a histogram with widening buckets, and the share
//! of all repos made by the most prolific authors (Price's law).

use crate::graph::LineageGraph;

use super::groups::{AuthorBasis, Bots};
use super::{Cell, Scope, Table};

/// Bucket lower bounds of the histogram; the last bucket is open.
pub const BUCKETS: [usize; 10] = [1, 2, 3, 4, 5, 6, 11, 21, 51, 101];

/// Authors who committed to a range of repo counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// The bucket's label (`1`, `6–10`, `≥101`).
    pub label: String,
    /// Fewest repos in the bucket, inclusive.
    pub lo: usize,
    /// Inclusive; `None` for the open last bucket.
    pub hi: Option<usize>,
    /// Authors in the bucket.
    pub authors: usize,
    /// Repos (author-repo pairs) of the authors in this bucket.
    pub repos: usize,
}

/// How many repos each author committed to (a histogram), and how concentrated the work is.
#[derive(Debug, Clone, PartialEq)]
pub struct ReposPerAuthor {
    /// The buckets, fewest repos first.
    pub buckets: Vec<Bucket>,
    /// Human authors counted.
    pub authors: usize,
    /// Author-repo pairs counted.
    pub repos: usize,
    /// Most repos of one author.
    pub max: usize,
    /// `(k, share)` of all author-repo pairs made by the top k authors, for k in `top`.
    pub top_shares: Vec<(usize, f64)>,
}

/// The label of the bucket `lo..=hi`: `lo` alone, `lo–hi`, or `≥lo` when open.
pub fn bucket_label(lo: usize, hi: Option<usize>) -> String {
    match hi {
        Some(h) if h == lo => lo.to_string(),
        Some(h) => format!("{lo}–{h}"),
        None => format!("≥{lo}"),
    }
}

/// Counts the repos (selected models) of each author and buckets the counts.
///
/// Linear in models plus contributor entries, plus sorting the authors.
pub fn repos_per_author(
    g: &LineageGraph,
    scope: &Scope,
    basis: AuthorBasis,
    bots: &Bots,
    top: &[usize],
) -> ReposPerAuthor {
    let mask = bots.mask(g);
    let mut per = vec![0usize; g.authors.len()];
    let mut authors = Vec::new();
    for v in scope.models(g) {
        basis.authors_of(g, v, &mask, &mut authors);
        for &a in &authors {
            per[a as usize] += 1;
        }
    }
    let mut counts: Vec<usize> = per.into_iter().filter(|&c| c > 0).collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let total: usize = counts.iter().sum();
    let mut buckets: Vec<Bucket> = BUCKETS
        .iter()
        .enumerate()
        .map(|(i, &lo)| {
            let hi = BUCKETS.get(i + 1).map(|n| n - 1);
            Bucket {
                label: bucket_label(lo, hi),
                lo,
                hi,
                authors: 0,
                repos: 0,
            }
        })
        .collect();
    for &c in &counts {
        let i = BUCKETS.partition_point(|&lo| lo <= c) - 1;
        buckets[i].authors += 1;
        buckets[i].repos += c;
    }
    let top_shares = top
        .iter()
        .map(|&k| {
            let s: usize = counts.iter().take(k).sum();
            (
                k,
                if total == 0 {
                    0.0
                } else {
                    s as f64 / total as f64
                },
            )
        })
        .collect();
    ReposPerAuthor {
        buckets,
        authors: counts.len(),
        repos: total,
        max: counts.first().copied().unwrap_or(0),
        top_shares,
    }
}

impl ReposPerAuthor {
    /// The top-k shares as a table that names what they are a share of and who counts as
    /// an author (`authors`, in words).
    pub fn shares_table(&self, authors: &str) -> Table {
        let mut t = Table::new([
            "top",
            "share_of_contributions",
            "contributions",
            "authors_are",
        ]);
        for &(k, s) in &self.top_shares {
            t.push(vec![
                Cell::int(k),
                Cell::float(s),
                Cell::int(self.repos),
                Cell::text(authors),
            ]);
        }
        t
    }

    /// The histogram as a table, one row per bucket.
    pub fn table(&self) -> Table {
        let mut t = Table::new([
            "repos",
            "min",
            "max",
            "authors",
            "share_of_authors",
            "repos_total",
        ]);
        for b in &self.buckets {
            t.push(vec![
                Cell::text(&b.label),
                Cell::int(b.lo),
                b.hi.map_or(Cell::Empty, Cell::int),
                Cell::int(b.authors),
                Cell::float(if self.authors == 0 {
                    0.0
                } else {
                    b.authors as f64 / self.authors as f64
                }),
                Cell::int(b.repos),
            ]);
        }
        t
    }
}

crate::params!(
    /// The parameters of the `repos-per-author` analysis.
    Params {
        /// who is an author: contributors (commit authors, the papers' and the default everywhere), owners (namespaces) or both
        basis: crate::analysis::groups::AuthorBasis = crate::analysis::groups::AuthorBasis::Contributors,
        /// more author names to treat as bots
        bots: Vec<String> = Vec::new(),
        /// sizes of the top-author groups whose share of author-repo contributions is given
        top: Vec<usize> = vec![10, 200],
    }
);

/// The `repos-per-author` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct ReposPerAuthorAnalysis;

impl crate::analysis::registry::Compute for ReposPerAuthorAnalysis {
    const NAME: &'static str = "repos-per-author";
    const TITLE: &'static str = "Repositories per author";
    const DESCRIPTION: &'static str = "How many model repositories each author committed to (paper figure 2), and the most prolific authors' share of author-repo contributions.";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_bars, series};
        use crate::analysis::notes::{basis_text, bots, flagged_note, graph_note, SHARE_TEXT};
        use crate::analysis::{self, Output};

        let sc = p.scope();
        let r =
            analysis::repos_per_author::repos_per_author(g, &sc, p.basis, &bots(&p.bots), &p.top);
        // A log x axis where each bin spans its real counts [lo, hi + 1), and bar heights
        // per count (authors in the bin / counts it spans), so wider bins do not look taller.
        let mut panel = crate::render::Panel::new(
            crate::render::Axis::new(
                "repositories per author (log scale; bins widen, see the table)",
            )
            .log()
            .range(1.0, (r.max.max(2) + 1) as f64 * 1.2),
            crate::render::Axis::new("authors per repository count (log scale)").log(),
        );
        let bins: Vec<(f64, f64, f64, usize)> = r
            .buckets
            .iter()
            .filter(|b| b.authors > 0)
            .map(|b| {
                let hi = b.hi.unwrap_or(r.max.max(b.lo));
                let width = (hi + 1 - b.lo) as f64;
                (
                    b.lo as f64,
                    (hi + 1) as f64,
                    b.authors as f64 / width,
                    b.authors,
                )
            })
            .collect();
        let floor = bins.iter().map(|b| b.2).fold(f64::INFINITY, f64::min);
        let floor = if floor.is_finite() {
            10f64.powf(floor.log10().floor())
        } else {
            0.1
        };
        panel.y = panel
            .y
            .range(floor, bins.iter().map(|b| b.2).fold(1.0, f64::max) * 3.0);
        panel.layers.push(crate::render::Layer::Bars {
            color: series(0),
            bars: bins
                .iter()
                .map(|&(lo, hi, h, _)| (lo * 1.02, hi / 1.02, floor, h))
                .collect(),
        });
        panel.layers.push(crate::render::Layer::Labels {
            color: crate::render::palette::TEXT,
            labels: bins
                .iter()
                .map(|&(lo, hi, h, n)| {
                    ((lo * hi).sqrt(), h, crate::render::compact_label(n as f64))
                })
                .collect(),
            anchor: crate::render::Anchor::Above,
        });
        let mut fig = crate::render::Figure::new("Repositories per author");
        fig.panels.push(panel);
        let _ = category_bars;
        let shares: Vec<String> = r
            .top_shares
            .iter()
            .map(|(k, s)| format!("top {k}: {:.1}%", s * 100.0))
            .collect();
        fig.subtitle = Some(format!(
            "{} authors ({}), {} author–repo contributions; share of {SHARE_TEXT}: {}",
            r.authors,
            basis_text(p.basis),
            r.repos,
            shares.join(", ")
        ));
        fig.note = Some(format!(
            "{}; {}; bots left out; numbers above bars: authors in the bin; bar height: those authors per repository count the bin spans",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Repositories per author".into(),
        description: "How many model repositories each author committed to (by default; owners or both are options), as a histogram with widening buckets (paper figure 2), and the most prolific authors' share of author-repo contributions (the papers' share; Price's law).".into(),
        table: r.table(),
        extra: vec![(
            "top-shares".into(),
            format!("Top authors' share of {SHARE_TEXT}"),
            r.shares_table(basis_text(p.basis)),
        )],
        figure: fig,
        notes: vec![format!(
            "the most prolific author has {} repos; share of {SHARE_TEXT}, authors being {}: {}",
            r.max,
            basis_text(p.basis),
            shares.join("; ")
        )],
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn histogram_and_top_shares() {
        let mut details = String::new();
        // a owns 7 repos, b 2, c 1.
        for i in 0..7 {
            details.push_str(&format!(
                "{i},a/m{i},a,2024-01-01 00:00:00+00:00,,{i},,[],,,\n"
            ));
        }
        details.push_str("7,b/x,b,,,17,,[],,,\n8,b/y,b,,,18,,[],,,\n9,c/z,c,,,19,,[],,,\n");
        let g = build(&details, "", "");
        let r = repos_per_author(
            &g,
            &Scope::default(),
            AuthorBasis::Owners,
            &Bots::default(),
            &[1, 2],
        );
        assert_eq!(r.authors, 3);
        assert_eq!(r.repos, 10);
        let nonzero: Vec<(&str, usize)> = r
            .buckets
            .iter()
            .filter(|b| b.authors > 0)
            .map(|b| (b.label.as_str(), b.authors))
            .collect();
        assert_eq!(nonzero, [("1", 1), ("2", 1), ("6–10", 1)]);
        assert_eq!(r.top_shares, [(1, 0.7), (2, 0.9)]);
    }
}
