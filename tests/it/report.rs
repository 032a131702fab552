//! `lineage run` and `lineage report`: spec errors name file, line and accepted values; the
//! full report on the real 2024 leaderboard data writes every figure and table, the numbers
//! behind several figures match an independent count, and every chart is a valid image.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

use lineage::graph::{file, LineageGraph};
use lineage::ingest::{self, Input};
use lineage::report::{self, Output, Source};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/openllm-2024")
}

/// The real 2024 graph, built once per test binary.
fn real_graph() -> &'static LineageGraph {
    static GRAPH: OnceLock<LineageGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let dir = data_dir();
        let inputs: Vec<Input> = ["details.csv", "leaderboard.csv", "commits.csv"]
            .iter()
            .map(|f| {
                let p = dir.join(f);
                assert!(
                    p.exists(),
                    "{} is missing: these tests read the real 2024 data from ../shared/data/openllm-2024",
                    p.display()
                );
                ingest::open_input(&p, None).unwrap()
            })
            .collect();
        lineage::build(&inputs, Default::default(), None).unwrap().0
    })
}

/// The real graph saved as a file, for the command-line tests.
fn real_graph_file() -> &'static Path {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("real.graph");
            file::save(real_graph(), &path).unwrap();
            (dir, path)
        })
        .1
}

/// `lineage report`'s work on the real graph (the project's queries/paper.toml), done once.
fn real_report() -> &'static (tempfile::TempDir, Vec<Output>) {
    static REPORT: OnceLock<(tempfile::TempDir, Vec<Output>)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let paper = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/paper.toml");
        let (_, specs) = report::load(&paper, Source::Files).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let outputs: Vec<Output> = specs
            .iter()
            .map(|s| {
                let o = report::compute(real_graph(), s, Source::Files).unwrap();
                report::write(&o, dir.path()).unwrap();
                o
            })
            .collect();
        report::write_index(dir.path(), "test", "", &outputs).unwrap();
        (dir, outputs)
    })
}

fn output(name: &str) -> &'static Output {
    real_report()
        .1
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no output {name}"))
}

/// The integer in `column` of the row whose first column is `key`.
fn cell(o: &Output, key: &str, column: &str) -> i64 {
    let t = &o.table;
    let row = t
        .rows
        .iter()
        .position(|r| r[0].to_string() == key)
        .unwrap_or_else(|| panic!("{}: no row {key}", o.name));
    let v = t
        .get(row, column)
        .unwrap_or_else(|| panic!("{}: no column {column}", o.name));
    v.as_f64()
        .unwrap_or_else(|| panic!("{}: {key}/{column} is not a number", o.name)) as i64
}

/// Every analysis in the registry: the paper set runs them all.
fn figures() -> Vec<&'static str> {
    lineage::analysis::registry::names()
}

#[test]
fn paper_report_writes_every_figure_and_table() {
    let (dir, outputs) = real_report();
    assert_eq!(
        outputs.iter().map(|o| o.analysis).collect::<Vec<_>>(),
        figures(),
        "the paper set runs every registered analysis, in registry order"
    );
    let index = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    for name in figures() {
        let o = output(name);
        assert!(!o.table.is_empty(), "{name}: empty table");
        assert!(!o.description.is_empty(), "{name}: no description");
        for ext in ["csv", "svg", "png"] {
            let f = dir.path().join(format!("{name}.{ext}"));
            assert!(f.exists(), "{} not written", f.display());
            assert!(
                index.contains(&format!("{name}.{ext}")),
                "index.html lacks {name}.{ext}"
            );
        }
        assert!(
            index.contains(&o.title.replace('\'', "&#39;").replace('&', "&amp;"))
                || index.contains(&o.title),
            "{name}: title not in index.html"
        );
    }
    for extra in [
        "licenses-permissions.csv",
        "license-drift-edges.csv",
        "top-authors-activity.csv",
        "new-models-by-architecture-releases.csv",
    ] {
        assert!(dir.path().join(extra).exists(), "{extra} not written");
    }
}

