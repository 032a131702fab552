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
