//! `lineage query authors`: who builds models together, and how concentrated the work is.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use lineage::algo::authors::{BotFilter, Collaboration};
use lineage::graph::LineageGraph;
use lineage::queries::authors::{authors, AuthorsOptions, TopAuthor};

use super::{csv_writer, finish_csv, load, percent, render, summary, table, thousands, write_json};
use crate::cli::{AuthorsArgs, QueryFormat};

pub fn run(args: AuthorsArgs) -> anyhow::Result<ExitCode> {
    let mut bots = BotFilter::builtin();
    for path in &args.bots {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--bots: reading {}", path.display()))?;
        bots.extend_from_str(&text);
    }
    let g = load(&args.common)?;
    let options = AuthorsOptions {
        top: args.top,
        components: args.components,
        include_flagged: args.common.include_flagged,
        bots,
    };
    let answer = authors(&g, &options)?;
    let mut out = super::stdout();
    match args.common.format {
        QueryFormat::Json => write_json(&mut out, &answer)?,
        QueryFormat::Csv => {
            let mut w = csv_writer(out);
            // The header comes from the first row's field names, once.
            for t in &answer.top {
                w.serialize(t)?;
            }
            finish_csv(w)?;
        }
        QueryFormat::Table => print_table(&mut out, &g, &answer.collaboration, &answer.top, &args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Histogram buckets for a readable table: exact up to 4, then by decades.
const BUCKETS: [(u32, u32); 9] = [
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 4),
    (5, 9),
    (10, 19),
    (20, 49),
    (50, 99),
    (100, u32::MAX),
];

fn bucketed(hist: &[(u32, u32)]) -> Vec<(String, u32)> {
    BUCKETS
        .iter()
        .map(|&(lo, hi)| {
            let label = match hi {
                u32::MAX => format!("{lo}+"),
                _ if lo == hi => lo.to_string(),
                _ => format!("{lo}-{hi}"),
            };
            let count = hist
                .iter()
                .filter(|&&(k, _)| k >= lo && k <= hi)
                .map(|&(_, c)| c)
                .sum();
            (label, count)
        })
        .filter(|(_, c)| *c > 0)
        .collect()
}

fn print_table(
    out: &mut impl Write,
    g: &LineageGraph,
    c: &Collaboration,
    top: &[TopAuthor],
    args: &AuthorsArgs,
) -> anyhow::Result<()> {
    let singletons = c
        .components
        .iter()
        .filter(|comp| comp.members.len() == 1)
        .count();
    let rows = [
        (
            "authors",
            format!(
                "{} committing to {} repo{} ({} bot account{} left out)",
                thousands(c.authors.into()),
                thousands(c.repos.into()),
                if c.repos == 1 { "" } else { "s" },
                c.bots,
                if c.bots == 1 { "" } else { "s" }
            ),
        ),
        (
            "links",
            format!("{} pairs of authors sharing a repo", thousands(c.links)),
        ),
        (
            "components",
            format!(
                "{}, the largest with {} authors; {} authors work alone",
                thousands(c.components.len() as u64),
                thousands(c.largest_component().into()),
                thousands(singletons as u64)
            ),
        ),
        (
            "top 10 authors",
            share_text(args.share, c.top10_share, c.top10_coverage),
        ),
        (
            "top 200 authors",
            share_text(args.share, c.top200_share, c.top200_coverage),
        ),
    ];
    write!(out, "{}", render(&summary(&rows)))?;

    let mut t = table(&["authors", "components"], &[0, 1]);
    for (size, count) in c.component_sizes() {
        t.add_row(vec![thousands(size.into()), thousands(count.into())]);
    }
    write!(out, "components by size\n{}", render(&t))?;

    let per_author = bucketed(&c.repos_per_author);
    let mut t = table(&["repos", "authors"], &[0, 1]);
    for (label, count) in per_author {
        t.add_row(vec![label, thousands(count.into())]);
    }
    write!(out, "repos per author\n{}", render(&t))?;
    let mut t = table(&["authors", "repos"], &[0, 1]);
    for &(k, count) in &c.authors_per_repo {
        t.add_row(vec![k.to_string(), thousands(count.into())]);
    }
    write!(
        out,
        "authors per repo (0: only bots committed)\n{}",
        render(&t)
    )?;

    const NAMES: usize = 12;
    for (i, comp) in c.components.iter().take(args.components).enumerate() {
        if comp.members.len() < 2 {
            break;
        }
        let names: Vec<String> = comp
            .members
            .iter()
            .take(NAMES)
            .map(|&a| format!("{} ({})", g.authors.name(a), c.repos_of[a as usize]))
            .collect();
        let more = comp.members.len().saturating_sub(NAMES);
        writeln!(
            out,
            "component #{}: {} author{}, {} repo{}: {}{}",
            i + 1,
            thousands(comp.members.len() as u64),
            if comp.members.len() == 1 { "" } else { "s" },
            thousands(comp.repos.into()),
            if comp.repos == 1 { "" } else { "s" },
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )?;
    }

    let mut t = table(
        &["#", "author", "repos", "component", "its size"],
        &[0, 2, 3, 4],
    );
    for (i, a) in top.iter().enumerate() {
        t.add_row(vec![
            (i + 1).to_string(),
            a.author.to_string(),
            thousands(a.repos.into()),
            format!("#{}", a.component),
            thousands(a.component_size.into()),
        ]);
    }
    write!(out, "top authors by repos committed to\n{}", render(&t))?;
    if !args.common.include_flagged {
        writeln!(
            out,
            "repos of flagged models not counted (--include-flagged)"
        )?;
    }
    Ok(())
}

/// A top-k share in words, naming what it is a share of.
fn share_text(basis: crate::cli::ShareBasis, contributions: f64, coverage: f64) -> String {
    match basis {
        crate::cli::ShareBasis::Contributions => format!(
            "{} of author-repo contributions (repos per author summed; the papers' share)",
            percent(contributions)
        ),
        crate::cli::ShareBasis::Coverage => {
            format!("committed to {} of the distinct repos", percent(coverage))
        }
    }
}
