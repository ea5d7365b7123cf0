//! `neitakk reply`: the message(s) for one meeting's strategy.

use crate::analysis::Loaded;
use crate::analysis::Over;
pub use crate::choice::Choice;
use crate::choice::{check_choice, choose_strategy, delegate_person, Refused};
use crate::config::{Config, Settings};
use crate::draft;
use crate::{Context as _, Result};
use neitakk_compose::{lang, Audience, Composer, Override, Request, Sender};
use neitakk_core::facts::Overrides;
use neitakk_core::{free_slots, Lang, SlotSearch, Strategy};
use neitakk_ical::imip;
use neitakk_ical::itip::{self, Person, ReplyInput};
use neitakk_store::{Entry, ReplyKey};

/// The user's template overrides: every `<kind>.<lang>.txt` in the folder.
fn overrides(config: &Config) -> Result<Vec<Override>> {
    let Some(dir) = &config.templates else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the templates folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !name.ends_with(".txt") {
            continue;
        }
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        out.push(Override {
            name,
            origin: path.display().to_string(),
            source,
        });
    }
    Ok(out)
}

/// A reply ready to be shown, edited, drafted or sent.
pub struct Reply<'a> {
    pub meeting: &'a neitakk_core::Meeting,
    pub assessed: crate::analysis::Assessed,
    pub strategy: Strategy,
    pub lang: Lang,
    pub sender: Sender,
    /// The messages, in order: the client's first. Their bodies may be
    /// edited before [`Reply::emails`].
    pub messages: Vec<neitakk_compose::Message>,
    delegate: Option<Person>,
    answer_to_colleague: bool,
    counter_allowed: bool,
    minutes: u32,
    slot: Option<neitakk_core::Slot>,
    series: bool,
    every: u32,
    /// When it is written: the e-mail's Date, the answer's DTSTAMP, the journal's time.
    now: chrono::DateTime<chrono::Utc>,
}

/// One message as an e-mail, ready for the outbox or for sending.
#[derive(Debug, Clone)]
pub struct Email {
    pub kind: String,
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub eml: Vec<u8>,
    /// Whether it carries the calendar answer (the iTIP part).
    pub carries_answer: bool,
}

impl Reply<'_> {
    /// The calendar answers, from the messages as they are now: an edited
    /// note to the client is the answer's COMMENT too.
    pub fn itips(&self) -> Vec<itip::Itip> {
        let Some(first) = self.messages.first() else {
            return Vec::new();
        };
        itip::for_strategy(&ReplyInput {
            meeting: self.meeting,
            strategy: self.strategy,
            me: Person {
                email: self.sender.email.clone(),
                name: Some(self.sender.name.clone()).filter(|n| !n.is_empty()),
                // My address as the invitation wrote it, whatever its case.
                uri: self
                    .meeting
                    .attendees
                    .iter()
                    .find(|a| a.email == self.sender.email && !a.uri.is_empty())
                    .map(|a| a.uri.clone()),
            },
            // On the colleague's answer, the client's note would be out of
            // place: its subject ("…: Ola tar møtet") says it all.
            comment: if self.answer_to_colleague {
                &first.subject
            } else {
                &first.body
            },
            channel: self
                .sender
                .video_link
                .as_deref()
                .or(self.sender.phone.as_deref()),
            minutes: self.minutes,
            slot: self.slot,
            delegate: self.delegate.clone(),
            counter_allowed: self.counter_allowed,
            now: self.now,
            series: self.series,
            every: self.every,
        })
    }

    /// The messages as e-mails, each with the calendar payload it carries:
    /// the answer to the organizer goes with the first; for delegation, the
    /// request goes to the delegate.
    /// `journal`: the journal's name, for the Message-IDs ([`draft::message_id`]).
    pub fn emails(&self, in_reply_to: Option<&str>, journal: &str) -> Result<Vec<Email>> {
        let itips = self.itips();
        let key = self.key();
        let mut out = Vec::new();
        for (i, msg) in self.messages.iter().enumerate() {
            let ics = self.attached(i, &itips).map(|t| (t.method, itip::write(t)));
            let message_id = draft::message_id(journal, &self.sender.email, &key, i);
            let eml = imip::build(&imip::Mail {
                from_name: &self.sender.name,
                from: &self.sender.email,
                to: &msg.to,
                subject: &msg.subject,
                body: &msg.body,
                calendar: ics.as_ref().map(|(method, text)| (*method, text.as_str())),
                in_reply_to: in_reply_to.filter(|_| msg.audience == Audience::Organizer),
                message_id: &message_id,
                date: self.now,
            })?;
            out.push(Email {
                kind: msg.kind.clone(),
                to: msg.to.clone(),
                subject: msg.subject.clone(),
                message_id,
                eml,
                carries_answer: ics.is_some(),
            });
        }
        Ok(out)
    }

    /// The calendar payload message `i` carries, of `itips`.
    pub fn attached<'i>(&self, i: usize, itips: &'i [itip::Itip]) -> Option<&'i itip::Itip> {
        let audience = self.messages.get(i)?.audience;
        match (i, audience) {
            (0, _) if !self.answer_to_colleague => itips.first(),
            (_, Audience::Colleague) if self.answer_to_colleague => itips.first(),
            (_, Audience::Colleague) if self.strategy == Strategy::Delegate => itips.get(1),
            _ => None,
        }
    }

    /// Your answer the calendar will show once the reply is out.
    pub fn partstat(&self) -> Option<neitakk_core::PartStat> {
        self.itips().first().map(|t| {
            let mine = t
                .attendees
                .iter()
                .find(|a| a.person.email == self.sender.email);
            mine.map_or(neitakk_core::PartStat::Tentative, |a| a.partstat)
        })
    }

    /// What the reply answers: the occurrence, or the whole series.
    fn answered(&self) -> neitakk_core::MeetingKey {
        neitakk_core::MeetingKey {
            uid: self.meeting.uid.clone(),
            recurrence_id: self.meeting.recurrence_id.clone().filter(|_| !self.series),
        }
    }

    /// What makes this reply the same reply (see the `sent` journal).
    pub fn key(&self) -> ReplyKey {
        ReplyKey {
            meeting: self.answered(),
            sequence: self.meeting.sequence,
            strategy: self.strategy,
        }
    }

    /// The journal entry for this reply, its first draft at `outbox_path`.
    pub fn entry(&self, outbox_path: Option<String>) -> Entry {
        Entry {
            decided_at: self.now,
            client: self.assessed.facts.client.clone(),
            meeting: self.answered(),
            sequence: self.meeting.sequence,
            strategy: self.strategy,
            meeting_start: self.meeting.start,
            summary: self.meeting.summary.as_deref().map(str::to_owned),
            lang: self.lang.to_string(),
            outbox_path,
        }
    }
}

