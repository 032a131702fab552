//! `lineage query licenses` and `lineage query license-drift`: the license table with its
//! permissions, and the lineage edges whose licenses do not go together.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use lineage::analysis::license_drift::{Rules, Verdict};
use lineage::analysis::licenses::{license_distribution, permission_summary, table, Permissions};
use lineage::analysis::{Scope, Table};
use lineage::queries::licenses::{license_drift, licenses, LicenseDriftOptions, LicensesOptions};

use crate::cli::{LicenseDriftArgs, LicensesArgs, QueryFormat};

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn permissions(path: &Option<std::path::PathBuf>) -> anyhow::Result<Permissions> {
    match path {
        Some(p) => Ok(Permissions::parse(p, &read(p)?)?),
        None => Ok(Permissions::builtin()),
    }
}

/// The table in the house style of every query (CSV and JSON are written by the callers).
fn print(t: &Table, out: &mut impl Write) -> anyhow::Result<()> {
    write!(out, "{}", super::query::pretty(t))?;
    Ok(())
}

pub fn run_licenses(args: LicensesArgs) -> anyhow::Result<ExitCode> {
    let perms = permissions(&args.licenses)?;
    let g = super::load_graph(&args.graph)?;
    let scope = Scope {
        include_flagged: args.include_flagged,
        ..Scope::default()
    };
    let mut out = std::io::stdout().lock();
    if args.format == QueryFormat::Json {
        let o = LicensesOptions {
            include_flagged: args.include_flagged,
        };
        serde_json::to_writer_pretty(&mut out, &licenses(&g, &o, &perms))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = license_distribution(&g, &scope, &perms);
    let licenses = table(&rows);
    let permissions = permission_summary(&rows);
    match args.format {
        QueryFormat::Csv => licenses.write_csv(&mut out)?,
        QueryFormat::Json => unreachable!("answered above"),
        QueryFormat::Table => {
            print(&licenses, &mut out)?;
            writeln!(out, "\nmodels by permission:")?;
            print(&permissions, &mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_license_drift(args: LicenseDriftArgs) -> anyhow::Result<ExitCode> {
    let perms = permissions(&args.licenses)?;
    let rules = match &args.rules {
        Some(p) => Rules::parse(p, &read(p)?)?,
        None => Rules::builtin(),
    };
    let g = super::load_graph(&args.graph)?;
    let scope = Scope {
        include_flagged: args.include_flagged,
        ..Scope::default()
    };
    let mut out = std::io::stdout().lock();
    if args.format == QueryFormat::Json {
        let o = LicenseDriftOptions {
            edges: args.edges,
            include_flagged: args.include_flagged,
        };
        serde_json::to_writer_pretty(&mut out, &license_drift(&g, &o, &perms, &rules))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let d = lineage::analysis::license_drift::license_drift(&g, &scope, &perms, &rules);
    let t = if args.edges {
        d.edges_table(&g)
    } else {
        d.pairs_table(&rules)
    };
    match args.format {
        QueryFormat::Csv => t.write_csv(&mut out)?,
        QueryFormat::Json => unreachable!("answered above"),
        QueryFormat::Table => {
            print(&t, &mut out)?;
            let n = |x: usize| super::query::thousands(x as u64);
            writeln!(
                out,
                "{} checked: {} ok, {} incompatible, {} unverifiable; {} from bases no input \
                 describes not checked",
                lineage::ingest::report::count(d.checked() as u64, "edge", "edges"),
                n(d.count(Verdict::Ok)),
                n(d.count(Verdict::Incompatible)),
                n(d.count(Verdict::Unverifiable)),
                n(d.stub_bases)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
