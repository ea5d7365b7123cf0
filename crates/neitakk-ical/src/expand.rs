//! Expanding records into occurrences: recurrence rules, extra and excluded
//! dates, overrides matched on (UID, RECURRENCE-ID), and time zones.

use crate::reader::{EventRecord, Parsed, PeriodEnd};
use crate::recur;
use crate::value::{date_text, date_time_text, Duration, Stamp, Time};
use crate::written::{as_written, with_zone, written, written_rid};
use crate::zone::{Zone, Zones};
use crate::{Calendar, Warning, Window};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use neitakk_core::{Meeting, Written};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Bounds on expansion, so that no file can hang or exhaust memory: time
/// grows with the instances walked, memory with those kept, and both are
/// capped for the whole calendar, whatever the file holds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Instances walked per rule, counted from where its walk starts
    /// (DTSTART, or near the window where the rule allows).
    pub per_series: usize,
    /// Instances walked in the whole calendar; past it, a series lists
    /// only its first instance.
    pub walked: usize,
    /// Occurrences listed in the window; past it, the earliest are kept.
    pub kept: usize,
}

impl Default for Limits {
    /// Room for the largest calendars people have (the benchmark's 71 MB
    /// export lists 190,000 occurrences in a year and walks about a million
    /// instances), at a few seconds and a few hundred MB at most.
    fn default() -> Self {
        Limits {
            per_series: 50_000,
            walked: 5_000_000,
            kept: 250_000,
        }
    }
}

/// The identity of an instance: its original start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Key {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

impl Key {
    fn text(self) -> String {
        match self {
            Key::At(t) => rfc3339(t),
            Key::Day(d) => date_text(d, false),
        }
    }
}

/// UTC as `2026-12-03T09:00:00Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    date_time_text(t.naive_utc(), false) + "Z"
}

/// One placed instance before its fields are attached.
#[derive(Debug, Clone, Copy)]
struct Placed {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    days: Option<(NaiveDate, NaiveDate)>,
}

struct Expander<'a> {
    file: &'a str,
    zones: Zones,
    warnings: Vec<Warning>,
    warned_tzids: HashSet<String>,
    window: Window,
    limits: Limits,
    /// Instances the calendar may still walk.
    walk_left: usize,
    /// Why some occurrences are not listed, once the budget is spent.
    partial: Option<String>,
}

