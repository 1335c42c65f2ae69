//! Headless UI tests of drawing, editing and labelling footprints, driven through egui_kittest
//! like a person: clicks at screen positions, keys, drags; asserting on the project.

use crate::support::ui::*;
use egui::{Modifiers, PointerButton, Vec2};
use egui_kittest::kittest::Queryable;
use sitediff::app::state::CompareMode;
use sitediff::editing::tools::ToolKind;
use sitediff::model::{ChangeKind, Confidence, Footprint, FootprintId, Point};

fn footprints(h: &H) -> Vec<Footprint> {
    h.state().doc.as_ref().unwrap().project().sites[0]
        .footprints
        .clone()
}

fn newest(h: &H) -> Footprint {
    footprints(h).last().unwrap().clone()
}

fn key(h: &mut H, k: egui::Key) {
    h.key_press(k);
    h.step();
    h.step();
}

/// Clicks each site point in `pane`, at its screen position under the current view.
fn click_site_points(h: &mut H, pane: usize, points: &[Point]) {
    for p in points {
        let at = screen_of(h.state(), pane, *p);
        click_at(h, at);
    }
}

/// The site point under a screen position, for comparing vertices with clicks.
fn close(a: Point, b: Point, zoom: f64) -> bool {
    // A click lands on a screen point; at this zoom that is within a pixel or so of the site.
    a.distance(b) <= 1.0 / zoom + 1e-3
}

fn zoom_in(h: &mut H, notches: f32) {
    let c = h.state().panes[0].rect.center();
    wheel(h, c, notches);
    h.step();
    h.step();
}

#[test]
fn a_polygon_by_clicks_has_the_clicked_site_points_at_two_zooms_and_in_the_right_pane() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::A);
    assert_eq!(h.state().tool_kind(), ToolKind::Polygon);
    let first = [
        Point::new(380.0, 240.0),
        Point::new(460.0, 250.0),
        Point::new(450.0, 330.0),
        Point::new(390.0, 320.0),
    ];
    let before = footprints(&h).len();
    click_site_points(&mut h, 0, &first);
    // Close on the first corner.
    let at = screen_of(h.state(), 0, first[0]);
    click_at(&mut h, at);
    assert_eq!(footprints(&h).len(), before + 1);
    let zoom = h.state().compare.view.zoom;
    let f = newest(&h);
    assert_eq!(f.outline.len(), 4);
    for (v, p) in f.outline.0.iter().zip(&first) {
        assert!(close(*v, *p, zoom), "{v:?} vs {p:?} at zoom {zoom}");
    }
    // Zoomed in, in the after pane, finished with Enter.
    let fit_zoom = zoom;
    zoom_in(&mut h, 3.0);
    let zoom = h.state().compare.view.zoom;
    assert!(zoom > fit_zoom * 1.9, "{fit_zoom} -> {zoom}");
    let centre = h
        .state()
        .compare
        .view
        .screen_to_site(h.state().panes[1].rect, h.state().panes[1].rect.center());
    let second: Vec<Point> = [(-30.0, -20.0), (25.0, -22.0), (28.0, 18.0), (-27.0, 21.0)]
        .iter()
        .map(|(dx, dy)| Point::new(centre.x + dx, centre.y + dy))
        .collect();
    click_site_points(&mut h, 1, &second);
    key(&mut h, egui::Key::Enter);
    let f = newest(&h);
    assert_eq!(footprints(&h).len(), before + 2);
    for (v, p) in f.outline.0.iter().zip(&second) {
        assert!(close(*v, *p, zoom), "{v:?} vs {p:?} at zoom {zoom}");
    }
    // It shows in both panes: drawn in the after pane, stored once in site coordinates.
    assert!(f.after_outline.is_none());
}

