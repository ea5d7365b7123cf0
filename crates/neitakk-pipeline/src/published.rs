//! A calendar given as a link (`neitakk triage https://…/basic.ics`): the
//! published ICS address of a Google, Outlook, iCloud or Fastmail calendar.
//! Its last copy is kept in the data folder with what to ask the next time
//! (ETag, Last-Modified), so an unchanged calendar is not fetched again and,
//! without the network, the copy is read with a warning that names its age.

use crate::config::Config;
use crate::error::BadInput;
use crate::{Context as _, Error, Result};
use chrono::{DateTime, Utc};
use neitakk_net::feed::{self, Fetched, Validators};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// The largest calendar a link may give, as for uploads.
pub const MAX_BYTES: u64 = 25 * 1024 * 1024;
/// How long fetching a link may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What is kept beside the copy.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Kept {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    fetched_at: Option<DateTime<Utc>>,
}

/// A name for the link in warnings and errors: its host only, since the
/// rest of a published address is often its secret.
pub fn name(link: &str) -> String {
    format!("the calendar link at {}", feed::host(link))
}

/// The calendar text behind `link`: fetched, or the kept copy when it has
/// not changed, or (with a warning) when the link cannot be reached.
pub fn read(link: &str, config: &Config) -> Result<Vec<u8>> {
    let url = feed::address(link).ok_or_else(|| BadInput(format!("{link} is not a link")))?;
    if url.starts_with("http://") && !feed::is_loopback(&url) {
        tracing::warn!(
            "{} is plain http: anyone on the way can read or change it (use https if the service offers it)",
            name(link)
        );
    }
    let (copy, meta) = paths(config, &url);
    let kept: Kept = std::fs::read(&meta)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|k: &Kept| k.url == url && copy.exists())
        .unwrap_or_default();
    let validators = Validators {
        etag: kept.etag.clone(),
        last_modified: kept.last_modified.clone(),
    };
    // Published links carry no login, and services move them about.
    match feed::fetch(&url, &validators, TIMEOUT, MAX_BYTES, 5) {
        Ok(Fetched::Changed { body, validators }) => {
            crate::private::folder(copy.parent().unwrap_or(&config.data_dir))?;
            write_private(&copy, &body)?;
            let kept = Kept {
                url,
                etag: validators.etag,
                last_modified: validators.last_modified,
                fetched_at: Some(config.now),
            };
            write_private(&meta, &serde_json::to_vec_pretty(&kept)?)?;
            Ok(body)
        }
        Ok(Fetched::NotModified) => {
            std::fs::read(&copy).with_context(|| format!("cannot read {}", copy.display()))
        }
        Err(e) if e.is_unreachable() && kept.fetched_at.is_some() => {
            let age = kept
                .fetched_at
                .map_or(String::new(), |at| age(config.now - at));
            tracing::warn!(
                "{} cannot be reached ({e}): reading the copy fetched {age}",
                name(link)
            );
            std::fs::read(&copy).with_context(|| format!("cannot read {}", copy.display()))
        }
        Err(e) if e.is_unreachable() => Err(Error::Unreachable(format!("{}: {e}", name(link)))),
        // The service is at fault; a link that is not a calendar is the user's to mend.
        Err(e @ feed::Error::Status(500..)) => Err(Error::Remote(format!("{}: {e}", name(link)))),
        Err(e) => Err(Error::Input(format!("{}: {e}", name(link)))),
    }
}

/// Where the copy of `url` and what is kept beside it live.
fn paths(config: &Config, url: &str) -> (PathBuf, PathBuf) {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(url.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let dir = config.data_dir.join("links");
    (
        dir.join(format!("{hex}.ics")),
        dir.join(format!("{hex}.json")),
    )
}

/// Writes a file only the user can read (the link may be a secret, and so
/// is the calendar).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    crate::private::file(path)?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// How long ago, in words: "3 minutes ago", "2 hours ago", "5 days ago".
fn age(d: chrono::TimeDelta) -> String {
    let (n, unit) = match d.num_minutes().max(0) {
        m if m < 60 => (m, "minute"),
        m if m < 48 * 60 => (m / 60, "hour"),
        m => (m / (24 * 60), "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_in_words() {
        assert_eq!(age(chrono::TimeDelta::minutes(1)), "1 minute ago");
        assert_eq!(age(chrono::TimeDelta::minutes(190)), "3 hours ago");
        assert_eq!(age(chrono::TimeDelta::days(5)), "5 days ago");
    }
}
