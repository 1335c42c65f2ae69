//! The image pyramid: display pixels and their downsampled levels, egui-free.
//!
//! Large overhead images (up to 30 000 px a side) cannot go to the GPU whole: a texture larger
//! than the renderer's limit panics, and uploading one huge texture freezes a software renderer
//! for many seconds. So the viewer keeps a pyramid of levels (level k is the image downsampled by
//! 2^k), draws each view from the coarsest level that still has enough pixels, and uploads only
//! the visible [`TILE_SIZE`] tiles of that level. The functions here are pure and use both cores
//! where the work is large; the background loader in [`crate::io::loader`] calls them.

use image::{DynamicImage, RgbImage};
use std::sync::{Mutex, OnceLock};

/// Side of one texture tile in pixels: small enough to upload within a frame, large enough to
/// keep the number of textures low.
pub const TILE_SIZE: u32 = 512;

/// Pixels sampled at most when a statistic (a histogram) is estimated from a large image.
const MAX_STATISTIC_SAMPLES: usize = 4 << 20;

/// Below this many bytes of output, starting threads costs more than it saves.
const MIN_PARALLEL_BYTES: usize = 256 << 10;

/// Lower and upper percentile (in percent) of the contrast stretch applied to high-bit-depth data.
const STRETCH_PERCENTILES: (f64, f64) = (0.1, 99.9);

/// What the decoded file held before it became 8-bit RGB, shown to the analyst (a 12-bit
/// panchromatic image looks different from an 8-bit colour one for a reason).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceInfo {
    /// Bits per sample in the decoded image: 8, 16 or 32 (float).
    pub bits_per_sample: u8,
    /// Number of bands, alpha included: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
    pub bands: u8,
    /// Whether the samples were floating point.
    pub float: bool,
    /// The range of source values mapped linearly onto 0..=255, if a stretch was applied.
    pub stretch: Option<StretchRange>,
}

/// A linear contrast stretch: `low` becomes 0 and `high` becomes 255, in source sample units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StretchRange {
    pub low: f64,
    pub high: f64,
}

/// Converts a decoded image to the RGB8 pixels the viewer displays, consuming it so that no more
/// than one extra full-size buffer exists at a time.
///
/// 8-bit RGB is moved through untouched; gray is replicated into three channels; alpha is
/// dropped (RGBA8 is compacted in place). 16-bit and float data are mapped with a linear stretch
/// between the 0.1 % and 99.9 % percentiles of all colour bands together, so that 12-bit data in a
/// 16-bit container becomes visible while the colour balance between bands is kept.
pub fn to_display_rgb8(img: DynamicImage) -> (RgbImage, SourceInfo) {
    let bands = img.color().channel_count();
    let bits = img.color().bits_per_pixel() / u16::from(bands.max(1));
    let mut info = SourceInfo {
        bits_per_sample: u8::try_from(bits).unwrap_or(u8::MAX),
        bands,
        float: false,
        stretch: None,
    };
    let (width, height) = (img.width(), img.height());
    let rgb = match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        DynamicImage::ImageRgba8(rgba) => rgba_to_rgb_in_place(rgba),
        DynamicImage::ImageLuma8(gray) => {
            map_samples(gray.as_raw(), 1, 1, width, height, |v: &u8| *v)
        }
        DynamicImage::ImageLumaA8(gray) => {
            map_samples(gray.as_raw(), 2, 1, width, height, |v: &u8| *v)
        }
        DynamicImage::ImageLuma16(buf) => stretch_u16(buf.as_raw(), 1, 1, width, height, &mut info),
        DynamicImage::ImageLumaA16(buf) => {
            stretch_u16(buf.as_raw(), 2, 1, width, height, &mut info)
        }
        DynamicImage::ImageRgb16(buf) => stretch_u16(buf.as_raw(), 3, 3, width, height, &mut info),
        DynamicImage::ImageRgba16(buf) => stretch_u16(buf.as_raw(), 4, 3, width, height, &mut info),
        DynamicImage::ImageRgb32F(buf) => {
            info.float = true;
            stretch_f32(buf.as_raw(), 3, 3, width, height, &mut info)
        }
        DynamicImage::ImageRgba32F(buf) => {
            info.float = true;
            stretch_f32(buf.as_raw(), 4, 3, width, height, &mut info)
        }
        // Formats added to `image` later: its own conversion is better than nothing.
        other => other.into_rgb8(),
    };
    (rgb, info)
}

