//! Headless UI tests of the compare workspace, driven through egui_kittest: real clicks, keys
//! and wheel events on the real app, asserting on its state and on what it painted.

use crate::support::ui::*;
use egui::accesskit::Role;
use egui::{Modifiers, PointerButton, Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{Queryable, by};
use sitediff::app::SiteDiffApp;
use sitediff::app::state::CompareMode;
use sitediff::editing::tools::ToolKind;
use sitediff::model::ImageId;

/// The painted image's rectangle relative to its pane's top-left corner.
fn painted_offset(h: &H, pane: usize) -> Rect {
    let pane_rect = h.state().panes[pane].rect;
    let r = painted_image_rect(h, pane_rect).expect("an image is painted in the pane");
    r.translate(-pane_rect.min.to_vec2())
}

fn close_rects(a: Rect, b: Rect, tol: f32) -> bool {
    (a.min - b.min).length() < tol && (a.max - b.max).length() < tol
}

#[test]
fn a_wheel_in_one_pane_zooms_both_panes_identically_about_the_cursor() {
    let (_dir, mut h) = loaded_harness();
    assert_eq!(h.state().panes.len(), 2);
    let left0 = painted_offset(&h, 0);
    let right0 = painted_offset(&h, 1);
    assert!(close_rects(left0, right0, 0.5), "{left0:?} {right0:?}");
    let pane = h.state().panes[0].rect;
    let cursor = pane.center() + Vec2::new(40.0, -30.0);
    // Where the cursor falls in the painted image, as a fraction of its size.
    let fraction = |r: Rect| ((cursor - pane.min) - r.min.to_vec2()) / r.size();
    let before = fraction(left0);

    wheel(&h, cursor, 3.0);
    h.step();
    h.step();

    let left1 = painted_offset(&h, 0);
    let right1 = painted_offset(&h, 1);
    let grown = left1.width() / left0.width();
    assert!(
        (grown - 1.25f32.powi(3)).abs() < 0.02,
        "three notches zoom in: {grown}"
    );
    assert!(
        (fraction(left1) - before).length() < 0.002,
        "the image point under the cursor stays under it"
    );
    assert!(
        close_rects(left1, right1, 0.5),
        "the right pane painted the same area: {left1:?} {right1:?}"
    );
}

#[test]
fn a_middle_drag_in_the_right_pane_pans_both_panes() {
    let (_dir, mut h) = loaded_harness();
    let start = [painted_offset(&h, 0), painted_offset(&h, 1)];
    let right = h.state().panes[1].rect;
    let from = right.center();
    let to = from + Vec2::new(-120.0, 45.0);
    drag(&mut h, PointerButton::Middle, from, to);
    for (pane, start) in start.iter().enumerate() {
        let moved = painted_offset(&h, pane).min - start.min;
        assert!(
            (moved - (to - from)).length() < 1.0,
            "pane {pane} moved by {moved:?}"
        );
    }
}

#[test]
fn a_left_drag_without_space_does_not_pan() {
    let (_dir, mut h) = loaded_harness();
    let view = h.state().compare.view;
    let from = h.state().panes[0].rect.center();
    h.drag_at(from);
    h.step();
    h.hover_at(from + Vec2::new(80.0, 0.0));
    h.step();
    h.drop_at(from + Vec2::new(80.0, 0.0));
    h.step();
    assert_eq!(
        h.state().compare.view,
        view,
        "left drag is left for the drawing tools"
    );
}

#[test]
fn choosing_another_date_in_the_timeline_changes_the_after_pane_and_its_header() {
    let (_dir, mut h) = loaded_harness();
    assert_eq!(h.state().pair.after, Some(ImageId(3)));
    assert_eq!(
        h.query_all_by_label("2024-07-15").count(),
        2,
        "in the timeline and the header"
    );

    // The "A" buttons of the timeline, in date order: pick April's.
    let a_buttons = h.get_all_by_label("A").collect::<Vec<_>>();
    assert_eq!(a_buttons.len(), 3);
    a_buttons[1].click();
    h.step();
    h.step();

    assert_eq!(h.state().pair.after, Some(ImageId(2)));
    // The header now names April's image and the new gap.
    assert_eq!(
        h.query_all_by_label("yard_2024-04-15.png").count(),
        2,
        "timeline and header"
    );
    assert!(h.query_by_label("91 days after the before image").is_some());
    step_until(&mut h, "April to load", loaded);
}

#[test]
fn keys_step_the_after_image_through_the_timeline() {
    let (_dir, mut h) = loaded_harness();
    h.key_press(egui::Key::OpenBracket);
    h.step();
    assert_eq!(h.state().pair.after, Some(ImageId(2)));
    h.key_press(egui::Key::CloseBracket);
    h.step();
    assert_eq!(h.state().pair.after, Some(ImageId(3)));
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::PageDown);
    h.step();
    assert_eq!(h.state().pair.before, Some(ImageId(2)));
}

