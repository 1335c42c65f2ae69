use super::*;
use crate::io::jpeg_dc::decode_dc;
use image::Rgb;
use tiff::encoder::{TiffEncoder, colortype};
use tiff::tags::Tag;

fn scene(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x % 256) as u8,
            (y % 256) as u8,
            ((x / 64 + y / 64) % 2 * 200) as u8,
        ])
    })
}

fn write_jpeg(dir: &Path, name: &str, width: u32, height: u32) -> std::path::PathBuf {
    let path = dir.join(name);
    scene(width, height)
        .save(&path)
        .expect("writing a test JPEG");
    path
}

/// A TIFF with the full image and, after it, reduced-resolution images of the given sizes
/// marked as such (NewSubfileType 1), as a COG has.
fn write_tiff_with_overviews(path: &Path, width: u32, height: u32, overviews: &[(u32, u32)]) {
    let file = std::fs::File::create(path).expect("creating a test TIFF");
    let mut encoder = TiffEncoder::new(file).expect("a TIFF encoder");
    let full = scene(width, height);
    encoder
        .write_image::<colortype::RGB8>(width, height, full.as_raw())
        .expect("writing the full image");
    for &(w, h) in overviews {
        let small = image::imageops::resize(&full, w, h, FilterType::Triangle);
        let mut image = encoder
            .new_image::<colortype::RGB8>(w, h)
            .expect("an overview image");
        image
            .encoder()
            .write_tag(Tag::NewSubfileType, 1u32)
            .expect("marking the overview");
        image
            .write_data(small.as_raw())
            .expect("writing the overview");
    }
}

#[test]
fn a_large_jpeg_previews_as_level_3_of_exactly_the_level_size() {
    let dir = tempfile::tempdir().unwrap();
    // Neither side a multiple of 8.
    let path = write_jpeg(dir.path(), "scene.jpg", 2101, 2003);
    let preview = decode_preview(&path)
        .expect("a readable JPEG")
        .expect("a preview");
    assert_eq!((preview.width, preview.height), (2101, 2003));
    assert_eq!(preview.level, 3);
    assert_eq!(preview.image.dimensions(), level_size(2101, 2003, 3));
    // The picture is the scene's: the checkerboard's blue shows through.
    let blue = |x: u32, y: u32| preview.image.get_pixel(x, y)[2];
    assert!(
        blue(12, 4) > 150 && blue(4, 4) < 50,
        "{} {}",
        blue(12, 4),
        blue(4, 4)
    );
}

#[test]
fn small_images_and_formats_without_a_reduced_form_get_no_preview() {
    let dir = tempfile::tempdir().unwrap();
    let small = write_jpeg(dir.path(), "small.jpg", 600, 400);
    assert_eq!(decode_preview(&small).expect("readable"), None);
    let png = dir.path().join("large.png");
    RgbImage::from_pixel(2100, 2100, Rgb([1, 2, 3]))
        .save(&png)
        .unwrap();
    assert_eq!(decode_preview(&png).expect("readable"), None);
    let plain_tiff = dir.path().join("plain.tif");
    write_tiff_with_overviews(&plain_tiff, 2100, 2100, &[]);
    assert_eq!(decode_preview(&plain_tiff).expect("readable"), None);
}

/// Writes an interlaced (Adam7) PNG of `samples_per_pixel` samples of `bytes_per_sample`
/// bytes (big-endian) each, colour type `color_type`; `pixel(x, y)` gives a pixel's bytes.
/// Written by hand: the `png` crate's encoder does not interlace.
fn write_interlaced_png(
    path: &Path,
    (width, height): (u32, u32),
    (color_type, bit_depth): (u8, u8),
    pixel: impl Fn(u32, u32) -> Vec<u8>,
) {
    use std::io::Write;
    // (x0, y0, dx, dy) of the seven passes.
    const PASSES: [(u32, u32, u32, u32); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= width || y0 >= height {
            continue;
        }
        for y in (y0..height).step_by(dy as usize) {
            raw.push(0); // no filter
            for x in (x0..width).step_by(dx as usize) {
                raw.extend(pixel(x, y));
            }
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&raw).unwrap();
    let compressed = z.finish().unwrap();
    let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([bit_depth, color_type, 0, 0, 1]); // Adam7
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &compressed);
    chunk(&mut png, b"IEND", &[]);
    std::fs::write(path, png).unwrap();
}

#[test]
fn an_interlaced_png_previews_from_its_first_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("interlaced.png");
    let (width, height) = (2100, 2050);
    let picture = scene(width, height);
    write_interlaced_png(&path, (width, height), (2, 8), |x, y| {
        picture.get_pixel(x, y).0.to_vec()
    });
    // The hand-made file is a valid PNG of the scene.
    let full = image::open(&path).expect("image reads it").to_rgb8();
    assert!(full == picture);
    let preview = decode_preview(&path).expect("readable").expect("a preview");
    assert_eq!(
        (preview.width, preview.height, preview.level),
        (width, height, 3)
    );
    assert_eq!(preview.image.dimensions(), level_size(width, height, 3));
    for (px, py) in [(0, 0), (5, 9), (262, 256), (100, 200)] {
        assert_eq!(
            preview.image.get_pixel(px, py),
            full.get_pixel(px * 8, py * 8),
            "pixel {px}, {py}"
        );
    }
    let thumbnail = decode_thumbnail(&path, 128).expect("a thumbnail");
    assert_eq!(thumbnail.width().max(thumbnail.height()), 128);
}

