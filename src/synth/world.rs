//! The synthetic ecosystem itself, before any file is written: who made which model from
//! which, when, and how well it scores. The writers only decide how each source spells it.
//!
//! Growth model, in creation order (so every parent is older than its children):
//! - pretrained bases appear at their release dates;
//! - every other model picks a kind (fine-tune, adapter, quantization, continued
//!   pretraining, merge; merges only become common from late 2023), then its parents:
//!   a released base (weighted by popularity, boosted while recent) or, by preferential
//!   attachment, an existing model drawn from a pool where each model appears once per
//!   child it already has (half the draws from the recent end of the pool). That gives
//!   heavy-tailed derivative counts. Merges take 2 to 6 parents of one family and prefer
//!   recent merges as their first parent, which grows merges of merges;
//! - authors follow a Yule process (a new author now and then, else one drawn in
//!   proportion to the models they already made: Zipf-like activity), join teams that
//!   co-commit, and a few prolific accounts make most quantizations;
//! - scores start from each base's strength and move with each step: fine-tunes and merges
//!   tend to gain (less as they near the ceiling), quantizations lose a little, a few
//!   fine-tunes break.

use rustc_hash::FxHashSet;

use super::bases::{self, BaseSpec, BASES};
use super::names;
use super::rng::Rand;
use super::text::{at, DAY};

pub const NONE: u32 = u32::MAX;

/// How a model came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Base,
    /// The base's own instruct or chat release.
    Official,
    Finetune,
    ContinuedPretraining,
    Adapter,
    Quantized,
    Merge,
}

/// The leaderboard's model type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MType {
    Pretrained,
    Continued,
    FineTuned,
    Chat,
    Merge,
    Unknown,
}

impl MType {
    /// The `Type` and `TypeString` columns of the leaderboard export.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            MType::Pretrained => ("\u{1f7e2}", "\u{1f7e2} pretrained"),
            MType::Continued => ("\u{1f7e9}", "\u{1f7e9} continuously pretrained"),
            MType::FineTuned => (
                "\u{1f536}",
                "\u{1f536} fine-tuned on domain-specific datasets",
            ),
            MType::Chat => ("\u{1f4ac}", "\u{1f4ac} chat models (RLHF, DPO, IFT, ...)"),
            MType::Merge => ("\u{1f91d}", "\u{1f91d} base merges and moerges"),
            MType::Unknown => ("?", ""),
        }
    }
}

/// How a model's card names its base; decided once so that every source agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    Declared,
    Empty,
    Unknown,
    EmptyList,
}

/// Per-model flags.
pub mod flag {
    /// Some generated row describes it (false only for the stub bases).
    pub const DESCRIBED: u16 = 1;
    /// Its Hub metadata lookup failed: an empty details row.
    pub const FAILED: u16 = 1 << 1;
    pub const LEADERBOARD: u16 = 1 << 2;
    pub const DETAILS: u16 = 1 << 3;
    pub const COMMITS: u16 = 1 << 4;
    pub const HUB_API: u16 = 1 << 5;
    pub const FLAGGED: u16 = 1 << 6;
    pub const MOE: u16 = 1 << 7;
    pub const UNAVAILABLE: u16 = 1 << 8;
    /// The repo moved to another owner.
    pub const MOVED: u16 = 1 << 9;
    /// `owner/name` names no other model, so a reference may use it (and make a stub).
    pub const NEW_ID_FREE: u16 = 1 << 10;
    /// Created before the Hub's dates begin: it carries 2022-03-02.
    pub const EPOCH: u16 = 1 << 11;
    /// Pytorch weights (a conversion bot commits to these).
    pub const PYTORCH: u16 = 1 << 12;
    /// Its card also names its first child as a base: a mislabel that closes a cycle.
    pub const CLAIMS_CHILD: u16 = 1 << 13;
}

#[derive(Debug, Clone)]
pub struct Model {
    pub author: u32,
    /// Current owner when the repo moved, else [`NONE`].
    pub owner: u32,
    /// Seconds after the Hub epoch, as the Hub shows it.
    pub created: u32,
    pub modified: u32,
    pub parents_at: u32,
    pub first_child: u32,
    pub children: u32,
    pub downloads: u32,
    pub likes: u32,
    /// ARC, HellaSwag, MMLU, TruthfulQA, Winogrande, GSM8K in hundredths of a point.
    pub scores: [u16; 6],
    /// Tenths of a billion parameters.
    pub params: u16,
    pub family: u16,
    pub flags: u16,
    pub kind: Kind,
    pub mtype: MType,
    pub card: Card,
    pub license: u8,
    pub n_parents: u8,
    /// Index into [`BASES`] for bases and official versions.
    pub base: u8,
}

impl Model {
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }

    /// The leaderboard average: the mean of the six scores, in hundredths, rounded.
    pub fn average(&self) -> u32 {
        let sum: u32 = self.scores.iter().map(|&s| u32::from(s)).sum();
        (sum + 3) / 6
    }
}

#[derive(Debug, Clone)]
pub struct Author {
    /// Index into [`World::teams`]: who co-commits with whom.
    pub team: u32,
    pub org: bool,
    pub bot: bool,
    pub quantizer: bool,
    /// A second commit identity (a display name), or [`NONE`].
    pub display: u32,
}

/// A lineage family: models of one architecture and size, descended from one base.
#[derive(Debug, Clone)]
pub struct Family {
    pub arch: u8,
    pub params: u16,
    pub moe: bool,
    pub stem: String,
    pub size: String,
    root: u16,
    variant: u8,
    /// Preferential-attachment pool of this family (non-leaf kinds only).
    pool: Vec<u32>,
    merges: Vec<u32>,
}

