//! Reading an iCalendar stream one component at a time into compact records.

use crate::lines::{name_of, split_line, upper, Line, Unfolder, MAX_LINE};
use crate::value::{
    cal_address, parse_duration, parse_stamp, unescape_text, Duration, Stamp, Time,
};
use crate::zone::{parse_zone_name, CustomZone, Observance, Zone, Zones};
use crate::{Error, Warning, Window};
use chrono::TimeDelta;
use neitakk_core::{Attendee, Meeting, PartStat, RoleParam};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// How to read times that name no zone.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The zone the user asked for (`--tz`): wins over the file's own default.
    pub tz: Option<neitakk_core::Tz>,
    /// The zone when neither `--tz` nor the file says (the profile's, else UTC).
    pub default_tz: Option<neitakk_core::Tz>,
    /// Keep each event's lines as written (`Meeting::as_written`), to
    /// forward it: only what answers meetings needs them.
    pub keep_written: bool,
    /// What expanding the calendar may take.
    pub limits: crate::Limits,
}

/// The end of an RDATE period.
#[derive(Debug, Clone, PartialEq)]
pub enum PeriodEnd {
    At(Time),
    After(Duration),
}

/// One RDATE entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RDate {
    pub start: Time,
    pub end: Option<PeriodEnd>,
}

/// A VEVENT reduced to what expansion and the engine need.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// The line of its BEGIN:VEVENT.
    pub line: usize,
    pub dtstart: Time,
    pub dtend: Option<Time>,
    pub duration: Option<Duration>,
    /// Each RRULE with the line it is on.
    pub rrules: Vec<(usize, String)>,
    pub rdates: Vec<RDate>,
    pub exdates: Vec<Time>,
    pub recurrence_id: Option<Time>,
    /// RECURRENCE-ID;RANGE=THISANDFUTURE.
    pub this_and_future: bool,
    /// The descriptive fields; times are filled in by expansion. Boxed: it
    /// moves on to be what occurrences are made from, and a calendar's
    /// records are many.
    pub meeting: Box<Meeting>,
    /// The VEVENT as written: its unfolded lines, nested components too.
    pub text: String,
}

impl EventRecord {
    /// Whether it is a series master (it has rules or extra dates).
    pub fn is_series(&self) -> bool {
        !self.rrules.is_empty() || !self.rdates.is_empty()
    }
}

/// What one pass over a file gives.
#[derive(Debug)]
pub struct Parsed {
    pub events: Vec<EventRecord>,
    pub zones: Zones,
    pub warnings: Vec<Warning>,
}

/// Builds one VEVENT from its lines.
#[derive(Default)]
struct EventBuilder {
    line: usize,
    uid: Option<String>,
    dtstart: Option<Time>,
    dtend: Option<Time>,
    duration: Option<Duration>,
    rrules: Vec<(usize, String)>,
    rdates: Vec<RDate>,
    exdates: Vec<Time>,
    recurrence_id: Option<Time>,
    this_and_future: bool,
    meeting: Meeting,
    attendees: Vec<Attendee>,
    text: String,
}

impl EventBuilder {
    /// Keeps a line as written, when the event's text is kept at all.
    fn keep(&mut self, text: &str) {
        if !self.text.is_empty() {
            self.text.push_str(text);
            self.text.push_str("\r\n");
        }
    }

    /// An event from its BEGIN line; `keep` its lines as written.
    fn at(line: usize, keep: bool) -> Box<EventBuilder> {
        Box::new(EventBuilder {
            line,
            text: if keep {
                "BEGIN:VEVENT\r\n".to_owned()
            } else {
                String::new()
            },
            ..Default::default()
        })
    }
}

/// The most of one event's lines held until its END: a larger event is
/// cut there (and said), whatever the file.
const MAX_EVENT: usize = 8 << 20;

struct Reader<'a> {
    file: &'a str,
    warnings: Vec<Warning>,
    tzids: HashMap<String, Arc<str>>,
    /// The open event's property lines, unfolded, one after the other, and
    /// where each ends with its line number: read at its END, the times
    /// first, so that an event far from the window costs only its times.
    held: String,
    held_lines: Vec<(usize, usize)>,
    /// The open event passed [`MAX_EVENT`].
    held_cut: bool,
}

