//! The command line, run as a user runs it: every subcommand and its exit codes.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn sitediff() -> Command {
    Command::cargo_bin("sitediff").unwrap()
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
    sitediff()
        .args([
            "new",
            project.to_str().unwrap(),
            "--force",
            "--site",
            "S",
            "--date",
            "x.png=2023-02-30",
        ])
        .args([&a, &b])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2023-02-30"));
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
    // Point the footprint at an image that does not exist and date the before image last.
    let broken = text
        .replace("before: 1,", "before: 9,")
        .replace("date: \"2024-01-15\"", "date: \"2025-01-15\"");
    fs::write(&project, broken).unwrap();
    sitediff()
        .arg("validate")
        .arg(&project)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "site S1, footprint F1: its before image I9 is not an image of this site",
        ))
        .stdout(predicate::str::contains("1 problem(s)"));
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
        .stderr(predicate::str::contains("binary.ron: not a text file"));
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
fn unknown_subcommands_and_flags_exit_2_with_usage() {
    sitediff().args(["validate"]).assert().code(2);
    sitediff()
        .args(["stats", "a.ron", "--bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--bogus"));
}

#[test]
fn the_bundled_demo_project_validates() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/demo.ron");
    sitediff().arg("validate").arg(demo).assert().success();
    sitediff()
        .arg("stats")
        .arg(demo)
        .assert()
        .success()
        .stdout(predicate::str::contains("demolished"));
}