/// Strings stored end to end.
#[derive(Debug, Default)]
pub struct Arena {
    text: String,
    ends: Vec<usize>,
}

impl Arena {
    pub fn with_capacity(items: usize, bytes_each: usize) -> Arena {
        Arena {
            text: String::with_capacity(items * bytes_each),
            ends: Vec::with_capacity(items),
        }
    }

    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

pub struct World {
    pub seed: u64,
    pub models: Vec<Model>,
    /// Model ids, `namespace/name`, indexed like `models`.
    pub names: Arena,
    pub parents: Vec<u32>,
    pub authors: Vec<Author>,
    pub author_names: Arena,
    pub teams: Vec<Vec<u32>>,
    pub families: Vec<Family>,
    pub datasets: Vec<String>,
    /// Bot accounts: the safetensors converter first.
    pub bots: Vec<u32>,
}

impl World {
    pub fn name(&self, m: u32) -> &str {
        self.names.get(m)
    }

    pub fn author_name(&self, a: u32) -> &str {
        self.author_names.get(a)
    }

    pub fn parents_of(&self, m: u32) -> &[u32] {
        let x = &self.models[m as usize];
        let at = x.parents_at as usize;
        &self.parents[at..at + x.n_parents as usize]
    }

    /// Whether `m`'s parent claims `m` as its own base ([`flag::CLAIMS_CHILD`]): then `m`'s
    /// rows name that parent plainly, so the cycle closes.
    pub fn claimed(&self, m: u32) -> bool {
        match self.parents_of(m) {
            [p] => {
                let pm = &self.models[*p as usize];
                pm.has(flag::CLAIMS_CHILD) && pm.first_child == m
            }
            _ => false,
        }
    }

    /// The repo's current owner: the namespace, or where it moved.
    pub fn owner(&self, m: u32) -> u32 {
        let x = &self.models[m as usize];
        if x.owner == NONE {
            x.author
        } else {
            x.owner
        }
    }

    /// The id under the current owner (`owner/name`), for moved repos.
    pub fn new_id(&self, m: u32) -> String {
        let name = self.name(m);
        let short = name.split_once('/').map(|(_, s)| s).unwrap_or(name);
        format!("{}/{short}", self.author_name(self.owner(m)))
    }
}

/// A 64-bit fingerprint of the concatenated `parts`, case folded (ids are
/// case-insensitive on the Hub).
fn fingerprint_parts(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.bytes()) {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // FNV's low bits mix poorly; hash tables need them.
    super::rng::mix(h)
}

fn fingerprint(s: &str) -> u64 {
    fingerprint_parts(&[s])
}

/// The fingerprint of the id `namespace/name`.
fn fingerprint_id(namespace: &str, name: &str) -> u64 {
    fingerprint_parts(&[namespace, "/", name])
}

/// Derivatives per month, relative: the Hub's growth, from the epoch bucket (repos older
/// than the Hub's dates) through June 2024.
const EPOCH_WEIGHT: u32 = 8;
const MONTH_WEIGHTS: [u32; 28] = [
    3, 3, 3, 3, 4, 4, 4, 5, 5, 6, // 2022-03 .. 2022-12
    7, 10, 15, 22, 30, 32, 45, 70, 80, 60, 65, 120, // 2023
    190, 160, 175, 150, 130, 100, // 2024-01 .. 2024-06
];
/// Older repos all carry this time of 2022-03-02.
const EPOCH_TIME: u32 = 23 * 3600 + 29 * 60 + 4;
/// Nothing is created or modified after this (2024-07-01).
pub fn snapshot_end() -> u32 {
    at(2024, 7, 1)
}

/// Creation times of `n` derivatives, non-decreasing, following [`MONTH_WEIGHTS`].
fn timeline(n: usize, r: &mut Rand) -> Vec<u32> {
    let mut buckets: Vec<(u32, u32, u32)> = vec![(EPOCH_TIME, EPOCH_TIME + 2, EPOCH_WEIGHT)];
    let (mut y, mut m) = (2022i64, 3u32);
    for &w in &MONTH_WEIGHTS {
        let start = if (y, m) == (2022, 3) {
            at(2022, 3, 3)
        } else {
            at(y, m, 1)
        };
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        buckets.push((start, at(ny, nm, 1), w));
        (y, m) = (ny, nm);
    }
    let total: u32 = buckets.iter().map(|b| b.2).sum();
    let mut out = Vec::with_capacity(n);
    let (mut b, mut below) = (0usize, 0.0f64);
    for i in 0..n {
        let target = (i as f64 + r.unit()) / n as f64 * f64::from(total);
        while b + 1 < buckets.len() && target >= below + f64::from(buckets[b].2) {
            below += f64::from(buckets[b].2);
            b += 1;
        }
        let (start, end, w) = buckets[b];
        let frac = ((target - below) / f64::from(w)).clamp(0.0, 1.0);
        let t = start + (frac * f64::from(end - start - 1)) as u32;
        out.push(t.max(out.last().copied().unwrap_or(0)));
    }
    out
}

const CAPS: [f64; 6] = [84.0, 92.0, 82.0, 82.0, 87.0, 85.0];

fn base_scores(strength: f64, r: &mut Rand) -> [f64; 6] {
    let s = strength;
    let root = s.sqrt();
    let mut x = [
        22.0 + 55.0 * s,
        30.0 + 60.0 * root,
        25.0 + 55.0 * s,
        38.0 + 12.0 * s,
        50.0 + 40.0 * root,
        70.0 * s * s,
    ];
    for (b, v) in x.iter_mut().enumerate() {
        let spread = if b == 5 { 2.0 } else { 1.2 };
        *v = (*v + spread * r.normal()).max(0.0);
    }
    x
}

fn to_scores(x: [f64; 6]) -> [u16; 6] {
    x.map(|v| (v.clamp(0.0, 99.9) * 100.0).round() as u16)
}

fn from_scores(s: [u16; 6]) -> [f64; 6] {
    s.map(|v| f64::from(v) / 100.0)
}

/// One lineage step: what a derivative of kind `kind` scores given where it started.
fn evolve(start: [f64; 6], kind: Kind, mtype: MType, r: &mut Rand) -> [f64; 6] {
    let mut x = start;
    let (gain, noise) = match kind {
        Kind::Finetune | Kind::Official => (7.0, 1.6),
        Kind::Merge => (6.0, 1.2),
        Kind::Adapter => (2.0, 1.2),
        Kind::ContinuedPretraining => (1.5, 1.5),
        Kind::Quantized => (0.0, 0.4),
        Kind::Base => (0.0, 0.0),
    };
    for (b, v) in x.iter_mut().enumerate() {
        let head = ((CAPS[b] - *v) / CAPS[b]).max(0.0);
        let mut g = gain * head;
        if b == 3 && mtype == MType::Chat {
            g += 6.0 * head;
        }
        if kind == Kind::Quantized {
            g -= 0.5;
        }
        let spread = if b == 5 { noise * 2.0 } else { noise };
        *v = (*v + g + spread * r.normal()).clamp(0.0, CAPS[b] + 2.0);
    }
    if matches!(kind, Kind::Finetune | Kind::Merge) && r.chance(0.03) {
        // A broken fine-tune: forgets much of what the base knew.
        let keep = 0.55 + 0.4 * r.unit();
        for v in x.iter_mut() {
            *v *= keep;
        }
        x[5] *= 0.3;
    }
    x
}

struct Gen {
    r: Rand,
    w: World,
    taken: FxHashSet<u64>,
    pool: Vec<u32>,
    merge_pool: Vec<u32>,
    /// Released bases and official versions, as model ids.
    released: Vec<u32>,
    /// Release time of each entry of `released`.
    released_at: Vec<u32>,
    author_pool: Vec<u32>,
    orgs: Vec<u32>,
    quantizers: Vec<u32>,
    series: Vec<u16>,
    base_orgs: Vec<(String, u32)>,
}

impl Gen {
    fn new(seed: u64, n: usize) -> Gen {
        Gen {
            r: Rand::new(seed),
            w: World {
                seed,
                models: Vec::with_capacity(n),
                names: Arena::with_capacity(n, 40),
                parents: Vec::with_capacity(n + n / 3),
                authors: Vec::new(),
                author_names: Arena::default(),
                teams: Vec::new(),
                families: Vec::new(),
                datasets: Vec::new(),
                bots: Vec::new(),
            },
            taken: FxHashSet::with_capacity_and_hasher(n + n / 2 + 64, Default::default()),
            pool: Vec::with_capacity(n * 2),
            merge_pool: Vec::new(),
            released: Vec::new(),
            released_at: Vec::new(),
            author_pool: Vec::with_capacity(n),
            orgs: Vec::new(),
            quantizers: Vec::new(),
            series: Vec::new(),
            base_orgs: Vec::new(),
        }
    }

