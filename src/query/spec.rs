//! Query specs: one TOML file per analysis (`analysis = "..."`, optional `title`,
//! `description`, `output`, and a `[params]` table), or a set of them (`specs = [...]`).
//! Parameters are checked strictly: an unknown analysis or parameter, a value of the wrong
//! type or out of range is an error naming the file, the line and what would be accepted.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeOwned};
use serde::Deserialize;
use toml::Spanned;

use crate::analysis::groups::{AuthorBasis, ThresholdScope};
use crate::analysis::Unit;
use crate::model::Day;

/// A spec that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct SpecError {
    /// The spec file.
    pub path: PathBuf,
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    /// An error at byte `offset` of `text`.
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

/// A calendar day in a spec: a TOML date (`2024-01-31`) or a string in that form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub Day);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024-01-31")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                match Day::parse(s) {
                    Some(d) if s.trim().len() == 10 => Ok(Date(d)),
                    _ => Err(E::custom(format!(
                        "'{s}' is not a date; expected YYYY-MM-DD, such as 2024-01-31"
                    ))),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                // TOML dates arrive as a one-entry map holding their text.
                let _key: Option<String> = map.next_key()?;
                let value: String = map.next_value()?;
                self.visit_str(&value)
            }
        }
        d.deserialize_any(V)
    }
}

/// A share in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(pub f64);

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Share, D::Error> {
        let v = f64::deserialize(d)?;
        if (0.0..=1.0).contains(&v) {
            Ok(Share(v))
        } else {
            Err(de::Error::custom(format!(
                "{v} is not a share; expected a number from 0 to 1, such as 0.05"
            )))
        }
    }
}

/// How improvements are normalised (the lower panel of the papers' figure 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NormalizeParam {
    /// Divide by ln(number of scored derivatives).
    #[default]
    Log,
    /// Divide by the number of scored derivatives.
    Count,
    /// Do not normalise.
    None,
}

/// Parameters every analysis takes.
macro_rules! params {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty = $default:expr),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            /// First creation day counted.
            pub from: Option<Date>,
            /// Last creation day counted.
            pub to: Option<Date>,
            /// Count flagged models too.
            pub include_flagged: bool,
            $($(#[$fm])* pub $field: $ty,)*
        }
        impl Default for $name {
            fn default() -> Self {
                $name { from: None, to: None, include_flagged: false, $($field: $default,)* }
            }
        }
    };
}

