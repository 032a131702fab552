//! `lineage query`: the lineage analyses over a graph file, each a subcommand in its own
//! file; this one holds what they share (loading, name resolution, the three output forms).

mod authors;
mod derivatives;
mod improvements;
mod merge_depth;

use std::io::{StdoutLock, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use lineage::graph::{file, LineageGraph};
use lineage::model::Day;

use crate::cli::{Query, QueryArgs, QueryCommon};

pub fn run(args: QueryArgs) -> anyhow::Result<ExitCode> {
    let result = match args.query {
        Query::Derivatives(a) => derivatives::run(a),
        Query::Improvements(a) => improvements::run(a),
        Query::MergeDepth(a) => merge_depth::run(a),
        Query::Authors(a) => authors::run(a),
        Query::Licenses(a) => super::licenses::run_licenses(a),
        Query::LicenseDrift(a) => super::licenses::run_license_drift(a),
    };
    match result {
        // The CSV and JSON writers wrap the error of a closed stdout in their own; it is
        // still `lineage query ... | head`, which ends quietly.
        Err(_) if PIPE_CLOSED.load(Ordering::Relaxed) => {
            Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into())
        }
        other => other,
    }
}

/// Set when a write to stdout found the pipe closed.
static PIPE_CLOSED: AtomicBool = AtomicBool::new(false);

/// Stdout that notes a closed pipe.
struct Out(StdoutLock<'static>);

fn stdout() -> Out {
    Out(std::io::stdout().lock())
}

impl Out {
    fn noted<T>(result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                PIPE_CLOSED.store(true, Ordering::Relaxed);
            }
        }
        result
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Out::noted(self.0.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Out::noted(self.0.flush())
    }
}

/// Loads the graph the query runs on, with a hint when there is none yet.
fn load(common: &QueryCommon) -> anyhow::Result<LineageGraph> {
    let path: &Path = &common.graph;
    if !path.exists() {
        anyhow::bail!(
            "{}: no graph file; build one with `lineage build [INPUTS]` or give --graph PATH",
            path.display()
        );
    }
    Ok(file::load(path)?)
}

/// No borders, a rule under the header (comfy-table's preset layout: 19 characters).
const HEADER_RULE: &str = "     ──            ";

/// A table in the house style: a header rule, numbers right-aligned.
fn table(header: &[&str], right: &[usize]) -> Table {
    let mut t = Table::new();
    t.load_preset(HEADER_RULE);
    t.set_header(header.to_vec());
    for &i in right {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// Two-column table of labels and values, for summaries.
fn summary(rows: &[(&str, String)]) -> Table {
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v.clone()]);
    }
    t
}

/// A table as text, without the padding comfy-table leaves at the end of lines.
fn render(t: &Table) -> String {
    let text = t.to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn write_json<T: Serialize>(out: &mut Out, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn csv_writer(out: Out) -> csv::Writer<Out> {
    csv::Writer::from_writer(out)
}

fn finish_csv(mut w: csv::Writer<Out>) -> anyhow::Result<()> {
    w.flush()?;
    Ok(())
}

/// `1234567` -> `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn signed(x: f64, decimals: usize) -> String {
    format!("{x:+.decimals$}")
}

fn day(d: Option<Day>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or_else(|| "-".to_string(), |x| x.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
