//! `query merge-depth`: merges of merges of merges, and generations of any kind.

use serde::Serialize;

use super::{resolve, QueryError};
use crate::algo::depth::{depths, Depths};
use crate::graph::LineageGraph;

/// What to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeDepthOptions {
    /// Models to list, deepest merge chain first.
    pub top: usize,
    /// Show this model only (id in any case, alias, or unique prefix).
    pub model: Option<String>,
    /// Count flagged models too.
    pub include_flagged: bool,
}

impl Default for MergeDepthOptions {
    fn default() -> Self {
        MergeDepthOptions {
            top: 10,
            model: None,
            include_flagged: false,
        }
    }
}

/// How many models have one depth.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bucket {
    /// The depth.
    pub depth: u32,
    /// Models with it.
    pub models: u32,
}

/// One listed model with its longest merge chain.
#[derive(Debug, Clone, Serialize)]
pub struct Top<'a> {
    /// Its id.
    pub model: &'a str,
    /// Merges of merges behind it.
    pub merge_depth: u32,
    /// Generations of any kind behind it.
    pub generation: u32,
    /// Its longest merge chain, the start first.
    pub chain: Vec<&'a str>,
}

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct MergeDepthAnswer<'a> {
    /// Models per merge depth.
    pub distribution: Vec<Bucket>,
    /// Models per generation.
    pub generation_distribution: Vec<Bucket>,
    /// Edges that close a cycle, left out.
    pub skipped_cycle_edges: usize,
    /// The listed models.
    pub top: Vec<Top<'a>>,
    /// The depths of every model, for tables.
    #[serde(skip)]
    pub depths: Depths,
    /// The listed models' ids.
    #[serde(skip)]
    pub ids: Vec<u32>,
}

fn buckets(dist: Vec<(u32, u32)>) -> Vec<Bucket> {
    dist.into_iter()
        .map(|(depth, models)| Bucket { depth, models })
        .collect()
}

/// Depths of every model and the deepest merge chains. O(V + E).
pub fn merge_depth<'a>(
    g: &'a LineageGraph,
    options: &MergeDepthOptions,
) -> Result<MergeDepthAnswer<'a>, QueryError> {
    let one = match &options.model {
        Some(name) => Some(resolve(g, name, "model")?),
        None => None,
    };
    let d = depths(g);
    let ids = match one {
        Some(v) => vec![v],
        None => d.deepest(g, options.top, options.include_flagged),
    };
    let top = ids
        .iter()
        .map(|&v| Top {
            model: g.name(v),
            merge_depth: d.merge_depth[v as usize],
            generation: d.generation[v as usize],
            chain: d.merge_chain(g, v).into_iter().map(|v| g.name(v)).collect(),
        })
        .collect();
    Ok(MergeDepthAnswer {
        distribution: buckets(d.merge_distribution(g, options.include_flagged)),
        generation_distribution: buckets(d.generation_distribution(g, options.include_flagged)),
        skipped_cycle_edges: d.skipped_cycle_edges,
        top,
        depths: d,
        ids,
    })
}
