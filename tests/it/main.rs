//! The integration tests, one module per command or concern, linked into one test binary so
//! that a first `cargo test` compiles and links the crate's test code once rather than per file.

mod common;

mod algo_props;
mod bad_input;
mod boards;
mod browser;
mod build;
mod command_line;
mod compressed;
mod export;
mod fetch;
mod fuzz_readers;
mod graph_file;
mod hostile_input;
mod ingest_real;
mod interop;
mod options;
mod papers;
mod parquet;
mod petgraph_view;
mod pinned_report;
mod props;
mod query;
mod readme;
mod registry;
mod report;
mod serve;
mod synth;
