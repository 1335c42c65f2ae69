//! The open project with its file and its undo history.

use crate::io::project_file::{relative_image_path, resolve_image_path};
use crate::io::{LoadError, SaveError, load_project, save_project};
use crate::model::{DatedImage, Edit, EditError, History, Project};
use std::path::{Path, PathBuf};

/// A project being worked on.
pub struct Document {
    /// Where the project is saved. Image paths in the project are relative to its folder.
    pub path: PathBuf,
    pub project: Project,
    pub history: History,
}

impl Document {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let project = load_project(path)?;
        Ok(Self::new(path.to_path_buf(), project, true))
    }

    /// A document for a project in memory; `saved` says whether `path` already holds it.
    pub fn new(path: PathBuf, project: Project, saved: bool) -> Self {
        let mut history = History::new();
        if !saved {
            history.mark_never_saved();
        }
        Document {
            path,
            project,
            history,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// Applies one user change as one undo step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.history.apply(&mut self.project, edit)
    }

    pub fn undo(&mut self) -> Result<bool, EditError> {
        self.history.undo(&mut self.project)
    }

    pub fn redo(&mut self) -> Result<bool, EditError> {
        self.history.redo(&mut self.project)
    }

    /// Saves to the current path.
    pub fn save(&mut self) -> Result<(), SaveError> {
        save_project(&self.project, &self.path)?;
        self.history.mark_saved();
        Ok(())
    }

    /// Saves to a new path. Image paths are rewritten relative to the new folder, as one undo
    /// step, so the saved project still finds its images.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        // Every image whose stored path changes when seen from the new folder.
        let this: &Self = self;
        let edits: Vec<Edit> = this
            .project
            .sites
            .iter()
            .flat_map(|site| {
                site.images.iter().filter_map(move |img| {
                    let moved = relative_image_path(path, &this.image_file(&img.path));
                    (moved != img.path).then(|| Edit::ReplaceImage {
                        site: site.id,
                        image: DatedImage {
                            path: moved,
                            ..img.clone()
                        },
                    })
                })
            })
            .collect();
        // The edits name ids taken from the project itself, so applying them cannot fail.
        let mut moved = self.project.clone();
        let _ = Edit::Batch(edits.clone()).apply(&mut moved);
        save_project(&moved, path)?;
        if !edits.is_empty() {
            let _ = self.apply(Edit::Batch(edits));
        }
        self.path = path.to_path_buf();
        self.history.mark_saved();
        Ok(())
    }

    /// The file name for titles and prompts.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    /// Where an image of this project lives on disk.
    pub fn image_file(&self, stored_path: &str) -> PathBuf {
        resolve_image_path(&self.path, stored_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaptureDate, ImageId, Site, SiteId};

    #[test]
    fn save_as_in_another_folder_keeps_pointing_at_the_same_image_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = Project::new("p");
        let mut site = Site::new(SiteId(1), "s");
        site.images.push(DatedImage::new(
            ImageId(1),
            "img/a.png",
            CaptureDate::Unknown,
        ));
        site.reference_image = Some(ImageId(1));
        project.sites.push(site);
        let mut doc = Document::new(dir.path().join("p.ron"), project, false);
        let before = doc.image_file("img/a.png");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        doc.save_as(&dir.path().join("sub/q.ron")).unwrap();
        let stored = doc.project.sites[0].images[0].path.clone();
        assert_eq!(stored, "../img/a.png");
        assert_eq!(doc.image_file(&stored), dir.path().join("sub/../img/a.png"));
        assert_eq!(before, dir.path().join("img/a.png"));
        assert!(!doc.is_dirty());
        let saved = load_project(&dir.path().join("sub/q.ron")).unwrap();
        assert_eq!(saved.sites[0].images[0].path, "../img/a.png");
    }
}
