//! Tests of `image_decode.rs`.

use super::*;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::tiff::TiffEncoder;
use image::codecs::webp::WebPEncoder;
use image::{GenericImageView, ImageBuffer, ImageEncoder, Luma, Rgb, Rgba};
use std::time::{Duration, Instant};

fn rgb8(w: u32, h: u32) -> ImageBuffer<Rgb<u8>, Vec<u8>> {
    ImageBuffer::from_fn(w, h, |x, y| {
        Rgb([(x * 7) as u8, (y * 13) as u8, ((x + y) * 3) as u8])
    })
}

fn gray16(w: u32, h: u32) -> ImageBuffer<Luma<u16>, Vec<u16>> {
    ImageBuffer::from_fn(w, h, |x, y| Luma([(x * 1000 + y * 17) as u16]))
}

fn rgba8(w: u32, h: u32) -> ImageBuffer<Rgba<u8>, Vec<u8>> {
    ImageBuffer::from_fn(w, h, |x, y| {
        Rgba([(x * 5) as u8, (y * 9) as u8, 200, ((x * y) % 256) as u8])
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn png_bytes(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
    out
}

fn jpeg_bytes(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 95))
        .unwrap();
    out
}

#[test]
fn decoding_with_progress_counts_the_bytes_read_up_to_the_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageRgb8(rgb8(300, 200));
    let path = write(dir.path(), "p.png", &png_bytes(&img));
    let size = std::fs::metadata(&path).unwrap().len();
    let read = Arc::new(AtomicU64::new(0));
    let mut header = None;
    let decoded =
        decode_image_with_progress(&path, read.clone(), &mut |info| header = Some(info.width))
            .unwrap();
    assert_eq!(
        header,
        Some(300),
        "the header is reported before the pixels"
    );
    assert_eq!(decoded.dimensions(), (300, 200));
    let read = read.load(Ordering::Relaxed);
    assert!(read > size / 2 && read <= size, "read {read} of {size}");
}

fn tiff_bytes(img: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_with_encoder(TiffEncoder::new(&mut out)).unwrap();
    out.into_inner()
}

/// CRC-32 (ISO-HDLC, as PNG uses it), bit by bit: small and dependency-free.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    chunk
}

/// A syntactically valid PNG whose header claims `w` x `h` RGB 8-bit pixels, followed by a
/// tiny IDAT and IEND; far too little data for the claimed size.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    bytes.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    bytes.extend(png_chunk(b"IEND", &[]));
    bytes
}

/// A tiny deterministic byte generator for the random-input tests.
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn the_hand_made_png_crc_matches_the_reference_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

#[test]
fn an_8_bit_rgb_png_round_trips_and_probes_as_rgb_8_bit() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageRgb8(rgb8(37, 21));
    let path = write(dir.path(), "site.png", &png_bytes(&img));

    let info = probe_image(&path).unwrap();
    assert_eq!((info.width, info.height), (37, 21));
    assert_eq!(info.format, "PNG");
    assert_eq!(info.pixel_type, "RGB 8-bit");
    assert_eq!((info.bands, info.bits_per_sample), (3, 8));
    assert_eq!(info.file_size, std::fs::metadata(&path).unwrap().len());
    assert_eq!(info.decoded_bytes, 37 * 21 * 3);

    assert_eq!(decode_image(&path).unwrap(), img);
}

#[test]
fn a_16_bit_gray_png_round_trips_at_16_bits() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageLuma16(gray16(19, 33));
    let path = write(dir.path(), "gray.png", &png_bytes(&img));

    let info = probe_image(&path).unwrap();
    assert_eq!(info.pixel_type, "Gray 16-bit");
    assert_eq!((info.bands, info.bits_per_sample), (1, 16));
    assert_eq!(decode_image(&path).unwrap(), img);
}

#[test]
fn a_jpeg_decodes_to_its_size_with_pixels_close_to_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let original = rgb8(64, 48);
    let path = write(
        dir.path(),
        "scene.jpg",
        &jpeg_bytes(&DynamicImage::ImageRgb8(original.clone())),
    );

    let info = probe_image(&path).unwrap();
    assert_eq!((info.width, info.height, info.format), (64, 48, "JPEG"));
    assert_eq!(info.pixel_type, "RGB 8-bit");

    let decoded = decode_image(&path).unwrap().to_rgb8();
    assert_eq!(decoded.dimensions(), (64, 48));
    let mean_error = original
        .as_raw()
        .iter()
        .zip(decoded.as_raw())
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / original.as_raw().len() as f64;
    assert!(mean_error < 12.0, "mean error {mean_error}");
}

