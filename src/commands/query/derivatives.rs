//! `lineage query derivatives`: which models the community builds on.

use std::io::Write;
use std::process::ExitCode;

use lineage::algo::KindSet;
use lineage::model::EdgeKind;
use lineage::queries::derivatives::{derivatives, DerivativesOptions, Row};

use super::{csv_writer, finish_csv, load, render, table, thousands, write_json};
use crate::cli::{DerivativesArgs, QueryFormat};

pub fn run(args: DerivativesArgs) -> anyhow::Result<ExitCode> {
    let g = load(&args.common)?;
    let include_flagged = args.common.include_flagged;
    let options = DerivativesOptions {
        top: args.top,
        kinds: args.kinds,
        model: args.model,
        include_flagged,
    };
    let answer = derivatives(&g, &options)?;
    let kinds = answer.kinds;
    let mut out = super::stdout();
    match args.common.format {
        QueryFormat::Json => write_json(&mut out, &answer)?,
        QueryFormat::Csv => {
            let mut w = csv_writer(out);
            let mut header = vec!["model", "direct", "descendants"];
            header.extend(EdgeKind::ALL.map(|k| k.as_str()));
            w.write_record(&header)?;
            for r in &answer.rows {
                let mut rec = vec![
                    r.model.to_string(),
                    r.direct.to_string(),
                    r.descendants.to_string(),
                ];
                rec.extend(EdgeKind::ALL.iter().map(|&k| r.by_kind.of(k).to_string()));
                w.write_record(&rec)?;
            }
            finish_csv(w)?;
        }
        QueryFormat::Table => {
            let rows = &answer.rows;
            print_table(&mut out, rows, kinds)?;
            if let Some(total) = answer.ranked_of {
                writeln!(
                    out,
                    "{} of {} models have descendants{}",
                    thousands(rows.len() as u64),
                    thousands(total as u64),
                    if rows.len() < total {
                        " (--top N for more)"
                    } else {
                        ""
                    }
                )?;
            } else if answer.model_flagged {
                if let Some(r) = rows.first() {
                    writeln!(out, "{} is flagged on the leaderboard", r.model)?;
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

fn print_table(out: &mut impl Write, rows: &[Row], kinds: KindSet) -> anyhow::Result<()> {
    let shown: Vec<EdgeKind> = kinds.iter().collect();
    let mut header = vec!["#", "model", "direct", "descendants"];
    header.extend(shown.iter().map(|k| k.as_str()));
    let right: Vec<usize> = (0..header.len()).filter(|&i| i != 1).collect();
    let mut t = table(&header, &right);
    for (i, r) in rows.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            r.model.to_string(),
            thousands(r.direct.into()),
            thousands(r.descendants.into()),
        ];
        row.extend(shown.iter().map(|&k| thousands(r.by_kind.of(k).into())));
        t.add_row(row);
    }
    write!(out, "{}", render(&t))?;
    Ok(())
}
