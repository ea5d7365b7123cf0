//! Walking an RRULE in wall-clock time with the `rrule` crate.
//!
//! Rules are evaluated on naive local times presented to `rrule` as UTC, so
//! that any zone (an IANA zone or one defined only in the file) can be
//! applied afterwards, instance by instance. UNTIL is converted to the same
//! wall clock by the caller, so it is still compared as the instant it names.

use crate::value::{parse_stamp, Stamp};
use chrono::{Datelike, Months, NaiveDateTime, TimeDelta, TimeZone};
use rrule::{RRule, Unvalidated};

/// The instances of one rule, whether the walk was cut short by its budget,
/// and the damaged parts of the rule that were left out.
#[derive(Debug, Default)]
pub struct Walk {
    pub starts: Vec<NaiveDateTime>,
    pub capped: bool,
    pub skipped: Vec<String>,
}

/// Walks `rule` (the RRULE value) of a series that starts at `dtstart` up
/// to and including `stop`, visiting at most `budget` instances. Instances
/// before `from` are not wanted: where the rule allows, the walk starts
/// near it instead of at `dtstart` (see [`later_start`]). `until_wall` turns
/// the rule's UNTIL into the series' wall clock.
pub fn walk(
    rule: &str,
    dtstart: NaiveDateTime,
    until_wall: impl Fn(Stamp) -> NaiveDateTime,
    from: NaiveDateTime,
    stop: NaiveDateTime,
    budget: usize,
) -> Result<Walk, String> {
    let mut until = None;
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut skipped = Vec::new();
    // A damaged part is left out and the rest keeps its meaning, as
    // python-dateutil and the Python calendar libraries read it: a part
    // without '=', one repeated with the same value, a COUNT that is not
    // positive beside an UNTIL.
    for part in rule.trim().split(';').filter(|p| !p.trim().is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            skipped.push(format!("'{part}' (no value)"));
            continue;
        };
        let (key, value) = (key.trim().to_ascii_uppercase(), value.trim().to_owned());
        if let Some((_, seen)) = parts.iter().find(|(k, _)| *k == key) {
            if seen.eq_ignore_ascii_case(&value) {
                skipped.push(format!("'{key}={value}' (repeated)"));
                continue;
            }
            return Err(format!("{key} given twice with different values"));
        }
        match key.as_str() {
            "UNTIL" => {
                until = Some(parse_stamp(&value).ok_or_else(|| format!("bad UNTIL '{value}'"))?)
            }
            "FREQ"
                if matches!(
                    value.trim().to_ascii_uppercase().as_str(),
                    "SECONDLY" | "MINUTELY"
                ) =>
            {
                return Err(format!(
                    "FREQ={} is not expanded (too fine to be a meeting)",
                    value.trim()
                ));
            }
            _ => parts.push((key, value)),
        }
    }
    if until.is_some() {
        let not_positive = |v: &str| v.parse::<i64>().map_or(true, |n| n <= 0);
        if let Some(i) = parts
            .iter()
            .position(|(k, v)| k == "COUNT" && not_positive(v))
        {
            let (_, v) = parts.remove(i);
            skipped.push(format!("'COUNT={v}' (beside UNTIL)"));
        }
    }
    let text: Vec<String> = parts.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut parsed: RRule<Unvalidated> = text
        .join(";")
        .parse()
        .map_err(|e| format!("bad RRULE: {e}"))?;
    let utc = rrule::Tz::UTC;
    let until = until.map(until_wall);
    if let Some(u) = until {
        parsed = parsed.until(utc.from_utc_datetime(&u));
    }
    let start = later_start(&parts, dtstart, from)
        .filter(|s| until.is_none_or(|u| *s <= u))
        .unwrap_or(dtstart);
    let set = parsed
        .build(utc.from_utc_datetime(&start))
        .map_err(|e| format!("bad RRULE: {e}"))?
        // A rule that never matches (30 February) must not loop for ever.
        .limit();
    let mut out = Walk {
        skipped,
        ..Walk::default()
    };
    for instance in &set {
        let t = instance.naive_utc();
        if t > stop {
            break;
        }
        if out.starts.len() >= budget {
            out.capped = true;
            break;
        }
        if out.starts.len() % 4096 == 4095 && neitakk_core::cancel::requested() {
            break;
        }
        out.starts.push(t);
    }
    Ok(out)
}

