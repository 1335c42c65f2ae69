//! Draws the synthetic Riverside plant on three dates and writes its ground truth project.
//!
//! `cargo run --release --example make_demo` regenerates the committed `assets/demo/` files;
//! `-- --size 16384 --out bench-data/demo16k` makes the large variant the benchmarks use.

use anyhow::Context;
use clap::Parser;
use sitediff::demo::{DemoOptions, generate_demo};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Generate the synthetic demo site (three dated JPEG images and demo.ron).
#[derive(Parser)]
#[command(about)]
struct Args {
    /// Image side in pixels; the same site is drawn at any size.
    #[arg(long, default_value_t = DemoOptions::default().size)]
    size: u32,
    /// Seed for trees, vehicles and texture (the buildings and changes stay put).
    #[arg(long, default_value_t = DemoOptions::default().seed)]
    seed: u64,
    /// Output folder, created if missing.
    #[arg(long, default_value = "assets/demo")]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let options = DemoOptions {
        size: args.size,
        seed: args.seed,
    };
    let started = Instant::now();
    let mut shown = -1;
    let (project, project_file) = generate_demo(&args.out, &options, |fraction| {
        let percent = (fraction * 100.0).floor() as i32;
        if percent / 5 != shown / 5 {
            shown = percent;
            eprint!("\r{percent:3} % ({:.0} s)", started.elapsed().as_secs_f32());
            let _ = std::io::stderr().flush();
        }
    })
    .with_context(|| format!("cannot generate the demo in {}", args.out.display()))?;
    eprintln!();
    let footprints: usize = project.sites.iter().map(|s| s.footprints.len()).sum();
    println!(
        "Wrote {} ({} footprints) and 3 images of {} px in {:.1} s",
        project_file.display(),
        footprints,
        args.size,
        started.elapsed().as_secs_f32()
    );
    Ok(())
}
