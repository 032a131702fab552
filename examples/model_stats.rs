//! A custom statistic over every model, computed in parallel with rayon: how many days after
//! its parents a model appears, by how it was made (fine-tune, adapter, quantization, merge).
//!
//! ```text
//! cargo run --release --example model_stats -- lineage.graph
//! ```
//!
//! Without an argument it uses the sample ecosystem in `graphs/sample/`.

use std::error::Error;
use std::io::Write;
use std::path::Path;

use lineage::algo::made_by;
use lineage::graph::LineageGraph;
use lineage::model::EdgeKind;
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    run(&args, &mut std::io::stdout().lock())
}

/// Days from a model's latest dated parent to the model, for every dated model with a
/// dated parent, grouped by [`EdgeKind`] (indexed like [`EdgeKind::ALL`]) and sorted.
fn days_after_parents(g: &LineageGraph) -> [Vec<i32>; 5] {
    (0..g.model_count() as u32)
        .into_par_iter()
        .filter_map(|v| {
            let created = g.models[v as usize].created?;
            let latest_parent = g
                .parents_of(v)
                .iter()
                .filter_map(|&p| g.models[p as usize].created)
                .max()?;
            Some((made_by(g, v)?, created.0 - latest_parent.0))
        })
        // Each rayon task fills its own five lists; the lists are then joined pairwise.
        .fold(<[Vec<i32>; 5]>::default, |mut acc, (kind, days)| {
            acc[kind as usize].push(days);
            acc
        })
        .reduce(<[Vec<i32>; 5]>::default, |mut a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                x.extend(y);
            }
            a
        })
        .map(|mut days| {
            days.par_sort_unstable();
            days
        })
}

/// `[graph file]`: prints, per kind, how many models and the median and 90th percentile
/// of their days after their parents.
fn run(args: &[String], out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let graph = load(args.first().map(Path::new))?;
    let stats = days_after_parents(&graph);
    writeln!(out, "kind         models  median_days  p90_days")?;
    for (kind, days) in EdgeKind::ALL.iter().zip(&stats) {
        if days.is_empty() {
            continue;
        }
        let at = |q: f64| days[((days.len() - 1) as f64 * q).round() as usize];
        writeln!(
            out,
            "{:<11}  {:>6}  {:>11}  {:>8}",
            kind.as_str(),
            days.len(),
            at(0.5),
            at(0.9)
        )?;
    }
    Ok(())
}

/// The graph file at `path`, or the sample ecosystem built in memory.
fn load(path: Option<&Path>) -> Result<LineageGraph, Box<dyn Error>> {
    if let Some(path) = path {
        return Ok(lineage::graph::file::load(path)?);
    }
    Ok(lineage::sample::graph()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lineage::ingest::Input;

    /// The parallel statistic equals a plain sequential loop, on one thread and on four.
    #[test]
    fn the_parallel_statistic_equals_a_sequential_loop() {
        let dir = tempfile::tempdir().unwrap();
        let config = lineage::synth::SynthConfig {
            models: 3000,
            seed: 7,
        };
        lineage::synth::write(&config, dir.path()).unwrap();
        let inputs: Vec<Input> = ["details.csv", "leaderboard.csv", "commits.csv"]
            .iter()
            .map(|f| lineage::ingest::open_input(&dir.path().join(f), None).unwrap())
            .collect();
        let (graph, _) = lineage::build(&inputs, Default::default(), None).unwrap();
        let path = dir.path().join("lineage.graph");
        lineage::graph::file::save(&graph, &path).unwrap();

        let mut expected: [Vec<i32>; 5] = Default::default();
        for v in 0..graph.model_count() as u32 {
            let m = &graph.models[v as usize];
            let parents: Vec<_> = graph
                .parents_of(v)
                .iter()
                .filter_map(|&p| graph.models[p as usize].created)
                .collect();
            if let (Some(c), Some(&p), Some(kind)) =
                (m.created, parents.iter().max(), made_by(&graph, v))
            {
                expected[kind as usize].push(c.0 - p.0);
            }
        }
        for days in &mut expected {
            days.sort_unstable();
        }
        assert!(expected.iter().map(Vec::len).sum::<usize>() > 1000);
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(pool.install(|| days_after_parents(&graph)), expected);
        }

        let mut out = Vec::new();
        run(&[path.display().to_string()], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let models: usize = text
            .lines()
            .skip(1)
            .map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum();
        assert_eq!(
            models,
            expected.iter().map(Vec::len).sum::<usize>(),
            "{text}"
        );
        let mut out = Vec::new();
        run(&[], &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().lines().count() >= 2);
    }
}
