use super::*;
use crate::io::pyramid::{SourceInfo, TILE_SIZE, level_count, level_size};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A made-up image whose pixel (x, y) of level k is (x, y, k) modulo 256; it counts reads and
/// fails on tile (0, 9, 9).
struct Fake {
    size: (u32, u32),
    reads: AtomicUsize,
    slow: Duration,
}

impl TileReader for Fake {
    fn size(&self) -> (u32, u32) {
        self.size
    }
    fn source_info(&self) -> SourceInfo {
        SourceInfo {
            bits_per_sample: 8,
            bands: 3,
            float: false,
            stretch: None,
        }
    }
    fn has_level(&self, level: usize) -> bool {
        level < level_count(self.size.0, self.size.1, TILE_SIZE)
    }
    fn read_tile(&self, level: usize, tx: u32, ty: u32) -> Result<RgbImage, String> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.slow);
        if (level, tx, ty) == (0, 9, 9) {
            return Err("fake.tif: tile 9, 9 is damaged".into());
        }
        let (lw, lh) = level_size(self.size.0, self.size.1, level);
        let w = TILE_SIZE.min(lw - tx * TILE_SIZE);
        let h = TILE_SIZE.min(lh - ty * TILE_SIZE);
        Ok(RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (tx * TILE_SIZE + x) as u8,
                (ty * TILE_SIZE + y) as u8,
                level as u8,
            ])
        }))
    }
}

fn fake(slow_ms: u64) -> Arc<Fake> {
    Arc::new(Fake {
        size: (10_000, 6_000),
        reads: AtomicUsize::new(0),
        slow: Duration::from_millis(slow_ms),
    })
}

/// Asks for `id` every "frame" until it arrives (or 5 s pass).
fn fetch(cache: &TileCache, id: TileId) -> Option<Arc<RgbImage>> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if let Some(t) = cache.get_or_want(id) {
            return Some(t);
        }
        cache.end_frame();
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

fn no_wake() -> Arc<dyn Fn() + Send + Sync> {
    Arc::new(|| {})
}

#[test]
fn a_wanted_tile_is_read_in_the_background_once_and_then_served_from_memory() {
    let reader = fake(0);
    let woken = Arc::new(AtomicUsize::new(0));
    let w = woken.clone();
    let cache = TileCache::new(
        reader.clone(),
        Arc::new(move || {
            w.fetch_add(1, Ordering::SeqCst);
        }),
    );
    assert!(
        cache.get_or_want((0, 3, 2)).is_none(),
        "nothing is read yet"
    );
    let tile = fetch(&cache, (0, 3, 2)).expect("the tile arrives");
    assert_eq!(tile.dimensions(), (512, 512));
    assert_eq!(
        tile.get_pixel(5, 7).0,
        [(3 * 512 + 5) as u8, (2 * 512 + 7) as u8, 0]
    );
    // The reading thread stores the tile, then wakes the window outside the lock: the tile can be
    // served a moment before the wake call, so wait for it (bounded).
    let start = Instant::now();
    while woken.load(Ordering::SeqCst) == 0 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(woken.load(Ordering::SeqCst) >= 1, "the window is woken");
    let reads = reader.reads.load(Ordering::SeqCst);
    for _ in 0..10 {
        assert!(cache.get_or_want((0, 3, 2)).is_some());
        cache.end_frame();
    }
    assert_eq!(
        reader.reads.load(Ordering::SeqCst),
        reads,
        "served from memory"
    );
    // An edge tile of a coarser level is clipped to the level.
    let edge = fetch(&cache, (2, 4, 2)).unwrap();
    assert_eq!(edge.dimensions(), (2500 - 4 * 512, 1500 - 2 * 512));
}

#[test]
fn tiles_that_left_the_view_are_not_read() {
    let reader = fake(30);
    let cache = TileCache::new(reader.clone(), no_wake());
    // One frame wants 40 tiles; the next frame's view wants only one other tile.
    for tx in 0..8 {
        for ty in 0..5 {
            cache.get_or_want((0, tx, ty));
        }
    }
    cache.end_frame();
    cache.get_or_want((1, 0, 0));
    cache.end_frame();
    assert!(fetch(&cache, (1, 0, 0)).is_some());
    std::thread::sleep(Duration::from_millis(100));
    // At most the tiles the two threads had started before the view moved, plus the one wanted.
    let reads = reader.reads.load(Ordering::SeqCst);
    assert!(
        reads <= 5,
        "{reads} tiles read, most of them no longer in view"
    );
}

#[test]
fn memory_stays_within_the_budget_by_dropping_the_least_recently_used() {
    let reader = fake(0);
    // Room for 4 full tiles.
    let cache = TileCache::with_budget(reader.clone(), no_wake(), 4 * 512 * 512 * 3);
    for tx in 0..12 {
        assert!(fetch(&cache, (0, tx, 0)).is_some());
        cache.end_frame();
    }
    assert!(
        cache.bytes() <= 4 * 512 * 512 * 3,
        "{} bytes held",
        cache.bytes()
    );
    // The oldest is gone and is read again when wanted; the newest is still there.
    let before = reader.reads.load(Ordering::SeqCst);
    assert!(cache.get((0, 11, 0)).is_some());
    assert!(cache.get((0, 0, 0)).is_none());
    assert!(fetch(&cache, (0, 0, 0)).is_some());
    assert_eq!(reader.reads.load(Ordering::SeqCst), before + 1);
}

#[test]
fn a_tile_that_cannot_be_read_is_reported_and_not_asked_again() {
    let reader = fake(0);
    let cache = TileCache::new(reader.clone(), no_wake());
    assert!(cache.get_or_want((0, 9, 9)).is_none());
    cache.end_frame();
    let start = Instant::now();
    while cache.failure().is_none() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        cache.failure().as_deref(),
        Some("fake.tif: tile 9, 9 is damaged")
    );
    let reads = reader.reads.load(Ordering::SeqCst);
    for _ in 0..5 {
        assert!(cache.get_or_want((0, 9, 9)).is_none());
        cache.end_frame();
    }
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(reader.reads.load(Ordering::SeqCst), reads);
}
