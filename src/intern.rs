//! Names live here and nowhere else: model ids, author names and attribute values are interned
//! once into dense `u32` ids, so the graph and every algorithm work on integers.
//!
//! Hub ids compare case-insensitively, so lookups fold case; the stored spelling is the one the
//! best source gave.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Sentinel for "no id" in compact `u32` columns.
pub const NONE: u32 = u32::MAX;

/// Lower-cases `name` into `scratch` (reused to avoid an allocation per lookup).
fn fold<'a>(name: &str, scratch: &'a mut String) -> &'a str {
    scratch.clear();
    if name.is_ascii() {
        scratch.push_str(name);
        scratch.make_ascii_lowercase();
    } else {
        scratch.extend(name.chars().flat_map(char::to_lowercase));
    }
    scratch
}

/// A growable name table used while building: case-insensitive (ids, authors) or exact
/// (attribute values, where folding would only cost time).
#[derive(Debug, Default, Clone)]
pub struct NameTable {
    spellings: Vec<Box<str>>,
    index: FxHashMap<Box<str>, u32>,
    scratch: String,
    exact: bool,
}

impl NameTable {
    /// A case-insensitive table.
    pub fn new() -> Self {
        Self::default()
    }

    /// A case-sensitive table.
    pub fn exact() -> Self {
        NameTable {
            exact: true,
            ..Self::default()
        }
    }

    fn key<'a>(name: &'a str, scratch: &'a mut String, exact: bool) -> &'a str {
        if exact {
            name
        } else {
            fold(name, scratch)
        }
    }

    pub fn len(&self) -> usize {
        self.spellings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spellings.is_empty()
    }

    /// The id of `name`, if it was interned (case-insensitive).
    pub fn get(&mut self, name: &str) -> Option<u32> {
        let key = Self::key(name, &mut self.scratch, self.exact);
        self.index.get(key).copied()
    }

    /// The id of `name`, interning it with this spelling if it is new.
    /// Returns the id and whether it was new.
    pub fn intern(&mut self, name: &str) -> (u32, bool) {
        let key = Self::key(name, &mut self.scratch, self.exact);
        if let Some(&id) = self.index.get(key) {
            return (id, false);
        }
        let id = self.spellings.len() as u32;
        self.index.insert(key.into(), id);
        self.spellings.push(name.into());
        (id, true)
    }

    pub fn name(&self, id: u32) -> &str {
        &self.spellings[id as usize]
    }

    /// Replaces the stored spelling of `id` (same name up to case).
    pub fn respell(&mut self, id: u32, spelling: &str) {
        self.spellings[id as usize] = spelling.into();
    }

    /// Freezes into the packed, serialisable form.
    pub fn freeze(&self) -> Names {
        let total: usize = self.spellings.iter().map(|s| s.len()).sum();
        let mut buf = String::with_capacity(total);
        let mut ends = Vec::with_capacity(self.spellings.len());
        for s in &self.spellings {
            buf.push_str(s);
            ends.push(buf.len() as u64);
        }
        Names {
            buf,
            ends,
            index: OnceLock::new(),
        }
    }
}

/// A frozen name table: all spellings in one buffer, ids dense from 0.
///
/// Memory is the names' bytes plus 8 bytes per name; the case-insensitive lookup index is
/// built on first use only, since most commands never look a name up.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Names {
    buf: String,
    ends: Vec<u64>,
    #[serde(skip)]
    index: OnceLock<FxHashMap<Box<str>, u32>>,
}

impl Clone for Names {
    fn clone(&self) -> Self {
        Names {
            buf: self.buf.clone(),
            ends: self.ends.clone(),
            index: OnceLock::new(),
        }
    }
}

impl PartialEq for Names {
    fn eq(&self, other: &Self) -> bool {
        self.buf == other.buf && self.ends == other.ends
    }
}

impl Names {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The spelling of `id`. Panics if `id` is out of range (ids come from this table).
    pub fn name(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        &self.buf[start..self.ends[id] as usize]
    }

    /// The spelling of `id`, or `None` for the [`NONE`] sentinel.
    pub fn get_name(&self, id: u32) -> Option<&str> {
        (id != NONE).then(|| self.name(id))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len() as u32).map(|i| self.name(i))
    }

    /// Case-insensitive lookup.
    pub fn lookup(&self, name: &str) -> Option<u32> {
        let index = self.index.get_or_init(|| {
            let mut map = FxHashMap::with_capacity_and_hasher(self.len(), Default::default());
            let mut scratch = String::new();
            for (i, s) in self.iter().enumerate() {
                map.insert(fold(s, &mut scratch).into(), i as u32);
            }
            map
        });
        let mut scratch = String::new();
        index.get(fold(name, &mut scratch)).copied()
    }

    /// Checks the internal invariants after loading from untrusted bytes.
    pub fn is_consistent(&self) -> bool {
        let mut prev = 0u64;
        for &end in &self.ends {
            if end < prev
                || end as usize > self.buf.len()
                || !self.buf.is_char_boundary(end as usize)
            {
                return false;
            }
            prev = end;
        }
        prev as usize == self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_folds_case_and_keeps_first_spelling() {
        let mut t = NameTable::new();
        let (a, new_a) = t.intern("mistralai/Mistral-7B-v0.1");
        let (b, new_b) = t.intern("MistralAI/mistral-7b-v0.1");
        assert!(new_a && !new_b);
        assert_eq!(a, b);
        assert_eq!(t.name(a), "mistralai/Mistral-7B-v0.1");
        let frozen = t.freeze();
        assert_eq!(frozen.lookup("MISTRALAI/MISTRAL-7B-V0.1"), Some(a));
        assert_eq!(frozen.name(a), "mistralai/Mistral-7B-v0.1");
        assert!(frozen.is_consistent());
    }

    #[test]
    fn non_ascii_names_fold_too() {
        let mut t = NameTable::new();
        let (a, _) = t.intern("Über/Modell");
        assert_eq!(t.get("über/modell"), Some(a));
        let frozen = t.freeze();
        assert_eq!(frozen.lookup("ÜBER/MODELL"), Some(a));
        assert_eq!(frozen.name(a), "Über/Modell");
    }
}