impl Reader<'_> {
    fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn tzid(&mut self, l: &Line) -> Option<Arc<str>> {
        let name = l.param("TZID")?;
        if let Some(t) = self.tzids.get(name.as_ref()) {
            return Some(t.clone());
        }
        let t: Arc<str> = Arc::from(name.as_ref());
        self.tzids.insert(name.into_owned(), t.clone());
        Some(t)
    }

    fn time(&mut self, l: &Line, text: &str) -> Option<Time> {
        let stamp = parse_stamp(text)?;
        let tzid = if matches!(stamp, Stamp::Local(_)) {
            self.tzid(l)
        } else {
            None
        };
        Some(Time { stamp, tzid })
    }

    /// Takes one property of a VEVENT; `false` when its value is unusable.
    fn take(&mut self, ev: &mut EventBuilder, l: &Line) -> bool {
        let text = || Some(std::sync::Arc::from(unescape_text(l.value)));
        let m = &mut ev.meeting;
        match l.name.as_ref() {
            // Everything after the colon (RFC 5545 §3.1): a UID is matched
            // as written, spaces included.
            "UID" => ev.uid = Some(l.value.to_owned()),
            "DTSTART" => {
                ev.dtstart = self.time(l, l.value);
                return ev.dtstart.is_some();
            }
            "DTEND" => {
                ev.dtend = self.time(l, l.value);
                return ev.dtend.is_some();
            }
            "DURATION" => {
                ev.duration = parse_duration(l.value);
                return ev.duration.is_some();
            }
            "RRULE" => ev.rrules.push((l.line, l.value.to_owned())),
            "RDATE" => {
                for part in l.value.split(',') {
                    let rdate = match part.split_once('/') {
                        Some((s, e)) => {
                            let end = match parse_duration(e) {
                                Some(d) => Some(PeriodEnd::After(d)),
                                None => self.time(l, e).map(PeriodEnd::At),
                            };
                            self.time(l, s).zip(end).map(|(start, end)| RDate {
                                start,
                                end: Some(end),
                            })
                        }
                        None => self.time(l, part).map(|start| RDate { start, end: None }),
                    };
                    match rdate {
                        Some(r) => ev.rdates.push(r),
                        None => return false,
                    }
                }
            }
            "EXDATE" => {
                for part in l.value.split(',') {
                    match self.time(l, part) {
                        Some(t) => ev.exdates.push(t),
                        None => return false,
                    }
                }
            }
            "RECURRENCE-ID" => {
                ev.recurrence_id = self.time(l, l.value);
                ev.this_and_future = l
                    .param("RANGE")
                    .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
                return ev.recurrence_id.is_some();
            }
            "SEQUENCE" => match l.value.trim().parse() {
                Ok(n) => m.sequence = n,
                Err(_) => return false,
            },
            "STATUS" => m.status = Some(l.value.trim().to_ascii_uppercase()),
            "TRANSP" => m.transparent = l.value.trim().eq_ignore_ascii_case("TRANSPARENT"),
            "SUMMARY" => m.summary = text(),
            "DESCRIPTION" => m.description = text(),
            "LOCATION" => m.location = text(),
            "CONFERENCE" | "X-GOOGLE-CONFERENCE" | "X-MICROSOFT-SKYPETEAMSMEETINGURL" | "URL"
                if m.conference.is_none() || l.name != "URL" =>
            {
                m.conference = Some(l.value.trim().into())
            }
            "X-MICROSOFT-DISALLOW-COUNTER" | "X-MICROSOFT-CDO-DISALLOW-COUNTER" => {
                m.counter_disallowed = l.value.trim().eq_ignore_ascii_case("TRUE")
            }
            "ORGANIZER" => m.organizer = Some(std::sync::Arc::new(person(l))),
            "ATTENDEE" => ev.attendees.push(person(l)),
            _ => {}
        }
        true
    }

    /// Holds a property line of the open event until its END.
    fn hold(&mut self, n: usize, text: &str) {
        if self.held.len() + text.len() > MAX_EVENT {
            if !self.held_cut {
                self.held_cut = true;
                self.warn(n, "VEVENT larger than 8 MB: its lines from here on skipped");
            }
            return;
        }
        self.held.push_str(text);
        self.held_lines.push((n, self.held.len()));
    }

    /// Takes the held lines that are times (`times`) or the rest.
    fn take_held(
        &mut self,
        ev: &mut EventBuilder,
        held: &str,
        lines: &[(usize, usize)],
        times: bool,
    ) {
        const TIMES: [&str; 6] = [
            "DTSTART",
            "DTEND",
            "DURATION",
            "RRULE",
            "RDATE",
            "RECURRENCE-ID",
        ];
        let mut from = 0;
        for &(n, end) in lines {
            let Some(text) = held.get(from..end) else {
                break;
            };
            from = end;
            let name = name_of(text).unwrap_or("");
            if TIMES.iter().any(|t| name.eq_ignore_ascii_case(t)) != times {
                continue;
            }
            let Some(l) = split_line(text, n) else {
                self.warn(n, format!("malformed line skipped: {}", preview(text)));
                continue;
            };
            if !self.take(ev, &l) {
                self.warn(
                    n,
                    format!("bad {} value skipped: {}", l.name, preview(l.value)),
                );
            }
        }
    }

    /// Reads the held lines into the event, and keeps it if it may touch
    /// the window (or belongs to a series).
    fn finish(&mut self, mut ev: EventBuilder, window: Window, out: &mut Vec<EventRecord>) {
        let (mut held, mut lines) = (
            std::mem::take(&mut self.held),
            std::mem::take(&mut self.held_lines),
        );
        self.take_held(&mut ev, &held, &lines, true);
        let keep = ev.dtstart.as_ref().is_some_and(|start| {
            !ev.rrules.is_empty()
                || !ev.rdates.is_empty()
                || ev.recurrence_id.is_some()
                || may_touch(start, ev.dtend.as_ref(), ev.duration, window)
        });
        if keep {
            self.take_held(&mut ev, &held, &lines, false);
        }
        held.clear();
        lines.clear();
        (self.held, self.held_lines, self.held_cut) = (held, lines, false);
        let Some(dtstart) = ev.dtstart else {
            self.warn(ev.line, "VEVENT without a valid DTSTART skipped");
            return;
        };
        if !keep {
            return;
        }
        let mut meeting = ev.meeting;
        meeting.attendees = ev.attendees.into();
        let mut text = ev.text;
        // An unterminated VEVENT is closed where the reader closed it.
        if !text.is_empty()
            && !text
                .trim_end()
                .to_ascii_uppercase()
                .ends_with("\nEND:VEVENT")
        {
            text.push_str("END:VEVENT\r\n");
        }
        meeting.uid = match ev.uid {
            Some(u) if !u.is_empty() => u,
            _ => {
                self.warn(ev.line, "VEVENT without UID: read as a meeting of its own");
                meeting.uid_made_up = true;
                format!("no-uid-line-{}-{}", ev.line, dtstart.stamp.naive())
            }
        };
        let record = EventRecord {
            line: ev.line,
            dtstart,
            dtend: ev.dtend,
            duration: ev.duration,
            rrules: ev.rrules,
            rdates: ev.rdates,
            exdates: ev.exdates,
            recurrence_id: ev.recurrence_id,
            this_and_future: ev.this_and_future,
            meeting: Box::new(meeting),
            text,
        };
        out.push(record);
    }
}

