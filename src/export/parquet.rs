//! Two Parquet files, `nodes.parquet` and `edges.parquet`, for pandas, polars, DuckDB and
//! Spark. Columns are typed: dates as `DATE`, counts as integers, scores as doubles, flags as
//! booleans; strings are dictionary-encoded, so kinds, types and licenses cost a few bits per
//! row. Column names are those GraphFrames expects: `id` first in the nodes, `src` and `dst`
//! first in the edges (then `kind` and `weight`). Rows stream out a row group at a time.

use std::io::{self, Write};
use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::schema::types::Type;

use super::{AttrType, EdgeRecord, Field, GraphWriter, NodeRecord, Schema, Value};
use crate::columnar::ParquetWriter;

/// The file names the command writes into its output directory.
pub const NODES_FILE: &str = "nodes.parquet";
/// See [`NODES_FILE`].
pub const EDGES_FILE: &str = "edges.parquet";

/// The edges' schema.
const EDGE_SCHEMA: &str = "message edges {
  required binary src (STRING);
  required binary dst (STRING);
  required binary kind (STRING);
  required double weight;
}";

/// How one node attribute is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    Str,
    Date,
    Int,
    Long,
    Double,
    Bool,
}

/// Writes the nodes and edges of an export as two Parquet files.
pub struct ParquetGraphWriter<N: Write + Send, E: Write + Send> {
    nodes_out: Option<N>,
    nodes: Option<ParquetWriter<N>>,
    edges: Option<ParquetWriter<E>>,
    stored: Vec<Stored>,
}

impl<N: Write + Send, E: Write + Send> ParquetGraphWriter<N, E> {
    /// A writer of `nodes.parquet` into `nodes` and `edges.parquet` into `edges`.
    pub fn new(nodes: N, edges: E) -> io::Result<Self> {
        Ok(ParquetGraphWriter {
            nodes_out: Some(nodes),
            nodes: None,
            edges: Some(ParquetWriter::new(edges, EDGE_SCHEMA)?),
            stored: Vec::new(),
        })
    }

    /// Ends both files and returns the writers underneath.
    pub fn into_inner(mut self) -> io::Result<(N, E)> {
        let closed = || io::Error::other("the Parquet files are already finished");
        let nodes = self.nodes.take().ok_or_else(closed)?.finish()?;
        let edges = self.edges.take().ok_or_else(closed)?.finish()?;
        Ok((nodes, edges))
    }
}

fn not_begun() -> io::Error {
    io::Error::other("a node or edge written before begin")
}

/// The Parquet schema of the nodes: `id`, then every attribute, each optional.
fn node_schema(schema: &Schema) -> io::Result<(Type, Vec<Stored>)> {
    let mut fields = vec![Arc::new(
        Type::primitive_type_builder("id", PhysicalType::BYTE_ARRAY)
            .with_repetition(Repetition::REQUIRED)
            .with_logical_type(Some(LogicalType::String))
            .build()
            .map_err(io::Error::other)?,
    )];
    let mut stored = Vec::with_capacity(schema.node.len());
    for attr in &schema.node {
        let s = match (attr.field, attr.ty) {
            (Field::Created | Field::LastModified, _) => Stored::Date,
            (_, AttrType::String) => Stored::Str,
            (_, AttrType::Int) => Stored::Int,
            (_, AttrType::Long) => Stored::Long,
            (_, AttrType::Double) => Stored::Double,
            (_, AttrType::Boolean) => Stored::Bool,
        };
        let (physical, logical) = match s {
            Stored::Str => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
            Stored::Date => (PhysicalType::INT32, Some(LogicalType::Date)),
            Stored::Int => (PhysicalType::INT32, None),
            Stored::Long => (PhysicalType::INT64, None),
            Stored::Double => (PhysicalType::DOUBLE, None),
            Stored::Bool => (PhysicalType::BOOLEAN, None),
        };
        fields.push(Arc::new(
            Type::primitive_type_builder(&attr.name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map_err(io::Error::other)?,
        ));
        stored.push(s);
    }
    let root = Type::group_type_builder("nodes")
        .with_fields(fields)
        .build()
        .map_err(io::Error::other)?;
    Ok((root, stored))
}

/// The double a score's shortest decimal spelling means, so that `67.87` reads back as the
/// 67.87 every text export writes rather than as the nearest `f32`, 67.870002746...
fn widen(x: f32) -> f64 {
    format!("{x:?}").parse().unwrap_or(f64::from(x))
}

impl<N: Write + Send, E: Write + Send> GraphWriter for ParquetGraphWriter<N, E> {
    fn begin(&mut self, schema: &Schema) -> io::Result<()> {
        let (root, stored) = node_schema(schema)?;
        let out = self.nodes_out.take().ok_or_else(not_begun)?;
        self.nodes = Some(ParquetWriter::with_schema(out, root)?);
        self.stored = stored;
        Ok(())
    }

    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()> {
        let w = self.nodes.as_mut().ok_or_else(not_begun)?;
        w.column(0).str(node.name, 0);
        let mut values = node.values.iter().peekable();
        for (i, &stored) in self.stored.iter().enumerate() {
            let c = w.column(i + 1);
            match values.next_if(|(at, _)| *at == i).map(|(_, v)| *v) {
                None => c.null(0, 0),
                Some(Value::Str(s)) => c.str(s, 0),
                Some(Value::Date(d)) => c.i32(d.0),
                Some(Value::Int(n)) if stored == Stored::Int => {
                    c.i32(i32::try_from(n).unwrap_or(i32::MAX))
                }
                Some(Value::Int(n)) => c.i64(i64::try_from(n).unwrap_or(i64::MAX), 0),
                Some(Value::Double(x)) => c.f64(widen(x)),
                Some(Value::Bool(b)) => c.bool(b),
            }
        }
        w.end_row()
    }

    fn begin_edges(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()> {
        let w = self.edges.as_mut().ok_or_else(not_begun)?;
        w.column(0).str(edge.source_name, 0);
        w.column(1).str(edge.target_name, 0);
        w.column(2).str(edge.kind.as_str(), 0);
        w.column(3).f64(1.0);
        w.end_row()
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}
