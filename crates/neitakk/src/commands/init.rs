//! `neitakk init`: a commented starting config and clients file.

use crate::config::{default_config_path, STARTER_CLIENTS, STARTER_CONFIG};
use neitakk_pipeline::BadInput;
use neitakk_pipeline::{Context as _, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write neitakk.toml and clients.toml in (default: the platform's config folder).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Replace files that exist.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => default_config_path()
            .and_then(|p| p.parent().map(PathBuf::from))
            .ok_or_else(|| BadInput("no config folder on this platform: pass --dir".into()))?,
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in [
        ("neitakk.toml", STARTER_CONFIG),
        ("clients.toml", STARTER_CLIENTS),
    ] {
        let path = dir.join(name);
        if path.exists() && !args.force {
            return Err(BadInput(format!(
                "{} exists; pass --force to replace it",
                path.display()
            ))
            .into());
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(std::io::stdout(), "{}", path.display())?;
    }
    let _ = writeln!(
        std::io::stderr(),
        "Edit both files, then try: neitakk --config {} triage CALENDAR.ics",
        dir.join("neitakk.toml").display()
    );
    Ok(())
}
