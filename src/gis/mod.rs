//! GIS exchange, without egui: a site's footprints out as GeoJSON (RFC 7946, WGS 84 longitude
//! and latitude) or CSV with a WKT geometry column, and building outlines in from GeoJSON
//! (Microsoft's or OpenStreetMap's building footprints) or xBD label JSON, as a site's
//! reference layer ([`crate::model::ReferenceBuilding`]).
//!
//! Everything here works on text and values; reading and writing files (atomically) is the
//! caller's, so the window and the command line share one implementation and the tests need
//! no files.

mod export;
mod import;
pub mod wkt;

pub use export::{ExportFormat, ExportSummary, export_site};
pub use import::{ImportFormat, ImportedBuilding, ImportedLayer, Target, parse_import};

use crate::geo::{GeoError, SiteGeo};
use crate::io::image_decode::probe_image;
use crate::io::project_file::resolve_image_path;
use crate::io::regular_file::read_capped;
use crate::model::{BoundingBox, Point, Polygon, Site};
use std::path::{Path, PathBuf};

/// The foreign member that marks a file written in site pixels instead of longitude and
/// latitude (`--pixels`, for a site with no georeferencing).
pub const COORDINATES_MEMBER: &str = "sitediff:coordinates";
/// Its value.
pub const SITE_PIXELS: &str = "site pixels";

/// Why an export or an import could not be made; each names the file (and the feature) where
/// there is one.
#[derive(Debug, thiserror::Error)]
pub enum GisError {
    #[error(
        "site {site} \"{name}\" is not georeferenced (its reference image has no GeoTIFF or \
         world-file georeferencing), so its footprints have no longitude and latitude; export \
         them in site pixels with --pixels (File → Export in site pixels in the window)"
    )]
    NotGeoreferenced { site: String, name: String },
    #[error(
        "{}: the file is in longitude and latitude, but site {site} is not georeferenced, so \
         there is nowhere to put it; add a georeferenced image first",
        path.display()
    )]
    ImportNeedsGeoref { path: PathBuf, site: String },
    #[error("site {site}: its georeferencing cannot be used: {source}")]
    Georef { site: String, source: GeoError },
    #[error("{}: feature {index}: {reason}", path.display())]
    Feature {
        path: PathBuf,
        /// Counted from 0, as in the file's feature list.
        index: usize,
        reason: String,
    },
    #[error("{}: not valid JSON: {reason} (line {line}, column {column})", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        reason: String,
    },
    #[error(
        "{}: the crs member names `{name}`; sitediff reads GeoJSON in WGS 84 longitude and \
         latitude only (RFC 7946; CRS84 or EPSG:4326). Reproject it first, for example with \
         `ogr2ogr -t_srs EPSG:4326 out.geojson {}`",
        path.display(), path.display()
    )]
    UnsupportedCrs { path: PathBuf, name: String },
    #[error("{}: {reason}", path.display())]
    NotRecognized { path: PathBuf, reason: String },
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write CSV: {0}")]
    Csv(String),
}

/// The site's georeferencing, or `None` when it has none; an unusable one is an error.
pub fn site_geo(site: &Site) -> Result<Option<SiteGeo>, GisError> {
    SiteGeo::of_site(site)
        .transpose()
        .map_err(|source| GisError::Georef {
            site: site.id.to_string(),
            source,
        })
}

/// Where the site's reference image lies in site coordinates, from the image file's header
/// (`None` when the site has no reference image or its file cannot be read).
pub fn site_extent(project_file: &Path, site: &Site) -> Option<BoundingBox> {
    let reference = site.image(site.reference_image?)?;
    let info = probe_image(&resolve_image_path(project_file, &reference.path)).ok()?;
    let (w, h) = (f64::from(info.width), f64::from(info.height));
    Polygon::new(vec![
        Point::new(0.0, 0.0),
        Point::new(w, 0.0),
        Point::new(w, h),
        Point::new(0.0, h),
    ])
    .map(|p| reference.to_site.apply(p))
    .bounding_box()
}

/// The largest file read for an import (Microsoft's footprints of a whole US county are a
/// few hundred MB; split bigger ones).
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// Reads and parses a file to import into `target`'s site (format detected unless given).
pub fn import_file(
    path: &Path,
    format: Option<ImportFormat>,
    target: &Target<'_>,
) -> Result<ImportedLayer, GisError> {
    let read_err = |source| GisError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = read_capped(path, MAX_IMPORT_BYTES).map_err(read_err)?;
    let text = String::from_utf8(bytes).map_err(|e| GisError::NotRecognized {
        path: path.to_path_buf(),
        reason: format!(
            "not UTF-8 text (byte {}), so not JSON",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse_import(path, &text, format, target)
}

/// Rounds to a multiple of `step` (1e-9 degrees is about 0.1 mm on the ground).
fn round_to(v: f64, step: f64) -> f64 {
    (v / step).round() * step
}

#[cfg(test)]
mod tests;
