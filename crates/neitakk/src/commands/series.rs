//! `neitakk series`: repetitive meetings, and what changing them would free.

use crate::args::PeriodArgs;
use crate::table::{self, Format};
use neitakk_compose::{dates, words};
use neitakk_core::series::{self, Kind, Offer};
use neitakk_core::Lang;
use neitakk_pipeline::analysis::{Loaded, Purpose};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::Result;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    period: PeriodArgs,
    /// table for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let (tz, lang) = (config.profile.timezone, config.profile.language);
    let w = args.period.window(tz, config.now)?;
    let loaded = Loaded::load(
        &crate::args::calendar(&args.period.file, config)?,
        w,
        Purpose::Assess,
        config,
    )?;
    let me = &config.profile.emails;
    let meetings: Vec<_> = loaded
        .calendar
        .iter()
        .filter(|m| m.blocks_time(me) && w.contains(m.start, m.end))
        .collect();
    let found = series::find(
        &meetings,
        me,
        &config.clients,
        &config.facts,
        w.to,
        config.policy.email_writing_minutes,
    );
    let mut out = std::io::stdout().lock();
    if let Format::Json = args.format {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
        return Ok(());
    }
    let nb = lang == Lang::Nb;
    let h = |x: f64| words::hours((x * 60.0).round() as u32, lang);
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|r| {
            let offers: Vec<String> = r
                .offers
                .iter()
                .map(|o| match (o, nb) {
                    (
                        Offer::EveryOther {
                            hours_per_quarter: x,
                        },
                        true,
                    ) => format!("annenhver gang: {}", h(*x)),
                    (
                        Offer::EveryOther {
                            hours_per_quarter: x,
                        },
                        false,
                    ) => format!("every other time: {}", h(*x)),
                    (
                        Offer::Shorter {
                            minutes,
                            hours_per_quarter: x,
                        },
                        true,
                    ) => format!("{minutes} min: {}", h(*x)),
                    (
                        Offer::Shorter {
                            minutes,
                            hours_per_quarter: x,
                        },
                        false,
                    ) => format!("{minutes} min: {}", h(*x)),
                    (
                        Offer::WrittenStatus {
                            hours_per_quarter: x,
                        },
                        true,
                    ) => format!("skriftlig annenhver gang: {}", h(*x)),
                    (
                        Offer::WrittenStatus {
                            hours_per_quarter: x,
                        },
                        false,
                    ) => format!("written every other time: {}", h(*x)),
                })
                .collect();
            vec![
                r.title.chars().take(32).collect(),
                r.client
                    .clone()
                    .unwrap_or_else(|| if nb { "(internt)" } else { "(internal)" }.into()),
                match (r.kind, nb) {
                    (Kind::Series, true) => "serie",
                    (Kind::Series, false) => "series",
                    (Kind::Cluster, true) => "like møter",
                    (Kind::Cluster, false) => "alike",
                }
                .to_owned(),
                format!("{:.1}/{}", r.per_week, if nb { "uke" } else { "week" })
                    .replace('.', if nb { "," } else { "." }),
                format!("{} min", r.average_minutes),
                dates::date(r.since, tz, lang),
                match (r.repetitive, nb) {
                    (true, true) => "ja",
                    (true, false) => "yes",
                    (false, true) => "nei",
                    (false, false) => "no",
                }
                .to_owned(),
                offers.join("; "),
                r.uid.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header: &[&str] = if nb {
        &[
            "møte",
            "kunde",
            "type",
            "hvor ofte",
            "lengde",
            "siden",
            "gjentakende",
            "frigjør per kvartal",
            "uid",
        ]
    } else {
        &[
            "meeting",
            "client",
            "kind",
            "how often",
            "length",
            "since",
            "repetitive",
            "frees per quarter",
            "uid",
        ]
    };
    write!(out, "{}", table::render(header, &rows))?;
    if found.iter().any(|r| r.repetitive && r.kind == Kind::Series) {
        let hint = if nb {
            "Foreslå endringen med `neitakk reply FIL UID --series --every 2` eller `--series --strategy shorten`."
        } else {
            "Propose the change with `neitakk reply FILE UID --series --every 2` or `--series --strategy shorten`."
        };
        writeln!(out, "\n{hint}")?;
    }
    Ok(())
}
