use super::*;
use crate::io::pyramid::{downsample_2x_on, level_count, to_display_rgb8};
use crate::io::tiff_write::{ChunkLayout, TiffCompression, TiffSpec, write_tiff};
use crate::io::tile_reader::{TileReader, open_tile_reader_with};
use std::time::{Duration, Instant};

/// A spec for a small test file; every field can be changed by the test.
fn spec(width: u32, height: u32, bands: u16, bits: u16, layout: ChunkLayout) -> TiffSpec {
    TiffSpec {
        width,
        height,
        bands,
        bits,
        layout,
        compression: TiffCompression::Deflate(1),
        overviews: false,
        first_overview: 1,
        bigtiff: false,
    }
}

/// Writes `spec` with a pattern that differs in every pixel and band (smooth ramps plus a
/// checker and a hash, so that a misplaced tile or band shows).
fn write(dir: &Path, name: &str, spec: &TiffSpec) -> PathBuf {
    let path = dir.join(name);
    let bands = usize::from(spec.bands);
    let wide = spec.bits == 16;
    let width = spec.width;
    write_tiff(&path, spec, |y0, rows, buf| {
        let sample_bytes = if wide { 2 } else { 1 };
        for r in 0..rows {
            for x in 0..width {
                let y = y0 + r;
                for b in 0..bands {
                    let base = (x * 3 + y * 5 + b as u32 * 70) % 256;
                    let spot = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 28;
                    let v = (base + spot + if (x / 37 + y / 23) % 2 == 0 { 0 } else { 40 }) % 256;
                    let at = ((r * width + x) as usize * bands + b) * sample_bytes;
                    if wide {
                        let v16 = (v * 16 + (x % 16)) as u16;
                        buf[at..at + 2].copy_from_slice(&v16.to_le_bytes());
                    } else {
                        buf[at] = v as u8;
                    }
                }
            }
        }
    })
    .expect("test file written");
    path
}

fn options(cache: &Path) -> TileReaderOptions {
    TileReaderOptions {
        min_decoded_bytes: 0,
        cache_dir: Some(cache.to_path_buf()),
        cache_limit_bytes: 1 << 30,
        first_view_progress: None,
    }
}

fn open(path: &Path, cache: &Path) -> Arc<dyn TileReader> {
    open_tile_reader_with(path, &options(cache))
        .expect("opens")
        .expect("read by tiles")
}

/// The whole image as `image` decodes it, shown as the viewer shows it, and its levels.
fn expected_levels(path: &Path, stretch: Option<&dyn Fn(u16) -> u8>) -> Vec<RgbImage> {
    let whole = image::open(path).expect("image decodes the test file");
    let level0 = match (stretch, whole) {
        (Some(map), image::DynamicImage::ImageRgb16(buf)) => {
            let (w, h) = buf.dimensions();
            RgbImage::from_raw(w, h, buf.as_raw().iter().map(|v| map(*v)).collect()).unwrap()
        }
        (Some(map), image::DynamicImage::ImageLuma16(buf)) => {
            let (w, h) = buf.dimensions();
            RgbImage::from_fn(w, h, |x, y| {
                let g = map(buf.get_pixel(x, y)[0]);
                image::Rgb([g, g, g])
            })
        }
        (_, other) => to_display_rgb8(other).0,
    };
    let count = level_count(level0.width(), level0.height(), TILE_SIZE);
    let mut levels = vec![level0];
    for _ in 1..count {
        let next = downsample_2x_on(levels.last().unwrap(), 1);
        levels.push(next);
    }
    levels
}

/// Reads every tile of every level and compares with `expected`: exactly, or within
/// `tolerance` per sample on levels the file holds as overviews.
fn assert_tiles_match(reader: &dyn TileReader, expected: &[RgbImage], tolerance: u8) {
    assert_eq!(reader.size(), expected[0].dimensions());
    for (level, want) in expected.iter().enumerate() {
        assert!(reader.has_level(level), "level {level} readable");
        let (w, h) = want.dimensions();
        for ty in 0..h.div_ceil(TILE_SIZE) {
            for tx in 0..w.div_ceil(TILE_SIZE) {
                let tile = reader.read_tile(level, tx, ty).expect("tile reads");
                let (tw, th) = (
                    TILE_SIZE.min(w - tx * TILE_SIZE),
                    TILE_SIZE.min(h - ty * TILE_SIZE),
                );
                assert_eq!(
                    tile.dimensions(),
                    (tw, th),
                    "level {level} tile ({tx}, {ty}) size"
                );
                let crop = image::imageops::crop_imm(want, tx * TILE_SIZE, ty * TILE_SIZE, tw, th)
                    .to_image();
                let worst = tile
                    .as_raw()
                    .iter()
                    .zip(crop.as_raw())
                    .map(|(a, b)| a.abs_diff(*b))
                    .max()
                    .unwrap_or(0);
                let allowed = if level == 0 { 0 } else { tolerance };
                assert!(
                    worst <= allowed,
                    "level {level} tile ({tx}, {ty}) differs by {worst} (allowed {allowed})"
                );
            }
        }
    }
}

