//! One HTTP client for every request to the Hub, so that politeness is in one place:
//! the token goes only to the Hub's own origin, every worker pauses when the Hub says it
//! is rate limited, and failures worth retrying are retried with exponential backoff and
//! jitter a bounded number of times.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use ureq::http::{Response, StatusCode};
use ureq::Body;

use super::error::FetchError;
use super::headers;

/// The Hub's address when `HF_ENDPOINT` is not set.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

/// Characters left as they are in a path segment or query value; everything else is
/// percent-encoded (so non-ASCII ids, spaces and `&` survive the trip).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a query value or one path segment.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Percent-encodes a repo id or file path segment by segment, keeping the slashes.
pub fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

/// The Hub's address: where the API and file downloads live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme, host and port (`https://huggingface.co`), without a trailing slash.
    origin: String,
    /// The origin plus any path prefix, without a trailing slash.
    base: String,
}

impl Endpoint {
    /// Checks an endpoint URL such as `https://huggingface.co` or `http://127.0.0.1:8080`.
    pub fn parse(value: &str) -> Result<Endpoint, FetchError> {
        let bad = |why: &str| FetchError::Endpoint {
            value: value.to_string(),
            why: why.to_string(),
        };
        let trimmed = value.trim().trim_end_matches('/');
        let uri: ureq::http::Uri = trimmed.parse().map_err(|_| bad("not a URL"))?;
        match uri.scheme_str() {
            Some("http") | Some("https") => {}
            Some(_) => return Err(bad("the scheme is neither http nor https")),
            None => return Err(bad("it has no scheme")),
        }
        let authority = uri.authority().ok_or_else(|| bad("it has no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad(
                "it holds user credentials; pass a token through HF_TOKEN instead",
            ));
        }
        if uri.query().is_some() {
            return Err(bad("it has a query string"));
        }
        let origin = format!("{}://{}", uri.scheme_str().unwrap_or("https"), authority);
        let path = uri.path().trim_end_matches('/');
        Ok(Endpoint {
            base: format!("{origin}{path}"),
            origin,
        })
    }

    /// The endpoint URL (origin and path prefix).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// True when `url` is on the endpoint's own origin (and may carry the token).
    pub fn owns(&self, url: &str) -> bool {
        url.strip_prefix(&self.origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
    }

    /// Makes a `Location` or `Link` target absolute: a path is taken on the endpoint's
    /// origin.
    pub fn absolute(&self, target: &str) -> String {
        if target.starts_with('/') {
            format!("{}{target}", self.origin)
        } else {
            target.to_string()
        }
    }
}

