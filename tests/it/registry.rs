//! The analysis registry as a client such as the server uses it: list every analysis with
//! its parameters, run one from a query-string map on the embedded sample, get its tables
//! as JSON and CSV and its chart as SVG, and get errors that name the parameter and what it
//! accepts. Running from a map and from the spec file give the same numbers.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use lineage::analysis::registry::{self, Context};
use lineage::analysis::{AnalysisError, ANALYSES};
use lineage::graph::LineageGraph;
use lineage::report::{self, Source};

use crate::common::{build_files, root};

fn sample() -> &'static LineageGraph {
    static G: OnceLock<LineageGraph> = OnceLock::new();
    G.get_or_init(|| {
        let dir = root().join("graphs/sample");
        let files: Vec<PathBuf> = ["details.csv", "leaderboard.csv", "commits.csv"]
            .iter()
            .map(|f| dir.join(f))
            .collect();
        build_files(&files).0
    })
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn every_analysis_runs_from_defaults_to_json_csv_and_svg() {
    let g = sample();
    for a in ANALYSES {
        let o = a
            .parse_query(&BTreeMap::new())
            .unwrap()
            .run(g, &Context::builtin())
            .unwrap_or_else(|e| panic!("{}: {e}", a.name()));
        assert_eq!(o.name, a.name());
        let json = o.to_json();
        let tables = json["tables"].as_array().unwrap();
        assert_eq!(tables.len(), 1 + o.extra.len(), "{}", a.name());
        assert_eq!(tables[0]["name"], a.name());
        assert_eq!(
            tables[0]["rows"].as_array().unwrap().len(),
            o.table.len(),
            "{}",
            a.name()
        );
        let csv = o.table.to_csv_string();
        assert_eq!(csv.lines().count(), o.table.len() + 1, "{}", a.name());
        let svg = o.svg().unwrap();
        assert!(
            svg.starts_with("<svg") || svg.starts_with("<?xml"),
            "{}",
            a.name()
        );
        roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{}: the SVG does not parse: {e}", a.name()));
    }
}

#[test]
fn a_query_map_gives_the_same_tables_as_the_spec_file() {
    let g = sample();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("q.toml");
    std::fs::write(
        &spec,
        "analysis = \"new-models-by-architecture\"\n[params]\nunit = \"week\"\nthreshold = 0.1\nkeep = [\"Mistral\"]\n",
    )
    .unwrap();
    let (_, specs) = report::load(&spec, Source::Files).unwrap();
    let from_spec = report::compute(g, &specs[0], Source::Files).unwrap();
    let from_map = registry::find("new-models-by-architecture")
        .unwrap()
        .parse_query(&map(&[
            ("unit", "week"),
            ("threshold", "0.1"),
            ("keep", "Mistral"),
        ]))
        .unwrap()
        .run(g, &Context::builtin())
        .unwrap();
    assert_eq!(from_spec.table, from_map.table);
    assert_eq!(from_spec.extra, from_map.extra);
    assert!(from_map.table.columns.iter().any(|c| c == "period"));
}

