//! iCalendar out: iTIP messages (RFC 5546) that calendar programs apply,
//! written with `calcard`.
//!
//! What real clients need, beyond the RFC: a REPLY carries exactly one
//! ATTENDEE (the user, whose address must equal the e-mail's From);
//! ORGANIZER, UID, SEQUENCE (the request's) and DTSTAMP always; RECURRENCE-ID
//! for one instance; COMMENT holds the short human message (Exchange shows it
//! as the body); a COUNTER also carries X-MS-OLK-ORIGINALSTART/END so that
//! Outlook can show what changes.

use crate::lines::{caret_encoded, fold};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarMethod,
    ICalendarParameter, ICalendarParticipationStatus, ICalendarProperty, ICalendarValue, Uri,
};
use chrono::{DateTime, NaiveDate, Utc};
use neitakk_core::{PartStat, Written};

/// The iTIP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An attendee's answer.
    Reply,
    /// An attendee's proposal of changes.
    Counter,
    /// A request, here: the invitation forwarded to a delegate.
    Request,
}

impl Method {
    /// As in METHOD and in the `method=` of the MIME part.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Reply => "REPLY",
            Method::Counter => "COUNTER",
            Method::Request => "REQUEST",
        }
    }
}

/// A person in a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    pub email: String,
    pub name: Option<String>,
    /// The address as the invitation wrote it (`MAILTO:Ingrid.Berg@Firma.no`),
    /// written back unchanged so that the organizer's calendar finds the
    /// same attendee; else `mailto:` and `email`.
    pub uri: Option<String>,
}

impl Person {
    /// Someone known by their address alone.
    pub fn new(email: &str, name: Option<String>) -> Person {
        Person {
            email: email.to_owned(),
            name,
            uri: None,
        }
    }

    /// A person as the meeting names them.
    pub fn of(a: &neitakk_core::Attendee) -> Person {
        Person {
            email: a.email.clone(),
            name: a.name.clone(),
            uri: Some(a.uri.clone()).filter(|u| !u.is_empty()),
        }
    }

    /// The address to write: as the invitation wrote it, else `mailto:`.
    pub fn uri(&self) -> String {
        self.uri
            .clone()
            .unwrap_or_else(|| format!("mailto:{}", self.email))
    }

    fn address(&self) -> ICalendarValue {
        ICalendarValue::Uri(Uri::Location(self.uri()))
    }
}

/// When an event or instance takes place, as it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

/// An attendee line: who, with what status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeLine {
    pub person: Person,
    pub partstat: PartStat,
    /// Addresses, as the invitation wrote them.
    pub delegated_to: Option<String>,
    pub delegated_from: Option<String>,
    pub rsvp: bool,
}

/// Everything an iTIP message says. Build it with the functions in
/// `neitakk_ical::itip` callers use; write it with [`write`].
#[derive(Debug, Clone, PartialEq)]
pub struct Itip {
    pub method: Method,
    pub uid: String,
    /// The request's SEQUENCE.
    pub sequence: u32,
    pub dtstamp: DateTime<Utc>,
    pub organizer: Person,
    pub attendees: Vec<AttendeeLine>,
    /// The instance answered, for one occurrence of a recurring meeting, as
    /// the request wrote it (its TZID and local time: an organizer's server
    /// may match it by its text).
    pub recurrence_id: Option<Written>,
    /// For an answer to a whole series: the instances the organizer sent on
    /// their own, each answered in a VEVENT of its own, as Google and
    /// Outlook do, so that none stays "needs action".
    pub instances: Vec<Written>,
    pub start: When,
    pub end: When,
    pub summary: Option<String>,
    pub location: Option<String>,
    /// The invitation's description, forwarded with a request.
    pub description: Option<String>,
    /// The short human message.
    pub comment: Option<String>,
    /// For a COUNTER: the original start and end, for Outlook.
    pub original: Option<(When, When)>,
    /// For a request to a delegate: the organizer's invitation as written,
    /// forwarded with the delegation marked (else the request is built
    /// from the fields above).
    pub invitation: Option<std::sync::Arc<neitakk_core::AsWritten>>,
}

fn stamp(w: When) -> (ICalendarValue, Vec<ICalendarParameter>) {
    match w {
        When::At(t) => (
            PartialDateTime::from_utc_timestamp(t.timestamp()).into(),
            vec![],
        ),
        When::Day(d) => {
            let midnight = d
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .timestamp();
            (
                PartialDateTime::from_date_timestamp(midnight).into(),
                vec![ICalendarParameter::value(
                    calcard::icalendar::ICalendarValueType::Date,
                )],
            )
        }
    }
}

