//! Hub metadata table (a pandas export: first column a row index). `base_model` is an id,
//! free text, or a Python list literal; tags carry `base_model:[RELATION:]ID`, `license:`
//! and `dataset:` entries. A row whose metadata is identical to the row just before it,
//! under a different name, is a copy left by a failed lookup (the collector reused the
//! previous answer): it is flagged and its metadata not used. Identical metadata further
//! apart is what a renamed or moved repo looks like (the Hub answers for both names): it
//! is kept, and reported.

use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHasher};

use super::csvutil::{for_each_row, Row};
use super::{pylist, reason, refs, Counting, ModelRecord, ParentRef, RepeatFold, Sink, StrList};
use crate::error::IngestError;

const FORMAT: &str = "details";

pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    // Fingerprint of a row's metadata -> line and hash of the lower-cased name of its first
    // holder: two numbers a row, so a whole-Hub table fits.
    let mut seen: FxHashMap<u64, (u64, u64)> = FxHashMap::default();
    // The row before this one (its strings are reused from row to row). Before the first
    // row it has no fingerprint, so nothing is a copy of it.
    let mut previous = Previous::default();
    // A name the table already gave: counted, reported when it disagrees, not used.
    let mut repeats = RepeatFold::with_room(super::rows_in(sink.len));
    let mut scratch = String::new();
    let mut items = StrList::new();
    for_each_row(
        path,
        reader,
        b',',
        FORMAT,
        sink,
        |c| {
            let name = c.require(path, FORMAT, "name")?;
            Ok(Cols {
                name: Some(name),
                author: c.find("author"),
                created: Some(c.require(path, FORMAT, "created_at")?),
                modified: c.find("last_modified"),
                downloads: c.find("downloads"),
                library: c.find("library_name"),
                tags: c.find("tags"),
                datasets: c.find("datasets"),
                base_model: Some(c.require(path, FORMAT, "base_model")?),
                metadata_from: name + 1,
            })
        },
        |cols, row| {
            let id = row.get(cols.name).to_string();
            if id.is_empty() {
                row.reject(
                    cols.name.unwrap_or(0),
                    reason::MISSING_ID,
                    "empty model name".into(),
                );
                return;
            }
            let mut rec = ModelRecord {
                id,
                line: row.line,
                ..Default::default()
            };
            // The metadata cells hashed as they are, in one pass over them.
            let mut h = FxHasher::default();
            let mut any = false;
            for f in row.record.iter().skip(cols.metadata_from) {
                any |= !f.trim().is_empty();
                f.hash(&mut h);
            }
            let fingerprint = any.then(|| h.finish());
            let lower = crate::intern::fold_case(&rec.id, &mut scratch);
            // A run of copies repeats one model's metadata: compare with that model, so
            // that a copy following a copy under the same name is caught too.
            if fingerprint.is_some()
                && previous.fingerprint == fingerprint
                && previous.origin != lower
            {
                let message = format!(
                    "metadata identical to the previous row's (line {}), which are {}'s: a \
                     failed lookup's copy, not used",
                    previous.line, previous.spelling
                );
                (previous.fingerprint, previous.line) = (fingerprint, row.line);
                row.issue(cols.name.unwrap_or(0), reason::COPIED, message);
                rec.suspicious = true;
                row.sink.record(rec);
                return;
            }
            (previous.fingerprint, previous.line) = (fingerprint, row.line);
            previous.origin.clear();
            previous.origin.push_str(lower);
            previous.spelling.clear();
            previous.spelling.push_str(&rec.id);
            if let Some(key) = fingerprint {
                let name_col = cols.name.unwrap_or(0);
                let name_hash = {
                    let mut h = FxHasher::default();
                    lower.hash(&mut h);
                    h.finish()
                };
                match seen.get(&key) {
                    Some(&(line, first)) if first != name_hash => {
                        let message = format!(
                            "metadata identical to line {line}'s, another model's: one repo \
                             under two names (renamed or moved?); kept"
                        );
                        row.issue(name_col, reason::SAME_METADATA, message);
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, (row.line, name_hash));
                    }
                }
            }
            fill(row, cols, &mut rec, &mut items);
            if let Some(repeat) = repeats.mark(&mut rec) {
                if let Some(message) = repeat.conflict() {
                    row.issue(cols.name.unwrap_or(0), reason::REPEATED, message);
                }
            }
            row.sink.record(rec);
        },
    )
}

