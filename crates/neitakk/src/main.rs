//! `neitakk`: say no to a client meeting, or take less of it, without
//! harming the relationship.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use neitakk::{commands, config};
use neitakk_pipeline::clock::{self, Clock};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Say no to a client meeting, or take less of it, without harming the relationship.
///
/// neitakk reads the calendar you already have, weighs the client and the
/// reason, picks the gentlest strategy that frees the time (a call instead of
/// travel, a shorter meeting, an email for now, handing over to a colleague,
/// a new time, and only as a last resort declining), explains why, and writes
/// the message in the client's language.
#[derive(Debug, Parser)]
#[command(name = "neitakk", version, propagate_version = true)]
pub struct Cli {
    /// The config file (default: NEITAKK_CONFIG, else the platform's config folder).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    config: Option<PathBuf>,
    /// More detail on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, help_heading = "Global options")]
    quiet: bool,
    /// Act as if it were this instant (RFC 3339, e.g. 2026-11-30T07:00:00+01:00):
    /// which meetings are ahead, what is over, the default week (default: the clock).
    #[arg(long, global = true, env = "NEITAKK_NOW", value_name = "TIME",
          value_parser = clock::parse_now, help_heading = "Global options")]
    now: Option<chrono::DateTime<chrono::Utc>>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a commented starting config and clients file.
    Init(commands::init::Args),
    /// List the occurrences of a calendar in a time window.
    Events(commands::events::Args),
    /// One row per client meeting: the recommended strategy, what it frees and risks.
    Triage(commands::triage::Args),
    /// Meeting load per week against the cap, travel, focus time, and per client.
    Load(commands::load::Args),
    /// Repetitive meetings, and what changing them would free per quarter.
    Series(commands::series::Args),
    /// Free N hours of a week with the least harm to client relationships.
    Plan(commands::plan::Args),
    /// The facts, the rule trail and the alternatives for one meeting.
    Explain(commands::explain::Args),
    /// Write the message(s) for one meeting's strategy.
    Reply(commands::reply::Args),
    /// The client registry.
    #[command(subcommand)]
    Clients(commands::clients::Command),
    /// What was decided and written, newest first.
    Journal(commands::journal::Args),
    /// Client invitations from your mailbox ([inbox]): each recommended
    /// reply put in your drafts mailbox, for you to read and send.
    Inbox(commands::inbox::Args),
    /// The team server: web pages and a JSON API for everyone in the firm.
    Serve(commands::serve::Args),
}

fn main() -> ExitCode {
    // `--version` names the zone rules too: they decide every time read.
    let version = format!(
        "{} (tz database {})",
        env!("CARGO_PKG_VERSION"),
        neitakk_core::tz::DATABASE_VERSION
    );
    let parsed = Cli::command()
        .long_version(&*version.leak())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NEITAKK_LOG")
                .unwrap_or_else(|_| level.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .with_target(false)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`neitakk triage ... | head`): not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // stderr may be gone too; never panic over it.
            let _ = writeln!(std::io::stderr(), "error: {e}");
            // The user's to put right, or ours (or another server's).
            ExitCode::from(if e.is_users() { 2 } else { 1 })
        }
    }
}

/// The one place that reads the system time: everything else is handed the
/// clock made here, so that `--now` moves all of it and tests can pin it.
#[allow(clippy::disallowed_methods)]
fn clock(now: Option<chrono::DateTime<chrono::Utc>>) -> Clock {
    match now {
        Some(at) => Clock::running_from(at),
        None => Clock::new(chrono::Utc::now),
    }
}

fn run(cli: Cli) -> neitakk_pipeline::Result<()> {
    if let Command::Init(args) = &cli.command {
        return commands::init::run(args);
    }
    let clock = clock(cli.now);
    // A command reads the time once; given --now, exactly that instant, so
    // that every run at a pinned time sees the same (the server's clock runs on).
    let config = config::load(
        cli.config.as_deref(),
        cli.now.unwrap_or_else(|| clock.now()),
    )?;
    match &config.source {
        Some(path) => tracing::info!("config: {}", path.display()),
        None => tracing::warn!(
            "no config file found: no clients and no profile, so every meeting looks internal \
             (`neitakk init` writes one; --config or NEITAKK_CONFIG name it)"
        ),
    }
    match cli.command {
        Command::Init(_) => unreachable!("handled above"),
        Command::Events(args) => commands::events::run(&config, &args),
        Command::Triage(args) => commands::triage::run(&config, &args),
        Command::Explain(args) => commands::explain::run(&config, &args),
        Command::Plan(args) => commands::plan::run(&config, &args),
        Command::Load(args) => commands::load::run(&config, &args),
        Command::Series(args) => commands::series::run(&config, &args),
        Command::Reply(args) => commands::reply::run(&config, &args),
        Command::Clients(cmd) => commands::clients::run(&config, &cmd),
        Command::Journal(args) => commands::journal::run(&config, &args),
        Command::Inbox(args) => commands::inbox::run(&config, &args, clock),
        Command::Serve(args) => commands::serve::run(&config, &args, clock),
    }
}
