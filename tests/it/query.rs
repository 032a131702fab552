//! `lineage query`: the four analyses run through the real binary, on a small hand-made
//! ecosystem whose answers are worked out below, and on the real openllm-2024 snapshot
//! against facts established independently of this code.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn lineage() -> Command {
    Command::cargo_bin("lineage").expect("the lineage binary is built")
}

/// Runs `lineage query ARGS` and returns stdout, failing the test on a non-zero exit.
fn query(args: &[&str]) -> String {
    let out = lineage()
        .arg("query")
        .args(args)
        .output()
        .expect("lineage runs");
    assert!(
        out.status.success(),
        "lineage query {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&query(&all)).expect("output is JSON")
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn build(inputs: &[PathBuf], out: &Path) {
    lineage()
        .arg("build")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .assert()
        .success();
}

// ---- a hand-made ecosystem ----
//
//   o/base (2024-01-01, 50) -> a/t1 (01-11, 55) -> a/t2 (01-21, 52)
//   o/base -> a/t3 (02-01, 60)
//   a/t1 + x/other (01-02) -> m/merge (01-15, 70) -> m/child (01-20, 71)
//   a/t1 -> f/flagged (01-12, 80, flagged on the leaderboard, cc-by-nc-4.0)
// Commits: a/t1 by ann and bob, a/t2 by bob, m/merge by cat and SFconvertbot, o/base by dan,
// f/flagged by eve. No other model declares a license.
//
// The flagged model stays in the graph but every query leaves it out unless asked
// (`--include-flagged`): the tests below check each query both ways.

const DETAILS: &str = "\
Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model
0,o/base,o,2024-01-01 00:00:00+00:00,,,transformers,[],,,
1,a/t1,a,2024-01-11 00:00:00+00:00,,,transformers,[],,,o/base
2,a/t2,a,2024-01-21 00:00:00+00:00,,,transformers,[],,,a/t1
3,x/other,x,2024-01-02 00:00:00+00:00,,,transformers,[],,,
4,m/merge,m,2024-01-15 00:00:00+00:00,,,transformers,[],,,\"['a/t1', 'x/other']\"
5,m/child,m,2024-01-20 00:00:00+00:00,,,transformers,[],,,m/merge
6,a/t3,a,2024-02-01 00:00:00+00:00,,,transformers,[],,,o/base
7,f/flagged,f,2024-01-12 00:00:00+00:00,,,transformers,['license:cc-by-nc-4.0'],,,a/t1
";

const BOARD: &str = "\
Type;Average \u{2b06}\u{fe0f};Flagged;Merged;model_name_for_query
\u{1f7e2};50.0;True;True;o/base
\u{1f536};55.0;True;True;a/t1
\u{1f536};52.0;True;True;a/t2
\u{1f91d};70.0;True;False;m/merge
\u{1f536};71.0;True;True;m/child
\u{1f536};60.0;True;True;a/t3
\u{1f536};80.0;False;True;f/flagged
";

const COMMITS: &str = "\
,name,num_of_authors,num_of_commits,first_commit,last_commit,authors
0,a/t1,2,2,,,\"['ann', 'bob']\"
1,a/t2,1,1,,,['bob']
2,m/merge,2,2,,,\"['cat', 'SFconvertbot']\"
3,o/base,1,1,,,['dan']
4,f/flagged,1,1,,,['eve']
";

/// The hand-made graph, built once per test run.
fn small() -> &'static str {
    static GRAPH: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    let (_, path) = GRAPH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut inputs = Vec::new();
        for (name, text) in [
            ("details.csv", DETAILS),
            ("leaderboard.csv", BOARD),
            ("commits.csv", COMMITS),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("writing an input");
            inputs.push(p);
        }
        let out = dir.path().join("small.graph");
        build(&inputs, &out);
        let path = out.display().to_string();
        (dir, path)
    });
    path
}

