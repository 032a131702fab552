//! The papers' own computations (methodology section 5) on openllm-2024, checked against
//! `tests/paper_facts.py`, an independent script (csv module only) written from section 5,
//! and against the figures the papers and the methodology publish.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;
use serde_json::Value;

/// The script's `key value...` lines, keyed by their first one or two words.
fn facts(commit_dates: bool) -> BTreeMap<String, Vec<String>> {
    for f in ["leaderboard.csv", "details.csv", "commits.csv"] {
        let p = shared_data(&format!("openllm-2024/{f}"));
        assert!(p.is_file(), "missing {}", p.display());
    }
    let script = root().join("tests/paper_facts.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script);
    if commit_dates {
        cmd.arg("--commit-dates");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed to run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let key_len = if words[0] == "name" { 2 } else { 1 };
        map.insert(words[..key_len].join(" "), words[key_len..].to_vec());
    }
    map
}

/// The value after `word` in a fact line.
fn after<'a>(fact: &'a [String], word: &str) -> &'a str {
    let i = fact
        .iter()
        .position(|w| w == word)
        .unwrap_or_else(|| panic!("no {word} in {fact:?}"));
    &fact[i + 1]
}

/// The real 2024 graph, with or without first-commit dates.
fn graph(commit_dates: bool) -> &'static str {
    static WITH: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    static WITHOUT: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    let cell = if commit_dates { &WITH } else { &WITHOUT };
    &cell
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("g.graph");
            let data = |f: &str| {
                shared_data(&format!("openllm-2024/{f}"))
                    .display()
                    .to_string()
            };
            let mut args = vec![
                "build".to_string(),
                data("details.csv"),
                data("leaderboard.csv"),
                data("commits.csv"),
                "--out".into(),
                out.display().to_string(),
                "-q".into(),
            ];
            if !commit_dates {
                args.push("--no-commit-dates".into());
            }
            let st = Command::new(env!("CARGO_BIN_EXE_lineage"))
                .args(&args)
                .status()
                .unwrap();
            assert!(st.success());
            let path = out.display().to_string();
            (dir, path)
        })
        .1
}

