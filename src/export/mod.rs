//! The lineage graph, or the part of it a [`Filter`] selects, in the formats other tools read:
//! GraphML and GEXF for Gephi, DOT for Graphviz, node-link JSON for networkx, CSV for pandas and
//! spreadsheets.
//!
//! Every format goes through one small trait, [`GraphWriter`]: the driver ([`Export::write`])
//! walks the selected nodes, then the selected edges, and hands each to the writer, which
//! streams it out at once. Nothing holds the whole document, so memory stays that of the graph
//! plus a few bytes per model, however large the export. All formats carry the same attributes,
//! described once by [`Schema`].
//!
//! ```
//! use lineage::export::{Export, Filter, Format};
//! use lineage::ingest::Input;
//! let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
//! 0,org/base,org,2024-01-01 00:00:00+00:00,,10,transformers,[],,,\n\
//! 1,me/tuned,me,2024-02-01 00:00:00+00:00,,5,transformers,[],,,org/base\n";
//! let input = Input::embedded("details.csv", csv).unwrap();
//! let (graph, _) = lineage::build(&[input], Default::default(), None).unwrap();
//! let export = Export::new(&graph, &Filter::default()).unwrap();
//! let mut out = Vec::new();
//! export.write_to(Format::Json, &mut out).unwrap();
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.contains(r#"{"source": "org/base", "target": "me/tuned", "kind": "unspecified", "weight": 1.0}"#));
//! ```

pub mod csv;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod json;
pub mod parquet;
mod xml;

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use chrono::Datelike;
use thiserror::Error;

use crate::graph::LineageGraph;
use crate::intern::NONE;
use crate::model::{Board, Day, EdgeKind, Flags, Model, ModelType};

/// Graphviz lays out graphs beyond a few thousand nodes slowly and unreadably.
pub const DOT_NODE_WARNING: usize = 5000;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// GraphML (yEd, Cytoscape, networkx, igraph).
    GraphMl,
    /// GEXF (Gephi).
    Gexf,
    /// Graphviz DOT.
    Dot,
    /// JSON: nodes and edges.
    Json,
    /// Two CSV tables: nodes and edges.
    Csv,
    /// nodes.parquet and edges.parquet.
    Parquet,
}

impl Format {
    /// The format's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a filter cannot select anything meaningful.
#[derive(Debug, Error)]
pub enum ExportError {
    /// `--base` names no model, or several (the one resolver of queries and specs decides).
    #[error("base model: {0}")]
    Base(#[from] crate::algo::resolve::ResolveError),
    #[error("the date range is empty: since {since} is after until {until}")]
    /// The date range selects no day.
    EmptyDateRange {
        /// The first day asked for.
        since: Day,
        /// The last day asked for.
        until: Day,
    },
    /// The format writes two files and cannot go to one stream.
    #[error("{0} writes two files (nodes and edges), not one stream: use its own writer")]
    NotSingleStream(Format),
}

/// Which part of the graph to export. Every condition holds for every kept model; an edge is
/// kept when both its ends are kept and its kind is selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Keep only this base model (any case) and its descendants through selected edge kinds.
    pub base: Option<String>,
    /// With `base`: how many generations below it to keep (0 keeps the base alone).
    pub depth: Option<u32>,
    /// Edge kinds to keep; empty keeps all.
    pub kinds: Vec<EdgeKind>,
    /// Keep models created on or after this day (models without a date are dropped).
    pub since: Option<Day>,
    /// Keep models created on or before this day (models without a date are dropped).
    pub until: Option<Day>,
    /// Keep models with at least this many descendants (over every edge kind).
    pub min_descendants: Option<u32>,
    /// Count flagged models in the `descendants` attribute (and `min_descendants`), as
    /// `lineage query derivatives --include-flagged` does; left out by default.
    pub include_flagged: bool,
    /// Drop stubs: bases that derivatives name but no input describes.
    pub exclude_stubs: bool,
}

/// Values computed from the graph's structure and exported as node attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// Distinct models reachable through lineage edges (cycle-closing edges skipped).
    pub descendants: Vec<u32>,
    /// Longest chain of merge edges ending at the model.
    pub merge_depth: Vec<u32>,
    /// Longest lineage path of any kind ending at the model.
    pub generation: Vec<u32>,
}

