//! The open project with its file and its undo history.

use crate::io::{LoadError, SaveError, load_project, save_project};
use crate::model::{Edit, EditError, History, Project};
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
        let mut moved = self.project.clone();
        for site in &mut moved.sites {
            for img in &mut site.images {
                let on_disk = crate::io::project_file::resolve_image_path(&self.path, &img.path);
                img.path = crate::io::project_file::relative_image_path(path, &on_disk);
            }
        }
        save_project(&moved, path)?;
        let edits: Vec<Edit> = moved
            .sites
            .iter()
            .flat_map(|s| {
                s.images.iter().map(move |i| Edit::ReplaceImage {
                    site: s.id,
                    image: i.clone(),
                })
            })
            .filter(|e| match e {
                Edit::ReplaceImage { site, image } => self
                    .project
                    .site(*site)
                    .and_then(|s| s.image(image.id))
                    .is_some_and(|old| old.path != image.path),
                _ => false,
            })
            .collect();
        if !edits.is_empty() {
            // The edits only restate paths that were just saved; they cannot fail on ids that
            // come from the project itself, and if they did the save is still correct on disk.
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
        crate::io::project_file::resolve_image_path(&self.path, stored_path)
    }
}
