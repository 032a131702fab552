//! GEXF 1.3 with `mode="dynamic"` and `timeformat="date"`: each node starts on its creation
//! date and each edge on its child's, so Gephi's timeline replays how the ecosystem grew.
//! Models without a date (stubs, mostly) have no start and are always present.
//!
//! The attributes are those of the GraphML export, declared once per class (static values).
//! The label is the node's `label`; the weight is the edge's `weight` (1.0); the edge kind is
//! an attribute value, not GEXF's own `kind`, which Gephi reads as a parallel-edge type and
//! networkx ignores.

use std::io::{self, Write};

use super::xml::{node_id, write_escaped};
use super::{write_day, EdgeRecord, GraphWriter, NodeRecord, Schema, Value};

/// Writes the graph as GEXF (Gephi).
pub struct GexfWriter<W: Write> {
    out: W,
    keys: Vec<String>,
}

impl<W: Write> GexfWriter<W> {
    /// A writer into `out`.
    pub fn new(out: W) -> Self {
        GexfWriter {
            out,
            keys: Vec::new(),
        }
    }
}

impl<W: Write> GraphWriter for GexfWriter<W> {
    fn begin(&mut self, schema: &Schema) -> io::Result<()> {
        let w = &mut self.out;
        w.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<gexf xmlns=\"http://gexf.net/1.3\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n  \
<meta>\n    <creator>lineage</creator>\n    \
<description>Lineage of machine-learning models: edges run from base to derivative; \
start dates are creation dates</description>\n  </meta>\n  \
<graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"date\">\n    \
<attributes class=\"node\">\n",
        )?;
        // The label is the node element's own attribute.
        for attr in schema.node.iter().filter(|a| a.id != "label") {
            write!(w, "      <attribute id=\"{}\" title=\"", attr.id)?;
            write_escaped(w, &attr.name)?;
            writeln!(w, "\" type=\"{}\"/>", attr.ty.gexf_name())?;
        }
        w.write_all(
            b"    </attributes>\n    <attributes class=\"edge\">\n      \
<attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n    </attributes>\n    <nodes>\n",
        )?;
        self.keys = schema.node.iter().map(|a| a.id.clone()).collect();
        Ok(())
    }

    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()> {
        let w = &mut self.out;
        w.write_all(b"      <node id=\"")?;
        write_escaped(w, &node_id(node.name, node.model))?;
        w.write_all(b"\" label=\"")?;
        write_escaped(w, node.name)?;
        if let Some(day) = node.data.created {
            w.write_all(b"\" start=\"")?;
            write_day(w, day)?;
        }
        w.write_all(b"\">\n        <attvalues>\n")?;
        for (i, value) in node.values {
            let key = &self.keys[*i];
            if key == "label" {
                continue;
            }
            write!(w, "          <attvalue for=\"{key}\" value=\"")?;
            match value {
                Value::Str(s) => write_escaped(w, s)?,
                v => v.write_plain(w)?,
            }
            w.write_all(b"\"/>\n")?;
        }
        w.write_all(b"        </attvalues>\n      </node>\n")
    }

    fn begin_edges(&mut self) -> io::Result<()> {
        self.out.write_all(b"    </nodes>\n    <edges>\n")
    }

    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()> {
        let w = &mut self.out;
        w.write_all(b"      <edge source=\"")?;
        write_escaped(w, &node_id(edge.source_name, edge.source))?;
        w.write_all(b"\" target=\"")?;
        write_escaped(w, &node_id(edge.target_name, edge.target))?;
        w.write_all(b"\" weight=\"1.0")?;
        if let Some(day) = edge.start {
            w.write_all(b"\" start=\"")?;
            write_day(w, day)?;
        }
        writeln!(
            w,
            "\">\n        <attvalues>\n          <attvalue for=\"kind\" value=\"{}\"/>\n        </attvalues>\n      </edge>",
            edge.kind.as_str()
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"    </edges>\n  </graph>\n</gexf>\n")?;
        self.out.flush()
    }
}
