//! The tiles of an image read piece by piece ([`TileReader`]), as the window asks for them:
//! read on background threads, kept in memory up to a budget, least recently used dropped first.
//! Egui-free.
//!
//! An orthophoto of 100 000 x 100 000 pixels is 30 GB of pixels; only the tiles of the level in
//! view are ever read. Each frame the window says which tiles it would draw and has not got
//! ([`TileCache::want`]); at the end of the frame that list replaces what was waiting
//! ([`TileCache::end_frame`]), so panning away drops the tiles no longer in view from the queue
//! instead of reading them first. Two threads read (decoding a tile is CPU work: deflate or JPEG),
//! at a lower priority than the window, and wake it when a tile is ready.

use super::tile_reader::TileReader;
use image::RgbImage;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// A tile of a pyramid level: (level, column, row).
pub type TileId = (usize, u32, u32);

/// Decoded tiles kept per image: 512 MiB, about 680 tiles of 512 x 512 RGB, several screens'
/// worth at every level, whatever the size of the image.
pub const TILE_CACHE_BYTES: u64 = 512 << 20;

/// Threads reading tiles per image.
const READERS: usize = 2;

/// Tiles read ahead of need are never more than this many per image: the list a frame asks for
/// is the tiles in view, and a view is a few dozen tiles.
const MAX_PENDING: usize = 256;

struct Entry {
    image: Arc<RgbImage>,
    last_used: u64,
}

#[derive(Default)]
struct State {
    tiles: HashMap<TileId, Entry>,
    bytes: u64,
    /// Tiles to read, the most wanted first.
    pending: VecDeque<TileId>,
    /// Tiles being read now.
    reading: HashSet<TileId>,
    /// Tiles that could not be read, with the reason: not asked again.
    failed: HashMap<TileId, String>,
    /// What this frame asked for so far, in the order asked.
    wanted: Vec<TileId>,
    /// Counts frames, for least-recently-used.
    clock: u64,
    /// Changes whenever a tile arrives.
    revision: u64,
    stop: bool,
}

