//! Tests of `dates.rs`.

use super::*;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use std::io::Cursor;
use std::path::PathBuf;

fn day(s: &str) -> CaptureDate {
    CaptureDate::Day(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn day_time(s: &str) -> CaptureDate {
    CaptureDate::DayTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap())
}

/// An EXIF block (TIFF structure, as JPEG's APP1 and PNG's eXIf carry it) with the given
/// `DateTimeOriginal` and `DateTime` values.
fn exif_block(original: Option<&str>, date_time: Option<&str>) -> Vec<u8> {
    let original = original.map(|s| exif::Field {
        tag: exif::Tag::DateTimeOriginal,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![s.as_bytes().to_vec()]),
    });
    let date_time = date_time.map(|s| exif::Field {
        tag: exif::Tag::DateTime,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![s.as_bytes().to_vec()]),
    });
    let mut writer = exif::experimental::Writer::new();
    for field in original.iter().chain(date_time.iter()) {
        writer.push_field(field);
    }
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).unwrap();
    out.into_inner()
}

fn gray_pixels() -> Vec<u8> {
    (0..64u8).map(|i| i * 3).collect()
}

fn jpeg_with_exif(exif: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new(&mut out);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(&gray_pixels(), 8, 8, ExtendedColorType::L8)
        .unwrap();
    out
}

/// An EXIF block holding only an orientation, no dates.
fn exif_without_dates() -> Vec<u8> {
    let field = exif::Field {
        tag: exif::Tag::Orientation,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Short(vec![1]),
    };
    let mut writer = exif::experimental::Writer::new();
    writer.push_field(&field);
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).unwrap();
    out.into_inner()
}

fn plain_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new(&mut out)
        .write_image(&gray_pixels(), 8, 8, ExtendedColorType::L8)
        .unwrap();
    out
}

/// A small RGB TIFF with the given `DateTime` tag and, optionally, an Exif directory with
/// `DateTimeOriginal`, written with the `tiff` crate.
fn tiff_with_dates(date_time: &str, original: Option<&str>) -> Vec<u8> {
    use tiff::encoder::{TiffEncoder, colortype};
    use tiff::tags::Tag;
    let mut out = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut out).unwrap();
    let exif_offset = original.map(|text| {
        let mut directory = encoder.extra_directory().unwrap();
        directory
            .write_tag(Tag::Unknown(EXIF_DATE_TIME_ORIGINAL), text)
            .unwrap();
        directory.finish_with_offsets().unwrap()
    });
    let mut image = encoder.new_image::<colortype::RGB8>(4, 4).unwrap();
    image.encoder().write_tag(Tag::DateTime, date_time).unwrap();
    if let Some(offset) = exif_offset {
        image
            .encoder()
            .write_tag(Tag::ExifDirectory, offset.offset)
            .unwrap();
    }
    image.write_data(&[90u8; 4 * 4 * 3]).unwrap();
    out.into_inner()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_dashed_date_anywhere_in_the_name_is_found() {
    assert_eq!(
        date_from_file_name("jan-2024-01-15.png"),
        Some(day("2024-01-15"))
    );
    assert_eq!(date_from_file_name("2024-07-15"), Some(day("2024-07-15")));
}

#[test]
fn a_compact_date_anywhere_in_the_name_is_found() {
    assert_eq!(
        date_from_file_name("site_20240715_rgb.tif"),
        Some(day("2024-07-15"))
    );
    assert_eq!(
        date_from_file_name("20240715T103200"),
        Some(day("2024-07-15"))
    );
}

#[test]
fn an_underscored_date_anywhere_in_the_name_is_found() {
    assert_eq!(
        date_from_file_name("pass_2023_11_02_pan"),
        Some(day("2023-11-02"))
    );
}

#[test]
fn impossible_dates_are_rejected() {
    assert_eq!(date_from_file_name("site_20241315"), None);
    assert_eq!(date_from_file_name("site_2024-02-30"), None);
    assert_eq!(date_from_file_name("site_2023_02_29"), None);
    assert_eq!(date_from_file_name("site_20240000"), None);
    // 2024 is a leap year.
    assert_eq!(
        date_from_file_name("site_20240229"),
        Some(day("2024-02-29"))
    );
}

#[test]
fn digits_inside_a_longer_number_are_not_a_date() {
    assert_eq!(date_from_file_name("123202407150"), None);
    assert_eq!(date_from_file_name("id_120240715"), None);
    assert_eq!(date_from_file_name("id_202407151"), None);
    assert_eq!(date_from_file_name("12024-07-15"), None);
    assert_eq!(date_from_file_name("2024-07-150"), None);
    assert_eq!(date_from_file_name("2024-007-15"), None);
}

#[test]
fn mixed_separators_and_implausible_years_are_not_a_date() {
    assert_eq!(date_from_file_name("2024-07_15"), None);
    assert_eq!(date_from_file_name("2024.07.15"), None);
    assert_eq!(date_from_file_name("tile_00010203"), None);
    assert_eq!(date_from_file_name("frame_31001231"), None);
}

#[test]
fn an_impossible_date_is_skipped_for_a_later_valid_one() {
    assert_eq!(
        date_from_file_name("20241399_vs_2024-07-15"),
        Some(day("2024-07-15"))
    );
}

