//! Three-way merge of projects, for teams whose shared store is git: two analysts work on
//! their own branches, and `sitediff merge BASE OURS THEIRS` (a git merge driver) combines
//! what both did by id, so nobody edits RON by hand.
//!
//! Per site, each image, footprint and marker is merged by its id with the classic rules:
//! changed on one side only, take that side; the same change on both, take it; deleted on one
//! side and untouched on the other, delete it. Within a footprint the fields merge one by one,
//! so a kind changed on one branch and a comment added on the other is no conflict. Review
//! threads and tags merge as sets (what either side added is kept, what one side removed
//! goes), threads ordered by time; coverage merges its checked cells the same way.
//!
//! What does not combine:
//! - A footprint changed differently on both sides (or changed on one and deleted on the
//!   other) is kept in both versions: the footprint is ours, and its
//!   [`FootprintConflict`] holds theirs, until someone chooses in the window.
//! - Project and site names, images and markers changed differently are small records no
//!   analyst fights over; ours wins and the merge says so in its notes.
//!
//! Both branches hand out ids from the same counters, so their additions collide; theirs are
//! renumbered first, deterministically ([`super::merge_ids`]).

use super::footprint::Footprint;
use super::ids::{FootprintId, ImageId, SiteId};
use super::marker::{Coverage, Marker};
use super::merge_ids::renumber_theirs;
use super::project::{DatedImage, Project, Site};
use super::review::ReviewEvent;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a merge could not decide about one footprint: the other branch's side of it. The
/// footprint holding it is this branch's version (or, when this branch deleted it, theirs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FootprintConflict {
    /// Both branches changed the footprint, differently: this is their version.
    Theirs(Box<Footprint>),
    /// This branch changed the footprint, the other deleted it.
    DeletedInTheirs,
    /// This branch deleted the footprint, the other changed it (the footprint is theirs).
    DeletedInOurs,
}

impl FootprintConflict {
    /// "changed on both branches (kind, outline)" and the like, for lists and messages.
    pub fn describe(&self, footprint: &Footprint) -> String {
        match self {
            FootprintConflict::Theirs(theirs) => {
                let fields = differing_fields(footprint, theirs);
                if fields.is_empty() {
                    "changed on both branches".to_string()
                } else {
                    format!("changed on both branches ({})", fields.join(", "))
                }
            }
            FootprintConflict::DeletedInTheirs => {
                "changed here, deleted on the other branch".into()
            }
            FootprintConflict::DeletedInOurs => "deleted here, changed on the other branch".into(),
        }
    }
}

/// Calls macro `$m` with the footprint fields a merge takes from one side or the other, never
/// combines: where both sides changed one differently, the footprint is in conflict.
macro_rules! contested_fields {
    ($m:ident) => {
        $m!(
            kind,
            before,
            after,
            outline,
            after_outline,
            confidence,
            note,
            author
        )
    };
}

/// The fields, by name, in which two versions of a footprint differ and that a merge cannot
/// combine.
pub fn differing_fields(a: &Footprint, b: &Footprint) -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! check {
        ($($field:ident),*) => {$(
            if a.$field != b.$field {
                out.push(stringify!($field));
            }
        )*};
    }
    contested_fields!(check);
    out
}

/// One footprint left in conflict by a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictNote {
    pub site: SiteId,
    pub footprint: FootprintId,
    pub what: String,
}

/// A merged project and what the merge did that a person should know about.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOutcome {
    pub project: Project,
    /// Footprints kept in both versions; the merge is clean when this is empty.
    pub conflicts: Vec<ConflictNote>,
    /// Theirs' additions that got new ids ("theirs' F5 is now F9").
    pub renumbered: Vec<String>,
    /// Small records changed differently on both sides, where ours was kept.
    pub notes: Vec<String>,
}