#[test]
fn three_clicks_and_one_key_draw_and_label_a_building() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::B);
    assert_eq!(h.state().tool_kind(), ToolKind::Building);
    let before = footprints(&h).len();
    // The four inputs: three clicks and D.
    click_site_points(
        &mut h,
        0,
        &[
            Point::new(400.0, 300.0),
            Point::new(480.0, 300.0),
            Point::new(470.0, 360.0),
        ],
    );
    key(&mut h, egui::Key::D);
    let all = footprints(&h);
    assert_eq!(all.len(), before + 1);
    let f = all.last().unwrap();
    assert_eq!(f.kind, ChangeKind::Demolished);
    assert_eq!(f.author, "tester");
    let zoom = h.state().compare.view.zoom;
    let bb = f.outline.bounding_box().unwrap();
    assert!(close(bb.min, Point::new(400.0, 300.0), zoom), "{bb:?}");
    assert!(
        (bb.height() - 60.0).abs() < 2.0 / zoom + 1e-3,
        "depth {bb:?}"
    );
    assert_eq!(f.outline.len(), 4);
    // The tool stays: the next click starts the next building, labelled like the last one.
    assert_eq!(h.state().tool_kind(), ToolKind::Building);
    click_site_points(
        &mut h,
        0,
        &[
            Point::new(400.0, 400.0),
            Point::new(440.0, 400.0),
            Point::new(440.0, 430.0),
        ],
    );
    assert_eq!(footprints(&h).len(), before + 2);
    assert_eq!(
        newest(&h).kind,
        ChangeKind::Demolished,
        "the kind last used"
    );
}

#[test]
fn n_and_r_relabel_the_selection_and_each_label_is_one_undo_step() {
    let (_dir, mut h) = loaded_harness();
    // Select F1 by clicking inside it (220..300, 120..200).
    let at = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    click_at(&mut h, at);
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(1)]);
    key(&mut h, egui::Key::R);
    assert_eq!(footprints(&h)[0].kind, ChangeKind::Renovated);
    key(&mut h, egui::Key::D);
    assert_eq!(footprints(&h)[0].kind, ChangeKind::Demolished);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(footprints(&h)[0].kind, ChangeKind::Renovated);
    key(&mut h, egui::Key::N);
    assert_eq!(footprints(&h)[0].kind, ChangeKind::New);
}

#[test]
fn dragging_a_corner_moves_it_and_undo_puts_it_back_with_the_selection() {
    let (_dir, mut h) = loaded_harness();
    zoom_in(&mut h, 2.0);
    let corner = Point::new(300.0, 200.0);
    let from = screen_of(h.state(), 0, corner);
    let to = from + Vec2::new(30.0, 20.0);
    drag(&mut h, PointerButton::Primary, from, to);
    let zoom = h.state().compare.view.zoom;
    let moved = footprints(&h)[0].outline.0[2];
    let expected = Point::new(300.0 + 30.0 / zoom, 200.0 + 20.0 / zoom);
    assert!(close(moved, expected, zoom), "{moved:?} vs {expected:?}");
    assert!(h.state().is_dirty());
    let undo_label = h.state().doc.as_ref().unwrap().history().undo_description();
    assert_eq!(undo_label.as_deref(), Some("move a corner of F1"));
    // Select nothing, then undo: the corner is back and F1 is selected again.
    let empty = screen_of(h.state(), 0, Point::new(600.0, 60.0));
    click_at(&mut h, empty);
    assert!(h.state().selection.is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(footprints(&h)[0].outline.0[2], corner);
    assert!(!h.state().is_dirty(), "back at the saved state");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::Z);
    h.step();
    assert!(close(footprints(&h)[0].outline.0[2], expected, zoom));
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(1)]);
}

#[test]
fn q_squares_a_rough_outline() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::A);
    let rough = [
        Point::new(400.0, 300.0),
        Point::new(480.0, 304.0),
        Point::new(477.0, 362.0),
        Point::new(397.0, 357.0),
    ];
    click_site_points(&mut h, 0, &rough);
    key(&mut h, egui::Key::Enter);
    key(&mut h, egui::Key::Q);
    let o = newest(&h).outline;
    let n = o.len();
    for i in 0..n {
        let (a, b, c) = (o.0[(i + n - 1) % n], o.0[i], o.0[(i + 1) % n]);
        let dot = (a.x - b.x) * (c.x - b.x) + (a.y - b.y) * (c.y - b.y);
        assert!(dot.abs() < 1e-6, "corner {i} is square: {o:?}");
    }
    assert_eq!(
        h.state()
            .doc
            .as_ref()
            .unwrap()
            .history()
            .undo_description()
            .as_deref(),
        Some("square F2")
    );
}

