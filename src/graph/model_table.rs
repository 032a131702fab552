//! The model table of a graph file: one fixed-width little-endian row per model, so that a
//! load decodes it with plain reads, in parallel, instead of element by element through
//! serde (which was half of the time of loading a graph of a million models).
//!
//! A row is [`ROW`] bytes. Optional values are announced by a presence bit and stored as
//! zero when absent; a row with a bit, a value or padding that no writer produces is
//! refused, so a damaged file cannot make a model that a build could not.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::model::{Day, Flags, Model, ModelType, Stamp};

/// Bytes per model.
pub const ROW: usize = 96;

// Presence bits of the optional values.
const CREATED: u16 = 1;
const CREATED_AT: u16 = 1 << 1;
const LAST_MODIFIED: u16 = 1 << 2;
const PARAMS: u16 = 1 << 3;
const AVERAGE_V1: u16 = 1 << 4;
const AVERAGE_V2: u16 = 1 << 5;
const DOWNLOADS: u16 = 1 << 6;
const LIKES: u16 = 1 << 7;
const COMMITS: u16 = 1 << 8;
const FIRST_COMMIT: u16 = 1 << 9;
const LAST_COMMIT: u16 = 1 << 10;
const ALL_PRESENT: u16 = (1 << 11) - 1;

/// Every flag bit a build sets.
const ALL_FLAGS: u16 = (Flags::CREATED_FROM_COMMIT << 1) - 1;

// Offsets of the fields in a row.
const AT_PRESENT: usize = 0;
const AT_FLAGS: usize = 2;
const AT_EVALUATIONS: usize = 4;
const AT_TYPE: usize = 6;
const AT_U32: usize = 8; // author, owner, architecture, license, precision, library,
                         // pipeline, scores_row, likes, commits
const AT_DAYS: usize = 48; // created, last_modified, first_commit, last_commit
const AT_F32: usize = 64; // params_b, the v1 average, the v2 average
const AT_STAMP: usize = 80;
const AT_DOWNLOADS: usize = 88;
// Bytes 7 and 76..80 are padding: zero.

/// Appends the rows of `models` to `out`.
pub fn encode(models: &[Model], out: &mut Vec<u8>) {
    out.reserve(models.len() * ROW);
    for m in models {
        out.extend_from_slice(&row(m));
    }
}