/// A single event far from the window is dropped at once; zones are not
/// known yet, so the test is generous by more than any UTC offset.
fn may_touch(start: &Time, end: Option<&Time>, duration: Option<Duration>, w: Window) -> bool {
    let start = start.stamp.naive();
    let length = match (end, duration) {
        (Some(end), _) => end.stamp.naive() - start,
        (None, Some(d)) => d.approx(),
        (None, None) => TimeDelta::days(1),
    };
    let slack = TimeDelta::days(2);
    start - slack < w.to.naive_utc()
        && start + length.max(TimeDelta::zero()) + slack > w.from.naive_utc()
}

fn person(l: &Line) -> Attendee {
    // One walk over the parameters; where one is given twice, the first
    // counts (as `Line::param` reads it), and delegation lists add up.
    // Names and values are compared as written, case aside: no copies.
    let (mut name, mut role, mut partstat, mut rsvp) = (None, None, None, None);
    let (mut delegated_to, mut delegated_from) = (Vec::new(), Vec::new());
    for (param, mut values) in l.params() {
        let is = |n: &str| param.eq_ignore_ascii_case(n);
        let mut first = || values.next().unwrap_or_default();
        if is("CN") {
            name = name.or_else(|| Some(first().trim().to_owned()));
        } else if is("ROLE") {
            role = role.or_else(|| Some(role_param(&first())));
        } else if is("PARTSTAT") {
            partstat = partstat.or_else(|| Some(part_stat(&first())));
        } else if is("RSVP") {
            rsvp = rsvp.or_else(|| Some(first().eq_ignore_ascii_case("TRUE")));
        } else if is("DELEGATED-TO") {
            delegated_to.extend(values.map(|a| cal_address(&a)));
        } else if is("DELEGATED-FROM") {
            delegated_from.extend(values.map(|a| cal_address(&a)));
        }
    }
    Attendee {
        email: cal_address(l.value),
        uri: l.value.trim().to_owned(),
        name: name.filter(|s: &String| !s.is_empty()),
        role: role.unwrap_or(RoleParam::ReqParticipant),
        partstat: partstat.unwrap_or(PartStat::NeedsAction),
        rsvp: rsvp.unwrap_or(false),
        delegated_to,
        delegated_from,
    }
}

