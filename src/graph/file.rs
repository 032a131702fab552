//! The graph file: a small header (magic, format version, payload length, CRC-32), then a
//! table of sections, then the sections: each large table of the graph as a fixed-width
//! little-endian array, 8-byte aligned, and everything else encoded with bincode. Loading
//! checks the header before reading anything else, maps the file, checks the checksum and
//! uses the arrays in place, so a load costs about one pass over the bytes.
//!
//! Written to a temporary file beside the target (with the mode a new file gets, or the
//! mode of the file it replaces) and renamed into place, so a reader never sees half a
//! file. A writer holds a lock on its temporary file; temporary files nobody holds (left
//! by a killed build) are removed by the next save into the same directory.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::array::{Array, Backing, Fixed};
use super::model_table::Models;
use super::{Csr, LineageGraph};
use crate::error::GraphFileError;
use crate::intern::Names;

/// The first eight bytes of every graph file.
pub const MAGIC: &[u8; 8] = b"LINEAGE\x1a";
/// Bumped whenever the encoded layout changes. 2: averages per leaderboard board and each
/// benchmark's board; creation time of day; commit count and first/last commit days. 3: the
/// large tables as fixed-width sections read in place. 4: the model table as fixed-width
/// rows ([`super::model_table`]).
pub const FORMAT_VERSION: u32 = 4;
const HEADER_LEN: usize = 8 + 4 + 8 + 4;

/// The sections of a file, in directory order: the bincode-encoded rest of the graph, the
/// model rows, then the arrays.
const SECTIONS: [&str; 22] = [
    "graph",
    "models",
    "names.text",
    "names.ends",
    "authors.text",
    "authors.ends",
    "symbols.text",
    "symbols.ends",
    "scores",
    "children.offsets",
    "children.targets",
    "parents.offsets",
    "parents.targets",
    "parent_edges",
    "edge_kinds",
    "edge_closes_cycle",
    "tags.offsets",
    "tags.targets",
    "datasets.offsets",
    "datasets.targets",
    "contributors.offsets",
    "contributors.targets",
];
/// Offset and length of each section.
const DIRECTORY_LEN: usize = SECTIONS.len() * 16;
/// Where the first section starts.
const BODY_START: usize = HEADER_LEN + DIRECTORY_LEN;
const _: () = assert!(HEADER_LEN % 8 == 0 && BODY_START % 8 == 0);

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_fixed_int_encoding()
}

/// Rows of the model table encoded at a time when saving.
const MODEL_ROWS_AT_ONCE: usize = 16 << 10;

/// Writes the model table's rows a slice at a time through one small buffer, so saving a
/// graph holds no second copy of its largest section (96 bytes a model: 88 MB at 919,343).
fn write_model_rows(models: &[super::Model], w: &mut impl Write) -> std::io::Result<()> {
    let mut buf = Vec::new();
    for rows in models.chunks(MODEL_ROWS_AT_ONCE) {
        buf.clear();
        super::model_table::encode(rows, &mut buf);
        w.write_all(&buf)?;
    }
    Ok(())
}

/// The arrays of a graph in [`SECTIONS`] order (after the graph and the model rows), as
/// little-endian bytes.
fn array_sections(g: &LineageGraph) -> Vec<std::borrow::Cow<'_, [u8]>> {
    let mut out = Vec::with_capacity(SECTIONS.len() - 2);
    for names in [&g.names, &g.authors, &g.symbols] {
        let (text, ends) = names.parts();
        out.push(text.le_bytes());
        out.push(ends.le_bytes());
    }
    out.push(g.scores.le_bytes());
    for csr in [&g.children, &g.parents] {
        out.extend(csr.parts().map(|a| a.le_bytes()));
    }
    out.push(g.parent_edges.le_bytes());
    out.push(g.edge_kinds.le_bytes());
    out.push(g.edge_closes_cycle.le_bytes());
    for csr in [&g.tags, &g.datasets, &g.contributors] {
        out.extend(csr.parts().map(|a| a.le_bytes()));
    }
    debug_assert_eq!(out.len(), SECTIONS.len() - 2);
    out
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

