//! The web pages: server-rendered HTML from embedded templates, forms with
//! CSRF tokens, and no JavaScript needed.

use super::auth::{self, Peer, Session, FORM_COOKIE};
use super::failure::Failure;
use super::text::{pick, text, texts};
use super::work::{self, Item, Settings};
use super::App;
use crate::analysis::{self, Assessed, Loaded};
use crate::commands::{explain, plan, reply::Choice};
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use minijinja::{context, Environment, Value};
use neitakk_compose::{dates, words, Audience};
use neitakk_core::facts::Overrides;
use neitakk_core::{Client, Lang, Reason, Risk, Strategy};
use neitakk_ical::expand::rfc3339;
use neitakk_ical::Window;
use neitakk_store::accounts::Role;
use std::str::FromStr;
use std::sync::Arc;

type Page = Result<Response, Failure>;
type Query_ = Result<Query<Vec<(String, String)>>, QueryRejection>;
type Fields_ = Result<Form<Vec<(String, String)>>, FormRejection>;
type Multipart_ = Result<Multipart, MultipartRejection>;

pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("setup.html", include_str!("templates/setup.html")),
    ("week.html", include_str!("templates/week.html")),
    ("meeting.html", include_str!("templates/meeting.html")),
    ("plan.html", include_str!("templates/plan.html")),
    ("clients.html", include_str!("templates/clients.html")),
    ("journal.html", include_str!("templates/journal.html")),
    ("outbox.html", include_str!("templates/outbox.html")),
    ("calendars.html", include_str!("templates/calendars.html")),
    ("settings.html", include_str!("templates/settings.html")),
    ("users.html", include_str!("templates/users.html")),
    ("draft.html", include_str!("templates/draft.html")),
];

const STYLE: &str = include_str!("static/style.css");
const SCRIPT: &str = include_str!("static/app.js");

pub fn environment() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// A submitted form's fields, in order (a field may repeat).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn read(form: Fields_, lang: Lang) -> Result<Fields, Failure> {
        form.map(|Form(pairs)| Fields(pairs)).map_err(|e| {
            Failure::bad(format!(
                "{} ({})",
                pick(
                    lang,
                    "The form could not be read.",
                    "Skjemaet kunne ikke leses."
                ),
                e.body_text()
            ))
            .lang(lang)
        })
    }

    /// A field, trimmed; "" when missing.
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// A parameter's first value, as given.
    fn param(&self, name: &str) -> Option<&String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The reasons given (`reason`, repeated); an unknown one is an error.
    fn reasons(&self, lang: Lang) -> Result<Vec<Reason>, Failure> {
        self.all("reason")
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| Reason::from_str(r).map_err(|e| Failure::bad(e).lang(lang)))
            .collect()
    }

    /// A field as typed, not trimmed (passwords).
    fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A field that was filled in.
    fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_owned()).filter(|v| !v.is_empty())
    }

    /// Every value of a repeated field, untrimmed.
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn query(q: Query_, lang: Lang) -> Result<Fields, Failure> {
    q.map(|Query(pairs)| Fields(pairs)).map_err(|e| {
        Failure::bad(format!(
            "{} ({})",
            pick(
                lang,
                "The address could not be read.",
                "Adressen kunne ikke leses."
            ),
            e.body_text()
        ))
        .lang(lang)
    })
}

/// The notice for `?done=...`, the word a form leaves when it did its work.
fn done_notice(q: &Fields, lang: Lang) -> Option<&'static str> {
    let key = match q.param("done")?.as_str() {
        "settings" => "done_settings",
        "password" => "done_password",
        "revoked" => "done_revoked",
        "user" => "done_user",
        "removed" => "done_removed",
        "reset" => "done_reset",
        "client" => "done_client",
        "client_deleted" => "done_client_deleted",
        "imported" => "done_imported",
        "uploaded" => "done_uploaded",
        "calendar_deleted" => "done_calendar_deleted",
        "draft_deleted" => "done_draft_deleted",
        "caldav" => "done_caldav",
        "caldav_removed" => "done_caldav_removed",
        _ => return None,
    };
    Some(text(lang, key))
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// A page link with query parameters, encoded.
fn link(path: &str, params: &[(&str, &str)]) -> String {
    let params: Vec<_> = params.iter().filter(|(_, v)| !v.is_empty()).collect();
    match serde_urlencoded::to_string(&params) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// Reasons as query parameters, to carry them from page to page.
fn reason_params(reasons: &[Reason]) -> Vec<(&'static str, &'static str)> {
    reasons.iter().map(|r| ("reason", r.as_str())).collect()
}

/// The reasons a person may give, for a form's check boxes.
fn reason_choices(given: &[Reason], lang: Lang) -> Vec<Value> {
    Reason::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => words::reason(*r, lang), checked => given.contains(r) })
        .collect()
}

fn meeting_link(uid: &str, start: DateTime<Utc>, extra: &[(&str, &str)]) -> String {
    let start = rfc3339(start);
    let mut params = vec![("uid", uid), ("start", start.as_str())];
    params.extend_from_slice(extra);
    link("/meeting", &params)
}

/// Renders a page for a logged-in user (or, with `None`, a public one).
fn render(app: &App, s: Option<&Session>, lang: Lang, name: &str, page: &str, ctx: Value) -> Page {
    let t = |k| text(lang, k);
    let menu: Vec<Value> = s
        .map(|s| {
            let mut items = vec![
                ("week", "/week", t("week")),
                ("plan", "/plan", t("plan")),
                ("clients", "/clients", t("clients")),
                ("journal", "/journal", t("journal")),
                ("outbox", "/outbox", t("outbox")),
                ("calendars", "/calendars", t("calendars")),
                ("settings", "/settings", t("settings")),
            ];
            if s.user.role == Role::Admin {
                items.push(("users", "/users", t("users")));
            }
            items
                .into_iter()
                .map(|(key, href, label)| context! { href, label, current => key == page })
                .collect()
        })
        .unwrap_or_default();
    let full = context! {
        lang => lang.as_str(),
        t => texts(lang),
        user => s.map(|s| context! { name => s.user.name, admin => s.user.role == Role::Admin }),
        csrf => s.map(|s| s.csrf.clone()),
        menu,
        min_password => auth::MIN_PASSWORD,
        ..ctx
    };
    let html = app
        .pages
        .get_template(name)
        .and_then(|t| t.render(full))
        .map_err(|e| Failure::from(anyhow::anyhow!("page {name}: {e:#}")).lang(lang))?;
    Ok(Html(html).into_response())
}

pub async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let logged_in = match auth::read_cookie(&headers, auth::SESSION_COOKIE) {
        Some(token) => app
            .store
            .session_user(&auth::token_hash(&token), Utc::now())
            .await
            .ok()
            .flatten()
            .is_some(),
        None => false,
    };
    redirect(if logged_in { "/week" } else { "/login" })
}

