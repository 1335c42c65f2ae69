//! GeoJSON and CSV out, GeoJSON and xBD in, through the real binary: `sitediff export` read
//! back by GDAL's `ogrinfo` (Debian package gdal-bin, which `.ci/run` installs), and imports of
//! the real Joplin and xBD files in /work/shared/eval/realdata when that folder is present
//! (they are read where they are, never copied: their terms forbid shipping them).

use assert_cmd::Command;
use sitediff::editing::Document;
use sitediff::editing::ops::NewFootprint;
use sitediff::editing::references::convert_reference;
use sitediff::io::save_project;
use sitediff::model::{
    Affine, CaptureDate, ChangeKind, DatedImage, Footprint, FootprintId, Georef, GeorefSource,
    ImageId, Point, Polygon, Project, Site, Timestamp,
};
use std::path::{Path, PathBuf};

const REALDATA: &str = "/work/shared/eval/realdata";

/// Joplin chip 0's grid in EPSG:32615, from `gdalinfo joplin_chip0_pre.tif` (origin and pixel
/// size): synthetic projects borrow it, and the real chip must read as it.
fn joplin_chip0() -> Affine {
    Affine {
        xx: 0.600_000_000_003_717_6,
        xy: 0.0,
        tx: 366_676.200_000_795_4,
        yx: 0.0,
        yy: -0.673_961_640_416_796_4,
        ty: 4_104_257.116_570_945_4,
    }
}

/// Chip 0 in longitude and latitude (from gdalinfo's corners), with a little slack.
const CHIP_LON: (f64, f64) = (-94.5000, -94.4927);
const CHIP_LAT: (f64, f64) = (37.0688, 37.0753);

fn sitediff() -> Command {
    Command::cargo_bin("sitediff").unwrap()
}

/// A project with one site of two images (the given paths, written as 1024² PNGs when they do
/// not exist), its reference image georeferenced on the Joplin grid when `georef`.
fn project_with(dir: &Path, images: [PathBuf; 2], georef: bool, footprints: usize) -> PathBuf {
    let mut project = Project::new("gis");
    let sid = project.next_ids.new_site().unwrap();
    let mut site = Site::new(sid, "Joplin");
    for (i, path) in images.iter().enumerate() {
        if !path.exists() {
            image::RgbImage::new(1024, 1024).save(path).unwrap();
        }
        let id = project.next_ids.new_image().unwrap();
        let day = ["2011-05-20", "2011-05-29"][i];
        let mut img = DatedImage::new(
            id,
            path.display().to_string(),
            day.parse::<CaptureDate>().unwrap(),
        );
        if georef && i == 0 {
            img.georef = Some(Georef {
                epsg: 32615,
                pixel_to_map: joplin_chip0(),
                source: GeorefSource::GeoTiff,
            });
        }
        site.images.push(img);
    }
    site.reference_image = Some(ImageId(1));
    for i in 0..footprints {
        let id = project.next_ids.new_footprint().unwrap();
        let x = 40.0 + (i % 10) as f64 * 90.0;
        let y = 40.0 + (i / 10) as f64 * 90.0;
        site.footprints.push(Footprint::new(
            id,
            ChangeKind::ALL[i % 3],
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(x, y), Point::new(x + 60.0, y + 45.0)),
            "ana",
            Timestamp::from_unix(1_700_000_000).unwrap(),
        ));
    }
    project.sites.push(site);
    let path = dir.join("gis.ron");
    save_project(&project, &path).unwrap();
    path
}

/// `sitediff export PROJECT --format FORMAT [EXTRA...] --out OUT`, to assert on.
fn export(project: &Path, format: &str, extra: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    sitediff()
        .args(["export", "--format", format])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(project)
        .assert()
}

fn generated_images(dir: &Path) -> [PathBuf; 2] {
    [dir.join("pre.png"), dir.join("post.png")]
}

