//! The SVG canvas every chart is drawn on: rectangles, lines, circles and text, written as
//! one SVG document. Text is measured with the shipped font (the same one the PNG
//! rasteriser loads), and every text box drawn is recorded, so the layout can keep labels
//! apart and tests can check that no two boxes meet and all lie inside the canvas.

use std::fmt::Write;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};

use super::RGBColor;

/// The shipped font (DejaVu Sans, Bitstream Vera licence in `assets/fonts/`).
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The font family SVGs name: the shipped font first, a generic fallback after.
pub const FAMILY: &str = "DejaVu Sans";

fn font() -> Option<&'static FontRef<'static>> {
    static F: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    F.get_or_init(|| FontRef::try_from_slice(FONT).ok())
        .as_ref()
}

/// Where a text's anchor point sits horizontally on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HPos {
    /// The text starts at the point.
    Left,
    /// The text is centred on the point.
    Center,
    /// The text ends at the point.
    Right,
}

/// Where a text's anchor point sits vertically on the text box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VPos {
    /// The top of the box.
    Top,
    /// The middle of the box.
    Center,
    /// The bottom of the box.
    Bottom,
}

/// The box one text occupies on the canvas, in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// The text.
    pub text: String,
    /// Left edge.
    pub x0: f64,
    /// Top edge.
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Bottom edge.
    pub y1: f64,
}

impl TextBox {
    /// True when the two boxes share more than a hairline of area.
    pub fn intersects(&self, o: &TextBox) -> bool {
        const EPS: f64 = 0.5;
        self.x0 < o.x1 - EPS && o.x0 < self.x1 - EPS && self.y0 < o.y1 - EPS && o.y0 < self.y1 - EPS
    }

    /// True when the box lies inside a `w` x `h` canvas.
    pub fn inside(&self, w: f64, h: f64) -> bool {
        self.x0 >= -0.5 && self.y0 >= -0.5 && self.x1 <= w + 0.5 && self.y1 <= h + 0.5
    }

    fn pad(&self, p: f64) -> TextBox {
        TextBox {
            text: String::new(),
            x0: self.x0 - p,
            y0: self.y0 - p,
            x1: self.x1 + p,
            y1: self.y1 + p,
        }
    }
}

/// Width and height in pixels of `text` at font size `size`.
pub fn measure(text: &str, size: f64) -> (f64, f64) {
    let Some(f) = font() else {
        return (text.chars().count() as f64 * size * 0.6, size * 1.17);
    };
    let upem = f.units_per_em().unwrap_or(2048.0) as f64;
    let scale = size / upem;
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern_unscaled(p, id) as f64;
        }
        w += f.h_advance_unscaled(id) as f64;
        prev = Some(id);
    }
    let h = (f.ascent_unscaled() - f.descent_unscaled()) as f64;
    (w * scale, h * scale)
}

