//! Headless UI tests of the reference layer: an imported building is clicked, labelled with one
//! key, and the change undone.

use crate::support::ui::*;
use egui::Modifiers;
use sitediff::model::{ChangeKind, Edit, Point, Polygon, ReferenceBuilding, ReferenceId};

#[test]
fn clicking_a_reference_building_and_pressing_d_makes_it_a_demolished_footprint_in_one_step() {
    let (_dir, mut h) = loaded_harness();
    let outline = Polygon::rectangle(Point::new(400.0, 300.0), Point::new(460.0, 360.0));
    let site = h.state().doc.as_ref().unwrap().project().sites[0].id;
    let ctx = h.ctx.clone();
    let import = Edit::AddReferences {
        site,
        references: vec![ReferenceBuilding {
            id: ReferenceId(1),
            outline: outline.clone(),
            source: "buildings.geojson".into(),
            attributes: Default::default(),
        }],
    };
    h.state_mut()
        .handle(&ctx, sitediff::app::Action::Edit(import));
    h.step();
    let before = h.state().doc.as_ref().unwrap().project().sites[0]
        .footprints
        .len();

    let at = screen_of(h.state(), 0, Point::new(430.0, 330.0));
    click_at(&mut h, at);
    assert_eq!(h.state().selection.reference, Some(ReferenceId(1)));
    h.key_press(egui::Key::D);
    h.step();
    h.step();

    let project = h.state().doc.as_ref().unwrap().project().clone();
    let s = &project.sites[0];
    assert!(s.references.is_empty(), "the reference is gone");
    assert_eq!(s.footprints.len(), before + 1);
    let made = s.footprints.last().unwrap();
    assert_eq!(made.kind, ChangeKind::Demolished);
    assert_eq!(made.outline, outline);
    assert!(
        h.state().selection.contains(made.id),
        "the new footprint is selected"
    );

    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    h.step();
    let s = &h.state().doc.as_ref().unwrap().project().sites[0];
    assert_eq!(s.footprints.len(), before, "undo removes the footprint");
    assert_eq!(s.references.len(), 1, "and brings the reference back");
}

#[test]
fn exporting_from_the_window_writes_the_file_in_the_background_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::project_on_disk(dir.path());
    crate::support::georeference_on_disk(&path);
    let mut h = harness_for(&path);
    h.step();
    let out = dir.path().join("out.geojson");
    let ctx = h.ctx.clone();
    h.state_mut().handle(
        &ctx,
        sitediff::app::Action::ExportGis {
            path: out.clone(),
            format: sitediff::gis::ExportFormat::GeoJson,
        },
    );
    assert!(h.state().exporting(), "running on its own thread");
    step_until(&mut h, "the export to finish", |app| !app.exporting());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"FeatureCollection\""), "{text}");
    assert!(
        h.state()
            .notice()
            .is_some_and(|n| n.starts_with("Exported 1 footprint(s)"))
    );
    assert!(h.state().dialogs.message.is_none());
}
