//! Small hand-made graphs for the analyses' unit tests, built through the real builder so
//! that the merge rule, stubs and cycle marks are those of real graphs.

use crate::graph::{BuildOptions, GraphBuilder, LineageGraph};
use crate::ingest::{ModelRecord, ParentRef, Scores, Sink};
use crate::model::{Day, EdgeKind};

/// One model to put in a test graph.
pub(crate) struct M(ModelRecord);

/// A model with this id.
pub(crate) fn m(id: &str) -> M {
    M(ModelRecord {
        id: id.to_string(),
        line: 2,
        ..Default::default()
    })
}

impl M {
    /// Its parents (two or more make it a merge).
    pub(crate) fn of(mut self, parents: &[&str]) -> M {
        self.0.parents = parents
            .iter()
            .map(|p| ParentRef {
                raw: p.to_string(),
                relation: None,
                field: "base_model",
            })
            .collect();
        self
    }

    /// The relation its source states for its parents.
    pub(crate) fn kind(mut self, kind: EdgeKind) -> M {
        for p in &mut self.0.parents {
            p.relation = Some(kind);
        }
        self
    }

    /// Scored, as a leaderboard row: with a type (fine-tuned unless set).
    pub(crate) fn avg(mut self, average: f32) -> M {
        self.0
            .model_type
            .get_or_insert(crate::model::ModelType::FineTuned);
        self.0.scores = Some(Scores {
            board: crate::model::Board::V1,
            average,
            benchmarks: Vec::new(),
        });
        self
    }

    /// Created on `date` (YYYY-MM-DD).
    pub(crate) fn on(mut self, date: &str) -> M {
        self.0.created = Day::parse(date);
        self
    }

    pub(crate) fn flagged(mut self) -> M {
        self.0.flagged = Some(true);
        self
    }

    /// Marked as a merge by its source.
    pub(crate) fn merged(mut self) -> M {
        self.0.merged = Some(true);
        self
    }

    pub(crate) fn params(mut self, billions: f32) -> M {
        self.0.params_b = Some(billions);
        self
    }

    pub(crate) fn commits(mut self, authors: &[&str]) -> M {
        self.0.contributors = authors.iter().map(|a| a.to_string()).collect();
        self
    }
}

pub(crate) fn graph(models: Vec<M>) -> LineageGraph {
    let mut b = GraphBuilder::new(BuildOptions::default());
    b.begin_file("test");
    for model in models {
        b.record(model.0);
    }
    b.finish().0
}

/// The id of `name` in `g`.
pub(crate) fn id(g: &LineageGraph, name: &str) -> u32 {
    g.lookup(name)
        .unwrap_or_else(|| panic!("{name} is not in the test graph"))
}
