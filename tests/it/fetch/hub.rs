//! A stand-in for the Hugging Face Hub on 127.0.0.1, for the `lineage fetch` tests. It
//! answers the requests the real Hub answers, in the real shapes: `/api/models` with
//! `expand[]` and cursor pagination through `Link` headers, `/api/models/{id}` (model info),
//! `/api/models/{id}/commits/main` (paginated), and `/datasets/{repo}/resolve/{rev}/{path}`
//! with the `X-Linked-Etag` / `X-Linked-Size` redirect to a storage server (a second
//! instance on another port) that honours `Range`. `RateLimit` / `RateLimit-Policy` headers
//! come with every API answer.
//!
//! It is written on `std::net` rather than with a server crate because the faults it
//! injects live at the byte level: bodies cut short, connections dropped mid-page or
//! mid-download, bodies half JSON and half HTML. Every server caps the requests it serves.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// What a fault does to the answer of a request it matches.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status (and headers), a JSON error body (HTML for 502).
    Status(u16, Vec<(&'static str, String)>),
    /// Announce the full Content-Length, send half the body, close.
    Truncate,
    /// A 200 whose body is half the JSON followed by an HTML error page.
    HalfHtml,
    /// A chunked body dropped after its first chunk (no final chunk), mid-page.
    DropMidBody,
    /// Close the connection without answering.
    DropBeforeResponse,
    /// Answer normally after this delay.
    Slow(Duration),
    /// Storage only: send this many bytes of the requested range, then close.
    DropDownloadAfter(usize),
    /// Answer normally, with these headers added (or replacing those of the same name).
    Headers(Vec<(&'static str, String)>),
}

/// A fault to inject: into requests whose path and query contain `matches`, after letting
/// `skip` of them through, for `times` of them.
#[derive(Debug, Clone)]
pub struct Rule {
    pub matches: String,
    pub skip: usize,
    pub times: usize,
    pub fault: Fault,
    seen: usize,
}

impl Rule {
    pub fn new(matches: &str, skip: usize, times: usize, fault: Fault) -> Rule {
        Rule {
            matches: matches.to_string(),
            skip,
            times,
            fault,
            seen: 0,
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    /// Decoded path.
    pub path: String,
    /// Raw query string.
    pub query: String,
    pub authorization: Option<String>,
    pub range: Option<String>,
    pub status: u16,
    /// The fault injected, if any.
    pub fault: Option<String>,
    /// When it arrived, since the server started.
    pub at: Duration,
}

/// A file of a dataset repo.
#[derive(Debug, Clone)]
pub struct RepoFile {
    pub bytes: Vec<u8>,
    /// Stored in LFS: the resolve URL redirects to storage and announces the sha256.
    pub lfs: bool,
    /// Announce this sha256 instead of the real one (to test the check).
    pub wrong_sha256: Option<String>,
}

/// The data the server holds.
#[derive(Default)]
pub struct Data {
    /// Full model objects, in listing order.
    pub models: Vec<Value>,
    /// Commits per model id (newest first), as `/commits/main` returns them.
    pub commits: HashMap<String, Vec<Value>>,
    /// Files by `repo/path` (e.g. `cfahlgren1/hub-stats/models.parquet`).
    pub files: HashMap<String, RepoFile>,
    /// Commits per page of a commit history.
    pub commits_page: usize,
}

struct State {
    data: Data,
    index: HashMap<String, usize>,
    /// Blobs by sha256 (storage server only).
    blobs: HashMap<String, Vec<u8>>,
    rules: Mutex<Vec<Rule>>,
    log: Mutex<Vec<Logged>>,
    served: AtomicUsize,
    max_requests: usize,
    /// Origin of the storage server, for LFS redirects.
    storage: Option<String>,
    /// Delay before every API answer (to slow a crawl down for a kill).
    delay: Mutex<Duration>,
    origin: Mutex<String>,
    started: std::time::Instant,
    stop: AtomicBool,
}

/// A running server. Dropping it stops accepting connections.
pub struct Hub {
    pub origin: String,
    state: Arc<State>,
    storage: Option<Box<Hub>>,
}

impl Hub {
    /// Starts a Hub serving `data`, with a storage server for its LFS files. Serves at most
    /// `max_requests` requests (each server), then answers 500 to everything.
    pub fn start(data: Data, max_requests: usize) -> Hub {
        let mut blobs = HashMap::new();
        for f in data.files.values() {
            blobs.insert(sha256_hex(&f.bytes), f.bytes.clone());
        }
        let storage = if blobs.is_empty() {
            None
        } else {
            Some(Box::new(Hub::spawn(
                Data::default(),
                blobs,
                None,
                max_requests,
            )))
        };
        let storage_origin = storage.as_ref().map(|s| s.origin.clone());
        let mut hub = Hub::spawn(data, HashMap::new(), storage_origin, max_requests);
        hub.storage = storage;
        hub
    }

    fn spawn(
        data: Data,
        blobs: HashMap<String, Vec<u8>>,
        storage: Option<String>,
        max_requests: usize,
    ) -> Hub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let index = data
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (m["id"].as_str().unwrap().to_string(), i))
            .collect();
        let state = Arc::new(State {
            data,
            index,
            blobs,
            rules: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            served: AtomicUsize::new(0),
            max_requests,
            storage,
            delay: Mutex::new(Duration::ZERO),
            origin: Mutex::new(origin.clone()),
            started: std::time::Instant::now(),
            stop: AtomicBool::new(false),
        });
        let s = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = serve_connection(&s, stream);
                });
            }
        });
        Hub {
            origin,
            state,
            storage: None,
        }
    }

    /// The storage server (where LFS files redirect to).
    pub fn storage(&self) -> &Hub {
        self.storage.as_ref().expect("the hub has files")
    }

    /// Adds a fault rule.
    pub fn fault(&self, rule: Rule) {
        self.state.rules.lock().unwrap().push(rule);
    }

    /// Delays every API answer.
    pub fn set_delay(&self, d: Duration) {
        *self.state.delay.lock().unwrap() = d;
    }

    /// Every request served so far.
    pub fn log(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }

    /// Requests whose decoded path starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|l| l.path.starts_with(prefix))
            .count()
    }

    /// Listing requests (`/api/models` itself).
    pub fn listing_requests(&self) -> Vec<Logged> {
        self.log()
            .into_iter()
            .filter(|l| l.path == "/api/models")
            .collect()
    }

    /// Clears the request log.
    pub fn clear_log(&self) {
        self.state.log.lock().unwrap().clear();
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.origin.trim_start_matches("http://"));
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn git_blob_sha1(bytes: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The query parameters, decoded, in order.
fn params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: HashMap<String, String>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: decode(path),
        query: query.to_string(),
        headers,
    })
}

