//! The real binary in a virtual X display, driven with xdotool and watched with ImageMagick's
//! `import`: for what only a real window shows (winit's input path, the GL renderer).
//!
//! Needs Xvfb, xdotool and ImageMagick (Debian: xvfb xdotool imagemagick); `.ci/run` installs
//! them. Without them the tests fail and say so.

use image::RgbImage;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// An X server and the app in it; both are killed when dropped.
pub struct Session {
    pub display: String,
    pub window: String,
    pub shots: tempfile::TempDir,
    xvfb: Child,
    pub app: Child,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.app.kill();
        let _ = self.app.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

impl Session {
    /// Starts Xvfb and the binary cargo built for these tests with `args`, waits for its window and for the title
    /// to contain `title`.
    pub fn start(args: &[&str], title: &str) -> Session {
        for tool in ["Xvfb", "xdotool", "import"] {
            assert!(
                have(tool),
                "{tool} is missing: install the Debian packages xvfb xdotool imagemagick (see README)"
            );
        }
        let shots = tempfile::tempdir().unwrap();
        // Xvfb picks a free display itself and prints its number on stdout once it accepts
        // clients (-displayfd 1), so parallel tests and other servers never meet. -noreset: by
        // default the server resets when its last client leaves, and a client connecting during
        // the reset is refused ("Failed to open connection to X server").
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-noreset",
                "-screen",
                "0",
                "1600x1000x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let display = {
            use std::io::BufRead;
            let out = xvfb.stdout.take().expect("Xvfb's stdout");
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = std::io::BufReader::new(out).read_line(&mut line);
                let _ = tx.send(line);
            });
            let line = rx
                .recv_timeout(Duration::from_secs(20))
                .expect("Xvfb did not report its display within 20 s");
            let num: u32 = line
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("Xvfb printed {line:?}, not a display number"));
            format!(":{num}")
        };
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_sitediff"));
        let app = Command::new(&bin)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DISPLAY", &display)
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .env("USER", "xvfb-tester")
            .env_remove("WAYLAND_DISPLAY")
            // A fresh preferences folder: the analyst's name is asked on first drawing.
            .env("XDG_CONFIG_HOME", shots.path())
            .env("XDG_DATA_HOME", shots.path())
            // Nor does the overview cache of an earlier run change what a test sees.
            .env("XDG_CACHE_HOME", shots.path())
            .env("HOME", shots.path())
            .stdout(std::fs::File::create(shots.path().join("sitediff.log")).unwrap())
            .stderr(std::fs::File::create(shots.path().join("sitediff.err")).unwrap())
            .spawn()
            .expect("start sitediff");
        let mut s = Session {
            display,
            window: String::new(),
            shots,
            xvfb,
            app,
        };
        let start = Instant::now();
        s.window = loop {
            let w = s.xdotool(&["search", "--name", "sitediff"]);
            if let Some(first) = w.lines().next() {
                break first.to_string();
            }
            if let Some(status) = s.app.try_wait().unwrap() {
                panic!(
                    "sitediff exited ({status}) before showing a window; stderr: {}",
                    s.stderr()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no sitediff window after 60 s; stderr: {}",
                s.stderr()
            );
            std::thread::sleep(Duration::from_millis(250));
        };
        s.wait_title(|t| t.contains(title), "the project's title");
        s.xdotool(&["windowfocus", "--sync", &s.window.clone()]);
        s
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.shots.path().join("sitediff.err")).unwrap_or_default()
    }

    pub fn xdotool(&self, args: &[&str]) -> String {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("run xdotool");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn title(&self) -> String {
        self.xdotool(&["getwindowname", &self.window])
    }

    pub fn wait_title(&self, ok: impl Fn(&str) -> bool, what: &str) {
        let start = Instant::now();
        loop {
            let title = self.title();
            if ok(&title) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waiting for {what}; window title: {title}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Key chords in xdotool names ("b", "ctrl+s", "Return"), each followed by a pause for
    /// the window to repaint.
    pub fn keys(&self, chords: &[&str]) {
        for c in chords {
            self.xdotool(&["key", c]);
            std::thread::sleep(Duration::from_millis(350));
        }
    }

    /// Moves the pointer there (and lets the window see it hover), then clicks.
    pub fn click(&self, x: i32, y: i32) {
        let (xs, ys) = (x.to_string(), y.to_string());
        self.xdotool(&["mousemove", &xs, &ys]);
        std::thread::sleep(Duration::from_millis(150));
        self.xdotool(&["click", "1"]);
        std::thread::sleep(Duration::from_millis(250));
    }

    pub fn screenshot(&self, name: &str) -> RgbImage {
        let file = self.shots.path().join(name);
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(&file)
            .env("DISPLAY", &self.display)
            .status()
            .expect("run import");
        assert!(status.success(), "screenshot failed");
        image::open(&file).expect("read screenshot").to_rgb8()
    }

    pub fn shot_path(&self, name: &str) -> PathBuf {
        self.shots.path().join(name)
    }

    /// Ctrl+Q and the exit status, within 20 s.
    pub fn quit(&mut self) -> std::process::ExitStatus {
        self.keys(&["ctrl+q"]);
        let start = Instant::now();
        loop {
            if let Some(s) = self.app.try_wait().unwrap() {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "Ctrl+Q did not close the window"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Mean and standard deviation of luminance over a rectangle.
pub fn stats(img: &RgbImage, x0: u32, y0: u32, w: u32, h: u32) -> (f64, f64) {
    let mut n: f64 = 0.0;
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
    let mean = s / n.max(1.0);
    (mean, (s2 / n.max(1.0) - mean * mean).max(0.0).sqrt())
}

/// Mean absolute difference per channel between two equally sized rectangles of two images.
pub fn mean_abs_diff(
    a: &RgbImage,
    (ax, ay): (u32, u32),
    b: &RgbImage,
    (bx, by): (u32, u32),
    (w, h): (u32, u32),
) -> f64 {
    let mut total = 0.0;
    let mut n: f64 = 0.0;
    for y in 0..h {
        for x in 0..w {
            let (p, q) = (a.get_pixel(ax + x, ay + y), b.get_pixel(bx + x, by + y));
            for c in 0..3 {
                total += (p[c] as f64 - q[c] as f64).abs();
            }
            n += 3.0;
        }
    }
    total / n.max(1.0)
}

/// The horizontal extent and row of the longest run of `color` (within `tol` per channel) in
/// the screenshot: how the tests find a pane from the coloured rule under its date header.
pub fn find_rule(img: &RgbImage, color: [u8; 3], tol: u8) -> Option<(u32, u32, u32)> {
    let near = |p: &image::Rgb<u8>| (0..3).all(|c| p[c].abs_diff(color[c]) <= tol);
    let mut best: Option<(u32, u32, u32)> = None;
    for y in 0..img.height() {
        let mut x = 0;
        while x < img.width() {
            if near(img.get_pixel(x, y)) {
                let start = x;
                while x < img.width() && near(img.get_pixel(x, y)) {
                    x += 1;
                }
                let len = x - start;
                if best.is_none_or(|(s, e, _)| len > e - s) {
                    best = Some((start, x, y));
                }
            } else {
                x += 1;
            }
        }
    }
    best.filter(|(s, e, _)| e - s > 100)
}

/// A copy of the bundled demo project in a temporary folder, so tests may change and save it.
pub fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let project = dir.path().join("demo.ron");
    (dir, project)
}