/// A public form's page, with a fresh double-submit CSRF cookie.
fn public_form(app: &App, headers: &HeaderMap, name: &str, ctx: Value) -> Page {
    let lang = auth::browser_lang(headers);
    let token = auth::random_token();
    let mut page = render(
        app,
        None,
        lang,
        name,
        "",
        context! { form_token => token.clone(), ..ctx },
    )?;
    let cookie = auth::cookie(app, FORM_COOKIE, &token, 3600);
    if let Ok(value) = cookie.parse() {
        page.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(page)
}

/// A public form's CSRF check: the field matches the cookie.
fn check_public_form(headers: &HeaderMap, fields: &Fields, lang: Lang) -> Result<(), Failure> {
    match auth::read_cookie(headers, FORM_COOKIE) {
        Some(cookie) if auth::same(&cookie, fields.get("csrf")) => Ok(()),
        _ => Err(auth::stale_form(lang)),
    }
}

/// Sets the session cookie and goes on to `to`.
fn logged_in(app: &App, cookie: String, to: &str) -> Response {
    let mut r = redirect(to);
    if let Ok(v) = cookie.parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    if let Ok(v) = auth::cookie(app, FORM_COOKIE, "", 0).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn check_password(password: &str, lang: Lang) -> Result<(), Failure> {
    if password.chars().count() < auth::MIN_PASSWORD {
        let n = auth::MIN_PASSWORD;
        return Err(Failure::bad(match lang {
            Lang::Nb => format!("Passordet må ha minst {n} tegn."),
            Lang::En => format!("The password needs at least {n} characters."),
        })
        .lang(lang));
    }
    Ok(())
}

fn check_email(email: &str, lang: Lang) -> Result<(), Failure> {
    let ok = email.split_once('@').is_some_and(|(u, d)| {
        !u.is_empty() && d.contains('.') && !email.contains(char::is_whitespace)
    });
    if ok {
        Ok(())
    } else {
        Err(Failure::bad(match lang {
            Lang::Nb => format!("«{email}» er ikke en e-postadresse."),
            Lang::En => format!("'{email}' is not an e-mail address."),
        })
        .lang(lang))
    }
}

pub async fn setup_form(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Page {
    check_link(&token, &headers)?;
    if !app
        .store
        .setup_link_open(&auth::token_hash(&token), Utc::now())
        .await?
    {
        return Err(link_used(auth::browser_lang(&headers)));
    }
    public_form(&app, &headers, "setup.html", context! { token })
}

/// A setup link that has done its work, or is too old.
fn link_used(lang: Lang) -> Failure {
    Failure::forbidden(pick(
        lang,
        "This setup link has been used or has expired, or the server already has an admin. \
         Log in instead. (While there are no users, restarting neitakk serve prints a new link.)",
        "Denne lenken er brukt eller utløpt, eller tjeneren har allerede en administrator. \
         Logg inn i stedet. (Så lenge det ikke finnes brukere, gir en omstart av neitakk serve en ny lenke.)",
    ))
    .lang(lang)
}

/// A setup link's token is 32 random bytes in URL-safe base64: anything
/// else is no link of ours.
fn check_link(token: &str, headers: &HeaderMap) -> Result<(), Failure> {
    let ok = token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        let lang = auth::browser_lang(headers);
        Err(Failure::not_found(pick(
            lang,
            "No such setup link.",
            "Ingen slik oppsettlenke.",
        ))
        .lang(lang))
    }
}

pub async fn setup(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: Fields_,
) -> Page {
    check_link(&token, &headers)?;
    let lang = auth::browser_lang(&headers);
    let f = Fields::read(form, lang)?;
    check_public_form(&headers, &f, lang)?;
    let (name, email, password) = (f.get("name"), f.get("email"), f.raw("password"));
    if name.is_empty() {
        return Err(Failure::bad(pick(lang, "Give your name.", "Skriv navnet ditt.")).lang(lang));
    }
    check_email(email, lang)?;
    check_password(password, lang)?;
    let hash = auth::hash_password(password)?;
    let Some(id) = app
        .store
        .create_first_admin(&auth::token_hash(&token), Utc::now(), email, name, &hash)
        .await?
    else {
        return Err(link_used(lang));
    };
    let cookie = auth::start_session(&app, id).await?;
    Ok(logged_in(&app, cookie, "/calendars"))
}

pub async fn login_form(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    public_form(&app, &headers, "login.html", context! { email => "" })
}

pub async fn login(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Peer,
    form: Fields_,
) -> Page {
    let lang = auth::browser_lang(&headers);
    let f = Fields::read(form, lang)?;
    check_public_form(&headers, &f, lang)?;
    let email = f.get("email").to_ascii_lowercase();
    auth::check_rate(&app, &email, &peer, lang).await?;
    let user = app.store.user_by_email(&email).await?;
    let password = f.raw("password");
    let ok = match &user {
        Some(u) => auth::password_matches(&u.password_hash, password),
        None => {
            // The same work as a real check, so that timing does not tell
            // which addresses have accounts.
            let _ = auth::hash_password(password);
            false
        }
    };
    match user {
        Some(u) if ok => {
            app.store.delete_expired_sessions(Utc::now()).await?;
            let cookie = auth::start_session(&app, u.id).await?;
            Ok(logged_in(&app, cookie, "/week"))
        }
        _ => {
            auth::note_failure(&app, &email, &peer).await?;
            let message = if lang == Lang::Nb {
                "Feil e-post eller passord."
            } else {
                "Wrong e-mail or password."
            };
            let mut page = public_form(
                &app,
                &headers,
                "login.html",
                context! { email, notice => message },
            )?;
            *page.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(page)
        }
    }
}

pub async fn logout(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    app.store.delete_session(&s.token_hash).await?;
    let mut r = redirect("/login");
    if let Ok(v) = auth::cookie(&app, auth::SESSION_COOKIE, "", 0).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// The ISO week a `week` parameter names, else this week; its window.
fn week_of(
    param: Option<&String>,
    tz: chrono_tz::Tz,
    lang: Lang,
) -> Result<(String, Window), Failure> {
    let w = match param.filter(|w| !w.is_empty()) {
        Some(w) => analysis::parse_week(w, tz),
        None => analysis::window(None, None, None, tz),
    }
    .map_err(|e| Failure::from(e).lang(lang))?;
    Ok((week_name(w.from, tz), w))
}

fn week_name(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let (y, n) = neitakk_core::facts::iso_week(t, tz);
    format!("{y}-W{n:02}")
}

fn strategy_class(a: &Assessed) -> &'static str {
    if a.decision.is_decided() {
        a.decision.recommended.strategy.as_str()
    } else {
        "internal"
    }
}

/// What a choice frees, saying how much of it is travel.
fn frees(total: u32, travel: u32, lang: Lang) -> String {
    match (total, travel, lang) {
        (0, ..) => String::new(),
        (t, 0, _) => format!("{t} min"),
        (t, r, Lang::Nb) => format!("{t} min, {r} av dem reise"),
        (t, r, Lang::En) => format!("{t} min, {r} of them travel"),
    }
}

fn minutes(m: u32) -> String {
    if m > 0 {
        format!("{m} min")
    } else {
        String::new()
    }
}

/// The week board's data: days with cards, and the load. `answered`: what
/// was decided for a meeting (by its `uid|recurrence-id`), newest first.
fn board(
    config: &crate::config::Config,
    loaded: &Loaded,
    lang: Lang,
    reasons: &[Reason],
    answered: &std::collections::HashMap<String, Strategy>,
) -> Value {
    let tz = config.profile.timezone;
    let index = loaded.index(config);
    let overrides = Overrides {
        reasons: reasons.to_vec(),
        ..Default::default()
    };
    let given = reason_params(reasons);
    let assessed: Vec<Assessed> = loaded.assess_all(&index, config, &overrides).collect();
    let w = loaded.window;
    let monday = w.from.with_timezone(&tz).date_naive();
    let days: Vec<Value> = (0..7)
        .filter_map(|i| {
            let day = monday + Duration::days(i);
            let cards: Vec<Value> = assessed
                .iter()
                .filter(|a| a.meeting.start.with_timezone(&tz).date_naive() == day)
                .map(|a| {
                    let m = &a.meeting;
                    let r = &a.decision.recommended;
                    context! {
                        class => strategy_class(a),
                        href => meeting_link(&m.uid, m.start, &given),
                        time => format!("{}–{}", dates::time(m.start, tz, lang), dates::time(m.end, tz, lang)),
                        summary => m.summary.as_deref().unwrap_or(&m.uid),
                        client => a.facts.client.clone().unwrap_or_else(|| if lang == Lang::Nb { "internt" } else { "internal" }.into()),
                        strategy => if a.decision.is_decided() { words::strategy(r.strategy, lang) } else { "–" },
                        frees => if a.decision.is_decided() { frees(r.minutes_freed, r.travel_minutes_freed, lang) } else { String::new() },
                        answered => answered
                            .get(&neitakk_store::meeting_key(&m.uid, m.recurrence_id.as_deref()))
                            .map(|s| words::strategy(*s, lang)),
                    }
                })
                .collect();
            // The weekend only when something happens then.
            (i < 5 || !cards.is_empty()).then(|| {
                let noon = analysis::midnight(day, tz) + Duration::hours(12);
                context! { label => dates::date(noon, tz, lang), meetings => cards }
            })
        })
        .collect();
    let meeting_minutes = index.week_minutes(w.from);
    let freed: u32 = assessed
        .iter()
        .filter(|a| a.decision.is_decided())
        .map(|a| {
            let r = &a.decision.recommended;
            r.minutes_freed.saturating_sub(r.travel_minutes_freed)
        })
        .sum();
    let freed = freed.min(meeting_minutes);
    let cap = config.profile.weekly_cap_minutes;
    let scale = f64::from(meeting_minutes.max(cap).max(60)) * 1.1;
    let pct = |m: u32| format!("{:.1}", f64::from(m) / scale * 100.0);
    let h = |m: u32| words::hours(m, lang);
    let load_text = if lang == Lang::Nb {
        format!(
            "{} i møter; taket er {}. Anbefalingene frigjør {} møtetid.",
            h(meeting_minutes),
            h(cap),
            h(freed)
        )
    } else {
        format!(
            "{} of meetings; the cap is {}. The recommendations free {} of meeting time.",
            h(meeting_minutes),
            h(cap),
            h(freed)
        )
    };
    let mut legend: Vec<&Strategy> = Strategy::ALL
        .iter()
        .filter(|s| **s != Strategy::LessOften)
        .collect();
    legend.sort_by_key(|s| {
        assessed
            .iter()
            .all(|a| !a.decision.is_decided() || a.decision.recommended.strategy != **s)
    });
    context! {
        days,
        kept_pct => pct(meeting_minutes - freed),
        freed_pct => pct(freed),
        cap_pct => pct(cap),
        load_text,
        legend => legend.iter().map(|s| context! { class => s.as_str(), label => words::strategy(**s, lang) }).collect::<Vec<_>>(),
    }
}

pub async fn week(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let config = work::user_config(&app, &s.user).await?;
    let tz = config.profile.timezone;
    let (week, w) = week_of(q.param("week"), tz, lang)?;
    let has_calendar = !app.store.calendars(s.user.id).await?.is_empty() || config.caldav.is_some();
    let loaded = work::load(&app, &s.user, &config, w).await?;
    let reasons = q.reasons(lang)?;
    let choices = reason_choices(&reasons, lang);
    // What was decided already, newest decision first (the journal's order).
    let mut answered = std::collections::HashMap::new();
    for e in app.store.for_owner(s.user.id).entries(None).await? {
        answered
            .entry(neitakk_store::meeting_key(
                &e.uid,
                e.recurrence_id.as_deref(),
            ))
            .or_insert(e.strategy);
    }
    let board =
        work::blocking(move || Ok(board(&config, &loaded, lang, &reasons, &answered))).await?;
    let (_, n) = neitakk_core::facts::iso_week(w.from, tz);
    let last_day = w.to - Duration::hours(12);
    let range = format!(
        "{} – {}",
        dates::date(w.from + Duration::hours(12), tz, lang),
        dates::date(last_day, tz, lang)
    );
    render(
        &app,
        Some(&s),
        lang,
        "week.html",
        "week",
        context! {
            week,
            week_number => n,
            range,
            prev => week_name(w.from - Duration::days(7), tz),
            next => week_name(w.from + Duration::days(7), tz),
            has_calendar,
            notice => done_notice(&q, lang),
            reasons => choices,
            ..board
        },
    )
}

/// The meeting a page or form names by `uid` and `start`, in its calendar.
async fn meeting_in_context(
    app: &App,
    s: &Session,
    uid: &str,
    start: &str,
) -> Result<(crate::config::Config, work::Read, DateTime<Utc>), Failure> {
    let start = DateTime::parse_from_rfc3339(start)
        .map_err(|_| {
            Failure::bad(match s.lang {
                Lang::Nb => format!("«{start}» er ikke et starttidspunkt (RFC 3339)."),
                Lang::En => format!("'{start}' is not a meeting start (RFC 3339)."),
            })
            .lang(s.lang)
        })?
        .with_timezone(&Utc);
    if uid.is_empty() {
        return Err(Failure::bad(pick(
            s.lang,
            "Which meeting? The uid is missing.",
            "Hvilket møte? uid mangler.",
        ))
        .lang(s.lang));
    }
    let config = work::user_config(app, &s.user).await?;
    let read = work::read(app, &s.user, &config, work::around(start)).await?;
    work::find(&read.loaded, uid, start).map_err(|e| e.lang(s.lang))?;
    Ok((config, read, start))
}

fn parse_choice(
    strategy: Option<&str>,
    lang_tag: Option<&str>,
    lang: Lang,
) -> Result<Choice, Failure> {
    Ok(Choice {
        strategy: strategy
            .filter(|v| !v.is_empty())
            .map(Strategy::from_str)
            .transpose()
            .map_err(|e| Failure::bad(e).lang(lang))?,
        lang: lang_tag.and_then(Lang::from_tag),
        ..Choice::default()
    })
}

pub async fn meeting(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let get = |k: &str| q.param(k).map(String::as_str);
    let uid = get("uid").unwrap_or_default().to_owned();
    let (config, read, start) =
        meeting_in_context(&app, &s, &uid, get("start").unwrap_or_default()).await?;
    let on_caldav = read.on_caldav.contains(&uid);
    let loaded = read.loaded;
    let mut choice = parse_choice(get("strategy"), get("lang"), lang)?;
    choice.reasons = q.reasons(lang)?;
    let given = reason_params(&choice.reasons);
    let tz = config.profile.timezone;
    let can_send = app.base.smtp.is_some();
    let (cfg, l, u, c) = (config.clone(), loaded.clone(), uid.clone(), choice.clone());
    // The facts, the trail and the choices, as `explain` gives them.
    let (facts, trail, assessed) = work::blocking(move || {
        let m = work::find(&l, &u, start).map_err(|f| anyhow::anyhow!(f.message))?;
        let index = l.index(&cfg);
        let overrides = Overrides {
            reasons: c.reasons.clone(),
            ..Default::default()
        };
        let a = l.assess(&index, m, &cfg, &overrides);
        let facts: Vec<(String, String)> = explain::fact_rows(&a.facts, lang)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let trail: Vec<String> = a
            .decision
            .trail
            .iter()
            .map(|s| words::step(s, lang))
            .collect();
        Ok((facts, trail, a))
    })
    .await?;
    let m = assessed.meeting.clone();
    let decided =
        assessed.decision.is_decided() && assessed.facts.role != neitakk_core::Role::Organizer;
    // A reply only where there is one to write.
    let composed = if decided {
        let items = vec![Item {
            meeting: m.clone(),
            choice: choice.clone(),
            bodies: None,
            on_caldav,
        }];
        work::compose(config, loaded, items)
            .await
            .map_err(|f| f.lang(lang))?
            .pop()
            .flatten()
    } else {
        None
    };
    let current = composed.as_ref().map(|c| c.strategy);
    let choices: Vec<Value> = if decided {
        std::iter::once(&assessed.decision.recommended)
            .chain(&assessed.decision.alternatives)
            .map(|c| {
                context! {
                    class => c.strategy.as_str(),
                    name => words::strategy(c.strategy, lang),
                    frees => frees(c.minutes_freed, c.travel_minutes_freed, lang),
                    risk => words::risk(c.risk, lang),
                    meets_need => explain::yes_no(c.meets_need, lang),
                    recommended => c.strategy == assessed.decision.recommended.strategy,
                    current => Some(c.strategy) == current,
                    href => meeting_link(&uid, start, &[&[("strategy", c.strategy.as_str()), ("lang", get("lang").unwrap_or(""))][..], &given].concat()),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let strategy = current.map_or("", Strategy::as_str);
    // The recommendation first, so that a phone shows it without scrolling.
    let summary_line = decided.then(|| {
        let r = &assessed.decision.recommended;
        let label = pick(lang, "Recommended", "Anbefalt");
        let freed = frees(r.minutes_freed, r.travel_minutes_freed, lang);
        let risk = words::risk(r.risk, lang);
        match (freed.is_empty(), lang) {
            (true, Lang::Nb) => format!(
                "{label}: {}, risiko {risk}",
                words::strategy(r.strategy, lang)
            ),
            (true, Lang::En) => format!(
                "{label}: {}, {risk} risk",
                words::strategy(r.strategy, lang)
            ),
            (false, Lang::Nb) => format!(
                "{label}: {} (frigjør {freed}), risiko {risk}",
                words::strategy(r.strategy, lang)
            ),
            (false, Lang::En) => format!(
                "{label}: {} (frees {freed}), {risk} risk",
                words::strategy(r.strategy, lang)
            ),
        }
    });
    let draft_lang = composed.as_ref().map_or(lang, |c| c.lang);
    let langs: Vec<Value> = [(Lang::Nb, "norsk"), (Lang::En, "English")]
        .into_iter()
        .map(|(l, name)| {
            context! {
                name, tag => l.as_str(), current => l == draft_lang,
                href => meeting_link(&uid, start, &[&[("strategy", strategy), ("lang", l.as_str())][..], &given].concat()),
            }
        })
        .collect();
    let audience = |a: Audience| match (a, lang) {
        (Audience::Organizer, Lang::Nb) => "Til arrangøren",
        (Audience::Organizer, Lang::En) => "To the organizer",
        (Audience::Client, Lang::Nb) => "Til kunden",
        (Audience::Client, Lang::En) => "To the client",
        (Audience::Colleague, Lang::Nb) => "Til kollegaen",
        (Audience::Colleague, Lang::En) => "To the colleague",
    };
    let messages: Vec<Value> = composed
        .iter()
        .flat_map(|c| &c.messages)
        .map(|msg| context! { audience => audience(msg.audience), to => msg.to.join(", "), subject => msg.subject, body => msg.body })
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "meeting.html",
        "week",
        context! {
            summary => m.summary.as_deref().unwrap_or(&m.uid),
            when => dates::span(m.start, m.end, tz, lang),
            week => week_name(m.start, tz),
            facts, trail, choices, messages, langs, can_send,
            nothing_to_send => decided && composed.is_none(),
            uid, start => rfc3339(start), strategy, draft_lang => draft_lang.as_str(),
            reasons => reason_choices(&choice.reasons, lang),
            summary_line => summary_line,
            given => choice.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        },
    )
}

/// Composes the reply the meeting form describes, with the edited bodies.
async fn reply_from_form(
    app: &App,
    s: &Session,
    f: &Fields,
) -> Result<(crate::config::Config, work::Composed), Failure> {
    s.check(f.get("csrf"))?;
    let (config, read, start) = meeting_in_context(app, s, f.get("uid"), f.get("start")).await?;
    let meeting = work::find(&read.loaded, f.get("uid"), start)?.clone();
    let mut choice = parse_choice(Some(f.get("strategy")), Some(f.get("lang")), s.lang)?;
    choice.reasons = f.reasons(s.lang)?;
    let items = vec![Item {
        on_caldav: read.on_caldav.contains(&meeting.uid),
        meeting,
        choice,
        bodies: Some(f.all("body")),
    }];
    let composed = work::compose(config.clone(), read.loaded, items)
        .await
        .map_err(|e| e.lang(s.lang))?
        .pop()
        .flatten()
        .ok_or_else(|| Failure::bad(text(s.lang, "nothing_to_send")).lang(s.lang))?;
    Ok((config, composed))
}

pub async fn save_reply(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    let (_, composed) = reply_from_form(&app, &s, &f).await?;
    let ids = work::save(&app, &s.user, &composed).await?;
    Ok(redirect(&format!("/outbox?saved={}", ids.len())))
}

pub async fn send_reply(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    let (config, composed) = reply_from_form(&app, &s, &f).await?;
    let sent = work::save_and_send(&app, &s.user, &config, &composed)
        .await
        .map_err(|e| e.lang(s.lang))?;
    Ok(redirect(match sent {
        work::Sent::Before => "/outbox?sent=0",
        work::Sent::Now {
            calendar_problem: None,
            ..
        } => "/outbox?sent=1",
        work::Sent::Now {
            calendar_problem: Some(problem),
            ..
        } => {
            tracing::warn!(
                "{}: the answer was not set on the calendar: {problem}",
                s.user.email
            );
            "/outbox?sent=1&calendar=0"
        }
    }))
}

/// The plan the plan page's parameters ask for.
async fn make_plan(
    app: &App,
    s: &Session,
    week: Option<&String>,
    free: &str,
    max_risk: &str,
) -> Result<(crate::config::Config, plan::Planned, String), Failure> {
    let lang = s.lang;
    let config = work::user_config(app, &s.user).await?;
    let (week, w) = week_of(week, config.profile.timezone, lang)?;
    let goal = plan::Goal {
        free: plan::parse_duration(free)
            .map_err(|e| Failure::bad(format!("'{free}': {e}")).lang(lang))?,
        max_risk: Some(max_risk)
            .filter(|r| !r.is_empty())
            .map(Risk::from_str)
            .transpose()
            .map_err(|e| Failure::bad(e).lang(lang))?,
        keep: Vec::new(),
    };
    let loaded = work::load(app, &s.user, &config, w).await?;
    let cfg = config.clone();
    let planned = work::blocking(move || plan::compute(&cfg, loaded, &goal))
        .await
        .map_err(|e| e.lang(lang))?;
    Ok((config, planned, week))
}

/// What a plan changes, in short: approving checks it is still the plan
/// that was shown.
fn plan_digest(planned: &plan::Planned) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (a, c, _) in planned.rows() {
        if let Some(c) = c {
            h.update(format!(
                "{}|{}|{}\n",
                a.meeting.uid,
                rfc3339(a.meeting.start),
                c.strategy
            ));
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn plan(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let free = q.param("free").cloned().unwrap_or_default();
    let max_risk = q
        .param("max_risk")
        .cloned()
        .unwrap_or_else(|| "high".into());
    let risks: Vec<Value> = Risk::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => words::risk(*r, lang), selected => r.as_str() == max_risk })
        .collect();
    let tz = work::zone(&app, &s.user);
    let (week, w) = week_of(q.param("week"), tz, lang)?;
    let (_, n) = neitakk_core::facts::iso_week(w.from, tz);
    let base = context! { week => week.clone(), week_number => n, free => free.clone(), max_risk => max_risk.clone(), risks };
    if free.is_empty() {
        return render(
            &app,
            Some(&s),
            lang,
            "plan.html",
            "plan",
            context! { free => "4h", ..base },
        );
    }
    let (config, planned, _) = make_plan(&app, &s, Some(&week), &free, &max_risk).await?;
    let rows: Vec<Value> = planned
        .rows()
        .map(|(a, c, r)| {
            let m = &a.meeting;
            context! {
                class => c.map_or("attend", |c| c.strategy.as_str()),
                when => dates::short(m.start, tz, lang),
                href => meeting_link(&m.uid, m.start, &[("strategy", c.map_or("", |c| c.strategy.as_str()))]),
                summary => m.summary.as_deref().unwrap_or(&m.uid),
                client => a.facts.client,
                choice => c.map_or(if lang == Lang::Nb { "behold" } else { "keep" }, |c| words::strategy(c.strategy, lang)),
                frees => c.map_or(String::new(), |c| {
                    let travel = a.decision.choice(c.strategy).map_or(0, |ch| ch.travel_minutes_freed);
                    frees(c.minutes_freed, travel, lang)
                }),
                risk => r.map_or("", |r| words::risk(r, lang)),
            }
        })
        .collect();
    let p = &planned.plan;
    let (want, got) = (
        words::hours(planned.target, lang),
        words::hours(p.minutes_freed, lang),
    );
    // The chart shows meeting time; the freed time counts travel too.
    let travel: u32 = planned
        .rows()
        .filter_map(|(a, c, _)| c.and_then(|c| a.decision.choice(c.strategy)))
        .map(|c| c.travel_minutes_freed)
        .sum();
    let travel = words::hours(travel, lang);
    let outcome = match (p.reached, lang) {
        (true, Lang::Nb) => format!("Planen frigjør {got}, {travel} av det reise (målet var {want}), med minst mulig risiko for kundeforholdene."),
        (true, Lang::En) => format!("The plan frees {got}, {travel} of it travel (the target was {want}), at the least risk to client relationships."),
        (false, Lang::Nb) => format!("Målet på {want} kan ikke nås uten å bryte reglene som verner kundeforholdene. Det meste som kan frigjøres er {got}."),
        (false, Lang::En) => format!("The target of {want} cannot be reached without breaking the rules that protect client relationships. The most that can be freed is {got}."),
    };
    let (bars, labels) = plan::bars(&planned.loaded, &planned.meetings, p, &config);
    let (cap, caption) = (config.profile.weekly_cap_minutes, labels.title.clone());
    let chart = work::blocking(move || crate::chart::stacked_svg(&bars, cap, &labels)).await?;
    render(
        &app,
        Some(&s),
        lang,
        "plan.html",
        "plan",
        context! {
            planned => true,
            changed => p.choices.iter().flatten().count() > 0,
            digest => plan_digest(&planned),
            rows, outcome, chart, chart_caption => caption,
            ..base
        },
    )
}

pub async fn approve_plan(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let week = f.get("week").to_owned();
    let (config, planned, _) =
        make_plan(&app, &s, Some(&week), f.get("free"), f.get("max_risk")).await?;
    if plan_digest(&planned) != f.get("plan") {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            pick(
                s.lang,
                "The plan has changed since you saw it (your calendar or a decision changed). Look at it again before you approve it.",
                "Planen er endret siden du så den (kalenderen eller en avgjørelse er endret). Se på den igjen før du godkjenner.",
            ),
        )
        .lang(s.lang));
    }
    let items: Vec<Item> = planned
        .rows()
        .filter_map(|(a, c, _)| {
            c.map(|c| Item {
                meeting: a.meeting.clone(),
                choice: Choice {
                    strategy: Some(c.strategy),
                    reasons: vec![Reason::Workload],
                    ..Choice::default()
                },
                bodies: None,
                // Plan drafts are not sent from here.
                on_caldav: false,
            })
        })
        .collect();
    let composed = work::compose(config, planned.loaded, items)
        .await
        .map_err(|e| e.lang(s.lang))?;
    let mut saved = 0;
    for c in composed.iter().flatten() {
        saved += work::save(&app, &s.user, c).await?.len();
    }
    Ok(redirect(&format!("/outbox?saved={saved}")))
}

fn client_row(c: &Client, tier: neitakk_core::Weight, lang: Lang) -> Value {
    context! {
        key => serde_urlencoded::to_string([("", &c.name)]).unwrap_or_default().trim_start_matches('=').to_owned(),
        name => c.name,
        tier => format!("{}{}", words::weight(tier, lang), if c.tier.is_none() { " *" } else { "" }),
        revenue => c.revenue.map_or(String::new(), |r| format!("{r:.0}")),
        domains => c.domains.join(", "),
        language => c.language.map_or("", Lang::as_str),
        account_manager => c.account_manager_name.clone().or_else(|| c.account_manager.clone()).unwrap_or_default(),
        travel => c.travel_minutes.map_or(String::new(), minutes),
    }
}

pub async fn clients(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let registry = work::registry(&app).await?;
    let tiers = neitakk_core::derive_tiers(&registry, app.base.tiers);
    let rows: Vec<Value> = registry
        .iter()
        .zip(&tiers)
        .map(|(c, t)| client_row(c, *t, lang))
        .collect();
    let editing = q
        .param("edit")
        .and_then(|name| registry.iter().find(|c| &c.name == name));
    let form = editing.map_or_else(
        || context! { tier => "" },
        |c| context! {
            name => c.name, domains => c.domains.join(", "), tier => c.tier.map_or("", |t| t.as_str()),
            revenue => c.revenue.map_or(String::new(), |r| r.to_string()), language => c.language.map_or("", Lang::as_str),
            flexibility => c.flexibility.map_or("", |f| f.as_str()), contact => c.contact.clone().unwrap_or_default(), contact_email => c.contact_email.clone().unwrap_or_default(),
            account_manager => c.account_manager.clone().unwrap_or_default(), account_manager_name => c.account_manager_name.clone().unwrap_or_default(),
            travel_minutes => c.travel_minutes.map_or(String::new(), |m| m.to_string()),
        },
    );
    let auto = if lang == Lang::Nb {
        "fra omsetningen"
    } else {
        "from revenue"
    };
    let tier_options: Vec<Value> = std::iter::once(context! { value => "", label => auto })
        .chain(
            neitakk_core::Weight::ALL
                .iter()
                .map(|w| context! { value => w.as_str(), label => words::weight(*w, lang) }),
        )
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "clients.html",
        "clients",
        context! {
            clients => rows, admin => s.user.role == Role::Admin, editing => editing.is_some(), form, tiers => tier_options,
            notice => done_notice(&q, lang),
        },
    )
}

/// A client from the registry form; errors name the field.
fn client_from_form(f: &Fields, lang: Lang) -> Result<Client, Failure> {
    let bad = |field: &str, why: String| Failure::bad(format!("{field}: {why}")).lang(lang);
    let email = |field: &str| -> Result<Option<String>, Failure> {
        match f.opt(field) {
            Some(e) if !e.contains('@') => {
                Err(bad(field, format!("'{e}' is not an e-mail address")))
            }
            other => Ok(other.map(|e| e.to_ascii_lowercase())),
        }
    };
    let client = Client {
        name: f
            .opt("name")
            .ok_or_else(|| bad("name", "the client needs a name".into()))?,
        domains: f
            .get("domains")
            .split([',', ';', ' '])
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
        tier: f
            .opt("tier")
            .map(|t| t.parse())
            .transpose()
            .map_err(|e| bad("tier", e))?,
        revenue: f
            .opt("revenue")
            .map(|r| crate::clients::parse_amount(&r).ok_or(r))
            .transpose()
            .map_err(|r| bad("revenue", format!("'{r}' is not an amount")))?,
        flexibility: f
            .opt("flexibility")
            .map(|v| v.parse())
            .transpose()
            .map_err(|e| bad("flexibility", e))?,
        language: f
            .opt("language")
            .map(|l| Lang::from_tag(&l).ok_or(l))
            .transpose()
            .map_err(|l| bad("language", format!("'{l}': use nb or en")))?,
        contact: f.opt("contact"),
        contact_email: email("contact_email")?,
        account_manager: email("account_manager")?,
        account_manager_name: f.opt("account_manager_name"),
        travel_minutes: f
            .opt("travel_minutes")
            .map(|m| m.parse::<u32>().map_err(|_| m))
            .transpose()
            .map_err(|m| bad("travel_minutes", format!("'{m}' is not whole minutes")))?,
    };
    Ok(client)
}

pub async fn save_client(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    let client = client_from_form(&f, s.lang)?;
    // A new client, or the one edited (perhaps renamed), in one step: a
    // name another client has is refused, never overwritten.
    let data = serde_json::to_string(&client).map_err(anyhow::Error::from)?;
    match app
        .store
        .rename_client(f.get("original"), &client.name, &data)
        .await
    {
        Ok(()) => Ok(redirect("/clients?done=client")),
        Err(neitakk_store::Error::Conflict { .. }) => Err(Failure::new(
            StatusCode::CONFLICT,
            match s.lang {
                Lang::Nb => format!("Det finnes allerede en kunde som heter «{}».", client.name),
                Lang::En => format!("There is a client named '{}' already.", client.name),
            },
        )
        .lang(s.lang)),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_client(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    if !app.store.delete_client(f.get("name")).await? {
        return Err(Failure::not_found(match s.lang {
            Lang::Nb => format!("Ingen kunde heter «{}».", f.get("name")),
            Lang::En => format!("No client is named '{}'.", f.get("name")),
        })
        .lang(s.lang));
    }
    Ok(redirect("/clients?done=client_deleted"))
}

/// A multipart upload's file and its CSRF field. Too large, or not a form:
/// a clear error.
async fn upload(form: Multipart_, s: &Session) -> Result<(String, Vec<u8>), Failure> {
    let lang = s.lang;
    let mut form = form.map_err(|e| upload_error(e.status(), &e.body_text(), lang))?;
    let (mut csrf, mut file) = (None, None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(upload_error(e.status(), &e.body_text(), lang)),
        };
        match field.name() {
            Some("csrf") => {
                csrf = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| upload_error(e.status(), &e.body_text(), lang))?,
                )
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| upload_error(e.status(), &e.body_text(), lang))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    s.check(csrf.as_deref().unwrap_or(""))?;
    // A form sent without a file chosen has a file field with no name.
    let file =
        file.filter(|(name, bytes): &(String, Vec<u8>)| !(name.is_empty() && bytes.is_empty()));
    let (name, bytes) = file.ok_or_else(|| {
        Failure::bad(pick(
            lang,
            "Choose a file to upload.",
            "Velg en fil å laste opp.",
        ))
        .lang(lang)
    })?;
    if bytes.is_empty() {
        return Err(Failure::bad(match lang {
            Lang::Nb => format!("{name} er tom."),
            Lang::En => format!("{name} is empty."),
        })
        .lang(lang));
    }
    Ok((name, bytes))
}

fn upload_error(status: StatusCode, detail: &str, lang: Lang) -> Failure {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        work::too_large(lang)
    } else {
        Failure::new(
            status,
            format!(
                "{} ({detail})",
                pick(
                    lang,
                    "The upload could not be read.",
                    "Opplastingen kunne ikke leses."
                )
            ),
        )
        .lang(lang)
    }
}

pub async fn import_clients(State(app): State<Arc<App>>, s: Session, form: Multipart_) -> Page {
    let (name, bytes) = upload(form, &s).await?;
    s.require_admin()?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::bad(match s.lang {
            Lang::Nb => format!("{name} er ikke UTF-8-tekst."),
            Lang::En => format!("{name} is not UTF-8 text."),
        })
        .lang(s.lang)
    })?;
    let clients =
        crate::clients::parse_csv(&name, &text).map_err(|e| Failure::from(e).lang(s.lang))?;
    app.store
        .save_clients(&work::registry_rows(&clients)?)
        .await?;
    Ok(redirect("/clients?done=imported"))
}

