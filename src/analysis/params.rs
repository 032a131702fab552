//! The parameters of the analyses: the value types a parameter can have, how each is read
//! from a spec file (TOML) or from text (a URL query string), and the description of every
//! parameter (name, type, default, accepted values) that `lineage run`, `lineage report`
//! and the server show. Each analysis declares its parameter struct with `params!`, which
//! writes the struct, its defaults and its description from one list, so they cannot drift.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::analysis::groups::{AuthorBasis, ThresholdScope};
use crate::analysis::Unit;
use crate::model::Day;

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
    /// Raw improvement.
    None,
}

/// One parameter of an analysis, as a user or a client sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamDoc {
    /// Its name in a spec's `[params]` table and in a query string.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its type in words (`integer`, `date`, `list of strings`, ...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its default, as it would be written in a query string (empty: none).
    pub default: String,
    /// The values it takes, when they are a fixed set.
    pub accepted: Option<Vec<&'static str>>,
}

/// A parameter given as text that cannot be used: which one, why, and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("parameter '{param}': {message}{}", accepted_text(.accepted))]
pub struct ParamError {
    /// The parameter's name as given.
    pub param: String,
    /// What is wrong.
    pub message: String,
    /// What it accepts: the fixed values, the type, or the parameter names.
    pub accepted: Vec<String>,
}

fn accepted_text(a: &[String]) -> String {
    if a.is_empty() {
        String::new()
    } else {
        format!("; accepted: {}", a.join(", "))
    }
}

/// Reads one parameter's text into the TOML value a spec would hold.
pub type TextReader = fn(&str) -> Result<toml::Value, String>;

/// A value type a parameter can have: its name in words, its accepted values, how it is
/// shown as a default and how it is read from text.
pub trait ParamType {
    /// The type in words.
    const KIND: &'static str;
    /// The fixed values it takes, if it takes a fixed set.
    fn accepted() -> Option<Vec<&'static str>> {
        None
    }
    /// The value as text (a default in a listing).
    fn show(&self) -> String;
    /// A text value (one query-string value) as the TOML value the spec would hold.
    fn from_text(text: &str) -> Result<toml::Value, String>;
}

fn int_from_text(text: &str) -> Result<toml::Value, String> {
    text.trim()
        .parse::<i64>()
        .map(toml::Value::Integer)
        .map_err(|_| format!("'{text}' is not a whole number"))
}

fn float_from_text(text: &str) -> Result<toml::Value, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(toml::Value::Float)
        .ok_or_else(|| format!("'{text}' is not a number"))
}

fn list_from_text(
    text: &str,
    item: fn(&str) -> Result<toml::Value, String>,
) -> Result<toml::Value, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(item)
        .collect::<Result<Vec<_>, _>>()
        .map(toml::Value::Array)
}

fn string_from_text(text: &str) -> Result<toml::Value, String> {
    Ok(toml::Value::String(text.to_string()))
}

impl ParamType for usize {
    const KIND: &'static str = "integer";
    fn show(&self) -> String {
        self.to_string()
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        int_from_text(text)
    }
}

impl ParamType for u32 {
    const KIND: &'static str = "integer";
    fn show(&self) -> String {
        self.to_string()
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        int_from_text(text)
    }
}

impl ParamType for bool {
    const KIND: &'static str = "boolean";
    fn accepted() -> Option<Vec<&'static str>> {
        Some(vec!["true", "false"])
    }
    fn show(&self) -> String {
        self.to_string()
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        match text.trim() {
            "true" => Ok(toml::Value::Boolean(true)),
            "false" => Ok(toml::Value::Boolean(false)),
            _ => Err(format!("'{text}' is not a boolean")),
        }
    }
}

impl ParamType for Share {
    const KIND: &'static str = "number from 0 to 1";
    fn show(&self) -> String {
        self.0.to_string()
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        float_from_text(text)
    }
}

