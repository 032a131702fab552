//! Fixed-width arrays that a graph either owns (after a build) or reads in place from a
//! mapped graph file (after a load), so that loading a graph costs checking its bytes, not
//! decoding and copying every element. Both read as a plain slice.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::model::EdgeKind;

/// An element type with a fixed little-endian layout: no padding, and a check that tells
/// whether given bytes are a valid value.
///
/// # Safety
/// `Self` must be `size_of::<Self>()` bytes with no padding, and every byte pattern for which
/// [`Fixed::valid`] returns true must be a valid `Self` on a little-endian machine.
pub unsafe trait Fixed: Copy + PartialEq + fmt::Debug + 'static {
    /// Whether every element of `bytes` (a whole number of elements) is a valid value.
    fn valid(bytes: &[u8]) -> bool;
    /// The value of one element stored little-endian (for big-endian machines).
    fn from_le(bytes: &[u8]) -> Self;
    /// Appends the element little-endian (for big-endian machines).
    fn push_le(self, out: &mut Vec<u8>);
}

macro_rules! fixed_number {
    ($($t:ty)*) => {$(
        // SAFETY: a primitive number: every bit pattern is a value, no padding.
        unsafe impl Fixed for $t {
            fn valid(_: &[u8]) -> bool {
                true
            }
            fn from_le(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
            fn push_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
fixed_number!(u8 u32 u64 f32);

// SAFETY: one byte, 0 or 1.
unsafe impl Fixed for bool {
    fn valid(bytes: &[u8]) -> bool {
        bytes.iter().all(|&b| b <= 1)
    }
    fn from_le(bytes: &[u8]) -> Self {
        bytes[0] == 1
    }
    fn push_le(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
}

// SAFETY: `EdgeKind` is `repr(u8)` with the discriminants 0..ALL.len().
unsafe impl Fixed for EdgeKind {
    fn valid(bytes: &[u8]) -> bool {
        bytes.iter().all(|&b| (b as usize) < EdgeKind::ALL.len())
    }
    fn from_le(bytes: &[u8]) -> Self {
        EdgeKind::ALL[bytes[0] as usize]
    }
    fn push_le(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
}

/// Where the bytes of a loaded graph file live: mapped from the file, or read into memory
/// (from a pipe), aligned to 8 bytes either way.
pub(crate) enum Backing {
    Mapped(memmap2::Mmap),
    Heap { words: Vec<u64>, len: usize },
}

impl Backing {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Backing::Mapped(m) => m,
            Backing::Heap { words, len } => {
                // SAFETY: `words` holds at least `len` initialised bytes.
                unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<u8>(), *len) }
            }
        }
    }
}

/// What keeps an array's elements alive.
enum Owner<T> {
    Vec(Vec<T>),
    File(Arc<Backing>),
}

/// A read-only array of fixed-width elements, owned or in place in a loaded graph file.
/// Reading it is one pointer and one length, whichever holds the elements.
pub struct Array<T: Fixed> {
    ptr: *const T,
    len: usize,
    owner: Owner<T>,
}

// SAFETY: the elements are never written through `ptr`, and the owner (a vector or a shared
// read-only mapping) is itself `Send` and `Sync` for `Fixed` (plain data) elements.
unsafe impl<T: Fixed + Send + Sync> Send for Array<T> {}
// SAFETY: as above: shared access is read-only.
unsafe impl<T: Fixed + Send + Sync> Sync for Array<T> {}

impl<T: Fixed> Array<T> {
    /// The elements at `range` of `file`, after checking that they are a whole number of
    /// aligned, valid elements. On big-endian machines they are copied.
    pub(crate) fn in_file(
        file: &Arc<Backing>,
        range: std::ops::Range<usize>,
    ) -> Result<Array<T>, String> {
        let size = std::mem::size_of::<T>();
        let bytes = file
            .bytes()
            .get(range.clone())
            .ok_or_else(|| "a section lies outside the file".to_string())?;
        if bytes.len() % size != 0 {
            return Err(format!(
                "a section of {} bytes is not a whole number of {size}-byte elements",
                bytes.len()
            ));
        }
        if (bytes.as_ptr() as usize) % std::mem::align_of::<T>() != 0 {
            return Err("a section is not aligned".into());
        }
        if !T::valid(bytes) {
            return Err("a section holds values out of range".into());
        }
        if cfg!(target_endian = "big") {
            let v: Vec<T> = bytes.chunks_exact(size).map(T::from_le).collect();
            return Ok(Array::from(v));
        }
        Ok(Array {
            ptr: bytes.as_ptr().cast::<T>(),
            len: bytes.len() / size,
            owner: Owner::File(Arc::clone(file)),
        })
    }

    /// The elements as little-endian bytes, for writing a graph file.
    pub(crate) fn le_bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        let s: &[T] = self;
        if cfg!(target_endian = "big") {
            let mut out = Vec::with_capacity(std::mem::size_of_val(s));
            for &x in s {
                x.push_le(&mut out);
            }
            return out.into();
        }
        // SAFETY: `Fixed` types have no padding, so every byte is initialised.
        unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<u8>(), std::mem::size_of_val(s)) }
            .into()
    }

    /// The elements as an owned vector (a copy when they are in a file).
    pub fn into_vec(self) -> Vec<T> {
        match self.owner {
            Owner::Vec(v) => v,
            Owner::File(_) => self.to_vec(),
        }
    }
}

