//! The groupings analyses share: readable architecture names and architecture groups
//! (methodology section 2.4), parameter-size classes, and which author names are bots.
//! Shared so every chart and table names and groups things the same way.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::algo::authors::BotFilter;
use crate::graph::LineageGraph;
use crate::intern::NONE;
use crate::model::Model;

use super::{Scope, Timeline, Unit};

/// The group of models whose architecture is not known.
pub const UNKNOWN: &str = "unknown";
/// The group of architectures under the threshold.
pub const OTHER: &str = "other";

/// A readable architecture name from a `config.json` class name: `LlamaForCausalLM` ->
/// `Llama`, `GPT2LMHeadModel` -> `GPT-2`. `None` for unknown (`Unknown`, `?`, empty).
/// Repairs one corruption seen in real exports, a name split into single letters by commas.
pub fn architecture_name(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let joined;
    let raw = if raw.contains(',') && raw.split(',').all(|p| p.chars().count() == 1) {
        joined = raw.replace(',', "");
        joined.as_str()
    } else {
        raw
    };
    if raw.is_empty() || raw == "?" || raw.eq_ignore_ascii_case("unknown") {
        return None;
    }
    let mut stem = raw;
    for suffix in [
        "ForCausalLM",
        "ForCasualLM",
        "ForConditionalGeneration",
        "LMHeadCustomModel",
        "LMHeadModel",
        "Model",
    ] {
        if let Some(s) = stem.strip_suffix(suffix) {
            if !s.is_empty() {
                stem = s;
                break;
            }
        }
    }
    let pretty = match stem {
        "GPT2" => "GPT-2",
        "GPTNeoX" => "GPT-NeoX",
        "GPTNeo" => "GPT-Neo",
        "GPTJ" => "GPT-J",
        "Rwkv" => "RWKV",
        "QWen" => "Qwen",
        "StableLm" | "StableLM" => "StableLM",
        "Xglm" => "XGLM",
        "RW" => "Falcon",
        "Yi" => "Yi",
        other => other,
    };
    Some(pretty.to_string())
}

/// The readable architecture of a model, or `None`.
pub fn model_architecture(g: &LineageGraph, m: &Model) -> Option<String> {
    g.symbol(m.architecture).and_then(architecture_name)
}

/// How architectures are grouped: those reaching `threshold` keep their name, the rest
/// are [`OTHER`]; models without an architecture are [`UNKNOWN`].
#[derive(Debug, Clone, PartialEq)]
pub struct ArchitectureGroups {
    /// Named groups, largest first, then [`OTHER`] and [`UNKNOWN`] when they occur.
    pub names: Vec<String>,
    /// Readable architecture name -> group index.
    by_name: FxHashMap<String, usize>,
    /// Architecture symbol -> group index, for every symbol seen when grouping.
    by_symbol: FxHashMap<u32, Option<usize>>,
    other: Option<usize>,
    unknown: Option<usize>,
}

/// Where the share that decides a group is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdScope {
    /// Share of all selected models.
    Overall,
    /// Share of the new models of at least one period (with at least `min_period_models`).
    #[default]
    Period,
    /// No share: more than `min_models` models, flagged ones included (the papers' rule).
    Count,
}

/// What decides which architectures keep their own group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupRule {
    /// The share an architecture needs (with [`ThresholdScope::Overall`] and
    /// [`ThresholdScope::Period`]).
    pub threshold: f64,
    /// Where the share is measured, or [`ThresholdScope::Count`] for a count.
    pub by: ThresholdScope,
    /// The period of [`ThresholdScope::Period`].
    pub unit: Unit,
    /// With [`ThresholdScope::Period`]: the fewest new models a period needs to count.
    pub min_period_models: usize,
    /// With [`ThresholdScope::Count`]: more than this many models keep their name.
    pub min_models: usize,
}

impl GroupRule {
    /// The rule in words, for a chart's note: which architectures become "other".
    pub fn describe(&self) -> String {
        match self.by {
            ThresholdScope::Overall => format!(
                "architectures below {:.0}% of all models are grouped as other",
                self.threshold * 100.0
            ),
            ThresholdScope::Period => format!(
                "architectures below {:.0}% of the new models of every {} (with at least {} models) are grouped as other",
                self.threshold * 100.0,
                self.unit,
                self.min_period_models
            ),
            ThresholdScope::Count => format!(
                "architectures with {} models or fewer (flagged included) are grouped as other",
                self.min_models
            ),
        }
    }
}

