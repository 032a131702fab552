//! Building a graph: records from every input are merged into one node per model (ids
//! compared case-insensitively), parent references are resolved (ids, aliases, stubs),
//! edges are de-duplicated and given their kind, and cycles are found and marked.
//!
//! Inputs are fed in priority order (Hub API, Hub metadata, listing, leaderboards, commits):
//! for every attribute the first source that gives a value wins, so better sources are read
//! first and later ones only fill gaps.

use rayon::prelude::*;
use std::path::Path;

use super::{Csr, LineageGraph, Source};
use crate::error::IngestError;
use crate::ingest::config_rows;
use crate::ingest::refs::{classify, AliasTable, RefClass};
use crate::ingest::report::{BuildReport, Cycle, Reference};
use crate::ingest::{FileSummary, Fold, ModelRecord, ParentRef, RowIssue, Sink};

/// Benchmark index of a score cell that clears its model's cells of one board (the board's
/// index is the cell's value).
const RESET_ROW: u16 = u16::MAX;
use crate::intern::{NameTable, NONE};
use crate::model::{Board, Day, EdgeKind, Flags, Model, ModelType, Stamp};

/// A model whose Hub creation date is known to be wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct DateCorrection {
    /// The model's id.
    pub model: String,
    /// Its true creation date.
    pub created: Day,
    /// Why the Hub's date is wrong.
    pub reason: String,
}

/// The date corrections that ship with the project.
pub const DEFAULT_DATE_CORRECTIONS: &str = include_str!("../../graphs/date-corrections.csv");

impl DateCorrection {
    /// Parses `model,created,reason` lines (header and `#` comments allowed).
    pub fn parse(path: &Path, text: &str) -> Result<Vec<DateCorrection>, IngestError> {
        let mut out = Vec::new();
        let rows = config_rows(path, text)?;
        // The first row is the header; a file without it is not a table of corrections.
        match rows.first() {
            Some((_, h)) if h.get(0).map(str::trim) == Some("model") => {}
            first => {
                let (line, found) = first
                    .map(|(l, h)| (*l, h.iter().collect::<Vec<_>>().join(",")))
                    .unwrap_or((1, String::new()));
                return Err(IngestError::Config {
                    path: path.into(),
                    line,
                    detail: format!(
                        "expected the header 'model,created,reason', found '{}'",
                        crate::ingest::shown(&found)
                    ),
                });
            }
        }
        for (line, rec) in rows.into_iter().skip(1) {
            let created =
                Day::parse(rec.get(1).unwrap_or("")).ok_or_else(|| IngestError::Config {
                    path: path.into(),
                    line,
                    detail: format!(
                        "field 'created': '{}' is not a date (YYYY-MM-DD)",
                        crate::ingest::shown(rec.get(1).unwrap_or(""))
                    ),
                })?;
            out.push(DateCorrection {
                model: rec.get(0).unwrap_or("").trim().to_string(),
                created,
                reason: rec.get(2).unwrap_or("").trim().to_string(),
            });
        }
        Ok(out)
    }

    /// The built-in corrections (`graphs/date-corrections.csv`).
    pub fn builtin() -> Vec<DateCorrection> {
        DateCorrection::parse(
            Path::new("graphs/date-corrections.csv"),
            DEFAULT_DATE_CORRECTIONS,
        )
        .expect("the shipped date corrections are well-formed")
    }
}

/// How a build cleans and resolves (each cleaning step can be switched off).
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Free-text base-model names and the repo ids they stand for.
    pub aliases: AliasTable,
    /// Creation dates to replace.
    pub date_corrections: Vec<DateCorrection>,
    /// Where no source gives a creation date, use the repo's first commit (read from a
    /// commit history). Counted in the build report; on by default.
    pub commit_dates: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            aliases: AliasTable::builtin(),
            date_corrections: DateCorrection::builtin(),
            commit_dates: true,
        }
    }
}

/// A reference that can only be resolved once every model is known.
struct PendingRef {
    child: u32,
    name: Box<str>,
    relation: Option<EdgeKind>,
    file: u32,
    line: u64,
    field: &'static str,
}

