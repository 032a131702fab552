//! `lineage query licenses` and `lineage query license-drift`: the license table with its
//! permissions, and the lineage edges whose licenses do not go together.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{presets::UTF8_BORDERS_ONLY, Table as Pretty};

use lineage::analysis::license_drift::{license_drift, Rules, Verdict};
use lineage::analysis::licenses::{license_distribution, permission_summary, table, Permissions};
use lineage::analysis::{Scope, Table};

use crate::cli::{LicenseDriftArgs, LicensesArgs, TableFormat};

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn permissions(path: &Option<std::path::PathBuf>) -> anyhow::Result<Permissions> {
    match path {
        Some(p) => Ok(Permissions::parse(p, &read(p)?)?),
        None => Ok(Permissions::builtin()),
    }
}

fn print(t: &Table, format: TableFormat, out: &mut impl Write) -> anyhow::Result<()> {
    match format {
        TableFormat::Csv => t.write_csv(&mut *out)?,
        TableFormat::Table => {
            let mut p = Pretty::new();
            p.load_preset(UTF8_BORDERS_ONLY);
            p.set_header(t.columns.clone());
            for row in &t.rows {
                p.add_row(row.iter().map(|c| c.to_string()).collect::<Vec<_>>());
            }
            writeln!(out, "{p}")?;
        }
    }
    Ok(())
}

pub fn run_licenses(args: LicensesArgs) -> anyhow::Result<ExitCode> {
    let perms = permissions(&args.licenses)?;
    let g = super::load_graph(&args.graph)?;
    let scope = Scope {
        include_flagged: args.include_flagged,
        ..Scope::default()
    };
    let rows = license_distribution(&g, &scope, &perms);
    let mut out = std::io::stdout().lock();
    print(&table(&rows), args.format, &mut out)?;
    if args.format == TableFormat::Table {
        writeln!(out, "models by permission:")?;
        print(&permission_summary(&rows), args.format, &mut out)?;
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
    let d = license_drift(&g, &scope, &perms, &rules);
    let mut out = std::io::stdout().lock();
    let t = if args.edges {
        d.edges_table(&g)
    } else {
        d.pairs_table(&rules)
    };
    print(&t, args.format, &mut out)?;
    if args.format == TableFormat::Table {
        writeln!(
            out,
            "{} edges checked: {} ok, {} incompatible, {} unverifiable; {} from bases no input describes not checked",
            d.checked(), d.count(Verdict::Ok), d.count(Verdict::Incompatible), d.count(Verdict::Unverifiable), d.stub_bases
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
