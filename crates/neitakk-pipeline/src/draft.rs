//! Drafts as `.eml` files that any mail program can open or send.

use crate::{Context as _, Result};
use std::path::{Path, PathBuf};

/// A unique Message-ID in the sender's domain: 128 random bits, so that
/// it stays unique across processes and machines whatever the clock says.
pub fn message_id(from: &str) -> String {
    use rand::RngCore;
    let domain = from.rsplit_once('@').map_or("neitakk.invalid", |(_, d)| d);
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
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
