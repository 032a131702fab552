//! The bases of the improvement figures (paper figures 11 and 12) and their families by
//! both methods: the papers' name method (methodology section 5) and lineage's graph
//! method, so that both improvement analyses choose, name and measure bases one way.

use std::fmt;

use crate::algo::improvements::{
    improvements, improvements_by_name, normalize_name, Improvement, ImprovementOptions,
    NamePattern,
};
use crate::graph::LineageGraph;

/// One base of the papers' improvement figures: its repo id (for the lineage method) and
/// the name pattern and size the papers' code matched (for the name method).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaperBase {
    /// The name the papers give it.
    pub label: &'static str,
    /// Its repo id on the Hub.
    pub repo: &'static str,
    /// The pattern a member's normalised name contains.
    pub pattern: &'static str,
    /// The parameter count a member has, in billions; `None`: no size filter (the Phi
    /// bases).
    pub params: Option<f32>,
}

const fn base(
    label: &'static str,
    repo: &'static str,
    pattern: &'static str,
    params: Option<f32>,
) -> PaperBase {
    PaperBase {
        label,
        repo,
        pattern,
        params,
    }
}

/// The papers' eleven bases (methodology section 5, step 5), in the papers' order.
pub const PAPER_BASES: [PaperBase; 11] = [
    base(
        "Llama 3 8B",
        "meta-llama/Meta-Llama-3-8B",
        "llama3",
        Some(8.0),
    ),
    base(
        "Mistral 7B",
        "mistralai/Mistral-7B-v0.1",
        "mistral7b",
        Some(7.0),
    ),
    base(
        "Mixtral 8x7B",
        "mistralai/Mixtral-8x7B-v0.1",
        "mixtral8x7b",
        Some(46.0),
    ),
    base(
        "Llama 2 7B",
        "meta-llama/Llama-2-7b-hf",
        "llama27b",
        Some(7.0),
    ),
    base(
        "Phi-3 mini",
        "microsoft/Phi-3-mini-4k-instruct",
        "phi3mini",
        None,
    ),
    base("Phi-2", "microsoft/phi-2", "phi2", None),
    base(
        "Llama 3 70B",
        "meta-llama/Meta-Llama-3-70B",
        "llama3",
        Some(70.0),
    ),
    base("Llama 30B", "huggyllama/llama-30b", "llama", Some(30.0)),
    base("Llama 7B", "huggyllama/llama-7b", "llama7b", Some(7.0)),
    base(
        "Llama 2 70B",
        "meta-llama/Llama-2-70b-hf",
        "llama2",
        Some(70.0),
    ),
    base(
        "Phi-3 medium",
        "microsoft/Phi-3-medium-4k-instruct",
        "phi3medium",
        None,
    ),
];

/// The repo ids of [`PAPER_BASES`], in the same order.
pub const PAPER_BASE_REPOS: [&str; 11] = {
    let mut out = [""; 11];
    let mut i = 0;
    while i < 11 {
        out[i] = PAPER_BASES[i].repo;
        i += 1;
    }
    out
};

/// Which bases an improvement analysis shows when its spec lists none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BaseSelection {
    /// The bases with most scored derivatives in the lineage graph.
    #[default]
    Top,
    /// The papers' eleven bases ([`PAPER_BASES`]).
    Papers,
}

/// How families are found: the papers' name method, lineage's graph method, or both side
/// by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Methods {
    /// The base's descendants in the lineage graph.
    #[default]
    Lineage,
    /// The papers' method: names containing a pattern, with a parameter count.
    Name,
    /// Both, the name method first.
    Both,
}

impl Methods {
    /// The methods to run, in the order they are shown.
    pub fn list(self) -> &'static [Method] {
        match self {
            Methods::Lineage => &[Method::Lineage],
            Methods::Name => &[Method::Name],
            Methods::Both => &[Method::Name, Method::Lineage],
        }
    }
}

/// One way of finding a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The papers' name method.
    Name,
    /// The base's descendants.
    Lineage,
}

impl Method {
    /// Its name in tables (`name`, `lineage`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Name => "name",
            Method::Lineage => "lineage",
        }
    }

    /// What it takes as the family, in a few words (legends).
    pub fn describe(self) -> &'static str {
        match self {
            Method::Name => "name method (the papers)",
            Method::Lineage => "lineage method (descendants)",
        }
    }

    /// The day its days count from, in words (axis titles).
    pub fn day_zero(self) -> &'static str {
        match self {
            Method::Name => "days since the earliest member's creation (the reference)",
            Method::Lineage => "days since the base's creation",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an improvement is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ImprovementUnit {
    /// Benchmark points: a member's average minus the reference's (the papers' figures;
    /// the average is itself a percentage, so this is not a percent change).
    #[default]
    Points,
    /// Percent of the reference's average.
    Percent,
}

impl ImprovementUnit {
    /// The unit in words, for axis titles.
    pub fn label(self) -> &'static str {
        match self {
            ImprovementUnit::Points => "points of the leaderboard average",
            ImprovementUnit::Percent => "% of the reference's average",
        }
    }

    /// The unit in a word or two (`points`, `% of the reference`).
    pub fn short(self) -> &'static str {
        match self {
            ImprovementUnit::Points => "points",
            ImprovementUnit::Percent => "% of the reference",
        }
    }

    /// The suffix of column names in this unit (`points`, `pct_of_reference`).
    pub fn column(self) -> &'static str {
        match self {
            ImprovementUnit::Points => "points",
            ImprovementUnit::Percent => "pct_of_reference",
        }
    }

    /// A member's improvement in this unit.
    pub fn of_member(self, m: &crate::algo::improvements::Member) -> Option<f64> {
        match self {
            ImprovementUnit::Points => m.improvement_points,
            ImprovementUnit::Percent => m.improvement_pct,
        }
    }
}

