//! A Hub statistics snapshot: `models.parquet` with one row per repo of the ecosystem, in
//! the schema the Hub publishes (`_id`, `id`, `author`, `createdAt`, `lastModified`, `likes`,
//! `downloads`, `downloadsAllTime`, `trendingScore`, `pipeline_tag`, `library_name`, `gated`,
//! `tags`, `baseModels`, `safetensors`, `cardData` as JSON text). Lineage is spelled three ways
//! as on the Hub: `baseModels`, `base_model:` tags and the card's `base_model`. A few values
//! are missing or damaged, as in real snapshots: null authors and dates, card data that is not
//! valid JSON.

use std::io::{self, Write};

use super::bases::{LICENSES, NO_LICENSE};
use super::metadata::{self, relation, CardText, Strs};
use super::rng::Rand;
use super::text::{json_str, unix};
use super::world::{flag, Kind, World};
use crate::columnar::ParquetWriter;

const ROW: u64 = 0x9a7;

/// The snapshot's schema, as `pyarrow` writes the published files.
pub const SCHEMA: &str = "message schema {
  optional binary _id (STRING);
  optional binary id (STRING);
  optional binary author (STRING);
  optional int64 createdAt (TIMESTAMP(MILLIS,true));
  optional int64 lastModified (TIMESTAMP(MILLIS,true));
  optional int64 likes;
  optional int64 downloads;
  optional int64 downloadsAllTime;
  optional double trendingScore;
  optional binary pipeline_tag (STRING);
  optional binary library_name (STRING);
  optional binary gated (STRING);
  optional group tags (LIST) {
    repeated group list {
      optional binary element (STRING);
    }
  }
  optional group baseModels {
    optional binary relation (STRING);
    optional group models (LIST) {
      repeated group list {
        optional group element {
          optional binary _id (STRING);
          optional binary id (STRING);
        }
      }
    }
  }
  optional group safetensors {
    optional group parameters (MAP) {
      repeated group key_value {
        required binary key (STRING);
        optional int64 value;
      }
    }
    optional int64 total;
  }
  optional binary cardData (STRING);
}";

mod col {
    pub const UID: usize = 0;
    pub const ID: usize = 1;
    pub const AUTHOR: usize = 2;
    pub const CREATED: usize = 3;
    pub const MODIFIED: usize = 4;
    pub const LIKES: usize = 5;
    pub const DOWNLOADS: usize = 6;
    pub const DOWNLOADS_ALL: usize = 7;
    pub const TRENDING: usize = 8;
    pub const PIPELINE: usize = 9;
    pub const LIBRARY: usize = 10;
    pub const GATED: usize = 11;
    pub const TAGS: usize = 12;
    pub const RELATION: usize = 13;
    pub const MODEL_UID: usize = 14;
    pub const MODEL_ID: usize = 15;
    pub const PARAM_KEY: usize = 16;
    pub const PARAM_VALUE: usize = 17;
    pub const TOTAL: usize = 18;
    pub const CARD: usize = 19;
}

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

