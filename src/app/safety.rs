//! Never losing an analyst's work in the window: the project's lock (a second window is told
//! and can open read-only), unsaved work kept beside the project every second or so and offered
//! back after a crash, and the file watched for changes made by others (another window, a
//! `git pull`): a save never overwrites them silently.

use super::SiteDiffApp;
use super::actions::{Action, PathPurpose};
use crate::editing::Document;
use crate::io::disk_stamp::DiskState;
use crate::io::project_lock::{LockError, LockOwner, ProjectLock};
use crate::io::recovery::{Autosaver, find_recovery};
use crate::model::{Project, ProjectDiff};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How often unsaved work is handed to the autosaver at most, in seconds. With the write
/// itself (a tenth of a second at ten thousand footprints) the kept state is at most about a
/// second and a half behind.
pub const AUTOSAVE_INTERVAL: f64 = 1.0;

/// How often the project file is checked for changes made by others, in seconds (a `stat`).
pub const DISK_CHECK_INTERVAL: f64 = 1.0;

/// What the window does about the project file beyond loading and saving it.
#[derive(Default)]
pub struct Safety {
    lock: Option<ProjectLock>,
    autosaver: Autosaver,
    /// The revision last handed to the autosaver.
    autosaved: Option<u64>,
    last_autosave: Option<f64>,
    last_disk_check: Option<f64>,
    /// The file changed on disk since it was opened or saved (shown in a bar).
    pub changed_on_disk: bool,
    /// The user closed that bar; it comes back after the next save or reload.
    pub change_dismissed: bool,
    /// Who holds the project this window opened read-only.
    holder: Option<LockOwner>,
    /// Unsaved work found when the project was opened, waiting for the user's choice.
    recovered: Option<Box<Project>>,
    /// Watches the project file between frames (started on the first frame with a project).
    watch: Option<DiskWatch>,
}

/// Watches a file from a thread, so that an idle window does not draw a frame every second
/// only to look at it (a whole frame, about 50 ms of CPU under a software renderer): every
/// interval the thread reads the file's size and modification time (a `stat`) and, when they
/// moved, raises a hint and wakes the window. The window's own check, which decides whether the
/// content really changed, runs on the frame that follows.
struct DiskWatch {
    path: Arc<Mutex<PathBuf>>,
    hint: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

/// What the watch compares: a file's size and modification time.
type Stamp = (u64, Option<SystemTime>);

impl DiskWatch {
    /// Starts watching `path` every `interval`; `wake` is called from the thread on a change.
    fn start(path: PathBuf, interval: Duration, wake: impl Fn() + Send + 'static) -> Self {
        let watch = DiskWatch {
            path: Arc::new(Mutex::new(path)),
            hint: Arc::new(AtomicBool::new(false)),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (path, hint, stop) = (watch.path.clone(), watch.hint.clone(), watch.stop.clone());
        let stamp = |path: &Path| -> Option<Stamp> {
            std::fs::metadata(path)
                .ok()
                .map(|m| (m.len(), m.modified().ok()))
        };
        let spawned = std::thread::Builder::new()
            .name("sitediff-watch".into())
            .spawn(move || {
                let current = || path.lock().map(|p| p.clone()).ok();
                let mut last: Option<(PathBuf, Option<Stamp>)> =
                    current().map(|p| (p.clone(), stamp(&p)));
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(interval);
                    let Some(path) = current() else { return };
                    let now = Some((path.clone(), stamp(&path)));
                    if now != last {
                        last = now;
                        hint.store(true, Ordering::Relaxed);
                        wake();
                    }
                }
            });
        if spawned.is_err() {
            // No thread: the window looks at the file on whatever frames it draws.
            watch.hint.store(true, Ordering::Relaxed);
        }
        watch
    }

    /// Watches `path` from now on (after Save As or an open).
    fn follow(&self, path: &Path) {
        if let Ok(mut watched) = self.path.lock()
            && watched.as_path() != path
        {
            *watched = path.to_path_buf();
        }
    }

