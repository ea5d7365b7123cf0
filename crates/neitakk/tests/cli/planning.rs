//! The plan: freeing hours of a week, its drafts and chart.

use crate::common::*;

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

/// The command line's windows are bounded too: a plan is for one week, and
/// triage and events read at most a year.
#[test]
fn windows_are_bounded() {
    let data = tempfile::tempdir().unwrap();
    for (args, limit) in [
        (
            &[
                "plan",
                "examples/uke49.ics",
                "--free",
                "1h",
                "--from",
                "2026-11-30",
                "--to",
                "2026-12-14",
            ][..],
            "at most 7 days",
        ),
        (
            &[
                "triage",
                "examples/uke49.ics",
                "--from",
                "1901-01-01",
                "--to",
                "2199-12-31",
            ][..],
            "at most 366 days",
        ),
        (
            &[
                "events",
                "examples/uke49.ics",
                "--from",
                "2026-01-01",
                "--to",
                "2028-01-01",
            ][..],
            "at most 366 days",
        ),
    ] {
        let o = neitakk(data.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(limit), "{args:?}: {}", stderr(&o));
    }
}
