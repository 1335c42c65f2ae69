//! Footprints drawn over a pane at their site coordinates. Only those the spatial index says
//! are in view are visited, and fills use triangulations cached in site space (concave L and U
//! halls fill exactly), so a frame costs what is visible, not what the site holds. Each change
//! kind has a colour, a line pattern and a letter, so that nothing relies on colour alone.

use crate::app::state::Side;
use crate::app::theme::{
    CONFLICT_COLOR, LinePattern, SELECTED_COLOR, kind_color, kind_letter, kind_pattern,
};
use crate::app::view::ViewTransform;
use crate::editing::OutlineRef;
use crate::editing::derived::Triangulations;
use crate::editing::index::SiteIndex;
use crate::editing::selection::Selection;
use crate::model::{
    BoundingBox, Footprint, FootprintConflict, FootprintId, ImageId, Point, Polygon, Site,
};
use egui::{Color32, FontId, Mesh, Pos2, Rect, Shape, Stroke, epaint::Vertex};

/// Which outlines a pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineChoice {
    /// The outline of this date (the after-outline in the after pane where there is one).
    Date(Side),
    /// Both dates, for overlay: the after-outline strongly and the outline faintly.
    Both,
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

/// What painting footprints reads.
pub struct FootprintLayer<'a> {
    pub site: &'a Site,
    pub index: &'a SiteIndex,
    pub pair: (Option<ImageId>, Option<ImageId>),
    pub selection: &'a Selection,
    pub hover: Option<FootprintId>,
}

/// What one pane's footprints cost, for the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FootprintStats {
    pub visited: usize,
    pub drawn: usize,
}