/// A parent edge as read, before de-duplication.
#[derive(Clone, Copy)]
struct RawEdge {
    parent: u32,
    child: u32,
    relation: Option<EdgeKind>,
}

/// A record's tags, datasets and contributors (trimmed) as ids into the tables of the reader
/// that read it (see [`GraphBuilder::local_value`]).
#[derive(Debug, Default)]
pub struct RecordValues {
    /// Which reader's tables the ids are in.
    pub reader: u32,
    /// Tags, as ids of the reader's symbol table.
    pub tags: Vec<u32>,
    /// Datasets, as ids of the reader's symbol table.
    pub datasets: Vec<u32>,
    /// Contributors (trimmed), as ids of the reader's contributor table.
    pub contributors: Vec<u32>,
}

/// The strings of one reader's table, in id order, and the graph id each maps to once it is
/// needed ([`NONE`] before).
#[derive(Debug, Default)]
struct LocalTable {
    strings: Vec<Box<str>>,
    global: Vec<u32>,
}

/// One reader's tables: symbols (tags and datasets) and contributor names.
#[derive(Debug, Default)]
struct LocalValues {
    symbols: LocalTable,
    contributors: LocalTable,
}

/// Builds a [`LineageGraph`] from the records of the inputs, file by file: interns ids, merges records of one model by source priority, resolves parents and marks cycles.
pub struct GraphBuilder {
    opts: BuildOptions,
    /// Tables of the readers that intern on their own threads, by reader.
    locals: Vec<LocalValues>,
    names: NameTable,
    models: Vec<Model>,
    authors: NameTable,
    symbols: NameTable,
    benchmarks: NameTable,
    /// (model, benchmark, value); a [`RESET_ROW`] cell clears what came before for its model.
    score_cells: Vec<(u32, u16, f32)>,
    /// The input each model's scores came from, per board ([`NONE`] before any).
    score_source: Vec<[u32; 2]>,
    /// Each benchmark's board, by benchmark index.
    benchmark_boards: Vec<Board>,
    /// The first commit of each model's repo, where a commit history gave one.
    first_commits: Vec<Option<Stamp>>,
    edges: Vec<RawEdge>,
    pending: Vec<PendingRef>,
    files: Vec<String>,
    tag_pairs: Vec<(u32, u32)>,
    dataset_pairs: Vec<(u32, u32)>,
    contributor_pairs: Vec<(u32, u32)>,
    sources: Vec<Source>,
    /// The input that first described each model ([`NONE`] for stubs).
    described_in: Vec<u32>,
    /// Models an input describes that an earlier input described first: (earlier, later).
    overlaps: rustc_hash::FxHashMap<(u32, u32), u64>,
    report: BuildReport,
}

impl GraphBuilder {
    /// A builder that cleans with `opts`.
    pub fn new(opts: BuildOptions) -> Self {
        GraphBuilder {
            opts,
            locals: Vec::new(),
            names: NameTable::new(),
            models: Vec::new(),
            authors: NameTable::new(),
            symbols: NameTable::exact(),
            benchmarks: NameTable::exact(),
            score_cells: Vec::new(),
            score_source: Vec::new(),
            benchmark_boards: Vec::new(),
            first_commits: Vec::new(),
            edges: Vec::new(),
            pending: Vec::new(),
            files: Vec::new(),
            tag_pairs: Vec::new(),
            dataset_pairs: Vec::new(),
            contributor_pairs: Vec::new(),
            sources: Vec::new(),
            described_in: Vec::new(),
            overlaps: Default::default(),
            report: BuildReport::default(),
        }
    }

    /// Reserves room for what `bytes` of input are likely to hold, so the largest tables do
    /// not grow by copying themselves again and again. The guesses err on the large side:
    /// reserved room that is never written costs address space, not memory. Where even the
    /// address space cannot be had, the tables grow as they fill.
    pub fn reserve_for_input(&mut self, bytes: u64) {
        let room = |per: u64| usize::try_from(bytes / per).unwrap_or(usize::MAX);
        let models = room(256);
        self.names.reserve(models);
        let _ = self.models.try_reserve(models);
        let _ = self.score_source.try_reserve(models);
        let _ = self.first_commits.try_reserve(models);
        let _ = self.described_in.try_reserve(models);
        let _ = self.tag_pairs.try_reserve(room(32));
        let _ = self.score_cells.try_reserve(room(32));
    }

