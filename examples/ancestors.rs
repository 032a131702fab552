//! Walks a model's ancestors with petgraph's breadth-first search on the reversed lineage
//! graph: its parents, their parents, and so on, nearest first.
//!
//! ```text
//! cargo run --release --example ancestors -- lineage.graph some-org/some-model
//! ```
//!
//! Without arguments it walks the sample ecosystem in `graphs/sample/` from its model with
//! the longest lineage.

use std::error::Error;
use std::io::Write;
use std::path::Path;

use lineage::algo::depth::depths;
use lineage::graph::LineageGraph;
use petgraph::visit::{Bfs, Reversed, Walker};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    run(&args, &mut std::io::stdout().lock())
}

/// `[graph file] [model id]`: prints the model's ancestors to `out`, one per line with how
/// many generations up it is.
fn run(args: &[String], out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let graph = load(args.first().map(Path::new))?;
    let model = match args.get(1) {
        Some(id) => graph
            .lookup(id)
            .ok_or_else(|| format!("no model '{id}' in the graph"))?,
        None => {
            // The model with the longest lineage (ties to the lowest id).
            let generation = depths(&graph).generation;
            (0..graph.model_count() as u32)
                .max_by_key(|&v| (generation[v as usize], std::cmp::Reverse(v)))
                .ok_or("the graph has no models")?
        }
    };
    // Ancestors are descendants in the reversed graph. A breadth-first search visits them
    // nearest first, so each one's distance is one more than its nearest visited child's.
    let up = Reversed(&graph);
    let mut generations_up = vec![u32::MAX; graph.model_count()];
    writeln!(out, "ancestors of {}:", graph.name(model))?;
    for v in Bfs::new(up, model).iter(up) {
        let d = if v == model {
            0
        } else {
            graph
                .children_of(v)
                .iter()
                .map(|&c| generations_up[c as usize])
                .min()
                .unwrap_or(u32::MAX)
                .saturating_add(1)
        };
        generations_up[v as usize] = d;
        if v != model {
            let stub = if graph.models[v as usize].is_stub() {
                " (stub)"
            } else {
                ""
            };
            writeln!(out, "{d:>3}  {}{stub}", graph.name(v))?;
        }
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
    use std::collections::{BTreeMap, VecDeque};

    /// The shortest distance up the parents from `v` to each ancestor, by the test's own
    /// search.
    fn ancestors(g: &LineageGraph, v: u32) -> BTreeMap<String, u32> {
        let mut dist = BTreeMap::from([(v, 0u32)]);
        let mut queue = VecDeque::from([v]);
        while let Some(u) = queue.pop_front() {
            for &p in g.parents_of(u) {
                if !dist.contains_key(&p) {
                    dist.insert(p, dist[&u] + 1);
                    queue.push_back(p);
                }
            }
        }
        dist.remove(&v);
        dist.into_iter()
            .map(|(a, d)| (g.name(a).to_string(), d))
            .collect()
    }

    fn printed(text: &str) -> BTreeMap<String, u32> {
        text.lines()
            .skip(1)
            .map(|l| {
                let mut parts = l.split_whitespace();
                let d = parts.next().unwrap().parse().unwrap();
                (parts.next().unwrap().to_string(), d)
            })
            .collect()
    }

    #[test]
    fn walks_the_ancestors_of_generated_and_sample_models() {
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

        // Every merge of the generated graph (two or more parents), checked against the
        // test's own search.
        let merges: Vec<u32> = (0..graph.model_count() as u32)
            .filter(|&v| graph.parents_of(v).len() >= 2)
            .take(20)
            .collect();
        assert!(!merges.is_empty());
        for v in merges {
            let mut out = Vec::new();
            run(
                &[path.display().to_string(), graph.name(v).to_string()],
                &mut out,
            )
            .unwrap();
            let text = String::from_utf8(out).unwrap();
            assert_eq!(printed(&text), ancestors(&graph, v), "{text}");
        }

        // The sample's deepest model has ancestors several generations up.
        let mut out = Vec::new();
        run(&[], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let sample = load(None).unwrap();
        let deepest = text
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("ancestors of ")
            .trim_end_matches(':');
        let expected = ancestors(&sample, sample.lookup(deepest).unwrap());
        assert!(expected.values().max().copied().unwrap_or(0) >= 2, "{text}");
        assert_eq!(printed(&text), expected);

        let mut out = Vec::new();
        let err = run(
            &[path.display().to_string(), "no/such-model".into()],
            &mut out,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "no model 'no/such-model' in the graph");
    }
}
