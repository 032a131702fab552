//! Improvement over a base model, with days since its release (methodology section 3,
//! paper figures 11 and 12): how far the community pushed a base model's leaderboard score,
//! when, and through which record-setting derivatives.
//!
//! The family of a base is found either through the lineage graph (its descendants) or,
//! to compare with the papers, by their name-pattern method. Both are scored the same way.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;

use super::topo::topological_order;
use super::{chunk_len, counted, is_merge, Visited};
use crate::graph::LineageGraph;
use crate::model::{Board, Day, HUB_EPOCH};

/// How improvements are normalised so that bases with few and many derivatives compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalize {
    /// Improvement in percent divided by ln(scored members) (the paper's figure 12, lower panel).
    #[default]
    Log,
    /// Improvement in percent divided by the number of scored members (the papers' R code).
    Count,
    /// Improvement in percent as it is.
    None,
}

impl Normalize {
    /// Every normalisation, in the order the command line lists them.
    pub const ALL: [Normalize; 3] = [Normalize::Log, Normalize::Count, Normalize::None];

    /// The name the command line and spec files use (`log`, `count`, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            Normalize::Log => "log",
            Normalize::Count => "count",
            Normalize::None => "none",
        }
    }

    /// The divisor for a family with `scored` members; `None` where it is undefined
    /// (ln 1 = 0, or no members).
    pub fn divisor(self, scored: usize) -> Option<f64> {
        match self {
            Normalize::Log if scored >= 2 => Some((scored as f64).ln()),
            Normalize::Count if scored >= 1 => Some(scored as f64),
            Normalize::None => Some(1.0),
            _ => None,
        }
    }
}

impl fmt::Display for Normalize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Normalize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Normalize::ALL
            .into_iter()
            .find(|n| n.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown normalisation '{s}'; expected one of log, count, none"))
    }
}

/// What counts as family and how improvements are expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImprovementOptions {
    /// Keep merges and everything descended from a merge (left out by default: a merge's
    /// gain cannot be attributed to one base).
    pub include_merges: bool,
    /// Count and score flagged models too.
    pub include_flagged: bool,
    /// What improvements are divided by before they are compared across bases.
    pub normalize: Normalize,
    /// The leaderboard whose averages are compared; `None`: the graph's default board
    /// ([`LineageGraph::default_board`]). The two boards' scales differ, so one is used.
    pub board: Option<Board>,
}

/// One scored family member.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The member's model id.
    pub model: u32,
    /// Its creation date, when known.
    pub created: Option<Day>,
    /// Its creation date minus the release date ([`Improvement::release`]); `None` when
    /// either is unknown. Negative when it predates the date counted from.
    pub days_since_release: Option<i32>,
    /// Its leaderboard average, in points.
    pub average: f32,
    /// Average minus the reference average, in points.
    pub improvement_points: Option<f64>,
    /// Improvement in percent of the reference average.
    pub improvement_pct: Option<f64>,
    /// The improvement normalised ([`Normalize`]): `improvement_pct` with the lineage
    /// method, `improvement_points` with the name method (the papers divide points).
    pub normalized: Option<f64>,
    /// Whether it set a record: it is a [`FrontierStep`].
    pub on_frontier: bool,
}

/// One record-setter of the frontier: a member whose average beats the reference and every
/// member created before it.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierStep {
    /// The model that set the new best average.
    pub model: u32,
    /// Its creation date.
    pub created: Day,
    /// Its creation date minus the release date, in days; `None` when the release is unknown.
    pub days_since_release: Option<i32>,
    /// Its leaderboard average, in points.
    pub average: f32,
    /// Average minus the reference average, in points.
    pub improvement_points: f64,
    /// Improvement over the reference average, in percent; `None` when the reference is 0.
    pub improvement_pct: Option<f64>,
    /// The improvement divided by [`Improvement::divisor`] (percent with the lineage method,
    /// points with the name method); `None` without a divisor.
    pub normalized: Option<f64>,
}

impl Member {
    /// The member as a step of the frontier: `None` without a date or a reference.
    fn step(&self) -> Option<FrontierStep> {
        Some(FrontierStep {
            model: self.model,
            created: self.created?,
            days_since_release: self.days_since_release,
            average: self.average,
            improvement_points: self.improvement_points?,
            improvement_pct: self.improvement_pct,
            normalized: self.normalized,
        })
    }
}

