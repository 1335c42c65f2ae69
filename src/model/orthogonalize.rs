//! Squaring a building outline: every corner made exactly 90° (or straight), as JOSM's and iD's
//! "orthogonalize" do, for outlines already close to that. A pure function of the outline.
//!
//! The method: find the outline's dominant direction (edge angles modulo 90°, averaged by
//! length), turn the outline so that direction is horizontal, call every edge horizontal or
//! vertical, give each run of horizontal edges one common y and each run of vertical edges one
//! common x (length-weighted means), and turn back. Each corner vertex then takes its x from its
//! vertical edge and its y from its horizontal edge, which makes the corner exact.

use super::geometry::{Point, Polygon};

/// Corners further than this from 90° or 180° are not squared (iD uses 13°, we allow a little
/// more for hand-clicked outlines on blurry imagery).
pub const SQUARE_TOLERANCE_DEG: f64 = 18.0;

/// Why an outline cannot be squared.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SquareError {
    #[error("the outline has fewer than 4 corners")]
    TooFewCorners,
    #[error(
        "the corner at vertex {vertex} is {angle:.0}°, more than {tolerance:.0}° from a right angle"
    )]
    NotNearRight {
        vertex: usize,
        angle: f64,
        tolerance: f64,
    },
    #[error("squaring would leave an invalid outline ({0})")]
    Degenerate(String),
    #[error("the outline is already square")]
    AlreadySquare,
}

/// The squared outline, or why it cannot be squared. `tolerance_deg` is how far a corner may be
/// from 90° (or 180°, a vertex on a straight wall).
pub fn square_corners(outline: &Polygon, tolerance_deg: f64) -> Result<Polygon, SquareError> {
    let pts = outline.without_near_duplicates(0.0).0;
    let n = pts.len();
    if n < 4 {
        return Err(SquareError::TooFewCorners);
    }
    // Corner angles first: refuse before moving anything.
    for i in 0..n {
        let (prev, here, next) = (pts[(i + n - 1) % n], pts[i], pts[(i + 1) % n]);
        let angle = corner_angle(prev, here, next);
        let off_right = (angle - 90.0).abs();
        let off_straight = (angle - 180.0).abs();
        if off_right > tolerance_deg && off_straight > tolerance_deg {
            return Err(SquareError::NotNearRight {
                vertex: i,
                angle,
                tolerance: tolerance_deg,
            });
        }
    }
    // Dominant direction: average of 4 * angle on the unit circle, weighted by length.
    let (mut sx, mut sy) = (0.0, 0.0);
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        let len = a.distance(b);
        let theta = (b.y - a.y).atan2(b.x - a.x);
        sx += len * (4.0 * theta).cos();
        sy += len * (4.0 * theta).sin();
    }
    let theta = sy.atan2(sx) / 4.0;
    let (c, s) = (theta.cos(), theta.sin());
    let origin = pts[0];
    // Into the frame where the dominant direction is the x axis.
    let local: Vec<Point> = pts
        .iter()
        .map(|p| {
            let (dx, dy) = (p.x - origin.x, p.y - origin.y);
            Point::new(dx * c + dy * s, -dx * s + dy * c)
        })
        .collect();
    // Edge i runs from vertex i to vertex i+1; horizontal when it runs more along x.
    let horizontal: Vec<bool> = (0..n)
        .map(|i| {
            let (a, b) = (local[i], local[(i + 1) % n]);
            (b.x - a.x).abs() >= (b.y - a.y).abs()
        })
        .collect();
    if horizontal.iter().all(|&h| h) || horizontal.iter().all(|&h| !h) {
        return Err(SquareError::Degenerate("all edges run one way".into()));
    }
    // Runs of consecutive edges with the same orientation, starting after a change so that no
    // run wraps around the start.
    let start = (0..n)
        .find(|&i| horizontal[i] != horizontal[(i + n - 1) % n])
        .unwrap_or(0);
    let mut value_of_edge = vec![0.0; n];
    let mut k = 0;
    while k < n {
        let first = (start + k) % n;
        let h = horizontal[first];
        let mut run = vec![first];
        while k + run.len() < n && horizontal[(start + k + run.len()) % n] == h {
            run.push((start + k + run.len()) % n);
        }
        // The common coordinate: y for horizontal runs, x for vertical, weighted by length.
        let (mut sum, mut weight) = (0.0, 0.0);
        for &e in &run {
            let (a, b) = (local[e], local[(e + 1) % n]);
            let len = a.distance(b).max(1e-9);
            let mid = if h {
                (a.y + b.y) / 2.0
            } else {
                (a.x + b.x) / 2.0
            };
            sum += mid * len;
            weight += len;
        }
        for &e in &run {
            value_of_edge[e] = sum / weight;
        }
        k += run.len();
    }
    let squared: Vec<Point> = (0..n)
        .map(|i| {
            let before = (i + n - 1) % n; // The edge arriving at vertex i.
            let after = i; // The edge leaving it.
            let p = local[i];
            let (x, y) = match (horizontal[before], horizontal[after]) {
                (true, false) => (value_of_edge[after], value_of_edge[before]),
                (false, true) => (value_of_edge[before], value_of_edge[after]),
                // On a straight wall: keep the position along it.
                (true, true) => (p.x, value_of_edge[after]),
                (false, false) => (value_of_edge[after], p.y),
            };
            Point::new(origin.x + x * c - y * s, origin.y + x * s + y * c)
        })
        .collect();
    let result = Polygon(squared);
    if let Some(problem) = result.problems().first() {
        return Err(SquareError::Degenerate(problem.to_string()));
    }
    let moved = pts
        .iter()
        .zip(&result.0)
        .map(|(a, b)| a.distance(*b))
        .fold(0.0, f64::max);
    let size = outline
        .bounding_box()
        .map_or(1.0, |b| b.width().max(b.height()));
    if moved <= size * 1e-9 && pts.len() == outline.len() {
        return Err(SquareError::AlreadySquare);
    }
    Ok(result)
}

