//! Today's data from the Hugging Face Hub: the model listing (with each repo's commit
//! authors) as Hub API JSON Lines, and bulk snapshot files of dataset repos. Crawls resume
//! from a checkpoint after a kill, wait when the Hub says to, and retry what is worth
//! retrying a bounded number of times.
//!
//! The endpoint and token come from the caller (the command reads `HF_ENDPOINT` and
//! `HF_TOKEN`); nothing here prints.

pub mod client;
pub mod error;
pub mod headers;
mod journal;
pub mod models;
pub mod snapshot;

pub use client::{Client, ClientConfig, Endpoint, Observer, Silent, StatsSnapshot, Token};
pub use error::FetchError;
pub use models::{fetch_models, ModelsQuery, ModelsSummary};
pub use snapshot::{fetch_snapshot, SnapshotRequest, SnapshotSummary};
