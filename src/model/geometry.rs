//! Plane geometry on footprint outlines, in site coordinates (f64 pixels, y down).

use serde::{Deserialize, Serialize};

/// A point in site coordinates. Written as a tuple `(x, y)` in the project file.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "(f64, f64)", into = "(f64, f64)")]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}

impl From<(f64, f64)> for Point {
    fn from((x, y): (f64, f64)) -> Self {
        Point { x, y }
    }
}

impl From<Point> for (f64, f64) {
    fn from(p: Point) -> Self {
        (p.x, p.y)
    }
}

/// An axis-aligned rectangle, `min` inclusive, `max` inclusive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundingBox {
    pub min: Point,
    pub max: Point,
}

impl BoundingBox {
    pub fn width(&self) -> f64 {
        self.max.x - self.min.x
    }

    pub fn height(&self) -> f64 {
        self.max.y - self.min.y
    }

    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    pub fn intersects(&self, other: &BoundingBox) -> bool {
        self.min.x <= other.max.x
            && other.min.x <= self.max.x
            && self.min.y <= other.max.y
            && other.min.y <= self.max.y
    }
}

/// A simple polygon: vertices in order, closed implicitly (the last joins the first).
/// Footprint outlines are often concave (L- and U-shaped halls); nothing here assumes convexity.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Polygon(pub Vec<Point>);

/// What makes an outline unusable. The validator reports these per footprint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolygonProblem {
    #[error("has {0} distinct vertices; an outline needs at least 3")]
    TooFewVertices(usize),
    #[error("vertex {0} has a non-finite coordinate (NaN or infinity)")]
    NonFinite(usize),
    #[error("edges {0} and {1} cross each other (self-intersecting outline)")]
    SelfIntersecting(usize, usize),
    #[error("has zero area (all vertices on one line)")]
    ZeroArea,
    #[error("its area is not a finite number (coordinates too large)")]
    AreaNotFinite,
}

impl Polygon {
    pub fn new(points: Vec<Point>) -> Self {
        Polygon(points)
    }

    /// An axis-aligned rectangle from two opposite corners, clockwise on screen (y down).
    pub fn rectangle(a: Point, b: Point) -> Self {
        let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
        let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
        Polygon(vec![
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ])
    }