/// Computes the derived node attributes with the lineage algorithms: descendants of every
/// model, merge depth and generation depth (edges that close a cycle skipped). Flagged
/// models are counted as descendants only with `include_flagged`, the rule of
/// `lineage query derivatives` (lineage runs through them either way).
pub fn derived(graph: &LineageGraph, include_flagged: bool) -> Derived {
    use crate::algo::derivatives::{derivatives_with, DerivativeOptions};
    let depths = crate::algo::depth::depths(graph);
    let options = DerivativeOptions {
        include_flagged,
        ..Default::default()
    };
    Derived {
        descendants: derivatives_with(graph, &options)
            .into_iter()
            .map(|d| d.descendants)
            .collect(),
        merge_depth: depths.merge_depth,
        generation: depths.generation,
    }
}

/// The type of an attribute, as GraphML and GEXF declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// Text.
    String,
    /// 32-bit signed in Gephi and GraphML.
    Int,
    /// 64-bit signed.
    Long,
    /// 64-bit floating point.
    Double,
    /// True or false.
    Boolean,
}

impl AttrType {
    /// The type's name in a GraphML `attr.type`.
    pub fn graphml_name(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Int => "int",
            AttrType::Long => "long",
            AttrType::Double => "double",
            AttrType::Boolean => "boolean",
        }
    }

    /// The type's name in a GEXF `type`.
    pub fn gexf_name(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Int => "integer",
            AttrType::Long => "long",
            AttrType::Double => "double",
            AttrType::Boolean => "boolean",
        }
    }
}

/// Where a node attribute's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Label,
    Author,
    Owner,
    Created,
    LastModified,
    ModelType,
    Architecture,
    License,
    Precision,
    Library,
    Pipeline,
    ParamsB,
    /// The leaderboard average on one board.
    Average(Board),
    /// Column of the score table.
    Score(usize),
    Downloads,
    Likes,
    Evaluations,
    Descendants,
    MergeDepth,
    Generation,
    Flag(u16),
}

/// One node attribute: its name (what readers see), its key id (an XML-safe token that Gephi
/// treats as a plain column) and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// The column name.
    pub name: String,
    /// The attribute's id in the file (`d0`, ...).
    pub id: String,
    /// Its type.
    pub ty: AttrType,
    field: Field,
}

/// The node attributes every format carries, in column order. Edges carry `kind` (string) and
/// `weight` (double, 1.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The node attributes, in column order.
    pub node: Vec<Attr>,
}

/// Attribute names Gephi's importers take for its own node and edge properties (position,
/// size, colour, label, weight, time interval) rather than as data columns. A benchmark of
/// such a name is exported as `score_NAME`; the fixed `label` and `weight` attributes carry
/// exactly what Gephi expects under those names.
pub const GEPHI_RESERVED: [&str; 17] = [
    "id",
    "label",
    "weight",
    "size",
    "x",
    "y",
    "z",
    "r",
    "g",
    "b",
    "color",
    "start",
    "end",
    "start_open",
    "end_open",
    "edgelabel",
    "edgeid",
];

const FLAGS: [(&str, u16); 9] = [
    ("stub", Flags::STUB),
    ("flagged", Flags::FLAGGED),
    ("merged", Flags::MERGED),
    ("moe", Flags::MOE),
    ("moved", Flags::MOVED),
    ("unavailable", Flags::UNAVAILABLE),
    ("suspicious", Flags::SUSPICIOUS),
    ("date_corrected", Flags::DATE_CORRECTED),
    ("created_from_commit", Flags::CREATED_FROM_COMMIT),
];

