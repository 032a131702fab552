//! `lineage serve`: the dashboard over one graph, in a browser.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use lineage::graph::file;
use lineage::serve::{router, Dashboard};

use crate::cli::ServeArgs;

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if !args.graph.exists() {
        anyhow::bail!(
            "{}: no graph file; build one with `lineage build [INPUTS]` or give --graph PATH",
            args.graph.display()
        );
    }
    let report = match &args.report {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_slice::<serde_json::Value>(&bytes).with_context(|| {
                format!(
                    "{}: not a build report (JSON from `lineage build --report FILE`)",
                    path.display()
                )
            })?;
            Some(bytes)
        }
        None => None,
    };
    let graph = file::load(&args.graph)?;
    let dashboard = Arc::new(Dashboard::new(graph, report));
    let addr: SocketAddr = args.addr;
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: {addr} is not a loopback address: anyone who can reach this machine on it can read the graph"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("--addr {addr}: cannot listen"))?;
        let local = listener.local_addr()?;
        let url = format!("http://{local}/");
        eprintln!(
            "serving {} ({} models) at {url}",
            args.graph.display(),
            dashboard.graph().model_count()
        );
        if args.open {
            open(&url);
        }
        axum::serve(listener, router(dashboard))
            .await
            .context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Asks the desktop to open `url`; without one, says so and goes on serving.
fn open(url: &str) {
    if let Err(e) = std::process::Command::new("xdg-open")
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: cannot open a browser (xdg-open: {e}); open {url} yourself");
    }
}
