//! Scores kept per leaderboard board (v1 and v2 averages are on different scales and never
//! mix) and creation dates taken from first commits where no source gives one.

use crate::common::*;
use lineage::graph::BuildOptions;
use lineage::model::{Board, Flags};

const V1_HEADER: &str = "Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query";
const V2_HEADER: &str = ",fullname,Average ⬆️,IFEval,BBH,MATH Lvl 5,GPQA,MUSR,MMLU-PRO,Flagged,Merged,Upload To Hub Date,Base Model";
const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model";
const COMMITS_HEADER: &str = ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors";

fn v1_row(id: &str, average: f32, arc: f32) -> String {
    format!("🟢;;{average};{arc};0;0;0;0;0;🟢 pretrained;LlamaForCausalLM;Original;float16;True;mit;7;0;True;sha;True;True;{id}")
}

/// One model on both boards, the v1 board twice (the second evaluation is better), with
/// a fine-tune on v2 only.
fn both_boards(wd: &Workdir) -> Vec<std::path::PathBuf> {
    let v2 = wd.write(
        "v2.csv",
        format!(
            "{V2_HEADER}\n0,org/m,20.0,30.0,10,10,10,10,10,False,False,2024-01-01,org/m\n\
             1,me/tuned,24.0,40.0,10,10,10,10,10,False,False,2024-02-01,org/m\n"
        ),
    );
    let v1 = wd.write(
        "v1.csv",
        format!(
            "{V1_HEADER}\n{}\n{}\n",
            v1_row("org/m", 50.0, 40.0),
            v1_row("org/m", 55.0, 45.0)
        ),
    );
    vec![v2, v1]
}

#[test]
fn a_model_keeps_its_scores_per_board() {
    let wd = Workdir::new();
    let (g, r) = build_files(&both_boards(&wd));
    let m = node(&g, "org/m");
    let model = &g.models[m as usize];
    // The better v1 evaluation replaced the first one's v1 scores only.
    assert_eq!(model.average(Board::V1), Some(55.0));
    assert_eq!(model.average(Board::V2), Some(20.0));
    assert_eq!(g.scores_on(m, Board::V1).first(), Some(&("ARC", 45.0)));
    assert_eq!(g.scores_on(m, Board::V2).first(), Some(&("IFEval", 30.0)));
    assert!(g
        .scores_on(m, Board::V1)
        .iter()
        .all(|(b, _)| *b != "IFEval"));
    let tuned = &g.models[node(&g, "me/tuned") as usize];
    assert_eq!(
        (tuned.average(Board::V1), tuned.average(Board::V2)),
        (None, Some(24.0))
    );
    // Two models on v2, one on v1: v2 is the default board.
    assert_eq!((g.scored_on(Board::V1), g.scored_on(Board::V2)), (1, 2));
    assert_eq!(g.default_board(), Board::V2);
    assert_eq!(r.scored.get("v1"), Some(&1));
    assert_eq!(r.scored.get("v2"), Some(&2));
}

