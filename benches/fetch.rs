//! Criterion benchmark of `lineage fetch models`: crawling 10,000 models from the stand-in
//! Hub of the tests (`tests/it/fetch/hub.rs`) on 127.0.0.1, without and with `--commits`,
//! through the library call the command makes (four workers, 1,000 models a page). The
//! figure is the client's own cost plus loopback HTTP: the real Hub's latency and rate
//! limits are not in it.
//!
//! ```text
//! cargo bench --bench fetch
//! ```

#[path = "../tests/it/fetch/hub.rs"]
mod hub;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lineage::fetch::{fetch_models, Client, ClientConfig, Endpoint, ModelsQuery, Silent};

const MODELS: usize = 10_000;

fn crawl(c: &mut Criterion) {
    let (data, _) = hub::ecosystem(MODELS);
    let server = hub::Hub::start(data, usize::MAX);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("f.jsonl");
    let mut group = c.benchmark_group("fetch_models");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(MODELS as u64));
    for commits in [false, true] {
        let name = if commits {
            "commits/10000"
        } else {
            "listing/10000"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let config = ClientConfig::new(Endpoint::parse(&server.origin).unwrap());
                let client = Client::new(config, Box::new(Silent));
                let query = ModelsQuery {
                    commits,
                    ..Default::default()
                };
                let summary = fetch_models(&client, &query, &out).expect("the crawl succeeds");
                assert_eq!(summary.models, MODELS as u64);
                summary
            })
        });
    }
    group.finish();
}

criterion_group!(benches, crawl);
criterion_main!(benches);
