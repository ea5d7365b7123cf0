//! Drafts as `.eml` files that any mail program can open or send.

use crate::{Context as _, Result};
use neitakk_store::ReplyKey;
use std::path::{Path, PathBuf};

/// The Message-ID of one message of a reply, in the sender's domain: a hash
/// of the journal's own random name (`journal`, [`neitakk_store::Store::instance`]),
/// what makes the reply that reply (the sender, the occurrence, the
/// request's SEQUENCE, the strategy) and which of its messages it is. The
/// same reply sent again from the same journal (after a crash, or a
/// refusal) has the same Message-IDs, so a mail server or client that saw
/// the first drops the copy; any other reply has others.
pub fn message_id(journal: &str, from: &str, reply: &ReplyKey, n: usize) -> String {
    use sha2::{Digest, Sha256};
    let domain = from.rsplit_once('@').map_or("neitakk.invalid", |(_, d)| d);
    let mut h = Sha256::new();
    for part in [
        journal,
        from,
        &reply.meeting.uid,
        reply.meeting.recurrence_id.as_deref().unwrap_or(""),
        &reply.sequence.to_string(),
        reply.strategy.as_str(),
        &n.to_string(),
    ] {
        // Length-prefixed, so that parts cannot run into each other.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let hex: String = h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<{hex}.neitakk@{domain}>")
}

/// A file name for a draft: date, UID and kind, safe on every file system.
pub fn file_name(date: &str, uid: &str, kind: &str) -> String {
    let safe: String = uid
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    format!("{date}-{safe}-{kind}.eml")
}

/// Writes a draft into `dir` (created if needed) without overwriting an
/// earlier one: a number is added to the name instead.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    if dir.exists() && !dir.is_dir() {
        return Err(crate::BadInput(format!(
            "{} is a file, not a folder for drafts",
            dir.display()
        ))
        .into());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
    let stem = name.trim_end_matches(".eml");
    for n in 0..1000 {
        let path = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{stem}-{n}.eml"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
        }
    }
    Err(crate::Error::Input(format!(
        "too many drafts named {name} in {}",
        dir.display()
    )))
}
