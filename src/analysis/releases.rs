//! The notable-release table: base-model releases (name, date, repos, architecture) that
//! trend charts mark and the release-effect analysis follows. It is data users edit
//! (`queries/releases.csv`); a copy is built in.

use std::path::Path;

use crate::error::IngestError;
use crate::model::Day;

/// The table shipped with the project.
pub const BUILTIN: &str = include_str!("../../queries/releases.csv");

/// A notable model release (`queries/releases.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Its display name.
    pub name: String,
    /// Its release date.
    pub date: Day,
    /// The release's repo ids, `|`-separated in the file.
    pub models: Vec<String>,
    /// The architecture it introduced, if any.
    pub architecture: Option<String>,
}

/// Parses a release table. `#` lines are comments; the header must name `name` and
/// `date`; `models` and `architecture` are optional columns.
/// The releases table a `releases` parameter names, or the built-in one.
pub fn from_param(
    cx: &crate::analysis::registry::Context,
    given: &Option<toml::Spanned<String>>,
) -> Result<Vec<Release>, crate::analysis::registry::AnalysisError> {
    let (path, text) = cx.table("releases", given, "queries/releases.csv")?;
    Ok(parse(&path, &text)?)
}

/// Reads a release table (`name,date,models,architecture`) from `text`; `path` names it in
/// errors.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Release>, IngestError> {
    let err = |line: u64, detail: String| IngestError::Config {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(name_col), Some(date_col)) = (col("name"), col("date")) else {
        return Err(err(
            headers.position().map_or(1, |p| p.line()),
            "the header must name the columns name,date (and optionally models,architecture)"
                .into(),
        ));
    };
    let models_col = col("models");
    let arch_col = col("architecture");
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let name = field(Some(name_col)).ok_or_else(|| err(line, "empty name".into()))?;
        let raw_date = field(Some(date_col)).unwrap_or("");
        let date = Day::parse(raw_date).ok_or_else(|| {
            err(
                line,
                format!("'{raw_date}' is not a date; expected YYYY-MM-DD"),
            )
        })?;
        let models = field(models_col)
            .map(|m| {
                m.split('|')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        out.push(Release {
            name: name.to_string(),
            date,
            models,
            architecture: field(arch_col).map(str::to_string),
        });
    }
    out.sort_by_key(|r| r.date);
    Ok(out)
}

/// The built-in table.
pub fn builtin() -> Vec<Release> {
    parse(Path::new("queries/releases.csv"), BUILTIN).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_dates_agree_with_the_date_corrections() {
        // One date per model across the shipped tables: a release's repo that the date
        // corrections date is released on that date (Llama 3 was once 04-18 against 04-17).
        let corrections = crate::graph::builder::DateCorrection::builtin();
        let mut checked = 0;
        for r in builtin() {
            for m in &r.models {
                if let Some(c) = corrections.iter().find(|c| c.model.eq_ignore_ascii_case(m)) {
                    assert_eq!(c.created, r.date, "{}: {m}", r.name);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 1, "Meta-Llama-3-8B is in both tables");
    }

    #[test]
    fn builtin_table_parses() {
        let r = parse(Path::new("queries/releases.csv"), BUILTIN).unwrap();
        assert!(r.len() >= 5);
        let mistral = r.iter().find(|r| r.name == "Mistral 7B").unwrap();
        assert_eq!(mistral.date.to_string(), "2023-09-27");
        assert_eq!(mistral.models[0], "mistralai/Mistral-7B-v0.1");
        assert!(r.windows(2).all(|w| w[0].date <= w[1].date));
    }

    #[test]
    fn bad_dates_name_the_line() {
        let text = "name,date\nA,2024-01-01\nB,someday\n";
        let e = parse(Path::new("r.csv"), text).unwrap_err().to_string();
        assert!(e.contains("r.csv:3"), "{e}");
        assert!(e.contains("YYYY-MM-DD"), "{e}");
    }
}
