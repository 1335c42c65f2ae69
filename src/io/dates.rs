//! Capture date detection: file name, EXIF, TIFF tags.
//!
//! When an analyst adds a dated image, sitediff proposes its capture date, in this order:
//! a date in the file name (analysts and archives name files after the capture day, and that
//! is the most deliberate statement), then the EXIF `DateTimeOriginal` (when the sensor took
//! it), then the TIFF `DateTime` tag 306 (when the file was written; often a processing date,
//! hence last). Nothing found means [`CaptureDate::Unknown`], which the analyst can set by
//! hand. Unreadable or damaged metadata is never an error here: it only means "unknown".

use crate::model::CaptureDate;
use chrono::{NaiveDate, NaiveDateTime};
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Years accepted in file names. Digit runs outside this range are ids or counters, not dates.
const FILE_NAME_YEARS: std::ops::RangeInclusive<i32> = 1900..=2099;

/// TIFF files are searched for tags with the `tiff` crate, which reads only the directories.
/// When it cannot parse a file, kamadak-exif is tried instead, but it reads a whole TIFF into
/// memory, so only for files up to this size.
const MAX_TIFF_BYTES_FOR_EXIF_FALLBACK: u64 = 64 * 1024 * 1024;

/// The EXIF tag `DateTimeOriginal`, which lives in the Exif sub-directory.
const EXIF_DATE_TIME_ORIGINAL: u16 = 0x9003;

/// Where a detected capture date came from, so the analyst can judge how far to trust it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateSource {
    /// A `YYYY-MM-DD`, `YYYYMMDD` or `YYYY_MM_DD` date in the file name.
    FileName,
    /// The EXIF `DateTimeOriginal` tag: when the sensor captured the image.
    ExifDateTimeOriginal,
    /// The TIFF `DateTime` tag (306): when the file was written, which may be a processing date.
    TiffDateTime,
    /// No date was found.
    Unknown,
}

impl DateSource {
    /// A short phrase for the UI and the command line, e.g. "from the file name".
    pub fn label(self) -> &'static str {
        match self {
            DateSource::FileName => "from the file name",
            DateSource::ExifDateTimeOriginal => "from EXIF DateTimeOriginal",
            DateSource::TiffDateTime => "from the TIFF DateTime tag",
            DateSource::Unknown => "not found",
        }
    }
}

impl fmt::Display for DateSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A capture date proposed for an image file, and where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DetectedDate {
    /// The date, or [`CaptureDate::Unknown`].
    pub date: CaptureDate,
    /// Where `date` came from ([`DateSource::Unknown`] exactly when `date` is unknown).
    pub source: DateSource,
}

impl DetectedDate {
    /// Nothing found.
    pub const UNKNOWN: DetectedDate = DetectedDate {
        date: CaptureDate::Unknown,
        source: DateSource::Unknown,
    };
}

/// Proposes the capture date of the image at `path`: from its file name, else its EXIF
/// `DateTimeOriginal`, else its TIFF `DateTime` tag, else unknown. Reads only metadata, never
/// pixels; a missing, unreadable or damaged file simply gives unknown.
pub fn detect_capture_date(path: &Path) -> DetectedDate {
    let from_name = path
        .file_stem()
        .and_then(|stem| date_from_file_name(&stem.to_string_lossy()));
    if let Some(date) = from_name {
        return DetectedDate {
            date,
            source: DateSource::FileName,
        };
    }
    // Metadata parsers are third-party code fed with arbitrary files; a panic in one of them
    // must not cost the analyst their session, so it too just means "unknown".
    let tags = catch_unwind(AssertUnwindSafe(|| read_date_tags(path))).unwrap_or_default();
    if let Some(date) = tags.date_time_original {
        DetectedDate {
            date,
            source: DateSource::ExifDateTimeOriginal,
        }
    } else if let Some(date) = tags.date_time {
        DetectedDate {
            date,
            source: DateSource::TiffDateTime,
        }
    } else {
        DetectedDate::UNKNOWN
    }
}

/// Finds a calendar date written as `YYYY-MM-DD`, `YYYYMMDD` or `YYYY_MM_DD` anywhere in a file
/// name or stem (e.g. "site_20240715_rgb", "jan-2024-01-15.png"); the first valid one wins.
///
/// The digits must stand on their own: "123202407150" is a 12-digit number, not a date, and
/// neither is "2024-07-150". Impossible dates (month 13, 30 February) and years outside
/// 1900..=2099 are skipped.
pub fn date_from_file_name(name: &str) -> Option<CaptureDate> {
    let bytes = name.as_bytes();
    let runs = digit_runs(bytes);
    runs.iter().enumerate().find_map(|(i, &(start, end))| {
        let digits = |s: usize, e: usize| name.get(s..e);
        let day = match end - start {
            8 => ymd(
                digits(start, start + 4)?,
                digits(start + 4, start + 6)?,
                digits(start + 6, end)?,
            ),
            4 => {
                // YYYY-MM-DD or YYYY_MM_DD: the same separator twice, then two-digit runs.
                let &(month_start, month_end) = runs.get(i + 1)?;
                let &(day_start, day_end) = runs.get(i + 2)?;
                let separator = *bytes.get(end)?;
                let separated = matches!(separator, b'-' | b'_')
                    && month_start == end + 1
                    && month_end - month_start == 2
                    && bytes.get(month_end) == Some(&separator)
                    && day_start == month_end + 1
                    && day_end - day_start == 2;
                if separated {
                    ymd(
                        digits(start, end)?,
                        digits(month_start, month_end)?,
                        digits(day_start, day_end)?,
                    )
                } else {
                    None
                }
            }
            _ => None,
        };
        day.map(CaptureDate::Day)
    })
}

