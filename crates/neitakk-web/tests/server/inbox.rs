//! Each user's inbox on the server, against the Dovecot and the aiosmtpd
//! that scripts/test starts: the watcher puts a client invitation on the
//! week board, its reply in the outbox and in the drafts mailbox; Send
//! sends it and files the copy in Sent; nobody else sees any of it.

use crate::harness::*;

const GOOGLE: &str = "7kukuqrfedlm2f9t0vkdoi6a5c@google.com";
const GOOGLE_START: &str = "2026-12-03T09:00:00Z";

/// The mail servers of scripts/test: IMAP port, SMTP port, the SMTP
/// server's Maildir, and the Python that speaks IMAP as another program.
fn peers() -> Option<[String; 4]> {
    let names = [
        "NEITAKK_TEST_IMAP_PORT",
        "NEITAKK_TEST_SMTP_PORT",
        "NEITAKK_TEST_SMTP_MAILDIR",
        "NEITAKK_TEST_PYTHON",
    ];
    let found: Vec<String> = names
        .iter()
        .filter_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
        .collect();
    if found.len() < names.len() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "no mail servers: run scripts/test"
        );
        eprintln!("skipped: no mail servers (scripts/test starts them)");
        return None;
    }
    found.try_into().ok()
}

/// `tests/python/imap_tool.py` for a user of the test Dovecot.
fn imap_tool(python: &str, port: &str, user: &str, args: &[&str]) -> String {
    let o = std::process::Command::new(python)
        .arg(root().join("tests/python/imap_tool.py"))
        .args([port, user])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn listed(python: &str, port: &str, user: &str, folder: &str) -> Vec<serde_json::Value> {
    imap_tool(python, port, user, &["list", folder])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The bodies of a meeting page's reply form, as a browser sends them.
fn bodies(page: &str) -> Vec<String> {
    page.split("name=\"body\" rows=\"14\">")
        .skip(1)
        .map(|rest| unescape(&rest[..rest.find("</textarea>").unwrap()]))
        .collect()
}

/// The board, once `done` says it is as awaited (or after 15 seconds).
async fn board_until(
    browser: &mut Browser<'_>,
    board: &str,
    done: impl Fn(&str) -> bool,
) -> String {
    let mut seen = String::new();
    for _ in 0..60 {
        seen = browser.get(board).await.body;
        if done(&seen) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_inbox_watcher_puts_the_invitation_on_the_board() {
    let Some([imap, smtp, maildir, python]) = peers() else {
        return;
    };
    let user = "inbox6";
    for folder in ["INBOX", "Drafts", "Sent"] {
        imap_tool(&python, &imap, user, &["clear", folder]);
    }
    std::env::set_var("NEITAKK_TEST_INBOX_SMTP_PASSWORD", "secret");
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("s.sqlite").display()
    );
    let options = Options {
        private_caldav: true,
        ..Options::default()
    };
    let adjust = |c: &mut neitakk_pipeline::config::Config| {
        c.smtp = Some(neitakk_pipeline::config::Smtp {
            host: "127.0.0.1".into(),
            port: smtp.parse().unwrap(),
            security: neitakk_net::smtp::Security::None,
            user: Some("neitakk".into()),
            secret: neitakk_pipeline::config::Secret {
                password_env: Some("NEITAKK_TEST_INBOX_SMTP_PASSWORD".into()),
                ..Default::default()
            },
            ca_file: None,
        });
    };
    let s = Server::build(Store::connect(&url).await.unwrap(), dir, adjust, options).await;
    let mut admin = s.admin().await;
    let mut member = s
        .member(&mut admin, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;

    // The account: a token command is refused where the admin has not
    // allowed commands; a password is taken.
    let csrf = admin.get("/calendars").await.csrf();
    let account = |token: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("host", "127.0.0.1".into()),
            ("port", imap.clone()),
            ("security", "none".into()),
            ("username", user.into()),
            ("password", "secret".into()),
            ("token", token.into()),
        ]
    };
    let fields = |a: &[(&'static str, String)]| -> Vec<(&'static str, String)> { a.to_vec() };
    let token = fields(&account("1"));
    let token: Vec<(&str, &str)> = token.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post("/calendars/inbox", &token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("--allow-token-commands"), "{}", r.body);
    let password = fields(&account(""));
    let password: Vec<(&str, &str)> = password.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post("/calendars/inbox", &password).await;
    assert_eq!(r.location(), "/calendars?done=inbox", "{}", r.body);
    let page = admin.get("/calendars").await;
    assert!(page.body.contains("inbox6@127.0.0.1"), "{}", page.body);
    assert!(
        !page.body.contains("value=\"secret\""),
        "the password is never shown"
    );

    // The watcher, as `neitakk serve` starts it (here every half second).
    tokio::spawn(server::watch_inboxes(
        s.app.clone(),
        std::time::Duration::from_millis(500),
    ));
    let invitation = root().join("crates/neitakk/tests/data/inbox/google-invitation.eml");
    imap_tool(
        &python,
        &imap,
        user,
        &["append", "INBOX", invitation.to_str().unwrap()],
    );
    let board = format!("/week?week={WEEK}");
    let marked = |page: &str| page.matches("invitation in your inbox").count();
    let seen = board_until(&mut admin, &board, |page| marked(page) == 1).await;
    assert!(
        marked(&seen) == 1 && seen.contains("Lofoten"),
        "the invitation is on the board: {seen}"
    );
    assert!(
        seen.contains("in the outbox"),
        "with its reply in the outbox"
    );
    let outbox = s.app.store.for_owner(1).drafts().await.unwrap();
    assert!(!outbox.is_empty() && outbox.iter().all(|d| d.uid == GOOGLE));
    let drafts = listed(&python, &imap, user, "Drafts");
    assert_eq!(drafts.len(), outbox.len(), "{drafts:?}");
    assert_eq!(drafts[0]["uid"], GOOGLE);
    assert_eq!(drafts[0]["in_reply_to"], "<0000000000001a2b3c@google.com>");
    assert!(outbox
        .iter()
        .any(|d| d.message_id == drafts[0]["message_id"]));
    // Read once: the next looks make nothing new.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(listed(&python, &imap, user, "Drafts").len(), drafts.len());
    assert_eq!(
        s.app.store.for_owner(1).drafts().await.unwrap().len(),
        outbox.len()
    );

    // Another invitation, then its cancellation: its drafts come and go,
    // in the mailbox and the outbox alike.
    let deliver = |file: &str| {
        let path = root().join("crates/neitakk/tests/data/inbox").join(file);
        imap_tool(
            &python,
            &imap,
            user,
            &["append", "INBOX", path.to_str().unwrap()],
        );
    };
    deliver("outlook-invitation.eml");
    let seen = board_until(&mut admin, &board, |page| marked(page) == 2).await;
    assert!(seen.contains("Gjennomgang av tilbudet"), "{seen}");
    assert!(listed(&python, &imap, user, "Drafts").len() > drafts.len());
    deliver("outlook-cancel.eml");
    board_until(&mut admin, &board, |page| marked(page) == 1).await;
    assert_eq!(listed(&python, &imap, user, "Drafts").len(), drafts.len());
    assert_eq!(
        s.app.store.for_owner(1).drafts().await.unwrap(),
        outbox,
        "the outbox is as it was"
    );

    // Nobody else's: the member's board, outbox and inbox know nothing of it.
    let theirs = member.get(&board).await.body;
    assert!(!theirs.contains("Lofoten") && !theirs.contains("invitation in your inbox"));
    assert!(s.app.store.for_owner(2).drafts().await.unwrap().is_empty());
    assert!(s
        .app
        .store
        .for_owner(2)
        .inbox_drafts()
        .await
        .unwrap()
        .is_empty());
    let theirs = member.get("/calendars").await.body;
    assert!(!theirs.contains("inbox6"), "{theirs}");

    // Send, from the meeting page as today: out through the mail server,
    // the copy filed in Sent, the draft gone from Drafts.
    let meeting = format!(
        "/meeting?uid={}&start={GOOGLE_START}",
        GOOGLE.replace('@', "%40")
    );
    let page = admin.get(&meeting).await;
    let mut send: Vec<(&str, String)> = vec![
        ("csrf", page.csrf()),
        ("uid", GOOGLE.into()),
        ("start", GOOGLE_START.into()),
        ("strategy", outbox[0].strategy.clone()),
        ("lang", "nb".into()),
    ];
    send.extend(bodies(&page.body).into_iter().map(|b| ("body", b)));
    let send: Vec<(&str, &str)> = send.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post("/meeting/send", &send).await;
    assert_eq!(r.location(), "/outbox?sent=1", "{}", r.body);
    let id = drafts[0]["message_id"].as_str().unwrap();
    let arrived = std::fs::read_dir(Path::new(&maildir).join("new"))
        .unwrap()
        .filter(|e| {
            std::fs::read_to_string(e.as_ref().unwrap().path())
                .unwrap()
                .contains(&format!("Message-ID: {id}"))
        })
        .count();
    assert_eq!(arrived, 1, "at the mail server once");
    let sent = listed(&python, &imap, user, "Sent");
    assert_eq!(sent.len(), drafts.len(), "{sent:?}");
    assert_eq!(sent[0]["message_id"], id);
    assert_eq!(sent[0]["in_reply_to"], drafts[0]["in_reply_to"], "threaded");
    assert!(listed(&python, &imap, user, "Drafts").is_empty());
    let outbox = s.app.store.for_owner(1).drafts().await.unwrap();
    assert!(
        outbox.iter().all(|d| d.sent_at.is_some()),
        "the outbox holds the sent reply, not a stale draft beside it: {outbox:?}"
    );
}
