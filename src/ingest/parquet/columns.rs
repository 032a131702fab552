//! A run of rows of a row group's leaf columns, decoded with the `parquet` crate's column
//! readers: the values of each leaf in one vector, beside its definition and repetition
//! levels. Rows are
//! then put together by walking those vectors, instead of the record reader building a tree
//! of heap values (and copying every column name) for every row.

use std::ops::Range;

use parquet::basic::{ConvertedType, Type as PhysicalType};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, DataType, FixedLenByteArray, Int96};
use parquet::errors::ParquetError;
use parquet::record::Field;
use parquet::schema::types::ColumnDescPtr;

/// One value of a leaf column as a row sees it: a null, text borrowed from the decoded
/// page, or any other value as the record reader would give it.
#[derive(Debug, Clone, Default)]
pub(super) enum Cell<'a> {
    /// Null, or a level above the leaf that is null.
    #[default]
    Null,
    /// A `BYTE_ARRAY` annotated as text (`UTF8`, `ENUM`, `JSON`).
    Str(&'a str),
    /// Anything else, converted as the record reader converts it.
    Other(Field),
}

impl<'a> Cell<'a> {
    /// The value as a record-reader field, for messages and the rare wrong-typed value.
    pub fn field(&self) -> Field {
        match self {
            Cell::Null => Field::Null,
            Cell::Str(s) => Field::Str((*s).to_string()),
            Cell::Other(f) => f.clone(),
        }
    }

