//! The vocabulary of the lineage graph: what a model node carries and what kinds of lineage
//! edges exist. Kept small and `Copy` so millions of nodes stay compact.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::intern::NONE;

/// How a derivative used its parent (methodology section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[repr(u8)]
pub enum EdgeKind {
    /// Trained further from the parent.
    Finetune,
    /// An adapter (LoRA, ...) on the parent.
    Adapter,
    /// The parent quantized.
    Quantized,
    /// A merge of two or more parents.
    Merge,
    /// The source does not say.
    Unspecified,
}

impl EdgeKind {
    /// Every kind, in the order of the `edges_by_kind` counts.
    pub const ALL: [EdgeKind; 5] = [
        EdgeKind::Finetune,
        EdgeKind::Adapter,
        EdgeKind::Quantized,
        EdgeKind::Merge,
        EdgeKind::Unspecified,
    ];

    /// The kind's name (`finetune`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Finetune => "finetune",
            EdgeKind::Adapter => "adapter",
            EdgeKind::Quantized => "quantized",
            EdgeKind::Merge => "merge",
            EdgeKind::Unspecified => "unspecified",
        }
    }

    /// Parses a Hub relation name (`finetune`, `adapter`, `quantized`, `merge`).
    pub fn from_relation(s: &str) -> Option<EdgeKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "finetune" | "fine-tune" | "finetuned" => Some(EdgeKind::Finetune),
            "adapter" | "adapters" => Some(EdgeKind::Adapter),
            "quantized" | "quantization" => Some(EdgeKind::Quantized),
            "merge" | "merged" | "merges" => Some(EdgeKind::Merge),
            _ => None,
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EdgeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("unspecified") {
            return Ok(EdgeKind::Unspecified);
        }
        EdgeKind::from_relation(s).ok_or_else(|| {
            format!("unknown edge kind '{s}'; expected one of finetune, adapter, quantized, merge, unspecified")
        })
    }
}

/// The leaderboard's model types (methodology section 2.5), plus multimodal from the v2 board.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[repr(u8)]
pub enum ModelType {
    /// Pretrained from scratch.
    Pretrained,
    /// Pretraining continued on new data.
    ContinuouslyPretrained,
    /// Fine-tuned on domain-specific datasets.
    FineTuned,
    /// Chat models (RLHF, DPO, IFT, ...).
    Chat,
    /// Base merges and moerges.
    Merge,
    /// Multimodal models (the v2 board).
    Multimodal,
    /// The source does not say.
    #[default]
    Unknown,
}

impl ModelType {
    /// Every type, in chart order.
    pub const ALL: [ModelType; 7] = [
        ModelType::Pretrained,
        ModelType::ContinuouslyPretrained,
        ModelType::FineTuned,
        ModelType::Chat,
        ModelType::Merge,
        ModelType::Multimodal,
        ModelType::Unknown,
    ];

    /// The type's name (`pretrained`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ModelType::Pretrained => "pretrained",
            ModelType::ContinuouslyPretrained => "continuously pretrained",
            ModelType::FineTuned => "fine-tuned",
            ModelType::Chat => "chat",
            ModelType::Merge => "merge",
            ModelType::Multimodal => "multimodal",
            ModelType::Unknown => "unknown",
        }
    }

    /// Reads a leaderboard type label: the emoji, the label, or both (`🔶 fine-tuned on ...`).
    pub fn from_label(s: &str) -> Option<ModelType> {
        let s = s.trim();
        if s.is_empty() || s == "?" {
            return Some(ModelType::Unknown);
        }
        let lower = s.to_ascii_lowercase();
        let t = if s.starts_with('🟢') || lower.starts_with("pretrained") {
            ModelType::Pretrained
        } else if s.starts_with('🟩') || lower.contains("continuously pretrained") {
            ModelType::ContinuouslyPretrained
        } else if s.starts_with('🔶') || lower.contains("fine-tuned") || lower.contains("finetuned")
        {
            ModelType::FineTuned
        } else if s.starts_with('💬') || lower.contains("chat") {
            ModelType::Chat
        } else if s.starts_with('🤝') || lower.contains("merge") {
            ModelType::Merge
        } else if s.starts_with('🌸') || lower.contains("multimodal") {
            ModelType::Multimodal
        } else if s.starts_with('⭕') || s.starts_with('❓') || lower == "unknown" {
            ModelType::Unknown
        } else {
            return None;
        };
        Some(t)
    }
}

