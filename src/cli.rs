//! The command line: every command and its arguments (doc comments are the help text).
//! Parsing does no I/O; `commands/` turns these into configurations and runs them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use lineage::ingest::Format;
use lineage::model::{Board, EdgeKind};

#[derive(Debug, Parser)]
#[command(
    name = "lineage",
    version,
    about = "Graph analytics over the lineage of machine-learning models on the Hugging Face Hub"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the lineage graph from input files (the embedded sample when none are given)
    Build(BuildArgs),
    /// Summarise a graph file
    Info(InfoArgs),
    /// Generate a synthetic ecosystem in the input formats (deterministic for a seed)
    Synth(SynthArgs),
    /// Lineage analyses over a graph file
    Query(QueryArgs),
    /// Export the graph for Gephi, networkx, Graphviz, pandas and spreadsheets
    Export(ExportArgs),
    /// Run analysis specs (TOML files under queries/): CSV tables, SVG and PNG charts, index.html
    Run(RunArgs),
    /// Run every analysis of the papers (queries/paper.toml) into one report
    Report(ReportArgs),
    /// The interactive dashboard and its JSON API in a browser (loopback only by default)
    Serve(ServeArgs),
    /// Fetch today's data from the Hugging Face Hub (endpoint from HF_ENDPOINT, token from HF_TOKEN)
    Fetch(FetchArgs),
    /// Print a shell completion script (bash, zsh or fish) to stdout
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout: lineage man > lineage.1
    Man,
}

/// Shells `lineage completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// bash: source it, or install it as /usr/share/bash-completion/completions/lineage
    Bash,
    /// zsh: install it as _lineage in a directory of $fpath
    Zsh,
    /// fish: install it as ~/.config/fish/completions/lineage.fish
    Fish,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Input files or directories (leaderboard exports, Hub metadata, listings, commits, Hub
    /// API JSON Lines); `-` reads standard input, and pipes and FIFOs are read as they come
    pub inputs: Vec<PathBuf>,
    /// Read every input as this format instead of detecting it from its header: hub-api,
    /// details, listing, leaderboard-v2, leaderboard-v1 or commits
    #[arg(long = "input-format", value_name = "FORMAT", value_parser = parse_format)]
    pub input_format: Option<Format>,
    /// Where to write the graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub out: PathBuf,
    /// Write the full build report as JSON to this file
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Extra alias files (`alias,target` per line), added to the shipped table
    #[arg(long = "aliases", value_name = "FILE")]
    pub aliases: Vec<PathBuf>,
    /// Extra date corrections (`model,created,reason` per line)
    #[arg(long = "date-corrections", value_name = "FILE")]
    pub date_corrections: Vec<PathBuf>,
    /// Do not apply the shipped date corrections
    #[arg(long)]
    pub no_date_corrections: bool,
    /// Leave models undated when no source gives a creation date, instead of using the date of
    /// the repo's first commit (from a commit history)
    #[arg(long)]
    pub no_commit_dates: bool,
    /// Examples per problem in the summary on stderr
    #[arg(long, default_value_t = 3)]
    pub examples: usize,
    /// Print nothing on stderr but errors
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    pub format: QueryFormat,
}

#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Number of models
    #[arg(long, default_value_t = 2500)]
    pub models: usize,
    /// Random seed; the same seed and size give the same files
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output directory
    #[arg(long, short)]
    pub out: PathBuf,
    /// Also write the ecosystem as a Hub statistics snapshot, models.parquet
    #[arg(long)]
    pub parquet: bool,
    /// Write only models.parquet, not the CSV and JSON Lines files
    #[arg(long, conflicts_with = "parquet")]
    pub only_parquet: bool,
}

// ---- lineage query ----

#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    #[command(subcommand)]
    pub query: Query,
}

#[derive(Debug, Subcommand)]
pub enum Query {
    /// Direct children and all descendants of every model, split by how each descendant was made
    Derivatives(DerivativesArgs),
    /// How far a base model's family improved on it, and when: the frontier of record-setters
    Improvements(ImprovementsArgs),
    /// Merge-chain depth (merges of merges) and generation depth; the deepest chains spelled out
    MergeDepth(MergeDepthArgs),
    /// Author collaboration components, repos per author, authors per repo, top authors' share
    Authors(AuthorsArgs),
    /// License distribution with commercial / academic / personal permissions
    Licenses(LicensesArgs),
    /// Lineage edges whose derivative's license does not go with its base's
    #[command(name = "license-drift")]
    LicenseDrift(LicenseDriftArgs),
}

