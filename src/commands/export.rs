//! `lineage export`: a graph file (or the part the filters select) -> GraphML, GEXF, DOT, JSON
//! or CSV, on stdout or into a file written atomically (a reader never sees half an export).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use tempfile::NamedTempFile;

use lineage::export::graphml::GraphMlWriter;
use lineage::export::parquet::ParquetGraphWriter;
use lineage::export::{self, csv::CsvWriter, Export, Filter, Format, DOT_NODE_WARNING};
use lineage::ingest::compress::{Compression, Encoder};

use crate::cli::{CompressArg, ExportArgs, ExportFormat};

const BUFFER: usize = 1 << 20;

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        ExportFormat::Graphml => Format::GraphMl,
        ExportFormat::Gexf => Format::Gexf,
        ExportFormat::Dot => Format::Dot,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Parquet => Format::Parquet,
    };
    let two_files = match format {
        Format::Csv => Some((export::csv::NODES_FILE, export::csv::EDGES_FILE)),
        Format::Parquet => Some((export::parquet::NODES_FILE, export::parquet::EDGES_FILE)),
        _ => None,
    };
    if let Some((nodes, edges)) = two_files {
        if args.out.as_deref().is_none_or(|p| p == Path::new("-")) {
            anyhow::bail!(
                "{} writes two files, {nodes} and {edges}; give the directory to write them \
                 into with -o DIR",
                format
            );
        }
    }
    if args.strict && format != Format::GraphMl {
        anyhow::bail!("--strict applies to graphml only, not {format}");
    }
    if format == Format::Parquet && args.compress.is_some() {
        anyhow::bail!(
            "Parquet files compress their own columns (zstd); --compress applies to the other \
             formats"
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
    let to_stdout = args.out.as_deref().is_none_or(|p| p == Path::new("-"));
    let compression = match args.compress {
        Some(CompressArg::Gzip) => Some(Compression::Gzip),
        Some(CompressArg::Zstd) => Some(Compression::Zstd),
        None => args
            .out
            .as_deref()
            .filter(|_| !to_stdout && two_files.is_none())
            .and_then(Compression::from_extension),
    };
    let written = match (to_stdout, &args.out, format) {
        (true, _, _) => {
            let out = BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
            let mut out = compressed(out, compression)?;
            write_single(&export, format, args.strict, &mut out)?;
            out.finish()?.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        (false, Some(dir), Format::Csv) => write_csv(&export, dir, compression)?,
        (false, Some(dir), Format::Parquet) => write_parquet(&export, dir)?,
        (false, Some(path), _) => {
            let size = write_atomically(path, compression, |out| {
                write_single(&export, format, args.strict, out)
            })?;
            vec![(path.clone(), size)]
        }
        (false, None, _) => unreachable!("no -o means stdout"),
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

/// Streams a single-file format, GraphML in its strict form when asked to.
fn write_single(
    export: &Export,
    format: Format,
    strict: bool,
    out: &mut impl Write,
) -> std::io::Result<()> {
    if strict {
        export.write(&mut GraphMlWriter::strict(out))
    } else {
        export.write_to(format, out)
    }
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

/// A writer over `out`, compressing when asked to.
enum Output<W: Write> {
    Plain(W),
    Compressed(Encoder<W>),
}

impl<W: Write> Output<W> {
    /// Ends the compressed stream, if any, and returns the writer underneath.
    fn finish(self) -> std::io::Result<W> {
        match self {
            Output::Plain(w) => Ok(w),
            Output::Compressed(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Plain(w) => w.write(buf),
            Output::Compressed(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Plain(w) => w.flush(),
            Output::Compressed(e) => e.flush(),
        }
    }
}

fn compressed<W: Write>(out: W, compression: Option<Compression>) -> std::io::Result<Output<W>> {
    Ok(match compression {
        None => Output::Plain(out),
        Some(c) => Output::Compressed(c.encoder(out)?),
    })
}

/// Writes through `write` into a temporary file (compressed when asked to), then renames it
/// onto `path`. Returns the size written.
fn write_atomically(
    path: &Path,
    compression: Option<Compression>,
    write: impl FnOnce(&mut Output<BufWriter<&File>>) -> std::io::Result<()>,
) -> anyhow::Result<u64> {
    let tmp = temporary_beside(path)?;
    {
        let context = || format!("writing {}", path.display());
        let out = BufWriter::with_capacity(BUFFER, tmp.as_file());
        let mut out = compressed(out, compression).with_context(context)?;
        write(&mut out).with_context(context)?;
        out.finish()
            .and_then(|mut w| w.flush())
            .with_context(context)?;
    }
    let size = tmp.as_file().metadata()?.len();
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(size)
}

/// Writes nodes.csv and edges.csv into `dir` (created if missing), each with `.gz` or `.zst`
/// appended when compressed; both appear only once both are complete.
fn write_csv(
    export: &Export,
    dir: &Path,
    compression: Option<Compression>,
) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = |file: &str| match compression {
        None => dir.join(file),
        Some(Compression::Gzip) => dir.join(format!("{file}.gz")),
        Some(Compression::Zstd) => dir.join(format!("{file}.zst")),
    };
    let nodes_path = name(export::csv::NODES_FILE);
    let edges_path = name(export::csv::EDGES_FILE);
    let nodes = temporary_beside(&nodes_path)?;
    let edges = temporary_beside(&edges_path)?;
    {
        let context = || format!("writing CSV files into {}", dir.display());
        let mut writer = CsvWriter::new(
            compressed(
                BufWriter::with_capacity(BUFFER, nodes.as_file()),
                compression,
            )
            .with_context(context)?,
            compressed(
                BufWriter::with_capacity(BUFFER, edges.as_file()),
                compression,
            )
            .with_context(context)?,
        );
        export.write(&mut writer).with_context(context)?;
        let (n, e) = writer.into_inner().with_context(context)?;
        n.finish()
            .and_then(|mut w| w.flush())
            .with_context(context)?;
        e.finish()
            .and_then(|mut w| w.flush())
            .with_context(context)?;
    }
    persist_both(nodes, nodes_path, edges, edges_path)
}

/// Writes nodes.parquet and edges.parquet into `dir` (created if missing); both appear only
/// once both are complete.
fn write_parquet(export: &Export, dir: &Path) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let nodes_path = dir.join(export::parquet::NODES_FILE);
    let edges_path = dir.join(export::parquet::EDGES_FILE);
    let nodes = temporary_beside(&nodes_path)?;
    let edges = temporary_beside(&edges_path)?;
    {
        let context = || format!("writing Parquet files into {}", dir.display());
        let mut writer = ParquetGraphWriter::new(
            BufWriter::with_capacity(BUFFER, nodes.as_file()),
            BufWriter::with_capacity(BUFFER, edges.as_file()),
        )
        .with_context(context)?;
        export.write(&mut writer).with_context(context)?;
        let (mut n, mut e) = writer.into_inner().with_context(context)?;
        n.flush().with_context(context)?;
        e.flush().with_context(context)?;
    }
    persist_both(nodes, nodes_path, edges, edges_path)
}

/// Renames two complete temporary files into place; returns their paths and sizes.
fn persist_both(
    nodes: NamedTempFile,
    nodes_path: PathBuf,
    edges: NamedTempFile,
    edges_path: PathBuf,
) -> anyhow::Result<Vec<(PathBuf, u64)>> {
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
