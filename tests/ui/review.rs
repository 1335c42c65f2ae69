//! Headless UI tests of review mode: a reviewer walks the queue with keys, accepts and rejects
//! with reasons, the geometry lock holds, and the analyst sees and answers the thread after
//! reopening the project.

use crate::support::ui::*;
use egui::{Modifiers, PointerButton};
use egui_kittest::kittest::{Queryable, by};
use sitediff::app::SiteDiffApp;
use sitediff::app::prefs::Prefs;
use sitediff::editing::review::Progress;
use sitediff::editing::tools::ToolKind;
use sitediff::io::{load_project, save_project};
use sitediff::model::{
    ChangeKind, Decision, Footprint, FootprintId, ImageId, Point, Polygon, Reason, ReviewState,
    Timestamp,
};
use std::path::{Path, PathBuf};

/// The test project with four more footprints drawn by "ana" (F2..F5), beside F1 by "tester".
fn drawn_by_ana(dir: &Path) -> PathBuf {
    let path = crate::support::project_on_disk(dir);
    let mut p = load_project(&path).unwrap();
    let site = &mut p.sites[0];
    for i in 0..4u32 {
        let id = p.next_ids.new_footprint().unwrap();
        let x = 40.0 + 140.0 * i as f64;
        site.footprints.push(Footprint::new(
            id,
            ChangeKind::ALL[i as usize % 3],
            ImageId(1),
            ImageId(if i == 3 { 2 } else { 3 }),
            Polygon::rectangle(Point::new(x, 300.0), Point::new(x + 60.0, 360.0)),
            "ana",
            Timestamp::from_unix(1_700_000_000 + i as i64).unwrap(),
        ));
    }
    save_project(&p, &path).unwrap();
    path
}

/// A harness for `user` on `project`, stepped until the images are on screen.
fn harness_as(user: &str, project: &Path) -> H {
    let prefs = Prefs {
        analyst: user.into(),
        analyst_asked: true,
        ..Prefs::default()
    };
    let mut app = SiteDiffApp::new(prefs);
    app.open_now(project);
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::Vec2::new(1500.0, 900.0))
        .build_ui_state(|ui, app: &mut SiteDiffApp| app.ui_main(ui), app);
    step_until(&mut h, "images to load", loaded);
    h
}

fn key(h: &mut H, k: egui::Key) {
    h.key_press(k);
    h.step();
    h.step();
}

fn ctrl(h: &mut H, k: egui::Key) {
    h.key_press_modifiers(Modifiers::COMMAND, k);
    h.step();
    h.step();
}

fn fp(h: &H, id: u32) -> Footprint {
    h.state().doc.as_ref().unwrap().project().sites[0]
        .footprint(FootprintId(id))
        .unwrap()
        .clone()
}

fn current(h: &H) -> Option<u32> {
    h.state().review.current.map(|(_, id)| id.0)
}

fn progress(h: &H) -> Progress {
    Progress::of_project(h.state().doc.as_ref().unwrap().project())
}

