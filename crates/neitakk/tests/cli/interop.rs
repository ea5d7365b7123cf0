//! Drafts for every strategy, checked by independent implementations:
//! Python's `email` package and `icalendar` (tests/python/validate_imip.py).
//! `scripts/test` installs them and sets NEITAKK_TEST_PYTHON.

use crate::common::*;

/// The Python to check with.
fn python() -> Option<String> {
    peer(&["NEITAKK_TEST_PYTHON"], "Python checker").map(|mut v| v.remove(0))
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
