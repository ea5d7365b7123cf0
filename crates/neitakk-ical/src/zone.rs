//! Time zones: IANA names, Windows and vendor-prefixed names (mapped by
//! `calcard`), zones defined only by an in-file VTIMEZONE, and UTC.

use crate::lines::Line;
use crate::recur;
use crate::value::{parse_stamp, Stamp};
use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc,
};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

/// A zone that turns wall-clock times into instants.
#[derive(Debug, Clone)]
pub enum Zone {
    Iana(neitakk_core::Tz),
    Custom(Arc<CustomZone>),
}

impl Zone {
    pub const UTC: Zone = Zone::Iana(neitakk_core::Tz::UTC);

    /// The instant a wall-clock time names. An ambiguous time (the repeated
    /// hour in autumn) is its first instant; a time in a spring gap is read
    /// with the offset before the gap (RFC 5545 section 3.3.5).
    pub fn to_utc(&self, wall: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Iana(tz) => match tz.offset_from_local_datetime(&wall) {
                LocalResult::Single(o) | LocalResult::Ambiguous(o, _) => utc_from(wall, o.fix()),
                LocalResult::None => {
                    let before = tz
                        .offset_from_utc_datetime(&(wall - TimeDelta::hours(26)))
                        .fix();
                    utc_from(wall, before)
                }
            },
            Zone::Custom(z) => z.to_utc(wall),
        }
    }

    /// The wall-clock time of an instant in this zone.
    pub fn to_wall(&self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Iana(tz) => t.with_timezone(tz).naive_local(),
            Zone::Custom(z) => {
                t.naive_utc() + TimeDelta::seconds(i64::from(z.offset_at(t.timestamp())))
            }
        }
    }

    /// Local midnight of a date, as an instant.
    pub fn midnight(&self, d: NaiveDate) -> DateTime<Utc> {
        self.to_utc(d.and_time(chrono::NaiveTime::MIN))
    }
}

fn utc_from(wall: NaiveDateTime, offset: FixedOffset) -> DateTime<Utc> {
    (wall - TimeDelta::seconds(i64::from(offset.local_minus_utc()))).and_utc()
}

/// A zone defined by a VTIMEZONE: its transitions, precomputed.
#[derive(Debug)]
pub struct CustomZone {
    pub tzid: String,
    /// `(instant in Unix seconds, offset after it)`, sorted.
    transitions: Vec<(i64, i32)>,
    /// The offset before the first transition.
    initial: i32,
}

/// One STANDARD or DAYLIGHT block of a VTIMEZONE.
#[derive(Debug, Default, Clone)]
pub struct Observance {
    pub dtstart: Option<NaiveDateTime>,
    pub offset_from: Option<i32>,
    pub offset_to: Option<i32>,
    pub rrule: Option<String>,
    pub rdates: Vec<NaiveDateTime>,
}

impl Observance {
    /// Takes one property line of the block; `false` if it was malformed.
    pub fn take(&mut self, l: &Line) -> bool {
        match l.name.as_ref() {
            "DTSTART" => {
                self.dtstart = parse_stamp(l.value).map(Stamp::naive);
                self.dtstart.is_some()
            }
            "TZOFFSETFROM" => {
                self.offset_from = parse_offset(l.value);
                self.offset_from.is_some()
            }
            "TZOFFSETTO" => {
                self.offset_to = parse_offset(l.value);
                self.offset_to.is_some()
            }
            "RRULE" => {
                self.rrule = Some(l.value.to_owned());
                true
            }
            "RDATE" => {
                let before = self.rdates.len();
                self.rdates
                    .extend(l.value.split(',').filter_map(parse_stamp).map(Stamp::naive));
                self.rdates.len() > before
            }
            _ => true,
        }
    }
}

/// The last year transitions are computed for.
const LAST_YEAR: i32 = 2200;

