//! The server's side of the pipeline: a user's config (their settings, the
//! shared registry, their CalDAV account), their calendars read over a
//! window (parsed once per upload and cached), and replies drafted into
//! their outbox or sent. Pages and the API both call these.

use super::failure::Failure;
use super::App;
use crate::analysis::{self, Loaded};
use crate::commands::reply::{self, Choice, Email};
use crate::config::{Caldav, Config, Profile, Secret};
use neitakk_core::{Client, Lang, Meeting, Strategy};
use neitakk_ical::Window;
use neitakk_store::accounts::User;
use neitakk_store::team::NewDraft;
use neitakk_store::{Entry, ReplyKey};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

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
pub fn registry_rows(clients: &[Client]) -> anyhow::Result<Vec<(String, String)>> {
    clients
        .iter()
        .map(|c| Ok((c.name.clone(), serde_json::to_string(c)?)))
        .collect()
}

/// The user's time zone, without the rest of their config.
pub fn zone(app: &App, user: &User) -> chrono_tz::Tz {
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
                .map_err(|e| anyhow::anyhow!("client {name} in the database: {e}").into())
        })
        .collect()
}

/// The config the pipeline sees for `user`: the server's settings, the
/// user's profile, the registry, and their CalDAV account.
pub async fn user_config(app: &App, user: &User) -> Result<Config, Failure> {
    let s = Settings::of(user);
    let mut config = app.base.clone();
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
    config.clients = registry(app).await?;
    config.caldav = match app.store.caldav(user.id).await? {
        Some(account) => Some(Caldav {
            secret: Secret {
                password: Some(app.key.open(&account.sealed_secret).map_err(|_| {
                    Failure::new(
                        axum::http::StatusCode::CONFLICT,
                        "your CalDAV password was stored under another server key \
                         (NEITAKK_SERVER_KEY): enter it again on the Calendars page",
                    )
                    .nb(
                        "CalDAV-passordet ditt ble lagret med en annen nøkkel på tjeneren \
                         (NEITAKK_SERVER_KEY). Skriv det inn på nytt under Kalendere.",
                    )
                })?),
                password_env: None,
                password_command: None,
            },
            url: account.url,
            user: Some(account.username),
        }),
        None => None,
    };
    Ok(config)
}

/// "Too large", for an upload over [`MAX_UPLOAD`].
pub fn too_large(lang: Lang) -> Failure {
    let mb = MAX_UPLOAD / (1024 * 1024);
    Failure::new(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        match lang {
            Lang::Nb => format!("Filen er for stor: høyst {mb} MB."),
            Lang::En => format!("The file is too large: {mb} MB at most."),
        },
    )
    .lang(lang)
}

/// Stores an uploaded calendar for a user, once it has been read without
/// error (so that nothing unreadable is stored): its id, and the ISO week
/// of its next meeting, if it has one.
pub async fn add_calendar(
    app: &App,
    user: &User,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(i64, Option<String>), Failure> {
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::bad(format!("{name} is not a calendar: it is not UTF-8 text")).nb(format!(
            "{name} er ikke en kalender: det er ikke UTF-8-tekst."
        ))
    })?;
    if text.trim().is_empty() {
        return Err(Failure::bad(format!("{name} is empty")).nb(format!("{name} er tom.")));
    }
    let mut config = app.base.clone();
    config.profile.timezone = zone(app, user);
    let (n, t) = (name.to_owned(), text.clone());
    let week = blocking(move || {
        let now = chrono::Utc::now();
        let year = Window {
            from: now - chrono::Duration::days(366),
            to: now + chrono::Duration::days(366),
        };
        let meetings = parse(&n, t.as_bytes(), year, &config)?;
        // The next meeting: not an all-day event, nor a cancelled one.
        let next = meetings
            .iter()
            .filter(|m| m.end > now && !m.all_day() && !m.is_cancelled())
            .min_by_key(|m| m.start);
        Ok(next.map(|m| {
            let (y, w) = neitakk_core::facts::iso_week(m.start, config.profile.timezone);
            format!("{y}-W{w:02}")
        }))
    })
    .await?;
    Ok((app.store.add_calendar(user.id, name, &text).await?, week))
}

