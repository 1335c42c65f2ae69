//! Headless UI tests of growing a project in the window (add images, add a site, rename a site,
//! remove an image) and of what the timeline and the pane headers tell the analyst.

use crate::support::ui::*;
use egui::Modifiers;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable, by};
use sitediff::model::{ImageId, SiteId};

fn project(h: &H) -> sitediff::model::Project {
    h.state().doc.as_ref().unwrap().project().clone()
}

fn steps(h: &mut H, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

/// Types `text` into the field labelled `label` (or the only multi-line field).
fn type_into(h: &mut H, role: Role, label: Option<&str>, text: &str) {
    fn query<'a>(role: Role, label: Option<&'a str>) -> egui_kittest::kittest::By<'a> {
        match label {
            Some(l) => by().role(role).label(l),
            None => by().role(role),
        }
    }
    h.get(query(role, label)).focus();
    h.step();
    h.get(query(role, label)).type_text(text);
    h.step();
}

#[test]
fn images_added_from_the_window_join_the_timeline_with_their_dates_in_one_undo_step() {
    let (dir, mut h) = loaded_harness();
    let new = dir.path().join("yard_20241015.png");
    crate::support::test_image(640, 480, 30).save(&new).unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::I);
    steps(&mut h, 3);
    assert!(h.query_by_label("Add images to Test yard").is_some());
    type_into(
        &mut h,
        Role::MultilineTextInput,
        None,
        &new.display().to_string(),
    );
    h.get_by_label("Add").click();
    steps(&mut h, 3);
    let site = &project(&h).sites[0];
    assert_eq!(site.images.len(), 4);
    let added = site.image(ImageId(4)).unwrap();
    assert_eq!(added.date.to_string(), "2024-10-15", "from the file name");
    assert_eq!(added.path, "yard_20241015.png", "relative to the project");
    assert!(
        h.query_by_label("Add images to Test yard").is_none(),
        "the dialog closed"
    );
    assert!(h.query_by_label("2024-10-15").is_some(), "in the timeline");
    assert!(h.state().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    steps(&mut h, 2);
    assert_eq!(project(&h).sites[0].images.len(), 3);
}

#[test]
fn an_unreadable_image_is_refused_in_the_dialog_with_its_name() {
    let (dir, mut h) = loaded_harness();
    let bad = dir.path().join("broken.png");
    std::fs::write(&bad, b"not an image at all").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::I);
    steps(&mut h, 3);
    type_into(
        &mut h,
        Role::MultilineTextInput,
        None,
        &bad.display().to_string(),
    );
    h.get_by_label("Add").click();
    steps(&mut h, 3);
    assert!(
        h.query_by_label_contains("broken.png: not a recognised image")
            .is_some()
    );
    assert_eq!(project(&h).sites[0].images.len(), 3);
    assert!(!h.state().is_dirty());
}

#[test]
fn a_site_is_added_with_its_images_shown_at_once_and_renamed_with_f2() {
    let (dir, mut h) = loaded_harness();
    let a = dir.path().join("dock_2023-03-01.png");
    let b = dir.path().join("dock_2024-03-01.png");
    crate::support::test_image(320, 240, 0).save(&a).unwrap();
    crate::support::test_image(320, 240, 40).save(&b).unwrap();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::N);
    steps(&mut h, 3);
    assert!(h.query_by_label("Add a site").is_some());
    type_into(&mut h, Role::TextInput, Some("Site name"), "North dock");
    type_into(
        &mut h,
        Role::MultilineTextInput,
        None,
        &format!("{}\n{}", b.display(), a.display()),
    );
    h.get_by_label("Add site").click();
    steps(&mut h, 3);
    let p = project(&h);
    assert_eq!(p.sites.len(), 2);
    let dock = &p.sites[1];
    assert_eq!(dock.name, "North dock");
    assert_eq!(dock.reference_image, Some(ImageId(5)), "the 2023 image");
    assert_eq!(h.state().pair.site, Some(dock.id), "the new site is shown");
    // Rename it with F2.
    h.key_press(egui::Key::F2);
    steps(&mut h, 3);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get(by().role(Role::TextInput).value("North dock"))
        .type_text("Harbour dock");
    h.step();
    h.get_by_label("Rename").click();
    steps(&mut h, 3);
    assert_eq!(project(&h).sites[1].name, "Harbour dock");
    // Two undo steps take the site away again.
    for _ in 0..2 {
        h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
        steps(&mut h, 2);
    }
    assert_eq!(project(&h).sites.len(), 1);
    assert_eq!(h.state().pair.site, Some(SiteId(1)));
}

#[test]
fn removing_an_image_from_its_timeline_menu_works_unless_a_footprint_uses_it() {
    let (_dir, mut h) = loaded_harness();
    // April (I2) is used by no footprint: its menu removes it.
    h.get_by_label("yard_2024-04-15.png").click_secondary();
    steps(&mut h, 3);
    h.get_by_label("Remove from this site").click();
    steps(&mut h, 3);
    assert!(project(&h).sites[0].image(ImageId(2)).is_none());
    // January (I1) is F1's before image: the menu item is disabled and says why.
    // The timeline's entry, not the header's.
    let january = h
        .get_all_by_label("yard_2024-01-15.png")
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .unwrap();
    january.click_secondary();
    steps(&mut h, 3);
    let item = h.get_by_label("Remove from this site");
    assert!(item.accesskit_node().is_disabled());
    item.hover();
    // Tooltips wait a moment before they show.
    steps(&mut h, 60);
    assert!(h.query_by_label("Used by F1").is_some());
    assert_eq!(project(&h).sites[0].images.len(), 2);
}

