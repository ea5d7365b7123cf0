//! Expansion checked against hand-computed answers, one fixture per concern.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, NaiveDate, Utc};
use neitakk_ical::{read, reader::Options, Calendar, Window};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn load(name: &str, from: &str, to: &str, tz: Option<neitakk_core::Tz>) -> Calendar {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let options = Options {
        tz,
        ..Options::default()
    };
    read(
        name,
        &bytes,
        Window {
            from: utc(from),
            to: utc(to),
        },
        &options,
    )
    .unwrap()
    .into_calendar()
}

/// `(start, end, recurrence_id)` of every occurrence of `uid`.
fn of(cal: &Calendar, uid: &str) -> Vec<(String, String, Option<String>)> {
    let f = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    cal.occurrences
        .iter()
        .filter(|m| m.uid == uid)
        .map(|m| (f(m.start), f(m.end), m.recurrence_id.clone()))
        .collect()
}

fn starts(cal: &Calendar, uid: &str) -> Vec<String> {
    of(cal, uid).into_iter().map(|o| o.0).collect()
}

fn year() -> Calendar {
    load(
        "recurrence.ics",
        "2026-01-01T00:00:00Z",
        "2027-01-01T00:00:00Z",
        None,
    )
}

#[test]
fn utc_series_is_not_shifted_and_honours_exdate() {
    assert_eq!(
        starts(&year(), "utc-series"),
        [
            "2026-12-01T08:00:00Z",
            "2026-12-15T08:00:00Z",
            "2026-12-22T08:00:00Z"
        ]
    );
}

#[test]
fn until_keeps_the_instance_on_the_edge() {
    let cal = year();
    assert_eq!(
        of(&cal, "until-edge")[2],
        (
            "2026-12-03T08:00:00Z".into(),
            "2026-12-03T08:30:00Z".into(),
            Some("2026-12-03T08:00:00Z".into())
        )
    );
    assert_eq!(of(&cal, "until-edge").len(), 3);
}

#[test]
fn overrides_match_on_uid_and_recurrence_id_and_cancelled_ones_go() {
    let cal = year();
    let moved = of(&cal, "moved");
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert_eq!(moved[1].0, "2026-12-09T13:00:00Z");
    assert_eq!(moved[1].2.as_deref(), Some("2026-12-08T09:00:00Z"));
    let m = cal
        .occurrences
        .iter()
        .find(|m| m.start == utc("2026-12-09T13:00:00Z"))
        .unwrap();
    assert_eq!(m.summary.as_deref(), Some("Weekly status (moved)"));
    // the instance with another UID stays its own occurrence
    assert_eq!(starts(&cal, "other-uid"), ["2026-12-01T11:00:00Z"]);
}

#[test]
fn zone_defined_only_in_the_file() {
    assert_eq!(of(&year(), "custom-zone")[0].0, "2026-07-01T07:00:00Z");
}

#[test]
fn dst_gap_instance_keeps_its_zone() {
    // 02:30 on 29 March does not exist in Oslo: read with the offset before it (01:30Z)
    assert_eq!(
        starts(&year(), "dst-gap"),
        [
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-30T00:30:00Z"
        ]
    );
}

#[test]
fn duration_in_days_is_wall_clock() {
    // noon to noon across the change to winter time is 25 hours
    assert_eq!(of(&year(), "day-duration")[0].1, "2026-10-25T11:00:00Z");
}

#[test]
fn this_and_future_moves_the_rest_of_the_series() {
    assert_eq!(
        of(&year(), "future"),
        [
            (
                "2026-11-02T08:00:00Z".into(),
                "2026-11-02T09:00:00Z".into(),
                Some("2026-11-02T08:00:00Z".into())
            ),
            (
                "2026-11-09T08:00:00Z".into(),
                "2026-11-09T09:00:00Z".into(),
                Some("2026-11-09T08:00:00Z".into())
            ),
            (
                "2026-11-17T08:00:00Z".into(),
                "2026-11-17T08:30:00Z".into(),
                Some("2026-11-16T08:00:00Z".into())
            ),
            (
                "2026-11-24T08:00:00Z".into(),
                "2026-11-24T08:30:00Z".into(),
                Some("2026-11-23T08:00:00Z".into())
            ),
        ]
    );
}

#[test]
fn several_rules_and_rdates_of_every_kind() {
    assert_eq!(
        of(&year(), "rdates"),
        [
            (
                "2026-01-05T08:00:00Z".into(),
                "2026-01-05T09:00:00Z".into(),
                Some("2026-01-05T08:00:00Z".into())
            ),
            (
                "2026-01-10T12:00:00Z".into(),
                "2026-01-10T13:00:00Z".into(),
                Some("2026-01-10T12:00:00Z".into())
            ),
            (
                "2026-01-11T12:00:00Z".into(),
                "2026-01-11T14:00:00Z".into(),
                Some("2026-01-11T12:00:00Z".into())
            ),
            (
                "2026-01-12T12:00:00Z".into(),
                "2026-01-12T12:30:00Z".into(),
                Some("2026-01-12T12:00:00Z".into())
            ),
            (
                "2026-01-20T08:00:00Z".into(),
                "2026-01-20T09:00:00Z".into(),
                Some("2026-01-20T08:00:00Z".into())
            ),
            (
                "2026-02-05T08:00:00Z".into(),
                "2026-02-05T09:00:00Z".into(),
                Some("2026-02-05T08:00:00Z".into())
            ),
        ]
    );
}

