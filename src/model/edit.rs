//! Every change to a project is an [`Edit`], applied in one place. Applying an edit returns its
//! inverse, and [`History`] keeps those inverses for undo and redo.

use super::footprint::Footprint;
use super::ids::{FootprintId, ImageId, SiteId};
use super::marker::{Coverage, CoverageGrid, Marker};
use super::project::{DatedImage, Project, Site};
use super::reference::{ReferenceBuilding, ReferenceId};
use super::transform::Affine;
use std::collections::BTreeSet;

/// One change to a project. One user gesture (a whole polygon, a whole drag, a relink) is one
/// edit; several related changes travel together as a [`Edit::Batch`].
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
    /// Adds a dated image to a site.
    AddImage {
        site: SiteId,
        image: DatedImage,
    },
    /// Removes a dated image that no footprint refers to and that is not the reference image.
    RemoveImage {
        site: SiteId,
        id: ImageId,
    },
    /// Replaces a dated image's record (same id): path, date, source or transform.
    ReplaceImage {
        site: SiteId,
        image: DatedImage,
    },
    /// Sets a dated image's transform into the site frame (registration, a nudge, a reset).
    /// The reference image keeps the identity: its pixel frame *is* the site frame.
    SetImageTransform {
        site: SiteId,
        image: ImageId,
        to_site: Affine,
    },
    /// Which image's pixel frame is the site frame.
    SetReferenceImage {
        site: SiteId,
        image: Option<ImageId>,
    },
    /// Adds a whole site (with whatever images and footprints it holds).
    AddSite(Site),
    /// Removes a whole site.
    RemoveSite(SiteId),
    RenameSite {
        site: SiteId,
        name: String,
    },
    RenameProject(String),
    /// Replaces a site's missed-change markers (a few per site; whole lists keep undo simple).
    SetMarkers {
        site: SiteId,
        markers: Vec<Marker>,
    },
    /// Checks (or unchecks) cells of one reviewer's coverage of a site. The record is made
    /// with `grid` when the reviewer has none, and goes when no cell is left checked.
    CheckCells {
        site: SiteId,
        reviewer: String,
        grid: CoverageGrid,
        cells: Vec<u32>,
        checked: bool,
    },
    /// Adds reference buildings (a whole import) to a site; their ids must be free.
    AddReferences {
        site: SiteId,
        references: Vec<ReferenceBuilding>,
    },
    /// Removes reference buildings from a site (deleted, or turned into footprints).
    RemoveReferences {
        site: SiteId,
        ids: Vec<ReferenceId>,
    },
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
    #[error("image {0} already exists")]
    DuplicateImage(ImageId),
    #[error("site {0} already exists")]
    DuplicateSite(SiteId),
    #[error("reference building {0} does not exist")]
    NoSuchReference(ReferenceId),
    #[error("reference building {0} already exists")]
    DuplicateReference(ReferenceId),
    #[error("image {image} is used by footprint(s) {}", list(.footprints))]
    ImageInUse {
        image: ImageId,
        footprints: Vec<FootprintId>,
    },
    #[error("image {0} is the site's reference image; choose another reference first")]
    ImageIsReference(ImageId),
    #[error(
        "image {0} is the site's reference image: its pixel frame is the site frame, so it \
         cannot be registered (register the other images to it, or choose another reference)"
    )]
    ReferenceNotRegistrable(ImageId),
    #[error("the transform for image {0} is not usable (not finite, or it flattens the image)")]
    UnusableTransform(ImageId),
    #[error(
        "the project is open read-only (another window holds it); Save As makes a copy you can edit"
    )]
    ReadOnly,
}

fn list(ids: &[FootprintId]) -> String {
    let shown: Vec<String> = ids.iter().take(12).map(|i| i.to_string()).collect();
    if ids.len() > shown.len() {
        format!("{} and {} more", shown.join(", "), ids.len() - shown.len())
    } else {
        shown.join(", ")
    }
}

