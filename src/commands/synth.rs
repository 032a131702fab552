//! `lineage synth`: write a synthetic ecosystem in the real input formats.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::SynthArgs;

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    let config = lineage::synth::SynthConfig {
        models: args.models,
        seed: args.seed,
    };
    let written = lineage::synth::write(&config, &args.out)
        .with_context(|| format!("writing the synthetic ecosystem to {}", args.out.display()))?;
    for (path, rows) in written {
        eprintln!("wrote {} ({rows} rows)", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
