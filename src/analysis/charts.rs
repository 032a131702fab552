//! Turning each analysis's result into what a reader sees: its table(s), a chart, and a
//! line of notes. Chart conventions shared by all: time on x with month ticks, counts from
//! zero (log where they are heavy-tailed), one colour per model type and per architecture.

use chrono::{Datelike, NaiveDate};

use crate::analysis::best_score_by_size::BestScoreBySize;
use crate::analysis::new_models_by_type::PeriodCounts;
use crate::analysis::{Table, Timeline};
use crate::model::{Day, ModelType};
use crate::render::palette::{self, SERIES};
use crate::render::{Anchor, Axis, Figure, Layer, LegendEntry, Marker, Panel};

/// Ticks at month starts ("Jan 2024"), every 1, 2, 3, 6 or 12 months so that at most
/// about twelve show.
pub fn time_ticks(tl: &Timeline) -> Vec<(f64, String)> {
    let (Some(first), Some(last)) = (tl.starts.first(), tl.starts.last()) else {
        return Vec::new();
    };
    let end = tl.unit.next(*last);
    let mut months = Vec::new();
    let d0 = first.to_date();
    let (mut y, mut m) = (d0.year(), d0.month());
    if d0.day() != 1 {
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    while let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
        let day = Day::from_date(d);
        if day > end {
            break;
        }
        months.push(d);
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let step = [1u32, 2, 3, 6, 12]
        .into_iter()
        .find(|s| months.len() as u32 / s <= 12)
        .unwrap_or(12);
    months
        .into_iter()
        .filter(|d| (d.month() - 1) % step == 0)
        .enumerate()
        .filter_map(|(k, d)| {
            let day = Day::from_date(d);
            let x = if day >= end {
                tl.len() as f64
            } else {
                tl.position(day)?
            };
            let label = if step == 12 || d.month() == 1 || k == 0 {
                d.format("%b %Y").to_string()
            } else {
                d.format("%b").to_string()
            };
            Some((x, label))
        })
        .collect()
}

/// An x axis over a timeline: periods span `[i, i + 1)`.
pub fn time_axis(tl: &Timeline, label: &str) -> Axis {
    Axis::new(label)
        .range(0.0, tl.len().max(1) as f64)
        .ticks(time_ticks(tl))
}

/// A categorical axis: category `i` spans `[i, i + 1)`, labelled at its centre.
pub fn category_axis(label: &str, names: &[String]) -> Axis {
    Axis::new(label)
        .range(0.0, names.len().max(1) as f64)
        .ticks(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as f64 + 0.5, n.clone()))
                .collect(),
        )
        .no_grid()
}

/// A horizontal categorical axis read top to bottom: category `i` is drawn at
/// `n - 1 - i`.
pub fn category_axis_top_down(label: &str, names: &[String]) -> Axis {
    let n = names.len();
    Axis::new(label)
        .range(0.0, n.max(1) as f64)
        .ticks(
            names
                .iter()
                .enumerate()
                .map(|(i, s)| ((n - 1 - i) as f64 + 0.5, s.clone()))
                .collect(),
        )
        .no_grid()
}

/// Row `i` of a top-down categorical axis, as a bar's `(bottom, top)`.
pub fn row_span(n: usize, i: usize, height: f64) -> (f64, f64) {
    let c = (n - 1 - i) as f64 + 0.5;
    (c - height / 2.0, c + height / 2.0)
}

/// A log axis upper end with room for labels above the highest bar.
pub fn log_headroom(max: f64) -> f64 {
    10f64.powf(
        (max.max(1.0)).log10().ceil()
            + if (max.max(1.0)).log10().fract() > 0.75 {
                0.3
            } else {
                0.0
            },
    )
}

/// The colour of a category in a period-count chart.
fn color_of(category: &str, by_type: bool) -> crate::render::RGBColor {
    if by_type {
        palette::model_type_named(category)
    } else {
        palette::architecture(category)
    }
}

