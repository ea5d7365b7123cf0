//! Every strategy's iTIP payload, as a reviewed snapshot, and the rules real
//! calendar programs need checked on each.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use neitakk_core::{Attendee, Meeting, Slot, Strategy};
use neitakk_ical::itip::{for_strategy, write, Method, Person, ReplyInput};
use std::sync::Arc;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn meeting() -> Meeting {
    Meeting {
        uid: "status-uke@havnevest.no".into(),
        recurrence_id: Some("2026-12-03T08:00:00Z".into()),
        start: at("2026-12-03T08:00:00Z"),
        end: at("2026-12-03T09:30:00Z"),
        summary: Some("Ukentlig status, havneprosjektet".into()),
        location: Some("Havnevest, Strandkaien 2, Bergen".into()),
        organizer: Some(Arc::new(Attendee {
            email: "per.olsen@havnevest.no".into(),
            name: Some("Per Olsen".into()),
            ..Default::default()
        })),
        sequence: 3,
        recurring: true,
        ..Default::default()
    }
}

fn input(m: &Meeting, strategy: Strategy, counter_allowed: bool) -> ReplyInput<'_> {
    ReplyInput {
        meeting: m,
        strategy,
        me: Person::new("ingrid.berg@fjellfjord.no", Some("Ingrid Berg".into())),
        comment: "Hei Per,\nkan vi ta dette på video i stedet? Da slipper jeg reisen.\n\nVennlig hilsen\nIngrid",
        channel: Some("https://meet.fjellfjord.no/ingrid"),
        minutes: 30,
        slot: Some(Slot { start: at("2026-12-04T09:00:00Z"), end: at("2026-12-04T10:30:00Z") }),
        delegate: Some(Person::new("ola.hansen@fjellfjord.no", Some("Ola Hansen".into()))),
        counter_allowed,
        now: at("2026-11-27T10:00:00Z"),
        series: false,
        every: 2,
    }
}

