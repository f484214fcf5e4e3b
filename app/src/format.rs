//! Formatting of money and times for display. Money is integer fen everywhere else; times are
//! UTC milliseconds everywhere else.

use crate::i18n::Lang;
use configurator::Money;
use models::time::civil_from_days;
pub use models::time::{iso_date, parse_iso_date};

/// `¥89,900` or `¥0.20`: whole yuan without decimals, otherwise two decimals (the one
/// formatter of the `money` crate).
pub fn money(amount: Money) -> String {
    amount.yuan()
}

/// A price delta: `+¥3,000`, `-¥6,000`, or the word for "included" when zero.
pub fn delta(amount: Money, lang: Lang) -> String {
    match amount.0 {
        0 => lang.texts().included.to_string(),
        d if d > 0 => format!("+{}", money(amount)),
        _ => money(amount),
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A plain number with thousands separators, e.g. `3,000`.
pub fn number(n: u64) -> String {
    group_thousands(n)
}

/// The time left until `end_ms`, split into days, hours, minutes and seconds.
pub fn countdown(now_ms: i64, end_ms: i64) -> Option<[i64; 4]> {
    let left = (end_ms - now_ms) / 1000;
    (left > 0).then_some({
        [
            left / 86_400,
            left % 86_400 / 3600,
            left % 3600 / 60,
            left % 60,
        ]
    })
}

/// A UTC timestamp shown as a date and time.
///
/// In the browser this uses the user's own time zone. On the server, which cannot know it,
/// the page is first rendered in China Standard Time (the launch market) and corrected by the
/// browser once it hydrates.
pub fn datetime(utc_ms: i64, lang: Lang) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(utc_ms as f64));
        let options = js_sys::Object::new();
        for (key, value) in [
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        let text = date.to_locale_string(lang.tag(), &options);
        if let Some(text) = text.as_string() {
            return text;
        }
    }
    china_time(utc_ms, lang)
}

/// Formats in UTC+8 without a time-zone database: China has no daylight saving time.
pub fn china_time(utc_ms: i64, lang: Lang) -> String {
    let secs = utc_ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm) = (rem / 3600, rem % 3600 / 60);
    match lang {
        Lang::Zh => format!("{y}年{m}月{d}日 {hh:02}:{mm:02} (UTC+8)"),
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{} {d}, {y}, {hh:02}:{mm:02} (UTC+8)",
                MONTHS[(m - 1) as usize]
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_keeps_fen() {
        assert_eq!(money(Money(8_990_000)), "¥89,900");
        assert_eq!(money(Money(20)), "¥0.20");
        assert_eq!(money(Money(39_900)), "¥399");
        assert_eq!(money(Money(-600_000)), "-¥6,000");
        assert_eq!(money(Money(7_819_339_900)), "¥78,193,399");
    }

    #[test]
    fn china_time_is_utc_plus_eight() {
        // 2025-01-01T00:00:00Z is 08:00 in Beijing.
        assert_eq!(
            china_time(1_735_689_600_000, Lang::En),
            "Jan 1, 2025, 08:00 (UTC+8)"
        );
        assert_eq!(
            china_time(1_735_689_600_000, Lang::Zh),
            "2025年1月1日 08:00 (UTC+8)"
        );
    }

    #[test]
    fn countdown_splits_and_stops() {
        assert_eq!(countdown(0, 90_061_000), Some([1, 1, 1, 1]));
        assert_eq!(countdown(10, 10), None);
    }
}