fn partstat(p: PartStat) -> ICalendarParticipationStatus {
    match p {
        PartStat::NeedsAction => ICalendarParticipationStatus::NeedsAction,
        PartStat::Accepted => ICalendarParticipationStatus::Accepted,
        PartStat::Declined => ICalendarParticipationStatus::Declined,
        PartStat::Tentative => ICalendarParticipationStatus::Tentative,
        PartStat::Delegated => ICalendarParticipationStatus::Delegated,
    }
}

/// A RECURRENCE-ID line as the request wrote it.
fn recurrence_id(w: &Written) -> (ICalendarValue, Vec<ICalendarParameter>) {
    let mut params = Vec::new();
    if w.is_date() {
        params.push(ICalendarParameter::value(
            calcard::icalendar::ICalendarValueType::Date,
        ));
    }
    if let Some(tzid) = &w.tzid {
        params.push(ICalendarParameter::tzid(caret_encoded(tzid)));
    }
    (ICalendarValue::Text(w.value.clone()), params)
}

/// The RECURRENCE-ID of an occurrence: as the request wrote it, else its UTC
/// time or date.
pub fn written_recurrence_id(m: &neitakk_core::Meeting) -> Option<Written> {
    m.recurrence_id_written.clone().or_else(|| {
        let r = m.recurrence_id.as_deref()?;
        let value = match DateTime::parse_from_rfc3339(r) {
            Ok(t) => t.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string(),
            Err(_) => NaiveDate::parse_from_str(r, "%Y-%m-%d")
                .ok()?
                .format("%Y%m%d")
                .to_string(),
        };
        Some(Written {
            value,
            ..Written::default()
        })
    })
}

fn text(s: &str) -> ICalendarValue {
    ICalendarValue::Text(s.to_owned())
}

/// The message as iCalendar text: CRLF line ends, lines folded at 75
/// octets, TEXT escaped, parameter values as RFC 6868 writes them.
pub fn write(m: &Itip) -> String {
    if let Some(text) = forwarded(m) {
        return text;
    }
    let mut cal = ICalendarComponent::new(ICalendarComponentType::VCalendar);
    cal.add_property(ICalendarProperty::Prodid, text("-//neitakk//neitakk//EN"));
    cal.add_property(ICalendarProperty::Version, text("2.0"));
    cal.add_property(
        ICalendarProperty::Method,
        ICalendarValue::Method(match m.method {
            Method::Reply => ICalendarMethod::Reply,
            Method::Counter => ICalendarMethod::Counter,
            Method::Request => ICalendarMethod::Request,
        }),
    );
    let mut components = vec![cal, event(m, m.recurrence_id.as_ref(), true)];
    components.extend(m.instances.iter().map(|rid| event(m, Some(rid), false)));
    components[0].component_ids = (1..u32::try_from(components.len()).unwrap_or(1)).collect();
    let text = ICalendar { components }.to_string();
    // A TZID needs its VTIMEZONE (RFC 5546): the invitation's own, as it
    // wrote it, goes before the events.
    let mut zones: Vec<&str> = Vec::new();
    for w in m.recurrence_id.iter().chain(&m.instances) {
        if let Some(z) = w.zone.as_deref().filter(|z| !zones.contains(z)) {
            zones.push(z);
        }
    }
    match text.find("BEGIN:VEVENT\r\n") {
        Some(at) if !zones.is_empty() => {
            let folded: String = zones.iter().flat_map(|z| z.lines()).map(fold).collect();
            format!("{}{folded}{}", &text[..at], &text[at..])
        }
        _ => text,
    }
}

/// A request to a delegate, as the organizer's invitation forwarded.
fn forwarded(m: &Itip) -> Option<String> {
    let invitation = m
        .invitation
        .as_deref()
        .filter(|_| m.method == Method::Request)?;
    let me = m.attendees.iter().find(|a| a.delegated_to.is_some())?;
    let delegate = m.attendees.iter().find(|a| a.delegated_from.is_some())?;
    crate::forward::request(
        invitation,
        &crate::forward::Delegation {
            me: &me.person,
            delegate: &delegate.person,
            instance: m.recurrence_id.as_ref().map(|rid| (rid, m.start, m.end)),
        },
    )
}

