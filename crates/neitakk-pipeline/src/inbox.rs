//! Meeting people where invitations arrive: the messages of the inbox
//! folder not handled yet are read (remembered by UIDVALIDITY and UID, so
//! that none is handled twice or skipped), each client invitation is decided
//! as `reply` decides it, and the recommended reply is put in the drafts
//! mailbox, threaded to the invitation, for the user to read anywhere and
//! send. An update (a higher SEQUENCE) replaces its draft; a cancellation
//! removes it. Nothing is sent here.

use crate::analysis::{self, Loaded, Purpose};
use crate::config::Config;
use crate::reply::{self, Choice};
use crate::{journal, Context as _, Result};
use chrono::{DateTime, Duration, Utc};
use neitakk_core::{Meeting, MeetingKey, Strategy};
use neitakk_ical::Window;
use neitakk_net::mailbox::Mailbox;
use neitakk_store::inbox::InboxDraft;
use neitakk_store::Store;
use std::sync::Arc;
use tokio::runtime::Handle;

/// The largest message read; a larger one is passed over.
pub const MAX_MESSAGE: u32 = 25 * 1024 * 1024;
/// How far back a first look at a folder reads (by the day mail arrived).
pub const FIRST_LOOK_DAYS: i64 = 30;

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The recommended reply is in the drafts mailbox.
    Drafted,
    /// An updated invitation: its draft was made anew.
    Replaced,
    /// A cancellation: the draft was removed.
    Removed,
    /// Handled before (the same request): nothing done.
    Already,
    /// Not for a draft: why.
    PassedOver(Pass),
}

/// Why an invitation gets no draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The message is over [`MAX_MESSAGE`].
    TooLarge,
    /// Its calendar part cannot be read.
    Unreadable,
    /// It has no meeting from yesterday on.
    NoMeetingAhead,
    /// The meeting is over.
    Over,
    /// A cancellation, with no draft to remove.
    NoDraftToCancel,
    /// Accepted already, and attending is recommended: nothing to say.
    Attending,
    /// Not a client's.
    Internal,
    /// It could not be decided (the warning says why).
    Undecided,
}

/// One invitation handled, for the line `neitakk inbox` prints.
#[derive(Debug, Clone)]
pub struct Handled {
    pub uid: String,
    pub start: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    pub client: Option<String>,
    pub strategy: Option<Strategy>,
    pub minutes_freed: u32,
    pub outcome: Outcome,
}

/// The config's `[inbox]`.
fn inbox_of(config: &Config) -> Result<&crate::config::Inbox> {
    config.inbox.as_ref().ok_or_else(|| {
        crate::error::BadInput("`neitakk inbox` needs an [inbox] section in the config".into())
            .into()
    })
}

impl Handled {
    /// A message passed over before its meeting was known.
    fn passed(why: Pass) -> Handled {
        Handled {
            uid: String::new(),
            start: None,
            summary: None,
            client: None,
            strategy: None,
            minutes_freed: 0,
            outcome: Outcome::PassedOver(why),
        }
    }
}

/// An invitation found in the inbox, read.
pub struct Invitation<'a> {
    /// The occurrence it invites to (the first from yesterday on).
    pub meeting: Meeting,
    /// All its occurrences, read over the weeks deciding looks at.
    pub occurrences: Vec<Meeting>,
    /// Its calendar part as it came.
    pub ics: &'a [u8],
    /// The invitation's own Message-ID, for the reply to be threaded to.
    pub message_id: Option<String>,
}

/// What a front recommends for an invitation.
pub struct Decided {
    pub client: Option<String>,
    pub strategy: Option<Strategy>,
    pub minutes_freed: u32,
    /// The reply's messages, for the drafts mailbox; or why there is none.
    pub drafts: std::result::Result<Vec<reply::Email>, Pass>,
    /// The decision, journalled once the drafts are in the mailbox (with
    /// the mailbox as its place); `None` when the front journalled it itself.
    pub entry: Option<neitakk_store::Entry>,
}

