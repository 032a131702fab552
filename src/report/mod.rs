//! Reports: spec files under `queries/` (one per analysis, or a set such as
//! `queries/paper.toml`), loaded and checked here, run over a graph through the analysis
//! registry, and written out as CSV tables, SVG and PNG charts and an `index.html` that
//! shows them all. `lineage run` and `lineage report` are this module's faces.

mod html;
pub mod spec;

use std::path::{Component, Path, PathBuf};

use thiserror::Error;

use crate::analysis::registry::{AnalysisError, Context, TableReader};
use crate::analysis::Table;
use crate::error::IngestError;
use crate::graph::LineageGraph;
use crate::render::RenderError;

pub use crate::analysis::Output;
pub use spec::{Parsed, Spec, SpecError};

/// The spec files and data tables built into the binary, by their path in the project.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "queries/paper.toml",
        include_str!("../../queries/paper.toml"),
    ),
    (
        "queries/authors-over-time.toml",
        include_str!("../../queries/authors-over-time.toml"),
    ),
    (
        "queries/repos-per-author.toml",
        include_str!("../../queries/repos-per-author.toml"),
    ),
    (
        "queries/authors-per-repo.toml",
        include_str!("../../queries/authors-per-repo.toml"),
    ),
    (
        "queries/new-models-by-type.toml",
        include_str!("../../queries/new-models-by-type.toml"),
    ),
    (
        "queries/new-models-by-architecture.toml",
        include_str!("../../queries/new-models-by-architecture.toml"),
    ),
    (
        "queries/derivative-counts.toml",
        include_str!("../../queries/derivative-counts.toml"),
    ),
    (
        "queries/score-by-type.toml",
        include_str!("../../queries/score-by-type.toml"),
    ),
    (
        "queries/params-by-architecture.toml",
        include_str!("../../queries/params-by-architecture.toml"),
    ),
    (
        "queries/downloads-by-size.toml",
        include_str!("../../queries/downloads-by-size.toml"),
    ),
    (
        "queries/best-score-by-size.toml",
        include_str!("../../queries/best-score-by-size.toml"),
    ),
    (
        "queries/params-per-point.toml",
        include_str!("../../queries/params-per-point.toml"),
    ),
    (
        "queries/improvement-per-base.toml",
        include_str!("../../queries/improvement-per-base.toml"),
    ),
    (
        "queries/improvement-over-days.toml",
        include_str!("../../queries/improvement-over-days.toml"),
    ),
    (
        "queries/licenses.toml",
        include_str!("../../queries/licenses.toml"),
    ),
    (
        "queries/license-drift.toml",
        include_str!("../../queries/license-drift.toml"),
    ),
    (
        "queries/top-authors.toml",
        include_str!("../../queries/top-authors.toml"),
    ),
    (
        "queries/release-effect.toml",
        include_str!("../../queries/release-effect.toml"),
    ),
    (
        "queries/top-models.toml",
        include_str!("../../queries/top-models.toml"),
    ),
    (
        "queries/repositories.toml",
        include_str!("../../queries/repositories.toml"),
    ),
    (
        "queries/top-contributors.toml",
        include_str!("../../queries/top-contributors.toml"),
    ),
    (
        "queries/repo-contributions.toml",
        include_str!("../../queries/repo-contributions.toml"),
    ),
];

