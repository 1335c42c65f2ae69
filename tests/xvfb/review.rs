//! A reviewer in the real window: review mode, one key per decision, a reason by its number, a
//! missed-change marker, save; what only real X input shows (keys through winit into the queue
//! and the modal dialogs).

use crate::support::xvfb::{Session, demo_copy};
use sitediff::io::load_project;
use sitediff::model::{Decision, Reason, ReviewState};
use std::time::{Duration, Instant};

#[test]
fn a_reviewer_accepts_rejects_with_a_reason_marks_a_missed_change_and_saves_in_the_real_window() {
    let (_dir, project) = demo_copy();
    let path = project.display().to_string();
    let mut s = Session::start(&[&path], "demo.ron");
    // Wait for the imagery (the queue works without it, but a reviewer would wait).
    std::thread::sleep(Duration::from_secs(2));
    // Ctrl+R: review mode. A fresh installation asks the name once; Return accepts the
    // system user name (the session sets USER).
    s.keys(&["ctrl+r"]);
    std::thread::sleep(Duration::from_millis(400));
    s.keys(&["Return"]);
    // F1 accepted with G (the queue moves on to F2); F2 rejected as not a building (W, 2, Enter).
    s.keys(&["g", "w", "2", "Return"]);
    // A missed change: I, a click in the middle of the view, a note, Return.
    s.keys(&["i"]);
    s.click(470, 500);
    std::thread::sleep(Duration::from_millis(300));
    s.xdotool(&["type", "--delay", "30", "Hut by the road"]);
    s.keys(&["Return", "ctrl+s"]);
    let start = Instant::now();
    let saved = loop {
        let p = load_project(&project).expect("the saved project loads");
        if !p.sites[0].markers.is_empty() || start.elapsed() > Duration::from_secs(20) {
            break p;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let site = &saved.sites[0];
    let state = |id: u32| {
        site.footprints
            .iter()
            .find(|f| f.id.0 == id)
            .unwrap()
            .review_state()
    };
    assert_eq!(state(1), ReviewState::Accepted, "stderr: {}", s.stderr());
    assert_eq!(state(2), ReviewState::Rejected);
    let f2 = site.footprints.iter().find(|f| f.id.0 == 2).unwrap();
    assert_eq!(f2.reviews[0].decision, Some(Decision::Rejected));
    assert_eq!(f2.reviews[0].reason, Some(Reason::NotABuilding));
    assert_eq!(f2.reviews[0].by, "xvfb-tester");
    assert_eq!(site.markers.len(), 1, "{:?}", site.markers);
    assert_eq!(site.markers[0].note, "Hut by the road");
    assert!(s.quit().success());
}