impl fmt::Display for ModelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar day, stored as days since 1970-01-01 (compact and cheap to subtract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Day(pub i32);

/// Hub creation dates never precede this day: older repos all carry it.
pub const HUB_EPOCH: Day = Day(19053); // 2022-03-02

impl Day {
    /// The day of `d`.
    pub fn from_date(d: NaiveDate) -> Day {
        Day(d.num_days_from_ce() - 719_163)
    }

    /// The calendar date.
    pub fn to_date(self) -> NaiveDate {
        self.checked_date().unwrap_or(NaiveDate::MIN)
    }

    /// Whether the day is one the calendar holds: [`Day::checked_date`] without building the
    /// date, for checking millions of them.
    pub fn in_calendar(self) -> bool {
        static RANGE: std::sync::OnceLock<(i32, i32)> = std::sync::OnceLock::new();
        let &(lo, hi) = RANGE.get_or_init(|| {
            let day = |d: NaiveDate| Day::from_date(d).0;
            (day(NaiveDate::MIN), day(NaiveDate::MAX))
        });
        (lo..=hi).contains(&self.0)
    }

    /// The calendar date, or `None` for a day outside the calendar (which no reader makes).
    pub fn checked_date(self) -> Option<NaiveDate> {
        self.0
            .checked_add(719_163)
            .and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    /// Parses the date forms the inputs use: `2024-03-22`, `2024-03-22 14:08:40+00:00`,
    /// `2024-03-22T14:08:40.000Z`. Only the calendar day (in UTC) is kept.
    pub fn parse(s: &str) -> Option<Day> {
        let s = s.trim();
        if s.len() < 10 {
            return None;
        }
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return Some(Day::from_date(dt.naive_utc().date()));
        }
        if let Ok(dt) = chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%:z") {
            return Some(Day::from_date(dt.naive_utc().date()));
        }
        if let Ok(dt) = chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z") {
            return Some(Day::from_date(dt.naive_utc().date()));
        }
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
            return Some(Day::from_date(dt.date()));
        }
        if s.len() == 10 {
            return NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(Day::from_date);
        }
        None
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_date().format("%Y-%m-%d"))
    }
}

/// A moment, as seconds since 1970-01-01 00:00 UTC: creation and commit times where a source
/// gives the time of day, so that models created on one day keep their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp(pub i64);

impl Stamp {
    /// Parses the forms [`Day::parse`] reads; a bare date is its midnight (UTC).
    pub fn parse(s: &str) -> Option<Stamp> {
        let s = s.trim();
        let utc = |dt: chrono::NaiveDateTime| Some(Stamp(dt.and_utc().timestamp()));
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return utc(dt.naive_utc());
        }
        for form in ["%Y-%m-%d %H:%M:%S%:z", "%Y-%m-%d %H:%M:%S%.f%:z"] {
            if let Ok(dt) = chrono::DateTime::parse_from_str(s, form) {
                return utc(dt.naive_utc());
            }
        }
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
            return utc(dt);
        }
        Day::parse(s).map(Stamp::midnight)
    }

    /// The first second of `day`.
    pub fn midnight(day: Day) -> Stamp {
        Stamp(i64::from(day.0) * 86_400)
    }

    /// The calendar day (UTC) of this moment.
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(86_400) as i32)
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match chrono::DateTime::from_timestamp(self.0, 0) {
            Some(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S")),
            None => write!(f, "{}s", self.0),
        }
    }
}

/// The two Open LLM Leaderboards. Their averages are means of different benchmarks on
/// different scales (v1 around 60 for a good 7B model, v2 around 20): a model keeps its scores
/// per board, and every score-based analysis uses one board.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum Board {
    /// Open LLM Leaderboard v1 (2023-2024): ARC, HellaSwag, MMLU, TruthfulQA, Winogrande, GSM8K.
    #[default]
    V1,
    /// Open LLM Leaderboard v2 (from June 2024): IFEval, BBH, MATH Lvl 5, GPQA, MUSR, MMLU-PRO.
    V2,
}

impl Board {
    /// Both boards, in index order.
    pub const ALL: [Board; 2] = [Board::V1, Board::V2];

