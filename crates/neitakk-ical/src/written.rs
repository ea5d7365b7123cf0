//! What the file wrote, kept for answers: an instance's RECURRENCE-ID as
//! its series writes it, with the VTIMEZONE it names, and each event's
//! components as written, to forward them unchanged.

use crate::expand::Key;
use crate::reader::EventRecord;
use crate::value::{date_text, date_time_text, Stamp, Time};
use crate::zone::{Zone, Zones};
use neitakk_core::{AsWritten, Written};
use std::sync::Arc;

/// A time as it was written: its value and TZID.
pub(crate) fn written(t: &Time) -> Written {
    let value = match t.stamp {
        Stamp::Utc(u) => date_time_text(u, true) + "Z",
        Stamp::Local(l) => date_time_text(l, true),
        Stamp::Date(d) => date_text(d, true),
    };
    Written {
        value,
        tzid: t.tzid.clone(),
        zone: None,
    }
}
/// An instance's RECURRENCE-ID as its series writes DTSTART: a date, a UTC
/// time, or the local time in the series' zone with the same TZID (and its
/// definition).
pub(crate) fn written_rid(start: &Written, key: Key, zone: &Zone) -> Written {
    match key {
        Key::Day(d) => Written {
            value: date_text(d, true),
            ..Written::default()
        },
        Key::At(t) if start.value.ends_with(['Z', 'z']) || start.is_date() => Written {
            value: date_time_text(t.naive_utc(), true) + "Z",
            ..Written::default()
        },
        Key::At(t) => Written {
            value: date_time_text(zone.to_wall(t), true),
            tzid: start.tzid.clone(),
            zone: start.zone.clone(),
        },
    }
}
/// `w` with the file's own definition of its TZID, if it has one.
pub(crate) fn with_zone(mut w: Written, zones: &Zones) -> Written {
    w.zone = w
        .tzid
        .as_deref()
        .and_then(|t| zones.written.get(t.trim().trim_matches('"')))
        .cloned();
    w
}
/// The components of one event as written (taken out of its records), with
/// the file's VTIMEZONEs for the TZIDs they name; each record's meeting
/// gets it.
pub(crate) fn as_written<'a>(
    records: impl IntoIterator<Item = &'a mut EventRecord>,
    zones: &Zones,
) {
    let mut records: Vec<&mut EventRecord> = records.into_iter().collect();
    // Read without `keep_written`: there is nothing to keep.
    if records.iter().all(|r| r.text.is_empty()) {
        return;
    }
    let mut written = AsWritten::default();
    for r in &mut records {
        let times = [Some(&r.dtstart), r.dtend.as_ref(), r.recurrence_id.as_ref()]
            .into_iter()
            .flatten()
            .chain(&r.exdates)
            .chain(r.rdates.iter().map(|d| &d.start));
        for tzid in times.filter_map(|t| t.tzid.as_deref()) {
            let zone = zones.written.get(tzid.trim().trim_matches('"'));
            if let Some(z) = zone.filter(|z| !written.zones.contains(z)) {
                written.zones.push(z.clone());
            }
        }
        written.events.push(std::mem::take(&mut r.text));
    }
    let written = Arc::new(written);
    for r in records {
        r.meeting.as_written = Some(written.clone());
    }
}
