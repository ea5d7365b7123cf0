//! Free time: candidate slots to propose when rescheduling.

use crate::meeting::Meeting;
use crate::tz::Tz;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The user's working hours, in their zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// Working days, `mon` .. `sun`.
    pub days: Vec<Weekday>,
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            start: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
        }
    }
}

/// A proposed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What to look for.
#[derive(Debug, Clone, Copy)]
pub struct SlotSearch {
    pub count: usize,
    /// Only slots from the day after the meeting on (illness, emergency).
    pub later_only: bool,
    /// No slot starts before this (now, or later to give notice).
    pub not_before: DateTime<Utc>,
    /// Time kept clear before and after each slot (travel to and from an
    /// in-person meeting).
    pub padding: Duration,
}

/// Up to `count` free slots as long as `meeting`, inside working hours, that
/// overlap no busy event, on half-hours, at most one per day: the nearest day
/// first, and on each day the time nearest the original. `busy` holds what
/// blocks my time.
pub fn free_slots(
    meeting: &Meeting,
    busy: &[&Meeting],
    hours: &WorkingHours,
    tz: Tz,
    search: SlotSearch,
) -> Vec<Slot> {
    let SlotSearch {
        count,
        later_only,
        not_before,
        padding,
    } = search;
    let length = meeting.end - meeting.start;
    if length <= Duration::zero() || length > Duration::hours(12) {
        return Vec::new();
    }
    let day0 = meeting.start.with_timezone(&tz).date_naive();
    let mut found: Vec<Slot> = Vec::new();
    let step = Duration::minutes(30);
    for offset in 0..28i64 {
        let Some(day) =
            day0.checked_add_signed(Duration::days(offset - if later_only { 0 } else { 7 }))
        else {
            continue;
        };
        if later_only && day <= day0 || !hours.days.contains(&day.weekday()) {
            continue;
        }
        let Some(mut start) = tz
            .from_local_datetime(&day.and_time(hours.start))
            .earliest()
        else {
            continue;
        };
        let Some(close) = tz.from_local_datetime(&day.and_time(hours.end)).earliest() else {
            continue;
        };
        while start + length <= close {
            let (s, e) = (
                start.with_timezone(&Utc),
                (start + length).with_timezone(&Utc),
            );
            let clash = |m: &&Meeting| {
                m.start < e + padding && m.end > s - padding && !m.same_occurrence(meeting)
            };
            let overlaps_original = s < meeting.end && e > meeting.start;
            if s >= not_before && !overlaps_original && !busy.iter().any(clash) {
                found.push(Slot { start: s, end: e });
            }
            start += step;
        }
    }
    let original = meeting.start.with_timezone(&tz);
    found.sort_by_key(|s| {
        let local = s.start.with_timezone(&tz);
        let days = (local.date_naive() - original.date_naive())
            .num_days()
            .abs();
        let minutes = (local.time() - original.time()).num_minutes().abs();
        (days, minutes, s.start)
    });
    let mut out: Vec<Slot> = Vec::new();
    for s in found {
        let day = s.start.with_timezone(&tz).date_naive();
        if !out
            .iter()
            .any(|o| o.start.with_timezone(&tz).date_naive() == day)
        {
            out.push(s);
        }
        if out.len() == count {
            break;
        }
    }
    out.sort_by_key(|s| s.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn search(count: usize, later_only: bool) -> SlotSearch {
        SlotSearch {
            count,
            later_only,
            not_before: at("2026-11-27T00:00:00Z"),
            padding: Duration::zero(),
        }
    }

    fn m(start: &str, end: &str) -> Meeting {
        Meeting {
            start: at(start),
            end: at(end),
            ..Default::default()
        }
    }

    #[test]
    fn nearest_free_slots_avoid_busy_time() {
        let tz = Tz::named("Europe/Oslo").unwrap();
        // Thursday 3 Dec 2026, 10:00-11:00 Oslo
        let meeting = m("2026-12-03T09:00:00Z", "2026-12-03T10:00:00Z");
        let busy = m("2026-12-03T10:00:00Z", "2026-12-03T13:00:00Z");
        let slots = free_slots(
            &meeting,
            &[&meeting, &busy],
            &WorkingHours::default(),
            tz,
            search(3, false),
        );
        assert_eq!(slots.len(), 3);
        assert!(slots
            .iter()
            .all(|s| !(s.start < busy.end && s.end > busy.start)));
        assert!(slots
            .iter()
            .all(|s| !(s.start < meeting.end && s.end > meeting.start)));
        // the nearest is on the same day, before the meeting: 09:00 local is 08:00Z
        assert_eq!(
            slots
                .iter()
                .find(|s| s.start.date_naive() == meeting.start.date_naive())
                .unwrap()
                .start,
            at("2026-12-03T08:00:00Z")
        );
    }

    #[test]
    fn later_only_skips_the_day_itself_and_weekends() {
        let tz = Tz::named("Europe/Oslo").unwrap();
        let meeting = m("2026-12-04T09:00:00Z", "2026-12-04T10:00:00Z"); // a Friday
        let slots = free_slots(&meeting, &[], &WorkingHours::default(), tz, search(2, true));
        assert_eq!(slots[0].start, at("2026-12-07T09:00:00Z")); // Monday, same time
    }
}
