//! The UI-side figure, without a window (`bench_window` measures the real window, where
//! painting and the buffer swap add to every frame). It opens a site with two generated
//! 16 384 x 16 384 images in the real app (headless, through egui_kittest, which runs the same
//! UI code as the window but neither tessellates nor renders) and prints how long until the
//! first view and full resolution, against the decode
//! time of the larger image alone measured in the same run, plus peak memory and the longest UI
//! pass: one `Harness::step`, i.e. building the UI and its shapes (tile pixel conversion and
//! texture hand-over included), without tessellation and without a GPU, so it is a lower bound
//! of a real frame, not a frame time.
//!
//! cargo run --release --example bench_ui_headless [-- --size 16384 --dir bench-data/demo16k]

use sitediff::app::SiteDiffApp;
use sitediff::app::prefs::Prefs;
use sitediff::app::state::Side;
use sitediff::io::image_decode::decode_image;
use sitediff::io::load_project;
use sitediff::io::loader::LoadState;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "common/demo_site.rs"]
mod demo_site;
use demo_site::demo_site;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn vm_hwm_mib() -> f64 {
    sitediff::app::frame_stats::peak_resident_mib().unwrap_or(f64::NAN)
}

/// Resets the peak-RSS counter (Linux: writing 5 to clear_refs).
fn reset_hwm() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() -> anyhow::Result<()> {
    // Every run measures the decode, not the overview cache a previous run filled
    // (`bench_window` measures the reopen). SAFETY: no other thread runs yet.
    unsafe { std::env::set_var(sitediff::io::overview_cache::DISABLE_VARIABLE, "1") };
    let size: u32 = arg("--size")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(16384);
    let dir = PathBuf::from(arg("--dir").unwrap_or_else(|| format!("bench-data/demo{size}")));
    let project_file = demo_site(&dir, size)?;
    let project = load_project(&project_file)?;
    let site = &project.sites[0];
    let timeline = site.images_by_date();
    let (first, last) = (timeline[0], timeline[timeline.len() - 1]);
    let files: Vec<PathBuf> = [first, last]
        .iter()
        .map(|i| sitediff::io::project_file::resolve_image_path(&project_file, &i.path))
        .collect();
    let larger = files
        .iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .cloned()
        .unwrap_or_else(|| files[0].clone());

    // Baseline, same run: decoding the larger image alone.
    let t = Instant::now();
    let img = decode_image(&larger)?;
    let decode = t.elapsed();
    let (w, h) = (img.width(), img.height());
    drop(img);
    let baseline_hwm = vm_hwm_mib();
    reset_hwm();

    let report = run_app(&project_file, Duration::from_secs(300))?;
    let peak = vm_hwm_mib();

    println!(
        "sitediff compare-view benchmark ({w} x {h}, two images, {} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "  decode of the larger image alone (baseline): {:>8.3} s   [{}]",
        decode.as_secs_f64(),
        larger.display()
    );
    println!(
        "  first view on screen (both panes drawn):     {:>8.3} s   = {:.2} x baseline (target <= 1.2)",
        report.first_view.as_secs_f64(),
        report.first_view.as_secs_f64() / decode.as_secs_f64()
    );
    println!(
        "  fitted view at full quality (exact level):    {:>8.3} s   = {:.2} x baseline",
        report.full_view.as_secs_f64(),
        report.full_view.as_secs_f64() / decode.as_secs_f64()
    );
    println!(
        "  all pyramid levels built (both images):       {:>8.3} s",
        report.all_ready.as_secs_f64()
    );
    println!(
        "  then 100 % zoom at full resolution after:     {:>8.3} s",
        report.actual_pixels.as_secs_f64()
    );
    println!(
        "  longest UI build pass while loading:          {:>8.1} ms  (median {:.1} ms, {} passes; no tessellation, no GPU)",
        report.longest_ui_pass.as_secs_f64() * 1e3,
        report.median_ui_pass.as_secs_f64() * 1e3,
        report.ui_passes
    );
    println!(
        "  longest UI build pass while zooming to 100 %: {:>8.1} ms  (no tessellation, no GPU)",
        report.longest_zoom_ui_pass.as_secs_f64() * 1e3
    );
    println!(
        "  peak memory (VmHWM) while the app loads both: {:>8.0} MiB  (baseline decode alone: {:.0} MiB)",
        peak, baseline_hwm
    );
    Ok(())
}

