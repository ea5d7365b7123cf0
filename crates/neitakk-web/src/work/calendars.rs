//! A user's calendars: uploads checked and stored, read over a window
//! (parsed once per upload set and cached), merged, and searched.

use super::*;
use neitakk_store::accounts::CalendarLink;

/// Stores an uploaded calendar for a user, once it has been read without
/// error (so that nothing unreadable is stored): its id, and the ISO week
/// of its next meeting, if it has one.
pub async fn add_calendar(
    app: &App,
    user: &User,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(i64, Option<String>), Failure> {
    let text = calendar_text(name, bytes)?;
    let week = check_calendar(app, zone(app, user), name, &text).await?;
    let id = app
        .store
        .add_calendar(user.id, name, &text, app.clock.now())
        .await?;
    Ok((id, week))
}

/// A calendar's bytes as text: UTF-8, and not empty.
fn calendar_text(name: &str, bytes: Vec<u8>) -> Result<String, Failure> {
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::bad(format!("{name} is not a calendar: it is not UTF-8 text")).nb(format!(
            "{name} er ikke en kalender: det er ikke UTF-8-tekst."
        ))
    })?;
    if text.trim().is_empty() {
        return Err(Failure::bad(format!("{name} is empty")).nb(format!("{name} er tom.")));
    }
    Ok(text)
}

