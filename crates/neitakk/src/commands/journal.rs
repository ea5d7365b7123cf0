//! `neitakk journal`, and the journal's place in the data folder.

use crate::config::Config;
use crate::table::{self, Format};
use anyhow::{Context as _, Result};
use neitakk_compose::{dates, words};
use neitakk_store::{Entry, Store};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this client.
    #[arg(long)]
    client: Option<String>,
    /// table for people, json for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn path(config: &Config) -> PathBuf {
    config.data_dir.join("journal.sqlite")
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")
}

async fn open(config: &Config) -> Result<Store> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    Ok(Store::open(&path(config)).await?)
}

/// Limits per client in the 30 days before `config.now`. No journal yet means none.
pub fn recent_limits(config: &Config) -> Result<HashMap<String, Vec<String>>> {
    if !path(config).exists() {
        return Ok(HashMap::new());
    }
    let now = config.now;
    runtime()?.block_on(async {
        Ok(open(config)
            .await?
            .recent_limits(now - chrono::Duration::days(30), now)
            .await?)
    })
}

/// When a reply was sent, if it was.
pub fn sent_at(
    config: &Config,
    key: &neitakk_store::ReplyKey,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    runtime()?.block_on(async { Ok(open(config).await?.sent_at(key).await?) })
}

/// Records that a reply went out (at `config.now`).
pub fn mark_sent(
    config: &Config,
    key: &neitakk_store::ReplyKey,
    message_id: &str,
    to: &[String],
) -> Result<()> {
    runtime()?.block_on(async {
        Ok(open(config)
            .await?
            .mark_sent(key, message_id, to, config.now)
            .await?)
    })
}

/// Records one decision.
pub fn record(config: &Config, entry: &Entry) -> Result<()> {
    runtime()?.block_on(async { Ok(open(config).await?.record(entry).await?) })
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let entries = if path(config).exists() {
        runtime()?.block_on(async {
            Ok::<_, anyhow::Error>(open(config).await?.entries(args.client.as_deref()).await?)
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
