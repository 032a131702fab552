//! A Parquet file read at explicit offsets, so that several threads can decode row groups of
//! one file at once. The `parquet` crate reads a `File` by seeking a clone of it, and clones
//! share one file position: two threads doing that interleave their seeks and reads.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

use bytes::Bytes;
use parquet::errors::{ParquetError, Result};
use parquet::file::reader::{ChunkReader, Length};

/// A file every read of which names its offset.
pub(crate) struct Positioned {
    file: Arc<File>,
    len: u64,
}

impl Positioned {
    /// Wraps an open file; its length is taken once, as the footer is found from it.
    pub fn new(file: File) -> io::Result<Positioned> {
        let len = file.metadata()?.len();
        Ok(Positioned {
            file: Arc::new(file),
            len,
        })
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

/// Reads from `at` until `buf` is full or the file ends; returns the bytes read.
fn read_full(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match read_at(file, &mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A reader from an offset of a [`Positioned`] file.
pub(crate) struct From {
    file: Arc<File>,
    at: u64,
}

impl Read for From {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl Length for Positioned {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for Positioned {
    type T = io::BufReader<From>;

    fn get_read(&self, start: u64) -> Result<Self::T> {
        Ok(io::BufReader::new(From {
            file: Arc::clone(&self.file),
            at: start,
        }))
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        let mut buf = vec![0; length];
        let got = read_full(&self.file, &mut buf, start)?;
        if got != length {
            return Err(ParquetError::EOF(format!(
                "expected to read {length} bytes at offset {start}, read only {got}"
            )));
        }
        Ok(buf.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_at_offsets_from_many_threads_at_once() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        tmp.write_all(&data).unwrap();
        let file = Positioned::new(File::open(tmp.path()).unwrap()).unwrap();
        assert_eq!(file.len(), data.len() as u64);
        std::thread::scope(|s| {
            for t in 0..4usize {
                let (file, data) = (&file, &data);
                s.spawn(move || {
                    for k in 0..200 {
                        let start = (t * 7_919 + k * 613) % 190_000;
                        let got = file.get_bytes(start as u64, 5_000).unwrap();
                        assert_eq!(&got[..], &data[start..start + 5_000]);
                        let mut r = file.get_read(start as u64).unwrap();
                        let mut head = [0u8; 100];
                        r.read_exact(&mut head).unwrap();
                        assert_eq!(&head[..], &data[start..start + 100]);
                    }
                });
            }
        });
        // Past the end: a clear error, not a short buffer.
        let err = file.get_bytes(199_990, 100).unwrap_err().to_string();
        assert!(err.contains("read only 10"), "{err}");
    }
}
