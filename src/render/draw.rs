//! Drawing a [`Figure`] on any plotters backend: title, panels with hand-made axes, a
//! legend column, a note line.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::palette::{AXIS, GREY, GRID, MARKER, TEXT};
use super::{Anchor, Axis, Figure, Format, Layer, Layout, Panel, Scale, Swatch, Ticks};

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Makes the shipped font the one plotters draws text with. Idempotent; false if the font
/// could not be read (text would then be missing).
pub fn register_font() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok())
}

fn style(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut st = TextStyle::from((FAMILY, size).into_font());
    st.color = color.to_backend_color();
    st
}

type Area<DB> = DrawingArea<DB, Shift>;

fn text_size<DB: DrawingBackend>(root: &Area<DB>, text: &str, st: &TextStyle) -> (i32, i32) {
    root.estimate_text_size(text, st)
        .map(|(w, h)| (w as i32, h as i32))
        .unwrap_or(((text.chars().count() as f64 * 8.0) as i32, 16))
}

pub(super) fn figure<DB: DrawingBackend>(backend: DB, fig: &Figure) -> Result<(), String> {
    if !register_font() {
        return Err("the built-in font could not be loaded".into());
    }
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let margin = 18;
    let title = style(26.0, TEXT);
    root.draw(&Text::new(
        fig.title.clone(),
        (margin, margin),
        title.clone(),
    ))
    .map_err(e)?;
    let mut top = margin + text_size(&root, &fig.title, &title).1 + 10;
    if let Some(sub) = &fig.subtitle {
        let st = style(16.0, AXIS);
        root.draw(&Text::new(sub.clone(), (margin, top), st.clone()))
            .map_err(e)?;
        top += text_size(&root, sub, &st).1 + 10;
    }
    let note_h = if fig.note.is_some() { 26 } else { 0 };
    let legend_style = style(15.0, TEXT);
    let legend_w = fig
        .legend
        .iter()
        .map(|l| text_size(&root, &l.label, &legend_style).0 + 40)
        .max()
        .unwrap_or(0);
    let legend_w = if legend_w > 0 { legend_w + 16 } else { 0 };
    let px = margin;
    let pw = w - 2 * margin - legend_w;
    let ph = h - top - margin - note_h;
    // Legend, right of the panels.
    let mut ly = top + 4;
    let lx = w - margin - legend_w + 16;
    for entry in &fig.legend {
        let cy = ly + 10;
        match entry.swatch {
            Swatch::Box => {
                root.draw(&Rectangle::new(
                    [(lx, cy - 7), (lx + 22, cy + 7)],
                    entry.color.filled(),
                ))
                .map_err(e)?;
            }
            Swatch::Line { dashed } => {
                if dashed {
                    for s in (0..22).step_by(8) {
                        root.draw(&PathElement::new(
                            vec![(lx + s, cy), (lx + (s + 5).min(22), cy)],
                            entry.color.stroke_width(3),
                        ))
                        .map_err(e)?;
                    }
                } else {
                    root.draw(&PathElement::new(
                        vec![(lx, cy), (lx + 22, cy)],
                        entry.color.stroke_width(3),
                    ))
                    .map_err(e)?;
                }
            }
            Swatch::Point => {
                root.draw(&Circle::new((lx + 11, cy), 5, entry.color.filled()))
                    .map_err(e)?;
            }
            Swatch::Heading => {}
        }
        let (tx, st) = if entry.swatch == Swatch::Heading {
            if ly > top + 4 {
                ly += 8;
            }
            (lx, style(15.0, AXIS))
        } else {
            (lx + 30, legend_style.clone())
        };
        root.draw(&Text::new(
            entry.label.clone(),
            (tx, ly + 10),
            st.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        ly += 24;
    }
    // Panels.
    let total: f64 = fig
        .panels
        .iter()
        .map(|p| p.weight.max(0.1))
        .sum::<f64>()
        .max(0.1);
    let mut offset = 0.0;
    // Stacked panels share their plots' left edge, so that time axes line up.
    let min_left = match fig.layout {
        Layout::Rows => fig
            .panels
            .iter()
            .map(|p| left_margin(&root, p))
            .max()
            .unwrap_or(0),
        Layout::Columns => 0,
    };
    for p in &fig.panels {
        let share = p.weight.max(0.1) / total;
        let rect = match fig.layout {
            Layout::Rows => (
                px,
                top + (offset * ph as f64) as i32,
                pw,
                (share * ph as f64) as i32,
            ),
            Layout::Columns => (
                px + (offset * pw as f64) as i32,
                top,
                (share * pw as f64) as i32,
                ph,
            ),
        };
        offset += share;
        panel(&root, p, rect, min_left)?;
    }
    if let Some(note) = &fig.note {
        root.draw(&Text::new(
            note.clone(),
            (margin, h - margin - 14),
            style(14.0, GREY),
        ))
        .map_err(e)?;
    }
    root.present().map_err(e)?;
    Ok(())
}

/// A value on an axis in drawing space (log10 on log axes; `None` where it cannot be drawn).
fn to_axis(a: &Axis, v: f64) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    match a.scale {
        Scale::Linear => Some(v),
        Scale::Log if v > 0.0 => Some(v.log10()),
        Scale::Log => None,
    }
}

/// Every (x, y) a layer needs visible, in data space.
fn extents(layers: &[Layer]) -> (Vec<f64>, Vec<f64>) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for l in layers {
        match l {
            Layer::Bars { bars, .. } => {
                for &(x0, x1, y0, y1) in bars {
                    xs.extend([x0, x1]);
                    ys.extend([y0, y1]);
                }
            }
            Layer::HBars { bars, .. } => {
                for &(y0, y1, x0, x1) in bars {
                    xs.extend([x0, x1]);
                    ys.extend([y0, y1]);
                }
            }
            Layer::Line { points, .. } | Layer::Points { points, .. } => {
                for &(x, y) in points {
                    xs.push(x);
                    ys.push(y);
                }
            }
            Layer::Boxes { boxes, half, .. } => {
                for &(x, lo, _, _, _, hi) in boxes {
                    xs.extend([x - half, x + half]);
                    ys.extend([lo, hi]);
                }
            }
            Layer::Labels { labels, .. } => {
                for (x, y, _) in labels {
                    xs.push(*x);
                    ys.push(*y);
                }
            }
        }
    }
    (xs, ys)
}

