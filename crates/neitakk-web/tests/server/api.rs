//! The JSON API: the same answers as the command line, its OpenAPI document, and its cache.

use crate::harness::*;

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
        let loaded = neitakk_pipeline::analysis::Loaded::load(
            example.to_str().unwrap(),
            week,
            neitakk_pipeline::analysis::Purpose::Assess,
            &config,
        )
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

    // Another process on the same database (a second server): what it
    // writes is seen at the next request, though this server kept what it read.
    let path = s._dir.path().join("s.sqlite");
    let other = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let me = other.users().await.unwrap()[0].id;
    let now = neitakk_pipeline::clock::parse_now(MONDAY).unwrap();
    other
        .add_calendar(me, "uke49.ics", &example(), now)
        .await
        .unwrap();
    assert_eq!(workshop(&triage().await)["strategy"], "attend");
}

/// A window one request may read is bounded: a plan is for one week, and
/// nothing reads more than a year (explain reads the weeks around its one
/// meeting, whatever else the query says), so no member can make the server expand
/// three centuries of a calendar (this took 25 s and 8 GB before).
#[tokio::test]
async fn windows_are_bounded() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    admin.upload_example().await;
    let token = admin.token().await;
    let started = std::time::Instant::now();
    for (path, limit) in [
        ("/plan?from=1901-01-01&to=2199-12-31&free=1h", "at most"),
        (
            "/plan?from=2026-11-30&to=2026-12-14&free=1h",
            "at most 7 days",
        ),
        ("/triage?from=1901-01-01&to=2199-12-31", "at most 366 days"),
        ("/events?from=2026-01-01&to=2028-01-01", "at most 366 days"),
    ] {
        let r = api(&s, &token, "GET", path, None).await;
        assert!(
            r.status.is_client_error(),
            "{path}: {} {}",
            r.status,
            r.body
        );
        assert!(r.body.contains(limit), "{path}: {}", r.body);
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "refused at once"
    );
    // A week is still a week.
    let r = api(&s, &token, "GET", "/plan?week=2026-W49&free=1h", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
