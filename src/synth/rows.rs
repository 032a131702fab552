//! Writing rows fast without giving up determinism: every row is a pure function of the
//! ecosystem and its own random stream, so chunks of rows are rendered on all cores and
//! written in order. Memory stays bounded: one batch of chunks at a time.

use std::io::{self, Write};

use rayon::prelude::*;

const CHUNK: usize = 2048;
const BATCH: usize = 16;

/// Renders `items` with `render(position of the chunk's first item, chunk, out)` and writes
/// the text to `out` in item order.
pub fn write_in_order<T, W, F>(out: &mut W, items: &[T], render: F) -> io::Result<()>
where
    T: Sync,
    W: Write,
    F: Fn(usize, &[T], &mut String) + Sync,
{
    for (b, batch) in items.chunks(CHUNK * BATCH).enumerate() {
        let texts: Vec<String> = batch
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut text = String::with_capacity(chunk.len() * 320);
                render(b * CHUNK * BATCH + c * CHUNK, chunk, &mut text);
                text
            })
            .collect();
        for t in &texts {
            out.write_all(t.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_out_in_order() {
        let items: Vec<u32> = (0..100_000).collect();
        let mut out = Vec::new();
        write_in_order(&mut out, &items, |start, chunk, text| {
            for (j, x) in chunk.iter().enumerate() {
                assert_eq!(start + j, *x as usize);
                text.push_str(&format!("{x}\n"));
            }
        })
        .unwrap();
        let expected: String = items.iter().map(|x| format!("{x}\n")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
