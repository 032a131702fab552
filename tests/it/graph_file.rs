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
fn a_loaded_graph_decodes_its_models_only_for_a_query_that_reads_them() {
    use lineage::algo::authors::{collaboration, BotFilter};
    use lineage::algo::{depth, derivatives};
    let wd = Workdir::new();
    let g = rich_graph();
    let path = wd.join("lineage.graph");
    file::save(&g, &path).unwrap();
    let back = file::load(&path).unwrap();
    assert_eq!(back.model_count(), g.model_count());
    // Derivatives, merge depth, author components and the file's counts read the shape,
    // the names, the side tables and the flags.
    assert_eq!(
        derivatives::derivatives(&back),
        derivatives::derivatives(&g)
    );
    let (a, b) = (depth::depths(&back), depth::depths(&g));
    assert_eq!(a.deepest(&back, 20, false), b.deepest(&g, 20, false));
    assert_eq!(
        a.merge_distribution(&back, false),
        b.merge_distribution(&g, false)
    );
    let bots = BotFilter::builtin();
    assert_eq!(collaboration(&back, &bots), collaboration(&g, &bots));
    assert_eq!(GraphInfo::of(&back), GraphInfo::of(&g));
    assert!(
        !back.models.is_decoded(),
        "no query above needed the models themselves"
    );
    // The first read of a model decodes them all, to the models that were saved.
    assert_eq!(back.models[1].created, g.models[1].created);
    assert!(back.models.is_decoded());
    assert_eq!(back, g);
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
    let (mut errors, mut loaded) = (0, 0);
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
                    loaded += 1;
                    // A loaded graph must be safe to use and consistent: every edge in range,
                    // each child edge the mirror of a parent edge of the same kind, the edges
                    // kept for ordering a subset of all edges.
                    let n = back.model_count() as u32;
                    assert_eq!(GraphInfo::of(&back).models, n as usize);
                    let mut down = Vec::new();
                    let mut up = Vec::new();
                    for v in 0..n {
                        assert!(back.lookup(back.name(v)).is_some(), "byte {at}");
                        let _ = back.scores_of(v);
                        down.extend(back.child_edges(v).map(|(c, k)| (v, c, k)));
                        up.extend(back.parent_edges_of(v).map(|(p, k)| (p, v, k)));
                        assert!(back.dag_children(v).count() <= back.child_edges(v).count());
                        assert!(back.dag_parents(v).count() <= back.parent_edges_of(v).count());
                    }
                    assert!(down.iter().all(|&(p, c, _)| p < n && c < n), "byte {at}");
                    assert_eq!(down.len(), back.edge_count(), "byte {at}");
                    down.sort_unstable();
                    up.sort_unstable();
                    assert_eq!(down, up, "byte {at}: parent and child tables disagree");
                    // The walks that read both tables run: a topological order of every
                    // model, and the depths and descendant counts built on it.
                    let order = lineage::algo::topo::topological_order(&back);
                    assert_eq!(order.order.len(), n as usize, "byte {at}");
                    let _ = lineage::algo::depth::depths(&back);
                    let _ = lineage::algo::derivatives::descendant_counts(&back);
                }
            }
        }
    }
    // Most changes are caught; some (a score, a date, a count) give another valid graph.
    assert!(errors > 0 && loaded > 0, "{errors} errors, {loaded} loaded");
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
        (
            "missing.graph",
            "missing.graph: no graph file; run `lineage build [INPUTS]` first",
        ),
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
    // The file holds the graph the library builds from the same input.
    assert_eq!(
        file::load(&wd.join("graphs/out.graph")).unwrap(),
        small_graph()
    );
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

// ---------------------------------------------------------------- reading stops at the header

/// Runs `f` on a thread and fails (rather than hanging the suite) when it does not return
/// within a minute: the loader must never wait on endless input.
fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("the loader returned")
}

/// The loader once read a whole 2 GB non-graph file before looking at its magic bytes, and
/// never returned on /dev/zero: it reads the header first and stops there.
#[test]
fn a_huge_non_graph_file_or_dev_zero_fails_at_the_header() {
    let wd = Workdir::new();
    // 2 GB, sparse: reading it all would take seconds and gigabytes.
    let huge = wd.join("huge.graph");
    let f = fs::File::create(&huge).unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    let err = within_a_minute(move || load_err(&huge));
    assert!(err.contains("not a lineage graph file"), "{err}");
    let err = within_a_minute(|| load_err(Path::new("/dev/zero")));
    assert!(err.contains("/dev/zero: not a lineage graph file"), "{err}");
    // A good header in front of 2 GB of something else: the length is checked against the
    // file's size before a byte of the payload is read.
    let mut bytes = fs::read({
        let p = wd.join("g.graph");
        file::save(&small_graph(), &p).unwrap();
        p
    })
    .unwrap();
    bytes.truncate(HEADER_LEN);
    let padded = wd.join("padded.graph");
    fs::write(&padded, &bytes).unwrap();
    fs::OpenOptions::new()
        .append(true)
        .open(&padded)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let err = within_a_minute(move || load_err(&padded));
    assert!(
        err.contains("corrupted") && err.contains("bytes after the end"),
        "{err}"
    );
}

