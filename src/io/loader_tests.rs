//! Tests of `loader.rs`.

use super::*;
use image::Rgb;
use std::sync::atomic::AtomicUsize;

/// Polls until the load is no longer loading, or panics after a generous timeout.
fn wait_until_done(load: &mut ImageLoad) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while matches!(load.state(), LoadState::Loading { .. }) {
        assert!(Instant::now() < deadline, "load did not finish");
        std::thread::sleep(Duration::from_millis(5));
        load.poll();
    }
}

/// Whether the wake has been called within a generous timeout: the loader sends an event and then
/// wakes, so the test can see the event a moment before the wake call.
fn woken(calls: &AtomicUsize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while calls.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    calls.load(Ordering::Relaxed) > 0
}

fn counting_wake() -> (Arc<AtomicUsize>, Arc<dyn Fn() + Send + Sync>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    (calls, wake)
}

#[test]
fn a_small_png_loads_to_ready_with_every_level_at_the_right_size_and_wakes_the_gui() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.png");
    let (width, height) = (1500, 700);
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save(&path)
    .unwrap();

    let (wakes, wake) = counting_wake();
    let mut load = ImageLoad::start(path.clone(), wake);
    wait_until_done(&mut load);

    assert_eq!(load.state(), &LoadState::Ready);
    assert!(woken(&wakes));
    assert_eq!(load.size(), Some((width, height)));
    // 1500 -> 750 -> 375: three levels.
    assert_eq!(load.levels().len(), 3);
    for (k, level) in load.levels().iter().enumerate() {
        let level = level.as_ref().expect("every level is built");
        assert_eq!(
            level.dimensions(),
            level_size(width, height, k),
            "level {k}"
        );
        assert!(load.level_is_exact(k));
    }
    assert_eq!(
        load.levels()[0].as_ref().unwrap().get_pixel(300, 20),
        &Rgb([44, 20, 90])
    );
    let info = load.source_info().unwrap();
    assert_eq!((info.bits_per_sample, info.bands), (8, 3));
    assert!(load.luminance_histogram().unwrap().iter().sum::<u64>() > 0);
    let timings = load.timings();
    assert!(timings.decoded.is_some() && timings.first_overview.is_some());
    assert!(timings.all_levels >= timings.first_overview);
    assert_eq!(load.nearest_level(1).map(|(k, _)| k), Some(1));
    assert_eq!(load.nearest_level(9).map(|(k, _)| k), Some(2));
}

#[test]
fn a_large_image_gets_a_quick_overview_that_is_replaced_by_the_exact_level() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.png");
    RgbImage::from_pixel(2100, 300, Rgb([40, 50, 60]))
        .save(&path)
        .unwrap();
    let (_, wake) = counting_wake();
    let mut load = ImageLoad::start(path, wake);
    wait_until_done(&mut load);
    assert_eq!(load.state(), &LoadState::Ready);
    // 2100 needs scale 4 to fit 1024 px: the overview went to level 2, later made exact.
    assert_eq!(load.levels().len(), 4);
    assert!(load.level_is_exact(2));
    assert!(load.timings().first_overview <= load.timings().all_levels);
    assert!(load.revision() >= 5);
}

#[test]
fn a_missing_file_fails_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.png");
    let (wakes, wake) = counting_wake();
    let mut load = ImageLoad::start(path, wake);
    wait_until_done(&mut load);
    let LoadState::Failed(message) = load.state() else {
        panic!("expected a failure, got {:?}", load.state());
    };
    assert!(message.contains("nowhere.png"), "{message}");
    assert!(woken(&wakes));
    assert!(load.levels().is_empty());
}

#[test]
fn a_corrupt_file_fails_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.png");
    let mut bytes = Vec::new();
    RgbImage::from_fn(300, 200, |x, y| Rgb([x as u8, y as u8, 0]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&path, &bytes).unwrap();

    let (_, wake) = counting_wake();
    let mut load = ImageLoad::start(path, wake);
    wait_until_done(&mut load);
    let LoadState::Failed(message) = load.state() else {
        panic!("expected a failure, got {:?}", load.state());
    };
    assert!(message.contains("broken.png"), "{message}");
}

#[test]
fn dropping_loads_cancels_them_and_frees_their_decode_slots() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.png");
    RgbImage::from_pixel(800, 600, Rgb([1, 2, 3]))
        .save(&path)
        .unwrap();
    let (_, wake) = counting_wake();
    // Start and drop more loads than there are slots: none may keep a slot.
    for _ in 0..6 {
        drop(ImageLoad::start(path.clone(), wake.clone()));
    }
    let mut load = ImageLoad::start(path, wake);
    wait_until_done(&mut load);
    assert_eq!(load.state(), &LoadState::Ready);
}

#[test]
fn a_large_jpeg_shows_an_approximate_preview_level_before_level_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scene.jpg");
    let (width, height) = (2100, 2050);
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7 * 30) as u8])
    })
    .save(&path)
    .unwrap();

    let (_, wake) = counting_wake();
    let mut load = ImageLoad::start(path, wake);
    let events = load.events.take().expect("a running load");
    let mut seen_preview = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let event = events
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the load goes on to the end");
        let is_preview = matches!(event, LoadEvent::Preview { .. });
        let is_decoded = matches!(event, LoadEvent::Decoded { .. });
        let finished = matches!(event, LoadEvent::Finished { .. } | LoadEvent::Failed(_));
        load.apply(event);
        if is_preview {
            seen_preview = true;
            // One pixel per 8 x 8 block: level 3, approximate, with its exact size; level 0
            // not there yet; a histogram for the automatic stretch.
            let level3 = load.levels()[3].as_ref().expect("the preview level");
            assert_eq!(level3.dimensions(), level_size(width, height, 3));
            assert!(!load.level_is_exact(3));
            assert!(load.levels()[0].is_none());
            assert!(load.luminance_histogram().is_some());
            assert_eq!(load.size(), Some((width, height)));
            assert!(load.timings().preview.is_some());
        }
        if is_decoded {
            assert!(seen_preview, "level 0 came before the preview");
        }
        if finished {
            break;
        }
    }
    assert_eq!(load.state(), &LoadState::Ready);
    assert!(load.level_is_exact(3));
    assert!(load.timings().preview < load.timings().decoded);
}