pub async fn journal(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let config = work::user_config(&app, &s.user).await?;
    let tz = config.profile.timezone;
    let client = q.param("client").filter(|c| !c.is_empty()).cloned();
    let store = app.store.for_owner(s.user.id);
    let entries = store.entries(client.as_deref()).await?;
    let drafts = store.drafts().await?;
    let internal = if lang == Lang::Nb {
        "(interne møter)"
    } else {
        "(internal meetings)"
    };
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for e in &entries {
        let sent = drafts
            .iter()
            .find(|d| e.outbox_path.as_deref() == Some(&format!("outbox/{}.eml", d.id)))
            .and_then(|d| d.sent_at.clone())
            .map_or(String::new(), |_| explain::yes_no(true, lang).to_owned());
        let row = context! {
            decided => dates::short(e.decided_at, tz, lang),
            summary => e.summary.clone().unwrap_or_else(|| e.uid.clone()),
            when => dates::short(e.meeting_start, tz, lang),
            strategy => words::strategy(e.strategy, lang),
            lang => e.lang, sent,
        };
        let name = e.client.clone().unwrap_or_else(|| internal.to_owned());
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((name, vec![row])),
        }
    }
    let client_names: Vec<String> = config.clients.iter().map(|c| c.name.clone()).collect();
    render(
        &app,
        Some(&s),
        lang,
        "journal.html",
        "journal",
        context! {
            groups => groups.into_iter().map(|(client, entries)| context! { client, entries }).collect::<Vec<_>>(),
            client_names, client,
        },
    )
}

