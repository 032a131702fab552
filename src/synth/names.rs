//! Invented names that read like the Hub's: user handles, organisations, display names,
//! datasets, and model names built the way the community builds them (a base's stem plus
//! what was done to it, brand names, merge methods, quantization suffixes, versions).

use super::rng::Rand;

const SYLLABLES: [&str; 48] = [
    "ka", "zu", "mi", "ro", "len", "dar", "vex", "lo", "tan", "qi", "shi", "mor", "el", "bri",
    "no", "ra", "fen", "kai", "jun", "yu", "sol", "tor", "vin", "ash", "ber", "cal", "dov", "eli",
    "fa", "gil", "han", "ix", "jor", "kel", "lum", "mar", "nia", "ori", "pax", "quin", "ren",
    "sen", "tal", "ul", "vor", "wen", "xan", "zed",
];

const FIRST: [&str; 26] = [
    "anna", "ben", "chen", "dmitri", "elena", "farid", "giulia", "hiro", "ines", "jonas", "kim",
    "lars", "maya", "nikhil", "olga", "pablo", "qing", "rosa", "sven", "tomas", "umar", "vera",
    "wei", "xin", "yuki", "zara",
];

const LAST: [&str; 26] = [
    "ahn", "berg", "costa", "dubois", "eriksen", "fischer", "garcia", "hoang", "ivanov", "jensen",
    "kowalski", "li", "moreau", "nakamura", "okafor", "park", "quinn", "rossi", "silva", "tanaka",
    "ueda", "vogel", "wang", "xu", "yamada", "zhang",
];

/// Brand words for model names.
pub const BRANDS: [&str; 64] = [
    "Nova", "Lumina", "Aether", "Beacon", "Cypher", "Delta", "Echo", "Glimmer", "Harbor", "Iris",
    "Juniper", "Kite", "Lynx", "Mosaic", "Nimble", "Onyx", "Pulsar", "Quartz", "Raven", "Saffron",
    "Tundra", "Umbra", "Vortex", "Willow", "Xenon", "Yarrow", "Zenith", "Argent", "Bramble",
    "Cinder", "Dusk", "Ember", "Flint", "Garnet", "Helix", "Ivory", "Jade", "Lotus", "Maple",
    "Nectar", "Opal", "Prism", "Rune", "Sprout", "Thistle", "Velvet", "Wisp", "Hermit", "Owl",
    "Badger", "Otter", "Heron", "Marten", "Puffin", "Wren", "Tiger", "Panda", "Koala", "Lemur",
    "Sage", "Comet", "Fable", "Gale", "Mistral",
];

const ORG_SUFFIX: [&str; 6] = ["-ai", "-labs", "AI", "-research", "lm", "-nlp"];

/// What fine-tunes add to a name.
pub const TUNE: [&str; 36] = [
    "sft",
    "dpo",
    "orpo",
    "instruct",
    "chat",
    "alpaca",
    "math",
    "code",
    "ko",
    "ja",
    "de",
    "zh",
    "fr",
    "roleplay",
    "storywriter",
    "medical",
    "legal",
    "finance",
    "uncensored",
    "laser",
    "ep3",
    "32k",
    "it",
    "tuned",
    "slim",
    "pro",
    "dpo-v2",
    "sft-full",
    "qlora-merged",
    "orca",
    "rp",
    "reasoning",
    "tools",
    "summarize",
    "translate",
    "v2",
];

pub const MERGE_METHODS: [&str; 9] = [
    "slerp",
    "ties",
    "dare",
    "dare-ties",
    "linear",
    "task-arithmetic",
    "passthrough",
    "model-stock",
    "della",
];

pub const QUANT: [&str; 8] = [
    "GGUF",
    "GPTQ",
    "AWQ",
    "4bit",
    "8bit",
    "exl2",
    "bnb-4bit",
    "Q4_K_M-GGUF",
];

pub const ADAPTER: [&str; 5] = ["lora", "qlora", "adapter", "peft", "LoRA-r16"];

