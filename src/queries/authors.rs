//! `query authors`: who builds models together, and how concentrated the work is.

use serde::Serialize;

use super::QueryError;
use crate::algo::authors::{collaboration_with, BotFilter, Collaboration};
use crate::graph::LineageGraph;

/// What to count and list.
#[derive(Debug, Clone)]
pub struct AuthorsOptions {
    /// Authors to list, most repos first.
    pub top: usize,
    /// How many of the largest components to list with their members.
    pub components: usize,
    /// Count repos of flagged models too.
    pub include_flagged: bool,
    /// Which committers are bots (left out).
    pub bots: BotFilter,
}

impl Default for AuthorsOptions {
    fn default() -> Self {
        AuthorsOptions {
            top: 20,
            components: 3,
            include_flagged: false,
            bots: BotFilter::builtin(),
        }
    }
}

/// How many components have one size.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SizeCount {
    /// Authors in the component.
    pub size: u32,
    /// Components of that size.
    pub count: u32,
}

/// How many authors committed to so many repos.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReposAuthors {
    /// Repos committed to.
    pub repos: u32,
    /// Authors who did.
    pub authors: u32,
}

/// How many repos have so many authors.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AuthorsRepos {
    /// Authors of the repo.
    pub authors: u32,
    /// Repos with that many.
    pub repos: u32,
}

/// What `top10_share` and `top200_share` measure, as every output names it.
pub const SHARE_BASIS: &str = "author-repo contributions: the top authors' repos per author over all authors' (the papers' definition); an author is a commit author, bots left out";

/// One of the top authors.
#[derive(Debug, Clone, Serialize)]
pub struct TopAuthor<'a> {
    /// The author's name.
    pub author: &'a str,
    /// Repos committed to.
    pub repos: u32,
    /// Rank of its component, 1 for the largest.
    pub component: u32,
    /// Authors in that component.
    pub component_size: u32,
}

/// One of the largest components.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentJson<'a> {
    /// Its rank, 1 for the largest.
    pub component: u32,
    /// Authors in it.
    pub size: u32,
    /// Repos its members committed to.
    pub repos: u32,
    /// Its members, most repos first.
    pub members: Vec<&'a str>,
}

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorsAnswer<'a> {
    /// Authors (not bots) with a counted repo.
    pub authors: u32,
    /// Collaboration components.
    pub components: usize,
    /// Authors in the largest.
    pub largest_component: u32,
    /// Components by size.
    pub component_sizes: Vec<SizeCount>,
    /// The papers' top-10 share: the top 10 authors' repos per author over all authors'
    /// (a share of author-repo contributions), 0 to 1.
    pub top10_share: f64,
    /// The same for the top 200 authors.
    pub top200_share: f64,
    /// What the two shares are a share of, in words.
    pub share_basis: &'static str,
    /// Share of distinct repos the top 10 authors committed to, 0 to 1.
    pub top10_coverage: f64,
    /// Share of distinct repos the top 200 authors committed to, 0 to 1.
    pub top200_coverage: f64,
    /// Authors by repos committed to.
    pub repos_per_author: Vec<ReposAuthors>,
    /// Repos by authors.
    pub authors_per_repo: Vec<AuthorsRepos>,
    /// The top authors.
    pub top: Vec<TopAuthor<'a>>,
    /// Pairs of authors sharing a repo.
    pub links: u64,
    /// Repos with an author.
    pub repos: u32,
    /// Bot accounts left out.
    pub bots: u32,
    /// The largest components with their members.
    pub largest: Vec<ComponentJson<'a>>,
    /// The whole collaboration summary, for tables.
    #[serde(skip)]
    pub collaboration: Collaboration,
}

/// The collaboration graph of the committers and its summary. See
/// [`collaboration_with`] for the cost.
pub fn authors<'a>(
    g: &'a LineageGraph,
    options: &AuthorsOptions,
) -> Result<AuthorsAnswer<'a>, QueryError> {
    let c = collaboration_with(g, &options.bots, options.include_flagged);
    let top = c
        .ranking
        .iter()
        .take(options.top)
        .map(|&a| {
            let comp = c.component_of[a as usize];
            TopAuthor {
                author: g.authors.name(a),
                repos: c.repos_of[a as usize],
                component: comp + 1,
                component_size: c.components[comp as usize].members.len() as u32,
            }
        })
        .collect();
    Ok(AuthorsAnswer {
        authors: c.authors,
        components: c.components.len(),
        largest_component: c.largest_component(),
        component_sizes: c
            .component_sizes()
            .into_iter()
            .map(|(size, count)| SizeCount { size, count })
            .collect(),
        top10_share: c.top10_share,
        top200_share: c.top200_share,
        share_basis: SHARE_BASIS,
        top10_coverage: c.top10_coverage,
        top200_coverage: c.top200_coverage,
        repos_per_author: c
            .repos_per_author
            .iter()
            .map(|&(repos, authors)| ReposAuthors { repos, authors })
            .collect(),
        authors_per_repo: c
            .authors_per_repo
            .iter()
            .map(|&(authors, repos)| AuthorsRepos { authors, repos })
            .collect(),
        top,
        links: c.links,
        repos: c.repos,
        bots: c.bots,
        largest: c
            .components
            .iter()
            .take(options.components)
            .enumerate()
            .map(|(i, comp)| ComponentJson {
                component: i as u32 + 1,
                size: comp.members.len() as u32,
                repos: comp.repos,
                members: comp.members.iter().map(|&a| g.authors.name(a)).collect(),
            })
            .collect(),
        collaboration: c,
    })
}
