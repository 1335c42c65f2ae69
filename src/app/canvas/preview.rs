//! Paints what a tool shows while a gesture is under way: the shape being drawn with its rubber
//! band, the outline being dragged, handles on the selection, the snap marker, the selection box.

use crate::app::theme::{DRAWING_COLOR, INVALID_COLOR, SNAP_COLOR, WARNING_COLOR};
use crate::app::view::ViewTransform;
use crate::editing::snap::SnapKind;
use crate::editing::tools::{HandleKind, PathStyle, PreviewShape, TieMark};
use egui::{Color32, Pos2, Rect, Shape, Stroke, StrokeKind, Vec2};

/// Handle size in screen points.
pub const HANDLE_RADIUS: f32 = 4.0;

pub fn paint_preview(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    shapes: &[PreviewShape],
) {
    let to_screen = |p: crate::model::Point| view.site_to_screen(pane, p);
    for shape in shapes {
        match shape {
            PreviewShape::Path {
                points,
                closed,
                style,
            } => {
                let pts: Vec<Pos2> = points.iter().map(|p| to_screen(*p)).collect();
                if pts.len() < 2 {
                    continue;
                }
                let color = match style {
                    PathStyle::Invalid => INVALID_COLOR,
                    _ => DRAWING_COLOR,
                };
                let halo = Stroke::new(4.0, Color32::from_black_alpha(160));
                let line = Stroke::new(2.0, color);
                if *style == PathStyle::RubberBand {
                    painter.extend(Shape::dashed_line(&pts, Stroke::new(1.5, color), 6.0, 4.0));
                    continue;
                }
                if *closed {
                    if *style != PathStyle::Invalid {
                        // A light fill shows the footprint-to-be.
                        if pts.len() >= 3 {
                            let tri = crate::editing::derived::triangulate(&crate::model::Polygon(
                                points.clone(),
                            ));
                            let mut mesh = egui::Mesh::default();
                            for p in &pts {
                                mesh.colored_vertex(*p, Color32::from_white_alpha(40));
                            }
                            mesh.indices = tri;
                            painter.add(Shape::mesh(mesh));
                        }
                    }
                    painter.add(Shape::closed_line(pts.clone(), halo));
                    painter.add(Shape::closed_line(pts, line));
                } else {
                    painter.add(Shape::line(pts.clone(), halo));
                    painter.add(Shape::line(pts, line));
                }
            }
            PreviewShape::Handle { at, kind } => {
                let p = to_screen(*at);
                match kind {
                    HandleKind::Vertex => {
                        let r = Rect::from_center_size(p, Vec2::splat(HANDLE_RADIUS * 2.0));
                        painter.rect_filled(r, 1.0, Color32::WHITE);
                        painter.rect_stroke(
                            r,
                            1.0,
                            Stroke::new(1.0, Color32::BLACK),
                            StrokeKind::Outside,
                        );
                    }
                    HandleKind::ActiveVertex => {
                        let r = Rect::from_center_size(p, Vec2::splat(HANDLE_RADIUS * 2.6));
                        painter.rect_filled(r, 1.0, Color32::from_rgb(255, 220, 0));
                        painter.rect_stroke(
                            r,
                            1.0,
                            Stroke::new(1.5, Color32::BLACK),
                            StrokeKind::Outside,
                        );
                    }
                    HandleKind::Midpoint => {
                        painter.circle(
                            p,
                            HANDLE_RADIUS - 0.5,
                            Color32::from_white_alpha(150),
                            Stroke::new(1.0, Color32::BLACK),
                        );
                    }
                }
            }
            PreviewShape::Snap { at, kind } => {
                let p = to_screen(*at);
                let stroke = Stroke::new(2.0, SNAP_COLOR);
                match kind {
                    SnapKind::Vertex => {
                        let r = Rect::from_center_size(p, Vec2::splat(14.0));
                        painter.rect_stroke(
                            r,
                            0.0,
                            Stroke::new(4.0, Color32::from_black_alpha(150)),
                            StrokeKind::Middle,
                        );
                        painter.rect_stroke(r, 0.0, stroke, StrokeKind::Middle);
                    }
                    SnapKind::Edge => {
                        let d = 8.0;
                        let diamond = vec![
                            p + Vec2::new(0.0, -d),
                            p + Vec2::new(d, 0.0),
                            p + Vec2::new(0.0, d),
                            p + Vec2::new(-d, 0.0),
                        ];
                        painter.add(Shape::closed_line(
                            diamond.clone(),
                            Stroke::new(4.0, Color32::from_black_alpha(150)),
                        ));
                        painter.add(Shape::closed_line(diamond, stroke));
                    }
                }
            }
            PreviewShape::TiePoint { at, number, mark } => {
                paint_tie_point(painter, to_screen(*at), *number, *mark);
            }
            PreviewShape::SelectBox(bb) => {
                let r = Rect::from_two_pos(to_screen(bb.min), to_screen(bb.max));
                painter.rect_filled(r, 0.0, Color32::from_rgba_unmultiplied(120, 170, 255, 30));
                painter.rect_stroke(
                    r,
                    0.0,
                    Stroke::new(1.0, Color32::from_rgb(150, 190, 255)),
                    StrokeKind::Middle,
                );
            }
        }
    }
}

/// A registration tie point: a ringed cross with its number; the pending one hollow, the worst
/// in the warning colour.
fn paint_tie_point(painter: &egui::Painter, p: Pos2, number: usize, mark: TieMark) {
    let color = match mark {
        TieMark::Pending => Color32::from_rgb(120, 230, 255),
        TieMark::Placed => Color32::from_rgb(80, 255, 120),
        TieMark::Worst => WARNING_COLOR,
    };
    let halo = Stroke::new(4.0, Color32::from_black_alpha(170));
    let line = Stroke::new(1.5, color);
    for stroke in [halo, line] {
        painter.circle_stroke(p, 7.0, stroke);
        painter.line_segment([p - Vec2::new(11.0, 0.0), p + Vec2::new(11.0, 0.0)], stroke);
        painter.line_segment([p - Vec2::new(0.0, 11.0), p + Vec2::new(0.0, 11.0)], stroke);
    }
    let text = painter.layout_no_wrap(number.to_string(), egui::FontId::proportional(13.0), color);
    let at = p + Vec2::new(9.0, -9.0 - text.size().y);
    painter.rect_filled(
        Rect::from_min_size(at, text.size()).expand(2.0),
        2.0,
        Color32::from_black_alpha(170),
    );
    painter.galley(at, text, color);
}
