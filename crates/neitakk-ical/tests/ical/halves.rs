//! A large calendar is read in two halves at once: the result must be the
//! one reading it from start to end gives, warnings and their lines too.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_ical::{read, read_file, read_stream, reader::Options, Calendar, Window};

fn window() -> Window {
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    Window {
        from: at("2026-01-01T00:00:00Z"),
        to: at("2027-01-01T00:00:00Z"),
    }
}

/// About 6 MB: events spread over four years, a series whose override and
/// zone definition come late in the file, damaged lines in both halves.
fn large_calendar() -> String {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    ics.push_str(
        "BEGIN:VEVENT\r\nUID:series@test\r\nDTSTART;TZID=Kontoret:20260105T090000\r\n\
         DTEND;TZID=Kontoret:20260105T093000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n\
         SUMMARY:Ukemøte\r\nEND:VEVENT\r\n",
    );
    for i in 0..24_000 {
        let (year, day) = (2024 + i % 4, 1 + i % 28);
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:e{i}@test\r\nDTSTART:{year}03{day:02}T{h:02}0000Z\r\n\
             DTEND:{year}03{day:02}T{h:02}3000Z\r\nSUMMARY:Møte nummer {i} med en lang tittel \
             som brettes\r\n over to linjer\r\nDESCRIPTION:{text}\r\n",
            h = 8 + i % 9,
            text = "Agenda\\, og mer. ".repeat(8),
        ));
        if i % 5_000 == 2 {
            ics.push_str("SEQUENCE:not a number\r\nthis is no content line\r\n");
        }
        ics.push_str("END:VEVENT\r\n");
    }
    ics.push_str(
        "BEGIN:VEVENT\r\nUID:series@test\r\nRECURRENCE-ID;TZID=Kontoret:20260112T090000\r\n\
         DTSTART;TZID=Kontoret:20260112T140000\r\nDTEND;TZID=Kontoret:20260112T143000\r\n\
         SUMMARY:Ukemøte (flyttet)\r\nEND:VEVENT\r\n\
         BEGIN:VTIMEZONE\r\nTZID:Kontoret\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
         TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
         END:VCALENDAR\r\n",
    );
    ics
}

fn summary(c: &Calendar) -> Vec<String> {
    c.occurrences
        .iter()
        .map(|m| {
            format!(
                "{} {:?} {} {:?}",
                m.uid, m.recurrence_id, m.start, m.summary
            )
        })
        .collect()
}

#[test]
fn two_halves_read_as_one_stream_does() {
    let ics = large_calendar();
    assert!(
        ics.len() > 5 << 20,
        "{} bytes: too small to be split",
        ics.len()
    );
    let options = Options::default();
    let whole = read_stream("big.ics", ics.as_bytes(), window(), &options)
        .unwrap()
        .into_calendar();
    let halves = read("big.ics", ics.as_bytes(), window(), &options)
        .unwrap()
        .into_calendar();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ics");
    std::fs::write(&path, &ics).unwrap();
    let file = read_file("big.ics", &path, window(), &options)
        .unwrap()
        .into_calendar();

    // The year's events, and the series in the zone defined at the end.
    assert_eq!(whole.occurrences.len(), 6_000 + 52);
    let moved = whole
        .occurrences
        .iter()
        .find(|m| m.recurrence_id.as_deref() == Some("2026-01-12T06:00:00Z"))
        .unwrap();
    assert_eq!(moved.start.to_rfc3339(), "2026-01-12T11:00:00+00:00");
    let lines = |c: &Calendar| {
        c.warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert!(!whole.warnings.is_empty());
    for other in [&halves, &file] {
        assert_eq!(summary(other), summary(&whole));
        assert_eq!(lines(other), lines(&whole));
    }
}