/// Output formats of the queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    /// Aligned tables for reading
    Table,
    /// The main table as CSV, for spreadsheets and pandas
    Csv,
    /// Everything, for scripts (field names are stable)
    Json,
}

#[derive(Debug, clap::Args)]
pub struct QueryCommon {
    /// The graph file (from `lineage build`)
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    pub format: QueryFormat,
    /// Count and score flagged models too (left out by default; lineage runs through them anyway)
    #[arg(long)]
    pub include_flagged: bool,
}

#[derive(Debug, clap::Args)]
pub struct DerivativesArgs {
    #[command(flatten)]
    pub common: QueryCommon,
    /// Models to list, most descendants first
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Follow only edges of this kind (repeat or separate with commas): finetune, adapter, quantized, merge, unspecified
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    pub kinds: Vec<EdgeKind>,
    /// Show this model only (repo id in any case, alias, or unique prefix)
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchMethod {
    /// The base's descendants in the lineage graph
    Lineage,
    /// The papers' method: names containing a pattern, with a parameter count
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NormalizeArg {
    /// Divide by ln(scored members), as in the paper's figure 12
    Log,
    /// Divide by the number of scored members
    Count,
    /// Do not normalise
    None,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["base", "all"]))]
pub struct ImprovementsArgs {
    #[command(flatten)]
    pub common: QueryCommon,
    /// The base model: repo id in any case, alias (mistral-7b), or unique prefix
    #[arg(long, value_name = "NAME")]
    pub base: Option<String>,
    /// Every base with at least --min-family scored members, in one pass
    #[arg(long)]
    pub all: bool,
    /// With --all: the fewest scored members a base needs
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_family: usize,
    /// Keep merges and their descendants in the family (left out by default)
    #[arg(long)]
    pub include_merges: bool,
    /// How normalised improvement is computed
    #[arg(long, value_enum, default_value_t = NormalizeArg::Log)]
    pub normalize: NormalizeArg,
    /// How the family is found
    #[arg(long = "match", value_enum, default_value_t = MatchMethod::Lineage)]
    pub method: MatchMethod,
    /// With --match name: the name pattern (default: the base's name up to its size, e.g. mistral7b)
    #[arg(long, requires = "base")]
    pub pattern: Option<String>,
    /// With --match name: parameters in billions, or `none` for no size filter (as the papers
    /// did for Phi); default: the base's
    #[arg(long, value_name = "B|none", requires = "base", value_parser = parse_params)]
    pub params: Option<SizeArg>,
    /// With --match name: accept up to --params + this many billions
    #[arg(long, value_name = "B", default_value_t = 0.0)]
    pub params_range: f32,
    /// List every scored member, not only the frontier (for charts over days since release)
    #[arg(long)]
    pub members: bool,
    /// The leaderboard whose averages are compared: v1 (ARC ... GSM8K) or v2 (IFEval ...
    /// MMLU-PRO); default: the one with more scored models. Their scales differ
    #[arg(long, value_parser = parse_board)]
    pub board: Option<Board>,
}

/// A parameter count for the name method: billions, or no size filter (`none`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeArg(pub Option<f32>);

fn parse_params(s: &str) -> Result<SizeArg, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(SizeArg(None));
    }
    match s.parse::<f32>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(SizeArg(Some(x))),
        _ => Err(format!(
            "'{s}' is not a parameter count; expected billions (7, 46.7) or none"
        )),
    }
}

fn parse_board(s: &str) -> Result<Board, String> {
    s.parse()
}

