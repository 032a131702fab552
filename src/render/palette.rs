//! Colours that mean the same thing in every chart: one per model type, one per
//! architecture, and a neutral series palette. Colour-blind-safe hues (Okabe–Ito and
//! Tableau 10) on white.

use plotters::style::RGBColor;

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

/// Tableau 10 and its light variants, for series without a fixed meaning.
pub const SERIES: [RGBColor; 20] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
    RGBColor(127, 127, 127),
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

/// The colour of an architecture group: fixed for the common ones, a stable hash into the
/// series palette for the rest, greys for "other" and "unknown".
pub fn architecture(name: &str) -> RGBColor {
    let fixed = match name.to_ascii_lowercase().as_str() {
        "llama" => Some(SERIES[0]),
        "mistral" => Some(SERIES[1]),
        "mixtral" => Some(SERIES[3]),
        "qwen2" | "qwen" => Some(SERIES[2]),
        "gemma" => Some(SERIES[4]),
        "phi" => Some(SERIES[5]),
        "opt" => Some(SERIES[6]),
        "gpt-2" => Some(SERIES[7]),
        "gpt-neox" => Some(SERIES[8]),
        "gpt-j" => Some(SERIES[19]),
        "falcon" => Some(SERIES[10]),
        "bloom" => Some(SERIES[11]),
        "mpt" => Some(SERIES[12]),
        "rwkv" => Some(SERIES[13]),
        "gpt-neo" => Some(SERIES[14]),
        "xglm" => Some(SERIES[15]),
        "stablelm" => Some(SERIES[16]),
        "codegen" => Some(SERIES[17]),
        "other" => Some(GREY),
        "unknown" => Some(LIGHT_GREY),
        _ => None,
    };
    fixed.unwrap_or_else(|| {
        // FNV-1a: stable across runs and platforms.
        let h = name.bytes().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        });
        SERIES[10 + (h % 9) as usize]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stable_and_distinct_for_common_groups() {
        assert_eq!(architecture("Llama"), architecture("llama"));
        assert_eq!(architecture("SomethingNew"), architecture("SomethingNew"));
        let common = [
            "Llama", "Mistral", "Mixtral", "Qwen2", "Gemma", "Phi", "OPT", "GPT-2", "GPT-NeoX",
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
