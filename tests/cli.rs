//! The command line, run as a user runs it: every subcommand and its exit codes.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn sitediff() -> Command {
    Command::cargo_bin("sitediff").unwrap()
}

/// `text` with the one occurrence of `from` replaced; fails when `from` is not there exactly
/// once, so that a mutation that no longer matches the file cannot silently test nothing.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` in:\n{text}");
    text.replacen(from, to, 1)
}

fn two_images(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let a = dir.join("plant_2024-01-15.png");
    let b = dir.join("plant_20240715.png");
    support::test_image(320, 240, 0).save(&a).unwrap();
    support::test_image(320, 240, 40).save(&b).unwrap();
    (a, b)
}

#[test]
fn new_makes_a_project_that_validates_and_whose_stats_show_both_dates() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_images(dir.path());
    let project = dir.path().join("plant.ron");
    sitediff()
        .args(["new", project.to_str().unwrap(), "--site", "Plant"])
        .arg(&b)
        .arg(&a)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "date 2024-01-15 (from the file name)",
        ))
        .stdout(predicate::str::contains("320 x 240"));
    sitediff()
        .arg("validate")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"));
    sitediff()
        .arg("stats")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("2024-01-15"))
        .stdout(predicate::str::contains("2024-07-15"))
        .stdout(predicate::str::contains("320 x 240"));
    let text = fs::read_to_string(&project).unwrap();
    assert!(
        text.contains("path: \"plant_2024-01-15.png\""),
        "paths are relative: {text}"
    );
    assert!(
        text.contains("reference_image: Some(2)"),
        "the earliest image is the reference"
    );
}

#[test]
fn new_refuses_to_overwrite_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_images(dir.path());
    let project = dir.path().join("p.ron");
    fs::write(&project, "precious").unwrap();
    sitediff()
        .args(["new", project.to_str().unwrap(), "--site", "S"])
        .args([&a, &b])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
    assert_eq!(fs::read_to_string(&project).unwrap(), "precious");
    sitediff()
        .args(["new", project.to_str().unwrap(), "--site", "S", "--force"])
        .args([&a, &b])
        .assert()
        .success();
}

#[test]
fn new_takes_dates_given_by_hand_over_detected_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_images(dir.path());
    let project = dir.path().join("p.ron");
    sitediff()
        .args([
            "new",
            project.to_str().unwrap(),
            "--site",
            "S",
            "--date",
            "plant_20240715.png=2023-12-31",
        ])
        .args([&a, &b])
        .assert()
        .success()
        .stdout(predicate::str::contains("date 2023-12-31 (set by hand)"));
    // A date that does not exist, for an image that does: the date alone is the problem.
    sitediff()
        .args([
            "new",
            project.to_str().unwrap(),
            "--force",
            "--site",
            "S",
            "--date",
            "plant_20240715.png=2023-02-30",
        ])
        .args([&a, &b])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`2023-02-30` is not a date"));
    // A date for an image that is not on the command line is a typo, not something to ignore.
    sitediff()
        .args([
            "new",
            project.to_str().unwrap(),
            "--force",
            "--site",
            "S",
            "--date",
            "plant_20250101.png=2025-01-01",
        ])
        .args([&a, &b])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--date plant_20250101.png: names no image",
        ));
}

#[test]
fn new_with_an_unreadable_image_names_it_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_images(dir.path());
    let junk = dir.path().join("junk.png");
    fs::write(&junk, b"not a png at all").unwrap();
    let project = dir.path().join("p.ron");
    sitediff()
        .args(["new", project.to_str().unwrap(), "--site", "S"])
        .args([&a, &junk])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("junk.png"));
    assert!(!project.exists());
}