#[test]
fn a_reviewer_walks_the_queue_with_keys_accepting_and_rejecting_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_as("rita", &drawn_by_ana(dir.path()));
    ctrl(&mut h, egui::Key::R);
    assert!(h.state().review.active);
    assert_eq!(h.state().tool_kind(), ToolKind::Select);
    // The first footprint awaiting review is shown, selected, on its own pair.
    assert_eq!(current(&h), Some(1));
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(1)]);
    assert!(
        h.query_all_by_label_contains("0 of 5 reviewed")
            .next()
            .is_some()
    );

    // G accepts and moves on by itself: one key per correct footprint.
    key(&mut h, egui::Key::G);
    assert_eq!(fp(&h, 1).review_state(), ReviewState::Accepted);
    assert_eq!(fp(&h, 1).reviews[0].by, "rita");
    assert_eq!(current(&h), Some(2));
    key(&mut h, egui::Key::G);
    assert_eq!(current(&h), Some(3));

    // W asks for a reason: key 2 is "not a building", Enter confirms. It stays on F3.
    key(&mut h, egui::Key::W);
    assert!(h.query_by_label_contains("Reject F3").is_some());
    key(&mut h, egui::Key::Num2);
    key(&mut h, egui::Key::Enter);
    assert!(
        h.query_by_label_contains("Reject F3").is_none(),
        "dialog closed"
    );
    let f3 = fp(&h, 3);
    assert_eq!(f3.review_state(), ReviewState::Rejected);
    assert_eq!(f3.reviews[0].reason, Some(Reason::NotABuilding));
    assert_eq!(current(&h), Some(3));

    // J moves on. E without a reason is refused in the dialog; with one it is sent back, and
    // the comment typed after Tab goes with it.
    key(&mut h, egui::Key::J);
    assert_eq!(current(&h), Some(4));
    key(&mut h, egui::Key::E);
    key(&mut h, egui::Key::Enter);
    assert!(h.query_by_label_contains("Choose a reason first").is_some());
    assert_eq!(fp(&h, 4).review_state(), ReviewState::Unreviewed);
    key(&mut h, egui::Key::Num3);
    // Tab reaches the comment field, not the reason buttons (where a typed space would pick
    // another reason); the text goes wherever the keyboard focus is, as typing does.
    key(&mut h, egui::Key::Tab);
    h.input_mut()
        .events
        .push(egui::Event::Text("The east wall is 5 m off.".into()));
    h.step();
    key(&mut h, egui::Key::Enter);
    let f4 = fp(&h, 4);
    assert_eq!(f4.review_state(), ReviewState::NeedsChanges);
    assert_eq!(f4.reviews[0].reason, Some(Reason::OutlineInaccurate));
    assert_eq!(f4.reviews[0].comment, "The east wall is 5 m off.");

    // F5 is on another pair (Jan-Apr): going to it shows that pair.
    key(&mut h, egui::Key::J);
    assert_eq!(current(&h), Some(5));
    assert_eq!(h.state().pair.after, Some(ImageId(2)));
    // K goes back.
    key(&mut h, egui::Key::K);
    assert_eq!(current(&h), Some(4));
    assert_eq!(h.state().pair.after, Some(ImageId(3)));

    let p = progress(&h);
    assert_eq!((p.reviewed, p.total), (4, 5));
    assert_eq!((p.accepted, p.rejected, p.needs_changes), (2, 1, 1));
    assert!(
        h.query_all_by_label_contains("4 of 5 reviewed")
            .next()
            .is_some()
    );
    // Each decision is one undo step.
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(fp(&h, 4).review_state(), ReviewState::Unreviewed);
}

#[test]
fn a_decision_on_ones_own_footprint_is_flagged_as_a_self_review() {
    let dir = tempfile::tempdir().unwrap();
    // F1 is by "tester".
    let mut h = harness_as("tester", &drawn_by_ana(dir.path()));
    ctrl(&mut h, egui::Key::R);
    key(&mut h, egui::Key::G);
    assert!(fp(&h, 1).is_self_reviewed());
    assert_eq!(progress(&h).self_reviewed, 1);
    assert!(
        h.state()
            .notice()
            .is_some_and(|n| n.contains("self-review")),
        "{:?}",
        h.state().notice()
    );
    assert!(
        h.query_all_by_label_contains("self-review")
            .next()
            .is_some()
    );
}

