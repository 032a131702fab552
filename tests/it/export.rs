//! `lineage export`: exact output of a small hand-built graph in every format (snapshots),
//! the filters, the errors, XML that survives hostile names, random graphs (cycles, stubs
//! and attributes included) read back from GraphML, GEXF, JSON and CSV, and every GraphML,
//! GEXF and JSON export read back by networkx (tests/networkx_check.py) on the small graph
//! and on the real Open LLM Leaderboard data.

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
/// Descendants: org/base 5 (tuned, adapter, quant, merge, merge2), ghost/stub 3; without
/// the flagged q/quant (the default count) org/base 4 and me/tuned 2.
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

    // me/tuned has 2 descendants: its quantization q/quant is flagged and not counted
    let (nodes, edges) = run(&["--min-descendants", "3"]);
    assert_eq!(nodes, ids(&["org/base", "ghost/stub"]));
    assert!(edges.is_empty(), "{edges:?}");
    let (nodes, edges) = run(&["--min-descendants", "3", "--include-flagged"]);
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
        &["json", "--base", "mix/merge3"],
        "base model: unknown model 'mix/merge3'; did you mean one of mix/merge, mix/merge2",
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
            "descendants": 4, "merge_depth": 0, "generation": 0,
            "stub": false, "flagged": false, "moe": false},
            "absent": ["owner", "last_modified", "pipeline"]}),
        json!({"id": "me/tuned", "attrs": {"average": 62.25, "ARC": 61.5, "model_type": "chat",
            "evaluations": 2, "descendants": 2, "generation": 1},
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
    use std::collections::{BTreeMap, BTreeSet};

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

    /// One model of a wide random graph: described by a record, or only named as a base
    /// (a stub); its bases may come later in the list or be itself (cycles, self-references).
    /// Names carry markup and non-Latin text but no whitespace, which would make a reference
    /// free text rather than an id.
    #[derive(Debug, Clone)]
    struct Spec {
        name: String,
        described: bool,
        parents: Vec<(prop::sample::Index, Option<EdgeKind>)>,
        created: Option<(u32, u32)>,
        license: Option<&'static str>,
        flagged: bool,
        model_type: Option<ModelType>,
        /// The average in quarter points (exact in binary).
        quarters: Option<u16>,
        downloads: Option<u64>,
    }

    fn specs() -> impl Strategy<Value = Vec<Spec>> {
        let name = proptest::string::string_regex("[a-c&<>\"'é🦙]{1,5}").expect("a valid regex");
        let kind = proptest::option::of(proptest::sample::select(EdgeKind::ALL.to_vec()));
        let model_type = proptest::option::of(proptest::sample::select(vec![
            ModelType::Pretrained,
            ModelType::FineTuned,
            ModelType::Chat,
            ModelType::Merge,
        ]));
        let license = proptest::option::of(proptest::sample::select(vec![
            "apache-2.0",
            "cc-by-nc-4.0",
            "a & <b>",
        ]));
        proptest::collection::vec(
            (
                name,
                proptest::bool::weighted(0.8),
                proptest::collection::vec((any::<prop::sample::Index>(), kind), 0..3),
                proptest::option::of((1u32..=12, 1u32..=28)),
                license,
                proptest::bool::weighted(0.2),
                model_type,
                proptest::option::of(100u16..400),
                proptest::option::of(0u64..1_000_000),
            ),
            1..16,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, r)| Spec {
                    name: format!("ns{i}/{}v", r.0),
                    described: r.1,
                    parents: r.2,
                    created: r.3,
                    license: r.4,
                    flagged: r.5,
                    model_type: r.6,
                    quarters: r.7,
                    downloads: r.8,
                })
                .collect()
        })
    }

    fn date(created: Option<(u32, u32)>) -> Option<String> {
        created.map(|(m, d)| format!("2024-{m:02}-{d:02}"))
    }

    /// The distinct bases each described model names, itself left out.
    fn named_parents(specs: &[Spec], i: usize) -> Vec<(usize, Option<EdgeKind>)> {
        let mut out: Vec<(usize, Option<EdgeKind>)> = Vec::new();
        for (at, kind) in &specs[i].parents {
            let p = at.index(specs.len());
            if p != i && !out.iter().any(|&(q, _)| q == p) {
                out.push((p, *kind));
            }
        }
        out
    }

    fn build_specs(specs: &[Spec]) -> LineageGraph {
        let mut b = GraphBuilder::new(BuildOptions {
            aliases: Default::default(),
            date_corrections: Vec::new(),
            commit_dates: true,
        });
        b.begin_file("random");
        for (i, s) in specs.iter().enumerate().filter(|(_, s)| s.described) {
            b.record(ModelRecord {
                id: s.name.clone(),
                line: i as u64 + 2,
                created: date(s.created).as_deref().and_then(Day::parse),
                license: s.license.map(str::to_string),
                flagged: Some(s.flagged),
                model_type: s.model_type,
                scores: s.quarters.map(|q| Scores {
                    board: Board::V1,
                    average: q as f32 / 4.0,
                    benchmarks: Vec::new(),
                }),
                downloads: s.downloads,
                parents: named_parents(specs, i)
                    .into_iter()
                    .map(|(p, relation)| ParentRef {
                        raw: specs[p].name.clone(),
                        relation,
                        field: "base_model",
                    })
                    .collect(),
                ..Default::default()
            });
        }
        b.finish().0
    }

    /// A node's attributes by name.
    type Attributes = BTreeMap<String, String>;
    /// Nodes (id -> attributes) and edges (source, target, kind), sorted.
    type Read = (BTreeMap<String, Attributes>, Vec<(String, String, String)>);

    /// What the export must say, worked out from the specs alone: every described model and
    /// every model a described one names (a stub unless described), with its attributes;
    /// every edge with its kind (two or more bases make a merge; one base its stated
    /// relation, else a merge for a model typed merge, else unspecified).
    fn expected(specs: &[Spec]) -> Read {
        let mut nodes = BTreeMap::new();
        let mut edges = Vec::new();
        for (i, s) in specs.iter().enumerate().filter(|(_, s)| s.described) {
            let parents = named_parents(specs, i);
            for &(p, relation) in &parents {
                let kind = if parents.len() >= 2 {
                    EdgeKind::Merge
                } else if let Some(k) = relation {
                    k
                } else if s.model_type == Some(ModelType::Merge) {
                    EdgeKind::Merge
                } else {
                    EdgeKind::Unspecified
                };
                edges.push((
                    specs[p].name.clone(),
                    s.name.clone(),
                    kind.as_str().to_string(),
                ));
                if !specs[p].described {
                    let stub = [
                        ("label", specs[p].name.clone()),
                        ("stub", "true".into()),
                        ("flagged", "false".into()),
                    ];
                    nodes.insert(specs[p].name.clone(), attributes(&stub));
                }
            }
            let mut a = vec![
                ("label", s.name.clone()),
                ("stub", "false".into()),
                ("flagged", s.flagged.to_string()),
            ];
            a.extend(date(s.created).map(|d| ("created", d)));
            a.extend(s.license.map(|l| ("license", l.to_string())));
            a.extend(s.model_type.map(|t| ("model_type", t.as_str().to_string())));
            a.extend(
                s.quarters
                    .map(|q| ("average", (q as f64 / 4.0).to_string())),
            );
            a.extend(s.downloads.map(|d| ("downloads", d.to_string())));
            nodes.insert(s.name.clone(), attributes(&a));
        }
        edges.sort();
        (nodes, edges)
    }

    fn attributes(pairs: &[(&str, String)]) -> Attributes {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// The node attributes the test compares (edges: their `kind`).
    const CHECKED: [&str; 8] = [
        "label",
        "stub",
        "flagged",
        "created",
        "license",
        "model_type",
        "average",
        "downloads",
    ];

    /// A number as its value reads, whatever the decimals written (`28.0` is `28`).
    fn number((k, v): (String, String)) -> (String, String) {
        let v = match k.as_str() {
            "average" => v.parse::<f64>().map_or(v, |x| x.to_string()),
            _ => v,
        };
        (k, v)
    }

    /// Nodes (id -> attributes) and edges (source, target, kind) of a GraphML document.
    fn read_graphml(text: &str) -> Read {
        let doc = roxmltree::Document::parse(text).expect("well-formed GraphML");
        let data = |n: roxmltree::Node| -> Attributes {
            n.children()
                .filter(|c| c.has_tag_name("data"))
                .map(|c| {
                    (
                        c.attribute("key").unwrap().to_string(),
                        c.text().unwrap_or("").to_string(),
                    )
                })
                .filter(|(k, _)| CHECKED.contains(&k.as_str()) || k == "kind")
                .map(number)
                .collect()
        };
        let nodes = doc
            .descendants()
            .filter(|n| n.has_tag_name("node"))
            .map(|n| (n.attribute("id").unwrap().to_string(), data(n)))
            .collect();
        (nodes, sorted_edges(&doc, data))
    }

    /// The same from a GEXF document (the label is an XML attribute there).
    fn read_gexf(text: &str) -> Read {
        let doc = roxmltree::Document::parse(text).expect("well-formed GEXF");
        let values = |n: roxmltree::Node| -> Attributes {
            n.descendants()
                .filter(|c| c.has_tag_name("attvalue"))
                .map(|c| {
                    (
                        c.attribute("for").unwrap().to_string(),
                        c.attribute("value").unwrap().to_string(),
                    )
                })
                .filter(|(k, _)| CHECKED.contains(&k.as_str()) || k == "kind")
                .map(number)
                .collect()
        };
        let nodes = doc
            .descendants()
            .filter(|n| n.has_tag_name("node"))
            .map(|n| {
                let mut a = values(n);
                a.insert("label".into(), n.attribute("label").unwrap().to_string());
                (n.attribute("id").unwrap().to_string(), a)
            })
            .collect();
        (nodes, sorted_edges(&doc, values))
    }

    /// Every edge of a GraphML or GEXF document as (source, target, kind), sorted; `attrs`
    /// reads an element's attribute values in that format.
    fn sorted_edges(
        doc: &roxmltree::Document,
        attrs: impl Fn(roxmltree::Node) -> Attributes,
    ) -> Vec<(String, String, String)> {
        let mut edges: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("edge"))
            .map(|e| {
                (
                    e.attribute("source").unwrap().to_string(),
                    e.attribute("target").unwrap().to_string(),
                    attrs(e).remove("kind").unwrap_or_default(),
                )
            })
            .collect();
        edges.sort();
        edges
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Graphs with cycles, self-references, stubs and attributes: GraphML, GEXF and
        /// JSON read back to the nodes, attributes and edges worked out from the input
        /// alone, cycle-closing edges included.
        #[test]
        fn graphml_gexf_and_json_read_back_with_cycles_stubs_and_attributes(specs in specs()) {
            let g = build_specs(&specs);
            let (nodes, edges) = expected(&specs);
            let export = Export::new(&g, &Filter::default()).expect("no filter cannot fail");
            for (format, read) in [
                (Format::GraphMl, read_graphml as fn(&str) -> _),
                (Format::Gexf, read_gexf),
            ] {
                let mut out = Vec::new();
                export.write_to(format, &mut out).expect("writing to memory");
                let (got_nodes, got_edges) = read(&String::from_utf8(out).expect("UTF-8"));
                prop_assert_eq!(&got_nodes, &nodes, "{:?} nodes", format);
                prop_assert_eq!(&got_edges, &edges, "{:?} edges", format);
            }
            let mut json = Vec::new();
            export.write_to(Format::Json, &mut json).expect("writing to memory");
            let (json_nodes, mut json_edges) = json_graph(&String::from_utf8(json).expect("UTF-8"));
            json_edges.sort();
            prop_assert_eq!(json_nodes.into_iter().collect::<BTreeSet<_>>(), nodes.keys().cloned().collect::<BTreeSet<_>>());
            prop_assert_eq!(&json_edges, &edges);
        }
    }

    /// The wide generator makes what the property above claims to cover: of 48 graphs,
    /// some close cycles, some have stubs and self-references, some carry attributes.
    #[test]
    fn the_wide_generator_makes_cycles_stubs_and_attributes() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut cycles, mut stubs, mut selves, mut scored) = (0, 0, 0, 0);
        for _ in 0..48 {
            let specs = specs().new_tree(&mut runner).expect("a value").current();
            let g = build_specs(&specs);
            cycles += usize::from(g.cycle_edges() > 0);
            stubs += usize::from(g.models.iter().any(|m| m.is_stub()));
            selves += usize::from(specs.iter().enumerate().any(|(i, s)| {
                s.described && s.parents.iter().any(|(at, _)| at.index(specs.len()) == i)
            }));
            scored += usize::from(specs.iter().any(|s| s.described && s.quarters.is_some()));
        }
        assert!(
            cycles >= 5 && stubs >= 5 && selves >= 5 && scored >= 5,
            "cycles {cycles}, stubs {stubs}, self-references {selves}, scored {scored}"
        );
    }
}
