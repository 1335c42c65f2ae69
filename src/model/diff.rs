//! What one version of a project has that another has not, counted the way an analyst thinks
//! of it: footprints added, changed and deleted, and whether anything else differs. Says what
//! recovering unsaved work would bring back.

use super::footprint::Footprint;
use super::ids::{FootprintId, SiteId};
use super::marker::{Marker, MarkerId};
use super::project::Project;
use std::collections::BTreeMap;

/// Counts of what changed from an older version of a project to a newer one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectDiff {
    pub footprints_added: usize,
    pub footprints_changed: usize,
    pub footprints_deleted: usize,
    /// Review markers added, changed or deleted.
    pub markers_changed: usize,
    /// Sites, images, names, notes or review coverage differ.
    pub other_changes: bool,
}

impl ProjectDiff {
    /// How `newer` differs from `older`.
    pub fn between(older: &Project, newer: &Project) -> Self {
        let mut diff = ProjectDiff::default();
        let (old_fps, new_fps) = (footprints_of(older), footprints_of(newer));
        for (key, f) in &new_fps {
            match old_fps.get(key) {
                None => diff.footprints_added += 1,
                Some(old) if old != f => diff.footprints_changed += 1,
                Some(_) => {}
            }
        }
        diff.footprints_deleted = old_fps.keys().filter(|k| !new_fps.contains_key(k)).count();
        let (old_m, new_m) = (markers_of(older), markers_of(newer));
        diff.markers_changed = new_m
            .iter()
            .filter(|(k, m)| old_m.get(*k) != Some(*m))
            .count()
            + old_m.keys().filter(|k| !new_m.contains_key(k)).count();
        // Everything else: compare the projects with footprints and markers left out.
        let rest = |p: &Project| {
            let mut p = p.clone();
            for s in &mut p.sites {
                s.footprints.clear();
                s.markers.clear();
            }
            p.next_ids = Default::default();
            p
        };
        diff.other_changes = rest(older) != rest(newer);
        diff
    }

    pub fn is_empty(&self) -> bool {
        *self == ProjectDiff::default()
    }

    /// "3 footprints added, 1 changed, 2 deleted; 1 marker; other changes (sites, images or
    /// review coverage)"; "no differences" when there are none.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let fp = [
            (self.footprints_added, "added"),
            (self.footprints_changed, "changed"),
            (self.footprints_deleted, "deleted"),
        ];
        let fp: Vec<String> = fp
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        if !fp.is_empty() {
            let total: usize = self.footprints_added + self.footprints_changed;
            let noun = if total + self.footprints_deleted == 1 {
                "footprint"
            } else {
                "footprints"
            };
            parts.push(format!("{noun}: {}", fp.join(", ")));
        }
        if self.markers_changed > 0 {
            let s = if self.markers_changed == 1 { "" } else { "s" };
            parts.push(format!(
                "{} review marker{s} added or changed",
                self.markers_changed
            ));
        }
        if self.other_changes {
            parts.push("other changes (sites, images, names or review coverage)".into());
        }
        if parts.is_empty() {
            "no differences".into()
        } else {
            parts.join("; ")
        }
    }
}

fn footprints_of(p: &Project) -> BTreeMap<(SiteId, FootprintId), &Footprint> {
    p.sites
        .iter()
        .flat_map(|s| s.footprints.iter().map(move |f| ((s.id, f.id), f)))
        .collect()
}

fn markers_of(p: &Project) -> BTreeMap<(SiteId, MarkerId), &Marker> {
    p.sites
        .iter()
        .flat_map(|s| s.markers.iter().map(move |m| ((s.id, m.id), m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ChangeKind, Footprint, FootprintId, ImageId, Point, Polygon, Site, SiteId, Timestamp,
    };

    fn square(id: u32, x: f64) -> Footprint {
        let outline = Polygon::new(vec![
            Point::new(x, 0.0),
            Point::new(x + 5.0, 0.0),
            Point::new(x + 5.0, 5.0),
            Point::new(x, 5.0),
        ]);
        Footprint::new(
            FootprintId(id),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            outline,
            "ana",
            Timestamp::from_unix(1_700_000_000).unwrap(),
        )
    }

    #[test]
    fn added_changed_and_deleted_footprints_are_counted_and_said() {
        let mut old = Project::new("p");
        let mut site = Site::new(SiteId(1), "s");
        site.footprints = vec![square(1, 0.0), square(2, 10.0), square(3, 20.0)];
        old.sites.push(site);
        let mut new = old.clone();
        let fps = &mut new.sites[0].footprints;
        fps.retain(|f| f.id != FootprintId(3));
        fps[0].kind = ChangeKind::Demolished;
        fps.push(square(4, 30.0));
        fps.push(square(5, 40.0));
        let d = ProjectDiff::between(&old, &new);
        assert_eq!(
            (
                d.footprints_added,
                d.footprints_changed,
                d.footprints_deleted
            ),
            (2, 1, 1)
        );
        assert!(!d.other_changes);
        assert_eq!(d.describe(), "footprints: 2 added, 1 changed, 1 deleted");
        assert!(ProjectDiff::between(&old, &old).is_empty());
        new.sites[0].name = "renamed".into();
        assert!(ProjectDiff::between(&old, &new).other_changes);
    }
}
