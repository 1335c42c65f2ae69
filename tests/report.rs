//! The HTML review report, through the real binary: what the page holds, that it stands alone
//! (every picture inside its folder, nothing fetched from elsewhere), bad input, and how it
//! looks in a real browser (headless Chromium).

mod support;

use assert_cmd::Command;
use image::RgbImage;
use predicates::prelude::*;
use sitediff::editing::review::decide;
use sitediff::io::{load_project, save_project};
use sitediff::model::ChangeKind;
use sitediff::model::{Decision, Edit, FootprintId, Project, Reason, Timestamp};
use sitediff::report::kind_style;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn sitediff() -> Command {
    Command::cargo_bin("sitediff").unwrap()
}

/// The demo project and its images, copied into `dir`; returns the project file.
fn demo_copy(dir: &Path) -> PathBuf {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    for entry in fs::read_dir(&demo).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir.join("demo.ron")
}

/// Applies a reviewer's decision through the editing core, as the window does.
fn review(
    project: &mut Project,
    id: u32,
    decision: Decision,
    reason: Option<Reason>,
    comment: &str,
    by: &str,
) {
    let site = &project.sites[0];
    let at = Timestamp::from_unix(1_725_000_000).unwrap();
    let op = decide(site, &[FootprintId(id)], decision, reason, comment, by, at).unwrap();
    let Edit::ReplaceFootprint { footprint, .. } = op.edit else {
        panic!("one footprint, one replacement: {:?}", op.edit);
    };
    let slot = project.sites[0].footprint_mut(FootprintId(id)).unwrap();
    *slot = footprint;
}

/// The demo with three decisions: F1 accepted, F2 rejected with a comment that needs
/// escaping, F3 sent back by its own author.
fn reviewed_demo(dir: &Path) -> PathBuf {
    let file = demo_copy(dir);
    let mut project = load_project(&file).unwrap();
    review(&mut project, 1, Decision::Accepted, None, "", "rita");
    review(
        &mut project,
        2,
        Decision::Rejected,
        Some(Reason::Duplicate),
        "same as <F1> & \"F3\"",
        "rita",
    );
    review(
        &mut project,
        3,
        Decision::NeedsChanges,
        Some(Reason::OutlineInaccurate),
        "",
        "make_demo",
    );
    // A missed change still open, one dismissed, and rita's coverage of a quarter of the grid.
    let site = project.sites[0].id;
    for (note, dismissed) in [("Hut <by> the gate", false), ("Shadow?", true)] {
        let id = sitediff::editing::review::next_marker_id(&project).unwrap();
        let add = sitediff::editing::review::add_marker(
            &project.sites[0],
            id,
            sitediff::model::MarkerShape::Point(sitediff::model::Point::new(100.0, 100.0)),
            note,
            (None, None),
            "rita",
            Timestamp::from_unix(1_730_000_000).unwrap(),
        )
        .unwrap();
        add.apply(&mut project).unwrap();
        if dismissed {
            sitediff::editing::review::dismiss_marker(
                &project.sites[0],
                id,
                "a tree's shadow",
                "make_demo",
                Timestamp::from_unix(1_730_000_100).unwrap(),
            )
            .unwrap()
            .apply(&mut project)
            .unwrap();
        }
    }
    Edit::CheckCells {
        site,
        reviewer: "rita".into(),
        grid: sitediff::model::CoverageGrid {
            cell: 128.0,
            cols: 4,
            rows: 4,
        },
        cells: vec![0, 1, 2, 3],
        checked: true,
    }
    .apply(&mut project)
    .unwrap();
    save_project(&project, &file).unwrap();
    file
}

/// Runs `sitediff report PROJECT --out DIR` and expects it to succeed.
fn report(project: &Path, out: &Path) -> String {
    let assert = sitediff()
        .arg("report")
        .arg(project)
        .arg("--out")
        .arg(out)
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote"));
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Every value of `attribute="..."` in the page.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let end = rest.find('"').expect("a closing quote");
        values.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    values
}

/// The `<article>` of footprint `id` in site 1.
fn article(html: &str, id: u32) -> &str {
    let start = html
        .find(&format!("<article class=\"fp\" id=\"S1-F{id}\""))
        .unwrap_or_else(|| panic!("no article for F{id}"));
    let end = html[start..].find("</article>").expect("the article ends") + start;
    &html[start..end]
}

