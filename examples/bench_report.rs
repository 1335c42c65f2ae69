//! Benchmark: the HTML review report on a site with 1 000 footprints. Prints how long
//! `write_report` takes against a baseline measured in the same run: decoding the same images
//! alone (the least any report over them must do), runs of the two interleaved so that a busy
//! machine slows both alike.
//!
//! ```text
//! cargo run --release --example bench_report [-- --size N] [--footprints N] [--runs N]
//! ```
//!
//! The site is the demo site rendered at `--size` px (default 8192: three JPEG images of
//! 67 megapixels), written once to `bench-data/report_N/` and reused (delete the folder to
//! start afresh). To its 8 ground truth footprints the benchmark adds synthetic ones up to
//! `--footprints` (default 1 000), deterministically (SplitMix64): rotated-looking buildings of
//! 10-60 px, one in twenty a hall of 100-400 px and a few of a quarter of the site (whose crops
//! come from the coarser pyramid levels), all three change kinds, a quarter of the renovations
//! with an after-outline, a third with a review thread. The project file there,
//! `bench-data/report_N/demo.ron`, can be reported on by the binary too:
//! `time target/release/sitediff report bench-data/report_8192/demo.ron --out /tmp/report`.

use anyhow::Context;
use sitediff::demo::{DemoOptions, PROJECT_FILE_NAME, generate_demo};
use sitediff::io::image_decode::decode_image;
use sitediff::io::project_file::resolve_image_path;
use sitediff::io::pyramid::to_display_rgb8;
use sitediff::io::{load_project, save_project};
use sitediff::model::{
    ChangeKind, Confidence, Decision, Footprint, ImageId, Point, Polygon, Project, Reason,
    ReviewEvent, Timestamp,
};
use sitediff::report::write_report;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const DEFAULT_SIZE: u32 = 8192;
const DEFAULT_FOOTPRINTS: usize = 1_000;
const DEFAULT_RUNS: usize = 3;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| -> anyhow::Result<Option<usize>> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| {
                v.parse()
                    .with_context(|| format!("{name} {v}: not a number"))
            })
            .transpose()
    };
    let size = value("--size")?.map_or(DEFAULT_SIZE, |s| s as u32);
    let footprints = value("--footprints")?.unwrap_or(DEFAULT_FOOTPRINTS);
    let runs = value("--runs")?.unwrap_or(DEFAULT_RUNS).max(1);

    let project_file = site_on_disk(size, footprints)?;
    let project = load_project(&project_file)?;
    let site = &project.sites[0];
    let image_paths: Vec<PathBuf> = site
        .images
        .iter()
        .map(|i| resolve_image_path(&project_file, &i.path))
        .collect();
    let image_bytes: u64 = image_paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "sitediff report benchmark: {} footprints on a {size} x {size} px site, {} JPEG images \
         ({:.1} MB), {} cores, load average {}",
        site.footprints.len(),
        image_paths.len(),
        image_bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );

    let out = tempfile::tempdir()?;
    let mut decode_times = Vec::new();
    let mut report_times = Vec::new();
    let mut summary = None;
    let mut decode_cpu = Vec::new();
    let mut report_cpu = Vec::new();
    for run in 0..runs {
        let (start, cpu) = (Instant::now(), cpu_time());
        for path in &image_paths {
            let decoded = decode_image(path)?;
            black_box(to_display_rgb8(decoded));
        }
        decode_times.push(start.elapsed());
        decode_cpu.push(cpu_time().saturating_sub(cpu));

        // A new folder each run, as for a first report; none is removed until the end.
        let dir = out.path().join(format!("run{run}"));
        let (start, cpu) = (Instant::now(), cpu_time());
        summary = Some(write_report(&project, &project_file, &dir, |_| {})?);
        report_times.push(start.elapsed());
        report_cpu.push(cpu_time().saturating_sub(cpu));
        println!(
            "  run {}: decode alone {} (cpu {}), report {} (cpu {})",
            run + 1,
            ms(decode_times[run]),
            ms(decode_cpu[run]),
            ms(report_times[run]),
            ms(report_cpu[run])
        );
    }
    let decode = median(&decode_times);
    let report = median(&report_times);
    println!("median over {runs} runs:");
    println!(
        "  baseline, decoding the {} images alone:  {}",
        image_paths.len(),
        ms(decode)
    );
    println!("  write_report:                          {}", ms(report));
    println!(
        "  cpu time (all threads, less sensitive to a busy machine): decode {}, report {}",
        ms(median(&decode_cpu)),
        ms(median(&report_cpu))
    );
    println!(
        "  ratio report / decode: {:.2}; beyond the decode: {} in all, {:.2} ms per footprint",
        report.as_secs_f64() / decode.as_secs_f64(),
        ms(report.saturating_sub(decode)),
        report.saturating_sub(decode).as_secs_f64() * 1e3 / site.footprints.len().max(1) as f64
    );
    if let Some(summary) = summary {
        let dir = summary.index.parent().unwrap_or(Path::new("."));
        let html = std::fs::metadata(&summary.index).map_or(0, |m| m.len());
        let pictures: u64 = std::fs::read_dir(dir.join("img"))?
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        println!(
            "  report: index.html {:.0} kB, {} pictures {:.1} MB, {} unreadable images",
            html as f64 / 1e3,
            summary.pictures,
            pictures as f64 / 1e6,
            summary.unreadable_images.len()
        );
    }
    Ok(())
}

