//! The advice: triage, explain, load and series of the example week.

use crate::common::*;

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
