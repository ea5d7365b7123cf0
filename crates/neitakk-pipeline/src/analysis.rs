//! Wiring the pipeline: calendar -> occurrences -> facts -> decisions.

use crate::config::{Config, Settings};
use crate::BadInput;
use crate::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use neitakk_core::engine::decide_with_status;
use neitakk_core::facts::Overrides;
use neitakk_core::week::{self, WeekMeeting};
use neitakk_core::{derive_tiers, facts, CalendarIndex, Context, Decision, Facts, Meeting, Weight};
use neitakk_ical::{reader::Options, Window};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// An ISO week: (year, week number).
type IsoWeek = (i32, u32);

/// A time window argument: a date or an RFC 3339 date-time.
pub fn parse_instant(s: &str, tz: neitakk_core::Tz) -> Result<DateTime<Utc>> {
    let in_range = |t: DateTime<Utc>| {
        if (1900..=2200).contains(&t.year()) {
            Ok(t)
        } else {
            Err(BadInput(format!("'{s}' is outside the years 1900 to 2200")).into())
        }
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return in_range(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return in_range(midnight(d, tz));
    }
    Err(BadInput(format!(
        "'{s}' is neither a date (2026-12-01) nor an RFC 3339 date-time (2026-12-01T09:00:00Z)"
    ))
    .into())
}

/// Local midnight of a date.
pub fn midnight(d: NaiveDate, tz: neitakk_core::Tz) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || d.and_time(NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// An ISO week such as `2026-W49`, as a window in the zone.
pub fn parse_week(s: &str, tz: neitakk_core::Tz) -> Result<Window> {
    let bad = || BadInput(format!("'{s}' is not an ISO week like 2026-W49"));
    let (y, w) = s.trim().split_once(['W', 'w']).ok_or_else(bad)?;
    let year: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
    if !(1900..=2200).contains(&year) {
        return Err(BadInput(format!("'{s}' is outside the years 1900 to 2200")).into());
    }
    let week: u32 = w.parse().map_err(|_| bad())?;
    let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
    Ok(Window {
        from: midnight(monday, tz),
        to: midnight(monday + Duration::days(7), tz),
    })
}

/// The widest window one command or request reads: a year (with the weeks
/// around it for history and whole weeks). Past it the time and memory one
/// request takes would have no bound.
pub const MAX_WINDOW_DAYS: i64 = 366;

/// A plan frees time in one week.
pub const MAX_PLAN_DAYS: i64 = 7;

/// `w`, if it is no longer than `max_days`; else the error says the limit.
pub fn bounded(w: Window, max_days: i64, what: &str) -> Result<Window> {
    if w.to - w.from > Duration::days(max_days) {
        return Err(BadInput(format!(
            "{what} covers at most {max_days} days; this window has {}",
            (w.to - w.from).num_days()
        ))
        .into());
    }
    Ok(w)
}

/// The window from `--week` or `--from/--to`; by default the week `now` is in.
pub fn window(
    week: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    tz: neitakk_core::Tz,
    now: DateTime<Utc>,
) -> Result<Window> {
    let w = match (week, from, to) {
        (Some(w), None, None) => parse_week(w, tz)?,
        (None, Some(f), Some(t)) => Window {
            from: parse_instant(f, tz)?,
            to: parse_instant(t, tz)?,
        },
        (None, None, None) => {
            let today = now.with_timezone(&tz).date_naive();
            let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
            Window {
                from: midnight(monday, tz),
                to: midnight(monday + Duration::days(7), tz),
            }
        }
        _ => return Err(BadInput("give either a week, or both a start and an end".into()).into()),
    };
    if w.to <= w.from {
        return Err(BadInput("the window is empty: its end must be after its start".into()).into());
    }
    Ok(w)
}

/// The calendar argument that means the configured CalDAV calendar.
pub const CALDAV: &str = "caldav";

/// A time as a CalDAV time-range wants it.
fn dav_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The CalDAV calendar's events in the window, as one iCalendar stream.
fn caldav_calendar(config: &Config, window: Window) -> Result<String> {
    let caldav = config.caldav.as_ref().ok_or_else(|| {
        BadInput("`caldav` as the calendar needs a [caldav] section in the config".into())
    })?;
    let resources = caldav
        .account()?
        .query(&dav_time(window.from), &dav_time(window.to))?;
    tracing::info!("{} events from {}", resources.len(), caldav.url);
    Ok(resources
        .into_iter()
        .map(|r| r.data)
        .collect::<Vec<_>>()
        .join("\r\n"))
}

/// The CalDAV resource that holds event `uid`, found around `around`.
pub fn caldav_resource(
    config: &Config,
    uid: &str,
    around: DateTime<Utc>,
) -> Result<neitakk_net::caldav::Resource> {
    let caldav = config
        .caldav
        .as_ref()
        .ok_or_else(|| BadInput("no [caldav] section in the config".into()))?;
    let window = Window {
        from: around - Duration::days(1),
        to: around + Duration::days(1),
    };
    let wanted = format!("UID:{uid}");
    caldav
        .account()?
        .query(&dav_time(window.from), &dav_time(window.to))?
        .into_iter()
        .find(|r| {
            r.data
                .replace("\r\n ", "")
                .replace("\n ", "")
                .lines()
                .any(|l| l.trim_end() == wanted)
        })
        .ok_or_else(|| {
            crate::Error::Input(format!("event {uid} is no longer in the CalDAV calendar"))
        })
}

/// What a calendar is read for. Answering a meeting needs each event as
/// its file wrote it (a delegate gets the organizer's invitation
/// forwarded); assessing does not, and is spared keeping that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Assess,
    Answer,
}

/// Reads calendar text (an upload's, a CalDAV server's, a published
/// calendar's) and expands it in `window`; floating times in `tz`, else the
/// profile's zone. A large one is read on both cores.
pub fn read_text(
    name: &str,
    data: &[u8],
    window: Window,
    tz: Option<neitakk_core::Tz>,
    purpose: Purpose,
    config: &Config,
) -> Result<neitakk_ical::Calendar, neitakk_ical::Error> {
    neitakk_ical::read(name, data, window, &options(tz, purpose, config))
        .map(neitakk_ical::Expanded::into_calendar)
}

/// How to read a calendar: floating times in `tz`, else the profile's zone.
fn options(tz: Option<neitakk_core::Tz>, purpose: Purpose, config: &Config) -> Options {
    Options {
        tz,
        default_tz: Some(config.profile.timezone),
        keep_written: purpose == Purpose::Answer,
        limits: config.limits,
    }
}

/// Reads a calendar file (`-` for stdin, `caldav` for the configured CalDAV
/// calendar, a link to a published calendar) and expands it in `window`,
/// printing what was skipped to stderr.
pub fn read_calendar(
    path: &str,
    window: Window,
    tz: Option<neitakk_core::Tz>,
    purpose: Purpose,
    config: &Config,
) -> Result<Vec<Meeting>> {
    Ok(read_expanded(path, window, tz, purpose, config)?
        .into_calendar()
        .occurrences)
}

/// As [`read_calendar`], each occurrence made only as it is taken: what
/// writes them out one by one never holds them all.
pub fn read_expanded(
    path: &str,
    window: Window,
    tz: Option<neitakk_core::Tz>,
    purpose: Purpose,
    config: &Config,
) -> Result<neitakk_ical::Expanded> {
    let options = options(tz, purpose, config);
    let cal = if path == CALDAV {
        let data = caldav_calendar(config, window)?;
        neitakk_ical::read("caldav", data.as_bytes(), window, &options)?
    } else if neitakk_net::feed::address(path).is_some() {
        let data = crate::published::read(path, config)?;
        let name = crate::published::name(path);
        neitakk_ical::read(&name, data.as_slice(), window, &options)?
    } else if path == "-" {
        // Streamed: a pipe is read as it comes, never held whole.
        neitakk_ical::read_stream("<stdin>", std::io::stdin().lock(), window, &options)?
    } else {
        if Path::new(path).is_dir() {
            return Err(BadInput(format!("{path} is a folder, not a calendar file")).into());
        }
        neitakk_ical::read_file(path, Path::new(path), window, &options)?
    };
    for w in &cal.warnings {
        tracing::warn!("{w}");
    }
    Ok(cal)
}

/// One meeting with its facts and the engine's decision.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub meeting: Meeting,
    pub facts: Facts,
    pub decision: Decision,
    /// The matched client's index in the config.
    pub client: Option<usize>,
}

