//! `query improvements`: how far a base model's family improved on it, and when.

use serde::ser::{Serialize, Serializer};

use super::{resolve, round4, QueryError};
use crate::algo::improvements::{
    all_improvements, improvements as family_improvement, improvements_by_name, normalize_name,
    Improvement, ImprovementOptions, Member, NamePattern, Normalize,
};
use crate::graph::LineageGraph;
use crate::model::Board;

/// How a family is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// The base's descendants in the lineage graph.
    #[default]
    Lineage,
    /// The papers' method: names containing a pattern, with a parameter count.
    Name,
}

impl Method {
    /// Every method, in the order they are offered.
    pub const ALL: [Method; 2] = [Method::Lineage, Method::Name];

    /// Its name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Lineage => "lineage",
            Method::Name => "name",
        }
    }
}

/// Which families and how they are measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ImprovementsOptions {
    /// The base model (id in any case, alias, or unique prefix); `None` with `all`.
    pub base: Option<String>,
    /// Every base with at least `min_family` scored members.
    pub all: bool,
    /// With `all`: the fewest scored members a base needs.
    pub min_family: usize,
    /// Keep merges and their descendants in the family.
    pub include_merges: bool,
    /// Count and score flagged models too.
    pub include_flagged: bool,
    /// How normalised improvement is computed.
    pub normalize: Normalize,
    /// How the family is found.
    pub method: Method,
    /// With [`Method::Name`]: the name pattern (default: the base's name up to its size).
    pub pattern: Option<String>,
    /// With [`Method::Name`]: parameters in billions; `Some(None)`: no size filter (the
    /// papers' Phi bases); `None`: the base's.
    pub params: Option<Option<f32>>,
    /// With [`Method::Name`]: accept up to `params` + this many billions.
    pub params_range: f32,
    /// List every scored member, not only the frontier.
    pub members: bool,
    /// The leaderboard whose averages are compared; `None`: the one with more scored models.
    pub board: Option<Board>,
}

impl Default for ImprovementsOptions {
    fn default() -> Self {
        ImprovementsOptions {
            base: None,
            all: false,
            min_family: 10,
            include_merges: false,
            include_flagged: false,
            normalize: Normalize::Log,
            method: Method::Lineage,
            pattern: None,
            params: None,
            params_range: 0.0,
            members: false,
            board: None,
        }
    }
}

/// One family's improvement, as JSON shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FamilyReport<'a> {
    /// The base's id.
    pub base: &'a str,
    /// The leaderboard whose averages were compared (`v1` or `v2`).
    pub board: &'static str,
    /// The base's creation date.
    pub base_created: Option<String>,
    /// The model improvements are measured from.
    pub reference_model: Option<&'a str>,
    /// Its average.
    pub reference_average: Option<f32>,
    /// False when a member stands in for an unscored base.
    pub reference_is_base: bool,
    /// The day days are counted from.
    pub release_date: Option<String>,
    /// True when that is the earliest member's date.
    pub days_from_earliest_member: bool,
    /// Members of the family.
    pub family_size: u32,
    /// Members with a score.
    pub scored_members: u32,
    /// Scored members without a date.
    pub undated_members: u32,
    /// The best-scoring member.
    pub best_model: Option<&'a str>,
    /// The best member's gain over the reference, in percent.
    pub total_improvement_pct: Option<f64>,
    /// How improvements are normalised.
    pub normalize: &'static str,
    /// What they were divided by.
    pub normalize_divisor: Option<f64>,
    /// What `normalized` divides: `percent` (of the reference, the lineage method's
    /// measure) or `points` (the papers' name method).
    pub normalized_unit: &'static str,
    /// How the family was found.
    pub method: &'static str,
    /// With the name method: the pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// With the name method: the parameter count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<f32>,
    /// The record-setters in creation order.
    pub frontier: Vec<Step<'a>>,
    /// With `members`: every scored member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Step<'a>>>,
}

/// A frontier step or a member, as JSON and CSV show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Step<'a> {
    /// Its id.
    pub model: &'a str,
    /// Its creation date.
    pub created: Option<String>,
    /// Days from the release date.
    pub days_since_release: Option<i32>,
    /// Its leaderboard average.
    pub average: f32,
    /// Gain over the reference, in points.
    pub improvement_points: Option<f64>,
    /// Gain over the reference, in percent.
    pub improvement_pct: Option<f64>,
    /// The gain normalised.
    pub normalized: Option<f64>,
    /// With `members`: whether it set a record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_frontier: Option<bool>,
}

