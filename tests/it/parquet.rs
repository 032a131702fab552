//! Hub statistics snapshots (`models.parquet`) and the Parquet export. The snapshots are
//! written at test time by pyarrow (tests/parquet_snapshot.py), an independent writer: nulls
//! everywhere, an old snapshot without `baseModels`, a relation outside the four, ids
//! differing only in case, parents no row describes, large columns the reader must skip,
//! values of the wrong type, shapes the column walk leaves to the record reader (tags as a
//! struct, baseModels as a list), lists crossing pages and row groups (checked edge by edge
//! against pyarrow), a truncated file and a file that is not Parquet. The synthetic
//! snapshot of `lineage synth --only-parquet` is counted independently by the same script.
//! The export is read back by pyarrow, DuckDB and local Spark
//! (tests/parquet_export_check.py) and compared with the JSON export and `lineage info`.

use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;

use crate::common::{node, parent_names, Workdir};
use lineage::model::EdgeKind;

fn python(script: &str, args: &[&str], what: &str) -> String {
    let path = crate::common::root().join("tests").join(script);
    let out = Process::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 ({e}): this test {what}; install python3, then \
                 python3 -m pip install -r tests/setup/requirements.txt"
            )
        });
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => stdout,
        Some(2) => panic!("{script}: a Python package is missing: {stderr}"),
        _ => panic!("{script} failed:\n{stdout}\n{stderr}"),
    }
}

fn write_fixtures(w: &Workdir) {
    python(
        "parquet_snapshot.py",
        &["write", w.path().to_str().unwrap()],
        "writes Hub snapshots with pyarrow",
    );
}

fn build(w: &Workdir, file: &str) -> (lineage::graph::LineageGraph, Value) {
    let graph = format!("{file}.graph");
    let report = format!("{file}.report.json");
    w.command(&["build", file, "-o", &graph, "--report", &report, "-q"])
        .assert()
        .success();
    let g = lineage::graph::file::load(&w.join(&graph)).expect("the graph loads");
    (g, w.json(&report))
}

