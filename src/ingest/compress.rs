//! Compressed inputs: people keep Hub dumps as `.gz` or `.zst`. The compression is told by the
//! stream's magic bytes, never by the file name, and the bytes are decompressed as they are
//! read, so a compressed input reads exactly like the plain file at the memory of the plain
//! one. A compressed stream cut short fails in the decoder (its end marker is missing), which
//! is how truncation of a compressed input is detected.

use std::io::{self, BufReader, Read};

use serde::Serialize;

/// How an input's bytes are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip (RFC 1952), possibly several members one after another.
    Gzip,
    /// Zstandard frames.
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

impl Compression {
    /// The compression whose magic bytes `head` starts with, if any.
    pub fn detect(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&GZIP_MAGIC) {
            Some(Compression::Gzip)
        } else if head.starts_with(&ZSTD_MAGIC) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// Its usual name, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// The compression a file name asks for by its extension (`.gz`, `.zst`), for writers.
    pub fn from_extension(path: &std::path::Path) -> Option<Compression> {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Some(Compression::Gzip),
            Some(e) if e.eq_ignore_ascii_case("zst") => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// A reader of the decompressed bytes of `inner`. Its errors say that the compressed
    /// stream is cut short or corrupt.
    pub fn decoder<'r>(self, inner: impl Read + 'r) -> io::Result<Box<dyn Read + 'r>> {
        let inner = BufReader::with_capacity(1 << 16, inner);
        let decoder: Box<dyn Read + 'r> = match self {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(inner)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(inner)?),
        };
        Ok(Box::new(Explained {
            inner: decoder,
            compression: self,
        }))
    }

    /// A writer that compresses into `inner`; [`Encoder::finish`] writes the end of the
    /// stream and must be called once everything is written.
    pub fn encoder<W: io::Write>(self, inner: W) -> io::Result<Encoder<W>> {
        Ok(match self {
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                inner,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Encoder::Zstd(zstd::stream::write::Encoder::new(inner, 3)?),
        })
    }
}

impl std::fmt::Display for Compression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decoder whose errors name the compression and what they mean for the input.
struct Explained<'r> {
    inner: Box<dyn Read + 'r>,
    compression: Compression,
}

impl Read for Explained<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "the {} stream is cut short or corrupt ({e})",
                    self.compression
                ),
            )
        })
    }
}

/// A compressing writer (see [`Compression::encoder`]).
pub enum Encoder<W: io::Write> {
    /// gzip at the default level.
    Gzip(flate2::write::GzEncoder<W>),
    /// Zstandard at level 3.
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: io::Write> Encoder<W> {
    /// Writes the end of the compressed stream and returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::Gzip(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }
}

impl<W: io::Write> io::Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Gzip(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

/// Up to `limit` decompressed bytes from the start of `inner`, to sniff the format of a
/// compressed input. A stream shorter than `limit` gives all it has; a stream cut short
/// gives what decompresses before the cut (reading it whole then reports the cut), and an
/// error only when nothing does.
pub fn head(compression: Compression, inner: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut out = vec![0u8; limit];
    let mut decoder = compression.decoder(inner)?;
    let mut filled = 0;
    while filled < limit {
        match decoder.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if filled == 0 => return Err(e),
            Err(_) => break,
        }
    }
    out.truncate(filled);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn compress(c: Compression, data: &[u8]) -> Vec<u8> {
        let mut e = c.encoder(Vec::new()).unwrap();
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn round_trips_and_detects_by_magic() {
        let data = b"id,name\n1,a\n".repeat(1000);
        for c in [Compression::Gzip, Compression::Zstd] {
            let packed = compress(c, &data);
            assert_eq!(Compression::detect(&packed), Some(c));
            let mut out = Vec::new();
            c.decoder(&packed[..])
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, data);
            assert_eq!(head(c, &packed[..], 8).unwrap(), b"id,name\n");
        }
        assert_eq!(Compression::detect(b"id,name"), None);
        assert_eq!(Compression::detect(b"\x1f"), None);
    }

    #[test]
    fn a_stream_cut_short_is_an_error() {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        for c in [Compression::Gzip, Compression::Zstd] {
            let packed = compress(c, &data);
            let cut = &packed[..packed.len() / 2];
            let mut out = Vec::new();
            let result = c.decoder(cut).unwrap().read_to_end(&mut out);
            assert!(result.is_err(), "{c}: a half stream must not read as whole");
        }
    }

    #[test]
    fn concatenated_gzip_members_read_as_one_stream() {
        let mut packed = compress(Compression::Gzip, b"a\n");
        packed.extend(compress(Compression::Gzip, b"b\n"));
        let mut out = String::new();
        Compression::Gzip
            .decoder(&packed[..])
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\nb\n");
    }
}
