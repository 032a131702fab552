//! One consistent command line: every query and `info` speak table, CSV and JSON; one
//! resolver names base models everywhere; one table style; one default for counting flagged
//! descendants; plain wording. Each test is named after what was inconsistent.

use std::sync::OnceLock;

use crate::common::*;
use serde_json::Value;

/// The graph of the real 2024 data, built once through the binary.
fn real() -> &'static str {
    static GRAPH: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    let (_, path) = GRAPH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out = dir.path().join("real.graph");
        let files = ["details.csv", "leaderboard.csv", "commits.csv"]
            .map(|f| shared_data(&format!("openllm-2024/{f}")));
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("lineage"))
            .arg("build")
            .args(&files)
            .arg("-o")
            .arg(&out)
            .arg("-q")
            .status()
            .unwrap();
        assert!(status.success());
        let path = out.display().to_string();
        (dir, path)
    });
    path
}

fn lineage(args: &[&str]) -> (bool, String, String) {
    let out = assert_cmd::Command::cargo_bin("lineage")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (success, stdout, stderr) = lineage(args);
    assert!(success, "lineage {args:?}: {stderr}");
    stdout
}

#[test]
fn licenses_license_drift_and_info_lacked_a_format() {
    let g = real();
    let commands: [&[&str]; 8] = [
        &["info", "-g", g],
        &["query", "licenses", "-g", g],
        &["query", "license-drift", "-g", g],
        &["query", "derivatives", "-g", g, "--top", "3"],
        &["query", "merge-depth", "-g", g, "--top", "3"],
        &["query", "authors", "-g", g, "--top", "3"],
        &["query", "improvements", "-g", g, "--base", "mistral-7b"],
        &["query", "license-drift", "-g", g, "--edges"],
    ];
    for args in commands {
        for format in ["table", "csv", "json"] {
            let mut a = args.to_vec();
            a.extend(["--format", format]);
            let out = ok(&a);
            match format {
                "json" => {
                    serde_json::from_str::<Value>(&out)
                        .unwrap_or_else(|e| panic!("{a:?}: not JSON: {e}"));
                }
                "csv" => {
                    let mut rdr = csv::Reader::from_reader(out.as_bytes());
                    let header: Vec<String> =
                        rdr.headers().unwrap().iter().map(str::to_string).collect();
                    for rec in rdr.records() {
                        let rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
                        assert_ne!(rec, header, "{a:?}: the header is repeated");
                    }
                }
                _ => assert!(!out.contains('┌') && !out.contains('│'), "{a:?}: boxed"),
            }
        }
    }
}

#[test]
fn authors_csv_printed_its_header_twice() {
    let out = ok(&[
        "query",
        "authors",
        "-g",
        real(),
        "--format",
        "csv",
        "--top",
        "3",
    ]);
    assert_eq!(out.matches("author,repos").count(), 1, "{out}");
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn licenses_printed_boxed_tables_with_raw_shares() {
    let out = ok(&["query", "licenses", "-g", real()]);
    let header = out.lines().next().unwrap();
    assert!(!header.contains('_'), "headers in words: {header}");
    // apache-2.0: 2,880 of 6,286 counted models (the flagged left out) = 45.8%
    let apache = out.lines().find(|l| l.contains("apache-2.0")).unwrap();
    assert!(
        apache.contains("2,880") && apache.contains("45.8%"),
        "{apache}"
    );
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    let drift = ok(&["query", "license-drift", "-g", real()]);
    assert!(
        drift
            .lines()
            .last()
            .unwrap()
            .starts_with("1,828 edges checked"),
        "{drift}"
    );
    assert!(widest < 220, "{widest} columns");
}

#[test]
fn export_base_failed_where_query_accepted_it() {
    let g = real();
    let (success, stdout, stderr) = lineage(&[
        "export",
        "json",
        "-g",
        g,
        "--base",
        "mistral-7b",
        "--depth",
        "1",
        "-q",
    ]);
    assert!(success, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"mistralai/Mistral-7B-v0.1"));
    // 133 direct children, and the base
    assert_eq!(ids.len(), 134);
}