    /// A record-reader field seen as a cell (text borrowed, anything else copied).
    pub fn of(f: &'a Field) -> Cell<'a> {
        match f {
            Field::Null => Cell::Null,
            Field::Str(s) => Cell::Str(s),
            other => Cell::Other(other.clone()),
        }
    }
}

/// The non-null values of one leaf, of its physical type.
enum Values {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    I96(Vec<Int96>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    Bytes(Vec<ByteArray>),
    Fixed(Vec<FixedLenByteArray>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Bool(v) => v.len(),
            Values::I32(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::I96(v) => v.len(),
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Bytes(v) => v.len(),
            Values::Fixed(v) => v.len(),
        }
    }
}

/// A run of rows of one leaf column, decoded.
pub(super) struct Column {
    descr: ColumnDescPtr,
    /// Text values are handed out as `&str`, as the record reader makes them `String`s.
    text: bool,
    def: Vec<i16>,
    rep: Vec<i16>,
    values: Values,
}

/// Reads the next `rows` records of a leaf (fewer only where the column ends early).
fn read_some<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    rows: usize,
    def: &mut Vec<i16>,
    rep: &mut Vec<i16>,
) -> Result<Vec<T::T>, ParquetError> {
    let mut values = Vec::with_capacity(rows);
    let mut records = 0;
    while records < rows {
        let (read, _, levels) = reader.read_records(
            rows - records,
            Some(&mut *def),
            Some(&mut *rep),
            &mut values,
        )?;
        if read == 0 && levels == 0 {
            break;
        }
        records += read;
    }
    Ok(values)
}

impl Column {
    /// Decodes the next `rows` rows of a leaf from its reader, checking that its levels and
    /// values agree with each other and with the row count.
    pub fn read(
        descr: &ColumnDescPtr,
        reader: &mut ColumnReader,
        rows: usize,
    ) -> Result<Column, String> {
        let descr = descr.clone();
        let name = descr.path().string();
        let fail = |e: ParquetError| format!("column '{name}': {e}");
        let (mut def, mut rep) = (Vec::new(), Vec::new());
        let (d, r) = (&mut def, &mut rep);
        let values = match reader {
            ColumnReader::BoolColumnReader(c) => {
                Values::Bool(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::Int32ColumnReader(c) => {
                Values::I32(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::Int64ColumnReader(c) => {
                Values::I64(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::Int96ColumnReader(c) => {
                Values::I96(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::FloatColumnReader(c) => {
                Values::F32(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::DoubleColumnReader(c) => {
                Values::F64(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::ByteArrayColumnReader(c) => {
                Values::Bytes(read_some(c, rows, d, r).map_err(fail)?)
            }
            ColumnReader::FixedLenByteArrayColumnReader(c) => {
                Values::Fixed(read_some(c, rows, d, r).map_err(fail)?)
            }
        };
        let text = descr.physical_type() == PhysicalType::BYTE_ARRAY
            && matches!(
                descr.converted_type(),
                ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON
            );
        let col = Column {
            descr,
            text,
            def,
            rep,
            values,
        };
        col.check(rows)
            .map_err(|why| format!("column '{name}': {why}"))?;
        Ok(col)
    }

    fn max_def(&self) -> i16 {
        self.descr.max_def_level()
    }

    fn repeated(&self) -> bool {
        self.descr.max_rep_level() > 0
    }

    /// Levels decoded: one per row for a leaf outside any list, one per list entry (or
    /// empty or null list) inside one.
    fn levels(&self) -> usize {
        if self.max_def() > 0 {
            self.def.len()
        } else if self.repeated() {
            self.rep.len()
        } else {
            self.values.len()
        }
    }

    fn check(&self, rows: usize) -> Result<(), String> {
        let levels = self.levels();
        if self.repeated() {
            if self.rep.len() != levels || (rows > 0 && self.rep.first() != Some(&0)) {
                return Err("its repetition levels do not match its values".into());
            }
            let starts = self.rep.iter().filter(|&&r| r == 0).count();
            if starts != rows {
                return Err(format!("{starts} rows where {rows} were expected"));
            }
        } else if levels != rows {
            return Err(format!("{levels} rows where {rows} were expected"));
        }
        let present = if self.max_def() > 0 {
            let max = self.max_def();
            self.def.iter().filter(|&&d| d == max).count()
        } else {
            levels
        };
        if present != self.values.len() {
            return Err(format!(
                "{} values where its definition levels say {present}",
                self.values.len()
            ));
        }
        Ok(())
    }

    /// Whether this leaf and `other`, fields of one struct inside a list, agree on the
    /// list's entries: the same repetition levels, and the same definition levels up to
    /// `element_def` (the struct's own).
    pub fn same_entries(&self, other: &Column, element_def: i16) -> bool {
        self.levels() == other.levels()
            && self.rep == other.rep
            && (0..self.levels())
                .all(|l| self.def(l).min(element_def) == other.def(l).min(element_def))
    }

    /// The definition level at level `l`.
    pub fn def(&self, l: usize) -> i16 {
        if self.max_def() > 0 {
            self.def[l]
        } else {
            0
        }
    }

    fn present(&self, l: usize) -> bool {
        self.max_def() == 0 || self.def[l] == self.max_def()
    }

    /// Value `v` (counting non-null values only) as a cell.
    fn cell(&self, v: usize) -> Result<Cell<'_>, String> {
        let d = &self.descr;
        Ok(Cell::Other(match &self.values {
            Values::Bytes(b) if self.text => {
                return std::str::from_utf8(b[v].data())
                    .map(Cell::Str)
                    .map_err(|e| {
                        format!("column '{}' holds text that is not UTF-8: {e}", d.path())
                    });
            }
            Values::Bytes(b) => {
                Field::convert_byte_array(d, b[v].clone()).map_err(|e| e.to_string())?
            }
            Values::Fixed(b) => {
                Field::convert_byte_array(d, b[v].clone().into()).map_err(|e| e.to_string())?
            }
            Values::Bool(x) => Field::convert_bool(d, x[v]),
            Values::I32(x) => Field::convert_int32(d, x[v]),
            Values::I64(x) => Field::convert_int64(d, x[v]),
            Values::I96(x) => Field::convert_int96(d, x[v]),
            Values::F32(x) => Field::convert_float(d, x[v]),
            Values::F64(x) => Field::convert_double(d, x[v]),
        }))
    }
}

/// Where a walk over one column stands: its next level and its next non-null value.
#[derive(Debug, Default, Clone)]
pub(super) struct Cursor {
    level: usize,
    value: usize,
}

impl Cursor {
    /// The levels of the next row of `col` (one, for a leaf outside any list), moving past
    /// them.
    pub fn row(&mut self, col: &Column) -> Result<Range<usize>, String> {
        let start = self.level;
        if start >= col.levels() {
            return Err(format!(
                "column '{}' ends before the other columns",
                col.descr.path()
            ));
        }
        let mut end = start + 1;
        if col.repeated() {
            while end < col.rep.len() && col.rep[end] != 0 {
                end += 1;
            }
        }
        self.level = end;
        Ok(start..end)
    }

    /// Moves to `level` without reading what lies before it (sibling leaves of a list
    /// share levels, so only one of them needs to find where a row ends).
    pub fn skip_to(&mut self, level: usize) {
        self.level = level;
    }

    /// The value at level `l` of `col`; levels must be taken in order, each at most once.
    pub fn take<'a>(&mut self, col: &'a Column, l: usize) -> Result<Cell<'a>, String> {
        if l >= col.levels() {
            return Err(format!(
                "column '{}' ends before the other columns",
                col.descr.path()
            ));
        }
        if !col.present(l) {
            return Ok(Cell::Null);
        }
        let v = self.value;
        if v >= col.values.len() {
            return Err(format!(
                "column '{}' has fewer values than levels",
                col.descr.path()
            ));
        }
        self.value += 1;
        col.cell(v)
    }

    /// The next row's one value of a leaf outside any list.
    pub fn next<'a>(&mut self, col: &'a Column) -> Result<Cell<'a>, String> {
        let levels = self.row(col)?;
        self.take(col, levels.start)
    }
}