/// Drops the alpha channel by moving samples forward inside the same allocation, so a huge RGBA
/// image never needs a second full-size buffer.
fn rgba_to_rgb_in_place(rgba: image::RgbaImage) -> RgbImage {
    let (width, height) = rgba.dimensions();
    let mut raw = rgba.into_raw();
    let pixels = raw.len() / 4;
    // Each write index 3i (+0..3) is below the read index 4i, so nothing is overwritten early.
    for i in 0..pixels {
        raw.copy_within(4 * i..4 * i + 3, 3 * i);
    }
    raw.truncate(3 * pixels);
    raw.shrink_to_fit();
    RgbImage::from_raw(width, height, raw).unwrap_or_else(|| RgbImage::new(width, height))
}

/// Maps 16-bit samples to 8 bits with the percentile stretch, recording it in `info`.
fn stretch_u16(
    raw: &[u16],
    channels: usize,
    colour_bands: usize,
    width: u32,
    height: u32,
    info: &mut SourceInfo,
) -> RgbImage {
    let hist = sampled_histogram(raw, channels, colour_bands, width, |v: &u16| {
        Some(usize::from(*v))
    });
    let (low_bin, high_bin) = percentile_bins(&hist);
    let (low, high) = if high_bin > low_bin {
        (low_bin as f64, high_bin as f64)
    } else {
        // A flat image has no contrast to stretch: show it on the full 16-bit scale.
        (0.0, f64::from(u16::MAX))
    };
    info.stretch = Some(StretchRange { low, high });
    let lut: Vec<u8> = (0..=u16::MAX)
        .map(|v| stretch_value(f64::from(v), low, high))
        .collect();
    map_samples(raw, channels, colour_bands, width, height, |v: &u16| {
        lut[usize::from(*v)]
    })
}

/// Maps float samples to 8 bits with the percentile stretch, recording it in `info`. Samples that
/// are not finite (NaN, infinity) are ignored by the statistics and shown black.
fn stretch_f32(
    raw: &[f32],
    channels: usize,
    colour_bands: usize,
    width: u32,
    height: u32,
    info: &mut SourceInfo,
) -> RgbImage {
    // First pass: the finite range, so the histogram bins cover the data.
    let (mut min, mut max) = (f32::INFINITY, f32::NEG_INFINITY);
    for_sampled_rows(raw.len() / channels.max(1), width, |start, end| {
        for px in raw[start * channels..end * channels].chunks_exact(channels) {
            for v in &px[..colour_bands] {
                if v.is_finite() {
                    min = min.min(*v);
                    max = max.max(*v);
                }
            }
        }
    });
    let (low, high) = if min < max {
        let bins = f64::from(u16::MAX);
        let span = f64::from(max) - f64::from(min);
        let hist = sampled_histogram(raw, channels, colour_bands, width, |v: &f32| {
            v.is_finite()
                .then(|| ((f64::from(*v) - f64::from(min)) / span * bins) as usize)
        });
        let (low_bin, high_bin) = percentile_bins(&hist);
        let to_value = |bin: usize| f64::from(min) + bin as f64 / bins * span;
        (to_value(low_bin), to_value(high_bin.max(low_bin + 1)))
    } else if min.is_finite() {
        // A flat image: show its single value as mid gray rather than black.
        (f64::from(min) - 1.0, f64::from(min) + 1.0)
    } else {
        (0.0, 1.0)
    };
    info.stretch = Some(StretchRange { low, high });
    map_samples(raw, channels, colour_bands, width, height, |v: &f32| {
        if v.is_finite() {
            stretch_value(f64::from(*v), low, high)
        } else {
            0
        }
    })
}

/// The linear stretch of one value, rounded and clamped to 0..=255.
pub(crate) fn stretch_value(v: f64, low: f64, high: f64) -> u8 {
    ((v - low) / (high - low) * 255.0).round().clamp(0.0, 255.0) as u8
}

/// Calls `visit(first_pixel, end_pixel)` for a subset of whole rows holding at most about
/// [`MAX_STATISTIC_SAMPLES`] pixels, evenly spread over the image.
fn for_sampled_rows(pixels: usize, width: u32, mut visit: impl FnMut(usize, usize)) {
    let width = width.max(1) as usize;
    let rows = pixels / width;
    let step = pixels.div_ceil(MAX_STATISTIC_SAMPLES).max(1);
    for row in (0..rows).step_by(step) {
        visit(row * width, (row + 1) * width);
    }
}