/// A link or picture address that stays inside the report's folder.
fn stays_inside(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('/')
        && !value.starts_with('\\')
        && !value.contains("..")
        && !value.contains(':')
        && !value.starts_with("//")
        && !value.to_ascii_lowercase().starts_with("http")
        && !value.to_ascii_lowercase().starts_with("file")
}

#[test]
fn the_demo_report_shows_every_footprint_its_review_and_only_pictures_inside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let project_file = reviewed_demo(dir.path());
    let out = dir.path().join("report");
    // A folder that already holds someone's file: it is left alone.
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let warnings = report(&project_file, &out);
    assert!(warnings.is_empty(), "no warnings: {warnings}");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    let mut entries: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["img", "index.html", "notes.txt"]);

    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let project = load_project(&project_file).unwrap();
    for (_, fp) in project.all_footprints() {
        assert!(
            html.contains(&format!("<h4>F{} ", fp.id.0)),
            "{} is on the page",
            fp.id
        );
    }

    let sources = attribute_values(&html, "src");
    // The overview and a before and an after picture per footprint.
    assert_eq!(sources.len(), 1 + 2 * project.sites[0].footprints.len());
    let root = out.canonicalize().unwrap();
    for src in &sources {
        assert!(
            stays_inside(src),
            "src=\"{src}\" leaves the report's folder"
        );
        let file = out.join(src);
        assert!(
            file.canonicalize().unwrap().starts_with(&root),
            "{src} is inside the folder"
        );
        let picture = image::open(&file).unwrap_or_else(|e| panic!("{src} decodes: {e}"));
        assert!(picture.width() > 0 && picture.height() > 0);
    }
    let ids = attribute_values(&html, "id");
    for href in attribute_values(&html, "href") {
        assert!(
            stays_inside(&href),
            "href=\"{href}\" leaves the report's folder"
        );
        if let Some(anchor) = href.strip_prefix('#') {
            assert!(ids.iter().any(|id| id == anchor), "{href} leads somewhere");
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:?}");
    for external in ["http://", "https://", "url(", "@import", "<script", "<link"] {
        assert!(!html.contains(external), "{external} in the page");
    }

    // Decisions: state, reason, comment (escaped), and the self-review.
    let f1 = article(&html, 1);
    assert!(
        f1.contains("<span class=\"state accepted\">accepted</span>"),
        "{f1}"
    );
    let f2 = article(&html, 2);
    assert!(
        f2.contains("<span class=\"state rejected\">rejected</span>"),
        "{f2}"
    );
    assert!(f2.contains("duplicate"), "{f2}");
    assert!(
        f2.contains("same as &lt;F1&gt; &amp; &quot;F3&quot;"),
        "{f2}"
    );
    let f3 = article(&html, 3);
    assert!(f3.contains("needs changes"), "{f3}");
    assert!(f3.contains("self-review"), "{f3}");
    assert!(!article(&html, 4).contains("self-review"));
    // The summary counts them.
    assert!(html.contains("3 of 8 reviewed"), "progress in the summary");
    // Missed changes and coverage.
    assert!(html.contains("1 of 2"), "open markers of all");
    assert!(
        html.contains("Hut &lt;by&gt; the gate"),
        "the note, escaped"
    );
    assert!(
        html.contains("dismissed: a tree&#x27;s shadow")
            || html.contains("dismissed: a tree&#39;s shadow")
            || html.contains("dismissed: a tree's shadow")
    );
    assert!(html.contains("25.0 %"), "rita's coverage");
}

#[test]
fn a_project_with_a_missing_image_still_reports_and_names_the_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let project_file = support::project_on_disk(dir.path());
    // The footprint compares the January and the July image; July is gone.
    fs::remove_file(dir.path().join("yard_2024-07-15.png")).unwrap();
    let out = dir.path().join("report");
    let warnings = report(&project_file, &out);
    assert!(
        warnings.contains("warning:") && warnings.contains("yard_2024-07-15.png"),
        "{warnings}"
    );
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let missing = html
        .find("<div class=\"missing\">")
        .map(|at| &html[at..at + html[at..].find("</div>").unwrap()])
        .expect("a visible box in place of the missing picture");
    assert!(missing.contains("yard_2024-07-15.png"), "{missing}");
    assert!(missing.contains("cannot be read"), "{missing}");
    // The before picture, from the image that is there, is still made.
    assert!(html.contains("src=\"img/S1-F1-before.jpg\""));
    assert!(!html.contains("src=\"img/S1-F1-after.jpg\""));
}

