//! Readers for the files people actually have: leaderboard exports, Hub metadata tables,
//! Hub listings, commit histories and Hub API JSON Lines. Each reader turns rows into
//! [`ModelRecord`]s and hands them to a [`Sink`] one at a time, so memory stays flat however
//! large the file; rows it cannot fully read are reported as [`RowIssue`]s, never dropped.

pub mod commits;
pub mod compress;
pub mod details;
pub mod hub_api;
pub mod leaderboard_v1;
pub mod leaderboard_v2;
pub mod listing;
pub mod parquet;
pub mod pylist;
pub mod refs;
pub mod report;
pub mod strlist;

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::error::IngestError;
use crate::ingest::compress::Compression;
use crate::model::{Board, Day, EdgeKind, ModelType, Stamp};
pub use strlist::StrList;

/// The input formats `lineage build` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Hub API model objects, one JSON object per line.
    HubApi,
    /// Hub statistics snapshot (`models.parquet`), told by its magic bytes.
    Parquet,
    /// Hub metadata table (`name,author,created_at,...,base_model`).
    Details,
    /// Hub model listing (`modelId,...,tags,...`).
    Listing,
    /// Open LLM Leaderboard v2 contents export.
    LeaderboardV2,
    /// Open LLM Leaderboard v1 export (`;`-separated).
    LeaderboardV1,
    /// Commit history per repo.
    Commits,
}

impl Format {
    /// Every format, in source-priority order.
    pub const ALL: [Format; 7] = [
        Format::HubApi,
        Format::Parquet,
        Format::Details,
        Format::Listing,
        Format::LeaderboardV2,
        Format::LeaderboardV1,
        Format::Commits,
    ];

    /// The format's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::HubApi => "hub-api",
            Format::Parquet => "parquet",
            Format::Details => "details",
            Format::Listing => "listing",
            Format::LeaderboardV2 => "leaderboard-v2",
            Format::LeaderboardV1 => "leaderboard-v1",
            Format::Commits => "commits",
        }
    }

    /// What files of the format look like, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Format::HubApi => "Hub API JSON Lines (one model object per line)",
            Format::Parquet => "Hub statistics snapshot (models.parquet)",
            Format::Details => "Hub metadata CSV (name,author,created_at,...,base_model)",
            Format::Listing => "Hub listing CSV (modelId,...,tags,...)",
            Format::LeaderboardV2 => "Open LLM Leaderboard v2 CSV (...,fullname,...,Base Model)",
            Format::LeaderboardV1 => {
                "Open LLM Leaderboard v1 CSV (;-separated, model_name_for_query)"
            }
            Format::Commits => "commit history CSV (name,...,authors)",
        }
    }

    /// Every format, for error messages.
    pub fn expected_list() -> String {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.describe()).collect();
        format!("one of: {}", names.join("; "))
    }

    /// Recognises a format from the start of a file.
    pub fn detect(head: &str) -> Option<Format> {
        let first = head
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches('\u{feff}');
        // A stray byte before the first brace (read as U+FFFD) costs that line, not the file.
        let trimmed = first.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{fffd}');
        if trimmed.starts_with('{') {
            return Some(Format::HubApi);
        }
        let has = |col: &str| first.contains(col);
        if first.contains(';') && has("model_name_for_query") {
            Some(Format::LeaderboardV1)
        } else if has("fullname") && has("Base Model") {
            Some(Format::LeaderboardV2)
        } else if has("created_at") && has("base_model") && has("name") {
            Some(Format::Details)
        } else if has("modelId") && has("tags") {
            Some(Format::Listing)
        } else if has("num_of_commits") && has("authors") {
            Some(Format::Commits)
        } else {
            None
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown format '{s}'; expected one of {}", names.join(", "))
            })
    }
}

/// A parent named by a record, before it is resolved to a node.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentRef {
    /// The name as written.
    pub raw: String,
    /// The relation the source states, if any.
    pub relation: Option<EdgeKind>,
    /// The column or JSON field it came from.
    pub field: &'static str,
}

/// Benchmark scores of one leaderboard evaluation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scores {
    /// The leaderboard the evaluation is from: its average is on that board's scale.
    pub board: Board,
    /// The leaderboard average, in points.
    pub average: f32,
    /// Each benchmark's score, in points.
    pub benchmarks: Vec<(&'static str, f32)>,
}

/// Everything one input row says about one model. `None` means the row does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelRecord {
    /// The model id (`namespace/name`).
    pub id: String,
    /// Line of the row in its file (1-based, the header is line 1).
    pub line: u64,
    /// The Hub's current owner, where the source gives one.
    pub owner: Option<String>,
    /// Creation date.
    pub created: Option<Day>,
    /// The creation time, where the source gives the time of day.
    pub created_at: Option<Stamp>,
    /// Date of the last change.
    pub last_modified: Option<Day>,
    /// The leaderboard's model type.
    pub model_type: Option<ModelType>,
    /// Architecture (`LlamaForCausalLM`, ...).
    pub architecture: Option<String>,
    /// License id.
    pub license: Option<String>,
    /// Precision of the evaluated weights (`bfloat16`, ...).
    pub precision: Option<String>,
    /// Library (`transformers`, `peft`, ...).
    pub library: Option<String>,
    /// Pipeline tag (`text-generation`, ...).
    pub pipeline: Option<String>,
    /// Parameters, in billions.
    pub params_b: Option<f32>,
    /// Leaderboard scores.
    pub scores: Option<Scores>,
    /// Hub downloads.
    pub downloads: Option<u64>,
    /// Hub likes.
    pub likes: Option<u32>,
    /// Flagged on the leaderboard.
    pub flagged: Option<bool>,
    /// Marked as a merge by the source.
    pub merged: Option<bool>,
    /// A mixture of experts.
    pub moe: Option<bool>,
    /// Still available on the Hub.
    pub available: Option<bool>,
    /// Evaluations this row stands for (duplicate leaderboard rows merged into it).
    pub evaluations: u16,
    /// Hub tags.
    pub tags: StrList,
    /// Datasets it was trained on.
    pub datasets: StrList,
    /// The models it names as its bases.
    pub parents: Vec<ParentRef>,
    /// Commit authors.
    pub contributors: StrList,
    /// Commits in the repo's history (commit histories).
    pub commits: Option<u32>,
    /// The repo's first commit (commit histories).
    pub first_commit: Option<Stamp>,
    /// The repo's last commit (commit histories).
    pub last_commit: Option<Stamp>,
    /// Its metadata was copied from another row: only the id is used.
    pub suspicious: bool,
    /// Where it stands among its file's rows for the same repo (leaderboards).
    pub fold: Fold,
}