fn issues(report: &Value, reason: &str) -> Vec<Value> {
    report["rejected"][reason]["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_pyarrow_snapshot_gives_the_lineage_worked_out_by_hand() {
    let w = Workdir::new();
    write_fixtures(&w);
    let (g, report) = build(&w, "snapshot.parquet");
    // 11 rows: one without an id (rejected), two spellings of me/quant (one model); two
    // parents no row describes (Other/Base2, nobody/described) become stubs.
    assert_eq!(report["inputs"][0]["format"], "parquet");
    assert_eq!(report["inputs"][0]["rows"], 11);
    assert_eq!(report["inputs"][0]["rows_rejected"], 1);
    assert_eq!(report["models"], 11);
    assert_eq!(report["stubs"], 2);
    assert_eq!(report["edges"], 7);
    let kinds = &report["edges_by_kind"];
    assert_eq!(
        [
            &kinds["finetune"],
            &kinds["adapter"],
            &kinds["quantized"],
            &kinds["merge"],
            &kinds["unspecified"]
        ],
        [1, 2, 1, 2, 1]
    );
    // baseModels, two tags and the card name org/base: one fine-tune edge.
    assert_eq!(parent_names(&g, "me/tuned"), ["org/base"]);
    let kind_of = |child: &str| {
        let c = node(&g, child);
        let parent = g.parents_of(c)[0];
        g.child_edges(parent)
            .find(|&(x, _)| x == c)
            .map(|(_, k)| k)
            .unwrap()
    };
    assert_eq!(kind_of("me/tuned"), EdgeKind::Finetune);
    assert_eq!(kind_of("ME/QUANT"), EdgeKind::Quantized);
    assert_eq!(kind_of("me/adapter"), EdgeKind::Adapter);
    assert_eq!(kind_of("me/odd"), EdgeKind::Unspecified);
    assert_eq!(parent_names(&g, "me/merged"), ["org/base", "other/base2"]);
    assert!(g.models[node(&g, "Other/Base2") as usize].is_stub());
    assert!(g.models[node(&g, "nobody/described") as usize].is_stub());
    // Values of the base: the first day's date kept, counts and the parameter count.
    let base = &g.models[node(&g, "org/base") as usize];
    assert_eq!(base.created.unwrap().to_string(), "2022-03-02");
    assert_eq!(base.downloads, Some(100));
    assert_eq!(base.likes, Some(10));
    assert!((base.params_b.unwrap() - 7.241732).abs() < 1e-5);
    // Nulls everywhere: a model with its id only, and no issue for it.
    let nulls = &g.models[node(&g, "x/nulls") as usize];
    assert_eq!(
        (nulls.created, nulls.downloads, nulls.likes),
        (None, None, None)
    );
    // Every issue names its row group, row and column.
    let missing = issues(&report, "missing model id");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["field"], "id");
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("row group 2, row 1:"));
    let relation = issues(&report, "unknown relation");
    assert_eq!(relation.len(), 1);
    assert_eq!(relation[0]["value"], "distillation");
    assert_eq!(relation[0]["field"], "baseModels.relation");
    assert!(relation[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("row group 1, row 2:"));
    let card = issues(&report, "bad JSON");
    assert_eq!(card.len(), 1);
    assert_eq!(card[0]["field"], "cardData");
    assert_eq!(card[0]["line"], 10);
    assert!(card[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("row group 3, row 0:"));
    // The independent count agrees.
    let counted: Value = serde_json::from_str(&python(
        "parquet_snapshot.py",
        &["count", w.join("snapshot.parquet").to_str().unwrap()],
        "counts a snapshot with pyarrow",
    ))
    .unwrap();
    assert_eq!(counted["models"], report["models"]);
    assert_eq!(counted["stubs"], report["stubs"]);
    assert_eq!(counted["edges"], report["edges"]);
}

#[test]
fn old_snapshots_and_values_of_the_wrong_type() {
    let w = Workdir::new();
    write_fixtures(&w);
    // No baseModels, safetensors or cardData column: lineage from the tags alone; a null
    // tag is skipped.
    let (g, report) = build(&w, "old.parquet");
    assert_eq!(report["models"], 2);
    assert_eq!(parent_names(&g, "old/child"), ["old/base"]);
    assert_eq!(report["inputs"][0]["issues"], 0);
    // likes as text and a date that is no date: one counted issue each, the rows kept.
    let (g, report) = build(&w, "types.parquet");
    assert_eq!(report["models"], 2);
    assert_eq!(issues(&report, "bad number")[0]["field"], "likes");
    assert_eq!(issues(&report, "bad date")[0]["field"], "createdAt");
    assert_eq!(issues(&report, "bad date")[0]["line"], 2);
    let one = &g.models[node(&g, "t/one") as usize];
    assert_eq!(one.created.unwrap().to_string(), "2024-01-01");
}

#[test]
fn broken_files_are_one_line_errors() {
    let w = Workdir::new();
    write_fixtures(&w);
    w.write("notes.csv", "name,x\n1,2\n");
    for (args, expected) in [
        (vec!["no-id.parquet"], "lacks column 'id'"),
        (vec!["truncated.parquet"], "truncated"),
        (vec!["not-parquet.parquet"], "binary data"),
        (
            vec!["--input-format", "parquet", "notes.csv"],
            "not a Parquet file",
        ),
    ] {
        let mut all = vec!["build"];
        all.extend(&args);
        all.extend(["-o", "broken.graph"]);
        let out = w.command(&all).output().unwrap();
        assert!(!out.status.success(), "{args:?} must fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!w.join("broken.graph").exists());
    }
}

/// Every edge of `g` as `parent -> child`, lower-cased and sorted, as the counting script
/// prints them.
fn edge_list(g: &lineage::graph::LineageGraph) -> Vec<String> {
    let mut edges: Vec<String> = (0..g.models.len() as u32)
        .flat_map(|v| {
            g.parents_of(v).iter().map(move |&p| {
                format!(
                    "{} -> {}",
                    g.name(p).to_lowercase(),
                    g.name(v).to_lowercase()
                )
            })
        })
        .collect();
    edges.sort();
    edges
}

#[test]
fn lists_crossing_pages_and_row_groups_give_what_pyarrow_reads() {
    let w = Workdir::new();
    write_fixtures(&w);
    // 40,000 rows in row groups of 20,000, pages of a few hundred bytes: tag lists and
    // baseModels entries of every length cross page boundaries, in version 1 pages with
    // dictionaries and version 2 pages without, and the reader's chunks of 16,384 rows end
    // inside row groups (and inside pages).
    for file in ["pages.parquet", "pages-v2.parquet"] {
        let (g, report) = build(&w, file);
        let counted: Value = serde_json::from_str(&python(
            "parquet_snapshot.py",
            &["count", w.join(file).to_str().unwrap()],
            "counts a snapshot with pyarrow",
        ))
        .unwrap();
        assert_eq!(counted["row_groups"], 2, "{file}");
        assert_eq!(report["inputs"][0]["rows"], 40_000, "{file}");
        assert_eq!(counted["models"], report["models"], "{file}");
        assert_eq!(counted["edges"], report["edges"], "{file}");
        assert!(
            counted["edges"].as_u64().unwrap() > 60_000,
            "{file}: {counted}"
        );
        let expected: Vec<String> = counted["edge_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect();
        assert_eq!(edge_list(&g), expected, "{file}");
        // A null entry or an entry without an id is one issue each, and nothing else is.
        let bad = issues(&report, "bad JSON");
        assert_eq!(
            bad.len() as u64,
            counted["entries_without_id"].as_u64().unwrap()
        );
        assert!(
            bad.len() > 7_000,
            "{file}: {} entries without an id",
            bad.len()
        );
        assert_eq!(report["inputs"][0]["issues"], bad.len(), "{file}");
        assert!(bad.iter().all(|i| i["field"] == "baseModels.models"
            && i["message"].as_str().unwrap().starts_with("row group ")));
        assert!(
            bad.iter().any(|i| i["value"] == "null"),
            "{file}: a null entry"
        );
        assert!(
            bad.iter().any(|i| i["value"] == "{_id: \"x\", id: null}"),
            "{file}: an entry whose id is null"
        );
    }
}

#[test]
fn shapes_outside_the_column_walk_are_read_and_reported_the_same() {
    let w = Workdir::new();
    write_fixtures(&w);
    // tags as a struct and baseModels as a list go through the record reader; a parameter
    // count as text is a leaf of the wrong type. One issue each, both rows kept.
    let (g, report) = build(&w, "odd.parquet");
    assert_eq!(report["models"], 2);
    assert_eq!(report["edges"], 0);
    assert_eq!(report["inputs"][0]["issues"], 3);
    let one = |reason: &str| {
        let found = issues(&report, reason);
        assert_eq!(found.len(), 1, "{reason}: {found:?}");
        found[0].clone()
    };
    let tags = one("unparsable list");
    assert_eq!(tags["field"], "tags");
    assert_eq!(tags["value"], "{first: \"base_model:o/two\"}");
    assert_eq!(
        tags["message"],
        "row group 0, row 0: 'tags' is a struct, not a list"
    );
    let base = one("bad JSON");
    assert_eq!(base["field"], "baseModels");
    assert_eq!(
        base["message"],
        "row group 0, row 0: 'baseModels' is a list, not a struct"
    );
    let total = one("bad number");
    assert_eq!(total["field"], "safetensors.total");
    assert_eq!(total["value"], "\"7B\"");
    // An unsigned count is read as a count.
    assert_eq!(g.models[node(&g, "o/one") as usize].likes, Some(3));
}

/// Writes the synthetic snapshot of `models` models into `w` and returns its path.
fn synth_snapshot(w: &Workdir, models: &str) -> std::path::PathBuf {
    w.command(&[
        "synth",
        "--models",
        models,
        "--seed",
        "3",
        "--out",
        "s",
        "--only-parquet",
    ])
    .assert()
    .success();
    assert_eq!(crate::common::entries(&w.join("s")), ["models.parquet"]);
    w.join("s/models.parquet")
}

#[test]
fn the_synthetic_snapshot_counts_the_same_in_pyarrow() {
    let w = Workdir::new();
    let path = synth_snapshot(&w, "150000");
    let (_, report) = build(&w, "s/models.parquet");
    let counted: Value = serde_json::from_str(&python(
        "parquet_snapshot.py",
        &["count", path.to_str().unwrap()],
        "counts a snapshot with pyarrow",
    ))
    .unwrap();
    assert!(
        counted["row_groups"].as_u64().unwrap() >= 2,
        "{counted}: the snapshot should span several row groups"
    );
    assert_eq!(counted["rows"], report["inputs"][0]["rows"]);
    for key in ["models", "stubs", "edges"] {
        assert_eq!(counted[key], report[key], "{key}: pyarrow {counted}");
    }
}

fn export_check(w: &Workdir, graph: &str, spark: bool) {
    w.command(&["export", "parquet", "-g", graph, "-o", "pq", "-q"])
        .assert()
        .success();
    w.command(&["export", "json", "-g", graph, "-o", "export.json", "-q"])
        .assert()
        .success();
    let info = w
        .command(&["info", "-g", graph, "--format", "json"])
        .output()
        .unwrap();
    w.write("info.json", info.stdout);
    let dir = w.join("pq");
    let mut args = vec![
        dir.to_str().unwrap().to_string(),
        w.join("export.json").display().to_string(),
        w.join("info.json").display().to_string(),
    ];
    if spark {
        args.push("--spark".into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = python(
        "parquet_export_check.py",
        &args,
        "reads the Parquet export back with pyarrow, DuckDB and Spark",
    );
    eprintln!("{out}");
}

#[test]
fn pyarrow_and_duckdb_read_the_export_back() {
    let w = Workdir::new();
    w.command(&["synth", "--models", "4000", "--out", "s"])
        .assert()
        .success();
    w.command(&["build", "s", "-o", "g.graph", "-q"])
        .assert()
        .success();
    export_check(&w, "g.graph", false);
}

#[test]
fn local_spark_reads_the_export_of_a_snapshot() {
    let w = Workdir::new();
    write_fixtures(&w);
    build(&w, "snapshot.parquet");
    export_check(&w, "snapshot.parquet.graph", true);
}

#[test]
fn parquet_export_needs_a_directory_and_no_compress_flag() {
    let w = Workdir::new();
    write_fixtures(&w);
    build(&w, "old.parquet");
    for args in [
        vec!["export", "parquet", "-g", "old.parquet.graph"],
        vec!["export", "parquet", "-g", "old.parquet.graph", "-o", "-"],
        vec![
            "export",
            "parquet",
            "-g",
            "old.parquet.graph",
            "-o",
            "d",
            "--compress",
            "gzip",
        ],
    ] {
        let out = w.command(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(!Path::new(&w.join("d")).exists());
    }
}

/// Writes a snapshot whose schema is `message` (leaves written in order, one row each, every
/// leaf given its maximum definition level) with the parquet crate's low-level writer: shapes
/// no high-level writer makes.
fn write_raw_snapshot(path: &Path, message: &str, values: &[&str]) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;
    let schema = Arc::new(parquet::schema::parser::parse_message_type(message).unwrap());
    let file = std::fs::File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema, Default::default()).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let mut i = 0;
    while let Some(mut column) = group.next_column().unwrap() {
        let def = column
            .typed::<ByteArrayType>()
            .get_descriptor()
            .max_def_level();
        let value = ByteArray::from(values[i]);
        column
            .typed::<ByteArrayType>()
            .write_batch(&[value], Some(&[def]), None)
            .unwrap();
        column.close().unwrap();
        i += 1;
    }
    group.close().unwrap();
    writer.close().unwrap();
}

/// A LIST or MAP group that breaks the format's rules (the parquet crate's record reader
/// asserts on them) is refused with a one-line error naming the file, never a panic.
#[test]
fn malformed_list_and_map_groups_are_refused_not_a_crash() {
    let w = Workdir::new();
    let shapes = [
        (
            "list-not-repeated",
            "message m { required binary id (UTF8); optional group tags (LIST) { optional binary x (UTF8); } }",
            "column tags: list tags does not hold exactly one repeated field",
        ),
        (
            "map-without-key-value",
            "message m { required binary id (UTF8); optional group tags (MAP) { optional binary k (UTF8); } }",
            "column tags: map tags does not hold exactly one repeated group of pairs",
        ),
        (
            "list-in-a-card",
            "message m { required binary id (UTF8); optional group cardData { optional group base_model (LIST) { optional binary x (UTF8); } } }",
            "column cardData: list base_model does not hold exactly one repeated field",
        ),
    ];
    for (name, message, why) in shapes {
        let path = w.join(&format!("{name}.parquet"));
        write_raw_snapshot(&path, message, &["org/model", "x"]);
        let out = w
            .command(&["build", path.to_str().unwrap(), "-o", "g.graph"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: built");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}.parquet")),
            "{name}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(why), "{name}: {stderr}");
    }
}

/// A page that the parquet crate's decoder panics on (instead of returning an error) ends the
/// build with the one-line damaged-data error: no panic message and no backtrace reach the
/// user. The damaged file is found by overwriting each byte of a small snapshot in turn until
/// one copy makes the decoder panic (the guard turns that into this error).
#[test]
fn a_page_the_decoder_panics_on_gives_one_line_and_no_panic_message() {
    const CAUGHT: &str = "damaged data: the Parquet decoder could not read a page";
    let w = Workdir::new();
    let clean = w.join("clean.parquet");
    let message = "message m { required binary id (UTF8); optional binary author (UTF8); }";
    write_raw_snapshot(&clean, message, &["org/model-with-a-long-name", "org"]);
    let bytes = std::fs::read(&clean).unwrap();
    let panics = |damaged: &[u8]| {
        let copy: &'static [u8] = Box::leak(damaged.to_vec().into_boxed_slice());
        let input = lineage::ingest::Input::embedded("damaged.parquet", copy).unwrap();
        match lineage::build(&[input], Default::default(), None) {
            Err(e) => e.to_string().contains(CAUGHT),
            Ok(_) => false,
        }
    };
    // Bounded: every byte of a file of a few hundred bytes, three values each.
    let damaged = (4..bytes.len() - 8)
        .flat_map(|at| [0xFF, 0x7F, 0x00].map(|v| (at, v)))
        .map(|(at, v)| {
            let mut d = bytes.clone();
            d[at] = v;
            d
        })
        .find(|d| d != &bytes && panics(d))
        .expect(
            "no overwritten byte made the decoder panic: the parquet crate now reports \
             these pages as errors, so this test needs another kind of damage",
        );
    let path = w.join("damaged.parquet");
    std::fs::write(&path, &damaged).unwrap();
    let out = w
        .command(&["build", path.to_str().unwrap(), "-o", "g.graph"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("damaged.parquet") && stderr.contains(CAUGHT),
        "{stderr}"
    );
}
