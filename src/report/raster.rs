//! Drawing on report images without egui: outlines in each change kind's colour and line
//! pattern, with a dark halo so they read on any ground, and footprint id labels in a tiny
//! bitmap font.
//!
//! The window's colours live in `app/theme.rs`, which uses egui types the report cannot name;
//! [`kind_style`] repeats them, and a test in `app/theme.rs` checks that the two agree.

use crate::model::ChangeKind;
use image::{Rgb, RgbImage};

/// How the report draws one change kind: the window's colour, line pattern and letter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KindStyle {
    pub rgb: [u8; 3],
    /// Dash and gap lengths in pixels; `None` for a solid line.
    pub dash: Option<(u32, u32)>,
    pub letter: &'static str,
}

/// The colour (Okabe–Ito vermillion, sky blue, yellow), pattern and letter of each kind, as the
/// window draws them (`app::theme::kind_color`, `kind_pattern`, `kind_letter`).
pub fn kind_style(kind: ChangeKind) -> KindStyle {
    match kind {
        ChangeKind::Demolished => KindStyle {
            rgb: [213, 94, 0],
            dash: Some((9, 5)),
            letter: "D",
        },
        ChangeKind::New => KindStyle {
            rgb: [86, 180, 233],
            dash: None,
            letter: "N",
        },
        ChangeKind::Renovated => KindStyle {
            rgb: [240, 228, 66],
            dash: Some((3, 3)),
            letter: "R",
        },
    }
}

/// The halo under outlines and the background of labels.
const HALO: Rgb<u8> = Rgb([0, 0, 0]);

/// Draws a closed polygon given in the image's pixel coordinates: a solid dark halo
/// `width + 2` pixels wide, then the kind's colour and pattern `width` pixels wide. Parts
/// outside the image are clipped; non-finite points are skipped.
pub fn draw_outline(img: &mut RgbImage, points: &[(f64, f64)], style: KindStyle, width: u32) {
    if points.len() < 2 {
        return;
    }
    let edges = || {
        points
            .iter()
            .zip(points.iter().cycle().skip(1))
            .map(|(a, b)| (*a, *b))
    };
    let mut solid = Pen {
        width: width + 2,
        colour: HALO,
        dash: None,
        walked: 0,
    };
    for (a, b) in edges() {
        solid.line(img, a, b);
    }
    let mut pen = Pen {
        width,
        colour: Rgb(style.rgb),
        dash: style.dash,
        walked: 0,
    };
    for (a, b) in edges() {
        pen.line(img, a, b);
    }
}

/// A square brush walking lines pixel by pixel; the dash phase carries over from one edge to
/// the next so a polygon's pattern runs on around its corners.
struct Pen {
    width: u32,
    colour: Rgb<u8>,
    dash: Option<(u32, u32)>,
    walked: u32,
}

