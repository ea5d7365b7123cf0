//! Calendars as Outlook, Exchange, Google, Apple and Evolution write them:
//! one fixture of our own per behaviour (tests/data/real-world/), each
//! written to show its case.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_ical::{read, reader::Options, Calendar, Window};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn load_with(name: &str, tz: Option<neitakk_core::Tz>) -> Calendar {
    let path = format!(
        "{}/tests/data/real-world/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap();
    let window = Window {
        from: utc("2026-10-01T00:00:00Z"),
        to: utc("2027-01-31T00:00:00Z"),
    };
    let options = Options {
        tz,
        ..Options::default()
    };
    read(name, &bytes, window, &options)
        .unwrap()
        .into_calendar()
}

fn load(name: &str) -> Calendar {
    load_with(name, None)
}

fn starts(cal: &Calendar, uid: &str) -> Vec<String> {
    cal.occurrences
        .iter()
        .filter(|m| m.uid == uid)
        .map(|m| m.start.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .collect()
}

fn summaries(cal: &Calendar, uid: &str) -> Vec<String> {
    cal.occurrences
        .iter()
        .filter(|m| m.uid == uid)
        .map(|m| m.summary.as_deref().unwrap_or("").to_owned())
        .collect()
}

fn warned(cal: &Calendar, text: &str) -> Option<usize> {
    cal.warnings
        .iter()
        .find(|w| w.message.contains(text))
        .map(|w| w.line)
}

/// Case 1: an all-day series whose moved instances carry a DATE-TIME
/// RECURRENCE-ID (local midnight with a TZID, or UTC midnight, as Exchange
/// writes them) replaces the instance of that date; and the other way round.
#[test]
fn overrides_of_another_value_type_replace_their_instance() {
    let cal = load("exchange-override-types.ics");
    let days: Vec<_> = cal
        .occurrences
        .iter()
        .filter(|m| m.uid == "allday-series")
        .map(|m| m.dates.unwrap().0.to_string())
        .collect();
    assert_eq!(days, ["2026-12-07", "2026-12-15", "2026-12-22"]);
    assert_eq!(
        summaries(&cal, "allday-series"),
        ["Fagdag", "Fagdag (flyttet)", "Fagdag (flyttet igjen)"]
    );
    // A timed series with a DATE RECURRENCE-ID: the instance of that day moves.
    assert_eq!(
        starts(&cal, "timed-series"),
        [
            "2026-12-07T08:00:00Z",
            "2026-12-15T12:00:00Z",
            "2026-12-21T08:00:00Z"
        ]
    );
    let moved = cal
        .occurrences
        .iter()
        .find(|m| m.summary.as_deref() == Some("Statusmøte (flyttet)"))
        .unwrap();
    assert_eq!(moved.recurrence_id.as_deref(), Some("2026-12-14T08:00:00Z"));
}

/// Case 2: a damaged RRULE keeps its meaning: the bad part is left out with a
/// warning naming its line, and the rest is expanded.
#[test]
fn a_damaged_rrule_keeps_its_meaning() {
    let cal = load("damaged-rrule.ics");
    assert_eq!(
        starts(&cal, "part-without-value"),
        [
            "2026-12-07T08:00:00Z",
            "2026-12-14T08:00:00Z",
            "2026-12-21T08:00:00Z"
        ]
    );
    assert_eq!(warned(&cal, "'BYDAY' (no value)"), Some(9));
    assert_eq!(
        starts(&cal, "repeated-part"),
        ["2026-12-07T12:00:00Z", "2026-12-08T12:00:00Z"]
    );
    assert_eq!(warned(&cal, "'COUNT=2' (repeated)"), Some(16));
    assert_eq!(
        starts(&cal, "count-zero-beside-until"),
        ["2026-12-08T08:00:00Z", "2026-12-22T08:00:00Z"]
    );
    assert_eq!(warned(&cal, "'COUNT=0' (beside UNTIL)"), Some(23));
    assert!(cal.warnings.iter().all(|w| w.file == "damaged-rrule.ics"));
}

/// Case 3 and 13: a UID is everything after the colon; an event without one is
/// still one meeting, and says it had none.
#[test]
fn a_uid_is_read_as_written() {
    let cal = load("uid-as-written.ics");
    assert_eq!(starts(&cal, " padded-uid "), ["2026-12-07T08:00:00Z"]);
    let none = cal
        .occurrences
        .iter()
        .find(|m| m.summary.as_deref() == Some("Uten UID"))
        .unwrap();
    assert!(none.uid_made_up);
    assert!(
        !none.uid.contains("uid-as-written"),
        "no file name in {}",
        none.uid
    );
    assert!(warned(&cal, "without UID").is_some());
}

/// Case 4: an override older than its series, for an instance the newer series
/// no longer has, is gone; with an equal SEQUENCE it stays.
#[test]
fn a_stale_override_is_gone() {
    let cal = load("stale-override.ics");
    assert_eq!(
        summaries(&cal, "shortened-series"),
        [
            "Prosjektmøte (flyttet, gjeldende)",
            "Prosjektmøte (flyttet, like ny)"
        ]
    );
    assert_eq!(
        starts(&cal, "shortened-series"),
        ["2026-12-14T12:00:00Z", "2026-12-29T08:00:00Z"]
    );
    assert!(warned(&cal, "older than its series").is_some());
}

/// Case 5: an override describes its instance fully: nothing is inherited.
#[test]
fn an_override_stands_alone() {
    let cal = load("override-stands-alone.ics");
    let all: Vec<_> = cal
        .occurrences
        .iter()
        .filter(|m| m.uid == "standalone")
        .collect();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].summary.as_deref(), Some("Kundemøte"));
    assert_eq!(all[0].attendees.len(), 1);
    let moved = all[1];
    assert_eq!(moved.start, utc("2026-12-14T10:00:00Z"));
    assert_eq!(moved.summary, None);
    assert_eq!(moved.location, None);
    assert_eq!(moved.description, None);
    assert!(moved.organizer.is_none() && moved.attendees.is_empty());
}