/// Checks a CalDAV URL before it is stored: http(s), and, unless the server
/// allows it, on a public address: the server fetches it on the user's
/// behalf, and must not become a way into the machine or the network it
/// stands in.
pub async fn check_caldav_url(url: &str, private_ok: bool) -> Result<(), String> {
    let not_url = || format!("'{url}' is not a calendar URL (http:// or https://)");
    let (scheme, rest) = url.split_once("://").ok_or_else(not_url)?;
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(not_url()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or_else(not_url)?;
            (host, after.strip_prefix(':'))
        }
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let port = match port {
        Some(p) => p.parse::<u16>().map_err(|_| not_url())?,
        None => default_port,
    };
    if host.is_empty() {
        return Err(not_url());
    }
    if private_ok {
        return Ok(());
    }
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| format!("cannot find the host {host}"))?;
    for a in addresses {
        if !is_public(a.ip()) {
            return Err(format!(
                "{host} is on this machine or a private network; this server reads only \
                 public calendar servers (its admin can allow others with --private-caldav)"
            ));
        }
    }
    Ok(())
}

/// Whether an address is on the public internet (not this machine, a
/// private or link-local network, or a range that is not routed).
fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::{IpAddr, Ipv4Addr};
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(a == 0 // "this network"
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_documentation()
                || a == 100 && (64..128).contains(&b) // shared address space
                || a == 192 && b == 0 && c == 0 // protocol assignments
                || a == 198 && (18..20).contains(&b) // benchmarking
                || a >= 224) // multicast, reserved, broadcast
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)))
            };
            if let Some(v4) = v6.to_ipv4() {
                // IPv4-mapped and IPv4-compatible forms.
                return is_public(IpAddr::V4(v4));
            }
            if s[0] == 0x64 && s[1] == 0xff9b {
                return is_public(embedded(s[6], s[7])); // NAT64
            }
            if s[0] == 0x2002 {
                return is_public(embedded(s[1], s[2])); // 6to4
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || s[0] & 0xfe00 == 0xfc00 // unique local
                || s[0] & 0xffc0 == 0xfe80 // link-local
                || s[0] & 0xffc0 == 0xfec0 // site-local
                || s[0] & 0xff00 == 0xff00) // multicast
        }
    }
}

/// Runs blocking pipeline work (parsing, CalDAV) off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, Failure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(Failure::from),
        Err(e) => Err(anyhow::anyhow!("a task failed: {e}").into()),
    }
}

/// A user's uploaded calendars parsed over a span, by (their ids and upload
/// times, the span, the zone): parsed once, shared by every request after.
#[derive(Default)]
pub struct Cache(Mutex<HashMap<CacheKey, Arc<Vec<Meeting>>>>);

type CacheKey = (Vec<(i64, String)>, Window, String);

impl Cache {
    /// Occurrences kept at most (a few hundred MB); past it, start afresh.
    const MAX_MEETINGS: usize = 500_000;

