//! The expansion budget, measured: memory stays under a stated bound
//! whatever the calendar holds, because the instances walked and the
//! occurrences kept are capped for the whole calendar.
//!
//! Its own test program: it counts every allocation of the process, and
//! its tests take turns.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_ical::{expand, reader, Limits, Window};
use peak_alloc::PeakAlloc;

/// Counts the bytes held by the process and their peak.
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// Tests take turns, so that each counts only its own bytes: each holds
/// its turn from its first allocation to its last, so that no other test
/// makes or frees anything while it counts.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// The bytes allocated at most while `f` runs, beyond what was held before
/// (the caller holds its turn).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let out = f();
    (out, ALLOCATOR.peak_usage().saturating_sub(before))
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// `n` meetings that repeat every hour for ever, from 1 January 2026.
fn hourly(n: usize) -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:hourly-{i}@example.com\r\nDTSTAMP:20260101T000000Z\r\n\
             DTSTART:20260101T000000Z\r\nDTEND:20260101T003000Z\r\nRRULE:FREQ=HOURLY\r\n\
             SUMMARY:Every hour {i}\r\nEND:VEVENT\r\n"
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn parse(text: &str, window: Window) -> reader::Parsed {
    reader::parse(
        "hourly.ics",
        text.as_bytes(),
        window,
        &reader::Options::default(),
    )
    .unwrap()
}

fn read(text: &str, window: Window, limits: &Limits) -> neitakk_ical::Calendar {
    expand("hourly.ics", parse(text, window), window, limits)
}

#[test]
fn memory_and_work_stay_within_the_budget_whatever_the_file() {
    let _turn = turn();
    let two_years = Window {
        from: at("2026-01-01T00:00:00Z"),
        to: at("2028-01-01T00:00:00Z"),
    };
    let limits = Limits {
        per_series: 50_000,
        walked: 200_000,
        kept: 10_000,
    };
    // The reported file (1,000 hourly meetings, 230 KB: 17 million
    // occurrences in two years) and one ten times its size take the same
    // bounded memory: the budget, not the file, sets it.
    const BOUND: usize = 48 << 20;
    for n in [1_000, 10_000] {
        let text = hourly(n);
        let (cal, peak) = peak_of(|| read(&text, two_years, &limits));
        assert!(
            peak < BOUND,
            "{n} hourly series: {} MB at peak, over {} MB",
            peak >> 20,
            BOUND >> 20
        );
        assert_eq!(cal.occurrences.len(), limits.kept, "{n} series");
        let partial = cal.partial.as_deref().unwrap();
        assert!(partial.contains("budget of 200000"), "{partial}");
        assert!(cal.warnings.iter().any(|w| w.message == partial));
        // The earliest are the ones kept, in order.
        assert!(cal.occurrences.windows(2).all(|w| w[0].start <= w[1].start));
        assert_eq!(cal.occurrences[0].start, at("2026-01-01T00:00:00Z"));
    }
}

#[test]
fn past_the_cap_the_earliest_occurrences_are_kept() {
    let _turn = turn();
    let week = Window {
        from: at("2026-03-02T00:00:00Z"),
        to: at("2026-03-09T00:00:00Z"),
    };
    let text = hourly(30);
    let (all, _) = peak_of(|| read(&text, week, &Limits::default()));
    assert!(all.partial.is_none(), "{:?}", all.partial);
    assert_eq!(all.occurrences.len(), 30 * 7 * 24);
    let capped = read(
        &text,
        week,
        &Limits {
            kept: 1_000,
            ..Limits::default()
        },
    );
    let key = |m: &neitakk_ical::Meeting| (m.start, m.uid.clone());
    assert_eq!(
        capped.occurrences.iter().map(key).collect::<Vec<_>>(),
        all.occurrences[..1_000].iter().map(key).collect::<Vec<_>>()
    );
    let partial = capped.partial.unwrap();
    assert!(
        partial.contains("only the first 1000, until 2026-03-03T09:00:00Z"),
        "{partial}"
    );
    assert!(partial.contains("(4040 left out)"), "{partial}");
}

#[test]
fn occurrences_made_one_at_a_time_are_never_held_all() {
    let _turn = turn();
    let year = Window {
        from: at("2026-01-01T00:00:00Z"),
        to: at("2027-01-01T00:00:00Z"),
    };
    // Ten meetings every hour: 87,600 occurrences in the year.
    let text = hourly(10);
    let limits = Limits {
        kept: 100_000,
        ..Limits::default()
    };
    let (all, held) = peak_of(|| read(&text, year, &limits));
    let ((count, written), streamed) = peak_of(|| {
        let expanded = neitakk_ical::expanded("hourly.ics", parse(&text, year), year, &limits);
        let mut written = 0;
        for m in expanded.occurrences() {
            written += m.uid.len() + m.recurrence_id.map_or(0, |r| r.len());
        }
        (expanded.len(), written)
    });
    assert_eq!(count, 87_600);
    assert_eq!(count, all.occurrences.len());
    assert!(written > 0);
    // What places an occurrence is its times and two indexes (56 bytes,
    // and room to grow), where a meeting is ten times that: streamed, the
    // expansion holds a third of what the made list does, or less.
    let per_occurrence = streamed / count;
    assert!(
        per_occurrence <= 160,
        "{per_occurrence} bytes per occurrence"
    );
    assert!(held > 3 * streamed, "{held} held, {streamed} streamed");
}