/// What an edit changed, so that derived data (spatial index, triangulations, counts) can be
/// patched instead of rebuilt, and so that undo can say what it restored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Sites added, removed or whose name or reference changed: rebuild what is derived from
    /// them.
    pub sites: BTreeSet<SiteId>,
    /// Footprints added, removed or changed.
    pub footprints: BTreeSet<(SiteId, FootprintId)>,
    /// Images added, removed or changed.
    pub images: BTreeSet<(SiteId, ImageId)>,
    /// The project's own fields (its name).
    pub project: bool,
    /// Sites whose markers or coverage changed.
    pub review: BTreeSet<SiteId>,
    /// Sites whose reference buildings changed.
    pub references: BTreeSet<SiteId>,
}

impl Touched {
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
            && self.footprints.is_empty()
            && self.images.is_empty()
            && self.review.is_empty()
            && self.references.is_empty()
            && !self.project
    }

    pub fn merge(&mut self, other: Touched) {
        self.sites.extend(other.sites);
        self.footprints.extend(other.footprints);
        self.images.extend(other.images);
        self.project |= other.project;
        self.review.extend(other.review);
        self.references.extend(other.references);
    }

    /// The footprints touched, without their sites.
    pub fn footprint_ids(&self) -> impl Iterator<Item = FootprintId> + '_ {
        self.footprints.iter().map(|(_, f)| *f)
    }
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
            Edit::AddImage { site, image } => {
                let id = image.id;
                if project.all_images().any(|(_, i)| i.id == id) {
                    return Err(EditError::DuplicateImage(id));
                }
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let pos = s.images.partition_point(|i| i.id < id);
                s.images.insert(pos, image);
                project.next_ids.image = project.next_ids.image.max(id.0.saturating_add(1));
                Ok(Edit::RemoveImage { site, id })
            }
            Edit::RemoveImage { site, id } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let pos = s
                    .images
                    .iter()
                    .position(|i| i.id == id)
                    .ok_or(EditError::NoSuchImage(id))?;
                let users: Vec<FootprintId> = s
                    .footprints
                    .iter()
                    .filter(|f| f.before == id || f.after == id)
                    .map(|f| f.id)
                    .collect();
                if !users.is_empty() {
                    return Err(EditError::ImageInUse {
                        image: id,
                        footprints: users,
                    });
                }
                if s.reference_image == Some(id) {
                    return Err(EditError::ImageIsReference(id));
                }
                let image = s.images.remove(pos);
                Ok(Edit::AddImage { site, image })
            }
            Edit::ReplaceImage { site, image } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let slot = s
                    .image_mut(image.id)
                    .ok_or(EditError::NoSuchImage(image.id))?;
                let old = std::mem::replace(slot, image);
                Ok(Edit::ReplaceImage { site, image: old })
            }
            Edit::SetImageTransform {
                site,
                image,
                to_site,
            } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                if !to_site.is_usable() {
                    return Err(EditError::UnusableTransform(image));
                }
                if s.reference_image == Some(image) && !to_site.is_identity() {
                    return Err(EditError::ReferenceNotRegistrable(image));
                }
                let slot = s.image_mut(image).ok_or(EditError::NoSuchImage(image))?;
                let old = std::mem::replace(&mut slot.to_site, to_site);
                Ok(Edit::SetImageTransform {
                    site,
                    image,
                    to_site: old,
                })
            }
            Edit::SetReferenceImage { site, image } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                if let Some(id) = image
                    && s.image(id).is_none()
                {
                    return Err(EditError::NoSuchImage(id));
                }
                let old = std::mem::replace(&mut s.reference_image, image);
                Ok(Edit::SetReferenceImage { site, image: old })
            }
            Edit::AddSite(site) => {
                let id = site.id;
                if project.site(id).is_some() {
                    return Err(EditError::DuplicateSite(id));
                }
                if let Some(img) = site
                    .images
                    .iter()
                    .find(|i| project.all_images().any(|(_, j)| j.id == i.id))
                {
                    return Err(EditError::DuplicateImage(img.id));
                }
                if let Some(f) = site
                    .footprints
                    .iter()
                    .find(|f| project.all_footprints().any(|(_, g)| g.id == f.id))
                {
                    return Err(EditError::DuplicateFootprint(f.id));
                }
                let ids = &mut project.next_ids;
                ids.site = ids.site.max(id.0.saturating_add(1));
                for i in &site.images {
                    ids.image = ids.image.max(i.id.0.saturating_add(1));
                }
                for f in &site.footprints {
                    ids.footprint = ids.footprint.max(f.id.0.saturating_add(1));
                }
                let pos = project.sites.partition_point(|s| s.id < id);
                project.sites.insert(pos, site);
                Ok(Edit::RemoveSite(id))
            }
            Edit::RemoveSite(id) => {
                let pos = project
                    .sites
                    .iter()
                    .position(|s| s.id == id)
                    .ok_or(EditError::NoSuchSite(id))?;
                Ok(Edit::AddSite(project.sites.remove(pos)))
            }
            Edit::RenameSite { site, name } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let old = std::mem::replace(&mut s.name, name);
                Ok(Edit::RenameSite { site, name: old })
            }
            Edit::RenameProject(name) => {
                let old = std::mem::replace(&mut project.name, name);
                Ok(Edit::RenameProject(old))
            }
            Edit::SetMarkers { site, mut markers } => {
                markers.sort_by_key(|m| m.id);
                let top = markers.iter().map(|m| m.id.0).max().unwrap_or(0);
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let old = std::mem::replace(&mut s.markers, markers);
                project.next_ids.marker = project.next_ids.marker.max(top.saturating_add(1));
                Ok(Edit::SetMarkers { site, markers: old })
            }
            Edit::CheckCells {
                site,
                reviewer,
                grid,
                cells,
                checked,
            } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let at = match s.coverage.iter().position(|c| c.reviewer == reviewer) {
                    Some(i) => i,
                    None => {
                        let pos = s.coverage.partition_point(|c| c.reviewer < reviewer);
                        s.coverage.insert(pos, Coverage::new(&reviewer, grid));
                        pos
                    }
                };
                let record = &mut s.coverage[at];
                let grid = record.grid;
                let changed: Vec<u32> = cells
                    .into_iter()
                    .filter(|c| record.set(*c, checked))
                    .collect();
                if record.checked.is_empty() {
                    s.coverage.remove(at);
                }
                Ok(Edit::CheckCells {
                    site,
                    reviewer,
                    grid,
                    cells: changed,
                    checked: !checked,
                })
            }
            Edit::AddReferences {
                site,
                mut references,
            } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                references.sort_by_key(|r| r.id);
                let mut top = 0;
                for pair in references.windows(2) {
                    if pair[0].id == pair[1].id {
                        return Err(EditError::DuplicateReference(pair[0].id));
                    }
                }
                for r in &references {
                    if s.reference(r.id).is_some() {
                        return Err(EditError::DuplicateReference(r.id));
                    }
                    top = top.max(r.id.0);
                }
                let ids = references.iter().map(|r| r.id).collect();
                // Merge two sorted lists in one pass: an import of thousands stays linear.
                let old = std::mem::take(&mut s.references);
                let mut merged = Vec::with_capacity(old.len() + references.len());
                let (mut a, mut b) = (
                    old.into_iter().peekable(),
                    references.into_iter().peekable(),
                );
                while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                    let next = if x.id < y.id { a.next() } else { b.next() };
                    merged.extend(next);
                }
                merged.extend(a);
                merged.extend(b);
                s.references = merged;
                project.next_ids.reference = project.next_ids.reference.max(top.saturating_add(1));
                Ok(Edit::RemoveReferences { site, ids })
            }
            Edit::RemoveReferences { site, ids } => {
                let s = project.site_mut(site).ok_or(EditError::NoSuchSite(site))?;
                let wanted: BTreeSet<ReferenceId> = ids.iter().copied().collect();
                if let Some(missing) = wanted.iter().find(|id| s.reference(**id).is_none()) {
                    return Err(EditError::NoSuchReference(*missing));
                }
                let (removed, kept) = std::mem::take(&mut s.references)
                    .into_iter()
                    .partition(|r| wanted.contains(&r.id));
                s.references = kept;
                Ok(Edit::AddReferences {
                    site,
                    references: removed,
                })
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

    /// What applying this edit changes (the same for the edit and its inverse).
    pub fn touched(&self) -> Touched {
        let mut t = Touched::default();
        self.collect_touched(&mut t);
        t
    }

    fn collect_touched(&self, t: &mut Touched) {
        match self {
            Edit::AddFootprint { site, footprint } | Edit::ReplaceFootprint { site, footprint } => {
                t.footprints.insert((*site, footprint.id));
            }
            Edit::RemoveFootprint { site, id } => {
                t.footprints.insert((*site, *id));
            }
            Edit::AddImage { site, image } | Edit::ReplaceImage { site, image } => {
                t.images.insert((*site, image.id));
            }
            Edit::RemoveImage { site, id } => {
                t.images.insert((*site, *id));
            }
            Edit::SetImageTransform { site, image, .. } => {
                t.images.insert((*site, *image));
            }
            Edit::SetReferenceImage { site, .. } | Edit::RenameSite { site, .. } => {
                t.sites.insert(*site);
            }
            Edit::AddSite(site) => {
                t.sites.insert(site.id);
            }
            Edit::RemoveSite(id) => {
                t.sites.insert(*id);
            }
            Edit::RenameProject(_) => t.project = true,
            Edit::SetMarkers { site, .. } | Edit::CheckCells { site, .. } => {
                t.review.insert(*site);
            }
            Edit::AddReferences { site, .. } | Edit::RemoveReferences { site, .. } => {
                t.references.insert(*site);
            }
            Edit::Batch(v) => v.iter().for_each(|e| e.collect_touched(t)),
        }
    }

    /// A short description for the Edit menu ("Undo add footprint F7"), used when the caller
    /// gives no better one.
    pub fn describe(&self) -> String {
        match self {
            Edit::AddFootprint { footprint, .. } => format!("add footprint {}", footprint.id),
            Edit::RemoveFootprint { id, .. } => format!("delete footprint {id}"),
            Edit::ReplaceFootprint { footprint, .. } => {
                format!("change footprint {}", footprint.id)
            }
            Edit::AddImage { image, .. } => format!("add image {}", image.file_name()),
            Edit::RemoveImage { id, .. } => format!("remove image {id}"),
            Edit::ReplaceImage { image, .. } => format!("change image {}", image.id),
            Edit::SetImageTransform { image, to_site, .. } if to_site.is_identity() => {
                format!("reset the registration of image {image}")
            }
            Edit::SetImageTransform { image, .. } => format!("register image {image}"),
            Edit::SetReferenceImage { .. } => "change the reference image".to_string(),
            Edit::AddSite(site) => format!("add site {}", site.name),
            Edit::RemoveSite(id) => format!("remove site {id}"),
            Edit::RenameSite { name, .. } => format!("rename site to {name}"),
            Edit::RenameProject(_) => "rename project".to_string(),
            Edit::SetMarkers { .. } => "change missed-change markers".to_string(),
            Edit::CheckCells { checked: true, .. } => "check coverage cells".to_string(),
            Edit::CheckCells { .. } => "uncheck coverage cells".to_string(),
            Edit::AddReferences { references, .. } => {
                format!("import {} reference building(s)", references.len())
            }
            Edit::RemoveReferences { ids, .. } => match ids.as_slice() {
                [one] => format!("remove reference building {one}"),
                many => format!("remove {} reference buildings", many.len()),
            },
            Edit::Batch(v) => match v.first() {
                Some(first) if v.len() == 1 => first.describe(),
                _ => format!("{} changes", v.len()),
            },
        }
    }

    /// Calls `f` on every image path this edit carries. Used when a project moves to another
    /// folder (Save As): the paths in the undo history must move with it, or undoing an older
    /// image change would point the image at the old folder's relative path.
    pub fn map_image_paths(&mut self, f: &mut dyn FnMut(&mut String)) {
        match self {
            Edit::AddImage { image, .. } | Edit::ReplaceImage { image, .. } => f(&mut image.path),
            Edit::AddSite(site) => site.images.iter_mut().for_each(|i| f(&mut i.path)),
            Edit::Batch(v) => v.iter_mut().for_each(|e| e.map_image_paths(f)),
            _ => {}
        }
    }

    /// Rough heap bytes held, to keep the undo history's memory bounded.
    pub fn approx_bytes(&self) -> usize {
        let fp_bytes = |f: &Footprint| {
            std::mem::size_of::<Footprint>()
                + f.outline.len() * 16
                + f.after_outline.as_ref().map_or(0, |p| p.len() * 16)
                + f.tags.iter().map(|t| t.len() + 24).sum::<usize>()
                + f.note.len()
                + f.author.len()
                + f.reviews
                    .iter()
                    .map(|e| std::mem::size_of_val(e) + e.comment.len() + e.by.len())
                    .sum::<usize>()
        };
        let image =
            |i: &DatedImage| std::mem::size_of::<DatedImage>() + i.path.len() + i.source.len();
        std::mem::size_of::<Edit>()
            + match self {
                Edit::AddFootprint { footprint, .. } | Edit::ReplaceFootprint { footprint, .. } => {
                    fp_bytes(footprint)
                }
                Edit::AddImage { image: i, .. } | Edit::ReplaceImage { image: i, .. } => image(i),
                Edit::AddSite(s) => {
                    s.name.len()
                        + s.note.len()
                        + s.images.iter().map(image).sum::<usize>()
                        + s.footprints.iter().map(fp_bytes).sum::<usize>()
                }
                Edit::RenameSite { name, .. } | Edit::RenameProject(name) => name.len(),
                Edit::SetMarkers { markers, .. } => markers
                    .iter()
                    .map(|m| {
                        std::mem::size_of::<Marker>()
                            + m.note.len()
                            + m.by.len()
                            + match &m.shape {
                                super::marker::MarkerShape::Area(p) => p.len() * 16,
                                super::marker::MarkerShape::Point(_) => 0,
                            }
                    })
                    .sum(),
                Edit::CheckCells {
                    reviewer, cells, ..
                } => reviewer.len() + cells.len() * 4,
                Edit::AddReferences { references, .. } => references
                    .iter()
                    .map(|r| {
                        std::mem::size_of::<ReferenceBuilding>()
                            + r.outline.len() * 16
                            + r.source.len()
                            + r.attributes
                                .iter()
                                .map(|(k, v)| k.len() + v.len() + 48)
                                .sum::<usize>()
                    })
                    .sum(),
                Edit::RemoveReferences { ids, .. } => ids.len() * 4,
                Edit::Batch(v) => v.iter().map(Edit::approx_bytes).sum(),
                _ => 0,
            }
    }
}