#[test]
fn bad_parameters_name_the_parameter_and_the_accepted_values() {
    let a = registry::find("new-models-by-type").unwrap();
    let e = a.parse_query(&map(&[("unit", "year")])).unwrap_err();
    assert_eq!(e.param, "unit");
    assert_eq!(e.accepted, ["day", "week", "month"]);
    let e = a.parse_query(&map(&[("units", "week")])).unwrap_err();
    assert_eq!(e.param, "units");
    assert!(e.accepted.contains(&"unit".to_string()), "{e}");
    let e = registry::find("derivative-counts")
        .unwrap()
        .parse_query(&map(&[("top", "many")]))
        .unwrap_err();
    assert_eq!(
        (e.param.as_str(), e.message.as_str()),
        ("top", "'many' is not a whole number")
    );
    let e = registry::find("new-models-by-architecture")
        .unwrap()
        .parse_query(&map(&[("threshold", "5")]))
        .unwrap_err();
    assert!(e.message.contains("from 0 to 1"), "{e}");

    // A model the graph does not hold is an error about the parameter, with suggestions.
    let run = registry::find("improvement-over-days")
        .unwrap()
        .parse_query(&map(&[("bases", "no-such/model")]))
        .unwrap()
        .run(sample(), &Context::builtin());
    match run {
        Err(AnalysisError::Param(e)) => {
            assert_eq!(e.param, "bases");
            assert!(
                e.message.contains("base unknown model 'no-such/model'"),
                "{e}"
            );
        }
        other => panic!("expected a parameter error, got {other:?}"),
    }

    // A request cannot make the server read files: only built-in tables can be named.
    let run = registry::find("release-effect")
        .unwrap()
        .parse_query(&map(&[("releases", "/etc/passwd")]))
        .unwrap()
        .run(sample(), &Context::builtin());
    match run {
        Err(AnalysisError::Param(e)) => {
            assert_eq!(e.param, "releases");
            assert!(e.message.contains("not a built-in table"), "{e}");
        }
        other => panic!("expected a parameter error, got {other:?}"),
    }
}

#[test]
fn the_listing_names_every_parameter_with_type_and_default() {
    let l = registry::listing();
    let l = l.as_array().unwrap();
    assert_eq!(l.len(), ANALYSES.len());
    for a in l {
        assert!(!a["title"].as_str().unwrap().is_empty());
        assert!(!a["description"].as_str().unwrap().is_empty());
        let params = a["params"].as_array().unwrap();
        assert_eq!(params[0]["name"], "from");
        for p in params {
            assert!(p["type"].is_string() && p["default"].is_string(), "{p}");
            assert!(!p["description"].as_str().unwrap().is_empty(), "{p}");
        }
    }
}

/// A base of the improvement figures is `MODEL` or `MODEL=PATTERN/SIZE`: the name method
/// alone can measure a pattern whose model the graph lacks; the lineage method cannot, and a
/// malformed pattern is an error about `bases` naming what is accepted.
#[test]
fn improvement_bases_take_a_pattern_and_refuse_what_cannot_be_measured() {
    let per_base = registry::find("improvement-per-base").unwrap();
    let run = |pairs: &[(&str, &str)]| {
        per_base
            .parse_query(&map(pairs))
            .unwrap()
            .run(sample(), &Context::builtin())
    };
    let o = run(&[("bases", "no-such/model=mistral7b/7"), ("method", "name")])
        .expect("the name method needs no model");
    assert_eq!(o.table.len(), 1);
    assert_eq!(
        o.table.get(0, "pattern").and_then(|c| c.as_str()),
        Some("mistral7b/7")
    );
    assert!(
        o.table
            .get(0, "members_measured")
            .unwrap()
            .as_f64()
            .unwrap()
            > 0.0
    );
    for (bases, method, says) in [
        (
            "no-such/model=mistral7b/7",
            "both",
            "unknown model 'no-such/model'",
        ),
        (
            "mistralai/Mistral-7B-v0.1=mistral7b",
            "both",
            "PATTERN/SIZE",
        ),
        (
            "mistralai/Mistral-7B-v0.1=mistral7b/big",
            "name",
            "'big' is not a size",
        ),
    ] {
        match run(&[("bases", bases), ("method", method)]) {
            Err(AnalysisError::Param(e)) => {
                assert_eq!(e.param, "bases");
                assert!(e.message.contains(says), "{e}");
                assert!(e.accepted[0].contains("=PATTERN/SIZE"), "{e}");
            }
            other => panic!("{bases}: expected a parameter error, got {other:?}"),
        }
    }
    // Both methods, both units as columns, the normalised one named by the chosen unit.
    let o = run(&[
        ("bases", "mistralai/Mistral-7B-v0.1"),
        ("method", "both"),
        ("unit", "percent"),
    ])
    .unwrap();
    assert_eq!(o.table.len(), 2);
    for c in [
        "improvement_points",
        "improvement_pct_of_reference",
        "normalized_pct_of_reference",
    ] {
        assert!(o.table.column(c).is_some(), "{c}: {:?}", o.table.columns);
    }
}
