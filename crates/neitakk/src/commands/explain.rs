//! `neitakk explain`: the facts, the rule trail and the alternatives.

use crate::args::MeetingArgs;
use crate::table;
use neitakk_compose::{dates, words};
use neitakk_core::facts::Overrides;
use neitakk_core::Lang;
use neitakk_pipeline::config::Config;
use neitakk_pipeline::explain::{fact_rows, yes_no};
use neitakk_pipeline::Result;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    meeting: MeetingArgs,
    /// text for people, json for scripts.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let lang = config.profile.language;
    let tz = config.profile.timezone;
    let (loaded, meeting) = args.meeting.load(config)?;
    let meeting = &meeting;
    if let Some(over) =
        neitakk_pipeline::analysis::Over::check(&loaded.calendar, meeting, config.now, tz)
    {
        // Explaining a meeting that is over is fine; answering it is not.
        tracing::warn!("{over}");
    }
    if meeting.all_day() {
        let nb = lang == Lang::Nb;
        let text = if nb {
            "en heldagshendelse, ikke et møte: ingenting å vurdere."
        } else {
            "an all-day event, not a meeting: nothing to weigh."
        };
        writeln!(
            std::io::stdout(),
            "{}: {text}",
            meeting.summary.as_deref().unwrap_or(&meeting.uid)
        )?;
        return Ok(());
    }
    let overrides = Overrides {
        reasons: args.meeting.reason.clone(),
        ..Default::default()
    };
    let index = loaded.index(config);
    let a = loaded.assess(&index, meeting, config, &overrides);
    let mut out = std::io::stdout().lock();
    if let Format::Json = args.format {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&neitakk_pipeline::triage::Row::new(&a, lang))?
        )?;
        return Ok(());
    }
    let nb = lang == Lang::Nb;
    let m = &a.meeting;
    writeln!(out, "{}", m.summary.as_deref().unwrap_or(&m.uid))?;
    writeln!(out, "{}", dates::span(m.start, m.end, tz, lang))?;
    writeln!(out)?;
    let facts = fact_rows(&a.facts, lang);
    writeln!(out, "{}", if nb { "Fakta" } else { "Facts" })?;
    for (label, v) in facts {
        writeln!(out, "  {label:<32} {v}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", if nb { "Begrunnelse" } else { "Rule trail" })?;
    for s in &a.decision.trail {
        writeln!(out, "  - {}", words::step(s, lang))?;
    }
    // Internal meetings and your own get no strategy: the trail says why.
    if !a.decision.is_decided() {
        return Ok(());
    }
    writeln!(out)?;
    let r = &a.decision.recommended;
    writeln!(
        out,
        "{}: {} ({} min, {} {})",
        if nb { "Anbefalt" } else { "Recommended" },
        words::strategy(r.strategy, lang),
        r.minutes_freed,
        if nb { "risiko" } else { "risk" },
        words::risk(r.risk, lang)
    )?;
    if !a.decision.alternatives.is_empty() {
        writeln!(out)?;
        let header: &[&str] = if nb {
            &["alternativ", "frigjør", "risiko", "dekker behovet"]
        } else {
            &["alternative", "frees", "risk", "meets the need"]
        };
        let rows: Vec<Vec<String>> = a
            .decision
            .alternatives
            .iter()
            .map(|c| {
                vec![
                    words::strategy(c.strategy, lang).into(),
                    format!("{} min", c.minutes_freed),
                    words::risk(c.risk, lang).into(),
                    yes_no(c.meets_need, lang).into(),
                ]
            })
            .collect();
        write!(out, "{}", table::render(header, &rows))?;
    }
    Ok(())
}
