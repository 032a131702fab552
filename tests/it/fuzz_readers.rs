//! Mutation fuzzing of every reader, run as property tests: each case takes a seed file of
//! the committed corpus (`tests/fuzz/corpus/`, one per text format; the Parquet seed is a
//! snapshot the generator writes), damages it the way real files get damaged (cut short, a
//! stray byte, a list nested thousands deep, random bytes overwritten) and checks what every
//! reader promises:
//!
//! - it never panics, hangs or overflows its stack;
//! - a file cut short is refused, or yields only ids and parents the whole file has;
//! - a byte that is not UTF-8 costs a field (a row issue), never the file;
//! - a nested list cell is reported on its row, and the row is still counted;
//! - whatever it reads adds up: rows = records + rejected rows + repeated rows.
//!
//! `LINEAGE_FUZZ_CASES` sets the cases per reader (default 64, so `cargo test` stays
//! quick); `LINEAGE_FUZZ_SECONDS` instead runs each reader for that long (CI runs the whole
//! target for a bounded time this way, see `.ci/run`).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use lineage::ingest::{self, reason, Input, ModelRecord, RowIssue, Sink};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// What a reader delivered.
#[derive(Default)]
struct Collect {
    records: Vec<ModelRecord>,
    issues: Vec<RowIssue>,
}

impl Sink for Collect {
    fn record(&mut self, record: ModelRecord) {
        self.records.push(record);
    }
    fn issue(&mut self, issue: RowIssue) {
        self.issues.push(issue);
    }
}

struct Read {
    result: Result<ingest::FileSummary, String>,
    sink: Collect,
}

/// Reads `bytes` as the file `name` would be read by `lineage build`.
fn read(name: &str, bytes: &[u8]) -> Read {
    let bytes: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
    let mut sink = Collect::default();
    let result = Input::embedded(name, bytes)
        .map_err(|e| e.to_string())
        .and_then(|input: Input| ingest::read_input(&input, &mut sink).map_err(|e| e.to_string()));
    Read { result, sink }
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus")
}

/// The seed file of the corpus for one reader.
fn seed(file: &str) -> Vec<u8> {
    let path = corpus_dir().join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fuzz corpus file {}: {e}", path.display()))
}

/// Ids, parents and contributors of a whole read: what a cut file may give.
fn names(r: &Read) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for rec in &r.sink.records {
        out.insert(rec.id.clone());
        out.extend(rec.parents.iter().map(|p| p.raw.clone()));
        out.extend(rec.contributors.iter().map(str::to_string));
    }
    out
}

/// How a case damages its seed.
#[derive(Debug, Clone)]
enum Damage {
    /// Cut the file after this many bytes (a fraction of its length, in 1/10,000).
    Cut(u32),
    /// Insert this byte (never valid UTF-8 on its own) at this fraction of the rows.
    StrayByte(u32, u8),
    /// Add a row whose every field is a list nested this deep.
    Nested(usize),
    /// Overwrite bytes at these fractions with these values.
    Overwrite(Vec<(u32, u8)>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        3 => (0u32..10_000).prop_map(Damage::Cut),
        3 => (0u32..10_000, prop_oneof![0x80u8..=0xbf, 0xf8u8..=0xff])
            .prop_map(|(at, b)| Damage::StrayByte(at, b)),
        2 => (100usize..30_000).prop_map(Damage::Nested),
        2 => proptest::collection::vec((0u32..10_000, any::<u8>()), 1..8).prop_map(Damage::Overwrite),
    ]
}

fn at(fraction: u32, len: usize) -> usize {
    (fraction as usize * len) / 10_000
}

/// The damage every file can take, binary or text: the bytes of a cut or overwritten copy.
fn cut_or_overwritten(whole: &[u8], damage: &Damage) -> Vec<u8> {
    match damage {
        Damage::Cut(f) => whole[..at(*f, whole.len())].to_vec(),
        Damage::Overwrite(edits) => {
            let mut v = whole.to_vec();
            for (f, b) in edits {
                let i = at(*f, v.len()).min(v.len() - 1);
                v[i] = *b;
            }
            v
        }
        _ => unreachable!("only cuts and overwrites are made here"),
    }
}

/// A read that succeeds accounts for every row it saw.
fn rows_add_up(got: &Read) -> Result<(), TestCaseError> {
    if let Ok(summary) = &got.result {
        prop_assert_eq!(
            summary.rows,
            summary.records + summary.rows_rejected + summary.duplicates_merged,
            "rows do not add up"
        );
    }
    Ok(())
}

