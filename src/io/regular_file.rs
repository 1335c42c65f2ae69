//! Opening a file named by the analyst or a project only when it is a regular file.
//!
//! A named pipe (FIFO) given as an image or project would block `open` and then `read` forever,
//! and `/dev/zero` reads until memory runs out. So the path's metadata is checked first, the
//! file is opened without blocking (on Linux, `O_NONBLOCK`: opening a FIFO with no writer
//! returns at once), and the opened file is checked again (the path may have been swapped in
//! between).

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// Why a path could not be opened as a regular file.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Missing, no permission, ...
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A folder, named pipe, device or socket: reading it could block or never end.
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
}

/// Opens `path` for reading if, and only if, it is a regular file (symbolic links followed).
/// Returns the file and its size in bytes.
pub fn open_regular(path: &Path) -> Result<(File, u64), OpenError> {
    check_regular(&std::fs::metadata(path)?)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    check_regular(&metadata)?;
    Ok((file, metadata.len()))
}

/// At most `max` bytes of a regular file (anything else is an error): for small files that
/// others may have replaced, such as a lock file.
pub fn read_capped(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let (file, _) = open_regular(path).map_err(io::Error::other)?;
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn check_regular(metadata: &Metadata) -> Result<(), OpenError> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(OpenError::NotRegular("a folder"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Err(OpenError::NotRegular("a named pipe (FIFO)"));
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Err(OpenError::NotRegular("a device"));
        }
        if kind.is_socket() {
            return Err(OpenError::NotRegular("a socket"));
        }
    }
    Err(OpenError::NotRegular("a special file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_opens_with_its_size_and_a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(open_regular(&path).unwrap().1, 5);
        let err = open_regular(dir.path()).unwrap_err();
        assert!(matches!(err, OpenError::NotRegular("a folder")), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_named_pipe_and_dev_zero_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
        let err = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("a device"), "{err}");
    }
}
