//! Loads a lineage graph and ranks base models by their descendants: every model that
//! derives from them, at any depth, through any kind of edge (flagged models not counted).
//!
//! ```text
//! lineage build ../shared/data/openllm-2024/*.csv --out lineage.graph
//! cargo run --release --example rank_bases -- lineage.graph 10
//! ```
//!
//! Without arguments it ranks the sample ecosystem in `graphs/sample/`.

use std::error::Error;
use std::io::Write;
use std::path::Path;

use lineage::algo::derivatives::{derivatives, top};
use lineage::graph::LineageGraph;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    run(&args, &mut std::io::stdout().lock())
}

/// `[graph file] [how many]`: prints the ranking to `out`.
fn run(args: &[String], out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let graph = load(args.first().map(Path::new))?;
    let k: usize = match args.get(1) {
        Some(k) => k.parse().map_err(|_| format!("not a count: {k}"))?,
        None => 10,
    };
    let counts = derivatives(&graph);
    let (ranked, bases) = top(&graph, &counts, false, k);
    writeln!(
        out,
        "{bases} models have descendants; the first {}:",
        ranked.len()
    )?;
    writeln!(out, "rank  descendants  direct  model")?;
    for (i, &v) in ranked.iter().enumerate() {
        let d = &counts[v as usize];
        writeln!(
            out,
            "{:>4}  {:>11}  {:>6}  {}",
            i + 1,
            d.descendants,
            d.direct,
            graph.name(v)
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
    use petgraph::visit::{Bfs, Walker};

    /// On a generated ecosystem: the ranking is sorted, and each count is what a petgraph
    /// breadth-first search from the base finds.
    #[test]
    fn ranks_a_generated_graph_by_a_bfs_count() {
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

        let mut out = Vec::new();
        run(&[path.display().to_string(), "5".into()], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(rows.len(), 5, "{text}");
        let mut last = u32::MAX;
        for row in rows {
            let v = graph.lookup(row[3]).unwrap();
            let bfs = Bfs::new(&graph, v)
                .iter(&graph)
                .filter(|&u| u != v && !graph.models[u as usize].is_flagged())
                .count();
            let descendants: u32 = row[1].parse().unwrap();
            assert_eq!(descendants as usize, bfs, "{}", row[3]);
            assert!(descendants <= last);
            last = descendants;
        }
        // The sample ranks too.
        let mut out = Vec::new();
        run(&[], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 12);
    }
}
