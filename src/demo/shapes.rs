//! Plan-view shapes of the demo scene, in the 2048-unit reference frame (one unit is half a
//! metre on the ground). Every object on the site is one of these, so point tests, shadow tests
//! and distances to the edge are written once.

use super::noise::Noise;

/// The outline of one object or ground patch.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    Rect {
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
    },
    /// A simple polygon (L- and U-shaped halls), with its bounding box cached.
    Poly {
        pts: Vec<[f32; 2]>,
        bbox: [f32; 4],
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
    },
    /// A tree crown: a circle with a ragged edge and, where `density < 1`, gaps between bare
    /// winter branches through which the ground shows.
    Crown {
        cx: f32,
        cy: f32,
        r: f32,
        density: f32,
        noise: Noise,
    },
    /// A river: everything within `half_width` of the meandering centre line
    /// `y = base + sum(amp * sin(freq * x + phase))`.
    Meander {
        base: f32,
        half_width: f32,
        waves: [[f32; 3]; 2],
    },
}

impl Shape {
    pub(crate) fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape::Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    pub(crate) fn poly(pts: &[(f32, f32)]) -> Shape {
        let pts: Vec<[f32; 2]> = pts.iter().map(|&(x, y)| [x, y]).collect();
        let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        for p in &pts {
            bbox = [
                bbox[0].min(p[0]),
                bbox[1].min(p[1]),
                bbox[2].max(p[0]),
                bbox[3].max(p[1]),
            ];
        }
        Shape::Poly { pts, bbox }
    }

    /// `[x0, y0, x1, y1]` enclosing the shape.
    pub(crate) fn bbox(&self) -> [f32; 4] {
        match self {
            Shape::Rect { x0, y0, x1, y1 } => [*x0, *y0, *x1, *y1],
            Shape::Poly { bbox, .. } => *bbox,
            Shape::Circle { cx, cy, r } | Shape::Crown { cx, cy, r, .. } => {
                [cx - r, cy - r, cx + r, cy + r]
            }
            Shape::Meander {
                base,
                half_width,
                waves,
            } => {
                let reach = half_width + waves[0][0].abs() + waves[1][0].abs();
                [-1e4, base - reach, 1e4, base + reach]
            }
        }
    }

    pub(crate) fn contains(&self, x: f32, y: f32) -> bool {
        match self {
            Shape::Rect { x0, y0, x1, y1 } => x >= *x0 && x < *x1 && y >= *y0 && y < *y1,
            Shape::Poly { pts, bbox } => {
                if x < bbox[0] || x >= bbox[2] || y < bbox[1] || y >= bbox[3] {
                    return false;
                }
                let mut inside = false;
                let mut j = pts.len() - 1;
                for i in 0..pts.len() {
                    let (a, b) = (pts[i], pts[j]);
                    if (a[1] > y) != (b[1] > y) {
                        let cross = a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                        if x < cross {
                            inside = !inside;
                        }
                    }
                    j = i;
                }
                inside
            }
            Shape::Circle { cx, cy, r } => (x - cx).powi(2) + (y - cy).powi(2) < r * r,
            Shape::Crown {
                cx,
                cy,
                r,
                density,
                noise,
            } => {
                let d2 = (x - cx).powi(2) + (y - cy).powi(2);
                if d2 >= r * r {
                    return false;
                }
                // A ragged edge: the crown reaches between 80 and 100 % of its radius.
                let edge = r * (0.8 + 0.2 * noise.value(x * 0.45, y * 0.45));
                if d2 >= edge * edge {
                    return false;
                }
                *density >= 1.0 || noise.with(1).value(x * 1.1, y * 1.1) < *density
            }
            Shape::Meander {
                base,
                half_width,
                waves,
            } => (y - meander_centre(*base, waves, x)).abs() < *half_width,
        }
    }

    /// Whether the segment `a`-`b` touches the shape: the shadow test (a point is in shadow when
    /// the segment from it towards the sun, between the object's base and top, meets the object).
    pub(crate) fn hit_by_segment(&self, a: [f32; 2], b: [f32; 2]) -> bool {
        let bb = self.bbox();
        if a[0].max(b[0]) < bb[0]
            || a[0].min(b[0]) > bb[2]
            || a[1].max(b[1]) < bb[1]
            || a[1].min(b[1]) > bb[3]
        {
            return false;
        }
        match self {
            Shape::Rect { x0, y0, x1, y1 } => clip_segment_to_rect(a, b, [*x0, *y0, *x1, *y1]),
            Shape::Poly { pts, .. } => {
                if self.contains(a[0], a[1]) || self.contains(b[0], b[1]) {
                    return true;
                }
                let mut j = pts.len() - 1;
                for i in 0..pts.len() {
                    if segments_cross(a, b, pts[j], pts[i]) {
                        return true;
                    }
                    j = i;
                }
                false
            }
            Shape::Circle { cx, cy, r } => distance_to_segment([*cx, *cy], a, b) < *r,
            // Foliage casts a slightly smaller, rounder shadow than its ragged outline.
            Shape::Crown { cx, cy, r, .. } => distance_to_segment([*cx, *cy], a, b) < 0.85 * r,
            Shape::Meander { .. } => false,
        }
    }

