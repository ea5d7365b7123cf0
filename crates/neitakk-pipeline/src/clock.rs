//! Where "now" comes from. Only the binary reads the system clock (or takes
//! `--now` / `NEITAKK_NOW` instead); it hands a `Clock` down, and nothing
//! below it reads the time of day. So every test can pin the time, and a
//! behaviour that depends on the date shows it in its arguments.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Instant;

/// A source of the current instant.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// A clock that asks `read` each time (the binary gives the system clock;
    /// a test may give a time it moves by hand).
    pub fn new(read: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(read))
    }

    /// `at` now, then running on with the machine's monotonic clock: a
    /// server started `--now` some date still sees sessions expire.
    pub fn running_from(at: DateTime<Utc>) -> Clock {
        let started = Instant::now();
        Clock::new(move || {
            chrono::Duration::from_std(started.elapsed())
                .ok()
                .and_then(|d| at.checked_add_signed(d))
                .unwrap_or(at)
        })
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now().to_rfc3339())
    }
}

/// Reads an instant given on the command line or in `NEITAKK_NOW`: RFC 3339
/// (`2026-11-30T07:00:00+01:00`), seconds optional.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "'{s}' is not an RFC 3339 date-time with a zone, e.g. 2026-11-30T07:00:00+01:00"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_with_its_zone() {
        let t = parse_now("2026-11-30T07:00:00+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-30T06:00:00+00:00");
        assert_eq!(parse_now("2026-11-30T07:00+01:00").unwrap(), t);
        assert_eq!(parse_now("2026-11-30T06:00:00Z").unwrap(), t);
        assert!(
            parse_now("2026-11-30T07:00:00").is_err(),
            "no zone: ambiguous"
        );
        assert!(parse_now("tomorrow").is_err());
    }

    #[test]
    fn a_running_clock_starts_where_it_is_told() {
        let t = parse_now("2026-11-30T07:00:00+01:00").unwrap();
        let clock = Clock::running_from(t);
        let now = clock.now();
        assert!(now >= t && now < t + chrono::Duration::minutes(1));
    }
}