    pub fn points(&self) -> &[Point] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Edges as (start, end) pairs, including the closing edge.
    pub fn edges(&self) -> impl Iterator<Item = (Point, Point)> + '_ {
        let n = self.0.len();
        (0..n).map(move |i| (self.0[i], self.0[(i + 1) % n]))
    }

    /// Signed area by the shoelace formula: positive when the vertices run clockwise on screen
    /// (y down), i.e. counter-clockwise in the usual math orientation.
    pub fn signed_area(&self) -> f64 {
        if self.0.len() < 3 {
            return 0.0;
        }
        self.edges()
            .map(|(a, b)| a.x * b.y - b.x * a.y)
            .sum::<f64>()
            / 2.0
    }

    /// Area in square site pixels.
    pub fn area(&self) -> f64 {
        self.signed_area().abs()
    }

    /// Length of the closed outline.
    pub fn perimeter(&self) -> f64 {
        if self.0.len() < 2 {
            return 0.0;
        }
        self.edges().map(|(a, b)| a.distance(b)).sum()
    }

    /// Centre of mass of the enclosed area; for a degenerate outline, the mean of its vertices.
    pub fn centroid(&self) -> Option<Point> {
        if self.0.is_empty() {
            return None;
        }
        // Shift to the first vertex to keep precision for far-away coordinates.
        let o = self.0[0];
        let a = self.signed_area();
        if a.abs() > f64::EPSILON {
            let (mut cx, mut cy) = (0.0, 0.0);
            for (p, q) in self.edges() {
                let (px, py, qx, qy) = (p.x - o.x, p.y - o.y, q.x - o.x, q.y - o.y);
                let cross = px * qy - qx * py;
                cx += (px + qx) * cross;
                cy += (py + qy) * cross;
            }
            // The signed area is translation invariant, so it can be reused here.
            Some(Point::new(o.x + cx / (6.0 * a), o.y + cy / (6.0 * a)))
        } else {
            let n = self.0.len() as f64;
            let sx: f64 = self.0.iter().map(|p| p.x).sum();
            let sy: f64 = self.0.iter().map(|p| p.y).sum();
            Some(Point::new(sx / n, sy / n))
        }
    }

    pub fn bounding_box(&self) -> Option<BoundingBox> {
        let first = *self.0.first()?;
        let mut bb = BoundingBox {
            min: first,
            max: first,
        };
        for p in &self.0[1..] {
            bb.min.x = bb.min.x.min(p.x);
            bb.min.y = bb.min.y.min(p.y);
            bb.max.x = bb.max.x.max(p.x);
            bb.max.y = bb.max.y.max(p.y);
        }
        Some(bb)
    }

    /// Point-in-polygon by the even-odd rule (ray casting). Points exactly on an edge may fall
    /// either way; use [`Polygon::distance_to_edges`] for hit tests with a tolerance.
    pub fn contains(&self, p: Point) -> bool {
        if self.0.len() < 3 {
            return false;
        }
        let mut inside = false;
        for (a, b) in self.edges() {
            if (a.y > p.y) != (b.y > p.y) {
                let x_cross = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
                if p.x < x_cross {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Shortest distance from `p` to the outline (0 on an edge), or `None` with no vertices.
    pub fn distance_to_edges(&self, p: Point) -> Option<f64> {
        match self.0.len() {
            0 => None,
            1 => Some(p.distance(self.0[0])),
            _ => self
                .edges()
                .map(|(a, b)| distance_to_segment(p, a, b))
                .min_by(f64::total_cmp),
        }
    }

    /// The vertex nearest to `p`, with its distance.
    pub fn nearest_vertex(&self, p: Point) -> Option<(usize, f64)> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, v)| (i, v.distance(p)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Number of vertices after dropping consecutive duplicates (including last == first).
    pub fn distinct_vertex_count(&self) -> usize {
        let n = self.0.len();
        if n == 0 {
            return 0;
        }
        let mut count = 0;
        for i in 0..n {
            if self.0[i] != self.0[(i + 1) % n] {
                count += 1;
            }
        }
        // A polygon whose vertices are all the same point has one distinct vertex.
        count.max(1)
    }

    /// Every reason this outline cannot be a footprint, in the order checked: coordinates,
    /// vertex count, self-intersection, area.
    pub fn problems(&self) -> Vec<PolygonProblem> {
        let mut out = Vec::new();
        if let Some(i) = self.0.iter().position(|p| !p.is_finite()) {
            out.push(PolygonProblem::NonFinite(i));
            return out;
        }
        if !self.area().is_finite() {
            out.push(PolygonProblem::AreaNotFinite);
            return out;
        }
        let distinct = self.distinct_vertex_count();
        if distinct < 3 {
            out.push(PolygonProblem::TooFewVertices(distinct));
            return out;
        }
        if let Some((i, j)) = self.first_self_intersection() {
            // A bow-tie's lobes cancel in the signed area; it is self-intersecting, not flat.
            out.push(PolygonProblem::SelfIntersecting(i, j));
        } else if self.area() <= 0.0 {
            out.push(PolygonProblem::ZeroArea);
        }
        out
    }

    pub fn is_valid(&self) -> bool {
        self.problems().is_empty()
    }

    /// A pair of non-adjacent edges that touch or cross, by edge index, or adjacent edges that
    /// fold back onto each other; `None` when the outline is simple. O(n log n) (a sweep), so
    /// an outline of any size is checked quickly.
    pub fn first_self_intersection(&self) -> Option<(usize, usize)> {
        super::self_intersection::first_self_intersection(&self.0)
    }

    /// Moves every vertex by `f`.
    pub fn map(&self, f: impl Fn(Point) -> Point) -> Polygon {
        Polygon(self.0.iter().map(|p| f(*p)).collect())
    }
}

impl Polygon {
    /// The same outline moved by `(dx, dy)`.
    pub fn translated(&self, dx: f64, dy: f64) -> Polygon {
        self.map(|p| Point::new(p.x + dx, p.y + dy))
    }

    /// True when the two outlines share interior area, not just an edge or a corner: a proper
    /// crossing of edges, or a vertex, edge midpoint or centroid of one strictly inside the
    /// other. Two buildings snapped wall to wall do not overlap.
    pub fn interiors_overlap(&self, other: &Polygon) -> bool {
        let (Some(a), Some(b)) = (self.bounding_box(), other.bounding_box()) else {
            return false;
        };
        if !a.intersects(&b) || self.len() < 3 || other.len() < 3 {
            return false;
        }
        let scale = a
            .width()
            .max(a.height())
            .max(b.width())
            .max(b.height())
            .max(1.0);
        let eps = scale * 1e-9;
        for (p, q) in self.edges() {
            for (r, s) in other.edges() {
                if segments_cross_properly(p, q, r, s) {
                    return true;
                }
            }
        }
        let strictly_inside = |poly: &Polygon, p: Point| {
            poly.contains(p) && poly.distance_to_edges(p).is_some_and(|d| d > eps)
        };
        let probes = |poly: &Polygon| -> Vec<Point> {
            let mut v: Vec<Point> = poly.0.clone();
            v.extend(
                poly.edges()
                    .map(|(p, q)| Point::new((p.x + q.x) / 2.0, (p.y + q.y) / 2.0)),
            );
            v.extend(poly.centroid());
            v
        };
        probes(self).into_iter().any(|p| strictly_inside(other, p))
            || probes(other).into_iter().any(|p| strictly_inside(self, p))
    }

    /// True when every vertex lies within `bounds`.
    pub fn is_within(&self, bounds: &BoundingBox) -> bool {
        self.0.iter().all(|p| bounds.contains(*p))
    }

    /// The outline with vertex `i` removed, or `None` when that would leave fewer than 3.
    pub fn without_vertex(&self, i: usize) -> Option<Polygon> {
        if self.0.len() <= 3 || i >= self.0.len() {
            return None;
        }
        let mut v = self.0.clone();
        v.remove(i);
        Some(Polygon(v))
    }

    /// The outline with `p` inserted after vertex `i` (on edge `i`).
    pub fn with_vertex_after(&self, i: usize, p: Point) -> Polygon {
        let mut v = self.0.clone();
        let at = (i + 1).min(v.len());
        v.insert(at, p);
        Polygon(v)
    }

    /// The outline with vertex `i` moved to `p`.
    pub fn with_vertex_at(&self, i: usize, p: Point) -> Polygon {
        let mut v = self.0.clone();
        if let Some(slot) = v.get_mut(i) {
            *slot = p;
        }
        Polygon(v)
    }

    /// The outline without consecutive vertices closer than `tolerance` (the closing pair
    /// included): what a double-click at the last vertex leaves behind.
    pub fn without_near_duplicates(&self, tolerance: f64) -> Polygon {
        let mut v: Vec<Point> = Vec::with_capacity(self.0.len());
        for p in &self.0 {
            if v.last().is_none_or(|q: &Point| q.distance(*p) > tolerance) {
                v.push(*p);
            }
        }
        while v.len() > 1 && v[0].distance(v[v.len() - 1]) <= tolerance {
            v.pop();
        }
        Polygon(v)
    }
}

/// The point of segment `a`-`b` nearest to `p`, and how far along it lies (0 at `a`, 1 at `b`).
pub fn closest_point_on_segment(p: Point, a: Point, b: Point) -> (Point, f64) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return (a, 0.0);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    (Point::new(a.x + t * dx, a.y + t * dy), t)
}

/// True when the open segments cross at a single point inside both (not at an endpoint, not
/// collinear).
fn segments_cross_properly(a: Point, b: Point, c: Point, d: Point) -> bool {
    let d1 = orient(c, d, a);
    let d2 = orient(c, d, b);
    let d3 = orient(a, b, c);
    let d4 = orient(a, b, d);
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

/// Distance from `p` to the segment `a`-`b`.
pub fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return p.distance(a);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    p.distance(Point::new(a.x + t * dx, a.y + t * dy))
}

pub(super) fn orient(a: Point, b: Point, c: Point) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

fn on_segment(a: Point, b: Point, p: Point) -> bool {
    p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x) && p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y)
}

