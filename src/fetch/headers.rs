//! The response headers the Hub steers clients with: `Link` (the next page of a listing),
//! `Retry-After` and `RateLimit` (how long to wait), and `ETag` / `X-Linked-Etag` (the
//! hash a download must have). Parsing them is kept apart so each rule is tested alone.

use std::time::Duration;

/// The URL of `rel="next"` in a `Link` header (`<url>; rel="next", <url>; rel="prev"`).
pub fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let url = &rest[start + 1..end];
        rest = &rest[end + 1..];
        // The parameters of this link run to the next '<' (or the end).
        let params_end = rest.find('<').unwrap_or(rest.len());
        let params = &rest[..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            let Some(value) = p.strip_prefix("rel").map(str::trim_start) else {
                return false;
            };
            let Some(value) = value.strip_prefix('=') else {
                return false;
            };
            value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(url.to_string());
        }
    }
}

/// The wait a `Retry-After` header asks for: delta-seconds, or an HTTP date (counted from
/// `now`, seconds since the Unix epoch).
pub fn retry_after(header: &str, now: i64) -> Option<Duration> {
    let value = header.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let seconds = (date.timestamp() - now).max(0);
    Some(Duration::from_secs(seconds as u64))
}

/// What the IETF `RateLimit` header says (`"api";r=0;t=55`): requests left in the window
/// and seconds until it resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests left in the current window.
    pub remaining: u64,
    /// Seconds until the window resets.
    pub reset: u64,
}

/// Parses a `RateLimit` header; `None` when it lacks `r=` or `t=`.
pub fn rate_limit(header: &str) -> Option<RateLimit> {
    let mut remaining = None;
    let mut reset = None;
    for part in header.split([';', ',']) {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("r=") {
            remaining = v.trim().parse().ok();
        } else if let Some(v) = part.strip_prefix("t=") {
            reset = v.trim().parse().ok();
        }
    }
    Some(RateLimit {
        remaining: remaining?,
        reset: reset?,
    })
}

/// The hash a file must have, from its entity tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A large (LFS) file: the hex SHA-256 of its contents (`X-Linked-Etag`).
    Sha256(String),
    /// A small file kept in git: the hex SHA-1 of the git blob (`blob <len>\0<bytes>`).
    GitBlobSha1(String),
}

/// Reads an entity tag (`"abc..."`, `W/"abc..."`) as a hash, when it is one.
pub fn expected_hash(etag: &str) -> Option<Expected> {
    let tag = etag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
    if !tag.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match tag.len() {
        64 => Some(Expected::Sha256(tag.to_ascii_lowercase())),
        40 => Some(Expected::GitBlobSha1(tag.to_ascii_lowercase())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_among_several() {
        let h = r#"<https://huggingface.co/api/models?cursor=abc%3D&limit=1000>; rel="next""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://huggingface.co/api/models?cursor=abc%3D&limit=1000")
        );
        let h = r#"<http://h/a?p=0>; rel="prev", <http://h/a?p=2>; rel="next""#;
        assert_eq!(next_link(h).as_deref(), Some("http://h/a?p=2"));
        let h = r#"<http://h/a?p=0>; rel=prev"#;
        assert_eq!(next_link(h), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("<http://h/x"), None);
        // A comma inside the URL does not split it.
        let h = r#"<http://h/a?x=1,2>; title="a, b"; rel="next""#;
        assert_eq!(next_link(h).as_deref(), Some("http://h/a?x=1,2"));
        // rel may hold several types.
        let h = r#"<http://h/b>; rel="last next""#;
        assert_eq!(next_link(h).as_deref(), Some("http://h/b"));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(retry_after("3", 0), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(" 120 ", 0), Some(Duration::from_secs(120)));
        // Wed, 21 Oct 2015 07:28:00 GMT is 1445412480.
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_470),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_490),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", 0), None);
        assert_eq!(retry_after("-1", 0), None);
    }

    #[test]
    fn rate_limit_header_of_the_hub() {
        assert_eq!(
            rate_limit(r#""api";r=0;t=55"#),
            Some(RateLimit {
                remaining: 0,
                reset: 55
            })
        );
        assert_eq!(
            rate_limit(r#""api";r=489;t=189"#),
            Some(RateLimit {
                remaining: 489,
                reset: 189
            })
        );
        assert_eq!(rate_limit(r#""fixed window";"api";q=500;w=300"#), None);
        assert_eq!(rate_limit("r=x;t=1"), None);
    }

    #[test]
    fn entity_tags_as_hashes() {
        let sha = "a".repeat(64);
        assert_eq!(
            expected_hash(&format!("\"{sha}\"")),
            Some(Expected::Sha256(sha.clone()))
        );
        assert_eq!(
            expected_hash(&format!("W/\"{}\"", "B".repeat(40))),
            Some(Expected::GitBlobSha1("b".repeat(40)))
        );
        assert_eq!(expected_hash("\"abc-1\""), None);
        assert_eq!(expected_hash("\"abc\""), None);
    }
}
