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
    let is_tiff =
        file.read_exact(&mut magic).is_ok() && super::headers::tiff_signature(&magic).is_some();
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
#[path = "dates_tests.rs"]
mod tests;
