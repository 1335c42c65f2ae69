//! Snapping: a point being drawn or dragged jumps to a nearby vertex or edge of an existing
//! footprint, so that neighbouring buildings share walls exactly. A vertex within reach wins
//! over an edge. Holding the no-snap modifier turns it off (the tools decide).

use super::Side;
use super::hit::{HitOptions, HitPart, hit};
use super::index::SiteIndex;
use crate::model::{FootprintId, Point, Site};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapKind {
    Vertex,
    Edge,
}

/// Where a point snapped to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    pub point: Point,
    pub kind: SnapKind,
    /// The footprint snapped to; `None` for the shape's own first corner.
    pub footprint: Option<FootprintId>,
}

/// The snap target for `p` within `tolerance` (site units), ignoring `exclude` (the footprint
/// being edited), or `None`.
pub fn snap(
    site: &Site,
    index: &SiteIndex,
    side: Side,
    p: Point,
    tolerance: f64,
    exclude: Option<FootprintId>,
) -> Option<Snap> {
    let hits = hit(
        site,
        index,
        p,
        HitOptions {
            side,
            tolerance,
            midpoints_of: None,
        },
    );
    hits.iter()
        .filter(|h| Some(h.footprint) != exclude)
        .find_map(|h| match h.part {
            HitPart::Vertex(_) => Some(Snap {
                point: h.point,
                kind: SnapKind::Vertex,
                footprint: Some(h.footprint),
            }),
            HitPart::Edge(_) => Some(Snap {
                point: h.point,
                kind: SnapKind::Edge,
                footprint: Some(h.footprint),
            }),
            _ => None,
        })
}

/// `p` snapped when `enabled` and something is in reach; the snap (for the marker) alongside.
pub fn snapped(
    site: &Site,
    index: &SiteIndex,
    side: Side,
    p: Point,
    tolerance: f64,
    exclude: Option<FootprintId>,
    enabled: bool,
) -> (Point, Option<Snap>) {
    if !enabled {
        return (p, None);
    }
    match snap(site, index, side, p, tolerance, exclude) {
        Some(s) => (s.point, Some(s)),
        None => (p, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, Footprint, ImageId, Polygon, SiteId, Timestamp};

    fn site() -> Site {
        let mut s = Site::new(SiteId(1), "s");
        s.footprints.push(Footprint::new(
            FootprintId(1),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(0.0, 0.0), Point::new(100.0, 50.0)),
            "",
            Timestamp::from_unix(0).unwrap(),
        ));
        s
    }

    #[test]
    fn a_point_near_a_corner_snaps_to_it_and_near_a_wall_onto_the_wall() {
        let s = site();
        let idx = SiteIndex::build(&s);
        let corner = snap(&s, &idx, Side::Before, Point::new(102.0, 51.0), 4.0, None).unwrap();
        assert_eq!(corner.kind, SnapKind::Vertex);
        assert_eq!(corner.point, Point::new(100.0, 50.0));
        let wall = snap(&s, &idx, Side::Before, Point::new(40.0, 53.0), 4.0, None).unwrap();
        assert_eq!(wall.kind, SnapKind::Edge);
        assert_eq!(wall.point, Point::new(40.0, 50.0));
        assert!(snap(&s, &idx, Side::Before, Point::new(40.0, 60.0), 4.0, None).is_none());
    }

    #[test]
    fn snapping_ignores_the_footprint_being_edited_and_can_be_turned_off() {
        let s = site();
        let idx = SiteIndex::build(&s);
        let p = Point::new(102.0, 51.0);
        assert!(snap(&s, &idx, Side::Before, p, 4.0, Some(FootprintId(1))).is_none());
        assert_eq!(
            snapped(&s, &idx, Side::Before, p, 4.0, None, false),
            (p, None)
        );
    }
}