/// Why a run failed.
#[derive(Debug, Error)]
pub enum ReportError {
    /// A spec file that cannot be used.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A file that cannot be read or written.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A data table that cannot be used.
    #[error(transparent)]
    Data(#[from] IngestError),
    /// An analysis that could not run.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// A chart that could not be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Where spec files and the tables they name are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The file system.
    Files,
    /// The copies built into the binary (paths as in the project, e.g. `queries/paper.toml`).
    Builtin,
}

/// `a/b/../c` -> `a/c`, lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

impl Source {
    /// The text of `path`.
    pub fn read(self, path: &Path) -> Result<String, ReportError> {
        match self {
            Source::Files => std::fs::read_to_string(path).map_err(|source| ReportError::Io {
                path: path.to_path_buf(),
                action: "read",
                source,
            }),
            Source::Builtin => {
                let want = normalize(path);
                BUILTIN
                    .iter()
                    .chain(crate::analysis::registry::BUILTIN_TABLES)
                    .find(|(p, _)| Path::new(p) == want)
                    .map(|(_, t)| t.to_string())
                    .ok_or_else(|| ReportError::Io {
                        path: path.to_path_buf(),
                        action: "find the built-in copy of",
                        source: std::io::Error::new(std::io::ErrorKind::NotFound, "not built in"),
                    })
            }
        }
    }
}

impl TableReader for Source {
    fn read_table(&self, path: &Path) -> std::io::Result<String> {
        self.read(path).map_err(|e| match e {
            ReportError::Io { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        })
    }
}

/// Runs `spec` over `g`; tables the spec names are read through `source`, relative to the
/// spec's folder. The output is named by the spec's `output`, titled by its `title`.
pub fn compute(g: &LineageGraph, spec: &Spec, source: Source) -> Result<Output, ReportError> {
    let cx = Context {
        origin: Some((&spec.path, &spec.text)),
        tables: &source,
    };
    let mut out = spec.params.run(g, &cx)?;
    out.name = spec.output.clone();
    if let Some(t) = &spec.title {
        out.title = t.clone();
        out.figure.title = t.clone();
    }
    if let Some(d) = &spec.description {
        out.description = d.clone();
    }
    Ok(out)
}

/// The specs a file holds, sets expanded (paths relative to the set's folder), with the
/// set's title if it is one.
pub fn load(path: &Path, source: Source) -> Result<(Option<String>, Vec<Spec>), ReportError> {
    let mut out = Vec::new();
    let title = load_into(path, source, &mut out, 0)?;
    Ok((title, out))
}

fn load_into(
    path: &Path,
    source: Source,
    out: &mut Vec<Spec>,
    depth: usize,
) -> Result<Option<String>, ReportError> {
    let text = source.read(path)?;
    match spec::parse(path, &text)? {
        Parsed::One(s) => {
            out.push(*s);
            Ok(None)
        }
        Parsed::Set(set) => {
            if depth > 8 {
                return Err(SpecError::at(
                    path,
                    &text,
                    None,
                    "spec sets nest more than 8 deep (does one include itself?)",
                )
                .into());
            }
            let dir = path.parent().unwrap_or(Path::new(""));
            for entry in &set.specs {
                let p = dir.join(entry.get_ref());
                if source == Source::Files && !p.exists() {
                    return Err(SpecError::at(
                        path,
                        &text,
                        Some(entry.span()),
                        format!(
                            "no spec file '{}' (looked for {})",
                            entry.get_ref(),
                            p.display()
                        ),
                    )
                    .into());
                }
                load_into(&p, source, out, depth + 1)?;
            }
            Ok(set.title)
        }
    }
}

/// Checks that no two specs write the same files.
pub fn check_outputs(specs: &[Spec]) -> Result<(), ReportError> {
    for (i, s) in specs.iter().enumerate() {
        if let Some(prev) = specs[..i].iter().find(|p| p.output == s.output) {
            return Err(s
                .error(
                    None,
                    format!(
                        "output '{}' is also written by {}; give one of them another `output`",
                        s.output,
                        prev.path.display()
                    ),
                )
                .into());
        }
    }
    Ok(())
}

/// Files written for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The CSV tables, main one first.
    pub csv: Vec<PathBuf>,
    /// The chart as SVG.
    pub svg: PathBuf,
    /// The chart as PNG.
    pub png: PathBuf,
}

fn write_table(t: &Table, path: &Path) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        action: "write",
        source,
    };
    let f = std::fs::File::create(path).map_err(io)?;
    t.write_csv(std::io::BufWriter::new(f)).map_err(io)
}

/// Writes an output's CSV tables and its chart as SVG and PNG into `dir`.
pub fn write(o: &Output, dir: &Path) -> Result<Written, ReportError> {
    let mut csv = vec![dir.join(format!("{}.csv", o.name))];
    write_table(&o.table, &csv[0])?;
    for (suffix, _, t) in &o.extra {
        let p = dir.join(format!("{}-{suffix}.csv", o.name));
        write_table(t, &p)?;
        csv.push(p);
    }
    let svg = dir.join(format!("{}.svg", o.name));
    let png = dir.join(format!("{}.png", o.name));
    o.figure.save_both(&svg, &png)?;
    Ok(Written { csv, svg, png })
}

