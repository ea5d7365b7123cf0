//! The same server over PostgreSQL.

use crate::harness::*;

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
