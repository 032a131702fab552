//! Criterion benchmarks of `lineage` at Hub scale, on synthetic ecosystems of 10^4, 10^5 and
//! (opt-in) 10^6 models from `lineage::synth` (seed 1, the seed of `benches/compare.sh`).
//!
//! Measured for every size:
//! - `build/csv`: `lineage::build` from details.csv, leaderboard.csv and commits.csv (parse,
//!   intern, graph), opening the inputs as `lineage build` does;
//! - `graph_file/save` and `graph_file/load`: the versioned, checksummed graph file;
//! - the all-model passes of `lineage query`, each on a rayon pool of one thread and of two
//!   (`threads-1`, `threads-2`), so the two ids give the speed-up of a second core:
//!   `derivatives`, `depths`, `collaboration` (built-in bot filter), `improvements` (every
//!   base with at least 10 scored members, the `--all` default);
//! - `export/graphml`: the whole graph as GraphML into `std::io::sink()`, derived attributes
//!   included, as `lineage export` writes it.
//!
//! The inputs of a size are generated once, into a temporary directory, the first time a
//! selected benchmark needs them, and removed before the next size. Times include dropping
//! what each call returns. Build, save, load and export run on rayon's global pool (one
//! thread per core).
//!
//! ```text
//! cargo bench --bench scale                                # 10^4 and 10^5: a few minutes on 2 cores
//! LINEAGE_BENCH_MAX=1000000 cargo bench --bench scale      # adds 10^6: several more minutes
//! LINEAGE_BENCH_MAX=10000 cargo bench --bench scale        # 10^4 only
//! cargo bench --bench scale -- 'threads-[12]/100000'       # criterion's filter is a regex
//! cargo bench --bench scale -- --quick                     # fewer samples, rougher figures
//! ```
//!
//! `LINEAGE_BENCH_MAX` is the largest size run (default 100000); sizes above it are skipped.
//! The 10^6 inputs take about 660 MB of CSV plus two 190 MB graph files under `TMPDIR`.

use std::cell::OnceCell;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use rayon::ThreadPool;
use std::hint::black_box;
use tempfile::TempDir;

use lineage::algo::authors::{collaboration, BotFilter};
use lineage::algo::depth::depths;
use lineage::algo::derivatives::derivatives;
use lineage::algo::improvements::{all_improvements, ImprovementOptions};
use lineage::export::{Export, Filter, Format};
use lineage::graph::{file, BuildOptions, LineageGraph};
use lineage::ingest::open_input;
use lineage::synth::{self, SynthConfig};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
const DEFAULT_MAX: usize = 100_000;
const SEED: u64 = 1;
/// The inputs `lineage build` reads in `benches/compare.sh`.
const CSV_INPUTS: [&str; 3] = ["details.csv", "leaderboard.csv", "commits.csv"];
/// `lineage query improvements --all --min-family` default.
const MIN_FAMILY: usize = 10;
/// The output buffer of `lineage export`.
const EXPORT_BUFFER: usize = 1 << 20;

/// The largest size to run, from `LINEAGE_BENCH_MAX`.
fn max_models() -> usize {
    match std::env::var("LINEAGE_BENCH_MAX") {
        Err(std::env::VarError::NotPresent) => DEFAULT_MAX,
        Err(e) => panic!("LINEAGE_BENCH_MAX: {e}"),
        Ok(text) => text.trim().replace('_', "").parse().unwrap_or_else(|_| {
            panic!("LINEAGE_BENCH_MAX must be a number of models such as 1000000, not {text:?}")
        }),
    }
}

/// One size's inputs on disk, the graph built from them, and its saved graph file.
struct Fixture {
    csv: Vec<PathBuf>,
    graph: LineageGraph,
    graph_file: PathBuf,
    /// Owns the files above; removes them when dropped.
    dir: TempDir,
}