#[test]
fn all_day_events_and_missing_ends() {
    let cal = year();
    let offsite = cal.occurrences.iter().find(|m| m.uid == "allday").unwrap();
    let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(offsite.dates, Some((d("2026-12-10"), d("2026-12-12"))));
    // all-day dates belong to the reader's zone (here none given: UTC), not
    // to the calendar's X-WR-TIMEZONE (Oslo)
    assert_eq!(offsite.start, utc("2026-12-10T00:00:00Z"));
    let in_oslo = load(
        "recurrence.ics",
        "2026-12-01T00:00:00Z",
        "2026-12-31T00:00:00Z",
        Some(neitakk_core::Tz::named("Europe/Oslo").unwrap()),
    );
    let offsite = in_oslo
        .occurrences
        .iter()
        .find(|m| m.uid == "allday")
        .unwrap();
    assert_eq!(offsite.start, utc("2026-12-09T23:00:00Z"));
    let one = cal
        .occurrences
        .iter()
        .find(|m| m.uid == "allday-no-end")
        .unwrap();
    assert_eq!(one.dates, Some((d("2026-12-14"), d("2026-12-15"))));
    assert_eq!(of(&cal, "no-end")[0].0, of(&cal, "no-end")[0].1);
}

#[test]
fn zone_names_windows_vendor_unknown_and_floating() {
    let cal = year();
    assert_eq!(starts(&cal, "zones"), ["2026-12-16T08:00:00Z"]);
    assert_eq!(starts(&cal, "zones-vendor"), ["2026-12-16T14:00:00Z"]);
    // unknown and floating times are read in the calendar's default zone (Oslo) ...
    assert_eq!(starts(&cal, "zones-unknown"), ["2026-12-17T08:00:00Z"]);
    assert_eq!(starts(&cal, "floating"), ["2026-12-18T08:00:00Z"]);
    assert!(cal.warnings.iter().any(|w| w.message.contains("Atlantis")));
    // ... unless the user names a zone
    let ny = load(
        "recurrence.ics",
        "2026-12-18T00:00:00Z",
        "2026-12-19T00:00:00Z",
        Some(neitakk_core::Tz::named("America/New_York").unwrap()),
    );
    assert_eq!(starts(&ny, "floating"), ["2026-12-18T14:00:00Z"]);
}

#[test]
fn window_edges() {
    // an occurrence ending exactly at `from` is out; one starting exactly at `to` is out
    let cal = load(
        "recurrence.ics",
        "2026-12-01T09:00:00Z",
        "2026-12-15T08:00:00Z",
        None,
    );
    assert_eq!(starts(&cal, "utc-series"), Vec::<String>::new());
    let cal = load(
        "recurrence.ics",
        "2026-12-14T12:00:00Z",
        "2026-12-14T12:00:01Z",
        None,
    );
    assert_eq!(
        starts(&cal, "no-end"),
        ["2026-12-14T12:00:00Z"],
        "zero-length at from is listed"
    );
}

#[test]
fn hostile_input_is_bounded_and_warned_about() {
    let cal = load(
        "hostile.ics",
        "2026-12-01T00:00:00Z",
        "2026-12-08T00:00:00Z",
        None,
    );
    let ok = cal.occurrences.iter().find(|m| m.uid == "ok").unwrap();
    assert_eq!(ok.summary.as_deref(), Some("Survives its neighbours"));
    let w = |s: &str| {
        cal.warnings
            .iter()
            .find(|w| w.message.contains(s))
            .map(|w| w.line)
    };
    assert_eq!(w("malformed line"), Some(3));
    assert!(w("SECONDLY").is_some());
    assert!(w("capped").is_some(), "{:?}", cal.warnings);
    assert_eq!(w("bad DTSTART"), Some(19));
    assert_eq!(w("without a valid DTSTART"), Some(17));
    assert!(!cal.occurrences.iter().any(|m| m.uid == "bad-start"));
}

#[test]
fn not_a_calendar_is_an_error() {
    let w = Window {
        from: utc("2026-01-01T00:00:00Z"),
        to: utc("2027-01-01T00:00:00Z"),
    };
    let err = read(
        "notes.txt",
        b"Dear diary,\nnothing here.\n",
        w,
        &Options::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not an iCalendar file"));
}

#[test]
fn invitation_inside_an_email() {
    let eml = "From: Kari <kari@fjord.no>\r\nTo: me@firma.no\r\nSubject: Invitation\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHei!\r\n\
--b\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVRVUVTVA0KQkVHSU46VkVWRU5UDQpVSUQ6aW52aXRlLTENClNVTU1BUlk6U3RhdHVzbcO4dGUNCkRUU1RBUlQ6MjAyNjEyMDNUMDkwMDAwWg0KRFRFTkQ6MjAyNjEyMDNUMTAwMDAwWg0KRU5EOlZFVkVOVA0KRU5EOlZDQUxFTkRBUg0K\r\n--b--\r\n";
    let w = Window {
        from: utc("2026-12-01T00:00:00Z"),
        to: utc("2026-12-08T00:00:00Z"),
    };
    let cal = read("invite.eml", eml.as_bytes(), w, &Options::default())
        .unwrap()
        .into_calendar();
    assert_eq!(cal.occurrences.len(), 1);
    assert_eq!(cal.occurrences[0].summary.as_deref(), Some("Statusmøte"));
}