pub async fn outbox(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let drafts = app.store.for_owner(s.user.id).drafts().await?;
    let nb = lang == Lang::Nb;
    let saved = q.param("saved").and_then(|n| n.parse::<u32>().ok());
    let calendar_failed = q.param("calendar").is_some_and(|c| c == "0");
    let notice = match (saved, q.param("sent").map(String::as_str)) {
        (_, Some("1")) if calendar_failed => Some(text(lang, "sent_calendar_failed").to_owned()),
        (_, Some("1")) => Some(text(lang, "sent_now").to_owned()),
        (_, Some("0")) => Some(text(lang, "sent_before").to_owned()),
        (Some(n), _) => Some(match (nb, n) {
            (true, 1) => "Ett utkast er lagt i utboksen.".to_owned(),
            (true, n) => format!("{n} utkast er lagt i utboksen."),
            (false, 1) => "One draft was put in the outbox.".to_owned(),
            (false, n) => format!("{n} drafts were put in the outbox."),
        }),
        _ => None,
    };
    let rows: Vec<Value> = drafts
        .iter()
        .map(|d| context! {
            id => d.id, subject => d.subject, recipients => d.recipients,
            state => match (&d.sent_at, nb) { (Some(_), true) => "sendt", (Some(_), false) => "sent", (None, true) => "utkast", (None, false) => "draft" },
        })
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "outbox.html",
        "outbox",
        context! { drafts => rows, notice },
    )
}

