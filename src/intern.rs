//! Names live here and nowhere else: model ids, author names and attribute values are interned
//! once into dense `u32` ids, so the graph and every algorithm work on integers.
//!
//! Hub ids compare case-insensitively, so lookups fold case; the stored spelling is the one the
//! best source gave.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::graph::array::Array;

/// Sentinel for "no id" in compact `u32` columns.
pub const NONE: u32 = u32::MAX;

/// The one case rule for model ids and author names, wherever they are compared: each
/// character lower-cased by Unicode's rule (`Ørg/Model` and `ørg/model` are one model), into
/// `scratch` (reused to avoid an allocation per lookup).
pub fn fold_case<'a>(name: &str, scratch: &'a mut String) -> &'a str {
    fold(name, scratch)
}

/// Whether two ids name the same model under the case rule of [`fold_case`].
pub fn same_id(a: &str, b: &str) -> bool {
    same_name(a, b, false)
}

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
/// Spellings live in one growing buffer. Each index slot carries a 32-bit hash of its name
/// and where the spelling lies, so a lookup reads the slot and the spelling's bytes (not also
/// an id's entry of `starts`), and growing the index rehashes no string. About 25 bytes of
/// overhead per name plus its bytes; the index is dropped when the table is frozen.
#[derive(Debug, Default, Clone)]
pub struct NameTable {
    buf: String,
    starts: Vec<u64>,
    lens: Vec<u32>,
    index: hashbrown::HashTable<Slot>,
    exact: bool,
    /// Whether a spelling was replaced (its old bytes left behind in `buf`).
    respelled: bool,
}

/// One entry of a [`NameTable`]'s index.
#[derive(Debug, Clone, Copy)]
struct Slot {
    id: u32,
    /// The name's hash, folded to 32 bits: the index's hash is derived from it alone.
    hash: u32,
    /// Start (low 40 bits) and length (high 24 bits) of the spelling in `buf`, or
    /// [`Slot::FAR`] for a spelling too long or too far into `buf` to pack: it is then read
    /// from `starts` and `lens`.
    place: u64,
}

impl Slot {
    const FAR: u64 = u64::MAX;
    const START_BITS: u32 = 40;

    fn place(start: usize, len: usize) -> u64 {
        let (start, len) = (start as u64, len as u64);
        if start >> Self::START_BITS == 0 && len < (1 << (64 - Self::START_BITS)) - 1 {
            start | len << Self::START_BITS
        } else {
            Self::FAR
        }
    }

    /// The index's 64-bit hash, spread from the 32 stored bits.
    fn table_hash(hash: u32) -> u64 {
        u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
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

    /// The spelling a slot points at.
    fn slot_spelling<'a>(buf: &'a str, starts: &[u64], lens: &[u32], slot: &Slot) -> &'a str {
        if slot.place == Slot::FAR {
            return Self::spelling(buf, starts, lens, slot.id);
        }
        let start = (slot.place & ((1 << Slot::START_BITS) - 1)) as usize;
        let len = (slot.place >> Slot::START_BITS) as usize;
        &buf[start..start + len]
    }

    fn hash32(name: &str, exact: bool) -> u32 {
        let h = name_hash(name, exact);
        (h ^ (h >> 32)) as u32
    }

    /// The slot of `name`, if it was interned.
    fn find(&self, name: &str, hash: u32) -> Option<&Slot> {
        let NameTable {
            buf,
            starts,
            lens,
            index,
            exact,
            ..
        } = self;
        index.find(Slot::table_hash(hash), |slot| {
            slot.hash == hash
                && same_name(Self::slot_spelling(buf, starts, lens, slot), name, *exact)
        })
    }

    /// Makes room for about `names` more names (of 32 bytes each, about the length of a Hub
    /// id), so that a table whose size can be guessed does not grow by copying itself again
    /// and again. Room that cannot be had is not an error: the table then grows as it fills.
    ///
    /// The index is left to grow: its entries land all over it, so every page of room
    /// reserved there would be written, where the other arrays fill from the front and
    /// room never reached costs nothing.
    pub fn reserve(&mut self, names: usize) {
        let _ = self.buf.try_reserve(names.saturating_mul(32));
        let _ = self.starts.try_reserve(names);
        let _ = self.lens.try_reserve(names);
    }

    /// The id of `name`, if it was interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.find(name, Self::hash32(name, self.exact))
            .map(|slot| slot.id)
    }

    /// The id of `name`, interning it with this spelling if it is new.
    /// Returns the id and whether it was new.
    pub fn intern(&mut self, name: &str) -> (u32, bool) {
        let hash = Self::hash32(name, self.exact);
        if let Some(slot) = self.find(name, hash) {
            return (slot.id, false);
        }
        let id = self.starts.len() as u32;
        let start = self.buf.len();
        self.starts.push(start as u64);
        self.lens.push(name.len() as u32);
        self.buf.push_str(name);
        let slot = Slot {
            id,
            hash,
            place: Slot::place(start, name.len()),
        };
        self.index
            .insert_unique(Slot::table_hash(hash), slot, |s| Slot::table_hash(s.hash));
        (id, true)
    }

    /// The name of `id` as first spelt.
    pub fn name(&self, id: u32) -> &str {
        Self::spelling(&self.buf, &self.starts, &self.lens, id)
    }

    /// Replaces the stored spelling of `id` (same name up to case: a table of ids or authors,
    /// not an exact one).
    pub fn respell(&mut self, id: u32, spelling: &str) {
        if self.name(id) == spelling {
            return;
        }
        // The index slot keeps pointing at the first spelling: its bytes stay in `buf`, and
        // being the same name up to case, it finds the same lookups.
        let start = self.buf.len();
        self.starts[id as usize] = start as u64;
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
            return Names::from_checked(self.buf, ends);
        }
        let total: usize = self.lens.iter().map(|&l| l as usize).sum();
        let mut buf = String::with_capacity(total);
        let mut ends = Vec::with_capacity(self.len());
        for id in 0..self.len() as u32 {
            buf.push_str(self.name(id));
            ends.push(buf.len() as u64);
        }
        Names::from_checked(buf, ends)
    }
}

