//! The model crawl behind `lineage fetch models`: the Hub's listing followed page by page
//! (or a base model's family, breadth-first through `base_model:` filters), optionally with
//! each repo's commit authors, written as Hub API JSON Lines that `lineage build` reads.
//!
//! Requests run on a few worker threads; one thread owns the state and the checkpoint, so
//! every model is recorded once, whatever order the answers come in.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use serde_json::{json, Value};

use super::client::{encode, encode_path, Client, Failure, JsonPage, StatsSnapshot, Transient};
use super::error::FetchError;
use super::journal::{self, Entry, Journal};

/// The model properties asked for (`expand[]`): what the `hub-api` reader turns into the
/// graph. With `expand[]` the Hub returns only these (and `id`).
pub const EXPAND: [&str; 11] = [
    "author",
    "createdAt",
    "lastModified",
    "tags",
    "likes",
    "downloads",
    "cardData",
    "baseModels",
    "library_name",
    "pipeline_tag",
    "safetensors",
];

/// Commit-history pages read for one repo at most (a guard against a looping server).
const MAX_COMMIT_PAGES: usize = 10_000;

/// What to crawl.
#[derive(Debug, Clone)]
pub struct ModelsQuery {
    /// Only models of this user or organisation (`author=`).
    pub author: Option<String>,
    /// Only models whose id contains this text (`search=`).
    pub search: Option<String>,
    /// Only models with all these tags (`filter=`, repeated).
    pub filters: Vec<String>,
    /// Every descendant of this base model, breadth-first, and the base itself.
    pub family: Option<String>,
    /// Also read each repo's commit history and keep its authors.
    pub commits: bool,
    /// Stop after this many models.
    pub max: Option<u64>,
    /// Models per listing page (`limit=`; the Hub serves up to 1,000).
    pub page_size: u32,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for ModelsQuery {
    fn default() -> Self {
        ModelsQuery {
            author: None,
            search: None,
            filters: Vec::new(),
            family: None,
            commits: false,
            max: None,
            page_size: 1000,
            concurrency: 4,
        }
    }
}

impl ModelsQuery {
    /// What identifies the crawl in its checkpoint (everything that changes the result).
    fn fingerprint(&self) -> Value {
        json!({
            "author": self.author,
            "search": self.search,
            "filters": self.filters,
            "family": self.family,
            "commits": self.commits,
            "max": self.max,
            "page_size": self.page_size,
            "expand": EXPAND,
        })
    }

    /// The first listing page: all models matching the query, or the children of `parent`.
    fn listing_url(&self, base: &str, parent: Option<&str>) -> String {
        let mut query = vec![format!("limit={}", self.page_size)];
        for field in EXPAND {
            query.push(format!("expand%5B%5D={field}"));
        }
        if let Some(a) = &self.author {
            query.push(format!("author={}", encode(a)));
        }
        if let Some(s) = &self.search {
            query.push(format!("search={}", encode(s)));
        }
        for f in &self.filters {
            query.push(format!("filter={}", encode(f)));
        }
        if let Some(p) = parent {
            query.push(format!("filter={}", encode(&format!("base_model:{p}"))));
        }
        format!("{base}/api/models?{}", query.join("&"))
    }
}

/// The model-info URL of one repo, with the same properties as the listing.
fn info_url(base: &str, id: &str) -> String {
    let expand: Vec<String> = EXPAND.iter().map(|f| format!("expand%5B%5D={f}")).collect();
    format!("{base}/api/models/{}?{}", encode_path(id), expand.join("&"))
}

/// The commit history of a repo's main branch.
pub fn commits_url(base: &str, id: &str) -> String {
    format!("{base}/api/models/{}/commits/main", encode_path(id))
}

/// What a crawl did.
#[derive(Debug, Clone, Default)]
pub struct ModelsSummary {
    /// Models written.
    pub models: u64,
    /// Listing pages read in this run.
    pub pages: u64,
    /// Commit histories read in this run.
    pub histories: u64,
    /// Models whose commit history the Hub refused, with its answer. They are written
    /// without commit authors.
    pub without_commits: Vec<(String, String)>,
    /// Listed objects without a string `id`: written as they came (the build reports them).
    pub without_id: u64,
    /// True when the run went on from a checkpoint.
    pub resumed: bool,
    /// What the client did in this run.
    pub stats: StatsSnapshot,
}

/// The checkpoint of a crawl writing to `out`.
pub fn checkpoint_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".checkpoint");
    out.with_file_name(name)
}

