//! A meeting occurrence as the engine sees it: one instance in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// An attendee's participation status (PARTSTAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartStat {
    #[default]
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
    Delegated,
}

/// An attendee's ROLE parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleParam {
    Chair,
    #[default]
    ReqParticipant,
    OptParticipant,
    NonParticipant,
}

/// One ATTENDEE (or the ORGANIZER) of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Attendee {
    /// Lower-cased e-mail address, without `mailto:`: what is compared.
    pub email: String,
    /// The address as the invitation wrote it (`MAILTO:Ingrid.Berg@Firma.no`):
    /// what an answer writes, so that the organizer's calendar finds the same
    /// attendee. Empty when not read from a file.
    #[serde(default)]
    pub uri: String,
    pub name: Option<String>,
    pub role: RoleParam,
    pub partstat: PartStat,
    pub rsvp: bool,
    pub delegated_to: Vec<String>,
    pub delegated_from: Vec<String>,
}

impl Attendee {
    /// The e-mail's domain, lower-cased.
    pub fn domain(&self) -> &str {
        self.email.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

/// A recurring series as a whole: its first start and end, and its rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The first RRULE, as written (`FREQ=WEEKLY;BYDAY=MO`).
    pub rrule: Option<Arc<str>>,
    /// The RECURRENCE-IDs of the instances the organizer sent on their own
    /// (moved or changed, not cancelled): an answer to the whole series
    /// answers them too.
    #[serde(default)]
    pub overrides: Arc<[Written]>,
}

/// A date or date-time as an invitation wrote it, so that an answer names
/// it the same way (an organizer's server may match it by its text).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Written {
    /// `20261130T090000`, `20261130T080000Z` or `20261130`.
    pub value: String,
    /// Its TZID parameter, as written.
    pub tzid: Option<Arc<str>>,
    /// The VTIMEZONE the invitation defined that TZID with, as written:
    /// an answer that names the TZID carries it.
    #[serde(default)]
    pub zone: Option<Arc<str>>,
}

impl Written {
    /// Whether it is a DATE (all day).
    pub fn is_date(&self) -> bool {
        !self.value.contains('T')
    }
}

/// An event as its writer wrote it, to forward it unchanged (a delegate
/// gets the organizer's invitation, RFC 5546 section 4.2.5): each VEVENT of
/// its UID (the series' master and its overrides, or the single event) and
/// the VTIMEZONEs they name, as unfolded lines joined by CRLF.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AsWritten {
    pub zones: Vec<Arc<str>>,
    pub events: Vec<String>,
}

/// One occurrence of an event, with the fields the engine and the composer use.
///
/// The descriptive fields are shared (`Arc`) between the occurrences of a
/// series, so a year of a busy calendar costs little more than its times.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Meeting {
    /// The UID as written; for an event without one, a key of the reader's
    /// own (then `uid_made_up`), so that it is still one meeting.
    pub uid: String,
    /// The event had no UID: `uid` is the reader's key, not the file's.
    #[serde(default)]
    pub uid_made_up: bool,
    /// The instance's original start (RFC 3339, UTC) for instances of a
    /// recurring event; `None` for single events.
    pub recurrence_id: Option<String>,
    /// The same, as the invitation writes it (its TZID and local time).
    #[serde(default)]
    pub recurrence_id_written: Option<Written>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The IANA zone the event was written in (its DTSTART's TZID), if any:
    /// messages give times in it, as the invitation did.
    pub zone: Option<Arc<str>>,
    /// For all-day events, the first day and the day after the last
    /// (`start`/`end` then hold local midnights in the calendar's zone).
    pub dates: Option<(NaiveDate, NaiveDate)>,
    pub summary: Option<Arc<str>>,
    pub description: Option<Arc<str>>,
    pub location: Option<Arc<str>>,
    /// A meeting link from CONFERENCE, URL or a vendor property, if any.
    pub conference: Option<Arc<str>>,
    pub organizer: Option<Arc<Attendee>>,
    pub attendees: Arc<[Attendee]>,
    /// Whether the event belongs to a recurring series.
    pub recurring: bool,
    /// The series it belongs to, when its rule is in the calendar.
    pub series: Option<Series>,
    /// STATUS: `CONFIRMED`, `TENTATIVE`, `CANCELLED` (upper-case) if given.
    pub status: Option<String>,
    /// TRANSP:TRANSPARENT (does not block time).
    pub transparent: bool,
    /// The SEQUENCE of the request.
    pub sequence: u32,
    /// X-MICROSOFT-DISALLOW-COUNTER:TRUE or similar.
    pub counter_disallowed: bool,
    /// The event's components as the file has them (shared by all its
    /// occurrences); not kept when a meeting is stored as JSON.
    #[serde(skip)]
    pub as_written: Option<Arc<AsWritten>>,
}

impl Meeting {
    /// Length in whole minutes (never negative).
    pub fn minutes(&self) -> u32 {
        u32::try_from((self.end - self.start).num_minutes().max(0)).unwrap_or(u32::MAX)
    }

