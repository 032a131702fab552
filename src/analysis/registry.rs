//! The one list of analyses. Each analysis is a unit type in its own file that owns its
//! parameters, its computation (graph -> tables) and its chart (tables -> [`Figure`]); it
//! implements [`Compute`], and one line in [`ANALYSES`] registers it. `lineage run`,
//! `lineage report`, the server and the tests all walk that list, so nothing else names
//! the analyses.
//!
//! A caller finds an analysis by name ([`find`]), reads its parameters from a spec's
//! `[params]` table ([`Analysis::parse_toml`]) or from a flat name -> text map such as a
//! URL query string ([`Analysis::parse_query`]), and runs the result ([`Configured::run`])
//! to get an [`Output`]: its tables (CSV or JSON), its chart (SVG or PNG) and notes.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::analysis::params::{ParamDoc, ParamError, Params};
use crate::analysis::Table;
use crate::error::IngestError;
use crate::graph::LineageGraph;
use crate::render::Figure;

use super::{
    authors_over_time, authors_per_repo, best_score_by_size, derivative_counts, downloads_by_size,
    improvement_over_days, improvement_per_base, license_drift, licenses,
    new_models_by_architecture, new_models_by_type, params_by_architecture, params_per_point,
    release_effect, repo_contributions, repos_per_author, repositories, score_by_type, top_authors,
    top_contributors, top_models,
};

/// Every analysis, in the order the papers show them. Adding an analysis is one file and
/// one line here.
pub static ANALYSES: &[&dyn Analysis] = &[
    &authors_over_time::AuthorsOverTimeAnalysis,
    &repos_per_author::ReposPerAuthorAnalysis,
    &authors_per_repo::AuthorsPerRepoAnalysis,
    &new_models_by_type::NewModelsByTypeAnalysis,
    &new_models_by_architecture::NewModelsByArchitectureAnalysis,
    &derivative_counts::DerivativeCountsAnalysis,
    &score_by_type::ScoreByTypeAnalysis,
    &params_by_architecture::ParamsByArchitectureAnalysis,
    &downloads_by_size::DownloadsBySizeAnalysis,
    &best_score_by_size::BestScoreBySizeAnalysis,
    &params_per_point::ParamsPerPointAnalysis,
    &improvement_per_base::ImprovementPerBaseAnalysis,
    &improvement_over_days::ImprovementOverDaysAnalysis,
    &licenses::LicensesAnalysis,
    &license_drift::LicenseDriftAnalysis,
    &top_authors::TopAuthorsAnalysis,
    &release_effect::ReleaseEffectAnalysis,
    &top_models::TopModelsAnalysis,
    &repositories::RepositoriesAnalysis,
    &top_contributors::TopContributorsAnalysis,
    &repo_contributions::RepoContributionsAnalysis,
];

/// The analysis called `name`.
pub fn find(name: &str) -> Option<&'static dyn Analysis> {
    ANALYSES.iter().copied().find(|a| a.name() == name)
}

/// Every analysis name, in registry order.
pub fn names() -> Vec<&'static str> {
    ANALYSES.iter().map(|a| a.name()).collect()
}