/// Where a leaderboard row stands among the rows its file holds for the same repo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fold {
    /// The first row of its repo in this file (or a row of a source without duplicates).
    #[default]
    First,
    /// A later row with a better average than every earlier one: its evaluation replaces
    /// theirs.
    Better,
    /// A later row that is not better: it counts as an evaluation, and a parent it names is
    /// kept; nothing else of it is used.
    Worse,
    /// A later row of a model its file already described, in a source that holds one row
    /// per model (Hub metadata, listings, Hub API): it is counted as a repeat, it fills only
    /// what earlier rows left empty, and a value that differs from theirs is reported. Its
    /// parents are used only when no earlier row named any: two rows that each name one
    /// base do not make a merge.
    Repeat,
}

/// Folds the several rows a leaderboard export can hold for one repo (re-evaluations, other
/// precisions), as methodology section 2.1 asks: the evaluation with the best average wins
/// (the first one on ties) and the others count. Rows stream on at once, marked with their
/// [`Fold`], so memory holds one number per repo rather than whole rows.
#[derive(Debug, Default)]
pub(crate) struct DuplicateFold {
    /// The repos seen, compared as ids are (case folded): a repo's id in here indexes `best`.
    repos: crate::intern::NameTable,
    best: Vec<f32>,
}

/// Rows a file of `bytes` is likely to hold, to size the tables kept per row: a guess on
/// the large side (the real exports' rows are 280 to 1,000 bytes). A file with more rows
/// only makes the tables grow.
pub(crate) fn rows_in(bytes: u64) -> usize {
    usize::try_from(bytes / 192).unwrap_or(usize::MAX)
}

impl DuplicateFold {
    /// A fold with room for about `rows` repos.
    pub fn with_room(rows: usize) -> Self {
        let mut fold = DuplicateFold::default();
        fold.repos.reserve(rows);
        let _ = fold.best.try_reserve(rows);
        fold
    }

    pub fn mark(&mut self, rec: &mut ModelRecord) {
        let average = rec.scores.as_ref().map_or(f32::NEG_INFINITY, |s| s.average);
        let (repo, new) = self.repos.intern(&rec.id);
        if new {
            self.best.push(average);
            rec.fold = Fold::First;
            return;
        }
        let best = &mut self.best[repo as usize];
        rec.fold = if average > *best {
            *best = average;
            Fold::Better
        } else {
            Fold::Worse
        };
    }
}

/// Finds the later rows of a model in a source that should hold one row per model, and
/// marks them [`Fold::Repeat`]. It keeps three numbers per model: the first row's line and
/// fingerprints of the parents and dates the model's rows gave so far, so that a repeat that
/// disagrees can be reported.
#[derive(Debug, Default)]
pub(crate) struct RepeatFold {
    /// The models seen, compared as ids are (case folded): a model's id in here indexes
    /// `first`.
    models: crate::intern::NameTable,
    first: Vec<(u64, Option<u64>, Option<u64>)>,
    parent: String,
}

/// How a repeated row differs from its model's earlier rows.
pub(crate) struct Repeat {
    pub first_line: u64,
    pub other_parents: bool,
    pub other_dates: bool,
}

impl RepeatFold {
    /// A fold with room for about `rows` models.
    pub fn with_room(rows: usize) -> Self {
        let mut fold = RepeatFold::default();
        fold.models.reserve(rows);
        let _ = fold.first.try_reserve(rows);
        fold
    }

    /// Marks `rec` as a repeat when its model was seen before in this file, and returns how
    /// it compares with the earlier rows. A repeat fills what the earlier rows left empty
    /// (a failed lookup followed by a good one), but parents come from one row only: a repeat
    /// naming other parents than an earlier row keeps none of them, so two rows that each
    /// name one base do not make a merge.
    pub fn mark(&mut self, rec: &mut ModelRecord) -> Option<Repeat> {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        let mut any = false;
        for p in &rec.parents {
            if matches!(refs::classify(&p.raw), refs::RefClass::Empty(_)) {
                continue;
            }
            any = true;
            crate::intern::fold_case(p.raw.trim(), &mut self.parent).hash(&mut h);
        }
        let parents = any.then(|| h.finish());
        let dates = (rec.created.is_some() || rec.last_modified.is_some()).then(|| {
            let mut h = rustc_hash::FxHasher::default();
            (rec.created, rec.last_modified).hash(&mut h);
            h.finish()
        });
        let (model, new) = self.models.intern(&rec.id);
        if new {
            self.first.push((rec.line, parents, dates));
            return None;
        }
        let seen = &mut self.first[model as usize];
        rec.fold = Fold::Repeat;
        let other_parents = matches!((seen.1, parents), (Some(a), Some(b)) if a != b);
        let other_dates = matches!((seen.2, dates), (Some(a), Some(b)) if a != b);
        if seen.1.is_some() {
            // The parents were given already (the same ones, or others: reported).
            rec.parents
                .retain(|p| matches!(refs::classify(&p.raw), refs::RefClass::Empty(_)));
        }
        seen.1 = seen.1.or(parents);
        seen.2 = seen.2.or(dates);
        Some(Repeat {
            first_line: seen.0,
            other_parents,
            other_dates,
        })
    }
}

