//! Building outlines in: GeoJSON (FeatureCollection, Feature or a bare geometry; Polygon and
//! MultiPolygon, each part one building; holes dropped and counted; other geometries skipped
//! and counted) and xBD label JSON (`features.xy`: WKT polygons in the pixels of the image
//! the label belongs to, damage in `subtype`).
//!
//! Outlines come out in site coordinates. A building entirely outside the site's reference
//! image is skipped and counted; one that reaches outside is kept.

use super::wkt::{Rings, WktError, parse_polygons};
use super::{COORDINATES_MEMBER, GisError, SITE_PIXELS, site_geo};
use crate::geo::SiteGeo;
use crate::model::{Affine, BoundingBox, Point, Polygon, Site};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which kind of file; detected from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    GeoJson,
    Xbd,
}

impl ImportFormat {
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::GeoJson => "GeoJSON",
            ImportFormat::Xbd => "xBD labels",
        }
    }
}

/// Where the outlines go: a site, and how far its reference image reaches (`None`: not known,
/// nothing is skipped as outside).
pub struct Target<'a> {
    pub site: &'a Site,
    pub extent: Option<BoundingBox>,
}

/// One building read from the file, in site coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedBuilding {
    pub outline: Polygon,
    pub attributes: BTreeMap<String, String>,
}

/// What a file held.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedLayer {
    pub format: ImportFormat,
    /// The file's name, for the references' `source`.
    pub source: String,
    pub buildings: Vec<ImportedBuilding>,
    /// Features whose geometry is not a polygon (points, lines, none).
    pub skipped_non_polygons: usize,
    /// Buildings entirely outside the site's reference image.
    pub skipped_outside: usize,
    /// Holes of polygons, dropped (a reference is its outer ring).
    pub holes_dropped: usize,
}

/// Reads a GeoJSON or xBD file's text into outlines in `target`'s site coordinates.
pub fn parse_import(
    path: &Path,
    text: &str,
    format: Option<ImportFormat>,
    target: &Target<'_>,
) -> Result<ImportedLayer, GisError> {
    let root: Value = serde_json::from_str(text).map_err(|e| GisError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        reason: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or("")
            .to_string(),
    })?;
    let format = match format {
        Some(f) => f,
        None => detect(&root).ok_or_else(|| GisError::NotRecognized {
            path: path.to_path_buf(),
            reason: "neither GeoJSON (no \"type\": \"FeatureCollection\", \"Feature\", \
                     \"Polygon\" or \"MultiPolygon\") nor xBD labels (no \"features\": \
                     {\"xy\": [...]})"
                .into(),
        })?,
    };
    let mut layer = ImportedLayer {
        format,
        source: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        buildings: Vec::new(),
        skipped_non_polygons: 0,
        skipped_outside: 0,
        holes_dropped: 0,
    };
    let mut reader = Reader {
        path,
        target,
        layer: &mut layer,
    };
    match format {
        ImportFormat::GeoJson => reader.geojson(&root)?,
        ImportFormat::Xbd => reader.xbd(&root)?,
    }
    Ok(layer)
}

fn detect(root: &Value) -> Option<ImportFormat> {
    if root.pointer("/features/xy").is_some_and(Value::is_array) {
        return Some(ImportFormat::Xbd);
    }
    match root.get("type")?.as_str()? {
        "FeatureCollection" | "Feature" | "Polygon" | "MultiPolygon" | "GeometryCollection" => {
            Some(ImportFormat::GeoJson)
        }
        _ => None,
    }
}

struct Reader<'a> {
    path: &'a Path,
    target: &'a Target<'a>,
    layer: &'a mut ImportedLayer,
}

