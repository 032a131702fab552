//! `lineage fetch` against a stand-in Hub on 127.0.0.1 (see `fetch/hub.rs`): listings
//! complete and without duplicates, faults retried a bounded number of times, resuming
//! after a kill, the token sent and never printed, snapshots byte-identical and verified.
//! Every run of the binary has a time limit, and every server a request cap.

mod hub;

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Workdir;
use hub::{ecosystem, Data, Fault, Hub, RepoFile, Rule};

const TOKEN: &str = "hf_TestTokenDoNotLeak_4f7a9c21";

/// `lineage fetch ...` against `hub`, with fast backoff, no token and a time limit.
fn fetch(wd: &Workdir, hub: &Hub, args: &[&str]) -> assert_cmd::Command {
    let mut all = vec!["fetch"];
    all.extend_from_slice(args);
    let mut cmd = wd.command(&all);
    cmd.env("HF_ENDPOINT", &hub.origin)
        .env_remove("HF_TOKEN")
        .env("LINEAGE_FETCH_BACKOFF_MS", "5")
        .timeout(Duration::from_secs(90));
    cmd
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect()
}

fn ids(models: &[Value]) -> Vec<String> {
    models
        .iter()
        .map(|m| m["id"].as_str().expect("an id").to_string())
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn listing_follows_link_pages_complete_without_duplicates() {
    let (data, fixtures) = ecosystem(2500);
    let hub = Hub::start(data, 100);
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["models", "-o", "f.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let models = read_jsonl(&wd.join("f.jsonl"));
    let got = ids(&models);
    let want: Vec<String> = fixtures.iter().map(|f| f.id.clone()).collect();
    assert_eq!(got, want, "every model once, in listing order");
    // 2,500 models at 1,000 a page: three pages, linked by the Link header.
    let pages = hub.listing_requests();
    assert_eq!(pages.len(), 3);
    assert!(pages[1].query.contains("cursor=") && pages[2].query.contains("cursor="));
    for p in &pages {
        let query = percent_encoding::percent_decode_str(&p.query).decode_utf8_lossy();
        for field in lineage::fetch::models::EXPAND {
            assert!(query.contains(&format!("expand[]={field}")), "{query}");
        }
    }
    // The Hub returns only what was asked for.
    assert!(models
        .iter()
        .all(|m| m.get("siblings").is_none() && m.get("cardData").is_some()));
    assert!(
        !wd.join("f.jsonl.checkpoint").exists(),
        "the checkpoint is removed at the end"
    );
    assert!(
        stderr(&out).contains("fetched 2500 models"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_kind_of_fault_is_retried_and_counted() {
    let (data, fixtures) = ecosystem(1200);
    let hub = Hub::start(data, 10_000);
    // Faults spread over the four listing pages (a page is told by its cursor) and over
    // commit histories, so that no single request runs out of retries.
    let first = "/api/models?limit=300";
    let page = |n: usize| format!("cursor={}", hub::make_cursor(300 * n));
    let plan: Vec<(String, Vec<Fault>)> = vec![
        (
            first.to_string(),
            vec![
                Fault::Status(429, vec![("Retry-After", "1".into())]),
                Fault::Status(500, vec![]),
            ],
        ),
        (
            page(1),
            vec![Fault::Status(502, vec![]), Fault::Status(503, vec![])],
        ),
        (page(2), vec![Fault::Truncate, Fault::HalfHtml]),
        (
            page(3),
            vec![
                Fault::DropMidBody,
                Fault::DropBeforeResponse,
                Fault::Slow(Duration::from_millis(400)),
            ],
        ),
    ];
    for (matches, faults) in plan {
        for (i, f) in faults.into_iter().enumerate() {
            hub.fault(Rule::new(&matches, i, 1, f));
        }
    }
    for (i, f) in [
        Fault::Status(503, vec![]),
        Fault::Truncate,
        Fault::DropBeforeResponse,
    ]
    .into_iter()
    .enumerate()
    {
        hub.fault(Rule::new("/commits/main", 100 + i, 1, f));
    }
    let wd = Workdir::new();
    let started = Instant::now();
    let out = fetch(
        &wd,
        &hub,
        &["models", "--commits", "--page-size", "300", "-o", "f.jsonl"],
    )
    .output()
    .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let models = read_jsonl(&wd.join("f.jsonl"));
    assert_eq!(
        ids(&models),
        fixtures.iter().map(|f| f.id.clone()).collect::<Vec<_>>()
    );
    assert!(
        err.contains(
            "retries: 11 (429: 1, 5xx: 4, broken bodies: 3, malformed bodies: 1, connections: 2)"
        ),
        "{err}"
    );
    // The 429 was waited out as Retry-After said, before the next listing request.
    let log = hub.listing_requests();
    let limited = log
        .iter()
        .position(|l| l.status == 429)
        .expect("a 429 was served");
    let waited = log[limited + 1].at - log[limited].at;
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(
        err.contains("HTTP 429 Too Many Requests (the server asks to wait 1 s)"),
        "{err}"
    );
    // 4 pages + 8 failed attempts; 1,200 histories + 2 extra pages of the long one + 3.
    assert_eq!(log.len(), 4 + 8);
    assert_eq!(hub.count("/api/models/"), 1200 + 2 + 3);
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn an_exhausted_rate_limit_window_pauses_before_the_next_request() {
    let (data, _) = ecosystem(600);
    let hub = Hub::start(data, 100);
    // A successful page that says no requests are left for 1 s.
    hub.fault(Rule::new(
        "/api/models?limit=",
        0,
        1,
        Fault::Headers(vec![("RateLimit", "\"api\";r=0;t=1".into())]),
    ));
    let wd = Workdir::new();
    let out = fetch(
        &wd,
        &hub,
        &["models", "--page-size", "300", "-o", "f.jsonl"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = hub.listing_requests();
    assert_eq!(log.len(), 2, "no request was refused");
    assert!(log.iter().all(|l| l.status == 200));
    let gap = log[1].at - log[0].at;
    assert!(gap >= Duration::from_millis(950), "paused {gap:?}");
}

#[test]
fn commit_authors_are_read_as_contributors() {
    let lines = concat!(
        r#"{"id":"org/a","author":"org","commitAuthors":["alice","bob","alice"],"commitCount":3}"#,
        "\n",
        r#"{"id":"org/b","author":"org","commitAuthors":["carol",7]}"#,
        "\n",
        r#"{"id":"org/c","author":"org","commitAuthors":"dave"}"#,
        "\n",
    );
    let (g, report) = crate::common::build_bytes("f.jsonl", lines.as_bytes()).unwrap();
    let names = |id: &str| -> Vec<String> {
        let v = crate::common::node(&g, id);
        g.contributors
            .row(v)
            .iter()
            .map(|&a| g.author_name(a).unwrap().to_string())
            .collect()
    };
    assert_eq!(names("org/a"), ["alice", "bob"]);
    assert_eq!(names("org/b"), ["carol"]);
    assert!(names("org/c").is_empty());
    let bad = &report.rejected["unparsable list"];
    assert_eq!(bad.count, 2, "{:?}", bad.rows);
    assert!(bad.rows.iter().all(|r| r.field == "commitAuthors"));
    assert_eq!(report.models, 3);
}

#[test]
fn gives_up_after_the_retries_naming_the_url() {
    let (data, _) = ecosystem(50);
    let hub = Hub::start(data, 100);
    hub.fault(Rule::new(
        "/api/models?",
        0,
        1000,
        Fault::Status(503, vec![]),
    ));
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["models", "--retries", "3", "-o", "f.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("gave up after 4 attempts; last: HTTP 503 Service Unavailable"),
        "{err}"
    );
    assert!(
        err.contains(&format!("GET {}/api/models?limit=1000", hub.origin)),
        "{err}"
    );
    assert!(err.contains("run the same command again"), "{err}");
    assert_eq!(hub.listing_requests().len(), 4);
    assert!(
        !wd.join("f.jsonl").exists(),
        "no output from a failed fetch"
    );
}

#[test]
fn a_refused_history_is_reported_and_the_model_kept() {
    let (mut data, _) = ecosystem(30);
    let gone = data.models[5]["id"].as_str().unwrap().to_string();
    data.commits.remove(&gone);
    let hub = Hub::start(data, 200);
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["models", "--commits", "-o", "f.jsonl"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("warning: {gone}: no commit history (HTTP 404")),
        "{err}"
    );
    let models = read_jsonl(&wd.join("f.jsonl"));
    assert_eq!(models.len(), 30);
    let m = models.iter().find(|m| m["id"] == gone.as_str()).unwrap();
    assert!(m.get("commitAuthors").is_none());
}

#[test]
fn token_is_sent_and_never_printed_or_written() {
    let (mut data, _) = ecosystem(300);
    let bytes = parquet_like(300_000);
    data.files.insert(
        "cfahlgren1/hub-stats/models.parquet".into(),
        RepoFile {
            bytes,
            lfs: true,
            wrong_sha256: None,
        },
    );
    let hub = Hub::start(data, 2000);
    // Fail the crawl part way so that a checkpoint is left to inspect.
    hub.fault(Rule::new(
        "/commits/main",
        150,
        5,
        Fault::Status(500, vec![]),
    ));
    let wd = Workdir::new();
    let failed = fetch(
        &wd,
        &hub,
        &["models", "--commits", "--retries", "1", "-o", "f.jsonl"],
    )
    .env("HF_TOKEN", TOKEN)
    .output()
    .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    let checkpoint = std::fs::read_to_string(wd.join("f.jsonl.checkpoint")).unwrap();
    assert!(checkpoint.contains("\"kind\":\"commits\""));
    let done = fetch(&wd, &hub, &["models", "--commits", "-o", "f.jsonl"])
        .env("HF_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stderr(&done).contains("resumed from the checkpoint"));
    let snap = fetch(&wd, &hub, &["snapshot", "-o", "models.parquet"])
        .env("HF_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(snap.status.success(), "{}", stderr(&snap));
    for out in [&failed, &done, &snap] {
        assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
        assert!(!stderr(out).contains(TOKEN));
        assert!(!stderr(out).contains("hf_TestToken"));
    }
    assert!(!checkpoint.contains(TOKEN));
    for entry in std::fs::read_dir(wd.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(TOKEN));
    }
    // Every request to the Hub carried it; none to the storage server it redirects to.
    let bearer = format!("Bearer {TOKEN}");
    let log = hub.log();
    assert!(!log.is_empty());
    assert!(log
        .iter()
        .all(|l| l.authorization.as_deref() == Some(bearer.as_str())));
    let storage = hub.storage().log();
    assert!(!storage.is_empty());
    assert!(storage.iter().all(|l| l.authorization.is_none()));
}

/// Polls `path` until `ready` says its contents are far enough along.
fn wait_for(path: &Path, limit: Duration, ready: impl Fn(&str) -> bool) {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            if ready(&text) {
                return;
            }
        }
        assert!(
            start.elapsed() < limit,
            "{} did not get far enough in {limit:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The complete lines of a checkpoint (a kill may cut off the last one).
fn complete_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs the real binary in the background, kills it (SIGKILL) once `ready` holds for the
/// checkpoint, and returns the checkpoint's complete lines at that moment.
fn kill_when(wd: &Workdir, hub: &Hub, args: &[&str], ready: impl Fn(&str) -> bool) -> Vec<Value> {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lineage"))
        .current_dir(wd.path())
        .arg("fetch")
        .args(args)
        .env("HF_ENDPOINT", &hub.origin)
        .env_remove("HF_TOKEN")
        .env("LINEAGE_FETCH_BACKOFF_MS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let checkpoint = wd.join("f.jsonl.checkpoint");
    wait_for(&checkpoint, Duration::from_secs(60), ready);
    child.kill().unwrap();
    child.wait().unwrap();
    // Let the server log what was in flight at the kill before anyone clears its log.
    std::thread::sleep(Duration::from_millis(300));
    assert!(!wd.join("f.jsonl").exists(), "killed before the end");
    complete_lines(&checkpoint)
}

#[test]
fn resumes_the_listing_after_a_kill() {
    let (data, fixtures) = ecosystem(3000);
    let hub = Hub::start(data, 1000);
    hub.set_delay(Duration::from_millis(60));
    let wd = Workdir::new();
    let args = ["models", "--page-size", "100", "-o", "f.jsonl"];
    let before = kill_when(&wd, &hub, &args, |t| {
        t.matches("\"kind\":\"page\"").count() >= 5
    });
    let pages_done = before.iter().filter(|e| e["kind"] == "page").count();
    assert!(pages_done < 30);
    hub.clear_log();
    hub.set_delay(Duration::ZERO);
    let out = fetch(&wd, &hub, &args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("resumed from the checkpoint"));
    let got = ids(&read_jsonl(&wd.join("f.jsonl")));
    assert_eq!(
        got,
        fixtures.iter().map(|f| f.id.clone()).collect::<Vec<_>>()
    );
    // The second run read only the pages the first had not finished.
    assert_eq!(hub.listing_requests().len(), 30 - pages_done);
}

#[test]
fn resumes_commit_histories_after_a_kill() {
    let (data, fixtures) = ecosystem(800);
    let hub = Hub::start(data, 10_000);
    hub.set_delay(Duration::from_millis(5));
    let wd = Workdir::new();
    let args = ["models", "--commits", "-o", "f.jsonl"];
    let before = kill_when(&wd, &hub, &args, |t| {
        t.matches("\"kind\":\"commits\"").count() >= 150
    });
    let done: HashSet<String> = before
        .iter()
        .filter(|e| e["kind"] == "commits")
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        done.len() >= 150 && done.len() < fixtures.len(),
        "{}",
        done.len()
    );
    hub.clear_log();
    hub.set_delay(Duration::ZERO);
    let out = fetch(&wd, &hub, &args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let models = read_jsonl(&wd.join("f.jsonl"));
    assert_eq!(
        ids(&models),
        fixtures.iter().map(|f| f.id.clone()).collect::<Vec<_>>()
    );
    for (m, f) in models.iter().zip(&fixtures) {
        let authors: Vec<&str> = m["commitAuthors"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has commit authors", f.id))
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(authors, f.authors, "{}", f.id);
    }
    // Histories already recorded were not read again.
    let again: HashSet<String> = hub
        .log()
        .iter()
        .filter_map(|l| {
            l.path
                .strip_prefix("/api/models/")?
                .strip_suffix("/commits/main")
                .map(str::to_string)
        })
        .collect();
    assert!(again.is_disjoint(&done));
    assert_eq!(again.len(), fixtures.len() - done.len());
}

#[test]
fn fetched_models_build_into_the_graph_with_contributors() {
    let (data, fixtures) = ecosystem(600);
    let hub = Hub::start(data, 2000);
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["models", "--commits", "-o", "f.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let build = wd
        .command(&["build", "f.jsonl", "-o", "g.graph"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", stderr(&build));
    let info = wd
        .command(&["info", "-g", "g.graph", "--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(info.status.success(), "{}", stderr(&info));
    let info: Value = serde_json::from_slice(&info.stdout).unwrap();
    let edges: usize = fixtures.iter().map(|f| f.parents.len()).sum();
    let users: HashSet<&String> = fixtures.iter().flat_map(|f| &f.authors).collect();
    assert_eq!(info["models"], 600);
    assert_eq!(info["edges"], edges);
    assert_eq!(info["contributors"], users.len());
    // Non-ASCII ids went through the API and back intact, with their histories.
    let models = read_jsonl(&wd.join("f.jsonl"));
    let odd: Vec<&Value> = models
        .iter()
        .filter(|m| !m["id"].as_str().unwrap().is_ascii())
        .collect();
    assert!(odd.len() >= 10, "{}", odd.len());
    assert!(odd
        .iter()
        .all(|m| m["commitAuthors"].as_array().is_some_and(|a| !a.is_empty())));
    // The long history was read over its three pages.
    let long = models
        .iter()
        .find(|m| m["id"] == fixtures[7].id.as_str())
        .unwrap();
    assert_eq!(long["commitCount"], 120);
}

#[test]
fn family_is_every_descendant_of_the_base() {
    let (data, fixtures) = ecosystem(1500);
    let hub = Hub::start(data, 5000);
    let base = fixtures[0].id.clone();
    // Descendants by breadth-first search over the fixture's own parent lists.
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in &fixtures {
        for p in &f.parents {
            children.entry(p.as_str()).or_default().push(f.id.as_str());
        }
    }
    let mut want: HashSet<&str> = HashSet::from([base.as_str()]);
    let mut queue = VecDeque::from([base.as_str()]);
    while let Some(v) = queue.pop_front() {
        for &c in children.get(v).into_iter().flatten() {
            if want.insert(c) {
                queue.push_back(c);
            }
        }
    }
    assert!(
        want.len() > 20,
        "the fixture family is big enough: {}",
        want.len()
    );
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["models", "--family", &base, "-o", "f.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = ids(&read_jsonl(&wd.join("f.jsonl")));
    let set: HashSet<&str> = got.iter().map(String::as_str).collect();
    assert_eq!(set.len(), got.len(), "no duplicates");
    assert_eq!(set, want);
    assert_eq!(got[0], base);
    // One children listing per family member, and the base's own object once.
    assert_eq!(hub.listing_requests().len(), want.len());
    assert_eq!(hub.count(&format!("/api/models/{base}")), 1);
}

#[test]
fn max_stops_the_crawl() {
    let (data, fixtures) = ecosystem(1000);
    let hub = Hub::start(data, 100);
    let wd = Workdir::new();
    let out = fetch(
        &wd,
        &hub,
        &[
            "models",
            "--max",
            "250",
            "--page-size",
            "100",
            "-o",
            "f.jsonl",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = ids(&read_jsonl(&wd.join("f.jsonl")));
    assert_eq!(
        got,
        fixtures[..250]
            .iter()
            .map(|f| f.id.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(hub.listing_requests().len(), 3);
}

#[test]
fn a_checkpoint_of_another_command_is_refused() {
    let (data, _) = ecosystem(20);
    let hub = Hub::start(data, 100);
    hub.fault(Rule::new(
        "/api/models?",
        0,
        100,
        Fault::Status(503, vec![]),
    ));
    let wd = Workdir::new();
    let first = fetch(
        &wd,
        &hub,
        &[
            "models",
            "--retries",
            "0",
            "--author",
            "org1",
            "-o",
            "f.jsonl",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(first.status.code(), Some(1));
    let other = fetch(&wd, &hub, &["models", "--author", "org2", "-o", "f.jsonl"])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1));
    let err = stderr(&other);
    assert!(
        err.contains("f.jsonl.checkpoint: this checkpoint belongs to another fetch"),
        "{err}"
    );
}

// ---- snapshots ----

/// Bytes that look like a Parquet file (magic at both ends), varied enough to hash.
fn parquet_like(n: usize) -> Vec<u8> {
    let mut b = b"PAR1".to_vec();
    let mut x: u32 = 12345;
    while b.len() < n - 4 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        b.push((x >> 16) as u8);
    }
    b.extend_from_slice(b"PAR1");
    b
}

fn snapshot_hub(file: &str, bytes: Vec<u8>, lfs: bool, wrong: Option<String>) -> Hub {
    let mut data = Data::default();
    data.files.insert(
        file.into(),
        RepoFile {
            bytes,
            lfs,
            wrong_sha256: wrong,
        },
    );
    Hub::start(data, 200)
}

#[test]
fn snapshot_is_byte_identical_and_sha256_verified() {
    let bytes = parquet_like(2_000_000);
    let hub = snapshot_hub(
        "cfahlgren1/hub-stats/models.parquet",
        bytes.clone(),
        true,
        None,
    );
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["snapshot", "-o", "models.parquet"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(std::fs::read(wd.join("models.parquet")).unwrap(), bytes);
    assert!(
        err.contains(&format!("verified sha256:{}", hub::sha256_hex(&bytes))),
        "{err}"
    );
    assert_eq!(
        wd.entries(),
        vec!["models.parquet".to_string()],
        "no partial files left"
    );
    let log = hub.log();
    assert_eq!(log[0].method, "HEAD");
    assert_eq!(
        log[0].path,
        "/datasets/cfahlgren1/hub-stats/resolve/main/models.parquet"
    );
}

#[test]
fn snapshot_resumes_with_range_after_a_drop() {
    let bytes = parquet_like(1_500_000);
    let hub = snapshot_hub(
        "cfahlgren1/hub-stats/models.parquet",
        bytes.clone(),
        true,
        None,
    );
    hub.storage()
        .fault(Rule::new("/cdn/", 0, 1, Fault::DropDownloadAfter(700_000)));
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["snapshot", "-o", "models.parquet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(wd.join("models.parquet")).unwrap(), bytes);
    let storage = hub.storage().log();
    assert_eq!(storage.len(), 2);
    assert_eq!(storage[0].range, None);
    assert_eq!(storage[1].range.as_deref(), Some("bytes=700000-"));
}

#[test]
fn snapshot_goes_on_from_a_partial_file_of_an_earlier_run() {
    let bytes = parquet_like(1_000_000);
    let hub = snapshot_hub(
        "cfahlgren1/hub-stats/models.parquet",
        bytes.clone(),
        true,
        None,
    );
    // The first run gets 400 kB, then the storage server stops answering.
    hub.storage()
        .fault(Rule::new("/cdn/", 0, 1, Fault::DropDownloadAfter(400_000)));
    hub.storage()
        .fault(Rule::new("/cdn/", 1, 3, Fault::DropBeforeResponse));
    let wd = Workdir::new();
    let first = fetch(
        &wd,
        &hub,
        &["snapshot", "--retries", "1", "-o", "models.parquet"],
    )
    .output()
    .unwrap();
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_eq!(
        std::fs::metadata(wd.join("models.parquet.part"))
            .unwrap()
            .len(),
        400_000
    );
    assert!(!wd.join("models.parquet").exists());
    let second = fetch(&wd, &hub, &["snapshot", "-o", "models.parquet"])
        .output()
        .unwrap();
    let err = stderr(&second);
    assert!(second.status.success(), "{err}");
    assert!(err.contains("resumed at byte 400000"), "{err}");
    assert_eq!(std::fs::read(wd.join("models.parquet")).unwrap(), bytes);
    let last = hub.storage().log().pop().unwrap();
    assert_eq!(last.range.as_deref(), Some("bytes=400000-"));
}

#[test]
fn snapshot_with_a_wrong_sha256_is_rejected() {
    let bytes = parquet_like(100_000);
    let wrong = "0".repeat(64);
    let hub = snapshot_hub(
        "cfahlgren1/hub-stats/models.parquet",
        bytes,
        true,
        Some(wrong.clone()),
    );
    let wd = Workdir::new();
    let out = fetch(&wd, &hub, &["snapshot", "-o", "models.parquet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the server announced {wrong}")),
        "{err}"
    );
    assert!(
        err.contains("/datasets/cfahlgren1/hub-stats/resolve/main/models.parquet"),
        "{err}"
    );
    assert!(wd.entries().is_empty(), "nothing kept: {:?}", wd.entries());
}

#[test]
fn snapshot_of_a_dated_weekly_file_in_git_is_verified_by_its_blob_hash() {
    let bytes = parquet_like(50_000);
    let file = "hfmlsoc/hub_weekly_snapshots/models/2025-01-06/models.parquet";
    let hub = snapshot_hub(file, bytes.clone(), false, None);
    let wd = Workdir::new();
    let out = fetch(
        &wd,
        &hub,
        &[
            "snapshot",
            "--dataset",
            "hfmlsoc/hub_weekly_snapshots",
            "--file",
            "models/2025-01-06/models.parquet",
            "-o",
            "week.parquet",
        ],
    )
    .output()
    .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(std::fs::read(wd.join("week.parquet")).unwrap(), bytes);
    assert!(
        err.contains(&format!("verified git-sha1:{}", hub::git_blob_sha1(&bytes))),
        "{err}"
    );
}

#[test]
fn a_missing_snapshot_file_is_a_clear_error() {
    let hub = snapshot_hub(
        "cfahlgren1/hub-stats/models.parquet",
        parquet_like(1000),
        true,
        None,
    );
    let wd = Workdir::new();
    let out = fetch(
        &wd,
        &hub,
        &["snapshot", "--file", "nope.parquet", "-o", "x"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("HTTP 404"), "{err}");
    assert!(err.contains("resolve/main/nope.parquet"), "{err}");
}
