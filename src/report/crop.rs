//! Where the report's pictures come from: the box around a footprint in an image's pixels
//! (with context, clamped to the image), and the pixels of that box scaled down, taken from the
//! coarsest pyramid level that still has enough of them.

use crate::io::pyramid::downsample_2x;
use crate::model::{Affine, BoundingBox, Footprint, Point};
use image::RgbImage;
use image::imageops::{self, FilterType};

/// Context around a footprint, as a share of its size, on each side.
pub const CONTEXT_MARGIN: f64 = 0.5;
/// The smallest crop side in image pixels, so that a shed still comes with its surroundings.
pub const MIN_CROP_SIDE: f64 = 64.0;
/// The longest side of a crop in the report.
pub const CROP_MAX_SIDE: u32 = 256;
/// The longest side of a site's overview image in the report.
pub const OVERVIEW_MAX_SIDE: u32 = 1200;

/// A rectangle of whole pixels inside an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The part of the site a footprint's pictures show, in site coordinates: the bounding box of
/// its outline and after-outline together, so before and after show the same ground.
pub fn footprint_site_box(fp: &Footprint) -> Option<BoundingBox> {
    let outline = fp.outline.bounding_box()?;
    Some(
        match fp.after_outline.as_ref().and_then(|o| o.bounding_box()) {
            Some(after) => union(outline, after),
            None => outline,
        },
    )
}

fn union(a: BoundingBox, b: BoundingBox) -> BoundingBox {
    BoundingBox {
        min: Point::new(a.min.x.min(b.min.x), a.min.y.min(b.min.y)),
        max: Point::new(a.max.x.max(b.max.x), a.max.y.max(b.max.y)),
    }
}

/// The bounding box, in an image's pixels, of a box given in site coordinates; `image_from_site`
/// is the inverse of the image's `to_site`. With a rotation the result holds all four corners.
pub fn site_box_in_image(site_box: &BoundingBox, image_from_site: &Affine) -> BoundingBox {
    let corners = [
        site_box.min,
        Point::new(site_box.max.x, site_box.min.y),
        site_box.max,
        Point::new(site_box.min.x, site_box.max.y),
    ]
    .map(|p| image_from_site.apply(p));
    let mut bb = BoundingBox {
        min: corners[0],
        max: corners[0],
    };
    for p in &corners[1..] {
        bb = union(bb, BoundingBox { min: *p, max: *p });
    }
    bb
}

/// The crop for an outline whose bounding box in the image's pixels is `outline`: the box
/// grown by [`CONTEXT_MARGIN`] on each side and to at least [`MIN_CROP_SIDE`], then slid inside
/// the image where it pokes out (and cut to the image where the image is smaller). `None` when
/// the outline does not touch the image or its coordinates are not finite.
pub fn crop_box(outline: &BoundingBox, image_width: u32, image_height: u32) -> Option<PixelRect> {
    let finite = [outline.min.x, outline.min.y, outline.max.x, outline.max.y]
        .iter()
        .all(|v| v.is_finite());
    let image = BoundingBox {
        min: Point::new(0.0, 0.0),
        max: Point::new(f64::from(image_width), f64::from(image_height)),
    };
    if !finite || image_width == 0 || image_height == 0 || !outline.intersects(&image) {
        return None;
    }
    let (x, width) = crop_span(outline.min.x, outline.max.x, image_width);
    let (y, height) = crop_span(outline.min.y, outline.max.y, image_height);
    Some(PixelRect {
        x,
        y,
        width,
        height,
    })
}

/// One axis of [`crop_box`]: start and length within `0..limit` (`limit` > 0).
fn crop_span(min: f64, max: f64, limit: u32) -> (u32, u32) {
    let size = max - min;
    let wanted = (size * (1.0 + 2.0 * CONTEXT_MARGIN))
        .max(MIN_CROP_SIDE)
        .ceil();
    let limit_f = f64::from(limit);
    if wanted >= limit_f {
        return (0, limit);
    }
    let centre = (min + max) / 2.0;
    let start = (centre - wanted / 2.0).floor().clamp(0.0, limit_f - wanted);
    (start as u32, wanted as u32)
}

/// Scales `side` pixels to at most `max_side`, never up, never to zero.
fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= max_side {
        return (width.max(1), height.max(1));
    }
    let k = f64::from(max_side) / f64::from(longest);
    (
        ((f64::from(width) * k).round() as u32).max(1),
        ((f64::from(height) * k).round() as u32).max(1),
    )
}

