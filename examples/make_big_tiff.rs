//! Writes a large synthetic tiled TIFF, shaped like an analyst's orthophoto, for measuring the
//! tile-by-tile reader: 512 px tiles (or strips), deflate, optional internal overviews as in a
//! Cloud Optimized GeoTIFF, BigTIFF past 4 GiB.
//!
//! `cargo run --release --no-default-features --example make_big_tiff -- --size 100000 \
//!   --out bench-data/big100k.tif --overviews`
//!
//! The content is drawn by this file, the same every run: a ground texture, a road grid and
//! buildings, different in every tile. Drawing and compression use all cores.

use anyhow::Context;
use clap::Parser;
use sitediff::io::tiff_write::{ChunkLayout, TiffCompression, TiffSpec, write_tiff};
use std::path::PathBuf;
use std::time::Instant;

/// Generate a large synthetic tiled (or striped) TIFF.
#[derive(Parser)]
#[command(about)]
struct Args {
    /// Width and height in pixels.
    #[arg(long, default_value_t = 100_000)]
    size: u32,
    /// Height in pixels, when it differs from the width.
    #[arg(long)]
    height: Option<u32>,
    /// Output file.
    #[arg(long, default_value = "bench-data/big100k.tif")]
    out: PathBuf,
    /// Add internal overviews (reduced-resolution IFDs).
    #[arg(long)]
    overviews: bool,
    /// Bits per sample: 8, or 16 (12-bit data in 16-bit samples).
    #[arg(long, default_value_t = 8)]
    bits: u16,
    /// Bands: 1 (gray), 3 (RGB) or 4 (RGBA).
    #[arg(long, default_value_t = 3)]
    bands: u16,
    /// Strips of 16 rows instead of 512 px tiles.
    #[arg(long)]
    striped: bool,
    /// Deflate level (0 stores the chunks uncompressed).
    #[arg(long, default_value_t = 1)]
    deflate: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let height = args.height.unwrap_or(args.size);
    let mut spec = TiffSpec {
        width: args.size,
        height,
        bands: args.bands,
        bits: args.bits,
        layout: if args.striped {
            ChunkLayout::Strips(16)
        } else {
            ChunkLayout::Tiles(512)
        },
        compression: match args.deflate {
            0 => TiffCompression::None,
            level => TiffCompression::Deflate(level),
        },
        overviews: args.overviews,
        first_overview: 1,
        bigtiff: false,
    };
    // Compressed size is unknown in advance: BigTIFF whenever the pixels could pass 4 GiB.
    spec.bigtiff = spec.uncompressed_bytes() * 4 / 3 > u64::from(u32::MAX);
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let started = Instant::now();
    let bands = usize::from(spec.bands);
    let wide = spec.bits == 16;
    let width = spec.width;
    let mut last_report = Instant::now();
    let size = write_tiff(&args.out, &spec, |y0, rows, buffer| {
        fill_rows(buffer, width, y0, rows, bands, wide);
        if last_report.elapsed().as_secs() >= 10 {
            last_report = Instant::now();
            eprintln!(
                "{:5.1}% after {:.0} s",
                100.0 * f64::from(y0 + rows) / f64::from(height),
                started.elapsed().as_secs_f64()
            );
        }
    })
    .with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "{}: {} x {} px, {} band(s) of {} bits, {}{}{}, {:.2} GiB on disk ({:.1} GiB of pixels) in {:.1} s",
        args.out.display(),
        spec.width,
        spec.height,
        spec.bands,
        spec.bits,
        if args.striped { "striped" } else { "tiled 512" },
        if args.overviews {
            ", with overviews"
        } else {
            ""
        },
        if spec.bigtiff { ", BigTIFF" } else { "" },
        size as f64 / f64::from(1u32 << 30),
        spec.uncompressed_bytes() as f64 / f64::from(1u32 << 30),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Fills `rows` rows from `y0`, split over all cores.
fn fill_rows(buffer: &mut [u8], width: u32, y0: u32, rows: u32, bands: usize, wide: bool) {
    let row_bytes = width as usize * bands * if wide { 2 } else { 1 };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let rows_each = (rows as usize).div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (i, part) in buffer.chunks_mut(rows_each * row_bytes).enumerate() {
            scope.spawn(move || {
                for (r, row) in part.chunks_exact_mut(row_bytes).enumerate() {
                    draw_row(row, width, y0 + (i * rows_each + r) as u32, bands, wide);
                }
            });
        }
    });
}