/// The calendar around a window: the window itself, plus the weeks before it
/// (repetition) and the whole ISO weeks it touches (workload).
#[derive(Clone)]
pub struct Loaded {
    pub window: Window,
    /// What was read: the window widened for history and whole weeks.
    pub span: Window,
    /// Shared: the server keeps one parsed calendar for many requests.
    pub calendar: Arc<Vec<Meeting>>,
    pub weights: Vec<Weight>,
    pub recent_limits: HashMap<String, Vec<neitakk_core::MeetingKey>>,
    /// The calendar's index, once built: the server keeps one slot with
    /// each parsed calendar, so that requests over it do not index it anew.
    pub index_slot: IndexSlot,
}

/// Where a calendar's index is kept, with what it was built for (the
/// addresses, clients, office and zone it depends on).
pub type IndexSlot = Arc<Mutex<Option<(BuiltFor, Arc<CalendarIndex>)>>>;

/// What an index was built for: compared at each request, cheaper than
/// the index itself and than a text made of it.
#[derive(Debug)]
pub struct BuiltFor {
    emails: Vec<String>,
    clients: Vec<neitakk_core::Client>,
    office: Vec<String>,
    zone: String,
}

impl BuiltFor {
    fn of(config: &Settings) -> BuiltFor {
        let p = &config.profile;
        BuiltFor {
            emails: p.emails.clone(),
            clients: config.clients.clone(),
            office: p.office.clone(),
            zone: p.timezone.name().to_owned(),
        }
    }

