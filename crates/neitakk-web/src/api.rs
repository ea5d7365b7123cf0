//! The JSON API under `/api/v1`: the command line's operations (events,
//! triage, explain, reply, plan, clients, journal) for scripts, with a
//! bearer token, and the OpenAPI document that describes them.

use super::auth::ApiUser;
use super::failure::{Failure, Kind};
use super::work::{self, Item};
use super::App;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use neitakk_core::facts::Overrides;
use neitakk_core::{Client, Lang, Reason, Risk, Strategy};
use neitakk_ical::expand::rfc3339;
use neitakk_ical::Window;
use neitakk_pipeline::analysis::{self};
use neitakk_pipeline::reply::Choice;
use neitakk_pipeline::{events, plan, triage};
use neitakk_store::accounts::Role;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

type Answer = Result<Response, Failure>;
type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

pub fn router(upload_limit: DefaultBodyLimit) -> Router<Arc<App>> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/events", get(events))
        .route("/triage", get(triage))
        .route("/explain", get(explain))
        .route("/reply", axum::routing::post(reply))
        .route("/plan", get(plan))
        .route("/clients", get(clients).put(put_clients))
        .route("/journal", get(journal))
        .route(
            "/calendars",
            get(calendars).post(add_calendar).layer(upload_limit),
        )
        .route("/calendars/{id}", axum::routing::delete(delete_calendar))
        .route("/drafts", get(drafts))
        .route("/drafts/{id}", get(draft))
        .method_not_allowed_fallback(|| async {
            Failure::new(
                Kind::MethodNotAllowed,
                "this route does not take that method; see /api/v1/openapi.json",
            )
            .json()
        })
}

/// A store error as the API answers it.
fn json_error(e: neitakk_store::Error) -> Failure {
    Failure::from(e).json()
}

fn bad(message: impl Into<String>) -> Failure {
    Failure::bad(message).json()
}

fn params(q: Params) -> Result<HashMap<String, String>, Failure> {
    q.map(|Query(m)| m)
        .map_err(|e| bad(format!("the query could not be read: {}", e.body_text())))
}

fn ok(value: Value) -> Answer {
    Ok(Json(value).into_response())
}

/// The window `week`, or `from` and `to`, name (default: the week `now` is in).
fn window(
    p: &HashMap<String, String>,
    tz: neitakk_core::Tz,
    now: DateTime<Utc>,
) -> Result<Window, Failure> {
    // An empty week is this week; an empty from or to is not a time.
    let get = |k: &str| p.get(k).map(String::as_str);
    let (week, from, to) = (
        get("week").filter(|w| !w.is_empty()),
        get("from"),
        get("to"),
    );
    let fail = |e: neitakk_pipeline::Error| Failure::from(e).json();
    match (week, from, to) {
        (None, Some(from), Some(to)) => {
            let from = analysis::parse_instant(from, tz).map_err(fail)?;
            let to = analysis::parse_instant(to, tz).map_err(fail)?;
            if to <= from {
                return Err(bad("the window is empty: to must be after from"));
            }
            analysis::bounded(Window { from, to }, analysis::MAX_WINDOW_DAYS, "a request")
                .map_err(fail)
        }
        (_, None, None) => analysis::window(week, None, None, tz, now).map_err(fail),
        _ => Err(bad("give week, or both from and to")),
    }
}

/// `reason=workload,conflict`.
fn reasons(p: &HashMap<String, String>) -> Result<Vec<Reason>, Failure> {
    p.get("reason")
        .map_or("", String::as_str)
        .split(',')
        .filter(|r| !r.trim().is_empty())
        .map(|r| Reason::from_str(r).map_err(bad))
        .collect()
}

/// The user's config and calendar over the window the query names.
async fn loaded(
    app: &App,
    user: &neitakk_store::accounts::User,
    p: &HashMap<String, String>,
) -> Result<(neitakk_pipeline::config::Config, analysis::Loaded), Failure> {
    let config = work::user_config(app, user).await.map_err(Failure::json)?;
    let w = window(p, config.profile.timezone, config.now)?;
    let loaded = work::load(app, user, &config, w)
        .await
        .map_err(Failure::json)?;
    Ok((config, loaded))
}

async fn events(State(app): State<Arc<App>>, ApiUser(user): ApiUser, q: Params) -> Answer {
    let p = params(q)?;
    let (_, loaded) = loaded(&app, &user, &p).await?;
    let w = loaded.window;
    let list: Vec<_> = loaded
        .calendar
        .iter()
        .filter(|m| w.contains(m.start, m.end))
        .map(events::line)
        .collect();
    ok(json!({ "from": rfc3339(w.from), "to": rfc3339(w.to), "events": list }))
}

