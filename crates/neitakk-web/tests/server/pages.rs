//! The pages: the week board, the plan, settings, reasons, and bad input.

use crate::harness::*;

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
    // And in bokmål on a Norwegian page.
    admin.lang = "nb-NO,nb;q=0.9";
    let r = admin
        .upload(
            "/calendars/upload",
            &csrf,
            "notater.txt",
            "Kjære dagbok.".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("er ikke en iCalendar-fil"), "{}", r.body);
    admin.lang = "en";
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

/// An organizer address that is not one (as a hand-made invitation may
/// have) is a clear answer on the meeting page, not a 500.
#[tokio::test]
async fn a_malformed_organizer_address_is_a_clear_answer() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let odd = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n\
        UID:odd-organizer@havnevest.no\r\nSUMMARY:Prat om portalen\r\n\
        DTSTART:20261202T120000Z\r\nDTEND:20261202T130000Z\r\nDTSTAMP:20261127T120000Z\r\n\
        ORGANIZER;CN=Per Olsen:mailto:per olsen@@havnevest.no\r\n\
        ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:ingrid.berg@fjellfjord.no\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";
    let csrf = admin.get("/calendars").await.csrf();
    let r = admin
        .upload("/calendars/upload", &csrf, "odd.ics", odd.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin
        .get(
            "/meeting?uid=odd-organizer%40havnevest.no&start=2026-12-02T12:00:00Z&strategy=decline",
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("is not an e-mail address"),
        "{}",
        page.body
    );
}

/// A week of `n` client meetings (Monday to Friday, half an hour each).
fn crowded_week(n: usize) -> String {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for i in 0..n {
        let day = 30 + i % 5; // 30 November to 4 December
        let (month, day) = if day > 30 { (12, day - 30) } else { (11, day) };
        let hour = 8 + (i / 5) % 8;
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:crowd-{i}@havnevest.no\r\nDTSTAMP:20261101T000000Z\r\n\
             DTSTART:2026{month:02}{day:02}T{hour:02}0000Z\r\nDTEND:2026{month:02}{day:02}T{hour:02}3000Z\r\n\
             SUMMARY:Status {i}\r\nORGANIZER;CN=Kari:mailto:kari@havnevest.no\r\n\
             ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:ingrid.berg@fjellfjord.no\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

/// Waits up to `secs` for the server's heavy work to end.
async fn work_ends_within(s: &Server, secs: u64) -> bool {
    for _ in 0..secs * 20 {
        if s.app.heavy_work_running() == 0 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// Work that runs past the deadline answers 503 and stops; work whose
/// client has gone away stops too: no core stays busy for nobody.
#[tokio::test]
async fn work_stops_when_nobody_waits() {
    // A deadline far shorter than reading and assessing a week of 40,000
    // meetings takes (a linear triage still needs a good second for it).
    let s = Server::with(Options {
        secure_cookies: false,
        private_caldav: true,
        answer_cache: false,
        deadline: std::time::Duration::from_millis(200),
        ..Options::default()
    })
    .await;
    let mut admin = s.admin().await;
    // Stored as an upload is, without the upload's own check (which the
    // short deadline would stop too).
    let ics = crowded_week(40_000);
    s.app
        .store
        .add_calendar(1, "crowd.ics", &ics, s.app.clock.now())
        .await
        .unwrap();

    // Past the deadline: a 503 that says so, and the work ends with it.
    let started = std::time::Instant::now();
    let board = admin.get(&format!("/week?week={WEEK}&lang=en")).await;
    assert_eq!(
        board.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        board.body
    );
    assert!(
        board.body.contains("took longer than 0.2 seconds"),
        "{}",
        board.body
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(12));
    assert!(
        work_ends_within(&s, 3).await,
        "the work went on after the 503"
    );

    // A client that goes away: its work ends too.
    let gone = tokio::time::timeout(
        std::time::Duration::from_millis(100),
        admin.get(&format!("/week?week={WEEK}&lang=en")),
    )
    .await;
    assert!(gone.is_err(), "the page came back before the client left");
    assert!(work_ends_within(&s, 3).await, "the work went on for nobody");
}