#[test]
fn a_tiled_rgb_tiff_of_odd_size_reads_tile_by_tile_as_the_whole_decode() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "rgb.tif",
        &spec(1100, 700, 3, 8, ChunkLayout::Tiles(512)),
    );
    let reader = open(&path, &dir.path().join("cache"));
    assert_eq!(reader.source_info().bits_per_sample, 8);
    assert_tiles_match(reader.as_ref(), &expected_levels(&path, None), 0);
}

#[test]
fn tiles_of_256_px_are_assembled_into_tiles_of_512() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "small_tiles.tif",
        &spec(900, 530, 3, 8, ChunkLayout::Tiles(256)),
    );
    let reader = open(&path, &dir.path().join("cache"));
    assert_tiles_match(reader.as_ref(), &expected_levels(&path, None), 0);
}

#[test]
fn gray_and_rgba_tiffs_with_overviews_read_their_overview_levels() {
    let dir = tempfile::tempdir().unwrap();
    for bands in [1, 4] {
        let mut s = spec(1300, 1030, bands, 8, ChunkLayout::Tiles(512));
        s.overviews = true;
        let path = write(dir.path(), &format!("ov{bands}.tif"), &s);
        let reader = open(&path, &dir.path().join("cache"));
        assert_eq!(reader.source_info().bands, bands as u8);
        // The writer's overviews use the same filter, but a reader must not rely on it.
        assert_tiles_match(reader.as_ref(), &expected_levels(&path, None), 2);
    }
}

#[test]
fn a_striped_16_bit_tiff_reads_with_one_stretch_for_every_tile() {
    let dir = tempfile::tempdir().unwrap();
    for bands in [1, 3] {
        let path = write(
            dir.path(),
            &format!("striped{bands}.tif"),
            &spec(1030, 700, bands, 16, ChunkLayout::Strips(16)),
        );
        let reader = open(&path, &dir.path().join("cache"));
        let info = reader.source_info();
        assert_eq!((info.bits_per_sample, info.bands), (16, bands as u8));
        let stretch = info.stretch.expect("16-bit data is stretched");
        assert!(stretch.high > stretch.low);
        let map =
            |v: u16| crate::io::pyramid::stretch_value(f64::from(v), stretch.low, stretch.high);
        assert_tiles_match(reader.as_ref(), &expected_levels(&path, Some(&map)), 0);
    }
}

#[test]
fn levels_too_far_from_the_file_are_built_once_and_read_from_the_cache_after() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // 4200 px wide: five levels; level 3 is three halvings from level 0, so it is built.
    let path = write(
        dir.path(),
        "wide.tif",
        &spec(4200, 300, 3, 8, ChunkLayout::Tiles(512)),
    );
    let expected = expected_levels(&path, None);
    assert_eq!(expected.len(), 5);
    let reader = open(&path, &cache);
    assert_tiles_match(reader.as_ref(), &expected, 0);
    let cached: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(cached.len(), 1, "one built level: {cached:?}");
    drop(reader);

    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = std::fs::metadata(&cached[0]).unwrap().ino();
        let again = open(&path, &cache);
        assert_eq!(
            std::fs::metadata(&cached[0]).unwrap().ino(),
            inode,
            "not rebuilt"
        );
        assert_tiles_match(again.as_ref(), &expected, 0);
    }

    std::fs::remove_dir_all(&cache).unwrap();
    let rebuilt = open(&path, &cache);
    assert_tiles_match(rebuilt.as_ref(), &expected, 0);
}

