//! License drift along lineage: edges where a derivative's license is incompatible with
//! its base's, or cannot be checked against it. The compatibility rules are data
//! (`graphs/license-rules.csv`), each with a short rationale.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::IngestError;
use crate::graph::LineageGraph;
use crate::model::EdgeKind;

use super::licenses::{license_of, read_rows, Permissions};
use super::{Cell, Scope, Table};

/// The rules shipped with the project.
pub const BUILTIN: &str = include_str!("../../graphs/license-rules.csv");

/// Whether a derivative's license is allowed by its base's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// The licenses go together.
    Ok,
    /// The derivative's license breaks the base's terms.
    Incompatible,
    /// No rule decides (an unknown or custom license on either side).
    Unverifiable,
}

impl Verdict {
    /// The name used in tables and rule files (`ok`, `incompatible`, `unverifiable`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Incompatible => "incompatible",
            Verdict::Unverifiable => "unverifiable",
        }
    }
}

/// One line of the license rule table: a base license, a derivative license and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The base's license id, or `*` for any.
    pub base: String,
    /// The derivative's license id, or `*` for any.
    pub derivative: String,
    /// What the pair is judged.
    pub verdict: Verdict,
    /// Why, in a few words.
    pub rationale: String,
    /// Line of the rule in its file.
    pub line: u64,
}

/// The license rule table, in file order: the first rule that matches a pair decides.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

impl Rules {
    /// The rules table a `rules` parameter names, or the built-in one.
    pub fn from_param(
        cx: &crate::analysis::registry::Context,
        given: &Option<toml::Spanned<String>>,
    ) -> Result<Rules, crate::analysis::registry::AnalysisError> {
        let (path, text) = cx.table("rules", given, "graphs/license-rules.csv")?;
        Ok(Rules::parse(&path, &text)?)
    }

    /// Reads a rule table (`base,derivative,verdict,rationale`) from `text`; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Rules, IngestError> {
        let rows = read_rows(path, text, &["base", "derivative", "verdict", "rationale"])?;
        let mut rules = Vec::with_capacity(rows.len());
        for (line, r) in rows {
            let verdict = match r[2].as_str() {
                "ok" => Verdict::Ok,
                "incompatible" => Verdict::Incompatible,
                "unverifiable" => Verdict::Unverifiable,
                other => {
                    return Err(IngestError::Config {
                        path: path.to_path_buf(),
                        line,
                        detail: format!(
                            "verdict '{other}'; expected one of ok, incompatible, unverifiable"
                        ),
                    })
                }
            };
            rules.push(Rule {
                base: r[0].clone(),
                derivative: r[1].clone(),
                verdict,
                rationale: r[3].clone(),
                line,
            });
        }
        Ok(Rules { rules })
    }

    /// The built-in rules (`graphs/license-rules.csv`).
    pub fn builtin() -> Rules {
        Rules::parse(Path::new("graphs/license-rules.csv"), BUILTIN).unwrap_or_default()
    }

    /// The index of the first rule matching the two classes, if any.
    pub fn decide(&self, base_class: &str, derivative_class: &str) -> Option<usize> {
        let m = |pat: &str, class: &str| pat == "*" || pat == class;
        self.rules
            .iter()
            .position(|r| m(&r.base, base_class) && m(&r.derivative, derivative_class))
    }
}

/// One lineage edge whose licenses do not go together.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftEdge {
    /// The parent model.
    pub base: u32,
    /// The child model.
    pub derivative: u32,
    /// How the child was made from the parent.
    pub kind: EdgeKind,
    /// The parent's license id.
    pub base_license: String,
    /// The child's license id.
    pub derivative_license: String,
    /// The pair's verdict.
    pub verdict: Verdict,
    /// Index into the rules.
    pub rule: usize,
}

/// Edges per license pair with one verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftPair {
    /// The parent's license id.
    pub base_license: String,
    /// The child's license id.
    pub derivative_license: String,
    /// The pair's verdict.
    pub verdict: Verdict,
    /// Lineage edges with this pair.
    pub edges: usize,
    /// Index into the rules of the rule that decided.
    pub rule: usize,
}

/// License drift along lineage edges: each edge's base and derivative licenses judged by the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseDrift {
    /// Edges per verdict (`ok`, `incompatible`, `unverifiable`).
    pub verdicts: [usize; 3],
    /// Edges left out because the base is a stub (nothing is known of it).
    pub stub_bases: usize,
    /// The non-ok edges, by verdict then pair then names.
    pub edges: Vec<DriftEdge>,
    /// The non-ok license pairs, most edges first.
    pub pairs: Vec<DriftPair>,
}

