//! Headless UI tests of the compare workspace, driven through egui_kittest: real clicks, keys
//! and wheel events on the real app, asserting on its state.

mod support;

use egui::{Event, Modifiers, MouseWheelUnit, PointerButton, Pos2, TouchPhase, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sitediff::app::SiteDiffApp;
use sitediff::app::prefs::Prefs;
use sitediff::app::state::CompareMode;
use sitediff::model::{ImageId, Point};
use std::path::Path;
use std::time::{Duration, Instant};

fn harness_for(project: &Path) -> Harness<'static, SiteDiffApp> {
    let mut app = SiteDiffApp::new(Prefs::default());
    app.open_now(project);
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut SiteDiffApp| app.ui_main(ui), app)
}

/// A harness on a fresh test project, stepped until both compared images are drawn. The
/// folder lives as long as the returned guard.
fn demo_loaded() -> (tempfile::TempDir, Harness<'static, SiteDiffApp>) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_for(&support::project_on_disk(dir.path()));
    step_until(&mut h, "images to load", loaded);
    (dir, h)
}

/// Makes an undoable change so the project has unsaved changes.
fn make_dirty(h: &mut Harness<'_, SiteDiffApp>) {
    let ctx = h.ctx.clone();
    let rename = sitediff::model::Edit::RenameProject("Renamed".into());
    h.state_mut()
        .handle(&ctx, sitediff::app::Action::Edit(rename));
}

/// Steps frames until `done` holds, failing the test after 20 s.
fn step_until(h: &mut Harness<'_, SiteDiffApp>, what: &str, done: impl Fn(&SiteDiffApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.step();
}

/// Both compared images have pixels on screen and the view has been fitted.
fn loaded(app: &SiteDiffApp) -> bool {
    let Some(doc) = &app.doc else { return false };
    let site = &doc.project.sites[0];
    let ready = |id: Option<ImageId>| {
        id.and_then(|id| site.image(id))
            .and_then(|img| app.images.get(&doc.image_file(&img.path)))
            .is_some_and(|slot| slot.has_pixels())
    };
    ready(app.selection.before) && ready(app.selection.after) && !app.compare.fit_pending
}

fn wheel(h: &Harness<'_, SiteDiffApp>, at: Pos2, notches: f32) {
    h.hover_at(at);
    h.event(Event::MouseWheel {
        unit: MouseWheelUnit::Line,
        delta: Vec2::new(0.0, notches),
        phase: TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    });
}

/// Screen offset of a site point from each pane's top-left corner.
fn offsets_in_panes(app: &SiteDiffApp, p: Point) -> Vec<Vec2> {
    app.panes
        .iter()
        .map(|pane| app.compare.view.site_to_screen(pane.rect, p) - pane.rect.min)
        .collect()
}

#[test]
fn a_wheel_in_one_pane_zooms_both_panes_identically_about_the_cursor() {
    let (_dir, mut h) = demo_loaded();
    assert_eq!(h.state().panes.len(), 2);
    let before_zoom = h.state().compare.view.zoom;
    let left = h.state().panes[0].rect;
    let cursor = left.center() + Vec2::new(40.0, -30.0);
    let under_cursor = h.state().compare.view.screen_to_site(left, cursor);

    wheel(&h, cursor, 3.0);
    h.step();

    let app = h.state();
    assert!(
        app.compare.view.zoom > before_zoom * 1.9,
        "three notches zoom in"
    );
    let still = app.compare.view.screen_to_site(app.panes[0].rect, cursor);
    assert!((still.x - under_cursor.x).abs() < 0.01 && (still.y - under_cursor.y).abs() < 0.01);
    for p in [Point::new(0.0, 0.0), under_cursor, Point::new(500.0, 400.0)] {
        let o = offsets_in_panes(app, p);
        assert!(
            (o[0] - o[1]).length() < 0.01,
            "{p:?} sits at {:?} and {:?}",
            o[0],
            o[1]
        );
    }
}

#[test]
fn a_middle_drag_in_the_right_pane_pans_both_panes() {
    let (_dir, mut h) = demo_loaded();
    let right = h.state().panes[1].rect;
    let site_point = Point::new(320.0, 240.0);
    let start_offsets = offsets_in_panes(h.state(), site_point);

    let from = right.center();
    let to = from + Vec2::new(-120.0, 45.0);
    h.hover_at(from);
    h.step();
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Middle,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    for i in 1..=6 {
        h.hover_at(from + (to - from) * (i as f32 / 6.0));
        h.step();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Middle,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.step();

    let end_offsets = offsets_in_panes(h.state(), site_point);
    for pane in 0..2 {
        let moved = end_offsets[pane] - start_offsets[pane];
        assert!(
            (moved - (to - from)).length() < 1.0,
            "pane {pane} moved by {moved:?}"
        );
    }
}

#[test]
fn a_left_drag_without_space_does_not_pan() {
    let (_dir, mut h) = demo_loaded();
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
    let (_dir, mut h) = demo_loaded();
    assert_eq!(h.state().selection.after, Some(ImageId(3)));
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

    assert_eq!(h.state().selection.after, Some(ImageId(2)));
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
    let (_dir, mut h) = demo_loaded();
    h.key_press(egui::Key::OpenBracket);
    h.step();
    assert_eq!(h.state().selection.after, Some(ImageId(2)));
    h.key_press(egui::Key::CloseBracket);
    h.step();
    assert_eq!(h.state().selection.after, Some(ImageId(3)));
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::PageDown);
    h.step();
    assert_eq!(h.state().selection.before, Some(ImageId(2)));
}