/// The font's ascent as a share of the font size.
fn ascent_share() -> f64 {
    font().map_or(0.93, |f| {
        f.ascent_unscaled() as f64 / f.units_per_em().unwrap_or(2048.0) as f64
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A canvas being drawn: the SVG body so far and every text box placed.
#[derive(Debug)]
pub struct Canvas {
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
    body: String,
    defs: String,
    /// Every text drawn, in drawing order.
    pub boxes: Vec<TextBox>,
    /// Labels (values, release tags) left out because every place for them was taken.
    pub left_out: usize,
    clips: usize,
}

impl Canvas {
    /// An empty white canvas.
    pub fn new(width: u32, height: u32) -> Canvas {
        let mut c = Canvas {
            width: width as f64,
            height: height as f64,
            body: String::new(),
            defs: String::new(),
            boxes: Vec::new(),
            left_out: 0,
            clips: 0,
        };
        c.rect(0.0, 0.0, c.width, c.height, RGBColor(255, 255, 255), 1.0);
        c
    }

    /// A filled rectangle between two corners.
    pub fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, fill: RGBColor, opacity: f64) {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        let _ = writeln!(
            self.body,
            "<rect x=\"{l:.2}\" y=\"{t:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{}\"{}/>",
            r - l,
            b - t,
            hex(fill),
            if opacity < 1.0 {
                format!(" fill-opacity=\"{opacity:.2}\"")
            } else {
                String::new()
            }
        );
    }

    /// A rectangle filled with diagonal hatching over a translucent white wash.
    pub fn hatch(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: RGBColor) {
        if !self.defs.contains("id=\"hatch\"") {
            let _ = write!(
                self.defs,
                "<pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"{}\" stroke-width=\"4\"/></pattern>",
                hex(color)
            );
        }
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        let _ = writeln!(
            self.body,
            "<rect x=\"{l:.2}\" y=\"{t:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"url(#hatch)\"/>",
            r - l,
            b - t
        );
    }

    /// A rectangle outline.
    pub fn frame(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: RGBColor, width: f64) {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        let _ = writeln!(
            self.body,
            "<rect x=\"{l:.2}\" y=\"{t:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"/>",
            r - l,
            b - t,
            hex(color)
        );
    }

    /// A line through `points`; `dash` is `(on, off)` in pixels.
    pub fn line(
        &mut self,
        points: &[(f64, f64)],
        color: RGBColor,
        width: f64,
        dash: Option<(f64, f64)>,
    ) {
        if points.len() < 2 {
            return;
        }
        let mut d = String::new();
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{x:.2} {y:.2}", if i == 0 { "M" } else { " L" });
        }
        let _ = writeln!(
            self.body,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"{}/>",
            hex(color),
            dash.map_or(String::new(), |(a, b)| format!(" stroke-dasharray=\"{a} {b}\""))
        );
    }

    /// A filled circle.
    pub fn circle(&mut self, x: f64, y: f64, r: f64, color: RGBColor, opacity: f64) {
        let _ = writeln!(
            self.body,
            "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{r}\" fill=\"{}\"{}/>",
            hex(color),
            if opacity < 1.0 {
                format!(" fill-opacity=\"{opacity:.2}\"")
            } else {
                String::new()
            }
        );
    }

    /// Starts a group clipped to a rectangle (data layers stay inside their plot).
    pub fn begin_clip(&mut self, x0: f64, y0: f64, x1: f64, y1: f64) {
        self.clips += 1;
        let id = format!("clip{}", self.clips);
        let _ = writeln!(
            self.defs,
            "<clipPath id=\"{id}\"><rect x=\"{x0:.2}\" y=\"{y0:.2}\" width=\"{:.2}\" height=\"{:.2}\"/></clipPath>",
            x1 - x0,
            y1 - y0
        );
        let _ = writeln!(self.body, "<g clip-path=\"url(#{id})\">");
    }

    /// Ends a clipped group.
    pub fn end_clip(&mut self) {
        self.body.push_str("</g>\n");
    }

    /// The box `text` would take at `(x, y)` with this anchor.
    pub fn text_box(&self, text: &str, x: f64, y: f64, size: f64, h: HPos, v: VPos) -> TextBox {
        let (w, th) = measure(text, size);
        let x0 = match h {
            HPos::Left => x,
            HPos::Center => x - w / 2.0,
            HPos::Right => x - w,
        };
        let y0 = match v {
            VPos::Top => y,
            VPos::Center => y - th / 2.0,
            VPos::Bottom => y - th,
        };
        TextBox {
            text: text.to_string(),
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + th,
        }
    }

    /// True when `b` (padded by `pad`) meets no text drawn so far.
    pub fn is_free(&self, b: &TextBox, pad: f64) -> bool {
        let p = b.pad(pad);
        !self.boxes.iter().any(|o| o.intersects(&p))
    }

    /// Draws `text` with its anchor at `(x, y)`; returns its box.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        text: &str,
        x: f64,
        y: f64,
        size: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
    ) -> TextBox {
        let b = self.text_box(text, x, y, size, h, v);
        self.text_at(&b, size, color);
        b
    }

    /// Draws a text whose box was computed by [`Canvas::text_box`] (perhaps moved).
    pub fn text_at(&mut self, b: &TextBox, size: f64, color: RGBColor) {
        if b.text.is_empty() {
            return;
        }
        let baseline = b.y0 + ascent_share() * size;
        let _ = writeln!(
            self.body,
            "<text x=\"{:.2}\" y=\"{baseline:.2}\" font-family=\"{FAMILY}, sans-serif\" font-size=\"{size:.2}\" fill=\"{}\">{}</text>",
            b.x0,
            hex(color),
            esc(&b.text)
        );
        self.boxes.push(b.clone());
    }

    /// Draws `text` turned a quarter anticlockwise, centred on `(x, y_mid)` with its top
    /// (now its left side) at `x`.
    pub fn vertical_text(&mut self, text: &str, x: f64, y_mid: f64, size: f64, color: RGBColor) {
        if text.is_empty() {
            return;
        }
        let (w, th) = measure(text, size);
        let baseline_x = x + ascent_share() * size;
        let start_y = y_mid + w / 2.0;
        let _ = writeln!(
            self.body,
            "<text x=\"{baseline_x:.2}\" y=\"{start_y:.2}\" transform=\"rotate(-90 {baseline_x:.2} {start_y:.2})\" font-family=\"{FAMILY}, sans-serif\" font-size=\"{size:.2}\" fill=\"{}\">{}</text>",
            hex(color),
            esc(text)
        );
        self.boxes.push(TextBox {
            text: text.to_string(),
            x0: x,
            y0: y_mid - w / 2.0,
            x1: x + th,
            y1: y_mid + w / 2.0,
        });
    }

    /// The finished SVG document.
    pub fn finish(self) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<defs>\n{}</defs>\n{}</svg>\n",
            self.defs,
            self.body,
            w = self.width,
            h = self.height
        )
    }
}

