//! Calendars over CalDAV: private addresses, sealed passwords, the answer set on the server.

use crate::harness::*;

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

/// A CalDAV server that never answers does not hold the board: after a
/// short wait the page shows the other calendars, with a note.
#[tokio::test]
async fn a_caldav_server_that_never_answers_does_not_hold_the_board() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    // Accepts every connection and says nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming() {
            held.push(stream);
        }
    });
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let csrf = admin.get("/calendars").await.csrf();
    let r = admin
        .post(
            "/calendars/caldav",
            &[
                ("csrf", &csrf),
                ("url", &format!("http://127.0.0.1:{port}/ingrid/cal/")),
                ("username", "ingrid"),
                ("password", "secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let started = std::time::Instant::now();
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(!cards(&board.body).is_empty(), "the uploaded week is shown");
    assert!(
        board.body.contains("did not answer"),
        "a note says one is left out: {}",
        board.body
    );
    // The meeting's page is shown too, with the same note.
    let page = admin.get(&workshop("&lang=en")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("did not answer"), "{}", page.body);
}

/// A calendar far larger than one read takes: 1,000 meetings every hour,
/// for ever (17 million occurrences in the two years an upload is read
/// over). It is taken, and the board shows the week with a note that some
/// meetings are left out. (The budget is made small here, so that the test
/// is quick; `neitakk-ical`'s budget test measures the memory it bounds.)
#[tokio::test]
async fn a_calendar_past_the_budget_is_read_in_part_with_a_note() {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for i in 0..1_000 {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:hourly-{i}@example.com\r\nDTSTAMP:20260101T000000Z\r\n\
             DTSTART:20261101T000000Z\r\nDTEND:20261101T001500Z\r\nRRULE:FREQ=HOURLY\r\n\
             SUMMARY:Every hour {i}\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("s.sqlite").display()
    );
    let store = neitakk_store::Store::connect(&url).await.unwrap();
    let s = Server::on(store, dir, |c| {
        c.limits = neitakk_ical::Limits {
            walked: 100_000,
            kept: 5_000,
            ..neitakk_ical::Limits::default()
        }
    })
    .await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/calendars").await.csrf();
    let r = admin
        .upload("/calendars/upload", &csrf, "hourly.ics", ics.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let board = admin.get(&format!("/week?week={WEEK}&lang=en")).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(
        board
            .body
            .contains("hourly.ics is larger than neitakk reads at once"),
        "{}",
        &board.body[..board.body.len().min(4000)]
    );
    assert!(cards(&board.body).len() <= 5_000);
}

/// A calendar service on loopback: serves `calendar` at /s3cr3t/basic.ics
/// with an ETag of its version (304 when asked with the current one), and a
/// redirect at /moved.
fn calendar_service(calendar: std::sync::Arc<std::sync::Mutex<(u32, String)>>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut request, mut line, mut etag) = (String::new(), String::new(), None);
            reader.read_line(&mut request).unwrap();
            while reader.read_line(&mut line).unwrap() > 2 {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("if-none-match: ") {
                    etag = Some(v.trim().to_owned());
                }
                line.clear();
            }
            let (version, text) = calendar.lock().unwrap().clone();
            let tag = format!("\"v{version}\"");
            let answer = match request.split(' ').nth(1).unwrap_or("") {
                "/moved" => "HTTP/1.1 302 Found\r\nLocation: /s3cr3t/basic.ics\r\nContent-Length: 0\r\n\r\n".to_owned(),
                _ if etag.as_deref() == Some(tag.as_str()) => {
                    format!("HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nContent-Length: 0\r\n\r\n")
                }
                _ => format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nETag: {tag}\r\nContent-Length: {}\r\n\r\n{text}",
                    text.len()
                ),
            };
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    base
}

/// A calendar added by its published link is on the board; fetched anew,
/// its changes are; a redirect and a private address are refused.
#[tokio::test]
async fn a_calendar_link_feeds_the_board_and_is_fetched_anew() {
    let calendar = std::sync::Arc::new(std::sync::Mutex::new((1, example())));
    let base = calendar_service(calendar.clone());
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let r = add_link(&mut admin, &format!("{base}/moved")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("redirect"), "{}", r.body);
    let r = add_link(&mut admin, &format!("{base}/s3cr3t/basic.ics")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("done=linked"), "{}", r.location());
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert!(
        board.body.contains("Workshop: ny kundeportal"),
        "{}",
        board.body
    );
    let page = admin.get("/calendars").await;
    assert!(
        page.body.contains("(link)") && !page.body.contains("s3cr3t"),
        "{}",
        page.body
    );

    // The service changes the calendar: fetched anew, the board shows it.
    {
        let mut c = calendar.lock().unwrap();
        *c = (
            2,
            c.1.replace("Workshop: ny kundeportal", "Workshop: kundeportal, del 2"),
        );
    }
    let r = admin
        .post("/calendars/refresh", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(r.location(), "/calendars?done=refreshed", "{}", r.body);
    let board = admin.get(&format!("/week?week={WEEK}")).await;
    assert!(
        board.body.contains("Workshop: kundeportal, del 2"),
        "{}",
        board.body
    );
    // Unchanged since: a 304, and the copy stands.
    let r = admin
        .post("/calendars/refresh", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(r.location(), "/calendars?done=refreshed");
    assert!(admin
        .get(&format!("/week?week={WEEK}"))
        .await
        .body
        .contains("del 2"));

    // A server that reads only public calendars refuses this one.
    let public_only = Server::with(Options::default()).await;
    let mut admin = public_only.admin().await;
    let r = add_link(&mut admin, &format!("{base}/s3cr3t/basic.ics")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

/// Adds a calendar by its link on the Calendars page.
async fn add_link(b: &mut Browser<'_>, url: &str) -> Reply {
    let csrf = b.get("/calendars").await.csrf();
    b.post("/calendars/link", &[("csrf", &csrf), ("url", url)])
        .await
}