/// The improvement of one base's family over the base.
#[derive(Debug, Clone, PartialEq)]
pub struct Improvement {
    /// The base model whose family this is.
    pub base: u32,
    /// The leaderboard whose averages were compared.
    pub board: Board,
    /// The model whose average improvements are measured from: the base when it has a score
    /// (and is not flagged), else the earliest scored member; `None` when nothing is scored.
    pub reference_model: Option<u32>,
    /// The reference model's average, in points.
    pub reference_average: Option<f32>,
    /// False when a member stands in for an unscored base.
    pub reference_is_base: bool,
    /// The day `days_since_release` counts from: the base's creation date, or the earliest
    /// dated member's when the base has none (a stub) or only the Hub's "at or before"
    /// date 2022-03-02.
    pub release: Option<Day>,
    /// True when `release` is the earliest member's date, not the base's.
    pub days_from_earliest_member: bool,
    /// Family members (descendants, or name matches), flagged ones left out unless asked.
    pub family_size: u32,
    /// Members with a leaderboard average.
    pub scored_members: u32,
    /// Scored members without a creation date: scored, but not placed on the frontier.
    pub undated_members: u32,
    /// The best-scoring member (the earliest of equals).
    pub best_model: Option<u32>,
    /// Best member's average over the reference's, in percent (negative when no member
    /// beats the reference).
    pub total_improvement_pct: Option<f64>,
    /// The normalisation applied to the `normalized` values.
    pub normalize: Normalize,
    /// What improvements were divided by.
    pub divisor: Option<f64>,
    /// Record-setters in creation order.
    pub frontier: Vec<FrontierStep>,
    /// Every scored member: dated ones in creation order (best first within a day), then
    /// undated ones by id. For charts of improvement over days since release.
    pub members: Vec<Member>,
}

/// The improvement of the family of `base`: its descendants through every edge, without
/// merges and everything descended from a merge unless `options.include_merges`.
///
/// A member is a merge when it has a merge parent edge or its source marks it as one; the
/// family is what the base reaches without entering a merge. On graphs from
/// [`crate::build`] a model that is not a merge has a single parent, so this leaves out
/// exactly the merges and their descendants.
///
/// Members are ordered by creation date; within one day the best comes first, so a day
/// adds at most one step to the frontier. O(family · log family) time.
///
/// ```
/// use lineage::algo::improvements::{improvements, ImprovementOptions};
/// use lineage::ingest::Input;
/// let details = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,o/base,o,2024-01-01,,,,[],,,\n\
/// 1,a/t1,a,2024-01-11,,,,[],,,o/base\n\
/// 2,a/t2,a,2024-01-21,,,,[],,,a/t1\n";
/// let board = "Type;Average \u{2b06}\u{fe0f};Flagged;Merged;model_name_for_query\n\
/// \u{1f7e2};50.0;True;True;o/base\n\u{1f536};55.0;True;True;a/t1\n\u{1f536};52.0;True;True;a/t2\n";
/// let inputs = [Input::embedded("d.csv", details).unwrap(),
///               Input::embedded("l.csv", board.as_bytes()).unwrap()];
/// let (g, _) = lineage::build(&inputs, Default::default(), None).unwrap();
/// let imp = improvements(&g, g.lookup("o/base").unwrap(), &ImprovementOptions::default());
/// assert_eq!(imp.reference_average, Some(50.0));
/// assert_eq!(imp.frontier.len(), 1); // a/t1; a/t2 sets no record
/// assert_eq!(imp.frontier[0].days_since_release, Some(10));
/// assert!((imp.total_improvement_pct.unwrap() - 10.0).abs() < 1e-9);
/// ```
pub fn improvements(g: &LineageGraph, base: u32, options: &ImprovementOptions) -> Improvement {
    let mut visited = Visited::new(g.model_count());
    let merges = merge_marks(g, options);
    let mut family = Vec::new();
    lineage_family(
        g,
        base,
        options,
        merges.as_deref(),
        &mut visited,
        &mut family,
    );
    score(g, base, &family, options)
}

