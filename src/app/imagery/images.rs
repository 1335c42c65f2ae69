//! The images of the open project as the window sees them: background loads, their tile
//! textures, thumbnails and display adjustments, keyed by file path.

use super::adjust::{Adjustments, Lut};
use super::tiles::TileTextures;
use crate::io::loader::{ImageLoad, LoadStage, LoadState};
use crate::io::preview::ThumbnailLoad;
use crate::io::pyramid::percentile;
use egui::{ColorImage, TextureHandle, TextureOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One image file: its load, its textures and the lookup table they were made with.
pub struct ImageSlot {
    pub load: ImageLoad,
    pub textures: TileTextures,
    pub thumbnail: Option<TextureHandle>,
    /// 2 % and 98 % luminance percentiles, for the automatic stretch.
    pub stretch: Option<(u8, u8)>,
    lut: Lut,
    lut_for: Option<(Adjustments, Option<(u8, u8)>)>,
    last_wanted: u64,
}

impl ImageSlot {
    /// A slot for `load`, its textures named `name`, wanted in frame `frame`.
    fn new(load: ImageLoad, name: String, frame: u64) -> Self {
        ImageSlot {
            load,
            textures: TileTextures::new(name),
            thumbnail: None,
            stretch: None,
            lut: Adjustments::default().lut(None),
            lut_for: None,
            last_wanted: frame,
        }
    }

    pub fn lut(&self) -> &Lut {
        &self.lut
    }

    /// Loading, with a stage and maybe a fraction; `None` when done or failed.
    pub fn progress(&self) -> Option<(LoadStage, Option<f32>)> {
        match self.load.state() {
            LoadState::Loading { stage, fraction } => Some((*stage, *fraction)),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&str> {
        match self.load.state() {
            LoadState::Failed(msg) => Some(msg),
            _ => None,
        }
    }

    /// Decoded pixels approximate or exact at some level, enough to draw.
    pub fn has_pixels(&self) -> bool {
        self.load.levels().iter().any(|l| l.is_some())
    }

    /// Bytes of decoded pixels held, to keep memory bounded: whole levels and tiles read on
    /// demand.
    pub fn bytes(&self) -> u64 {
        let levels: u64 = self
            .load
            .levels()
            .iter()
            .flatten()
            .map(|l| l.as_raw().len() as u64)
            .sum();
        levels + self.load.tiled().map_or(0, |t| t.bytes())
    }
}

/// Images that are wanted stay; others are dropped, least recently wanted first, once decoded
/// pixels exceed this many bytes (thumbnails are kept).
const KEEP_DECODED_BYTES: u64 = 6 << 30;

/// The long side of a timeline thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 128;

/// Every image the window has asked for.
pub struct ImageStore {
    slots: HashMap<PathBuf, ImageSlot>,
    thumbnails: HashMap<PathBuf, TextureHandle>,
    /// The one thumbnail being made for an image that is not loaded (a reduced decode).
    thumbnail_job: Option<ThumbnailLoad>,
    /// Why a thumbnail could not be made, by file, so that it is not tried every frame.
    thumbnail_errors: HashMap<PathBuf, String>,
    frame: u64,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl ImageStore {
    /// `wake` is called from loader threads when there is news (it should request a repaint).
    pub fn new(wake: Arc<dyn Fn() + Send + Sync>) -> Self {
        Self {
            slots: HashMap::new(),
            thumbnails: HashMap::new(),
            thumbnail_job: None,
            thumbnail_errors: HashMap::new(),
            frame: 0,
            wake,
        }
    }

    /// Takes loads started before the window existed (see `app::early_loads`) as the slots of
    /// their files, unless those are loading already.
    pub fn adopt(&mut self, loads: Vec<(PathBuf, ImageLoad)>) {
        for (path, load) in loads {
            let frame = self.frame;
            let name = path.display().to_string();
            self.slots
                .entry(path)
                .or_insert_with(|| ImageSlot::new(load, name, frame));
        }
    }

    /// The slot for a file, starting its load if needed. Call every frame for every image the
    /// window shows; images not asked for may be dropped to save memory.
    pub fn want(&mut self, path: &Path) -> &mut ImageSlot {
        let frame = self.frame;
        let wake = self.wake.clone();
        let slot = self.slots.entry(path.to_path_buf()).or_insert_with(|| {
            let load = ImageLoad::start(path.to_path_buf(), wake);
            ImageSlot::new(load, path.display().to_string(), frame)
        });
        slot.last_wanted = frame;
        slot
    }

    /// Starts making an image's thumbnail, one at a time and only when no image is loading,
    /// so that it never takes a core from the images being compared. Only a reduced decode is
    /// done where the format allows (a JPEG at 1/8, a TIFF's overview) and no full-size pixels
    /// are kept; an image already loaded gets its thumbnail from its own levels instead.
    pub fn prefetch_thumbnail(&mut self, path: &Path) {
        if self.thumbnails.contains_key(path)
            || self.slots.contains_key(path)
            || self.thumbnail_errors.contains_key(path)
            || self.thumbnail_job.is_some()
        {
            return;
        }
        let busy = self
            .slots
            .values()
            .any(|s| matches!(s.load.state(), LoadState::Loading { .. }));
        if !busy {
            self.thumbnail_job = Some(ThumbnailLoad::start(
                path.to_path_buf(),
                THUMBNAIL_SIDE,
                self.wake.clone(),
            ));
        }
    }

    /// Why the thumbnail of `path` could not be made, when the image itself is not loaded.
    pub fn thumbnail_error(&self, path: &Path) -> Option<&str> {
        self.thumbnail_errors.get(path).map(String::as_str)
    }

    pub fn get(&self, path: &Path) -> Option<&ImageSlot> {
        self.slots.get(path)
    }

    pub fn thumbnail(&self, path: &Path) -> Option<&TextureHandle> {
        self.thumbnails.get(path)
    }

    /// Forgets every image, so that the next frame reads the files again (a project was
    /// opened: its files may have changed or been fixed since they were last read).
    pub fn clear(&mut self) {
        self.slots.clear();
        self.thumbnails.clear();
        self.thumbnail_job = None;
        self.thumbnail_errors.clear();
    }

    /// Forgets a file (after a relink or to retry a failed load).
    pub fn forget(&mut self, path: &Path) {
        self.slots.remove(path);
        self.thumbnail_errors.remove(path);
    }

    /// Makes sure the slot's textures match `adjust`; clears them when the table changes.
    pub fn apply_adjustments(&mut self, path: &Path, adjust: Adjustments) {
        if let Some(slot) = self.slots.get_mut(path) {
            let wanted = (adjust, slot.stretch);
            if slot.lut_for != Some(wanted) {
                slot.lut = adjust.lut(slot.stretch);
                slot.lut_for = Some(wanted);
                slot.textures.clear();
            }
        }
    }

    /// Once per frame, before drawing: takes news from the loaders, makes thumbnails, computes
    /// stretch percentiles. Returns true while any load is still running.
    pub fn poll(&mut self, ctx: &egui::Context) -> bool {
        if let Some(job) = &mut self.thumbnail_job
            && let Some(made) = job.poll()
        {
            let path = job.path().to_path_buf();
            match made {
                Ok(image) => {
                    let thumb = make_thumbnail(ctx, &path, &image);
                    self.thumbnails.insert(path, thumb);
                }
                Err(message) => {
                    self.thumbnail_errors.insert(path, message);
                }
            }
            self.thumbnail_job = None;
        }
        let mut busy = false;
        for (path, slot) in &mut self.slots {
            slot.load.poll();
            if matches!(slot.load.state(), LoadState::Loading { .. }) {
                busy = true;
            }
            let coarsest = slot.load.levels().iter().rev().flatten().next().cloned();
            if let Some(level) = coarsest {
                // The loader computes the histogram off this thread, with level 0.
                if slot.stretch.is_none()
                    && let Some(hist) = slot.load.luminance_histogram()
                {
                    slot.stretch = Some((percentile(hist, 2.0), percentile(hist, 98.0)));
                }
                if slot.thumbnail.is_none() && matches!(slot.load.state(), LoadState::Ready) {
                    let thumb = make_thumbnail(ctx, path, &level);
                    self.thumbnails.insert(path.clone(), thumb.clone());
                    slot.thumbnail = Some(thumb);
                }
            }
        }
        busy
    }

    /// Once per frame, after drawing: trims textures and drops unwanted decoded images beyond
    /// the memory budget.
    pub fn end_frame(&mut self) {
        for slot in self.slots.values_mut() {
            if slot.last_wanted + 1 < self.frame {
                slot.textures.clear();
            }
            slot.textures.end_frame();
            // Tiles read on demand: what this frame asked for replaces what was waiting.
            if let Some(tiles) = slot.load.tiled() {
                tiles.end_frame();
            }
        }
        let mut total: u64 = self.slots.values().map(|s| s.bytes()).sum();
        if total > KEEP_DECODED_BYTES {
            let mut idle: Vec<(u64, PathBuf)> = self
                .slots
                .iter()
                .filter(|(_, s)| s.last_wanted + 1 < self.frame)
                .map(|(p, s)| (s.last_wanted, p.clone()))
                .collect();
            idle.sort();
            for (_, path) in idle {
                if total <= KEEP_DECODED_BYTES {
                    break;
                }
                if let Some(slot) = self.slots.remove(&path) {
                    total = total.saturating_sub(slot.bytes());
                }
            }
        }
        self.frame += 1;
    }

    /// Loads still running, with their file names, for the status bar.
    pub fn loading(&self) -> Vec<(String, LoadStage, Option<f32>)> {
        let mut v: Vec<_> = self
            .slots
            .iter()
            .filter_map(|(p, s)| {
                let (stage, fraction) = s.progress()?;
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Some((name, stage, fraction))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

fn make_thumbnail(ctx: &egui::Context, path: &Path, level: &image::RgbImage) -> TextureHandle {
    // Thumbnails are at most THUMBNAIL_SIDE px on their long side.
    let (w, h) = level.dimensions();
    let step = (w.max(h) / THUMBNAIL_SIDE).max(1);
    let tw = w.div_ceil(step);
    let th = h.div_ceil(step);
    let mut pixels = Vec::with_capacity((tw * th) as usize);
    for y in 0..th {
        for x in 0..tw {
            let p = level.get_pixel((x * step).min(w - 1), (y * step).min(h - 1));
            pixels.push(egui::Color32::from_rgb(p[0], p[1], p[2]));
        }
    }
    ctx.load_texture(
        format!("thumb:{}", path.display()),
        ColorImage::new([tw as usize, th as usize], pixels),
        TextureOptions::LINEAR,
    )
}
