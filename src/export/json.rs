//! Node-link JSON as networkx reads it: `directed`, `multigraph`, `graph`, `nodes` (each with
//! `id` and its attributes) and `edges` (each with `source`, `target`, `kind` and `weight`).
//! networkx 3.6 reads the `edges` key by default, `nx.node_link_graph(data)`; 3.4 and 3.5
//! need `edges="edges"` (their default is still `links`), older versions `link="edges"`.
//! One node or edge per line, so the file streams, greps and diffs well. Strings are
//! JSON-escaped, so ids keep every character.

use std::io::{self, Write};

use super::{EdgeRecord, GraphWriter, NodeRecord, Schema, Value};

/// Writes the graph as one JSON document of nodes and edges.
pub struct JsonWriter<W: Write> {
    out: W,
    names: Vec<String>,
    first: bool,
}

impl<W: Write> JsonWriter<W> {
    /// A writer into `out`.
    pub fn new(out: W) -> Self {
        JsonWriter {
            out,
            names: Vec::new(),
            first: true,
        }
    }

    /// Separates array items: a comma before every item but the first.
    fn separator(&mut self) -> io::Result<()> {
        if self.first {
            self.first = false;
            self.out.write_all(b"\n")
        } else {
            self.out.write_all(b",\n")
        }
    }
}

fn string(w: &mut impl Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(w, s).map_err(io::Error::from)
}

impl<W: Write> GraphWriter for JsonWriter<W> {
    fn begin(&mut self, schema: &Schema) -> io::Result<()> {
        self.names = schema.node.iter().map(|a| a.name.clone()).collect();
        self.first = true;
        self.out.write_all(
            b"{\"directed\": true, \"multigraph\": false, \"graph\": {\"name\": \"lineage\"}, \"nodes\": [",
        )
    }

    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()> {
        self.separator()?;
        let w = &mut self.out;
        w.write_all(b"{\"id\": ")?;
        string(w, node.name)?;
        for (i, value) in node.values {
            w.write_all(b", ")?;
            string(w, &self.names[*i])?;
            w.write_all(b": ")?;
            match value {
                Value::Str(s) => string(w, s)?,
                Value::Date(_) => {
                    w.write_all(b"\"")?;
                    value.write_plain(w)?;
                    w.write_all(b"\"")?;
                }
                v => v.write_plain(w)?,
            }
        }
        w.write_all(b"}")
    }

    fn begin_edges(&mut self) -> io::Result<()> {
        self.first = true;
        self.out.write_all(b"\n], \"edges\": [")
    }

    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()> {
        self.separator()?;
        let w = &mut self.out;
        w.write_all(b"{\"source\": ")?;
        string(w, edge.source_name)?;
        w.write_all(b", \"target\": ")?;
        string(w, edge.target_name)?;
        write!(
            w,
            ", \"kind\": \"{}\", \"weight\": 1.0}}",
            edge.kind.as_str()
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()
    }
}
