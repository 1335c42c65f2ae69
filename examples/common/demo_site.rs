//! The generated demo site the benchmarks open, made once and then reused.

use sitediff::demo::{DemoOptions, generate_demo};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The project file of the demo site at `size` px in `dir`, generated there first (minutes for
/// large sizes) when it is not there yet.
pub fn demo_site(dir: &Path, size: u32) -> anyhow::Result<PathBuf> {
    let project = dir.join("demo.ron");
    if !project.exists() {
        eprintln!(
            "generating the {size} px demo site in {} ...",
            dir.display()
        );
        let t = Instant::now();
        generate_demo(dir, &DemoOptions { size, seed: 1 }, |_| {})?;
        eprintln!("  generated in {:.0} s", t.elapsed().as_secs_f64());
    }
    Ok(project)
}