impl Expander<'_> {
    /// Says once that the calendar's budget is spent.
    fn spent(&mut self, line: usize, message: String) {
        if self.partial.is_none() {
            self.partial = Some(message.clone());
            self.warn(line, message);
        }
    }

    fn warn(&mut self, line: usize, message: String) {
        self.warnings.push(Warning {
            file: self.file.to_owned(),
            line,
            message,
        });
    }

    /// The zone a time is written in.
    fn zone_of(&mut self, t: &Time, line: usize) -> Zone {
        match (&t.stamp, &t.tzid) {
            (Stamp::Utc(_), _) => Zone::UTC,
            (Stamp::Local(_), Some(tzid)) => match self.zones.resolve(tzid) {
                Some(z) => z,
                None => {
                    if self.warned_tzids.insert(tzid.to_string()) {
                        self.warn(
                            line,
                            format!("unknown TZID '{tzid}': read as floating time"),
                        );
                    }
                    self.zones.floating.clone()
                }
            },
            _ => self.zones.floating.clone(),
        }
    }

    /// The identity of a time (an instant, or a date for all-day values).
    fn key(&mut self, t: &Time, line: usize) -> Key {
        match t.stamp {
            Stamp::Date(d) => Key::Day(d),
            s => Key::At(self.zone_of(t, line).to_utc(s.naive())),
        }
    }

    /// Places an instance that starts at `wall` in `zone`.
    fn place(&self, zone: &Zone, wall: NaiveDateTime, length: Length) -> Placed {
        match length {
            Length::Days(n) => {
                let d = wall.date();
                let end = d.checked_add_signed(TimeDelta::days(n)).unwrap_or(d);
                let dates = &self.zones.dates;
                Placed {
                    start: dates.midnight(d),
                    end: dates.midnight(end),
                    days: Some((d, end)),
                }
            }
            Length::Exact(len) => {
                let start = zone.to_utc(wall);
                Placed {
                    start,
                    end: start + len,
                    days: None,
                }
            }
            Length::Nominal(dur) => {
                let start = zone.to_utc(wall);
                let wall_end = wall + TimeDelta::days(dur.days);
                let end = zone.to_utc(wall_end) + TimeDelta::seconds(dur.seconds);
                Placed {
                    start,
                    end: end.max(start),
                    days: None,
                }
            }
        }
    }

    /// An event's length, from DTEND or DURATION.
    fn length(&mut self, r: &EventRecord) -> Length {
        let all_day = matches!(r.dtstart.stamp, Stamp::Date(_));
        match (&r.dtend, r.duration) {
            (Some(end), _) if all_day => match end.stamp {
                Stamp::Date(e) => {
                    Length::Days((e - r.dtstart.stamp.naive().date()).num_days().max(1))
                }
                _ => Length::Days(1),
            },
            (Some(end), _) => {
                let start = self
                    .zone_of(&r.dtstart, r.line)
                    .to_utc(r.dtstart.stamp.naive());
                let end = self.zone_of(end, r.line).to_utc(end.stamp.naive());
                if end < start {
                    self.warn(
                        r.line,
                        format!(
                            "DTEND before DTSTART in '{}': read as zero length",
                            r.meeting.uid
                        ),
                    );
                }
                Length::Exact((end - start).max(TimeDelta::zero()))
            }
            (None, Some(d)) if all_day => Length::Days(d.days.max(1)),
            (None, Some(d)) => Length::Nominal(Duration {
                days: d.days.max(0),
                seconds: d.seconds.max(0),
            }),
            (None, None) if all_day => Length::Days(1),
            (None, None) => Length::Exact(TimeDelta::zero()),
        }
    }

    /// The instances of a series master, keyed by original start: all of
    /// them from `from` (a wall-clock time in its zone) on, and where the
    /// rule allows a walk from near it, none of the earlier ones but the
    /// first.
    fn series(&mut self, r: &EventRecord, from: NaiveDateTime) -> BTreeMap<Key, Placed> {
        let zone = self.zone_of(&r.dtstart, r.line);
        let all_day = matches!(r.dtstart.stamp, Stamp::Date(_));
        let length = self.length(r);
        let start_wall = r.dtstart.stamp.naive();
        let stop = zone.to_wall(self.window.to) + TimeDelta::days(2);
        let mut walls = vec![start_wall];
        for (rule_line, rule) in &r.rrules {
            let until_wall = |s: Stamp| match s {
                Stamp::Utc(t) => zone.to_wall(t.and_utc()),
                Stamp::Local(t) => t,
                Stamp::Date(d) if all_day => d.and_time(NaiveTime::MIN),
                Stamp::Date(d) => d.and_hms_opt(23, 59, 59).unwrap_or_default(),
            };
            let budget = self.limits.per_series.min(self.walk_left);
            match recur::walk(rule, start_wall, until_wall, from, stop, budget) {
                Ok(w) => {
                    self.walk_left -= w.starts.len();
                    for part in &w.skipped {
                        self.warn(
                            *rule_line,
                            format!("series '{}': RRULE part {part} left out", r.meeting.uid),
                        );
                    }
                    if w.capped && budget < self.limits.per_series {
                        self.spent(
                            r.line,
                            format!(
                                "the calendar's budget of {} recurring instances is spent at series '{}': it and the series after it list only their first instances",
                                self.limits.walked, r.meeting.uid
                            ),
                        );
                    } else if w.capped {
                        self.warn(
                            r.line,
                            format!(
                                "series '{}' capped at {} instances; later ones are not listed",
                                r.meeting.uid, self.limits.per_series
                            ),
                        );
                    }
                    walls.extend(w.starts);
                }
                Err(e) => self.warn(
                    r.line,
                    format!(
                        "series '{}': {e}; only its first instance is listed",
                        r.meeting.uid
                    ),
                ),
            }
        }
        let mut out = BTreeMap::new();
        for wall in walls {
            let placed = self.place(&zone, wall, length);
            out.insert(
                if all_day {
                    Key::Day(wall.date())
                } else {
                    Key::At(placed.start)
                },
                placed,
            );
        }
        for rd in &r.rdates {
            let z = self.zone_of(&rd.start, r.line);
            let wall = match rd.start.stamp {
                Stamp::Date(d) => d.and_time(NaiveTime::MIN),
                s => zone.to_wall(z.to_utc(s.naive())),
            };
            let len = match &rd.end {
                None => length,
                Some(PeriodEnd::After(d)) => Length::Nominal(*d),
                Some(PeriodEnd::At(e)) => {
                    let start = z.to_utc(rd.start.stamp.naive());
                    let end = self.zone_of(e, r.line).to_utc(e.stamp.naive());
                    Length::Exact((end - start).max(TimeDelta::zero()))
                }
            };
            let len = if matches!(rd.start.stamp, Stamp::Date(_)) && !matches!(len, Length::Days(_))
            {
                Length::Days(1)
            } else {
                len
            };
            let placed = self.place(&zone, wall, len);
            let key = if placed.days.is_some() {
                Key::Day(wall.date())
            } else {
                Key::At(placed.start)
            };
            out.insert(key, placed);
        }
        for ex in &r.exdates {
            match self.key(ex, r.line) {
                Key::Day(d) if !all_day => {
                    // A DATE in EXDATE of a timed series removes that day's instances.
                    let zone = zone.clone();
                    out.retain(|k, _| !matches!(k, Key::At(t) if zone.to_wall(*t).date() == d));
                }
                Key::At(t) if all_day => {
                    out.remove(&Key::Day(zone.to_wall(t).date()));
                }
                k => {
                    out.remove(&k);
                }
            }
        }
        out
    }

    fn single(&mut self, r: &EventRecord) -> Placed {
        let zone = self.zone_of(&r.dtstart, r.line);
        let length = self.length(r);
        self.place(&zone, r.dtstart.stamp.naive(), length)
    }
}

