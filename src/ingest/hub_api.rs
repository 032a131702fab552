//! Hub API JSON Lines: one model object per line, as the Hub's model API returns it
//! (`id`, `author`, `createdAt`, `downloads`, `likes`, `tags`, `cardData.base_model`,
//! `cardData.base_model_relation`, `baseModels: {relation, models: [{id}]}`), plus the
//! `commitAuthors` that `lineage fetch models --commits` adds: the repo's contributors.

use std::io::{BufRead, Read};
use std::path::Path;

use serde_json::Value;

use super::{
    kept_value, reason, refs, shown, Counting, ModelRecord, ParentRef, RepeatFold, RowIssue, Sink,
};
use crate::error::IngestError;
use crate::model::{Day, EdgeKind, Stamp};

pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    let file = path.display().to_string();
    let io = |source| IngestError::Io {
        path: path.into(),
        source,
    };
    let mut reader = std::io::BufReader::new(reader);
    let mut raw = Vec::new();
    let mut number = 0u64;
    let mut bytes = 0u64;
    let mut repeats = RepeatFold::with_room(super::rows_in(sink.len));
    loop {
        raw.clear();
        // Lines are read as bytes: one line that is not UTF-8 is that line's problem only.
        let n = reader.read_until(b'\n', &mut raw).map_err(io)?;
        if n == 0 {
            break;
        }
        number += 1;
        bytes += n as u64;
        if number % 4096 == 0 {
            sink.progress(bytes);
        }
        let line = String::from_utf8_lossy(&raw);
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        sink.row();
        if std::str::from_utf8(&raw).is_err() {
            sink.issue(RowIssue {
                file: file.clone(),
                line: number,
                field: String::new(),
                value: kept_value(text),
                reason: reason::BAD_UTF8,
                message: "not valid UTF-8; invalid bytes replaced by U+FFFD".into(),
            });
        }
        let issue = |field: &str, value: &str, why: &'static str, message: String| RowIssue {
            file: file.clone(),
            line: number,
            field: field.to_string(),
            value: kept_value(value),
            reason: why,
            message,
        };
        // A lone UTF-16 surrogate (`\ud800`) names no character, and the JSON parser refuses
        // the whole object for it: it is replaced, and the fields holding it are reported.
        let (text, surrogates) = replace_lone_surrogates(text);
        let text = text.as_ref();
        let obj: Value = match serde_json::from_str(text) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                sink.reject(issue(
                    "",
                    text,
                    reason::BAD_JSON,
                    "not a JSON object".into(),
                ));
                continue;
            }
            Err(e) => {
                let at_end = reader.fill_buf().map(|b| b.is_empty()).unwrap_or(false);
                if at_end && raw.last() != Some(&b'\n') && e.is_eof() {
                    return Err(IngestError::Truncated {
                        path: path.into(),
                        line: number,
                        detail: format!("the last object is incomplete: {e}"),
                    });
                }
                sink.reject(issue(
                    "",
                    text,
                    reason::BAD_JSON,
                    format!("invalid JSON: {e}"),
                ));
                continue;
            }
        };
        let Some(id) = obj
            .get("id")
            .or_else(|| obj.get("modelId"))
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
        else {
            sink.reject(issue(
                "id",
                "",
                reason::MISSING_ID,
                "no string field 'id'".into(),
            ));
            continue;
        };
        let mut rec = ModelRecord {
            id: id.trim().to_string(),
            line: number,
            ..Default::default()
        };
        let mut problems = Vec::new();
        let mut string = |field: &str| -> Option<String> {
            match obj.get(field) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    problems.push(issue(
                        field,
                        &other.to_string(),
                        reason::BAD_JSON,
                        format!("'{field}' is not a string"),
                    ));
                    None
                }
            }
        };
        rec.owner = string("author");
        rec.pipeline = string("pipeline_tag");
        rec.library = string("library_name");
        let created = string("createdAt");
        rec.created_at = created
            .as_deref()
            .filter(|v| v.trim().len() > 10)
            .and_then(Stamp::parse);
        let modified = string("lastModified");
        for (field, value, slot) in [
            ("createdAt", created, &mut rec.created),
            ("lastModified", modified, &mut rec.last_modified),
        ] {
            if let Some(v) = value {
                *slot = Day::parse(&v);
                if slot.is_none() {
                    problems.push(issue(
                        field,
                        &v,
                        reason::BAD_DATE,
                        format!("'{}' is not an ISO 8601 date", shown(&v)),
                    ));
                }
            }
        }
        let mut count = |field: &str| -> Option<u64> {
            match obj.get(field) {
                None | Some(Value::Null) => None,
                Some(v) => v.as_u64().or_else(|| {
                    problems.push(issue(
                        field,
                        &v.to_string(),
                        reason::BAD_NUMBER,
                        format!("'{field}' is not a non-negative integer"),
                    ));
                    None
                }),
            }
        };
        rec.downloads = count("downloads");
        rec.likes = count("likes").map(|l| l.min(u64::from(u32::MAX)) as u32);
        if let Some(total) = obj.pointer("/safetensors/total").and_then(Value::as_f64) {
            rec.params_b = Some((total / 1e9) as f32);
        }
        let tags = match obj.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut tags = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(t) => tags.push(t),
                        None => problems.push(issue(
                            "tags",
                            &item.to_string(),
                            reason::BAD_LIST,
                            "an item of 'tags' is not a string".into(),
                        )),
                    }
                }
                tags
            }
            Some(other) => {
                problems.push(issue(
                    "tags",
                    &other.to_string(),
                    reason::BAD_LIST,
                    "'tags' is not a list".into(),
                ));
                Vec::new()
            }
        };
        refs::apply_tags(&mut rec, tags, "tags");
        let card = obj.get("cardData");
        let card_relation = card
            .and_then(|c| c.get("base_model_relation"))
            .and_then(Value::as_str)
            .and_then(EdgeKind::from_relation);
        match card.and_then(|c| c.get("license")) {
            None | Some(Value::Null) => {}
            Some(Value::String(license)) => rec.license = Some(license.clone()),
            Some(other) => problems.push(issue(
                "cardData.license",
                &other.to_string(),
                reason::BAD_JSON,
                "'license' is not a string".into(),
            )),
        }
        match card.and_then(|c| c.get("base_model")) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => rec.parents.push(ParentRef {
                raw: s.clone(),
                relation: card_relation,
                field: "cardData.base_model",
            }),
            Some(Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(s) => rec.parents.push(ParentRef {
                            raw: s.to_string(),
                            relation: card_relation,
                            field: "cardData.base_model",
                        }),
                        None => problems.push(issue(
                            "cardData.base_model",
                            &item.to_string(),
                            reason::BAD_LIST,
                            "list item is not a string".into(),
                        )),
                    }
                }
            }
            Some(other) => problems.push(issue(
                "cardData.base_model",
                &other.to_string(),
                reason::BAD_LIST,
                "'base_model' is neither a string nor a list".into(),
            )),
        }
        if let Some(base_models) = obj.get("baseModels").filter(|v| !v.is_null()) {
            let relation = base_models
                .get("relation")
                .and_then(Value::as_str)
                .and_then(EdgeKind::from_relation);
            match base_models.get("models").and_then(Value::as_array) {
                Some(models) => {
                    for m in models {
                        match m.get("id").and_then(Value::as_str) {
                            Some(id) => rec.parents.push(ParentRef {
                                raw: id.to_string(),
                                relation,
                                field: "baseModels",
                            }),
                            None => problems.push(issue(
                                "baseModels.models",
                                &m.to_string(),
                                reason::BAD_JSON,
                                "entry without a string 'id'".into(),
                            )),
                        }
                    }
                }
                None => problems.push(issue(
                    "baseModels",
                    &base_models.to_string(),
                    reason::BAD_JSON,
                    "'baseModels' has no 'models' list".into(),
                )),
            }
        }
        if let Some(Value::Array(items)) = card.and_then(|c| c.get("datasets")) {
            for item in items {
                match item.as_str() {
                    Some(d) => {
                        if !rec.datasets.contains(d) {
                            rec.datasets.push(d);
                        }
                    }
                    None => problems.push(issue(
                        "cardData.datasets",
                        &item.to_string(),
                        reason::BAD_LIST,
                        "list item is not a string".into(),
                    )),
                }
            }
        }
        match obj.get("commitAuthors") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item.as_str().map(str::trim) {
                        Some(user) if !user.is_empty() => {
                            if !rec.contributors.contains(user) {
                                rec.contributors.push(user);
                            }
                        }
                        Some(_) => {}
                        None => problems.push(issue(
                            "commitAuthors",
                            &item.to_string(),
                            reason::BAD_LIST,
                            "list item is not a string".into(),
                        )),
                    }
                }
            }
            Some(other) => problems.push(issue(
                "commitAuthors",
                &other.to_string(),
                reason::BAD_LIST,
                "'commitAuthors' is not a list".into(),
            )),
        }
        if surrogates > 0 {
            let mut fields = Vec::new();
            strings_with_replacement(&obj, String::new(), &mut fields);
            if fields.is_empty() {
                fields.push(String::new());
            }
            for field in fields {
                let value = field_value(&obj, &field);
                problems.push(issue(
                    &field,
                    &value,
                    reason::BAD_ESCAPE,
                    "a lone UTF-16 surrogate escape, replaced by U+FFFD".into(),
                ));
            }
        }
        if let Some(repeat) = repeats.mark(&mut rec) {
            if let Some(message) = repeat.conflict() {
                problems.push(issue("id", &rec.id, reason::REPEATED, message));
            }
        }
        for p in problems {
            sink.issue(p);
        }
        sink.record(rec);
    }
    Ok(())
}

