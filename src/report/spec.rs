//! Query specs: one TOML file per analysis (`analysis = "..."`, optional `title`,
//! `description`, `output`, and a `[params]` table), or a set of them (`specs = [...]`).
//! Parameters are checked strictly: an unknown analysis or parameter, a value of the wrong
//! type or out of range is an error naming the file, the line and what would be accepted.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::analysis::{registry, Configured};

/// A spec that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct SpecError {
    /// The spec file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl SpecError {
    /// An error at byte range `span` of `text` (the start of the file when `None`).
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> SpecError {
        let (line, column) = span.map_or((1, 1), |s| line_col(text, s.start));
        SpecError {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// 1-based line and column of byte `offset`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |i| offset - i - 1) + 1;
    (line, col)
}

/// A parsed analysis spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The file it came from (for messages and relative paths).
    pub path: PathBuf,
    /// Its text (for turning spans into lines).
    pub text: String,
    /// The analysis it runs.
    pub analysis: &'static str,
    /// A title replacing the analysis's own.
    pub title: Option<String>,
    /// A description replacing the analysis's own.
    pub description: Option<String>,
    /// File stem of the outputs; the analysis name by default.
    pub output: String,
    /// The analysis with its parameters read.
    pub params: Configured,
}

impl Spec {
    /// An error at `span` of this spec's file.
    pub fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> SpecError {
        SpecError::at(&self.path, &self.text, span, message)
    }

    /// A path named in this spec, relative to its file's folder.
    pub fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        self.path
            .parent()
            .map_or_else(|| p.to_path_buf(), |d| d.join(p))
    }
}

#[derive(Deserialize)]
struct Head {
    analysis: Option<Spanned<String>>,
    specs: Option<Spanned<toml::Value>>,
}

/// A spec file's own fields; `[params]` is read by the analysis.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    #[allow(dead_code)]
    analysis: String,
    title: Option<String>,
    description: Option<String>,
    output: Option<Spanned<String>>,
    #[allow(dead_code)]
    params: Option<toml::Value>,
}

/// A set of specs (`queries/paper.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFile {
    /// The report's title.
    pub title: Option<String>,
    /// What the set is.
    pub description: Option<String>,
    /// The spec files, relative to the set's folder.
    pub specs: Vec<Spanned<String>>,
}

/// What a spec file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// One analysis.
    One(Box<Spec>),
    /// A list of spec files.
    Set(SetFile),
}

fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> SpecError {
    SpecError::at(path, text, e.span(), e.message().trim().to_string())
}

/// A spec file's title, description and output stem.
type Head3 = (Option<String>, Option<String>, Option<String>);

fn head_fields(path: &Path, text: &str) -> Result<Head3, SpecError> {
    let f: SpecFile = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
    let output = match f.output {
        Some(o) => {
            let s = o.get_ref();
            if s.is_empty() || s.contains(['/', '\\']) || s.starts_with('.') {
                return Err(SpecError::at(
                    path,
                    text,
                    Some(o.span()),
                    format!(
                        "output '{s}' must be a plain file name stem such as 'new-models-by-type'"
                    ),
                ));
            }
            Some(s.clone())
        }
        None => None,
    };
    Ok((f.title, f.description, output))
}