#[test]
fn review_mode_locks_geometry_until_unlocked() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_as("rita", &drawn_by_ana(dir.path()));
    ctrl(&mut h, egui::Key::R);
    let f1 = fp(&h, 1);
    // Delete, relabel, square, nudge and the drawing tools are refused.
    for k in [egui::Key::Delete, egui::Key::D, egui::Key::Q, egui::Key::B] {
        key(&mut h, k);
    }
    ctrl(&mut h, egui::Key::ArrowRight);
    assert_eq!(fp(&h, 1), f1);
    assert_eq!(h.state().tool_kind(), ToolKind::Select);
    assert!(
        h.state().notice().is_some_and(|n| n.contains("locked")),
        "{:?}",
        h.state().notice()
    );
    // A drag on the footprint moves nothing.
    let centre = screen_of(h.state(), 0, Point::new(260.0, 160.0));
    drag(
        &mut h,
        PointerButton::Primary,
        centre,
        centre + egui::vec2(40.0, 30.0),
    );
    assert_eq!(fp(&h, 1).outline, f1.outline);
    assert!(!h.state().doc.as_ref().unwrap().history().can_undo());
    // Ctrl+E unlocks: the same drag moves it; Ctrl+E locks again.
    ctrl(&mut h, egui::Key::E);
    assert!(!h.state().geometry_locked());
    drag(
        &mut h,
        PointerButton::Primary,
        centre,
        centre + egui::vec2(40.0, 30.0),
    );
    assert_ne!(fp(&h, 1).outline, f1.outline);
    ctrl(&mut h, egui::Key::E);
    assert!(h.state().geometry_locked());
    // Leaving review mode, editing works again.
    ctrl(&mut h, egui::Key::R);
    assert!(!h.state().geometry_locked());
    key(&mut h, egui::Key::B);
    assert_eq!(h.state().tool_kind(), ToolKind::Building);
}

#[test]
fn the_analyst_sees_the_rejection_after_reopening_answers_it_and_a_fix_returns_to_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let path = drawn_by_ana(dir.path());
    {
        let mut h = harness_as("rita", &path);
        ctrl(&mut h, egui::Key::R);
        key(&mut h, egui::Key::J); // F2
        key(&mut h, egui::Key::W);
        key(&mut h, egui::Key::Num1); // wrong change kind
        key(&mut h, egui::Key::Enter);
        assert_eq!(fp(&h, 2).review_state(), ReviewState::Rejected);
        ctrl(&mut h, egui::Key::S);
        assert!(!h.state().is_dirty());
    }
    // The analyst opens the file: the rejection and its reason are in the inspector.
    let mut h = harness_as("ana", &path);
    let at = screen_of(h.state(), 0, Point::new(70.0, 330.0));
    click_at(&mut h, at);
    assert_eq!(h.state().selection.to_vec(), vec![FootprintId(2)]);
    assert!(
        h.query_all_by_label_contains("wrong change kind")
            .next()
            .is_some()
    );
    assert!(h.query_all_by_label_contains("rita").next().is_some());
    // M: a comment, typed at once, Enter posts it.
    key(&mut h, egui::Key::M);
    h.get(
        by().role(egui::accesskit::Role::TextInput)
            .label_contains("Comment"),
    )
    .type_text("It was rebuilt, not new: relabelled.");
    h.step();
    key(&mut h, egui::Key::Enter);
    let f2 = fp(&h, 2);
    assert_eq!(f2.reviews.len(), 2);
    assert_eq!(f2.reviews[1].by, "ana");
    assert_eq!(f2.reviews[1].decision, None);
    assert_eq!(f2.review_state(), ReviewState::Rejected);
    // The fix: relabel. The footprint goes back to the queue, first.
    key(&mut h, egui::Key::R);
    assert_eq!(fp(&h, 2).review_state(), ReviewState::ChangedSinceReview);
    let q = sitediff::editing::review::queue(
        h.state().doc.as_ref().unwrap().project(),
        &Default::default(),
    );
    assert_eq!(q[0].id, FootprintId(2));
    assert_eq!(
        fp(&h, 2).reviews[0].decision,
        Some(Decision::Rejected),
        "the thread keeps the old decision"
    );
}

fn type_text(h: &mut H, text: &str) {
    h.input_mut().events.push(egui::Event::Text(text.into()));
    h.step();
}

fn markers(h: &H) -> Vec<sitediff::model::Marker> {
    h.state().doc.as_ref().unwrap().project().sites[0]
        .markers
        .clone()
}

