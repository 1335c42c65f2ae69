//! Headless UI test of merge conflicts: a project a git merge left with a footprint in two
//! versions shows it in the Conflicts panel and the status bar, one click settles it, and undo
//! brings the conflict back.

use crate::support::ui::*;
use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use sitediff::io::{load_project, save_project};
use sitediff::model::{ChangeKind, Footprint, FootprintConflict, FootprintId, Point, Polygon};

fn f1(h: &H) -> Footprint {
    h.state().doc.as_ref().unwrap().project().sites[0]
        .footprint(FootprintId(1))
        .unwrap()
        .clone()
}

#[test]
fn a_merge_conflict_is_resolved_with_one_click_and_undo_brings_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::project_on_disk(dir.path());
    let mut p = load_project(&path).unwrap();
    let mine = &mut p.sites[0].footprints[0];
    let mut theirs = mine.clone();
    theirs.kind = ChangeKind::Demolished;
    theirs.outline = Polygon::rectangle(Point::new(230.0, 130.0), Point::new(320.0, 210.0));
    mine.conflict = Some(FootprintConflict::Theirs(Box::new(theirs.clone())));
    save_project(&p, &path).unwrap();

    let mut h = harness_for(&path);
    step_until(&mut h, "images to load", loaded);
    assert!(h.query_by_label("Merge conflicts (1)").is_some());
    assert!(
        h.query_by_label_contains("changed on both branches (kind, outline)")
            .is_some()
    );
    assert!(h.query_by_label("1 merge conflict(s) to resolve").is_some());
    assert!(
        h.query_by_label("kind: mine new, theirs demolished")
            .is_some(),
        "the values, not only the field"
    );

    h.get_by_label("Keep theirs").click();
    h.step();
    h.step();
    let resolved = f1(&h);
    assert_eq!(resolved.kind, ChangeKind::Demolished);
    assert_eq!(resolved.outline, theirs.outline);
    assert!(resolved.conflict.is_none());
    assert!(h.query_by_label("Merge conflicts (1)").is_none());
    assert!(h.query_by_label("1 merge conflict(s) to resolve").is_none());
    assert!(h.state().is_dirty());

    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.step();
    h.step();
    let back = f1(&h);
    assert_eq!(back.kind, ChangeKind::New);
    assert!(matches!(back.conflict, Some(FootprintConflict::Theirs(_))));
    assert!(h.query_by_label("Merge conflicts (1)").is_some());
}
