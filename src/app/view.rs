//! The one transform between site coordinates and screen points.
//!
//! Every pane shows the same site area: the view is a site point at the pane centre plus a zoom
//! (screen points per site pixel). Panes differ only in their screen rectangle, so linking pan
//! and zoom between panes is automatic. This is the only place that knows about both frames.

use crate::model::{BoundingBox, Point};
use egui::{Pos2, Rect, Vec2};

/// Zoom limits, in screen points per site pixel: from a 30 000 px image in a few hundred
/// points, to single pixels 64 points wide.
pub const MIN_ZOOM: f64 = 1.0 / 512.0;
pub const MAX_ZOOM: f64 = 64.0;

/// The shared view of a site: which site point sits at the centre of each pane, and how large.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// Site coordinates shown at the centre of every pane.
    pub center: Point,
    /// Screen points per site pixel.
    pub zoom: f64,
}

impl Default for ViewTransform {
    fn default() -> Self {
        Self {
            center: Point::new(0.0, 0.0),
            zoom: 1.0,
        }
    }
}

impl ViewTransform {
    /// Where a site point appears in a pane occupying `pane`.
    pub fn site_to_screen(&self, pane: Rect, p: Point) -> Pos2 {
        let c = pane.center();
        Pos2::new(
            (c.x as f64 + (p.x - self.center.x) * self.zoom) as f32,
            (c.y as f64 + (p.y - self.center.y) * self.zoom) as f32,
        )
    }

    /// The site point under a screen position in a pane occupying `pane`.
    pub fn screen_to_site(&self, pane: Rect, pos: Pos2) -> Point {
        let c = pane.center();
        Point::new(
            self.center.x + (pos.x - c.x) as f64 / self.zoom,
            self.center.y + (pos.y - c.y) as f64 / self.zoom,
        )
    }

    /// The site rectangle visible in a pane.
    pub fn visible_site_rect(&self, pane: Rect) -> BoundingBox {
        BoundingBox {
            min: self.screen_to_site(pane, pane.min),
            max: self.screen_to_site(pane, pane.max),
        }
    }

    /// Moves the view by a screen drag: the content follows the pointer.
    pub fn pan_by_screen(&mut self, delta: Vec2) {
        self.center.x -= delta.x as f64 / self.zoom;
        self.center.y -= delta.y as f64 / self.zoom;
    }

    /// Multiplies the zoom by `factor`, keeping the site point under `anchor` where it is.
    pub fn zoom_at(&mut self, pane: Rect, anchor: Pos2, factor: f64) {
        let before = self.screen_to_site(pane, anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = self.screen_to_site(pane, anchor);
        self.center.x += before.x - after.x;
        self.center.y += before.y - after.y;
    }

    /// Shows the whole of `site` in `pane` with a small margin, centred.
    pub fn fit(pane: Rect, site: BoundingBox) -> Self {
        let w = site.width().max(1.0);
        let h = site.height().max(1.0);
        let margin = 0.97;
        let zoom = (pane.width() as f64 / w).min(pane.height() as f64 / h) * margin;
        let zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
        Self {
            center: Point::new(
                (site.min.x + site.max.x) / 2.0,
                (site.min.y + site.max.y) / 2.0,
            ),
            zoom,
        }
    }

    /// One site pixel per screen pixel (100 %) keeping the site point at the pane centre.
    pub fn actual_pixels(&mut self, pixels_per_point: f32) {
        self.zoom = (1.0 / pixels_per_point as f64).clamp(MIN_ZOOM, MAX_ZOOM);
    }

    /// Zoom as a percentage of physical screen pixels per site pixel.
    pub fn percent(&self, pixels_per_point: f32) -> f64 {
        self.zoom * pixels_per_point as f64 * 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane() -> Rect {
        Rect::from_min_size(Pos2::new(100.0, 50.0), Vec2::new(800.0, 600.0))
    }

    fn close(a: Point, b: Point) -> bool {
        (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6
    }

    #[test]
    fn screen_and_site_coordinates_round_trip() {
        let v = ViewTransform {
            center: Point::new(1234.5, -20.0),
            zoom: 0.37,
        };
        for p in [
            Point::new(0.0, 0.0),
            Point::new(1000.0, 2000.0),
            Point::new(-5.5, 7.25),
        ] {
            let back = v.screen_to_site(pane(), v.site_to_screen(pane(), p));
            assert!(
                (back.x - p.x).abs() < 0.01 && (back.y - p.y).abs() < 0.01,
                "{p:?} {back:?}"
            );
        }
        let s = Pos2::new(321.0, 456.0);
        let again = v.site_to_screen(pane(), v.screen_to_site(pane(), s));
        assert!((again - s).length() < 1e-3);
    }

    #[test]
    fn the_view_centre_is_drawn_at_the_pane_centre() {
        let v = ViewTransform {
            center: Point::new(10.0, 20.0),
            zoom: 3.0,
        };
        assert_eq!(
            v.site_to_screen(pane(), Point::new(10.0, 20.0)),
            pane().center()
        );
    }

    #[test]
    fn zooming_at_the_cursor_keeps_the_point_under_the_cursor_fixed() {
        let mut v = ViewTransform {
            center: Point::new(500.0, 500.0),
            zoom: 1.0,
        };
        let cursor = Pos2::new(700.0, 120.0);
        let under = v.screen_to_site(pane(), cursor);
        for factor in [1.25, 1.25, 0.5, 8.0, 0.01] {
            v.zoom_at(pane(), cursor, factor);
            assert!(close(v.screen_to_site(pane(), cursor), under));
        }
    }

    #[test]
    fn zoom_is_clamped_to_its_limits() {
        let mut v = ViewTransform::default();
        v.zoom_at(pane(), pane().center(), 1e9);
        assert_eq!(v.zoom, MAX_ZOOM);
        v.zoom_at(pane(), pane().center(), 1e-12);
        assert_eq!(v.zoom, MIN_ZOOM);
    }

    #[test]
    fn panning_moves_content_with_the_pointer() {
        let mut v = ViewTransform {
            center: Point::new(0.0, 0.0),
            zoom: 2.0,
        };
        let p = Point::new(30.0, 40.0);
        let before = v.site_to_screen(pane(), p);
        v.pan_by_screen(Vec2::new(10.0, -4.0));
        let after = v.site_to_screen(pane(), p);
        assert!((after - before - Vec2::new(10.0, -4.0)).length() < 1e-4);
    }

    #[test]
    fn fit_shows_the_whole_site_rectangle() {
        let site = BoundingBox {
            min: Point::new(0.0, 0.0),
            max: Point::new(16384.0, 8192.0),
        };
        let v = ViewTransform::fit(pane(), site);
        let vis = v.visible_site_rect(pane());
        assert!(vis.min.x <= 0.0 && vis.min.y <= 0.0);
        assert!(vis.max.x >= 16384.0 && vis.max.y >= 8192.0);
        // And not absurdly more: the limiting side fills at least 90 % of the pane.
        assert!(vis.width() < 16384.0 / 0.9);
    }
}