impl Pen {
    fn line(&mut self, img: &mut RgbImage, a: (f64, f64), b: (f64, f64)) {
        let pad = f64::from(self.width);
        let (w, h) = (f64::from(img.width()), f64::from(img.height()));
        let Some((a, b)) = clip_segment(a, b, (-pad, -pad), (w + pad, h + pad)) else {
            return;
        };
        // Bresenham between the rounded end points; both lie within the padded image now, so
        // the walk is at most a few image sides long.
        let (mut x, mut y) = (a.0.round() as i64, a.1.round() as i64);
        let (x1, y1) = (b.0.round() as i64, b.1.round() as i64);
        let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
        let (sx, sy) = (if x < x1 { 1 } else { -1 }, if y < y1 { 1 } else { -1 });
        let mut err = dx + dy;
        loop {
            if self.ink_here() {
                self.stamp(img, x, y);
            }
            self.walked = self.walked.wrapping_add(1);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn ink_here(&self) -> bool {
        match self.dash {
            None => true,
            Some((on, off)) => self.walked % (on + off).max(1) < on,
        }
    }

    /// A `width` x `width` square centred on the pixel.
    fn stamp(&self, img: &mut RgbImage, x: i64, y: i64) {
        let w = i64::from(self.width.max(1));
        let start = -(w - 1) / 2;
        fill_rect(img, x + start, y + start, w, w, self.colour);
    }
}

/// Fills the part of a rectangle that lies inside the image.
fn fill_rect(img: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, colour: Rgb<u8>) {
    let x0 = x.max(0);
    let y0 = y.max(0);
    let x1 = (x + w).min(i64::from(img.width()));
    let y1 = (y + h).min(i64::from(img.height()));
    for py in y0..y1 {
        for px in x0..x1 {
            img.put_pixel(px as u32, py as u32, colour);
        }
    }
}

/// The part of segment `a`-`b` inside the rectangle `min`..`max` (Liang–Barsky), or `None`
/// when none of it is, or a coordinate is not finite.
pub fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    min: (f64, f64),
    max: (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - min.0),
        (dx, max.0 - a.0),
        (-dy, a.1 - min.1),
        (dy, max.1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((
        (a.0 + t0 * dx, a.1 + t0 * dy),
        (a.0 + t1 * dx, a.1 + t1 * dy),
    ))
}

/// Glyphs of the label font, 3 x 5 pixels, one row per byte (bit 2 is the left column).
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b001, 0b001, 0b001],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        'F' => [0b111, 0b100, 0b110, 0b100, 0b100],
        _ => return None,
    })
}

/// Pixels per font pixel: 15 px high digits.
const LABEL_SCALE: u32 = 3;
/// Dark border around the text.
const LABEL_PAD: u32 = 2;

/// The size in pixels of the label box for `text`.
pub fn label_size(text: &str) -> (u32, u32) {
    let n = text.chars().count() as u32;
    let glyphs_w = if n == 0 { 0 } else { n * 4 - 1 } * LABEL_SCALE;
    (glyphs_w + 2 * LABEL_PAD, 5 * LABEL_SCALE + 2 * LABEL_PAD)
}

/// Draws `text` (the characters `F` and `0`-`9`; others leave a gap) in `colour` on a dark box
/// whose top left corner is at `(x, y)`; clipped to the image.
pub fn draw_label(img: &mut RgbImage, x: i64, y: i64, text: &str, colour: [u8; 3]) {
    let (w, h) = label_size(text);
    fill_rect(img, x, y, i64::from(w), i64::from(h), HALO);
    let s = i64::from(LABEL_SCALE);
    let mut gx = x + i64::from(LABEL_PAD);
    let gy = y + i64::from(LABEL_PAD);
    for c in text.chars() {
        if let Some(rows) = glyph(c) {
            for (r, bits) in rows.iter().enumerate() {
                for col in 0..3 {
                    if bits & (0b100 >> col) != 0 {
                        let px = gx + col * s;
                        let py = gy + r as i64 * s;
                        fill_rect(img, px, py, s, s, Rgb(colour));
                    }
                }
            }
        }
        gx += 4 * s;
    }
}

/// Places labels without overlaps: each new box is refused when it touches one already placed.
#[derive(Default)]
pub struct LabelPlacer {
    taken: Vec<(i64, i64, i64, i64)>,
}