/// Case 6: with X-WR-TIMEZONE, UTC times are wall-clock times in that zone: a
/// weekly series keeps its hour across the change to winter time. All-day
/// dates stay in the reader's zone.
#[test]
fn x_wr_timezone_as_google_means_it() {
    let cal = load("google-x-wr-timezone.ics");
    assert_eq!(
        starts(&cal, "weekly-utc"),
        [
            "2026-10-19T07:00:00Z",
            "2026-10-27T08:00:00Z",
            "2026-11-09T08:00:00Z"
        ],
        "09.00 in Oslo all along; the EXDATE and the moved instance match"
    );
    assert_eq!(starts(&cal, "all-day"), ["2026-11-04T00:00:00Z"]);
    let in_oslo = load_with(
        "google-x-wr-timezone.ics",
        Some(neitakk_core::Tz::named("Europe/Oslo").unwrap()),
    );
    assert_eq!(starts(&in_oslo, "all-day"), ["2026-11-03T23:00:00Z"]);
}

/// Case 7: several THISANDFUTURE overrides: each shifts from its own
/// RECURRENCE-ID on, against the original times, and places its own
/// instance at its own DTSTART and DTEND.
#[test]
fn several_this_and_future_overrides() {
    let cal = load("this-and-future-twice.ics");
    let got: Vec<(String, i64)> = cal
        .occurrences
        .iter()
        .filter(|m| m.uid == "moved-twice")
        .map(|m| {
            (
                m.start.format("%m-%dT%H:%M").to_string(),
                (m.end - m.start).num_minutes(),
            )
        })
        .collect();
    let want = [
        ("11-02T09:00", 60),
        ("11-09T09:00", 60),
        ("11-16T10:00", 60),
        ("11-23T10:00", 60),
        ("11-30T11:00", 30),
        ("12-07T11:00", 30),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect::<Vec<_>>()
    );
}

