//! The real binary in a real (virtual) X window: it opens the bundled demo project, stays
//! alive, takes keys, and a screenshot shows both dated images. What only a real window shows:
//! the GL renderer, texture uploads, the window manager-free X11 path.
//!
//! Needs Xvfb, xdotool and ImageMagick's `import` (Debian: xvfb xdotool imagemagick); `.ci/run`
//! installs them. Without them this test fails and says so.

use image::RgbImage;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for c in self.0.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("run xdotool");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn screenshot(display: &str, dir: &Path, name: &str) -> RgbImage {
    let file = dir.join(name);
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(&file)
        .env("DISPLAY", display)
        .status()
        .expect("run import");
    assert!(status.success(), "screenshot failed");
    image::open(&file).expect("read screenshot").to_rgb8()
}

/// Mean and standard deviation of luminance over a rectangle.
fn stats(img: &RgbImage, x0: u32, y0: u32, w: u32, h: u32) -> (f64, f64) {
    let mut n = 0.0;
    let (mut s, mut s2) = (0.0, 0.0);
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            let p = img.get_pixel(x, y);
            let l = 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
            s += l;
            s2 += l * l;
            n += 1.0;
        }
    }
    let mean = s / n;
    (mean, (s2 / n - mean * mean).max(0.0).sqrt())
}

fn mean_abs_diff(a: &RgbImage, b: &RgbImage, x0: u32, y0: u32, w: u32, h: u32) -> f64 {
    let mut total = 0.0;
    let mut n = 0.0;
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
            for c in 0..3 {
                total += (p[c] as f64 - q[c] as f64).abs();
            }
            n += 3.0;
        }
    }
    total / n
}

#[test]
fn the_release_binary_opens_the_demo_in_a_real_window_shows_both_images_and_takes_keys() {
    for tool in ["Xvfb", "xdotool", "import"] {
        assert!(
            have(tool),
            "{tool} is missing: install the Debian packages xvfb xdotool imagemagick (see README)"
        );
    }
    let shots = tempfile::tempdir().unwrap();
    let num = 60 + std::process::id() % 200;
    let display = format!(":{num}");
    let mut guard = Killed(Vec::new());
    guard.0.push(
        Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1600x1000x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb"),
    );
    std::thread::sleep(Duration::from_millis(800));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sitediff"));
    let log = shots.path().join("sitediff.log");
    guard.0.push(
        Command::new(&bin)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DISPLAY", &display)
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_CONFIG_HOME", shots.path())
            .env("XDG_DATA_HOME", shots.path())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(shots.path().join("sitediff.err")).unwrap())
            .spawn()
            .expect("start sitediff"),
    );

    // The window appears.
    let start = Instant::now();
    let window = loop {
        let w = xdotool(&display, &["search", "--name", "sitediff"]);
        if let Some(first) = w.lines().next() {
            break first.to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no sitediff window after 60 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    // The title names the project once the first frame has run.
    let start = Instant::now();
    loop {
        let title = xdotool(&display, &["getwindowname", &window]);
        if title.contains("demo.ron") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "window title: {title}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }

    // Both panes fill with imagery: textured, not the empty background, and different dates.
    let (left, right) = (
        (380u32, 250u32, 300u32, 500u32),
        (1060u32, 250u32, 300u32, 500u32),
    );
    let start = Instant::now();
    let shot = loop {
        let shot = screenshot(&display, shots.path(), "side_by_side.png");
        let (lm, ls) = stats(&shot, left.0, left.1, left.2, left.3);
        let (rm, rs) = stats(&shot, right.0, right.1, right.2, right.3);
        if ls > 12.0 && rs > 12.0 && lm > 40.0 && rm > 40.0 {
            break shot;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "panes still blank after 90 s: left mean {lm:.1} sd {ls:.1}, right mean {rm:.1} sd {rs:.1}; screenshot in {}",
            shots.path().display()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let _ = shot;

    // Keys reach the window: "2" switches to swipe mode, which redraws the middle of the view
    // (the gap between the two panes becomes image).
    xdotool(&display, &["windowfocus", "--sync", &window]);
    let before_key = screenshot(&display, shots.path(), "before_key.png");
    xdotool(&display, &["key", "2"]);
    std::thread::sleep(Duration::from_millis(1500));
    let after_key = screenshot(&display, shots.path(), "swipe.png");
    let changed = mean_abs_diff(&before_key, &after_key, 300, 150, 1150, 650);
    assert!(
        changed > 5.0,
        "pressing 2 did not change the view (mean difference {changed:.2})"
    );

    // Still alive, then Ctrl+Q quits cleanly (nothing unsaved).
    let app = guard.0.last_mut().unwrap();
    assert!(app.try_wait().unwrap().is_none(), "sitediff died");
    xdotool(&display, &["key", "ctrl+q"]);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = app.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "Ctrl+Q did not close the window"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status {status}");
}