/// The composer for the config: the built-in templates with the user's
/// overrides from the templates folder, read and compiled once; a front
/// builds it once and hands it to every [`prepare`].
pub fn composer(config: &Config) -> Result<Composer> {
    Ok(Composer::new(&overrides(config)?)?)
}

/// Why no reply was prepared: all the user's to put right.
#[derive(Debug, thiserror::Error)]
pub enum NoReply {
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error(transparent)]
    Over(#[from] Over),
    #[error(transparent)]
    Template(#[from] neitakk_compose::Error),
}

/// The reply to `meeting`, found in `loaded`, with the strategy and wording
/// `choice` asks for, written by `composer`; `None` when the meeting is
/// accepted and attending is recommended, so there is nothing to send.
pub fn prepare<'m>(
    composer: &Composer,
    config: &Settings,
    loaded: &Loaded,
    meeting: &'m neitakk_core::Meeting,
    choice: &Choice,
) -> Result<Option<Reply<'m>>, NoReply> {
    let tz = config.profile.timezone;
    if let Some(over) = crate::analysis::Over::check(&loaded.calendar, meeting, config.now, tz) {
        return Err(over.into());
    }
    let overrides_facts = Overrides {
        reasons: choice.reasons.clone(),
        needed_minutes: choice.minutes,
        ..Default::default()
    };
    let index = loaded.index(config);
    let a = loaded.assess(&index, meeting, config, &overrides_facts);
    let strategy = choose_strategy(&a, meeting, choice)?;
    check_choice(&a, strategy, choice)?;
    let accepted = meeting
        .my_attendance(&config.profile.emails)
        .is_some_and(|m| m.partstat == neitakk_core::PartStat::Accepted);
    if choice.strategy.is_none() && strategy == Strategy::Attend && accepted {
        return Ok(None);
    }
    let client = a.client.map(|i| &config.clients[i]);
    let text = format!(
        "{} {}",
        meeting.summary.as_deref().unwrap_or(""),
        meeting.description.as_deref().unwrap_or("")
    );
    let (lang, _) = lang::choose(
        choice.lang,
        client.and_then(|c| c.language),
        &text,
        config.profile.language,
    );

    let (slots, history) = slots_and_history(loaded, &a, strategy, config);
    let sender = Sender {
        name: config.profile.name.clone(),
        // The address the invitation went to: the reply's one ATTENDEE and its From.
        email: meeting
            .my_attendance(&config.profile.emails)
            .map(|a| a.email.clone())
            .or_else(|| config.profile.emails.first().cloned())
            .unwrap_or_default(),
        signature: config.profile.signature.clone(),
        signatures: config.profile.signatures.clone(),
        phone: config.profile.phone.clone(),
        video_link: config.profile.video_link.clone(),
    };
    if sender.email.is_empty() {
        return Err(Refused::NoSender.into());
    }
    let mut facts = a.facts.clone();
    if choice.delegate_to.is_some() && strategy != Strategy::Delegate {
        return Err(Refused::DelegateWithoutDelegating.into());
    }
    let delegate = if strategy == Strategy::Delegate {
        let given = choice
            .delegate_to
            .clone()
            .or_else(|| facts.colleague.clone())
            .ok_or(Refused::NoDelegate)?;
        let person = delegate_person(&given, meeting, client, config)?;
        // My calendar shows where the delegate is expected at the same time.
        let busy_elsewhere = loaded.calendar.iter().find(|m| {
            m.uid != meeting.uid
                && m.start < meeting.end
                && m.end > meeting.start
                && m.people().any(|p| {
                    p.email == person.email && p.partstat != neitakk_core::PartStat::Declined
                })
        });
        if let Some(m) = busy_elsewhere {
            tracing::warn!(
                "{} is also in '{}' at that time",
                person.email,
                m.summary.as_deref().unwrap_or(&m.uid)
            );
        }
        facts.colleague = Some(person.email.clone());
        facts.colleague_name = person.name.clone();
        Some(person)
    } else {
        None
    };
    let reasons: Vec<_> = facts
        .reasons()
        .into_iter()
        .filter(|r| r.is_valid())
        .collect();
    let follow_up_call = a
        .decision
        .choice(strategy)
        .is_some_and(|c| c.follow_up_call);
    let every = choice.every.unwrap_or(2);
    let request = Request {
        meeting,
        facts: &facts,
        strategy,
        reasons: &reasons,
        client,
        sender: &sender,
        lang,
        tz,
        minutes: choice.minutes,
        note: choice.note.as_deref(),
        slots: &slots,
        history: &history,
        follow_up_call,
        series: choice.series,
        every,
    };
    let messages = composer.compose(&request)?;

    let organizer_domain = meeting
        .organizer
        .as_deref()
        .map(|o| o.domain().to_owned())
        .unwrap_or_default();
    let counter_allowed = !meeting.counter_disallowed
        && !config
            .no_counter_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&organizer_domain));
    // When the colleague who brought me in organizes the meeting, my answer
    // must reach their calendar: it goes with their briefing, and the note to
    // the client carries none.
    let organizer_is_colleague = meeting.organizer.as_deref().is_some_and(|o| {
        facts
            .colleague
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(&o.email))
    });
    Ok(Some(Reply {
        meeting,
        strategy,
        lang,
        sender,
        messages,
        delegate,
        answer_to_colleague: strategy == Strategy::BowOut && organizer_is_colleague,
        counter_allowed,
        minutes: choice.minutes.unwrap_or(facts.needed_minutes),
        slot: slots.first().copied(),
        series: choice.series,
        every,
        now: config.now,
        assessed: a,
    }))
}