pub const LANGS: [&str; 10] = ["en", "zh", "ko", "ja", "de", "fr", "es", "ru", "it", "vi"];

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn word(r: &mut Rand, syllables: u32) -> String {
    (0..syllables).map(|_| r.one(&SYLLABLES)).collect()
}

/// A user handle: `kazumi`, `rolenvex42`, `KaiRoren`, `maya-tanaka`, `mayatanaka7`.
pub fn user(r: &mut Rand) -> String {
    match r.below(10) {
        0..=3 => {
            let n = r.range(2, 3);
            let mut s = word(r, n);
            if r.chance(0.4) {
                s.push_str(&r.range(1, 999).to_string());
            }
            s
        }
        4..=6 => {
            let n = r.range(2, 3);
            (0..n).map(|_| capitalise(r.one(&SYLLABLES))).collect()
        }
        7 | 8 => format!("{}-{}", r.one(&FIRST), r.one(&LAST)),
        _ => format!("{}{}{}", r.one(&FIRST), r.one(&LAST), r.range(1, 99)),
    }
}

/// An organisation: `kelmar-ai`, `Quartz-labs`, `BriTalAI`.
pub fn org(r: &mut Rand) -> String {
    let stem = if r.chance(0.5) {
        word(r, 2)
    } else {
        r.one(&BRANDS).to_string()
    };
    format!("{stem}{}", r.one(&ORG_SUFFIX))
}

/// A prolific quantizer's account: `KelmarQuants`.
pub fn quantizer(r: &mut Rand) -> String {
    let stem = capitalise(&word(r, 2));
    format!("{stem}{}", r.one(&["Quants", "GGUF", "-quant", "Bits"]))
}

/// The name a person commits under besides their handle: `Maya Tanaka`.
pub fn display(r: &mut Rand) -> String {
    format!("{} {}", capitalise(r.one(&FIRST)), capitalise(r.one(&LAST)))
}

/// A dataset id: `kelmar-ai/instruct-mix-v2`.
pub fn dataset(r: &mut Rand) -> String {
    const KINDS: [&str; 12] = [
        "instruct",
        "dpo-pairs",
        "math",
        "code",
        "chat",
        "preference",
        "reasoning",
        "qa",
        "roleplay",
        "summaries",
        "multilingual",
        "safety",
    ];
    const FORMS: [&str; 6] = ["mix", "set", "corpus", "pairs", "collection", "sft"];
    let owner = if r.chance(0.5) { org(r) } else { user(r) };
    let mut s = format!("{owner}/{}-{}", r.one(&KINDS), r.one(&FORMS));
    if r.chance(0.4) {
        s.push_str(&format!("-v{}", r.range(1, 4)));
    }
    s
}

/// A version suffix: `-v2`, `-v0.3`, `-1.1`.
pub fn version(r: &mut Rand, n: u32) -> String {
    match r.below(3) {
        0 => format!("-v{n}"),
        1 => format!("-v0.{n}"),
        _ => format!("-{}.{}", 1 + n / 10, n % 10),
    }
}

/// Lower-cases now and then, as authors do with base stems.
pub fn maybe_lower(r: &mut Rand, s: &str) -> String {
    if r.chance(0.4) {
        s.to_lowercase()
    } else {
        s.to_string()
    }
}

/// A brand: one word, two words run together, or an invented one.
pub fn brand(r: &mut Rand) -> String {
    match r.below(6) {
        0..=2 => r.one(&BRANDS).to_string(),
        3 | 4 => format!("{}{}", r.one(&BRANDS), r.one(&BRANDS)),
        _ => {
            let n = r.range(2, 3);
            capitalise(&word(r, n))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_hub_shaped() {
        let mut r = Rand::new(3);
        for _ in 0..500 {
            for s in [user(&mut r), org(&mut r), quantizer(&mut r)] {
                assert!(
                    !s.is_empty() && !s.contains(['/', ' ', ',', '\'', '"']),
                    "{s}"
                );
            }
            let d = dataset(&mut r);
            assert_eq!(d.matches('/').count(), 1, "{d}");
            assert!(display(&mut r).contains(' '));
        }
    }
}
