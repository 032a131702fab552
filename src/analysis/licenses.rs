//! The license distribution with commercial, academic and personal use permissions (the
//! papers' license table). What each license permits is data (`graphs/licenses.csv`),
//! so users can correct or extend it.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::IngestError;
use crate::graph::LineageGraph;
use crate::model::Model;

use super::{Cell, Scope, Table};

/// The permissions table shipped with the project.
pub const BUILTIN: &str = include_str!("../../graphs/licenses.csv");

/// The license shown for models that declare none.
pub const NONE_DECLARED: &str = "(none)";

/// What one license permits.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseTerms {
    /// The license id as the Hub spells it.
    pub license: String,
    /// The family the compatibility rules (`license-rules.csv`) speak of.
    pub class: String,
    /// What it says about commercial use.
    pub commercial: String,
    /// What it says about academic use.
    pub academic: String,
    /// What it says about personal use.
    pub personal: String,
    /// Anything else worth knowing.
    pub note: String,
}

/// License id -> terms.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    terms: FxHashMap<String, LicenseTerms>,
}

impl Permissions {
    /// The license table a `licenses` parameter names, or the built-in one.
    pub fn from_param(
        cx: &crate::analysis::registry::Context,
        given: &Option<toml::Spanned<String>>,
    ) -> Result<Permissions, crate::analysis::registry::AnalysisError> {
        let (path, text) = cx.table("licenses", given, "graphs/licenses.csv")?;
        Ok(Permissions::parse(&path, &text)?)
    }

    /// Reads a license table from `text`; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Permissions, IngestError> {
        let rows = read_rows(
            path,
            text,
            &["license", "class", "commercial", "academic", "personal"],
        )?;
        let mut terms = FxHashMap::default();
        for (line, r) in rows {
            for (i, col) in ["commercial", "academic", "personal"].iter().enumerate() {
                let v = r[i + 2].as_str();
                if !matches!(v, "yes" | "no" | "conditional" | "unknown") {
                    return Err(IngestError::Config {
                        path: path.to_path_buf(),
                        line,
                        detail: format!(
                            "{col} is '{v}'; expected one of yes, no, conditional, unknown"
                        ),
                    });
                }
            }
            let t = LicenseTerms {
                license: normalize(&r[0]),
                class: r[1].clone(),
                commercial: r[2].clone(),
                academic: r[3].clone(),
                personal: r[4].clone(),
                note: r.get(5).cloned().unwrap_or_default(),
            };
            terms.insert(t.license.clone(), t);
        }
        Ok(Permissions { terms })
    }

    /// The built-in license table (`graphs/licenses.csv`).
    pub fn builtin() -> Permissions {
        Permissions::parse(Path::new("graphs/licenses.csv"), BUILTIN).unwrap_or_default()
    }

    /// The terms of `license`, if the table has it.
    pub fn get(&self, license: &str) -> Option<&LicenseTerms> {
        self.terms.get(license)
    }

    /// The class of a (normalised) license: its table entry's, `unknown` otherwise.
    pub fn class_of(&self, license: &str) -> &str {
        self.terms
            .get(license)
            .map_or("unknown", |t| t.class.as_str())
    }
}

/// A license id as the Hub writes it: lower case, without list brackets or quotes
/// (some exports write `['apache-2.0']`).
pub fn normalize(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_matches(|c| c == '\'' || c == '"' || c == ' ')
        .to_lowercase()
}

/// The normalised license of a model, [`NONE_DECLARED`] when it has none.
pub fn license_of(g: &LineageGraph, m: &Model) -> String {
    match g.symbol(m.license).map(normalize) {
        Some(l) if !l.is_empty() => l,
        _ => NONE_DECLARED.to_string(),
    }
}

/// Reads a small CSV config with `#` comments and the `required` columns first (in order;
/// extra columns kept). Returns `(line, fields)` per row.
pub(crate) fn read_rows(
    path: &Path,
    text: &str,
    required: &[&str],
) -> Result<Vec<(u64, Vec<String>)>, IngestError> {
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
    let names: Vec<&str> = headers.iter().map(str::trim).collect();
    if names.len() < required.len() || names[..required.len()] != *required {
        return Err(err(
            headers.position().map_or(1, |p| p.line()),
            format!("the header must start with {}", required.join(",")),
        ));
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if fields.len() < required.len() {
            return Err(err(
                line,
                format!(
                    "{} fields; expected at least {} ({})",
                    fields.len(),
                    required.len(),
                    required.join(",")
                ),
            ));
        }
        out.push((line, fields));
    }
    Ok(out)
}