impl<T: Fixed> Deref for Array<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` and `len` describe the elements of `owner` (a vector's buffer, which
        // does not move with the vector, or a checked range of the mapped file), which lives
        // as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl<T: Fixed> From<Vec<T>> for Array<T> {
    fn from(v: Vec<T>) -> Self {
        Array {
            ptr: v.as_ptr(),
            len: v.len(),
            owner: Owner::Vec(v),
        }
    }
}

impl<T: Fixed> FromIterator<T> for Array<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Array::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T: Fixed> Default for Array<T> {
    fn default() -> Self {
        Array::from(Vec::new())
    }
}

impl<T: Fixed> Clone for Array<T> {
    fn clone(&self) -> Self {
        match &self.owner {
            Owner::Vec(v) => Array::from(v.clone()),
            Owner::File(file) => Array {
                ptr: self.ptr,
                len: self.len,
                owner: Owner::File(Arc::clone(file)),
            },
        }
    }
}

impl<T: Fixed> PartialEq for Array<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Fixed + Eq> Eq for Array<T> {}

impl<T: Fixed> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: Fixed> IntoIterator for &'a Array<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_in_a_file_check_their_bytes() {
        let mut words = vec![0u64; 2];
        let bytes: Vec<u8> = [1u32, 2, 3, 0x0500_0004]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        // SAFETY: 16 bytes into 16 bytes of words.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), words.as_mut_ptr().cast::<u8>(), 16)
        };
        let file = Arc::new(Backing::Heap { words, len: 16 });
        let a = Array::<u32>::in_file(&file, 0..16).unwrap();
        assert_eq!(&*a, &[1, 2, 3, 0x0500_0004]);
        assert_eq!(a.le_bytes().as_ref(), &bytes[..]);
        assert!(Array::<u32>::in_file(&file, 0..6).is_err());
        assert!(Array::<u32>::in_file(&file, 2..6).is_err(), "misaligned");
        assert!(Array::<u32>::in_file(&file, 8..24).is_err(), "outside");
        assert!(Array::<bool>::in_file(&file, 0..1).is_ok());
        assert!(
            Array::<bool>::in_file(&file, 4..5).is_err(),
            "2 is not a bool"
        );
        assert_eq!(
            &*Array::<EdgeKind>::in_file(&file, 12..14).unwrap(),
            &[EdgeKind::Unspecified, EdgeKind::Finetune]
        );
        assert!(
            Array::<EdgeKind>::in_file(&file, 12..16).is_err(),
            "5 is not a kind"
        );
        assert_eq!(a.clone(), Array::from(vec![1, 2, 3, 0x0500_0004]));
    }
}
