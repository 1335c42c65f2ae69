//! Killed in the middle of work, the real window gives it back: the release binary under Xvfb,
//! buildings drawn, SIGKILL, reopened, recovered with Enter, saved.

use crate::support::xvfb::{Session, demo_copy, find_rule, stats};
use sitediff::io::load_project;
use std::time::{Duration, Instant};

const BEFORE_RULE: [u8; 3] = [90, 160, 255];
const PANE_BOTTOM: f64 = 912.0;

/// The before pane's fitted image square on screen: `(x0, y0, side)`.
fn before_pane(s: &Session) -> (f64, f64, f64) {
    let start = Instant::now();
    loop {
        let shot = s.screenshot("panes.png");
        if let Some((l, r, y)) = find_rule(&shot, BEFORE_RULE, 6) {
            let (_, sd) = stats(&shot, l + 20, y + 100, 200, 300);
            if sd > 12.0 {
                let (w, h) = ((r - l) as f64, PANE_BOTTOM - (y as f64 + 1.0));
                let side = w.min(h) * 0.97;
                return (
                    l as f64 + (w - side) / 2.0,
                    y as f64 + 1.0 + (h - side) / 2.0,
                    side,
                );
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "no loaded pane; screenshot in {}",
            s.shot_path("panes.png").display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Three clicks of the building tool at `(u, v)` of the image, then a label key.
fn building(s: &Session, pane: (f64, f64, f64), u: f64, v: f64, label: &str) {
    let (x0, y0, side) = pane;
    for (du, dv) in [(0.0, 0.0), (0.06, 0.0), (0.06, 0.04)] {
        s.click(
            (x0 + (u + du) * side).round() as i32,
            (y0 + (v + dv) * side).round() as i32,
        );
    }
    s.keys(&[label]);
}

fn footprint_count(path: &std::path::Path) -> usize {
    load_project(path).expect("loads").sites[0].footprints.len()
}

#[test]
fn a_window_killed_mid_work_gives_back_all_but_the_last_seconds() {
    let (dir, project) = demo_copy();
    let path = project.display().to_string();
    let saved_count = footprint_count(&project);
    let mut s = Session::start(&[&path], "demo.ron");
    let pane = before_pane(&s);
    s.keys(&["b"]);
    std::thread::sleep(Duration::from_millis(400));
    // The analyst's name, asked once.
    s.keys(&["Return"]);
    building(&s, pane, 0.86, 0.62, "d");
    building(&s, pane, 0.86, 0.70, "n");
    s.wait_title(|t| t.starts_with("● "), "the unsaved mark");
    // More than the 2 seconds the kept state may lag behind.
    std::thread::sleep(Duration::from_millis(2500));
    let recovery = sitediff::io::recovery::recovery_path(&project);
    assert!(recovery.exists(), "unsaved work is kept beside the project");
    assert_eq!(footprint_count(&recovery), saved_count + 2);
    // One more building, and the window is killed at once.
    building(&s, pane, 0.86, 0.78, "r");
    s.app.kill().unwrap();
    let _ = s.app.wait();
    drop(s);
    assert_eq!(footprint_count(&project), saved_count, "nothing was saved");

    let mut again = Session::start(&[&path], "demo.ron");
    // The offer to recover is up; Enter takes it.
    std::thread::sleep(Duration::from_millis(1500));
    again.keys(&["Return"]);
    again.wait_title(|t| t.starts_with("● "), "the recovered work, unsaved");
    again.keys(&["ctrl+s"]);
    again.wait_title(|t| !t.starts_with("● "), "the save");
    let back = footprint_count(&project);
    assert!(
        back >= saved_count + 2,
        "the two buildings drawn more than 2 s before the kill are back: {back} of {saved_count} + 3"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(!recovery.exists(), "a save removes the kept state");
    assert!(again.quit().success());
    let lock = sitediff::io::project_lock::lock_path(&project);
    assert!(!lock.exists(), "a clean exit releases the lock");
    drop(dir);
}