#[test]
fn every_chart_is_a_valid_image() {
    let (dir, _) = real_report();
    let mut pngs = 0;
    let mut svgs = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("png") => {
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(
                    &bytes[..8],
                    b"\x89PNG\r\n\x1a\n",
                    "{}: not a PNG",
                    path.display()
                );
                // Decoding the whole image checks every chunk's CRC and the compressed data.
                let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
                let mut reader = decoder.read_info().unwrap();
                let mut buf = vec![0; reader.output_buffer_size()];
                let info = reader.next_frame(&mut buf).unwrap();
                assert!(
                    info.width >= 1000 && info.height >= 600,
                    "{}: {}x{}",
                    path.display(),
                    info.width,
                    info.height
                );
                // Not blank: a chart has many distinct colours.
                let distinct: std::collections::HashSet<&[u8]> =
                    buf.chunks(3).take(200_000).collect();
                assert!(distinct.len() > 8, "{}: looks blank", path.display());
                pngs += 1;
            }
            Some("svg") => {
                let text = std::fs::read_to_string(&path).unwrap();
                let doc = roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: not XML: {e}", path.display()));
                assert_eq!(doc.root_element().tag_name().name(), "svg");
                let texts = doc.descendants().filter(|n| n.has_tag_name("text")).count();
                assert!(texts > 10, "{}: only {texts} text elements", path.display());
                svgs += 1;
            }
            _ => {}
        }
    }
    assert_eq!((pngs, svgs), (figures().len(), figures().len()));
}

// The facts below were obtained independently with `python3 tests/report_facts.py`, which
// reads the three CSV files with Python's csv module only and applies the methodology's
// rules (best-average leaderboard row per repo, inverted Flagged column, flagged models left
// out, copied Hub metadata rows not used, bots = names ending in "bot").

#[test]
fn new_models_by_type_match_an_independent_count() {
    let o = output("new-models-by-type");
    // The report counts ISO weeks, as the papers' figure 4. python (models without a Hub date
    // dated by their first commit): the week of Monday 2024-01-08 by type {'chat': 33,
    // 'fine-tuned': 127, 'merge': 10, 'pretrained': 7, 'continuously pretrained': 1,
    // 'unknown': 4} total 182
    for (column, n) in [
        ("pretrained", 7),
        ("continuously pretrained", 1),
        ("fine-tuned", 127),
        ("chat", 33),
        ("merge", 10),
        ("unknown", 4),
        ("total", 182),
    ] {
        assert_eq!(
            cell(o, "2024-01-08", column),
            n,
            "week of 2024-01-08 {column}"
        );
    }
}

#[test]
fn license_distribution_matches_an_independent_count() {
    let o = output("licenses");
    // python: [('apache-2.0', 2880), ('other', 749), ('(none)', 680), ('cc-by-nc-4.0', 565),
    // ('mit', 467), ('llama2', 438), ('cc-by-4.0', 76), ('llama3', 69)]
    for (license, n) in [
        ("apache-2.0", 2880),
        ("other", 749),
        ("(none)", 680),
        ("cc-by-nc-4.0", 565),
        ("mit", 467),
        ("llama2", 438),
        ("cc-by-4.0", 76),
        ("llama3", 69),
    ] {
        assert_eq!(cell(o, license, "models"), n, "{license}");
    }
    // The first eight rows are those, most common first.
    assert_eq!(o.table.rows[0][0].to_string(), "apache-2.0");
    assert_eq!(o.table.rows[2][0].to_string(), "(none)");
    // Permissions come from graphs/licenses.csv.
    let nc = o.table.find("license", "cc-by-nc-4.0").unwrap();
    assert_eq!(o.table.get(nc, "commercial").unwrap().to_string(), "no");
}

#[test]
fn author_histograms_match_an_independent_count() {
    // python (tests/report_facts.py; commit authors, bots: the suffix rule and
    // graphs/bots.txt): repos per author [(1, 715), (2, 304), (3, 132), (4, 122), (5, 79),
    // (6, 177), (11, 116), (21, 44), (51, 8), (101, 0)] authors 1697
    let o = output("repos-per-author");
    for (bucket, n) in [
        ("1", 715),
        ("2", 304),
        ("3", 132),
        ("4", 122),
        ("5", 79),
        ("6–10", 177),
        ("11–20", 116),
        ("21–50", 44),
        ("51–100", 8),
        ("≥101", 0),
    ] {
        assert_eq!(cell(o, bucket, "authors"), n, "repos per author {bucket}");
    }
    // python: authors per repo [(1, 4451), (2, 700), (3, 177), (4, 87), (5, 37), (6, 28),
    // (7, 15), (8, 8), (9, 1), (10, 4), (11, 3), (12, 1), (13, 6), (17, 1), (22, 1)]
    let o = output("authors-per-repo");
    for (bucket, n) in [
        ("1", 4451),
        ("2", 700),
        ("3", 177),
        ("4", 87),
        ("9", 1),
        ("22", 1),
    ] {
        assert_eq!(cell(o, bucket, "repos"), n, "authors per repo {bucket}");
    }
}

