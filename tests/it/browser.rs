//! The dashboard end to end in headless Chromium: `lineage serve` on an ephemeral loopback
//! port, driven by `tests/browser/dashboard.mjs` (playwright-core), which opens every view,
//! changes a control, checks the chart against the API, and saves a screenshot of each view
//! under `target/screenshots/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn require(ok: bool, what: &str) {
    assert!(
        ok,
        "{what} is missing: the dashboard tests need it. Run `bash tests/setup/install.sh` \
         (Debian's chromium, node and npm, then `npm ci` in tests/browser)"
    );
}

#[test]
fn every_view_in_headless_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    require(
        Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success()),
        "node",
    );
    require(
        browser_dir
            .join("node_modules/playwright-core/package.json")
            .exists(),
        "the npm package playwright-core (tests/browser/node_modules)",
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    require(
        Path::new(&chromium).exists(),
        &format!("Chromium ({chromium})"),
    );

    let real = super::serve::real();
    let child = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .arg("serve")
        .arg("--graph")
        .arg(&real.graph)
        .arg("--report")
        .arg(&real.report)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start lineage serve");
    let mut server = Server(child);
    let stderr = server.0.stderr.take().expect("the server's stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(i) = line.find("http://") {
                let _ = tx.send(line[i..].trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("lineage serve printed its URL within 60 s");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let shots = root.join("target/screenshots");
    let mut cmd = Command::new("node");
    cmd.current_dir(&browser_dir)
        .arg("dashboard.mjs")
        .arg(&url)
        .arg(&shots);
    if let Ok(docs) = std::env::var("LINEAGE_DOC_IMAGES") {
        cmd.arg(root.join(docs));
    }
    let mut node = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = node.try_wait().expect("wait for node") {
            break s;
        }
        if started.elapsed() > Duration::from_secs(240) {
            let _ = node.kill();
            panic!("the browser test did not finish within 240 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let out = node.wait_with_output().expect("node's output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    for view in [
        "overview",
        "types",
        "authors",
        "scores",
        "architectures",
        "evolution",
        "releases",
        "explorer",
    ] {
        let png = shots.join(format!("dashboard-{view}.png"));
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            png.display()
        );
    }
}