/// A cut file (`len` bytes left) names only what the whole file (`full`) does.
fn only_names_of(got: &Read, full: &BTreeSet<String>, len: usize) -> Result<(), TestCaseError> {
    for name in names(got) {
        prop_assert!(
            full.contains(&name),
            "a file cut after {} bytes gave '{}', which the whole file does not have",
            len,
            name
        );
    }
    Ok(())
}

/// Runs one damaged copy of `file` through its reader and checks the promises.
fn check(file: &str, whole: &[u8], damage: &Damage) -> Result<(), TestCaseError> {
    let header_end = whole.iter().position(|&b| b == b'\n').unwrap() + 1;
    let jsonl = file.ends_with(".jsonl");
    let (bytes, stray_line) = match damage {
        Damage::Cut(_) => (cut_or_overwritten(whole, damage), None),
        Damage::StrayByte(f, b) => {
            // After the header (a header is not a row), before the final line end.
            let body = header_end..whole.len() - 1;
            let pos = if jsonl { 0 } else { body.start } + at(*f, body.len());
            let mut v = whole.to_vec();
            v.insert(pos, *b);
            let line = 1 + whole[..pos].iter().filter(|&&c| c == b'\n').count() as u64;
            (v, Some(line))
        }
        Damage::Nested(depth) => {
            let cell = format!("{}{}", "[".repeat(*depth), "]".repeat(*depth));
            let mut v = whole.to_vec();
            if jsonl {
                v.extend_from_slice(
                    format!("{{\"id\": \"org/deep\", \"tags\": {cell}}}\n").as_bytes(),
                );
            } else {
                let header = std::str::from_utf8(&whole[..header_end]).unwrap();
                let sep = if header.contains(';') { ";" } else { "," };
                let width = header.split(sep).count();
                let row = vec![cell.as_str(); width].join(sep);
                v.extend_from_slice(row.as_bytes());
                v.push(b'\n');
            }
            (v, None)
        }
        Damage::Overwrite(_) => (cut_or_overwritten(whole, damage), None),
    };
    let got = read(file, &bytes);
    rows_add_up(&got)?;
    match damage {
        Damage::Cut(_) => {
            if got.result.is_ok() {
                only_names_of(&got, &names(&read(file, whole)), bytes.len())?;
            }
        }
        Damage::StrayByte(_, b) => {
            let line = stray_line.unwrap();
            match &got.result {
                Err(e) => {
                    return Err(TestCaseError::fail(format!(
                        "a stray byte {b:#x} on line {line} cost the whole file: {e}"
                    )))
                }
                Ok(_) => prop_assert!(
                    got.sink
                        .issues
                        .iter()
                        .any(|i| i.reason == reason::BAD_UTF8 && i.line == line),
                    "the stray byte {:#x} on line {} was not reported",
                    b,
                    line
                ),
            }
        }
        Damage::Nested(_) => {
            let summary = got
                .result
                .as_ref()
                .map_err(|e| TestCaseError::fail(format!("a nested cell cost the file: {e}")))?;
            let rows = read(file, whole).result.unwrap().rows;
            prop_assert_eq!(summary.rows, rows + 1, "the nested row is counted");
            let has_lists = !file.starts_with("leaderboard");
            if has_lists {
                let last = got.sink.issues.iter().map(|i| i.line).max();
                prop_assert!(
                    got.sink.issues.iter().any(|i| i.reason == reason::BAD_LIST
                        || i.reason == reason::BAD_JSON
                        || i.reason == reason::BAD_ID),
                    "the nested cell was not reported (last issue on line {:?})",
                    last
                );
            }
        }
        Damage::Overwrite(_) => {}
    }
    Ok(())
}

