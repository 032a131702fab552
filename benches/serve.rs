//! Criterion benchmarks of `lineage serve`: the server time of every dashboard request a view
//! update makes, through the router in-process (routing, parameter parsing, the library call,
//! JSON serialisation; no socket), on synthetic ecosystems of 10^4, 10^5 and (opt-in) 10^6
//! models from `lineage::synth` (seed 1, as `benches/scale.rs`). Also the start-up work
//! (`Dashboard::new`: info, derived values, name index).
//!
//! ```text
//! cargo bench --bench serve                               # 10^4 and 10^5
//! LINEAGE_BENCH_MAX=1000000 cargo bench --bench serve     # adds 10^6
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use http_body_util::BodyExt;
use tower::ServiceExt;

use lineage::graph::{BuildOptions, LineageGraph};
use lineage::ingest::open_input;
use lineage::serve::{router, Dashboard};
use lineage::synth::{self, SynthConfig};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
const DEFAULT_MAX: usize = 100_000;

fn max_models() -> usize {
    match std::env::var("LINEAGE_BENCH_MAX") {
        Err(_) => DEFAULT_MAX,
        Ok(text) => text.trim().replace('_', "").parse().unwrap_or_else(|_| {
            panic!("LINEAGE_BENCH_MAX must be a number of models such as 1000000, not {text:?}")
        }),
    }
}

fn graph(models: usize) -> LineageGraph {
    let dir = tempfile::Builder::new()
        .prefix("lineage-bench-serve-")
        .tempdir()
        .expect("a temporary directory");
    synth::write(&SynthConfig { models, seed: 1 }, dir.path()).expect("synthetic inputs");
    let inputs: Vec<_> = ["details.csv", "leaderboard.csv", "commits.csv"]
        .iter()
        .map(|f| open_input(&dir.path().join(f), None).expect("an input"))
        .collect();
    lineage::build(&inputs, BuildOptions::default(), None)
        .expect("the graph")
        .0
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    for &models in SIZES.iter().filter(|&&m| m <= max_models()) {
        let g = graph(models);
        let started = Instant::now();
        let d = Arc::new(Dashboard::new(g.clone(), None));
        eprintln!(
            "[{models} synthetic models -> {} in the graph; Dashboard::new {:.0} ms]",
            g.model_count(),
            started.elapsed().as_secs_f64() * 1e3
        );
        let mut group = c.benchmark_group("serve");
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(3));
        group.bench_with_input(BenchmarkId::new("startup", models), &g, |b, g| {
            b.iter(|| Dashboard::new(g.clone(), None))
        });
        // The most derived-from base, as the explorer and evolution views start with.
        let base = {
            let app = router(d.clone());
            let body = rt.block_on(get(app, "/api/bases"));
            let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
            v["bases"]
                .as_array()
                .and_then(|b| b.iter().max_by_key(|m| m["descendants"].as_u64()))
                .and_then(|m| m["id"].as_str())
                .expect("a base")
                .to_string()
        };
        let requests = [
            ("info", "/api/info".to_string()),
            ("page", "/assets/app.js".to_string()),
            (
                "types",
                "/api/analyses/new-models-by-type?unit=week".to_string(),
            ),
            (
                "authors",
                "/api/analyses/top-authors?unit=week&top=10".to_string(),
            ),
            (
                "scores",
                "/api/analyses/score-by-type?unit=week".to_string(),
            ),
            (
                "architectures",
                "/api/analyses/new-models-by-architecture?unit=week".to_string(),
            ),
            ("evolution", format!("/api/query/improvements?base={base}")),
            (
                "explorer",
                format!("/api/lineage?model={base}&depth=2&limit=60"),
            ),
            (
                "graphml",
                format!("/api/lineage.graphml?model={base}&depth=2&limit=60"),
            ),
            ("search", "/api/models?q=llama&limit=12".to_string()),
        ];
        for (name, uri) in &requests {
            group.bench_with_input(BenchmarkId::new(*name, models), uri, |b, uri| {
                b.iter(|| rt.block_on(get(router(d.clone()), uri)))
            });
        }
        group.finish();
    }
}

async fn get(app: axum::Router, uri: &str) -> Vec<u8> {
    let req = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("a request");
    let res = app.oneshot(req).await.expect("an answer");
    assert!(res.status().is_success(), "{uri}: {}", res.status());
    res.into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
        .to_vec()
}

criterion_group!(benches, bench);
criterion_main!(benches);