    fn is_for(&self, config: &Settings) -> bool {
        let p = &config.profile;
        self.zone == p.timezone.name()
            && self.emails == p.emails
            && self.office == p.office
            && self.clients == config.clients
    }
}

impl Loaded {
    pub fn load(path: &str, window: Window, purpose: Purpose, config: &Config) -> Result<Loaded> {
        let span = Loaded::span(window, config);
        let calendar = read_calendar(path, span, None, purpose, config)?;
        let recent_limits = crate::journal::recent_limits(config)?;
        Ok(Loaded::new(
            window,
            span,
            Arc::new(calendar),
            recent_limits,
            config,
        ))
    }

    /// What to read around `window`: the weeks before it (repetition) and
    /// the whole ISO weeks it touches (workload).
    pub fn span(window: Window, config: &Settings) -> Window {
        let tz = config.profile.timezone;
        let week_start = |t: DateTime<Utc>| {
            let d = t.with_timezone(&tz).date_naive();
            midnight(
                d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
                tz,
            )
        };
        let history = Duration::weeks(i64::from(config.facts.repetition_weeks) + 1);
        Window {
            from: week_start(window.from).min(window.from - history),
            to: week_start(window.to - Duration::seconds(1)) + Duration::days(8),
        }
    }

    /// A calendar already read over [`Loaded::span`], with the journal's
    /// recent limits per client.
    pub fn new(
        window: Window,
        span: Window,
        calendar: Arc<Vec<Meeting>>,
        recent_limits: HashMap<String, Vec<neitakk_core::MeetingKey>>,
        config: &Settings,
    ) -> Loaded {
        Loaded {
            window,
            span,
            calendar,
            weights: derive_tiers(&config.clients, config.tiers),
            recent_limits,
            index_slot: IndexSlot::default(),
        }
    }

    /// The calendar indexed for gathering facts: the one in the slot when
    /// it was built for this calendar and these settings, else built now
    /// and kept there.
    pub fn index(&self, config: &Settings) -> Arc<CalendarIndex> {
        let p = &config.profile;
        if let Ok(slot) = self.index_slot.lock() {
            if let Some((built_for, index)) = slot.as_ref() {
                if built_for.is_for(config) && index.indexes(&self.calendar) {
                    return index.clone();
                }
            }
        }
        let index = Arc::new(CalendarIndex::new(
            self.calendar.clone(),
            &p.emails,
            &config.clients,
            &p.office,
            p.timezone,
        ));
        if let Ok(mut slot) = self.index_slot.lock() {
            *slot = Some((BuiltFor::of(config), index.clone()));
        }
        index
    }

