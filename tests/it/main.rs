//! The integration tests, one module per command or concern, linked into one test binary so
//! that a first `cargo test` compiles and links the crate's test code once rather than per file.

mod common;

mod algo_props;
mod bad_input;
mod boards;
mod build;
mod export;
mod fetch;
mod graph_file;
mod ingest_real;
mod papers;
mod petgraph_view;
mod props;
mod query;
mod registry;
mod report;
mod synth;
