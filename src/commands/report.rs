//! `lineage report`: every analysis of the papers (`queries/paper.toml`) into one folder.

use std::path::PathBuf;
use std::process::ExitCode;

use lineage::report::{self, Source};

use crate::cli::ReportArgs;

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let local = PathBuf::from("queries/paper.toml");
    let (path, source) = match &args.spec {
        Some(p) => (p.clone(), Source::Files),
        None if local.exists() => (local, Source::Files),
        None => (local, Source::Builtin),
    };
    let (title, specs) = report::load(&path, source)?;
    if !args.quiet {
        let origin = match source {
            Source::Files => path.display().to_string(),
            Source::Builtin => format!("{} (built in)", path.display()),
        };
        eprintln!("running {} analyses from {origin}", specs.len());
    }
    let title = title.unwrap_or_else(|| "lineage report".to_string());
    super::run::execute(&args.graph, &args.out, &specs, source, &title, args.quiet)
}
