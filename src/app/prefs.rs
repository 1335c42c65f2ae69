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

pub use crate::io::host::system_user_name;

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
}
