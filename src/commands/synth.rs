//! `lineage synth`: write a synthetic ecosystem in the real input formats.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::cli::SynthArgs;

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    let config = lineage::synth::SynthConfig {
        models: args.models,
        seed: args.seed,
    };
    let started = Instant::now();
    let context = || format!("writing the synthetic ecosystem to {}", args.out.display());
    let mut written = Vec::new();
    if !args.only_parquet {
        written = lineage::synth::write(&config, &args.out).with_context(context)?;
    }
    if args.parquet || args.only_parquet {
        written.push(lineage::synth::write_snapshot(&config, &args.out).with_context(context)?);
    }
    let mut bytes = 0;
    for (path, rows) in &written {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        bytes += size;
        note!(
            "wrote {} ({rows} rows, {})",
            path.display(),
            super::human_size(size)
        );
    }
    note!(
        "{} models, seed {}: {} in {:.2} s",
        args.models,
        args.seed,
        super::human_size(bytes),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
