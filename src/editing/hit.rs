//! What lies under a point: every footprint near it, best first. Vertices beat edge midpoint
//! handles, which beat edges, which beat interiors; among interiors the smallest footprint wins,
//! so a building nested in a compound can be picked (as JOSM's `getNearestWays` sorts by
//! distance and rerun's picking returns sorted hits).

use super::index::SiteIndex;
use super::{OutlineRef, Side};
use crate::model::geometry::closest_point_on_segment;
use crate::model::{FootprintId, Point, Site};
use std::collections::BTreeSet;

/// Which part of a footprint was hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitPart {
    /// Vertex `i` of the outline.
    Vertex(usize),
    /// The midpoint handle of edge `i` (from vertex `i` to `i + 1`): dragging it inserts a vertex.
    Midpoint(usize),
    /// Edge `i`, anywhere along it.
    Edge(usize),
    /// Inside the outline.
    Interior,
}

impl HitPart {
    fn rank(self) -> u8 {
        match self {
            HitPart::Vertex(_) => 0,
            HitPart::Midpoint(_) => 1,
            HitPart::Edge(_) => 2,
            HitPart::Interior => 3,
        }
    }
}

/// One footprint under the point, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub footprint: FootprintId,
    /// The polygon hit: the one the pane's date shows.
    pub outline: OutlineRef,
    pub part: HitPart,
    /// Distance from the point to the part hit (0 inside).
    pub distance: f64,
    /// Area of the polygon hit, to prefer the smallest of nested footprints.
    pub area: f64,
    /// The vertex, the midpoint, or the nearest point on the edge; the point itself inside.
    pub point: Point,
}

/// How to hit test.
#[derive(Clone, Copy, Debug)]
pub struct HitOptions<'a> {
    /// Which date the pane shows (which outline of a renovation counts).
    pub side: Side,
    /// How far from a vertex or edge still counts, in site units (a few screen pixels).
    pub tolerance: f64,
    /// Footprints whose edge midpoint handles are shown (the selected ones).
    pub midpoints_of: Option<&'a BTreeSet<FootprintId>>,
}

/// Every footprint of `site` under `p`, best first (one hit per footprint, its best part).
pub fn hit(site: &Site, index: &SiteIndex, p: Point, opts: HitOptions<'_>) -> Vec<Hit> {
    let tol = opts.tolerance.max(0.0);
    let mut hits: Vec<Hit> = Vec::new();
    for id in index.near(p, tol) {
        let Some(fp) = site.footprint(id) else {
            continue;
        };
        let which = OutlineRef::shown(fp, opts.side);
        let poly = which.get(fp);
        if poly.is_empty() {
            continue;
        }
        let area = poly.area();
        let mut best: Option<Hit> = None;
        let mut consider = |part: HitPart, distance: f64, point: Point| {
            let h = Hit {
                footprint: id,
                outline: which,
                part,
                distance,
                area,
                point,
            };
            if best.is_none_or(|b| better(&h, &b)) {
                best = Some(h);
            }
        };
        if let Some((i, d)) = poly.nearest_vertex(p)
            && d <= tol
        {
            consider(HitPart::Vertex(i), d, poly.0[i]);
        }
        let handles = opts.midpoints_of.is_some_and(|s| s.contains(&id));
        for (i, (a, b)) in poly.edges().enumerate() {
            let (q, _) = closest_point_on_segment(p, a, b);
            let d = q.distance(p);
            if d <= tol {
                consider(HitPart::Edge(i), d, q);
            }
            // Midpoint handles only on edges long enough to keep them apart from the vertices.
            if handles && a.distance(b) > 4.0 * tol {
                let mid = Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                let d = mid.distance(p);
                if d <= tol {
                    consider(HitPart::Midpoint(i), d, mid);
                }
            }
        }
        if poly.contains(p) {
            consider(HitPart::Interior, 0.0, p);
        }
        hits.extend(best);
    }
    hits.sort_by(|a, b| {
        if better(a, b) {
            std::cmp::Ordering::Less
        } else if better(b, a) {
            std::cmp::Ordering::Greater
        } else {
            a.footprint.cmp(&b.footprint)
        }
    });
    hits
}