    /// Adds an author under a name not yet used (case-insensitively).
    fn add_author(&mut self, name: &str, org: bool, team: Option<u32>) -> u32 {
        let mut name = name.to_string();
        let base_len = name.len();
        while !self.taken.insert(fingerprint_parts(&["@", &name])) {
            // Taken: a number, as people add one (random, so a common name costs little).
            name.truncate(base_len);
            name.push_str(&self.r.range(2, 9999).to_string());
        }
        let id = self.w.author_names.push(&name);
        let team = match team {
            Some(t) => t,
            None => {
                self.w.teams.push(Vec::new());
                (self.w.teams.len() - 1) as u32
            }
        };
        if !org {
            self.w.teams[team as usize].push(id);
        }
        self.w.authors.push(Author {
            team,
            org,
            bot: false,
            quantizer: false,
            display: NONE,
        });
        self.series.push(0);
        if org {
            self.orgs.push(id);
        }
        id
    }

    fn new_user(&mut self, team: Option<u32>) -> u32 {
        let name = names::user(&mut self.r);
        let id = self.add_author(&name, false, team);
        if self.r.chance(0.03) {
            let display = names::display(&mut self.r);
            let d = self.add_author(&display, false, None);
            self.w.authors[id as usize].display = d;
        }
        id
    }

    /// An organisation and the users who commit to its repos.
    fn new_org(&mut self, name: &str) -> u32 {
        self.w.teams.push(Vec::new());
        let team = (self.w.teams.len() - 1) as u32;
        let org = self.add_author(name, true, Some(team));
        let members = 1 + self.r.geometric(0.45, 4);
        for _ in 0..members {
            if !self.author_pool.is_empty() && self.r.chance(0.4) {
                let a = *self.r.pick(&self.author_pool);
                let a_ = &self.w.authors[a as usize];
                if !a_.org && !a_.quantizer && !self.w.teams[team as usize].contains(&a) {
                    self.w.teams[team as usize].push(a);
                }
            } else {
                self.new_user(Some(team));
            }
        }
        org
    }

    fn init_people(&mut self) {
        for bot in ["SFconvertbot", "librarian-bot", "hub-housekeeping-bot"] {
            let id = self.add_author(bot, false, None);
            self.w.authors[id as usize].bot = true;
            self.w.bots.push(id);
        }
        let n = self.w.models.capacity();
        let quantizers = 3 + (n / 40_000).min(5);
        for _ in 0..quantizers {
            let name = names::quantizer(&mut self.r);
            let id = self.add_author(&name, false, None);
            self.w.authors[id as usize].quantizer = true;
            self.quantizers.push(id);
        }
        let datasets = (40 + n / 500).min(3000);
        let mut seen = FxHashSet::default();
        while self.w.datasets.len() < datasets {
            let d = names::dataset(&mut self.r);
            if seen.insert(fingerprint(&d)) {
                self.w.datasets.push(d);
            }
        }
    }

