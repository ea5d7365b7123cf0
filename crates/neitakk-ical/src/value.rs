//! Property values: dates, date-times, durations, periods and text.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use std::sync::Arc;

/// A DATE or DATE-TIME value as written, before its zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stamp {
    /// A DATE: an all-day value.
    Date(NaiveDate),
    /// A DATE-TIME with a trailing `Z`.
    Utc(NaiveDateTime),
    /// A DATE-TIME in a zone (with TZID) or floating (without).
    Local(NaiveDateTime),
}

impl Stamp {
    /// The wall-clock date-time (midnight for dates).
    pub fn naive(self) -> NaiveDateTime {
        match self {
            Stamp::Date(d) => d.and_time(NaiveTime::MIN),
            Stamp::Utc(t) | Stamp::Local(t) => t,
        }
    }
}

/// A time value with the TZID it was written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Time {
    pub stamp: Stamp,
    pub tzid: Option<Arc<str>>,
}

/// A date as `20261130` (`basic`) or `2026-11-30`. Written by hand, not by
/// `format`: a year's listing writes hundreds of thousands of them, and a
/// format string is parsed anew at every call.
pub fn date_text(d: NaiveDate, basic: bool) -> String {
    let mut out = String::with_capacity(20);
    push_date(&mut out, d, basic);
    out
}

/// A date-time as `20261130T090000` (`basic`) or `2026-11-30T09:00:00`.
pub fn date_time_text(t: NaiveDateTime, basic: bool) -> String {
    let mut out = String::with_capacity(20);
    push_date(&mut out, t.date(), basic);
    out.push('T');
    let sep = if basic { "" } else { ":" };
    for (k, n) in [t.hour(), t.minute(), t.second()].into_iter().enumerate() {
        if k > 0 {
            out.push_str(sep);
        }
        push_digits(&mut out, n, 2);
    }
    out
}

fn push_date(out: &mut String, d: NaiveDate, basic: bool) {
    match u32::try_from(d.year()) {
        Ok(y) if y <= 9999 => push_digits(out, y, 4),
        // Outside four digits, as chrono writes it (`+10000`, `-0001`).
        _ => out.push_str(&d.format("%Y").to_string()),
    }
    let sep = if basic { "" } else { "-" };
    out.push_str(sep);
    push_digits(out, d.month(), 2);
    out.push_str(sep);
    push_digits(out, d.day(), 2);
}

