//! Writing a file so that it is always whole: a temporary file beside the target, fsync,
//! rename. The file a symbolic link points to is the one updated (the link stays a link), the
//! file keeps its permissions, saves to one folder take turns, and temporary files left by a
//! killed save are cleaned up by the next one.

use super::project_file::SaveError;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How many symbolic links in a row are followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// Tells apart the temporary files of saves made by one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The file `path` stands for: itself, or what its chain of symbolic links ends at (which may
/// not exist yet). Writing there, rather than renaming over the link, keeps the link a link.
/// Fails on a loop of links.
pub fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let is_link = fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return Ok(current);
        }
        let target = fs::read_link(&current)?;
        current = if target.is_absolute() {
            target
        } else {
            current
                .parent()
                .map_or_else(|| target.clone(), |dir| dir.join(&target))
        };
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A hidden file beside the file `project` stands for (through links): `.NAME.suffix`. The
/// project's lock and its unsaved work live there.
pub fn hidden_beside(project: &Path, suffix: &str) -> PathBuf {
    let real = follow_links(project).unwrap_or_else(|_| project.to_path_buf());
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder_of(&real).join(format!(".{name}.{suffix}"))
}

/// The folder a file lives in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` atomically; when `keep_backup`, an existing file is first kept as
/// `NAME.bak` beside it (a hard link, or a copy written atomically). On error the file at
/// `path` is as it was.
pub fn write_atomically(path: &Path, bytes: &[u8], keep_backup: bool) -> Result<(), SaveError> {
    let io_err = |source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = follow_links(path).map_err(io_err)?;
    let dir = folder_of(&target);
    let file_name = target
        .file_name()
        .ok_or_else(|| io_err(std::io::Error::other("the path has no file name")))?
        .to_string_lossy()
        .into_owned();
    if target.is_dir() {
        return Err(io_err(std::io::Error::other("a folder has that name")));
    }
    // Saves into one folder take turns, across windows and threads alike: two saves at once
    // would otherwise each back up the file the other is replacing. Where the folder cannot be
    // locked (some network file systems), saves go ahead unlocked.
    let _turn = fs::File::open(&dir).ok().filter(|d| d.lock().is_ok());
    remove_stale_temp_files(&dir, &file_name);
    let permissions = fs::metadata(&target).ok().map(|m| m.permissions());
    if keep_backup && target.exists() {
        let bak = dir.join(format!("{file_name}.bak"));
        // A second name for the old file's data, made under a temporary name and renamed over
        // the old backup: nothing is copied or synced again, and the backup is whole or absent.
        // Where the file system has no hard links, a copy written atomically.
        let tmp = temp_name(&dir, &format!("{file_name}.bak"));
        let linked = fs::hard_link(&target, &tmp).and_then(|()| fs::rename(&tmp, &bak));
        if linked.is_err() {
            let _ = fs::remove_file(&tmp);
            let old = fs::read(&target).map_err(io_err)?;
            write_temp_then_rename(&dir, &bak, &old, permissions.as_ref()).map_err(io_err)?;
        }
    }
    write_temp_then_rename(&dir, &target, bytes, permissions.as_ref()).map_err(io_err)
}

/// A temporary name beside `name` in `dir` that no other save uses: the process id and a
/// counter, behind the prefix [`remove_stale_temp_files`] looks for.
fn temp_name(dir: &Path, name: &str) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Removes temporary files that saves of `file_name` (or of its backup) left behind when they
/// were killed. Called with the folder's save turn held, so no save of ours is writing them;
/// a temp file of a process still running is left alone all the same (it may not take turns).
fn remove_stale_temp_files(dir: &Path, file_name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefixes = [
        format!(".{file_name}.tmp-"),
        format!(".{file_name}.bak.tmp-"),
    ];
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes.iter().find_map(|p| name.strip_prefix(p.as_str())) else {
            continue;
        };
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        let running = pid.is_some_and(|pid| {
            pid != std::process::id() && super::host::process_alive(pid) == Some(true)
        });
        if !running && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn write_temp_then_rename(
    dir: &Path,
    target: &Path,
    bytes: &[u8],
    permissions: Option<&fs::Permissions>,
) -> std::io::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = temp_name(dir, &name);
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        if let Some(p) = permissions {
            f.set_permissions(p.clone())?;
        }
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, target)?;
        // Make the rename itself durable. Opening a directory fails on some platforms; the
        // data is already safe in the renamed file, so that is not an error.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
#[path = "atomic_write_tests.rs"]
mod tests;