#[test]
fn each_mode_can_be_entered_and_left_by_key_and_by_toolbar() {
    let (_dir, mut h) = loaded_harness();
    for (key, mode) in [
        (egui::Key::Num2, CompareMode::Swipe),
        (egui::Key::Num3, CompareMode::Blink),
        (egui::Key::Num4, CompareMode::Overlay),
        (egui::Key::Num1, CompareMode::SideBySide),
    ] {
        h.key_press(key);
        h.step();
        h.step();
        assert_eq!(h.state().compare.mode, mode);
        let panes = if mode == CompareMode::SideBySide {
            2
        } else {
            1
        };
        assert_eq!(h.state().panes.len(), panes);
    }
    for (label, mode) in [
        ("Swipe", CompareMode::Swipe),
        ("Blink", CompareMode::Blink),
        ("Overlay", CompareMode::Overlay),
        ("Side by side", CompareMode::SideBySide),
    ] {
        h.get_by_label_contains(label).click();
        h.step();
        h.step();
        assert_eq!(h.state().compare.mode, mode);
    }
}

#[test]
fn every_mode_shows_the_same_site_area_at_the_same_scale() {
    let (_dir, mut h) = loaded_harness();
    let pane = h.state().panes[0].rect;
    wheel(&h, pane.center(), 2.0);
    h.step();
    h.step();
    // Relative to the pane centre, since the single pane is wider than a side-by-side one.
    let centred = |h: &H| {
        let pane = h.state().panes[0].rect;
        let r = painted_image_rect(h, pane).expect("painted");
        r.translate(-pane.center().to_vec2())
    };
    let side_by_side = centred(&h);
    for key in [egui::Key::Num3, egui::Key::Num4] {
        h.key_press(key);
        h.step();
        h.step();
        h.step();
        let single = centred(&h);
        assert!(
            close_rects(single, side_by_side, 1.0),
            "{key:?}: {single:?} vs {side_by_side:?}"
        );
    }
}

#[test]
fn blink_flips_on_t_b_is_the_building_tool_and_the_swipe_divider_moves_with_shift_arrows() {
    let (_dir, mut h) = loaded_harness();
    h.key_press(egui::Key::Num3);
    h.step();
    h.key_press(egui::Key::P); // Stop the timer so only the key flips.
    h.step();
    let showing = h.state().compare.blink.showing;
    h.key_press(egui::Key::T);
    h.step();
    assert_ne!(h.state().compare.blink.showing, showing);
    let showing = h.state().compare.blink.showing;
    h.key_press(egui::Key::B);
    h.step();
    assert_eq!(
        h.state().compare.blink.showing,
        showing,
        "B no longer flips"
    );
    assert_eq!(h.state().tool_kind(), ToolKind::Building);

    h.key_press(egui::Key::Num2);
    h.step();
    let swipe = h.state().compare.swipe;
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::ArrowRight);
    h.step();
    assert!(h.state().compare.swipe > swipe);
}

#[test]
fn overlay_reports_both_images_under_the_cursor() {
    let (_dir, mut h) = loaded_harness();
    h.key_press(egui::Key::Num4);
    h.step();
    h.hover_at(h.state().panes[0].rect.center());
    h.step();
    h.step();
    assert_eq!(
        h.state().hover.as_ref().map(|x| x.showing),
        Some(sitediff::app::HoverShows::Blend)
    );
    assert!(h.query_by_label_contains("over before").is_some());
}

