//! The analyst's core loop in the real window, with real X input: draw buildings with three
//! clicks and a key in both panes, a polygon in swipe mode, undo and redo, save, reopen. What
//! only a real window shows: winit's pointer and key events reaching the tools.

use crate::support::xvfb::{Session, demo_copy, find_rule, stats};
use sitediff::io::load_project;
use sitediff::model::{ChangeKind, Footprint, Point};
use std::time::{Duration, Instant};

const BEFORE_RULE: [u8; 3] = [90, 160, 255];
const AFTER_RULE: [u8; 3] = [255, 150, 60];
/// Where the window's status bar starts (the window is 940 points high at its top-left).
const PANE_BOTTOM: f64 = 912.0;

/// A pane found on screen: its left, right and top, and the fitted image square inside it.
#[derive(Clone, Copy, Debug)]
struct Pane {
    left: f64,
    right: f64,
    top: f64,
}

impl Pane {
    /// The screen point at `(u, v)` of the fitted square image (0..1 each way).
    fn at(&self, u: f64, v: f64) -> (i32, i32) {
        let (w, h) = (self.right - self.left, PANE_BOTTOM - self.top);
        let side = w.min(h) * 0.97;
        let x0 = self.left + (w - side) / 2.0;
        let y0 = self.top + (h - side) / 2.0;
        (
            (x0 + u * side).round() as i32,
            (y0 + v * side).round() as i32,
        )
    }
}

fn panes(s: &Session) -> (Pane, Pane) {
    let start = Instant::now();
    loop {
        let shot = s.screenshot("panes.png");
        if let (Some(l), Some(r)) = (
            find_rule(&shot, BEFORE_RULE, 6),
            find_rule(&shot, AFTER_RULE, 6),
        ) {
            let (_, sd) = stats(&shot, l.0 + 20, l.2 + 100, 200, 300);
            if l.1 < r.0 && sd > 12.0 {
                let pane = |(a, b, y): (u32, u32, u32)| Pane {
                    left: a as f64,
                    right: b as f64,
                    top: y as f64 + 1.0,
                };
                return (pane(l), pane(r));
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "no loaded panes; screenshot in {}",
            s.shot_path("panes.png").display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn clicks(s: &Session, pane: &Pane, uvs: &[(f64, f64)]) {
    for (u, v) in uvs {
        let (x, y) = pane.at(*u, *v);
        s.click(x, y);
    }
}

fn drawn(project: &std::path::Path) -> Vec<Footprint> {
    load_project(project)
        .expect("the saved project loads")
        .sites[0]
        .footprints
        .iter()
        .filter(|f| f.id.0 > 8)
        .cloned()
        .collect()
}

fn right_angled(p: &[Point]) -> bool {
    let n = p.len();
    (0..n).all(|i| {
        let (a, b, c) = (p[(i + n - 1) % n], p[i], p[(i + 1) % n]);
        let (ux, uy, vx, vy) = (a.x - b.x, a.y - b.y, c.x - b.x, c.y - b.y);
        let cos = (ux * vx + uy * vy) / ((ux.hypot(uy)) * (vx.hypot(vy)));
        cos.abs() < 1e-6
    })
}

#[test]
fn an_analyst_draws_labels_undoes_saves_and_reopens_in_the_real_window() {
    let (dir, project) = demo_copy();
    let path = project.display().to_string();
    let mut s = Session::start(&[&path], "demo.ron");
    let (before, after) = panes(&s);

    // B: the building tool. A fresh installation asks the analyst's name once, prefilled with
    // the system user name; Return accepts it.
    s.keys(&["b"]);
    std::thread::sleep(Duration::from_millis(400));
    s.keys(&["Return"]);
    // A building in the before pane, in the empty lower right: three clicks and D.
    clicks(&s, &before, &[(0.86, 0.66), (0.97, 0.66), (0.96, 0.72)]);
    s.keys(&["d"]);
    s.wait_title(|t| t.starts_with("● "), "the unsaved mark");
    // A building in the after pane: three clicks and N.
    clicks(&s, &after, &[(0.86, 0.74), (0.95, 0.74), (0.95, 0.79)]);
    s.keys(&["n"]);
    // A polygon in swipe mode, over the river: four corners, Enter, R.
    s.keys(&["2", "a"]);
    let swipe = Pane {
        left: before.left,
        right: after.right,
        top: before.top,
    };
    clicks(
        &s,
        &swipe,
        &[(0.30, 0.90), (0.42, 0.905), (0.43, 0.96), (0.31, 0.955)],
    );
    s.keys(&["Return", "r"]);
    // Undo the label and the polygon, save: two new footprints. Redo both, save: three.
    s.keys(&["ctrl+z", "ctrl+z", "ctrl+s"]);
    s.wait_title(|t| !t.starts_with("● "), "the save");
    let two = drawn(&project);
    assert_eq!(
        two.len(),
        2,
        "after two undos: {two:?}; stderr: {}",
        s.stderr()
    );
    s.keys(&["ctrl+shift+z", "ctrl+shift+z", "ctrl+s"]);
    std::thread::sleep(Duration::from_millis(500));
    s.wait_title(|t| !t.starts_with("● "), "the second save");
    let all = drawn(&project);
    assert_eq!(all.len(), 3, "{all:?}");
    let kinds: Vec<ChangeKind> = all.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::Demolished,
            ChangeKind::New,
            ChangeKind::Renovated
        ]
    );
    assert!(all.iter().all(|f| f.author == "xvfb-tester"));
    // The buildings are rectangles with the proportions clicked (wall 0.11, depth 0.06 and
    // wall 0.09, depth 0.05 of the image); the polygon has its four corners.
    for (f, ratio) in all[..2].iter().zip([0.11 / 0.06, 0.09 / 0.05]) {
        let o = &f.outline.0;
        assert_eq!(o.len(), 4);
        assert!(right_angled(o), "{:?}", f.outline);
        let wall = o[0].distance(o[1]);
        let depth = o[1].distance(o[2]);
        assert!(
            (wall / depth / ratio - 1.0).abs() < 0.15,
            "wall {wall:.1} depth {depth:.1}"
        );
    }
    assert_eq!(all[2].outline.len(), 4);
    // Each drawing went where it was clicked: the after-pane building lies below the first.
    let centre = |f: &Footprint| f.outline.centroid().unwrap();
    assert!(centre(&all[1]).y > centre(&all[0]).y);
    assert!(
        centre(&all[2]).y > centre(&all[1]).y,
        "the polygon is on the river"
    );
    assert!(s.quit().success());

    // Reopened, nothing moved: saving again writes the same bytes.
    let saved = std::fs::read(&project).unwrap();
    let mut again = Session::start(&[&path], "demo.ron");
    again.keys(&["ctrl+s"]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(again.quit().success());
    assert_eq!(
        std::fs::read(&project).unwrap(),
        saved,
        "exactly where it was"
    );
    drop(dir);
}