/// `/outbox/12`: a draft to read; `/outbox/12.eml`: the draft to download.
pub async fn outbox_file(
    State(app): State<Arc<App>>,
    s: Session,
    Path(file): Path<String>,
) -> Page {
    let no_draft = || {
        Failure::not_found(pick(
            s.lang,
            "No such draft in your outbox.",
            "Intet slikt utkast i utboksen din.",
        ))
        .lang(s.lang)
    };
    let (id, download) = match file.strip_suffix(".eml") {
        Some(id) => (id, true),
        None => (file.as_str(), false),
    };
    let id: i64 = id.parse().map_err(|_| no_draft())?;
    let store = app.store.for_owner(s.user.id);
    let eml = store.draft_eml(id).await?.ok_or_else(no_draft)?;
    if download {
        return Ok((
            [
                (header::CONTENT_TYPE, "message/rfc822".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"neitakk-{id}.eml\""),
                ),
            ],
            eml,
        )
            .into_response());
    }
    let info = store
        .drafts()
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(no_draft)?;
    let body = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .and_then(|m| m.body_text(0).map(|b| b.into_owned()))
        .unwrap_or_default();
    render(
        &app,
        Some(&s),
        s.lang,
        "draft.html",
        "outbox",
        context! { draft => info, body },
    )
}