    /// The organisation publishing a base, created on first use.
    fn base_org(&mut self, name: &str) -> u32 {
        if let Some(&(_, a)) = self.base_orgs.iter().find(|(n, _)| *n == name) {
            return a;
        }
        let a = self.new_org(name);
        self.base_orgs.push((name.to_string(), a));
        a
    }

    fn add_model(&mut self, name: &str, m: Model, parents: &[u32]) -> u32 {
        let id = self.w.models.len() as u32;
        self.w.names.push(name);
        let mut m = m;
        m.parents_at = self.w.parents.len() as u32;
        m.n_parents = parents.len() as u8;
        self.w.parents.extend_from_slice(parents);
        let leaf = matches!(m.kind, Kind::Adapter | Kind::Quantized);
        let family = m.family as usize;
        let merge = m.kind == Kind::Merge;
        self.w.models.push(m);
        if !leaf {
            self.pool.push(id);
            self.w.families[family].pool.push(id);
        }
        if merge {
            self.merge_pool.push(id);
            self.w.families[family].merges.push(id);
        }
        for &p in parents {
            let pm = &mut self.w.models[p as usize];
            pm.children += 1;
            if pm.first_child == NONE {
                pm.first_child = id;
            }
            let (pf, pkind) = (pm.family as usize, pm.kind);
            self.pool.push(p);
            self.w.families[pf].pool.push(p);
            if pkind == Kind::Merge && merge {
                self.merge_pool.push(p);
                self.w.families[pf].merges.push(p);
            }
        }
        id
    }

    fn add_base(&mut self, b: usize, time: u32) {
        let spec: &BaseSpec = &BASES[b];
        let (ns, _) = spec.id.split_once('/').unwrap_or(("", spec.id));
        let author = self.base_org(ns);
        let (kind, family, parents, scores, params, license, mtype) = match spec.of {
            Some(of) => {
                let p = self
                    .released
                    .iter()
                    .copied()
                    .find(|&m| self.w.name(m) == of)
                    .unwrap_or(NONE);
                if p == NONE {
                    return;
                }
                let pm = &self.w.models[p as usize];
                let (fam, params) = (pm.family, pm.params);
                let license = if spec.license == bases::NO_LICENSE {
                    pm.license
                } else {
                    spec.license
                };
                let start = from_scores(pm.scores);
                let scores = evolve(start, Kind::Official, MType::Chat, &mut self.r);
                (
                    Kind::Official,
                    fam,
                    vec![p],
                    scores,
                    params,
                    license,
                    MType::Chat,
                )
            }
            None => {
                self.w.families.push(Family {
                    arch: spec.arch,
                    params: spec.params,
                    moe: spec.moe,
                    stem: spec.stem.to_string(),
                    size: spec.size.to_string(),
                    root: b as u16,
                    variant: 0,
                    pool: Vec::new(),
                    merges: Vec::new(),
                });
                let fam = (self.w.families.len() - 1) as u16;
                let scores = base_scores(f64::from(spec.strength) / 1000.0, &mut self.r);
                (
                    Kind::Base,
                    fam,
                    Vec::new(),
                    scores,
                    spec.params,
                    spec.license,
                    MType::Pretrained,
                )
            }
        };
        let created = match spec.hub_date {
            Some((y, m, d)) => at(y, m, d) + (time % DAY).min(DAY / 2),
            None => time,
        };
        let mut flags = 0;
        if spec.moe {
            flags |= flag::MOE;
        }
        if spec.released == (2022, 3, 2) {
            flags |= flag::EPOCH | flag::PYTORCH;
        }
        let card = if kind == Kind::Official {
            Card::Declared
        } else if self.r.chance(0.2) {
            Card::Unknown
        } else {
            Card::Empty
        };
        let model = Model {
            author,
            owner: NONE,
            created,
            modified: created,
            parents_at: 0,
            first_child: NONE,
            children: 0,
            downloads: 0,
            likes: 0,
            scores: to_scores(scores),
            params,
            family,
            flags,
            kind,
            mtype,
            card,
            license,
            n_parents: 0,
            base: b as u8,
        };
        self.taken.insert(fingerprint(spec.id));
        let id = self.add_model(spec.id, model, &parents);
        for _ in 0..spec.weight / 4 {
            self.pool.push(id);
            self.w.families[family as usize].pool.push(id);
        }
        self.released.push(id);
        self.released_at.push(time);
    }

    /// A released base or official version, by popularity, boosted while recent.
    fn pick_base(&mut self, t: u32) -> u32 {
        let weights: Vec<u32> = self
            .released
            .iter()
            .zip(&self.released_at)
            .map(|(&m, &rel)| {
                let spec = &BASES[self.w.models[m as usize].base as usize];
                let age = (t.saturating_sub(rel)) / DAY;
                let boost = match age {
                    0..=44 => 6,
                    45..=119 => 3,
                    120..=364 => 2,
                    _ => 1,
                };
                spec.weight * boost
            })
            .collect();
        self.released[self.r.weighted(&weights)]
    }

    /// Preferential attachment with a lean towards the recent end of the pool.
    fn pick_pool(r: &mut Rand, pool: &[u32]) -> u32 {
        if r.chance(0.15) {
            *r.pick(pool)
        } else {
            let window = (pool.len() / 8).max(64).min(pool.len());
            pool[pool.len() - 1 - r.below(window)]
        }
    }