#[test]
fn opening_another_project_with_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let mut h = harness_for(&project);
    step_until(&mut h, "images to load", loaded);
    make_dirty(&mut h);
    h.step();
    let ctx = h.ctx.clone();
    assert!(h.state().is_dirty());
    assert!(h.state().window_title().starts_with("● "));

    h.state_mut()
        .handle(&ctx, sitediff::app::Action::Open(project.clone()));
    h.step();
    h.step();
    assert!(h.query_by_label("Unsaved changes").is_some());
    h.get_by_label("Cancel").click();
    h.step();
    h.step();
    assert!(h.query_by_label("Unsaved changes").is_none());
    assert_eq!(
        h.state().doc.as_ref().unwrap().project().name,
        "Renamed",
        "cancel keeps the work"
    );

    h.state_mut()
        .handle(&ctx, sitediff::app::Action::Open(project.clone()));
    h.step();
    h.step();
    h.get_by_label("Don't save").click();
    h.step();
    h.step();
    assert_eq!(
        h.state().doc.as_ref().unwrap().project().name,
        "UI test",
        "reopened from disk"
    );
    assert!(!h.state().is_dirty());
}

#[test]
fn a_missing_image_shows_its_path_and_can_be_relinked_by_typing_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let moved = dir.path().join("moved");
    std::fs::create_dir(&moved).unwrap();
    let old = dir.path().join("yard_2024-07-15.png");
    let new = moved.join("yard_2024-07-15.png");
    std::fs::rename(&old, &new).unwrap();

    let mut h = harness_for(&project);
    step_until(&mut h, "the placeholder", |app| {
        app.images.get(&old).is_some_and(|s| s.error().is_some())
    });
    h.step();
    assert!(h.query_by_label("Image cannot be shown").is_some());
    assert!(h.query_by_label(&old.display().to_string()).is_some());

    h.get_by_label("Locate…").click();
    h.step();
    h.step();
    h.step();
    assert!(h.query_by_label("Locate image").is_some());
    // The dialog's field starts with the old path; replace it.
    let old_text = old.display().to_string();
    let path_field = || by().role(Role::TextInput).value(&old_text);
    h.get(path_field()).focus();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get(path_field()).type_text(&new.display().to_string());
    h.step();
    h.get_by_label("OK").click();
    h.step();
    h.step();

    let app = h.state();
    let doc = app.doc.as_ref().unwrap();
    assert_eq!(
        doc.project().sites[0].image(ImageId(3)).unwrap().path,
        "moved/yard_2024-07-15.png"
    );
    assert!(app.is_dirty(), "relinking marks the project changed");
    step_until(&mut h, "the relinked image to load", loaded);
    assert!(h.query_by_label("Image cannot be shown").is_none());

    // And it is one undo step.
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, sitediff::app::Action::Undo);
    assert_eq!(
        h.state().doc.as_ref().unwrap().project().sites[0]
            .image(ImageId(3))
            .unwrap()
            .path,
        "yard_2024-07-15.png"
    );
}

#[test]
fn f1_opens_and_closes_the_keyboard_shortcut_sheet() {
    let (_dir, mut h) = loaded_harness();
    h.key_press(egui::Key::F1);
    h.step();
    h.step();
    assert!(h.query_all_by_label("Keyboard shortcuts").next().is_some());
    assert!(
        h.query_by_label("Zoom at the pointer (every pane follows)")
            .is_some()
    );
    h.key_press(egui::Key::F1);
    h.step();
    h.step();
    assert!(
        h.query_by_label("Zoom at the pointer (every pane follows)")
            .is_none()
    );
    // Esc closes it too.
    h.key_press(egui::Key::F1);
    h.step();
    h.step();
    assert!(
        h.query_by_label("Zoom at the pointer (every pane follows)")
            .is_some()
    );
    h.key_press(egui::Key::Escape);
    h.step();
    h.step();
    assert!(
        h.query_by_label("Zoom at the pointer (every pane follows)")
            .is_none()
    );
}