pub async fn delete_draft(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let id: i64 = f.get("id").parse().unwrap_or(-1);
    if !app.store.for_owner(s.user.id).delete_draft(id).await? {
        return Err(Failure::not_found(pick(
            s.lang,
            "No such draft in your outbox.",
            "Intet slikt utkast i utboksen din.",
        ))
        .lang(s.lang));
    }
    Ok(redirect("/outbox?done=draft_deleted"))
}

pub async fn calendars(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let tz = work::zone(&app, &s.user);
    let list: Vec<Value> = app
        .store
        .calendars(s.user.id)
        .await?
        .into_iter()
        .map(|c| {
            let uploaded = DateTime::parse_from_rfc3339(&c.uploaded_at)
                .map(|t| dates::short(t.with_timezone(&Utc), tz, lang))
                .unwrap_or(c.uploaded_at);
            context! { id => c.id, name => c.name, uploaded }
        })
        .collect();
    let caldav = app
        .store
        .caldav(s.user.id)
        .await?
        .map(|a| context! { url => a.url, username => a.username });
    render(
        &app,
        Some(&s),
        lang,
        "calendars.html",
        "calendars",
        context! { calendars => list, caldav, notice => done_notice(&q, lang) },
    )
}

pub async fn upload_calendar(State(app): State<Arc<App>>, s: Session, form: Multipart_) -> Page {
    let (name, bytes) = upload(form, &s).await?;
    let (_, week) = work::add_calendar(&app, &s.user, &name, bytes)
        .await
        .map_err(|e| e.lang(s.lang))?;
    Ok(redirect(&link(
        "/week",
        &[
            ("week", week.as_deref().unwrap_or("")),
            ("done", "uploaded"),
        ],
    )))
}

