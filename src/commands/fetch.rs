//! `lineage fetch models|snapshot`: reads HF_ENDPOINT and HF_TOKEN, runs the crawl or the
//! download, shows progress on a terminal and a summary on stderr. The token is handed to
//! the client and never printed.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use lineage::fetch::client::DEFAULT_ENDPOINT;
use lineage::fetch::{
    self, Client, ClientConfig, Endpoint, ModelsQuery, Observer, SnapshotRequest, StatsSnapshot,
    Token,
};

use crate::cli::{FetchArgs, FetchCommon, FetchModelsArgs, FetchSnapshotArgs, FetchWhat};

pub fn run(args: FetchArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        FetchWhat::Models(a) => models(a),
        FetchWhat::Snapshot(a) => snapshot(a),
    }
}

/// The client configuration from the environment and the common flags.
fn client_config(common: &FetchCommon) -> anyhow::Result<ClientConfig> {
    let endpoint = std::env::var("HF_ENDPOINT")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
    let endpoint = Endpoint::parse(&endpoint).context("reading HF_ENDPOINT")?;
    let mut config = ClientConfig::new(endpoint);
    config.token = std::env::var("HF_TOKEN").ok().and_then(|t| Token::new(&t));
    config.retries = common.retries;
    let backoff_ms = match common.backoff_ms {
        Some(ms) => Some(ms),
        None => match std::env::var("LINEAGE_FETCH_BACKOFF_MS") {
            Ok(v) => Some(v.trim().parse::<u64>().with_context(|| {
                format!("LINEAGE_FETCH_BACKOFF_MS is '{v}'; expected a number of milliseconds")
            })?),
            Err(_) => None,
        },
    };
    if let Some(ms) = backoff_ms {
        config.backoff_base = Duration::from_millis(ms);
        config.backoff_max = config.backoff_max.max(config.backoff_base);
    }
    if !(common.timeout.is_finite() && common.timeout > 0.0) {
        anyhow::bail!(
            "--timeout {} is not a positive number of seconds",
            common.timeout
        );
    }
    config.timeout = Duration::from_secs_f64(common.timeout);
    Ok(config)
}