/// The label of the report's repos-per-author bucket whose lower end is `lo`.
fn repos_bucket(lo: u64) -> String {
    match lo {
        1..=5 => lo.to_string(),
        6 => "6–10".into(),
        11 => "11–20".into(),
        21 => "21–50".into(),
        51 => "51–100".into(),
        101 => "≥101".into(),
        _ => panic!("no bucket starts at {lo}"),
    }
}

/// The report's numbers against the independent script, run now (not copied from it): new
/// models of January 2024 by type, the eight commonest licenses in order, and both author
/// histograms, bucket by bucket.
#[test]
fn report_figures_agree_with_report_facts_py() {
    let facts = report_facts();
    let pairs = |key: &str| -> Vec<(String, i64)> {
        facts[key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key} in the script's facts"))
            .iter()
            .map(|p| {
                let label = match &p[0] {
                    serde_json::Value::String(s) => s.clone(),
                    n => n.to_string(),
                };
                (label, p[1].as_i64().expect("a count"))
            })
            .collect()
    };

    let o = output("new-models-by-type");
    let week = facts["new_models_week_2024_01_08"]
        .as_object()
        .expect("counts by type");
    assert_eq!(week["total"], 182, "the script's total moved: {week:?}");
    for (column, n) in week {
        let n = n.as_i64().expect("a count");
        assert_eq!(
            cell(o, "2024-01-08", column),
            n,
            "week of 2024-01-08 {column}"
        );
    }

    let o = output("licenses");
    let licenses = pairs("licenses_top8");
    assert_eq!(licenses.len(), 8);
    for (row, (license, n)) in licenses.iter().enumerate() {
        assert_eq!(o.table.rows[row][0].to_string(), *license, "row {row}");
        assert_eq!(cell(o, license, "models"), *n, "{license}");
    }

    let o = output("repos-per-author");
    let buckets = pairs("repos_per_author");
    assert_eq!(buckets.len(), o.table.len(), "one row per bucket");
    for (lo, n) in &buckets {
        let label = repos_bucket(lo.parse().expect("a bucket's lower end"));
        assert_eq!(cell(o, &label, "authors"), *n, "repos per author {label}");
    }
    let authors: i64 = buckets.iter().map(|(_, n)| n).sum();
    assert_eq!(Some(authors), facts["authors"].as_i64());

    let o = output("authors-per-repo");
    for (k, n) in pairs("authors_per_repo") {
        let label = if k == "30" { "≥30".to_string() } else { k };
        assert_eq!(cell(o, &label, "repos"), n, "authors per repo {label}");
    }
}

/// The script's facts, run once per test binary.
fn report_facts() -> &'static serde_json::Value {
    static FACTS: OnceLock<serde_json::Value> = OnceLock::new();
    FACTS.get_or_init(|| crate::common::python_facts("report_facts.py", &["--json"]))
}

/// The index of the first row of `o` whose cells in `key` read as the given texts.
fn row_where(o: &Output, key: &[(&str, &str)]) -> usize {
    (0..o.table.len())
        .find(|&r| {
            key.iter()
                .all(|(c, v)| o.table.get(r, c).is_some_and(|x| x.to_string() == *v))
        })
        .unwrap_or_else(|| panic!("{}: no row {key:?}", o.name))
}

/// The number in `column` of row `r`, and the script's number it must equal (to the four
/// decimals a table keeps).
fn same_number(o: &Output, r: usize, column: &str, expected: &serde_json::Value) {
    let got = o
        .table
        .get(r, column)
        .and_then(|c| c.as_f64())
        .unwrap_or_else(|| panic!("{}: row {r} has no number in {column}", o.name));
    let want = expected
        .as_f64()
        .unwrap_or_else(|| panic!("{}: the script gives no number for {column}", o.name));
    assert!(
        (got - want).abs() < 5e-4,
        "{} row {r} {column}: {got}, the script says {want}",
        o.name
    );
}

