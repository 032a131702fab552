//! How the real files spell values: pandas-style timestamps, Python float and list
//! literals, minimal CSV quoting, JSON strings. Everything is written from integers by hand
//! so no float formatting or locale can change a byte.

use std::fmt::Write as _;

/// Seconds since 1970 of the Hub's epoch, 2022-03-02 00:00:00 UTC: generated times are
/// stored as seconds after it.
pub const EPOCH_UNIX: i64 = 19_053 * 86_400;
pub const DAY: u32 = 86_400;

/// Days since 1970-01-01 of a calendar date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Seconds after the Hub epoch of midnight of a date.
pub fn at(y: i64, m: u32, d: u32) -> u32 {
    ((days_from_civil(y, m, d) * 86_400 - EPOCH_UNIX).max(0)) as u32
}

fn split(unix: i64) -> ((i64, u32, u32), u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400) as u32;
    (
        civil_from_days(days),
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
    )
}

/// Appends a non-negative integer.
pub fn push_num(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

fn push2(out: &mut String, n: u32) {
    out.push((b'0' + (n / 10 % 10) as u8) as char);
    out.push((b'0' + (n % 10) as u8) as char);
}

fn push_date_time(out: &mut String, unix: i64, sep: char) {
    let ((y, mo, d), h, mi, s) = split(unix);
    let y = y.clamp(0, 9999) as u32;
    push2(out, y / 100);
    push2(out, y % 100);
    out.push('-');
    push2(out, mo);
    out.push('-');
    push2(out, d);
    out.push(sep);
    push2(out, h);
    out.push(':');
    push2(out, mi);
    out.push(':');
    push2(out, s);
}

/// `2024-03-22 14:08:40+00:00`, as pandas writes a UTC timestamp.
pub fn pandas_time(out: &mut String, unix: i64) {
    push_date_time(out, unix, ' ');
    out.push_str("+00:00");
}

/// `2024-03-22T14:08:40.000Z`, as the Hub API writes a time.
pub fn iso_time(out: &mut String, unix: i64) {
    push_date_time(out, unix, 'T');
    out.push_str(".000Z");
}

/// Seconds since 1970 of a generated time.
pub fn unix(t: u32) -> i64 {
    EPOCH_UNIX + i64::from(t)
}

/// A value in hundredths as Python prints a float: `59.98`, `78.5`, `60.0`.
pub fn hundredths(out: &mut String, v: u32) {
    let (int, frac) = (v / 100, v % 100);
    push_num(out, u64::from(int));
    out.push('.');
    if frac % 10 == 0 {
        out.push((b'0' + (frac / 10) as u8) as char);
    } else {
        push2(out, frac);
    }
}

/// A Python list literal of strings: `['a', 'b']`.
pub fn py_list<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        py_str(out, item);
    }
    out.push(']');
}

/// A Python string literal as `repr` writes it.
pub fn py_str(out: &mut String, s: &str) {
    if !s.contains(['\'', '\\']) {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
        return;
    }
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
}

/// Appends one CSV field, quoted only when it must be (pandas' minimal quoting).
pub fn csv_field(out: &mut String, s: &str, delimiter: char) {
    if !s.contains([delimiter, '"', '\n', '\r']) {
        out.push_str(s);
        return;
    }
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest.find('"') {
        out.push_str(&rest[..=i]);
        out.push('"');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// A JSON string literal.
pub fn json_str(out: &mut String, s: &str) {
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(days_from_civil(2022, 3, 2), 19_053);
        assert_eq!(civil_from_days(19_053), (2022, 3, 2));
        for d in [0, 365, 19_053, 19_782, 20_000, -1, -800] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        let mut s = String::new();
        pandas_time(&mut s, unix(at(2024, 2, 29) + 3_723));
        assert_eq!(s, "2024-02-29 01:02:03+00:00");
        s.clear();
        iso_time(&mut s, unix(0) - 86_400 * 400);
        assert_eq!(s, "2021-01-26T00:00:00.000Z");
    }

    #[test]
    fn values_are_spelled_like_python() {
        let mut s = String::new();
        for v in [5998, 7850, 6000, 5, 0] {
            hundredths(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "59.98 78.5 60.0 0.05 0.0 ");
        s.clear();
        py_list(&mut s, ["a/b", "it's", r"a\b", "'\""]);
        assert_eq!(s, r#"['a/b', "it's", 'a\\b', '\'"']"#);
        s.clear();
        csv_field(&mut s, "['a', 'b']", ',');
        csv_field(&mut s, "x\"y", ';');
        assert_eq!(s, r#""['a', 'b']""x""y""#);
        s.clear();
        json_str(&mut s, "a\"b\\c\n");
        assert_eq!(s, r#""a\"b\\c\n""#);
    }
}
