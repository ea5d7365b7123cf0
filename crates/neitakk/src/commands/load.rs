//! `neitakk load`: meeting load per week against the cap, travel, the focus
//! time left, and hours per client with their trend.

use crate::analysis::{midnight, Loaded, PeriodArgs};
use crate::config::Config;
use crate::table::{self, Format};
use anyhow::Result;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use neitakk_compose::words;
use neitakk_core::facts::{iso_week, Overrides};
use neitakk_core::{Format as Place, Lang};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    period: PeriodArgs,
    /// table (with bars) for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also draw the weeks as a chart: FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    chart: Option<std::path::PathBuf>,
}

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

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let tz = config.profile.timezone;
    let lang = config.profile.language;
    let w = args.period.window(tz, config.now)?;
    let loaded = Loaded::load(&args.period.file, w, config)?;
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

    if let Some(path) = &args.chart {
        draw(path, &weeks, config.profile.weekly_cap_minutes, lang)?;
    }
    let mut out = std::io::stdout().lock();
    if let Format::Json = args.format {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"weeks": weeks, "clients": clients}))?
        )?;
        return Ok(());
    }
    write!(out, "{}", render(&weeks, &clients, lang))?;
    Ok(())
}

/// The weeks as a table with a bar each (client time █, internal ▒, the cap
/// as │), then the clients with their trend.
pub fn render(weeks: &[Week], clients: &[ClientLoad], lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    let h = |m: u32| words::hours(m, lang);
    const WIDTH: u32 = 40;
    let scale = weeks
        .iter()
        .map(|w| (w.client_minutes + w.internal_minutes).max(w.cap_minutes))
        .max()
        .unwrap_or(1)
        .max(1);
    let cells = |m: u32| (m * WIDTH).div_ceil(scale) as usize;
    let rows: Vec<Vec<String>> = weeks
        .iter()
        .map(|w| {
            let (client, internal) = (
                cells(w.client_minutes),
                cells(w.client_minutes + w.internal_minutes) - cells(w.client_minutes),
            );
            let mut bar: Vec<char> = "█"
                .repeat(client)
                .chars()
                .chain("▒".repeat(internal).chars())
                .collect();
            let cap = cells(w.cap_minutes).min(WIDTH as usize);
            while bar.len() < cap {
                bar.push(' ');
            }
            if cap > 0 {
                bar.insert(cap, '│');
            }
            vec![
                w.week.clone(),
                h(w.client_minutes),
                h(w.internal_minutes),
                h(w.travel_minutes),
                h(w.focus_minutes),
                bar.into_iter().collect::<String>().trim_end().to_owned(),
            ]
        })
        .collect();
    let header: &[&str] = if nb {
        &[
            "uke",
            "kundemøter",
            "interne",
            "reise",
            "fokustid",
            "møtetid mot taket (│)",
        ]
    } else {
        &[
            "week",
            "client",
            "internal",
            "travel",
            "focus",
            "meetings against the cap (│)",
        ]
    };
    let mut text = table::render(header, &rows);
    text.push_str(if nb {
        "█ kundemøter  ▒ interne møter\n\n"
    } else {
        "█ client meetings  ▒ internal meetings\n\n"
    });
    // The trend: meeting time a week in the later half of the period against
    // the earlier half.
    let half = weeks.len() / 2;
    let per_week = |c: &str, ws: &[Week]| {
        ws.iter()
            .map(|w| f64::from(w.by_client.get(c).copied().unwrap_or(0)))
            .sum::<f64>()
            / ws.len().max(1) as f64
    };
    let rows: Vec<Vec<String>> = clients
        .iter()
        .map(|c| {
            let trend = if half == 0 {
                "–".to_owned()
            } else {
                let (before, after) = (
                    per_week(&c.client, &weeks[..half]),
                    per_week(&c.client, &weeks[half..]),
                );
                if before == 0.0 {
                    if nb { "↑ (ny)" } else { "↑ (new)" }.to_owned()
                } else {
                    let change = (after - before) / before * 100.0;
                    let arrow = if change > 10.0 {
                        "↑"
                    } else if change < -10.0 {
                        "↓"
                    } else {
                        "→"
                    };
                    format!("{arrow} {change:+.0} %")
                }
            };
            vec![c.client.clone(), h(c.minutes), trend]
        })
        .collect();
    let header: &[&str] = if nb {
        &["kunde", "møtetid", "per uke, siste halvdel mot første"]
    } else {
        &[
            "client",
            "meeting time",
            "per week, later half against earlier",
        ]
    };
    text.push_str(&table::render(header, &rows));
    text
}

/// The weeks as stacked bars by client (internal meetings on top) against the cap.
fn draw(path: &std::path::Path, weeks: &[Week], cap: u32, lang: Lang) -> Result<()> {
    let nb = lang == Lang::Nb;
    let internal = if nb {
        "interne møter"
    } else {
        "internal meetings"
    };
    let bars: Vec<crate::chart::Bar> = weeks
        .iter()
        .map(|w| crate::chart::Bar {
            label: w
                .week
                .split_once('-')
                .map_or(w.week.clone(), |(_, n)| n.to_owned()),
            parts: w
                .by_client
                .iter()
                .map(|(c, m)| (c.clone(), *m))
                .chain([(internal.to_owned(), w.internal_minutes)])
                .collect(),
        })
        .collect();
    let labels = crate::chart::Labels {
        title: if nb {
            "Møtetimer per uke"
        } else {
            "Meeting hours per week"
        }
        .into(),
        y_axis: if nb { "timer" } else { "hours" }.into(),
        cap: if nb { "tak" } else { "cap" }.into(),
        last: internal.to_owned(),
        decimal_comma: nb,
    };
    crate::chart::stacked(path, &bars, cap, &labels)
}