#[test]
fn a_lossless_webp_round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let img = rgba8(30, 17);
    let mut bytes = Vec::new();
    WebPEncoder::new_lossless(&mut bytes)
        .write_image(img.as_raw(), 30, 17, ExtendedColorType::Rgba8)
        .unwrap();
    let path = write(dir.path(), "tile.webp", &bytes);

    let info = probe_image(&path).unwrap();
    assert_eq!((info.width, info.height, info.format), (30, 17, "WebP"));
    assert_eq!(decode_image(&path).unwrap().to_rgba8(), img);
}

#[test]
fn an_8_bit_rgb_tiff_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageRgb8(rgb8(41, 29));
    let path = write(dir.path(), "scene.tif", &tiff_bytes(&img));

    let info = probe_image(&path).unwrap();
    assert_eq!(
        (info.format, info.pixel_type.as_str()),
        ("TIFF", "RGB 8-bit")
    );
    assert_eq!(decode_image(&path).unwrap(), img);
}

#[test]
fn a_16_bit_single_band_tiff_round_trips_at_16_bits() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageLuma16(gray16(23, 31));
    let path = write(dir.path(), "dem.tif", &tiff_bytes(&img));

    let info = probe_image(&path).unwrap();
    assert_eq!(info.pixel_type, "Gray 16-bit");
    assert_eq!((info.bands, info.bits_per_sample), (1, 16));
    assert_eq!(decode_image(&path).unwrap(), img);
}

#[test]
fn a_4_band_rgba_tiff_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageRgba8(rgba8(26, 14));
    let path = write(dir.path(), "rgba.tif", &tiff_bytes(&img));

    let info = probe_image(&path).unwrap();
    assert_eq!((info.bands, info.pixel_type.as_str()), (4, "RGBA 8-bit"));
    assert_eq!(decode_image(&path).unwrap(), img);
}

#[test]
fn the_format_comes_from_the_content_not_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let img = DynamicImage::ImageRgb8(rgb8(8, 8));
    let path = write(dir.path(), "really_a_png.jpg", &png_bytes(&img));
    assert_eq!(probe_image(&path).unwrap().format, "PNG");
    assert_eq!(decode_image(&path).unwrap(), img);
}

#[test]
fn a_png_header_claiming_100000_pixels_a_side_is_refused_quickly_with_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "huge.png", &png_claiming(100_000, 100_000));

    let start = Instant::now();
    let err = decode_image(&path).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    let message = err.to_string();
    assert!(matches!(err, ImageError::TooLarge { .. }), "{message}");
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("100000 x 100000"), "{message}");
    assert!(message.contains("50000"), "{message}");
    assert!(matches!(
        probe_image(&path),
        Err(ImageError::TooLarge {
            width: 100_000,
            height: 100_000,
            ..
        })
    ));
}

#[test]
fn a_header_within_the_side_limit_but_too_many_bytes_is_refused_with_the_size() {
    let dir = tempfile::tempdir().unwrap();
    // 50 000 x 50 000 RGB 8-bit is 7 GiB once decoded.
    let path = write(dir.path(), "wide.png", &png_claiming(50_000, 50_000));

    let err = decode_image(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ImageError::TooManyBytes { .. }), "{message}");
    assert!(message.contains("50000 x 50000"), "{message}");
    assert!(message.contains("RGB 8-bit"), "{message}");
    assert!(message.contains("7.0 GiB"), "{message}");
}

#[test]
fn a_png_header_of_a_plausible_size_with_missing_data_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "short.png", &png_claiming(1000, 1000));
    // A few bytes cannot hold a million pixels, so even the header check says so.
    let err = probe_image(&path).unwrap_err();
    assert!(err.to_string().contains("cannot hold"), "{err}");
    let err = decode_image(&path).unwrap_err();
    assert!(matches!(err, ImageError::Corrupt { .. }), "{err}");
}

#[test]
fn a_truncated_png_gives_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = png_bytes(&DynamicImage::ImageRgb8(rgb8(200, 150)));
    let path = write(dir.path(), "cut.png", &bytes[..bytes.len() / 2]);
    let err = decode_image(&path).unwrap_err();
    assert!(matches!(err, ImageError::Corrupt { .. }), "{err}");
    assert!(err.to_string().starts_with(&path.display().to_string()));
}