    /// Facts and a decision for every meeting in the window that takes my
    /// time (not all-day, cancelled, free or already declined), each week
    /// settled as a whole (method.md section 2). Week by week as it is
    /// read: a year of a busy calendar is never held assessed at once.
    pub fn assess_all<'a>(
        &'a self,
        index: &'a CalendarIndex,
        config: &'a Settings,
        overrides: &'a Overrides,
    ) -> impl Iterator<Item = Assessed> + 'a {
        debug_assert!(
            index.indexes(&self.calendar),
            "the index of another calendar"
        );
        let picked: Vec<bool> = self
            .calendar
            .iter()
            .enumerate()
            .map(|(i, m)| self.window.contains(m.start, m.end) && index.blocks(i))
            .collect();
        let weeks: BTreeSet<IsoWeek> = (0..self.calendar.len())
            .filter(|&i| picked[i])
            .map(|i| index.week_of(i))
            .collect();
        self.week_members(index, &weeks)
            .into_values()
            .flat_map(move |members| {
                let settled = self.settle_week(index, &members, config, overrides);
                members
                    .into_iter()
                    .zip(settled.unwrap_or_default())
                    .filter(|(i, _)| picked[*i])
                    .map(|(_, a)| a)
                    .collect::<Vec<_>>()
            })
    }

    /// One meeting, as its week settles it.
    pub fn assess(
        &self,
        index: &CalendarIndex,
        m: &Meeting,
        config: &Settings,
        overrides: &Overrides,
    ) -> Assessed {
        let week = facts::iso_week(m.start, config.profile.timezone);
        let members = self
            .week_members(index, &[week].into())
            .into_values()
            .next()
            .unwrap_or_default();
        let own = members
            .iter()
            .position(|&i| {
                let c = &self.calendar[i];
                c.uid == m.uid && c.recurrence_id == m.recurrence_id
            })
            .zip(self.settle_week(index, &members, config, overrides))
            .map(|(k, mut settled)| settled.swap_remove(k));
        own.unwrap_or_else(|| self.assess_alone(index, m, config, overrides))
    }

    /// The meetings that take my time in each of `weeks`, by calendar index.
    fn week_members(
        &self,
        index: &CalendarIndex,
        weeks: &BTreeSet<IsoWeek>,
    ) -> BTreeMap<IsoWeek, Vec<usize>> {
        let mut members: BTreeMap<IsoWeek, Vec<usize>> = BTreeMap::new();
        for i in 0..self.calendar.len() {
            if index.blocks(i) && weeks.contains(&index.week_of(i)) {
                members.entry(index.week_of(i)).or_default().push(i);
            }
        }
        members
    }

    /// A week's meetings assessed and the week settled, in the order of
    /// `members`; `None` when nobody waits for it any more.
    fn settle_week(
        &self,
        index: &CalendarIndex,
        members: &[usize],
        config: &Settings,
        overrides: &Overrides,
    ) -> Option<Vec<Assessed>> {
        let mut assessed: Vec<Assessed> = on_both_cores(members, |part| {
            part.iter()
                // Work nobody waits for ends early (and is dropped unused).
                .take_while(|_| !neitakk_core::cancel::requested())
                .map(|&i| self.assess_alone(index, &self.calendar[i], config, overrides))
                .collect()
        });
        if assessed.len() < members.len() || members.is_empty() {
            return None;
        }
        let load = index.week_minutes(self.calendar[members[0]].start);
        let mut items: Vec<WeekMeeting> = assessed
            .iter_mut()
            .map(|a| WeekMeeting {
                title: a.meeting.summary.as_deref().unwrap_or(&a.meeting.uid),
                facts: &a.facts,
                decision: &mut a.decision,
                ahead: a.meeting.start > config.now,
            })
            .collect();
        week::settle(
            &mut items,
            load,
            config.profile.weekly_cap_minutes,
            &config.policy,
        );
        Some(assessed)
    }

    /// One meeting alone: its facts and the engine's decision for it.
    fn assess_alone(
        &self,
        index: &CalendarIndex,
        m: &Meeting,
        config: &Settings,
        overrides: &Overrides,
    ) -> Assessed {
        let ctx = Context {
            me: &config.profile.emails,
            clients: &config.clients,
            weights: &self.weights,
            index,
            weekly_cap_minutes: config.profile.weekly_cap_minutes,
            office: &config.profile.office,
            recent_limits: &self.recent_limits,
            settings: &config.facts,
        };
        let facts = facts::gather(m, &ctx, overrides);
        let decision = decide_with_status(&facts, &config.policy, m.is_cancelled());
        Assessed {
            meeting: m.clone(),
            // The facts named the client already: no second match.
            client: facts
                .client
                .as_ref()
                .and_then(|name| config.clients.iter().position(|c| c.name == *name)),
            facts,
            decision,
        }
    }
}

