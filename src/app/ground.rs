//! The current site on the ground, for the window: its [`SiteGeo`] and its footprints' areas in
//! square metres, derived from the document and rebuilt only when the revision or the site
//! changes (never saved), so no frame builds a projection per footprint.

use crate::editing::Document;
use crate::geo::{GroundInfo, SiteGeo, metres_text, square_metres_text};
use crate::model::{Affine, DatedImage, Footprint, FootprintId, Georef, Point, Polygon, SiteId};
use std::collections::HashMap;

/// What a site's place on the ground follows from: the site, and its reference image's
/// georeferencing and transform into the site.
type GroundDefinition = (SiteId, Option<(Option<Georef>, Affine)>);

/// The current site's georeferencing and what follows from it.
#[derive(Default)]
pub struct GroundCache {
    key: Option<(u64, SiteId)>,
    /// What `geo` was built from: the site and its reference image's georeferencing.
    definition: Option<GroundDefinition>,
    /// The site on the ground; `None` when its reference image is not georeferenced or the
    /// georeferencing cannot be used (then `problem` says why).
    pub geo: Option<SiteGeo>,
    /// Why a georeferenced site is not on the ground (an unknown CRS).
    pub problem: Option<String>,
    /// Each footprint's area in square metres (after-outlines of renovations, as the stats).
    areas_m2: HashMap<FootprintId, f64>,
}

impl GroundCache {
    /// Brings the cache up to date with `site` of `doc`.
    pub fn sync(&mut self, doc: &Document, site: Option<SiteId>) {
        let Some(site) = site.and_then(|id| doc.project().site(id)) else {
            *self = GroundCache::default();
            return;
        };
        let key = (doc.revision(), site.id);
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        // The projection is rebuilt only when the site or its reference's georeferencing
        // changed.
        let definition = (
            site.id,
            site.reference_image
                .and_then(|id| site.image(id))
                .map(|r| (r.georef.clone(), r.to_site)),
        );
        if self.definition.as_ref() != Some(&definition) {
            self.definition = Some(definition);
            match SiteGeo::of_site(site) {
                Some(Ok(g)) => (self.geo, self.problem) = (Some(g), None),
                Some(Err(e)) => (self.geo, self.problem) = (None, Some(e.to_string())),
                None => (self.geo, self.problem) = (None, None),
            }
        }
        self.areas_m2.clear();
        if let Some(geo) = &self.geo {
            for f in &site.footprints {
                let outline = f.after_outline.as_ref().unwrap_or(&f.outline);
                if let Ok(a) = geo.area_m2(outline) {
                    self.areas_m2.insert(f.id, a);
                }
            }
        }
    }

    /// A footprint's area on the ground ("152.3 m²"), when the site is on the ground.
    pub fn area_text(&self, footprint: &Footprint) -> Option<String> {
        self.areas_m2
            .get(&footprint.id)
            .map(|a| square_metres_text(*a))
    }

    /// An outline's area and perimeter on the ground: "152.3 m², 49.6 m".
    pub fn outline_text(&self, outline: &Polygon) -> Option<(String, String)> {
        let geo = self.geo.as_ref()?;
        let area = geo.area_m2(outline).ok()?;
        let points = outline.points();
        let mut perimeter = 0.0;
        for (i, a) in points.iter().enumerate() {
            let b = points[(i + 1) % points.len()];
            perimeter += geo.length_m(*a, b).ok()?;
        }
        Some((square_metres_text(area), metres_text(perimeter)))
    }

    /// Map coordinates of a site point for the status bar: "E 366 676.2  N 4 104 257.1 m" in a
    /// projected CRS, "lon −94.49640  lat 37.07200" in a geographic one.
    pub fn map_text(&self, p: Point) -> Option<String> {
        let geo = self.geo.as_ref()?;
        let m = geo.site_to_map(p);
        Some(if geo.crs.is_geographic() {
            format!("lon {:>10.5}  lat {:>9.5}", m.x, m.y)
        } else {
            format!("E {:>10.1}  N {:>11.1} m", m.x, m.y)
        })
    }
}

/// An image's georeferencing for its info tooltip: CRS, pixel size, footprint on the ground.
/// Builds a projection: call it on hover, not every frame.
pub fn image_ground_text(image: &DatedImage, size: Option<(u32, u32)>) -> Option<String> {
    let georef = image.georef.as_ref()?;
    let (w, h) = size.unwrap_or((1, 1));
    Some(match GroundInfo::of_image(georef, w, h) {
        Ok(info) => {
            let mut text = format!("{}\npixel {}", info.crs, info.pixel_text());
            if size.is_some() {
                text.push_str(&format!("\nfootprint {}", info.footprint_text()));
            }
            text
        }
        Err(e) => format!("georeferenced, but: {e}"),
    })
}
