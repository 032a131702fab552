//! GraphML as Gephi's importer reads it (and networkx's `read_graphml`, yEd, igraph):
//! `edgedefault="directed"`, every attribute declared as a `<key>` for `node` or `edge` (never
//! `all`, which Gephi attaches to nodes only) with its `attr.type`, the node label in the
//! `label` key and the edge weight in `weight`, both of which Gephi maps onto its own label
//! and weight. Key ids are the attribute names, never `d3`/`d7`, which Gephi takes for yEd
//! labels. Missing values have no `<data>` element.
//!
//! Node ids are the model ids, which readers show directly. A model id with a `/` is not an
//! XML name token (`NMTOKEN`), so the GraphML schema rejects such ids; the strict mode
//! ([`GraphMlWriter::strict`]) writes `n0`, `n1`, ... (the model's dense index) instead, the
//! model id staying in the `label` attribute, and validates against the schema.

use std::io::{self, Write};

use super::xml::{node_id, write_escaped};
use super::{EdgeRecord, GraphWriter, NodeRecord, Schema};

/// Writes GraphML (see the module documentation).
pub struct GraphMlWriter<W: Write> {
    out: W,
    /// Key id of each node attribute, by schema index.
    keys: Vec<String>,
    /// Index ids (`n17`) rather than model ids.
    strict: bool,
}

impl<W: Write> GraphMlWriter<W> {
    /// A writer whose node ids are the model ids.
    pub fn new(out: W) -> Self {
        GraphMlWriter {
            out,
            keys: Vec::new(),
            strict: false,
        }
    }

    /// A writer whose node ids are `n` and the model's dense index, valid against the
    /// GraphML schema; the model id is the node's `label`.
    pub fn strict(out: W) -> Self {
        GraphMlWriter {
            strict: true,
            ..Self::new(out)
        }
    }

    fn write_id(&mut self, name: &str, model: u32) -> io::Result<()> {
        if self.strict {
            write!(self.out, "n{model}")
        } else {
            write_escaped(&mut self.out, &node_id(name, model))
        }
    }
}

impl<W: Write> GraphWriter for GraphMlWriter<W> {
    fn begin(&mut self, schema: &Schema) -> io::Result<()> {
        let w = &mut self.out;
        w.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
        )?;
        for attr in &schema.node {
            write!(w, "  <key id=\"{}\" for=\"node\" attr.name=\"", attr.id)?;
            write_escaped(w, &attr.name)?;
            writeln!(w, "\" attr.type=\"{}\"/>", attr.ty.graphml_name())?;
        }
        w.write_all(
            b"  <key id=\"kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n  \
<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n  \
<graph id=\"lineage\" edgedefault=\"directed\">\n",
        )?;
        self.keys = schema.node.iter().map(|a| a.id.clone()).collect();
        Ok(())
    }

    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()> {
        let w = &mut self.out;
        w.write_all(b"    <node id=\"")?;
        self.write_id(node.name, node.model)?;
        let w = &mut self.out;
        w.write_all(b"\">\n")?;
        for (i, value) in node.values {
            write!(w, "      <data key=\"{}\">", self.keys[*i])?;
            match value {
                super::Value::Str(s) => write_escaped(w, s)?,
                v => v.write_plain(w)?,
            }
            w.write_all(b"</data>\n")?;
        }
        w.write_all(b"    </node>\n")
    }

    fn begin_edges(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()> {
        self.out.write_all(b"    <edge source=\"")?;
        self.write_id(edge.source_name, edge.source)?;
        self.out.write_all(b"\" target=\"")?;
        self.write_id(edge.target_name, edge.target)?;
        writeln!(
            self.out,
            "\">\n      <data key=\"kind\">{}</data>\n      <data key=\"weight\">1.0</data>\n    </edge>",
            edge.kind.as_str()
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"  </graph>\n</graphml>\n")?;
        self.out.flush()
    }
}
