//! The server's side of the pipeline, which pages and the API both call:
//! here a user's config (their settings, the shared registry, their CalDAV
//! account); beside it their calendars, replies, kept answers, and the
//! CalDAV address check.

use super::failure::{Failure, Kind};
use super::App;
use neitakk_core::{Client, Lang, Meeting, Strategy};
use neitakk_ical::Window;
use neitakk_pipeline::analysis::{self, Loaded};
use neitakk_pipeline::config::{Caldav, Config, Profile, Secret};
use neitakk_pipeline::reply::{self, Choice, Email};
use neitakk_store::accounts::User;
use neitakk_store::team::NewDraft;
use neitakk_store::{Entry, ReplyKey};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

mod address;
mod answers;
mod calendars;
mod inbox;
mod replies;
mod seen;

pub use address::*;
pub use answers::*;
pub use calendars::*;
pub use inbox::*;
pub use replies::*;
pub use seen::*;

/// The largest calendar or CSV file taken.
pub const MAX_UPLOAD: usize = 25 * 1024 * 1024;

/// A user's own settings (the profile the command line reads from its file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub weekly_cap_hours: Option<f64>,
    pub phone: Option<String>,
    pub video_link: Option<String>,
    pub signature: Option<String>,
    /// Other addresses invitations reach the user at.
    pub other_emails: Vec<String>,
}

impl Settings {
    pub fn of(user: &User) -> Settings {
        serde_json::from_str(&user.settings).unwrap_or_default()
    }

    /// Checks the values a person typed; the error names the field. Other
    /// addresses must be in the account's own mail domain: replies go out
    /// from them, through the team's mail server.
    pub fn check(&self, account: &str) -> Result<(), Failure> {
        let bad = |en: String, nb: String| Err(Failure::bad(en).nb(nb));
        if let Some(l) = self
            .language
            .as_deref()
            .filter(|l| Lang::from_tag(l).is_none())
        {
            return bad(
                format!("Language: unknown '{l}' (nb or en)."),
                format!("Språk: ukjent «{l}» (nb eller en)."),
            );
        }
        if let Some(z) = self
            .timezone
            .as_deref()
            .filter(|z| neitakk_ical::zone::parse_zone_name(z).is_none())
        {
            return bad(
                format!("Time zone: unknown '{z}' (an IANA name such as Europe/Oslo)."),
                format!("Tidssone: ukjent «{z}» (et IANA-navn som Europe/Oslo)."),
            );
        }
        if let Some(h) = self.weekly_cap_hours.filter(|h| !(0.0..=168.0).contains(h)) {
            return bad(
                format!("Weekly cap: {h} is not between 0 and 168 hours."),
                format!("Ukentlig tak: {h} er ikke mellom 0 og 168 timer."),
            );
        }
        for e in &self.other_emails {
            let well_formed = e.matches('@').count() == 1
                && e.split_once('@')
                    .is_some_and(|(u, d)| !u.is_empty() && d.contains('.'));
            if !well_formed {
                return bad(
                    format!("Other addresses: '{e}' is not an e-mail address."),
                    format!("Andre adresser: «{e}» er ikke en e-postadresse."),
                );
            }
            if !same_domain(e, account) {
                let own = domain(account);
                return bad(
                    format!("Other addresses: '{e}' is not in the account's own domain ({own})."),
                    format!("Andre adresser: «{e}» er ikke i kontoens eget domene ({own})."),
                );
            }
        }
        Ok(())
    }
}

/// The mail domain of an address.
fn domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

fn same_domain(a: &str, b: &str) -> bool {
    domain(a).eq_ignore_ascii_case(domain(b))
}

/// Clients as the registry stores them: name and JSON.
pub fn registry_rows(clients: &[Client]) -> neitakk_pipeline::Result<Vec<(String, String)>> {
    clients
        .iter()
        .map(|c| Ok((c.name.clone(), serde_json::to_string(c)?)))
        .collect()
}

/// The user's time zone, without the rest of their config.
pub fn zone(app: &App, user: &User) -> neitakk_core::Tz {
    Settings::of(user)
        .timezone
        .as_deref()
        .and_then(neitakk_ical::zone::parse_zone_name)
        .unwrap_or(app.base.profile.timezone)
}

/// The shared client registry.
pub async fn registry(app: &App) -> Result<Vec<Client>, Failure> {
    app.store
        .registry()
        .await?
        .into_iter()
        .map(|(name, data)| {
            serde_json::from_str(&data)
                .map_err(|e| Failure::ours(format!("client {name} in the database: {e}")))
        })
        .collect()
}

