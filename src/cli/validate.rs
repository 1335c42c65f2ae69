//! `validate`: problems (the project is wrong: exit 1) and warnings (something looks wrong with
//! a footprint but the project is sound: printed, exit code unchanged).

use super::{Out, load_or_report};
use crate::editing::index::SiteIndex;
use crate::editing::warnings::{Warning, site_warnings};
use crate::io::image_decode::probe_image;
use crate::io::project_file::resolve_image_path;
use crate::model::{BoundingBox, ImageId, Point, Polygon, Project, Site, validate};
use std::collections::HashMap;
use std::path::PathBuf;

pub fn cmd_validate(paths: &[PathBuf], check_files: bool, out: Out, err: Out) -> u8 {
    let mut code = 0;
    for path in paths {
        let Some(project) = load_or_report(path, err) else {
            code = 2;
            continue;
        };
        let mut problems: Vec<String> = validate(&project).iter().map(|p| p.to_string()).collect();
        // Image sizes, read once for the file check and again for the site extents.
        let mut sizes: HashMap<ImageId, (u32, u32)> = HashMap::new();
        if check_files {
            for (site, img) in project.all_images() {
                let file = resolve_image_path(path, &img.path);
                match probe_image(&file) {
                    Ok(info) => {
                        sizes.insert(img.id, (info.width, info.height));
                    }
                    Err(e) => problems.push(format!("site {}, image {}: {e}", site.id, img.id)),
                }
            }
        }
        let warnings = footprint_warnings(&project, &sizes);
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
