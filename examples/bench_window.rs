//! Benchmark of the real window: the release binary under its own Xvfb (software GL, as on an
//! analyst's VM without a GPU), driven from outside, against the decode floor measured in this
//! process in the same run.
//!
//! For each project it reports time to first imagery (every pane drawing some level), time to
//! sharp (every pane complete at the level its view wants), peak memory at sharp (VmHWM), and
//! the window's frame times while loading and while panning and zooming once loading has ended
//! (the benchmark waits for that before it moves the view), from the milestones and statistics
//! the binary prints with `SITEDIFF_FRAME_STATS=1`. Each project is
//! opened twice: "first" with an empty overview cache, "reopen" with the cache the first open
//! filled. The baseline is `sitediff::io::image_decode::decode_image` of the project's larger
//! compared image, timed here just before.
//!
//! The projects, generated once into `bench-data/window/` (a few minutes): an 8 000 px JPEG, a
//! 16 000 px JPEG (each alone in its project), and a pair of two different 16 000 px JPEGs.
//!
//! cargo run --release --example bench_window [-- --project FILE]... [--skip-generate]
//! [--no-build] [--runs N]
//!
//! `--runs N` opens each project N times with an empty cache (then once more to reopen) and
//! prints the median and range of those first opens: on a shared 2-core machine one run can be
//! 20 % off. The floor is the median of three decodes, for the same reason.
//!
//! Needs Xvfb and xdotool (Debian: xvfb xdotool). The binary is built with `cargo build
//! --release --bin sitediff` first (a no-op when it is up to date).

use anyhow::{Context, bail};
use sitediff::app::frame_stats::{ENV_VARIABLE, MILESTONE_PREFIX, peak_resident_mib};
use sitediff::io::image_decode::decode_image;
use sitediff::io::project_file::resolve_image_path;
use sitediff::io::{load_project, save_project};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "common/demo_site.rs"]
mod demo_site;
use demo_site::demo_site;

/// How long one open may take before the run is given up.
const OPEN_LIMIT: Duration = Duration::from_secs(180);

/// One project to measure and what to call it in the table.
struct Case {
    name: String,
    project: PathBuf,
}

/// What one open of the window showed.
#[derive(Default)]
struct Run {
    first_frame: Option<f64>,
    first_imagery: Option<f64>,
    sharp: Option<f64>,
    peak_mib: Option<f64>,
    /// Statistic lines of the window's summary: (name, text).
    frames: Vec<(String, String)>,
    note: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut extra = Vec::new();
    let mut generate = true;
    let mut build = true;
    let mut runs = 1usize;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--project" => {
                let file = args.get(i + 1).context("--project needs a file")?;
                extra.push(PathBuf::from(file));
                i += 1;
            }
            "--skip-generate" => generate = false,
            "--runs" => {
                runs = args
                    .get(i + 1)
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .context("--runs needs a number above 0")?;
                i += 1;
            }
            "--no-build" => build = false,
            other => {
                bail!(
                    "unknown argument {other:?}: use --project FILE, --skip-generate, --no-build, --runs N"
                )
            }
        }
        i += 1;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = release_binary(manifest, build)?;
    let mut cases = Vec::new();
    if generate {
        let data = manifest.join("bench-data/window");
        let d8 = demo_site(&data.join("demo8000"), 8000)?;
        let d16 = demo_site(&data.join("demo16000"), 16000)?;
        cases.push(Case {
            name: "8 000 JPEG".into(),
            project: single_image_project(&d8)?,
        });
        cases.push(Case {
            name: "16 000 JPEG".into(),
            project: single_image_project(&d16)?,
        });
        cases.push(Case {
            name: "16 000 pair".into(),
            project: d16,
        });
    }
    for project in extra {
        let name = project
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        cases.push(Case { name, project });
    }

    let display = Xvfb::start()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "sitediff real-window benchmark: release binary, Xvfb {} 1600x1000, Mesa software GL, {cores} cores",
        display.name
    );
    println!(
        "(floor: decode of the larger compared image in this process, same run; x = time / floor)\n"
    );
    for case in &cases {
        let (floor, floor_mib, what) = decode_floor(&case.project);
        let mut firsts = Vec::new();
        let mut cache = tempfile::tempdir()?;
        for run in 1..=runs {
            // Each first open starts from an empty cache; the reopen uses the last one's.
            cache = tempfile::tempdir()?;
            let label = if runs == 1 {
                "first".to_string()
            } else {
                format!("first {run}/{runs}")
            };
            let opened = open_once(&binary, &display, &case.project, cache.path());
            print_run(&case.name, &label, &opened, floor, floor_mib);
            firsts.push(opened);
        }
        if runs > 1 {
            print_spread(&firsts, floor);
        }
        let reopened = open_once(&binary, &display, &case.project, cache.path());
        print_run(&case.name, "reopen", &reopened, floor, floor_mib);
        println!("    floor: {what}\n");
    }
    Ok(())
}