/// The figures the tests above do not count, each against one fact of the independent
/// script: architecture groups and one week's new models by group, one month's authors,
/// scores by type, parameters per point, the Mistral group's parameter counts, downloads of
/// 4–8B models, every size class's best score, and Mistral 7B's release windows.
#[test]
fn the_other_figures_agree_with_report_facts_py() {
    let facts = report_facts();

    let o = output("new-models-by-architecture");
    let groups: Vec<String> = facts["architecture_groups"]
        .as_array()
        .expect("the architecture groups")
        .iter()
        .map(|g| g.as_str().unwrap().to_string())
        .collect();
    let mut shown: Vec<String> = o.table.columns[1..]
        .iter()
        .take_while(|c| *c != "total")
        .filter(|c| *c != "other" && *c != "unknown")
        .cloned()
        .collect();
    shown.sort();
    assert_eq!(shown, groups, "the architecture groups");
    let week = &facts["architecture_week_2024_01_08"];
    let r = row_where(o, &[("period", "2024-01-08")]);
    for group in groups
        .iter()
        .map(String::as_str)
        .chain(["other", "unknown"])
    {
        let n = week.get(group).cloned().unwrap_or(serde_json::json!(0));
        same_number(o, r, group, &n);
    }

    let o = output("authors-over-time");
    let r = row_where(o, &[("period", "2024-01")]);
    for column in ["new_authors", "total_authors", "active_authors"] {
        same_number(o, r, column, &facts["authors_2024_01"][column]);
    }

    let o = output("score-by-type");
    let scores = facts["scores_2024_01"].as_object().expect("scores by type");
    assert!(scores.len() >= 5, "{scores:?}");
    for (kind, s) in scores {
        let r = row_where(o, &[("period", "2024-01"), ("type", kind)]);
        for column in ["new_scored", "average", "best"] {
            same_number(o, r, column, &s[column]);
        }
    }

    let o = output("params-per-point");
    let p = &facts["params_per_point_2024_01"];
    let r = row_where(o, &[("period", "2024-01")]);
    assert_eq!(
        o.table.get(r, "best_model").unwrap().to_string(),
        p["best_model"].as_str().unwrap()
    );
    for column in ["params_b", "average", "params_b_per_point"] {
        same_number(o, r, column, &p[column]);
    }

    let o = output("params-by-architecture");
    let p = &facts["mistral_params"];
    let r = row_where(o, &[("architecture", "Mistral")]);
    same_number(o, r, "models", &p["models"]);
    same_number(o, r, "median_b", &p["median_b"]);
    same_number(o, r, "max_b", &p["max_b"]);

    let o = output("downloads-by-size");
    let d = &facts["downloads_4_8b"];
    let r = row_where(o, &[("size", "4–8B")]);
    for column in ["models", "total_downloads", "top_downloads"] {
        same_number(o, r, column, &d[column]);
    }
    assert_eq!(
        o.table.get(r, "top_model").unwrap().to_string(),
        d["top_model"].as_str().unwrap()
    );

    let o = output("best-score-by-size");
    let classes = facts["best_by_size"].as_object().expect("classes");
    assert_eq!(classes.len(), o.table.len(), "one row per size class");
    for (class, c) in classes {
        let r = row_where(o, &[("size", class)]);
        same_number(o, r, "scored_models", &c["scored_models"]);
        same_number(o, r, "best_average", &c["best_average"]);
        // On a tie (40–80B has two models at 81.31) any of the tied models is right.
        let best = o.table.get(r, "best_model").unwrap().to_string();
        assert!(
            c["best_models"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m.as_str() == Some(best.as_str())),
            "{class}: {best} is not among {}",
            c["best_models"]
        );
    }

    let o = output("release-effect");
    let w = &facts["mistral_release_window"];
    let r = row_where(o, &[("release", "Mistral 7B")]);
    let share =
        |n: &str, d: &str| serde_json::json!(w[n].as_f64().unwrap() / w[d].as_f64().unwrap());
    same_number(o, r, "new_models_before", &w["new_models_before"]);
    same_number(o, r, "new_models_after", &w["new_models_after"]);
    same_number(
        o,
        r,
        "share_before",
        &share("mistral_before", "new_models_before"),
    );
    same_number(
        o,
        r,
        "share_after",
        &share("mistral_after", "new_models_after"),
    );
}

