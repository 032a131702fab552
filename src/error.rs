//! The crate's error type, built from one small enum per concern. Messages say what went
//! wrong, the offending value, where, and what would be accepted.

use std::path::PathBuf;

use thiserror::Error;

/// A whole input file that cannot be used (per-row problems are not errors: they go into
/// the build report).
#[derive(Debug, Error)]
pub enum IngestError {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the file is empty; expected {expected}", path.display())]
    Empty { path: PathBuf, expected: String },
    #[error("{}: binary data ({detail}); expected a text file: {expected}", path.display())]
    Binary {
        path: PathBuf,
        detail: String,
        expected: String,
    },
    #[error("{}: not a known input format (first line: '{header}'); expected {expected}", path.display())]
    UnknownFormat {
        path: PathBuf,
        header: String,
        expected: String,
    },
    #[error("{}: header lacks column '{column}' that the {format} format needs", path.display())]
    MissingColumn {
        path: PathBuf,
        format: &'static str,
        column: String,
    },
    #[error("{}:{line}: the file is truncated: {detail}", path.display())]
    Truncated {
        path: PathBuf,
        line: u64,
        detail: String,
    },
    #[error("{}: {detail}", path.display())]
    Parquet { path: PathBuf, detail: String },
    #[error("{}:{line}: {detail}", path.display())]
    Config {
        path: PathBuf,
        line: u64,
        detail: String,
    },
}

/// A graph file that cannot be written or read back.
#[derive(Debug, Error)]
pub enum GraphFileError {
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("{}: not a lineage graph file (bad magic bytes); build one with `lineage build`", path.display())]
    NotAGraph { path: PathBuf },
    #[error("{}: graph file format version {found}, this build reads version {expected}; rebuild it with `lineage build`", path.display())]
    Version {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("{}: the graph file is truncated ({found} of {expected} bytes); rebuild it with `lineage build`", path.display())]
    Truncated {
        path: PathBuf,
        found: u64,
        expected: u64,
    },
    #[error("{}: the graph file is corrupted (checksum mismatch); rebuild it with `lineage build`", path.display())]
    Checksum { path: PathBuf },
    #[error("{}: the graph file is corrupted ({detail}); rebuild it with `lineage build`", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot encode the graph: {0}")]
    Encode(String),
}

/// The crate's error.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    GraphFile(#[from] GraphFileError),
    #[error("{0}")]
    Query(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
