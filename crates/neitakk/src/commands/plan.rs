//! `neitakk plan`: free N hours of a week with the least harm to client
//! relationships (method.md section 5).

use crate::args::WeekArgs;
use crate::table::{self, Format};
use neitakk_compose::{dates, words};
use neitakk_core::{Lang, Risk};
use neitakk_pipeline::analysis::{Loaded, Purpose};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::plan::{bars, compute, parse_duration, Goal};
use neitakk_pipeline::BadInput;
use neitakk_pipeline::Result;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    week: WeekArgs,
    /// How much time to free: 6h, 90m, 1h30m, or hours as a number.
    #[arg(long, value_parser = parse_duration)]
    free: u32,
    /// No option riskier than this: very-low, low, medium, high, very-high.
    #[arg(long, value_name = "RISK")]
    max_risk: Option<Risk>,
    /// Keep every meeting with this client (repeat for more).
    #[arg(long, value_name = "CLIENT")]
    keep: Vec<String>,
    /// table for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write the draft replies of the plan to this folder, all in one go.
    #[arg(long, value_name = "DIR")]
    out: Option<std::path::PathBuf>,
    /// Draw the week before and after the plan: FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    chart: Option<std::path::PathBuf>,
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let tz = config.profile.timezone;
    let lang = config.profile.language;
    let w = args.week.window(tz, config.now)?;
    let w = neitakk_pipeline::analysis::bounded(
        w,
        neitakk_pipeline::analysis::MAX_PLAN_DAYS,
        "a plan",
    )?;
    let goal = Goal {
        free: args.free,
        max_risk: args.max_risk,
        keep: args.keep.clone(),
    };
    let file = crate::args::calendar(&args.week.file, config)?;
    let planned = compute(
        config,
        Loaded::load(&file, w, Purpose::Answer, config)?,
        &goal,
    )
    .map_err(|e| BadInput(format!("--keep: {e} (`neitakk clients list` shows them)")))?;
    let (loaded, meetings, plan) = (&planned.loaded, &planned.meetings, &planned.plan);
    if meetings.is_empty() {
        let nb = lang == Lang::Nb;
        let text = if nb {
            "Ingen kundemøter igjen i perioden: ingenting å planlegge."
        } else {
            "No client meetings left in this period: nothing to plan."
        };
        writeln!(std::io::stdout(), "{text}")?;
        return Ok(());
    }
    if let Some(path) = &args.chart {
        let (bars, labels) = bars(loaded, meetings, plan, config);
        neitakk_pipeline::chart::stacked(path, &bars, config.profile.weekly_cap_minutes, &labels)?;
    }
    if let Some(dir) = &args.out {
        let composer = neitakk_pipeline::reply::composer(config)?;
        for (a, c) in meetings.iter().zip(&plan.choices) {
            if let Some(c) = c {
                crate::commands::reply::draft(
                    &composer, config, loaded, &file, &a.meeting, c.strategy, dir,
                )?;
            }
        }
    }

    let mut out = std::io::stdout().lock();
    if let Format::Json = args.format {
        writeln!(out, "{}", serde_json::to_string_pretty(&planned.json())?)?;
        return Ok(());
    }
    let nb = lang == Lang::Nb;
    let header: &[&str] = if nb {
        &[
            "når",
            "møte",
            "kunde",
            "valg",
            "frigjør (møte + reise)",
            "risiko",
        ]
    } else {
        &[
            "when",
            "meeting",
            "client",
            "choice",
            "frees (meeting + travel)",
            "risk",
        ]
    };
    let rows: Vec<Vec<String>> = planned
        .rows()
        .map(|(a, c, r)| {
            vec![
                dates::short(a.meeting.start, tz, lang),
                a.meeting
                    .summary
                    .as_deref()
                    .unwrap_or("")
                    .chars()
                    .take(34)
                    .collect(),
                a.facts.client.clone().unwrap_or_default(),
                match c {
                    Some(c) => words::strategy(c.strategy, lang).to_owned(),
                    None => if nb { "behold" } else { "keep" }.to_owned(),
                },
                c.map_or("–".into(), |c| format!("{} min", c.minutes_freed)),
                r.map_or(String::new(), |r| words::risk(r, lang).to_owned()),
            ]
        })
        .collect();
    write!(out, "{}", table::render(header, &rows))?;
    writeln!(out)?;
    let (want, got) = (
        words::hours(args.free, lang),
        words::hours(plan.minutes_freed, lang),
    );
    let limited = plan.choices.iter().flatten().count();
    let changed = match (nb, limited) {
        (true, 1) => "ett møte".to_owned(),
        (true, n) => format!("{n} møter"),
        (false, 1) => "one meeting".to_owned(),
        (false, n) => format!("{n} meetings"),
    };
    match (plan.reached, nb) {
        (true, true) => writeln!(out, "Planen frigjør {got} (målet var {want}) ved å endre {changed}, med minst mulig risiko for kundeforholdene.")?,
        (true, false) => writeln!(out, "The plan frees {got} (the target was {want}) by changing {changed}, at the least risk to client relationships.")?,
        (false, true) => writeln!(out, "Målet på {want} kan ikke nås uten å bryte reglene for kundeforholdene. Det meste som kan frigjøres er {got}, som over.")?,
        (false, false) => writeln!(out, "The target of {want} cannot be reached without breaking the rules that protect client relationships. The most that can be freed is {got}, as above.")?,
    }
    match (&args.out, limited > 0, nb) {
        (Some(dir), true, true) => {
            writeln!(out, "Utkastene til svarene ligger i {}.", dir.display())?
        }
        (Some(dir), true, false) => writeln!(out, "The draft replies are in {}.", dir.display())?,
        (None, true, true) => writeln!(
            out,
            "Skriv alle svarene med --out MAPPE, eller ett og ett med `neitakk reply`."
        )?,
        (None, true, false) => writeln!(
            out,
            "Write all the replies with --out FOLDER, or one by one with `neitakk reply`."
        )?,
        _ => {}
    }
    Ok(())
}