/// The top-authors figure's five leaders against the script: commit authors (bots left
/// out), their models, scored models, mean and best average, first and last model, in order.
#[test]
fn top_authors_agree_with_report_facts_py() {
    let facts = report_facts()["top_authors"]
        .as_array()
        .expect("the top authors");
    assert_eq!(facts.len(), 5);
    let o = output("top-authors");
    for (r, a) in facts.iter().enumerate() {
        let author = o.table.get(r, "author").unwrap().to_string();
        assert!(
            author.eq_ignore_ascii_case(a["author"].as_str().unwrap()),
            "row {r}: {author}, the script says {}",
            a["author"]
        );
        for column in ["models", "scored", "mean_average", "best_average"] {
            same_number(o, r, column, &a[column]);
        }
        for column in ["first_model", "last_model"] {
            assert_eq!(
                o.table.get(r, column).unwrap().to_string(),
                a[column].as_str().unwrap(),
                "{author} {column}"
            );
        }
    }
}

/// License drift against `tests/lineage_facts.py`: the edges of the commonest license pairs
/// the rules call incompatible.
#[test]
fn license_drift_agrees_with_lineage_facts_py() {
    let facts = crate::common::python_facts("lineage_facts.py", &[]);
    let pairs = facts["license_pairs"].as_array().expect("license pairs");
    assert_eq!(pairs.len(), 4, "{pairs:?}");
    let o = output("license-drift");
    for p in pairs {
        let (base, derivative) = (p[0].as_str().unwrap(), p[1].as_str().unwrap());
        let r = row_where(
            o,
            &[("base_license", base), ("derivative_license", derivative)],
        );
        same_number(o, r, "edges", &p[2]);
        assert_eq!(
            o.table.get(r, "verdict").unwrap().to_string(),
            "incompatible"
        );
    }
}

#[test]
fn lineage_figures_are_consistent_with_the_graph() {
    // Mistral 7B is the most derived-from base in this snapshot: 133 direct children not
    // flagged, 299 descendants, 144 of them merges (tests/lineage_facts.py, which
    // query::real_lineage_agrees_with_lineage_facts_py runs).
    let o = output("derivative-counts");
    assert_eq!(o.table.rows[0][0].to_string(), "mistralai/Mistral-7B-v0.1");
    for (column, n) in [
        ("direct", 133),
        ("descendants", 299),
        ("made by merge", 144),
        ("made by unspecified", 155),
    ] {
        assert_eq!(cell(o, "mistralai/Mistral-7B-v0.1", column), n, "{column}");
    }
    // The figure shows the papers' bases and the releases' models, whatever their rank: the
    // Llama 3 bases are listed with no descendant (no model in this data names them), and
    // the merge hubs that top a raw count are in the second table, not in the chart.
    assert_eq!(cell(o, "meta-llama/Meta-Llama-3-8B", "descendants"), 0);
    assert!(o
        .table
        .find("model", "mlabonne/Marcoro14-7B-slerp")
        .is_none());
    let (_, _, hubs) = o
        .extra
        .iter()
        .find(|(name, _, _)| name == "most-derived")
        .expect("the most derived-from table");
    let hub = hubs
        .find("model", "mlabonne/Marcoro14-7B-slerp")
        .expect("a merge hub among the most derived-from");
    let share = hubs.get(hub, "merge share").unwrap().as_f64().unwrap();
    assert!(share > 0.9, "{share}");
    // Every improvement row's totals are its best member over the reference, in points and
    // in percent of the reference.
    let o = output("improvement-per-base");
    let mut measured = 0;
    for r in 0..o.table.len() {
        let num = |c: &str| o.table.get(r, c).and_then(|v| v.as_f64());
        let (Some(reference), Some(best)) = (num("reference_average"), num("best_average")) else {
            continue;
        };
        measured += 1;
        let points = num("improvement_points").unwrap();
        let pct = num("improvement_pct_of_reference").unwrap();
        assert!((points - (best - reference)).abs() < 0.01, "row {r}");
        assert!(
            (pct - (best - reference) / reference * 100.0).abs() < 0.01,
            "row {r}"
        );
    }
    assert!(measured >= 15, "{measured} measured rows");
}

fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn run_spec(spec: &Path, out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("lineage")
        .unwrap()
        .arg("run")
        .arg(spec)
        .arg("--graph")
        .arg(real_graph_file())
        .arg("--out")
        .arg(out)
        .assert()
}

fn stderr_of(a: assert_cmd::assert::Assert) -> String {
    let a = a.failure();
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

#[test]
fn bad_specs_name_file_line_and_accepted_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");

    let spec = write_spec(
        dir.path(),
        "kind.toml",
        "# typo\nanalysis = \"new-models-by-kind\"\n",
    );
    let err = stderr_of(run_spec(&spec, &out));
    assert!(
        err.contains("kind.toml:2:12: unknown analysis 'new-models-by-kind'"),
        "{err}"
    );
    assert!(
        err.contains("expected one of authors-over-time, repos-per-author"),
        "{err}"
    );

    let spec = write_spec(
        dir.path(),
        "param.toml",
        "analysis = \"new-models-by-type\"\n\n[params]\nunits = \"week\"\n",
    );
    let err = stderr_of(run_spec(&spec, &out));
    assert!(
        err.contains("param.toml:4:1: unknown field `units`"),
        "{err}"
    );
    assert!(
        err.contains("expected one of `from`, `to`, `include_flagged`, `board`, `unit`"),
        "{err}"
    );

    let spec = write_spec(
        dir.path(),
        "type.toml",
        "analysis = \"derivative-counts\"\n[params]\ntop = \"twenty\"\n",
    );
    let err = stderr_of(run_spec(&spec, &out));
    assert!(
        err.contains("type.toml:3:7: invalid type: string \"twenty\", expected usize"),
        "{err}"
    );

    let spec = write_spec(
        dir.path(),
        "unit.toml",
        "analysis = \"score-by-type\"\n[params]\nunit = \"year\"\n",
    );
    let err = stderr_of(run_spec(&spec, &out));
    assert!(
        err.contains(
            "unit.toml:3:8: unknown variant `year`, expected one of `day`, `week`, `month`"
        ),
        "{err}"
    );

    let spec = write_spec(
        dir.path(),
        "base.toml",
        "analysis = \"improvement-over-days\"\n[params]\nbases = [\"mistralai/Mistral-7B-v0.1\",\n  \"mistralai/mistral-7b-v9\"]\n",
    );
    let err = stderr_of(run_spec(&spec, &out));
    assert!(
        err.contains(
            "base.toml:4:3: base unknown model 'mistralai/mistral-7b-v9'; did you mean one of mistralai/Mistral-7B-v0.1,"
        ),
        "{err}"
    );
    assert!(
        err.contains("accepted: a model id in any case, an alias, or a unique prefix"),
        "{err}"
    );
    assert!(
        !out.join("improvement-over-days.csv").exists(),
        "a failed spec wrote output"
    );
}

#[test]
fn run_writes_one_analysis_with_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(
        dir.path(),
        "weekly.toml",
        "analysis = \"new-models-by-type\"\noutput = \"weekly\"\n[params]\nunit = \"week\"\nfrom = 2024-01-01\nto = 2024-01-31\n",
    );
    let out = dir.path().join("out");
    run_spec(&spec, &out).success();
    let csv = std::fs::read_to_string(out.join("weekly.csv")).unwrap();
    let weeks: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    // ISO weeks starting on Monday 2024-01-01 up to the one holding 2024-01-31.
    assert_eq!(
        weeks,
        [
            "2024-01-01",
            "2024-01-08",
            "2024-01-15",
            "2024-01-22",
            "2024-01-29"
        ]
    );
    // `to` ends the count on 2024-01-31, so the weeks hold exactly January's 919 models
    // (the python count above).
    let total: i64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(8).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 919);
    assert!(out.join("weekly.png").exists() && out.join("index.html").exists());
}

