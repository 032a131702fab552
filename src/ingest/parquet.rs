//! Hub statistics snapshots: the `models.parquet` the Hub publishes daily and weekly, one row
//! per model (`id`, `author`, `createdAt`, `lastModified`, `likes`, `downloads`,
//! `pipeline_tag`, `library_name`, `tags`, `baseModels`, `safetensors`, `cardData`, ...).
//!
//! Only the columns a graph uses are read (a projection): the large ones newer snapshots
//! carry (`siblings`, `config`, `gguf`) are never decoded or even fetched. Leaf columns are
//! decoded into vectors (`columns`) a chunk of rows at a time and rows put together from
//! them, a few chunks at once on rayon's threads, their records handed on in file order; so
//! memory is a few chunks plus the graph, whatever the size of the row groups. Every column
//! may be missing (older snapshots have no `baseModels`) and every value may be null; a value
//! of the wrong type is a counted issue naming its row group, row and column. Lineage comes
//! from `baseModels`, the `base_model:` tags and the card's `base_model`, all kept (the graph
//! builder de-duplicates them, an explicit relation winning).

mod columns;
mod positioned;

pub(crate) use positioned::Positioned;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parquet::basic::{ConvertedType, LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::column::reader::ColumnReader;
use parquet::errors::ParquetError;
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::{Field, Row};
use parquet::schema::types::{ColumnDescPtr, SchemaDescriptor, Type, TypePtr};
use rayon::prelude::*;
use serde_json::Value;

use super::{reason, refs, shown, Counting, ModelRecord, ParentRef, RowIssue, Sink};
use crate::error::IngestError;
use crate::model::{Day, EdgeKind};
use columns::{Cell, Column, Cursor};

/// The four bytes a Parquet file starts and ends with.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// The top-level columns a graph uses; everything else is skipped.
const COLUMNS: [&str; 11] = [
    "id",
    "author",
    "createdAt",
    "lastModified",
    "likes",
    "downloads",
    "pipeline_tag",
    "library_name",
    "tags",
    "baseModels",
    "cardData",
];

/// Where one row's problems are reported from.
struct Place<'a> {
    file: &'a str,
    group: usize,
    row: u64,
    /// 1-based over the whole file.
    number: u64,
}

impl Place<'_> {
    fn issue(&self, column: &str, value: &str, why: &'static str, message: &str) -> RowIssue {
        RowIssue {
            file: self.file.to_string(),
            line: self.number,
            field: column.to_string(),
            value: value.chars().take(200).collect(),
            reason: why,
            message: format!("row group {}, row {}: {message}", self.group, self.row),
        }
    }
}

/// How many units of a timestamp column make a day, from its declared type.
fn units_per_day(column: Option<&TypePtr>) -> Option<i64> {
    let ty = column?;
    if !ty.is_primitive() {
        return None;
    }
    let info = ty.get_basic_info();
    match info.logical_type_ref() {
        Some(LogicalType::Timestamp(t)) => Some(match t.unit {
            TimeUnit::MILLIS => 86_400_000,
            TimeUnit::MICROS => 86_400_000_000,
            TimeUnit::NANOS => 86_400_000_000_000,
        }),
        Some(LogicalType::Date) => Some(1),
        _ => None,
    }
}

/// Converted types the record reader turns into values (it stops on any other).
fn readable(ty: &Type) -> bool {
    if !ty.is_primitive() {
        return ty.get_fields().iter().all(|f| readable(f));
    }
    let converted = ty.get_basic_info().converted_type();
    match ty.get_physical_type() {
        PhysicalType::INT32 => matches!(
            converted,
            ConvertedType::NONE
                | ConvertedType::INT_8
                | ConvertedType::INT_16
                | ConvertedType::INT_32
                | ConvertedType::UINT_8
                | ConvertedType::UINT_16
                | ConvertedType::UINT_32
                | ConvertedType::DATE
                | ConvertedType::TIME_MILLIS
                | ConvertedType::DECIMAL
        ),
        PhysicalType::INT64 => matches!(
            converted,
            ConvertedType::NONE
                | ConvertedType::INT_64
                | ConvertedType::UINT_64
                | ConvertedType::TIME_MICROS
                | ConvertedType::TIMESTAMP_MILLIS
                | ConvertedType::TIMESTAMP_MICROS
                | ConvertedType::DECIMAL
        ),
        PhysicalType::BYTE_ARRAY => matches!(
            converted,
            ConvertedType::NONE
                | ConvertedType::UTF8
                | ConvertedType::ENUM
                | ConvertedType::JSON
                | ConvertedType::BSON
                | ConvertedType::DECIMAL
        ),
        PhysicalType::FIXED_LEN_BYTE_ARRAY => {
            matches!(converted, ConvertedType::NONE | ConvertedType::DECIMAL)
        }
        _ => true,
    }
}

fn corrupt(path: &Path, detail: impl std::fmt::Display) -> IngestError {
    IngestError::Parquet {
        path: path.into(),
        detail: detail.to_string(),
    }
}

/// Reads a `models.parquet` snapshot from `chunks` (a file, or bytes in memory).
///
/// Rows are decoded in chunks of `CHUNK_ROWS`, a few chunks put together at once on rayon's
/// threads while the previous few are handed on; records reach `sink` in file order.
///
/// The parquet crate's decoders panic on some damaged pages (a length running past its
/// buffer) where they should return an error: such a panic, on this thread or one the read
/// started, ends the read as a damaged file, not the process, and is not printed (the
/// error says what happened).
pub(crate) fn read<R: ChunkReader + 'static>(
    path: &Path,
    chunks: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    quiet_decoder_panics();
    GUARDED_READS.fetch_add(1, Ordering::SeqCst);
    let guarded = std::panic::AssertUnwindSafe(|| read_file(path, chunks, sink));
    let result = std::panic::catch_unwind(guarded);
    GUARDED_READS.fetch_sub(1, Ordering::SeqCst);
    result.unwrap_or_else(|_| {
        Err(corrupt(
            path,
            "damaged data: the Parquet decoder could not read a page",
        ))
    })
}