impl Schema {
    /// The attributes of `graph`'s models: the fixed ones, one per benchmark, the derived
    /// counts and the flags.
    pub fn of(graph: &LineageGraph) -> Schema {
        use AttrType::*;
        let fixed = |name: &str, ty, field| Attr {
            name: name.to_string(),
            id: name.to_string(),
            ty,
            field,
        };
        let mut node = vec![
            fixed("label", String, Field::Label),
            fixed("author", String, Field::Author),
            fixed("owner", String, Field::Owner),
            fixed("created", String, Field::Created),
            fixed("last_modified", String, Field::LastModified),
            fixed("model_type", String, Field::ModelType),
            fixed("architecture", String, Field::Architecture),
            fixed("license", String, Field::License),
            fixed("precision", String, Field::Precision),
            fixed("library", String, Field::Library),
            fixed("pipeline", String, Field::Pipeline),
            fixed("params_b", Double, Field::ParamsB),
            fixed("average", Double, Field::Average(Board::V1)),
        ];
        // The v2 board's average is on another scale: its own column, where it occurs.
        if graph.models.iter().any(|m| m.average(Board::V2).is_some()) {
            node.push(fixed("average_v2", Double, Field::Average(Board::V2)));
        }
        let tail = [
            fixed("downloads", Long, Field::Downloads),
            fixed("likes", Long, Field::Likes),
            fixed("evaluations", Int, Field::Evaluations),
            fixed("descendants", Int, Field::Descendants),
            fixed("merge_depth", Int, Field::MergeDepth),
            fixed("generation", Int, Field::Generation),
        ];
        let reserved = |name: &str, node: &[Attr]| {
            node.iter()
                .chain(&tail)
                .any(|a| a.name.eq_ignore_ascii_case(name) || a.id == name)
                || FLAGS.iter().any(|(f, _)| f.eq_ignore_ascii_case(name))
                || ["id", "source", "target", "kind", "weight", "src", "dst"]
                    .iter()
                    .chain(&GEPHI_RESERVED)
                    .any(|r| r.eq_ignore_ascii_case(name))
        };
        for (i, bench) in graph.benchmarks.iter().enumerate() {
            let name = if reserved(bench, &node) {
                format!("score_{bench}")
            } else {
                bench.clone()
            };
            let mut id: std::string::String = format!("score_{bench}")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            if node.iter().any(|a| a.id == id) {
                id = format!("{id}_{i}");
            }
            node.push(Attr {
                name,
                id,
                ty: Double,
                field: Field::Score(i),
            });
        }
        node.extend(tail);
        for (name, bit) in FLAGS {
            node.push(fixed(name, Boolean, Field::Flag(bit)));
        }
        Schema { node }
    }
}

/// One attribute value, borrowed from the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'g> {
    /// Text.
    Str(&'g str),
    /// A date.
    Date(Day),
    /// A count.
    Int(u64),
    /// Finite only.
    Double(f32),
    /// A flag.
    Bool(bool),
}

impl Value<'_> {
    /// Writes the value's plain text: strings unescaped, dates `YYYY-MM-DD`, doubles with
    /// a decimal point (`7.0`, so readers keep them floats), booleans `true` / `false`.
    pub fn write_plain(&self, w: &mut (impl Write + ?Sized)) -> io::Result<()> {
        match *self {
            Value::Str(s) => w.write_all(s.as_bytes()),
            Value::Date(d) => write_day(w, d),
            Value::Int(i) => write!(w, "{i}"),
            Value::Double(x) => write!(w, "{x:?}"),
            Value::Bool(b) => w.write_all(if b { b"true" } else { b"false" }),
        }
    }
}

/// Writes `YYYY-MM-DD` without going through a formatter that allocates.
pub fn write_day(w: &mut (impl Write + ?Sized), day: Day) -> io::Result<()> {
    let d = day.to_date();
    write!(w, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A node as the writers see it. `values` holds the present attributes only, as
/// (index into [`Schema::node`], value), in schema order.
#[derive(Debug)]
pub struct NodeRecord<'a> {
    /// The model id.
    pub model: u32,
    /// The model's name.
    pub name: &'a str,
    /// Its node data.
    pub data: &'a Model,
    /// Its attribute values.
    pub values: &'a [(usize, Value<'a>)],
}

/// An edge, parent -> child. `start` is the child's creation date.
#[derive(Debug)]
pub struct EdgeRecord<'a> {
    /// The parent's model id.
    pub source: u32,
    /// The child's model id.
    pub target: u32,
    /// The parent's name.
    pub source_name: &'a str,
    /// The child's name.
    pub target_name: &'a str,
    /// How the child was made.
    pub kind: EdgeKind,
    /// The child's creation date, when known.
    pub start: Option<Day>,
}