#[test]
fn a_missed_change_marker_goes_from_reviewer_to_analyst_who_draws_it_in_one_undo_step() {
    use sitediff::model::{MarkerResolution, MarkerShape};
    let dir = tempfile::tempdir().unwrap();
    let path = drawn_by_ana(dir.path());
    {
        let mut h = harness_as("rita", &path);
        ctrl(&mut h, egui::Key::R);
        // The whole site in view (review mode starts close up on the first footprint).
        key(&mut h, egui::Key::F);
        // I, a click on an empty spot, a note, Enter.
        key(&mut h, egui::Key::I);
        assert_eq!(h.state().tool_kind(), ToolKind::Marker);
        let spot = screen_of(h.state(), 0, Point::new(510.0, 125.0));
        click_at(&mut h, spot);
        h.step();
        assert!(
            h.query_by_label("Missed change").is_some(),
            "the note dialog"
        );
        type_text(&mut h, "Shed by the gate");
        key(&mut h, egui::Key::Enter);
        let m = markers(&h);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].note, "Shed by the gate");
        assert_eq!(m[0].by, "rita");
        assert!(m[0].is_open());
        let MarkerShape::Point(p) = m[0].shape else {
            panic!("a click makes a point marker")
        };
        assert!(p.distance(Point::new(510.0, 125.0)) < 2.0, "{p:?}");
        assert_eq!(h.state().tool_kind(), ToolKind::Select, "back to looking");
        // A drag marks an area; this one the analyst will dismiss.
        key(&mut h, egui::Key::I);
        let a = screen_of(h.state(), 0, Point::new(380.0, 40.0));
        let b = screen_of(h.state(), 0, Point::new(440.0, 90.0));
        drag(&mut h, PointerButton::Primary, a, b);
        key(&mut h, egui::Key::Enter);
        let m = markers(&h);
        assert_eq!(m.len(), 2);
        assert!(matches!(&m[1].shape, MarkerShape::Area(poly) if poly.len() == 4));
        // Marking is allowed with geometry locked, and is one undo step.
        ctrl(&mut h, egui::Key::Z);
        assert_eq!(markers(&h).len(), 1);
        ctrl(&mut h, egui::Key::Y);
        assert_eq!(markers(&h).len(), 2);
        ctrl(&mut h, egui::Key::S);
        assert!(!h.state().is_dirty());
    }
    // The analyst sees the markers in the list, draws the first and dismisses the second.
    let mut h = harness_as("ana", &path);
    assert!(
        h.query_all_by_label_contains("2 open of 2")
            .next()
            .is_some()
    );
    assert!(h.query_by_label_contains("Shed by the gate").is_some());
    h.get_all_by_label("Draw it").next().unwrap().click();
    h.step();
    h.step();
    assert_eq!(h.state().tool_kind(), ToolKind::Building);
    let before = h.state().doc.as_ref().unwrap().project().sites[0]
        .footprints
        .len();
    for q in [
        Point::new(490.0, 110.0),
        Point::new(530.0, 110.0),
        Point::new(530.0, 140.0),
    ] {
        let at = screen_of(h.state(), 0, q);
        click_at(&mut h, at);
    }
    let fps = &h.state().doc.as_ref().unwrap().project().sites[0].footprints;
    assert_eq!(fps.len(), before + 1);
    let drawn = fps.last().unwrap().id;
    assert!(matches!(
        &markers(&h)[0].resolution,
        Some(MarkerResolution::Drawn { footprint, by, .. }) if *footprint == drawn && by == "ana"
    ));
    // One step: undo takes back both the footprint and the resolution.
    ctrl(&mut h, egui::Key::Z);
    assert!(markers(&h)[0].is_open());
    assert_eq!(
        h.state().doc.as_ref().unwrap().project().sites[0]
            .footprints
            .len(),
        before
    );
    ctrl(&mut h, egui::Key::Y);
    assert!(!markers(&h)[0].is_open());
    // Dismiss the second with a reason.
    key(&mut h, egui::Key::V);
    h.get_by_label("Dismiss…").click();
    h.step();
    h.step();
    key(&mut h, egui::Key::Enter);
    assert!(
        h.query_by_label_contains("Say why first").is_some(),
        "a reason is required"
    );
    type_text(&mut h, "Shadow of the silo");
    key(&mut h, egui::Key::Enter);
    assert_eq!(markers(&h)[1].state_text(), "dismissed: Shadow of the silo");
    assert_eq!(
        sitediff::editing::review::open_markers(h.state().doc.as_ref().unwrap().project()),
        0
    );
}