/// What `index.html` shows of one analysis, kept in the folder's `index.json` so that a
/// later run of one spec into the folder adds to the index rather than replacing it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct IndexEntry {
    name: String,
    analysis: String,
    title: String,
    description: String,
    notes: Vec<String>,
    /// `(file suffix, caption)` of the further tables.
    extra: Vec<(String, String)>,
}

/// The file beside `index.html` that lists what the folder holds.
pub const INDEX_MANIFEST: &str = "index.json";

/// Writes `index.html` showing every analysis in `dir`: `outputs`, and those earlier runs
/// wrote there (listed in `index.json`, their tables read back from their CSV files) that
/// `outputs` does not replace. Earlier analyses keep their place; new ones come after.
pub fn write_index(
    dir: &Path,
    title: &str,
    about: &str,
    outputs: &[Output],
) -> Result<PathBuf, ReportError> {
    let io = |path: &Path, action: &'static str| {
        let path = path.to_path_buf();
        move |source| ReportError::Io {
            path,
            action,
            source,
        }
    };
    let manifest = dir.join(INDEX_MANIFEST);
    let earlier: Vec<IndexEntry> = std::fs::read(&manifest)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let entry = |o: &Output| IndexEntry {
        name: o.name.clone(),
        analysis: o.analysis.to_string(),
        title: o.title.clone(),
        description: o.description.clone(),
        notes: o.notes.clone(),
        extra: o
            .extra
            .iter()
            .map(|(s, c, _)| (s.clone(), c.clone()))
            .collect(),
    };
    let mut shown: Vec<Output> = Vec::new();
    let mut entries: Vec<IndexEntry> = Vec::new();
    let mut used = vec![false; outputs.len()];
    for e in earlier {
        if let Some(i) = outputs.iter().position(|o| o.name == e.name) {
            if !used[i] {
                used[i] = true;
                entries.push(entry(&outputs[i]));
                shown.push(outputs[i].clone());
            }
            continue;
        }
        if let Some(o) = read_back(dir, &e) {
            entries.push(e);
            shown.push(o);
        }
    }
    for (o, _) in outputs.iter().zip(&used).filter(|(_, u)| !**u) {
        entries.push(entry(o));
        shown.push(o.clone());
    }
    let path = dir.join("index.html");
    std::fs::write(&path, html::index(title, about, &shown)).map_err(io(&path, "write"))?;
    let json = serde_json::to_vec_pretty(&entries).unwrap_or_default();
    std::fs::write(&manifest, json).map_err(io(&manifest, "write"))?;
    Ok(path)
}

/// An earlier run's analysis, for the index: its tables read back from its CSV files.
/// `None` when its main table is gone from the folder.
fn read_back(dir: &Path, e: &IndexEntry) -> Option<Output> {
    let table = read_csv_table(&dir.join(format!("{}.csv", e.name)))?;
    let extra = e
        .extra
        .iter()
        .filter_map(|(suffix, caption)| {
            let t = read_csv_table(&dir.join(format!("{}-{suffix}.csv", e.name)))?;
            Some((suffix.clone(), caption.clone(), t))
        })
        .collect();
    Some(Output {
        name: e.name.clone(),
        analysis: crate::analysis::registry::find(&e.analysis).map_or("unknown", |a| a.name()),
        title: e.title.clone(),
        description: e.description.clone(),
        table,
        extra,
        figure: crate::render::Figure::new(e.title.clone()),
        notes: e.notes.clone(),
    })
}

/// A CSV file as a table: numbers as numbers, everything else as text.
fn read_csv_table(path: &Path) -> Option<Table> {
    use crate::analysis::Cell;
    let mut rdr = csv::Reader::from_path(path).ok()?;
    let columns: Vec<String> = rdr.headers().ok()?.iter().map(str::to_string).collect();
    let mut t = Table::new(columns);
    for rec in rdr.records() {
        let rec = rec.ok()?;
        t.push(
            rec.iter()
                .map(|v| {
                    if v.is_empty() {
                        Cell::Empty
                    } else if let Ok(i) = v.parse::<i64>() {
                        Cell::Int(i)
                    } else if let Ok(x) = v.parse::<f64>() {
                        Cell::float(x)
                    } else {
                        Cell::text(v)
                    }
                })
                .collect(),
        );
    }
    Some(t)
}
