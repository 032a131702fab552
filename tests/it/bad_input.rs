//! Bad input, as the build must meet it: malformed rows are counted by reason with file,
//! line and field and never stop the build; whole files that cannot be read (empty,
//! binary, truncated, unknown) stop it with one `error:` line that names the file and what
//! was expected, a non-zero exit, no panic, and no graph file written.

use std::path::Path;

use crate::common::*;
use lineage::ingest::reason;
use lineage::model::Board;
use serde_json::Value;

const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model";
const V1_HEADER: &str = "Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query";
const COMMITS_HEADER: &str = ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors";

/// Rows of the report's `rejected` (or `suspicious`) table for `reason`, as
/// (line, field) pairs.
fn issues(report: &Value, table: &str, reason: &str) -> Vec<(u64, String)> {
    report[table][reason]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no {table} rows for '{reason}' in {report:#}"))
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs a build expected to fail on `input` (a file in `wd`) and checks what every such
/// failure must look like. Returns the error line.
fn fails(wd: &Workdir, input: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "build",
        input,
        "--out",
        "out.graph",
        "--report",
        "report.json",
    ];
    args.extend_from_slice(extra);
    let out = wd.command(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line of error expected: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].contains(Path::new(input).file_name().unwrap().to_str().unwrap()),
        "the error names the file: {stderr}"
    );
    assert!(!wd.join("out.graph").exists(), "no graph may be written");
    assert!(!wd.join("report.json").exists(), "no report may be written");
    lines[0].to_string()
}

// ---------------------------------------------------------------- malformed rows

