//! Compressed inputs and outputs: a synthetic ecosystem compressed by the system's own `gzip`
//! and `zstd` (independent encoders) builds the same graph as the plain files; a compressed
//! file cut short is a one-line error; `-o -`, `-o x.gz`, `-o x.zst` and `--compress` give the
//! same bytes as the plain export once decompressed by those tools.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::common::Workdir;

/// Runs a system tool, failing (never skipping) with a clear message when it is missing.
pub fn tool(name: &str, args: &[&str], dir: &Path) -> Vec<u8> {
    let out = Process::new(name)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {name} ({e}): this test compresses with the system's {name}; \
                 install it with: bash tests/setup/install.sh (Debian package {name})"
            )
        });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn synth(w: &Workdir, models: &str) -> PathBuf {
    w.command(&["synth", "--models", models, "--seed", "7", "--out", "plain"])
        .assert()
        .success();
    w.join("plain")
}

/// The build report with every file name (`path`, `file`) left out.
fn report_without_paths(w: &Workdir, report: &str) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(o) => {
                o.remove("path");
                o.remove("file");
                o.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = w.json(report);
    strip(&mut v);
    v
}

#[test]
fn gzip_and_zstd_inputs_build_the_same_graph_as_plain_files() {
    let w = Workdir::new();
    let plain = synth(&w, "3000");
    for (dir, tool_name, ext) in [("gz", "gzip", "gz"), ("zst", "zstd", "zst")] {
        std::fs::create_dir_all(w.join(dir)).unwrap();
        for f in lineage::synth::FILES {
            let packed = tool(tool_name, &["-c", &format!("plain/{f}")], w.path());
            // The name says nothing: only the magic bytes tell the compression.
            let name = if dir == "gz" {
                format!("{dir}/{f}.{ext}")
            } else {
                format!("{dir}/{f}")
            };
            w.write(&name, packed);
        }
    }
    assert!(plain.is_dir());
    w.command(&[
        "build",
        "plain",
        "-o",
        "plain.graph",
        "--report",
        "plain.json",
        "-q",
    ])
    .assert()
    .success();
    let plain_json = w
        .command(&["export", "json", "-g", "plain.graph"])
        .output()
        .unwrap()
        .stdout;
    let plain_report = report_without_paths(&w, "plain.json");
    assert!(plain_report["models"].as_u64().unwrap() >= 3000);
    for dir in ["gz", "zst"] {
        let graph = format!("{dir}.graph");
        let report = format!("{dir}.json");
        w.command(&["build", dir, "-o", &graph, "--report", &report, "-q"])
            .assert()
            .success();
        assert_eq!(
            report_without_paths(&w, &report),
            plain_report,
            "{dir}: the build report differs from the plain files'"
        );
        let json = w
            .command(&["export", "json", "-g", &graph])
            .output()
            .unwrap()
            .stdout;
        assert!(
            json == plain_json,
            "{dir}: the graph differs from the plain files'"
        );
    }
}

#[test]
fn a_compressed_input_cut_short_is_a_one_line_error() {
    let w = Workdir::new();
    synth(&w, "2000");
    for (tool_name, name) in [("gzip", "details.csv.gz"), ("zstd", "models.jsonl.zst")] {
        let source = if name.starts_with("details") {
            "plain/details.csv"
        } else {
            "plain/models.jsonl"
        };
        let packed = tool(tool_name, &["-c", source], w.path());
        let cut = w.write(name, &packed[..packed.len() * 2 / 3]);
        let out = w
            .command(&["build", cut.to_str().unwrap(), "-o", "cut.graph"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}: a cut stream must fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{name}: one line, got {stderr}");
        assert!(
            stderr.contains(&format!("{tool_name} stream is cut short or corrupt")),
            "{name}: {stderr}"
        );
        assert!(!w.join("cut.graph").exists());
    }
}

#[test]
fn exports_go_to_stdout_with_a_dash_and_compress_by_name_or_flag() {
    let w = Workdir::new();
    synth(&w, "1500");
    w.command(&["build", "plain", "-o", "g.graph", "-q"])
        .assert()
        .success();
    for format in ["graphml", "gexf", "json", "dot"] {
        let plain = w
            .command(&["export", format, "-g", "g.graph"])
            .output()
            .unwrap()
            .stdout;
        assert!(plain.len() > 1000);
        let dash = w
            .command(&["export", format, "-g", "g.graph", "-o", "-"])
            .output()
            .unwrap();
        assert!(dash.status.success());
        assert!(dash.stdout == plain, "{format}: -o - differs from stdout");
        assert!(!w.join("-").exists(), "{format}: -o - wrote a file named -");
        let gz = format!("x.{format}.gz");
        let zst = format!("x.{format}.zst");
        for name in [&gz, &zst] {
            w.command(&["export", format, "-g", "g.graph", "-o", name, "-q"])
                .assert()
                .success();
        }
        assert!(tool("gzip", &["-dc", &gz], w.path()) == plain, "{gz}");
        assert!(tool("zstd", &["-dc", &zst], w.path()) == plain, "{zst}");
        let piped = w
            .command(&["export", format, "-g", "g.graph", "--compress", "zstd"])
            .output()
            .unwrap()
            .stdout;
        w.write("piped.zst", piped);
        assert!(tool("zstd", &["-dc", "piped.zst"], w.path()) == plain);
    }
    w.command(&["export", "csv", "-g", "g.graph", "-o", "plain-csv", "-q"])
        .assert()
        .success();
    w.command(&[
        "export",
        "csv",
        "-g",
        "g.graph",
        "-o",
        "gz-csv",
        "--compress",
        "gzip",
        "-q",
    ])
    .assert()
    .success();
    assert_eq!(
        crate::common::entries(&w.join("gz-csv")),
        ["edges.csv.gz", "nodes.csv.gz"]
    );
    for f in ["nodes.csv", "edges.csv"] {
        let plain = std::fs::read(w.join("plain-csv").join(f)).unwrap();
        assert!(tool("gzip", &["-dc", &format!("gz-csv/{f}.gz")], w.path()) == plain);
    }
    let out = w
        .command(&["export", "csv", "-g", "g.graph", "-o", "-"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR"));
}

#[test]
fn a_compressed_stream_on_standard_input_builds_the_same_graph_as_the_plain_file() {
    let w = Workdir::new();
    synth(&w, "8000");
    let export = |graph: &str| {
        w.command(&["export", "json", "-g", graph])
            .output()
            .unwrap()
            .stdout
    };
    w.command(&["build", "plain/details.csv", "-o", "plain.graph", "-q"])
        .assert()
        .success();
    let plain = export("plain.graph");
    for tool_name in ["gzip", "zstd"] {
        let packed = tool(tool_name, &["-c", "plain/details.csv"], w.path());
        // Larger than what is read ahead to tell the format, so the rest streams after it.
        assert!(
            packed.len() > 300 << 10,
            "{tool_name}: {} bytes",
            packed.len()
        );
        let graph = format!("{tool_name}.graph");
        w.command(&["build", "-", "-o", &graph, "-q"])
            .write_stdin(packed)
            .assert()
            .success();
        assert!(
            export(&graph) == plain,
            "{tool_name} on standard input: the graph differs from the plain file's"
        );
    }
    // Parquet needs random access: a pipe is refused in one line, not read as text.
    let out = w
        .command(&["build", "-", "-o", "p.graph"])
        .write_stdin(b"PAR1\0\0\0\0".to_vec())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("random access"), "{stderr}");
}