/// [`improvements`] for every base with at least `min_family` scored members, in one
/// parallel pass; ordered by scored members (most first), then base id.
///
/// Every model with children is tried as a base (flagged ones only if asked for), so a
/// fine-tune with its own fine-tunes appears next to its base. O(sum of family sizes) time,
/// O(n) memory per thread.
pub fn all_improvements(
    g: &LineageGraph,
    min_family: usize,
    options: &ImprovementOptions,
) -> Vec<Improvement> {
    let n = g.model_count();
    let merges = merge_marks(g, options);
    let merges = merges.as_deref();
    // The default board is a pass over every model: choose it once, not once per base.
    let board = options.board.unwrap_or_else(|| g.default_board());
    let options = &ImprovementOptions {
        board: Some(board),
        ..*options
    };
    let bases: Vec<u32> = (0..n as u32)
        .filter(|&v| !g.children_of(v).is_empty() && counted(g, v, options.include_flagged))
        .collect();
    let mut out: Vec<Improvement> = bases
        .par_chunks(chunk_len(bases.len()))
        .flat_map_iter(|chunk| {
            let mut visited = Visited::new(n);
            let mut family = Vec::new();
            chunk
                .iter()
                .filter_map(|&base| {
                    family.clear();
                    lineage_family(g, base, options, merges, &mut visited, &mut family);
                    let scored = family
                        .iter()
                        .filter(|&&v| average(g, v, board).is_some())
                        .count();
                    (scored >= min_family.max(1)).then(|| score(g, base, &family, options))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_by(|a, b| {
        b.scored_members
            .cmp(&a.scored_members)
            .then(a.base.cmp(&b.base))
    });
    out
}

/// The papers' way of finding a family: models whose name contains a pattern and whose
/// parameter count is in a range, e.g. `mistral7b` with 7 B parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct NamePattern {
    /// Compared with each model's name (the part after `/`) lower-cased with `-`, `_` and
    /// `.` removed, as the papers did.
    pub pattern: String,
    /// Parameters in billions: a member has between `params` and `params + params_range`.
    /// `None`: any parameter count, known or not.
    pub params: Option<f32>,
    /// Width of the parameter window above `params`, in billions.
    pub params_range: f32,
}

impl NamePattern {
    /// The papers' pattern for `base`: its name normalised and cut after the size
    /// (`Mistral-7B-v0.1` -> `mistral7b`, `Llama-2-7b-hf` -> `llama27b`,
    /// `Mixtral-8x7B-v0.1` -> `mixtral8x7b`), with the base's parameter count.
    pub fn for_base(g: &LineageGraph, base: u32) -> NamePattern {
        let name = normalize_name(g.name(base));
        let pattern = match size_end(&name) {
            Some(end) => name[..end].to_string(),
            None => name,
        };
        NamePattern {
            pattern,
            params: g.models[base as usize].params_b,
            params_range: 0.0,
        }
    }

    /// Whether model `v` matches: its normalised name contains the pattern and its size is in the window.
    pub fn matches(&self, g: &LineageGraph, v: u32) -> bool {
        if let Some(p) = self.params {
            match g.models[v as usize].params_b {
                Some(x) if x >= p && x <= p + self.params_range => {}
                _ => return false,
            }
        }
        normalize_name(g.name(v)).contains(&self.pattern)
    }
}

/// A model id as the papers' name matching sees it: the name after `/`, lower-cased, with
/// `-`, `_` and `.` removed.
pub fn normalize_name(id: &str) -> String {
    let name = id.split_once('/').map_or(id, |(_, n)| n);
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where the first size token (`7b`, `8x7b`, `1.5b` normalised to `15b`) of a normalised
/// name ends.
fn size_end(name: &str) -> Option<usize> {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j + 1 < b.len() && b[j] == b'x' && b[j + 1].is_ascii_digit() {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            // `7b`; `160m` but not the `2m` of `gpt2medium`.
            let word_ends = |k: usize| k >= b.len() || !b[k].is_ascii_alphabetic();
            if j < b.len() && (b[j] == b'b' || (b[j] == b'm' && word_ends(j + 1))) {
                return Some(j + 1);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The papers' name method (methodology section 5), exactly: from the counted models with a
/// type, merges (the Merged flag or merge type, a tag containing `merge`, `merge` in the
/// name, as the papers' R code matched names) and every model descended from one are left
/// out unless `options.include_merges`; members match `pattern`, have a creation date, and
/// are ordered by creation time (to the second where known). The reference is the earliest
/// member, not necessarily `base`; days count from its date; the first member is the first
/// record-setter. Normalised improvement divides the improvement in points by ln(members).
/// O(n) time.
pub fn improvements_by_name(
    g: &LineageGraph,
    base: u32,
    pattern: &NamePattern,
    options: &ImprovementOptions,
) -> Improvement {
    let n = g.model_count();
    let board = options.board.unwrap_or_else(|| g.default_board());
    let tainted = (!options.include_merges).then(|| merge_tainted(g));
    let mut family: Vec<u32> = (0..n as u32)
        .into_par_iter()
        .filter(|&v| {
            counted(g, v, options.include_flagged)
                && g.models[v as usize].model_type != crate::model::ModelType::Unknown
                && !tainted.as_ref().is_some_and(|t| t[v as usize])
                && pattern.matches(g, v)
        })
        .collect();
    let family_size = family.len() as u32;
    family.retain(|&v| average(g, v, board).is_some());
    let scored_members = family.len() as u32;
    family.retain(|&v| g.models[v as usize].created.is_some());
    let undated_members = scored_members - family.len() as u32;
    family.sort_by_key(|&v| (g.models[v as usize].creation_order(), v));
    let divisor = options.normalize.divisor(family.len());
    let first = family.first().copied();
    let reference_average = first.and_then(|v| average(g, v, board));
    let release = first.and_then(|v| g.models[v as usize].created);
    let reference = reference_average.map(f64::from);
    let mut running = f64::NEG_INFINITY;
    let mut frontier = Vec::new();
    let mut members = Vec::with_capacity(family.len());
    let mut best: Option<(u32, f32)> = None;
    for &v in &family {
        let avg = average(g, v, board).unwrap_or(f32::NAN);
        let a = f64::from(avg);
        let created = g.models[v as usize].created;
        let points = reference.map(|r| a - r);
        let pct = reference.and_then(|r| (r != 0.0).then(|| (a - r) / r * 100.0));
        let normalized = points.and_then(|p| divisor.map(|d| p / d));
        let days = match (created, release) {
            (Some(c), Some(r)) => Some(c.0 - r.0),
            _ => None,
        };
        let on_frontier = a > running;
        if best.is_none_or(|(_, b)| avg > b) {
            best = Some((v, avg));
        }
        let member = Member {
            model: v,
            created,
            days_since_release: days,
            average: avg,
            improvement_points: points,
            improvement_pct: pct,
            normalized,
            on_frontier,
        };
        if on_frontier {
            running = a;
            frontier.extend(member.step());
        }
        members.push(member);
    }
    let total_improvement_pct = match (best, reference) {
        (Some((_, b)), Some(r)) if r != 0.0 => Some((f64::from(b) - r) / r * 100.0),
        _ => None,
    };
    Improvement {
        base,
        board,
        reference_model: first,
        reference_average,
        reference_is_base: first == Some(base),
        release,
        days_from_earliest_member: true,
        family_size,
        scored_members,
        undated_members,
        best_model: best.map(|(v, _)| v),
        total_improvement_pct,
        normalize: options.normalize,
        divisor,
        frontier,
        members,
    }
}

/// Models that are merges by the papers' test, or descend from one: the Merged flag or merge
/// type, a tag or dataset containing `merge`, or `merge` in the name (the papers' R code
/// matched substrings).
fn merge_tainted(g: &LineageGraph) -> Vec<bool> {
    let n = g.model_count();
    let mut tainted: Vec<bool> = (0..n as u32)
        .into_par_iter()
        .map(|v| {
            g.models[v as usize].flags.has(crate::model::Flags::MERGED)
                // Tags as the Hub lists them, `dataset:` tags included (kept apart here).
                || g.tags.row(v).iter().chain(g.datasets.row(v)).any(|&t| {
                    g.symbol(t)
                        .is_some_and(|s| s.to_lowercase().contains("merge"))
                })
                || normalize_name(g.name(v)).contains("merge")
        })
        .collect();
    for &v in &topological_order(g).order {
        if !tainted[v as usize] && g.dag_parents(v).any(|(p, _)| tainted[p as usize]) {
            tainted[v as usize] = true;
        }
    }
    tainted
}

/// Which models are merges, when merges are to be left out.
fn merge_marks(g: &LineageGraph, options: &ImprovementOptions) -> Option<Vec<bool>> {
    (!options.include_merges).then(|| {
        (0..g.model_count() as u32)
            .into_par_iter()
            .map(|v| is_merge(g, v))
            .collect()
    })
}

/// Collects into `family` what `base` reaches without entering a merge (when `merges` is
/// given), flagged models passed through but not collected unless asked for.
fn lineage_family(
    g: &LineageGraph,
    base: u32,
    options: &ImprovementOptions,
    merges: Option<&[bool]>,
    visited: &mut Visited,
    family: &mut Vec<u32>,
) {
    visited.clear();
    visited.insert(base);
    let mut stack = vec![base];
    while let Some(u) = stack.pop() {
        for &c in g.children_of(u) {
            if merges.is_some_and(|m| m[c as usize]) || !visited.insert(c) {
                continue;
            }
            if counted(g, c, options.include_flagged) {
                family.push(c);
            }
            stack.push(c);
        }
    }
}

fn average(g: &LineageGraph, v: u32, board: Board) -> Option<f32> {
    g.models[v as usize].average(board)
}

/// Scores a family (already filtered) against its base.
fn score(g: &LineageGraph, base: u32, family: &[u32], options: &ImprovementOptions) -> Improvement {
    let board = options.board.unwrap_or_else(|| g.default_board());
    let mut scored: Vec<(u32, Option<Day>, f32)> = family
        .iter()
        .filter_map(|&v| average(g, v, board).map(|a| (v, g.models[v as usize].created, a)))
        .collect();
    // Dated first, by day; the best of a day first; then by id.
    scored.sort_by(|a, b| {
        (a.1.is_none(), a.1)
            .cmp(&(b.1.is_none(), b.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(&b.0))
    });
    let base_model = &g.models[base as usize];
    let base_average =
        average(g, base, board).filter(|_| counted(g, base, options.include_flagged));
    let (reference_model, reference_average) = match base_average {
        Some(a) => (Some(base), Some(a)),
        None => match scored.first() {
            Some(&(v, _, a)) => (Some(v), Some(a)),
            None => (None, None),
        },
    };
    let earliest = scored.iter().find_map(|s| s.1);
    let (release, days_from_earliest_member) = match base_model.created {
        Some(d) if d != HUB_EPOCH => (Some(d), false),
        _ => (earliest, earliest.is_some()),
    };
    let divisor = options.normalize.divisor(scored.len());
    let reference = reference_average.map(f64::from);
    let mut running = reference.unwrap_or(f64::NEG_INFINITY);
    let mut frontier = Vec::new();
    let mut members = Vec::with_capacity(scored.len());
    for &(v, created, avg) in &scored {
        let a = f64::from(avg);
        let points = reference.map(|r| a - r);
        let pct = reference.and_then(|r| (r != 0.0).then(|| (a - r) / r * 100.0));
        let normalized = pct.and_then(|p| divisor.map(|d| p / d));
        let days = match (created, release) {
            (Some(c), Some(r)) => Some(c.0 - r.0),
            _ => None,
        };
        let on_frontier = created.is_some() && reference.is_some() && a > running;
        let member = Member {
            model: v,
            created,
            days_since_release: days,
            average: avg,
            improvement_points: points,
            improvement_pct: pct,
            normalized,
            on_frontier,
        };
        if on_frontier {
            running = a;
            frontier.extend(member.step());
        }
        members.push(member);
    }
    let best = scored
        .iter()
        .fold(None::<(u32, f32)>, |best, &(v, _, a)| match best {
            Some((_, b)) if b >= a => best,
            _ => Some((v, a)),
        });
    let total_improvement_pct = match (best, reference) {
        (Some((_, b)), Some(r)) if r != 0.0 => Some((f64::from(b) - r) / r * 100.0),
        _ => None,
    };
    Improvement {
        base,
        board,
        reference_model,
        reference_average,
        reference_is_base: reference_model == Some(base),
        release,
        days_from_earliest_member,
        family_size: family.len() as u32,
        scored_members: scored.len() as u32,
        undated_members: scored.iter().filter(|s| s.1.is_none()).count() as u32,
        best_model: best.map(|(v, _)| v),
        total_improvement_pct,
        normalize: options.normalize,
        divisor,
        frontier,
        members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::testgraph::{graph, id, m, M};

    /// The worked example: base at 50 on 2024-01-01; its family in creation order
    /// t1 55 (01-11), t2 52 and t3 54 (01-21), t4 60 and same 58 (02-10), below 61 (03-01),
    /// undated 90; a merge (70) and its child (71), and a flagged model (80) above `below`.
    fn worked() -> Vec<M> {
        vec![
            m("o/base").on("2024-01-01").avg(50.0),
            m("a/t1").of(&["o/base"]).on("2024-01-11").avg(55.0),
            m("a/t2").of(&["a/t1"]).on("2024-01-21").avg(52.0),
            m("a/t3").of(&["o/base"]).on("2024-01-21").avg(54.0),
            m("a/t4").of(&["a/t2"]).on("2024-02-10").avg(60.0),
            m("a/same").of(&["o/base"]).on("2024-02-10").avg(58.0),
            m("x/other"),
            m("m/merge")
                .of(&["a/t1", "x/other"])
                .on("2024-01-15")
                .avg(70.0),
            m("m/child").of(&["m/merge"]).on("2024-01-20").avg(71.0),
            m("a/flag")
                .of(&["o/base"])
                .on("2024-01-05")
                .avg(80.0)
                .flagged(),
            m("a/below").of(&["a/flag"]).on("2024-03-01").avg(61.0),
            m("a/undated").of(&["o/base"]).avg(90.0),
            m("a/unscored").of(&["o/base"]).on("2024-01-02"),
        ]
    }

    fn frontier(g: &LineageGraph, imp: &Improvement) -> Vec<(String, Option<i32>)> {
        imp.frontier
            .iter()
            .map(|s| (g.name(s.model).to_string(), s.days_since_release))
            .collect()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-6)
    }

    #[test]
    fn frontier_is_the_record_setters_in_creation_order() {
        let g = graph(worked());
        let imp = improvements(&g, id(&g, "o/base"), &ImprovementOptions::default());
        // t1..t4, same, below, undated, unscored: merges, their child and the flagged model left out.
        assert_eq!(
            (imp.family_size, imp.scored_members, imp.undated_members),
            (8, 7, 1)
        );
        assert!(imp.reference_is_base && !imp.days_from_earliest_member);
        assert_eq!(imp.reference_average, Some(50.0));
        assert_eq!(
            frontier(&g, &imp),
            vec![
                ("a/t1".to_string(), Some(10)),
                ("a/t4".to_string(), Some(40)),
                ("a/below".to_string(), Some(60)),
            ]
        );
        let steps = &imp.frontier;
        assert!((steps[1].improvement_points - 10.0).abs() < 1e-9);
        assert!(close(steps[1].improvement_pct, 20.0));
        // The best member is undated: it counts for the total, not for the frontier.
        assert_eq!(imp.best_model, Some(id(&g, "a/undated")));
        assert!(close(imp.total_improvement_pct, 80.0));
        // Every scored member is there, dated ones in creation order, best of a day first.
        let order: Vec<&str> = imp.members.iter().map(|x| g.name(x.model)).collect();
        assert_eq!(
            order,
            [
                "a/t1",
                "a/t3",
                "a/t2",
                "a/t4",
                "a/same",
                "a/below",
                "a/undated"
            ]
        );
        assert_eq!(imp.members.iter().filter(|x| x.on_frontier).count(), 3);
    }

    #[test]
    fn normalisation_divides_by_ln_or_count_of_scored_members() {
        let g = graph(worked());
        let base = id(&g, "o/base");
        let with = |normalize| {
            let opts = ImprovementOptions {
                normalize,
                ..Default::default()
            };
            improvements(&g, base, &opts).frontier[0].normalized
        };
        // t1: +10 %, 7 scored members.
        assert!(close(with(Normalize::Log), 10.0 / 7f64.ln()));
        assert!(close(with(Normalize::Count), 10.0 / 7.0));
        assert!(close(with(Normalize::None), 10.0));
    }

    #[test]
    fn merges_and_their_descendants_are_left_out_unless_asked() {
        let g = graph(worked());
        let base = id(&g, "o/base");
        let opts = ImprovementOptions {
            include_merges: true,
            ..Default::default()
        };
        let imp = improvements(&g, base, &opts);
        assert_eq!(imp.family_size, 10);
        let names: Vec<String> = frontier(&g, &imp).into_iter().map(|s| s.0).collect();
        assert_eq!(names, ["a/t1", "m/merge", "m/child"]);
        // A single-parent model its source marks as a merge is a merge too.
        let mut models = worked();
        models.push(
            m("g/marked")
                .of(&["o/base"])
                .on("2024-04-01")
                .avg(99.0)
                .merged(),
        );
        let g = graph(models);
        let imp = improvements(&g, id(&g, "o/base"), &ImprovementOptions::default());
        assert_eq!(imp.family_size, 8);
        assert!(imp.members.iter().all(|x| g.name(x.model) != "g/marked"));
    }

    #[test]
    fn flagged_members_count_when_asked() {
        let g = graph(worked());
        let opts = ImprovementOptions {
            include_flagged: true,
            ..Default::default()
        };
        let imp = improvements(&g, id(&g, "o/base"), &opts);
        assert_eq!(imp.family_size, 9);
        let names: Vec<String> = frontier(&g, &imp).into_iter().map(|s| s.0).collect();
        assert_eq!(names, ["a/flag"]);
    }

    #[test]
    fn earliest_member_stands_in_for_an_unscored_undated_base() {
        let g = graph(vec![
            m("p/a").of(&["s/stub"]).on("2024-02-01").avg(40.0),
            m("p/b").of(&["s/stub"]).on("2024-03-01").avg(44.0),
            m("p/c").of(&["s/stub"]).on("2024-01-15").avg(42.0),
        ]);
        let base = id(&g, "s/stub");
        assert!(g.models[base as usize].is_stub());
        let imp = improvements(&g, base, &ImprovementOptions::default());
        assert_eq!(imp.reference_model, Some(id(&g, "p/c")));
        assert!(!imp.reference_is_base && imp.days_from_earliest_member);
        assert_eq!(
            imp.release.map(|d| d.to_string()).as_deref(),
            Some("2024-01-15")
        );
        // p/c is the reference and sets no record; p/a is below it; p/b beats it.
        assert_eq!(frontier(&g, &imp), vec![("p/b".to_string(), Some(46))]);
        assert!(close(imp.frontier[0].improvement_pct, 2.0 / 42.0 * 100.0));
        assert_eq!(imp.members[0].days_since_release, Some(0));
    }

    #[test]
    fn the_hub_epoch_is_not_a_release_date() {
        let g = graph(vec![
            m("old/gpt").on("2022-03-02").avg(30.0),
            m("n/tune").of(&["old/gpt"]).on("2023-05-01").avg(33.0),
            m("n/later").of(&["old/gpt"]).on("2023-05-11").avg(36.0),
        ]);
        let imp = improvements(&g, id(&g, "old/gpt"), &ImprovementOptions::default());
        assert!(imp.reference_is_base && imp.days_from_earliest_member);
        assert_eq!(frontier(&g, &imp)[1], ("n/later".to_string(), Some(10)));
    }

    #[test]
    fn an_empty_family_scores_nothing() {
        let g = graph(vec![m("o/alone").avg(50.0)]);
        let imp = improvements(&g, 0, &ImprovementOptions::default());
        assert_eq!((imp.family_size, imp.scored_members), (0, 0));
        assert!(imp.frontier.is_empty() && imp.total_improvement_pct.is_none());
        assert!(all_improvements(&g, 1, &ImprovementOptions::default()).is_empty());
    }

    #[test]
    fn all_bases_in_one_pass_agree_with_one_at_a_time() {
        let g = graph(worked());
        let opts = ImprovementOptions::default();
        let all = all_improvements(&g, 1, &opts);
        // o/base (7 scored), a/t1 (t2, t4), a/t2 (t4), m/merge (its fine-tune m/child);
        // a/flag is flagged: not a base.
        let bases: Vec<&str> = all.iter().map(|i| g.name(i.base)).collect();
        assert_eq!(bases, ["o/base", "a/t1", "a/t2", "m/merge"]);
        for imp in &all {
            assert_eq!(imp, &improvements(&g, imp.base, &opts));
        }
        assert_eq!(all_improvements(&g, 3, &opts).len(), 1);
    }

    #[test]
    fn name_matching_follows_the_papers() {
        let g = graph(vec![
            m("mistralai/Mistral-7B-v0.1")
                .on("2023-09-20")
                .avg(60.0)
                .params(7.0),
            m("x/mistral-7b-tuned")
                .on("2023-10-01")
                .avg(62.0)
                .params(7.0),
            m("y/Mistral_7B.chat")
                .on("2023-10-05")
                .avg(61.0)
                .params(7.0),
            m("z/mistral-7b-big").on("2023-10-06").avg(70.0).params(8.0),
            m("w/mistral-7b-merge-it")
                .on("2023-10-07")
                .avg(71.0)
                .params(7.0),
            m("v/mistral-7b-child")
                .of(&["w/mistral-7b-merge-it"])
                .on("2023-10-08")
                .avg(72.0)
                .params(7.0),
            m("u/other-7b").on("2023-10-09").avg(73.0).params(7.0),
        ]);
        let base = id(&g, "mistralai/Mistral-7B-v0.1");
        let p = NamePattern::for_base(&g, base);
        assert_eq!((p.pattern.as_str(), p.params), ("mistral7b", Some(7.0)));
        let imp = improvements_by_name(&g, base, &p, &ImprovementOptions::default());
        // The base is a member too, and the reference as the earliest; the 8 B model, the
        // merge (by its name), its child and the other name are left out.
        let members: Vec<&str> = imp.members.iter().map(|x| g.name(x.model)).collect();
        assert_eq!(
            members,
            [
                "mistralai/Mistral-7B-v0.1",
                "x/mistral-7b-tuned",
                "y/Mistral_7B.chat"
            ]
        );
        assert_eq!(imp.reference_model, Some(base));
        assert_eq!(imp.frontier.len(), 2);
        assert!((imp.frontier[1].improvement_points - 2.0).abs() < 1e-6);
        let wide = NamePattern {
            params_range: 1.0,
            ..p.clone()
        };
        let opts = ImprovementOptions {
            include_merges: true,
            ..Default::default()
        };
        assert_eq!(
            improvements_by_name(&g, base, &wide, &opts).scored_members,
            6
        );
    }

    #[test]
    fn names_normalise_like_the_papers() {
        assert_eq!(normalize_name("mistralai/Mistral-7B-v0.1"), "mistral7bv01");
        assert_eq!(normalize_name("x/Llama_2-7b.hf"), "llama27bhf");
        assert_eq!(normalize_name("no-namespace"), "nonamespace");
    }

    #[test]
    fn patterns_cut_after_the_size() {
        let cut = |s: &str| {
            let n = normalize_name(s);
            size_end(&n).map(|e| n[..e].to_string()).unwrap_or(n)
        };
        assert_eq!(cut("mistralai/Mistral-7B-v0.1"), "mistral7b");
        assert_eq!(cut("meta-llama/Llama-2-7b-hf"), "llama27b");
        assert_eq!(cut("mistralai/Mixtral-8x7B-v0.1"), "mixtral8x7b");
        assert_eq!(cut("microsoft/phi-2"), "phi2");
        assert_eq!(cut("Qwen/Qwen1.5-0.5B"), "qwen1505b");
        assert_eq!(cut("EleutherAI/pythia-160m"), "pythia160m");
        assert_eq!(cut("openai-community/gpt2-medium"), "gpt2medium");
    }

    #[test]
    fn normalisation_names_parse() {
        assert_eq!("LOG".parse::<Normalize>(), Ok(Normalize::Log));
        assert!("sqrt"
            .parse::<Normalize>()
            .unwrap_err()
            .contains("log, count, none"));
        assert_eq!(Normalize::Log.divisor(1), None);
        assert_eq!(Normalize::Count.divisor(4), Some(4.0));
        assert_eq!(Normalize::None.divisor(0), Some(1.0));
    }
}