impl CustomZone {
    /// Builds a zone from its observances; `Err` says why it cannot be used.
    pub fn new(tzid: &str, observances: &[Observance]) -> Result<CustomZone, String> {
        let mut transitions = Vec::new();
        let mut first: Option<(NaiveDateTime, i32)> = None;
        let stop = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31)
            .unwrap_or_default()
            .and_time(chrono::NaiveTime::MIN);
        for o in observances {
            let (Some(start), Some(from), Some(to)) = (o.dtstart, o.offset_from, o.offset_to)
            else {
                continue;
            };
            if first.is_none_or(|(t, _)| start < t) {
                first = Some((start, from));
            }
            let mut onsets = vec![start];
            onsets.extend(&o.rdates);
            if let Some(rule) = &o.rrule {
                // UNTIL in a VTIMEZONE is UTC; onsets are in the wall clock before the change.
                let until_wall = |s: Stamp| match s {
                    Stamp::Utc(t) => t + TimeDelta::seconds(i64::from(from)),
                    other => other.naive(),
                };
                // Every onset: a zone answers for any time, not only the window's.
                let walked = recur::walk(rule, start, until_wall, start, stop, 2_000)?;
                onsets.extend(walked.starts);
            }
            for onset in onsets {
                transitions.push((
                    (onset - TimeDelta::seconds(i64::from(from)))
                        .and_utc()
                        .timestamp(),
                    to,
                ));
            }
        }
        let Some((_, initial)) = first else {
            return Err("no usable STANDARD or DAYLIGHT block".into());
        };
        transitions.sort_unstable();
        transitions.dedup_by_key(|t| t.0);
        Ok(CustomZone {
            tzid: tzid.to_owned(),
            transitions,
            initial,
        })
    }

    /// The UTC offset in seconds at an instant.
    pub fn offset_at(&self, unix: i64) -> i32 {
        match self.transitions.partition_point(|&(t, _)| t <= unix) {
            0 => self.initial,
            i => self.transitions[i - 1].1,
        }
    }

    fn to_utc(&self, wall: NaiveDateTime) -> DateTime<Utc> {
        let local = wall.and_utc().timestamp();
        // The offsets in force a day either side cover every candidate.
        let mut candidates = [
            self.offset_at(local - 86_400),
            self.offset_at(local + 86_400),
        ];
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        for off in candidates {
            if self.offset_at(local - i64::from(off)) == off {
                return utc_from(
                    wall,
                    FixedOffset::east_opt(off).unwrap_or(FixedOffset::east_opt(0).expect("zero")),
                );
            }
        }
        // In a gap: the offset before it.
        let before = self.offset_at(local - 86_400);
        (wall - TimeDelta::seconds(i64::from(before))).and_utc()
    }
}

/// Parses a UTC offset: `+0100`, `-0530`, `+013000`.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let d = &s[1..];
    if !(d.len() == 4 || d.len() == 6) || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = d[..2].parse().ok()?;
    let m: i32 = d[2..4].parse().ok()?;
    let sec: i32 = if d.len() == 6 {
        d[4..].parse().ok()?
    } else {
        0
    };
    (h < 24 && m < 60 && sec < 60).then_some(sign * (h * 3600 + m * 60 + sec))
}

/// Parses a zone name given on the command line or in a config: an IANA name,
/// or a Windows or vendor-prefixed name.
pub fn parse_zone_name(name: &str) -> Option<neitakk_core::Tz> {
    if let Ok(tz) = neitakk_core::Tz::from_str(name.trim()) {
        return Some(tz);
    }
    // A vendor prefix, as libical and Evolution write them:
    // "/freeassociation.sourceforge.net/Europe/Oslo", with one or more
    // segments before the IANA name.
    if let Some(path) = name.trim().strip_prefix('/') {
        let parts: Vec<&str> = path.split('/').collect();
        for i in 1..parts.len() {
            if let Ok(tz) = neitakk_core::Tz::from_str(&parts[i..].join("/")) {
                return Some(tz);
            }
        }
    }
    match calcard::common::timezone::Tz::from_str(name) {
        // calcard knows Windows names by chrono-tz's zones; the rules are
        // taken from the current database by the name.
        Ok(calcard::common::timezone::Tz::Tz(tz)) => neitakk_core::Tz::named(tz.name()),
        _ => None,
    }
}