impl MergeOutcome {
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// Merges `ours` and `theirs`, both descended from `base`. Deterministic: the same inputs give
/// the same project, and merging a project with itself gives it back.
pub fn merge_projects(base: &Project, ours: &Project, theirs: &Project) -> MergeOutcome {
    let mut renumbered = Vec::new();
    let theirs = renumber_theirs(base, ours, theirs, &mut renumbered);
    let mut m = Merger::default();
    let name = m.small(
        "the project name",
        Some(&base.name),
        &ours.name,
        &theirs.name,
    );
    let mut project = Project {
        format_version: ours.format_version.max(theirs.format_version),
        name: name.clone(),
        next_ids: ours.next_ids.clone(),
        sites: Vec::new(),
    };
    let ids = &mut project.next_ids;
    ids.site = ids.site.max(theirs.next_ids.site);
    ids.image = ids.image.max(theirs.next_ids.image);
    ids.footprint = ids.footprint.max(theirs.next_ids.footprint);
    ids.marker = ids.marker.max(theirs.next_ids.marker);
    ids.reference = ids.reference.max(theirs.next_ids.reference);
    for (id, [bs, os, ts]) in by_key(&base.sites, &ours.sites, &theirs.sites, |s| s.id) {
        let merged = match (os, ts) {
            (Some(os), Some(ts)) => Some(m.site(bs, os, ts)),
            (None, None) => None,
            (Some(kept), None) | (None, Some(kept)) => match bs {
                None => Some((*kept).clone()),
                Some(bs) if bs == kept => None,
                Some(_) => {
                    m.notes.push(format!(
                        "site {id} was deleted on one branch and changed on the other; kept"
                    ));
                    Some((*kept).clone())
                }
            },
        };
        project.sites.extend(merged);
    }
    project.canonicalize();
    MergeOutcome {
        project,
        conflicts: m.conflicts,
        renumbered,
        notes: m.notes,
    }
}

/// Items by id. Ids are unique in a valid project; of duplicates the first counts.
fn keyed<K: Ord, T>(items: &[T], key: impl Fn(&T) -> K) -> BTreeMap<K, &T> {
    let mut map = BTreeMap::new();
    for item in items {
        map.entry(key(item)).or_insert(item);
    }
    map
}

/// Every key held by base, ours or theirs, in order, with what each holds under it.
fn by_key<'a, K: Ord + Clone, T>(
    base: &'a [T],
    ours: &'a [T],
    theirs: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<(K, [Option<&'a T>; 3])> {
    let maps = [base, ours, theirs].map(|items| keyed(items, &key));
    let keys: BTreeSet<&K> = maps.iter().flat_map(|m| m.keys()).collect();
    keys.into_iter()
        .map(|k| (k.clone(), [0, 1, 2].map(|i| maps[i].get(k).copied())))
        .collect()
}

/// The classic three-way choice: `Some(result)`, or `None` when both sides changed the value
/// differently.
fn pick<'a, T: PartialEq>(
    base: Option<&'a T>,
    ours: Option<&'a T>,
    theirs: Option<&'a T>,
) -> Option<Option<&'a T>> {
    if ours == theirs || theirs == base {
        Some(ours)
    } else if ours == base {
        Some(theirs)
    } else {
        None
    }
}

/// A set merged three ways: kept if both sides have it, or if one side added it.
fn merge_set<T: Ord + Clone>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<T> {
    let b: BTreeSet<&T> = base.iter().collect();
    let o: BTreeSet<&T> = ours.iter().collect();
    let t: BTreeSet<&T> = theirs.iter().collect();
    o.union(&t)
        .filter(|x| (o.contains(*x) && t.contains(*x)) || !b.contains(*x))
        .map(|x| (*x).clone())
        .collect()
}

/// A review thread merged three ways: the events of both sides, less those one side removed,
/// oldest first (ours before theirs at the same second).
fn merge_thread(
    base: &[ReviewEvent],
    ours: &[ReviewEvent],
    theirs: &[ReviewEvent],
) -> Vec<ReviewEvent> {
    let kept = |e: &ReviewEvent| !base.contains(e) || (ours.contains(e) && theirs.contains(e));
    let mut out: Vec<ReviewEvent> = ours.iter().filter(|e| kept(e)).cloned().collect();
    for e in theirs {
        if kept(e) && !ours.contains(e) {
            out.push(e.clone());
        }
    }
    out.sort_by_key(|e| e.at);
    out
}

#[derive(Default)]
struct Merger {
    conflicts: Vec<ConflictNote>,
    notes: Vec<String>,
}

