//! `lineage fetch snapshot`: one file of a dataset repo (a daily or weekly dump of the
//! Hub's models as Parquet) through the Hub's resolve URL, which is how the Hub asks bulk
//! readers to get its data. The download resumes with HTTP Range after a drop or a kill
//! and is checked against the hash the Hub announces before it replaces the output.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::client::{encode_path, header, status_error, Client, Failure, Transient};
use super::error::FetchError;
use super::headers::{self, Expected};

/// The dataset `fetch snapshot` reads by default: a daily dump of the Hub's metadata.
pub const DEFAULT_DATASET: &str = "cfahlgren1/hub-stats";
/// The file of it read by default.
pub const DEFAULT_FILE: &str = "models.parquet";

/// Times a download may resume after a drop that made progress, at most.
const MAX_RESUMES: u32 = 100;

/// What to download.
#[derive(Debug, Clone)]
pub struct SnapshotRequest {
    /// The dataset repo (`owner/name`).
    pub dataset: String,
    /// The file's path in the repo.
    pub file: String,
    /// The branch or commit (`main`).
    pub revision: String,
}

/// What a download did.
#[derive(Debug, Clone)]
pub struct SnapshotSummary {
    /// The URL resolved.
    pub url: String,
    /// Bytes of the file.
    pub size: u64,
    /// Bytes received in this run (less than `size` when it resumed).
    pub received: u64,
    /// Bytes already on disk from an earlier run.
    pub resumed_from: u64,
    /// The hash checked (`sha256:...` or `git-sha1:...`), none when the Hub gave none.
    pub verified: Option<String>,
    /// The commit the file was read at, when the Hub said (`X-Repo-Commit`).
    pub commit: Option<String>,
}

/// What is known of the remote file before downloading, kept beside the partial file so a
/// resumed download is of the same file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Remote {
    url: String,
    location: String,
    etag: String,
    size: Option<u64>,
    commit: Option<String>,
}

/// The resolve URL of a file in a dataset repo.
pub fn resolve_url(base: &str, request: &SnapshotRequest) -> String {
    format!(
        "{base}/datasets/{}/resolve/{}/{}",
        encode_path(&request.dataset),
        encode_path(&request.revision),
        encode_path(&request.file)
    )
}

fn with_suffix(out: &Path, suffix: &str) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    out.with_file_name(name)
}

/// The partial download beside `out`.
pub fn partial_path(out: &Path) -> PathBuf {
    with_suffix(out, ".part")
}

fn meta_path(out: &Path) -> PathBuf {
    with_suffix(out, ".part.json")
}

