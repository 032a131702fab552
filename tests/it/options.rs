//! Options of the commands that change what they answer, each run through the real binary on
//! a small hand-made ecosystem and compared with answers worked out by hand, so that an
//! option the command ignored would fail its test.

use std::sync::OnceLock;

use serde_json::Value;

use crate::common::Workdir;

// ---- a hand-made ecosystem ----
//
//   o/foo-7b     2024-01-01  avg 50  7.0 B  apache-2.0      by fay
//   a/foo-7b-one 2024-01-11  avg 55  7.0 B  apache-2.0      by ann, bob    (o/foo-7b's child)
//   b/foo-7b-two 2024-01-21  avg 60  7.2 B  my-own-license  by bob, gus    (o/foo-7b's child)
//   c/foo-7b-big 2024-01-31  avg 65  8.0 B  cc-by-nc-4.0    by cat, dan    (o/foo-7b's child)
//   m/mix-one    2024-02-05  avg 70  7.0 B  (none)          by eve  merge of a/foo-7b-one + b/foo-7b-two
//   m/mix-two    2024-02-10  avg 72  7.0 B  (none)          -       merge of m/mix-one + c/foo-7b-big
//
// No model is flagged. Merge depths: m/mix-one 1, m/mix-two 2, every other model 0.
// Author components: {ann, bob, gus} (2 repos), {cat, dan} (1 repo), {eve}, {fay}.

const DETAILS: &str = "\
Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model
0,o/foo-7b,o,2024-01-01 00:00:00+00:00,,,transformers,['license:apache-2.0'],,,
1,a/foo-7b-one,a,2024-01-11 00:00:00+00:00,,,transformers,['license:apache-2.0'],,,o/foo-7b
2,b/foo-7b-two,b,2024-01-21 00:00:00+00:00,,,transformers,['license:my-own-license'],,,o/foo-7b
3,c/foo-7b-big,c,2024-01-31 00:00:00+00:00,,,transformers,['license:cc-by-nc-4.0'],,,o/foo-7b
4,m/mix-one,m,2024-02-05 00:00:00+00:00,,,transformers,[],,,\"['a/foo-7b-one', 'b/foo-7b-two']\"
5,m/mix-two,m,2024-02-10 00:00:00+00:00,,,transformers,[],,,\"['m/mix-one', 'c/foo-7b-big']\"
";

// `Flagged` and `Merged` are inverted in the leaderboard export: `True` means not flagged,
// not merged.
const BOARD: &str = "\
Type;Average \u{2b06}\u{fe0f};#Params (B);Flagged;Merged;model_name_for_query
\u{1f7e2};50.0;7.0;True;True;o/foo-7b
\u{1f536};55.0;7.0;True;True;a/foo-7b-one
\u{1f536};60.0;7.2;True;True;b/foo-7b-two
\u{1f536};65.0;8.0;True;True;c/foo-7b-big
\u{1f91d};70.0;7.0;True;False;m/mix-one
\u{1f91d};72.0;7.0;True;False;m/mix-two
";

const COMMITS: &str = "\
,name,num_of_authors,num_of_commits,first_commit,last_commit,authors
0,o/foo-7b,1,1,,,['fay']
1,a/foo-7b-one,2,2,,,\"['ann', 'bob']\"
2,b/foo-7b-two,2,2,,,\"['bob', 'gus']\"
3,c/foo-7b-big,2,2,,,\"['cat', 'dan']\"
4,m/mix-one,1,1,,,['eve']
";

/// The directory holding the hand-made graph (`eco.graph`), built once per test run.
fn eco() -> &'static Workdir {
    static DIR: OnceLock<Workdir> = OnceLock::new();
    DIR.get_or_init(|| {
        let wd = Workdir::new();
        wd.write("details.csv", DETAILS);
        wd.write("leaderboard.csv", BOARD);
        wd.write("commits.csv", COMMITS);
        wd.command(&[
            "build",
            "details.csv",
            "leaderboard.csv",
            "commits.csv",
            "--out",
            "eco.graph",
            "--quiet",
        ])
        .assert()
        .success();
        wd
    })
}

/// The path of the hand-made graph.
fn graph() -> String {
    eco().join("eco.graph").display().to_string()
}