params!(
    /// Authors over time: new, total and active authors per period.
    AuthorsOverTime {
    /// The length of a period.
    unit: Unit = Unit::Month,
    /// Whose models count for an author: owners, contributors or both.
    basis: AuthorBasis = AuthorBasis::Both,
    /// Further bot accounts to leave out, beside the built-in list.
    bots: Vec<String> = Vec::new(),
});
params!(
    /// Repositories per author, as a histogram, and the share of the top authors.
    ReposPerAuthor {
    /// Whose models count for an author: owners, contributors or both.
    basis: AuthorBasis = AuthorBasis::Both,
    /// Further bot accounts to leave out, beside the built-in list.
    bots: Vec<String> = Vec::new(),
    /// Report the share of repos made by the top k authors, for each k.
    top: Vec<usize> = vec![10, 200],
});
params!(
    /// Authors per repository, as a histogram.
    AuthorsPerRepo {
    /// Further bot accounts to leave out, beside the built-in list.
    bots: Vec<String> = Vec::new(),
});
params!(
    /// New models per period by model type.
    NewModelsByType {
    /// The length of a period.
    unit: Unit = Unit::Month,
});
params!(
    /// New models per period by architecture group, with notable releases marked.
    NewModelsByArchitecture {
    /// The length of a period.
    unit: Unit = Unit::Month,
    /// An architecture keeps its own name from this share of new models up.
    threshold: Share = Share(0.05),
    /// Where the share is measured: in at least one period, or over all models.
    threshold_scope: ThresholdScope = ThresholdScope::Period,
    /// Periods with fewer new models do not decide the groups.
    min_period_models: usize = 100,
    /// Architectures named whatever their share.
    keep: Vec<String> = Vec::new(),
    /// The notable-release table, relative to the spec file; the built-in one by default.
    releases: Option<Spanned<String>> = None,
});
params!(
    /// The bases with the most derivatives.
    DerivativeCounts {
    /// Bases shown.
    top: usize = 20,
});
params!(
    /// Leaderboard averages over time by model type.
    ScoreByType {
    /// The length of a period.
    unit: Unit = Unit::Month,
});
params!(
    /// Parameter counts by architecture group.
    ParamsByArchitecture {
    /// An architecture keeps its own name from this share of new models up.
    threshold: Share = Share(0.05),
    /// Where the share is measured: in at least one period, or over all models.
    threshold_scope: ThresholdScope = ThresholdScope::Period,
    /// Periods with fewer new models do not decide the groups.
    min_period_models: usize = 100,
    /// Architectures named whatever their share.
    keep: Vec<String> = Vec::new(),
    /// The length of a period.
    unit: Unit = Unit::Month,
});
params!(
    /// Downloads by size class.
    DownloadsBySize {
    /// Size class boundaries, in billions of parameters.
    size_edges: Vec<f64> = vec![1.5, 4.0, 8.0, 15.0, 40.0, 80.0],
});
params!(
    /// Best and mean average by size class.
    BestScoreBySize {
    /// Size class boundaries, in billions of parameters.
    size_edges: Vec<f64> = vec![1.5, 4.0, 8.0, 15.0, 40.0, 80.0],
});
params!(
    /// Parameters per point of average of the best model of each period.
    ParamsPerPoint {
    /// The length of a period.
    unit: Unit = Unit::Month,
});
params!(
    /// Improvement of each base's family over the base.
    ImprovementPerBase {
    /// Bases with fewer scored derivatives are left out.
    min_family: usize = 5,
    /// Bases shown.
    top: usize = 20,
    /// Count merges as family members.
    include_merges: bool = false,
    /// How improvements are normalised.
    normalize: NormalizeParam = NormalizeParam::Log,
});
params!(
    /// Improvement over the days since each base's release, with its frontier.
    ImprovementOverDays {
    /// Base model ids; empty: the bases with the most scored derivatives.
    bases: Vec<Spanned<String>> = Vec::new(),
    /// With no `bases`: how many of the bases with the most scored derivatives.
    top: usize = 4,
    /// Bases with fewer scored derivatives are left out.
    min_family: usize = 5,
    /// Count merges as family members.
    include_merges: bool = false,
    /// How improvements are normalised.
    normalize: NormalizeParam = NormalizeParam::Log,
});
params!(
    /// Models per license, with what each license permits.
    Licenses {
    /// Licenses shown.
    top: usize = 25,
    /// The license table, relative to the spec file; the built-in one by default.
    licenses: Option<Spanned<String>> = None,
});
params!(
    /// Lineage edges whose derivative's license does not go with its base's.
    LicenseDrift {
    /// The license table, relative to the spec file; the built-in one by default.
    licenses: Option<Spanned<String>> = None,
    /// The compatibility rules, relative to the spec file; the built-in ones by default.
    rules: Option<Spanned<String>> = None,
    /// License pairs shown in the chart.
    top: usize = 20,
});
params!(
    /// The most prolific authors: activity and scores.
    TopAuthors {
    /// The length of a period.
    unit: Unit = Unit::Month,
    /// Authors shown.
    top: usize = 15,
    /// Whose models count for an author: owners, contributors or both.
    basis: AuthorBasis = AuthorBasis::Owners,
    /// Further bot accounts to leave out, beside the built-in list.
    bots: Vec<String> = Vec::new(),
});
params!(
    /// What followed each notable release.
    ReleaseEffect {
    /// Days before and after a release that are compared.
    window_days: u32 = 90,
    /// The notable-release table, relative to the spec file; the built-in one by default.
    releases: Option<Spanned<String>> = None,
});

/// One analysis and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    /// See [`AuthorsOverTime`].
    AuthorsOverTime(AuthorsOverTime),
    /// See [`ReposPerAuthor`].
    ReposPerAuthor(ReposPerAuthor),
    /// See [`AuthorsPerRepo`].
    AuthorsPerRepo(AuthorsPerRepo),
    /// See [`NewModelsByType`].
    NewModelsByType(NewModelsByType),
    /// See [`NewModelsByArchitecture`].
    NewModelsByArchitecture(NewModelsByArchitecture),
    /// See [`DerivativeCounts`].
    DerivativeCounts(DerivativeCounts),
    /// See [`ScoreByType`].
    ScoreByType(ScoreByType),
    /// See [`ParamsByArchitecture`].
    ParamsByArchitecture(ParamsByArchitecture),
    /// See [`DownloadsBySize`].
    DownloadsBySize(DownloadsBySize),
    /// See [`BestScoreBySize`].
    BestScoreBySize(BestScoreBySize),
    /// See [`ParamsPerPoint`].
    ParamsPerPoint(ParamsPerPoint),
    /// See [`ImprovementPerBase`].
    ImprovementPerBase(ImprovementPerBase),
    /// See [`ImprovementOverDays`].
    ImprovementOverDays(ImprovementOverDays),
    /// See [`Licenses`].
    Licenses(Licenses),
    /// See [`LicenseDrift`].
    LicenseDrift(LicenseDrift),
    /// See [`TopAuthors`].
    TopAuthors(TopAuthors),
    /// See [`ReleaseEffect`].
    ReleaseEffect(ReleaseEffect),
}

