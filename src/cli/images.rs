//! Image arguments shared by `new`, `add-image` and `add-site`: capture dates set by hand
//! (`--date IMAGE=YYYY-MM-DD`), the check that every image can be read before anything is
//! changed, and the lines that tell the analyst what was found out about each image.

use super::{Out, Stop};
use crate::io::new_project::{NewImage, NewImageReport};
use crate::io::tile_reader::check_image;
use crate::model::CaptureDate;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::str::FromStr;

/// A capture date set by hand: `IMAGE=YYYY-MM-DD`, where IMAGE is the path as given on the
/// command line or just its file name. Parsed by clap, so a malformed one is a usage error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateOverride {
    pub image: String,
    pub date: CaptureDate,
}

impl FromStr for DateOverride {
    type Err = String;

    fn from_str(arg: &str) -> Result<Self, Self::Err> {
        // The last `=`: a file name may contain one, a date never does.
        let Some((image, date)) = arg.rsplit_once('=') else {
            return Err("expected IMAGE=YYYY-MM-DD".into());
        };
        if image.is_empty() {
            return Err("expected IMAGE=YYYY-MM-DD; the image is missing".into());
        }
        Ok(DateOverride {
            image: image.to_string(),
            date: date.parse::<CaptureDate>().map_err(|e| e.to_string())?,
        })
    }
}

/// The images to add, each checked to read as the window will (in full, or a large tiled TIFF
/// by its header and coarsest level) and paired with its date set by hand,
/// if any. Fails, before the project is touched, when an image cannot be read, is given twice,
/// or a `--date` names no image (a typo would otherwise be silently ignored).
pub fn prepare_images(
    images: &[PathBuf],
    dates: &[DateOverride],
    crs: Option<u32>,
) -> Result<Vec<NewImage>, Stop> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for path in images {
        check_image(path).map_err(|e| Stop::Failed(e.to_string()))?;
        let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !seen.insert(file) {
            return Err(Stop::Failed(format!(
                "{}: given twice on the command line",
                path.display()
            )));
        }
    }
    // A later `--date` for the same image wins, as with most repeated options.
    let by_image: HashMap<&str, CaptureDate> =
        dates.iter().map(|d| (d.image.as_str(), d.date)).collect();
    let mut used: HashSet<&str> = HashSet::new();
    let wanted = images
        .iter()
        .map(|path| {
            let as_given = path.to_string_lossy();
            let file_name = path
                .file_name()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default();
            // The path as given is more specific than the file name, so it wins.
            let key = [as_given.as_ref(), file_name.as_ref()]
                .into_iter()
                .find_map(|k| by_image.get_key_value(k));
            NewImage {
                path: path.clone(),
                date: key.map(|(k, date)| {
                    used.insert(*k);
                    *date
                }),
                crs,
            }
        })
        .collect();
    let mut unused: Vec<&str> = by_image
        .keys()
        .copied()
        .filter(|k| !used.contains(k))
        .collect();
    if !unused.is_empty() {
        unused.sort_unstable();
        return Err(Stop::Failed(format!(
            "--date {}: names no image on the command line (give the path as written there or \
             its file name)",
            unused.join(", ")
        )));
    }
    Ok(wanted)
}

/// One line per image: id, path as stored in the project, size, date and where it came from.
pub fn say_images(out: Out, reports: &[NewImageReport]) {
    for r in reports {
        say!(
            out,
            "{}  {}  {} x {}  date {} ({})",
            r.id,
            r.stored_path,
            r.width,
            r.height,
            r.date,
            r.date_source
        );
        for note in &r.notes {
            say!(out, "    {note}");
        }
        for warning in &r.warnings {
            say!(out, "    warning: {warning}");
        }
    }
}

pub use crate::geo::parse_crs;

/// How many of the images have no capture date.
pub fn undated(reports: &[NewImageReport]) -> usize {
    reports
        .iter()
        .filter(|r| r.date == CaptureDate::Unknown)
        .count()
}

/// Tells the analyst how to date images that have no date yet (nothing when all have one).
pub fn say_undated_hint(out: Out, undated: usize) {
    if undated > 0 {
        say!(
            out,
            "{undated} image(s) have no capture date; set it in the window, or give it with \
             --date IMAGE=YYYY-MM-DD when adding images"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_override_splits_at_the_last_equals_sign_and_checks_the_date() {
        let d: DateOverride = "a=b.png=2024-02-29".parse().unwrap();
        assert_eq!(d.image, "a=b.png");
        assert_eq!(d.date.to_string(), "2024-02-29");
        assert!("x.png=2023-02-30".parse::<DateOverride>().is_err());
        assert!("x.png".parse::<DateOverride>().is_err());
        assert!("=2024-01-01".parse::<DateOverride>().is_err());
    }

    #[test]
    fn a_crs_is_given_as_an_epsg_code_sitediff_knows() {
        assert_eq!(parse_crs("EPSG:32615"), Ok(32615));
        assert_eq!(parse_crs("epsg:4326"), Ok(4326));
        assert_eq!(parse_crs("32618"), Ok(32618));
        assert!(
            parse_crs("utm15")
                .unwrap_err()
                .contains("expected EPSG:CODE")
        );
        assert!(
            parse_crs("EPSG:999999")
                .unwrap_err()
                .contains("EPSG:999999")
        );
    }
}