/// What `ogrinfo -ro -al -so` says about a file; fails clearly when GDAL is not installed.
fn ogrinfo(file: &Path) -> String {
    let out = std::process::Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "ogrinfo cannot be run ({e}): install GDAL's command-line tools (Debian package \
                 gdal-bin; .ci/run installs it)"
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// ogrinfo's `Extent: (x0, y0) - (x1, y1)`.
fn extent(info: &str) -> [f64; 4] {
    let line = info
        .lines()
        .find_map(|l| l.strip_prefix("Extent: "))
        .unwrap_or_else(|| panic!("no extent in {info}"));
    let nums: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|t| !t.is_empty() && *t != "-")
        .map(|t| t.parse().unwrap())
        .collect();
    [nums[0], nums[1], nums[2], nums[3]]
}

fn assert_inside_chip(info: &str) {
    let [x0, y0, x1, y1] = extent(info);
    for x in [x0, x1] {
        assert!(
            CHIP_LON.0 <= x && x <= CHIP_LON.1,
            "longitude {x} outside chip 0: {info}"
        );
    }
    for y in [y0, y1] {
        assert!(
            CHIP_LAT.0 <= y && y <= CHIP_LAT.1,
            "latitude {y} outside chip 0: {info}"
        );
    }
}

#[test]
fn an_exported_geojson_opens_in_ogrinfo_with_every_footprint_as_a_polygon_on_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with(dir.path(), generated_images(dir.path()), true, 12);
    let out = dir.path().join("fp.geojson");
    export(&project, "geojson", &[], &out)
        .success()
        .stdout(predicates::str::contains("wrote 12 footprint(s)"));
    let info = ogrinfo(&out);
    assert!(info.contains("Feature Count: 12"), "{info}");
    assert!(info.contains("Geometry: Polygon"), "{info}");
    assert!(info.contains("area_m2: Real"), "{info}");
    assert_inside_chip(&info);

    let csv = dir.path().join("fp.csv");
    export(&project, "csv", &["--site", "S1"], &csv).success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().count(),
        13,
        "a header and one row per footprint"
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("\"POLYGON ((-94.4")
    );
}

#[test]
fn a_site_without_georeferencing_is_refused_unless_pixels_are_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with(dir.path(), generated_images(dir.path()), false, 3);
    let out = dir.path().join("fp.geojson");
    export(&project, "geojson", &[], &out)
        .code(1)
        .stderr(predicates::str::contains("not georeferenced"))
        .stderr(predicates::str::contains("--pixels"));
    assert!(!out.exists());
    export(&project, "geojson", &["--pixels"], &out)
        .success()
        .stdout(predicates::str::contains("site pixels"));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"sitediff:coordinates\": \"site pixels\"")
    );
}

#[test]
fn bad_json_is_refused_naming_the_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with(dir.path(), generated_images(dir.path()), true, 0);
    let before = std::fs::read(&project).unwrap();
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, "{\"type\": \"FeatureCollection\", \"features\": [1,").unwrap();
    sitediff()
        .args(["import", "--site", "1"])
        .arg(&project)
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.geojson: not valid JSON"));
    assert_eq!(std::fs::read(&project).unwrap(), before);
}

fn realdata() -> Option<PathBuf> {
    let dir = PathBuf::from(REALDATA);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {REALDATA} is not here; the real-data import test did nothing");
        None
    }
}