/// The pyramid level to read a region `side` pixels across (at full size) from, to show it
/// `target` pixels across: the coarsest level that still has at least `target` pixels.
pub fn level_for(side: u32, target: u32) -> usize {
    let mut k = 0;
    while k < 31 && side >> (k + 1) >= target.max(1) {
        k += 1;
    }
    k
}

/// The level an overview of a `width` x `height` image at most `max_side` across comes from,
/// and whether it must still be scaled: the first level that fits, as it is, when it has at
/// least three quarters of `max_side` (a 2048, 4096 or 8192 px image gives 1024 px, nothing
/// to resample), else the level above it, scaled to fit.
pub fn overview_level(width: u32, height: u32, max_side: u32) -> (usize, bool) {
    let longest = u64::from(width.max(height));
    let max_side = u64::from(max_side.max(1));
    let mut k = 0;
    while k < 31 && longest.div_ceil(1 << k) > max_side {
        k += 1;
    }
    if k == 0 || longest.div_ceil(1 << k) * 4 >= max_side * 3 {
        (k, false)
    } else {
        (k - 1, true)
    }
}

/// A decoded image and the downsampled levels built from it (level k is the image halved k
/// times). Levels are built before pictures are cut ([`Levels::build_to`]), so that pictures
/// can then be cut from several threads at once.
pub struct Levels {
    levels: Vec<RgbImage>,
}

/// How to draw on a picture: from the image's full-size pixels to the picture's pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PictureMap {
    pub origin: (f64, f64),
    pub scale: (f64, f64),
}

impl PictureMap {
    pub fn apply(&self, p: Point) -> (f64, f64) {
        (
            (p.x - self.origin.0) * self.scale.0,
            (p.y - self.origin.1) * self.scale.1,
        )
    }
}

impl Levels {
    pub fn new(full: RgbImage) -> Self {
        Levels { levels: vec![full] }
    }

    pub fn width(&self) -> u32 {
        self.levels[0].width()
    }

    pub fn height(&self) -> u32 {
        self.levels[0].height()
    }

    /// Builds the missing levels down to `k` (never past a 1 x 1 level).
    pub fn build_to(&mut self, k: usize) {
        while self.levels.len() <= k {
            let last = &self.levels[self.levels.len() - 1];
            if last.width() <= 1 && last.height() <= 1 {
                break;
            }
            let next = downsample_2x(last);
            self.levels.push(next);
        }
    }

    /// Level `k`, or the coarsest built when it is not.
    fn level(&self, k: usize) -> (usize, &RgbImage) {
        let k = k.min(self.levels.len() - 1);
        (k, &self.levels[k])
    }

    /// The level [`Levels::picture`] wants for `rect`.
    pub fn crop_level(rect: PixelRect, max_side: u32) -> usize {
        level_for(rect.width.max(rect.height), max_side)
    }

    /// The pixels of `rect` (full-size pixels), scaled to at most `max_side` across, and how
    /// full-size pixel coordinates map onto them. Read from level
    /// [`Levels::crop_level`] (or the coarsest built, if finer).
    pub fn picture(&self, rect: PixelRect, max_side: u32) -> (RgbImage, PictureMap) {
        let (k, _) = self.level(Self::crop_level(rect, max_side));
        let out = fit(rect.width, rect.height, max_side);
        self.cut(rect, k, Some(out))
    }

    /// The whole image at most `max_side` across, from level [`overview_level`].
    pub fn overview(&self, max_side: u32) -> (RgbImage, PictureMap) {
        let (width, height) = (self.width(), self.height());
        let (k, scaled) = overview_level(width, height, max_side);
        let whole = PixelRect {
            x: 0,
            y: 0,
            width,
            height,
        };
        let out = scaled.then(|| fit(width, height, max_side));
        self.cut(whole, k, out)
    }

    /// `rect` read from level `k` (or the coarsest built), resampled to `out` pixels when given
    /// and different.
    fn cut(&self, rect: PixelRect, k: usize, out: Option<(u32, u32)>) -> (RgbImage, PictureMap) {
        let (k, level) = self.level(k);
        // The rectangle on level k, rounded outwards; the full-size region it covers.
        let step = 1u64 << k;
        let x0 = ((u64::from(rect.x) / step) as u32).min(level.width().saturating_sub(1));
        let y0 = ((u64::from(rect.y) / step) as u32).min(level.height().saturating_sub(1));
        let x1 = (u64::from(rect.x) + u64::from(rect.width))
            .div_ceil(step)
            .min(u64::from(level.width())) as u32;
        let y1 = (u64::from(rect.y) + u64::from(rect.height))
            .div_ceil(step)
            .min(u64::from(level.height())) as u32;
        let (lw, lh) = (x1.saturating_sub(x0).max(1), y1.saturating_sub(y0).max(1));
        let region = copy_region(level, x0, y0, lw, lh);
        let (out_w, out_h) = out.unwrap_or((lw, lh));
        let picture = if (lw, lh) == (out_w, out_h) {
            region
        } else {
            imageops::resize(&region, out_w, out_h, FilterType::Triangle)
        };
        let step = step as f64;
        let map = PictureMap {
            origin: (f64::from(x0) * step, f64::from(y0) * step),
            scale: (
                f64::from(out_w) / (f64::from(lw) * step),
                f64::from(out_h) / (f64::from(lh) * step),
            ),
        };
        (picture, map)
    }
}

