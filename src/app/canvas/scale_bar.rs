//! The scale bar in a pane's bottom-right corner when the site is georeferenced: a round length
//! (1, 2 or 5 × 10ⁿ m) drawn as a bar with its label, measured at the pane's centre.

use crate::app::view::ViewTransform;
use crate::geo::{SiteGeo, metres_text, scale_bar_metres};
use crate::model::Point;
use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2};

/// The longest the bar may be, in screen points.
const MAX_BAR_POINTS: f64 = 140.0;

/// The bar's length in screen points and its label, for a pane showing `view`.
pub(super) fn scale_bar(
    view: &ViewTransform,
    pane: Rect,
    ground: &SiteGeo,
) -> Option<(f32, String)> {
    let centre = view.screen_to_site(pane, pane.center());
    let metres_per_site_px = ground.metres_per_site_pixel(centre).ok()?;
    let a = view.site_to_screen(pane, centre);
    let b = view.site_to_screen(pane, Point::new(centre.x + 1.0, centre.y));
    let points_per_site_px = f64::from(a.distance(b));
    if !(metres_per_site_px > 0.0 && points_per_site_px > 0.0) {
        return None;
    }
    let metres_per_point = metres_per_site_px / points_per_site_px;
    let length = scale_bar_metres(MAX_BAR_POINTS * metres_per_point)?;
    Some(((length / metres_per_point) as f32, metres_text(length)))
}

pub(super) fn paint_scale_bar(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    ground: &SiteGeo,
) {
    let Some((length, label)) = scale_bar(view, pane, ground) else {
        return;
    };
    let box_size = Vec2::new(length + 24.0, 34.0);
    let rect = Rect::from_min_size(pane.right_bottom() - box_size - Vec2::splat(8.0), box_size);
    if rect.left() < pane.left() + 200.0 || rect.top() < pane.top() + 40.0 {
        return; // No room in a small pane (the legend sits bottom-left).
    }
    painter.rect_filled(rect, 4.0, Color32::from_black_alpha(170));
    let y = rect.bottom() - 10.0;
    let (x0, x1) = (rect.left() + 12.0, rect.left() + 12.0 + length);
    let stroke = Stroke::new(2.0, Color32::WHITE);
    painter.line_segment([Pos2::new(x0, y), Pos2::new(x1, y)], stroke);
    for x in [x0, x1] {
        painter.line_segment([Pos2::new(x, y - 5.0), Pos2::new(x, y + 1.0)], stroke);
    }
    painter.text(
        Pos2::new((x0 + x1) / 2.0, y - 6.0),
        Align2::CENTER_BOTTOM,
        label,
        FontId::proportional(12.0),
        Color32::WHITE,
    );
}
