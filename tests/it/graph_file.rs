//! The graph file: what is saved loads back equal; a file that is cut short, corrupted,
//! from another format version or not a graph file at all is a clear error, never a panic;
//! and writing is atomic (no temporary file left behind, a good file untouched by a build
//! that fails).

use std::fs;
use std::path::Path;

use crate::common::*;
use lineage::graph::file::{self, FORMAT_VERSION, MAGIC};
use lineage::graph::info::GraphInfo;
use lineage::graph::LineageGraph;

const HEADER_LEN: usize = 24;

/// A graph from every kind of input, so that every table of the file has content.
fn rich_graph() -> LineageGraph {
    let (g, _) = build_files(&[
        shared_data("openllm-2024/leaderboard.csv"),
        shared_data("openllm-2024/details.csv"),
        shared_data("openllm-2024/commits.csv"),
        fixture("hub_api.jsonl"),
    ]);
    g
}

/// A small graph (a few models, a cycle, scores, tags, contributors) for byte surgery.
fn small_graph() -> LineageGraph {
    let (g, _) = build_files(&[fixture("hub_api.jsonl")]);
    g
}

fn load_err(path: &Path) -> String {
    match file::load(path) {
        Ok(_) => panic!("{} loaded", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn save_then_load_gives_the_same_graph() {
    let wd = Workdir::new();
    let g = rich_graph();
    assert!(g.model_count() > 6000 && g.edge_count() > 2000 && g.cycle_edges() > 0);
    let path = wd.join("lineage.graph");
    let size = file::save(&g, &path).unwrap();
    assert_eq!(size, fs::metadata(&path).unwrap().len());
    let back = file::load(&path).unwrap();
    assert_eq!(back, g);
    assert_eq!(GraphInfo::of(&back), GraphInfo::of(&g));
    // lookups work on the loaded graph (its index is rebuilt, not stored)
    let v = back.lookup("DAVIDKIM205/rhea-72B-v0.5").unwrap();
    assert_eq!(back.name(v), "davidkim205/Rhea-72b-v0.5");
    // saving the loaded graph gives the same bytes
    let again = wd.join("again.graph");
    file::save(&back, &again).unwrap();
    assert_eq!(fs::read(&path).unwrap(), fs::read(&again).unwrap());
}

#[test]
fn an_empty_graph_round_trips() {
    let wd = Workdir::new();
    let (g, _) = build_bytes(
        "details.csv",
        b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n",
    )
    .unwrap();
    assert_eq!(g.model_count(), 0);
    let path = wd.join("empty.graph");
    file::save(&g, &path).unwrap();
    assert_eq!(file::load(&path).unwrap(), g);
}

#[test]
fn header_layout() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    file::save(&small_graph(), &path).unwrap();
    let bytes = fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], MAGIC);
    assert_eq!(
        u32::from_le_bytes(bytes[8..12].try_into().unwrap()),
        FORMAT_VERSION
    );
    let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
    assert_eq!(len as usize, bytes.len() - HEADER_LEN);
    let crc = u32::from_le_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!(crc, crc32fast::hash(&bytes[HEADER_LEN..]));
}

#[test]
fn truncated_files() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    file::save(&small_graph(), &path).unwrap();
    let bytes = fs::read(&path).unwrap();
    let cut = wd.join("cut.graph");
    for len in [
        0,
        3,
        8,
        12,
        23,
        HEADER_LEN,
        HEADER_LEN + 1,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        fs::write(&cut, &bytes[..len]).unwrap();
        let err = load_err(&cut);
        assert!(
            err.contains("cut.graph") && err.contains("truncated") && err.contains("rebuild"),
            "{len} bytes: {err}"
        );
        assert!(err.contains(&format!("({len} of ")), "{len} bytes: {err}");
    }
}

#[test]
fn a_flipped_byte_fails_the_checksum() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    file::save(&small_graph(), &path).unwrap();
    let bytes = fs::read(&path).unwrap();
    // every byte of the payload in turn (the graph is small), and the checksum itself
    for at in (HEADER_LEN..bytes.len()).chain(20..24) {
        let mut b = bytes.clone();
        b[at] ^= 0x40;
        let err = file::decode(Path::new("flipped.graph"), &b)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("flipped.graph: the graph file is corrupted (checksum mismatch)"),
            "byte {at}: {err}"
        );
    }
    // and once through a file on disk
    let mut b = bytes.clone();
    b[bytes.len() / 2] ^= 1;
    let bad = wd.join("flipped.graph");
    fs::write(&bad, &b).unwrap();
    assert!(load_err(&bad).contains("checksum mismatch"));
}

#[test]
fn wrong_magic_and_other_files() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    file::save(&small_graph(), &path).unwrap();
    let mut bytes = fs::read(&path).unwrap();
    bytes[0] = b'X';
    let bad = wd.join("magic.graph");
    fs::write(&bad, &bytes).unwrap();
    let err = load_err(&bad);
    assert!(
        err.contains("magic.graph: not a lineage graph file"),
        "{err}"
    );
    // a CSV given where a graph file is expected
    let csv = shared_data("openllm-2024/commits.csv");
    assert!(load_err(&csv).contains("not a lineage graph file"));
}

