//! The model table of a graph file: one fixed-width little-endian row per model, so that a
//! load decodes it with plain reads, in parallel, instead of element by element through
//! serde (which was half of the time of loading a graph of a million models).
//!
//! A row is [`ROW`] bytes. Optional values are announced by a presence bit and stored as
//! zero when absent; a row with a bit, a value or padding that no writer produces is
//! refused, so a damaged file cannot make a model that a build could not.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use rayon::iter::Either;
use rayon::prelude::*;

use super::Array;
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

/// Checks every row of a table, in parallel, without keeping what it decodes: `Err` names
/// the first row that no writer produces or that `check` refuses (with its reason).
pub fn check(
    bytes: &[u8],
    check: impl Fn(&Model) -> Option<&'static str> + Sync,
) -> Result<(), String> {
    if bytes.len() % ROW != 0 {
        return Err(format!(
            "{} bytes are not a whole number of {ROW}-byte model rows",
            bytes.len()
        ));
    }
    let first_bad = bytes
        .par_chunks_exact(ROW)
        .position_first(|r| checked(r, &check).is_err());
    match first_bad {
        None => Ok(()),
        Some(i) => {
            let e =
                checked(&bytes[i * ROW..(i + 1) * ROW], &check).expect_err("the row was refused");
            Err(format!("model row {i}: {e}"))
        }
    }
}

/// The models of a table of rows; `Err` as [`check`] says.
pub fn decode(
    bytes: &[u8],
    check: impl Fn(&Model) -> Option<&'static str> + Sync,
) -> Result<Vec<Model>, String> {
    self::check(bytes, check)?;
    Ok(decode_checked(bytes))
}

/// The models of rows that [`check`] passed (a row it would refuse becomes a default model).
/// Each row is decoded straight into its place in a vector of the exact size, a piece on
/// each of as many threads as rayon has. They are threads of their own, not rayon's: the
/// first use of [`Models`] can come from inside a rayon task, and a task that waited for the
/// pool there could be handed another that asks for the same models.
fn decode_checked(bytes: &[u8]) -> Vec<Model> {
    let n = bytes.len() / ROW;
    let one = |r: &[u8]| model(r).unwrap_or_default();
    let threads = rayon::current_num_threads().min(n / (1 << 14));
    if threads <= 1 {
        return bytes.chunks_exact(ROW).map(one).collect();
    }
    let per = n.div_ceil(threads);
    let mut models = Vec::with_capacity(n);
    std::thread::scope(|s| {
        let slots = models.spare_capacity_mut()[..n].chunks_mut(per);
        for (slots, rows) in slots.zip(bytes.chunks(per * ROW)) {
            s.spawn(move || {
                for (slot, r) in slots.iter_mut().zip(rows.chunks_exact(ROW)) {
                    slot.write(one(r));
                }
            });
        }
    });
    // SAFETY: the pieces cover the first `n` slots, `per` rows to each of `per` slots (the
    // last piece shorter in both), and each thread wrote every slot of its piece; a panic
    // on one of them would have ended the scope above with a panic, before this line.
    unsafe { models.set_len(n) };
    models
}

/// The models of a graph, indexed by dense model id; reads as a slice of [`Model`]s.
///
/// After a build they are a vector. After a load they are the checked rows of the graph
/// file, decoded into [`Model`]s on first use: a query that needs only the graph's shape,
/// its names and the models' flags (derivatives, merge depth) never pays for a second copy
/// of the table (144 bytes a model in memory: 132 MB at 919,343 models, most of a load's
/// time in fresh pages). [`Models::len`] and [`Models::flags`] read the rows themselves.
pub struct Models {
    /// The rows in a loaded file, until the models are changed.
    rows: Option<Array<u8>>,
    decoded: OnceLock<Vec<Model>>,
}

impl Models {
    /// Rows of a graph file that [`check`] passed.
    pub(crate) fn in_file(rows: Array<u8>) -> Models {
        Models {
            rows: Some(rows),
            decoded: OnceLock::new(),
        }
    }

