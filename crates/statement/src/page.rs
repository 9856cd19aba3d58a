//! Drawing on an A4 page in points (origin at the bottom left, as PDF has it): right-aligned,
//! left-aligned or centred lines of shaped text, rules and filled boxes. Text longer than its room
//! is cut with «…» (never drawn over its neighbours).

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt,
    Rgb, TextItem, TextMatrix, WindingOrder,
};
use rustybuzz::Face;

use crate::shape::{ShapedLine, shape_line};

pub const WIDTH: f32 = 595.28;
pub const HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 42.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Right,
    Left,
    Center,
}

/// A font for shaping (rustybuzz) and its handle in the document (printpdf).
pub struct Font {
    pub face: Face<'static>,
    pub id: FontId,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Font {
    fn scale(&self, size: f32) -> f32 {
        size / f32::from(self.face.units_per_em() as u16)
    }

    /// The width of `text` at `size`, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        shape_line(&self.face, text).width as f32 * self.scale(size)
    }
}

pub fn gray(level: f32) -> Color {
    Color::Rgb(Rgb { r: level, g: level, b: level, icc_profile: None })
}

pub fn green() -> Color {
    Color::Rgb(Rgb { r: 0.0, g: 0.42, b: 0.24, icc_profile: None })
}

/// The operations of one page.
#[derive(Debug, Default)]
pub struct Page {
    pub ops: Vec<Op>,
}

impl Page {
    /// Writes `text` on the baseline `y`, aligned on `x` (its right end for `Right`), within
    /// `room` points (cut with «…» when longer). Returns the width drawn.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        font: &Font,
        size: f32,
        color: Color,
        x: f32,
        y: f32,
        align: Align,
        room: f32,
        text: &str,
    ) -> f32 {
        let line = fitted(font, size, room, text);
        let scale = font.scale(size);
        let width = line.width as f32 * scale;
        let left = match align {
            Align::Right => x - width,
            Align::Left => x,
            Align::Center => x - width / 2.0,
        };
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFillColor { col: color });
        self.ops.push(Op::SetFont { font: PdfFontHandle::External(font.id.clone()), size: Pt(size) });
        for glyph in line.glyphs {
            let (gx, gy) = (left + glyph.x as f32 * scale, y + glyph.y as f32 * scale);
            self.ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(gx), Pt(gy)) });
            let codepoint = Codepoint { gid: glyph.gid, offset: 0.0, cid: Some(glyph.text) };
            self.ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(vec![codepoint])] });
        }
        self.ops.push(Op::EndTextSection);
        width
    }

    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, color: Color) {
        self.ops.push(Op::SetOutlineColor { col: color });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        let point = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
        self.ops.push(Op::DrawLine { line: Line { points: vec![point(x1), point(x2)], is_closed: false } });
    }

    pub fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, color: Color) {
        self.ops.push(Op::SetFillColor { col: color });
        let point = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
        let ring = PolygonRing {
            points: vec![
                point(x, y),
                point(x + width, y),
                point(x + width, y + height),
                point(x, y + height),
            ],
        };
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![ring],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}

/// `text` shaped, cut at the end of its logical order with «…» until it fits in `room` points.
fn fitted(font: &Font, size: f32, room: f32, text: &str) -> ShapedLine {
    let scale = font.scale(size);
    let line = shape_line(&font.face, text);
    if line.width as f32 * scale <= room {
        return line;
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
        let line = shape_line(&font.face, &cut);
        if line.width as f32 * scale <= room {
            return line;
        }
    }
    shape_line(&font.face, "…")
}
