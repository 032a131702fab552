//! A request's query string turned into the same plain options the command line builds:
//! each `lineage query` flag is a parameter of the same name (`--top 5` is `top=5`, a switch
//! `--members` is `members=true`). Every mistake names the parameter and what it accepts.

use serde::Serialize;

use crate::algo::authors::BotFilter;
use crate::algo::improvements::Normalize;
use crate::model::{Board, EdgeKind};
use crate::queries::authors::AuthorsOptions;
use crate::queries::derivatives::DerivativesOptions;
use crate::queries::improvements::{ImprovementsOptions, Method};
use crate::queries::licenses::{LicenseDriftOptions, LicensesOptions};
use crate::queries::merge_depth::MergeDepthOptions;

/// A parameter that cannot be used: which one, what was wrong, and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamError {
    /// The message for people.
    pub error: String,
    /// The parameter's name.
    pub parameter: String,
    /// What it accepts (for an unknown parameter: the parameters there are).
    pub accepted: String,
}

impl ParamError {
    fn new(parameter: &str, error: String, accepted: impl Into<String>) -> ParamError {
        ParamError {
            error,
            parameter: parameter.to_string(),
            accepted: accepted.into(),
        }
    }
}

/// Longest value looked at; longer ones are refused before any parsing.
const MAX_VALUE: usize = 1024;

/// The `name=value` pairs of a query string, checked off as they are read.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Splits a raw query string (`a=1&b=x%20y`); names are taken with `_` read as `-`.
    pub fn parse(query: Option<&str>) -> Params {
        let pairs = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.replace('_', "-"), v.into_owned()))
            .collect();
        Params { pairs }
    }

    /// Every name given that is not in `accepted`, as an error listing them.
    pub fn check_names(&self, accepted: &[&str]) -> Result<(), ParamError> {
        for (k, _) in &self.pairs {
            if !accepted.contains(&k.as_str()) {
                return Err(ParamError::new(
                    k,
                    format!("unknown parameter '{}'", shorten(k)),
                    accepted.join(", "),
                ));
            }
        }
        Ok(())
    }

    /// The values given for `name`, in order.
    fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The one value of `name`, if given; twice is an error.
    pub fn one(&self, name: &str, accepted: &str) -> Result<Option<&str>, ParamError> {
        let values = self.all(name);
        let first = values.first().copied();
        if values.len() > 1 {
            return Err(ParamError::new(
                name,
                format!("parameter '{name}' is given more than once"),
                accepted,
            ));
        }
        match first {
            Some(v) if v.len() > MAX_VALUE => Err(ParamError::new(
                name,
                format!("parameter '{name}' is {} bytes long", v.len()),
                format!("{accepted}, at most {MAX_VALUE} bytes"),
            )),
            other => Ok(other),
        }
    }

    /// A text value.
    pub fn text(&self, name: &str) -> Result<Option<String>, ParamError> {
        Ok(self.one(name, "any text")?.map(str::to_string))
    }

    /// A count (`top=5`).
    pub fn count(&self, name: &str, default: usize) -> Result<usize, ParamError> {
        const OK: &str = "a whole number, 0 or more";
        match self.one(name, OK)? {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| {
                ParamError::new(
                    name,
                    format!("{name}={}: not a whole number", shorten(v)),
                    OK,
                )
            }),
        }
    }

    /// A finite number (`params=7`).
    pub fn number(&self, name: &str) -> Result<Option<f32>, ParamError> {
        const OK: &str = "a finite number, such as 7 or 0.5";
        match self.one(name, OK)? {
            None => Ok(None),
            Some(v) => match v.trim().parse::<f32>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(ParamError::new(
                    name,
                    format!("{name}={}: not a finite number", shorten(v)),
                    OK,
                )),
            },
        }
    }

    /// A switch: `true` or `false` (an empty value is `true`).
    pub fn switch(&self, name: &str) -> Result<bool, ParamError> {
        const OK: &str = "true, false";
        match self.one(name, OK)? {
            None => Ok(false),
            Some("" | "true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(v) => Err(ParamError::new(
                name,
                format!("{name}={}: not a switch value", shorten(v)),
                OK,
            )),
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> Result<T, ParamError> {
        let accepted: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        let accepted = accepted.join(", ");
        match self.one(name, &accepted)? {
            None => Ok(default),
            Some(v) => choices
                .iter()
                .find(|(w, _)| w.eq_ignore_ascii_case(v.trim()))
                .map(|&(_, t)| t)
                .ok_or_else(|| {
                    ParamError::new(
                        name,
                        format!("{name}={}: unknown value", shorten(v)),
                        accepted,
                    )
                }),
        }
    }

    /// Edge kinds: the parameter repeated, or a comma-separated list, or both.
    pub fn kinds(&self, name: &str) -> Result<Vec<EdgeKind>, ParamError> {
        let accepted: Vec<&str> = EdgeKind::ALL.iter().map(|k| k.as_str()).collect();
        let mut out = Vec::new();
        for value in self.all(name) {
            for part in value.split(',') {
                let kind = part.trim().parse::<EdgeKind>().map_err(|_| {
                    ParamError::new(
                        name,
                        format!("{name}={}: unknown edge kind", shorten(part)),
                        accepted.join(", "),
                    )
                })?;
                out.push(kind);
            }
        }
        Ok(out)
    }
}