impl Reader<'_> {
    fn feature_error(&self, index: usize, reason: impl Into<String>) -> GisError {
        GisError::Feature {
            path: self.path.to_path_buf(),
            index,
            reason: reason.into(),
        }
    }

    fn path_buf(&self) -> PathBuf {
        self.path.to_path_buf()
    }

    /// Keeps each part's outer ring that reaches into the site, with the feature's attributes.
    fn add_parts(
        &mut self,
        index: usize,
        parts: Vec<Rings>,
        to_site: &dyn Fn(Point) -> Result<Point, String>,
        attributes: &BTreeMap<String, String>,
    ) -> Result<(), GisError> {
        for mut rings in parts {
            if rings.is_empty() {
                return Err(self.feature_error(index, "a polygon with no rings"));
            }
            self.layer.holes_dropped += rings.len() - 1;
            let mut outer = rings.swap_remove(0);
            if outer.len() > 1 && outer.first() == outer.last() {
                outer.pop();
            }
            let outline = outer
                .into_iter()
                .map(to_site)
                .collect::<Result<Vec<_>, _>>()
                .map(Polygon::new)
                .map_err(|e| self.feature_error(index, e))?;
            if outline.distinct_vertex_count() < 3 {
                return Err(self.feature_error(
                    index,
                    format!(
                        "a polygon needs at least 3 distinct corners; this one has {}",
                        outline.distinct_vertex_count()
                    ),
                ));
            }
            let inside = match (self.target.extent, outline.bounding_box()) {
                (Some(extent), Some(b)) => extent.intersects(&b),
                _ => true,
            };
            if !inside {
                self.layer.skipped_outside += 1;
                continue;
            }
            self.layer.buildings.push(ImportedBuilding {
                outline,
                attributes: attributes.clone(),
            });
        }
        Ok(())
    }

    fn geojson(&mut self, root: &Value) -> Result<(), GisError> {
        if let Some(crs) = root.get("crs") {
            let name = crs
                .pointer("/properties/name")
                .and_then(Value::as_str)
                .unwrap_or("an unreadable crs member");
            let wgs84 = ["CRS84", "EPSG::4326", "EPSG:4326"];
            if !wgs84.iter().any(|w| name.to_ascii_uppercase().ends_with(w)) {
                return Err(GisError::UnsupportedCrs {
                    path: self.path_buf(),
                    name: name.to_string(),
                });
            }
        }
        let pixels = root.get(COORDINATES_MEMBER).and_then(Value::as_str) == Some(SITE_PIXELS);
        let geo = if pixels {
            None
        } else {
            Some(
                site_geo(self.target.site)?.ok_or_else(|| GisError::ImportNeedsGeoref {
                    path: self.path_buf(),
                    site: self.target.site.id.to_string(),
                })?,
            )
        };
        let to_site = |p: Point| -> Result<Point, String> {
            match &geo {
                None => Ok(p),
                Some(g) => lonlat_to_site(g, p),
            }
        };
        let features: Vec<&Value> = match root.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => root
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| GisError::NotRecognized {
                    path: self.path_buf(),
                    reason: "a FeatureCollection without a \"features\" list".into(),
                })?
                .iter()
                .collect(),
            _ => vec![root],
        };
        for (index, feature) in features.into_iter().enumerate() {
            let (geometry, properties) = match feature.get("type").and_then(Value::as_str) {
                Some("Feature") => (feature.get("geometry"), feature.get("properties")),
                _ => (Some(feature), None),
            };
            let attributes = attributes_of(properties);
            let parts = match geometry {
                None | Some(Value::Null) => None,
                Some(g) => geojson_parts(g).map_err(|e| self.feature_error(index, e))?,
            };
            match parts {
                Some(parts) => self.add_parts(index, parts, &to_site, &attributes)?,
                None => self.layer.skipped_non_polygons += 1,
            }
        }
        Ok(())
    }

    fn xbd(&mut self, root: &Value) -> Result<(), GisError> {
        let features = root
            .pointer("/features/xy")
            .and_then(Value::as_array)
            .ok_or_else(|| GisError::NotRecognized {
                path: self.path_buf(),
                reason: "xBD labels need \"features\": {\"xy\": [...]}".into(),
            })?;
        // The pixels are those of the image the label belongs to (metadata.img_name) when the
        // site has it, else of the site's reference image.
        let site = self.target.site;
        let img_name = root.pointer("/metadata/img_name").and_then(Value::as_str);
        let image = img_name
            .and_then(|n| site.images.iter().find(|i| i.file_name() == n))
            .or_else(|| site.reference_image.and_then(|id| site.image(id)));
        let to_site: Affine = image.map_or(Affine::IDENTITY, |i| i.to_site);
        let to_site = |p: Point| -> Result<Point, String> { Ok(to_site.apply(p)) };
        for (index, feature) in features.iter().enumerate() {
            let attributes = attributes_of(feature.get("properties"));
            let Some(wkt) = feature.get("wkt").and_then(Value::as_str) else {
                return Err(self.feature_error(index, "no \"wkt\" text"));
            };
            match parse_polygons(wkt) {
                Ok(parts) => self.add_parts(index, parts, &to_site, &attributes)?,
                Err(WktError::NotAPolygon(_)) => self.layer.skipped_non_polygons += 1,
                Err(e) => return Err(self.feature_error(index, e.to_string())),
            }
        }
        Ok(())
    }
}

fn lonlat_to_site(g: &SiteGeo, p: Point) -> Result<Point, String> {
    if !(-180.0..=180.0).contains(&p.x) || !(-90.0..=90.0).contains(&p.y) {
        return Err(format!(
            "({}, {}) is not a longitude and latitude in degrees",
            p.x, p.y
        ));
    }
    g.lonlat_to_site(p.x, p.y).map_err(|e| e.to_string())
}

/// A feature's properties as text: strings as they are, other values as JSON.
fn attributes_of(properties: Option<&Value>) -> BTreeMap<String, String> {
    properties
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The polygons of a GeoJSON geometry: `None` for other types (skipped and counted), an
/// error for a polygon whose coordinates are not what RFC 7946 says.
fn geojson_parts(geometry: &Value) -> Result<Option<Vec<Rings>>, String> {
    let kind = geometry.get("type").and_then(Value::as_str);
    let coords = geometry.get("coordinates");
    match kind {
        Some("Polygon") => Ok(Some(vec![polygon(coords)?])),
        Some("MultiPolygon") => {
            let parts = coords
                .and_then(Value::as_array)
                .ok_or("a MultiPolygon's coordinates are not a list of polygons")?;
            parts
                .iter()
                .map(|p| polygon(Some(p)))
                .collect::<Result<Vec<_>, _>>()
                .map(Some)
        }
        Some(_) => Ok(None),
        None => Err("a geometry without a \"type\"".into()),
    }
}

fn polygon(coords: Option<&Value>) -> Result<Rings, String> {
    let rings = coords
        .and_then(Value::as_array)
        .ok_or("a Polygon's coordinates are not a list of rings")?;
    rings
        .iter()
        .map(|ring| {
            ring.as_array()
                .ok_or_else(|| "a ring is not a list of positions".to_string())?
                .iter()
                .map(position)
                .collect()
        })
        .collect()
}

fn position(v: &Value) -> Result<Point, String> {
    let xy = v.as_array().filter(|a| a.len() >= 2);
    let num = |i: usize| xy.and_then(|a| a[i].as_f64()).filter(|f| f.is_finite());
    match (num(0), num(1)) {
        (Some(x), Some(y)) => Ok(Point::new(x, y)),
        _ => Err(format!("the position {v} is not [longitude, latitude]")),
    }
}