impl Decided {
    /// No draft, for this reason.
    pub fn passed(why: Pass) -> Decided {
        Decided {
            client: None,
            strategy: None,
            minutes_freed: 0,
            drafts: Err(why),
            entry: None,
        }
    }
}

/// How a front decides the invitations the inbox finds: the command line
/// against the invitation, CalDAV and its journal; the server against the
/// user's calendars, with the reply also in their outbox. The reading, the
/// remembering and the drafts mailbox are the same for both.
pub trait Front {
    /// Decides an invitation (new, or updated with a higher SEQUENCE).
    fn decide(&mut self, invitation: &Invitation) -> Result<Decided>;
    /// An invitation was cancelled (whether or not a draft was made for it).
    fn cancelled(&mut self, _invitation: &Invitation) -> Result<()> {
        Ok(())
    }
}

/// Reads the inbox folder once: every message not handled yet, decided
/// against the invitation, CalDAV and the journal.
pub fn once(config: &Config) -> Result<Vec<Handled>> {
    let inbox = inbox_of(config)?;
    // The store is used through a handle (as the server uses it from its
    // blocking threads), which needs a worker of the runtime's own.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    let store = rt.block_on(journal::open(config))?;
    let journal_name = rt.block_on(store.instance())?;
    let mut front = Alone {
        config,
        composer: reply::composer(config)?,
        store: &store,
        rt: rt.handle(),
        journal_name,
    };
    read(config, inbox, &store, rt.handle(), &mut front)
}

/// Reads `inbox` once for the owner of `store`, each invitation decided by
/// `front`. Called off any async runtime: the store is used through `rt`.
pub fn read(
    config: &Config,
    inbox: &crate::config::Inbox,
    store: &Store,
    rt: &Handle,
    front: &mut dyn Front,
) -> Result<Vec<Handled>> {
    let mut mailbox = open(inbox)?;
    let drafts = match &inbox.drafts {
        Some(d) => d.clone(),
        None => mailbox.special("\\Drafts", "Drafts")?,
    };
    let name = inbox.name();
    let known = rt.block_on(store.inbox_position(&name))?;
    // A first look reads the last month's mail, not the years before it.
    let first_since = (config.now - Duration::days(FIRST_LOOK_DAYS)).date_naive();
    let (validity, arrived) = mailbox.arrived(&inbox.folder, known, first_since)?;
    let mut run = Run {
        config,
        store,
        rt,
        mailbox,
        drafts,
        front,
    };
    let mut out = Vec::new();
    for message in arrived {
        if message.size > MAX_MESSAGE {
            tracing::warn!(
                "message {} is larger than {} MB: passed over",
                message.uid,
                MAX_MESSAGE >> 20
            );
            out.push(Handled::passed(Pass::TooLarge));
        // One message in memory at a time; one gone meanwhile is passed by.
        } else if let Some(bytes) = run.mailbox.body(&inbox.folder, message.uid)? {
            out.extend(run.handle(message.uid, &bytes)?);
        }
        // Recorded message by message: a run cut off goes on from here.
        rt.block_on(store.set_inbox_position(&name, validity, message.uid))?;
    }
    run.mailbox.close();
    Ok(out)
}

/// One reading of the inbox: what handling each message needs.
struct Run<'c> {
    config: &'c Config,
    store: &'c Store,
    rt: &'c Handle,
    mailbox: Mailbox,
    /// The drafts mailbox.
    drafts: String,
    front: &'c mut dyn Front,
}