/// The maximal runs of ASCII digits in `bytes`, as (start, end) byte ranges.
fn digit_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, b) in bytes.iter().enumerate() {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, bytes.len()));
    }
    runs
}

/// A valid calendar day from year, month and day digits, if the year is plausible.
fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    let year: i32 = year.parse().ok()?;
    if !FILE_NAME_YEARS.contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

/// Parses an EXIF/TIFF date-time ("YYYY:MM:DD HH:MM:SS", NUL-padded, sometimes with dashes or
/// only a day). The all-blank or all-zero placeholders that cameras write give `None`.
fn parse_tag_date(text: &str) -> Option<CaptureDate> {
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    // Some writers append fractions of a second or a zone; the first 19 characters suffice.
    let candidates = [Some(text), text.get(..19)];
    for candidate in candidates.into_iter().flatten() {
        for format in [
            "%Y:%m:%d %H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(candidate, format) {
                return Some(CaptureDate::DayTime(dt));
            }
        }
    }
    for format in ["%Y:%m:%d", "%Y-%m-%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(text, format) {
            return Some(CaptureDate::Day(d));
        }
    }
    None
}

/// The dates found in a file's metadata.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct DateTags {
    /// EXIF `DateTimeOriginal`.
    date_time_original: Option<CaptureDate>,
    /// TIFF `DateTime` (306), in a TIFF file's first directory or an EXIF block's IFD0.
    date_time: Option<CaptureDate>,
}

/// Reads the date tags of the file at `path`; any failure gives no dates.
fn read_date_tags(path: &Path) -> DateTags {
    let Ok(mut file) = File::open(path) else {
        return DateTags::default();
    };
    let Ok(metadata) = file.metadata() else {
        return DateTags::default();
    };
    if !metadata.is_file() {
        return DateTags::default();
    }
    let mut magic = [0u8; 4];
    let is_tiff = file.read_exact(&mut magic).is_ok()
        && matches!(&magic, b"II*\0" | b"MM\0*" | b"II+\0" | b"MM\0+");
    if is_tiff && let Some(tags) = tiff_date_tags(path) {
        return tags;
    }
    if is_tiff && metadata.len() > MAX_TIFF_BYTES_FOR_EXIF_FALLBACK {
        return DateTags::default();
    }
    exif_date_tags(path).unwrap_or_default()
}

/// Date tags of a TIFF file, read with the `tiff` crate (which seeks to the directories and
/// reads nothing else); `None` when the crate cannot parse the file.
fn tiff_date_tags(path: &Path) -> Option<DateTags> {
    use tiff::tags::Tag;
    let file = File::open(path).ok()?;
    let mut decoder = tiff::decoder::Decoder::new(BufReader::new(file)).ok()?;
    let date_time = decoder
        .find_tag(Tag::DateTime)
        .ok()
        .flatten()
        .and_then(|value| value.into_string().ok())
        .and_then(|text| parse_tag_date(&text));
    let date_time_original = (|| {
        let pointer = decoder
            .find_tag(Tag::ExifDirectory)
            .ok()??
            .into_ifd_pointer()
            .ok()?;
        let exif_directory = decoder.read_directory(pointer).ok()?;
        let text = decoder
            .read_directory_tags(&exif_directory)
            .find_tag(Tag::Unknown(EXIF_DATE_TIME_ORIGINAL))
            .ok()??
            .into_string()
            .ok()?;
        parse_tag_date(&text)
    })();
    Some(DateTags {
        date_time_original,
        date_time,
    })
}

/// Date tags from the EXIF block of a JPEG, PNG, WebP (or small TIFF) file, read with
/// kamadak-exif; `None` when there is no readable EXIF block.
fn exif_date_tags(path: &Path) -> Option<DateTags> {
    let file = File::open(path).ok()?;
    let exif = exif::Reader::new()
        .read_from_container(&mut BufReader::new(file))
        .ok()?;
    let tag_date = |tag: exif::Tag| -> Option<CaptureDate> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        match &field.value {
            exif::Value::Ascii(texts) => texts
                .iter()
                .find_map(|text| parse_tag_date(&String::from_utf8_lossy(text))),
            _ => None,
        }
    };
    Some(DateTags {
        date_time_original: tag_date(exif::Tag::DateTimeOriginal),
        date_time: tag_date(exif::Tag::DateTime),
    })
}

#[cfg(test)]
mod tests {
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
}
