//! Delivering a reply: sending the drafts over SMTP once, and setting the
//! user's answer on the event in their CalDAV calendar.

use crate::config::Config;
use crate::reply::Email;
use anyhow::{Context as _, Result};
use neitakk_store::ReplyKey;
use std::io::Write;
use std::path::PathBuf;

/// A draft written to the outbox.
pub struct Draft {
    pub path: PathBuf,
    pub email: Email,
}

/// Sends the drafts, unless this reply to this request went out before.
/// A failure names the draft, which stays in the outbox.
pub fn deliver(
    config: &Config,
    from: &str,
    key: &ReplyKey,
    drafts: &[Draft],
    on_caldav: bool,
) -> Result<()> {
    use crate::journal;
    if let Some(when) = journal::sent_at(config, key)? {
        let _ = writeln!(
            std::io::stderr(),
            "This reply was sent on {}; it is not sent again (a changed invitation may be answered anew).",
            when.with_timezone(&config.profile.timezone).format("%Y-%m-%d %H:%M")
        );
        return Ok(());
    }
    // A server that schedules (RFC 6638) also tells the organizer when the
    // event is updated, but only the answer: the words, the call link or the
    // new time go by mail all the same.
    if let (Some(c), true) = (&config.caldav, on_caldav) {
        if c.account()?.schedules()? {
            let _ = writeln!(
                std::io::stderr(),
                "the calendar server also tells the organizer your answer"
            );
        }
    }
    let Some(server) = smtp_server(config)? else {
        return Ok(());
    };
    let mut marked = false;
    for d in drafts {
        if d.email.to.is_empty() {
            tracing::warn!("{} has no recipient: not sent", d.path.display());
            continue;
        }
        neitakk_net::smtp::send(&server, from, &d.email.to, &d.email.eml)
            .with_context(|| format!("not sent; the draft is kept in {}", d.path.display()))?;
        // The reply counts as sent once the message carrying the calendar answer is out.
        if d.email.carries_answer && !marked {
            journal::mark_sent(config, key, &d.email.message_id, &d.email.to)?;
            marked = true;
        }
        let _ = writeln!(std::io::stderr(), "sent to {}", d.email.to.join(", "));
    }
    Ok(())
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
        timeout: std::time::Duration::from_secs(30),
        ca_pem: smtp
            .ca_file
            .as_ref()
            .map(|f| {
                std::fs::read(f).with_context(|| format!("cannot read the CA file {}", f.display()))
            })
            .transpose()?,
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
        .context("no [caldav] section")?;
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
        .map_err(|e| anyhow::anyhow!("cannot set your answer on {}: {e}", resource.href))?;
        match account.put(&resource.href, &changed, resource.etag.as_deref()) {
            Ok(_) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "your answer on the calendar is now {partstat:?}"
                );
                return Ok(());
            }
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