#[derive(Debug, clap::Args)]
pub struct MergeDepthArgs {
    #[command(flatten)]
    pub common: QueryCommon,
    /// Models to list, deepest merge chain first
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// In the table: how many of the listed chains to spell out model by model
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub chains: usize,
    /// Show this model only, with its chains (repo id in any case, alias, or unique prefix)
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AuthorsArgs {
    #[command(flatten)]
    pub common: QueryCommon,
    /// Authors to list, most repos first
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// More bot names, one per line (added to the `bot` suffix rule and graphs/bots.txt)
    #[arg(long = "bots", value_name = "FILE")]
    pub bots: Vec<PathBuf>,
    /// In the table: how many of the largest components to list with their members
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub components: usize,
    /// What the top-10 / top-200 share in the table is a share of (JSON gives both)
    #[arg(long, value_enum, default_value_t = ShareBasis::Contributions)]
    pub share: ShareBasis,
}

/// What a top-k author share counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShareBasis {
    /// The papers' definition: the top authors' repos per author over all authors'
    Contributions,
    /// Distinct repos the top authors committed to, over all repos with an author
    Coverage,
}

// ---- lineage export ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// GraphML for Gephi, networkx, igraph and yEd
    Graphml,
    /// GEXF 1.3, dynamic: Gephi's timeline replays the ecosystem's growth
    Gexf,
    /// Graphviz DOT, for drawing small subgraphs
    Dot,
    /// Node-link JSON, as networkx's node_link_graph reads it
    Json,
    /// nodes.csv and edges.csv in the directory given with -o
    Csv,
    /// nodes.parquet and edges.parquet (typed columns) in the directory given with -o, for
    /// pandas, polars, DuckDB and Spark GraphFrames
    Parquet,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output format
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// Write to this file (for csv and parquet: this directory) instead of stdout; `-` is stdout. A file
    /// name ending in .gz or .zst is compressed accordingly
    #[arg(long = "out", short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Compress the output (implied by an -o name ending in .gz or .zst); with csv, the two
    /// files become nodes.csv.gz and edges.csv.gz (or .zst)
    #[arg(long, value_enum, value_name = "CODEC")]
    pub compress: Option<CompressArg>,
    /// Keep only the family of this base model: it and its descendants (id in any case)
    #[arg(long, value_name = "ID")]
    pub base: Option<String>,
    /// With --base: keep descendants up to this many generations below the base
    #[arg(long, value_name = "N", requires = "base")]
    pub depth: Option<u32>,
    /// Keep only edges of this kind (repeat or separate with commas): finetune, adapter,
    /// quantized, merge, unspecified
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    pub kinds: Vec<lineage::model::EdgeKind>,
    /// Keep models created on or after this date (YYYY-MM-DD); undated models are dropped
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub since: Option<lineage::model::Day>,
    /// Keep models created on or before this date (YYYY-MM-DD); undated models are dropped
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub until: Option<lineage::model::Day>,
    /// Keep models with at least this many descendants
    #[arg(long, value_name = "N")]
    pub min_descendants: Option<u32>,
    /// Drop stubs (bases that derivatives name but no input describes)
    #[arg(long)]
    pub exclude_stubs: bool,
    /// Count flagged models in the descendants attribute too (left out by default, as in
    /// `lineage query derivatives`; lineage runs through them anyway)
    #[arg(long)]
    pub include_flagged: bool,
    /// graphml: node ids n0, n1, ... (valid against the GraphML schema), the model id as label
    #[arg(long)]
    pub strict: bool,
    /// Print nothing on stderr but errors and warnings
    #[arg(long, short)]
    pub quiet: bool,
}

/// Compression of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompressArg {
    /// gzip (.gz), which every tool reads
    Gzip,
    /// Zstandard (.zst): faster and smaller
    Zstd,
}

fn parse_kind(s: &str) -> Result<lineage::model::EdgeKind, String> {
    s.parse()
}

fn parse_day(s: &str) -> Result<lineage::model::Day, String> {
    lineage::model::Day::parse(s).ok_or_else(|| format!("'{s}' is not a date; expected YYYY-MM-DD"))
}

// ---- lineage serve ----

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// Address to listen on (port 0 picks a free one); other than loopback, anyone who can reach it reads the graph
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Open the page in the desktop's browser (xdg-open) once serving
    #[arg(long)]
    pub open: bool,
    /// The build report to show on the overview (from `lineage build --report FILE`)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