/// The length of each instance.
#[derive(Debug, Clone, Copy)]
enum Length {
    /// All-day: this many days.
    Days(i64),
    /// From DTEND: the exact time between start and end.
    Exact(TimeDelta),
    /// From DURATION: days in wall-clock time, the rest exact.
    Nominal(Duration),
}

/// An instance of `meeting` placed at `placed`, with its RECURRENCE-ID (the
/// key's text, and as the invitation writes it), if it is one of a series.
fn occurrence(meeting: &Meeting, placed: Placed, rid: Option<(Key, Written)>) -> Meeting {
    Meeting {
        start: placed.start,
        end: placed.end,
        dates: placed.days,
        recurring: rid.is_some(),
        recurrence_id: rid.as_ref().map(|(k, _)| k.text()),
        recurrence_id_written: rid.map(|(_, w)| w),
        ..meeting.clone()
    }
}

/// Expands parsed records into the occurrences that touch `window`.
pub fn expand(file: &str, parsed: Parsed, window: Window, limits: &Limits) -> Calendar {
    expanded(file, parsed, window, limits).into_calendar()
}

/// The occurrences of a calendar in a window, sorted by start, UID and
/// instance, each made only when it is asked for: what places one is small
/// (its times, and which instance of which version of an event), so that a
/// caller that writes them out one by one never holds them all.
#[derive(Debug)]
pub struct Expanded {
    versions: Vec<Version>,
    names: Vec<Names>,
    slots: Vec<Slot>,
    pub warnings: Vec<Warning>,
    /// Why some occurrences are not listed, when the limits were spent.
    pub partial: Option<String>,
}

impl Expanded {
    /// How many occurrences there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The occurrences in order, each made as it is taken.
    pub fn occurrences(&self) -> impl Iterator<Item = Meeting> + '_ {
        self.slots.iter().map(|s| {
            let v = &self.versions[s.version];
            let rid = s.key.map(|k| {
                // Every instance's version has the names of its series.
                let written = v.names.map(|n| self.names[n].of(k)).unwrap_or_default();
                (k, written)
            });
            occurrence(&v.meeting, s.placed, rid)
        })
    }

    /// All of them made at once.
    pub fn into_calendar(self) -> Calendar {
        Calendar {
            occurrences: self.occurrences().collect(),
            warnings: self.warnings,
            partial: self.partial,
        }
    }
}

