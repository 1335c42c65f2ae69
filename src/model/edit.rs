//! Every change to a project is an [`Edit`], applied in one place. Applying an edit returns its
//! inverse, and [`History`] keeps those inverses for undo and redo.

use super::footprint::Footprint;
use super::ids::{FootprintId, ImageId, SiteId};
use super::project::{DatedImage, Project};

/// One change to a project. One user gesture (a whole polygon, a whole relink) is one edit;
/// several related changes travel together as a [`Edit::Batch`].
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    AddFootprint {
        site: SiteId,
        footprint: Footprint,
    },
    RemoveFootprint {
        site: SiteId,
        id: FootprintId,
    },
    /// Replaces a footprint (same id) wholesale: outline, labels, review, anything.
    ReplaceFootprint {
        site: SiteId,
        footprint: Footprint,
    },
    /// Replaces a dated image's record (same id): path, date, source or transform.
    ReplaceImage {
        site: SiteId,
        image: DatedImage,
    },
    RenameProject(String),
    /// Several edits applied in order and undone in reverse, as one step.
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied; the project is left unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("site {0} does not exist")]
    NoSuchSite(SiteId),
    #[error("footprint {0} does not exist")]
    NoSuchFootprint(FootprintId),
    #[error("image {0} does not exist")]
    NoSuchImage(ImageId),
    #[error("footprint {0} already exists")]
    DuplicateFootprint(FootprintId),
}

impl Edit {
    /// Applies the edit and returns the edit that undoes it. On error nothing changed.
    pub fn apply(self, project: &mut Project) -> Result<Edit, EditError> {
        match self {
            Edit::AddFootprint { site, footprint } => {
                let id = footprint.id;
                if project.all_footprints().any(|(_, f)| f.id == id) {
                    return Err(EditError::DuplicateFootprint(id));
                }
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let pos = s.footprints.partition_point(|f| f.id < id);
                s.footprints.insert(pos, footprint);
                // Ids are never handed out twice, even after this add is undone.
                project.next_ids.footprint = project.next_ids.footprint.max(id.0.saturating_add(1));
                Ok(Edit::RemoveFootprint { site, id })
            }
            Edit::RemoveFootprint { site, id } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let pos = s
                    .footprints
                    .iter()
                    .position(|f| f.id == id)
                    .ok_or(EditError::NoSuchFootprint(id))?;
                let footprint = s.footprints.remove(pos);
                Ok(Edit::AddFootprint { site, footprint })
            }
            Edit::ReplaceFootprint { site, footprint } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let slot = s
                    .footprint_mut(footprint.id)
                    .ok_or(EditError::NoSuchFootprint(footprint.id))?;
                let old = std::mem::replace(slot, footprint);
                Ok(Edit::ReplaceFootprint {
                    site,
                    footprint: old,
                })
            }
            Edit::ReplaceImage { site, image } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let slot = s
                    .image_mut(image.id)
                    .ok_or(EditError::NoSuchImage(image.id))?;
                let old = std::mem::replace(slot, image);
                Ok(Edit::ReplaceImage { site, image: old })
            }
            Edit::RenameProject(name) => {
                let old = std::mem::replace(&mut project.name, name);
                Ok(Edit::RenameProject(old))
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(project) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            // Roll back what was applied so the batch is all or nothing.
                            for inv in inverses.into_iter().rev() {
                                let _ = inv.apply(project);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch(inverses))
            }
        }
    }

    /// A short description for the Edit menu ("Undo add footprint F7").
    pub fn describe(&self) -> String {
        match self {
            Edit::AddFootprint { footprint, .. } => format!("add footprint {}", footprint.id),
            Edit::RemoveFootprint { id, .. } => format!("delete footprint {id}"),
            Edit::ReplaceFootprint { footprint, .. } => {
                format!("change footprint {}", footprint.id)
            }
            Edit::ReplaceImage { image, .. } => format!("change image {}", image.id),
            Edit::RenameProject(_) => "rename project".to_string(),
            Edit::Batch(v) => match v.first() {
                Some(first) if v.len() == 1 => first.describe(),
                _ => format!("{} changes", v.len()),
            },
        }
    }
}

/// Undo and redo stacks, plus which state was last saved, for the unsaved-changes mark.
#[derive(Debug, Default)]
pub struct History {
    /// Inverse edits with the state they restore.
    undo: Vec<(Edit, u64)>,
    redo: Vec<(Edit, u64)>,
    current: u64,
    saved: u64,
    next_state: u64,
}

impl History {
    pub fn new() -> Self {
        Self {
            next_state: 1,
            ..Self::default()
        }
    }

    /// Applies a new edit; it becomes one undo step and clears the redo stack.
    pub fn apply(&mut self, project: &mut Project, edit: Edit) -> Result<(), EditError> {
        let inverse = edit.apply(project)?;
        self.undo.push((inverse, self.current));
        self.redo.clear();
        self.current = self.fresh_state();
        Ok(())
    }

