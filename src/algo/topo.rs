//! A topological order of the lineage graph without the edges that close a cycle: the
//! one-pass analyses (depths, subtree sums) walk it parents first or children first.

use crate::graph::LineageGraph;

/// Models with every parent before its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopoOrder {
    /// All models: the ordered ones first, then any that could not be ordered.
    pub order: Vec<u32>,
    /// How many of `order` are truly in topological order. Equals the model count unless the
    /// graph's cycle marks are wrong (a hand-made or damaged graph), in which case the models
    /// on or below an unmarked cycle come last, in id order.
    pub ordered: usize,
}

/// Kahn's algorithm over the edges that do not close a cycle.
///
/// O(n + m) time, O(n) memory. Roots come in id order, so the result is deterministic.
///
/// ```
/// use lineage::ingest::Input;
/// let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,a/child,a,2024-02-01,,,,[],,,b/base\n\
/// 1,b/base,b,2024-01-01,,,,[],,,\n";
/// let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
/// let topo = lineage::algo::topo::topological_order(&g);
/// let names: Vec<&str> = topo.order.iter().map(|&v| g.name(v)).collect();
/// assert_eq!(names, ["b/base", "a/child"]);
/// ```
pub fn topological_order(g: &LineageGraph) -> TopoOrder {
    let n = g.model_count();
    let mut pending: Vec<u32> = (0..n as u32)
        .map(|v| g.dag_parents(v).count() as u32)
        .collect();
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&v| pending[v as usize] == 0)
        .collect();
    order.reserve(n - order.len());
    let mut head = 0;
    while head < order.len() {
        let v = order[head];
        head += 1;
        for (c, _) in g.dag_children(v) {
            let p = &mut pending[c as usize];
            *p -= 1;
            if *p == 0 {
                order.push(c);
            }
        }
    }
    let ordered = order.len();
    if ordered < n {
        order.extend((0..n as u32).filter(|&v| pending[v as usize] > 0));
    }
    TopoOrder { order, ordered }
}