#[test]
fn derivatives_table_csv_and_json() {
    let g = small();
    let table = query(&["derivatives", "--graph", g]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("model") && lines[0].contains("descendants"));
    // o/base: 2 direct children (a/t1, a/t3), 5 descendants (a/t1, a/t2, a/t3, m/merge,
    // m/child), of which m/merge is a merge and the four others unspecified. a/t1: a/t2 and
    // m/merge, with m/child below it. x/other: m/merge and m/child. m/merge: m/child.
    let cells: Vec<Vec<&str>> = lines[2..6]
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        cells,
        [
            ["1", "o/base", "2", "5", "0", "0", "0", "1", "4"],
            ["2", "a/t1", "2", "3", "0", "0", "0", "1", "2"],
            ["3", "x/other", "1", "2", "0", "0", "0", "1", "1"],
            ["4", "m/merge", "1", "1", "0", "0", "0", "0", "1"],
        ],
        "{table}"
    );
    assert!(table.contains("\n4 models have descendants"), "{table}");

    let csv = query(&["derivatives", "--graph", g, "--top", "2", "--format", "csv"]);
    assert_eq!(
        csv,
        "model,direct,descendants,finetune,adapter,quantized,merge,unspecified\n\
         o/base,2,5,0,0,0,1,4\n\
         a/t1,2,3,0,0,0,1,2\n"
    );

    let rows = json(&["derivatives", "--graph", g]);
    let first = &rows[0];
    assert_eq!(keys(first), ["by_kind", "descendants", "direct", "model"]);
    assert_eq!(
        keys(&first["by_kind"]),
        ["adapter", "finetune", "merge", "quantized", "unspecified"]
    );
    let order: Vec<&str> = rows
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["model"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(order, ["o/base", "a/t1", "x/other", "m/merge"]);

    // Following merge edges only: x/other and a/t1 each reach m/merge, nothing else.
    let merges = json(&["derivatives", "--graph", g, "--kind", "merge"]);
    assert_eq!(merges.as_array().map(Vec::len), Some(2));
    assert_eq!(merges[0]["descendants"], 1);
}