/// A small ecosystem in the three real input formats: two bases, fine-tunes of each over
/// several months, merges of fine-tunes, a commit history.
fn small_ecosystem(dir: &Path) -> Vec<PathBuf> {
    let mut details = String::from(
        "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n",
    );
    let mut board = String::from("Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query\n");
    let mut commits =
        String::from(",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n");
    let mut row = 0;
    let mut add = |id: &str,
                   day: &str,
                   base: &str,
                   ty: &str,
                   avg: f32,
                   arch: &str,
                   lic: &str,
                   params: f32| {
        let author = id.split('/').next().unwrap();
        details.push_str(&format!(
            "{row},{id},{author},{day} 10:00:00+00:00,,{},transformers,\"['license:{lic}']\",,,{base}\n",
            100 + row * 7
        ));
        board.push_str(&format!(
            "x;https://huggingface.co/{id};{avg};0;0;0;0;0;0;{ty};{arch};Original;float16;True;{lic};{params};0;True;sha;True;True;{id}\n"
        ));
        commits.push_str(&format!(
            "{row},{id},2,3,x,y,\"['{author}', 'helper{}']\"\n",
            row % 3
        ));
        row += 1;
    };
    let pre = "🟢 pretrained";
    let ft = "🔶 fine-tuned on domain-specific datasets";
    let chat = "💬 chat models (RLHF, DPO, IFT, ...)";
    add(
        "org/base-7b",
        "2023-09-20",
        "",
        pre,
        60.0,
        "MistralForCausalLM",
        "apache-2.0",
        7.0,
    );
    add(
        "lab/base-13b",
        "2023-07-18",
        "",
        pre,
        55.0,
        "LlamaForCausalLM",
        "llama2",
        13.0,
    );
    for i in 0..12 {
        let month = 10 + i % 3;
        add(
            &format!("u{}/tune-{i}", i % 5),
            &format!("2023-{month}-{:02}", 1 + i),
            "org/base-7b",
            ft,
            58.0 + i as f32,
            "MistralForCausalLM",
            if i % 4 == 0 {
                "cc-by-nc-4.0"
            } else {
                "apache-2.0"
            },
            7.0,
        );
        add(
            &format!("v{}/chat-{i}", i % 4),
            &format!("2023-{:02}-{:02}", 8 + i % 4, 2 + i),
            "lab/base-13b",
            chat,
            52.0 + i as f32,
            "LlamaForCausalLM",
            if i % 3 == 0 { "mit" } else { "llama2" },
            13.0,
        );
    }
    for i in 0..4 {
        add(
            &format!("m{i}/merge-{i}"),
            &format!("2023-12-{:02}", 10 + i),
            &format!(
                "\"['u{}/tune-{i}', 'u{}/tune-{}']\"",
                i % 5,
                (i + 1) % 5,
                i + 1
            ),
            "🤝 base merges and moerges",
            70.0 + i as f32,
            "MistralForCausalLM",
            "apache-2.0",
            7.0,
        );
    }
    let paths: Vec<PathBuf> = [
        ("details.csv", details),
        ("leaderboard.csv", board),
        ("commits.csv", commits),
    ]
    .into_iter()
    .map(|(name, text)| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    })
    .collect();
    paths
}

#[test]
fn report_runs_the_built_in_set_on_a_small_graph() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = small_ecosystem(dir.path());
    let graph = dir.path().join("small.graph");
    Command::cargo_bin("lineage")
        .unwrap()
        .args(["build", "--quiet", "--out"])
        .arg(&graph)
        .args(&inputs)
        .assert()
        .success();
    let out = dir.path().join("report");
    // Run from a folder without queries/, so the built-in copy of queries/paper.toml is used.
    Command::cargo_bin("lineage")
        .unwrap()
        .current_dir(dir.path())
        .arg("report")
        .arg("--graph")
        .arg(&graph)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains("(built in)"));
    for name in figures() {
        for ext in ["csv", "svg", "png"] {
            assert!(out.join(format!("{name}.{ext}")).exists(), "{name}.{ext}");
        }
    }
    // org/base-7b has 12 fine-tunes and, through them, 4 merges. None of the papers' bases is
    // in this graph, so the chart shows the most derived-from models, as its second table does.
    for file in [
        "derivative-counts.csv",
        "derivative-counts-most-derived.csv",
    ] {
        let csv = std::fs::read_to_string(out.join(file)).unwrap();
        let first = csv.lines().nth(1).unwrap();
        assert!(first.starts_with("org/base-7b,12,16,"), "{file}: {first}");
    }
}

