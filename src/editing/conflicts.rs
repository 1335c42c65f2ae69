//! Resolving what a merge could not decide: each footprint kept in two versions
//! ([`FootprintConflict`]) is settled by one choice, as one undoable edit.

use crate::model::{
    Edit, Footprint, FootprintConflict, FootprintId, IdsExhausted, Project, Site, SiteId,
};

/// The choice for one conflicted footprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// This branch's version (or its deletion).
    KeepMine,
    /// The other branch's version (or its deletion).
    KeepTheirs,
    /// Both versions, theirs as a new footprint (only when both branches changed it).
    KeepBoth,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [
        Resolution::KeepMine,
        Resolution::KeepTheirs,
        Resolution::KeepBoth,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Resolution::KeepMine => "Keep mine",
            Resolution::KeepTheirs => "Keep theirs",
            Resolution::KeepBoth => "Keep both",
        }
    }

    /// Whether this choice makes sense for the conflict.
    pub fn applies_to(self, conflict: &FootprintConflict) -> bool {
        self != Resolution::KeepBoth || matches!(conflict, FootprintConflict::Theirs(_))
    }
}

/// Why a resolution cannot be made; nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("footprint {0} does not exist")]
    NoSuchFootprint(FootprintId),
    #[error("footprint {0} has no merge conflict")]
    NoConflict(FootprintId),
    #[error("footprint {0} was deleted on one branch: keep one side")]
    NothingToKeepBoth(FootprintId),
    #[error(transparent)]
    Ids(#[from] IdsExhausted),
}

/// The site's footprints left in conflict, in id order.
pub fn conflicted(site: &Site) -> impl Iterator<Item = &Footprint> {
    site.footprints.iter().filter(|f| f.conflict.is_some())
}

/// How many footprints of the project await a choice.
pub fn conflict_count(project: &Project) -> usize {
    project.sites.iter().map(|s| conflicted(s).count()).sum()
}

/// The edit that settles footprint `id` of `site` by `choice`.
pub fn resolution_edit(
    project: &Project,
    site: SiteId,
    id: FootprintId,
    choice: Resolution,
) -> Result<Edit, ResolveError> {
    let fp = project
        .site(site)
        .and_then(|s| s.footprint(id))
        .ok_or(ResolveError::NoSuchFootprint(id))?;
    let conflict = fp.conflict.as_ref().ok_or(ResolveError::NoConflict(id))?;
    let mut mine = fp.clone();
    mine.conflict = None;
    let replace = |footprint: Footprint| Edit::ReplaceFootprint { site, footprint };
    let remove = Edit::RemoveFootprint { site, id };
    Ok(match (conflict, choice) {
        (FootprintConflict::Theirs(_), Resolution::KeepMine)
        | (FootprintConflict::DeletedInTheirs, Resolution::KeepMine)
        | (FootprintConflict::DeletedInOurs, Resolution::KeepTheirs) => replace(mine),
        (FootprintConflict::DeletedInTheirs, Resolution::KeepTheirs)
        | (FootprintConflict::DeletedInOurs, Resolution::KeepMine) => remove,
        (FootprintConflict::Theirs(theirs), Resolution::KeepTheirs) => {
            let mut theirs = (**theirs).clone();
            theirs.id = id;
            theirs.conflict = None;
            replace(theirs)
        }
        (FootprintConflict::Theirs(theirs), Resolution::KeepBoth) => {
            let mut theirs = (**theirs).clone();
            theirs.id = project.next_ids.clone().new_footprint()?;
            theirs.conflict = None;
            Edit::Batch(vec![
                replace(mine),
                Edit::AddFootprint {
                    site,
                    footprint: theirs,
                },
            ])
        }
        (_, Resolution::KeepBoth) => return Err(ResolveError::NothingToKeepBoth(id)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        CaptureDate, ChangeKind, DatedImage, History, ImageId, Point, Polygon, Timestamp,
    };

    /// F1 changed to demolished here and renovated on the other branch.
    fn conflicted_project() -> Project {
        let mut p = Project::new("t");
        let sid = p.next_ids.new_site().unwrap();
        let mut s = Site::new(sid, "plant");
        for path in ["a.png", "b.png"] {
            let id = p.next_ids.new_image().unwrap();
            s.images
                .push(DatedImage::new(id, path, CaptureDate::Unknown));
        }
        s.reference_image = Some(ImageId(1));
        let mut f = Footprint::new(
            p.next_ids.new_footprint().unwrap(),
            ChangeKind::Demolished,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 10.0)),
            "ana",
            Timestamp::from_unix(0).unwrap(),
        );
        let mut theirs = f.clone();
        theirs.kind = ChangeKind::Renovated;
        f.conflict = Some(FootprintConflict::Theirs(Box::new(theirs)));
        s.footprints.push(f);
        p.sites.push(s);
        p
    }

    fn resolve(p: &mut Project, h: &mut History, choice: Resolution) {
        let edit = resolution_edit(p, SiteId(1), FootprintId(1), choice).unwrap();
        h.apply(p, edit).unwrap();
    }

    #[test]
    fn keeping_theirs_takes_their_version_and_undo_brings_the_conflict_back() {
        let mut p = conflicted_project();
        let before = p.clone();
        let mut h = History::new();
        resolve(&mut p, &mut h, Resolution::KeepTheirs);
        let f = p.sites[0].footprint(FootprintId(1)).unwrap();
        assert_eq!(f.kind, ChangeKind::Renovated);
        assert!(f.conflict.is_none());
        assert_eq!(conflict_count(&p), 0);
        h.undo(&mut p).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn keeping_mine_drops_theirs_and_keeping_both_adds_theirs_as_a_new_footprint() {
        let mut p = conflicted_project();
        let mut h = History::new();
        resolve(&mut p, &mut h, Resolution::KeepMine);
        assert_eq!(p.sites[0].footprints.len(), 1);
        assert_eq!(p.sites[0].footprints[0].kind, ChangeKind::Demolished);
        h.undo(&mut p).unwrap();
        resolve(&mut p, &mut h, Resolution::KeepBoth);
        let kinds: Vec<(u32, ChangeKind)> = p.sites[0]
            .footprints
            .iter()
            .map(|f| (f.id.0, f.kind))
            .collect();
        assert_eq!(
            kinds,
            [(1, ChangeKind::Demolished), (2, ChangeKind::Renovated)]
        );
        assert!(crate::model::validate(&p).is_empty());
    }

    #[test]
    fn a_deletion_on_one_side_is_kept_or_undone_and_cannot_keep_both() {
        let mut p = conflicted_project();
        p.sites[0].footprints[0].conflict = Some(FootprintConflict::DeletedInTheirs);
        assert_eq!(
            resolution_edit(&p, SiteId(1), FootprintId(1), Resolution::KeepBoth),
            Err(ResolveError::NothingToKeepBoth(FootprintId(1)))
        );
        let mut h = History::new();
        resolve(&mut p, &mut h, Resolution::KeepTheirs);
        assert!(p.sites[0].footprints.is_empty());
    }

    #[test]
    fn an_unresolved_conflict_is_a_validation_problem() {
        let p = conflicted_project();
        let problems = crate::model::validate(&p);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .to_string()
                .contains("unresolved merge conflict: changed on both branches (kind)"),
            "{}",
            problems[0]
        );
    }
}
