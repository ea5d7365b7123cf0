//! Replies read by independent implementations: applied by sabre/vobject's
//! `ITip\Broker`, which Nextcloud and SabreDAV use, in its current release
//! and in the one many Nextcloud installs still run. Each reply must leave
//! the organizer's calendar showing the replier once per event, with the
//! answer on the right instances. And read by ical.js (Thunderbird's
//! parser) and Python's icalendar: every payload, COUNTERs included, says
//! what it means to say.

use crate::common::*;
use mail_parser::MimeHeaders;

const ME: &str = "ingrid.berg@fjellfjord.no";
const VERSIONS: [&str; 2] = ["4.6.0", "4.5.4"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/itip/{name}"))
}

/// sabre's `itip.php` (scripts/test points at it and installs PHP).
fn sabre() -> Option<String> {
    peer(&["NEITAKK_TEST_SABRE"], "sabre/vobject").map(|mut v| v.remove(0))
}

/// The iTIP payload of the reply neitakk writes to the organizer.
fn reply(file: &Path, uid: &str, args: &[&str]) -> String {
    payload(file, uid, args, "REPLY")
}

/// The payload with `method` of the messages neitakk writes.
fn payload(file: &Path, uid: &str, args: &[&str], method: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .current_dir(root())
        .env("NEITAKK_NOW", MONDAY)
        .env("NEITAKK_DATA_DIR", data.path())
        .args(["--config", "examples/neitakk.toml", "reply"])
        .arg(file)
        .arg(uid)
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{uid} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mail = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        for part in mail.parts.iter() {
            let is_reply = part.content_type().is_some_and(|ct| {
                ct.c_type.eq_ignore_ascii_case("text")
                    && ct
                        .subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
            });
            let text = part.text_contents().unwrap_or_default();
            if is_reply && text.contains(&format!("METHOD:{method}\r\n")) {
                return text.to_owned();
            }
        }
    }
    panic!("{uid} {args:?}: no {method} was written");
}