/// A frozen name table: all spellings in one buffer, ids dense from 0.
///
/// Memory is the names' bytes plus 8 bytes per name; the case-insensitive lookup index is
/// built on first use only, since most commands never look a name up. The two arrays can
/// live in place in a loaded graph file.
#[derive(Debug, Default)]
pub struct Names {
    /// UTF-8 text; every entry of `ends` is on a character boundary.
    buf: Array<u8>,
    ends: Array<u64>,
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

/// Whether `bytes` are UTF-8, checked in pieces on every thread. Each piece starts at a byte
/// that is not a continuation byte, so the whole is UTF-8 exactly when every piece is.
fn is_utf8(bytes: &[u8]) -> bool {
    use rayon::prelude::*;
    const PIECE: usize = 1 << 20;
    let is_start = |i: usize| i >= bytes.len() || bytes[i] & 0xC0 != 0x80;
    let mut cuts = vec![0];
    let mut at = PIECE;
    while at < bytes.len() {
        // A character is at most 4 bytes: a start lies within the next 4, or the bytes are
        // not UTF-8 there (and the piece that holds them says so).
        let cut = (at..at + 4).find(|&i| is_start(i)).unwrap_or(at);
        cuts.push(cut);
        at = cut + PIECE;
    }
    cuts.push(bytes.len());
    cuts.par_windows(2)
        .all(|w| std::str::from_utf8(&bytes[w[0]..w[1]]).is_ok())
}

impl Names {
    fn from_checked(buf: String, ends: Vec<u64>) -> Names {
        Names {
            buf: buf.into_bytes().into(),
            ends: ends.into(),
            index: OnceLock::new(),
        }
    }

    /// From the two arrays of [`Names::parts`], checking that they make a name table: UTF-8
    /// text cut at character boundaries by non-decreasing ends that cover it.
    pub(crate) fn from_parts(buf: Array<u8>, ends: Array<u64>) -> Result<Names, String> {
        if !is_utf8(&buf) {
            return Err("a name is not UTF-8".into());
        }
        // SAFETY: checked just above.
        let text = unsafe { std::str::from_utf8_unchecked(&buf) };
        let mut prev = 0u64;
        for &end in ends.iter() {
            if end < prev || end as usize > text.len() || !text.is_char_boundary(end as usize) {
                return Err("a name table's ends are out of order".into());
            }
            prev = end;
        }
        if prev as usize != text.len() {
            return Err("a name table's ends do not cover its text".into());
        }
        Ok(Names {
            buf,
            ends,
            index: OnceLock::new(),
        })
    }

    /// Its text and its ends (for the graph file).
    pub(crate) fn parts(&self) -> (&Array<u8>, &Array<u64>) {
        (&self.buf, &self.ends)
    }

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
        let bytes = &self.buf[start..self.ends[id] as usize];
        // SAFETY: `buf` is UTF-8 and every end is on a character boundary (checked by
        // `from_parts`, or true of the table it was frozen from), so the bytes between two
        // ends are UTF-8.
        unsafe { std::str::from_utf8_unchecked(bytes) }
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

    /// Checks the internal invariants. They hold by construction: a frozen table is built
    /// consistent, and a loaded one is checked by `Names::from_parts` (crate-private).
    pub fn is_consistent(&self) -> bool {
        let mut prev = 0u64;
        for &end in self.ends.iter() {
            if end < prev || end as usize > self.buf.len() {
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
    fn utf8_is_checked_in_pieces_whatever_straddles_a_cut() {
        // Two- and four-byte characters across every piece boundary (pieces are 1 MiB).
        let text = "a\u{e9}\u{1f980}".repeat(400_000);
        assert!(text.len() > 2 << 20);
        assert!(is_utf8(text.as_bytes()));
        assert!(is_utf8(b""));
        for at in [0, 1 << 20, (1 << 20) + 1, (2 << 20) + 2, text.len() - 1] {
            let mut bad = text.clone().into_bytes();
            bad[at] = 0xFF;
            assert!(!is_utf8(&bad), "0xFF at {at} passed");
            // A character cut short at the very end.
            let cut = &text.as_bytes()[..at.max(1)];
            assert_eq!(
                is_utf8(cut),
                std::str::from_utf8(cut).is_ok(),
                "cut at {at}"
            );
        }
        // Continuation bytes only, longer than a character: no start to cut at.
        let mut runs = vec![b'a'; (1 << 20) - 2];
        runs.extend([0x80; 8]);
        runs.extend(b"tail");
        assert!(!is_utf8(&runs));
    }

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
    fn a_name_too_long_to_pack_in_its_slot_is_still_found() {
        let mut t = NameTable::new();
        let huge = format!("org/{}", "x".repeat(1 << 24));
        let (a, _) = t.intern("org/a");
        let (h, new) = t.intern(&huge);
        assert!(new);
        assert_eq!(t.get(&huge.to_uppercase()), Some(h));
        assert_eq!(t.intern(&huge), (h, false));
        assert_eq!(t.get("ORG/A"), Some(a));
        for i in 0..10_000 {
            t.intern(&format!("org/m{i}"));
        }
        assert_eq!(t.get(&huge), Some(h), "found again after the index grew");
        assert_eq!(t.name(h).len(), huge.len());
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
