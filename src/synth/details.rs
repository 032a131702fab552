//! The Hub metadata table, as pandas exports it: a row-index column `Unnamed: 0`, ISO
//! timestamps with a UTC offset, Python list literals for tags, languages and datasets, and
//! the card's `base_model` in all its forms. Rows follow the leaderboard's order (the table
//! is built by looking its models up), then the models it does not list, newest first.
//!
//! Its mess, each at a low rate: failed lookups (a row with only the name), a row carrying
//! the previous row's metadata (a copy left by a failed lookup), a model listed twice,
//! malformed dates and counts, a tag list cut short, a row with one field too many.

use std::io::{self, Write};

use super::leaderboard::Eval;
use super::metadata::{self, CardText, Strs};
use super::rng::Rand;
use super::text::{csv_field, pandas_time, push_num, py_list, unix};
use super::world::{flag, World};

const HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n";
const ROW: u64 = 0xde;

/// Models in the order the table lists them.
pub fn order(w: &World, evals: &[Eval]) -> Vec<u32> {
    let mut seen = vec![false; w.models.len()];
    let mut out = Vec::new();
    for e in evals {
        let m = e.model as usize;
        if !seen[m] && w.models[m].has(flag::DETAILS) {
            out.push(e.model);
        }
        seen[m] = true;
    }
    for m in (0..w.models.len()).rev() {
        if !seen[m] && w.models[m].has(flag::DETAILS) {
            out.push(m as u32);
        }
    }
    out
}

/// Scratch space reused from row to row.
#[derive(Default)]
struct Scratch {
    card: CardText,
    tags: Strs,
    datasets: Strs,
    list: String,
}

/// The metadata fields of one row (everything after `name`), without the line end.
fn metadata(w: &World, m: u32, r: &mut Rand, s: &mut Scratch, out: &mut String) {
    out.clear();
    let model = &w.models[m as usize];
    if model.has(flag::FAILED) {
        out.push_str(",,,,,,,,");
        return;
    }
    csv_field(out, w.author_name(w.owner(m)), ',');
    out.push(',');
    if r.chance(0.002) {
        let mut t = String::new();
        pandas_time(&mut t, unix(model.created));
        // `2023-11-07 ...` becomes `07/11/2023 14:22`, or a month that does not exist.
        if r.chance(0.5) {
            out.push_str(&format!(
                "{}/{}/{} {}",
                &t[8..10],
                &t[5..7],
                &t[..4],
                &t[11..16]
            ));
        } else {
            out.push_str(&format!("{}-13-{}", &t[..4], &t[8..]));
        }
    } else {
        pandas_time(out, unix(model.created));
    }
    out.push(',');
    pandas_time(out, unix(model.modified));
    out.push(',');
    if r.chance(0.002) && model.downloads >= 1000 {
        let d = model.downloads;
        if r.chance(0.5) {
            out.push_str(&format!("\"{},{:03}\"", d / 1000, d % 1000));
        } else {
            out.push_str(&format!("{}.{}k", d / 1000, d % 1000 / 100));
        }
    } else {
        push_num(out, u64::from(model.downloads));
    }
    out.push(',');
    let library = metadata::library(w, m, r);
    out.push_str(library.unwrap_or(""));
    out.push(',');
    metadata::card(w, m, r, false, &mut s.card);
    let langs = metadata::languages(r);
    let named = metadata::datasets(w, r, &mut s.datasets);
    metadata::tags(w, m, r, &s.card, library, langs, &s.datasets, &mut s.tags);
    s.list.clear();
    py_list(&mut s.list, s.tags.iter());
    if r.chance(0.0005) {
        // Cut short: the closing bracket and part of the last tag lost.
        let cut = s.list.len() - 6;
        if s.list.is_char_boundary(cut) {
            s.list.truncate(cut);
        }
    }
    csv_field(out, &s.list, ',');
    out.push(',');
    match langs {
        None => out.push_str("unknown"),
        Some([]) => {}
        Some(l) => {
            s.list.clear();
            py_list(&mut s.list, l.iter().copied());
            csv_field(out, &s.list, ',');
        }
    }
    out.push(',');
    if !named {
        out.push_str("unknown");
    } else if !s.datasets.is_empty() {
        s.list.clear();
        py_list(&mut s.list, s.datasets.iter());
        csv_field(out, &s.list, ',');
    }
    out.push(',');
    csv_field(out, &s.card.column, ',');
}

/// How one model's rows are written, decided before any row is rendered (each decision is
/// among the first draws of the model's stream, so rows can then be rendered in parallel).
struct Plan {
    model: u32,
    /// Row index of its first row.
    index: u32,
    /// Whose metadata it carries: itself, or the previous model's (a copy).
    metadata_of: u32,
    times: u8,
    extra: bool,
}

fn decisions(w: &World, m: u32) -> (Rand, bool, u8, bool) {
    let mut r = Rand::stream(w.seed, ROW, u64::from(m));
    let copy = r.chance(0.0007);
    let times = if r.chance(0.002) { 2 } else { 1 };
    let extra = r.chance(0.0003);
    (r, copy, times, extra)
}

/// Writes the table; returns the number of rows.
pub fn write<W: Write>(w: &World, order: &[u32], out: W) -> io::Result<usize> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(HEADER.as_bytes())?;
    let mut plans = Vec::with_capacity(order.len());
    let mut index = 0u32;
    let mut previous: Option<(u32, bool)> = None;
    for &m in order {
        let (_, copy, times, extra) = decisions(w, m);
        // The lookup failed and the previous row's values stayed.
        let metadata_of = match previous {
            Some((p, p_copied))
                if copy
                    && !p_copied
                    && !w.models[p as usize].has(flag::FAILED)
                    && !w.claimed(m) =>
            {
                p
            }
            _ => m,
        };
        plans.push(Plan {
            model: m,
            index,
            metadata_of,
            times,
            extra,
        });
        index += u32::from(times);
        previous = Some((m, metadata_of != m));
    }
    super::rows::write_in_order(&mut out, &plans, |_, chunk, text| {
        let mut scratch = Scratch::default();
        let mut meta = String::with_capacity(1024);
        for p in chunk {
            let (mut r, ..) = decisions(w, p.metadata_of);
            metadata(w, p.metadata_of, &mut r, &mut scratch, &mut meta);
            for k in 0..u32::from(p.times) {
                push_num(text, u64::from(p.index + k));
                text.push(',');
                csv_field(text, w.name(p.model), ',');
                text.push(',');
                text.push_str(&meta);
                if p.extra {
                    text.push(',');
                }
                text.push('\n');
            }
        }
    })?;
    out.flush()?;
    Ok(index as usize)
}
