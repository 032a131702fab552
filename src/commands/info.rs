//! `lineage info`: what a graph file holds.

use std::io::Write;
use std::process::ExitCode;

use comfy_table::{presets::UTF8_BORDERS_ONLY, Table};

use lineage::graph::info::GraphInfo;

use crate::cli::{InfoArgs, InfoFormat};

pub fn run(args: InfoArgs) -> anyhow::Result<ExitCode> {
    let graph = super::load_graph(&args.graph)?;
    let info = GraphInfo::of(&graph);
    let mut out = std::io::stdout().lock();
    match args.format {
        InfoFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &info)?;
            writeln!(out)?;
        }
        InfoFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_BORDERS_ONLY);
            t.set_header(vec!["", "count"]);
            let kinds: Vec<String> = info
                .edges_by_kind
                .iter()
                .map(|(k, c)| format!("{k} {c}"))
                .collect();
            let rows: Vec<(&str, String)> = vec![
                ("models", info.models.to_string()),
                ("  described", info.described.to_string()),
                ("  stubs", info.stubs.to_string()),
                ("  scored", info.scored.to_string()),
                ("  flagged", info.flagged.to_string()),
                ("  moved or renamed", info.moved.to_string()),
                ("  metadata not used", info.suspicious.to_string()),
                ("edges", info.edges.to_string()),
                ("  by kind", kinds.join(", ")),
                (
                    "cycles",
                    format!(
                        "{} ({} edges skipped by acyclic queries)",
                        info.cycles, info.cycle_edges
                    ),
                ),
                ("authors", info.authors.to_string()),
                ("  owning models", info.owners.to_string()),
                ("  committing", info.contributors.to_string()),
                (
                    "created",
                    match (&info.first_created, &info.last_created) {
                        (Some(a), Some(b)) => format!("{a} to {b}"),
                        _ => "no dates".into(),
                    },
                ),
            ];
            for (k, v) in rows {
                t.add_row(vec![k.to_string(), v]);
            }
            writeln!(out, "{}", args.graph.display())?;
            writeln!(out, "{t}")?;
            writeln!(out, "sources:")?;
            for s in &info.sources {
                writeln!(
                    out,
                    "  {} ({}): {} rows, {} records",
                    s.path, s.format, s.rows, s.records
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
