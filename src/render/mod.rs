//! Charts: a small description of a figure (panels, axes, layers, legend) that analyses'
//! results are turned into, drawn once as SVG; the PNG is that SVG rasterised by resvg.
//! Text is set in DejaVu Sans, shipped in `assets/fonts/` (Bitstream Vera licence): the
//! SVG names it first and the rasteriser loads only it, so a PNG is the same bytes on
//! every machine and can never disagree with its SVG.
//!
//! Axes are drawn here: ticks exactly where a period or category starts, log scales by
//! transforming values, label areas sized to the text, and no two texts overlapping.

mod draw;
pub mod palette;
pub mod svg;

use std::path::{Path, PathBuf};

pub use svg::TextBox;

/// A colour as red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RGBColor(pub u8, pub u8, pub u8);
use thiserror::Error;

pub use draw::nice_ticks;

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("{}: cannot draw the chart: {detail}", path.display())]
    Draw {
        path: std::path::PathBuf,
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Linear,
    /// Base-10 logarithmic; values at or below zero are not drawn.
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Number,
    /// Values in 0..1 shown as percent.
    Percent,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Ticks {
    /// Round numbers (powers of ten on log scales).
    #[default]
    Auto,
    /// Exactly these positions and labels (categories, dates).
    At(Vec<(f64, String)>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Axis {
    pub label: String,
    pub scale: Scale,
    pub format: Format,
    pub ticks: Ticks,
    /// Fixed ends; otherwise from the data.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Grid lines at the ticks.
    pub grid: bool,
}

impl Axis {
    pub fn new(label: impl Into<String>) -> Axis {
        Axis {
            label: label.into(),
            grid: true,
            ..Axis::default()
        }
    }
    pub fn log(mut self) -> Axis {
        self.scale = Scale::Log;
        self
    }
    pub fn percent(mut self) -> Axis {
        self.format = Format::Percent;
        self
    }
    pub fn from_zero(mut self) -> Axis {
        self.min = Some(0.0);
        self
    }
    pub fn range(mut self, min: f64, max: f64) -> Axis {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
    pub fn ticks(mut self, ticks: Vec<(f64, String)>) -> Axis {
        self.ticks = Ticks::At(ticks);
        self
    }
    pub fn no_grid(mut self) -> Axis {
        self.grid = false;
        self
    }
}

/// Something drawn in a panel, in data coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    /// Vertical bars `(x_left, x_right, y_bottom, y_top)`.
    Bars {
        color: RGBColor,
        bars: Vec<(f64, f64, f64, f64)>,
    },
    /// Horizontal bars `(y_bottom, y_top, x_left, x_right)`.
    HBars {
        color: RGBColor,
        bars: Vec<(f64, f64, f64, f64)>,
    },
    Line {
        color: RGBColor,
        points: Vec<(f64, f64)>,
        width: u32,
        dashed: bool,
        markers: bool,
    },
    Points {
        color: RGBColor,
        points: Vec<(f64, f64)>,
        size: u32,
        /// 0..1
        opacity: f64,
    },
    /// Box plots `(x_center, min, q1, median, q3, max)` of half-width `half`.
    Boxes {
        color: RGBColor,
        boxes: Vec<(f64, f64, f64, f64, f64, f64)>,
        half: f64,
    },
    /// Text at data positions.
    Labels {
        color: RGBColor,
        labels: Vec<(f64, f64, String)>,
        anchor: Anchor,
    },
}

/// Where a label sits relative to its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Centred above (bar values).
    Above,
    /// Left of the text at the point, vertically centred (horizontal bar values).
    Right,
}

/// A vertical marker line with a short tag drawn above the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub tag: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    pub title: Option<String>,
    pub x: Axis,
    pub y: Axis,
    pub layers: Vec<Layer>,
    pub markers: Vec<Marker>,
    /// X spans `(from, to)` washed out and hatched: periods with too few models for their
    /// shares to mean much.
    pub faded: Vec<(f64, f64)>,
    /// Share of the figure's panel space (relative to the other panels).
    pub weight: f64,
}

impl Panel {
    pub fn new(x: Axis, y: Axis) -> Panel {
        Panel {
            title: None,
            x,
            y,
            layers: Vec::new(),
            markers: Vec::new(),
            faded: Vec::new(),
            weight: 1.0,
        }
    }
    pub fn titled(mut self, title: impl Into<String>) -> Panel {
        self.title = Some(title.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Swatch {
    Box,
    Line {
        dashed: bool,
    },
    Point,
    /// A hatched box (what [`Panel::faded`] spans look like).
    Hatched,
    /// A section heading in the legend.
    Heading,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub color: RGBColor,
    pub swatch: Swatch,
}

impl LegendEntry {
    pub fn boxed(label: impl Into<String>, color: RGBColor) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            swatch: Swatch::Box,
        }
    }
    pub fn line(label: impl Into<String>, color: RGBColor, dashed: bool) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            swatch: Swatch::Line { dashed },
        }
    }
    pub fn point(label: impl Into<String>, color: RGBColor) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            swatch: Swatch::Point,
        }
    }
    pub fn heading(label: impl Into<String>) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color: palette::TEXT,
            swatch: Swatch::Heading,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Panels stacked top to bottom.
    #[default]
    Rows,
    /// Panels side by side.
    Columns,
}

