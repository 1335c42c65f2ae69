//! `export` and `import`: a site's footprints out as GeoJSON or CSV, and building outlines in
//! (GeoJSON, xBD labels) as the site's reference layer, through [`crate::gis`].

use super::grow::{commit, failed, find_site, open, refused};
use super::{Out, Stop};
use crate::editing::references::import_references;
use crate::gis::{
    ExportFormat, GisError, ImportFormat, Target, export_site, import_file, site_extent,
};
use crate::io::load_project;
use crate::io::project_file::write_atomically;
use crate::model::Site;
use std::path::Path;

/// `--format` of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    Geojson,
    Csv,
}

/// `--format` of `import` (detected from the content when not given).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormatArg {
    Geojson,
    Xbd,
}

/// Refusals are about the project (not georeferenced, a bad site); the rest are files.
fn stop(e: GisError) -> Stop {
    match e {
        GisError::NotGeoreferenced { .. }
        | GisError::ImportNeedsGeoref { .. }
        | GisError::Georef { .. } => Stop::Refused(e.to_string()),
        _ => Stop::Failed(e.to_string()),
    }
}

/// `export`: one site (or the only one) to `out`, written atomically.
pub fn export(
    path: &Path,
    format: ExportFormatArg,
    out_file: &Path,
    site_key: Option<&str>,
    pixels: bool,
    out: Out,
) -> Result<(), Stop> {
    let project = load_project(path).map_err(|e| Stop::Failed(e.to_string()))?;
    let site: &Site = match site_key {
        Some(key) => {
            let id =
                crate::editing::grow::find_site(&project, key).map_err(|e| refused(path, e))?;
            project
                .site(id)
                .ok_or_else(|| refused(path, "no such site"))?
        }
        None => match project.sites.as_slice() {
            [one] => one,
            sites => {
                return Err(refused(
                    path,
                    format!(
                        "the project has {} sites; name one with --site",
                        sites.len()
                    ),
                ));
            }
        },
    };
    let format = match format {
        ExportFormatArg::Geojson => ExportFormat::GeoJson,
        ExportFormatArg::Csv => ExportFormat::Csv,
    };
    let (text, summary) = export_site(site, format, pixels).map_err(stop)?;
    write_atomically(out_file, text.as_bytes(), false).map_err(|e| failed(out_file, e))?;
    say!(
        out,
        "{}: wrote {} footprint(s) of site {} \"{}\" in {}",
        out_file.display(),
        summary.footprints,
        site.id,
        site.name,
        if summary.lonlat {
            "WGS 84 longitude and latitude"
        } else {
            "site pixels"
        }
    );
    Ok(())
}

/// `import`: a file's building outlines become the site's reference buildings, one step,
/// saved atomically.
pub fn import(
    path: &Path,
    site_key: &str,
    file: &Path,
    format: Option<ImportFormatArg>,
    out: Out,
    err: Out,
) -> Result<(), Stop> {
    let mut doc = open(path)?;
    let site_id = find_site(&doc, site_key)?;
    let site = doc
        .project()
        .site(site_id)
        .ok_or_else(|| refused(path, "no such site"))?;
    let extent = site_extent(&doc.path, site);
    if extent.is_none() {
        say!(
            err,
            "warning: the reference image of site {site_id} cannot be read, so outlines outside \
             it cannot be told apart; all are imported"
        );
    }
    let format = format.map(|f| match f {
        ImportFormatArg::Geojson => ImportFormat::GeoJson,
        ImportFormatArg::Xbd => ImportFormat::Xbd,
    });
    let layer = import_file(file, format, &Target { site, extent }).map_err(stop)?;
    let op =
        import_references(site, &doc.project().next_ids, &layer).map_err(|e| refused(file, e))?;
    commit(&mut doc, op)?;
    let total = doc
        .project()
        .site(site_id)
        .map_or(0, |s| s.references.len());
    say!(
        out,
        "{}: imported {} reference building(s) from {} ({}) into site {site_id}; skipped {} \
         non-polygon feature(s) and {} outside the image; dropped {} hole(s); the site has {} \
         reference building(s)",
        path.display(),
        layer.buildings.len(),
        file.display(),
        layer.format.label(),
        layer.skipped_non_polygons,
        layer.skipped_outside,
        layer.holes_dropped,
        total
    );
    Ok(())
}