impl Repeat {
    /// The report's message for a repeat that disagrees with an earlier row, if it does.
    pub fn conflict(&self) -> Option<String> {
        let what = match (self.other_parents, self.other_dates) {
            (false, false) => return None,
            (true, false) => "other base models (not used: the earlier row's are kept)",
            (false, true) => "other dates (the earlier row's are kept)",
            (true, true) => "other base models and dates (the earlier row's are kept)",
        };
        Some(format!(
            "a repeated row of the model first given on line {} with {what}",
            self.first_line
        ))
    }
}

/// How a value is echoed in messages: in full when short, else its start and its length, so
/// a 10 MB cell does not flood the terminal or the report.
pub fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        None => std::borrow::Cow::Borrowed(value),
        Some((end, _)) => std::borrow::Cow::Owned(format!(
            "{}... ({} bytes in all)",
            &value[..end],
            value.len()
        )),
    }
}

/// The value a report row keeps: the first 200 characters.
pub fn kept_value(value: &str) -> String {
    value.chars().take(200).collect()
}

/// A row, or part of one, that could not be read as it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowIssue {
    /// The file.
    pub file: String,
    /// Line of the row (1-based, the header is line 1).
    pub line: u64,
    /// The field (column) at fault.
    pub field: String,
    /// The value as read.
    pub value: String,
    /// The reason, one of [`reason`].
    pub reason: &'static str,
    /// A message for people.
    pub message: String,
}

/// Reasons a row is reported, the keys of the report's `rejected` and `suspicious` tables.
pub mod reason {
    /// A number field does not parse.
    pub const BAD_NUMBER: &str = "bad number";
    /// A date field does not parse.
    pub const BAD_DATE: &str = "bad date";
    /// A list literal does not parse.
    pub const BAD_LIST: &str = "unparsable list";
    /// A boolean field is neither true nor false.
    pub const BAD_BOOL: &str = "bad boolean";
    /// A model type the leaderboard does not use.
    pub const BAD_TYPE: &str = "unknown model type";
    /// A row with more or fewer fields than the header.
    pub const FIELD_COUNT: &str = "wrong field count";
    /// A row without a model id.
    pub const MISSING_ID: &str = "missing model id";
    /// A line that is not valid JSON.
    pub const BAD_JSON: &str = "bad JSON";
    /// A model id that is not `namespace/name`.
    pub const BAD_ID: &str = "malformed model id";
    /// Bytes that are not UTF-8.
    pub const BAD_UTF8: &str = "invalid UTF-8";
    /// A JSON string escape that names no character (a lone UTF-16 surrogate).
    pub const BAD_ESCAPE: &str = "invalid Unicode escape";
    /// A file that stops inside its last row.
    pub const TRUNCATED: &str = "truncated row";
    /// Suspicious rather than rejected: a later row of a model its file already gave, with
    /// other values; the first row is kept.
    pub const REPEATED: &str = "repeated row with other values";
    /// A relation outside finetune, adapter, quantized and merge (its parents are kept).
    pub const BAD_RELATION: &str = "unknown relation";
    /// Suspicious rather than rejected: a row that repeats the previous row's metadata
    /// under another name (its own was never fetched); its metadata is not used.
    pub const COPIED: &str = "metadata copied from another row";
    /// Suspicious rather than rejected: metadata identical to an earlier row's under
    /// another name, not adjacent (one repo known by two names); kept.
    pub const SAME_METADATA: &str = "metadata identical to another model's";
}

/// Where readers deliver what they read.
pub trait Sink {
    /// Takes one record.
    fn record(&mut self, record: ModelRecord);
    /// Takes one problem with a row.
    fn issue(&mut self, issue: RowIssue);
    /// Rows read so far, for progress display.
    fn progress(&mut self, _bytes: u64) {}
}

/// What a reader saw in one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileSummary {
    /// The file.
    pub path: String,
    /// Its format, when detected.
    pub format: Option<Format>,
    /// Rows read.
    pub rows: u64,
    /// Records given.
    pub records: u64,
    /// Problems reported.
    pub issues: u64,
    /// Rows that gave no record at all (no model id, not a JSON object, ...); each is also
    /// in the report's `rejected` table. `rows = records + rows_rejected + duplicates_merged`.
    pub rows_rejected: u64,
    /// Rows folded into another row of the same model (duplicate evaluations).
    pub duplicates_merged: u64,
}

/// Where an input's bytes come from.
#[derive(Debug, Clone)]
pub enum InputSource {
    /// A regular file, opened again for reading.
    File(PathBuf),
    /// Bytes compiled into the binary (the embedded sample).
    Embedded(&'static [u8]),
    /// A pipe, a FIFO or standard input: it can be read only once, so the bytes read to
    /// settle its format are kept and put back in front of the rest.
    Stream(Stream),
}

/// A stream being read: the bytes already taken from it, then the rest of it.
#[derive(Clone)]
pub struct Stream(std::sync::Arc<std::sync::Mutex<Option<StreamParts>>>);

/// The bytes already read from a stream, and the stream.
type StreamParts = (Vec<u8>, Box<dyn Read + Send>);

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stream")
    }
}

/// The name standard input goes by on the command line.
pub const STDIN: &str = "-";

/// One input, its format settled.
#[derive(Debug, Clone)]
pub struct Input {
    /// How messages name it.
    pub name: PathBuf,
    /// Where its bytes are.
    pub source: InputSource,
    /// Its format.
    pub format: Format,
    /// Its length in bytes, for progress.
    pub len: u64,
    /// How the bytes are compressed (told by their magic bytes), if they are.
    pub compression: Option<Compression>,
}

impl Input {
    /// An embedded input, its format detected from its header.
    pub fn embedded(name: &str, bytes: &'static [u8]) -> Result<Input, IngestError> {
        let path = PathBuf::from(name);
        let (format, _) = sniff(&path, bytes, None)?;
        Ok(Input {
            name: path,
            source: InputSource::Embedded(bytes),
            format,
            len: bytes.len() as u64,
            compression: None,
        })
    }

