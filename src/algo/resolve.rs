//! Finding a model from what a user types: a repo id in any case, an alias
//! (`mistral-7b`), or a unique prefix; when nothing matches, an error that suggests the
//! closest ids, found fast enough on millions of names.

use rayon::prelude::*;
use thiserror::Error;

use crate::graph::LineageGraph;
use crate::ingest::refs::{classify, AliasTable, RefClass};

/// How many ids an error lists at most.
const SHOWN: usize = 5;

/// Why a model name given by a user names no single model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResolveError {
    /// No model has this id, nor begins with it.
    #[error("unknown model '{name}'{}", did_you_mean(.suggestions))]
    NotFound {
        /// The name as given.
        name: String,
        /// Close ids, for a "did you mean" hint.
        suggestions: Vec<String>,
    },
    #[error("model '{name}' is ambiguous: {count} ids begin with it ({}{}); give more of the id",
        .examples.join(", "), if *.count > .examples.len() { ", ..." } else { "" })]
    /// Several models begin with the name given.
    Ambiguous {
        /// The name as given.
        name: String,
        /// How many ids begin with it.
        count: usize,
        /// A few of them.
        examples: Vec<String>,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    }
}

/// The model `name` stands for, tried in this order: the id (any case, a Hub URL too); an
/// alias; the one id beginning with it; the one model whose name (after `/`) is it or begins
/// with it. O(n) for the prefix scans, plus the search for suggestions when nothing matches.
///
/// ```
/// use lineage::algo::resolve::resolve_model;
/// use lineage::ingest::{refs::AliasTable, Input};
/// let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,mistralai/Mistral-7B-v0.1,mistralai,2023-09-20,,,,[],,,\n\
/// 1,mistralai/Mistral-7B-Instruct-v0.2,mistralai,2023-12-11,,,,[],,,\n";
/// let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
/// let aliases = AliasTable::builtin();
/// let base = g.lookup("mistralai/Mistral-7B-v0.1").unwrap();
/// assert_eq!(resolve_model(&g, "MISTRALAI/mistral-7b-v0.1", &aliases), Ok(base));
/// assert_eq!(resolve_model(&g, "mistral-7b", &aliases), Ok(base));
/// assert_eq!(resolve_model(&g, "mistralai/Mistral-7B-v", &aliases), Ok(base));
/// let err = resolve_model(&g, "mistralai/Mistral-7B-v9", &aliases).unwrap_err();
/// assert_eq!(err.to_string(), "unknown model 'mistralai/Mistral-7B-v9'; did you mean mistralai/Mistral-7B-v0.1?");
/// ```
pub fn resolve_model(
    g: &LineageGraph,
    name: &str,
    aliases: &AliasTable,
) -> Result<u32, ResolveError> {
    let typed = name.trim();
    let cleaned = match classify(typed) {
        RefClass::Id(s) | RefClass::FreeText(s) => s,
        RefClass::Empty(_) => typed,
    };
    if cleaned.is_empty() {
        return Err(ResolveError::NotFound {
            name: typed.to_string(),
            suggestions: Vec::new(),
        });
    }
    if let Some(v) = g.lookup(cleaned) {
        return Ok(v);
    }
    if let Some(v) = aliases.resolve(cleaned).and_then(|t| g.lookup(t)) {
        return Ok(v);
    }
    let needle = cleaned.to_lowercase();
    let n = g.model_count() as u32;
    let begins = |v: u32, part: fn(&str) -> &str| {
        let hay = part(g.name(v));
        hay.len() >= needle.len()
            && hay.is_char_boundary(needle.len())
            && hay[..needle.len()].to_lowercase() == needle
    };
    let whole: fn(&str) -> &str = |s| s;
    let after_slash: fn(&str) -> &str = |s| s.split_once('/').map_or(s, |(_, n)| n);
    let exact_name = |v: u32| after_slash(g.name(v)).to_lowercase() == needle;
    let tries: [&(dyn Fn(u32) -> bool + Sync); 3] = [&|v| begins(v, whole), &exact_name, &|v| {
        begins(v, after_slash)
    }];
    for test in tries {
        let found: Vec<u32> = (0..n).into_par_iter().filter(|&v| test(v)).collect();
        match found.len() {
            0 => continue,
            1 => return Ok(found[0]),
            count => {
                // The ones with most children first: the base a user most likely means.
                let mut found = found;
                found.sort_by_key(|&v| {
                    (
                        std::cmp::Reverse(g.children_of(v).len()),
                        g.name(v).len(),
                        g.name(v).to_lowercase(),
                    )
                });
                let examples: Vec<String> = found
                    .iter()
                    .take(SHOWN)
                    .map(|&v| g.name(v).to_string())
                    .collect();
                return Err(ResolveError::Ambiguous {
                    name: typed.to_string(),
                    count,
                    examples,
                });
            }
        }
    }
    Err(ResolveError::NotFound {
        name: typed.to_string(),
        suggestions: closest(g, &needle, 3),
    })
}