async fn triage(State(app): State<Arc<App>>, ApiUser(user): ApiUser, q: Params) -> Answer {
    let p = params(q)?;
    let reasons = reasons(&p)?;
    let config = work::user_config(&app, &user)
        .await
        .map_err(Failure::json)?;
    let w = window(&p, config.profile.timezone, config.now)?;
    let work::Read {
        loaded, version, ..
    } = work::read(&app, &user, &config, w)
        .await
        .map_err(Failure::json)?;
    let key = version
        .filter(|_| app.answers.is_on())
        .map(|v| work::fingerprint(&user, &config, &v, &loaded, &format!("triage {reasons:?}")));
    let json = |bytes: Bytes| ([(header::CONTENT_TYPE, "application/json")], bytes).into_response();
    if let Some(done) = key.and_then(|k| app.answers.get(&k)) {
        return Ok(json(done));
    }
    let doc = work::heavy(&app, move || {
        let overrides = Overrides {
            reasons,
            ..Default::default()
        };
        let mut doc = Vec::new();
        triage::write_json(&mut doc, &config, &loaded, &overrides)?;
        Ok(doc)
    })
    .await
    .map_err(Failure::json)?;
    let doc = Bytes::from(doc);
    if let Some(k) = key {
        app.answers.put(k, doc.clone());
    }
    Ok(json(doc))
}

fn start_param(s: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            bad(format!(
                "start '{s}' is not an RFC 3339 date-time (2026-12-03T09:00:00Z)"
            ))
        })
}

async fn explain(State(app): State<Arc<App>>, ApiUser(user): ApiUser, q: Params) -> Answer {
    let p = params(q)?;
    let uid = p
        .get("uid")
        .cloned()
        .ok_or_else(|| bad("give the meeting's uid"))?;
    let start = start_param(p.get("start").map_or("", String::as_str))?;
    let reasons = reasons(&p)?;
    let work::Around {
        config,
        read,
        meeting,
    } = work::meeting_around(&app, &user, &uid, start)
        .await
        .map_err(Failure::json)?;
    let loaded = read.loaded;
    let doc = work::heavy(&app, move || {
        let index = loaded.index(&config);
        let a = loaded.assess(
            &index,
            &meeting,
            &config,
            &Overrides {
                reasons,
                ..Default::default()
            },
        );
        Ok(serde_json::to_value(triage::Row::new(
            &a,
            config.profile.language,
        ))?)
    })
    .await
    .map_err(Failure::json)?;
    ok(doc)
}

/// What `POST /reply` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyBody {
    uid: String,
    start: String,
    strategy: Option<Strategy>,
    lang: Option<String>,
    minutes: Option<u32>,
    note: Option<String>,
    delegate_to: Option<String>,
    #[serde(default)]
    reasons: Vec<Reason>,
    #[serde(default)]
    series: bool,
    every: Option<u32>,
    /// Replacement bodies, one per message, in order.
    bodies: Option<Vec<String>>,
    /// Put the drafts in the outbox (and journal the decision).
    #[serde(default)]
    save: bool,
    /// Send them too, over the server's SMTP.
    #[serde(default)]
    send: bool,
}