/// Case 8 and 9: vendor-prefixed TZIDs resolve to their IANA zone; a VTIMEZONE's
/// TZID is TEXT, unescaped before it is matched.
#[test]
fn vendor_tzids_and_escaped_zone_names() {
    let cal = load("vendor-and-escaped-zones.ics");
    assert_eq!(starts(&cal, "evolution"), ["2026-12-07T08:00:00Z"]);
    assert_eq!(starts(&cal, "old-libical"), ["2026-12-07T14:00:00Z"]);
    assert_eq!(starts(&cal, "escaped"), ["2026-12-07T03:30:00Z"]);
    assert!(cal.warnings.is_empty(), "{:?}", cal.warnings);
}

/// Case 11: a skipped component whose END is misspelled or missing does not
/// swallow the events after it.
#[test]
fn a_broken_skipped_component_does_not_swallow_the_rest() {
    let cal = load("broken-todo.ics");
    assert_eq!(starts(&cal, "after-the-todo"), ["2026-12-07T08:00:00Z"]);
    assert_eq!(
        starts(&cal, "after-the-vendor-block"),
        ["2026-12-08T08:00:00Z"]
    );
    assert_eq!(
        warned(&cal, "unterminated VTODO closed by BEGIN:VEVENT"),
        Some(8)
    );
    assert_eq!(
        warned(&cal, "unterminated X-VENDOR-THING closed by BEGIN:VEVENT"),
        Some(16)
    );
}

/// Case 12: blanks before BEGIN:VCALENDAR are tolerated, with a warning.
#[test]
fn blanks_before_the_calendar() {
    let cal = load("blanks-before-calendar.ics");
    assert_eq!(starts(&cal, "after-blanks"), ["2026-12-07T08:00:00Z"]);
    assert!(warned(&cal, "blanks before BEGIN:VCALENDAR").is_some());
}

/// Case 14: where neitakk reads a case on purpose otherwise than the common
/// libraries (docs/reading-calendars.md has the table and the reasons).
#[test]
fn deliberate_readings() {
    let cal = load("deliberate-readings.ics");
    let one = |uid: &str| cal.occurrences.iter().find(|m| m.uid == uid).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // An all-day DTEND equal to DTSTART is one day.
    assert_eq!(
        one("allday-zero-length").dates,
        Some((d("2026-12-07"), d("2026-12-08")))
    );
    // A TZID on a DATE value is ignored: the date is the date.
    assert_eq!(one("date-with-tzid").start, utc("2026-12-08T00:00:00Z"));
    // A cancelled instance of a series is not listed.
    assert_eq!(
        starts(&cal, "series-with-cancelled-instance"),
        ["2026-12-07T08:00:00Z", "2026-12-21T08:00:00Z"]
    );
    // Outlook's display-name TZID without a VTIMEZONE: its IANA zone.
    assert_eq!(
        one("outlook-display-name").start,
        utc("2026-12-09T08:00:00Z")
    );
    // DTEND before DTSTART: kept, at zero length, with a warning.
    let odd = one("end-before-start");
    assert_eq!(odd.start, odd.end);
    assert!(warned(&cal, "DTEND before DTSTART").is_some());
}

/// Case 10: the zone rules are the current tz database's. British Columbia
/// stays on -07:00 from November 2026 (tzdb 2026a); a database from before
/// moves the meetings after 1 November an hour later.
#[test]
fn zone_rules_from_a_current_database() {
    assert_eq!(neitakk_core::tz::DATABASE_VERSION, "2026f");
    let cal = load("current-tz-rules.ics");
    assert_eq!(
        starts(&cal, "vancouver-weekly"),
        [
            "2026-10-21T17:00:00Z",
            "2026-10-28T17:00:00Z",
            "2026-11-04T17:00:00Z",
            "2026-12-02T17:00:00Z"
        ]
    );
}
