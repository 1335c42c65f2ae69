//! A spatial index of one site's footprints (an R-tree of their bounding boxes, from the
//! `rstar` crate), so that drawing, hit testing and overlap checks cost what is near, not what
//! the site holds. Derived, never saved; patched from what each edit touched.
//!
//! It also remembers where each footprint sits in `site.footprints`, because a query answers
//! with ids and `Site::footprint` finds an id by scanning the whole site: drawing the footprints
//! in view that way costs (visible x site size), which is what the index is there to avoid.

use crate::model::{BoundingBox, Footprint, FootprintId, Point, Site};
use rstar::{AABB, RTree, RTreeObject};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    id: FootprintId,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// The bounding box of both polygons of a footprint, or `None` for an empty or non-finite one
/// (those are still listed and warned about, just not found by place).
pub fn footprint_bounds(fp: &Footprint) -> Option<BoundingBox> {
    let mut bb = fp.outline.bounding_box()?;
    if let Some(after) = fp.after_outline.as_ref().and_then(|p| p.bounding_box()) {
        bb.min.x = bb.min.x.min(after.min.x);
        bb.min.y = bb.min.y.min(after.min.y);
        bb.max.x = bb.max.x.max(after.max.x);
        bb.max.y = bb.max.y.max(after.max.y);
    }
    [bb.min, bb.max].iter().all(|p| p.is_finite()).then_some(bb)
}

fn aabb(bb: &BoundingBox) -> AABB<[f64; 2]> {
    AABB::from_corners([bb.min.x, bb.min.y], [bb.max.x, bb.max.y])
}

/// The R-tree of one site.
#[derive(Clone, Debug, Default)]
pub struct SiteIndex {
    tree: RTree<Entry>,
    envelopes: HashMap<FootprintId, AABB<[f64; 2]>>,
    /// Where each footprint was in `site.footprints` when last looked at. Only a hint: it is
    /// checked on every use, so a stale one costs a scan, never a wrong footprint.
    slots: HashMap<FootprintId, usize>,
    /// How many footprints the site held when `slots` was filled.
    slots_for: usize,
}

impl SiteIndex {
    /// Indexes every footprint of the site at once (bulk loading packs the tree well).
    pub fn build(site: &Site) -> Self {
        let entries: Vec<Entry> = site
            .footprints
            .iter()
            .filter_map(|f| {
                footprint_bounds(f).map(|bb| Entry {
                    id: f.id,
                    env: aabb(&bb),
                })
            })
            .collect();
        let envelopes = entries.iter().map(|e| (e.id, e.env)).collect();
        let mut index = SiteIndex {
            tree: RTree::bulk_load(entries),
            envelopes,
            slots: HashMap::new(),
            slots_for: 0,
        };
        index.fill_slots(site);
        index
    }

    /// Re-indexes one footprint after it was added, changed or removed from `site`.
    pub fn update(&mut self, site: &Site, id: FootprintId) {
        self.update_many(site, [id]);
    }

    /// Re-indexes footprints after they were added, changed or removed from `site` (one edit's
    /// worth). Adds and removes shift where footprints sit, so then one pass over the site
    /// notes where they are now; a change of outline costs no such pass.
    pub fn update_many(&mut self, site: &Site, ids: impl IntoIterator<Item = FootprintId>) {
        let ids: Vec<FootprintId> = ids.into_iter().collect();
        let shifted = site.footprints.len() != self.slots_for
            || ids.iter().any(|id| self.slot_of(site, *id).is_none());
        if shifted {
            self.fill_slots(site);
        }
        for id in ids {
            if let Some(env) = self.envelopes.remove(&id) {
                self.tree.remove(&Entry { id, env });
            }
            // The slots are up to date here: no hint means no such footprint any more.
            let found = self.slot_of(site, id).and_then(|i| site.footprints.get(i));
            if let Some(bb) = found.and_then(footprint_bounds) {
                let env = aabb(&bb);
                self.tree.insert(Entry { id, env });
                self.envelopes.insert(id, env);
            }
        }
    }

    fn fill_slots(&mut self, site: &Site) {
        self.slots.clear();
        // Backwards, so that of two footprints sharing an id (a hand-edited file) the first
        // is found, as `Site::footprint` finds it.
        let at = site.footprints.iter().enumerate().rev();
        self.slots.extend(at.map(|(i, f)| (f.id, i)));
        self.slots_for = site.footprints.len();
    }

    /// Where `id` sits in `site.footprints`, if the hint is right.
    fn slot_of(&self, site: &Site, id: FootprintId) -> Option<usize> {
        let slot = *self.slots.get(&id)?;
        (site.footprints.get(slot)?.id == id).then_some(slot)
    }