impl ParamType for Option<Date> {
    const KIND: &'static str = "date (YYYY-MM-DD)";
    fn show(&self) -> String {
        self.map_or(String::new(), |d| d.0.to_string())
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        string_from_text(text)
    }
}

impl ParamType for Option<Spanned<String>> {
    const KIND: &'static str = "path of a CSV table";
    fn show(&self) -> String {
        self.as_ref().map_or(String::new(), |s| s.get_ref().clone())
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        string_from_text(text)
    }
}

impl ParamType for Vec<String> {
    const KIND: &'static str = "list of strings";
    fn show(&self) -> String {
        self.join(",")
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        list_from_text(text, string_from_text)
    }
}

impl ParamType for Vec<Spanned<String>> {
    const KIND: &'static str = "list of model ids";
    fn show(&self) -> String {
        self.iter()
            .map(|s| s.get_ref().as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        list_from_text(text, string_from_text)
    }
}

impl ParamType for Vec<usize> {
    const KIND: &'static str = "list of integers";
    fn show(&self) -> String {
        self.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        list_from_text(text, int_from_text)
    }
}

impl ParamType for Vec<f64> {
    const KIND: &'static str = "list of numbers";
    fn show(&self) -> String {
        self.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
    fn from_text(text: &str) -> Result<toml::Value, String> {
        list_from_text(text, float_from_text)
    }
}

/// A parameter type that is one of fixed names.
macro_rules! choice {
    ($ty:ty, $show:expr, [$($name:literal),*]) => {
        impl ParamType for $ty {
            const KIND: &'static str = "one of a fixed set";
            fn accepted() -> Option<Vec<&'static str>> {
                Some(vec![$($name),*])
            }
            fn show(&self) -> String {
                let f: fn(&$ty) -> String = $show;
                f(self)
            }
            fn from_text(text: &str) -> Result<toml::Value, String> {
                string_from_text(text.trim())
            }
        }
    };
}

choice!(Unit, |u| u.as_str().to_string(), ["day", "week", "month"]);
choice!(
    crate::analysis::derivative_counts::BaseSet,
    |b| match b {
        crate::analysis::derivative_counts::BaseSet::Top => "top",
        crate::analysis::derivative_counts::BaseSet::Papers => "papers",
    }
    .to_string(),
    ["top", "papers"]
);
choice!(
    Option<crate::model::Board>,
    |b| b.map_or(String::new(), |b| b.as_str().to_string()),
    ["v1", "v2"]
);
choice!(
    AuthorBasis,
    |b| match b {
        AuthorBasis::Owners => "owners",
        AuthorBasis::Contributors => "contributors",
        AuthorBasis::Both => "both",
    }
    .to_string(),
    ["owners", "contributors", "both"]
);
choice!(
    ThresholdScope,
    |s| match s {
        ThresholdScope::Overall => "overall",
        ThresholdScope::Period => "period",
        ThresholdScope::Count => "count",
    }
    .to_string(),
    ["overall", "period", "count"]
);
choice!(
    NormalizeParam,
    |n| match n {
        NormalizeParam::Log => "log",
        NormalizeParam::Count => "count",
        NormalizeParam::None => "none",
    }
    .to_string(),
    ["log", "count", "none"]
);

choice!(
    crate::analysis::bases::BaseSelection,
    |b| match b {
        crate::analysis::bases::BaseSelection::Top => "top",
        crate::analysis::bases::BaseSelection::Papers => "papers",
    }
    .to_string(),
    ["top", "papers"]
);
choice!(
    crate::analysis::bases::Methods,
    |m| match m {
        crate::analysis::bases::Methods::Lineage => "lineage",
        crate::analysis::bases::Methods::Name => "name",
        crate::analysis::bases::Methods::Both => "both",
    }
    .to_string(),
    ["lineage", "name", "both"]
);
choice!(
    crate::analysis::bases::ImprovementUnit,
    |u| match u {
        crate::analysis::bases::ImprovementUnit::Points => "points",
        crate::analysis::bases::ImprovementUnit::Percent => "percent",
    }
    .to_string(),
    ["points", "percent"]
);

/// The description of one parameter of type `T` with value `default`.
pub fn doc<T: ParamType>(name: &'static str, description: &'static str, default: &T) -> ParamDoc {
    ParamDoc {
        name,
        description,
        kind: T::KIND,
        default: default.show(),
        accepted: T::accepted(),
    }
}

/// A parameter struct: read from a spec's `[params]` table with defaults for what is left
/// out, described for listings, and readable from text.
pub trait Params: DeserializeOwned + Default + fmt::Debug + Clone + Send + Sync + 'static {
    /// Every parameter, in declaration order.
    fn describe() -> Vec<ParamDoc>;
    /// How to read parameter `name` from text, if there is such a parameter.
    fn text_reader(name: &str) -> Option<TextReader>;

