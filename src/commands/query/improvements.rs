//! `lineage query improvements`: how far a base model's family improved on it, and when.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use lineage::algo::improvements::{Improvement, Member, NamePattern, Normalize};
use lineage::graph::LineageGraph;
use lineage::queries::improvements::{
    improvements, step, FamilyReport, ImprovementsAnswer, ImprovementsOptions, Method,
};
use lineage::queries::round4;

use super::{
    csv_writer, day, finish_csv, load, opt, render, signed, summary, table, thousands, write_json,
};
use crate::cli::{ImprovementsArgs, MatchMethod, NormalizeArg, QueryFormat};

pub fn run(args: ImprovementsArgs) -> anyhow::Result<ExitCode> {
    let g = load(&args.common)?;
    let options = ImprovementsOptions {
        base: args.base.clone(),
        all: args.all,
        min_family: args.min_family,
        include_merges: args.include_merges,
        include_flagged: args.common.include_flagged,
        normalize: match args.normalize {
            NormalizeArg::Log => Normalize::Log,
            NormalizeArg::Count => Normalize::Count,
            NormalizeArg::None => Normalize::None,
        },
        method: match args.method {
            MatchMethod::Lineage => Method::Lineage,
            MatchMethod::Name => Method::Name,
        },
        pattern: args.pattern.clone(),
        params: args.params.map(|s| s.0),
        params_range: args.params_range,
        members: args.members,
        board: args.board,
    };
    match improvements(&g, &options)? {
        ImprovementsAnswer::One {
            report,
            improvement,
            pattern,
        } => print_one(&g, &report, &improvement, pattern.as_ref(), &args),
        ImprovementsAnswer::All {
            reports,
            improvements,
        } => print_all(&g, &reports, &improvements, &args),
    }
}