#[test]
fn the_first_view_build_reports_its_progress_and_stops_when_told() {
    let dir = tempfile::tempdir().unwrap();
    // 8200 px wide: level 4 is built from level 0 before the reader opens, 17 x 1 tiles of level
    // 0 (and a row of level 4) read in one pass.
    let path = write(
        dir.path(),
        "no_overviews.tif",
        &spec(8200, 300, 3, 8, ChunkLayout::Tiles(512)),
    );
    let heard = Arc::new(Mutex::new(Vec::new()));
    let record = heard.clone();
    let with_progress = TileReaderOptions {
        first_view_progress: Some(BuildProgress(Arc::new(move |share| {
            record.lock().unwrap().push(share);
            true
        }))),
        ..options(&dir.path().join("cache"))
    };
    let reader = open_tile_reader_with(&path, &with_progress)
        .expect("opens")
        .expect("read by tiles");
    assert_tiles_match(reader.as_ref(), &expected_levels(&path, None), 0);
    let heard = heard.lock().unwrap().clone();
    assert_eq!(heard.first(), Some(&0.0), "{heard:?}");
    assert_eq!(heard.last(), Some(&1.0), "{heard:?}");
    assert!(heard.windows(2).all(|w| w[0] <= w[1]), "{heard:?}");

    // Told to stop (the load was dropped): an error, and nothing left in the cache.
    let cache = dir.path().join("stopped");
    let stopping = TileReaderOptions {
        first_view_progress: Some(BuildProgress(Arc::new(|share| share == 0.0))),
        ..options(&cache)
    };
    let error = open_tile_reader_with(&path, &stopping)
        .err()
        .expect("a stopped build is an error")
        .to_string();
    assert!(error.contains("stopped"), "{error}");
    let left: Vec<_> = std::fs::read_dir(&cache)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_missing_middle_level_is_built_in_the_background_while_the_others_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spec(4200, 300, 3, 8, ChunkLayout::Tiles(512));
    s.overviews = true;
    // Only the coarsest overview (level 4): level 3 is neither in the file nor derivable.
    s.first_overview = 4;
    let path = write(dir.path(), "coarse_only.tif", &s);
    let reader = open(&path, &dir.path().join("cache"));
    assert!(reader.has_level(0) && reader.has_level(4));
    let started = Instant::now();
    while !reader.has_level(3) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "level 3 built in time"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    while reader.build_progress().is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "build finishes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_tiles_match(reader.as_ref(), &expected_levels(&path, None), 2);
}

#[test]
fn a_small_bigtiff_is_read_by_tiles_since_image_cannot_decode_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    for layout in [ChunkLayout::Tiles(256), ChunkLayout::Strips(16)] {
        let mut s = spec(700, 500, 3, 8, layout);
        s.bigtiff = true;
        let path = write(dir.path(), "small_big.tif", &s);
        // Far below the size from which TIFFs are read by tiles.
        let options = TileReaderOptions {
            min_decoded_bytes: 1 << 40,
            ..options(&dir.path().join("cache"))
        };
        let reader = open_tile_reader_with(&path, &options)
            .expect("opens")
            .expect("read by tiles");
        assert_eq!(reader.size(), (700, 500));
        // The same pixels as the classic TIFF of that spec, which `image` decodes.
        s.bigtiff = false;
        let classic = write(dir.path(), "classic.tif", &s);
        assert_tiles_match(reader.as_ref(), &expected_levels(&classic, None), 0);
        let message = crate::io::image_decode::decode_image(&path)
            .expect_err("image cannot decode a BigTIFF")
            .to_string();
        assert!(
            message.contains("small_big.tif") && message.contains("BigTIFF"),
            "{message}"
        );
        // The timeline's thumbnail comes from its coarsest level.
        let thumbnail = crate::io::preview::decode_thumbnail(&path, 128).expect("a thumbnail");
        assert_eq!(thumbnail.dimensions(), (128, 91));
    }
}

#[test]
fn small_tiffs_and_other_files_go_the_whole_image_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "small.tif",
        &spec(600, 400, 3, 8, ChunkLayout::Tiles(512)),
    );
    let mut opts = options(&dir.path().join("cache"));
    opts.min_decoded_bytes = 10 << 20;
    assert!(open_tile_reader_with(&path, &opts).unwrap().is_none());
    let png = dir.path().join("a.png");
    image::RgbImage::new(8, 8).save(&png).unwrap();
    assert!(
        open_tile_reader_with(&png, &options(dir.path()))
            .unwrap()
            .is_none()
    );
}

