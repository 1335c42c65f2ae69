//! Footprints drawn over a pane at their site coordinates. Outlines are often concave (L- and
//! U-shaped halls), so the fill goes through an ear-clipping triangulation (earcutr) rather than
//! egui's convex polygon fill, and the outline is stroked separately.

use super::view::ViewTransform;
use crate::model::{ChangeKind, Footprint, ImageId, Polygon, Site};
use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke, epaint::Vertex};

/// The colour of each change kind, used everywhere footprints appear.
pub fn kind_color(kind: ChangeKind) -> Color32 {
    match kind {
        ChangeKind::Demolished => Color32::from_rgb(235, 64, 52),
        ChangeKind::New => Color32::from_rgb(60, 200, 90),
        ChangeKind::Renovated => Color32::from_rgb(245, 175, 40),
    }
}

/// Which outline of a footprint a pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineChoice {
    /// The outline as it was (before pane).
    Before,
    /// The after-outline where there is one (after pane).
    After,
    /// Both, for single-pane modes that show both dates.
    Both,
}

/// Fill triangles for a simple polygon given in screen points; empty if it cannot be
/// triangulated (degenerate outlines are still stroked).
pub fn triangulate(points: &[Pos2]) -> Vec<usize> {
    if points.len() < 3 {
        return Vec::new();
    }
    let flat: Vec<f64> = points
        .iter()
        .flat_map(|p| [p.x as f64, p.y as f64])
        .collect();
    earcutr::earcut(&flat, &[], 2).unwrap_or_default()
}

/// True when the footprint's change happened between the two compared images: its own pair is
/// the compared pair, or lies within the compared dates. Such footprints are drawn strongly.
pub fn changed_within(
    site: &Site,
    fp: &Footprint,
    pair: (Option<ImageId>, Option<ImageId>),
) -> bool {
    if pair == (Some(fp.before), Some(fp.after)) {
        return true;
    }
    let date = |id: Option<ImageId>| id.and_then(|i| site.image(i)).map(|img| img.date);
    let (Some(from), Some(to)) = (date(pair.0), date(pair.1)) else {
        return false;
    };
    let (Some(fb), Some(fa)) = (date(Some(fp.before)), date(Some(fp.after))) else {
        return false;
    };
    let known = [from, to, fb, fa].iter().all(|d| d.day().is_some());
    known && !from.is_after(&fb) && !fa.is_after(&to)
}

/// Draws every footprint of `site` over a pane. Footprints whose change happened between the
/// compared dates are drawn strongly, the others faintly.
pub fn paint_footprints(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    site: &Site,
    pair: (Option<ImageId>, Option<ImageId>),
    choice: OutlineChoice,
) {
    let visible = view.visible_site_rect(pane);
    for fp in &site.footprints {
        let in_pair = changed_within(site, fp, pair);
        let outlines = outlines_for(fp, choice);
        for (polygon, secondary) in outlines {
            let Some(bb) = polygon.bounding_box() else {
                continue;
            };
            if !bb.intersects(&visible) || !polygon.0.iter().all(|p| p.is_finite()) {
                continue;
            }
            paint_polygon(painter, pane, view, polygon, fp.kind, in_pair, secondary);
        }
    }
}

fn outlines_for(fp: &Footprint, choice: OutlineChoice) -> Vec<(&Polygon, bool)> {
    match (&fp.after_outline, choice) {
        (Some(after), OutlineChoice::After) => vec![(after, false)],
        (Some(after), OutlineChoice::Both) => vec![(&fp.outline, true), (after, false)],
        _ => vec![(&fp.outline, false)],
    }
}

fn paint_polygon(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    polygon: &Polygon,
    kind: ChangeKind,
    strong: bool,
    secondary: bool,
) {
    let color = kind_color(kind);
    let points: Vec<Pos2> = polygon
        .0
        .iter()
        .map(|p| view.site_to_screen(pane, *p))
        .collect();
    let fill_alpha = match (strong, secondary) {
        (true, false) => 0.22,
        (true, true) => 0.0,
        (false, _) => 0.08,
    };
    if fill_alpha > 0.0 {
        let fill = color.gamma_multiply(fill_alpha);
        let mut mesh = Mesh::default();
        for p in &points {
            mesh.vertices.push(Vertex {
                pos: *p,
                uv: egui::epaint::WHITE_UV,
                color: fill,
            });
        }
        mesh.indices = triangulate(&points).into_iter().map(|i| i as u32).collect();
        if !mesh.indices.is_empty() {
            painter.add(Shape::mesh(mesh));
        }
    }
    let width = if strong { 2.0 } else { 1.0 };
    let stroke_color = if strong {
        color
    } else {
        color.gamma_multiply(0.5)
    };
    if secondary {
        let mut closed = points.clone();
        if let Some(first) = points.first() {
            closed.push(*first);
        }
        painter.extend(Shape::dashed_line(
            &closed,
            Stroke::new(width, stroke_color),
            6.0,
            4.0,
        ));
    } else {
        // A dark halo under the coloured line keeps it visible on bright roofs.
        painter.add(Shape::closed_line(
            points.clone(),
            Stroke::new(width + 2.0, Color32::from_black_alpha(140)),
        ));
        painter.add(Shape::closed_line(points, Stroke::new(width, stroke_color)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area_of_triangles(points: &[Pos2], idx: &[usize]) -> f32 {
        idx.chunks(3)
            .map(|t| {
                let (a, b, c) = (points[t[0]], points[t[1]], points[t[2]]);
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn a_u_shaped_hall_is_filled_exactly_not_as_its_convex_hull() {
        // A U: 30 x 20 with a 10 x 12 notch cut from the top middle. Area 600 - 120 = 480.
        let u = [
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 12.0),
            (20.0, 12.0),
            (20.0, 0.0),
            (30.0, 0.0),
            (30.0, 20.0),
            (0.0, 20.0),
        ]
        .map(|(x, y)| Pos2::new(x, y));
        let idx = triangulate(&u);
        assert_eq!(idx.len(), 3 * (u.len() - 2));
        assert!((area_of_triangles(&u, &idx) - 480.0).abs() < 1e-3);
    }

    #[test]
    fn degenerate_outlines_give_no_triangles_and_no_panic() {
        assert!(triangulate(&[Pos2::ZERO, Pos2::new(1.0, 1.0)]).is_empty());
        let line = [Pos2::ZERO, Pos2::new(1.0, 1.0), Pos2::new(2.0, 2.0)];
        let _ = triangulate(&line);
    }
}