impl ArchitectureGroups {
    /// Groups the architectures of the models `scope` selects. Architectures named in
    /// `keep` (readable names, any case) keep their name whatever their share.
    pub fn compute(
        g: &LineageGraph,
        scope: &Scope,
        rule: &GroupRule,
        forced: &[String],
    ) -> ArchitectureGroups {
        let GroupRule {
            threshold,
            by,
            unit,
            min_period_models,
            min_models,
        } = *rule;
        // Counted per architecture symbol, and each symbol named once: a model costs a
        // hash lookup, not a string.
        let mut per_symbol: FxHashMap<u32, usize> = FxHashMap::default();
        let mut all = 0usize;
        for v in scope.models(g) {
            all += 1;
            *per_symbol
                .entry(g.models[v as usize].architecture)
                .or_default() += 1;
        }
        let mut readable: FxHashMap<u32, Option<String>> = per_symbol
            .keys()
            .map(|&sym| (sym, g.symbol(sym).and_then(architecture_name)))
            .collect();
        let mut totals: FxHashMap<String, usize> = FxHashMap::default();
        let mut unknown = false;
        for (sym, &c) in &per_symbol {
            match &readable[sym] {
                Some(a) => *totals.entry(a.clone()).or_default() += c,
                None => unknown = true,
            }
        }
        let mut keep: FxHashSet<String> = FxHashSet::default();
        for a in totals.keys() {
            if forced.iter().any(|k| k.eq_ignore_ascii_case(a)) {
                keep.insert(a.clone());
            }
        }
        match by {
            ThresholdScope::Count => {
                // Counted before flagged models are removed, as the papers count.
                let all_models = Scope {
                    include_flagged: true,
                    ..*scope
                };
                let mut per_symbol_all: FxHashMap<u32, usize> = FxHashMap::default();
                for v in all_models.models(g) {
                    *per_symbol_all
                        .entry(g.models[v as usize].architecture)
                        .or_default() += 1;
                }
                let mut counts: FxHashMap<String, usize> = FxHashMap::default();
                for (sym, c) in per_symbol_all {
                    let name = readable
                        .entry(sym)
                        .or_insert_with(|| g.symbol(sym).and_then(architecture_name));
                    if let Some(a) = name {
                        *counts.entry(a.clone()).or_default() += c;
                    }
                }
                for (a, c) in counts {
                    if c > min_models && totals.contains_key(&a) {
                        keep.insert(a);
                    }
                }
            }
            ThresholdScope::Overall => {
                for (a, &c) in &totals {
                    if all > 0 && c as f64 / all as f64 >= threshold {
                        keep.insert(a.clone());
                    }
                }
            }
            ThresholdScope::Period => {
                // Shares are of all new models in the period, unknown architectures included.
                let mut period_all: FxHashMap<crate::model::Day, usize> = FxHashMap::default();
                let mut per: FxHashMap<(crate::model::Day, &str), usize> = FxHashMap::default();
                for v in scope.models(g) {
                    let m = &g.models[v as usize];
                    if let Some(d) = m.created {
                        let p = unit.start_of(d);
                        *period_all.entry(p).or_default() += 1;
                        if let Some(Some(a)) = readable.get(&m.architecture) {
                            *per.entry((p, a.as_str())).or_default() += 1;
                        }
                    }
                }
                for ((p, a), c) in per {
                    let n = period_all.get(&p).copied().unwrap_or(0);
                    if n >= min_period_models.max(1) && c as f64 / n as f64 >= threshold {
                        keep.insert(a.to_string());
                    }
                }
            }
        }
        let mut named: Vec<(&String, usize)> = totals
            .iter()
            .filter(|(a, _)| keep.contains(*a))
            .map(|(a, &c)| (a, c))
            .collect();
        named.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut names: Vec<String> = named.iter().map(|(a, _)| (*a).clone()).collect();
        let by_name: FxHashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), i))
            .collect();
        let other = if totals.len() > names.len() {
            names.push(OTHER.to_string());
            Some(names.len() - 1)
        } else {
            None
        };
        let unknown = if unknown {
            names.push(UNKNOWN.to_string());
            Some(names.len() - 1)
        } else {
            None
        };
        let by_symbol = readable
            .into_iter()
            .map(|(sym, name)| {
                let group = match name {
                    Some(a) => by_name.get(&a).copied().or(other),
                    None => unknown,
                };
                (sym, group)
            })
            .collect();
        ArchitectureGroups {
            names,
            by_name,
            by_symbol,
            other,
            unknown,
        }
    }

    /// The group index of a model (`None` only if the model was not in the computed set
    /// and its case is not covered).
    pub fn group_of(&self, g: &LineageGraph, m: &Model) -> Option<usize> {
        if let Some(&group) = self.by_symbol.get(&m.architecture) {
            return group;
        }
        match model_architecture(g, m) {
            Some(a) => self.by_name.get(&a).copied().or(self.other),
            None => self.unknown,
        }
    }

    /// How many named groups there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no named groups.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Parameter-size classes from ascending edges in billions: edges `[1.5, 4]` give
/// `<1.5B`, `1.5–4B`, `≥4B`.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeClasses {
    /// Class boundaries in billions of parameters, ascending; a model of exactly a boundary goes in the class above it.
    pub edges: Vec<f64>,
}

impl SizeClasses {
    /// Classes cut at `edges` (billions of parameters); boundaries that are not positive and finite are dropped.
    pub fn new(mut edges: Vec<f64>) -> SizeClasses {
        edges.retain(|e| e.is_finite() && *e > 0.0);
        edges.sort_by(|a, b| a.total_cmp(b));
        edges.dedup();
        SizeClasses { edges }
    }