async fn reply(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    body: Result<Json<ReplyBody>, JsonRejection>,
) -> Answer {
    let Json(b) = body.map_err(|e| bad(format!("the request body: {}", e.body_text())))?;
    let start = start_param(&b.start)?;
    let lang = b
        .lang
        .as_deref()
        .map(|l| Lang::from_tag(l).ok_or_else(|| bad(format!("lang '{l}': nb or en"))))
        .transpose()?;
    if matches!(b.minutes, Some(m) if !(5..=600).contains(&m)) {
        return Err(bad("minutes: 5 to 600"));
    }
    if matches!(b.every, Some(n) if !(2..=12).contains(&n)) {
        return Err(bad("every: 2 to 12"));
    }
    let work::Around {
        config,
        read,
        meeting,
    } = work::meeting_around(&app, &user, &b.uid, start)
        .await
        .map_err(Failure::json)?;
    let choice = Choice {
        strategy: b.strategy,
        lang,
        minutes: b.minutes,
        note: b.note,
        delegate_to: b.delegate_to,
        reasons: b.reasons,
        series: b.series,
        every: b.every,
    };
    let composed = work::compose(
        &app,
        config.clone(),
        read.loaded,
        vec![Item {
            in_reply_to: work::invitation_id(&app, &user, &meeting.uid).await?,
            on_caldav: read.on_caldav.contains(&meeting.uid),
            meeting,
            choice,
            bodies: b.bodies,
        }],
    )
    .await
    .map_err(Failure::json)?
    .pop()
    .flatten();
    let Some(c) = composed else {
        return ok(
            json!({ "strategy": "attend", "messages": [], "drafts": [], "sent": false,
            "note": "accepted, and attending is recommended: nothing to send" }),
        );
    };
    let (mut drafts, mut sent, mut note) = (Vec::new(), false, None);
    if b.send {
        match work::save_and_send(&app, &user, &config, &c)
            .await
            .map_err(Failure::json)?
        {
            work::Sent::Before => {
                note = Some("this reply was sent before: not saved or sent again".to_owned())
            }
            work::Sent::Busy => {
                note =
                    Some("this reply is being sent right now: not saved or sent again".to_owned())
            }
            work::Sent::Now {
                drafts: ids,
                again,
                calendar_problem,
            } => {
                (drafts, sent) = (ids, true);
                note = match (calendar_problem, again) {
                    (Some(p), _) => Some(format!(
                        "sent, but your answer on the calendar was not set: {p}"
                    )),
                    (None, true) => Some(
                        "an earlier try had not finished: sent again, with the same Message-IDs"
                            .to_owned(),
                    ),
                    (None, false) => None,
                };
            }
        }
    } else if b.save {
        drafts = work::save(&app, &user, &c).await.map_err(Failure::json)?;
    }
    let messages: Vec<_> = c.messages.iter().map(|m| json!({
        "audience": format!("{:?}", m.audience).to_ascii_lowercase(), "kind": m.kind, "lang": m.lang,
        "to": m.to, "subject": m.subject, "body": m.body,
    })).collect();
    ok(
        json!({ "strategy": c.strategy, "lang": c.lang, "messages": messages, "drafts": drafts, "sent": sent, "note": note }),
    )
}

async fn plan(State(app): State<Arc<App>>, ApiUser(user): ApiUser, q: Params) -> Answer {
    let p = params(q)?;
    let goal = plan::Goal {
        free: {
            let free = p.get("free").map_or("", String::as_str);
            plan::parse_duration(free).map_err(|e| bad(format!("free '{free}': {e}")))?
        },
        max_risk: p
            .get("max_risk")
            .map(|r| Risk::from_str(r))
            .transpose()
            .map_err(bad)?,
        keep: p.get("keep").map_or(Vec::new(), |k| {
            k.split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        }),
    };
    let config = work::user_config(&app, &user)
        .await
        .map_err(Failure::json)?;
    let w = window(&p, config.profile.timezone, config.now)?;
    analysis::bounded(w, analysis::MAX_PLAN_DAYS, "a plan").map_err(|e| Failure::from(e).json())?;
    let loaded = work::load(&app, &user, &config, w)
        .await
        .map_err(Failure::json)?;
    let planned = work::heavy(&app, move || Ok(plan::compute(&config, loaded, &goal)))
        .await
        .map_err(Failure::json)?
        .map_err(|e| Failure::new(Kind::Unprocessable, e.to_string()).json())?;
    ok(planned.json())
}

async fn clients(State(app): State<Arc<App>>, ApiUser(_): ApiUser) -> Answer {
    let registry = work::registry(&app).await.map_err(Failure::json)?;
    let tiers = neitakk_core::derive_tiers(&registry, app.base.tiers);
    let list: Vec<_> = registry
        .iter()
        .zip(tiers)
        .map(|(c, t)| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["derived_tier"] = json!(t);
            v
        })
        .collect();
    ok(json!({ "clients": list }))
}

async fn put_clients(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    body: Result<Json<Vec<Client>>, JsonRejection>,
) -> Answer {
    if user.role != Role::Admin {
        return Err(Failure::forbidden("only an admin may change the client registry").json());
    }
    let Json(list) = body.map_err(|e| bad(format!("the request body: {}", e.body_text())))?;
    if let Some(i) = list.iter().position(|c| c.name.trim().is_empty()) {
        return Err(bad(format!("client {}: no name", i + 1)));
    }
    let rows: Vec<(String, String)> = list
        .iter()
        .map(|c| Ok((c.name.clone(), serde_json::to_string(c)?)))
        .collect::<Result<_, serde_json::Error>>()?;
    app.store.save_clients(&rows).await.map_err(json_error)?;
    ok(json!({ "saved": rows.len() }))
}

async fn journal(State(app): State<Arc<App>>, ApiUser(user): ApiUser, q: Params) -> Answer {
    let p = params(q)?;
    let client = p.get("client").filter(|c| !c.is_empty());
    let entries = app
        .store
        .for_owner(user.id)
        .entries(client.map(String::as_str))
        .await
        .map_err(json_error)?;
    ok(json!({ "entries": entries }))
}

