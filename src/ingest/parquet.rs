//! Hub statistics snapshots: the `models.parquet` the Hub publishes daily and weekly, one row
//! per model (`id`, `author`, `createdAt`, `lastModified`, `likes`, `downloads`,
//! `pipeline_tag`, `library_name`, `tags`, `baseModels`, `safetensors`, `cardData`, ...).
//!
//! Only the columns a graph uses are read (a projection): the large ones newer snapshots
//! carry (`siblings`, `config`, `gguf`) are never decoded or even fetched. Row groups are read
//! one at a time, so memory is one row group plus the graph. Every column may be missing (older
//! snapshots have no `baseModels`) and every value may be null; a value of the wrong type is a
//! counted issue naming its row group, row and column. Lineage comes from `baseModels`, the
//! `base_model:` tags and the card's `base_model`, all kept (the graph builder de-duplicates
//! them, an explicit relation winning).

use std::path::Path;
use std::sync::Arc;

use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as PhysicalType};
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use parquet::schema::types::{Type, TypePtr};
use serde_json::Value;

use super::{reason, refs, Counting, ModelRecord, ParentRef, RowIssue, Sink};
use crate::error::IngestError;
use crate::model::{Day, EdgeKind};

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
pub(crate) fn read<R: ChunkReader + 'static>(
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
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
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
    let created_unit = units_per_day(field("createdAt"));
    let modified_unit = units_per_day(field("lastModified"));
    let projection = Type::group_type_builder(root.name())
        .with_fields(fields)
        .build()
        .map_err(|e| corrupt(path, e))?;
    let file = path.display().to_string();
    let mut number = 0u64;
    let mut bytes = 0u64;
    for g in 0..reader.num_row_groups() {
        let group = reader
            .get_row_group(g)
            .map_err(|e| corrupt(path, format!("row group {g}: {e}")))?;
        bytes += group.metadata().compressed_size().max(0) as u64;
        let rows = group
            .get_row_iter(Some(projection.clone()))
            .map_err(|e| corrupt(path, format!("row group {g}: {e}")))?;
        for (r, row) in rows.enumerate() {
            let row = row.map_err(|e| corrupt(path, format!("row group {g}, row {r}: {e}")))?;
            number += 1;
            sink.row();
            let place = Place {
                file: &file,
                group: g,
                row: r as u64,
                number,
            };
            let units = Units {
                created: created_unit,
                modified: modified_unit,
            };
            read_row(&row, &place, units, sink);
        }
        sink.progress(bytes);
    }
    Ok(())
}

#[derive(Clone, Copy)]
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
fn read_row(row: &Row, place: &Place<'_>, units: Units, sink: &mut Counting<'_>) {
    let mut problems: Vec<RowIssue> = Vec::new();
    let get = |name: &str| -> Option<&Field> {
        row.get_column_iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, f)| f)
            .filter(|f| !matches!(f, Field::Null))
    };
    let id = match get("id") {
        Some(Field::Str(s)) if !s.trim().is_empty() => s.trim().to_string(),
        None | Some(Field::Str(_)) => {
            sink.reject(place.issue("id", "", reason::MISSING_ID, "no model id"));
            return;
        }
        Some(other) => {
            let msg = format!("the id is {}, not a string", type_name(other));
            sink.reject(place.issue("id", &short(other), reason::BAD_ID, &msg));
            return;
        }
    };
    let mut rec = ModelRecord {
        id,
        line: place.number,
        ..Default::default()
    };
    let string = |column: &str, problems: &mut Vec<RowIssue>| -> Option<String> {
        match get(column)? {
            Field::Str(s) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
            other => {
                let msg = format!("'{column}' is {}, not a string", type_name(other));
                problems.push(place.issue(column, &short(other), reason::BAD_JSON, &msg));
                None
            }
        }
    };
    rec.owner = string("author", &mut problems);
    rec.pipeline = string("pipeline_tag", &mut problems);
    rec.library = string("library_name", &mut problems);
    for (column, unit) in [
        ("createdAt", units.created),
        ("lastModified", units.modified),
    ] {
        let day = match get(column) {
            None => None,
            Some(f) => {
                let day = match *f {
                    Field::TimestampMillis(ms) => Some(Day(ms.div_euclid(86_400_000) as i32)),
                    Field::TimestampMicros(us) => Some(Day(us.div_euclid(86_400_000_000) as i32)),
                    Field::Date(d) => Some(Day(d)),
                    Field::Long(n) => unit.map(|u| Day(n.div_euclid(u) as i32)),
                    Field::Str(ref s) => Day::parse(s),
                    _ => None,
                };
                if day.is_none() {
                    let msg = format!("'{}' is not a date ({})", short(f), type_name(f));
                    problems.push(place.issue(column, &short(f), reason::BAD_DATE, &msg));
                }
                day
            }
        };
        if column == "createdAt" {
            rec.created = day;
        } else {
            rec.last_modified = day;
        }
    }
    let count = |column: &str, problems: &mut Vec<RowIssue>| -> Option<u64> {
        let f = get(column)?;
        let n = integer(f).and_then(|n| u64::try_from(n).ok());
        if n.is_none() {
            let msg = format!("'{}' is not a non-negative integer", short(f));
            problems.push(place.issue(column, &short(f), reason::BAD_NUMBER, &msg));
        }
        n
    };
    rec.downloads = count("downloads", &mut problems);
    rec.likes = count("likes", &mut problems).map(|l| l.min(u64::from(u32::MAX)) as u32);
    if let Some(st) = get("safetensors") {
        let total = match st {
            Field::Group(g) => g
                .get_column_iter()
                .find(|(n, _)| n.as_str() == "total")
                .map(|(_, f)| f),
            _ => None,
        };
        match total {
            None | Some(Field::Null) => {}
            Some(f) => match integer(f) {
                Some(n) if n >= 0 => rec.params_b = Some((n as f64 / 1e9) as f32),
                _ => problems.push(place.issue(
                    "safetensors.total",
                    &short(f),
                    reason::BAD_NUMBER,
                    "the parameter count is not a non-negative integer",
                )),
            },
        }
    }
    let tags = match get("tags") {
        None => Vec::new(),
        Some(Field::ListInternal(list)) => {
            let mut tags = Vec::with_capacity(list.len());
            for item in list.elements() {
                match item {
                    Field::Str(s) => tags.push(s.clone()),
                    Field::Null => {}
                    other => problems.push(place.issue(
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
    match get("baseModels") {
        None => {}
        Some(Field::Group(bm)) => base_models(bm, place, &mut rec, &mut problems),
        Some(other) => {
            let msg = format!("'baseModels' is {}, not a struct", type_name(other));
            problems.push(place.issue("baseModels", &short(other), reason::BAD_JSON, &msg));
        }
    }
    match get("cardData") {
        None => {}
        Some(Field::Str(text)) => match serde_json::from_str::<Value>(text) {
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
        Some(other) => {
            let msg = format!("'cardData' is {}, not JSON text", type_name(other));
            problems.push(place.issue("cardData", &short(other), reason::BAD_JSON, &msg));
        }
    }
    for p in problems {
        sink.issue(p);
    }
    sink.record(rec);
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
                if !rec.datasets.iter().any(|x| x == d) {
                    rec.datasets.push(d.to_string());
                }
            }
        }
        Some(Value::String(d)) if !rec.datasets.iter().any(|x| x == d) => {
            rec.datasets.push(d.clone())
        }
        _ => {}
    }
}