    /// Whether the file moved since the last call.
    fn take_hint(&self) -> bool {
        self.hint.swap(false, Ordering::Relaxed)
    }
}

impl Drop for DiskWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A question about the project file that needs an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum SafetyDialog {
    /// Another window holds the project.
    Locked { path: PathBuf, owner: LockOwner },
    /// Unsaved work was found beside the project.
    Recover {
        path: PathBuf,
        /// What recovering brings back, in words.
        summary: String,
        /// When it was kept.
        written: String,
    },
    /// A save found the file changed on disk by someone else.
    ChangedOnSave { path: PathBuf },
}

/// The answer to [`SafetyDialog::Recover`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryChoice {
    /// Take the unsaved work back (as unsaved changes).
    Recover,
    /// Delete it; the project stays as saved.
    Discard,
    /// Save it as a copy beside the project and open the copy; the project is not touched.
    KeepBoth,
}

impl SiteDiffApp {
    /// Opens a project without asking about unsaved changes: takes its lock (or asks what to
    /// do when another window holds it), then offers unsaved work found beside it.
    pub fn open_now(&mut self, path: &Path) {
        let same_file = self.doc.as_ref().is_some_and(|d| d.path == path);
        let lock = if same_file && self.safety.lock.is_some() {
            // Reloading our own project: the lock is ours already.
            self.safety.lock.take()
        } else {
            match ProjectLock::acquire(path) {
                Ok(lock) => Some(lock),
                Err(LockError::Held { owner, .. }) => {
                    self.dialogs.safety = Some(SafetyDialog::Locked {
                        path: path.to_path_buf(),
                        owner,
                    });
                    return;
                }
                // A folder we cannot write to: the project can still be read (saving will
                // say why it cannot).
                Err(LockError::Io { .. }) => None,
            }
        };
        self.open_locked(path, lock, false);
    }

    /// Opens a project another window holds, to look at: no edits, no saves but Save As.
    pub fn open_read_only(&mut self, path: &Path) {
        self.open_locked(path, None, true);
    }

    /// Opens a project whose lock another window holds, taking the lock over (the user says
    /// that window is gone).
    pub fn open_taking_over(&mut self, path: &Path) {
        match ProjectLock::take_over(path) {
            Ok(lock) => self.open_locked(path, Some(lock), false),
            Err(e) => {
                self.dialogs.message = Some(("Cannot open the project".into(), e.to_string()))
            }
        }
    }

    fn open_locked(&mut self, path: &Path, lock: Option<ProjectLock>, read_only: bool) {
        match Document::open(path) {
            Ok(mut doc) => {
                doc.read_only = read_only;
                if let Some(old) = &self.doc
                    && old.path != path
                    && !old.read_only
                {
                    // Leaving a project: its unsaved work was saved or discarded by now.
                    self.safety.autosaver.remove(&old.path);
                }
                let took_over = lock.as_ref().and_then(|l| l.took_over.clone());
                self.install(doc);
                self.safety.lock = lock;
                self.safety.autosaved = None;
                self.safety.changed_on_disk = false;
                self.safety.change_dismissed = false;
                self.safety.recovered = None;
                self.safety.holder = read_only
                    .then(|| crate::io::project_lock::lock_holder(path))
                    .flatten();
                self.prefs.note_recent(path);
                self.startup_error = None;
                if let Some(owner) = took_over {
                    self.notify(format!(
                        "Took over the lock left by a window that is gone: {}",
                        owner.describe()
                    ));
                }
                if read_only {
                    self.notify("Opened read-only: another window holds this project");
                } else {
                    self.offer_recovery(path);
                }
            }
            Err(e) => {
                if self.doc.is_none() {
                    self.startup_error = Some(e.to_string());
                } else {
                    self.dialogs.message = Some(("Cannot open the project".into(), e.to_string()));
                }
            }
        }
    }