/// Replaces each `\\uXXXX` escape of a UTF-16 surrogate that has no partner with `\\ufffd`;
/// returns the text and how many it replaced. Escapes are found as the JSON grammar has
/// them: a backslash that is not itself escaped, inside a string.
fn replace_lone_surrogates(text: &str) -> (std::borrow::Cow<'_, str>, usize) {
    let b = text.as_bytes();
    if memchr::memmem::find(b, b"\\u").is_none() {
        return (std::borrow::Cow::Borrowed(text), 0);
    }
    let hex = |at: usize| -> Option<u16> {
        let s = text.get(at..at + 4)?;
        u16::from_str_radix(s, 16).ok()
    };
    let escape_at = |at: usize| -> Option<u16> {
        (b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut replaced = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if let Some(unit) = escape_at(i) {
                    let high = (0xD800..0xDC00).contains(&unit);
                    let low = (0xDC00..0xE000).contains(&unit);
                    let paired =
                        high && escape_at(i + 6).is_some_and(|u| (0xDC00..0xE000).contains(&u));
                    if paired {
                        i += 12;
                        continue;
                    }
                    if high || low {
                        let o = out.get_or_insert_with(String::new);
                        o.push_str(&text[copied..i]);
                        o.push_str("\\ufffd");
                        copied = i + 6;
                        replaced += 1;
                    }
                    i += 6;
                    continue;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            (std::borrow::Cow::Owned(o), replaced)
        }
        None => (std::borrow::Cow::Borrowed(text), 0),
    }
}

/// The dotted paths of the fields whose strings (or keys) hold U+FFFD.
fn strings_with_replacement(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.contains('\u{fffd}') => out.push(path),
        Value::Array(items) => {
            if items
                .iter()
                .any(|i| matches!(i, Value::String(s) if s.contains('\u{fffd}')))
            {
                out.push(path.clone());
            }
            for item in items.iter().filter(|i| i.is_object() || i.is_array()) {
                strings_with_replacement(item, path.clone(), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.contains('\u{fffd}') {
                    out.push(sub.clone());
                }
                strings_with_replacement(item, sub, out);
            }
        }
        _ => {}
    }
}

/// The value at a dotted path, as text, for the report.
fn field_value(obj: &Value, path: &str) -> String {
    let mut v = obj;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        match v.get(part) {
            Some(next) => v = next,
            None => return String::new(),
        }
    }
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_lone_surrogates;

    #[test]
    fn lone_surrogates_are_replaced_and_pairs_kept() {
        let (t, n) = replace_lone_surrogates(r#"{"id":"a\ud800b","x":"\ud83d\ude00"}"#);
        assert_eq!(n, 1);
        assert_eq!(t, r#"{"id":"a\ufffdb","x":"\ud83d\ude00"}"#);
        let (t, n) = replace_lone_surrogates(r#"{"id":"\\ud800","y":"\udc00"}"#);
        assert_eq!(n, 1, "an escaped backslash starts no escape");
        assert_eq!(t, r#"{"id":"\\ud800","y":"\ufffd"}"#);
        let (_, n) = replace_lone_surrogates(r#"{"id":"plain"}"#);
        assert_eq!(n, 0);
    }
}
