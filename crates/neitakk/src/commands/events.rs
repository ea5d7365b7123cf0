//! `neitakk events`: the occurrences of a calendar in a window.

use crate::table;
use neitakk_ical::Window;
use neitakk_pipeline::analysis::{parse_instant, read_expanded, Purpose};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::events::line;
use neitakk_pipeline::BadInput;
use neitakk_pipeline::Result;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The calendar: an .ics file, an .eml invitation, - for stdin, caldav,
    /// or a link to a published calendar. Default: `[calendar] url` in the config.
    file: Option<String>,
    /// Start of the window: a date (2026-12-01) or an RFC 3339 date-time.
    #[arg(long)]
    from: String,
    /// End of the window (exclusive), as --from.
    #[arg(long)]
    to: String,
    /// table for people, jsonl for scripts (one object per line).
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// The zone for floating times and the table (default: the profile's, else UTC).
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Jsonl,
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let tz = match &args.tz {
        Some(z) => Some(
            neitakk_ical::zone::parse_zone_name(z)
                .ok_or_else(|| BadInput(format!("unknown time zone '{z}'")))?,
        ),
        None => None,
    };
    let shown = tz.unwrap_or(config.profile.timezone);
    let window = Window {
        from: parse_instant(&args.from, shown)?,
        to: parse_instant(&args.to, shown)?,
    };
    if window.to <= window.from {
        return Err(BadInput("the window is empty: --to must be after --from".into()).into());
    }
    let window = neitakk_pipeline::analysis::bounded(
        window,
        neitakk_pipeline::analysis::MAX_WINDOW_DAYS,
        "--from/--to",
    )?;
    let file = crate::args::calendar(&args.file, config)?;
    // Each occurrence is made as it is written: a large calendar's year is
    // never held whole.
    let expanded = read_expanded(&file, window, tz, Purpose::Assess, config)?;
    let occurrences = expanded.occurrences();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Jsonl => {
            // Buffered: a large calendar has hundreds of thousands of lines,
            // and the plain stdout lock writes each one on its own.
            let mut out = std::io::BufWriter::with_capacity(1 << 17, out);
            for m in occurrences {
                serde_json::to_writer(&mut out, &line(&m))?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = occurrences
                .map(|m| {
                    let when = match m.dates {
                        Some((a, b)) if b - a > chrono::Duration::days(1) => {
                            format!(
                                "{} – {}",
                                a.format("%Y-%m-%d"),
                                (b - chrono::Duration::days(1)).format("%Y-%m-%d")
                            )
                        }
                        Some((a, _)) => a.format("%Y-%m-%d").to_string(),
                        None => {
                            let (s, e) =
                                (m.start.with_timezone(&shown), m.end.with_timezone(&shown));
                            format!(
                                "{} {}–{}",
                                s.format("%Y-%m-%d %a"),
                                s.format("%H:%M"),
                                e.format("%H:%M")
                            )
                        }
                    };
                    vec![
                        when,
                        m.summary.as_deref().unwrap_or_default().to_owned(),
                        m.uid,
                    ]
                })
                .collect();
            write!(out, "{}", table::render(&["when", "summary", "uid"], &rows))?;
        }
    }
    Ok(())
}