#[test]
fn full_decodes_wait_while_a_preview_is_pending() {
    let pending = PreviewPending::register();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let waiter = std::thread::spawn(move || {
        DecodeSlot::acquire(&flag, SlotUse::FullDecode).map(|_| Instant::now())
    });
    std::thread::sleep(Duration::from_millis(150));
    let released = Instant::now();
    drop(pending);
    let granted = waiter
        .join()
        .unwrap()
        .expect("a slot once previews are done");
    assert!(granted >= released);
}

#[test]
fn a_second_load_of_the_same_file_has_the_exact_coarse_levels_from_the_cache_before_level_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.png");
    // 2100 px wide: levels 2100, 1050, 525, 263; the cache holds 1050 and coarser.
    let (width, height) = (2100, 90);
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y * 2) as u8, 17])
    })
    .save(&path)
    .unwrap();
    let cache = OverviewCache::new(dir.path().join("cache"), 64 << 20);
    let (_, wake) = counting_wake();

    let mut first = ImageLoad::start_with_cache(path.clone(), wake.clone(), Some(cache.clone()));
    wait_until_done(&mut first);
    assert_eq!(first.state(), &LoadState::Ready);
    let timings = first.timings();
    // Without an entry, the first overview comes with level 0 (the quick approximation).
    assert_eq!(timings.first_overview, timings.decoded);

    let mut second = ImageLoad::start_with_cache(path.clone(), wake, Some(cache));
    // Until level 0 arrives, whatever is there came from the cache and is exact.
    let deadline = Instant::now() + Duration::from_secs(30);
    while second.levels().first().is_none_or(|l| l.is_none()) {
        assert!(Instant::now() < deadline, "level 0 never arrived");
        if second.levels().iter().any(Option::is_some) {
            for k in 1..4 {
                assert!(second.levels()[k].is_some(), "level {k} is cached");
                assert!(second.level_is_exact(k), "level {k} is exact");
                assert_eq!(second.levels()[k], first.levels()[k], "level {k}");
            }
        }
        std::thread::sleep(Duration::from_millis(1));
        second.poll();
    }
    wait_until_done(&mut second);
    let timings = second.timings();
    let (overview, decoded) = (timings.first_overview.unwrap(), timings.decoded.unwrap());
    assert!(
        overview < decoded,
        "a sharp overview at {overview:?}, before the decode at {decoded:?}"
    );
    assert_eq!(second.source_info(), first.source_info());
    for k in 0..4 {
        assert!(second.level_is_exact(k), "level {k} ends exact");
    }
}

#[test]
fn a_large_tiled_tiff_is_read_tile_by_tile_coarsest_level_first_then_the_tiles_asked_for() {
    use crate::io::tiff_write::{ChunkLayout, TiffCompression, TiffSpec, write_tiff};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ortho.tif");
    let (width, height) = (3000u32, 1700u32);
    let spec = TiffSpec {
        width,
        height,
        bands: 3,
        bits: 8,
        layout: ChunkLayout::Tiles(512),
        compression: TiffCompression::Deflate(1),
        overviews: true,
        first_overview: 1,
        bigtiff: false,
    };
    let pixel = |x: u32, y: u32| {
        [
            (x % 251) as u8,
            (y % 241) as u8,
            ((x / 7 + y / 3) % 256) as u8,
        ]
    };
    write_tiff(&path, &spec, |y0, rows, buf| {
        for r in 0..rows {
            for x in 0..width {
                let at = ((r * width + x) * 3) as usize;
                buf[at..at + 3].copy_from_slice(&pixel(x, y0 + r));
            }
        }
    })
    .unwrap();
    let tiles = TileReaderOptions {
        min_decoded_bytes: 0,
        cache_dir: Some(dir.path().join("levels")),
        cache_limit_bytes: 1 << 30,
        first_view_progress: None,
    };
    let (_, wake) = counting_wake();
    let mut load = ImageLoad::start_with(path, wake, None, tiles);
    wait_until_done(&mut load);
    assert_eq!(load.state(), &LoadState::Ready);
    assert_eq!(load.size(), Some((width, height)));
    let cache = load.tiled().expect("read tile by tile");
    // Only the coarsest level is held whole; it fits in one tile.
    let top = level_count(width, height, TILE_SIZE) - 1;
    let held: Vec<usize> = (0..load.levels().len())
        .filter(|&k| load.levels()[k].is_some())
        .collect();
    assert_eq!(held, vec![top]);
    assert!(load.level_is_exact(top));
    assert!(load.luminance_histogram().is_some());
    // A full-resolution tile asked for arrives with the file's pixels.
    let start = Instant::now();
    let tile = loop {
        if let Some(t) = cache.get_or_want((0, 2, 1)) {
            break t;
        }
        cache.end_frame();
        assert!(start.elapsed() < Duration::from_secs(20), "tile never came");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(tile.dimensions(), (512, 512));
    for (x, y) in [(0, 0), (100, 300), (511, 511)] {
        assert_eq!(
            tile.get_pixel(x, y).0,
            pixel(1024 + x, 512 + y),
            "pixel {x}, {y}"
        );
    }
}