    /// Reads the parameters from a flat name -> text map (a URL query string), checking
    /// each on its own so that an error names the parameter and what it accepts.
    fn from_text_map(map: &BTreeMap<String, String>) -> Result<Self, ParamError> {
        let docs = Self::describe();
        let mut table = toml::Table::new();
        for (name, text) in map {
            let Some(d) = docs.iter().find(|d| d.name == name.as_str()) else {
                return Err(ParamError {
                    param: name.clone(),
                    message: "no such parameter".into(),
                    accepted: docs.iter().map(|d| d.name.to_string()).collect(),
                });
            };
            let accepted = || {
                d.accepted.as_ref().map_or_else(
                    || vec![d.kind.to_string()],
                    |a| a.iter().map(|s| s.to_string()).collect(),
                )
            };
            let read = Self::text_reader(name).unwrap_or(string_from_text);
            let value = read(text).map_err(|message| ParamError {
                param: name.clone(),
                message,
                accepted: accepted(),
            })?;
            let mut one = toml::Table::new();
            one.insert(name.clone(), value.clone());
            toml::from_str::<Self>(&one.to_string()).map_err(|e| ParamError {
                param: name.clone(),
                message: e.message().trim().to_string(),
                accepted: accepted(),
            })?;
            table.insert(name.clone(), value);
        }
        toml::from_str::<Self>(&table.to_string()).map_err(|e| ParamError {
            param: String::new(),
            message: e.message().trim().to_string(),
            accepted: Vec::new(),
        })
    }
}

