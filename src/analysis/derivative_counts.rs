//! Derivative counts per base (paper figure 6): which models the community builds on,
//! ranked by distinct descendants, with the descendants split by how each was made.

use crate::graph::LineageGraph;
use crate::model::EdgeKind;

use super::algo;
use super::{Cell, Scope, Table};

/// A base model and how many models derive from it.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseDerivatives {
    /// The base model.
    pub model: u32,
    /// Models naming it as a parent.
    pub direct: u32,
    /// Models it reaches through lineage edges, at any depth.
    pub descendants: u32,
    /// Descendants by how each was made, indexed like [`EdgeKind::ALL`].
    pub by_kind: [u32; 5],
}

/// The `top` models by descendants (then direct children, then name). Flagged models are
/// not ranked unless the scope includes them; stubs are (lineage names them as bases).
/// O(sum of descendants) through `algo::derivatives`.
pub fn derivative_counts(g: &LineageGraph, scope: &Scope, top: usize) -> Vec<BaseDerivatives> {
    let all = algo::derivatives::derivatives(g);
    let mut ranked: Vec<BaseDerivatives> = all
        .iter()
        .enumerate()
        .filter(|(v, d)| d.descendants > 0 && algo::counted(g, *v as u32, scope.include_flagged))
        .map(|(v, d)| BaseDerivatives {
            model: v as u32,
            direct: d.direct,
            descendants: d.descendants,
            by_kind: d.by_kind,
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.descendants
            .cmp(&a.descendants)
            .then(b.direct.cmp(&a.direct))
            .then_with(|| g.name(a.model).cmp(g.name(b.model)))
    });
    ranked.truncate(top);
    ranked
}

/// The ranking as a table, one row per base.
pub fn table(g: &LineageGraph, rows: &[BaseDerivatives]) -> Table {
    let mut cols: Vec<String> = ["model", "direct", "descendants"]
        .map(String::from)
        .to_vec();
    cols.extend(EdgeKind::ALL.iter().map(|k| format!("made by {k}")));
    cols.push("stub".into());
    let mut t = Table::new(cols);
    for r in rows {
        let mut row = vec![
            Cell::text(g.name(r.model)),
            Cell::int(r.direct),
            Cell::int(r.descendants),
        ];
        row.extend(r.by_kind.iter().map(|&c| Cell::int(c)));
        row.push(Cell::text(if g.models[r.model as usize].is_stub() {
            "yes"
        } else {
            "no"
        }));
        t.push(row);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn ranks_bases_by_descendants() {
        let details = "0,o/base,o,,,1,,[],,,\n\
                       1,a/t1,a,,,1,,[],,,o/base\n\
                       2,a/t2,a,,,1,,[],,,a/t1\n\
                       3,b/t3,b,,,1,,[],,,o/other\n";
        let g = build(details, "", "");
        let r = derivative_counts(&g, &Scope::default(), 10);
        let got: Vec<(&str, u32, u32)> = r
            .iter()
            .map(|d| (g.name(d.model), d.direct, d.descendants))
            .collect();
        assert_eq!(got, [("o/base", 1, 2), ("a/t1", 1, 1), ("o/other", 1, 1)]);
        assert_eq!(r[0].by_kind[EdgeKind::Unspecified as usize], 2);
        assert_eq!(table(&g, &r).get(2, "stub"), Some(&Cell::text("yes")));
    }
}