/// What every format's writer implements. The driver calls `begin`, `node` for each kept
/// model, `begin_edges`, `edge` for each kept edge, then `finish`, which flushes.
pub trait GraphWriter {
    /// Starts the document: header and attribute declarations.
    fn begin(&mut self, schema: &Schema) -> io::Result<()>;
    /// Writes one node.
    fn node(&mut self, node: &NodeRecord<'_>) -> io::Result<()>;
    /// Ends the nodes and starts the edges.
    fn begin_edges(&mut self) -> io::Result<()>;
    /// Writes one edge.
    fn edge(&mut self, edge: &EdgeRecord<'_>) -> io::Result<()>;
    /// Ends the document and flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// The writer of a single-stream format over `out`.
pub fn writer_for<'w, W: Write + 'w>(
    format: Format,
    out: W,
) -> Result<Box<dyn GraphWriter + 'w>, ExportError> {
    Ok(match format {
        Format::GraphMl => Box::new(graphml::GraphMlWriter::new(out)),
        Format::Gexf => Box::new(gexf::GexfWriter::new(out)),
        Format::Dot => Box::new(dot::DotWriter::new(out)),
        Format::Json => Box::new(json::JsonWriter::new(out)),
        Format::Csv | Format::Parquet => return Err(ExportError::NotSingleStream(format)),
    })
}

/// A graph, the part of it a filter selects, and what the writers need about it.
pub struct Export<'g> {
    graph: &'g LineageGraph,
    derived: Derived,
    schema: Schema,
    keep: Vec<bool>,
    kinds: [bool; 5],
    nodes: usize,
    edges: usize,
}

impl<'g> Export<'g> {
    /// Computes the derived attributes and applies `filter`.
    pub fn new(graph: &'g LineageGraph, filter: &Filter) -> Result<Export<'g>, ExportError> {
        Self::with_derived(graph, filter, derived(graph, filter.include_flagged))
    }

    /// As [`Export::new`], with derived values already computed.
    pub fn with_derived(
        graph: &'g LineageGraph,
        filter: &Filter,
        derived: Derived,
    ) -> Result<Export<'g>, ExportError> {
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if since > until {
                return Err(ExportError::EmptyDateRange { since, until });
            }
        }
        let mut kinds = [filter.kinds.is_empty(); 5];
        for &k in &filter.kinds {
            kinds[k as usize] = true;
        }
        let n = graph.model_count();
        let mut keep = match &filter.base {
            None => vec![true; n],
            Some(id) => {
                let base = crate::algo::resolve::resolve_model(
                    graph,
                    id,
                    &crate::ingest::refs::AliasTable::builtin(),
                )?;
                family(graph, base, filter.depth, &kinds)
            }
        };
        for (v, kept) in keep.iter_mut().enumerate() {
            if !*kept {
                continue;
            }
            let m = &graph.models[v];
            let in_range = |d: Option<Day>| match (filter.since, filter.until) {
                (None, None) => true,
                (since, until) => {
                    d.is_some_and(|d| since.is_none_or(|s| d >= s) && until.is_none_or(|u| d <= u))
                }
            };
            *kept = in_range(m.created)
                && !(filter.exclude_stubs && m.is_stub())
                && filter
                    .min_descendants
                    .is_none_or(|min| derived.descendants[v] >= min);
        }
        let nodes = keep.iter().filter(|&&k| k).count();
        let mut edges = 0;
        for v in (0..n as u32).filter(|&v| keep[v as usize]) {
            edges += graph
                .child_edges(v)
                .filter(|&(c, k)| keep[c as usize] && kinds[k as usize])
                .count();
        }
        Ok(Export {
            graph,
            schema: Schema::of(graph),
            derived,
            keep,
            kinds,
            nodes,
            edges,
        })
    }

