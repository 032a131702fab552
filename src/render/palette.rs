//! Colours that mean the same thing in every chart: one per model type, one per
//! architecture, and a neutral series palette. Colour-blind-safe hues (Okabe–Ito and Paul
//! Tol's muted scheme) on white.

use super::RGBColor;

use crate::model::ModelType;

/// Titles and labels.
pub const TEXT: RGBColor = RGBColor(33, 33, 33);
/// Axis lines and ticks.
pub const AXIS: RGBColor = RGBColor(90, 90, 90);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// Marker lines.
pub const MARKER: RGBColor = RGBColor(120, 120, 120);
/// Series without a colour of their own.
pub const GREY: RGBColor = RGBColor(150, 150, 150);
/// Stripes over bars that say little (share periods of few models).
pub const WHITE: RGBColor = RGBColor(255, 255, 255);
/// Secondary series.
pub const LIGHT_GREY: RGBColor = RGBColor(199, 199, 199);

/// The colour of a model type (Okabe–Ito).
pub fn model_type(t: ModelType) -> RGBColor {
    match t {
        ModelType::Pretrained => RGBColor(0, 114, 178),
        ModelType::ContinuouslyPretrained => RGBColor(86, 180, 233),
        ModelType::FineTuned => RGBColor(230, 159, 0),
        ModelType::Chat => RGBColor(0, 158, 115),
        ModelType::Merge => RGBColor(204, 121, 167),
        ModelType::Multimodal => RGBColor(213, 94, 0),
        ModelType::Unknown => GREY,
    }
}

/// The colour of a model type by its name (as tables write it).
pub fn model_type_named(name: &str) -> RGBColor {
    ModelType::ALL
        .into_iter()
        .find(|t| t.as_str() == name)
        .map_or(GREY, model_type)
}

/// Colour-blind-safe hues for series without a fixed meaning (Okabe–Ito, then Tol's
/// muted), then light variants for secondary series.
pub const SERIES: [RGBColor; 20] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(51, 34, 136),
    RGBColor(136, 34, 85),
    RGBColor(68, 170, 153),
    RGBColor(153, 153, 51),
    RGBColor(174, 199, 232),
    RGBColor(255, 187, 120),
    RGBColor(152, 223, 138),
    RGBColor(255, 152, 150),
    RGBColor(197, 176, 213),
    RGBColor(196, 156, 148),
    RGBColor(247, 182, 210),
    RGBColor(158, 218, 229),
    RGBColor(219, 219, 141),
    RGBColor(57, 59, 121),
];

/// Categorical colours a reader with any common colour-vision deficiency can tell apart
/// on white: Okabe–Ito's seven hues, then Paul Tol's muted scheme, then dark grey.
pub const CATEGORIES: [RGBColor; 17] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
    RGBColor(51, 34, 136),   // indigo
    RGBColor(136, 34, 85),   // wine
    RGBColor(68, 170, 153),  // teal
    RGBColor(153, 153, 51),  // olive
    RGBColor(204, 102, 119), // rose
    RGBColor(17, 119, 51),   // green
    RGBColor(221, 204, 119), // sand
    RGBColor(170, 68, 153),  // purple
    RGBColor(136, 204, 238), // cyan
    RGBColor(102, 102, 102), // dark grey
];

/// The colour of "other" (architectures grouped together): a mid grey, far from
/// [`UNKNOWN`]'s light grey.
pub const OTHER: RGBColor = RGBColor(119, 119, 119);
/// The colour of "unknown" (no architecture given): a light grey, still dark enough for a
/// whisker or an outline on white.
pub const UNKNOWN: RGBColor = RGBColor(187, 187, 187);

/// The colour of an architecture group: fixed for the common ones, a stable hash into the
/// categorical palette for the rest, a mid grey for "other" and a light grey for
/// "unknown".
pub fn architecture(name: &str) -> RGBColor {
    let fixed = match name.to_ascii_lowercase().as_str() {
        "llama" => Some(CATEGORIES[0]),
        "mistral" => Some(CATEGORIES[1]),
        "qwen2" | "qwen" => Some(CATEGORIES[2]),
        "mixtral" => Some(CATEGORIES[3]),
        "gemma" => Some(CATEGORIES[4]),
        "phi" => Some(CATEGORIES[5]),
        "gpt-2" => Some(CATEGORIES[6]),
        "gpt-neox" => Some(CATEGORIES[7]),
        "opt" => Some(CATEGORIES[8]),
        "falcon" => Some(CATEGORIES[9]),
        "gpt-j" => Some(CATEGORIES[10]),
        "mpt" => Some(CATEGORIES[11]),
        "rwkv" => Some(CATEGORIES[12]),
        "bloom" => Some(CATEGORIES[13]),
        "stablelm" => Some(CATEGORIES[14]),
        "gpt-neo" => Some(CATEGORIES[15]),
        "xglm" | "codegen" => Some(CATEGORIES[16]),
        "other" => Some(OTHER),
        "unknown" => Some(UNKNOWN),
        _ => None,
    };
    fixed.unwrap_or_else(|| {
        // FNV-1a: stable across runs and platforms.
        let h = name.bytes().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        });
        CATEGORIES[(h % CATEGORIES.len() as u64) as usize]
    })
}

/// The colour of a permission value in the license charts.
pub fn permission(value: &str) -> RGBColor {
    match value {
        "yes" => RGBColor(0, 158, 115),
        "conditional" => RGBColor(230, 159, 0),
        "no" => RGBColor(213, 94, 0),
        _ => LIGHT_GREY,
    }
}

/// The colour of an edge kind, the same in the report's charts and the dashboard's
/// lineage explorer (`assets/web/app.js`, `KIND_COLOR`).
pub fn edge_kind(kind: crate::model::EdgeKind) -> RGBColor {
    use crate::model::EdgeKind;
    match kind {
        EdgeKind::Finetune => RGBColor(42, 98, 201),
        EdgeKind::Adapter => RGBColor(41, 163, 106),
        EdgeKind::Quantized => RGBColor(127, 140, 141),
        EdgeKind::Merge => RGBColor(228, 87, 46),
        EdgeKind::Unspecified => RGBColor(184, 162, 90),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stable_and_distinct_for_common_groups() {
        assert_eq!(architecture("Llama"), architecture("llama"));
        assert_eq!(architecture("SomethingNew"), architecture("SomethingNew"));
        let common = [
            "Llama", "Mistral", "Mixtral", "Qwen2", "Gemma", "Phi", "OPT", "GPT-2", "GPT-NeoX",
            "Falcon", "GPT-J", "MPT", "RWKV", "BLOOM", "StableLM", "GPT-Neo", "other", "unknown",
        ];
        for (i, a) in common.iter().enumerate() {
            for b in &common[i + 1..] {
                assert_ne!(architecture(a), architecture(b), "{a} vs {b}");
            }
        }
        let types: Vec<RGBColor> = ModelType::ALL.iter().map(|&t| model_type(t)).collect();
        for (i, a) in types.iter().enumerate() {
            assert!(!types[i + 1..].contains(a));
        }
    }
}