/// An access token. It is only ever written into an `Authorization` header: it has no
/// `Display`, and its `Debug` hides it.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token; blank tokens are none.
    pub fn new(token: &str) -> Option<Token> {
        let t = token.trim();
        (!t.is_empty()).then(|| Token(t.to_string()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(hidden)")
    }
}

/// How the client behaves: where, with which token, and how patiently.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The Hub's address.
    pub endpoint: Endpoint,
    /// Sent as `Authorization: Bearer ...` to the endpoint's origin only.
    pub token: Option<Token>,
    /// Retries of one request after a failure worth retrying (5xx, dropped connection,
    /// truncated or malformed body, timeout); 429 answers have a budget twice as large.
    pub retries: u32,
    /// The first backoff delay; each retry doubles it, with jitter, up to `backoff_max`.
    pub backoff_base: Duration,
    /// The longest backoff delay.
    pub backoff_max: Duration,
    /// The longest wait accepted when the server says to wait (429 `Retry-After`).
    pub max_wait: Duration,
    /// Connect and read timeout of one request.
    pub timeout: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl ClientConfig {
    /// Defaults for `endpoint`: 5 retries from a 1 s backoff up to 60 s, waits of up to
    /// 15 minutes, 60 s timeouts.
    pub fn new(endpoint: Endpoint) -> ClientConfig {
        ClientConfig {
            endpoint,
            token: None,
            retries: 5,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            max_wait: Duration::from_secs(900),
            timeout: Duration::from_secs(60),
            user_agent: format!("lineage/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Hears what the client and the crawls do, for progress display. Every method has a
/// default that ignores the event. Called from worker threads.
pub trait Observer: Send + Sync {
    /// A request failed and will be tried again after `wait`.
    fn retrying(&self, _url: &str, _attempt: u32, _wait: Duration, _why: &str) {}
    /// Models listed so far (`limit` is `--max` when given).
    fn listed(&self, _models: u64, _limit: Option<u64>) {}
    /// Commit histories read so far, of the models listed so far.
    fn commits(&self, _done: u64, _of: u64) {}
    /// Bytes downloaded so far of `total`.
    fn bytes(&self, _done: u64, _total: Option<u64>) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// Counts of what the client did.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    rate_limited: AtomicU64,
    server_errors: AtomicU64,
    broken_bodies: AtomicU64,
    malformed: AtomicU64,
    connection_errors: AtomicU64,
    bytes: AtomicU64,
}

/// A copy of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatsSnapshot {
    /// Requests sent (every attempt counts).
    pub requests: u64,
    /// 429 answers waited out.
    pub rate_limited: u64,
    /// 5xx (and 408) answers retried.
    pub server_errors: u64,
    /// Bodies cut short (truncated, connection dropped mid-body) retried.
    pub broken_bodies: u64,
    /// Bodies that were not the JSON expected, retried.
    pub malformed: u64,
    /// Connections refused, reset or timed out, retried.
    pub connection_errors: u64,
    /// Body bytes received.
    pub bytes: u64,
}

impl StatsSnapshot {
    /// Every retry, of any kind.
    pub fn retries(&self) -> u64 {
        self.rate_limited
            + self.server_errors
            + self.broken_bodies
            + self.malformed
            + self.connection_errors
    }
}

/// Why an attempt failed, when another may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transient {
    RateLimited,
    Server,
    BrokenBody,
    Malformed,
    Connection,
}

/// The outcome of one failed attempt.
pub(crate) enum Failure {
    /// Worth another try, after the server's wait if it gave one.
    Retry {
        kind: Transient,
        why: String,
        wait: Option<Duration>,
    },
    /// Retrying will not help.
    Fatal(FetchError),
}

/// One page of a JSON API answer.
#[derive(Debug)]
pub struct JsonPage {
    /// The parsed body.
    pub value: Value,
    /// The absolute URL of the next page (`Link: <...>; rel="next"`).
    pub next: Option<String>,
}

/// The HTTP client shared by all workers of a fetch.
pub struct Client {
    config: ClientConfig,
    http: ureq::Agent,
    /// No request starts before this instant (set when the server says to wait).
    resume_at: Mutex<Instant>,
    stats: Stats,
    observer: Box<dyn Observer>,
}

/// Largest JSON body accepted (a listing page of 1,000 models with card data is a few MB).
const MAX_JSON_BODY: u64 = 512 << 20;
/// Redirects followed for one request.
const MAX_REDIRECTS: u32 = 5;

impl Client {
    /// A client; `observer` hears about retries and progress.
    pub fn new(config: ClientConfig, observer: Box<dyn Observer>) -> Client {
        let http: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(config.timeout))
            .timeout_recv_response(Some(config.timeout))
            .timeout_per_read(Some(config.timeout))
            .user_agent(config.user_agent.as_str())
            .build()
            .into();
        Client {
            config,
            http,
            resume_at: Mutex::new(Instant::now()),
            stats: Stats::default(),
            observer,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.config.endpoint
    }

    /// The observer.
    pub fn observer(&self) -> &dyn Observer {
        self.observer.as_ref()
    }

    /// What the client has done so far.
    pub fn stats(&self) -> StatsSnapshot {
        let s = &self.stats;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        StatsSnapshot {
            requests: get(&s.requests),
            rate_limited: get(&s.rate_limited),
            server_errors: get(&s.server_errors),
            broken_bodies: get(&s.broken_bodies),
            malformed: get(&s.malformed),
            connection_errors: get(&s.connection_errors),
            bytes: get(&s.bytes),
        }
    }

    pub(crate) fn add_bytes(&self, n: u64) {
        self.stats.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// GETs a JSON document, retrying what is worth retrying.
    pub fn get_json(&self, url: &str) -> Result<JsonPage, FetchError> {
        self.with_retries(url, |attempt_url| {
            let response = self.send("GET", attempt_url, &[])?;
            self.read_json(attempt_url, response)
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries run out. Between
    /// attempts it sleeps: as long as the server asked, or an exponential backoff with
    /// jitter.
    pub(crate) fn with_retries<T>(
        &self,
        url: &str,
        mut attempt: impl FnMut(&str) -> Result<T, Failure>,
    ) -> Result<T, FetchError> {
        let mut failures = 0u32;
        let mut rate_limits = 0u32;
        loop {
            self.wait_for_turn();
            match attempt(url) {
                Ok(v) => return Ok(v),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Retry { kind, why, wait }) => {
                    let counter = match kind {
                        Transient::RateLimited => &self.stats.rate_limited,
                        Transient::Server => &self.stats.server_errors,
                        Transient::BrokenBody => &self.stats.broken_bodies,
                        Transient::Malformed => &self.stats.malformed,
                        Transient::Connection => &self.stats.connection_errors,
                    };
                    let (used, budget) = if kind == Transient::RateLimited {
                        rate_limits += 1;
                        (rate_limits, self.config.retries.saturating_mul(2).max(1))
                    } else {
                        failures += 1;
                        (failures, self.config.retries)
                    };
                    if used > budget {
                        return Err(FetchError::GaveUp {
                            url: url.to_string(),
                            attempts: failures + rate_limits,
                            last: why,
                        });
                    }
                    counter.fetch_add(1, Ordering::Relaxed);
                    let delay = match wait {
                        Some(w) if w > self.config.max_wait => {
                            return Err(FetchError::WaitTooLong {
                                url: url.to_string(),
                                seconds: w.as_secs(),
                                limit: self.config.max_wait.as_secs(),
                            })
                        }
                        Some(w) => w,
                        None => self.backoff(used - 1),
                    };
                    if kind == Transient::RateLimited {
                        // Every worker holds off, not just this one.
                        self.pause_for(delay);
                    }
                    self.observer.retrying(url, used, delay, &why);
                    std::thread::sleep(delay);
                }
            }
        }
    }

    /// The delay before retry number `n + 1`: base * 2^n, capped, then scaled by a random
    /// factor in [0.5, 1) so that many clients do not retry in step.
    pub(crate) fn backoff(&self, n: u32) -> Duration {
        let base = self.config.backoff_base.as_secs_f64();
        let capped =
            (base * 2f64.powi(n.min(30) as i32)).min(self.config.backoff_max.as_secs_f64());
        Duration::from_secs_f64(capped * (0.5 + fastrand::f64() * 0.5))
    }

    fn wait_for_turn(&self) {
        let until = *self.resume_at.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if until > now {
            std::thread::sleep(until - now);
        }
    }

    fn pause_for(&self, wait: Duration) {
        let mut at = self.resume_at.lock().unwrap_or_else(|e| e.into_inner());
        let until = Instant::now() + wait;
        if until > *at {
            *at = until;
        }
    }

    /// Sends one request, following redirects by hand so that the token never leaves the
    /// endpoint's origin. Classifies transport failures and retryable statuses.
    pub(crate) fn send(
        &self,
        method: &str,
        url: &str,
        extra: &[(&str, String)],
    ) -> Result<Response<Body>, Failure> {
        let mut target = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send_once(method, &target, extra)?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                if let Some(location) = header(&response, "location") {
                    if !self.is_download_redirect(&response) {
                        target = self.config.endpoint.absolute(&location);
                        continue;
                    }
                }
            }
            return Ok(response);
        }
        Err(Failure::Fatal(FetchError::Protocol {
            url: url.to_string(),
            detail: format!("more than {MAX_REDIRECTS} redirects"),
        }))
    }

    /// A redirect the caller wants to see rather than follow (a file download's redirect
    /// carries the file's hash and size in its own headers).
    fn is_download_redirect(&self, response: &Response<Body>) -> bool {
        response.headers().contains_key("x-linked-etag")
    }

    fn send_once(
        &self,
        method: &str,
        url: &str,
        extra: &[(&str, String)],
    ) -> Result<Response<Body>, Failure> {
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        request = request.header("accept", "application/json");
        if let Some(token) = &self.config.token {
            if self.config.endpoint.owns(url) {
                request = request.header("authorization", format!("Bearer {}", token.0));
            }
        }
        for (name, value) in extra {
            request = request.header(*name, value.as_str());
        }
        let request = request.body(()).map_err(|e| {
            Failure::Fatal(FetchError::Protocol {
                url: url.to_string(),
                detail: format!("cannot build the request: {e}"),
            })
        })?;
        let response = self.http.run(request).map_err(|e| classify(url, e))?;
        let status = response.status().as_u16();
        match status {
            429 => {
                let wait = server_wait(&response);
                Err(Failure::Retry {
                    kind: Transient::RateLimited,
                    why: format!(
                        "HTTP 429 Too Many Requests{}",
                        wait.map(|w| format!(" (the server asks to wait {} s)", w.as_secs()))
                            .unwrap_or_default()
                    ),
                    wait,
                })
            }
            408 | 500..=599 => Err(Failure::Retry {
                kind: Transient::Server,
                why: format!("HTTP {status} {}", reason(status)),
                wait: header(&response, "retry-after")
                    .and_then(|h| headers::retry_after(&h, chrono::Utc::now().timestamp())),
            }),
            _ => {
                // Slow down before the window runs out rather than after.
                if let Some(limit) =
                    header(&response, "ratelimit").and_then(|h| headers::rate_limit(&h))
                {
                    if limit.remaining == 0 && limit.reset > 0 {
                        let wait = Duration::from_secs(limit.reset).min(self.config.max_wait);
                        self.pause_for(wait);
                    }
                }
                Ok(response)
            }
        }
    }

    /// Reads a JSON answer: a 2xx body that must parse; another status is final.
    pub(crate) fn read_json(
        &self,
        url: &str,
        mut response: Response<Body>,
    ) -> Result<JsonPage, Failure> {
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Failure::Fatal(status_error(url, &mut response)));
        }
        let next = header(&response, "link")
            .and_then(|h| headers::next_link(&h))
            .map(|n| self.config.endpoint.absolute(&n));
        let mut body = Vec::new();
        let read = response
            .body_mut()
            .with_config()
            .limit(MAX_JSON_BODY)
            .reader()
            .read_to_end(&mut body);
        self.add_bytes(body.len() as u64);
        if let Err(e) = read {
            return Err(Failure::Retry {
                kind: Transient::BrokenBody,
                why: format!("the body was cut short after {} bytes: {e}", body.len()),
                wait: None,
            });
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) => Ok(JsonPage { value, next }),
            Err(e) => Err(Failure::Retry {
                kind: Transient::Malformed,
                why: format!(
                    "the body ({} bytes{}) is not valid JSON: {e}",
                    body.len(),
                    looks_like(&body)
                ),
                wait: None,
            }),
        }
    }
}

/// A hint at what a body that is not JSON is.
fn looks_like(body: &[u8]) -> &'static str {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_ascii_lowercase();
    if text.contains("<html") || text.contains("<!doctype") {
        ", part of it an HTML page"
    } else {
        ""
    }
}