    fn open(&self) -> Result<Box<dyn Read>, IngestError> {
        let io = |source| IngestError::Io {
            path: self.name.clone(),
            source,
        };
        let raw: Box<dyn Read + Send> = match &self.source {
            InputSource::Embedded(bytes) => Box::new(*bytes),
            InputSource::File(path) => Box::new(File::open(path).map_err(io)?),
            InputSource::Stream(stream) => {
                let taken = stream.0.lock().ok().and_then(|mut s| s.take());
                let (head, rest) = taken
                    .ok_or_else(|| io(std::io::Error::other("a stream can be read only once")))?;
                Box::new(std::io::Cursor::new(head).chain(rest))
            }
        };
        match self.compression {
            // A compressed stream cut short fails in its decoder.
            Some(c) => c.decoder(raw).map_err(io),
            None => Ok(Box::new(BufReader::with_capacity(1 << 16, raw))),
        }
    }
}

const SNIFF: usize = 8192;

/// How much of a compressed stream is read ahead to tell the format of what it holds.
const COMPRESSED_STREAM_HEAD: usize = 256 << 10;

/// Checks that `head` (the start of a file) is non-empty text and settles its format.
///
/// One rule for bytes that are not UTF-8: wherever they are, they cost the field that holds
/// them (a row issue), not the file. A file is binary only when NUL bytes, or NUL bytes and
/// invalid sequences together, make up a good part of its start: no text file looks so.
fn sniff(path: &Path, head: &[u8], forced: Option<Format>) -> Result<(Format, ()), IngestError> {
    let expected = forced
        .map(|f| f.describe().to_string())
        .unwrap_or_else(Format::expected_list);
    let head = &head[..head.len().min(SNIFF)];
    if head.starts_with(parquet::MAGIC) && forced.is_none_or(|f| f == Format::Parquet) {
        return Ok((Format::Parquet, ()));
    }
    if forced == Some(Format::Parquet) {
        // The reader says what is wrong with it.
        return Ok((Format::Parquet, ()));
    }
    if head.is_empty() {
        return Err(IngestError::Empty {
            path: path.into(),
            expected,
        });
    }
    let nuls = memchr::memchr_iter(0, head).count();
    let mut invalid = 0usize;
    for chunk in head.utf8_chunks() {
        invalid += chunk.invalid().len();
    }
    let first_line = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
    if nuls * 64 > head.len() || (nuls + invalid) * 8 > head.len() || first_line.contains(&0) {
        return Err(IngestError::Binary {
            path: path.into(),
            detail: format!(
                "{nuls} NUL bytes and {invalid} bytes of invalid UTF-8 in the first {} bytes",
                head.len()
            ),
            expected,
        });
    }
    let lossy = String::from_utf8_lossy(head);
    let text = lossy.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            path: path.into(),
            expected,
        });
    }
    let format = match forced {
        Some(f) => f,
        None => Format::detect(text).ok_or_else(|| IngestError::UnknownFormat {
            path: path.into(),
            header: text.lines().next().unwrap_or("").chars().take(80).collect(),
            expected,
        })?,
    };
    Ok((format, ()))
}

/// Opens `path`, checks that it is non-empty text, and settles its format (detected from the
/// header unless `forced`).
///
/// `-` is standard input. Pipes, FIFOs and other streams (`/dev/stdin`, `<(...)`) are read
/// once, as they arrive; only regular files are opened twice.
pub fn open_input(path: &Path, forced: Option<Format>) -> Result<Input, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (mut reader, regular_len): (Box<dyn Read + Send>, Option<u64>) =
        if path.as_os_str() == STDIN {
            (Box::new(std::io::stdin()), None)
        } else {
            let file = File::open(path).map_err(io)?;
            let meta = file.metadata().map_err(io)?;
            if meta.is_dir() {
                return Err(io(std::io::Error::other(
                    "is a directory (directories are expanded by `lineage build`)",
                )));
            }
            let len = meta.is_file().then_some(meta.len());
            (Box::new(file), len)
        };
    let mut head = Vec::with_capacity(SNIFF);
    (&mut reader)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    let compression = Compression::detect(&head);
    let mut plain_head = None;
    if let Some(c) = compression {
        let decoded = match regular_len {
            Some(_) => compress::head(c, File::open(path).map_err(io)?, SNIFF),
            None => {
                // A stream is read once: keep enough of its compressed bytes to decode a
                // first block (a zstd block is at most 128 KiB), and put them back later.
                (&mut reader)
                    .take((COMPRESSED_STREAM_HEAD - head.len()) as u64)
                    .read_to_end(&mut head)
                    .map_err(io)?;
                compress::head(c, &head[..], SNIFF)
            }
        };
        plain_head = Some(decoded.map_err(|e| IngestError::Binary {
            path: path.to_path_buf(),
            detail: format!("{c} data that does not decompress: {e}"),
            expected: Format::expected_list(),
        })?);
    }
    let (format, ()) = sniff(path, plain_head.as_deref().unwrap_or(&head), forced)?;
    if format == Format::Parquet {
        let detail = match (compression, regular_len) {
            (Some(c), _) => Some(format!(
                "a {c}-compressed Parquet file; Parquet is read by random access and compresses \
                 its own columns: decompress the file first"
            )),
            (None, None) => Some(PARQUET_ON_A_PIPE.to_string()),
            (None, Some(_)) => None,
        };
        if let Some(detail) = detail {
            return Err(IngestError::Parquet {
                path: path.to_path_buf(),
                detail,
            });
        }
    }
    let (source, len) = match regular_len {
        Some(len) => (InputSource::File(path.to_path_buf()), len),
        None => {
            let len = head.len() as u64;
            let stream = Stream(std::sync::Arc::new(std::sync::Mutex::new(Some((
                head, reader,
            )))));
            (InputSource::Stream(stream), len)
        }
    };
    Ok(Input {
        name: path.to_path_buf(),
        source,
        format,
        len,
        compression,
    })
}

