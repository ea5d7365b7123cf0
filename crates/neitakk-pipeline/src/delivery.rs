//! Delivering a reply: sending the drafts over SMTP once, and setting the
//! user's answer on the event in their CalDAV calendar.

use crate::config::Config;
use crate::reply::Email;
use crate::{Context as _, Result};
use chrono::{DateTime, Utc};
use neitakk_compose::Message;
use neitakk_store::{Attempt, ReplyKey, Store};
use std::path::PathBuf;

/// A draft written to the outbox.
pub struct Draft {
    pub path: PathBuf,
    pub email: Email,
}

/// Why a reply may not go out as it is. One rule for both fronts: a line
/// left in [brackets] for the user to write must not reach a client, and a
/// message with no recipient has nowhere to go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsendable {
    #[error("a message has a line left for you to write: {0}")]
    Unfilled(String),
    #[error("'{0}' has no one to go to")]
    NoRecipient(String),
}

/// The first reason the reply's messages may not be sent, if any.
pub fn sendable(messages: &[Message], emails: &[Email]) -> Result<(), Unsendable> {
    if let Some(gap) = messages
        .iter()
        .find_map(|m| crate::reply::unfilled(&m.body))
    {
        return Err(Unsendable::Unfilled(gap.to_owned()));
    }
    match emails.iter().find(|e| e.to.is_empty()) {
        Some(e) => Err(Unsendable::NoRecipient(e.subject.clone())),
        None => Ok(()),
    }
}

/// Whether a reply is now ours to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Claimed: send it, then [`finish`]. `again`: an earlier try did not
    /// finish (refused, or cut off); the same Message-IDs go out.
    Taken { again: bool },
    /// Another send of this reply is under way right now.
    Busy,
    /// This reply to this request was handed to the mail server before
    /// (then, if known).
    SentBefore(Option<DateTime<Utc>>),
}

/// How long a claim may go unfinished before its send counts as cut off
/// (its process died): far longer than sending takes with the mail
/// client's timeouts. A server's start ends its own at once
/// ([`Store::interrupt_sends`]).
pub const SEND_LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The send-once protocol both fronts follow: the reply is claimed in the
/// `sent` table (state `sending`) before anything goes out, so a reply
/// sent before, or a second send at the same moment, finds the claim and
/// sends nothing; it is `sent` once every message was handed over, and
/// `failed` when the mail server said no ([`finish`]). A claim that never
/// got that far (a crash) may be sent again: the Message-IDs are the same
/// ([`crate::draft::message_id`]), so a copy that did arrive is dropped.
/// The claim names the message that carries the calendar answer (else the
/// first).
pub async fn claim<'e>(
    store: &Store,
    key: &ReplyKey,
    emails: impl IntoIterator<Item = &'e Email>,
    now: DateTime<Utc>,
) -> Result<Claim, neitakk_store::Error> {
    let emails: Vec<&Email> = emails.into_iter().collect();
    let Some(e) = emails.iter().find(|e| e.carries_answer).or(emails.first()) else {
        return Ok(Claim::Taken { again: false });
    };
    Ok(
        match store
            .claim_send(key, &e.message_id, &e.to, now, now - SEND_LEASE)
            .await?
        {
            Attempt::First => Claim::Taken { again: false },
            Attempt::Again => Claim::Taken { again: true },
            Attempt::Busy => Claim::Busy,
            Attempt::Sent(at) => Claim::SentBefore(at),
        },
    )
}

/// Ends a claimed send: handed over at `now`, or refused (`Err`).
pub async fn finish(
    store: &Store,
    key: &ReplyKey,
    handed_over: Result<DateTime<Utc>, ()>,
) -> Result<(), neitakk_store::Error> {
    store.finish_send(key, handed_over).await
}