/// Guarded reads running now, in any thread.
static GUARDED_READS: AtomicUsize = AtomicUsize::new(0);

/// Installs, once, a panic hook that says nothing of the panics a guarded read turns into
/// an error: the parquet crate's own, and the re-raising of one by the read's thread scope.
/// Every other panic (a bug of this crate, anywhere) goes to the hook that was there before.
fn quiet_decoder_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map_or("", |l| l.file());
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !(GUARDED_READS.load(Ordering::SeqCst) > 0 && caught_by_the_guard(file, message)) {
                before(info);
            }
        }));
    });
}

/// Whether a panic raised at `file` with `message` is one [`read`]'s guard catches as a
/// damaged file: raised in the parquet crate's sources, or the thread scope of
/// [`read_file`] passing one on.
fn caught_by_the_guard(file: &str, message: Option<&str>) -> bool {
    let file = Path::new(file);
    let in_decoder = file
        .components()
        .any(|dir| dir.as_os_str().to_string_lossy().starts_with("parquet-"));
    let passed_on =
        file.ends_with("ingest/parquet.rs") && message == Some("a scoped thread panicked");
    in_decoder || passed_on
}

/// [`read`], without the guard.
fn read_file<R: ChunkReader + 'static>(
    path: &Path,
    chunks: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    let len = chunks.len();
    let mut ends = [[0u8; 4]; 2];
    for (i, at) in [0, len.saturating_sub(4)].into_iter().enumerate() {
        if len >= 4 {
            let bytes = chunks.get_bytes(at, 4).map_err(|e| corrupt(path, e))?;
            ends[i].copy_from_slice(&bytes);
        }
    }
    if len < 12 || &ends[0] != MAGIC {
        return Err(corrupt(
            path,
            "not a Parquet file (it does not start with the bytes PAR1)",
        ));
    }
    if &ends[1] != MAGIC {
        return Err(IngestError::Truncated {
            path: path.into(),
            line: 0,
            detail:
                "a Parquet file must end with its footer and the bytes PAR1, and this one does not"
                    .into(),
        });
    }
    let reader = SerializedFileReader::new(chunks)
        .map_err(|e| corrupt(path, format!("unreadable Parquet footer: {e}")))?;
    let plan = Plan::new(path, reader.metadata().file_metadata().schema_descr())?;
    let file = path.display().to_string();
    let window = rayon::current_num_threads().clamp(1, 8);
    let (reader, plan, file) = (&reader, &plan, file.as_str());
    std::thread::scope(|scope| {
        // One window waits while the next is put together: memory is a few windows of
        // `CHUNK_ROWS` rows, whatever the row groups.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<Batch, IngestError>>>(0);
        scope.spawn(move || {
            let send = |pending: &mut Vec<Chunk>| -> bool {
                let batches: Vec<_> = std::mem::take(pending)
                    .into_par_iter()
                    .map(|chunk| assemble(chunk, plan, path, file))
                    .collect();
                tx.send(batches).is_ok()
            };
            let mut chunks = Chunks::new(reader, plan, path);
            let mut pending = Vec::with_capacity(window);
            loop {
                match chunks.next_chunk() {
                    Ok(Some(chunk)) => {
                        pending.push(chunk);
                        if pending.len() == window && !send(&mut pending) {
                            return;
                        }
                    }
                    Ok(None) => {
                        send(&mut pending);
                        return;
                    }
                    Err(e) => {
                        if send(&mut pending) {
                            let _ = tx.send(vec![Err(e)]);
                        }
                        return;
                    }
                }
            }
        });
        let mut bytes = 0u64;
        for batches in rx {
            for batch in batches {
                let batch = batch?;
                for out in batch.out {
                    match out {
                        Out::Record(rec) => {
                            sink.row();
                            sink.record(rec);
                        }
                        Out::Reject(issue) => {
                            sink.row();
                            sink.reject(issue);
                        }
                        Out::Issue(issue) => sink.issue(issue),
                    }
                }
                if batch.bytes > 0 {
                    bytes += batch.bytes;
                    sink.progress(bytes);
                }
            }
        }
        Ok(())
    })
}

/// Rows decoded at once from each column of a row group: a few megabytes of values, so
/// memory does not grow with the row groups a writer chose (pyarrow's default is a
/// million rows).
const CHUNK_ROWS: usize = 16_384;

/// A run of rows of one row group, decoded and waiting to be put together.
struct Chunk {
    group: usize,
    /// Its first row within the row group.
    row: usize,
    /// Rows of the file before it.
    number: u64,
    rows: usize,
    cols: Vec<Column>,
    /// The record reader's rows, when some columns are read that way.
    records: Vec<Row>,
    /// The row group's compressed size when this is its last chunk, else 0.
    bytes: u64,
}

/// The file's rows, `CHUNK_ROWS` at a time, row group after row group: the column readers
/// of the current row group stay open from one chunk to the next.
struct Chunks<'a, R: ChunkReader + 'static> {
    reader: &'a SerializedFileReader<R>,
    plan: &'a Plan,
    path: &'a Path,
    descrs: Vec<ColumnDescPtr>,
    /// The file-wide record reader, when some columns are read that way.
    records: Option<RowIter<'a>>,
    next_group: usize,
    group: usize,
    readers: Vec<ColumnReader>,
    rows: usize,
    done: usize,
    bytes: u64,
    number: u64,
}