/// Overwrites the value of `tag` in the first IFD of a little-endian classic TIFF.
fn patch_tag(path: &Path, tag: u16, value: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let ifd = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let count = u16::from_le_bytes([bytes[ifd], bytes[ifd + 1]]) as usize;
    for e in 0..count {
        let at = ifd + 2 + 12 * e;
        if u16::from_le_bytes([bytes[at], bytes[at + 1]]) == tag {
            let kind = u16::from_le_bytes([bytes[at + 2], bytes[at + 3]]);
            if kind == 3 {
                bytes[at + 8..at + 10].copy_from_slice(&(value as u16).to_le_bytes());
            } else {
                bytes[at + 8..at + 12].copy_from_slice(&value.to_le_bytes());
            }
            std::fs::write(path, bytes).unwrap();
            return;
        }
    }
    panic!("tag {tag} not found");
}

fn open_error(path: &Path, cache: &Path) -> String {
    match open_tile_reader_with(path, &options(cache)) {
        Err(e) => e.to_string(),
        Ok(Some(reader)) => {
            // Damage found only when the pixels are read must show there.
            let (w, h) = reader.size();
            let mut errors = Vec::new();
            for ty in 0..h.div_ceil(TILE_SIZE) {
                for tx in 0..w.div_ceil(TILE_SIZE) {
                    if let Err(e) = reader.read_tile(0, tx, ty) {
                        errors.push(e);
                    }
                }
            }
            errors
                .into_iter()
                .next()
                .unwrap_or_else(|| "no error".to_string())
        }
        Ok(None) => "whole-image path".to_string(),
    }
}

#[test]
fn damaged_and_hostile_tiffs_give_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let good = write(
        dir.path(),
        "good.tif",
        &spec(1100, 700, 3, 8, ChunkLayout::Tiles(512)),
    );
    let bytes = std::fs::read(&good).unwrap();

    // Cut short: the chunks point past the end.
    let cut = dir.path().join("cut.tif");
    let ifd = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let mut truncated = bytes[..bytes.len() / 2].to_vec();
    truncated.extend_from_slice(&bytes[ifd..]);
    let shift = (bytes.len() / 2) as u32;
    truncated[4..8].copy_from_slice(&shift.to_le_bytes());
    std::fs::write(&cut, &truncated).unwrap();
    let e = open_error(&cut, &cache);
    assert!(e.contains("cut.tif"), "{e}");

    // Garbage in the compressed pixels.
    let garbled = dir.path().join("garbled.tif");
    let mut g = bytes.clone();
    for b in &mut g[16..ifd.min(4000)] {
        *b ^= 0x5A;
    }
    std::fs::write(&garbled, &g).unwrap();
    let e = open_error(&garbled, &cache);
    assert!(e.contains("garbled.tif") && e != "no error", "{e}");

    // A huge claimed width: the tile count no longer matches, or the size is refused.
    let huge = dir.path().join("huge.tif");
    std::fs::write(&huge, &bytes).unwrap();
    patch_tag(&huge, 256, 3_000_000);
    let e = open_error(&huge, &cache);
    assert!(e.contains("huge.tif"), "{e}");

    // A tile size that does not match the tile count.
    let tiles = dir.path().join("tiles.tif");
    std::fs::write(&tiles, &bytes).unwrap();
    patch_tag(&tiles, 322, 16);
    let e = open_error(&tiles, &cache);
    assert!(e.contains("tiles.tif"), "{e}");

    // An absurd compressed size for one tile.
    let absurd = dir.path().join("absurd.tif");
    let mut a = bytes.clone();
    let count = u16::from_le_bytes([a[ifd], a[ifd + 1]]) as usize;
    for entry in 0..count {
        let at = ifd + 2 + 12 * entry;
        if u16::from_le_bytes([a[at], a[at + 1]]) == 325 {
            let values = u32::from_le_bytes(a[at + 8..at + 12].try_into().unwrap()) as usize;
            a[values..values + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        }
    }
    std::fs::write(&absurd, &a).unwrap();
    let e = open_error(&absurd, &cache);
    assert!(
        e.contains("absurd.tif") && e.contains("compressed bytes"),
        "{e}"
    );
}