#[test]
fn a_drawn_footprint_survives_save_and_reopen_unchanged() {
    let (dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::B);
    click_site_points(
        &mut h,
        0,
        &[
            Point::new(400.0, 300.0),
            Point::new(480.0, 310.0),
            Point::new(470.0, 370.0),
        ],
    );
    key(&mut h, egui::Key::R);
    let drawn = newest(&h);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::S);
    h.step();
    assert!(!h.state().is_dirty());
    // Closed first: the project is not open in two windows.
    h.state_mut().shut_down();
    drop(h);
    let mut again = harness_for(&dir.path().join("yard.ron"));
    again.step();
    let reopened = again.state().doc.as_ref().unwrap().project().sites[0]
        .footprints
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        reopened, drawn,
        "every field, every coordinate, bit for bit"
    );
}

#[test]
fn drawing_works_in_swipe_blink_and_overlay_and_panning_mid_shape_keeps_the_shape() {
    let (_dir, mut h) = loaded_harness();
    for (mode_key, mode) in [
        (egui::Key::Num2, CompareMode::Swipe),
        (egui::Key::Num3, CompareMode::Blink),
        (egui::Key::Num4, CompareMode::Overlay),
    ] {
        key(&mut h, mode_key);
        assert_eq!(h.state().compare.mode, mode);
        key(&mut h, egui::Key::A);
        let before = footprints(&h).len();
        let pts = [
            Point::new(420.0, 260.0),
            Point::new(470.0, 262.0),
            Point::new(468.0, 300.0),
        ];
        click_site_points(&mut h, 0, &pts[..2]);
        // Pan with the middle button between two corners.
        let c = h.state().panes[0].rect.center();
        drag(&mut h, PointerButton::Middle, c, c + Vec2::new(-40.0, 25.0));
        click_site_points(&mut h, 0, &pts[2..]);
        key(&mut h, egui::Key::Enter);
        assert_eq!(footprints(&h).len(), before + 1, "{mode:?}");
        let zoom = h.state().compare.view.zoom;
        for (v, p) in newest(&h).outline.0.iter().zip(&pts) {
            assert!(close(*v, *p, zoom), "{mode:?}: {v:?} vs {p:?}");
        }
        key(&mut h, egui::Key::Escape);
        key(&mut h, egui::Key::Escape);
        assert_eq!(
            h.state().tool_kind(),
            ToolKind::Select,
            "Esc returns to select"
        );
    }
}

#[test]
fn clicking_in_empty_space_deselects_shift_click_adds_and_delete_removes_the_selection() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::B);
    click_site_points(
        &mut h,
        0,
        &[
            Point::new(400.0, 300.0),
            Point::new(480.0, 300.0),
            Point::new(480.0, 360.0),
        ],
    );
    key(&mut h, egui::Key::V);
    let f1 = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    let f2 = screen_of(h.state(), 0, Point::new(440.0, 330.0));
    click_at(&mut h, f1);
    click_with(&mut h, f2, Modifiers::SHIFT);
    assert_eq!(h.state().selection.len(), 2);
    key(&mut h, egui::Key::Delete);
    assert!(footprints(&h).is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(footprints(&h).len(), 2, "one undo step brings both back");
    assert_eq!(h.state().selection.len(), 2, "and selects them again");
}

#[test]
fn ctrl_arrows_nudge_the_selection_and_plain_arrows_still_pan() {
    let (_dir, mut h) = loaded_harness();
    let at = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    click_at(&mut h, at);
    let view = h.state().compare.view;
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::ArrowRight);
    h.step();
    assert_eq!(footprints(&h)[0].outline.0[0], Point::new(221.0, 120.0));
    assert_eq!(h.state().compare.view, view, "nudging does not pan");
    h.key_press(egui::Key::ArrowRight);
    h.step();
    assert_ne!(h.state().compare.view, view, "arrows pan");
    assert_eq!(footprints(&h)[0].outline.0[0], Point::new(221.0, 120.0));
}

#[test]
fn the_inspector_sets_confidence_tags_and_note_each_as_one_undo_step() {
    let (_dir, mut h) = loaded_harness();
    let at = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    click_at(&mut h, at);
    h.get_by_label("high").click();
    h.step();
    h.step();
    assert_eq!(footprints(&h)[0].confidence, Confidence::High);
    // A tag typed and entered.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Tags")
        .focus();
    h.step();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Tags")
        .type_text("warehouse");
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    assert_eq!(footprints(&h)[0].tags, vec!["warehouse"]);
    let undo = |h: &H| h.state().doc.as_ref().unwrap().history().undo_description();
    assert_eq!(undo(&h).as_deref(), Some("tag F1 \"warehouse\""));
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert!(footprints(&h)[0].tags.is_empty());
    assert_eq!(footprints(&h)[0].confidence, Confidence::High);
}

