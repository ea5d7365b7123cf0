//! Accounts: the first admin, logging in and out, settings, API tokens,
//! and the users an admin keeps.

use super::*;

pub async fn setup_form(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Page {
    check_link(&token, &headers)?;
    if !app
        .store
        .setup_link_open(&auth::token_hash(&token), app.clock.now())
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
    check_name(name, lang)?;
    check_email(email, lang)?;
    check_password(password, lang)?;
    let hash = auth::hash_password(password)?;
    let Some(id) = app
        .store
        .create_first_admin(
            &auth::token_hash(&token),
            app.clock.now(),
            email,
            name,
            &hash,
        )
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
    auth::attempt(&app, &email, &peer, lang).await?;
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
            auth::attempt_was_right(&app, &email, &peer).await?;
            app.store.delete_expired_sessions(app.clock.now()).await?;
            let cookie = auth::start_session(&app, u.id).await?;
            Ok(logged_in(&app, cookie, "/week"))
        }
        _ => {
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

/// A person's name goes into every reply's From and signature: one line of
/// text, of a length a name has.
fn check_name(name: &str, lang: Lang) -> Result<(), Failure> {
    if name.chars().any(char::is_control) || name.chars().count() > 100 {
        return Err(Failure::bad(pick(
            lang,
            "A name is one line of at most 100 characters.",
            "Et navn er én linje på høyst 100 tegn.",
        ))
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
            context! { hash, name, made => stored_time(made, tz, s.lang) }
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
            default_cap => words::hours(app.base.profile.weekly_cap_minutes, s.lang),
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

pub async fn change_password(
    State(app): State<Arc<App>>,
    s: Session,
    peer: Peer,
    form: Fields_,
) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    // A guess at the current password is a failed login like any other: a
    // stolen session cannot try passwords here faster than at the door.
    auth::attempt(&app, &s.user.email, &peer, s.lang).await?;
    if !auth::password_matches(&s.user.password_hash, f.raw("current")) {
        return Err(Failure::forbidden(pick(
            s.lang,
            "The current password is incorrect.",
            "Det nåværende passordet er feil.",
        ))
        .lang(s.lang));
    }
    auth::attempt_was_right(&app, &s.user.email, &peer).await?;
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
        // Addresses to send from are the admin's to give (see `set_addresses`).
        other_emails: Settings::of(&s.user).other_emails,
    };
    settings.check(&s.user.email).map_err(|e| e.lang(s.lang))?;
    let json = serde_json::to_string(&settings)?;
    app.store.set_settings(s.user.id, &json).await?;
    Ok(redirect("/settings?done=settings"))
}

/// An admin gives a user the other addresses they are invited at. Replies go
/// out from those addresses through the team's mail server, so a user
/// cannot give them to themself, and none may be another user's.
pub async fn set_addresses(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    let id: i64 = f.get("id").parse().unwrap_or(-1);
    let users = app.store.users().await?;
    let Some(user) = users.iter().find(|u| u.id == id) else {
        return Err(
            Failure::not_found(pick(s.lang, "No such user.", "Ingen slik bruker.")).lang(s.lang),
        );
    };
    let mut settings = Settings::of(user);
    settings.other_emails = f
        .get("addresses")
        .split([',', ' '])
        .filter(|e| !e.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    settings.check(&user.email).map_err(|e| e.lang(s.lang))?;
    if let Some(taken) = settings.other_emails.iter().find(|e| {
        users
            .iter()
            .any(|u| u.id != id && u.email.eq_ignore_ascii_case(e))
    }) {
        return Err(Failure::new(
            Kind::Conflict,
            match s.lang {
                Lang::Nb => format!("{taken} er en annen brukers adresse."),
                Lang::En => format!("{taken} is another user's address."),
            },
        )
        .lang(s.lang));
    }
    let json = serde_json::to_string(&settings)?;
    app.store.set_settings(id, &json).await?;
    Ok(redirect("/users?done=addresses"))
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
        .create_api_token(&auth::token_hash(&token), s.user.id, &name, app.clock.now())
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
                addresses => Settings::of(&u).other_emails.join(", "),
                role => text(lang, if u.role == Role::Admin { "admin" } else { "member" }),
            }
        })
        .collect();
    // Who must wait before their next login, for the admin to lift.
    let tz = work::zone(&app, &s.user);
    let waits: Vec<Value> = app
        .store
        .login_waits(app.clock.now(), auth::free_attempts)
        .await?
        .into_iter()
        .map(|(key, attempts, until)| {
            let until = DateTime::from_timestamp(until, 0).unwrap_or_default();
            context! {
                key, who => auth::key_words(&key, lang), attempts,
                until => until.with_timezone(&tz).format("%H:%M:%S").to_string(),
            }
        })
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "users.html",
        "users",
        context! { users => rows, waits, notice => done_notice(&q, lang) },
    )
}

/// An admin lifts a wait after failed logins.
pub async fn lift_wait(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    app.store.forget_attempts(f.get("key")).await?;
    Ok(redirect("/users?done=wait_lifted"))
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
    check_name(name, s.lang)?;
    check_email(email, s.lang)?;
    check_password(password, s.lang)?;
    let role = match f.get("role") {
        "admin" => Role::Admin,
        "member" | "" => Role::Member,
        other => return Err(Failure::bad(format!("role '{other}': admin or member")).lang(s.lang)),
    };
    match app
        .store
        .create_user(
            email,
            name,
            &auth::hash_password(password)?,
            role,
            app.clock.now(),
        )
        .await
    {
        Ok(_) => Ok(redirect("/users?done=user")),
        Err(neitakk_store::Error::Conflict { .. }) => Err(Failure::new(
            Kind::Conflict,
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
    // Whoever had the account had its tokens too: they go with the old password.
    app.store.delete_api_tokens(id).await?;
    // A new password also lifts the waits after failed logins.
    auth::forget_account_attempts(&app, &user.email).await?;
    Ok(redirect("/users?done=reset"))
}
