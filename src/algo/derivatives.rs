//! Derivative counts (methodology section 3, paper figure 6): for every model its direct
//! children and its distinct transitive descendants, split by how each descendant was
//! made. The top models by descendants answer "which base models does the community build on?".

use petgraph::unionfind::UnionFind;
use rayon::prelude::*;

use super::topo::{strongly_connected, topological_order};
use super::{chunk_len, counted, made_by, KindSet, Visited};
use crate::graph::{Csr, LineageGraph};
use crate::intern::NONE;
use crate::model::EdgeKind;

/// The derivatives of one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derivatives {
    /// Distinct children.
    pub direct: u32,
    /// Distinct models reachable through one or more lineage edges, the model itself excluded.
    pub descendants: u32,
    /// The descendants split by how each was made ([`super::made_by`]: the kind of its own
    /// parent edges), indexed like [`EdgeKind::ALL`]. So for a base model `by_kind[merge]` is
    /// how many merges sit anywhere below it, and the five counts add up to `descendants`.
    pub by_kind: [u32; 5],
}

impl Derivatives {
    /// Descendants made by edges of `kind`.
    pub fn of_kind(&self, kind: EdgeKind) -> u32 {
        self.by_kind[kind as usize]
    }
}

/// What [`derivatives_with`] follows and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DerivativeOptions {
    /// Follow only edges of these kinds (all by default): with `finetune` and `adapter` only,
    /// a quantization of a fine-tune is not a descendant, nor is anything below it.
    pub kinds: KindSet,
    /// Count flagged models too.
    pub include_flagged: bool,
}

/// Derivatives of every model, indexed by model id, following every edge and leaving
/// flagged models out of the counts (they still pass their descendants on).
///
/// ```
/// use lineage::ingest::Input;
/// let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,o/base,o,2024-01-01,,,,[],,,\n\
/// 1,a/tune,a,2024-02-01,,,,[],,,o/base\n\
/// 2,b/other,b,2024-02-01,,,,[],,,\n\
/// 3,c/merge,c,2024-03-01,,,,[],,,\"['a/tune', 'b/other']\"\n";
/// let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
/// let d = lineage::algo::derivatives::derivatives(&g);
/// let base = &d[g.lookup("o/base").unwrap() as usize];
/// assert_eq!((base.direct, base.descendants), (1, 2));
/// assert_eq!(base.by_kind, [0, 0, 0, 1, 1]); // one merge, one of unspecified kind
/// ```
pub fn derivatives(g: &LineageGraph) -> Vec<Derivatives> {
    derivatives_with(g, &DerivativeOptions::default())
}

/// Number of distinct descendants of every model (flagged ones not counted).
pub fn descendant_counts(g: &LineageGraph) -> Vec<u32> {
    derivatives(g).into_iter().map(|d| d.descendants).collect()
}

/// Derivatives of every model, following the edges of `options.kinds`.
///
/// Exact distinct counts without a search from every model. Keep, of each model's followed
/// parent edges, the one edge when it has exactly one (and it does not close a cycle): these
/// edges form a forest. Call the models that keep no parent edge this way although they have
/// one *joins* (merges, mostly). Whatever a model reaches is its own forest subtree plus the
/// forest subtrees of the joins it reaches, and these are disjoint; so its counts are its
/// subtree's sums (one pass, children first) plus the subtree sums of the joins it reaches.
///
/// Which joins each model reaches is found with bit sets, 64 joins per machine word, over
/// the strongly connected components of the models above a join, children first. Joins are
/// numbered by weakly connected group and topological order and cut into blocks of up to
/// 64 words; a component only visits the blocks between the first and last it reaches, and
/// its sums are its largest child's plus the joins that child misses (bit planes of the
/// subtree sums, joins of equal sums side by side). Blocks run in parallel.
///
/// Time O(n + m + s · w) where s is the number of (component, block) pairs visited and w
/// the words per block: on dense merge lattices this is the cost of a transitive closure
/// over the joins, divided by 64. Memory O(n) plus 64 MiB of bit sets in all (at least 128 bytes a component above a
/// join per thread). On
/// `lineage synth --models 1000000` (a dense merge lattice: 311,000 merge edges) it takes
/// 0.52 s on two cores, 0.69 s on one.
pub fn derivatives_with(g: &LineageGraph, options: &DerivativeOptions) -> Vec<Derivatives> {
    derivatives_in_blocks(g, options, None)
}

