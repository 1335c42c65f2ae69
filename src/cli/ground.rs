//! What `stats` and `validate` say about georeferencing: each image's CRS, pixel size and
//! ground footprint, a site's footprint areas in square metres, and georeferencing that cannot
//! be used.

use super::Out;
use crate::geo::{Crs, GroundInfo, SiteGeo, square_metres_text};
use crate::model::{ChangeKind, DatedImage, Project, Site};
use serde::Serialize;
use std::collections::BTreeMap;

/// An image on the ground, for `stats`.
#[derive(Serialize)]
pub struct ImageGround {
    /// "EPSG:32615 (utm, m)".
    pub crs: String,
    /// One pixel's sides in metres (along a row, along a column).
    pub pixel_size_m: (f64, f64),
    /// The image's sides on the ground in metres, when its size is known.
    pub footprint_m: Option<(f64, f64)>,
}

impl ImageGround {
    /// `None` for an image without usable georeferencing.
    pub fn of(image: &DatedImage, size: Option<(u32, u32)>) -> Option<ImageGround> {
        let georef = image.georef.as_ref()?;
        let (w, h) = size.unwrap_or((1, 1));
        let info = GroundInfo::of_image(georef, w, h).ok()?;
        Some(ImageGround {
            crs: info.crs,
            pixel_size_m: info.pixel_m,
            footprint_m: size.map(|_| info.footprint_m),
        })
    }

    /// "EPSG:32615 (utm, m), pixel 0.600 m × 0.674 m, footprint 614 m × 690 m".
    pub fn text(&self) -> String {
        let info = GroundInfo {
            crs: self.crs.clone(),
            pixel_m: self.pixel_size_m,
            footprint_m: self.footprint_m.unwrap_or_default(),
        };
        let mut text = format!("{}, pixel {}", info.crs, info.pixel_text());
        if self.footprint_m.is_some() {
            text.push_str(&format!(", footprint {}", info.footprint_text()));
        }
        text
    }
}

/// A site's footprint areas on the ground, for `stats`: only for a site whose reference image
/// is georeferenced.
#[derive(Serialize)]
pub struct SiteGround {
    pub crs: String,
    /// Sum of footprint areas in square metres (as `total_area`, after-outlines of
    /// renovations).
    pub total_area_m2: f64,
    /// The same per change kind.
    pub area_m2_by_kind: BTreeMap<String, f64>,
}

impl SiteGround {
    pub fn of(site: &Site) -> Option<SiteGround> {
        let ground = SiteGeo::of_site(site)?.ok()?;
        let mut by_kind: BTreeMap<String, f64> = ChangeKind::ALL
            .iter()
            .map(|k| (k.label().to_string(), 0.0))
            .collect();
        let mut total = 0.0;
        for f in &site.footprints {
            let outline = f.after_outline.as_ref().unwrap_or(&f.outline);
            let Some(area) = ground.area_m2(outline).ok().filter(|a| a.is_finite()) else {
                continue;
            };
            total += area;
            *by_kind.entry(f.kind.label().to_string()).or_default() += area;
        }
        Some(SiteGround {
            crs: ground.crs.describe(),
            total_area_m2: total,
            area_m2_by_kind: by_kind,
        })
    }

    pub fn say(&self, out: Out) {
        say!(
            out,
            "  total footprint area on the ground: {} ({})",
            square_metres_text(self.total_area_m2),
            self.crs
        );
        for (kind, area) in &self.area_m2_by_kind {
            say!(out, "    {kind:<11} {}", square_metres_text(*area));
        }
    }
}

/// Georeferencing that cannot be used: a transform that is not invertible is a problem; a CRS
/// sitediff cannot transform is a warning (a newer sitediff may know it), since areas then
/// stay in pixels.
pub fn georef_findings(project: &Project) -> (Vec<String>, Vec<String>) {
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    for site in &project.sites {
        for image in &site.images {
            let Some(georef) = &image.georef else {
                continue;
            };
            let at = format!("site {}, image {}", site.id, image.id);
            if !georef.pixel_to_map.is_usable() {
                problems.push(format!(
                    "{at}: its georeferencing cannot be inverted (a pixel of zero size or a \
                     number that is not finite)"
                ));
            }
            if let Err(e) = Crs::from_epsg(georef.epsg) {
                warnings.push(format!(
                    "{at}: georeferenced in {e}; its areas and lengths stay in pixels"
                ));
            }
        }
    }
    (problems, warnings)
}
