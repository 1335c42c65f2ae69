//! What a file on disk held when we last read or wrote it, to notice when someone else (another
//! window, a `git pull`, a colleague) has changed it since.

use super::regular_file::read_capped;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::Hasher;
use std::path::Path;
use std::time::SystemTime;

/// A file's size, modification time and a hash of its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    hash: u64,
    /// The time of a same-size version last found to differ, so that the window's check every
    /// second reads that version once, not every second while it stays.
    differs_at: Option<Option<SystemTime>>,
}

/// How the file on disk compares with a stamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskState {
    /// It holds what the stamp says (perhaps touched, with the same content).
    Same,
    /// Its content is different.
    Changed,
    /// It is gone, or cannot be read.
    Missing,
}

fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

impl FileStamp {
    /// The stamp of a file whose content we hold (just read or just written).
    pub fn of_content(path: &Path, bytes: &[u8]) -> Self {
        let meta = fs::metadata(path).ok();
        FileStamp {
            len: bytes.len() as u64,
            modified: meta.and_then(|m| m.modified().ok()),
            hash: content_hash(bytes),
            differs_at: None,
        }
    }

    /// Compares the file with this stamp. Cheap while the size and time match (one `stat`);
    /// otherwise the content is read and compared, so that a file only touched (a `git
    /// checkout` of the same content) is not called changed. Then the stamp takes the new time,
    /// so the file is read only once.
    pub fn check(&mut self, path: &Path) -> DiskState {
        let Ok(meta) = fs::metadata(path) else {
            return DiskState::Missing;
        };
        let modified = meta.modified().ok();
        if meta.len() == self.len && modified == self.modified {
            return DiskState::Same;
        }
        if meta.len() != self.len || self.differs_at == Some(modified) {
            return DiskState::Changed;
        }
        // Same size, other time: compare the content. Only a regular file is read (a named
        // pipe put in its place would block the window).
        let Ok(bytes) = read_capped(path, self.len.saturating_add(1)) else {
            return DiskState::Changed;
        };
        if bytes.len() as u64 == self.len && content_hash(&bytes) == self.hash {
            self.modified = modified;
            DiskState::Same
        } else {
            self.differs_at = Some(modified);
            DiskState::Changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_file_changed_by_someone_else_is_noticed_and_one_only_touched_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        fs::write(&path, "one").unwrap();
        let mut stamp = FileStamp::of_content(&path, b"one");
        assert_eq!(stamp.check(&path), DiskState::Same);
        // Touched: same content, another time.
        let later = SystemTime::now() + Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(stamp.check(&path), DiskState::Same);
        // The same size, other content, and the time restored: still seen, by its time.
        fs::write(&path, "two").unwrap();
        assert_eq!(stamp.check(&path), DiskState::Changed);
        fs::remove_file(&path).unwrap();
        assert_eq!(stamp.check(&path), DiskState::Missing);
    }

    #[test]
    fn a_same_size_version_found_different_is_read_once_not_at_every_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        fs::write(&path, "one").unwrap();
        let mut stamp = FileStamp::of_content(&path, b"one");
        let set_time = |t: SystemTime| {
            fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(t)
                .unwrap()
        };
        let later = SystemTime::now() + Duration::from_secs(5);
        fs::write(&path, "two").unwrap();
        set_time(later);
        assert_eq!(stamp.check(&path), DiskState::Changed);
        // The file is put back behind the check's back with the same size and time: the
        // check trusts size and time as it does for an unchanged file, and does not read it.
        fs::write(&path, "one").unwrap();
        set_time(later);
        assert_eq!(stamp.check(&path), DiskState::Changed);
        // A new time is a new version: it is read, and it holds what the stamp holds.
        set_time(later + Duration::from_secs(5));
        assert_eq!(stamp.check(&path), DiskState::Same);
    }
}