/// [`derivatives_with`], with `width` words of joins per block instead of what the memory
/// budget allows (tests use it to split small graphs into many blocks).
fn derivatives_in_blocks(
    g: &LineageGraph,
    options: &DerivativeOptions,
    width: Option<usize>,
) -> Vec<Derivatives> {
    let n = g.model_count();
    let topo = topological_order(g);
    if topo.ordered < n {
        // The graph's cycle marks are wrong (a damaged or hand-made file): without a
        // forest to decompose by, search from every model. Exact, only slower.
        return by_search(g, options);
    }
    let kinds = options.kinds;
    // Per model: whether it counts, and how it was made (kind index), in one byte each.
    let counts: Vec<bool> = (0..n as u32)
        .into_par_iter()
        .map(|v| counted(g, v, options.include_flagged))
        .collect();
    let made: Vec<u8> = (0..n as u32)
        .into_par_iter()
        .map(|v| made_by(g, v).map_or(EdgeKind::Unspecified as u8, |k| k as u8))
        .collect();
    let own = |v: u32| {
        let mut k = [0u32; 5];
        k[made[v as usize] as usize] = counts[v as usize] as u32;
        k
    };

    // Followed parent edges, and the forest's parent edge where there is one.
    let parents: Vec<(u32, u32)> = (0..n as u32)
        .into_par_iter()
        .map(|v| {
            let range = g.parents.range(v);
            let mut followed = 0u32;
            let mut kept = NONE;
            for (&p, &e) in g.parents.targets()[range.clone()]
                .iter()
                .zip(&g.parent_edges[range])
            {
                if kinds.contains(g.edge_kinds[e as usize]) {
                    followed += 1;
                    kept = if g.edge_closes_cycle[e as usize] {
                        NONE
                    } else {
                        p
                    };
                }
            }
            (followed, if followed == 1 { kept } else { NONE })
        })
        .collect();
    let forest_parent = |v: u32| parents[v as usize].1;
    let is_join = |v: u32| parents[v as usize].0 >= 1 && parents[v as usize].1 == NONE;

    // Subtree sums children first; forest roots parents first; who reaches a join.
    let mut subtree = vec![[0u32; 5]; n];
    let mut above_join = vec![false; n];
    let targets = g.children.targets();
    for &v in topo.order.iter().rev() {
        let s = &mut subtree[v as usize];
        add(s, own(v));
        let s = *s;
        let p = forest_parent(v);
        if p != NONE {
            add(&mut subtree[p as usize], s);
        }
        let range = g.children.range(v);
        above_join[v as usize] = targets[range.clone()]
            .iter()
            .zip(&g.edge_kinds[range])
            .any(|(&c, &k)| kinds.contains(k) && (is_join(c) || above_join[c as usize]));
    }
    let mut out: Vec<Derivatives> = (0..n as u32)
        .into_par_iter()
        .map(|v| {
            let by_kind = sub(subtree[v as usize], own(v));
            let range = g.children.range(v);
            Derivatives {
                direct: targets[range.clone()]
                    .iter()
                    .zip(&g.edge_kinds[range])
                    .filter(|&(&c, &k)| kinds.contains(k) && counts[c as usize])
                    .count() as u32,
                descendants: by_kind.iter().sum(),
                by_kind,
            }
        })
        .collect();

    let upper: Vec<u32> = (0..n as u32).filter(|&v| above_join[v as usize]).collect();
    if upper.is_empty() {
        return out;
    }
    let joins = JoinSums::new(
        g,
        kinds,
        &topo.order,
        &upper,
        &above_join,
        &subtree,
        is_join,
        width,
    );
    let found = joins.reached(|u| {
        // A model reached again from itself (it lies on a cycle) is in the subtree of its
        // forest root, which it reaches then: that subtree already holds its own.
        let mut c = upper[u as usize];
        while forest_parent(c) != NONE {
            c = forest_parent(c);
        }
        if is_join(c) {
            joins.join_index[c as usize]
        } else {
            NONE
        }
    });
    for (u, &v) in upper.iter().enumerate() {
        let d = &mut out[v as usize];
        add(&mut d.by_kind, found.sums[joins.component_of[u] as usize]);
    }
    for u in found.reached_again {
        let v = upper[u as usize];
        let d = &mut out[v as usize];
        d.by_kind = sub(d.by_kind, subtree[v as usize]);
    }
    for &v in &upper {
        let d = &mut out[v as usize];
        d.descendants = d.by_kind.iter().sum();
    }
    out
}