/// One version of an event (a single event, a series, an override of one
/// of its instances) that occurrences are made from, with the names of its
/// instances (in `Expanded::names`) if it has instances.
#[derive(Debug)]
struct Version {
    meeting: Box<Meeting>,
    names: Option<usize>,
}

/// How the instances of an event are named, as its invitation wrote them.
#[derive(Debug)]
enum Names {
    /// An instance whose series is not in the file: its RECURRENCE-ID.
    Own(Written),
    /// A series: the RECURRENCE-IDs its overrides wrote, and the others as
    /// its DTSTART is written, in its zone.
    Series {
        start: Written,
        zone: Zone,
        own: HashMap<Key, Written>,
    },
}

impl Names {
    fn of(&self, key: Key) -> Written {
        match self {
            Names::Own(w) => w.clone(),
            Names::Series { start, zone, own } => own
                .get(&key)
                .cloned()
                .unwrap_or_else(|| written_rid(start, key, zone)),
        }
    }
}

/// An occurrence before it is made: where it is placed, of which version,
/// and which instance it is, if it is one.
#[derive(Debug, Clone, Copy)]
struct Slot {
    placed: Placed,
    version: usize,
    key: Option<Key>,
}

/// Expands parsed records into the occurrences that touch `window`, to be
/// made as they are taken.
pub fn expanded(file: &str, parsed: Parsed, window: Window, limits: &Limits) -> Expanded {
    let Parsed {
        events,
        zones,
        warnings,
    } = parsed;
    let mut x = Expander {
        file,
        zones,
        warnings,
        warned_tzids: HashSet::new(),
        window,
        limits: *limits,
        walk_left: limits.walked,
        partial: None,
    };

    let mut events = events;
    // What the organizer wrote, before any zone is read into it: an answer
    // names its instance the same way. A series' DTSTART, an instance's
    // RECURRENCE-ID, by the line of the event (the few records that need
    // one, apart: records are many).
    let mut as_written_at: HashMap<usize, Written> = HashMap::new();
    for e in &mut events {
        if let Some(t) = e
            .recurrence_id
            .as_ref()
            .or(e.is_series().then_some(&e.dtstart))
        {
            as_written_at.insert(e.line, written(t));
        }
        if let Some(zone) = x.zones.calendar {
            in_calendar_zone(e, zone);
        }
        if let (Stamp::Local(_), Some(_)) = (&e.dtstart.stamp, &e.dtstart.tzid) {
            if let Zone::Iana(tz) = x.zone_of(&e.dtstart, e.line) {
                e.meeting.zone = Some(Arc::from(tz.name()));
            }
        }
    }
    // Grouped by UID, in the file's order of first appearance: sorted in
    // place (stably), so that a large file costs no second copy of its events.
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for e in &events {
        if !first_seen.contains_key(&e.meeting.uid) {
            first_seen.insert(e.meeting.uid.clone(), first_seen.len());
        }
    }
    events.sort_by_cached_key(|e| first_seen.get(&e.meeting.uid).copied());
    drop(first_seen);

    let mut out = Kept::new(window, limits.kept);
    let mut records = events.into_iter().peekable();
    while let Some(first) = records.next() {
        if neitakk_core::cancel::requested() {
            break;
        }
        let mut members = vec![first];
        while let Some(e) = records.next_if(|e| e.meeting.uid == members[0].meeting.uid) {
            members.push(e);
        }
        let Some(uid) = members.first().map(|e| e.meeting.uid.clone()) else {
            continue;
        };
        let (overrides, mut masters): (Vec<_>, Vec<_>) =
            members.into_iter().partition(|e| e.recurrence_id.is_some());
        masters.sort_by_key(|m| m.meeting.sequence);
        let master = masters.pop();
        if let Some(dup) = masters.first() {
            x.warn(
                dup.line,
                format!("UID '{uid}' appears more than once; the highest SEQUENCE is used"),
            );
        }
        let key_of = |x: &mut Expander, o: &EventRecord| {
            let rid = o.recurrence_id.clone().unwrap_or_else(|| o.dtstart.clone());
            x.key(&rid, o.line)
        };
        let mut master = match master {
            Some(m) if m.is_series() => m,
            mut single => {
                let mut overrides: Vec<(Key, EventRecord)> = overrides
                    .into_iter()
                    .map(|o| (key_of(&mut x, &o), o))
                    .collect();
                as_written(
                    single
                        .iter_mut()
                        .chain(overrides.iter_mut().map(|(_, o)| o)),
                    &x.zones,
                );
                // A single event, or instances whose series is not in the file.
                if let Some(m) = single {
                    let placed = x.single(&m);
                    if out.admits(placed) {
                        let v = out.version(m.meeting, None);
                        out.push(placed, v, None);
                    }
                }
                for (k, o) in overrides {
                    let placed = x.single(&o);
                    if !out.admits(placed) {
                        continue;
                    }
                    let written = as_written_at
                        .remove(&o.line)
                        .unwrap_or_else(|| written(&o.dtstart));
                    let names = out.names(Names::Own(with_zone(written, &x.zones)));
                    let v = out.version(o.meeting, Some(names));
                    out.push(placed, v, Some(k));
                }
                continue;
            }
        };
        let first = x.single(&master);
        let master_zone = x.zone_of(&master.dtstart, master.line);
        // Instances before the window are needed only where an override
        // names one (to match it, or to move it and those after it): the
        // walk starts two days before the earliest of these, wall-clock
        // times in any zone being closer than that.
        let from = overrides
            .iter()
            .map(|o| o.recurrence_id.as_ref().unwrap_or(&o.dtstart).stamp.naive())
            .chain([master_zone.to_wall(window.from)])
            .min()
            .and_then(|t| t.checked_sub_signed(TimeDelta::days(2)))
            .unwrap_or(NaiveDateTime::MIN);
        let mut instances = x.series(&master, from);
        // Its zone's definition is found once for the whole series.
        let master_start = with_zone(
            as_written_at
                .remove(&master.line)
                .unwrap_or_else(|| written(&master.dtstart)),
            &x.zones,
        );
        let mut keyed: Vec<(Key, EventRecord)> = Vec::new();
        for o in overrides {
            // An override may write its RECURRENCE-ID as another value type
            // than the series (Exchange: a DATE-TIME midnight for an all-day
            // series): it stands for the instance of that calendar date.
            let key = match (key_of(&mut x, &o), &master.dtstart.stamp) {
                (Key::At(_), Stamp::Date(_)) => {
                    let rid = o.recurrence_id.as_ref().unwrap_or(&o.dtstart);
                    Key::Day(rid.stamp.naive().date())
                }
                (Key::Day(d), s) if !matches!(s, Stamp::Date(_)) => instances
                    .keys()
                    .copied()
                    .find(|k| matches!(k, Key::At(t) if master_zone.to_wall(*t).date() == d))
                    .unwrap_or(Key::Day(d)),
                (k, _) => k,
            };
            // An override older than its master, for an instance the master
            // no longer has (EXDATE, an earlier UNTIL, a changed rule), is
            // stale: the organizer's newer series replaced it.
            let walked = match key {
                Key::At(t) => t <= window.to + TimeDelta::days(2),
                Key::Day(d) => d <= window.to.date_naive() + TimeDelta::days(2),
            };
            if o.meeting.sequence < master.meeting.sequence
                && walked
                && !instances.contains_key(&key)
            {
                x.warn(
                    o.line,
                    format!(
                        "override of '{uid}' for {} is older than its series, which no longer has that instance: left out",
                        key.text()
                    ),
                );
                continue;
            }
            keyed.push((key, o));
        }
        keyed.sort_by_key(|(k, o)| (*k, o.meeting.sequence));
        as_written(
            std::iter::once(&mut master).chain(keyed.iter_mut().map(|(_, o)| o)),
            &x.zones,
        );
        let overrides = keyed;
        // Each override's RECURRENCE-ID as it was written.
        let own_rids: HashMap<Key, Written> = overrides
            .iter()
            .map(|(k, o)| {
                let w = match as_written_at.remove(&o.line) {
                    Some(w) => with_zone(w, &x.zones),
                    None => written_rid(&master_start, *k, &master_zone),
                };
                (*k, w)
            })
            .collect();
        let series = neitakk_core::Series {
            start: first.start,
            end: first.end,
            rrule: master.rrules.first().map(|(_, r)| Arc::from(r.as_str())),
            overrides: overrides
                .iter()
                .filter(|(_, o)| !o.meeting.is_cancelled())
                .filter_map(|(k, _)| own_rids.get(k).cloned())
                .collect(),
        };
        if !overrides.iter().any(|(_, o)| o.this_and_future) {
            // Nothing can move an instance from outside the window into it
            // but its own override, which is placed on its own below.
            instances.retain(|_, p| window.contains(p.start, p.end));
        }
        // The versions of the event: the master first, then each override.
        let with_series = |mut m: Box<Meeting>| {
            m.series = Some(series.clone());
            m
        };
        let mark = out.mark();
        let names = out.names(Names::Series {
            start: master_start,
            zone: master_zone,
            own: own_rids,
        });
        let master_version = out.version(with_series(master.meeting), Some(names));
        let mut placed: BTreeMap<Key, (Placed, usize)> = instances
            .iter()
            .map(|(k, p)| (*k, (*p, master_version)))
            .collect();
        for (rid, o) in overrides {
            // An override describes its instance fully (RFC 5545 has no
            // inheritance; libical, ical.js and Thunderbird read it so).
            let own = x.single(&o);
            let version = out.version(with_series(o.meeting), Some(names));
            if o.this_and_future {
                // This and every later instance move by the same shift from
                // their original times, and take the new length: a later
                // THISANDFUTURE replaces an earlier one from its own start.
                let shift = match rid {
                    Key::At(t) => own.start - t,
                    Key::Day(d) => own.start - x.zones.dates.midnight(d),
                };
                let len = own.end - own.start;
                for (k, (p, v)) in placed.range_mut(rid..) {
                    let original = instances.get(k).copied().unwrap_or(*p);
                    let start = original.start + shift;
                    *p = Placed {
                        start,
                        end: start + len,
                        days: original.days.map(|(a, b)| shift_days(a, b, shift)),
                    };
                    *v = version;
                }
            }
            placed.insert(rid, (own, version));
        }
        for (k, (p, v)) in placed {
            if !out.versions[v].meeting.is_cancelled() && out.admits(p) {
                out.push(p, v, Some(k));
            }
        }
        out.unless_kept(mark);
    }
    // The records are spent: their room is let go before the occurrences
    // are made.
    drop(records);
    let (versions, names, slots, dropped) = out.finish();
    if let (Some(last), true) = (slots.last(), dropped > 0) {
        x.spent(
            0,
            format!(
                "more than {} occurrences in the window: only the first {}, until {}, are listed ({dropped} left out)",
                limits.kept,
                limits.kept,
                rfc3339(last.placed.start)
            ),
        );
    }
    Expanded {
        versions,
        names,
        slots,
        warnings: x.warnings,
        partial: x.partial,
    }
}