/// Strictly better: a stronger part, then nearer, then smaller.
fn better(a: &Hit, b: &Hit) -> bool {
    let (ra, rb) = (a.part.rank(), b.part.rank());
    if ra != rb {
        return ra < rb;
    }
    if a.part != HitPart::Interior && a.distance != b.distance {
        return a.distance < b.distance;
    }
    a.area < b.area
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, Footprint, ImageId, Polygon, SiteId, Timestamp};

    fn site() -> Site {
        let mut s = Site::new(SiteId(1), "s");
        let mut add = |id: u32, a: (f64, f64), b: (f64, f64)| {
            s.footprints.push(Footprint::new(
                FootprintId(id),
                ChangeKind::New,
                ImageId(1),
                ImageId(2),
                Polygon::rectangle(a.into(), b.into()),
                "",
                Timestamp::from_unix(0).unwrap(),
            ));
        };
        add(1, (0.0, 0.0), (100.0, 100.0)); // A compound.
        add(2, (20.0, 20.0), (40.0, 40.0)); // A building inside it.
        add(3, (200.0, 0.0), (260.0, 40.0));
        s
    }

    fn opts(tol: f64) -> HitOptions<'static> {
        HitOptions {
            side: Side::Before,
            tolerance: tol,
            midpoints_of: None,
        }
    }

    #[test]
    fn inside_nested_footprints_the_smallest_comes_first() {
        let s = site();
        let idx = SiteIndex::build(&s);
        let hits = hit(&s, &idx, Point::new(30.0, 30.0), opts(2.0));
        let ids: Vec<_> = hits.iter().map(|h| h.footprint).collect();
        assert_eq!(ids, vec![FootprintId(2), FootprintId(1)]);
        assert!(hits.iter().all(|h| h.part == HitPart::Interior));
    }

    #[test]
    fn a_vertex_beats_an_edge_beats_an_interior() {
        let s = site();
        let idx = SiteIndex::build(&s);
        // Near F2's top-left corner, inside F1.
        let hits = hit(&s, &idx, Point::new(21.0, 20.5), opts(2.0));
        assert_eq!(hits[0].footprint, FootprintId(2));
        assert_eq!(hits[0].part, HitPart::Vertex(0));
        assert_eq!(hits[0].point, Point::new(20.0, 20.0));
        assert_eq!(hits[1].part, HitPart::Interior);
        // On F3's bottom edge, away from its corners.
        let hits = hit(&s, &idx, Point::new(230.0, 41.0), opts(2.0));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].part, HitPart::Edge(2));
        assert_eq!(hits[0].point, Point::new(230.0, 40.0));
        // Nothing out in the open.
        assert!(hit(&s, &idx, Point::new(150.0, 50.0), opts(2.0)).is_empty());
    }

    #[test]
    fn midpoint_handles_only_show_on_selected_footprints() {
        let s = site();
        let idx = SiteIndex::build(&s);
        let at = Point::new(230.0, 0.5);
        assert_eq!(hit(&s, &idx, at, opts(2.0))[0].part, HitPart::Edge(0));
        let selected = BTreeSet::from([FootprintId(3)]);
        let hits = hit(
            &s,
            &idx,
            at,
            HitOptions {
                midpoints_of: Some(&selected),
                ..opts(2.0)
            },
        );
        assert_eq!(hits[0].part, HitPart::Midpoint(0));
        assert_eq!(hits[0].point, Point::new(230.0, 0.0));
    }

    #[test]
    fn the_after_pane_hits_the_after_outline_of_a_renovation() {
        let mut s = site();
        s.footprints[2].after_outline = Some(Polygon::rectangle(
            Point::new(200.0, 0.0),
            Point::new(300.0, 40.0),
        ));
        let idx = SiteIndex::build(&s);
        let p = Point::new(280.0, 20.0);
        assert!(hit(&s, &idx, p, opts(1.0)).is_empty());
        let after = hit(
            &s,
            &idx,
            p,
            HitOptions {
                side: Side::After,
                ..opts(1.0)
            },
        );
        assert_eq!(after[0].footprint, FootprintId(3));
        assert_eq!(after[0].outline, OutlineRef::AfterOutline);
    }
}
