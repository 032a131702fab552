//! Python list literals as pandas writes them into CSV cells (`['a', "b's"]`), parsed as a
//! grammar rather than evaluated: strings (single or double quoted, with backslash escapes),
//! `None`, numbers and nested lists are accepted; anything else is an error with its offset.

use super::strlist::StrList;

/// Why a list literal could not be parsed; `at` is a byte offset into the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyListError {
    /// Byte offset of the problem in the cell.
    pub at: usize,
    /// What is wrong.
    pub message: &'static str,
}

impl std::fmt::Display for PyListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at character {}", self.message, self.at + 1)
    }
}

/// Parses a list literal into its string items (non-string scalars are kept as their text,
/// `None` is skipped, nested lists are flattened).
pub fn parse_list(cell: &str) -> Result<Vec<String>, PyListError> {
    let mut out = StrList::new();
    parse_list_into(cell, &mut out)?;
    Ok(out.to_vec())
}

/// Parses a list literal as [`parse_list`] does, adding its items to `out` (one buffer for
/// them all, rather than a `String` each). On an error, `out` holds the items before it.
pub fn parse_list_into(cell: &str, out: &mut StrList) -> Result<(), PyListError> {
    let mut p = Parser {
        s: cell.as_bytes(),
        src: cell,
        i: 0,
        out,
        escaped: String::new(),
    };
    p.ws();
    p.list()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("unexpected text after the closing ']'"));
    }
    Ok(())
}

/// True when the cell looks like a list literal (starts with `[`).
pub fn is_list(cell: &str) -> bool {
    cell.trim_start().starts_with('[')
}