impl Run<'_> {
    /// Handles message `uid`: `None` when it is no invitation at all.
    fn handle(&mut self, uid: u32, bytes: &[u8]) -> Result<Option<Handled>> {
        let (config, store, rt) = (self.config, self.store, self.rt);
        let passed = Handled::passed;
        let file = format!("message {uid}");
        let Ok(ics) = neitakk_ical::invite::calendar_part(&file, bytes) else {
            return Ok(None); // not an invitation
        };
        let method = method_of(&ics);
        if !matches!(method.as_deref(), Some("REQUEST" | "CANCEL")) {
            return Ok(None);
        }
        let (now, tz) = (config.now, config.profile.timezone);
        // Read once, wide enough for the meeting ahead and the weeks before
        // it that deciding looks at.
        let ahead = Window {
            from: now - Duration::days(1),
            to: now + Duration::days(analysis::MAX_WINDOW_DAYS),
        };
        let wide = Window {
            from: now - Duration::days(analysis::MAX_WINDOW_DAYS),
            to: ahead.to,
        };
        let cal =
            match analysis::read_text(&file, ics.as_slice(), wide, None, Purpose::Answer, config) {
                Ok(cal) => cal,
                Err(e) => {
                    tracing::warn!("{file}: its calendar part cannot be read ({e}): left as it is");
                    return Ok(Some(passed(Pass::Unreadable)));
                }
            };
        for w in &cal.warnings {
            tracing::warn!("{w}");
        }
        let Some(uid) = cal.occurrences.first().map(|m| m.uid.clone()) else {
            return Ok(Some(passed(Pass::NoMeetingAhead)));
        };
        let Ok(meeting) = analysis::find(&cal.occurrences, &uid, None, ahead, tz, now) else {
            return Ok(Some(passed(Pass::NoMeetingAhead)));
        };
        let invitation = Invitation {
            meeting: meeting.clone(),
            occurrences: cal.occurrences,
            ics: &ics,
            message_id: neitakk_ical::invite::message_id(bytes),
        };
        let meeting = &invitation.meeting;
        let key = MeetingKey::whole(&meeting.uid);
        let earlier = rt.block_on(store.inbox_draft(&key))?;
        let mut handled = Handled {
            uid: meeting.uid.clone(),
            start: Some(meeting.start),
            summary: meeting.summary.as_deref().map(str::to_owned),
            client: None,
            strategy: None,
            minutes_freed: 0,
            outcome: Outcome::Already,
        };
        if method.as_deref() == Some("CANCEL") {
            self.front.cancelled(&invitation)?;
            handled.outcome = match earlier {
                Some(d) => {
                    remove(&mut self.mailbox, &d)?;
                    rt.block_on(store.forget_inbox_draft(&key))?;
                    Outcome::Removed
                }
                None => Outcome::PassedOver(Pass::NoDraftToCancel),
            };
            return Ok(Some(handled));
        }
        if earlier
            .as_ref()
            .is_some_and(|d| d.sequence >= meeting.sequence)
        {
            return Ok(Some(handled));
        }
        let decided = match self.front.decide(&invitation) {
            Ok(decided) => decided,
            // One that cannot be decided (the user's to put right: a
            // template, a setting) is passed over, not read again and again;
            // a server away stops the reading, to go on from here later.
            Err(e) if e.is_users() => {
                tracing::warn!("{file}: it cannot be decided ({e}): left as it is");
                handled.outcome = Outcome::PassedOver(Pass::Undecided);
                return Ok(Some(handled));
            }
            Err(e) => return Err(e),
        };
        handled.client = decided.client;
        handled.strategy = decided.strategy;
        handled.minutes_freed = decided.minutes_freed;
        let (emails, strategy) = match (decided.drafts, decided.strategy) {
            (Ok(emails), Some(strategy)) => (emails, strategy),
            (Err(why), _) => {
                handled.outcome = Outcome::PassedOver(why);
                return Ok(Some(handled));
            }
            (Ok(_), None) => return Err(crate::Error::Ours("a draft with no strategy".into())),
        };
        let drafts = self.drafts.as_str();
        if let Some(d) = &earlier {
            remove(&mut self.mailbox, d)?;
        }
        for e in &emails {
            // A draft already there (a run cut off before it was recorded) is
            // not made twice: its Message-ID is the same.
            if !self.mailbox.holds(drafts, &e.message_id)? {
                self.mailbox.append_draft(drafts, &e.eml)?;
            }
        }
        let draft = InboxDraft {
            meeting: key,
            sequence: meeting.sequence,
            strategy,
            message_ids: emails.iter().map(|e| e.message_id.clone()).collect(),
            folder: drafts.to_owned(),
            made_at: now.to_rfc3339(),
            in_reply_to: invitation.message_id.clone(),
        };
        rt.block_on(store.put_inbox_draft(&draft))?;
        if let Some(mut entry) = decided.entry {
            entry.outbox_path = Some(format!("imap:{drafts}"));
            rt.block_on(store.record(&entry))?;
        }
        handled.outcome = if earlier.is_some() {
            Outcome::Replaced
        } else {
            Outcome::Drafted
        };
        Ok(Some(handled))
    }
}