/// Parses the text of one spec file.
pub fn parse(path: &Path, text: &str) -> Result<Parsed, SpecError> {
    let head: Head = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
    match (head.analysis, head.specs) {
        (Some(a), None) => {
            let name = a.get_ref().as_str();
            let Some(found) = registry::find(name) else {
                return Err(SpecError::at(
                    path,
                    text,
                    Some(a.span()),
                    format!(
                        "unknown analysis '{name}'; expected one of {}",
                        registry::names().join(", ")
                    ),
                ));
            };
            let analysis = found.name();
            let (title, description, output) = head_fields(path, text)?;
            let params = found
                .parse_toml(text)
                .map_err(|e| toml_error(path, text, e))?;
            Ok(Parsed::One(Box::new(Spec {
                path: path.to_path_buf(),
                text: text.to_string(),
                analysis,
                title,
                description,
                output: output.unwrap_or_else(|| analysis.to_string()),
                params,
            })))
        }
        (None, Some(_)) => {
            let set: SetFile = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
            Ok(Parsed::Set(set))
        }
        (Some(a), Some(_)) => Err(SpecError::at(
            path,
            text,
            Some(a.span()),
            "a spec names either one `analysis` or a list of `specs`, not both",
        )),
        (None, None) => Err(SpecError::at(
            path,
            text,
            None,
            format!(
                "no `analysis = \"...\"` (one of {}) and no `specs = [...]` list",
                registry::names().join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Unit;

    fn err(text: &str) -> String {
        parse(Path::new("q.toml"), text).unwrap_err().to_string()
    }

    #[test]
    fn parses_an_analysis_with_defaults_and_dates() {
        let text = "analysis = \"new-models-by-type\"\n[params]\nunit = \"week\"\nfrom = 2023-01-01\nto = \"2024-03-31\"\n";
        let Parsed::One(spec) = parse(Path::new("q.toml"), text).unwrap() else {
            panic!("not one spec")
        };
        assert_eq!(spec.output, "new-models-by-type");
        let p: &crate::analysis::new_models_by_type::Params = spec.params.params().unwrap();
        assert_eq!(p.unit, Unit::Week);
        assert_eq!(p.from.unwrap().0.to_string(), "2023-01-01");
        assert_eq!(p.to.unwrap().0.to_string(), "2024-03-31");
        assert!(!p.include_flagged);
    }

    #[test]
    fn errors_name_line_and_accepted_values() {
        let e = err("# comment\nanalysis = \"new-models-by-kind\"\n");
        assert!(e.starts_with("q.toml:2:12: unknown analysis 'new-models-by-kind'; expected one of authors-over-time,"), "{e}");
        let e = err("analysis = \"new-models-by-type\"\n[params]\nunits = \"week\"\n");
        assert!(e.starts_with("q.toml:3:1: unknown field `units`, expected one of `from`, `to`, `include_flagged`, `board`, `unit`"), "{e}");
        let e = err("analysis = \"new-models-by-type\"\n[params]\nunit = \"year\"\n");
        assert!(
            e.contains("q.toml:3:8") && e.contains("`day`, `week`, `month`"),
            "{e}"
        );
        let e = err("analysis = \"derivative-counts\"\n[params]\ntop = \"ten\"\n");
        assert!(
            e.starts_with("q.toml:3:7:") && e.contains("expected usize"),
            "{e}"
        );
        let e = err("analysis = \"new-models-by-architecture\"\n[params]\nthreshold = 5\n");
        assert!(
            e.contains("q.toml:3:13") && e.contains("from 0 to 1"),
            "{e}"
        );
        let e = err("analysis = \"new-models-by-type\"\n[params]\nfrom = \"last year\"\n");
        assert!(e.contains("q.toml:3:8") && e.contains("YYYY-MM-DD"), "{e}");
        let e = err("analysis = \"licenses\"\ncolour = \"red\"\n");
        assert!(e.starts_with("q.toml:2:1: unknown field `colour`"), "{e}");
        let e = err("title = \"x\"\n");
        assert!(e.contains("no `analysis"), "{e}");
    }

    #[test]
    fn sets_list_specs() {
        let Parsed::Set(s) = parse(
            Path::new("p.toml"),
            "title = \"T\"\nspecs = [\"a.toml\", \"b.toml\"]\n",
        )
        .unwrap() else {
            panic!("not a set")
        };
        assert_eq!(s.specs.len(), 2);
        let e = err("specs = [\"a.toml\"]\nextra = 1\n");
        assert!(e.starts_with("q.toml:2:1: unknown field `extra`"), "{e}");
    }
}
