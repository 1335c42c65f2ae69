//! Map coordinates, no egui: coordinate reference systems by EPSG code (through `proj4rs`),
//! longitude and latitude, lengths and areas on the ground. A site is on the ground when its
//! reference image is georeferenced; [`SiteGeo`] carries site pixels to map coordinates and to
//! WGS 84 and back.

use crate::model::{Affine, Georef, Point, Polygon, Site};
use proj4rs::proj::Proj;

pub mod ground;
pub mod register;

pub use ground::{GroundInfo, metres_text, scale_bar_metres, square_metres_text};
pub use register::{GeoRegistration, register_by_georef};

/// Why a position could not be put on the ground.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error(
        "EPSG:{0} is not a coordinate system sitediff knows (it knows the EPSG codes of the \
         crs-definitions table: UTM zones, national grids, WGS 84 and most others)"
    )]
    UnknownCrs(u32),
    #[error("EPSG:{epsg}: cannot transform ({x}, {y}): {reason}")]
    Transform {
        epsg: u32,
        x: f64,
        y: f64,
        reason: String,
    },
    #[error("the georeferencing cannot be inverted (a pixel of zero size)")]
    Singular,
}

/// A coordinate reference system.
pub struct Crs {
    epsg: u32,
    proj: Proj,
    /// WGS 84, parsed once: parsing it per point made exporting 10 000 footprints take seconds.
    wgs84: Proj,
}

/// WGS 84 longitude and latitude, the pivot of every transform (GeoJSON's CRS).
fn wgs84() -> Proj {
    // A constant PROJ string: parsing it cannot fail.
    Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").expect("the WGS 84 definition")
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EPSG:{}", self.epsg)
    }
}

impl Crs {
    /// The CRS of an EPSG code, or why not.
    pub fn from_epsg(epsg: u32) -> Result<Crs, GeoError> {
        let code = u16::try_from(epsg).map_err(|_| GeoError::UnknownCrs(epsg))?;
        let proj = Proj::from_epsg_code(code).map_err(|_| GeoError::UnknownCrs(epsg))?;
        Ok(Crs {
            epsg,
            proj,
            wgs84: wgs84(),
        })
    }

    pub fn epsg(&self) -> u32 {
        self.epsg
    }

    /// Longitude and latitude in degrees (a geographic CRS), not metres on a projection.
    pub fn is_geographic(&self) -> bool {
        self.proj.is_latlong()
    }

    /// Metres per CRS unit of a projected CRS (1 for metres, 0.3048 for feet).
    pub fn metres_per_unit(&self) -> f64 {
        self.proj.to_meter()
    }

    /// A name for people: "EPSG:32615 (utm, m)".
    pub fn describe(&self) -> String {
        let units = if self.is_geographic() {
            "degrees"
        } else {
            self.proj.units()
        };
        format!("EPSG:{} ({}, {units})", self.epsg, self.proj.projname())
    }

    fn error(&self, p: Point, reason: impl std::fmt::Display) -> GeoError {
        GeoError::Transform {
            epsg: self.epsg,
            x: p.x,
            y: p.y,
            reason: reason.to_string(),
        }
    }

    /// WGS 84 longitude and latitude (degrees) of a point in this CRS.
    pub fn to_lonlat(&self, p: Point) -> Result<(f64, f64), GeoError> {
        let mut xyz = if self.is_geographic() {
            (p.x.to_radians(), p.y.to_radians(), 0.0)
        } else {
            (p.x, p.y, 0.0)
        };
        proj4rs::transform::transform(&self.proj, &self.wgs84, &mut xyz)
            .map_err(|e| self.error(p, e))?;
        let (lon, lat) = (xyz.0.to_degrees(), xyz.1.to_degrees());
        if lon.is_finite() && lat.is_finite() {
            Ok((lon, lat))
        } else {
            Err(self.error(p, "outside the projection's range"))
        }
    }

    /// The point of this CRS at a WGS 84 longitude and latitude (degrees).
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> Result<Point, GeoError> {
        let mut xyz = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs84, &self.proj, &mut xyz)
            .map_err(|e| self.error(Point::new(lon, lat), e))?;
        let p = if self.is_geographic() {
            Point::new(xyz.0.to_degrees(), xyz.1.to_degrees())
        } else {
            Point::new(xyz.0, xyz.1)
        };
        if p.x.is_finite() && p.y.is_finite() {
            Ok(p)
        } else {
            Err(self.error(Point::new(lon, lat), "outside the projection's range"))
        }
    }
}

/// Parses a CRS as people type it: `EPSG:32615` or `32615`, refused unless sitediff can
/// transform it (`--crs`, and the window's add-images dialog).
pub fn parse_crs(arg: &str) -> Result<u32, String> {
    let t = arg.trim();
    let digits = match t.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("EPSG:") => &t[5..],
        _ => t,
    };
    let epsg = digits
        .parse::<u32>()
        .map_err(|_| format!("`{arg}` is not a CRS; expected EPSG:CODE, e.g. EPSG:32615"))?;
    Crs::from_epsg(epsg).map_err(|e| e.to_string())?;
    Ok(epsg)
}