/// Fills `rec` from the row's metadata; `items` is scratch room for its list literals.
fn fill(row: &mut Row<'_, '_>, cols: &Cols, rec: &mut ModelRecord, items: &mut StrList) {
    rec.owner = row.text(cols.author);
    (rec.created, rec.created_at) = row.moment(cols.created);
    rec.last_modified = row.date(cols.modified);
    rec.downloads = row.number::<u64>(cols.downloads);
    rec.library = row.text(cols.library);
    row.list_or_scalar_into(cols.datasets, &mut rec.datasets);
    items.clear();
    row.list_into(cols.tags, items);
    // Most tags are plain ones kept as they are: room for them all at once.
    rec.tags.reserve(items.text_len(), items.len());
    refs::apply_tags(rec, items.iter(), "tags");
    let base = row.get(cols.base_model);
    if pylist::is_list(base) {
        items.clear();
        match pylist::parse_list_into(base, items) {
            Ok(()) if items.is_empty() => rec.parents.push(ParentRef {
                raw: "[]".into(),
                relation: None,
                field: "base_model",
            }),
            Ok(()) => rec.parents.extend(items.iter().map(|raw| ParentRef {
                raw: raw.to_string(),
                relation: None,
                field: "base_model",
            })),
            Err(e) => {
                if let Some(i) = cols.base_model {
                    row.issue(i, reason::BAD_LIST, format!("unparsable list: {e}"));
                }
            }
        }
    } else {
        // Empty cells are kept too: the report counts them.
        rec.parents.push(ParentRef {
            raw: base.to_string(),
            relation: None,
            field: "base_model",
        });
    }
}

/// The row before the one being read: its fingerprint (None when its metadata is empty), its
/// line, and the lower-cased name and spelling of the model its metadata came from (for a
/// copy, the model it was copied from).
#[derive(Default)]
struct Previous {
    fingerprint: Option<u64>,
    line: u64,
    origin: String,
    spelling: String,
}

#[derive(Default)]
struct Cols {
    name: Option<usize>,
    author: Option<usize>,
    created: Option<usize>,
    modified: Option<usize>,
    downloads: Option<usize>,
    library: Option<usize>,
    tags: Option<usize>,
    datasets: Option<usize>,
    base_model: Option<usize>,
    metadata_from: usize,
}

#[cfg(test)]
mod tests {
    use crate::ingest::Input;
    use crate::intern::NONE;

    /// A tag list cut short is reported and gives no tag at all, not the items before the
    /// cut: `transformers` and the license parse, then the list never closes.
    #[test]
    fn an_unparsable_tag_list_gives_no_tags() {
        let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
0,org/cut,org,2024-01-01,,1,transformers,\"['transformers', 'license:mit', \",,,\n\
1,org/whole,org,2024-01-01,,1,transformers,\"['transformers', 'license:mit']\",,,\n";
        let input = Input::embedded("details.csv", csv).unwrap();
        let (g, report) = crate::build(&[input], Default::default(), None).unwrap();
        let cut = g.lookup("org/cut").unwrap();
        let whole = g.lookup("org/whole").unwrap();
        assert!(g.tags.row(cut).is_empty());
        assert_eq!(g.models[cut as usize].license, NONE);
        assert_eq!(g.tags.row(whole).len(), 1);
        assert_ne!(g.models[whole as usize].license, NONE);
        let reported = &report.rejected["unparsable list"];
        assert_eq!((reported.count, reported.rows[0].line), (1, 2));
    }
}
