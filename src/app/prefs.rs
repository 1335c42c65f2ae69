//! Preferences kept between sessions in eframe's storage (never in the project file).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const STORAGE_KEY: &str = "sitediff.prefs";
const MAX_RECENT: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Most recent first.
    pub recent_projects: Vec<PathBuf>,
    /// Name written as the author of new footprints and reviews.
    pub analyst: String,
    /// The analyst was asked for their name once (and may have said "later").
    pub analyst_asked: bool,
}

impl Prefs {
    pub fn note_recent(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent_projects.retain(|p| *p != path);
        self.recent_projects.insert(0, path);
        self.recent_projects.truncate(MAX_RECENT);
    }
}

/// The operating system's name for the user running the window: `$USER` (or `$USERNAME`,
/// `$LOGNAME`), else the account name of the process's user id.
pub fn system_user_name() -> Option<String> {
    for var in ["USER", "USERNAME", "LOGNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return Some(v.trim().to_string());
        }
    }
    account_name()
}

#[cfg(target_os = "linux")]
fn account_name() -> Option<String> {
    // SAFETY: getpwuid_r writes into the buffers we own and returns a pointer into them; we
    // read the name only when it reports success.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(pwd.pw_name)
            .to_string_lossy()
            .into_owned();
        (!name.is_empty()).then_some(name)
    }
}

#[cfg(not(target_os = "linux"))]
fn account_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_most_recent_first_without_duplicates_and_bounded() {
        let mut p = Prefs::default();
        for i in 0..15 {
            p.note_recent(Path::new(&format!("/p/{i}.ron")));
        }
        p.note_recent(Path::new("/p/12.ron"));
        assert_eq!(p.recent_projects.len(), MAX_RECENT);
        assert_eq!(p.recent_projects[0], Path::new("/p/12.ron"));
        assert_eq!(
            p.recent_projects
                .iter()
                .filter(|x| x.ends_with("12.ron"))
                .count(),
            1
        );
    }

    #[test]
    fn a_user_name_is_found_even_without_the_usual_variables() {
        // Whatever the environment, the process runs as some account.
        assert!(account_name().is_some() || !cfg!(target_os = "linux"));
    }
}
