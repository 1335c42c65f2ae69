//! Capture dates and edit timestamps, written as plain ISO 8601 strings in the project file.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// When a dated image was captured. Imagery metadata often gives only the day, sometimes the
/// time too, and sometimes nothing at all; the file says which (`"2024-07-15"`,
/// `"2024-07-15T10:32:00"` or `"unknown"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CaptureDate {
    /// The date is not known yet; the analyst can set it.
    #[default]
    Unknown,
    /// A calendar day.
    Day(NaiveDate),
    /// A calendar day with a time of day (as given by the source, no time zone).
    DayTime(NaiveDateTime),
}

impl CaptureDate {
    /// The calendar day, if known.
    pub fn day(&self) -> Option<NaiveDate> {
        match self {
            CaptureDate::Unknown => None,
            CaptureDate::Day(d) => Some(*d),
            CaptureDate::DayTime(dt) => Some(dt.date()),
        }
    }

    /// Whole days from `self` to `later`, when both are known.
    pub fn days_until(&self, later: &CaptureDate) -> Option<i64> {
        Some((later.day()? - self.day()?).num_days())
    }

    /// Orders known dates chronologically (a day sorts before any time on that day) and
    /// unknown ones last; for `sort_by`.
    pub fn chronological(&self, other: &CaptureDate) -> Ordering {
        fn key(d: &CaptureDate) -> (u8, Option<NaiveDateTime>) {
            match d {
                CaptureDate::Unknown => (1, None),
                CaptureDate::Day(d) => (0, d.and_hms_opt(0, 0, 0)),
                CaptureDate::DayTime(dt) => (0, Some(*dt)),
            }
        }
        key(self).cmp(&key(other))
    }

    /// True when `self` is known to be strictly later than `other`.
    pub fn is_after(&self, other: &CaptureDate) -> bool {
        match (self, other) {
            (CaptureDate::Unknown, _) | (_, CaptureDate::Unknown) => false,
            (CaptureDate::DayTime(a), CaptureDate::DayTime(b)) => a > b,
            _ => self.day() > other.day(),
        }
    }
}

impl fmt::Display for CaptureDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureDate::Unknown => f.write_str("unknown"),
            CaptureDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            CaptureDate::DayTime(dt) => write!(f, "{}", dt.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

/// Why a capture date string was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date: expected YYYY-MM-DD (or YYYYMMDD), YYYY-MM-DDTHH:MM:SS or `unknown`")]
pub struct BadDate(pub String);

impl FromStr for CaptureDate {
    type Err = BadDate;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("unknown") || t.is_empty() {
            return Ok(CaptureDate::Unknown);
        }
        // The forms file names use are accepted too (20180601, 2018_06_01), and slashes.
        let compact = t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit());
        for fmt in ["%Y-%m-%d", "%Y_%m_%d", "%Y/%m/%d"] {
            if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
                return Ok(CaptureDate::Day(d));
            }
        }
        if compact && let Ok(d) = NaiveDate::parse_from_str(t, "%Y%m%d") {
            return Ok(CaptureDate::Day(d));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
                return Ok(CaptureDate::DayTime(dt.trunc_subsecs(0)));
            }
        }
        Err(BadDate(s.to_string()))
    }
}

impl Serialize for CaptureDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for CaptureDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A moment in UTC, to the second, for footprint created/modified and review times.
/// Written as `"2024-07-15T10:32:00Z"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The current time, truncated to whole seconds so that it survives a save and load.
    pub fn now() -> Self {
        Timestamp(Utc::now().trunc_subsecs(0))
    }

    /// Seconds since the Unix epoch; for tests and generated data.
    pub fn from_unix(secs: i64) -> Option<Self> {
        DateTime::from_timestamp(secs, 0).map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // By hand rather than through chrono's format strings: a 10 000-footprint project
        // writes 20 000 of these, and the format string took a third of the save.
        use chrono::{Datelike, Timelike};
        let n = self.0.naive_utc();
        let (d, t) = (n.date(), n.time());
        if !(0..=9999).contains(&d.year()) {
            return write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%SZ"));
        }
        let mut b = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut v: u32| {
            for k in (at..at + width).rev() {
                b[k] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, d.year() as u32);
        put(5, 2, d.month());
        put(8, 2, d.day());
        put(11, 2, t.hour());
        put(14, 2, t.minute());
        put(17, 2, t.second());
        // Only ASCII digits went in.
        f.write_str(std::str::from_utf8(&b).unwrap_or_default())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|dt| Timestamp(dt.with_timezone(&Utc).trunc_subsecs(0)))
            .map_err(|e| {
                serde::de::Error::custom(format!(
                    "`{s}` is not a timestamp ({e}): expected e.g. 2024-07-15T10:32:00Z"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_dates_print_as_they_parse() {
        for s in ["unknown", "2024-07-15", "2024-07-15T10:32:05"] {
            let d: CaptureDate = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn a_nonsense_date_is_refused_with_the_text_in_the_message() {
        let err = "2024-13-45".parse::<CaptureDate>().unwrap_err();
        assert!(err.to_string().contains("2024-13-45"));
    }

    #[test]
    fn days_between_two_known_dates_are_counted_and_unknown_gives_none() {
        let jan: CaptureDate = "2024-01-15".parse().unwrap();
        let jul: CaptureDate = "2024-07-15T08:00:00".parse().unwrap();
        assert_eq!(jan.days_until(&jul), Some(182));
        assert_eq!(CaptureDate::Unknown.days_until(&jul), None);
        assert!(jul.is_after(&jan));
        assert!(!jan.is_after(&jul));
        assert!(!CaptureDate::Unknown.is_after(&jan));
    }

    #[test]
    fn unknown_dates_sort_last() {
        let mut v: Vec<CaptureDate> = ["unknown", "2024-07-15", "2023-01-01"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        v.sort_by(|a, b| a.chronological(b));
        assert_eq!(v[0].to_string(), "2023-01-01");
        assert_eq!(v[2], CaptureDate::Unknown);
    }

    #[test]
    fn timestamps_round_trip_through_their_string_form() {
        let t = Timestamp::from_unix(1_700_000_000).unwrap();
        let s = t.to_string();
        let back: Timestamp = serde_json::from_str(&format!("\"{s}\"")).unwrap();
        assert_eq!(back, t);
        assert_eq!(s, "2023-11-14T22:13:20Z");
        // Every field padded as chrono's format string pads it, at either end of the years.
        for secs in [0, 1, 59, 3_600 * 9 + 61, -62_135_596_800, 253_402_300_799] {
            let t = Timestamp::from_unix(secs).unwrap();
            assert_eq!(t.to_string(), t.0.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        let far = Timestamp::from_unix(253_402_300_800).unwrap();
        assert_eq!(far.to_string(), "+10000-01-01T00:00:00Z");
    }

    #[test]
    fn the_date_forms_file_names_use_are_accepted_when_typed() {
        let want = "2018-06-01".parse::<CaptureDate>().unwrap();
        for typed in ["20180601", "2018_06_01", "2018/06/01", " 2018-06-01 "] {
            assert_eq!(typed.parse::<CaptureDate>(), Ok(want), "{typed}");
        }
        assert!("20181301".parse::<CaptureDate>().is_err(), "month 13");
        assert!("2018061".parse::<CaptureDate>().is_err());
        let err = "June".parse::<CaptureDate>().unwrap_err().to_string();
        assert!(err.contains("YYYYMMDD"), "{err}");
    }
}
