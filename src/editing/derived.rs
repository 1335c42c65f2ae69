//! Data derived from the project for drawing and hit testing: a spatial index per site and the
//! fill triangulation of each outline in site coordinates. Keyed on the document's revision and
//! patched from what each edit touched; never saved and never the source of truth.

use super::OutlineRef;
use super::document::Document;
use super::index::SiteIndex;
use crate::model::{FootprintId, Polygon, Project, Site, SiteId};
use std::collections::HashMap;
use std::sync::Arc;

/// Spatial indexes, built per site on first use.
#[derive(Default)]
pub struct Indexes {
    sites: HashMap<SiteId, SiteIndex>,
}

impl Indexes {
    /// The index of `site`, built now if needed.
    pub fn get(&mut self, site: &Site) -> &SiteIndex {
        self.sites
            .entry(site.id)
            .or_insert_with(|| SiteIndex::build(site))
    }

    /// The index of a site if it was built (and kept up to date).
    pub fn built(&self, site: SiteId) -> Option<&SiteIndex> {
        self.sites.get(&site)
    }
}

/// Fill triangles of outlines, as vertex indices into the outline (three per triangle).
#[derive(Default)]
pub struct Triangulations {
    map: HashMap<(FootprintId, OutlineRef), Arc<Vec<u32>>>,
}

impl Triangulations {
    /// The triangles of one polygon of a footprint, computed once until the footprint changes.
    pub fn get(&mut self, id: FootprintId, which: OutlineRef, polygon: &Polygon) -> Arc<Vec<u32>> {
        self.map
            .entry((id, which))
            .or_insert_with(|| Arc::new(triangulate(polygon)))
            .clone()
    }

