//! What can stop a fetch. Every message names the URL or file involved and, where there
//! is one, what to do about it. No message ever contains the access token.

use std::path::PathBuf;

use thiserror::Error;

/// A fetch that cannot go on.
#[derive(Debug, Error)]
pub enum FetchError {
    /// `HF_ENDPOINT` (or the endpoint given) is not an http(s) URL.
    #[error("endpoint '{value}' is not usable: {why}; expected an http:// or https:// URL such as https://huggingface.co")]
    Endpoint {
        /// The value given.
        value: String,
        /// What is wrong with it.
        why: String,
    },
    /// A request kept failing in a way that is worth retrying, and the retries ran out.
    #[error("GET {url}: gave up after {attempts} attempts; last: {last}")]
    GaveUp {
        /// The URL requested.
        url: String,
        /// How many times it was requested.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The server answered with a status that retrying will not change (401, 403, 404...).
    #[error("GET {url}: HTTP {status}{}{}", if message.is_empty() { "" } else { ": " }, message)]
    Status {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The server's own explanation, and advice where there is some.
        message: String,
    },
    /// The server asked to wait longer than the client is willing to.
    #[error("GET {url}: the server asks to wait {seconds} s before the next request (rate limit), longer than the {limit} s this command waits; run it again later")]
    WaitTooLong {
        /// The URL requested.
        url: String,
        /// The wait asked for.
        seconds: u64,
        /// The longest wait accepted.
        limit: u64,
    },
    /// The server's answer was readable but not what the API returns.
    #[error("GET {url}: unexpected answer: {detail}")]
    Protocol {
        /// The URL requested.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// A downloaded file does not match the hash or size the server announced.
    #[error("{url}: the download does not match what the server announced: {detail}; the partial file was removed, run the command again to download it anew")]
    Verify {
        /// The URL downloaded.
        url: String,
        /// Expected and actual values.
        detail: String,
    },
    /// The checkpoint beside the output belongs to another command or is damaged.
    #[error("{}: {detail}", path.display())]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong and what to do.
        detail: String,
    },
    /// A local file could not be read or written.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The cause.
        source: std::io::Error,
    },
}

impl FetchError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
    ) -> impl FnOnce(std::io::Error) -> FetchError {
        let path = path.into();
        move |source| FetchError::Io {
            path,
            action,
            source,
        }
    }
}