/// Lists nested deeper than this are rejected: no real cell nests more than two levels, and
/// a bound keeps a hostile cell from costing more than its length.
pub const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    out: &'a mut StrList,
    /// A string with escapes, decoded (one without is pushed straight from the cell).
    escaped: String,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> PyListError {
        PyListError {
            at: self.i,
            message,
        }
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    /// The outer list and every list nested in it, followed with a depth counter rather than
    /// by recursion, so a cell nested thousands deep is read (or rejected) without growing
    /// the stack.
    fn list(&mut self) -> Result<(), PyListError> {
        if self.s.get(self.i) != Some(&b'[') {
            return Err(self.err("expected '['"));
        }
        self.i += 1;
        let mut depth = 1usize;
        // True right after a '[' or ',': an item may follow (or ']': a trailing comma is
        // accepted, as Python does).
        let mut expect_item = true;
        loop {
            self.ws();
            match self.s.get(self.i) {
                None => return Err(self.err("unterminated list")),
                Some(b']') => {
                    self.i += 1;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                    expect_item = false;
                }
                Some(b',') if !expect_item => {
                    self.i += 1;
                    expect_item = true;
                }
                Some(b'[') if expect_item => {
                    if depth >= MAX_DEPTH {
                        return Err(self.err("lists nested too deeply"));
                    }
                    self.i += 1;
                    depth += 1;
                }
                Some(_) if expect_item => {
                    self.scalar()?;
                    expect_item = false;
                }
                Some(_) => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    /// One item that is not a list: a string, `None` or a number.
    fn scalar(&mut self) -> Result<(), PyListError> {
        match self.s.get(self.i) {
            Some(b'\'') | Some(b'"') => self.string(),
            Some(_) => {
                let start = self.i;
                while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b']') {
                    self.i += 1;
                }
                let word = self.src[start..self.i].trim();
                if word == "None" {
                    Ok(())
                } else if !word.is_empty() && word.parse::<f64>().is_ok() {
                    self.out.push(word);
                    Ok(())
                } else {
                    self.i = start;
                    Err(self.err("expected a quoted string"))
                }
            }
            None => Err(self.err("unterminated list")),
        }
    }

    /// A quoted string, pushed onto the items.
    fn string(&mut self) -> Result<(), PyListError> {
        let quote = self.s[self.i];
        let start = self.i;
        self.i += 1;
        let plain = self.i;
        // The common case: no escape, so the item is a slice of the cell.
        while self.i < self.s.len() && self.s[self.i] != quote && self.s[self.i] != b'\\' {
            self.i += 1;
        }
        if self.s.get(self.i) == Some(&quote) {
            self.out.push(&self.src[plain..self.i]);
            self.i += 1;
            return Ok(());
        }
        let mut out = std::mem::take(&mut self.escaped);
        out.clear();
        out.push_str(&self.src[plain..self.i]);
        let mut run = self.i;
        while self.i < self.s.len() {
            let b = self.s[self.i];
            if b == quote {
                out.push_str(&self.src[run..self.i]);
                self.i += 1;
                self.out.push(&out);
                self.escaped = out;
                return Ok(());
            }
            if b == b'\\' {
                out.push_str(&self.src[run..self.i]);
                let Some(&next) = self.s.get(self.i + 1) else {
                    break;
                };
                match next {
                    b'n' => out.push('\n'),
                    b't' => out.push('\t'),
                    b'r' => out.push('\r'),
                    b'\\' | b'\'' | b'"' => out.push(next as char),
                    b'x' | b'u' | b'U' => {
                        let len = match next {
                            b'x' => 2,
                            b'u' => 4,
                            _ => 8,
                        };
                        let hex = self
                            .src
                            .get(self.i + 2..self.i + 2 + len)
                            .ok_or_else(|| self.err("truncated escape"))?;
                        let c = u32::from_str_radix(hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| self.err("bad escape"))?;
                        out.push(c);
                        self.i += len;
                    }
                    _ => {
                        out.push('\\');
                        // Keep the next character verbatim, whatever its width.
                        run = self.i + 1;
                        self.i += 1;
                        continue;
                    }
                }
                self.i += 2;
                run = self.i;
                continue;
            }
            self.i += 1;
        }
        self.i = start;
        Err(self.err("unterminated string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pandas_list_cells() {
        assert_eq!(
            parse_list("['transformers', 'base_model:mistralai/Mistral-7B-v0.1']").unwrap(),
            vec!["transformers", "base_model:mistralai/Mistral-7B-v0.1"]
        );
        assert_eq!(parse_list("[]").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_list(" [ \"it's\" , 'a\\'b' ,] ").unwrap(),
            vec!["it's", "a'b"]
        );
        assert_eq!(
            parse_list("['x', None, 3, ['y']]").unwrap(),
            vec!["x", "3", "y"]
        );
        assert_eq!(
            parse_list("['Über', '中文']").unwrap(),
            vec!["Über", "中文"]
        );
        assert_eq!(parse_list(r"['\u00e9\x41']").unwrap(), vec!["éA"]);
        // Escaped and plain items in turn: each escaped one is decoded on its own.
        assert_eq!(
            parse_list(r#"['a\'b', 'c', "d\\e", 'f"g', 'h\ni']"#).unwrap(),
            vec!["a'b", "c", "d\\e", "f\"g", "h\ni"]
        );
        let mut out = StrList::new();
        out.push("kept");
        assert!(parse_list_into("['x', 'y'", &mut out).is_err());
        assert_eq!(out, ["kept", "x", "y"]);
    }

    #[test]
    fn rejects_what_is_not_a_list() {
        assert!(parse_list("['a', 'b'").is_err());
        assert!(parse_list("['a' 'b']").is_err());
        assert!(parse_list("['a]").is_err());
        assert!(parse_list("a, b").is_err());
        assert!(parse_list("['a'] x").is_err());
        assert!(parse_list("[__import__('os')]").is_err());
        assert_eq!(parse_list("['a").unwrap_err().at, 1);
        assert!(parse_list("[,]").is_err());
        assert!(parse_list("['a',,]").is_err());
        assert!(parse_list("[['a']['b']]").is_err());
    }

    #[test]
    fn deeply_nested_list_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_list(&deep).unwrap_err();
        assert_eq!(e.message, "lists nested too deeply");
        let open = "[".repeat(1_000_000);
        assert!(parse_list(&open).is_err());
        let ok = format!("{}'x'{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(parse_list(&ok).unwrap(), vec!["x"]);
    }
}