/// One undoable step: the edit that reverts it, and what the user saw around it.
#[derive(Clone, Debug)]
struct Step {
    edit: Edit,
    /// The history state this step leads back to.
    state: u64,
    /// The Edit menu's words for the step ("draw footprint F7").
    label: String,
    /// The footprint selection to show once the step is undone (or redone).
    selection: Vec<FootprintId>,
    bytes: usize,
}

/// What undo or redo did, for the window to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Replayed {
    pub label: String,
    pub touched: Touched,
    /// The footprint selection as it was on the other side of the step.
    pub selection: Vec<FootprintId>,
}

/// Undo and redo stacks, plus which state was last saved, for the unsaved-changes mark.
///
/// Steps hold inverse edits (a few footprints each), never copies of the project, so memory
/// grows with what was changed, not with the project's size. Past [`History::max_bytes`] the
/// oldest steps are forgotten.
#[derive(Debug)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    current: u64,
    saved: u64,
    next_state: u64,
    bytes: usize,
    /// Upper bound on the memory the stacks hold.
    pub max_bytes: usize,
}

impl Default for History {
    fn default() -> Self {
        Self::new()
    }
}

/// The default memory bound of the undo history.
pub const HISTORY_MAX_BYTES: usize = 256 << 20;

impl History {
    pub fn new() -> Self {
        Self {
            undo: Vec::new(),
            redo: Vec::new(),
            current: 0,
            saved: 0,
            next_state: 1,
            bytes: 0,
            max_bytes: HISTORY_MAX_BYTES,
        }
    }

