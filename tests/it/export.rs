//! `lineage export`: exact output of a small hand-built graph in every format (snapshots),
//! the filters, the errors, XML that survives hostile names, and every GraphML, GEXF and JSON
//! export read back by networkx (tests/networkx_check.py) on the small graph and on the real
//! Open LLM Leaderboard data.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

use lineage::graph::{file, BuildOptions, GraphBuilder, LineageGraph};
use lineage::ingest::{ModelRecord, ParentRef, Scores, Sink};
use lineage::model::{Board, Day, EdgeKind, ModelType};

fn lineage() -> Command {
    Command::cargo_bin("lineage").expect("the lineage binary is built")
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Model<'a> {
    id: &'a str,
    created: Option<&'a str>,
    parents: &'a [(&'a str, Option<EdgeKind>)],
    apply: fn(&mut ModelRecord),
}

fn none(_: &mut ModelRecord) {}

fn build(models: &[Model]) -> LineageGraph {
    let mut b = GraphBuilder::new(BuildOptions {
        aliases: Default::default(),
        date_corrections: Vec::new(),
        commit_dates: true,
    });
    b.begin_file("hand-built");
    for (i, m) in models.iter().enumerate() {
        let mut rec = ModelRecord {
            id: m.id.to_string(),
            line: i as u64 + 2,
            created: m.created.and_then(Day::parse),
            parents: m
                .parents
                .iter()
                .map(|&(raw, relation)| ParentRef {
                    raw: raw.to_string(),
                    relation,
                    field: "base_model",
                })
                .collect(),
            ..Default::default()
        };
        (m.apply)(&mut rec);
        b.record(rec);
    }
    b.finish().0
}

/// Seven models with every kind of edge and attribute, worked out by hand:
///
/// ```text
/// org/base ──finetune──> me/tuned ──quantized──> q/quant (flagged)
///    │  └────adapter───> me/adapter
///    │                      me/tuned ──merge──> mix/merge <──merge── other/model <──unspecified── ghost/stub (stub)
///    └──────────merge─────────────────────────> mix/merge2 <──merge── mix/merge
/// ```
/// Descendants: org/base 5 (tuned, adapter, quant, merge, merge2), ghost/stub 3.
/// Merge depth: mix/merge 1, mix/merge2 2.
fn small_graph() -> LineageGraph {
    use EdgeKind::*;
    build(&[
        Model {
            id: "org/base",
            created: Some("2023-09-20"),
            parents: &[],
            apply: |r| {
                r.model_type = Some(ModelType::Pretrained);
                r.architecture = Some("LlamaForCausalLM".into());
                r.license = Some("apache-2.0".into());
                r.precision = Some("float16".into());
                r.library = Some("transformers".into());
                r.params_b = Some(7.0);
                r.scores = Some(Scores {
                    board: Board::V1,
                    average: 60.5,
                    benchmarks: vec![("ARC", 59.0), ("MMLU", 62.0)],
                });
                r.downloads = Some(2_047_508);
                r.likes = Some(3196);
                r.evaluations = 1;
            },
        },
        Model {
            id: "me/tuned",
            created: Some("2023-10-01"),
            parents: &[("org/base", Some(Finetune))],
            apply: |r| {
                r.model_type = Some(ModelType::Chat);
                r.scores = Some(Scores {
                    board: Board::V1,
                    average: 62.25,
                    benchmarks: vec![("ARC", 61.5), ("MMLU", 63.0)],
                });
                r.evaluations = 2;
            },
        },
        Model {
            id: "me/adapter",
            created: Some("2023-10-05"),
            parents: &[("org/base", Some(Adapter))],
            apply: none,
        },
        Model {
            id: "q/quant",
            created: Some("2023-11-01"),
            parents: &[("me/tuned", Some(Quantized))],
            apply: |r| {
                r.flagged = Some(true);
                r.params_b = Some(3.5);
            },
        },
        Model {
            id: "other/model",
            created: Some("2023-10-10"),
            parents: &[("ghost/stub", None)],
            apply: none,
        },
        Model {
            id: "mix/merge",
            created: Some("2023-12-01"),
            parents: &[("me/tuned", None), ("other/model", None)],
            apply: |r| {
                r.model_type = Some(ModelType::Merge);
                r.owner = Some("newowner".into());
            },
        },
        Model {
            id: "mix/merge2",
            created: Some("2024-01-01"),
            parents: &[("mix/merge", None), ("org/base", None)],
            apply: |r| {
                r.moe = Some(true);
                r.model_type = Some(ModelType::Merge);
            },
        },
    ])
}

