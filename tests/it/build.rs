//! `lineage build` and `lineage info` through the real binary: inputs and directories,
//! `--format`, `--aliases`, `--report`, `--out`, the summary on stderr, the progress bar,
//! and `info`'s JSON.

use std::collections::BTreeSet;

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;

const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model";

/// A small Hub metadata table: a base, two derivatives (one by a free-text name), a
/// merge of both, a cycle, a self-reference and an unresolvable name.
fn details(wd: &Workdir, name: &str) -> std::path::PathBuf {
    wd.write(
        name,
        format!(
            "{DETAILS_HEADER}\n\
             0,org/base-7b,org,2024-01-01 00:00:00+00:00,,100,transformers,\"['transformers']\",,,\n\
             1,alice/tuned-7b,alice,2024-02-01 00:00:00+00:00,,10,transformers,\"['base_model:finetune:org/base-7b']\",,,org/base-7b\n\
             2,bob/free-text-7b,bob,2024-02-02 00:00:00+00:00,,10,transformers,[],,,my-base-7b\n\
             3,carol/merged-7b,carol,2024-03-01 00:00:00+00:00,,10,transformers,\"['merge']\",,,\"['alice/tuned-7b', 'bob/free-text-7b']\"\n\
             4,ring/a,ring,2024-03-02 00:00:00+00:00,,1,transformers,[],,,ring/b\n\
             5,ring/b,ring,2024-03-03 00:00:00+00:00,,1,transformers,[],,,ring/a\n\
             6,dave/self,dave,2024-03-04 00:00:00+00:00,,1,transformers,[],,,DAVE/SELF\n\
             7,erin/lost,erin,2024-03-05 00:00:00+00:00,,1,transformers,[],,,some vague name\n"
        ),
    )
}

#[test]
fn build_writes_a_graph_and_a_summary() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    let out = wd
        .command(&["build", "details.csv", "--out", "lineage.graph"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    // inputs, models, edges, problems, what was written
    assert!(
        stderr.contains("details.csv (details): 8 rows, 8 records, 0 issues"),
        "{stderr}"
    );
    assert!(
        stderr.contains("models: 8 (8 described, 0 stubs)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("edges: 5 (adapter 0, finetune 1, merge 2, quantized 0, unspecified 2)"),
        "{stderr}"
    );
    assert!(stderr.contains("unresolved references: 2"), "{stderr}");
    assert!(stderr.contains("self-references dropped: 1"), "{stderr}");
    assert!(stderr.contains("cycles: 1\n  ring/a -> ring/b"), "{stderr}");
    assert!(stderr.contains("wrote lineage.graph"), "{stderr}");
    assert!(out.stdout.is_empty());
    let g = lineage::graph::file::load(&wd.join("lineage.graph")).unwrap();
    assert_eq!(g.model_count(), 8);
}

#[test]
fn out_defaults_to_graphs_lineage_graph() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    wd.command(&["build", "details.csv", "-q"])
        .assert()
        .success();
    assert!(lineage::graph::file::load(&wd.join("graphs/lineage.graph")).is_ok());
    // and `info` reads it from there by default
    wd.command(&["info"])
        .assert()
        .success()
        .stdout(predicate::str::contains("graphs/lineage.graph"));
}

#[test]
fn quiet_prints_nothing() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    wd.command(&["build", "details.csv", "-q", "-o", "g.graph"])
        .assert()
        .success()
        .stderr("")
        .stdout("");
}

