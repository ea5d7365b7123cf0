//! Changing the user's own PARTSTAT in an event's iCalendar text, as a
//! calendar program does after answering an invitation. Everything else in
//! the text stays as it was, byte for byte.

use crate::itip::When;
use crate::lines::{fold, parse_line};
use crate::reader::{self, Options};
use crate::value::{cal_address, Stamp};
use crate::zone::Zone;
use crate::Window;
use chrono::{DateTime, Utc};
use neitakk_core::PartStat;

/// One instance of a recurring event: its original start (a date for an
/// all-day event), and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Instance {
    pub recurrence_id: When,
    pub start: When,
    pub end: When,
}

/// A time as a property value: `;VALUE=DATE:20261203` or `:20261203T080000Z`.
pub(crate) fn value(w: When) -> String {
    match w {
        When::At(t) => format!(":{}", t.format("%Y%m%dT%H%M%SZ")),
        When::Day(d) => format!(";VALUE=DATE:{}", d.format("%Y%m%d")),
    }
}

fn partstat_text(p: PartStat) -> &'static str {
    match p {
        PartStat::NeedsAction => "NEEDS-ACTION",
        PartStat::Accepted => "ACCEPTED",
        PartStat::Declined => "DECLINED",
        PartStat::Tentative => "TENTATIVE",
        PartStat::Delegated => "DELEGATED",
    }
}

/// The ATTENDEE line with PARTSTAT set (and RSVP dropped: it is answered).
fn with_partstat(logical: &str, partstat: PartStat) -> Option<String> {
    let mut line = parse_line(logical, 0)?;
    line.set_param("PARTSTAT", partstat_text(partstat));
    line.remove_param("RSVP");
    Some(line.text())
}

/// Physical lines grouped into logical lines: (first index, last index, unfolded text).
fn logical_lines(lines: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let l = l.strip_suffix('\r').unwrap_or(l);
        match (l.as_bytes().first(), out.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => {
                last.1 = i;
                last.2.push_str(&l[1..]);
            }
            _ => out.push((i, i, l.to_owned())),
        }
    }
    out
}

