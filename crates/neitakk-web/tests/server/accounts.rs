//! Accounts: setup links, logins, sessions, CSRF and rate limits.

use crate::harness::*;

#[tokio::test]
async fn setup_link_login_and_logout() {
    let s = Server::new().await;
    // Without a session, the pages send people to the login page.
    let mut anon = s.browser();
    let r = anon.get("/week").await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/login"));
    assert_eq!(anon.get("/").await.location(), "/login");

    let link = server::new_setup_link(&s.app.store, s.app.clock.now())
        .await
        .unwrap();
    let mut admin = s.browser();
    let csrf = admin.get(&format!("/setup/{link}")).await.csrf();
    let fields = |password: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Ingrid Berg".to_owned()),
            ("email", "ingrid.berg@fjellfjord.no".to_owned()),
            ("password", password.to_owned()),
        ]
    };
    let as_refs = |v: &[(&'static str, String)]| -> String {
        form(&v.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
    };
    // A short password is refused, and the link is not used up by it.
    let r = admin
        .post_raw(&format!("/setup/{link}"), as_refs(&fields("kort")))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("10 characters"), "{}", r.body);
    let r = admin
        .post_raw(&format!("/setup/{link}"), as_refs(&fields(PASSWORD)))
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/calendars")
    );
    let session = admin
        .server
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(session.location(), "/login", "no cookie, no session");
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("neitakk_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP: not Secure");
    assert_eq!(admin.get("/week").await.status, StatusCode::OK);

    // The link works once: its page says so, and a form sent anyway fails.
    let mut other = s.browser();
    let used = other.get(&format!("/setup/{link}")).await;
    assert_eq!(used.status, StatusCode::FORBIDDEN);
    assert!(used.body.contains("Log in instead"), "{}", used.body);
    let csrf = other.get("/login").await.csrf();
    let r = other
        .post(
            &format!("/setup/{link}"),
            &[
                ("csrf", &csrf),
                ("name", "X"),
                ("email", "x@y.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.app.store.user_count().await.unwrap(), 1);

    // Log out, and the session is gone (also for a copy of the cookie).
    let stolen = admin.cookies.clone();
    let csrf = admin.get("/week").await.csrf();
    let r = admin.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(r.location(), "/login");
    assert_eq!(admin.get("/week").await.location(), "/login");
    let mut thief = s.browser();
    thief.cookies = stolen;
    assert_eq!(thief.get("/week").await.location(), "/login");

    // And back in with the password.
    let r = admin.login("ingrid.berg@fjellfjord.no", PASSWORD).await;
    assert_eq!(r.location(), "/week");
    let r = admin
        .login("ingrid.berg@fjellfjord.no", "feil passord")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Wrong e-mail or password"));
}

#[tokio::test]
async fn secure_cookies_when_served_over_tls() {
    let s = Server::with(Options {
        secure_cookies: true,
        private_caldav: false,
        ..Options::default()
    })
    .await;
    let res = s
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    let cookie = res.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // And every answer carries the safety headers.
    assert_eq!(res.headers["x-frame-options"], "DENY");
    assert_eq!(res.headers["x-content-type-options"], "nosniff");
    assert!(res.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
}

/// Wrong passwords slow down the one who guesses, with waits that double,
/// rather than lock the account: the colleague it belongs to, from their
/// own address, logs in all along. The admin sees the wait and lifts it.
#[tokio::test]
async fn failed_logins_slow_the_guesser_without_locking_out_the_account() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let me = "ingrid.berg@fjellfjord.no";
    let mut guesser = s.browser_at("10.0.0.66", None);
    for _ in 0..3 {
        let r = guesser.login(me, "gjetting-1234").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // From that address, even the right password now waits.
    let r = guesser.login(me, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // (A second may pass between the tries: the clock runs.)
    let waits = |r: &Reply, secs: &[&str]| {
        secs.iter()
            .any(|w| r.body.contains(&format!("wait {w} before")))
    };
    assert!(waits(&r, &["2 seconds", "a second"]), "{}", r.body);
    // A header of its own does not make it someone else.
    let mut spoofing = s.browser_at("10.0.0.66", Some("10.0.0.7"));
    let r = spoofing.login(me, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Its owner, from their own address, is not held up.
    let mut owner = s.browser_at("10.0.0.7", None);
    assert_eq!(
        owner.login(me, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // The waits double: 2 s, then 4 s.
    s.seconds_later(2);
    let r = guesser.login(me, "gjetting-5678").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = guesser.login(me, "gjetting-9012").await;
    assert!(waits(&r, &["4 seconds", "3 seconds"]), "{}", r.body);
    // Unknown addresses count too, without telling they are unknown.
    let r = s
        .browser()
        .login("nobody@fjellfjord.no", "gjetting-1234")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Wrong e-mail or password"));
    // The admin sees who waits, and lifts it.
    let users = admin.get("/users").await;
    let who = format!("{me} from 10.0.0.66");
    assert!(unescape(&users.body).contains(&who), "{}", users.body);
    let r = admin
        .post(
            "/users/waits",
            &[
                ("csrf", &users.csrf()),
                ("key", &format!("pair:{me}|10.0.0.66")),
            ],
        )
        .await;
    assert_eq!(r.location(), "/users?done=wait_lifted");
    assert!(!unescape(&admin.get("/users").await.body).contains(&who));
    let r = guesser.login(me, "gjetting-3456").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "checked at once");
}

/// Behind a reverse proxy named with `--trusted-proxy`, each client is
/// counted by the address the proxy saw; from anywhere else the header is
/// ignored.
#[tokio::test]
async fn a_trusted_proxy_names_the_client() {
    let s = Server::with(Options {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Options::default()
    })
    .await;
    drop(s.admin().await);
    let me = "ingrid.berg@fjellfjord.no";
    let mut guesser = s.browser_at("127.0.0.1", Some("203.0.113.5"));
    for _ in 0..3 {
        guesser.login(me, "gjetting-1234").await;
    }
    assert_eq!(
        guesser.login(me, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A first entry of the guesser's own choosing changes nothing: the
    // proxy's own entry is the last.
    let mut spoofing = s.browser_at("127.0.0.1", Some("203.0.113.9, 203.0.113.5"));
    assert_eq!(
        spoofing.login(me, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut owner = s.browser_at("127.0.0.1", Some("203.0.113.9"));
    assert_eq!(
        owner.login(me, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let id = admin.upload_example().await;
    let id = id.to_string();
    let before = s.app.store.calendars(1).await.unwrap().len();
    let forms: &[(&str, &[(&str, &str)])] = &[
        ("/logout", &[]),
        (
            "/meeting/save",
            &[("uid", WORKSHOP), ("start", WORKSHOP_START), ("body", "x")],
        ),
        (
            "/meeting/send",
            &[("uid", WORKSHOP), ("start", WORKSHOP_START), ("body", "x")],
        ),
        ("/plan/approve", &[("week", WEEK), ("free", "2h")]),
        ("/clients/save", &[("name", "Ny kunde")]),
        ("/clients/delete", &[("name", "Havnevest")]),
        ("/calendars/delete", &[("id", &id)]),
        ("/outbox/delete", &[("id", "1")]),
        (
            "/settings/password",
            &[("current", PASSWORD), ("new", "et-annet-passord")],
        ),
        ("/settings/token/revoke", &[("token", "x")]),
        ("/users/delete", &[("id", "2")]),
        (
            "/users/password",
            &[("id", "2"), ("password", "et-annet-passord")],
        ),
        (
            "/users/addresses",
            &[("id", "1"), ("addresses", "ib@fjellfjord.no")],
        ),
        (
            "/calendars/caldav",
            &[
                ("url", "http://127.0.0.1:1/"),
                ("username", "u"),
                ("password", "p"),
            ],
        ),
        ("/settings", &[("language", "nb")]),
        ("/settings/token", &[("name", "t")]),
        (
            "/users",
            &[("name", "X"), ("email", "x@y.no"), ("password", PASSWORD)],
        ),
    ];
    for (path, fields) in forms {
        for csrf in [None, Some("forged")] {
            let mut all: Vec<(&str, &str)> = fields.to_vec();
            if let Some(c) = csrf {
                all.push(("csrf", c));
            }
            let r = admin.post(path, &all).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} with csrf {csrf:?}");
        }
    }
    for path in ["/calendars/upload", "/clients/import"] {
        let r = admin
            .upload(path, "forged", "x.ics", example().as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    // Public forms: the field must match the form cookie.
    let mut b = s.browser();
    b.get("/login").await;
    let r = b
        .post(
            "/login",
            &[
                ("csrf", "forged"),
                ("email", "ingrid.berg@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nothing changed.
    assert_eq!(s.app.store.calendars(1).await.unwrap().len(), before);
    assert_eq!(s.app.store.user_count().await.unwrap(), 1);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 6);
    assert!(s.app.store.for_owner(1).drafts().await.unwrap().is_empty());
    assert_eq!(
        admin.get("/week").await.status,
        StatusCode::OK,
        "still logged in"
    );
}

/// Sessions and setup links end by the server's clock, not the machine's.
#[tokio::test]
async fn links_and_sessions_expire_by_the_servers_clock() {
    let s = Server::new().await;
    let link = server::new_setup_link(&s.app.store, s.app.clock.now())
        .await
        .unwrap();
    s.later(25);
    let mut late = s.browser();
    assert_eq!(
        late.get(&format!("/setup/{link}")).await.status,
        StatusCode::FORBIDDEN,
        "a setup link lasts a day"
    );
    let mut admin = s.admin().await;
    assert_eq!(admin.get("/week").await.status, StatusCode::OK);
    s.later(24 * 40);
    let r = admin.get("/week").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a session ends: {}",
        r.body
    );
    assert!(r.location().starts_with("/login"), "{}", r.location());
}

#[tokio::test]
async fn setup_links_stop_working_once_there_is_an_admin() {
    let s = Server::new().await;
    let first = server::new_setup_link(&s.app.store, s.app.clock.now())
        .await
        .unwrap();
    // A guessed link changes nothing: the real one still works after it.
    let mut guesser = s.browser();
    let csrf = guesser.get("/login").await.csrf();
    let guess = "A".repeat(43);
    let r = guesser
        .post(
            &format!("/setup/{guess}"),
            &[
                ("csrf", &csrf),
                ("name", "G"),
                ("email", "g@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // One link at a time: a new one (a restart with no users) ends the old.
    let second = server::new_setup_link(&s.app.store, s.app.clock.now())
        .await
        .unwrap();
    let mut old = s.browser();
    assert_eq!(
        old.get(&format!("/setup/{first}")).await.status,
        StatusCode::FORBIDDEN,
        "the older link no longer works"
    );
    let mut a = s.browser();
    let csrf = a.get(&format!("/setup/{second}")).await.csrf();
    let r = a
        .post(
            &format!("/setup/{second}"),
            &[
                ("csrf", &csrf),
                ("name", "A"),
                ("email", "a@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Once there is an admin, no link works, not even a new one.
    let third = server::new_setup_link(&s.app.store, s.app.clock.now())
        .await
        .unwrap();
    let mut b = s.browser();
    assert_eq!(
        b.get(&format!("/setup/{third}")).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = b.get("/login").await.csrf();
    let r = b
        .post(
            &format!("/setup/{third}"),
            &[
                ("csrf", &csrf),
                ("name", "B"),
                ("email", "b@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(s.app.store.user_count().await.unwrap(), 1);
    // Something that is not a link of ours is not found.
    assert_eq!(
        b.get("/setup/..%2F..%2Flogin").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Guesses at the current password on the settings page count as failed
/// logins: past the limit even the right one waits.
#[tokio::test]
async fn guesses_at_the_current_password_are_failed_logins() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/settings").await.csrf();
    for _ in 0..3 {
        let r = admin
            .change_password(&csrf, "gjetting-1234", "nytt-langt-passord")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let r = admin
        .change_password(&csrf, PASSWORD, "nytt-langt-passord")
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // And the door is shut as well: they were failed logins.
    let r = s
        .browser()
        .login("ingrid.berg@fjellfjord.no", PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Guesses sent all at once are counted and checked one by one: at most
/// five of forty get a password check (before, all forty were checked),
/// and the right password after them waits.
#[tokio::test]
async fn parallel_guesses_do_not_pass_the_limit() {
    let s = Server::new().await;
    drop(s.admin().await);
    let mut b = s.browser();
    let csrf = b.get("/login").await.csrf();
    let cookie = b.cookie_header();
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let req = Request::post("/login")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form(&[
                    ("csrf", &csrf),
                    ("email", "ingrid.berg@fjellfjord.no"),
                    ("password", "gjetting-1234"),
                ])))
                .unwrap();
            tokio::spawn(s.router.clone().oneshot(req))
        })
        .collect();
    let mut checked = 0;
    for t in tasks {
        let status = t.await.unwrap().unwrap().status();
        if status != StatusCode::TOO_MANY_REQUESTS {
            checked += 1;
        }
    }
    assert!(checked <= 5, "{checked} of 40 were checked");
    let r = s
        .browser()
        .login("ingrid.berg@fjellfjord.no", PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}
