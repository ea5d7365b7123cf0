//! The pages: the week board, a meeting, the plan, settings, and sending.

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