    /// The models `keep` marks (indexed by model id) and every edge between them, with
    /// derived values already computed: a subgraph picked by hand, such as the dashboard's
    /// explorer shows. O(V + E of the kept models).
    pub fn of_models(graph: &'g LineageGraph, keep: Vec<bool>, derived: Derived) -> Export<'g> {
        let nodes = keep.iter().filter(|&&k| k).count();
        let edges = (0..graph.model_count() as u32)
            .filter(|&v| keep[v as usize])
            .map(|v| {
                graph
                    .child_edges(v)
                    .filter(|&(c, _)| keep[c as usize])
                    .count()
            })
            .sum();
        Export {
            graph,
            schema: Schema::of(graph),
            derived,
            keep,
            kinds: [true; 5],
            nodes,
            edges,
        }
    }

    /// How many nodes the export writes.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// How many edges the export writes.
    pub fn edge_count(&self) -> usize {
        self.edges
    }

    /// The node attributes written.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The values derived from the graph's structure for each node.
    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    /// True when model `v` is in the export.
    pub fn keeps(&self, v: u32) -> bool {
        self.keep[v as usize]
    }

    /// Streams the selection through `writer`.
    pub fn write(&self, writer: &mut dyn GraphWriter) -> io::Result<()> {
        let g = self.graph;
        writer.begin(&self.schema)?;
        let mut values: Vec<(usize, Value<'g>)> = Vec::with_capacity(self.schema.node.len());
        let kept = || (0..g.model_count() as u32).filter(|&v| self.keep[v as usize]);
        for v in kept() {
            values.clear();
            self.node_values(v, &mut values);
            writer.node(&NodeRecord {
                model: v,
                name: g.name(v),
                data: &g.models[v as usize],
                values: &values,
            })?;
        }
        writer.begin_edges()?;
        for v in kept() {
            for (c, kind) in g.child_edges(v) {
                if self.keep[c as usize] && self.kinds[kind as usize] {
                    writer.edge(&EdgeRecord {
                        source: v,
                        target: c,
                        source_name: g.name(v),
                        target_name: g.name(c),
                        kind,
                        start: g.models[c as usize].created,
                    })?;
                }
            }
        }
        writer.finish()
    }

    /// Streams the selection in a single-stream format to `out`.
    pub fn write_to<W: Write>(&self, format: Format, out: W) -> io::Result<()> {
        let mut writer = writer_for(format, out).map_err(io::Error::other)?;
        self.write(writer.as_mut())
    }

    /// The present attribute values of model `v`, in schema order.
    fn node_values(&self, v: u32, out: &mut Vec<(usize, Value<'g>)>) {
        let g = self.graph;
        let m = &g.models[v as usize];
        let sym = |id: u32| g.symbol(id).filter(|s| !s.is_empty()).map(Value::Str);
        let double = |x: Option<f32>| x.filter(|x| x.is_finite()).map(Value::Double);
        let w = g.benchmarks.len();
        for (i, attr) in self.schema.node.iter().enumerate() {
            let value = match attr.field {
                Field::Label => Some(Value::Str(g.name(v))),
                Field::Author => g
                    .author_name(m.author)
                    .filter(|s| !s.is_empty())
                    .map(Value::Str),
                Field::Owner => g
                    .author_name(m.owner)
                    .filter(|s| !s.is_empty())
                    .map(Value::Str),
                Field::Created => m.created.map(Value::Date),
                Field::LastModified => m.last_modified.map(Value::Date),
                Field::ModelType => {
                    (m.model_type != ModelType::Unknown).then(|| Value::Str(m.model_type.as_str()))
                }
                Field::Architecture => sym(m.architecture),
                Field::License => sym(m.license),
                Field::Precision => sym(m.precision),
                Field::Library => sym(m.library),
                Field::Pipeline => sym(m.pipeline),
                Field::ParamsB => double(m.params_b),
                Field::Average(board) => double(m.average(board)),
                Field::Score(b) => {
                    if m.scores_row == NONE {
                        None
                    } else {
                        double(g.scores.get(m.scores_row as usize * w + b).copied())
                    }
                }
                Field::Downloads => m.downloads.map(Value::Int),
                Field::Likes => m.likes.map(|l| Value::Int(l.into())),
                Field::Evaluations => Some(Value::Int(m.evaluations.into())),
                Field::Descendants => Some(Value::Int(self.derived.descendants[v as usize].into())),
                Field::MergeDepth => Some(Value::Int(self.derived.merge_depth[v as usize].into())),
                Field::Generation => Some(Value::Int(self.derived.generation[v as usize].into())),
                Field::Flag(bit) => Some(Value::Bool(m.flags.has(bit))),
            };
            if let Some(value) = value {
                out.push((i, value));
            }
        }
    }
}

/// The models of `base`'s family: the base and its descendants through edges of the selected
/// kinds, at most `depth` generations below it.
fn family(graph: &LineageGraph, base: u32, depth: Option<u32>, kinds: &[bool; 5]) -> Vec<bool> {
    let mut keep = vec![false; graph.model_count()];
    keep[base as usize] = true;
    let mut frontier = vec![base];
    let mut level = 0;
    while !frontier.is_empty() && depth.is_none_or(|d| level < d) {
        let mut next = Vec::new();
        for v in frontier {
            for (c, k) in graph.child_edges(v) {
                if kinds[k as usize] && !keep[c as usize] {
                    keep[c as usize] = true;
                    next.push(c);
                }
            }
        }
        frontier = next;
        level += 1;
    }
    keep
}

/// `name` without the characters `drop` rejects. When any had to go, the model's dense id
/// is appended (`name#17`) so that two names differing only in such characters stay two nodes.
pub(crate) fn clean_id(name: &str, model: u32, drop: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !name.chars().any(&drop) {
        return Cow::Borrowed(name);
    }
    let mut s: String = name.chars().filter(|&c| !drop(c)).collect();
    s.push('#');
    s.push_str(&model.to_string());
    Cow::Owned(s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::graph::{BuildOptions, GraphBuilder};
    use crate::ingest::{ModelRecord, ParentRef, Sink};

    /// Builds a graph from (id, created, parents) triples.
    pub(crate) fn graph(models: &[(&str, Option<&str>, &[&str])]) -> LineageGraph {
        let mut b = GraphBuilder::new(BuildOptions {
            aliases: Default::default(),
            date_corrections: Vec::new(),
            commit_dates: true,
        });
        b.begin_file("test");
        for (i, (id, created, parents)) in models.iter().enumerate() {
            b.record(ModelRecord {
                id: id.to_string(),
                line: i as u64 + 2,
                created: created.and_then(Day::parse),
                parents: parents
                    .iter()
                    .map(|p| ParentRef {
                        raw: p.to_string(),
                        relation: Some(EdgeKind::Finetune),
                        field: "base_model",
                    })
                    .collect(),
                ..Default::default()
            });
        }
        b.finish().0
    }

    /// a -> b -> d, a -> c -> d (d is a merge of b and c), d -> e, x alone, s a stub parent of x.
    fn diamond() -> LineageGraph {
        graph(&[
            ("o/a", Some("2024-01-01"), &[]),
            ("o/b", Some("2024-02-01"), &["o/a"]),
            ("o/c", Some("2024-03-01"), &["o/a"]),
            ("o/d", Some("2024-04-01"), &["o/b", "o/c"]),
            ("o/e", Some("2024-05-01"), &["o/d"]),
            ("o/x", None, &["o/s"]),
        ])
    }

    fn ids(g: &LineageGraph, e: &Export) -> Vec<String> {
        (0..g.model_count() as u32)
            .filter(|&v| e.keeps(v))
            .map(|v| g.name(v).to_string())
            .collect()
    }

    #[test]
    fn derived_values_by_hand() {
        let g = diamond();
        let d = derived(&g, true);
        let at = |name: &str| g.lookup(name).unwrap() as usize;
        // a reaches b, c, d, e; d is reached twice but counts once.
        assert_eq!(d.descendants[at("o/a")], 4);
        assert_eq!(d.descendants[at("o/b")], 2);
        assert_eq!(d.descendants[at("o/e")], 0);
        assert_eq!(d.descendants[at("o/s")], 1);
        // b -> d and c -> d are merges (two parents); d -> e is a fine-tune.
        assert_eq!(d.merge_depth[at("o/d")], 1);
        assert_eq!(d.merge_depth[at("o/e")], 0);
        assert_eq!(d.merge_depth[at("o/b")], 0);
        assert_eq!(d.generation[at("o/e")], 3);
        assert_eq!(d.generation[at("o/x")], 1);
    }

    #[test]
    fn merge_depth_follows_chains_of_merges_only() {
        // m1 merges a and b; m2 merges m1 and c: merge depth 2. t fine-tunes m2: 0.
        let g = graph(&[
            ("o/a", None, &[]),
            ("o/b", None, &[]),
            ("o/c", None, &[]),
            ("o/m1", None, &["o/a", "o/b"]),
            ("o/m2", None, &["o/m1", "o/c"]),
            ("o/t", None, &["o/m2"]),
        ]);
        let d = derived(&g, true);
        let at = |name: &str| g.lookup(name).unwrap() as usize;
        assert_eq!(d.merge_depth[at("o/m2")], 2);
        assert_eq!(d.merge_depth[at("o/t")], 0);
        assert_eq!(d.generation[at("o/t")], 3);
    }

    #[test]
    fn filters_select_by_hand() {
        let g = diamond();
        let sel = |f: Filter| {
            let e = Export::new(&g, &f).unwrap();
            (ids(&g, &e), e.edge_count())
        };
        let all = sel(Filter::default());
        assert_eq!(all.0.len(), 7);
        assert_eq!(all.1, 6);
        let fam = |base: &str, depth| Filter {
            base: Some(base.into()),
            depth,
            ..Default::default()
        };
        assert_eq!(sel(fam("O/A", Some(0))), (vec!["o/a".to_string()], 0));
        assert_eq!(sel(fam("o/a", Some(1))).0, ["o/a", "o/b", "o/c"]);
        assert_eq!(sel(fam("o/a", Some(1))).1, 2);
        assert_eq!(sel(fam("o/a", None)).0, ["o/a", "o/b", "o/c", "o/d", "o/e"]);
        // Only the fine-tune edge d -> e: the family of b stops at b.
        let finetunes = Filter {
            kinds: vec![EdgeKind::Finetune],
            ..fam("o/b", None)
        };
        assert_eq!(sel(finetunes), (vec!["o/b".to_string()], 0));
        let since = Filter {
            since: Day::parse("2024-03-01"),
            ..Default::default()
        };
        assert_eq!(
            sel(since),
            (vec!["o/c".into(), "o/d".into(), "o/e".into()], 2)
        );
        let range = Filter {
            since: Day::parse("2024-02-01"),
            until: Day::parse("2024-03-01"),
            ..Default::default()
        };
        assert_eq!(sel(range), (vec!["o/b".into(), "o/c".into()], 0));
        let min = Filter {
            min_descendants: Some(1),
            ..Default::default()
        };
        assert_eq!(sel(min).0, ["o/a", "o/b", "o/c", "o/d", "o/s"]);
        let no_stubs = Filter {
            exclude_stubs: true,
            ..Default::default()
        };
        assert_eq!(
            sel(no_stubs),
            (
                vec!["o/a", "o/b", "o/c", "o/d", "o/e", "o/x"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                5
            )
        );
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        let g = diamond();
        let base = |b: &str| Filter {
            base: Some(b.into()),
            ..Default::default()
        };
        // the resolver of the queries: a name after the namespace is enough
        assert!(Export::new(&g, &base("b")).is_ok());
        let err = Export::new(&g, &base("o/bx")).err().unwrap();
        assert_eq!(
            err.to_string(),
            "base model: unknown model 'o/bx'; did you mean one of o/b, o/x, o/a?"
        );
        let err = Export::new(
            &g,
            &Filter {
                since: Day::parse("2024-05-01"),
                until: Day::parse("2024-01-01"),
                ..Default::default()
            },
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "the date range is empty: since 2024-05-01 is after until 2024-01-01"
        );
    }

    #[test]
    fn no_attribute_takes_a_name_gephi_reserves() {
        let mut g = diamond();
        g.benchmarks = ["Size", "x", "R", "color", "ARC", "src"]
            .map(String::from)
            .to_vec();
        let schema = Schema::of(&g);
        let names: Vec<&str> = schema.node.iter().map(|a| a.name.as_str()).collect();
        for reserved in GEPHI_RESERVED {
            let clashes: Vec<&&str> = names
                .iter()
                .filter(|n| n.eq_ignore_ascii_case(reserved))
                .collect();
            let allowed = usize::from(reserved == "label");
            assert_eq!(clashes.len(), allowed, "{reserved}: {names:?}");
        }
        for renamed in [
            "score_Size",
            "score_x",
            "score_R",
            "score_color",
            "score_src",
            "ARC",
        ] {
            assert!(names.contains(&renamed), "{renamed} missing from {names:?}");
        }
    }

    #[test]
    fn ids_stay_unique_when_characters_are_dropped() {
        let xml = |c: char| c == '\u{1}';
        assert_eq!(clean_id("a/b", 3, xml), "a/b");
        assert_eq!(clean_id("a/\u{1}b", 3, xml), "a/b#3");
    }

    #[test]
    fn doubles_keep_a_decimal_point() {
        let mut out = Vec::new();
        for v in [Value::Double(7.0), Value::Double(67.87), Value::Int(5)] {
            v.write_plain(&mut out).unwrap();
            out.push(b' ');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "7.0 67.87 5 ");
    }
}