/// The axis ends in drawing space.
fn axis_range(a: &Axis, values: &[f64]) -> (f64, f64) {
    let t: Vec<f64> = values.iter().filter_map(|&v| to_axis(a, v)).collect();
    let lo_data = t.iter().copied().fold(f64::INFINITY, f64::min);
    let hi_data = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo_data, hi_data) = if lo_data.is_finite() {
        (lo_data, hi_data)
    } else {
        (0.0, 1.0)
    };
    let (mut lo, mut hi) = match a.scale {
        Scale::Linear => {
            let span = (hi_data - lo_data).abs().max(1e-9);
            let lo = a.min.unwrap_or(lo_data - span * 0.04);
            let hi = a.max.unwrap_or(hi_data + span * 0.06);
            (lo, hi)
        }
        Scale::Log => {
            // Whole decades unless that leaves much of a decade empty.
            let lo = if lo_data - lo_data.floor() > 0.5 {
                lo_data - 0.1
            } else {
                lo_data.floor()
            };
            let hi = if hi_data.ceil() - hi_data > 0.5 {
                hi_data + 0.1
            } else {
                hi_data.ceil()
            };
            (
                a.min.and_then(|m| to_axis(a, m)).unwrap_or(lo),
                a.max.and_then(|m| to_axis(a, m)).unwrap_or(hi),
            )
        }
    };
    if hi <= lo {
        hi = lo + 1.0;
        if a.scale == Scale::Linear && a.min.is_none() {
            lo -= 0.5;
            hi -= 0.5;
        }
    }
    (lo, hi)
}

/// Round tick positions between `lo` and `hi`, about `target` of them.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| (hi - lo) / s <= target as f64)
        .unwrap_or(mag * 10.0);
    let first = (lo / step).ceil() as i64;
    let mut out = Vec::new();
    let mut k = first;
    loop {
        // Multiplying (not adding) keeps 0.6 from becoming 0.6000000000000001.
        let v = ((k as f64 * step) * 1e9).round() / 1e9;
        if v > hi + step * 1e-9 {
            break;
        }
        out.push(if v == 0.0 { 0.0 } else { v });
        k += 1;
    }
    out
}

/// A number as a tick label: 1.5k, 2M, 0.25, 40.
pub(crate) fn compact(v: f64) -> String {
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e9 {
        trim(format!("{:.1}", v / 1e9)) + "B"
    } else if a >= 1e6 {
        trim(format!("{:.1}", v / 1e6)) + "M"
    } else if a >= 1e4 {
        trim(format!("{:.1}", v / 1e3)) + "k"
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(format!("{v:.1}"))
    } else {
        trim(format!("{v:.3}"))
    }
}

