//! Each user's inbox on the server: the account (its secret sealed as
//! CalDAV passwords are), the looks at it (the watcher's, and the page's
//! "Look now"), and the sent copy filed once a reply goes out.
//!
//! The reading is the command line's (`neitakk_pipeline::inbox::read`);
//! only the deciding is the server's: an invitation is kept as one of the
//! user's calendars, so that it is on their week board, and decided
//! against all their calendars, its reply saved to their outbox as well as
//! their drafts mailbox.

use super::*;
use neitakk_pipeline::config::Inbox;
use neitakk_pipeline::inbox::{self as mail, Decided, Front, Handled, Invitation, Pass};
use neitakk_store::inbox::InboxAccount;
use tokio::runtime::Handle;

/// An inbox account as a user fills it in.
pub struct NewInbox<'a> {
    pub host: &'a str,
    pub port: &'a str,
    pub security: &'a str,
    pub username: &'a str,
    /// A password, or (with `token`) a command that prints an access token.
    pub secret: &'a str,
    pub token: bool,
    pub folder: &'a str,
    pub drafts: &'a str,
    pub sent: &'a str,
}

/// Checks and stores a user's inbox account.
pub async fn set_inbox(app: &App, user: &User, new: &NewInbox<'_>) -> Result<(), Failure> {
    let bad = |en: &str, nb: &str| Failure::bad(en.to_owned()).nb(nb.to_owned());
    if new.host.is_empty() || new.username.is_empty() || new.secret.is_empty() {
        return Err(bad(
            "Give the mail server, the user name, and the password or token command.",
            "Skriv inn e-posttjeneren, brukernavnet og passordet eller token-kommandoen.",
        ));
    }
    if new.token && !app.options.token_commands {
        return Err(Failure::forbidden(
            "this server does not run token commands (its admin can allow them with \
             --allow-token-commands): use an app password",
        )
        .nb(
            "Denne tjeneren kjører ikke token-kommandoer (administratoren kan tillate dem med \
             --allow-token-commands). Bruk et app-passord.",
        ));
    }
    let security = neitakk_pipeline::config::security(new.security, "security")
        .map_err(|e| Failure::bad(e.to_string()))?;
    let port: u16 = match new.port {
        "" if security == neitakk_net::smtp::Security::StartTls => 143,
        "" => 993,
        p => p
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad("The port is a number.", "Porten er et tall."))?,
    };
    if security == neitakk_net::smtp::Security::None
        && !neitakk_net::feed::is_loopback(&format!("imap://{}", new.host))
    {
        return Err(bad(
            "Without TLS only to this machine: choose tls or starttls.",
            "Uten TLS bare til denne maskinen: velg tls eller starttls.",
        ));
    }
    check_host(new.host, port, app.options.private_caldav)
        .await
        .map_err(|why| Failure::bad(why.clone()).nb(why))?;
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let account = InboxAccount {
        user_id: user.id,
        host: new.host.trim().to_owned(),
        port,
        security: new.security.to_owned(),
        username: new.username.trim().to_owned(),
        sealed_secret: app.key.seal(new.secret)?,
        token: new.token,
        folder: optional(new.folder).unwrap_or_else(|| "INBOX".to_owned()),
        drafts: optional(new.drafts),
        sent: optional(new.sent),
        looked_at: None,
        problem: None,
    };
    app.store.set_inbox_account(&account).await?;
    Ok(())
}

/// A user's inbox account, if they set one.
pub async fn inbox_account(app: &App, user_id: i64) -> Result<Option<InboxAccount>, Failure> {
    Ok(app.store.inbox_accounts(Some(user_id)).await?.pop())
}

/// The pipeline's `[inbox]` for a stored account, its secret opened.
fn inbox_config(app: &App, a: &InboxAccount) -> Result<Inbox, Failure> {
    let opened = open_sealed(app, &a.sealed_secret, ("inbox", "Innboks"))?;
    let secret = if a.token {
        // Allowed when it was stored; asked again, as an admin may have
        // taken the permission back since.
        if !app.options.token_commands {
            return Err(Failure::new(
                Kind::Conflict,
                "this server no longer runs token commands: give your inbox an app password",
            )
            .nb(
                "Denne tjeneren kjører ikke lenger token-kommandoer. Gi innboksen et app-passord.",
            ));
        }
        Secret {
            token_command: Some(opened),
            ..Secret::default()
        }
    } else {
        Secret {
            password: Some(opened),
            ..Secret::default()
        }
    };
    Ok(Inbox {
        host: a.host.clone(),
        port: a.port,
        security: neitakk_pipeline::config::security(&a.security, "security")
            .map_err(|e| Failure::ours(e.to_string()))?,
        user: a.username.clone(),
        secret,
        folder: a.folder.clone(),
        drafts: a.drafts.clone(),
        sent: a.sent.clone(),
        ca_file: None,
        oauth: Default::default(),
    })
}

