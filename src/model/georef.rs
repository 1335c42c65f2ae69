//! Where an image lies on the ground: its pixel grid in a coordinate reference system, as read
//! from a GeoTIFF or a world file.

use super::geometry::Point;
use super::transform::Affine;
use serde::{Deserialize, Serialize};

/// An image's georeferencing: pixel coordinates to map coordinates in a CRS named by its EPSG
/// code. Pixel coordinates are those of the whole project: `(0, 0)` is the top-left corner of
/// the top-left pixel, `(1, 1)` its bottom-right corner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Georef {
    /// The CRS, as an EPSG code (32615: WGS 84 / UTM zone 15N; 4326: WGS 84 longitude and
    /// latitude).
    pub epsg: u32,
    /// Image pixel to map coordinates (x east or longitude, y north or latitude), in the CRS's
    /// units.
    pub pixel_to_map: Affine,
    /// Where it came from.
    #[serde(default)]
    pub source: GeorefSource,
}

/// How an image's georeferencing was found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GeorefSource {
    /// The image's own GeoTIFF tags.
    #[default]
    GeoTiff,
    /// A world file beside the image (`.pgw`, `.jgw`, `.tfw`, `.wld`), its CRS given by the
    /// user.
    WorldFile,
}

impl Georef {
    /// The map coordinates of an image pixel position.
    pub fn pixel_to_map(&self, p: Point) -> Point {
        self.pixel_to_map.apply(p)
    }

    /// The size of one pixel in CRS units along the image's columns and rows (they differ for
    /// non-square pixels).
    pub fn pixel_size(&self) -> (f64, f64) {
        let a = &self.pixel_to_map;
        (a.xx.hypot(a.yx), a.xy.hypot(a.yy))
    }
}
