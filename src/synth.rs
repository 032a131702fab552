//! A deterministic generator of synthetic ecosystems in the real input formats (placeholder).
use std::path::{Path, PathBuf};

pub struct SynthConfig {
    pub models: usize,
    pub seed: u64,
}

pub fn write(_config: &SynthConfig, _dir: &Path) -> std::io::Result<Vec<(PathBuf, usize)>> {
    Err(std::io::Error::other("not yet"))
}