/// One open of the window; a failure becomes a note on an empty run.
fn open_once(binary: &Path, display: &Xvfb, project: &Path, cache: &Path) -> Run {
    open_window(binary, display, project, cache).unwrap_or_else(|e| Run {
        note: Some(format!("{e:#}")),
        ..Run::default()
    })
}

/// The median and range of the first opens' times to first imagery and to sharp.
fn print_spread(runs: &[Run], floor: f64) {
    let spread = |times: Vec<f64>| -> String {
        let mut times = times;
        if times.is_empty() {
            return "none".into();
        }
        times.sort_by(f64::total_cmp);
        let (median, low, high) = (times[times.len() / 2], times[0], times[times.len() - 1]);
        if floor > 0.0 {
            format!(
                "median {median:.2} s = {:.2} x floor (range {low:.2}-{high:.2} s = {:.2}-{:.2} x)",
                median / floor,
                low / floor,
                high / floor,
            )
        } else {
            format!("median {median:.2} s (range {low:.2}-{high:.2} s)")
        }
    };
    println!(
        "    first opens: first imagery {}",
        spread(runs.iter().filter_map(|r| r.first_imagery).collect())
    );
    println!(
        "    first opens: sharp {}",
        spread(runs.iter().filter_map(|r| r.sharp).collect())
    );
}

/// The release binary beside this example's own folder, built first unless `build` is false
/// (the build is a no-op when it is up to date).
fn release_binary(manifest: &Path, build: bool) -> anyhow::Result<PathBuf> {
    if build {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--release", "--bin", "sitediff"])
            .current_dir(manifest)
            .status()
            .context("run cargo build")?;
        anyhow::ensure!(status.success(), "cargo build --release failed");
    }
    let exe = std::env::current_exe()?;
    // target/release/examples/bench_window -> target/release/sitediff
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|release| release.join("sitediff"))
        .context("no folder above this example")?;
    anyhow::ensure!(binary.exists(), "{} was not built", binary.display());
    Ok(binary)
}

/// A project beside `demo` holding only its oldest image (no footprints), so that one image
/// is opened, shown in both panes.
fn single_image_project(demo: &Path) -> anyhow::Result<PathBuf> {
    let single = demo.with_file_name("single.ron");
    if single.exists() {
        return Ok(single);
    }
    let mut project = load_project(demo)?;
    let site = project.sites.first_mut().context("the demo has no site")?;
    let first = site.images_by_date().first().map(|i| i.id);
    site.images.retain(|i| Some(i.id) == first);
    site.reference_image = first;
    site.footprints.clear();
    site.markers.clear();
    site.coverage.clear();
    site.references.clear();
    save_project(&project, &single)?;
    Ok(single)
}

