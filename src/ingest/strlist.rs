//! A list of short strings kept in one buffer: a row's eight tags cost two allocations
//! rather than eight, and the list can be cleared and refilled without any.

use std::fmt;

/// Strings one after another in one `String`, with where each ends.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StrList {
    text: String,
    ends: Vec<usize>,
}

impl StrList {
    /// An empty list (it allocates nothing until the first push).
    pub fn new() -> Self {
        StrList::default()
    }

    /// Adds `s` at the end.
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    /// Makes room for `strings` more strings of `bytes` in all.
    pub fn reserve(&mut self, bytes: usize, strings: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(strings);
    }

    /// The bytes of all the strings together.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when it holds no string.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Removes every string, keeping the room.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Keeps the first `n` strings.
    pub fn truncate(&mut self, n: usize) {
        if n < self.ends.len() {
            let end = if n == 0 { 0 } else { self.ends[n - 1] };
            self.text.truncate(end);
            self.ends.truncate(n);
        }
    }

    /// The `i`th string.
    pub fn get(&self, i: usize) -> Option<&str> {
        (i < self.ends.len()).then(|| self.at(i))
    }

    /// The `i`th string, `i` in range.
    fn at(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The strings in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator + '_ {
        (0..self.ends.len()).map(|i| self.at(i))
    }

    /// True when one of the strings is `s`.
    pub fn contains(&self, s: &str) -> bool {
        self.iter().any(|x| x == s)
    }

    /// Keeps only the strings `keep` is true of, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        // Nothing is copied unless a string goes, and `keep` sees each string once.
        let Some(first) = self.iter().position(|s| !keep(s)) else {
            return;
        };
        let mut out = StrList::default();
        for (i, s) in self.iter().enumerate() {
            if i < first || (i > first && keep(s)) {
                out.push(s);
            }
        }
        *self = out;
    }

    /// The strings as owned values.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl fmt::Debug for StrList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> FromIterator<S> for StrList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut list = StrList::default();
        for s in iter {
            list.push(s.as_ref());
        }
        list
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for StrList {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for StrList {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for StrList {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_in_order_empty_ones_included() {
        let mut l = StrList::new();
        assert!(l.is_empty() && l.get(0).is_none());
        for s in ["transformers", "", "中文", "base_model:org/x"] {
            l.push(s);
        }
        assert_eq!((l.len(), l.text_len()), (4, 34));
        assert_eq!(l, ["transformers", "", "中文", "base_model:org/x"]);
        assert_eq!(l.get(2), Some("中文"));
        assert_eq!(l.iter().next_back(), Some("base_model:org/x"));
        assert!(l.contains("") && !l.contains("org/x"));
        assert_eq!(
            format!("{l:?}"),
            r#"["transformers", "", "中文", "base_model:org/x"]"#
        );
        let mut cut = l.clone();
        cut.truncate(3);
        assert_eq!(cut, ["transformers", "", "中文"]);
        cut.truncate(1);
        cut.push("x");
        assert_eq!(cut, ["transformers", "x"]);
        l.retain(|s| !s.is_empty() && s != "中文");
        assert_eq!(l.to_vec(), ["transformers", "base_model:org/x"]);
        l.clear();
        assert!(l.is_empty() && l.iter().next().is_none());
        assert_eq!(l, StrList::from_iter(Vec::<String>::new()));
    }
}
