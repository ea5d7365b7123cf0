//! Reading from and answering on a real CalDAV server (Radicale, started by
//! scripts/test on loopback), checked with an independent client.

use crate::common::*;

struct Env {
    caldav_port: String,
    smtp_port: String,
    python: String,
}

fn env() -> Option<Env> {
    let vars = [
        "NEITAKK_TEST_CALDAV_PORT",
        "NEITAKK_TEST_SMTP_PORT",
        "NEITAKK_TEST_PYTHON",
    ];
    let [caldav_port, smtp_port, python] =
        <[String; 3]>::try_from(peer(&vars, "CalDAV server")?).ok()?;
    Some(Env {
        caldav_port,
        smtp_port,
        python,
    })
}

fn tool(env: &Env, args: &[&str]) -> String {
    let o = Command::new(&env.python)
        .arg(root().join("tests/python/caldav_tool.py"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "caldav_tool {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// A fresh calendar holding the example week, and a config that reads it.
fn setup(env: &Env, dir: &Path, name: &str) -> (String, PathBuf) {
    let url = format!("http://127.0.0.1:{}/ingrid/{name}/", env.caldav_port);
    tool(
        env,
        &[
            "seed",
            &url,
            "ingrid",
            "secret",
            root().join("examples/uke49.ics").to_str().unwrap(),
        ],
    );
    let example = std::fs::read_to_string(root().join("examples/neitakk.toml")).unwrap();
    let text = example.replace("clients = \"clients.toml\"", &format!("clients = \"{}\"", root().join("examples/clients.toml").display()))
        + &format!(
            "\n[caldav]\nurl = \"{url}\"\nuser = \"ingrid\"\npassword_env = \"NEITAKK_TEST_CALDAV_SECRET\"\n\
             [delivery]\noutbox = \"outbox\"\n[delivery.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
             user = \"neitakk\"\npassword_env = \"NEITAKK_TEST_SMTP_SECRET\"\n",
            env.smtp_port
        );
    let cfg = dir.join("neitakk.toml");
    std::fs::write(&cfg, text).unwrap();
    (url, cfg)
}

fn neitakk(cfg: &Path, data: &Path, caldav_password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .current_dir(root())
        .env("NEITAKK_DATA_DIR", data)
        .env("NEITAKK_TEST_CALDAV_SECRET", caldav_password)
        .env("NEITAKK_TEST_SMTP_SECRET", "secret")
        .arg("--config")
        .arg(cfg)
        .args(args)
        .output()
        .unwrap()
}

/// `neitakk reply caldav UID-AND-OPTIONS` for the example week, sending.
fn reply_and_send(cfg: &Path, data: &Path, args: &[&str]) -> Output {
    let week = ["--from", "2026-11-30", "--to", "2026-12-07", "--send"];
    neitakk(
        cfg,
        data,
        "secret",
        &[&["reply", "caldav"][..], args, &week].concat(),
    )
}

fn strategies(json: &[u8]) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(json).unwrap();
    let mut out: Vec<(String, String)> = doc["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["uid"].as_str().unwrap().to_owned() + " " + m["start"].as_str().unwrap(),
                m["strategy"].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn triage_from_caldav_matches_the_file() {
    let Some(env) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_, cfg) = setup(&env, dir.path(), "triage");
    let data = dir.path().join("data");
    let week = ["--week", "2026-W49", "--format", "json"];
    let from_dav = neitakk(
        &cfg,
        &data,
        "secret",
        &[&["triage", "caldav"][..], &week].concat(),
    );
    assert!(
        from_dav.status.success(),
        "{}",
        String::from_utf8_lossy(&from_dav.stderr)
    );
    let from_file = neitakk(
        &cfg,
        &data,
        "secret",
        &[&["triage", "examples/uke49.ics"][..], &week].concat(),
    );
    assert_eq!(strategies(&from_dav.stdout), strategies(&from_file.stdout));
    assert!(strategies(&from_dav.stdout).len() >= 10);

    let refused = neitakk(
        &cfg,
        &data,
        "wrong",
        &[&["triage", "caldav"][..], &week].concat(),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("refused the login"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[test]
fn a_sent_reply_updates_partstat_on_the_server() {
    let Some(env) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (url, cfg) = setup(&env, dir.path(), "answers");
    let data = dir.path().join("data");

    // A single event: a proposal (COUNTER) leaves me tentative.
    let o = reply_and_send(
        &cfg,
        &data,
        &[
            "havnevest-workshop-49@havnevest.no",
            "--strategy",
            "phone-call",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = tool(
        &env,
        &[
            "partstat",
            &url,
            "ingrid",
            "secret",
            "havnevest-workshop-49@havnevest.no",
            "ingrid.berg@fjellfjord.no",
        ],
    );
    assert_eq!(got.trim(), r#"{"master": "TENTATIVE"}"#);

    // One instance of a series: an override holds the answer; the series keeps its own.
    let o = reply_and_send(
        &cfg,
        &data,
        // (its written update has lines left for the user: sent anyway)
        &[
            "lofoten-status@lofotensjomat.no",
            "--at",
            "2026-12-02",
            "--force",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_str(&tool(
        &env,
        &[
            "partstat",
            &url,
            "ingrid",
            "secret",
            "lofoten-status@lofotensjomat.no",
            "ingrid.berg@fjellfjord.no",
        ],
    ))
    .unwrap();
    assert_eq!(got["master"], "ACCEPTED");
    assert_eq!(got["2026-12-02T09:00:00Z"], "DECLINED", "{got}");

    // Triage now sees the declined instance as not taking my time.
    let o = neitakk(
        &cfg,
        &data,
        "secret",
        &["triage", "caldav", "--week", "2026-W49", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!doc["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["uid"] == "lofoten-status@lofotensjomat.no"));
}

/// Starts the misbehaving proxy in front of Radicale; returns it and its port.
fn proxy(env: &Env, mode: &str) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let mut child = Command::new(&env.python)
        .arg(root().join("tests/python/flaky_proxy.py"))
        .args([&port, &env.caldav_port, mode])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "ready");
    (child, port)
}

#[test]
fn a_412_is_read_again_and_a_500_is_a_clear_error() {
    let Some(env) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (url, cfg) = setup(&env, dir.path(), "flaky");
    let data = dir.path().join("data");

    let (mut changed, port) = proxy(&env, "412");
    point_caldav_at(&cfg, &port);
    let o = reply_and_send(&cfg, &data, &["tindra-logo@tindra.no"]);
    changed.kill().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = tool(
        &env,
        &[
            "partstat",
            &url,
            "ingrid",
            "secret",
            "tindra-logo@tindra.no",
            "ingrid.berg@fjellfjord.no",
        ],
    );
    assert_eq!(
        got.trim(),
        r#"{"master": "DECLINED"}"#,
        "the retry after 412 landed"
    );

    let (mut broken, port) = proxy(&env, "500");
    point_caldav_at(&cfg, &port);
    let o = reply_and_send(
        &cfg,
        &data,
        &[
            "havnevest-workshop-49@havnevest.no",
            "--strategy",
            "phone-call",
        ],
    );
    broken.kill().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("answer on the calendar was not updated") && err.contains("500"),
        "{err}"
    );
    assert!(err.contains("sent to"), "the reply itself went out: {err}");
}

#[test]
fn a_scheduling_server_is_told_and_the_words_still_go_by_mail() {
    let Some(env) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (url, cfg) = setup(&env, dir.path(), "scheduling");
    let (mut server, port) = proxy(&env, "schedule");
    point_caldav_at(&cfg, &port);
    let o = reply_and_send(&cfg, &dir.path().join("data"), &["tindra-logo@tindra.no"]);
    server.kill().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("the calendar server also tells the organizer"),
        "{err}"
    );
    assert!(err.contains("sent to"), "the words still go by mail: {err}");
    let got = tool(
        &env,
        &[
            "partstat",
            &url,
            "ingrid",
            "secret",
            "tindra-logo@tindra.no",
            "ingrid.berg@fjellfjord.no",
        ],
    );
    assert_eq!(got.trim(), r#"{"master": "DECLINED"}"#);
}

/// Points the config's CalDAV URL at another port (a proxy).
fn point_caldav_at(cfg: &Path, port: &str) {
    let text = std::fs::read_to_string(cfg).unwrap();
    let at = text.find("url = \"http://127.0.0.1:").unwrap() + "url = \"http://127.0.0.1:".len();
    let old: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let text = text.replace(
        &format!("127.0.0.1:{old}/ingrid"),
        &format!("127.0.0.1:{port}/ingrid"),
    );
    std::fs::write(cfg, text).unwrap();
}