#[test]
fn improvements_frontier_and_contract() {
    let g = small();
    let imp = json(&["improvements", "--graph", g, "--base", "O/BASE"]);
    for k in [
        "base",
        "reference_model",
        "reference_average",
        "family_size",
        "scored_members",
        "total_improvement_pct",
        "frontier",
    ] {
        assert!(imp.get(k).is_some(), "missing {k}");
    }
    // a/t1, a/t2, a/t3: the merge and its child are left out.
    assert_eq!(imp["family_size"], 3);
    assert_eq!(imp["reference_average"], 50.0);
    let frontier = imp["frontier"].as_array().expect("an array");
    assert_eq!(
        keys(&frontier[0]),
        [
            "average",
            "created",
            "days_since_release",
            "improvement_pct",
            "improvement_points",
            "model",
            "normalized"
        ]
    );
    let steps: Vec<(&str, i64)> = frontier
        .iter()
        .map(|s| {
            (
                s["model"].as_str().unwrap_or(""),
                s["days_since_release"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(steps, [("a/t1", 10), ("a/t3", 31)]);
    assert_eq!(imp["total_improvement_pct"], 20.0);
    // ln(3) normalisation of a/t1's +10 %.
    let normalized = frontier[0]["normalized"].as_f64().unwrap_or(0.0);
    assert!((normalized - 10.0 / 3f64.ln()).abs() < 1e-3);

    let with_merges = json(&[
        "improvements",
        "--graph",
        g,
        "--base",
        "o/base",
        "--include-merges",
        "--normalize",
        "none",
    ]);
    assert_eq!(with_merges["family_size"], 5);
    assert_eq!(with_merges["frontier"].as_array().map(Vec::len), Some(3));

    let table = query(&["improvements", "--graph", g, "--base", "o/bas"]);
    assert!(table.contains("the base, average 50.00"));
    assert!(table.contains("a/t3") && table.contains("+20.00%"));

    let csv = query(&[
        "improvements",
        "--graph",
        g,
        "--base",
        "o/base",
        "--members",
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("model,created,days_since_release,average,improvement_points,improvement_pct,normalized,on_frontier")
    );
    assert_eq!(lines.count(), 3);

    let all = query(&["improvements", "--graph", g, "--all", "--min-family", "1"]);
    assert!(all.contains("o/base") && all.contains("m/merge"));
}

#[test]
fn merge_depth_and_authors_contract() {
    let g = small();
    let depth = json(&["merge-depth", "--graph", g]);
    assert_eq!(
        depth["distribution"],
        serde_json::json!([{"depth": 0, "models": 6}, {"depth": 1, "models": 1}])
    );
    assert_eq!(depth["skipped_cycle_edges"], 0);
    assert_eq!(
        depth["top"][0],
        serde_json::json!({"model": "m/merge", "merge_depth": 1, "generation": 2, "chain": ["a/t1", "m/merge"]})
    );
    let table = query(&["merge-depth", "--graph", g, "--model", "m/child"]);
    assert!(table.contains("merge depth  0") && table.contains("generation   3"));

    let authors = json(&["authors", "--graph", g]);
    for k in [
        "authors",
        "components",
        "largest_component",
        "component_sizes",
        "top10_share",
        "top200_share",
        "repos_per_author",
        "authors_per_repo",
        "top",
    ] {
        assert!(authors.get(k).is_some(), "missing {k}");
    }
    // ann, bob, cat, dan: {ann, bob}, {cat}, {dan}; SFconvertbot is a bot.
    assert_eq!(authors["authors"], 4);
    assert_eq!(authors["components"], 3);
    assert_eq!(authors["largest_component"], 2);
    assert_eq!(authors["bots"], 1);
    assert_eq!(
        authors["top"][0],
        serde_json::json!({"author": "bob", "repos": 2, "component": 1, "component_size": 2})
    );
    assert_eq!(
        authors["repos_per_author"],
        serde_json::json!([{"repos": 1, "authors": 3}, {"repos": 2, "authors": 1}])
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    let bots = dir.path().join("bots.txt");
    std::fs::write(&bots, "# ours\nann\n").expect("writing the bot list");
    let fewer = json(&[
        "authors",
        "--graph",
        g,
        "--bots",
        &bots.display().to_string(),
    ]);
    assert_eq!(fewer["authors"], 3);
}

#[test]
fn unknown_and_ambiguous_names_say_what_would_match() {
    let g = small();
    lineage()
        .args(["query", "improvements", "--graph", g, "--base", "o/bsae"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--base o/bsae: unknown model 'o/bsae'; did you mean o/base?",
        ));
    lineage()
        .args(["query", "derivatives", "--graph", g, "--model", "a/t"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "model 'a/t' is ambiguous: 3 ids begin with it",
        ));
}

#[test]
fn mistakes_are_named_with_what_would_work() {
    let g = small();
    lineage()
        .args(["query", "authors", "--graph", "no/such.graph"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no/such.graph: no graph file; run `lineage build [INPUTS]` first",
        ));
    lineage()
        .args([
            "query",
            "improvements",
            "--graph",
            g,
            "--all",
            "--match",
            "name",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--all works with --match lineage only",
        ));
    lineage()
        .args([
            "query",
            "improvements",
            "--graph",
            g,
            "--base",
            "o/base",
            "--pattern",
            "base",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--pattern and --params belong to --match name",
        ));
    lineage()
        .args(["query", "improvements", "--graph", g])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base"));
    lineage()
        .args(["query", "derivatives", "--graph", g, "--kind", "fork"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected one of finetune, adapter, quantized, merge, unspecified",
        ));
}

// ---- the real openllm-2024 snapshot ----
//
// Every number below was established with a short python3 script using only the csv and
// ast modules on the raw files (details.csv, leaderboard.csv, commits.csv), written apart
// from this code (tests/lineage_facts.py, which real_lineage_agrees_with_lineage_facts_py
// runs): it re-derives the edges from the `base_model` column and the
// `base_model:` tags (aliases from graphs/aliases.csv, legacy ids included, case folded,
// self-references dropped, a row whose metadata repeats the previous row's under another
// name ignored), takes the best leaderboard row of each repo with its inverted
// Flagged/Merged columns, and then counts by plain searches.

fn data(file: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/openllm-2024")
        .join(file);
    assert!(
        path.exists(),
        "{} is missing: these tests need the shared openllm-2024 snapshot next to the project",
        path.display()
    );
    path
}

fn real() -> &'static str {
    static GRAPH: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    let (_, path) = GRAPH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out = dir.path().join("openllm-2024.graph");
        build(
            &[
                data("details.csv"),
                data("leaderboard.csv"),
                data("commits.csv"),
            ],
            &out,
        );
        let path = out.display().to_string();
        (dir, path)
    });
    path
}

#[test]
fn real_descendants_of_mistral_7b() {
    let g = real();
    // Script: BFS from mistralai/mistral-7b-v0.1 over all edges, flagged models not counted:
    // 133 direct children, 299 descendants, 144 of them merges (two or more parents or
    // marked merged); no other model has more descendants (958 models have any).
    let rows = json(&["derivatives", "--graph", g, "--model", "mistral-7b"]);
    assert_eq!(
        rows[0],
        serde_json::json!({"model": "mistralai/Mistral-7B-v0.1", "direct": 133, "descendants": 299,
            "by_kind": {"finetune": 0, "adapter": 0, "quantized": 0, "merge": 144, "unspecified": 155}})
    );
    let top = json(&["derivatives", "--graph", g, "--top", "3"]);
    let names: Vec<&str> = top
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["model"].as_str().unwrap_or(""))
        .collect();
    // Script: the same count for every model, sorted by descendants then direct children.
    assert_eq!(
        names,
        [
            "mistralai/Mistral-7B-v0.1",
            "mlabonne/Marcoro14-7B-slerp",
            "fblgit/UNA-TheBeagle-7b-v1"
        ]
    );
    assert_eq!(top[1]["descendants"], 148);
    let table = query(&["derivatives", "--graph", g, "--top", "1"]);
    assert!(table.contains("the top 1 of 958 models with descendants (--top N for more)"));
}

#[test]
fn real_deepest_merge_chain() {
    let g = real();
    let depth = json(&["merge-depth", "--graph", g, "--top", "3"]);
    // Script: longest path of merge edges ending at each model (memoised recursion over
    // parents; the data has no cycles).
    let distribution: Vec<(u64, u64)> = depth["distribution"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|b| {
            (
                b["depth"].as_u64().unwrap_or(0),
                b["models"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        distribution,
        [
            (0, 5894),
            (1, 340),
            (2, 100),
            (3, 36),
            (4, 55),
            (5, 23),
            (6, 14),
            (7, 15),
            (8, 23),
            (9, 23),
            (10, 15),
            (11, 15),
            (12, 12),
            (13, 7),
            (14, 3),
            (15, 2),
            (16, 1)
        ]
    );
    assert_eq!(depth["skipped_cycle_edges"], 0);
    let deepest = &depth["top"][0];
    assert_eq!(deepest["model"], "nbeerbower/flammen13X-mistral-7B");
    assert_eq!(
        (
            deepest["merge_depth"].as_u64(),
            deepest["generation"].as_u64()
        ),
        (Some(16), Some(16))
    );
    let chain: Vec<&str> = deepest["chain"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|m| m.as_str().unwrap_or(""))
        .collect();
    assert_eq!(chain.len(), 17);
    assert_eq!(chain[16], "nbeerbower/flammen13X-mistral-7B");
    // Script: all 4 longest merge chains ending there; they start at one of these.
    assert!([
        "FelixChao/WestSeverus-7B-DPO-v2",
        "kaitchup/Mayonnaise-4in1-022",
        "macadeliccc/WestLake-7B-v2-laser-truthy-dpo",
        "vanillaOVO/supermario_v2",
    ]
    .iter()
    .any(|s| s.eq_ignore_ascii_case(chain[0])));
    assert_eq!(depth["top"][1]["model"], "nbeerbower/strange_3236-7B");
}

#[test]
fn real_improvement_over_mistral_7b() {
    let g = real();
    // Script: family = what Mistral-7B-v0.1 reaches without entering a merge, flagged left
    // out; 151 members, 148 scored, all dated; record-setters in date order over 60.97.
    let imp = json(&[
        "improvements",
        "--graph",
        g,
        "--base",
        "mistralai/Mistral-7B-v0.1",
    ]);
    assert_eq!(
        (imp["family_size"].as_u64(), imp["scored_members"].as_u64()),
        (Some(151), Some(148))
    );
    assert_eq!(imp["reference_average"], 60.97);
    let frontier = imp["frontier"].as_array().expect("an array");
    assert_eq!(frontier.len(), 8);
    assert_eq!(
        frontier[0]["model"],
        "teknium/CollectiveCognition-v1.1-Mistral-7B"
    );
    assert_eq!(frontier[0]["days_since_release"], 14);
    assert_eq!(frontier[7]["model"], "senseable/garten2-7b");
    assert_eq!(frontier[7]["average"], 72.65);
    let total = imp["total_improvement_pct"].as_f64().unwrap_or(0.0);
    assert!((total - 19.157).abs() < 1e-3, "{total}");

    // The papers' method (tests/paper_facts.py --commit-dates): names containing `mistral7b`
    // (after removing - _ .), 7.0 B parameters, no merges nor their descendants: 343 scored,
    // 14 undated (29 more are dated by their first commit), 14 record-setters counting the
    // earliest member, best +25.36 % (+15.46 points).
    let by_name = json(&[
        "improvements",
        "--graph",
        g,
        "--base",
        "mistral-7b",
        "--match",
        "name",
    ]);
    assert_eq!(by_name["pattern"], "mistral7b");
    assert_eq!(
        (
            by_name["scored_members"].as_u64(),
            by_name["undated_members"].as_u64()
        ),
        (Some(343), Some(14))
    );
    assert_eq!(by_name["frontier"].as_array().map(Vec::len), Some(14));
    let total = by_name["total_improvement_pct"].as_f64().unwrap_or(0.0);
    assert!((total - 25.357).abs() < 1e-3, "{total}");
}

/// The real-data numbers above against tests/lineage_facts.py, run now: the script rebuilds
/// the lineage from the raw files with python3's csv and ast modules and counts by plain
/// searches (breadth-first, memoised recursion, a sort).
#[test]
fn real_lineage_agrees_with_lineage_facts_py() {
    let facts = crate::common::python_facts("lineage_facts.py", &[]);
    let g = real();
    let info: Value = serde_json::from_str(&{
        let out = lineage()
            .args(["info", "--format", "json", "--graph", g])
            .output()
            .expect("lineage runs");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("UTF-8")
    })
    .expect("JSON");
    for k in ["models", "stubs", "edges", "edges_by_kind"] {
        assert_eq!(info[k], facts[k], "{k}");
    }

    let mistral = &json(&["derivatives", "--graph", g, "--model", "mistral-7b"])[0];
    let expected = &facts["mistral_descendants"];
    for k in ["direct", "descendants", "by_kind"] {
        assert_eq!(mistral[k], expected[k], "Mistral-7B-v0.1 {k}");
    }
    let top: Vec<Value> = json(&["derivatives", "--graph", g, "--top", "3"])
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| serde_json::json!([r["model"], r["descendants"]]))
        .collect();
    assert_eq!(Value::from(top), facts["top_by_descendants"]);
    let with = facts["models_with_descendants"].as_u64().expect("a count");
    let table = query(&["derivatives", "--graph", g, "--top", "1"]);
    assert!(
        table.contains(&format!("of {with} models with descendants")),
        "{table}"
    );

    let depth = json(&["merge-depth", "--graph", g, "--top", "1"]);
    let distribution: Vec<Value> = depth["distribution"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|b| serde_json::json!([b["depth"], b["models"]]))
        .collect();
    assert_eq!(Value::from(distribution), facts["merge_depth_distribution"]);
    let deepest = &facts["deepest_merge_chain"];
    assert_eq!(depth["top"][0]["merge_depth"], deepest["depth"]);
    assert_eq!(
        serde_json::json!([depth["top"][0]["model"]]),
        deepest["models"]
    );

    let imp = json(&[
        "improvements",
        "--graph",
        g,
        "--base",
        "mistralai/Mistral-7B-v0.1",
    ]);
    let expected = &facts["mistral_improvement"];
    for k in ["family_size", "scored_members", "reference_average"] {
        assert_eq!(imp[k], expected[k], "{k}");
    }
    let frontier: Vec<Value> = imp["frontier"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| serde_json::json!([s["model"], s["days_since_release"], s["average"]]))
        .collect();
    assert_eq!(Value::from(frontier), expected["frontier"]);
    let total = |v: &Value| v["total_improvement_pct"].as_f64().expect("a total");
    assert!((total(&imp) - total(expected)).abs() < 1e-3);
}

#[test]
fn real_author_components() {
    let g = real();
    // Script: committers of repos not flagged, names folded to lower case (the Hub's are
    // case-insensitive: Yhyu13/yhyu13 are one), bots = `bot` suffix or system, automerger,
    // github-actions; components by BFS over shared repos.
    let a = json(&["authors", "--graph", g]);
    assert_eq!(a["authors"], 1697);
    assert_eq!(a["links"], 2367);
    assert_eq!(a["components"], 904);
    assert_eq!(a["largest_component"], 466);
    assert_eq!(a["bots"], 7);
    assert_eq!(a["repos"], 5520);
    let share = |k: &str| a[k].as_f64().unwrap_or(0.0);
    // Distinct repos covered by the top authors (the named option).
    assert!((share("top10_coverage") - 0.116486).abs() < 1e-6);
    assert!((share("top200_coverage") - 0.581159).abs() < 1e-6);
    assert_eq!(a["top"][0]["author"], "TheBloke");
    assert_eq!(a["top"][0]["repos"], 99);
}

/// Regression: the JSON and CSV writers wrap a closed pipe's error in their own, which
/// made `lineage query ... --format json | head` end with "error: Broken pipe".
#[test]
fn json_and_csv_to_a_closed_pipe_end_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    // Both outputs are hundreds of KB, more than a pipe buffers.
    let runs: [&[&str]; 2] = [
        &[
            "improvements",
            "--all",
            "--min-family",
            "1",
            "--members",
            "--format",
            "json",
        ],
        &["merge-depth", "--top", "100000", "--format", "csv"],
    ];
    for args in runs {
        let format = args[args.len() - 1];
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lineage"))
            .args(["query"])
            .args(args)
            .args(["--graph", real()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lineage starts");
        let mut first = [0u8; 16];
        child
            .stdout
            .take()
            .expect("stdout is piped")
            .read_exact(&mut first)
            .expect("some output");
        // The pipe closes here, long before the output is written.
        let out = child.wait_with_output().expect("lineage ends");
        assert!(out.status.success(), "{format}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--include-flagged` through the command line: f/flagged (a/t1's child, average 80, by eve,
/// cc-by-nc-4.0) is left out of every query by default and counted with the flag. Every
/// expected value is worked out by hand from the graph drawn above.
#[test]
fn include_flagged_counts_the_flagged_model_in_every_query() {
    let g = small();
    let both = |args: &[&str]| {
        let mut with = args.to_vec();
        with.push("--include-flagged");
        (json(args), json(&with))
    };

    // Derivatives: o/base and a/t1 gain one descendant, a/t1 one direct child.
    let csv = |flag: bool| {
        let mut args = vec!["derivatives", "--graph", g, "--top", "2", "--format", "csv"];
        if flag {
            args.push("--include-flagged");
        }
        query(&args)
    };
    let head = "model,direct,descendants,finetune,adapter,quantized,merge,unspecified\n";
    assert_eq!(
        csv(false),
        format!("{head}o/base,2,5,0,0,0,1,4\na/t1,2,3,0,0,0,1,2\n")
    );
    assert_eq!(
        csv(true),
        format!("{head}o/base,2,6,0,0,0,1,5\na/t1,3,4,0,0,0,1,3\n")
    );

    // Improvements: the family of o/base gains f/flagged, which sets the record on day 11.
    let (without, with) = both(&["improvements", "--graph", g, "--base", "o/base"]);
    assert_eq!(
        (
            without["family_size"].as_u64(),
            with["family_size"].as_u64()
        ),
        (Some(3), Some(4))
    );
    let steps = |v: &Value| -> Vec<(String, i64)> {
        v["frontier"]
            .as_array()
            .expect("an array")
            .iter()
            .map(|s| {
                (
                    s["model"].as_str().unwrap_or("").to_string(),
                    s["days_since_release"].as_i64().unwrap_or(-1),
                )
            })
            .collect()
    };
    assert_eq!(
        steps(&without),
        [("a/t1".to_string(), 10), ("a/t3".to_string(), 31)]
    );
    assert_eq!(
        steps(&with),
        [("a/t1".to_string(), 10), ("f/flagged".to_string(), 11)]
    );
    assert_eq!(without["total_improvement_pct"], 20.0);
    assert_eq!(with["total_improvement_pct"], 60.0);

    // Merge depth: one more model of depth 0.
    let (without, with) = both(&["merge-depth", "--graph", g]);
    assert_eq!(
        without["distribution"],
        serde_json::json!([{"depth": 0, "models": 6}, {"depth": 1, "models": 1}])
    );
    assert_eq!(
        with["distribution"],
        serde_json::json!([{"depth": 0, "models": 7}, {"depth": 1, "models": 1}])
    );

    // Authors: eve, alone in her own component.
    let (without, with) = both(&["authors", "--graph", g]);
    assert_eq!(
        (without["authors"].as_u64(), with["authors"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(
        (without["components"].as_u64(), with["components"].as_u64()),
        (Some(3), Some(4))
    );

    // Licenses: seven models declare none; the flagged one declares cc-by-nc-4.0.
    let csv_both = |args: &[&str]| {
        let mut base = args.to_vec();
        base.extend(["--format", "csv"]);
        let mut with = base.clone();
        with.push("--include-flagged");
        (query(&base), query(&with))
    };
    let (without, with) = csv_both(&["licenses", "--graph", g]);
    let head = "license,models,share,class,commercial,academic,personal,note\n";
    assert_eq!(
        without,
        format!("{head}(none),7,1,unknown,unknown,unknown,unknown,\n")
    );
    assert_eq!(
        with,
        format!(
            "{head}(none),7,0.875,unknown,unknown,unknown,unknown,\n\
             cc-by-nc-4.0,1,0.125,non-commercial,no,yes,yes,\n"
        )
    );
    // License drift lists the pairs that are not ok: none by default; with the flag, the
    // edge into f/flagged (no declared base license, a declared derivative one).
    let (without, with) = csv_both(&["license-drift", "--graph", g]);
    let head = "base_license,derivative_license,verdict,edges,rationale\n";
    assert_eq!(without, head);
    assert_eq!(
        with,
        format!(
            "{head}(none),cc-by-nc-4.0,unverifiable,1,The base's licence is unknown: the \
             derivative's licence cannot be checked against it\n"
        )
    );
}

/// A cycle through the command line: c/a -> c/b -> c/c -> c/a, and c/c -> c/d. Reachability
/// follows every edge (each cycle member reaches the other two and c/d); the depth query
/// skips the one edge that closes the cycle and says so.
#[test]
fn queries_on_a_cyclic_graph() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let details = dir.path().join("details.csv");
    std::fs::write(
        &details,
        "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
         0,c/a,c,2024-01-01,,,,[],,,c/c\n\
         1,c/b,c,2024-01-02,,,,[],,,c/a\n\
         2,c/c,c,2024-01-03,,,,[],,,c/b\n\
         3,c/d,c,2024-01-04,,,,[],,,c/c\n",
    )
    .expect("writing the input");
    let graph = dir.path().join("cyclic.graph");
    build(&[details], &graph);
    let g = graph.to_str().expect("a UTF-8 path");

    let csv = query(&["derivatives", "--graph", g, "--format", "csv"]);
    let mut rows: Vec<&str> = csv.lines().skip(1).collect();
    rows.sort_unstable();
    assert_eq!(
        rows,
        [
            "c/a,1,3,0,0,0,0,3",
            "c/b,1,3,0,0,0,0,3",
            "c/c,2,3,0,0,0,0,3"
        ]
    );
    let depth = json(&["merge-depth", "--graph", g]);
    assert_eq!(depth["skipped_cycle_edges"], 1);
    // Generations along the three edges kept: a chain of the cycle's members, then c/d one
    // below c/c; every model has a depth.
    let models: u64 = depth["distribution"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|b| b["models"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(models, 4);
}