/// Tick positions (drawing space) and labels.
fn ticks(a: &Axis, lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    match &a.ticks {
        Ticks::At(list) => list
            .iter()
            .filter_map(|(v, l)| to_axis(a, *v).map(|t| (t, l.clone())))
            .filter(|(t, _)| *t >= lo - 1e-9 && *t <= hi + 1e-9)
            .collect(),
        Ticks::Auto => match a.scale {
            Scale::Linear => nice_ticks(lo, hi, target)
                .into_iter()
                .map(|v| {
                    let label = match a.format {
                        Format::Percent => format!("{}%", compact(v * 100.0)),
                        Format::Number => compact(v),
                    };
                    (v, label)
                })
                .collect(),
            Scale::Log => {
                let (e0, e1) = (lo.ceil() as i32, hi.floor() as i32);
                let mut out = Vec::new();
                let dense = hi - lo <= 2.5;
                for e in (lo.floor() as i32)..=(hi.ceil() as i32) {
                    let base = 10f64.powi(e);
                    let mults: &[f64] = if dense { &[1.0, 2.0, 5.0] } else { &[1.0] };
                    for m in mults {
                        let v = base * m;
                        let t = v.log10();
                        if t >= lo - 1e-9 && t <= hi + 1e-9 {
                            out.push((t, compact(v)));
                        }
                    }
                }
                let _ = (e0, e1);
                out
            }
        },
    }
}

/// The left margin a panel needs for its y tick labels and axis label.
fn left_margin<DB: DrawingBackend>(root: &Area<DB>, p: &Panel) -> i32 {
    let tick_style = style(15.0, TEXT);
    let (_, ys) = extents(&p.layers);
    let (ylo, yhi) = axis_range(&p.y, &ys);
    let ytick_w = ticks(&p.y, ylo, yhi, 6)
        .iter()
        .map(|(_, l)| text_size(root, l, &tick_style).0)
        .max()
        .unwrap_or(0);
    let ylabel_h = if p.y.label.is_empty() { 0 } else { 22 };
    ylabel_h + 10 + ytick_w + 8
}

