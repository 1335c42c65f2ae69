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
mod raster;

pub use crop::{CROP_MAX_SIDE, OVERVIEW_MAX_SIDE};
pub use raster::{KindStyle, kind_style};

use crate::editing::{OutlineRef, Side};
use crate::io::image_decode::decode_image;
use crate::io::project_file::resolve_image_path;
use crate::io::pyramid::to_display_rgb8;
use crate::model::{Affine, DatedImage, Footprint, ImageId, Point, Project, Site, Timestamp};
use crop::{Levels, PixelRect, crop_box, footprint_site_box, site_box_in_image};
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;
use raster::{LabelPlacer, draw_label, draw_outline, label_size};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// JPEG quality of the pictures: small files, no visible blocks at the sizes shown.
const JPEG_QUALITY: u8 = 85;
/// Outline width in picture pixels.
const OUTLINE_WIDTH: u32 = 2;
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
                    for job in jobs {
                        let picture = render(site, image, &mut levels, *job, &picture_dir)?;
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

/// Writes a file of the report. Whatever had its name is removed first, so a symbolic link
/// left there is replaced rather than followed out of the report's folder.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let write_err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(write_err(e)),
        _ => {}
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(write_err)?;
    file.write_all(bytes).map_err(write_err)
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

/// Makes one picture from a decoded image and writes it into `picture_dir`.
fn render(
    site: &Site,
    image: &DatedImage,
    levels: &mut Levels,
    job: Job,
    picture_dir: &Path,
) -> Result<Picture, ReportError> {
    let (made, file) = match job {
        Job::Overview => (
            overview_picture(site, image, levels),
            format!("S{}-overview.jpg", site.id.0),
        ),
        Job::Footprint(i, side) => match site.footprints.get(i) {
            Some(fp) => (
                footprint_picture(image, levels, fp, side),
                format!("S{}-F{}-{}.jpg", site.id.0, fp.id.0, side.label()),
            ),
            None => return Ok(Picture::NotShown("no such footprint".into())),
        },
    };
    let rgb = match made {
        Ok(rgb) => rgb,
        Err(why) => return Ok(Picture::NotShown(why)),
    };
    let path = picture_dir.join(&file);
    write_file(&path, &encode_jpeg(&rgb, &path)?)?;
    Ok(Picture::Written {
        file: format!("{PICTURE_FOLDER}/{file}"),
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// The inverse of an image's transform into the site frame, or why there is none.
fn image_from_site(image: &DatedImage) -> Result<Affine, String> {
    image.to_site.inverse().ok_or_else(|| {
        format!(
            "image {} has a transform into the site frame that cannot be inverted",
            image.id
        )
    })
}

/// The whole image scaled down, with every footprint's outline and (where there is room) its
/// id.
fn overview_picture(
    site: &Site,
    image: &DatedImage,
    levels: &mut Levels,
) -> Result<RgbImage, String> {
    let image_from_site = image_from_site(image)?;
    let whole = PixelRect {
        x: 0,
        y: 0,
        width: levels.width(),
        height: levels.height(),
    };
    let (mut pic, map) = levels.picture(whole, OVERVIEW_MAX_SIDE);
    let to_picture = |p| map.apply(image_from_site.apply(p));
    for fp in &site.footprints {
        let points: Vec<(f64, f64)> = fp.outline.0.iter().map(|p| to_picture(*p)).collect();
        draw_outline(&mut pic, &points, kind_style(fp.kind), OUTLINE_WIDTH);
    }
    label_footprints(&mut pic, site, to_picture);
    Ok(pic)
}

/// The footprint with its context in one of its two images, its outline drawn (in the after
/// image, its after-outline when it has one).
fn footprint_picture(
    image: &DatedImage,
    levels: &mut Levels,
    fp: &Footprint,
    side: Side,
) -> Result<RgbImage, String> {
    let image_from_site = image_from_site(image)?;
    let site_box = footprint_site_box(fp).ok_or("the footprint has no outline")?;
    let (width, height) = (levels.width(), levels.height());
    let in_image = site_box_in_image(&site_box, &image_from_site);
    let rect = crop_box(&in_image, width, height).ok_or_else(|| {
        format!(
            "the outline lies outside image {} ({width} x {height} px)",
            image.id
        )
    })?;
    let (mut pic, map) = levels.picture(rect, CROP_MAX_SIDE);
    let outline = OutlineRef::shown(fp, side).get(fp);
    let points: Vec<(f64, f64)> = outline
        .0
        .iter()
        .map(|p| map.apply(image_from_site.apply(*p)))
        .collect();
    draw_outline(&mut pic, &points, kind_style(fp.kind), OUTLINE_WIDTH);
    Ok(pic)
}

/// Writes each footprint's id above its outline on the overview, skipping labels that would
/// cover one already written (the list below the overview names them all).
fn label_footprints(pic: &mut RgbImage, site: &Site, to_picture: impl Fn(Point) -> (f64, f64)) {
    let mut placer = LabelPlacer::default();
    let (pw, ph) = (i64::from(pic.width()), i64::from(pic.height()));
    for fp in &site.footprints {
        let Some(bb) = fp.outline.bounding_box() else {
            continue;
        };
        let corners = [bb.min, bb.max].map(&to_picture);
        let (x, y) = (
            corners[0].0.min(corners[1].0),
            corners[0].1.min(corners[1].1),
        );
        if !x.is_finite() || !y.is_finite() {
            continue;
        }
        let text = format!("F{}", fp.id.0);
        let (w, h) = label_size(&text);
        let lx = (x.round() as i64).clamp(0, (pw - i64::from(w)).max(0));
        let ly = (y.round() as i64 - i64::from(h) - 1).clamp(0, (ph - i64::from(h)).max(0));
        if placer.reserve(lx, ly, w, h) {
            draw_label(pic, lx, ly, &text, kind_style(fp.kind).rgb);
        }
    }
}

fn encode_jpeg(rgb: &RgbImage, path: &Path) -> Result<Vec<u8>, ReportError> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(rgb)
        .map_err(|e| ReportError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
    Ok(bytes)
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