#[test]
fn clicking_a_row_of_the_footprint_list_selects_it_and_centres_the_panes_on_it() {
    let (_dir, mut h) = loaded_harness();
    // Move away first so centring is visible.
    let c = h.state().panes[0].rect.center();
    drag(
        &mut h,
        PointerButton::Middle,
        c,
        c + Vec2::new(200.0, 150.0),
    );
    h.get_by_label("F1").click();
    h.step();
    h.step();
    h.step();
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(1)]);
    let centre = h.state().compare.view.center;
    assert!(
        centre.distance(Point::new(260.0, 160.0)) < 1.0,
        "the view centres on F1: {centre:?}"
    );
    // Tab walks the list.
    key(&mut h, egui::Key::Tab);
    assert_eq!(
        h.state().selection.to_vec(),
        vec![FootprintId(1)],
        "one row: wraps"
    );
}

#[test]
fn a_shape_with_two_corners_is_refused_with_a_message_and_never_saved() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::A);
    click_site_points(
        &mut h,
        0,
        &[Point::new(400.0, 300.0), Point::new(480.0, 300.0)],
    );
    key(&mut h, egui::Key::Enter);
    assert_eq!(footprints(&h).len(), 1);
    assert!(
        h.state()
            .notice()
            .is_some_and(|m| m.contains("at least 3 distinct corners")),
        "{:?}",
        h.state().notice()
    );
    assert!(!h.state().is_dirty());
}

#[test]
fn a_corner_snaps_to_a_neighbour_and_alt_does_not_snap() {
    let (_dir, mut h) = loaded_harness();
    zoom_in(&mut h, 2.0);
    key(&mut h, egui::Key::B);
    // F1's corner (300, 120), clicked 3 screen points off.
    let corner = screen_of(h.state(), 0, Point::new(300.0, 120.0));
    click_at(&mut h, corner + Vec2::new(3.0, -2.0));
    let next = screen_of(h.state(), 0, Point::new(360.0, 120.0));
    click_at(&mut h, next + Vec2::new(0.0, -20.0));
    let depth = screen_of(h.state(), 0, Point::new(360.0, 60.0));
    click_at(&mut h, depth);
    assert_eq!(
        newest(&h).outline.0[0],
        Point::new(300.0, 120.0),
        "snapped exactly"
    );
}

#[test]
fn c_gives_a_renovation_its_own_after_outline_which_the_after_pane_edits_alone() {
    let (_dir, mut h) = loaded_harness();
    zoom_in(&mut h, 1.0);
    let inside = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    click_at(&mut h, inside);
    key(&mut h, egui::Key::C);
    let f = footprints(&h)[0].clone();
    assert_eq!(f.kind, ChangeKind::Renovated);
    assert_eq!(f.after_outline.as_ref(), Some(&f.outline));
    // Drag the after-outline's corner (300, 200) in the after pane, outward.
    let from = screen_of(h.state(), 1, Point::new(300.0, 200.0));
    drag(
        &mut h,
        PointerButton::Primary,
        from,
        from + Vec2::new(40.0, 0.0),
    );
    let f = footprints(&h)[0].clone();
    assert_eq!(
        f.outline.0[2],
        Point::new(300.0, 200.0),
        "the before outline stays"
    );
    let after = f.after_outline.unwrap();
    assert!(
        after.0[2].x > 300.0 + 20.0 / h.state().compare.view.zoom,
        "{after:?}"
    );
    // In the before pane the same drag moves the outline, not the after-outline.
    let from = screen_of(h.state(), 0, Point::new(220.0, 120.0));
    drag(
        &mut h,
        PointerButton::Primary,
        from,
        from + Vec2::new(-20.0, 0.0),
    );
    let g = footprints(&h)[0].clone();
    assert!(g.outline.0[0].x < 220.0);
    assert_eq!(g.after_outline.unwrap(), after);
}

