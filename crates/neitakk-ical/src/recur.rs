//! Walking an RRULE in wall-clock time with the `rrule` crate.
//!
//! Rules are evaluated on naive local times presented to `rrule` as UTC, so
//! that any zone (an IANA zone or one defined only in the file) can be
//! applied afterwards, instance by instance. UNTIL is converted to the same
//! wall clock by the caller, so it is still compared as the instant it names.

use crate::value::{parse_stamp, Stamp};
use chrono::{NaiveDateTime, TimeZone};
use rrule::{RRule, Unvalidated};

/// The instances of one rule, whether the walk was cut short by its budget,
/// and the damaged parts of the rule that were left out.
#[derive(Debug, Default)]
pub struct Walk {
    pub starts: Vec<NaiveDateTime>,
    pub capped: bool,
    pub skipped: Vec<String>,
}

/// Walks `rule` (the RRULE value) from `dtstart` up to and including `stop`,
/// visiting at most `budget` instances. `until_wall` turns the rule's UNTIL
/// into the series' wall clock.
pub fn walk(
    rule: &str,
    dtstart: NaiveDateTime,
    until_wall: impl Fn(Stamp) -> NaiveDateTime,
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
    if let Some(u) = until {
        parsed = parsed.until(utc.from_utc_datetime(&until_wall(u)));
    }
    let set = parsed
        .build(utc.from_utc_datetime(&dtstart))
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
            at(2026, 1, 2, 0),
            5
        )
        .is_err());
    }
}