/// A 65 536-bin histogram of the colour bands (alpha skipped) over sampled rows; `bin` returns
/// `None` for samples to ignore.
fn sampled_histogram<T>(
    raw: &[T],
    channels: usize,
    colour_bands: usize,
    width: u32,
    bin: impl Fn(&T) -> Option<usize>,
) -> Vec<u64> {
    let mut hist = vec![0u64; 1 << 16];
    for_sampled_rows(raw.len() / channels.max(1), width, |start, end| {
        for px in raw[start * channels..end * channels].chunks_exact(channels) {
            for v in &px[..colour_bands] {
                if let Some(b) = bin(v) {
                    hist[b.min((1 << 16) - 1)] += 1;
                }
            }
        }
    });
    hist
}

/// The bins at the lower and upper stretch percentiles of a histogram.
pub(crate) fn percentile_bins(hist: &[u64]) -> (usize, usize) {
    let total: u64 = hist.iter().sum();
    let bin_at = |percent: f64| {
        let target = ((total as f64 * percent / 100.0).ceil() as u64).clamp(1, total.max(1));
        let mut seen = 0;
        for (i, count) in hist.iter().enumerate() {
            seen += count;
            if seen >= target {
                return i;
            }
        }
        hist.len() - 1
    };
    (bin_at(STRETCH_PERCENTILES.0), bin_at(STRETCH_PERCENTILES.1))
}

/// Builds an RGB8 image from interleaved samples with `channels` per pixel, the first
/// `colour_bands` (1 or 3) of which are colour, through `map` per sample; gray is replicated.
fn map_samples<T: Sync>(
    raw: &[T],
    channels: usize,
    colour_bands: usize,
    width: u32,
    height: u32,
    map: impl Fn(&T) -> u8 + Sync,
) -> RgbImage {
    let row_out = width as usize * 3;
    let row_in = width as usize * channels;
    let mut out = vec![0u8; row_out * height as usize];
    for_row_bands(&mut out, row_out, |first_row, band| {
        for (r, dst_row) in band.chunks_exact_mut(row_out.max(1)).enumerate() {
            let src_row = &raw[(first_row + r) * row_in..(first_row + r + 1) * row_in];
            for (dst, src) in dst_row
                .chunks_exact_mut(3)
                .zip(src_row.chunks_exact(channels))
            {
                if colour_bands == 1 {
                    let g = map(&src[0]);
                    dst.copy_from_slice(&[g, g, g]);
                } else {
                    dst.copy_from_slice(&[map(&src[0]), map(&src[1]), map(&src[2])]);
                }
            }
        }
    });
    RgbImage::from_raw(width, height, out).unwrap_or_else(|| RgbImage::new(width, height))
}

/// The number of threads worth using: the machine's cores, within reason.
fn worker_count() -> usize {
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 16)
    })
}

/// Splits `out` into bands of whole rows (`row_len` bytes each) and calls
/// `fill(first_row, band)` for every band, spread over all cores.
fn for_row_bands(out: &mut [u8], row_len: usize, fill: impl Fn(usize, &mut [u8]) + Sync) {
    for_row_bands_on(out, row_len, worker_count(), fill);
}

/// [`for_row_bands`] on at most `max_threads` threads (this one included).
///
/// Bands sit in a shared queue that this thread and the helpers drain together, so every band is
/// filled even if the OS refuses to start a helper thread.
fn for_row_bands_on(
    out: &mut [u8],
    row_len: usize,
    max_threads: usize,
    fill: impl Fn(usize, &mut [u8]) + Sync,
) {
    if row_len == 0 || out.is_empty() {
        return;
    }
    let rows = out.len() / row_len;
    let workers = max_threads.clamp(1, worker_count());
    if workers == 1 || out.len() < MIN_PARALLEL_BYTES {
        fill(0, out);
        return;
    }
    // A few bands per worker so that uneven bands still keep every core busy.
    let rows_per_band = rows.div_ceil(workers * 4).max(1);
    let queue = Mutex::new(out.chunks_mut(rows_per_band * row_len).enumerate());
    let drain = || {
        loop {
            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
            match next {
                Some((i, band)) => fill(i * rows_per_band, band),
                None => break,
            }
        }
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("sitediff-pyramid".into())
                    .spawn_scoped(scope, drain)
                    .ok()
            })
            .collect();
        drain();
        for helper in helpers {
            // A panic in a helper is a bug in this file: pass it on, as `scope` would.
            if let Err(payload) = helper.join() {
                std::panic::resume_unwind(payload);
            }
        }
    });
}

