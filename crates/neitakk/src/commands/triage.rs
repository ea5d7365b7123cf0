//! `neitakk triage`: the week's client meetings and what to do about each.

use crate::analysis::{window, Assessed, Loaded};
use crate::config::Config;
use crate::table;
use anyhow::Result;
use neitakk_compose::{dates, words};
use neitakk_core::facts::{iso_week, Overrides};
use neitakk_core::{Lang, Reason, Step};
use neitakk_ical::expand::rfc3339;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The calendar: an .ics file, an .eml invitation, or - for stdin.
    file: String,
    /// An ISO week, e.g. 2026-W49 (default: this week).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    week: Option<String>,
    /// Start of the window: a date or an RFC 3339 date-time.
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// End of the window (exclusive).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// A reason that applies to every meeting (illness, emergency, ...).
    #[arg(long, value_name = "REASON")]
    reason: Vec<Reason>,
    /// table for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

/// Why, in a few words: the deciding rule when it is not the reasons themselves.
fn main_reason(a: &Assessed, lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    let reasons = a
        .decision
        .reasons
        .iter()
        .map(|r| words::reason(*r, lang))
        .collect::<Vec<_>>()
        .join(", ");
    let rule = a.decision.trail.iter().find_map(|s| match s {
        Step::KeyClient { .. } => Some(if nb { "nøkkelkunde" } else { "key client" }),
        Step::NoValidReason => Some(if nb {
            "ingen gyldig grunn"
        } else {
            "no valid reason"
        }),
        Step::MemoryAttend { .. } => Some(if nb {
            "begrenset nylig"
        } else {
            "limited lately"
        }),
        Step::NothingFits => Some(if nb {
            "ingenting passer"
        } else {
            "nothing fits"
        }),
        _ => None,
    });
    match rule {
        Some(rule) if reasons.is_empty() => rule.to_owned(),
        Some(rule) => format!("{rule} ({reasons})"),
        None => reasons,
    }
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let tz = config.profile.timezone;
    let lang = config.profile.language;
    let w = window(
        args.week.as_deref(),
        args.from.as_deref(),
        args.to.as_deref(),
        tz,
    )?;
    let loaded = Loaded::load(&args.file, w, config)?;
    let overrides = Overrides {
        reasons: args.reason.clone(),
        ..Default::default()
    };
    let index = loaded.index(config);
    let assessed = loaded.assess_all(&index, config, &overrides);

    // Per ISO week: meeting minutes, the cap, and what the recommendations free.
    let mut weeks: BTreeMap<(i32, u32), (u32, u32)> = BTreeMap::new();
    for a in &assessed {
        let entry = weeks
            .entry(iso_week(a.meeting.start, tz))
            .or_insert((index.week_minutes(a.meeting.start), 0));
        entry.1 += a.decision.recommended.minutes_freed;
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let meetings: Vec<_> = assessed.iter().map(|a| to_json(a, lang)).collect();
            let weeks: Vec<_> = weeks
                .iter()
                .map(|((y, wk), (minutes, freed))| {
                    json!({"week": format!("{y}-W{wk:02}"), "meeting_minutes": minutes, "cap_minutes": config.profile.weekly_cap_minutes, "freed_minutes": freed})
                })
                .collect();
            let doc = json!({"from": rfc3339(w.from), "to": rfc3339(w.to), "meetings": meetings, "weeks": weeks});
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Table => {
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
                    match (&a.facts.client, a.decision.is_decided()) {
                        (Some(client), true) => {
                            let r = &a.decision.recommended;
                            vec![
                                when,
                                title,
                                client.clone(),
                                a.facts
                                    .weight
                                    .map_or("", |w| words::weight(w, lang))
                                    .to_owned(),
                                words::strategy(r.strategy, lang).to_owned(),
                                if r.minutes_freed > 0 {
                                    format!("{} min", r.minutes_freed)
                                } else {
                                    "–".into()
                                },
                                words::risk(r.risk, lang).to_owned(),
                                main_reason(a, lang),
                            ]
                        }
                        _ => vec![
                            when,
                            title,
                            if nb { "(internt)" } else { "(internal)" }.into(),
                            String::new(),
                            "–".into(),
                            String::new(),
                            String::new(),
                            String::new(),
                        ],
                    }
                })
                .collect();
            write!(out, "{}", table::render(header, &rows))?;
            writeln!(out)?;
            for ((_, wk), (minutes, freed)) in &weeks {
                let cap = config.profile.weekly_cap_minutes;
                let (m, c, f) = (
                    words::hours(*minutes, lang),
                    words::hours(cap, lang),
                    words::hours(*freed, lang),
                );
                let after = words::hours(minutes.saturating_sub(*freed), lang);
                if nb {
                    writeln!(out, "Uke {wk}: {m} i møter mot et tak på {c}. Anbefalingene frigjør {f}, og lar {after} stå igjen.")?;
                } else {
                    writeln!(out, "Week {wk}: {m} of meetings against a cap of {c}. The recommendations free {f}, leaving {after}.")?;
                }
            }
        }
    }
    Ok(())
}

/// A meeting as JSON for scripts.
pub fn to_json(a: &Assessed, lang: Lang) -> serde_json::Value {
    let d = &a.decision;
    let choice = |c: &neitakk_core::Choice| json!({"strategy": c.strategy, "minutes_freed": c.minutes_freed, "risk": c.risk, "frees_slot": c.frees_slot, "meets_need": c.meets_need, "follow_up_call": c.follow_up_call});
    let decided = d.is_decided();
    json!({
        "uid": a.meeting.uid,
        "recurrence_id": a.meeting.recurrence_id,
        "start": rfc3339(a.meeting.start),
        "end": rfc3339(a.meeting.end),
        "summary": a.meeting.summary,
        "client": a.facts.client,
        "weight": a.facts.weight,
        "strategy": decided.then_some(d.recommended.strategy),
        "minutes_freed": d.recommended.minutes_freed,
        "risk": decided.then_some(d.recommended.risk),
        "follow_up_call": d.recommended.follow_up_call,
        "reasons": d.reasons,
        "alternatives": d.alternatives.iter().map(choice).collect::<Vec<_>>(),
        "trail": d.trail.iter().map(|s| words::step(s, lang)).collect::<Vec<_>>(),
        "steps": d.trail,
        "facts": a.facts,
    })
}
