//! Hostile and odd files, tried through the real binary: each gets a clear error naming the
//! file and the problem, in bounded time and memory, and nothing `fmt` writes is unreadable.

mod files;
#[path = "../support/mod.rs"]
mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Every command here must finish well within this, or it is stuck.
const PATIENCE: Duration = Duration::from_secs(60);

fn sitediff() -> Command {
    let mut command = Command::cargo_bin("sitediff").unwrap();
    command.timeout(PATIENCE);
    command
}

/// The test project (three images, one footprint) with its second image replaced by `bytes`.
fn project_with_image(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let project = support::project_on_disk(dir);
    fs::write(dir.join(name), bytes).unwrap();
    let text = fs::read_to_string(&project).unwrap();
    let text = text.replace("yard_2024-04-15.png", name);
    fs::write(&project, text).unwrap();
    project
}

/// `validate PROJECT`, asserted to exit with `code`.
fn validate(project: &Path, code: i32) -> assert_cmd::assert::Assert {
    sitediff().arg("validate").arg(project).assert().code(code)
}

/// `validate --no-files PROJECT`, asserted to exit with `code`.
fn validate_without_files(project: &Path, code: i32) -> assert_cmd::assert::Assert {
    sitediff()
        .args(["validate", "--no-files"])
        .arg(project)
        .assert()
        .code(code)
}

fn valid_png() -> Vec<u8> {
    files::png(64, 64, &[])
}

#[test]
fn an_odd_spelling_of_the_version_that_loads_is_written_back_in_a_form_that_loads_again() {
    let dir = tempfile::tempdir().unwrap();
    let spellings = [
        "+2",
        "/* x */ 2",
        "0x2",
        "2 // two",
        "1_0",
        "/* x */ 1000",
        "+0",
    ];
    for spelling in spellings {
        let path = dir.path().join("v.ron");
        fs::write(
            &path,
            format!("(format_version: {spelling}, name: \"x\")\n"),
        )
        .unwrap();
        let fmt = sitediff().arg("fmt").arg(&path).output().unwrap();
        if fmt.status.success() {
            validate_without_files(&path, 0);
        } else {
            assert_eq!(fmt.status.code(), Some(2), "{spelling}");
        }
    }
}

#[test]
fn a_version_behind_a_comment_in_a_file_of_newer_syntax_is_still_read_as_too_new() {
    let dir = tempfile::tempdir().unwrap();
    for spelling in ["/* x */ 1000", "+7", "0x10"] {
        let path = dir.path().join("new.ron");
        let text = format!("(format_version: {spelling}, name: \"x\", thing: <<>>)");
        fs::write(&path, text).unwrap();
        validate(&path, 2).stderr(predicate::str::contains("newer sitediff"));
    }
}

#[test]
fn a_megabyte_long_unknown_field_is_named_in_a_short_message_with_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.ron");
    let field = "f".repeat(1_000_000);
    fs::write(
        &path,
        format!("(format_version: 2, name: \"x\", {field}: 1)"),
    )
    .unwrap();
    let output = sitediff().arg("validate").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.len() < 1000, "{} bytes", stderr.len());
    assert!(stderr.contains("(1000000 characters)"), "{stderr}");
}

