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

/// Why a chart could not be drawn.
#[derive(Debug, Error)]
pub enum RenderError {
    /// The drawing backend failed.
    #[error("{}: cannot draw the chart: {detail}", path.display())]
    Draw {
        /// The file being drawn.
        path: std::path::PathBuf,
        /// What the backend said.
        detail: String,
    },
}

/// How an axis maps values to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// Evenly.
    #[default]
    Linear,
    /// Base-10 logarithmic; values at or below zero are not drawn.
    Log,
}

/// How tick labels show values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain numbers.
    #[default]
    Number,
    /// Values in 0..1 shown as percent.
    Percent,
}

/// Where an axis has ticks.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Ticks {
    /// Round numbers (powers of ten on log scales).
    #[default]
    Auto,
    /// Exactly these positions and labels (categories, dates).
    At(Vec<(f64, String)>),
}

/// One axis of a panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Axis {
    /// The axis title.
    pub label: String,
    /// How values map to positions.
    pub scale: Scale,
    /// How tick labels show values.
    pub format: Format,
    /// Where the ticks are.
    pub ticks: Ticks,
    /// Fixed ends; otherwise from the data.
    pub min: Option<f64>,
    /// See `min`.
    pub max: Option<f64>,
    /// Grid lines at the ticks.
    pub grid: bool,
}

impl Axis {
    /// A linear axis titled `label`.
    pub fn new(label: impl Into<String>) -> Axis {
        Axis {
            label: label.into(),
            grid: true,
            ..Axis::default()
        }
    }
    /// With a logarithmic scale.
    pub fn log(mut self) -> Axis {
        self.scale = Scale::Log;
        self
    }
    /// With values in 0..1 shown as percent.
    pub fn percent(mut self) -> Axis {
        self.format = Format::Percent;
        self
    }
    /// Starting at zero.
    pub fn from_zero(mut self) -> Axis {
        self.min = Some(0.0);
        self
    }
    /// With fixed ends.
    pub fn range(mut self, min: f64, max: f64) -> Axis {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
    /// With ticks at these values, labelled so.
    pub fn ticks(mut self, ticks: Vec<(f64, String)>) -> Axis {
        self.ticks = Ticks::At(ticks);
        self
    }
    /// Without grid lines.
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
        /// Fill colour.
        color: RGBColor,
        /// The bars.
        bars: Vec<(f64, f64, f64, f64)>,
    },
    /// Horizontal bars `(y_bottom, y_top, x_left, x_right)`.
    HBars {
        /// Fill colour.
        color: RGBColor,
        /// The bars.
        bars: Vec<(f64, f64, f64, f64)>,
    },
    /// A polyline through `points`.
    Line {
        /// Line colour.
        color: RGBColor,
        /// The points, in order.
        points: Vec<(f64, f64)>,
        /// Stroke width in pixels.
        width: u32,
        /// Dashed rather than solid.
        dashed: bool,
        /// A dot at each point.
        markers: bool,
    },
    /// A scatter of points.
    Points {
        /// Point colour.
        color: RGBColor,
        /// The points.
        points: Vec<(f64, f64)>,
        /// Radius in pixels.
        size: u32,
        /// 0..1
        opacity: f64,
    },
    /// Box plots `(x_center, min, q1, median, q3, max)` of half-width `half`.
    Boxes {
        /// Fill colour.
        color: RGBColor,
        /// The boxes.
        boxes: Vec<(f64, f64, f64, f64, f64, f64)>,
        /// Half-width in data units.
        half: f64,
    },
    /// Text at data positions.
    Labels {
        /// Text colour.
        color: RGBColor,
        /// `(x, y, text)`.
        labels: Vec<(f64, f64, String)>,
        /// Where each label sits.
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
    /// Where, in data coordinates.
    pub x: f64,
    /// The tag.
    pub tag: String,
}

/// One chart area with its axes, layers and markers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    /// A title above the panel.
    pub title: Option<String>,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    /// What is drawn, first at the bottom.
    pub layers: Vec<Layer>,
    /// Vertical marker lines.
    pub markers: Vec<Marker>,
    /// Share of the figure's panel space (relative to the other panels).
    pub weight: f64,
}

impl Panel {
    /// An empty panel with these axes.
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
    /// With a title.
    pub fn titled(mut self, title: impl Into<String>) -> Panel {
        self.title = Some(title.into());
        self
    }
}

/// The symbol in front of a legend label.
#[derive(Debug, Clone, PartialEq)]
pub enum Swatch {
    /// A filled square.
    Box,
    /// A short line.
    Line {
        /// Dashed rather than solid.
        dashed: bool,
    },
    /// A dot.
    Point,
    /// A section heading in the legend.
    Heading,
}

/// One legend line.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Its text.
    pub label: String,
    /// Its colour.
    pub color: RGBColor,
    /// Its symbol.
    pub swatch: Swatch,
}

impl LegendEntry {
    /// An entry with a filled square.
    pub fn boxed(label: impl Into<String>, color: RGBColor) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            swatch: Swatch::Box,
        }
    }
    /// An entry with a short line.
    pub fn line(label: impl Into<String>, color: RGBColor, dashed: bool) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            swatch: Swatch::Line { dashed },
        }
    }
    /// An entry with a dot.
    pub fn point(label: impl Into<String>, color: RGBColor) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            swatch: Swatch::Point,
        }
    }
    /// A section heading.
    pub fn heading(label: impl Into<String>) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color: palette::TEXT,
            swatch: Swatch::Heading,
        }
    }
}

/// How a figure's panels are arranged.
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
    /// The title above everything.
    pub title: String,
    /// A line under the title.
    pub subtitle: Option<String>,
    /// The panels.
    pub panels: Vec<Panel>,
    /// How the panels are arranged.
    pub layout: Layout,
    /// Drawn in a column right of the panels, never over data.
    pub legend: Vec<LegendEntry>,
    /// A line under the chart (data source, what was left out).
    pub note: Option<String>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Figure {
    /// An empty figure titled `title`, at the default size.
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
