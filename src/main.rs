//! The `lineage` binary: parse arguments, dispatch to a command, map errors to exit codes.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Building a graph allocates millions of small strings; mimalloc handles that pattern
/// markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if commands::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "error: {}",
                commands::error_message(&err)
            );
            ExitCode::from(1)
        }
    }
}