/// Halves an image with a 2x2 box filter (rounded mean). Odd widths and heights round up: the
/// last column or row averages the pixels that exist. Runs on all cores.
pub fn downsample_2x(src: &RgbImage) -> RgbImage {
    downsample_2x_on(src, worker_count())
}

/// [`downsample_2x`] on at most `max_threads` threads, to leave cores to other work (the
/// loader builds levels on one thread while another image is still decoding).
pub fn downsample_2x_on(src: &RgbImage, max_threads: usize) -> RgbImage {
    let (sw, sh) = src.dimensions();
    let (dw, dh) = (sw.div_ceil(2), sh.div_ceil(2));
    let src_row = sw as usize * 3;
    let dst_row = dw as usize * 3;
    let raw = src.as_raw();
    let mut out = vec![0u8; dst_row * dh as usize];
    for_row_bands_on(&mut out, dst_row, max_threads, |first_row, band| {
        let mut sums = Vec::with_capacity(src_row);
        for (r, dst) in band.chunks_exact_mut(dst_row.max(1)).enumerate() {
            let y = 2 * (first_row + r);
            let top = &raw[y * src_row..(y + 1) * src_row];
            if y + 1 < sh as usize {
                let bottom = &raw[(y + 1) * src_row..(y + 2) * src_row];
                downsample_row_pair(top, bottom, dst, &mut sums);
            } else {
                downsample_single_row(top, dst);
            }
        }
    });
    RgbImage::from_raw(dw, dh, out).unwrap_or_else(|| RgbImage::new(dw, dh))
}

/// One destination row from two source rows. Sums the rows first (a loop the compiler
/// vectorises), then pairs columns; `sums` is scratch space reused between rows.
fn downsample_row_pair(top: &[u8], bottom: &[u8], dst: &mut [u8], sums: &mut Vec<u16>) {
    sums.clear();
    sums.extend(
        top.iter()
            .zip(bottom)
            .map(|(t, b)| u16::from(*t) + u16::from(*b)),
    );
    let (pairs, odd) = sums.as_chunks::<6>();
    let (out, odd_out) = dst.as_chunks_mut::<3>();
    for (s, d) in pairs.iter().zip(out.iter_mut()) {
        *d = [
            ((s[0] + s[3] + 2) >> 2) as u8,
            ((s[1] + s[4] + 2) >> 2) as u8,
            ((s[2] + s[5] + 2) >> 2) as u8,
        ];
    }
    debug_assert!(odd_out.is_empty());
    if let ([s0, s1, s2], Some(d)) = (odd, out.get_mut(pairs.len())) {
        // The odd last column: two pixels, one above the other.
        *d = [
            ((s0 + 1) >> 1) as u8,
            ((s1 + 1) >> 1) as u8,
            ((s2 + 1) >> 1) as u8,
        ];
    }
}

/// The odd last destination row, from the single last source row.
fn downsample_single_row(top: &[u8], dst: &mut [u8]) {
    let (pairs, odd) = top.as_chunks::<6>();
    let (out, _) = dst.as_chunks_mut::<3>();
    for (t, d) in pairs.iter().zip(out.iter_mut()) {
        *d = [
            ((u16::from(t[0]) + u16::from(t[3]) + 1) >> 1) as u8,
            ((u16::from(t[1]) + u16::from(t[4]) + 1) >> 1) as u8,
            ((u16::from(t[2]) + u16::from(t[5]) + 1) >> 1) as u8,
        ];
    }
    if let ([r, g, b], Some(d)) = (odd, out.get_mut(pairs.len())) {
        *d = [*r, *g, *b];
    }
}

/// The size of pyramid level `k` of a `width` x `height` image: each halving rounds up.
pub fn level_size(width: u32, height: u32, k: usize) -> (u32, u32) {
    let scale = 1u64 << k.min(32);
    (
        (u64::from(width).div_ceil(scale)) as u32,
        (u64::from(height).div_ceil(scale)) as u32,
    )
}

/// How many pyramid levels an image needs: level 0 (full size) down to the first level that fits
/// in a single `tile` x `tile` tile.
pub fn level_count(width: u32, height: u32, tile: u32) -> usize {
    let tile = tile.max(1);
    let (mut w, mut h) = (width, height);
    let mut count = 1;
    while w > tile || h > tile {
        w = w.div_ceil(2);
        h = h.div_ceil(2);
        count += 1;
    }
    count
}

