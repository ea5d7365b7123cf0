//! The arguments several commands share: a calendar with a week or a span
//! of weeks, or one meeting in it.

use chrono::{DateTime, Duration, Utc};
use neitakk_core::Meeting;
use neitakk_ical::Window;
use neitakk_pipeline::analysis::{
    bounded, find, parse_at, parse_week, search_window, window, Loaded, Purpose, MAX_WINDOW_DAYS,
};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::BadInput;
use neitakk_pipeline::Result;

/// A calendar and a week or window: the arguments `triage` and `plan` share.
#[derive(Debug, clap::Args)]
pub struct WeekArgs {
    /// The calendar: an .ics file, an .eml invitation, - for stdin, caldav,
    /// or a link to a published calendar (https://, webcal://). Default:
    /// `[calendar] url` in the config.
    pub file: Option<String>,
    /// An ISO week, e.g. 2026-W49 (default: this week).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub week: Option<String>,
    /// Start of the window: a date or an RFC 3339 date-time.
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// End of the window (exclusive).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

impl WeekArgs {
    /// The window the arguments name; by default the week `now` is in.
    pub fn window(&self, tz: neitakk_core::Tz, now: DateTime<Utc>) -> Result<Window> {
        let w = window(
            self.week.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
            tz,
            now,
        )?;
        bounded(w, MAX_WINDOW_DAYS, "--from/--to")
    }
}

/// A calendar and a span of weeks: the arguments `load` and `series` share.
#[derive(Debug, clap::Args)]
pub struct PeriodArgs {
    /// The calendar: an .ics file, an .eml invitation, - for stdin, caldav,
    /// or a link to a published calendar (https://, webcal://). Default:
    /// `[calendar] url` in the config.
    pub file: Option<String>,
    /// How many weeks, ending with --through (default: 8).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub weeks: Option<u32>,
    /// The last week, e.g. 2026-W49 (default: this week).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub through: Option<String>,
    /// Start of the window instead: a date or an RFC 3339 date-time.
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// End of the window (exclusive).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

impl PeriodArgs {
    /// The window the arguments name: whole ISO weeks unless --from/--to,
    /// by default ending with the week `now` is in.
    pub fn window(&self, tz: neitakk_core::Tz, now: DateTime<Utc>) -> Result<Window> {
        if self.from.is_some() {
            let w = window(None, self.from.as_deref(), self.to.as_deref(), tz, now)?;
            // As many weeks as --weeks allows.
            return bounded(w, 2 * MAX_WINDOW_DAYS, "--from/--to");
        }
        let last = match &self.through {
            Some(week) => parse_week(week, tz)?,
            None => window(None, None, None, tz, now)?,
        };
        let weeks = match self.weeks.unwrap_or(8) {
            n @ 1..=104 => i64::from(n),
            n => return Err(BadInput(format!("--weeks {n}: give 1 to 104 weeks")).into()),
        };
        Ok(Window {
            from: last.from - Duration::weeks(weeks - 1),
            to: last.to,
        })
    }
}

/// The calendar a command reads: the one given, else the config's
/// `[calendar] url`.
pub fn calendar(given: &Option<String>, config: &Config) -> Result<String> {
    given
        .clone()
        .or_else(|| config.calendar.clone())
        .ok_or_else(|| {
            BadInput(
            "which calendar? Give a file, a link, - or caldav, or set [calendar] url in the config"
                .into(),
        )
        .into()
        })
}

/// Picks one meeting: the arguments `explain` and `reply` share.
#[derive(Debug, clap::Args)]
pub struct MeetingArgs {
    /// The calendar: an .ics file, an .eml invitation, - for stdin, caldav,
    /// or a link to a published calendar (https://, webcal://).
    pub file: String,
    /// The meeting's UID (see `neitakk events`).
    pub uid: String,
    /// Which occurrence of a recurring meeting: its start (2026-12-03T09:00, local
    /// time unless a zone is given) or its day (2026-12-03). Default: the next one.
    #[arg(long, value_name = "START")]
    pub at: Option<String>,
    /// A reason you give: illness, emergency, workload, conflict, repetitive,
    /// not-needed (dislike is heard, and never counts).
    #[arg(long, value_name = "REASON")]
    pub reason: Vec<neitakk_core::Reason>,
    /// Search window start (default: 7 days ago).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Search window end (default: a year from now).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

impl MeetingArgs {
    /// Loads the calendar around the meeting and finds it.
    pub fn load(&self, config: &Config) -> Result<(Loaded, Meeting)> {
        let tz = config.profile.timezone;
        let at = self.at.as_deref().map(|a| parse_at(a, tz)).transpose()?;
        let w = search_window(at, self.from.as_deref(), self.to.as_deref(), config)?;
        // A window given with --from/--to is bounded; the default one is a year and a week.
        let w = match self.from {
            Some(_) => bounded(w, MAX_WINDOW_DAYS, "--from/--to")?,
            None => w,
        };
        let loaded = Loaded::load(&self.file, w, Purpose::Answer, config)?;
        let meeting = find(&loaded.calendar, &self.uid, at, w, tz, config.now)
            .map_err(|e| {
                BadInput(format!(
                    "{e}; `neitakk events` lists them, and --from/--to widen the search"
                ))
            })?
            .clone();
        Ok((loaded, meeting))
    }
}
