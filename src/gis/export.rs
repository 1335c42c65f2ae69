//! Footprints out: GeoJSON (RFC 7946) and CSV with a WKT column, one feature or row per
//! footprint. Both hold the same properties, built once per footprint by [`Row::of`].
//!
//! Coordinates are WGS 84 longitude and latitude rounded to 1e-9 degrees; exterior rings run
//! counter-clockwise (RFC 7946's right-hand rule) and are closed. A renovated footprint's
//! after-outline travels as WKT in the `after_outline` property, so that each footprint stays
//! one feature (GIS tools count buildings by features). With `pixels` the coordinates are the
//! site's pixels (y down), for a site with no georeferencing; the GeoJSON says so in its
//! `"sitediff:coordinates": "site pixels"` member and has no `area_m2`.

use super::wkt::polygon_wkt;
use super::{COORDINATES_MEMBER, GisError, SITE_PIXELS, round_to, site_geo};
use crate::geo::SiteGeo;
use crate::model::{Footprint, Point, Polygon, Site};
use serde_json::{Map, Value, json};

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    GeoJson,
    Csv,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Csv => "csv",
        }
    }
}

/// What an export wrote, for a message.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportSummary {
    pub footprints: usize,
    /// Longitude and latitude (`false`: site pixels).
    pub lonlat: bool,
}

/// One site's footprints as the text of a GeoJSON or CSV file. Refuses a site without
/// georeferencing unless `pixels`.
pub fn export_site(
    site: &Site,
    format: ExportFormat,
    pixels: bool,
) -> Result<(String, ExportSummary), GisError> {
    let geo = if pixels {
        None
    } else {
        Some(site_geo(site)?.ok_or_else(|| GisError::NotGeoreferenced {
            site: site.id.to_string(),
            name: site.name.clone(),
        })?)
    };
    let rows = site
        .footprints
        .iter()
        .map(|f| Row::of(site, f, geo.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let text = match format {
        ExportFormat::GeoJson => geojson(&rows, geo.is_none()),
        ExportFormat::Csv => csv(&rows)?,
    };
    Ok((
        text,
        ExportSummary {
            footprints: rows.len(),
            lonlat: geo.is_some(),
        },
    ))
}

/// One footprint, ready to write.
struct Row {
    ring: Vec<Point>,
    /// Property names and values, in column order.
    properties: Vec<(&'static str, Value)>,
}

/// The exported ring of an outline: transformed, rounded, counter-clockwise (y up), closed.
fn ring(outline: &Polygon, geo: Option<&SiteGeo>, site: &Site) -> Result<Vec<Point>, GisError> {
    let mut pts = outline
        .points()
        .iter()
        .map(|p| match geo {
            Some(g) => g
                .site_to_lonlat(*p)
                .map(|(lon, lat)| Point::new(round_to(lon, 1e-9), round_to(lat, 1e-9)))
                .map_err(|source| GisError::Georef {
                    site: site.id.to_string(),
                    source,
                }),
            None => Ok(Point::new(round_to(p.x, 1e-6), round_to(p.y, 1e-6))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Polygon::signed_area is positive for counter-clockwise with y up (longitude, latitude).
    if Polygon::new(pts.clone()).signed_area() < 0.0 {
        pts.reverse();
    }
    if let Some(first) = pts.first().copied() {
        pts.push(first);
    }
    Ok(pts)
}

impl Row {
    fn of(site: &Site, f: &Footprint, geo: Option<&SiteGeo>) -> Result<Row, GisError> {
        let image = |id| site.image(id);
        let date = |id| image(id).map_or(Value::Null, |i| json!(i.date.to_string()));
        let file = |id| image(id).map_or(Value::Null, |i| json!(i.file_name()));
        let area = match geo {
            Some(g) => g
                .area_m2(&f.outline)
                .map(|a| json!(round_to(a, 0.01)))
                .unwrap_or(Value::Null),
            None => Value::Null,
        };
        let after_ring = f
            .after_outline
            .as_ref()
            .map(|p| ring(p, geo, site))
            .transpose()?;
        let properties = vec![
            ("id", json!(f.id.to_string())),
            ("site", json!(site.id.to_string())),
            ("site_name", json!(site.name)),
            ("kind", json!(f.kind.label())),
            ("before_date", date(f.before)),
            ("before_file", file(f.before)),
            ("after_date", date(f.after)),
            ("after_file", file(f.after)),
            ("confidence", json!(f.confidence.label())),
            ("tags", json!(f.tags)),
            ("note", json!(f.note)),
            ("author", json!(f.author)),
            ("review", json!(f.review_state().label())),
            ("area_m2", area),
            (
                "after_outline",
                after_ring
                    .as_ref()
                    .map_or(Value::Null, |r| json!(polygon_wkt(r))),
            ),
        ];
        Ok(Row {
            ring: ring(&f.outline, geo, site)?,
            properties,
        })
    }
}

fn geojson(rows: &[Row], pixels: bool) -> String {
    let features: Vec<Value> = rows
        .iter()
        .map(|r| {
            let coords: Vec<[f64; 2]> = r.ring.iter().map(|p| [p.x, p.y]).collect();
            let props: Map<String, Value> = r
                .properties
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            json!({
                "type": "Feature",
                "id": r.properties[0].1,
                "geometry": { "type": "Polygon", "coordinates": [coords] },
                "properties": props,
            })
        })
        .collect();
    let mut collection = Map::new();
    collection.insert("type".into(), json!("FeatureCollection"));
    if pixels {
        collection.insert(COORDINATES_MEMBER.into(), json!(SITE_PIXELS));
    }
    collection.insert("features".into(), Value::Array(features));
    // One feature per line: readable, diffable, and small.
    let mut out = String::from("{\n");
    let n = collection.len();
    for (i, (k, v)) in collection.iter().enumerate() {
        let sep = if i + 1 < n { "," } else { "" };
        match v {
            Value::Array(items) => {
                out.push_str(&format!("\"{k}\": [\n"));
                for (j, item) in items.iter().enumerate() {
                    let s = if j + 1 < items.len() { "," } else { "" };
                    out.push_str(&format!("{item}{s}\n"));
                }
                out.push_str(&format!("]{sep}\n"));
            }
            _ => out.push_str(&format!("{}: {v}{sep}\n", json!(k))),
        }
    }
    out.push_str("}\n");
    out
}

fn csv(rows: &[Row]) -> Result<String, GisError> {
    let err = |e: csv::Error| GisError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["wkt"];
    if let Some(first) = rows.first() {
        header.extend(first.properties.iter().map(|(k, _)| *k));
    } else {
        // An empty site still gets its header, so tools see the columns.
        header.extend(COLUMNS);
    }
    w.write_record(&header).map_err(err)?;
    for r in rows {
        let mut record = vec![polygon_wkt(&r.ring)];
        record.extend(r.properties.iter().map(|(_, v)| {
            match v {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(";"),
                other => other.to_string(),
            }
        }));
        w.write_record(&record).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| GisError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| GisError::Csv(e.to_string()))
}

/// The property columns, in order (as [`Row::of`] writes them).
const COLUMNS: [&str; 15] = [
    "id",
    "site",
    "site_name",
    "kind",
    "before_date",
    "before_file",
    "after_date",
    "after_file",
    "confidence",
    "tags",
    "note",
    "author",
    "review",
    "area_m2",
    "after_outline",
];
