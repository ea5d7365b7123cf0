//! Replies composed from a meeting page, the plan or the API, saved to the
//! outbox, and sent once.

use super::*;
use neitakk_compose::Composer;
use neitakk_pipeline::delivery::{self, Claim, Unsendable};

/// A reply, composed: its messages (edited bodies applied) and e-mails.
pub struct Composed {
    pub strategy: Strategy,
    /// What the recommended strategy frees, in minutes.
    pub minutes_freed: u32,
    pub lang: Lang,
    pub messages: Vec<neitakk_compose::Message>,
    pub emails: Vec<Email>,
    pub entry: Entry,
    pub key: ReplyKey,
    pub from: String,
    /// For a meeting read from CalDAV: the answer to set on the event once
    /// sent (the meeting, the answer, and whether for the whole series).
    pub calendar_answer: Option<(Meeting, neitakk_core::PartStat, bool)>,
}

/// One reply to compose: the meeting, how to answer, and the bodies the
/// user edited in place of the written ones (same order, same count).
pub struct Item {
    pub meeting: Meeting,
    pub choice: Choice,
    pub bodies: Option<Vec<String>>,
    /// The meeting was read from the user's CalDAV calendar.
    pub on_caldav: bool,
    /// The invitation's Message-ID, when it came by mail: the reply is
    /// threaded to it.
    pub in_reply_to: Option<String>,
}

/// Composes replies in one go; `None` for a meeting with nothing to send
/// (accepted, and attending is recommended).
pub async fn compose(
    app: &App,
    config: Config,
    loaded: Loaded,
    items: Vec<Item>,
) -> Result<Vec<Option<Composed>>, Failure> {
    let composer = app.composer.clone();
    let journal = app.store.instance().await?;
    let composed = heavy(app, move || {
        Ok(items
            .into_iter()
            .map(|item| compose_one(&composer, &config, &loaded, item, &journal))
            .collect::<Vec<_>>())
    })
    .await?;
    composed.into_iter().collect()
}

fn compose_one(
    composer: &Composer,
    config: &Config,
    loaded: &Loaded,
    item: Item,
    journal: &str,
) -> Result<Option<Composed>, Failure> {
    let Some(mut r) = reply::prepare(composer, config, loaded, &item.meeting, &item.choice)? else {
        return Ok(None);
    };
    if let Some(bodies) = item.bodies {
        if bodies.len() != r.messages.len() {
            let (form, reply) = (bodies.len(), r.messages.len());
            return Err(Failure::new(
                Kind::Unprocessable,
                format!("the form had {form} messages; this reply has {reply}: reload the page"),
            )
            .nb(format!(
                "Skjemaet hadde {form} meldinger, og dette svaret har {reply}. Last siden på nytt."
            )));
        }
        for (m, b) in r.messages.iter_mut().zip(bodies) {
            // Browsers send CRLF from a textarea; the messages use LF.
            m.body = b.replace("\r\n", "\n");
        }
    }
    let emails = r.emails(item.in_reply_to.as_deref(), journal)?;
    let calendar_answer = r
        .partstat()
        .filter(|_| item.on_caldav)
        .map(|p| (item.meeting.clone(), p, item.choice.series));
    Ok(Some(Composed {
        calendar_answer,
        minutes_freed: r.assessed.decision.recommended.minutes_freed,
        strategy: r.strategy,
        lang: r.lang,
        entry: r.entry(None),
        key: r.key(),
        from: r.sender.email.clone(),
        messages: r.messages,
        emails,
    }))
}

/// Puts a composed reply's e-mails in the user's outbox and journals the
/// decision; the drafts' ids.
pub async fn save(app: &App, user: &User, c: &Composed) -> Result<Vec<i64>, Failure> {
    let store = app.store.for_owner(user.id);
    let mut ids = Vec::new();
    for e in &c.emails {
        let eml = String::from_utf8_lossy(&e.eml);
        ids.push(
            store
                .add_draft(
                    &NewDraft {
                        uid: &c.entry.meeting.uid,
                        strategy: c.strategy.as_str(),
                        kind: &e.kind,
                        recipients: &e.to.join(", "),
                        subject: &e.subject,
                        message_id: &e.message_id,
                        eml: &eml,
                    },
                    app.clock.now(),
                )
                .await?,
        );
    }
    let mut entry = c.entry.clone();
    entry.outbox_path = ids.first().map(|id| format!("outbox/{id}.eml"));
    store.record(&entry).await?;
    Ok(ids)
}