    /// `v1` or `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Board::V1 => "v1",
            Board::V2 => "v2",
        }
    }

    /// The board with its first and last benchmark, for output: `v1 (ARC ... GSM8K)`.
    pub fn label(self) -> &'static str {
        match self {
            Board::V1 => "v1 (ARC ... GSM8K)",
            Board::V2 => "v2 (IFEval ... MMLU-PRO)",
        }
    }

    /// Index into per-board arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Board {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v1" | "1" => Ok(Board::V1),
            "v2" | "2" => Ok(Board::V2),
            _ => Err(format!(
                "unknown leaderboard '{s}'; expected v1 (ARC ... GSM8K) or v2 (IFEval ... MMLU-PRO)"
            )),
        }
    }
}

/// Bit flags on a model node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flags(pub u16);

impl Flags {
    /// Named by a derivative but described by no input.
    pub const STUB: u16 = 1;
    /// Flagged on the leaderboard; kept for lineage, left out of counts and scores.
    pub const FLAGGED: u16 = 1 << 1;
    /// Marked as a merge by its source (type, Merged flag, `merge` tag).
    pub const MERGED: u16 = 1 << 2;
    /// Mixture of experts.
    pub const MOE: u16 = 1 << 3;
    /// The repo's current owner differs from its namespace (moved or renamed).
    pub const MOVED: u16 = 1 << 4;
    /// Its Hub metadata row was a copy of another model's; that metadata was not used.
    pub const SUSPICIOUS: u16 = 1 << 5;
    /// Not available on the Hub any more.
    pub const UNAVAILABLE: u16 = 1 << 6;
    /// Creation date replaced from the date-corrections table.
    pub const DATE_CORRECTED: u16 = 1 << 7;
    /// No source gave a creation date; it is the date of the repo's first commit.
    pub const CREATED_FROM_COMMIT: u16 = 1 << 8;

    /// Whether `bit` is set.
    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }

    /// Sets or clears `bit`.
    pub fn set(&mut self, bit: u16, on: bool) {
        if on {
            self.0 |= bit;
        } else {
            self.0 &= !bit;
        }
    }
}

/// One model repository. Strings are ids into the graph's name tables ([`NONE`] when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Namespace owner (the part of the id before `/`), an author id.
    pub author: u32,
    /// The Hub's current owner when it differs from the namespace (moved repos), an author id.
    pub owner: u32,
    /// Creation date.
    pub created: Option<Day>,
    /// The creation time, where a source gives the time of day (its day is `created`).
    pub created_at: Option<Stamp>,
    /// Date of the last change.
    pub last_modified: Option<Day>,
    /// The leaderboard's model type.
    pub model_type: ModelType,
    /// Symbol ids.
    pub architecture: u32,
    /// License symbol id.
    pub license: u32,
    /// Precision symbol id.
    pub precision: u32,
    /// Library symbol id.
    pub library: u32,
    /// Pipeline symbol id.
    pub pipeline: u32,
    /// Billions of parameters.
    pub params_b: Option<f32>,
    /// Leaderboard average score in percent, per board (index [`Board::index`]): the two
    /// boards' averages are on different scales and never stand in for each other.
    pub averages: [Option<f32>; 2],
    /// Row in the graph's score table, or [`NONE`].
    pub scores_row: u32,
    /// Hub downloads.
    pub downloads: Option<u64>,
    /// Hub likes.
    pub likes: Option<u32>,
    /// Commits in the repo's history, where a commit history was read.
    pub commits: Option<u32>,
    /// Day of the repo's first commit.
    pub first_commit: Option<Day>,
    /// Day of the repo's last commit.
    pub last_commit: Option<Day>,
    /// Number of leaderboard evaluations merged into this node.
    pub evaluations: u16,
    /// Flag bits ([`Flags`]).
    pub flags: Flags,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            author: NONE,
            owner: NONE,
            created: None,
            created_at: None,
            last_modified: None,
            model_type: ModelType::Unknown,
            architecture: NONE,
            license: NONE,
            precision: NONE,
            library: NONE,
            pipeline: NONE,
            params_b: None,
            averages: [None; 2],
            scores_row: NONE,
            downloads: None,
            likes: None,
            commits: None,
            first_commit: None,
            last_commit: None,
            evaluations: 0,
            flags: Flags::default(),
        }
    }
}