/// How many selected models carry one license.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseCount {
    /// The license id, as [`license_of`] gives it.
    pub license: String,
    /// Models with it.
    pub models: usize,
    /// Their share of the selected models, 0 to 1.
    pub share: f64,
    /// What the license permits, if the license table has it.
    pub terms: Option<LicenseTerms>,
}

/// Models per license, most common first (ties by name). Linear in models.
pub fn license_distribution(
    g: &LineageGraph,
    scope: &Scope,
    permissions: &Permissions,
) -> Vec<LicenseCount> {
    let mut counts: FxHashMap<String, usize> = FxHashMap::default();
    let mut total = 0usize;
    for v in scope.models(g) {
        *counts
            .entry(license_of(g, &g.models[v as usize]))
            .or_default() += 1;
        total += 1;
    }
    let mut rows: Vec<LicenseCount> = counts
        .into_iter()
        .map(|(license, models)| LicenseCount {
            share: models as f64 / total.max(1) as f64,
            terms: permissions.get(&license).cloned(),
            license,
            models,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.models
            .cmp(&a.models)
            .then_with(|| a.license.cmp(&b.license))
    });
    rows
}

/// The counts as a table, one row per license.
pub fn table(rows: &[LicenseCount]) -> Table {
    let mut t = Table::new([
        "license",
        "models",
        "share",
        "class",
        "commercial",
        "academic",
        "personal",
        "note",
    ]);
    for r in rows {
        let field =
            |f: fn(&LicenseTerms) -> &str| Cell::text(r.terms.as_ref().map_or("unknown", f));
        t.push(vec![
            Cell::text(&r.license),
            Cell::int(r.models),
            Cell::float(r.share),
            field(|t| &t.class),
            field(|t| &t.commercial),
            field(|t| &t.academic),
            field(|t| &t.personal),
            Cell::text(r.terms.as_ref().map_or("", |t| t.note.as_str())),
        ]);
    }
    t
}