fn add(a: &mut [u32; 5], b: [u32; 5]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

fn sub(a: [u32; 5], b: [u32; 5]) -> [u32; 5] {
    let mut out = a;
    for (x, y) in out.iter_mut().zip(b) {
        *x = x.saturating_sub(y);
    }
    out
}

/// Bit sets of all threads together. Each component reads its children's rows of a block at
/// scattered places, so wide rows (several cache lines read in a row, and fewer blocks,
/// each visited by fewer components) pay for themselves even when the whole exceeds the
/// last-level cache: at 120,529 components on two threads, blocks of 32 words took 0.80 of
/// the time of blocks of 8 (16 MiB in all).
const BITSET_BUDGET: usize = 64 << 20;

/// The fewest words of joins per block whatever the budget (rows of a cache line at least
/// twice over): at 10^7 models, 16 words a component are 150 MB a thread.
const MIN_WIDTH: usize = 16;

/// The part of the graph above the joins, condensed, and the joins' subtree sums as bit
/// planes.
struct JoinSums {
    /// Component (children first) of each model above a join, by its index in `upper`.
    component_of: Vec<u32>,
    components: usize,
    /// Per component: the joins among its members' children (join indices).
    joins_below: Csr,
    /// Per component: the components of its members' children (earlier ones only).
    components_below: Csr,
    /// Join index of each model, [`NONE`] for the others.
    join_index: Vec<u32>,
    /// For each word of 64 joins, how to sum their subtree sums.
    planes: Vec<Word>,
    /// Words of joins per block.
    width: usize,
    /// Per component: the first and last block of joins it reaches (`NONE`, 0 for none).
    blocks: Vec<(u32, u32)>,
}

/// How the subtree sums of a word of 64 joins are added up.
enum Word {
    /// All have the same sums: (kind, sum) of the kinds that are not 0.
    Uniform(Vec<(u8, u32)>),
    /// (kind, bit, mask): the joins whose sum of that kind has that bit set.
    Planes(Vec<(u8, u8, u64)>),
}

/// What the bit-set passes found.
struct Reached {
    /// Subtree sums of the joins each component reaches.
    sums: Vec<[u32; 5]>,
    /// Models (indices into `upper`) that reach the join a caller asked about.
    reached_again: Vec<u32>,
}

impl JoinSums {
    /// Joins are numbered in topological order by blocks of `width` words (what the memory
    /// budget allows unless given), sorted by subtree sums within a block. A model reaches
    /// only joins after it, apart from cycles, so each component touches the blocks
    /// between the first and the last it reaches and skips the others.
    #[allow(clippy::too_many_arguments)]
    fn new(
        g: &LineageGraph,
        kinds: KindSet,
        topo_order: &[u32],
        upper: &[u32],
        above_join: &[bool],
        subtree: &[[u32; 5]],
        is_join: impl Fn(u32) -> bool + Sync,
        width: Option<usize>,
    ) -> JoinSums {
        let n = g.model_count();
        let mut upper_index = vec![NONE; n];
        for (u, &v) in upper.iter().enumerate() {
            upper_index[v as usize] = u as u32;
        }
        // Components of the part above the joins, children first.
        let mut pairs = Vec::new();
        for (u, &v) in upper.iter().enumerate() {
            for (c, k) in g.child_edges(v) {
                if kinds.contains(k) && above_join[c as usize] {
                    pairs.push((u as u32, upper_index[c as usize]));
                }
            }
        }
        let components = strongly_connected(&Csr::from_unsorted(upper.len(), &pairs));
        drop(pairs);
        let mut component_of = vec![NONE; upper.len()];
        for (i, members) in components.iter().enumerate() {
            for &u in members {
                component_of[u as usize] = i as u32;
            }
        }
        let width = width
            .unwrap_or_else(|| {
                let threads = rayon::current_num_threads().max(1);
                (BITSET_BUDGET / threads / (8 * components.len().max(1))).max(MIN_WIDTH)
            })
            .clamp(1, 64);

        // Joins grouped by the weakly connected part of the graph above them (a model only
        // reaches joins of its own part), each group in topological order; cut into
        // blocks, equal subtree sums side by side within a block.
        let mut group = UnionFind::<u32>::new(n);
        for &v in upper {
            for (c, k) in g.child_edges(v) {
                if kinds.contains(k) && (above_join[c as usize] || is_join(c)) {
                    group.union(v, c);
                }
            }
        }
        let mut position = vec![0u32; n];
        for (i, &v) in topo_order.iter().enumerate() {
            position[v as usize] = i as u32;
        }
        let mut joins: Vec<u32> = (0..n as u32).filter(|&v| is_join(v)).collect();
        let mut first_of_group = vec![u32::MAX; n];
        for &j in &joins {
            let r = group.find_mut(j) as usize;
            first_of_group[r] = first_of_group[r].min(position[j as usize]);
        }
        let keys: Vec<(u32, u32)> = joins
            .iter()
            .map(|&j| {
                let r = group.find_mut(j) as usize;
                (first_of_group[r], position[j as usize])
            })
            .collect();
        let mut order: Vec<u32> = (0..joins.len() as u32).collect();
        order.par_sort_unstable_by_key(|&i| keys[i as usize]);
        joins = order.iter().map(|&i| joins[i as usize]).collect();
        joins
            .par_chunks_mut(width * 64)
            .for_each(|block| block.sort_unstable_by_key(|&j| (subtree[j as usize], j)));
        let mut join_index = vec![NONE; n];
        for (i, &j) in joins.iter().enumerate() {
            join_index[j as usize] = i as u32;
        }
        let planes: Vec<Word> = joins
            .par_chunks(64)
            .map(|word| {
                let first = subtree[word[0] as usize];
                if word.iter().all(|&j| subtree[j as usize] == first) {
                    let kinds = (0..5u8)
                        .filter(|&k| first[k as usize] != 0)
                        .map(|k| (k, first[k as usize]))
                        .collect();
                    return Word::Uniform(kinds);
                }
                let mut masks = [[0u64; 32]; 5];
                for (bit, &j) in word.iter().enumerate() {
                    for (kind, &sum) in subtree[j as usize].iter().enumerate() {
                        let mut rest = sum;
                        while rest != 0 {
                            let plane = rest.trailing_zeros();
                            masks[kind][plane as usize] |= 1 << bit;
                            rest &= rest - 1;
                        }
                    }
                }
                let mut entries = Vec::new();
                for (kind, row) in masks.iter().enumerate() {
                    for (plane, &mask) in row.iter().enumerate() {
                        if mask != 0 {
                            entries.push((kind as u8, plane as u8, mask));
                        }
                    }
                }
                Word::Planes(entries)
            })
            .collect();

        let block_of = |j: u32| j / (width as u32 * 64);
        let mut below_joins = Vec::new();
        let mut below_components = Vec::new();
        let mut blocks = vec![(NONE, 0u32); components.len()];
        for (i, members) in components.iter().enumerate() {
            let (mut js, mut cs) = (Vec::new(), Vec::new());
            for &u in members {
                for (c, k) in g.child_edges(upper[u as usize]) {
                    if !kinds.contains(k) {
                        continue;
                    }
                    if is_join(c) {
                        js.push(join_index[c as usize]);
                    }
                    let cu = upper_index[c as usize];
                    if cu != NONE && component_of[cu as usize] != i as u32 {
                        cs.push(component_of[cu as usize]);
                    }
                }
            }
            for list in [&mut js, &mut cs] {
                list.sort_unstable();
                list.dedup();
            }
            let (mut lo, mut hi) = (NONE, 0);
            for &j in &js {
                lo = lo.min(block_of(j));
                hi = hi.max(block_of(j));
            }
            for &c in &cs {
                let (clo, chi) = blocks[c as usize];
                lo = lo.min(clo);
                hi = hi.max(chi);
            }
            blocks[i] = (lo, hi);
            below_joins.extend(js.into_iter().map(|j| (i as u32, j)));
            below_components.extend(cs.into_iter().map(|c| (i as u32, c)));
        }
        JoinSums {
            component_of,
            components: components.len(),
            joins_below: Csr::from_sorted(components.len(), below_joins),
            components_below: Csr::from_sorted(components.len(), below_components),
            join_index,
            planes,
            width,
            blocks,
        }
    }

    /// Sums per component of the joins it reaches, in parallel blocks of joins; and which
    /// models reach the join `ask(model)` names (a join index, or [`NONE`]).
    fn reached(&self, ask: impl Fn(u32) -> u32 + Sync) -> Reached {
        let width = self.width;
        let blocks = self.planes.len().div_ceil(width);
        // (join, model) for each model that asks, by join: a block checks only its own.
        let mut asked: Vec<(u32, u32)> = (0..self.component_of.len() as u32)
            .filter_map(|u| Some(ask(u)).filter(|&j| j != NONE).map(|j| (j, u)))
            .collect();
        asked.sort_unstable();
        let empty = || Reached {
            sums: vec![[0u32; 5]; self.components],
            reached_again: Vec::new(),
        };
        // A block borrows a bit-set buffer and a block-sums buffer from a pool and gives them
        // back, so there are as many as blocks run at once (one per thread), not one per
        // piece rayon splits the blocks into: each is allocated, and its pages zeroed, once.
        // Rows of components that are not active in a block are never read, so never cleared.
        type Scratch = (Reached, Vec<u64>, Vec<[u32; 5]>);
        let scratch = || -> Scratch {
            (
                empty(),
                vec![0u64; self.components * width],
                vec![[0u32; 5]; self.components],
            )
        };
        let pool = std::sync::Mutex::new(Vec::<Scratch>::new());
        let lock = || pool.lock().unwrap_or_else(|e| e.into_inner());
        (0..blocks).into_par_iter().for_each(|block| {
            let taken = lock().pop();
            let (mut acc, mut bits, mut block_sums) = taken.unwrap_or_else(scratch);
            self.block(block, &asked, &mut acc, &mut bits, &mut block_sums);
            lock().push((acc, bits, block_sums));
        });
        // Sums add up and models reached again are subtracted, so the order of the parts
        // does not matter.
        let parts = pool.into_inner().unwrap_or_else(|e| e.into_inner());
        let found = parts
            .into_iter()
            .map(|(acc, _, _)| acc)
            .reduce(|mut a, b| {
                for (x, y) in a.sums.iter_mut().zip(b.sums) {
                    add(x, y);
                }
                a.reached_again.extend(b.reached_again);
                a
            })
            .unwrap_or_else(empty);
        found
    }

    /// One block of joins: which of them each active component reaches, and their sums.
    fn block(
        &self,
        block: usize,
        asked: &[(u32, u32)],
        acc: &mut Reached,
        bits: &mut [u64],
        block_sums: &mut [[u32; 5]],
    ) {
        let words = self.planes.len();
        let first = block * self.width;
        let stride = self.width;
        let width = stride.min(words - first);
        let (lo, hi) = (first as u32 * 64, (first + width) as u32 * 64);
        let block = block as u32;
        let active = |c: usize| {
            let (from, to) = self.blocks[c];
            from <= block && block <= to
        };
        for ci in 0..self.components {
            if !active(ci) {
                continue;
            }
            let (done, rest) = bits.split_at_mut(ci * stride);
            let row = &mut rest[..width];
            row.fill(0);
            for &j in self.joins_below.row(ci as u32) {
                if (lo..hi).contains(&j) {
                    row[((j - lo) / 64) as usize] |= 1 << (j % 64);
                }
            }
            // A component's sums are those of its child with the largest, plus those of the
            // joins that child does not reach.
            let mut base: Option<usize> = None;
            let mut best = 0u32;
            for &cc in self.components_below.row(ci as u32) {
                let cc = cc as usize;
                if !active(cc) {
                    continue;
                }
                let below = &done[cc * stride..][..width];
                for (a, b) in row.iter_mut().zip(below) {
                    *a |= *b;
                }
                let total = block_sums[cc].iter().sum::<u32>();
                if base.is_none() || total > best {
                    (base, best) = (Some(cc), total);
                }
            }
            let mut sums = base.map_or([0u32; 5], |b| block_sums[b]);
            let base_row = base.map(|b| &done[b * stride..][..width]);
            for (w, &x) in row.iter().enumerate() {
                let x = match base_row {
                    Some(b) => x & !b[w],
                    None => x,
                };
                if x == 0 {
                    continue;
                }
                match &self.planes[first + w] {
                    Word::Uniform(kinds) => {
                        let count = x.count_ones();
                        for &(kind, sum) in kinds {
                            sums[kind as usize] += count * sum;
                        }
                    }
                    Word::Planes(entries) => {
                        for &(kind, plane, mask) in entries {
                            sums[kind as usize] += (x & mask).count_ones() << plane;
                        }
                    }
                }
            }
            block_sums[ci] = sums;
            add(&mut acc.sums[ci], sums);
        }
        let from = asked.partition_point(|&(j, _)| j < lo);
        let to = asked.partition_point(|&(j, _)| j < hi);
        for &(j, u) in &asked[from..to] {
            let ci = self.component_of[u as usize] as usize;
            if active(ci) {
                let at = ci * stride + ((j - lo) / 64) as usize;
                if bits[at] & (1 << (j % 64)) != 0 {
                    acc.reached_again.push(u);
                }
            }
        }
    }
}

/// Derivatives by a search from every model, in parallel; each thread reuses one
/// visited-mark array. O(sum of the parts below each model): for graphs whose cycle
/// marks cannot be trusted, and as the obvious reference.
pub fn by_search(g: &LineageGraph, options: &DerivativeOptions) -> Vec<Derivatives> {
    let n = g.model_count();
    let kinds = options.kinds;
    let weight = |v: u32| counted(g, v, options.include_flagged) as u32;
    let models: Vec<u32> = (0..n as u32).collect();
    models
        .par_chunks(chunk_len(n))
        .flat_map_iter(|chunk| {
            let mut visited = Visited::new(n);
            let mut stack = Vec::new();
            chunk
                .iter()
                .map(move |&root| {
                    visited.clear();
                    visited.insert(root);
                    stack.clear();
                    stack.push(root);
                    let mut d = Derivatives {
                        direct: g
                            .child_edges(root)
                            .filter(|&(c, k)| kinds.contains(k) && weight(c) == 1)
                            .count() as u32,
                        ..Default::default()
                    };
                    while let Some(u) = stack.pop() {
                        for (c, kind) in g.child_edges(u) {
                            if kinds.contains(kind) && visited.insert(c) {
                                let w = weight(c);
                                d.descendants += w;
                                let made = made_by(g, c).unwrap_or(EdgeKind::Unspecified);
                                d.by_kind[made as usize] += w;
                                stack.push(c);
                            }
                        }
                    }
                    d
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The distinct descendants of `v` through edges of `kinds`, flagged ones left out unless
/// `include_flagged`; in traversal order. O(size of the part of the graph below `v`).
pub fn descendants_of(g: &LineageGraph, v: u32, kinds: KindSet, include_flagged: bool) -> Vec<u32> {
    let mut visited = Visited::new(g.model_count());
    visited.clear();
    visited.insert(v);
    let mut stack = vec![v];
    let mut found = Vec::new();
    while let Some(u) = stack.pop() {
        for (c, kind) in g.child_edges(u) {
            if kinds.contains(kind) && visited.insert(c) {
                if counted(g, c, include_flagged) {
                    found.push(c);
                }
                stack.push(c);
            }
        }
    }
    found
}

/// The `k` models with most descendants (then most direct children, then by id), and how
/// many models have descendants at all. Flagged models are left out unless
/// `include_flagged`. O(n + k log k).
pub fn top(
    g: &LineageGraph,
    counts: &[Derivatives],
    include_flagged: bool,
    k: usize,
) -> (Vec<u32>, usize) {
    let mut ranked: Vec<u32> = (0..counts.len() as u32)
        .into_par_iter()
        .filter(|&v| counts[v as usize].descendants > 0 && counted(g, v, include_flagged))
        .collect();
    let total = ranked.len();
    let order = |a: &u32, b: &u32| {
        let (da, db) = (&counts[*a as usize], &counts[*b as usize]);
        db.descendants
            .cmp(&da.descendants)
            .then(db.direct.cmp(&da.direct))
            .then(a.cmp(b))
    };
    if k < ranked.len() {
        ranked.select_nth_unstable_by(k, order);
        ranked.truncate(k);
    }
    ranked.sort_unstable_by(order);
    (ranked, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::testgraph::{graph, id, m};

    /// base -> ft1 -> {ft2 (finetune), quant (quantized)}; ft2 + other -> merge;
    /// base -> flag (flagged) -> child.
    fn family() -> LineageGraph {
        graph(vec![
            m("b/base"),
            m("t/ft1").of(&["b/base"]),
            m("t/ft2").of(&["t/ft1"]).kind(EdgeKind::Finetune),
            m("q/quant").of(&["t/ft1"]).kind(EdgeKind::Quantized),
            m("x/other"),
            m("m/merge").of(&["t/ft2", "x/other"]),
            m("f/flag").of(&["b/base"]).flagged(),
            m("c/child").of(&["f/flag"]),
        ])
    }

    #[test]
    fn counts_split_by_how_each_descendant_was_made() {
        let g = family();
        let d = derivatives(&g);
        let base = d[id(&g, "b/base") as usize];
        // ft1, ft2, quant, merge and child; flag is passed through but not counted.
        assert_eq!((base.direct, base.descendants), (1, 5));
        assert_eq!(base.by_kind, [1, 0, 1, 1, 2]);
        assert_eq!(base.by_kind.iter().sum::<u32>(), base.descendants);
        let ft1 = d[id(&g, "t/ft1") as usize];
        assert_eq!((ft1.direct, ft1.descendants), (2, 3));
        assert_eq!(d[id(&g, "x/other") as usize].descendants, 1);
        assert_eq!(d[id(&g, "m/merge") as usize], Derivatives::default());
        assert_eq!(descendant_counts(&g)[id(&g, "b/base") as usize], 5);
    }

    #[test]
    fn flagged_models_count_when_asked() {
        let g = family();
        let opts = DerivativeOptions {
            include_flagged: true,
            ..Default::default()
        };
        let base = derivatives_with(&g, &opts)[id(&g, "b/base") as usize];
        assert_eq!((base.direct, base.descendants), (2, 6));
        assert_eq!(base.of_kind(EdgeKind::Unspecified), 3);
    }

    #[test]
    fn kinds_limit_what_is_followed() {
        let g = family();
        let opts = DerivativeOptions {
            kinds: KindSet::of(&[EdgeKind::Finetune, EdgeKind::Unspecified]),
            include_flagged: false,
        };
        let base = derivatives_with(&g, &opts)[id(&g, "b/base") as usize];
        // ft1, ft2 and child; not the quantization, not the merge.
        assert_eq!(base.descendants, 3);
        assert_eq!(base.by_kind, [1, 0, 0, 0, 2]);
    }

    /// A few hundred models with merges of merges, fine-tunes of merges and cycles, their
    /// joins split into blocks of 64: the same counts as a search from every model.
    #[test]
    fn blocks_of_joins_add_up_to_a_search() {
        let mut rng = fastrand::Rng::with_seed(11);
        let names: Vec<String> = (0..600).map(|i| format!("m{i}/x")).collect();
        let mut models = Vec::new();
        for i in 0..names.len() {
            let mut parents: Vec<&str> = Vec::new();
            if i > 0 && rng.f32() < 0.9 {
                let k = if rng.f32() < 0.3 { rng.usize(2..4) } else { 1 };
                for _ in 0..k {
                    parents.push(&names[rng.usize(i.saturating_sub(40)..i)]);
                }
                if rng.f32() < 0.03 {
                    parents.push(&names[rng.usize(i..names.len())]);
                }
            }
            let mut model = m(&names[i]).of(&parents);
            if rng.f32() < 0.05 {
                model = model.flagged();
            }
            models.push(model);
        }
        let g = graph(models);
        assert!(g.cycle_edges() > 0);
        for include_flagged in [false, true] {
            let opts = DerivativeOptions {
                kinds: KindSet::ALL,
                include_flagged,
            };
            let expected = by_search(&g, &opts);
            assert_eq!(derivatives_in_blocks(&g, &opts, Some(1)), expected);
            assert_eq!(derivatives_with(&g, &opts), expected);
        }
    }

    #[test]
    fn diamonds_count_once_and_cycles_terminate() {
        let g = graph(vec![
            m("d/top"),
            m("d/l").of(&["d/top"]),
            m("d/r").of(&["d/top"]),
            m("d/bottom").of(&["d/l", "d/r"]),
            m("c/a").of(&["c/b"]),
            m("c/b").of(&["c/a"]),
            m("c/below").of(&["c/b"]),
        ]);
        let d = derivatives(&g);
        assert_eq!(d[id(&g, "d/top") as usize].descendants, 3);
        assert_eq!(d[id(&g, "d/l") as usize].descendants, 1);
        // Each cycle member reaches the other and what hangs below; never itself.
        assert_eq!(d[id(&g, "c/a") as usize].descendants, 2);
        assert_eq!(d[id(&g, "c/b") as usize].descendants, 2);
        let top_model = id(&g, "d/top");
        let (ranked, total) = top(&g, &d, false, 1);
        // top, l, r, and the two cycle members.
        assert_eq!((ranked, total), (vec![top_model], 5));
        assert_eq!(descendants_of(&g, top_model, KindSet::ALL, false).len(), 3);
    }
}