#[test]
fn validate_exits_1_and_names_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let text = fs::read_to_string(&project).unwrap();
    // Make the site's reference an image that does not exist, and date the footprint's before
    // image (I1) after its after image (I3, July 2024). The footprint must keep pointing at
    // real images, or its dates are never compared.
    let broken = replace_once(
        &text,
        "reference_image: Some(1),",
        "reference_image: Some(9),",
    );
    let broken = replace_once(&broken, "date: \"2024-01-15\"", "date: \"2025-01-15\"");
    fs::write(&project, broken).unwrap();
    sitediff()
        .arg("validate")
        .arg(&project)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "site S1: reference image I9 is not an image of this site",
        ))
        .stdout(predicate::str::contains(
            "site S1, footprint F1: its before image I1 (2025-01-15) is dated after its after \
             image I3 (2024-07-15)",
        ))
        .stdout(predicate::str::contains("2 problem(s)"));
}

#[test]
fn validate_reports_missing_image_files_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    fs::remove_file(dir.path().join("yard_2024-04-15.png")).unwrap();
    sitediff()
        .arg("validate")
        .arg(&project)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("image I2")
                .and(predicate::str::contains("yard_2024-04-15.png")),
        );
    sitediff()
        .args(["validate", "--no-files"])
        .arg(&project)
        .assert()
        .success();
}

#[test]
fn validate_exits_2_for_files_it_cannot_read_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    fs::write(
        &bad,
        "(\n  format_version: 1,\n  name: \"x\",\n  sites: [ (id: oops) ],\n)\n",
    )
    .unwrap();
    sitediff()
        .arg("validate")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.ron:4:"));
    let newer = dir.path().join("newer.ron");
    fs::write(&newer, "(format_version: 99, name: \"x\")").unwrap();
    sitediff()
        .arg("validate")
        .arg(&newer)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("newer sitediff"));
    let binary = dir.path().join("binary.ron");
    fs::write(&binary, [0u8, 159, 146, 150, 255, 0, 1]).unwrap();
    sitediff()
        .arg("validate")
        .arg(&binary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("binary.ron:1:2: not a text file"));
    sitediff()
        .arg("validate")
        .arg(dir.path().join("missing.ron"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.ron: cannot read"));
    // A folder, an empty file.
    sitediff().arg("validate").arg(dir.path()).assert().code(2);
    let empty = dir.path().join("empty.ron");
    fs::write(&empty, "").unwrap();
    sitediff()
        .arg("validate")
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.ron"));
}

#[test]
fn validate_with_several_files_reports_the_worst_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let good = support::project_on_disk(dir.path());
    sitediff()
        .arg("validate")
        .arg(&good)
        .arg(dir.path().join("nope.ron"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("yard.ron: valid"));
}

#[test]
fn stats_json_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let out = sitediff()
        .args(["stats", "--json"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let site = &v["sites"][0];
    assert_eq!(site["name"], "Test yard");
    assert_eq!(site["images"].as_array().unwrap().len(), 3);
    assert_eq!(site["images"][0]["date"], "2024-01-15");
    assert_eq!(site["images"][0]["width"], 640);
    assert_eq!(site["new"], 1);
    assert_eq!(site["unreviewed"], 1);
    assert_eq!(site["total_area"], 6400.0);
}

#[test]
fn stats_show_review_progress_decisions_by_reason_and_self_reviews() {
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden_v2.ron");
    // Golden v2: F7 accepted by ben (its author is ana); F8 sent back for an inaccurate
    // outline, then changed by the analyst.
    sitediff()
        .arg("stats")
        .arg(golden)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "review: 1 of 2 reviewed (50.0%): 1 accepted, 0 rejected, 0 need changes; \
             0 unreviewed, 1 changed since review",
        ))
        .stdout(predicate::str::contains("self-review").not())
        .stdout(predicate::str::contains(
            "missed-change markers: 1 open of 2",
        ))
        .stdout(predicate::str::contains(
            "coverage by ben: 8.3% of the site checked",
        ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.ron");
    // ana accepts her own F7; F8's decision is made to judge its current outline again by
    // removing the digest (a decision without one judges the footprint as it is).
    let text = fs::read_to_string(golden).unwrap();
    let text = replace_once(
        &text,
        "by: \"ben\",\n\t\t\t\t\t\t\tat: \"2024-03-11T14:00:00Z\"",
        "by: \"ana\",\n\t\t\t\t\t\t\tat: \"2024-03-11T14:00:00Z\"",
    );
    let text = replace_once(&text, "judged: Some(\"0000000000000001\"),\n", "");
    fs::write(&path, text).unwrap();
    let out = sitediff().arg("stats").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("2 of 2 reviewed (100.0%): 1 accepted, 0 rejected, 1 need changes"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 decided by their own author (self-review)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rejected or sent back for outline inaccurate: 1"),
        "{stdout}"
    );
    let json = sitediff()
        .args(["stats", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["sites"][0]["self_reviewed"], 1);
    assert_eq!(v["sites"][0]["needs_changes"], 1);
    assert_eq!(v["sites"][0]["reasons"]["outline inaccurate"], 1);
}

#[test]
fn fmt_rewrites_into_canonical_form_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let golden = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/golden_v1.ron"
    ))
    .unwrap();
    let path = dir.path().join("g.ron");
    fs::write(&path, &golden).unwrap();
    sitediff()
        .args(["fmt", "--check"])
        .arg(&path)
        .assert()
        .code(1);
    sitediff()
        .arg("fmt")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("rewritten"));
    let once = fs::read(&path).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("g.ron.bak")).unwrap(),
        golden
    );
    sitediff()
        .arg("fmt")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("already canonical"));
    assert_eq!(fs::read(&path).unwrap(), once);
    sitediff()
        .args(["fmt", "--check"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn fmt_never_touches_a_file_it_cannot_parse() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    fs::write(&path, "(format_version: 1, name: ").unwrap();
    sitediff()
        .arg("fmt")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.ron:"));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "(format_version: 1, name: "
    );
    assert!(!dir.path().join("broken.ron.bak").exists());
}

#[test]
fn a_missing_argument_or_an_unknown_flag_exits_2_with_usage() {
    sitediff()
        .args(["validate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage: sitediff validate"));
    sitediff()
        .args(["stats", "a.ron", "--bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--bogus").and(predicate::str::contains("Usage:")));
}

#[test]
fn the_bundled_demo_project_validates_without_warnings_and_shows_every_change_kind() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/demo.ron");
    sitediff()
        .arg("validate")
        .arg(demo)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("demo.ron: valid\n"))
        .stdout(predicate::str::contains("warning").not());
    // The text report names every kind even when its count is 0; the counts are in the JSON.
    let out = sitediff()
        .args(["stats", "--json"])
        .arg(demo)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for kind in ["demolished", "new", "renovated"] {
        assert!(
            v["sites"][0][kind].as_u64().unwrap() > 0,
            "the demo has no {kind} footprint"
        );
    }
}

