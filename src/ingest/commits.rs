//! Commit history per repo: who committed to it. These contributors make the author
//! collaboration graph.

use std::io::Read;
use std::path::Path;

use super::csvutil::for_each_row;
use super::{reason, Counting, ModelRecord, Sink};
use crate::error::IngestError;

const FORMAT: &str = "commits";

pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    for_each_row(
        path,
        reader,
        b',',
        FORMAT,
        sink,
        |h| {
            Ok((
                Some(h.require(path, FORMAT, "name")?),
                Some(h.require(path, FORMAT, "authors")?),
                h.find("first_commit"),
            ))
        },
        |&(name, authors, first), row| {
            let id = row.get(name).to_string();
            if id.is_empty() {
                row.reject(
                    name.unwrap_or(0),
                    reason::MISSING_ID,
                    "empty repo name".into(),
                );
                return;
            }
            // Read for validation; the creation date comes from Hub metadata.
            let _ = row.date(first);
            let mut contributors = row.list(authors);
            contributors.retain(|a| !a.trim().is_empty());
            let rec = ModelRecord {
                id,
                line: row.line,
                contributors,
                ..Default::default()
            };
            row.sink.record(rec);
        },
    )
}
