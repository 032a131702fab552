//! A topological order of the lineage graph without the edges that close a cycle (the
//! one-pass analyses walk it parents first or children first), and strongly connected
//! components for the passes that must follow every edge.

use crate::graph::{Csr, LineageGraph};
use crate::intern::NONE;

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

/// Strongly connected components of the graph `adjacency` (rows are nodes), children
/// before parents: every edge between two components goes from a later one to an earlier
/// one. Tarjan's algorithm without recursion, so deep chains cannot overflow the stack.
/// O(n + m) time and memory.
pub fn strongly_connected(adjacency: &Csr) -> Vec<Vec<u32>> {
    let n = adjacency.rows();
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0u32;
    for root in 0..n as u32 {
        if index[root as usize] != NONE {
            continue;
        }
        index[root as usize] = counter;
        low[root as usize] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        calls.push((root, adjacency.range(root).start));
        while let Some(&(v, pos)) = calls.last() {
            let end = adjacency.range(v).end;
            if pos < end {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                let w = adjacency.targets()[pos];
                if index[w as usize] == NONE {
                    index[w as usize] = counter;
                    low[w as usize] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w as usize] = true;
                    calls.push((w, adjacency.range(w).start));
                } else if on_stack[w as usize] {
                    low[v as usize] = low[v as usize].min(index[w as usize]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent as usize] = low[parent as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_come_children_first() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3, 4 alone.
        let adjacency = Csr::from_unsorted(5, &[(0, 1), (1, 2), (2, 1), (2, 3)]);
        let mut c = strongly_connected(&adjacency);
        for x in &mut c {
            x.sort_unstable();
        }
        assert_eq!(c, vec![vec![3], vec![1, 2], vec![0], vec![4]]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000u32;
        let pairs: Vec<(u32, u32)> = (0..n - 1).map(|v| (v, v + 1)).collect();
        let c = strongly_connected(&Csr::from_unsorted(n as usize, &pairs));
        assert_eq!(c.len(), n as usize);
        assert_eq!(c[0], vec![n - 1]);
    }
}