/// Why an analysis could not run.
#[derive(Debug, Error)]
pub enum AnalysisError {
    /// A parameter given as text (no file to point into) that cannot be used.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A parameter in a spec file that cannot be used, with file, line and column.
    #[error(transparent)]
    Spec(#[from] crate::report::SpecError),
    /// A data table a parameter names that cannot be read.
    #[error(transparent)]
    Data(#[from] IngestError),
}

/// Reads the data tables (CSV) a parameter names, such as `releases = "releases.csv"`.
pub trait TableReader: Sync {
    /// The text of the table at `path`.
    fn read_table(&self, path: &Path) -> std::io::Result<String>;
}

/// Reads only the tables built into the binary (`queries/releases.csv`,
/// `graphs/licenses.csv`, `graphs/license-rules.csv`), never the file system: what a
/// server should use for parameters a request sends.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinTables;

/// The data tables built into the binary, by their path in the project.
pub const BUILTIN_TABLES: &[(&str, &str)] = &[
    ("queries/releases.csv", crate::analysis::releases::BUILTIN),
    ("graphs/licenses.csv", crate::analysis::licenses::BUILTIN),
    (
        "graphs/license-rules.csv",
        crate::analysis::license_drift::BUILTIN,
    ),
];

impl TableReader for BuiltinTables {
    fn read_table(&self, path: &Path) -> std::io::Result<String> {
        let want = path.to_string_lossy().replace('\\', "/");
        BUILTIN_TABLES
            .iter()
            .find(|(p, _)| {
                want == *p
                    || want.ends_with(&format!("/{p}"))
                    || p.rsplit('/').next() == Some(want.as_str())
            })
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!(
                        "not a built-in table (built in: {})",
                        BUILTIN_TABLES
                            .iter()
                            .map(|t| t.0)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }
}

/// What an analysis run needs besides the graph and its parameters: where the parameters
/// came from (for messages that point into a spec file) and how to read the tables they
/// name.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The spec file the parameters came from and its text, if any.
    pub origin: Option<(&'a Path, &'a str)>,
    /// Reads the data tables parameters name.
    pub tables: &'a dyn TableReader,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("origin", &self.origin.map(|o| o.0))
            .finish()
    }
}

impl Default for Context<'_> {
    fn default() -> Self {
        Context::builtin()
    }
}

impl<'a> Context<'a> {
    /// No spec file; only the built-in tables can be named.
    pub fn builtin() -> Context<'static> {
        Context {
            origin: None,
            tables: &BuiltinTables,
        }
    }

    /// An error about parameter `param`: at `span` of the spec file when there is one,
    /// else naming the parameter.
    pub fn param_error(
        &self,
        param: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        accepted: Vec<String>,
    ) -> AnalysisError {
        let message = message.into();
        match self.origin {
            Some((path, text)) => crate::report::SpecError::at(path, text, span, message).into(),
            None => ParamError {
                param: param.to_string(),
                message,
                accepted,
            }
            .into(),
        }
    }

    /// A path a parameter names, relative to the spec file's folder when there is one.
    pub fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        match self.origin.and_then(|(o, _)| o.parent()) {
            Some(dir) if !p.is_absolute() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// The table parameter `param` names (`given`), or the built-in one at `builtin` when
    /// it names none: its path (for messages) and text.
    pub fn table(
        &self,
        param: &str,
        given: &Option<toml::Spanned<String>>,
        builtin: &str,
    ) -> Result<(PathBuf, String), AnalysisError> {
        match given {
            Some(p) => {
                let path = self.resolve(p.get_ref());
                let text = self.tables.read_table(&path).map_err(|io| {
                    self.param_error(
                        param,
                        Some(p.span()),
                        format!("cannot read '{}' ({}): {io}", p.get_ref(), path.display()),
                        vec!["path of a CSV table".into()],
                    )
                })?;
                Ok((path, text))
            }
            None => {
                let text = BuiltinTables
                    .read_table(Path::new(builtin))
                    .unwrap_or_default();
                Ok((PathBuf::from(builtin), text))
            }
        }
    }
}

/// One analysis's results, ready to write or send.
#[derive(Debug, Clone)]
pub struct Output {
    /// File stem of the outputs (the analysis name unless a spec says otherwise).
    pub name: String,
    /// The analysis that made it.
    pub analysis: &'static str,
    /// Its title.
    pub title: String,
    /// What it shows, in a sentence or two.
    pub description: String,
    /// The main table.
    pub table: Table,
    /// Further tables: `(file suffix, caption, table)`.
    pub extra: Vec<(String, String, Table)>,
    /// The chart.
    pub figure: Figure,
    /// Lines on what was counted and left out.
    pub notes: Vec<String>,
}

