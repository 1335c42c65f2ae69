//! How much sooner does a preview come than the full decode? The figures behind issue 10's
//! "first view at most half a decode".
//!
//! ```text
//! cargo run --release --no-default-features --example bench_preview -- A.jpg [B.jpg]
//! cargo run --release --no-default-features --example bench_preview -- --tile2x2 IN.jpg OUT.jpg
//! ```
//!
//! For each image, in the same run: the full decode (`decode_image`, the baseline) and the
//! reduced decode (`decode_preview`), best of two, and their ratio. With two images: both
//! previews at once on two threads (as when a before/after pair opens) against one full decode
//! of the larger. `--tile2x2` writes a JPEG twice as large each way (four copies of the input),
//! to make a 16 000 px test image from an 8 000 px one.

use anyhow::{Context, bail};
use image::GenericImage;
use image::codecs::jpeg::JpegEncoder;
use sitediff::io::image_decode::decode_image;
use sitediff::io::preview::decode_preview;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, input, output] = args.as_slice()
        && flag == "--tile2x2"
    {
        return tile2x2(Path::new(input), Path::new(output));
    }
    if args.is_empty() || args.len() > 2 || args.iter().any(|a| a.starts_with('-')) {
        bail!("usage: bench_preview A.jpg [B.jpg] | --tile2x2 IN.jpg OUT.jpg");
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let mut slowest_full = Duration::ZERO;
    for path in &paths {
        let full = best_of_two(|| {
            decode_image(path).map(|_| ())?;
            Ok(())
        })?;
        let mut size = (0, 0, 0);
        let preview = best_of_two(|| {
            let p = decode_preview(path)?.context("no preview for this file")?;
            size = (p.image.width(), p.image.height(), p.level);
            Ok(())
        })?;
        slowest_full = slowest_full.max(full);
        println!("{}", path.display());
        println!("  full decode (decode_image):   {:>7.0} ms", ms(full));
        println!(
            "  preview (decode_preview):     {:>7.0} ms   ({} x {}, level {})",
            ms(preview),
            size.0,
            size.1,
            size.2
        );
        println!(
            "  ratio preview / full:         {:>7.2}",
            ms(preview) / ms(full)
        );
    }
    if let [a, b] = paths.as_slice() {
        let pair = best_of_two(|| {
            std::thread::scope(|scope| {
                let first = scope.spawn(|| decode_preview(a));
                let second = scope.spawn(|| decode_preview(b));
                for handle in [first, second] {
                    match handle.join() {
                        Ok(Ok(Some(_))) => {}
                        Ok(Ok(None)) => bail!("no preview"),
                        Ok(Err(e)) => return Err(e.into()),
                        Err(_) => bail!("a preview thread panicked"),
                    }
                }
                Ok(())
            })
        })?;
        println!("pair:");
        println!("  both previews at once:        {:>7.0} ms", ms(pair));
        println!(
            "  ratio pair / one full decode: {:>7.2}   (target at most 0.5)",
            ms(pair) / ms(slowest_full)
        );
    }
    Ok(())
}

fn best_of_two(mut run: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let start = Instant::now();
        run()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn tile2x2(input: &Path, output: &Path) -> anyhow::Result<()> {
    let tile = decode_image(input)?.to_rgb8();
    let (w, h) = tile.dimensions();
    let mut big = image::RgbImage::new(w * 2, h * 2);
    for (x, y) in [(0, 0), (w, 0), (0, h), (w, h)] {
        big.copy_from(&tile, x, y)
            .with_context(|| format!("{}: cannot tile", input.display()))?;
    }
    let file = std::io::BufWriter::new(
        std::fs::File::create(output)
            .with_context(|| format!("{}: cannot create", output.display()))?,
    );
    JpegEncoder::new_with_quality(file, 90)
        .encode_image(&big)
        .with_context(|| format!("{}: cannot encode", output.display()))?;
    Ok(())
}
