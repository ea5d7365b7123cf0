//! `neitakk reply`: the message(s) for one meeting's strategy.

use crate::args::MeetingArgs;
use neitakk_compose::words;
use neitakk_compose::Composer;
use neitakk_core::{Lang, Strategy};
use neitakk_pipeline::analysis::Loaded;
use neitakk_pipeline::choice::{Misfit, Refused};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::delivery::{deliver, sendable, update_partstat, Delivered, Draft};
use neitakk_pipeline::reply::{composer, invitation_id, prepare, Choice, NoReply};
use neitakk_pipeline::Result;
use neitakk_pipeline::{draft, BadInput};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    meeting: MeetingArgs,
    /// Use this strategy instead of the recommended one: attend, phone-call, shorten,
    /// shorter-call, email-for-now, bow-out, reschedule, delegate, decline.
    #[arg(long, value_name = "STRATEGY")]
    strategy: Option<Strategy>,
    /// Write in this language (default: the client's, else the invitation's, else yours).
    #[arg(long, value_name = "nb|en", value_parser = parse_lang)]
    lang: Option<Lang>,
    /// The length to propose when shortening, in minutes.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(5..=600))]
    minutes: Option<u32>,
    /// Your own words for the briefing (your view on the open points).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// With --strategy delegate: who goes in your place (default: the client's account manager).
    #[arg(long, value_name = "EMAIL")]
    delegate_to: Option<String>,
    /// Send the reply over SMTP (the config's [delivery.smtp]); the drafts are
    /// kept in the outbox. The same reply to the same request is never sent twice.
    #[arg(long)]
    send: bool,
    /// With --send: send even a message with a line left in [brackets] for
    /// you to write, or leave out one with no recipient (with a warning).
    #[arg(long)]
    force: bool,
    /// Answer for the whole recurring series, not this occurrence (attend,
    /// phone-call, shorten, decline, or --every).
    #[arg(long)]
    series: bool,
    /// With --series: propose meeting every N-th time (2: every other week).
    #[arg(long, value_name = "N", requires = "series", value_parser = clap::value_parser!(u32).range(2..=12))]
    every: Option<u32>,
    /// Set by callers that report the drafts themselves (the plan).
    #[arg(skip)]
    quiet: bool,
    /// Write .eml drafts to this folder instead of printing.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Writes the drafts for one meeting and strategy, as `reply --out` does
/// (the plan's `--out`), from a calendar already loaded. Freeing time is the
/// reason.
pub fn draft(
    composer: &Composer,
    config: &Config,
    loaded: &Loaded,
    file: &str,
    meeting: &neitakk_core::Meeting,
    strategy: Strategy,
    out: &std::path::Path,
) -> Result<()> {
    let args = Args {
        meeting: MeetingArgs {
            file: file.to_owned(),
            uid: meeting.uid.clone(),
            at: Some(neitakk_ical::expand::rfc3339(meeting.start)),
            reason: vec![neitakk_core::Reason::Workload],
            from: None,
            to: None,
        },
        strategy: Some(strategy),
        lang: None,
        minutes: None,
        note: None,
        delegate_to: None,
        series: false,
        every: None,
        send: false,
        force: false,
        quiet: true,
        out: Some(out.to_path_buf()),
    };
    write(composer, config, &args, loaded, meeting)
}

/// Why no reply was written, in the command line's words: it names the
/// flag that changes the answer.
fn worded(e: &NoReply, tz: neitakk_core::Tz) -> String {
    let r = match e {
        NoReply::Refused(r) => r,
        NoReply::Over(over) => {
            return match over.next {
                Some(next) => {
                    let at = next.with_timezone(&tz).format("%Y-%m-%dT%H:%M");
                    format!("answer the next one with --at {at}: {over}")
                }
                None => over.to_string(),
            }
        }
        NoReply::Template(t) => return t.to_string(),
    };
    match r {
        Refused::NotShorter { minutes, planned } => {
            format!("--minutes {minutes} is not shorter than the {planned}-minute meeting")
        }
        Refused::DoesNotFit {
            why: Misfit::NoLongerThanNeeded(_),
            ..
        } => format!("{r}; give a shorter length with --minutes"),
        Refused::EveryIsLessOften(other) => format!("--every proposes less-often, not {other}"),
        Refused::NotASeries => format!("--series: {r}"),
        Refused::NotForASeries(s) => {
            format!("--series works with attend, phone-call, shorten, decline and --every, not {s}")
        }
        Refused::LessOftenIsForASeries => format!("{r}: give --series --every N"),
        Refused::DelegateWithoutDelegating => "--delegate-to goes with --strategy delegate".into(),
        Refused::NoDelegate => {
            "delegate needs --delegate-to EMAIL (or a client account manager)".into()
        }
        Refused::NotAnAddress(given) => format!("--delegate-to '{given}' is not an e-mail address"),
        other => other.to_string(),
    }
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::from_tag(s).ok_or_else(|| format!("unknown language '{s}' (use nb or en)"))
}