/// The occurrences in the window, at most `cap` of them: the earliest, as
/// slots, with the versions and names they are made from. At most twice
/// the cap of slots are held, whatever the calendar holds (the versions
/// are what the records held already), and an occurrence that cannot be
/// among the earliest is not even placed.
struct Kept {
    window: Window,
    cap: usize,
    versions: Vec<Version>,
    names: Vec<Names>,
    slots: Vec<Slot>,
    /// Slots pushed so far, trimmed or not.
    pushed: usize,
    /// Once the cap was reached: the latest start still kept.
    cutoff: Option<DateTime<Utc>>,
    dropped: usize,
}

/// Where one event's versions and names begin in [`Kept`].
#[derive(Clone, Copy)]
struct Mark {
    versions: usize,
    names: usize,
    pushed: usize,
}

impl Kept {
    fn new(window: Window, cap: usize) -> Kept {
        Kept {
            window,
            cap,
            versions: Vec::new(),
            names: Vec::new(),
            slots: Vec::new(),
            pushed: 0,
            cutoff: None,
            dropped: 0,
        }
    }

    /// Whether an instance placed at `p` is in the window and may be kept.
    fn admits(&mut self, p: Placed) -> bool {
        if !self.window.contains(p.start, p.end) {
            return false;
        }
        if self.cutoff.is_some_and(|c| p.start > c) {
            self.dropped += 1;
            return false;
        }
        true
    }

