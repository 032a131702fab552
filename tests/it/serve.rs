//! `lineage serve`: the API in-process through the router (every query endpoint against the
//! command line's JSON on the real data, every bad parameter, odd requests), and a bounded
//! load test over a loopback socket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use lineage::graph::file;
use lineage::serve::{router, Dashboard};

fn data(file: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/openllm-2024")
        .join(file);
    assert!(
        path.exists(),
        "{} is missing: these tests need the shared openllm-2024 snapshot next to the project",
        path.display()
    );
    path
}

/// The real graph, built once by the binary, and its build report.
pub struct Real {
    _dir: tempfile::TempDir,
    /// The graph file.
    pub graph: PathBuf,
    /// The build report.
    pub report: PathBuf,
}

pub fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let graph = dir.path().join("openllm-2024.graph");
        let report = dir.path().join("report.json");
        Command::cargo_bin("lineage")
            .expect("the lineage binary")
            .arg("build")
            .args([
                data("details.csv"),
                data("leaderboard.csv"),
                data("commits.csv"),
            ])
            .arg("-q")
            .arg("-o")
            .arg(&graph)
            .arg("--report")
            .arg(&report)
            .assert()
            .success();
        Real {
            _dir: dir,
            graph,
            report,
        }
    })
}

fn dashboard() -> Arc<Dashboard> {
    static D: OnceLock<Arc<Dashboard>> = OnceLock::new();
    D.get_or_init(|| {
        let r = real();
        let g = file::load(&r.graph).expect("load the real graph");
        let report = std::fs::read(&r.report).expect("read the build report");
        Arc::new(Dashboard::new(g, Some(report)))
    })
    .clone()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
}

/// One request through the router, no socket.
fn get(rt: &tokio::runtime::Runtime, uri: &str) -> (StatusCode, Vec<u8>) {
    let app = router(dashboard());
    rt.block_on(async {
        let req = Request::builder()
            .uri(uri)
            .body(Body::empty())
            .expect("a request");
        let res = app.oneshot(req).await.expect("the router answers");
        let status = res.status();
        let body = res
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes()
            .to_vec();
        (status, body)
    })
}

fn cli_json(args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("lineage")
        .expect("the lineage binary")
        .args(args)
        .arg("--graph")
        .arg(&real().graph)
        .args(["--format", "json"])
        .output()
        .expect("run lineage");
    assert!(
        out.status.success(),
        "lineage {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn every_query_endpoint_answers_what_the_command_line_prints() {
    let rt = runtime();
    let cases: &[(&[&str], &str)] = &[
        (&["info"], "/api/info"),
        (&["query", "derivatives"], "/api/query/derivatives"),
        (
            &["query", "derivatives", "--top", "5", "--kind", "merge,finetune"],
            "/api/query/derivatives?top=5&kind=merge&kind=finetune",
        ),
        (
            &["query", "derivatives", "--model", "mistral-7b", "--include-flagged"],
            "/api/query/derivatives?model=mistral-7b&include-flagged=true",
        ),
        (
            &["query", "improvements", "--base", "mistral-7b"],
            "/api/query/improvements?base=mistral-7b",
        ),
        (
            &["query", "improvements", "--base", "mistralai/Mistral-7B-v0.1", "--match", "name", "--members", "--normalize", "count"],
            "/api/query/improvements?base=mistralai%2FMistral-7B-v0.1&match=name&members=true&normalize=count",
        ),
        (
            &["query", "improvements", "--base", "huggyllama/llama-7b", "--match", "name", "--params", "7", "--params-range", "0.5", "--include-merges"],
            "/api/query/improvements?base=huggyllama/llama-7b&match=name&params=7&params_range=0.5&include_merges=true",
        ),
        (
            &["query", "improvements", "--base", "mistral-7b", "--board", "v1"],
            "/api/query/improvements?base=mistral-7b&board=v1",
        ),
        (
            &["query", "improvements", "--all", "--min-family", "20"],
            "/api/query/improvements?all=true&min-family=20",
        ),
        (&["query", "merge-depth"], "/api/query/merge-depth"),
        (
            &["query", "merge-depth", "--top", "3", "--chains", "1"],
            "/api/query/merge-depth?top=3&chains=1",
        ),
        (&["query", "authors"], "/api/query/authors"),
        (
            &["query", "authors", "--top", "5", "--components", "2", "--include-flagged"],
            "/api/query/authors?top=5&components=2&include-flagged=true",
        ),
        (&["query", "licenses"], "/api/query/licenses"),
        (
            &["query", "licenses", "--include-flagged"],
            "/api/query/licenses?include-flagged=true",
        ),
        (&["query", "license-drift"], "/api/query/license-drift"),
        (
            &["query", "license-drift", "--edges", "--include-flagged"],
            "/api/query/license-drift?edges=true&include-flagged=true",
        ),
    ];
    for (args, uri) in cases {
        let (status, body) = get(&rt, uri);
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        let cli = cli_json(args);
        assert!(
            body == cli,
            "{uri} differs from lineage {}:\n{}\n---\n{}",
            args.join(" "),
            String::from_utf8_lossy(&body)
                .chars()
                .take(400)
                .collect::<String>(),
            String::from_utf8_lossy(&cli)
                .chars()
                .take(400)
                .collect::<String>()
        );
    }
}

fn error_of(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).expect("errors are JSON")
}