    /// The footprint `id` of `site`, the site this index was built from and kept up to date
    /// with: a hash lookup where it was last seen instead of `Site::footprint`'s scan of the
    /// whole site (which it falls back to if the site changed behind the index's back).
    pub fn footprint<'s>(&self, site: &'s Site, id: FootprintId) -> Option<&'s Footprint> {
        match self.slot_of(site, id) {
            Some(slot) => site.footprints.get(slot),
            None => site.footprint(id),
        }
    }

    pub fn len(&self) -> usize {
        self.envelopes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.envelopes.is_empty()
    }

    /// Footprints whose bounds meet `area`.
    pub fn intersecting(&self, area: &BoundingBox) -> impl Iterator<Item = FootprintId> + use<'_> {
        self.tree
            .locate_in_envelope_intersecting(&aabb(area))
            .map(|e| e.id)
    }

    /// Footprints whose bounds lie wholly inside `area` (box selection).
    pub fn within(&self, area: &BoundingBox) -> impl Iterator<Item = FootprintId> + use<'_> {
        self.tree.locate_in_envelope(&aabb(area)).map(|e| e.id)
    }

    /// Footprints whose bounds come within `radius` of `p`.
    pub fn near(&self, p: Point, radius: f64) -> impl Iterator<Item = FootprintId> + use<'_> {
        let r = radius.max(0.0);
        self.intersecting(&BoundingBox {
            min: Point::new(p.x - r, p.y - r),
            max: Point::new(p.x + r, p.y + r),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, ImageId, Polygon, SiteId, Timestamp};

    fn fp(id: u32, x: f64, y: f64) -> Footprint {
        Footprint::new(
            FootprintId(id),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(x, y), Point::new(x + 10.0, y + 10.0)),
            "",
            Timestamp::from_unix(0).unwrap(),
        )
    }

    fn bb(x0: f64, y0: f64, x1: f64, y1: f64) -> BoundingBox {
        BoundingBox {
            min: Point::new(x0, y0),
            max: Point::new(x1, y1),
        }
    }

    #[test]
    fn the_index_finds_what_is_in_view_and_follows_moves_and_deletes() {
        let mut site = Site::new(SiteId(1), "s");
        for i in 0..100 {
            site.footprints
                .push(fp(i + 1, (i % 10) as f64 * 100.0, (i / 10) as f64 * 100.0));
        }
        let mut index = SiteIndex::build(&site);
        assert_eq!(index.len(), 100);
        let mut seen: Vec<_> = index.intersecting(&bb(0.0, 0.0, 150.0, 50.0)).collect();
        seen.sort();
        assert_eq!(seen, vec![FootprintId(1), FootprintId(2)]);
        // Move F1 far away.
        site.footprints[0] = fp(1, 5000.0, 5000.0);
        index.update(&site, FootprintId(1));
        let seen: Vec<_> = index.intersecting(&bb(0.0, 0.0, 50.0, 50.0)).collect();
        assert!(seen.is_empty());
        assert_eq!(
            index
                .near(Point::new(5005.0, 5005.0), 1.0)
                .collect::<Vec<_>>(),
            vec![FootprintId(1)]
        );
        // Delete it.
        site.footprints.remove(0);
        index.update(&site, FootprintId(1));
        assert_eq!(index.len(), 99);
        assert_eq!(index.near(Point::new(5005.0, 5005.0), 1.0).count(), 0);
        // Box selection wants whole footprints.
        assert_eq!(index.within(&bb(95.0, -5.0, 115.0, 15.0)).count(), 1);
        assert_eq!(index.within(&bb(95.0, -5.0, 105.0, 15.0)).count(), 0);
    }

    #[test]
    fn footprints_are_found_by_id_where_they_sit_after_adds_and_deletes() {
        let mut site = Site::new(SiteId(1), "s");
        for i in 0..10 {
            site.footprints.push(fp(i + 1, i as f64 * 100.0, 0.0));
        }
        let mut index = SiteIndex::build(&site);
        let all_found = |index: &SiteIndex, site: &Site| {
            site.footprints.iter().all(|f| {
                index.slot_of(site, f.id).is_some()
                    && index.footprint(site, f.id).map(|g| g.id) == Some(f.id)
            })
        };
        assert!(all_found(&index, &site));
        // Deleting from the middle shifts the rest; adding appends; both at once.
        site.footprints.remove(2);
        site.footprints.remove(4);
        site.footprints.push(fp(11, 2000.0, 0.0));
        index.update_many(&site, [FootprintId(3), FootprintId(6), FootprintId(11)]);
        assert!(all_found(&index, &site));
        assert!(index.footprint(&site, FootprintId(3)).is_none());
        assert_eq!(index.len(), 9);
        // A site changed behind the index's back still gives the right footprint, by a scan.
        site.footprints.swap(0, 1);
        assert_eq!(
            index.footprint(&site, FootprintId(1)).map(|f| f.id),
            Some(FootprintId(1))
        );
    }
}