/// Models per permission value (`yes`, `no`, `conditional`, `unknown`) for each of
/// commercial, academic and personal use.
pub fn permission_summary(rows: &[LicenseCount]) -> Table {
    let mut t = Table::new(["use", "yes", "conditional", "no", "unknown"]);
    for (name, f) in [
        (
            "commercial",
            (|t: &LicenseTerms| t.commercial.as_str()) as fn(&LicenseTerms) -> &str,
        ),
        ("academic", |t: &LicenseTerms| t.academic.as_str()),
        ("personal", |t: &LicenseTerms| t.personal.as_str()),
    ] {
        let mut c = [0usize; 4];
        for r in rows {
            let v = r.terms.as_ref().map_or("unknown", f);
            let i = match v {
                "yes" => 0,
                "conditional" => 1,
                "no" => 2,
                _ => 3,
            };
            c[i] += r.models;
        }
        t.push(vec![
            Cell::text(name),
            Cell::int(c[0]),
            Cell::int(c[1]),
            Cell::int(c[2]),
            Cell::int(c[3]),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `licenses` analysis.
    Params {
        /// how many licenses the chart shows
        top: usize = 25,
        /// table of license terms (default: the built-in graphs/licenses.csv)
        licenses: Option<toml::Spanned<String>> = None,
    }
);

/// The `licenses` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct LicensesAnalysis;

impl crate::analysis::registry::Compute for LicensesAnalysis {
    const NAME: &'static str = "licenses";
    const TITLE: &'static str = "License distribution and permissions";
    const DESCRIPTION: &'static str =
        "Models per license with what each license permits (the papers' license table).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, log_headroom, row_span};
        use crate::analysis::notes::{flagged_note, graph_note};
        use crate::analysis::{self, Output};
        use crate::render::palette::{self, TEXT};
        use crate::render::{Anchor, Axis, Figure, Layer, LegendEntry, Panel};

        let perms = &crate::analysis::licenses::Permissions::from_param(cx, &p.licenses)?;

        let sc = p.scope();
        let rows = analysis::licenses::license_distribution(g, &sc, perms);
        let shown = &rows[..rows.len().min(p.top)];
        let names: Vec<String> = shown.iter().map(|r| r.license.clone()).collect();
        let n = shown.len();
        let max = shown.iter().map(|r| r.models).max().unwrap_or(1) as f64;
        let _ = log_headroom;
        let mut panel = Panel::new(
            Axis::new("models").from_zero().range(0.0, max * 1.05),
            category_axis_top_down("", &names),
        );
        for value in ["yes", "conditional", "no", "unknown"] {
            let bars: Vec<(f64, f64, f64, f64)> = shown
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.terms
                        .as_ref()
                        .map_or("unknown", |t| t.commercial.as_str())
                        == value
                })
                .map(|(i, r)| {
                    let (y0, y1) = row_span(n, i, 0.7);
                    (y0, y1, 0.0, r.models as f64)
                })
                .collect();
            panel.layers.push(Layer::HBars {
                color: palette::permission(value),
                bars,
            });
        }
        panel.layers.push(Layer::Labels {
            color: TEXT,
            labels: shown
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        r.models as f64,
                        (n - 1 - i) as f64 + 0.5,
                        format!("{} ({:.1}%)", r.models, r.share * 100.0),
                    )
                })
                .collect(),
            anchor: Anchor::Right,
        });
        let mut fig = Figure::new("Model licenses");
        let hidden = &rows[shown.len()..];
        fig.subtitle = Some(format!(
            "{}; bar colour: whether the license allows commercial use (graphs/licenses.csv)",
            if hidden.is_empty() {
                format!("All {} licenses", rows.len())
            } else {
                format!(
                    "The {} most used of {} licenses; the other {} hold {} models (all in the table)",
                    shown.len(),
                    rows.len(),
                    hidden.len(),
                    hidden.iter().map(|r| r.models).sum::<usize>()
                )
            }
        ));
        fig.height = (260 + 30 * n as u32).max(700);
        fig.panels.push(panel);
        fig.legend = vec![
            LegendEntry::heading("commercial use"),
            LegendEntry::boxed("allowed", palette::permission("yes")),
            LegendEntry::boxed("under conditions", palette::permission("conditional")),
            LegendEntry::boxed("not allowed", palette::permission("no")),
            LegendEntry::boxed("unknown", palette::permission("unknown")),
        ];
        fig.note = Some(format!(
            "{}; {}; (none): no license declared",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "License distribution and permissions (table 5)".into(),
        description: "Models per license with what each license permits for commercial, academic and personal use (the papers' license table).".into(),
        table: analysis::licenses::table(&rows),
        extra: vec![("permissions".into(), "Models by permission".into(), analysis::licenses::permission_summary(&rows))],
        figure: fig,
        notes: vec![format!("{} licenses, {} models", rows.len(), rows.iter().map(|r| r.models).sum::<usize>())],
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn builtin_permissions_parse_and_normalise() {
        let p = Permissions::builtin();
        assert_eq!(p.get("cc-by-nc-4.0").unwrap().commercial, "no");
        assert_eq!(p.class_of("llama2"), "llama");
        assert_eq!(p.class_of("made-up"), "unknown");
        assert_eq!(normalize("['Apache-2.0']"), "apache-2.0");
    }

    #[test]
    fn distribution_counts_models_per_license() {
        let lb = [
            lb_row(
                "a/1",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "apache-2.0",
                7.0,
                false,
            ),
            lb_row(
                "a/2",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "['apache-2.0']",
                7.0,
                false,
            ),
            lb_row(
                "a/3",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "cc-by-nc-4.0",
                7.0,
                false,
            ),
            lb_row(
                "a/4",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "?",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build("", &lb, "");
        let rows = license_distribution(&g, &Scope::default(), &Permissions::builtin());
        let got: Vec<(&str, usize)> = rows
            .iter()
            .map(|r| (r.license.as_str(), r.models))
            .collect();
        assert_eq!(got, [("apache-2.0", 2), ("(none)", 1), ("cc-by-nc-4.0", 1)]);
        let s = permission_summary(&rows);
        // commercial: 2 yes, 1 no, 1 unknown.
        assert_eq!(
            s.rows[0][1..],
            [Cell::Int(2), Cell::Int(0), Cell::Int(1), Cell::Int(1)]
        );
    }

    #[test]
    fn bad_permission_values_name_line_and_choices() {
        let text = "license,class,commercial,academic,personal\nmit,permissive,sure,yes,yes\n";
        let e = Permissions::parse(Path::new("l.csv"), text)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("l.csv:2") && e.contains("yes, no, conditional, unknown"),
            "{e}"
        );
    }
}
