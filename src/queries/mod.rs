//! The `lineage query` analyses as library calls: a plain configuration in, a serialisable
//! answer out, nothing printed. The command line and the dashboard's HTTP API both call these
//! functions and serialise the same answers, so their JSON cannot drift apart.

pub mod authors;
pub mod derivatives;
pub mod improvements;
pub mod licenses;
pub mod merge_depth;

use thiserror::Error;

use crate::algo::resolve::{resolve_model, ResolveError};
use crate::graph::LineageGraph;
use crate::ingest::refs::AliasTable;

/// Why a query could not be answered.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QueryError {
    /// A model named by a parameter (`base`, `model`) is unknown or ambiguous.
    #[error("--{param} {name}: {reason}")]
    Model {
        /// The parameter that named it, without dashes.
        param: &'static str,
        /// What was given.
        name: String,
        /// Why it did not resolve, with suggestions.
        reason: ResolveError,
    },
    /// Options that do not go together, or one that is missing.
    #[error("{message}")]
    Conflict {
        /// The parameter to change, without dashes.
        param: &'static str,
        /// What is wrong and what would work.
        message: String,
    },
}

/// The model `name` stands for, as parameter `param` gave it.
fn resolve(g: &LineageGraph, name: &str, param: &'static str) -> Result<u32, QueryError> {
    resolve_model(g, name, &AliasTable::builtin()).map_err(|reason| QueryError::Model {
        param,
        name: name.to_string(),
        reason,
    })
}

/// Four decimals are plenty for scores given with two; JSON stays readable.
pub fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
