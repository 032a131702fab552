//! `query derivatives`: the models with the most descendants, or one model's counts.

use serde::Serialize;

use super::{resolve, QueryError};
use crate::algo::derivatives::{derivatives_with, top, DerivativeOptions, Derivatives};
use crate::algo::KindSet;
use crate::graph::LineageGraph;
use crate::model::{EdgeKind, Flags};

/// What to count and list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivativesOptions {
    /// Models to list, most descendants first.
    pub top: usize,
    /// Follow only edges of these kinds; empty follows every edge.
    pub kinds: Vec<EdgeKind>,
    /// Show this model only (id in any case, alias, or unique prefix).
    pub model: Option<String>,
    /// Count flagged models too.
    pub include_flagged: bool,
}

impl Default for DerivativesOptions {
    fn default() -> Self {
        DerivativesOptions {
            top: 20,
            kinds: Vec::new(),
            model: None,
            include_flagged: false,
        }
    }
}

/// One listed model.
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    /// Its repo id.
    pub model: &'a str,
    /// Distinct children.
    pub direct: u32,
    /// Distinct descendants.
    pub descendants: u32,
    /// The descendants by how each was made.
    pub by_kind: ByKind,
}

/// Descendants split by how each was made.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ByKind {
    /// Fine-tunes.
    pub finetune: u32,
    /// Adapters.
    pub adapter: u32,
    /// Quantizations.
    pub quantized: u32,
    /// Merges.
    pub merge: u32,
    /// Of unspecified kind.
    pub unspecified: u32,
}

impl ByKind {
    /// The count of one kind.
    pub fn of(&self, kind: EdgeKind) -> u32 {
        match kind {
            EdgeKind::Finetune => self.finetune,
            EdgeKind::Adapter => self.adapter,
            EdgeKind::Quantized => self.quantized,
            EdgeKind::Merge => self.merge,
            EdgeKind::Unspecified => self.unspecified,
        }
    }
}

impl From<&Derivatives> for ByKind {
    fn from(d: &Derivatives) -> Self {
        let k = d.by_kind;
        ByKind {
            finetune: k[0],
            adapter: k[1],
            quantized: k[2],
            merge: k[3],
            unspecified: k[4],
        }
    }
}

/// The answer: serialises as the list of rows.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct DerivativesAnswer<'a> {
    /// The listed models.
    pub rows: Vec<Row<'a>>,
    /// When ranking: how many models have descendants at all.
    #[serde(skip)]
    pub ranked_of: Option<usize>,
    /// For one model: whether it is flagged on the leaderboard.
    #[serde(skip)]
    pub model_flagged: bool,
    /// The edge kinds followed.
    #[serde(skip)]
    pub kinds: KindSet,
}

/// Counts the derivatives of every model and lists the top ones (or the one asked for).
/// O(V + E) for the counts, plus O(V log k) for the ranking.
pub fn derivatives<'a>(
    g: &'a LineageGraph,
    options: &DerivativesOptions,
) -> Result<DerivativesAnswer<'a>, QueryError> {
    let kinds = if options.kinds.is_empty() {
        KindSet::ALL
    } else {
        KindSet::of(&options.kinds)
    };
    let one = match &options.model {
        Some(name) => Some(resolve(g, name, "model")?),
        None => None,
    };
    let counts = derivatives_with(
        g,
        &DerivativeOptions {
            kinds,
            include_flagged: options.include_flagged,
        },
    );
    let (ids, ranked_of) = match one {
        Some(v) => (vec![v], None),
        None => {
            let (rows, total) = top(g, &counts, options.include_flagged, options.top);
            (rows, Some(total))
        }
    };
    let rows = ids
        .iter()
        .map(|&v| {
            let d = &counts[v as usize];
            Row {
                model: g.name(v),
                direct: d.direct,
                descendants: d.descendants,
                by_kind: d.into(),
            }
        })
        .collect();
    Ok(DerivativesAnswer {
        rows,
        ranked_of,
        model_flagged: one.is_some_and(|v| g.models.flags(v).has(Flags::FLAGGED)),
        kinds,
    })
}
