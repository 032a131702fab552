//! What the Hub says about a model, shared by the two Hub-side writers (the metadata table
//! and the API JSON Lines): how its card names its base, its tags, languages, datasets,
//! library. This is where the realistic mess of model cards is decided: bases written as
//! list literals, as free text, in another case, under a moved repo's new id, with typos,
//! self-references, and the odd cycle.

use super::bases::{self, ARCHS, BASES, LICENSES};
use super::rng::Rand;
use super::text::at;
use super::world::{flag, Card, Kind, MType, World};

/// A reusable list of strings kept end to end (no allocation per row once warm).
#[derive(Default)]
pub struct Strs {
    text: String,
    ends: Vec<usize>,
}

impl Strs {
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    /// Appends an item built piece by piece: `push_parts(&["base_model:", id])`.
    pub fn push_parts(&mut self, parts: &[&str]) {
        for p in parts {
            self.text.push_str(p);
        }
        self.ends.push(self.text.len());
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&e| {
            let s = &self.text[start..e];
            start = e;
            s
        })
    }

    pub fn contains(&self, x: &str) -> bool {
        self.iter().any(|s| s == x)
    }
}

/// The Hub's relation name for how a model used its parents.
pub fn relation(kind: Kind) -> &'static str {
    match kind {
        Kind::Adapter => "adapter",
        Kind::Quantized => "quantized",
        Kind::Merge => "merge",
        _ => "finetune",
    }
}

/// How one model's card names its base, as one source writes it.
#[derive(Default)]
pub struct CardText {
    /// The `base_model` cell of the metadata table.
    pub column: String,
    /// Parent ids for `base_model:` tags (and the API's fields), as spelled.
    pub refs: Strs,
    /// Also write `base_model:RELATION:ID` tags (newer Hub data).
    pub modern: bool,
    /// A reference that closes a cycle (a base claiming its own derivative).
    pub cycle: Option<u32>,
}

/// Spells a reference to `p` the way cards do: usually its id; now and then in another
/// case, under a moved repo's new id (which no row describes), or with a typo.
fn spell(w: &World, p: u32, r: &mut Rand, out: &mut String) {
    out.clear();
    let pm = &w.models[p as usize];
    if pm.has(flag::MOVED) && pm.has(flag::NEW_ID_FREE) && r.chance(0.12) {
        out.push_str(&w.new_id(p));
        return;
    }
    out.push_str(w.name(p));
    let x = r.below(1000);
    if x < 15 {
        out.make_ascii_lowercase();
    } else if x < 17 && out.len() > 8 {
        // A typo: a character lost.
        let cut = out.len() - 1 - r.below(3);
        if out.is_char_boundary(cut) && out.is_char_boundary(cut + 1) {
            out.remove(cut);
        }
    }
}

/// Decides how model `m`'s card names its base (for the metadata table; `api` gives the
/// cleaner view the Hub API serves, without free text or placeholders in the column).
pub fn card(w: &World, m: u32, r: &mut Rand, api: bool, out: &mut CardText) {
    out.column.clear();
    out.refs.clear();
    out.cycle = None;
    let model = &w.models[m as usize];
    out.modern = api || (model.created >= at(2024, 1, 1) && r.chance(0.5));
    match model.card {
        Card::Empty => return,
        Card::Unknown => {
            if !api {
                out.column.push_str("unknown");
            }
            return;
        }
        Card::EmptyList => {
            if !api {
                out.column.push_str("[]");
            }
            return;
        }
        Card::Declared => {}
    }
    let parents = w.parents_of(m);
    if parents.is_empty() {
        return;
    }
    // Plain ids only: the API's normalised view, or a card its parent's cycle depends on.
    let clean = api || w.claimed(m);
    let mut id = String::new();
    for &p in parents {
        if clean {
            id.clear();
            id.push_str(w.name(p));
        } else {
            spell(w, p, r, &mut id);
        }
        out.refs.push(&id);
    }
    if !api && model.has(flag::CLAIMS_CHILD) {
        out.cycle = Some(model.first_child);
    }
    let x = if w.claimed(m) { 999 } else { r.below(1000) };
    if parents.len() >= 2 {
        if api || x >= 100 {
            let refs: Vec<&str> = out.refs.iter().collect();
            let mut col = String::new();
            super::text::py_list(&mut col, refs);
            out.column = col;
        }
    } else {
        let p = &w.models[parents[0] as usize];
        let alias = (p.base != u8::MAX)
            .then(|| BASES[p.base as usize].alias)
            .flatten();
        if api {
            out.column.push_str(w.name(parents[0]));
        } else if x < 15 && alias.is_some() {
            // Free text; the Hub makes no tag of it.
            out.column.push_str(alias.unwrap_or_default());
            out.refs.clear();
        } else if x < 18 {
            // The leaderboard's `namespace_name` spelling.
            out.column
                .push_str(&w.name(parents[0]).replacen('/', "_", 1));
            out.refs.clear();
        } else if x < 22 {
            // The name without its namespace: names no model.
            let id = w.name(parents[0]);
            out.column
                .push_str(id.split_once('/').map(|(_, s)| s).unwrap_or(id));
            out.refs.clear();
        } else if x < 140 {
            let refs: Vec<&str> = out.refs.iter().collect();
            let mut col = String::new();
            super::text::py_list(&mut col, refs);
            out.column = col;
        } else if x < 290 {
            // Only in the tags.
        } else {
            out.column
                .push_str(out.refs.iter().next().unwrap_or_default());
        }
    }
    if !clean && r.chance(0.001) {
        // A card naming the model itself as its base.
        out.column.clear();
        out.column.push_str(w.name(m));
    }
}