impl Model {
    /// Whether the model is only named as a parent (no input describes it).
    pub fn is_stub(&self) -> bool {
        self.flags.has(Flags::STUB)
    }
    /// Whether the leaderboard flags it.
    pub fn is_flagged(&self) -> bool {
        self.flags.has(Flags::FLAGGED)
    }
    /// The leaderboard average on `board`, where the model was scored there.
    pub fn average(&self, board: Board) -> Option<f32> {
        self.averages[board.index()].filter(|a| a.is_finite())
    }
    /// Whether the model has a score on any board.
    pub fn is_scored(&self) -> bool {
        self.averages.iter().any(Option::is_some)
    }
    /// A key that orders models by creation: the day, then the time where known (a model
    /// known only by its day comes first within it).
    pub fn creation_order(&self) -> Option<(Day, i64)> {
        self.created
            .map(|d| (d, self.created_at.map_or(i64::MIN, |s| s.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_check_agrees_with_building_the_date() {
        let lo = Day::from_date(NaiveDate::MIN).0;
        let hi = Day::from_date(NaiveDate::MAX).0;
        for d in [
            i32::MIN,
            lo - 1,
            lo,
            lo + 1,
            -1,
            0,
            19053,
            hi - 1,
            hi,
            hi + 1,
            i32::MAX,
        ] {
            assert_eq!(
                Day(d).in_calendar(),
                Day(d).checked_date().is_some(),
                "day {d}"
            );
        }
    }

    #[test]
    fn days_round_trip_and_parse_every_input_form() {
        assert_eq!(HUB_EPOCH.to_string(), "2022-03-02");
        let d = Day::parse("2024-03-22 14:08:40+00:00").unwrap();
        assert_eq!(d.to_string(), "2024-03-22");
        assert_eq!(Day::parse("2024-03-22T23:30:00.000Z"), Some(d));
        assert_eq!(Day::parse("2024-03-22"), Some(d));
        assert_eq!(Day::parse("2024-03-23 01:00:00+02:00"), Some(d));
        assert_eq!(Day::parse("not a date"), None);
        assert_eq!(Day::parse("2024-13-01"), None);
        assert_eq!(
            Day::from_date(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()),
            Day(0)
        );
    }

    #[test]
    fn stamps_keep_the_time_of_day_in_utc() {
        let s = Stamp::parse("2024-03-22 14:08:40+00:00").unwrap();
        assert_eq!(s.to_string(), "2024-03-22 14:08:40");
        assert_eq!(s.day(), Day::parse("2024-03-22").unwrap());
        assert_eq!(
            Stamp::parse("2024-03-23 01:00:00+02:00")
                .unwrap()
                .to_string(),
            "2024-03-22 23:00:00"
        );
        assert_eq!(
            Stamp::parse("2024-03-22").unwrap(),
            Stamp::midnight(Day::parse("2024-03-22").unwrap())
        );
        assert_eq!(
            Stamp::parse("2024-03-22T23:30:00.000Z").unwrap().day(),
            s.day()
        );
        assert_eq!(Stamp::parse("yesterday"), None);
    }

    #[test]
    fn boards_parse_and_name_their_benchmarks() {
        assert_eq!("V2".parse::<Board>(), Ok(Board::V2));
        let e = "v3".parse::<Board>().unwrap_err();
        assert!(e.contains("'v3'") && e.contains("IFEval"), "{e}");
        assert_eq!(Board::V1.label(), "v1 (ARC ... GSM8K)");
        let mut m = Model::default();
        m.averages[Board::V2.index()] = Some(21.5);
        assert_eq!(
            (m.average(Board::V1), m.average(Board::V2)),
            (None, Some(21.5))
        );
        assert!(m.is_scored());
    }

    #[test]
    fn type_labels_from_both_leaderboards() {
        assert_eq!(
            ModelType::from_label("🤝 base merges and moerges"),
            Some(ModelType::Merge)
        );
        assert_eq!(ModelType::from_label("🔶"), Some(ModelType::FineTuned));
        assert_eq!(
            ModelType::from_label("💬 chat models (RLHF, DPO, IFT, ...)"),
            Some(ModelType::Chat)
        );
        assert_eq!(
            ModelType::from_label("🟩 continuously pretrained"),
            Some(ModelType::ContinuouslyPretrained)
        );
        assert_eq!(
            ModelType::from_label("🌸 multimodal"),
            Some(ModelType::Multimodal)
        );
        assert_eq!(ModelType::from_label("?"), Some(ModelType::Unknown));
        assert_eq!(ModelType::from_label("banana"), None);
    }
}
