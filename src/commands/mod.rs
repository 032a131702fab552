//! One module per command: arguments in, a plain configuration to the library, output out.

mod build;
mod export;
mod fetch;
mod info;
pub(crate) mod licenses;
mod query;
mod report;
mod run;
mod synth;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Info(args) => info::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Query(args) => query::run(args),
        Command::Export(args) => export::run(args),
        Command::Run(args) => run::run(args),
        Command::Report(args) => report::run(args),
        Command::Fetch(args) => fetch::run(args),
    }
}

/// True when the error is a closed stdout (`lineage ... | head`): not worth reporting.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
