use super::fixtures::joplin_like;
use super::*;
use crate::model::{CaptureDate, DatedImage, Georef, GeorefSource, ImageId, SiteId};

/// A site whose reference image is georeferenced with `pixel_to_map` in `epsg`.
fn site_on_the_ground(epsg: u32, pixel_to_map: Affine) -> Site {
    let mut site = Site::new(SiteId(1), "s");
    let mut img = DatedImage::new(ImageId(1), "a.tif", CaptureDate::Unknown);
    img.georef = Some(Georef {
        epsg,
        pixel_to_map,
        source: GeorefSource::GeoTiff,
    });
    site.images.push(img);
    site.reference_image = Some(ImageId(1));
    site
}

#[test]
fn utm_coordinates_go_to_longitude_and_latitude_and_back() {
    let utm = Crs::from_epsg(32615).unwrap();
    assert!(!utm.is_geographic());
    // On the central meridian (-93°) at the equator: the false easting, exactly.
    let p = utm.from_lonlat(-93.0, 0.0).unwrap();
    assert!((p.x - 500_000.0).abs() < 1e-6 && p.y.abs() < 1e-6, "{p:?}");
    // Joplin, Missouri.
    let (lon, lat) = (-94.4964, 37.0720);
    let p = utm.from_lonlat(lon, lat).unwrap();
    assert!((p.x - 366_500.0).abs() < 1_000.0, "{p:?}");
    let (lon2, lat2) = utm.to_lonlat(p).unwrap();
    assert!((lon2 - lon).abs() < 1e-9 && (lat2 - lat).abs() < 1e-9);
    assert!(utm.describe().starts_with("EPSG:32615"));
}

#[test]
fn an_unknown_epsg_code_is_refused_with_its_number() {
    let err = Crs::from_epsg(99_999).unwrap_err();
    assert!(err.to_string().contains("EPSG:99999"), "{err}");
    assert!(Crs::from_epsg(4_000_000).is_err());
}

#[test]
fn areas_and_lengths_on_non_square_pixels_are_in_metres() {
    let site = site_on_the_ground(32615, joplin_like());
    let geo = SiteGeo::of_site(&site).unwrap().unwrap();
    let square = Polygon::rectangle(Point::new(10.0, 10.0), Point::new(20.0, 20.0));
    let area = geo.area_m2(&square).unwrap();
    assert!((area - 100.0 * 0.6 * 0.674).abs() < 1e-9, "{area}");
    let along_x = geo
        .length_m(Point::new(0.0, 0.0), Point::new(10.0, 0.0))
        .unwrap();
    assert!((along_x - 6.0).abs() < 1e-9);
    let m = geo.metres_per_site_pixel(Point::new(5.0, 5.0)).unwrap();
    assert!((m - 0.637).abs() < 1e-9, "{m}");
    // Site pixels to lon/lat and back.
    let p = Point::new(512.0, 700.0);
    let (lon, lat) = geo.site_to_lonlat(p).unwrap();
    assert!(geo.lonlat_to_site(lon, lat).unwrap().distance(p) < 1e-6);
}

#[test]
fn a_geographic_site_measures_areas_on_the_ellipsoid() {
    // One pixel is 0.001° square, north up, at the equator.
    let site = site_on_the_ground(
        4326,
        Affine {
            xx: 0.001,
            xy: 0.0,
            tx: 10.0,
            yx: 0.0,
            yy: -0.001,
            ty: 0.5,
        },
    );
    let geo = SiteGeo::of_site(&site).unwrap().unwrap();
    assert!(geo.crs.is_geographic());
    // 1000 x 1000 pixels: one degree square, 12 308 km² at the equator.
    let square = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(1000.0, 1000.0));
    let km2 = geo.area_m2(&square).unwrap() / 1e6;
    assert!((km2 - 12_308.0).abs() < 15.0, "{km2}");
    let (lon, lat) = geo.site_to_lonlat(Point::new(0.0, 0.0)).unwrap();
    assert!((lon - 10.0).abs() < 1e-9 && (lat - 0.5).abs() < 1e-9);
    let m = geo.metres_per_site_pixel(Point::new(0.0, 500.0)).unwrap();
    assert!((m - 110.9).abs() < 1.0, "{m}");
}

#[test]
fn a_site_without_georeferencing_has_no_ground() {
    let mut site = site_on_the_ground(32615, joplin_like());
    site.images[0].georef = None;
    assert!(SiteGeo::of_site(&site).is_none());
    let bad = site_on_the_ground(32615, Affine::scale(0.0, 1.0));
    assert!(matches!(
        SiteGeo::of_site(&bad),
        Some(Err(GeoError::Singular))
    ));
}
