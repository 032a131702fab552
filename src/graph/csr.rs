//! Compressed sparse rows: the adjacency of a frozen graph as one offsets array and one
//! targets array. Four bytes per edge plus four per node, and neighbours are a slice.

use rayon::prelude::*;

use super::array::Array;

/// Rows of `u32` targets: row `v` is `targets[offsets[v]..offsets[v + 1]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Csr {
    offsets: Array<u32>,
    targets: Array<u32>,
}

impl Csr {
    /// Builds from `(source, target)` pairs sorted by source. `nodes` is the number of rows.
    pub fn from_sorted(nodes: usize, pairs: impl IntoIterator<Item = (u32, u32)>) -> Csr {
        let mut offsets = Vec::with_capacity(nodes + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        let mut row = 0usize;
        for (s, t) in pairs {
            let s = s as usize;
            debug_assert!(s >= row, "pairs must be sorted by source");
            while row < s {
                offsets.push(targets.len() as u32);
                row += 1;
            }
            targets.push(t);
        }
        while row < nodes {
            offsets.push(targets.len() as u32);
            row += 1;
        }
        Csr {
            offsets: offsets.into(),
            targets: targets.into(),
        }
    }

    /// Builds from unsorted pairs by counting sort (stable in the pairs' order).
    pub fn from_unsorted(nodes: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut offsets = vec![0u32; nodes + 1];
        for &(s, _) in pairs {
            offsets[s as usize + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut targets = vec![0u32; pairs.len()];
        for &(s, t) in pairs {
            let slot = &mut next[s as usize];
            targets[*slot as usize] = t;
            *slot += 1;
        }
        Csr {
            offsets: offsets.into(),
            targets: targets.into(),
        }
    }

    /// Its two arrays, offsets then targets (for the graph file).
    pub(crate) fn parts(&self) -> [&Array<u32>; 2] {
        [&self.offsets, &self.targets]
    }

    /// From the two arrays of [`Csr::parts`]; [`Csr::validate`] checks them.
    pub(crate) fn from_parts(offsets: Array<u32>, targets: Array<u32>) -> Csr {
        Csr { offsets, targets }
    }

    /// How many rows.
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// How many targets, over all rows.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The targets of row `v`.
    #[inline]
    pub fn row(&self, v: u32) -> &[u32] {
        &self.targets[self.range(v)]
    }

    /// Positions of row `v` in the targets array (edge ids, for the forward adjacency).
    #[inline]
    pub fn range(&self, v: u32) -> std::ops::Range<usize> {
        self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize
    }

    /// Every target, row after row.
    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// The row each position belongs to, for all positions in order.
    pub fn sources(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.rows() as u32).flat_map(move |v| std::iter::repeat_n(v, self.range(v).len()))
    }

    /// Checks invariants after loading untrusted bytes: monotone offsets that cover the
    /// targets, and targets below `target_bound`. Both arrays are scanned on every thread (a
    /// loaded graph's tag table alone has millions of entries).
    pub fn validate(&self, rows: usize, target_bound: usize) -> Result<(), String> {
        const PIECE: usize = 1 << 16;
        if self.offsets.len() != rows + 1 {
            return Err(format!("{} offsets for {rows} rows", self.offsets.len()));
        }
        let monotone = self
            .offsets
            .par_windows(2)
            .with_min_len(PIECE)
            .all(|w| w[0] <= w[1]);
        if self.offsets[0] != 0 || !monotone {
            return Err("offsets are not monotone".into());
        }
        if *self.offsets.last().unwrap_or(&0) as usize != self.targets.len() {
            return Err("offsets do not cover the targets".into());
        }
        let in_range = self
            .targets
            .par_iter()
            .with_min_len(PIECE)
            .all(|&t| (t as usize) < target_bound);
        if !in_range {
            return Err("a target is out of range".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unsorted_construction_agree() {
        let pairs = [(0, 1), (0, 2), (2, 3), (3, 0)];
        let a = Csr::from_sorted(5, pairs);
        let b = Csr::from_unsorted(5, &[(2, 3), (0, 1), (3, 0), (0, 2)]);
        assert_eq!(a.row(0), &[1, 2]);
        assert_eq!(a.row(1), &[] as &[u32]);
        assert_eq!(a.row(4), &[] as &[u32]);
        assert_eq!(a, b);
        assert_eq!(a.sources().collect::<Vec<_>>(), vec![0, 0, 2, 3]);
        assert!(a.validate(5, 5).is_ok());
        assert!(a.validate(5, 3).is_err());
    }
}