/// The interior-side angle at `here` between the edges to `prev` and `next`, 0..=180°.
fn corner_angle(prev: Point, here: Point, next: Point) -> f64 {
    let (ax, ay) = (prev.x - here.x, prev.y - here.y);
    let (bx, by) = (next.x - here.x, next.y - here.y);
    let dot = ax * bx + ay * by;
    let cross = ax * by - ay * bx;
    cross.abs().atan2(dot).to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly(pts: &[(f64, f64)]) -> Polygon {
        Polygon(pts.iter().map(|&p| p.into()).collect())
    }

    fn corner_angles(p: &Polygon) -> Vec<f64> {
        let n = p.len();
        (0..n)
            .map(|i| corner_angle(p.0[(i + n - 1) % n], p.0[i], p.0[(i + 1) % n]))
            .collect()
    }

    #[test]
    fn a_hand_clicked_rectangle_gets_exact_right_angles_and_keeps_its_size() {
        let rough = poly(&[(0.0, 0.0), (100.0, 3.0), (98.0, 52.0), (-2.0, 49.0)]);
        let sq = square_corners(&rough, SQUARE_TOLERANCE_DEG).unwrap();
        for a in corner_angles(&sq) {
            assert!((a - 90.0).abs() < 1e-6, "{a}");
        }
        assert!((sq.area() - rough.area()).abs() / rough.area() < 0.03);
        for (a, b) in rough.0.iter().zip(&sq.0) {
            assert!(a.distance(*b) < 4.0, "vertices move only a little");
        }
    }

    #[test]
    fn a_rotated_building_stays_rotated() {
        let t = 30f64.to_radians();
        let rot = |x: f64, y: f64| (x * t.cos() - y * t.sin(), x * t.sin() + y * t.cos());
        let rough = poly(&[
            rot(0.0, 0.0),
            rot(80.0, 2.0),
            rot(81.0, 40.0),
            rot(1.0, 39.0),
        ]);
        let sq = square_corners(&rough, SQUARE_TOLERANCE_DEG).unwrap();
        let (a, b) = (sq.0[0], sq.0[1]);
        let angle = (b.y - a.y).atan2(b.x - a.x).to_degrees();
        assert!((angle - 30.0).abs() < 2.5, "{angle}");
        for a in corner_angles(&sq) {
            assert!((a - 90.0).abs() < 1e-6);
        }
    }

    #[test]
    fn an_l_shaped_hall_keeps_its_six_corners_and_a_wall_vertex_stays_on_its_wall() {
        let l = poly(&[
            (0.0, 0.0),
            (50.0, 1.0),
            (51.0, 30.0),
            (100.0, 31.0),
            (99.0, 80.0),
            (40.0, 79.5), // On the bottom wall, nearly straight.
            (1.0, 81.0),
        ]);
        let sq = square_corners(&l, SQUARE_TOLERANCE_DEG).unwrap();
        assert_eq!(sq.len(), 7);
        let angles = corner_angles(&sq);
        for a in &angles {
            assert!(
                (a - 90.0).abs() < 1e-6 || (a - 180.0).abs() < 1e-6,
                "{angles:?}"
            );
        }
        assert!(sq.is_valid());
    }

    #[test]
    fn a_triangle_or_a_sharp_corner_is_refused_with_the_vertex_named() {
        let tri = poly(&[(0.0, 0.0), (10.0, 0.0), (5.0, 8.0)]);
        assert_eq!(
            square_corners(&tri, SQUARE_TOLERANCE_DEG),
            Err(SquareError::TooFewCorners)
        );
        let skew = poly(&[(0.0, 0.0), (100.0, 0.0), (140.0, 50.0), (40.0, 50.0)]);
        let err = square_corners(&skew, SQUARE_TOLERANCE_DEG).unwrap_err();
        assert!(matches!(err, SquareError::NotNearRight { .. }), "{err}");
        assert!(err.to_string().contains("vertex"), "{err}");
    }

    #[test]
    fn a_square_outline_is_reported_as_already_square() {
        let r = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 20.0));
        assert_eq!(
            square_corners(&r, SQUARE_TOLERANCE_DEG),
            Err(SquareError::AlreadySquare)
        );
    }
}