/// The first line of a message left for the user to write (a line all in
/// square brackets, as the written update and the briefing have): such a
/// message must not be sent as it is.
pub fn unfilled(body: &str) -> Option<&str> {
    body.lines()
        .map(str::trim)
        .find(|l| l.len() > 2 && l.starts_with('[') && l.ends_with(']'))
}

/// The Message-ID of the invitation, when the calendar came as an e-mail.
pub fn invitation_id(path: &str) -> Option<String> {
    use std::io::Read;
    if path == "-" || path == crate::analysis::CALDAV {
        return None;
    }
    // A look at the head first: a large .ics is not read twice for nothing.
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    if !neitakk_ical::invite::looks_like_email(&head) {
        return None;
    }
    neitakk_ical::invite::message_id(&std::fs::read(path).ok()?)
}

/// Free slots to offer when rescheduling, and the client's last meetings for a briefing.
fn slots_and_history<'l>(
    loaded: &'l crate::analysis::Loaded,
    a: &crate::analysis::Assessed,
    strategy: Strategy,
    config: &Settings,
) -> (Vec<neitakk_core::Slot>, Vec<&'l neitakk_core::Meeting>) {
    let me = &config.profile.emails;
    let meeting = &a.meeting;
    let tz = config.profile.timezone;
    let busy: Vec<_> = loaded
        .calendar
        .iter()
        .filter(|m| m.blocks_time(me))
        .collect();
    let urgent = a.facts.reasons().iter().any(|r| r.is_urgent());
    let slots = if strategy == Strategy::Reschedule {
        let search = SlotSearch {
            count: 3,
            later_only: urgent,
            // A day's notice at least.
            not_before: config.now + chrono::Duration::days(1),
            padding: chrono::Duration::minutes(i64::from(a.facts.travel_minutes)),
        };
        // Only where the calendar was read: a slot beyond it could clash unseen.
        free_slots(meeting, &busy, &config.profile.working_hours, tz, search)
            .into_iter()
            .filter(|s| s.end <= loaded.span.to)
            .collect()
    } else {
        Vec::new()
    };
    let since = meeting.start - chrono::Duration::weeks(8);
    let mut history: Vec<_> = loaded
        .calendar
        .iter()
        .filter(|m| m.start >= since && m.start < meeting.start && !m.is_cancelled())
        .filter(|m| {
            a.client.is_some()
                && neitakk_core::facts::match_client(m, me, &config.clients) == a.client
        })
        .collect();
    history.drain(..history.len().saturating_sub(5));
    (slots, history)
}
