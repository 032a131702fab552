//! Writing Parquet files a row group at a time, column by column, with the `parquet` crate's
//! own column writers (no Arrow arrays in between): shared by `lineage synth`'s Hub snapshot
//! and `lineage export parquet`. Values are buffered per leaf column with their definition
//! and repetition levels, and a full row group is written out and dropped, so memory is one
//! row group whatever the file's size.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::Type;

/// Rows per row group: small enough that a row group of the widest file stays a few tens of
/// megabytes, large enough that columns compress well.
pub const ROW_GROUP: usize = 65_536;

/// The values of one leaf column, of its physical type.
#[derive(Debug)]
pub enum Values {
    /// Strings and other byte arrays.
    Bytes(Vec<ByteArray>),
    /// 32-bit integers (and dates, as days since 1970).
    I32(Vec<i32>),
    /// 64-bit integers (and timestamps).
    I64(Vec<i64>),
    /// Doubles.
    F64(Vec<f64>),
    /// Booleans.
    Bool(Vec<bool>),
}

/// One leaf column's buffered values and levels.
#[derive(Debug)]
pub struct Column {
    values: Values,
    def: Vec<i16>,
    rep: Vec<i16>,
    max_def: i16,
}

impl Column {
    /// A null (or an empty or absent level above the leaf) at definition level `def`.
    pub fn null(&mut self, def: i16, rep: i16) {
        self.def.push(def);
        self.rep.push(rep);
    }

    fn level(&mut self, rep: i16) {
        self.def.push(self.max_def);
        self.rep.push(rep);
    }

    /// A string at repetition level `rep` (0 for a new row).
    pub fn str(&mut self, s: &str, rep: i16) {
        self.level(rep);
        match &mut self.values {
            Values::Bytes(v) => v.push(ByteArray::from(s.as_bytes().to_vec())),
            other => panic!("a string pushed to a {other:?} column"),
        }
    }

    /// A 64-bit integer at repetition level `rep`.
    pub fn i64(&mut self, x: i64, rep: i16) {
        self.level(rep);
        match &mut self.values {
            Values::I64(v) => v.push(x),
            other => panic!("an i64 pushed to a {other:?} column"),
        }
    }

    /// A 32-bit integer.
    pub fn i32(&mut self, x: i32) {
        self.level(0);
        match &mut self.values {
            Values::I32(v) => v.push(x),
            other => panic!("an i32 pushed to a {other:?} column"),
        }
    }

    /// A double.
    pub fn f64(&mut self, x: f64) {
        self.level(0);
        match &mut self.values {
            Values::F64(v) => v.push(x),
            other => panic!("an f64 pushed to a {other:?} column"),
        }
    }

    /// A boolean.
    pub fn bool(&mut self, x: bool) {
        self.level(0);
        match &mut self.values {
            Values::Bool(v) => v.push(x),
            other => panic!("a bool pushed to a {other:?} column"),
        }
    }

    /// An optional string of a top-level optional column.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s, 0),
            None => self.null(0, 0),
        }
    }

    /// An optional 64-bit integer of a top-level optional column.
    pub fn opt_i64(&mut self, x: Option<i64>) {
        match x {
            Some(x) => self.i64(x, 0),
            None => self.null(0, 0),
        }
    }

    /// An optional double of a top-level optional column.
    pub fn opt_f64(&mut self, x: Option<f64>) {
        match x {
            Some(x) => self.f64(x),
            None => self.null(0, 0),
        }
    }

    /// An optional 32-bit integer of a top-level optional column.
    pub fn opt_i32(&mut self, x: Option<i32>) {
        match x {
            Some(x) => self.i32(x),
            None => self.null(0, 0),
        }
    }

    fn clear(&mut self) {
        self.def.clear();
        self.rep.clear();
        match &mut self.values {
            Values::Bytes(v) => v.clear(),
            Values::I32(v) => v.clear(),
            Values::I64(v) => v.clear(),
            Values::F64(v) => v.clear(),
            Values::Bool(v) => v.clear(),
        }
    }
}

/// A Parquet file being written row group by row group.
pub struct ParquetWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: Vec<Column>,
    rows: usize,
    nested: bool,
}

fn io(e: ParquetError) -> std::io::Error {
    match e {
        ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(e) => *e,
            Err(e) => std::io::Error::other(e),
        },
        other => std::io::Error::other(other),
    }
}

impl<W: Write + Send> ParquetWriter<W> {
    /// A writer of `schema` (Parquet's message type syntax) into `out`.
    pub fn new(out: W, schema: &str) -> std::io::Result<Self> {
        Self::with_schema(out, parse_message_type(schema).map_err(io)?)
    }

    /// A writer of `schema` into `out`, every column compressed with zstd and every column
    /// dictionary-encoded while its dictionary stays small (the writer falls back to plain
    /// encoding for a column of mostly distinct values, such as ids).
    pub fn with_schema(out: W, schema: Type) -> std::io::Result<Self> {
        let schema = Arc::new(schema);
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).map_err(io)?))
            .set_created_by(format!("lineage {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = SerializedFileWriter::new(out, schema, Arc::new(props)).map_err(io)?;
        let descr = writer.schema_descr();
        let nested = descr.columns().iter().any(|c| c.max_rep_level() > 0);
        let columns = descr
            .columns()
            .iter()
            .map(|c| Column {
                values: match c.physical_type() {
                    parquet::basic::Type::BYTE_ARRAY => Values::Bytes(Vec::new()),
                    parquet::basic::Type::INT32 => Values::I32(Vec::new()),
                    parquet::basic::Type::INT64 => Values::I64(Vec::new()),
                    parquet::basic::Type::DOUBLE => Values::F64(Vec::new()),
                    parquet::basic::Type::BOOLEAN => Values::Bool(Vec::new()),
                    other => panic!("no buffer for Parquet type {other}"),
                },
                def: Vec::new(),
                rep: Vec::new(),
                max_def: c.max_def_level(),
            })
            .collect();
        Ok(ParquetWriter {
            writer,
            columns,
            rows: 0,
            nested,
        })
    }

    /// The buffer of leaf column `i` (in schema order).
    pub fn column(&mut self, i: usize) -> &mut Column {
        &mut self.columns[i]
    }

    /// Ends a row; writes the row group out when it is full.
    pub fn end_row(&mut self) -> std::io::Result<()> {
        self.rows += 1;
        if self.rows >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(io)?;
        let mut i = 0;
        while let Some(mut col) = group.next_column().map_err(io)? {
            let c = &self.columns[i];
            let rep = self.nested.then_some(&c.rep[..]);
            let def = Some(&c.def[..]);
            match &c.values {
                Values::Bytes(v) => col.typed::<ByteArrayType>().write_batch(v, def, rep),
                Values::I32(v) => col.typed::<Int32Type>().write_batch(v, def, rep),
                Values::I64(v) => col.typed::<Int64Type>().write_batch(v, def, rep),
                Values::F64(v) => col.typed::<DoubleType>().write_batch(v, def, rep),
                Values::Bool(v) => col.typed::<BoolType>().write_batch(v, def, rep),
            }
            .map_err(io)?;
            col.close().map_err(io)?;
            i += 1;
        }
        group.close().map_err(io)?;
        for c in &mut self.columns {
            c.clear();
        }
        self.rows = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.flush()?;
        self.writer.into_inner().map_err(io)
    }
}
