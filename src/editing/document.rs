//! The open project with its file, its undo history, and a revision number that moves with
//! every change, so that derived data knows when and what to patch.

use crate::io::disk_stamp::{DiskState, FileStamp};
use crate::io::project_file::{
    parse_project_bytes, read_project_bytes, relative_image_path, resolve_image_path,
    write_atomically,
};
use crate::io::{LoadError, SaveError, project_to_string};
use crate::model::{
    Edit, EditError, FootprintId, History, IdsExhausted, Project, Replayed, Touched,
};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// How many past revisions remember what they touched; derived data further behind rebuilds.
const TOUCH_LOG: usize = 64;

/// A project being worked on. The project is read through [`Document::project`] and changed
/// only through [`Document::apply`], [`Document::undo`] and [`Document::redo`].
pub struct Document {
    /// Where the project is saved. Image paths in the project are relative to its folder.
    pub path: PathBuf,
    project: Project,
    history: History,
    revision: u64,
    /// What each recent revision touched: `(revision it produced, touched)`.
    log: VecDeque<(u64, Touched)>,
    /// Changes applied outside the undo history (coverage checked by looking) since the last
    /// save.
    untracked: bool,
    /// What the file held when it was opened or last saved, to notice changes made by others.
    stamp: Option<FileStamp>,
    /// Opened read-only (another window holds the project): no edits, no saves to `path`.
    pub read_only: bool,
}