#[test]
fn license_queries_print_the_table_and_the_drift() {
    let out = Command::cargo_bin("lineage")
        .unwrap()
        .args(["query", "licenses", "--format", "csv", "--graph"])
        .arg(real_graph_file())
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(csv.starts_with("license,models,share,class,commercial,academic,personal,note\n"));
    // 2880 apache-2.0 models: the python count above.
    assert!(csv.contains("\napache-2.0,2880,"), "{csv}");
    let out = Command::cargo_bin("lineage")
        .unwrap()
        .args([
            "query",
            "license-drift",
            "--edges",
            "--format",
            "csv",
            "--graph",
        ])
        .arg(real_graph_file())
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let g = real_graph();
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        // Every listed edge is a real lineage edge of the graph.
        let (b, d) = (g.lookup(f[0]).unwrap(), g.lookup(f[1]).unwrap());
        assert!(g.children_of(b).contains(&d), "{line}");
        assert!(f[5] == "incompatible" || f[5] == "unverifiable", "{line}");
        rows += 1;
    }
    assert!(rows > 100, "{rows} drift edges");
}

/// Fails naming the figure and both texts when two text boxes meet or one leaves the
/// canvas.
fn assert_text_layout(o: &Output, data: &str) {
    let boxes = o
        .figure
        .text_boxes()
        .unwrap_or_else(|e| panic!("{data} {}: {e}", o.name));
    assert!(
        boxes.len() > 5,
        "{data} {}: only {} texts",
        o.name,
        boxes.len()
    );
    // Labels left out for want of room are counted, and the note says how many.
    let left_out = o.figure.labels_left_out().unwrap();
    let all: Vec<&str> = boxes.iter().map(|b| b.text.as_str()).collect();
    let all = all.join(" ");
    if left_out > 0 {
        assert!(
            all.contains(&format!("{left_out} label")) && all.contains("left out where"),
            "{data} {}: {left_out} labels left out, not stated: {all}",
            o.name
        );
    } else {
        assert!(!all.contains("left out where"), "{data} {}: {all}", o.name);
    }
    let (w, h) = (o.figure.width as f64, o.figure.height as f64);
    for (i, b) in boxes.iter().enumerate() {
        assert!(
            b.inside(w, h),
            "{data} {}: '{}' at ({:.0},{:.0})-({:.0},{:.0}) leaves the {w}x{h} canvas",
            o.name,
            b.text,
            b.x0,
            b.y0,
            b.x1,
            b.y1
        );
        for c in &boxes[..i] {
            assert!(
                !b.intersects(c),
                "{data} {}: '{}' ({:.0},{:.0})-({:.0},{:.0}) overlaps '{}' ({:.0},{:.0})-({:.0},{:.0})",
                o.name,
                b.text,
                b.x0,
                b.y0,
                b.x1,
                b.y1,
                c.text,
                c.x0,
                c.y0,
                c.x1,
                c.y1
            );
        }
    }
}

#[test]
fn no_two_texts_overlap_and_all_stay_on_the_canvas_on_the_real_data() {
    for o in &real_report().1 {
        assert_text_layout(o, "real data");
    }
}

#[test]
fn no_two_texts_overlap_and_all_stay_on_the_canvas_on_the_sample() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("graphs/sample");
    let inputs: Vec<Input> = ["details.csv", "leaderboard.csv", "commits.csv"]
        .iter()
        .map(|f| ingest::open_input(&dir.join(f), None).unwrap())
        .collect();
    let g = lineage::build(&inputs, Default::default(), None).unwrap().0;
    let paper = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/paper.toml");
    let (_, specs) = report::load(&paper, Source::Files).unwrap();
    assert_eq!(specs.len(), figures().len());
    for s in &specs {
        assert_text_layout(&report::compute(&g, s, Source::Files).unwrap(), "sample");
    }
}

#[test]
fn every_png_is_its_svg_rasterised() {
    let (dir, _) = real_report();
    for name in figures() {
        let svg = std::fs::read_to_string(dir.path().join(format!("{name}.svg"))).unwrap();
        let png = std::fs::read(dir.path().join(format!("{name}.png"))).unwrap();
        assert!(
            svg.contains("font-family=\"DejaVu Sans, sans-serif\""),
            "{name}: the SVG does not name the shipped font first"
        );
        assert!(
            lineage::render::svg::to_png(&svg).unwrap() == png,
            "{name}: the PNG is not the SVG's rasterisation"
        );
    }
}
