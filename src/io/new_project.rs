//! Making a project from a set of image files: used by `sitediff new` and the window's
//! "New project from images" dialog.

use super::dates::detect_capture_date;
use super::georef::read_georef;
use super::image_decode::{ImageError, probe_image};
use super::project_file::relative_image_path;
use crate::geo::{Crs, GroundInfo, register_by_georef};
use crate::model::{CaptureDate, DatedImage, Georef, ImageId, Project, Site};
use std::path::{Path, PathBuf};

/// Ids in a project made from scratch here are far from running out.
const FRESH: &str = "a new project has every id free";

/// Beyond this fit error (site pixels), aligning across CRSs by one affine transform is
/// reported as not good enough.
const MAX_FIT_ERROR_PX: f64 = 0.5;

/// One image to put in the new site, with its date if the user set it by hand.
#[derive(Clone, Debug)]
pub struct NewImage {
    pub path: PathBuf,
    pub date: Option<CaptureDate>,
    /// The EPSG code of a world file beside it (or of a GeoTIFF naming none), as the user gave
    /// it (`--crs`).
    pub crs: Option<u32>,
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
    /// Where it lies on the ground, when its header or a world file says so.
    pub georef: Option<Georef>,
    /// What else was found: its CRS and pixel size, how it was aligned to the reference.
    pub notes: Vec<String>,
    /// What the user should look at: georeferencing that was found but cannot be used.
    pub warnings: Vec<String>,
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
        let (georef, notes, warnings) = georef_of(image, info.width, info.height);
        let mut record = DatedImage::new(id, stored_path.clone(), date);
        record.georef = georef.clone();
        records.push(record);
        reports.push(NewImageReport {
            id,
            stored_path,
            width: info.width,
            height: info.height,
            date,
            date_source,
            georef,
            notes,
            warnings,
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
    let (records, mut reports) = describe_images(project_file, images, || ids.new_image().ok())?;
    site.images = records;
    site.reference_image = site.images_by_date().first().map(|i| i.id);
    if let Some(reference) = site.reference_image.and_then(|id| site.image(id)).cloned() {
        register_to_reference(&reference, &mut site.images, &mut reports);
    }
    project.sites.push(site);
    Ok((project, reports))
}

/// An image's georeferencing, if usable, with a note saying what it is and warnings about what
/// could not be used. Georeferencing never stops an image from being added.
fn georef_of(
    image: &NewImage,
    width: u32,
    height: u32,
) -> (Option<Georef>, Vec<String>, Vec<String>) {
    let mut warnings = Vec::new();
    let reading = match read_georef(&image.path, image.crs) {
        Ok(r) => r,
        Err(e) => return (None, Vec::new(), vec![e.to_string()]),
    };
    warnings.extend(reading.warning);
    let Some(georef) = reading.georef else {
        return (None, Vec::new(), warnings);
    };
    if let Err(e) = Crs::from_epsg(georef.epsg) {
        warnings.push(format!(
            "{}: {e}; added without georeferencing",
            image.path.display()
        ));
        return (None, Vec::new(), warnings);
    }
    let notes = match GroundInfo::of_image(&georef, width, height) {
        Ok(info) => vec![format!(
            "on the ground: {}, pixel {}, footprint {}",
            info.crs,
            info.pixel_text(),
            info.footprint_text()
        )],
        Err(e) => {
            warnings.push(format!("{}: {e}", image.path.display()));
            Vec::new()
        }
    };
    (Some(georef), notes, warnings)
}

/// Places each georeferenced image of `images` (other than the reference) in the site frame
/// through its georeferencing and the reference image's, so images on different pixel grids
/// line up; says so in its report (with the fit error across CRSs). Images the reports do not
/// describe, or without georeferencing, are left as they are.
pub fn register_to_reference(
    reference: &DatedImage,
    images: &mut [DatedImage],
    reports: &mut [NewImageReport],
) {
    let Some(reference_georef) = &reference.georef else {
        return;
    };
    for report in reports.iter_mut().filter(|r| r.id != reference.id) {
        let Some(image) = images.iter_mut().find(|i| i.id == report.id) else {
            continue;
        };
        let Some(georef) = &image.georef else {
            continue;
        };
        match register_by_georef(
            reference_georef,
            &reference.to_site,
            georef,
            (report.width, report.height),
        ) {
            Ok(r) => {
                image.to_site = r.to_site;
                if r.max_error_px > MAX_FIT_ERROR_PX {
                    report.warnings.push(format!(
                        "{}: an affine transform from EPSG:{} to EPSG:{} is off by up to {:.1} \
                         px over this image; align it by tie points instead",
                        image.path, georef.epsg, reference_georef.epsg, r.max_error_px
                    ));
                }
                report.notes.push(if r.exact {
                    format!(
                        "aligned to reference image {} by georeferencing",
                        reference.id
                    )
                } else {
                    format!(
                        "aligned to reference image {} by georeferencing (EPSG:{} to EPSG:{}, \
                         affine fit, max error {:.3} px)",
                        reference.id, georef.epsg, reference_georef.epsg, r.max_error_px
                    )
                });
            }
            Err(e) => report.warnings.push(format!(
                "{}: not aligned by georeferencing: {e}",
                image.path
            )),
        }
    }
}
