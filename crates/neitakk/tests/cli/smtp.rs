//! Sending over SMTP to a real server (aiosmtpd, started by scripts/test on
//! loopback): every strategy's reply arrives once, parses in Python, and a
//! refused login or a dead server loses nothing.

use crate::common::*;

struct Sink {
    port: String,
    maildir: PathBuf,
    python: String,
}

fn sink() -> Option<Sink> {
    let vars = [
        "NEITAKK_TEST_SMTP_PORT",
        "NEITAKK_TEST_SMTP_MAILDIR",
        "NEITAKK_TEST_PYTHON",
    ];
    let [port, maildir, python] = <[String; 3]>::try_from(peer(&vars, "SMTP server")?).ok()?;
    Some(Sink {
        port,
        maildir: maildir.into(),
        python,
    })
}

/// A config like the example's, sending to the sink with `password_env`.
fn config(dir: &Path, port: &str, extra: &str) -> PathBuf {
    let example = std::fs::read_to_string(root().join("examples/neitakk.toml")).unwrap();
    let text = example.replace("clients = \"clients.toml\"", &format!("clients = \"{}\"", root().join("examples/clients.toml").display()))
        + &format!(
            "\n[delivery]\noutbox = \"outbox\"\n[delivery.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nuser = \"neitakk\"\npassword_env = \"NEITAKK_TEST_SMTP_SECRET\"\n{extra}"
        );
    let path = dir.join("neitakk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn reply(cfg: &Path, data: &Path, password: &str, args: &[&str]) -> Output {
    reply_command(cfg, data, password, MONDAY, args)
        .output()
        .unwrap()
}

fn reply_command(cfg: &Path, data: &Path, password: &str, now: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_neitakk"));
    c.env("NEITAKK_NOW", now)
        .current_dir(root())
        .env("NEITAKK_DATA_DIR", data)
        .env("NEITAKK_TEST_SMTP_SECRET", password)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "reply",
            "examples/uke49.ics",
        ])
        .args(args)
        .args(["--from", "2026-11-30", "--to", "2026-12-07", "--send"]);
    c
}

/// Messages in the Maildir whose Message-ID was in the drafts.
fn received(maildir: &Path, drafts: &[PathBuf]) -> Vec<PathBuf> {
    let ids: Vec<String> = drafts
        .iter()
        .map(|d| {
            let text = std::fs::read_to_string(d).unwrap();
            text.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .unwrap()
                .to_owned()
        })
        .collect();
    std::fs::read_dir(maildir.join("new"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            ids.iter().any(|id| text.contains(id.as_str()))
        })
        .collect()
}

fn drafts(outbox: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(outbox)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn every_strategy_arrives_once_and_parses() {
    let Some(sink) = sink() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &sink.port, "");
    let data = dir.path().join("data");
    // A written update (or a briefing) with lines left in [brackets] for
    // the user is not sent, and nothing is written; --force sends it.
    for uid in [
        "lofoten-status@lofotensjomat.no",
        "skagerrak-risiko@fjellfjord.no",
    ] {
        let o = reply(&cfg, &data, "secret", &[uid]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{uid}: {err}");
        assert!(
            err.contains("left for you to write") && err.contains("--force"),
            "{err}"
        );
        assert!(
            drafts(&dir.path().join("outbox")).is_empty(),
            "{uid}: nothing written"
        );
    }
    for (uid, args) in [
        (
            "havnevest-workshop-49@havnevest.no",
            &["--strategy", "phone-call"][..],
        ),
        (
            "havnevest-oppfolging@havnevest.no",
            &["--strategy", "reschedule"][..],
        ),
        ("skagerrak-risiko@fjellfjord.no", &["--force"][..]),
        ("lofoten-status@lofotensjomat.no", &["--force"][..]),
        ("tindra-logo@tindra.no", &[][..]),
        ("northwind-qbr@northwindlogistics.com", &[][..]),
        (
            "havnevest-workshop-49@havnevest.no",
            &[
                "--strategy",
                "delegate",
                "--delegate-to",
                "lise.moen@fjellfjord.no",
                // The briefing's line for my view, written.
                "--note",
                "Jeg tror de vil ha tallene for kvartalet først.",
            ][..],
        ),
    ] {
        let o = reply(&cfg, &data, "secret", &[&[uid][..], args].concat());
        assert!(
            o.status.success(),
            "{uid}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("sent to"),
            "{uid}"
        );
    }
    let outbox = dir.path().join("outbox");
    let sent = drafts(&outbox);
    let got = received(&sink.maildir, &sent);
    assert_eq!(got.len(), sent.len(), "every draft arrived: {sent:?}");
    let check = Command::new(&sink.python)
        .arg(root().join("tests/python/validate_imip.py"))
        .arg(root().join("examples/uke49.ics"))
        .args(&got)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    // The same reply again: not sent twice.
    let o = reply(
        &cfg,
        &data,
        "secret",
        &[
            "havnevest-workshop-49@havnevest.no",
            "--strategy",
            "phone-call",
        ],
    );
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not sent again"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        received(&sink.maildir, &drafts(&outbox)).len(),
        sent.len(),
        "nothing new arrived"
    );
}

