//! The review report, without egui: one self-contained HTML page (`index.html`) with its
//! pictures beside it in `img/`, for people who review a project without sitediff. Nothing in
//! it is fetched from a network and every link is a relative path inside the report's folder,
//! so the folder can be zipped, mailed or archived as it is.
//!
//! Per site: a summary of footprints and review progress, an overview of the site's reference
//! image with every outline, then each footprint with its before and after pictures and its
//! review thread. Images are decoded one at a time, each once, and every picture that needs it
//! is cut from that image (or from a downsampled level of it) before the next is decoded, so
//! memory stays near one decoded image. An image that cannot be read does not stop the report:
//! the page says which file and why in place of its pictures.
//!
//! The report writes `index.html` and files in `img/` inside its folder and nothing else; it
//! creates the folder if needed and, in a folder that already holds other files, leaves them
//! alone (pictures of footprints deleted since an earlier report stay in `img/`, unused).

mod crop;
mod html;
mod pictures;
mod raster;

pub use crop::{CROP_MAX_SIDE, OVERVIEW_MAX_SIDE};
pub use raster::{KindStyle, kind_style};

use crate::editing::Side;
use crate::io::image_decode::decode_image;
use crate::io::project_file::resolve_image_path;
use crate::io::pyramid::to_display_rgb8;
use crate::model::{Footprint, ImageId, Project, Site, Timestamp};
use crop::Levels;
use pictures::make_pictures;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The folder of the pictures, inside the report's folder.
const PICTURE_FOLDER: &str = "img";

/// Why a report could not be written. Images that cannot be read are not errors: the report
/// shows them as missing.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{}: cannot create the report folder: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write the report: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What a report holds, for a message once it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportSummary {
    /// The page to open.
    pub index: PathBuf,
    pub sites: usize,
    pub footprints: usize,
    /// Picture files written into `img/`.
    pub pictures: usize,
    /// Images that could not be read, each a message naming the file and the reason; the page
    /// shows them in place of their pictures.
    pub unreadable_images: Vec<String>,
}

/// Writes the report on `project` (loaded from `project_file`, against which image paths are
/// resolved) into `out_dir`: `index.html` and its pictures in `img/`. `progress` hears the
/// share of the work done, 0 to 1, after each image.
///
/// Slow for large images (each is decoded once): call it off the UI thread.
pub fn write_report(
    project: &Project,
    project_file: &Path,
    out_dir: &Path,
    mut progress: impl FnMut(f32),
) -> Result<ReportSummary, ReportError> {
    progress(0.0);
    let picture_dir = prepare_folders(out_dir)?;
    let plans: Vec<SitePlan> = project.sites.iter().map(SitePlan::of).collect();
    let total_images: usize = plans.iter().map(|p| p.jobs.len()).sum();
    let mut done_images = 0;
    let mut written = 0;
    let mut unreadable_images = Vec::new();
    let mut sites = Vec::with_capacity(project.sites.len());
    for (site, plan) in project.sites.iter().zip(&plans) {
        let mut pictures = SitePictures::new(site);
        for (image_id, jobs) in &plan.jobs {
            let Some(image) = site.image(*image_id) else {
                continue;
            };
            let path = resolve_image_path(project_file, &image.path);
            match decode_image(&path) {
                Ok(decoded) => {
                    let mut levels = Levels::new(to_display_rgb8(decoded).0);
                    let made = make_pictures(site, image, &mut levels, jobs, &picture_dir)?;
                    for (job, picture) in jobs.iter().zip(made) {
                        if matches!(picture, Picture::Written { .. }) {
                            written += 1;
                        }
                        pictures.set(*job, picture);
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    for job in jobs {
                        pictures.set(*job, Picture::Unreadable(message.clone()));
                    }
                    pictures.unreadable.push((*image_id, message.clone()));
                    unreadable_images.push(message);
                }
            }
            done_images += 1;
            progress(done_images as f32 / (total_images + 1) as f32);
        }
        sites.push(pictures);
    }
    let page = html::page(&html::PageInput {
        project,
        project_file,
        sites: &sites,
        generated: Timestamp::now(),
    });
    let index = out_dir.join("index.html");
    write_file(&index, page.as_bytes())?;
    progress(1.0);
    Ok(ReportSummary {
        index,
        sites: project.sites.len(),
        footprints: project.sites.iter().map(|s| s.footprints.len()).sum(),
        pictures: written,
        unreadable_images,
    })
}

/// Creates the report's folder and its picture folder; refuses a picture folder that is a
/// file or a symbolic link (writing through it would land outside the report).
fn prepare_folders(out_dir: &Path) -> Result<PathBuf, ReportError> {
    let create_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::CreateFolder { path, source }
    };
    fs::create_dir_all(out_dir).map_err(create_err(out_dir))?;
    let picture_dir = out_dir.join(PICTURE_FOLDER);
    match fs::symlink_metadata(&picture_dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(ReportError::CreateFolder {
                path: picture_dir,
                source: std::io::Error::other(
                    "it exists and is not a folder (a file or a symbolic link)",
                ),
            });
        }
        Err(_) => fs::create_dir(&picture_dir).map_err(create_err(&picture_dir))?,
    }
    Ok(picture_dir)
}