/// Looks at a user's inbox once: each new client invitation is kept on
/// their board, decided, and its reply put in their outbox and drafts
/// mailbox. The look is recorded (when, and what went wrong), and one user
/// is looked at by one look at a time.
pub async fn look(app: &Arc<App>, user: &User) -> Result<Vec<Handled>, Failure> {
    let Some(account) = inbox_account(app, user.id).await? else {
        return Err(Failure::not_found("you have no inbox account")
            .nb("Du har ingen innbokskonto.".to_owned()));
    };
    let Some(_looking) = Looking::start(app, user.id) else {
        return Ok(Vec::new());
    };
    let looked = async {
        let inbox = inbox_config(app, &account)?;
        // Checked again at every look: a name may point elsewhere by now.
        check_host(&inbox.host, inbox.port, app.options.private_caldav)
            .await
            .map_err(|why| Failure::new(Kind::Conflict, format!("your inbox: {why}")))?;
        let config = user_config(app, user).await?;
        let (app, user, rt) = (app.clone(), user.clone(), Handle::current());
        blocking(move || {
            let store = app.store.for_owner(user.id);
            let mut front = OnServer {
                app: &app,
                user: &user,
                rt: &rt,
            };
            Ok(mail::read(&config, &inbox, &store, &rt, &mut front)?)
        })
        .await
    }
    .await;
    let problem = looked.as_ref().err().map(|e| e.message.as_str());
    if let Some(p) = problem {
        tracing::warn!("the inbox of user {}: {p}", user.id);
    }
    app.store
        .inbox_looked(user.id, app.clock.now(), problem)
        .await?;
    looked
}

/// A look at one user's inbox under way in this process.
struct Looking<'a>(&'a App, i64);

impl<'a> Looking<'a> {
    fn start(app: &'a App, user_id: i64) -> Option<Looking<'a>> {
        let mut busy = app.inbox_busy.lock().ok()?;
        busy.insert(user_id).then_some(Looking(app, user_id))
    }
}

impl Drop for Looking<'_> {
    fn drop(&mut self) {
        if let Ok(mut busy) = self.0.inbox_busy.lock() {
            busy.remove(&self.1);
        }
    }
}

/// Looks at every user's inbox, one after the other, every `every`; one
/// that fails is recorded and tried again at the next round.
pub async fn watch_inboxes(app: Arc<App>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let (accounts, users) = match (
            app.store.inbox_accounts(None).await,
            app.store.users().await,
        ) {
            (Ok(a), Ok(u)) => (a, u),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!("the inbox watcher cannot read the accounts: {e}");
                continue;
            }
        };
        for account in accounts {
            if let Some(user) = users.iter().find(|u| u.id == account.user_id) {
                // Recorded with the account, and said in the log.
                let _ = look(&app, user).await;
            }
        }
    }
}

/// The server's front: an invitation is one of the user's calendars, and
/// decided against all of them as the meeting page decides it.
struct OnServer<'a> {
    app: &'a App,
    user: &'a User,
    rt: &'a Handle,
}

impl Front for OnServer<'_> {
    fn decide(&mut self, invitation: &Invitation) -> neitakk_pipeline::Result<Decided> {
        self.rt
            .block_on(decide(self.app, self.user, invitation))
            .map_err(Failure::into_error)
    }

    fn cancelled(&mut self, invitation: &Invitation) -> neitakk_pipeline::Result<()> {
        self.rt
            .block_on(async {
                keep(self.app, self.user, invitation).await?;
                forget_outbox(self.app, self.user, &invitation.meeting.uid).await
            })
            .map_err(Failure::into_error)
    }
}