#[test]
fn bad_parameters_are_400s_naming_the_parameter_and_what_it_accepts() {
    let rt = runtime();
    let cases: &[(&str, &str, &str)] = &[
        ("/api/query/derivatives?top=ten", "top", "a whole number"),
        ("/api/query/derivatives?top=-1", "top", "a whole number"),
        (
            "/api/query/derivatives?top=99999999999999999999999",
            "top",
            "a whole number",
        ),
        (
            "/api/query/derivatives?kind=mergers",
            "kind",
            "finetune, adapter, quantized, merge, unspecified",
        ),
        (
            "/api/query/derivatives?include-flagged=yes",
            "include-flagged",
            "true, false",
        ),
        (
            "/api/query/derivatives?colour=red",
            "colour",
            "top, kind, model, include-flagged",
        ),
        (
            "/api/query/derivatives?top=1&top=2",
            "top",
            "a whole number",
        ),
        (
            "/api/query/improvements?base=mistral-7b&normalize=sqrt",
            "normalize",
            "log, count, none",
        ),
        (
            "/api/query/improvements?base=mistral-7b&match=fuzzy",
            "match",
            "lineage, name",
        ),
        (
            "/api/query/improvements?base=mistral-7b&params=inf&match=name",
            "params",
            "a finite number",
        ),
        (
            "/api/query/improvements?base=mistral-7b&all=true",
            "all",
            "base=NAME or all=true",
        ),
        (
            "/api/query/improvements?pattern=mistral",
            "pattern",
            "base=NAME",
        ),
        ("/api/query/improvements", "base", ""),
        ("/api/query/improvements?all=true&match=name", "match", ""),
        (
            "/api/query/improvements?base=mistral-7b&pattern=x",
            "match",
            "",
        ),
        (
            "/api/query/authors?bots=/etc/passwd",
            "bots",
            "top, components, include-flagged",
        ),
        ("/api/lineage", "model", "a model id"),
        ("/api/lineage?model=mistral-7b&depth=0", "depth", "1 to 10"),
        (
            "/api/lineage?model=mistral-7b&limit=100000",
            "limit",
            "1 to 2000",
        ),
        ("/api/lineage?model=mistral-7b&kind=x", "kind", "merge"),
        ("/api/models?limit=1000", "limit", "0 to 100"),
        ("/api/analyses/new-models-by-type?unit=year", "unit", "day"),
        (
            "/api/analyses/new-models-by-type?from=2024-13-01",
            "from",
            "",
        ),
        ("/api/analyses/new-models-by-type?size=3", "size", "unit"),
        (
            "/api/analyses/new-models-by-type?unit=day&unit=week",
            "unit",
            "",
        ),
    ];
    for (uri, param, accepted) in cases {
        let (status, body) = get(&rt, uri);
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        let e = error_of(&body);
        assert_eq!(e["parameter"], *param, "{uri}: {e}");
        assert!(
            e["error"].as_str().is_some_and(|s| !s.is_empty()),
            "{uri}: {e}"
        );
        let accepts = e["accepted"].to_string();
        assert!(
            accepts.contains(accepted),
            "{uri}: accepted {accepts}, wanted {accepted}"
        );
    }
}

