//! Graphviz DOT, for drawing small subgraphs (a family to a few generations): edges coloured
//! by kind, stubs drawn dashed, left to right from bases to derivatives. Only ids, kinds and the
//! stub mark go in; the attributes belong to the other formats.

use std::io::{self, Write};

use super::{clean_id, EdgeRecord, GraphWriter, NodeRecord, Schema};
use crate::model::EdgeKind;

/// Edge colour per kind (Tableau 10 hues), in [`EdgeKind::ALL`] order.
pub const COLOURS: [(EdgeKind, &str); 5] = [
    (EdgeKind::Finetune, "#1f77b4"),
    (EdgeKind::Adapter, "#2ca02c"),
    (EdgeKind::Quantized, "#ff7f0e"),
    (EdgeKind::Merge, "#d62728"),
    (EdgeKind::Unspecified, "#7f7f7f"),
];

/// Writes the graph in Graphviz DOT, edges coloured by kind.
pub struct DotWriter<W: Write> {
    out: W,
}

impl<W: Write> DotWriter<W> {
    /// A writer into `out`.
    pub fn new(out: W) -> Self {
        DotWriter { out }
    }
}

/// Writes `s` as a DOT quoted string. Inside one only `\"` is an escape, so a backslash is
/// doubled (else a trailing one would swallow the closing quote); control characters, which
/// Graphviz cannot show, are dropped by [`clean_id`] before this.
fn write_quoted(w: &mut impl Write, s: &str) -> io::Result<()> {
    w.write_all(b"\"")?;
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'"' || b == b'\\' {
            w.write_all(&s.as_bytes()[start..i])?;
            w.write_all(b"\\")?;
            start = i;
        }
    }
    w.write_all(&s.as_bytes()[start..])?;
    w.write_all(b"\"")
}

fn id(name: &str, model: u32) -> std::borrow::Cow<'_, str> {
    clean_id(name, model, char::is_control)
}

impl<W: Write> GraphWriter for DotWriter<W> {
    fn begin(&mut self, _schema: &Schema) -> io::Result<()> {
        let legend: Vec<String> = COLOURS.iter().map(|(k, c)| format!("{k} {c}")).collect();
        writeln!(
            self.out,
            "// Lineage of machine-learning models, base -> derivative.\n\
             // Edge colours: {}. Dashed boxes are stubs (named by derivatives, not described).\n\
             digraph lineage {{\n  \
             rankdir=LR;\n  \
             node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n  \
             edge [arrowsize=0.7];",
            legend.join(", ")
        )
    }

    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()> {
        self.out.write_all(b"  ")?;
        write_quoted(&mut self.out, &id(node.name, node.model))?;
        if node.data.is_stub() {
            self.out.write_all(b" [style=\"rounded,dashed\"]")?;
        }
        self.out.write_all(b";\n")
    }

    fn begin_edges(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()> {
        let colour = COLOURS[edge.kind as usize].1;
        self.out.write_all(b"  ")?;
        write_quoted(&mut self.out, &id(edge.source_name, edge.source))?;
        self.out.write_all(b" -> ")?;
        write_quoted(&mut self.out, &id(edge.target_name, edge.target))?;
        writeln!(
            self.out,
            " [color=\"{colour}\", tooltip=\"{}\"];",
            edge.kind
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_in_kind_order() {
        for (i, (k, _)) in COLOURS.iter().enumerate() {
            assert_eq!(*k as usize, i);
        }
    }

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        let mut out = Vec::new();
        write_quoted(&mut out, r#"a"b\c\"#).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#""a\"b\\c\\""#);
    }
}
