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
    /// X spans `(from, to)` washed out and hatched: periods with too few models for their
    /// shares to mean much.
    pub faded: Vec<(f64, f64)>,
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
            faded: Vec::new(),
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
    /// A hatched box (what [`Panel::faded`] spans look like).
    Hatched,
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

    /// How many labels (values, release tags) the drawing left out because every place
    /// for them was taken; the figure's note states the count.
    pub fn labels_left_out(&self) -> Result<usize, RenderError> {
        draw::figure(self)
            .map(|c| c.left_out)
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
