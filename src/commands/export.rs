//! `lineage export`: a graph file (or the part the filters select) -> GraphML, GEXF, DOT, JSON
//! or CSV, on stdout or into a file written atomically (a reader never sees half an export).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use tempfile::NamedTempFile;

use lineage::export::{self, csv::CsvWriter, Export, Filter, Format, DOT_NODE_WARNING};

use crate::cli::{ExportArgs, ExportFormat};

const BUFFER: usize = 1 << 20;

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        ExportFormat::Graphml => Format::GraphMl,
        ExportFormat::Gexf => Format::Gexf,
        ExportFormat::Dot => Format::Dot,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
    };
    if format == Format::Csv && args.out.is_none() {
        anyhow::bail!(
            "csv writes two files, {} and {}; give the directory to write them into with -o DIR",
            export::csv::NODES_FILE,
            export::csv::EDGES_FILE
        );
    }
    let filter = Filter {
        base: args.base.clone(),
        depth: args.depth,
        kinds: args.kinds.clone(),
        since: args.since,
        until: args.until,
        min_descendants: args.min_descendants,
        exclude_stubs: args.exclude_stubs,
        include_flagged: args.include_flagged,
    };
    let started = Instant::now();
    let graph = super::load_graph(&args.graph)?;
    let export = Export::new(&graph, &filter)?;
    if format == Format::Dot && export.node_count() > DOT_NODE_WARNING {
        note!(
            "warning: {} models is more than Graphviz lays out readably (a few thousand); \
             narrow the export with --base and --depth, --min-descendants or --since",
            export.node_count()
        );
    }
    let written = match (&args.out, format) {
        (None, _) => {
            let mut out = BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
            export.write_to(format, &mut out)?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        (Some(dir), Format::Csv) => write_csv(&export, dir)?,
        (Some(path), _) => {
            let size = write_atomically(path, |out| export.write_to(format, out))?;
            vec![(path.clone(), size)]
        }
    };
    if !args.quiet {
        let files: Vec<String> = written
            .iter()
            .map(|(p, size)| format!("{} ({})", p.display(), super::human_size(*size)))
            .collect();
        note!(
            "wrote {}: {} models, {} edges in {:.2} s",
            files.join(" and "),
            export.node_count(),
            export.edge_count(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A temporary file beside `path`, to be renamed onto it once complete.
fn temporary_beside(path: &Path) -> anyhow::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lineage-export-").suffix(".tmp");
    // Temporary files are private; an export is an ordinary file once in place.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))
}

/// Writes through `write` into a temporary file, then renames it onto `path`.
/// Returns the size written.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
) -> anyhow::Result<u64> {
    let tmp = temporary_beside(path)?;
    {
        let mut out = BufWriter::with_capacity(BUFFER, tmp.as_file());
        write(&mut out).with_context(|| format!("writing {}", path.display()))?;
        out.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let size = tmp.as_file().metadata()?.len();
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(size)
}

/// Writes nodes.csv and edges.csv into `dir` (created if missing); both appear only once
/// both are complete.
fn write_csv(export: &Export, dir: &Path) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let nodes_path = dir.join(export::csv::NODES_FILE);
    let edges_path = dir.join(export::csv::EDGES_FILE);
    let nodes = temporary_beside(&nodes_path)?;
    let edges = temporary_beside(&edges_path)?;
    {
        let mut writer = CsvWriter::new(
            BufWriter::with_capacity(BUFFER, nodes.as_file()),
            BufWriter::with_capacity(BUFFER, edges.as_file()),
        );
        export
            .write(&mut writer)
            .with_context(|| format!("writing CSV files into {}", dir.display()))?;
    }
    let mut written = Vec::new();
    for (tmp, path) in [(nodes, nodes_path), (edges, edges_path)] {
        let size = tmp.as_file().metadata()?.len();
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push((path, size));
    }
    Ok(written)
}
