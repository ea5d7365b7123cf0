//! `neitakk journal`, and the journal's place in the data folder.

use crate::table::{self, Format};
use neitakk_compose::{dates, words};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::journal::{open, path, runtime};
use neitakk_pipeline::Result;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this client.
    #[arg(long)]
    client: Option<String>,
    /// table for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let entries = if path(config).exists() {
        runtime()?.block_on(async {
            Ok::<_, neitakk_pipeline::Error>(
                open(config).await?.entries(args.client.as_deref()).await?,
            )
        })?
    } else {
        Vec::new()
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?,
        Format::Table => {
            let (lang, tz) = (config.profile.language, config.profile.timezone);
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        dates::short(e.decided_at, tz, lang),
                        e.client.clone().unwrap_or_default(),
                        e.summary.clone().unwrap_or_default(),
                        dates::short(e.meeting_start, tz, lang),
                        words::strategy(e.strategy, lang).into(),
                    ]
                })
                .collect();
            let header: &[&str] = if lang == neitakk_core::Lang::Nb {
                &["besluttet", "kunde", "møte", "møtetid", "strategi"]
            } else {
                &["decided", "client", "meeting", "meeting time", "strategy"]
            };
            write!(out, "{}", table::render(header, &rows))?;
        }
    }
    Ok(())
}