// ---- lineage run / report ----

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Spec files: one analysis each, or sets that list others (such as queries/paper.toml)
    #[arg(required = true, value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// Output directory (created if missing)
    #[arg(long, short, default_value = "report")]
    pub out: PathBuf,
    /// Print nothing on stderr but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// Output directory (created if missing)
    #[arg(long, short, default_value = "report")]
    pub out: PathBuf,
    /// The spec set to run [default: queries/paper.toml if it exists, else the built-in copy]
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<PathBuf>,
    /// Print nothing on stderr but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct LicensesArgs {
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// What each license permits (license,class,commercial,academic,personal,note) [default: the built-in graphs/licenses.csv]
    #[arg(long, value_name = "FILE")]
    pub licenses: Option<PathBuf>,
    /// Count flagged models too
    #[arg(long)]
    pub include_flagged: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    pub format: QueryFormat,
}

#[derive(Debug, clap::Args)]
pub struct LicenseDriftArgs {
    /// The graph file
    #[arg(long, short, default_value = "graphs/lineage.graph")]
    pub graph: PathBuf,
    /// What each license permits [default: the built-in graphs/licenses.csv]
    #[arg(long, value_name = "FILE")]
    pub licenses: Option<PathBuf>,
    /// Compatibility rules (base,derivative,verdict,rationale) [default: the built-in graphs/license-rules.csv]
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// List every edge instead of counts per license pair
    #[arg(long)]
    pub edges: bool,
    /// Count flagged models too
    #[arg(long)]
    pub include_flagged: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    pub format: QueryFormat,
}

// ---- lineage fetch ----

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    #[command(subcommand)]
    pub what: FetchWhat,
}

#[derive(Debug, Subcommand)]
pub enum FetchWhat {
    /// The model listing (/api/models) as Hub API JSON Lines for `lineage build`; resumable
    Models(FetchModelsArgs),
    /// One file of a dataset repo (a daily or weekly dump of the Hub), resumable and verified
    Snapshot(FetchSnapshotArgs),
}

/// How patiently and politely to talk to the Hub.
#[derive(Debug, clap::Args)]
pub struct FetchCommon {
    /// Retries of a request after a 5xx, a dropped connection or a broken body (429s get twice as many)
    #[arg(long, default_value_t = 5)]
    pub retries: u32,
    /// Print nothing on stderr but errors
    #[arg(long, short)]
    pub quiet: bool,
    /// First backoff delay in milliseconds (doubles per retry; also LINEAGE_FETCH_BACKOFF_MS)
    #[arg(long, hide = true)]
    pub backoff_ms: Option<u64>,
    /// Connect and read timeout of one request, in seconds
    #[arg(long, hide = true, default_value_t = 60.0)]
    pub timeout: f64,
}

#[derive(Debug, clap::Args)]
pub struct FetchModelsArgs {
    /// Only models of this user or organisation
    #[arg(long)]
    pub author: Option<String>,
    /// Only models whose id contains this text
    #[arg(long)]
    pub search: Option<String>,
    /// Only models with this tag (repeatable: all must match), e.g. text-generation, license:mit
    #[arg(long = "filter", value_name = "TAG")]
    pub filters: Vec<String>,
    /// Every descendant of this base model (breadth-first through base_model: filters), and the base
    #[arg(long, value_name = "BASE")]
    pub family: Option<String>,
    /// Also read each repo's commit history and add its authors (contributors) to its line
    #[arg(long)]
    pub commits: bool,
    /// Stop after this many models
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
    /// Where to write the models (JSON Lines); the checkpoint is FILE.checkpoint beside it
    #[arg(long, short)]
    pub out: PathBuf,
    /// Requests in flight at once (1 to 16)
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Models per listing page (the Hub serves up to 1000)
    #[arg(long, hide = true, default_value_t = 1000)]
    pub page_size: u32,
    #[command(flatten)]
    pub common: FetchCommon,
}

#[derive(Debug, clap::Args)]
pub struct FetchSnapshotArgs {
    /// The dataset repo: cfahlgren1/hub-stats (daily) or hfmlsoc/hub_weekly_snapshots (weekly, dated)
    #[arg(long, default_value = lineage::fetch::snapshot::DEFAULT_DATASET)]
    pub dataset: String,
    /// The file in the repo, e.g. models.parquet or models/2025-01-06/models.parquet
    #[arg(long, default_value = lineage::fetch::snapshot::DEFAULT_FILE)]
    pub file: String,
    /// Branch, tag or commit of the repo
    #[arg(long, default_value = "main")]
    pub revision: String,
    /// Where to write the file; the partial download is FILE.part beside it
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: FetchCommon,
}
