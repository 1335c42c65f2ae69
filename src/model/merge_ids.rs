//! Before two branches are merged by id, their additions must not share ids. Both hand out ids
//! from the counters of their common ancestor, so the first footprint each analyst draws gets
//! the same id with different content.
//!
//! Theirs' additions are renumbered, ours' keep their ids (the analyst merging keeps the names
//! they have been using). An addition of theirs collides when ours holds something else under
//! its id, or when ours handed that id out and deleted it since (ids are never reused). New ids
//! start above everything either side holds or handed out, in theirs' id order, so the same
//! inputs always give the same numbers. Every reference follows: image ids in sites, footprints
//! and markers; footprint ids in markers' "drawn as" and in conflicts.

use super::ids::{FootprintId, ImageId, NextIds};
use super::marker::MarkerResolution;
use super::merge::FootprintConflict;
use super::project::{Project, Site};
use std::collections::{BTreeMap, BTreeSet};

/// `theirs` with its colliding additions renumbered; `log` gets one line per new id.
pub(super) fn renumber_theirs(
    base: &Project,
    ours: &Project,
    theirs: &Project,
    log: &mut Vec<String>,
) -> Project {
    let mut t = theirs.clone();
    // Sites first, then what sites hold, then what refers to those: each kind is compared
    // with ours after the kinds it refers to were renumbered.
    let sites = Kind {
        what: "site",
        prefix: "S",
        items: |p| p.sites.iter().map(|s| (s.id.0, s.clone())).collect(),
        counter: |n| &mut n.site,
        apply: |s, map| renumber(&mut s.id.0, map),
    };
    sites.renumber(base, ours, &mut t, log);
    let images = Kind {
        what: "image",
        prefix: "I",
        items: |p| {
            p.all_images()
                .map(|(s, i)| (i.id.0, (s.id, i.clone())))
                .collect()
        },
        counter: |n| &mut n.image,
        apply: renumber_images,
    };
    images.renumber(base, ours, &mut t, log);
    let footprints = Kind {
        what: "footprint",
        prefix: "F",
        items: |p| {
            p.all_footprints()
                .map(|(s, f)| (f.id.0, (s.id, f.clone())))
                .collect()
        },
        counter: |n| &mut n.footprint,
        apply: renumber_footprints,
    };
    footprints.renumber(base, ours, &mut t, log);
    let markers = Kind {
        what: "missed-change marker",
        prefix: "M",
        items: |p| {
            p.sites
                .iter()
                .flat_map(|s| s.markers.iter().map(move |m| (m.id.0, (s.id, m.clone()))))
                .collect()
        },
        counter: |n| &mut n.marker,
        apply: |s, map| {
            for m in &mut s.markers {
                renumber(&mut m.id.0, map);
            }
        },
    };
    markers.renumber(base, ours, &mut t, log);
    t
}

/// One kind of id: what holds it, its counter, and how to renumber it within a site.
struct Kind<T> {
    what: &'static str,
    prefix: &'static str,
    /// Every item of this kind with its id, and what makes two of them the same addition.
    items: fn(&Project) -> Vec<(u32, T)>,
    counter: fn(&mut NextIds) -> &mut u32,
    /// Renumbers the items and every reference to them in a site.
    apply: fn(&mut Site, &BTreeMap<u32, u32>),
}

impl<T: PartialEq> Kind<T> {
    fn renumber(
        &self,
        base: &Project,
        ours: &Project,
        theirs: &mut Project,
        log: &mut Vec<String>,
    ) {
        let held = (self.items)(ours);
        let ids = IdSpace::new(
            self.what,
            self.prefix,
            &(self.items)(base),
            &held,
            *(self.counter)(&mut base.next_ids.clone()),
            *(self.counter)(&mut ours.next_ids.clone()),
        );
        let next = *(self.counter)(&mut theirs.next_ids.clone());
        let map = ids.plan(&(self.items)(theirs), next, log);
        *(self.counter)(&mut theirs.next_ids) = next_after(next, &map);
        for s in &mut theirs.sites {
            (self.apply)(s, &map);
        }
    }
}

