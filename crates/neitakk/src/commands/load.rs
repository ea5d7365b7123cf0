//! `neitakk load`: meeting load per week against the cap, travel, the focus
//! time left, and hours per client with their trend.

use crate::args::PeriodArgs;
use crate::table::{self, Format};
use neitakk_compose::words;
use neitakk_core::Lang;
use neitakk_pipeline::analysis::{Loaded, Purpose};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::load::{self, ClientLoad, Week};
use neitakk_pipeline::Result;
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

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let tz = config.profile.timezone;
    let lang = config.profile.language;
    let w = args.period.window(tz, config.now)?;
    let loaded = Loaded::load(
        &crate::args::calendar(&args.period.file, config)?,
        w,
        Purpose::Assess,
        config,
    )?;
    let (weeks, clients) = load::compute(config, &loaded, w);

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
    let bars: Vec<neitakk_pipeline::chart::Bar> = weeks
        .iter()
        .map(|w| neitakk_pipeline::chart::Bar {
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
    let labels = neitakk_pipeline::chart::Labels {
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
    neitakk_pipeline::chart::stacked(path, &bars, cap, &labels)
}
