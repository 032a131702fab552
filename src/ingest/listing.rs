//! Hub model listing (`modelId,...,tags,...`): lineage only in `base_model:[RELATION:]ID`
//! tags; no creation date (`lastModified` is the last commit).

use std::io::Read;
use std::path::Path;

use super::csvutil::for_each_row;
use super::{reason, refs, Counting, ModelRecord, RepeatFold, Sink, StrList};
use crate::error::IngestError;

const FORMAT: &str = "listing";

pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    let mut repeats = RepeatFold::with_room(super::rows_in(sink.len));
    for_each_row(
        path,
        reader,
        b',',
        FORMAT,
        sink,
        |h| {
            Ok((
                Some(h.require(path, FORMAT, "modelId")?),
                h.find("author"),
                h.find("downloads"),
                h.find("lastModified"),
                Some(h.require(path, FORMAT, "tags")?),
                h.find("pipeline_tag"),
            ))
        },
        |&(id, author, downloads, modified, tags, pipeline), row| {
            let model = row.get(id).to_string();
            if model.is_empty() {
                row.reject(id.unwrap_or(0), reason::MISSING_ID, "empty modelId".into());
                return;
            }
            let mut rec = ModelRecord {
                id: model,
                line: row.line,
                ..Default::default()
            };
            rec.owner = row.text(author);
            rec.downloads = row.number(downloads);
            rec.last_modified = row.date(modified);
            rec.pipeline = row.text(pipeline);
            let mut list = StrList::new();
            row.list_into(tags, &mut list);
            rec.tags.reserve(list.text_len(), list.len());
            refs::apply_tags(&mut rec, list.iter(), "tags");
            if let Some(repeat) = repeats.mark(&mut rec) {
                if let Some(message) = repeat.conflict() {
                    row.issue(id.unwrap_or(0), reason::REPEATED, message);
                }
            }
            row.sink.record(rec);
        },
    )
}
