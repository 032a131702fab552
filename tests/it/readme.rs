//! The README's examples are the binary's real output: every indented block that starts with
//! `$ lineage ...` is run, in order, on the real data (from a scratch directory, so the
//! build's graph is the one the later examples read), and its output compared with the
//! block. A `...` line stands for lines left out: the lines above it must be the output's
//! first lines and the lines below it its last.
//!
//! `LINEAGE_UPDATE_README=1 cargo test --test it readme::` rewrites the blocks from the
//! real output (keeping each block's shape) instead of failing.

use std::path::Path;

use crate::common::*;

/// One example: where its output lines are in the README, its command, what it shows.
struct Example {
    /// Index of the first output line in the README's lines.
    first: usize,
    /// Index past the last output line.
    end: usize,
    command: String,
    expected: Vec<String>,
}

const INDENT: &str = "    ";

fn examples(lines: &[&str]) -> Vec<Example> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(cmd) = lines[i].strip_prefix("    $ lineage ") else {
            i += 1;
            continue;
        };
        let mut command = cmd.trim_end().to_string();
        i += 1;
        while command.ends_with('\\') {
            command.pop();
            command.push(' ');
            command.push_str(lines[i].trim());
            i += 1;
        }
        let first = i;
        while i < lines.len() && lines[i].starts_with(INDENT) && !lines[i].starts_with("    $ ") {
            i += 1;
        }
        out.push(Example {
            first,
            end: i,
            command,
            expected: lines[first..i]
                .iter()
                .map(|l| l[INDENT.len()..].trim_end().to_string())
                .collect(),
        });
    }
    out
}

/// Splits a block at its `...` line: the lines it starts with and the lines it ends with
/// (`None` when the block is the whole output).
fn shape(expected: &[String]) -> (Vec<String>, Option<Vec<String>>) {
    match expected.iter().position(|l| l.trim() == "...") {
        None => (expected.to_vec(), None),
        Some(k) => (expected[..k].to_vec(), Some(expected[k + 1..].to_vec())),
    }
}

/// Runs `lineage ARGS` in `dir` (the real data's `../shared/data` paths made absolute) and
/// returns its output (stdout, or stderr for commands that print only there) with the
/// paths put back as the README writes them.
fn run(dir: &Path, command: &str, data: &str) -> String {
    let args: Vec<String> = command
        .split_whitespace()
        .map(|a| a.replace("../shared/data", data))
        .collect();
    let out = assert_cmd::Command::cargo_bin("lineage")
        .unwrap()
        .current_dir(dir)
        .env("COLUMNS", "200")
        .args(&args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "README example `lineage {command}` failed: {stderr}"
    );
    let text = if stdout.is_empty() { stderr } else { stdout };
    text.replace(data, "../shared/data")
}

#[test]
fn readme_examples_are_the_real_output() {
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let found = examples(&lines);
    assert!(
        found.len() >= 5,
        "expected the README's examples, found {}",
        found.len()
    );
    assert!(
        found[0].command.starts_with("build "),
        "the first example builds the graph the others read"
    );
    let data = shared_data("openllm-2024/details.csv");
    let data = data
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let wd = Workdir::new();
    let update = std::env::var_os("LINEAGE_UPDATE_README").is_some();
    let mut rewritten: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let mut failures = Vec::new();
    // Later blocks are replaced first, so earlier indices stay valid.
    let mut replacements = Vec::new();
    for ex in &found {
        let actual: Vec<String> = run(wd.path(), &ex.command, &data)
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect();
        let (head, tail) = shape(&ex.expected);
        let head_ok = actual.len() >= head.len() && actual[..head.len()] == head[..];
        let ok = match &tail {
            None => actual == head,
            Some(t) => {
                head_ok
                    && actual.len() >= head.len() + t.len()
                    && actual[actual.len() - t.len()..] == t[..]
            }
        };
        if ok {
            continue;
        }
        let new: Vec<String> = match &tail {
            None => actual.clone(),
            Some(t) => {
                let mut v = actual[..head.len().min(actual.len())].to_vec();
                v.push("...".into());
                v.extend_from_slice(&actual[actual.len().saturating_sub(t.len())..]);
                v
            }
        };
        failures.push(format!(
            "`lineage {}`:\n--- README\n{}\n--- actual\n{}",
            ex.command,
            ex.expected.join("\n"),
            new.join("\n")
        ));
        replacements.push((ex.first, ex.end, new));
    }
    if update && !replacements.is_empty() {
        for (first, end, new) in replacements.into_iter().rev() {
            let block: Vec<String> = new
                .iter()
                .map(|l| format!("{INDENT}{l}").trim_end().to_string())
                .collect();
            rewritten.splice(first..end, block);
        }
        let mut text = rewritten.join("\n");
        text.push('\n');
        std::fs::write(&readme_path, text).expect("rewrite README.md");
        return;
    }
    assert!(
        failures.is_empty(),
        "README examples differ from the binary's output (run \
         LINEAGE_UPDATE_README=1 cargo test --test it readme:: to rewrite them):\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn readme_blocks_are_split_at_their_ellipsis() {
    let lines = [
        "text",
        "    $ lineage build a \\",
        "                    b",
        "    one",
        "    ...",
        "    last",
        "",
        "    $ lineage info",
        "    x",
    ];
    let ex = examples(&lines);
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0].command, "build a  b");
    assert_eq!((ex[0].first, ex[0].end), (3, 6));
    let (head, tail) = shape(&ex[0].expected);
    assert_eq!(head, ["one"]);
    assert_eq!(tail.unwrap(), ["last"]);
    assert_eq!(ex[1].expected, ["x"]);
}
