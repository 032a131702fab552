//! The commit history per repo: who committed, how often, first and last commit. Repos of a
//! user carry the user and, now and then, teammates; repos of an organisation carry some of
//! its members; bots convert weights and fix cards. Rows are sorted by repo id, descending,
//! as the real export is. Repos older than the Hub's dates keep their real first commit.

use std::io::{self, Write};

use super::rng::Rand;
use super::text::{csv_field, pandas_time, push_num, py_list, unix, EPOCH_UNIX};
use super::world::{flag, World, NONE};

const HEADER: &str = ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n";
const ROW: u64 = 0xc0;

/// Author ids who committed to model `m`, in the order the export lists them.
pub fn contributors(w: &World, m: u32, r: &mut Rand, out: &mut Vec<u32>) {
    out.clear();
    let model = &w.models[m as usize];
    let ns = &w.authors[model.author as usize];
    let team = &w.teams[ns.team as usize];
    if ns.org {
        if team.is_empty() || r.chance(0.1) {
            out.push(model.author);
        }
        if !team.is_empty() {
            let n = 1 + r.geometric(0.35, 2) as usize;
            for _ in 0..n {
                let a = team[r.below(team.len())];
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
    } else {
        out.push(model.author);
        for &a in team {
            if a != model.author && out.len() < 3 && r.chance(0.15) {
                out.push(a);
            }
        }
        if ns.display != NONE && r.chance(0.3) {
            out.push(ns.display);
        }
    }
    if model.owner != NONE && r.chance(0.5) && !out.contains(&model.owner) {
        out.push(model.owner);
    }
    let bots = &w.bots;
    if model.has(flag::PYTORCH) && r.chance(0.25) {
        out.push(bots[0]);
    }
    if r.chance(0.012) {
        out.push(bots[1]);
    }
    if r.chance(0.004) {
        out.push(bots[2]);
    }
}

/// Writes the commit history; returns the number of rows.
pub fn write<W: Write>(w: &World, out: W) -> io::Result<usize> {
    let mut order: Vec<(&str, u32)> = (0..w.models.len() as u32)
        .filter(|&m| w.models[m as usize].has(flag::COMMITS))
        .map(|m| (w.name(m), m))
        .collect();
    order.sort_unstable_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(&b.1)));
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(HEADER.as_bytes())?;
    super::rows::write_in_order(&mut out, &order, |start, chunk, text| {
        let mut who = Vec::new();
        let mut row = String::with_capacity(256);
        let mut list = String::with_capacity(128);
        for (j, &(_, m)) in chunk.iter().enumerate() {
            let index = start + j;
            let model = &w.models[m as usize];
            let mut r = Rand::stream(w.seed, ROW, u64::from(m));
            contributors(w, m, &mut r, &mut who);
            let commits = who.len() as u32 + r.geometric(0.78, 200);
            row.clear();
            push_num(&mut row, index as u64);
            row.push(',');
            csv_field(&mut row, w.name(m), ',');
            row.push(',');
            push_num(&mut row, who.len() as u64);
            row.push(',');
            push_num(&mut row, u64::from(commits));
            row.push(',');
            let first = if model.has(flag::EPOCH) {
                // Git history goes back further than the Hub's creation dates.
                EPOCH_UNIX - i64::from(r.range(86_400, 3 * 365 * 86_400))
            } else {
                unix(model.created)
            };
            if r.chance(0.001) {
                let mut t = String::new();
                pandas_time(&mut t, first);
                row.push_str(&t[..5]);
                row.push_str("02-30");
                row.push_str(&t[10..]);
            } else {
                pandas_time(&mut row, first);
            }
            row.push(',');
            pandas_time(&mut row, unix(model.modified));
            row.push(',');
            list.clear();
            py_list(&mut list, who.iter().map(|&a| w.author_name(a)));
            csv_field(&mut row, &list, ',');
            row.push('\n');
            text.push_str(&row);
        }
    })?;
    out.flush()?;
    Ok(order.len())
}