/// The axis title of a normalised improvement in `unit` (`points / ln(members)`).
pub fn normalized_label(
    n: crate::analysis::params::NormalizeParam,
    unit: ImprovementUnit,
) -> String {
    use crate::analysis::params::NormalizeParam;
    let u = unit.short();
    match n {
        NormalizeParam::Log => format!("{u} / ln(members)"),
        NormalizeParam::Count => format!("{u} / members"),
        NormalizeParam::None => u.to_string(),
    }
}

/// A base to measure: what to call it, its model (for the lineage method), and the
/// pattern of the name method.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseChoice {
    /// The name shown (the papers' name, or the repo id).
    pub label: String,
    /// The repo id as given.
    pub repo: String,
    /// The model in the graph, when it is there.
    pub model: Option<u32>,
    /// The name method's pattern and size.
    pub pattern: NamePattern,
}

impl BaseChoice {
    /// `pattern/size` as the papers write it (`mistral7b/7`, `phi2/none`).
    pub fn pattern_text(&self) -> String {
        format!(
            "{}/{}",
            self.pattern.pattern,
            self.pattern
                .params
                .map_or("none".to_string(), |p| p.to_string())
        )
    }
}

/// The papers' bases, with the models the graph holds.
pub fn paper_bases(g: &LineageGraph) -> Vec<BaseChoice> {
    PAPER_BASES
        .iter()
        .map(|b| BaseChoice {
            label: b.label.to_string(),
            repo: b.repo.to_string(),
            model: g.lookup(b.repo),
            pattern: NamePattern {
                pattern: b.pattern.to_string(),
                params: b.params,
                params_range: 0.0,
            },
        })
        .collect()
}

/// A base model the graph holds, with the pattern the name method derives from its name.
pub fn base_of_model(g: &LineageGraph, model: u32) -> BaseChoice {
    BaseChoice {
        label: g.name(model).to_string(),
        repo: g.name(model).to_string(),
        model: Some(model),
        pattern: NamePattern::for_base(g, model),
    }
}

/// A pattern given after `=` in a spec's base (`mistral7b/7`, `phi2/none`): the pattern
/// normalised as names are, and the size in billions or `none`.
pub fn parse_pattern(text: &str) -> Result<NamePattern, String> {
    let (pattern, size) = text.rsplit_once('/').ok_or_else(|| {
        format!("'{text}' is not a pattern with a size; expected PATTERN/SIZE such as mistral7b/7 or phi2/none")
    })?;
    let pattern = normalize_name(pattern.trim());
    if pattern.is_empty() {
        return Err(format!("'{text}' has an empty pattern"));
    }
    let size = size.trim();
    let params = if size.eq_ignore_ascii_case("none") {
        None
    } else {
        Some(
            size.parse::<f32>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| {
                    format!("'{size}' is not a size; expected billions of parameters such as 7, or none")
                })?,
        )
    };
    Ok(NamePattern {
        pattern,
        params,
        params_range: 0.0,
    })
}

/// What a base in a spec may be, for error messages.
pub const ACCEPTED_BASE: &str = "a model id in any case, an alias, or a unique prefix, optionally followed by =PATTERN/SIZE for the name method (huggyllama/llama-7b=llama7b/7, microsoft/phi-2=phi2/none)";