    fn version(&mut self, meeting: Box<Meeting>, names: Option<usize>) -> usize {
        self.versions.push(Version { meeting, names });
        self.versions.len() - 1
    }

    fn names(&mut self, names: Names) -> usize {
        self.names.push(names);
        self.names.len() - 1
    }

    fn mark(&self) -> Mark {
        Mark {
            versions: self.versions.len(),
            names: self.names.len(),
            pushed: self.pushed,
        }
    }

    /// Lets go of the versions and names added since `mark` if none of
    /// their occurrences was pushed: a series outside the window costs
    /// nothing once it is passed.
    fn unless_kept(&mut self, mark: Mark) {
        if self.pushed == mark.pushed {
            self.versions.truncate(mark.versions);
            self.names.truncate(mark.names);
        }
    }

    fn push(&mut self, placed: Placed, version: usize, key: Option<Key>) {
        // A cancelled instance is no occurrence; a cancelled single event is
        // listed (its cancellation is what there is to know).
        if key.is_some() && self.versions[version].meeting.is_cancelled() {
            return;
        }
        self.slots.push(Slot {
            placed,
            version,
            key,
        });
        self.pushed += 1;
        if self.slots.len() >= self.cap.saturating_mul(2).max(1) {
            self.trim();
        }
    }

    fn trim(&mut self) {
        let versions = &self.versions;
        // By start, UID and instance; the version parts two overrides of
        // one instance. No two slots are alike, so the order is the same
        // whatever the sort (an unstable one needs no second buffer).
        self.slots.sort_unstable_by(|a, b| {
            a.placed
                .start
                .cmp(&b.placed.start)
                .then_with(|| {
                    versions[a.version]
                        .meeting
                        .uid
                        .cmp(&versions[b.version].meeting.uid)
                })
                .then(a.key.cmp(&b.key))
                .then(a.version.cmp(&b.version))
        });
        if self.slots.len() > self.cap {
            self.dropped += self.slots.len() - self.cap;
            self.slots.truncate(self.cap);
            self.cutoff = self.slots.last().map(|s| s.placed.start);
        }
    }

