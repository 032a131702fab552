//! A deterministic generator of synthetic model ecosystems, written in the formats of the
//! real inputs, so that `lineage` can ship a realistic sample of its own and be measured at
//! any size without copying anyone's data. The same size and seed give byte-identical files
//! on every machine.
//!
//! It writes four files into a directory:
//! - `details.csv`: Hub metadata per repo (pandas export, `Unnamed: 0` index column);
//! - `leaderboard.csv`: an Open LLM Leaderboard v1 export (`;`-separated, inverted flags,
//!   duplicate evaluations);
//! - `commits.csv`: contributors per repo;
//! - `models.jsonl`: Hub API objects for the quantized repos (which never reach the
//!   leaderboard) and a fresh view of some others.
//!
//! `world` grows the ecosystem; the other modules each write one format. Generation is
//! sequential and streams rows to buffered writers, the four files in parallel: memory is a
//! few hundred bytes per model.

mod bases;
mod commits;
mod details;
mod hub_api;
mod leaderboard;
mod metadata;
mod names;
mod parquet;
mod rng;
mod rows;
mod text;
mod world;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Models in the ecosystem, the pretrained bases included (of which at most 52).
    pub models: usize,
    /// Seed of the generator: the same seed and size give the same files.
    pub seed: u64,
}

/// The files [`write()`] creates, in the order it reports them.
pub const FILES: [&str; 4] = [
    "details.csv",
    "leaderboard.csv",
    "commits.csv",
    "models.jsonl",
];

/// The Hub statistics snapshot [`write_snapshot`] creates.
pub const SNAPSHOT_FILE: &str = "models.parquet";

/// Generates the ecosystem for `config` and writes it into `dir` (created if missing) as a
/// Hub statistics snapshot, `models.parquet`: one row per described repo, in the schema the
/// Hub publishes. The file is written under a temporary name and renamed into place. Returns
/// its path and number of rows.
///
/// Errors: `InvalidInput` above [`MAX_MODELS`]; any I/O error creating or writing the file.
pub fn write_snapshot(config: &SynthConfig, dir: &Path) -> io::Result<(PathBuf, usize)> {
    within_limit(config)?;
    std::fs::create_dir_all(dir)?;
    let world = world::generate(config.models, config.seed);
    let path = dir.join(SNAPSHOT_FILE);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".models-").suffix(".parquet.tmp");
    // Temporary files are private; the snapshot is an ordinary file once in place.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let tmp = builder.tempfile_in(dir)?;
    let rows = parquet::write(&world, tmp.as_file())?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok((path, rows))
}

/// The largest ecosystem [`write()`] accepts (memory grows by about 300 bytes per model).
pub const MAX_MODELS: usize = 20_000_000;

/// `InvalidInput` for an ecosystem above [`MAX_MODELS`].
fn within_limit(config: &SynthConfig) -> io::Result<()> {
    if config.models > MAX_MODELS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} models is more than the generator's limit of {MAX_MODELS}",
                config.models
            ),
        ));
    }
    Ok(())
}

/// Generates the ecosystem for `config` and writes its files into `dir` (created if
/// missing). Returns each file's path and its number of rows. `models.jsonl` is left out
/// (and an old one removed) when no model has a Hub API record, which only happens for an
/// empty ecosystem.
///
/// Errors: `InvalidInput` above [`MAX_MODELS`]; any I/O error creating or writing the files.
pub fn write(config: &SynthConfig, dir: &Path) -> io::Result<Vec<(PathBuf, usize)>> {
    within_limit(config)?;
    std::fs::create_dir_all(dir)?;
    let world = world::generate(config.models, config.seed);
    let evals = leaderboard::evaluations(&world);
    let paths: Vec<PathBuf> = FILES.iter().map(|f| dir.join(f)).collect();
    let create = |p: &PathBuf| File::create(p);
    let any_api = world.models.iter().any(|m| m.has(world::flag::HUB_API));
    let (rows, api_rows) = std::thread::scope(|s| {
        let details = s.spawn(|| -> io::Result<usize> {
            let order = details::order(&world, &evals);
            details::write(&world, &order, create(&paths[0])?)
        });
        let board = s.spawn(|| leaderboard::write(&world, &evals, create(&paths[1])?));
        let commits = s.spawn(|| commits::write(&world, create(&paths[2])?));
        let api = if any_api {
            create(&paths[3]).and_then(|f| hub_api::write(&world, f).map(Some))
        } else {
            Ok(None)
        };
        let join = |h: std::thread::ScopedJoinHandle<'_, io::Result<usize>>| {
            h.join()
                .unwrap_or_else(|_| Err(io::Error::other("a writer thread panicked")))
        };
        let rows = [join(details), join(board), join(commits)];
        (rows, api)
    });
    let mut written = Vec::new();
    for (path, n) in paths.iter().zip(rows) {
        written.push((path.clone(), n?));
    }
    match api_rows? {
        Some(n) => written.push((paths[3].clone(), n)),
        None => {
            if paths[3].exists() {
                std::fs::remove_file(&paths[3])?;
            }
        }
    }
    Ok(written)
}