    fn kind_at(&mut self, t: u32) -> Kind {
        if t < at(2022, 3, 3) {
            return Kind::Finetune;
        }
        let (m0, m1) = (at(2023, 10, 1), at(2024, 1, 15));
        let merge = if t < m0 {
            0.0
        } else if t < m1 {
            0.24 * f64::from(t - m0) / f64::from(m1 - m0)
        } else {
            0.24
        };
        let adapter = if t < at(2023, 3, 1) { 0.02 } else { 0.08 };
        let quantized = if t < at(2023, 5, 1) { 0.03 } else { 0.11 };
        let x = self.r.unit();
        if x < merge {
            Kind::Merge
        } else if x < merge + adapter {
            Kind::Adapter
        } else if x < merge + adapter + quantized {
            Kind::Quantized
        } else if x < merge + adapter + quantized + 0.015 {
            Kind::ContinuedPretraining
        } else {
            Kind::Finetune
        }
    }

    fn single_parent(&mut self, t: u32, p_base: f64) -> u32 {
        if self.pool.is_empty() || self.r.chance(p_base) {
            self.pick_base(t)
        } else {
            Gen::pick_pool(&mut self.r, &self.pool)
        }
    }

    /// A family for a mixture-of-experts merge (`k` experts) or an upscaled one (`k` = 1)
    /// of `family`, created on first use.
    fn variant(&mut self, family: u16, k: u8) -> u16 {
        let f = &self.w.families[family as usize];
        let (root, arch, params) = (f.root, f.arch, f.params);
        if let Some(i) = self
            .w
            .families
            .iter()
            .position(|x| x.root == root && x.variant == k)
        {
            return i as u16;
        }
        let per = BASES[root as usize].size;
        let (arch, params, size, moe) = if k == 1 {
            let p = params * 3 / 2;
            (arch, p, format!("{}.{}B", p / 10, p % 10), false)
        } else {
            let p = (u32::from(params) * (86 * u32::from(k) + 14) / 100) as u16;
            (
                bases::MIXTRAL,
                p,
                format!("{k}x{}", per.to_uppercase()),
                true,
            )
        };
        let stem = BASES[root as usize].stem.to_string();
        self.w.families.push(Family {
            arch,
            params,
            moe,
            stem,
            size,
            root,
            variant: k,
            pool: Vec::new(),
            merges: Vec::new(),
        });
        (self.w.families.len() - 1) as u16
    }

    fn merge_parents(&mut self, t: u32) -> (Vec<u32>, u16, bool) {
        let k = match self.r.below(100) {
            0..=71 => 2,
            72..=89 => 3,
            90..=95 => 4,
            _ => 5 + self.r.below(2),
        };
        // Merge tooling is built for the modern architectures, and mergers gather around the
        // popular bases: other families are rarely merged.
        let mut first = NONE;
        for _ in 0..8 {
            first = if !self.merge_pool.is_empty() && self.r.chance(0.45) {
                Gen::pick_pool(&mut self.r, &self.merge_pool)
            } else {
                self.single_parent(t, 0.15)
            };
            let f = &self.w.families[self.w.models[first as usize].family as usize];
            let accept = if bases::MERGEABLE.contains(&f.arch) {
                f64::from(BASES[f.root as usize].weight) / 50.0
            } else {
                0.05
            };
            if self.r.chance(accept) {
                break;
            }
        }
        let family = self.w.models[first as usize].family;
        let mut parents = vec![first];
        for _ in 0..k * 3 {
            if parents.len() == k {
                break;
            }
            let f = &self.w.families[family as usize];
            let pool = if !f.merges.is_empty() && self.r.chance(0.5) {
                &f.merges
            } else {
                &f.pool
            };
            // Mergers pick well-scoring ingredients: the better of two candidates.
            let a = Gen::pick_pool(&mut self.r, pool);
            let b = Gen::pick_pool(&mut self.r, pool);
            let p = if self.w.models[a as usize].average() >= self.w.models[b as usize].average() {
                a
            } else {
                b
            };
            if !parents.contains(&p) {
                parents.push(p);
            }
        }
        let f = &self.w.families[family as usize];
        let (arch, params, moe) = (f.arch, f.params, f.moe);
        let small = params <= 80 && (arch == bases::MISTRAL || arch == bases::LLAMA);
        let x = self.r.unit();
        if small && !moe && x < 0.07 {
            let k = if parents.len() >= 4 { 4 } else { 2 };
            (parents, self.variant(family, k), true)
        } else if small && !moe && parents.len() == 2 && x < 0.12 {
            (parents, self.variant(family, 1), false)
        } else {
            (parents, family, moe)
        }
    }

    fn pick_author(&mut self, kind: Kind, parent: u32) -> u32 {
        if kind == Kind::Quantized && self.r.chance(0.6) {
            let weights: Vec<u32> = (0..self.quantizers.len() as u32)
                .map(|i| 60 / (i + 1))
                .collect();
            return self.quantizers[self.r.weighted(&weights)];
        }
        if parent != NONE {
            let pm = &self.w.models[parent as usize];
            let a = pm.author;
            if !matches!(pm.kind, Kind::Base | Kind::Official)
                && !self.w.authors[a as usize].quantizer
                && self.r.chance(0.1)
            {
                return a;
            }
        }
        if self.author_pool.is_empty() || self.r.chance(0.35) {
            if self.r.chance(0.08) {
                let name = names::org(&mut self.r);
                return self.new_org(&name);
            }
            let team = if !self.author_pool.is_empty() && self.r.chance(0.15) {
                let a = Gen::pick_recent(&mut self.r, &self.author_pool);
                let a = &self.w.authors[a as usize];
                let t = a.team;
                (!a.org && self.w.teams[t as usize].len() < 6).then_some(t)
            } else {
                None
            };
            return self.new_user(team);
        }
        // Yule: in proportion to models made, mostly by authors active lately.
        Gen::pick_recent(&mut self.r, &self.author_pool)
    }

