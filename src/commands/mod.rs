//! One module per command: arguments in, a plain configuration to the library, output out.

/// Writes a line on stderr. A closed stderr (`lineage build 2>&1 | head -1`) loses the line
/// rather than panicking, as `eprintln!` would.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod build;
mod completions;
mod export;
mod fetch;
mod info;
pub(crate) mod licenses;
mod query;
mod report;
mod run;
mod serve;
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
        Command::Serve(args) => serve::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man => completions::man(),
    }
}

/// A file size for people: `812 B`, `40.2 kB`, `3.1 MB`, `1.20 GB`.
pub fn human_size(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes < 1000 {
        format!("{bytes} B")
    } else if b < 1e6 {
        format!("{:.1} kB", b / 1e3)
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.2} GB", b / 1e9)
    }
}

/// Loads the graph file a command reads, with a hint when there is none yet.
pub fn load_graph(path: &std::path::Path) -> anyhow::Result<lineage::graph::LineageGraph> {
    if !path.exists() {
        anyhow::bail!(
            "{}: no graph file; run `lineage build [INPUTS]` first, or give --graph PATH",
            path.display()
        );
    }
    Ok(lineage::graph::file::load(path)?)
}

/// The message of an error and its causes, each said once: an error whose own text already
/// quotes its cause (`cannot read: No such file ...`) does not get the cause again.
pub fn error_message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// True when the error is a closed stdout (`lineage ... | head`): not worth reporting.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let kind = match e.downcast_ref::<std::io::Error>() {
            Some(io) => Some(io.kind()),
            // A JSON writer's error holds the io error inside.
            None => e
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind),
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}