impl<W: Write> Checksummed<W> {
    /// Zero bytes up to the next multiple of 8 (the file offset is `BODY_START + len`).
    fn pad(&mut self) -> std::io::Result<()> {
        let over = (self.len % 8) as usize;
        if over != 0 {
            self.write_all(&[0u8; 8][..8 - over])?;
        }
        Ok(())
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

/// A graph written to its temporary file, not yet in place: [`Pending::commit`] renames it
/// over the target; dropping it removes the temporary file. Lets a command write several
/// files so that either all of them appear or none does.
pub struct Pending {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    size: u64,
}

impl Pending {
    /// Renames the file into place. Returns its size in bytes.
    pub fn commit(self) -> Result<u64, GraphFileError> {
        let Pending { tmp, path, size } = self;
        tmp.persist(&path).map_err(|e| GraphFileError::Io {
            path: path.clone(),
            action: "rename the temporary file into place",
            source: e.error,
        })?;
        Ok(size)
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// Writes `graph` to `path` atomically. Returns the file's size in bytes.
pub fn save(graph: &LineageGraph, path: &Path) -> Result<u64, GraphFileError> {
    prepare(graph, path)?.commit()
}

/// Writes `graph` to a temporary file beside `path`, to be renamed into place by
/// [`Pending::commit`].
pub fn prepare(graph: &LineageGraph, path: &Path) -> Result<Pending, GraphFileError> {
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
    let mut tmp = locked_temp_file(dir).map_err(io("create a temporary file"))?;
    remove_abandoned_temp_files(dir, tmp.path());
    // A rebuild keeps the mode of the file it replaces; a new file gets the one the umask
    // gives (the temporary file was created 0666 less the umask).
    if let Ok(existing) = std::fs::metadata(path) {
        if existing.is_file() {
            tmp.as_file()
                .set_permissions(existing.permissions())
                .map_err(io("set the mode of the temporary file"))?;
        }
    }
    let (directory, body_len, body_crc) = {
        let file: &mut File = tmp.as_file_mut();
        file.write_all(&[0u8; BODY_START]).map_err(io("write"))?;
        let mut w = Checksummed {
            inner: BufWriter::with_capacity(1 << 20, &mut *file),
            crc: crc32fast::Hasher::new(),
            len: 0,
        };
        // The directory: offset and length of each section from the start of the file.
        let mut directory = Vec::with_capacity(SECTIONS.len());
        let start = |w: &Checksummed<_>| BODY_START as u64 + w.len;
        let at = start(&w);
        bincode::serde::encode_into_std_write(graph, &mut w, config())
            .map_err(|e| GraphFileError::Encode(e.to_string()))?;
        directory.push((at, start(&w) - at));
        w.pad().map_err(io("write"))?;
        let at = start(&w);
        write_model_rows(&graph.models, &mut w).map_err(io("write"))?;
        directory.push((at, start(&w) - at));
        w.pad().map_err(io("write"))?;
        for bytes in array_sections(graph) {
            let at = start(&w);
            w.write_all(&bytes).map_err(io("write"))?;
            directory.push((at, bytes.len() as u64));
            w.pad().map_err(io("write"))?;
        }
        w.flush().map_err(io("write"))?;
        (directory, w.len, w.crc)
    };
    let mut table = Vec::with_capacity(DIRECTORY_LEN);
    for (offset, len) in directory {
        table.extend_from_slice(&offset.to_le_bytes());
        table.extend_from_slice(&len.to_le_bytes());
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&table);
    crc.combine(&body_crc);
    let len = DIRECTORY_LEN as u64 + body_len;
    let file = tmp.as_file_mut();
    file.seek(SeekFrom::Start(0)).map_err(io("write"))?;
    file.write_all(&header(len, crc.finalize()))
        .map_err(io("write"))?;
    file.write_all(&table).map_err(io("write"))?;
    file.sync_all().map_err(io("write"))?;
    Ok(Pending {
        tmp,
        path: path.to_path_buf(),
        size: len + HEADER_LEN as u64,
    })
}

const TEMP_PREFIX: &str = ".lineage-";
const TEMP_SUFFIX: &str = ".graph.tmp";

/// Whether the file at `path` is the very file `file` has open.
fn same_file(path: &Path, file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(path), file.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// A new temporary file in `dir`, locked for as long as it is open. A cleaner (see
/// [`remove_abandoned_temp_files`]) may lock and remove a file between its creation and its
/// locking here; then it is no longer at its path, and another one is made.
fn locked_temp_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o666)
    };
    loop {
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        builder.permissions(mode.clone());
        let tmp = builder.tempfile_in(dir)?;
        if try_lock(tmp.as_file())? && same_file(tmp.path(), tmp.as_file()) {
            return Ok(tmp);
        }
    }
}

/// Takes an exclusive lock on `file` without waiting; false when another process holds one.
/// The lock goes when the file is closed, or when its process dies however it dies.
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without locks nobody can tell an abandoned file from one being written: none is removed.
#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

/// Removes the temporary graph files in `dir` that no writer holds: a writer killed before
/// it could clean up (kill -9) leaves its file unlocked. Files another build is writing
/// are locked and stay. Failures are ignored: this is housekeeping.
fn remove_abandoned_temp_files(dir: &Path, own: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        if path.file_name() == own.file_name() {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        // Locked and still the file at that path: nobody is writing it.
        if cfg!(unix) && matches!(try_lock(&file), Ok(true)) && same_file(&path, &file) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Decodes the bincode part under a size limit of the next power of four at or above its
/// length. bincode allocates a string's bytes before it reads them, so without a limit one
/// corrupted length (in a file whose checksum was recomputed) asks for terabytes and aborts
/// the process; with it, nothing larger than four times the file is ever requested. The
/// limit is a type parameter in bincode, hence one instantiation per step.
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

/// Reads a graph file: the header first (magic, version, length), then the rest mapped
/// from the file (or read, for a pipe, never more than the header announces), checked
/// against the checksum before anything is decoded, and the graph's structure after.
pub fn load(path: &Path) -> Result<LineageGraph, GraphFileError> {
    let io = |source| GraphFileError::Io {
        path: path.to_path_buf(),
        action: "read",
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
    }
    let mut head = [0u8; HEADER_LEN];
    let got = read_up_to(&mut file, &mut head).map_err(io)?;
    let len = check_header(path, &head[..got])?;
    let total = len
        .checked_add(HEADER_LEN as u64)
        .ok_or_else(|| GraphFileError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("a payload length of {len} bytes"),
        })?;
    let backing = if meta.is_file() {
        check_length(path, meta.len(), total)?;
        // SAFETY: graph files are replaced by renaming a new file over them, never written
        // in place, so the mapped bytes do not change while the graph is in use.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(io)?;
        check_length(path, map.len() as u64, total)?;
        Backing::Mapped(map)
    } else {
        // A pipe or a device: read what the header announces and one byte more (to tell a
        // longer stream), never all of an endless one.
        let mut bytes = head.to_vec();
        (&mut file)
            .take(len.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        check_length(path, bytes.len() as u64, total)?;
        heap_backing(&bytes)
    };
    decode_backing(path, Arc::new(backing))
}

/// Reads into `buf` until it is full or the input ends; returns the bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Checks the magic bytes and the version of the first bytes of a file; returns the payload
/// length the header announces.
fn check_header(path: &Path, head: &[u8]) -> Result<u64, GraphFileError> {
    let p = || path.to_path_buf();
    if head.len() < MAGIC.len() && MAGIC.starts_with(head) {
        // Empty, or cut inside the magic bytes: a graph file cut short, not some other file.
        return Err(GraphFileError::Truncated {
            path: p(),
            found: head.len() as u64,
            expected: HEADER_LEN as u64,
        });
    }
    if head.len() < 8 || &head[..8] != MAGIC {
        return Err(GraphFileError::NotAGraph { path: p() });
    }
    if head.len() < HEADER_LEN {
        return Err(GraphFileError::Truncated {
            path: p(),
            found: head.len() as u64,
            expected: HEADER_LEN as u64,
        });
    }
    let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if version != FORMAT_VERSION {
        return Err(GraphFileError::Version {
            path: p(),
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&head[12..20]);
    Ok(u64::from_le_bytes(len))
}

/// Checks that a file of `found` bytes is as long as its header says (`expected`).
fn check_length(path: &Path, found: u64, expected: u64) -> Result<(), GraphFileError> {
    if found < expected {
        return Err(GraphFileError::Truncated {
            path: path.to_path_buf(),
            found,
            expected,
        });
    }
    if found > expected {
        return Err(GraphFileError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("{} bytes after the end of the graph", found - expected),
        });
    }
    Ok(())
}

/// A copy of `bytes` in 8-byte-aligned memory.
fn heap_backing(bytes: &[u8]) -> Backing {
    let mut words = vec![0u64; bytes.len().div_ceil(8)];
    for (w, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        *w = u64::from_ne_bytes(b);
    }
    Backing::Heap {
        words,
        len: bytes.len(),
    }
}

/// Decodes the bytes of a graph file (see [`load`]); `path` only names it in errors.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<LineageGraph, GraphFileError> {
    let len = check_header(path, &bytes[..bytes.len().min(HEADER_LEN)])?;
    check_length(
        path,
        bytes.len() as u64,
        len.saturating_add(HEADER_LEN as u64),
    )?;
    decode_backing(path, Arc::new(heap_backing(bytes)))
}

/// CRC-32 of `bytes`, the halves on two threads.
fn checksum(bytes: &[u8]) -> u32 {
    if bytes.len() < 1 << 22 {
        return crc32fast::hash(bytes);
    }
    let (a, b) = bytes.split_at(bytes.len() / 2);
    let (mut ha, hb) = rayon::join(
        || {
            let mut h = crc32fast::Hasher::new();
            h.update(a);
            h
        },
        || {
            let mut h = crc32fast::Hasher::new();
            h.update(b);
            h
        },
    );
    ha.combine(&hb);
    ha.finalize()
}

/// Decodes a whole file whose header and length were checked.
fn decode_backing(path: &Path, file: Arc<Backing>) -> Result<LineageGraph, GraphFileError> {
    let p = || path.to_path_buf();
    let corrupt = |detail: String| GraphFileError::Corrupt { path: p(), detail };
    let bytes = file.bytes();
    let crc = u32::from_le_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    let payload = &bytes[HEADER_LEN..];
    if checksum(payload) != crc {
        return Err(GraphFileError::Checksum { path: p() });
    }
    if bytes.len() < BODY_START {
        return Err(corrupt("the section table is cut short".into()));
    }
    let mut ranges = Vec::with_capacity(SECTIONS.len());
    for (i, name) in SECTIONS.iter().enumerate() {
        let at = HEADER_LEN + i * 16;
        let word = |k: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at + k..at + k + 8]);
            u64::from_le_bytes(b)
        };
        let (offset, len) = (word(0), word(8));
        let end = offset.checked_add(len).filter(|&e| e <= bytes.len() as u64);
        match end {
            Some(end) if offset >= BODY_START as u64 && offset % 8 == 0 => {
                ranges.push(offset as usize..end as usize)
            }
            _ => {
                return Err(corrupt(format!(
                    "section {name} at {offset} of {len} bytes lies outside the file"
                )))
            }
        }
    }
    let (mut graph, used) = decode_payload(&bytes[ranges[0].clone()])
        .map_err(|e| corrupt(format!("section graph: {e}")))?;
    if used != ranges[0].len() {
        return Err(corrupt("trailing bytes after the graph".into()));
    }
    let mut next = ranges[1..].iter().zip(&SECTIONS[1..]);
    let mut array = || -> Result<_, GraphFileError> {
        let (range, name) = next.next().expect("one range per section");
        Ok((range.clone(), *name))
    };
    fn take<T: Fixed>(
        file: &Arc<Backing>,
        (range, name): (std::ops::Range<usize>, &str),
        corrupt: &dyn Fn(String) -> GraphFileError,
    ) -> Result<Array<T>, GraphFileError> {
        Array::in_file(file, range).map_err(|e| corrupt(format!("section {name}: {e}")))
    }
    let names = |file: &Arc<Backing>, text, ends| -> Result<Names, GraphFileError> {
        Names::from_parts(take(file, text, &corrupt)?, take(file, ends, &corrupt)?)
            .map_err(&corrupt)
    };
    let csr = |file: &Arc<Backing>, offsets, targets| -> Result<Csr, GraphFileError> {
        Ok(Csr::from_parts(
            take(file, offsets, &corrupt)?,
            take(file, targets, &corrupt)?,
        ))
    };
    // The models are checked against the tables they point into as they are decoded, so
    // those come first.
    let (models, models_name) = array()?;
    graph.names = names(&file, array()?, array()?)?;
    graph.authors = names(&file, array()?, array()?)?;
    graph.symbols = names(&file, array()?, array()?)?;
    graph.scores = take(&file, array()?, &corrupt)?;
    let bounds = graph.model_bounds();
    super::model_table::check(&bytes[models.clone()], |m| bounds.problem(m))
        .map_err(|e| corrupt(format!("section {models_name}: {e}")))?;
    graph.models = Models::in_file(take(&file, (models, models_name), &corrupt)?);
    graph.children = csr(&file, array()?, array()?)?;
    graph.parents = csr(&file, array()?, array()?)?;
    graph.parent_edges = take(&file, array()?, &corrupt)?;
    graph.edge_kinds = take(&file, array()?, &corrupt)?;
    graph.edge_closes_cycle = take(&file, array()?, &corrupt)?;
    graph.tags = csr(&file, array()?, array()?)?;
    graph.datasets = csr(&file, array()?, array()?)?;
    graph.contributors = csr(&file, array()?, array()?)?;
    graph.validate_tables().map_err(corrupt)?;
    Ok(graph)
}
