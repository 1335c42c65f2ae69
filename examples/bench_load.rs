//! How fast does a large image become viewable? Prints the figures behind the loading design.
//!
//! ```text
//! cargo run --release --example bench_load -- path/to/image.jpg
//! cargo run --release --example bench_load -- --generate 16384
//! ```
//!
//! With `--generate N` (default 16384) it first writes the demo site's January image at N x N
//! pixels to `bench-data/` (kept for later runs). Figures: the decode alone (the baseline),
//! then through `ImageLoad` the time to level 0, to the first fit-to-window overview and to all
//! levels, the ratio overview / decode (target: at most 1.2), the same for two loads at once
//! (the before/after pair), peak memory, and the cost of preparing one 512 px tile for upload
//! (`tile_pixels`, the conversion the window's `upload_tile` runs on the UI thread).

use anyhow::{Context, bail};
use image::codecs::jpeg::JpegEncoder;
use sitediff::app::imagery::Adjustments;
use sitediff::app::imagery::tiles::tile_pixels;
use sitediff::demo::{DemoDate, DemoOptions, JPEG_QUALITY, render_date};
use sitediff::io::image_decode::decode_image;
use sitediff::io::loader::{ImageLoad, LoadState};
use sitediff::io::pyramid::TILE_SIZE;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEFAULT_GENERATED_SIZE: u32 = 16384;

fn main() -> anyhow::Result<()> {
    let path = match parse_args(std::env::args().skip(1).collect())? {
        Input::File(path) => path,
        Input::Generate(size) => generate(size)?,
    };
    let file_size = std::fs::metadata(&path)
        .with_context(|| format!("{}: cannot read the file", path.display()))?
        .len();
    println!(
        "image: {} ({:.1} MB)",
        path.display(),
        file_size as f64 / 1e6
    );

    // The baseline, in the same run: a plain decode on this thread, twice; the faster run
    // counts, so the ratios below are not flattered by a slow first decode.
    let mut decode_alone = Duration::MAX;
    for run in 1..=2 {
        let start = Instant::now();
        let decoded = decode_image(&path)?;
        let elapsed = start.elapsed();
        decode_alone = decode_alone.min(elapsed);
        println!(
            "decode alone (decode_image) #{run}:   {:>8.0} ms   ({} x {}, {:?})",
            ms(elapsed),
            decoded.width(),
            decoded.height(),
            decoded.color()
        );
    }
    println!(
        "peak RSS after decode alone:      {:>8.0} MB",
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    let peak_reset = reset_peak_rss();

    // One load, as when a single image is opened.
    let cpu = CpuShare::start();
    let load = load_to_ready(std::slice::from_ref(&path))?;
    let others_single = cpu.others_percent();
    let single = &load[0];
    let timings = single.timings();
    let decoded_at = timings.decoded.unwrap_or_default();
    let overview_at = timings.first_overview.unwrap_or_default();
    let all_at = timings.all_levels.unwrap_or_default();
    println!("ImageLoad, one image:");
    println!(
        "  time to level 0 (decoded + RGB): {:>8.0} ms",
        ms(decoded_at)
    );
    println!(
        "  time to first overview:          {:>8.0} ms",
        ms(overview_at)
    );
    println!("  time to all levels:              {:>8.0} ms", ms(all_at));
    println!(
        "  first overview / decode alone:   {:>8.2}   (target <= 1.2)",
        overview_at.as_secs_f64() / decode_alone.as_secs_f64()
    );
    let levels: Vec<String> = single
        .levels()
        .iter()
        .flatten()
        .map(|l| format!("{}x{}", l.width(), l.height()))
        .collect();
    println!("  levels: {}", levels.join(", "));
    print_others(others_single);
    println!(
        "peak RSS during the load:         {:>8.0} MB{}",
        peak_rss_mb().unwrap_or(f64::NAN),
        if peak_reset {
            ""
        } else {
            "   (could not reset the peak: includes the decode alone)"
        }
    );

    // tile_pixels: the per-tile cost on the UI thread (the window's upload_tile runs exactly
    // this before handing the pixels to egui), over tiles spread across level 0, with the
    // default display adjustments.
    if let Some(level0) = single.levels().first().and_then(|l| l.as_ref()) {
        let lut = Adjustments::default().lut(None);
        let (tiles_x, tiles_y) = (
            level0.width().div_ceil(TILE_SIZE),
            level0.height().div_ceil(TILE_SIZE),
        );
        let mut times: Vec<Duration> = (0..64u32)
            .map(|i| {
                let start = Instant::now();
                let tile = tile_pixels(level0, (i * 7) % tiles_x, (i * 5) % tiles_y, &lut);
                let elapsed = start.elapsed();
                std::hint::black_box(tile);
                elapsed
            })
            .collect();
        times.sort();
        println!(
            "tile_pixels (upload_tile), 512 px: {:>7.2} ms per tile, median ({:.2}-{:.2}, {} tiles)",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1]),
            times.len()
        );
    }
    drop(load);

    // Two loads at once, as when the before and after images of a pair are opened together.
    let cpu = CpuShare::start();
    let pair = load_to_ready(&[path.clone(), path.clone()])?;
    let others_pair = cpu.others_percent();
    let both_overviews = pair
        .iter()
        .filter_map(|l| l.timings().first_overview)
        .max()
        .unwrap_or_default();
    let both_all = pair
        .iter()
        .filter_map(|l| l.timings().all_levels)
        .max()
        .unwrap_or_default();
    println!("ImageLoad, two copies at once:");
    println!(
        "  time to both first overviews:    {:>8.0} ms",
        ms(both_overviews)
    );
    println!(
        "  time to both with all levels:    {:>8.0} ms",
        ms(both_all)
    );
    println!(
        "  both overviews / decode alone:   {:>8.2}",
        both_overviews.as_secs_f64() / decode_alone.as_secs_f64()
    );
    print_others(others_pair);
    Ok(())
}