impl Output {
    /// The output with its main table and the extra ones, as `(name, caption, table)`
    /// where the name is the CSV file stem.
    pub fn tables(&self) -> Vec<(String, String, &Table)> {
        std::iter::once((self.name.clone(), self.title.clone(), &self.table))
            .chain(
                self.extra
                    .iter()
                    .map(|(s, c, t)| (format!("{}-{s}", self.name), c.clone(), t)),
            )
            .collect()
    }

    /// The output as JSON: name, analysis, title, description, notes and every table as
    /// `{name, caption, columns, rows}` (numbers stay numbers, empty cells are null).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "analysis": self.analysis,
            "title": self.title,
            "description": self.description,
            "notes": self.notes,
            "tables": self.tables().iter().map(|(name, caption, t)| {
                let mut v = t.to_json();
                v["name"] = serde_json::Value::from(name.as_str());
                v["caption"] = serde_json::Value::from(caption.as_str());
                v
            }).collect::<Vec<_>>(),
        })
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String, crate::render::RenderError> {
        self.figure.to_svg()
    }
}

/// An analysis written as a typed unit: its parameters, and how it turns a graph into an
/// [`Output`]. Every [`Compute`] is an [`Analysis`].
pub trait Compute: Sync + 'static {
    /// Its name in specs, commands and URLs (`new-models-by-type`).
    const NAME: &'static str;
    /// A short title.
    const TITLE: &'static str;
    /// What it shows, in a sentence.
    const DESCRIPTION: &'static str;
    /// Its parameters.
    type Params: Params;
    /// Runs it over `g`. The output's `name` and `analysis` are filled in by the caller.
    fn compute(
        &self,
        g: &LineageGraph,
        p: &Self::Params,
        cx: &Context,
    ) -> Result<Output, AnalysisError>;
}

/// Parameters read for one analysis, ready to run.
#[derive(Clone)]
pub struct Configured {
    analysis: &'static dyn Analysis,
    params: Arc<dyn Any + Send + Sync>,
    debug: Arc<str>,
}

impl fmt::Debug for Configured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.analysis.name(), self.debug)
    }
}

impl PartialEq for Configured {
    fn eq(&self, other: &Self) -> bool {
        self.analysis.name() == other.analysis.name() && self.debug == other.debug
    }
}

impl Configured {
    /// The analysis these parameters are for.
    pub fn analysis(&self) -> &'static dyn Analysis {
        self.analysis
    }

    /// The parameters as their own type, if they are of type `P`.
    pub fn params<P: 'static>(&self) -> Option<&P> {
        self.params.downcast_ref()
    }

    /// Runs the analysis over `g`; the output is named after the analysis.
    pub fn run(&self, g: &LineageGraph, cx: &Context) -> Result<Output, AnalysisError> {
        let mut o = self.analysis.run_any(g, &*self.params, cx)?;
        o.name = self.analysis.name().to_string();
        o.analysis = self.analysis.name();
        Ok(o)
    }
}

