//! The graph file: a small header (magic, format version, payload length, CRC-32) and the
//! graph encoded with bincode. Written to a temporary file beside the target and renamed
//! into place, so a reader never sees half a file; read back only after every check passes.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use super::LineageGraph;
use crate::error::GraphFileError;

/// The first eight bytes of every graph file.
pub const MAGIC: &[u8; 8] = b"LINEAGE\x1a";
/// Bumped whenever the encoded layout changes. 2: averages per leaderboard board and each
/// benchmark's board; creation time of day; commit count and first/last commit days.
pub const FORMAT_VERSION: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 4;

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_fixed_int_encoding()
}

/// Counts and checksums bytes on their way to the file.
struct Checksummed<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn header(len: u64, crc: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h[12..20].copy_from_slice(&len.to_le_bytes());
    h[20..24].copy_from_slice(&crc.to_le_bytes());
    h
}

/// Writes `graph` to `path` atomically. Returns the file's size in bytes.
pub fn save(graph: &LineageGraph, path: &Path) -> Result<u64, GraphFileError> {
    let io = |action: &'static str| {
        move |source| GraphFileError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io("create its directory"))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".lineage-")
        .suffix(".graph.tmp")
        .tempfile_in(dir)
        .map_err(io("create a temporary file"))?;
    let (len, crc) = {
        let file: &mut File = tmp.as_file_mut();
        file.write_all(&[0u8; HEADER_LEN]).map_err(io("write"))?;
        let mut w = Checksummed {
            inner: BufWriter::with_capacity(1 << 20, &mut *file),
            crc: crc32fast::Hasher::new(),
            len: 0,
        };
        bincode::serde::encode_into_std_write(graph, &mut w, config())
            .map_err(|e| GraphFileError::Encode(e.to_string()))?;
        w.flush().map_err(io("write"))?;
        (w.len, w.crc.finalize())
    };
    let file = tmp.as_file_mut();
    file.seek(SeekFrom::Start(0)).map_err(io("write"))?;
    file.write_all(&header(len, crc)).map_err(io("write"))?;
    file.sync_all().map_err(io("write"))?;
    tmp.persist(path).map_err(|e| GraphFileError::Io {
        path: path.to_path_buf(),
        action: "rename the temporary file into place",
        source: e.error,
    })?;
    Ok(len + HEADER_LEN as u64)
}

/// Decodes the payload under a size limit of the next power of four at or above its length.
/// bincode allocates a string's bytes before it reads them, so without a limit one corrupted
/// length (in a file whose checksum was recomputed) asks for terabytes and aborts the
/// process; with it, nothing larger than four times the file is ever requested. The limit
/// is a type parameter in bincode, hence one instantiation per step.
fn decode_payload(payload: &[u8]) -> Result<(LineageGraph, usize), bincode::error::DecodeError> {
    macro_rules! within {
        ($($bits:literal)*) => {
            $(
                if payload.len() <= 1usize << $bits {
                    let config = bincode::config::standard()
                        .with_fixed_int_encoding()
                        .with_limit::<{ 1usize << $bits }>();
                    return bincode::serde::decode_from_slice(payload, config);
                }
            )*
        };
    }
    within!(12 14 16 18 20 22 24 26 28 30 32 34 36 38 40 42 44 46);
    Err(bincode::error::DecodeError::LimitExceeded)
}

/// Reads a graph file, checking magic, version, length and checksum before decoding, and
/// the graph's structure after.
pub fn load(path: &Path) -> Result<LineageGraph, GraphFileError> {
    let bytes = std::fs::read(path).map_err(|source| GraphFileError::Io {
        path: path.to_path_buf(),
        action: "read",
        source,
    })?;
    decode(path, &bytes)
}

/// Decodes the bytes of a graph file (see [`load`]); `path` only names it in errors.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<LineageGraph, GraphFileError> {
    let p = || path.to_path_buf();
    if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
        // Empty, or cut inside the magic bytes: a graph file cut short, not some other file.
        return Err(GraphFileError::Truncated {
            path: p(),
            found: bytes.len() as u64,
            expected: HEADER_LEN as u64,
        });
    }
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(GraphFileError::NotAGraph { path: p() });
    }
    if bytes.len() < HEADER_LEN {
        return Err(GraphFileError::Truncated {
            path: p(),
            found: bytes.len() as u64,
            expected: HEADER_LEN as u64,
        });
    }
    let word = |r: std::ops::Range<usize>| -> [u8; 8] {
        let mut b = [0u8; 8];
        b[..r.len()].copy_from_slice(&bytes[r]);
        b
    };
    let version = u32::from_le_bytes(word(8..12)[..4].try_into().unwrap_or_default());
    if version != FORMAT_VERSION {
        return Err(GraphFileError::Version {
            path: p(),
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let len = u64::from_le_bytes(word(12..20));
    let crc = u32::from_le_bytes(word(20..24)[..4].try_into().unwrap_or_default());
    let payload = &bytes[HEADER_LEN..];
    if (payload.len() as u64) < len {
        return Err(GraphFileError::Truncated {
            path: p(),
            found: bytes.len() as u64,
            expected: len + HEADER_LEN as u64,
        });
    }
    if payload.len() as u64 > len {
        return Err(GraphFileError::Corrupt {
            path: p(),
            detail: format!(
                "{} bytes after the end of the graph",
                payload.len() as u64 - len
            ),
        });
    }
    if crc32fast::hash(payload) != crc {
        return Err(GraphFileError::Checksum { path: p() });
    }
    let (graph, used) = decode_payload(payload).map_err(|e| GraphFileError::Corrupt {
        path: p(),
        detail: e.to_string(),
    })?;
    if used != payload.len() {
        return Err(GraphFileError::Corrupt {
            path: p(),
            detail: "trailing bytes after the graph".into(),
        });
    }
    graph
        .validate()
        .map_err(|detail| GraphFileError::Corrupt { path: p(), detail })?;
    Ok(graph)
}
