//! Python list literals as pandas writes them into CSV cells (`['a', "b's"]`), parsed as a
//! grammar rather than evaluated: strings (single or double quoted, with backslash escapes),
//! `None`, numbers and nested lists are accepted; anything else is an error with its offset.

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
    let mut p = Parser {
        s: cell.as_bytes(),
        src: cell,
        i: 0,
        out: Vec::new(),
    };
    p.ws();
    p.list()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("unexpected text after the closing ']'"));
    }
    Ok(p.out)
}

/// True when the cell looks like a list literal (starts with `[`).
pub fn is_list(cell: &str) -> bool {
    cell.trim_start().starts_with('[')
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    out: Vec<String>,
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

    fn list(&mut self) -> Result<(), PyListError> {
        if self.s.get(self.i) != Some(&b'[') {
            return Err(self.err("expected '['"));
        }
        self.i += 1;
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            self.item()?;
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(());
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                None => return Err(self.err("unterminated list")),
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn item(&mut self) -> Result<(), PyListError> {
        match self.s.get(self.i) {
            Some(b'\'') | Some(b'"') => {
                let s = self.string()?;
                self.out.push(s);
                Ok(())
            }
            Some(b'[') => self.list(),
            Some(_) => {
                let start = self.i;
                while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b']') {
                    self.i += 1;
                }
                let word = self.src[start..self.i].trim();
                if word == "None" {
                    Ok(())
                } else if !word.is_empty() && word.parse::<f64>().is_ok() {
                    self.out.push(word.to_string());
                    Ok(())
                } else {
                    self.i = start;
                    Err(self.err("expected a quoted string"))
                }
            }
            None => Err(self.err("unterminated list")),
        }
    }

    fn string(&mut self) -> Result<String, PyListError> {
        let quote = self.s[self.i];
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i;
        while self.i < self.s.len() {
            let b = self.s[self.i];
            if b == quote {
                out.push_str(&self.src[run..self.i]);
                self.i += 1;
                return Ok(out);
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
    }
}