enum Input {
    File(PathBuf),
    Generate(u32),
}

fn parse_args(args: Vec<String>) -> anyhow::Result<Input> {
    match args.as_slice() {
        [flag] if flag == "--generate" => Ok(Input::Generate(DEFAULT_GENERATED_SIZE)),
        [flag, size] if flag == "--generate" => {
            Ok(Input::Generate(size.parse().with_context(|| {
                format!("--generate takes a size in pixels, not {size:?}")
            })?))
        }
        [path] if !path.starts_with("--") => Ok(Input::File(PathBuf::from(path))),
        _ => bail!("usage: bench_load <image file> | --generate [size, default 16384]"),
    }
}

/// Writes (once) the demo site's January image at `size` px square to `bench-data/`.
fn generate(size: u32) -> anyhow::Result<PathBuf> {
    let dir = Path::new("bench-data");
    let path = dir.join(format!("bench_{size}.jpg"));
    if path.is_file() {
        println!("using the existing {}", path.display());
        return Ok(path);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    println!("generating {}: {size} x {size} px ...", path.display());
    let start = Instant::now();
    let image = render_date(DemoDate::January, &DemoOptions { size, seed: 1 });
    // Written beside its final name and renamed, so an interrupted run leaves no half file.
    let partial = path.with_extension("jpg.partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("{}: cannot create", partial.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    JpegEncoder::new_with_quality(&mut writer, JPEG_QUALITY)
        .encode_image(&image)
        .with_context(|| format!("{}: cannot encode", partial.display()))?;
    writer
        .flush()
        .with_context(|| format!("{}: cannot write", partial.display()))?;
    std::fs::rename(&partial, &path)
        .with_context(|| format!("{}: cannot rename", path.display()))?;
    println!("generated in {:.1} s", start.elapsed().as_secs_f64());
    Ok(path)
}

/// Starts one load per path at the same moment and polls them, as the GUI would on wake-ups,
/// until all are ready.
fn load_to_ready(paths: &[PathBuf]) -> anyhow::Result<Vec<ImageLoad>> {
    let (woken, wake_ups) = mpsc::channel::<()>();
    let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        // The receiver outlives every load here; a failed send only means the run is over.
        let _ = woken.send(());
    });
    let mut loads: Vec<ImageLoad> = paths
        .iter()
        // No overview cache: this times the decode and the levels, every run alike.
        .map(|p| ImageLoad::start_with_cache(p.clone(), wake.clone(), None))
        .collect();
    loop {
        let _ = wake_ups.recv_timeout(Duration::from_millis(100));
        let mut loading = false;
        for load in &mut loads {
            load.poll();
            match load.state() {
                LoadState::Failed(message) => bail!("{message}"),
                LoadState::Loading { .. } => loading = true,
                LoadState::Ready => {}
            }
        }
        if !loading {
            return Ok(loads);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The process's peak resident memory (VmHWM), in MB; `None` where /proc is unavailable.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak resident memory to the current value (Linux), so the next figure is the
/// load's own.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Says how much of the machine other processes took during a measurement, since a busy
/// machine (a build next door) distorts the figures.
fn print_others(percent: Option<f64>) {
    if let Some(percent) = percent {
        println!("  CPU used by other processes meanwhile: {percent:.0} % of the machine");
    }
}

/// CPU time of the whole machine and of this process, to tell how busy the rest was.
struct CpuShare {
    machine_busy: u64,
    machine_total: u64,
    own: u64,
}

impl CpuShare {
    fn start() -> CpuShare {
        let (machine_busy, machine_total) = machine_jiffies().unwrap_or_default();
        CpuShare {
            machine_busy,
            machine_total,
            own: own_jiffies().unwrap_or_default(),
        }
    }

    /// The share of all cores' time used by other processes since `start`, in percent.
    fn others_percent(&self) -> Option<f64> {
        let (busy, total) = machine_jiffies()?;
        let own = own_jiffies()?;
        let total = total.checked_sub(self.machine_total)?;
        let others =
            (busy.checked_sub(self.machine_busy)?).saturating_sub(own.checked_sub(self.own)?);
        (total > 0).then(|| 100.0 * others as f64 / total as f64)
    }
}

/// Busy and total jiffies of all cores, from /proc/stat.
fn machine_jiffies() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}

/// User plus system jiffies of this process, from /proc/self/stat.
fn own_jiffies() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}