#[test]
fn a_refused_login_or_a_dead_server_keeps_the_draft() {
    let Some(sink) = sink() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cfg = config(dir.path(), &sink.port, "");
    let o = reply(&cfg, &data, "wrong", &["tindra-logo@tindra.no"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("refused the login") && err.contains("draft is kept in"),
        "{err}"
    );
    let kept = drafts(&dir.path().join("outbox"));
    assert_eq!(kept.len(), 1);
    assert!(received(&sink.maildir, &kept).is_empty());

    // After a failure, a retry sends it (nothing was marked sent).
    let o = reply(&cfg, &data, "secret", &["tindra-logo@tindra.no"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Nobody listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let dead = tempfile::tempdir().unwrap();
    let cfg = config(dead.path(), &closed, "");
    let o = reply(
        &cfg,
        &dead.path().join("data"),
        "secret",
        &["tindra-logo@tindra.no"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot reach the SMTP server"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(drafts(&dead.path().join("outbox")).len(), 1);

    // A server that hangs up at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dropper = std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            drop(stream);
        }
    });
    let rude = tempfile::tempdir().unwrap();
    let cfg = config(rude.path(), &port, "");
    let o = reply(
        &cfg,
        &rude.path().join("data"),
        "secret",
        &["tindra-logo@tindra.no"],
    );
    dropper.join().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("draft is kept in"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(drafts(&rude.path().join("outbox")).len(), 1);
}

/// A mail server that takes a message and then never answers its end: the
/// moment a crash is worst. Sends the Message-ID it got, then holds on.
fn stalls_after_data() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut out = stream.try_clone().unwrap();
        let mut lines = BufReader::new(stream);
        out.write_all(b"220 stalling ESMTP\r\n").unwrap();
        let mut line = String::new();
        let mut in_data = false;
        while lines.read_line(&mut line).unwrap_or(0) > 0 {
            let l = line.trim_end().to_owned();
            line.clear();
            if in_data {
                if let Some(id) = l.strip_prefix("Message-ID: ") {
                    tx.send(id.to_owned()).unwrap();
                }
                continue; // the end of the message is never answered
            }
            let word = l.split(' ').next().unwrap_or("").to_ascii_uppercase();
            let answer: &[u8] = match word.as_str() {
                "EHLO" => b"250-stalling\r\n250 AUTH PLAIN LOGIN\r\n",
                "AUTH" => b"235 ok\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                _ => b"250 ok\r\n",
            };
            out.write_all(answer).unwrap();
        }
    });
    (port, rx)
}

