//! Calendar dates without a time zone, stored as days since 1970-01-01.
//!
//! The simulation ticks once per day, so a date is all it needs. Written here rather than
//! pulled from a date crate because the model needs only parsing, printing, day arithmetic
//! and the year/month/day split (Howard Hinnant's civil-date algorithms).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A civil date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// The date for a year, month (1–12) and day (1–31); `None` if no such date exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month (1–12) and day (1–31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// 1 January of this date's year.
    pub fn start_of_year(self) -> Date {
        Date::from_ymd(self.year(), 1, 1).expect("1 January exists in every year")
    }

    /// The same month and day one year earlier; 29 February maps to 28 February.
    pub fn one_year_earlier(self) -> Date {
        let (y, m, d) = self.ymd();
        Date::from_ymd(y - 1, m, d.min(days_in_month(y - 1, m))).expect("clamped day exists")
    }

    /// This date plus `days` (which may be negative).
    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// Days from `earlier` to `self` (negative if `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i32 {
        self.0 - earlier.0
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date of the form YYYY-MM-DD");
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        Date::from_ymd(year, month, day).ok_or_else(|| format!("`{text}` is not a calendar date"))
    }
}

/// Days in a month of a year (Gregorian leap years).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD (a quoted string)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_days() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2024, 2, 29),
            (2024, 11, 13),
            (2000, 3, 1),
            (2026, 12, 31),
        ] {
            let date = Date::from_ymd(y, m, d).unwrap();
            assert_eq!(date.ymd(), (y, m, d));
            assert_eq!(Date::parse(&date.to_string()).unwrap(), date);
        }
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap(), Date(0));
    }

    #[test]
    fn campaign_day_74_is_13_november() {
        // FACTS.md: the campaign started 2024-09-01 and reported on day 74.
        let start = Date::from_ymd(2024, 9, 1).unwrap();
        assert_eq!(start.add_days(73).to_string(), "2024-11-13");
    }

    #[test]
    fn rejects_non_dates() {
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "24-01-01",
            "2024/01/01",
            "",
            "2024-1-1",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Date::parse("2024-02-29")
                .unwrap()
                .one_year_earlier()
                .to_string(),
            "2023-02-28"
        );
    }
}