#[test]
fn a_16_bit_gray_interlaced_png_is_stretched_like_its_full_decode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gray16.png");
    let (width, height) = (2048, 2304);
    // 12-bit data in 16-bit samples, a ramp across: dark unless stretched.
    let value = |x: u32, _y: u32| (x * 4095 / (width - 1)) as u16;
    write_interlaced_png(&path, (width, height), (0, 16), |x, y| {
        value(x, y).to_be_bytes().to_vec()
    });
    let preview = decode_preview(&path).expect("readable").expect("a preview");
    assert_eq!(preview.level, 3);
    let full = to_display_rgb8(image::open(&path).expect("image reads it")).0;
    for px in [0, 40, 128, 200, 255] {
        let (ours, theirs) = (
            preview.image.get_pixel(px, 7)[0],
            full.get_pixel(px * 8, 56)[0],
        );
        assert!(
            ours.abs_diff(theirs) <= 2,
            "x {px}: {ours} against {theirs}"
        );
    }
    assert!(
        preview.image.get_pixel(255, 0)[0] > 240,
        "stretched to white"
    );
}

#[test]
fn a_tiff_previews_from_the_overview_closest_to_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cog.tif");
    // GDAL-style overviews, rounded up: 2200 x 2001 / 2, / 4, / 8.
    write_tiff_with_overviews(&path, 2200, 2001, &[(1100, 1001), (550, 501), (275, 251)]);
    let preview = decode_preview(&path).expect("readable").expect("a preview");
    assert_eq!(preview.level, 1);
    assert_eq!(preview.image.dimensions(), level_size(2200, 2001, 1));
}

#[test]
fn an_overview_that_rounds_differently_is_padded_to_the_level_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rounded.tif");
    // Rounded down where the pyramid rounds up (2101 / 4 = 525.25 -> 526).
    write_tiff_with_overviews(&path, 2101, 2101, &[(525, 525)]);
    let preview = decode_preview(&path).expect("readable").expect("a preview");
    assert_eq!(preview.level, 2);
    assert_eq!(preview.image.dimensions(), (526, 526));
}

#[test]
fn a_damaged_large_jpeg_gives_an_error_or_nothing_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_jpeg(dir.path(), "cut.jpg", 2101, 2003);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let error = decode_preview(&path).expect_err("a cut JPEG has no preview");
    assert!(error.to_string().contains("cut.jpg"), "{error}");
}

#[test]
fn the_fallback_scaled_decoder_gives_the_same_size_as_the_dc_decode() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_jpeg(dir.path(), "any.jpg", 203, 117);
    let data = std::fs::read(&path).unwrap();
    let scaled = scaled_jpeg_decode(&data).expect("the scaled decode");
    let dc = decode_dc(&data).expect("the DC decode");
    assert_eq!(scaled.dimensions(), dc.dimensions());
}

#[test]
fn thumbnails_fit_the_requested_side_from_jpeg_tiff_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = write_jpeg(dir.path(), "wide.jpg", 2400, 1200);
    let thumb = decode_thumbnail(&jpeg, 128).expect("a JPEG thumbnail");
    assert_eq!(thumb.dimensions(), (128, 64));

    let tiff = dir.path().join("cog.tif");
    write_tiff_with_overviews(&tiff, 1600, 1600, &[(800, 800), (400, 400), (200, 200)]);
    let thumb = decode_thumbnail(&tiff, 128).expect("a TIFF thumbnail");
    assert_eq!(thumb.dimensions(), (128, 128));

    let png = dir.path().join("small.png");
    scene(300, 100).save(&png).unwrap();
    let thumb = decode_thumbnail(&png, 128).expect("a PNG thumbnail");
    assert_eq!(thumb.dimensions(), (128, 43));
    // Smaller than the side asked for: kept as it is.
    let tiny = dir.path().join("tiny.png");
    scene(40, 30).save(&tiny).unwrap();
    assert_eq!(decode_thumbnail(&tiny, 128).unwrap().dimensions(), (40, 30));
}

#[test]
fn a_thumbnail_of_a_missing_or_damaged_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.jpg");
    let error = decode_thumbnail(&missing, 128).expect_err("no file");
    assert!(error.to_string().contains("gone.jpg"), "{error}");
    let junk = dir.path().join("junk.jpg");
    std::fs::write(&junk, b"\xFF\xD8\xFF\xC0\x00\x11garbage").unwrap();
    let error = decode_thumbnail(&junk, 128).expect_err("no image");
    assert!(error.to_string().contains("junk.jpg"), "{error}");
}