/// Writes the snapshot of every described repo of `w`, newest first; returns its rows.
pub fn write<W: Write + Send>(w: &World, out: W) -> io::Result<usize> {
    let mut order: Vec<u32> = (0..w.models.len() as u32)
        .filter(|&m| w.models[m as usize].has(flag::DESCRIBED))
        .collect();
    order.sort_unstable_by_key(|&m| std::cmp::Reverse((w.models[m as usize].created, m)));
    let mut pq = ParquetWriter::new(io::BufWriter::with_capacity(1 << 20, out), SCHEMA)?;
    let mut card = CardText::default();
    let (mut tags, mut datasets) = (Strs::default(), Strs::default());
    let mut text = String::with_capacity(1024);
    for &m in &order {
        let model = &w.models[m as usize];
        let mut r = Rand::stream(w.seed, ROW, u64::from(m));
        let id = w.name(m);
        text.clear();
        r.hex(24, &mut text);
        pq.column(col::UID).str(&text, 0);
        pq.column(col::ID).str(id, 0);
        let author = (!r.chance(0.002)).then(|| w.author_name(w.owner(m)));
        pq.column(col::AUTHOR).opt_str(author);
        let created = (!r.chance(0.001)).then(|| unix(model.created) * 1000);
        pq.column(col::CREATED).opt_i64(created);
        pq.column(col::MODIFIED)
            .opt_i64(Some(unix(model.modified) * 1000));
        pq.column(col::LIKES).opt_i64(Some(i64::from(model.likes)));
        pq.column(col::DOWNLOADS)
            .opt_i64(Some(i64::from(model.downloads)));
        let all_time = i64::from(model.downloads) * (2 + r.below(20) as i64);
        pq.column(col::DOWNLOADS_ALL).opt_i64(Some(all_time));
        let trending = (r.below(10) == 0).then(|| r.unit() * 50.0);
        pq.column(col::TRENDING).opt_f64(trending);
        pq.column(col::PIPELINE).opt_str(Some("text-generation"));
        let library = metadata::library(w, m, &mut r);
        pq.column(col::LIBRARY).opt_str(library);
        pq.column(col::GATED)
            .opt_str(Some(if r.chance(0.03) { "auto" } else { "False" }));
        metadata::card(w, m, &mut r, true, &mut card);
        let langs = metadata::languages(&mut r);
        metadata::datasets(w, &mut r, &mut datasets);
        metadata::tags(w, m, &mut r, &card, library, langs, &datasets, &mut tags);
        // tags: list<string>; definition 1 is an empty list, 3 a present tag.
        let tag_col = pq.column(col::TAGS);
        if tags.is_empty() {
            tag_col.null(1, 0);
        }
        for (i, t) in tags.iter().enumerate() {
            tag_col.str(t, i16::from(i > 0));
        }
        // baseModels: {relation, models: [{_id, id}]}, or null.
        if !card.refs.is_empty() && r.chance(0.7) {
            pq.column(col::RELATION).str(relation(model.kind), 0);
            for (i, p) in card.refs.iter().enumerate() {
                let rep = i16::from(i > 0);
                text.clear();
                r.hex(24, &mut text);
                pq.column(col::MODEL_UID).str(&text, rep);
                pq.column(col::MODEL_ID).str(p, rep);
            }
        } else {
            pq.column(col::RELATION).null(0, 0);
            pq.column(col::MODEL_UID).null(0, 0);
            pq.column(col::MODEL_ID).null(0, 0);
        }
        // safetensors: {parameters: {dtype: count}, total}, or null for other weights.
        let gguf = model.kind == Kind::Quantized && metadata::quant_format(id) == "gguf";
        if !gguf && !model.has(flag::PYTORCH) {
            let total = i64::from(model.params) * 100_000_000 + (r.u64() % 100_000_000) as i64;
            let dtype = if r.chance(0.7) { "BF16" } else { "F16" };
            pq.column(col::PARAM_KEY).str(dtype, 0);
            pq.column(col::PARAM_VALUE).i64(total, 0);
            pq.column(col::TOTAL).i64(total, 0);
        } else {
            pq.column(col::PARAM_KEY).null(0, 0);
            pq.column(col::PARAM_VALUE).null(0, 0);
            pq.column(col::TOTAL).null(0, 0);
        }
        text.clear();
        card_json(
            &mut text,
            model.license,
            &datasets,
            &card,
            model.kind,
            &mut r,
        );
        if r.chance(0.0005) {
            // Cut off: not valid JSON (the reader reports it and keeps the row).
            text.truncate(text.len() / 2);
        }
        pq.column(col::CARD).opt_str(Some(&text));
        pq.end_row()?;
    }
    pq.finish()?.flush()?;
    Ok(order.len())
}

/// The card's metadata as JSON text.
fn card_json(
    out: &mut String,
    license: u8,
    datasets: &Strs,
    card: &CardText,
    kind: Kind,
    r: &mut Rand,
) {
    out.push('{');
    let mut first = true;
    let mut field = |out: &mut String, name: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        json_str(out, name);
        out.push(':');
    };
    if license != NO_LICENSE {
        field(out, "license");
        json_str(out, LICENSES[license as usize]);
    }
    if !datasets.is_empty() {
        field(out, "datasets");
        json_list(out, datasets.iter());
    }
    if !card.refs.is_empty() {
        field(out, "base_model");
        if card.refs.len() == 1 {
            json_str(out, card.refs.iter().next().unwrap_or_default());
        } else {
            json_list(out, card.refs.iter());
        }
        if kind != Kind::Finetune || r.chance(0.5) {
            field(out, "base_model_relation");
            json_str(out, relation(kind));
        }
    }
    out.push('}');
}