impl<'a, R: ChunkReader + 'static> Chunks<'a, R> {
    fn new(reader: &'a SerializedFileReader<R>, plan: &'a Plan, path: &'a Path) -> Self {
        let schema = reader.metadata().file_metadata().schema_descr();
        Chunks {
            reader,
            plan,
            path,
            descrs: plan.leaves.iter().map(|&i| schema.column(i)).collect(),
            records: None,
            next_group: 0,
            group: 0,
            readers: Vec::new(),
            rows: 0,
            done: 0,
            bytes: 0,
            number: 0,
        }
    }

    /// The next chunk, `None` at the end of the file.
    fn next_chunk(&mut self) -> Result<Option<Chunk>, IngestError> {
        let path = self.path;
        while self.done == self.rows {
            if self.next_group == self.reader.num_row_groups() {
                return Ok(None);
            }
            let g = self.next_group;
            self.next_group += 1;
            let broken = |e: ParquetError| corrupt(path, format!("row group {g}: {e}"));
            let group = self.reader.get_row_group(g).map_err(broken)?;
            self.group = g;
            self.rows = group.metadata().num_rows().max(0) as usize;
            self.done = 0;
            self.bytes = group.metadata().compressed_size().max(0) as u64;
            self.readers = self
                .plan
                .leaves
                .iter()
                .map(|&i| group.get_column_reader(i))
                .collect::<Result<_, _>>()
                .map_err(broken)?;
            if self.records.is_none() {
                if let Some(projection) = &self.plan.record {
                    let rows = self.reader.get_row_iter(Some(projection.clone()));
                    self.records = Some(rows.map_err(broken)?);
                }
            }
        }
        let g = self.group;
        let n = CHUNK_ROWS.min(self.rows - self.done);
        let broken = |e: String| corrupt(path, format!("row group {g}: {e}"));
        let cols = self
            .readers
            .iter_mut()
            .zip(&self.descrs)
            .map(|(reader, descr)| Column::read(descr, reader, n))
            .collect::<Result<Vec<_>, _>>()
            .map_err(broken)?;
        if let BasePlan::Columns {
            models: Some(m), ..
        } = &self.plan.base
        {
            let lead = &cols[m.leaves[0]];
            if m.leaves[1..]
                .iter()
                .any(|&l| !cols[l].same_entries(lead, m.element_def))
            {
                return Err(broken(
                    "the fields of baseModels.models disagree on its entries".into(),
                ));
            }
        }
        let mut records = Vec::new();
        if let Some(rows) = self.records.as_mut() {
            records.reserve(n);
            for r in self.done..self.done + n {
                match rows.next() {
                    Some(Ok(row)) => records.push(row),
                    Some(Err(e)) => {
                        return Err(corrupt(path, format!("row group {g}, row {r}: {e}")))
                    }
                    None => return Err(broken(format!("the rows end before row {r}"))),
                }
            }
        }
        let chunk = Chunk {
            group: g,
            row: self.done,
            number: self.number,
            rows: n,
            cols,
            records,
            bytes: if self.done + n == self.rows {
                self.bytes
            } else {
                0
            },
        };
        self.done += n;
        self.number += n as u64;
        Ok(Some(chunk))
    }
}

/// What one row gave, in order: its issues, then its record or its rejection. Records are
/// nearly every item, so boxing them to shrink the rare issues would only add an allocation
/// per row.
#[allow(clippy::large_enum_variant)]
enum Out {
    Record(ModelRecord),
    Issue(RowIssue),
    Reject(RowIssue),
}

/// What one chunk gave.
struct Batch {
    out: Vec<Out>,
    /// The row group's compressed size when the chunk ends it, for progress.
    bytes: u64,
}

/// Where a column a graph uses is read from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// The file has no such column.
    Absent,
    /// A leaf column this reader walks itself: its place among the decoded leaves.
    Leaf(usize),
    /// A shape this reader does not walk itself: the record reader gives it as a field.
    Record,
}

/// `tags` as a list of text in the standard three-level layout.
#[derive(Debug)]
struct ListPlan {
    leaf: usize,
    /// The definition level at which a row's list has an entry (null or not).
    entry_def: i16,
}

/// `baseModels.models` as a list of structs of leaves in the standard layout.
#[derive(Debug)]
struct ModelsPlan {
    /// The struct's fields, in schema order, and their places among the decoded leaves.
    names: Vec<String>,
    leaves: Vec<usize>,
    /// Which of the fields is `id`.
    id: Option<usize>,
    entry_def: i16,
    /// The definition level at which an entry's struct is not null.
    element_def: i16,
}

/// How `baseModels` is read.
#[derive(Debug)]
enum BasePlan {
    Absent,
    Columns {
        relation: Option<usize>,
        models: Option<ModelsPlan>,
    },
    Record,
}

/// Which leaf columns of the file are decoded, and how each column a graph uses is found
/// among them. Every shape the Hub and pyarrow write is walked here; anything else
/// (older list layouts, a column of an unexpected nesting) goes through the record reader,
/// for that column only.
#[derive(Debug)]
struct Plan {
    /// Leaf columns to decode, by their index in the file.
    leaves: Vec<usize>,
    id: Source,
    author: Source,
    created: Source,
    modified: Source,
    likes: Source,
    downloads: Source,
    pipeline: Source,
    library: Source,
    card: Source,
    /// `safetensors.total`.
    total: Source,
    /// `tags` when it is a list this reader walks (then `tags_source` is its leaf).
    tags: Option<ListPlan>,
    /// `tags` otherwise: absent, a plain leaf (a wrong type) or the record reader's.
    tags_source: Source,
    base: BasePlan,
    /// The columns read by the record reader, if any.
    record: Option<Type>,
    units: Units,
}