/// `f` over `items`, in two halves on two cores when the machine has them
/// and there are enough items to pay for a thread; the results in order.
/// Each meeting is assessed on its own, so a crowded week splits cleanly.
fn on_both_cores<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    if neitakk_core::cancel::cores() < 2 || items.len() < 2_000 {
        return f(items);
    }
    let (first, second) = items.split_at(items.len() / 2);
    let (mut out, rest) = neitakk_core::cancel::join(|| f(first), || f(second));
    out.extend(rest);
    out
}

/// Which occurrence of a meeting is meant: the one starting at an instant,
/// or the one on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

pub fn parse_at(s: &str, tz: neitakk_core::Tz) -> Result<At> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(At::Day(d));
    }
    // A time without a zone is the user's local time.
    for pattern in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, pattern) {
            if let Some(t) = tz.from_local_datetime(&t).earliest() {
                return Ok(At::Instant(t.with_timezone(&Utc)));
            }
        }
    }
    parse_instant(s, tz).map(At::Instant)
}

/// The occurrence of `uid` to act on: the one `at` names, else the next one
/// that is not over at `now`, else the last.
pub fn find<'a>(
    calendar: &'a [Meeting],
    uid: &str,
    at: Option<At>,
    window: Window,
    tz: neitakk_core::Tz,
    now: DateTime<Utc>,
) -> Result<&'a Meeting, NoOccurrence> {
    let mut matches = calendar
        .iter()
        .filter(|m| m.uid == uid && window.contains(m.start, m.end));
    let found = match at {
        Some(At::Instant(t)) => matches.find(|m| {
            m.start == t || m.recurrence_id.as_deref() == Some(&neitakk_ical::expand::rfc3339(t))
        }),
        Some(At::Day(d)) => matches.find(|m| m.start.with_timezone(&tz).date_naive() == d),
        None => {
            let all: Vec<&Meeting> = matches.collect();
            all.iter().find(|m| m.end > now).or(all.last()).copied()
        }
    };
    found.ok_or_else(|| NoOccurrence {
        uid: uid.to_owned(),
        at,
        from: window.from.with_timezone(&tz).date_naive(),
        to: window.to.with_timezone(&tz).date_naive(),
    })
}

/// No occurrence of a UID where it was looked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no occurrence of UID '{uid}'{} between {from} and {to}", when(self.at))]
pub struct NoOccurrence {
    pub uid: String,
    pub at: Option<At>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn when(at: Option<At>) -> String {
    match at {
        Some(At::Instant(t)) => format!(" starting at {}", neitakk_ical::expand::rfc3339(t)),
        Some(At::Day(d)) => format!(" on {d}"),
        None => String::new(),
    }
}

/// A meeting that has ended: there is nothing to answer. Names the next
/// occurrence of its series, where the calendar has one.
#[derive(Debug)]
pub struct Over {
    pub title: String,
    pub ended: DateTime<Utc>,
    pub next: Option<DateTime<Utc>>,
    pub tz: neitakk_core::Tz,
}

impl Over {
    /// `Some` when `meeting` ended before `now`.
    pub fn check(
        calendar: &[Meeting],
        meeting: &Meeting,
        now: DateTime<Utc>,
        tz: neitakk_core::Tz,
    ) -> Option<Over> {
        (meeting.end <= now).then(|| Over {
            title: meeting
                .summary
                .as_deref()
                .unwrap_or(&meeting.uid)
                .to_owned(),
            ended: meeting.end,
            next: calendar
                .iter()
                .filter(|m| m.uid == meeting.uid && m.end > now && !m.is_cancelled())
                .map(|m| m.start)
                .min(),
            tz,
        })
    }