    /// Starts a new input file; records that follow come from it.
    pub fn begin_file(&mut self, path: &str) {
        self.files.push(path.to_string());
    }

    /// Ends the current file with what its reader counted.
    pub fn end_file(&mut self, summary: FileSummary) {
        self.sources.push(Source {
            path: summary.path.clone(),
            format: summary
                .format
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
            rows: summary.rows,
            records: summary.records,
        });
        self.report.duplicates_merged += summary.duplicates_merged;
        self.report.inputs.push(summary);
    }

    fn file_index(&self) -> u32 {
        self.files.len().saturating_sub(1) as u32
    }

    fn file_name(&self, idx: u32) -> String {
        self.files.get(idx as usize).cloned().unwrap_or_default()
    }

    /// The node for `id`, created (as a stub until described) if new.
    fn node(&mut self, id: &str) -> u32 {
        let (v, new) = self.names.intern(id);
        if new {
            let mut m = Model::default();
            m.flags.set(Flags::STUB, true);
            if let Some((ns, _)) = id.split_once('/') {
                m.author = self.authors.intern(ns).0;
            }
            self.models.push(m);
            self.score_source.push([NONE; 2]);
            self.first_commits.push(None);
            self.described_in.push(NONE);
        }
        v
    }

    fn symbol(&mut self, value: &Option<String>) -> u32 {
        match value {
            Some(v) if !v.is_empty() => self.symbols.intern(v).0,
            _ => NONE,
        }
    }

    fn add_record(&mut self, rec: ModelRecord) {
        self.add_record_with(rec, None);
    }