    /// From the whole of `pool` now and then, mostly from its recent fifth.
    fn pick_recent(r: &mut Rand, pool: &[u32]) -> u32 {
        if r.chance(0.15) {
            *r.pick(pool)
        } else {
            let window = (pool.len() / 5).max(32).min(pool.len());
            pool[pool.len() - 1 - r.below(window)]
        }
    }

    fn join(parts: &[&str]) -> String {
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("-")
    }

    fn model_name(&mut self, kind: Kind, family: u16, parents: &[u32], author: u32) -> String {
        let Gen {
            w,
            r,
            taken,
            series,
            ..
        } = self;
        let f = &w.families[family as usize];
        let (stem, size, moe) = (f.stem.as_str(), f.size.as_str(), f.moe);
        let parent_name = w.name(parents[0]);
        let parent_short = parent_name
            .split_once('/')
            .map(|(_, s)| s)
            .unwrap_or(parent_name);
        let reuse = parent_short.len() <= 30;
        let mut name = match kind {
            Kind::Quantized => {
                if reuse {
                    format!("{parent_short}-{}", r.one(&names::QUANT))
                } else {
                    Gen::join(&[&names::brand(r), size, r.one(&names::QUANT)])
                }
            }
            Kind::Adapter => {
                if reuse && r.chance(0.5) {
                    format!("{parent_short}-{}", r.one(&names::ADAPTER))
                } else {
                    let s = names::maybe_lower(r, stem);
                    Gen::join(&[&s, r.one(&names::ADAPTER), r.one(&names::TUNE)])
                }
            }
            Kind::ContinuedPretraining => {
                let tail = r.one(&["base", "cpt", "continued", "pt"]);
                Gen::join(&[stem, r.one(&names::LANGS), tail])
            }
            Kind::Merge => {
                let method = r.one(&names::MERGE_METHODS);
                if moe {
                    let mut s = Gen::join(&[&names::brand(r), size]);
                    if r.chance(0.5) {
                        s.push_str("-MoE");
                    }
                    s
                } else {
                    match r.below(20) {
                        0..=6 => Gen::join(&[
                            &format!("{}{}", r.one(&names::BRANDS), r.one(&names::BRANDS)),
                            size,
                            method,
                        ]),
                        7..=11 => Gen::join(&[&names::brand(r), size, method]),
                        12..=16 => {
                            let n = &mut series[author as usize];
                            *n = n.saturating_add(1);
                            let n = *n;
                            let brand = names::brand(r);
                            let sep = if r.chance(0.5) { "Merges_" } else { "Merge-" };
                            Gen::join(&[&format!("{brand}{sep}{n}"), size, method])
                        }
                        _ if reuse && !parent_short.contains(method) => {
                            format!("{parent_short}-{method}")
                        }
                        _ => Gen::join(&[&names::brand(r), size, method]),
                    }
                }
            }
            _ => {
                let tune = r.one(&names::TUNE);
                let mut s = match r.below(20) {
                    0..=6 => {
                        let s = names::maybe_lower(r, stem);
                        Gen::join(&[&s, tune])
                    }
                    7..=13 => Gen::join(&[&names::brand(r), size]),
                    _ if reuse => format!("{parent_short}-{tune}"),
                    _ => Gen::join(&[stem, tune]),
                };
                if r.chance(0.3) {
                    let n = r.range(1, 9);
                    s.push_str(&names::version(r, n));
                }
                s
            }
        };
        let ns = w.author_name(author);
        let base_len = name.len();
        let mut k = 2;
        while !taken.insert(fingerprint_id(ns, &name)) {
            name.truncate(base_len);
            if k < 5 {
                name.push_str(&format!("-v{k}"));
                k += 1;
            } else {
                name.push_str(&format!("-{}", r.range(5, 99_999)));
            }
        }
        let mut id = String::with_capacity(ns.len() + 1 + name.len());
        id.push_str(ns);
        id.push('/');
        id.push_str(&name);
        id
    }

    fn mtype_of(&mut self, kind: Kind, parent: u32) -> MType {
        let x = self.r.below(100);
        match kind {
            Kind::Finetune => match x {
                0..=29 => MType::Chat,
                30..=96 => MType::FineTuned,
                _ => MType::Unknown,
            },
            Kind::ContinuedPretraining => {
                if x < 80 {
                    MType::Continued
                } else {
                    MType::Pretrained
                }
            }
            Kind::Merge => match x {
                0..=85 => MType::Merge,
                86..=93 => MType::FineTuned,
                _ => MType::Chat,
            },
            Kind::Adapter => {
                if x < 70 {
                    MType::FineTuned
                } else {
                    MType::Chat
                }
            }
            Kind::Quantized => match self.w.models[parent as usize].mtype {
                MType::Pretrained => MType::Pretrained,
                t => t,
            },
            Kind::Base => MType::Pretrained,
            Kind::Official => MType::Chat,
        }
    }

    fn license_of(&mut self, parent: u32) -> u8 {
        let inherited = self.w.models[parent as usize].license;
        let x = self.r.below(100);
        if x < 62 && inherited != bases::NO_LICENSE {
            return inherited;
        }
        if x < 70 {
            return bases::NO_LICENSE;
        }
        let llama = matches!(inherited, bases::LLAMA2 | bases::LLAMA3);
        *self.r.pick(if llama {
            &[
                bases::LLAMA2,
                bases::LLAMA2,
                bases::APACHE,
                bases::OTHER,
                bases::CC_BY_NC,
                bases::MIT,
            ]
        } else {
            &[
                bases::APACHE,
                bases::APACHE,
                bases::MIT,
                bases::CC_BY_NC,
                bases::OTHER,
                bases::OTHER,
                bases::APACHE,
                bases::UNKNOWN,
            ]
        })
    }

