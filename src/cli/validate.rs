//! `validate`: problems (the project is wrong: exit 1) and warnings (something looks wrong with
//! a footprint but the project is sound: printed, exit code unchanged).

use super::Out;
use crate::editing::index::SiteIndex;
use crate::editing::warnings::{Warning, site_warnings};
use crate::io::image_decode::ImageError;
use crate::io::loader::MAX_CONCURRENT_DECODES;
use crate::io::project_file::{load_project_as_written, resolve_image_path};
use crate::io::tile_reader::check_image;
use crate::model::{
    BoundingBox, ImageId, Point, Polygon, Project, Site, next_id_problems, normalize_path,
    validate, validate_with_files,
};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// From this many images on, `validate` reports its decoding progress on stderr even when
/// stderr is not a terminal (a log of a long run shows it is not stuck).
const PROGRESS_FROM_IMAGES: usize = 16;

pub fn cmd_validate(paths: &[PathBuf], check_files: bool, out: Out, err: Out) -> u8 {
    let mut code = 0;
    for path in paths {
        // The file as written: its id counters before loading raises them past the ids in use.
        let written = match load_project_as_written(path) {
            Ok(w) => w,
            Err(e) => {
                say!(err, "{e}");
                code = 2;
                continue;
            }
        };
        let mut problems: Vec<String> = Vec::new();
        if written.next_ids_written {
            problems.extend(
                next_id_problems(&written.project)
                    .iter()
                    .map(|p| p.to_string()),
            );
        }
        let mut project = written.project;
        project.canonicalize();
        let found = if check_files {
            validate_with_files(&project, &|image| same_file_key(path, image))
        } else {
            validate(&project)
        };
        problems.extend(found.iter().map(|p| p.to_string()));
        // Image sizes, read once for the file check and again for the site extents.
        let mut sizes: HashMap<ImageId, (u32, u32)> = HashMap::new();
        if check_files {
            let images: Vec<_> = project.all_images().collect();
            let files: Vec<PathBuf> = images
                .iter()
                .map(|(_, img)| resolve_image_path(path, &img.path))
                .collect();
            for ((site, img), decoded) in images.iter().zip(decode_all(&files, err)) {
                match decoded {
                    Ok(size) => {
                        sizes.insert(img.id, size);
                    }
                    Err(e) => problems.push(format!("site {}, image {}: {e}", site.id, img.id)),
                }
            }
        }
        let mut warnings = footprint_warnings(&project, &sizes);
        let (georef_problems, georef_warnings) = super::ground::georef_findings(&project);
        problems.extend(georef_problems);
        warnings.extend(georef_warnings);
        for p in &problems {
            say!(out, "{}: {p}", path.display());
        }
        for w in &warnings {
            say!(out, "warning: {}: {w}", path.display());
        }
        let warned = match warnings.len() {
            0 => String::new(),
            n => format!(", {n} warning(s)"),
        };
        if problems.is_empty() {
            say!(out, "{}: valid{warned}", path.display());
        } else {
            say!(
                out,
                "{}: {} problem(s){warned}",
                path.display(),
                problems.len()
            );
            code = code.max(1);
        }
    }
    code
}

/// A key equal for image paths naming the same file: the file's real path when it exists
/// (links resolved), else the path normalised as text.
fn same_file_key(project_file: &Path, image: &str) -> String {
    let file = resolve_image_path(project_file, image);
    match std::fs::canonicalize(&file) {
        Ok(real) => real.to_string_lossy().into_owned(),
        Err(_) => {
            let absolute = std::path::absolute(&file).unwrap_or(file);
            normalize_path(&absolute.to_string_lossy())
        }
    }
}

/// Decodes every file in full (the README promises every image can be read, and only a full
/// decode finds a truncated or damaged one; a large tiled TIFF is read as
/// [`check_image`] says), within the window's limits, a few at a time: each
/// decode holds a whole image in memory, so no more run at once than the window allows.
/// Returns each image's size or why it cannot be read, in the order given; reports progress
/// on `err` when it is a terminal or the set is large.
fn decode_all(files: &[PathBuf], err: Out) -> Vec<Result<(u32, u32), ImageError>> {
    let total = files.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_CONCURRENT_DECODES)
        .min(total)
        .max(1);
    let show_progress = total >= PROGRESS_FROM_IMAGES || std::io::stderr().is_terminal();
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<(u32, u32), ImageError>>> =
        (0..total).map(|_| None).collect();
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let size = check_image(file);
                    if sender.send((i, size)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (done, (i, size)) in receiver.iter().enumerate() {
            results[i] = Some(size);
            if show_progress {
                say!(err, "decoded {}/{total} images", done + 1);
            }
        }
    });
    files
        .iter()
        .zip(results)
        .map(|(file, result)| {
            // A worker that panicked (a decoder bug not caught in the decoder) sent nothing.
            result.unwrap_or_else(|| {
                Err(ImageError::Corrupt {
                    path: file.clone(),
                    message: "the decoder failed on this data (internal decoder error)".into(),
                })
            })
        })
        .collect()
}

/// What looks wrong with footprints, "site S1, footprint F2: overlaps F3, ...". Outlines that
/// cannot be footprints at all are problems already and are not repeated here. Outlines are
/// checked against the reference image only when its size is known (`sizes`, from the files).
fn footprint_warnings(project: &Project, sizes: &HashMap<ImageId, (u32, u32)>) -> Vec<String> {
    let mut lines = Vec::new();
    for site in &project.sites {
        let extent = site_extent(site, sizes);
        let index = SiteIndex::build(site);
        for (footprint, warnings) in site_warnings(site, &index, extent.as_ref()) {
            for w in warnings {
                if !matches!(w, Warning::BadOutline { .. }) {
                    lines.push(format!("site {}, footprint {footprint}: {w}", site.id));
                }
            }
        }
    }
    lines
}

/// The site frame's extent: the reference image's outline in site coordinates (as the window
/// computes it), when its size is known.
fn site_extent(site: &Site, sizes: &HashMap<ImageId, (u32, u32)>) -> Option<BoundingBox> {
    let reference = site.image(site.reference_image?)?;
    let (w, h) = sizes.get(&reference.id)?;
    let (w, h) = (f64::from(*w), f64::from(*h));
    let corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
        .map(|(x, y)| reference.to_site.apply(Point::new(x, y)));
    Polygon(corners.to_vec()).bounding_box()
}