    /// Merges one record; its tags, datasets and contributors are in `side` when a reader
    /// interned them, in the record otherwise.
    fn add_record_with(&mut self, mut rec: ModelRecord, side: Option<RecordValues>) {
        // A legacy id (`gpt2`) is the repo the alias table names, for the row that describes
        // it as for the references that name it: both must land on one node.
        if let Some(target) = self.opts.aliases.resolve(rec.id.trim()) {
            if !crate::intern::same_id(rec.id.trim(), target) {
                let file = self.file_index();
                self.report.aliased_records.count += 1;
                self.report.aliased_records.references.push(Reference {
                    file: self.file_name(file),
                    line: rec.line,
                    field: "id".into(),
                    child: target.to_string(),
                    value: format!("{} -> {target}", crate::ingest::shown(rec.id.trim())),
                });
            }
            rec.id = target.to_string();
        }
        let v = self.node(&rec.id);
        let file = self.file_index();
        let was_stub = self.models[v as usize].is_stub();
        if was_stub {
            // First description: its spelling beats the one a reference gave.
            self.names.respell(v, &rec.id);
            self.described_in[v as usize] = file;
        } else if rec.fold == Fold::First && self.described_in[v as usize] != file {
            let first = self.described_in[v as usize];
            *self.overlaps.entry((first, file)).or_default() += 1;
        }
        let mut m = self.models[v as usize].clone();
        m.flags.set(Flags::STUB, false);
        // Suspicious means "described only by a copy": a real description clears it, and a
        // copy arriving after one does not set it.
        if rec.suspicious {
            if was_stub {
                m.flags.set(Flags::SUSPICIOUS, true);
            }
            self.models[v as usize] = m;
            return;
        }
        m.flags.set(Flags::SUSPICIOUS, false);
        let board = rec.scores.as_ref().map_or(Board::V1, |s| s.board);
        let scored_here = self.score_source[v as usize][board.index()] == file;
        if rec.fold != Fold::First {
            // Its repo's first row already counted the placeholders they share.
            rec.parents
                .retain(|p| !matches!(classify(&p.raw), RefClass::Empty(_)));
        }
        match rec.fold {
            Fold::Worse => {
                // Another evaluation of a repo this file already gave a better one of.
                m.evaluations = m.evaluations.saturating_add(rec.evaluations);
                self.models[v as usize] = m;
                self.add_parents(v, &rec.id, rec.parents, file, rec.line);
                return;
            }
            Fold::Better if scored_here => {
                // A better evaluation replaces the one this file gave before: its scores and
                // the precision it was run at.
                m.averages[board.index()] = None;
                m.precision = NONE;
                self.score_cells.push((v, RESET_ROW, board.index() as f32));
            }
            _ => {}
        }
        if let Some(owner) = rec.owner.as_deref().filter(|o| !o.is_empty()) {
            let namespace = rec.id.split_once('/').map(|(ns, _)| ns).unwrap_or("");
            if !crate::intern::same_id(owner, namespace) && m.owner == NONE {
                m.owner = self.authors.intern(owner).0;
                m.flags.set(Flags::MOVED, true);
            }
        }
        if m.created.is_none() {
            m.created = rec.created;
            m.created_at = rec.created_at.filter(|s| Some(s.day()) == rec.created);
        }
        m.last_modified = m.last_modified.or(rec.last_modified);
        if let Some(t) = rec.model_type {
            if m.model_type == ModelType::Unknown {
                m.model_type = t;
            }
        }
        for (slot, value) in [
            (&mut m.architecture, &rec.architecture),
            (&mut m.license, &rec.license),
            (&mut m.precision, &rec.precision),
            (&mut m.library, &rec.library),
            (&mut m.pipeline, &rec.pipeline),
        ] {
            if *slot == NONE {
                *slot = self.symbol(value);
            }
        }
        m.params_b = m.params_b.or(rec.params_b);
        m.downloads = m.downloads.or(rec.downloads);
        m.likes = m.likes.or(rec.likes);
        m.commits = m.commits.or(rec.commits);
        m.first_commit = m.first_commit.or(rec.first_commit.map(Stamp::day));
        m.last_commit = m.last_commit.or(rec.last_commit.map(Stamp::day));
        if let Some(first) = rec.first_commit {
            let slot = &mut self.first_commits[v as usize];
            *slot = Some(slot.map_or(first, |s| s.min(first)));
        }
        if let Some(scores) = &rec.scores {
            let board = scores.board.index();
            if m.averages[board].is_none() {
                m.averages[board] = Some(scores.average);
                self.score_source[v as usize][board] = file;
                for &(bench, value) in &scores.benchmarks {
                    let (b, new) = self.benchmarks.intern(bench);
                    if new {
                        self.benchmark_boards.push(scores.board);
                    }
                    self.score_cells.push((v, b as u16, value));
                }
            }
        }
        m.evaluations = m.evaluations.saturating_add(rec.evaluations);
        let merged = rec.merged == Some(true) || rec.model_type == Some(ModelType::Merge);
        for (bit, on) in [
            (Flags::FLAGGED, rec.flagged == Some(true)),
            (Flags::MERGED, merged),
            (Flags::MOE, rec.moe == Some(true)),
            (Flags::UNAVAILABLE, rec.available == Some(false)),
        ] {
            if on {
                m.flags.set(bit, true);
            }
        }
        self.models[v as usize] = m;
        match side {
            None => {
                for tag in rec.tags.iter() {
                    let t = self.symbols.intern(tag).0;
                    self.tag_pairs.push((v, t));
                }
                for d in rec.datasets.iter() {
                    let t = self.symbols.intern(d).0;
                    self.dataset_pairs.push((v, t));
                }
                for c in rec.contributors.iter() {
                    let a = self.authors.intern(c.trim()).0;
                    self.contributor_pairs.push((v, a));
                }
            }
            Some(side) => {
                let reader = side.reader as usize;
                for &l in &side.tags {
                    let t = self.local_symbol(reader, l);
                    self.tag_pairs.push((v, t));
                }
                for &l in &side.datasets {
                    let t = self.local_symbol(reader, l);
                    self.dataset_pairs.push((v, t));
                }
                for &l in &side.contributors {
                    let a = self.local_contributor(reader, l);
                    self.contributor_pairs.push((v, a));
                }
            }
        }
        self.add_parents(v, &rec.id, rec.parents, file, rec.line);
    }