/// Saves the reply's drafts and sends each; the drafts' ids.
async fn send_all(
    app: &App,
    user: &User,
    c: &Composed,
    server: neitakk_net::smtp::Server,
) -> Result<Vec<i64>, Failure> {
    let store = app.store.for_owner(user.id);
    let drafts = save(app, user, c).await?;
    let mut server = server;
    for (e, id) in c.emails.iter().zip(&drafts) {
        let (base, from, to, eml) = (
            app.base.clone(),
            c.from.clone(),
            e.to.clone(),
            e.eml.clone(),
        );
        // The same sending as the command line's (a refused token asked
        // for once more); the server, with any new token, comes back.
        server = blocking(move || {
            let mut server = server;
            neitakk_pipeline::delivery::send_mail(&base, &mut server, &from, &to, &eml)?;
            Ok(server)
        })
        .await?;
        store.mark_draft_sent(*id, app.clock.now()).await?;
    }
    Ok(drafts)
}

/// What sending a reply did.
pub enum Sent {
    /// This reply to this request went out before: nothing saved or sent.
    Before,
    /// Another send of this reply is under way: nothing saved or sent.
    Busy,
    /// Saved (these drafts) and sent; `again` when an earlier try had not
    /// finished. `calendar_problem`: why the answer could not be set on the
    /// CalDAV event, if it could not.
    Now {
        drafts: Vec<i64>,
        again: bool,
        calendar_problem: Option<String>,
    },
}

/// Saves a composed reply to the outbox and sends it over the server's
/// SMTP, once per request and strategy. It goes out only from the user's
/// own mail domain. With no SMTP settings nothing is saved, and the error
/// says so.
pub async fn save_and_send(
    app: &App,
    user: &User,
    config: &Config,
    c: &Composed,
) -> Result<Sent, Failure> {
    let store = app.store.for_owner(user.id);
    if !same_domain(&c.from, &user.email) {
        let (own, from) = (domain(&user.email), &c.from);
        return Err(Failure::forbidden(format!(
            "replies go out from your own domain ({own}), and {from} is not in it"
        ))
        .nb(format!(
            "Svar sendes fra ditt eget domene ({own}), og {from} er ikke i det."
        )));
    }
    // The rule both fronts keep: no line left in brackets for the user to
    // write, and a recipient for every message.
    match delivery::sendable(&c.messages, &c.emails) {
        Ok(()) => {}
        Err(Unsendable::Unfilled(gap)) => {
            return Err(Failure::new(
                Kind::Unprocessable,
                format!("fill in what is in brackets before you send: {gap}"),
            )
            .nb(format!(
                "Fyll ut det som står i klammer før du sender: {gap}"
            )))
        }
        Err(Unsendable::NoRecipient(subject)) => {
            return Err(Failure::new(
                Kind::Unprocessable,
                format!("'{subject}' has no one to go to: save it and send it yourself"),
            )
            .nb(format!(
                "«{subject}» har ingen mottaker. Lagre den og send den selv."
            )))
        }
    }
    let base = app.base.clone();
    let server = blocking(move || Ok(neitakk_pipeline::delivery::smtp_server(&base)?))
        .await?
        .ok_or_else(|| {
            Failure::new(
                Kind::Conflict,
                "this server has no SMTP settings ([delivery.smtp]); save the reply to your outbox instead",
            )
            .nb("Denne tjeneren har ikke SMTP-oppsett ([delivery.smtp]). Lagre svaret i utboksen i stedet.")
        })?;
    // Sent once (the pipeline's protocol): claimed first, marked sent once
    // handed over, or failed (to be tried again) if the mail server says no.
    let again = match delivery::claim(&store, &c.key, &c.emails, app.clock.now()).await? {
        Claim::Taken { again } => again,
        Claim::Busy => return Ok(Sent::Busy),
        Claim::SentBefore(_) => return Ok(Sent::Before),
    };
    let drafts = match send_all(app, user, c, server).await {
        Ok(drafts) => drafts,
        Err(e) => {
            delivery::finish(&store, &c.key, Err(())).await?;
            return Err(e);
        }
    };
    delivery::finish(&store, &c.key, Ok(app.clock.now())).await?;
    // A reply to an invitation from the inbox: filed as sent there.
    file_sent(app, user, c).await;
    // The mail is out; a calendar that will not take the answer does not
    // undo that, it is told.
    let calendar_problem = match c.calendar_answer.clone() {
        Some((meeting, partstat, series)) => {
            let config = config.clone();
            blocking(move || {
                Ok(neitakk_pipeline::delivery::update_partstat(
                    &config, &meeting, partstat, series,
                )?)
            })
            .await
            .err()
            .map(|f| f.message)
        }
        None => None,
    };
    Ok(Sent::Now {
        drafts,
        again,
        calendar_problem,
    })
}
