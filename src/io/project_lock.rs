//! "This project is open in another window": a small lock file beside the project naming who
//! holds it (user, host, process), so a second window can tell the user and open the project
//! read-only instead of two windows overwriting each other's saves. A lock whose process is
//! gone (a crash, a kill) is stale and is taken over.

use super::atomic_write::hidden_beside;
use super::host::{host_name, process_alive, system_user_name};
use super::regular_file::read_capped;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who holds a project open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockOwner {
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// When the window opened the project (RFC 3339).
    pub since: String,
}

impl LockOwner {
    /// This process.
    pub fn me() -> Self {
        LockOwner {
            user: system_user_name().unwrap_or_else(|| "unknown user".into()),
            host: host_name(),
            pid: std::process::id(),
            since: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }

    /// Whether the holder is known to be gone: a process of this machine that no longer runs.
    /// A lock from another machine cannot be checked and is never called stale.
    pub fn is_stale(&self) -> bool {
        self.host == host_name() && process_alive(self.pid) == Some(false)
    }

    /// "ana on survey-7 (process 4242), since 2026-11-26 10:02".
    pub fn describe(&self) -> String {
        let since = chrono::DateTime::parse_from_rfc3339(&self.since).map_or_else(
            |_| self.since.clone(),
            |t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            },
        );
        format!(
            "{} on {} (process {}), since {since}",
            self.user, self.host, self.pid
        )
    }
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{} is open in another window: {}", project.display(), owner.describe())]
    Held { project: PathBuf, owner: LockOwner },
    #[error("{}: cannot write the lock file: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A held lock; dropping it removes the lock file (if it is still ours).
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    owner: LockOwner,
    /// A stale lock this one replaced, to tell the user.
    pub took_over: Option<LockOwner>,
}

/// The lock file of a project: `.NAME.lock` beside the file it stands for (through links, so
/// that a link and its target share one lock).
pub fn lock_path(project: &Path) -> PathBuf {
    hidden_beside(project, "lock")
}

/// Who holds the lock now, if anyone does (an unreadable lock file counts as no one's).
pub fn lock_holder(project: &Path) -> Option<LockOwner> {
    read_owner(&lock_path(project))
}

/// The owner a lock file names; `None` when it is missing, unreadable, not a regular file or
/// not a lock (a lock file is a few hundred bytes).
fn read_owner(path: &Path) -> Option<LockOwner> {
    let bytes = read_capped(path, 64 * 1024).ok()?;
    ron::from_str(std::str::from_utf8(&bytes).ok()?).ok()
}

impl ProjectLock {
    /// Takes the project's lock, or says who holds it. A stale lock (and an unreadable one:
    /// a lock file half written when its writer was killed) is taken over.
    pub fn acquire(project: &Path) -> Result<Self, LockError> {
        let path = lock_path(project);
        let mut took_over = None;
        for _ in 0..3 {
            match write_new(&path) {
                Ok(owner) => {
                    return Ok(ProjectLock {
                        path,
                        owner,
                        took_over,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(source) => return Err(LockError::Io { path, source }),
            }
            let holder = read_owner(&path);
            match holder {
                Some(owner) if !owner.is_stale() => {
                    return Err(LockError::Held {
                        project: project.to_path_buf(),
                        owner,
                    });
                }
                stale => {
                    took_over = stale;
                    let _ = fs::remove_file(&path);
                }
            }
        }
        Err(LockError::Io {
            path,
            source: std::io::Error::other("the lock file keeps changing"),
        })
    }

    /// Takes the lock whoever holds it (the user said the other holder is gone).
    pub fn take_over(project: &Path) -> Result<Self, LockError> {
        let took_over = lock_holder(project);
        let path = lock_path(project);
        let _ = fs::remove_file(&path);
        let mut lock = Self::acquire(project)?;
        lock.took_over = took_over;
        Ok(lock)
    }

    pub fn owner(&self) -> &LockOwner {
        &self.owner
    }
}

/// Creates the lock file, failing if it exists.
fn write_new(path: &Path) -> std::io::Result<LockOwner> {
    let owner = LockOwner::me();
    let text = ron::to_string(&owner).map_err(std::io::Error::other)?;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    Ok(owner)
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Only our own lock: after a take-over by someone else, theirs stays.
        let ours = read_owner(&self.path).is_some_and(|o| o == self.owner);
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::host::dead_pid;

    #[test]
    fn a_second_opener_is_told_who_holds_the_project_and_the_lock_goes_with_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        fs::write(&project, "x").unwrap();
        let first = ProjectLock::acquire(&project).unwrap();
        assert!(first.took_over.is_none());
        let err = ProjectLock::acquire(&project).unwrap_err();
        let LockError::Held { owner, .. } = &err else {
            panic!("{err}");
        };
        assert_eq!(owner.pid, std::process::id());
        assert_eq!(owner.host, host_name());
        assert!(err.to_string().contains("open in another window"), "{err}");
        assert!(err.to_string().contains(&format!("process {}", owner.pid)));
        drop(first);
        assert!(!lock_path(&project).exists());
        let again = ProjectLock::acquire(&project).unwrap();
        drop(again);
    }

    #[test]
    fn a_lock_left_by_a_killed_window_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        let mut gone = LockOwner::me();
        gone.pid = dead_pid();
        fs::write(lock_path(&project), ron::to_string(&gone).unwrap()).unwrap();
        let lock = ProjectLock::acquire(&project).unwrap();
        assert_eq!(lock.took_over, Some(gone));
        assert_eq!(lock_holder(&project), Some(lock.owner().clone()));
    }

    #[test]
    fn a_half_written_lock_file_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        fs::write(lock_path(&project), "(user: \"a").unwrap();
        let lock = ProjectLock::acquire(&project).unwrap();
        assert!(lock.took_over.is_none());
    }

    #[test]
    fn a_lock_held_on_another_machine_is_respected_until_taken_over_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        let mut other = LockOwner::me();
        other.host = "some-other-machine".into();
        other.pid = dead_pid();
        fs::write(lock_path(&project), ron::to_string(&other).unwrap()).unwrap();
        assert!(matches!(
            ProjectLock::acquire(&project),
            Err(LockError::Held { .. })
        ));
        let lock = ProjectLock::take_over(&project).unwrap();
        assert_eq!(lock.took_over, Some(other));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_and_its_target_share_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        fs::write(&project, "x").unwrap();
        std::os::unix::fs::symlink(&project, dir.path().join("link.ron")).unwrap();
        let _lock = ProjectLock::acquire(&project).unwrap();
        assert!(ProjectLock::acquire(&dir.path().join("link.ron")).is_err());
    }
}