/// One VEVENT of a message: the event itself (`full`), or the answer for one
/// more of its instances (who, and which instance; nothing else changes).
fn event(m: &Itip, rid: Option<&Written>, full: bool) -> ICalendarComponent {
    let mut ev = ICalendarComponent::new(ICalendarComponentType::VEvent);
    ev.add_uid(&m.uid);
    ev.add_sequence(i64::from(m.sequence));
    ev.add_dtstamp(PartialDateTime::from_utc_timestamp(m.dtstamp.timestamp()));
    let mut organizer =
        ICalendarEntry::new(ICalendarProperty::Organizer).with_value(m.organizer.address());
    if let Some(name) = &m.organizer.name {
        organizer = organizer.with_param(ICalendarParameter::cn(caret_encoded(name)));
    }
    ev.entries.push(organizer);
    for a in &m.attendees {
        let mut line = ICalendarEntry::new(ICalendarProperty::Attendee)
            .with_value(a.person.address())
            .with_param(ICalendarParameter::partstat(partstat(a.partstat)));
        if let Some(name) = &a.person.name {
            line = line.with_param(ICalendarParameter::cn(caret_encoded(name)));
        }
        if let Some(to) = &a.delegated_to {
            line = line.with_param(ICalendarParameter::delegated_to(Uri::Location(to.clone())));
        }
        if let Some(from) = &a.delegated_from {
            line = line.with_param(ICalendarParameter::delegated_from(Uri::Location(
                from.clone(),
            )));
        }
        if a.rsvp {
            line = line.with_param(ICalendarParameter::rsvp(true));
        }
        ev.entries.push(line);
    }
    if let Some(rid) = rid {
        let (value, params) = recurrence_id(rid);
        ev.add_property_with_params(ICalendarProperty::RecurrenceId, params, value);
    }
    if !full {
        return ev;
    }
    for (name, when) in [
        (ICalendarProperty::Dtstart, m.start),
        (ICalendarProperty::Dtend, m.end),
    ] {
        let (value, params) = stamp(when);
        ev.add_property_with_params(name, params, value);
    }
    if let Some(s) = &m.summary {
        ev.add_property(ICalendarProperty::Summary, text(s));
    }
    if let Some(l) = &m.location {
        ev.add_property(ICalendarProperty::Location, text(l));
    }
    if let Some(d) = &m.description {
        ev.add_property(ICalendarProperty::Description, text(d));
    }
    if let Some(c) = &m.comment {
        ev.add_property(ICalendarProperty::Comment, text(c));
    }
    if let Some((start, end)) = m.original {
        for (name, when) in [
            ("X-MS-OLK-ORIGINALSTART", start),
            ("X-MS-OLK-ORIGINALEND", end),
        ] {
            // calcard writes unknown properties as text; the value is the same.
            let value = match when {
                When::At(t) => t.format("%Y%m%dT%H%M%SZ").to_string(),
                When::Day(d) => d.format("%Y%m%d").to_string(),
            };
            ev.add_property(ICalendarProperty::Other(name.into()), text(&value));
        }
    }
    ev
}

/// What a reply is made from.
#[derive(Debug, Clone)]
pub struct ReplyInput<'a> {
    pub meeting: &'a neitakk_core::Meeting,
    pub strategy: neitakk_core::Strategy,
    /// The user, as the one attendee of the reply (its address is the From).
    pub me: Person,
    /// The short human message, for COMMENT.
    pub comment: &'a str,
    /// The call or video link to offer (phone-call, shorter-call).
    pub channel: Option<&'a str>,
    /// The proposed length in minutes (shorten, shorter-call).
    pub minutes: u32,
    /// The proposed time (reschedule): the first free slot.
    pub slot: Option<neitakk_core::Slot>,
    /// The colleague to delegate to.
    pub delegate: Option<Person>,
    /// Whether to propose changes with COUNTER; when the organizer forbids
    /// it or their server ignores it, a TENTATIVE REPLY carries the proposal
    /// in its text instead.
    pub counter_allowed: bool,
    pub now: DateTime<Utc>,
    /// Answer for the whole series rather than this occurrence.
    pub series: bool,
    /// For less-often: meet every n-th time of the current rule.
    pub every: u32,
}

