//! Parent references as sources write them, and the alias table that resolves free-text
//! names (`mistral-7b`) to repo ids. Classification is pure; resolution against the set of
//! known models happens when the graph is built.

use std::path::Path;

use crate::intern::NameTable;

use super::{ModelRecord, ParentRef};
use crate::error::IngestError;
use crate::model::EdgeKind;

/// What a raw reference turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefClass<'a> {
    /// A placeholder that names no model: `unknown`, `[]`, `None`, `Removed`, or empty.
    Empty(&'static str),
    /// Looks like a repo id (`namespace/name`).
    Id(&'a str),
    /// Anything else: a free-text name or a legacy id without a namespace.
    FreeText(&'a str),
}

/// Classifies a raw reference after trimming quotes, whitespace and Hub URL prefixes.
pub fn classify(raw: &str) -> RefClass<'_> {
    let mut s = raw.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    for prefix in [
        "https://huggingface.co/",
        "http://huggingface.co/",
        "huggingface.co/",
        "hf.co/",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
        }
    }
    let s = s.trim_end_matches('/');
    const PLACEHOLDERS: [(&str, &str); 7] = [
        ("unknown", "unknown"),
        ("[]", "[]"),
        ("none", "None"),
        ("null", "None"),
        ("nan", "None"),
        ("removed", "Removed"),
        ("", "empty"),
    ];
    // Compared up to ASCII case without a lower-cased copy: this runs for every reference.
    let placeholder = PLACEHOLDERS
        .iter()
        .find(|(word, _)| s.len() == word.len() && s.eq_ignore_ascii_case(word))
        .map(|&(_, p)| p);
    if let Some(p) = placeholder {
        return RefClass::Empty(p);
    }
    let slashes = memchr::memchr_iter(b'/', s.as_bytes()).count();
    if slashes == 1 && !has_whitespace(s) && !s.starts_with('/') && !s.ends_with('/') {
        RefClass::Id(s)
    } else {
        RefClass::FreeText(s)
    }
}

/// Whether `s` holds a character that is white space (`char::is_whitespace`), told byte by
/// byte for ASCII text: this runs for every reference.
fn has_whitespace(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
    } else {
        s.contains(char::is_whitespace)
    }
}

/// Splits Hub tags into what they say: parents (`base_model:[RELATION:]ID`), license,
/// datasets, the `merge` marker, and the remaining plain tags.
pub fn apply_tags<S: AsRef<str>>(
    rec: &mut ModelRecord,
    tags: impl IntoIterator<Item = S>,
    field: &'static str,
) {
    for tag in tags {
        let tag = tag.as_ref();
        if let Some(rest) = tag.strip_prefix("base_model:") {
            let (relation, id) = match rest.split_once(':') {
                Some((rel, id)) => match EdgeKind::from_relation(rel) {
                    Some(kind) => (Some(kind), id),
                    None => (None, rest),
                },
                None => (None, rest),
            };
            rec.parents.push(ParentRef {
                raw: id.to_string(),
                relation,
                field,
            });
        } else if let Some(license) = tag.strip_prefix("license:") {
            if rec.license.is_none() {
                rec.license = Some(license.to_string());
            }
        } else if let Some(dataset) = tag.strip_prefix("dataset:") {
            if !rec.datasets.contains(dataset) {
                rec.datasets.push(dataset);
            }
        } else {
            if tag == "merge" || tag == "mergekit" {
                rec.merged = Some(true);
            }
            if tag == "moe" {
                rec.moe = Some(true);
            }
            rec.tags.push(tag);
        }
    }
}

/// Free-text names and legacy ids mapped to repo ids. The project ships one
/// (`graphs/aliases.csv`); users add their own, later files overriding earlier ones.
///
/// Aliases live in a case-insensitive [`NameTable`] (stored folded), so a lookup, made for
/// every record and reference, folds the name as it hashes it and allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    aliases: NameTable,
    /// The target of each alias, by its id in `aliases`.
    targets: Vec<String>,
}

/// The alias table that ships with the project.
pub const DEFAULT_ALIASES: &str = include_str!("../../graphs/aliases.csv");

impl AliasTable {
    /// The shipped table.
    pub fn builtin() -> AliasTable {
        let mut t = AliasTable::default();
        t.extend_from_str(Path::new("graphs/aliases.csv"), DEFAULT_ALIASES)
            .expect("the shipped alias table is well-formed");
        t
    }