// Growing a project: add-image, add-site, rename-site, remove-image.

/// The project file's bytes, to check later that a refused command left them as they were.
struct Untouched {
    path: std::path::PathBuf,
    bytes: Vec<u8>,
    had_backup: bool,
}

impl Untouched {
    fn snapshot(path: &Path) -> Self {
        Untouched {
            path: path.to_path_buf(),
            bytes: fs::read(path).unwrap(),
            had_backup: backup_of(path).exists(),
        }
    }

    #[track_caller]
    fn check(&self) {
        assert!(
            fs::read(&self.path).unwrap() == self.bytes,
            "{} was changed",
            self.path.display()
        );
        assert_eq!(
            backup_of(&self.path).exists(),
            self.had_backup,
            "a refused command saved nothing, so it made no backup either"
        );
    }
}

fn backup_of(path: &Path) -> std::path::PathBuf {
    path.with_file_name(format!(
        "{}.bak",
        path.file_name().unwrap().to_string_lossy()
    ))
}

fn png(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    support::test_image(640, 480, 20).save(&path).unwrap();
    path
}

fn validates(project: &Path) {
    sitediff()
        .arg("validate")
        .arg(project)
        .assert()
        .success()
        .stdout(predicate::str::contains(": valid"));
}

fn load(project: &Path) -> sitediff::model::Project {
    sitediff::io::load_project(project).unwrap()
}