    fn forget(&mut self, id: FootprintId) {
        self.map.remove(&(id, OutlineRef::Outline));
        self.map.remove(&(id, OutlineRef::AfterOutline));
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Ear-clipping triangulation (earcutr) of a simple polygon, so concave halls (L, U) fill
/// exactly. Empty when it cannot be triangulated; such outlines are still stroked.
pub fn triangulate(polygon: &Polygon) -> Vec<u32> {
    if polygon.len() < 3 || !polygon.0.iter().all(|p| p.is_finite()) {
        return Vec::new();
    }
    // Relative to the first vertex, for precision far from the origin.
    let o = polygon.0[0];
    let flat: Vec<f64> = polygon
        .0
        .iter()
        .flat_map(|p| [p.x - o.x, p.y - o.y])
        .collect();
    earcutr::earcut(&flat, &[], 2)
        .unwrap_or_default()
        .into_iter()
        .map(|i| i as u32)
        .collect()
}

/// Everything derived, and the document revision it reflects.
#[derive(Default)]
pub struct Derived {
    revision: u64,
    pub indexes: Indexes,
    pub triangles: Triangulations,
    /// How many times a full rebuild happened (the tests check that edits patch instead).
    pub rebuilds: usize,
}

impl Derived {
    /// Brings everything up to the document's revision: patches what the edits since touched,
    /// or starts over when the document's log does not reach back far enough.
    pub fn sync(&mut self, doc: &Document) {
        if self.revision == doc.revision() {
            return;
        }
        match doc
            .changes_since(self.revision)
            .filter(|_| self.revision != 0)
        {
            Some(touched) => self.patch(doc.project(), &touched),
            None => {
                self.indexes = Indexes::default();
                self.triangles = Triangulations::default();
                self.rebuilds += 1;
            }
        }
        self.revision = doc.revision();
    }

    fn patch(&mut self, project: &Project, touched: &crate::model::Touched) {
        for id in &touched.sites {
            // A site added, removed or re-referenced: its index is rebuilt on next use, and
            // the triangles of its footprints are dropped.
            if let Some(index) = self.indexes.sites.remove(id) {
                drop(index);
            }
            if let Some(site) = project.site(*id) {
                for f in &site.footprints {
                    self.triangles.forget(f.id);
                }
            }
        }
        // One update per site, so that adds and deletes re-note where footprints sit once.
        let mut per_site: HashMap<SiteId, Vec<FootprintId>> = HashMap::new();
        for (site_id, fp) in &touched.footprints {
            self.triangles.forget(*fp);
            if !touched.sites.contains(site_id) {
                per_site.entry(*site_id).or_default().push(*fp);
            }
        }
        for (site_id, ids) in per_site {
            if let (Some(index), Some(site)) =
                (self.indexes.sites.get_mut(&site_id), project.site(site_id))
            {
                index.update_many(site, ids);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        BoundingBox, CaptureDate, ChangeKind, DatedImage, Edit, Footprint, ImageId, Point,
        Timestamp,
    };

    fn doc() -> Document {
        let mut p = Project::new("p");
        let mut s = Site::new(SiteId(1), "s");
        s.images
            .push(DatedImage::new(ImageId(1), "a.png", CaptureDate::Unknown));
        s.images
            .push(DatedImage::new(ImageId(2), "b.png", CaptureDate::Unknown));
        s.reference_image = Some(ImageId(1));
        p.sites.push(s);
        Document::new("/tmp/none.ron".into(), p, true)
    }

    fn square(id: u32, x: f64) -> Footprint {
        Footprint::new(
            FootprintId(id),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(x, 0.0), Point::new(x + 10.0, 10.0)),
            "",
            Timestamp::from_unix(0).unwrap(),
        )
    }

    fn everything() -> BoundingBox {
        BoundingBox {
            min: Point::new(-1e9, -1e9),
            max: Point::new(1e9, 1e9),
        }
    }

    #[test]
    fn edits_patch_the_index_instead_of_rebuilding_it() {
        let mut d = doc();
        let mut derived = Derived::default();
        derived.sync(&d);
        let site = d.project().sites[0].clone();
        assert_eq!(derived.indexes.get(&site).len(), 0);
        let rebuilds = derived.rebuilds;
        d.apply(Edit::AddFootprint {
            site: SiteId(1),
            footprint: square(1, 0.0),
        })
        .unwrap();
        derived.sync(&d);
        let index = derived.indexes.built(SiteId(1)).unwrap();
        assert_eq!(index.intersecting(&everything()).count(), 1);
        // Moving it far away: found there, not here.
        d.apply(Edit::ReplaceFootprint {
            site: SiteId(1),
            footprint: square(1, 1000.0),
        })
        .unwrap();
        derived.sync(&d);
        let index = derived.indexes.built(SiteId(1)).unwrap();
        assert_eq!(index.near(Point::new(1005.0, 5.0), 1.0).count(), 1);
        assert_eq!(index.near(Point::new(5.0, 5.0), 1.0).count(), 0);
        d.undo().unwrap();
        d.undo().unwrap();
        derived.sync(&d);
        assert_eq!(derived.indexes.built(SiteId(1)).unwrap().len(), 0);
        assert_eq!(derived.rebuilds, rebuilds, "patched, never rebuilt");
    }

    #[test]
    fn a_changed_outline_is_triangulated_again() {
        let mut d = doc();
        d.apply(Edit::AddFootprint {
            site: SiteId(1),
            footprint: square(1, 0.0),
        })
        .unwrap();
        let mut derived = Derived::default();
        derived.sync(&d);
        let fp = d.project().sites[0].footprints[0].clone();
        let t = derived
            .triangles
            .get(fp.id, OutlineRef::Outline, &fp.outline);
        assert_eq!(t.len(), 6);
        let mut l = fp.clone();
        l.outline = Polygon(
            [
                (0.0, 0.0),
                (5.0, 0.0),
                (5.0, 5.0),
                (10.0, 5.0),
                (10.0, 10.0),
                (0.0, 10.0),
            ]
            .map(Point::from)
            .to_vec(),
        );
        d.apply(Edit::ReplaceFootprint {
            site: SiteId(1),
            footprint: l.clone(),
        })
        .unwrap();
        derived.sync(&d);
        let t = derived.triangles.get(l.id, OutlineRef::Outline, &l.outline);
        assert_eq!(t.len(), 12, "four triangles for six corners");
    }

    #[test]
    fn a_u_shaped_hall_is_filled_exactly_not_as_its_convex_hull() {
        // A U: 30 x 20 with a 10 x 12 notch cut from the top middle. Area 600 - 120 = 480.
        let u = Polygon(
            [
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 12.0),
                (20.0, 12.0),
                (20.0, 0.0),
                (30.0, 0.0),
                (30.0, 20.0),
                (0.0, 20.0),
            ]
            .map(Point::from)
            .to_vec(),
        );
        let idx = triangulate(&u);
        assert_eq!(idx.len(), 3 * (u.len() - 2));
        let area: f64 = idx
            .chunks(3)
            .map(|t| {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| u.0[i as usize]);
                ((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)).abs() / 2.0
            })
            .sum();
        assert!((area - 480.0).abs() < 1e-9);
    }

    #[test]
    fn degenerate_outlines_give_no_triangles_and_no_panic() {
        assert!(triangulate(&Polygon(vec![Point::new(0.0, 0.0), Point::new(1.0, 1.0)])).is_empty());
        let line = Polygon(vec![
            Point::new(0.0, 0.0),
            Point::new(1.0, 1.0),
            Point::new(2.0, 2.0),
        ]);
        // A flat outline has no area to fill: whatever earcut returns covers none.
        let t = triangulate(&line);
        let area: f64 = t
            .chunks(3)
            .map(|t| {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| line.0[i as usize]);
                ((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)).abs() / 2.0
            })
            .sum();
        assert_eq!(area, 0.0);
        let nan = Polygon(vec![
            Point::new(0.0, 0.0),
            Point::new(f64::NAN, 1.0),
            Point::new(2.0, 0.0),
        ]);
        assert!(triangulate(&nan).is_empty());
    }
}