/// The `w` x `h` pixels at `x, y` of `src`, cut to what `src` holds, copied row by row: many
/// times faster than `image`'s pixel-by-pixel `SubImage::to_image`, which showed in profiles
/// with two thousand crops.
fn copy_region(src: &RgbImage, x: u32, y: u32, w: u32, h: u32) -> RgbImage {
    let x = x.min(src.width());
    let y = y.min(src.height());
    let w = w.min(src.width() - x);
    let h = h.min(src.height() - y);
    let src_row = src.width() as usize * 3;
    let raw = src.as_raw();
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    for row in y as usize..(y + h) as usize {
        let start = row * src_row + x as usize * 3;
        out.extend_from_slice(&raw[start..start + w as usize * 3]);
    }
    RgbImage::from_raw(w, h, out).unwrap_or_else(|| RgbImage::new(w, h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, FootprintId, ImageId, Polygon, Timestamp};

    fn bb(x0: f64, y0: f64, x1: f64, y1: f64) -> BoundingBox {
        BoundingBox {
            min: Point::new(x0, y0),
            max: Point::new(x1, y1),
        }
    }

    #[test]
    fn a_crop_adds_half_the_footprint_on_each_side() {
        let r = crop_box(&bb(400.0, 300.0, 500.0, 340.0), 2000, 1000).unwrap();
        // 100 x 40 grows to 200 x 80, centred on the footprint.
        assert_eq!(
            r,
            PixelRect {
                x: 350,
                y: 280,
                width: 200,
                height: 80
            }
        );
    }

    #[test]
    fn a_small_footprint_gets_at_least_the_minimum_context() {
        let r = crop_box(&bb(100.0, 100.0, 110.0, 104.0), 1000, 1000).unwrap();
        assert_eq!((r.width, r.height), (64, 64));
        assert!(r.x <= 100 && r.x + r.width >= 110);
        assert!(r.y <= 100 && r.y + r.height >= 104);
    }

    #[test]
    fn a_crop_at_the_image_edge_slides_inside_and_keeps_its_size() {
        let r = crop_box(&bb(0.0, 980.0, 40.0, 1000.0), 1000, 1000).unwrap();
        assert_eq!(r.x, 0);
        assert_eq!(r.y + r.height, 1000, "slid up to the bottom edge");
        assert_eq!((r.width, r.height), (80, 64));
        // Past the right and bottom edges.
        let r = crop_box(&bb(990.0, 990.0, 1010.0, 1010.0), 1000, 1000).unwrap();
        assert_eq!((r.x + r.width, r.y + r.height), (1000, 1000));
    }

    #[test]
    fn a_crop_larger_than_the_image_is_the_whole_image() {
        let r = crop_box(&bb(10.0, 10.0, 90.0, 40.0), 100, 50).unwrap();
        assert_eq!(
            r,
            PixelRect {
                x: 0,
                y: 0,
                width: 100,
                height: 50
            }
        );
    }

    #[test]
    fn an_outline_outside_the_image_or_not_finite_has_no_crop() {
        assert_eq!(crop_box(&bb(2000.0, 0.0, 2100.0, 50.0), 1000, 1000), None);
        assert_eq!(
            crop_box(&bb(-300.0, -300.0, -200.0, -200.0), 1000, 1000),
            None
        );
        assert_eq!(crop_box(&bb(f64::NAN, 0.0, 10.0, 10.0), 1000, 1000), None);
        assert_eq!(crop_box(&bb(0.0, 0.0, 10.0, 10.0), 0, 1000), None);
    }

    #[test]
    fn site_coordinates_map_into_an_image_registered_with_scale_and_offset() {
        // The image has twice the site's resolution and is shifted: its pixel (x, y) is the
        // site point (x / 2 + 100, y / 2 + 50).
        let to_site = Affine {
            xx: 0.5,
            xy: 0.0,
            tx: 100.0,
            yx: 0.0,
            yy: 0.5,
            ty: 50.0,
        };
        let image_from_site = to_site.inverse().unwrap();
        let b = site_box_in_image(&bb(110.0, 60.0, 130.0, 70.0), &image_from_site);
        assert_eq!(b, bb(20.0, 20.0, 60.0, 40.0));
    }

    #[test]
    fn a_rotated_image_gets_the_box_around_all_four_corners() {
        // A quarter turn: image pixel (x, y) is the site point (-y, x).
        let to_site = Affine {
            xx: 0.0,
            xy: -1.0,
            tx: 0.0,
            yx: 1.0,
            yy: 0.0,
            ty: 0.0,
        };
        let b = site_box_in_image(&bb(-20.0, 10.0, -10.0, 40.0), &to_site.inverse().unwrap());
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(b.min.x, 10.0) && close(b.max.x, 40.0), "{b:?}");
        assert!(close(b.min.y, 10.0) && close(b.max.y, 20.0), "{b:?}");
    }

    #[test]
    fn the_footprint_box_covers_its_after_outline_too() {
        let t = Timestamp::from_unix(0).unwrap();
        let mut fp = Footprint::new(
            FootprintId(1),
            ChangeKind::Renovated,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(10.0, 10.0), Point::new(20.0, 20.0)),
            "a",
            t,
        );
        fp.after_outline = Some(Polygon::rectangle(
            Point::new(15.0, 5.0),
            Point::new(30.0, 18.0),
        ));
        assert_eq!(footprint_site_box(&fp), Some(bb(10.0, 5.0, 30.0, 20.0)));
    }

    #[test]
    fn a_large_crop_is_read_from_a_coarser_level_and_maps_points_onto_the_picture() {
        assert_eq!(level_for(200, 256), 0);
        assert_eq!(level_for(600, 256), 1);
        assert_eq!(level_for(4096, 256), 4);
        // A gradient, so the picture's pixels tell where they came from.
        let full = RgbImage::from_fn(2048, 1024, |x, _| image::Rgb([(x / 8) as u8, 0, 0]));
        let mut levels = Levels::new(full);
        let rect = PixelRect {
            x: 1024,
            y: 0,
            width: 1024,
            height: 512,
        };
        levels.build_to(Levels::crop_level(rect, 256));
        let (pic, map) = levels.picture(rect, 256);
        assert_eq!(pic.dimensions(), (256, 128));
        assert_eq!(levels.levels.len(), 3, "built down to level 2 only");
        let (px, py) = map.apply(Point::new(1536.0, 256.0));
        assert!((px - 128.0).abs() < 1e-9 && (py - 64.0).abs() < 1e-9);
        // The middle of the picture holds the middle of the region: x = 1536, red 192.
        let red = i32::from(pic.get_pixel(128, 64).0[0]);
        assert!((red - 192).abs() <= 1, "{red}");
    }

    #[test]
    fn an_overview_uses_a_level_that_fits_as_it_is_and_scales_only_when_none_is_close() {
        // 2048 and 8192 px: the 1024 px level, as it is.
        assert_eq!(overview_level(2048, 2048, 1200), (1, false));
        assert_eq!(overview_level(8192, 6000, 1200), (3, false));
        // 20 000 px: 625 px would be too small; 1250 px, scaled to 1200.
        assert_eq!(overview_level(20_000, 20_000, 1200), (4, true));
        // Small images stay as they are.
        assert_eq!(overview_level(800, 600, 1200), (0, false));
        let mut levels = Levels::new(RgbImage::new(2500, 1000));
        levels.build_to(overview_level(2500, 1000, 1200).0);
        let (pic, map) = levels.overview(1200);
        assert_eq!(pic.dimensions(), (1200, 480));
        assert!((map.scale.0 - 1200.0 / 2500.0).abs() < 1e-3);
    }

    #[test]
    fn a_region_is_copied_exactly_and_cut_to_the_image() {
        let src = RgbImage::from_fn(10, 8, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let r = copy_region(&src, 3, 2, 4, 5);
        assert_eq!(r.dimensions(), (4, 5));
        assert_eq!(r.get_pixel(0, 0).0, [3, 2, 7]);
        assert_eq!(r.get_pixel(3, 4).0, [6, 6, 7]);
        assert_eq!(copy_region(&src, 8, 6, 10, 10).dimensions(), (2, 2));
        assert_eq!(copy_region(&src, 20, 20, 5, 5).dimensions(), (0, 0));
    }
}