    /// Applies a new edit as one undo step named by `label`, remembering `selection` (the
    /// footprints selected before it) for undo. Clears the redo stack.
    pub fn apply_step(
        &mut self,
        project: &mut Project,
        edit: Edit,
        label: impl Into<String>,
        selection: Vec<FootprintId>,
    ) -> Result<Touched, EditError> {
        let touched = edit.touched();
        let inverse = edit.apply(project)?;
        let bytes = inverse.approx_bytes();
        self.undo.push(Step {
            edit: inverse,
            state: self.current,
            label: label.into(),
            selection,
            bytes,
        });
        self.bytes += bytes;
        for s in self.redo.drain(..) {
            self.bytes -= s.bytes;
        }
        self.current = self.fresh_state();
        self.trim();
        Ok(touched)
    }

    /// Applies a new edit as one undo step, described by the edit itself.
    pub fn apply(&mut self, project: &mut Project, edit: Edit) -> Result<(), EditError> {
        let label = edit.describe();
        self.apply_step(project, edit, label, Vec::new())
            .map(|_| ())
    }

    /// Undoes the last step; `None` when there is nothing to undo. `selection` is the
    /// footprint selection now, restored if the step is redone.
    pub fn undo_step(
        &mut self,
        project: &mut Project,
        selection: Vec<FootprintId>,
    ) -> Result<Option<Replayed>, EditError> {
        self.replay(true, project, selection)
    }

