//! The build report of the real 2024 data, pinned byte for byte: changes to how the build
//! reads, interns and merges (parallel parsing, a new graph file layout) must not change a
//! single byte of what it reports. A change that means to alter the report (a new field, a
//! new check) updates the pinned length and checksum below in the same commit, after reading
//! the difference: the test writes the new report to `target/pinned-report.json` and the
//! message says how to compare it with the previous one.

use crate::common::{root, shared_data, Workdir};

/// Length in bytes and CRC-32 of `lineage build openllm-2024 --report` (pretty JSON), run in
/// the shared data directory so that the report names the files `openllm-2024/...`.
const PINNED_LEN: usize = 309_701;
const PINNED_CRC: u32 = 0x4f72_1b4a;

#[test]
fn the_build_report_of_the_real_2024_data_is_unchanged() {
    // Every file of the folder, the unrepaired details included.
    let data_dir = shared_data("openllm-2024/details.csv")
        .parent()
        .and_then(|p| p.parent())
        .expect("the shared data directory")
        .to_path_buf();
    for name in [
        "details.csv",
        "details-unrepaired.csv",
        "leaderboard.csv",
        "commits.csv",
    ] {
        shared_data(&format!("openllm-2024/{name}"));
    }
    let wd = Workdir::new();
    let graph = wd.join("g.graph");
    let report = wd.join("report.json");
    let mut cmd = wd.command(&[]);
    cmd.current_dir(&data_dir).args([
        "build",
        "-q",
        "openllm-2024",
        "--out",
        graph.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    cmd.assert().success();
    let bytes = std::fs::read(&report).expect("the report is written");
    let crc = crc32fast::hash(&bytes);
    if bytes.len() != PINNED_LEN || crc != PINNED_CRC {
        let kept = root().join("target/pinned-report.json");
        std::fs::write(&kept, &bytes).expect("keep the new report for comparison");
        panic!(
            "the build report of openllm-2024 changed: {} bytes, CRC-32 {crc:#010x} \
             (pinned: {PINNED_LEN} bytes, {PINNED_CRC:#010x}). The new report is at {}; \
             compare it with the one the previous commit writes (`lineage build -q \
             openllm-2024 --report old.json` in ../shared/data) and update the pin only if \
             every difference is intended.",
            bytes.len(),
            kept.display()
        );
    }
}