/// The bases an improvement analysis measures: the ones a spec lists (`bases`), else the
/// papers' eleven (`set = "papers"`) or the `top` lineage bases with at least `min_family`
/// scored derivatives (`set = "top"`). A listed base is `MODEL` or `MODEL=PATTERN/SIZE`;
/// a model the graph does not hold is an error unless a pattern is given and only the name
/// method is asked for.
#[allow(clippy::too_many_arguments)]
pub fn choose(
    g: &LineageGraph,
    listed: &[toml::Spanned<String>],
    set: BaseSelection,
    top: usize,
    min_family: usize,
    methods: Methods,
    options: &ImprovementOptions,
    cx: &crate::analysis::Context,
) -> Result<Vec<BaseChoice>, crate::analysis::AnalysisError> {
    if listed.is_empty() {
        return Ok(match set {
            BaseSelection::Papers => paper_bases(g),
            BaseSelection::Top => {
                let mut all = crate::algo::improvements::all_improvements(g, min_family, options);
                all.retain(|i| i.total_improvement_pct.is_some());
                all.truncate(top);
                all.iter().map(|i| base_of_model(g, i.base)).collect()
            }
        });
    }
    let aliases = crate::ingest::refs::AliasTable::builtin();
    let mut out = Vec::with_capacity(listed.len());
    for b in listed {
        let text = b.get_ref().trim();
        let (model_text, pattern_text) = match text.split_once('=') {
            Some((m, p)) => (m.trim(), Some(p.trim())),
            None => (text, None),
        };
        let bad = |message: String| {
            cx.param_error(
                "bases",
                Some(b.span()),
                format!("{message} (accepted: {ACCEPTED_BASE})"),
                vec![ACCEPTED_BASE.into()],
            )
        };
        let pattern = pattern_text.map(parse_pattern).transpose().map_err(&bad)?;
        let model = match crate::algo::resolve::resolve_model(g, model_text, &aliases) {
            Ok(v) => Some(v),
            Err(_) if pattern.is_some() && methods == Methods::Name => None,
            Err(e) => return Err(bad(format!("base {e}"))),
        };
        let mut choice = match model {
            Some(v) => base_of_model(g, v),
            None => BaseChoice {
                label: model_text.to_string(),
                repo: model_text.to_string(),
                model: None,
                pattern: NamePattern {
                    pattern: String::new(),
                    params: None,
                    params_range: 0.0,
                },
            },
        };
        if let Some(p) = pattern {
            choice.pattern = p;
        }
        out.push(choice);
    }
    Ok(out)
}

/// One base's families by the methods asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseFamilies {
    /// The base.
    pub base: BaseChoice,
    /// By the name method, when asked for. Its `base` field is the base model, or the
    /// earliest member when the graph does not hold the base model.
    pub by_name: Option<Improvement>,
    /// By the lineage method, when asked for and the graph holds the base model.
    pub by_lineage: Option<Improvement>,
}

impl BaseFamilies {
    /// The family by `method`, if it was measured.
    pub fn by(&self, method: Method) -> Option<&Improvement> {
        match method {
            Method::Name => self.by_name.as_ref(),
            Method::Lineage => self.by_lineage.as_ref(),
        }
    }
}

/// Measures each base by the methods asked for. The name method is one pass over the
/// models per base (O(n)); the lineage method walks the base's descendants.
pub fn measure(
    g: &LineageGraph,
    bases: Vec<BaseChoice>,
    methods: Methods,
    options: &ImprovementOptions,
) -> Vec<BaseFamilies> {
    // One board for every base, chosen once.
    let options = &ImprovementOptions {
        board: Some(options.board.unwrap_or_else(|| g.default_board())),
        ..*options
    };
    bases
        .into_iter()
        .map(|b| {
            let mut f = BaseFamilies {
                by_name: None,
                by_lineage: None,
                base: b,
            };
            for &m in methods.list() {
                match m {
                    Method::Name => {
                        // Without the base model in the graph, the name method still finds
                        // members; its earliest member stands in as the base.
                        let anchor = f.base.model.unwrap_or(u32::MAX);
                        let mut imp = improvements_by_name(g, anchor, &f.base.pattern, options);
                        if f.base.model.is_none() {
                            if let Some(r) = imp.reference_model {
                                imp.base = r;
                                f.by_name = Some(imp);
                            }
                        } else {
                            f.by_name = Some(imp);
                        }
                    }
                    Method::Lineage => {
                        f.by_lineage = f.base.model.map(|v| improvements(g, v, options));
                    }
                }
            }
            f
        })
        .collect()
}

/// The best member's improvement over the reference in `unit`; `None` without a reference
/// or a scored member.
pub fn total(g: &LineageGraph, imp: &Improvement, unit: ImprovementUnit) -> Option<f64> {
    let best = f64::from(best_average(g, imp)?);
    let r = f64::from(imp.reference_average?);
    match unit {
        ImprovementUnit::Points => Some(best - r),
        ImprovementUnit::Percent => (r != 0.0).then(|| (best - r) / r * 100.0),
    }
}

/// The best member's average.
pub fn best_average(g: &LineageGraph, imp: &Improvement) -> Option<f32> {
    g.models[imp.best_model? as usize].average(imp.board)
}

/// The members the improvement counts: the name method's dated members, the lineage
/// method's scored ones.
pub fn counted_members(imp: &Improvement) -> u32 {
    imp.members.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_with_their_size() {
        let p = parse_pattern("Mistral-7B/7").unwrap();
        assert_eq!((p.pattern.as_str(), p.params), ("mistral7b", Some(7.0)));
        assert_eq!(parse_pattern("phi2/none").unwrap().params, None);
        assert!(parse_pattern("phi2").unwrap_err().contains("PATTERN/SIZE"));
        assert!(parse_pattern("phi2/big").unwrap_err().contains("'big'"));
        assert!(parse_pattern("/7").is_err());
    }

    #[test]
    fn the_papers_bases_are_eleven_with_their_repos() {
        assert_eq!(PAPER_BASE_REPOS[1], "mistralai/Mistral-7B-v0.1");
        assert_eq!(PAPER_BASE_REPOS[10], PAPER_BASES[10].repo);
        assert_eq!(PAPER_BASES.iter().filter(|b| b.params.is_none()).count(), 3);
    }
}
