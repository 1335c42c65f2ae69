//! The footprint selection: which footprints of the current site are selected, and which vertex
//! (if any) is active for deleting. It lives once, in the app's state; the canvas, the list and
//! the inspector all read it.

use super::OutlineRef;
use crate::model::{FootprintId, ReferenceId, Site};
use std::collections::BTreeSet;

/// One vertex of one footprint's outline (or after-outline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VertexRef {
    pub footprint: FootprintId,
    pub outline: OutlineRef,
    pub index: usize,
}

/// Selected footprints, in id order, plus an active vertex.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    footprints: BTreeSet<FootprintId>,
    /// A vertex clicked in the select tool; Delete removes it instead of the footprint.
    pub vertex: Option<VertexRef>,
    /// A reference building clicked where no footprint is: D, N or R turn it into a footprint,
    /// Delete removes it. Never together with footprints.
    pub reference: Option<ReferenceId>,
}

/// How a click changes the selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionChange {
    /// Select exactly these (empty clears).
    Set(Vec<FootprintId>),
    /// Add these (Shift+box).
    Add(Vec<FootprintId>),
    /// Add if absent, remove if present (Shift+click).
    Toggle(FootprintId),
    /// Select one footprint and one of its vertices.
    Vertex(VertexRef),
    /// Select one reference building (imported outline) and no footprint.
    Reference(ReferenceId),
}

impl Selection {
    pub fn of(ids: impl IntoIterator<Item = FootprintId>) -> Self {
        Selection {
            footprints: ids.into_iter().collect(),
            vertex: None,
            reference: None,
        }
    }

    pub fn ids(&self) -> &BTreeSet<FootprintId> {
        &self.footprints
    }

    pub fn to_vec(&self) -> Vec<FootprintId> {
        self.footprints.iter().copied().collect()
    }

    pub fn contains(&self, id: FootprintId) -> bool {
        self.footprints.contains(&id)
    }

    pub fn len(&self) -> usize {
        self.footprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.footprints.is_empty()
    }

    /// The only selected footprint, if exactly one is selected.
    pub fn single(&self) -> Option<FootprintId> {
        (self.footprints.len() == 1)
            .then(|| self.footprints.first().copied())
            .flatten()
    }

    pub fn clear(&mut self) {
        self.footprints.clear();
        self.vertex = None;
        self.reference = None;
    }

    pub fn apply(&mut self, change: SelectionChange) {
        match change {
            SelectionChange::Set(ids) => {
                self.footprints = ids.into_iter().collect();
                self.vertex = None;
            }
            SelectionChange::Add(ids) => {
                self.footprints.extend(ids);
                self.vertex = None;
            }
            SelectionChange::Toggle(id) => {
                if !self.footprints.remove(&id) {
                    self.footprints.insert(id);
                }
                self.vertex = None;
            }
            SelectionChange::Vertex(v) => {
                self.footprints = BTreeSet::from([v.footprint]);
                self.vertex = Some(v);
            }
            SelectionChange::Reference(id) => {
                self.footprints.clear();
                self.vertex = None;
                self.reference = Some(id);
                return;
            }
        }
        self.reference = None;
    }

    /// Drops footprints (and a vertex) that no longer exist in `site`, after an undo or a
    /// site change.
    pub fn repair(&mut self, site: Option<&Site>) {
        let Some(site) = site else {
            self.clear();
            return;
        };
        self.footprints.retain(|id| site.footprint(*id).is_some());
        self.reference = self.reference.filter(|id| site.reference(*id).is_some());
        if let Some(v) = self.vertex {
            let valid = site
                .footprint(v.footprint)
                .is_some_and(|f| v.index < v.outline.get(f).len())
                && self.footprints.contains(&v.footprint);
            if !valid {
                self.vertex = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, Footprint, ImageId, Point, Polygon, SiteId, Timestamp};

    #[test]
    fn toggling_adds_then_removes_and_set_replaces() {
        let mut s = Selection::default();
        s.apply(SelectionChange::Toggle(FootprintId(3)));
        s.apply(SelectionChange::Toggle(FootprintId(1)));
        assert_eq!(s.to_vec(), vec![FootprintId(1), FootprintId(3)]);
        s.apply(SelectionChange::Toggle(FootprintId(3)));
        assert_eq!(s.single(), Some(FootprintId(1)));
        s.apply(SelectionChange::Set(vec![]));
        assert!(s.is_empty());
    }

    #[test]
    fn repair_drops_footprints_that_are_gone_and_a_vertex_past_the_end() {
        let mut site = Site::new(SiteId(1), "s");
        site.footprints.push(Footprint::new(
            FootprintId(1),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(0.0, 0.0), Point::new(1.0, 1.0)),
            "",
            Timestamp::from_unix(0).unwrap(),
        ));
        let mut s = Selection::default();
        s.apply(SelectionChange::Vertex(VertexRef {
            footprint: FootprintId(1),
            outline: OutlineRef::Outline,
            index: 9,
        }));
        s.apply(SelectionChange::Add(vec![FootprintId(2)]));
        s.vertex = Some(VertexRef {
            footprint: FootprintId(1),
            outline: OutlineRef::Outline,
            index: 9,
        });
        s.repair(Some(&site));
        assert_eq!(s.to_vec(), vec![FootprintId(1)]);
        assert_eq!(s.vertex, None);
    }
}