#[test]
fn add_image_adds_dated_images_to_a_site_named_by_id_or_by_name_and_the_project_still_validates() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let original = fs::read(&project).unwrap();
    let october = png(dir.path(), "yard_2024-10-15.png");
    sitediff()
        .args(["add-image", project.to_str().unwrap(), "--site", "S1"])
        .arg(&october)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I4  yard_2024-10-15.png  640 x 480  date 2024-10-15 (from the file name)",
        ))
        .stdout(predicate::str::contains(
            "added 1 image(s) to site S1 \"Test yard\", 0 without a capture date; the site has \
             4 image(s)",
        ))
        .stdout(predicate::str::contains("no capture date").not());
    assert_eq!(
        fs::read(backup_of(&project)).unwrap(),
        original,
        "the previous version is kept"
    );
    let undated = png(dir.path(), "undated.png");
    sitediff()
        .args([
            "add-image",
            project.to_str().unwrap(),
            "--site",
            "Test yard",
        ])
        .arg(&undated)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I5  undated.png  640 x 480  date unknown (not found)",
        ))
        .stdout(predicate::str::contains("1 without a capture date"))
        .stdout(predicate::str::contains(
            "1 image(s) have no capture date; set it in the window",
        ));
    validates(&project);
    let site = &load(&project).sites[0];
    let stored: Vec<(u32, &str, String)> = site
        .images
        .iter()
        .map(|i| (i.id.0, i.path.as_str(), i.date.to_string()))
        .collect();
    assert_eq!(
        stored[3..],
        [
            (4, "yard_2024-10-15.png", "2024-10-15".to_string()),
            (5, "undated.png", "unknown".to_string()),
        ]
    );
    assert_eq!(site.reference_image.unwrap().0, 1, "the reference stays");
}

#[test]
fn add_image_takes_dates_given_by_hand_and_refuses_one_naming_no_image() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let october = png(dir.path(), "yard_2024-10-15.png");
    let undated = png(dir.path(), "undated.png");
    let untouched = Untouched::snapshot(&project);
    for bad in [
        "other.png=2024-11-01",
        "undated.png=2024-11-31",
        "2024-11-01",
    ] {
        sitediff()
            .args(["add-image", project.to_str().unwrap(), "--site", "S1"])
            .args(["--date", bad])
            .args([&october, &undated])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--date"));
        untouched.check();
    }
    sitediff()
        .args(["add-image", project.to_str().unwrap(), "--site", "S1"])
        .args(["--date", "yard_2024-10-15.png=2024-10-20"])
        .args(["--date", &format!("{}=2024-11-01", undated.display())])
        .args([&october, &undated])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "yard_2024-10-15.png  640 x 480  date 2024-10-20 (set by hand)",
        ))
        .stdout(predicate::str::contains(
            "undated.png  640 x 480  date 2024-11-01 (set by hand)",
        ))
        .stdout(predicate::str::contains("0 without a capture date"));
    let dates: Vec<String> = load(&project).sites[0]
        .images
        .iter()
        .map(|i| i.date.to_string())
        .collect();
    assert_eq!(dates[3..], ["2024-10-20", "2024-11-01"]);
    validates(&project);
}

#[test]
fn a_site_the_project_does_not_have_is_refused_with_the_sites_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let october = png(dir.path(), "yard_2024-10-15.png");
    let untouched = Untouched::snapshot(&project);
    let p = project.to_str().unwrap();
    let commands: [Vec<&str>; 3] = [
        vec![
            "add-image",
            p,
            "--site",
            "Harbour",
            october.to_str().unwrap(),
        ],
        vec!["rename-site", p, "--site", "S9", "--name", "Harbour"],
        vec!["remove-image", p, "--site", "9", "--image", "I2"],
    ];
    for args in commands {
        sitediff()
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("yard.ron: no site `"))
            .stderr(predicate::str::contains("the project has S1 \"Test yard\""));
        untouched.check();
    }
}

