//! Mutated and hostile calendars: whatever the bytes, reading returns a
//! result or an error, never a panic, and stays bounded.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_ical::{read, reader::Options, Window};

/// Lines that have broken calendar code elsewhere.
const NASTY: &[&str] = &[
    "DTSTART:99991231T235959Z",
    "DTSTART:00000101T000000Z",
    "DTSTART;VALUE=DATE:99991231",
    "DTEND:00010101",
    "DURATION:P9999W",
    "DURATION:-P1D",
    "DURATION:PT99999999999999999999S",
    "RRULE:FREQ=YEARLY;BYMONTHDAY=-31;BYMONTH=2;COUNT=5",
    "RRULE:FREQ=DAILY;INTERVAL=0",
    "RRULE:FREQ=MONTHLY;BYSETPOS=-400;BYDAY=MO",
    "RRULE:FREQ=HOURLY;BYHOUR=25",
    "RRULE:FREQ=WEEKLY;UNTIL=99991231T000000Z",
    "RRULE:FREQ=YEARLY;BYWEEKNO=53;BYDAY=SU",
    "RRULE:FREQ=MINUTELY",
    "RRULE:",
    "RDATE;VALUE=PERIOD:20261201T090000Z/20261201T080000Z",
    "RDATE:20261201T090000Z/P99999D",
    "EXDATE:",
    "EXDATE;VALUE=DATE:20261301",
    "RECURRENCE-ID;RANGE=THISANDFUTURE:19000101T000000Z",
    "RECURRENCE-ID:99991231",
    "DTSTART;TZID=\"unterminated:20261201T090000",
    "DTSTART;TZID=Atlantis:20261201T090000",
    "TZOFFSETFROM:+9999",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "BEGIN:STANDARD",
    "END:VCALENDAR",
    "BEGIN:VCALENDAR",
    "SEQUENCE:99999999999999",
    "ATTENDEE;DELEGATED-TO=\"mailto:a\",\"mailto:b\":mailto:c",
    "SUMMARY:\\",
    " folded continuation at a strange place",
];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn window() -> Window {
    let t = |s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    Window {
        from: t("2026-01-01T00:00:00Z"),
        to: t("2027-01-01T00:00:00Z"),
    }
}

#[test]
fn mutated_calendars_never_panic() {
    let base = std::fs::read_to_string(format!(
        "{}/tests/data/recurrence.ics",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let lines: Vec<&str> = base.lines().collect();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for round in 0..500 {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for _ in 0..1 + rng.below(6) {
            let at = rng.below(out.len());
            match rng.below(5) {
                0 => out.insert(at, NASTY[rng.below(NASTY.len())].to_owned()),
                1 => {
                    out.remove(at);
                }
                2 => {
                    let dup = out[rng.below(out.len())].clone();
                    out.insert(at, dup);
                }
                3 => {
                    // cut a line in the middle of a character or a value
                    let l = out[at].clone().into_bytes();
                    let cut = rng.below(l.len().max(1));
                    out[at] = String::from_utf8_lossy(&l[..cut]).into_owned();
                }
                _ => {
                    let key = out[at].split(':').next().unwrap_or("").to_owned();
                    let nasty = NASTY[rng.below(NASTY.len())];
                    let value = nasty.split_once(':').map_or(nasty, |(_, v)| v);
                    out[at] = format!("{key}:{value}");
                }
            }
        }
        let text = out.join("\r\n");
        let result = read("mutant.ics", text.as_bytes(), window(), &Options::default());
        if let Ok(cal) = result {
            // bounded: no series may produce more than its budget
            assert!(cal.len() < 200_000, "round {round}");
        }
    }
}

#[test]
fn random_bytes_are_not_a_calendar() {
    let mut rng = Rng(42);
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..rng.below(4000)).map(|_| rng.next() as u8).collect();
        let _ = read("noise.bin", &bytes, window(), &Options::default());
    }
}

#[test]
fn deep_nesting_is_fine() {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260601T090000Z\r\n");
    for _ in 0..50_000 {
        text.push_str("BEGIN:X-DEEP\r\n");
    }
    text.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    let cal = read("deep.ics", text.as_bytes(), window(), &Options::default()).unwrap();
    assert_eq!(cal.len(), 1);
}