#[test]
fn malformed_details_rows_are_counted_and_the_rest_kept() {
    let wd = Workdir::new();
    wd.write(
        "details.csv",
        format!(
            "{DETAILS_HEADER}\n\
             0,org/base,org,2024-01-01 10:00:00+00:00,,100,transformers,\"['transformers']\",,,\n\
             1,org/bad-number,org,2024-02-01 10:00:00+00:00,,12k,transformers,[],,,org/base\n\
             2,org/bad-date,org,2024-13-45 99:00:00+00:00,,7,transformers,[],,,org/base\n\
             3,org/bad-list,org,2024-03-01 10:00:00+00:00,,8,transformers,\"['a', 'b'\",,,org/base\n\
             4,org/too-many,org,2024-04-01 10:00:00+00:00,,9,transformers,[],,,org/base,surplus\n\
             5,org/too-few,org,2024-05-01 10:00:00+00:00\n\
             6,org/bad-base,org,2024-06-01 10:00:00+00:00,,10,transformers,[],,,\"['org/base', oops]\"\n\
             7,,org,2024-06-01 10:00:00+00:00,,10,transformers,[],,,org/base\n"
        ),
    );
    wd.command(&[
        "build",
        "details.csv",
        "--out",
        "g.graph",
        "--report",
        "r.json",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    let rejected = |reason| issues(&r, "rejected", reason);
    assert_eq!(rejected(reason::BAD_NUMBER), vec![(3, "downloads".into())]);
    assert_eq!(rejected(reason::BAD_DATE), vec![(4, "created_at".into())]);
    assert_eq!(
        rejected(reason::BAD_LIST),
        vec![(5, "tags".into()), (8, "base_model".into())]
    );
    assert_eq!(
        rejected(reason::FIELD_COUNT),
        vec![(6, String::new()), (7, String::new())]
    );
    assert_eq!(rejected(reason::MISSING_ID), vec![(9, "name".into())]);
    // each row names its file, and keeps the offending value and a message
    let row = &r["rejected"][reason::BAD_NUMBER]["rows"][0];
    assert!(row["file"].as_str().unwrap().ends_with("details.csv"));
    assert_eq!(row["value"], "12k");
    assert!(row["message"].as_str().unwrap().contains("not a number"));
    assert_eq!(r["rejected"][reason::BAD_LIST]["count"], 2);
    // 8 rows: 7 records, 1 rejected whole (no name)
    let input = &r["inputs"][0];
    assert_eq!(
        (input["rows"].as_u64(), input["records"].as_u64()),
        (Some(8), Some(7))
    );
    assert_eq!(input["rows_rejected"], 1);

    // the rest of each row is kept
    let g = lineage::graph::file::load(&wd.join("g.graph")).unwrap();
    let m = |id| &g.models[node(&g, id) as usize];
    assert_eq!(
        m("org/bad-number").created.unwrap().to_string(),
        "2024-02-01"
    );
    assert_eq!(m("org/bad-number").downloads, None);
    assert_eq!(m("org/bad-date").created, None);
    assert_eq!(m("org/bad-date").downloads, Some(7));
    assert_eq!(m("org/too-many").downloads, Some(9));
    assert_eq!(m("org/too-few").created.unwrap().to_string(), "2024-05-01");
    for child in [
        "org/bad-number",
        "org/bad-date",
        "org/bad-list",
        "org/too-many",
    ] {
        assert_eq!(parent_names(&g, child), vec!["org/base"], "{child}");
    }
    // an unparsable base_model list gives no edge, but its row is kept
    assert!(g.parents_of(node(&g, "org/bad-base")).is_empty());
}

/// openllm-2024/leaderboard.csv has Windows line ends: every row's line number was one
/// short, as was every row's after a blank line.
#[test]
fn line_numbers_count_windows_line_ends_and_blank_lines() {
    let wd = Workdir::new();
    let rows = [
        DETAILS_HEADER,
        "0,org/a,org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,",
        "1,org/b,org,someday,,5,transformers,[],,,org/a",
        "",
        "",
        "2,org/c,org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,a vague name",
        "3,org/d,org,2024-01-01 00:00:00+00:00,,five,transformers,\"['x',\r\n 'y']\",,,",
        "4,org/e,org,later,,5,transformers,[],,,",
    ];
    wd.write("crlf.csv", rows.join("\r\n") + "\r\n");
    wd.command(&[
        "build", "crlf.csv", "--report", "r.json", "-o", "g.graph", "-q",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    assert_eq!(
        issues(&r, "rejected", reason::BAD_DATE),
        vec![(3, "created_at".into()), (9, "created_at".into())]
    );
    assert_eq!(
        issues(&r, "rejected", reason::BAD_NUMBER),
        vec![(7, "downloads".into())]
    );
    assert_eq!(r["unresolved"]["references"][0]["line"], 6);
    assert_eq!(r["inputs"][0]["rows"], 5);
}

#[test]
fn malformed_leaderboard_and_commits_rows() {
    let wd = Workdir::new();
    let v1 = |avg: &str, typ: &str, flagged: &str, id: &str| {
        format!("🔶;https://huggingface.co/{id};{avg};50;50;50;50;50;50;{typ};LlamaForCausalLM;Original;float16;True;mit;7.0;1.0;True;sha;{flagged};True;{id}")
    };
    wd.write(
        "lb.csv",
        format!(
            "{V1_HEADER}\n{}\n{}\n{}\n{}\n",
            v1("n/a", "🔶 fine-tuned", "True", "org/no-average"),
            v1("55.1", "banana", "True", "org/odd-type"),
            v1("55.2", "🔶 fine-tuned", "maybe", "org/odd-flag"),
            v1("55.3", "🔶 fine-tuned", "False", "org/fine"),
        ),
    );
    wd.write(
        "commits.csv",
        format!(
            "{COMMITS_HEADER}\n\
             0,org/fine,1,3,2024-01-01 00:00:00+00:00,2024-01-02 00:00:00+00:00,['alice']\n\
             1,org/odd-type,2,3,yesterday,2024-01-02 00:00:00+00:00,\"['alice', 'bob']\"\n\
             2,org/no-average,2,3,2024-01-01 00:00:00+00:00,2024-01-02 00:00:00+00:00,\"['alice' 'bob']\"\n"
        ),
    );
    wd.command(&[
        "build",
        "lb.csv",
        "commits.csv",
        "--report",
        "r.json",
        "-o",
        "g.graph",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    assert_eq!(
        issues(&r, "rejected", reason::BAD_NUMBER),
        vec![(2, "Average ⬆️".into())]
    );
    assert_eq!(
        issues(&r, "rejected", reason::BAD_TYPE),
        vec![(3, "TypeString".into())]
    );
    assert_eq!(
        issues(&r, "rejected", reason::BAD_BOOL),
        vec![(4, "Flagged".into())]
    );
    assert_eq!(
        issues(&r, "rejected", reason::BAD_DATE),
        vec![(3, "first_commit".into())]
    );
    assert_eq!(
        issues(&r, "rejected", reason::BAD_LIST),
        vec![(4, "authors".into())]
    );
    let g = lineage::graph::file::load(&wd.join("g.graph")).unwrap();
    let m = |id| &g.models[node(&g, id) as usize];
    assert_eq!(m("org/no-average").average(Board::V1), None);
    assert_eq!(m("org/no-average").params_b, Some(7.0));
    assert!(
        m("org/fine").is_flagged(),
        "Flagged False means flagged in v1"
    );
    assert!(!m("org/odd-flag").is_flagged());
    assert_eq!(g.contributors.row(node(&g, "org/odd-type")).len(), 2);
    assert!(g.contributors.row(node(&g, "org/no-average")).is_empty());
    assert_eq!(r["models"], 4);
}

#[test]
fn jsonl_bad_lines_are_counted() {
    let wd = Workdir::new();
    let path = fixture("hub_api.jsonl");
    wd.command(&[
        "build",
        path.to_str().unwrap(),
        "--report",
        "r.json",
        "-o",
        "g.graph",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    assert_eq!(
        issues(&r, "rejected", reason::BAD_JSON),
        vec![(10, String::new()), (11, String::new())]
    );
    let messages: Vec<&str> = r["rejected"][reason::BAD_JSON]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].starts_with("invalid JSON"), "{messages:?}");
    assert_eq!(messages[1], "not a JSON object");
}

#[test]
fn invalid_utf8_costs_a_field_not_the_row() {
    let wd = Workdir::new();
    // past the first 8 KiB, which are checked for being text before anything is read
    let mut csv = format!("{DETAILS_HEADER}\n").into_bytes();
    for i in 0..120 {
        csv.extend(format!("{i},org/m{i},org,2024-01-01 00:00:00+00:00,,{i},transformers,\"['tag-{i:0>60}']\",,,\n").bytes());
    }
    csv.extend(b"120,org/latin,caf\xe9,2024-01-01 00:00:00+00:00,,5,transformers,[],,,org/m1\n");
    wd.write("details.csv", &csv);
    let mut jsonl = Vec::new();
    for i in 0..120 {
        jsonl.extend(format!("{{\"id\": \"org/j{i}\", \"tags\": [\"tag-{i:0>80}\"]}}\n").bytes());
    }
    jsonl.extend(b"{\"id\": \"org/latin-json\", \"author\": \"caf\xe9\", \"cardData\": {\"base_model\": \"org/j1\"}}\n");
    wd.write("models.jsonl", &jsonl);
    wd.command(&[
        "build",
        "details.csv",
        "models.jsonl",
        "--report",
        "r.json",
        "-o",
        "g.graph",
    ])
    .assert()
    .success();
    let r = wd.json("r.json");
    let mut found = issues(&r, "rejected", reason::BAD_UTF8);
    found.sort();
    // the CSV row is line 122 (after the header), the JSON line 121
    assert_eq!(found, vec![(121, String::new()), (122, "author".into())]);
    let g = lineage::graph::file::load(&wd.join("g.graph")).unwrap();
    assert_eq!(parent_names(&g, "org/latin"), vec!["org/m1"]);
    assert_eq!(parent_names(&g, "org/latin-json"), vec!["org/j1"]);
}

// ---------------------------------------------------------------- whole files

#[test]
fn empty_file() {
    let wd = Workdir::new();
    wd.write("empty.csv", "");
    let err = fails(&wd, "empty.csv", &[]);
    assert!(
        err.contains("empty") && err.contains("expected one of"),
        "{err}"
    );
    wd.write("blank.jsonl", "\n  \n\n");
    let err = fails(&wd, "blank.jsonl", &[]);
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn header_only_file_is_an_empty_input_not_an_error() {
    let wd = Workdir::new();
    wd.write("details.csv", format!("{DETAILS_HEADER}\n"));
    wd.command(&[
        "build",
        "details.csv",
        "-o",
        "g.graph",
        "--report",
        "r.json",
    ])
    .assert()
    .success();
    assert_eq!(wd.json("r.json")["models"], 0);
}

#[test]
fn binary_files() {
    let wd = Workdir::new();
    // a PNG signature and chunk header, a gzip header, UTF-16 text: NUL bytes early on
    wd.write(
        "image.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    );
    let err = fails(&wd, "image.csv", &[]);
    assert!(
        err.contains("binary") && err.contains("expected a text file"),
        "{err}"
    );
    wd.write(
        "models.csv.gz",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xbd",
    );
    let err = fails(&wd, "models.csv.gz", &[]);
    assert!(err.contains("binary"), "{err}");
    let utf16: Vec<u8> = "\u{feff}modelId,tags\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    wd.write("utf16.csv", utf16);
    let err = fails(&wd, "utf16.csv", &[]);
    assert!(err.contains("binary"), "{err}");
}

#[test]
fn unknown_formats() {
    let wd = Workdir::new();
    wd.write("notes.csv", "title,year\nThe Pile,2020\n");
    let err = fails(&wd, "notes.csv", &[]);
    assert!(
        err.contains("not a known input format") && err.contains("'title,year'"),
        "{err}"
    );
    assert!(
        err.contains("Hub metadata CSV") && err.contains("Hub API JSON Lines"),
        "{err}"
    );
    wd.write("array.json", "[{\"id\": \"org/m\"}]\n");
    let err = fails(&wd, "array.json", &[]);
    assert!(err.contains("not a known input format"), "{err}");
    // a known header without a column its format needs
    wd.write(
        "lb.csv",
        "Type;ModelHub;ARC;model_name_for_query\n🔶;https://huggingface.co/a/b;1;a/b\n",
    );
    let err = fails(&wd, "lb.csv", &[]);
    assert!(
        err.contains("lacks column 'Average ⬆️'") && err.contains("leaderboard-v1"),
        "{err}"
    );
}

#[test]
fn truncated_csv_rows() {
    let wd = Workdir::new();
    // cut mid-row, no final newline
    wd.write(
        "details.csv",
        format!("{DETAILS_HEADER}\n0,org/a,org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,\n1,org/b,org,2024-0"),
    );
    let err = fails(&wd, "details.csv", &[]);
    assert!(
        err.contains("details.csv:3: the file is truncated"),
        "{err}"
    );
    assert!(err.contains("4 of 11 fields"), "{err}");
    // cut inside a quoted last field (the authors list of a commits file)
    wd.write(
        "commits.csv",
        format!("{COMMITS_HEADER}\n0,org/a,2,3,2024-01-01 00:00:00+00:00,2024-01-02 00:00:00+00:00,\"['alice', 'bo"),
    );
    let err = fails(&wd, "commits.csv", &[]);
    assert!(
        err.contains("commits.csv:2: the file is truncated") && err.contains("never closes"),
        "{err}"
    );
    // ... even when the cut falls just after a newline inside the quotes
    wd.write(
        "commits2.csv",
        format!("{COMMITS_HEADER}\n0,org/a,2,3,2024-01-01 00:00:00+00:00,2024-01-02 00:00:00+00:00,\"['alice',\n"),
    );
    let err = fails(&wd, "commits2.csv", &[]);
    assert!(err.contains("truncated"), "{err}");
    // a complete last row without a final newline is not truncated
    wd.write(
        "whole.csv",
        format!(
            "{DETAILS_HEADER}\n0,org/a,org,2024-01-01 00:00:00+00:00,,5,transformers,[],,,org/b"
        ),
    );
    wd.command(&["build", "whole.csv", "-o", "g.graph"])
        .assert()
        .success();
}

#[test]
fn truncated_jsonl() {
    let wd = Workdir::new();
    wd.write(
        "models.jsonl",
        "{\"id\": \"org/a\", \"author\": \"org\"}\n{\"id\": \"org/b\", \"tags\": [\"transformers\", \"base_mod",
    );
    let err = fails(&wd, "models.jsonl", &[]);
    assert!(
        err.contains("models.jsonl:2: the file is truncated") && err.contains("incomplete"),
        "{err}"
    );
}

/// The real files cut at a few places in the middle of a row (never in its last field,
/// where a cut leaves a shorter but complete-looking row): each is a truncation error.
#[test]
fn real_files_cut_mid_row() {
    let wd = Workdir::new();
    for name in [
        "openllm-2024/leaderboard.csv",
        "openllm-2024/details.csv",
        "openllm-2024/commits.csv",
        "openllm-v2-2025/contents.csv",
        "hub-listing-2024/models.csv",
    ] {
        let bytes = std::fs::read(shared_data(name)).unwrap();
        for fraction in [0.1, 0.45, 0.8] {
            // the start of a row somewhere past `fraction` of the file, then a third of it
            let from = (bytes.len() as f64 * fraction) as usize;
            let start = from + bytes[from..].iter().position(|&b| b == b'\n').unwrap() + 1;
            let len = bytes[start..].iter().position(|&b| b == b'\n').unwrap();
            let cut = &bytes[..start + len / 3];
            let file = format!("cut-{}", name.replace('/', "-"));
            wd.write(&file, cut);
            let err = fails(&wd, &file, &[]);
            assert!(
                err.contains("truncated"),
                "{name} cut at {}: {err}",
                cut.len()
            );
        }
    }
}

#[test]
fn one_bad_file_among_good_ones_writes_nothing() {
    let wd = Workdir::new();
    let good = shared_data("openllm-2024/commits.csv");
    wd.write("broken.jsonl", "{\"id\": \"org/a\"");
    let out = wd
        .command(&[
            "build",
            good.to_str().unwrap(),
            "broken.jsonl",
            "-o",
            "out.graph",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.jsonl"));
    assert!(!wd.join("out.graph").exists());
}

#[test]
fn missing_input_file() {
    let wd = Workdir::new();
    let err = fails(&wd, "nowhere.csv", &[]);
    assert!(err.contains("nowhere.csv: cannot read"), "{err}");
}

// ---------------------------------------------------------------- suspicious rows

#[test]
fn copied_rows_of_the_unrepaired_details_in_the_report() {
    let wd = Workdir::new();
    let path = shared_data("openllm-2024/details-unrepaired.csv");
    wd.command(&[
        "build",
        path.to_str().unwrap(),
        "--report",
        "r.json",
        "-o",
        "g.graph",
    ])
    .assert()
    .success()
    .stderr(predicates::str::contains(
        "suspicious: metadata copied from another row: 648",
    ));
    let r = wd.json("r.json");
    let copied = &r["suspicious"][reason::COPIED];
    assert_eq!(copied["count"], 648);
    // line 5: davidkim205/Rhea-72b-v0.4 repeats line 4 (Contamination/contaminated_proof_7b_v1.0)
    // from the author on: python, rows = list(csv.reader(...)), rows[3][2:] == rows[4][2:]
    let first = &copied["rows"][0];
    assert_eq!(first["line"], 5);
    assert_eq!(first["field"], "name");
    assert_eq!(first["value"], "davidkim205/Rhea-72b-v0.4");
    assert!(first["message"].as_str().unwrap().contains("line 4"));
    assert!(r["rejected"].as_object().unwrap().is_empty());
}