/// Checks every lineage edge between two selected models (the date range applies to the
/// derivative). Linear in edges.
pub fn license_drift(
    g: &LineageGraph,
    scope: &Scope,
    permissions: &Permissions,
    rules: &Rules,
) -> LicenseDrift {
    let mut out = LicenseDrift {
        verdicts: [0; 3],
        stub_bases: 0,
        edges: Vec::new(),
        pairs: Vec::new(),
    };
    let mut pairs: FxHashMap<(String, String, Verdict), (usize, usize)> = FxHashMap::default();
    for child in scope.models(g) {
        for (base, kind) in g.parent_edges_of(child) {
            let bm = &g.models[base as usize];
            if bm.is_stub() {
                out.stub_bases += 1;
                continue;
            }
            if !scope.counts(bm) {
                continue;
            }
            let bl = license_of(g, bm);
            let dl = license_of(g, &g.models[child as usize]);
            let rule = rules.decide(permissions.class_of(&bl), permissions.class_of(&dl));
            let verdict = rule.map_or(Verdict::Ok, |i| rules.rules[i].verdict);
            out.verdicts[verdict as usize] += 1;
            let (Some(rule), false) = (rule, verdict == Verdict::Ok) else {
                continue;
            };
            pairs
                .entry((bl.clone(), dl.clone(), verdict))
                .or_insert((0, rule))
                .0 += 1;
            out.edges.push(DriftEdge {
                base,
                derivative: child,
                kind,
                base_license: bl,
                derivative_license: dl,
                verdict,
                rule,
            });
        }
    }
    out.edges.sort_by(|a, b| {
        (
            a.verdict,
            &a.base_license,
            &a.derivative_license,
            g.name(a.base),
            g.name(a.derivative),
        )
            .cmp(&(
                b.verdict,
                &b.base_license,
                &b.derivative_license,
                g.name(b.base),
                g.name(b.derivative),
            ))
    });
    out.pairs = pairs
        .into_iter()
        .map(|((b, d, verdict), (edges, rule))| DriftPair {
            base_license: b,
            derivative_license: d,
            verdict,
            edges,
            rule,
        })
        .collect();
    out.pairs.sort_by(|a, b| {
        a.verdict
            .cmp(&b.verdict)
            .then(b.edges.cmp(&a.edges))
            .then_with(|| {
                (&a.base_license, &a.derivative_license)
                    .cmp(&(&b.base_license, &b.derivative_license))
            })
    });
    out
}

impl LicenseDrift {
    /// Edges checked: every edge gets one verdict.
    pub fn checked(&self) -> usize {
        self.verdicts.iter().sum()
    }

    /// Edges with verdict `v`.
    pub fn count(&self, v: Verdict) -> usize {
        self.verdicts[v as usize]
    }

    /// License pairs as a table, one row per pair and verdict.
    pub fn pairs_table(&self, rules: &Rules) -> Table {
        let mut t = Table::new([
            "base_license",
            "derivative_license",
            "verdict",
            "edges",
            "rationale",
        ]);
        for p in &self.pairs {
            t.push(vec![
                Cell::text(&p.base_license),
                Cell::text(&p.derivative_license),
                Cell::text(p.verdict.as_str()),
                Cell::int(p.edges),
                Cell::text(rules.rules.get(p.rule).map_or("", |r| r.rationale.as_str())),
            ]);
        }
        t
    }

    /// The edges that do not pass as a table, one row per edge.
    pub fn edges_table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new([
            "base",
            "derivative",
            "kind",
            "base_license",
            "derivative_license",
            "verdict",
        ]);
        for e in &self.edges {
            t.push(vec![
                Cell::text(g.name(e.base)),
                Cell::text(g.name(e.derivative)),
                Cell::text(e.kind.as_str()),
                Cell::text(&e.base_license),
                Cell::text(&e.derivative_license),
                Cell::text(e.verdict.as_str()),
            ]);
        }
        t
    }
}

crate::params!(
    /// The parameters of the `license-drift` analysis.
    Params {
        /// table of license terms (default: the built-in graphs/licenses.csv)
        licenses: Option<toml::Spanned<String>> = None,
        /// table of license compatibility rules (default: the built-in graphs/license-rules.csv)
        rules: Option<toml::Spanned<String>> = None,
        /// how many license pairs the chart shows
        top: usize = 20,
    }
);

/// The `license-drift` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct LicenseDriftAnalysis;

impl crate::analysis::registry::Compute for LicenseDriftAnalysis {
    const NAME: &'static str = "license-drift";
    const TITLE: &'static str = "License drift along lineage";
    const DESCRIPTION: &'static str = "Lineage edges where a derivative's license claims rights its base's license does not grant, or where either side is unknown.";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, row_span};
        use crate::analysis::notes::{flagged_note, graph_note};
        use crate::analysis::{self, Output};
        use crate::render::palette::{self, TEXT};
        use crate::render::{Anchor, Axis, Figure, Layer, LegendEntry, Panel};

        use crate::analysis::license_drift::Verdict;

        let perms = &crate::analysis::licenses::Permissions::from_param(cx, &p.licenses)?;
        let rules = &crate::analysis::license_drift::Rules::from_param(cx, &p.rules)?;