pub fn run(config: &Config, args: &Args) -> Result<()> {
    let (loaded, meeting) = args.meeting.load(config)?;
    write(&composer(config)?, config, args, &loaded, &meeting)
}

/// The reply to `meeting`, found in `loaded`: shown, drafted or sent.
fn write(
    composer: &Composer,
    config: &Config,
    args: &Args,
    loaded: &Loaded,
    meeting: &neitakk_core::Meeting,
) -> Result<()> {
    let tz = config.profile.timezone;
    let choice = Choice {
        strategy: args.strategy,
        lang: args.lang,
        minutes: args.minutes,
        note: args.note.clone(),
        delegate_to: args.delegate_to.clone(),
        reasons: args.meeting.reason.clone(),
        series: args.series,
        every: args.every,
    };
    let prepared = prepare(composer, config, loaded, meeting, &choice)
        .map_err(|e| BadInput(worded(&e, tz)))?;
    let Some(reply) = prepared else {
        let _ = writeln!(
            std::io::stderr(),
            "You have accepted this meeting and neitakk recommends attending it: nothing to send \
             (`neitakk explain` says why; --strategy picks another way)."
        );
        return Ok(());
    };
    let strategy = reply.strategy;

    // The plan writes drafts only (quiet), whatever the config says.
    let send = args.send || (config.send_by_default && !args.quiet);
    let outbox = args
        .out
        .clone()
        .or_else(|| send.then(|| config.outbox.clone()));
    if send && config.smtp.is_none() {
        return Err(BadInput(
            "sending needs [delivery.smtp] in the config (see `neitakk init`)".into(),
        )
        .into());
    }
    let journal = neitakk_pipeline::journal::instance(config)?;
    let emails = reply.emails(invitation_id(&args.meeting.file).as_deref(), &journal)?;
    // The rule both fronts keep; here the user may overrule it.
    if let (true, Err(why)) = (send, sendable(&reply.messages, &emails)) {
        if !args.force {
            return Err(BadInput(format!(
                "{why}: nothing was sent or written (write the drafts without --send and \
                 send them yourself, or give --force to send anyway)"
            ))
            .into());
        }
        tracing::warn!("sent anyway (--force): {why}");
    }
    let mut out = std::io::stdout().lock();
    let Some(dir) = outbox else {
        // A preview: nothing was decided yet, so nothing is journaled.
        let itips = reply.itips();
        for (i, msg) in reply.messages.iter().enumerate() {
            if i > 0 {
                writeln!(out, "\n{}\n", "─".repeat(60))?;
            }
            writeln!(out, "To: {}\nSubject: {}", msg.to.join(", "), msg.subject)?;
            if let Some(t) = reply.attached(i, &itips) {
                writeln!(out, "Calendar: {}", t.method.as_str())?;
            }
            writeln!(out, "\n{}", msg.body)?;
        }
        return Ok(());
    };
    let date = meeting
        .start
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string();
    let mut written: Vec<Draft> = Vec::new();
    for email in emails {
        let path = draft::write(
            &dir,
            &draft::file_name(&date, &meeting.uid, &email.kind),
            &email.eml,
        )?;
        if !args.quiet {
            writeln!(out, "{}", path.display())?;
        }
        written.push(Draft { path, email });
    }
    if send {
        let on_caldav = args.meeting.file == neitakk_pipeline::analysis::CALDAV;
        let delivered = deliver(
            config,
            &reply.sender.email,
            &reply.key(),
            &written,
            on_caldav,
        )?;
        let mut err = std::io::stderr().lock();
        match delivered {
            Delivered::NoServer => {}
            Delivered::Before(when) => writeln!(
                err,
                "This reply was sent{}; it is not sent again (a changed invitation may be answered anew).",
                when.map_or(String::new(), |t| format!(
                    " on {}",
                    t.with_timezone(&tz).format("%Y-%m-%d %H:%M")
                ))
            )?,
            Delivered::Busy => writeln!(
                err,
                "This reply is being sent right now by another run; it is not sent twice."
            )?,
            Delivered::Now {
                sent_to,
                again,
                server_schedules,
            } => {
                if again {
                    writeln!(
                        err,
                        "An earlier try to send this reply did not finish; it is sent again, with the same Message-IDs (a copy that did arrive is shown once)."
                    )?;
                }
                if server_schedules {
                    writeln!(err, "the calendar server also tells the organizer your answer")?;
                }
                for to in sent_to {
                    writeln!(err, "sent to {}", to.join(", "))?;
                }
            }
        }
        if let (true, Some(partstat)) = (on_caldav, reply.partstat()) {
            update_partstat(config, meeting, partstat, args.series)?;
            writeln!(err, "your answer on the calendar is now {partstat:?}")?;
        }
    }
    tracing::info!(
        "strategy {} ({}), language {}",
        strategy,
        words::strategy(strategy, config.profile.language),
        reply.lang
    );
    let entry = reply.entry(written.first().map(|d| d.path.display().to_string()));
    neitakk_pipeline::journal::record(config, &entry)
}