fn payload(strategy: Strategy, counter_allowed: bool) -> String {
    let m = meeting();
    for_strategy(&input(&m, strategy, counter_allowed))
        .iter()
        .map(write)
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! snapshots {
    ($($test:ident: $strategy:expr;)+) => {
        $(#[test] fn $test() { insta::assert_snapshot!(payload($strategy, true)); })+
    };
}

snapshots! {
    attend: Strategy::Attend;
    phone_call: Strategy::PhoneCall;
    shorten: Strategy::Shorten;
    shorter_call: Strategy::ShorterCall;
    email_for_now: Strategy::EmailForNow;
    bow_out: Strategy::BowOut;
    reschedule: Strategy::Reschedule;
    delegate: Strategy::Delegate;
    decline: Strategy::Decline;
}

#[test]
fn counter_forbidden_falls_back_to_a_tentative_reply() {
    let text = payload(Strategy::Shorten, false);
    assert!(text.contains("METHOD:REPLY"));
    assert!(text.contains("PARTSTAT=TENTATIVE"));
    assert!(
        text.contains("DTEND:20261203T093000Z"),
        "the times stay as they were:\n{text}"
    );
}

#[test]
fn every_payload_keeps_the_rules_clients_need() {
    let m = meeting();
    for strategy in Strategy::ALL {
        for itip in for_strategy(&input(&m, *strategy, true)) {
            let folded = write(&itip);
            let text = folded.replace("\r\n ", "");
            let name = format!("{strategy} {}", itip.method.as_str());
            assert!(
                text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"),
                "{name}"
            );
            assert!(
                text.contains(&format!("METHOD:{}\r\n", itip.method.as_str())),
                "{name}"
            );
            for required in [
                "UID:status-uke@havnevest.no",
                "SEQUENCE:3",
                "DTSTAMP:",
                "ORGANIZER;",
                "RECURRENCE-ID:20261203T080000Z",
            ] {
                assert!(text.contains(required), "{name}: {required} missing");
            }
            let attendees = text.matches("\r\nATTENDEE").count();
            if itip.method == Method::Request {
                assert_eq!(attendees, 2, "{name}");
            } else if text.contains("PARTSTAT=DELEGATED") {
                // RFC 5546 4.2.5: me, and the delegate as delegated from me.
                assert_eq!(attendees, 2, "{name}");
                assert!(text.contains("DELEGATED-FROM=\"mailto:ingrid.berg@fjellfjord.no\""));
            } else {
                assert_eq!(attendees, 1, "{name}: a reply names exactly one attendee");
                assert!(text.contains("mailto:ingrid.berg@fjellfjord.no"));
            }
            if itip.method == Method::Counter {
                assert!(
                    text.contains("X-MS-OLK-ORIGINALSTART:20261203T080000Z"),
                    "{name}"
                );
            }
            for line in folded.split("\r\n") {
                assert!(
                    line.len() <= 75,
                    "{name}: line of {} octets: {line}",
                    line.len()
                );
            }
        }
    }
}

#[test]
fn a_whole_series_is_asked_for_in_words_not_countered() {
    let mut m = meeting();
    m.series = Some(neitakk_core::Series {
        start: at("2026-10-01T08:00:00Z"),
        end: at("2026-10-01T09:30:00Z"),
        rrule: Some("FREQ=WEEKLY;BYDAY=TH;COUNT=20".into()),
        overrides: Default::default(),
    });
    for strategy in [Strategy::LessOften, Strategy::Shorten, Strategy::PhoneCall] {
        let input = ReplyInput {
            series: true,
            every: 2,
            ..input(&m, strategy, true)
        };
        let text = write(&for_strategy(&input)[0]).replace("\r\n ", "");
        assert!(text.contains("METHOD:REPLY"), "{strategy}: {text}");
        assert!(text.contains("PARTSTAT=TENTATIVE"), "{strategy}");
        assert!(
            !text.contains("RECURRENCE-ID") && !text.contains("RRULE"),
            "{strategy}: the whole series, unchanged"
        );
    }
}

/// Unfolded, for looking at whole lines.
fn unfolded(m: &neitakk_ical::itip::Itip) -> String {
    write(m).replace("\r\n ", "")
}

/// A reply to one occurrence names it as the request did (TZID and local
/// time), and my address as the request wrote it.
#[test]
fn a_reply_names_the_instance_and_me_as_the_request_did() {
    let mut m = meeting();
    m.recurrence_id_written = Some(neitakk_core::Written {
        value: "20261203T090000".into(),
        tzid: Some("W. Europe Standard Time".into()),
        zone: None,
    });
    let me = Person {
        uri: Some("MAILTO:Ingrid.Berg@FjellFjord.no".into()),
        ..Person::new("ingrid.berg@fjellfjord.no", Some("Ingrid Berg".into()))
    };
    let text = unfolded(
        &for_strategy(&ReplyInput {
            me,
            ..input(&m, Strategy::Decline, true)
        })[0],
    );
    assert!(
        text.contains("\r\nRECURRENCE-ID;TZID=\"W. Europe Standard Time\":20261203T090000\r\n"),
        "{text}"
    );
    assert!(
        text.contains(":MAILTO:Ingrid.Berg@FjellFjord.no\r\n"),
        "{text}"
    );
    // With the invitation's own VTIMEZONE for that TZID, the answer carries it.
    let zone = "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
    m.recurrence_id_written.as_mut().unwrap().zone = Some(zone.into());
    let text = write(&for_strategy(&input(&m, Strategy::Decline, true))[0]);
    let (zone_at, event_at) = (
        text.find("BEGIN:VTIMEZONE").unwrap(),
        text.find("BEGIN:VEVENT").unwrap(),
    );
    assert!(
        zone_at < event_at && text.contains("TZID:W. Europe Standard Time\r\n"),
        "{text}"
    );
    // An all-day instance keeps its DATE.
    m.recurrence_id_written = Some(neitakk_core::Written {
        value: "20261203".into(),
        tzid: None,
        zone: None,
    });
    let text = unfolded(&for_strategy(&input(&m, Strategy::Decline, true))[0]);
    assert!(
        text.contains("\r\nRECURRENCE-ID;VALUE=DATE:20261203\r\n"),
        "{text}"
    );
}

/// An answer to a whole series answers the instances the organizer moved.
#[test]
fn a_series_answer_answers_its_moved_instances() {
    let mut m = meeting();
    m.series = Some(neitakk_core::Series {
        start: at("2026-10-01T08:00:00Z"),
        end: at("2026-10-01T09:30:00Z"),
        rrule: Some("FREQ=WEEKLY;BYDAY=TH;COUNT=20".into()),
        overrides: vec![neitakk_core::Written {
            value: "20261015T100000".into(),
            tzid: Some("Europe/Oslo".into()),
            zone: None,
        }]
        .into(),
    });
    let input = ReplyInput {
        series: true,
        ..input(&m, Strategy::Decline, true)
    };
    let text = unfolded(&for_strategy(&input)[0]);
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    let second = &text[text.rfind("BEGIN:VEVENT").unwrap()..];
    assert!(
        second.contains("RECURRENCE-ID;TZID=Europe/Oslo:20261015T100000")
            && second.contains("PARTSTAT=DECLINED")
            && second.contains("UID:status-uke@havnevest.no"),
        "{second}"
    );
    let first = &text[..text.rfind("BEGIN:VEVENT").unwrap()];
    assert!(
        !first.contains("RECURRENCE-ID"),
        "the master first: {first}"
    );
}

/// Names with double quotes use RFC 6868's ^' (never a backslash), and read
/// back the same.
#[test]
fn parameter_values_use_rfc_6868() {
    let mut m = meeting();
    m.organizer = Some(Arc::new(Attendee {
        email: "ase@havnevest.no".into(),
        name: Some("Åse \"Inga\" Ødegård".into()),
        ..Default::default()
    }));
    let text = unfolded(&for_strategy(&input(&m, Strategy::Attend, true))[0]);
    assert!(text.contains("CN=\"Åse ^'Inga^' Ødegård\""), "{text}");
    assert!(!text.contains("\\\""), "{text}");
    let back = neitakk_ical::read(
        "reply.ics",
        text.as_bytes(),
        neitakk_ical::Window {
            from: at("2026-12-01T00:00:00Z"),
            to: at("2026-12-31T00:00:00Z"),
        },
        &Default::default(),
    )
    .unwrap()
    .into_calendar();
    let organizer = back.occurrences[0].organizer.clone().unwrap();
    assert_eq!(organizer.name.as_deref(), Some("Åse \"Inga\" Ødegård"));
}