/// Keeps the invitation (or its cancellation) as one of the user's
/// calendars, in place of its earlier version.
async fn keep(app: &App, user: &User, invitation: &Invitation<'_>) -> Result<(), Failure> {
    let m = &invitation.meeting;
    let title = m.summary.as_deref().unwrap_or(&m.uid);
    let text = String::from_utf8_lossy(invitation.ics);
    app.store
        .put_invitation(
            user.id,
            &m.uid,
            &format!("{title} (inbox)"),
            &text,
            app.clock.now(),
        )
        .await?;
    // Decided next, with the calendars as they are now.
    app.seen.forget(user.id);
    Ok(())
}

/// Takes the drafts the inbox made for a meeting out of the outbox (the
/// user's own saved drafts stay).
async fn forget_outbox(app: &App, user: &User, uid: &str) -> Result<(), Failure> {
    let store = app.store.for_owner(user.id);
    let key = neitakk_core::MeetingKey::whole(uid);
    let Some(made) = store.inbox_draft(&key).await? else {
        return Ok(());
    };
    for d in store.drafts().await? {
        if d.sent_at.is_none() && made.message_ids.contains(&d.message_id) {
            store.delete_draft(d.id).await?;
        }
    }
    Ok(())
}

async fn decide(app: &App, user: &User, invitation: &Invitation<'_>) -> Result<Decided, Failure> {
    let pass = Decided::passed;
    let m = &invitation.meeting;
    if m.end <= app.clock.now() {
        return Ok(pass(Pass::Over));
    }
    keep(app, user, invitation).await?;
    let around = meeting_around(app, user, &m.uid, m.start).await?;
    let item = Item {
        on_caldav: around.read.on_caldav.contains(&m.uid),
        meeting: around.meeting,
        choice: Choice::default(),
        bodies: None,
        in_reply_to: invitation.message_id.clone(),
    };
    let composed = compose(app, around.config, around.read.loaded, vec![item]).await?;
    let Some(c) = composed.into_iter().next().flatten() else {
        return Ok(pass(Pass::Attending));
    };
    let client = c.entry.client.clone();
    if client.is_none() {
        return Ok(Decided {
            strategy: Some(c.strategy),
            minutes_freed: c.minutes_freed,
            ..pass(Pass::Internal)
        });
    }
    // An update's reply replaces the one made for the earlier version.
    forget_outbox(app, user, &m.uid).await?;
    save(app, user, &c).await?;
    Ok(Decided {
        client,
        strategy: Some(c.strategy),
        minutes_freed: c.minutes_freed,
        drafts: Ok(c.emails),
        // Journalled by `save`, with its place in the outbox.
        entry: None,
    })
}

/// The Message-ID of the invitation to a meeting that came by the user's
/// inbox: a reply to it, sent from any page, is threaded to it.
pub async fn invitation_id(app: &App, user: &User, uid: &str) -> Result<Option<String>, Failure> {
    let key = neitakk_core::MeetingKey::whole(uid);
    let made = app.store.for_owner(user.id).inbox_draft(&key).await?;
    Ok(made.and_then(|d| d.in_reply_to))
}

/// Once a reply made from the inbox is sent: the sent messages are filed
/// in the user's sent mailbox and the draft taken out of their drafts
/// mailbox. The mail is out whatever happens here: what goes wrong is
/// recorded with the account and said in the log.
pub async fn file_sent(app: &App, user: &User, c: &Composed) {
    let filed = async {
        let store = app.store.for_owner(user.id);
        let (Some(account), Some(draft)) = (
            inbox_account(app, user.id).await?,
            store.inbox_draft(&c.key.meeting).await?,
        ) else {
            return Ok(());
        };
        let inbox = inbox_config(app, &account)?;
        let sent: Vec<Vec<u8>> = c.emails.iter().map(|e| e.eml.clone()).collect();
        let made = draft.clone();
        blocking(move || {
            let mut mailbox = mail::open(&inbox)?;
            let sent: Vec<&[u8]> = sent.iter().map(Vec::as_slice).collect();
            mail::file_sent(&mut mailbox, &inbox, &made, &sent)?;
            mailbox.close();
            Ok(())
        })
        .await?;
        store.forget_inbox_draft(&draft.meeting).await?;
        Ok::<_, Failure>(())
    };
    if let Err(e) = filed.await {
        let problem = format!("the sent reply could not be filed: {}", e.message);
        tracing::warn!("the inbox of user {}: {problem}", user.id);
        let _ = app
            .store
            .inbox_looked(user.id, app.clock.now(), Some(&problem))
            .await;
    }
}