fn is_required(ty: &Type) -> bool {
    ty.get_basic_info().repetition() == Repetition::REQUIRED
}

fn is_repeated(ty: &Type) -> bool {
    ty.get_basic_info().has_repetition() && ty.get_basic_info().repetition() == Repetition::REPEATED
}

/// Whether the parquet crate's record reader can read `ty` (a column or a field of one)
/// without tripping one of its assertions: every field has a repetition, every group has a
/// field, a LIST group holds one repeated field, and a MAP group one repeated group of a
/// primitive key and at most one value. Stricter than the reader where it cannot matter.
fn record_readable(ty: &Type) -> Result<(), String> {
    let info = ty.get_basic_info();
    let name = shown(ty.name());
    if !info.has_repetition() {
        return Err(format!("field {name} has no repetition"));
    }
    if ty.is_primitive() {
        return Ok(());
    }
    let fields = ty.get_fields();
    match info.converted_type() {
        ConvertedType::LIST => match fields {
            [only] if is_repeated(only) => record_readable(only),
            _ => Err(format!(
                "list {name} does not hold exactly one repeated field"
            )),
        },
        ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE => match fields {
            [pairs] if pairs.is_group() && is_repeated(pairs) => match pairs.get_fields() {
                pair @ [key, rest @ ..] if key.is_primitive() && rest.len() <= 1 => {
                    pair.iter().try_for_each(|f| record_readable(f))
                }
                _ => Err(format!(
                    "map {name} does not hold a primitive key and at most one value"
                )),
            },
            _ => Err(format!(
                "map {name} does not hold exactly one repeated group of pairs"
            )),
        },
        _ if fields.is_empty() => Err(format!("group {name} has no fields")),
        _ => fields.iter().try_for_each(|f| record_readable(f)),
    }
}

/// One definition level for a field that may be null.
fn def(ty: &Type) -> i16 {
    i16::from(!is_required(ty))
}

/// The repeated group and the element of a list in the standard three-level layout
/// (`LIST` group, one repeated group, one element), as the record reader reads it.
fn three_level(ty: &Type) -> Option<(&TypePtr, &TypePtr)> {
    if !ty.is_group()
        || is_repeated(ty)
        || ty.get_basic_info().converted_type() != ConvertedType::LIST
    {
        return None;
    }
    let [repeated] = ty.get_fields() else {
        return None;
    };
    let plain = repeated.is_group()
        && is_repeated(repeated)
        && repeated.get_basic_info().converted_type() == ConvertedType::NONE
        && repeated.name() != "array"
        && !repeated.name().ends_with("_tuple");
    if !plain {
        return None;
    }
    let [element] = repeated.get_fields() else {
        return None;
    };
    (!is_repeated(element)).then_some((repeated, element))
}

/// A struct (not a list or a map, not repeated) whose fields have distinct names.
fn plain_struct(ty: &Type) -> bool {
    let fields = ty.get_fields();
    ty.is_group()
        && !is_repeated(ty)
        && ty.get_basic_info().converted_type() == ConvertedType::NONE
        && !fields.is_empty()
        && fields
            .iter()
            .enumerate()
            .all(|(i, f)| fields[..i].iter().all(|g| g.name() != f.name()))
}

/// A leaf outside any list.
fn single(ty: &Type) -> bool {
    ty.is_primitive() && !is_repeated(ty)
}