/// Downloads the file into `out`, resuming a partial download left beside it, verifying
/// its size and hash, then renaming it into place.
pub fn fetch_snapshot(
    client: &Client,
    request: &SnapshotRequest,
    out: &Path,
) -> Result<SnapshotSummary, FetchError> {
    let url = resolve_url(client.endpoint().base(), request);
    let remote = probe(client, &url)?;
    let part = partial_path(out);
    let meta = meta_path(out);

    // Go on from a partial file only if it is of the same remote file.
    let previous: Option<Remote> = std::fs::read(&meta)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let same = previous
        .as_ref()
        .is_some_and(|p| p.url == remote.url && p.etag == remote.etag && p.size == remote.size);
    if !same {
        let _ = std::fs::remove_file(&part);
        let encoded = serde_json::to_vec_pretty(&remote).expect("plain data encodes");
        std::fs::write(&meta, encoded).map_err(FetchError::io(&meta, "write"))?;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(&part)
        .map_err(FetchError::io(&part, "open"))?;
    let mut have = file
        .metadata()
        .map_err(FetchError::io(&part, "read"))?
        .len();
    if remote.size.is_some_and(|s| have > s) {
        file.set_len(0).map_err(FetchError::io(&part, "truncate"))?;
        have = 0;
    }
    let resumed_from = have;
    let mut received = 0u64;
    let observer = client.observer();
    observer.bytes(have, remote.size);

    let mut resumes = 0u32;
    while remote.size != Some(have) {
        let before = have;
        let outcome = client.with_retries(&remote.location, |u| {
            download(client, u, &mut file, &part, &mut have, remote.size)
        });
        received += have - before;
        match outcome {
            Ok(true) => break,
            Ok(false) => {}
            Err(e) => return Err(e),
        }
        // The body ended early but gave bytes: go on from there.
        if have == before {
            return Err(FetchError::Protocol {
                url: remote.location.clone(),
                detail: "the download made no progress".into(),
            });
        }
        resumes += 1;
        std::thread::sleep(client.backoff(0));
        if resumes > MAX_RESUMES {
            return Err(FetchError::GaveUp {
                url: remote.location.clone(),
                attempts: resumes,
                last: "the download kept breaking off".into(),
            });
        }
    }
    file.sync_all().map_err(FetchError::io(&part, "write"))?;
    drop(file);

    let reject = |detail: String| {
        let _ = std::fs::remove_file(&part);
        let _ = std::fs::remove_file(&meta);
        FetchError::Verify {
            url: url.clone(),
            detail,
        }
    };
    let actual = std::fs::metadata(&part)
        .map_err(FetchError::io(&part, "read"))?
        .len();
    if let Some(size) = remote.size {
        if actual != size {
            return Err(reject(format!(
                "{actual} bytes, the server announced {size}"
            )));
        }
    }
    let verified = match headers::expected_hash(&remote.etag) {
        Some(Expected::Sha256(want)) => {
            let got = hash_file::<Sha256>(&part, None)?;
            if got != want {
                return Err(reject(format!(
                    "sha256 is {got}, the server announced {want}"
                )));
            }
            Some(format!("sha256:{got}"))
        }
        Some(Expected::GitBlobSha1(want)) => {
            let got = hash_file::<Sha1>(&part, Some(actual))?;
            if got != want {
                return Err(reject(format!(
                    "git blob sha1 is {got}, the server announced {want}"
                )));
            }
            Some(format!("git-sha1:{got}"))
        }
        None => None,
    };
    std::fs::rename(&part, out).map_err(FetchError::io(out, "move the download into place at"))?;
    let _ = std::fs::remove_file(&meta);
    Ok(SnapshotSummary {
        url,
        size: actual,
        received,
        resumed_from,
        verified,
        commit: remote.commit,
    })
}

/// Asks for the file's metadata (a HEAD request): where its bytes are (the resolve URL
/// itself, or the storage URL it redirects to), its entity tag and its size.
fn probe(client: &Client, url: &str) -> Result<Remote, FetchError> {
    client.with_retries(url, |u| {
        let mut response = client.send("HEAD", u, &[("accept-encoding", "identity".into())])?;
        let status = response.status().as_u16();
        let get = |name: &str| header(&response, name);
        let etag = get("x-linked-etag")
            .or_else(|| get("etag"))
            .unwrap_or_default();
        let size = get("x-linked-size")
            .or_else(|| get("content-length"))
            .and_then(|s| s.trim().parse().ok());
        let commit = get("x-repo-commit");
        let location = match status {
            200..=299 => u.to_string(),
            300..=399 => match get("location") {
                Some(l) => client.endpoint().absolute(&l),
                None => {
                    return Err(Failure::Fatal(FetchError::Protocol {
                        url: u.to_string(),
                        detail: format!("HTTP {status} without a Location header"),
                    }))
                }
            },
            _ => return Err(Failure::Fatal(status_error(u, &mut response))),
        };
        Ok(Remote {
            url: url.to_string(),
            location,
            etag,
            size,
            commit,
        })
    })
}

/// Reads the file's bytes from `*have` on into `file`. `Ok(true)`: complete; `Ok(false)`:
/// the body ended before the size announced (go on from the new `*have`).
fn download(
    client: &Client,
    url: &str,
    file: &mut File,
    part: &Path,
    have: &mut u64,
    size: Option<u64>,
) -> Result<bool, Failure> {
    let mut extra = vec![("accept-encoding", "identity".to_string())];
    if *have > 0 {
        extra.push(("range", format!("bytes={}-", *have)));
    }
    let mut response = client.send("GET", url, &extra)?;
    let status = response.status().as_u16();
    let io = |e: std::io::Error| {
        Failure::Fatal(FetchError::Io {
            path: part.to_path_buf(),
            action: "write",
            source: e,
        })
    };
    match status {
        206 => {
            let range = header(&response, "content-range").unwrap_or_default();
            let start = range
                .trim()
                .strip_prefix("bytes ")
                .and_then(|r| r.split('-').next())
                .and_then(|s| s.parse::<u64>().ok());
            if start != Some(*have) {
                return Err(Failure::Fatal(FetchError::Protocol {
                    url: url.to_string(),
                    detail: format!(
                        "asked for bytes from {}, got Content-Range '{range}'",
                        *have
                    ),
                }));
            }
        }
        200 => {
            // The server sent the whole file: start over.
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            *have = 0;
        }
        416 if size == Some(*have) => return Ok(true),
        _ => return Err(Failure::Fatal(status_error(url, &mut response))),
    }
    let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut last_report = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                file.write_all(&buf[..n]).map_err(io)?;
                *have += n as u64;
                client.add_bytes(n as u64);
                if *have - last_report >= 1 << 20 {
                    last_report = *have;
                    client.observer().bytes(*have, size);
                }
            }
            Err(e) => {
                file.flush().map_err(io)?;
                client.observer().bytes(*have, size);
                if size.is_some_and(|s| *have < s) && *have > 0 {
                    // Progress was made: resume from here without spending a retry.
                    return Ok(false);
                }
                return Err(Failure::Retry {
                    kind: Transient::BrokenBody,
                    why: format!("the download broke off at byte {}: {e}", *have),
                    wait: None,
                });
            }
        }
    }
    file.flush().map_err(io)?;
    client.observer().bytes(*have, size);
    match size {
        Some(s) if *have < s => Ok(false),
        _ => Ok(true),
    }
}

/// The hex digest of a file; with `git_blob_len`, of the git blob (`blob <len>\0` + bytes).
fn hash_file<D: Digest>(path: &Path, git_blob_len: Option<u64>) -> Result<String, FetchError> {
    let mut file = File::open(path).map_err(FetchError::io(path, "read"))?;
    let mut hasher = D::new();
    if let Some(len) = git_blob_len {
        hasher.update(format!("blob {len}\0").as_bytes());
    }
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(FetchError::io(path, "read"))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_known_values() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"hello\n").unwrap();
        // `printf 'hello\n' | sha256sum` and `git hash-object`.
        assert_eq!(
            hash_file::<Sha256>(&p, None).unwrap(),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        assert_eq!(
            hash_file::<Sha1>(&p, Some(6)).unwrap(),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn resolve_urls() {
        let r = SnapshotRequest {
            dataset: "hfmlsoc/hub_weekly_snapshots".into(),
            file: "models/2025-01-06/models.parquet".into(),
            revision: "main".into(),
        };
        assert_eq!(
            resolve_url("https://huggingface.co", &r),
            "https://huggingface.co/datasets/hfmlsoc/hub_weekly_snapshots/resolve/main/models/2025-01-06/models.parquet"
        );
    }
}
