//! `neitakk journal`, and the journal's place in the data folder.

use crate::config::Config;
use crate::{Context as _, Result};
use neitakk_store::{Entry, Store};
use std::collections::HashMap;
use std::path::PathBuf;

pub fn path(config: &Config) -> PathBuf {
    config.data_dir.join("journal.sqlite")
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")
}

pub async fn open(config: &Config) -> Result<Store> {
    crate::private::folder(&config.data_dir)?;
    crate::private::file(&path(config))?;
    Ok(Store::open(&path(config)).await?)
}

/// The journal opened for a command that is not async: with the runtime
/// its queries run on.
pub fn opened(config: &Config) -> Result<(tokio::runtime::Runtime, Store)> {
    let rt = runtime()?;
    let store = rt.block_on(open(config))?;
    Ok((rt, store))
}

/// The journal's own name (made with it), for the Message-IDs of replies.
pub fn instance(config: &Config) -> Result<String> {
    let (rt, store) = opened(config)?;
    Ok(rt.block_on(store.instance())?)
}

/// Limits per client in the 30 days before `config.now`. No journal yet means none.
pub fn recent_limits(config: &Config) -> Result<HashMap<String, Vec<neitakk_core::MeetingKey>>> {
    if !path(config).exists() {
        return Ok(HashMap::new());
    }
    let now = config.now;
    runtime()?.block_on(async {
        Ok(open(config)
            .await?
            .recent_limits(now - neitakk_store::MEMORY, now)
            .await?)
    })
}

/// Records one decision.
pub fn record(config: &Config, entry: &Entry) -> Result<()> {
    runtime()?.block_on(async { Ok(open(config).await?.record(entry).await?) })
}
