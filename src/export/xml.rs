//! XML 1.0 escaping for the GraphML and GEXF writers.
//!
//! Model ids, author names and licenses come from files anyone can write, so they may hold
//! markup characters and even control characters, which XML 1.0 cannot carry at all (not even
//! as character references). A dozen lines do it, so no XML crate: `quick-xml`'s escaping
//! leaves forbidden characters in place and would still need this filter.

use std::borrow::Cow;
use std::io::{self, Write};

/// Characters XML 1.0 does not allow in a document: C0 controls other than tab, newline and
/// carriage return, and U+FFFE / U+FFFF. (Lone surrogates cannot occur in a Rust string.)
pub fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Writes `s` escaped for element text and double-quoted attribute values alike: `& < > "`
/// become entity references; tab, newline and carriage return become character references,
/// so that attribute-value and line-end normalisation keep them; forbidden characters are
/// dropped.
pub fn write_escaped(w: &mut (impl Write + ?Sized), s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, len): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\t' => (b"&#9;", 1),
            b'\n' => (b"&#10;", 1),
            b'\r' => (b"&#13;", 1),
            0..=0x1f => (b"", 1),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xef if bytes.get(i + 1) == Some(&0xbf)
                && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) =>
            {
                (b"", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        w.write_all(&bytes[start..i])?;
        w.write_all(replacement)?;
        i += len;
        start = i;
    }
    w.write_all(&bytes[start..])
}

/// The id of a node in an XML document: its name without forbidden characters (made unique
/// with its dense id when any had to go), still to be escaped.
pub fn node_id(name: &str, model: u32) -> Cow<'_, str> {
    super::clean_id(name, model, forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        write_escaped(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn markup_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(escaped("plain/model-7B"), "plain/model-7B");
        assert_eq!(escaped(r#"a&b<c>"d"'e"#), "a&amp;b&lt;c&gt;&quot;d&quot;'e");
        assert_eq!(escaped("tab\tnl\ncr\r"), "tab&#9;nl&#10;cr&#13;");
        assert_eq!(escaped("bell\u{7}esc\u{1b}nul\u{0}"), "bellescnul");
        assert_eq!(escaped("x\u{fffe}y\u{ffff}z\u{fffd}"), "xyz\u{fffd}");
        assert_eq!(escaped("通义千问 🦙 \u{7f}"), "通义千问 🦙 \u{7f}");
        // A three-byte character starting with EF that is not U+FFFE/U+FFFF stays.
        assert_eq!(escaped("\u{ff21}\u{efbf}"), "\u{ff21}\u{efbf}");
    }

    #[test]
    fn ids_drop_forbidden_characters_and_stay_unique() {
        assert_eq!(node_id("org/ok", 1), "org/ok");
        assert_eq!(node_id("org/b\u{7}ad", 9), "org/bad#9");
        assert_eq!(node_id("tab\tkept", 2), "tab\tkept");
    }
}
