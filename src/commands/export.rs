//! `lineage export`.

use std::process::ExitCode;

use crate::cli::ExportArgs;

pub fn run(_args: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lineage export` is not available yet")
}