/// Reads a calendar over two years around now, as its user's zone says:
/// an error if it cannot be read, else the ISO week of its next meeting.
async fn check_calendar(
    app: &App,
    tz: neitakk_core::Tz,
    name: &str,
    text: &str,
) -> Result<Option<String>, Failure> {
    let mut config = app.config_now();
    config.profile.timezone = tz;
    let (n, t) = (name.to_owned(), text.to_owned());
    heavy(app, move || {
        let now = config.now;
        let year = Window {
            from: now - chrono::Duration::days(366),
            to: now + chrono::Duration::days(366),
        };
        let meetings = analysis::read_text(
            &n,
            t.as_bytes(),
            year,
            None,
            analysis::Purpose::Assess,
            &config,
        )
        .map_err(|e| unreadable(&n, e))?
        .occurrences;
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
    .await
}

/// Adds a calendar by its published link (Google's secret ICS address,
/// Outlook's published calendar…): the address is checked as a CalDAV
/// account's is (public addresses only, no redirect), the calendar fetched
/// and read before it is stored. Its id, and the week of its next meeting.
pub async fn add_calendar_link(
    app: &App,
    user: &User,
    link: &str,
) -> Result<(i64, Option<String>), Failure> {
    let url = neitakk_net::feed::address(link.trim()).ok_or_else(|| {
        Failure::bad(format!(
            "'{link}' is not a calendar link (https:// or webcal://)"
        ))
        .nb(format!(
            "«{link}» er ikke en kalenderlenke (https:// eller webcal://)."
        ))
    })?;
    let name = link_name(&url);
    let mut found = CalendarLink {
        id: 0,
        user_id: user.id,
        url,
        etag: None,
        last_modified: None,
    };
    let Some(text) = fetch_link(app, &mut found, &name).await? else {
        return Err(Failure::new(
            Kind::Remote,
            "the calendar link answered 304 to a first fetch",
        ));
    };
    let week = check_calendar(app, zone(app, user), &name, &text).await?;
    let id = app
        .store
        .add_calendar_link(user.id, &name, &found, &text, app.clock.now())
        .await?;
    Ok((id, week))
}

/// A link calendar's name: its host (the rest may be a secret).
fn link_name(url: &str) -> String {
    format!("{} (link)", neitakk_net::feed::host(url))
}

/// Fetches a link's calendar if it changed (its validators updated in
/// `link`); `None` when it did not.
async fn fetch_link(
    app: &App,
    link: &mut CalendarLink,
    name: &str,
) -> Result<Option<String>, Failure> {
    // Checked again at every fetch: a name may point elsewhere by now.
    check_caldav_url(&link.url, app.options.private_caldav)
        .await
        .map_err(|why| Failure::bad(format!("{name}: {why}")).nb(format!("{name}: {why}")))?;
    let (url, kept) = (
        link.url.clone(),
        neitakk_net::feed::Validators {
            etag: link.etag.clone(),
            last_modified: link.last_modified.clone(),
        },
    );
    let fetched = blocking(move || {
        let max = neitakk_pipeline::published::MAX_BYTES;
        Ok(neitakk_net::feed::fetch(
            &url,
            &kept,
            std::time::Duration::from_secs(30),
            max,
            0,
        ))
    })
    .await?
    .map_err(|e| {
        let kind = if e.is_unreachable() {
            Kind::Remote
        } else {
            Kind::Unprocessable
        };
        Failure::new(kind, format!("{name}: {e}")).nb(format!("{name}: {e}"))
    })?;
    match fetched {
        neitakk_net::feed::Fetched::NotModified => Ok(None),
        neitakk_net::feed::Fetched::Changed { body, validators } => {
            link.etag = validators.etag;
            link.last_modified = validators.last_modified;
            Ok(Some(calendar_text(name, body)?))
        }
    }
}

/// Fetches the link calendars anew (one user's, or everyone's): a changed
/// one is read and stored, one that cannot be fetched or read is kept as it
/// was. What went wrong, one line per link.
pub async fn refresh_links(app: &App, user_id: Option<i64>) -> Result<Vec<String>, Failure> {
    let mut problems = Vec::new();
    for mut link in app.store.calendar_links(user_id).await? {
        let name = link_name(&link.url);
        let refreshed = async {
            if let Some(text) = fetch_link(app, &mut link, &name).await? {
                check_calendar(app, app.base.profile.timezone, &name, &text).await?;
                app.store
                    .refresh_calendar_link(&link, &text, app.clock.now())
                    .await?;
            }
            Ok::<_, Failure>(())
        };
        if let Err(e) = refreshed.await {
            tracing::warn!(
                "calendar link {} of user {}: {}",
                link.id,
                link.user_id,
                e.message
            );
            problems.push(e.message);
        }
    }
    Ok(problems)
}

/// A user's uploaded calendars parsed over a span, by (their ids and upload
/// times, the span, the zone): parsed once, shared by every request after.
#[derive(Default)]
pub struct Cache(Mutex<HashMap<CacheKey, Parsed>>);

type CacheKey = (Vec<(i64, String)>, Window, String);

/// Uploads read over a span: their meetings, merged, and the notes on any
/// that was read only in part.
#[derive(Clone)]
struct Parsed {
    meetings: Arc<Vec<Meeting>>,
    notes: Vec<Note>,
    bytes: usize,
    /// The meetings' index once a request built it, for the next ones.
    index: analysis::IndexSlot,
}

/// Something the pages should say about a calendar, in English and bokmål.
pub type Note = (String, String);

impl Cache {
    /// Bytes of meetings kept at most; past it, start afresh. One read
    /// weighs a few hundred MB at most (`neitakk_ical::Limits`).
    const MAX_BYTES: usize = 512 << 20;

    fn get(&self, key: &CacheKey) -> Option<Parsed> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: CacheKey, value: Parsed) {
        if value.bytes > Self::MAX_BYTES / 2 {
            return;
        }
        if let Ok(mut map) = self.0.lock() {
            let held: usize = map.values().map(|v| v.bytes).sum();
            if held + value.bytes > Self::MAX_BYTES {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// An upload that is not a calendar, said in both of the pages' languages.
fn unreadable(name: &str, e: neitakk_ical::Error) -> Failure {
    let nb = match &e {
        neitakk_ical::Error::NotACalendar { .. } => {
            format!("{name} er ikke en iCalendar-fil (den har ingen BEGIN:VCALENDAR).")
        }
        neitakk_ical::Error::NoCalendarPart { .. } => {
            format!("{name} er en e-post uten kalenderdel (text/calendar).")
        }
        neitakk_ical::Error::Io { .. } => format!("{name} kan ikke leses."),
    };
    Failure::new(Kind::Unprocessable, e.to_string()).nb(nb)
}

/// Reads calendar text over a window, as the command line reads a file:
/// its meetings, and a note if it was larger than one read takes.
pub fn parse(
    name: &str,
    data: &[u8],
    span: Window,
    config: &Config,
) -> neitakk_pipeline::Result<(Vec<Meeting>, Option<Note>)> {
    let cal = analysis::read_text(name, data, span, None, analysis::Purpose::Answer, config)?;
    for w in &cal.warnings {
        tracing::debug!("{w}");
    }
    let note = cal.partial.map(|why| {
        (
            format!("{name} is larger than neitakk reads at once, so some of its meetings are left out: {why}."),
            format!("{name} er større enn neitakk leser på én gang, så noen av møtene i den er utelatt."),
        )
    });
    Ok((cal.occurrences, note))
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
    /// Whether the user has any calendar at all (an upload or CalDAV).
    pub has_calendar: bool,
    /// What the pages should say about the calendars: one that did not
    /// answer, one read only in part.
    pub notes: Vec<Note>,
}

/// [`load`], with the version of what was read and what came from CalDAV.
pub async fn read(
    app: &App,
    user: &User,
    config: &Config,
    window: Window,
) -> Result<Read, Failure> {
    let span = Loaded::span(window, config);
    let seen = seen(app, user, config.now).await?;
    let calendars = &seen.calendars;
    let key: CacheKey = (
        calendars
            .iter()
            .map(|c| (c.id, c.uploaded_at.clone()))
            .collect(),
        span,
        config.profile.timezone.name().to_owned(),
    );
    let mut version = Some(
        key.0
            .iter()
            .map(|(id, at)| format!("{id}@{at}"))
            .collect::<Vec<_>>()
            .join(","),
    );
    let mut on_caldav = HashSet::new();
    let parsed = match app.cache.get(&key) {
        Some(parsed) => parsed,
        None => {
            let mut texts = Vec::new();
            for info in calendars {
                // A calendar deleted meanwhile is left out.
                if let Some(data) = app.store.calendar(user.id, info.id).await? {
                    texts.push((info.name.clone(), data));
                }
            }
            let cfg = config.clone();
            let parsed = heavy(app, move || {
                let (mut all, mut notes) = (Vec::new(), Vec::new());
                for (name, data) in &texts {
                    let (meetings, note) = parse(name, data.as_bytes(), span, &cfg)?;
                    all.extend(meetings);
                    notes.extend(note);
                }
                let meetings = merged(all);
                Ok(Parsed {
                    bytes: neitakk_core::held_bytes(&meetings),
                    meetings: Arc::new(meetings),
                    notes,
                    index: Default::default(),
                })
            })
            .await?;
            app.cache.put(key, parsed.clone());
            parsed
        }
    };
    let (mut calendar, mut notes, index_slot) = (parsed.meetings, parsed.notes, parsed.index);
    if let Some(caldav) = &config.caldav {
        // Checked again at every read: a name may point elsewhere by now.
        check_caldav_url(&caldav.url, app.options.private_caldav)
            .await
            .map_err(|why| {
                Failure::new(Kind::Conflict, format!("your CalDAV account: {why}"))
                    .nb(format!("CalDAV-kontoen din: {why}"))
            })?;
        let cfg = config.clone();
        let live = heavy(app, move || {
            Ok(analysis::read_calendar(
                analysis::CALDAV,
                span,
                None,
                analysis::Purpose::Answer,
                &cfg,
            ))
        })
        .await?;
        match live {
            Ok(live) => {
                on_caldav = live.iter().map(|m| m.uid.clone()).collect();
                let mut all = calendar.as_ref().clone();
                all.extend(live);
                calendar = Arc::new(merged(all));
            }
            // A server that does not answer does not hold the page: the
            // other calendars are shown, with a note.
            Err(e) if e.is_unreachable() => {
                tracing::warn!("CalDAV for user {}: {e}", user.id);
                notes.push((
                    format!(
                        "Your CalDAV calendar did not answer, so it is left out for now ({e})."
                    ),
                    format!("CalDAV-kalenderen din svarte ikke, så den er utelatt nå ({e})."),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        version = None;
    }
    let recent_limits = seen.recent_limits(config.now);
    let mut loaded = Loaded::new(window, span, calendar, recent_limits, config);
    // Kept with the parsed calendar (a calendar merged with CalDAV's is
    // new at every read, and its index is not the slot's).
    loaded.index_slot = index_slot;
    Ok(Read {
        loaded,
        version,
        on_caldav,
        has_calendar: !calendars.is_empty() || config.caldav.is_some(),
        notes,
    })
}

/// One meeting in its context: the user's config, their calendars read
/// around it, and the occurrence itself.
pub struct Around {
    pub config: Config,
    pub read: Read,
    pub meeting: Meeting,
}

/// The occurrence of `uid` starting at `start`, with what deciding it needs.
pub async fn meeting_around(
    app: &App,
    user: &User,
    uid: &str,
    start: chrono::DateTime<chrono::Utc>,
) -> Result<Around, Failure> {
    let config = user_config(app, user).await?;
    let at = Some(analysis::At::Instant(start));
    let window = analysis::around(at, config.profile.timezone, config.now);
    let read = read(app, user, &config, window).await?;
    let meeting = find(&read.loaded, uid, start, &config)?.clone();
    Ok(Around {
        config,
        read,
        meeting,
    })
}

/// The window a meeting starting at `start` is decided in: a day before,
/// and four weeks after, where a new time is looked for.
/// The occurrence of `uid` starting at `start`.
fn find<'a>(
    loaded: &'a Loaded,
    uid: &str,
    start: chrono::DateTime<chrono::Utc>,
    config: &Config,
) -> Result<&'a Meeting, Failure> {
    let at = Some(neitakk_pipeline::analysis::At::Instant(start));
    let tz = config.profile.timezone;
    neitakk_pipeline::analysis::find(&loaded.calendar, uid, at, loaded.span, tz, config.now)
        .map_err(|_| {
            let at = neitakk_ical::expand::rfc3339(start);
            Failure::not_found(format!("no meeting '{uid}' starting at {at}"))
                .nb(format!("Ingen møte «{uid}» som starter {at}."))
        })
}

/// The notes in the page's language, as one text; `None` when there are none.
pub fn notes_in(notes: &[Note], lang: Lang) -> Option<String> {
    let texts: Vec<&str> = notes
        .iter()
        .map(|(en, nb)| if lang == Lang::Nb { nb } else { en }.as_str())
        .collect();
    (!texts.is_empty()).then(|| texts.join(" "))
}