#[test]
fn a_damaged_image_is_called_unreadable_and_a_missing_one_missing() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::support::project_on_disk(dir.path());
    std::fs::write(dir.path().join("yard_2024-04-15.png"), b"damaged").unwrap();
    std::fs::remove_file(dir.path().join("yard_2024-07-15.png")).unwrap();
    let mut h = harness_for(&file);
    step_until(&mut h, "both thumbnails to fail", |app| {
        let doc = app.doc.as_ref().unwrap();
        [ImageId(2), ImageId(3)].iter().all(|id| {
            let img = doc.project().sites[0].image(*id).unwrap();
            let path = doc.image_file(&img.path);
            // Timeline images are not loaded for their thumbnails, only reduced-decoded.
            app.images.get(&path).is_some_and(|s| s.error().is_some())
                || app.images.thumbnail_error(&path).is_some()
        })
    });
    steps(&mut h, 2);
    assert!(h.query_by_label("unreadable").is_some(), "April is damaged");
    assert!(h.query_by_label("missing").is_some(), "July is missing");
}

#[test]
fn reopening_a_project_reads_its_images_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::support::project_on_disk(dir.path());
    let july = dir.path().join("yard_2024-07-15.png");
    let kept = dir.path().join("kept.png");
    std::fs::rename(&july, &kept).unwrap();
    let mut h = harness_for(&file);
    step_until(&mut h, "July to fail", |app| {
        app.images.get(&july).is_some_and(|s| s.error().is_some())
    });
    // The file comes back; opening the project again shows it.
    std::fs::rename(&kept, &july).unwrap();
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(&ctx, sitediff::app::Action::Open(file.clone()));
    step_until(&mut h, "July to load", loaded);
    assert!(h.state().images.get(&july).unwrap().error().is_none());
}

#[test]
fn a_before_image_dated_after_the_after_image_is_called_out_in_the_headers() {
    let (_dir, mut h) = loaded_harness();
    assert!(
        h.query_by_label("182 days before the after image")
            .is_some()
    );
    h.key_press(egui::Key::X);
    steps(&mut h, 2);
    assert!(
        h.query_by_label("! 182 days AFTER the after image (X swaps)")
            .is_some()
    );
    assert!(
        h.query_by_label("! 182 days BEFORE the before image (X swaps)")
            .is_some()
    );
}

#[test]
fn a_long_file_name_in_a_header_leaves_the_day_count_in_view() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::support::project_on_disk(dir.path());
    let long = "a_very_long_satellite_product_name_with_sensor_orbit_and_processing_level_2024-07-15_final_v2.png";
    std::fs::rename(
        dir.path().join("yard_2024-07-15.png"),
        dir.path().join(long),
    )
    .unwrap();
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("yard_2024-07-15.png", long);
    std::fs::write(&file, text).unwrap();
    let mut h = harness_for(&file);
    step_until(&mut h, "images to load", loaded);
    let pane = h.state().panes[1].rect;
    let gap = h.get_by_label("182 days after the before image").rect();
    assert!(
        gap.right() <= pane.right() + 0.5 && gap.left() >= pane.left(),
        "the day count {gap:?} stays in the header over {pane:?}"
    );
    // The header's, not the timeline's.
    let name = h
        .get_all_by_label(long)
        .map(|n| n.rect())
        .max_by(|a, b| a.left().total_cmp(&b.left()))
        .unwrap();
    assert!(
        name.right() <= pane.right() + 0.5,
        "the name is cut short: {name:?}"
    );
    assert!(name.bottom() <= pane.top(), "above the coloured rule");
}

#[test]
fn the_timeline_scrolls_to_follow_the_compared_images() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::support::project_on_disk(dir.path());
    // Twelve more monthly images.
    let mut p = sitediff::io::load_project(&file).unwrap();
    for m in 1..=12u32 {
        let name = format!("yard_2025-{m:02}-01.png");
        crate::support::test_image(64, 48, m)
            .save(dir.path().join(&name))
            .unwrap();
        let id = p.next_ids.new_image().unwrap();
        p.sites[0].images.push(sitediff::model::DatedImage::new(
            id,
            name,
            format!("2025-{m:02}-01").parse().unwrap(),
        ));
    }
    sitediff::io::save_project(&p, &file).unwrap();
    let mut h = harness_for(&file);
    steps(&mut h, 5);
    let timeline_top = h.get_by_label("Timeline").rect().bottom();
    let timeline_bottom = h.get_by_label("Display adjustments").rect().top();
    // The initial pair is January 2024 and December 2025 (the last entry).
    let timeline_entry = |h: &H, date: &str| {
        h.get_all_by_label(date)
            .map(|n| n.rect())
            .min_by(|a, b| a.left().total_cmp(&b.left()))
            .unwrap()
    };
    let last = timeline_entry(&h, "2025-12-01");
    assert!(
        last.top() >= timeline_top && last.bottom() <= timeline_bottom,
        "the after image's entry is in view: {last:?}"
    );
    // Step the after image back to early 2025: the timeline follows.
    for _ in 0..10 {
        h.key_press(egui::Key::OpenBracket);
        h.step();
    }
    steps(&mut h, 4);
    assert_eq!(
        h.state().pair.after.map(|i| i.0),
        Some(5),
        "2025-02-01 is image I5"
    );
    let entry = timeline_entry(&h, "2025-02-01");
    assert!(
        entry.top() >= timeline_top && entry.bottom() <= timeline_bottom,
        "{entry:?} within {timeline_top}..{timeline_bottom}"
    );
}
