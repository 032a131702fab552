//! Hub API JSON Lines: one model object per line, as the Hub's model API returns it
//! (`id`, `author`, `createdAt`, `downloads`, `likes`, `tags`, `cardData.base_model`,
//! `cardData.base_model_relation`, `baseModels: {relation, models: [{id}]}`), plus the
//! `commitAuthors` that `lineage fetch models --commits` adds: the repo's contributors.

use std::io::{BufRead, Read};
use std::path::Path;

use serde_json::Value;

use super::{reason, refs, Counting, ModelRecord, ParentRef, RowIssue, Sink};
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
    let newline_at_end = sink.newline_at_end;
    let mut reader = std::io::BufReader::new(reader);
    let mut raw = Vec::new();
    let mut number = 0u64;
    let mut bytes = 0u64;
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
                value: text.chars().take(200).collect(),
                reason: reason::BAD_UTF8,
                message: "not valid UTF-8; invalid bytes replaced by U+FFFD".into(),
            });
        }
        let issue = |field: &str, value: &str, why: &'static str, message: String| RowIssue {
            file: file.clone(),
            line: number,
            field: field.to_string(),
            value: value.chars().take(200).collect(),
            reason: why,
            message,
        };
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
                if at_end && !newline_at_end && e.is_eof() {
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
                        format!("'{v}' is not an ISO 8601 date"),
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
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
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
        if let Some(license) = card.and_then(|c| c.get("license")).and_then(Value::as_str) {
            rec.license = Some(license.to_string());
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
            for d in items.iter().filter_map(Value::as_str) {
                if !rec.datasets.iter().any(|x| x == d) {
                    rec.datasets.push(d.to_string());
                }
            }
        }
        match obj.get("commitAuthors") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item.as_str().map(str::trim) {
                        Some(user) if !user.is_empty() => {
                            if !rec.contributors.iter().any(|c| c == user) {
                                rec.contributors.push(user.to_string());
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
        for p in problems {
            sink.issue(p);
        }
        sink.record(rec);
    }
    Ok(())
}