/// What the base and ours hold of one kind of id.
struct IdSpace<'a, T> {
    what: &'static str,
    prefix: &'static str,
    base: BTreeSet<u32>,
    ours: BTreeMap<u32, &'a T>,
    base_next: u32,
    ours_next: u32,
}

impl<'a, T: PartialEq> IdSpace<'a, T> {
    fn new(
        what: &'static str,
        prefix: &'static str,
        base: &[(u32, T)],
        ours: &'a [(u32, T)],
        base_next: u32,
        ours_next: u32,
    ) -> Self {
        let mut by_id = BTreeMap::new();
        for (id, item) in ours {
            by_id.entry(*id).or_insert(item);
        }
        IdSpace {
            what,
            prefix,
            base: base.iter().map(|(id, _)| *id).collect(),
            ours: by_id,
            base_next,
            ours_next,
        }
    }

    /// Old id to new id for theirs' colliding additions.
    fn plan(
        &self,
        theirs: &[(u32, T)],
        theirs_next: u32,
        log: &mut Vec<String>,
    ) -> BTreeMap<u32, u32> {
        let top = self
            .ours
            .keys()
            .chain(theirs.iter().map(|(id, _)| id))
            .max()
            .map_or(0, |m| m.saturating_add(1));
        let mut next = top.max(self.ours_next).max(theirs_next).max(1);
        let mut sorted: Vec<&(u32, T)> = theirs.iter().collect();
        sorted.sort_by_key(|(id, _)| *id);
        let mut map = BTreeMap::new();
        for (id, item) in sorted {
            if self.base.contains(id) || map.contains_key(id) {
                continue;
            }
            let collides = match self.ours.get(id) {
                Some(o) => *o != item,
                None => *id >= self.base_next && *id < self.ours_next,
            };
            if collides && next < u32::MAX {
                log.push(format!(
                    "the other branch's {} {p}{id} is now {p}{next} (both branches used {p}{id})",
                    self.what,
                    p = self.prefix
                ));
                map.insert(*id, next);
                next += 1;
            }
        }
        map
    }
}

fn renumber(id: &mut u32, map: &BTreeMap<u32, u32>) {
    if let Some(new) = map.get(id) {
        *id = *new;
    }
}

fn next_after(next: u32, map: &BTreeMap<u32, u32>) -> u32 {
    map.values()
        .max()
        .map_or(next, |top| next.max(top.saturating_add(1)))
}

fn renumber_images(site: &mut Site, map: &BTreeMap<u32, u32>) {
    let fix = |id: &mut ImageId| renumber(&mut id.0, map);
    for i in &mut site.images {
        renumber(&mut i.id.0, map);
    }
    if let Some(r) = &mut site.reference_image {
        fix(r);
    }
    for f in &mut site.footprints {
        fix(&mut f.before);
        fix(&mut f.after);
        if let Some(FootprintConflict::Theirs(other)) = &mut f.conflict {
            fix(&mut other.before);
            fix(&mut other.after);
        }
    }
    for m in &mut site.markers {
        m.before.iter_mut().chain(m.after.iter_mut()).for_each(fix);
    }
}

fn renumber_footprints(site: &mut Site, map: &BTreeMap<u32, u32>) {
    let fix = |id: &mut FootprintId| renumber(&mut id.0, map);
    for f in &mut site.footprints {
        fix(&mut f.id);
        if let Some(FootprintConflict::Theirs(other)) = &mut f.conflict {
            fix(&mut other.id);
        }
    }
    for m in &mut site.markers {
        if let Some(MarkerResolution::Drawn { footprint, .. }) = &mut m.resolution {
            fix(footprint);
        }
    }
}