/// Declares an analysis's parameter struct: the parameters every analysis takes (`from`,
/// `to`, `include_flagged`) and its own, each with a doc line and a default. Writes the
/// struct (serde, unknown names refused), its [`Default`] and its [`Params`] description.
#[macro_export]
macro_rules! params {
    ($(#[doc = $sdoc:literal])* $name:ident { $(#[doc = $doc:literal] $field:ident : $ty:ty = $default:expr),* $(,)? }) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            /// First creation day counted.
            pub from: Option<$crate::analysis::params::Date>,
            /// Last creation day counted.
            pub to: Option<$crate::analysis::params::Date>,
            /// Count flagged models too.
            pub include_flagged: bool,
            /// The leaderboard whose scores count (`None`: the one with more scored models).
            pub board: Option<$crate::model::Board>,
            $(#[doc = $doc] pub $field: $ty,)*
        }
        impl Default for $name {
            fn default() -> Self {
                $name { from: None, to: None, include_flagged: false, board: None, $($field: $default,)* }
            }
        }
        impl $name {
            /// The models these parameters select.
            #[allow(dead_code)]
            pub fn scope(&self) -> $crate::analysis::Scope {
                $crate::analysis::Scope {
                    include_flagged: self.include_flagged,
                    from: self.from.map(|d| d.0),
                    to: self.to.map(|d| d.0),
                    board: self.board,
                }
            }
        }
        impl $crate::analysis::params::Params for $name {
            fn describe() -> Vec<$crate::analysis::params::ParamDoc> {
                use $crate::analysis::params::doc;
                let d = Self::default();
                vec![
                    doc("from", "first creation day counted", &d.from),
                    doc("to", "last creation day counted (a trend over more than 10,000 periods from `from` to `to` runs over the data's own days between them)", &d.to),
                    doc("include_flagged", "count models the leaderboard flagged", &d.include_flagged),
                    doc("board", "the leaderboard whose scores count, v1 or v2 (default: the one with more scored models)", &d.board),
                    $(doc(stringify!($field), $doc.trim(), &d.$field),)*
                ]
            }
            fn text_reader(name: &str) -> Option<$crate::analysis::params::TextReader> {
                use $crate::analysis::params::ParamType;
                match name {
                    "from" => Some(<Option<$crate::analysis::params::Date> as ParamType>::from_text),
                    "to" => Some(<Option<$crate::analysis::params::Date> as ParamType>::from_text),
                    "include_flagged" => Some(<bool as ParamType>::from_text),
                    "board" => Some(<Option<$crate::model::Board> as ParamType>::from_text),
                    $(stringify!($field) => Some(<$ty as ParamType>::from_text),)*
                    _ => None,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::params!(
        /// Test parameters.
        Example {
            /// aggregation unit
            unit: Unit = Unit::Month,
            /// how many
            top: usize = 20,
            /// size edges
            size_edges: Vec<f64> = vec![1.5, 4.0],
        }
    );

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn text_maps_read_like_specs() {
        let p = Example::from_text_map(&map(&[
            ("unit", "week"),
            ("top", "5"),
            ("from", "2024-01-01"),
            ("include_flagged", "true"),
            ("size_edges", "1,2.5"),
        ]))
        .unwrap();
        assert_eq!(p.unit, Unit::Week);
        assert_eq!(p.top, 5);
        assert!(p.include_flagged);
        assert_eq!(p.from.unwrap().0.to_string(), "2024-01-01");
        assert_eq!(p.size_edges, vec![1.0, 2.5]);
        assert_eq!(
            Example::from_text_map(&map(&[])).unwrap(),
            Example::default()
        );
    }

    #[test]
    fn text_map_errors_name_the_parameter_and_accepted_values() {
        let e = Example::from_text_map(&map(&[("unit", "year")])).unwrap_err();
        assert_eq!(e.param, "unit");
        assert_eq!(e.accepted, ["day", "week", "month"]);
        assert!(
            e.to_string()
                .starts_with("parameter 'unit': unknown variant `year`"),
            "{e}"
        );
        let e = Example::from_text_map(&map(&[("top", "ten")])).unwrap_err();
        assert_eq!(
            (e.param.as_str(), e.accepted.as_slice()),
            ("top", &["integer".to_string()][..])
        );
        let e = Example::from_text_map(&map(&[("top", "-1")])).unwrap_err();
        assert_eq!(e.param, "top");
        let e = Example::from_text_map(&map(&[("from", "last year")])).unwrap_err();
        assert!(e.message.contains("YYYY-MM-DD"), "{e}");
        let e = Example::from_text_map(&map(&[("colour", "red")])).unwrap_err();
        assert_eq!(e.param, "colour");
        assert!(e.accepted.contains(&"unit".to_string()), "{e}");
        let e = Example::from_text_map(&map(&[("include_flagged", "yes")])).unwrap_err();
        assert_eq!(e.accepted, ["true", "false"]);
    }

    #[test]
    fn descriptions_list_every_field_with_defaults() {
        let d = Example::describe();
        let names: Vec<&str> = d.iter().map(|d| d.name).collect();
        assert_eq!(
            names,
            [
                "from",
                "to",
                "include_flagged",
                "board",
                "unit",
                "top",
                "size_edges"
            ]
        );
        assert_eq!(d[3].accepted, Some(vec!["v1", "v2"]));
        assert_eq!(d[4].default, "month");
        assert_eq!(d[5].default, "20");
        assert_eq!(d[6].default, "1.5,4");
        assert_eq!(d[0].default, "");
    }
}
