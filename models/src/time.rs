//! Time as the whole workspace stores it: UTC milliseconds since the Unix epoch, and days since
//! 1970-01-01. One place for the constants and the calendar arithmetic.

/// One second in milliseconds.
pub const SECOND_MS: i64 = 1_000;
/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// One hour in milliseconds.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// Beijing time (UTC+8), the campaign's calendar, ahead of UTC by this many milliseconds.
pub const BEIJING_OFFSET_MS: i64 = 8 * HOUR_MS;

/// A day number (days since 1970-01-01) as `YYYY-MM-DD`.
pub fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD` as a day number (days since 1970-01-01); `None` if it is not a real date.
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let day = era * 146_097 + doe - 719_468;
    (civil_from_days(day) == (y, m, d)).then_some(day)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_round_trip() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(parse_iso_date("2025-01-01"), Some(20_089));
        for day in [0, 59, 60, 11_016, 20_089, 20_454, 30_000] {
            assert_eq!(parse_iso_date(&iso_date(day)), Some(day));
        }
        assert_eq!(parse_iso_date("2025-02-30"), None);
        assert_eq!(parse_iso_date("2025-13-01"), None);
        assert_eq!(parse_iso_date("yesterday"), None);
    }
}