/// Models whose names and values hold everything that breaks naive XML writers.
fn hostile_graph() -> LineageGraph {
    build(&[
        Model {
            id: "amp&co/<base> \"quoted\" 'single'-v1",
            created: Some("2024-01-01"),
            parents: &[],
            apply: |r| r.license = Some("cc-by-nc & <custom> \"x\"".into()),
        },
        Model {
            id: "emoji/🦙-llama-通义千问",
            created: Some("2024-01-02"),
            parents: &[(
                "amp&co/<base> \"quoted\" 'single'-v1",
                Some(EdgeKind::Finetune),
            )],
            apply: none,
        },
        Model {
            id: "ctl/be\u{7}ll\u{1b}",
            created: None,
            parents: &[("emoji/🦙-llama-通义千问", Some(EdgeKind::Adapter))],
            apply: none,
        },
        Model {
            id: "ctl/bell",
            created: None,
            parents: &[("ctl/be\u{7}ll\u{1b}", Some(EdgeKind::Quantized))],
            apply: none,
        },
        Model {
            id: "ws/tab\tnew\nline\rcr",
            created: None,
            parents: &[("ctl/bell", None)],
            apply: none,
        },
        Model {
            id: "nonchar/x\u{fffe}y\u{ffff}",
            created: None,
            parents: &[],
            apply: |r| r.architecture = Some("Arch\u{0}With\u{8}Nul".into()),
        },
    ])
}

struct Fixture {
    dir: tempfile::TempDir,
    graph: PathBuf,
}

fn save(graph: &LineageGraph) -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("test.graph");
    file::save(graph, &path).expect("the graph saves");
    Fixture { dir, graph: path }
}

fn export(fixture: &Fixture, args: &[&str]) -> String {
    let out = lineage()
        .arg("export")
        .args(args)
        .arg("--graph")
        .arg(&fixture.graph)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("exports are UTF-8")
}

/// The ids of the nodes and (source, target, kind) of the edges of a JSON export.
fn json_graph(text: &str) -> (Vec<String>, Vec<(String, String, String)>) {
    let v: Value = serde_json::from_str(text).expect("the JSON export parses");
    let nodes = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("string ids").to_string())
        .collect();
    let edges = v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().expect("strings").to_string();
            (s("source"), s("target"), s("kind"))
        })
        .collect();
    (nodes, edges)
}

// ---- exact output ----

#[test]
fn snapshot_graphml() {
    let f = save(&small_graph());
    insta::assert_snapshot!("small_graphml", export(&f, &["graphml"]));
}

#[test]
fn snapshot_gexf() {
    let f = save(&small_graph());
    insta::assert_snapshot!("small_gexf", export(&f, &["gexf"]));
}

#[test]
fn snapshot_dot() {
    let f = save(&small_graph());
    insta::assert_snapshot!("small_dot", export(&f, &["dot"]));
}

#[test]
fn snapshot_json() {
    let f = save(&small_graph());
    insta::assert_snapshot!("small_json", export(&f, &["json"]));
}

#[test]
fn snapshot_csv() {
    let f = save(&small_graph());
    let out = f.dir.path().join("csv");
    lineage()
        .args(["export", "csv", "--graph"])
        .arg(&f.graph)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("8 models, 8 edges"));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect("the CSV file exists");
    insta::assert_snapshot!("small_nodes_csv", read("nodes.csv"));
    insta::assert_snapshot!("small_edges_csv", read("edges.csv"));
}

#[test]
fn snapshot_hostile_names_graphml() {
    let f = save(&hostile_graph());
    insta::assert_snapshot!("hostile_graphml", export(&f, &["graphml"]));
}

// ---- filters ----