#[test]
fn the_new_project_dialog_creates_and_opens_a_project_from_typed_paths() {
    let dir = tempfile::tempdir().unwrap();
    let existing = crate::support::project_on_disk(dir.path());
    let mut h = harness_for(&existing);
    step_until(&mut h, "images to load", loaded);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::N);
    h.step();
    h.step();
    h.step();
    assert!(h.query_by_label("New project from images").is_some());
    let new_file = dir.path().join("fresh.ron");
    let img_a = dir.path().join("yard_2024-01-15.png");
    let img_b = dir.path().join("yard_2024-07-15.png");
    // Type into the fields, found by the labels beside them.
    let typed = [
        (
            "Project file",
            Role::TextInput,
            new_file.display().to_string(),
        ),
        ("Site name", Role::TextInput, "Fresh site".to_string()),
        (
            "Images\n(one per line)",
            Role::MultilineTextInput,
            format!("{}\n{}", img_a.display(), img_b.display()),
        ),
    ];
    for (label, role, text) in &typed {
        h.get_by_role_and_label(*role, label).focus();
        h.step();
        h.get_by_role_and_label(*role, label).type_text(text);
        h.step();
    }
    h.step();
    h.get_by_label("Create").click();
    h.step();
    h.step();
    let app = h.state();
    let doc = app.doc.as_ref().unwrap();
    assert_eq!(doc.path, new_file);
    assert_eq!(doc.project().sites[0].name, "Fresh site");
    let dates: Vec<String> = doc.project().sites[0]
        .images
        .iter()
        .map(|i| i.date.to_string())
        .collect();
    assert_eq!(
        dates,
        ["2024-01-15", "2024-07-15"],
        "dates come from the file names"
    );
    assert!(new_file.exists(), "the project is saved at once");
    assert!(!app.is_dirty());
}

#[test]
fn clicking_a_date_in_the_timeline_sets_it_as_one_undoable_change() {
    let (_dir, mut h) = loaded_harness();
    // Pressed and released in separate frames, as a hand does.
    let date = h.get_by_label("2024-04-15").rect().center();
    click_at(&mut h, date);
    h.step();
    assert!(h.query_by_label("Set capture date").is_some());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.step();
    // The dialog's field holds the current date, selected by Ctrl+A; type over it.
    h.get(by().role(Role::TextInput).value("2024-04-15"))
        .type_text("20240501");
    h.step();
    h.get_by_label("OK").click();
    h.step();
    h.step();
    let date = |h: &Harness<'_, SiteDiffApp>| {
        h.state().doc.as_ref().unwrap().project().sites[0]
            .image(ImageId(2))
            .unwrap()
            .date
            .to_string()
    };
    assert_eq!(
        date(&h),
        "2024-05-01",
        "the compact form file names use is accepted"
    );
    assert!(h.state().is_dirty());
    assert!(h.query_by_label("Set capture date").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(date(&h), "2024-04-15");
}

#[test]
fn quitting_with_unsaved_changes_asks_first_and_cancel_keeps_the_window() {
    let (_dir, mut h) = loaded_harness();
    make_dirty(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Q);
    h.step();
    h.step();
    h.step();
    assert!(h.query_by_label("Unsaved changes").is_some());
    assert!(h.query_by_label_contains("before closing").is_some());
    h.get_by_label("Cancel").click();
    h.step();
    h.step();
    assert!(h.query_by_label("Unsaved changes").is_none());
    assert!(h.state().is_dirty());
}

#[test]
fn auto_stretch_in_the_display_adjustments_changes_how_the_after_image_is_drawn() {
    let (dir, mut h) = loaded_harness();
    let after_file = dir.path().join("yard_2024-07-15.png");
    let lut_before = *h.state().images.get(&after_file).unwrap().lut();
    h.get_by_label("Display adjustments").click();
    h.step();
    h.step();
    let boxes = h
        .get_all_by_label("auto stretch 2–98 %")
        .collect::<Vec<_>>();
    assert_eq!(boxes.len(), 2, "one per compared image");
    boxes[1].click();
    h.step();
    h.step();
    let app = h.state();
    assert!(app.adjustments[&ImageId(3)].auto_stretch);
    assert!(
        !app.adjustments
            .get(&ImageId(1))
            .is_some_and(|a| a.auto_stretch)
    );
    let lut_after = *app.images.get(&after_file).unwrap().lut();
    assert_ne!(
        lut_before, lut_after,
        "the tiles are redrawn through a new lookup table"
    );
    assert!(
        !app.is_dirty(),
        "display adjustments never change the project"
    );
}

#[test]
fn the_window_close_button_with_unsaved_changes_is_cancelled_and_asks() {
    let (_dir, mut h) = loaded_harness();
    make_dirty(&mut h);
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
    let commands = &h.output().viewport_output[&egui::ViewportId::ROOT].commands;
    assert!(
        commands.contains(&egui::ViewportCommand::CancelClose),
        "closing is held back: {commands:?}"
    );
    h.step();
    h.step();
    assert!(h.query_by_label("Unsaved changes").is_some());
}