impl LabelPlacer {
    /// True, and the box is reserved, when `x, y, w, h` overlaps no box placed so far.
    pub fn reserve(&mut self, x: i64, y: i64, w: u32, h: u32) -> bool {
        let (w, h) = (i64::from(w), i64::from(h));
        let free = self
            .taken
            .iter()
            .all(|&(tx, ty, tw, th)| x + w <= tx || tx + tw <= x || y + h <= ty || ty + th <= y);
        if free {
            self.taken.push((x, y, w, h));
        }
        free
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(img: &RgbImage, colour: [u8; 3]) -> usize {
        img.pixels().filter(|p| p.0 == colour).count()
    }

    #[test]
    fn an_outline_is_drawn_in_its_kind_colour_over_a_dark_halo() {
        let mut img = RgbImage::from_pixel(40, 40, Rgb([128, 128, 128]));
        let square = [(10.0, 10.0), (30.0, 10.0), (30.0, 30.0), (10.0, 30.0)];
        let style = kind_style(ChangeKind::New);
        draw_outline(&mut img, &square, style, 2);
        assert!(
            count(&img, style.rgb) > 4 * 20,
            "the four sides are coloured"
        );
        assert!(count(&img, [0, 0, 0]) > 0, "a halo borders them");
        assert_eq!(
            img.get_pixel(20, 20).0,
            [128, 128, 128],
            "the inside is left alone"
        );
        assert_eq!(img.get_pixel(2, 2).0, [128, 128, 128], "the outside too");
    }

    #[test]
    fn a_dashed_kind_leaves_gaps_that_a_solid_kind_does_not() {
        let rectangle = [(0.0, 5.0), (39.0, 5.0), (39.0, 30.0), (0.0, 30.0)];
        let mut solid = RgbImage::new(40, 40);
        let mut dashed = RgbImage::new(40, 40);
        draw_outline(&mut solid, &rectangle, kind_style(ChangeKind::New), 1);
        draw_outline(
            &mut dashed,
            &rectangle,
            kind_style(ChangeKind::Renovated),
            1,
        );
        // Along the top edge, away from the corners.
        let on_top =
            |img: &RgbImage, c: [u8; 3]| (3..37).filter(|x| img.get_pixel(*x, 5).0 == c).count();
        assert_eq!(on_top(&solid, kind_style(ChangeKind::New).rgb), 34);
        let dashes = on_top(&dashed, kind_style(ChangeKind::Renovated).rgb);
        assert!((15..=19).contains(&dashes), "half on, half off: {dashes}");
    }

    #[test]
    fn lines_far_outside_or_not_finite_draw_nothing_and_do_not_hang() {
        let mut img = RgbImage::new(20, 20);
        let style = kind_style(ChangeKind::Demolished);
        draw_outline(
            &mut img,
            &[(-1e12, -1e12), (-1e12, 1e12), (-5e11, 0.0)],
            style,
            3,
        );
        draw_outline(
            &mut img,
            &[(f64::NAN, 0.0), (5.0, 5.0), (f64::INFINITY, 1.0)],
            style,
            3,
        );
        assert_eq!(count(&img, style.rgb), 0);
        // A huge line crossing the image is clipped to it, not walked end to end.
        draw_outline(&mut img, &[(-1e15, 10.0), (1e15, 10.0)], style, 1);
        assert!(count(&img, style.rgb) > 0);
    }

    #[test]
    fn clipping_keeps_the_part_inside() {
        let clipped = clip_segment((-10.0, 5.0), (30.0, 5.0), (0.0, 0.0), (20.0, 20.0));
        assert_eq!(clipped, Some(((0.0, 5.0), (20.0, 5.0))));
        assert_eq!(
            clip_segment((-10.0, -5.0), (30.0, -5.0), (0.0, 0.0), (20.0, 20.0)),
            None
        );
    }

    #[test]
    fn a_label_writes_its_digits_and_placed_labels_never_overlap() {
        let mut img = RgbImage::from_pixel(60, 40, Rgb([200, 200, 200]));
        draw_label(&mut img, 5, 5, "F18", [255, 0, 0]);
        let (w, h) = label_size("F18");
        assert_eq!((w, h), ((3 * 4 - 1) * 3 + 4, 5 * 3 + 4));
        assert!(count(&img, [255, 0, 0]) > 20);
        assert_eq!(img.get_pixel(5, 5).0, [0, 0, 0], "the box corner is dark");
        let mut placer = LabelPlacer::default();
        assert!(placer.reserve(0, 0, 10, 10));
        assert!(!placer.reserve(5, 5, 10, 10));
        assert!(
            placer.reserve(10, 0, 10, 10),
            "touching edges do not overlap"
        );
    }
}