fn row(m: &Model) -> [u8; ROW] {
    let mut r = [0u8; ROW];
    let mut present = 0u16;
    let mut bit = |on: bool, b: u16| {
        if on {
            present |= b;
        }
    };
    bit(m.created.is_some(), CREATED);
    bit(m.created_at.is_some(), CREATED_AT);
    bit(m.last_modified.is_some(), LAST_MODIFIED);
    bit(m.params_b.is_some(), PARAMS);
    bit(m.averages[0].is_some(), AVERAGE_V1);
    bit(m.averages[1].is_some(), AVERAGE_V2);
    bit(m.downloads.is_some(), DOWNLOADS);
    bit(m.likes.is_some(), LIKES);
    bit(m.commits.is_some(), COMMITS);
    bit(m.first_commit.is_some(), FIRST_COMMIT);
    bit(m.last_commit.is_some(), LAST_COMMIT);
    r[AT_PRESENT..AT_PRESENT + 2].copy_from_slice(&present.to_le_bytes());
    r[AT_FLAGS..AT_FLAGS + 2].copy_from_slice(&m.flags.0.to_le_bytes());
    r[AT_EVALUATIONS..AT_EVALUATIONS + 2].copy_from_slice(&m.evaluations.to_le_bytes());
    r[AT_TYPE] = m.model_type as u8;
    let words = [
        m.author,
        m.owner,
        m.architecture,
        m.license,
        m.precision,
        m.library,
        m.pipeline,
        m.scores_row,
        m.likes.unwrap_or(0),
        m.commits.unwrap_or(0),
    ];
    for (i, w) in words.iter().enumerate() {
        r[AT_U32 + 4 * i..AT_U32 + 4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    let days = [m.created, m.last_modified, m.first_commit, m.last_commit];
    for (i, d) in days.iter().enumerate() {
        let v = d.map_or(0, |d| d.0);
        r[AT_DAYS + 4 * i..AT_DAYS + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    let floats = [m.params_b, m.averages[0], m.averages[1]];
    for (i, f) in floats.iter().enumerate() {
        let v = f.unwrap_or(0.0);
        r[AT_F32 + 4 * i..AT_F32 + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    let stamp = m.created_at.map_or(0, |s| s.0);
    r[AT_STAMP..AT_STAMP + 8].copy_from_slice(&stamp.to_le_bytes());
    r[AT_DOWNLOADS..AT_DOWNLOADS + 8].copy_from_slice(&m.downloads.unwrap_or(0).to_le_bytes());
    r
}

/// The models of a table of rows, decoded in parallel; `Err` names the first row that no
/// writer produces or that `check` refuses (with its reason).
pub fn decode(
    bytes: &[u8],
    check: impl Fn(&Model) -> Option<&'static str> + Sync,
) -> Result<Vec<Model>, String> {
    if bytes.len() % ROW != 0 {
        return Err(format!(
            "{} bytes are not a whole number of {ROW}-byte model rows",
            bytes.len()
        ));
    }
    // Each row is decoded straight into its place in a vector of the exact size, on every
    // thread: no default fill first (a serial pass over fresh pages that the kernel zeroes
    // was most of a load's time). A bad row becomes a default model here and is named
    // below.
    let first_bad = AtomicUsize::new(usize::MAX);
    let mut models = Vec::new();
    bytes
        .par_chunks_exact(ROW)
        .enumerate()
        .map(|(i, r)| match checked(r, &check) {
            Ok(m) => m,
            Err(_) => {
                first_bad.fetch_min(i, Ordering::Relaxed);
                Model::default()
            }
        })
        .collect_into_vec(&mut models);
    match first_bad.into_inner() {
        usize::MAX => Ok(models),
        i => {
            let e =
                checked(&bytes[i * ROW..(i + 1) * ROW], &check).expect_err("the row was refused");
            Err(format!("model row {i}: {e}"))
        }
    }
}

fn checked(r: &[u8], check: impl Fn(&Model) -> Option<&'static str>) -> Result<Model, String> {
    let m = model(r)?;
    match check(&m) {
        None => Ok(m),
        Some(why) => Err(why.to_string()),
    }
}

fn model(r: &[u8]) -> Result<Model, String> {
    let u16_at = |at: usize| u16::from_le_bytes([r[at], r[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&r[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let present = u16_at(AT_PRESENT);
    if present & !ALL_PRESENT != 0 {
        return Err(format!("unknown presence bits {present:#06x}"));
    }
    let flags = u16_at(AT_FLAGS);
    if flags & !ALL_FLAGS != 0 {
        return Err(format!("unknown flag bits {flags:#06x}"));
    }
    let model_type = *ModelType::ALL
        .get(r[AT_TYPE] as usize)
        .ok_or_else(|| format!("model type {} is not one of the known types", r[AT_TYPE]))?;
    if r[7] != 0 || r[76..80] != [0; 4] {
        return Err("padding is not zero".into());
    }
    // An absent value is stored as zero; anything else is damage.
    let opt = |bit: u16, raw: u64| -> Result<Option<u64>, String> {
        match (present & bit != 0, raw) {
            (true, v) => Ok(Some(v)),
            (false, 0) => Ok(None),
            (false, _) => Err("a value marked absent is not zero".into()),
        }
    };
    let day = |bit: u16, i: usize| -> Result<Option<Day>, String> {
        let raw = u32_at(AT_DAYS + 4 * i);
        Ok(opt(bit, raw.into())?.map(|_| Day(raw as i32)))
    };
    let float = |bit: u16, i: usize| -> Result<Option<f32>, String> {
        let raw = u32_at(AT_F32 + 4 * i);
        Ok(opt(bit, raw.into())?.map(|_| f32::from_bits(raw)))
    };
    let word = |i: usize| u32_at(AT_U32 + 4 * i);
    Ok(Model {
        author: word(0),
        owner: word(1),
        created: day(CREATED, 0)?,
        created_at: opt(CREATED_AT, u64_at(AT_STAMP))?.map(|v| Stamp(v as i64)),
        last_modified: day(LAST_MODIFIED, 1)?,
        model_type,
        architecture: word(2),
        license: word(3),
        precision: word(4),
        library: word(5),
        pipeline: word(6),
        params_b: float(PARAMS, 0)?,
        averages: [float(AVERAGE_V1, 1)?, float(AVERAGE_V2, 2)?],
        scores_row: word(7),
        downloads: opt(DOWNLOADS, u64_at(AT_DOWNLOADS))?,
        likes: opt(LIKES, word(8).into())?.map(|v| v as u32),
        commits: opt(COMMITS, word(9).into())?.map(|v| v as u32),
        first_commit: day(FIRST_COMMIT, 2)?,
        last_commit: day(LAST_COMMIT, 3)?,
        evaluations: u16_at(AT_EVALUATIONS),
        flags: Flags(flags),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Model {
        Model {
            author: 1,
            owner: 2,
            created: Some(Day(19_500)),
            created_at: Some(Stamp(1_684_000_000)),
            last_modified: Some(Day(19_600)),
            model_type: ModelType::Merge,
            architecture: 3,
            license: 4,
            precision: 5,
            library: 6,
            pipeline: 7,
            params_b: Some(7.24),
            averages: [Some(61.5), Some(20.25)],
            scores_row: 8,
            downloads: Some(u64::MAX - 1),
            likes: Some(9),
            commits: Some(10),
            first_commit: Some(Day(-3)),
            last_commit: Some(Day(19_700)),
            evaluations: 3,
            flags: Flags(Flags::FLAGGED | Flags::CREATED_FROM_COMMIT),
        }
    }

    #[test]
    fn rows_round_trip_every_field() {
        // Zero values that are present stay present: 0 downloads is not "unknown".
        let zeros = Model {
            downloads: Some(0),
            likes: Some(0),
            created: Some(Day(0)),
            ..Model::default()
        };
        let models = vec![full(), Model::default(), zeros];
        let mut bytes = Vec::new();
        encode(&models, &mut bytes);
        assert_eq!(bytes.len(), 3 * ROW);
        assert_eq!(decode(&bytes, |_| None).unwrap(), models);
    }

    #[test]
    fn rows_no_writer_produces_are_refused() {
        let mut good = Vec::new();
        encode(&[Model::default(), full()], &mut good);
        let damaged = |at: usize, byte: u8| {
            let mut b = good.clone();
            b[at] = byte;
            decode(&b, |_| None).unwrap_err()
        };
        assert!(damaged(ROW + AT_TYPE, 200).contains("model type 200"));
        assert!(damaged(AT_PRESENT + 1, 0x80).contains("presence bits"));
        assert!(damaged(AT_FLAGS + 1, 0x80).contains("flag bits"));
        assert!(damaged(7, 1).contains("padding"));
        // The first row has no downloads: a non-zero value there is damage.
        assert!(damaged(AT_DOWNLOADS, 1).contains("row 0: a value marked absent"));
        // A row the caller's check refuses is named with the reason; the first such row.
        let all = [full(), Model::default(), full()];
        let mut rows = Vec::new();
        encode(&all, &mut rows);
        let refuse = |m: &Model| (m.author == 1).then_some("author 1 is refused");
        assert_eq!(
            decode(&rows, refuse).unwrap_err(),
            "model row 0: author 1 is refused"
        );
        assert!(decode(&good[..ROW + 5], |_| None)
            .unwrap_err()
            .contains("whole number"));
    }
}