/// Expands directories into the input files they hold (`.csv`, `.jsonl`, `.json`, `.ndjson`,
/// each possibly compressed as `.gz` or `.zst`, and `.parquet`), sorted by name; files are
/// kept as given.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| IngestError::Io {
                path: p.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file() && {
                        let plain = match Compression::from_extension(f) {
                            Some(_) => f.file_stem().map(Path::new),
                            None => Some(f.as_path()),
                        };
                        matches!(
                            plain.and_then(|p| p.extension()).and_then(|e| e.to_str()),
                            Some("csv" | "jsonl" | "json" | "ndjson" | "parquet")
                        )
                    }
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if p.as_os_str() == STDIN && out.contains(p) {
            return Err(IngestError::Io {
                path: p.clone(),
                source: std::io::Error::other("standard input can be read only once"),
            });
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Reads one input into `sink`.
pub fn read_input(input: &Input, sink: &mut dyn Sink) -> Result<FileSummary, IngestError> {
    let mut summary = FileSummary {
        path: input.name.display().to_string(),
        format: Some(input.format),
        ..Default::default()
    };
    let mut counting = Counting {
        inner: sink,
        summary: &mut summary,
        len: input.len,
    };
    let path = input.name.as_path();
    if input.format == Format::Parquet {
        read_parquet(input, &mut counting)?;
        return Ok(summary);
    }
    let reader = input.open()?;
    match input.format {
        Format::LeaderboardV1 => leaderboard_v1::read(path, reader, &mut counting)?,
        Format::LeaderboardV2 => leaderboard_v2::read(path, reader, &mut counting)?,
        Format::Details => details::read(path, reader, &mut counting)?,
        Format::Listing => listing::read(path, reader, &mut counting)?,
        Format::Commits => commits::read(path, reader, &mut counting)?,
        Format::HubApi => hub_api::read(path, reader, &mut counting)?,
        Format::Parquet => unreachable!("read by random access above"),
    }
    Ok(summary)
}

/// Why a Parquet file cannot come through a pipe.
const PARQUET_ON_A_PIPE: &str =
    "Parquet is read by random access, which a pipe does not allow: write it to a file first";

/// Reads a Parquet input, which needs random access to its bytes rather than a stream.
fn read_parquet(input: &Input, counting: &mut Counting<'_>) -> Result<(), IngestError> {
    let path = input.name.as_path();
    match &input.source {
        InputSource::Embedded(bytes) => {
            parquet::read(path, bytes::Bytes::from_static(bytes), counting)
        }
        InputSource::File(file) => {
            let f = File::open(file)
                .and_then(parquet::Positioned::new)
                .map_err(|source| IngestError::Io {
                    path: file.clone(),
                    source,
                })?;
            parquet::read(path, f, counting)
        }
        InputSource::Stream(_) => Err(IngestError::Parquet {
            path: path.to_path_buf(),
            detail: PARQUET_ON_A_PIPE.into(),
        }),
    }
}

/// Counts what passes through to the real sink, for the file's summary.
pub(crate) struct Counting<'a> {
    inner: &'a mut dyn Sink,
    summary: &'a mut FileSummary,
    /// The input's length in bytes as stored (compressed, for a compressed file; for a
    /// stream, what was read to settle its format): a guess of its size, never a bound.
    pub len: u64,
}

impl Sink for Counting<'_> {
    fn record(&mut self, record: ModelRecord) {
        if record.fold == Fold::First {
            self.summary.records += 1;
        } else {
            self.summary.duplicates_merged += 1;
        }
        self.inner.record(record);
    }
    fn issue(&mut self, issue: RowIssue) {
        self.summary.issues += 1;
        self.inner.issue(issue);
    }
    fn progress(&mut self, bytes: u64) {
        self.inner.progress(bytes);
    }
}

impl Counting<'_> {
    pub fn row(&mut self) {
        self.summary.rows += 1;
    }

    /// Reports a row that gives no record at all.
    pub fn reject(&mut self, issue: RowIssue) {
        self.summary.rows_rejected += 1;
        self.issue(issue);
    }
}