    /// Undoes the last step; false when there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        let Some((edit, state)) = self.undo.pop() else {
            return Ok(false);
        };
        match edit.clone().apply(project) {
            Ok(redo) => {
                self.redo.push((redo, self.current));
                self.current = state;
                Ok(true)
            }
            Err(e) => {
                self.undo.push((edit, state));
                Err(e)
            }
        }
    }

    /// Redoes the last undone step; false when there is nothing to redo.
    pub fn redo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        let Some((edit, state)) = self.redo.pop() else {
            return Ok(false);
        };
        match edit.clone().apply(project) {
            Ok(undo) => {
                self.undo.push((undo, self.current));
                self.current = state;
                Ok(true)
            }
            Err(e) => {
                self.redo.push((edit, state));
                Err(e)
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// What the next undo would revert, for menus and tooltips.
    pub fn undo_description(&self) -> Option<String> {
        self.undo.last().map(|(e, _)| e.describe())
    }

    pub fn redo_description(&self) -> Option<String> {
        self.redo.last().map(|(e, _)| e.describe())
    }

    /// Records that the project as it is now has been saved.
    pub fn mark_saved(&mut self) {
        self.saved = self.current;
    }

    /// Records that no state of the project has been saved yet (a project made in memory).
    pub fn mark_never_saved(&mut self) {
        self.saved = u64::MAX;
    }

    /// True when the project differs from what was last saved (or loaded).
    pub fn is_dirty(&self) -> bool {
        self.current != self.saved
    }

    fn fresh_state(&mut self) -> u64 {
        let s = self.next_state.max(1);
        self.next_state = s + 1;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        CaptureDate, ChangeKind, DatedImage, Point, Polygon, Project, Site, Timestamp,
    };

    fn project() -> Project {
        let mut p = Project::new("t");
        let sid = p.next_ids.new_site();
        let mut s = Site::new(sid, "plant");
        let a = p.next_ids.new_image();
        let b = p.next_ids.new_image();
        s.images
            .push(DatedImage::new(a, "a.png", CaptureDate::Unknown));
        s.images
            .push(DatedImage::new(b, "b.png", CaptureDate::Unknown));
        s.reference_image = Some(a);
        p.sites.push(s);
        p
    }

    fn footprint(p: &mut Project) -> Footprint {
        let id = p.next_ids.new_footprint();
        Footprint::new(
            id,
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 5.0)),
            "ana",
            Timestamp::from_unix(0).unwrap(),
        )
    }

    #[test]
    fn undo_after_add_restores_the_project_and_redo_brings_it_back() {
        let mut p = project();
        let original = p.clone();
        let f = footprint(&mut p);
        let mut h = History::new();
        h.apply(
            &mut p,
            Edit::AddFootprint {
                site: SiteId(1),
                footprint: f.clone(),
            },
        )
        .unwrap();
        assert!(h.is_dirty());
        assert_eq!(p.sites[0].footprints, vec![f.clone()]);
        assert!(h.undo(&mut p).unwrap());
        assert_eq!(p.sites[0].footprints, original.sites[0].footprints);
        assert!(!h.is_dirty(), "undoing back to the loaded state is clean");
        assert!(h.redo(&mut p).unwrap());
        assert_eq!(p.sites[0].footprints, vec![f]);
        assert!(!h.redo(&mut p).unwrap());
    }

    #[test]
    fn an_undone_add_does_not_free_its_id_for_reuse() {
        let mut p = project();
        let f = footprint(&mut p);
        let id = f.id;
        let mut h = History::new();
        h.apply(
            &mut p,
            Edit::AddFootprint {
                site: SiteId(1),
                footprint: f,
            },
        )
        .unwrap();
        h.undo(&mut p).unwrap();
        assert!(p.next_ids.new_footprint().0 > id.0);
    }

    #[test]
    fn a_failing_batch_changes_nothing() {
        let mut p = project();
        let f = footprint(&mut p);
        let before = p.clone();
        let batch = Edit::Batch(vec![
            Edit::AddFootprint {
                site: SiteId(1),
                footprint: f,
            },
            Edit::RemoveFootprint {
                site: SiteId(1),
                id: FootprintId(99),
            },
        ]);
        assert_eq!(
            batch.apply(&mut p),
            Err(EditError::NoSuchFootprint(FootprintId(99)))
        );
        assert_eq!(p, before);
    }

    #[test]
    fn saving_then_editing_then_undoing_returns_to_clean() {
        let mut p = project();
        let mut h = History::new();
        let mut img = p.sites[0].images[0].clone();
        img.path = "moved/a.png".into();
        h.apply(
            &mut p,
            Edit::ReplaceImage {
                site: SiteId(1),
                image: img,
            },
        )
        .unwrap();
        h.mark_saved();
        assert!(!h.is_dirty());
        h.apply(&mut p, Edit::RenameProject("x".into())).unwrap();
        assert!(h.is_dirty());
        h.undo(&mut p).unwrap();
        assert!(!h.is_dirty());
        assert_eq!(p.sites[0].images[0].path, "moved/a.png");
        // Undoing past the save point is a change again.
        h.undo(&mut p).unwrap();
        assert!(h.is_dirty());
        assert_eq!(p.sites[0].images[0].path, "a.png");
    }
}
