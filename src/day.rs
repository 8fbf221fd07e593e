//! Calendar dates as written in content: strictly `YYYY-MM-DD`.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day. Ordered, printed and serialized as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

impl Day {
    /// Builds a day from numbers; `None` when it is not a real calendar day.
    pub fn new(year: i16, month: i8, day: i8) -> Option<Day> {
        Date::new(year, month, day).ok().map(Day)
    }

    /// Today in UTC.
    pub fn today_utc() -> Day {
        Day(jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date())
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        later.0.duration_since(self.0).as_secs() / 86_400
    }

    /// The day `days` after this one (before it when negative), saturating at the calendar's ends.
    pub fn add_days(self, days: i64) -> Day {
        // Clamped to the distance to either end, so the sum always exists.
        let days = days.clamp(
            self.days_until(Day(Date::MIN)),
            self.days_until(Day(Date::MAX)),
        );
        let span = jiff::Span::new().days(days);
        Day(self.0.checked_add(span).unwrap_or(self.0))
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    pub fn month(self) -> i8 {
        self.0.month()
    }

    pub fn day(self) -> i8 {
        self.0.day()
    }

    /// The month this day lies in, as `YYYY-MM`.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.0.year(), self.0.month())
    }

    /// The first day of the month `months` after this day's month (before when negative).
    pub fn month_start_offset(self, months: i32) -> Day {
        let index = i32::from(self.0.year()) * 12 + i32::from(self.0.month()) - 1 + months;
        let year = index.div_euclid(12);
        let month = index.rem_euclid(12) + 1;
        Day::new(year as i16, month as i8, 1).unwrap_or(self)
    }
}

impl Default for Day {
    /// 1970-01-01: only a placeholder for records built in code.
    fn default() -> Self {
        Day(Date::constant(1970, 1, 1))
    }
}

impl fmt::Display for Day {
    /// `YYYY-MM-DD`. Dates are written hundreds of thousands of times in a large site, so
    /// the digits are put together directly rather than through three padded integers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        let Ok(year) = u16::try_from(year) else {
            // Years before 1 BC (jiff allows them; content files cannot have them).
            return write!(f, "{year:04}-{month:02}-{day:02}");
        };
        let digit = |n: u16| b'0' + (n % 10) as u8;
        let (month, day) = (u16::from(month as u8), u16::from(day as u8));
        let bytes = [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        let text = std::str::from_utf8(&bytes).map_err(|_| fmt::Error)?;
        f.pad(text)
    }
}

/// Why a text is not a date; the message says what a valid one looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDay(String);

impl fmt::Display for BadDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadDay {}

impl FromStr for Day {
    type Err = BadDay;

    fn from_str(text: &str) -> Result<Day, BadDay> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return Err(BadDay(format!(
                "invalid date `{text}`: write dates as YYYY-MM-DD, e.g. 2026-03-14"
            )));
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().unwrap_or(0);
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        if !(1..=12).contains(&month) {
            return Err(BadDay(format!(
                "invalid date `{text}`: there is no month {month}; months run from 01 to 12"
            )));
        }
        Day::new(year, month as i8, day as i8).ok_or_else(|| {
            BadDay(format!(
                "invalid date `{text}`: there is no day {day} in {year}-{month:02}"
            ))
        })
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Day, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// In a schema, a day is text in the one form `FromStr` reads; the pattern lets editors
/// flag `2026-3-14` as they type (an impossible day such as `2026-02-30` is left to `check`).
impl schemars::JsonSchema for Day {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Day".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strict_calendar_dates() {
        let cases = [
            ("2026-03-14", Some("2026-03-14")),
            ("2024-02-29", Some("2024-02-29")),
            ("2026-02-30", None),
            ("2026-3-14", None),
            ("2026-13-01", None),
            ("14/03/2026", None),
            ("", None),
            ("２０２６-03-14", None),
        ];
        for (text, expected) in cases {
            let parsed = text.parse::<Day>().ok().map(|day| day.to_string());
            assert_eq!(parsed.as_deref(), expected, "parsing {text:?}");
        }
    }

    #[test]
    fn bad_day_message_names_the_problem() {
        let error = "2026-02-30".parse::<Day>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid date `2026-02-30`: there is no day 30 in 2026-02"
        );
    }

    #[test]
    fn counts_days_across_leap_years() {
        let start: Day = "2024-02-28".parse().unwrap();
        let end: Day = "2024-03-01".parse().unwrap();
        assert_eq!(start.days_until(end), 2);
        assert_eq!(end.days_until(start), -2);
        assert_eq!(start.add_days(2), end);
    }

    #[test]
    fn adding_days_saturates_at_the_ends_of_the_calendar() {
        let start: Day = "2026-05-05".parse().unwrap();
        let last: Day = "9999-12-31".parse().unwrap();
        let first = Day(Date::MIN);
        assert_eq!(start.add_days(i64::MAX), last);
        assert_eq!(start.add_days(8_000_000), last);
        assert_eq!(start.add_days(i64::MIN), first);
        assert_eq!(last.add_days(1), last);
        assert_eq!(start.add_days(-1).to_string(), "2026-05-04");
    }

    #[test]
    fn displays_four_digit_years_and_two_digit_months_and_days() {
        let day: Day = "0987-01-05".parse().unwrap();
        assert_eq!(day.to_string(), "0987-01-05");
        assert_eq!(format!("[{day:>12}]"), "[  0987-01-05]");
        let day: Day = "2026-12-31".parse().unwrap();
        assert_eq!(day.to_string(), "2026-12-31");
    }

    #[test]
    fn month_offsets_wrap_years() {
        let day: Day = "2026-01-15".parse().unwrap();
        assert_eq!(day.month_start_offset(-1).to_string(), "2025-12-01");
        assert_eq!(day.month_start_offset(-23).to_string(), "2024-02-01");
        assert_eq!(day.month_start_offset(11).to_string(), "2026-12-01");
    }
}
