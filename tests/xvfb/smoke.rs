//! The real binary in a real (virtual) X window: it opens the bundled demo project, shows the
//! two dates in two different panes, takes keys, and quits cleanly. What only a real window
//! shows: the GL renderer, texture uploads, the window manager-free X11 path.

use crate::support::xvfb::{Session, find_rule, mean_abs_diff, stats};
use std::time::{Duration, Instant};

const BEFORE_RULE: [u8; 3] = [90, 160, 255];
const AFTER_RULE: [u8; 3] = [255, 150, 60];

#[test]
fn the_binary_opens_the_demo_shows_each_date_in_its_pane_and_takes_keys() {
    let mut s = Session::start(&[], "demo.ron");

    // Both panes fill with imagery, found by the coloured rule under each date header.
    let start = Instant::now();
    let (shot, left, right) = loop {
        let shot = s.screenshot("side_by_side.png");
        if let (Some(l), Some(r)) = (
            find_rule(&shot, BEFORE_RULE, 6),
            find_rule(&shot, AFTER_RULE, 6),
        ) {
            let w = (l.1 - l.0).min(r.1 - r.0) - 40;
            let (lm, ls) = stats(&shot, l.0 + 20, l.2 + 100, w, 400);
            let (rm, rs) = stats(&shot, r.0 + 20, r.2 + 100, w, 400);
            if ls > 12.0 && rs > 12.0 && lm > 40.0 && rm > 40.0 {
                break (shot, l, r);
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "panes still blank after 90 s; screenshot in {}",
            s.shot_path("side_by_side.png").display()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(left.1 < right.0, "before on the left, after on the right");
    // Each pane shows its own date: the January and July images differ (vegetation, demolished
    // and new halls), so the same place in the two panes differs. With one image in both panes
    // this is near zero.
    let w = (left.1 - left.0).min(right.1 - right.0) - 40;
    let diff = mean_abs_diff(
        &shot,
        (left.0 + 20, left.2 + 60),
        &shot,
        (right.0 + 20, right.2 + 60),
        (w, 500),
    );
    assert!(
        diff > 8.0,
        "the two panes look the same (mean difference {diff:.2})"
    );

    // Keys reach the window: "2" switches to swipe mode, one pane whose header shows both
    // dates side by side, so the before rule becomes about half the view wide.
    s.keys(&["2"]);
    std::thread::sleep(Duration::from_millis(1200));
    let swipe = s.screenshot("swipe.png");
    let rule = find_rule(&swipe, BEFORE_RULE, 6).expect("the before rule in swipe mode");
    let full = right.1 - left.0;
    let half = rule.1 - rule.0;
    assert!(
        (half as f64 - full as f64 / 2.0).abs() < 30.0,
        "swipe header: before rule {half} px of a {full} px view"
    );

    // Still alive, then Ctrl+Q quits cleanly (nothing unsaved).
    assert!(
        s.app.try_wait().unwrap().is_none(),
        "sitediff died: {}",
        s.stderr()
    );
    let status = s.quit();
    assert!(status.success(), "exit status {status}");
}