/// The latest start, not after `from`, that is a whole number of the
/// rule's periods after `dtstart`, when walking from it gives the same
/// instances from itself on as walking from `dtstart`: the periods (days,
/// weeks counted from DTSTART's, months, years) fall as before, and what
/// DTSTART lends the rule (its weekday, day of the month, month, time of
/// day) is the same. `None` where that cannot be: a COUNT counts from
/// DTSTART, and a month or year shift may not keep the day (the 31st, 29
/// February).
fn later_start(
    parts: &[(String, String)],
    dtstart: NaiveDateTime,
    from: NaiveDateTime,
) -> Option<NaiveDateTime> {
    let value = |key: &str| parts.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    if value("COUNT").is_some() || from <= dtstart {
        return None;
    }
    let interval: i64 = match value("INTERVAL") {
        // A larger step is no calendar's: walked from DTSTART, as it is written.
        Some(v) => v.parse().ok().filter(|n| (1..=10_000).contains(n))?,
        None => 1,
    };
    let whole = |n: i64, step: i64| n / step * step;
    // `months` after DTSTART, rounded down to whole steps, and a step back
    // if that passes `from` (its day or time of day is later).
    let months_later = |months: i64, step: i64| {
        let start =
            dtstart.checked_add_months(Months::new(u32::try_from(whole(months, step)).ok()?))?;
        if start <= from {
            Some(start)
        } else {
            start.checked_sub_months(Months::new(u32::try_from(step).ok()?))
        }
    };
    let date = dtstart.date();
    let months = (i64::from(from.year()) - i64::from(date.year())) * 12 + i64::from(from.month())
        - i64::from(date.month());
    let days = (from - dtstart).num_days();
    match value("FREQ")?.to_ascii_uppercase().as_str() {
        "DAILY" => dtstart.checked_add_signed(TimeDelta::days(whole(days, interval))),
        "WEEKLY" => dtstart.checked_add_signed(TimeDelta::days(whole(days, 7 * interval))),
        "MONTHLY" if date.day() <= 28 => months_later(months, interval),
        "YEARLY" if !(date.month() == 2 && date.day() == 29) => months_later(months, 12 * interval),
        _ => None,
    }
    .filter(|s| *s > dtstart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn until_is_inclusive_at_the_edge() {
        let w = walk(
            "FREQ=DAILY;UNTIL=20261203T090000",
            at(2026, 12, 1, 9),
            Stamp::naive,
            at(2026, 12, 1, 9),
            at(2030, 1, 1, 0),
            100,
        )
        .unwrap();
        assert_eq!(
            w.starts,
            vec![at(2026, 12, 1, 9), at(2026, 12, 2, 9), at(2026, 12, 3, 9)]
        );
    }

    #[test]
    fn huge_count_is_bounded_by_stop_and_budget() {
        let w = walk(
            "FREQ=DAILY;COUNT=999999999",
            at(2026, 1, 1, 9),
            Stamp::naive,
            at(2026, 1, 1, 9),
            at(2026, 1, 10, 9),
            5,
        )
        .unwrap();
        assert_eq!(w.starts.len(), 5);
        assert!(w.capped);
    }

    #[test]
    fn secondly_is_refused() {
        assert!(walk(
            "FREQ=SECONDLY",
            at(2026, 1, 1, 9),
            Stamp::naive,
            at(2026, 1, 1, 9),
            at(2026, 1, 2, 0),
            5
        )
        .is_err());
    }

    /// Walked from near `from`, a rule gives the instances from `from` on
    /// that it gives walked from DTSTART, whatever the rule: starts on and
    /// off the rule, steps, weekdays, positions, month days, UNTIL.
    #[test]
    fn a_walk_from_near_the_window_finds_what_a_walk_from_dtstart_finds() {
        use proptest::prelude::*;
        let freq = prop_oneof![
            Just("DAILY"),
            Just("WEEKLY"),
            Just("MONTHLY"),
            Just("YEARLY"),
            Just("HOURLY")
        ];
        let by = prop_oneof![
            Just(""),
            Just(";BYDAY=MO,WE,FR"),
            Just(";BYDAY=TU"),
            Just(";BYDAY=1TU"),
            Just(";BYDAY=-1FR"),
            Just(";BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
            Just(";BYMONTHDAY=15,31"),
            Just(";BYMONTH=3,10;BYDAY=-1SU"),
            Just(";BYDAY=SU;WKST=SU"),
            Just(";BYWEEKNO=1,20;BYDAY=MO"),
            Just(";BYHOUR=9,15"),
            Just(";COUNT=40"),
            Just(";UNTIL=20270301T000000"),
            Just(";UNTIL=20190101T000000")
        ];
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
        runner
            .run(
                &(
                    freq,
                    1u32..5,
                    by,
                    0i64..(8 * 365),
                    0i64..(10 * 365),
                    0u32..24,
                ),
                |(freq, interval, by, start_day, from_day, hour)| {
                    let rule = format!("FREQ={freq};INTERVAL={interval}{by}");
                    let base = at(2018, 1, 1, 0);
                    let dtstart = base + TimeDelta::days(start_day) + TimeDelta::hours(hour.into());
                    let from = base + TimeDelta::days(from_day);
                    let stop = from + TimeDelta::days(800);
                    // A rule that cannot be walked (UNTIL before DTSTART) fails either way.
                    let kept = |from_near: NaiveDateTime| {
                        walk(&rule, dtstart, Stamp::naive, from_near, stop, 1_000_000).map(|w| {
                            w.starts
                                .into_iter()
                                .filter(|t| *t >= from)
                                .collect::<Vec<_>>()
                        })
                    };
                    prop_assert_eq!(
                        kept(from),
                        kept(dtstart),
                        "{} from {} at {}",
                        rule,
                        dtstart,
                        from
                    );
                    Ok(())
                },
            )
            .unwrap();
    }
}
