//! Replies from the meeting page: drafted, edited, saved and sent once, and none for a meeting that is over.

use crate::harness::*;

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

    // A process that claimed a reply and died before the mail server
    // answered (kill -9 at DATA): while its claim stands, the reply is
    // under way; once a new start has ended it, the next send sends it
    // again, and the page says so.
    let store = s.app.store.for_owner(1);
    let key = neitakk_store::ReplyKey {
        meeting: neitakk_core::MeetingKey {
            uid: WORKSHOP.into(),
            recurrence_id: None,
        },
        sequence: 0,
        strategy: neitakk_core::Strategy::Shorten,
    };
    let now = s.app.clock.now();
    let claimed = store
        .claim_send(&key, "<cut@off>", &[], now, now)
        .await
        .unwrap();
    assert_eq!(claimed, neitakk_store::Attempt::First);
    let shorten: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| (k, if k == "strategy" { "shorten" } else { v }))
        .collect();
    let r = admin.post("/meeting/send", &shorten).await;
    assert_eq!(r.location(), "/outbox?sent=busy", "{}", r.body);
    assert!(admin
        .get(r.location())
        .await
        .body
        .contains("being sent right now"));
    let started = now + chrono::Duration::seconds(1);
    assert_eq!(s.app.store.interrupt_sends(started).await.unwrap(), 1);
    let r = admin.post("/meeting/send", &shorten).await;
    assert_eq!(r.location(), "/outbox?sent=again", "{}", r.body);
    assert!(admin
        .get(r.location())
        .await
        .body
        .contains("did not finish, so it was sent again"));
    assert!(store.sent_at(&key).await.unwrap().is_some());
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
