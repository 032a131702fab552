//! Hub API JSON Lines: one model object per line, as the Hub's model API returns it, newest
//! first. It holds what the leaderboard-side files lack: most quantized repos (the
//! leaderboard cannot evaluate GGUF files, so they exist only on the Hub), and a fresh Hub
//! view of some other models, with the explicit `base_model_relation` and `baseModels` the
//! Hub derives from cards. A very few lines are damaged (a bad date, a cut-off object).

use std::io::{self, Write};

use super::bases::{LICENSES, NO_LICENSE};
use super::metadata::{self, relation, CardText, Strs};
use super::rng::Rand;
use super::text::{iso_time, json_str, push_num, unix};
use super::world::{flag, Kind, World};

const ROW: u64 = 0xa9;

fn json_list<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(out, s);
    }
    out.push(']');
}

/// Writes the JSON Lines; returns the number of lines.
pub fn write<W: Write>(w: &World, out: W) -> io::Result<usize> {
    let mut order: Vec<u32> = (0..w.models.len() as u32)
        .filter(|&m| w.models[m as usize].has(flag::HUB_API))
        .collect();
    order.sort_unstable_by_key(|&m| std::cmp::Reverse((w.models[m as usize].created, m)));
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    super::rows::write_in_order(&mut out, &order, |_, chunk, text| {
        let mut card = CardText::default();
        let (mut tags, mut datasets) = (Strs::default(), Strs::default());
        let mut line = String::with_capacity(2048);
        for &m in chunk {
            let model = &w.models[m as usize];
            let mut r = Rand::stream(w.seed, ROW, u64::from(m));
            let id = w.name(m);
            line.clear();
            line.push_str("{\"_id\":\"");
            r.hex(24, &mut line);
            line.push_str("\",\"id\":");
            json_str(&mut line, id);
            line.push_str(",\"author\":");
            json_str(&mut line, w.author_name(w.owner(m)));
            line.push_str(",\"gated\":false,\"lastModified\":\"");
            iso_time(&mut line, unix(model.modified));
            line.push_str("\",\"likes\":");
            push_num(&mut line, u64::from(model.likes));
            line.push_str(",\"private\":false,\"sha\":\"");
            r.hex(40, &mut line);
            line.push_str("\",\"downloads\":");
            push_num(&mut line, u64::from(model.downloads));
            line.push_str(",\"tags\":");
            let library = metadata::library(w, m, &mut r);
            metadata::card(w, m, &mut r, true, &mut card);
            let langs = metadata::languages(&mut r);
            metadata::datasets(w, &mut r, &mut datasets);
            metadata::tags(w, m, &mut r, &card, library, langs, &datasets, &mut tags);
            json_list(&mut line, tags.iter());
            line.push_str(",\"pipeline_tag\":\"text-generation\"");
            if let Some(lib) = library {
                line.push_str(",\"library_name\":");
                json_str(&mut line, lib);
            }
            line.push_str(",\"createdAt\":\"");
            if r.chance(0.003) {
                let mut t = String::new();
                iso_time(&mut t, unix(model.created));
                line.push_str(&t[..5]);
                line.push_str("02-30");
                line.push_str(&t[10..]);
            } else {
                iso_time(&mut line, unix(model.created));
            }
            line.push_str("\",\"modelId\":");
            json_str(&mut line, id);
            line.push_str(",\"cardData\":{");
            let mut first = true;
            let mut field = |line: &mut String, name: &str| {
                if !first {
                    line.push(',');
                }
                first = false;
                json_str(line, name);
                line.push(':');
            };
            if model.license != NO_LICENSE {
                field(&mut line, "license");
                json_str(&mut line, LICENSES[model.license as usize]);
            }
            if !datasets.is_empty() {
                field(&mut line, "datasets");
                json_list(&mut line, datasets.iter());
            }
            if !card.refs.is_empty() {
                field(&mut line, "base_model");
                if card.refs.len() == 1 {
                    json_str(&mut line, card.refs.iter().next().unwrap_or_default());
                } else {
                    json_list(&mut line, card.refs.iter());
                }
                if model.kind != Kind::Finetune || r.chance(0.5) {
                    field(&mut line, "base_model_relation");
                    json_str(&mut line, relation(model.kind));
                }
            }
            line.push('}');
            if !card.refs.is_empty() && r.chance(0.7) {
                line.push_str(",\"baseModels\":{\"relation\":");
                json_str(&mut line, relation(model.kind));
                line.push_str(",\"models\":[");
                for (i, p) in card.refs.iter().enumerate() {
                    if i > 0 {
                        line.push(',');
                    }
                    line.push_str("{\"id\":");
                    json_str(&mut line, p);
                    line.push('}');
                }
                line.push_str("]}");
            }
            let gguf = model.kind == Kind::Quantized && metadata::quant_format(id) == "gguf";
            if !gguf && !model.has(flag::PYTORCH) {
                let total = u64::from(model.params) * 100_000_000 + r.u64() % 100_000_000;
                line.push_str(&format!(",\"safetensors\":{{\"total\":{total}}}"));
            }
            line.push('}');
            if r.chance(0.001) {
                // Cut off mid-object (not the last line: the reader reports it and goes on).
                let cut = line.len() / 2;
                if line.is_char_boundary(cut) {
                    line.truncate(cut);
                }
            }
            line.push('\n');
            text.push_str(&line);
        }
    })?;
    out.flush()?;
    Ok(order.len())
}