#[test]
fn unknown_models_queries_and_endpoints_are_404s_with_suggestions() {
    let rt = runtime();
    for uri in [
        "/api/query/improvements?base=mistralai/Mistral-7B-v9",
        "/api/query/derivatives?model=mistralai%2FMistral-7B-v9",
        "/api/lineage?model=mistralai/Mistral-7B-v9",
        "/api/lineage.graphml?model=mistralai/Mistral-7B-v9",
    ] {
        let (status, body) = get(&rt, uri);
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        let e = error_of(&body);
        let s = e["suggestions"].as_array().expect("suggestions");
        assert!(
            s.iter().any(|x| x == "mistralai/Mistral-7B-v0.1"),
            "{uri}: {e}"
        );
    }
    let (status, body) = get(&rt, "/api/query/lineages");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error_of(&body)["accepted"]
        .as_str()
        .unwrap()
        .contains("merge-depth"));
    let (status, body) = get(&rt, "/api/analyses/no-such-analysis.svg");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error_of(&body)["accepted"]
        .to_string()
        .contains("new-models-by-type"));
    assert_eq!(get(&rt, "/api/nothing").0, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&rt, "/assets/..%2F..%2FCargo.toml").0,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn the_explorer_pages_descendants_and_exports_what_it_shows() {
    let rt = runtime();
    let (status, body) = get(&rt, "/api/lineage?model=mistral-7b&depth=1&limit=50");
    assert_eq!(status, StatusCode::OK);
    let s: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s["focus"], "mistralai/Mistral-7B-v0.1");
    assert_eq!(s["base"], "mistralai/Mistral-7B-v0.1");
    // The direct children, as `lineage query derivatives` counts them.
    let d: serde_json::Value = serde_json::from_slice(&cli_json(&[
        "query",
        "derivatives",
        "--model",
        "mistral-7b",
        "--include-flagged",
    ]))
    .unwrap();
    assert_eq!(s["descendants_total"], d[0]["direct"]);
    assert_eq!(s["descendants_shown"], 50);
    let first: Vec<String> = s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].to_string())
        .collect();
    let (_, body) = get(
        &rt,
        "/api/lineage?model=mistral-7b&depth=1&limit=50&offset=50",
    );
    let s2: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s2["offset"], 50);
    assert!(s2["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .all(|n| !first.contains(&n["id"].to_string())));
    let (status, body) = get(
        &rt,
        "/api/lineage.graphml?model=mistral-7b&depth=1&limit=50",
    );
    assert_eq!(status, StatusCode::OK);
    let xml = String::from_utf8(body).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed GraphML");
    let nodes = doc.descendants().filter(|n| n.has_tag_name("node")).count();
    let edges = doc.descendants().filter(|n| n.has_tag_name("edge")).count();
    assert_eq!(nodes, s["nodes"].as_array().unwrap().len());
    assert_eq!(edges, s["edges"].as_array().unwrap().len());
    // A merge sees its parents above it.
    let (_, body) = get(&rt, "/api/query/merge-depth?top=1");
    let deepest: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let model = deepest["top"][0]["model"].as_str().unwrap();
    let (_, body) = get(&rt, &format!("/api/lineage?model={model}&depth=1"));
    let s: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(s["ancestors"].as_u64().unwrap() >= deepest["top"][0]["merge_depth"].as_u64().unwrap());
}

#[test]
fn analyses_are_listed_and_served_as_json_csv_and_svg() {
    let rt = runtime();
    let (status, body) = get(&rt, "/api/analyses");
    assert_eq!(status, StatusCode::OK);
    let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, lineage::analysis::registry::names());
    let d = dashboard();
    for name in [
        "new-models-by-type",
        "top-authors",
        "score-by-type",
        "new-models-by-architecture",
    ] {
        let (status, body) = get(
            &rt,
            &format!("/api/analyses/{name}?unit=week&from=2023-01-01"),
        );
        assert_eq!(
            status,
            StatusCode::OK,
            "{name}: {}",
            String::from_utf8_lossy(&body)
        );
        let a = lineage::analysis::registry::find(name).unwrap();
        let map = [("unit", "week"), ("from", "2023-01-01")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let out = a
            .parse_query(&map)
            .unwrap()
            .run(d.graph(), &lineage::analysis::registry::Context::builtin())
            .unwrap();
        let mut want = serde_json::to_vec_pretty(&out.to_json()).unwrap();
        want.push(b'\n');
        assert!(body == want, "{name}: the API's JSON is not the registry's");
        let (_, csv) = get(
            &rt,
            &format!("/api/analyses/{name}.csv?unit=week&from=2023-01-01"),
        );
        assert_eq!(String::from_utf8(csv).unwrap(), out.table.to_csv_string());
        let (status, svg) = get(
            &rt,
            &format!("/api/analyses/{name}.svg?unit=week&from=2023-01-01"),
        );
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    }
}

#[test]
fn search_suggests_models_by_any_part_of_their_id() {
    let rt = runtime();
    let (_, body) = get(&rt, "/api/models?q=MISTRAL-7B-v0.1&limit=5");
    let r: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(r["models"][0]["id"], "mistralai/Mistral-7B-v0.1");
    let (_, body) = get(&rt, "/api/models?q=zzzzqqqq");
    let r: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(r["models"].as_array().unwrap().is_empty());
    let (_, body) = get(&rt, "/api/bases");
    let r: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(r["papers"].as_u64().unwrap() >= 5, "{r}");
}

#[test]
fn nothing_a_request_sends_makes_the_server_fail() {
    let rt = runtime();
    let mut uris: Vec<String> = vec![
        "/api/query/derivatives?top=18446744073709551615".into(),
        "/api/query/improvements?all=true&min-family=18446744073709551615".into(),
        "/api/query/improvements?base=%00%01%02".into(),
        "/api/query/improvements?base=%E2%82%AC%F0%9F%A6%80&match=name".into(),
        "/api/query/improvements?base=mistral-7b&match=name&pattern=&params=-1e30&params-range=1e30".into(),
        "/api/query/derivatives?model=%FF%FE".into(),
        "/api/query/..%2F..%2Fetc%2Fpasswd".into(),
        "/api/query/%2e%2e".into(),
        "/api/lineage?model=mistral-7b&depth=10&limit=2000&offset=18446744073709551615".into(),
        "/api/lineage?model=a&&&&==&=".into(),
        "/api/models?q=%0A".into(),
        "/api/models?q=".into(),
        format!("/api/models?q={}", "a".repeat(5000)),
        format!("/api/query/derivatives?model={}", "x".repeat(60_000)),
        "/api/analyses/new-models-by-type?from=2024-01-01&to=2023-01-01".into(),
        "/api/analyses/new-models-by-type?unit=day&from=0001-01-01&to=9999-12-31".into(),
        "/api/analyses/top-authors?top=18446744073709551615".into(),
        "/api/analyses/release-effect?releases=/etc/passwd".into(),
        "/api/analyses/improvement-over-days?bases=%00".into(),
        "/api/analyses/derivative-counts?set=papers&releases=/etc/passwd".into(),
        "/api/analyses/derivative-counts?set=%00&top=18446744073709551615".into(),
        "/api/analyses/best-score-by-size?board=v3".into(),
        "/api/query/improvements?base=phi-2&match=name&params=none&params=7".into(),
        "/api/query/improvements?base=phi-2&match=name&params=NONE%00".into(),
        "/api/query/license-drift?edges=maybe&include-flagged=true".into(),
        "/api/query/licenses?licenses=/etc/passwd".into(),
        "/%FF".into(),
    ];
    // Random bytes, percent-encoded, in every parameter slot (bounded and seeded).
    let mut rng = fastrand::Rng::with_seed(11);
    let targets = [
        "/api/query/derivatives",
        "/api/query/improvements",
        "/api/query/merge-depth",
        "/api/query/authors",
        "/api/query/licenses",
        "/api/query/license-drift",
        "/api/analyses/derivative-counts",
        "/api/lineage",
        "/api/models",
        "/api/analyses/score-by-type",
    ];
    let names = [
        "top",
        "base",
        "model",
        "kind",
        "normalize",
        "match",
        "params",
        "depth",
        "q",
        "unit",
        "from",
        "all",
        "edges",
        "board",
        "set",
    ];
    for i in 0..120 {
        let len = rng.usize(0..40);
        let value: String = (0..len).map(|_| format!("%{:02X}", rng.u8(..))).collect();
        uris.push(format!(
            "{}?{}={value}",
            targets[i % targets.len()],
            names[rng.usize(..names.len())]
        ));
    }
    for uri in &uris {
        let (status, body) = get(&rt, uri);
        assert!(
            !status.is_server_error(),
            "{uri}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        if uri.starts_with("/api/") && status != StatusCode::OK && !status.is_client_error() {
            panic!("{uri}: {status}");
        }
    }
}

/// One HTTP/1.1 GET over a fresh connection: the status and how long it took.
fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, Duration) {
    let t = Instant::now();
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read the answer");
    let head = String::from_utf8_lossy(&buf[..buf.len().min(32)]).to_string();
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no status line in {head:?}"));
    (code, t.elapsed())
}