#[test]
fn the_joplin_footprints_import_as_references_ten_become_footprints_and_export_onto_the_chip() {
    let Some(real) = realdata() else { return };
    let dir = tempfile::tempdir().unwrap();
    let tiffs = [
        real.join("geotiff/joplin_chip0_pre.tif"),
        real.join("geotiff/joplin_chip0_post.tif"),
    ];
    // The project opens from the GeoTIFFs themselves: their tags give the grid and the CRS.
    let project = dir.path().join("joplin.ron");
    sitediff()
        .args(["new", "--site", "Joplin"])
        .arg(&project)
        .arg(format!("--date={}=2011-05-20", tiffs[0].display()))
        .arg(format!("--date={}=2011-05-24", tiffs[1].display()))
        .args(&tiffs)
        .assert()
        .success();
    let read = sitediff::io::load_project(&project).unwrap();
    let georef = read.sites[0].images[0]
        .georef
        .clone()
        .expect("read from the GeoTIFF");
    assert_eq!(georef.epsg, 32615);
    assert!(georef.pixel_to_map.approx_eq(&joplin_chip0(), 1e-6));
    // SOURCES.md says 178 buildings fall inside chip 0: that counts the chip's longitude and
    // latitude envelope, which is larger than the chip (its UTM grid is turned about 0.9° from
    // north). Inside the image itself there are 175, as GDAL also finds:
    // `ogr2ogr -t_srs EPSG:32615 -spat 366676.2 4103566.98 367290.6 4104257.117 -spat_srs
    // EPSG:32615` keeps 175, `ogrinfo -spat` with the lon/lat envelope counts 178.
    sitediff()
        .args(["import", "--site", "Joplin"])
        .arg(&project)
        .arg(real.join("geotiff/joplin_building_footprints.geojson"))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "imported 175 reference building(s)",
        ));

    // Ten references become footprints, one labelling step (one key in the window) each.
    let mut doc = Document::open(&project).unwrap();
    assert_eq!(doc.project().sites[0].references.len(), 175);
    // Ten buildings wholly inside the image, as an analyst would label them.
    let whole = |b: sitediff::model::BoundingBox| {
        b.min.x >= 0.0 && b.min.y >= 0.0 && b.max.x <= 1024.0 && b.max.y <= 1024.0
    };
    let ids: Vec<_> = doc.project().sites[0]
        .references
        .iter()
        .filter(|r| r.outline.bounding_box().is_some_and(whole))
        .take(10)
        .map(|r| r.id)
        .collect();
    assert_eq!(ids.len(), 10);
    for (i, id) in ids.into_iter().enumerate() {
        let site = &doc.project().sites[0];
        let new = NewFootprint {
            pair: (Some(ImageId(1)), Some(ImageId(2))),
            kind: ChangeKind::Demolished,
            author: "ana",
            now: Timestamp::from_unix(1_700_000_000).unwrap(),
            id: FootprintId(i as u32 + 1),
        };
        let op = convert_reference(site, id, &new).unwrap();
        doc.apply_labeled(op.edit, op.label, op.select).unwrap();
    }
    assert_eq!(doc.history().undo_len(), 10);
    assert_eq!(doc.project().sites[0].references.len(), 165);
    assert_eq!(doc.project().sites[0].footprints.len(), 10);
    doc.save().unwrap();

    // Areas in square metres.
    sitediff()
        .arg("stats")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicates::str::contains("m²"));
    let out = dir.path().join("joplin.geojson");
    export(&project, "geojson", &[], &out).success();
    let info = ogrinfo(&out);
    assert!(info.contains("Feature Count: 10"), "{info}");
    assert!(info.contains("Geometry: Polygon"), "{info}");
    assert_inside_chip(&info);
}

#[test]
fn an_xbd_label_file_imports_its_buildings_with_their_damage() {
    let Some(real) = realdata() else { return };
    let dir = tempfile::tempdir().unwrap();
    let project = project_with(dir.path(), generated_images(dir.path()), false, 0);
    sitediff()
        .args(["import", "--site", "S1"])
        .arg(&project)
        .arg(real.join("xbd/joplin-tornado_00000050_post_disaster.json"))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "imported 15 reference building(s)",
        ))
        .stdout(predicates::str::contains("(xBD labels)"));
    let loaded = sitediff::io::load_project(&project).unwrap();
    let refs = &loaded.sites[0].references;
    assert_eq!(refs.len(), 15);
    let destroyed = refs
        .iter()
        .filter(|r| r.attributes.get("subtype").map(String::as_str) == Some("destroyed"))
        .count();
    assert_eq!(destroyed, 11);
    assert!(refs.iter().all(|r| r.attributes.contains_key("uid")));
}