/// A fast, approximate stand-in for a coarse pyramid level, so the window can draw a
/// fit-to-window view right after decoding, long before the exact levels are built.
///
/// Returns the image and its scale factor: the smallest power of two for which the longest side
/// fits in `max_side`, so it has exactly the size of pyramid level `log2(scale)` and can be
/// swapped for that level later. Each output pixel averages a grid of at most 4x4 samples spread
/// over its block instead of every pixel, which is what makes it fast.
pub fn quick_overview(src: &RgbImage, max_side: u32) -> (RgbImage, u32) {
    let (sw, sh) = src.dimensions();
    let max_side = max_side.max(1);
    let mut scale = 1u32;
    while sw.div_ceil(scale) > max_side || sh.div_ceil(scale) > max_side {
        scale *= 2;
    }
    if scale == 1 {
        return (src.clone(), 1);
    }
    let (dw, dh) = (sw.div_ceil(scale), sh.div_ceil(scale));
    let s = scale as usize;
    // Sample positions along one axis for each output index: up to 4, centred in their strata.
    let sample_positions = |out_len: u32, in_len: u32| -> Vec<([usize; 4], usize)> {
        (0..out_len as usize)
            .map(|o| {
                let start = o * s;
                let len = (start + s).min(in_len as usize) - start;
                let n = len.min(4);
                let mut at = [start; 4];
                for (i, a) in at.iter_mut().enumerate().take(n) {
                    *a = start + (2 * i + 1) * len / (2 * n);
                }
                (at, n)
            })
            .collect()
    };
    let xs = sample_positions(dw, sw);
    let ys = sample_positions(dh, sh);
    let raw = src.as_raw();
    let src_row = sw as usize * 3;
    let dst_row = dw as usize * 3;
    let mut out = vec![0u8; dst_row * dh as usize];
    for_row_bands(&mut out, dst_row, |first_row, band| {
        for (r, dst) in band.chunks_exact_mut(dst_row).enumerate() {
            let (y_at, ny) = ys[first_row + r];
            for ((x_at, nx), d) in xs.iter().zip(dst.chunks_exact_mut(3)) {
                let mut sum = [0u32; 3];
                for &y in &y_at[..ny] {
                    let row = &raw[y * src_row..(y + 1) * src_row];
                    for &x in &x_at[..*nx] {
                        let p = &row[x * 3..x * 3 + 3];
                        sum[0] += u32::from(p[0]);
                        sum[1] += u32::from(p[1]);
                        sum[2] += u32::from(p[2]);
                    }
                }
                let n = (ny * nx) as u32;
                for c in 0..3 {
                    d[c] = ((sum[c] + n / 2) / n) as u8;
                }
            }
        }
    });
    (
        RgbImage::from_raw(dw, dh, out).unwrap_or_else(|| RgbImage::new(dw, dh)),
        scale,
    )
}

/// The luminance (Rec. 601 weights) histogram of an image, for the display stretch and the
/// histogram widget. Large images are subsampled on a regular grid of about a million pixels.
pub fn luminance_histogram(img: &RgbImage) -> [u64; 256] {
    let mut hist = [0u64; 256];
    let (w, h) = img.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    let step = ((pixels as f64 / (1u64 << 20) as f64).sqrt().ceil() as usize).max(1);
    let raw = img.as_raw();
    let row = w as usize * 3;
    for y in (0..h as usize).step_by(step) {
        for p in raw[y * row..(y + 1) * row].chunks_exact(3).step_by(step) {
            let luma =
                (77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8;
            hist[luma.min(255) as usize] += 1;
        }
    }
    hist
}

/// The value below which `percent` % (0..=100) of the histogram's samples fall, e.g.
/// `percentile(&hist, 0.5)` and `percentile(&hist, 99.5)` for an auto-stretch. 0 for an empty
/// histogram.
pub fn percentile(hist: &[u64; 256], percent: f64) -> u8 {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 0;
    }
    let target = ((total as f64 * percent.clamp(0.0, 100.0) / 100.0).ceil() as u64).clamp(1, total);
    let mut seen = 0;
    for (value, count) in hist.iter().enumerate() {
        seen += count;
        if seen >= target {
            return value as u8;
        }
    }
    255
}

#[cfg(test)]
#[path = "pyramid_tests.rs"]
mod tests;
