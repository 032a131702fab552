//! The pretrained models the synthetic ecosystem grows from. The well-known ones carry their
//! real ids, public release dates, architectures and licenses (so `mistral-7b` and the other
//! shipped aliases resolve on the sample); the rest are invented. Three are never described
//! by any generated row: their derivatives name them, so the build shows stub nodes.
//! Order is importance: a tiny ecosystem keeps the first entries.

/// Architectures: the leaderboard's class name and the Hub tag that goes with it.
pub const ARCHS: [(&str, &str); 13] = [
    ("LlamaForCausalLM", "llama"),
    ("MistralForCausalLM", "mistral"),
    ("MixtralForCausalLM", "mixtral"),
    ("GPT2LMHeadModel", "gpt2"),
    ("GPTNeoXForCausalLM", "gpt_neox"),
    ("Qwen2ForCausalLM", "qwen2"),
    ("GemmaForCausalLM", "gemma"),
    ("PhiForCausalLM", "phi"),
    ("OPTForCausalLM", "opt"),
    ("GPTJForCausalLM", "gptj"),
    ("FalconForCausalLM", "falcon"),
    ("StableLmForCausalLM", "stablelm"),
    ("GPTNeoForCausalLM", "gpt_neo"),
];
pub const LLAMA: u8 = 0;
pub const MISTRAL: u8 = 1;
pub const MIXTRAL: u8 = 2;
const GPT2: u8 = 3;
const NEOX: u8 = 4;
const QWEN2: u8 = 5;
const GEMMA: u8 = 6;
const PHI: u8 = 7;
const OPT: u8 = 8;
const GPTJ: u8 = 9;
const FALCON: u8 = 10;
const STABLELM: u8 = 11;
const NEO: u8 = 12;

/// Architectures that merge tooling handles well (the others are rarely merged).
pub const MERGEABLE: [u8; 7] = [LLAMA, MISTRAL, MIXTRAL, QWEN2, GEMMA, PHI, STABLELM];

/// Hub license ids.
pub const LICENSES: [&str; 10] = [
    "apache-2.0",
    "mit",
    "llama2",
    "llama3",
    "gemma",
    "cc-by-nc-4.0",
    "other",
    "unknown",
    "cc-by-4.0",
    "cc-by-nc-sa-4.0",
];
pub const APACHE: u8 = 0;
pub const MIT: u8 = 1;
pub const LLAMA2: u8 = 2;
pub const LLAMA3: u8 = 3;
const GEMMA_L: u8 = 4;
pub const CC_BY_NC: u8 = 5;
pub const OTHER: u8 = 6;
pub const UNKNOWN: u8 = 7;
const CC_BY: u8 = 8;
/// No license given.
pub const NO_LICENSE: u8 = u8::MAX;

pub struct BaseSpec {
    pub id: &'static str,
    /// Public release date; (2022, 3, 2) for models older than the Hub's creation dates.
    pub released: (i64, u32, u32),
    /// The creation date the Hub shows, where it differs from the release.
    pub hub_date: Option<(i64, u32, u32)>,
    pub arch: u8,
    /// Tenths of a billion parameters.
    pub params: u16,
    pub license: u8,
    /// How often the community builds on it (relative).
    pub weight: u32,
    /// Benchmark strength, per mille (sets its scores).
    pub strength: u16,
    /// The official instruct/chat version of this base (an id earlier in the table).
    pub of: Option<&'static str>,
    /// Name stem its derivatives borrow, and its size label.
    pub stem: &'static str,
    pub size: &'static str,
    /// Free text that the shipped alias table maps to this id.
    pub alias: Option<&'static str>,
    /// Described by some input row (false: only ever named, a stub).
    pub described: bool,
    /// Gated on the Hub: its metadata lookup fails (an empty details row).
    pub gated: bool,
    pub moe: bool,
}

// One argument per table column keeps the table below readable row by row.
#[allow(clippy::too_many_arguments)]
const fn base(
    id: &'static str,
    released: (i64, u32, u32),
    arch: u8,
    params: u16,
    license: u8,
    weight: u32,
    strength: u16,
    stem: &'static str,
    size: &'static str,
) -> BaseSpec {
    BaseSpec {
        id,
        released,
        hub_date: None,
        arch,
        params,
        license,
        weight,
        strength,
        of: None,
        stem,
        size,
        alias: None,
        described: true,
        gated: false,
        moe: false,
    }
}

const fn official(
    id: &'static str,
    of: &'static str,
    released: (i64, u32, u32),
    weight: u32,
) -> BaseSpec {
    let mut b = base(id, released, 0, 0, NO_LICENSE, weight, 0, "", "");
    b.of = Some(of);
    b
}

const fn alias(mut b: BaseSpec, a: &'static str) -> BaseSpec {
    b.alias = Some(a);
    b
}