/// A 32-bit hash of two coordinates and a salt (a multiply-xorshift mix).
fn hash(x: u32, y: u32, salt: u32) -> u32 {
    let mut h =
        x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ salt.wrapping_mul(0xC2B2_AE3D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297A_2D39);
    h ^ (h >> 15)
}

/// Roads every `BLOCK` px, `ROAD` px wide; lots of `LOT` px hold buildings.
const BLOCK: u32 = 2048;
const ROAD: u32 = 28;
const LOT: u32 = 256;

/// One row of the synthetic scene.
fn draw_row(row: &mut [u8], width: u32, y: u32, bands: usize, wide: bool) {
    let on_road_row = y % BLOCK < ROAD;
    for x in 0..width {
        let district = hash(x / BLOCK, y / BLOCK, 1);
        let fine = hash(x, y, 7);
        if on_road_row || x % BLOCK < ROAD {
            // Asphalt with a dashed centre line.
            let along = if on_road_row { x } else { y };
            let across = if on_road_row { y % BLOCK } else { x % BLOCK };
            let v = 88 + (fine & 7) as u8;
            let rgb = if (13..15).contains(&across) && (along / 40) % 2 == 0 {
                [210, 190, 60]
            } else {
                [v, v, v + 4]
            };
            write_pixel(row, x as usize, rgb, bands, wide, fine);
        } else {
            let (lx, ly) = (x / LOT, y / LOT);
            let lot = hash(lx, ly, 3);
            let (ix, iy) = (x % LOT, y % LOT);
            let m = [
                12 + (lot & 31),
                12 + ((lot >> 5) & 31),
                12 + ((lot >> 10) & 31),
                12 + ((lot >> 15) & 31),
            ];
            let building = !lot.is_multiple_of(3)
                && ix >= m[0]
                && ix < LOT - m[1]
                && iy >= m[2]
                && iy < LOT - m[3];
            let shadow = !lot.is_multiple_of(3)
                && !building
                && ix >= m[0] + 6
                && ix < LOT - m[1] + 6
                && iy >= m[2] + 6
                && iy < LOT - m[3] + 6;
            if building {
                let roof = match (lot >> 20) % 4 {
                    0 => [168, 72, 56],
                    1 => [150, 150, 155],
                    2 => [225, 222, 215],
                    _ => [90, 98, 110],
                };
                let n = (fine & 3) as u8;
                let rgb = [roof[0] + n, roof[1] + n, roof[2] + n];
                write_pixel(row, x as usize, rgb, bands, wide, fine);
            } else {
                let base = match district % 3 {
                    0 => [86, 118, 62],
                    1 => [128, 112, 78],
                    _ => [150, 140, 104],
                };
                let cell = (hash(x / 32, y / 32, district) & 15) as u8;
                let n = (fine & 7) as u8 + cell;
                let mut rgb = [base[0] + n, base[1] + n, base[2] + n];
                if shadow {
                    rgb = rgb.map(|c| c / 2);
                }
                write_pixel(row, x as usize, rgb, bands, wide, fine);
            }
        }
    }
}

/// Stores one pixel as 1, 3 or 4 bands of 8 or 16 bits (16-bit holds 12-bit data).
fn write_pixel(row: &mut [u8], x: usize, rgb: [u8; 3], bands: usize, wide: bool, fine: u32) {
    let gray =
        ((77 * u32::from(rgb[0]) + 150 * u32::from(rgb[1]) + 29 * u32::from(rgb[2])) >> 8) as u8;
    let mut samples = [0u16; 4];
    let values: &[u8] = match bands {
        1 => &[gray],
        2 => &[gray, 255],
        3 => &rgb,
        _ => &[rgb[0], rgb[1], rgb[2], 255],
    };
    for (s, v) in samples.iter_mut().zip(values) {
        *s = if wide {
            u16::from(*v) * 16 + ((fine >> 8) & 15) as u16
        } else {
            u16::from(*v)
        };
    }
    for (b, sample) in samples.iter().enumerate().take(bands) {
        if wide {
            let at = (x * bands + b) * 2;
            row[at..at + 2].copy_from_slice(&sample.to_le_bytes());
        } else {
            row[x * bands + b] = *sample as u8;
        }
    }
}
