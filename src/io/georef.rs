//! Georeferencing read from image files, headers only (pixels are never decoded here): the
//! GeoTIFF tags of a TIFF, or else a world file beside the image (`x.pgw`, `x.jgw`, `x.tfw`,
//! `x.tifw`, `x.wld`, ...) whose CRS the analyst gives (`--crs EPSG:32615`) or a `.prj` beside it
//! names.
//!
//! Both formats place pixels differently from sitediff: a world file's (and a PixelIsPoint
//! GeoTIFF's) origin is the *centre* of the top-left pixel, sitediff's its top-left *corner*, so
//! both are shifted by half a pixel here.

use super::regular_file::{open_regular, read_capped};
use crate::model::{Affine, Georef, GeorefSource};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

const MODEL_PIXEL_SCALE: u16 = 33550;
const MODEL_TIEPOINT: u16 = 33922;
const MODEL_TRANSFORMATION: u16 = 34264;
const GEO_KEY_DIRECTORY: u16 = 34735;

const GT_MODEL_TYPE_KEY: u16 = 1024;
const GT_RASTER_TYPE_KEY: u16 = 1025;
const GEOGRAPHIC_TYPE_KEY: u16 = 2048;
const PROJECTED_CS_TYPE_KEY: u16 = 3072;
const RASTER_PIXEL_IS_POINT: u16 = 2;
const MODEL_TYPE_PROJECTED: u16 = 1;
const MODEL_TYPE_GEOGRAPHIC: u16 = 2;
const USER_DEFINED: u16 = 32767;

/// World files and `.prj` files are a few lines; anything longer is not one.
const MAX_SIDECAR_BYTES: u64 = 64 * 1024;

/// What was found about where an image lies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GeorefReading {
    /// The georeferencing, when complete (a transform and a CRS).
    pub georef: Option<Georef>,
    /// Something the analyst should hear: a world file without a CRS, a `--crs` that was not
    /// used.
    pub warning: Option<String>,
}

/// Why an image's georeferencing cannot be read. Each names the file and the problem.
#[derive(Debug, thiserror::Error)]
pub enum GeorefError {
    #[error("{}: cannot read its GeoTIFF tags: {reason}", .path.display())]
    Tiff { path: PathBuf, reason: String },
    #[error("{}: GeoTIFF {problem}", .path.display())]
    GeoTiff { path: PathBuf, problem: String },
    #[error(
        "{}: user-defined CRS not supported (GeoTIFF key {key} is 32767); reproject the image \
         to an EPSG coordinate system (e.g. gdalwarp -t_srs EPSG:32615)",
        .path.display()
    )]
    UserDefinedCrs { path: PathBuf, key: u16 },
    #[error("{}: not a usable world file: {problem}", .path.display())]
    WorldFile { path: PathBuf, problem: String },
}

/// Reads where the image at `image` lies on the ground: its GeoTIFF tags, else a world file
/// beside it. `user_crs` (an EPSG code) is the CRS of a world file, or of a GeoTIFF whose keys
/// name none; a GeoTIFF's own EPSG code wins over it.
pub fn read_georef(image: &Path, user_crs: Option<u32>) -> Result<GeorefReading, GeorefError> {
    if let Some(tags) = read_geotiff(image)? {
        let epsg = tags.epsg.or(user_crs);
        let mut reading = GeorefReading::default();
        match epsg {
            Some(epsg) => {
                reading.georef = Some(Georef {
                    epsg,
                    pixel_to_map: tags.pixel_to_map,
                    source: GeorefSource::GeoTiff,
                });
                if let (Some(own), Some(given)) = (tags.epsg, user_crs)
                    && own != given
                {
                    reading.warning = Some(format!(
                        "{}: its GeoTIFF keys say EPSG:{own}; --crs EPSG:{given} is not used for it",
                        image.display()
                    ));
                }
            }
            None => {
                reading.warning = Some(format!(
                    "{}: GeoTIFF tags place the image but name no EPSG code: use --crs",
                    image.display()
                ));
            }
        }
        return Ok(reading);
    }
    let Some(world_path) = find_world_file(image) else {
        return Ok(GeorefReading {
            georef: None,
            warning: user_crs.map(|epsg| {
                format!(
                    "{}: --crs EPSG:{epsg} given, but the image has neither GeoTIFF tags nor a \
                     world file beside it",
                    image.display()
                )
            }),
        });
    };
    let pixel_to_map = read_world_file(&world_path)?;
    let epsg = user_crs.or_else(|| prj_epsg(&image.with_extension("prj")));
    Ok(match epsg {
        Some(epsg) => GeorefReading {
            georef: Some(Georef {
                epsg,
                pixel_to_map,
                source: GeorefSource::WorldFile,
            }),
            warning: None,
        },
        None => GeorefReading {
            georef: None,
            warning: Some(format!(
                "{}: world file found but no CRS: use --crs EPSG:CODE",
                world_path.display()
            )),
        },
    })
}

