//! Regression tests for input that once broke the build: each test is named after what
//! broke, and checks what happens now (a row issue, a clear error, a counted repeat).

use std::io::Write as _;
use std::process::Stdio;

use crate::common::*;
use lineage::ingest::reason;
use serde_json::Value;

const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model";
const COMMITS_HEADER: &str = ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors";
const V2_HEADER: &str = "fullname,Average ⬆️,Base Model";

fn details_row(i: usize, name: &str, tags: &str, datasets: &str, base: &str) -> String {
    format!("{i},{name},org,2024-01-01 00:00:00+00:00,,5,transformers,{tags},,{datasets},{base}\n")
}

/// The report's rows for `reason` in `table`, as (line, field, message).
fn rows(report: &Value, table: &str, reason: &str) -> Vec<(u64, String, String)> {
    report[table][reason]["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["line"].as_u64().unwrap(),
                        r["field"].as_str().unwrap().to_string(),
                        r["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `lineage build ARGS -o g.graph --report report.json` in `wd`; returns exit code,
/// stderr and the report (when written).
fn build(wd: &Workdir, args: &[&str]) -> (i32, String, Option<Value>) {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "g.graph", "--report", "report.json"]);
    let out = wd.command(&all).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = wd
        .join("report.json")
        .exists()
        .then(|| wd.json("report.json"));
    (out.status.code().unwrap_or(-1), stderr, report)
}

// ------------------------------------------------------------------ D1: nesting

#[test]
fn deeply_nested_list_cell_overflowed_the_stack() {
    let wd = Workdir::new();
    let deep = format!("\"{}'x'{}\"", "[".repeat(11_000), "]".repeat(11_000));
    let mut text = format!("{DETAILS_HEADER}\n");
    text += &details_row(0, "org/tags", &deep, "", "");
    text += &details_row(1, "org/datasets", "[]", &deep, "");
    text += &details_row(2, "org/base", "[]", "", &deep);
    text += &details_row(3, "org/fine", "[]", "", "org/base");
    wd.write("details.csv", text);
    wd.write(
        "commits.csv",
        format!(
            "{COMMITS_HEADER}\n0,org/fine,1,1,2024-01-01 00:00:00+00:00,2024-01-01 00:00:00+00:00,{deep}\n"
        ),
    );
    let (code, stderr, report) = build(&wd, &["details.csv", "commits.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let report = report.unwrap();
    let bad = rows(&report, "rejected", reason::BAD_LIST);
    let fields: Vec<&str> = bad.iter().map(|(_, f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        ["tags", "datasets", "base_model", "authors"],
        "{bad:?}"
    );
    assert!(bad.iter().all(|(_, _, m)| m.contains("nested too deeply")));
    // the rows themselves are kept
    assert_eq!(report["models"], 4);
}

// ------------------------------------------------------------------ D2: cut files

#[test]
fn file_cut_inside_its_last_field_built_a_made_up_id() {
    let wd = Workdir::new();
    wd.write(
        "board.csv",
        format!("{V2_HEADER}\norg/alpha,10.5,org/alpha\norg/beta-72b-v0.5,11.0,org/be"),
    );
    let (code, stderr, report) = build(&wd, &["board.csv"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("board.csv:3: the file is truncated")
            && stderr.contains("does not end with a newline"),
        "{stderr}"
    );
    assert!(report.is_none() && !wd.join("g.graph").exists());
    // the same file with its line end is whole
    wd.write(
        "board.csv",
        format!("{V2_HEADER}\norg/alpha,10.5,org/alpha\norg/beta-72b-v0.5,11.0,org/be\n"),
    );
    assert_eq!(build(&wd, &["board.csv"]).0, 0);
}

// ------------------------------------------------------------------ D3: one UTF-8 rule

#[test]
fn invalid_utf8_early_in_a_file_rejected_the_whole_file() {
    let wd = Workdir::new();
    let mut early = format!("{DETAILS_HEADER}\n").into_bytes();
    early.extend_from_slice(b"0,org/a\xff,org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,\n");
    early.extend_from_slice(details_row(1, "org/b", "[]", "", "org/a").as_bytes());
    wd.write("early.csv", &early);
    let (code, stderr, report) = build(&wd, &["early.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let bad = rows(&report.unwrap(), "rejected", reason::BAD_UTF8);
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].0, bad[0].1.as_str()), (2, "name"));
    // the same byte after the first 8 KiB: the same issue
    let mut late = format!("{DETAILS_HEADER}\n").into_bytes();
    let mut i = 0;
    while late.len() < 10_000 {
        late.extend_from_slice(details_row(i, &format!("org/m{i}"), "[]", "", "").as_bytes());
        i += 1;
    }
    late.extend_from_slice(format!("{i},org/late").as_bytes());
    late.push(0xff);
    late.extend_from_slice(b",org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,\n");
    let raw = late;
    wd.write("late.csv", &raw);
    let (code, stderr, report) = build(&wd, &["late.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let bad = rows(&report.unwrap(), "rejected", reason::BAD_UTF8);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].1, "name");
}

#[test]
fn nul_heavy_files_stay_binary() {
    let wd = Workdir::new();
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 4000));
    wd.write("image.csv", &bytes);
    let (code, stderr, _) = build(&wd, &["image.csv"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("binary data"), "{stderr}");
}

// ------------------------------------------------------------------ D5: repeated rows

#[test]
fn repeated_rows_of_one_model_invented_a_merge() {
    let wd = Workdir::new();
    let mut text = format!("{DETAILS_HEADER}\n");
    text += &details_row(0, "org/a", "[]", "", "");
    text += &details_row(1, "org/b", "[]", "", "");
    text += &details_row(2, "me/x", "[]", "", "org/a");
    text += "3,me/x,org,2024-05-05 00:00:00+00:00,,5,transformers,[],,,org/b\n";
    text += &details_row(4, "ME/X", "[]", "", "org/a");
    wd.write("details.csv", text);
    let (code, stderr, report) = build(&wd, &["details.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let report = report.unwrap();
    assert_eq!(report["inputs"][0]["records"], 3);
    assert_eq!(report["inputs"][0]["duplicates_merged"], 2);
    assert!(stderr.contains("2 repeated rows merged"), "{stderr}");
    // one edge from the first row's base, no merge
    assert_eq!(report["edges"], 1);
    assert_eq!(report["edges_by_kind"]["merge"], 0);
    let conflicts = rows(&report, "suspicious", reason::REPEATED);
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].0, 5);
    assert!(
        conflicts[0].2.contains("line 4") && conflicts[0].2.contains("other base models and dates"),
        "{conflicts:?}"
    );
}

#[test]
fn repeated_names_of_the_real_details_table_are_counted() {
    let (_, r) = build_files(&[shared_data("openllm-2024/details.csv")]);
    // sum(c - 1 for c in Counter(name.lower()).values()) == 308 (checked with the csv module)
    assert_eq!(r.inputs[0].duplicates_merged, 308);
    assert_eq!(r.inputs[0].records + 308, r.inputs[0].rows);
}

// ------------------------------------------------------------------ D6: header

#[test]
fn a_column_named_twice_was_ignored_silently() {
    let wd = Workdir::new();
    wd.write(
        "details.csv",
        format!(
            "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model,base_model\n{}",
            "0,org/a,org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,,org/x\n"
        ),
    );
    let (code, stderr, _) = build(&wd, &["details.csv"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("column 'base_model' appears twice in the header (columns 11 and 12)"),
        "{stderr}"
    );
}

// ------------------------------------------------------------------ D8: streams

fn small_details() -> String {
    let mut text = format!("{DETAILS_HEADER}\n");
    text += &details_row(0, "org/a", "[]", "", "");
    text += &details_row(1, "me/b", "[]", "", "org/a");
    text
}

fn build_piped(wd: &Workdir, input: &str) -> (i32, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lineage"))
        .current_dir(wd.path())
        .args(["build", input, "-o", "g.graph"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(small_details().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn piped_standard_input_was_read_as_empty() {
    let wd = Workdir::new();
    for input in ["-", "/dev/stdin"] {
        let (code, stderr) = build_piped(&wd, input);
        assert_eq!(code, 0, "{input}: {stderr}");
        assert!(stderr.contains("2 rows, 2 records"), "{input}: {stderr}");
        assert!(stderr.contains("edges: 1"), "{input}: {stderr}");
    }
}

#[test]
fn a_fifo_was_read_as_empty() {
    let wd = Workdir::new();
    let fifo = wd.join("in.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (coreutils) is needed for this test");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            f.write_all(small_details().as_bytes()).unwrap();
        })
    };
    let out = wd
        .command(&["build", "in.csv", "-o", "g.graph"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("edges: 1"), "{stderr}");
}

// ------------------------------------------------------------------ D9: nothing read

#[test]
fn header_only_or_all_rejected_file_exited_0_with_an_empty_graph() {
    let wd = Workdir::new();
    wd.write("header.csv", format!("{DETAILS_HEADER}\n"));
    let (code, stderr, report) = build(&wd, &["header.csv"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no models read from header.csv (no rows after the header)"),
        "{stderr}"
    );
    assert!(report.is_none() && !wd.join("g.graph").exists());
    wd.write(
        "rejected.csv",
        format!("{DETAILS_HEADER}\n0,,org,2024-01-01,,5,,[],,,\n1,,org,2024-01-01,,5,,[],,,\n"),
    );
    let (code, stderr, _) = build(&wd, &["rejected.csv"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("all 2 rows rejected"), "{stderr}");
    assert!(
        stderr.contains("missing model id"),
        "the reasons are shown: {stderr}"
    );
}

// ------------------------------------------------------------------ D10: case

#[test]
fn non_ascii_case_twins_kept_the_worse_evaluation() {
    let text = format!("{V2_HEADER}\nØrg/Model,10.0,Ørg/Model\nørg/model,20.0,ørg/model\n");
    let (g, r) = build_bytes("board.csv", text.as_bytes()).unwrap();
    assert_eq!(g.model_count(), 1);
    assert_eq!(r.duplicates_merged, 1);
    let m = &g.models[node(&g, "ØRG/MODEL") as usize];
    assert_eq!(m.average(lineage::model::Board::V2), Some(20.0));
    assert_eq!(m.evaluations, 2);
    assert_eq!(g.edge_count(), 0, "an original, not its own base");
}

// ------------------------------------------------------------------ D12: echo

#[test]
fn a_10mb_bad_cell_was_echoed_in_full() {
    let wd = Workdir::new();
    let huge = "9".repeat(10 << 20) + "x";
    let mut text = format!("{DETAILS_HEADER}\n");
    text += &format!("0,org/a,org,{huge},,{huge},transformers,[],,,{huge}\n");
    wd.write("details.csv", text);
    let (code, stderr, report) = build(&wd, &["details.csv"]);
    assert_eq!(code, 0);
    assert!(stderr.len() < 20_000, "stderr is {} bytes", stderr.len());
    assert!(
        stderr.contains("(10485761 bytes in all)"),
        "{}",
        &stderr[..2000.min(stderr.len())]
    );
    let report = report.unwrap();
    for table in ["rejected"] {
        for (_, group) in report[table].as_object().unwrap() {
            for row in group["rows"].as_array().unwrap() {
                assert!(row["message"].as_str().unwrap().len() < 400, "{row}");
                assert!(row["value"].as_str().unwrap().len() <= 800, "value capped");
            }
        }
    }
    for r in report["unresolved"]["references"].as_array().unwrap() {
        assert!(r["value"].as_str().unwrap().len() <= 800);
    }
    assert!(std::fs::metadata(wd.join("report.json")).unwrap().len() < 50_000);
}

// ------------------------------------------------------------------ D13: JSON escapes

#[test]
fn a_lone_surrogate_lost_the_whole_json_row() {
    let text = concat!(
        r#"{"id": "org/a", "author": "org", "createdAt": "2024-01-01T00:00:00.000Z"}"#,
        "\n",
        r#"{"id": "me/b", "author": "me\ud800", "cardData": {"base_model": "org/a"}}"#,
        "\n"
    );
    let (g, r) = build_bytes("models.jsonl", text.as_bytes()).unwrap();
    assert_eq!(r.inputs[0].records, 2);
    assert_eq!(r.inputs[0].rows_rejected, 0);
    assert_eq!(parent_names(&g, "me/b"), ["org/a"]);
    let issues = &r.rejected[reason::BAD_ESCAPE].rows;
    assert_eq!(issues.len(), 1);
    assert_eq!((issues[0].line, issues[0].field.as_str()), (2, "author"));
}

// ------------------------------------------------------------------ D18: aliases, config files

#[test]
fn records_merged_through_aliases_were_not_counted() {
    let mut text = format!("{DETAILS_HEADER}\n");
    text += &details_row(0, "gpt2", "[]", "", "");
    text += &details_row(1, "openai-community/gpt2", "[]", "", "");
    let (g, r) = build_bytes("details.csv", text.as_bytes()).unwrap();
    assert_eq!(g.model_count(), 1);
    assert_eq!(r.aliased_records.count, 1);
    let a = &r.aliased_records.references[0];
    assert_eq!(
        (a.line, a.value.as_str()),
        (2, "gpt2 -> openai-community/gpt2")
    );
    assert!(r.summary(3).contains("rows whose id is an alias"));
}

#[test]
fn a_binary_date_corrections_file_was_accepted_silently() {
    let wd = Workdir::new();
    wd.write("details.csv", small_details());
    wd.write("dates.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00");
    let (code, stderr, _) = build(&wd, &["details.csv", "--date-corrections", "dates.bin"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("dates.bin: binary data"), "{stderr}");
    wd.write("dates.txt", "just some words\n");
    let (code, stderr, _) = build(&wd, &["details.csv", "--date-corrections", "dates.txt"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("dates.txt:1: expected the header 'model,created,reason'"),
        "{stderr}"
    );
    wd.write("aliases.bin", b"\x00\x01\x02");
    let (code, stderr, _) = build(&wd, &["details.csv", "--aliases", "aliases.bin"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("aliases.bin: binary data"), "{stderr}");
}

// ------------------------------------------------------------------ two versions of a table

#[test]
fn a_folder_with_details_and_details_unrepaired_was_read_twice_silently() {
    let wd = Workdir::new();
    let dir = shared_data("openllm-2024/details.csv");
    let dir = dir.parent().unwrap().to_str().unwrap();
    let out = wd
        .command(&["build", dir, "-o", "g.graph"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // 5599 distinct names (lower-cased) in details.csv, every one also in the unrepaired file
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning:"))
        .unwrap_or_else(|| panic!("no warning: {stderr}"));
    assert!(
        warning.contains("details-unrepaired.csv and ")
            && warning.contains("details.csv are both details tables")
            && warning.contains("(5599 of the 5599 in ")
            && warning.contains("details-unrepaired.csv was read first, so its values win"),
        "{warning}"
    );
}

// ------------------------------------------------------------------ outputs

#[test]
fn build_piped_into_head_panicked() {
    let wd = Workdir::new();
    wd.write("details.csv", small_details());
    let bin = assert_cmd::cargo::cargo_bin("lineage");
    let out = std::process::Command::new("bash")
        .current_dir(wd.path())
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' build details.csv -o g.graph 2>&1 | head -1; echo \"exit ${{PIPESTATUS[0]}}\"",
            bin.display()
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.ends_with("exit 0\n"), "{stdout}");
    assert!(!stdout.contains("panicked"), "{stdout}");
    assert!(wd.join("g.graph").exists());
}

#[test]
fn out_or_report_equal_to_an_input_overwrote_it() {
    let wd = Workdir::new();
    let input = small_details();
    wd.write("details.csv", &input);
    std::fs::create_dir(wd.join("sub")).unwrap();
    for (args, needle) in [
        (
            vec!["build", "details.csv", "-o", "details.csv"],
            "--out details.csv: is the input details.csv",
        ),
        (
            vec![
                "build",
                "details.csv",
                "-o",
                "g.graph",
                "--report",
                "./sub/../details.csv",
            ],
            "--report ./sub/../details.csv: is the input details.csv",
        ),
        (
            vec!["build", ".", "-o", "g.graph", "--report", "details.csv"],
            "--report details.csv: is the input ./details.csv",
        ),
        (
            vec![
                "build",
                "details.csv",
                "-o",
                "g.graph",
                "--report",
                "g.graph",
            ],
            "--report g.graph: is the --out file too",
        ),
        (
            vec!["build", "details.csv", "-o", "sub/"],
            "--out sub/: is a directory; give the graph file's path, such as sub/lineage.graph",
        ),
    ] {
        let out = wd.command(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(wd.join("details.csv")).unwrap(),
            input
        );
        assert!(!wd.join("g.graph").exists());
    }
}

#[test]
fn io_errors_printed_their_cause_twice() {
    let wd = Workdir::new();
    let out = wd.command(&["build", "missing.csv"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.starts_with("error: missing.csv: cannot read"),
        "{stderr}"
    );
}

#[test]
fn a_missing_default_graph_did_not_say_to_build_first() {
    let wd = Workdir::new();
    for args in [
        vec!["info"],
        vec!["query", "licenses"],
        vec!["query", "derivatives"],
        vec!["export", "json"],
    ] {
        let out = wd.command(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr.contains(
                "graphs/lineage.graph: no graph file; run `lineage build [INPUTS]` first"
            ),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_bom_only_file_was_not_a_known_format() {
    let wd = Workdir::new();
    wd.write("bom.csv", "\u{feff}");
    wd.write("bom2.csv", "\u{feff}\n\n");
    for f in ["bom.csv", "bom2.csv"] {
        let (code, stderr, _) = build(&wd, &[f]);
        assert_eq!(code, 1);
        assert!(
            stderr.contains(&format!("{f}: the file is empty")),
            "{stderr}"
        );
    }
}

#[test]
fn info_and_the_build_summary_disagreed_on_suspicious_rows() {
    let wd = Workdir::new();
    let path = shared_data("openllm-2024/details-unrepaired.csv");
    let out = wd
        .command(&["build", path.to_str().unwrap(), "-o", "g.graph"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let info = wd
        .command(&["info", "--format", "json"])
        .arg("-g")
        .arg("g.graph")
        .output()
        .unwrap();
    let info: Value = serde_json::from_slice(&info.stdout).unwrap();
    let n = info["suspicious"].as_u64().unwrap();
    assert!(n > 0);
    assert!(
        stderr.contains(&format!("metadata not used: {n}")),
        "the summary says what info says ({n}): {stderr}"
    );
}