pub async fn delete_calendar(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let id: i64 = f.get("id").parse().map_err(|_| {
        Failure::bad(pick(
            s.lang,
            "Which calendar? (id)",
            "Hvilken kalender? (id)",
        ))
        .lang(s.lang)
    })?;
    if !app.store.delete_calendar(s.user.id, id).await? {
        return Err(Failure::not_found(pick(
            s.lang,
            "You have no such calendar.",
            "Du har ingen slik kalender.",
        ))
        .lang(s.lang));
    }
    Ok(redirect("/calendars?done=calendar_deleted"))
}

pub async fn save_caldav(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    if f.get("remove") == "1" {
        app.store.delete_caldav(s.user.id).await?;
        return Ok(redirect("/calendars?done=caldav_removed"));
    }
    let (url, username, password) = (f.get("url"), f.get("username"), f.raw("password"));
    if username.is_empty() || password.is_empty() {
        return Err(Failure::bad(pick(
            s.lang,
            "Give the CalDAV user name and password.",
            "Skriv brukernavn og passord for CalDAV.",
        ))
        .lang(s.lang));
    }
    work::check_caldav_url(url, app.options.private_caldav)
        .await
        .map_err(|e| Failure::bad(e).lang(s.lang))?;
    let account = neitakk_store::team::CaldavAccount {
        url: url.to_owned(),
        username: username.to_owned(),
        sealed_secret: app.key.seal(password)?,
    };
    app.store.set_caldav(s.user.id, &account).await?;
    Ok(redirect("/calendars?done=caldav"))
}