/// Reads a small table users give (aliases, date corrections) as text: a file that is not
/// UTF-8 text, or holds NUL bytes, is refused rather than read as a table with no rows.
pub fn read_config(path: &Path, expected: &str) -> Result<String, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.into(),
        source,
    })?;
    let binary = |detail: String| IngestError::Binary {
        path: path.into(),
        detail,
        expected: expected.to_string(),
    };
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(binary(format!("a NUL byte at offset {at}")));
    }
    String::from_utf8(bytes).map_err(|e| {
        binary(format!(
            "invalid UTF-8 at offset {}",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The rows of a small table the project ships and users edit (aliases, date corrections),
/// each with the line an editor shows for it. Blank lines and `#` comments are skipped here
/// rather than by the csv parser, which would leave comments out of its line numbers; lines
/// are counted by the quote tracker, which also counts blank lines and `\r\n`.
pub(crate) fn config_rows(
    path: &Path,
    text: &str,
) -> Result<Vec<(u64, csv::StringRecord)>, IngestError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csvutil::QuoteTracker::new(text.as_bytes(), b','));
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).map_err(|e| IngestError::Config {
        path: path.into(),
        line: 0,
        detail: e.to_string(),
    })? {
        let line = rec
            .position()
            .map(|p| rdr.get_mut().line_at(p.byte()))
            .unwrap_or(0);
        let first = rec.get(0).unwrap_or("").trim();
        if first.starts_with('#') || (rec.len() == 1 && first.is_empty()) {
            continue;
        }
        rows.push((line, rec.clone()));
    }
    Ok(rows)
}

/// Shared plumbing for the CSV readers: header lookup, typed field parsing that reports
/// problems as row issues, and the truncation check.
pub(crate) mod csvutil {
    use super::*;
    use csv::StringRecord;

    pub struct Columns {
        pub names: Vec<String>,
    }

    impl Columns {
        /// The columns of a header; a name given twice is an error, since a reader would
        /// see only one of the two columns.
        pub fn new(path: &Path, header: &csv::ByteRecord) -> Result<Self, IngestError> {
            let names: Vec<String> = header
                .iter()
                .map(|h| {
                    String::from_utf8_lossy(h)
                        .trim_start_matches('\u{feff}')
                        .trim()
                        .to_string()
                })
                .collect();
            for (i, name) in names.iter().enumerate() {
                if name.is_empty() {
                    continue;
                }
                if let Some(j) = names[..i].iter().position(|n| n == name) {
                    return Err(IngestError::DuplicateColumn {
                        path: path.into(),
                        column: shown(name).into_owned(),
                        first: j + 1,
                        second: i + 1,
                    });
                }
            }
            Ok(Columns { names })
        }

        pub fn find(&self, name: &str) -> Option<usize> {
            self.names.iter().position(|n| n == name)
        }

        pub fn require(
            &self,
            path: &Path,
            format: &'static str,
            name: &str,
        ) -> Result<usize, IngestError> {
            self.find(name).ok_or_else(|| IngestError::MissingColumn {
                path: path.into(),
                format,
                column: name.into(),
            })
        }
    }

    /// One row being read: its fields, where it is, and where its problems go.
    pub struct Row<'r, 's> {
        pub record: &'r StringRecord,
        pub file: &'r str,
        pub line: u64,
        pub columns: &'r Columns,
        pub sink: &'r mut Counting<'s>,
    }

    impl Row<'_, '_> {
        pub fn get(&self, idx: Option<usize>) -> &str {
            idx.and_then(|i| self.record.get(i)).unwrap_or("").trim()
        }

        pub fn issue(&mut self, idx: usize, reason: &'static str, message: String) {
            let value = kept_value(self.record.get(idx).unwrap_or(""));
            let field = self.columns.names.get(idx).cloned().unwrap_or_default();
            self.sink.issue(RowIssue {
                file: self.file.to_string(),
                line: self.line,
                field,
                value,
                reason,
                message,
            });
        }

        /// Reports this row as unusable as a whole (it gives no record).
        pub fn reject(&mut self, idx: usize, reason: &'static str, message: String) {
            self.issue(idx, reason, message);
            self.sink.summary.rows_rejected += 1;
        }

        fn is_missing(v: &str) -> bool {
            v.is_empty()
                || v == "?"
                || v.eq_ignore_ascii_case("none")
                || v.eq_ignore_ascii_case("nan")
        }

        pub fn text(&self, idx: Option<usize>) -> Option<String> {
            let v = self.get(idx);
            (!Self::is_missing(v)).then(|| v.to_string())
        }

        pub fn number<T: FromStr>(&mut self, idx: Option<usize>) -> Option<T> {
            let v = self.get(idx);
            if Self::is_missing(v) {
                return None;
            }
            // Counts are sometimes written as floats by pandas ("12.0").
            let parsed = v
                .parse::<T>()
                .ok()
                .or_else(|| v.strip_suffix(".0").and_then(|w| w.parse::<T>().ok()));
            if parsed.is_none() {
                if let Some(i) = idx {
                    let message = format!("'{}' is not a number", shown(v));
                    self.issue(i, reason::BAD_NUMBER, message);
                }
            }
            parsed
        }

        pub fn float(&mut self, idx: Option<usize>) -> Option<f32> {
            let v: Option<f32> = self.number(idx);
            match v {
                Some(x) if !x.is_finite() => {
                    if let Some(i) = idx {
                        self.issue(
                            i,
                            reason::BAD_NUMBER,
                            format!("'{x}' is not a finite number"),
                        );
                    }
                    None
                }
                other => other,
            }
        }

        /// A date with its time of day where the field has one: the day, and the moment
        /// when a time is given (a bare date gives only the day). Bad values are reported.
        pub fn moment(&mut self, idx: Option<usize>) -> (Option<Day>, Option<Stamp>) {
            let day = self.date(idx);
            let v = self.get(idx).trim();
            let timed = day.is_some() && v.len() > 10;
            (day, if timed { Stamp::parse(v) } else { None })
        }

        pub fn date(&mut self, idx: Option<usize>) -> Option<Day> {
            let v = self.get(idx);
            if Self::is_missing(v) {
                return None;
            }
            let d = Day::parse(v);
            if d.is_none() {
                if let Some(i) = idx {
                    self.issue(
                        i,
                        reason::BAD_DATE,
                        format!(
                            "'{}' is not a date (expected YYYY-MM-DD or ISO 8601)",
                            shown(v)
                        ),
                    );
                }
            }
            d
        }

        /// A boolean; `invert` for exports whose flags mean the opposite.
        pub fn boolean(&mut self, idx: Option<usize>, invert: bool) -> Option<bool> {
            let v = self.get(idx);
            if Self::is_missing(v) {
                return None;
            }
            let b = match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            };
            if b.is_none() {
                if let Some(i) = idx {
                    let message = format!("'{}' is not True or False", shown(v));
                    self.issue(i, reason::BAD_BOOL, message);
                }
            }
            b.map(|b| b != invert)
        }

        /// A leaderboard evaluation: the average and each benchmark column that holds a
        /// number (every column is checked, so a bad value is reported even without an
        /// average); `None` without an average.
        pub fn scores(
            &mut self,
            board: Board,
            average: Option<usize>,
            names: &[&'static str],
            columns: &[Option<usize>],
        ) -> Option<Scores> {
            let average = self.float(average);
            let benchmarks: Vec<(&'static str, f32)> = names
                .iter()
                .zip(columns)
                .filter_map(|(name, &idx)| self.float(idx).map(|v| (*name, v)))
                .collect();
            average.map(|average| Scores {
                board,
                average,
                benchmarks,
            })
        }

        /// A list literal, or a single plain value standing for a one-item list
        /// (placeholders such as `unknown` give an empty list), added to `out`.
        pub fn list_or_scalar_into(&mut self, idx: Option<usize>, out: &mut StrList) {
            let v = self.get(idx);
            if pylist::is_list(v) {
                return self.list_into(idx, out);
            }
            if Self::is_missing(v) || v.eq_ignore_ascii_case("unknown") {
                return;
            }
            out.push(v);
        }

        /// The items of a list literal, added to `out`; an unparsable list is reported and
        /// adds nothing.
        pub fn list_into(&mut self, idx: Option<usize>, out: &mut StrList) {
            let v = self.get(idx);
            if Self::is_missing(v) {
                return;
            }
            let before = out.len();
            if let Err(e) = pylist::parse_list_into(v, out) {
                out.truncate(before);
                if let Some(i) = idx {
                    self.issue(i, reason::BAD_LIST, format!("unparsable list: {e}"));
                }
            }
        }
    }

    /// Where a CSV's bytes stand with respect to quoting, followed as they stream past.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Quoting {
        Outside,
        Quoted,
        /// A quote inside a quoted field: its end, or the first half of an escaped `""`.
        QuoteInQuoted,
    }

    /// Passes bytes through unchanged while following the quoting the way the csv parser
    /// does (a quote opens a field only at its start; `""` inside is an escaped quote), so
    /// that the end of input inside a quoted field can be told apart from a complete row.
    ///
    /// It also keeps the line count. The csv parser dates a record from where it started
    /// looking for it, before the blank lines and the `\n` of a `\r\n` it then skips, so
    /// its line numbers fall behind in files with Windows line ends or blank lines.
    ///
    /// It jumps from one quote or line end to the next with `memchr`, so following the
    /// bytes costs little next to parsing them.
    pub struct QuoteTracker<R> {
        inner: R,
        delimiter: u8,
        state: Quoting,
        /// The last byte passed through (a line end before the first).
        last: u8,
        /// Bytes passed through so far.
        offset: u64,
        /// Offsets of the `\r` (false) and `\n` (true) bytes not yet behind a record.
        terminators: std::collections::VecDeque<(u64, bool)>,
        /// `\n` bytes before the first entry of `terminators`.
        newlines_before: u64,
    }

    impl<R> QuoteTracker<R> {
        pub fn new(inner: R, delimiter: u8) -> Self {
            QuoteTracker {
                inner,
                delimiter,
                state: Quoting::Outside,
                last: b'\n',
                offset: 0,
                terminators: std::collections::VecDeque::new(),
                newlines_before: 0,
            }
        }

        /// True when the bytes so far end inside a quoted field.
        pub fn in_quoted_field(&self) -> bool {
            self.state == Quoting::Quoted
        }

        /// True when the bytes so far end where a row can end: after a line end, or right
        /// after the closing quote of a quoted field (nothing of such a field can be
        /// missing). Empty input ends complete.
        pub fn ends_complete(&self) -> bool {
            matches!(self.last, b'\n' | b'\r') || self.state == Quoting::QuoteInQuoted
        }

        /// The 1-based line of the first byte at or after `byte` that is not a line end:
        /// where a record the csv parser places at `byte` really starts. Offsets must not
        /// decrease from call to call.
        pub fn line_at(&mut self, byte: u64) -> u64 {
            while let Some(&(at, newline)) = self.terminators.front() {
                if at >= byte {
                    break;
                }
                self.newlines_before += u64::from(newline);
                self.terminators.pop_front();
            }
            let mut skipped = 0;
            for (expected, &(at, newline)) in (byte..).zip(&self.terminators) {
                if at != expected {
                    break;
                }
                skipped += u64::from(newline);
            }
            1 + self.newlines_before + skipped
        }

        /// Records the line ends of `bytes`, which start at offset `at`.
        fn note_line_ends(&mut self, at: u64, bytes: &[u8]) {
            for p in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                self.terminators
                    .push_back((at + p as u64, bytes[p] == b'\n'));
            }
        }
    }

    impl<R: Read> Read for QuoteTracker<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            let data = &buf[..n];
            let base = self.offset;
            let mut state = self.state;
            let mut i = 0;
            while i < n {
                match state {
                    Quoting::Quoted => match memchr::memchr(b'"', &data[i..]) {
                        Some(k) => {
                            self.note_line_ends(base + i as u64, &data[i..i + k]);
                            i += k + 1;
                            state = Quoting::QuoteInQuoted;
                        }
                        None => {
                            self.note_line_ends(base + i as u64, &data[i..]);
                            i = n;
                        }
                    },
                    Quoting::QuoteInQuoted => {
                        if data[i] == b'"' {
                            state = Quoting::Quoted;
                            i += 1;
                        } else {
                            state = Quoting::Outside;
                        }
                    }
                    Quoting::Outside => match memchr::memchr3(b'"', b'\n', b'\r', &data[i..]) {
                        None => i = n,
                        Some(k) => {
                            let j = i + k;
                            if data[j] == b'"' {
                                let prev = if j > 0 { data[j - 1] } else { self.last };
                                if prev == self.delimiter || prev == b'\n' || prev == b'\r' {
                                    state = Quoting::Quoted;
                                }
                            } else {
                                self.terminators
                                    .push_back((base + j as u64, data[j] == b'\n'));
                            }
                            i = j + 1;
                        }
                    },
                }
            }
            if let Some(&b) = data.last() {
                self.last = b;
            }
            self.state = state;
            self.offset += n as u64;
            Ok(n)
        }
    }

    /// Reads every record of a CSV, checking field counts and truncation, and calls `each`
    /// with a [`Row`] for each well-formed-enough record.
    pub fn for_each_row<R: Read, T>(
        path: &Path,
        reader: R,
        delimiter: u8,
        format: &'static str,
        sink: &mut Counting<'_>,
        setup: impl FnOnce(&Columns) -> Result<T, IngestError>,
        mut each: impl FnMut(&T, &mut Row<'_, '_>),
    ) -> Result<(), IngestError> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(QuoteTracker::new(reader, delimiter));
        let header = rdr.byte_headers().map_err(|e| IngestError::UnknownFormat {
            path: path.into(),
            header: e.to_string(),
            expected: format.to_string(),
        })?;
        let columns = Columns::new(path, header)?;
        let setup = setup(&columns)?;
        let file = path.display().to_string();
        let width = columns.names.len();
        let mut record: StringRecord;
        // The last record's line and field count when it was short.
        let mut last_short: Option<(u64, usize)> = None;
        // Rows are read as bytes and checked for UTF-8 one by one, so that a stray byte
        // costs one field, not the row; the buffer goes back and forth, never reallocated.
        let mut bytes = csv::ByteRecord::new();
        let mut last_line = 0;
        loop {
            match rdr.read_byte_record(&mut bytes) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e
                        .position()
                        .map(|p| rdr.get_mut().line_at(p.byte()))
                        .unwrap_or(0);
                    return Err(IngestError::Truncated {
                        path: path.into(),
                        line,
                        detail: e.to_string(),
                    });
                }
            }
            let line = bytes
                .position()
                .map(|p| rdr.get_mut().line_at(p.byte()))
                .unwrap_or(0);
            last_line = line;
            let mut bad_utf8 = None;
            record = match StringRecord::from_byte_record(std::mem::take(&mut bytes)) {
                Ok(r) => r,
                Err(e) => {
                    bad_utf8 = Some(e.utf8_error().field());
                    StringRecord::from_byte_record_lossy(e.into_byte_record())
                }
            };
            if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
                bytes = std::mem::take(&mut record).into_byte_record();
                continue; // a blank line: not a row
            }
            sink.row();
            if let Some(p) = record.position() {
                if line % 4096 == 0 {
                    sink.progress(p.byte());
                }
            }
            if let Some(idx) = bad_utf8 {
                sink.issue(RowIssue {
                    file: file.clone(),
                    line,
                    field: columns.names.get(idx).cloned().unwrap_or_default(),
                    value: kept_value(record.get(idx).unwrap_or("")),
                    reason: reason::BAD_UTF8,
                    message: "not valid UTF-8; invalid bytes replaced by U+FFFD".into(),
                });
            }
            last_short = None;
            if record.len() != width {
                if record.len() < width {
                    last_short = Some((line, record.len()));
                }
                sink.issue(RowIssue {
                    file: file.clone(),
                    line,
                    field: String::new(),
                    value: format!("{} fields", record.len()),
                    reason: reason::FIELD_COUNT,
                    message: format!(
                        "{} fields where the header has {width}; fields read by position",
                        record.len()
                    ),
                });
            }
            let mut row = Row {
                record: &record,
                file: &file,
                line,
                columns: &columns,
                sink,
            };
            each(&setup, &mut row);
            bytes = std::mem::take(&mut record).into_byte_record();
        }
        if rdr.get_ref().in_quoted_field() {
            // The csv parser closes an open quote at the end of input without complaint, so
            // a file cut inside a quoted field (a list of tags, say) would pass for whole.
            let line = last_line;
            return Err(IngestError::Truncated {
                path: path.into(),
                line,
                detail: "a quoted field that starts on this line never closes".into(),
            });
        }
        let tracker = rdr.get_ref();
        if last_line > 0 && !tracker.ends_complete() {
            // A file cut inside its last field looks like a whole row with a shorter value
            // (`org/be` for `org/beta-72b`): without the final line end there is no telling
            // them apart, so the file is refused rather than a made-up id kept.
            let detail = match last_short {
                Some((_, n)) => format!(
                    "the last row has {n} of {width} fields and the file does not end with a newline"
                ),
                None => "the file does not end with a newline, so its last row may be cut short \
                     (if the file is whole, add a final line end)"
                    .to_string(),
            };
            return Err(IngestError::Truncated {
                path: path.into(),
                line: last_line,
                detail,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, average: Option<f32>) -> ModelRecord {
        ModelRecord {
            id: id.into(),
            scores: average.map(|average| Scores {
                average,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn duplicate_rows_of_one_repo_fold_whatever_their_case_and_the_best_average_wins() {
        let mut folds = DuplicateFold::default();
        let mut marks = Vec::new();
        for (id, average) in [
            ("Org/Model", Some(50.0)),
            ("org/model", Some(40.0)),
            ("ORG/MODEL", Some(60.0)),
            ("org/model", Some(60.0)),
            ("org/other", None),
            ("Ørg/Näme", Some(1.0)),
            ("ørg/nÄme", Some(2.0)),
            ("org/other", Some(0.0)),
        ] {
            let mut rec = record(id, average);
            folds.mark(&mut rec);
            marks.push(rec.fold);
        }
        use Fold::*;
        assert_eq!(
            marks,
            [First, Worse, Better, Worse, First, First, Better, Better]
        );
    }

    #[test]
    fn a_repeat_is_a_later_row_of_the_same_id_up_to_case_and_keeps_the_first_line() {
        let mut repeats = RepeatFold::default();
        let mut row = |id: &str, line: u64, parent: &str| {
            let mut rec = record(id, None);
            rec.line = line;
            rec.parents.push(ParentRef {
                raw: parent.into(),
                relation: None,
                field: "base_model",
            });
            let repeat = repeats.mark(&mut rec);
            (rec.fold, repeat.map(|r| (r.first_line, r.other_parents)))
        };
        assert_eq!(row("Org/A", 2, "base/x"), (Fold::First, None));
        assert_eq!(row("org/b", 3, "base/x"), (Fold::First, None));
        assert_eq!(row("ORG/A", 4, "BASE/X"), (Fold::Repeat, Some((2, false))));
        assert_eq!(row("org/a", 5, "base/y"), (Fold::Repeat, Some((2, true))));
        assert_eq!(row("Ørg/Ä", 6, ""), (Fold::First, None));
        assert_eq!(row("ørg/ä", 7, ""), (Fold::Repeat, Some((6, false))));
    }
}
