//! Charts: a small description of a figure (panels, axes, layers, legend) that analyses'
//! results are turned into, drawn with plotters as SVG and PNG. Text in PNGs is drawn with
//! DejaVu Sans, shipped in `assets/fonts/` (Bitstream Vera licence), so the output does
//! not depend on the fonts of the machine.
//!
//! Axes are drawn here, not by plotters' mesh: that gives ticks exactly where a period or
//! category starts, log scales by transforming values, and label areas sized to the text.

mod draw;
pub mod palette;

use std::path::{Path, PathBuf};

use plotters::style::RGBColor;
use thiserror::Error;

pub use draw::{nice_ticks, register_font};

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
        let mut svg = String::new();
        {
            let backend =
                plotters::backend::SVGBackend::with_string(&mut svg, (self.width, self.height));
            draw::figure(backend, self).map_err(|detail| RenderError::Draw {
                path: PathBuf::from("(svg)"),
                detail,
            })?;
        }
        Ok(svg)
    }

    /// Writes the figure as SVG.
    pub fn save_svg(&self, path: &Path) -> Result<(), RenderError> {
        let err = |detail: String| RenderError::Draw {
            path: path.to_path_buf(),
            detail,
        };
        let svg = self.to_svg().map_err(|e| err(e.to_string()))?;
        std::fs::write(path, svg).map_err(|e| err(e.to_string()))
    }

    /// Writes the figure as PNG.
    pub fn save_png(&self, path: &Path) -> Result<(), RenderError> {
        let err = |detail: String| RenderError::Draw {
            path: path.to_path_buf(),
            detail,
        };
        let backend = plotters::backend::BitMapBackend::new(path, (self.width, self.height));
        draw::figure(backend, self).map_err(err)
    }
}

/// A value as a short label (`1.2k`, `3M`, `42`).
pub fn compact_label(v: f64) -> String {
    draw::compact(v)
}
