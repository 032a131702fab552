//! The dashboard's page, scripts, styles and the vendored chart library, compiled into the
//! binary so `lineage serve` runs anywhere, offline.

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Its path under `/assets/` (the page itself is `index.html`).
    pub path: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

const fn asset(path: &'static str, content_type: &'static str, body: &'static [u8]) -> Asset {
    Asset {
        path,
        content_type,
        body,
    }
}

/// Every file the page needs.
pub const ASSETS: [Asset; 6] = [
    asset(
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../assets/web/index.html"),
    ),
    asset(
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/app.js"),
    ),
    asset(
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/app.css"),
    ),
    asset(
        "uPlot.iife.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/vendor/uplot/uPlot.iife.min.js"),
    ),
    asset(
        "uPlot.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/vendor/uplot/uPlot.min.css"),
    ),
    asset(
        "LICENSE-uPlot.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/web/vendor/uplot/LICENSE"),
    ),
];

/// The embedded file at `path`, if there is one.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