impl Merger {
    /// A small value (a name, a note): ours when both changed it differently, with a note.
    fn small<T: PartialEq + Clone>(
        &mut self,
        what: &str,
        base: Option<&T>,
        ours: &T,
        theirs: &T,
    ) -> T {
        match pick(base, Some(ours), Some(theirs)) {
            Some(Some(v)) => v.clone(),
            _ => {
                self.notes.push(format!(
                    "{what} was changed differently on both branches; kept this branch's"
                ));
                ours.clone()
            }
        }
    }

    fn site(&mut self, base: Option<&Site>, ours: &Site, theirs: &Site) -> Site {
        let id = ours.id;
        let mut site = Site::new(
            id,
            self.small(
                &format!("the name of site {id}"),
                base.map(|b| &b.name),
                &ours.name,
                &theirs.name,
            ),
        );
        site.note = self.small(
            &format!("the note of site {id}"),
            base.map(|b| &b.note),
            &ours.note,
            &theirs.note,
        );
        site.reference_image = self.small(
            &format!("the reference image of site {id}"),
            base.map(|b| &b.reference_image),
            &ours.reference_image,
            &theirs.reference_image,
        );
        let empty = Site::new(id, "");
        let base = base.unwrap_or(&empty);
        site.footprints = self.footprints(id, base, ours, theirs);
        site.markers = self.markers(id, base, ours, theirs);
        site.coverage = self.coverage(id, base, ours, theirs);
        // The reference layer is an import, not anybody's judgement: merged as one record.
        site.references = self.small(
            &format!("the reference buildings of site {id}"),
            Some(&base.references),
            &ours.references,
            &theirs.references,
        );
        site.images = self.images(&site, base, ours, theirs);
        site
    }

    /// Images by id; an image deleted on one side stays while the merged site still uses it.
    fn images(
        &mut self,
        merged: &Site,
        base: &Site,
        ours: &Site,
        theirs: &Site,
    ) -> Vec<DatedImage> {
        let mut used: BTreeSet<ImageId> = merged.reference_image.into_iter().collect();
        for f in &merged.footprints {
            used.extend([f.before, f.after]);
            if let Some(FootprintConflict::Theirs(other)) = &f.conflict {
                used.extend([other.before, other.after]);
            }
        }
        for m in &merged.markers {
            used.extend(m.before.into_iter().chain(m.after));
        }
        let mut out = Vec::new();
        for (id, [bi, oi, ti]) in by_key(&base.images, &ours.images, &theirs.images, |i| i.id) {
            let chosen = match pick(bi, oi, ti) {
                Some(c) => c,
                None => {
                    self.notes.push(format!(
                        "image {id} of site {} was changed differently on both branches, or \
                         changed on one and removed on the other; kept the changed record",
                        merged.id
                    ));
                    oi.or(ti)
                }
            };
            let kept = match chosen {
                Some(img) => Some(img),
                None if used.contains(&id) => {
                    self.notes.push(format!(
                        "image {id} of site {} was removed on one branch but the other uses it; kept",
                        merged.id
                    ));
                    oi.or(ti).or(bi)
                }
                None => None,
            };
            out.extend(kept.cloned());
        }
        out
    }

    fn footprints(
        &mut self,
        site: SiteId,
        base: &Site,
        ours: &Site,
        theirs: &Site,
    ) -> Vec<Footprint> {
        let mut out = Vec::new();
        let all = by_key(
            &base.footprints,
            &ours.footprints,
            &theirs.footprints,
            |f| f.id,
        );
        for (id, [bf, of, tf]) in all {
            let merged = match (pick(bf, of, tf), of, tf) {
                (Some(chosen), _, _) => chosen.cloned(),
                (None, Some(of), Some(tf)) => Some(merge_footprint(bf, of, tf)),
                (None, Some(kept), None) => {
                    Some(with_conflict(kept, FootprintConflict::DeletedInTheirs))
                }
                (None, None, Some(kept)) => {
                    Some(with_conflict(kept, FootprintConflict::DeletedInOurs))
                }
                (None, None, None) => None,
            };
            if let Some(f) = &merged
                && let Some(c) = &f.conflict
            {
                self.conflicts.push(ConflictNote {
                    site,
                    footprint: id,
                    what: c.describe(f),
                });
            }
            out.extend(merged);
        }
        out
    }