/// The command line's front: an invitation is decided as `reply` decides
/// one, around the meeting, with CalDAV where configured and the journal.
struct Alone<'c> {
    config: &'c Config,
    composer: neitakk_compose::Composer,
    store: &'c Store,
    rt: &'c Handle,
    /// The journal's name, for the Message-IDs.
    journal_name: String,
}

impl Front for Alone<'_> {
    fn decide(&mut self, invitation: &Invitation) -> Result<Decided> {
        let config = self.config;
        let (now, tz) = (config.now, config.profile.timezone);
        let meeting = &invitation.meeting;
        let window = analysis::around(Some(analysis::At::Instant(meeting.start)), tz, now);
        let span = Loaded::span(window, config);
        let mut calendar: Vec<_> = invitation
            .occurrences
            .iter()
            .filter(|m| span.contains(m.start, m.end))
            .cloned()
            .collect();
        if config.caldav.is_some() {
            calendar.extend(analysis::read_calendar(
                analysis::CALDAV,
                span,
                None,
                Purpose::Answer,
                config,
            )?);
        }
        let limits = self
            .rt
            .block_on(self.store.recent_limits(now - neitakk_store::MEMORY, now))?;
        let loaded = Loaded::new(window, span, Arc::new(calendar), limits, config);
        let pass = Decided::passed;
        let reply =
            match reply::prepare(&self.composer, config, &loaded, meeting, &Choice::default()) {
                Ok(Some(reply)) => reply,
                Ok(None) => return Ok(pass(Pass::Attending)),
                Err(reply::NoReply::Over(_)) => return Ok(pass(Pass::Over)),
                Err(e) => return Err(crate::Error::Ours(e.to_string())),
            };
        let client = reply.assessed.facts.client.clone();
        let drafts = match client {
            None => Err(Pass::Internal),
            Some(_) => Ok(reply.emails(invitation.message_id.as_deref(), &self.journal_name)?),
        };
        Ok(Decided {
            client,
            strategy: Some(reply.strategy),
            minutes_freed: reply.assessed.decision.recommended.minutes_freed,
            // A draft made is a decision, as `reply` journals one.
            entry: Some(reply.entry(None)),
            drafts,
        })
    }
}

/// Logs in to the mailbox. An access token the server refuses (it may
/// have expired) is asked for once more from the token command.
pub fn open(inbox: &crate::config::Inbox) -> Result<Mailbox> {
    match Mailbox::open(&inbox.account()?) {
        Err(neitakk_net::mailbox::Error::Login(why)) if inbox.secret.is_token() => {
            tracing::info!("the access token was refused ({why}): asking the token command again");
            Ok(Mailbox::open(&inbox.account()?)?)
        }
        other => Ok(other?),
    }
}

/// Removes an earlier draft's messages from its folder.
fn remove(mailbox: &mut Mailbox, d: &InboxDraft) -> Result<()> {
    for id in &d.message_ids {
        mailbox.remove(&d.folder, id)?;
    }
    Ok(())
}

/// The calendar's METHOD, upper-case.
fn method_of(ics: &[u8]) -> Option<String> {
    String::from_utf8_lossy(ics).lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("METHOD")
            .then(|| value.trim().to_ascii_uppercase())
    })
}

/// The drafts the inbox made that are not sent yet, oldest first.
pub fn pending(config: &Config) -> Result<Vec<InboxDraft>> {
    let (rt, store) = journal::opened(config)?;
    Ok(rt.block_on(store.inbox_drafts())?)
}