        let sc = p.scope();
        let d = analysis::license_drift::license_drift(g, &sc, perms, rules);
        let shown = &d.pairs[..d.pairs.len().min(p.top)];
        let names: Vec<String> = shown
            .iter()
            .map(|x| format!("{} → {}", x.base_license, x.derivative_license))
            .collect();
        let n = shown.len();
        let max = shown.iter().map(|x| x.edges).max().unwrap_or(1) as f64;
        let mut panel = Panel::new(
            Axis::new("lineage edges (base → derivative)")
                .from_zero()
                .range(0.0, max * 1.12),
            category_axis_top_down("", &names),
        );
        let color = |v: Verdict| match v {
            Verdict::Incompatible => palette::permission("no"),
            Verdict::Unverifiable => palette::GREY,
            Verdict::Ok => palette::permission("yes"),
        };
        for v in [Verdict::Incompatible, Verdict::Unverifiable] {
            panel.layers.push(Layer::HBars {
                color: color(v),
                bars: shown
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.verdict == v)
                    .map(|(i, x)| {
                        let (y0, y1) = row_span(n, i, 0.7);
                        (y0, y1, 0.0, x.edges as f64)
                    })
                    .collect(),
            });
        }
        panel.layers.push(Layer::Labels {
            color: TEXT,
            labels: shown
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    (
                        x.edges as f64,
                        (n - 1 - i) as f64 + 0.5,
                        x.edges.to_string(),
                    )
                })
                .collect(),
            anchor: Anchor::Right,
        });
        let mut fig = Figure::new("License drift along lineage");
        fig.subtitle = Some(format!(
        "{} edges checked: {} ok, {} incompatible, {} unverifiable (rules: graphs/license-rules.csv)",
        d.checked(), d.count(Verdict::Ok), d.count(Verdict::Incompatible), d.count(Verdict::Unverifiable)
    ));
        fig.height = (260 + 30 * n as u32).max(600);
        fig.panels.push(panel);
        fig.legend = vec![
            LegendEntry::boxed("incompatible", color(Verdict::Incompatible)),
            LegendEntry::boxed("unverifiable", color(Verdict::Unverifiable)),
        ];
        fig.note = Some(format!(
            "{}; {}; {} edges from bases no input describes not checked",
            graph_note(g),
            flagged_note(p.include_flagged),
            d.stub_bases
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "License drift along lineage".into(),
        description: "Lineage edges where a derivative's license claims rights its base's license does not grant, or where one side's terms are unknown, counted per pair of licenses; the edges are listed in full.".into(),
        table: d.pairs_table(rules),
        extra: vec![("edges".into(), "Edges".into(), d.edges_table(g))],
        figure: fig,
        notes: vec![format!("{} checked, {} ok, {} incompatible, {} unverifiable, {} from stub bases", d.checked(), d.count(Verdict::Ok), d.count(Verdict::Incompatible), d.count(Verdict::Unverifiable), d.stub_bases)],
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn builtin_rules_decide_the_papers_cases() {
        let r = Rules::builtin();
        let v = |a, b| r.decide(a, b).map_or(Verdict::Ok, |i| r.rules[i].verdict);
        assert_eq!(v("non-commercial", "permissive"), Verdict::Incompatible);
        assert_eq!(v("llama", "permissive"), Verdict::Incompatible);
        assert_eq!(v("gemma", "permissive"), Verdict::Incompatible);
        assert_eq!(v("unknown", "permissive"), Verdict::Unverifiable);
        assert_eq!(v("permissive", "unknown"), Verdict::Unverifiable);
        assert_eq!(v("permissive", "non-commercial"), Verdict::Ok);
        assert_eq!(v("llama", "llama"), Verdict::Ok);
        assert!(r.rules.iter().all(|r| !r.rationale.is_empty()));
    }

    #[test]
    fn drift_edges_and_pairs() {
        let details = "0,a/nc,a,,,1,,[],,,\n\
                       1,b/free,b,,,2,,[],,,a/nc\n\
                       2,b/free2,b,,,3,,[],,,a/nc\n\
                       3,c/ok,c,,,4,,[],,,a/nc\n\
                       4,d/x,d,,,1,,[],,,someone/stub\n";
        let lb = [
            lb_row(
                "a/nc",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "cc-by-nc-4.0",
                7.0,
                false,
            ),
            lb_row(
                "b/free",
                "🔶 fine-tuned",
                50.0,
                "LlamaForCausalLM",
                "apache-2.0",
                7.0,
                false,
            ),
            lb_row(
                "b/free2",
                "🔶 fine-tuned",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "c/ok",
                "🔶 fine-tuned",
                50.0,
                "LlamaForCausalLM",
                "cc-by-nc-sa-4.0",
                7.0,
                false,
            ),
            lb_row(
                "d/x",
                "🔶 fine-tuned",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let d = license_drift(
            &g,
            &Scope::default(),
            &Permissions::builtin(),
            &Rules::builtin(),
        );
        assert_eq!(d.checked(), 3);
        assert_eq!(d.stub_bases, 1);
        assert_eq!(d.verdicts, [1, 2, 0]);
        assert_eq!(d.pairs.len(), 2);
        assert_eq!(g.name(d.edges[0].derivative), "b/free");
        assert_eq!(d.pairs[0].verdict, Verdict::Incompatible);
        assert!(d.pairs_table(&Rules::builtin()).rows[0][4]
            .to_string()
            .contains("non-commercial"));
    }
}