/// What sending a reply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// There is no SMTP server to send with.
    NoServer,
    /// This reply to this request went out before (then, if the journal
    /// knows when): nothing was sent.
    Before(Option<DateTime<Utc>>),
    /// Another send of this reply is under way: nothing was sent.
    Busy,
    /// Sent: the recipients of each message that went out, whether an
    /// earlier try had not finished (`again`), and whether the calendar
    /// server also tells the organizer the answer (RFC 6638).
    Now {
        sent_to: Vec<Vec<String>>,
        again: bool,
        server_schedules: bool,
    },
}

/// Sends the drafts once (see [`claim`]); messages with no recipient are
/// left out (the caller has checked [`sendable`], or was told to send
/// anyway). A failure names the draft, which stays in the outbox, and
/// marks the send failed, to be tried again.
pub fn deliver(
    config: &Config,
    from: &str,
    key: &ReplyKey,
    drafts: &[Draft],
    on_caldav: bool,
) -> Result<Delivered> {
    use crate::journal;
    let Some(mut server) = smtp_server(config)? else {
        return Ok(Delivered::NoServer);
    };
    let (rt, store) = journal::opened(config)?;
    let emails = drafts.iter().map(|d| &d.email);
    let again = match rt.block_on(claim(&store, key, emails, config.now))? {
        Claim::Taken { again } => again,
        Claim::Busy => return Ok(Delivered::Busy),
        Claim::SentBefore(at) => return Ok(Delivered::Before(at)),
    };
    // A server that schedules (RFC 6638) also tells the organizer when the
    // event is updated, but only the answer: the words, the call link or the
    // new time go by mail all the same.
    let server_schedules = match (&config.caldav, on_caldav) {
        (Some(c), true) => c.account().and_then(|a| Ok(a.schedules()?)),
        _ => Ok(false),
    };
    let server_schedules = match server_schedules {
        Ok(s) => s,
        Err(e) => {
            rt.block_on(finish(&store, key, Err(())))?;
            return Err(e);
        }
    };
    let mut sent_to = Vec::new();
    for d in drafts {
        if d.email.to.is_empty() {
            tracing::warn!("{} has no recipient: not sent", d.path.display());
            continue;
        }
        if let Err(e) = send_mail(config, &mut server, from, &d.email.to, &d.email.eml) {
            rt.block_on(finish(&store, key, Err(())))?;
            return Err(e)
                .with_context(|| format!("not sent; the draft is kept in {}", d.path.display()));
        }
        sent_to.push(d.email.to.clone());
    }
    rt.block_on(finish(&store, key, Ok(config.now)))?;
    Ok(Delivered::Now {
        sent_to,
        again,
        server_schedules,
    })
}

/// Sends one message through `server`. A login refused with an access
/// token (it may have expired) asks the token command once more, and tries
/// again with the new token (kept in `server` for the messages after).
pub fn send_mail(
    config: &Config,
    server: &mut neitakk_net::smtp::Server,
    from: &str,
    to: &[String],
    eml: &[u8],
) -> Result<()> {
    match neitakk_net::smtp::send(server, from, to, eml) {
        Err(neitakk_net::smtp::Error::Login { .. }) if server.xoauth2 => {
            if let Some(fresh) = smtp_server(config)? {
                *server = fresh;
            }
            Ok(neitakk_net::smtp::send(server, from, to, eml)?)
        }
        sent => Ok(sent?),
    }
}

/// The SMTP server of the config, with its password fetched.
pub fn smtp_server(config: &Config) -> Result<Option<neitakk_net::smtp::Server>> {
    let Some(smtp) = &config.smtp else {
        return Ok(None);
    };
    let password = smtp.secret.password()?;
    Ok(Some(neitakk_net::smtp::Server {
        host: smtp.host.clone(),
        port: smtp.port,
        security: smtp.security,
        login: smtp.user.clone().zip(password),
        xoauth2: smtp.secret.is_token(),
        timeout: std::time::Duration::from_secs(30),
        ca_pem: crate::config::ca_pem(smtp.ca_file.as_deref())?,
    }))
}