#[test]
fn an_unreadable_image_exits_2_names_it_and_leaves_the_project_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let october = png(dir.path(), "yard_2024-10-15.png");
    let junk = dir.path().join("junk_2024-11-01.png");
    fs::write(&junk, b"not a png at all").unwrap();
    let missing = dir.path().join("missing_2024-12-01.png");
    let untouched = Untouched::snapshot(&project);
    let p = project.to_str().unwrap();
    for bad in [&junk, &missing] {
        let name = bad.file_name().unwrap().to_str().unwrap();
        // The readable image comes first: nothing is added unless every image can be.
        sitediff()
            .args(["add-image", p, "--site", "S1"])
            .args([&october, bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name));
        untouched.check();
        sitediff()
            .args(["add-site", p, "--name", "Harbour"])
            .args([&october, bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name));
        untouched.check();
    }
}

#[test]
fn an_image_already_in_the_site_or_given_twice_is_not_added() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let october = png(dir.path(), "yard_2024-10-15.png");
    let untouched = Untouched::snapshot(&project);
    let p = project.to_str().unwrap();
    sitediff()
        .args(["add-image", p, "--site", "S1"])
        .arg(dir.path().join("yard_2024-01-15.png"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already in this site as image I1"));
    untouched.check();
    sitediff()
        .args(["add-image", p, "--site", "S1"])
        .args([&october, &october])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("given twice"));
    untouched.check();
}

#[test]
fn add_site_adds_a_site_whose_earliest_image_is_the_reference_and_the_project_still_validates() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    fs::create_dir(dir.path().join("harbour")).unwrap();
    let july = png(dir.path(), "harbour/pier_2024-07-01.png");
    let undated = png(dir.path(), "harbour/pier.png");
    let february = png(dir.path(), "harbour/pier_2023-02-01.png");
    sitediff()
        .args(["add-site", project.to_str().unwrap(), "--name", "Harbour"])
        .args([&july, &undated, &february])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I4  harbour/pier_2024-07-01.png  640 x 480  date 2024-07-01 (from the file name)",
        ))
        .stdout(predicate::str::contains(
            "added site S2 \"Harbour\" with 3 image(s), 1 without a capture date; its reference \
             image is I6 (2023-02-01)",
        ))
        .stdout(predicate::str::contains("1 image(s) have no capture date"));
    validates(&project);
    let p = load(&project);
    assert_eq!(p.sites.len(), 2);
    let harbour = &p.sites[1];
    assert_eq!(harbour.name, "Harbour");
    assert_eq!(
        harbour.reference_image.unwrap().0,
        6,
        "the February 2023 image"
    );
    assert_eq!(harbour.images[0].path, "harbour/pier_2024-07-01.png");
    // The new site is found by its name from now on.
    sitediff()
        .args(["remove-image", project.to_str().unwrap()])
        .args(["--site", "Harbour", "--image", "I5"])
        .assert()
        .success();
    assert_eq!(load(&project).sites[1].images.len(), 2);
}

#[test]
fn add_site_without_images_makes_an_empty_site_that_add_image_fills() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let p = project.to_str().unwrap();
    sitediff()
        .args(["add-site", p, "--name", "Depot"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "added site S2 \"Depot\" with no images yet",
        ));
    validates(&project);
    let depot = png(dir.path(), "depot.png");
    let later = png(dir.path(), "depot_2025-03-01.png");
    sitediff()
        .args([
            "add-image",
            p,
            "--site",
            "Depot",
            "--date",
            "depot.png=2024-12-24",
        ])
        .args([&later, &depot])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "depot.png  640 x 480  date 2024-12-24 (set by hand)",
        ));
    validates(&project);
    let site = load(&project).sites[1].clone();
    assert_eq!(site.images.len(), 2);
    assert_eq!(
        site.reference_image.unwrap().0,
        5,
        "the earliest of the first images an empty site gets becomes its reference"
    );
}