#[test]
fn looking_closely_enough_for_long_enough_checks_coverage_without_an_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_as("rita", &drawn_by_ana(dir.path()));
    // Review mode shows the first footprint up close (the cells around it may count already).
    // Zoomed out below the threshold, nothing more counts, however long.
    ctrl(&mut h, egui::Key::R);
    h.state_mut().compare.view.zoom = sitediff::app::review::COVERAGE_MIN_ZOOM * 0.6;
    h.step();
    let first_look = h.state().coverage_fraction();
    for _ in 0..12 {
        h.step();
    }
    assert_eq!(h.state().coverage_fraction(), first_look);
    assert!(first_look < 0.5, "{first_look}");
    // Fitted (the whole 640 x 480 site in view at about 0.8): every cell is in view closely
    // enough; a second later all are checked.
    key(&mut h, egui::Key::F);
    assert!(h.state().compare.view.zoom >= sitediff::app::review::COVERAGE_MIN_ZOOM);
    let fraction_soon = h.state().coverage_fraction();
    assert!(
        fraction_soon < 1.0,
        "not before a second has passed: {fraction_soon}"
    );
    for _ in 0..8 {
        h.step();
    }
    assert_eq!(h.state().coverage_fraction(), 1.0);
    assert!(h.state().is_dirty(), "coverage is saved with the project");
    assert!(
        !h.state().doc.as_ref().unwrap().history().can_undo(),
        "looking is not an undo step"
    );
    assert!(h.query_by_label_contains("Coverage (you): 100 %").is_some());
    // U unchecks the cell under the pointer, as an undo step, and looking does not check it
    // again behind the reviewer's back; Ctrl+Z checks it again.
    let at = screen_of(h.state(), 0, Point::new(20.0, 20.0));
    h.input_mut().events.push(egui::Event::PointerMoved(at));
    h.step();
    key(&mut h, egui::Key::U);
    for _ in 0..8 {
        h.step();
    }
    let partial = h.state().coverage_fraction();
    assert!(partial < 1.0 && partial > 0.9, "{partial}");
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(h.state().coverage_fraction(), 1.0);
    // Saved per reviewer.
    ctrl(&mut h, egui::Key::S);
    let saved = load_project(&dir.path().join("yard.ron")).unwrap();
    let c = &saved.sites[0].coverage;
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].reviewer, "rita");
    assert_eq!(c[0].fraction(), 1.0);
}

#[test]
fn the_review_report_is_written_from_the_window_and_its_result_collected() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_as("rita", &drawn_by_ana(dir.path()));
    ctrl(&mut h, egui::Key::R);
    key(&mut h, egui::Key::G);
    // Ctrl+Shift+R: the folder dialog, prefilled beside the project; OK.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::R);
    h.step();
    h.step();
    let want = dir.path().join("yard-report");
    assert!(
        h.query_all_by_value(&want.display().to_string())
            .next()
            .is_some(),
        "the folder is prefilled"
    );
    h.get_by_label("OK").click();
    h.step();
    step_until(&mut h, "the report", |app| {
        app.report.is_none() && app.last_report.is_some()
    });
    let summary = h.state().last_report.clone().unwrap();
    assert_eq!(summary.footprints, 5);
    assert_eq!(summary.index, want.join("index.html"));
    let html = std::fs::read_to_string(want.join("index.html")).unwrap();
    for id in 1..=5 {
        assert!(html.contains(&format!("F{id}")), "F{id} in the report");
    }
    assert!(
        html.contains("rita"),
        "the decision's author is in the thread"
    );
    assert!(
        h.state()
            .notice()
            .is_some_and(|n| n.starts_with("Report written")),
        "{:?}",
        h.state().notice()
    );
}