/// An answer before faults are applied.
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(status: u16, value: &Value) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type", "application/json; charset=utf-8".into())],
            body: serde_json::to_vec(value).unwrap(),
        }
    }

    fn error(status: u16, message: &str) -> Answer {
        let mut a = Answer::json(status, &json!({ "error": message }));
        a.headers.push(("X-Error-Message", message.to_string()));
        a
    }
}

fn serve_connection(state: &State, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    while let Some(req) = read_request(&mut reader) {
        let n = state.served.fetch_add(1, Ordering::Relaxed);
        let raw = if req.query.is_empty() {
            req.path.clone()
        } else {
            format!("{}?{}", req.path, decode(&req.query))
        };
        let fault = if n >= state.max_requests {
            Some(Fault::Status(500, vec![]))
        } else {
            let mut rules = state.rules.lock().unwrap();
            let mut hit = None;
            // Every matching rule counts the request; the first one due fires.
            for r in rules.iter_mut() {
                if raw.contains(&r.matches) {
                    r.seen += 1;
                    if hit.is_none() && r.seen > r.skip && r.seen <= r.skip + r.times {
                        hit = Some(r.fault.clone());
                    }
                }
            }
            hit
        };
        let mut answer = route(state, &req);
        let status = match &fault {
            Some(Fault::Status(s, _)) => *s,
            _ => answer.status,
        };
        state.log.lock().unwrap().push(Logged {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            authorization: req.headers.get("authorization").cloned(),
            range: req.headers.get("range").cloned(),
            status,
            fault: fault.as_ref().map(|f| format!("{f:?}")),
            at: state.started.elapsed(),
        });
        if req.path.starts_with("/api/") {
            answer
                .headers
                .push(("RateLimit", "\"api\";r=497;t=212".into()));
            answer.headers.push((
                "RateLimit-Policy",
                "\"fixed window\";\"api\";q=500;w=300".into(),
            ));
            let delay = *state.delay.lock().unwrap();
            if !delay.is_zero() {
                std::thread::sleep(delay);
            }
        }
        let head = req.method == "HEAD";
        let keep = match fault {
            None => write_answer(&mut out, &answer, head)?,
            Some(Fault::Slow(d)) => {
                std::thread::sleep(d);
                write_answer(&mut out, &answer, head)?
            }
            Some(Fault::Status(code, headers)) => {
                let mut a = if code == 502 {
                    Answer {
                        status: 502,
                        headers: vec![("Content-Type", "text/html".into())],
                        body: b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
                    }
                } else {
                    Answer::error(code, "injected fault")
                };
                a.headers.extend(headers);
                if code == 429 {
                    a.headers.push(("RateLimit", "\"api\";r=0;t=1".into()));
                    a.headers.push((
                        "RateLimit-Policy",
                        "\"fixed window\";\"api\";q=500;w=300".into(),
                    ));
                }
                write_answer(&mut out, &a, head)?
            }
            Some(Fault::Truncate) => {
                let half = answer.body.len() / 2;
                write_head(
                    &mut out,
                    answer.status,
                    &answer.headers,
                    Some(answer.body.len()),
                )?;
                out.write_all(&answer.body[..half])?;
                out.flush()?;
                false
            }
            Some(Fault::HalfHtml) => {
                let half = answer.body.len() / 2;
                let mut body = answer.body[..half].to_vec();
                body.extend_from_slice(
                    b"<!DOCTYPE html><html><body><h1>Internal error</h1></body></html>",
                );
                let a = Answer {
                    status: 200,
                    headers: answer.headers.clone(),
                    body,
                };
                write_answer(&mut out, &a, head)?
            }
            Some(Fault::DropMidBody) => {
                let mut headers = answer.headers.clone();
                headers.push(("Transfer-Encoding", "chunked".into()));
                write_head(&mut out, answer.status, &headers, None)?;
                let part = &answer.body[..answer.body.len() / 3];
                write!(out, "{:x}\r\n", part.len())?;
                out.write_all(part)?;
                out.write_all(b"\r\n")?;
                out.flush()?;
                false
            }
            Some(Fault::DropBeforeResponse) => false,
            Some(Fault::Headers(extra)) => {
                let mut a = answer;
                a.headers
                    .retain(|(k, _)| !extra.iter().any(|(e, _)| e.eq_ignore_ascii_case(k)));
                a.headers.extend(extra);
                write_answer(&mut out, &a, head)?
            }
            Some(Fault::DropDownloadAfter(n)) => {
                let n = n.min(answer.body.len());
                write_head(
                    &mut out,
                    answer.status,
                    &answer.headers,
                    Some(answer.body.len()),
                )?;
                out.write_all(&answer.body[..n])?;
                out.flush()?;
                false
            }
        };
        if !keep {
            let _ = out.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
    Ok(())
}

fn write_head(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&'static str, String)],
    length: Option<usize>,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(n) = length {
        head.push_str(&format!("Content-Length: {n}\r\n"));
    }
    head.push_str("X-Request-Id: Root=1-test\r\nConnection: keep-alive\r\n\r\n");
    out.write_all(head.as_bytes())
}

/// Writes a whole answer; true when the connection stays open.
fn write_answer(out: &mut TcpStream, a: &Answer, head: bool) -> std::io::Result<bool> {
    let declared = a
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse::<usize>().unwrap_or(0));
    let length = if declared.is_some() {
        None
    } else {
        Some(a.body.len())
    };
    write_head(out, a.status, &a.headers, length)?;
    if !head {
        out.write_all(&a.body)?;
    }
    out.flush()?;
    Ok(true)
}

fn route(state: &State, req: &Request) -> Answer {
    let path = req.path.as_str();
    if path == "/api/models" {
        return listing(state, &params(&req.query));
    }
    if let Some(rest) = path.strip_prefix("/api/models/") {
        if let Some(id) = rest.strip_suffix("/commits/main") {
            return commits(state, id, &params(&req.query));
        }
        return info(state, rest, &params(&req.query));
    }
    if let Some(rest) = path.strip_prefix("/datasets/") {
        if let Some((repo, file)) = rest.split_once("/resolve/main/") {
            return resolve(state, req, repo, file);
        }
    }
    if let Some(sha) = path.strip_prefix("/cdn/") {
        return match state.blobs.get(sha) {
            Some(bytes) => ranged(
                req,
                bytes,
                vec![("Content-Type", "application/octet-stream".into())],
            ),
            None => Answer::error(404, "no such object"),
        };
    }
    Answer::error(404, "Not Found")
}

/// Only `id`, `_id` and the properties asked for, as the Hub does with `expand[]`.
fn project(model: &Value, expand: &[String]) -> Value {
    if expand.is_empty() {
        return model.clone();
    }
    let mut out = serde_json::Map::new();
    for (k, v) in model.as_object().unwrap() {
        if k == "id" || k == "_id" || expand.iter().any(|e| e == k) {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

fn listing(state: &State, params: &[(String, String)]) -> Answer {
    let get = |k: &str| params.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
    let limit: usize = get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(1000)
        .min(1000);
    let offset: usize = match get("cursor") {
        Some(c) => match parse_cursor(&c) {
            Some(o) => o,
            None => return Answer::error(400, "Invalid cursor"),
        },
        None => 0,
    };
    let expand: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "expand[]")
        .map(|(_, v)| v.clone())
        .collect();
    let filters: Vec<&String> = params
        .iter()
        .filter(|(k, _)| k == "filter")
        .map(|(_, v)| v)
        .collect();
    let author = get("author");
    let search = get("search").map(|s| s.to_lowercase());
    let matching: Vec<&Value> = state
        .data
        .models
        .iter()
        .filter(|m| {
            let id = m["id"].as_str().unwrap();
            let tags: Vec<&str> = m["tags"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            author
                .as_ref()
                .is_none_or(|a| m["author"].as_str() == Some(a))
                && search
                    .as_ref()
                    .is_none_or(|s| id.to_lowercase().contains(s))
                && filters.iter().all(|f| tags.contains(&f.as_str()))
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|m| project(m, &expand))
        .collect();
    let mut answer = Answer::json(200, &Value::Array(page));
    if offset + limit < matching.len() {
        let origin = state.origin.lock().unwrap().clone();
        let mut query: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "cursor")
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        query.push(format!("cursor={}", make_cursor(offset + limit)));
        answer.headers.push((
            "Link",
            format!("<{origin}/api/models?{}>; rel=\"next\"", query.join("&")),
        ));
    }
    answer
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// An opaque cursor, as the Hub's are.
pub fn make_cursor(offset: usize) -> String {
    hex(format!("{{\"$offset\":{offset}}}").as_bytes())
}

fn parse_cursor(c: &str) -> Option<usize> {
    if c.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..c.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&c[i..i + 2], 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    text.strip_prefix("{\"$offset\":")?
        .strip_suffix('}')?
        .parse()
        .ok()
}

fn info(state: &State, id: &str, params: &[(String, String)]) -> Answer {
    let expand: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "expand[]")
        .map(|(_, v)| v.clone())
        .collect();
    match state.index.get(id) {
        Some(&i) => Answer::json(200, &project(&state.data.models[i], &expand)),
        None => Answer::error(404, "Repository not found"),
    }
}

fn commits(state: &State, id: &str, params: &[(String, String)]) -> Answer {
    let Some(list) = state.data.commits.get(id) else {
        return Answer::error(404, "Repository not found");
    };
    let per = state.data.commits_page.max(1);
    let p: usize = params
        .iter()
        .find(|(k, _)| k == "p")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let page: Vec<Value> = list.iter().skip(p * per).take(per).cloned().collect();
    let mut answer = Answer::json(200, &Value::Array(page));
    if (p + 1) * per < list.len() {
        let origin = state.origin.lock().unwrap().clone();
        let encoded: Vec<String> = id.split('/').map(enc).collect();
        answer.headers.push((
            "Link",
            format!(
                "<{origin}/api/models/{}/commits/main?p={}>; rel=\"next\"",
                encoded.join("/"),
                p + 1
            ),
        ));
    }
    answer
}

fn resolve(state: &State, req: &Request, repo: &str, file: &str) -> Answer {
    let Some(f) = state.data.files.get(&format!("{repo}/{file}")) else {
        return Answer::error(404, "Entry not found");
    };
    let commit = "5f0e3f8c2a1b4d6e8f0a1b2c3d4e5f60718293a4";
    if f.lfs {
        let sha = sha256_hex(&f.bytes);
        let announced = f.wrong_sha256.clone().unwrap_or_else(|| sha.clone());
        let storage = state.storage.clone().expect("a storage server");
        let body = format!("Found. Redirecting to {storage}/cdn/{sha}").into_bytes();
        Answer {
            status: 302,
            headers: vec![
                ("Location", format!("{storage}/cdn/{sha}")),
                ("X-Linked-Etag", format!("\"{announced}\"")),
                ("X-Linked-Size", f.bytes.len().to_string()),
                ("X-Repo-Commit", commit.into()),
                (
                    "ETag",
                    format!(
                        "\"{}\"",
                        git_blob_sha1(b"version https://git-lfs.github.com/spec/v1\n")
                    ),
                ),
                ("Content-Type", "text/plain; charset=utf-8".into()),
            ],
            body,
        }
    } else {
        let mut a = ranged(
            req,
            &f.bytes,
            vec![
                ("ETag", format!("\"{}\"", git_blob_sha1(&f.bytes))),
                ("X-Repo-Commit", commit.into()),
            ],
        );
        a.headers
            .push(("Content-Type", "text/plain; charset=utf-8".into()));
        a
    }
}

/// The bytes, or the range of them asked for (`Range: bytes=N-`).
fn ranged(req: &Request, bytes: &[u8], mut headers: Vec<(&'static str, String)>) -> Answer {
    headers.push(("Accept-Ranges", "bytes".into()));
    let start = req
        .headers
        .get("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|s| s.parse::<usize>().ok());
    match start {
        Some(s) if s >= bytes.len() => Answer {
            status: 416,
            headers: vec![("Content-Range", format!("bytes */{}", bytes.len()))],
            body: Vec::new(),
        },
        Some(s) => {
            headers.push((
                "Content-Range",
                format!("bytes {s}-{}/{}", bytes.len() - 1, bytes.len()),
            ));
            Answer {
                status: 206,
                headers,
                body: bytes[s..].to_vec(),
            }
        }
        None => Answer {
            status: 200,
            headers,
            body: bytes.to_vec(),
        },
    }
}

// ---- the fixture ecosystem ----

/// One fixture model's lineage, known independently of the server's JSON.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub id: String,
    pub parents: Vec<String>,
    pub authors: Vec<String>,
}

/// A deterministic ecosystem of `n` models: bases, fine-tunes, adapters, quantizations and
/// merges, some ids non-ASCII, each with a commit history (one of them long enough to be
/// paginated). Returns the server data and the lineage it encodes.
pub fn ecosystem(n: usize) -> (Data, Vec<Fixture>) {
    let mut models = Vec::new();
    let mut fixtures: Vec<Fixture> = Vec::new();
    let mut commits = HashMap::new();
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for i in 0..n {
        let org = match i % 97 {
            3 => format!("zoë-{}", i % 5),
            40 => "数据".to_string(),
            _ => format!("org{}", i % 13),
        };
        let base = i % 50 == 0;
        let name = match (i % 97, base) {
            (3, _) => format!("modèle-{i}"),
            (40, _) => format!("模型-{i}-7b"),
            (_, true) => format!("Base-{i}"),
            _ => format!("model-{i}"),
        };
        let id = format!("{org}/{name}");
        let (relation, parents): (Option<&str>, Vec<String>) = if base || i == 0 {
            (None, vec![])
        } else {
            let pick = |r: u64| fixtures[(r % i as u64) as usize].id.clone();
            match next() % 10 {
                0..=4 => (Some("finetune"), vec![pick(next())]),
                5 | 6 => (Some("adapter"), vec![pick(next())]),
                7 | 8 => (Some("quantized"), vec![pick(next())]),
                _ => {
                    let a = pick(next());
                    let b = pick(next());
                    if a == b {
                        (Some("finetune"), vec![a])
                    } else {
                        (Some("merge"), vec![a, b])
                    }
                }
            }
        };
        let mut tags = vec![
            "transformers".to_string(),
            "safetensors".to_string(),
            "text-generation".to_string(),
            "license:apache-2.0".to_string(),
        ];
        for p in &parents {
            tags.push(format!("base_model:{p}"));
            tags.push(format!("base_model:{}:{p}", relation.unwrap()));
        }
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let created = format!("2024-{month:02}-{day:02}T10:{:02}:00.000Z", i % 60);
        let params = 1_000_000_000u64 * (1 + (i as u64 % 70));
        let mut card = json!({ "license": "apache-2.0", "language": ["en"] });
        match parents.len() {
            0 => {}
            1 => {
                card["base_model"] = json!(parents[0]);
            }
            _ => {
                card["base_model"] = json!(parents);
            }
        }
        if let Some(r) = relation {
            card["base_model_relation"] = json!(r);
        }
        let mut model = json!({
            "_id": format!("{:024x}", i as u64 * 7919 + 1),
            "id": id,
            "author": org,
            "createdAt": created,
            "lastModified": created,
            "likes": (i * 7) % 500,
            "downloads": (i * 131) % 100_000,
            "tags": tags,
            "pipeline_tag": "text-generation",
            "library_name": "transformers",
            "cardData": card,
            "safetensors": { "parameters": { "BF16": params }, "total": params },
            "private": false,
            "gated": false,
            "sha": format!("{:040x}", i as u64 * 104_729 + 3),
            "siblings": [{ "rfilename": "config.json" }, { "rfilename": "model.safetensors" }],
        });
        if let Some(r) = relation {
            model["baseModels"] = json!({
                "relation": r,
                "models": parents.iter().map(|p| json!({ "id": p })).collect::<Vec<_>>(),
            });
        }
        // Commit history, newest first.
        let count = if i == 7 { 120 } else { 1 + i % 3 };
        let mut history = Vec::new();
        let mut authors: Vec<String> = Vec::new();
        for c in 0..count {
            let user = match c % 3 {
                0 => format!("{org}-dev"),
                1 => format!("collab-{}", (i + c) % 7),
                _ => format!("{org}-dev"),
            };
            if !authors.contains(&user) {
                authors.push(user.clone());
            }
            history.push(json!({
                "id": format!("{:040x}", (i * 1000 + c) as u64),
                "title": format!("Upload model (part {c})"),
                "message": "Upload folder using huggingface_hub\n",
                "authors": [{ "user": user, "avatar": "https://cdn-avatars.huggingface.co/v1/a.png" }],
                "date": created,
            }));
        }
        commits.insert(id.clone(), history);
        models.push(model);
        fixtures.push(Fixture {
            id,
            parents,
            authors,
        });
    }
    (
        Data {
            models,
            commits,
            files: HashMap::new(),
            commits_page: 50,
        },
        fixtures,
    )
}
