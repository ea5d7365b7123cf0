//! Users: each sees only their own data; passwords, tokens and users changed and revoked; the addresses an admin gives to send from.

use crate::harness::*;

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

    // Ola changes his password: the old one, his other session and his API
    // tokens stop working.
    let old_token = ola.token().await;
    let csrf = ola.get("/settings").await.csrf();
    let r = ola
        .change_password(&csrf, "gjettet-1234", "nytt-langt-passord")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ola.change_password(&csrf, PASSWORD, "kort").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = ola
        .change_password(&csrf, PASSWORD, "nytt-langt-passord")
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
        api(&s, &old_token, "GET", "/calendars", None).await.status,
        StatusCode::UNAUTHORIZED,
        "a token made before the change ends too"
    );
    assert!(ola
        .get("/settings?done=password")
        .await
        .body
        .contains("API tokens are ended"));
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

/// A name goes into every reply's From and signature: one line, or the
/// admin's form refuses it (and the setup form too).
#[tokio::test]
async fn a_name_is_one_line() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/users").await.csrf();
    for name in [
        "Ola\nHansen",
        "Ola\r\nBcc: evil@example.com",
        &"O".repeat(101),
    ] {
        let r = admin
            .post(
                "/users",
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("email", "ola.hansen@fjellfjord.no"),
                    ("role", "member"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name:?}: {}", r.body);
        assert!(r.body.contains("one line"), "{}", r.body);
    }
    assert_eq!(
        s.app.store.user_count().await.unwrap(),
        1,
        "nobody was added"
    );
}