#[test]
fn an_unreadable_project_exits_2_and_writes_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let project_file = dir.path().join("broken.ron");
    fs::write(&project_file, "(format_version: 2, name: ").unwrap();
    let out = dir.path().join("report");
    sitediff()
        .arg("report")
        .arg(&project_file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.ron"));
    assert!(!out.exists());
}

/// Headless Chromium, from PATH or Debian's place.
fn chromium() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("chromium"))
            .find(|p| p.is_file())
    });
    let found = on_path.or_else(|| {
        let debian = PathBuf::from("/usr/bin/chromium");
        debian.is_file().then_some(debian)
    });
    found.unwrap_or_else(|| {
        panic!(
            "chromium is missing: install it (Debian: apt-get install chromium; .ci/run does) \
             to check how the report looks in a browser"
        )
    })
}

/// A screenshot of `page` in a 1280 x 2000 window.
fn screenshot(page: &Path, work: &Path) -> RgbImage {
    let shot = work.join("shot.png");
    let profile = work.join("chromium-profile");
    let mut child = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took over two minutes for one screenshot");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let image = image::open(&shot).expect("chromium wrote a PNG").to_rgb8();
    // Kept for a look when the test fails.
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = image.save(&kept);
    image
}

/// Where `needle` (its top rows, sampled) lies in `haystack`, if it is shown there at full
/// size: the offset with the smallest mean difference, if below a JPEG-and-browser tolerance.
fn locate(haystack: &RgbImage, needle: &RgbImage) -> Option<(u32, u32)> {
    let rows = needle.height().min(300);
    let samples: Vec<(u32, u32)> = (0..rows)
        .step_by(23)
        .flat_map(|y| (0..needle.width()).step_by(37).map(move |x| (x, y)))
        .collect();
    let diff = |ox: u32, oy: u32, limit: u64| -> Option<u64> {
        let mut total = 0u64;
        for &(x, y) in &samples {
            let (a, b) = (needle.get_pixel(x, y), haystack.get_pixel(ox + x, oy + y));
            total += (0..3).map(|c| a[c].abs_diff(b[c]) as u64).sum::<u64>();
            if total > limit {
                return None;
            }
        }
        Some(total)
    };
    let limit = 12 * 3 * samples.len() as u64;
    let mut best: Option<(u64, u32, u32)> = None;
    for oy in 0..haystack.height().saturating_sub(rows) {
        for ox in 0..=haystack.width().saturating_sub(needle.width()).min(120) {
            let bound = best.map_or(limit, |b| b.0);
            if let Some(d) = diff(ox, oy, bound)
                && best.is_none_or(|b| d < b.0)
            {
                best = Some((d, ox, oy));
            }
        }
    }
    best.map(|(_, x, y)| (x, y))
}

#[test]
fn the_report_renders_in_chromium_with_the_outlines_on_the_overview() {
    let dir = tempfile::tempdir().unwrap();
    let project_file = reviewed_demo(dir.path());
    let out = dir.path().join("report");
    report(&project_file, &out);
    let shot = screenshot(&out.join("index.html"), dir.path());
    assert_eq!(shot.dimensions(), (1280, 2000));
    let (_, spread) = support::xvfb::stats(&shot, 0, 0, 1280, 2000);
    assert!(
        spread > 20.0,
        "the page is not blank (luminance spread {spread:.1})"
    );

    let overview = image::open(out.join("img/S1-overview.jpg"))
        .unwrap()
        .to_rgb8();
    let (ox, oy) = locate(&shot, &overview).unwrap_or_else(|| {
        panic!(
            "the overview is not shown at full size in the first 2000 px of the page; see {}",
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join("report-screenshot.png")
                .display()
        )
    });
    // Within the overview as laid out, every change kind's outlines are drawn in its colour.
    let visible_h = overview.height().min(shot.height() - oy);
    for kind in ChangeKind::ALL {
        let rgb = kind_style(kind).rgb;
        let mut count = 0;
        for y in oy..oy + visible_h {
            for x in ox..ox + overview.width() {
                let p = shot.get_pixel(x, y);
                if (0..3).all(|c| p[c].abs_diff(rgb[c]) <= 30) {
                    count += 1;
                }
            }
        }
        // About 1 200 to 3 000 pixels each with the outlines; the id labels alone give 400.
        assert!(
            count > 700,
            "{kind} outlines on the overview at ({ox}, {oy}): {count} pixels of its colour"
        );
    }
}
