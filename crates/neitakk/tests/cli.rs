//! The binary, run as a user runs it, on the bundled example and on bad input.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example week as seen on its Monday morning: every test pins its time.
const MONDAY: &str = "2026-11-30T07:00:00+01:00";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs neitakk with the example config and a private data folder, on the
/// example week's Monday morning.
fn neitakk(data: &Path, args: &[&str]) -> Output {
    neitakk_at(data, MONDAY, args)
}

/// The same, as of `now`.
fn neitakk_at(data: &Path, now: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", now)
        .current_dir(root())
        .env("NEITAKK_DATA_DIR", data)
        .env_remove("NEITAKK_CONFIG")
        .args(["--config", "examples/neitakk.toml"])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// One meeting of the example week's triage, as JSON.
fn triaged(data: &Path, uid: &str) -> serde_json::Value {
    let o = neitakk(
        data,
        &[
            "triage",
            "examples/uke49.ics",
            "--week",
            "2026-W49",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    doc["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["uid"] == uid)
        .unwrap()
        .clone()
}

const WEEK: &[&str] = &["--from", "2026-11-30", "--to", "2026-12-07"];

#[test]
fn triage_of_the_example_shows_every_strategy() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "triage",
            "examples/uke49.ics",
            "--week",
            "2026-W49",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let meetings = doc["meetings"].as_array().unwrap();
    let strategy = |uid: &str| {
        meetings
            .iter()
            .find(|m| m["uid"] == uid)
            .map(|m| m["strategy"].clone())
            .unwrap_or_default()
    };
    assert_eq!(strategy("nordlys-status@nordlysenergi.no"), "attend");
    assert_eq!(strategy("havnevest-workshop-49@havnevest.no"), "phone-call");
    assert_eq!(strategy("skagerrak-risiko@fjellfjord.no"), "bow-out");
    assert_eq!(strategy("northwind-qbr@northwindlogistics.com"), "shorten");
    assert_eq!(strategy("lofoten-status@lofotensjomat.no"), "email-for-now");
    assert_eq!(strategy("tindra-logo@tindra.no"), "decline");
    assert_eq!(strategy("havnevest-oppfolging@havnevest.no"), "reschedule");
    assert_eq!(
        strategy("budsjett-2027@fjellfjord.no"),
        serde_json::Value::Null,
        "internal: no strategy"
    );
    for m in meetings {
        for key in [
            "uid",
            "recurrence_id",
            "start",
            "end",
            "summary",
            "client",
            "weight",
            "strategy",
            "alternatives",
            "minutes_freed",
            "risk",
            "reasons",
            "trail",
        ] {
            assert!(m.get(key).is_some(), "{key} missing in {m}");
        }
    }
    assert_eq!(doc["weeks"][0]["week"], "2026-W49");
    assert_eq!(doc["weeks"][0]["meeting_minutes"], 1035);
    assert_eq!(doc["weeks"][0]["travel_minutes"], 190);
    assert_eq!(doc["weeks"][0]["load_minutes"], 1225);
    assert_eq!(doc["weeks"][0]["over_cap_minutes"], 0);

    let table = neitakk(
        data.path(),
        &["triage", "examples/uke49.ics", "--week", "2026-W49"],
    );
    let text = stdout(&table);
    assert!(
        text.contains("Uke 49: 20,4 t (17,2 t i møter og 3,2 t reise) mot et tak på 15,0 t.")
            && text.contains("og da er uka under taket."),
        "{text}"
    );
}

/// The week is over its cap, but the meetings' own reasons and one video
/// call bring it under: no meeting is declined for the full week alone.
#[test]
fn no_decline_when_gentler_changes_bring_the_week_under_its_cap() {
    let data = tempfile::tempdir().unwrap();
    // The example with Tindra's seat required rather than optional.
    let ics = std::fs::read_to_string(root().join("examples/uke49.ics"))
        .unwrap()
        .replace("ROLE=OPT-PARTICIPANT", "ROLE=REQ-PARTICIPANT");
    let mut child = Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", MONDAY)
        .current_dir(root())
        .env("NEITAKK_DATA_DIR", data.path())
        .args([
            "--config",
            "examples/neitakk.toml",
            "triage",
            "-",
            "--week",
            "2026-W49",
        ])
        .args(["--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let meetings = doc["meetings"].as_array().unwrap();
    let tindra = meetings
        .iter()
        .find(|m| m["uid"] == "tindra-logo@tindra.no")
        .unwrap();
    assert_eq!(tindra["strategy"], "attend", "{tindra}");
    assert!(
        tindra["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["step"] == "week-under-cap"),
        "{tindra}"
    );
    assert!(
        meetings.iter().all(|m| m["strategy"] != "decline"),
        "{meetings:?}"
    );
    assert_eq!(doc["weeks"][0]["over_cap_minutes"], 0);
}

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

/// As the README shows it: `reply` on any of the example's meetings, with
/// no `--at` and no window, finds the meeting ahead and never calls it over.
#[test]
fn every_example_meeting_is_ahead_on_its_monday_morning() {
    let data = tempfile::tempdir().unwrap();
    let ics = std::fs::read_to_string(root().join("examples/uke49.ics")).unwrap();
    let uids: Vec<&str> = ics
        .lines()
        .filter_map(|l| l.trim_end().strip_prefix("UID:"))
        .collect();
    assert!(uids.len() >= 10, "{uids:?}");
    for uid in uids {
        let o = neitakk(data.path(), &["explain", "examples/uke49.ics", uid]);
        assert!(o.status.success(), "{uid}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("nothing to answer"),
            "{uid}: {}",
            stderr(&o)
        );
    }
    let o = neitakk(
        data.path(),
        &[
            "reply",
            "examples/uke49.ics",
            "havnevest-workshop-49@havnevest.no",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("nothing to answer"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Workshop: ny kundeportal"),
        "{}",
        stdout(&o)
    );
    // The same meeting a week later is over, and says so.
    let o = neitakk_at(
        data.path(),
        "2026-12-07T07:00:00+01:00",
        &[
            "explain",
            "examples/uke49.ics",
            "havnevest-workshop-49@havnevest.no",
        ],
    );
    assert!(stderr(&o).contains("nothing to answer"), "{}", stderr(&o));
    // --now must name its zone: a bare local time is refused as bad input.
    let o = neitakk(
        data.path(),
        &["--now", "2026-11-30T07:00", "clients", "list"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("RFC 3339"), "{}", stderr(&o));
}

#[test]
fn a_meeting_that_is_over_gets_no_answer() {
    let data = tempfile::tempdir().unwrap();
    // Monday's Nordlys status is over by half past ten: the next one is named.
    let o = neitakk_at(
        data.path(),
        "2026-11-30T10:30:00+01:00",
        &[
            "reply",
            "examples/uke49.ics",
            "nordlys-status@nordlysenergi.no",
            "--at",
            "2026-11-30",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("nothing to answer"), "{err}");
    assert!(err.contains("Monday 7 December at 09:00"), "{err}");
    assert!(err.contains("--at 2026-12-07T09:00"), "{err}");
    // Without --at the next one is answered.
    let o = neitakk_at(
        data.path(),
        "2026-11-30T10:30:00+01:00",
        &[
            "reply",
            "examples/uke49.ics",
            "nordlys-status@nordlysenergi.no",
            "--strategy",
            "shorten",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("7. desember"), "{}", stdout(&o));
    // A single meeting that is over has no later one.
    let o = neitakk_at(
        data.path(),
        "2026-12-07T07:00:00+01:00",
        &[
            "reply",
            "examples/uke49.ics",
            "havnevest-workshop-49@havnevest.no",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no later one"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no message written: {}", stdout(&o));
}

#[test]
fn explain_gives_facts_trail_and_alternatives() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            &[
                "explain",
                "examples/uke49.ics",
                "havnevest-workshop-49@havnevest.no",
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "Fakta",
        "reise (hver vei)                 45 min",
        "Begrunnelse",
        "ukeplanen frigjør det med minst mulig risiko",
        "Anbefalt: telefon/video (90 min",
        "alternativ",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}

#[test]
fn reply_writes_drafts_and_journals_them_and_memory_follows() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "northwind-qbr@northwindlogistics.com",
                "--out",
                out_dir,
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let path = stdout(&o).trim().to_owned();
    let eml = std::fs::read_to_string(&path).unwrap();
    assert!(
        eml.contains("To: emma.clarke@northwindlogistics.com"),
        "{eml}"
    );
    assert!(
        eml.contains("Subject: Suggestion: a shorter meeting"),
        "English for an English client:\n{eml}"
    );
    assert!(eml.contains("Message-ID: <"));

    // Limits are counted per other meeting of the client: a meeting decided again does not count against itself.
    for _ in 0..3 {
        let o = neitakk(
            data.path(),
            &[
                &[
                    "reply",
                    "examples/uke49.ics",
                    "havnevest-workshop-49@havnevest.no",
                    "--strategy",
                    "phone-call",
                    "--at",
                    "2026-11-30T12:00:00Z",
                    "--out",
                    out_dir,
                ],
                WEEK,
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let ws = triaged(data.path(), "havnevest-workshop-49@havnevest.no");
    // the same meeting journaled three times counts once: no memory step yet
    assert_eq!(ws["strategy"], "phone-call");
    assert_eq!(ws["risk"], "very-low");
    // a second Havnevest meeting limited: every risk for Havnevest goes up one step
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "havnevest-oppfolging@havnevest.no",
                "--out",
                out_dir,
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ws = triaged(data.path(), "havnevest-workshop-49@havnevest.no");
    // The workshop counts the follow-up, not its own earlier drafts. The
    // week's plan would limit Havnevest a second time within 30 days, so
    // the call's risk goes up one step, and the trail says why.
    assert_eq!(ws["facts"]["recent_limits"], 1, "{ws}");
    assert_eq!(ws["strategy"], "phone-call", "{ws}");
    assert_eq!(ws["risk"], "low", "{ws}");
    assert!(
        ws["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["step"] == "memory-raises" && s["recent"] == 2),
        "{ws}"
    );
    let follow_up = triaged(data.path(), "havnevest-oppfolging@havnevest.no");
    assert_eq!(follow_up["facts"]["recent_limits"], 1, "{follow_up}");
    let journal = neitakk(data.path(), &["journal", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&journal))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn reply_prints_the_briefing_for_bow_out_and_a_preview_is_not_journaled() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "skagerrak-risiko@fjellfjord.no",
                "--note",
                "Vi anbefaler modell B.",
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("To: silje.dahl@skagerrakbank.no"), "{text}");
    assert!(text.contains("To: ola.hansen@fjellfjord.no"), "{text}");
    assert!(text.contains("Vi anbefaler modell B."));
    let journal = neitakk(data.path(), &["journal", "--format", "json"]);
    assert_eq!(stdout(&journal).trim(), "[]");
}

#[test]
fn forced_strategies_that_cannot_be_honest_are_refused() {
    let data = tempfile::tempdir().unwrap();
    for (uid, args, why) in [
        (
            "tindra-logo@tindra.no",
            &["--strategy", "phone-call"][..],
            "saves nothing",
        ),
        (
            "tindra-logo@tindra.no",
            &["--strategy", "shorten"][..],
            "no longer than it needs",
        ),
        (
            "northwind-qbr@northwindlogistics.com",
            &["--minutes", "90"][..],
            "not shorter than the 90-minute meeting",
        ),
        (
            "budsjett-2027@fjellfjord.no",
            &[][..],
            "you organize this meeting",
        ),
    ] {
        let o = neitakk(
            data.path(),
            &[&["reply", "examples/uke49.ics", uid], args, WEEK].concat(),
        );
        assert_eq!(o.status.code(), Some(2), "{uid} {args:?}");
        assert!(stderr(&o).contains(why), "{uid}: {}", stderr(&o));
    }
    // attending a meeting already accepted: nothing to send
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "nordlys-kontrakt@nordlysenergi.no",
            ][..],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success() && stdout(&o).is_empty());
    assert!(stderr(&o).contains("nothing to send"), "{}", stderr(&o));
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "nordlys-kontrakt@nordlysenergi.no",
                "--strategy",
                "decline",
            ][..],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success());
    assert!(stderr(&o).contains("high risk"), "{}", stderr(&o));
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

#[test]
fn init_then_import_clients_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let bin = env!("CARGO_BIN_EXE_neitakk");
    assert!(Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args(["init", "--dir", d])
        .output()
        .unwrap()
        .status
        .success());
    assert_eq!(
        Command::new(bin)
            .env("NEITAKK_NOW", MONDAY)
            .args(["init", "--dir", d])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2),
        "no overwrite"
    );
    let cfg = dir.path().join("neitakk.toml");
    let csv = dir.path().join("crm.csv");
    std::fs::write(&csv, "Name,Domains,Revenue,Language,Tier\nAcme AS,acme.no;acme.com,500000,nb,\nExample AS,example.no,1,nb,\nBeta Ltd,beta.co.uk,\"2,000,000\",en,minor\n").unwrap();
    let o = Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "clients",
            "import",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 clients added"), "{}", stderr(&o));
    let o = Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "clients",
            "list",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["client"]["name"].as_str().unwrap().to_owned(),
                c["weight"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Beta is the largest (so Example ranks below half the revenue), but its tier is set by hand
    assert_eq!(
        names,
        [
            ("Example AS".into(), "regular".into()),
            ("Acme AS".into(), "minor".into()),
            ("Beta Ltd".into(), "minor".into())
        ]
    );
    std::fs::write(&csv, "Name,Revenue\nBad,lots\n").unwrap();
    let o = Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "clients",
            "import",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("crm.csv:2: column 'Revenue'"),
        "{}",
        stderr(&o)
    );
}

/// Exports as CRMs and spreadsheets write them, in Norwegian and English.
#[test]
fn clients_come_from_the_crm_people_have() {
    let dir = tempfile::tempdir().unwrap();
    let import = |csv: &str, extra: &[&str]| {
        let file = dir.path().join("export.csv");
        let out = dir.path().join("clients.toml");
        let _ = std::fs::remove_file(&out);
        std::fs::write(&file, csv).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_neitakk"))
            .env("NEITAKK_NOW", MONDAY)
            .env_remove("NEITAKK_CONFIG")
            .env("XDG_CONFIG_HOME", dir.path())
            .env("HOME", dir.path())
            .args(["clients", "import", file.to_str().unwrap(), "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        let toml = std::fs::read_to_string(&out).unwrap_or_default();
        (o, toml)
    };
    // A Norwegian export (Tripletex, SuperOffice), with a BOM and semicolons.
    let (o, toml) = import(
        "\u{feff}Kunde;Domene;Omsetning;Kontaktperson;Kundeansvarlig;Org.nr.\n\
         Havnevest AS;havnevest.no;2 500 000;Per Olsen;ola.hansen@fjellfjord.no;912345678\n",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "columns used: Kunde → name, Domene → domains, Omsetning → revenue, \
             Kontaktperson → contact, Kundeansvarlig → account_manager_name; left: Org.nr."
        ),
        "{}",
        stderr(&o)
    );
    for line in [
        "name = \"Havnevest AS\"",
        "domains = [\"havnevest.no\"]",
        "revenue = 2500000.0",
        "contact = \"Per Olsen\"",
        "account_manager = \"ola.hansen@fjellfjord.no\"",
    ] {
        assert!(toml.contains(line), "{line} in\n{toml}");
    }
    // HubSpot's and Salesforce's names; the domain from the website.
    let (o, toml) = import(
        "Company name,Website URL,Annual Revenue,Company owner\n\
         Northwind Logistics,https://www.northwindlogistics.com/about,\"1,200,000\",Ola Hansen\n",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        toml.contains("domains = [\"northwindlogistics.com\"]"),
        "{toml}"
    );
    assert!(
        toml.contains("account_manager_name = \"Ola Hansen\""),
        "{toml}"
    );
    let (o, toml) = import("Account Name,Email\nTindra Design,jonas@tindra.no\n", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        toml.contains("domains = [\"tindra.no\"]"),
        "the domain from the e-mail: {toml}"
    );
    // Anything else is named with --map; a name column is needed.
    let csv = "Kundenr;Betegnelse;Nettsted\n1;Bryggen Bakeri;bryggenbakeri.no\n";
    let (o, _) = import(csv, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--map name=COLUMN"), "{}", stderr(&o));
    let (o, toml) = import(csv, &["--map", "name=Betegnelse"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(toml.contains("name = \"Bryggen Bakeri\""), "{toml}");
    assert!(toml.contains("domains = [\"bryggenbakeri.no\"]"), "{toml}");
    let (o, _) = import(csv, &["--map", "name=Navn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no column 'Navn'"), "{}", stderr(&o));
}

#[test]
fn a_reply_to_an_emailed_invitation_threads_and_respects_no_counter() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "reply",
            "crates/neitakk/tests/data/invitation.eml",
            "040000008200E00074C5B7101A82E008-invite-1",
            "--strategy",
            "shorten",
            "--from",
            "2026-11-30",
            "--to",
            "2026-12-07",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let eml = std::fs::read_to_string(stdout(&o).trim()).unwrap();
    assert!(
        eml.contains("In-Reply-To: <invite-1@havnevest.no>"),
        "{eml}"
    );
    assert!(eml.contains("References: <invite-1@havnevest.no>"));
    // Outlook forbade proposals: a tentative REPLY carries the proposal in its text.
    assert!(eml.contains("method=REPLY"), "{eml}");
}

#[test]
fn plan_frees_the_time_at_the_least_risk_or_says_the_most() {
    let data = tempfile::tempdir().unwrap();
    let plan = |extra: &[&str]| {
        let o = neitakk(
            data.path(),
            &[
                &[
                    "plan",
                    "examples/uke49.ics",
                    "--week",
                    "2026-W49",
                    "--format",
                    "json",
                ][..],
                extra,
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let p = plan(&["--free", "4h"]);
    assert_eq!(p["reached"], true);
    assert!(p["minutes_freed"].as_u64().unwrap() >= 240);
    let strategy = |p: &serde_json::Value, uid: &str| {
        p["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["uid"] == uid)
            .unwrap()["strategy"]
            .clone()
    };
    // the key client's meetings are kept when there is another way
    assert_eq!(strategy(&p, "nordlys-kontrakt@nordlysenergi.no"), "attend");
    let kept = plan(&["--free", "4h", "--keep", "havnevest"]);
    assert_eq!(
        strategy(&kept, "havnevest-workshop-49@havnevest.no"),
        "attend"
    );
    let safe = plan(&["--free", "4h", "--max-risk", "very-low"]);
    assert!(safe["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["risk"].is_null() || m["risk"] == "very-low"));
    let too_much = plan(&["--free", "40h"]);
    assert_eq!(too_much["reached"], false);
    assert!(too_much["minutes_freed"].as_u64().unwrap() > 0);
    let text = neitakk(
        data.path(),
        &[
            "plan",
            "examples/uke49.ics",
            "--week",
            "2026-W49",
            "--free",
            "40h",
        ],
    );
    assert!(stdout(&text).contains("kan ikke nås"), "{}", stdout(&text));
    let bad = neitakk(
        data.path(),
        &[
            "plan",
            "examples/uke49.ics",
            "--free",
            "4h",
            "--keep",
            "Nobody",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn load_shows_weeks_travel_focus_and_clients() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "load",
            "examples/uke49.ics",
            "--weeks",
            "6",
            "--through",
            "2026-W49",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let weeks = doc["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 6);
    let w49 = &weeks[5];
    assert_eq!(w49["week"], "2026-W49");
    // 1035 minutes of meetings in all, as triage counts them
    assert_eq!(
        w49["client_minutes"].as_u64().unwrap() + w49["internal_minutes"].as_u64().unwrap(),
        1035
    );
    // travel: the Havnevest workshop (45 each way), Skagerrak (20) and Nordlys (30)
    assert_eq!(w49["travel_minutes"], 190);
    // working hours less the union of meetings and travel (a clash, or travel
    // during the stand-up, counts once; the trip home after 16.00 not at all)
    assert_eq!(w49["focus_minutes"], 5 * 8 * 60 - 1040);
    assert_eq!(doc["clients"][0]["client"], "Nordlys Energi");
    let table = neitakk(
        data.path(),
        &[
            "load",
            "examples/uke49.ics",
            "--weeks",
            "2",
            "--through",
            "2026-W49",
        ],
    );
    assert!(stdout(&table).contains("│"), "{}", stdout(&table));
}

#[test]
fn series_finds_the_repetitive_ones_with_what_they_would_free() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "series",
            "examples/uke49.ics",
            "--weeks",
            "8",
            "--through",
            "2026-W49",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let found: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let nordlys = found
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uid"] == "nordlys-status@nordlysenergi.no")
        .unwrap();
    assert_eq!(nordlys["kind"], "series");
    assert_eq!(nordlys["repetitive"], true);
    assert_eq!(
        nordlys["since"], "2026-10-05T07:00:00Z",
        "the series' own start"
    );
    assert_eq!(
        nordlys["offers"][0],
        serde_json::json!({"change": "every-other", "hours_per_quarter": 6.5})
    );
    let lofoten = found
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uid"] == "lofoten-status@lofotensjomat.no")
        .unwrap();
    assert_eq!(lofoten["repetitive"], true, "every week since November");
}

#[test]
fn load_charts_are_well_formed_svg_and_png() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("load.svg");
    let png = dir.path().join("load.png");
    let args = [
        "load",
        "examples/uke49.ics",
        "--weeks",
        "6",
        "--through",
        "2026-W49",
        "--format",
        "json",
        "--chart",
    ];
    let o = neitakk(data.path(), &[&args[..], &[svg.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let parts: usize = doc["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["by_client"].as_object().unwrap().len() + 1)
        .sum();
    let text = std::fs::read_to_string(&svg).unwrap();
    let xml = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let rects = xml.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert!(rects >= parts, "{rects} rects for {parts} bar parts");
    let labels: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for expected in ["Møtetimer per uke", "W44", "W49", "Nordlys Energi", "tak"] {
        assert!(
            labels.iter().any(|l| l.contains(expected)),
            "no '{expected}' in {labels:?}"
        );
    }
    let o = neitakk(data.path(), &[&args[..], &[png.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let image = image::open(&png).expect("a PNG that decodes");
    assert_eq!((image.width(), image.height()), (960, 540));
    let bad = neitakk(data.path(), &[&args[..], &["chart.gif"]].concat());
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn plan_writes_every_draft_in_one_go_and_a_before_after_chart() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("outbox");
    let chart = dir.path().join("plan.svg");
    let o = neitakk(
        data.path(),
        &[
            "plan",
            "examples/uke49.ics",
            "--week",
            "2026-W49",
            "--free",
            "5h",
            "--out",
            out.to_str().unwrap(),
            "--chart",
            chart.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json = stdout(&o);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("only JSON on stdout");
    let limited: Vec<&serde_json::Value> = doc["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["strategy"] != "attend")
        .collect();
    assert!(!limited.is_empty());
    let drafts: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for m in &limited {
        let kind = m["strategy"].as_str().unwrap();
        assert!(
            drafts.iter().any(|d| d.ends_with(&format!("-{kind}.eml"))),
            "no {kind} draft in {drafts:?}"
        );
    }
    let svg = std::fs::read_to_string(&chart).unwrap();
    let xml = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = xml.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts.iter().any(|t| t.contains("etter planen")),
        "{texts:?}"
    );
}

#[test]
fn delegating_checks_who_and_warns_when_they_are_busy() {
    let data = tempfile::tempdir().unwrap();
    let delegate = |to: &str| {
        neitakk(
            data.path(),
            &[
                &[
                    "reply",
                    "examples/uke49.ics",
                    "havnevest-oppfolging@havnevest.no",
                    "--strategy",
                    "delegate",
                    "--delegate-to",
                    to,
                ][..],
                WEEK,
            ]
            .concat(),
        )
    };
    for (to, why) in [
        ("ingrid.berg@fjellfjord.no", "yourself"),
        ("per.olsen@havnevest.no", "organizes"),
        ("foo", "not an e-mail"),
    ] {
        let o = delegate(to);
        assert_eq!(o.status.code(), Some(2), "{to}");
        assert!(stderr(&o).contains(why), "{to}: {}", stderr(&o));
    }
    let o = delegate("Lise Moen <Lise.Moen@fjellfjord.no>");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is also in 'Internt: budsjett 2027'"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("Jeg har bedt Lise om å møte i mitt sted"),
        "{}",
        stdout(&o)
    );
}

/// `neitakk serve` with no configuration at all: SQLite and the server key
/// in the data folder, the address it serves and a setup link on stdout.
#[test]
fn serve_with_no_configuration() {
    use std::io::{BufRead, Read, Write};
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_neitakk"))
        // The one test of the default clock: it reads the system time.
        .env_remove("NEITAKK_NOW")
        .env_remove("NEITAKK_CONFIG")
        .env_remove("NEITAKK_DATABASE_URL")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("NEITAKK_DATA_DIR", data.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let link = loop {
        let line = lines.next().expect("the server stopped").unwrap();
        said.push(line.clone());
        if let Some(at) = line.find("http://127.0.0.1:") {
            if line.contains("/setup/") {
                break line[at..].trim().to_owned();
            }
        }
    };
    assert!(
        said[0].starts_with("neitakk serves http://127.0.0.1:"),
        "{said:?}"
    );
    assert!(!said[0].contains(":0/"), "the port bound, not 0: {said:?}");
    let rest = link.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Set up neitakk"), "{page}");
    assert!(data.path().join("server.sqlite").exists());
    assert!(data.path().join("server.key").exists());
}