impl Fixture {
    fn generate(models: usize) -> Fixture {
        let started = Instant::now();
        let dir = tempfile::Builder::new()
            .prefix("lineage-bench-")
            .tempdir()
            .expect("creating a temporary directory for the synthetic inputs");
        synth::write(&SynthConfig { models, seed: SEED }, dir.path())
            .expect("writing the synthetic inputs");
        let csv: Vec<PathBuf> = CSV_INPUTS.iter().map(|f| dir.path().join(f)).collect();
        let (graph, _) = build(&csv);
        assert!(
            graph.model_count() >= models / 2 && graph.edge_count() > 0,
            "{models} synthetic models built into {} models and {} edges",
            graph.model_count(),
            graph.edge_count()
        );
        let graph_file = dir.path().join("lineage.graph");
        let file_bytes = file::save(&graph, &graph_file).expect("saving the graph file");
        let input_bytes: u64 = csv
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        eprintln!(
            "[{models} synthetic models: CSV inputs {:.1} MB -> {} models, {} edges; \
             graph file {:.1} MB; prepared in {:.1} s]",
            input_bytes as f64 / 1e6,
            graph.model_count(),
            graph.edge_count(),
            file_bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        Fixture {
            csv,
            graph,
            graph_file,
            dir,
        }
    }
}

fn build(csv: &[PathBuf]) -> (LineageGraph, lineage::ingest::report::BuildReport) {
    let inputs: Vec<_> = csv
        .iter()
        .map(|p| open_input(p, None).expect("opening a synthetic input"))
        .collect();
    lineage::build(&inputs, BuildOptions::default(), None).expect("building the graph")
}

fn thread_pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("bench-{threads}-{i}"))
        .build()
        .expect("starting a rayon thread pool")
}

/// A group sized for `models`: every sample of the big sizes is one or a few calls.
fn group<'c>(c: &'c mut Criterion, name: &str, models: usize) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(models as u64))
        .warm_up_time(Duration::from_secs(1));
    if models < 100_000 {
        g.sample_size(20).measurement_time(Duration::from_secs(3));
    } else {
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
        // At 10^6 a call takes up to seconds: ten samples take what they take.
        g.measurement_time(Duration::from_secs(if models < 1_000_000 { 4 } else { 2 }));
    }
    g
}

/// An all-model pass of `lineage query`.
type Query = fn(&LineageGraph);

const QUERIES: [(&str, Query); 4] = [
    ("derivatives", |g| {
        black_box(derivatives(g));
    }),
    ("depths", |g| {
        black_box(depths(g));
    }),
    ("collaboration", |g| {
        black_box(collaboration(g, &BotFilter::builtin()));
    }),
    ("improvements", |g| {
        black_box(all_improvements(
            g,
            MIN_FAMILY,
            &ImprovementOptions::default(),
        ));
    }),
];

fn benches(c: &mut Criterion) {
    let max = max_models();
    let sizes: Vec<usize> = SIZES.into_iter().filter(|&n| n <= max).collect();
    assert!(
        !sizes.is_empty(),
        "LINEAGE_BENCH_MAX={max} is below the smallest size, {}",
        SIZES[0]
    );
    let pools: Vec<(usize, ThreadPool)> = [1, 2].into_iter().map(|t| (t, thread_pool(t))).collect();

    for models in sizes {
        // Generated when the first selected benchmark of this size asks for it.
        let fixture = OnceCell::new();
        let fixture = || fixture.get_or_init(|| Fixture::generate(models));

        let mut g = group(c, "build", models);
        g.bench_function(BenchmarkId::new("csv", models), |b| {
            let csv = &fixture().csv;
            b.iter(|| build(csv));
        });
        g.finish();

        let mut g = group(c, "graph_file", models);
        g.bench_function(BenchmarkId::new("save", models), |b| {
            let f = fixture();
            let path = f.dir.path().join("saved.graph");
            b.iter(|| file::save(&f.graph, &path).expect("saving the graph file"));
        });
        g.bench_function(BenchmarkId::new("load", models), |b| {
            let path = &fixture().graph_file;
            b.iter(|| file::load(path).expect("loading the graph file"));
        });
        g.finish();

        for (name, query) in QUERIES {
            let mut g = group(c, name, models);
            for (threads, pool) in &pools {
                g.bench_function(
                    BenchmarkId::new(format!("threads-{threads}"), models),
                    |b| {
                        let graph = &fixture().graph;
                        b.iter(|| pool.install(|| query(graph)));
                    },
                );
            }
            g.finish();
        }

        let mut g = group(c, "export", models);
        g.bench_function(BenchmarkId::new("graphml", models), |b| {
            let graph = &fixture().graph;
            b.iter(|| {
                let export = Export::new(graph, &Filter::default()).expect("selecting the export");
                let mut out = BufWriter::with_capacity(EXPORT_BUFFER, io::sink());
                export
                    .write_to(Format::GraphMl, &mut out)
                    .and_then(|()| out.flush())
                    .expect("writing GraphML");
            });
        });
        g.finish();
    }
}

criterion_group!(scale, benches);
criterion_main!(scale);