/// A value cut to a readable length for a message.
fn shorten(s: &str) -> String {
    const SHOWN: usize = 60;
    if s.chars().count() <= SHOWN {
        s.to_string()
    } else {
        let cut: String = s.chars().take(SHOWN).collect();
        format!("{cut}...")
    }
}

/// The options of one `lineage query`, built from parameters.
#[derive(Debug, Clone)]
pub enum QueryRequest {
    /// `derivatives`.
    Derivatives(DerivativesOptions),
    /// `improvements`.
    Improvements(ImprovementsOptions),
    /// `merge-depth`.
    MergeDepth(MergeDepthOptions),
    /// `authors`.
    Authors(AuthorsOptions),
    /// `licenses`, with the built-in permissions table.
    Licenses(LicensesOptions),
    /// `license-drift`, with the built-in permissions and rules.
    LicenseDrift(LicenseDriftOptions),
}

/// The queries served, with their parameters.
///
/// `licenses` and `license-drift` use the built-in permissions and rules: the server reads no
/// file a request names (`--licenses FILE` and `--rules FILE` are the command line's).
pub const QUERIES: [(&str, &[&str]); 6] = [
    ("derivatives", &["top", "kind", "model", "include-flagged"]),
    (
        "improvements",
        &[
            "base",
            "all",
            "min-family",
            "include-merges",
            "normalize",
            "match",
            "pattern",
            "params",
            "params-range",
            "members",
            "board",
            "include-flagged",
        ],
    ),
    (
        "merge-depth",
        &["top", "chains", "model", "include-flagged"],
    ),
    ("authors", &["top", "components", "include-flagged"]),
    ("licenses", &["include-flagged"]),
    ("license-drift", &["edges", "include-flagged"]),
];

/// The names of the queries served, for messages.
pub fn query_names() -> String {
    QUERIES.map(|(n, _)| n).join(", ")
}

impl QueryRequest {
    /// The options of query `name` from `params`; `None` for an unknown query.
    pub fn parse(name: &str, p: &Params) -> Option<Result<QueryRequest, ParamError>> {
        let (_, accepted) = QUERIES.iter().find(|(n, _)| *n == name)?;
        if let Err(e) = p.check_names(accepted) {
            return Some(Err(e));
        }
        Some(Self::build(name, p))
    }