/// A ROLE as written, any case; an unknown one is a required participant.
fn role_param(value: &str) -> RoleParam {
    let is = |v: &str| value.eq_ignore_ascii_case(v);
    if is("CHAIR") {
        RoleParam::Chair
    } else if is("OPT-PARTICIPANT") {
        RoleParam::OptParticipant
    } else if is("NON-PARTICIPANT") {
        RoleParam::NonParticipant
    } else {
        RoleParam::ReqParticipant
    }
}

/// A PARTSTAT as written, any case; an unknown one needs action.
fn part_stat(value: &str) -> PartStat {
    let is = |v: &str| value.eq_ignore_ascii_case(v);
    if is("ACCEPTED") {
        PartStat::Accepted
    } else if is("DECLINED") {
        PartStat::Declined
    } else if is("TENTATIVE") {
        PartStat::Tentative
    } else if is("DELEGATED") {
        PartStat::Delegated
    } else {
        PartStat::NeedsAction
    }
}

/// Where the reader is.
enum State {
    Outside,
    Calendar,
    Event(Box<EventBuilder>),
    Zone {
        tzid: Option<String>,
        observances: Vec<Observance>,
        current: Option<Observance>,
        line: usize,
    },
}

/// Reads `data` (the text of an `.ics`, streamed) and keeps the events that may touch
/// `window`, plus every VTIMEZONE. Fails only when no VCALENDAR is found.
pub fn parse(
    file: &str,
    data: impl std::io::BufRead,
    window: Window,
    options: &Options,
) -> Result<Parsed, Error> {
    part(file, data, window, options, false).parsed(file, options)
}

/// One stretch of a calendar read: its events and zones, before the zones
/// are put together. A large file is read as two stretches at once.
pub(crate) struct Part {
    events: Vec<EventRecord>,
    defined: HashMap<String, Arc<CustomZone>>,
    written_zones: HashMap<String, Arc<str>>,
    x_wr_timezone: Option<neitakk_core::Tz>,
    warnings: Vec<Warning>,
    saw_calendar: bool,
    /// The physical lines it spans.
    lines: usize,
}

impl Part {
    /// Adds the stretch that follows this one in the file.
    pub(crate) fn append(&mut self, later: Part) {
        let offset = self.lines;
        self.events.reserve_exact(later.events.len());
        for mut e in later.events {
            e.line += offset;
            for (line, _) in &mut e.rrules {
                *line += offset;
            }
            self.events.push(e);
        }
        self.warnings
            .extend(later.warnings.into_iter().map(|mut w| {
                if w.line > 0 {
                    w.line += offset;
                }
                w
            }));
        self.defined.extend(later.defined);
        self.written_zones.extend(later.written_zones);
        self.x_wr_timezone = self.x_wr_timezone.or(later.x_wr_timezone);
        self.saw_calendar |= later.saw_calendar;
        self.lines += later.lines;
    }

    /// The whole calendar read: its zones put together. Fails when no
    /// VCALENDAR was found.
    pub(crate) fn parsed(self, file: &str, options: &Options) -> Result<Parsed, Error> {
        if !self.saw_calendar {
            return Err(Error::NotACalendar {
                file: file.to_owned(),
            });
        }
        let floating = options
            .tz
            .or(self.x_wr_timezone)
            .or(options.default_tz)
            .map_or(Zone::UTC, Zone::Iana);
        let dates = options
            .tz
            .or(options.default_tz)
            .map_or(Zone::UTC, Zone::Iana);
        Ok(Parsed {
            events: self.events,
            zones: Zones::new(
                self.defined,
                floating,
                dates,
                self.x_wr_timezone,
                self.written_zones,
            ),
            warnings: self.warnings,
        })
    }
}