/// Sets the user's answer on the event in the CalDAV calendar. A change made
/// elsewhere in the meantime (412) is read again and the answer applied to
/// it, up to three times.
pub fn update_partstat(
    config: &Config,
    meeting: &neitakk_core::Meeting,
    partstat: neitakk_core::PartStat,
    series: bool,
) -> Result<()> {
    let account = config
        .caldav
        .as_ref()
        .map(|c| c.account())
        .transpose()?
        .ok_or_else(|| crate::Error::Input("no [caldav] section in the config".into()))?;
    use neitakk_ical::itip::When;
    let instance = meeting
        .recurrence_id
        .as_deref()
        .filter(|_| !series)
        .and_then(|rid| {
            let (start, end) = match meeting.dates {
                Some((a, b)) => (When::Day(a), When::Day(b)),
                None => (When::At(meeting.start), When::At(meeting.end)),
            };
            // An all-day instance is named by its date.
            let id = match chrono::DateTime::parse_from_rfc3339(rid) {
                Ok(t) => When::At(t.with_timezone(&chrono::Utc)),
                Err(_) => When::Day(chrono::NaiveDate::parse_from_str(rid, "%Y-%m-%d").ok()?),
            };
            Some(neitakk_ical::edit::Instance {
                recurrence_id: id,
                start,
                end,
            })
        });
    let mut resource = crate::analysis::caldav_resource(config, &meeting.uid, meeting.start)?;
    for attempt in 1..=3 {
        let changed = neitakk_ical::edit::set_partstat(
            &resource.data,
            &meeting.uid,
            &config.profile.emails,
            instance,
            partstat,
        )
        .map_err(|e| {
            crate::Error::Input(format!("cannot set your answer on {}: {e}", resource.href))
        })?;
        match account.put(&resource.href, &changed, resource.etag.as_deref()) {
            Ok(_) => return Ok(()),
            Err(neitakk_net::caldav::Error::Changed) if attempt < 3 => {
                tracing::info!("the event changed on the server; reading it again");
                resource = account.get(&resource.href)?;
            }
            Err(e) => {
                return Err(e)
                    .context("the reply was sent, but your answer on the calendar was not updated")
            }
        }
    }
    unreachable!("the loop returns on its last attempt")
}

#[cfg(test)]
mod tests {
    use super::*;
    use neitakk_compose::Audience;

    fn message(body: &str) -> Message {
        Message {
            audience: Audience::Organizer,
            kind: "update".into(),
            lang: neitakk_core::Lang::Nb,
            to: vec!["kari@client.no".into()],
            subject: "Status".into(),
            body: body.into(),
        }
    }

    fn email(to: &[&str]) -> Email {
        Email {
            kind: "update".into(),
            to: to.iter().map(|t| (*t).to_owned()).collect(),
            subject: "Status".into(),
            message_id: "<1@x>".into(),
            eml: Vec::new(),
            carries_answer: true,
        }
    }

    #[test]
    fn what_may_be_sent() {
        let done = message("Hei Kari,\n\nHer er status.\n");
        assert_eq!(
            sendable(std::slice::from_ref(&done), &[email(&["kari@client.no"])]),
            Ok(())
        );
        let gap = message("Hei Kari,\n\n[Skriv hva som er gjort.]\n");
        assert_eq!(
            sendable(&[gap], &[email(&["kari@client.no"])]),
            Err(Unsendable::Unfilled("[Skriv hva som er gjort.]".into()))
        );
        // Brackets inside a sentence are the writer's own, not a gap.
        let aside = message("Vi ses [om vær tillater det] på tirsdag.\n");
        assert_eq!(sendable(&[aside], &[email(&["kari@client.no"])]), Ok(()));
        assert_eq!(
            sendable(&[done], &[email(&[])]),
            Err(Unsendable::NoRecipient("Status".into()))
        );
    }
}