#[test]
fn filters_select_families_kinds_dates_and_counts() {
    let f = save(&small_graph());
    let run = |args: &[&str]| json_graph(&export(&f, &[&["json"], args].concat()));
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let (nodes, edges) = run(&[]);
    assert_eq!(nodes.len(), 8, "seven described models and one stub");
    assert_eq!(edges.len(), 8);

    // Case-insensitive base; depth 1 reaches the fine-tune, the adapter and the direct merge.
    let (nodes, edges) = run(&["--base", "ORG/Base", "--depth", "1"]);
    assert_eq!(
        nodes,
        ids(&["org/base", "me/tuned", "me/adapter", "mix/merge2"])
    );
    assert_eq!(edges.len(), 3);
    let (nodes, _) = run(&["--base", "org/base"]);
    assert_eq!(
        nodes,
        ids(&[
            "org/base",
            "me/tuned",
            "me/adapter",
            "q/quant",
            "mix/merge",
            "mix/merge2"
        ])
    );
    // Only merge edges: the family of me/tuned is it, mix/merge and mix/merge2.
    let (nodes, edges) = run(&["--base", "me/tuned", "--kind", "merge"]);
    assert_eq!(nodes, ids(&["me/tuned", "mix/merge", "mix/merge2"]));
    assert!(edges.iter().all(|e| e.2 == "merge"));
    assert_eq!(edges.len(), 2);
    let (nodes, edges) = run(&["--kind", "finetune,adapter", "--kind", "quantized"]);
    assert_eq!(nodes.len(), 8);
    assert_eq!(edges.len(), 3);

    let (nodes, edges) = run(&["--since", "2023-10-01", "--until", "2023-11-30"]);
    assert_eq!(
        nodes,
        ids(&["me/tuned", "me/adapter", "q/quant", "other/model"])
    );
    assert_eq!(
        edges,
        vec![("me/tuned".into(), "q/quant".into(), "quantized".into())]
    );

    let (nodes, edges) = run(&["--min-descendants", "3"]);
    assert_eq!(nodes, ids(&["org/base", "me/tuned", "ghost/stub"]));
    assert_eq!(
        edges,
        vec![("org/base".into(), "me/tuned".into(), "finetune".into())]
    );
    let (nodes, edges) = run(&["--exclude-stubs"]);
    assert_eq!(nodes.len(), 7);
    assert_eq!(edges.len(), 7);
}