    /// How many models.
    pub fn len(&self) -> usize {
        match (&self.rows, self.decoded.get()) {
            (_, Some(models)) => models.len(),
            (Some(rows), None) => rows.len() / ROW,
            (None, None) => 0,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The flags of model `v`, without decoding the models. Panics if `v` is out of range,
    /// as indexing does.
    pub fn flags(&self, v: u32) -> Flags {
        match (&self.rows, self.decoded.get()) {
            (Some(rows), None) => {
                let at = v as usize * ROW + AT_FLAGS;
                assert!(at + 2 <= rows.len(), "model {v} of {}", self.len());
                Flags(u16::from_le_bytes([rows[at], rows[at + 1]]))
            }
            _ => self[v as usize].flags,
        }
    }

    /// Every model by value, in parallel and in order, without decoding the table into
    /// memory when it is still the file's rows: for one pass over all models that keeps
    /// none of them (`lineage info`'s counts).
    pub fn par_each(&self) -> impl IndexedParallelIterator<Item = Model> + '_ {
        match (&self.rows, self.decoded.get()) {
            (Some(rows), None) => Either::Left(
                rows.par_chunks_exact(ROW)
                    .map(|r| model(r).unwrap_or_default()),
            ),
            _ => Either::Right(self.slice().par_iter().cloned()),
        }
    }

    /// Whether the models are decoded already (a built graph's always are).
    pub fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }

    fn slice(&self) -> &[Model] {
        self.decoded.get_or_init(|| match &self.rows {
            Some(rows) => decode_checked(rows),
            None => Vec::new(),
        })
    }
}

impl From<Vec<Model>> for Models {
    fn from(models: Vec<Model>) -> Models {
        Models {
            rows: None,
            decoded: OnceLock::from(models),
        }
    }
}

impl Default for Models {
    fn default() -> Models {
        Models::from(Vec::new())
    }
}

impl Deref for Models {
    type Target = [Model];
    fn deref(&self) -> &[Model] {
        self.slice()
    }
}

impl DerefMut for Models {
    /// Decodes the models, and leaves the file's rows: from now on the vector is the truth.
    fn deref_mut(&mut self) -> &mut [Model] {
        self.slice();
        self.rows = None;
        self.decoded.get_mut().expect("decoded just now")
    }
}

impl Clone for Models {
    fn clone(&self) -> Models {
        Models {
            rows: self.rows.clone(),
            decoded: self.decoded.clone(),
        }
    }
}

impl PartialEq for Models {
    fn eq(&self, other: &Models) -> bool {
        self[..] == other[..]
    }
}

