//! Author collaboration (methodology section 3, paper figures 2 and 3): authors linked by
//! committing to the same repo, the connected components of that graph, repos per author,
//! authors per repo, and how concentrated the work is (Price's law).
//!
//! Bot accounts are not authors: names ending in `bot`, and the names of a list that
//! ships with the project (`graphs/bots.txt`) and that users extend.
//!
//! Components come from petgraph's [`UnionFind`] (union by rank, path splitting), which
//! replaced a hand-written one (path halving, the lower root wins) once both were measured
//! on 10^6 synthetic models (`benches/petgraph.rs`, criterion, median of 10 samples, release,
//! on 2 cores shared with other builds at a load average of 4 to 5): joining every repo's
//! authors took 7.7 ms with petgraph's against 9.2 ms (a second run: 13.8 against 15.7 ms),
//! and the weakly connected components of the 890,682 lineage edges 67.6 against 76.7 ms
//! (78.2 against 87.1 ms). No output depends on which member represents a set: components
//! are ordered by size, then by the name and id of their first member.

use petgraph::unionfind::UnionFind;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::counted;
use crate::graph::LineageGraph;
use crate::intern::NONE;

/// The bot list that ships with the project.
pub const DEFAULT_BOTS: &str = include_str!("../../graphs/bots.txt");

/// Which committer names are bots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotFilter {
    /// Lower-cased names.
    names: FxHashSet<String>,
}

impl BotFilter {
    /// The `bot` suffix rule plus the shipped list.
    pub fn builtin() -> BotFilter {
        let mut f = BotFilter::suffix_only();
        f.extend_from_str(DEFAULT_BOTS);
        f
    }

    /// The `bot` suffix rule alone.
    pub fn suffix_only() -> BotFilter {
        BotFilter::default()
    }

    /// Adds names, one per line; blank lines and `#` comments are ignored.
    pub fn extend_from_str(&mut self, text: &str) {
        for line in text.lines() {
            let name = line.split('#').next().unwrap_or("").trim();
            if !name.is_empty() {
                self.names.insert(name.to_lowercase());
            }
        }
    }

    /// Names on the list (the suffix rule aside).
    pub fn listed(&self) -> usize {
        self.names.len()
    }

    /// Whether `name` is a bot account: it ends in `bot` (any case) or is on the list.
    pub fn is_bot(&self, name: &str) -> bool {
        let lower = name.trim().to_lowercase();
        lower.ends_with("bot") || self.names.contains(&lower)
    }
}

/// A connected component of the collaboration graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Author ids, most repos first, then by name.
    pub members: Vec<u32>,
    /// Repos committed to by its members (every repo belongs to exactly one component).
    pub repos: u32,
}

/// The collaboration graph's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Collaboration {
    /// Authors (not bots) who committed to at least one counted repo: the graph's nodes.
    pub authors: u32,
    /// Distinct pairs of authors who committed to a common repo: the graph's links.
    pub links: u64,
    /// Bot accounts seen among the committers, left out.
    pub bots: u32,
    /// Repos with at least one author.
    pub repos: u32,
    /// Components, largest first (then most repos, then by first member's name).
    pub components: Vec<Component>,
    /// For every author id, its index in `components`; [`NONE`] for names that are not
    /// nodes (bots, owners who never committed).
    pub component_of: Vec<u32>,
    /// For every author id, the repos it committed to.
    pub repos_of: Vec<u32>,
    /// Authors ranked by repos (most first), then by name (case ignored). The top-k shares
    /// depend on this order where authors at the cut-off have as many repos.
    pub ranking: Vec<u32>,
    /// `(repos, authors)`: how many authors committed to exactly that many repos; ascending.
    pub repos_per_author: Vec<(u32, u32)>,
    /// `(authors, repos)`: how many repos have exactly that many authors; ascending. Repos
    /// whose only committers are bots are counted with 0 authors.
    pub authors_per_repo: Vec<(u32, u32)>,
    /// The papers' top-10 share (methodology section 5), 0 to 1: the repos per author of the
    /// first 10 authors of `ranking`, summed, over the sum of repos per author of all authors
    /// (a share of author-repo contributions, not of distinct repos).
    pub top10_share: f64,
    /// The same share for the first 200 authors.
    pub top200_share: f64,
    /// Share of distinct `repos` that the first 10 authors committed to, 0 to 1.
    pub top10_coverage: f64,
    /// Share of distinct `repos` that the first 200 authors committed to, 0 to 1.
    pub top200_coverage: f64,
}

impl Collaboration {
    /// Size of the largest component (0 when there are no authors).
    pub fn largest_component(&self) -> u32 {
        self.components
            .first()
            .map_or(0, |c| c.members.len() as u32)
    }