/// The face of an analysis the registry lists: what it is called, what it shows, what it
/// takes, and how to run it. Implemented for every [`Compute`]; not meant to be
/// implemented by hand.
pub trait Analysis: Sync {
    /// Its name.
    fn name(&self) -> &'static str;
    /// Its short title.
    fn title(&self) -> &'static str;
    /// What it shows.
    fn description(&self) -> &'static str;
    /// Its parameters: name, type, default, accepted values.
    fn params(&self) -> Vec<ParamDoc>;
    /// Reads its parameters from the text of a TOML document whose `[params]` table it
    /// deserialises (`toml::de::Error` keeps the span for line and column).
    fn parse_toml(&'static self, text: &str) -> Result<Configured, toml::de::Error>;
    /// Reads its parameters from a flat name -> text map (a URL query string).
    fn parse_query(&'static self, map: &BTreeMap<String, String>)
        -> Result<Configured, ParamError>;
    /// Its default parameters.
    fn defaults(&'static self) -> Configured;
    /// Runs it with parameters made by this analysis.
    #[doc(hidden)]
    fn run_any(
        &self,
        g: &LineageGraph,
        params: &(dyn Any + Send + Sync),
        cx: &Context,
    ) -> Result<Output, AnalysisError>;
}

/// The `[params]` table of a spec file, around an analysis's parameters.
#[derive(serde::Deserialize)]
struct ParamsTable<P> {
    #[serde(default)]
    params: P,
}

fn configured<P: Params>(a: &'static dyn Analysis, p: P) -> Configured {
    let debug: Arc<str> = format!("{p:?}").into();
    Configured {
        analysis: a,
        params: Arc::new(p),
        debug,
    }
}

impl<T: Compute> Analysis for T {
    fn name(&self) -> &'static str {
        T::NAME
    }
    fn title(&self) -> &'static str {
        T::TITLE
    }
    fn description(&self) -> &'static str {
        T::DESCRIPTION
    }
    fn params(&self) -> Vec<ParamDoc> {
        T::Params::describe()
    }
    fn parse_toml(&'static self, text: &str) -> Result<Configured, toml::de::Error> {
        let t: ParamsTable<T::Params> = toml::from_str(text)?;
        Ok(configured(self, t.params))
    }
    fn parse_query(
        &'static self,
        map: &BTreeMap<String, String>,
    ) -> Result<Configured, ParamError> {
        Ok(configured(self, T::Params::from_text_map(map)?))
    }
    fn defaults(&'static self) -> Configured {
        configured(self, T::Params::default())
    }
    fn run_any(
        &self,
        g: &LineageGraph,
        params: &(dyn Any + Send + Sync),
        cx: &Context,
    ) -> Result<Output, AnalysisError> {
        let p = params
            .downcast_ref::<T::Params>()
            .expect("parameters are made by the analysis that runs them");
        self.compute(g, p, cx)
    }
}

/// A listing of every analysis and its parameters, as JSON.
pub fn listing() -> serde_json::Value {
    serde_json::Value::Array(
        ANALYSES
            .iter()
            .map(|a| {
                serde_json::json!({
                    "name": a.name(),
                    "title": a.title(),
                    "description": a.description(),
                    "params": a.params(),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_kebab_case() {
        let n = names();
        assert_eq!(n.len(), ANALYSES.len());
        for (i, a) in n.iter().enumerate() {
            assert!(!n[..i].contains(a), "{a} twice");
            assert!(a.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{a}");
            assert!(find(a).is_some());
        }
        assert!(find("nope").is_none());
    }

    /// The description of each analysis lists exactly the fields its spec accepts: a spec
    /// with an unknown field is refused with serde's list of the accepted ones.
    #[test]
    fn parameter_descriptions_match_the_accepted_fields() {
        for a in ANALYSES {
            let e = a
                .parse_toml("[params]\nno_such_parameter = 1\n")
                .unwrap_err()
                .to_string();
            let listed: Vec<String> = a.params().iter().map(|d| format!("`{}`", d.name)).collect();
            assert!(
                e.contains(&listed.join(", ")),
                "{}: {e} does not list {listed:?}",
                a.name()
            );
            for d in a.params() {
                let mut m = BTreeMap::new();
                if !d.default.is_empty() {
                    m.insert(d.name.to_string(), d.default.clone());
                    let c = a.parse_query(&m).unwrap_or_else(|e| {
                        panic!(
                            "{}: default of {} does not read back: {e}",
                            a.name(),
                            d.name
                        )
                    });
                    assert_eq!(c, a.defaults(), "{}: {}", a.name(), d.name);
                }
                for v in d.accepted.iter().flatten() {
                    m.insert(d.name.to_string(), v.to_string());
                    a.parse_query(&m)
                        .unwrap_or_else(|e| panic!("{}: {} = {v}: {e}", a.name(), d.name));
                }
            }
        }
    }

    #[test]
    fn listing_describes_every_analysis() {
        let l = listing();
        assert_eq!(l.as_array().unwrap().len(), ANALYSES.len());
        let unit = l[3]["params"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "unit")
            .unwrap();
        assert_eq!(unit["default"], "month");
        assert_eq!(
            unit["accepted"],
            serde_json::json!(["day", "week", "month"])
        );
    }
}