/// What sending an inbox draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Sent (to these recipients, per message), filed in the sent
    /// mailbox and taken out of the drafts.
    Now {
        sent_to: Vec<Vec<String>>,
        again: bool,
        sent_folder: String,
    },
    /// This reply went out before (then, if known): nothing was sent.
    Before(Option<DateTime<Utc>>),
    /// Another send of it is under way.
    Busy,
}

/// Sends the draft made for the invitation of `uid`, as it is in the drafts
/// mailbox now, once (the same claim as every other send), files it in the
/// sent mailbox and removes the draft.
pub fn send(config: &Config, uid: &str) -> Result<Sent> {
    use crate::delivery::{self, Delivered, Draft};
    use crate::error::BadInput;
    let inbox = inbox_of(config)?;
    let no_smtp = || BadInput("sending needs [delivery.smtp] in the config".into()).into();
    if config.smtp.is_none() {
        return Err(no_smtp());
    }
    let (rt, store) = journal::opened(config)?;
    let key = MeetingKey::whole(uid);
    let draft = rt.block_on(store.inbox_draft(&key))?.ok_or_else(|| {
        BadInput(format!(
            "no draft for '{uid}' (`neitakk inbox --pending` lists them)"
        ))
    })?;
    let mut mailbox = open(inbox)?;
    let mut drafts = Vec::new();
    for id in &draft.message_ids {
        let Some(eml) = mailbox.fetch(&draft.folder, id)? else {
            return Err(BadInput(format!(
                "the draft {id} is no longer in {} as neitakk made it (changed, moved or sent \
                 in your mail program): send it from there",
                draft.folder
            ))
            .into());
        };
        let envelope = neitakk_ical::invite::envelope(&eml).unwrap_or_default();
        let carries_answer = neitakk_ical::invite::calendar_part("draft", &eml).is_ok();
        drafts.push(Draft {
            path: format!("{}:{id}", draft.folder).into(),
            email: reply::Email {
                kind: draft.strategy.as_str().to_owned(),
                to: envelope.to,
                subject: envelope.subject,
                message_id: id.clone(),
                eml,
                carries_answer,
            },
        });
    }
    let from = config.profile.emails.first().cloned().unwrap_or_default();
    let reply_key = neitakk_store::ReplyKey {
        meeting: key.clone(),
        sequence: draft.sequence,
        strategy: draft.strategy,
    };
    let (sent_to, again) = match delivery::deliver(config, &from, &reply_key, &drafts, false)? {
        Delivered::Now { sent_to, again, .. } => (sent_to, again),
        Delivered::Before(at) => return Ok(Sent::Before(at)),
        Delivered::Busy => return Ok(Sent::Busy),
        Delivered::NoServer => return Err(no_smtp()),
    };
    let sent: Vec<&[u8]> = drafts.iter().map(|d| d.email.eml.as_slice()).collect();
    let sent_folder = file_sent(&mut mailbox, inbox, &draft, &sent)?;
    rt.block_on(store.forget_inbox_draft(&key))?;
    mailbox.close();
    Ok(Sent::Now {
        sent_to,
        again,
        sent_folder,
    })
}

/// Files the messages sent for an inbox draft in the sent mailbox and
/// takes the draft's messages out of the drafts mailbox; the sent mailbox.
pub fn file_sent(
    mailbox: &mut Mailbox,
    inbox: &crate::config::Inbox,
    draft: &InboxDraft,
    sent: &[&[u8]],
) -> Result<String> {
    let sent_folder = match &inbox.sent {
        Some(s) => s.clone(),
        None => mailbox.special("\\Sent", "Sent")?,
    };
    for eml in sent {
        mailbox.append_sent(&sent_folder, eml)?;
    }
    remove(mailbox, draft)?;
    Ok(sent_folder)
}

/// Waits until something arrives in the inbox folder (IDLE where the
/// server has it), or `at_most` has passed.
pub fn wait(config: &Config, at_most: std::time::Duration) -> Result<()> {
    let inbox = inbox_of(config)?;
    let mut mailbox = open(inbox)?;
    mailbox.wait(&inbox.folder, at_most)?;
    mailbox.close();
    Ok(())
}
