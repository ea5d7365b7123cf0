//! The journal's story, told on SQLite and on a real PostgreSQL server
//! (which scripts/test starts on loopback).

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_core::{MeetingKey, Strategy};
use neitakk_store::{Attempt, Entry, ReplyKey, Store};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn entry(client: &str, uid: &str, strategy: Strategy, when: &str) -> Entry {
    Entry {
        decided_at: at(when),
        client: Some(client.into()),
        meeting: MeetingKey {
            uid: uid.into(),
            recurrence_id: None,
        },
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
    assert!(counts["A"].contains(&MeetingKey {
        uid: "1".into(),
        recurrence_id: None
    }));
    let b = store.entries(Some("B")).await.unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].strategy, Strategy::Shorten);
    assert_eq!(
        store.entries(None).await.unwrap()[0].meeting.uid,
        "5",
        "newest first"
    );

    let key = ReplyKey {
        meeting: MeetingKey {
            uid: "1".into(),
            recurrence_id: Some("2026-12-03T08:00:00Z".into()),
        },
        sequence: 2,
        strategy: Strategy::PhoneCall,
    };
    assert_eq!(store.sent_at(&key).await.unwrap(), None);
    // A send's states: claimed before the mail server is reached, and only
    // a reply handed over is never sent again.
    let (t0, t1) = (at("2026-11-27T12:00:00Z"), at("2026-11-27T12:01:00Z"));
    let to = ["a@b".to_owned()];
    let claim = |now, stale| store.claim_send(&key, "<id@x>", &to, now, stale);
    assert_eq!(claim(t0, t0).await.unwrap(), Attempt::First);
    assert_eq!(
        claim(t1, t0).await.unwrap(),
        Attempt::Busy,
        "a send under way"
    );
    assert_eq!(
        store.sent_at(&key).await.unwrap(),
        None,
        "claimed is not sent"
    );
    // The mail server said no: the next try sends it again.
    store.finish_send(&key, Err(())).await.unwrap();
    assert_eq!(claim(t1, t0).await.unwrap(), Attempt::Again);
    // A claim whose process died (older than the lease) is taken again.
    let t2 = at("2026-11-27T12:20:00Z");
    assert_eq!(
        claim(t2, t1).await.unwrap(),
        Attempt::Busy,
        "claimed at t1 itself"
    );
    assert_eq!(
        claim(t2, at("2026-11-27T12:10:00Z")).await.unwrap(),
        Attempt::Again
    );
    // A server's start ends the claims of the process before it.
    assert_eq!(
        store.interrupt_sends(t2).await.unwrap(),
        0,
        "claimed at t2 itself"
    );
    assert_eq!(
        store
            .interrupt_sends(at("2026-11-27T12:30:00Z"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        claim(at("2026-11-27T12:31:00Z"), t0).await.unwrap(),
        Attempt::Again
    );
    store
        .finish_send(&key, Ok(at("2026-11-27T12:32:00Z")))
        .await
        .unwrap();
    assert_eq!(
        store.sent_at(&key).await.unwrap(),
        Some(at("2026-11-27T12:32:00Z"))
    );
    assert_eq!(
        claim(at("2026-11-28T12:00:00Z"), at("2026-11-28T11:00:00Z"))
            .await
            .unwrap(),
        Attempt::Sent(Some(at("2026-11-27T12:32:00Z"))),
        "the same reply twice"
    );
    // Claims at once: one takes the reply, the others find it under way.
    let fresh = ReplyKey {
        sequence: 9,
        ..key.clone()
    };
    let tries: Vec<_> = (0..20)
        .map(|_| {
            let (store, fresh) = (store.clone(), fresh.clone());
            tokio::spawn(async move { store.claim_send(&fresh, "<id@z>", &[], t0, t0).await })
        })
        .collect();
    let mut found = Vec::new();
    for t in tries {
        found.push(t.await.unwrap().unwrap());
    }
    assert_eq!(
        found.iter().filter(|a| **a == Attempt::First).count(),
        1,
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|a| matches!(a, Attempt::First | Attempt::Busy)),
        "{found:?}"
    );
    // Another user's journal is their own: none of the first user's
    // entries, and their answer to the same invitation is theirs to send.
    let other = store.for_owner(7);
    assert!(other.entries(None).await.unwrap().is_empty());
    assert!(other
        .recent_limits(at("2026-10-28T00:00:00Z"), at("2026-11-27T00:00:00Z"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(other.sent_at(&key).await.unwrap(), None);
    assert_eq!(
        other
            .claim_send(
                &key,
                "<id@y>",
                &[],
                at("2026-11-27T12:02:00Z"),
                at("2026-11-27T12:00:00Z")
            )
            .await
            .unwrap(),
        Attempt::First
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
    accounts(&again).await;
    changes(url, &again).await;
}

/// The count of changes read with a user moves on with every write to what
/// a server keeps for the user (registry, CalDAV account, calendars,
/// journal), and only then; another connection sees it as well.
async fn changes(url: &str, store: &Store) {
    use neitakk_store::accounts::Role;
    use neitakk_store::team::CaldavAccount;
    let now = at("2026-11-27T12:00:00Z");
    let id = store
        .create_user("endringer@firma.no", "E", "x", Role::Member, now)
        .await
        .unwrap();
    store
        .create_api_token("t-changes", id, "t", now)
        .await
        .unwrap();
    let count = || async {
        store
            .token_user("t-changes")
            .await
            .unwrap()
            .unwrap()
            .changes
    };
    let mut last = count().await;
    let mut moved = |what: &str, n: i64| {
        assert!(n > last, "{what}: {n} after {last}");
        last = n;
    };
    let cal = store
        .add_calendar(id, "A", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", now)
        .await
        .unwrap();
    moved("a calendar added", count().await);
    store.delete_calendar(id, cal).await.unwrap();
    moved("a calendar deleted", count().await);
    store
        .save_clients(&[("C".into(), "{}".into())])
        .await
        .unwrap();
    moved("a client saved", count().await);
    store.delete_client("C").await.unwrap();
    moved("a client deleted", count().await);
    let account = CaldavAccount {
        url: "https://dav.example.no/".into(),
        username: "e".into(),
        sealed_secret: "s".into(),
    };
    store.set_caldav(id, &account).await.unwrap();
    moved("a CalDAV account set", count().await);
    store.delete_caldav(id).await.unwrap();
    moved("a CalDAV account deleted", count().await);
    store
        .for_owner(id)
        .record(&entry("C", "9", Strategy::Decline, "2026-11-27T11:00:00Z"))
        .await
        .unwrap();
    moved("a decision journalled", count().await);
    let before = count().await;
    store
        .create_session("s-changes", id, "c", now)
        .await
        .unwrap();
    store.set_settings(id, "{}").await.unwrap();
    assert_eq!(count().await, before, "sessions and settings are read live");
    let other = Store::connect(url).await.unwrap();
    other
        .save_clients(&[("D".into(), "{}".into())])
        .await
        .unwrap();
    moved("a client saved by another process", count().await);
}

/// Users, sessions, tokens, setup links, and calendars kept apart per user.
async fn accounts(store: &Store) {
    use neitakk_store::accounts::Role;
    use neitakk_store::Error;
    assert_eq!(store.user_count().await.unwrap(), 0);
    let now = at("2026-11-27T12:00:00Z");
    // One link at a time: a new one replaces the one before.
    store
        .create_setup_link("old-hash", at("2026-11-29T12:00:00Z"))
        .await
        .unwrap();
    assert!(store.setup_link_open("old-hash", now).await.unwrap());
    store
        .create_setup_link("setup-hash", at("2026-11-28T12:00:00Z"))
        .await
        .unwrap();
    assert!(!store.setup_link_open("old-hash", now).await.unwrap());
    assert!(
        !store
            .setup_link_open("setup-hash", at("2026-11-28T12:00:01Z"))
            .await
            .unwrap(),
        "an expired link does not work"
    );
    let first = |link: &'static str| async move {
        store
            .create_first_admin(link, now, "Ingrid@Firma.no", "Ingrid Berg", "$argon2id$x")
            .await
            .unwrap()
    };
    assert_eq!(first("guess").await, None, "an unknown link makes nobody");
    assert!(
        store.setup_link_open("setup-hash", now).await.unwrap(),
        "and leaves the real one working"
    );
    assert_eq!(
        first("old-hash").await,
        None,
        "a replaced link does not work"
    );
    let admin = first("setup-hash").await.expect("the first admin");
    assert_eq!(first("setup-hash").await, None, "a setup link works once");
    assert!(!store.setup_link_open("setup-hash", now).await.unwrap());

    let member = store
        .create_user(
            "ola@firma.no",
            "Ola Hansen",
            "$argon2id$y",
            Role::Member,
            now,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_user("ingrid@firma.no", "Again", "h", Role::Member, now)
            .await,
        Err(Error::Conflict { .. })
    ));
    assert_eq!(store.user_count().await.unwrap(), 2);
    let found = store
        .user_by_email("INGRID@firma.no")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.role), (admin, Role::Admin));

    store
        .create_session("s1", admin, "csrf1", at("2026-11-27T20:00:00Z"))
        .await
        .unwrap();
    let (u, csrf) = store.session_user("s1", now).await.unwrap().unwrap();
    assert_eq!((u.id, csrf.as_str()), (admin, "csrf1"));
    assert!(
        store
            .session_user("s1", at("2026-11-28T00:00:00Z"))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.delete_session("s1").await.unwrap();
    assert!(
        store.session_user("s1", now).await.unwrap().is_none(),
        "logged out"
    );

    store
        .create_api_token("t1", member, "laptop", now)
        .await
        .unwrap();
    assert_eq!(store.token_user("t1").await.unwrap().unwrap().id, member);
    assert!(store.token_user("nope").await.unwrap().is_none());

    let mine = store
        .add_calendar(admin, "Arbeid", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", now)
        .await
        .unwrap();
    assert_eq!(store.calendars(admin).await.unwrap().len(), 1);
    assert!(store.calendars(member).await.unwrap().is_empty());
    assert!(store.calendar(admin, mine).await.unwrap().is_some());
    assert!(
        store.calendar(member, mine).await.unwrap().is_none(),
        "one user cannot read another's calendar"
    );

    // Login attempts: the first three at once, then each after a wait that
    // doubles; checked and counted in one statement.
    use neitakk_store::team::LoginTry::{Counted, Wait};
    let key = "email:ingrid@firma.no";
    let secs = |n| now + chrono::Duration::seconds(n);
    for n in 1..=3 {
        assert_eq!(store.try_attempt(key, now, 3).await.unwrap(), Counted(n));
    }
    assert_eq!(store.try_attempt(key, now, 3).await.unwrap(), Wait(2));
    assert_eq!(store.try_attempt(key, secs(1), 3).await.unwrap(), Wait(1));
    assert_eq!(
        store.try_attempt(key, secs(2), 3).await.unwrap(),
        Counted(4)
    );
    assert_eq!(
        store.try_attempt(key, secs(3), 3).await.unwrap(),
        Wait(3),
        "4 s after the 4th"
    );
    assert_eq!(
        store.try_attempt(key, secs(6), 3).await.unwrap(),
        Counted(5)
    );
    // The admin sees the wait, and can clear it.
    let waits = store.login_waits(secs(7), |_| 3).await.unwrap();
    assert_eq!(waits, vec![(key.to_owned(), 5, secs(6).timestamp() + 8)]);
    store.undo_attempt(key).await.unwrap();
    assert_eq!(
        store.try_attempt(key, secs(10), 3).await.unwrap(),
        Counted(5),
        "4 s after"
    );
    store.forget_attempts(key).await.unwrap();
    assert!(store.login_waits(secs(10), |_| 3).await.unwrap().is_empty());
    assert_eq!(
        store.try_attempt(key, secs(10), 3).await.unwrap(),
        Counted(1)
    );
    // Half an hour of quiet starts the count again.
    for n in 2..=3 {
        assert_eq!(
            store.try_attempt(key, secs(10), 3).await.unwrap(),
            Counted(n)
        );
    }
    assert_eq!(store.try_attempt(key, secs(11), 3).await.unwrap(), Wait(1));
    assert_eq!(
        store.try_attempt(key, secs(10 + 1801), 3).await.unwrap(),
        Counted(1)
    );
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
