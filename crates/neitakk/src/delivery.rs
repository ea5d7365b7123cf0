//! Delivering a reply: sending the drafts over SMTP once, and setting the
//! user's answer on the event in their CalDAV calendar.

use crate::config::Config;
use anyhow::{Context as _, Result};
use neitakk_store::ReplyKey;
use std::io::Write;
use std::path::PathBuf;

/// A draft written to the outbox.
pub struct Draft {
    pub path: PathBuf,
    pub eml: Vec<u8>,
    pub to: Vec<String>,
    pub message_id: String,
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
    use crate::commands::journal;
    if let Some(when) = journal::sent_at(config, key)? {
        let _ = writeln!(
            std::io::stderr(),
            "This reply was sent on {}; it is not sent again (a changed invitation may be answered anew).",
            when.with_timezone(&config.profile.timezone).format("%Y-%m-%d %H:%M")
        );
        return Ok(());
    }
    // A server that schedules (RFC 6638) sends the organizer our answer
    // itself when the event is updated; the other messages still go by mail.
    let scheduled = match (&config.caldav, on_caldav) {
        (Some(c), true) => c.account()?.schedules()?,
        _ => false,
    };
    let Some(smtp) = &config.smtp else {
        return Ok(());
    };
    let password = smtp.secret.password()?;
    let server = neitakk_net::smtp::Server {
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
    };
    for (i, d) in drafts.iter().enumerate() {
        if i == 0 && scheduled {
            journal::mark_sent(config, key, &d.message_id, &d.to)?;
            let _ = writeln!(
                std::io::stderr(),
                "the calendar server delivers the reply to {}",
                d.to.join(", ")
            );
            continue;
        }
        if d.to.is_empty() {
            tracing::warn!("{} has no recipient: not sent", d.path.display());
            continue;
        }
        neitakk_net::smtp::send(&server, from, &d.to, &d.eml)
            .with_context(|| format!("not sent; the draft is kept in {}", d.path.display()))?;
        if i == 0 {
            journal::mark_sent(config, key, &d.message_id, &d.to)?;
        }
        let _ = writeln!(std::io::stderr(), "sent to {}", d.to.join(", "));
    }
    Ok(())
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
    let instance = meeting
        .recurrence_id
        .as_deref()
        .filter(|_| !series)
        .and_then(|rid| {
            let rid = chrono::DateTime::parse_from_rfc3339(rid)
                .ok()?
                .with_timezone(&chrono::Utc);
            Some(neitakk_ical::edit::Instance {
                recurrence_id: rid,
                start: meeting.start,
                end: meeting.end,
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
