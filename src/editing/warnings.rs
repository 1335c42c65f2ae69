//! What may be wrong with a footprint, shown in the inspector, the footprint list and by
//! `sitediff validate`: a self-intersecting or flat outline, one reaching outside the image, one
//! overlapping another footprint of the same change kind (drawn twice?). Warnings never block
//! anything; shapes that cannot be footprints at all are refused when drawn.

use super::index::SiteIndex;
use crate::model::geometry::PolygonProblem;
use crate::model::{BoundingBox, FootprintId, Site};
use std::collections::BTreeMap;
use std::fmt;

/// One thing that looks wrong with a footprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// Its outline (or after-outline) cannot be a footprint: the problem in words.
    BadOutline { after: bool, problem: String },
    /// Some corner lies outside the site's reference image.
    OutsideImage { after: bool },
    /// It overlaps another footprint of the same change kind.
    Overlaps(FootprintId),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = |after: &bool| if *after { "after-outline" } else { "outline" };
        match self {
            Warning::BadOutline { after, problem } => write!(f, "{} {problem}", which(after)),
            Warning::OutsideImage { after } => {
                write!(f, "{} reaches outside the image", which(after))
            }
            Warning::Overlaps(other) => {
                write!(f, "overlaps {other}, which has the same change kind")
            }
        }
    }
}

/// Every warning of every footprint of `site` (footprints without warnings are left out).
/// `extent` is the site's image area, when known.
pub fn site_warnings(
    site: &Site,
    index: &SiteIndex,
    extent: Option<&BoundingBox>,
) -> BTreeMap<FootprintId, Vec<Warning>> {
    let mut out: BTreeMap<FootprintId, Vec<Warning>> = BTreeMap::new();
    for fp in &site.footprints {
        let mut w = Vec::new();
        let polygons = std::iter::once((false, &fp.outline))
            .chain(fp.after_outline.as_ref().map(|p| (true, p)));
        for (after, poly) in polygons {
            let problems = poly.problems();
            for p in &problems {
                let problem = match p {
                    PolygonProblem::SelfIntersecting(..) => {
                        "crosses itself (self-intersecting)".to_string()
                    }
                    other => other.to_string(),
                };
                w.push(Warning::BadOutline { after, problem });
            }
            if let Some(extent) = extent
                && problems.is_empty()
                && !poly.is_within(extent)
            {
                w.push(Warning::OutsideImage { after });
            }
        }
        if let Some(bb) = fp.outline.bounding_box()
            && fp.outline.is_valid()
        {
            for other_id in index.intersecting(&bb) {
                if other_id == fp.id {
                    continue;
                }
                let Some(other) = site.footprint(other_id) else {
                    continue;
                };
                if other.kind == fp.kind
                    && other.outline.is_valid()
                    && fp.outline.interiors_overlap(&other.outline)
                {
                    w.push(Warning::Overlaps(other_id));
                }
            }
        }
        if !w.is_empty() {
            w.sort_by_key(|x| match x {
                Warning::BadOutline { .. } => 0,
                Warning::OutsideImage { .. } => 1,
                Warning::Overlaps(id) => 2 + id.0 as u64,
            });
            out.insert(fp.id, w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, Footprint, ImageId, Point, Polygon, SiteId, Timestamp};

    fn fp(id: u32, kind: ChangeKind, poly: Polygon) -> Footprint {
        Footprint::new(
            FootprintId(id),
            kind,
            ImageId(1),
            ImageId(2),
            poly,
            "",
            Timestamp::from_unix(0).unwrap(),
        )
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon {
        Polygon::rectangle(Point::new(x0, y0), Point::new(x1, y1))
    }

    #[test]
    fn overlaps_of_the_same_kind_are_warned_on_both_and_neighbours_sharing_a_wall_are_not() {
        let mut s = Site::new(SiteId(1), "s");
        s.footprints
            .push(fp(1, ChangeKind::New, rect(0.0, 0.0, 10.0, 10.0)));
        s.footprints
            .push(fp(2, ChangeKind::New, rect(5.0, 5.0, 15.0, 15.0)));
        s.footprints
            .push(fp(3, ChangeKind::Demolished, rect(5.0, 5.0, 15.0, 15.0)));
        s.footprints
            .push(fp(4, ChangeKind::New, rect(15.0, 0.0, 25.0, 5.0)));
        let w = site_warnings(&s, &SiteIndex::build(&s), None);
        assert_eq!(w[&FootprintId(1)], vec![Warning::Overlaps(FootprintId(2))]);
        assert_eq!(w[&FootprintId(2)], vec![Warning::Overlaps(FootprintId(1))]);
        assert!(!w.contains_key(&FootprintId(3)), "another kind may overlap");
        assert!(
            !w.contains_key(&FootprintId(4)),
            "touching at a corner is fine"
        );
    }

    #[test]
    fn a_bow_tie_and_a_footprint_off_the_image_are_warned_in_words() {
        let mut s = Site::new(SiteId(1), "s");
        let bow = Polygon(
            [(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)]
                .map(Point::from)
                .to_vec(),
        );
        s.footprints.push(fp(1, ChangeKind::New, bow));
        s.footprints
            .push(fp(2, ChangeKind::New, rect(90.0, 90.0, 120.0, 95.0)));
        let extent = BoundingBox {
            min: Point::new(0.0, 0.0),
            max: Point::new(100.0, 100.0),
        };
        let w = site_warnings(&s, &SiteIndex::build(&s), Some(&extent));
        let words: Vec<String> = w[&FootprintId(1)].iter().map(|x| x.to_string()).collect();
        assert_eq!(words, vec!["outline crosses itself (self-intersecting)"]);
        assert_eq!(
            w[&FootprintId(2)][0].to_string(),
            "outline reaches outside the image"
        );
    }
}