/// The organizer's calendar after sabre applied `message`.
fn applied(sabre: &str, version: &str, message: &str, organizer_copy: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.ics");
    std::fs::write(&path, message).unwrap();
    let o = Command::new("php")
        .arg(sabre)
        .args(["--vobject", version])
        .arg(&path)
        .arg(organizer_copy)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sabre {version} did not apply the reply ({}):\n{message}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The organizer's calendar after `message` was applied as Nextcloud's
/// calendar manager applies an iMIP REPLY (tests/php/nextcloud_reply.php):
/// unlike the shared itip.php, it takes a REPLY that names more than one
/// ATTENDEE, as a delegation's answer does.
fn applied_by_nextcloud(sabre: &str, version: &str, message: &str, copy: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.ics");
    std::fs::write(&path, message).unwrap();
    let o = Command::new("php")
        .arg(root().join("tests/php/nextcloud_reply.php"))
        .arg(Path::new(sabre).parent().unwrap())
        .arg(version)
        .arg(&path)
        .arg(copy)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sabre {version} did not apply the reply ({}):\n{message}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Per VEVENT of a calendar: its RECURRENCE-ID value (None for the master)
/// and the PARTSTAT of each ATTENDEE line that is me.
fn my_answers(calendar: &str) -> Vec<(Option<String>, Vec<String>)> {
    let text = calendar.replace("\r\n ", "").replace("\n ", "");
    let mut out = Vec::new();
    for event in text.split("BEGIN:VEVENT").skip(1) {
        let event = event.split("END:VEVENT").next().unwrap();
        let mut rid = None;
        let mut mine = Vec::new();
        for line in event.lines() {
            // The value after the last colon: these values hold none.
            let Some((head, value)) = line.trim_end().rsplit_once(':') else {
                continue;
            };
            if head.starts_with("RECURRENCE-ID") {
                rid = Some(value.to_owned());
            }
            if head.starts_with("ATTENDEE") && value.eq_ignore_ascii_case(ME) {
                let partstat = head
                    .split(';')
                    .find_map(|p| p.strip_prefix("PARTSTAT="))
                    .unwrap_or("NEEDS-ACTION");
                mine.push(partstat.to_owned());
            }
        }
        out.push((rid, mine));
    }
    out
}

/// Checks that `calendar` shows me once per event, `want` on the instances
/// named (None: the master), and `rest` on every other event.
fn check(calendar: &str, want: &[(Option<&str>, &str)], rest: &str, case: &str) {
    let answers = my_answers(calendar);
    for (rid, mine) in &answers {
        assert_eq!(mine.len(), 1, "{case}: me once in {rid:?}:\n{calendar}");
        let expected = want
            .iter()
            .find(|(r, _)| r.map(str::to_owned) == *rid)
            .map_or(rest, |(_, p)| p);
        assert_eq!(mine[0], expected, "{case}: {rid:?}:\n{calendar}");
    }
    for (rid, _) in want {
        assert!(
            answers.iter().any(|(r, _)| r.as_deref() == *rid),
            "{case}: no event for {rid:?}:\n{calendar}"
        );
    }
}

const OUTLOOK_SERIES: &str =
    "040000008200E00074C5B7101A82E00800000000B0C4A6A1F2ADD801000000000000000010000000";
const OUTLOOK_SINGLE: &str =
    "040000008200E00074C5B7101A82E0080000000090F1D3A1F2ADD801000000000000000010000000";
const GOOGLE_SERIES: &str = "5ul0n8qjk6v1d0s3m9h2c4r7f1@google.com";

/// Each strategy that answers with a REPLY, and the PARTSTAT it carries.
const STRATEGIES: [(&str, &str); 4] = [
    ("attend", "ACCEPTED"),
    ("email-for-now", "DECLINED"),
    ("decline", "DECLINED"),
    ("bow-out", "DECLINED"),
];

#[test]
fn replies_to_one_meeting_update_the_organizers_calendar() {
    let Some(sabre) = sabre() else { return };
    let file = fixture("outlook-single.ics");
    let mut cases: Vec<(Vec<&str>, &str)> = STRATEGIES
        .iter()
        .filter(|(s, _)| *s != "bow-out")
        .map(|(s, p)| (vec!["--strategy", *s], *p))
        .collect();
    // The organizer forbids proposals: a shorter meeting is asked for in
    // words, with a tentative answer.
    cases.push((vec!["--strategy", "shorten"], "TENTATIVE"));
    for (args, partstat) in cases {
        let message = reply(&file, OUTLOOK_SINGLE, &args);
        for version in VERSIONS {
            let calendar = applied(&sabre, version, &message, &file);
            check(
                &calendar,
                &[(None, partstat)],
                partstat,
                &format!("{args:?} on {version}"),
            );
        }
    }
}

#[test]
fn replies_to_one_occurrence_update_that_instance_only() {
    let Some(sabre) = sabre() else { return };
    for (file, uid, at, rid, strategies) in [
        (
            "outlook-series.ics",
            OUTLOOK_SERIES,
            "2026-11-30",
            "20261130T100000",
            &STRATEGIES[..],
        ),
        (
            "google-series.ics",
            GOOGLE_SERIES,
            "2026-12-02",
            "20261202T100000",
            &STRATEGIES[..3],
        ),
    ] {
        let file = fixture(file);
        for (strategy, partstat) in strategies {
            let message = reply(&file, uid, &["--strategy", strategy, "--at", at]);
            for version in VERSIONS {
                let calendar = applied(&sabre, version, &message, &file);
                let case = format!("{strategy} of {uid} on {at} with sabre {version}");
                // The instance answered; the master and the moved one as they were.
                check(&calendar, &[(Some(rid), partstat)], "NEEDS-ACTION", &case);
            }
        }
    }
}

#[test]
fn replies_to_a_whole_series_answer_its_moved_instance_too() {
    let Some(sabre) = sabre() else { return };
    for (file, uid, moved) in [
        ("outlook-series.ics", OUTLOOK_SERIES, "20261207T100000"),
        ("google-series.ics", GOOGLE_SERIES, "20261209T100000"),
    ] {
        let file = fixture(file);
        // Declining the series, and asking for a shorter one in words (tentative).
        for (strategy, partstat) in [("decline", "DECLINED"), ("shorten", "TENTATIVE")] {
            let message = reply(&file, uid, &["--series", "--strategy", strategy]);
            for version in VERSIONS {
                let calendar = applied(&sabre, version, &message, &file);
                let case = format!("{strategy} of the series {uid} with sabre {version}");
                check(
                    &calendar,
                    &[(None, partstat), (Some(moved), partstat)],
                    partstat,
                    &case,
                );
            }
        }
    }
}

/// The delegate's event after sabre took the forwarded invitation.
fn delegates_copy(sabre: &str, version: &str, request: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("request.ics");
    std::fs::write(&path, request).unwrap();
    let o = Command::new("php")
        .arg(sabre)
        .args([
            "--vobject",
            version,
            "--recipient",
            "mailto:lise.moen@fjellfjord.no",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().replace("\r\n ", "")
}

/// Delegating (RFC 5546 4.2.5): the delegate gets the organizer's
/// invitation as Outlook wrote it, forwarded: its description, the other
/// people in it, the vendor fields and the zone, with the delegation marked.
/// The answer to the organizer names the delegate too.
#[test]
fn the_delegate_gets_the_invitation_as_the_organizer_wrote_it() {
    let Some(sabre) = sabre() else { return };
    let file = fixture("outlook-series.ics");
    let delegate = [
        "--strategy",
        "delegate",
        "--delegate-to",
        "lise.moen@fjellfjord.no",
    ];
    let one = [&delegate[..], &["--at", "2026-11-30"]].concat();
    let answer = reply(&file, OUTLOOK_SERIES, &one).replace("\r\n ", "");
    assert!(
        answer.contains("DELEGATED-FROM=\"MAILTO:Ingrid.Berg@FjellFjord.no\"")
            && answer.contains("DELEGATED-TO=\"mailto:lise.moen@fjellfjord.no\""),
        "the answer names the delegate, my address as written: {answer}"
    );
    let as_written = [
        "DESCRIPTION;LANGUAGE=nb-NO:Ukentlig gjennomgang av risikomodellen.",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=Ola Hansen:MAILTO:Ola.Hansen@FjellFjord.no",
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
        "CLASS:PUBLIC",
        "DTSTAMP:20261026T090000Z",
        "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=DELEGATED;CN=Ingrid Berg;DELEGATED-TO=\"mailto:lise.moen@fjellfjord.no\":MAILTO:Ingrid.Berg@FjellFjord.no",
        "ATTENDEE;CN=Lise Moen;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;DELEGATED-FROM=\"MAILTO:Ingrid.Berg@FjellFjord.no\":mailto:lise.moen@fjellfjord.no",
    ];
    // One occurrence: the master made into that instance.
    let request = payload(&file, OUTLOOK_SERIES, &one, "REQUEST").replace("\r\n ", "");
    for line in as_written {
        assert!(request.contains(line), "{line}\nin\n{request}");
    }
    assert!(request.contains("RECURRENCE-ID;TZID=W. Europe Standard Time:20261130T100000"));
    assert!(
        !request.contains("FREQ=WEEKLY"),
        "one occurrence: {request}"
    );
    // The moved occurrence: the organizer's own VEVENT for it.
    let moved = [&delegate[..], &["--at", "2026-12-08"]].concat();
    let moved = payload(&file, OUTLOOK_SERIES, &moved, "REQUEST").replace("\r\n ", "");
    // (It stands alone: it has no description or vendor fields of its own.)
    let in_override = |l: &&&str| !l.starts_with(['D', 'X', 'C']) || l.starts_with("DTSTAMP");
    for line in as_written.iter().filter(in_override) {
        assert!(moved.contains(line), "{line}\nin\n{moved}");
    }
    assert!(moved.contains("SUMMARY;LANGUAGE=nb-NO:Risikogjennomgang (flyttet)"));
    assert!(moved.contains("DTSTART;TZID=W. Europe Standard Time:20261208T100000"));
    // A single meeting, with the organizer's ban on counter-proposals kept.
    let single = payload(
        &fixture("outlook-single.ics"),
        OUTLOOK_SINGLE,
        &delegate,
        "REQUEST",
    )
    .replace("\r\n ", "");
    for line in [
        "X-MICROSOFT-DISALLOW-COUNTER:TRUE",
        "CN=James Hall:MAILTO:James.Hall@NorthwindLogistics.com",
        "PARTSTAT=DELEGATED",
        "DELEGATED-FROM=\"MAILTO:Ingrid.Berg@FjellFjord.no\":mailto:lise.moen@fjellfjord.no",
    ] {
        assert!(single.contains(line), "{line}\nin\n{single}");
    }
    // The answers to the organizer: I am DELEGATED on the instance, once.
    let series = fixture("outlook-series.ics");
    let single_file = fixture("outlook-single.ics");
    let moved_at = [&delegate[..], &["--at", "2026-12-08"]].concat();
    let google = fixture("google-series.ics");
    let google_at = [&delegate[..], &["--at", "2026-12-02"]].concat();
    for (file, uid, args, rid) in [
        (&google, GOOGLE_SERIES, &google_at, Some("20261202T100000")),
        (&series, OUTLOOK_SERIES, &one, Some("20261130T100000")),
        (&series, OUTLOOK_SERIES, &moved_at, Some("20261207T100000")),
        (&single_file, OUTLOOK_SINGLE, &delegate.to_vec(), None),
    ] {
        let answer = reply(file, uid, args);
        for version in VERSIONS {
            let calendar = applied_by_nextcloud(&sabre, version, &answer, file);
            let case = format!("{args:?} with sabre {version}");
            check(&calendar, &[(rid, "DELEGATED")], "NEEDS-ACTION", &case);
        }
    }
    let people = ["mailto:lise.moen@fjellfjord.no", "PARTSTAT=DELEGATED"];
    for version in VERSIONS {
        for (request, wanted) in [
            (
                &request,
                [
                    "Ukentlig gjennomgang",
                    "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
                ],
            ),
            (
                &moved,
                [
                    "(flyttet)",
                    "RECURRENCE-ID;TZID=W. Europe Standard Time:20261207T100000",
                ],
            ),
            (
                &single,
                [
                    "James.Hall@NorthwindLogistics.com",
                    "X-MICROSOFT-DISALLOW-COUNTER:TRUE",
                ],
            ),
        ] {
            let event = delegates_copy(&sabre, version, request);
            for needed in people.iter().chain(&wanted) {
                assert!(event.contains(needed), "{version}: {needed} in\n{event}");
            }
        }
    }
}

/// What ical.js (node) and Python's icalendar read in a payload, as JSON.
fn read_by_peers(message: &str) -> Vec<(&'static str, serde_json::Value)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("message.ics");
    std::fs::write(&path, message).unwrap();
    let python = std::env::var("NEITAKK_TEST_PYTHON").unwrap();
    let runs = [
        (
            "Python icalendar",
            Command::new(python)
                .arg(root().join("tests/python/read_itip.py"))
                .arg(&path)
                .output()
                .unwrap(),
        ),
        (
            "ical.js",
            Command::new("node")
                .arg(root().join("tests/node/read_itip.mjs"))
                .arg(&path)
                .output()
                .unwrap(),
        ),
    ];
    runs.into_iter()
        .map(|(who, o)| {
            assert!(
                o.status.success(),
                "{who} cannot read:\n{message}\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            (who, serde_json::from_slice(&o.stdout).unwrap())
        })
        .collect()
}

/// A payload to read: the invitation file, its UID, the arguments of
/// `reply`, the method, and the events as meant.
type Case<'a> = (
    &'a Path,
    &'a str,
    Vec<&'a str>,
    &'a str,
    Vec<serde_json::Value>,
);

/// Every payload, COUNTERs included, as ical.js and Python's icalendar read
/// it: the method, my answer, the instance and the proposed times as meant.
#[test]
fn every_payload_reads_as_meant_in_ical_js_and_python() {
    if sabre().is_none() || std::env::var("NEITAKK_TEST_PYTHON").is_err() {
        return;
    }
    let series = fixture("outlook-series.ics");
    let single = fixture("outlook-single.ics");
    let google = fixture("google-series.ics");
    let occurrence = ["--at", "2026-11-30"];
    let me = |partstat: &str| serde_json::json!({"address": ME, "partstat": partstat, "delegated_from": null});
    let event = |rid: Option<&str>,
                 start: Option<&str>,
                 end: Option<&str>,
                 attendees: serde_json::Value| {
        serde_json::json!({"recurrence_id": rid, "start": start, "end": end, "attendees": attendees})
    };
    let cases: Vec<Case> = vec![
        (
            &series,
            OUTLOOK_SERIES,
            [&["--strategy", "shorten"][..], &occurrence].concat(),
            "COUNTER",
            vec![event(
                Some("2026-11-30T09:00:00Z"),
                Some("2026-11-30T09:00:00Z"),
                Some("2026-11-30T09:30:00Z"),
                serde_json::json!([me("TENTATIVE")]),
            )],
        ),
        (
            &series,
            OUTLOOK_SERIES,
            [&["--strategy", "decline"][..], &occurrence].concat(),
            "REPLY",
            vec![event(
                Some("2026-11-30T09:00:00Z"),
                Some("2026-11-30T09:00:00Z"),
                Some("2026-11-30T10:00:00Z"),
                serde_json::json!([me("DECLINED")]),
            )],
        ),
        (
            &google,
            GOOGLE_SERIES,
            vec!["--strategy", "shorten", "--at", "2026-12-02"],
            "COUNTER",
            vec![event(
                Some("2026-12-02T09:00:00Z"),
                Some("2026-12-02T09:00:00Z"),
                Some("2026-12-02T09:30:00Z"),
                serde_json::json!([me("TENTATIVE")]),
            )],
        ),
        (
            &single,
            OUTLOOK_SINGLE,
            vec!["--strategy", "shorten"],
            "REPLY",
            vec![event(
                None,
                Some("2026-12-02T11:00:00Z"),
                Some("2026-12-02T12:30:00Z"),
                serde_json::json!([me("TENTATIVE")]),
            )],
        ),
        (
            &google,
            GOOGLE_SERIES,
            vec!["--series", "--strategy", "decline"],
            "REPLY",
            vec![
                event(
                    None,
                    Some("2026-11-04T09:00:00Z"),
                    Some("2026-11-04T10:00:00Z"),
                    serde_json::json!([me("DECLINED")]),
                ),
                event(
                    Some("2026-12-09T09:00:00Z"),
                    None,
                    None,
                    serde_json::json!([me("DECLINED")]),
                ),
            ],
        ),
        (
            &series,
            OUTLOOK_SERIES,
            [
                &[
                    "--strategy",
                    "delegate",
                    "--delegate-to",
                    "lise.moen@fjellfjord.no",
                ][..],
                &occurrence,
            ]
            .concat(),
            "REPLY",
            vec![event(
                Some("2026-11-30T09:00:00Z"),
                Some("2026-11-30T09:00:00Z"),
                Some("2026-11-30T10:00:00Z"),
                serde_json::json!([
                    me("DELEGATED"),
                    {"address": "lise.moen@fjellfjord.no", "partstat": "NEEDS-ACTION", "delegated_from": ME}
                ]),
            )],
        ),
    ];
    for (file, uid, args, method, want) in cases {
        let message = payload(file, uid, &args, method);
        for (who, got) in read_by_peers(&message) {
            assert_eq!(got["method"], method, "{who}, {args:?}");
            let events: Vec<serde_json::Value> = got["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    assert_eq!(e["uid"], uid, "{who}, {args:?}");
                    serde_json::json!({
                        "recurrence_id": e["recurrence_id"],
                        "start": e["start"],
                        "end": e["end"],
                        "attendees": e["attendees"],
                    })
                })
                .collect();
            assert_eq!(events, want, "{who}, {args:?}:\n{message}");
        }
    }
    // A new time: the proposal keeps the meeting's length, at another time.
    let message = payload(
        &series,
        OUTLOOK_SERIES,
        &["--strategy", "reschedule", "--at", "2026-11-30"],
        "COUNTER",
    );
    for (who, got) in read_by_peers(&message) {
        let e = &got["events"][0];
        let t = |k: &str| chrono::DateTime::parse_from_rfc3339(e[k].as_str().unwrap()).unwrap();
        assert_eq!((t("end") - t("start")).num_minutes(), 60, "{who}: {e}");
        assert_ne!(e["start"], "2026-11-30T09:00:00Z", "{who}: another time");
        assert_eq!(e["recurrence_id"], "2026-11-30T09:00:00Z", "{who}");
    }
}