/// A whole chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub title: String,
    pub subtitle: Option<String>,
    pub panels: Vec<Panel>,
    pub layout: Layout,
    /// Drawn in a column right of the panels, never over data.
    pub legend: Vec<LegendEntry>,
    /// A line under the chart (data source, what was left out).
    pub note: Option<String>,
    pub width: u32,
    pub height: u32,
}

impl Figure {
    pub fn new(title: impl Into<String>) -> Figure {
        Figure {
            title: title.into(),
            subtitle: None,
            panels: Vec::new(),
            layout: Layout::Rows,
            legend: Vec::new(),
            note: None,
            width: 1400,
            height: 800,
        }
    }

    /// The figure as an SVG document.
    pub fn to_svg(&self) -> Result<String, RenderError> {
        draw::figure(self)
            .map(svg::Canvas::finish)
            .map_err(|detail| RenderError::Draw {
                path: PathBuf::from("(svg)"),
                detail,
            })
    }

    /// Every text box the figure draws, in pixels (for layout checks).
    pub fn text_boxes(&self) -> Result<Vec<TextBox>, RenderError> {
        draw::figure(self)
            .map(|c| c.boxes)
            .map_err(|detail| RenderError::Draw {
                path: PathBuf::from("(layout)"),
                detail,
            })
    }

    /// The figure as PNG bytes: its SVG rasterised.
    pub fn to_png(&self) -> Result<Vec<u8>, RenderError> {
        let svg = self.to_svg()?;
        svg::to_png(&svg).map_err(|detail| RenderError::Draw {
            path: PathBuf::from("(png)"),
            detail,
        })
    }

    /// Writes the figure as SVG.
    pub fn save_svg(&self, path: &Path) -> Result<(), RenderError> {
        let svg = self.to_svg().map_err(|e| at(path, e))?;
        write_atomic(path, svg.as_bytes())
    }

    /// Writes the figure as PNG (its SVG rasterised).
    pub fn save_png(&self, path: &Path) -> Result<(), RenderError> {
        let png = self.to_png().map_err(|e| at(path, e))?;
        write_atomic(path, &png)
    }

    /// Writes the SVG and the PNG drawn from it.
    pub fn save_both(&self, svg_path: &Path, png_path: &Path) -> Result<(), RenderError> {
        let svg = self.to_svg().map_err(|e| at(svg_path, e))?;
        let png = svg::to_png(&svg).map_err(|detail| RenderError::Draw {
            path: png_path.to_path_buf(),
            detail,
        })?;
        write_atomic(svg_path, svg.as_bytes())?;
        write_atomic(png_path, &png)
    }
}

fn at(path: &Path, e: RenderError) -> RenderError {
    match e {
        RenderError::Draw { detail, .. } => RenderError::Draw {
            path: path.to_path_buf(),
            detail,
        },
    }
}

/// Writes through a temporary file beside `path`, renamed into place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    let err = |e: std::io::Error| RenderError::Draw {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// A value as a short label (`1.2k`, `3M`, `42`).
pub fn compact_label(v: f64) -> String {
    draw::compact(v)
}