async fn settings_page(
    app: &App,
    s: &Session,
    new_token: Option<String>,
    notice: Option<&str>,
) -> Page {
    let settings = Settings::of(&s.user);
    let tz = work::zone(app, &s.user);
    let tokens: Vec<Value> = app
        .store
        .api_tokens(s.user.id)
        .await?
        .into_iter()
        .map(|(hash, name, made)| {
            let made = DateTime::parse_from_rfc3339(&made)
                .map(|t| dates::short(t.with_timezone(&Utc), tz, s.lang))
                .unwrap_or(made);
            context! { hash, name, made }
        })
        .collect();
    render(
        app,
        Some(s),
        s.lang,
        "settings.html",
        "settings",
        context! {
            other_emails => settings.other_emails.join(", "),
            // A cap of 0 is a cap: shown as such, not as empty.
            cap => settings.weekly_cap_hours.map(|h| h.to_string()).unwrap_or_default(),
            // What applies when a field is left empty: the server's settings.
            default_zone => app.base.profile.timezone.name(),
            default_cap => format!("{}", f64::from(app.base.profile.weekly_cap_minutes) / 60.0),
            s => settings,
            new_token,
            tokens,
            notice,
        },
    )
}

pub async fn settings(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let q = query(q, s.lang)?;
    settings_page(&app, &s, None, done_notice(&q, s.lang)).await
}

pub async fn change_password(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    if !auth::password_matches(&s.user.password_hash, f.raw("current")) {
        return Err(Failure::forbidden(pick(
            s.lang,
            "The current password is not right.",
            "Det nåværende passordet er feil.",
        ))
        .lang(s.lang));
    }
    let new = f.raw("new");
    check_password(new, s.lang)?;
    // Other sessions (another browser, a stolen cookie) end here.
    app.store
        .set_password(s.user.id, &auth::hash_password(new)?, Some(&s.token_hash))
        .await?;
    Ok(redirect("/settings?done=password"))
}

pub async fn revoke_token(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    if !app
        .store
        .delete_api_token(s.user.id, f.get("token"))
        .await?
    {
        return Err(Failure::not_found(pick(
            s.lang,
            "No such token of yours.",
            "Ingen slik nøkkel.",
        ))
        .lang(s.lang));
    }
    Ok(redirect("/settings?done=revoked"))
}

pub async fn save_settings(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let settings = Settings {
        language: f.opt("language"),
        timezone: f.opt("timezone"),
        weekly_cap_hours: f
            .opt("weekly_cap_hours")
            .map(|h| h.replace(',', ".").parse::<f64>().map_err(|_| h))
            .transpose()
            .map_err(|h| {
                Failure::bad(match s.lang {
                    Lang::Nb => format!("Ukentlig tak: «{h}» er ikke et antall timer."),
                    Lang::En => format!("Weekly cap: '{h}' is not a number of hours."),
                })
                .lang(s.lang)
            })?,
        phone: f.opt("phone"),
        video_link: f.opt("video_link"),
        signature: f.opt("signature"),
        other_emails: f
            .get("other_emails")
            .split([',', ' '])
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    settings
        .check(&s.user.email)
        .map_err(|e| Failure::bad(e).lang(s.lang))?;
    let json = serde_json::to_string(&settings).map_err(anyhow::Error::from)?;
    app.store.set_settings(s.user.id, &json).await?;
    Ok(redirect("/settings?done=settings"))
}

pub async fn create_token(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let name = f.opt("name").ok_or_else(|| {
        Failure::bad(pick(
            s.lang,
            "Say what the token is for.",
            "Skriv hva nøkkelen er til.",
        ))
        .lang(s.lang)
    })?;
    let token = auth::random_token();
    app.store
        .create_api_token(&auth::token_hash(&token), s.user.id, &name)
        .await?;
    settings_page(&app, &s, Some(token), None).await
}

pub async fn users(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    s.require_admin()?;
    let lang = s.lang;
    let q = query(q, lang)?;
    let rows: Vec<Value> = app
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            context! {
                id => u.id, name => u.name, email => u.email, me => u.id == s.user.id,
                role => text(lang, if u.role == Role::Admin { "admin" } else { "member" }),
            }
        })
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "users.html",
        "users",
        context! { users => rows, notice => done_notice(&q, lang) },
    )
}

pub async fn add_user(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    let (name, email, password) = (f.get("name"), f.get("email"), f.raw("password"));
    if name.is_empty() {
        return Err(Failure::bad(pick(
            s.lang,
            "Give the user's name.",
            "Skriv brukerens navn.",
        ))
        .lang(s.lang));
    }
    check_email(email, s.lang)?;
    check_password(password, s.lang)?;
    let role = match f.get("role") {
        "admin" => Role::Admin,
        "member" | "" => Role::Member,
        other => return Err(Failure::bad(format!("role '{other}': admin or member")).lang(s.lang)),
    };
    match app
        .store
        .create_user(email, name, &auth::hash_password(password)?, role)
        .await
    {
        Ok(_) => Ok(redirect("/users?done=user")),
        Err(neitakk_store::Error::Conflict { .. }) => Err(Failure::new(
            StatusCode::CONFLICT,
            match s.lang {
                Lang::Nb => format!("{email} har allerede en konto."),
                Lang::En => format!("{email} has an account already."),
            },
        )
        .lang(s.lang)),
        Err(e) => Err(e.into()),
    }
}

/// The user an admin's form names, not the admin themself.
fn other_user(f: &Fields, s: &Session) -> Result<i64, Failure> {
    match f.get("id").parse::<i64>() {
        Ok(id) if id == s.user.id => Err(Failure::bad(pick(
            s.lang,
            "Change your own account on the Settings page.",
            "Endre din egen konto under Innstillinger.",
        ))
        .lang(s.lang)),
        Ok(id) => Ok(id),
        Err(_) => {
            Err(Failure::bad(pick(s.lang, "Which user? (id)", "Hvilken bruker? (id)")).lang(s.lang))
        }
    }
}

pub async fn delete_user(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    if !app.store.delete_user(other_user(&f, &s)?).await? {
        return Err(
            Failure::not_found(pick(s.lang, "No such user.", "Ingen slik bruker.")).lang(s.lang),
        );
    }
    Ok(redirect("/users?done=removed"))
}

/// An admin sets a new first password for a user who lost theirs; their
/// sessions end.
pub async fn reset_password(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    let id = other_user(&f, &s)?;
    let password = f.raw("password");
    check_password(password, s.lang)?;
    let users = app.store.users().await?;
    let Some(user) = users.iter().find(|u| u.id == id) else {
        return Err(
            Failure::not_found(pick(s.lang, "No such user.", "Ingen slik bruker.")).lang(s.lang),
        );
    };
    app.store
        .set_password(id, &auth::hash_password(password)?, None)
        .await?;
    // A new password also lifts a block after failed logins.
    app.store
        .forget_login_failures(&auth::failure_key(&user.email))
        .await?;
    Ok(redirect("/users?done=reset"))
}

pub async fn asset(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "style.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "max-age=3600"),
            ],
            STYLE,
        )
            .into_response(),
        "app.js" => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "max-age=3600"),
            ],
            SCRIPT,
        )
            .into_response(),
        _ => Failure::not_found(format!("no file '{file}'")).into_response(),
    }
}

pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        return Failure::not_found(format!("nothing at {}", uri.path()))
            .json()
            .into_response();
    }
    let lang = auth::browser_lang(&headers);
    Failure::not_found(pick(
        lang,
        "There is no page at this address.",
        "Det finnes ingen side på denne adressen.",
    ))
    .lang(lang)
    .into_response()
}
