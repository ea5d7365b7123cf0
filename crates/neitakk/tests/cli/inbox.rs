//! `neitakk inbox` against a real IMAP server (Dovecot, started by
//! scripts/test on loopback with its own config): invitations from Outlook
//! and Google become one draft each, threaded to them, an update replaces
//! its draft, a cancellation removes it, and what is no invitation (or a
//! broken one) is passed over without stopping the rest.

use crate::common::*;

struct Imap {
    port: String,
    python: String,
}

fn imap() -> Option<Imap> {
    let vars = ["NEITAKK_TEST_IMAP_PORT", "NEITAKK_TEST_PYTHON"];
    let [port, python] = <[String; 2]>::try_from(peer(&vars, "IMAP server")?).ok()?;
    Some(Imap { port, python })
}

impl Imap {
    fn tool(&self, user: &str, args: &[&str]) -> String {
        let o = Command::new(&self.python)
            .arg(root().join("tests/python/imap_tool.py"))
            .args([self.port.as_str(), user])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    }

    /// Puts a message of tests/data/inbox/ into the user's INBOX.
    fn deliver(&self, user: &str, file: &str) {
        let path = root().join("crates/neitakk/tests/data/inbox").join(file);
        self.tool(user, &["append", "INBOX", path.to_str().unwrap()]);
    }

