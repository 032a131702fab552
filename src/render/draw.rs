//! Drawing a [`Figure`] on an SVG [`Canvas`]: title, panels with hand-made axes, a legend
//! column, a note line. Every text box is placed so that it meets no other and stays on
//! the canvas: labels that would collide move (release tags to another row, bar values
//! up or aside) or, where no place is free, are left out and counted.

use super::palette::{AXIS, GREY, GRID, MARKER, TEXT, WHITE};
use super::svg::{measure, Canvas, HPos, TextBox, VPos};
use super::{Anchor, Axis, Figure, Format, Layer, Layout, Panel, Scale, Swatch, Ticks};

/// Font sizes are given as in the figure model's units; drawn at this share (the chart
/// proportions the figures were designed with).
const SIZE: f64 = 1.0 / 1.24;

fn fs(size: f64) -> f64 {
    size * SIZE
}

/// `text` broken into lines no wider than `max_w` at `size`.
fn wrap(text: &str, size: f64, max_w: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let trial = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if measure(&trial, size).0 > max_w && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        } else {
            cur = trial;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Draws `fig`; the canvas holds the SVG and every text box. Labels left out where they
/// would overlap are counted in the note; saying so can take a line, which changes what
/// fits, so the figure is drawn again until the count it states is the count it left out.
pub(super) fn figure(fig: &Figure) -> Result<Canvas, String> {
    let mut c = draw(fig, fig.note.as_deref())?;
    let mut stated = 0;
    for _ in 0..4 {
        if c.left_out == stated {
            break;
        }
        stated = c.left_out;
        let said = left_out_note(fig.note.as_deref(), stated);
        c = draw(fig, said.as_deref())?;
    }
    Ok(c)
}

/// The note with the count of labels left out added (none: the note as it is).
fn left_out_note(note: Option<&str>, left_out: usize) -> Option<String> {
    if left_out == 0 {
        return note.map(str::to_string);
    }
    let said = format!(
        "{left_out} label{} left out where {} would overlap (every value is in the table)",
        if left_out == 1 { "" } else { "s" },
        if left_out == 1 { "it" } else { "they" }
    );
    Some(match note {
        Some(n) => format!("{n}; {said}"),
        None => said,
    })
}

fn draw(fig: &Figure, note: Option<&str>) -> Result<Canvas, String> {
    let mut c = Canvas::new(fig.width, fig.height);
    let (w, h) = (fig.width as f64, fig.height as f64);
    let margin = 18.0;
    let title = c.text(
        &fig.title,
        margin,
        margin,
        fs(26.0),
        TEXT,
        HPos::Left,
        VPos::Top,
    );
    let mut top = title.y1 + 10.0;
    if let Some(sub) = &fig.subtitle {
        for line in wrap(sub, fs(16.0), w - 2.0 * margin) {
            let b = c.text(&line, margin, top, fs(16.0), AXIS, HPos::Left, VPos::Top);
            top = b.y1 + 3.0;
        }
        top += 7.0;
    }
    let note_lines = note.map_or(Vec::new(), |n| wrap(n, fs(14.0), w - 2.0 * margin));
    let line_h = measure("Ag", fs(14.0)).1 + 2.0;
    let note_h = if note_lines.is_empty() {
        0.0
    } else {
        note_lines.len() as f64 * line_h + 8.0
    };
    let legend_w = fig
        .legend
        .iter()
        .map(|l| measure(&l.label, fs(15.0)).0 + 40.0)
        .fold(0.0, f64::max);
    let legend_w = if legend_w > 0.0 { legend_w + 16.0 } else { 0.0 };
    let px = margin;
    let pw = w - 2.0 * margin - legend_w;
    let ph = h - top - margin - note_h;
    // Legend, right of the panels.
    let mut ly = top + 4.0;
    let lx = w - margin - legend_w + 16.0;
    for entry in &fig.legend {
        let cy = ly + 10.0;
        match entry.swatch {
            Swatch::Box => c.rect(lx, cy - 7.0, lx + 22.0, cy + 7.0, entry.color, 1.0),
            Swatch::Line { dashed } => c.line(
                &[(lx, cy), (lx + 22.0, cy)],
                entry.color,
                3.0,
                dashed.then_some((5.0, 3.0)),
            ),
            Swatch::Point => c.circle(lx + 11.0, cy, 5.0, entry.color, 1.0),
            Swatch::Hatched => {
                c.rect(lx, cy - 7.0, lx + 22.0, cy + 7.0, GREY, 1.0);
                c.hatch(lx, cy - 7.0, lx + 22.0, cy + 7.0, WHITE);
            }
            Swatch::Heading => {}
        }
        let (tx, color) = if entry.swatch == Swatch::Heading {
            if ly > top + 4.0 {
                ly += 8.0;
            }
            (lx, AXIS)
        } else {
            (lx + 30.0, TEXT)
        };
        c.text(
            &entry.label,
            tx,
            ly + 10.0,
            fs(15.0),
            color,
            HPos::Left,
            VPos::Center,
        );
        ly += 24.0;
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
        Layout::Rows => fig.panels.iter().map(left_margin).fold(0.0, f64::max),
        Layout::Columns => 0.0,
    };
    for p in &fig.panels {
        let share = p.weight.max(0.1) / total;
        let rect = match fig.layout {
            Layout::Rows => (px, top + offset * ph, pw, share * ph),
            Layout::Columns => (px + offset * pw, top, share * pw, ph),
        };
        offset += share;
        panel(&mut c, p, rect, min_left)?;
    }
    let mut ny = h - margin - note_lines.len() as f64 * line_h;
    for line in &note_lines {
        c.text(line, margin, ny, fs(14.0), GREY, HPos::Left, VPos::Top);
        ny += line_h;
    }
    Ok(c)
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
    } else if a == 0.0 {
        "0".to_string()
    } else if a >= 100.0 {
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
fn left_margin(p: &Panel) -> f64 {
    let (_, ys) = extents(&p.layers);
    let (ylo, yhi) = axis_range(&p.y, &ys);
    let ytick_w = ticks(&p.y, ylo, yhi, 6)
        .iter()
        .map(|(_, l)| measure(l, fs(15.0)).0)
        .fold(0.0, f64::max);
    let ylabel_h = if p.y.label.is_empty() { 0.0 } else { 22.0 };
    ylabel_h + 10.0 + ytick_w + 8.0
}

/// Places marker tags in rows above a plot, left to right: a tag takes the lowest row
/// where it meets no other tag and covers no line running up to a tag in a higher row,
/// and where no tag in a lower row covers its own line. Returns each tag's row.
fn marker_rows(tags: &[(f64, f64)]) -> Vec<usize> {
    // (centre x, width) in drawing order; rows[i] = row of tag i.
    let mut rows: Vec<usize> = Vec::with_capacity(tags.len());
    for (i, &(x, w)) in tags.iter().enumerate() {
        let (l, r) = (x - w / 2.0 - 4.0, x + w / 2.0 + 4.0);
        let row = (0..8)
            .find(|&row| {
                (0..i).all(|j| {
                    let (xj, wj) = tags[j];
                    let (lj, rj) = (xj - wj / 2.0 - 4.0, xj + wj / 2.0 + 4.0);
                    let same = rows[j] == row && l < rj && lj < r;
                    // Its line runs through tags in rows below it.
                    let crosses_below = rows[j] < row && x > lj && x < rj;
                    // This tag would sit on the line of a tag higher up.
                    let covers_line = rows[j] > row && xj > l && xj < r;
                    !(same || crosses_below || covers_line)
                })
            })
            .unwrap_or(0);
        rows.push(row);
    }
    rows
}

/// Draws one panel in `rect`; `min_left` aligns the plots of stacked panels.
fn panel(
    c: &mut Canvas,
    p: &Panel,
    rect: (f64, f64, f64, f64),
    min_left: f64,
) -> Result<(), String> {
    let (x, y, w, h) = rect;
    let tick = fs(15.0);
    let label_size = fs(17.0);
    let (xs, ys) = extents(&p.layers);
    let mut xs = xs;
    xs.extend(p.markers.iter().map(|m| m.x));
    let (xlo, mut xhi) = axis_range(&p.x, &xs);
    let (ylo, mut yhi) = axis_range(&p.y, &ys);
    let title_h = if p.title.is_some() { 28.0 } else { 4.0 };
    let ylabel_h = if p.y.label.is_empty() { 0.0 } else { 22.0 };
    let xlabel_h = if p.x.label.is_empty() { 0.0 } else { 24.0 };
    let ytick_w = ticks(&p.y, ylo, yhi, 6)
        .iter()
        .map(|(_, l)| measure(l, tick).0)
        .fold(0.0, f64::max);
    let left = (ylabel_h + 10.0 + ytick_w + 8.0).max(min_left);
    let right = 14.0;
    let pw = w - left - right;
    // Category labels that would not fit side by side take two rows.
    let label_w: f64 = ticks(&p.x, xlo, xhi, 10)
        .iter()
        .map(|(_, l)| measure(l, tick).0 + 10.0)
        .sum();
    let two_rows = matches!(p.x.ticks, Ticks::At(_)) && label_w > 0.92 * pw;
    // Marker tags: rows decided before the plot's height is known (x does not depend on it).
    let tag_size = fs(14.0);
    let to_px_x = |t: f64, xhi: f64| x + left + (t - xlo) / (xhi - xlo) * pw;
    // Markers at (nearly) the same place share one tag.
    let mut tagged: Vec<(f64, String)> = Vec::new();
    for m in p.markers.iter().filter(|m| !m.tag.is_empty()) {
        let Some(t) = to_axis(&p.x, m.x) else {
            continue;
        };
        match tagged.last_mut() {
            Some((t0, tag)) if (to_px_x(t, xhi) - to_px_x(*t0, xhi)).abs() < 3.0 => {
                tag.push_str(" / ");
                tag.push_str(&m.tag);
            }
            _ => tagged.push((t, m.tag.clone())),
        }
    }
    let tag_h = measure("Ag", tag_size).1;
    let tag_rows = marker_rows(
        &tagged
            .iter()
            .map(|(t, s)| (to_px_x(*t, xhi), measure(s, tag_size).0))
            .collect::<Vec<_>>(),
    );
    let n_rows = tag_rows.iter().map(|r| r + 1).max().unwrap_or(0);
    let marker_h = if n_rows == 0 {
        0.0
    } else {
        8.0 + n_rows as f64 * (tag_h + 4.0)
    };
    let bottom = 8.0 + 18.0 + 6.0 + xlabel_h + 8.0 + if two_rows { 20.0 } else { 0.0 };
    let top = title_h + marker_h + 4.0;
    let ph = h - top - bottom;
    if pw < 20.0 || ph < 20.0 {
        return Err(format!("panel too small ({pw:.0}x{ph:.0} pixels)"));
    }
    // Room for value labels: the axis grows until every label fits inside the plot.
    for layer in &p.layers {
        if let Layer::Labels { labels, anchor, .. } = layer {
            for (a, b, s) in labels {
                let (lw, lh) = measure(s, fs(14.0));
                match anchor {
                    Anchor::Right => {
                        if let Some(t) = to_axis(&p.x, *a) {
                            let room = pw - 8.0 - lw;
                            if room > 10.0 && t > xlo {
                                xhi = xhi.max(xlo + (t - xlo) * pw / room);
                            }
                        }
                    }
                    Anchor::Above => {
                        if let Some(t) = to_axis(&p.y, *b) {
                            let room = ph - 6.0 - lh;
                            if room > 10.0 && t > ylo {
                                yhi = yhi.max(ylo + (t - ylo) * ph / room);
                            }
                        }
                    }
                }
            }
        }
    }
    let (x0, y0) = (x + left, y + top);
    let (x1, y1) = (x0 + pw, y0 + ph);
    let mx = |t: f64| x0 + (t - xlo) / (xhi - xlo) * pw;
    let my = |t: f64| y1 - (t - ylo) / (yhi - ylo) * ph;
    let yticks = ticks(&p.y, ylo, yhi, 6);
    let xticks = ticks(&p.x, xlo, xhi, 10);
    if let Some(t) = &p.title {
        c.text(t, x0, y + 2.0, fs(18.0), TEXT, HPos::Left, VPos::Top);
    }
    // Grid.
    if p.y.grid {
        for (t, _) in &yticks {
            c.line(&[(x0, my(*t)), (x1, my(*t))], GRID, 1.0, None);
        }
    }
    if p.x.grid {
        for (t, _) in &xticks {
            c.line(&[(mx(*t), y0), (mx(*t), y1)], GRID, 1.0, None);
        }
    }
    let cy = |v: f64| -> f64 {
        match to_axis(&p.y, v) {
            Some(t) => my(t.clamp(ylo, yhi)),
            None => y1,
        }
    };
    let cx = |v: f64| -> f64 {
        match to_axis(&p.x, v) {
            Some(t) => mx(t.clamp(xlo, xhi)),
            None => x0,
        }
    };
    let pt = |a: f64, b: f64| -> Option<(f64, f64)> {
        Some((mx(to_axis(&p.x, a)?), my(to_axis(&p.y, b)?)))
    };
    c.begin_clip(x0, y0 - 6.0, x1 + 6.0, y1 + 6.0);
    for layer in &p.layers {
        match layer {
            Layer::Bars { color, bars } => {
                for &(bx0, bx1, by0, by1) in bars {
                    if by1 > by0 || p.y.scale == Scale::Linear {
                        c.rect(cx(bx0), cy(by0), cx(bx1), cy(by1), *color, 1.0);
                    }
                }
            }
            Layer::HBars { color, bars } => {
                for &(by0, by1, bx0, bx1) in bars {
                    c.rect(cx(bx0), cy(by0), cx(bx1), cy(by1), *color, 1.0);
                }
            }
            Layer::Line {
                color,
                points,
                width,
                dashed,
                markers,
            } => {
                let pts: Vec<(f64, f64)> = points.iter().filter_map(|&(a, b)| pt(a, b)).collect();
                c.line(&pts, *color, *width as f64, dashed.then_some((8.0, 5.0)));
                if *markers {
                    for &(a, b) in &pts {
                        c.circle(a, b, 4.0, *color, 1.0);
                    }
                }
            }
            Layer::Points {
                color,
                points,
                size,
                opacity,
            } => {
                for &(a, b) in points {
                    if let Some((a, b)) = pt(a, b) {
                        c.circle(a, b, *size as f64, *color, *opacity);
                    }
                }
            }
            Layer::Boxes { color, boxes, half } => {
                for &(bx, lo, q1, med, q3, hi) in boxes {
                    let (l, r, m) = (cx(bx - half), cx(bx + half), cx(bx));
                    let cap = (r - l) * 0.25;
                    let (lo, q1, med, q3, hi) = (cy(lo), cy(q1), cy(med), cy(q3), cy(hi));
                    c.line(&[(m, lo), (m, q1)], *color, 2.0, None);
                    c.line(&[(m, q3), (m, hi)], *color, 2.0, None);
                    c.line(&[(m - cap, lo), (m + cap, lo)], *color, 2.0, None);
                    c.line(&[(m - cap, hi), (m + cap, hi)], *color, 2.0, None);
                    c.rect(l, q1, r, q3, *color, 0.35);
                    c.frame(l, q1, r, q3, *color, 2.0);
                    c.line(&[(l, med), (r, med)], TEXT, 3.0, None);
                }
            }
            Layer::Labels { .. } => {}
        }
    }
    // Periods too small to read a share from: white stripes over their bars, which keep
    // their colours (a pale category, such as "unknown", stays visible).
    for &(fx0, fx1) in &p.faded {
        c.hatch(cx(fx0), y0, cx(fx1), y1, WHITE);
    }
    // Markers: dashed lines through the plot.
    for m in &p.markers {
        if let Some(t) = to_axis(&p.x, m.x) {
            c.line(&[(mx(t), y0), (mx(t), y1)], MARKER, 2.0, Some((6.0, 4.0)));
        }
    }
    c.end_clip();
    // Marker tags in their rows, each joined to its line.
    for ((t, tag), row) in tagged.iter().zip(&tag_rows) {
        let bx = mx(*t);
        let ty = y0 - 8.0 - *row as f64 * (tag_h + 4.0);
        c.line(&[(bx, y0), (bx, ty)], MARKER, 1.0, None);
        let mut b = c.text_box(tag, bx, ty - 1.0, tag_size, HPos::Center, VPos::Bottom);
        // Keep tags on the canvas at the panel's edges.
        let shift = (x - b.x0).max(0.0) + (c.width.min(x + w) - b.x1).min(0.0);
        b.x0 += shift;
        b.x1 += shift;
        if c.is_free(&b, 1.0) {
            c.text_at(&b, tag_size, TEXT);
        } else {
            c.left_out += 1;
        }
    }
    // Frame.
    c.line(&[(x0, y0), (x0, y1), (x1, y1)], AXIS, 1.0, None);
    // Y ticks and labels; a label that would meet the one before is left out.
    for (t, l) in &yticks {
        let py = my(*t);
        c.line(&[(x0 - 5.0, py), (x0, py)], AXIS, 1.0, None);
        let b = c.text_box(l, x0 - 8.0, py, tick, HPos::Right, VPos::Center);
        if c.is_free(&b, 1.0) {
            c.text_at(&b, tick, TEXT);
        }
    }
    // X ticks and labels: a label that would overlap goes to a second row, or is left out
    // when that row is taken too.
    for (t, l) in &xticks {
        let px = mx(*t);
        c.line(&[(px, y1), (px, y1 + 5.0)], AXIS, 1.0, None);
        let tw = measure(l, tick).0;
        let left_edge = (px - tw / 2.0).max(x).min(c.width - tw - 1.0);
        let rows_allowed = if two_rows { 2 } else { 1 };
        for row in 0..rows_allowed {
            let b = c.text_box(
                l,
                left_edge,
                y1 + 8.0 + row as f64 * 20.0,
                tick,
                HPos::Left,
                VPos::Top,
            );
            if c.is_free(&b, 4.0) {
                if row == 1 {
                    c.line(&[(px, y1 + 6.0), (px, y1 + 26.0)], GRID, 1.0, None);
                }
                c.text_at(&b, tick, TEXT);
                break;
            }
        }
    }
    // Axis labels.
    if !p.x.label.is_empty() {
        c.text(
            &p.x.label,
            (x0 + x1) / 2.0,
            y1 + 8.0 + 18.0 + 8.0 + if two_rows { 20.0 } else { 0.0 },
            label_size,
            TEXT,
            HPos::Center,
            VPos::Top,
        );
    }
    if !p.y.label.is_empty() {
        c.vertical_text(&p.y.label, x + 2.0, (y0 + y1) / 2.0, label_size, TEXT);
    }
    // Value labels last, placed where they meet nothing drawn: at their point, else moved
    // up (above bars) or right (beside bars) by up to two of their heights, else left out.
    for layer in &p.layers {
        let Layer::Labels {
            color,
            labels,
            anchor,
        } = layer
        else {
            continue;
        };
        let size = fs(14.0);
        for (a, b, s) in labels {
            let (Some(tx), Some(ty)) = (to_axis(&p.x, *a), to_axis(&p.y, *b)) else {
                continue;
            };
            let (bx, by) = (mx(tx.clamp(xlo, xhi)), my(ty.clamp(ylo, yhi)));
            let first = match anchor {
                Anchor::Above => c.text_box(s, bx, by - 4.0, size, HPos::Center, VPos::Bottom),
                Anchor::Right => c.text_box(s, bx + 6.0, by, size, HPos::Left, VPos::Center),
            };
            let lh = first.y1 - first.y0;
            let tries: [(f64, f64); 5] = match anchor {
                Anchor::Above => [
                    (0.0, 0.0),
                    (0.0, -lh),
                    (0.0, -2.0 * lh),
                    (0.0, lh * 0.5),
                    (0.0, -3.0 * lh),
                ],
                Anchor::Right => [
                    (0.0, 0.0),
                    (0.0, -lh * 0.5),
                    (0.0, lh * 0.5),
                    (lh, 0.0),
                    (2.0 * lh, 0.0),
                ],
            };
            let inside = |b: &TextBox| b.x0 >= x && b.x1 <= x + w && b.y0 >= y && b.y1 <= y + h;
            let mut placed = false;
            for (dx, dy) in tries {
                let moved = TextBox {
                    text: first.text.clone(),
                    x0: first.x0 + dx,
                    x1: first.x1 + dx,
                    y0: first.y0 + dy,
                    y1: first.y1 + dy,
                };
                if inside(&moved) && c.is_free(&moved, 1.0) {
                    c.text_at(&moved, size, *color);
                    placed = true;
                    break;
                }
            }
            if !placed {
                c.left_out += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_left_out_are_counted_in_the_note() {
        use crate::render::{Axis, Figure, Layer, Panel};
        // Twenty labels on one spot: a few find a free place nearby, the rest cannot.
        let mut p = Panel::new(
            Axis::new("x").range(0.0, 10.0),
            Axis::new("y").range(0.0, 10.0),
        );
        p.layers.push(Layer::Labels {
            color: TEXT,
            labels: (0..20).map(|i| (5.0, 5.0, format!("label {i}"))).collect(),
            anchor: Anchor::Above,
        });
        let mut fig = Figure::new("crowded");
        fig.note = Some("a note".into());
        fig.panels.push(p);
        let c = figure(&fig).unwrap();
        let drawn = c
            .boxes
            .iter()
            .filter(|b| b.text.starts_with("label "))
            .count();
        assert!(drawn > 0 && drawn < 20, "{drawn} drawn");
        assert_eq!(drawn + c.left_out, 20);
        let text: Vec<&str> = c.boxes.iter().map(|b| b.text.as_str()).collect();
        let note = text.join(" ");
        assert!(
            note.contains(&format!(
                "a note; {} labels left out where they would overlap",
                c.left_out
            )),
            "{note}"
        );
        // Nothing left out: the note is as given.
        let mut calm = fig.clone();
        calm.panels[0].layers = vec![Layer::Labels {
            color: TEXT,
            labels: vec![(5.0, 5.0, "alone".into())],
            anchor: Anchor::Above,
        }];
        let c = figure(&calm).unwrap();
        assert_eq!(c.left_out, 0);
        assert!(!c.boxes.iter().any(|b| b.text.contains("left out")));
    }

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