/// A request for a worker.
enum Job {
    /// A listing page of `parent`'s children (or of the plain listing).
    List { parent: Option<String>, url: String },
    /// One model's own object (the base of a family).
    Info { id: String },
    /// A model's commit history.
    Commits { id: String },
}

/// A worker's answer.
enum Done {
    Page {
        parent: Option<String>,
        url: String,
        models: Vec<Value>,
        next: Option<String>,
    },
    Info(Value),
    Commits {
        id: String,
        outcome: Result<(Vec<String>, u64), FetchError>,
    },
    Failed(FetchError),
    Skipped,
}

/// Jobs waiting for a worker: listing pages first, so the crawl keeps discovering models
/// while commit histories are read.
struct Queue {
    state: Mutex<(VecDeque<Job>, VecDeque<Job>, bool)>,
    ready: Condvar,
}

impl Queue {
    fn new() -> Queue {
        Queue {
            state: Mutex::new((VecDeque::new(), VecDeque::new(), false)),
            ready: Condvar::new(),
        }
    }

    fn push(&self, job: Job) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match job {
            Job::Commits { .. } => s.1.push_back(job),
            _ => s.0.push_back(job),
        }
        self.ready.notify_one();
    }

    fn pop(&self) -> Option<Job> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(job) = s.0.pop_front().or_else(|| s.1.pop_front()) {
                return Some(job);
            }
            if s.2 {
                return None;
            }
            s = self.ready.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).2 = true;
        self.ready.notify_all();
    }
}