/// True when the closed segments `a`-`b` and `c`-`d` share at least one point.
pub fn segments_intersect(a: Point, b: Point, c: Point, d: Point) -> bool {
    let d1 = orient(c, d, a);
    let d2 = orient(c, d, b);
    let d3 = orient(a, b, c);
    let d4 = orient(a, b, d);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(c, d, a))
        || (d2 == 0.0 && on_segment(c, d, b))
        || (d3 == 0.0 && on_segment(a, b, c))
        || (d4 == 0.0 && on_segment(a, b, d))
}

/// Two segments sharing an endpoint that lie on one line and overlap beyond that endpoint
/// (a spike that folds back).
pub(super) fn collinear_overlap(a: Point, b: Point, c: Point, d: Point) -> bool {
    if orient(a, b, c) != 0.0 || orient(a, b, d) != 0.0 {
        return false;
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let t = |p: Point| (p.x - a.x) * dx + (p.y - a.y) * dy;
    let len2 = dx * dx + dy * dy;
    let (mut lo, mut hi) = (t(c), t(d));
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    // Overlap of [0, len2] and [lo, hi] longer than a single point.
    hi.min(len2) - lo.max(0.0) > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly(pts: &[(f64, f64)]) -> Polygon {
        Polygon(pts.iter().map(|&p| p.into()).collect())
    }

    fn l_shape() -> Polygon {
        // An L-shaped hall: 10x10 square with the top-right 5x5 quarter missing.
        poly(&[
            (0.0, 0.0),
            (5.0, 0.0),
            (5.0, 5.0),
            (10.0, 5.0),
            (10.0, 10.0),
            (0.0, 10.0),
        ])
    }

    #[test]
    fn a_rectangle_has_the_expected_area_perimeter_and_centroid() {
        let r = Polygon::rectangle(Point::new(10.0, 20.0), Point::new(0.0, 0.0));
        assert_eq!(r.area(), 200.0);
        assert_eq!(r.perimeter(), 60.0);
        assert_eq!(r.centroid(), Some(Point::new(5.0, 10.0)));
        let bb = r.bounding_box().unwrap();
        assert_eq!((bb.width(), bb.height()), (10.0, 20.0));
    }

    #[test]
    fn area_does_not_depend_on_winding_order() {
        let mut p = l_shape();
        let a = p.area();
        p.0.reverse();
        assert_eq!(p.area(), a);
        assert_eq!(a, 75.0);
    }

    #[test]
    fn the_centroid_of_an_l_shape_lies_towards_its_heavy_corner() {
        let c = l_shape().centroid().unwrap();
        // Exact: the 10x10 square minus the 5x5 square at (7.5, 2.5).
        let expect_x = (100.0 * 5.0 - 25.0 * 7.5) / 75.0;
        let expect_y = (100.0 * 5.0 - 25.0 * 2.5) / 75.0;
        assert!((c.x - expect_x).abs() < 1e-9 && (c.y - expect_y).abs() < 1e-9);
    }

    #[test]
    fn point_in_polygon_respects_the_notch_of_a_concave_outline() {
        let l = l_shape();
        assert!(l.contains(Point::new(2.0, 2.0)));
        assert!(l.contains(Point::new(8.0, 8.0)));
        assert!(
            !l.contains(Point::new(8.0, 2.0)),
            "the missing quarter is outside"
        );
        assert!(!l.contains(Point::new(-1.0, 5.0)));
    }

    #[test]
    fn distance_to_edges_is_zero_on_the_outline_and_positive_off_it() {
        let l = l_shape();
        assert_eq!(l.distance_to_edges(Point::new(5.0, 2.0)), Some(0.0));
        assert_eq!(l.distance_to_edges(Point::new(8.0, 2.0)), Some(3.0));
        assert_eq!(l.distance_to_edges(Point::new(-3.0, 14.0)), Some(5.0));
    }

    #[test]
    fn a_valid_l_shape_has_no_problems() {
        assert!(l_shape().problems().is_empty());
    }

    #[test]
    fn a_bow_tie_is_self_intersecting() {
        let bow = poly(&[(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)]);
        let problems = bow.problems();
        assert!(
            matches!(problems[..], [PolygonProblem::SelfIntersecting(_, _)]),
            "{problems:?}"
        );
    }

    #[test]
    fn repeated_vertices_do_not_count_towards_the_minimum_of_three() {
        let p = poly(&[(0.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 0.0)]);
        assert_eq!(p.problems(), vec![PolygonProblem::TooFewVertices(2)]);
        // A repeated vertex inside an otherwise fine outline is tolerated.
        let q = poly(&[(0.0, 0.0), (4.0, 0.0), (4.0, 0.0), (4.0, 4.0)]);
        assert!(q.problems().is_empty(), "{:?}", q.problems());
    }

    #[test]
    fn non_finite_coordinates_are_reported_with_their_vertex() {
        let p = poly(&[(0.0, 0.0), (f64::NAN, 1.0), (1.0, 1.0)]);
        assert_eq!(p.problems(), vec![PolygonProblem::NonFinite(1)]);
    }

    #[test]
    fn collinear_vertices_have_zero_area() {
        let p = poly(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]);
        assert!(p.problems().contains(&PolygonProblem::ZeroArea));
    }

    #[test]
    fn a_spike_that_folds_back_on_itself_is_self_intersecting() {
        let p = poly(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (10.0, 5.0),
            (0.0, 10.0),
        ]);
        assert!(p.first_self_intersection().is_some());
    }

    #[test]
    fn buildings_sharing_a_wall_do_not_overlap_but_nested_or_crossing_ones_do() {
        let a = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 10.0));
        let wall = Polygon::rectangle(Point::new(10.0, 0.0), Point::new(20.0, 10.0));
        let corner = Polygon::rectangle(Point::new(10.0, 10.0), Point::new(20.0, 20.0));
        let crossing = Polygon::rectangle(Point::new(5.0, 5.0), Point::new(15.0, 15.0));
        let inner = Polygon::rectangle(Point::new(2.0, 2.0), Point::new(4.0, 4.0));
        let far = Polygon::rectangle(Point::new(50.0, 50.0), Point::new(60.0, 60.0));
        assert!(!a.interiors_overlap(&wall));
        assert!(!a.interiors_overlap(&corner));
        assert!(a.interiors_overlap(&crossing));
        assert!(a.interiors_overlap(&inner) && inner.interiors_overlap(&a));
        assert!(
            a.interiors_overlap(&a.clone()),
            "an exact duplicate overlaps"
        );
        assert!(!a.interiors_overlap(&far));
        // A plus sign made of two bars: edges cross, no vertex of either inside the other.
        let h = Polygon::rectangle(Point::new(0.0, 4.0), Point::new(10.0, 6.0));
        let v = Polygon::rectangle(Point::new(4.0, 0.0), Point::new(6.0, 10.0));
        assert!(h.interiors_overlap(&v));
    }

    #[test]
    fn vertices_are_removed_only_down_to_three() {
        let r = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(4.0, 4.0));
        let t = r.without_vertex(1).unwrap();
        assert_eq!(t.len(), 3);
        assert!(t.without_vertex(0).is_none());
        let five = r.with_vertex_after(0, Point::new(2.0, 0.0));
        assert_eq!(five.0[1], Point::new(2.0, 0.0));
        assert_eq!(five.area(), r.area());
    }

    #[test]
    fn a_double_click_at_the_last_vertex_leaves_no_duplicate() {
        let p = poly(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (10.1, 10.0),
            (0.05, 0.0),
        ]);
        assert_eq!(
            p.without_near_duplicates(0.5),
            poly(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)])
        );
    }
}
