//! `lineage info`: what a graph file holds.

use std::io::Write;
use std::process::ExitCode;

use lineage::ingest::report::count;

use super::query::{render, table, thousands};

use lineage::graph::info::GraphInfo;

use crate::cli::{InfoArgs, QueryFormat};

pub fn run(args: InfoArgs) -> anyhow::Result<ExitCode> {
    let graph = super::load_graph(&args.graph)?;
    let info = GraphInfo::of(&graph);
    let mut out = std::io::stdout().lock();
    let n = |x: usize| thousands(x as u64);
    let kinds: Vec<String> = info
        .edges_by_kind
        .iter()
        .map(|(k, c)| format!("{k} {}", n(*c)))
        .collect();
    // (key for CSV, label for the table, value)
    let rows: Vec<(&str, &str, String)> = vec![
        ("models", "models", n(info.models)),
        ("described", "  described", n(info.described)),
        ("stubs", "  stubs", n(info.stubs)),
        ("scored", "  scored", n(info.scored)),
        ("flagged", "  flagged", n(info.flagged)),
        ("moved", "  moved or renamed", n(info.moved)),
        (
            "metadata_not_used",
            "  metadata not used",
            n(info.suspicious),
        ),
        ("edges", "edges", n(info.edges)),
        ("edges_by_kind", "  by kind", kinds.join(", ")),
        ("cycles", "cycles", n(info.cycles)),
        (
            "cycle_edges",
            "  edges skipped by acyclic queries",
            n(info.cycle_edges),
        ),
        ("authors", "authors", n(info.authors)),
        ("owners", "  owning models", n(info.owners)),
        ("contributors", "  committing", n(info.contributors)),
        (
            "created",
            "created",
            match (&info.first_created, &info.last_created) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                _ => "no dates".into(),
            },
        ),
    ];
    match args.format {
        QueryFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &info)?;
            writeln!(out)?;
        }
        QueryFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["field", "value"])?;
            for (key, _, value) in &rows {
                // Plain numbers in CSV, for spreadsheets.
                w.write_record([*key, &value.replace(',', "")])?;
            }
            w.flush()?;
        }
        QueryFormat::Table => {
            let mut t = table(&["", "count"], &[]);
            for (_, label, value) in &rows {
                t.add_row(vec![label.to_string(), value.clone()]);
            }
            writeln!(out, "{}", args.graph.display())?;
            write!(out, "{}", render(&t))?;
            writeln!(out, "sources:")?;
            for s in &info.sources {
                writeln!(
                    out,
                    "  {} ({}): {}, {}",
                    s.path,
                    s.format,
                    count(s.rows, "row", "rows"),
                    count(s.records, "record", "records")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
