//! Reading calendars: events, stdin, bad input, config errors, the version.

use crate::common::*;

#[test]
fn events_jsonl_is_exact() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "events",
            "examples/uke49.ics",
            "--from",
            "2026-12-04",
            "--to",
            "2026-12-05",
            "--format",
            "jsonl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"uid":"julebord@fjellfjord.no","recurrence_id":null,"start":"2026-12-04","end":"2026-12-05","all_day":true,"summary":"Julebord"}"#
    );
    assert!(lines.contains(
        &r#"{"uid":"standup-2026@fjellfjord.no","recurrence_id":"2026-12-04T07:30:00Z","start":"2026-12-04T07:30:00Z","end":"2026-12-04T08:00:00Z","all_day":false,"summary":"Internt: morgenmøte"}"#
    ));
    // sorted by start, then uid
    let starts: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["start"].to_string())
        .collect();
    assert!(
        starts.windows(2).skip(1).all(|w| w[0] <= w[1]),
        "{starts:?}"
    );
}

#[test]
fn events_reads_stdin() {
    let data = tempfile::tempdir().unwrap();
    let ics = std::fs::read(root().join("examples/uke49.ics")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .env("NEITAKK_DATA_DIR", data.path())
        .args([
            "events",
            "-",
            "--from",
            "2026-12-03T08:00:00Z",
            "--to",
            "2026-12-03T09:00:00Z",
            "--format",
            "jsonl",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&ics).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
}

/// A UID as written, spaces and all; an event without one has `"uid": ""`,
/// never a name made of the file's path.
#[test]
fn events_jsonl_writes_uids_as_the_file_has_them() {
    let data = tempfile::tempdir().unwrap();
    let fixture = root().join("crates/neitakk-ical/tests/data/real-world/uid-as-written.ics");
    let o = neitakk(
        data.path(),
        &[
            "events",
            fixture.to_str().unwrap(),
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-09",
            "--format",
            "jsonl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&o));
    assert_eq!(lines[0]["uid"], " padded-uid ");
    assert_eq!(lines[1]["uid"], "");
    assert_eq!(lines[1]["summary"], "Uten UID");
    assert!(!stdout(&o).contains("uid-as-written"), "{}", stdout(&o));
}

#[test]
fn version_names_the_tz_database() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(data.path(), &["--version"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(
        text.contains(&format!(
            "tz database {}",
            neitakk_core::tz::DATABASE_VERSION
        )),
        "{text}"
    );
}

#[test]
fn not_a_calendar_exits_2() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "events",
            "Cargo.toml",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-02",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an iCalendar file"),
        "{}",
        stderr(&o)
    );
    let o = neitakk(
        data.path(),
        &[
            "events",
            "no-such-file.ics",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-02",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = neitakk(
        data.path(),
        &[
            "events",
            "examples/uke49.ics",
            "--from",
            "yesterday",
            "--to",
            "2026-12-02",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = neitakk(data.path(), &["triage", "examples/uke49.ics", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    let o = neitakk(
        data.path(),
        &[&["reply", "examples/uke49.ics", "no-such-uid"], WEEK].concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no occurrence of UID 'no-such-uid'"));
}

#[test]
fn a_malformed_line_is_a_warning_with_file_and_line() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ics = std::fs::read_to_string(root().join("examples/uke49.ics"))
        .unwrap()
        .replacen("SUMMARY:Avklaring logo", "SUMMARY Avklaring logo", 1);
    let line = ics
        .lines()
        .position(|l| l.starts_with("SUMMARY Avklaring"))
        .unwrap()
        + 1;
    let path = dir.path().join("broken.ics");
    std::fs::write(&path, ics).unwrap();
    let o = neitakk(
        data.path(),
        &[
            "events",
            path.to_str().unwrap(),
            "--from",
            "2026-12-02",
            "--to",
            "2026-12-03",
            "--format",
            "jsonl",
        ],
    );
    assert!(o.status.success());
    assert!(
        stderr(&o).contains(&format!("broken.ics:{line}: malformed line skipped")),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("tindra-logo@tindra.no"),
        "the event itself is kept"
    );
}

#[test]
fn config_errors_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("neitakk.toml");
    std::fs::write(&cfg, "[profile]\nname = \"X\"\nweekly_cap_hourz = 3\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .args(["--config", cfg.to_str().unwrap(), "clients", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("neitakk.toml:3") && err.contains("weekly_cap_hourz"),
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .args(["--config", "/nonexistent/neitakk.toml", "clients", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("neitakk init"));
}