/// Periods with fewer new models than this have their share bars washed out and hatched:
/// a 100% bar made of one to five models says little.
pub const SHARE_MIN_MODELS: usize = 30;

/// Stacked bars of counts (top) and shares (bottom) per period; share bars of periods
/// under [`SHARE_MIN_MODELS`] are hatched, and the legend says so.
pub fn stacked_periods(
    pc: &PeriodCounts,
    by_type: bool,
    title: &str,
    what: &str,
    markers: &[(f64, String)],
) -> Figure {
    let tl = &pc.timeline;
    let unit = tl.unit.noun();
    let present: Vec<usize> = (0..pc.categories.len())
        .filter(|&c| pc.category_total(c) > 0)
        .collect();
    let mut counts = Panel::new(
        time_axis(tl, ""),
        Axis::new(format!("new {what} per {unit}")).from_zero(),
    )
    .titled(format!("Number of new {what}"));
    let mut shares = Panel::new(
        time_axis(tl, &format!("creation date ({unit})")),
        Axis::new("share of new models").percent().range(0.0, 1.0),
    )
    .titled(format!(
        "Share of the {unit}'s new models (hatched: {unit}s with fewer than {SHARE_MIN_MODELS})"
    ));
    shares.faded = (0..tl.len())
        .filter(|&p| pc.total(p) > 0 && pc.total(p) < SHARE_MIN_MODELS)
        .map(|p| (p as f64, p as f64 + 1.0))
        .collect();
    for &c in &present {
        let color = color_of(&pc.categories[c], by_type);
        let mut bars = Vec::new();
        let mut sbars = Vec::new();
        for p in 0..tl.len() {
            let below: usize = present
                .iter()
                .take_while(|&&d| d != c)
                .map(|&d| pc.counts[p][d])
                .sum();
            let v = pc.counts[p][c];
            if v == 0 {
                continue;
            }
            let (x0, x1) = (p as f64 + 0.08, p as f64 + 0.92);
            bars.push((x0, x1, below as f64, (below + v) as f64));
            let t = pc.total(p).max(1) as f64;
            sbars.push((x0, x1, below as f64 / t, (below + v) as f64 / t));
        }
        counts.layers.push(Layer::Bars { color, bars });
        shares.layers.push(Layer::Bars { color, bars: sbars });
    }
    for (x, tag) in markers {
        counts.markers.push(Marker {
            x: *x,
            tag: tag.clone(),
        });
        shares.markers.push(Marker {
            x: *x,
            tag: String::new(),
        });
    }
    let mut fig = Figure::new(title);
    fig.height = 1000;
    counts.weight = 1.2;
    fig.panels = vec![counts, shares];
    fig.legend = present
        .iter()
        .rev()
        .map(|&c| {
            LegendEntry::boxed(
                pc.categories[c].clone(),
                color_of(&pc.categories[c], by_type),
            )
        })
        .collect();
    if !fig.panels[1].faded.is_empty() {
        fig.legend.push(LegendEntry {
            label: format!("share of < {SHARE_MIN_MODELS} models"),
            color: palette::GREY,
            swatch: crate::render::Swatch::Hatched,
        });
    }
    fig
}

/// Vertical bars over categories with their values written above; log scale if asked.
pub fn category_bars(
    title: &str,
    x_label: &str,
    y_label: &str,
    names: &[String],
    values: &[f64],
    log: bool,
    color: crate::render::RGBColor,
) -> Figure {
    let max = values.iter().copied().fold(0.0, f64::max);
    let y = if log {
        Axis::new(y_label).log().range(0.5, log_headroom(max))
    } else {
        Axis::new(y_label)
            .from_zero()
            .range(0.0, (max * 1.12).max(1.0))
    };
    let mut p = Panel::new(category_axis(x_label, names), y);
    let bars: Vec<(f64, f64, f64, f64)> = values
        .iter()
        .enumerate()
        .filter(|(_, &v)| v > 0.0)
        .map(|(i, &v)| (i as f64 + 0.15, i as f64 + 0.85, 0.0, v))
        .collect();
    let labels = values
        .iter()
        .enumerate()
        .filter(|(_, &v)| v > 0.0)
        .map(|(i, &v)| (i as f64 + 0.5, v, crate::render::compact_label(v)))
        .collect();
    p.layers.push(Layer::Bars { color, bars });
    p.layers.push(Layer::Labels {
        color: palette::TEXT,
        labels,
        anchor: Anchor::Above,
    });
    let mut fig = Figure::new(title);
    fig.panels.push(p);
    fig
}