/// The GeoTIFF tags of one TIFF's first directory.
struct GeoTiffTags {
    pixel_to_map: Affine,
    epsg: Option<u32>,
}

/// `None` for a file that is not a TIFF or a TIFF without a model transform.
fn read_geotiff(path: &Path) -> Result<Option<GeoTiffTags>, GeorefError> {
    let Ok((mut file, _)) = open_regular(path) else {
        // Whether the image opens at all is reported by the image reader, not here.
        return Ok(None);
    };
    if !is_tiff(&mut file) {
        return Ok(None);
    }
    // The TIFF decoder is third-party code fed with arbitrary files: a panic in it is an
    // unreadable file, not a lost session.
    catch_unwind(AssertUnwindSafe(|| geotiff_tags(path, file))).unwrap_or_else(|_| {
        Err(GeorefError::Tiff {
            path: path.to_path_buf(),
            reason: "the TIFF decoder failed".into(),
        })
    })
}

fn is_tiff(file: &mut File) -> bool {
    let mut magic = [0u8; 4];
    let read = file.read_exact(&mut magic).is_ok();
    let _ = file.seek(SeekFrom::Start(0));
    read && super::headers::tiff_signature(&magic).is_some()
}

fn geotiff_tags(path: &Path, file: File) -> Result<Option<GeoTiffTags>, GeorefError> {
    use tiff::tags::Tag;
    let tiff_error = |e: tiff::TiffError| GeorefError::Tiff {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let problem = |problem: String| GeorefError::GeoTiff {
        path: path.to_path_buf(),
        problem,
    };
    let mut decoder = tiff::decoder::Decoder::new(BufReader::new(file)).map_err(tiff_error)?;
    let mut doubles = |tag: u16| -> Result<Option<Vec<f64>>, GeorefError> {
        decoder
            .find_tag(Tag::Unknown(tag))
            .map_err(tiff_error)?
            .map(|v| v.into_f64_vec().map_err(tiff_error))
            .transpose()
    };
    let scale = doubles(MODEL_PIXEL_SCALE)?;
    let tiepoints = doubles(MODEL_TIEPOINT)?;
    let matrix = doubles(MODEL_TRANSFORMATION)?;
    let keys = decoder
        .find_tag(Tag::Unknown(GEO_KEY_DIRECTORY))
        .map_err(tiff_error)?
        .map(|v| v.into_u16_vec().map_err(tiff_error))
        .transpose()?
        .unwrap_or_default();
    let corner = match (matrix, scale, tiepoints) {
        (Some(m), _, _) => {
            if m.len() < 16 {
                return Err(problem(format!(
                    "ModelTransformation has {} numbers, not 16",
                    m.len()
                )));
            }
            Affine {
                xx: m[0],
                xy: m[1],
                tx: m[3],
                yx: m[4],
                yy: m[5],
                ty: m[7],
            }
        }
        (None, Some(s), Some(t)) => {
            if s.len() < 2 || t.len() < 6 {
                return Err(problem(
                    "ModelPixelScale or ModelTiepoint is too short (3 and 6 numbers needed)".into(),
                ));
            }
            // The first tie point: raster (i, j) is map (x, y); rows go south.
            let (i, j, x, y) = (t[0], t[1], t[3], t[4]);
            Affine {
                xx: s[0],
                xy: 0.0,
                tx: x - i * s[0],
                yx: 0.0,
                yy: -s[1],
                ty: y + j * s[1],
            }
        }
        (None, None, Some(_)) => {
            return Err(problem(
                "has tie points but no ModelPixelScale (several tie points without a scale \
                 are not supported)"
                    .into(),
            ));
        }
        (None, _, None) => return Ok(None),
    };
    let keys = GeoKeys::parse(&keys).map_err(problem)?;
    let pixel_to_map = if keys.get(GT_RASTER_TYPE_KEY) == Some(RASTER_PIXEL_IS_POINT) {
        centre_origin_to_corner(&corner)
    } else {
        corner
    };
    if !pixel_to_map.is_usable() {
        return Err(problem(
            "model transform is not invertible (a pixel of zero size or a number that is not \
             finite)"
                .into(),
        ));
    }
    let code = |key: u16| -> Result<Option<u32>, GeorefError> {
        match keys.get(key) {
            Some(USER_DEFINED) => Err(GeorefError::UserDefinedCrs {
                path: path.to_path_buf(),
                key,
            }),
            Some(0) | None => Ok(None),
            Some(c) => Ok(Some(u32::from(c))),
        }
    };
    let epsg = match keys.get(GT_MODEL_TYPE_KEY) {
        Some(MODEL_TYPE_GEOGRAPHIC) => code(GEOGRAPHIC_TYPE_KEY)?,
        Some(MODEL_TYPE_PROJECTED) => code(PROJECTED_CS_TYPE_KEY)?,
        _ => match code(PROJECTED_CS_TYPE_KEY)? {
            Some(c) => Some(c),
            None => code(GEOGRAPHIC_TYPE_KEY)?,
        },
    };
    Ok(Some(GeoTiffTags { pixel_to_map, epsg }))
}

/// The short (in-place) values of a GeoKeyDirectory: the only kind the keys read here have.
struct GeoKeys(Vec<(u16, u16)>);

impl GeoKeys {
    fn parse(words: &[u16]) -> Result<GeoKeys, String> {
        if words.is_empty() {
            return Ok(GeoKeys(Vec::new()));
        }
        let Some(&count) = words.get(3) else {
            return Err("GeoKeyDirectory is shorter than its header".into());
        };
        let mut keys = Vec::with_capacity(usize::from(count));
        for n in 0..usize::from(count) {
            let Some(entry) = words.get(4 + 4 * n..8 + 4 * n) else {
                return Err(format!(
                    "GeoKeyDirectory announces {count} keys but holds {}",
                    n
                ));
            };
            // Location 0: the value is the entry's last word; others point into other tags
            // (doubles, text), which no key read here uses.
            if entry[1] == 0 {
                keys.push((entry[0], entry[3]));
            }
        }
        Ok(GeoKeys(keys))
    }

    fn get(&self, key: u16) -> Option<u16> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// A transform whose origin is the centre of the top-left pixel, as one from its corner.
fn centre_origin_to_corner(a: &Affine) -> Affine {
    a.then_after(&Affine::translation(-0.5, -0.5))
}

/// The extensions of world files for an image's extension, most specific first.
fn world_file_extensions(image_ext: &str) -> &'static [&'static str] {
    match image_ext.to_ascii_lowercase().as_str() {
        "png" => &["pgw", "pngw", "wld"],
        "jpg" | "jpeg" => &["jgw", "jpgw", "jpegw", "wld"],
        "tif" | "tiff" => &["tfw", "tifw", "tiffw", "wld"],
        "webp" => &["wpw", "webpw", "wld"],
        _ => &["wld"],
    }
}

/// The world file beside an image (`x.pgw` for `x.png`...), its extension in any case.
pub fn find_world_file(image: &Path) -> Option<PathBuf> {
    let stem = image.file_stem()?.to_str()?;
    let ext = image.extension().and_then(|e| e.to_str()).unwrap_or("");
    let dir = match image.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let beside: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    world_file_extensions(ext).iter().find_map(|wanted| {
        beside
            .iter()
            .find(|name| {
                name.rsplit_once('.')
                    .is_some_and(|(s, e)| s == stem && e.eq_ignore_ascii_case(wanted))
            })
            .map(|name| dir.join(name))
    })
}

/// A world file's six numbers (A D B E C F, C and F the centre of the top-left pixel) as
/// pixel-corner-to-map.
pub fn read_world_file(path: &Path) -> Result<Affine, GeorefError> {
    let bad = |problem: String| GeorefError::WorldFile {
        path: path.to_path_buf(),
        problem,
    };
    let bytes = read_capped(path, MAX_SIDECAR_BYTES).map_err(|e| bad(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not text".into()))?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() != 6 {
        return Err(bad(format!(
            "{} lines, where a world file has 6 numbers",
            lines.len()
        )));
    }
    let mut v = [0.0; 6];
    for (n, (slot, line)) in v.iter_mut().zip(&lines).enumerate() {
        *slot = line
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| bad(format!("line {}: `{line}` is not a number", n + 1)))?;
    }
    let [a, d, b, e, c, f] = v;
    let centre = Affine {
        xx: a,
        xy: b,
        tx: c,
        yx: d,
        yy: e,
        ty: f,
    };
    if !centre.is_usable() {
        return Err(bad(
            "the transform is not invertible (a pixel of zero size)".into(),
        ));
    }
    Ok(centre_origin_to_corner(&centre))
}

/// The EPSG code a `.prj` (WKT) names for its whole CRS, when it names one: the last
/// `AUTHORITY["EPSG","n"]` (WKT 1) or `ID["EPSG",n]` (WKT 2) is the outermost one's.
fn prj_epsg(path: &Path) -> Option<u32> {
    if !path.is_file() {
        return None;
    }
    let text = String::from_utf8(read_capped(path, MAX_SIDECAR_BYTES).ok()?).ok()?;
    let upper = text.to_ascii_uppercase();
    let at = ["AUTHORITY[\"EPSG\",", "ID[\"EPSG\","]
        .iter()
        .filter_map(|key| upper.rfind(key).map(|i| i + key.len()))
        .max()?;
    let digits: String = upper[at..]
        .trim_start_matches([' ', '"'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
#[path = "georef_tests.rs"]
mod tests;
