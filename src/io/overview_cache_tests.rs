//! Tests of `overview_cache.rs`.

use super::*;
use image::Rgb;
use std::time::Duration;

/// An image 4100 px wide: levels 4100, 2050, 1025, 513, 257 px wide; the cache holds the last
/// three (1025 is the first at most 2048).
const WIDTH: u32 = 4100;
const HEIGHT: u32 = 300;

/// The overview an image of [`WIDTH`] x [`HEIGHT`] would get, its pixels told apart by `seed`.
fn overview(seed: u8) -> CachedOverview {
    let first = first_cached_level(WIDTH, HEIGHT).expect("large enough to cache");
    let count = level_count(WIDTH, HEIGHT, TILE_SIZE);
    let levels = (first..count)
        .map(|k| {
            let (w, h) = level_size(WIDTH, HEIGHT, k);
            let image = RgbImage::from_fn(w, h, |x, y| {
                Rgb([(x % 251) as u8, (y % 241) as u8, seed.wrapping_add(k as u8)])
            });
            (k, Arc::new(image))
        })
        .collect();
    let mut histogram = Box::new([0u64; 256]);
    histogram[usize::from(seed)] = 1234;
    CachedOverview {
        width: WIDTH,
        height: HEIGHT,
        info: SourceInfo {
            bits_per_sample: 16,
            bands: 3,
            float: false,
            stretch: Some(StretchRange {
                low: 12.5,
                high: 4000.0,
            }),
        },
        histogram,
        levels,
    }
}

/// Writes `bytes` to a file in `dir` and returns its path and key.
fn image_file(dir: &Path, name: &str, bytes: &[u8]) -> (PathBuf, CacheKey) {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    let key = CacheKey::of_file(&path).expect("a readable file has a key");
    (path, key)
}

fn entries_in(folder: &Path) -> usize {
    fs::read_dir(folder)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(ENTRY_SUFFIX))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn the_cache_holds_the_levels_from_the_first_at_most_2048_px_down_to_the_coarsest() {
    assert_eq!(first_cached_level(16_000, 16_000), Some(3)); // 2000 px.
    assert_eq!(first_cached_level(4096, 1000), Some(1)); // 2048 px.
    assert_eq!(first_cached_level(4097, 1000), Some(2));
    assert_eq!(first_cached_level(2048, 2048), None, "decodes fast enough");
    assert_eq!(first_cached_level(0, 0), None);
}

#[test]
fn a_stored_overview_is_read_back_whole_for_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = OverviewCache::new(dir.path().join("cache"), DEFAULT_BUDGET_BYTES);
    let (_, key) = image_file(dir.path(), "a.jpg", b"the bytes of an image");
    assert_eq!(cache.load(&key), None, "nothing stored yet");

    let stored = overview(7);
    cache.store(&key, &stored).unwrap();
    let read = cache.load(&key).expect("a hit");
    assert_eq!(read, stored);
    assert_eq!(
        read.levels.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
}

#[test]
fn a_file_changed_to_new_content_of_the_same_size_and_time_misses() {
    let dir = tempfile::tempdir().unwrap();
    let cache = OverviewCache::new(dir.path().join("cache"), DEFAULT_BUDGET_BYTES);
    let (path, old_key) = image_file(dir.path(), "a.jpg", b"first version of the image");
    cache.store(&old_key, &overview(1)).unwrap();
    let old_time = fs::metadata(&path).unwrap().modified().unwrap();

    fs::write(&path, b"other version of the image").unwrap();
    // Same size, and the time put back: only the content tells the versions apart.
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old_time)
        .unwrap();
    let new_key = CacheKey::of_file(&path).unwrap();
    assert_eq!(
        (new_key.size, new_key.modified_ns),
        (old_key.size, old_key.modified_ns)
    );
    assert_ne!(new_key, old_key);
    assert_eq!(cache.load(&new_key), None);
    assert!(cache.load(&old_key).is_some(), "the old entry is intact");
}

#[test]
fn a_damaged_or_truncated_or_foreign_entry_is_a_miss_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cache = OverviewCache::new(dir.path().join("cache"), DEFAULT_BUDGET_BYTES);
    let (_, key) = image_file(dir.path(), "a.tif", b"some image");
    cache.store(&key, &overview(3)).unwrap();
    let entry = cache.folder().join(key.file_name());
    let whole = fs::read(&entry).unwrap();

    let mut flipped = whole.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    fs::write(&entry, &flipped).unwrap();
    assert_eq!(cache.load(&key), None, "a flipped bit");

    fs::write(&entry, &whole[..whole.len() - 100]).unwrap();
    assert_eq!(cache.load(&key), None, "a short write");

    fs::write(&entry, b"").unwrap();
    assert_eq!(cache.load(&key), None, "an empty file");

    fs::write(&entry, b"#!/bin/sh\necho not ours\n").unwrap();
    assert_eq!(cache.load(&key), None, "a file of someone else");

    fs::remove_dir_all(cache.folder()).unwrap();
    assert_eq!(cache.load(&key), None, "the folder deleted");

    // Storing again after all that works as on the first day.
    cache.store(&key, &overview(3)).unwrap();
    assert_eq!(cache.load(&key), Some(overview(3)));
}

#[test]
fn storing_past_the_budget_removes_the_least_recently_used_entries_first() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("cache");
    let probe = OverviewCache::new(folder.clone(), u64::MAX);
    let (_, probe_key) = image_file(dir.path(), "probe", b"probe");
    probe.store(&probe_key, &overview(0)).unwrap();
    let entry_len = fs::metadata(folder.join(probe_key.file_name()))
        .unwrap()
        .len();
    fs::remove_dir_all(&folder).unwrap();

    // Room for two entries, not three.
    let cache = OverviewCache::new(folder.clone(), entry_len * 2 + entry_len / 2);
    let (_, a) = image_file(dir.path(), "a", b"image a");
    let (_, b) = image_file(dir.path(), "b", b"image b");
    let (_, c) = image_file(dir.path(), "c", b"image c");
    cache.store(&a, &overview(1)).unwrap();
    cache.store(&b, &overview(2)).unwrap();
    // a was stored first but used last: b is the least recently used.
    let now = SystemTime::now();
    for (key, age) in [(&a, 100), (&b, 50)] {
        fs::File::options()
            .write(true)
            .open(folder.join(key.file_name()))
            .unwrap()
            .set_modified(now - Duration::from_secs(age))
            .unwrap();
    }
    assert!(cache.load(&a).is_some());

    cache.store(&c, &overview(3)).unwrap();
    assert_eq!(entries_in(&folder), 2);
    assert_eq!(cache.load(&b), None, "the least recently used went");
    assert_eq!(cache.load(&a), Some(overview(1)));
    assert_eq!(cache.load(&c), Some(overview(3)));
}

#[test]
fn an_overview_missing_a_level_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = OverviewCache::new(dir.path().join("cache"), DEFAULT_BUDGET_BYTES);
    let (_, key) = image_file(dir.path(), "a", b"image");
    let mut partial = overview(5);
    partial.levels.pop();
    assert!(matches!(
        cache.store(&key, &partial),
        Err(CacheError::Incomplete(_))
    ));
    assert_eq!(cache.load(&key), None);
}
