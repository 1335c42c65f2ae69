//! Times the tile-by-tile TIFF reader on a large file: opening it, the first view (the coarsest
//! level and the tiles of a screen-sized view at the centre), and one full-resolution tile as
//! the baseline; peak memory (VmHWM) at the end.
//!
//! `cargo run --release --no-default-features --example bench_tiles -- bench-data/big100k.tif`
//! (make the file with the `make_big_tiff` example). `--fresh` empties the level cache first, to
//! time a first open of a file without overviews; `--cache DIR` uses another cache folder.

use anyhow::Context;
use clap::Parser;
use sitediff::io::pyramid::{TILE_SIZE, level_count, level_size};
use sitediff::io::tile_reader::{TileReader, TileReaderOptions, open_tile_reader_with};
use std::path::PathBuf;
use std::time::Instant;

/// Time opening a large TIFF and reading its first view tile by tile.
#[derive(Parser)]
#[command(about)]
struct Args {
    /// The TIFF to read.
    file: PathBuf,
    /// Level cache folder (default: the user's cache).
    #[arg(long)]
    cache: Option<PathBuf>,
    /// Empty the cache folder first (needs --cache, so the user's cache is never emptied).
    #[arg(long, requires = "cache")]
    fresh: bool,
    /// Screen size of the first view, in pixels.
    #[arg(long, default_value_t = 1920)]
    screen_width: u32,
    #[arg(long, default_value_t = 1080)]
    screen_height: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.fresh
        && let Some(cache) = &args.cache
    {
        let _ = std::fs::remove_dir_all(cache);
    }
    let options = TileReaderOptions {
        min_decoded_bytes: 0,
        cache_dir: args.cache.clone(),
        ..TileReaderOptions::default()
    };
    let started = Instant::now();
    let reader = open_tile_reader_with(&args.file, &options)?
        .with_context(|| format!("{} is not a TIFF read by tiles", args.file.display()))?;
    let opened = started.elapsed().as_secs_f64();
    let (w, h) = reader.size();
    let coarsest = level_count(w, h, TILE_SIZE) - 1;

    let t = Instant::now();
    let coarse_tiles = read_all(reader.as_ref(), coarsest)?;
    let coarse = t.elapsed().as_secs_f64();

    // The level a fit-to-screen view draws from: the finest whose size fits the screen, one
    // finer (the window draws from the level with at least a pixel per screen pixel).
    let fit = (0..=coarsest)
        .find(|&k| {
            let (lw, lh) = level_size(w, h, k);
            lw <= args.screen_width && lh <= args.screen_height
        })
        .unwrap_or(coarsest);
    let view_level = fit.saturating_sub(1);
    let t = Instant::now();
    let view_tiles = read_centre(
        reader.as_ref(),
        view_level,
        args.screen_width,
        args.screen_height,
    )?;
    let view = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (l0w, l0h) = level_size(w, h, 0);
    reader
        .read_tile(0, l0w / TILE_SIZE / 2, l0h / TILE_SIZE / 2)
        .map_err(anyhow::Error::msg)?;
    let one_full = t.elapsed().as_secs_f64();

    println!(
        "{}: {w} x {h} px, {} levels",
        args.file.display(),
        coarsest + 1
    );
    println!("  open (header, IFDs, levels built now): {opened:8.3} s");
    println!("  coarsest level {coarsest} ({coarse_tiles} tile(s)):   {coarse:8.3} s");
    println!("  first view, level {view_level} ({view_tiles} tiles at the centre): {view:8.3} s");
    println!(
        "  first view total (open + coarsest + view): {:8.3} s",
        opened + coarse + view
    );
    println!("  baseline: one level-0 tile:             {one_full:8.3} s");
    if let Some(p) = reader.build_progress() {
        println!("  background build running: {:.0} %", p * 100.0);
    }
    println!("  peak memory (VmHWM): {}", peak_memory());
    Ok(())
}

fn read_all(reader: &dyn TileReader, level: usize) -> anyhow::Result<u32> {
    let (w, h) = reader.size();
    let (lw, lh) = level_size(w, h, level);
    let mut n = 0;
    for ty in 0..lh.div_ceil(TILE_SIZE) {
        for tx in 0..lw.div_ceil(TILE_SIZE) {
            reader
                .read_tile(level, tx, ty)
                .map_err(anyhow::Error::msg)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Reads the tiles a screen-sized view at the centre of `level` covers, on two threads as the
/// window's tile cache would.
fn read_centre(reader: &dyn TileReader, level: usize, sw: u32, sh: u32) -> anyhow::Result<u32> {
    let (w, h) = reader.size();
    let (lw, lh) = level_size(w, h, level);
    let (x0, y0) = (lw.saturating_sub(sw) / 2, lh.saturating_sub(sh) / 2);
    let (x1, y1) = ((x0 + sw).min(lw) - 1, (y0 + sh).min(lh) - 1);
    let tiles: Vec<(u32, u32)> = (y0 / TILE_SIZE..=y1 / TILE_SIZE)
        .flat_map(|ty| (x0 / TILE_SIZE..=x1 / TILE_SIZE).map(move |tx| (tx, ty)))
        .collect();
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let halves = tiles.chunks(tiles.len().div_ceil(2).max(1));
        let handles: Vec<_> = halves
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|&(tx, ty)| reader.read_tile(level, tx, ty).map(|_| ()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("a reader thread panicked".into())])
            })
            .collect()
    });
    for r in results {
        r.map_err(anyhow::Error::msg)?;
    }
    Ok(tiles.len() as u32)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