#[test]
fn a_png_whose_colour_profile_inflates_to_a_gigabyte_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_image(dir.path(), "bomb.png", &files::iccp_bomb(1 << 30));
    let started = Instant::now();
    validate(&project, 1)
        .stdout(predicate::str::contains("bomb.png"))
        .stdout(predicate::str::contains("colour profile"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_three_gigabyte_jpeg_claiming_65535_pixels_a_side_is_refused_from_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_image(dir.path(), "big.jpg", b"");
    files::sparse_jpeg(&dir.path().join("big.jpg"), 65535, 65535, 3 << 30);
    let started = Instant::now();
    validate(&project, 1).stdout(predicate::str::contains("big.jpg: image is 65535 x 65535"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // Plausible dimensions do not let a 3 GiB file be read whole either.
    files::sparse_jpeg(&dir.path().join("big.jpg"), 100, 100, 3 << 30);
    validate(&project, 1).stdout(predicate::str::contains(
        "far more than 100 x 100 pixels need",
    ));
}

#[test]
fn a_tiled_tiff_of_200000_px_a_side_reusing_one_tile_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_image(dir.path(), "bomb.tif", b"");
    files::tiff_tile_bomb(&dir.path().join("bomb.tif"), 200_000);
    let started = Instant::now();
    validate(&project, 1).stdout(
        predicate::str::contains("bomb.tif")
            .and(predicate::str::contains("cannot hold (chunks reused?)")),
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(target_os = "linux")]
fn mkfifo(path: &Path) {
    let c_path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
}

#[cfg(target_os = "linux")]
#[test]
fn a_named_pipe_as_an_image_or_a_project_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_image(dir.path(), "pipe.png", b"");
    fs::remove_file(dir.path().join("pipe.png")).unwrap();
    mkfifo(&dir.path().join("pipe.png"));
    let named_pipe = predicate::str::contains("pipe.png: is a named pipe (FIFO)");
    validate(&project, 1).stdout(named_pipe.clone());
    sitediff()
        .arg("stats")
        .arg(&project)
        .assert()
        .success()
        .stdout(named_pipe.clone());
    sitediff()
        .args(["new", "n.ron", "--site", "s"])
        .arg(dir.path().join("pipe.png"))
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(named_pipe);
    let pipe_project = dir.path().join("p.ron");
    mkfifo(&pipe_project);
    for command in ["validate", "stats", "fmt"] {
        sitediff()
            .arg(command)
            .arg(&pipe_project)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("p.ron: is a named pipe (FIFO)"));
    }
    sitediff()
        .args(["validate", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/dev/zero: is a device"));
}

#[test]
fn a_project_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let file = fs::File::create(&path).unwrap();
    file.set_len(sitediff::io::project_file::MAX_PROJECT_FILE_BYTES + 1)
        .unwrap();
    validate(&path, 2).stderr(predicate::str::contains(
        "huge.ron: the file is larger than 512 MiB",
    ));
}

#[test]
fn an_outline_of_a_hundred_thousand_vertices_validates_in_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let mut loaded = sitediff::io::load_project(&project).unwrap();
    let n = 100_000;
    loaded.sites[0].footprints[0].outline = sitediff::model::Polygon(
        (0..n)
            .map(|i| {
                let t = std::f64::consts::TAU * f64::from(i) / f64::from(n);
                sitediff::model::Point::new(300.0 + 100.0 * t.cos(), 200.0 + 100.0 * t.sin())
            })
            .collect(),
    );
    sitediff::io::save_project(&loaded, &project).unwrap();
    let started = Instant::now();
    validate_without_files(&project, 0);
    // It took 31 s (release) with the all-pairs check; the sweep takes well under a second.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn validate_and_new_refuse_images_that_do_not_decode_and_name_them() {
    let dir = tempfile::tempdir().unwrap();
    let good = valid_png();
    let mut bad_crc = good.clone();
    let idat = bad_crc.windows(4).position(|w| w == b"IDAT").unwrap();
    bad_crc[idat + 4] ^= 0x01;
    let cases: [(&str, Vec<u8>); 3] = [
        ("cut.png", good[..good.len() - 20].to_vec()),
        ("crc.png", bad_crc),
        ("claims.png", {
            let mut claims = files::png(64, 64, &[]);
            claims[16..24].copy_from_slice(&[0, 0, 0x9C, 0x40, 0, 0, 0x9C, 0x40]);
            let crc = files::crc32(&claims[12..29]);
            claims[29..33].copy_from_slice(&crc.to_be_bytes());
            claims.truncate(33 + 64);
            claims
        }),
    ];
    for (name, bytes) in cases {
        let project = project_with_image(dir.path(), name, &bytes);
        validate(&project, 1).stdout(predicate::str::contains(format!("{name}: ")));
        sitediff()
            .args([
                "new",
                "n.ron",
                "--force",
                "--site",
                "s",
                "yard_2024-01-15.png",
                name,
            ])
            .current_dir(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name));
    }
    sitediff()
        .args(["validate", "--no-files"])
        .arg(dir.path().join("yard.ron"))
        .assert()
        .success();
}

#[test]
fn validate_reports_next_ids_that_would_reuse_ids_already_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let text = fs::read_to_string(&project).unwrap();
    let at = text.find("footprint: ").unwrap();
    let end = at + text[at..].find(',').unwrap();
    fs::write(
        &project,
        format!("{}footprint: 1{}", &text[..at], &text[end..]),
    )
    .unwrap();
    validate(&project, 1).stdout(predicate::str::contains("next_ids.footprint is 1"));
}

#[test]
fn an_outline_whose_area_overflows_is_a_problem_and_stats_say_it_is_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    let mut loaded = sitediff::io::load_project(&project).unwrap();
    loaded.sites[0].footprints[0].outline = sitediff::model::Polygon::rectangle(
        sitediff::model::Point::new(-1e308, -1e308),
        sitediff::model::Point::new(1e308, 1e308),
    );
    sitediff::io::save_project(&loaded, &project).unwrap();
    validate_without_files(&project, 1)
        .stdout(predicate::str::contains("area is not a finite number"));
    sitediff()
        .arg("stats")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("not counted: 1 footprint"));
}

#[cfg(unix)]
#[test]
fn two_images_naming_one_file_through_dot_dot_or_a_link_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let project = support::project_on_disk(dir.path());
    fs::create_dir(dir.path().join("sub")).unwrap();
    let text = fs::read_to_string(&project).unwrap();
    let via_dot_dot = text.replace("yard_2024-04-15.png", "sub/../yard_2024-01-15.png");
    fs::write(&project, via_dot_dot).unwrap();
    let same = predicate::str::contains("uses the same file");
    validate(&project, 1).stdout(same.clone());
    std::os::unix::fs::symlink("yard_2024-01-15.png", dir.path().join("link.png")).unwrap();
    fs::write(&project, text.replace("yard_2024-04-15.png", "link.png")).unwrap();
    validate(&project, 1).stdout(same);
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.ron");
    fs::write(&path, b"(\n\tformat_version: 2,\n\tname: \"ab\xff\",\n)").unwrap();
    sitediff()
        .args(["validate"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bin.ron:3:11: not a text file"));
}