#[test]
fn loopback_load_8_clients_2000_requests_no_server_errors() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    let app = router(dashboard());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let paths = [
        "/api/info",
        "/api/query/derivatives?top=5",
        "/api/query/improvements?base=mistral-7b",
        "/api/lineage?model=mistral-7b&depth=2&limit=100",
        "/api/models?q=mistral&limit=10",
        "/api/analyses/new-models-by-type?unit=week",
        "/api/query/improvements?base=nope-nothing",
        "/",
    ];
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 2000;
    let started = Instant::now();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|c| {
            std::thread::spawn(move || {
                (0..REQUESTS / CLIENTS)
                    .map(|i| http_get(addr, paths[(c + i) % paths.len()]))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut results: Vec<(u16, Duration)> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("a client"))
        .collect();
    let wall = started.elapsed();
    assert_eq!(results.len(), REQUESTS);
    let errors = results.iter().filter(|(c, _)| *c >= 500).count();
    assert_eq!(errors, 0, "{errors} server errors");
    results.sort_by_key(|r| r.1);
    let p = |q: f64| results[((results.len() as f64 * q) as usize).min(results.len() - 1)].1;
    eprintln!(
        "load: {REQUESTS} requests from {CLIENTS} clients in {:.2} s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        wall.as_secs_f64(),
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        results.last().unwrap().1.as_secs_f64() * 1e3
    );
    assert!(
        wall < Duration::from_secs(300),
        "the load test took {wall:?}"
    );
    rt.shutdown_timeout(Duration::from_secs(5));
}
