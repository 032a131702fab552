//! Two CSV files, nodes and edges, that pandas (`read_csv` without options), spreadsheets and
//! Gephi's spreadsheet importer read: a header row of plain names (`id` first in the nodes,
//! `source,target` first in the edges), RFC 4180 quoting, empty cells for missing values,
//! `true` / `false` for flags, dates as `YYYY-MM-DD`.

use std::io::{self, Write};

use super::{EdgeRecord, GraphWriter, NodeRecord, Schema};

/// The file names the command writes into its output directory.
pub const NODES_FILE: &str = "nodes.csv";
/// The edge table's file name.
pub const EDGES_FILE: &str = "edges.csv";

/// Writes the graph as two CSV tables, one of nodes and one of edges.
pub struct CsvWriter<N: Write, E: Write> {
    nodes: csv::Writer<N>,
    edges: csv::Writer<E>,
    columns: usize,
    scratch: Vec<u8>,
}

impl<N: Write, E: Write> CsvWriter<N, E> {
    /// A writer of the node table to `nodes` and the edge table to `edges`.
    pub fn new(nodes: N, edges: E) -> Self {
        CsvWriter {
            nodes: csv::Writer::from_writer(nodes),
            edges: csv::Writer::from_writer(edges),
            columns: 0,
            scratch: Vec::new(),
        }
    }

    /// The two writers underneath, flushed (to end a compressed stream, say).
    pub fn into_inner(self) -> io::Result<(N, E)> {
        let nodes = self.nodes.into_inner().map_err(|e| e.into_error())?;
        let edges = self.edges.into_inner().map_err(|e| e.into_error())?;
        Ok((nodes, edges))
    }
}

/// Keeps an I/O error an I/O error (a closed pipe stays recognisable).
fn io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl<N: Write, E: Write> GraphWriter for CsvWriter<N, E> {
    fn begin(&mut self, schema: &Schema) -> io::Result<()> {
        self.columns = schema.node.len();
        self.nodes.write_field("id").map_err(io)?;
        for attr in &schema.node {
            self.nodes.write_field(&attr.name).map_err(io)?;
        }
        self.nodes.write_record(None::<&[u8]>).map_err(io)?;
        self.edges
            .write_record(["source", "target", "kind", "weight"])
            .map_err(io)
    }

    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()> {
        self.nodes.write_field(node.name).map_err(io)?;
        let mut values = node.values.iter().peekable();
        for column in 0..self.columns {
            self.scratch.clear();
            if let Some((_, value)) = values.next_if(|(i, _)| *i == column) {
                value.write_plain(&mut self.scratch)?;
            }
            self.nodes.write_field(&self.scratch).map_err(io)?;
        }
        self.nodes.write_record(None::<&[u8]>).map_err(io)
    }

    fn begin_edges(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()> {
        self.edges
            .write_record([
                edge.source_name,
                edge.target_name,
                edge.kind.as_str(),
                "1.0",
            ])
            .map_err(io)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.nodes.flush()?;
        self.edges.flush()
    }
}