    /// After opening: unsaved work kept beside the project is offered back, unless it holds
    /// nothing the file does not.
    fn offer_recovery(&mut self, path: &Path) {
        let Some(doc) = &self.doc else { return };
        match find_recovery(path) {
            None => {}
            Some(Err(e)) => {
                self.dialogs.message = Some((
                    "Unsaved work cannot be read".into(),
                    format!("{e}\nIt is left where it is; the project opened as saved."),
                ));
            }
            Some(Ok(found)) => {
                let diff = ProjectDiff::between(doc.project(), &found.project);
                if diff.is_empty() {
                    let _ = crate::io::recovery::remove_recovery(path);
                    return;
                }
                let written = found
                    .written
                    .map(|t| {
                        chrono::DateTime::<chrono::Local>::from(t)
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string()
                    })
                    .unwrap_or_else(|| "an unknown time".into());
                self.safety.recovered = Some(Box::new(found.project));
                self.dialogs.safety = Some(SafetyDialog::Recover {
                    path: path.to_path_buf(),
                    summary: diff.describe(),
                    written,
                });
            }
        }
    }

    /// Carries out the user's answer about unsaved work found at opening.
    pub fn answer_recovery(&mut self, choice: RecoveryChoice) {
        let Some(recovered) = self.safety.recovered.take() else {
            return;
        };
        let Some(doc) = &mut self.doc else { return };
        let path = doc.path.clone();
        match choice {
            RecoveryChoice::Recover => {
                doc.take_recovered(*recovered);
                self.selection.clear();
                self.notify("Recovered the unsaved work; save to keep it");
            }
            RecoveryChoice::Discard => {
                self.safety.autosaver.remove(&path);
                self.notify("Discarded the unsaved work");
            }
            RecoveryChoice::KeepBoth => {
                let copy = recovered_copy_path(&path);
                // The copy lives beside the project, so image paths stay as they are.
                let mut copy_doc = Document::new(copy.clone(), *recovered, false);
                match copy_doc.save() {
                    Ok(()) => {
                        self.safety.autosaver.remove(&path);
                        self.open_now(&copy);
                        self.notify(format!(
                            "The unsaved work is saved as {}; {} is as it was",
                            file_name(&copy),
                            file_name(&path)
                        ));
                    }
                    Err(e) => {
                        // Keep the choice open: nothing is lost.
                        self.safety.recovered = Some(Box::new(copy_doc.project().clone()));
                        self.dialogs.message =
                            Some(("Cannot save the recovered work".into(), e.to_string()));
                    }
                }
            }
        }
    }

    /// Saves; when the file changed on disk since, asks first. On failure tells the user and
    /// returns false.
    pub(super) fn save_now(&mut self) -> bool {
        let Some(doc) = &mut self.doc else {
            return false;
        };
        match doc.save() {
            Ok(()) => {
                self.after_save();
                true
            }
            Err(crate::io::SaveError::ChangedOnDisk { path }) => {
                self.dialogs.safety = Some(SafetyDialog::ChangedOnSave { path });
                false
            }
            Err(e) => {
                self.dialogs.message = Some(("Cannot save".into(), e.to_string()));
                false
            }
        }
    }

    /// Saves over a file changed on disk (its content is kept as `.bak`).
    pub(super) fn save_anyway(&mut self) {
        let Some(doc) = &mut self.doc else { return };
        match doc.save_anyway() {
            Ok(()) => self.after_save(),
            Err(e) => self.dialogs.message = Some(("Cannot save".into(), e.to_string())),
        }
    }

    /// What follows every successful save: the kept unsaved state goes, the watch restarts.
    pub(super) fn after_save(&mut self) {
        let Some(doc) = &self.doc else { return };
        let (path, name) = (doc.path.clone(), doc.file_name());
        self.safety.autosaver.remove(&path);
        self.safety.autosaved = None;
        self.safety.changed_on_disk = false;
        self.safety.change_dismissed = false;
        self.notify(format!("Saved {name}"));
    }