struct Report {
    first_view: Duration,
    full_view: Duration,
    all_ready: Duration,
    actual_pixels: Duration,
    /// The longest `Harness::step`: UI build only, no tessellation, no GPU.
    longest_ui_pass: Duration,
    median_ui_pass: Duration,
    longest_zoom_ui_pass: Duration,
    ui_passes: usize,
}

fn both_drawn(app: &SiteDiffApp, need_complete: bool) -> bool {
    [Side::Before, Side::After].iter().all(|side| {
        app.last_draw
            .iter()
            .any(|(s, o)| s == side && o.drawn_tiles > 0 && (!need_complete || o.complete))
    })
}

fn all_ready(app: &SiteDiffApp) -> bool {
    let Some(doc) = &app.doc else { return false };
    let site = &doc.project().sites[0];
    [app.pair.before, app.pair.after].iter().all(|id| {
        id.and_then(|id| site.image(id))
            .and_then(|img| app.images.get(&doc.image_file(&img.path)))
            .is_some_and(|slot| matches!(slot.load.state(), LoadState::Ready))
    })
}

fn run_app(project: &Path, limit: Duration) -> anyhow::Result<Report> {
    let start = Instant::now();
    let mut app = SiteDiffApp::new(Prefs::default());
    app.open_now(project);
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::Vec2::new(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut SiteDiffApp| app.ui_main(ui), app);
    let frame_budget = Duration::from_millis(16);
    // How long each UI pass (Harness::step) took.
    let mut ui_passes = Vec::new();
    let (mut first_view, mut full_view, mut ready) = (None, None, None);
    while ready.is_none() || full_view.is_none() {
        anyhow::ensure!(start.elapsed() < limit, "gave up after {limit:?}");
        let t = Instant::now();
        h.step();
        let took = t.elapsed();
        ui_passes.push(took);
        let app = h.state();
        if first_view.is_none() && both_drawn(app, false) {
            first_view = Some(start.elapsed());
        }
        if full_view.is_none() && both_drawn(app, true) {
            full_view = Some(start.elapsed());
        }
        if ready.is_none() && all_ready(app) {
            ready = Some(start.elapsed());
        }
        // Pace like a 60 Hz window.
        if took < frame_budget {
            std::thread::sleep(frame_budget - took);
        }
    }
    {
        let app = h.state();
        let doc = app.doc.as_ref().expect("project open");
        for img in &doc.project().sites[0].images {
            if let Some(slot) = app.images.get(&doc.image_file(&img.path)) {
                eprintln!("  {}: {:?}", img.file_name(), slot.load.timings());
            }
        }
    }
    let mut sorted = ui_passes.clone();
    sorted.sort();
    // Zoom to 100 % at the centre: full-resolution tiles must be uploaded.
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(&ctx, sitediff::app::Action::ZoomActual);
    let t = Instant::now();
    let mut longest_zoom = Duration::ZERO;
    loop {
        anyhow::ensure!(t.elapsed() < limit, "100 % view never completed");
        let f = Instant::now();
        h.step();
        longest_zoom = longest_zoom.max(f.elapsed());
        if both_drawn(h.state(), true) {
            break;
        }
    }
    Ok(Report {
        first_view: first_view.unwrap_or_default(),
        full_view: full_view.unwrap_or_default(),
        all_ready: ready.unwrap_or_default(),
        actual_pixels: t.elapsed(),
        longest_ui_pass: sorted.last().copied().unwrap_or_default(),
        median_ui_pass: sorted.get(sorted.len() / 2).copied().unwrap_or_default(),
        longest_zoom_ui_pass: longest_zoom,
        ui_passes: ui_passes.len(),
    })
}
