//! The web pages: server-rendered HTML from embedded templates, forms with
//! CSRF tokens, and no JavaScript needed. This file holds what every page
//! shares (rendering, forms, links); the pages are in the files beside it.

use super::auth::{self, Peer, Session, FORM_COOKIE};
use super::failure::{Failure, Kind};
use super::text::{pick, text, texts};
use super::work::{self, Item, Settings};
use super::App;
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
use neitakk_pipeline::analysis::{self, Assessed, Loaded};
use neitakk_pipeline::{explain, plan, reply::Choice};
use neitakk_store::accounts::Role;
use std::str::FromStr;
use std::sync::Arc;

mod account;
mod meeting;
mod planning;
mod records;
mod registry;
mod week;

pub use account::*;
pub use meeting::*;
pub use planning::*;
pub use records::*;
pub use registry::*;
pub use week::*;

type Page = Result<Response, Failure>;
type Query_ = Result<Query<Vec<(String, String)>>, QueryRejection>;
type Fields_ = Result<Form<Vec<(String, String)>>, FormRejection>;
type Multipart_ = Result<Multipart, MultipartRejection>;

pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("setup.html", include_str!("../templates/setup.html")),
    ("week.html", include_str!("../templates/week.html")),
    ("meeting.html", include_str!("../templates/meeting.html")),
    ("plan.html", include_str!("../templates/plan.html")),
    ("clients.html", include_str!("../templates/clients.html")),
    ("journal.html", include_str!("../templates/journal.html")),
    ("outbox.html", include_str!("../templates/outbox.html")),
    (
        "calendars.html",
        include_str!("../templates/calendars.html"),
    ),
    ("settings.html", include_str!("../templates/settings.html")),
    ("users.html", include_str!("../templates/users.html")),
    ("draft.html", include_str!("../templates/draft.html")),
];

const STYLE: &str = include_str!("../static/style.css");
const SCRIPT: &str = include_str!("../static/app.js");

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
        "wait_lifted" => "done_wait_lifted",
        "addresses" => "done_addresses",
        "client" => "done_client",
        "client_deleted" => "done_client_deleted",
        "imported" => "done_imported",
        "uploaded" => "done_uploaded",
        "uploaded_past" => "done_uploaded_past",
        "calendar_deleted" => "done_calendar_deleted",
        "draft_deleted" => "done_draft_deleted",
        "caldav" => "done_caldav",
        "linked" => "done_linked",
        "refreshed" => "done_refreshed",
        "caldav_removed" => "done_caldav_removed",
        "inbox" => "done_inbox",
        "inbox_removed" => "done_inbox_removed",
        "looked" => "done_looked",
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
        .map_err(|e| Failure::ours(format!("page {name}: {e:#}")).lang(lang))?;
    Ok(Html(html).into_response())
}

pub async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let logged_in = match auth::read_cookie(&headers, auth::SESSION_COOKIE) {
        Some(token) => app
            .store
            .session_user(&auth::token_hash(&token), app.clock.now())
            .await
            .ok()
            .flatten()
            .is_some(),
        None => false,
    };
    redirect(if logged_in { "/week" } else { "/login" })
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
        // Whatever else the form extractor refused, the upload was malformed.
        Failure::new(
            Kind::BadRequest,
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

/// "45 min", or nothing for none.
fn minutes(m: u32) -> String {
    if m > 0 {
        format!("{m} min")
    } else {
        String::new()
    }
}

/// A time the store keeps as RFC 3339, shown short in the user's zone (as
/// stored, should it not read).
fn stored_time(stored: String, tz: neitakk_core::Tz, lang: Lang) -> String {
    DateTime::parse_from_rfc3339(&stored)
        .map(|t| dates::short(t.with_timezone(&Utc), tz, lang))
        .unwrap_or(stored)
}