/// The iTIP messages a strategy sends: one to the organizer, and for
/// delegation also the request forwarded to the delegate.
pub fn for_strategy(input: &ReplyInput) -> Vec<Itip> {
    use neitakk_core::Strategy as S;
    let m = input.meeting;
    let when = |t: DateTime<Utc>, day: Option<NaiveDate>| day.map_or(When::At(t), When::Day);
    // The whole series: no RECURRENCE-ID, and the series' own first times.
    let series = m.series.as_ref().filter(|_| input.series);
    let (start, end, recurrence_id, instances) = match series {
        Some(sr) => (
            When::At(sr.start),
            When::At(sr.end),
            None,
            sr.overrides.to_vec(),
        ),
        None => (
            when(m.start, m.dates.map(|d| d.0)),
            when(m.end, m.dates.map(|d| d.1)),
            written_recurrence_id(m),
            Vec::new(),
        ),
    };
    let organizer = m.organizer.as_deref().map(Person::of).unwrap_or_default();
    let me = |partstat, delegated_to: Option<&Person>| AttendeeLine {
        person: input.me.clone(),
        partstat,
        delegated_to: delegated_to.map(Person::uri),
        delegated_from: None,
        rsvp: false,
    };
    let base = Itip {
        method: Method::Reply,
        uid: m.uid.clone(),
        sequence: m.sequence,
        dtstamp: input.now,
        organizer,
        attendees: vec![me(PartStat::Declined, None)],
        recurrence_id,
        instances,
        start,
        end,
        summary: m.summary.as_deref().map(str::to_owned),
        location: m.location.as_deref().map(str::to_owned),
        description: None,
        comment: Some(input.comment.to_owned()),
        original: None,
        invitation: None,
    };
    // A change to a whole series is asked for in words, in a tentative
    // REPLY: a COUNTER cannot say "from this date on" in a way Outlook and
    // Google apply (they ignore RANGE=THISANDFUTURE), and an accepted COUNTER
    // with the series' first times would rewrite meetings already held.
    let counter = |start: When, end: When, location: Option<String>| {
        if input.counter_allowed && series.is_none() {
            Itip {
                method: Method::Counter,
                attendees: vec![me(PartStat::Tentative, None)],
                original: Some((base.start, base.end)),
                start,
                end,
                location: location.or_else(|| base.location.clone()),
                ..base.clone()
            }
        } else {
            // The proposal is in the comment; the times stay as they were.
            Itip {
                attendees: vec![me(PartStat::Tentative, None)],
                ..base.clone()
            }
        }
    };
    let first_start = series.map_or(m.start, |sr| sr.start);
    let shorter_end = When::At(first_start + chrono::Duration::minutes(i64::from(input.minutes)));
    let channel = input.channel.map(str::to_owned);
    match input.strategy {
        S::Attend => vec![Itip {
            attendees: vec![me(PartStat::Accepted, None)],
            comment: None,
            ..base
        }],
        S::PhoneCall => vec![counter(base.start, base.end, channel)],
        S::Shorten => vec![counter(base.start, shorter_end, None)],
        S::ShorterCall => vec![counter(base.start, shorter_end, channel)],
        S::Reschedule => match input.slot {
            Some(slot) => vec![counter(When::At(slot.start), When::At(slot.end), None)],
            None => vec![Itip {
                attendees: vec![me(PartStat::Tentative, None)],
                ..base
            }],
        },
        S::EmailForNow | S::BowOut | S::Decline => vec![base],
        S::LessOften => vec![Itip {
            attendees: vec![me(PartStat::Tentative, None)],
            ..base
        }],
        S::Delegate => {
            let Some(delegate) = input.delegate.clone() else {
                return vec![base];
            };
            let delegated = AttendeeLine {
                person: delegate.clone(),
                partstat: PartStat::NeedsAction,
                delegated_to: None,
                delegated_from: Some(input.me.uri()),
                rsvp: true,
            };
            // RFC 5546 4.2.5: the answer names the delegate too, as
            // delegated from me, so that the organizer adds them.
            let to_organizer = Itip {
                attendees: vec![me(PartStat::Delegated, Some(&delegate)), delegated.clone()],
                ..base.clone()
            };
            // The delegate gets the invitation, with everyone in it, naming
            // who delegated it.
            let others = m
                .attendees
                .iter()
                .filter(|a| a.email != input.me.email && a.email != delegate.email)
                .map(|a| AttendeeLine {
                    person: Person::of(a),
                    partstat: a.partstat,
                    delegated_to: None,
                    delegated_from: None,
                    rsvp: a.rsvp,
                });
            let to_delegate = Itip {
                method: Method::Request,
                attendees: [me(PartStat::Delegated, Some(&delegate)), delegated]
                    .into_iter()
                    .chain(others)
                    .collect(),
                description: m.description.as_deref().map(str::to_owned),
                comment: None,
                invitation: m.as_written.clone(),
                ..base
            };
            vec![to_organizer, to_delegate]
        }
    }
}
