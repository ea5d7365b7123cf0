//! What every area's tests share: a server in process over a fresh
//! database, a browser with its cookies, and the example week.

pub use axum::body::Body;
pub use axum::http::{header, Request, StatusCode};
pub use axum::Router;
pub use neitakk_pipeline::clock::Clock;
pub use neitakk_store::Store;
pub use neitakk_web::{self as server, App, Options};
pub use std::path::{Path, PathBuf};
pub use std::sync::Arc;
pub use tower::ServiceExt;

/// The example week as seen on its Monday morning: every test pins its time.
pub const MONDAY: &str = "2026-11-30T07:00:00+01:00";

pub const WEEK: &str = "2026-W49";
pub const WORKSHOP: &str = "havnevest-workshop-49@havnevest.no";
pub const WORKSHOP_START: &str = "2026-11-30T12:00:00Z";
pub const PASSWORD: &str = "langt-passord-1";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example() -> String {
    std::fs::read_to_string(root().join("examples/uke49.ics")).unwrap()
}

/// A server over a fresh database, with the example config's settings and
/// client registry.
pub struct Server {
    pub app: Arc<App>,
    pub router: Router,
    /// Seconds the server's clock is set ahead of Monday morning (running on).
    pub ahead: Arc<std::sync::atomic::AtomicI64>,
    pub _dir: tempfile::TempDir,
}

/// What came back.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }

    /// The first CSRF field of a page.
    pub fn csrf(&self) -> String {
        field_value(&self.body, "csrf").unwrap_or_else(|| panic!("no csrf field in {}", self.body))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The value of the first `<input name="NAME" value="...">`.
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// HTML as a browser reads it (minijinja escapes `/` and more).
pub fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

pub fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

impl Server {
    /// Moves the server's clock `hours` on.
    pub fn later(&self, hours: i64) {
        self.seconds_later(hours * 3600);
    }

    /// Moves the server's clock `seconds` on.
    pub fn seconds_later(&self, seconds: i64) {
        self.ahead
            .fetch_add(seconds, std::sync::atomic::Ordering::Relaxed);
    }

    pub async fn new() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("s.sqlite").display()
        );
        Server::on(Store::connect(&url).await.unwrap(), dir, |_| {}).await
    }

    /// Over a fresh SQLite database, with these options.
    pub async fn with(options: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("s.sqlite").display()
        );
        let store = Store::connect(&url).await.unwrap();
        Server::build(store, dir, |_| {}, options).await
    }

    /// Loopback CalDAV is allowed: Radicale runs there in the tests.
    pub async fn on(
        store: Store,
        dir: tempfile::TempDir,
        adjust: impl FnOnce(&mut neitakk_pipeline::config::Config),
    ) -> Server {
        let options = Options {
            secure_cookies: false,
            private_caldav: true,
            ..Options::default()
        };
        Server::build(store, dir, adjust, options).await
    }

    pub async fn build(
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
        let seconds = ahead.clone();
        let clock = Clock::new(move || {
            running.now()
                + chrono::Duration::seconds(seconds.load(std::sync::atomic::Ordering::Relaxed))
        });
        let app = App::new(store, config, [9; 32], options, clock).unwrap();
        Server {
            router: server::router(app.clone()),
            app,
            ahead,
            _dir: dir,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
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
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            server: self,
            cookies: Vec::new(),
            lang: "en",
            peer: None,
            forwarded_for: None,
        }
    }

    /// A browser connecting from `ip`, sending `forwarded_for` if given.
    pub fn browser_at(&self, ip: &str, forwarded_for: Option<&str>) -> Browser<'_> {
        Browser {
            peer: Some(std::net::SocketAddr::new(ip.parse().unwrap(), 40000)),
            forwarded_for: forwarded_for.map(str::to_owned),
            ..self.browser()
        }
    }

    /// The first admin, through the one-time setup link.
    pub async fn admin(&self) -> Browser<'_> {
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
    pub async fn member(&self, admin: &mut Browser<'_>, name: &str, email: &str) -> Browser<'_> {
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
pub struct Browser<'s> {
    pub server: &'s Server,
    pub cookies: Vec<(String, String)>,
    pub lang: &'static str,
    /// The address it connects from (none: as the router tests have it).
    pub peer: Option<std::net::SocketAddr>,
    /// An X-Forwarded-For header it sends.
    pub forwarded_for: Option<String>,
}

impl Browser<'_> {
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Reply {
        let mut req = req
            .header(header::COOKIE, self.cookie_header())
            .header(header::ACCEPT_LANGUAGE, self.lang);
        if let Some(f) = &self.forwarded_for {
            req = req.header("x-forwarded-for", f);
        }
        let mut req = req.body(body).unwrap();
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
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

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path), Body::empty()).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_raw(path, form(fields)).await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> Reply {
        self.send(
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// A multipart form with a CSRF field and one file.
    pub async fn upload(&mut self, path: &str, csrf: &str, name: &str, data: &[u8]) -> Reply {
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

    /// The settings page's password change.
    pub async fn change_password(&mut self, csrf: &str, current: &str, new: &str) -> Reply {
        self.post(
            "/settings/password",
            &[("csrf", csrf), ("current", current), ("new", new)],
        )
        .await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Reply {
        let csrf = self.get("/login").await.csrf();
        self.post(
            "/login",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// Uploads the example week; the calendar's id.
    pub async fn upload_example(&mut self) -> i64 {
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
    pub async fn reply_to_workshop(&mut self, action: &str, body: &str) -> Reply {
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
    pub async fn token(&mut self) -> String {
        let csrf = self.get("/settings").await.csrf();
        let r = self
            .post("/settings/token", &[("csrf", &csrf), ("name", "tests")])
            .await;
        let at = r.body.find("<code id=\"new-token\">").unwrap() + 21;
        r.body[at..].split('<').next().unwrap().to_owned()
    }
}

pub async fn api(s: &Server, token: &str, method: &str, path: &str, body: Option<&str>) -> Reply {
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
pub fn workshop(extra: &str) -> String {
    format!(
        "/meeting?uid={}&start={WORKSHOP_START}{extra}",
        WORKSHOP.replace('@', "%40")
    )
}

/// The cards on a week board: (strategy class, meeting link).
pub fn cards(html: &str) -> Vec<(String, String)> {
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