    /// The messages of a folder, as Python reads them.
    fn list(&self, user: &str, folder: &str) -> Vec<serde_json::Value> {
        self.tool(user, &["list", folder])
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// A config like the example's, reading `user`'s mailbox (and sending
    /// through `smtp`, the test mail server's port, if given).
    fn config(&self, dir: &Path, user: &str) -> PathBuf {
        self.config_with(dir, user, None)
    }

    fn config_with(&self, dir: &Path, user: &str, smtp: Option<&str>) -> PathBuf {
        let example = std::fs::read_to_string(root().join("examples/neitakk.toml")).unwrap();
        let text = example.replace(
            "clients = \"clients.toml\"",
            &format!("clients = \"{}\"", root().join("examples/clients.toml").display()),
        ) + &format!(
            "\n[inbox]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nuser = \"{user}\"\npassword_env = \"NEITAKK_TEST_IMAP_SECRET\"\n",
            self.port
        ) + &smtp.map_or(String::new(), |port| format!(
            "[delivery.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nuser = \"neitakk\"\npassword_env = \"NEITAKK_TEST_SMTP_SECRET\"\n"
        ));
        let path = dir.join("neitakk.toml");
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn inbox(cfg: &Path, data: &Path) -> Output {
    inbox_with(cfg, data, &["--once"])
}

fn inbox_with(cfg: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .env("NEITAKK_DATA_DIR", data)
        .env("NEITAKK_TEST_IMAP_SECRET", "secret")
        .env("NEITAKK_TEST_SMTP_SECRET", "secret")
        .args(["--config", cfg.to_str().unwrap(), "inbox"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn invitations_in_the_inbox_become_drafts_once() {
    let Some(imap) = imap() else { return };
    let user = "inbox1";
    let dir = tempfile::tempdir().unwrap();
    let (cfg, data) = (imap.config(dir.path(), user), dir.path().join("data"));
    // The same mail server serves the run under a clock years ahead too.
    for folder in ["INBOX", "Drafts"] {
        imap.tool(user, &["clear", folder]);
    }
    for file in [
        "outlook-invitation.eml",
        "newsletter.eml",
        "malformed.eml",
        "google-invitation.eml",
    ] {
        imap.deliver(user, file);
    }
    let o = inbox(&cfg, &data);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = stdout(&o);
    assert!(
        lines.contains("Havnevest") && lines.contains("Lofoten Sjømat"),
        "{lines}"
    );
    assert!(
        stderr(&o).contains("cannot be read"),
        "the broken one is named: {}",
        stderr(&o)
    );
    let drafts = imap.list(user, "Drafts");
    assert_eq!(drafts.len(), 2, "{drafts:?}");
    for (uid, invitation) in [
        (
            "040000008200E00074C5B7101A82E008-invite-1",
            "<invite-1@havnevest.no>",
        ),
        (
            "7kukuqrfedlm2f9t0vkdoi6a5c@google.com",
            "<0000000000001a2b3c@google.com>",
        ),
    ] {
        let d = drafts
            .iter()
            .find(|d| d["uid"] == uid)
            .unwrap_or_else(|| panic!("{uid}: {drafts:?}"));
        assert_eq!(d["method"], "REPLY", "{d}");
        assert_eq!(d["in_reply_to"], invitation, "threaded: {d}");
        assert!(
            d["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "\\Draft"),
            "{d}"
        );
    }
    // The user's own flags are left alone: nothing in the inbox was marked read.
    for m in imap.list(user, "INBOX") {
        assert!(m["flags"].as_array().unwrap().is_empty(), "{m}");
    }

    // Again: nothing new, no second draft.
    let o = inbox(&cfg, &data);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(imap.list(user, "Drafts").len(), 2);

    // An updated invitation replaces its draft; a cancelled one removes it.
    imap.deliver(user, "outlook-update.eml");
    let o = inbox(&cfg, &data);
    assert!(
        stdout(&o).contains("nytt utkast"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let drafts = imap.list(user, "Drafts");
    assert_eq!(drafts.len(), 2, "{drafts:?}");
    let replaced = drafts
        .iter()
        .find(|d| d["uid"] == "040000008200E00074C5B7101A82E008-invite-1")
        .unwrap();
    assert_eq!(
        replaced["in_reply_to"], "<invite-2@havnevest.no>",
        "{replaced}"
    );
    imap.deliver(user, "outlook-cancel.eml");
    let o = inbox(&cfg, &data);
    assert!(
        stdout(&o).contains("utkastet fjernet"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let drafts = imap.list(user, "Drafts");
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0]["uid"], "7kukuqrfedlm2f9t0vkdoi6a5c@google.com");
}

/// A draft in the mailbox is sent only on the user's word: `--pending`
/// lists it, `--send` sends it through the mail server (aiosmtpd) once,
/// files it in Sent and removes the draft.
#[test]
fn a_pending_draft_is_sent_once_and_filed() {
    let Some(imap) = imap() else { return };
    let vars = ["NEITAKK_TEST_SMTP_PORT", "NEITAKK_TEST_SMTP_MAILDIR"];
    let Some([smtp, maildir]) =
        peer(&vars, "SMTP server").and_then(|v| <[String; 2]>::try_from(v).ok())
    else {
        return;
    };
    let user = "inbox2";
    let dir = tempfile::tempdir().unwrap();
    let cfg = imap.config_with(dir.path(), user, Some(&smtp));
    let data = dir.path().join("data");
    for folder in ["INBOX", "Drafts", "Sent"] {
        imap.tool(user, &["clear", folder]);
    }
    imap.deliver(user, "google-invitation.eml");
    assert!(inbox(&cfg, &data).status.success());
    let uid = "7kukuqrfedlm2f9t0vkdoi6a5c@google.com";
    let pending = inbox_with(&cfg, &data, &["--pending"]);
    assert!(stdout(&pending).contains(uid), "{}", stdout(&pending));
    let draft = imap.list(user, "Drafts").remove(0);

    let o = inbox_with(&cfg, &data, &["--send", uid]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sent to kari.nilsen@lofotensjomat.no"),
        "{}",
        stderr(&o)
    );
    let id = draft["message_id"].as_str().unwrap();
    let arrived = std::fs::read_dir(Path::new(&maildir).join("new"))
        .unwrap()
        .filter(|e| {
            std::fs::read_to_string(e.as_ref().unwrap().path())
                .unwrap()
                .contains(&format!("Message-ID: {id}"))
        })
        .count();
    assert_eq!(arrived, 1, "at the mail server once");
    let sent = imap.list(user, "Sent");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["message_id"], id);
    assert!(sent[0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "\\Seen"));
    assert!(imap.list(user, "Drafts").is_empty());
    assert_eq!(stdout(&inbox_with(&cfg, &data, &["--pending"])), "");
    // Once sent, there is nothing more to send.
    let again = inbox_with(&cfg, &data, &["--send", uid]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("no draft for"),
        "{}",
        stderr(&again)
    );
}

/// Forwards to the IMAP server; the first connection is cut once the
/// server has sent `cut_after` bytes (in the middle of a fetch), the next
/// ones are left alone.
fn cutting_proxy(server_port: &str, cut_after: usize) -> String {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = format!("127.0.0.1:{server_port}");
    std::thread::spawn(move || {
        for (n, client) in listener.incoming().enumerate().take(4) {
            let client = client.unwrap();
            let upstream = TcpStream::connect(&server).unwrap();
            let (mut c_read, mut u_write) =
                (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            std::thread::spawn(move || std::io::copy(&mut c_read, &mut u_write));
            let (mut u_read, mut c_write) = (upstream, client);
            std::thread::spawn(move || {
                let limit = if n == 0 { cut_after } else { usize::MAX };
                let (mut sent, mut buf) = (0, [0u8; 512]);
                while let Ok(k) = u_read.read(&mut buf) {
                    if k == 0 || sent + k > limit {
                        break;
                    }
                    if c_write.write_all(&buf[..k]).is_err() {
                        break;
                    }
                    sent += k;
                }
                let _ = c_write.shutdown(std::net::Shutdown::Both);
                let _ = u_read.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    port
}

/// A connection that drops in the middle of a fetch loses nothing: the run
/// says so, and the next one goes on where it stopped, without a second
/// draft of anything.
#[test]
fn a_connection_cut_mid_fetch_is_survived() {
    let Some(imap) = imap() else { return };
    let user = "inbox3";
    let dir = tempfile::tempdir().unwrap();
    for folder in ["INBOX", "Drafts"] {
        imap.tool(user, &["clear", folder]);
    }
    for file in ["outlook-invitation.eml", "google-invitation.eml"] {
        imap.deliver(user, file);
    }
    let through = Imap {
        port: cutting_proxy(&imap.port, 2500),
        python: imap.python.clone(),
    };
    let (cfg, data) = (through.config(dir.path(), user), dir.path().join("data"));
    let cut = inbox(&cfg, &data);
    assert_eq!(
        cut.status.code(),
        Some(1),
        "{}{}",
        stdout(&cut),
        stderr(&cut)
    );
    assert!(stderr(&cut).contains("IMAP server"), "{}", stderr(&cut));
    let o = inbox(&cfg, &data);
    assert!(o.status.success(), "{}", stderr(&o));
    let drafts = imap.list(user, "Drafts");
    assert_eq!(drafts.len(), 2, "one each, none twice: {drafts:?}");
}

/// Without --once it keeps watching: an invitation that arrives is drafted
/// within seconds (IMAP IDLE), though the next look by the clock would be
/// an hour away.
#[test]
fn watching_drafts_what_arrives_at_once() {
    let Some(imap) = imap() else { return };
    let user = "inbox4";
    let dir = tempfile::tempdir().unwrap();
    for folder in ["INBOX", "Drafts"] {
        imap.tool(user, &["clear", folder]);
    }
    let (cfg, data) = (imap.config(dir.path(), user), dir.path().join("data"));
    let mut watching = Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .env("NEITAKK_DATA_DIR", &data)
        .env("NEITAKK_TEST_IMAP_SECRET", "secret")
        .args(["--config", cfg.to_str().unwrap(), "inbox", "--every", "60"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let it look once and begin to wait.
    std::thread::sleep(std::time::Duration::from_secs(2));
    imap.deliver(user, "google-invitation.eml");
    let mut drafted = false;
    for _ in 0..60 {
        if !imap.list(user, "Drafts").is_empty() {
            drafted = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    watching.kill().unwrap();
    watching.wait().unwrap();
    assert!(drafted, "the invitation was drafted while watching");
}

/// Signing in with OAuth2 (as Microsoft 365 and Gmail want): the token
/// command's access token over SASL XOAUTH2 or OAUTHBEARER, checked by Dovecot's oauth2
/// passdb at a token introspection endpoint. The first token has expired:
/// the server's refusal runs the command once more, and the second works.
#[test]
fn an_expired_token_is_asked_for_once_more() {
    let Some(imap) = imap() else { return };
    let user = "oauth1";
    // Dovecot offers both: by default XOAUTH2, else as the config says.
    for oauth in ["", "oauth = \"oauthbearer\"\n", "oauth = \"xoauth2\"\n"] {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["INBOX", "Drafts"] {
            imap.tool(user, &["clear", folder]);
        }
        imap.deliver(user, "google-invitation.eml");
        let calls = dir.path().join("calls");
        let helper = root().join("tests/python/token_helper.sh");
        let cfg = imap.config(dir.path(), user);
        let text = std::fs::read_to_string(&cfg).unwrap().replace(
            "password_env = \"NEITAKK_TEST_IMAP_SECRET\"\n",
            &format!(
                "token_command = \"sh {} {}\"\n{oauth}",
                helper.display(),
                calls.display()
            ),
        );
        std::fs::write(&cfg, text).unwrap();
        let o = inbox(&cfg, &dir.path().join("data"));
        assert!(o.status.success(), "{oauth}: {}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(&calls).unwrap().trim(),
            "2",
            "{oauth}: asked twice"
        );
        assert_eq!(imap.list(user, "Drafts").len(), 1, "{oauth}");
    }
}

/// TLS from the first byte (port 993's way) and STARTTLS, trusting a
/// company's own CA given as `ca_file`; without it, the unknown CA is a
/// clear refusal and nothing is read.
#[test]
fn tls_and_starttls_with_a_company_ca() {
    let Some(imap) = imap() else { return };
    let vars = ["NEITAKK_TEST_IMAPS_PORT", "NEITAKK_TEST_IMAP_CA"];
    let Some([imaps, ca]) =
        peer(&vars, "IMAP server with TLS").and_then(|v| <[String; 2]>::try_from(v).ok())
    else {
        return;
    };
    let user = "inbox5";
    for (security, port) in [("tls", imaps.as_str()), ("starttls", imap.port.as_str())] {
        for folder in ["INBOX", "Drafts"] {
            imap.tool(user, &["clear", folder]);
        }
        imap.deliver(user, "google-invitation.eml");
        let dir = tempfile::tempdir().unwrap();
        let plain = imap.config(dir.path(), user);
        let text = std::fs::read_to_string(&plain)
            .unwrap()
            .replace(&format!("port = {}", imap.port), &format!("port = {port}"))
            .replace("security = \"none\"", &format!("security = \"{security}\""));
        let untrusted = dir.path().join("untrusted.toml");
        std::fs::write(&untrusted, &text).unwrap();
        let o = inbox(&untrusted, &dir.path().join("data"));
        assert_eq!(o.status.code(), Some(1), "{security}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("TLS") || stderr(&o).contains("certificate"),
            "{security}: {}",
            stderr(&o)
        );
        let trusted = dir.path().join("trusted.toml");
        std::fs::write(&trusted, text + &format!("ca_file = \"{ca}\"\n")).unwrap();
        let o = inbox(&trusted, &dir.path().join("data"));
        assert!(o.status.success(), "{security}: {}", stderr(&o));
        assert_eq!(imap.list(user, "Drafts").len(), 1, "{security}");
    }
}

/// A first look at a mailbox reads the last month's mail, not years of it;
/// after that, everything that arrives.
#[test]
fn a_first_look_reads_the_last_month() {
    let Some(imap) = imap() else { return };
    let user = "inbox6";
    let dir = tempfile::tempdir().unwrap();
    for folder in ["INBOX", "Drafts"] {
        imap.tool(user, &["clear", folder]);
    }
    let old = root().join("crates/neitakk/tests/data/inbox/google-invitation.eml");
    imap.tool(
        user,
        &["append", "INBOX", old.to_str().unwrap(), "01-Sep-2026"],
    );
    let (cfg, data) = (imap.config(dir.path(), user), dir.path().join("data"));
    let o = inbox(&cfg, &data);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "three months old: not read");
    imap.deliver(user, "outlook-invitation.eml");
    let o = inbox(&cfg, &data);
    assert!(stdout(&o).contains("Havnevest"), "{}", stdout(&o));
    assert_eq!(imap.list(user, "Drafts").len(), 1);
}
