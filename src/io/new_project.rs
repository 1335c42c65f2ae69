//! Making a project from a set of image files: used by `sitediff new` and the window's
//! "New project from images" dialog.

use super::dates::detect_capture_date;
use super::image_decode::{ImageError, probe_image};
use super::project_file::relative_image_path;
use crate::model::{CaptureDate, DatedImage, ImageId, Project, Site};
use std::path::{Path, PathBuf};

/// Ids in a project made from scratch here are far from running out.
const FRESH: &str = "a new project has every id free";

/// One image to put in the new site, with its date if the user set it by hand.
#[derive(Clone, Debug)]
pub struct NewImage {
    pub path: PathBuf,
    pub date: Option<CaptureDate>,
}

/// What was found out about one image, for the user to check.
#[derive(Clone, Debug)]
pub struct NewImageReport {
    pub id: ImageId,
    /// As stored in the project: relative to the project file.
    pub stored_path: String,
    pub width: u32,
    pub height: u32,
    pub date: CaptureDate,
    /// Where the date came from ("from the file name", "set by hand", ...).
    pub date_source: String,
}

/// Reads each image's header (to make sure it opens) and its capture date (unless given), and
/// makes its record with the next id from `ids`. Paths are stored relative to `project_file`.
/// Used to start a project and to add images to one.
pub fn describe_images(
    project_file: &Path,
    images: &[NewImage],
    mut next_id: impl FnMut() -> Option<ImageId>,
) -> Result<(Vec<DatedImage>, Vec<NewImageReport>), ImageError> {
    let mut records = Vec::with_capacity(images.len());
    let mut reports = Vec::with_capacity(images.len());
    for image in images {
        let info = probe_image(&image.path)?;
        let (date, date_source) = match image.date {
            Some(d) => (d, "set by hand".to_string()),
            None => {
                let detected = detect_capture_date(&image.path);
                (detected.date, detected.source.label().to_string())
            }
        };
        let Some(id) = next_id() else {
            return Err(ImageError::Unsupported {
                path: image.path.clone(),
                message: "the project has no image ids left".into(),
            });
        };
        let stored_path = relative_image_path(project_file, &image.path);
        records.push(DatedImage::new(id, stored_path.clone(), date));
        reports.push(NewImageReport {
            id,
            stored_path,
            width: info.width,
            height: info.height,
            date,
            date_source,
        });
    }
    Ok((records, reports))
}

/// A project with one site holding `images`, to be saved at `project_file` (paths are stored
/// relative to it). Each image's header is read to make sure it opens; dates are detected
/// unless given. The earliest image becomes the reference.
pub fn project_from_images(
    project_file: &Path,
    project_name: &str,
    site_name: &str,
    images: &[NewImage],
) -> Result<(Project, Vec<NewImageReport>), ImageError> {
    let mut project = Project::new(project_name);
    let site_id = project.next_ids.new_site().expect(FRESH);
    let mut site = Site::new(site_id, site_name);
    let ids = &mut project.next_ids;
    let (records, reports) = describe_images(project_file, images, || ids.new_image().ok())?;
    site.images = records;
    site.reference_image = site.images_by_date().first().map(|i| i.id);
    project.sites.push(site);
    Ok((project, reports))
}