    /// Merges a record whose tags, datasets and contributors a reader thread already
    /// interned into tables of its own (see `LocalValues`): the ids map to the graph's
    /// tables at the very points where interning the strings would have, so the graph is the
    /// one [`Sink::record`] builds from the same records.
    pub fn record_with_local_values(&mut self, rec: ModelRecord, side: RecordValues) {
        self.add_record_with(rec, Some(side));
    }

    /// The next string a reader's table gave an id to: symbols (tags, datasets) when
    /// `contributor` is false, contributor names otherwise.
    pub fn local_value(&mut self, reader: u32, contributor: bool, value: Box<str>) {
        let r = reader as usize;
        if self.locals.len() <= r {
            self.locals.resize_with(r + 1, Default::default);
        }
        let table = if contributor {
            &mut self.locals[r].contributors
        } else {
            &mut self.locals[r].symbols
        };
        table.strings.push(value);
        table.global.push(NONE);
    }

    fn local_symbol(&mut self, reader: usize, local: u32) -> u32 {
        let table = &mut self.locals[reader].symbols;
        let g = &mut table.global[local as usize];
        if *g == NONE {
            *g = self.symbols.intern(&table.strings[local as usize]).0;
        }
        *g
    }

    fn local_contributor(&mut self, reader: usize, local: u32) -> u32 {
        let table = &mut self.locals[reader].contributors;
        let g = &mut table.global[local as usize];
        if *g == NONE {
            *g = self.authors.intern(&table.strings[local as usize]).0;
        }
        *g
    }

