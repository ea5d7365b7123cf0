//! `neitakk triage`: the week's client meetings and what to do about each.

use crate::args::WeekArgs;
use crate::table::{self, Format};
use neitakk_compose::{dates, words};
use neitakk_core::facts::Overrides;
use neitakk_core::{Lang, Reason};
use neitakk_pipeline::analysis::{Assessed, Loaded, Purpose};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::triage::{self, main_reason, week_line, Tally};
use neitakk_pipeline::Result;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    week: WeekArgs,
    /// A reason that applies to every meeting: illness, emergency, workload,
    /// conflict, repetitive, not-needed.
    #[arg(long, value_name = "REASON")]
    reason: Vec<Reason>,
    /// table for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let tz = config.profile.timezone;
    let lang = config.profile.language;
    let w = args.week.window(tz, config.now)?;
    let loaded = Loaded::load(
        &crate::args::calendar(&args.week.file, config)?,
        w,
        Purpose::Assess,
        config,
    )?;
    let overrides = Overrides {
        reasons: args.reason.clone(),
        ..Default::default()
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            // A year is megabytes of JSON: written in pieces of 128 KB, not 8.
            let mut out = std::io::BufWriter::with_capacity(1 << 17, out);
            triage::write_json(&mut out, config, &loaded, &overrides)?;
            out.flush()?;
        }
        Format::Table => {
            let index = loaded.index(config);
            let mut tally = Tally::default();
            let assessed: Vec<Assessed> = loaded
                .assess_all(&index, config, &overrides)
                .inspect(|a| tally.add(a, &index, tz))
                .collect();
            let nb = lang == Lang::Nb;
            let header: &[&str] = if nb {
                &[
                    "når", "møte", "kunde", "vekt", "strategi", "frigjør", "risiko", "hvorfor",
                ]
            } else {
                &[
                    "when", "meeting", "client", "weight", "strategy", "frees", "risk", "why",
                ]
            };
            let rows: Vec<Vec<String>> = assessed
                .iter()
                .map(|a| {
                    let when = dates::short(a.meeting.start, tz, lang);
                    let title: String = a
                        .meeting
                        .summary
                        .clone()
                        .unwrap_or_default()
                        .chars()
                        .take(34)
                        .collect();
                    let client = a
                        .facts
                        .client
                        .clone()
                        .unwrap_or_else(|| if nb { "(internt)" } else { "(internal)" }.into());
                    let weight = a.facts.weight.map_or("", |w| words::weight(w, lang));
                    let r = &a.decision.recommended;
                    // Internal meetings and your own get no strategy; the why says so.
                    let (strategy, frees, risk) = if a.decision.is_decided() {
                        (
                            words::strategy(r.strategy, lang).to_owned(),
                            if r.minutes_freed > 0 {
                                format!("{} min", r.minutes_freed)
                            } else {
                                "–".into()
                            },
                            words::risk(r.risk, lang).to_owned(),
                        )
                    } else {
                        ("–".into(), String::new(), String::new())
                    };
                    vec![
                        when,
                        title,
                        client,
                        weight.to_owned(),
                        strategy,
                        frees,
                        risk,
                        main_reason(a, lang),
                    ]
                })
                .collect();
            write!(out, "{}", table::render(header, &rows))?;
            writeln!(out)?;
            if assessed.is_empty() {
                writeln!(
                    out,
                    "{}",
                    if nb {
                        "Ingen møter i perioden."
                    } else {
                        "No meetings in this period."
                    }
                )?;
            }
            for ((_, wk), w) in &tally.weeks {
                writeln!(
                    out,
                    "{}",
                    week_line(*wk, w, config.profile.weekly_cap_minutes, lang)
                )?;
            }
        }
    }
    Ok(())
}
