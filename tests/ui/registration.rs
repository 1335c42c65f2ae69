//! Headless UI tests of registration: tie points clicked in the two panes, the fit applied as
//! one undo step, the nudge keys.

use crate::support::ui::*;
use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use sitediff::app::SiteDiffApp;
use sitediff::editing::tools::{Tool, ToolKind};
use sitediff::model::{Affine, ImageId, Point};

/// The after image's (image 3's) transform into the site frame.
fn after_transform(app: &SiteDiffApp) -> Affine {
    let doc = app.doc.as_ref().unwrap();
    doc.project().sites[0].image(ImageId(3)).unwrap().to_site
}

#[test]
fn four_pairs_clicked_in_the_two_panes_register_the_after_image_in_one_undoable_step() {
    let (_dir, mut h) = loaded_harness();
    assert!(after_transform(h.state()).is_identity());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::G);
    h.step();
    assert_eq!(h.state().tool_kind(), ToolKind::Registration);
    // Each feature at site point s shows at m(s) in the after pane: a scale and a shift.
    let m = |p: Point| Point::new(0.9 * p.x + 20.0, 0.9 * p.y - 10.0);
    let features = [
        (100.0, 100.0),
        (500.0, 120.0),
        (480.0, 400.0),
        (120.0, 380.0),
    ];
    for (i, (x, y)) in features.into_iter().enumerate() {
        let s = Point::new(x, y);
        let left = screen_of(h.state(), 0, s);
        click_at(&mut h, left);
        let right = screen_of(h.state(), 1, m(s));
        click_at(&mut h, right);
        let Tool::Registration(t) = &h.state().tool else {
            panic!("left registration after pair {}", i + 1)
        };
        assert_eq!(t.pairs().len(), i + 1);
    }
    // The residuals are listed (all near zero: the clicks fit an affine exactly).
    assert!(h.query_by_label_contains("RMS 0.00 px").is_some());
    h.get_by_label("Apply").click();
    h.step();
    h.step();
    assert_eq!(
        h.state().tool_kind(),
        ToolKind::Select,
        "Apply leaves the mode"
    );
    // The fit maps the after image's pixels m(s) back onto s: the inverse of m.
    let expected = Affine {
        xx: 1.0 / 0.9,
        xy: 0.0,
        tx: -20.0 / 0.9,
        yx: 0.0,
        yy: 1.0 / 0.9,
        ty: 10.0 / 0.9,
    };
    let got = after_transform(h.state());
    assert!(got.approx_eq(&expected, 0.01), "{got:?} vs {expected:?}");
    // Footprints stay in site coordinates.
    let fp = &h.state().doc.as_ref().unwrap().project().sites[0].footprints[0];
    assert_eq!(fp.outline.0[0], Point::new(220.0, 120.0));

    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert!(
        after_transform(h.state()).is_identity(),
        "one undo restores the identity"
    );
}

#[test]
fn escape_leaves_registration_without_changing_the_image() {
    let (_dir, mut h) = loaded_harness();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::G);
    h.step();
    let p = screen_of(h.state(), 0, Point::new(200.0, 200.0));
    click_at(&mut h, p);
    h.key_press(egui::Key::Escape);
    h.step();
    assert_eq!(
        h.state().tool_kind(),
        ToolKind::Registration,
        "the first Esc drops the click"
    );
    h.key_press(egui::Key::Escape);
    h.step();
    assert_eq!(h.state().tool_kind(), ToolKind::Select);
    assert!(after_transform(h.state()).is_identity());
    assert!(!h.state().is_dirty());
}

#[test]
fn the_reference_image_alone_cannot_be_registered() {
    let (_dir, mut h) = loaded_harness();
    h.state_mut().pair.after = Some(ImageId(1));
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::G);
    h.step();
    assert_eq!(h.state().tool_kind(), ToolKind::Select);
    let notice = h.state().notice().unwrap_or_default().to_string();
    assert!(
        notice.contains("reference image cannot be registered"),
        "{notice}"
    );
}

#[test]
fn alt_arrows_nudge_the_after_image_one_undo_step_each() {
    let (_dir, mut h) = loaded_harness();
    h.key_press_modifiers(Modifiers::ALT, egui::Key::ArrowRight);
    h.step();
    assert_eq!(after_transform(h.state()), Affine::translation(1.0, 0.0));
    h.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, egui::Key::ArrowDown);
    h.step();
    assert_eq!(after_transform(h.state()), Affine::translation(1.0, 10.0));
    // The reference (before) image never moves.
    let doc = h.state().doc.as_ref().unwrap();
    assert!(
        doc.project().sites[0]
            .image(ImageId(1))
            .unwrap()
            .to_site
            .is_identity()
    );
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(after_transform(h.state()), Affine::translation(1.0, 0.0));
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert!(after_transform(h.state()).is_identity());
}

#[test]
fn on_a_georeferenced_site_residuals_are_also_given_in_metres() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::project_on_disk(dir.path());
    // Half-metre pixels in UTM zone 15N.
    crate::support::georeference_on_disk(&path);
    let mut h = harness_for(&path);
    step_until(&mut h, "images to load", loaded);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::G);
    h.step();
    // Three pairs 4 px apart: an exact fit (a shift), residuals 0.
    for (x, y) in [(100.0, 100.0), (500.0, 120.0), (300.0, 400.0)] {
        let s = Point::new(x, y);
        let left = screen_of(h.state(), 0, s);
        click_at(&mut h, left);
        let right = screen_of(h.state(), 1, Point::new(x + 4.0, y));
        click_at(&mut h, right);
    }
    assert!(
        h.query_by_label_contains("RMS 0.00 px · 0.00 m").is_some(),
        "metres beside pixels"
    );
}
