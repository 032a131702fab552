//! Commit history per repo: who committed to it. These contributors make the author
//! collaboration graph.

use std::io::Read;
use std::path::Path;

use super::csvutil::for_each_row;
use super::{reason, Counting, ModelRecord, Sink, StrList};
use crate::error::IngestError;
use crate::model::Stamp;

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
                [
                    h.find("num_of_commits"),
                    h.find("first_commit"),
                    h.find("last_commit"),
                ],
            ))
        },
        |&(name, authors, [commits, first, last]), row| {
            let id = row.get(name).to_string();
            if id.is_empty() {
                row.reject(
                    name.unwrap_or(0),
                    reason::MISSING_ID,
                    "empty repo name".into(),
                );
                return;
            }
            // The first commit stands in for a creation date the Hub metadata lacks (the
            // build decides); the commit count and dates describe the repo's history.
            let first_commit = moment(row, first);
            let last_commit = moment(row, last);
            let commits = row.number::<u32>(commits);
            let mut contributors = StrList::new();
            row.list_into(authors, &mut contributors);
            contributors.retain(|a| !a.trim().is_empty());
            let rec = ModelRecord {
                id,
                line: row.line,
                contributors,
                commits,
                first_commit,
                last_commit,
                ..Default::default()
            };
            row.sink.record(rec);
        },
    )
}

/// A commit time: to the second where given, else the midnight of its day.
fn moment(row: &mut super::csvutil::Row<'_, '_>, idx: Option<usize>) -> Option<Stamp> {
    match row.moment(idx) {
        (_, Some(s)) => Some(s),
        (Some(d), None) => Some(Stamp::midnight(d)),
        (None, None) => None,
    }
}