/// The decode of the project's larger compared image (by pixels), timed: seconds, peak memory
/// of this process while decoding, and a description; 0 and a reason when it cannot decode.
fn decode_floor(project_file: &Path) -> (f64, Option<f64>, String) {
    let files = match compared_images(project_file) {
        Ok(f) => f,
        Err(e) => return (0.0, None, format!("no floor: {e:#}")),
    };
    let pixels =
        |p: &PathBuf| image::image_dimensions(p).map_or(0, |(w, h)| u64::from(w) * u64::from(h));
    let Some(larger) = files.iter().max_by_key(|p| pixels(p)) else {
        return (0.0, None, "no floor: no image".into());
    };
    // Linux: writing 5 to clear_refs resets the peak, so it measures the decode alone.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut times = Vec::new();
    let mut size = (0, 0);
    let mut peak = None;
    for _ in 0..3 {
        let t = Instant::now();
        match decode_image(larger) {
            Ok(img) => {
                times.push(t.elapsed().as_secs_f64());
                size = (img.width(), img.height());
                peak = peak.or_else(peak_resident_mib);
            }
            Err(e) => return (0.0, None, format!("no floor: {e}")),
        }
    }
    times.sort_by(f64::total_cmp);
    let secs = times[1];
    let text = format!(
        "decode_image of {} ({} x {}), median of three: {secs:.2} s (all: {})",
        larger.display(),
        size.0,
        size.1,
        times
            .iter()
            .map(|t| format!("{t:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    (secs, peak, text)
}

/// The files of the pair the window opens on: the first site's oldest and newest images.
fn compared_images(project_file: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let project = load_project(project_file)?;
    let site = project.sites.first().context("the project has no site")?;
    let by_date = site.images_by_date();
    let ends = [by_date.first(), by_date.last()];
    Ok(ends
        .into_iter()
        .flatten()
        .map(|i| resolve_image_path(project_file, &i.path))
        .collect())
}

/// A virtual X display of our own, ended when dropped.
struct Xvfb {
    name: String,
    server: Child,
}

impl Xvfb {
    /// Starts `Xvfb -displayfd` (it picks a free display and prints its number once it
    /// accepts clients).
    fn start() -> anyhow::Result<Xvfb> {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-noreset", "-nolisten", "tcp"])
            .args(["-screen", "0", "1600x1000x24"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("start Xvfb (Debian: apt-get install xvfb xdotool)")?;
        let mut line = String::new();
        if let Some(out) = server.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let number: u32 = match line.trim().parse() {
            Ok(n) => n,
            Err(_) => {
                let _ = server.kill();
                let _ = server.wait();
                bail!("Xvfb printed {line:?}, not a display number");
            }
        };
        Ok(Xvfb {
            name: format!(":{number}"),
            server,
        })
    }

    fn xdotool(&self, args: &[&str]) -> String {
        Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.name)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The window process, killed if still running when dropped.
struct Window {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    _home: tempfile::TempDir,
}

impl Drop for Window {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Window {
    fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn find(&self, what: &str) -> Option<String> {
        self.lines()
            .into_iter()
            .find(|l| l.starts_with(MILESTONE_PREFIX) && l.contains(what))
    }
}

/// Opens `project` in the binary with `cache` as its cache folder, waits for sharp, pans and
/// zooms for a few seconds, closes it with Ctrl+Q and reads what it printed.
fn open_window(binary: &Path, display: &Xvfb, project: &Path, cache: &Path) -> anyhow::Result<Run> {
    let home = tempfile::tempdir()?;
    let mut child = Command::new(binary)
        .arg(project)
        .env("DISPLAY", &display.name)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home.path())
        .env("USER", "bench")
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .env("XDG_CACHE_HOME", cache)
        .env(ENV_VARIABLE, "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("start {}", binary.display()))?;
    let lines = Arc::new(Mutex::new(Vec::new()));
    if let Some(err) = child.stderr.take() {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Ok(mut l) = lines.lock() {
                    l.push(line);
                }
            }
        });
    }
    let mut window = Window {
        child,
        lines,
        _home: home,
    };
    let start = Instant::now();
    let mut run = Run::default();
    while window.find("sharp").is_none() {
        if let Some(status) = window.child.try_wait()? {
            bail!(
                "the window exited ({status}) before it was sharp: {}",
                window.lines().join("\n")
            );
        }
        if start.elapsed() > OPEN_LIMIT {
            run.note = Some(format!("not sharp after {OPEN_LIMIT:?}"));
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // Pan and zoom once loading has ended, so that those frames are the "view moving" group.
    let loaded_wait = Instant::now();
    while window.find("all loaded").is_none() && loaded_wait.elapsed() < OPEN_LIMIT {
        if window.child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    pan_and_zoom(display);
    // Let the loader finish what it does (the overview cache is written after the last
    // level), then close as an analyst would.
    std::thread::sleep(Duration::from_secs(3));
    if let Some(id) = display
        .xdotool(&["search", "--name", "sitediff"])
        .lines()
        .next()
    {
        display.xdotool(&["windowfocus", "--sync", id]);
    }
    display.xdotool(&["key", "ctrl+q"]);
    let closing = Instant::now();
    while window.child.try_wait()?.is_none() {
        if closing.elapsed() > Duration::from_secs(20) {
            run.note = Some("Ctrl+Q did not close the window; killed, no frame summary".into());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // The reader thread may still hold the last lines for a moment.
    std::thread::sleep(Duration::from_millis(200));
    let parse_time = |what: &str| -> Option<(f64, Option<f64>)> {
        let line = window.find(what)?;
        let secs = line
            .split(" at ")
            .nth(1)?
            .split(" s")
            .next()?
            .parse()
            .ok()?;
        let mib = line
            .split("peak memory ")
            .nth(1)
            .and_then(|m| m.split(' ').next())
            .and_then(|m| m.parse().ok());
        Some((secs, mib))
    };
    run.first_frame = parse_time("first frame").map(|t| t.0);
    // Each pane reports its first imagery once: the pair shows when the last of them does.
    run.first_imagery = window
        .lines()
        .into_iter()
        .filter(|l| l.starts_with(MILESTONE_PREFIX) && l.contains("first imagery"))
        .filter_map(|l| {
            l.split(" at ")
                .nth(1)?
                .split(" s")
                .next()?
                .parse::<f64>()
                .ok()
        })
        .reduce(f64::max);
    if let Some((secs, mib)) = parse_time("sharp") {
        run.sharp = Some(secs);
        run.peak_mib = mib;
    }
    for line in window.lines() {
        let line = line.trim();
        if let Some((name, stats)) = line.split_once(": ")
            && (name.starts_with("build + paint") || name.starts_with("whole frame"))
            && let Some((group, stats)) = stats.split_once(": ")
        {
            run.frames
                .push((format!("{name}, {group}"), stats.to_string()));
        }
    }
    Ok(run)
}

/// A few seconds of an analyst looking around: zoom in on the left pane with the wheel, drag
/// it about, zoom back out.
fn pan_and_zoom(display: &Xvfb) {
    let step = || std::thread::sleep(Duration::from_millis(120));
    display.xdotool(&["mousemove", "400", "500"]);
    step();
    for _ in 0..4 {
        display.xdotool(&["click", "4"]);
        step();
    }
    // The middle button pans whatever the tool (a left drag is the tool's gesture).
    display.xdotool(&["mousedown", "2"]);
    for i in 0..30 {
        let x = (400 + i * 8).to_string();
        let y = (500 + i * 4).to_string();
        display.xdotool(&["mousemove", &x, &y]);
        std::thread::sleep(Duration::from_millis(40));
    }
    display.xdotool(&["mouseup", "2"]);
    step();
    for _ in 0..4 {
        display.xdotool(&["click", "5"]);
        step();
    }
}

fn print_run(case: &str, open: &str, run: &Run, floor: f64, floor_mib: Option<f64>) {
    let ratio = |t: Option<f64>| match t {
        Some(t) if floor > 0.0 => format!("{t:6.2} s = {:4.2} x floor", t / floor),
        Some(t) => format!("{t:6.2} s"),
        None => "     none".into(),
    };
    let memory = match (run.peak_mib, floor_mib) {
        (Some(m), Some(f)) => format!("{m:.0} MiB (floor {f:.0} MiB)"),
        (Some(m), None) => format!("{m:.0} MiB"),
        _ => "unknown".into(),
    };
    println!(
        "{case:<14} {open:<6}  floor {floor:5.2} s | first imagery {} | sharp {} | peak memory at sharp {memory}",
        ratio(run.first_imagery),
        ratio(run.sharp),
    );
    if let Some(t) = run.first_frame {
        println!("    the window's first frame (GL setup, no imagery yet) at {t:.2} s");
    }
    for (name, stats) in &run.frames {
        println!("    {name}: {stats}");
    }
    if let Some(note) = &run.note {
        println!("    note: {note}");
    }
}