const fn gated(mut b: BaseSpec) -> BaseSpec {
    b.gated = true;
    b
}

const fn stub(mut b: BaseSpec) -> BaseSpec {
    b.described = false;
    b
}

const fn moe(mut b: BaseSpec) -> BaseSpec {
    b.moe = true;
    b
}

const fn hub_date(mut b: BaseSpec, d: (i64, u32, u32)) -> BaseSpec {
    b.hub_date = Some(d);
    b
}

const EPOCH: (i64, u32, u32) = (2022, 3, 2);

#[rustfmt::skip]
pub const BASES: [BaseSpec; 52] = [
    alias(base("mistralai/Mistral-7B-v0.1", (2023, 9, 27), MISTRAL, 72, APACHE, 150, 640, "Mistral-7B", "7B"), "mistral-7b"),
    alias(base("meta-llama/Llama-2-7b-hf", (2023, 7, 18), LLAMA, 67, LLAMA2, 40, 480, "Llama-2-7b", "7b"), "llama-2-7b"),
    hub_date(alias(base("meta-llama/Meta-Llama-3-8B", (2024, 4, 18), LLAMA, 80, LLAMA3, 70, 700, "Llama-3-8B", "8B"), "llama-3-8b"), (2024, 4, 17)),
    alias(base("google/gemma-7b", (2024, 2, 21), GEMMA, 85, GEMMA_L, 14, 660, "gemma-7b", "7b"), "gemma-7b"),
    alias(base("microsoft/phi-2", (2023, 12, 12), PHI, 28, MIT, 14, 580, "phi-2", "2.7B"), "phi-2"),
    alias(base("Qwen/Qwen1.5-7B", (2024, 2, 4), QWEN2, 77, OTHER, 12, 660, "Qwen1.5-7B", "7B"), "qwen1.5-7b"),
    moe(alias(base("mistralai/Mixtral-8x7B-v0.1", (2023, 12, 11), MIXTRAL, 467, APACHE, 14, 800, "Mixtral-8x7B", "8x7B"), "mixtral-8x7b")),
    alias(base("upstage/SOLAR-10.7B-v1.0", (2023, 12, 13), LLAMA, 107, APACHE, 20, 720, "SOLAR-10.7B", "10.7B"), "solar-10.7b"),
    official("mistralai/Mistral-7B-Instruct-v0.1", "mistralai/Mistral-7B-v0.1", (2023, 9, 27), 24),
    official("meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/Meta-Llama-3-8B", (2024, 4, 18), 40),
    official("meta-llama/Llama-2-7b-chat-hf", "meta-llama/Llama-2-7b-hf", (2023, 7, 18), 14),
    alias(base("meta-llama/Llama-2-13b-hf", (2023, 7, 18), LLAMA, 130, LLAMA2, 16, 540, "Llama-2-13b", "13b"), "llama-2-13b"),
    alias(base("01-ai/Yi-34B", (2023, 11, 2), LLAMA, 344, OTHER, 10, 780, "Yi-34B", "34B"), "yi-34b"),
    gated(alias(base("meta-llama/Llama-2-70b-hf", (2023, 7, 18), LLAMA, 690, LLAMA2, 6, 760, "Llama-2-70b", "70b"), "llama-2-70b")),
    official("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-v0.1", (2023, 12, 11), 8),
    official("upstage/SOLAR-10.7B-Instruct-v1.0", "upstage/SOLAR-10.7B-v1.0", (2023, 12, 13), 10),
    gated(alias(base("google/gemma-2b", (2024, 2, 21), GEMMA, 25, GEMMA_L, 6, 420, "gemma-2b", "2b"), "gemma-2b")),
    official("google/gemma-7b-it", "google/gemma-7b", (2024, 2, 21), 5),
    official("Qwen/Qwen1.5-7B-Chat", "Qwen/Qwen1.5-7B", (2024, 2, 4), 5),
    alias(base("meta-llama/Meta-Llama-3-70B", (2024, 4, 18), LLAMA, 706, LLAMA3, 5, 860, "Llama-3-70B", "70B"), "llama-3-70b"),
    alias(base("openai-community/gpt2", EPOCH, GPT2, 1, MIT, 5, 0, "gpt2", ""), "gpt2"),
    alias(base("openai-community/gpt2-medium", EPOCH, GPT2, 4, MIT, 2, 20, "gpt2-medium", ""), "gpt2-medium"),
    alias(base("distilbert/distilgpt2", EPOCH, GPT2, 1, APACHE, 2, 0, "distilgpt2", ""), "distilgpt2"),
    base("EleutherAI/gpt-j-6b", EPOCH, GPTJ, 61, APACHE, 3, 200, "gpt-j", "6b"),
    base("EleutherAI/gpt-neo-1.3B", EPOCH, NEO, 14, MIT, 3, 90, "gpt-neo", "1.3B"),
    base("facebook/opt-1.3b", (2022, 5, 11), OPT, 13, OTHER, 3, 100, "opt", "1.3b"),
    base("EleutherAI/pythia-6.9b", (2023, 2, 13), NEOX, 69, APACHE, 3, 210, "pythia", "6.9b"),
    alias(base("tiiuae/falcon-7b", (2023, 4, 24), FALCON, 69, APACHE, 5, 330, "falcon", "7b"), "falcon-7b"),
    base("microsoft/phi-1_5", (2023, 9, 10), PHI, 14, MIT, 3, 360, "phi-1_5", "1.3B"),
    base("aurora-labs/Aurora-7B", (2023, 6, 14), LLAMA, 67, APACHE, 6, 430, "Aurora", "7B"),
    base("nimbus-ai/nimbus-13b", (2023, 8, 2), LLAMA, 130, OTHER, 4, 520, "nimbus", "13b"),
    base("kestrel-research/Kestrel-3B", (2022, 11, 8), NEOX, 28, APACHE, 3, 170, "Kestrel", "3B"),
    base("vela-ai/Vela-1.8B", (2024, 1, 10), QWEN2, 18, OTHER, 4, 460, "Vela", "1.8B"),
    base("orbitlm/Orbit-70B", (2023, 10, 20), LLAMA, 690, OTHER, 2, 740, "Orbit", "70B"),
    base("tessera-ml/Tessera-1.6B", (2024, 3, 5), STABLELM, 16, OTHER, 3, 420, "Tessera", "1.6B"),
    base("fjord-ai/Fjord-7B-base", (2024, 3, 25), MISTRAL, 72, APACHE, 6, 640, "Fjord", "7B"),
    base("ember-nlp/ember-1.3b", (2022, 7, 19), OPT, 13, MIT, 2, 110, "ember", "1.3b"),
    base("quill-research/Quill-20B", (2022, 9, 30), NEOX, 200, APACHE, 2, 300, "Quill", "20B"),
    base("lumen-ai/Lumen-34B", (2024, 1, 25), LLAMA, 344, OTHER, 3, 770, "Lumen", "34B"),
    base("corvid-labs/Corvid-3.8B", (2024, 4, 23), PHI, 38, MIT, 6, 680, "Corvid", "3.8B"),
    moe(base("marlin-ai/Marlin-4x3B", (2024, 2, 28), MIXTRAL, 100, APACHE, 3, 600, "Marlin", "4x3B")),
    base("halcyon-lm/Halcyon-7B", (2023, 3, 15), LLAMA, 67, CC_BY_NC, 3, 400, "Halcyon", "7B"),
    base("pinyon-ai/pinyon-14b", (2024, 2, 12), QWEN2, 142, OTHER, 3, 720, "pinyon", "14b"),
    base("sable-research/Sable-1.1B", (2023, 9, 5), LLAMA, 11, APACHE, 5, 300, "Sable", "1.1B"),
    base("drift-ai/Drift-40B", (2023, 6, 1), FALCON, 400, APACHE, 2, 560, "Drift", "40B"),
    base("verdant-nlp/Verdant-3B", (2023, 5, 10), STABLELM, 28, CC_BY, 2, 330, "Verdant", "3B"),
    base("cobalt-lm/Cobalt-6B", (2023, 7, 4), GPTJ, 60, APACHE, 2, 310, "Cobalt", "6B"),
    base("nordlys-ai/nordlys-7b", (2023, 12, 20), MISTRAL, 72, APACHE, 3, 600, "nordlys", "7b"),
    base("aster-ai/Aster-72B", (2024, 2, 20), QWEN2, 723, OTHER, 3, 840, "Aster", "72B"),
    stub(base("hollow-labs/Hollow-7B", (2023, 10, 1), MISTRAL, 72, APACHE, 4, 600, "Hollow", "7B")),
    stub(base("gatekeep-ai/GK-13B", (2023, 8, 20), LLAMA, 130, OTHER, 3, 520, "GK", "13B")),
    stub(base("meadow-ml/Meadow-2.7B", (2024, 1, 15), PHI, 27, MIT, 3, 520, "Meadow", "2.7B")),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::refs::AliasTable;

    #[test]
    fn every_official_version_follows_its_base_and_aliases_resolve() {
        let aliases = AliasTable::builtin();
        for (i, b) in BASES.iter().enumerate() {
            if let Some(of) = b.of {
                let j = BASES.iter().position(|x| x.id == of).unwrap();
                assert!(j < i, "{} comes before its base", b.id);
                assert!(BASES[j].released <= b.released);
            }
            if let Some(a) = b.alias {
                assert_eq!(aliases.resolve(a), Some(b.id), "alias {a}");
            }
            let lower = b.id.to_lowercase();
            assert_eq!(
                BASES
                    .iter()
                    .filter(|x| x.id.to_lowercase() == lower)
                    .count(),
                1
            );
        }
    }
}
