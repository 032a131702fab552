//! The Open LLM Leaderboard v1 export as its users have it: `;`-separated, CRLF line ends,
//! sorted by average, one row per evaluation (some repos twice, at another precision), and
//! the `Flagged`, `Merged` and `MoE` columns inverted (`False` means flagged / merged / MoE).

use std::io::{self, Write};

use super::bases::{ARCHS, LICENSES, NO_LICENSE};
use super::metadata::quant_format;
use super::rng::Rand;
use super::text::{csv_field, hundredths, push_num};
use super::world::{flag, Kind, MType, World};

const HEADER: &str = "Type;ModelHub;Average \u{2b06}\u{fe0f};ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub \u{2764}\u{fe0f};Available on the hub;Model sha;Flagged;MoE;model_name_for_query";

const EVALS: u64 = 0x1e;
const ROW: u64 = 0x1f;

/// One evaluation of one model.
pub struct Eval {
    pub model: u32,
    /// 0 for the first evaluation; re-evaluations score a little differently.
    pub k: u8,
    pub scores: [u16; 6],
    pub average: u32,
}

/// Every evaluation, in the export's order: best average first.
pub fn evaluations(w: &World) -> Vec<Eval> {
    let mut out = Vec::new();
    for (i, m) in w.models.iter().enumerate() {
        if !m.has(flag::LEADERBOARD) {
            continue;
        }
        let mut r = Rand::stream(w.seed, EVALS, i as u64);
        let n = 1 + u8::from(r.chance(0.05)) * (1 + u8::from(r.chance(0.06)));
        for k in 0..n {
            let mut scores = m.scores;
            if k > 0 {
                for s in scores.iter_mut() {
                    let v = i32::from(*s) + r.range(0, 80) as i32 - 40;
                    *s = v.clamp(0, 9990) as u16;
                }
            }
            let sum: u32 = scores.iter().map(|&s| u32::from(s)).sum();
            out.push(Eval {
                model: i as u32,
                k,
                scores,
                average: (sum + 3) / 6,
            });
        }
    }
    out.sort_unstable_by_key(|e| (std::cmp::Reverse(e.average), e.model, e.k));
    out
}

/// `half`: the half-precision format rather than bfloat16.
fn precision(w: &World, e: &Eval, half: bool) -> &'static str {
    let m = &w.models[e.model as usize];
    if m.kind == Kind::Quantized {
        let name = w.name(e.model);
        return match quant_format(name) {
            "gptq" => "GPTQ",
            _ if name.ends_with("8bit") => "8bit",
            _ => "4bit",
        };
    }
    if half {
        "float16"
    } else {
        "bfloat16"
    }
}

/// Writes the export; returns the number of rows.
pub fn write<W: Write>(w: &World, evals: &[Eval], out: W) -> io::Result<usize> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\r\n")?;
    super::rows::write_in_order(&mut out, evals, |_, chunk, text| {
        let mut row = String::with_capacity(512);
        let mut sha = String::with_capacity(40);
        for e in chunk {
            row.clear();
            let m = &w.models[e.model as usize];
            let id = w.name(e.model);
            let mut model_rng = Rand::stream(w.seed, ROW, u64::from(e.model));
            // A re-evaluation is at the other precision.
            let f16_first = model_rng.chance(0.58);
            sha.clear();
            model_rng.hex(40, &mut sha);
            let mut r = Rand::stream(w.seed, ROW + (u64::from(e.k) << 8), u64::from(e.model));
            let (emoji, label) = if r.chance(0.015) {
                MType::Unknown.labels()
            } else {
                m.mtype.labels()
            };
            // One malformed value now and then: 0 none, 1 a score, 2 the size, 3 the likes.
            let bad = if r.chance(0.0015) { 1 + r.below(3) } else { 0 };
            row.push_str(emoji);
            row.push_str(";https://huggingface.co/");
            row.push_str(id);
            row.push(';');
            hundredths(&mut row, e.average);
            let bad_bench = r.below(6);
            for (b, &s) in e.scores.iter().enumerate() {
                row.push(';');
                if bad == 1 && b == bad_bench {
                    row.push('-');
                } else {
                    hundredths(&mut row, u32::from(s));
                }
            }
            row.push(';');
            row.push_str(label);
            row.push(';');
            let arch = ARCHS[w.families[m.family as usize].arch as usize].0;
            row.push_str(match r.below(100) {
                0..=2 => "?",
                3..=7 => "Unknown",
                _ => arch,
            });
            row.push(';');
            row.push_str(if m.kind == Kind::Adapter && r.chance(0.9) {
                "Adapter"
            } else if r.chance(0.002) {
                "Delta"
            } else {
                "Original"
            });
            row.push(';');
            row.push_str(precision(w, e, f16_first == (e.k == 0)));
            row.push(';');
            // Inverted in this export: False means merged.
            row.push_str(if m.kind == Kind::Merge {
                "False"
            } else {
                "True"
            });
            row.push(';');
            if m.license == NO_LICENSE {
                row.push_str(r.one(&["?", "", "None"]));
            } else {
                csv_field(&mut row, LICENSES[m.license as usize], ';');
            }
            row.push(';');
            let params = (u32::from(m.params) + 5) / 10;
            if bad == 2 && params > 0 {
                row.push_str(&format!("{params}B"));
            } else if r.chance(0.08) {
                row.push_str("0.0");
            } else {
                push_num(&mut row, u64::from(params));
                row.push_str(".0");
            }
            row.push(';');
            if bad == 3 {
                row.push_str(&format!("{}.{}k", m.likes / 1000 + 1, r.below(10)));
            } else {
                push_num(&mut row, u64::from(m.likes));
                row.push_str(".0");
            }
            row.push(';');
            row.push_str(if m.has(flag::UNAVAILABLE) {
                "False"
            } else {
                "True"
            });
            row.push(';');
            if e.k > 0 && r.chance(0.5) {
                r.hex(40, &mut row);
            } else {
                row.push_str(&sha);
            }
            row.push(';');
            // Inverted: False means flagged, False means mixture of experts.
            row.push_str(if m.has(flag::FLAGGED) {
                "False"
            } else {
                "True"
            });
            row.push(';');
            row.push_str(if m.has(flag::MOE) { "False" } else { "True" });
            row.push(';');
            if r.chance(0.003) {
                row.push_str(&id.to_lowercase());
            } else {
                row.push_str(id);
            }
            row.push_str("\r\n");
            text.push_str(&row);
        }
    })?;
    out.flush()?;
    Ok(evals.len())
}