/// Killed while the mail server has the message and has not answered: the
/// reply is not lost. A second run at once finds it under way; once its
/// claim is stale, it is sent again, with the same Message-ID.
#[test]
fn a_send_cut_off_at_data_is_sent_again_with_the_same_message_id() {
    let Some(sink) = sink() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (port, got) = stalls_after_data();
    let stalling = config(dir.path(), &port, "");
    let uid = "tindra-logo@tindra.no";
    let mut child = reply_command(&stalling, &data, "secret", MONDAY, &[uid])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let first_id = got
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the message reached the mail server");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let cfg = config(dir.path(), &sink.port, "");
    let o = reply(&cfg, &data, "secret", &[uid]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("being sent right now"),
        "{}",
        stderr(&o)
    );

    let later = "2026-11-30T07:11:00+01:00";
    let o = reply_command(&cfg, &data, "secret", later, &[uid])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("An earlier try"), "{}", stderr(&o));
    let arrived: Vec<String> = std::fs::read_dir(sink.maildir.join("new"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|m| m.contains(&format!("Message-ID: {first_id}")))
        .collect();
    assert_eq!(arrived.len(), 1, "sent again under {first_id}");

    // And once handed over, it is never sent again.
    let o = reply_command(&cfg, &data, "secret", later, &[uid])
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("it is not sent again"),
        "{}",
        stderr(&o)
    );
}

/// A config for one of the encrypting servers, trusting `ca` if given.
fn tls_config(dir: &Path, port: &str, security: &str, ca: Option<&str>) -> PathBuf {
    let extra = ca.map_or(String::new(), |ca| format!("ca_file = \"{ca}\"\n"));
    let cfg = config(dir, port, &extra);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("host = \"127.0.0.1\"", "host = \"localhost\"")
        .replace("security = \"none\"", &format!("security = \"{security}\""));
    std::fs::write(&cfg, text).unwrap();
    cfg
}

#[test]
fn starttls_and_tls_with_a_company_ca() {
    let Some(sink) = sink() else { return };
    for mode in ["STARTTLS", "TLS"] {
        let port = std::env::var(format!("NEITAKK_TEST_SMTP_{mode}_PORT")).unwrap();
        let ca = std::env::var(format!("NEITAKK_TEST_SMTP_{mode}_CA")).unwrap();
        let security = mode.to_lowercase();
        let dir = tempfile::tempdir().unwrap();
        let cfg = tls_config(dir.path(), &port, &security, Some(&ca));
        let o = reply(
            &cfg,
            &dir.path().join("data"),
            "secret",
            &["tindra-logo@tindra.no"],
        );
        assert!(
            o.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            received(&sink.maildir, &drafts(&dir.path().join("outbox"))).len(),
            1,
            "{mode}"
        );

        // Without the CA the certificate is not trusted: a clear error, the draft kept.
        let untrusted = tempfile::tempdir().unwrap();
        let cfg = tls_config(untrusted.path(), &port, &security, None);
        let o = reply(
            &cfg,
            &untrusted.path().join("data"),
            "secret",
            &["tindra-logo@tindra.no"],
        );
        assert_eq!(o.status.code(), Some(1), "{mode}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("draft is kept in"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// OAuth2 for sending (Microsoft 365, Gmail): `token_command`'s access token
/// over SASL XOAUTH2. The first token has expired: the server's refusal runs
/// the command once more, and the reply goes out with the second.
#[test]
fn an_expired_token_is_asked_for_once_more() {
    let Some(sink) = sink() else { return };
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls");
    let helper = root().join("tests/python/token_helper.sh");
    let cfg = config(dir.path(), &sink.port, "");
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "password_env = \"NEITAKK_TEST_SMTP_SECRET\"",
        &format!(
            "token_command = \"sh {} {}\"",
            helper.display(),
            calls.display()
        ),
    );
    std::fs::write(&cfg, text).unwrap();
    let o = reply(
        &cfg,
        &dir.path().join("data"),
        "unused",
        &["tindra-logo@tindra.no"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap().trim(),
        "2",
        "asked twice"
    );
    let kept = drafts(&dir.path().join("outbox"));
    assert_eq!(received(&sink.maildir, &kept).len(), 1);
}
