//! `lineage query merge-depth`: merges of merges of merges, and generations of any kind.

use std::io::Write;
use std::process::ExitCode;

use lineage::algo::depth::Depths;
use lineage::graph::LineageGraph;
use lineage::queries::merge_depth::{merge_depth, MergeDepthOptions};

use super::{csv_writer, finish_csv, load, render, summary, table, thousands, write_json};
use crate::cli::{MergeDepthArgs, QueryFormat};

pub fn run(args: MergeDepthArgs) -> anyhow::Result<ExitCode> {
    let g = load(&args.common)?;
    let options = MergeDepthOptions {
        top: args.top,
        model: args.model.clone(),
        include_flagged: args.common.include_flagged,
    };
    let answer = merge_depth(&g, &options)?;
    let d = &answer.depths;
    let mut out = super::stdout();
    match args.common.format {
        QueryFormat::Json => write_json(&mut out, &answer)?,
        QueryFormat::Csv => {
            let mut w = csv_writer(out);
            w.write_record(["model", "merge_depth", "generation", "chain"])?;
            for e in &answer.top {
                w.write_record([
                    e.model.to_string(),
                    e.merge_depth.to_string(),
                    e.generation.to_string(),
                    e.chain.join(" > "),
                ])?;
            }
            finish_csv(w)?;
        }
        QueryFormat::Table => match &args.model {
            Some(_) => print_model(&mut out, &g, d, answer.ids[0])?,
            None => print_all(&mut out, &g, d, &answer.ids, &args)?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn cycle_note(d: &Depths) -> String {
    match d.skipped_cycle_edges {
        0 => "no cycles in the lineage".to_string(),
        1 => "1 edge that closes a cycle was skipped".to_string(),
        n => format!("{n} edges that close a cycle were skipped"),
    }
}

fn print_all(
    out: &mut impl Write,
    g: &LineageGraph,
    d: &Depths,
    top: &[u32],
    args: &MergeDepthArgs,
) -> anyhow::Result<()> {
    let include_flagged = args.common.include_flagged;
    let merge = d.merge_distribution(g, include_flagged);
    let generation = d.generation_distribution(g, include_flagged);
    let mut t = table(
        &["depth", "models by merge depth", "by generation"],
        &[0, 1, 2],
    );
    for depth in 0..merge.len().max(generation.len()) {
        let cell = |dist: &[(u32, u32)]| {
            dist.get(depth)
                .map_or(String::new(), |&(_, c)| thousands(c.into()))
        };
        t.add_row(vec![depth.to_string(), cell(&merge), cell(&generation)]);
    }
    write!(out, "{}", render(&t))?;
    writeln!(out, "deepest merge chains")?;
    let mut t = table(
        &["#", "model", "merge depth", "generation", "chain starts at"],
        &[0, 2, 3],
    );
    for (i, &v) in top.iter().enumerate() {
        let chain = d.merge_chain(g, v);
        t.add_row(vec![
            (i + 1).to_string(),
            g.name(v).to_string(),
            d.merge_depth[v as usize].to_string(),
            d.generation[v as usize].to_string(),
            if chain.len() > 1 {
                g.name(chain[0]).to_string()
            } else {
                "-".into()
            },
        ]);
    }
    write!(out, "{}", render(&t))?;
    for (i, &v) in top.iter().take(args.chains).enumerate() {
        if d.merge_depth[v as usize] == 0 {
            break;
        }
        writeln!(
            out,
            "#{} {}, each model a merge of the one above:",
            i + 1,
            g.name(v)
        )?;
        write_chain(out, g, &d.merge_chain(g, v))?;
    }
    writeln!(
        out,
        "{}; {}",
        cycle_note(d),
        if include_flagged {
            "flagged models counted"
        } else {
            "flagged models not counted (--include-flagged)"
        }
    )?;
    Ok(())
}

fn write_chain(out: &mut impl Write, g: &LineageGraph, chain: &[u32]) -> anyhow::Result<()> {
    let width = (chain.len().saturating_sub(1)).to_string().len();
    for (depth, &v) in chain.iter().enumerate() {
        writeln!(out, "  {depth:>width$}  {}", g.name(v))?;
    }
    Ok(())
}

fn print_model(out: &mut impl Write, g: &LineageGraph, d: &Depths, v: u32) -> anyhow::Result<()> {
    let rows = [
        ("model", g.name(v).to_string()),
        ("merge depth", d.merge_depth[v as usize].to_string()),
        ("generation", d.generation[v as usize].to_string()),
    ];
    write!(out, "{}", render(&summary(&rows)))?;
    if d.merge_depth[v as usize] > 0 {
        writeln!(
            out,
            "longest merge chain, each model a merge of the one above:"
        )?;
        write_chain(out, g, &d.merge_chain(g, v))?;
    }
    let lineage = d.generation_chain(g, v);
    if d.generation[v as usize] > 0 && lineage != d.merge_chain(g, v) {
        writeln!(
            out,
            "longest lineage, each model derived from the one above:"
        )?;
        write_chain(out, g, &lineage)?;
    }
    writeln!(out, "{}", cycle_note(d))?;
    Ok(())
}