struct Shared {
    reader: Arc<dyn TileReader>,
    state: Mutex<State>,
    work: Condvar,
    wake: Arc<dyn Fn() + Send + Sync>,
    budget: u64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The tiles of one image read on demand. Dropping it stops its threads (after the tile each is
/// reading) and frees the tiles.
pub struct TileCache {
    shared: Arc<Shared>,
}

impl TileCache {
    /// Starts the reading threads; `wake` is called from them whenever a tile is ready (the window
    /// passes a repaint request).
    pub fn new(reader: Arc<dyn TileReader>, wake: Arc<dyn Fn() + Send + Sync>) -> TileCache {
        Self::with_budget(reader, wake, TILE_CACHE_BYTES)
    }

    /// As [`TileCache::new`] with another memory budget in bytes (tests).
    pub fn with_budget(
        reader: Arc<dyn TileReader>,
        wake: Arc<dyn Fn() + Send + Sync>,
        budget: u64,
    ) -> TileCache {
        let shared = Arc::new(Shared {
            reader,
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            wake,
            budget,
        });
        for n in 0..READERS {
            let shared = shared.clone();
            // A thread that cannot start leaves the others; with none, tiles stay wanted and the
            // coarse base layer is what is shown.
            let _ = std::thread::Builder::new()
                .name(format!("sitediff-tiles-{n}"))
                .spawn(move || read_tiles(&shared));
        }
        TileCache { shared }
    }

    /// The reader behind the cache.
    pub fn reader(&self) -> &Arc<dyn TileReader> {
        &self.shared.reader
    }

    /// The tile if it has been read; otherwise `None`, and the tile is asked for in this frame
    /// (unless it failed before: see [`TileCache::failure`]).
    pub fn get_or_want(&self, id: TileId) -> Option<Arc<RgbImage>> {
        let mut state = self.shared.lock();
        let clock = state.clock;
        if let Some(entry) = state.tiles.get_mut(&id) {
            entry.last_used = clock;
            return Some(entry.image.clone());
        }
        if !state.failed.contains_key(&id) && state.wanted.len() < MAX_PENDING {
            state.wanted.push(id);
        }
        None
    }

    /// The tile if it has been read, without asking for it.
    pub fn get(&self, id: TileId) -> Option<Arc<RgbImage>> {
        let mut state = self.shared.lock();
        let clock = state.clock;
        state.tiles.get_mut(&id).map(|entry| {
            entry.last_used = clock;
            entry.image.clone()
        })
    }

    /// Call once per frame after drawing: what this frame asked for replaces what was waiting,
    /// so tiles that left the view are not read.
    pub fn end_frame(&self) {
        let mut state = self.shared.lock();
        let wanted = std::mem::take(&mut state.wanted);
        let mut seen = HashSet::new();
        let pending: VecDeque<TileId> = wanted
            .into_iter()
            .filter(|id| {
                seen.insert(*id) && !state.tiles.contains_key(id) && !state.reading.contains(id)
            })
            .collect();
        let news = !pending.is_empty();
        state.pending = pending;
        state.clock += 1;
        drop(state);
        if news {
            self.shared.work.notify_all();
        }
    }

    /// A number that changes whenever a tile arrives.
    pub fn revision(&self) -> u64 {
        self.shared.lock().revision
    }

    /// Tiles waiting or being read.
    pub fn busy(&self) -> usize {
        let state = self.shared.lock();
        state.pending.len() + state.reading.len()
    }

    /// Bytes of tiles held.
    pub fn bytes(&self) -> u64 {
        self.shared.lock().bytes
    }

    /// Why some tile could not be read, if one could not (the first such reason).
    pub fn failure(&self) -> Option<String> {
        let state = self.shared.lock();
        state
            .failed
            .iter()
            .min_by_key(|(id, _)| **id)
            .map(|(_, m)| m.clone())
    }

    /// Drops every tile held (memory pressure, or a test).
    pub fn clear(&self) {
        let mut state = self.shared.lock();
        state.tiles.clear();
        state.bytes = 0;
    }
}

impl Drop for TileCache {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.work.notify_all();
    }
}

/// One reading thread: takes the most wanted tile, reads it without holding the lock, keeps it.
fn read_tiles(shared: &Shared) {
    super::loader::lower_this_threads_priority();
    loop {
        let id = {
            let mut state = shared.lock();
            loop {
                if state.stop {
                    return;
                }
                if let Some(id) = state.pending.pop_front() {
                    state.reading.insert(id);
                    break id;
                }
                state = shared.work.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        let result = shared.reader.read_tile(id.0, id.1, id.2);
        let mut state = shared.lock();
        state.reading.remove(&id);
        if state.stop {
            return;
        }
        match result {
            Ok(image) => {
                let bytes = image.as_raw().len() as u64;
                let clock = state.clock;
                state.bytes += bytes;
                state.tiles.insert(
                    id,
                    Entry {
                        image: Arc::new(image),
                        last_used: clock,
                    },
                );
                evict(&mut state, shared.budget);
            }
            Err(message) => {
                state.failed.insert(id, message);
            }
        }
        state.revision += 1;
        drop(state);
        (shared.wake)();
    }
}

/// Drops the least recently used tiles until the held bytes are within `budget`; tiles used in
/// the current frame stay even beyond it (a view needs them all).
fn evict(state: &mut State, budget: u64) {
    if state.bytes <= budget {
        return;
    }
    let mut ages: Vec<(u64, TileId)> = state
        .tiles
        .iter()
        .map(|(id, e)| (e.last_used, *id))
        .collect();
    ages.sort_unstable();
    let now = state.clock;
    for (used, id) in ages {
        if state.bytes <= budget || used >= now {
            break;
        }
        if let Some(entry) = state.tiles.remove(&id) {
            state.bytes -= entry.image.as_raw().len() as u64;
        }
    }
}

#[cfg(test)]
#[path = "tile_cache_tests.rs"]
mod tests;
