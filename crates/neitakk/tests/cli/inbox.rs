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

    /// A config like the example's, reading `user`'s mailbox.
    fn config(&self, dir: &Path, user: &str) -> PathBuf {
        let example = std::fs::read_to_string(root().join("examples/neitakk.toml")).unwrap();
        let text = example.replace(
            "clients = \"clients.toml\"",
            &format!("clients = \"{}\"", root().join("examples/clients.toml").display()),
        ) + &format!(
            "\n[inbox]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nuser = \"{user}\"\npassword_env = \"NEITAKK_TEST_IMAP_SECRET\"\n",
            self.port
        );
        let path = dir.join("neitakk.toml");
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn inbox(cfg: &Path, data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .env("NEITAKK_DATA_DIR", data)
        .env("NEITAKK_TEST_IMAP_SECRET", "secret")
        .args(["--config", cfg.to_str().unwrap(), "inbox", "--once"])
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
