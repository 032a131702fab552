//! `lineage query`.

use std::process::ExitCode;

use crate::cli::QueryArgs;

pub fn run(_args: QueryArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lineage query` is not available yet")
}
