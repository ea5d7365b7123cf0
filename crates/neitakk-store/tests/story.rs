//! The journal's story, told on SQLite and on a real PostgreSQL server
//! (which scripts/test starts on loopback).

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_core::Strategy;
use neitakk_store::{Entry, ReplyKey, Store};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn entry(client: &str, uid: &str, strategy: Strategy, when: &str) -> Entry {
    Entry {
        decided_at: at(when),
        client: Some(client.into()),
        uid: uid.into(),
        recurrence_id: None,
        sequence: 0,
        strategy,
        meeting_start: at(when),
        summary: Some("Status".into()),
        lang: "nb".into(),
        outbox_path: None,
    }
}

/// Decisions are recorded, counted per client in a window, listed, and a
/// sent reply is never recorded twice.
async fn story(url: &str) {
    let store = Store::connect(url).await.unwrap();
    store
        .record(&entry(
            "A",
            "1",
            Strategy::PhoneCall,
            "2026-11-20T10:00:00Z",
        ))
        .await
        .unwrap();
    store
        .record(&entry(
            "A",
            "1",
            Strategy::PhoneCall,
            "2026-11-21T10:00:00Z",
        ))
        .await
        .unwrap(); // the same meeting again
    store
        .record(&entry("A", "2", Strategy::Decline, "2026-11-22T10:00:00Z"))
        .await
        .unwrap();
    store
        .record(&entry("A", "3", Strategy::Attend, "2026-11-22T10:00:00Z"))
        .await
        .unwrap();
    store
        .record(&entry("A", "4", Strategy::Shorten, "2026-09-01T10:00:00Z"))
        .await
        .unwrap(); // too old
    store
        .record(&entry("B", "5", Strategy::Shorten, "2026-11-23T10:00:00Z"))
        .await
        .unwrap();
    let counts = store
        .recent_limits(at("2026-10-28T00:00:00Z"), at("2026-11-27T00:00:00Z"))
        .await
        .unwrap();
    let count = |c: &str| counts.get(c).map_or(0, Vec::len);
    assert_eq!(count("A"), 2, "{counts:?}");
    assert_eq!(count("B"), 1);
    assert!(counts["A"].contains(&neitakk_store::meeting_key("1", None)));
    let b = store.entries(Some("B")).await.unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].strategy, Strategy::Shorten);
    assert_eq!(
        store.entries(None).await.unwrap()[0].uid,
        "5",
        "newest first"
    );

    let key = ReplyKey {
        uid: "1".into(),
        recurrence_id: Some("2026-12-03T08:00:00Z".into()),
        sequence: 2,
        strategy: Strategy::PhoneCall,
    };
    assert_eq!(store.sent_at(&key).await.unwrap(), None);
    store
        .mark_sent(&key, "<id@x>", &["a@b".into()])
        .await
        .unwrap();
    assert!(store.sent_at(&key).await.unwrap().is_some());
    assert!(
        store.mark_sent(&key, "<id@x>", &[]).await.is_err(),
        "the same reply twice"
    );
    let newer = ReplyKey { sequence: 3, ..key };
    assert_eq!(
        store.sent_at(&newer).await.unwrap(),
        None,
        "a changed request is a new reply"
    );
    drop(store);

    // Reconnecting keeps the data and does not migrate twice.
    let again = Store::connect(url).await.unwrap();
    assert_eq!(again.entries(None).await.unwrap().len(), 6);
}

#[tokio::test]
async fn on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("journal.sqlite").display()
    ))
    .await;
}

#[tokio::test]
async fn on_postgres() {
    let Ok(admin) = std::env::var("NEITAKK_TEST_POSTGRES_URL") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("NEITAKK_TEST_POSTGRES_URL is not set: run scripts/test");
        }
        eprintln!("skipped: no PostgreSQL server (scripts/test starts one)");
        return;
    };
    // A database of its own, so that runs never see each other's rows.
    let name = format!("neitakk_story_{}", std::process::id());
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(b, _)| b)
        .to_owned();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    story(&format!("{base}/{name}")).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}
