//! Unsaved work kept beside the project, so that a crash or a kill loses at most the last
//! seconds: `.NAME.recovery`, a whole project file (it opens in sitediff like any other),
//! written in the background while the project has unsaved changes and removed when it is
//! saved or closed cleanly.

use super::atomic_write::{hidden_beside, write_atomically};
use super::project_file::{LoadError, load_project, project_to_string};
use crate::model::Project;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::SystemTime;

/// The recovery file of a project: `.NAME.recovery` beside the file it stands for.
pub fn recovery_path(project: &Path) -> PathBuf {
    hidden_beside(project, "recovery")
}

/// Unsaved work found beside a project.
#[derive(Debug)]
pub struct Recovered {
    /// The recovery file.
    pub path: PathBuf,
    pub project: Project,
    /// When it was last written.
    pub written: Option<SystemTime>,
}

/// The unsaved work kept for `project`, if there is any. `Err` when there is a recovery file
/// that cannot be read: it is left where it is, for the user to look at.
pub fn find_recovery(project: &Path) -> Option<Result<Recovered, LoadError>> {
    let path = recovery_path(project);
    if !path.is_file() {
        return None;
    }
    let written = std::fs::metadata(&path)
        .ok()
        .and_then(|m| m.modified().ok());
    Some(load_project(&path).map(|project| Recovered {
        path,
        project,
        written,
    }))
}

/// Removes the recovery file of `project` (after a save, a clean close, or a discard).
pub fn remove_recovery(project: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(recovery_path(project)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

enum Job {
    Write {
        project_file: PathBuf,
        project: Box<Project>,
    },
    Remove {
        project_file: PathBuf,
    },
    Flush(Sender<()>),
}

/// Writes recovery files on a thread of its own: serialising a project of ten thousand
/// footprints takes a tenth of a second, which the window must not wait for. Jobs run in the
/// order given, and of several writes waiting only the newest is written.
pub struct Autosaver {
    jobs: Option<Sender<Job>>,
    failures: Receiver<String>,
    thread: Option<JoinHandle<()>>,
}

impl Default for Autosaver {
    fn default() -> Self {
        Self::new()
    }
}

impl Autosaver {
    pub fn new() -> Self {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (report, failures) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sitediff-autosave".into())
            .spawn(move || run_jobs(&inbox, &report))
            .ok();
        Autosaver {
            jobs: Some(jobs),
            failures,
            thread,
        }
    }

    /// Keeps `project` as the unsaved state of `project_file`.
    pub fn write(&self, project_file: &Path, project: Project) {
        self.send(Job::Write {
            project_file: project_file.to_path_buf(),
            project: Box::new(project),
        });
    }

    /// Drops the unsaved state of `project_file` (after everything asked before).
    pub fn remove(&self, project_file: &Path) {
        self.send(Job::Remove {
            project_file: project_file.to_path_buf(),
        });
    }

    /// Waits until every job asked so far is done.
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        self.send(Job::Flush(done));
        let _ = wait.recv();
    }

    /// A failure to report, if one happened (one message per failure).
    pub fn failure(&self) -> Option<String> {
        self.failures.try_recv().ok()
    }

    fn send(&self, job: Job) {
        if let Some(jobs) = &self.jobs
            && jobs.send(job).is_err()
        {
            // The thread is gone (it could not start); the work stays in memory only.
        }
    }
}

impl Drop for Autosaver {
    fn drop(&mut self) {
        // Finish what was asked, then stop.
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run_jobs(inbox: &Receiver<Job>, report: &Sender<String>) {
    while let Ok(first) = inbox.recv() {
        // Of the jobs waiting, a write is skipped when a later job of the same project
        // replaces it (another write, or a removal).
        let mut batch = vec![first];
        batch.extend(inbox.try_iter());
        let file_of = |job: &Job| match job {
            Job::Write { project_file, .. } | Job::Remove { project_file } => {
                Some(project_file.clone())
            }
            Job::Flush(_) => None,
        };
        let files: Vec<Option<PathBuf>> = batch.iter().map(file_of).collect();
        for (i, job) in batch.into_iter().enumerate() {
            match job {
                Job::Write {
                    project_file,
                    project,
                } => {
                    let replaced = files[i + 1..]
                        .iter()
                        .any(|f| f.as_deref() == Some(project_file.as_path()));
                    if replaced {
                        continue;
                    }
                    let target = recovery_path(&project_file);
                    let written = project_to_string(&project)
                        .and_then(|text| write_atomically(&target, text.as_bytes(), false));
                    if let Err(e) = written {
                        let _ = report.send(format!("Unsaved work is not being kept: {e}"));
                    }
                }
                Job::Remove { project_file } => {
                    if let Err(e) = remove_recovery(&project_file) {
                        let _ = report.send(format!(
                            "{}: cannot remove: {e}",
                            recovery_path(&project_file).display()
                        ));
                    }
                }
                Job::Flush(done) => {
                    let _ = done.send(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::save_project;

    #[test]
    fn unsaved_work_is_kept_beside_the_project_and_removed_after() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.ron");
        let saved = Project::new("saved");
        save_project(&saved, &file).unwrap();
        assert!(find_recovery(&file).is_none());
        let saver = Autosaver::new();
        for n in 0..5 {
            saver.write(&file, Project::new(format!("unsaved {n}")));
        }
        saver.flush();
        let found = find_recovery(&file).unwrap().unwrap();
        assert_eq!(found.project.name, "unsaved 4");
        assert_eq!(found.path, dir.path().join(".p.ron.recovery"));
        assert!(found.written.is_some());
        saver.remove(&file);
        drop(saver);
        assert!(find_recovery(&file).is_none());
        // The project itself was never touched.
        assert_eq!(crate::io::load_project(&file).unwrap().name, "saved");
    }

    #[test]
    fn a_damaged_recovery_file_is_reported_and_left_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.ron");
        std::fs::write(recovery_path(&file), "(format_version: 2, name: ").unwrap();
        let err = find_recovery(&file).unwrap().unwrap_err();
        assert!(err.to_string().contains(".p.ron.recovery"), "{err}");
        assert!(recovery_path(&file).exists());
    }

    #[test]
    fn a_write_that_fails_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing-folder/p.ron");
        let saver = Autosaver::new();
        saver.write(&file, Project::new("x"));
        saver.flush();
        let failure = saver.failure().unwrap();
        assert!(failure.contains("p.ron.recovery"), "{failure}");
        assert!(saver.failure().is_none());
    }
}
