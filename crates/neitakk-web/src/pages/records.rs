//! A user's own records: calendars, outbox and journal.

use super::*;

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
            summary => e.summary.clone().unwrap_or_else(|| e.meeting.uid.clone()),
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
        (_, Some("again")) => Some(text(lang, "sent_again").to_owned()),
        (_, Some("busy")) => Some(text(lang, "sent_busy").to_owned()),
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
            context! { id => c.id, name => c.name, link => c.link, uploaded => stored_time(c.uploaded_at, tz, lang) }
        })
        .collect();
    let has_links = list
        .iter()
        .any(|c| c.get_attr("link").is_ok_and(|l| l.is_true()));
    let caldav = app
        .store
        .caldav(s.user.id)
        .await?
        .map(|a| context! { url => a.url, username => a.username });
    let inbox = work::inbox_account(&app, s.user.id).await?.map(|a| {
        context! {
            host => a.host, port => a.port, security => a.security, username => a.username,
            folder => a.folder, drafts => a.drafts, sent => a.sent, token => a.token,
            looked => a.looked_at.map(|t| stored_time(t, tz, lang)), problem => a.problem,
        }
    });
    render(
        &app,
        Some(&s),
        lang,
        "calendars.html",
        "calendars",
        context! {
            calendars => list, has_links, caldav, inbox,
            token_commands => app.options.token_commands,
            notice => done_notice(&q, lang),
        },
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
            (
                "done",
                if week.is_some() {
                    "uploaded"
                } else {
                    "uploaded_past"
                },
            ),
        ],
    )))
}

pub async fn add_calendar_link(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let (_, week) = work::add_calendar_link(&app, &s.user, f.get("url"))
        .await
        .map_err(|e| e.lang(s.lang))?;
    Ok(redirect(&link(
        "/week",
        &[("week", week.as_deref().unwrap_or("")), ("done", "linked")],
    )))
}

pub async fn refresh_links(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let problems = work::refresh_links(&app, Some(s.user.id)).await?;
    if let Some(first) = problems.first() {
        return Err(Failure::new(Kind::Remote, first.clone()).lang(s.lang));
    }
    Ok(redirect("/calendars?done=refreshed"))
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

pub async fn save_inbox(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    if f.get("remove") == "1" {
        app.store.delete_inbox_account(s.user.id).await?;
        return Ok(redirect("/calendars?done=inbox_removed"));
    }
    let new = work::NewInbox {
        host: f.get("host"),
        port: f.get("port"),
        security: f.get("security"),
        username: f.get("username"),
        secret: f.raw("password"),
        token: f.get("token") == "1",
        folder: f.get("folder"),
        drafts: f.get("drafts"),
        sent: f.get("sent"),
    };
    work::set_inbox(&app, &s.user, &new)
        .await
        .map_err(|e| e.lang(s.lang))?;
    Ok(redirect("/calendars?done=inbox"))
}

pub async fn look_inbox(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    work::look(&app, &s.user)
        .await
        .map_err(|e| e.lang(s.lang))?;
    Ok(redirect("/calendars?done=looked"))
}
