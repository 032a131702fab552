//! `lineage build`: inputs (or the embedded sample) -> graph file + build report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use lineage::graph::{file, BuildOptions, DateCorrection};
use lineage::ingest::{self, refs::AliasTable, report::count, Input};

use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    check_outputs(&args)?;
    let options = options(&args)?;
    let inputs: Vec<Input> = if args.inputs.is_empty() {
        lineage::sample::inputs()?
    } else {
        let paths = ingest::expand_paths(&args.inputs)?;
        if paths.is_empty() {
            anyhow::bail!("no input files found in {}", display_list(&args.inputs));
        }
        paths
            .iter()
            .map(|p| ingest::open_input(p, args.input_format))
            .collect::<Result<_, _>>()?
    };
    let started = Instant::now();
    let bar = progress_bar(&inputs, args.quiet);
    let progress = bar.clone().map(on_progress);
    let (graph, report) = lineage::build(&inputs, options, progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if report.models == 0 {
        // Every row rejected, or none at all: an empty graph would pass for a result.
        // The summary says why rows were rejected; a file without rows needs no summary.
        if !args.quiet && report.inputs.iter().any(|f| f.rows > 0) {
            note!("{}", report.summary(args.examples).trim_end());
        }
        let inputs: Vec<String> = report
            .inputs
            .iter()
            .map(|f| {
                format!(
                    "{} ({})",
                    f.path,
                    match (f.rows, f.rows_rejected) {
                        (0, _) => "no rows after the header".to_string(),
                        (n, r) if r == n => format!("all {} rejected", count(n, "row", "rows")),
                        (n, r) => format!("{}, {r} rejected", count(n, "row", "rows")),
                    }
                )
            })
            .collect();
        anyhow::bail!(
            "no models read from {}; no graph written",
            inputs.join(", ")
        );
    }
    // Both files are written beside their targets first and renamed into place only when
    // both are whole: a failed graph leaves no report, a failed report no graph.
    let pending = file::prepare(&graph, &args.out)?;
    let report_file = match &args.report {
        Some(path) => Some(write_report_beside(&report, path)?),
        None => None,
    };
    for target in std::iter::once(&args.out).chain(&args.report) {
        if target.is_dir() {
            anyhow::bail!("{} is a directory, not a file to write", target.display());
        }
    }
    if let (Some(tmp), Some(path)) = (report_file, &args.report) {
        tmp.persist(path)
            .with_context(|| format!("writing the build report to {}", path.display()))?;
    }
    let size = match pending.commit() {
        Ok(size) => size,
        Err(e) => {
            // The report describes a graph that is not there.
            if let Some(path) = &args.report {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    if !args.quiet {
        eprint!("{}", report.summary(args.examples));
        note!(
            "wrote {} ({}) in {:.2} s",
            args.out.display(),
            super::human_size(size),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The build report as JSON in a temporary file beside `path`, to be renamed into place.
fn write_report_beside(
    report: &ingest::report::BuildReport,
    path: &std::path::Path,
) -> anyhow::Result<tempfile::NamedTempFile> {
    let context = || format!("writing the build report to {}", path.display());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lineage-report-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).with_context(context)?;
    let json = serde_json::to_vec_pretty(report).context("encoding the build report")?;
    std::io::Write::write_all(&mut tmp, &json).with_context(context)?;
    Ok(tmp)
}

fn options(args: &BuildArgs) -> anyhow::Result<BuildOptions> {
    let mut aliases = AliasTable::builtin();
    for path in &args.aliases {
        aliases.load_file(path)?;
    }
    let mut date_corrections = if args.no_date_corrections {
        Vec::new()
    } else {
        DateCorrection::builtin()
    };
    for path in &args.date_corrections {
        let text = ingest::read_config(path, "a CSV of 'model,created,reason' lines")?;
        date_corrections.extend(DateCorrection::parse(path, &text)?);
    }
    Ok(BuildOptions {
        aliases,
        date_corrections,
        commit_dates: !args.no_commit_dates,
    })
}

/// Refuses, before anything is read, an `--out` or `--report` that would overwrite an input
/// (or each other), and an `--out` that is a directory.
fn check_outputs(args: &BuildArgs) -> anyhow::Result<()> {
    let out = &args.out;
    if out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/') {
        anyhow::bail!(
            "--out {}: is a directory; give the graph file's path, such as {}",
            out.display(),
            out.join("lineage.graph").display()
        );
    }
    let mut inputs: Vec<(String, PathBuf)> = Vec::new();
    if !args.inputs.is_empty() {
        for p in ingest::expand_paths(&args.inputs)? {
            if p.as_os_str() != ingest::STDIN {
                inputs.push(("input".into(), p));
            }
        }
    }
    for p in &args.aliases {
        inputs.push(("--aliases".into(), p.clone()));
    }
    for p in &args.date_corrections {
        inputs.push(("--date-corrections".into(), p.clone()));
    }
    let mut outputs = vec![("--out", out)];
    if let Some(r) = &args.report {
        outputs.push(("--report", r));
    }
    for (flag, path) in &outputs {
        let target = same_file_key(path);
        for (what, input) in &inputs {
            if same_file_key(input) == target {
                anyhow::bail!(
                    "{flag} {}: is the {what} {}; writing it would destroy it",
                    path.display(),
                    input.display()
                );
            }
        }
    }
    if let [(_, out), (_, report)] = outputs.as_slice() {
        if same_file_key(out) == same_file_key(report) {
            anyhow::bail!(
                "--report {}: is the --out file too; give the report a path of its own",
                report.display()
            );
        }
    }
    Ok(())
}

/// A path as the file system sees it: resolved through symbolic links and `..` where it
/// exists, else its directory resolved and its name appended.
fn same_file_key(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

fn display_list(paths: &[std::path::PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A progress bar on a terminal for inputs large enough to wait for; nothing otherwise.
fn progress_bar(inputs: &[Input], quiet: bool) -> Option<ProgressBar> {
    let total: u64 = inputs.iter().map(|i| i.len).sum();
    if quiet || !std::io::stderr().is_terminal() || total < 8 << 20 {
        return None;
    }
    Some(styled_bar(total, ProgressDrawTarget::stderr()))
}

/// What the build calls with the bytes read so far, over all inputs.
fn on_progress(bar: ProgressBar) -> Box<dyn FnMut(u64) + Send> {
    Box::new(move |bytes: u64| bar.set_position(bytes))
}

/// The bar `lineage build` draws, for `total` input bytes, on `target`.
fn styled_bar(total: u64, target: ProgressDrawTarget) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        ProgressStyle::with_template("reading {bar:40} {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A terminal that keeps what is written to it.
    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl Screen {
        /// The last bar drawn.
        fn last_bar(&self) -> String {
            let written = self.0.lock().unwrap();
            written
                .iter()
                .rev()
                .find(|s| s.contains("reading"))
                .cloned()
                .unwrap_or_default()
        }
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.0.lock().unwrap().push(s.to_string());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The bar as drawn after a quarter and after all of 40 MiB: no timing involved, every
    /// update is drawn (no rate limit on this target).
    #[test]
    fn the_bar_fills_with_the_bytes_read() {
        let screen = Screen::default();
        let total = 40 << 20;
        let bar = styled_bar(
            total,
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        let mut progress = on_progress(bar.clone());
        progress(total / 4);
        let quarter = screen.last_bar();
        assert!(quarter.starts_with("reading "), "{quarter}");
        assert_eq!(quarter.matches('█').count(), 10, "{quarter}");
        assert!(quarter.contains("10.00 MiB/40.00 MiB"), "{quarter}");
        progress(total);
        let full = screen.last_bar();
        assert_eq!(full.matches('█').count(), 40, "{full}");
        assert!(full.contains("40.00 MiB/40.00 MiB"), "{full}");
    }
}