/// Runs `lineage ARGS` from a fresh directory and returns stdout, failing on a non-zero exit.
fn run(wd: &Workdir, args: &[&str]) -> String {
    let out = wd.command(args).output().expect("lineage runs");
    assert!(
        out.status.success(),
        "lineage {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

/// `lineage query ARGS --graph eco.graph`.
fn query(args: &[&str]) -> String {
    let g = graph();
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.extend(["--graph", &g]);
    run(&Workdir::new(), &all)
}

/// `lineage query ARGS --graph eco.graph --format json`, parsed.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&query(&all)).expect("output is JSON")
}

/// The lines of `text` that start with `prefix`.
fn lines_starting<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// `(model, improvement_pct, normalized)` of each frontier step of an improvements answer
/// (`normalized` is null when the divisor is undefined: ln 1 for one scored member).
fn frontier(imp: &Value) -> Vec<(String, f64, Option<f64>)> {
    imp["frontier"]
        .as_array()
        .expect("a frontier array")
        .iter()
        .map(|s| {
            (
                s["model"].as_str().expect("a model id").to_string(),
                s["improvement_pct"].as_f64().expect("a percentage"),
                s["normalized"].as_f64(),
            )
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

/// `--chains N` spells out the first N of the listed merge chains, stopping at the first
/// listed model that is no merge. Top models: m/mix-two (depth 2), m/mix-one (depth 1), then
/// depth 0. So the default (3) spells out two chains, `--chains 1` one, `--chains 0` none.
#[test]
fn merge_depth_chains_spells_out_that_many_chains() {
    let spelled = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["merge-depth"];
        args.extend_from_slice(extra);
        let table = query(&args);
        lines_starting(&table, "#")
            .into_iter()
            .filter(|l| l.ends_with("each model a merge of the one above:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        spelled(&[]),
        [
            "#1 m/mix-two, each model a merge of the one above:",
            "#2 m/mix-one, each model a merge of the one above:"
        ]
    );
    assert_eq!(
        spelled(&["--chains", "1"]),
        ["#1 m/mix-two, each model a merge of the one above:"]
    );
    assert!(spelled(&["--chains", "0"]).is_empty());

    // The chain under #1: the longest run of merge edges ending at m/mix-two is
    // a/foo-7b-one or b/foo-7b-two -> m/mix-one -> m/mix-two (c/foo-7b-big -> m/mix-two is
    // one edge only), indented by depth.
    let table = query(&["merge-depth", "--chains", "1"]);
    let lines: Vec<&str> = table.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("#1 m/mix-two"))
        .expect("chain #1 is spelled out");
    assert!(
        ["  0  a/foo-7b-one", "  0  b/foo-7b-two"].contains(&lines[at + 1]),
        "{table}"
    );
    assert_eq!(lines[at + 2..at + 4], ["  1  m/mix-one", "  2  m/mix-two"]);
}

/// `--components N` lists the N largest author components: {ann, bob, gus} (3 authors, 2
/// repos), {cat, dan} (2 authors, 1 repo), then the singletons {eve} and {fay}. The table
/// stops at the first singleton; the JSON lists exactly N.
#[test]
fn authors_components_lists_that_many_components() {
    let listed = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["authors"];
        args.extend_from_slice(extra);
        lines_starting(&query(&args), "component #")
            .into_iter()
            .map(|l| l.split(": ").take(2).collect::<Vec<_>>().join(": "))
            .collect()
    };
    let first = "component #1: 3 authors, 2 repos";
    let second = "component #2: 2 authors, 1 repo";
    assert_eq!(listed(&[]), [first, second]);
    assert_eq!(listed(&["--components", "1"]), [first]);
    assert!(listed(&["--components", "0"]).is_empty());

    // The members, each with the repos they committed to: bob two, ann and gus one.
    let table = query(&["authors", "--components", "1"]);
    let line = lines_starting(&table, "component #1")[0];
    let mut members: Vec<&str> = line
        .split_once("repos: ")
        .expect("members after the counts")
        .1
        .split(", ")
        .collect();
    members.sort_unstable();
    assert_eq!(members, ["ann (1)", "bob (2)", "gus (1)"]);

    let sizes = |extra: &[&str]| -> Vec<(u64, u64)> {
        let mut args = vec!["authors"];
        args.extend_from_slice(extra);
        json(&args)["largest"]
            .as_array()
            .expect("a list of components")
            .iter()
            .map(|c| {
                (
                    c["size"].as_u64().expect("a size"),
                    c["repos"].as_u64().expect("a repo count"),
                )
            })
            .collect()
    };
    assert_eq!(sizes(&[]), [(3, 2), (2, 1), (1, 1)]);
    assert_eq!(sizes(&["--components", "2"]), [(3, 2), (2, 1)]);
    assert!(sizes(&["--components", "0"]).is_empty());
}

/// `query licenses --licenses FILE` replaces the built-in permissions table. Declared licenses:
/// apache-2.0 twice (o/foo-7b, a/foo-7b-one), none twice (the two merges), my-own-license and
/// cc-by-nc-4.0 once each; six models, so shares of 2/6 and 1/6, most models first, then by
/// name. Built in, my-own-license is unknown; the file below makes it permissive with
/// personal use not allowed, and leaves apache-2.0 and cc-by-nc-4.0 out (so unknown).
#[test]
fn licenses_file_replaces_the_builtin_permissions() {
    let head = "license,models,share,class,commercial,academic,personal,note\n";
    assert_eq!(
        query(&["licenses", "--format", "csv"]),
        format!(
            "{head}(none),2,0.3333,unknown,unknown,unknown,unknown,\n\
             apache-2.0,2,0.3333,permissive,yes,yes,yes,\n\
             cc-by-nc-4.0,1,0.1667,non-commercial,no,yes,yes,\n\
             my-own-license,1,0.1667,unknown,unknown,unknown,unknown,\n"
        )
    );

    let wd = Workdir::new();
    let file = wd.write(
        "mine.csv",
        "# ours\nlicense,class,commercial,academic,personal,note\n\
         my-own-license,permissive,yes,yes,no,written for this test\n",
    );
    let file = file.display().to_string();
    assert_eq!(
        query(&["licenses", "--licenses", &file, "--format", "csv"]),
        format!(
            "{head}(none),2,0.3333,unknown,unknown,unknown,unknown,\n\
             apache-2.0,2,0.3333,unknown,unknown,unknown,unknown,\n\
             cc-by-nc-4.0,1,0.1667,unknown,unknown,unknown,unknown,\n\
             my-own-license,1,0.1667,permissive,yes,yes,no,written for this test\n"
        )
    );

    // Models by permission (yes, conditional, no, unknown). Built in: commercial use yes
    // for the two apache-2.0 models, no for the cc-by-nc-4.0 one; academic and personal use
    // yes for those three; the other three unknown. With the file: only my-own-license is
    // known, yes for commercial and academic use, no for personal use.
    let permission = |extra: &[&str]| -> Value {
        let mut args = vec!["licenses"];
        args.extend_from_slice(extra);
        json(&args)["models_by_permission"]["rows"].clone()
    };
    assert_eq!(
        permission(&[]),
        serde_json::json!([
            ["commercial", 2, 0, 1, 3],
            ["academic", 3, 0, 0, 3],
            ["personal", 3, 0, 0, 3]
        ])
    );
    assert_eq!(
        permission(&["--licenses", &file]),
        serde_json::json!([
            ["commercial", 1, 0, 0, 5],
            ["academic", 1, 0, 0, 5],
            ["personal", 0, 0, 1, 5]
        ])
    );
}

/// `query license-drift --rules FILE` replaces the built-in rules, and `--licenses FILE` the
/// classes they are matched on. The seven edges, with their classes built in:
///   o/foo-7b -> a/foo-7b-one    permissive -> permissive      ok (permissive,*)
///   o/foo-7b -> b/foo-7b-two    permissive -> unknown         unverifiable (*,unknown)
///   o/foo-7b -> c/foo-7b-big    permissive -> non-commercial  ok (permissive,*)
///   a/foo-7b-one -> m/mix-one   permissive -> unknown         unverifiable (*,unknown)
///   b/foo-7b-two -> m/mix-one   unknown -> unknown            ok (unknown,unknown)
///   m/mix-one -> m/mix-two      unknown -> unknown            ok
///   c/foo-7b-big -> m/mix-two   non-commercial -> unknown     unverifiable (*,unknown)
#[test]
fn license_drift_rules_and_licenses_files_replace_the_builtin_ones() {
    let g = graph();
    let wd = Workdir::new();
    let drift = |extra: &[&str]| -> (String, Value) {
        let mut args = vec!["query", "license-drift", "--graph", &g];
        args.extend_from_slice(extra);
        let mut csv = args.clone();
        csv.extend(["--format", "csv"]);
        let mut json = args.clone();
        json.extend(["--format", "json"]);
        let v: Value = serde_json::from_str(&run(&wd, &json)).expect("JSON");
        let counts =
            serde_json::json!([v["checked"], v["ok"], v["incompatible"], v["unverifiable"]]);
        (run(&wd, &csv), counts)
    };
    let head = "base_license,derivative_license,verdict,edges,rationale\n";
    let unknown_derivative = "The derivative declares no known licence under a base with known \
                              terms: its users cannot tell what they may do";

    let (pairs, counts) = drift(&[]);
    let mut rows: Vec<&str> = pairs.lines().skip(1).collect();
    rows.sort_unstable();
    assert!(pairs.starts_with(head), "{pairs}");
    assert_eq!(
        rows,
        [
            format!("apache-2.0,(none),unverifiable,1,{unknown_derivative}"),
            format!("apache-2.0,my-own-license,unverifiable,1,{unknown_derivative}"),
            format!("cc-by-nc-4.0,(none),unverifiable,1,{unknown_derivative}"),
        ]
    );
    assert_eq!(counts, serde_json::json!([7, 4, 0, 3]));

    // One rule: permissive under non-commercial is incompatible; no rule matches the other
    // six edges, so they are ok.
    let rules = wd.write(
        "rules.csv",
        "base,derivative,verdict,rationale\n\
         permissive,non-commercial,incompatible,written for this test\n",
    );
    let rules = rules.display().to_string();
    let (pairs, counts) = drift(&["--rules", &rules]);
    assert_eq!(
        pairs,
        format!("{head}apache-2.0,cc-by-nc-4.0,incompatible,1,written for this test\n")
    );
    assert_eq!(counts, serde_json::json!([7, 6, 1, 0]));

    // The built-in rules over other classes: my-own-license permissive, apache-2.0 and
    // cc-by-nc-4.0 unknown.
    //   o -> a      unknown -> unknown         ok
    //   o -> b      unknown -> permissive      unverifiable (unknown,*)
    //   o -> c      unknown -> unknown         ok
    //   a -> mix    unknown -> unknown         ok
    //   b -> mix    permissive -> unknown      unverifiable (*,unknown)
    //   mix -> mix  unknown -> unknown         ok
    //   c -> mix    unknown -> unknown         ok
    let licenses = wd.write(
        "mine.csv",
        "license,class,commercial,academic,personal,note\n\
         my-own-license,permissive,yes,yes,yes,\n",
    );
    let licenses = licenses.display().to_string();
    let (pairs, counts) = drift(&["--licenses", &licenses]);
    let mut rows: Vec<&str> = pairs.lines().skip(1).collect();
    rows.sort_unstable();
    assert_eq!(
        rows,
        [
            "apache-2.0,my-own-license,unverifiable,1,The base's licence is unknown: the \
             derivative's licence cannot be checked against it"
                .to_string(),
            format!("my-own-license,(none),unverifiable,1,{unknown_derivative}"),
        ]
    );
    assert_eq!(counts, serde_json::json!([7, 5, 0, 2]));
}

/// `--match name` with `--params` / `--params-range`: the family is every model whose name
/// holds `foo7b` (the base's name up to its size) with a parameter count in
/// [params, params + range]; merges are left out. As the papers' code does, the base is a
/// member like any other when its name and size match, and the reference is the earliest dated
/// member (the first record, 0 points). Improvements are over the base's 50.
///   default (the base's 7.0 B, range 0): o/foo-7b (7.0), a/foo-7b-one (7.0)   -> 0, +10 %
///   --params 7 --params-range 0.5:        o, a, b/foo-7b-two (7.2)            -> 0, +10 %, +20 %
///   --params 8:                           c/foo-7b-big (8.0) alone, its own reference -> 0
///   --params 7 --params-range 1:          o, a, b, c                           -> 0, 10, 20, 30
#[test]
fn name_match_params_and_range_choose_the_family() {
    let by_name = |extra: &[&str]| -> (u64, Vec<(String, f64)>, f64) {
        let mut args = vec!["improvements", "--base", "o/foo-7b", "--match", "name"];
        args.extend_from_slice(extra);
        let v = json(&args);
        assert_eq!(v["pattern"], "foo7b");
        let steps = frontier(&v).into_iter().map(|(m, p, _)| (m, p)).collect();
        (
            v["family_size"].as_u64().expect("a family size"),
            steps,
            v["total_improvement_pct"].as_f64().expect("a total"),
        )
    };
    let check = |got: (u64, Vec<(String, f64)>, f64), size: u64, steps: &[(&str, f64)]| {
        assert_eq!(got.0, size, "{got:?}");
        assert_eq!(got.1.len(), steps.len(), "{got:?}");
        for ((m, p), (want_m, want_p)) in got.1.iter().zip(steps) {
            assert_eq!(m, want_m);
            assert!(close(*p, *want_p), "{got:?}");
        }
        assert!(close(got.2, steps[steps.len() - 1].1), "{got:?}");
    };
    check(
        by_name(&[]),
        2,
        &[("o/foo-7b", 0.0), ("a/foo-7b-one", 10.0)],
    );
    check(
        by_name(&["--params", "7", "--params-range", "0.5"]),
        3,
        &[
            ("o/foo-7b", 0.0),
            ("a/foo-7b-one", 10.0),
            ("b/foo-7b-two", 20.0),
        ],
    );
    check(by_name(&["--params", "8"]), 1, &[("c/foo-7b-big", 0.0)]);
    // A range reaching 8.0 takes all four.
    check(
        by_name(&["--params", "7", "--params-range", "1"]),
        4,
        &[
            ("o/foo-7b", 0.0),
            ("a/foo-7b-one", 10.0),
            ("b/foo-7b-two", 20.0),
            ("c/foo-7b-big", 30.0),
        ],
    );
    let table = query(&[
        "improvements",
        "--base",
        "o/foo-7b",
        "--match",
        "name",
        "--params",
        "7",
        "--params-range",
        "0.5",
    ]);
    assert!(
        table.contains("3 names matching 'foo7b' with 7-7.5 B parameters"),
        "{table}"
    );
}

/// `--normalize`: the lineage family of o/foo-7b without merges is a, b, c (3 scored), each
/// a record: +10 %, +20 %, +30 %. Normalised: none leaves them as they are, count divides by
/// 3, log (the default) by ln 3.
#[test]
fn normalize_none_count_and_log_divide_as_documented() {
    let normalized = |extra: &[&str]| -> Vec<f64> {
        let mut args = vec!["improvements", "--base", "o/foo-7b"];
        args.extend_from_slice(extra);
        let steps = frontier(&json(&args));
        let models: Vec<&str> = steps.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(models, ["a/foo-7b-one", "b/foo-7b-two", "c/foo-7b-big"]);
        for (s, pct) in steps.iter().zip([10.0, 20.0, 30.0]) {
            assert!(close(s.1, pct), "{steps:?}");
        }
        steps
            .iter()
            .map(|s| s.2.expect("a normalised value"))
            .collect()
    };
    let all_close = |got: Vec<f64>, want: [f64; 3]| {
        assert!(
            got.iter().zip(want).all(|(g, w)| close(*g, w)),
            "{got:?} != {want:?}"
        );
    };
    all_close(normalized(&["--normalize", "none"]), [10.0, 20.0, 30.0]);
    all_close(
        normalized(&["--normalize", "count"]),
        [10.0 / 3.0, 20.0 / 3.0, 10.0],
    );
    let ln3 = 3f64.ln();
    all_close(normalized(&[]), [10.0 / ln3, 20.0 / ln3, 30.0 / ln3]);
    all_close(
        normalized(&["--normalize", "log"]),
        [10.0 / ln3, 20.0 / ln3, 30.0 / ln3],
    );
}

/// What `normalized` divides is named: percent of the reference with the lineage method,
/// points with the name method (the papers divide points), and each step's value is that
/// measure over `normalize_divisor`.
#[test]
fn the_normalised_value_names_what_it_divides() {
    for (args, unit, measure) in [
        (
            vec!["improvements", "--base", "o/foo-7b"],
            "percent",
            "improvement_pct",
        ),
        (
            vec![
                "improvements",
                "--base",
                "o/foo-7b",
                "--match",
                "name",
                "--params",
                "7",
                "--params-range",
                "1",
            ],
            "points",
            "improvement_points",
        ),
    ] {
        let v = json(&args);
        assert_eq!(v["normalized_unit"], unit, "{v}");
        let d = v["normalize_divisor"].as_f64().expect("a divisor");
        let steps = v["frontier"].as_array().expect("a frontier");
        assert!(steps.len() > 1, "{v}");
        for s in steps {
            let want = s[measure].as_f64().expect("the measure") / d;
            let got = s["normalized"].as_f64().expect("a normalised value");
            assert!((got - want).abs() < 1e-3, "{unit}: {got} != {want} in {s}");
        }
    }
}

/// `report --spec FILE` runs that spec set instead of the built-in papers' set (17
/// analyses). The set below holds one analysis, derivative counts with the top 2.
#[test]
fn report_spec_runs_the_given_set_only() {
    let wd = Workdir::new();
    wd.write(
        "set.toml",
        "title = \"One figure\"\nspecs = [\"counts.toml\"]\n",
    );
    wd.write(
        "counts.toml",
        "analysis = \"derivative-counts\"\n[params]\ntop = 2\n",
    );
    let g = graph();
    run(
        &wd,
        &[
            "report", "--spec", "set.toml", "--graph", &g, "--out", "out", "--quiet",
        ],
    );
    let out = crate::common::entries(&wd.join("out"));
    assert_eq!(
        out,
        [
            "derivative-counts.csv",
            "derivative-counts.png",
            "derivative-counts.svg",
            "index.html",
            "index.json"
        ]
    );
    // o/foo-7b's descendants: a, b, c (unspecified edges) and the two merges; a/foo-7b-one's
    // (ahead of b/foo-7b-two, which ties with it, by name): the two merges.
    let csv = std::fs::read_to_string(wd.join("out/derivative-counts.csv")).expect("the CSV");
    assert_eq!(
        csv,
        "model,direct,descendants,made by finetune,made by adapter,made by quantized,made by \
         merge,made by unspecified,stub\n\
         o/foo-7b,3,5,0,0,0,2,3,no\n\
         a/foo-7b-one,1,2,0,0,0,2,0,no\n"
    );
    let html = std::fs::read_to_string(wd.join("out/index.html")).expect("the index");
    assert!(html.contains("One figure"), "the set's title is the page's");
}

/// `build --examples N` shows N example references per problem in the summary on stderr.
/// Four rows name a base by free text, which resolves to no model: four unresolved
/// references, at lines 2 to 5. The default shows three.
#[test]
fn build_examples_shows_that_many_examples_per_problem() {
    let wd = Workdir::new();
    wd.write(
        "details.csv",
        "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
         0,u/one,u,2024-01-01,,,,[],,,vague one\n\
         1,u/two,u,2024-01-02,,,,[],,,vague two\n\
         2,u/three,u,2024-01-03,,,,[],,,vague three\n\
         3,u/four,u,2024-01-04,,,,[],,,vague four\n",
    );
    let examples = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["build", "details.csv", "--out", "g.graph"];
        args.extend_from_slice(extra);
        let out = wd.command(&args).output().expect("lineage runs");
        assert!(out.status.success(), "{out:?}");
        let stderr = String::from_utf8(out.stderr).expect("UTF-8");
        let lines: Vec<&str> = stderr.lines().collect();
        let at = lines
            .iter()
            .position(|l| *l == "unresolved references: 4")
            .unwrap_or_else(|| panic!("no count of unresolved references in {stderr}"));
        lines[at + 1..]
            .iter()
            .take_while(|l| l.starts_with("  "))
            .map(|l| l.trim().to_string())
            .collect()
    };
    let line = |n: u32, value: &str, child: &str| {
        format!("details.csv:{n}: base_model '{value}' (in {child})")
    };
    let all = [
        line(2, "vague one", "u/one"),
        line(3, "vague two", "u/two"),
        line(4, "vague three", "u/three"),
        line(5, "vague four", "u/four"),
    ];
    assert_eq!(examples(&[]), all[..3]);
    assert_eq!(examples(&["--examples", "1"]), all[..1]);
    assert_eq!(examples(&["--examples", "4"]), all);
    assert!(examples(&["--examples", "0"]).is_empty());
}