    /// The versions, names and slots in order of start, and how many
    /// occurrences were left out.
    fn finish(mut self) -> (Vec<Version>, Vec<Names>, Vec<Slot>, usize) {
        self.trim();
        (self.versions, self.names, self.slots, self.dropped)
    }
}

/// Reads an event's UTC times as wall-clock times in the calendar's zone
/// (X-WR-TIMEZONE, as Google writes it): a weekly meeting at 08:00Z in
/// winter stays at 09:00 Oslo time after the clocks change.
fn in_calendar_zone(e: &mut EventRecord, zone: neitakk_core::Tz) {
    let name: Arc<str> = Arc::from(zone.name());
    let local = |t: &mut Time| {
        if let Stamp::Utc(u) = t.stamp {
            t.stamp = Stamp::Local(u.and_utc().with_timezone(&zone).naive_local());
            t.tzid = Some(name.clone());
        }
    };
    local(&mut e.dtstart);
    if let Some(t) = e.dtend.as_mut() {
        local(t);
    }
    if let Some(t) = e.recurrence_id.as_mut() {
        local(t);
    }
    e.exdates.iter_mut().for_each(local);
    for r in &mut e.rdates {
        local(&mut r.start);
        if let Some(PeriodEnd::At(t)) = r.end.as_mut() {
            local(t);
        }
    }
}

fn shift_days(a: NaiveDate, b: NaiveDate, shift: TimeDelta) -> (NaiveDate, NaiveDate) {
    let days = TimeDelta::days(shift.num_days());
    (
        a.checked_add_signed(days).unwrap_or(a),
        b.checked_add_signed(days).unwrap_or(b),
    )
}