/// Draws the footprints of `layer.site` that are in view of `pane`.
pub fn paint_footprints(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    layer: &FootprintLayer<'_>,
    triangles: &mut Triangulations,
    choice: OutlineChoice,
) -> FootprintStats {
    let clip = painter.clip_rect().intersect(pane);
    let visible = view.visible_site_rect(clip);
    // A little margin so thick strokes at the edge are not cut off early.
    let margin = 4.0 / view.zoom;
    let visible = BoundingBox {
        min: Point::new(visible.min.x - margin, visible.min.y - margin),
        max: Point::new(visible.max.x + margin, visible.max.y + margin),
    };
    let mut ids: Vec<FootprintId> = layer.index.intersecting(&visible).collect();
    ids.sort_unstable();
    // Selected ones last, so they sit on top. A stable partition: a stable sort by "is
    // selected" would ask the selection about each id some 2 log n times.
    let (mut ids, selected): (Vec<_>, Vec<_>) = ids
        .into_iter()
        .partition(|id| !layer.selection.contains(*id));
    ids.extend(selected);
    let mut stats = FootprintStats {
        visited: ids.len(),
        drawn: 0,
    };
    // Room for one speck (4 vertices, 6 indices) per footprint, as when the whole site is in
    // view, so the mesh does not grow by copying itself.
    let mut fills = Mesh::default();
    fills.vertices.reserve(ids.len() * 4);
    fills.indices.reserve(ids.len() * 6);
    let mut strokes: Vec<Shape> = Vec::with_capacity(ids.len() * 2);
    let mut letters: Vec<(Pos2, &'static str, Color32)> = Vec::new();
    // Screen points of the outline at hand, one buffer for all (most become specks, which
    // need no copy of their own).
    let mut points: Vec<Pos2> = Vec::new();
    for id in ids {
        // Through the index: `Site::footprint` scans the whole site for each id.
        let Some(fp) = layer.index.footprint(layer.site, id) else {
            continue;
        };
        let strong = changed_within(layer.site, fp, layer.pair);
        let selected = layer.selection.contains(id);
        let hovered = layer.hover == Some(id);
        let outlines: [(OutlineRef, bool); 2] = match choice {
            OutlineChoice::Date(side) => [
                (OutlineRef::shown(fp, side), true),
                (OutlineRef::Outline, false),
            ],
            OutlineChoice::Both if fp.after_outline.is_some() => [
                (OutlineRef::AfterOutline, true),
                (OutlineRef::Outline, true),
            ],
            OutlineChoice::Both => [(OutlineRef::Outline, true), (OutlineRef::Outline, false)],
        };
        for (n, (which, shown)) in outlines.into_iter().enumerate() {
            if !shown {
                continue;
            }
            let secondary = n == 1;
            let poly = which.get(fp);
            if poly.len() < 2 || !poly.0.iter().all(|p| p.is_finite()) {
                continue;
            }
            points.clear();
            points.extend(poly.0.iter().map(|p| view.site_to_screen(pane, *p)));
            let style = Style {
                color: kind_color(fp.kind),
                pattern: kind_pattern(fp.kind),
                strong: strong || selected,
                selected,
                hovered,
                secondary,
            };
            let size = screen_size(&points);
            if size < 3.0 {
                // A speck at this zoom: one dot carries it.
                let c = points[0];
                fills.add_colored_rect(
                    Rect::from_center_size(c, egui::vec2(2.5, 2.5)),
                    style.stroke_color(),
                );
                stats.drawn += 1;
                continue;
            }
            if !secondary {
                let tri = triangles.get(id, which, poly);
                add_fill(&mut fills, &points, &tri, style.fill_color());
            }
            style.strokes(&points, &mut strokes);
            if !secondary && size > 36.0 {
                let c = poly.centroid().map(|c| view.site_to_screen(pane, c));
                if let Some(c) = c {
                    letters.push((c, kind_letter(fp.kind), style.color));
                }
            }
            stats.drawn += 1;
        }
        if let Some(FootprintConflict::Theirs(theirs)) = &fp.conflict {
            conflict_strokes(
                &theirs.outline,
                |p| view.site_to_screen(pane, p),
                &mut strokes,
            );
        }
    }
    if !fills.indices.is_empty() {
        painter.add(Shape::mesh(fills));
    }
    painter.extend(strokes);
    for (c, letter, color) in letters {
        let font = FontId::proportional(13.0);
        painter.text(
            c + egui::vec2(1.0, 1.0),
            egui::Align2::CENTER_CENTER,
            letter,
            font.clone(),
            Color32::from_black_alpha(200),
        );
        painter.text(c, egui::Align2::CENTER_CENTER, letter, font, color);
    }
    stats
}

/// The other branch's outline of a conflicted footprint: dashed, thin, in the conflict colour.
fn conflict_strokes(outline: &Polygon, to_screen: impl Fn(Point) -> Pos2, out: &mut Vec<Shape>) {
    if outline.len() < 2 || !outline.0.iter().all(|p| p.is_finite()) {
        return;
    }
    let mut closed: Vec<Pos2> = outline.0.iter().map(|p| to_screen(*p)).collect();
    closed.push(closed[0]);
    out.extend(Shape::dashed_line(
        &closed,
        Stroke::new(1.5, CONFLICT_COLOR),
        6.0,
        4.0,
    ));
}

fn screen_size(points: &[Pos2]) -> f32 {
    let (mut min, mut max) = (points[0], points[0]);
    for p in points {
        min = min.min(*p);
        max = max.max(*p);
    }
    (max - min).max_elem()
}

fn add_fill(mesh: &mut Mesh, points: &[Pos2], triangles: &[u32], color: Color32) {
    if triangles.is_empty() || color.a() == 0 {
        return;
    }
    let base = mesh.vertices.len() as u32;
    mesh.vertices.extend(points.iter().map(|p| Vertex {
        pos: *p,
        uv: egui::epaint::WHITE_UV,
        color,
    }));
    mesh.indices.extend(triangles.iter().map(|i| base + i));
}

/// How one outline is drawn.
#[derive(Clone, Copy, Debug)]
struct Style {
    color: Color32,
    pattern: LinePattern,
    /// The change lies between the compared dates (or it is selected).
    strong: bool,
    selected: bool,
    hovered: bool,
    /// The other date's outline in overlay mode: thin and faint.
    secondary: bool,
}

impl Style {
    fn fill_color(&self) -> Color32 {
        // Light enough to see the roof through it.
        let alpha = match (self.selected, self.strong) {
            (true, _) => 0.16,
            (false, true) => 0.12,
            (false, false) => 0.05,
        };
        self.color.gamma_multiply(alpha)
    }

    fn stroke_color(&self) -> Color32 {
        if self.strong || self.hovered {
            self.color
        } else {
            self.color.gamma_multiply(0.55)
        }
    }

    fn strokes(&self, points: &[Pos2], out: &mut Vec<Shape>) {
        let width = match (self.secondary, self.strong || self.hovered) {
            (true, _) => 1.0,
            (false, true) => 2.0,
            (false, false) => 1.2,
        };
        let width = if self.hovered { width + 1.0 } else { width };
        if self.selected && !self.secondary {
            out.push(Shape::closed_line(
                points.to_vec(),
                Stroke::new(width + 4.0, SELECTED_COLOR),
            ));
        }
        // A dark halo under the coloured line keeps it visible on bright roofs.
        out.push(Shape::closed_line(
            points.to_vec(),
            Stroke::new(
                width + 2.0,
                Color32::from_black_alpha(if self.strong { 150 } else { 90 }),
            ),
        ));
        let stroke = Stroke::new(width, self.stroke_color());
        match self.pattern {
            LinePattern::Solid => out.push(Shape::closed_line(points.to_vec(), stroke)),
            LinePattern::Dashed(dash, gap) => {
                let mut closed = points.to_vec();
                closed.push(points[0]);
                out.extend(Shape::dashed_line(&closed, stroke, dash, gap));
            }
        }
    }
}