#[test]
fn another_format_version() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    file::save(&small_graph(), &path).unwrap();
    let mut bytes = fs::read(&path).unwrap();
    for version in [0, FORMAT_VERSION + 1, u32::MAX] {
        bytes[8..12].copy_from_slice(&version.to_le_bytes());
        let bad = wd.join("old.graph");
        fs::write(&bad, &bytes).unwrap();
        let err = load_err(&bad);
        assert!(
            err.contains(&format!("format version {version}"))
                && err.contains(&format!("reads version {FORMAT_VERSION}"))
                && err.contains("rebuild"),
            "{err}"
        );
    }
}

#[test]
fn bytes_after_the_graph() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    file::save(&small_graph(), &path).unwrap();
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"tail");
    fs::write(&path, &bytes).unwrap();
    let err = load_err(&path);
    assert!(
        err.contains("corrupted") && err.contains("4 bytes after the end"),
        "{err}"
    );
}

/// A payload changed on purpose, its checksum recomputed (what no accident produces):
/// loading must still never panic, only fail or give a graph that passed validation.
#[test]
fn crafted_payloads_never_panic() {
    let wd = Workdir::new();
    let g = small_graph();
    let path = wd.join("g.graph");
    file::save(&g, &path).unwrap();
    let bytes = fs::read(&path).unwrap();
    let mut errors = 0;
    for at in HEADER_LEN..bytes.len() {
        for value in [0x00, 0xff, bytes[at].wrapping_add(1)] {
            let mut b = bytes.clone();
            b[at] = value;
            let crc = crc32fast::hash(&b[HEADER_LEN..]);
            b[20..24].copy_from_slice(&crc.to_le_bytes());
            match file::decode(Path::new("crafted.graph"), &b) {
                Err(e) => {
                    errors += 1;
                    assert!(e.to_string().starts_with("crafted.graph: "), "{e}");
                }
                Ok(back) => {
                    // a loaded graph must be safe to use
                    let _ = GraphInfo::of(&back);
                    for v in 0..back.model_count() as u32 {
                        let _ = back.name(v);
                        let _ = back.scores_of(v);
                        let _ = back.child_edges(v).count() + back.parent_edges_of(v).count();
                        let _ = back.dag_children(v).count() + back.dag_parents(v).count();
                    }
                }
            }
        }
    }
    assert!(errors > 0);
}

// ---------------------------------------------------------------- through the binary

#[test]
fn info_reports_a_bad_graph_file_in_one_line() {
    let wd = Workdir::new();
    wd.write("empty.graph", "");
    wd.write("text.graph", "hello\n");
    for (name, expect) in [
        ("empty.graph", "the graph file is truncated (0 of 24 bytes)"),
        ("text.graph", "not a lineage graph file"),
        ("missing.graph", "missing.graph: cannot read"),
    ] {
        let out = wd.command(&["info", "--graph", name]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expect),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_successful_build_leaves_no_temporary_file() {
    let wd = Workdir::new();
    let input = fixture("hub_api.jsonl");
    wd.command(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        "graphs/out.graph",
        "-q",
    ])
    .assert()
    .success();
    assert_eq!(entries(&wd.join("graphs")), vec!["out.graph"]);
    // and again over the existing file
    wd.command(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        "graphs/out.graph",
        "-q",
    ])
    .assert()
    .success();
    assert_eq!(entries(&wd.join("graphs")), vec!["out.graph"]);
    assert!(file::load(&wd.join("graphs/out.graph")).is_ok());
}

#[test]
fn a_failed_build_leaves_the_existing_graph_untouched() {
    let wd = Workdir::new();
    let input = fixture("hub_api.jsonl");
    wd.command(&["build", input.to_str().unwrap(), "-o", "out.graph", "-q"])
        .assert()
        .success();
    let before = fs::read(wd.join("out.graph")).unwrap();
    let listing = wd.entries();
    wd.write(
        "cut.jsonl",
        "{\"id\": \"org/a\"}\n{\"id\": \"org/b\", \"tags\": [",
    );
    wd.command(&["build", "cut.jsonl", "-o", "out.graph"])
        .assert()
        .failure();
    wd.write("unknown.csv", "a,b\n1,2\n");
    wd.command(&[
        "build",
        input.to_str().unwrap(),
        "unknown.csv",
        "-o",
        "out.graph",
    ])
    .assert()
    .failure();
    assert_eq!(fs::read(wd.join("out.graph")).unwrap(), before);
    let mut expected = listing;
    expected.extend(["cut.jsonl".to_string(), "unknown.csv".to_string()]);
    expected.sort();
    assert_eq!(wd.entries(), expected);
}

#[test]
fn a_failed_save_leaves_no_temporary_file() {
    let wd = Workdir::new();
    let g = small_graph();
    // the target is a directory: the rename fails after the temporary file was written
    fs::create_dir(wd.join("taken.graph")).unwrap();
    let err = file::save(&g, &wd.join("taken.graph"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("taken.graph") && err.contains("rename"),
        "{err}"
    );
    assert_eq!(wd.entries(), vec!["taken.graph"]);
    assert!(entries(&wd.join("taken.graph")).is_empty());
    // the parent is a file: nothing can be created
    wd.write("plain", "x");
    assert!(file::save(&g, &wd.join("plain/g.graph")).is_err());
    assert_eq!(wd.entries(), vec!["plain", "taken.graph"]);
    // the same through the binary
    let input = fixture("hub_api.jsonl");
    let out = wd
        .command(&["build", input.to_str().unwrap(), "-o", "taken.graph"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: ") && l.contains("taken.graph")),
        "{stderr}"
    );
    assert_eq!(wd.entries(), vec!["plain", "taken.graph"]);
}