/// The ids closest to `needle` (lower-cased) by edit distance, at most `k`, none further
/// than about a third of its length. A query with a `/` is compared with whole ids, one
/// without with the names after `/`.
///
/// A character-count bound (half the difference of the letter histograms never exceeds
/// the edit distance) ranks all names cheaply and in parallel; exact distances are then
/// computed in that order until the bound exceeds the `k`-th best distance found.
pub fn closest(g: &LineageGraph, needle: &str, k: usize) -> Vec<String> {
    let query: Vec<u8> = needle.to_lowercase().into_bytes();
    let with_namespace = needle.contains('/');
    let limit = (query.len() / 3).max(2);
    let part = |v: u32| -> String {
        let id = g.name(v);
        let s = if with_namespace {
            id
        } else {
            id.split_once('/').map_or(id, |(_, n)| n)
        };
        s.to_lowercase()
    };
    let qh = histogram(&query);
    let mut bounds: Vec<(usize, u32)> = (0..g.model_count() as u32)
        .into_par_iter()
        .filter_map(|v| {
            let s = part(v);
            let len_gap = s.len().abs_diff(query.len());
            if len_gap > limit {
                return None;
            }
            let h = histogram(s.as_bytes());
            let diff: usize = qh
                .iter()
                .zip(&h)
                .map(|(a, b)| a.abs_diff(*b) as usize)
                .sum();
            let bound = diff.div_ceil(2).max(len_gap);
            (bound <= limit).then_some((bound, v))
        })
        .collect();
    bounds.par_sort_unstable();
    let mut best: Vec<(usize, u32)> = Vec::new();
    for (bound, v) in bounds {
        let worst = if best.len() == k {
            best[k - 1].0
        } else {
            limit
        };
        if bound > worst {
            break;
        }
        if let Some(d) = edit_distance(&query, part(v).as_bytes(), worst) {
            best.push((d, v));
            best.sort_by_key(|&(d, v)| (d, g.name(v).len(), v));
            best.truncate(k);
        }
    }
    best.into_iter()
        .map(|(_, v)| g.name(v).to_string())
        .collect()
}

/// Byte counts in 64 buckets (letters and digits each have their own).
fn histogram(s: &[u8]) -> [u16; 64] {
    let mut h = [0u16; 64];
    for &b in s {
        let slot = match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + b - b'0',
            _ => 36 + b % 28,
        };
        h[slot as usize] = h[slot as usize].saturating_add(1);
    }
    h
}

/// Levenshtein distance of `a` and `b` if it is at most `max`, by rows of the usual table,
/// stopping as soon as a whole row exceeds `max`.
pub fn edit_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        row[0] = i + 1;
        let mut row_min = row[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
            row_min = row_min.min(row[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut row);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances_with_a_cap() {
        assert_eq!(edit_distance(b"kitten", b"sitting", 5), Some(3));
        assert_eq!(edit_distance(b"kitten", b"sitting", 2), None);
        assert_eq!(edit_distance(b"", b"abc", 3), Some(3));
        assert_eq!(edit_distance(b"same", b"same", 0), Some(0));
    }

    #[test]
    fn histogram_bound_never_exceeds_the_distance() {
        let words: [&[u8]; 5] = [b"mistral7b", b"mistarl7b", b"llama-2", b"lama2", b"x/y_z"];
        for a in words {
            for b in words {
                let d = edit_distance(a, b, 100).unwrap();
                let (ha, hb) = (histogram(a), histogram(b));
                let diff: usize = ha
                    .iter()
                    .zip(&hb)
                    .map(|(x, y)| x.abs_diff(*y) as usize)
                    .sum();
                assert!(diff.div_ceil(2) <= d, "{a:?} {b:?}");
            }
        }
    }
}