/// Runs `check` on damage drawn from `strategy`, for `LINEAGE_FUZZ_CASES` cases (64 by
/// default) or, with `LINEAGE_FUZZ_SECONDS`, for that long; panics with the minimal damage
/// that broke a promise.
fn run_cases(
    file: &str,
    strategy: impl Strategy<Value = Damage>,
    check: impl Fn(Damage) -> Result<(), TestCaseError>,
) {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let budget = env("LINEAGE_FUZZ_SECONDS").map(Duration::from_secs);
    let cases = env("LINEAGE_FUZZ_CASES").unwrap_or(64) as u32;
    let started = Instant::now();
    let mut total = 0u64;
    loop {
        let config = Config {
            cases: if budget.is_some() { 64 } else { cases },
            failure_persistence: None,
            max_shrink_iters: 256,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        match runner.run(&strategy, &check) {
            Ok(()) => {}
            Err(TestError::Fail(why, d)) => panic!("{file}: {why}\nminimal damage: {d:?}"),
            Err(e) => panic!("{file}: {e}"),
        }
        total += 64;
        match budget {
            Some(b) if started.elapsed() < b => continue,
            _ => break,
        }
    }
    if budget.is_some() {
        eprintln!(
            "{file}: about {total} damaged copies in {:.0?}",
            started.elapsed()
        );
    }
}

/// Runs the damage strategy against one reader's seed, for a case count or a time budget.
fn fuzz(file: &str) {
    let whole = seed(file);
    let baseline = read(file, &whole);
    assert!(
        baseline.result.is_ok(),
        "the corpus seed {file} must read: {:?}",
        baseline.result.err()
    );
    run_cases(file, damage(), |d| check(file, &whole, &d));
}

#[test]
fn fuzz_details_reader() {
    fuzz("details.csv");
}

#[test]
fn fuzz_listing_reader() {
    fuzz("listing.csv");
}

#[test]
fn fuzz_leaderboard_v1_reader() {
    fuzz("leaderboard-v1.csv");
}

#[test]
fn fuzz_leaderboard_v2_reader() {
    fuzz("leaderboard-v2.csv");
}

#[test]
fn fuzz_commits_reader() {
    fuzz("commits.csv");
}

#[test]
fn fuzz_hub_api_reader() {
    fuzz("models.jsonl");
}

/// A Hub statistics snapshot made by the generator (a binary file: only cuts and overwritten
/// bytes apply). It must never panic, hang or exhaust memory; what it reads must add up, and
/// a cut file (its footer gone) is refused, never read as a smaller whole.
#[test]
fn fuzz_parquet_reader() {
    let dir = tempfile::tempdir().unwrap();
    let config = lineage::synth::SynthConfig {
        models: 400,
        seed: 5,
    };
    let (path, _) = lineage::synth::write_snapshot(&config, dir.path()).unwrap();
    let whole = std::fs::read(path).unwrap();
    let file = "models.parquet";
    let baseline = read(file, &whole);
    assert!(baseline.result.is_ok(), "{:?}", baseline.result.err());
    let damage = prop_oneof![
        1 => (0u32..10_000).prop_map(Damage::Cut),
        3 => proptest::collection::vec((0u32..10_000, any::<u8>()), 1..8).prop_map(Damage::Overwrite),
    ];
    let check = |d: Damage| {
        let bytes = cut_or_overwritten(&whole, &d);
        let got = read(file, &bytes);
        rows_add_up(&got)?;
        // Every cut loses the footer's closing magic, so no cut file may be read as if whole.
        if matches!(d, Damage::Cut(_)) {
            prop_assert!(
                got.result.is_err(),
                "a file cut after {} bytes was read",
                bytes.len()
            );
        }
        Ok(())
    };
    // One byte that made the crate's page decoder index past its buffer (a panic, before
    // the reader caught it).
    check(Damage::Overwrite(vec![(4186, 12)])).unwrap();
    run_cases(file, damage, check);
}

/// The damaged files that showed the defects once, kept as fixed regression cases.
#[test]
fn fuzz_findings_stay_fixed() {
    let details = seed("details.csv");
    // D2: a cut inside the last field
    let cut = details.len() - 5;
    check(
        "details.csv",
        &details,
        &Damage::Cut((cut * 10_000 / details.len()) as u32 + 1),
    )
    .unwrap();
    // D3: a stray byte in the first rows
    check("details.csv", &details, &Damage::StrayByte(10, 0xff)).unwrap();
    // D1: a list nested 11,000 deep
    check("details.csv", &details, &Damage::Nested(11_000)).unwrap();
    // a stray byte before the first brace of a JSON Lines file made it read as a CSV listing
    let models = seed("models.jsonl");
    check("models.jsonl", &models, &Damage::StrayByte(0, 0x80)).unwrap();
    // a tags list of lists lost its items without a word
    check("models.jsonl", &models, &Damage::Nested(100)).unwrap();
}