#[test]
fn add_site_takes_dates_given_by_hand_and_refuses_a_blank_name() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let dock = png(dir.path(), "dock.png");
    let untouched = Untouched::snapshot(&project);
    let p = project.to_str().unwrap();
    sitediff()
        .args(["add-site", p, "--name", "  "])
        .arg(&dock)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a site needs a name"));
    untouched.check();
    sitediff()
        .args([
            "add-site",
            p,
            "--name",
            "Dock",
            "--date",
            "dock.png=2022-03-04",
        ])
        .arg(&dock)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I4  dock.png  640 x 480  date 2022-03-04 (set by hand)",
        ))
        .stdout(predicate::str::contains(
            "its reference image is I4 (2022-03-04)",
        ));
    assert_eq!(
        load(&project).sites[1].images[0].date.to_string(),
        "2022-03-04"
    );
    validates(&project);
}

#[test]
fn rename_site_renames_a_site_named_by_id_or_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let p = project.to_str().unwrap();
    sitediff()
        .args(["rename-site", p, "--site", "1", "--name", "North yard"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "renamed site S1 \"Test yard\" to \"North yard\"",
        ));
    sitediff()
        .args(["rename-site", p, "--site", "North yard", "--name", "Yard"])
        .assert()
        .success();
    assert_eq!(load(&project).sites[0].name, "Yard");
    validates(&project);
    let untouched = Untouched::snapshot(&project);
    sitediff()
        .args(["rename-site", p, "--site", "S1", "--name", "Yard"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already called Yard"));
    untouched.check();
    sitediff()
        .args(["rename-site", p, "--site", "S1", "--name", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a site needs a name"));
    untouched.check();
}

#[test]
fn a_project_open_in_a_window_is_not_changed_from_the_command_line() {
    use sitediff::io::project_lock::{LockOwner, ProjectLock, lock_path};
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let p = project.to_str().unwrap();
    let rename = ["rename-site", p, "--site", "S1", "--name", "North yard"];
    // This test process holds the lock, as a window would.
    let lock = ProjectLock::acquire(&project).expect("the lock");
    let untouched = Untouched::snapshot(&project);
    sitediff()
        .args(rename)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is open in a window"))
        .stderr(predicate::str::contains(format!(
            "(process {})",
            std::process::id()
        )));
    untouched.check();
    drop(lock);
    // A lock left by a window that is gone is no obstacle.
    let gone = LockOwner {
        pid: u32::MAX - 7,
        ..LockOwner::me()
    };
    fs::write(lock_path(&project), ron::to_string(&gone).unwrap()).unwrap();
    sitediff().args(rename).assert().success();
    assert_eq!(load(&project).sites[0].name, "North yard");
}

#[test]
fn removing_an_image_footprints_use_exits_1_names_the_footprints_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let untouched = Untouched::snapshot(&project);
    for image in ["I3", "1"] {
        sitediff()
            .args(["remove-image", project.to_str().unwrap()])
            .args(["--site", "S1", "--image", image])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is used by footprint(s) F1"));
        untouched.check();
    }
}

#[test]
fn removing_an_unused_image_leaves_a_project_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let p = project.to_str().unwrap();
    let untouched = Untouched::snapshot(&project);
    sitediff()
        .args(["remove-image", p, "--site", "S1", "--image", "I9"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "image I9 is not in site Test yard",
        ));
    untouched.check();
    sitediff()
        .args(["remove-image", p, "--site", "S1", "--image", "F2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`F2` is not an image id"));
    untouched.check();
    sitediff()
        .args(["remove-image", p, "--site", "Test yard", "--image", "I2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed image I2 (yard_2024-04-15.png) from site S1 \"Test yard\"; 2 image(s) left",
        ))
        .stdout(predicate::str::contains("reference image is now").not());
    let ids: Vec<u32> = load(&project).sites[0]
        .images
        .iter()
        .map(|i| i.id.0)
        .collect();
    assert_eq!(ids, [1, 3]);
    validates(&project);
}

#[test]
fn removing_the_reference_image_hands_the_role_to_the_earliest_image_left() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("plant.ron");
    let p = project.to_str().unwrap();
    // Given out of date order, so that the earliest image left is not the one with the
    // lowest id: I1 July, I2 January (the reference), I3 April.
    let images = [
        png(dir.path(), "plant_2024-07-15.png"),
        png(dir.path(), "plant_2024-01-15.png"),
        png(dir.path(), "plant_2024-04-15.png"),
    ];
    sitediff()
        .args(["new", p, "--site", "Plant"])
        .args(&images)
        .assert()
        .success();
    assert_eq!(load(&project).sites[0].reference_image.unwrap().0, 2);
    sitediff()
        .args(["remove-image", p, "--site", "Plant", "--image", "I2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "the site's reference image is now I3 (2024-04-15), the earliest image left",
        ));
    assert_eq!(load(&project).sites[0].reference_image.unwrap().0, 3);
    validates(&project);
    sitediff()
        .args(["remove-image", p, "--site", "Plant", "--image", "I3"])
        .assert()
        .success();
    assert_eq!(load(&project).sites[0].reference_image.unwrap().0, 1);
    validates(&project);
    let untouched = Untouched::snapshot(&project);
    sitediff()
        .args(["remove-image", p, "--site", "Plant", "--image", "I1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the only image of Plant"));
    untouched.check();
}