    /// Adds the references of one row: one per parent, however many fields name it; an
    /// explicit relation wins.
    fn add_parents(&mut self, v: u32, id: &str, refs: Vec<ParentRef>, file: u32, line: u64) {
        let mut parents: Vec<ParentRef> = Vec::with_capacity(refs.len());
        for p in refs {
            match parents
                .iter_mut()
                .find(|q| crate::intern::same_id(q.raw.trim(), p.raw.trim()))
            {
                Some(q) => q.relation = q.relation.or(p.relation),
                None => parents.push(p),
            }
        }
        for p in parents {
            self.add_reference(v, id, &p.raw, p.relation, file, line, p.field);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_reference(
        &mut self,
        child: u32,
        child_name: &str,
        raw: &str,
        relation: Option<EdgeKind>,
        file: u32,
        line: u64,
        field: &'static str,
    ) {
        let reference = |s: &Self, value: &str| Reference {
            file: s.file_name(file),
            line,
            field: field.to_string(),
            child: child_name.to_string(),
            value: crate::ingest::kept_value(value),
        };
        let class = classify(raw);
        let target = match class {
            RefClass::Empty(p) => {
                *self
                    .report
                    .placeholder_references
                    .entry(p.to_string())
                    .or_default() += 1;
                return;
            }
            RefClass::Id(id) => match self.opts.aliases.resolve(id) {
                Some(t) => std::borrow::Cow::Owned(t.to_string()),
                // The common case: the id itself, looked up without a copy.
                None => std::borrow::Cow::Borrowed(id),
            },
            RefClass::FreeText(text) => match self.opts.aliases.resolve(text) {
                Some(t) => {
                    let mut r = reference(self, text);
                    r.value = format!("{} -> {t}", crate::ingest::shown(text));
                    self.report.aliased.count += 1;
                    self.report.aliased.references.push(r);
                    std::borrow::Cow::Owned(t.to_string())
                }
                None => {
                    self.pending.push(PendingRef {
                        child,
                        name: text.into(),
                        relation,
                        file,
                        line,
                        field,
                    });
                    return;
                }
            },
        };
        let parent = self.node(&target);
        if parent == child {
            let r = reference(self, &target);
            self.report.self_references.count += 1;
            self.report.self_references.references.push(r);
            return;
        }
        self.edges.push(RawEdge {
            parent,
            child,
            relation,
        });
    }

    /// Resolves what could not be resolved while reading: free-text names that match a
    /// model id exactly (legacy ids such as `gpt2`) or in the leaderboard's `ns_name` form.
    fn resolve_pending(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            let found = self.names.get(&p.name).or_else(|| {
                let (ns, rest) = p.name.split_once('_')?;
                self.names.get(&format!("{ns}/{rest}"))
            });
            let reference = Reference {
                file: self.file_name(p.file),
                line: p.line,
                field: p.field.to_string(),
                child: self.names.name(p.child).to_string(),
                value: crate::ingest::kept_value(&p.name),
            };
            match found {
                Some(parent) if parent == p.child => {
                    self.report.self_references.count += 1;
                    self.report.self_references.references.push(reference);
                }
                Some(parent) => self.edges.push(RawEdge {
                    parent,
                    child: p.child,
                    relation: p.relation,
                }),
                None => {
                    self.report.unresolved.count += 1;
                    self.report.unresolved.references.push(reference);
                }
            }
        }
    }

    /// Freezes everything read into a graph and its build report.
    pub fn finish(mut self) -> (LineageGraph, BuildReport) {
        self.resolve_pending();
        // Two inputs of one format that describe the same models are two versions of one
        // table (a repaired and an unrepaired export, say): both are read, but the earlier
        // one's values win, which is worth saying.
        let mut overlaps: Vec<((u32, u32), u64)> = self.overlaps.drain().collect();
        overlaps.sort_unstable();
        for ((first, second), models) in overlaps {
            let (Some(a), Some(b)) = (
                self.report.inputs.get(first as usize),
                self.report.inputs.get(second as usize),
            ) else {
                continue;
            };
            if a.format.is_some() && a.format == b.format {
                self.report
                    .same_models
                    .push(crate::ingest::report::Overlap {
                        first: a.path.clone(),
                        second: b.path.clone(),
                        format: a.format.map(|f| f.as_str().to_string()).unwrap_or_default(),
                        models,
                        second_records: b.records,
                    });
            }
        }
        if self.opts.commit_dates {
            for (m, first) in self.models.iter_mut().zip(&self.first_commits) {
                if let (None, Some(first)) = (m.created, first) {
                    m.created = Some(first.day());
                    m.created_at = Some(*first);
                    m.flags.set(Flags::CREATED_FROM_COMMIT, true);
                    self.report.created_from_commits += 1;
                }
            }
        }
        for c in std::mem::take(&mut self.opts.date_corrections) {
            if let Some(v) = self.names.get(&c.model) {
                let m = &mut self.models[v as usize];
                m.created = Some(c.created);
                // The corrected day, without a time of day: it was never the Hub's.
                m.created_at = None;
                m.flags.set(Flags::DATE_CORRECTED, true);
                self.report.date_corrections.push(format!(
                    "{} -> {} ({})",
                    self.names.name(v),
                    c.created,
                    c.reason
                ));
            }
        }
        let n = self.models.len();
        // What only reading needed goes before the adjacency and side tables are built, the
        // build's largest moment.
        drop((
            std::mem::take(&mut self.first_commits),
            std::mem::take(&mut self.score_source),
            std::mem::take(&mut self.described_in),
            std::mem::take(&mut self.locals),
        ));
        // No name is looked up from here on: freezing drops the lookup indexes before the
        // adjacency is built.
        let names = std::mem::take(&mut self.names).freeze();
        let authors = std::mem::take(&mut self.authors).freeze();
        let symbols = std::mem::take(&mut self.symbols).freeze();

        // One edge per (parent, child); an explicit relation beats an unspecified one.
        let mut edges = std::mem::take(&mut self.edges);
        edges.par_sort_unstable_by_key(|e| (e.child, e.parent, e.relation.is_none()));
        edges.dedup_by(|later, kept| later.child == kept.child && later.parent == kept.parent);
        // The merge rule: two or more parents, or a child marked as a merge.
        let mut kinds = Vec::with_capacity(edges.len());
        let mut i = 0;
        while i < edges.len() {
            let child = edges[i].child;
            let mut j = i;
            while j < edges.len() && edges[j].child == child {
                j += 1;
            }
            let several = j - i >= 2;
            let marked = self.models[child as usize].flags.has(Flags::MERGED);
            for e in &edges[i..j] {
                // A single parent with a relation the source states (a quantization of a
                // merge carries the merge's tags) keeps that relation; the mark only decides
                // where the source names a base without saying how it was used.
                kinds.push(match e.relation {
                    _ if several => EdgeKind::Merge,
                    Some(kind) => kind,
                    None if marked => EdgeKind::Merge,
                    None => EdgeKind::Unspecified,
                });
            }
            i = j;
        }
        // Forward adjacency sorted by parent; edges are numbered in that order.
        let mut order: Vec<u32> = (0..edges.len() as u32).collect();
        order.par_sort_unstable_by_key(|&k| (edges[k as usize].parent, edges[k as usize].child));
        let children = Csr::from_sorted(
            n,
            order
                .iter()
                .map(|&k| (edges[k as usize].parent, edges[k as usize].child)),
        );
        let edge_kinds: Vec<EdgeKind> = order.iter().map(|&k| kinds[k as usize]).collect();
        // Reverse adjacency: `edges` is sorted by child, so rows come out grouped.
        let mut edge_of = vec![0u32; edges.len()];
        for (pos, &k) in order.iter().enumerate() {
            edge_of[k as usize] = pos as u32;
        }
        let parents = Csr::from_sorted(n, edges.iter().map(|e| (e.child, e.parent)));
        let parent_edges = edge_of;
        drop(edges);

        // The cycle search and the score table are sequential passes: they run beside each
        // other and beside the sorting of the side tables.
        let w = self.benchmarks.len();
        // Each side table's pairs are dropped as soon as its rows are built.
        let side = |mut pairs: Vec<(u32, u32)>| {
            pairs.par_sort_unstable();
            pairs.dedup();
            Csr::from_sorted(n, pairs.iter().copied())
        };
        let (tag_pairs, dataset_pairs, contributor_pairs) = (
            std::mem::take(&mut self.tag_pairs),
            std::mem::take(&mut self.dataset_pairs),
            std::mem::take(&mut self.contributor_pairs),
        );
        let (((cycles, edge_closes_cycle), scores), (tags, (datasets, contributors))) = rayon::join(
            || {
                rayon::join(
                    || {
                        let cycles = find_cycles(&children);
                        let closes = mark_cycle_edges(&children, &cycles);
                        (cycles, closes)
                    },
                    || {
                        score_table(
                            &mut self.score_cells,
                            &mut self.models,
                            &self.benchmark_boards,
                            w,
                        )
                    },
                )
            },
            || {
                rayon::join(
                    || side(tag_pairs),
                    || rayon::join(|| side(dataset_pairs), || side(contributor_pairs)),
                )
            },
        );

        let graph = LineageGraph {
            names,
            models: self.models.into(),
            authors,
            symbols,
            benchmarks: (0..w as u32)
                .map(|b| self.benchmarks.name(b).to_string())
                .collect(),
            benchmark_boards: self.benchmark_boards,
            scores: scores.into(),
            children,
            parents,
            parent_edges: parent_edges.into(),
            edge_kinds: edge_kinds.into(),
            edge_closes_cycle: edge_closes_cycle.into(),
            tags,
            datasets,
            contributors,
            facts: Default::default(),
            cycles,
            sources: self.sources,
        };
        let mut report = self.report;
        fill_counts(&graph, &mut report);
        (graph, report)
    }
}

impl Sink for GraphBuilder {
    fn record(&mut self, record: ModelRecord) {
        self.add_record(record);
    }
    fn issue(&mut self, issue: RowIssue) {
        self.report.add_issue(issue);
    }
}

/// The score table, a row of `w` cells per scored model (`NaN` where a benchmark has no
/// value), from the cells as read; sets each model's `scores_row`.
fn score_table(
    cells: &mut [(u32, u16, f32)],
    models: &mut [Model],
    boards: &[Board],
    w: usize,
) -> Vec<f32> {
    let mut scores = Vec::new();
    if w == 0 {
        return scores;
    }
    // Stable: a better evaluation's cells come after the reset that clears the row.
    cells.sort_by_key(|c| c.0);
    let mut last = NONE;
    let mut rows = 0u32;
    for &(v, b, value) in cells.iter() {
        if v != last {
            models[v as usize].scores_row = rows;
            rows += 1;
            scores.extend(std::iter::repeat_n(f32::NAN, w));
            last = v;
        }
        let row = models[v as usize].scores_row as usize;
        if b == RESET_ROW {
            let board = value as usize;
            for (cell, bb) in scores[row * w..(row + 1) * w].iter_mut().zip(boards) {
                if bb.index() == board {
                    *cell = f32::NAN;
                }
            }
        } else {
            scores[row * w + b as usize] = value;
        }
    }
    scores
}

/// Strongly connected components of more than one model (self-loops never get this far).
fn find_cycles(children: &Csr) -> Vec<Vec<u32>> {
    let mut sccs: Vec<Vec<u32>> = crate::algo::topo::strongly_connected(children)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|mut c| {
            c.sort_unstable();
            c
        })
        .collect();
    sccs.sort();
    sccs
}

