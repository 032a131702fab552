//! `lineage run SPEC...`: load and check the specs, run them over a graph file, write each
//! analysis's CSV, SVG and PNG and an `index.html`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use lineage::graph::file;
use lineage::report::{self, Source, Spec};

use crate::cli::RunArgs;

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut specs = Vec::new();
    let mut title = None;
    for path in &args.specs {
        let (t, s) = report::load(path, Source::Files)?;
        title = title.or(t);
        specs.extend(s);
    }
    let title = title.unwrap_or_else(|| "lineage analyses".to_string());
    execute(
        &args.graph,
        &args.out,
        &specs,
        Source::Files,
        &title,
        args.quiet,
    )
}

/// Runs `specs` (already loaded) over the graph at `graph_path` into `out`.
pub fn execute(
    graph_path: &Path,
    out: &Path,
    specs: &[Spec],
    source: Source,
    title: &str,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    report::check_outputs(specs)?;
    let started = Instant::now();
    let graph = file::load(graph_path)?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut outputs = Vec::with_capacity(specs.len());
    for spec in specs {
        let t = Instant::now();
        let o = report::compute(&graph, spec, source)?;
        let written = report::write(&o, out)?;
        if !quiet {
            let files: Vec<PathBuf> = written
                .csv
                .iter()
                .cloned()
                .chain([written.svg.clone(), written.png.clone()])
                .collect();
            eprintln!(
                "{:<28} {:>5} rows  {:>6.2} s  {}",
                o.name,
                o.table.len(),
                t.elapsed().as_secs_f64(),
                files
                    .iter()
                    .map(|f| f
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            for n in &o.notes {
                eprintln!("  {n}");
            }
        }
        outputs.push(o);
    }
    let about = format!(
        "Computed by lineage from {} ({} models).",
        graph_path.display(),
        graph.model_count()
    );
    let index = report::write_index(out, title, &about, &outputs)?;
    if !quiet {
        eprintln!(
            "wrote {} analyses and {} in {:.2} s",
            outputs.len(),
            index.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