    fn add_derivative(&mut self, t: u32) {
        let kind = self.kind_at(t);
        let (parents, family, moe) = match kind {
            Kind::Merge => self.merge_parents(t),
            Kind::Quantized | Kind::Adapter => {
                let p = self.single_parent(t, 0.25);
                (vec![p], self.w.models[p as usize].family, false)
            }
            _ => {
                let p = self.single_parent(t, 0.3);
                (vec![p], self.w.models[p as usize].family, false)
            }
        };
        let first = parents[0];
        let author = self.pick_author(kind, first);
        let name = self.model_name(kind, family, &parents, author);
        let mtype = self.mtype_of(kind, first);
        let start = if parents.len() == 1 {
            from_scores(self.w.models[first as usize].scores)
        } else {
            let mut mean = [0.0; 6];
            for &p in &parents {
                for (m, s) in mean
                    .iter_mut()
                    .zip(from_scores(self.w.models[p as usize].scores))
                {
                    *m += s / parents.len() as f64;
                }
            }
            mean
        };
        let scores = evolve(start, kind, mtype, &mut self.r);
        let license = self.license_of(first);
        let parent_moe = self.w.models[first as usize].has(flag::MOE);
        let mut flags = 0;
        if moe || parent_moe || self.w.families[family as usize].moe {
            flags |= flag::MOE;
        }
        if t < at(2022, 3, 3) {
            flags |= flag::EPOCH;
        }
        let pytorch = if t < at(2023, 10, 1) { 0.6 } else { 0.15 };
        if self.r.chance(pytorch) {
            flags |= flag::PYTORCH;
        }
        let card = match self.r.below(1000) {
            0..=109 => Card::Empty,
            110..=149 => Card::Unknown,
            150..=157 => Card::EmptyList,
            _ => Card::Declared,
        };
        let mut owner = NONE;
        if self.r.chance(0.03) {
            let team = &self.w.teams[self.w.authors[author as usize].team as usize];
            let mates: Vec<u32> = team.iter().copied().filter(|&a| a != author).collect();
            owner = if !mates.is_empty() && self.r.chance(0.4) {
                *self.r.pick(&mates)
            } else if !self.orgs.is_empty() && self.r.chance(0.7) {
                *self.r.pick(&self.orgs)
            } else {
                let name = names::org(&mut self.r);
                self.new_org(&name)
            };
            if owner == author {
                owner = NONE;
            }
        }
        if owner != NONE {
            flags |= flag::MOVED;
            let short = name.split_once('/').map(|(_, s)| s).unwrap_or(&name);
            let new_id = fingerprint_id(self.w.author_name(owner), short);
            if self.taken.insert(new_id) {
                flags |= flag::NEW_ID_FREE;
            }
        }
        let model = Model {
            author,
            owner,
            created: t,
            modified: t,
            parents_at: 0,
            first_child: NONE,
            children: 0,
            downloads: 0,
            likes: 0,
            scores: to_scores(scores),
            params: self.w.families[family as usize].params,
            family,
            flags,
            kind,
            mtype,
            card,
            license,
            n_parents: 0,
            base: u8::MAX,
        };
        self.add_model(&name, model, &parents);
        if !self.w.authors[author as usize].quantizer {
            self.author_pool.push(author);
        }
    }