fn models(args: FetchModelsArgs) -> anyhow::Result<ExitCode> {
    if !(1..=16).contains(&args.concurrency) {
        anyhow::bail!(
            "--concurrency {} is out of range; expected 1 to 16",
            args.concurrency
        );
    }
    if !(1..=1000).contains(&args.page_size) {
        anyhow::bail!(
            "--page-size {} is out of range; expected 1 to 1000",
            args.page_size
        );
    }
    if args.max == Some(0) {
        anyhow::bail!("--max 0 asks for no models; give at least 1");
    }
    let config = client_config(&args.common)?;
    let endpoint = config.endpoint.base().to_string();
    let observer = Progress::new(args.common.quiet, args.commits, false);
    let client = Client::new(config, Box::new(observer));
    let query = ModelsQuery {
        author: args.author,
        search: args.search,
        filters: args.filters,
        family: args.family,
        commits: args.commits,
        max: args.max,
        page_size: args.page_size,
        concurrency: args.concurrency,
    };
    let started = Instant::now();
    let summary = fetch::fetch_models(&client, &query, &args.out).with_context(|| {
        format!(
            "fetching models from {endpoint} into {} (run the same command again to go on from {})",
            args.out.display(),
            fetch::models::checkpoint_path(&args.out).display()
        )
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    if !args.common.quiet {
        for (id, why) in summary.without_commits.iter().take(20) {
            eprintln!("warning: {id}: no commit history ({why}); written without commit authors");
        }
        if summary.without_commits.len() > 20 {
            eprintln!(
                "warning: {} more models without commit history",
                summary.without_commits.len() - 20
            );
        }
        if summary.without_id > 0 {
            eprintln!(
                "warning: {} listed objects have no 'id'; written as they came (the build reports them)",
                summary.without_id
            );
        }
        let s = &summary.stats;
        let per_model = if summary.models > 0 {
            s.requests as f64 / summary.models as f64
        } else {
            0.0
        };
        eprintln!(
            "fetched {} models into {}{} in {elapsed:.2} s: {} listing pages, {} commit histories, {} requests ({per_model:.3} per model), {:.1} MB",
            summary.models,
            args.out.display(),
            if summary.resumed { " (resumed from the checkpoint)" } else { "" },
            summary.pages,
            summary.histories,
            s.requests,
            s.bytes as f64 / 1e6,
        );
        eprintln!("{}", retries_line(s));
    }
    Ok(ExitCode::SUCCESS)
}

fn snapshot(args: FetchSnapshotArgs) -> anyhow::Result<ExitCode> {
    let config = client_config(&args.common)?;
    let observer = Progress::new(args.common.quiet, false, true);
    let client = Client::new(config, Box::new(observer));
    let request = SnapshotRequest {
        dataset: args.dataset,
        file: args.file,
        revision: args.revision,
    };
    let started = Instant::now();
    let summary = fetch::fetch_snapshot(&client, &request, &args.out).with_context(|| {
        format!(
            "downloading {} of dataset {} into {}",
            request.file,
            request.dataset,
            args.out.display()
        )
    })?;
    if !args.common.quiet {
        eprintln!(
            "downloaded {} ({} bytes{}{}) into {} in {:.2} s; {}",
            summary.url,
            summary.size,
            if summary.resumed_from > 0 {
                format!(", resumed at byte {}", summary.resumed_from)
            } else {
                String::new()
            },
            summary
                .commit
                .as_deref()
                .map(|c| format!(", commit {c}"))
                .unwrap_or_default(),
            args.out.display(),
            started.elapsed().as_secs_f64(),
            match &summary.verified {
                Some(h) => format!("verified {h}"),
                None => "NOT verified: the server announced no hash".into(),
            }
        );
        eprintln!("{}", retries_line(&client.stats()));
    }
    Ok(ExitCode::SUCCESS)
}

fn retries_line(s: &StatsSnapshot) -> String {
    format!(
        "retries: {} (429: {}, 5xx: {}, broken bodies: {}, malformed bodies: {}, connections: {})",
        s.retries(),
        s.rate_limited,
        s.server_errors,
        s.broken_bodies,
        s.malformed,
        s.connection_errors
    )
}

/// Progress bars on a terminal (with rate and ETA), retry notices on stderr.
struct Progress {
    quiet: bool,
    multi: Option<MultiProgress>,
    listed: Option<ProgressBar>,
    commits: Option<ProgressBar>,
    bytes: Option<ProgressBar>,
    /// Whether the listing bar got its length from `--max`.
    sized: Mutex<bool>,
}

impl Progress {
    fn new(quiet: bool, commits: bool, bytes: bool) -> Progress {
        let terminal = !quiet && std::io::stderr().is_terminal();
        if !terminal {
            return Progress {
                quiet,
                multi: None,
                listed: None,
                commits: None,
                bytes: None,
                sized: Mutex::new(false),
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = |t: &str| {
            ProgressStyle::with_template(t).unwrap_or_else(|_| ProgressStyle::default_bar())
        };
        let (listed, commits, bar) = if bytes {
            let b = multi.add(ProgressBar::new(0));
            b.set_style(style(
                "download {bar:40} {bytes}/{total_bytes} {bytes_per_sec} (eta {eta})",
            ));
            (None, None, Some(b))
        } else {
            let l = multi.add(ProgressBar::new_spinner());
            l.set_style(style("listing  {spinner} {pos} models, {per_sec}"));
            let c = commits.then(|| {
                let c = multi.add(ProgressBar::new(0));
                c.set_style(style("commits  {bar:40} {pos}/{len} {per_sec} (eta {eta})"));
                c
            });
            (Some(l), c, None)
        };
        Progress {
            quiet,
            multi: Some(multi),
            listed,
            commits,
            bytes: bar,
            sized: Mutex::new(false),
        }
    }
}

impl Observer for Progress {
    fn retrying(&self, url: &str, attempt: u32, wait: Duration, why: &str) {
        if self.quiet {
            return;
        }
        let line = format!(
            "retry {attempt} in {:.1} s: GET {url}: {why}",
            wait.as_secs_f64()
        );
        match &self.multi {
            Some(m) => {
                let _ = m.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    fn listed(&self, models: u64, limit: Option<u64>) {
        if let Some(bar) = &self.listed {
            if let Some(max) = limit {
                let mut sized = self.sized.lock().unwrap_or_else(|e| e.into_inner());
                if !*sized {
                    *sized = true;
                    bar.set_length(max);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "listing  {bar:40} {pos}/{len} {per_sec} (eta {eta})",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                }
            } else {
                bar.tick();
            }
            bar.set_position(models);
        }
    }

    fn commits(&self, done: u64, of: u64) {
        if let Some(bar) = &self.commits {
            bar.set_length(of);
            bar.set_position(done);
        }
    }

    fn bytes(&self, done: u64, total: Option<u64>) {
        if let Some(bar) = &self.bytes {
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        for bar in [&self.listed, &self.commits, &self.bytes]
            .into_iter()
            .flatten()
        {
            bar.finish_and_clear();
        }
    }
}
