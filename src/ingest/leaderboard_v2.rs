//! Open LLM Leaderboard v2 contents export. Lineage is in `Base Model`: the model itself
//! (an original), `<fullname> (Merge)` (a merge whose parents are not listed), `Removed`
//! (the base is gone from the Hub) or a base's id, `<base> (Merge)` when that base is such a
//! merge. Booleans are not inverted here. Several rows of one repo are folded into the one
//! with the best average, and counted.

use std::io::Read;
use std::path::Path;

use super::csvutil::for_each_row;
use super::{reason, Counting, DuplicateFold, ModelRecord, ParentRef, Sink};
use crate::error::IngestError;
use crate::model::{Board, ModelType};

const FORMAT: &str = "leaderboard-v2";
/// The v2 leaderboard's benchmarks, in column order.
pub const BENCHMARKS: [&str; 6] = ["IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"];

pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    let mut folds = DuplicateFold::with_room(super::rows_in(sink.len));
    for_each_row(
        path,
        reader,
        b',',
        FORMAT,
        sink,
        |h| {
            Ok(Cols {
                id: Some(h.require(path, FORMAT, "fullname")?),
                base: Some(h.require(path, FORMAT, "Base Model")?),
                generation: h.find("Generation"),
                average: h.find("Average ⬆️"),
                benches: BENCHMARKS.map(|b| h.find(b)),
                model_type: h.find("Type"),
                architecture: h.find("Architecture"),
                precision: h.find("Precision"),
                license: h.find("Hub License"),
                likes: h.find("Hub ❤️"),
                params: h.find("#Params (B)"),
                available: h.find("Available on the hub"),
                moe: h.find("MoE"),
                flagged: h.find("Flagged"),
                merged: h.find("Merged"),
                uploaded: h.find("Upload To Hub Date"),
            })
        },
        |c, row| {
            let id = row.get(c.id).to_string();
            if id.is_empty() {
                row.reject(
                    c.id.unwrap_or(0),
                    reason::MISSING_ID,
                    "empty fullname".into(),
                );
                return;
            }
            let mut rec = ModelRecord {
                id,
                line: row.line,
                evaluations: 1,
                ..Default::default()
            };
            rec.scores = row.scores(Board::V2, c.average, &BENCHMARKS, &c.benches);
            if let Some(label) = row.text(c.model_type) {
                rec.model_type = ModelType::from_label(&label).or_else(|| {
                    row.issue(
                        c.model_type.unwrap_or(0),
                        reason::BAD_TYPE,
                        format!("unknown model type '{}'", super::shown(&label)),
                    );
                    None
                });
            }
            rec.architecture = row.text(c.architecture);
            rec.precision = row.text(c.precision);
            rec.license = row.text(c.license);
            rec.likes = row.float(c.likes).filter(|l| *l >= 0.0).map(|l| l as u32);
            rec.params_b = row.float(c.params).filter(|&p| p > 0.0);
            rec.available = row.boolean(c.available, false);
            rec.moe = row.boolean(c.moe, false);
            rec.flagged = row.boolean(c.flagged, false);
            rec.merged = row.boolean(c.merged, false);
            rec.created = row.date(c.uploaded);
            let generation: Option<u32> = row.number(c.generation);
            let base = row.get(c.base).to_string();
            if let Some(inner) = base.strip_suffix(" (Merge)") {
                if crate::intern::same_id(inner.trim(), &rec.id) {
                    // A merge whose parents the export does not list.
                    rec.merged = Some(true);
                } else {
                    // The base is itself such a merge (its own row reads '<base> (Merge)');
                    // this model is not one for that.
                    rec.parents.push(ParentRef {
                        raw: inner.trim().to_string(),
                        relation: None,
                        field: "Base Model",
                    });
                }
            } else if crate::intern::same_id(&base, &rec.id) && generation.unwrap_or(0) == 0 {
                // An original model: its own base.
            } else {
                rec.parents.push(ParentRef {
                    raw: base,
                    relation: None,
                    field: "Base Model",
                });
            }
            folds.mark(&mut rec);
            row.sink.record(rec);
        },
    )?;
    Ok(())
}

#[derive(Default)]
struct Cols {
    id: Option<usize>,
    base: Option<usize>,
    generation: Option<usize>,
    average: Option<usize>,
    benches: [Option<usize>; 6],
    model_type: Option<usize>,
    architecture: Option<usize>,
    precision: Option<usize>,
    license: Option<usize>,
    likes: Option<usize>,
    params: Option<usize>,
    available: Option<usize>,
    moe: Option<usize>,
    flagged: Option<usize>,
    merged: Option<usize>,
    uploaded: Option<usize>,
}