impl Plan {
    fn new(path: &Path, schema: &SchemaDescriptor) -> Result<Plan, IngestError> {
        let root = schema.root_schema();
        let field = |name: &str| root.get_fields().iter().find(|f| f.name() == name);
        if field("id").is_none() {
            return Err(IngestError::MissingColumn {
                path: path.into(),
                format: "parquet",
                column: "id".into(),
            });
        }
        let mut fields: Vec<TypePtr> = COLUMNS.iter().filter_map(|c| field(c).cloned()).collect();
        // Of `safetensors` only the total parameter count is needed, not the per-dtype map.
        if let Some(st) = field("safetensors").filter(|t| t.is_group()) {
            if let Some(total) = st.get_fields().iter().find(|f| f.name() == "total") {
                let partial = Type::group_type_builder(st.name())
                    .with_repetition(st.get_basic_info().repetition())
                    .with_fields(vec![total.clone()])
                    .build()
                    .map_err(|e| corrupt(path, e))?;
                fields.push(Arc::new(partial));
            }
        }
        if let Some(bad) = fields.iter().find(|f| !readable(f)) {
            return Err(corrupt(
                path,
                format!(
                    "column '{}' has a type this reader does not convert",
                    bad.name()
                ),
            ));
        }
        let mut plan = Plan {
            leaves: Vec::new(),
            id: Source::Absent,
            author: Source::Absent,
            created: Source::Absent,
            modified: Source::Absent,
            likes: Source::Absent,
            downloads: Source::Absent,
            pipeline: Source::Absent,
            library: Source::Absent,
            card: Source::Absent,
            total: Source::Absent,
            tags: None,
            tags_source: Source::Absent,
            base: BasePlan::Absent,
            record: None,
            units: Units {
                created: units_per_day(field("createdAt")),
                modified: units_per_day(field("lastModified")),
            },
        };
        let mut record = Vec::new();
        let mut leaves = Vec::new();
        let mut leaf = |parts: &[&str]| -> Result<usize, IngestError> {
            let index = schema
                .columns()
                .iter()
                .position(|c| {
                    let names = c.path().parts().iter().map(String::as_str);
                    names.eq(parts.iter().copied())
                })
                .ok_or_else(|| corrupt(path, format!("no leaf column {}", parts.join("."))))?;
            leaves.push(index);
            Ok(leaves.len() - 1)
        };
        for ty in &fields {
            let name = ty.name();
            let source = match name {
                "tags" => match three_level(ty) {
                    Some((repeated, element)) if element.is_primitive() => {
                        let at = leaf(&[name, repeated.name(), element.name()])?;
                        plan.tags = Some(ListPlan {
                            leaf: at,
                            entry_def: def(ty) + 1,
                        });
                        Source::Leaf(at)
                    }
                    _ if single(ty) => Source::Leaf(leaf(&[name])?),
                    _ => Source::Record,
                },
                "baseModels" => {
                    // Its leaves are found by `base_plan`: the source says only whether the
                    // record reader is needed.
                    plan.base = base_plan(ty, &mut leaf)?.unwrap_or(BasePlan::Record);
                    match plan.base {
                        BasePlan::Record => Source::Record,
                        _ => Source::Absent,
                    }
                }
                "safetensors" => match ty.is_group().then(|| ty.get_fields().first()) {
                    Some(Some(total)) if !is_repeated(ty) && single(total) => {
                        Source::Leaf(leaf(&[name, total.name()])?)
                    }
                    _ => Source::Record,
                },
                _ if single(ty) => Source::Leaf(leaf(&[name])?),
                _ => Source::Record,
            };
            if source == Source::Record {
                // The record reader asserts on groups that break the format's rules: such a
                // file is refused here rather than crashing there.
                record_readable(ty)
                    .map_err(|why| corrupt(path, format!("column {}: {why}", shown(name))))?;
                record.push(ty.clone());
            }
            match name {
                "id" => plan.id = source,
                "author" => plan.author = source,
                "createdAt" => plan.created = source,
                "lastModified" => plan.modified = source,
                "likes" => plan.likes = source,
                "downloads" => plan.downloads = source,
                "pipeline_tag" => plan.pipeline = source,
                "library_name" => plan.library = source,
                "cardData" => plan.card = source,
                "safetensors" => plan.total = source,
                "tags" => plan.tags_source = source,
                _ => {}
            }
        }
        plan.leaves = leaves;
        if !record.is_empty() {
            let projection = Type::group_type_builder(root.name())
                .with_fields(record)
                .build()
                .map_err(|e| corrupt(path, e))?;
            plan.record = Some(projection);
        }
        Ok(plan)
    }
}

/// `baseModels` as `{relation, models: [{_id, id}]}` in the standard layout, or `None` for
/// the record reader.
fn base_plan(
    ty: &Type,
    leaf: &mut impl FnMut(&[&str]) -> Result<usize, IngestError>,
) -> Result<Option<BasePlan>, IngestError> {
    if !plain_struct(ty) {
        return Ok(None);
    }
    let child = |name: &str| ty.get_fields().iter().find(|f| f.name() == name);
    let relation = match child("relation") {
        None => None,
        Some(r) if single(r) => Some(r),
        Some(_) => return Ok(None),
    };
    let models = match child("models") {
        None => None,
        Some(m) => match three_level(m) {
            Some((repeated, element))
                if plain_struct(element) && element.get_fields().iter().all(|f| single(f)) =>
            {
                Some((m, repeated, element))
            }
            _ => return Ok(None),
        },
    };
    let relation = match relation {
        Some(r) => Some(leaf(&[ty.name(), r.name()])?),
        None => None,
    };
    let models = match models {
        Some((m, repeated, element)) => {
            let fields = element.get_fields();
            let mut leaves = Vec::with_capacity(fields.len());
            for f in fields {
                leaves.push(leaf(&[
                    ty.name(),
                    m.name(),
                    repeated.name(),
                    element.name(),
                    f.name(),
                ])?);
            }
            let entry_def = def(ty) + def(m) + 1;
            Some(ModelsPlan {
                names: fields.iter().map(|f| f.name().to_string()).collect(),
                leaves,
                id: fields.iter().position(|f| f.name() == "id"),
                entry_def,
                element_def: entry_def + def(element),
            })
        }
        None => None,
    };
    Ok(Some(BasePlan::Columns { relation, models }))
}

/// Puts the rows of a decoded chunk together into records and issues.
fn assemble(chunk: Chunk, plan: &Plan, path: &Path, file: &str) -> Result<Batch, IngestError> {
    let rows = chunk.rows;
    let mut cursors = vec![Cursor::default(); chunk.cols.len()];
    let mut out = Vec::with_capacity(rows + rows / 16);
    let mut cells = Cells::default();
    for r in 0..rows {
        let row = chunk.row + r;
        cells
            .fill(plan, &chunk.cols, &mut cursors, chunk.records.get(r))
            .map_err(|e| corrupt(path, format!("row group {}, row {row}: {e}", chunk.group)))?;
        let place = Place {
            file,
            group: chunk.group,
            row: row as u64,
            number: chunk.number + r as u64 + 1,
        };
        read_row(&cells, plan, &place, &mut out);
    }
    Ok(Batch {
        out,
        bytes: chunk.bytes,
    })
}