/// A member as a [`Step`]; `with_flag` adds whether it is on the frontier.
pub fn step<'a>(g: &'a LineageGraph, m: &Member, with_flag: bool) -> Step<'a> {
    Step {
        model: g.name(m.model),
        created: m.created.map(|d| d.to_string()),
        days_since_release: m.days_since_release,
        average: m.average,
        improvement_points: m.improvement_points.map(round4),
        improvement_pct: m.improvement_pct.map(round4),
        normalized: m.normalized.map(round4),
        on_frontier: with_flag.then_some(m.on_frontier),
    }
}

/// One family's report.
fn report<'a>(
    g: &'a LineageGraph,
    imp: &Improvement,
    pattern: Option<&NamePattern>,
    members: bool,
) -> FamilyReport<'a> {
    FamilyReport {
        base: g.name(imp.base),
        board: imp.board.as_str(),
        base_created: g.models[imp.base as usize].created.map(|d| d.to_string()),
        reference_model: imp.reference_model.map(|v| g.name(v)),
        reference_average: imp.reference_average,
        reference_is_base: imp.reference_is_base,
        release_date: imp.release.map(|d| d.to_string()),
        days_from_earliest_member: imp.days_from_earliest_member,
        family_size: imp.family_size,
        scored_members: imp.scored_members,
        undated_members: imp.undated_members,
        best_model: imp.best_model.map(|v| g.name(v)),
        total_improvement_pct: imp.total_improvement_pct.map(round4),
        normalize: imp.normalize.as_str(),
        normalize_divisor: imp.divisor.map(round4),
        normalized_unit: if pattern.is_some() {
            "points"
        } else {
            "percent"
        },
        method: if pattern.is_some() { "name" } else { "lineage" },
        pattern: pattern.map(|p| p.pattern.clone()),
        params: pattern.and_then(|p| p.params),
        frontier: imp
            .members
            .iter()
            .filter(|m| m.on_frontier)
            .map(|m| step(g, m, false))
            .collect(),
        members: members.then(|| imp.members.iter().map(|m| step(g, m, true)).collect()),
    }
}

/// The answer: one family, or every family with `all`. Serialises as the report, or the
/// list of reports.
#[derive(Debug, Clone)]
pub enum ImprovementsAnswer<'a> {
    /// One base's family.
    One {
        /// What JSON shows.
        report: Box<FamilyReport<'a>>,
        /// The computed improvement, for tables.
        improvement: Box<Improvement>,
        /// With the name method: the pattern used.
        pattern: Option<NamePattern>,
    },
    /// Every base with enough scored members.
    All {
        /// What JSON shows.
        reports: Vec<FamilyReport<'a>>,
        /// The computed improvements, for tables.
        improvements: Vec<Improvement>,
    },
}

impl Serialize for ImprovementsAnswer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ImprovementsAnswer::One { report, .. } => report.serialize(s),
            ImprovementsAnswer::All { reports, .. } => reports.serialize(s),
        }
    }
}

/// Measures one family (or every family with `options.all`). O(family · log family) for
/// one base; one parallel pass over the graph for all.
pub fn improvements<'a>(
    g: &'a LineageGraph,
    options: &ImprovementsOptions,
) -> Result<ImprovementsAnswer<'a>, QueryError> {
    let algo = ImprovementOptions {
        include_merges: options.include_merges,
        include_flagged: options.include_flagged,
        normalize: options.normalize,
        board: options.board,
    };
    if options.method == Method::Lineage && (options.pattern.is_some() || options.params.is_some())
    {
        return Err(QueryError::Conflict {
            param: "match",
            message:
                "--pattern and --params belong to --match name; the lineage method needs neither"
                    .into(),
        });
    }
    if options.all {
        if options.method == Method::Name {
            return Err(QueryError::Conflict {
                param: "match",
                message: "--all works with --match lineage only: the name method needs a pattern per base (use --base)".into(),
            });
        }
        let all = all_improvements(g, options.min_family, &algo);
        return Ok(ImprovementsAnswer::All {
            reports: all
                .iter()
                .map(|imp| report(g, imp, None, options.members))
                .collect(),
            improvements: all,
        });
    }
    let Some(name) = options.base.as_deref() else {
        return Err(QueryError::Conflict {
            param: "base",
            message: "give --base NAME or --all".into(),
        });
    };
    let base = resolve(g, name, "base")?;
    let (imp, pattern) = match options.method {
        Method::Lineage => (family_improvement(g, base, &algo), None),
        Method::Name => {
            let mut p = NamePattern::for_base(g, base);
            if let Some(text) = &options.pattern {
                p.pattern = normalize_name(text);
            }
            if let Some(size) = options.params {
                p.params = size;
            }
            p.params_range = options.params_range;
            (improvements_by_name(g, base, &p, &algo), Some(p))
        }
    };
    Ok(ImprovementsAnswer::One {
        report: Box::new(report(g, &imp, pattern.as_ref(), options.members)),
        improvement: Box::new(imp),
        pattern,
    })
}