#[test]
fn report_json_structure() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    wd.write(
        "commits.csv",
        ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n\
         0,alice/tuned-7b,2,3,2024-02-01 00:00:00+00:00,2024-02-02 00:00:00+00:00,\"['alice', 'bob']\"\n\
         1,ghost/only-commits,1,1,never,2024-02-02 00:00:00+00:00,['ghost']\n",
    );
    wd.command(&[
        "build",
        "details.csv",
        "commits.csv",
        "-o",
        "g.graph",
        "--report",
        "r.json",
        "-q",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    let keys: BTreeSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "inputs",
        "models",
        "described",
        "stubs",
        "edges",
        "edges_by_kind",
        "duplicates_merged",
        "flagged",
        "moved",
        "authors",
        "placeholder_references",
        "aliased",
        "unresolved",
        "self_references",
        "cycles",
        "date_corrections",
        "rejected",
        "suspicious",
    ] {
        assert!(keys.contains(key), "report lacks '{key}': {keys:?}");
    }
    // inputs in reading order (Hub metadata before commits), with their counts
    let inputs = r["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["format"], "details");
    assert_eq!(inputs[1]["format"], "commits");
    for (input, rows) in inputs.iter().zip([8, 2]) {
        assert!(input["path"].as_str().unwrap().ends_with(".csv"));
        assert_eq!(input["rows"], rows);
        assert_eq!(input["records"], rows);
        assert_eq!(input["rows_rejected"], 0);
        assert_eq!(input["duplicates_merged"], 0);
    }
    assert_eq!(inputs[1]["issues"], 1);
    assert_eq!(r["models"], 9);
    assert_eq!(r["described"], 9);
    assert_eq!(r["stubs"], 0);
    assert_eq!(r["edges"], 5);
    let kinds = &r["edges_by_kind"];
    assert_eq!(
        (
            &kinds["finetune"],
            &kinds["merge"],
            &kinds["unspecified"],
            &kinds["adapter"],
            &kinds["quantized"]
        ),
        (
            &Value::from(1),
            &Value::from(2),
            &Value::from(2),
            &Value::from(0),
            &Value::from(0)
        )
    );
    // placeholders counted by value: row 0's empty base_model
    assert_eq!(r["placeholder_references"]["empty"], 1);
    // unresolved references with examples: file, line, field, child, value
    assert_eq!(r["unresolved"]["count"], 2);
    let unresolved: Vec<(u64, &str, &str, &str)> = r["unresolved"]["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            assert!(u["file"].as_str().unwrap().ends_with("details.csv"));
            (
                u["line"].as_u64().unwrap(),
                u["field"].as_str().unwrap(),
                u["child"].as_str().unwrap(),
                u["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unresolved,
        vec![
            (4, "base_model", "bob/free-text-7b", "my-base-7b"),
            (9, "base_model", "erin/lost", "some vague name")
        ]
    );
    assert_eq!(r["self_references"]["count"], 1);
    assert_eq!(r["self_references"]["references"][0]["child"], "dave/self");
    assert_eq!(r["self_references"]["references"][0]["line"], 8);
    // cycles with their members
    assert_eq!(r["cycles"].as_array().unwrap().len(), 1);
    assert_eq!(
        r["cycles"][0]["members"],
        serde_json::json!(["ring/a", "ring/b"])
    );
    assert_eq!(r["cycles"][0]["edges_skipped"], 1);
    // rejected and suspicious, by reason
    assert_eq!(r["rejected"]["bad date"]["count"], 1);
    let row = &r["rejected"]["bad date"]["rows"][0];
    assert_eq!(
        (row["line"].as_u64(), row["field"].as_str()),
        (Some(3), Some("first_commit"))
    );
    assert!(row["file"].as_str().unwrap().ends_with("commits.csv"));
    assert_eq!(row["value"], "never");
    assert!(r["suspicious"].as_object().unwrap().is_empty());
    // namespaces org alice bob carol ring dave erin ghost; committers alice bob ghost
    assert_eq!(r["authors"], 8);
    assert_eq!(r["duplicates_merged"], 0);
    assert_eq!(r["flagged"], 0);
}

/// The counts of `info --format json` that the graph above leaves at zero, each given a
/// value worked out by hand on three small inputs:
///   details: o/base; a/tune (o/base's child); b/copy, whose metadata is a/tune's row again
///            under another name (a failed lookup's copy: suspicious, its edge not used)
///   leaderboard v1: o/base 50, a/tune 55 flagged (the export's Flagged is inverted), x/only 60
///   commits: a/tune by ann and bob, o/base by ann
/// Models o/base, a/tune, b/copy, x/only: 4, all described; 3 scored, all on v1 (info counts
/// flagged models too); 1 flagged; 1 suspicious; 1 edge. Owners: the namespaces o, a, b, x.
/// Contributors: ann, bob. Authors: the four namespaces and the two committers.
#[test]
fn info_json_counts_scores_flags_and_people() {
    let wd = Workdir::new();
    wd.write(
        "details.csv",
        format!(
            "{DETAILS_HEADER}\n\
             0,o/base,o,2024-01-01 00:00:00+00:00,,100,transformers,[],,,\n\
             1,a/tune,a,2024-01-02 00:00:00+00:00,,10,transformers,[],,,o/base\n\
             2,b/copy,a,2024-01-02 00:00:00+00:00,,10,transformers,[],,,o/base\n"
        ),
    );
    wd.write(
        "leaderboard.csv",
        "Type;Average \u{2b06}\u{fe0f};Flagged;Merged;model_name_for_query\n\
         \u{1f7e2};50.0;True;True;o/base\n\
         \u{1f536};55.0;False;True;a/tune\n\
         \u{1f536};60.0;True;True;x/only\n",
    );
    wd.write(
        "commits.csv",
        ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n\
         0,a/tune,2,2,,,\"['ann', 'bob']\"\n\
         1,o/base,1,1,,,['ann']\n",
    );
    wd.command(&[
        "build",
        "details.csv",
        "leaderboard.csv",
        "commits.csv",
        "-o",
        "g.graph",
        "-q",
    ])
    .assert()
    .success();
    let out = wd
        .command(&["info", "--graph", "g.graph", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    let counts: Vec<(&str, &Value)> = [
        "models",
        "described",
        "stubs",
        "scored",
        "flagged",
        "suspicious",
        "edges",
        "owners",
        "contributors",
        "authors",
    ]
    .into_iter()
    .map(|k| (k, &info[k]))
    .collect();
    let expected = [4, 4, 0, 3, 1, 1, 1, 4, 2, 6].map(Value::from);
    let expected: Vec<(&str, &Value)> = counts.iter().map(|c| c.0).zip(&expected).collect();
    assert_eq!(counts, expected);
    assert_eq!(info["scored_by_board"], serde_json::json!({"v1": 3}));
}

#[test]
fn info_json_fields() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    let fixture = fixture("hub_api.jsonl");
    wd.command(&[
        "build",
        "details.csv",
        fixture.to_str().unwrap(),
        "-o",
        "g.graph",
        "-q",
    ])
    .assert()
    .success();
    let out = wd
        .command(&["info", "--graph", "g.graph", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: BTreeSet<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "models",
        "described",
        "stubs",
        "scored",
        "scored_by_board",
        "flagged",
        "moved",
        "suspicious",
        "edges",
        "edges_by_kind",
        "cycles",
        "cycle_edges",
        "authors",
        "owners",
        "contributors",
        "first_created",
        "last_created",
        "sources",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, expected);
    // details: 8 models, 5 edges, 1 cycle; fixture: 14 models, 11 edges, 1 cycle
    assert_eq!(info["models"], 22);
    assert_eq!(info["stubs"], 1);
    assert_eq!(info["described"], 21);
    assert_eq!(info["edges"], 16);
    assert_eq!(
        info["edges_by_kind"],
        serde_json::json!({"finetune": 6, "adapter": 2, "quantized": 1, "merge": 4, "unspecified": 3})
    );
    assert_eq!(info["cycles"], 2);
    assert_eq!(info["cycle_edges"], 2);
    assert_eq!(info["moved"], 1);
    // Owners: the namespaces of the described models, 7 in details (org alice bob carol ring
    // dave erin) and 12 in the fixture, ring in both: 18. Authors: those, the Hub owner
    // new-owner of old-namespace/renamed-model-7b, and meta-llama of the one stub: 20. No
    // leaderboard and no commit history: nothing scored, flagged or contributed; no copied
    // metadata (info_json_counts_scores_flags_and_people gives these counts values).
    assert_eq!(info["owners"], 18);
    assert_eq!(info["authors"], 20);
    for k in ["scored", "flagged", "suspicious", "contributors"] {
        assert_eq!(info[k], 0, "{k}");
    }
    assert_eq!(info["scored_by_board"], serde_json::json!({}));
    assert_eq!(info["first_created"], "2023-09-01");
    assert_eq!(info["last_created"], "2024-04-01");
    let sources = info["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["format"], "hub-api");
    assert_eq!(sources[0]["rows"], 16);
    assert_eq!(sources[0]["records"], 13);
    assert_eq!(sources[1]["format"], "details");
    // the table form says the same
    wd.command(&["info", "--graph", "g.graph"])
        .assert()
        .success()
        .stdout(predicate::str::contains("models"))
        .stdout(predicate::str::contains("22"))
        .stdout(predicate::str::contains("2023-09-01 to 2024-04-01"))
        .stdout(predicate::str::contains(
            "hub_api.jsonl (hub-api): 16 rows, 13 records",
        ));
}

#[test]
fn format_overrides_detection() {
    let wd = Workdir::new();
    // a commit history without the num_of_commits column: not recognised from its header
    wd.write(
        "history.csv",
        "name,authors\norg/a,\"['alice', 'bob']\"\norg/b,['carol']\n",
    );
    wd.command(&["build", "history.csv", "-o", "g.graph"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a known input format"));
    wd.command(&[
        "build",
        "history.csv",
        "--input-format",
        "commits",
        "-o",
        "g.graph",
        "--report",
        "r.json",
        "-q",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    assert_eq!(r["inputs"][0]["format"], "commits");
    assert_eq!(r["models"], 2);
    let g = lineage::graph::file::load(&wd.join("g.graph")).unwrap();
    assert_eq!(g.contributors.row(node(&g, "org/a")).len(), 2);
    // a forced format the file does not fit: the missing column is named
    let out = wd
        .command(&[
            "build",
            "history.csv",
            "--input-format",
            "details",
            "-o",
            "h.graph",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("history.csv")
            && stderr.contains("lacks column 'created_at'"),
        "{stderr}"
    );
    assert!(!wd.join("h.graph").exists());
    // an unknown format name: the valid ones are listed
    wd.command(&["build", "history.csv", "--input-format", "xlsx"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown format 'xlsx'"))
        .stderr(predicate::str::contains(
            "hub-api, parquet, details, listing, leaderboard-v2, leaderboard-v1, commits",
        ));
}

#[test]
fn directory_inputs() {
    let wd = Workdir::new();
    details(&wd, "in/details.csv");
    wd.write(
        "in/commits.csv",
        ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n0,org/base-7b,1,1,2024-01-01 00:00:00+00:00,2024-01-01 00:00:00+00:00,['alice']\n",
    );
    std::fs::copy(fixture("hub_api.jsonl"), wd.join("in/api.jsonl")).unwrap();
    // not inputs: other extensions, and subdirectories are not walked
    wd.write("in/README.md", "# notes\n");
    wd.write("in/nested/more.csv", "this,would,fail\n");
    wd.command(&["build", "in", "-o", "g.graph", "--report", "r.json", "-q"])
        .assert()
        .success();
    let r = wd.json("r.json");
    let paths: Vec<&str> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(
        paths[0].ends_with("api.jsonl")
            && paths[1].ends_with("details.csv")
            && paths[2].ends_with("commits.csv"),
        "{paths:?}"
    );
    assert_eq!(r["models"], 22);
    // a directory with no inputs
    std::fs::create_dir(wd.join("none")).unwrap();
    wd.write("none/notes.txt", "x");
    wd.command(&["build", "none", "-o", "n.graph"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "error: no input files found in none",
        ));
    assert!(!wd.join("n.graph").exists());
}

#[test]
fn aliases_file_extends_resolution() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    wd.write(
        "aliases.csv",
        "# our own names\nalias,target\nmy-base-7b,org/base-7b\nsome vague name,Vague/Model\n",
    );
    wd.command(&[
        "build",
        "details.csv",
        "--aliases",
        "aliases.csv",
        "-o",
        "g.graph",
        "--report",
        "r.json",
        "-q",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    assert_eq!(r["unresolved"]["count"], 0);
    assert_eq!(r["aliased"]["count"], 2);
    assert_eq!(
        r["aliased"]["references"][0]["value"],
        "my-base-7b -> org/base-7b"
    );
    let g = lineage::graph::file::load(&wd.join("g.graph")).unwrap();
    assert_eq!(parent_names(&g, "bob/free-text-7b"), vec!["org/base-7b"]);
    // a target nobody describes becomes a stub
    assert_eq!(parent_names(&g, "erin/lost"), vec!["vague/model"]);
    assert!(g.models[node(&g, "Vague/Model") as usize].is_stub());
    // a later file overrides the shipped table
    wd.write(
        "details2.csv",
        format!("{DETAILS_HEADER}\n0,x/y,x,2024-01-01,,1,,[],,,mistral-7b\n"),
    );
    wd.write("mine.csv", "mistral-7b,my-org/my-mistral\n");
    wd.command(&[
        "build",
        "details2.csv",
        "--aliases",
        "mine.csv",
        "-o",
        "g2.graph",
        "-q",
    ])
    .assert()
    .success();
    let g = lineage::graph::file::load(&wd.join("g2.graph")).unwrap();
    assert_eq!(parent_names(&g, "x/y"), vec!["my-org/my-mistral"]);
}

#[test]
fn a_bad_alias_file_names_file_and_line() {
    let wd = Workdir::new();
    details(&wd, "details.csv");
    for (text, expect) in [
        (
            "alias,target\nmy-base-7b,org/base-7b\nbroken,not an id\n",
            "error: aliases.csv:3: target 'not an id' is not a repo id (namespace/name)",
        ),
        (
            "alias,target\n# fine\none,org/one,extra\n",
            "error: aliases.csv:3: expected 2 fields 'alias,target', found 3",
        ),
        (",org/empty\n", "error: aliases.csv:1: empty alias"),
    ] {
        wd.write("aliases.csv", text);
        let out = wd
            .command(&[
                "build",
                "details.csv",
                "--aliases",
                "aliases.csv",
                "-o",
                "g.graph",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stderr.trim_end(), expect);
        assert!(!wd.join("g.graph").exists());
    }
    wd.command(&[
        "build",
        "details.csv",
        "--aliases",
        "absent.csv",
        "-o",
        "g.graph",
    ])
    .assert()
    .failure()
    .stderr(predicate::str::contains("absent.csv: cannot read"));
}

#[test]
fn date_corrections() {
    let wd = Workdir::new();
    wd.write(
        "details.csv",
        format!("{DETAILS_HEADER}\n0,meta-llama/Meta-Llama-3-8B,meta-llama,2024-04-18 00:00:00+00:00,,1,,[],,,\n1,org/late,org,2024-05-01 00:00:00+00:00,,1,,[],,,\n"),
    );
    let created = |graph: &str, id: &str| {
        let g = lineage::graph::file::load(&wd.join(graph)).unwrap();
        g.models[node(&g, id) as usize].created.unwrap().to_string()
    };
    // The model's mark that its date was corrected (exported as `date_corrected`).
    let corrected = |graph: &str, id: &str| {
        let g = lineage::graph::file::load(&wd.join(graph)).unwrap();
        g.models[node(&g, id) as usize]
            .flags
            .has(lineage::model::Flags::DATE_CORRECTED)
    };
    // the shipped table moves Meta-Llama-3-8B to its release day
    wd.command(&[
        "build",
        "details.csv",
        "-o",
        "a.graph",
        "--report",
        "r.json",
        "-q",
    ])
    .assert()
    .success();
    assert_eq!(
        created("a.graph", "meta-llama/Meta-Llama-3-8B"),
        "2024-04-17"
    );
    assert!(corrected("a.graph", "meta-llama/Meta-Llama-3-8B"));
    assert!(!corrected("a.graph", "org/late"));
    assert_eq!(
        wd.json("r.json")["date_corrections"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    wd.command(&[
        "build",
        "details.csv",
        "-o",
        "b.graph",
        "--no-date-corrections",
        "-q",
    ])
    .assert()
    .success();
    assert_eq!(
        created("b.graph", "meta-llama/Meta-Llama-3-8B"),
        "2024-04-18"
    );
    assert!(!corrected("b.graph", "meta-llama/Meta-Llama-3-8B"));
    // a user's table adds to it
    wd.write(
        "fix.csv",
        "# ours\nmodel,created,reason\norg/late,2024-04-30,announced a day early\n",
    );
    wd.command(&[
        "build",
        "details.csv",
        "-o",
        "c.graph",
        "--date-corrections",
        "fix.csv",
        "-q",
    ])
    .assert()
    .success();
    assert_eq!(created("c.graph", "org/late"), "2024-04-30");
    assert!(corrected("c.graph", "org/late"));
    assert!(corrected("c.graph", "meta-llama/Meta-Llama-3-8B"));
    // a bad one names its file and line (comments count as lines)
    wd.write(
        "bad.csv",
        "# ours\nmodel,created,reason\n\norg/late,soon,who knows\n",
    );
    wd.command(&[
        "build",
        "details.csv",
        "-o",
        "d.graph",
        "--date-corrections",
        "bad.csv",
    ])
    .assert()
    .failure()
    .stderr("error: bad.csv:4: field 'created': 'soon' is not a date (YYYY-MM-DD)\n");
    assert!(!wd.join("d.graph").exists());
}

/// All the real files together are well past the size at which a terminal shows a
/// progress bar (8 MB); captured stderr is not a terminal and must stay clean.
#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let wd = Workdir::new();
    let files = [
        "openllm-2024/leaderboard.csv",
        "openllm-2024/details.csv",
        "openllm-2024/commits.csv",
        "openllm-v2-2025/contents.csv",
        "hub-listing-2024/models.csv",
    ]
    .map(|f| shared_data(f).to_string_lossy().into_owned());
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    assert!(
        total > 8 << 20,
        "the inputs must be large enough for a bar: {total}"
    );
    let mut args = vec!["build", "-o", "g.graph"];
    args.extend(files.iter().map(String::as_str));
    let out = wd.command(&args).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains('\r'), "carriage return on stderr");
    assert!(!stderr.contains('\u{1b}'), "terminal escape on stderr");
    assert!(
        !stderr.contains('█') && !stderr.contains('░'),
        "bar characters on stderr"
    );
    assert!(!stderr.contains("reading "), "{stderr}");
    assert!(stderr.contains("wrote g.graph"));
}

/// On a terminal the same build draws a bar (checked through `script`, which gives the
/// command a pseudo-terminal).
#[cfg(target_os = "linux")]
#[test]
fn progress_bar_on_a_terminal() {
    let wd = Workdir::new();
    let files: Vec<String> = [
        "openllm-2024/leaderboard.csv",
        "openllm-2024/details.csv",
        "openllm-2024/commits.csv",
        "openllm-v2-2025/contents.csv",
        "hub-listing-2024/models.csv",
    ]
    .iter()
    .map(|f| shared_data(f).to_string_lossy().into_owned())
    .collect();
    let bin = assert_cmd::cargo::cargo_bin("lineage");
    let command = format!("{} build -o g.graph {}", bin.display(), files.join(" "));
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(wd.path())
        .output()
        .expect("`script` (util-linux) runs the build on a pseudo-terminal");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // How far the bar got when it was drawn depends on timing; that it was drawn, with the
    // inputs' total size, does not. How it fills is `commands::build`'s unit test.
    let shown = String::from_utf8_lossy(&out.stdout);
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    let total = format!("/{}", indicatif::HumanBytes(total));
    assert!(
        shown.contains("reading ") && shown.contains(&total),
        "{total} in {shown}"
    );
    assert!(shown.contains("wrote g.graph"));
}

/// The build's cycle search once recursed once per level of a chain: a lineage 200,000
/// models deep (closed into a cycle at its end) must build without overflowing the stack.
#[test]
fn a_deep_chain_with_a_cycle_does_not_overflow_the_build() {
    let n = 200_000;
    let mut csv = String::from(
        "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n",
    );
    for i in 0..n {
        // m0 names the last model as its base: the whole chain is one cycle.
        let parent = if i == 0 { n - 1 } else { i - 1 };
        csv.push_str(&format!("{i},o/m{i},o,2024-01-01,,,,[],,,o/m{parent}\n"));
    }
    let bytes: &'static [u8] = Box::leak(csv.into_bytes().into_boxed_slice());
    let input = lineage::ingest::Input::embedded("chain.csv", bytes).unwrap();
    let (g, report) = lineage::build(&[input], Default::default(), None).unwrap();
    assert_eq!(g.edge_count(), n);
    assert_eq!(report.cycles.len(), 1);
    assert_eq!(report.cycles[0].members.len(), n);
    assert_eq!(g.cycle_edges(), 1);
}