#[test]
fn a_project_file_that_does_not_parse_is_reported_with_its_line_and_column_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("bad.ron");
    fs::write(
        &project,
        "(\n  format_version: 1,\n  name: \"x\",\n  sites: [ (id: oops) ],\n)\n",
    )
    .unwrap();
    let image = png(dir.path(), "yard_2024-10-15.png");
    let untouched = Untouched::snapshot(&project);
    let p = project.to_str().unwrap();
    let i = image.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &["add-image", p, "--site", "S1", i],
        &["add-site", p, "--name", "Harbour", i],
        &["rename-site", p, "--site", "S1", "--name", "Harbour"],
        &["remove-image", p, "--site", "S1", "--image", "I1"],
    ];
    for args in commands {
        sitediff()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bad.ron:4:"));
        untouched.check();
    }
}

// Validate's warnings.

/// The test project with three more footprints: F2 overlapping F1 (both new buildings), F3
/// reaching past the right edge of the 640 x 480 reference image, and F4 a bow tie (a problem,
/// not a warning).
fn project_with_questionable_footprints(dir: &Path, bow_tie: bool) -> std::path::PathBuf {
    use sitediff::model::{ChangeKind, Footprint, FootprintId, ImageId, Point, Polygon, Timestamp};
    let path = support::project_on_disk(dir);
    let mut project = load(&path);
    let footprint = |id: u32, outline: Polygon| {
        Footprint::new(
            FootprintId(id),
            ChangeKind::New,
            ImageId(1),
            ImageId(3),
            outline,
            "tester",
            Timestamp::from_unix(1_700_000_000).unwrap(),
        )
    };
    let rect = |x0, y0, x1, y1| Polygon::rectangle(Point::new(x0, y0), Point::new(x1, y1));
    let site = &mut project.sites[0];
    site.footprints
        .push(footprint(2, rect(260.0, 160.0, 340.0, 240.0)));
    site.footprints
        .push(footprint(3, rect(600.0, 10.0, 700.0, 60.0)));
    if bow_tie {
        let bow = [(10.0, 300.0), (60.0, 350.0), (60.0, 300.0), (10.0, 350.0)];
        site.footprints
            .push(footprint(4, Polygon(bow.map(Point::from).to_vec())));
    }
    sitediff::io::save_project(&project, &path).unwrap();
    path
}