#[test]
fn a_truncated_jpeg_gives_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg_bytes(&DynamicImage::ImageRgb8(rgb8(200, 150)));
    for cut in [bytes.len() / 2, 40, 3] {
        let path = write(dir.path(), "cut.jpg", &bytes[..cut]);
        let err = decode_image(&path).unwrap_err();
        assert!(
            err.to_string().starts_with(&path.display().to_string()),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn a_truncated_jpeg_with_a_complete_exif_thumbnail_is_still_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let thumbnail = jpeg_bytes(&DynamicImage::ImageRgb8(rgb8(16, 16)));
    let field = exif::Field {
        tag: exif::Tag::DateTime,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![b"2024:07:15 10:32:00".to_vec()]),
    };
    let mut writer = exif::experimental::Writer::new();
    writer.push_field(&field);
    writer.set_jpeg(&thumbnail, exif::In::THUMBNAIL);
    let mut exif_block = std::io::Cursor::new(Vec::new());
    writer.write(&mut exif_block, false).unwrap();

    let mut bytes = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut bytes, 90);
    encoder.set_exif_metadata(exif_block.into_inner()).unwrap();
    encoder
        .write_image(rgb8(200, 150).as_raw(), 200, 150, ExtendedColorType::Rgb8)
        .unwrap();

    let whole = write(dir.path(), "whole.jpg", &bytes);
    assert!(decode_image(&whole).is_ok());
    let cut = write(dir.path(), "cut.jpg", &bytes[..bytes.len() * 3 / 4]);
    let err = decode_image(&cut).unwrap_err();
    assert!(err.to_string().contains("end-of-image marker"), "{err}");
}

#[test]
fn a_jpeg_with_trailing_bytes_after_its_end_marker_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = jpeg_bytes(&DynamicImage::ImageRgb8(rgb8(40, 30)));
    bytes.extend_from_slice(&[0u8; 100]);
    let path = write(dir.path(), "padded.jpg", &bytes);
    assert_eq!(decode_image(&path).unwrap().dimensions(), (40, 30));
}

#[test]
fn a_truncated_tiff_gives_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = tiff_bytes(&DynamicImage::ImageRgb8(rgb8(120, 90)));
    for cut in [bytes.len() - 10, bytes.len() / 2, 12] {
        let path = write(dir.path(), "cut.tif", &bytes[..cut]);
        let err = decode_image(&path).unwrap_err();
        assert!(
            err.to_string().starts_with(&path.display().to_string()),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn random_bytes_are_an_unknown_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "noise.png", &pseudo_random_bytes(7, 5000));
    let err = decode_image(&path).unwrap_err();
    assert!(matches!(err, ImageError::UnknownFormat { .. }), "{err}");
    assert!(err.to_string().contains("noise.png"));
}

#[test]
fn random_bytes_behind_a_real_signature_give_errors_and_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let signatures: [&[u8]; 5] = [
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
        &[0xFF, 0xD8, 0xFF, 0xE0],
        b"II*\0",
        b"MM\0*",
        b"RIFF\0\0\0\0WEBPVP8L",
    ];
    for (i, signature) in signatures.iter().enumerate() {
        for seed in 0..40u64 {
            let mut bytes = signature.to_vec();
            bytes.extend(pseudo_random_bytes(
                seed * 10 + i as u64,
                64 + 97 * seed as usize,
            ));
            let path = write(dir.path(), "fuzz.bin", &bytes);
            let decoded = decode_image(&path);
            let probed = probe_image(&path);
            for result in [decoded.err(), probed.err()].into_iter().flatten() {
                assert!(
                    !result.to_string().contains("internal decoder error"),
                    "signature {i}, seed {seed}: {result}"
                );
            }
        }
    }
}

#[test]
fn an_empty_file_is_reported_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.tif", &[]);
    let err = decode_image(&path).unwrap_err();
    assert!(matches!(err, ImageError::Empty { .. }), "{err}");
    assert!(err.to_string().contains("empty.tif"));
}

#[test]
fn a_directory_is_not_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = decode_image(dir.path()).unwrap_err();
    assert!(
        matches!(err, ImageError::NotAFile { .. } | ImageError::Open { .. }),
        "{err}"
    );
    assert_eq!(err.path(), dir.path());
}

#[test]
fn a_missing_file_cannot_be_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.png");
    let err = probe_image(&path).unwrap_err();
    assert!(matches!(err, ImageError::Open { .. }), "{err}");
    assert!(err.to_string().contains("missing.png"));
}

#[test]
fn a_gif_is_recognised_but_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "anim.gif",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    );
    let err = probe_image(&path).unwrap_err();
    assert!(matches!(err, ImageError::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("Gif"), "{err}");
}