    /// Once a frame: hands unsaved work to the autosaver when due, and looks whether the file
    /// changed on disk. Asks for the frames it needs, so an idle window still does both.
    pub(super) fn safety_tick(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if let Some(msg) = self.safety.autosaver.failure() {
            self.notify(msg);
        }
        let Some(doc) = &mut self.doc else { return };
        // Unsaved work, kept beside the project.
        let pending = !doc.read_only
            && doc.is_dirty()
            && self.safety.autosaved != Some(doc.revision())
            && self.safety.recovered.is_none();
        if pending {
            let due = self
                .safety
                .last_autosave
                .map_or(now, |t| t + AUTOSAVE_INTERVAL);
            if now >= due {
                self.safety
                    .autosaver
                    .write(&doc.path, doc.project().clone());
                self.safety.autosaved = Some(doc.revision());
                self.safety.last_autosave = Some(now);
            } else {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(due - now));
            }
        }
        // Changes by others: looked at once a second on the frames the window draws anyway,
        // and at once when the watch thread saw the file move (it wakes an idle window).
        let watch = self.safety.watch.get_or_insert_with(|| {
            let ctx = ctx.clone();
            DiskWatch::start(
                doc.path.clone(),
                Duration::from_secs_f64(DISK_CHECK_INTERVAL),
                move || ctx.request_repaint(),
            )
        });
        watch.follow(&doc.path);
        let hinted = watch.take_hint();
        let check_due = self
            .safety
            .last_disk_check
            .is_none_or(|t| now - t >= DISK_CHECK_INTERVAL);
        if check_due || hinted {
            self.safety.last_disk_check = Some(now);
            let changed = doc.disk_state() == DiskState::Changed;
            if changed && !self.safety.changed_on_disk {
                self.safety.change_dismissed = false;
            }
            self.safety.changed_on_disk = changed;
        }
    }

    /// After Save As or New: the lock follows the project to its new file.
    pub(super) fn take_lock_of_saved_as(&mut self) {
        let Some(doc) = &self.doc else { return };
        let path = doc.path.clone();
        self.safety.lock = None;
        match ProjectLock::acquire(&path) {
            Ok(lock) => self.safety.lock = Some(lock),
            Err(LockError::Held { owner, .. }) => self.notify(format!(
                "{} is also open in another window: {}",
                file_name(&path),
                owner.describe()
            )),
            Err(LockError::Io { .. }) => {}
        }
    }

    /// The unsaved state kept for a file the project no longer lives in.
    pub(super) fn forget_unsaved_work_of(&mut self, old: &Path) {
        self.safety.autosaver.remove(old);
    }

    /// Waits until the unsaved state asked so far is on disk (for a clean exit, and tests).
    pub fn flush_autosave(&self) {
        self.safety.autosaver.flush();
    }

    /// A clean exit: unsaved work the user chose not to save is not offered back, and the lock
    /// is released.
    pub fn shut_down(&mut self) {
        if let Some(doc) = &self.doc
            && !doc.read_only
        {
            self.safety.autosaver.remove(&doc.path);
        }
        self.safety.autosaver.flush();
        self.safety.lock = None;
    }

    /// The bar shown while the file differs from what was opened or saved.
    pub(super) fn disk_change_bar_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(doc) = &self.doc else {
            return actions;
        };
        let name = doc.file_name();
        let dirty = doc.is_dirty();
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(
                egui::Color32::from_rgb(230, 159, 0),
                format!("{name} changed on disk (another window, a git pull, a colleague?)."),
            );
            if dirty {
                ui.label("Your unsaved changes are kept; saving will ask before overwriting.");
                if ui
                    .button("Save as…")
                    .on_hover_text("Keep your version under another name")
                    .clicked()
                {
                    actions.push(Action::ShowPathDialog(PathPurpose::SaveProjectAs));
                }
            } else if ui
                .button("Reload")
                .on_hover_text("Open the version on disk")
                .clicked()
            {
                actions.push(Action::ReloadFromDisk);
            }
            if ui
                .button("Dismiss")
                .on_hover_text("Hide this bar (saving still asks)")
                .clicked()
            {
                actions.push(Action::DismissDiskChange);
            }
        });
        actions
    }

    /// The bar shown while the project is open read-only.
    pub(super) fn read_only_bar_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let holder = self.safety.holder.as_ref();
        ui.horizontal_wrapped(|ui| {
            let who = holder.map_or_else(
                || "another window".to_string(),
                |o| format!("another window ({})", o.describe()),
            );
            ui.colored_label(
                egui::Color32::from_rgb(86, 180, 233),
                format!("Read-only: {who} holds this project. Nothing here can be changed."),
            );
            if ui
                .button("Save as…")
                .on_hover_text("A copy under another name, which you can edit")
                .clicked()
            {
                actions.push(Action::ShowPathDialog(PathPurpose::SaveProjectAs));
            }
        });
        actions
    }

    /// Opens the file again as it is on disk (its unsaved changes, if any, are dropped).
    pub(super) fn reload_from_disk(&mut self) {
        if let Some(path) = self.doc.as_ref().map(|d| d.path.clone()) {
            let read_only = self.doc.as_ref().is_some_and(|d| d.read_only);
            if read_only {
                self.open_read_only(&path);
            } else {
                self.open_now(&path);
            }
            self.notify(format!("Reloaded {}", file_name(&path)));
        }
    }
}