/// The config the pipeline sees for `user`: the server's settings, the
/// user's profile, the registry, and their CalDAV account.
pub async fn user_config(app: &App, user: &User) -> Result<Config, Failure> {
    let s = Settings::of(user);
    let mut config = app.config_now();
    let mut emails = vec![user.email.to_ascii_lowercase()];
    emails.extend(s.other_emails.iter().map(|e| e.trim().to_ascii_lowercase()));
    config.profile = Profile {
        name: user.name.clone(),
        emails,
        signature: s.signature.clone().unwrap_or_else(|| user.name.clone()),
        signatures: Vec::new(),
        language: s
            .language
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or(app.base.profile.language),
        timezone: zone(app, user),
        weekly_cap_minutes: s
            .weekly_cap_hours
            .map_or(app.base.profile.weekly_cap_minutes, |h| {
                (h * 60.0).round() as u32
            }),
        phone: s.phone,
        video_link: s.video_link,
        office: app.base.profile.office.clone(),
        working_hours: app.base.profile.working_hours.clone(),
    };
    let seen = seen(app, user, config.now).await?;
    config.clients = seen.registry.clone();
    config.caldav = match &seen.caldav {
        Some(account) => Some(Caldav {
            secret: Secret {
                password: Some(open_sealed(
                    app,
                    &account.sealed_secret,
                    ("CalDAV", "CalDAV"),
                )?),
                ..Secret::default()
            },
            url: account.url.clone(),
            user: Some(account.username.clone()),
        }),
        None => None,
    };
    Ok(config)
}

/// A secret the server sealed (a CalDAV or inbox password), opened; one
/// sealed under another server key is the user's to give again. `whose`
/// names the account in English and bokmål.
fn open_sealed(app: &App, sealed: &str, whose: (&str, &str)) -> Result<String, Failure> {
    let (en, nb) = whose;
    app.key.open(sealed).map_err(|_| {
        Failure::new(
            Kind::Conflict,
            format!(
                "your {en} password was stored under another server key \
                 (NEITAKK_SERVER_KEY): enter it again on the Calendars page"
            ),
        )
        .nb(format!(
            "{nb}-passordet ditt ble lagret med en annen nøkkel på tjeneren \
             (NEITAKK_SERVER_KEY). Skriv det inn på nytt under Kalendere."
        ))
    })
}

/// "Too large", for an upload over [`MAX_UPLOAD`].
pub fn too_large(lang: Lang) -> Failure {
    let mb = MAX_UPLOAD / (1024 * 1024);
    Failure::new(
        Kind::TooLarge,
        match lang {
            Lang::Nb => format!("Filen er for stor: høyst {mb} MB."),
            Lang::En => format!("The file is too large: {mb} MB at most."),
        },
    )
    .lang(lang)
}

/// Runs the heavy work of a request (reading, assessing, planning) on a
/// blocking thread, with the server's deadline: past it the answer is a 503
/// that says so, and when the request is dropped (the client went away)
/// or times out the work is told to stop (`neitakk_core::cancel`), so that
/// no core stays busy for nobody. Its unfinished result is dropped.
pub async fn heavy<T: Send + 'static>(
    app: &App,
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// Cancels the work when the request's future ends, however it ends.
    struct OnDrop(neitakk_core::cancel::Cancel);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.cancel();
        }
    }
    /// Counts the work as running until its thread is done with it.
    struct Running(Arc<AtomicUsize>);
    impl Drop for Running {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
    let cancel = neitakk_core::cancel::Cancel::new();
    let _on_drop = OnDrop(cancel.clone());
    app.heavy.fetch_add(1, Ordering::Relaxed);
    let running = Running(app.heavy.clone());
    let flag = cancel.clone();
    let task = tokio::task::spawn_blocking(move || {
        let _running = running;
        flag.run(f)
    });
    let deadline = app.options.deadline;
    match tokio::time::timeout(deadline, task).await {
        Ok(Ok(result)) if !cancel.is_cancelled() => result,
        Ok(Err(e)) => Err(Failure::ours(format!("a task failed: {e}"))),
        _ => {
            let s = deadline.as_secs_f64();
            Err(Failure::new(
                Kind::Unavailable,
                format!(
                    "This took longer than {s} seconds, so it was stopped. \
                     Try a shorter span, or try again in a while."
                ),
            )
            .nb(format!(
                "Dette tok mer enn {s} sekunder, så det ble stoppet. \
                 Prøv et kortere tidsrom, eller prøv igjen om litt."
            )))
        }
    }
}

/// Runs blocking IO (a mail or CalDAV server) off the async workers, to its
/// end: its own timeouts bound it, and a send is never cut off half-way.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) => Err(Failure::ours(format!("a task failed: {e}"))),
    }
}