#[test]
fn build_says_when_both_boards_are_present() {
    let wd = Workdir::new();
    both_boards(&wd);
    let out = wd
        .command(&["build", "v2.csv", "v1.csv", "--out", "g.graph"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "scored on leaderboard v1 (ARC ... GSM8K) 1 unflagged model, v2 (IFEval ... MMLU-PRO) 2 unflagged models"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("both leaderboards are present") && stderr.contains("default v2"),
        "{stderr}"
    );
    // The improvement names its board; --board picks the other.
    let q = |extra: &[&str]| {
        let mut args = vec![
            "query",
            "improvements",
            "--graph",
            "g.graph",
            "--base",
            "org/m",
        ];
        args.extend_from_slice(extra);
        let out = wd.command(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let v2 = q(&[]);
    assert!(
        v2.contains("leaderboard        v2 (IFEval ... MMLU-PRO)"),
        "{v2}"
    );
    assert!(v2.contains("the base, average 20.00"), "{v2}");
    assert!(v2.contains("+20.00%"), "{v2}");
    let v1 = q(&["--board", "v1"]);
    assert!(v1.contains("the base, average 55.00"), "{v1}");
    assert!(v1.contains("0 scored"), "{v1}");
    let bad = wd
        .command(&[
            "query",
            "improvements",
            "--graph",
            "g.graph",
            "--base",
            "org/m",
            "--board",
            "v3",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8(bad.stderr).unwrap();
    assert!(
        !bad.status.success() && err.contains("unknown leaderboard 'v3'"),
        "{err}"
    );
}

fn undated(wd: &Workdir) -> Vec<std::path::PathBuf> {
    let details = wd.write(
        "details.csv",
        format!(
            "{DETAILS_HEADER}\n0,org/dated,org,2024-01-01 10:00:00+00:00,,1,transformers,[],,,\n\
             1,org/undated,org,,,1,transformers,[],,,org/dated\n"
        ),
    );
    let commits = wd.write(
        "commits.csv",
        format!(
            "{COMMITS_HEADER}\n0,org/dated,1,3,2023-12-30 08:00:00+00:00,2024-01-02 09:00:00+00:00,\"['a']\"\n\
             1,org/undated,2,7,2024-04-19 17:30:05+00:00,2024-05-01 00:00:00+00:00,\"['a', 'b']\"\n"
        ),
    );
    vec![details, commits]
}

#[test]
fn first_commits_date_models_the_hub_does_not() {
    let wd = Workdir::new();
    let paths = undated(&wd);
    let (g, r) = build_files(&paths);
    let dated = &g.models[node(&g, "org/dated") as usize];
    let undated = &g.models[node(&g, "org/undated") as usize];
    // A Hub date wins over the first commit; the time of day is kept.
    assert_eq!(
        dated.created.map(|d| d.to_string()).as_deref(),
        Some("2024-01-01")
    );
    assert_eq!(
        dated.created_at.map(|s| s.to_string()).as_deref(),
        Some("2024-01-01 10:00:00")
    );
    assert!(!dated.flags.has(Flags::CREATED_FROM_COMMIT));
    assert_eq!(
        undated.created.map(|d| d.to_string()).as_deref(),
        Some("2024-04-19")
    );
    assert_eq!(
        undated.created_at.map(|s| s.to_string()).as_deref(),
        Some("2024-04-19 17:30:05")
    );
    assert!(undated.flags.has(Flags::CREATED_FROM_COMMIT));
    assert_eq!(r.created_from_commits, 1);
    // The commit history itself is kept: count, first and last day.
    assert_eq!(undated.commits, Some(7));
    assert_eq!(
        undated.first_commit.map(|d| d.to_string()).as_deref(),
        Some("2024-04-19")
    );
    assert_eq!(
        undated.last_commit.map(|d| d.to_string()).as_deref(),
        Some("2024-05-01")
    );
    // Switched off, the model stays undated and nothing is counted.
    let off = BuildOptions {
        commit_dates: false,
        ..Default::default()
    };
    let (g, r) = build_with(&paths, None, off);
    let undated = &g.models[node(&g, "org/undated") as usize];
    assert_eq!((undated.created, r.created_from_commits), (None, 0));
    assert!(!undated.flags.has(Flags::CREATED_FROM_COMMIT));
    assert_eq!(undated.commits, Some(7));
}

#[test]
fn build_counts_commit_dates_and_can_switch_them_off() {
    let wd = Workdir::new();
    undated(&wd);
    let run = |extra: &[&str]| {
        let mut args = vec!["build", "details.csv", "commits.csv", "--out", "g.graph"];
        args.extend_from_slice(extra);
        let out = wd.command(&args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let on = run(&[]);
    assert!(
        on.contains("creation dates from first commits: 1 models without one in any other source"),
        "{on}"
    );
    let off = run(&["--no-commit-dates"]);
    assert!(!off.contains("creation dates from first commits"), "{off}");
}

#[test]
fn real_both_boards_never_mix() {
    let data = |f: &str| shared_data(&format!("openllm-2024/{f}"));
    let (g, r) = build_files(&[
        data("details.csv"),
        data("leaderboard.csv"),
        data("commits.csv"),
        shared_data("openllm-v2-2025/contents.csv"),
    ]);
    let m = &g.models[node(&g, "mistralai/Mistral-7B-v0.1") as usize];
    // Its leaderboard rows: v1 average 60.97, v2 average 14.5626 (its contents.csv row).
    assert!((m.average(Board::V1).unwrap() - 60.97).abs() < 1e-3);
    assert!((m.average(Board::V2).unwrap() - 14.5626).abs() < 1e-3);
    // python (csv module), repos with an average and flagged on neither board: v1 6,170;
    // v2 3,748 ids, of which `gpt2` and `openai-community/gpt2` are one model (aliases.csv).
    assert_eq!(r.scored.get("v1"), Some(&6170));
    assert_eq!(r.scored.get("v2"), Some(&3747));
    assert_eq!(g.default_board(), Board::V1);
}

/// Every analysis takes `board`: on the two-board ecosystem, the top authors' scores are v2's
/// by default (two scored models against one) and v1's when the spec says so, and the chart's
/// note names the board. org/m averages 20 on v2 and 55 on v1 (its better v1 row); me/tuned
/// has only a v2 score, 24.
#[test]
fn every_score_analysis_takes_a_board_and_names_it() {
    let wd = Workdir::new();
    let inputs = both_boards(&wd);
    let mut build = vec!["build".to_string()];
    build.extend(inputs.iter().map(|p| p.display().to_string()));
    build.extend(["-o".into(), "g.graph".into(), "-q".into()]);
    let build: Vec<&str> = build.iter().map(String::as_str).collect();
    wd.command(&build).assert().success();
    let run = |board: Option<&str>| {
        let spec = format!(
            "analysis = \"top-authors\"\n[params]\nbasis = \"owners\"\n{}",
            board.map_or(String::new(), |b| format!("board = \"{b}\"\n"))
        );
        let name = format!("spec-{}.toml", board.unwrap_or("default"));
        wd.write(&name, spec);
        let out = format!("out-{}", board.unwrap_or("default"));
        wd.command(&["run", &name, "-g", "g.graph", "--out", &out, "-q"])
            .assert()
            .success();
        let table = std::fs::read_to_string(wd.join(&format!("{out}/top-authors.csv"))).unwrap();
        let svg = std::fs::read_to_string(wd.join(&format!("{out}/top-authors.svg"))).unwrap();
        let mut rows: Vec<String> = table
            .lines()
            .skip(1)
            .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(","))
            .collect();
        rows.sort();
        (rows, svg)
    };
    let (default, svg) = run(None);
    assert_eq!(default, ["me,1,1,24", "org,1,1,20"]);
    assert!(svg.contains("scores of leaderboard v2 (IFEval ... MMLU-PRO)"));
    let (v1, svg) = run(Some("v1"));
    assert_eq!(v1, ["me,1,0,", "org,1,1,55"]);
    assert!(svg.contains("scores of leaderboard v1 (ARC ... GSM8K)"));
    assert_eq!(run(Some("v2")).0, default);
}