/// One row's values of the columns a graph uses; reused from row to row.
#[derive(Default)]
struct Cells<'g> {
    id: Cell<'g>,
    author: Cell<'g>,
    created: Cell<'g>,
    modified: Cell<'g>,
    likes: Cell<'g>,
    downloads: Cell<'g>,
    pipeline: Cell<'g>,
    library: Cell<'g>,
    card: Cell<'g>,
    total: Cell<'g>,
    /// The tags (nulls included), when `tags` is a list.
    tags: Vec<Cell<'g>>,
    /// What `tags` holds when it is not a list (nor null).
    tags_other: Option<Field>,
    /// `baseModels` as the record reader gives it, when it is read that way (and not null).
    base_record: Option<&'g Field>,
    relation: Cell<'g>,
    /// Per entry of `baseModels.models`: whether its struct is not null.
    entries: Vec<bool>,
    /// The fields of each entry's struct (as many per entry as it has fields).
    fields: Vec<Cell<'g>>,
}

/// A column of the record reader's row, by name.
fn record_field<'g>(row: Option<&'g Row>, name: &str) -> Option<&'g Field> {
    row?.get_column_iter()
        .find(|(n, _)| n.as_str() == name)
        .map(|(_, f)| f)
}

impl<'g> Cells<'g> {
    fn fill(
        &mut self,
        plan: &Plan,
        cols: &'g [Column],
        cur: &mut [Cursor],
        row: Option<&'g Row>,
    ) -> Result<(), String> {
        let mut one = |source: Source, name: &str| -> Result<Cell<'g>, String> {
            match source {
                Source::Absent => Ok(Cell::Null),
                Source::Leaf(i) => cur[i].next(&cols[i]),
                Source::Record => Ok(record_field(row, name).map_or(Cell::Null, Cell::of)),
            }
        };
        self.id = one(plan.id, "id")?;
        self.author = one(plan.author, "author")?;
        self.created = one(plan.created, "createdAt")?;
        self.modified = one(plan.modified, "lastModified")?;
        self.likes = one(plan.likes, "likes")?;
        self.downloads = one(plan.downloads, "downloads")?;
        self.pipeline = one(plan.pipeline, "pipeline_tag")?;
        self.library = one(plan.library, "library_name")?;
        self.card = one(plan.card, "cardData")?;
        self.total = match plan.total {
            Source::Record => match record_field(row, "safetensors") {
                Some(Field::Group(st)) => {
                    record_field(Some(st), "total").map_or(Cell::Null, Cell::of)
                }
                _ => Cell::Null,
            },
            source => one(source, "safetensors")?,
        };
        self.tags.clear();
        self.tags_other = None;
        match (&plan.tags, plan.tags_source) {
            (Some(list), _) => {
                let col = &cols[list.leaf];
                let c = &mut cur[list.leaf];
                for l in c.row(col)? {
                    if col.def(l) >= list.entry_def {
                        self.tags.push(c.take(col, l)?);
                    }
                }
            }
            (None, Source::Record) => match record_field(row, "tags") {
                None | Some(Field::Null) => {}
                Some(Field::ListInternal(list)) => {
                    self.tags.extend(list.elements().iter().map(Cell::of));
                }
                Some(other) => self.tags_other = Some(other.clone()),
            },
            (None, source) => match one(source, "tags")? {
                Cell::Null => {}
                other => self.tags_other = Some(other.field()),
            },
        }
        self.base_record = None;
        self.relation = Cell::Null;
        self.entries.clear();
        self.fields.clear();
        match &plan.base {
            BasePlan::Absent => {}
            BasePlan::Record => {
                self.base_record =
                    record_field(row, "baseModels").filter(|f| !matches!(f, Field::Null));
            }
            BasePlan::Columns { relation, models } => {
                if let Some(i) = *relation {
                    self.relation = cur[i].next(&cols[i])?;
                }
                if let Some(m) = models {
                    let lead = m.leaves[0];
                    let levels = cur[lead].row(&cols[lead])?;
                    for l in levels.clone() {
                        let d = cols[lead].def(l);
                        if d < m.entry_def {
                            continue;
                        }
                        self.entries.push(d >= m.element_def);
                        for &leaf in &m.leaves {
                            self.fields.push(cur[leaf].take(&cols[leaf], l)?);
                        }
                    }
                    for &leaf in &m.leaves[1..] {
                        cur[leaf].skip_to(levels.end);
                    }
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
struct Units {
    created: Option<i64>,
    modified: Option<i64>,
}

fn type_name(f: &Field) -> &'static str {
    match f {
        Field::Null => "null",
        Field::Bool(_) => "a boolean",
        Field::Str(_) => "a string",
        Field::Bytes(_) => "binary data",
        Field::Group(_) => "a struct",
        Field::ListInternal(_) => "a list",
        Field::MapInternal(_) => "a map",
        Field::Float(_) | Field::Double(_) | Field::Float16(_) | Field::Decimal(_) => "a number",
        Field::Date(_)
        | Field::TimeMillis(_)
        | Field::TimeMicros(_)
        | Field::TimestampMillis(_)
        | Field::TimestampMicros(_) => "a date or time",
        _ => "an integer",
    }
}

fn short(f: &Field) -> String {
    let s = f.to_string();
    s.chars().take(200).collect()
}

fn integer(f: &Field) -> Option<i128> {
    Some(match *f {
        Field::Byte(v) => v.into(),
        Field::Short(v) => v.into(),
        Field::Int(v) => v.into(),
        Field::Long(v) => v.into(),
        Field::UByte(v) => v.into(),
        Field::UShort(v) => v.into(),
        Field::UInt(v) => v.into(),
        Field::ULong(v) => v.into(),
        _ => return None,
    })
}

/// Turns one row into a record (or a rejected row) and its issues.
fn read_row(row: &Cells<'_>, plan: &Plan, place: &Place<'_>, out: &mut Vec<Out>) {
    let mut problems: Vec<RowIssue> = Vec::new();
    let id = match &row.id {
        Cell::Str(s) if !s.trim().is_empty() => s.trim().to_string(),
        Cell::Null | Cell::Str(_) => {
            out.push(Out::Reject(place.issue(
                "id",
                "",
                reason::MISSING_ID,
                "no model id",
            )));
            return;
        }
        Cell::Other(other) => {
            let msg = format!("the id is {}, not a string", type_name(other));
            out.push(Out::Reject(place.issue(
                "id",
                &short(other),
                reason::BAD_ID,
                &msg,
            )));
            return;
        }
    };
    let mut rec = ModelRecord {
        id,
        line: place.number,
        ..Default::default()
    };
    let string = |column: &str, cell: &Cell<'_>, problems: &mut Vec<RowIssue>| match cell {
        Cell::Null => None,
        Cell::Str(s) => Some(s.to_string()).filter(|s| !s.trim().is_empty()),
        Cell::Other(other) => {
            let msg = format!("'{column}' is {}, not a string", type_name(other));
            problems.push(place.issue(column, &short(other), reason::BAD_JSON, &msg));
            None
        }
    };
    rec.owner = string("author", &row.author, &mut problems);
    rec.pipeline = string("pipeline_tag", &row.pipeline, &mut problems);
    rec.library = string("library_name", &row.library, &mut problems);
    for (column, cell, unit) in [
        ("createdAt", &row.created, plan.units.created),
        ("lastModified", &row.modified, plan.units.modified),
    ] {
        let day = match cell {
            Cell::Null => None,
            Cell::Str(s) => Day::parse(s),
            Cell::Other(f) => match *f {
                Field::TimestampMillis(ms) => Some(Day(ms.div_euclid(86_400_000) as i32)),
                Field::TimestampMicros(us) => Some(Day(us.div_euclid(86_400_000_000) as i32)),
                Field::Date(d) => Some(Day(d)),
                Field::Long(n) => unit.map(|u| Day(n.div_euclid(u) as i32)),
                _ => None,
            },
        };
        if day.is_none() && !matches!(cell, Cell::Null) {
            let f = cell.field();
            let msg = format!("'{}' is not a date ({})", short(&f), type_name(&f));
            problems.push(place.issue(column, &short(&f), reason::BAD_DATE, &msg));
        }
        if column == "createdAt" {
            rec.created = day;
        } else {
            rec.last_modified = day;
        }
    }
    let count = |column: &str, cell: &Cell<'_>, problems: &mut Vec<RowIssue>| -> Option<u64> {
        let n = match cell {
            Cell::Null => return None,
            Cell::Str(_) => None,
            Cell::Other(f) => integer(f).and_then(|n| u64::try_from(n).ok()),
        };
        if n.is_none() {
            let f = short(&cell.field());
            let msg = format!("'{f}' is not a non-negative integer");
            problems.push(place.issue(column, &f, reason::BAD_NUMBER, &msg));
        }
        n
    };
    rec.downloads = count("downloads", &row.downloads, &mut problems);
    rec.likes =
        count("likes", &row.likes, &mut problems).map(|l| l.min(u64::from(u32::MAX)) as u32);
    match &row.total {
        Cell::Null => {}
        cell => match cell {
            Cell::Other(f) if integer(f).is_some_and(|n| n >= 0) => {
                let n = integer(f).unwrap_or(0);
                rec.params_b = Some((n as f64 / 1e9) as f32);
            }
            _ => problems.push(place.issue(
                "safetensors.total",
                &short(&cell.field()),
                reason::BAD_NUMBER,
                "the parameter count is not a non-negative integer",
            )),
        },
    }
    let tags = match &row.tags_other {
        None => {
            let mut tags = Vec::with_capacity(row.tags.len());
            for item in &row.tags {
                match item {
                    Cell::Str(s) => tags.push(*s),
                    Cell::Null => {}
                    Cell::Other(other) => problems.push(place.issue(
                        "tags",
                        &short(other),
                        reason::BAD_LIST,
                        "a tag that is not a string",
                    )),
                }
            }
            tags
        }
        Some(other) => {
            let msg = format!("'tags' is {}, not a list", type_name(other));
            problems.push(place.issue("tags", &short(other), reason::BAD_LIST, &msg));
            Vec::new()
        }
    };
    refs::apply_tags(&mut rec, tags, "tags");
    match (&plan.base, row.base_record) {
        (BasePlan::Columns { models, .. }, _) => {
            base_columns(row, models.as_ref(), place, &mut rec, &mut problems)
        }
        (_, None) => {}
        (_, Some(Field::Group(bm))) => base_models(bm, place, &mut rec, &mut problems),
        (_, Some(other)) => {
            let msg = format!("'baseModels' is {}, not a struct", type_name(other));
            problems.push(place.issue("baseModels", &short(other), reason::BAD_JSON, &msg));
        }
    }
    match &row.card {
        Cell::Null => {}
        Cell::Str(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Null) => {}
            Ok(card @ Value::Object(_)) => card_data(&card, place, &mut rec, &mut problems),
            Ok(_) => problems.push(place.issue(
                "cardData",
                text,
                reason::BAD_JSON,
                "the card data is not a JSON object",
            )),
            Err(e) => problems.push(place.issue(
                "cardData",
                text,
                reason::BAD_JSON,
                &format!("the card data is not valid JSON: {e}"),
            )),
        },
        Cell::Other(other) => {
            let msg = format!("'cardData' is {}, not JSON text", type_name(other));
            problems.push(place.issue("cardData", &short(other), reason::BAD_JSON, &msg));
        }
    }
    out.extend(problems.into_iter().map(Out::Issue));
    out.push(Out::Record(rec));
}