/// How TZIDs of one file resolve.
#[derive(Debug)]
pub struct Zones {
    /// Zones defined by VTIMEZONE blocks in the file.
    pub defined: HashMap<String, Arc<CustomZone>>,
    /// The zone for floating times and unknown TZIDs.
    pub floating: Zone,
    /// The zone all-day dates are placed in: the reader's (`--tz`, the
    /// profile), never the file's X-WR-TIMEZONE.
    pub dates: Zone,
    /// The calendar's own zone (X-WR-TIMEZONE, as Google means it): UTC
    /// times are read as wall-clock times there.
    pub calendar: Option<neitakk_core::Tz>,
    /// Each VTIMEZONE of the file as written, by TZID.
    pub written: HashMap<String, Arc<str>>,
    cache: HashMap<Arc<str>, Option<Zone>>,
}

impl Zones {
    pub fn new(
        defined: HashMap<String, Arc<CustomZone>>,
        floating: Zone,
        dates: Zone,
        calendar: Option<neitakk_core::Tz>,
        written: HashMap<String, Arc<str>>,
    ) -> Self {
        Zones {
            defined,
            floating,
            dates,
            calendar,
            written,
            cache: HashMap::new(),
        }
    }

    /// The zone a TZID names: an IANA name first (its history is better than
    /// any file's), then the file's own VTIMEZONE, then a Windows or
    /// vendor-prefixed name. `None` when nothing knows it.
    pub fn resolve(&mut self, tzid: &Arc<str>) -> Option<Zone> {
        if let Some(z) = self.cache.get(tzid) {
            return z.clone();
        }
        let name = tzid.trim().trim_matches('"');
        let zone = neitakk_core::Tz::from_str(name)
            .ok()
            .map(Zone::Iana)
            .or_else(|| self.defined.get(name).cloned().map(Zone::Custom))
            .or_else(|| parse_zone_name(name).map(Zone::Iana));
        self.cache.insert(tzid.clone(), zone.clone());
        zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(s: &str) -> NaiveDateTime {
        parse_stamp(s).unwrap().naive()
    }

    fn oslo_like() -> CustomZone {
        let std = Observance {
            dtstart: Some(wall("19701025T030000")),
            offset_from: Some(7200),
            offset_to: Some(3600),
            rrule: Some("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU".into()),
            rdates: vec![],
        };
        let dst = Observance {
            dtstart: Some(wall("19700329T020000")),
            offset_from: Some(3600),
            offset_to: Some(7200),
            rrule: Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU".into()),
            rdates: vec![],
        };
        CustomZone::new("Min sone", &[std, dst]).unwrap()
    }

    #[test]
    fn custom_zone_matches_iana() {
        let custom = Zone::Custom(Arc::new(oslo_like()));
        let oslo = Zone::Iana(neitakk_core::Tz::named("Europe/Oslo").unwrap());
        for s in [
            "20261203T090000",
            "20260701T090000",
            "20260329T023000",
            "20261025T023000",
            "20260329T030000",
        ] {
            assert_eq!(custom.to_utc(wall(s)), oslo.to_utc(wall(s)), "{s}");
        }
    }

    #[test]
    fn gap_uses_offset_before() {
        let oslo = Zone::Iana(neitakk_core::Tz::named("Europe/Oslo").unwrap());
        // 02:30 does not exist on 2026-03-29; read with +01:00 it is 01:30Z
        assert_eq!(
            oslo.to_utc(wall("20260329T023000")).to_rfc3339(),
            "2026-03-29T01:30:00+00:00"
        );
    }

    #[test]
    fn windows_and_vendor_names() {
        assert_eq!(
            parse_zone_name("W. Europe Standard Time"),
            Some(neitakk_core::Tz::named("Europe/Berlin").unwrap())
        );
        assert_eq!(
            parse_zone_name("/mozilla.org/20050126_1/Europe/Oslo"),
            Some(neitakk_core::Tz::named("Europe/Oslo").unwrap())
        );
        assert_eq!(parse_offset("+0530"), Some(19800));
        assert_eq!(parse_offset("0100"), None);
    }
}