    /// What is only known once everything exists: popularity, last change, which sources
    /// describe each model, flags.
    fn finish(&mut self) {
        let seed = self.w.seed;
        let end = snapshot_end();
        let api_from = at(2024, 4, 1);
        let mut any_api = false;
        for (i, m) in self.w.models.iter_mut().enumerate() {
            let mut r = Rand::stream(seed, 0x5e, i as u64);
            let children = f64::from(m.children);
            let downloads = match m.kind {
                Kind::Base | Kind::Official => {
                    let spec = &BASES[m.base as usize];
                    f64::from(spec.weight) * 20_000.0 * (0.5 + r.unit()) + r.heavy(0.5, 5)
                }
                _ => {
                    let mut d = r.heavy(0.5, 4) * 12.0 * (1.0 + 0.4 * children);
                    if m.kind == Kind::Quantized {
                        d *= 4.0;
                    } else if m.kind == Kind::Adapter {
                        d *= 0.3;
                    }
                    if r.chance(0.03) {
                        0.0
                    } else {
                        d
                    }
                }
            };
            m.downloads = downloads.min(3.9e9) as u32;
            let likes = match m.kind {
                Kind::Base | Kind::Official => {
                    f64::from(BASES[m.base as usize].weight) * 40.0 * (0.5 + r.unit())
                }
                _ if r.chance(0.45) => 0.0,
                _ => {
                    let u = r.unit();
                    r.heavy(0.3, 3) - 1.0 + downloads / (400.0 + 3000.0 * u) + children * u
                }
            };
            m.likes = likes as u32;
            let age = end.saturating_sub(m.created);
            let delta = if r.chance(0.35) {
                r.below(6 * 3600) as u32
            } else {
                (r.heavy(0.5, 3) * f64::from(DAY) / 4.0) as u32
            };
            // A change that would fall after the snapshot happened some time before it.
            let delta = if delta >= age && age > 0 {
                r.below(age as usize) as u32
            } else {
                delta
            };
            m.modified = m.created + delta.min(age.saturating_sub(1));

            let mut f = m.flags;
            match m.kind {
                Kind::Base | Kind::Official => {
                    let spec = &BASES[m.base as usize];
                    if spec.described {
                        f |= flag::DESCRIBED | flag::DETAILS | flag::LEADERBOARD;
                        if spec.gated {
                            f |= flag::FAILED;
                        } else {
                            f |= flag::COMMITS;
                            if r.chance(0.3) {
                                f |= flag::HUB_API;
                            }
                        }
                    }
                }
                Kind::Quantized if r.chance(0.8) => {
                    f |= flag::DESCRIBED | flag::HUB_API;
                }
                kind => {
                    f |= flag::DESCRIBED;
                    if r.chance(0.11) {
                        f |= flag::UNAVAILABLE;
                        if r.chance(0.55) {
                            f |= flag::FAILED;
                        }
                    }
                    let details = r.chance(0.98);
                    if details {
                        f |= flag::DETAILS;
                    }
                    let evaluated = match kind {
                        Kind::Merge => 0.8,
                        Kind::Adapter => 0.45,
                        Kind::ContinuedPretraining => 0.6,
                        Kind::Quantized => 0.6,
                        _ => 0.72,
                    };
                    if !details || r.chance(evaluated) {
                        f |= flag::LEADERBOARD;
                    }
                    let commits = if f & flag::FAILED != 0 { 0.3 } else { 0.92 };
                    if details && r.chance(commits) {
                        f |= flag::COMMITS;
                    }
                    let api = if m.created >= api_from { 0.08 } else { 0.03 };
                    if f & (flag::FAILED | flag::UNAVAILABLE) == 0 && r.chance(api) {
                        f |= flag::HUB_API;
                    }
                }
            }
            if f & flag::LEADERBOARD != 0 {
                let hot = m.kind == Kind::Merge && m.average() > 7200;
                if r.chance(if hot { 0.06 } else { 0.012 }) {
                    f |= flag::FLAGGED;
                }
            }
            any_api |= f & flag::HUB_API != 0;
            m.flags = f;
        }
        // A few cards name their own first derivative as a base. The derivative's card
        // must then name its parent cleanly (see `World::claimed`), or no cycle would close.
        // About 1.2% of the eligible, at least one: the sample always shows a cycle.
        let mut eligible: Vec<(u64, u32)> = Vec::new();
        for (m, x) in self.w.models.iter().enumerate() {
            let c = x.first_child;
            if x.kind != Kind::Finetune || c == NONE {
                continue;
            }
            let child = &self.w.models[c as usize];
            if child.card == Card::Declared
                && child.n_parents == 1
                && child.has(flag::DETAILS)
                && !child.has(flag::FAILED)
            {
                eligible.push((Rand::stream(seed, 0xcc, m as u64).u64(), m as u32));
            }
        }
        let k = (eligible.len() * 12).div_ceil(1000);
        if k > 0 && k < eligible.len() {
            eligible.select_nth_unstable(k - 1);
        }
        for &(_, m) in eligible.iter().take(k) {
            self.w.models[m as usize].flags |= flag::CLAIMS_CHILD;
        }
        if !any_api {
            if let Some(m) = self
                .w
                .models
                .iter_mut()
                .rev()
                .find(|m| m.has(flag::DESCRIBED) && !m.has(flag::FAILED))
            {
                m.flags |= flag::HUB_API;
            }
        }
    }
}

/// Grows an ecosystem of `n` models (bases included) from `seed`.
pub fn generate(n: usize, seed: u64) -> World {
    let mut g = Gen::new(seed, n);
    g.init_people();
    // Bases in release order (the table's order among equals), each with a time of day.
    let nb = n.min(BASES.len());
    let mut base_times: Vec<(u32, usize)> = Vec::with_capacity(nb);
    for (b, spec) in BASES.iter().enumerate().take(nb) {
        let (y, m, d) = spec.released;
        let t = if spec.released == (2022, 3, 2) {
            EPOCH_TIME
        } else if let Some(of) = spec.of {
            let base_t = base_times
                .iter()
                .find(|(_, i)| BASES[*i].id == of)
                .map(|&(t, _)| t)
                .unwrap_or(at(y, m, d));
            base_t.max(at(y, m, d)) + g.r.range(600, 7200)
        } else {
            at(y, m, d) + g.r.range(8 * 3600, 20 * 3600)
        };
        base_times.push((t, b));
    }
    base_times.sort_unstable();
    let times = timeline(n - nb, &mut g.r);
    let mut next_base = 0;
    for t in times {
        while next_base < base_times.len() && base_times[next_base].0 <= t {
            let (bt, b) = base_times[next_base];
            g.add_base(b, bt);
            next_base += 1;
        }
        if g.released.is_empty() {
            // Only possible for tiny sizes: release the next base early.
            if let Some(&(_, b)) = base_times.get(next_base) {
                g.add_base(b, t);
                next_base += 1;
            }
        }
        g.add_derivative(t);
    }
    for &(bt, b) in &base_times[next_base..] {
        g.add_base(b, bt);
    }
    g.finish();
    g.w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_are_older_and_counts_add_up() {
        let w = generate(3000, 5);
        assert_eq!(w.models.len(), 3000);
        for (i, m) in w.models.iter().enumerate() {
            for &p in w.parents_of(i as u32) {
                assert!((p as usize) < i);
                let pm = &w.models[p as usize];
                if m.kind != Kind::Official && pm.kind != Kind::Base {
                    assert!(
                        pm.created <= m.created,
                        "{} {}",
                        w.name(p),
                        w.name(i as u32)
                    );
                }
            }
        }
        let mut lower: Vec<String> = (0..3000).map(|i| w.name(i).to_lowercase()).collect();
        lower.sort();
        lower.dedup();
        assert_eq!(lower.len(), 3000, "ids are unique case-insensitively");
    }

    #[test]
    fn tiny_ecosystems_work() {
        for n in [0, 1, 5, 52, 53, 60] {
            let w = generate(n, 1);
            assert_eq!(w.models.len(), n);
        }
    }
}