/// Rasterises an SVG this module wrote to PNG bytes, with the shipped font and nothing
/// from the machine, so the image is the same everywhere.
pub fn to_png(svg: &str) -> Result<Vec<u8>, String> {
    let mut opt = resvg::usvg::Options {
        font_family: FAMILY.to_string(),
        ..Default::default()
    };
    opt.fontdb_mut().load_font_data(FONT.to_vec());
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("cannot make a {}x{} image", size.width(), size.height()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_with_the_shipped_font() {
        let (w1, h) = measure("Mistral-7B-v0.1", 14.0);
        let (w2, _) = measure("Mistral-7B-v0.1 and more", 14.0);
        assert!(w1 > 80.0 && w1 < 130.0, "{w1}");
        assert!(w2 > w1);
        assert!(h > 14.0 && h < 20.0, "{h}");
        assert_eq!(measure("", 14.0).0, 0.0);
    }

    #[test]
    fn boxes_meet_only_when_they_share_area() {
        let a = TextBox {
            text: "a".into(),
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        let b = TextBox {
            text: "b".into(),
            x0: 10.0,
            y0: 0.0,
            x1: 20.0,
            y1: 10.0,
        };
        let c = TextBox {
            text: "c".into(),
            x0: 5.0,
            y0: 5.0,
            x1: 15.0,
            y1: 15.0,
        };
        assert!(!a.intersects(&b));
        assert!(a.intersects(&c) && c.intersects(&b));
        assert!(a.inside(10.0, 10.0) && !c.inside(10.0, 10.0));
    }

    #[test]
    fn the_png_is_the_svg_rasterised_with_text() {
        let mut c = Canvas::new(200, 60);
        c.text(
            "Phi-2 (2023-12-12)",
            10.0,
            10.0,
            16.0,
            RGBColor(0, 0, 0),
            HPos::Left,
            VPos::Top,
        );
        let svg = c.finish();
        assert!(svg.contains("font-family=\"DejaVu Sans, sans-serif\""));
        let png = to_png(&svg).unwrap();
        let again = to_png(&svg).unwrap();
        assert_eq!(png, again, "the same SVG gives the same bytes");
        // Text made it into the pixels: some are dark.
        let blank = to_png(&Canvas::new(200, 60).finish()).unwrap();
        assert_ne!(png, blank);
    }
}
