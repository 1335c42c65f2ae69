//! Automatic registration: an image whose georeferencing is known is placed in its site's frame
//! through its own georeferencing and the reference image's, so images on different pixel grids
//! (other resolution, other extent, even another CRS) line up without tie points.

use super::{Crs, GeoError};
use crate::model::registration::{TiePoint, fit_affine};
use crate::model::{Affine, Georef, Point};

/// Points per side of the grid through which a transform between two CRSs is fitted.
const FIT_GRID: usize = 5;

/// An image's transform into the site frame, found from georeferencing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoRegistration {
    /// Image pixels to site pixels.
    pub to_site: Affine,
    /// The largest distance, in site pixels, between the fitted transform and the exact CRS
    /// transform on the fitting grid (0 for images in the same CRS, where it is exact).
    pub max_error_px: f64,
    /// The two images are in the same CRS: the transform is exact.
    pub exact: bool,
}

/// Image pixels to site pixels for an image georeferenced by `image`, in a site whose
/// reference image is georeferenced by `reference` and maps into the site by
/// `reference_to_site`. `size` (width, height in pixels) bounds the grid through which a
/// transform between two CRSs is fitted.
///
/// `to_site = reference_to_site ∘ inverse(reference map) ∘ (image CRS → reference CRS) ∘
/// image map`: exact when both CRSs are the same, else a least-squares affine fit.
pub fn register_by_georef(
    reference: &Georef,
    reference_to_site: &Affine,
    image: &Georef,
    size: (u32, u32),
) -> Result<GeoRegistration, GeoError> {
    let map_to_reference = reference.pixel_to_map.inverse().ok_or(GeoError::Singular)?;
    let map_to_site = reference_to_site.then_after(&map_to_reference);
    if reference.epsg == image.epsg {
        let to_site = map_to_site.then_after(&image.pixel_to_map);
        if !to_site.is_usable() {
            return Err(GeoError::Singular);
        }
        return Ok(GeoRegistration {
            to_site,
            max_error_px: 0.0,
            exact: true,
        });
    }
    let from = Crs::from_epsg(image.epsg)?;
    let to = Crs::from_epsg(reference.epsg)?;
    let (w, h) = (f64::from(size.0.max(1)), f64::from(size.1.max(1)));
    let mut pairs = Vec::with_capacity(FIT_GRID * FIT_GRID);
    for row in 0..FIT_GRID {
        for col in 0..FIT_GRID {
            let step = (FIT_GRID - 1) as f64;
            let pixel = Point::new(w * col as f64 / step, h * row as f64 / step);
            let (lon, lat) = from.to_lonlat(image.pixel_to_map(pixel))?;
            let site = map_to_site.apply(to.from_lonlat(lon, lat)?);
            pairs.push(TiePoint { image: pixel, site });
        }
    }
    // The same least-squares fit as tie points clicked by hand, through a grid of points.
    let fit = fit_affine(&pairs).map_err(|_| GeoError::Singular)?;
    Ok(GeoRegistration {
        to_site: fit.to_site,
        max_error_px: fit.worst_residual(),
        exact: false,
    })
}

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