/// A log axis spanning the positive `values` with a margin of a quarter step at both
/// ends, so the smallest and largest marks (dots, whisker caps) are drawn whole rather
/// than on the axis line, with ticks at 1, 2 and 5 of each decade.
pub fn padded_log_axis(label: &str, values: impl Iterator<Item = f64>) -> Axis {
    let (lo, hi) = values
        .filter(|x| *x > 0.0 && x.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
    let mut axis = Axis::new(label).log();
    if lo.is_finite() && hi > 0.0 {
        let (lo, hi) = (lo / 1.25, hi * 1.25);
        let mut ticks = Vec::new();
        for decade in lo.log10().floor() as i32..=hi.log10().ceil() as i32 {
            for m in [1.0, 2.0, 5.0] {
                let v = m * 10f64.powi(decade);
                if (lo..=hi).contains(&v) {
                    ticks.push((v, format!("{v}")));
                }
            }
        }
        axis = axis.range(lo, hi).ticks(ticks);
    }
    axis
}

/// Scatter of size against score coloured by type, with the best model of each size class.
pub fn size_scatter(r: &BestScoreBySize, g: &crate::graph::LineageGraph, title: &str) -> Figure {
    let xs = r.points.iter().map(|x| x.0);
    let x = padded_log_axis("parameters (billions, log scale)", xs);
    let mut p = Panel::new(x, Axis::new("leaderboard average score (%)"));
    let mut legend = Vec::new();
    for t in ModelType::ALL {
        let pts: Vec<(f64, f64)> = r
            .points
            .iter()
            .filter(|x| x.2 == t)
            .map(|x| (x.0, x.1))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let color = palette::model_type(t);
        legend.push(LegendEntry::point(t.as_str(), color));
        p.layers.push(Layer::Points {
            color,
            points: pts,
            size: 3,
            opacity: 0.45,
        });
    }
    let best: Vec<(f64, f64)> = r
        .classes
        .iter()
        .filter_map(|c| c.best)
        .filter_map(|(a, v)| g.models[v as usize].params_b.map(|p| (p as f64, a)))
        .collect();
    p.layers.push(Layer::Line {
        color: palette::TEXT,
        points: best.clone(),
        width: 2,
        dashed: false,
        markers: true,
    });
    legend.push(LegendEntry::line(
        "best of each size class",
        palette::TEXT,
        false,
    ));
    let mut fig = Figure::new(title);
    fig.panels.push(p);
    fig.legend = legend;
    fig
}

/// Writes a short human summary of a table for notes.
pub fn rows_note(t: &Table, what: &str) -> String {
    format!("{} {what}", t.len())
}

/// The series colour for the `i`-th of several unrelated lines.
pub fn series(i: usize) -> crate::render::RGBColor {
    SERIES[i % 10]
}

/// Points `(i + 0.5, v)` for the periods that have a value, split where a period has none,
/// so that lines do not bridge empty periods.
pub fn runs(values: impl IntoIterator<Item = Option<f64>>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, v) in values.into_iter().enumerate() {
        match v {
            Some(v) => out.last_mut().map_or((), |r| r.push((i as f64 + 0.5, v))),
            None => {
                if out.last().is_some_and(|r| !r.is_empty()) {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}
