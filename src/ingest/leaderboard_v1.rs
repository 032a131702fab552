//! Open LLM Leaderboard v1 export: `;`-separated, one row per evaluation. Its `Flagged`,
//! `Merged` and `MoE` columns are inverted (`False` means flagged / merged / MoE). Several
//! rows of one repo are folded into the one with the best average, and counted.

use std::io::Read;
use std::path::Path;

use super::csvutil::for_each_row;
use super::{reason, Counting, DuplicateFold, ModelRecord, Sink};
use crate::error::IngestError;
use crate::model::{Board, ModelType};

const FORMAT: &str = "leaderboard-v1";
/// The v1 leaderboard's benchmarks, in column order.
pub const BENCHMARKS: [&str; 6] = [
    "ARC",
    "HellaSwag",
    "MMLU",
    "TruthfulQA",
    "Winogrande",
    "GSM8K",
];

pub(crate) fn read<R: Read>(
    path: &Path,
    reader: R,
    sink: &mut Counting<'_>,
) -> Result<(), IngestError> {
    let mut folds = DuplicateFold::with_room(super::rows_in(sink.len));
    for_each_row(
        path,
        reader,
        b';',
        FORMAT,
        sink,
        |c| {
            Ok(Cols {
                id: Some(c.require(path, FORMAT, "model_name_for_query")?),
                hub: c.find("ModelHub"),
                average: Some(c.require(path, FORMAT, "Average ⬆️")?),
                benches: BENCHMARKS.map(|b| c.find(b)),
                type_string: c.find("TypeString"),
                type_emoji: c.find("Type"),
                architecture: c.find("Architecture"),
                precision: c.find("Precision"),
                merged: c.find("Merged"),
                license: c.find("Hub License"),
                params: c.find("#Params (B)"),
                likes: c.find("Hub ❤️"),
                available: c.find("Available on the hub"),
                flagged: c.find("Flagged"),
                moe: c.find("MoE"),
            })
        },
        |cols, row| {
            let mut id = row.get(cols.id).to_string();
            if id.is_empty() {
                // Fall back on the URL column.
                id = row
                    .get(cols.hub)
                    .trim_start_matches("https://huggingface.co/")
                    .to_string();
            }
            if id.is_empty() {
                row.reject(
                    cols.id.unwrap_or(0),
                    reason::MISSING_ID,
                    "no model id in model_name_for_query or ModelHub".into(),
                );
                return;
            }
            let mut rec = ModelRecord {
                id,
                line: row.line,
                evaluations: 1,
                ..Default::default()
            };
            rec.scores = row.scores(Board::V1, cols.average, &BENCHMARKS, &cols.benches);
            let label = match row.text(cols.type_string) {
                Some(t) => Some(t),
                None => row.text(cols.type_emoji),
            };
            rec.model_type = match label {
                None => Some(ModelType::Unknown),
                Some(l) => match ModelType::from_label(&l) {
                    Some(t) => Some(t),
                    None => {
                        let idx = cols.type_string.or(cols.type_emoji).unwrap_or(0);
                        row.issue(
                            idx,
                            reason::BAD_TYPE,
                            format!("unknown model type '{}'", super::shown(&l)),
                        );
                        None
                    }
                },
            };
            rec.architecture = row.text(cols.architecture);
            rec.precision = row.text(cols.precision);
            rec.license = row.text(cols.license);
            rec.params_b = row.float(cols.params).filter(|&p| p > 0.0);
            rec.likes = row
                .float(cols.likes)
                .filter(|l| *l >= 0.0)
                .map(|l| l as u32);
            rec.available = row.boolean(cols.available, false);
            rec.flagged = row.boolean(cols.flagged, true);
            rec.merged = row.boolean(cols.merged, true);
            rec.moe = row.boolean(cols.moe, true);
            folds.mark(&mut rec);
            row.sink.record(rec);
        },
    )?;
    Ok(())
}

#[derive(Default)]
struct Cols {
    id: Option<usize>,
    hub: Option<usize>,
    average: Option<usize>,
    benches: [Option<usize>; 6],
    type_string: Option<usize>,
    type_emoji: Option<usize>,
    architecture: Option<usize>,
    precision: Option<usize>,
    merged: Option<usize>,
    license: Option<usize>,
    params: Option<usize>,
    likes: Option<usize>,
    available: Option<usize>,
    flagged: Option<usize>,
    moe: Option<usize>,
}