impl fmt::Debug for Models {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Models")
            .field("len", &self.len())
            .field("decoded", &self.is_decoded())
            .finish()
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
    let word = |i: usize| u32_at(AT_U32 + 4 * i);
    let day = |i: usize| u32_at(AT_DAYS + 4 * i);
    let float = |i: usize| u32_at(AT_F32 + 4 * i);
    let (stamp, downloads) = (u64_at(AT_STAMP), u64_at(AT_DOWNLOADS));
    // An absent value is stored as zero; anything else is damage. All eleven are checked
    // at once: the presence bit of every value that is not zero must be set.
    let stored = |bit: u16, nonzero: bool| if nonzero { bit } else { 0 };
    let nonzero = stored(CREATED, day(0) != 0)
        | stored(CREATED_AT, stamp != 0)
        | stored(LAST_MODIFIED, day(1) != 0)
        | stored(PARAMS, float(0) != 0)
        | stored(AVERAGE_V1, float(1) != 0)
        | stored(AVERAGE_V2, float(2) != 0)
        | stored(DOWNLOADS, downloads != 0)
        | stored(LIKES, word(8) != 0)
        | stored(COMMITS, word(9) != 0)
        | stored(FIRST_COMMIT, day(2) != 0)
        | stored(LAST_COMMIT, day(3) != 0);
    if nonzero & !present != 0 {
        return Err("a value marked absent is not zero".into());
    }
    let has = |bit: u16| present & bit != 0;
    let day_of = |bit: u16, i: usize| has(bit).then(|| Day(day(i) as i32));
    let float_of = |bit: u16, i: usize| has(bit).then(|| f32::from_bits(float(i)));
    Ok(Model {
        author: word(0),
        owner: word(1),
        created: day_of(CREATED, 0),
        created_at: has(CREATED_AT).then_some(Stamp(stamp as i64)),
        last_modified: day_of(LAST_MODIFIED, 1),
        model_type,
        architecture: word(2),
        license: word(3),
        precision: word(4),
        library: word(5),
        pipeline: word(6),
        params_b: float_of(PARAMS, 0),
        averages: [float_of(AVERAGE_V1, 1), float_of(AVERAGE_V2, 2)],
        scores_row: word(7),
        downloads: has(DOWNLOADS).then_some(downloads),
        likes: has(LIKES).then_some(word(8)),
        commits: has(COMMITS).then_some(word(9)),
        first_commit: day_of(FIRST_COMMIT, 2),
        last_commit: day_of(LAST_COMMIT, 3),
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

    /// Models of `n` rows, every fifth flagged and every seventh with a size.
    fn many(n: usize) -> Vec<Model> {
        (0..n)
            .map(|i| Model {
                author: i as u32,
                params_b: (i % 7 == 0).then_some(1.0 + i as f32),
                flags: Flags(if i % 5 == 0 { Flags::FLAGGED } else { 0 }),
                ..Model::default()
            })
            .collect()
    }

    fn in_file(models: &[Model]) -> Models {
        let mut rows = Vec::new();
        encode(models, &mut rows);
        Models::in_file(Array::from(rows))
    }

    #[test]
    fn rows_read_as_models_before_and_after_their_first_use() {
        // Enough rows for pieces on several threads, and a last piece shorter than the rest.
        let want = many(3 * (1 << 14) + 5);
        let lazy = in_file(&want);
        assert_eq!(lazy.len(), want.len());
        let flags: Vec<Flags> = (0..want.len() as u32).map(|v| lazy.flags(v)).collect();
        assert!(!lazy.is_decoded(), "the length and the flags read the rows");
        assert_eq!(lazy.par_each().collect::<Vec<_>>(), want);
        assert!(!lazy.is_decoded(), "one pass over the models keeps none");
        assert_eq!(&lazy[..], &want[..]);
        assert!(lazy.is_decoded());
        let after: Vec<Flags> = (0..want.len() as u32).map(|v| lazy.flags(v)).collect();
        assert_eq!(flags, after);
        assert_eq!(flags, want.iter().map(|m| m.flags).collect::<Vec<_>>());
        // The same from inside one of rayon's tasks, where the pool must not be waited for.
        let inside = in_file(&want);
        let seen = rayon::join(|| inside.len(), || inside[want.len() - 1].clone());
        assert_eq!(seen, (want.len(), want[want.len() - 1].clone()));
    }

    #[test]
    fn changing_a_model_leaves_the_rows_behind() {
        let mut models = in_file(&many(10));
        models[5].flags = Flags(Flags::STUB);
        assert_eq!(
            models.flags(5),
            Flags(Flags::STUB),
            "the flags follow the change"
        );
        assert_eq!(models.len(), 10);
        let each: Vec<Model> = models.par_each().collect();
        assert_eq!(each[5].flags, Flags(Flags::STUB));
        assert_eq!(models.clone(), models);
        assert_ne!(models, in_file(&many(10)));
        assert!(Models::default().is_empty());
    }

    #[test]
    #[should_panic(expected = "model 10 of 10")]
    fn flags_out_of_range_panic_as_indexing_does() {
        in_file(&many(10)).flags(10);
    }

    #[test]
    fn rows_are_checked_without_being_kept() {
        let models = many(40_000);
        let mut rows = Vec::new();
        encode(&models, &mut rows);
        assert_eq!(check(&rows, |_| None), Ok(()));
        // The lowest refused row is named, whichever thread saw it first.
        let refuse = |m: &Model| (m.author >= 30_000 || m.author == 17_001).then_some("no");
        assert_eq!(check(&rows, refuse), Err("model row 17001: no".into()));
        rows[20_000 * ROW + AT_DOWNLOADS] = 1;
        assert_eq!(
            check(&rows, |_| None),
            Err("model row 20000: a value marked absent is not zero".into())
        );
    }
}