/// Marks the back edges of a depth-first search over each cycle's members: removing
/// them leaves the graph acyclic, and only edges inside a cycle are ever marked.
fn mark_cycle_edges(children: &Csr, cycles: &[Vec<u32>]) -> Vec<bool> {
    let n = children.rows();
    let mut closes = vec![false; children.len()];
    if cycles.is_empty() {
        return closes;
    }
    let mut component = vec![NONE; n];
    for (i, c) in cycles.iter().enumerate() {
        for &v in c {
            component[v as usize] = i as u32;
        }
    }
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    for (ci, c) in cycles.iter().enumerate() {
        for &root in c {
            if state[root as usize] != 0 {
                continue;
            }
            let mut stack: Vec<(u32, usize)> = vec![(root, children.range(root).start)];
            state[root as usize] = 1;
            while let Some(&mut (v, ref mut pos)) = stack.last_mut() {
                let end = children.range(v).end;
                if *pos == end {
                    state[v as usize] = 2;
                    stack.pop();
                    continue;
                }
                let e = *pos;
                *pos += 1;
                let w = children.targets()[e];
                if component[w as usize] != ci as u32 {
                    continue;
                }
                match state[w as usize] {
                    0 => {
                        state[w as usize] = 1;
                        stack.push((w, children.range(w).start));
                    }
                    1 => closes[e] = true,
                    _ => {}
                }
            }
        }
    }
    closes
}

