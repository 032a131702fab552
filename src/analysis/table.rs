//! The one shape every analysis result takes on its way out: named columns and rows of
//! cells, written as CSV (and shown as HTML by the report). Numbers keep their type so a
//! reader can parse the CSV back without guessing.

use std::io::Write;

/// One value in a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// No value (an empty CSV field).
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A float, or [`Cell::Empty`] when it is not a number.
    pub fn float(x: f64) -> Cell {
        if x.is_finite() {
            Cell::Float(x)
        } else {
            Cell::Empty
        }
    }

    /// A float cell, or an empty one for `None`.
    pub fn opt_float(x: Option<f64>) -> Cell {
        x.map_or(Cell::Empty, Cell::float)
    }

    /// An integer cell, or an empty one if `x` does not fit in an `i64`.
    pub fn int(x: impl TryInto<i64>) -> Cell {
        x.try_into().map_or(Cell::Empty, Cell::Int)
    }

    /// The value as a number, for numeric cells.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) => Some(*f),
            Cell::Text(s) => s.parse().ok(),
            Cell::Empty => None,
        }
    }

    /// The text of a text cell.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Text(s) => f.write_str(s),
            Cell::Int(i) => write!(f, "{i}"),
            Cell::Float(x) => {
                // Four decimals are more than any score or share needs; trailing zeros go.
                let s = format!("{x:.4}");
                let s = s.trim_end_matches('0').trim_end_matches('.');
                f.write_str(if s == "-0" { "0" } else { s })
            }
            Cell::Empty => Ok(()),
        }
    }
}

/// Named columns and rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each as wide as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Table {
        Table {
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (as wide as the columns).
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width");
        self.rows.push(row);
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cell in `row` under column `name`.
    pub fn get(&self, row: usize, name: &str) -> Option<&Cell> {
        let c = self.column(name)?;
        self.rows.get(row)?.get(c)
    }

    /// The first row whose column `key` shows `value`.
    pub fn find(&self, key: &str, value: &str) -> Option<usize> {
        let c = self.column(key)?;
        self.rows.iter().position(|r| r[c].to_string() == value)
    }

    /// Writes the table as CSV with a header row.
    pub fn write_csv<W: Write>(&self, out: W) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns)
            .map_err(std::io::Error::other)?;
        let mut record: Vec<String> = Vec::with_capacity(self.columns.len());
        for row in &self.rows {
            record.clear();
            record.extend(row.iter().map(|c| c.to_string()));
            w.write_record(&record).map_err(std::io::Error::other)?;
        }
        w.flush()
    }

    /// The table as JSON: `{"columns": [...], "rows": [[...], ...]}`, numbers as numbers
    /// and empty cells as null.
    pub fn to_json(&self) -> serde_json::Value {
        let cell = |c: &Cell| match c {
            Cell::Text(s) => serde_json::Value::from(s.as_str()),
            Cell::Int(i) => serde_json::Value::from(*i),
            Cell::Float(x) => serde_json::Number::from_f64(*x)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Cell::Empty => serde_json::Value::Null,
        };
        serde_json::json!({
            "columns": self.columns,
            "rows": self.rows.iter().map(|r| r.iter().map(cell).collect::<Vec<_>>()).collect::<Vec<_>>(),
        })
    }

    /// The table as CSV text.
    pub fn to_csv_string(&self) -> String {
        let mut buf = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.write_csv(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_numbers_readable_and_quotes_text() {
        let mut t = Table::new(["name", "count", "share"]);
        t.push(vec![Cell::text("a,b"), Cell::Int(3), Cell::float(0.25)]);
        t.push(vec![Cell::text("c"), Cell::Int(0), Cell::float(f64::NAN)]);
        t.push(vec![Cell::text("d"), Cell::Int(1), Cell::float(1.0 / 3.0)]);
        assert_eq!(
            t.to_csv_string(),
            "name,count,share\n\"a,b\",3,0.25\nc,0,\nd,1,0.3333\n"
        );
        assert_eq!(t.get(0, "count"), Some(&Cell::Int(3)));
        assert_eq!(t.find("name", "d"), Some(2));
        assert_eq!(
            t.to_json().to_string(),
            r#"{"columns":["name","count","share"],"rows":[["a,b",3,0.25],["c",0,null],["d",1,0.3333333333333333]]}"#
        );
    }
}
