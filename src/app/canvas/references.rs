//! The reference layer on the panes: imported building outlines drawn faintly (thin grey
//! dashes, no fill) under the footprints, the selected one solid and bright.

use crate::app::view::ViewTransform;
use crate::model::{Point, ReferenceBuilding, ReferenceId};
use egui::{Color32, Pos2, Rect, Shape, Stroke};

const FAINT: Color32 = Color32::from_rgba_premultiplied(170, 170, 170, 170);
const SELECTED: Color32 = Color32::from_rgb(255, 255, 255);

/// Draws the references that reach into the pane. Outlines smaller than a few screen pixels
/// are skipped, so a zoomed-out view of 10 000 buildings stays cheap.
pub fn paint_references(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    references: &[ReferenceBuilding],
    selected: Option<ReferenceId>,
) {
    let a = view.screen_to_site(pane, pane.min);
    let b = view.screen_to_site(pane, pane.max);
    let visible = crate::model::BoundingBox {
        min: Point::new(a.x.min(b.x), a.y.min(b.y)),
        max: Point::new(a.x.max(b.x), a.y.max(b.y)),
    };
    for r in references {
        let Some(bb) = r.outline.bounding_box() else {
            continue;
        };
        if !visible.intersects(&bb) {
            continue;
        }
        let mut pts: Vec<Pos2> = r
            .outline
            .points()
            .iter()
            .map(|p| view.site_to_screen(pane, *p))
            .collect();
        let size = view.site_to_screen(pane, bb.max) - view.site_to_screen(pane, bb.min);
        if Some(r.id) == selected {
            painter.add(Shape::closed_line(pts, Stroke::new(2.0, SELECTED)));
            continue;
        }
        if size.x.abs().max(size.y.abs()) < 3.0 {
            continue;
        }
        if let Some(first) = pts.first().copied() {
            pts.push(first);
        }
        painter.extend(Shape::dashed_line(&pts, Stroke::new(1.0, FAINT), 4.0, 3.0));
    }
}