    /// The refusal, for people.
    pub fn message(&self, lang: neitakk_core::Lang) -> String {
        use neitakk_compose::dates::date_time;
        let ended = date_time(self.ended, self.tz, lang);
        let next = self.next.map(|t| date_time(t, self.tz, lang));
        match (lang, next) {
            (neitakk_core::Lang::Nb, Some(n)) => format!("«{}» var over {ended}: det er ingenting å svare på. Neste gang er {n}.", self.title),
            (neitakk_core::Lang::Nb, None) => format!("«{}» var over {ended}: det er ingenting å svare på, og kalenderen har ingen senere gang.", self.title),
            (neitakk_core::Lang::En, Some(n)) => format!("'{}' ended {ended}: there is nothing to answer. The next one is {n}.", self.title),
            (neitakk_core::Lang::En, None) => format!("'{}' ended {ended}: there is nothing to answer, and the calendar has no later one.", self.title),
        }
    }
}

impl std::fmt::Display for Over {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(neitakk_core::Lang::En))
    }
}

impl std::error::Error for Over {}

/// The window to look for one meeting in.
pub fn search_window(
    at: Option<At>,
    from: Option<&str>,
    to: Option<&str>,
    config: &Settings,
) -> Result<Window> {
    let tz = config.profile.timezone;
    match (from, to) {
        (Some(_), Some(_)) => window(None, from, to, tz, config.now),
        _ => Ok(around(at, tz, config.now)),
    }
}

/// The window a meeting is looked for in, by which one is meant: four weeks
/// ahead of it too (a new time is looked for there); with nothing named,
/// the week before `now` and the year after.
pub fn around(at: Option<At>, tz: neitakk_core::Tz, now: DateTime<Utc>) -> Window {
    match at {
        Some(At::Instant(t)) => Window {
            from: t - Duration::days(1),
            to: t + Duration::days(29),
        },
        Some(At::Day(d)) => Window {
            from: midnight(d, tz),
            to: midnight(d + Duration::days(29), tz),
        },
        None => Window {
            from: now - Duration::days(7),
            to: now + Duration::days(365),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests fail loudly by design
    use super::*;
    use neitakk_core::Client;

    #[test]
    fn an_index_is_used_again_for_its_own_calendar_and_settings_only() {
        let now: DateTime<Utc> = "2026-12-02T08:00:00Z".parse().unwrap();
        let mut config = crate::config::load(None, Some(std::env::temp_dir()), now).unwrap();
        let window = Window {
            from: now,
            to: now + Duration::days(7),
        };
        let calendar = Arc::new(vec![Meeting {
            uid: "a@test".into(),
            start: now,
            end: now + Duration::hours(1),
            ..Default::default()
        }]);
        let loaded = Loaded::new(window, window, calendar.clone(), HashMap::new(), &config);
        let first = loaded.index(&config);
        assert!(Arc::ptr_eq(&first, &loaded.index(&config)));

        // The same meetings in another list (a calendar read anew): not it.
        let mut other = Loaded::new(
            window,
            window,
            Arc::new(calendar.as_ref().clone()),
            HashMap::new(),
            &config,
        );
        other.index_slot = loaded.index_slot.clone();
        assert!(!Arc::ptr_eq(&first, &other.index(&config)));

        // The same list with another client in the registry: not it either.
        let before = loaded.index(&config);
        config.clients.push(Client {
            name: "Havnevest".into(),
            domains: vec!["havnevest.no".into()],
            ..Default::default()
        });
        let after = loaded.index(&config);
        assert!(!Arc::ptr_eq(&before, &after));
        assert!(Arc::ptr_eq(&after, &loaded.index(&config)));
    }
}