    /// Adds `alias,target` lines (a header line `alias,target` and `#` comments allowed).
    pub fn extend_from_str(&mut self, path: &Path, text: &str) -> Result<(), IngestError> {
        for (line, rec) in super::config_rows(path, text)? {
            if rec.len() != 2 {
                return Err(IngestError::Config {
                    path: path.into(),
                    line,
                    detail: format!("expected 2 fields 'alias,target', found {}", rec.len()),
                });
            }
            let (alias, target) = (rec[0].trim(), rec[1].trim());
            if alias == "alias" && target == "target" {
                continue;
            }
            if !matches!(classify(target), RefClass::Id(_)) {
                return Err(IngestError::Config {
                    path: path.into(),
                    line,
                    detail: format!(
                        "target '{}' is not a repo id (namespace/name)",
                        super::shown(target)
                    ),
                });
            }
            if alias.is_empty() {
                return Err(IngestError::Config {
                    path: path.into(),
                    line,
                    detail: "empty alias".into(),
                });
            }
            let mut key = String::new();
            let (id, new) = self
                .aliases
                .intern(crate::intern::fold_case(alias, &mut key));
            if new {
                self.targets.push(target.to_string());
            } else {
                self.targets[id as usize] = target.to_string();
            }
        }
        Ok(())
    }

    /// Adds the aliases of the file at `path` (`alias,target` lines).
    pub fn load_file(&mut self, path: &Path) -> Result<(), IngestError> {
        let text = super::read_config(path, "a CSV of 'alias,target' lines")?;
        self.extend_from_str(path, &text)
    }

    /// The repo id `name` stands for, if it is an alias (case-insensitive).
    pub fn resolve(&self, name: &str) -> Option<&str> {
        let id = self.aliases.get(name)?;
        Some(self.targets[id as usize].as_str())
    }

    /// Every (alias, target) pair, aliases case-folded.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        (0..self.targets.len() as u32)
            .map(|id| (self.aliases.name(id), self.targets[id as usize].as_str()))
    }

    /// How many aliases.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no aliases.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_told_as_char_is_whitespace_tells_it() {
        for c in (0u32..0x3100).filter_map(char::from_u32) {
            let s = format!("org/a{c}b");
            assert_eq!(has_whitespace(&s), c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn classifies_what_sources_write() {
        assert_eq!(classify(""), RefClass::Empty("empty"));
        assert_eq!(classify(" unknown "), RefClass::Empty("unknown"));
        assert_eq!(classify("[]"), RefClass::Empty("[]"));
        assert_eq!(classify("None"), RefClass::Empty("None"));
        assert_eq!(classify("Removed"), RefClass::Empty("Removed"));
        assert_eq!(
            classify("mistralai/Mistral-7B-v0.1"),
            RefClass::Id("mistralai/Mistral-7B-v0.1")
        );
        assert_eq!(
            classify("https://huggingface.co/mistralai/Mistral-7B-v0.1/"),
            RefClass::Id("mistralai/Mistral-7B-v0.1")
        );
        assert_eq!(classify("mistral-7b"), RefClass::FreeText("mistral-7b"));
        assert_eq!(
            classify("Mistral 7B / v0.1"),
            RefClass::FreeText("Mistral 7B / v0.1")
        );
        assert_eq!(classify("a/b/c"), RefClass::FreeText("a/b/c"));
    }

    #[test]
    fn tags_split_into_parents_license_datasets() {
        let mut rec = ModelRecord::default();
        let tags = [
            "transformers",
            "license:apache-2.0",
            "base_model:quantized:org/base",
            "base_model:org/base",
            "dataset:org/data",
            "merge",
        ];
        apply_tags(&mut rec, tags, "tags");
        assert_eq!(rec.license.as_deref(), Some("apache-2.0"));
        assert_eq!(rec.datasets, vec!["org/data"]);
        assert_eq!(rec.parents.len(), 2);
        assert_eq!(rec.parents[0].relation, Some(EdgeKind::Quantized));
        assert_eq!(rec.parents[0].raw, "org/base");
        assert_eq!(rec.parents[1].relation, None);
        assert_eq!(rec.merged, Some(true));
        assert_eq!(rec.tags, vec!["transformers", "merge"]);
    }

    #[test]
    fn builtin_aliases_resolve_case_insensitively() {
        let t = AliasTable::builtin();
        assert_eq!(t.resolve("Mistral-7B"), Some("mistralai/Mistral-7B-v0.1"));
        let mut t = AliasTable::default();
        let err = t
            .extend_from_str(Path::new("mine.csv"), "alias,target\nfoo,not an id\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "mine.csv:2: target 'not an id' is not a repo id (namespace/name)"
        );
    }

    #[test]
    fn aliases_of_every_length_and_script_resolve() {
        let long = format!("org/{}", "m".repeat(200));
        let text = format!("alias,target\nÜber-Modell,a/b\n{long},a/c\nshort,a/d\n");
        let mut t = AliasTable::default();
        t.extend_from_str(Path::new("mine.csv"), &text).unwrap();
        assert_eq!(t.resolve("über-modell"), Some("a/b"));
        assert_eq!(t.resolve(&long.to_uppercase()), Some("a/c"));
        assert_eq!(t.resolve("SHORT"), Some("a/d"));
        assert_eq!(t.resolve("short"), Some("a/d"));
        assert_eq!(t.resolve("shorter"), None);
    }
}
