//! Helpers shared by the integration tests: a scratch directory that runs the real binary
//! (in the manner of xsv's `Workdir`), the path of the real data beside the project, and a
//! shortcut that builds a graph from files through the library.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lineage::graph::{BuildOptions, LineageGraph};
use lineage::ingest::{self, report::BuildReport, Format};

/// A temporary directory to write inputs into and run `lineage` from.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::Builder::new()
                .prefix("lineage-test-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of `name` inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` (creating parent directories) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent directory");
        }
        fs::write(&path, contents).expect("write test input");
        path
    }

    /// `lineage` with `args`, run from this directory.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("lineage").expect("the lineage binary is built");
        cmd.current_dir(self.path()).args(args);
        cmd
    }

    /// The names of the entries of the directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        entries(self.path())
    }

    /// Reads a JSON file written into the directory.
    pub fn json(&self, name: &str) -> serde_json::Value {
        let text = fs::read_to_string(self.join(name)).expect("read JSON output");
        serde_json::from_str(&text).expect("valid JSON")
    }
}

/// Sorted names of the entries of `dir`.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read directory")
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the real data set in `../shared/data` (relative to the crate root). Panics with
/// a clear message when it is missing: these tests must never pass by skipping.
pub fn shared_data(relative: &str) -> PathBuf {
    let path = root().join("../shared/data").join(relative);
    if !path.is_file() {
        panic!(
            "real data file missing: {} (expected at {}). The tests on real data need the \
             shared data directory beside the project: ../shared/data/{relative}",
            relative,
            path.display()
        );
    }
    path
}

/// A hand-written fixture under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    let path = root().join("tests/fixtures").join(name);
    assert!(path.is_file(), "missing fixture {}", path.display());
    path
}

/// Builds a graph from `paths` through the library (formats detected from headers).
pub fn build_files(paths: &[PathBuf]) -> (LineageGraph, BuildReport) {
    build_with(paths, None, BuildOptions::default())
}

/// Builds a graph from `paths`, the format forced if given.
pub fn build_with(
    paths: &[PathBuf],
    format: Option<Format>,
    options: BuildOptions,
) -> (LineageGraph, BuildReport) {
    let inputs: Vec<_> = paths
        .iter()
        .map(|p| {
            ingest::open_input(p, format).unwrap_or_else(|e| panic!("open {}: {e}", p.display()))
        })
        .collect();
    lineage::build(&inputs, options, None).unwrap_or_else(|e| panic!("build failed: {e}"))
}

/// Builds from in-memory bytes (leaked: tests only), as the embedded sample is built.
pub fn build_bytes(name: &str, bytes: &[u8]) -> Result<(LineageGraph, BuildReport), String> {
    let bytes: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
    let input = ingest::Input::embedded(name, bytes).map_err(|e| e.to_string())?;
    lineage::build(&[input], BuildOptions::default(), None).map_err(|e| e.to_string())
}

/// The node of `id`, panicking with the id when it is absent.
pub fn node(g: &LineageGraph, id: &str) -> u32 {
    g.lookup(id)
        .unwrap_or_else(|| panic!("model '{id}' is not in the graph"))
}

/// Names of the parents of `id`, lower-cased and sorted.
pub fn parent_names(g: &LineageGraph, id: &str) -> Vec<String> {
    let v = node(g, id);
    let mut names: Vec<String> = g
        .parents_of(v)
        .iter()
        .map(|&p| g.name(p).to_lowercase())
        .collect();
    names.sort();
    names
}

/// Count of rows of a report table (`rejected` or `suspicious`) for `reason`, 0 when absent.
pub fn issue_count(
    table: &std::collections::BTreeMap<String, lineage::ingest::report::IssueGroup>,
    reason: &str,
) -> u64 {
    table.get(reason).map(|g| g.count).unwrap_or(0)
}

/// Runs the independent check `tests/SCRIPT` with python3 and returns the JSON object it
/// prints. Fails, never skips, when python3 is missing or the script fails (it exits with a
/// message when the shared data is missing).
pub fn python_facts(script: &str, args: &[&str]) -> serde_json::Value {
    let path = root().join("tests").join(script);
    let out = std::process::Command::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 ({e}): this test compares lineage with {}, which needs \
                 python3 (its standard library only)",
                path.display()
            )
        });
    assert!(
        out.status.success(),
        "{} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{} printed no JSON object: {e}", path.display()))
}