/// Draws one panel in `rect`; `min_left` aligns the plots of stacked panels.
fn panel<DB: DrawingBackend>(
    root: &Area<DB>,
    p: &Panel,
    rect: (i32, i32, i32, i32),
    min_left: i32,
) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let (x, y, w, h) = rect;
    let tick_style = style(15.0, TEXT);
    let label_style = style(17.0, TEXT);
    let (xs, ys) = extents(&p.layers);
    let mut xs = xs;
    xs.extend(p.markers.iter().map(|m| m.x));
    let (xlo, xhi) = axis_range(&p.x, &xs);
    let (ylo, yhi) = axis_range(&p.y, &ys);
    let yticks = ticks(&p.y, ylo, yhi, 6);
    let ytick_w = yticks
        .iter()
        .map(|(_, l)| text_size(root, l, &tick_style).0)
        .max()
        .unwrap_or(0);
    let title_h = if p.title.is_some() { 28 } else { 4 };
    let marker_h = if p.markers.iter().all(|m| m.tag.is_empty()) {
        0
    } else {
        44
    };
    let ylabel_h = if p.y.label.is_empty() { 0 } else { 22 };
    let xlabel_h = if p.x.label.is_empty() { 0 } else { 24 };
    let left = (ylabel_h + 10 + ytick_w + 8).max(min_left);
    // Category labels that would not fit side by side take two rows.
    let xticks_pre = ticks(&p.x, xlo, xhi, 10);
    let label_w: i32 = xticks_pre
        .iter()
        .map(|(_, l)| text_size(root, l, &tick_style).0 + 10)
        .sum();
    let two_rows =
        matches!(p.x.ticks, Ticks::At(_)) && label_w as f64 > 0.92 * (w - left - 14) as f64;
    let bottom = 8 + 18 + 6 + xlabel_h + 8 + if two_rows { 20 } else { 0 };
    let top = title_h + marker_h + 4;
    let right = 14;
    let (pw, ph) = (w - left - right, h - top - bottom);
    if pw < 20 || ph < 20 {
        return Err(format!("panel too small ({pw}x{ph} pixels)"));
    }
    if let Some(t) = &p.title {
        root.draw(&Text::new(t.clone(), (x + left, y + 2), style(18.0, TEXT)))
            .map_err(e)?;
    }
    let area = root.clone().shrink(
        ((x + left) as u32, (y + top) as u32),
        (pw as u32, ph as u32),
    );
    let mut chart = ChartBuilder::on(&area)
        .build_cartesian_2d(xlo..xhi, ylo..yhi)
        .map_err(|x| x.to_string())?;
    let xticks = ticks(&p.x, xlo, xhi, 10);
    // Grid.
    if p.y.grid {
        for (t, _) in &yticks {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(xlo, *t), (xhi, *t)],
                    GRID.stroke_width(1),
                )))
                .map_err(|x| x.to_string())?;
        }
    }
    if p.x.grid {
        for (t, _) in &xticks {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*t, ylo), (*t, yhi)],
                    GRID.stroke_width(1),
                )))
                .map_err(|x| x.to_string())?;
        }
    }
    let clamp_y = |v: f64| -> f64 {
        match to_axis(&p.y, v) {
            Some(t) => t.clamp(ylo, yhi),
            None => ylo,
        }
    };
    let clamp_x = |v: f64| -> f64 {
        match to_axis(&p.x, v) {
            Some(t) => t.clamp(xlo, xhi),
            None => xlo,
        }
    };
    let de = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    for layer in &p.layers {
        match layer {
            Layer::Bars { color, bars } => {
                chart
                    .draw_series(
                        bars.iter()
                            .filter(|b| b.3 > b.2 || p.y.scale == Scale::Linear)
                            .map(|&(x0, x1, y0, y1)| {
                                Rectangle::new(
                                    [(clamp_x(x0), clamp_y(y0)), (clamp_x(x1), clamp_y(y1))],
                                    color.filled(),
                                )
                            }),
                    )
                    .map_err(de)?;
            }
            Layer::HBars { color, bars } => {
                chart
                    .draw_series(bars.iter().map(|&(y0, y1, x0, x1)| {
                        Rectangle::new(
                            [(clamp_x(x0), clamp_y(y0)), (clamp_x(x1), clamp_y(y1))],
                            color.filled(),
                        )
                    }))
                    .map_err(de)?;
            }
            Layer::Line {
                color,
                points,
                width,
                dashed,
                markers,
            } => {
                let pts: Vec<(f64, f64)> = points
                    .iter()
                    .filter_map(|&(a, b)| Some((to_axis(&p.x, a)?, to_axis(&p.y, b)?)))
                    .collect();
                let st = color.stroke_width(*width);
                if *dashed {
                    chart
                        .draw_series(DashedLineSeries::new(pts.clone(), 8, 5, st))
                        .map_err(de)?;
                } else {
                    chart
                        .draw_series(LineSeries::new(pts.clone(), st))
                        .map_err(de)?;
                }
                if *markers {
                    chart
                        .draw_series(pts.iter().map(|&pt| Circle::new(pt, 4, color.filled())))
                        .map_err(de)?;
                }
            }
            Layer::Points {
                color,
                points,
                size,
                opacity,
            } => {
                chart
                    .draw_series(
                        points
                            .iter()
                            .filter_map(|&(a, b)| Some((to_axis(&p.x, a)?, to_axis(&p.y, b)?)))
                            .map(|pt| Circle::new(pt, *size, color.mix(*opacity).filled())),
                    )
                    .map_err(de)?;
            }
            Layer::Boxes { color, boxes, half } => {
                for &(cx, lo, q1, med, q3, hi) in boxes {
                    let (l, r) = (cx - half, cx + half);
                    let (lo, q1, med, q3, hi) = (
                        clamp_y(lo),
                        clamp_y(q1),
                        clamp_y(med),
                        clamp_y(q3),
                        clamp_y(hi),
                    );
                    let cap = half * 0.5;
                    chart
                        .draw_series([
                            PathElement::new(vec![(cx, lo), (cx, q1)], color.stroke_width(2)),
                            PathElement::new(vec![(cx, q3), (cx, hi)], color.stroke_width(2)),
                            PathElement::new(
                                vec![(cx - cap, lo), (cx + cap, lo)],
                                color.stroke_width(2),
                            ),
                            PathElement::new(
                                vec![(cx - cap, hi), (cx + cap, hi)],
                                color.stroke_width(2),
                            ),
                        ])
                        .map_err(de)?;
                    chart
                        .draw_series([
                            Rectangle::new([(l, q1), (r, q3)], color.mix(0.35).filled()),
                            Rectangle::new([(l, q1), (r, q3)], color.stroke_width(2)),
                        ])
                        .map_err(de)?;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(l, med), (r, med)],
                            BLACK.stroke_width(3),
                        )))
                        .map_err(de)?;
                }
            }
            Layer::Labels {
                color,
                labels,
                anchor,
            } => {
                let (pos, dx, dy) = match anchor {
                    Anchor::Above => (Pos::new(HPos::Center, VPos::Bottom), 0, -4),
                    Anchor::Right => (Pos::new(HPos::Left, VPos::Center), 6, 0),
                };
                let st = style(14.0, *color).pos(pos);
                for (a, b, s) in labels {
                    let (Some(tx), Some(ty)) = (to_axis(&p.x, *a), to_axis(&p.y, *b)) else {
                        continue;
                    };
                    let (bx, by) = chart.backend_coord(&(tx.clamp(xlo, xhi), ty.clamp(ylo, yhi)));
                    root.draw(&Text::new(s.clone(), (bx + dx, by + dy), st.clone()))
                        .map_err(e)?;
                }
            }
        }
    }
    // Markers: dashed lines, tags staggered above the plot so that none overlap.
    let mut rows: Vec<i32> = vec![i32::MIN; 2];
    for m in &p.markers {
        let Some(t) = to_axis(&p.x, m.x) else {
            continue;
        };
        chart
            .draw_series(DashedLineSeries::new(
                vec![(t, ylo), (t, yhi)],
                6,
                4,
                MARKER.stroke_width(2),
            ))
            .map_err(de)?;
        if m.tag.is_empty() {
            continue;
        }
        let (bx, by) = chart.backend_coord(&(t, yhi));
        let tag_style = style(14.0, TEXT);
        let tw = text_size(root, &m.tag, &tag_style).0;
        let row = rows
            .iter()
            .position(|&r| bx - tw / 2 > r + 6)
            .unwrap_or(rows.len() - 1);
        rows[row] = bx + tw / 2;
        let ty = by - 8 - (rows.len() - 1 - row) as i32 * 20;
        root.draw(&PathElement::new(
            vec![(bx, by), (bx, ty)],
            MARKER.stroke_width(1),
        ))
        .map_err(e)?;
        root.draw(&Text::new(
            m.tag.clone(),
            (bx, ty - 1),
            tag_style.pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(e)?;
    }
    // Frame.
    let (fx0, fy0) = chart.backend_coord(&(xlo, yhi));
    let (fx1, fy1) = chart.backend_coord(&(xhi, ylo));
    root.draw(&PathElement::new(
        vec![(fx0, fy0), (fx0, fy1), (fx1, fy1)],
        AXIS.stroke_width(1),
    ))
    .map_err(e)?;
    // Y ticks and labels.
    for (t, l) in &yticks {
        let (_, py) = chart.backend_coord(&(xlo, *t));
        root.draw(&PathElement::new(
            vec![(fx0 - 5, py), (fx0, py)],
            AXIS.stroke_width(1),
        ))
        .map_err(e)?;
        root.draw(&Text::new(
            l.clone(),
            (fx0 - 8, py),
            tick_style.pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(e)?;
    }
    // X ticks and labels: a label that would overlap goes to a second row, or is left out
    // when that row is taken too.
    let mut rows_right = [i32::MIN; 2];
    for (t, l) in &xticks {
        let (px, _) = chart.backend_coord(&(*t, ylo));
        let tw = text_size(root, l, &tick_style).0;
        root.draw(&PathElement::new(
            vec![(px, fy1), (px, fy1 + 5)],
            AXIS.stroke_width(1),
        ))
        .map_err(e)?;
        let left_edge = (px - tw / 2).max(x);
        let rows_allowed = if two_rows { 2 } else { 1 };
        let Some(row) = (0..rows_allowed).find(|&r| left_edge > rows_right[r] + 8) else {
            continue;
        };
        rows_right[row] = left_edge + tw;
        if row == 1 {
            root.draw(&PathElement::new(
                vec![(px, fy1 + 6), (px, fy1 + 26)],
                GRID.stroke_width(1),
            ))
            .map_err(e)?;
        }
        root.draw(&Text::new(
            l.clone(),
            (left_edge, fy1 + 8 + row as i32 * 20),
            tick_style.pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(e)?;
    }
    // Axis labels.
    if !p.x.label.is_empty() {
        root.draw(&Text::new(
            p.x.label.clone(),
            (
                (fx0 + fx1) / 2,
                fy1 + 8 + 18 + 8 + if two_rows { 20 } else { 0 },
            ),
            label_style.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
    }
    if !p.y.label.is_empty() {
        root.draw(&Text::new(
            p.y.label.clone(),
            (x + 2, (fy0 + fy1) / 2),
            label_style
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.0, 0.95, 5), [0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(compact(2_000_000.0), "2M");
        assert_eq!(compact(15000.0), "15k");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(40.0), "40");
    }
}