#[test]
fn validate_warns_about_overlaps_and_outlines_off_the_image_without_changing_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_questionable_footprints(dir.path(), false);
    let warning = |what: &str| {
        predicate::str::contains(format!("warning: {}: site S1, {what}", project.display()))
    };
    sitediff()
        .arg("validate")
        .arg(&project)
        .assert()
        .success()
        .stdout(warning(
            "footprint F1: overlaps F2, which has the same change kind",
        ))
        .stdout(warning(
            "footprint F2: overlaps F1, which has the same change kind",
        ))
        .stdout(warning("footprint F3: outline reaches outside the image"))
        .stdout(predicate::str::contains("yard.ron: valid, 3 warning(s)"));
    // Without the files the image's size is unknown: overlaps only.
    sitediff()
        .args(["validate", "--no-files"])
        .arg(&project)
        .assert()
        .success()
        .stdout(warning("footprint F1: overlaps F2"))
        .stdout(predicate::str::contains("outside the image").not())
        .stdout(predicate::str::contains("yard.ron: valid, 2 warning(s)"));
}

#[test]
fn validate_reports_a_self_intersecting_outline_once_as_a_problem_not_again_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_questionable_footprints(dir.path(), true);
    let out = sitediff().arg("validate").arg(&project).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let about_f4: Vec<&str> = stdout.lines().filter(|l| l.contains("F4")).collect();
    assert_eq!(about_f4.len(), 1, "{stdout}");
    assert!(
        about_f4[0].contains("site S1, footprint F4: outline edges")
            && about_f4[0].contains("self-intersecting"),
        "{stdout}"
    );
    assert!(
        stdout.contains("yard.ron: 1 problem(s), 3 warning(s)"),
        "{stdout}"
    );
}

#[test]
fn images_named_from_the_project_folder_are_stored_relative_to_the_project() {
    let dir = tempfile::tempdir().unwrap();
    support::project_on_disk(dir.path());
    png(dir.path(), "yard_2024-10-15.png");
    fs::create_dir(dir.path().join("dock")).unwrap();
    png(dir.path(), "dock/dock_2024-02-02.png");
    // Run from the project's folder with bare file names, as an analyst types them.
    sitediff()
        .current_dir(dir.path())
        .args([
            "add-image",
            "yard.ron",
            "--site",
            "S1",
            "yard_2024-10-15.png",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I4  yard_2024-10-15.png  640 x 480",
        ));
    sitediff()
        .current_dir(dir.path())
        .args([
            "add-site",
            "yard.ron",
            "--name",
            "Dock",
            "./dock/dock_2024-02-02.png",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I5  dock/dock_2024-02-02.png  640 x 480",
        ));
    sitediff()
        .current_dir(dir.path())
        .args([
            "new",
            "fresh.ron",
            "--site",
            "Dock",
            "dock/dock_2024-02-02.png",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "I1  dock/dock_2024-02-02.png  640 x 480",
        ));
    let project = load(&dir.path().join("yard.ron"));
    assert_eq!(project.sites[0].images[3].path, "yard_2024-10-15.png");
    assert_eq!(project.sites[1].images[0].path, "dock/dock_2024-02-02.png");
    validates(&dir.path().join("yard.ron"));
    validates(&dir.path().join("fresh.ron"));
}

/// The editing core compares files on disk; validate compares the paths as written, taking
/// `\` for `/` (a project may come from Windows). On Linux `dock\pier.png` is one file name,
/// so the core lets it in next to an image stored as `dock/pier.png` whose file is gone, and
/// only validate objects. The command must not write a project that validate would reject.
#[cfg(unix)]
#[test]
fn a_change_that_would_give_the_project_a_problem_is_refused_and_nothing_is_written() {
    use sitediff::model::{CaptureDate, DatedImage, ImageId};
    let dir = tempfile::tempdir().unwrap();
    let path = support::project_on_disk(dir.path());
    let mut project = load(&path);
    project.sites[0].images.push(DatedImage::new(
        ImageId(4),
        "dock/pier.png",
        CaptureDate::Unknown,
    ));
    sitediff::io::save_project(&project, &path).unwrap();
    let backslashed = png(dir.path(), "dock\\pier.png");
    let untouched = Untouched::snapshot(&path);
    sitediff()
        .args(["add-image", path.to_str().unwrap(), "--site", "S1"])
        .arg(&backslashed)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the change would give the project these problems, so nothing was written",
        ))
        .stderr(predicate::str::contains("uses the same file"));
    untouched.check();
}