    /// Markers by id. Changed differently on both sides, the settled one wins over the open
    /// one, else ours; changed on one side and deleted on the other, it stays.
    fn markers(&mut self, site: SiteId, base: &Site, ours: &Site, theirs: &Site) -> Vec<Marker> {
        let mut out = Vec::new();
        for (id, [bm, om, tm]) in by_key(&base.markers, &ours.markers, &theirs.markers, |m| m.id) {
            let chosen = pick(bm, om, tm).unwrap_or_else(|| {
                self.notes.push(format!(
                    "missed-change marker {id} of site {site} was changed differently on both \
                     branches; kept the settled or this branch's version"
                ));
                match (om, tm) {
                    (Some(o), Some(t)) if o.is_open() && !t.is_open() => Some(t),
                    (o, t) => o.or(t),
                }
            });
            out.extend(chosen.cloned());
        }
        out
    }

    /// Coverage per reviewer: checked cells merged as a set while both sides count on the
    /// same grid.
    fn coverage(&mut self, site: SiteId, base: &Site, ours: &Site, theirs: &Site) -> Vec<Coverage> {
        let mut out = Vec::new();
        let all = by_key(&base.coverage, &ours.coverage, &theirs.coverage, |c| {
            c.reviewer.clone()
        });
        for (who, [bc, oc, tc]) in all {
            if let Some(chosen) = pick(bc, oc, tc) {
                out.extend(chosen.cloned());
                continue;
            }
            let grid = oc.or(tc).map(|c| c.grid);
            let same_grid = |c: Option<&Coverage>| c.is_none_or(|c| Some(c.grid) == grid);
            let (Some(grid), true) = (grid, same_grid(oc) && same_grid(tc)) else {
                self.notes.push(format!(
                    "{who}'s coverage of site {site} was counted on different grids; kept this \
                     branch's"
                ));
                out.extend(oc.cloned());
                continue;
            };
            fn cells(c: Option<&Coverage>) -> &[u32] {
                c.map_or(&[], |c| &c.checked)
            }
            let base_cells = if bc.is_some_and(|c| c.grid == grid) {
                cells(bc)
            } else {
                &[]
            };
            let mut merged = Coverage::new(&who, grid);
            merged.checked = merge_set(base_cells, cells(oc), cells(tc));
            if !merged.checked.is_empty() {
                out.push(merged);
            }
        }
        out
    }
}

fn with_conflict(f: &Footprint, conflict: FootprintConflict) -> Footprint {
    let mut f = f.clone();
    f.conflict = Some(conflict);
    f
}

/// Both sides changed a footprint: merge it field by field. Where a field differs on both
/// sides the result is ours, holding theirs as a conflict; both versions share every field
/// that did merge (tags, the review thread, times), so either choice keeps both branches'
/// reviews.
fn merge_footprint(base: Option<&Footprint>, ours: &Footprint, theirs: &Footprint) -> Footprint {
    let mut mine = ours.clone();
    let mut other = theirs.clone();
    let mut conflicting = false;
    macro_rules! field {
        ($($f:ident),*) => {$(
            match pick(base.map(|b| &b.$f), Some(&ours.$f), Some(&theirs.$f)) {
                Some(Some(v)) => {
                    mine.$f = v.clone();
                    other.$f = v.clone();
                }
                _ => conflicting = true,
            }
        )*};
    }
    contested_fields!(field);
    let created = ours.created.min(theirs.created);
    let modified = ours.modified.max(theirs.modified);
    let empty_tags = Vec::new();
    let tags = merge_set(
        base.map_or(&empty_tags, |b| &b.tags),
        &ours.tags,
        &theirs.tags,
    );
    let reviews = merge_thread(
        base.map_or(&[][..], |b| &b.reviews),
        &ours.reviews,
        &theirs.reviews,
    );
    // A conflict left by an earlier merge and not yet resolved travels as it is.
    let earlier = match pick(
        base.map(|b| &b.conflict),
        Some(&ours.conflict),
        Some(&theirs.conflict),
    ) {
        Some(Some(c)) => c.clone(),
        _ => ours.conflict.clone(),
    };
    for v in [&mut mine, &mut other] {
        v.created = created;
        v.modified = modified;
        v.tags = tags.clone();
        v.reviews = reviews.clone();
        v.conflict = None;
    }
    mine.conflict = if conflicting {
        Some(FootprintConflict::Theirs(Box::new(other)))
    } else {
        earlier
    };
    mine
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