/// The value of a header as text.
pub(crate) fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// How long a 429 answer asks to wait: `Retry-After`, else the `RateLimit` reset.
fn server_wait(response: &Response<Body>) -> Option<Duration> {
    if let Some(w) = header(response, "retry-after")
        .and_then(|h| headers::retry_after(&h, chrono::Utc::now().timestamp()))
    {
        return Some(w);
    }
    header(response, "ratelimit")
        .and_then(|h| headers::rate_limit(&h))
        .map(|l| Duration::from_secs(l.reset))
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// A final status as an error, with the Hub's own message (`{"error": "..."}`) and advice.
pub(crate) fn status_error(url: &str, response: &mut Response<Body>) -> FetchError {
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 10)
        .read_to_vec()
        .unwrap_or_default();
    let said = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string));
    let mut message = reason(status).to_string();
    if let Some(said) = said {
        message = format!("{message} ({said})");
    }
    match status {
        401 | 403 => message.push_str("; a token with access may be needed: set HF_TOKEN"),
        404 => message.push_str("; check the repo id and file path"),
        _ => {}
    }
    FetchError::Status {
        url: url.to_string(),
        status,
        message,
    }
}

/// Sorts a transport error into retryable or final.
fn classify(url: &str, error: ureq::Error) -> Failure {
    use ureq::Error as E;
    match error {
        E::Io(_) | E::Timeout(_) | E::ConnectionFailed | E::HostNotFound | E::Protocol(_) => {
            Failure::Retry {
                kind: Transient::Connection,
                why: format!("connection failed: {error}"),
                wait: None,
            }
        }
        other => Failure::Fatal(FetchError::Protocol {
            url: url.to_string(),
            detail: other.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("https://huggingface.co/").unwrap();
        assert_eq!(e.base(), "https://huggingface.co");
        assert!(e.owns("https://huggingface.co/api/models?x=1"));
        assert!(!e.owns("https://huggingface.co.evil.example/api"));
        assert!(!e.owns("https://cdn-lfs.hf.co/x"));
        let e = Endpoint::parse("http://127.0.0.1:8080/mirror").unwrap();
        assert_eq!(e.base(), "http://127.0.0.1:8080/mirror");
        assert_eq!(e.absolute("/api/x"), "http://127.0.0.1:8080/api/x");
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("huggingface.co").is_err());
        assert!(Endpoint::parse("https://user:pw@huggingface.co").is_err());
    }

    #[test]
    fn encoding_keeps_ids_intact() {
        assert_eq!(encode_path("org/name-1.5_b"), "org/name-1.5_b");
        assert_eq!(encode_path("zoë/modèle"), "zo%C3%AB/mod%C3%A8le");
        assert_eq!(encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(encode("base_model:org/m"), "base_model%3Aorg%2Fm");
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let mut config = ClientConfig::new(Endpoint::parse("http://127.0.0.1:1").unwrap());
        config.backoff_base = Duration::from_millis(100);
        config.backoff_max = Duration::from_millis(1000);
        let client = Client::new(config, Box::new(Silent));
        for _ in 0..50 {
            let d0 = client.backoff(0).as_secs_f64();
            assert!((0.05..0.1).contains(&d0), "{d0}");
            let d2 = client.backoff(2).as_secs_f64();
            assert!((0.2..0.4).contains(&d2), "{d2}");
            let d9 = client.backoff(9).as_secs_f64();
            assert!((0.5..1.0).contains(&d9), "{d9}");
        }
    }

    #[test]
    fn token_debug_is_hidden() {
        let t = Token::new("hf_secret").unwrap();
        assert!(!format!("{t:?}").contains("hf_secret"));
        assert!(Token::new("  ").is_none());
    }
}