    /// Redoes the last undone step; `None` when there is nothing to redo.
    pub fn redo_step(
        &mut self,
        project: &mut Project,
        selection: Vec<FootprintId>,
    ) -> Result<Option<Replayed>, EditError> {
        self.replay(false, project, selection)
    }

    fn replay(
        &mut self,
        undo: bool,
        project: &mut Project,
        selection: Vec<FootprintId>,
    ) -> Result<Option<Replayed>, EditError> {
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(step) = from.pop() else {
            return Ok(None);
        };
        let touched = step.edit.touched();
        match step.edit.clone().apply(project) {
            Ok(back) => {
                let bytes = back.approx_bytes();
                self.bytes = self.bytes - step.bytes + bytes;
                to.push(Step {
                    edit: back,
                    state: self.current,
                    label: step.label.clone(),
                    selection,
                    bytes,
                });
                self.current = step.state;
                Ok(Some(Replayed {
                    label: step.label,
                    touched,
                    selection: step.selection,
                }))
            }
            Err(e) => {
                from.push(step);
                Err(e)
            }
        }
    }

    /// Undoes the last step; false when there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        self.undo_step(project, Vec::new()).map(|r| r.is_some())
    }

    /// Redoes the last undone step; false when there is nothing to redo.
    pub fn redo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        self.redo_step(project, Vec::new()).map(|r| r.is_some())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// What the next undo would revert, for menus and tooltips.
    pub fn undo_description(&self) -> Option<String> {
        self.undo.last().map(|s| s.label.clone())
    }

    pub fn redo_description(&self) -> Option<String> {
        self.redo.last().map(|s| s.label.clone())
    }

    /// Steps that can be undone now.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Memory held by both stacks, roughly, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
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

    /// Calls `f` on every image path held in the history (see [`Edit::map_image_paths`]).
    pub fn map_image_paths(&mut self, f: &mut dyn FnMut(&mut String)) {
        for s in self.undo.iter_mut().chain(self.redo.iter_mut()) {
            s.edit.map_image_paths(f);
        }
    }

    fn fresh_state(&mut self) -> u64 {
        let s = self.next_state.max(1);
        self.next_state = s + 1;
        s
    }

    /// Forgets the oldest steps while the stacks hold more than `max_bytes` (always keeping
    /// the newest step, so the last gesture can be undone).
    fn trim(&mut self) {
        let mut drop = 0;
        while self.bytes > self.max_bytes && drop + 1 < self.undo.len() {
            self.bytes -= self.undo[drop].bytes;
            drop += 1;
        }
        self.undo.drain(..drop);
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