impl Document {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        // One read: what is parsed is what the stamp describes.
        let bytes = read_project_bytes(path)?;
        let project = parse_project_bytes(&bytes, path)?;
        let mut doc = Self::new(path.to_path_buf(), project, true);
        doc.stamp = Some(FileStamp::of_content(path, &bytes));
        Ok(doc)
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
            revision: 1,
            log: VecDeque::new(),
            untracked: false,
            stamp: None,
            read_only: false,
        }
    }

    /// Whether the file changed on disk since it was opened or last saved (a cheap `stat`
    /// unless its size or time moved).
    pub fn disk_state(&mut self) -> DiskState {
        match &mut self.stamp {
            Some(stamp) => stamp.check(&self.path),
            None if self.path.exists() => DiskState::Changed,
            None => DiskState::Missing,
        }
    }

    /// Takes a recovered version of the project (unsaved work kept when the window crashed or
    /// was killed) as unsaved changes to the file at `path`. The undo history starts afresh:
    /// the steps that led there were not kept.
    pub fn take_recovered(&mut self, project: Project) {
        self.project = project;
        self.history = History::new();
        self.history.mark_never_saved();
        self.untracked = false;
        // Nothing in the log reaches back past this: derived data rebuilds.
        self.log.clear();
        self.revision += 1;
    }

    fn check_writable(&self) -> Result<(), EditError> {
        if self.read_only {
            Err(EditError::ReadOnly)
        } else {
            Ok(())
        }
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// Moves on every change (edit, undo, redo); derived data compares it with its own.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty() || self.untracked
    }

    /// Applies a change that is not an undo step: coverage cells checked automatically as a
    /// reviewer looks at them (undo must undo what the reviewer did, not what they looked at).
    /// Only edits that commute with every other edit belong here (per-cell coverage checks);
    /// the project is unsaved afterwards.
    pub fn apply_untracked(&mut self, edit: Edit) -> Result<Touched, EditError> {
        self.check_writable()?;
        let touched = edit.touched();
        edit.apply(&mut self.project)?;
        self.untracked = true;
        self.record(touched.clone());
        Ok(touched)
    }

    /// Applies one user change as one undo step named `label`. `selection` is the footprint
    /// selection before the change, given back when it is undone.
    pub fn apply_labeled(
        &mut self,
        edit: Edit,
        label: impl Into<String>,
        selection: Vec<FootprintId>,
    ) -> Result<Touched, EditError> {
        self.check_writable()?;
        let touched = self
            .history
            .apply_step(&mut self.project, edit, label, selection)?;
        self.record(touched.clone());
        Ok(touched)
    }

    /// Applies one user change as one undo step, named by the edit.
    pub fn apply(&mut self, edit: Edit) -> Result<Touched, EditError> {
        let label = edit.describe();
        self.apply_labeled(edit, label, Vec::new())
    }

    /// Undoes the last step; `selection` is the footprint selection now (given back on redo).
    pub fn undo_step(
        &mut self,
        selection: Vec<FootprintId>,
    ) -> Result<Option<Replayed>, EditError> {
        self.check_writable()?;
        let r = self.history.undo_step(&mut self.project, selection)?;
        if let Some(r) = &r {
            self.record(r.touched.clone());
        }
        Ok(r)
    }

    /// Redoes the last undone step.
    pub fn redo_step(
        &mut self,
        selection: Vec<FootprintId>,
    ) -> Result<Option<Replayed>, EditError> {
        self.check_writable()?;
        let r = self.history.redo_step(&mut self.project, selection)?;
        if let Some(r) = &r {
            self.record(r.touched.clone());
        }
        Ok(r)
    }

    pub fn undo(&mut self) -> Result<bool, EditError> {
        self.undo_step(Vec::new()).map(|r| r.is_some())
    }

    pub fn redo(&mut self) -> Result<bool, EditError> {
        self.redo_step(Vec::new()).map(|r| r.is_some())
    }

    fn record(&mut self, touched: Touched) {
        self.revision += 1;
        self.log.push_back((self.revision, touched));
        while self.log.len() > TOUCH_LOG {
            self.log.pop_front();
        }
    }

    /// Everything touched after `revision`, merged; `None` when the log does not reach back
    /// that far (rebuild instead of patching).
    pub fn changes_since(&self, revision: u64) -> Option<Touched> {
        if revision == self.revision {
            return Some(Touched::default());
        }
        let oldest = self.log.front()?.0;
        if revision + 1 < oldest || revision > self.revision {
            return None;
        }
        let mut all = Touched::default();
        for (rev, t) in &self.log {
            if *rev > revision {
                all.merge(t.clone());
            }
        }
        Some(all)
    }

    /// The next `n` footprint ids, without taking them: adding the footprints moves the
    /// project's counter past them.
    pub fn next_footprint_ids(&self, n: usize) -> Result<Vec<FootprintId>, IdsExhausted> {
        let mut ids = self.project.next_ids.clone();
        (0..n).map(|_| ids.new_footprint()).collect()
    }

    /// Saves to the current path, unless the file changed on disk since it was opened or last
    /// saved ([`SaveError::ChangedOnDisk`]: never overwrite someone else's work silently; ask,
    /// then [`Document::save_anyway`]).
    pub fn save(&mut self) -> Result<(), SaveError> {
        if self.stamp.is_some() && self.disk_state() == DiskState::Changed {
            return Err(SaveError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }
        self.save_anyway()
    }

    /// Saves to the current path whatever the file holds now (the previous file is kept as
    /// `.bak`).
    pub fn save_anyway(&mut self) -> Result<(), SaveError> {
        if self.read_only {
            return Err(SaveError::ReadOnly {
                path: self.path.clone(),
            });
        }
        let text = project_to_string(&self.project)?;
        write_atomically(&self.path, text.as_bytes(), true)?;
        self.stamp = Some(FileStamp::of_content(&self.path, text.as_bytes()));
        self.history.mark_saved();
        self.untracked = false;
        Ok(())
    }

    /// Saves to a new path. Image paths are rewritten relative to the new folder, in the
    /// project and in the whole undo history alike, so that the saved project finds its images
    /// and undoing any step afterwards still names the right files. Moving the project is not
    /// itself a step: nothing to undo, and the project is clean afterwards.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        let old_file = self.path.clone();
        let mut rebase = |stored: &mut String| {
            let file = resolve_image_path(&old_file, stored);
            let moved = relative_image_path(path, &file);
            if moved != *stored {
                *stored = moved;
            }
        };
        let mut moved = self.project.clone();
        for site in &mut moved.sites {
            for img in &mut site.images {
                rebase(&mut img.path);
            }
        }
        let text = project_to_string(&moved)?;
        write_atomically(path, text.as_bytes(), true)?;
        self.stamp = Some(FileStamp::of_content(path, text.as_bytes()));
        self.read_only = false;
        let changed = moved != self.project;
        self.project = moved;
        self.history.map_image_paths(&mut rebase);
        self.path = path.to_path_buf();
        self.history.mark_saved();
        self.untracked = false;
        if changed {
            let mut touched = Touched::default();
            for site in &self.project.sites {
                touched
                    .images
                    .extend(site.images.iter().map(|i| (site.id, i.id)));
            }
            self.record(touched);
        }
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
    use crate::io::load_project;
    use crate::model::{CaptureDate, DatedImage, ImageId, Site, SiteId};

    fn doc_in(dir: &Path) -> Document {
        let mut project = Project::new("p");
        let mut site = Site::new(SiteId(1), "s");
        site.images.push(DatedImage::new(
            ImageId(1),
            "img/a.png",
            CaptureDate::Unknown,
        ));
        site.images.push(DatedImage::new(
            ImageId(2),
            "img/b.png",
            CaptureDate::Unknown,
        ));
        site.reference_image = Some(ImageId(1));
        project.sites.push(site);
        Document::new(dir.join("p.ron"), project, false)
    }

    #[test]
    fn save_as_in_another_folder_keeps_pointing_at_the_same_image_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = doc_in(dir.path());
        let before = doc.image_file("img/a.png");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        doc.save_as(&dir.path().join("sub/q.ron")).unwrap();
        let stored = doc.project().sites[0].images[0].path.clone();
        assert_eq!(stored, "../img/a.png");
        assert_eq!(doc.image_file(&stored), dir.path().join("sub/../img/a.png"));
        assert_eq!(before, dir.path().join("img/a.png"));
        assert!(!doc.is_dirty());
        assert!(!doc.history().can_undo(), "moving is not an undo step");
        let saved = load_project(&dir.path().join("sub/q.ron")).unwrap();
        assert_eq!(saved.sites[0].images[0].path, "../img/a.png");
    }

    #[test]
    fn undoing_an_image_change_made_before_save_as_still_names_the_right_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = doc_in(dir.path());
        // Relink image 2 to another file in the old folder, then save elsewhere.
        let mut img = doc.project().sites[0].images[1].clone();
        img.path = "img/b2.png".into();
        doc.apply(Edit::ReplaceImage {
            site: SiteId(1),
            image: img,
        })
        .unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        doc.save_as(&dir.path().join("sub/q.ron")).unwrap();
        let file_of = |doc: &Document| doc.image_file(&doc.project().sites[0].images[1].path);
        assert_eq!(file_of(&doc), dir.path().join("sub/../img/b2.png"));
        // Undo the relink: the image is the original file again, seen from the new folder.
        assert!(doc.undo().unwrap());
        assert_eq!(doc.project().sites[0].images[1].path, "../img/b.png");
        assert_eq!(file_of(&doc), dir.path().join("sub/../img/b.png"));
        assert!(doc.is_dirty());
        assert!(doc.redo().unwrap());
        assert!(
            !doc.is_dirty(),
            "redo returns to the state saved by save as"
        );
        assert_eq!(file_of(&doc), dir.path().join("sub/../img/b2.png"));
    }

    #[test]
    fn the_revision_moves_with_every_change_and_the_log_says_what_was_touched() {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = doc_in(dir.path());
        let r0 = doc.revision();
        doc.apply(Edit::RenameSite {
            site: SiteId(1),
            name: "yard".into(),
        })
        .unwrap();
        doc.apply(Edit::RenameProject("q".into())).unwrap();
        let since = doc.changes_since(r0).unwrap();
        assert!(since.sites.contains(&SiteId(1)) && since.project);
        let r2 = doc.revision();
        assert_eq!(doc.changes_since(r2), Some(Touched::default()));
        doc.undo().unwrap();
        assert!(doc.revision() > r2);
        assert!(doc.changes_since(r2).unwrap().project);
        for i in 0..(TOUCH_LOG + 5) {
            doc.apply(Edit::RenameProject(format!("n{i}"))).unwrap();
        }
        assert_eq!(doc.changes_since(r0), None, "too far back: rebuild");
    }

    #[test]
    fn a_hand_edited_id_counter_at_the_top_of_the_range_is_an_error_when_drawing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.ron");
        let mut p = doc_in(dir.path()).project().clone();
        p.next_ids.footprint = u32::MAX;
        crate::io::save_project(&p, &file).unwrap();
        let doc = Document::open(&file).unwrap();
        let err = doc.next_footprint_ids(1).unwrap_err();
        assert!(
            err.to_string().contains("no footprint ids are left"),
            "{err}"
        );
        // One below the top: exactly one more footprint, then the error.
        p.next_ids.footprint = u32::MAX - 1;
        let doc = Document::new(file, p, true);
        assert_eq!(
            doc.next_footprint_ids(1).unwrap(),
            vec![crate::model::FootprintId(u32::MAX - 1)]
        );
        assert!(doc.next_footprint_ids(2).is_err());
    }

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten_by_save_until_the_user_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.ron");
        let mut first = doc_in(dir.path());
        first.save().unwrap();
        let mut doc = Document::open(&file).unwrap();
        assert_eq!(doc.disk_state(), DiskState::Same);
        // A colleague's save in between (another window, a git pull).
        first.apply(Edit::RenameProject("theirs".into())).unwrap();
        first.save().unwrap();
        doc.apply(Edit::RenameProject("mine".into())).unwrap();
        assert_eq!(doc.disk_state(), DiskState::Changed);
        let err = doc.save().unwrap_err();
        assert!(matches!(err, SaveError::ChangedOnDisk { .. }), "{err}");
        assert_eq!(load_project(&file).unwrap().name, "theirs");
        assert!(doc.is_dirty());
        doc.save_anyway().unwrap();
        assert_eq!(load_project(&file).unwrap().name, "mine");
        assert_eq!(doc.disk_state(), DiskState::Same);
        // Our own saves do not count as changes by someone else.
        doc.apply(Edit::RenameProject("mine again".into())).unwrap();
        doc.save().unwrap();
    }

    #[test]
    fn a_read_only_document_refuses_edits_and_saves_but_can_be_saved_as_a_copy() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.ron");
        doc_in(dir.path()).save().unwrap();
        let mut doc = Document::open(&file).unwrap();
        doc.read_only = true;
        let before = std::fs::read(&file).unwrap();
        assert!(matches!(
            doc.apply(Edit::RenameProject("x".into())),
            Err(EditError::ReadOnly)
        ));
        assert!(matches!(doc.save(), Err(SaveError::ReadOnly { .. })));
        assert_eq!(std::fs::read(&file).unwrap(), before);
        let copy = dir.path().join("copy.ron");
        doc.save_as(&copy).unwrap();
        assert!(!doc.read_only);
        doc.apply(Edit::RenameProject("x".into())).unwrap();
        doc.save().unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), before);
    }
}