#[test]
fn overlapping_footprints_of_one_kind_are_warned_in_the_inspector_and_the_list() {
    let (_dir, mut h) = loaded_harness();
    // Draw a new building across F1 (220..300, 120..200), labelled like F1: new.
    key(&mut h, egui::Key::N);
    key(&mut h, egui::Key::B);
    click_site_points(
        &mut h,
        0,
        &[
            Point::new(260.0, 170.0),
            Point::new(340.0, 170.0),
            Point::new(340.0, 230.0),
        ],
    );
    h.step();
    assert_eq!(newest(&h).kind, ChangeKind::New);
    assert!(
        h.query_by_label("! overlaps F1, which has the same change kind")
            .is_some()
    );
    // The list filtered to warnings shows both.
    h.get_by_label("! only").click();
    h.step();
    h.step();
    assert_eq!(h.state().list_rows(), &[FootprintId(1), FootprintId(2)]);
    // Relabelled demolished, the warning goes.
    key(&mut h, egui::Key::D);
    h.step();
    assert!(h.state().warnings().is_empty());
}

#[test]
fn tab_walks_every_footprint_of_the_list_and_shift_tab_walks_back() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::B);
    for x in [400.0, 480.0] {
        click_site_points(
            &mut h,
            0,
            &[
                Point::new(x, 300.0),
                Point::new(x + 50.0, 300.0),
                Point::new(x + 50.0, 340.0),
            ],
        );
    }
    key(&mut h, egui::Key::V);
    let mut seen = Vec::new();
    for _ in 0..4 {
        key(&mut h, egui::Key::Tab);
        seen.push(h.state().selection.to_vec()[0].0);
    }
    // From F3 (just drawn), on round the list: F1, F2, F3, F1.
    assert_eq!(seen, vec![1, 2, 3, 1]);
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::Tab);
    h.step();
    h.step();
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(3)]);
}

#[test]
fn dragging_the_swipe_divider_moves_the_divider_and_never_a_footprint() {
    let (_dir, mut h) = loaded_harness();
    key(&mut h, egui::Key::Num2);
    let pane = h.state().panes[0].rect;
    // Put F1 under the divider: the divider sits at the pane's middle.
    let f1 = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    let c = pane.center();
    drag(&mut h, PointerButton::Middle, f1, egui::pos2(c.x, f1.y));
    let before = footprints(&h);
    let x = pane.left() + h.state().compare.swipe * pane.width();
    let y = screen_of(h.state(), 0, Point::new(260.0, 160.0)).y;
    drag(
        &mut h,
        PointerButton::Primary,
        egui::pos2(x, y),
        egui::pos2(x + 120.0, y),
    );
    let swipe = h.state().compare.swipe;
    assert!(
        (swipe - (0.5 + 120.0 / pane.width())).abs() < 0.02,
        "the divider followed: {swipe}"
    );
    assert_eq!(footprints(&h), before, "no footprint moved");
    assert!(!h.state().is_dirty());
}

#[test]
fn the_right_click_menu_stays_open_while_the_pointer_moves_to_its_items() {
    let (_dir, mut h) = loaded_harness();
    let at = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    h.hover_at(at);
    h.step();
    h.event(egui::Event::PointerButton {
        pos: at,
        button: PointerButton::Secondary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    h.event(egui::Event::PointerButton {
        pos: at,
        button: PointerButton::Secondary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.step();
    h.step();
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(1)]);
    // Menu items carry their key: "Label demolished D".
    let item = h.get_by_label("Label demolished D").rect();
    // Move towards the item in small steps, as a hand does.
    for i in 1..=8 {
        h.hover_at(at + (item.center() - at) * (i as f32 / 8.0));
        h.step();
    }
    h.get_by_label("Label demolished D").click();
    h.step();
    h.step();
    assert_eq!(footprints(&h)[0].kind, ChangeKind::Demolished);
    assert!(
        h.query_by_label("Label demolished D").is_none(),
        "closed after choosing"
    );
    // Esc closes it without choosing.
    h.event(egui::Event::PointerButton {
        pos: at,
        button: PointerButton::Secondary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: at,
        button: PointerButton::Secondary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.step();
    h.step();
    assert!(h.query_by_label("Label new N").is_some());
    key(&mut h, egui::Key::Escape);
    assert!(h.query_by_label("Label new N").is_none());
    assert_eq!(
        h.state().selection.to_vec(),
        vec![FootprintId(1)],
        "Esc only closed the menu"
    );
}
