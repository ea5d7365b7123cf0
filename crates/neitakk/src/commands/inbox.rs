//! `neitakk inbox`: client invitations from the mailbox, each with its
//! recommended reply put in the drafts mailbox (nothing is sent).

use neitakk_compose::{dates, words};
use neitakk_pipeline::clock::Clock;
use neitakk_pipeline::config::Config;
use neitakk_pipeline::inbox::{self, Handled, Outcome, Pass};
use neitakk_pipeline::Result;
use std::io::Write;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read the folder once and stop; without it, keep looking.
    #[arg(long, conflicts_with_all = ["pending", "send"])]
    once: bool,
    /// List the drafts it made that are not sent yet.
    #[arg(long, conflicts_with = "send")]
    pending: bool,
    /// Send the draft made for this invitation (its UID, as --pending
    /// shows it), as it is in your drafts mailbox now; it is filed in the
    /// sent mailbox and the draft removed.
    #[arg(long, value_name = "UID")]
    send: Option<String>,
    /// Minutes between looks, when it keeps looking.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1440))]
    every: u64,
}

pub fn run(config: &Config, args: &Args, clock: Clock) -> Result<()> {
    if args.once {
        return print(config, &inbox::once(config)?);
    }
    if args.pending {
        let mut out = std::io::stdout().lock();
        for d in inbox::pending(config)? {
            let strategy = words::strategy(d.strategy, config.profile.language);
            writeln!(out, "{}  {strategy}  {}", d.meeting.uid, d.folder)?;
        }
        return Ok(());
    }
    if let Some(uid) = &args.send {
        let mut err = std::io::stderr().lock();
        match inbox::send(config, uid)? {
            inbox::Sent::Now {
                sent_to,
                again,
                sent_folder,
            } => {
                if again {
                    writeln!(
                        err,
                        "An earlier try to send this reply did not finish; it is sent again, with the same Message-IDs."
                    )?;
                }
                for to in sent_to {
                    writeln!(err, "sent to {}", to.join(", "))?;
                }
                writeln!(err, "filed in {sent_folder}; the draft is removed")?;
            }
            inbox::Sent::Before(_) => writeln!(
                err,
                "This reply was sent before; it is not sent again (the draft stays for you to remove)."
            )?,
            inbox::Sent::Busy => writeln!(
                err,
                "This reply is being sent right now by another run; it is not sent twice."
            )?,
        }
        return Ok(());
    }
    // Keeps looking until stopped (Ctrl-C): what was handled is recorded
    // message by message, and a draft is never made twice, so stopping at
    // any moment loses nothing. Between looks it waits for news (IMAP IDLE
    // where the server has it) for `--every` minutes at most. A mail server
    // that goes away is tried again, waiting longer each time (up to 15
    // minutes).
    let every = Duration::from_secs(args.every * 60);
    let mut backoff = Duration::from_secs(5);
    loop {
        let mut now = config.clone();
        now.now = clock.now();
        let looked = inbox::once(&now).and_then(|handled| {
            print(config, &handled)?;
            inbox::wait(config, every)
        });
        match looked {
            Ok(()) => backoff = Duration::from_secs(5),
            Err(e) if e.is_unreachable() => {
                tracing::warn!("{e}; trying again in {} s", backoff.as_secs());
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(15 * 60));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Why an invitation got no draft, in words.
fn pass_words(why: Pass, nb: bool) -> &'static str {
    match (why, nb) {
        (Pass::TooLarge, false) => "over 25 MB",
        (Pass::TooLarge, true) => "over 25 MB",
        (Pass::Unreadable, false) => "its calendar cannot be read",
        (Pass::Unreadable, true) => "kalenderen kan ikke leses",
        (Pass::NoMeetingAhead, false) => "no meeting ahead",
        (Pass::NoMeetingAhead, true) => "ingen møter fram i tid",
        (Pass::Over, false) => "already over",
        (Pass::Over, true) => "allerede over",
        (Pass::NoDraftToCancel, false) => "cancelled, with no draft to remove",
        (Pass::NoDraftToCancel, true) => "avlyst, uten utkast å fjerne",
        (Pass::Attending, false) => "accepted, and attending is recommended",
        (Pass::Attending, true) => "godtatt, og det anbefales å delta",
        (Pass::Internal, false) => "internal",
        (Pass::Internal, true) => "internt",
        (Pass::Undecided, false) => "it cannot be decided",
        (Pass::Undecided, true) => "kan ikke avgjøres",
    }
}

/// One line per invitation: when, client, strategy, what it frees, what
/// was done.
fn print(config: &Config, handled: &[Handled]) -> Result<()> {
    let (lang, tz) = (config.profile.language, config.profile.timezone);
    let nb = lang == neitakk_core::Lang::Nb;
    let mut out = std::io::stdout().lock();
    for h in handled {
        let done = match (&h.outcome, nb) {
            (Outcome::Drafted, false) => "draft made".to_owned(),
            (Outcome::Drafted, true) => "utkast laget".to_owned(),
            (Outcome::Replaced, false) => "updated: draft made anew".to_owned(),
            (Outcome::Replaced, true) => "endret: nytt utkast".to_owned(),
            (Outcome::Removed, false) => "cancelled: draft removed".to_owned(),
            (Outcome::Removed, true) => "avlyst: utkastet fjernet".to_owned(),
            (Outcome::Already, false) => "handled before".to_owned(),
            (Outcome::Already, true) => "behandlet før".to_owned(),
            (Outcome::PassedOver(why), false) => {
                format!("passed over ({})", pass_words(*why, false))
            }
            (Outcome::PassedOver(why), true) => format!("hoppet over ({})", pass_words(*why, true)),
        };
        let when = h
            .start
            .map(|t| dates::short(t, tz, lang))
            .unwrap_or_default();
        let strategy = h.strategy.map(|s| words::strategy(s, lang)).unwrap_or("");
        let frees = match (h.minutes_freed, nb) {
            (0, _) => String::new(),
            (m, false) => format!("frees {}", words::hours(m, lang)),
            (m, true) => format!("frigjør {}", words::hours(m, lang)),
        };
        let what = h.summary.as_deref().unwrap_or(&h.uid);
        let client = h.client.as_deref().unwrap_or("");
        let line = [when.as_str(), client, what, strategy, &frees, &done]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("  ");
        writeln!(out, "{line}")?;
    }
    Ok(())
}