    fn build(name: &str, p: &Params) -> Result<QueryRequest, ParamError> {
        let include_flagged = p.switch("include-flagged")?;
        Ok(match name {
            "derivatives" => {
                let d = DerivativesOptions::default();
                QueryRequest::Derivatives(DerivativesOptions {
                    top: p.count("top", d.top)?,
                    kinds: p.kinds("kind")?,
                    model: p.text("model")?,
                    include_flagged,
                })
            }
            "improvements" => {
                let d = ImprovementsOptions::default();
                let base = p.text("base")?;
                let all = p.switch("all")?;
                if base.is_some() && all {
                    return Err(ParamError::new(
                        "all",
                        "base and all=true cannot be given together".into(),
                        "base=NAME or all=true",
                    ));
                }
                let normalize = Normalize::ALL.map(|n| (n.as_str(), n));
                let method = Method::ALL.map(|m| (m.as_str(), m));
                let pattern = p.text("pattern")?;
                // `none` drops the size filter, as `--params none` does.
                let params = match p.one("params", "a number of billions, or none")? {
                    Some(v) if v.trim().eq_ignore_ascii_case("none") => Some(None),
                    _ => p.number("params")?.map(Some),
                };
                if base.is_none() {
                    for (given, name) in
                        [(pattern.is_some(), "pattern"), (params.is_some(), "params")]
                    {
                        if given {
                            return Err(ParamError::new(
                                name,
                                format!("{name} needs base"),
                                "base=NAME with it",
                            ));
                        }
                    }
                }
                QueryRequest::Improvements(ImprovementsOptions {
                    base,
                    all,
                    min_family: p.count("min-family", d.min_family)?,
                    include_merges: p.switch("include-merges")?,
                    include_flagged,
                    normalize: p.choice("normalize", &normalize, d.normalize)?,
                    method: p.choice("match", &method, d.method)?,
                    pattern,
                    params,
                    params_range: p.number("params-range")?.unwrap_or(d.params_range),
                    members: p.switch("members")?,
                    board: match p.one("board", "v1, v2")? {
                        None => None,
                        Some(_) => {
                            let boards = Board::ALL.map(|b| (b.as_str(), Some(b)));
                            p.choice("board", &boards, None)?
                        }
                    },
                })
            }
            "merge-depth" => {
                let d = MergeDepthOptions::default();
                // `chains` shapes the table only; accepted so every flag has its parameter.
                p.count("chains", 3)?;
                QueryRequest::MergeDepth(MergeDepthOptions {
                    top: p.count("top", d.top)?,
                    model: p.text("model")?,
                    include_flagged,
                })
            }
            "licenses" => QueryRequest::Licenses(LicensesOptions { include_flagged }),
            "license-drift" => QueryRequest::LicenseDrift(LicenseDriftOptions {
                edges: p.switch("edges")?,
                include_flagged,
            }),
            _ => {
                let d = AuthorsOptions::default();
                QueryRequest::Authors(AuthorsOptions {
                    top: p.count("top", d.top)?,
                    components: p.count("components", d.components)?,
                    include_flagged,
                    bots: BotFilter::builtin(),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, q: &str) -> Result<QueryRequest, ParamError> {
        QueryRequest::parse(name, &Params::parse(Some(q))).unwrap()
    }

    #[test]
    fn flags_become_options() {
        let QueryRequest::Derivatives(d) =
            parse("derivatives", "top=5&kind=merge,adapter&kind=finetune").unwrap()
        else {
            panic!()
        };
        assert_eq!(d.top, 5);
        assert_eq!(
            d.kinds,
            [EdgeKind::Merge, EdgeKind::Adapter, EdgeKind::Finetune]
        );
        let QueryRequest::Improvements(i) = parse(
            "improvements",
            "base=x&normalize=count&match=name&members=true&include_flagged=true",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            (i.normalize, i.method, i.members, i.include_flagged),
            (Normalize::Count, Method::Name, true, true)
        );
    }

    #[test]
    fn mistakes_name_the_parameter_and_what_it_takes() {
        let e = parse("derivatives", "top=-1").unwrap_err();
        assert_eq!(
            (e.parameter.as_str(), e.accepted.as_str()),
            ("top", "a whole number, 0 or more")
        );
        let e = parse("improvements", "base=x&normalize=sqrt").unwrap_err();
        assert_eq!(e.accepted, "log, count, none");
        let e = parse("authors", "bots=/etc/passwd").unwrap_err();
        assert_eq!(e.parameter, "bots");
        assert!(e.accepted.contains("components"));
        let e = parse("merge-depth", "top=1&top=2").unwrap_err();
        assert!(e.error.contains("more than once"));
        let e = parse("improvements", "params=nan&base=x").unwrap_err();
        assert_eq!(e.parameter, "params");
        assert!(QueryRequest::parse("nope", &Params::default()).is_none());
    }
}
