//! Finding models by any part of their id as a person types: one lower-cased copy of every
//! id laid end to end, searched with a substring finder, so a keystroke costs one pass over
//! a few tens of megabytes even at millions of models.

use memchr::memmem;

use crate::graph::LineageGraph;

/// Every model id, lower-cased (ASCII) and separated by newlines, with where each starts.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    text: Vec<u8>,
    starts: Vec<u32>,
}

/// Most candidates ranked for one search; enough for any page of suggestions.
const CANDIDATES: usize = 20_000;

impl NameIndex {
    /// Builds the index of `g`'s ids. O(total id length).
    pub fn new(g: &LineageGraph) -> NameIndex {
        let n = g.model_count();
        let mut text = Vec::with_capacity(n * 32);
        let mut starts = Vec::with_capacity(n);
        for v in 0..n as u32 {
            starts.push(text.len() as u32);
            text.extend(g.name(v).bytes().map(|b| b.to_ascii_lowercase()));
            text.push(b'\n');
        }
        NameIndex { text, starts }
    }

    /// Models whose id contains `needle` (any case), best first: the id itself, then ids
    /// whose name part begins with it, then the rest; within each, most descendants first.
    /// At most `limit`.
    pub fn find(&self, g: &LineageGraph, needle: &str, weight: &[u32], limit: usize) -> Vec<u32> {
        let needle: Vec<u8> = needle
            .trim()
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .collect();
        if needle.is_empty() || needle.contains(&b'\n') || limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<u32> = Vec::new();
        let mut last = u32::MAX;
        for pos in memmem::find_iter(&self.text, &needle) {
            let v = (self.starts.partition_point(|&s| s as usize <= pos) - 1) as u32;
            if v != last {
                hits.push(v);
                last = v;
                if hits.len() >= CANDIDATES {
                    break;
                }
            }
        }
        let rank = |v: u32| {
            let id = g.name(v).as_bytes();
            let name = id
                .iter()
                .position(|&b| b == b'/')
                .map_or(id, |i| &id[i + 1..]);
            let starts = |s: &[u8]| {
                s.len() >= needle.len() && s[..needle.len()].eq_ignore_ascii_case(&needle)
            };
            if id.eq_ignore_ascii_case(&needle) {
                0
            } else if starts(name) || starts(id) {
                1
            } else {
                2
            }
        };
        hits.sort_by_key(|&v| (rank(v), std::cmp::Reverse(weight[v as usize]), v));
        hits.truncate(limit);
        hits
    }
}
