//! Tests of `georef.rs`: GeoTIFFs written here with the `tiff` encoder, world files, and the
//! real files of `/work/shared/eval/realdata/geotiff` when that folder is there.

use super::*;
use crate::model::Point;
use tiff::encoder::{TiffEncoder, colortype};
use tiff::tags::Tag;

/// GeoTIFF tags to write: each `None` is left out.
#[derive(Default)]
struct Tags {
    scale: Option<Vec<f64>>,
    tiepoint: Option<Vec<f64>>,
    matrix: Option<Vec<f64>>,
    keys: Option<Vec<u16>>,
}

fn write_geotiff(path: &Path, tags: &Tags) {
    let file = File::create(path).unwrap();
    let mut tiff = TiffEncoder::new(file).unwrap();
    let mut image = tiff.new_image::<colortype::Gray8>(4, 3).unwrap();
    let dir = image.encoder();
    if let Some(s) = &tags.scale {
        dir.write_tag(Tag::Unknown(MODEL_PIXEL_SCALE), s.as_slice())
            .unwrap();
    }
    if let Some(t) = &tags.tiepoint {
        dir.write_tag(Tag::Unknown(MODEL_TIEPOINT), t.as_slice())
            .unwrap();
    }
    if let Some(m) = &tags.matrix {
        dir.write_tag(Tag::Unknown(MODEL_TRANSFORMATION), m.as_slice())
            .unwrap();
    }
    if let Some(k) = &tags.keys {
        dir.write_tag(Tag::Unknown(GEO_KEY_DIRECTORY), k.as_slice())
            .unwrap();
    }
    image.write_data(&[0u8; 12]).unwrap();
}

/// A GeoKeyDirectory of short keys.
fn keys(entries: &[(u16, u16)]) -> Vec<u16> {
    let mut v = vec![1, 1, 0, entries.len() as u16];
    for (k, value) in entries {
        v.extend([*k, 0, 1, *value]);
    }
    v
}

fn utm_15n_tags() -> Tags {
    Tags {
        scale: Some(vec![0.6, 0.674, 0.0]),
        tiepoint: Some(vec![0.0, 0.0, 0.0, 360_000.0, 4_100_000.0, 0.0]),
        keys: Some(keys(&[(1024, 1), (1025, 1), (3072, 32615)])),
        ..Tags::default()
    }
}

fn close(a: Point, b: Point) -> bool {
    (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6
}

#[test]
fn a_geotiff_with_pixel_scale_and_tie_point_gives_its_corner_grid_and_projected_epsg() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chip.tif");
    write_geotiff(&path, &utm_15n_tags());
    let reading = read_georef(&path, None).unwrap();
    assert_eq!(reading.warning, None);
    let g = reading.georef.unwrap();
    assert_eq!(g.epsg, 32615);
    assert_eq!(g.source, GeorefSource::GeoTiff);
    assert!(close(
        g.pixel_to_map(Point::new(0.0, 0.0)),
        Point::new(360_000.0, 4_100_000.0)
    ));
    assert!(close(
        g.pixel_to_map(Point::new(10.0, 10.0)),
        Point::new(360_006.0, 4_099_993.26)
    ));
    let (w, h) = g.pixel_size();
    assert!((w - 0.6).abs() < 1e-12 && (h - 0.674).abs() < 1e-12);
}

#[test]
fn a_pixel_is_point_geotiff_is_shifted_by_half_a_pixel_to_the_corner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("point.tif");
    let tags = Tags {
        keys: Some(keys(&[(1025, 2), (3072, 32615)])),
        scale: Some(vec![2.0, 2.0, 0.0]),
        tiepoint: Some(vec![0.0, 0.0, 0.0, 1000.0, 5000.0, 0.0]),
        ..Tags::default()
    };
    write_geotiff(&path, &tags);
    let g = read_georef(&path, None).unwrap().georef.unwrap();
    // The tie point is the centre of the top-left pixel: its corner is a pixel's half away.
    assert!(close(
        g.pixel_to_map(Point::new(0.5, 0.5)),
        Point::new(1000.0, 5000.0)
    ));
    assert!(close(
        g.pixel_to_map(Point::new(0.0, 0.0)),
        Point::new(999.0, 5001.0)
    ));
}

#[test]
fn a_model_transformation_with_a_geographic_crs_is_read_in_degrees() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("geo.tif");
    let m = vec![
        0.001, 0.0, 0.0, -94.5, //
        0.0, -0.001, 0.0, 37.1, //
        0.0, 0.0, 0.0, 0.0, //
        0.0, 0.0, 0.0, 1.0,
    ];
    let tags = Tags {
        matrix: Some(m),
        keys: Some(keys(&[(1024, 2), (2048, 4326)])),
        ..Tags::default()
    };
    write_geotiff(&path, &tags);
    let g = read_georef(&path, None).unwrap().georef.unwrap();
    assert_eq!(g.epsg, 4326);
    assert!(close(
        g.pixel_to_map(Point::new(100.0, 100.0)),
        Point::new(-94.4, 37.0)
    ));
}

#[test]
fn a_user_defined_crs_is_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custom.tif");
    let tags = Tags {
        keys: Some(keys(&[(1024, 1), (3072, 32767)])),
        ..utm_15n_tags()
    };
    write_geotiff(&path, &tags);
    let err = read_georef(&path, None).unwrap_err().to_string();
    assert!(err.contains("custom.tif"), "{err}");
    assert!(err.contains("user-defined CRS not supported"), "{err}");
}

