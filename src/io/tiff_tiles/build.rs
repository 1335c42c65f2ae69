//! Which pyramid levels a tiled TIFF lacks, and building them into the on-disk cache.

use super::level_cache::{
    LevelFile, LevelWriter, default_cache_dir, enforce_bound, level_path, source_key,
};
use super::{LevelSource, MAX_DERIVE_STEPS, TiffTileReader, TileReaderOptions, fit_to};
use crate::io::pyramid::{TILE_SIZE, downsample_2x_on, level_size};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};

/// A level to build: `level` from the finer level `from`, read whole once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Planned {
    level: usize,
    from: usize,
}

/// Finds every level's source, builds (now, on all cores) the levels the coarsest one needs,
/// and starts a background thread for the other missing ones.
pub(super) fn plan_and_build(
    reader: TiffTileReader,
    options: &TileReaderOptions,
) -> Result<Arc<TiffTileReader>, String> {
    let dir = options.cache_dir.clone().unwrap_or_else(default_cache_dir);
    let display_tag = format!("{:?}", reader.display.stretch);
    let key =
        source_key(&reader.path, &display_tag).map_err(|e| format!("cannot read the file: {e}"))?;
    let (width, height) = (reader.width, reader.height);
    let plan = {
        let mut levels = reader.levels.write().unwrap_or_else(|e| e.into_inner());
        let mut plan = Vec::new();
        let mut last_real = 0;
        for k in 1..levels.len() {
            if matches!(levels[k], LevelSource::Ifd(_)) {
                last_real = k;
                continue;
            }
            let (lw, lh) = level_size(width, height, k);
            let cached = LevelFile::open(&level_path(&dir, &key, k), lw, lh, TILE_SIZE)
                .ok()
                .flatten();
            if let Some(file) = cached {
                levels[k] = LevelSource::Cached(Arc::new(file));
                last_real = k;
            } else if k - last_real <= MAX_DERIVE_STEPS {
                levels[k] = LevelSource::Derived {
                    from: last_real,
                    steps: k - last_real,
                };
            } else {
                plan.push(Planned {
                    level: k,
                    from: last_real,
                });
                last_real = k;
            }
        }
        plan
    };
    // The chain the coarsest level hangs on: those are built before the reader is returned.
    let mut needed = Vec::new();
    {
        let levels = reader.levels.read().unwrap_or_else(|e| e.into_inner());
        let mut k = levels.len() - 1;
        loop {
            let from = match &levels[k] {
                LevelSource::Derived { from, .. } => *from,
                LevelSource::Pending => match plan.iter().find(|p| p.level == k) {
                    Some(p) => {
                        needed.push(*p);
                        p.from
                    }
                    None => break,
                },
                _ => break,
            };
            if from == k {
                break;
            }
            k = from;
        }
    }
    needed.reverse();
    if !needed.is_empty() {
        // Seconds to minutes of work on every core: below the window, as decodes are (the
        // threads started below inherit it).
        crate::io::loader::lower_this_threads_priority();
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 16);
    // Progress over the whole chain, counted in output tiles (each level's source is read once).
    let total: u64 = needed
        .iter()
        .map(|p| tile_count(width, height, p.level))
        .sum();
    let done = Mutex::new(0u64);
    let tick = |tiles: u64| {
        let mut d = done.lock().unwrap_or_else(|e| e.into_inner());
        *d += tiles;
        let share = (*d as f64 / total.max(1) as f64).min(1.0) as f32;
        options
            .first_view_progress
            .as_ref()
            .is_none_or(|progress| (progress.0)(share))
    };
    if !needed.is_empty() && !tick(0) {
        return Err("stopped".to_string());
    }
    let mut written = Vec::new();
    for step in &needed {
        let file = build_level(&reader, *step, &dir, &key, threads, &tick)
            .map_err(|e| format!("building level {} for the first view: {e}", step.level))?;
        written.push(level_path(&dir, &key, step.level));
        reader.levels.write().unwrap_or_else(|e| e.into_inner())[step.level] =
            LevelSource::Cached(Arc::new(file));
    }
    if !written.is_empty() {
        enforce_bound(&dir, options.cache_limit_bytes, &written);
    }
    let background: Vec<Planned> = plan.into_iter().filter(|p| !needed.contains(p)).collect();
    let reader = Arc::new(reader);
    if !background.is_empty() {
        start_background(&reader, background, dir, key, options.cache_limit_bytes);
    }
    Ok(reader)
}

