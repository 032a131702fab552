//! The crate's error type, built from one small enum per concern. Messages say what went
//! wrong, the offending value, where, and what would be accepted.

use std::path::PathBuf;

use thiserror::Error;

/// A whole input file that cannot be used (per-row problems are not errors: they go into
/// the build report).
#[derive(Debug, Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    #[error("{}: the file is empty; expected {expected}", path.display())]
    /// The file has no content.
    Empty {
        /// The file.
        path: PathBuf,
        /// The formats that would be accepted.
        expected: String,
    },
    /// The file holds binary data where text was expected.
    #[error("{}: binary data ({detail}); expected a text file: {expected}", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        detail: String,
        /// The formats that would be accepted.
        expected: String,
    },
    /// The first line matches no input format.
    #[error("{}: not a known input format (first line: '{header}'); expected {expected}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Its first line.
        header: String,
        /// The formats that would be accepted.
        expected: String,
    },
    /// The header lacks a column the detected format needs.
    #[error("{}: header lacks column '{column}' that the {format} format needs", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The format detected.
        format: &'static str,
        /// The missing column.
        column: String,
    },
    /// A header names one column twice: a reader would see only one of the two.
    #[error("{}: column '{column}' appears twice in the header (columns {first} and {second}); \
             rename or drop one", path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The column name.
        column: String,
        /// Its first position (1-based).
        first: usize,
        /// Its second position.
        second: usize,
    },
    /// The file ends inside a row (a quoted field left open, say).
    #[error("{}:{line}: the file is truncated: {detail}", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The line where the damage is.
        line: u64,
        /// What is wrong.
        detail: String,
    },
    /// A Parquet input that cannot be read (not Parquet, a broken footer, an unreadable row group).
    #[error("{}: {detail}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// A line of a configuration table (aliases, date corrections, rules) is wrong.
    #[error("{}:{line}: {detail}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// What is wrong and what would be accepted.
        detail: String,
    },
}

/// A graph file that cannot be written or read back.
#[derive(Debug, Error)]
pub enum GraphFileError {
    /// The file could not be read or written.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done (`read`, `write`, ...).
        action: &'static str,
        /// What the system said.
        source: std::io::Error,
    },
    #[error("{}: not a lineage graph file (bad magic bytes); build one with `lineage build`", path.display())]
    /// The file does not start with the graph file's magic bytes.
    NotAGraph {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by another version of the format.
    #[error("{}: graph file format version {found}, this build reads version {expected}; rebuild it with `lineage build`", path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// The file is shorter than its header says.
    #[error("{}: the graph file is truncated ({found} of {expected} bytes); rebuild it with `lineage build`", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes in the file.
        found: u64,
        /// Bytes its header announces.
        expected: u64,
    },
    #[error("{}: the graph file is corrupted (checksum mismatch); rebuild it with `lineage build`", path.display())]
    /// The file's checksum does not match its contents.
    Checksum {
        /// The file.
        path: PathBuf,
    },
    #[error("{}: the graph file is corrupted ({detail}); rebuild it with `lineage build`", path.display())]
    /// The contents decode but are inconsistent.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is inconsistent.
        detail: String,
    },
    /// The graph could not be encoded.
    #[error("cannot encode the graph: {0}")]
    Encode(String),
}

/// The crate's error.
#[derive(Debug, Error)]
pub enum Error {
    /// Reading an input failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Reading or writing a graph file failed.
    #[error(transparent)]
    GraphFile(#[from] GraphFileError),
    /// A query could not run (an unknown model, a bad option).
    #[error("{0}")]
    Query(String),
    /// An I/O step failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// What the system said.
        source: std::io::Error,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