/// Sets the PARTSTAT of the attendee whose address is one of `me` in the
/// event `uid`: in the whole event, or, for `instance`, in that instance's
/// override (created from the master when there is none).
pub fn set_partstat(
    ics: &str,
    uid: &str,
    me: &[String],
    instance: Option<Instance>,
    partstat: PartStat,
) -> Result<String, String> {
    let everything = Window {
        from: DateTime::<Utc>::MIN_UTC,
        to: DateTime::<Utc>::MAX_UTC,
    };
    let mut parsed = reader::parse("event", ics.as_bytes(), everything, &Options::default())
        .map_err(|e| e.to_string())?;
    let events: Vec<_> = parsed
        .events
        .iter()
        .filter(|e| e.meeting.uid == uid)
        .cloned()
        .collect();
    let master = events.iter().find(|e| e.recurrence_id.is_none());
    // The VEVENT to change, by the line of its BEGIN.
    let target = match instance {
        None => master.map(|m| m.line),
        Some(inst) => events
            .iter()
            .find(|e| {
                e.recurrence_id
                    .as_ref()
                    .is_some_and(|rid| match (rid.stamp, inst.recurrence_id) {
                        (Stamp::Date(d), When::Day(want)) => d == want,
                        (Stamp::Date(_), _) | (_, When::Day(_)) => false,
                        (stamp, When::At(want)) => {
                            let zone = match &rid.tzid {
                                Some(tzid) if matches!(stamp, Stamp::Local(_)) => {
                                    parsed.zones.resolve(tzid).unwrap_or(Zone::UTC)
                                }
                                _ => Zone::UTC,
                            };
                            zone.to_utc(stamp.naive()) == want
                        }
                    })
            })
            .map(|e| e.line),
    };

    let lines: Vec<&str> = ics.split('\n').collect();
    let logical = logical_lines(&lines);
    let block = |begin_line: usize| -> Option<(usize, usize)> {
        // `line` counts physical lines from 1, blank lines included.
        let start = logical
            .iter()
            .position(|(first, _, _)| first + 1 == begin_line)?;
        let end = logical[start..]
            .iter()
            .position(|(_, _, t)| t.trim().eq_ignore_ascii_case("END:VEVENT"))?
            + start;
        Some((start, end))
    };
    let is_me_line = |t: &str| {
        parse_line(t, 0).is_some_and(|l| {
            l.name == "ATTENDEE"
                && me
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&cal_address(&l.value)))
        })
    };

    let mut out: Vec<String> = logical.iter().map(|(_, _, t)| t.clone()).collect();
    match (target, instance) {
        (Some(line), _) => {
            let (start, end) = block(line).ok_or("the event's lines were not found")?;
            let mut found = false;
            for text in &mut out[start..end] {
                if is_me_line(text) {
                    *text = with_partstat(text, partstat).ok_or("bad ATTENDEE line")?;
                    found = true;
                }
            }
            if !found {
                return Err(format!(
                    "none of {} is an attendee of this event",
                    me.join(", ")
                ));
            }
        }
        (None, Some(inst)) => {
            let master = master.ok_or("the event has no master to copy the instance from")?;
            let (start, end) = block(master.line).ok_or("the event's lines were not found")?;
            let mut copy = vec!["BEGIN:VEVENT".to_owned()];
            let mut found = false;
            for text in &out[start + 1..end] {
                let name = text
                    .split([':', ';'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                match name.as_str() {
                    "RRULE" | "RDATE" | "EXDATE" | "EXRULE" | "DTSTART" | "DTEND" | "DURATION" => {}
                    "ATTENDEE" if is_me_line(text) => {
                        copy.push(with_partstat(text, partstat).ok_or("bad ATTENDEE line")?);
                        found = true;
                    }
                    _ => copy.push(text.clone()),
                }
            }
            if !found {
                return Err(format!(
                    "none of {} is an attendee of this event",
                    me.join(", ")
                ));
            }
            // Right after BEGIN:VEVENT, never inside a nested VALARM.
            copy.insert(1, format!("RECURRENCE-ID{}", value(inst.recurrence_id)));
            copy.insert(2, format!("DTSTART{}", value(inst.start)));
            copy.insert(3, format!("DTEND{}", value(inst.end)));
            copy.push("END:VEVENT".to_owned());
            let at = out
                .iter()
                .rposition(|t| t.eq_ignore_ascii_case("END:VCALENDAR"))
                .ok_or("no END:VCALENDAR")?;
            out.splice(at..at, copy);
        }
        (None, None) => return Err(format!("no event with UID {uid}")),
    }
    let mut text: String = out
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| fold(t))
        .collect();
    if !ics.ends_with('\n') {
        text.truncate(text.trim_end().len());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s1\r\nDTSTART;TZID=Europe/Oslo:20261201T090000\r\nDTEND;TZID=Europe/Oslo:20261201T100000\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Status\r\nORGANIZER:mailto:per@client.no\r\nATTENDEE;CN=\"Berg, Ingrid\";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ing\r\n rid@firma.no\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:per@client.no\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_whole_series() {
        let out = set_partstat(
            ICS,
            "s1",
            &["ingrid@firma.no".into()],
            None,
            PartStat::Declined,
        )
        .unwrap();
        assert!(
            out.contains("ATTENDEE;CN=\"Berg, Ingrid\";PARTSTAT=DECLINED:mailto:ingrid@firma.no"),
            "{out}"
        );
        assert!(out.contains("ATTENDEE;PARTSTAT=ACCEPTED:mailto:per@client.no"));
        assert_eq!(out.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn one_instance_gets_an_override() {
        let inst = Instance {
            recurrence_id: When::At(at("2026-12-08T08:00:00Z")),
            start: When::At(at("2026-12-08T08:00:00Z")),
            end: When::At(at("2026-12-08T09:00:00Z")),
        };
        let out = set_partstat(
            ICS,
            "s1",
            &["ingrid@firma.no".into()],
            Some(inst),
            PartStat::Tentative,
        )
        .unwrap();
        assert_eq!(out.matches("BEGIN:VEVENT").count(), 2, "{out}");
        assert!(out.contains("RECURRENCE-ID:20261208T080000Z"));
        // the master keeps its answer; the override has the new one
        assert!(out.contains("PARTSTAT=NEEDS-ACTION"));
        assert!(out.contains("PARTSTAT=TENTATIVE"));
        // and a second change of the same instance edits that override
        let again = set_partstat(
            &out,
            "s1",
            &["ingrid@firma.no".into()],
            Some(inst),
            PartStat::Declined,
        )
        .unwrap();
        assert_eq!(again.matches("BEGIN:VEVENT").count(), 2, "{again}");
        assert!(again.contains("PARTSTAT=DECLINED") && !again.contains("PARTSTAT=TENTATIVE"));
        // the result still reads, with the instance moved into the override
        let cal = crate::read(
            "x",
            again.as_bytes(),
            crate::Window {
                from: at("2026-12-01T00:00:00Z"),
                to: at("2026-12-20T00:00:00Z"),
            },
            &Options::default(),
        )
        .unwrap();
        assert_eq!(cal.len(), 3);
    }

    #[test]
    fn not_an_attendee_is_an_error() {
        assert!(set_partstat(
            ICS,
            "s1",
            &["someone@else.no".into()],
            None,
            PartStat::Declined
        )
        .is_err());
    }
}

#[cfg(test)]
mod all_day {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn one_day_of_an_all_day_series_gets_a_dated_override() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d1\r\nDTSTART;VALUE=DATE:20261201\r\nRRULE:FREQ=DAILY;COUNT=5\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:me@x.no\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let inst = Instance {
            recurrence_id: When::Day(d("2026-12-03")),
            start: When::Day(d("2026-12-03")),
            end: When::Day(d("2026-12-04")),
        };
        let out = set_partstat(
            ics,
            "d1",
            &["me@x.no".into()],
            Some(inst),
            PartStat::Declined,
        )
        .unwrap();
        assert!(out.contains("BEGIN:VEVENT\r\nRECURRENCE-ID;VALUE=DATE:20261203\r\nDTSTART;VALUE=DATE:20261203\r\n"), "{out}");
        assert!(
            out.contains("PARTSTAT=ACCEPTED") && out.contains("PARTSTAT=DECLINED"),
            "the series keeps its answer"
        );
        let again = set_partstat(
            &out,
            "d1",
            &["me@x.no".into()],
            Some(inst),
            PartStat::Tentative,
        )
        .unwrap();
        assert_eq!(
            again.matches("BEGIN:VEVENT").count(),
            2,
            "the dated override is found again"
        );
    }
}