/// A graph read from a pipe is read as far as its header says, and one byte more.
#[cfg(unix)]
#[test]
fn a_graph_from_a_pipe_loads_and_an_endless_pipe_stops() {
    let wd = Workdir::new();
    let path = wd.join("g.graph");
    let g = small_graph();
    file::save(&g, &path).unwrap();
    let out = wd
        .command(&["info", "--graph", "/dev/stdin"])
        .pipe_stdin(&path)
        .unwrap()
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It reads as the file does: the same summary, under the name it was read by.
    let from_file = wd
        .command(&["info", "--graph", "g.graph"])
        .output()
        .unwrap();
    let text = |o: &std::process::Output| String::from_utf8(o.stdout.clone()).unwrap();
    assert_eq!(
        text(&out).replacen("/dev/stdin", "g.graph", 1),
        text(&from_file)
    );
    // 14 models: the fixture's 13 records and the one base they name without describing.
    assert!(text(&out)
        .lines()
        .any(|l| l.split_whitespace().eq(["models", "14"])));
    // The same header followed by endless zeros (`cat g.graph /dev/zero`): stops after the
    // announced length with a clear error.
    let command = format!(
        "cat {} /dev/zero | {} info --graph /dev/stdin",
        path.display(),
        assert_cmd::cargo::cargo_bin("lineage").display()
    );
    let out = within_a_minute(move || {
        std::process::Command::new("sh")
            .args(["-c", &command])
            .output()
            .unwrap()
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bytes after the end of the graph"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------- modes and temporary files

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Graph files were created 0600 whatever the umask, and a rebuild turned 0644 into 0600.
#[cfg(unix)]
#[test]
fn graph_files_honour_the_umask_and_a_rebuild_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    let input = fixture("hub_api.jsonl");
    let bin = assert_cmd::cargo::cargo_bin("lineage");
    let build = |umask: &str| {
        let status = std::process::Command::new("sh")
            .args([
                "-c",
                &format!(
                    "umask {umask} && exec {} build -q {} -o g.graph --report r.json",
                    bin.display(),
                    input.display()
                ),
            ])
            .current_dir(wd.path())
            .status()
            .unwrap();
        assert!(status.success());
    };
    build("022");
    assert_eq!(mode(&wd.join("g.graph")), 0o644);
    assert_eq!(mode(&wd.join("r.json")), 0o644);
    fs::remove_file(wd.join("g.graph")).unwrap();
    build("077");
    assert_eq!(mode(&wd.join("g.graph")), 0o600);
    // A rebuild keeps the mode the file has, whatever the umask.
    fs::set_permissions(wd.join("g.graph"), fs::Permissions::from_mode(0o640)).unwrap();
    build("022");
    assert_eq!(mode(&wd.join("g.graph")), 0o640);
    assert_eq!(file::load(&wd.join("g.graph")).unwrap(), small_graph());
}

/// A failed save (`--out` an existing directory) still wrote `--report`; and a report that
/// cannot be written must leave no graph either.
#[test]
fn a_failed_save_writes_no_report_and_a_failed_report_no_graph() {
    let wd = Workdir::new();
    let input = fixture("hub_api.jsonl");
    let input = input.to_str().unwrap();
    fs::create_dir(wd.join("taken")).unwrap();
    wd.command(&["build", "-q", input, "-o", "taken", "--report", "r.json"])
        .assert()
        .failure();
    assert_eq!(wd.entries(), vec!["taken"]);
    let out = wd
        .command(&["build", "-q", input, "-o", "g.graph", "--report", "taken"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("taken"));
    assert_eq!(wd.entries(), vec!["taken"]);
    assert!(entries(&wd.join("taken")).is_empty());
    // A report in a directory that does not exist and cannot be made.
    wd.write("plain", "x");
    wd.command(&[
        "build",
        "-q",
        input,
        "-o",
        "g.graph",
        "--report",
        "plain/r.json",
    ])
    .assert()
    .failure();
    assert_eq!(wd.entries(), vec!["plain", "taken"]);
}

/// kill -9 left `.lineage-*.graph.tmp` files that no later build removed. A build removes
/// the ones nobody holds, and leaves the one a concurrent build is writing (it holds a lock
/// on it).
#[test]
fn builds_remove_abandoned_temporary_files_but_not_a_concurrent_builds() {
    let wd = Workdir::new();
    let abandoned = wd.write(".lineage-AbAnDo.graph.tmp", vec![0u8; 4096]);
    let busy = wd.write(".lineage-BuSyBu.graph.tmp", vec![0u8; 4096]);
    let other = wd.write(".lineage-notes.txt", "not ours");
    let held = fs::File::open(&busy).unwrap();
    // What a build writing it holds (graph::file locks its temporary file the same way).
    #[cfg(unix)]
    rustix::fs::flock(&held, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
    let input = fixture("hub_api.jsonl");
    wd.command(&["build", "-q", input.to_str().unwrap(), "-o", "g.graph"])
        .assert()
        .success();
    assert!(!abandoned.exists());
    assert!(busy.exists() && other.exists());
    drop(held);
    wd.command(&["build", "-q", input.to_str().unwrap(), "-o", "g.graph"])
        .assert()
        .success();
    assert_eq!(wd.entries(), vec![".lineage-notes.txt", "g.graph"]);
}