    /// How many classes: one more than the boundaries.
    pub fn len(&self) -> usize {
        self.edges.len() + 1
    }

    /// Never true: there is always at least one class.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The class of a model of `params_b` billion parameters.
    pub fn class_of(&self, params_b: f64) -> usize {
        self.edges.partition_point(|&e| e <= params_b)
    }

    /// The label of `class`, such as `<1.5B`, `1.5–4B` or `≥4B`.
    pub fn label(&self, class: usize) -> String {
        let f = |x: f64| {
            let s = format!("{x:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        if self.edges.is_empty() {
            return "all".into();
        }
        if class == 0 {
            format!("<{}B", f(self.edges[0]))
        } else if class == self.edges.len() {
            format!("≥{}B", f(self.edges[class - 1]))
        } else {
            format!("{}–{}B", f(self.edges[class - 1]), f(self.edges[class]))
        }
    }
}

/// Decides which author names are bots: the rule of the lineage queries (names ending in
/// `bot`, and the shipped list `graphs/bots.txt`, see [`BotFilter`]) plus the names a spec
/// adds, so that every author figure leaves out the same accounts.
#[derive(Debug, Clone)]
pub struct Bots(BotFilter);

impl Default for Bots {
    fn default() -> Self {
        Bots(BotFilter::builtin())
    }
}

impl Bots {
    /// The built-in bot list plus the names in `extra` (one per line, `#` starts a comment).
    pub fn new(extra: impl IntoIterator<Item = String>) -> Bots {
        let mut filter = BotFilter::builtin();
        for name in extra {
            filter.extend_from_str(&name);
        }
        Bots(filter)
    }

    /// Whether `name` is a bot account.
    pub fn is_bot(&self, name: &str) -> bool {
        self.0.is_bot(name)
    }

    /// One flag per author id of `g`.
    pub fn mask(&self, g: &LineageGraph) -> Vec<bool> {
        g.authors.iter().map(|a| self.is_bot(a)).collect()
    }
}

/// Whose models an author statistic counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthorBasis {
    /// The namespace owner of each model.
    Owners,
    /// The commit authors of each model's repo.
    Contributors,
    /// Both, each author once per model.
    #[default]
    Both,
}

impl AuthorBasis {
    /// The distinct non-bot author ids of model `v` on this basis, into `out`.
    pub fn authors_of(self, g: &LineageGraph, v: u32, bots: &[bool], out: &mut Vec<u32>) {
        out.clear();
        let m = &g.models[v as usize];
        if matches!(self, AuthorBasis::Owners | AuthorBasis::Both) && m.author != NONE {
            out.push(m.author);
        }
        if matches!(self, AuthorBasis::Contributors | AuthorBasis::Both) {
            out.extend_from_slice(g.contributors.row(v));
        }
        out.retain(|&a| !bots.get(a as usize).copied().unwrap_or(false));
        out.sort_unstable();
        out.dedup();
    }
}

/// A timeline for the dated models `scope` selects.
pub fn timeline(g: &LineageGraph, scope: &Scope, unit: Unit) -> Timeline {
    Timeline::spanning(unit, scope.dated(g).map(|(_, d)| d), scope.from, scope.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architecture_names_read_well() {
        assert_eq!(
            architecture_name("LlamaForCausalLM").as_deref(),
            Some("Llama")
        );
        assert_eq!(
            architecture_name("GPT2LMHeadModel").as_deref(),
            Some("GPT-2")
        );
        assert_eq!(
            architecture_name("GPTNeoXForCausalLM").as_deref(),
            Some("GPT-NeoX")
        );
        assert_eq!(architecture_name("BloomModel").as_deref(), Some("Bloom"));
        assert_eq!(
            architecture_name("L,l,a,m,a,F,o,r,C,a,u,s,a,l,L,M").as_deref(),
            Some("Llama")
        );
        assert_eq!(architecture_name("Unknown"), None);
        assert_eq!(architecture_name("?"), None);
    }

    #[test]
    fn size_classes_are_half_open() {
        let s = SizeClasses::new(vec![4.0, 1.5]);
        assert_eq!(s.len(), 3);
        assert_eq!(s.class_of(1.0), 0);
        assert_eq!(s.class_of(1.5), 1);
        assert_eq!(s.class_of(7.24), 2);
        assert_eq!(s.label(0), "<1.5B");
        assert_eq!(s.label(1), "1.5–4B");
        assert_eq!(s.label(2), "≥4B");
    }

    #[test]
    fn bots_by_suffix_and_list() {
        let b = Bots::new(["some-ci-account".to_string()]);
        assert!(b.is_bot("SFconvertbot"));
        assert!(b.is_bot("Some-CI-Account"));
        assert!(b.is_bot("librarian-Bot"));
        assert!(b.is_bot("System"));
        assert!(!b.is_bot("TheBloke"));
    }
}