/// Builds `planned` levels one after another on a low-priority thread, reporting progress;
/// stops when the reader is dropped.
fn start_background(
    reader: &Arc<TiffTileReader>,
    planned: Vec<Planned>,
    dir: PathBuf,
    key: String,
    cache_limit: u64,
) {
    let total: u64 = planned
        .iter()
        .map(|p| tile_count(reader.width, reader.height, p.level))
        .sum();
    let progress = reader.progress.clone();
    progress.store(0, Ordering::Relaxed);
    let weak: Weak<TiffTileReader> = Arc::downgrade(reader);
    let spawned = std::thread::Builder::new()
        .name("sitediff-tiff-levels".into())
        .spawn(move || {
            crate::io::loader::lower_this_threads_priority();
            let done = Mutex::new(0u64);
            let mut written = Vec::new();
            for step in planned {
                // Hold the reader only while a level is built.
                let Some(reader) = weak.upgrade() else { break };
                let alive = weak.clone();
                let tick = |tiles: u64| {
                    let mut d = done.lock().unwrap_or_else(|e| e.into_inner());
                    *d += tiles;
                    let share = (*d * 1000 / total.max(1)).min(999) as u32;
                    progress.store(share, Ordering::Relaxed);
                    // Only this thread and the caller hold it: 1 means nobody else does.
                    alive.strong_count() > 1
                };
                match build_level(&reader, step, &dir, &key, 1, &tick) {
                    Ok(file) => {
                        written.push(level_path(&dir, &key, step.level));
                        reader.levels.write().unwrap_or_else(|e| e.into_inner())[step.level] =
                            LevelSource::Cached(Arc::new(file));
                    }
                    // The level stays unreadable; the window keeps using the others.
                    Err(_) => break,
                }
            }
            enforce_bound(&dir, cache_limit, &written);
            progress.store(u32::MAX, Ordering::Relaxed);
        });
    if spawned.is_err() {
        reader.progress.store(u32::MAX, Ordering::Relaxed);
    }
}

fn tile_count(width: u32, height: u32, level: usize) -> u64 {
    let (w, h) = level_size(width, height, level);
    u64::from(w.div_ceil(TILE_SIZE)) * u64::from(h.div_ceil(TILE_SIZE))
}

/// Builds one level file in one pass over its source level, on `threads` threads. `tick(n)`
/// hears of every `n` tiles done and returns false to stop.
fn build_level(
    reader: &TiffTileReader,
    step: Planned,
    dir: &Path,
    key: &str,
    threads: usize,
    tick: &(dyn Fn(u64) -> bool + Sync),
) -> Result<LevelFile, String> {
    let source = reader.levels.read().unwrap_or_else(|e| e.into_inner())[step.from].clone();
    let steps = step.level - step.from;
    let scale = 1u32 << steps;
    let (lw, lh) = level_size(reader.width, reader.height, step.level);
    let (across, down) = (lw.div_ceil(TILE_SIZE), lh.div_ceil(TILE_SIZE));
    let path = level_path(dir, key, step.level);
    let cache_error =
        |e: std::io::Error| format!("cannot write the level cache {}: {e}", path.display());
    let mut writer = LevelWriter::create(&path, lw, lh, TILE_SIZE).map_err(cache_error)?;
    let striped = matches!(source, LevelSource::Ifd(i) if !reader.ifds[i].tiled);
    for ty in 0..down {
        let th = TILE_SIZE.min(lh - ty * TILE_SIZE);
        let tiles: Vec<RgbImage> = if striped {
            // Full-width rows, so that each strip is decoded once.
            strip_row_tiles(reader, &source, ty, th, steps, threads, (lw, across))?
        } else {
            parallel_tiles(across, threads, |tx| {
                let tw = TILE_SIZE.min(lw - tx * TILE_SIZE);
                let mut img = reader.real_region(
                    &source,
                    tx * TILE_SIZE * scale,
                    ty * TILE_SIZE * scale,
                    TILE_SIZE * scale,
                    TILE_SIZE * scale,
                )?;
                for _ in 0..steps {
                    img = downsample_2x_on(&img, 1);
                }
                Ok(fit_to(img, tw, th))
            })?
        };
        for tile in &tiles {
            let compressed = LevelWriter::compress(tile).map_err(cache_error)?;
            writer.push(&compressed).map_err(cache_error)?;
        }
        if !tick(u64::from(across)) {
            return Err("stopped".to_string());
        }
    }
    let path = writer.finish().map_err(cache_error)?;
    LevelFile::open(&path, lw, lh, TILE_SIZE)
        .map_err(cache_error)?
        .ok_or_else(|| format!("the level cache {} did not read back", path.display()))
}

/// One row of output tiles from a striped source, a source band of `scale` rows at a time.
fn strip_row_tiles(
    reader: &TiffTileReader,
    source: &LevelSource,
    ty: u32,
    th: u32,
    steps: usize,
    threads: usize,
    (lw, across): (u32, u32),
) -> Result<Vec<RgbImage>, String> {
    let scale = 1u32 << steps;
    let LevelSource::Ifd(ifd) = source else {
        return Err("a striped source must be an image of the file".to_string());
    };
    let source_width = reader.ifds[*ifd].width;
    let mut band = RgbImage::new(lw, th);
    for r in 0..th {
        let y = (ty * TILE_SIZE + r) * scale;
        let mut row = reader.ifd_region(*ifd, 0, y, source_width, scale)?;
        for _ in 0..steps {
            row = downsample_2x_on(&row, threads);
        }
        let row = fit_to(row, lw, 1);
        super::copy_overlap(&row, 0, r, &mut band, 0, 0);
    }
    Ok((0..across)
        .map(|tx| {
            let tw = TILE_SIZE.min(lw - tx * TILE_SIZE);
            image::imageops::crop_imm(&band, tx * TILE_SIZE, 0, tw, th).to_image()
        })
        .collect())
}

/// `make(tx)` for every `tx` in `0..count`, on `threads` threads; results in order.
fn parallel_tiles(
    count: u32,
    threads: usize,
    make: impl Fn(u32) -> Result<RgbImage, String> + Sync,
) -> Result<Vec<RgbImage>, String> {
    crate::io::tiff_write::parallel_map(count, threads, make)
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("a build thread failed".to_string())))
        .collect()
}
