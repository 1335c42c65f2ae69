//! Headless UI tests of a georeferenced site: the inspector and the footprint list measure in
//! square metres and metres, and the status bar shows map coordinates beside site pixels.

use crate::support::ui::*;
use egui_kittest::kittest::Queryable;
use sitediff::model::Point;

/// The test project with its reference image on the ground: 0.5 m pixels in UTM zone 15N, the
/// top-left corner at (500 000, 4 100 000).
fn georeferenced_harness() -> (tempfile::TempDir, H) {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::project_on_disk(dir.path());
    crate::support::georeference_on_disk(&path);
    let mut h = harness_for(&path);
    step_until(&mut h, "images to load", loaded);
    (dir, h)
}

fn steps(h: &mut H, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

#[test]
fn the_inspector_and_the_list_measure_a_georeferenced_footprint_in_metres() {
    let (_dir, mut h) = georeferenced_harness();
    h.get_by_label("F1").click();
    steps(&mut h, 4);
    // 80 x 80 site pixels of 0.5 m: 1 600 m², a 160 m perimeter; pixels stay beside them.
    assert!(
        h.query_all_by_label("1600.0 m²").count() >= 2,
        "the inspector and the list"
    );
    assert!(h.query_by_label("160 m").is_some(), "the perimeter");
    assert!(h.query_by_label("6400.0 px²").is_some(), "pixels, smaller");
}

#[test]
fn a_plain_project_measures_in_pixels_only() {
    let (_dir, mut h) = loaded_harness();
    h.get_by_label("F1").click();
    steps(&mut h, 4);
    assert!(h.query_by_label("6400.0 px²").is_some());
    assert!(h.query_by_label_contains("m²").is_none());
}

#[test]
fn the_status_bar_shows_map_coordinates_beside_site_pixels() {
    let (_dir, mut h) = georeferenced_harness();
    let at = screen_of(h.state(), 0, Point::new(100.0, 60.0));
    h.input_mut().events.push(egui::Event::PointerMoved(at));
    steps(&mut h, 4);
    let hover = h
        .state()
        .hover
        .as_ref()
        .expect("the pointer is over the site");
    let site = hover.site_point;
    let (east, north) = (500_000.0 + site.x * 0.5, 4_100_000.0 - site.y * 0.5);
    let text = format!("E {east:>10.1}  N {north:>11.1} m");
    assert!(
        h.query_by_label(&text).is_some(),
        "{text} in the status bar"
    );
}

#[test]
fn an_image_with_a_world_file_added_in_the_window_takes_the_crs_typed_in_the_dialog() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::by;
    let (dir, mut h) = loaded_harness();
    let new = dir.path().join("yard_20241015.png");
    crate::support::test_image(640, 480, 30).save(&new).unwrap();
    // Half-metre pixels; a world file names the centre of the top-left pixel.
    std::fs::write(
        dir.path().join("yard_20241015.pgw"),
        "0.5\n0\n0\n-0.5\n500000.25\n4099999.75\n",
    )
    .unwrap();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    for _ in 0..3 {
        h.step();
    }
    h.get(by().role(Role::MultilineTextInput)).focus();
    h.step();
    h.get(by().role(Role::MultilineTextInput))
        .type_text(&new.display().to_string());
    h.step();
    h.get_by_label("CRS of world files").focus();
    h.step();
    h.get_by_label("CRS of world files").type_text("EPSG:32615");
    h.step();
    h.get_by_label("Add").click();
    for _ in 0..3 {
        h.step();
    }
    let doc = h.state().doc.as_ref().unwrap();
    let added = doc.project().sites[0]
        .images
        .iter()
        .find(|i| i.path == "yard_20241015.png")
        .expect("the image was added");
    let georef = added.georef.as_ref().expect("placed by its world file");
    assert_eq!(georef.epsg, 32615);
    assert_eq!(
        georef.pixel_to_map.apply(Point::new(0.0, 0.0)),
        Point::new(500_000.0, 4_100_000.0)
    );
}
