//! `lineage query derivatives`: which models the community builds on.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use lineage::algo::derivatives::{derivatives_with, top, DerivativeOptions, Derivatives};
use lineage::algo::KindSet;
use lineage::graph::LineageGraph;
use lineage::model::EdgeKind;

use super::{csv_writer, finish_csv, load, render, resolve, table, thousands, write_json};
use crate::cli::{DerivativesArgs, QueryFormat};

#[derive(Serialize)]
struct Row<'a> {
    model: &'a str,
    direct: u32,
    descendants: u32,
    by_kind: ByKind,
}

#[derive(Serialize)]
struct ByKind {
    finetune: u32,
    adapter: u32,
    quantized: u32,
    merge: u32,
    unspecified: u32,
}

impl From<&Derivatives> for ByKind {
    fn from(d: &Derivatives) -> Self {
        let k = d.by_kind;
        ByKind {
            finetune: k[0],
            adapter: k[1],
            quantized: k[2],
            merge: k[3],
            unspecified: k[4],
        }
    }
}

pub fn run(args: DerivativesArgs) -> anyhow::Result<ExitCode> {
    let g = load(&args.common)?;
    let include_flagged = args.common.include_flagged;
    let kinds = if args.kinds.is_empty() {
        KindSet::ALL
    } else {
        KindSet::of(&args.kinds)
    };
    let counts = derivatives_with(
        &g,
        &DerivativeOptions {
            kinds,
            include_flagged,
        },
    );
    let (rows, ranked) = match &args.model {
        Some(name) => (vec![resolve(&g, name, "--model")?], None),
        None => {
            let (rows, total) = top(&g, &counts, include_flagged, args.top);
            (rows, Some(total))
        }
    };
    let mut out = super::stdout();
    match args.common.format {
        QueryFormat::Json => {
            let json: Vec<Row> = rows
                .iter()
                .map(|&v| {
                    let d = &counts[v as usize];
                    Row {
                        model: g.name(v),
                        direct: d.direct,
                        descendants: d.descendants,
                        by_kind: d.into(),
                    }
                })
                .collect();
            write_json(&mut out, &json)?;
        }
        QueryFormat::Csv => {
            let mut w = csv_writer(out);
            let mut header = vec!["model", "direct", "descendants"];
            header.extend(EdgeKind::ALL.map(|k| k.as_str()));
            w.write_record(&header)?;
            for &v in &rows {
                let d = &counts[v as usize];
                let mut rec = vec![
                    g.name(v).to_string(),
                    d.direct.to_string(),
                    d.descendants.to_string(),
                ];
                rec.extend(d.by_kind.iter().map(|c| c.to_string()));
                w.write_record(&rec)?;
            }
            finish_csv(w)?;
        }
        QueryFormat::Table => {
            print_table(&mut out, &g, &counts, &rows, kinds)?;
            if let Some(total) = ranked {
                if rows.len() < total {
                    writeln!(
                        out,
                        "the top {} of {} models with descendants (--top N for more)",
                        thousands(rows.len() as u64),
                        thousands(total as u64),
                    )?;
                } else {
                    let models = if total == 1 {
                        "model has"
                    } else {
                        "models have"
                    };
                    writeln!(out, "{} {models} descendants", thousands(total as u64))?;
                }
            } else if let Some(&v) = rows.first() {
                if g.models[v as usize].is_flagged() {
                    writeln!(out, "{} is flagged on the leaderboard", g.name(v))?;
                }
            }
            if !kinds.is_all() {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                writeln!(out, "following {} edges only", names.join(", "))?;
            }
            writeln!(
                out,
                "by kind: how each descendant was made; {}",
                if include_flagged {
                    "flagged models counted"
                } else {
                    "flagged models not counted (--include-flagged)"
                }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(
    out: &mut impl Write,
    g: &LineageGraph,
    counts: &[Derivatives],
    rows: &[u32],
    kinds: KindSet,
) -> anyhow::Result<()> {
    let shown: Vec<EdgeKind> = kinds.iter().collect();
    let mut header = vec!["#", "model", "direct", "descendants"];
    header.extend(shown.iter().map(|k| k.as_str()));
    let right: Vec<usize> = (0..header.len()).filter(|&i| i != 1).collect();
    let mut t = table(&header, &right);
    for (i, &v) in rows.iter().enumerate() {
        let d = &counts[v as usize];
        let mut row = vec![
            (i + 1).to_string(),
            g.name(v).to_string(),
            thousands(d.direct.into()),
            thousands(d.descendants.into()),
        ];
        row.extend(shown.iter().map(|&k| thousands(d.of_kind(k).into())));
        t.add_row(row);
    }
    write!(out, "{}", render(&t))?;
    Ok(())
}
