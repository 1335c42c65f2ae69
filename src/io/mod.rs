//! Files, no egui: the project file (load, save, validation report), image decoding with limits,
//! capture date detection.

pub mod atomic_write;
pub mod dates;
pub mod disk_stamp;
pub mod georef;
mod headers;
pub mod host;
pub mod image_decode;
pub mod jpeg_dc;
pub mod loader;
pub mod new_project;
pub mod overview_cache;
pub mod preview;
pub mod project_file;
pub mod project_lock;
pub mod pyramid;
pub mod recovery;
pub mod regular_file;
pub mod tiff_tiles;
pub mod tiff_write;
pub mod tile_cache;
pub mod tile_reader;

pub use project_file::{LoadError, SaveError, load_project, project_to_string, save_project};

/// The user's cache folder for `what` (the overview cache, built TIFF levels):
/// `$XDG_CACHE_HOME/sitediff/WHAT` when that variable holds an absolute path, else
/// `$HOME/.cache/sitediff/WHAT`; `None` when no home is known.
pub fn user_cache_folder(what: &str) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|base| base.join("sitediff").join(what))
}