    /// Whether the meeting is cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.status.as_deref() == Some("CANCELLED")
    }

    /// The attendee entry whose address is one of `me`, if any.
    pub fn my_attendance<'a>(&'a self, me: &[String]) -> Option<&'a Attendee> {
        self.attendees.iter().find(|a| is_me(&a.email, me))
    }

    /// Whether one of `me` organizes it.
    pub fn organized_by(&self, me: &[String]) -> bool {
        self.organizer
            .as_deref()
            .is_some_and(|o| is_me(&o.email, me))
    }

    /// Whether it is an all-day event.
    pub fn all_day(&self) -> bool {
        self.dates.is_some()
    }

    /// Whether it takes time in my calendar: timed, not cancelled, not
    /// transparent, and not declined by me.
    pub fn blocks_time(&self, me: &[String]) -> bool {
        !self.all_day()
            && !self.is_cancelled()
            && !self.transparent
            && self
                .my_attendance(me)
                .is_none_or(|a| !matches!(a.partstat, PartStat::Declined | PartStat::Delegated))
    }

    /// Whether I have said yes to it: I organize it, accepted it, or it is
    /// an event of my own with no invitation. A pending invitation has not
    /// taken the time yet.
    pub fn accepted_by(&self, me: &[String]) -> bool {
        self.organized_by(me)
            || match self.my_attendance(me) {
                Some(a) => a.partstat == PartStat::Accepted,
                None => self.organizer.is_none() || self.attendees.is_empty(),
            }
    }

    /// Whether anyone besides me takes part: a meeting, not a block of my own
    /// time ("Fokustid", "Ferie").
    pub fn with_others(&self, me: &[String]) -> bool {
        self.people().any(|p| !is_me(&p.email, me))
    }

    /// Every address in the meeting: organizer first, then attendees.
    pub fn people(&self) -> impl Iterator<Item = &Attendee> {
        self.organizer
            .as_deref()
            .into_iter()
            .chain(self.attendees.iter())
    }

    /// Whether `other` is the same occurrence (the same UID and RECURRENCE-ID).
    pub fn same_occurrence(&self, other: &Meeting) -> bool {
        self.uid == other.uid && self.recurrence_id == other.recurrence_id
    }

    /// Which occurrence this is: its UID and RECURRENCE-ID.
    pub fn key(&self) -> MeetingKey {
        MeetingKey {
            uid: self.uid.clone(),
            recurrence_id: self.recurrence_id.clone(),
        }
    }
}

/// One occurrence of a meeting, as the journal, the store and the engine
/// name it: its UID, and for an instance of a series its RECURRENCE-ID
/// (RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct MeetingKey {
    pub uid: String,
    pub recurrence_id: Option<String>,
}

impl MeetingKey {
    /// An event (or a whole series) by its UID alone.
    pub fn whole(uid: &str) -> MeetingKey {
        MeetingKey {
            uid: uid.to_owned(),
            recurrence_id: None,
        }
    }
}

/// Whether `email` is one of `me` (case-insensitive).
pub fn is_me(email: &str, me: &[String]) -> bool {
    me.iter().any(|m| m.eq_ignore_ascii_case(email))
}

/// About how many bytes `meetings` hold, what they share counted once: what
/// a cache of them weighs. (Allocator overhead is left out.)
pub fn held_bytes(meetings: &[Meeting]) -> usize {
    use std::collections::HashSet;
    use std::mem::size_of;
    let mut seen: HashSet<*const u8> = HashSet::new();
    // Shared data, counted the first time it is seen.
    let mut shared = |ptr: *const u8, bytes: usize| {
        if seen.insert(ptr) {
            bytes
        } else {
            0
        }
    };
    let text = |s: &Option<Arc<str>>| s.as_deref().map_or(0, str::len);
    let person = |a: &Attendee| {
        let list = |l: &Vec<String>| l.iter().map(String::capacity).sum::<usize>();
        a.email.capacity()
            + a.uri.capacity()
            + a.name.as_ref().map_or(0, String::capacity)
            + list(&a.delegated_to)
            + list(&a.delegated_from)
    };
    let mut total = std::mem::size_of_val(meetings);
    for m in meetings {
        total += m.uid.capacity()
            + m.recurrence_id.as_ref().map_or(0, String::capacity)
            + m.recurrence_id_written
                .as_ref()
                .map_or(0, |w| w.value.capacity())
            + m.status.as_ref().map_or(0, String::capacity);
        for s in [
            &m.zone,
            &m.summary,
            &m.description,
            &m.location,
            &m.conference,
        ] {
            if let Some(a) = s {
                total += shared(a.as_ptr(), text(s));
            }
        }
        if let Some(o) = &m.organizer {
            total += shared(Arc::as_ptr(o).cast(), size_of::<Attendee>() + person(o));
        }
        let people = size_of::<Attendee>() * m.attendees.len()
            + m.attendees.iter().map(person).sum::<usize>();
        total += shared(m.attendees.as_ptr().cast(), people);
        if let Some(s) = &m.series {
            let rids = s
                .overrides
                .iter()
                .map(|w| size_of::<Written>() + w.value.capacity());
            total += shared(s.overrides.as_ptr().cast(), rids.sum::<usize>());
        }
        if let Some(w) = &m.as_written {
            let lines = w.zones.iter().map(|z| z.len()).sum::<usize>()
                + w.events.iter().map(String::capacity).sum::<usize>();
            total += shared(Arc::as_ptr(w).cast(), lines);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_fields_weigh_once() {
        let long = "x".repeat(10_000);
        let m = Meeting {
            uid: "a".into(),
            summary: Some(Arc::from(long.as_str())),
            ..Meeting::default()
        };
        let one = held_bytes(std::slice::from_ref(&m));
        assert!(one > 10_000, "{one}");
        // An occurrence of the same series shares its summary.
        let two = held_bytes(&[m.clone(), m.clone()]);
        assert!(two - one < 1_000, "{one} then {two}");
        // Another event's summary of the same text is its own.
        let other = Meeting {
            summary: Some(Arc::from(long.as_str())),
            ..m.clone()
        };
        assert!(held_bytes(&[m, other]) - one > 10_000);
    }
}