#[test]
fn bad_arguments_say_what_would_be_accepted() {
    let f = save(&small_graph());
    let fails = |args: &[&str], message: &str| {
        lineage()
            .arg("export")
            .args(args)
            .arg("--graph")
            .arg(&f.graph)
            .assert()
            .failure()
            .stderr(predicate::str::contains(message.to_string()));
    };
    fails(
        &["csv"],
        "give the directory to write them into with -o DIR",
    );
    fails(
        &["json", "--base", "merge2"],
        "unknown base model 'merge2'; did you mean mix/merge2?",
    );
    fails(&["json", "--depth", "2"], "--base <ID>");
    fails(
        &["json", "--since", "2024-13-01"],
        "'2024-13-01' is not a date; expected YYYY-MM-DD",
    );
    fails(
        &["json", "--kind", "distill"],
        "expected one of finetune, adapter, quantized, merge, unspecified",
    );
    fails(
        &["json", "--since", "2024-02-01", "--until", "2024-01-01"],
        "since 2024-02-01 is after until 2024-01-01",
    );
    fails(&["yaml"], "possible values: graphml, gexf, dot, json, csv");
    lineage()
        .args(["export", "json", "--graph"])
        .arg(f.dir.path().join("missing.graph"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing.graph"));
}

// ---- files ----

#[test]
fn output_files_are_complete_and_leave_no_temporaries() {
    let f = save(&small_graph());
    for format in ["graphml", "gexf", "dot", "json"] {
        let path = f.dir.path().join(format!("out.{format}"));
        lineage()
            .args(["export", format, "--graph"])
            .arg(&f.graph)
            .arg("-o")
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        let written = std::fs::read_to_string(&path).expect("the export exists");
        assert_eq!(
            written,
            export(&f, &[format]),
            "{format}: file and stdout agree"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .expect("the directory lists")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".lineage-export-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

// ---- hostile names ----

/// The id XML exports give a model: its name without the characters XML 1.0 forbids, with
/// `#<dense id>` appended when any had to go.
fn xml_id(name: &str, model: u32) -> String {
    let forbidden = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if name.chars().any(forbidden) {
        format!("{}#{model}", name.replace(forbidden, ""))
    } else {
        name.to_string()
    }
}

#[test]
fn hostile_names_make_well_formed_xml_and_round_trip_elsewhere() {
    let g = hostile_graph();
    let f = save(&g);
    for format in ["graphml", "gexf"] {
        let text = export(&f, &[format]);
        for c in text.chars() {
            assert!(
                matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..),
                "{format}: character U+{:04X} is not allowed in XML 1.0",
                c as u32
            );
        }
        assert!(text.contains("amp&amp;co/&lt;base&gt; &quot;quoted&quot; 'single'"));
        assert!(text.contains("emoji/🦙-llama-通义千问"));
        assert!(text.contains("ws/tab&#9;new&#10;line&#13;cr"));
        assert!(
            text.contains("ctl/bell#2"),
            "the cleaned id stays distinct from ctl/bell"
        );
    }
    // JSON and CSV keep every character.
    let (nodes, _) = json_graph(&export(&f, &["json"]));
    let names: Vec<String> = (0..g.model_count() as u32)
        .map(|v| g.name(v).to_string())
        .collect();
    assert_eq!(nodes, names);
    let out = f.dir.path().join("csv");
    lineage()
        .args(["export", "csv", "-q", "--graph"])
        .arg(&f.graph)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    let mut rdr = csv::Reader::from_path(out.join("nodes.csv")).expect("nodes.csv opens");
    let ids: Vec<String> = rdr
        .records()
        .map(|r| r.expect("a record")[0].to_string())
        .collect();
    assert_eq!(ids, names);
    // DOT drops control characters the same way and escapes quotes.
    let dot = export(&f, &["dot"]);
    assert!(dot.contains(r#""amp&co/<base> \"quoted\" 'single'-v1" -> "emoji/🦙-llama-通义千问""#));
    assert!(dot.contains(r#""ctl/bell#2" -> "ctl/bell""#));
    assert!(!dot.chars().any(|c| c.is_control() && c != '\n'));
}

// ---- networkx ----

/// Runs tests/networkx_check.py on `spec`; fails, never skips, without python3 or networkx.
fn networkx_check(spec: &Value, dir: &Path) {
    let spec_path = dir.join("spec.json");
    std::fs::write(
        &spec_path,
        serde_json::to_vec_pretty(spec).expect("the spec encodes"),
    )
    .expect("the spec is written");
    let out = match Process::new("python3")
        .arg(crate_root().join("tests/networkx_check.py"))
        .arg(&spec_path)
        .output()
    {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run python3 ({e}): this test reads the exports back with networkx; \
             install python3, then networkx with: python3 -m pip install networkx"
        ),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => eprintln!("{stdout}"),
        Some(2) => panic!("{stderr}"),
        _ => panic!("networkx disagrees with the exports:\n{stdout}{stderr}"),
    }
}

/// Exports GraphML, GEXF and JSON of the graph file into `dir` and returns their paths.
fn export_for_networkx(graph: &Path, dir: &Path, extra: &[&str]) -> Value {
    let mut files = serde_json::Map::new();
    for format in ["graphml", "gexf", "json"] {
        let path = dir.join(format!("export.{format}"));
        lineage()
            .args(["export", format, "-q", "--graph"])
            .arg(graph)
            .arg("-o")
            .arg(&path)
            .args(extra)
            .assert()
            .success();
        files.insert(format.into(), json!(path));
    }
    Value::Object(files)
}

/// The same node checks for the three formats; GEXF also carries the creation date as `start`.
fn per_format(checks: Vec<Value>, start: &[(&str, Option<&str>)]) -> Value {
    let mut gexf = checks.clone();
    for check in &mut gexf {
        let id = check["id"].as_str().unwrap_or_default().to_string();
        if let Some((_, date)) = start.iter().find(|(n, _)| *n == id) {
            match date {
                Some(d) => check["attrs"]["start"] = json!(d),
                None => check["absent"]
                    .as_array_mut()
                    .expect("absent is a list")
                    .push(json!("start")),
            }
        }
    }
    json!({"graphml": checks, "gexf": gexf, "json": checks})
}

#[test]
fn networkx_reads_the_small_graph_back() {
    let f = save(&small_graph());
    let files = export_for_networkx(&f.graph, f.dir.path(), &[]);
    let checks = vec![
        json!({"id": "org/base", "attrs": {
            "label": "org/base", "author": "org", "created": "2023-09-20",
            "model_type": "pretrained", "architecture": "LlamaForCausalLM",
            "license": "apache-2.0", "precision": "float16", "library": "transformers",
            "params_b": 7.0, "average": 60.5, "ARC": 59.0, "MMLU": 62.0,
            "downloads": 2_047_508, "likes": 3196, "evaluations": 1,
            "descendants": 5, "merge_depth": 0, "generation": 0,
            "stub": false, "flagged": false, "moe": false},
            "absent": ["owner", "last_modified", "pipeline"]}),
        json!({"id": "me/tuned", "attrs": {"average": 62.25, "ARC": 61.5, "model_type": "chat",
            "evaluations": 2, "descendants": 3, "generation": 1},
            "absent": ["params_b", "downloads", "likes", "license"]}),
        json!({"id": "q/quant", "attrs": {"flagged": true, "params_b": 3.5, "descendants": 0},
            "absent": ["average", "ARC", "model_type"]}),
        json!({"id": "ghost/stub", "attrs": {"stub": true, "author": "ghost", "descendants": 3,
            "evaluations": 0}, "absent": ["created", "average", "model_type"]}),
        json!({"id": "mix/merge", "attrs": {"owner": "newowner", "moved": true, "merged": true,
            "merge_depth": 1, "model_type": "merge"}, "absent": []}),
        json!({"id": "mix/merge2", "attrs": {"merge_depth": 2, "generation": 3, "moe": true},
            "absent": []}),
    ];
    let starts = [
        ("org/base", Some("2023-09-20")),
        ("me/tuned", Some("2023-10-01")),
        ("q/quant", Some("2023-11-01")),
        ("ghost/stub", None),
        ("mix/merge", Some("2023-12-01")),
        ("mix/merge2", Some("2024-01-01")),
    ];
    let edges = vec![
        json!(["org/base", "me/tuned", "finetune"]),
        json!(["org/base", "me/adapter", "adapter"]),
        json!(["me/tuned", "q/quant", "quantized"]),
        json!(["ghost/stub", "other/model", "unspecified"]),
        json!(["other/model", "mix/merge", "merge"]),
        json!(["org/base", "mix/merge2", "merge"]),
    ];
    let spec = json!({
        "files": files, "nodes": 8, "edges": 8,
        "checks": per_format(checks, &starts),
        "edges_present": {"graphml": edges, "gexf": edges, "json": edges},
        "derived": true,
    });
    networkx_check(&spec, f.dir.path());
}

#[test]
fn networkx_reads_hostile_names_back() {
    let g = hostile_graph();
    let f = save(&g);
    let files = export_for_networkx(&f.graph, f.dir.path(), &[]);
    let mut checks: serde_json::Map<String, Value> = serde_json::Map::new();
    for format in ["graphml", "gexf", "json"] {
        let list: Vec<Value> = (0..g.model_count() as u32)
            .map(|v| {
                let name = g.name(v);
                let (id, label) = if format == "json" {
                    (name.to_string(), name.to_string())
                } else {
                    let id = xml_id(name, v);
                    let label = id.split('#').next().unwrap_or_default().to_string();
                    (id, label)
                };
                json!({"id": id, "attrs": {"label": label}, "absent": []})
            })
            .collect();
        checks.insert(format.into(), Value::Array(list));
    }
    let license = "cc-by-nc & <custom> \"x\"";
    for format in ["graphml", "gexf", "json"] {
        checks[format][0]["attrs"]["license"] = json!(license);
    }
    checks["graphml"][5]["attrs"]["architecture"] = json!("ArchWithNul");
    checks["gexf"][5]["attrs"]["architecture"] = json!("ArchWithNul");
    checks["json"][5]["attrs"]["architecture"] = json!("Arch\u{0}With\u{8}Nul");
    let spec = json!({
        "files": files, "nodes": g.model_count(), "edges": g.edge_count(),
        "checks": checks, "derived": true,
    });
    networkx_check(&spec, f.dir.path());
}

// ---- the real data ----

fn real_data() -> [PathBuf; 3] {
    let dir = crate_root().join("../shared/data/openllm-2024");
    let files = ["details.csv", "leaderboard.csv", "commits.csv"].map(|n| dir.join(n));
    for f in &files {
        assert!(
            f.is_file(),
            "{} is missing: these tests need the Open LLM Leaderboard 2024 data in \
             ../shared/data/openllm-2024 (see its README)",
            f.display()
        );
    }
    files
}

/// Builds the real graph once per test into `dir`.
fn real_graph(dir: &Path) -> (PathBuf, LineageGraph) {
    let path = dir.join("openllm.graph");
    lineage()
        .arg("build")
        .args(real_data())
        .arg("-q")
        .arg("--out")
        .arg(&path)
        .assert()
        .success();
    let graph = file::load(&path).expect("the built graph loads");
    (path, graph)
}

#[test]
fn networkx_reads_the_real_data_back() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (path, g) = real_graph(dir.path());
    let files = export_for_networkx(&path, dir.path(), &[]);
    // Checked against the raw files with Python's csv module: details.csv gives created
    // 2023-09-20 and 2,047,508 downloads; leaderboard.csv an average of 60.97, ARC 59.98,
    // GSM8K 37.83, 7.0 B parameters, 3196 likes, license apache-2.0, `Merged` and `Flagged`
    // True, which this export inverts (not merged, not flagged).
    let mistral = json!({"id": "mistralai/Mistral-7B-v0.1", "attrs": {
        "label": "mistralai/Mistral-7B-v0.1", "author": "mistralai", "created": "2023-09-20",
        "model_type": "pretrained", "architecture": "MistralForCausalLM", "license": "apache-2.0",
        "params_b": 7.0, "average": 60.97, "ARC": 59.98, "GSM8K": 37.83,
        "downloads": 2_047_508, "likes": 3196, "stub": false, "flagged": false, "merged": false},
        "absent": ["owner"]});
    let mut checks = vec![mistral];
    let mut starts: Vec<(String, Option<String>)> = vec![(
        "mistralai/Mistral-7B-v0.1".into(),
        Some("2023-09-20".into()),
    )];
    // Every 250th model: what the graph holds is what networkx reads.
    for v in (0..g.model_count() as u32).step_by(250) {
        let m = &g.models[v as usize];
        let mut attrs = serde_json::Map::new();
        let mut absent = Vec::new();
        let mut put = |name: &str, value: Option<Value>| match value {
            Some(value) => {
                attrs.insert(name.into(), value);
            }
            None => absent.push(json!(name)),
        };
        put("label", Some(json!(g.name(v))));
        put("created", m.created.map(|d| json!(d.to_string())));
        put("average", m.average(Board::V1).map(|a| json!(a as f64)));
        put("params_b", m.params_b.map(|a| json!(a as f64)));
        put("downloads", m.downloads.map(|d| json!(d)));
        put("likes", m.likes.map(|d| json!(d)));
        put("license", g.symbol(m.license).map(|s| json!(s)));
        put("stub", Some(json!(m.is_stub())));
        put("flagged", Some(json!(m.is_flagged())));
        put("evaluations", Some(json!(m.evaluations)));
        checks.push(json!({"id": g.name(v), "attrs": attrs, "absent": absent}));
        starts.push((g.name(v).into(), m.created.map(|d| d.to_string())));
    }
    let starts: Vec<(&str, Option<&str>)> = starts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_deref()))
        .collect();
    let edges: Vec<Value> = (0..g.model_count() as u32)
        .flat_map(|v| g.child_edges(v).map(move |(c, k)| (v, c, k)))
        .step_by(100)
        .map(|(p, c, k)| json!([g.name(p), g.name(c), k.as_str()]))
        .collect();
    assert!(edges.len() >= 20);
    let spec = json!({
        "files": files, "nodes": g.model_count(), "edges": g.edge_count(),
        "checks": per_format(checks, &starts),
        "edges_present": {"graphml": edges, "gexf": edges, "json": edges},
        "derived": true,
    });
    networkx_check(&spec, dir.path());
}

#[test]
fn real_data_family_export_and_dot_warning() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (path, g) = real_graph(dir.path());
    // The whole graph is too big for Graphviz: the command says so on stderr.
    lineage()
        .args(["export", "dot", "--graph"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: {} models",
            g.model_count()
        )));
    // The family of Mistral-7B to one generation: the base and its direct children.
    let base = g
        .lookup("mistralai/mistral-7b-v0.1")
        .expect("Mistral is in the data");
    let out = lineage()
        .args([
            "export",
            "json",
            "--base",
            "MISTRALAI/MISTRAL-7B-V0.1",
            "--depth",
            "1",
            "--graph",
        ])
        .arg(&path)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let (nodes, edges) = json_graph(&String::from_utf8(out).expect("UTF-8"));
    let mut family: Vec<u32> = g.children_of(base).to_vec();
    family.push(base);
    family.sort_unstable();
    family.dedup();
    let expected: Vec<&str> = family.iter().map(|&v| g.name(v)).collect();
    assert_eq!(nodes, expected, "the base and its children, in id order");
    let from_base = edges
        .iter()
        .filter(|e| e.0 == "mistralai/Mistral-7B-v0.1")
        .count();
    assert_eq!(
        from_base,
        family.len() - 1,
        "every child keeps its edge from the base"
    );
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (path, _) = real_graph(dir.path());
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("lineage"))
        .args(["export", "graphml", "--graph"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the export starts");
    {
        use std::io::Read;
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut first = [0u8; 100];
        stdout.read_exact(&mut first).expect("the export begins");
        assert!(first.starts_with(b"<?xml"));
    } // stdout closed here, like `| head`
    let out = child.wait_with_output().expect("the export ends");
    assert!(out.status.success(), "exit status {:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// ---- round trip ----

mod round_trip {
    use super::*;
    use lineage::export::{csv::CsvWriter, Export, Filter, Format};
    use proptest::prelude::*;

    /// Random graphs of up to 24 models whose names mix markup, controls, quotes, spaces and
    /// non-Latin text; parents are earlier models, with random relations.
    fn graphs() -> impl Strategy<Value = LineageGraph> {
        let name =
            proptest::string::string_regex("[a-c&<\"' \t\u{7}é🦙]{1,6}").expect("a valid regex");
        let kind = proptest::option::of(proptest::sample::select(EdgeKind::ALL.to_vec()));
        proptest::collection::vec(
            (
                name,
                proptest::collection::vec((any::<prop::sample::Index>(), kind), 0..3),
            ),
            1..24,
        )
        .prop_map(|specs| {
            let mut b = GraphBuilder::new(BuildOptions {
                aliases: Default::default(),
                date_corrections: Vec::new(),
                commit_dates: true,
            });
            b.begin_file("random");
            let ids: Vec<String> = specs
                .iter()
                .enumerate()
                .map(|(i, (n, _))| format!("ns{i}/{n}"))
                .collect();
            for (i, (_, parents)) in specs.iter().enumerate() {
                let parents = if i == 0 {
                    Vec::new()
                } else {
                    parents
                        .iter()
                        .map(|(at, relation)| ParentRef {
                            raw: ids[at.index(i)].clone(),
                            relation: *relation,
                            field: "base_model",
                        })
                        .collect()
                };
                b.record(ModelRecord {
                    id: ids[i].clone(),
                    line: i as u64 + 2,
                    parents,
                    ..Default::default()
                });
            }
            b.finish().0
        })
    }

    fn edges_of(g: &LineageGraph) -> Vec<(String, String, String)> {
        let mut edges: Vec<_> = (0..g.model_count() as u32)
            .flat_map(|v| {
                g.child_edges(v).map(move |(c, k)| {
                    (g.name(v).to_string(), g.name(c).to_string(), k.to_string())
                })
            })
            .collect();
        edges.sort();
        edges
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// JSON and CSV exports read back into exactly the graph's nodes and edges.
        #[test]
        fn json_and_csv_exports_read_back_to_the_same_graph(g in graphs()) {
            let export = Export::new(&g, &Filter::default()).expect("no filter cannot fail");
            let names: Vec<String> =
                (0..g.model_count() as u32).map(|v| g.name(v).to_string()).collect();

            let mut json = Vec::new();
            export.write_to(Format::Json, &mut json).expect("writing to memory");
            let (nodes, mut edges) = json_graph(&String::from_utf8(json).expect("UTF-8"));
            edges.sort();
            prop_assert_eq!(&nodes, &names);
            prop_assert_eq!(&edges, &edges_of(&g));

            let (mut node_csv, mut edge_csv) = (Vec::new(), Vec::new());
            export
                .write(&mut CsvWriter::new(&mut node_csv, &mut edge_csv))
                .expect("writing to memory");
            let ids: Vec<String> = csv::Reader::from_reader(node_csv.as_slice())
                .records()
                .map(|r| r.expect("a record")[0].to_string())
                .collect();
            prop_assert_eq!(&ids, &names);
            let mut edges: Vec<(String, String, String)> =
                csv::Reader::from_reader(edge_csv.as_slice())
                    .records()
                    .map(|r| {
                        let r = r.expect("a record");
                        (r[0].to_string(), r[1].to_string(), r[2].to_string())
                    })
                    .collect();
            edges.sort();
            prop_assert_eq!(&edges, &edges_of(&g));
        }
    }
}
