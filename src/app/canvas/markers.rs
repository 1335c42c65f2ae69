//! Review overlays on the panes: missed-change markers and the coverage grid of the cells the
//! reviewer has not checked yet.

use crate::app::view::ViewTransform;
use crate::model::{Coverage, Marker, MarkerShape};
use egui::{Color32, FontId, Pos2, Rect, Stroke};

/// Okabe–Ito reddish purple: apart from the three change kinds' colours.
pub const MARKER_COLOR: Color32 = Color32::from_rgb(204, 121, 167);

/// Open markers in full colour with their id; settled ones faint.
pub fn paint_markers(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    markers: &[Marker],
) {
    for m in markers {
        let color = if m.is_open() {
            MARKER_COLOR
        } else {
            MARKER_COLOR.gamma_multiply(0.35)
        };
        let label_at = match &m.shape {
            MarkerShape::Point(p) => {
                let c = view.site_to_screen(pane, *p);
                painter.circle_stroke(c, 9.0, Stroke::new(2.5, Color32::BLACK));
                painter.circle_stroke(c, 9.0, Stroke::new(2.0, color));
                painter.line_segment(
                    [c + egui::vec2(-4.0, 0.0), c + egui::vec2(4.0, 0.0)],
                    Stroke::new(2.0, color),
                );
                painter.line_segment(
                    [c + egui::vec2(0.0, -4.0), c + egui::vec2(0.0, 4.0)],
                    Stroke::new(2.0, color),
                );
                c + egui::vec2(11.0, -11.0)
            }
            MarkerShape::Area(poly) => {
                let pts: Vec<Pos2> = poly
                    .0
                    .iter()
                    .map(|p| view.site_to_screen(pane, *p))
                    .collect();
                if pts.len() >= 2 {
                    let mut closed = pts.clone();
                    closed.push(pts[0]);
                    painter.add(egui::Shape::dashed_line(
                        &closed,
                        Stroke::new(2.0, color),
                        6.0,
                        4.0,
                    ));
                }
                pts.iter()
                    .copied()
                    .fold(Pos2::new(f32::INFINITY, f32::INFINITY), |a, b| a.min(b))
                    + egui::vec2(2.0, -14.0)
            }
        };
        if pane.expand(20.0).contains(label_at) {
            painter.text(
                label_at,
                egui::Align2::LEFT_BOTTOM,
                m.id.to_string(),
                FontId::proportional(13.0),
                color,
            );
        }
    }
}

/// Shades the cells of `coverage` not yet checked, over what is in view.
pub fn paint_unchecked_cells(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    coverage: &Coverage,
) {
    let g = coverage.grid;
    let shade = Color32::from_rgba_unmultiplied(200, 40, 120, 46);
    let edge = Stroke::new(1.0, Color32::from_rgba_unmultiplied(230, 120, 180, 90));
    // Cells in view only, and each row's run of unchecked cells as one rectangle: a large site
    // has thousands of cells.
    let vis = view.visible_site_rect(pane);
    let (lo_x, hi_x) = (vis.min.x.min(vis.max.x), vis.min.x.max(vis.max.x));
    let (lo_y, hi_y) = (vis.min.y.min(vis.max.y), vis.min.y.max(vis.max.y));
    let clamp = |v: f64, n: u32| (v / g.cell).floor().clamp(0.0, n as f64) as u32;
    let (c0, c1) = (clamp(lo_x, g.cols), (clamp(hi_x, g.cols) + 1).min(g.cols));
    let (r0, r1) = (clamp(lo_y, g.rows), (clamp(hi_y, g.rows) + 1).min(g.rows));
    let small = g.cell * view.zoom < 6.0;
    for r in r0..r1 {
        let mut c = c0;
        while c < c1 {
            if coverage.is_checked(r * g.cols + c) {
                c += 1;
                continue;
            }
            let start = c;
            while c < c1 && !coverage.is_checked(r * g.cols + c) {
                c += 1;
            }
            let (min, _) = g.cell_rect(r * g.cols + start);
            let (_, max) = g.cell_rect(r * g.cols + c - 1);
            let rect = Rect::from_two_pos(
                view.site_to_screen(pane, min),
                view.site_to_screen(pane, max),
            );
            painter.rect_filled(rect, 0.0, shade);
            if !small {
                for k in start..c {
                    let (a, b) = g.cell_rect(r * g.cols + k);
                    let cell = Rect::from_two_pos(
                        view.site_to_screen(pane, a),
                        view.site_to_screen(pane, b),
                    );
                    painter.rect_stroke(cell, 0.0, edge, egui::StrokeKind::Inside);
                }
            }
        }
    }
}