#[test]
fn names_without_a_date_give_none() {
    for name in [
        "",
        "scene",
        "site_a_rgb",
        "img_2024",
        "2024-07",
        "é_20240715ü",
    ] {
        let expected = (name == "é_20240715ü").then(|| day("2024-07-15"));
        assert_eq!(date_from_file_name(name), expected, "{name}");
    }
}

#[test]
fn exif_style_dates_are_parsed_and_placeholders_are_not() {
    assert_eq!(
        parse_tag_date("2024:07:15 10:32:05\0"),
        Some(day_time("2024-07-15T10:32:05"))
    );
    assert_eq!(
        parse_tag_date("2024:07:15 10:32:05.250+02:00"),
        Some(day_time("2024-07-15T10:32:05"))
    );
    assert_eq!(parse_tag_date("2024:07:15"), Some(day("2024-07-15")));
    assert_eq!(parse_tag_date("    :  :     :  :  "), None);
    assert_eq!(parse_tag_date("0000:00:00 00:00:00"), None);
}

#[test]
fn a_jpeg_with_exif_date_time_original_gives_that_date_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let exif = exif_block(Some("2023:05:01 09:15:00"), Some("2024:01:01 00:00:00"));
    let path = write(dir.path(), "scene.jpg", &jpeg_with_exif(exif));
    assert_eq!(
        detect_capture_date(&path),
        DetectedDate {
            date: day_time("2023-05-01T09:15:00"),
            source: DateSource::ExifDateTimeOriginal,
        }
    );
}

#[test]
fn a_jpeg_with_only_the_date_time_tag_falls_back_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let exif = exif_block(None, Some("2022:12:24 18:00:00"));
    let path = write(dir.path(), "scene.jpg", &jpeg_with_exif(exif));
    let detected = detect_capture_date(&path);
    assert_eq!(detected.date, day_time("2022-12-24T18:00:00"));
    assert_eq!(detected.source, DateSource::TiffDateTime);
}

#[test]
fn a_png_with_an_exif_chunk_gives_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    let mut encoder = PngEncoder::new(&mut bytes);
    encoder
        .set_exif_metadata(exif_block(Some("2021:03:04 05:06:07"), None))
        .unwrap();
    encoder
        .write_image(&gray_pixels(), 8, 8, ExtendedColorType::L8)
        .unwrap();
    let path = write(dir.path(), "scene.png", &bytes);
    let detected = detect_capture_date(&path);
    assert_eq!(detected.date, day_time("2021-03-04T05:06:07"));
    assert_eq!(detected.source, DateSource::ExifDateTimeOriginal);
}

#[test]
fn a_tiff_with_the_date_time_tag_gives_that_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "scene.tif",
        &tiff_with_dates("2024:07:15 10:32:00", None),
    );
    assert_eq!(
        detect_capture_date(&path),
        DetectedDate {
            date: day_time("2024-07-15T10:32:00"),
            source: DateSource::TiffDateTime,
        }
    );
}

#[test]
fn in_a_tiff_exif_date_time_original_beats_the_date_time_tag() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = tiff_with_dates("2024:07:15 10:32:00", Some("2024:06:30 08:00:00"));
    let path = write(dir.path(), "scene.tif", &bytes);
    let detected = detect_capture_date(&path);
    assert_eq!(detected.date, day_time("2024-06-30T08:00:00"));
    assert_eq!(detected.source, DateSource::ExifDateTimeOriginal);
}

#[test]
fn the_file_name_beats_exif() {
    let dir = tempfile::tempdir().unwrap();
    let exif = exif_block(Some("2023:05:01 09:15:00"), None);
    let path = write(dir.path(), "site_2019-08-20.jpg", &jpeg_with_exif(exif));
    assert_eq!(
        detect_capture_date(&path),
        DetectedDate {
            date: day("2019-08-20"),
            source: DateSource::FileName,
        }
    );
}

#[test]
fn a_date_in_a_directory_name_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("2024-07-15");
    std::fs::create_dir(&sub).unwrap();
    let path = write(&sub, "scene.jpg", &plain_jpeg());
    assert_eq!(detect_capture_date(&path), DetectedDate::UNKNOWN);
}

#[test]
fn nothing_anywhere_gives_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&gray_pixels(), 8, 8, ExtendedColorType::L8)
        .unwrap();
    let files = [
        write(dir.path(), "plain.png", &png),
        write(dir.path(), "noise.tif", b"II*\0garbage that is not a tiff"),
        write(dir.path(), "empty.jpg", &[]),
        write(dir.path(), "cut.jpg", &plain_jpeg()[..30]),
        write(
            dir.path(),
            "no_dates.jpg",
            &jpeg_with_exif(exif_without_dates()),
        ),
        write(
            dir.path(),
            "blank.jpg",
            &jpeg_with_exif(exif_block(Some("    :  :     :  :  "), None)),
        ),
        dir.path().join("missing.jpg"),
        dir.path().to_path_buf(),
    ];
    for path in files {
        let detected = detect_capture_date(&path);
        assert_eq!(detected, DetectedDate::UNKNOWN, "{}", path.display());
        assert_eq!(detected.source.label(), "not found");
    }
}

#[test]
fn sources_have_human_labels() {
    assert_eq!(DateSource::FileName.to_string(), "from the file name");
    assert_eq!(
        DateSource::ExifDateTimeOriginal.label(),
        "from EXIF DateTimeOriginal"
    );
    assert_eq!(
        DateSource::TiffDateTime.label(),
        "from the TIFF DateTime tag"
    );
}
