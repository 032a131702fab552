//! The checkpoint of a model crawl: an append-only JSON Lines journal beside the output.
//! Each line is written once and never changed, so a kill at any moment leaves at worst a
//! cut-off last line, which the next run drops before appending.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::FetchError;

/// Version of the journal's line format.
const VERSION: u32 = 1;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Entry {
    /// The first line: which crawl this is.
    Header {
        version: u32,
        endpoint: String,
        query: Value,
    },
    /// A model object, as the listing returned it (only its first sighting).
    Model { model: Value },
    /// A listing page was read completely: `parent` is the model whose children were
    /// listed (none for the plain listing); `next` is where the listing goes on, none when
    /// it is finished.
    Page {
        parent: Option<String>,
        next: Option<String>,
    },
    /// The commit authors of a model.
    Commits {
        id: String,
        authors: Vec<String>,
        count: u64,
    },
    /// A model whose commit history the Hub would not give (gone, gated).
    NoCommits { id: String, error: String },
}

/// The journal, open for appending.
pub(crate) struct Journal {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Journal {
    /// Opens the journal at `path` for the crawl described by `endpoint` and `query`,
    /// handing every entry already in it to `replay`. Returns the journal and whether it
    /// held earlier work. A journal of another crawl is an error.
    pub(crate) fn open(
        path: &Path,
        endpoint: &str,
        query: &Value,
        mut replay: impl FnMut(Entry),
    ) -> Result<(Journal, bool), FetchError> {
        let header = Entry::Header {
            version: VERSION,
            endpoint: endpoint.to_string(),
            query: query.clone(),
        };
        let mut valid = 0u64;
        let mut resumed = false;
        if path.exists() {
            let mut first = true;
            valid = read(path, |entry| {
                if first {
                    first = false;
                    if entry != header {
                        let (e, q) = match &entry {
                            Entry::Header {
                                endpoint, query, ..
                            } => (endpoint.clone(), query.to_string()),
                            _ => ("?".into(), "?".into()),
                        };
                        return Err(format!(
                            "this checkpoint belongs to another fetch (endpoint {e}, query {q}); run that command again to finish it, or delete the checkpoint to start over"
                        ));
                    }
                } else {
                    resumed = true;
                    replay(entry);
                }
                Ok(())
            })?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(FetchError::io(path, "open the checkpoint"))?;
        // Drop a line cut off by a kill.
        file.set_len(valid)
            .map_err(FetchError::io(path, "repair the checkpoint"))?;
        let mut file = file;
        file.seek(SeekFrom::End(0))
            .map_err(FetchError::io(path, "open the checkpoint"))?;
        let mut journal = Journal {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
        };
        if valid == 0 {
            journal.append(&header)?;
            journal.flush()?;
        }
        Ok((journal, resumed))
    }

    /// Appends one entry (buffered until [`Journal::flush`]).
    pub(crate) fn append(&mut self, entry: &Entry) -> Result<(), FetchError> {
        let mut line = serde_json::to_vec(entry).map_err(|e| FetchError::Checkpoint {
            path: self.path.clone(),
            detail: format!("cannot encode an entry: {e}"),
        })?;
        line.push(b'\n');
        self.out
            .write_all(&line)
            .map_err(FetchError::io(&self.path, "write the checkpoint"))
    }

    /// Writes buffered entries to the file.
    pub(crate) fn flush(&mut self) -> Result<(), FetchError> {
        self.out
            .flush()
            .map_err(FetchError::io(&self.path, "write the checkpoint"))
    }
}

/// Reads every complete line of the journal at `path`, in order, and returns the byte
/// length of those lines (a cut-off last line is left out). `f` may refuse an entry with a
/// message.
pub(crate) fn read(
    path: &Path,
    mut f: impl FnMut(Entry) -> Result<(), String>,
) -> Result<u64, FetchError> {
    let file = File::open(path).map_err(FetchError::io(path, "read the checkpoint"))?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut valid = 0u64;
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(FetchError::io(path, "read the checkpoint"))?;
        if n == 0 || line.last() != Some(&b'\n') {
            return Ok(valid);
        }
        number += 1;
        let entry: Entry = serde_json::from_slice(&line).map_err(|e| FetchError::Checkpoint {
            path: path.to_path_buf(),
            detail: format!("line {number} is damaged ({e}); delete the checkpoint to start over"),
        })?;
        f(entry).map_err(|detail| FetchError::Checkpoint {
            path: path.to_path_buf(),
            detail,
        })?;
        valid += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cut_off_line_is_dropped_and_appending_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl.checkpoint");
        let query = json!({"author": "org"});
        let (mut j, resumed) = Journal::open(&path, "http://h", &query, |_| {}).unwrap();
        assert!(!resumed);
        j.append(&Entry::Model {
            model: json!({"id": "org/a"}),
        })
        .unwrap();
        j.flush().unwrap();
        drop(j);
        // A kill mid-line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"kind":"model","model":{"id":"org/b""#)
            .unwrap();
        drop(f);
        let mut seen = Vec::new();
        let (mut j, resumed) = Journal::open(&path, "http://h", &query, |e| seen.push(e)).unwrap();
        assert!(resumed);
        assert_eq!(
            seen,
            vec![Entry::Model {
                model: json!({"id": "org/a"})
            }]
        );
        j.append(&Entry::Page {
            parent: None,
            next: None,
        })
        .unwrap();
        j.flush().unwrap();
        let mut kinds = Vec::new();
        read(&path, |e| {
            kinds.push(e);
            Ok(())
        })
        .unwrap();
        assert_eq!(kinds.len(), 3);
        assert_eq!(
            kinds[2],
            Entry::Page {
                parent: None,
                next: None
            }
        );
    }

    #[test]
    fn another_crawls_checkpoint_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        Journal::open(&path, "http://h", &json!({"author": "a"}), |_| {}).unwrap();
        let err = Journal::open(&path, "http://h", &json!({"author": "b"}), |_| {})
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("belongs to another fetch"), "{err}");
    }

    #[test]
    fn a_damaged_middle_line_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        Journal::open(&path, "http://h", &json!({}), |_| {}).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"garbage\n{\"kind\":\"page\",\"parent\":null,\"next\":null}\n")
            .unwrap();
        drop(f);
        let err = Journal::open(&path, "http://h", &json!({}), |_| {})
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("line 2 is damaged"), "{err}");
    }
}