#[test]
fn a_misspelt_base_suggested_a_far_name() {
    let g = real();
    for args in [
        vec!["export", "json", "-g", g, "--base", "mistrl-7b"],
        vec!["query", "improvements", "-g", g, "--base", "mistrl-7b"],
    ] {
        let (success, _, stderr) = lineage(&args);
        assert!(!success);
        assert!(
            stderr.contains(
                "unknown model 'mistrl-7b'; did you mean one of mistralai/Mistral-7B-v0.1,"
            ),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn export_and_query_disagreed_on_descendants() {
    let g = real();
    let count = |extra: &[&str]| {
        let mut a = vec![
            "query",
            "derivatives",
            "-g",
            g,
            "--model",
            "mistral-7b",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        let q: Value = serde_json::from_str(&ok(&a)).unwrap();
        let mut e = vec!["export", "json", "-g", g, "--base", "mistral-7b", "-q"];
        e.extend_from_slice(extra);
        let x: Value = serde_json::from_str(&ok(&e)).unwrap();
        let base = x["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "mistralai/Mistral-7B-v0.1")
            .unwrap()
            .clone();
        (
            q[0]["descendants"].as_u64().unwrap(),
            base["descendants"].as_u64().unwrap(),
        )
    };
    // 300 descendants, one of them flagged
    assert_eq!(count(&[]), (299, 299));
    assert_eq!(count(&["--include-flagged"]), (300, 300));
}

#[test]
fn build_format_named_the_input_and_hid_its_values() {
    let help = ok(&["build", "--help"]);
    assert!(help.contains("--input-format <FORMAT>"), "{help}");
    for f in [
        "hub-api",
        "details",
        "listing",
        "leaderboard-v2",
        "leaderboard-v1",
        "commits",
    ] {
        assert!(help.contains(f), "{f} in {help}");
    }
    assert!(!help.contains("--format"), "{help}");
}

#[test]
fn run_one_spec_replaced_the_report_index() {
    let wd = Workdir::new();
    let g = real();
    let spec = |name: &str| root().join("queries").join(name).display().to_string();
    let out = wd.join("report").display().to_string();
    ok(&["run", &spec("licenses.toml"), "-g", g, "-o", &out, "-q"]);
    let (success, _, stderr) = lineage(&["run", &spec("top-authors.toml"), "-g", g, "-o", &out]);
    assert!(success, "{stderr}");
    assert!(stderr.contains("wrote 1 analysis and"), "{stderr}");
    let index = std::fs::read_to_string(wd.join("report/index.html")).unwrap();
    assert!(
        index.contains("href=\"licenses.csv\""),
        "the earlier analysis stays"
    );
    assert!(
        index.contains("href=\"top-authors.csv\""),
        "the new one is added"
    );
    // running the first again replaces its entry, once
    ok(&["run", &spec("licenses.toml"), "-g", g, "-o", &out, "-q"]);
    let index = std::fs::read_to_string(wd.join("report/index.html")).unwrap();
    assert_eq!(index.matches("<section id=\"licenses\"").count(), 1);
    assert!(index.contains("href=\"top-authors.csv\""));
}

#[test]
fn wording_said_1_issues_and_0_0_mb() {
    let wd = Workdir::new();
    wd.write(
        "details.csv",
        "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
         0,org/a,org,2024-01-01 00:00:00+00:00,,5x,transformers,[],,,\n",
    );
    let out = wd
        .command(&["build", "details.csv", "-o", "g.graph"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 row, 1 record, 1 issue"), "{stderr}");
    assert!(!stderr.contains("0.0 MB"), "{stderr}");
    assert!(
        stderr.contains(" kB) in ") || stderr.contains(" B) in "),
        "{stderr}"
    );
}

#[test]
fn normalised_line_printed_the_divisor_not_the_result() {
    let out = ok(&[
        "query",
        "improvements",
        "-g",
        real(),
        "--base",
        "mistral-7b",
    ]);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("normalised"))
        .unwrap();
    // +19.16% / ln(148) = 3.834, the frontier's last normalised value
    assert!(
        line.contains("+3.834") && line.contains("ln = 4.997"),
        "{line}"
    );
}

#[test]
fn derivatives_said_3_of_958_models_have_descendants() {
    let out = ok(&["query", "derivatives", "-g", real(), "--top", "3"]);
    assert!(
        out.contains("the top 3 of 958 models with descendants (--top N for more)"),
        "{out}"
    );
}

/// Every answer longer than a pipe's buffer (64 KiB), as JSON, into `head -1`: the writer
/// meets a closed pipe, and must end quietly with status 0 as the tables do.
#[test]
fn json_answers_piped_into_head_printed_broken_pipe() {
    let bin = assert_cmd::cargo::cargo_bin("lineage");
    for args in [
        "query license-drift --edges",
        "query derivatives --top 100000",
        "query merge-depth --top 100000",
        "query authors --top 100000",
    ] {
        let script = format!(
            "'{}' {args} -g '{}' --format json | head -c 1 >/dev/null; echo \"exit ${{PIPESTATUS[0]}}\"",
            bin.display(),
            real()
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &script])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stdout, "exit 0\n", "{args}: {stderr}");
        assert!(stderr.is_empty(), "{args}: {stderr}");
    }
}
