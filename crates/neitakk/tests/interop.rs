//! Drafts for every strategy, checked by independent implementations:
//! Python's `email` package and `icalendar` (tests/python/validate_imip.py).
//! `scripts/test` installs them and sets NEITAKK_TEST_PYTHON.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::process::Command;

/// The example week as seen on its Monday morning: every test pins its time.
const MONDAY: &str = "2026-11-30T07:00:00+01:00";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python to check with; outside `scripts/test` the check is skipped
/// with a note, except on CI where it must run.
fn python() -> Option<String> {
    match std::env::var("NEITAKK_TEST_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("NEITAKK_TEST_PYTHON is not set: run scripts/test")
        }
        _ => {
            eprintln!("skipped: NEITAKK_TEST_PYTHON is not set (scripts/test sets it)");
            None
        }
    }
}

#[test]
fn every_strategy_parses_in_python() {
    let Some(python) = python() else { return };
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("tindra-logo@tindra.no", &["--strategy", "attend"]),
        (
            "havnevest-workshop-49@havnevest.no",
            &["--strategy", "phone-call"],
        ),
        (
            "havnevest-workshop-49@havnevest.no",
            &["--strategy", "shorten", "--minutes", "60"],
        ),
        (
            "havnevest-workshop-49@havnevest.no",
            &["--strategy", "shorter-call"],
        ),
        (
            "havnevest-workshop-49@havnevest.no",
            &["--strategy", "email-for-now"],
        ),
        (
            "havnevest-oppfolging@havnevest.no",
            &["--strategy", "reschedule"],
        ),
        (
            "havnevest-workshop-49@havnevest.no",
            &["--strategy", "decline"],
        ),
        (
            "havnevest-workshop-49@havnevest.no",
            &[
                "--strategy",
                "delegate",
                "--delegate-to",
                "lise.moen@fjellfjord.no",
            ],
        ),
        ("skagerrak-risiko@fjellfjord.no", &["--strategy", "bow-out"]),
        (
            "lofoten-status@lofotensjomat.no",
            &["--series", "--every", "2", "--at", "2026-12-02"],
        ),
        (
            "nordlys-status@nordlysenergi.no",
            &["--series", "--strategy", "shorten"],
        ),
        (
            "lofoten-status@lofotensjomat.no",
            &["--series", "--strategy", "decline", "--at", "2026-12-02"],
        ),
        ("northwind-qbr@northwindlogistics.com", &[]),
        (
            "nordlys-status@nordlysenergi.no",
            &["--strategy", "shorten", "--at", "2026-11-30T08:00:00Z"],
        ),
    ];
    for (uid, extra) in cases {
        let o = Command::new(env!("CARGO_BIN_EXE_neitakk"))
            .env("NEITAKK_NOW", MONDAY)
            .current_dir(root())
            .env("NEITAKK_DATA_DIR", data.path())
            .args([
                "--config",
                "examples/neitakk.toml",
                "reply",
                "examples/uke49.ics",
                uid,
            ])
            .args([
                "--from",
                "2026-11-30",
                "--to",
                "2026-12-07",
                "--out",
                out.path().to_str().unwrap(),
            ])
            .args(*extra)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{uid} {extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let drafts: Vec<PathBuf> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(drafts.len() >= cases.len() + 3, "{drafts:?}");
    let o = Command::new(python)
        .arg(root().join("tests/python/validate_imip.py"))
        .arg(root().join("examples/uke49.ics"))
        .args(&drafts)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // every method was seen
    for method in ["REPLY", "COUNTER", "REQUEST", "plain"] {
        assert!(
            report.contains(&format!(": {method}")),
            "no {method} in:\n{report}"
        );
    }
}