/// Writes a file of the report, replacing the file of an earlier report in place. A symbolic
/// link left with its name is removed rather than followed out of the report's folder.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let write_err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::remove_file(path).map_err(write_err)?;
    }
    fs::write(path, bytes).map_err(write_err)
}

/// One picture the report wants from an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Job {
    Overview,
    /// Footprint at this index in the site, seen in its before or after image.
    Footprint(usize, Side),
}

/// Which pictures each image of a site provides, images in the site's order.
struct SitePlan {
    jobs: Vec<(ImageId, Vec<Job>)>,
}

impl SitePlan {
    fn of(site: &Site) -> SitePlan {
        let mut by_image: BTreeMap<ImageId, Vec<Job>> = BTreeMap::new();
        if let Some(id) = overview_image(site) {
            by_image.entry(id).or_default().push(Job::Overview);
        }
        for (i, fp) in site.footprints.iter().enumerate() {
            for side in [Side::Before, Side::After] {
                let id = image_of(fp, side);
                if site.image(id).is_some() {
                    by_image
                        .entry(id)
                        .or_default()
                        .push(Job::Footprint(i, side));
                }
            }
        }
        let jobs = site
            .images
            .iter()
            .filter_map(|img| by_image.remove(&img.id).map(|jobs| (img.id, jobs)))
            .collect();
        SitePlan { jobs }
    }
}

/// The image a site's overview shows: its reference image, else its latest.
fn overview_image(site: &Site) -> Option<ImageId> {
    site.reference_image
        .filter(|id| site.image(*id).is_some())
        .or_else(|| site.images_by_date().last().map(|i| i.id))
}

fn image_of(fp: &Footprint, side: Side) -> ImageId {
    match side {
        Side::Before => fp.before,
        Side::After => fp.after,
    }
}

/// What became of one picture.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Picture {
    /// Written to `img/`; `file` is its path relative to the report's folder.
    Written {
        file: String,
        width: u32,
        height: u32,
    },
    /// The image file cannot be read; the message names it and says why.
    Unreadable(String),
    /// The image was read but cannot show this (the outline lies outside it...).
    NotShown(String),
}

/// The pictures of one site, for the page.
pub(crate) struct SitePictures {
    /// The overview and the image it shows; `None` when the site has no images.
    pub overview: Option<(ImageId, Picture)>,
    /// Before and after picture of each footprint, in the site's order.
    pub footprints: Vec<[Picture; 2]>,
    /// Images that could not be read, with the message saying why.
    pub unreadable: Vec<(ImageId, String)>,
}

impl SitePictures {
    fn new(site: &Site) -> Self {
        let missing = |fp: &Footprint, side: Side| {
            Picture::NotShown(format!("image {} is not in this site", image_of(fp, side)))
        };
        SitePictures {
            overview: overview_image(site).map(|id| (id, Picture::NotShown("not made".into()))),
            footprints: site
                .footprints
                .iter()
                .map(|fp| [missing(fp, Side::Before), missing(fp, Side::After)])
                .collect(),
            unreadable: Vec::new(),
        }
    }

    fn set(&mut self, job: Job, picture: Picture) {
        match job {
            Job::Overview => {
                if let Some((_, p)) = &mut self.overview {
                    *p = picture;
                }
            }
            Job::Footprint(i, side) => {
                if let Some(pair) = self.footprints.get_mut(i) {
                    pair[side_index(side)] = picture;
                }
            }
        }
    }
}

pub(crate) fn side_index(side: Side) -> usize {
    match side {
        Side::Before => 0,
        Side::After => 1,
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
