//! Words and numbers for people about where things lie on the ground: an image's CRS, pixel
//! size and footprint, lengths and areas in metres, and the round lengths of scale bars. Used by
//! the command line and the window alike.

use super::{GeoError, SiteGeo};
use crate::model::{Georef, Point};

/// An image's georeferencing as people read it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroundInfo {
    /// "EPSG:32615 (utm, m)".
    pub crs: String,
    /// One pixel's sides on the ground in metres (along a row, along a column).
    pub pixel_m: (f64, f64),
    /// The whole image's sides on the ground in metres (width, height).
    pub footprint_m: (f64, f64),
}

impl GroundInfo {
    /// Measured at the image's centre (in a geographic CRS, on the ellipsoid).
    pub fn of_image(georef: &Georef, width: u32, height: u32) -> Result<GroundInfo, GeoError> {
        let ground = SiteGeo::of_image(georef)?;
        let (w, h) = (f64::from(width), f64::from(height));
        let c = Point::new(w / 2.0, h / 2.0);
        Ok(GroundInfo {
            crs: ground.crs.describe(),
            pixel_m: (
                ground.length_m(c, Point::new(c.x + 1.0, c.y))?,
                ground.length_m(c, Point::new(c.x, c.y + 1.0))?,
            ),
            footprint_m: (
                ground.length_m(Point::new(0.0, c.y), Point::new(w, c.y))?,
                ground.length_m(Point::new(c.x, 0.0), Point::new(c.x, h))?,
            ),
        })
    }

    /// "0.600 m × 0.674 m".
    pub fn pixel_text(&self) -> String {
        format!("{:.3} m × {:.3} m", self.pixel_m.0, self.pixel_m.1)
    }

    /// "614 m × 690 m".
    pub fn footprint_text(&self) -> String {
        format!(
            "{} × {}",
            metres_text(self.footprint_m.0),
            metres_text(self.footprint_m.1)
        )
    }
}

/// A length for people: "0.62 m", "614 m", "12.3 km".
pub fn metres_text(m: f64) -> String {
    if m >= 10_000.0 {
        format!("{:.1} km", m / 1000.0)
    } else if m >= 100.0 {
        format!("{m:.0} m")
    } else if m >= 10.0 {
        format!("{m:.1} m")
    } else {
        format!("{m:.2} m")
    }
}

/// An area for people: "152.3 m²", "12.4 ha" from 100 000 m² up.
pub fn square_metres_text(m2: f64) -> String {
    if m2 >= 100_000.0 {
        format!("{:.1} ha", m2 / 10_000.0)
    } else {
        format!("{m2:.1} m²")
    }
}

/// The longest round length (1, 2 or 5 × 10ⁿ metres) no longer than `max_m`: a scale bar's.
/// `None` for a length that is not positive and finite.
pub fn scale_bar_metres(max_m: f64) -> Option<f64> {
    if !(max_m.is_finite() && max_m > 0.0) {
        return None;
    }
    let decade = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * decade)
        .find(|len| *len <= max_m * (1.0 + 1e-9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joplin_chip_reads_as_its_pixel_size_and_ground_footprint() {
        let g = crate::geo::fixtures::georef(32615, crate::geo::fixtures::joplin_like());
        let info = GroundInfo::of_image(&g, 1024, 1024).unwrap();
        assert_eq!(info.pixel_text(), "0.600 m × 0.674 m");
        assert_eq!(info.footprint_text(), "614 m × 690 m");
        assert!(info.crs.starts_with("EPSG:32615"), "{}", info.crs);
    }

    #[test]
    fn scale_bars_take_round_lengths() {
        assert_eq!(scale_bar_metres(180.0), Some(100.0));
        assert_eq!(scale_bar_metres(260.0), Some(200.0));
        assert_eq!(scale_bar_metres(5.0), Some(5.0));
        assert_eq!(scale_bar_metres(0.7), Some(0.5));
        assert_eq!(scale_bar_metres(0.0), None);
        assert_eq!(scale_bar_metres(f64::NAN), None);
    }

    #[test]
    fn lengths_and_areas_read_in_fitting_units() {
        assert_eq!(metres_text(0.6), "0.60 m");
        assert_eq!(metres_text(614.4), "614 m");
        assert_eq!(metres_text(12_345.0), "12.3 km");
        assert_eq!(square_metres_text(152.25), "152.2 m²");
        assert_eq!(square_metres_text(250_000.0), "25.0 ha");
    }
}