/// `baseModels` walked column by column: the relation applies to every model.
fn base_columns(
    row: &Cells<'_>,
    models: Option<&ModelsPlan>,
    place: &Place<'_>,
    rec: &mut ModelRecord,
    problems: &mut Vec<RowIssue>,
) {
    let rel = match &row.relation {
        Cell::Null => None,
        Cell::Str(s) => Some(*s),
        Cell::Other(other) => {
            problems.push(place.issue(
                "baseModels.relation",
                &short(other),
                reason::BAD_JSON,
                "the relation is not a string",
            ));
            None
        }
    };
    let relation = relation(rel, "baseModels.relation", place, problems);
    let Some(m) = models else {
        return;
    };
    let width = m.names.len();
    for (e, &present) in row.entries.iter().enumerate() {
        let fields = &row.fields[e * width..(e + 1) * width];
        match m.id.map(|i| &fields[i]) {
            Some(Cell::Str(s)) if present => rec.parents.push(ParentRef {
                raw: s.to_string(),
                relation,
                field: "baseModels",
            }),
            _ => {
                let entry = if present {
                    Field::Group(Row::new(
                        m.names
                            .iter()
                            .cloned()
                            .zip(fields.iter().map(Cell::field))
                            .collect(),
                    ))
                } else {
                    Field::Null
                };
                problems.push(place.issue(
                    "baseModels.models",
                    &short(&entry),
                    reason::BAD_JSON,
                    "an entry without a string 'id'",
                ));
            }
        }
    }
}

