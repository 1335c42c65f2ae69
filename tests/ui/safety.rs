//! Headless UI tests of never losing work: unsaved work kept beside the project and offered
//! back after a crash, a second window told the project is open and opening it read-only, and
//! changes made on disk by others noticed before they are overwritten.

use crate::support::ui::*;
use egui_kittest::kittest::Queryable;
use sitediff::app::Action;
use sitediff::io::{load_project, save_project};
use sitediff::model::Edit;
use std::path::Path;

fn steps(h: &mut H, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

fn rename(h: &mut H, name: &str) {
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(&ctx, Action::Edit(Edit::RenameProject(name.into())));
}

fn recovery_file(project: &Path) -> std::path::PathBuf {
    sitediff::io::recovery::recovery_path(project)
}

/// A window that drew, then died without a word (the harness dropped without a clean exit,
/// as a kill leaves things; the lock goes with the process).
fn crashed_after_renaming(project: &Path, name: &str) {
    let mut h = harness_for(project);
    steps(&mut h, 2);
    rename(&mut h, name);
    // A few frames: the unsaved state is handed to the autosaver within a second.
    steps(&mut h, 6);
    h.state().flush_autosave();
    assert!(recovery_file(project).exists(), "unsaved work is kept");
    assert_eq!(
        load_project(&recovery_file(project)).unwrap().name,
        name,
        "the kept state is the latest"
    );
    assert_eq!(load_project(project).unwrap().name, "UI test");
}

#[test]
fn unsaved_work_is_offered_back_after_a_crash_and_a_save_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    crashed_after_renaming(&project, "After the crash");

    let mut h = harness_for(&project);
    steps(&mut h, 2);
    assert!(h.query_by_label("Unsaved work found").is_some());
    assert!(
        h.query_by_label_contains("other changes").is_some(),
        "says what comes back"
    );
    h.get_by_label("Recover").click();
    steps(&mut h, 2);
    assert!(h.query_by_label("Unsaved work found").is_none());
    let doc = h.state().doc.as_ref().unwrap();
    assert_eq!(doc.project().name, "After the crash");
    assert!(doc.is_dirty(), "recovered work is unsaved until saved");
    assert_eq!(load_project(&project).unwrap().name, "UI test");

    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Save);
    h.state().flush_autosave();
    assert_eq!(load_project(&project).unwrap().name, "After the crash");
    assert!(!recovery_file(&project).exists(), "a save removes it");
}

#[test]
fn discarding_unsaved_work_keeps_the_project_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    crashed_after_renaming(&project, "Lost on purpose");
    let mut h = harness_for(&project);
    steps(&mut h, 2);
    h.get_by_label("Discard").click();
    steps(&mut h, 2);
    h.state().flush_autosave();
    assert_eq!(h.state().doc.as_ref().unwrap().project().name, "UI test");
    assert!(!h.state().is_dirty());
    assert!(!recovery_file(&project).exists());
}

#[test]
fn keeping_both_saves_the_recovered_work_as_a_copy_and_leaves_the_project_alone() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let saved = std::fs::read(&project).unwrap();
    crashed_after_renaming(&project, "Both kept");
    let mut h = harness_for(&project);
    steps(&mut h, 2);
    h.get_by_label("Keep both").click();
    steps(&mut h, 2);
    h.state().flush_autosave();
    assert_eq!(std::fs::read(&project).unwrap(), saved);
    let doc = h.state().doc.as_ref().unwrap();
    let copy = doc.path.clone();
    assert_ne!(copy, project);
    let name = copy.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("yard-recovered-"), "{name}");
    assert_eq!(load_project(&copy).unwrap().name, "Both kept");
    assert!(!recovery_file(&project).exists());
}

#[test]
fn a_clean_exit_after_choosing_not_to_save_leaves_nothing_to_recover() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let mut h = harness_for(&project);
    steps(&mut h, 2);
    rename(&mut h, "Not wanted");
    steps(&mut h, 6);
    h.state().flush_autosave();
    assert!(recovery_file(&project).exists());
    h.state_mut().shut_down();
    assert!(!recovery_file(&project).exists());
    assert!(!sitediff::io::project_lock::lock_path(&project).exists());
}

#[test]
fn a_second_window_is_told_who_holds_the_project_and_can_open_it_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let mut first = harness_for(&project);
    steps(&mut first, 2);
    let mut second = harness_for(&project);
    steps(&mut second, 2);
    assert!(second.state().doc.is_none());
    assert!(second.query_by_label("Open in another window").is_some());
    assert!(
        second
            .query_by_label_contains(&format!("process {}", std::process::id()))
            .is_some()
    );
    second.get_by_label("Open read-only").click();
    steps(&mut second, 2);
    let doc = second.state().doc.as_ref().unwrap();
    assert!(doc.read_only);
    assert!(second.state().window_title().contains("[read-only]"));
    // Edits are refused, and nothing is saved over the first window's file.
    rename(&mut second, "Intruder");
    steps(&mut second, 2);
    assert_eq!(
        second.state().doc.as_ref().unwrap().project().name,
        "UI test"
    );
    let ctx = second.ctx.clone();
    second.state_mut().handle(&ctx, Action::Save);
    steps(&mut second, 1);
    assert_eq!(load_project(&project).unwrap().name, "UI test");
    // The first window still edits and saves.
    rename(&mut first, "Owner's");
    let ctx = first.ctx.clone();
    first.state_mut().handle(&ctx, Action::Save);
    assert_eq!(load_project(&project).unwrap().name, "Owner's");
}

#[test]
fn a_file_changed_on_disk_while_clean_is_offered_for_reload() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let mut h = harness_for(&project);
    steps(&mut h, 2);
    assert!(h.query_by_label("Reload").is_none());
    let mut theirs = load_project(&project).unwrap();
    theirs.name = "Pulled from git".into();
    save_project(&theirs, &project).unwrap();
    steps(&mut h, 6);
    assert!(h.query_by_label_contains("changed on disk").is_some());
    h.get_by_label("Reload").click();
    steps(&mut h, 2);
    assert_eq!(
        h.state().doc.as_ref().unwrap().project().name,
        "Pulled from git"
    );
    assert!(h.query_by_label_contains("changed on disk").is_none());
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_first_and_save_anyway_keeps_theirs_as_backup() {
    let dir = tempfile::tempdir().unwrap();
    let project = crate::support::project_on_disk(dir.path());
    let mut h = harness_for(&project);
    steps(&mut h, 2);
    rename(&mut h, "Mine");
    let mut theirs = load_project(&project).unwrap();
    theirs.name = "Theirs".into();
    save_project(&theirs, &project).unwrap();
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Save);
    steps(&mut h, 2);
    assert!(h.query_by_label("Changed on disk").is_some());
    assert_eq!(
        load_project(&project).unwrap().name,
        "Theirs",
        "not overwritten"
    );
    h.get_by_label("Save anyway").click();
    steps(&mut h, 2);
    assert_eq!(load_project(&project).unwrap().name, "Mine");
    let bak = dir.path().join("yard.ron.bak");
    assert_eq!(load_project(&bak).unwrap().name, "Theirs");
    assert!(!h.state().is_dirty());
}
