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

/// Hashes `name` as its case-folded bytes (or as it is, when `exact`), without building the
/// folded string: the bytes go through a small buffer, so the hash depends only on the folded
/// byte sequence.
fn name_hash(name: &str, exact: bool) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    if exact {
        h.write(name.as_bytes());
        return h.finish();
    }
    let mut buf = [0u8; 64];
    if name.is_ascii() {
        // The same writes as the general path below makes for one-byte characters.
        for chunk in name.as_bytes().chunks(buf.len()) {
            let part = &mut buf[..chunk.len()];
            part.copy_from_slice(chunk);
            part.make_ascii_lowercase();
            h.write(part);
        }
        if name.is_empty() {
            h.write(&[]);
        }
        return h.finish();
    }
    let mut len = 0;
    let mut push = |bytes: &[u8], h: &mut rustc_hash::FxHasher| {
        if len + bytes.len() > buf.len() {
            h.write(&buf[..len]);
            len = 0;
        }
        buf[len..len + bytes.len()].copy_from_slice(bytes);
        len += bytes.len();
    };
    let mut utf8 = [0u8; 4];
    for c in name.chars().flat_map(char::to_lowercase) {
        push(c.encode_utf8(&mut utf8).as_bytes(), &mut h);
    }
    h.write(&buf[..len]);
    h.finish()
}

/// Whether a stored spelling and a query name are the same name.
fn same_name(stored: &str, query: &str, exact: bool) -> bool {
    if exact {
        stored == query
    } else if stored.is_ascii() && query.is_ascii() {
        stored.eq_ignore_ascii_case(query)
    } else {
        stored
            .chars()
            .flat_map(char::to_lowercase)
            .eq(query.chars().flat_map(char::to_lowercase))
    }
}

/// A growable name table used while building: case-insensitive (ids, authors) or exact
/// (attribute values, where folding would only cost time).
///
/// Spellings live in one growing buffer and the index holds only ids, hashed by the folded
/// name: no allocation per name, about 17 bytes of overhead per name plus its bytes.
#[derive(Debug, Default, Clone)]
pub struct NameTable {
    buf: String,
    starts: Vec<u64>,
    lens: Vec<u32>,
    index: hashbrown::HashTable<u32>,
    exact: bool,
    /// Whether a spelling was replaced (its old bytes left behind in `buf`).
    respelled: bool,
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

    /// How many names.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn spelling<'a>(buf: &'a str, starts: &[u64], lens: &[u32], id: u32) -> &'a str {
        let start = starts[id as usize] as usize;
        &buf[start..start + lens[id as usize] as usize]
    }

    /// The id of `name`, if it was interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        let hash = name_hash(name, self.exact);
        self.index
            .find(hash, |&id| {
                same_name(
                    Self::spelling(&self.buf, &self.starts, &self.lens, id),
                    name,
                    self.exact,
                )
            })
            .copied()
    }

    /// The id of `name`, interning it with this spelling if it is new.
    /// Returns the id and whether it was new.
    pub fn intern(&mut self, name: &str) -> (u32, bool) {
        let exact = self.exact;
        let hash = name_hash(name, exact);
        let NameTable {
            buf,
            starts,
            lens,
            index,
            ..
        } = self;
        if let Some(&id) = index.find(hash, |&id| {
            same_name(Self::spelling(buf, starts, lens, id), name, exact)
        }) {
            return (id, false);
        }
        let id = starts.len() as u32;
        starts.push(buf.len() as u64);
        lens.push(name.len() as u32);
        buf.push_str(name);
        index.insert_unique(hash, id, |&other| {
            name_hash(Self::spelling(buf, starts, lens, other), exact)
        });
        (id, true)
    }

    /// The name of `id` as first spelt.
    pub fn name(&self, id: u32) -> &str {
        Self::spelling(&self.buf, &self.starts, &self.lens, id)
    }

    /// Replaces the stored spelling of `id` (same name up to case).
    pub fn respell(&mut self, id: u32, spelling: &str) {
        if self.name(id) == spelling {
            return;
        }
        self.starts[id as usize] = self.buf.len() as u64;
        self.lens[id as usize] = spelling.len() as u32;
        self.buf.push_str(spelling);
        self.respelled = true;
    }

    /// Freezes into the packed, serialisable form (moving the buffer when no spelling was
    /// replaced, so freezing costs no copy).
    pub fn freeze(self) -> Names {
        if !self.respelled {
            let ends = self
                .starts
                .iter()
                .zip(&self.lens)
                .map(|(&s, &l)| s + u64::from(l))
                .collect();
            return Names {
                buf: self.buf,
                ends,
                index: OnceLock::new(),
            };
        }
        let total: usize = self.lens.iter().map(|&l| l as usize).sum();
        let mut buf = String::with_capacity(total);
        let mut ends = Vec::with_capacity(self.len());
        for id in 0..self.len() as u32 {
            buf.push_str(self.name(id));
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
    /// How many names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no names.
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

    /// Every name, in id order.
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
        assert_eq!(t.get("MISTRALAI/Mistral-7B-V0.1"), Some(a));
        assert_eq!(t.get("mistralai/Mistral-7B-v0.2"), None);
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
        let (k, _) = t.intern("org/\u{212A}elvin"); // KELVIN SIGN folds to ASCII 'k'
        assert_eq!(t.get("ORG/KELVIN"), Some(k));
        t.respell(k, "org/Kelvin");
        assert_eq!(t.name(k), "org/Kelvin");
        for i in 0..1000 {
            t.intern(&format!("Org/Model-{i}"));
        }
        assert_eq!(
            t.get("org/model-999").map(|id| t.name(id)),
            Some("Org/Model-999")
        );
        // Long names hash alike whichever path folds them (ASCII or not).
        let long = format!("org/{}", "K".repeat(124));
        let (l, _) = t.intern(&long);
        assert_eq!(t.get(&long.replace('K', "\u{212A}")), Some(l));
        let frozen = t.freeze();
        assert_eq!(frozen.name(k), "org/Kelvin");
        assert_eq!(frozen.lookup("ÜBER/MODELL"), Some(a));
        assert_eq!(frozen.name(a), "Über/Modell");
    }
}