/// Reads a stretch of a calendar; `inside` when it starts inside the
/// VCALENDAR (the second half of a file split where an event begins).
pub(crate) fn part(
    file: &str,
    data: impl std::io::BufRead,
    window: Window,
    options: &Options,
    inside: bool,
) -> Part {
    let mut r = Reader {
        file,
        warnings: Vec::new(),
        tzids: HashMap::new(),
        held: String::new(),
        held_lines: Vec::new(),
        held_cut: false,
    };
    let mut lines = Unfolder::new(data);
    let mut events = Vec::new();
    let mut defined = HashMap::new();
    let mut x_wr_timezone = None;
    // Each VTIMEZONE as written (its unfolded lines), so that an answer that
    // names a TZID can carry its definition.
    let mut zone_text = String::new();
    let mut written_zones: HashMap<String, Arc<str>> = HashMap::new();
    let mut saw_calendar = inside;
    let mut state = if inside {
        State::Calendar
    } else {
        State::Outside
    };
    // Components nested inside the current one (VALARM and the like), skipped.
    let mut skipping: Vec<String> = Vec::new();

    while let Some((n, text)) = lines.next_line() {
        if neitakk_core::cancel::requested() {
            break;
        }
        // Inside an event only BEGIN and END steer the reader: the other
        // lines are held as they are, and split when the event is read.
        if let (State::Event(ev), true) = (&mut state, skipping.is_empty()) {
            let name = name_of(text).unwrap_or(text);
            if !name.eq_ignore_ascii_case("BEGIN") && !name.eq_ignore_ascii_case("END") {
                ev.keep(text);
                r.hold(n, text);
                continue;
            }
        }
        let l = match split_line(text, n) {
            Some(l) => l,
            // Blanks before BEGIN:VCALENDAR (a file pasted or written by hand).
            None if !saw_calendar => match split_line(text.trim_start(), n) {
                Some(l)
                    if l.name == "BEGIN" && l.value.trim().eq_ignore_ascii_case("VCALENDAR") =>
                {
                    r.warn(n, "blanks before BEGIN:VCALENDAR ignored");
                    l
                }
                _ => continue,
            },
            None => {
                if saw_calendar {
                    r.warn(n, format!("malformed line skipped: {}", preview(text)));
                }
                continue;
            }
        };
        // The component a BEGIN or END names (nothing else needs the value
        // upper-cased).
        let value = if l.name == "BEGIN" || l.name == "END" {
            upper(l.value.trim())
        } else {
            Cow::Borrowed("")
        };
        let value = value.as_ref();
        let in_zone = matches!(state, State::Zone { .. });
        if in_zone || (l.name == "BEGIN" && value == "VTIMEZONE" && skipping.is_empty()) {
            if !in_zone {
                zone_text.clear();
            }
            // A zone's definition is small; a hostile one is cut short.
            if zone_text.len() < 64 * 1024 {
                zone_text.push_str(text);
                zone_text.push_str("\r\n");
            }
        }
        // The event's lines as written (a new VEVENT or the calendar's end
        // closes it without being its own).
        if let State::Event(ev) = &mut state {
            let closes = matches!(
                (l.name.as_ref(), value),
                ("BEGIN", "VEVENT") | ("END", "VCALENDAR")
            );
            if !closes {
                ev.keep(text);
            }
        }
        // No component holds a VEVENT: one beginning here closes whatever
        // was left open (a VTODO whose END is misspelled or missing).
        if !skipping.is_empty() && l.name == "BEGIN" && value == "VEVENT" {
            r.warn(
                n,
                format!("unterminated {} closed by BEGIN:VEVENT", skipping.join("/")),
            );
            skipping.clear();
        }
        if !skipping.is_empty() {
            match l.name.as_ref() {
                "BEGIN" => skipping.push(value.to_owned()),
                "END" if skipping.last().is_some_and(|s| s == value) => {
                    skipping.pop();
                }
                _ => {}
            }
            if !(l.name == "END" && !skipping.iter().any(|s| s == value) && value == "VEVENT") {
                continue;
            }
            // An END:VEVENT closes the event even when a nested block was left open.
            r.warn(
                n,
                format!("unterminated {} inside VEVENT", skipping.join("/")),
            );
            skipping.clear();
        }
        state = match (state, l.name.as_ref(), value) {
            (State::Outside, "BEGIN", "VCALENDAR") => {
                saw_calendar = true;
                State::Calendar
            }
            (State::Outside, _, _) => State::Outside,
            (State::Calendar, "BEGIN", "VEVENT") => {
                State::Event(EventBuilder::at(n, options.keep_written))
            }
            (State::Calendar, "BEGIN", "VTIMEZONE") => State::Zone {
                tzid: None,
                observances: Vec::new(),
                current: None,
                line: n,
            },
            (State::Calendar, "BEGIN", _) => {
                skipping.push(value.to_owned());
                State::Calendar
            }
            (State::Calendar, "END", "VCALENDAR") => State::Outside,
            (State::Calendar, "X-WR-TIMEZONE", _) => {
                x_wr_timezone = parse_zone_name(l.value);
                if x_wr_timezone.is_none() {
                    r.warn(
                        n,
                        format!("unknown X-WR-TIMEZONE '{}' ignored", l.value.trim()),
                    );
                }
                State::Calendar
            }
            (s @ State::Calendar, _, _) => s,
            (State::Event(ev), "END", "VEVENT") => {
                r.finish(*ev, window, &mut events);
                State::Calendar
            }
            (State::Event(ev), "END", "VCALENDAR") => {
                r.warn(ev.line, "unterminated VEVENT closed at END:VCALENDAR");
                r.finish(*ev, window, &mut events);
                State::Outside
            }
            (State::Event(ev), "BEGIN", "VEVENT") => {
                r.warn(
                    ev.line,
                    format!("unterminated VEVENT closed by the one at line {n}"),
                );
                r.finish(*ev, window, &mut events);
                State::Event(EventBuilder::at(n, options.keep_written))
            }
            (State::Event(ev), "BEGIN", _) => {
                skipping.push(value.to_owned());
                State::Event(ev)
            }
            (State::Event(ev), "END", _) => {
                r.warn(n, format!("unexpected END:{value} inside VEVENT ignored"));
                State::Event(ev)
            }
            // Its property lines were held above.
            (s @ State::Event(_), _, _) => s,
            (
                State::Zone {
                    tzid,
                    observances,
                    current: None,
                    line,
                },
                "BEGIN",
                "STANDARD" | "DAYLIGHT",
            ) => State::Zone {
                tzid,
                observances,
                current: Some(Observance::default()),
                line,
            },
            (
                State::Zone {
                    tzid,
                    mut observances,
                    current: Some(o),
                    line,
                },
                "END",
                "STANDARD" | "DAYLIGHT",
            ) => {
                observances.push(o);
                State::Zone {
                    tzid,
                    observances,
                    current: None,
                    line,
                }
            }
            (
                State::Zone {
                    tzid,
                    observances,
                    line,
                    ..
                },
                "END",
                "VTIMEZONE",
            ) => {
                match tzid {
                    Some(id) => match CustomZone::new(&id, &observances) {
                        Ok(z) => {
                            written_zones.insert(id.clone(), Arc::from(zone_text.as_str()));
                            defined.insert(id, Arc::new(z));
                        }
                        Err(e) => r.warn(line, format!("VTIMEZONE '{id}' unusable: {e}")),
                    },
                    None => r.warn(line, "VTIMEZONE without TZID ignored"),
                }
                State::Calendar
            }
            (
                State::Zone {
                    observances,
                    current,
                    line,
                    ..
                },
                "TZID",
                _,
            ) => State::Zone {
                // TZID is TEXT: "Amsterdam\, Berlin" names "Amsterdam, Berlin".
                tzid: Some(unescape_text(l.value.trim())),
                observances,
                current,
                line,
            },
            (
                State::Zone {
                    tzid,
                    observances,
                    mut current,
                    line,
                },
                _,
                _,
            ) => {
                if let Some(o) = current.as_mut() {
                    if !o.take(&l) {
                        r.warn(n, format!("bad {} value in VTIMEZONE skipped", l.name));
                    }
                }
                State::Zone {
                    tzid,
                    observances,
                    current,
                    line,
                }
            }
        };
    }
    if let State::Event(ev) = state {
        r.warn(ev.line, "unterminated VEVENT at end of file");
        r.finish(*ev, window, &mut events);
    }
    for &n in &lines.too_long {
        r.warn(n, format!("line longer than {} MB skipped", MAX_LINE >> 20));
    }
    if let Some(e) = &lines.error {
        r.warn(lines.line_number(), format!("reading stopped here: {e}"));
    }
    Part {
        events,
        defined,
        written_zones,
        x_wr_timezone,
        warnings: r.warnings,
        saw_calendar,
        lines: lines.line_number(),
    }
}

/// The start of a line, for a warning.
fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(60).collect();
    if p.len() < s.len() {
        p.push('…');
    }
    p
}