/// Crawls the models `query` asks for into `out` (Hub API JSON Lines), going on from the
/// checkpoint beside it when there is one. The output is written at the end, atomically;
/// the checkpoint is then removed.
pub fn fetch_models(
    client: &Client,
    query: &ModelsQuery,
    out: &Path,
) -> Result<ModelsSummary, FetchError> {
    let base = client.endpoint().base().to_string();
    let checkpoint = checkpoint_path(out);
    let mut state = State::default();
    let (mut journal, resumed) = Journal::open(&checkpoint, &base, &query.fingerprint(), |e| {
        state.replay(e)
    })?;
    let mut summary = ModelsSummary {
        resumed,
        ..Default::default()
    };
    let before = client.stats();

    let queue = Queue::new();
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Done>();
    let mut outstanding = 0u64;
    let push = |job: Job, outstanding: &mut u64| {
        *outstanding += 1;
        queue.push(job);
    };

    // What is left to do, from the checkpoint.
    let capped = |models: u64| query.max.is_some_and(|m| models >= m);
    if !capped(state.models) {
        let parents: Vec<Option<String>> = match &query.family {
            None => vec![None],
            Some(basis) => {
                if !state.seen.contains(basis) {
                    push(Job::Info { id: basis.clone() }, &mut outstanding);
                }
                state.order.iter().cloned().map(Some).collect()
            }
        };
        for parent in parents {
            match state.lists.get(&parent) {
                Some(None) => {}
                Some(Some(next)) => push(
                    Job::List {
                        parent,
                        url: next.clone(),
                    },
                    &mut outstanding,
                ),
                None => {
                    let url = query.listing_url(&base, parent.as_deref());
                    push(Job::List { parent, url }, &mut outstanding)
                }
            }
        }
    }
    if query.commits {
        for id in &state.order {
            if !state.commits_done.contains(id) {
                push(Job::Commits { id: id.clone() }, &mut outstanding);
            }
        }
    }
    let observer = client.observer();
    observer.listed(state.models, query.max);
    if query.commits {
        observer.commits(state.commits_done.len() as u64, state.models);
    }

    let workers = query.concurrency.clamp(1, 64);
    let mut failure: Option<FetchError> = None;
    std::thread::scope(|scope| -> Result<(), FetchError> {
        for _ in 0..workers {
            let tx = tx.clone();
            let (queue, stop, base) = (&queue, &stop, base.as_str());
            scope.spawn(move || {
                while let Some(job) = queue.pop() {
                    let done = if stop.load(Ordering::Relaxed) {
                        Done::Skipped
                    } else {
                        run(client, base, job)
                    };
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let result = (|| -> Result<(), FetchError> {
            while outstanding > 0 {
                let Ok(done) = rx.recv() else { break };
                outstanding -= 1;
                let mut new_models = Vec::new();
                match done {
                    Done::Page {
                        parent,
                        url,
                        models,
                        next,
                    } => {
                        summary.pages += 1;
                        state.fetched.insert(url.clone());
                        for model in models {
                            if capped(state.models) {
                                break;
                            }
                            if let Some(id) = state.accept(&mut journal, model, &mut summary)? {
                                new_models.push(id);
                            }
                        }
                        let mut next = if capped(state.models) { None } else { next };
                        if let Some(n) = &next {
                            if state.fetched.contains(n) {
                                return Err(FetchError::Protocol {
                                    url,
                                    detail: format!("the next-page link leads back to a page already read ({n})"),
                                });
                            }
                        }
                        if failure.is_some() {
                            next = None;
                        }
                        journal.append(&Entry::Page {
                            parent: parent.clone(),
                            next: next.clone(),
                        })?;
                        if let Some(url) = next {
                            push(Job::List { parent, url }, &mut outstanding);
                        }
                        observer.listed(state.models, query.max);
                    }
                    Done::Info(model) => {
                        if let Some(id) = state.accept(&mut journal, model, &mut summary)? {
                            new_models.push(id);
                        }
                        observer.listed(state.models, query.max);
                    }
                    Done::Commits { id, outcome } => {
                        let entry = match outcome {
                            Ok((authors, count)) => {
                                summary.histories += 1;
                                Entry::Commits {
                                    id: id.clone(),
                                    authors,
                                    count,
                                }
                            }
                            // The repo went away or is closed to us: keep the model, say so.
                            Err(FetchError::Status {
                                status, message, ..
                            }) if (400..500).contains(&status) => {
                                let error = format!("HTTP {status}: {message}");
                                summary.without_commits.push((id.clone(), error.clone()));
                                Entry::NoCommits {
                                    id: id.clone(),
                                    error,
                                }
                            }
                            Err(e) => {
                                if failure.is_none() {
                                    failure = Some(e);
                                    stop.store(true, Ordering::Relaxed);
                                }
                                continue;
                            }
                        };
                        journal.append(&entry)?;
                        state.commits_done.insert(id);
                        observer.commits(state.commits_done.len() as u64, state.models);
                    }
                    Done::Failed(e) => {
                        if failure.is_none() {
                            failure = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Done::Skipped => {}
                }
                journal.flush()?;
                if failure.is_none() {
                    for id in new_models {
                        if query.family.is_some() && !capped(state.models) {
                            let url = query.listing_url(&base, Some(&id));
                            push(
                                Job::List {
                                    parent: Some(id.clone()),
                                    url,
                                },
                                &mut outstanding,
                            );
                        }
                        if query.commits {
                            push(Job::Commits { id }, &mut outstanding);
                        }
                    }
                }
            }
            Ok(())
        })();
        stop.store(true, Ordering::Relaxed);
        queue.close();
        result
    })?;
    journal.flush()?;
    drop(journal);
    if let Some(e) = failure {
        return Err(e);
    }
    summary.models = state.models;
    write_output(&checkpoint, out, &mut summary)?;
    let after = client.stats();
    summary.stats = StatsSnapshot {
        requests: after.requests - before.requests,
        rate_limited: after.rate_limited - before.rate_limited,
        server_errors: after.server_errors - before.server_errors,
        broken_bodies: after.broken_bodies - before.broken_bodies,
        malformed: after.malformed - before.malformed,
        connection_errors: after.connection_errors - before.connection_errors,
        bytes: after.bytes - before.bytes,
    };
    Ok(summary)
}

/// What the crawl knows: from the checkpoint, then from the answers.
#[derive(Default)]
struct State {
    /// Ids recorded, and in which order.
    seen: HashSet<String>,
    order: Vec<String>,
    /// Objects recorded, with or without an id.
    models: u64,
    /// Where each listing stands: `Some(next)` to go on from, `None` when finished.
    lists: HashMap<Option<String>, Option<String>>,
    /// Listing pages already read in this run.
    fetched: HashSet<String>,
    commits_done: HashSet<String>,
}

impl State {
    fn replay(&mut self, entry: Entry) {
        match entry {
            Entry::Model { model } => {
                self.models += 1;
                if let Some(id) = model.get("id").and_then(Value::as_str) {
                    if self.seen.insert(id.to_string()) {
                        self.order.push(id.to_string());
                    }
                }
            }
            Entry::Page { parent, next } => {
                self.lists.insert(parent, next);
            }
            Entry::Commits { id, .. } | Entry::NoCommits { id, .. } => {
                self.commits_done.insert(id);
            }
            Entry::Header { .. } => {}
        }
    }

    /// Records a listed object unless its id was seen; returns the id when it is new.
    fn accept(
        &mut self,
        journal: &mut Journal,
        model: Value,
        summary: &mut ModelsSummary,
    ) -> Result<Option<String>, FetchError> {
        let id = model.get("id").and_then(Value::as_str).map(str::to_string);
        match id {
            Some(id) if self.seen.contains(&id) => Ok(None),
            Some(id) => {
                journal.append(&Entry::Model { model })?;
                self.seen.insert(id.clone());
                self.order.push(id.clone());
                self.models += 1;
                Ok(Some(id))
            }
            None => {
                journal.append(&Entry::Model { model })?;
                summary.without_id += 1;
                self.models += 1;
                Ok(None)
            }
        }
    }
}

/// Does one job (on a worker thread).
fn run(client: &Client, base: &str, job: Job) -> Done {
    match job {
        Job::List { parent, url } => match list_page(client, &url) {
            Ok(page) => {
                let Value::Array(models) = page.value else {
                    unreachable!("list_page checks for a list")
                };
                Done::Page {
                    parent,
                    url,
                    models,
                    next: page.next,
                }
            }
            Err(e) => Done::Failed(e),
        },
        Job::Info { id } => {
            let url = info_url(base, &id);
            let got = client.with_retries(&url, |u| {
                let page = client.read_json(u, client.send("GET", u, &[])?)?;
                if page.value.get("id").and_then(Value::as_str).is_none() {
                    return Err(malformed("a model object with an 'id'", &page.value));
                }
                Ok(page)
            });
            match got {
                Ok(page) => Done::Info(page.value),
                Err(e) => Done::Failed(e),
            }
        }
        Job::Commits { id } => {
            let outcome = commit_authors(client, &commits_url(base, &id));
            Done::Commits { id, outcome }
        }
    }
}

fn malformed(expected: &str, got: &Value) -> Failure {
    let kind = match got {
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    };
    Failure::Retry {
        kind: Transient::Malformed,
        why: format!("expected {expected}, got {kind}"),
        wait: None,
    }
}

fn list_page(client: &Client, url: &str) -> Result<JsonPage, FetchError> {
    client.with_retries(url, |u| {
        let page = client.read_json(u, client.send("GET", u, &[])?)?;
        if !page.value.is_array() {
            return Err(malformed("a list of models", &page.value));
        }
        Ok(page)
    })
}

/// The distinct commit authors of a repo (in order of their latest commit) and its number
/// of commits, over every page of its history.
fn commit_authors(client: &Client, url: &str) -> Result<(Vec<String>, u64), FetchError> {
    let mut authors: Vec<String> = Vec::new();
    let mut count = 0u64;
    let mut next = Some(url.to_string());
    let mut read = HashSet::new();
    while let Some(page_url) = next.take() {
        if !read.insert(page_url.clone()) || read.len() > MAX_COMMIT_PAGES {
            return Err(FetchError::Protocol {
                url: page_url,
                detail: "the commit history's next-page links loop or never end".into(),
            });
        }
        let page = client.with_retries(&page_url, |u| {
            let page = client.read_json(u, client.send("GET", u, &[])?)?;
            if !page.value.is_array() {
                return Err(malformed("a list of commits", &page.value));
            }
            Ok(page)
        })?;
        for commit in page.value.as_array().into_iter().flatten() {
            count += 1;
            let users = commit
                .get("authors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| a.get("user").and_then(Value::as_str));
            for user in users {
                if !user.trim().is_empty() && !authors.iter().any(|a| a == user) {
                    authors.push(user.to_string());
                }
            }
        }
        next = page.next;
    }
    Ok((authors, count))
}

/// Writes the output from the checkpoint: every model once, in listing order, with its
/// commit authors when they were read. Atomic: a temporary file renamed over `out`. The
/// checkpoint is removed afterwards.
fn write_output(
    checkpoint: &Path,
    out: &Path,
    summary: &mut ModelsSummary,
) -> Result<(), FetchError> {
    let mut commits: HashMap<String, (Vec<String>, u64)> = HashMap::new();
    let mut refused = Vec::new();
    journal::read(checkpoint, |e| {
        match e {
            Entry::Commits { id, authors, count } => {
                commits.insert(id, (authors, count));
            }
            Entry::NoCommits { id, error } => refused.push((id, error)),
            _ => {}
        }
        Ok(())
    })?;
    // Models refused in an earlier run are reported too.
    for r in refused {
        if !summary.without_commits.iter().any(|(id, _)| *id == r.0) {
            summary.without_commits.push(r);
        }
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".lineage-fetch-")
        .tempfile_in(&dir)
        .map_err(FetchError::io(&dir, "create a temporary file in"))?;
    let mut w = BufWriter::new(tmp);
    let mut written: HashSet<String> = HashSet::new();
    let mut write_err = None;
    journal::read(checkpoint, |e| {
        if let Entry::Model { mut model } = e {
            if let Some(id) = model.get("id").and_then(Value::as_str).map(str::to_string) {
                if !written.insert(id.clone()) {
                    return Ok(());
                }
                if let (Some((authors, count)), Some(obj)) =
                    (commits.get(&id), model.as_object_mut())
                {
                    obj.insert("commitAuthors".into(), json!(authors));
                    obj.insert("commitCount".into(), json!(count));
                }
            }
            let res = serde_json::to_writer(&mut w, &model)
                .map_err(std::io::Error::from)
                .and_then(|_| w.write_all(b"\n"));
            if let Err(e) = res {
                write_err = Some(e);
                return Err("cannot write the output".into());
            }
        }
        Ok(())
    })
    .map_err(|e| match write_err.take() {
        Some(source) => FetchError::Io {
            path: out.to_path_buf(),
            action: "write",
            source,
        },
        None => e,
    })?;
    let tmp = w.into_inner().map_err(|e| FetchError::Io {
        path: out.to_path_buf(),
        action: "write",
        source: e.into_error(),
    })?;
    tmp.as_file()
        .sync_all()
        .map_err(FetchError::io(out, "write"))?;
    tmp.persist(out).map_err(|e| FetchError::Io {
        path: out.to_path_buf(),
        action: "replace",
        source: e.error,
    })?;
    std::fs::remove_file(checkpoint)
        .map_err(FetchError::io(checkpoint, "remove the checkpoint"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_url_asks_for_what_the_build_needs() {
        let q = ModelsQuery {
            author: Some("Zoë Org".into()),
            filters: vec!["text-generation".into()],
            ..Default::default()
        };
        let url = q.listing_url("https://huggingface.co", Some("meta-llama/Llama-2-7b"));
        assert!(
            url.starts_with("https://huggingface.co/api/models?limit=1000&expand%5B%5D=author&")
        );
        for f in [
            "createdAt",
            "tags",
            "cardData",
            "baseModels",
            "safetensors",
            "library_name",
        ] {
            assert!(url.contains(&format!("expand%5B%5D={f}")), "{url}");
        }
        assert!(url.contains("author=Zo%C3%AB%20Org"));
        assert!(url.contains("filter=text-generation"));
        assert!(url.ends_with("filter=base_model%3Ameta-llama%2FLlama-2-7b"));
        assert_eq!(
            commits_url("http://h", "zoë/m"),
            "http://h/api/models/zo%C3%AB/m/commits/main"
        );
    }

    #[test]
    fn checkpoint_sits_beside_the_output() {
        assert_eq!(
            checkpoint_path(Path::new("data/f.jsonl")),
            PathBuf::from("data/f.jsonl.checkpoint")
        );
    }
}