#[test]
fn each_mode_can_be_entered_and_left_by_key_and_by_toolbar() {
    let (_dir, mut h) = demo_loaded();
    let view = h.state().compare.view;
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
        h.get_by_label(label).click();
        h.step();
        h.step();
        assert_eq!(h.state().compare.mode, mode);
    }
    assert_eq!(
        h.state().compare.view.zoom,
        view.zoom,
        "modes share one view"
    );
}

#[test]
fn blink_flips_on_b_and_swipe_divider_moves_with_shift_arrows() {
    let (_dir, mut h) = demo_loaded();
    h.key_press(egui::Key::Num3);
    h.step();
    h.key_press(egui::Key::P); // Stop the timer so only the key flips.
    h.step();
    let showing = h.state().compare.blink.showing;
    h.key_press(egui::Key::B);
    h.step();
    assert_ne!(h.state().compare.blink.showing, showing);

    h.key_press(egui::Key::Num2);
    h.step();
    let swipe = h.state().compare.swipe;
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::ArrowRight);
    h.step();
    assert!(h.state().compare.swipe > swipe);
}

#[test]
fn overlay_reports_both_images_under_the_cursor() {
    let (_dir, mut h) = demo_loaded();
    h.key_press(egui::Key::Num4);
    h.step();
    h.hover_at(h.state().panes[0].rect.center());
    h.step();
    h.step();
    assert_eq!(
        h.state().hover.as_ref().map(|x| x.showing),
        Some(sitediff::app::compare::HoverShows::Blend)
    );
    assert!(h.query_by_label_contains("over before").is_some());
}

#[test]
fn opening_another_project_with_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
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
        h.state().doc.as_ref().unwrap().project.name,
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
        h.state().doc.as_ref().unwrap().project.name,
        "UI test",
        "reopened from disk"
    );
    assert!(!h.state().is_dirty());
}

#[test]
fn a_missing_image_shows_its_path_and_can_be_relinked_by_typing_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
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
    let field = h.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    // The field starts with the old path; replace it.
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.step();
    let field = h.get_by_role(egui::accesskit::Role::TextInput);
    field.type_text(&new.display().to_string());
    h.step();
    h.get_by_label("OK").click();
    h.step();
    h.step();

    let app = h.state();
    let doc = app.doc.as_ref().unwrap();
    assert_eq!(
        doc.project.sites[0].image(ImageId(3)).unwrap().path,
        "moved/yard_2024-07-15.png"
    );
    assert!(app.is_dirty(), "relinking marks the project changed");
    step_until(&mut h, "the relinked image to load", loaded);
    assert!(h.query_by_label("Image cannot be shown").is_none());

    // And it is one undo step.
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, sitediff::app::Action::Undo);
    assert_eq!(
        h.state().doc.as_ref().unwrap().project.sites[0]
            .image(ImageId(3))
            .unwrap()
            .path,
        "yard_2024-07-15.png"
    );
}

#[test]
fn f1_opens_and_closes_the_keyboard_shortcut_sheet() {
    let (_dir, mut h) = demo_loaded();
    h.key_press(egui::Key::F1);
    h.step();
    h.step();
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
    assert!(
        h.query_by_label("Zoom at the cursor (both panes follow)")
            .is_some()
    );
    h.key_press(egui::Key::F1);
    h.step();
    h.step();
    assert!(
        h.query_by_label("Zoom at the cursor (both panes follow)")
            .is_none()
    );
}

#[test]
fn the_new_project_dialog_creates_and_opens_a_project_from_typed_paths() {
    let dir = tempfile::tempdir().unwrap();
    let existing = support::project_on_disk(dir.path());
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
    {
        let d = h.state_mut().dialogs.new_project.as_mut().unwrap();
        d.project_file = new_file.display().to_string();
        d.site_name = "Fresh site".into();
        d.images = format!("{}\n{}\n", img_a.display(), img_b.display());
    }
    h.step();
    h.get_by_label("Create").click();
    h.step();
    h.step();
    let app = h.state();
    let doc = app.doc.as_ref().unwrap();
    assert_eq!(doc.path, new_file);
    assert_eq!(doc.project.sites[0].name, "Fresh site");
    let dates: Vec<String> = doc.project.sites[0]
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
    let (_dir, mut h) = demo_loaded();
    h.get_by_label("2024-04-15").click();
    h.step();
    h.step();
    h.step();
    assert!(h.query_by_label("Set capture date").is_some());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("2024-05-01");
    h.step();
    h.get_by_label("OK").click();
    h.step();
    h.step();
    let date = |h: &Harness<'_, SiteDiffApp>| {
        h.state().doc.as_ref().unwrap().project.sites[0]
            .image(ImageId(2))
            .unwrap()
            .date
            .to_string()
    };
    assert_eq!(date(&h), "2024-05-01");
    assert!(h.state().is_dirty());
    assert!(h.query_by_label("Set capture date").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(date(&h), "2024-04-15");
}

#[test]
fn quitting_with_unsaved_changes_asks_first_and_cancel_keeps_the_window() {
    let (_dir, mut h) = demo_loaded();
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
    let (dir, mut h) = demo_loaded();
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
    let (_dir, mut h) = demo_loaded();
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