/// `n` in `width` digits, zeros in front.
fn push_digits(out: &mut String, n: u32, width: u32) {
    for k in (0..width).rev() {
        let digit = (n / 10u32.pow(k)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Parses `YYYYMMDD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        s[..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..].parse().ok()?,
    )
}

/// Parses a DATE (`YYYYMMDD`) or DATE-TIME (`YYYYMMDDTHHMMSS[Z]`).
pub fn parse_stamp(s: &str) -> Option<Stamp> {
    let s = s.trim();
    if let Some(d) = parse_date(s) {
        return Some(Stamp::Date(d));
    }
    let (body, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(b) => (b, true),
        None => (s, false),
    };
    let (date, time) = body.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    if time.len() != 6 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m, sec): (u32, u32, u32) = (
        time[..2].parse().ok()?,
        time[2..4].parse().ok()?,
        time[4..].parse().ok()?,
    );
    // A leap second (60) is read as the last second of the minute.
    let t = NaiveTime::from_hms_opt(h, m, sec.min(59))?;
    let dt = date.and_time(t);
    Some(if utc {
        Stamp::Utc(dt)
    } else {
        Stamp::Local(dt)
    })
}

/// A DURATION: the day and week part counts in wall-clock days, the rest in
/// exact seconds (RFC 5545 section 3.3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    pub days: i64,
    pub seconds: i64,
}

impl Duration {
    /// The length as exact time, for ordering and display (days as 24 h).
    pub fn approx(self) -> TimeDelta {
        TimeDelta::try_days(self.days)
            .and_then(|d| d.checked_add(&TimeDelta::try_seconds(self.seconds)?))
            .unwrap_or(TimeDelta::zero())
    }
}

/// Parses `[+-]P[nW][nD][T[nH][nM][nS]]`. Values too large to be meaningful are refused.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (neg, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let s = s.strip_prefix(['P', 'p'])?;
    let (mut days, mut seconds, mut in_time, mut num, mut any) =
        (0i64, 0i64, false, String::new(), false);
    for c in s.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' => num.push(c),
            'T' if num.is_empty() && !in_time => in_time = true,
            unit => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                any = true;
                match (unit, in_time) {
                    ('W', false) => days = days.checked_add(n.checked_mul(7)?)?,
                    ('D', false) => days = days.checked_add(n)?,
                    ('H', true) => seconds = seconds.checked_add(n.checked_mul(3600)?)?,
                    ('M', true) => seconds = seconds.checked_add(n.checked_mul(60)?)?,
                    ('S', true) => seconds = seconds.checked_add(n)?,
                    _ => return None,
                }
            }
        }
    }
    // about 27 years: longer is an error, not a meeting
    if !num.is_empty() || !any || days > 10_000 || seconds > 10_000 * 86_400 {
        return None;
    }
    Some(if neg {
        Duration {
            days: -days,
            seconds: -seconds,
        }
    } else {
        Duration { days, seconds }
    })
}

/// Undoes TEXT escaping (`\n`, `\,`, `\;`, `\\`).
pub fn unescape_text(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The e-mail address of a CAL-ADDRESS (`mailto:Kari@X.no` -> `kari@x.no`).
pub fn cal_address(s: &str) -> String {
    let s = s.trim();
    // `get` rather than slicing: byte 7 may fall inside a character ("Kåre Åsen").
    let s = match s.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => &s[7..],
        _ => s,
    };
    s.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        for (y, m, d, h, min, sec) in [
            (2026, 12, 3, 9, 5, 7),
            (1, 1, 1, 0, 0, 0),
            (9999, 12, 31, 23, 59, 59),
            (10000, 1, 1, 0, 0, 0),
            (-1, 6, 15, 12, 0, 0),
        ] {
            let t = NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(h, min, sec))
                .unwrap();
            assert_eq!(
                date_time_text(t, true),
                t.format("%Y%m%dT%H%M%S").to_string()
            );
            assert_eq!(
                date_time_text(t, false),
                t.format("%Y-%m-%dT%H:%M:%S").to_string()
            );
            assert_eq!(date_text(t.date(), true), t.format("%Y%m%d").to_string());
            assert_eq!(date_text(t.date(), false), t.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn stamps() {
        assert_eq!(
            parse_stamp("20261203"),
            Some(Stamp::Date(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()))
        );
        assert!(matches!(
            parse_stamp("20261203T090000Z"),
            Some(Stamp::Utc(_))
        ));
        assert!(matches!(
            parse_stamp("20261203T090000"),
            Some(Stamp::Local(_))
        ));
        assert_eq!(parse_stamp("20261303T090000"), None);
        assert_eq!(parse_stamp("2026-12-03"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("PT1H30M"),
            Some(Duration {
                days: 0,
                seconds: 5400
            })
        );
        assert_eq!(
            parse_duration("P1W"),
            Some(Duration {
                days: 7,
                seconds: 0
            })
        );
        assert_eq!(
            parse_duration("P1DT2H"),
            Some(Duration {
                days: 1,
                seconds: 7200
            })
        );
        assert_eq!(
            parse_duration("-PT15M"),
            Some(Duration {
                days: 0,
                seconds: -900
            })
        );
        assert_eq!(parse_duration("P"), None);
        assert_eq!(parse_duration("PT1D"), None);
        assert_eq!(parse_duration("P99999999999999999999D"), None);
    }

    #[test]
    fn text() {
        assert_eq!(
            unescape_text(r"Møte\, rom 3\nTa med\; kaffe\\te"),
            "Møte, rom 3\nTa med; kaffe\\te"
        );
        assert_eq!(cal_address("MAILTO:Kari@Fjord.NO"), "kari@fjord.no");
        assert_eq!(
            cal_address("Kåre Åsen"),
            "kåre Åsen",
            "no panic; ASCII case only"
        );
    }
}
