//! `neitakk load`: meeting load per week against the cap, travel, the focus
//! time left, and hours per client with their trend.

use crate::analysis::{midnight, Loaded};
use crate::config::Settings;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use neitakk_core::facts::{iso_week, Overrides};
use neitakk_core::Format as Place;
use neitakk_ical::Window;
use serde::Serialize;
use std::collections::BTreeMap;

/// One ISO week's load.
#[derive(Debug, Default, Serialize)]
pub struct Week {
    pub week: String,
    pub client_minutes: u32,
    pub internal_minutes: u32,
    pub travel_minutes: u32,
    pub cap_minutes: u32,
    /// Working time left after meetings and travel.
    pub focus_minutes: u32,
    /// Client meeting minutes per client.
    pub by_client: BTreeMap<String, u32>,
}

/// One client's meeting time over the period.
#[derive(Debug, Default, Serialize)]
pub struct ClientLoad {
    pub client: String,
    pub minutes: u32,
}

/// Meeting load per ISO week of `w` (every week, even an empty one): client
/// and internal time, travel, focus time left in working hours, and the
/// time per client over the whole window, most first.
pub fn compute(config: &Settings, loaded: &Loaded, w: Window) -> (Vec<Week>, Vec<ClientLoad>) {
    let tz = config.profile.timezone;
    let index = loaded.index(config);
    let hours = &config.profile.working_hours;

    // Every ISO week of the window, even the empty ones.
    let mut weeks: BTreeMap<(i32, u32), Week> = BTreeMap::new();
    let mut day = w.from.with_timezone(&tz).date_naive();
    while midnight(day, tz) < w.to {
        let (y, n) = iso_week(midnight(day, tz), tz);
        weeks.entry((y, n)).or_insert_with(|| Week {
            week: format!("{y}-W{n:02}"),
            cap_minutes: config.profile.weekly_cap_minutes,
            ..Week::default()
        });
        day += Duration::days(1);
    }
    let mut clients: BTreeMap<String, ClientLoad> = BTreeMap::new();
    // Time taken in working hours: meetings, and travel to and from those in person.
    let mut busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for a in loaded.assess_all(&index, config, &Overrides::default()) {
        // Blocks of my own time are not meetings.
        if !a.meeting.with_others(&config.profile.emails) {
            continue;
        }
        let Some(week) = weeks.get_mut(&iso_week(a.meeting.start, tz)) else {
            continue;
        };
        let minutes = a.meeting.minutes();
        busy.push((a.meeting.start, a.meeting.end));
        match &a.facts.client {
            Some(name) => {
                week.client_minutes += minutes;
                *week.by_client.entry(name.clone()).or_default() += minutes;
                if a.facts.format == Place::InPerson && a.facts.travel_minutes > 0 {
                    let travel = Duration::minutes(i64::from(a.facts.travel_minutes));
                    week.travel_minutes += a.facts.travel_minutes * 2;
                    busy.push((a.meeting.start - travel, a.meeting.start));
                    busy.push((a.meeting.end, a.meeting.end + travel));
                }
                clients
                    .entry(name.clone())
                    .or_insert_with(|| ClientLoad {
                        client: name.clone(),
                        minutes: 0,
                    })
                    .minutes += minutes;
            }
            None => week.internal_minutes += minutes,
        }
    }
    // Focus time: each working day's hours in the window, less the union of
    // what is busy in them (a clash or travel during a meeting counts once).
    busy.sort();
    let mut day = w.from.with_timezone(&tz).date_naive();
    while midnight(day, tz) < w.to {
        if hours.days.contains(&day.weekday()) {
            let open = tz
                .from_local_datetime(&day.and_time(hours.start))
                .earliest()
                .map(|t| t.with_timezone(&Utc));
            let close = tz
                .from_local_datetime(&day.and_time(hours.end))
                .earliest()
                .map(|t| t.with_timezone(&Utc));
            if let (Some(open), Some(close), Some(week)) =
                (open, close, weeks.get_mut(&iso_week(midnight(day, tz), tz)))
            {
                let (open, close) = (open.max(w.from), close.min(w.to));
                let mut taken = Duration::zero();
                let mut reach = open;
                for &(s, e) in &busy {
                    let (s, e) = (s.max(reach), e.min(close));
                    if e > s {
                        taken += e - s;
                        reach = e;
                    }
                }
                let free = (close - open - taken).num_minutes().max(0);
                week.focus_minutes += u32::try_from(free).unwrap_or(0);
            }
        }
        day += Duration::days(1);
    }
    let mut clients: Vec<ClientLoad> = clients.into_values().collect();
    clients.sort_by_key(|c| std::cmp::Reverse(c.minutes));
    let weeks: Vec<Week> = weeks.into_values().collect();
    (weeks, clients)
}