/// Every analysis name, in the order the paper set shows them.
pub const ANALYSES: [&str; 17] = [
    "authors-over-time",
    "repos-per-author",
    "authors-per-repo",
    "new-models-by-type",
    "new-models-by-architecture",
    "derivative-counts",
    "score-by-type",
    "params-by-architecture",
    "downloads-by-size",
    "best-score-by-size",
    "params-per-point",
    "improvement-per-base",
    "improvement-over-days",
    "licenses",
    "license-drift",
    "top-authors",
    "release-effect",
];

/// A parsed analysis spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The file it came from (for messages and relative paths).
    pub path: PathBuf,
    /// Its text (for turning spans into lines).
    pub text: String,
    /// The analysis it runs.
    pub analysis: &'static str,
    /// The figure's title, replacing the analysis's own.
    pub title: Option<String>,
    /// Its description, replacing the analysis's own.
    pub description: Option<String>,
    /// File stem of the outputs; the analysis name by default.
    pub output: String,
    /// The analysis's parameters.
    pub params: Params,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile<P> {
    #[allow(dead_code)]
    analysis: String,
    title: Option<String>,
    description: Option<String>,
    output: Option<Spanned<String>>,
    #[serde(default)]
    params: P,
}

/// A set of specs (`queries/paper.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFile {
    /// The set's title.
    pub title: Option<String>,
    /// What the set is for.
    pub description: Option<String>,
    /// The spec files of the set, relative to it.
    pub specs: Vec<Spanned<String>>,
}

/// What a spec file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// One analysis.
    One(Box<Spec>),
    /// A set of spec files.
    Set(SetFile),
}

fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> SpecError {
    SpecError::at(path, text, e.span(), e.message().trim().to_string())
}

/// A spec file's title, description, output stem and parameters.
type Typed<P> = (Option<String>, Option<String>, Option<String>, P);

fn typed<P: DeserializeOwned + Default>(path: &Path, text: &str) -> Result<Typed<P>, SpecError> {
    let f: SpecFile<P> = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
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
    Ok((f.title, f.description, output, f.params))
}

/// Parses the text of one spec file.
pub fn parse(path: &Path, text: &str) -> Result<Parsed, SpecError> {
    let head: Head = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
    match (head.analysis, head.specs) {
        (Some(a), None) => {
            let name = a.get_ref().as_str();
            let Some(&analysis) = ANALYSES.iter().find(|&&n| n == name) else {
                return Err(SpecError::at(
                    path,
                    text,
                    Some(a.span()),
                    format!(
                        "unknown analysis '{name}'; expected one of {}",
                        ANALYSES.join(", ")
                    ),
                ));
            };
            macro_rules! build {
                ($variant:ident) => {{
                    let (title, description, output, p) = typed(path, text)?;
                    (title, description, output, Params::$variant(p))
                }};
            }
            let (title, description, output, params) = match analysis {
                "authors-over-time" => build!(AuthorsOverTime),
                "repos-per-author" => build!(ReposPerAuthor),
                "authors-per-repo" => build!(AuthorsPerRepo),
                "new-models-by-type" => build!(NewModelsByType),
                "new-models-by-architecture" => build!(NewModelsByArchitecture),
                "derivative-counts" => build!(DerivativeCounts),
                "score-by-type" => build!(ScoreByType),
                "params-by-architecture" => build!(ParamsByArchitecture),
                "downloads-by-size" => build!(DownloadsBySize),
                "best-score-by-size" => build!(BestScoreBySize),
                "params-per-point" => build!(ParamsPerPoint),
                "improvement-per-base" => build!(ImprovementPerBase),
                "improvement-over-days" => build!(ImprovementOverDays),
                "licenses" => build!(Licenses),
                "license-drift" => build!(LicenseDrift),
                "top-authors" => build!(TopAuthors),
                _ => build!(ReleaseEffect),
            };
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
                ANALYSES.join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let Params::NewModelsByType(p) = spec.params else {
            panic!("wrong params")
        };
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
        assert!(e.starts_with("q.toml:3:1: unknown field `units`, expected one of `from`, `to`, `include_flagged`, `unit`"), "{e}");
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