/// Language codes of a model card; `None` for the literal `unknown`.
pub fn languages(r: &mut Rand) -> Option<&'static [&'static str]> {
    const SETS: [&[&str]; 8] = [
        &["zh", "en"],
        &["ko"],
        &["en", "de"],
        &["ja"],
        &["fr"],
        &["en", "zh"],
        &["es", "en"],
        &["vi"],
    ];
    match r.below(100) {
        0..=54 => Some(&[]),
        55..=82 => Some(&["en"]),
        83..=87 => None,
        _ => Some(SETS[r.below(SETS.len())]),
    }
}

/// Datasets a card names (Zipf-like: a few datasets are used everywhere).
pub fn datasets(w: &World, r: &mut Rand, out: &mut Strs) -> bool {
    out.clear();
    let x = r.below(100);
    if x < 55 {
        return true;
    }
    if x < 58 {
        return false; // `unknown`
    }
    let n = 1 + r.geometric(0.35, 4);
    for _ in 0..n {
        let u = r.unit();
        let i = ((w.datasets.len() as f64) * u * u * u) as usize;
        let d = &w.datasets[i.min(w.datasets.len() - 1)];
        if !out.contains(d) {
            out.push(d);
        }
    }
    true
}

/// Quantization format from a quantized model's name suffix.
pub fn quant_format(name: &str) -> &'static str {
    if name.ends_with("GGUF") {
        "gguf"
    } else if name.ends_with("GPTQ") {
        "gptq"
    } else if name.ends_with("AWQ") {
        "awq"
    } else if name.ends_with("exl2") {
        "exl2"
    } else {
        "bitsandbytes"
    }
}

/// The library a model's repo declares (`None` for an empty cell).
pub fn library(w: &World, m: u32, r: &mut Rand) -> Option<&'static str> {
    let model = &w.models[m as usize];
    match model.kind {
        Kind::Adapter if r.chance(0.85) => Some("peft"),
        Kind::Quantized if quant_format(w.name(m)) == "gguf" => None,
        _ => match r.below(1000) {
            0 => Some("Transformers"),
            1..=90 => None,
            _ => Some("transformers"),
        },
    }
}

/// Everything a card's tags say, in the order the Hub lists them.
#[allow(clippy::too_many_arguments)]
pub fn tags(
    w: &World,
    m: u32,
    r: &mut Rand,
    card: &CardText,
    library: Option<&str>,
    langs: Option<&[&str]>,
    datasets: &Strs,
    out: &mut Strs,
) {
    out.clear();
    let model = &w.models[m as usize];
    let family = &w.families[model.family as usize];
    let name = w.name(m);
    let gguf = model.kind == Kind::Quantized && quant_format(name) == "gguf";
    match library {
        Some("peft") => out.push("peft"),
        Some(_) => out.push("transformers"),
        None if gguf => out.push("gguf"),
        None => {}
    }
    if !gguf {
        if model.has(flag::PYTORCH) {
            out.push("pytorch");
        }
        if !model.has(flag::PYTORCH) || r.chance(0.5) {
            out.push("safetensors");
        }
    }
    out.push(ARCHS[family.arch as usize].1);
    out.push("text-generation");
    if model.kind == Kind::Quantized && !gguf {
        out.push(quant_format(name));
        out.push("4-bit");
    }
    if model.kind == Kind::Merge {
        out.push("merge");
        if r.chance(0.8) {
            out.push("mergekit");
        }
        if r.chance(0.35) {
            out.push("lazymergekit");
        }
    }
    if model.has(flag::MOE) {
        out.push("moe");
    }
    if model.mtype == MType::Chat && r.chance(0.7) {
        out.push("conversational");
    }
    if model.kind == Kind::Finetune {
        if r.chance(0.15) {
            out.push("generated_from_trainer");
        }
        if r.chance(0.08) {
            out.push("trl");
            out.push(if r.chance(0.5) { "dpo" } else { "sft" });
        }
    }
    for l in langs.unwrap_or(&[]) {
        out.push(l);
    }
    for id in card.refs.iter() {
        out.push_parts(&["base_model:", id]);
    }
    if card.modern {
        let rel = relation(model.kind);
        for id in card.refs.iter() {
            out.push_parts(&["base_model:", rel, ":", id]);
        }
    }
    if let Some(c) = card.cycle {
        out.push_parts(&["base_model:", w.name(c)]);
    }
    for d in datasets.iter() {
        out.push_parts(&["dataset:", d]);
    }
    if model.license != bases::NO_LICENSE {
        out.push_parts(&["license:", LICENSES[model.license as usize]]);
    }
    if r.chance(0.2) {
        out.push("model-index");
    }
    if !gguf {
        if r.chance(0.95) {
            out.push("autotrain_compatible");
        }
        if r.chance(0.9) {
            out.push("text-generation-inference");
        }
    }
    if r.chance(0.9) {
        out.push("endpoints_compatible");
    }
    if r.chance(0.25) {
        out.push("has_space");
    }
    out.push("region:us");
}