/// `NAME-recovered-YYYYmmdd-HHMMSS.ron` beside the project (numbered if taken).
fn recovered_copy_path(project: &Path) -> PathBuf {
    let stem = project
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let folder = crate::io::atomic_write::folder_of(project);
    let mut candidate = folder.join(format!("{stem}-recovered-{stamp}.ron"));
    let mut n = 2;
    while candidate.exists() {
        candidate = folder.join(format!("{stem}-recovered-{stamp}-{n}.ron"));
        n += 1;
    }
    candidate
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod watch_tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Waits up to five seconds for `done`.
    fn eventually(done: impl Fn() -> bool) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        done()
    }

    #[test]
    fn the_watch_wakes_the_window_when_the_file_moves_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("site.ron");
        std::fs::write(&file, "one").unwrap();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = wakes.clone();
        let watch = DiskWatch::start(file.clone(), Duration::from_millis(20), move || {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        // Unchanged: some twenty looks, no wake, no hint.
        std::thread::sleep(Duration::from_millis(400));
        assert_eq!(wakes.load(Ordering::Relaxed), 0);
        assert!(!watch.take_hint());
        // Changed (another size): a wake and a hint, once.
        // Written whole under another name and renamed, as git and our saves do: a plain write
        // truncates first, and the watch could see the empty file and then the full one.
        let staged = dir.path().join("site.ron.new");
        std::fs::write(&staged, "changed by a git pull").unwrap();
        std::fs::rename(&staged, &file).unwrap();
        assert!(eventually(|| wakes.load(Ordering::Relaxed) == 1));
        assert!(watch.take_hint());
        assert!(!watch.take_hint());
        // Following another file (Save As) counts as a move; then it is watched.
        let other = dir.path().join("copy.ron");
        std::fs::write(&other, "copy").unwrap();
        watch.follow(&other);
        assert!(eventually(|| wakes.load(Ordering::Relaxed) == 2));
        std::fs::remove_file(&other).unwrap();
        assert!(eventually(|| wakes.load(Ordering::Relaxed) == 3));
        // Dropped: the thread stops and wakes no more.
        drop(watch);
        std::thread::sleep(Duration::from_millis(100));
        let after_drop = wakes.load(Ordering::Relaxed);
        std::fs::write(&file, "changed again, longer").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(wakes.load(Ordering::Relaxed), after_drop);
    }
}
