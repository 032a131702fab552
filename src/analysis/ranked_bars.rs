//! The chart of each of the journal's tables (tables 1-4): the table's rows as horizontal
//! bars, names down the left and each value written at its bar's end, so that a table
//! analysis has a figure like every other analysis.

use crate::analysis::charts::{category_axis_top_down, row_span, series};
use crate::render::palette::TEXT;
use crate::render::{compact_label, Anchor, Axis, Figure, Layer, Panel};

/// Horizontal bars of `values` named `names`, top row first; a log axis when `log` (for
/// heavy-tailed counts such as downloads). Values at or below zero draw no bar (and on a
/// log axis none at all) but keep their label.
pub fn ranked_bars(
    title: &str,
    axis_label: &str,
    names: &[String],
    values: &[f64],
    log: bool,
) -> Figure {
    let n = names.len();
    let max = values.iter().copied().fold(0.0, f64::max);
    let x = if log {
        Axis::new(axis_label)
            .log()
            .range(1.0, crate::analysis::charts::log_headroom(max) * 3.0)
    } else {
        Axis::new(axis_label)
            .from_zero()
            .range(0.0, (max * 1.25).max(1.0))
    };
    let mut panel = Panel::new(x, category_axis_top_down("", names));
    let floor = if log { 1.0 } else { 0.0 };
    panel.layers.push(Layer::HBars {
        color: series(0),
        bars: values
            .iter()
            .enumerate()
            .filter(|(_, &v)| v > floor)
            .map(|(i, &v)| {
                let (y0, y1) = row_span(n, i, 0.7);
                (y0, y1, floor, v)
            })
            .collect(),
    });
    panel.layers.push(Layer::Labels {
        color: TEXT,
        labels: values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let text = if v.fract() == 0.0 && v.abs() < 1e15 {
                    compact_label(v)
                } else {
                    format!("{v:.2}")
                };
                (v.max(floor), (n - 1 - i) as f64 + 0.5, text)
            })
            .collect(),
        anchor: Anchor::Right,
    });
    let mut fig = Figure::new(title);
    fig.panels.push(panel);
    fig.height = (240 + 30 * n as u32).max(640);
    fig
}