fn query(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .arg("query")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The papers' 11 bases of figures 11 and 12, as (pattern, size).
const BASES: [(&str, &str); 11] = [
    ("llama3", "8"),
    ("mistral7b", "7"),
    ("mixtral8x7b", "46"),
    ("llama27b", "7"),
    ("phi3mini", "none"),
    ("phi2", "none"),
    ("llama3", "70"),
    ("llama", "30"),
    ("llama7b", "7"),
    ("llama2", "70"),
    ("phi3medium", "none"),
];

/// (dated members, reference, best, record-setters) by the name method in lineage.
fn by_name(g: &str, pattern: &str, size: &str) -> (u64, f64, f64, usize) {
    let j = query(&[
        "improvements",
        "--graph",
        g,
        "--base",
        "mistralai/Mistral-7B-v0.1",
        "--match",
        "name",
        "--pattern",
        pattern,
        "--params",
        size,
    ]);
    let dated = j["scored_members"].as_u64().unwrap() - j["undated_members"].as_u64().unwrap();
    let frontier = j["frontier"].as_array().unwrap();
    let reference = j["reference_average"].as_f64().unwrap_or(f64::NAN);
    let best = frontier
        .last()
        .and_then(|s| s["average"].as_f64())
        .unwrap_or(f64::NAN);
    (dated, reference, best, frontier.len())
}

fn check_bases(commit_dates: bool) {
    let facts = facts(commit_dates);
    let g = graph(commit_dates);
    for (pattern, size) in BASES {
        let key = format!("name {pattern}/{size}");
        let fact = facts.get(&key).unwrap_or_else(|| panic!("no fact {key}"));
        let members: u64 = after(fact, "members").parse().unwrap();
        let (dated, reference, best, records) = by_name(g, pattern, size);
        assert_eq!(dated, members, "{key} (commit dates {commit_dates})");
        if members == 0 {
            continue;
        }
        let close = |a: f64, b: &str| (a - b.parse::<f64>().unwrap()).abs() < 0.006;
        assert!(
            close(reference, after(fact, "reference")),
            "{key}: {reference}"
        );
        assert!(close(best, after(fact, "best")), "{key}: {best}");
        assert_eq!(records.to_string(), after(fact, "records"), "{key}");
    }
}

#[test]
fn name_method_reproduces_the_papers_on_hub_dates() {
    check_bases(false);
    // The figures the methodology pins (section 5), the papers' "about 15%" in points.
    let g = graph(false);
    let pinned = [
        ("mistral7b", "7", 300, 60.97, 76.43),
        ("llama7b", "7", 26, 34.32, 51.60),
        ("phi2", "none", 29, 61.33, 63.67),
    ];
    for (pattern, size, members, reference, best) in pinned {
        let (n, r, b, _) = by_name(g, pattern, size);
        assert_eq!(n, members, "{pattern}");
        assert!(
            (r - reference).abs() < 0.006 && (b - best).abs() < 0.006,
            "{pattern}: {r} {b}"
        );
    }
    // Llama 3 8B: a single dated member without commit dates.
    assert_eq!(by_name(g, "llama3", "8").0, 1);
}

#[test]
fn name_method_with_commit_dates_shows_llama_3() {
    check_bases(true);
    // With first-commit dates Llama 3 8B's derivatives are dated: 116 members, +11.19
    // points (the papers: above 10 points within days).
    let (n, r, b, _) = by_name(graph(true), "llama3", "8");
    assert_eq!(n, 116);
    assert!((b - r - 11.19).abs() < 0.006, "{r} -> {b}");
}

#[test]
fn papers_author_shares_and_architecture_groups() {
    let facts = facts(false);
    // Section 5: 8.59% and 51.55% of author-repo contributions.
    assert_eq!(facts["top10_share"], ["0.085913"]);
    assert_eq!(facts["top200_share"], ["0.515477"]);
    assert_eq!(
        facts["architecture_groups"],
        ["GPT2LMHeadModel,GPTNeoXForCausalLM,GemmaForCausalLM,LlamaForCausalLM,MistralForCausalLM,MixtralForCausalLM,OPTForCausalLM,PhiForCausalLM,Qwen2ForCausalLM,Unknown"]
    );
    // The report's architecture groups are the script's, less its literal "Unknown" (lineage
    // keeps models without an architecture in a group of their own, "unknown").
    let script: BTreeSet<String> = facts["architecture_groups"][0]
        .split(',')
        .filter(|a| *a != "Unknown")
        .map(|a| {
            let stem = a
                .trim_end_matches("ForCausalLM")
                .trim_end_matches("LMHeadModel");
            match stem {
                "GPT2" => "GPT-2".to_string(),
                "GPTNeoX" => "GPT-NeoX".to_string(),
                s => s.to_string(),
            }
        })
        .collect();
    let out = tempfile::tempdir().expect("a temporary directory");
    let run = Command::new(assert_cmd::cargo::cargo_bin("lineage"))
        .arg("run")
        .arg(root().join("queries/new-models-by-architecture.toml"))
        .args(["-q", "--graph", graph(false), "--out"])
        .arg(out.path())
        .output()
        .expect("lineage run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = std::fs::read_to_string(out.path().join("new-models-by-architecture.csv"))
        .expect("the figure's table");
    let header: Vec<&str> = table.lines().next().unwrap_or("").split(',').collect();
    let groups: BTreeSet<String> = header
        .iter()
        .skip(1)
        .take_while(|c| **c != "other" && **c != "unknown" && **c != "total")
        .map(|c| c.to_string())
        .collect();
    assert_eq!(groups, script, "{header:?}");
    assert_eq!(groups.len(), 9);
    // lineage's default share is the papers' definition over lineage's authors: flagged
    // repos left out, names case-folded, graphs/bots.txt applied, one repo per node. That
    // gives 8.66% and 51.60%, within 0.1 point of the papers' figures.
    let a = query(&["authors", "--graph", graph(false)]);
    let share = |k: &str| a[k].as_f64().unwrap_or(f64::NAN);
    assert!((share("top10_share") - 0.085913).abs() < 1e-3, "{a}");
    assert!((share("top200_share") - 0.515477).abs() < 1e-3, "{a}");
    assert!((share("top10_share") - 0.086560).abs() < 1e-6, "{a}");
    assert!(a["share_basis"]
        .as_str()
        .unwrap()
        .starts_with("author-repo contributions"));
}

/// The report's table of an analysis run by its spec in `queries/` on `graph`, as
/// `(columns, rows)`.
fn report_table(spec: &str, graph: &str) -> (Vec<String>, Vec<Vec<String>>) {
    report_csv(spec, spec, graph)
}

/// The table `table` (a CSV file stem) that the spec `spec` of `queries/` writes on `graph`.
fn report_csv(spec: &str, table: &str, graph: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let out = tempfile::tempdir().expect("a temporary directory");
    let run = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .arg("run")
        .arg(root().join("queries").join(format!("{spec}.toml")))
        .args(["-q", "--graph", graph, "--out"])
        .arg(out.path())
        .output()
        .expect("lineage run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let path = out.path().join(format!("{table}.csv"));
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let columns = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (columns, rows)
}

/// Figures 11 and 12 as the report draws them (first-commit dates, the report's default):
/// the papers' 11 bases, in points, by the name method (checked against
/// tests/paper_facts.py --commit-dates, written from section 5) beside the lineage method
/// (checked against tests/lineage_facts.py, written from the methodology's lineage rules).
#[test]
fn figures_11_and_12_show_the_papers_bases_by_both_methods_in_points() {
    let g = graph(true);
    let name_facts = facts(true);
    let lineage_facts = crate::common::python_facts("lineage_facts.py", &[]);
    let lineage_facts = &lineage_facts["paper_bases_lineage"];
    let (columns, rows) = report_table("improvement-per-base", g);
    let col = |n: &str| {
        columns
            .iter()
            .position(|c| c == n)
            .unwrap_or_else(|| panic!("no column {n} in {columns:?}"))
    };
    // Both units are named columns; the normalised one names its unit.
    for c in [
        "improvement_points",
        "improvement_pct_of_reference",
        "normalized_points",
    ] {
        col(c);
    }
    assert_eq!(rows.len(), 22, "11 bases by 2 methods");
    let num = |r: &[String], c: &str| r[col(c)].parse::<f64>().ok();
    for (k, (pattern, size)) in BASES.iter().enumerate() {
        let repo = lineage::analysis::bases::PAPER_BASES[k].repo;
        let by = |method: &str| {
            rows.iter()
                .find(|r| r[col("base_model")] == repo && r[col("method")] == method)
                .unwrap_or_else(|| panic!("no {method} row for {repo}"))
        };
        // The name method against section 5.
        let key = format!("name {pattern}/{size}");
        let fact = &name_facts[&key];
        let r = by("name");
        assert_eq!(r[col("pattern")], format!("{pattern}/{size}"));
        let members: u64 = after(fact, "members").parse().unwrap();
        assert_eq!(
            num(r, "members_measured").unwrap_or(0.0) as u64,
            members,
            "{key}"
        );
        if members > 0 {
            let points: f64 = after(fact, "points").parse().unwrap();
            let got = num(r, "improvement_points").unwrap();
            assert!((got - points).abs() < 0.006, "{key}: {got} vs {points}");
            let reference: f64 = after(fact, "reference").parse().unwrap();
            let pct = num(r, "improvement_pct_of_reference").unwrap();
            assert!(
                (pct - points / reference * 100.0).abs() < 0.05,
                "{key}: {pct}%"
            );
            let norm = num(r, "normalized_points");
            if members >= 2 {
                let want = points / (members as f64).ln();
                assert!((norm.unwrap() - want).abs() < 0.01, "{key}: {norm:?}");
            }
        }
        // The lineage method against lineage_facts.py.
        let r = by("lineage");
        let fact = &lineage_facts[repo];
        if fact.is_null() {
            assert_eq!(r[col("scored_members")], "", "{repo} is not in the graph");
            continue;
        }
        assert_eq!(
            num(r, "scored_members").unwrap() as u64,
            fact["scored_members"].as_u64().unwrap(),
            "{repo}"
        );
        match fact["points"].as_f64() {
            Some(points) => {
                let got = num(r, "improvement_points").unwrap();
                assert!((got - points).abs() < 0.006, "{repo}: {got} vs {points}");
                assert_eq!(
                    num(r, "frontier_steps").unwrap() as u64,
                    fact["records"].as_u64().unwrap(),
                    "{repo}"
                );
            }
            None => assert_eq!(r[col("improvement_points")], "", "{repo}"),
        }
    }
    // The papers' published figures: Mistral 7B and Llama 1 7B about 15 points by the name
    // method, Llama 3 8B above 10 points.
    let points = |repo: &str| {
        let r = rows
            .iter()
            .find(|r| r[col("base_model")] == repo && r[col("method")] == "name")
            .unwrap();
        num(r, "improvement_points").unwrap()
    };
    assert!((points("mistralai/Mistral-7B-v0.1") - 15.46).abs() < 0.006);
    assert!((points("huggyllama/llama-7b") - 17.28).abs() < 0.006);
    assert!(points("meta-llama/Meta-Llama-3-8B") > 10.0);

    // Figure 12: one row per measured member and method; the name method's days count from
    // its reference, so its first member is on day 0 and on the frontier, and Llama 3 8B's
    // record above 10 points comes within days.
    let (columns, rows) = report_table("improvement-over-days", g);
    let col = |n: &str| columns.iter().position(|c| c == n).unwrap();
    let llama3: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| {
            r[col("base_model")] == "meta-llama/Meta-Llama-3-8B" && r[col("method")] == "name"
        })
        .collect();
    assert_eq!(llama3.len(), 116);
    assert_eq!(llama3[0][col("days_since_release")], "0");
    assert_eq!(llama3[0][col("on_frontier")], "yes");
    let first_above_10 = llama3
        .iter()
        .filter(|r| r[col("on_frontier")] == "yes")
        .find(|r| r[col("improvement_points")].parse::<f64>().unwrap() > 10.0)
        .expect("a record above 10 points");
    let days = &first_above_10[col("days_since_release")];
    assert_eq!(days, after(&name_facts["name llama3/8"], "above10"));
    assert_eq!(days, "2");
    let mistral_name = rows
        .iter()
        .filter(|r| {
            r[col("base_model")] == "mistralai/Mistral-7B-v0.1" && r[col("method")] == "name"
        })
        .count();
    assert_eq!(mistral_name, 329);
    let mistral_lineage = rows
        .iter()
        .filter(|r| {
            r[col("base_model")] == "mistralai/Mistral-7B-v0.1" && r[col("method")] == "lineage"
        })
        .count();
    assert_eq!(mistral_lineage, 148);
}

/// The script's lines starting with `prefix` (`table1`, ...), as their words after it.
fn fact_lines(prefix: &str) -> Vec<Vec<String>> {
    static LINES: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    LINES
        .get_or_init(|| {
            let out = Command::new("python3")
                .arg(root().join("tests/paper_facts.py"))
                .output()
                .expect("python3 runs tests/paper_facts.py");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| l.split_whitespace().map(str::to_string).collect())
                .collect()
        })
        .iter()
        .filter(|w| w[0] == prefix && w[1].parse::<usize>().is_ok())
        .map(|w| w[1..].to_vec())
        .collect()
}

/// The journal version's tables 1-4 as the report writes them, against the script's
/// computation from the CSV files (tables 3 and 4 by lineage's stated author and repo rules).
#[test]
fn journal_tables_1_to_4_match_an_independent_computation() {
    let g = graph(true);
    let same_repo = |ours: &str, script: &str| {
        let ours = ours.to_lowercase();
        ours == script || ours.ends_with(&format!("/{script}"))
    };
    // Table 1: rank, model, ARC, MMLU, GSM8K, average, parameters.
    let (columns, rows) = report_table("top-models", g);
    assert_eq!(
        columns,
        ["rank", "model", "type", "params_b", "ARC", "MMLU", "GSM8K", "average"]
    );
    let want = fact_lines("table1");
    assert_eq!(rows.len(), 10);
    for (r, w) in rows.iter().zip(&want) {
        assert!(same_repo(&r[1], &w[1]), "{r:?} vs {w:?}");
        let close = |a: &str, b: &str| {
            (a.parse::<f64>().unwrap() - b.parse::<f64>().unwrap()).abs() < 0.006
        };
        assert!(close(&r[7], &w[2]) && close(&r[4], &w[3]), "{r:?} vs {w:?}");
        assert!(close(&r[5], &w[4]) && close(&r[6], &w[5]), "{r:?} vs {w:?}");
        assert!(close(&r[3], &w[6]), "{r:?} vs {w:?}");
    }
    // Table 2: the most downloaded repositories.
    let (columns, rows) = report_table("repositories", g);
    assert_eq!(columns, ["model", "author", "created", "downloads", "tags"]);
    for (r, w) in rows.iter().zip(fact_lines("table2")) {
        assert!(same_repo(&r[0], &w[1]), "{r:?} vs {w:?}");
        assert_eq!(r[3], w[2], "{r:?}");
    }
    // Table 3: the top contributors, commit authors.
    let (columns, rows) = report_table("top-contributors", g);
    assert_eq!(
        columns,
        [
            "rank",
            "author",
            "repos",
            "share_of_contributions",
            "sample_repos"
        ]
    );
    let want = fact_lines("table3");
    assert_eq!(rows.len(), 10);
    for (r, w) in rows.iter().zip(&want) {
        assert_eq!((r[1].to_lowercase(), &r[2]), (w[1].clone(), &w[2]), "{r:?}");
        let share: f64 = r[3].parse().unwrap();
        assert!((share - w[3].parse::<f64>().unwrap()).abs() < 2e-4, "{r:?}");
        assert!(!r[4].is_empty(), "{r:?} lists sample repos");
    }
    // Table 4: repository contributions from the commit history.
    let (columns, rows) = report_table("repo-contributions", g);
    assert_eq!(
        columns,
        [
            "model",
            "commit_authors",
            "commits",
            "first_commit",
            "last_commit",
            "authors"
        ]
    );
    for (r, w) in rows.iter().zip(fact_lines("table4")) {
        assert!(same_repo(&r[0], &w[1]), "{r:?} vs {w:?}");
        assert_eq!(
            (&r[2], &r[1], &r[3], &r[4]),
            (&w[2], &w[3], &w[4], &w[5]),
            "{r:?}"
        );
    }
    // Table 5 is the license analysis's table: each license with its three permissions.
    let (columns, _) = report_table("licenses", g);
    for c in ["license", "models", "commercial", "academic", "personal"] {
        assert!(columns.iter().any(|x| x == c), "{columns:?}");
    }
}

/// One definition of an author and of a share across the tool: the report's histogram,
/// the top-authors chart, the contributors table and `query authors` give the same top-10
/// and top-200 shares of author-repo contributions, and name the definition.
#[test]
fn every_author_share_uses_the_papers_definition() {
    let g = graph(false);
    let a = query(&["authors", "--graph", g]);
    let (top10, top200) = (
        a["top10_share"].as_f64().unwrap(),
        a["top200_share"].as_f64().unwrap(),
    );
    // The histogram (figure 2) states the same shares, of the same commit authors.
    let (columns, rows) = report_csv("repos-per-author", "repos-per-author-top-shares", g);
    assert_eq!(
        columns,
        [
            "top",
            "share_of_contributions",
            "contributions",
            "authors_are"
        ]
    );
    assert_eq!(rows.len(), 2);
    for (r, want) in rows.iter().zip([("10", top10), ("200", top200)]) {
        assert_eq!(r[0], want.0);
        let share: f64 = r[1].parse().unwrap();
        assert!((share - want.1).abs() < 1e-4, "{r:?} vs {want:?}");
        assert_eq!(r[3], "commit authors");
    }
    // The contributors table (table 3): its top 10 add up to the same top-10 share.
    let (_, rows) = report_table("top-contributors", g);
    let sum: f64 = rows.iter().map(|r| r[3].parse::<f64>().unwrap()).sum();
    assert!((sum - top10).abs() < 1e-3, "{sum} vs {top10}");
    // The top-authors chart counts the same authors: its leader has the query's repo count.
    let (columns, rows) = report_table("top-authors", g);
    let models = columns.iter().position(|c| c == "models").unwrap();
    let leader = &a["top"][0];
    assert_eq!(rows[0][0], leader["author"].as_str().unwrap());
    assert_eq!(rows[0][models], leader["repos"].to_string());
    assert!(a["share_basis"]
        .as_str()
        .unwrap()
        .starts_with("author-repo contributions"));
}