/// A site on the ground: its frame (the reference image's pixels) in map coordinates.
#[derive(Debug)]
pub struct SiteGeo {
    pub crs: Crs,
    /// Site pixels to map coordinates.
    pub site_to_map: Affine,
    map_to_site: Affine,
}

impl SiteGeo {
    /// The site's georeferencing: `None` when its reference image has none, `Err` when it
    /// cannot be used (an unknown CRS, a singular transform).
    pub fn of_site(site: &Site) -> Option<Result<SiteGeo, GeoError>> {
        let reference = site.reference_image.and_then(|id| site.image(id))?;
        let georef = reference.georef.as_ref()?;
        Some((|| {
            let crs = Crs::from_epsg(georef.epsg)?;
            let site_to_pixel = reference.to_site.inverse().ok_or(GeoError::Singular)?;
            let site_to_map = georef.pixel_to_map.then_after(&site_to_pixel);
            let map_to_site = site_to_map.inverse().ok_or(GeoError::Singular)?;
            Ok(SiteGeo {
                crs,
                site_to_map,
                map_to_site,
            })
        })())
    }

    /// One image on the ground by itself, its pixels standing for site pixels: for measuring
    /// an image before it belongs to a site.
    pub fn of_image(georef: &Georef) -> Result<SiteGeo, GeoError> {
        let crs = Crs::from_epsg(georef.epsg)?;
        let map_to_site = georef.pixel_to_map.inverse().ok_or(GeoError::Singular)?;
        Ok(SiteGeo {
            crs,
            site_to_map: georef.pixel_to_map,
            map_to_site,
        })
    }

    pub fn site_to_map(&self, p: Point) -> Point {
        self.site_to_map.apply(p)
    }

    pub fn map_to_site(&self, p: Point) -> Point {
        self.map_to_site.apply(p)
    }

    /// WGS 84 longitude and latitude of a site point.
    pub fn site_to_lonlat(&self, p: Point) -> Result<(f64, f64), GeoError> {
        self.crs.to_lonlat(self.site_to_map(p))
    }

    /// The site point at a WGS 84 longitude and latitude.
    pub fn lonlat_to_site(&self, lon: f64, lat: f64) -> Result<Point, GeoError> {
        Ok(self.map_to_site(self.crs.from_lonlat(lon, lat)?))
    }

    /// The area of an outline on the ground in square metres: planar in a projected CRS (as GIS
    /// report it), geodesic on the WGS 84 ellipsoid in a geographic one.
    pub fn area_m2(&self, outline: &Polygon) -> Result<f64, GeoError> {
        if self.crs.is_geographic() {
            let g = proj4rs_geodesic::Geodesic::wgs84();
            let mut lat_lon = Vec::with_capacity(outline.len());
            for p in outline.points() {
                let (lon, lat) = self.site_to_lonlat(*p)?;
                lat_lon.push((lat, lon));
            }
            let (area, _) = g.polygon_area(lat_lon);
            Ok(area.abs())
        } else {
            let unit = self.crs.metres_per_unit();
            let scale = self.site_to_map.determinant().abs() * unit * unit;
            Ok(outline.area() * scale)
        }
    }

    /// The distance between two site points on the ground in metres.
    pub fn length_m(&self, a: Point, b: Point) -> Result<f64, GeoError> {
        if self.crs.is_geographic() {
            let (lon1, lat1) = self.site_to_lonlat(a)?;
            let (lon2, lat2) = self.site_to_lonlat(b)?;
            let (m, _, _) = proj4rs_geodesic::Geodesic::wgs84().inverse(lat1, lon1, lat2, lon2);
            Ok(m)
        } else {
            Ok(self.site_to_map(a).distance(self.site_to_map(b)) * self.crs.metres_per_unit())
        }
    }

    /// About how many metres one site pixel spans near `at` (the mean of its two sides): for
    /// scale bars and residuals in metres.
    pub fn metres_per_site_pixel(&self, at: Point) -> Result<f64, GeoError> {
        let east = self.length_m(at, Point::new(at.x + 1.0, at.y))?;
        let south = self.length_m(at, Point::new(at.x, at.y + 1.0))?;
        Ok((east + south) / 2.0)
    }
}

#[cfg(test)]
mod tests;

/// Test fixtures shared by the georeferencing tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::model::{Affine, Georef, GeorefSource};

    /// 0.6 m x 0.674 m pixels (the Joplin chips) in UTM zone 15N, north up.
    pub fn joplin_like() -> Affine {
        Affine {
            xx: 0.6,
            xy: 0.0,
            tx: 360_000.0,
            yx: 0.0,
            yy: -0.674,
            ty: 4_104_000.0,
        }
    }

    /// A GeoTIFF's georeferencing in `epsg`.
    pub fn georef(epsg: u32, pixel_to_map: Affine) -> Georef {
        Georef {
            epsg,
            pixel_to_map,
            source: GeorefSource::GeoTiff,
        }
    }
}