async fn calendars(State(app): State<Arc<App>>, ApiUser(user): ApiUser) -> Answer {
    let list = app.store.calendars(user.id).await.map_err(json_error)?;
    ok(json!({ "calendars": list }))
}

async fn add_calendar(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    q: Params,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let p = params(q)?;
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            work::too_large(Lang::En).json()
        } else {
            bad(format!("the request body: {}", e.body_text()))
        }
    })?;
    let name = p
        .get("name")
        .cloned()
        .unwrap_or_else(|| "calendar.ics".into());
    let (id, _) = work::add_calendar(&app, &user, &name, bytes.to_vec())
        .await
        .map_err(Failure::json)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "name": name }))).into_response())
}

fn id_param(id: &str) -> Result<i64, Failure> {
    id.parse()
        .map_err(|_| Failure::not_found(format!("no such id '{id}'")).json())
}

async fn delete_calendar(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Answer {
    let id = id_param(&id)?;
    if !app
        .store
        .delete_calendar(user.id, id)
        .await
        .map_err(json_error)?
    {
        return Err(Failure::not_found(format!("no calendar {id} of yours")).json());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn drafts(State(app): State<Arc<App>>, ApiUser(user): ApiUser) -> Answer {
    let list = app
        .store
        .for_owner(user.id)
        .drafts()
        .await
        .map_err(json_error)?;
    ok(json!({ "drafts": list }))
}

async fn draft(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Answer {
    let id = id_param(&id)?;
    let eml = app
        .store
        .for_owner(user.id)
        .draft_eml(id)
        .await
        .map_err(json_error)?
        .ok_or_else(|| Failure::not_found(format!("no draft {id} of yours")).json())?;
    Ok(([(header::CONTENT_TYPE, "message/rfc822")], eml).into_response())
}

async fn openapi() -> Response {
    Json(document()).into_response()
}

/// The OpenAPI 3.1 document for every route above.
pub fn document() -> Value {
    // A query parameter: its name, whether required, what it means, and
    // the shape of its value.
    let q = |name: &str, required: bool, description: &str, schema: Value| json!({ "name": name, "in": "query", "required": required, "schema": schema, "description": description });
    let text = |pattern: &str| json!({ "type": "string", "pattern": pattern });
    let when =
        json!({ "type": "string", "anyOf": [{ "format": "date" }, { "format": "date-time" }] });
    let id =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    let window = vec![
        q(
            "week",
            false,
            "An ISO week, e.g. 2026-W49 (default: this week)",
            text("^([0-9]{4}-?[Ww][0-9]{1,2})?$"),
        ),
        q(
            "from",
            false,
            "Start of the window: a date or an RFC 3339 date-time (with to)",
            when.clone(),
        ),
        q(
            "to",
            false,
            "End of the window, exclusive (with from)",
            when,
        ),
    ];
    let reasons = "workload|conflict|repetitive|not-needed|illness|emergency|dislike";
    let reason = q(
        "reason",
        false,
        "Reasons, comma-separated: workload, conflict, repetitive, not-needed, illness, emergency",
        text(&format!("^(({reasons})(,({reasons}))*)?$")),
    );
    let string = json!({ "type": "string", "minLength": 1 });
    let optional = |schema: Value| json!({ "anyOf": [schema, { "type": "null" }] });
    let client_schema = json!({
        "type": "object", "required": ["name"], "additionalProperties": false,
        "properties": {
            "name": string, "domains": { "type": "array", "items": { "type": "string" } },
            "tier": optional(json!({ "type": "string", "enum": ["key", "regular", "minor"] })),
            "revenue": optional(json!({ "type": "number" })),
            "flexibility": optional(json!({ "type": "string", "enum": ["high", "normal", "low"] })),
            "language": optional(json!({ "type": "string", "enum": ["nb", "en"] })),
            "contact": optional(json!({ "type": "string" })), "contact_email": optional(json!({ "type": "string" })),
            "account_manager": optional(json!({ "type": "string" })), "account_manager_name": optional(json!({ "type": "string" })),
            "travel_minutes": optional(json!({ "type": "integer", "minimum": 0, "maximum": 4294967295u64 })),
        }
    });
    let object = json!({ "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } });
    let errors = json!({
        "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" },
        "404": { "$ref": "#/components/responses/Error" }, "422": { "$ref": "#/components/responses/Error" },
    });
    let op = |summary: &str, parameters: Vec<Value>| {
        let mut responses = errors.clone();
        responses["200"] = object.clone();
        json!({ "summary": summary, "parameters": parameters, "responses": responses })
    };
    let with = |mut v: Vec<Value>, extra: Vec<Value>| {
        v.extend(extra);
        v
    };
    let eml = json!({ "description": "The draft as an e-mail message", "content": { "message/rfc822": { "schema": { "type": "string" } } } });
    json!({
        "openapi": "3.1.0",
        "info": { "title": "neitakk", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Say no to a client meeting, or take less of it, without harming the relationship." },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "token": [] }],
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "An API token from the settings page" } },
            "responses": { "Error": { "description": "What went wrong", "content": { "application/json": { "schema": {
                "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } } } } } },
        },
        "paths": {
            "/openapi.json": { "get": { "summary": "This document", "security": [], "responses": { "200": object } } },
            "/events": { "get": op("The occurrences of your calendars in a window", window.clone()) },
            "/triage": { "get": op("Every meeting in a window with the recommended strategy, as `neitakk triage --format json`", with(window.clone(), vec![reason.clone()])) },
            "/explain": { "get": op("One meeting's facts, rule trail and alternatives, as `neitakk explain --format json`",
                vec![q("uid", true, "The meeting's UID", string.clone()), q("start", true, "The occurrence's start, RFC 3339", json!({ "type": "string", "format": "date-time" })), reason.clone()]) },
            "/reply": { "post": {
                "summary": "Write the reply to one meeting; optionally save it to the outbox or send it",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["uid", "start"], "additionalProperties": false,
                    "properties": {
                        "uid": { "type": "string", "minLength": 1 }, "start": { "type": "string", "format": "date-time" },
                        "strategy": { "type": "string", "enum": Strategy::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
                        "lang": { "type": "string", "enum": ["nb", "en"] },
                        "minutes": { "type": "integer", "minimum": 5, "maximum": 600 },
                        "note": { "type": "string" }, "delegate_to": { "type": "string" },
                        "reasons": { "type": "array", "items": { "type": "string", "enum": Reason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() } },
                        "series": { "type": "boolean" }, "every": { "type": "integer", "minimum": 2, "maximum": 12 },
                        "bodies": { "type": "array", "items": { "type": "string" } },
                        "save": { "type": "boolean" }, "send": { "type": "boolean" } } } } } },
                "responses": { "200": object, "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" },
                               "404": { "$ref": "#/components/responses/Error" }, "409": { "$ref": "#/components/responses/Error" },
                               "422": { "$ref": "#/components/responses/Error" } } } },
            "/plan": { "get": op("Free time in a window with the least harm, as `neitakk plan --format json`",
                with(window, vec![q("free", true, "How much: 6h, 90m, 1h30m", text("^([0-9]+([.,][0-9]+)?[hHtT]?|[0-9]*[hHtT]?[0-9]+(m|min))$")),
                    q("max_risk", false, "The highest risk a change may carry", json!({ "type": "string", "enum": Risk::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() })),
                    q("keep", false, "Clients to keep, comma-separated", string.clone())])) },
            "/clients": {
                "get": op("The client registry, with each client's derived tier", vec![]),
                "put": { "summary": "Add or replace clients by name (admins)",
                         "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "array", "items": client_schema } } } },
                         "responses": { "200": object, "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" } } } },
            "/journal": { "get": op("What you decided and wrote, newest first", vec![q("client", false, "Only this client (empty: all)", json!({ "type": "string" }))]) },
            "/calendars": {
                "get": op("Your uploaded calendars", vec![]),
                "post": { "summary": "Upload a calendar (the body is its iCalendar text)", "parameters": [q("name", false, "A name for it", string.clone())],
                          "requestBody": { "required": true, "content": { "text/calendar": { "schema": { "type": "string", "description": "An iCalendar file (or an invitation as .eml); anything else is refused with 422" } } } },
                          "responses": { "201": object, "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" },
                                         "413": { "$ref": "#/components/responses/Error" }, "422": { "$ref": "#/components/responses/Error" } } } },
            "/calendars/{id}": { "delete": { "summary": "Delete one of your calendars", "parameters": [id.clone()],
                "responses": { "204": { "description": "Deleted" }, "401": { "$ref": "#/components/responses/Error" }, "404": { "$ref": "#/components/responses/Error" } } } },
            "/drafts": { "get": op("Your outbox", vec![]) },
            "/drafts/{id}": { "get": { "summary": "One draft as an .eml message", "parameters": [id],
                "responses": { "200": eml, "401": { "$ref": "#/components/responses/Error" }, "404": { "$ref": "#/components/responses/Error" } } } },
        }
    })
}
