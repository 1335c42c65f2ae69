//! Tests of `register.rs`.

use super::*;
use crate::geo::fixtures::{georef, joplin_like};

/// 0.6 m x 0.674 m pixels in UTM 15N.
fn reference() -> Georef {
    georef(32615, joplin_like())
}

fn near(a: Point, b: Point, tolerance: f64) -> bool {
    a.distance(b) < tolerance
}

#[test]
fn images_on_different_grids_in_one_crs_put_a_map_point_on_the_same_site_point() {
    let reference = reference();
    // Half-metre square pixels starting 40 m east and 25 m south of the reference.
    let other = georef(
        32615,
        Affine {
            xx: 0.5,
            xy: 0.0,
            tx: 360_040.0,
            yx: 0.0,
            yy: -0.5,
            ty: 4_103_975.0,
        },
    );
    let r = register_by_georef(&reference, &Affine::IDENTITY, &other, (800, 600)).unwrap();
    assert!(r.exact && r.max_error_px == 0.0);
    let map = Point::new(360_100.0, 4_103_900.0);
    let in_reference = reference.pixel_to_map.inverse().unwrap().apply(map);
    let in_other = other.pixel_to_map.inverse().unwrap().apply(map);
    assert!(
        near(r.to_site.apply(in_other), in_reference, 1e-6),
        "{:?} vs {in_reference:?}",
        r.to_site.apply(in_other)
    );
}

#[test]
fn the_reference_images_own_transform_into_the_site_is_kept() {
    let reference = reference();
    let shift = Affine::translation(10.0, -4.0);
    let r = register_by_georef(&reference, &shift, &reference, (10, 10)).unwrap();
    assert!(near(
        r.to_site.apply(Point::new(3.0, 3.0)),
        Point::new(13.0, -1.0),
        1e-9
    ));
}

#[test]
fn an_image_in_another_crs_is_fitted_through_lonlat_with_a_small_error() {
    let reference = reference();
    let utm = Crs::from_epsg(32615).unwrap();
    // The same ground in WGS 84 degrees, about 0.5 m pixels, over ~400 m.
    let (lon0, lat0) = utm.to_lonlat(Point::new(360_050.0, 4_103_950.0)).unwrap();
    let other = georef(
        4326,
        Affine {
            xx: 0.000_005_6,
            xy: 0.0,
            tx: lon0,
            yx: 0.0,
            yy: -0.000_004_5,
            ty: lat0,
        },
    );
    let r = register_by_georef(&reference, &Affine::IDENTITY, &other, (800, 800)).unwrap();
    assert!(!r.exact);
    assert!(r.max_error_px < 0.05, "fit error {} px", r.max_error_px);
    // A ground point in the middle of the image, through both.
    let pixel = Point::new(400.0, 400.0);
    let (lon, lat) = (lon0 + 400.0 * 0.000_005_6, lat0 - 400.0 * 0.000_004_5);
    let in_reference = reference
        .pixel_to_map
        .inverse()
        .unwrap()
        .apply(utm.from_lonlat(lon, lat).unwrap());
    assert!(near(r.to_site.apply(pixel), in_reference, 0.05));
}

#[test]
fn an_unknown_crs_on_either_side_is_an_error() {
    let other = georef(999_999, reference().pixel_to_map);
    let err = register_by_georef(&reference(), &Affine::IDENTITY, &other, (10, 10)).unwrap_err();
    assert!(err.to_string().contains("EPSG:999999"), "{err}");
}

#[test]
fn the_crss_the_readme_names_are_known() {
    for epsg in [4326, 32615, 32618, 32733, 27700, 2154, 3857] {
        assert!(Crs::from_epsg(epsg).is_ok(), "EPSG:{epsg}");
    }
}