/// The demo site at `size` px with `footprints` footprints, written once under `bench-data/`.
fn site_on_disk(size: u32, footprints: usize) -> anyhow::Result<PathBuf> {
    let dir = PathBuf::from(format!("bench-data/report_{size}"));
    let project_file = dir.join(PROJECT_FILE_NAME);
    let wanted = footprints.max(8);
    if let Ok(project) = load_project(&project_file)
        && project.sites.first().map(|s| s.footprints.len()) == Some(wanted)
    {
        println!("using the existing {}", project_file.display());
        return Ok(project_file);
    }
    let start = Instant::now();
    if !project_file.is_file() {
        println!(
            "generating the demo site at {size} px in {} ...",
            dir.display()
        );
        generate_demo(&dir, &DemoOptions { size, seed: 1 }, |_| {})?;
    }
    let mut project = load_project(&project_file)?;
    add_footprints(&mut project, size, wanted)?;
    save_project(&project, &project_file)?;
    println!(
        "wrote {} with {wanted} footprints in {:.1} s",
        project_file.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(project_file)
}

/// Adds synthetic footprints to the first site until it has `wanted`.
fn add_footprints(project: &mut Project, size: u32, wanted: usize) -> anyhow::Result<()> {
    let mut rng = Rng(7);
    let side = f64::from(size);
    let t = Timestamp::from_unix(1_720_000_000).context("a fixed time")?;
    let analysts = ["ana", "ben", "chloé"];
    let reviewers = ["rita", "sam", "ana"];
    let mut added = Vec::new();
    let count = project.sites[0].footprints.len();
    for n in count..wanted {
        let id = project.next_ids.new_footprint()?;
        let kind = ChangeKind::ALL[n % 3];
        let (w, h) = if n % 250 == 0 {
            (side / 4.0, side / 5.0)
        } else if n % 20 == 0 {
            (rng.range(100.0, 400.0), rng.range(100.0, 400.0))
        } else {
            (rng.range(10.0, 60.0), rng.range(10.0, 60.0))
        };
        let x = rng.range(0.0, side - w);
        let y = rng.range(0.0, side - h);
        // A slanted quadrilateral, as buildings not aligned with the image look.
        let skew = rng.range(-0.2, 0.2) * h;
        let outline = Polygon::new(vec![
            Point::new(x + skew.max(0.0), y),
            Point::new(x + w + skew.min(0.0), y + skew.abs() * 0.2),
            Point::new(x + w - skew.max(0.0), y + h),
            Point::new(x - skew.min(0.0), y + h - skew.abs() * 0.2),
        ]);
        let (before, after) = if rng.chance(0.5) {
            (ImageId(1), ImageId(2))
        } else {
            (ImageId(2), ImageId(3))
        };
        let mut fp = Footprint::new(
            id,
            kind,
            before,
            after,
            outline,
            analysts[n % analysts.len()],
            t,
        );
        if kind == ChangeKind::Renovated && rng.chance(0.25) {
            let grow = w * 0.3;
            fp.after_outline = Some(Polygon::rectangle(
                Point::new(x, y),
                Point::new((x + w + grow).min(side), y + h),
            ));
        }
        fp.confidence = Confidence::ALL[rng.below(3)];
        fp.tags = vec![format!("block-{}", n % 17)];
        if rng.chance(0.3) {
            fp.note = format!("Synthetic building {n} <benchmark> & co.");
        }
        if rng.chance(0.33) {
            let decision = Decision::ALL[rng.below(3)];
            let reason = (decision != Decision::Accepted).then_some(Reason::ALL[rng.below(6)]);
            let by = reviewers[rng.below(reviewers.len())];
            fp.reviews.push(ReviewEvent {
                by: by.into(),
                at: t,
                decision: None,
                reason: None,
                comment: "Is this the right date pair?".into(),
                judged: None,
            });
            let event = fp.decision_event(decision, reason, "checked", by, t);
            fp.reviews.push(event);
        }
        added.push(fp);
    }
    let site = &mut project.sites[0];
    site.footprints.extend(added);
    site.footprints.sort_by_key(|f| f.id);
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

/// User and system time of every thread of this process so far.
#[cfg(target_os = "linux")]
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