    fn get(&self, key: &CacheKey) -> Option<Arc<Vec<Meeting>>> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: CacheKey, value: Arc<Vec<Meeting>>) {
        if let Ok(mut map) = self.0.lock() {
            let held: usize = map.values().map(|v| v.len()).sum();
            if held + value.len() > Self::MAX_MEETINGS {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// Reads calendar text over a window, as the command line reads a file.
pub fn parse(
    name: &str,
    data: &[u8],
    span: Window,
    config: &Config,
) -> anyhow::Result<Vec<Meeting>> {
    let options = neitakk_ical::reader::Options {
        tz: None,
        default_tz: Some(config.profile.timezone),
    };
    let cal = neitakk_ical::read_stream(name, data, span, &options)?;
    for w in &cal.warnings {
        tracing::debug!("{w}");
    }
    Ok(cal.occurrences)
}

/// The user's calendars (uploads and CalDAV) around `window`, with their
/// journal's recent limits.
pub async fn load(
    app: &App,
    user: &User,
    config: &Config,
    window: Window,
) -> Result<Loaded, Failure> {
    Ok(read(app, user, config, window).await?.loaded)
}

/// Several calendars as one, in order of start: a meeting that is in more
/// than one (the same export uploaded twice, or an invitation that is also
/// in the calendar) is kept once, the newest version of it (the highest
/// SEQUENCE, else the one read last).
fn merged(mut all: Vec<Meeting>) -> Vec<Meeting> {
    // Stable: of equal versions, the later upload stays after the earlier.
    all.sort_by(|a, b| {
        (&a.uid, &a.recurrence_id, a.sequence).cmp(&(&b.uid, &b.recurrence_id, b.sequence))
    });
    let mut out: Vec<Meeting> = Vec::with_capacity(all.len());
    for m in all {
        match out.last_mut() {
            Some(last) if last.uid == m.uid && last.recurrence_id == m.recurrence_id => *last = m,
            _ => out.push(m),
        }
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    out
}

/// A user's calendars as read by [`read`].
pub struct Read {
    pub loaded: Loaded,
    /// The same version, the same calendar; `None` when a CalDAV calendar
    /// was read (it changes unseen).
    pub version: Option<String>,
    /// The UIDs read from CalDAV, where an answer is also set on the event.
    pub on_caldav: HashSet<String>,
}

/// [`load`], with the version of what was read and what came from CalDAV.
pub async fn read(
    app: &App,
    user: &User,
    config: &Config,
    window: Window,
) -> Result<Read, Failure> {
    let span = Loaded::span(window, config);
    let calendars = app.store.calendars(user.id).await?;
    let key: CacheKey = (
        calendars
            .iter()
            .map(|c| (c.id, c.uploaded_at.clone()))
            .collect(),
        span,
        config.profile.timezone.name().to_owned(),
    );
    let mut version = Some(format!("{:?}", key.0));
    let mut on_caldav = HashSet::new();
    let mut calendar = match app.cache.get(&key) {
        Some(parsed) => parsed,
        None => {
            let mut texts = Vec::new();
            for info in &calendars {
                // A calendar deleted meanwhile is left out.
                if let Some(data) = app.store.calendar(user.id, info.id).await? {
                    texts.push((info.name.clone(), data));
                }
            }
            let cfg = config.clone();
            let parsed = Arc::new(
                blocking(move || {
                    let mut all = Vec::new();
                    for (name, data) in &texts {
                        all.extend(parse(name, data.as_bytes(), span, &cfg)?);
                    }
                    Ok(merged(all))
                })
                .await?,
            );
            app.cache.put(key, parsed.clone());
            parsed
        }
    };
    if let Some(caldav) = &config.caldav {
        // Checked again at every read: a name may point elsewhere by now.
        check_caldav_url(&caldav.url, app.options.private_caldav)
            .await
            .map_err(|why| {
                Failure::new(
                    axum::http::StatusCode::CONFLICT,
                    format!("your CalDAV account: {why}"),
                )
                .nb(format!("CalDAV-kontoen din: {why}"))
            })?;
        let cfg = config.clone();
        let live =
            blocking(move || analysis::read_calendar(analysis::CALDAV, span, None, &cfg)).await?;
        on_caldav = live.iter().map(|m| m.uid.clone()).collect();
        let mut all = calendar.as_ref().clone();
        all.extend(live);
        calendar = Arc::new(merged(all));
        version = None;
    }
    let now = chrono::Utc::now();
    let recent_limits = app
        .store
        .for_owner(user.id)
        .recent_limits(now - chrono::Duration::days(30), now)
        .await?;
    Ok(Read {
        loaded: Loaded::new(window, span, calendar, recent_limits, config),
        version,
        on_caldav,
    })
}

/// Finished answers by a fingerprint of everything they were computed from
/// (see [`fingerprint`]): the same inputs give the same bytes, so a repeated
/// request is not computed again. Like [`Cache`], only a cache.
/// `NEITAKK_ANSWER_CACHE=off` turns it off (every answer computed afresh).
pub struct Answers {
    map: Mutex<HashMap<[u8; 32], axum::body::Bytes>>,
    on: bool,
}

/// Bytes of answers kept at most; past it, start afresh.
const MAX_ANSWER_BYTES: usize = 64 << 20;

impl Default for Answers {
    fn default() -> Answers {
        Answers {
            map: Mutex::default(),
            on: std::env::var("NEITAKK_ANSWER_CACHE").map_or(true, |v| v != "off"),
        }
    }
}

impl Answers {
    pub fn get(&self, key: &[u8; 32]) -> Option<axum::body::Bytes> {
        if !self.on {
            return None;
        }
        self.map.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: [u8; 32], value: axum::body::Bytes) {
        if let (true, Ok(mut map)) = (self.on, self.map.lock()) {
            let held: usize = map.values().map(|v| v.len()).sum();
            if held + value.len() > MAX_ANSWER_BYTES {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// SHA-256 of all a pipeline answer depends on: the user, their whole
/// config (profile, registry, policy), the calendar's version, the window,
/// the journal's recent limits, and what the caller adds (the operation and
/// its parameters). The engine reads no clock, so nothing else matters.
pub fn fingerprint(
    user: &User,
    config: &Config,
    version: &str,
    loaded: &Loaded,
    extra: &str,
) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let limits: std::collections::BTreeMap<_, _> = loaded.recent_limits.iter().collect();
    let mut h = Sha256::new();
    for part in [
        user.id.to_string(),
        format!("{config:?}"),
        version.to_owned(),
        format!("{:?} {:?}", loaded.window, loaded.span),
        format!("{limits:?}"),
        extra.to_owned(),
    ] {
        // Length-prefixed, so that parts cannot run into each other.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// The window a meeting starting at `start` is decided in: a day before,
/// and four weeks after, where a new time is looked for.
pub fn around(start: chrono::DateTime<chrono::Utc>) -> Window {
    Window {
        from: start - chrono::Duration::days(1),
        to: start + chrono::Duration::days(29),
    }
}

/// The occurrence of `uid` starting at `start`.
pub fn find<'a>(
    loaded: &'a Loaded,
    uid: &str,
    start: chrono::DateTime<chrono::Utc>,
) -> Result<&'a Meeting, Failure> {
    loaded
        .calendar
        .iter()
        .find(|m| m.uid == uid && m.start == start)
        .ok_or_else(|| {
            let at = neitakk_ical::expand::rfc3339(start);
            Failure::not_found(format!("no meeting '{uid}' starting at {at}"))
                .nb(format!("Ingen møte «{uid}» som starter {at}."))
        })
}

/// A reply, composed: its messages (edited bodies applied) and e-mails.
pub struct Composed {
    pub strategy: Strategy,
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
}

/// Composes replies in one go; `None` for a meeting with nothing to send
/// (accepted, and attending is recommended).
pub async fn compose(
    config: Config,
    loaded: Loaded,
    items: Vec<Item>,
) -> Result<Vec<Option<Composed>>, Failure> {
    blocking(move || {
        items
            .into_iter()
            .map(|item| compose_one(&config, &loaded, item))
            .collect()
    })
    .await
}

fn compose_one(config: &Config, loaded: &Loaded, item: Item) -> anyhow::Result<Option<Composed>> {
    let Some(mut r) = reply::prepare(config, loaded, &item.meeting, &item.choice)? else {
        return Ok(None);
    };
    if let Some(bodies) = item.bodies {
        if bodies.len() != r.messages.len() {
            return Err(crate::BadInput(format!(
                "the form had {} messages; this reply has {}: reload the page",
                bodies.len(),
                r.messages.len()
            ))
            .into());
        }
        for (m, b) in r.messages.iter_mut().zip(bodies) {
            // Browsers send CRLF from a textarea; the messages use LF.
            m.body = b.replace("\r\n", "\n");
        }
    }
    let emails = r.emails(None)?;
    let calendar_answer = r
        .partstat()
        .filter(|_| item.on_caldav)
        .map(|p| (item.meeting.clone(), p, item.choice.series));
    Ok(Some(Composed {
        calendar_answer,
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
                .add_draft(&NewDraft {
                    uid: &c.entry.uid,
                    strategy: c.strategy.as_str(),
                    kind: &e.kind,
                    recipients: &e.to.join(", "),
                    subject: &e.subject,
                    message_id: &e.message_id,
                    eml: &eml,
                })
                .await?,
        );
    }
    let mut entry = c.entry.clone();
    entry.outbox_path = ids.first().map(|id| format!("outbox/{id}.eml"));
    store.record(&entry).await?;
    Ok(ids)
}

/// The first line of a message left for the user to write: a line that is
/// all in square brackets.
fn unfilled(body: &str) -> Option<&str> {
    body.lines()
        .map(str::trim)
        .find(|l| l.len() > 2 && l.starts_with('[') && l.ends_with(']'))
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
    let server = Arc::new(server);
    for (e, id) in c.emails.iter().zip(&drafts) {
        let (server, from, to, eml) = (server.clone(), c.from.clone(), e.to.clone(), e.eml.clone());
        blocking(move || Ok(neitakk_net::smtp::send(&server, &from, &to, &eml)?)).await?;
        store.mark_draft_sent(*id).await?;
    }
    Ok(drafts)
}

/// What sending a reply did.
pub enum Sent {
    /// This reply to this request went out before: nothing saved or sent.
    Before,
    /// Saved (these drafts) and sent. `calendar_problem`: why the answer
    /// could not be set on the CalDAV event, if it could not.
    Now {
        drafts: Vec<i64>,
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
    if store.sent_at(&c.key).await?.is_some() {
        return Ok(Sent::Before);
    }
    if !same_domain(&c.from, &user.email) {
        let (own, from) = (domain(&user.email), &c.from);
        return Err(Failure::forbidden(format!(
            "replies go out from your own domain ({own}), and {from} is not in it"
        ))
        .nb(format!(
            "Svar sendes fra ditt eget domene ({own}), og {from} er ikke i det."
        )));
    }
    // Lines written for the user to fill in ("[What has been done…?]")
    // must not reach a client.
    if let Some(gap) = c.messages.iter().find_map(|m| unfilled(&m.body)) {
        return Err(Failure::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            format!("fill in what is in brackets before you send: {gap}"),
        )
        .nb(format!(
            "Fyll ut det som står i klammer før du sender: {gap}"
        )));
    }
    let base = app.base.clone();
    let server = blocking(move || crate::delivery::smtp_server(&base))
        .await?
        .ok_or_else(|| {
            Failure::new(
                axum::http::StatusCode::CONFLICT,
                "this server has no SMTP settings ([delivery.smtp]); save the reply to your outbox instead",
            )
            .nb("Denne tjeneren har ikke SMTP-oppsett ([delivery.smtp]). Lagre svaret i utboksen i stedet.")
        })?;
    if let Some(e) = c.emails.iter().find(|e| e.to.is_empty()) {
        return Err(Failure::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "'{}' has no one to go to: save it and send it yourself",
                e.subject
            ),
        )
        .nb(format!(
            "«{}» har ingen mottaker. Lagre den og send den selv.",
            e.subject
        )));
    }
    // The reply is claimed before anything goes out, so that two sends at
    // the same moment (a double click) send it once; a failure gives the
    // claim back.
    let answer = c
        .emails
        .iter()
        .find(|e| e.carries_answer)
        .or(c.emails.first());
    if let Some(e) = answer {
        match store.mark_sent(&c.key, &e.message_id, &e.to).await {
            Ok(()) => {}
            Err(neitakk_store::Error::Conflict { .. }) => return Ok(Sent::Before),
            Err(other) => return Err(other.into()),
        }
    }
    let sent = send_all(app, user, c, server).await;
    let drafts = match sent {
        Ok(drafts) => drafts,
        Err(e) => {
            store.unmark_sent(&c.key).await?;
            return Err(e);
        }
    };
    // The mail is out; a calendar that will not take the answer does not
    // undo that, it is told.
    let calendar_problem = match c.calendar_answer.clone() {
        Some((meeting, partstat, series)) => {
            let config = config.clone();
            blocking(move || crate::delivery::update_partstat(&config, &meeting, partstat, series))
                .await
                .err()
                .map(|f| f.message)
        }
        None => None,
    };
    Ok(Sent::Now {
        drafts,
        calendar_problem,
    })
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_public_addresses_are_public() {
        let public = |s: &str| is_public(s.parse().unwrap());
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.1.2.3",
            "100.64.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(!public(private), "{private}");
        }
        for ok in ["93.184.216.34", "2606:2800:220:1::", "64:ff9b::5db8:d822"] {
            assert!(public(ok), "{ok}");
        }
    }
}