/// A relation as the Hub spells it; a spelling outside the known ones is reported and the
/// parents kept with an unspecified relation.
fn relation(
    raw: Option<&str>,
    column: &str,
    place: &Place<'_>,
    problems: &mut Vec<RowIssue>,
) -> Option<EdgeKind> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    let kind = EdgeKind::from_relation(raw);
    if kind.is_none() {
        problems.push(place.issue(
            column,
            raw,
            reason::BAD_RELATION,
            &format!(
                "unknown relation '{raw}' (expected finetune, adapter, quantized or merge); \
                 its parents are kept as unspecified"
            ),
        ));
    }
    kind
}

/// `baseModels`: `{relation, models: [{_id, id}]}`; the relation applies to every model.
fn base_models(bm: &Row, place: &Place<'_>, rec: &mut ModelRecord, problems: &mut Vec<RowIssue>) {
    let mut rel = None;
    let mut models = None;
    for (name, f) in bm.get_column_iter() {
        match (name.as_str(), f) {
            ("relation", Field::Str(s)) => rel = Some(s.as_str()),
            ("relation", Field::Null) => {}
            ("relation", other) => problems.push(place.issue(
                "baseModels.relation",
                &short(other),
                reason::BAD_JSON,
                "the relation is not a string",
            )),
            ("models", f) => models = Some(f),
            _ => {}
        }
    }
    let relation = relation(rel, "baseModels.relation", place, problems);
    match models {
        None | Some(Field::Null) => {}
        Some(Field::ListInternal(list)) => {
            for m in list.elements() {
                let id = match m {
                    Field::Group(g) => g
                        .get_column_iter()
                        .find(|(n, _)| n.as_str() == "id")
                        .map(|(_, f)| f),
                    _ => None,
                };
                match id {
                    Some(Field::Str(s)) => rec.parents.push(ParentRef {
                        raw: s.clone(),
                        relation,
                        field: "baseModels",
                    }),
                    _ => problems.push(place.issue(
                        "baseModels.models",
                        &short(m),
                        reason::BAD_JSON,
                        "an entry without a string 'id'",
                    )),
                }
            }
        }
        Some(other) => problems.push(place.issue(
            "baseModels.models",
            &short(other),
            reason::BAD_JSON,
            "'models' is not a list",
        )),
    }
}

/// The card's metadata: `base_model` (an id or a list), `base_model_relation`, `license`,
/// `datasets`.
fn card_data(card: &Value, place: &Place<'_>, rec: &mut ModelRecord, problems: &mut Vec<RowIssue>) {
    let relation = relation(
        card.get("base_model_relation").and_then(Value::as_str),
        "cardData.base_model_relation",
        place,
        problems,
    );
    if let Some(license) = card.get("license").and_then(Value::as_str) {
        rec.license = Some(license.to_string());
    }
    let mut parent = |raw: &str| {
        rec.parents.push(ParentRef {
            raw: raw.to_string(),
            relation,
            field: "cardData.base_model",
        })
    };
    match card.get("base_model") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => parent(s),
        Some(Value::Array(items)) => {
            for item in items {
                match item.as_str() {
                    Some(s) => parent(s),
                    None => problems.push(place.issue(
                        "cardData.base_model",
                        &item.to_string(),
                        reason::BAD_LIST,
                        "a list item that is not a string",
                    )),
                }
            }
        }
        Some(other) => problems.push(place.issue(
            "cardData.base_model",
            &other.to_string(),
            reason::BAD_LIST,
            "'base_model' is neither a string nor a list",
        )),
    }
    match card.get("datasets") {
        Some(Value::Array(items)) => {
            for d in items.iter().filter_map(Value::as_str) {
                if !rec.datasets.contains(d) {
                    rec.datasets.push(d);
                }
            }
        }
        Some(Value::String(d)) if !rec.datasets.contains(d) => rec.datasets.push(d),
        _ => {}
    }
}