    /// `(size, components)`: how many components have each size, largest size first.
    pub fn component_sizes(&self) -> Vec<(u32, u32)> {
        let mut sizes: Vec<(u32, u32)> = Vec::new();
        for c in &self.components {
            let size = c.members.len() as u32;
            match sizes.last_mut() {
                Some((s, count)) if *s == size => *count += 1,
                _ => sizes.push((size, 1)),
            }
        }
        sizes
    }

    /// Share of distinct repos that the top `k` authors committed to, 0 to 1.
    pub fn top_coverage(&self, g: &LineageGraph, k: usize, include_flagged: bool) -> f64 {
        top_share(g, &self.ranking, k, include_flagged, self.repos)
    }

    /// The papers' top-`k` share: the top `k` authors' repos per author over all authors'
    /// (author-repo contributions), 0 to 1.
    pub fn top_contribution_share(&self, k: usize) -> f64 {
        contribution_share(&self.ranking, &self.repos_of, k)
    }
}

/// The collaboration graph of the committers of counted (not flagged) repos.
pub fn collaboration(g: &LineageGraph, bots: &BotFilter) -> Collaboration {
    collaboration_with(g, bots, false)
}

/// [`collaboration`], counting flagged repos too when `include_flagged`.
///
/// Components by union-find over each repo's authors: O(c · α(n)) for c commit entries;
/// links by sorting the author pairs of every repo, O(p log p) for p pairs. Bot tests run
/// in parallel over the author names.
///
/// ```
/// use lineage::algo::authors::{collaboration, BotFilter};
/// use lineage::ingest::Input;
/// let commits = b",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n\
/// 0,a/x,2,2,,,\"['ann', 'bob']\"\n\
/// 1,b/y,2,2,,,\"['bob', 'SFconvertbot']\"\n\
/// 2,c/z,1,1,,,\"['cat']\"\n";
/// let (g, _) = lineage::build(&[Input::embedded("c.csv", commits).unwrap()], Default::default(), None).unwrap();
/// let c = collaboration(&g, &BotFilter::builtin());
/// assert_eq!((c.authors, c.links, c.bots), (3, 1, 1));
/// assert_eq!(c.component_sizes(), vec![(2, 1), (1, 1)]); // {ann, bob} and {cat}
/// ```
pub fn collaboration_with(
    g: &LineageGraph,
    bots: &BotFilter,
    include_flagged: bool,
) -> Collaboration {
    let n_authors = g.authors.len();
    let bot: Vec<bool> = (0..n_authors as u32)
        .into_par_iter()
        .map(|a| bots.is_bot(g.authors.name(a)))
        .collect();
    let mut sets = UnionFind::<u32>::new(n_authors);
    let mut repos_of = vec![0u32; n_authors];
    let mut bot_seen = vec![false; n_authors];
    let mut per_repo: Vec<u32> = Vec::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut humans: Vec<u32> = Vec::new();
    let mut repos = 0u32;
    for v in 0..g.model_count() as u32 {
        let row = g.contributors.row(v);
        if row.is_empty() || !counted(g, v, include_flagged) {
            continue;
        }
        humans.clear();
        for &a in row {
            if bot[a as usize] {
                bot_seen[a as usize] = true;
            } else {
                humans.push(a);
            }
        }
        // Rows are sorted and de-duplicated by the builder; be sure anyway.
        humans.sort_unstable();
        humans.dedup();
        let k = humans.len();
        if per_repo.len() <= k {
            per_repo.resize(k + 1, 0);
        }
        per_repo[k] += 1;
        if k == 0 {
            continue;
        }
        repos += 1;
        for (i, &a) in humans.iter().enumerate() {
            repos_of[a as usize] += 1;
            sets.union(humans[0], a);
            for &b in &humans[i + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();

    // Authors ranked by repos, then by name: both sorts compare plain numbers.
    let (by_name, place) = name_order(g, &repos_of);
    let mut keys: Vec<u64> = by_name
        .iter()
        .enumerate()
        .map(|(p, &a)| u64::from(u32::MAX - repos_of[a as usize]) << 32 | p as u64)
        .collect();
    keys.par_sort_unstable();
    let ranking: Vec<u32> = keys.iter().map(|&k| by_name[k as u32 as usize]).collect();

    // Components, largest first. Taking the authors in ranking order gives each
    // component's members in that order too. `component_of` first maps each set's root (an
    // author with repos, so a member) to its component while grouping, then every member
    // to its component once they are sorted.
    let mut component_of = vec![NONE; n_authors];
    let mut components: Vec<Component> = Vec::new();
    for &a in &ranking {
        let root = sets.find_mut(a) as usize;
        if component_of[root] == NONE {
            component_of[root] = components.len() as u32;
            components.push(Component {
                members: Vec::new(),
                repos: 0,
            });
        }
        components[component_of[root] as usize].members.push(a);
    }
    let component_key = |c: &Component| {
        u64::from(u32::MAX - c.members.len() as u32) << 32 | u64::from(place[c.members[0] as usize])
    };
    components.par_sort_unstable_by_key(component_key);
    for (i, c) in components.iter().enumerate() {
        for &a in &c.members {
            component_of[a as usize] = i as u32;
        }
    }
    // Each repo's authors share one component: count the repo there once.
    for v in 0..g.model_count() as u32 {
        if !counted(g, v, include_flagged) {
            continue;
        }
        if let Some(&a) = g.contributors.row(v).iter().find(|&&a| !bot[a as usize]) {
            components[component_of[a as usize] as usize].repos += 1;
        }
    }

    let mut per_author: Vec<u32> = Vec::new();
    for &a in &ranking {
        let r = repos_of[a as usize] as usize;
        if per_author.len() <= r {
            per_author.resize(r + 1, 0);
        }
        per_author[r] += 1;
    }
    let histogram = |h: Vec<u32>| -> Vec<(u32, u32)> {
        h.into_iter()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .map(|(k, c)| (k as u32, c))
            .collect()
    };
    let top10_coverage = top_share(g, &ranking, 10, include_flagged, repos);
    let top200_coverage = top_share(g, &ranking, 200, include_flagged, repos);
    let top10_share = contribution_share(&ranking, &repos_of, 10);
    let top200_share = contribution_share(&ranking, &repos_of, 200);
    Collaboration {
        authors: ranking.len() as u32,
        links: pairs.len() as u64,
        bots: bot_seen.iter().filter(|&&b| b).count() as u32,
        repos,
        components,
        component_of,
        repos_of,
        ranking,
        repos_per_author: histogram(per_author),
        authors_per_repo: histogram(per_repo),
        top10_share,
        top200_share,
        top10_coverage,
        top200_coverage,
    }
}

/// The first `k` authors' repos per author over all authors', 0 to 1 (0 without authors).
fn contribution_share(ranking: &[u32], repos_of: &[u32], k: usize) -> f64 {
    let total: u64 = ranking
        .iter()
        .map(|&a| u64::from(repos_of[a as usize]))
        .sum();
    if total == 0 {
        return 0.0;
    }
    let top: u64 = ranking
        .iter()
        .take(k)
        .map(|&a| u64::from(repos_of[a as usize]))
        .sum();
    top as f64 / total as f64
}

/// Share of `repos` committed to by the first `k` authors of `ranking` (which holds no bots).
fn top_share(
    g: &LineageGraph,
    ranking: &[u32],
    k: usize,
    include_flagged: bool,
    repos: u32,
) -> f64 {
    if repos == 0 {
        return 0.0;
    }
    let mut top = vec![false; g.authors.len()];
    for &a in ranking.iter().take(k) {
        top[a as usize] = true;
    }
    let covered = (0..g.model_count() as u32)
        .into_par_iter()
        .filter(|&v| {
            counted(g, v, include_flagged) && g.contributors.row(v).iter().any(|&a| top[a as usize])
        })
        .count();
    covered as f64 / repos as f64
}

/// The authors with repos in name order (ignoring ASCII case, then as spelt, then by id),
/// and each author's place in it (`u32::MAX` for the others), so that every later tie
/// between authors is broken by comparing two numbers. The sort compares the first eight
/// lower-cased bytes as one number and reads the names only when those are equal.
fn name_order(g: &LineageGraph, repos_of: &[u32]) -> (Vec<u32>, Vec<u32>) {
    fn lower(name: &str) -> impl Iterator<Item = u8> + '_ {
        name.bytes().map(|b| b.to_ascii_lowercase())
    }
    let mut keys: Vec<(u64, u32)> = (0..g.authors.len() as u32)
        .into_par_iter()
        .filter(|&a| repos_of[a as usize] > 0)
        .map(|a| {
            let mut head = [0u8; 8];
            for (h, b) in head.iter_mut().zip(lower(g.authors.name(a))) {
                *h = b;
            }
            (u64::from_be_bytes(head), a)
        })
        .collect();
    keys.par_sort_unstable_by(|&(x, a), &(y, b)| {
        x.cmp(&y).then_with(|| {
            let (na, nb) = (g.authors.name(a), g.authors.name(b));
            lower(na).cmp(lower(nb)).then(na.cmp(nb)).then(a.cmp(&b))
        })
    });
    let mut place = vec![u32::MAX; g.authors.len()];
    for (i, &(_, a)) in keys.iter().enumerate() {
        place[a as usize] = i as u32;
    }
    (keys.into_iter().map(|(_, a)| a).collect(), place)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::testgraph::{graph, m};

    fn repos() -> LineageGraph {
        graph(vec![
            m("r/1").commits(&["ann", "bob"]),
            m("r/2").commits(&["Bob", "cat"]),
            m("r/3").commits(&["dan"]),
            m("r/4").commits(&["SFconvertbot", "eve"]),
            m("r/5").commits(&["librarian-bot"]),
            m("r/6").commits(&["ann", "zed"]).flagged(),
            m("r/7"),
        ])
    }

    #[test]
    fn ties_are_broken_by_name_case_ignored_then_spelling() {
        // One repo each, so the ranking is the name order. Several share their first eight
        // bytes up to case, where the order is decided past the packed prefix.
        let names = [
            "longprefix-b",
            "LongPrefix-a",
            "longprefix",
            "LONGPREFIX-",
            "Zed",
            "ann",
            "Ann-",
            "\u{e9}ric",
        ];
        let models: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, n)| m(&format!("r/{i}")).commits(&[n]))
            .collect();
        let g = graph(models);
        let c = collaboration(&g, &BotFilter::builtin());
        let ranked: Vec<&str> = c.ranking.iter().map(|&a| g.authors.name(a)).collect();
        let mut expected = names.to_vec();
        expected.sort_by_key(|n| (n.to_ascii_lowercase(), n.to_string()));
        assert_eq!(ranked, expected);
        // Components of one member each, in the same order.
        let firsts: Vec<&str> = c
            .components
            .iter()
            .map(|k| g.authors.name(k.members[0]))
            .collect();
        assert_eq!(firsts, expected);
    }

    #[test]
    fn components_histograms_and_shares_by_hand() {
        let g = repos();
        let c = collaboration(&g, &BotFilter::builtin());
        // ann, bob (= Bob), cat, dan, eve; zed only committed to a flagged repo.
        assert_eq!((c.authors, c.links, c.bots, c.repos), (5, 2, 2, 4));
        assert_eq!(c.component_sizes(), vec![(3, 1), (1, 2)]);
        assert_eq!(c.largest_component(), 3);
        assert_eq!(c.components[0].repos, 2);
        let first: Vec<&str> = c.components[0]
            .members
            .iter()
            .map(|&a| g.authors.name(a))
            .collect();
        assert_eq!(first, ["bob", "ann", "cat"]);
        assert_eq!(c.repos_per_author, vec![(1, 4), (2, 1)]);
        assert_eq!(c.authors_per_repo, vec![(0, 1), (1, 2), (2, 2)]);
        assert_eq!((c.top10_share, c.top10_coverage), (1.0, 1.0));
        // bob alone committed to r/1 and r/2 of the 4 repos; 2 of the 6 author-repo
        // contributions (ann 1, bob 2, cat 1, dan 1, eve 1) are his.
        assert_eq!(c.top_coverage(&g, 1, false), 0.5);
        assert!((c.top_contribution_share(1) - 2.0 / 6.0).abs() < 1e-12);
        assert!((c.top_contribution_share(2) - 3.0 / 6.0).abs() < 1e-12);
        let ranked: Vec<&str> = c.ranking.iter().map(|&a| g.authors.name(a)).collect();
        assert_eq!(ranked, ["bob", "ann", "cat", "dan", "eve"]);
    }

    #[test]
    fn flagged_repos_and_more_bots_when_asked() {
        let g = repos();
        let c = collaboration_with(&g, &BotFilter::builtin(), true);
        assert_eq!(c.authors, 6);
        assert_eq!(c.largest_component(), 4);
        let mut bots = BotFilter::builtin();
        bots.extend_from_str("eve\n");
        let c = collaboration(&g, &bots);
        assert_eq!((c.authors, c.bots), (4, 3));
        assert_eq!(c.authors_per_repo, vec![(0, 2), (1, 1), (2, 2)]);
    }

    #[test]
    fn bots_by_suffix_and_by_list() {
        let mut f = BotFilter::suffix_only();
        assert!(f.is_bot("SFconvertbot") && f.is_bot("librarian-BOT"));
        assert!(!f.is_bot("automerger"));
        f.extend_from_str("# tools\nautomerger  # merges on a schedule\n\n");
        assert!(f.is_bot("AutoMerger"));
        assert_eq!(f.listed(), 1);
        assert!(BotFilter::builtin().is_bot("system"));
    }
}
