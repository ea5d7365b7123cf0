//! The team server, route by route, in process: the router gets requests as
//! a browser or a script would send them, over a real SQLite database (and
//! PostgreSQL, where scripts/test started one).

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use neitakk_pipeline::clock::Clock;
use neitakk_store::Store;
use neitakk_web::{self as server, App, Options};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

/// The example week as seen on its Monday morning: every test pins its time.
const MONDAY: &str = "2026-11-30T07:00:00+01:00";

const WEEK: &str = "2026-W49";
const WORKSHOP: &str = "havnevest-workshop-49@havnevest.no";
const WORKSHOP_START: &str = "2026-11-30T12:00:00Z";
const PASSWORD: &str = "langt-passord-1";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> String {
    std::fs::read_to_string(root().join("examples/uke49.ics")).unwrap()
}

/// A server over a fresh database, with the example config's settings and
/// client registry.
struct Server {
    app: Arc<App>,
    router: Router,
    /// Hours the server's clock is set ahead of Monday morning (running on).
    ahead: Arc<std::sync::atomic::AtomicI64>,
    _dir: tempfile::TempDir,
}

/// What came back.
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }

    /// The first CSRF field of a page.
    fn csrf(&self) -> String {
        field_value(&self.body, "csrf").unwrap_or_else(|| panic!("no csrf field in {}", self.body))
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The value of the first `<input name="NAME" value="...">`.
fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// HTML as a browser reads it (minijinja escapes `/` and more).
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

impl Server {
    /// Moves the server's clock `hours` on.
    fn later(&self, hours: i64) {
        self.ahead
            .fetch_add(hours, std::sync::atomic::Ordering::Relaxed);
    }

    async fn new() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("s.sqlite").display()
        );
        Server::on(Store::connect(&url).await.unwrap(), dir, |_| {}).await
    }

    /// Over a fresh SQLite database, with these options.
    async fn with(options: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("s.sqlite").display()
        );
        let store = Store::connect(&url).await.unwrap();
        Server::build(store, dir, |_| {}, options).await
    }

    /// Loopback CalDAV is allowed: Radicale runs there in the tests.
    async fn on(
        store: Store,
        dir: tempfile::TempDir,
        adjust: impl FnOnce(&mut neitakk_pipeline::config::Config),
    ) -> Server {
        let options = Options {
            secure_cookies: false,
            private_caldav: true,
        };
        Server::build(store, dir, adjust, options).await
    }

    async fn build(
        store: Store,
        dir: tempfile::TempDir,
        adjust: impl FnOnce(&mut neitakk_pipeline::config::Config),
        options: Options,
    ) -> Server {
        let monday = neitakk_pipeline::clock::parse_now(MONDAY).unwrap();
        let mut config = neitakk_pipeline::config::load(
            Some(&root().join("examples/neitakk.toml")),
            None,
            monday,
        )
        .unwrap();
        adjust(&mut config);
        let rows: Vec<(String, String)> = config
            .clients
            .iter()
            .map(|c| (c.name.clone(), serde_json::to_string(c).unwrap()))
            .collect();
        store.save_clients(&rows).await.unwrap();
        let ahead = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let running = Clock::running_from(monday);
        let hours = ahead.clone();
        let clock = Clock::new(move || {
            running.now()
                + chrono::Duration::hours(hours.load(std::sync::atomic::Ordering::Relaxed))
        });
        let app = App::new(store, config, [9; 32], options, clock).unwrap();
        Server {
            router: server::router(app.clone()),
            app,
            ahead,
            _dir: dir,
        }
    }

    async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A browser with no session yet.
    fn browser(&self) -> Browser<'_> {
        Browser {
            server: self,
            cookies: Vec::new(),
            lang: "en",
        }
    }

    /// The first admin, through the one-time setup link.
    async fn admin(&self) -> Browser<'_> {
        let link = server::new_setup_link(&self.app.store, self.app.clock.now())
            .await
            .unwrap();
        let mut b = self.browser();
        let page = b.get(&format!("/setup/{link}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let r = b
            .post(
                &format!("/setup/{link}"),
                &[
                    ("csrf", &page.csrf()),
                    ("name", "Ingrid Berg"),
                    ("email", "ingrid.berg@fjellfjord.no"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        b
    }

    /// A member the admin adds, logged in.
    async fn member(&self, admin: &mut Browser<'_>, name: &str, email: &str) -> Browser<'_> {
        let csrf = admin.get("/users").await.csrf();
        let r = admin
            .post(
                "/users",
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("email", email),
                    ("role", "member"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut b = self.browser();
        b.login(email, PASSWORD).await;
        b
    }
}

/// A browser: keeps cookies, sends forms.
struct Browser<'s> {
    server: &'s Server,
    cookies: Vec<(String, String)>,
    lang: &'static str,
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Reply {
        let req = req
            .header(header::COOKIE, self.cookie_header())
            .header(header::ACCEPT_LANGUAGE, self.lang)
            .body(body)
            .unwrap();
        let r = self.server.send(req).await;
        for v in r.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        r
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path), Body::empty()).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_raw(path, form(fields)).await
    }

    async fn post_raw(&mut self, path: &str, body: String) -> Reply {
        self.send(
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// A multipart form with a CSRF field and one file.
    async fn upload(&mut self, path: &str, csrf: &str, name: &str, data: &[u8]) -> Reply {
        let boundary = "neitakk-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(path).header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ),
            Body::from(body),
        )
        .await
    }

    async fn login(&mut self, email: &str, password: &str) -> Reply {
        let csrf = self.get("/login").await.csrf();
        self.post(
            "/login",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// Uploads the example week; the calendar's id.
    async fn upload_example(&mut self) -> i64 {
        let csrf = self.get("/calendars").await.csrf();
        let r = self
            .upload(
                "/calendars/upload",
                &csrf,
                "uke49.ics",
                example().as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = self.get("/calendars").await;
        let at = page.body.rfind("name=\"id\" value=\"").unwrap();
        page.body[at + 17..]
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Answers the example workshop by phone with `body`, through the
    /// meeting page's form: `action` is /meeting/save or /meeting/send.
    async fn reply_to_workshop(&mut self, action: &str, body: &str) -> Reply {
        let csrf = self.get(&workshop("")).await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("uid", WORKSHOP),
            ("start", WORKSHOP_START),
            ("strategy", "phone-call"),
            ("lang", "nb"),
            ("body", body),
        ];
        self.post(action, &fields).await
    }

    /// Makes an API token on the settings page.
    async fn token(&mut self) -> String {
        let csrf = self.get("/settings").await.csrf();
        let r = self
            .post("/settings/token", &[("csrf", &csrf), ("name", "tests")])
            .await;
        let at = r.body.find("<code id=\"new-token\">").unwrap() + 21;
        r.body[at..].split('<').next().unwrap().to_owned()
    }
}

async fn api(s: &Server, token: &str, method: &str, path: &str, body: Option<&str>) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(format!("/api/v1{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    s.send(
        req.body(body.map_or(Body::empty(), |b| Body::from(b.to_owned())))
            .unwrap(),
    )
    .await
}

/// The example workshop's meeting page, with `extra` query ("&lang=en").
fn workshop(extra: &str) -> String {
    format!(
        "/meeting?uid={}&start={WORKSHOP_START}{extra}",
        WORKSHOP.replace('@', "%40")
    )
}

/// The cards on a week board: (strategy class, meeting link).
fn cards(html: &str) -> Vec<(String, String)> {
    let html = unescape(html);
    html.split("<li class=\"card s-")
        .skip(1)
        .map(|card| {
            let class = card.split('"').next().unwrap().to_owned();
            let href = card
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (class, href.to_owned())
        })
        .collect()
}

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

/// By default a CalDAV account must be on a public address: the server
/// fetches it, and must not be a way into its own network.
#[tokio::test]
async fn caldav_accounts_on_private_addresses_are_refused() {
    let s = Server::with(Options::default()).await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/calendars").await.csrf();
    for url in [
        "http://127.0.0.1:5232/ingrid/",
        "http://localhost/cal/",
        "https://10.0.0.7/dav/",
        "http://[::1]:8080/",
        "http://user@192.168.1.1/",
        "ftp://example.com/",
        "http://:80/",
    ] {
        let r = admin
            .post(
                "/calendars/caldav",
                &[
                    ("csrf", &csrf),
                    ("url", url),
                    ("username", "u"),
                    ("password", "p"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.body);
    }
    assert!(s.app.store.caldav(1).await.unwrap().is_none());
    // A public address is taken (an IP, so that no name needs looking up).
    let r = admin
        .post(
            "/calendars/caldav",
            &[
                ("csrf", &csrf),
                ("url", "https://93.184.216.34/dav/"),
                ("username", "u"),
                ("password", "p"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(s.app.store.caldav(1).await.unwrap().is_some());
}

#[tokio::test]
async fn logins_are_rate_limited() {
    let s = Server::new().await;
    drop(s.admin().await);
    let mut b = s.browser();
    for _ in 0..5 {
        let r = b.login("ingrid.berg@fjellfjord.no", "gjetting-1234").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits.
    let r = b.login("ingrid.berg@fjellfjord.no", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Too many failed logins"));
    // Unknown addresses count too, without telling they are unknown.
    let r = b.login("nobody@fjellfjord.no", "gjetting-1234").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Wrong e-mail or password"));
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

#[tokio::test]
async fn the_week_board_shows_the_example_week() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let empty = admin.get(&format!("/week?week={WEEK}")).await;
    assert!(empty.body.contains("No calendar yet"));
    admin.upload_example().await;
    let r = admin.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let classes: std::collections::BTreeSet<String> =
        cards(&r.body).into_iter().map(|c| c.0).collect();
    let expected = [
        "attend",
        "bow-out",
        "decline",
        "email-for-now",
        "internal",
        "phone-call",
        "reschedule",
        "shorten",
    ];
    assert_eq!(classes, expected.iter().map(|c| c.to_string()).collect());
    assert!(
        r.body.contains(
            "Week 49: 20.4 h (17.2 h of meetings and 3.2 h of travel) against a cap of 15.0 h."
        ),
        "{}",
        r.body
    );
    // The same export uploaded again does not double the meetings.
    admin.upload_example().await;
    let again = admin.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(cards(&again.body).len(), cards(&r.body).len());
    assert!(again.body.contains("17.2 h of meetings"));
    // Switching weeks.
    assert!(
        unescape(&r.body).contains("/week?week=2026-W48")
            && unescape(&r.body).contains("/week?week=2026-W50")
    );
    let next = admin.get("/week?week=2026-W50").await;
    assert_eq!(next.status, StatusCode::OK);
    assert!(!next.body.contains("Workshop: ny kundeportal"));
    // In Norwegian, by the browser's wish.
    admin.lang = "nb-NO,nb;q=0.9,en;q=0.5";
    let nb = admin.get(&format!("/week?week={WEEK}")).await;
    assert!(
        nb.body.contains("lang=\"nb\"") && nb.body.contains("Møtebelastning"),
        "{}",
        nb.body
    );
    // A week that is not one.
    let bad = admin.get("/week?week=2026-W99").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("is not an ISO week"));
}

#[tokio::test]
async fn a_meeting_page_drafts_an_edited_reply_into_the_outbox() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    let (_, href) = cards(&board.body)
        .into_iter()
        .find(|(c, _)| c == "phone-call")
        .unwrap();
    let page = admin.get(&href).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Workshop: ny kundeportal"));
    assert!(
        page.body.contains("at the least risk to the relationships"),
        "the rule trail: the week's plan"
    );
    assert!(page.body.contains("(recommended)"));
    assert!(
        page.body.contains("Takk for invitasjonen"),
        "the Norwegian draft"
    );
    // Another strategy, and the English draft.
    let en = admin.get(&workshop("&strategy=shorten&lang=en")).await;
    assert!(
        en.body.contains("Thank you for the invitation") || en.body.contains("Thanks for"),
        "{}",
        en.body
    );
    assert_eq!(
        field_value(&en.body, "strategy").as_deref(),
        Some("shorten")
    );

    let csrf = page.csrf();
    let r = admin
        .post(
            "/meeting/save",
            &[
                ("csrf", &csrf),
                ("uid", WORKSHOP),
                ("start", WORKSHOP_START),
                ("strategy", "phone-call"),
                ("lang", "nb"),
                (
                    "body",
                    "Hei Per,\r\nkan vi ta workshopen på telefon?\r\nHilsen Ingrid",
                ),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/outbox?saved=1")
    );
    let outbox = admin.get("/outbox?saved=1").await;
    assert!(outbox.body.contains("One draft was put in the outbox."));
    let eml = admin.get("/outbox/1.eml").await;
    assert_eq!(eml.status, StatusCode::OK);
    assert_eq!(eml.headers[header::CONTENT_TYPE], "message/rfc822");
    assert!(eml.body.contains("method=COUNTER"), "{}", eml.body);
    assert!(
        eml.body.contains("kan vi ta workshopen p=C3=A5 telefon?"),
        "the edited words: {}",
        eml.body
    );
    // The board shows the meeting as answered.
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(
        board.body.matches("✎ in the outbox").count(),
        1,
        "{}",
        board.body
    );
    // The draft reads on its own page, and can be deleted.
    let view = admin.get("/outbox/1").await;
    assert!(
        view.body.contains("kan vi ta workshopen på telefon?"),
        "{}",
        view.body
    );
    // The journal has the decision, under the client.
    let journal = admin.get("/journal").await;
    assert!(
        journal.body.contains("Havnevest") && journal.body.contains("Workshop: ny kundeportal")
    );
    // A changed form (a message too many) is refused, and nothing is saved.
    let r = admin
        .post(
            "/meeting/save",
            &[
                ("csrf", &csrf),
                ("uid", WORKSHOP),
                ("start", WORKSHOP_START),
                ("strategy", "phone-call"),
                ("body", "a"),
                ("body", "b"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(s.app.store.for_owner(1).drafts().await.unwrap().len(), 1);
    // A written update is for the client, also when a colleague organizes.
    let update = admin
        .get("/meeting?uid=skagerrak-risiko%40fjellfjord.no&start=2026-12-01T08:00:00Z&strategy=email-for-now&lang=en")
        .await;
    let update = unescape(&update.body);
    let client_part = update.split("To the client").nth(1).unwrap();
    let client_part = client_part.split("</fieldset>").next().unwrap();
    assert!(
        client_part.contains("silje.dahl@skagerrakbank.no"),
        "{update}"
    );
    assert!(
        !client_part.contains("ola.hansen"),
        "not to the colleague: {client_part}"
    );
    assert!(
        client_part.contains("Hi Silje"),
        "greets the client: {client_part}"
    );
    // Its lines to fill in keep it from being sent as it is.
    let csrf = admin.get("/week").await.csrf();
    let page = admin
        .get("/meeting?uid=skagerrak-risiko%40fjellfjord.no&start=2026-12-01T08:00:00Z&strategy=email-for-now&lang=en")
        .await;
    let bodies: Vec<String> = unescape(&page.body)
        .split("name=\"body\" rows=\"14\">")
        .skip(1)
        .map(|b| b.split("</textarea>").next().unwrap().to_owned())
        .collect();
    assert_eq!(bodies.len(), 2);
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("uid", "skagerrak-risiko@fjellfjord.no"),
        ("start", "2026-12-01T08:00:00Z"),
        ("strategy", "email-for-now"),
        ("lang", "en"),
    ];
    fields.extend(bodies.iter().map(|b| ("body", b.as_str())));
    let r = admin.post("/meeting/send", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("fill in what is in brackets"), "{}", r.body);
    // A strategy that does not fit is explained, not written.
    let r = admin.get(&workshop("&strategy=bow-out")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("bow-out does not fit this meeting"),
        "{}",
        r.body
    );
    // A deleted draft answers nothing any more.
    let csrf = admin.get("/outbox").await.csrf();
    let r = admin
        .post("/outbox/delete", &[("csrf", &csrf), ("id", "1")])
        .await;
    assert_eq!(r.location(), "/outbox?done=draft_deleted");
    assert_eq!(admin.get("/outbox/1").await.status, StatusCode::NOT_FOUND);
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert!(!board.body.contains("in the outbox"));
}

#[tokio::test]
async fn the_plan_page_frees_time_and_approves_its_drafts() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let form_only = admin.get(&format!("/plan?week={WEEK}")).await;
    assert_eq!(form_only.status, StatusCode::OK);
    let r = admin
        .get(&format!("/plan?week={WEEK}&free=3h&max_risk=high"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("The plan frees"), "{}", r.body);
    assert!(r.body.contains("<svg"), "the before/after chart");
    let csrf = r.csrf();
    let digest = field_value(&r.body, "plan").unwrap();
    // Once the registry changes (Havnevest becomes a key client), the plan
    // shown is not the plan any more, and is not approved.
    let mut registry = s.app.store.registry().await.unwrap();
    let saved = registry.clone();
    for (name, data) in &mut registry {
        if name == "Havnevest" {
            let mut client: serde_json::Value = serde_json::from_str(data).unwrap();
            client["tier"] = "key".into();
            *data = client.to_string();
        }
    }
    s.app.store.save_clients(&registry).await.unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("week", WEEK),
        ("free", "3h"),
        ("max_risk", "high"),
        ("plan", digest.as_str()),
    ];
    let r = admin.post("/plan/approve", &fields).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    s.app.store.save_clients(&saved).await.unwrap();
    // A plan other than the one shown is not approved; the one shown is.
    let stale = "0".repeat(64);
    for (plan, status) in [
        (stale.as_str(), StatusCode::CONFLICT),
        (digest.as_str(), StatusCode::SEE_OTHER),
    ] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("week", WEEK),
            ("free", "3h"),
            ("max_risk", "high"),
            ("plan", plan),
        ];
        let r = admin.post("/plan/approve", &fields).await;
        assert_eq!(r.status, status, "{}", r.body);
        if status == StatusCode::CONFLICT {
            assert!(s.app.store.for_owner(1).drafts().await.unwrap().is_empty());
        }
    }
    let drafts = s.app.store.for_owner(1).drafts().await.unwrap();
    assert!(
        !drafts.is_empty() && drafts.iter().all(|d| d.strategy != "attend"),
        "{drafts:?}"
    );
    let bad = admin.get(&format!("/plan?week={WEEK}&free=lots")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn members_read_the_registry_and_admins_keep_it() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let mut ola = s
        .member(&mut admin, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;
    let page = ola.get("/clients").await;
    assert!(page.body.contains("Nordlys Energi"));
    assert!(
        !page.body.contains("/clients/save"),
        "no edit form for members"
    );
    let csrf = page.csrf();
    let r = ola
        .post("/clients/save", &[("csrf", &csrf), ("name", "Ola AS")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ola
        .post("/clients/delete", &[("csrf", &csrf), ("name", "Havnevest")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ola
        .upload("/clients/import", &csrf, "k.csv", b"name\nOla AS\n")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(ola.get("/users").await.status, StatusCode::FORBIDDEN);
    let r = ola
        .post(
            "/users",
            &[
                ("csrf", &csrf),
                ("name", "X"),
                ("email", "x@y.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 6);

    // The admin adds, edits, imports and deletes.
    let csrf = admin.get("/clients").await.csrf();
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("name", "Fjordbris AS"),
                ("domains", "fjordbris.no, fjordbris.com"),
                ("revenue", "1 200 000"),
                ("language", "nb"),
                ("travel_minutes", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("name", "Feil AS"),
                ("travel_minutes", "en halvtime"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("travel_minutes"), "{}", r.body);
    let csv = "Kundenr;Betegnelse;Revenue\n1;Bølgen AS;2 500 000\n";
    let r = admin
        .upload("/clients/import", &csrf, "k.csv", csv.as_bytes())
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no name column: {}",
        r.body
    );
    // A Norwegian CRM export: its column names, the domain from the website.
    let csv =
        "Kunde;Nettsted;Omsetning;Språk\nBølgen AS;https://www.bolgen.no/om-oss;2 500 000;nb\n";
    let r = admin
        .upload("/clients/import", &csrf, "k.csv", csv.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get("/clients?edit=Fjordbris%20AS").await;
    assert!(page.body.contains("fjordbris.no, fjordbris.com") && page.body.contains("Bølgen AS"));
    let page = admin.get("/clients?edit=B%C3%B8lgen%20AS").await;
    assert!(page.body.contains("bolgen.no"), "{}", page.body);
    let r = admin
        .post(
            "/clients/delete",
            &[("csrf", &csrf), ("name", "Fjordbris AS")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            "/clients/delete",
            &[("csrf", &csrf), ("name", "Fjordbris AS")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 7);
    // A second admin's address cannot be taken twice.
    let csrf = admin.get("/users").await.csrf();
    let r = admin
        .post(
            "/users",
            &[
                ("csrf", &csrf),
                ("name", "Ola 2"),
                ("email", "OLA.HANSEN@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

/// One user cannot read or change another's calendars, drafts or journal,
/// through any page or API route.
#[tokio::test]
async fn users_see_only_their_own_data() {
    let s = Server::new().await;
    let mut ingrid = s.admin().await;
    let mut ola = s
        .member(&mut ingrid, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;
    let calendar = ingrid.upload_example().await;
    let r = ingrid.reply_to_workshop("/meeting/save", "Hemmelig").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let ingrid_token = ingrid.token().await;
    let ola_token = ola.token().await;

    // Pages.
    assert!(cards(&ola.get(&format!("/week?week={WEEK}")).await.body).is_empty());
    let r = ola.get(&workshop("")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(ola.get("/outbox/1.eml").await.status, StatusCode::NOT_FOUND);
    assert_eq!(ola.get("/outbox/1").await.status, StatusCode::NOT_FOUND);
    let csrf = ola.get("/outbox").await.csrf();
    let r = ola
        .post("/outbox/delete", &[("csrf", &csrf), ("id", "1")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!ola.get("/outbox").await.body.contains("ny kundeportal"));
    assert!(!ola.get("/journal").await.body.contains("ny kundeportal"));
    assert!(!ola.get("/calendars").await.body.contains("uke49.ics"));
    let csrf = ola.get("/calendars").await.csrf();
    let r = ola
        .post(
            "/calendars/delete",
            &[("csrf", &csrf), ("id", &calendar.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = ola
        .post(
            "/meeting/save",
            &[
                ("csrf", &csrf),
                ("uid", WORKSHOP),
                ("start", WORKSHOP_START),
                ("strategy", "phone-call"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = ola.get(&format!("/plan?week={WEEK}&free=2h")).await;
    assert!(r.body.contains("nothing to plan"), "{}", r.body);

    // The API.
    let get = |path: &'static str| api(&s, &ola_token, "GET", path, None);
    assert_eq!(
        get("/calendars").await.json()["calendars"],
        serde_json::json!([])
    );
    assert_eq!(get("/drafts").await.json()["drafts"], serde_json::json!([]));
    assert_eq!(
        get("/journal").await.json()["entries"],
        serde_json::json!([])
    );
    assert_eq!(get("/drafts/1").await.status, StatusCode::NOT_FOUND);
    let triage = api(&s, &ola_token, "GET", &format!("/triage?week={WEEK}"), None).await;
    assert_eq!(triage.json()["meetings"], serde_json::json!([]));
    let events = api(&s, &ola_token, "GET", &format!("/events?week={WEEK}"), None).await;
    assert_eq!(events.json()["events"], serde_json::json!([]));
    let explain = api(
        &s,
        &ola_token,
        "GET",
        &format!(
            "/explain?uid={}&start={WORKSHOP_START}",
            WORKSHOP.replace('@', "%40")
        ),
        None,
    )
    .await;
    assert_eq!(explain.status, StatusCode::NOT_FOUND);
    let body = format!(r#"{{"uid":"{WORKSHOP}","start":"{WORKSHOP_START}","save":true}}"#);
    assert_eq!(
        api(&s, &ola_token, "POST", "/reply", Some(&body))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let del = api(
        &s,
        &ola_token,
        "DELETE",
        &format!("/calendars/{calendar}"),
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);

    // Ingrid's data is all still there.
    assert_eq!(
        api(&s, &ingrid_token, "GET", "/calendars", None)
            .await
            .json()["calendars"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api(&s, &ingrid_token, "GET", "/drafts", None).await.json()["drafts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(ingrid.get("/outbox/1.eml").await.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_stores_nothing() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/calendars").await.csrf();
    // Not a calendar.
    let r = admin
        .upload(
            "/calendars/upload",
            &csrf,
            "notes.txt",
            b"Dear diary, no meetings today.",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("not a calendar")
            || r.body.contains("no VCALENDAR")
            || r.body.contains("iCalendar"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("panicked") && !r.body.contains("src/"),
        "no trace"
    );
    let r = admin
        .upload(
            "/calendars/upload",
            &csrf,
            "bin.ics",
            &[0xff, 0xfe, 0x00, 0x81],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = admin
        .upload("/calendars/upload", &csrf, "empty.ics", b"")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Too large.
    let huge = vec![b'x'; 26 * 1024 * 1024];
    let r = admin
        .upload("/calendars/upload", &csrf, "huge.ics", &huge)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("too large"), "{}", r.body);
    assert!(
        s.app.store.calendars(1).await.unwrap().is_empty(),
        "nothing stored"
    );
    // Malformed forms and unknown ids.
    let r = admin
        .post_raw("/calendars/delete", "csrf=%zz&id=%".into())
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = admin
        .post("/calendars/delete", &[("csrf", &csrf), ("id", "abc")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = admin
        .post("/calendars/delete", &[("csrf", &csrf), ("id", "999")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        admin.get("/outbox/999.eml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/outbox/nonsense").await.status,
        StatusCode::NOT_FOUND
    );
    let r = admin.get("/meeting?uid=nope&start=yesterday").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = admin.get("/week?week=262142-W52").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = admin.post("/calendars/upload", &[("csrf", &csrf)]).await;
    assert!(
        r.status.is_client_error() && r.body.contains("<h1>"),
        "not a multipart form: {}",
        r.status
    );
    let css = admin.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(
        admin.get("/static/nothing.js").await.status,
        StatusCode::NOT_FOUND
    );
    let r = admin.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<h1>Not found</h1>"));
    let r = admin
        .post(
            "/settings",
            &[("csrf", &csrf), ("timezone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Time zone"), "{}", r.body);
    let r = admin
        .post(
            "/calendars/caldav",
            &[
                ("csrf", &csrf),
                ("url", "ftp://x"),
                ("username", "u"),
                ("password", "p"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The API answers in JSON.
    let token = admin.token().await;
    let r = api(&s, &token, "POST", "/reply", Some("{not json")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"].as_str().unwrap().contains("request body"));
    let r = api(
        &s,
        &token,
        "POST",
        "/calendars?name=x.ics",
        Some("BEGIN:VCARD\r\nEND:VCARD\r\n"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"].is_string());
    let r = api(&s, &token, "GET", "/triage?week=W49", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api(&s, &token, "GET", "/nothing", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].is_string());
    let r = api(&s, &token, "GET", "/drafts/x", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(s.app.store.calendars(1).await.unwrap().is_empty());
}

#[tokio::test]
async fn caldav_passwords_are_sealed_and_never_shown_back() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/calendars").await.csrf();
    let r = admin
        .post(
            "/calendars/caldav",
            &[
                ("csrf", &csrf),
                ("url", "http://127.0.0.1:9/ingrid/kalender/"),
                ("username", "ingrid"),
                ("password", "veldig-hemmelig"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get("/calendars").await;
    assert!(page.body.contains("ingrid") && !page.body.contains("veldig-hemmelig"));
    let stored = s.app.store.caldav(1).await.unwrap().unwrap();
    assert!(!stored.sealed_secret.contains("veldig-hemmelig"));
    // Removing it.
    let r = admin
        .post("/calendars/caldav", &[("csrf", &csrf), ("remove", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(s.app.store.caldav(1).await.unwrap().is_none());
}

#[tokio::test]
async fn settings_shape_the_pages_and_the_messages() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let csrf = admin.get("/settings").await.csrf();
    let r = admin
        .post(
            "/settings",
            &[
                ("csrf", &csrf),
                ("language", "nb"),
                ("timezone", "Europe/Oslo"),
                ("weekly_cap_hours", "20"),
                ("signature", "Ingrid\nFjell & Fjord"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert!(
        board
            .body
            .contains("i møter og 3,2 t reise) mot et tak på 20,0 t"),
        "{}",
        board.body
    );
    // Under the higher cap, workload is no reason: attending is recommended.
    let page = admin.get(&workshop("")).await;
    assert!(page.body.contains("ingenting å sende"), "{}", page.body);
    let page = admin.get(&workshop("&strategy=phone-call")).await;
    assert!(
        unescape(&page.body).contains("Ingrid\nFjell & Fjord"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_api_does_what_the_command_line_does() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let token = admin.token().await;
    let r = api(
        &s,
        &token,
        "POST",
        "/calendars?name=uke49.ics",
        Some(&example()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let events = api(&s, &token, "GET", &format!("/events?week={WEEK}"), None)
        .await
        .json();
    assert_eq!(events["events"].as_array().unwrap().len(), 17, "{events}");
    let triage = api(&s, &token, "GET", &format!("/triage?week={WEEK}"), None)
        .await
        .json();
    let strategy = |uid: &str| {
        triage["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["uid"] == uid)
            .unwrap()["strategy"]
            .clone()
    };
    assert_eq!(strategy(WORKSHOP), "phone-call");
    assert_eq!(strategy("skagerrak-risiko@fjellfjord.no"), "bow-out");
    assert_eq!(triage["weeks"][0]["meeting_minutes"], 1035);
    // The same document as `neitakk triage --format json` (the pipeline's
    // one encoding) of the example week.
    let mut cli = Vec::new();
    {
        let journal = tempfile::tempdir().unwrap();
        let config = neitakk_pipeline::config::Config {
            data_dir: journal.path().to_path_buf(),
            ..s.app.base.clone()
        };
        let week = neitakk_pipeline::analysis::parse_week(WEEK, config.profile.timezone).unwrap();
        let example = root().join("examples/uke49.ics");
        let loaded =
            neitakk_pipeline::analysis::Loaded::load(example.to_str().unwrap(), week, &config)
                .unwrap();
        neitakk_pipeline::triage::write_json(&mut cli, &config, &loaded, &Default::default())
            .unwrap();
    }
    let cli: serde_json::Value = serde_json::from_slice(&cli).unwrap();
    assert_eq!(cli["meetings"], triage["meetings"]);
    assert_eq!(cli["weeks"], triage["weeks"]);

    let explain = api(
        &s,
        &token,
        "GET",
        &format!(
            "/explain?uid={}&start={WORKSHOP_START}",
            WORKSHOP.replace('@', "%40")
        ),
        None,
    )
    .await
    .json();
    assert_eq!(explain["strategy"], "phone-call");
    assert!(!explain["trail"].as_array().unwrap().is_empty());

    let body = format!(
        r#"{{"uid":"{WORKSHOP}","start":"{WORKSHOP_START}","strategy":"shorten","lang":"en","save":true}}"#
    );
    let reply = api(&s, &token, "POST", "/reply", Some(&body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = reply.json();
    assert_eq!(reply["strategy"], "shorten");
    assert_eq!(reply["lang"], "en");
    let id = reply["drafts"][0].as_i64().unwrap();
    let eml = api(&s, &token, "GET", &format!("/drafts/{id}"), None).await;
    assert!(eml.body.contains("method=COUNTER"));
    let journal = api(&s, &token, "GET", "/journal?client=Havnevest", None)
        .await
        .json();
    assert_eq!(journal["entries"][0]["strategy"], "shorten");

    let plan = api(
        &s,
        &token,
        "GET",
        &format!("/plan?week={WEEK}&free=2h"),
        None,
    )
    .await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
    assert_eq!(plan.json()["target_minutes"], 120);

    let clients = api(&s, &token, "GET", "/clients", None).await.json();
    assert_eq!(clients["clients"].as_array().unwrap().len(), 6);
    let put = api(
        &s,
        &token,
        "PUT",
        "/clients",
        Some(r#"[{"name":"Fjordbris AS","domains":["fjordbris.no"]}]"#),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    let bad = api(
        &s,
        &token,
        "PUT",
        "/clients",
        Some(r#"[{"name":"X","tier":"huge"}]"#),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let member = s.member(&mut admin, "Ola", "ola@fjellfjord.no").await;
    drop(member);
    let calendar = api(&s, &token, "GET", "/calendars", None).await.json()["calendars"][0]["id"]
        .as_i64()
        .unwrap();
    let del = api(
        &s,
        &token,
        "DELETE",
        &format!("/calendars/{calendar}"),
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn members_cannot_change_the_registry_through_the_api() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let mut ola = s.member(&mut admin, "Ola", "ola@fjellfjord.no").await;
    let token = ola.token().await;
    let r = api(
        &s,
        &token,
        "PUT",
        "/clients",
        Some(r#"[{"name":"Ola AS"}]"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 6);
}

/// Every route the OpenAPI document names exists with its methods, wants a
/// token, and refuses the methods it does not name.
#[tokio::test]
async fn the_openapi_document_matches_the_routes() {
    let s = Server::new().await;
    let doc = s
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 10);
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "1");
        for method in ["GET", "POST", "PUT", "DELETE"] {
            let documented = ops.get(method.to_ascii_lowercase()).is_some();
            let r = s
                .send(
                    Request::builder()
                        .method(method)
                        .uri(format!("/api/v1{concrete}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            match (documented, path.as_str()) {
                (true, "/openapi.json") => assert_eq!(r.status, StatusCode::OK),
                (true, _) => {
                    assert_eq!(
                        r.status,
                        StatusCode::UNAUTHORIZED,
                        "{method} {path}: {}",
                        r.body
                    );
                    assert!(r.json()["error"].is_string());
                }
                (false, _) => {
                    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                    assert!(r.json()["error"].is_string(), "{method} {path}: JSON");
                }
            }
        }
    }
    // A token that is not one.
    let r = api(&s, "made-up", "GET", "/triage", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// The same story on PostgreSQL, the team database (scripts/test starts one).
#[tokio::test]
async fn the_server_runs_on_postgres() {
    let Some(url) = std::env::var("NEITAKK_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "no PostgreSQL: run scripts/test"
        );
        eprintln!("skipped: no PostgreSQL (scripts/test starts one)");
        return;
    };
    // A database of its own, so that other tests' data does not meet it.
    let name = format!("server_{}", std::process::id());
    let base = url.rsplit_once('/').unwrap().0.to_owned();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    let store = Store::connect(&format!("{base}/{name}")).await.unwrap();
    let s = Server::on(store.clone(), tempfile::tempdir().unwrap(), |_| {}).await;
    // A second server process on the same database, as behind a load balancer.
    let other = Server::on(
        Store::connect(&format!("{base}/{name}")).await.unwrap(),
        tempfile::tempdir().unwrap(),
        |_| {},
    )
    .await;
    let mut ingrid = s.admin().await;
    let mut ola = s
        .member(&mut ingrid, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;
    ingrid.upload_example().await;
    let board = ingrid.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(cards(&board.body).len(), 16);
    let r = ingrid.reply_to_workshop("/meeting/save", "Hei").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(ingrid.get("/outbox/1.eml").await.status, StatusCode::OK);
    assert_eq!(ola.get("/outbox/1.eml").await.status, StatusCode::NOT_FOUND);
    assert!(cards(&ola.get(&format!("/week?week={WEEK}")).await.body).is_empty());
    // The other process knows the session, the CSRF token, the calendar and
    // the outbox: nothing lived only in the first one's memory.
    let mut same_ingrid = other.browser();
    same_ingrid.cookies = ingrid.cookies.clone();
    assert_eq!(
        cards(&same_ingrid.get(&format!("/week?week={WEEK}")).await.body).len(),
        16
    );
    assert_eq!(
        same_ingrid.get("/outbox/1.eml").await.status,
        StatusCode::OK
    );
    let csrf = ingrid.get("/settings").await.csrf();
    let r = same_ingrid
        .post("/settings", &[("csrf", &csrf), ("language", "nb")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a form from one process, posted to the other"
    );

    // Failed logins count across processes.
    for i in 0..5 {
        let mut at = if i % 2 == 0 {
            s.browser()
        } else {
            other.browser()
        };
        at.login("ola.hansen@fjellfjord.no", "feil-passord-1").await;
    }
    assert_eq!(
        ola.login("ola.hansen@fjellfjord.no", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut elsewhere = other.browser();
    assert_eq!(
        elsewhere
            .login("ola.hansen@fjellfjord.no", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    drop((s, other, store));
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
}

/// Sending from the meeting page goes through the server's SMTP settings
/// (aiosmtpd, started by scripts/test), once.
#[tokio::test]
async fn sending_from_the_meeting_page() {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let (Some(port), Some(maildir)) = (
        var("NEITAKK_TEST_SMTP_PORT"),
        var("NEITAKK_TEST_SMTP_MAILDIR"),
    ) else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "no SMTP server: run scripts/test"
        );
        eprintln!("skipped: no SMTP server (scripts/test starts one)");
        return;
    };
    std::env::set_var("NEITAKK_TEST_SERVER_SMTP_PASSWORD", "secret");
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("s.sqlite").display()
    );
    let store = Store::connect(&url).await.unwrap();
    let s = Server::on(store, dir, |c| {
        c.smtp = Some(neitakk_pipeline::config::Smtp {
            host: "127.0.0.1".into(),
            port: port.parse().unwrap(),
            security: neitakk_net::smtp::Security::None,
            user: Some("neitakk".into()),
            secret: neitakk_pipeline::config::Secret {
                password_env: Some("NEITAKK_TEST_SERVER_SMTP_PASSWORD".into()),
                ..Default::default()
            },
            ca_file: None,
        });
    })
    .await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let page = admin.get(&workshop("")).await;
    assert!(
        !page.body.contains("disabled aria-describedby"),
        "sending is offered"
    );
    let marker = format!("sendt-fra-tjeneren-{}", std::process::id());
    let fields = [
        ("csrf", page.csrf()),
        ("uid", WORKSHOP.into()),
        ("start", WORKSHOP_START.into()),
        ("strategy", "phone-call".into()),
        ("lang", "nb".into()),
        ("body", format!("Hei Per, {marker}")),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post("/meeting/send", &fields).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/outbox?sent=1"),
        "{}",
        r.body
    );
    assert!(admin.get("/outbox").await.body.contains(">sent<"));
    let found = std::fs::read_dir(Path::new(&maildir).join("new"))
        .unwrap()
        .any(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .contains(&marker)
        });
    assert!(found, "the message reached the SMTP server");
    // The same reply again is not sent twice.
    let drafts = s.app.store.for_owner(1).drafts().await.unwrap().len();
    let r = admin.post("/meeting/send", &fields).await;
    assert_eq!(r.location(), "/outbox?sent=0");
    assert!(admin
        .get("/outbox?sent=0")
        .await
        .body
        .contains("already sent"));
    assert_eq!(
        s.app.store.for_owner(1).drafts().await.unwrap().len(),
        drafts,
        "nothing saved twice"
    );
}

/// A repeated triage is answered from memory; any change to what it was
/// computed from (registry, settings, journal, calendars) is seen at once.
#[tokio::test]
async fn repeated_triage_answers_follow_every_change() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let token = admin.token().await;
    api(
        &s,
        &token,
        "POST",
        "/calendars?name=uke49.ics",
        Some(&example()),
    )
    .await;
    let triage = || async {
        api(&s, &token, "GET", &format!("/triage?week={WEEK}"), None)
            .await
            .json()
    };
    let workshop = |doc: &serde_json::Value| {
        doc["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["uid"] == WORKSHOP)
            .unwrap()
            .clone()
    };
    let first = triage().await;
    assert_eq!(triage().await, first, "the same inputs, the same answer");
    assert_eq!(workshop(&first)["strategy"], "phone-call");

    // The journal: a decision about another Havnevest meeting counts as a recent limit.
    let body = r#"{"uid":"havnevest-oppfolging@havnevest.no","start":"2026-12-03T08:00:00Z","strategy":"reschedule","save":true}"#;
    assert_eq!(
        api(&s, &token, "POST", "/reply", Some(body)).await.status,
        StatusCode::OK
    );
    assert_eq!(workshop(&triage().await)["facts"]["recent_limits"], 1);

    // The registry: Havnevest becomes a key client.
    let mut havnevest = api(&s, &token, "GET", "/clients", None).await.json()["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Havnevest")
        .unwrap()
        .clone();
    havnevest["tier"] = "key".into();
    havnevest.as_object_mut().unwrap().remove("derived_tier");
    let put = api(
        &s,
        &token,
        "PUT",
        "/clients",
        Some(&format!("[{havnevest}]")),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(workshop(&triage().await)["strategy"], "attend");

    // The settings: a higher weekly cap.
    let csrf = admin.get("/settings").await.csrf();
    admin
        .post("/settings", &[("csrf", &csrf), ("weekly_cap_hours", "40")])
        .await;
    assert_eq!(triage().await["weeks"][0]["cap_minutes"], 2400);

    // The calendars.
    let id = api(&s, &token, "GET", "/calendars", None).await.json()["calendars"][0]["id"]
        .as_i64()
        .unwrap();
    api(&s, &token, "DELETE", &format!("/calendars/{id}"), None).await;
    assert_eq!(triage().await["meetings"], serde_json::json!([]));
}

/// A calendar from the user's CalDAV account (Radicale and aiosmtpd, started
/// by scripts/test): the board reads it, and a reply sent from the meeting
/// page also sets the user's answer on the event.
#[tokio::test]
async fn a_caldav_account_feeds_the_board_and_takes_the_answer() {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let (Some(dav_port), Some(python), Some(smtp_port)) = (
        var("NEITAKK_TEST_CALDAV_PORT"),
        var("NEITAKK_TEST_PYTHON"),
        var("NEITAKK_TEST_SMTP_PORT"),
    ) else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "no CalDAV server: run scripts/test"
        );
        eprintln!("skipped: no CalDAV server (scripts/test starts one)");
        return;
    };
    let tool = |args: &[&str]| {
        let o = std::process::Command::new(&python)
            .arg(root().join("tests/python/caldav_tool.py"))
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let url = format!(
        "http://127.0.0.1:{dav_port}/ingrid/server-{}/",
        std::process::id()
    );
    tool(&[
        "seed",
        &url,
        "ingrid",
        "secret",
        root().join("examples/uke49.ics").to_str().unwrap(),
    ]);
    std::env::set_var("NEITAKK_TEST_SERVER_DAV_SMTP", "secret");
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("s.sqlite").display()
    );
    let s = Server::on(Store::connect(&db).await.unwrap(), dir, |c| {
        c.smtp = Some(neitakk_pipeline::config::Smtp {
            host: "127.0.0.1".into(),
            port: smtp_port.parse().unwrap(),
            security: neitakk_net::smtp::Security::None,
            user: Some("neitakk".into()),
            secret: neitakk_pipeline::config::Secret {
                password_env: Some("NEITAKK_TEST_SERVER_DAV_SMTP".into()),
                ..Default::default()
            },
            ca_file: None,
        });
    })
    .await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/calendars").await.csrf();
    // A wrong password is a clear error on the board, not a crash.
    admin
        .post(
            "/calendars/caldav",
            &[
                ("csrf", &csrf),
                ("url", &url),
                ("username", "ingrid"),
                ("password", "feil-hemmelighet-77"),
            ],
        )
        .await;
    let r = admin.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert!(r.body.contains("refused the login"), "{}", r.body);
    assert!(
        !r.body.contains("feil-hemmelighet-77"),
        "the password is not shown"
    );
    admin
        .post(
            "/calendars/caldav",
            &[
                ("csrf", &csrf),
                ("url", &url),
                ("username", "ingrid"),
                ("password", "secret"),
            ],
        )
        .await;
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert_eq!(cards(&board.body).len(), 16);

    let r = admin
        .reply_to_workshop("/meeting/send", "Hei Per, kan vi ta det på telefon?")
        .await;
    assert_eq!(r.location(), "/outbox?sent=1", "{}", r.body);
    let got = tool(&[
        "partstat",
        &url,
        "ingrid",
        "secret",
        WORKSHOP,
        "ingrid.berg@fjellfjord.no",
    ]);
    assert_eq!(got.trim(), r#"{"master": "TENTATIVE"}"#);
}

#[tokio::test]
async fn passwords_tokens_and_users_can_be_changed_and_revoked() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let mut ola = s
        .member(&mut admin, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;
    let mut ola_elsewhere = s.browser();
    ola_elsewhere
        .login("ola.hansen@fjellfjord.no", PASSWORD)
        .await;

    // Ola changes his password: the old one and his other session stop working.
    let csrf = ola.get("/settings").await.csrf();
    let r = ola
        .post(
            "/settings/password",
            &[
                ("csrf", &csrf),
                ("current", "gjettet-1234"),
                ("new", "nytt-langt-passord"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ola
        .post(
            "/settings/password",
            &[("csrf", &csrf), ("current", PASSWORD), ("new", "kort")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = ola
        .post(
            "/settings/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("new", "nytt-langt-passord"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        ola.get("/week").await.status,
        StatusCode::OK,
        "this session goes on"
    );
    assert_eq!(
        ola_elsewhere.get("/week").await.location(),
        "/login",
        "the other one ends"
    );
    assert_eq!(
        s.browser()
            .login("ola.hansen@fjellfjord.no", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.browser()
            .login("ola.hansen@fjellfjord.no", "nytt-langt-passord")
            .await
            .location(),
        "/week"
    );

    // A token works until it is revoked; another user cannot revoke it.
    let token = ola.token().await;
    assert_eq!(
        api(&s, &token, "GET", "/calendars", None).await.status,
        StatusCode::OK
    );
    let settings = ola.get("/settings").await;
    let hash = field_value(&settings.body, "token").unwrap();
    let csrf = admin.get("/settings").await.csrf();
    let r = admin
        .post(
            "/settings/token/revoke",
            &[("csrf", &csrf), ("token", &hash)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = ola
        .post(
            "/settings/token/revoke",
            &[("csrf", &settings.csrf()), ("token", &hash)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        api(&s, &token, "GET", "/calendars", None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The admin sets a new password for Ola, then removes him with his data.
    ola.upload_example().await;
    let token = ola.token().await;
    let page = admin.get("/users").await;
    let csrf = page.csrf();
    let r = admin
        .post(
            "/users/password",
            &[
                ("csrf", &csrf),
                ("id", "2"),
                ("password", "fra-admin-12345"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        ola.get("/week").await.location(),
        "/login",
        "his sessions end"
    );
    let r = api(&s, &token, "GET", "/calendars", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "and his tokens");
    assert_eq!(
        s.browser()
            .login("ola.hansen@fjellfjord.no", "fra-admin-12345")
            .await
            .location(),
        "/week"
    );
    let r = admin
        .post("/users/delete", &[("csrf", &csrf), ("id", "1")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "not oneself");
    let r = admin
        .post("/users/delete", &[("csrf", &csrf), ("id", "2")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(s.app.store.user_count().await.unwrap(), 1);
    assert!(s.app.store.calendars(2).await.unwrap().is_empty());
    let r = admin
        .post("/users/delete", &[("csrf", &csrf), ("id", "2")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Members cannot do either.
    let mut kari = s.member(&mut admin, "Kari", "kari@fjellfjord.no").await;
    let csrf = kari.get("/week").await.csrf();
    let r = kari
        .post(
            "/users/password",
            &[
                ("csrf", &csrf),
                ("id", "1"),
                ("password", "overta-admin-123"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = kari
        .post("/users/delete", &[("csrf", &csrf), ("id", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Once a meeting is over there is nothing to answer: the page says so, and
/// saving or sending it, on a page or through the API, is refused.
#[tokio::test]
async fn a_meeting_that_is_over_gets_no_answer() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let token = admin.token().await;
    // Monday evening: the workshop (13.00 to 16.00) is over.
    s.later(12);
    let page = admin.get(&workshop("&lang=en")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("there is nothing to answer"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Takk for invitasjonen"), "no draft");
    let r = admin.reply_to_workshop("/meeting/save", "Hei").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let body = format!(
        r#"{{"uid":"{WORKSHOP}","start":"{WORKSHOP_START}","strategy":"shorten","lang":"en","save":true}}"#
    );
    let r = api(&s, &token, "POST", "/reply", Some(&body)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("nothing to answer"),
        "{}",
        r.body
    );
    let drafts = api(&s, &token, "GET", "/drafts", None).await.json();
    assert_eq!(
        drafts["drafts"].as_array().map(Vec::len),
        Some(0),
        "{drafts}"
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
    let second = server::new_setup_link(&s.app.store, s.app.clock.now())
        .await
        .unwrap();
    let mut a = s.browser();
    let csrf = a.get(&format!("/setup/{first}")).await.csrf();
    let r = a
        .post(
            &format!("/setup/{first}"),
            &[
                ("csrf", &csrf),
                ("name", "A"),
                ("email", "a@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut b = s.browser();
    assert_eq!(
        b.get(&format!("/setup/{second}")).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = b.get("/login").await.csrf();
    let r = b
        .post(
            &format!("/setup/{second}"),
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

#[tokio::test]
async fn a_client_name_is_never_overwritten() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/clients").await.csrf();
    let before = s.app.store.registry().await.unwrap();
    let r = admin
        .post("/clients/save", &[("csrf", &csrf), ("name", "Havnevest")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a new client with a taken name"
    );
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("original", "Tindra Design"),
                ("name", "Havnevest"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a rename onto a taken name");
    assert_eq!(
        s.app.store.registry().await.unwrap(),
        before,
        "nothing changed"
    );
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("original", "Tindra Design"),
                ("name", "Tindra AS"),
                ("domains", "tindra.no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let names: Vec<String> = s
        .app
        .store
        .registry()
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        names.contains(&"Tindra AS".to_owned()) && !names.contains(&"Tindra Design".to_owned())
    );
}

/// "Ill tomorrow": a reason given on the board weighs every meeting, and
/// one given on a meeting page goes into its reply.
#[tokio::test]
async fn reasons_given_on_the_pages_count() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let plain = cards(&admin.get(&format!("/week?week={WEEK}")).await.body);
    let ill = cards(
        &admin
            .get(&format!("/week?week={WEEK}&reason=illness"))
            .await
            .body,
    );
    assert_eq!(plain.len(), ill.len());
    assert_ne!(plain, ill, "illness changes the recommendations");
    assert!(ill.iter().all(|(_, href)| href.contains("reason=illness")));
    let page = admin.get(&workshop("&reason=illness")).await;
    // The rule trail weighs it (the check boxes name every reason anyway).
    let trail = page.body.split("<ol class=\"trail\">").nth(1).unwrap();
    let trail = trail.split("</ol>").next().unwrap();
    assert!(trail.contains("illness"), "{trail}");
    assert!(page
        .body
        .contains(r#"name="reason" value="illness" checked"#));
    assert!(
        page.body
            .contains(r#"<input type="hidden" name="reason" value="illness">"#),
        "the draft form carries it"
    );
    let bad = admin
        .get(&format!("/week?week={WEEK}&reason=boredom"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// Replies go out from addresses an admin gave, never from one a member
/// typed, nor from another user's.
#[tokio::test]
async fn addresses_to_send_from_are_the_admins_to_give() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let mut ola = s
        .member(&mut admin, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;
    let csrf = ola.get("/settings").await.csrf();
    let r = ola
        .post(
            "/settings",
            &[
                ("csrf", &csrf),
                ("other_emails", "ingrid.berg@fjellfjord.no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let store = s.app.store.clone();
    let settings = |id: i64| {
        let store = store.clone();
        async move {
            let users = store.users().await.unwrap();
            users.into_iter().find(|u| u.id == id).unwrap().settings
        }
    };
    assert!(
        !settings(2).await.contains("ingrid"),
        "a member cannot give themself addresses"
    );
    let r = ola
        .post(
            "/users/addresses",
            &[
                ("csrf", &csrf),
                ("id", "2"),
                ("addresses", "ola@fjellfjord.no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let csrf = admin.get("/users").await.csrf();
    for (addresses, status) in [
        ("ola@gmail.com", StatusCode::BAD_REQUEST),
        ("x@evil.com@fjellfjord.no", StatusCode::BAD_REQUEST),
        ("ingrid.berg@fjellfjord.no", StatusCode::CONFLICT),
        ("ola@fjellfjord.no, OH@fjellfjord.no", StatusCode::SEE_OTHER),
    ] {
        let r = admin
            .post(
                "/users/addresses",
                &[("csrf", &csrf), ("id", "2"), ("addresses", addresses)],
            )
            .await;
        assert_eq!(r.status, status, "{addresses}: {}", r.body);
    }
    assert!(settings(2).await.contains("oh@fjellfjord.no"));
}

/// A newer version of a meeting (higher SEQUENCE) in a later upload is the
/// one shown; the older is not shown beside it, and a series stays whole.
#[tokio::test]
async fn a_moved_meeting_is_shown_once_at_its_new_time() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let before = cards(&admin.get(&format!("/week?week={WEEK}")).await.body);
    let moved = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n\
        UID:havnevest-workshop-49@havnevest.no\r\nSUMMARY:Workshop: ny kundeportal\r\n\
        DTSTART:20261202T120000Z\r\nDTEND:20261202T150000Z\r\nDTSTAMP:20261127T120000Z\r\nSEQUENCE:1\r\n\
        ORGANIZER;CN=Per Olsen:mailto:per.olsen@havnevest.no\r\n\
        ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:ingrid.berg@fjellfjord.no\r\n\
        ATTENDEE:mailto:per.olsen@havnevest.no\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let csrf = admin.get("/calendars").await.csrf();
    let r = admin
        .upload("/calendars/upload", &csrf, "moved.ics", moved.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = cards(&admin.get(&format!("/week?week={WEEK}")).await.body);
    assert_eq!(after.len(), before.len(), "the same meetings, none twice");
    let workshop: Vec<_> = after
        .iter()
        .filter(|(_, href)| href.contains("havnevest-workshop"))
        .collect();
    assert_eq!(workshop.len(), 1);
    assert!(
        workshop[0].1.contains("2026-12-02T12"),
        "at its new time: {workshop:?}"
    );
    // The daily stand-up series is still one card a day.
    let standups = after
        .iter()
        .filter(|(_, href)| href.contains("standup-2026"))
        .count();
    assert_eq!(standups, 5);
}