    /// Distance from an inside point to the outline, for roof edges and parapets.
    pub(crate) fn edge_distance(&self, x: f32, y: f32) -> f32 {
        match self {
            Shape::Rect { x0, y0, x1, y1 } => (x - x0).min(x1 - x).min(y - y0).min(y1 - y),
            Shape::Poly { pts, .. } => {
                let mut best = f32::MAX;
                let mut j = pts.len() - 1;
                for i in 0..pts.len() {
                    best = best.min(distance_to_segment([x, y], pts[j], pts[i]));
                    j = i;
                }
                best
            }
            Shape::Circle { cx, cy, r } | Shape::Crown { cx, cy, r, .. } => {
                r - ((x - cx).powi(2) + (y - cy).powi(2)).sqrt()
            }
            Shape::Meander {
                base,
                half_width,
                waves,
            } => half_width - (y - meander_centre(*base, waves, x)).abs(),
        }
    }
}

pub(crate) fn meander_centre(base: f32, waves: &[[f32; 3]; 2], x: f32) -> f32 {
    base + waves
        .iter()
        .map(|[amp, freq, phase]| amp * (freq * x + phase).sin())
        .sum::<f32>()
}

fn distance_to_segment(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p[0] - a[0] - t * dx).powi(2) + (p[1] - a[1] - t * dy).powi(2)).sqrt()
}

/// Liang-Barsky: does any part of segment `a`-`b` lie inside the rectangle?
fn clip_segment_to_rect(a: [f32; 2], b: [f32; 2], r: [f32; 4]) -> bool {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for axis in 0..2 {
        let (lo, hi) = (r[axis], r[axis + 2]);
        if d[axis] == 0.0 {
            if a[axis] < lo || a[axis] >= hi {
                return false;
            }
            continue;
        }
        let (mut ta, mut tb) = ((lo - a[axis]) / d[axis], (hi - a[axis]) / d[axis]);
        if ta > tb {
            std::mem::swap(&mut ta, &mut tb);
        }
        t0 = t0.max(ta);
        t1 = t1.min(tb);
        if t0 > t1 {
            return false;
        }
    }
    true
}

fn segments_cross(a: [f32; 2], b: [f32; 2], c: [f32; 2], d: [f32; 2]) -> bool {
    let orient = |p: [f32; 2], q: [f32; 2], r: [f32; 2]| {
        (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    };
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    (d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l_hall() -> Shape {
        Shape::poly(&[
            (0.0, 0.0),
            (100.0, 0.0),
            (100.0, 40.0),
            (40.0, 40.0),
            (40.0, 100.0),
            (0.0, 100.0),
        ])
    }

    #[test]
    fn the_notch_of_an_l_shaped_hall_is_outside_it() {
        let l = l_hall();
        assert!(l.contains(20.0, 80.0));
        assert!(l.contains(80.0, 20.0));
        assert!(!l.contains(80.0, 80.0));
    }

    #[test]
    fn a_shadow_ray_crossing_the_notch_hits_the_far_wing() {
        let l = l_hall();
        assert!(l.hit_by_segment([80.0, 80.0], [80.0, 20.0]));
        assert!(!l.hit_by_segment([80.0, 80.0], [80.0, 60.0]));
    }

    #[test]
    fn a_segment_through_a_rectangle_hits_it_even_with_both_ends_outside() {
        let r = Shape::rect(10.0, 10.0, 20.0, 20.0);
        assert!(r.hit_by_segment([0.0, 15.0], [30.0, 15.0]));
        assert!(!r.hit_by_segment([0.0, 25.0], [30.0, 25.0]));
        assert!(!r.hit_by_segment([0.0, 0.0], [9.0, 9.0]));
    }

    #[test]
    fn edge_distance_is_measured_to_the_nearest_side() {
        let r = Shape::rect(0.0, 0.0, 10.0, 20.0);
        assert_eq!(r.edge_distance(2.0, 10.0), 2.0);
        assert_eq!(l_hall().edge_distance(45.0, 35.0), 5.0);
    }
}