fn fill_counts(g: &LineageGraph, report: &mut BuildReport) {
    report.models = g.models.len() as u64;
    report.stubs = g.models.iter().filter(|m| m.is_stub()).count() as u64;
    report.described = report.models - report.stubs;
    report.flagged = g.models.iter().filter(|m| m.is_flagged()).count() as u64;
    report.metadata_not_used = g
        .models
        .iter()
        .filter(|m| m.flags.has(Flags::SUSPICIOUS))
        .count() as u64;
    report.moved = g
        .models
        .iter()
        .filter(|m| m.flags.has(Flags::MOVED))
        .count() as u64;
    report.authors = g.authors.len() as u64;
    report.scored = Board::ALL
        .iter()
        .map(|&b| (b.as_str().to_string(), g.scored_on(b) as u64))
        .filter(|(_, n)| *n > 0)
        .collect();
    report.edges = g.edge_count() as u64;
    report.edges_by_kind = EdgeKind::ALL
        .iter()
        .zip(g.edges_by_kind())
        .map(|(k, c)| (k.as_str().to_string(), c as u64))
        .collect();
    report.cycles = g
        .cycles
        .iter()
        .map(|members| {
            let edges_skipped = members
                .iter()
                .map(|&v| {
                    g.children
                        .range(v)
                        .filter(|&e| g.edge_closes_cycle[e])
                        .count() as u64
                })
                .sum();
            Cycle {
                members: members.iter().map(|&v| g.name(v).to_string()).collect(),
                edges_skipped,
            }
        })
        .collect();
}