#[test]
fn a_geotiff_without_an_epsg_code_takes_the_one_given_or_warns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nocrs.tif");
    let tags = Tags {
        keys: None,
        ..utm_15n_tags()
    };
    write_geotiff(&path, &tags);
    let reading = read_georef(&path, None).unwrap();
    assert_eq!(reading.georef, None);
    assert!(reading.warning.unwrap().contains("use --crs"));
    let given = read_georef(&path, Some(32615)).unwrap();
    assert_eq!(given.georef.unwrap().epsg, 32615);
}

#[test]
fn a_plain_tiff_or_png_without_a_world_file_has_no_georeferencing() {
    let dir = tempfile::tempdir().unwrap();
    let tif = dir.path().join("plain.tif");
    write_geotiff(&tif, &Tags::default());
    assert_eq!(read_georef(&tif, None).unwrap(), GeorefReading::default());
    let png = dir.path().join("plain.png");
    image::GrayImage::new(3, 3).save(&png).unwrap();
    assert_eq!(read_georef(&png, None).unwrap(), GeorefReading::default());
    let given = read_georef(&png, Some(32615)).unwrap();
    assert!(
        given
            .warning
            .unwrap()
            .contains("neither GeoTIFF tags nor a world file")
    );
}

#[test]
fn a_truncated_geokey_directory_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.tif");
    let tags = Tags {
        keys: Some(vec![1, 1, 0, 3, 3072, 0, 1, 32615]),
        ..utm_15n_tags()
    };
    write_geotiff(&path, &tags);
    let err = read_georef(&path, None).unwrap_err().to_string();
    assert!(
        err.contains("short.tif") && err.contains("announces 3 keys"),
        "{err}"
    );
}

#[test]
fn a_world_file_beside_a_png_is_found_in_any_case_and_shifted_to_the_pixel_corner() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("site.png");
    image::GrayImage::new(3, 3).save(&png).unwrap();
    // The centre of the top-left pixel at (500 001, 4 099 999), pixels 2 m.
    std::fs::write(
        dir.path().join("site.PGW"),
        "2.0\n0.0\n0.0\n-2.0\n500001.0\n4099999.0\n",
    )
    .unwrap();
    assert_eq!(find_world_file(&png), Some(dir.path().join("site.PGW")));
    let reading = read_georef(&png, None).unwrap();
    assert_eq!(reading.georef, None);
    let warning = reading.warning.unwrap();
    assert!(
        warning.contains("world file found but no CRS: use --crs"),
        "{warning}"
    );
    let g = read_georef(&png, Some(32618)).unwrap().georef.unwrap();
    assert_eq!((g.epsg, g.source), (32618, GeorefSource::WorldFile));
    assert!(close(
        g.pixel_to_map(Point::new(0.0, 0.0)),
        Point::new(500_000.0, 4_100_000.0)
    ));
}

#[test]
fn a_prj_beside_a_world_file_gives_its_crs() {
    let dir = tempfile::tempdir().unwrap();
    let jpg = dir.path().join("a.jpg");
    image::RgbImage::new(3, 3).save(&jpg).unwrap();
    std::fs::write(dir.path().join("a.wld"), "1\n0\n0\n-1\n10.5\n20.5\n").unwrap();
    std::fs::write(
        dir.path().join("a.prj"),
        r#"PROJCS["WGS 84 / UTM zone 15N",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","32615"]]"#,
    )
    .unwrap();
    let g = read_georef(&jpg, None).unwrap().georef.unwrap();
    assert_eq!(g.epsg, 32615);
}

#[test]
fn a_broken_world_file_is_an_error_naming_it_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("b.png");
    image::GrayImage::new(3, 3).save(&png).unwrap();
    std::fs::write(dir.path().join("b.pgw"), "1\n0\n0\n-1\nten\n20\n").unwrap();
    let err = read_georef(&png, Some(32615)).unwrap_err().to_string();
    assert!(err.contains("b.pgw") && err.contains("line 5"), "{err}");
    std::fs::write(dir.path().join("b.pgw"), "1\n0\n0\n").unwrap();
    let err = read_georef(&png, Some(32615)).unwrap_err().to_string();
    assert!(err.contains("3 lines"), "{err}");
}

/// The real GeoTIFFs, when this machine has them (CI may not).
fn real(name: &str) -> Option<PathBuf> {
    let path = Path::new("/work/shared/eval/realdata/geotiff").join(name);
    if path.is_file() {
        Some(path)
    } else {
        println!("skipped: {} is not here", path.display());
        None
    }
}

#[test]
fn the_joplin_chips_are_utm_15n_with_non_square_pixels() {
    for name in ["joplin_chip0_pre.tif", "joplin_chip0_post.tif"] {
        let Some(path) = real(name) else { return };
        let g = read_georef(&path, None).unwrap().georef.unwrap();
        assert_eq!(g.epsg, 32615, "{name}");
        let (w, h) = g.pixel_size();
        assert!(
            (w - 0.6).abs() < 0.01 && (h - 0.674).abs() < 0.01,
            "{name}: {w} x {h}"
        );
    }
}

#[test]
fn the_rasterio_sample_is_utm_18n_with_300_metre_pixels() {
    let Some(path) = real("RGB.byte.tif") else {
        return;
    };
    let g = read_georef(&path, None).unwrap().georef.unwrap();
    assert_eq!(g.epsg, 32618);
    let (w, h) = g.pixel_size();
    assert!(
        (w - 300.0).abs() < 5.0 && (h - 300.0).abs() < 5.0,
        "{w} x {h}"
    );
}