fn print_one(
    g: &LineageGraph,
    report: &FamilyReport,
    imp: &Improvement,
    pattern: Option<&NamePattern>,
    args: &ImprovementsArgs,
) -> anyhow::Result<ExitCode> {
    let mut out = super::stdout();
    let shown: Vec<&Member> = imp
        .members
        .iter()
        .filter(|m| args.members || m.on_frontier)
        .collect();
    match args.common.format {
        QueryFormat::Json => write_json(&mut out, report)?,
        QueryFormat::Csv => {
            let mut w = csv_writer(out);
            for m in shown {
                w.serialize(step(g, m, args.members))?;
            }
            finish_csv(w)?;
        }
        QueryFormat::Table => {
            let base = &g.models[imp.base as usize];
            let mut base_line = g.name(imp.base).to_string();
            match base.created {
                Some(d) if d == lineage::model::HUB_EPOCH => {
                    base_line += &format!(", created {d} or before")
                }
                Some(d) => base_line += &format!(", created {d}"),
                None => base_line += ", creation date unknown",
            }
            if base.is_stub() {
                base_line += " (named by derivatives only)";
            }
            let reference = match (imp.reference_model, imp.reference_average) {
                (Some(v), Some(a)) if pattern.is_some() => format!(
                    "{} (the earliest dated member, as the papers), average {a:.2}",
                    g.name(v)
                ),
                (Some(_), Some(a)) if imp.reference_is_base => format!("the base, average {a:.2}"),
                (Some(v), Some(a)) => format!(
                    "{} (earliest scored member; the base has no usable score), average {a:.2}",
                    g.name(v)
                ),
                _ => "none: no member has a score".to_string(),
            };
            let family_what = match pattern {
                Some(p) => format!(
                    "names matching '{}'{}",
                    p.pattern,
                    match p.params {
                        Some(x) if p.params_range > 0.0 =>
                            format!(" with {x}-{} B parameters", x + p.params_range),
                        Some(x) => format!(" with {x} B parameters"),
                        None => String::new(),
                    }
                ),
                None => "descendants".to_string(),
            };
            let merges = if args.include_merges {
                "merges included"
            } else {
                "merges and their descendants left out"
            };
            let mut family = format!(
                "{} {family_what} ({merges}); {} scored",
                thousands(imp.family_size.into()),
                thousands(imp.scored_members.into())
            );
            if imp.undated_members > 0 {
                family += &format!(", {} of them undated", imp.undated_members);
            }
            let release = match (imp.release, imp.days_from_earliest_member) {
                (Some(d), true) if pattern.is_some() => {
                    format!("days count from the earliest dated member, {d} (the papers' rule)")
                }
                (Some(d), false) => format!("days count from the base's creation, {d}"),
                (Some(d), true) => {
                    format!(
                        "days count from the earliest member, {d} (the base has no usable date)"
                    )
                }
                (None, _) => "no dates to count days from".to_string(),
            };
            let total = match (imp.total_improvement_pct, imp.best_model) {
                (Some(p), Some(best)) => {
                    let b = g.models[best as usize]
                        .average(imp.board)
                        .unwrap_or(f32::NAN);
                    let points = f64::from(b) - f64::from(imp.reference_average.unwrap_or(b));
                    format!(
                        "{} points, {}% of the reference (best: {}, {:.2})",
                        signed(points, 2),
                        signed(p, 2),
                        g.name(best),
                        b
                    )
                }
                _ => "-".to_string(),
            };
            // The result first, then how it was reached. The papers' name method divides
            // points; the lineage method divides the improvement in percent.
            let best_points = imp
                .best_model
                .and_then(|b| g.models[b as usize].average(imp.board))
                .zip(imp.reference_average)
                .map(|(b, r)| f64::from(b) - f64::from(r));
            let dividend = if pattern.is_some() {
                best_points
            } else {
                imp.total_improvement_pct
            };
            let result = dividend.zip(imp.divisor).map(|(v, d)| signed(v / d, 3));
            let norm = match (imp.normalize, imp.divisor, result) {
                (Normalize::None, _, _) => "none".to_string(),
                (Normalize::Log, Some(d), Some(r)) if pattern.is_some() => format!(
                    "{r} (improvement in points / ln({} dated members), ln = {d:.3})",
                    imp.members.len()
                ),
                (Normalize::Log, Some(d), Some(r)) => format!(
                    "{r} (total improvement % / ln({} scored members), ln = {d:.3})",
                    imp.scored_members
                ),
                (Normalize::Count, Some(_), Some(r)) => format!(
                    "{r} (total improvement % / {} scored members)",
                    imp.scored_members
                ),
                (_, Some(_), None) => "- (no total improvement)".to_string(),
                (_, None, _) => "undefined for fewer than 2 scored members".to_string(),
            };
            let rows = [
                ("base", base_line),
                ("leaderboard", board_line(g, imp.board)),
                ("reference", reference),
                ("family", family),
                ("release", release),
                ("total improvement", total),
                ("normalised", norm),
            ];
            write!(out, "{}", render(&summary(&rows)))?;
            let title = if args.members {
                "scored members in creation order (* sets a record)"
            } else {
                "frontier: record-setters in creation order"
            };
            writeln!(out, "{title}")?;
            let mut t = table(
                &[
                    "#",
                    "model",
                    "created",
                    "days",
                    "average",
                    "points",
                    "% of reference",
                    if pattern.is_some() {
                        "normalised points"
                    } else {
                        "normalised %"
                    },
                ],
                &[0, 3, 4, 5, 6, 7],
            );
            for (i, m) in shown.iter().enumerate() {
                let marker = if args.members && m.on_frontier {
                    "*"
                } else {
                    ""
                };
                t.add_row(vec![
                    format!("{marker}{}", i + 1),
                    g.name(m.model).to_string(),
                    day(m.created),
                    opt(m.days_since_release),
                    format!("{:.2}", m.average),
                    m.improvement_points.map_or("-".into(), |p| signed(p, 2)),
                    m.improvement_pct
                        .map_or("-".into(), |p| format!("{}%", signed(p, 2))),
                    m.normalized.map_or("-".into(), |p| signed(p, 3)),
                ]);
            }
            write!(out, "{}", render(&t))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct AllRow<'a> {
    base: &'a str,
    created: Option<String>,
    reference_average: Option<f32>,
    reference_is_base: bool,
    family_size: u32,
    scored_members: u32,
    best_model: Option<&'a str>,
    best_average: Option<f32>,
    total_improvement_pct: Option<f64>,
    frontier_steps: usize,
}

fn print_all(
    g: &LineageGraph,
    reports: &[FamilyReport],
    all: &[Improvement],
    args: &ImprovementsArgs,
) -> anyhow::Result<ExitCode> {
    let mut out = super::stdout();
    let row = |imp: &Improvement| AllRow {
        base: g.name(imp.base),
        created: g.models[imp.base as usize].created.map(|d| d.to_string()),
        reference_average: imp.reference_average,
        reference_is_base: imp.reference_is_base,
        family_size: imp.family_size,
        scored_members: imp.scored_members,
        best_model: imp.best_model.map(|v| g.name(v)),
        best_average: imp
            .best_model
            .and_then(|v| g.models[v as usize].average(imp.board)),
        total_improvement_pct: imp.total_improvement_pct.map(round4),
        frontier_steps: imp.frontier.len(),
    };
    match args.common.format {
        QueryFormat::Json => write_json(&mut out, &reports)?,
        QueryFormat::Csv => {
            let mut w = csv_writer(out);
            for imp in all {
                w.serialize(row(imp))?;
            }
            finish_csv(w)?;
        }
        QueryFormat::Table => {
            let mut t = table(
                &[
                    "#",
                    "base",
                    "created",
                    "reference",
                    "family",
                    "scored",
                    "best member",
                    "best",
                    "total",
                    "steps",
                ],
                &[0, 3, 4, 5, 7, 8, 9],
            );
            for (i, imp) in all.iter().enumerate() {
                let r = row(imp);
                let reference = match (r.reference_average, r.reference_is_base) {
                    (Some(a), true) => format!("{a:.2}"),
                    (Some(a), false) => format!("{a:.2}*"),
                    (None, _) => "-".into(),
                };
                let created = match g.models[imp.base as usize].created {
                    // The Hub's first day stands for "at or before".
                    Some(d) if d == lineage::model::HUB_EPOCH => format!("\u{2264}{d}"),
                    Some(d) => d.to_string(),
                    None => "-".into(),
                };
                t.add_row(vec![
                    (i + 1).to_string(),
                    r.base.to_string(),
                    created,
                    reference,
                    thousands(r.family_size.into()),
                    thousands(r.scored_members.into()),
                    r.best_model.unwrap_or("-").to_string(),
                    r.best_average.map_or("-".into(), |a| format!("{a:.2}")),
                    r.total_improvement_pct
                        .map_or("-".into(), |p| format!("{}%", signed(p, 1))),
                    r.frontier_steps.to_string(),
                ]);
            }
            write!(out, "{}", render(&t))?;
            writeln!(
                out,
                "{} bases with at least {} scored members on leaderboard {}; {}; * the earliest member stands in for an unscored base",
                all.len(),
                args.min_family.max(1),
                all.first()
                    .map_or_else(|| g.default_board(), |i| i.board)
                    .label(),
                if args.include_merges {
                    "merges included"
                } else {
                    "merges and their descendants left out"
                }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The board the averages come from, and why when the graph holds both.
fn board_line(g: &LineageGraph, board: lineage::model::Board) -> String {
    if g.boards().len() > 1 {
        format!(
            "{} (the graph holds both boards, on different scales; --board picks one)",
            board.label()
        )
    } else {
        board.label().to_string()
    }
}
