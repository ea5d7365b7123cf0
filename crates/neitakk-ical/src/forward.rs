//! The organizer's invitation forwarded to a delegate (RFC 5546 section
//! 4.2.5): the event as its file wrote it, with the delegator's ATTENDEE
//! marked DELEGATED and DELEGATED-TO the delegate, and the delegate's with
//! DELEGATED-FROM. Everything else stays as written: the description, the
//! other attendees, the vendor fields. Only the delegator's own alarms do
//! not travel.

use crate::itip::{Person, When};
use crate::lines::{fold, parse_line, ContentLine};
use crate::value::cal_address;
use neitakk_core::{AsWritten, Written};

/// Who delegates to whom, and what.
pub struct Delegation<'a> {
    pub me: &'a Person,
    pub delegate: &'a Person,
    /// One instance (its RECURRENCE-ID as written, and where it is); `None`
    /// for the whole event with its moved instances.
    pub instance: Option<(&'a Written, When, When)>,
}

/// The REQUEST to the delegate; `None` when the text does not hold the
/// instance, or does not name the delegator as an attendee.
pub fn request(written: &AsWritten, d: &Delegation) -> Option<String> {
    let events: Vec<Vec<&str>> = written
        .events
        .iter()
        .map(|e| e.split("\r\n").filter(|l| !l.is_empty()).collect())
        .collect();
    let chosen: Vec<Vec<String>> = match d.instance {
        None => events.iter().map(|e| owned(e)).collect(),
        Some((rid, start, end)) => vec![instance(&events, rid, start, end)?],
    };
    let mut out = String::from("BEGIN:VCALENDAR\r\nPRODID:-//neitakk//neitakk//EN\r\n");
    out.push_str("VERSION:2.0\r\nMETHOD:REQUEST\r\n");
    for zone in &written.zones {
        out.extend(zone.lines().map(fold));
    }
    let mut named = false;
    for event in chosen {
        let (lines, found) = delegated(event, d);
        named |= found;
        out.extend(lines.iter().map(|l| fold(l)));
    }
    out.push_str("END:VCALENDAR\r\n");
    named.then_some(out)
}

fn owned(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| (*l).to_owned()).collect()
}

fn name_of(line: &str) -> String {
    line.split([':', ';'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase()
}

/// The VEVENT of one instance: its override when the file has one, else the
/// master made into that instance (no rule, RECURRENCE-ID and times of its
/// own).
fn instance(events: &[Vec<&str>], rid: &Written, start: When, end: When) -> Option<Vec<String>> {
    let rid_of = |e: &Vec<&str>| {
        e.iter()
            .find(|l| name_of(l) == "RECURRENCE-ID")
            .and_then(|l| parse_line(l, 0))
            .map(|l| l.value.trim().to_owned())
    };
    if let Some(own) = events
        .iter()
        .find(|e| rid_of(e).is_some_and(|v| v.eq_ignore_ascii_case(rid.value.trim())))
    {
        return Some(owned(own));
    }
    let master = events.iter().find(|e| rid_of(e).is_none())?;
    let mut params = String::new();
    if rid.is_date() {
        params.push_str(";VALUE=DATE");
    }
    if let Some(tzid) = &rid.tzid {
        params.push_str(&format!(";TZID={}", crate::lines::param_value(tzid)));
    }
    let time = crate::edit::value;
    let mut out = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("RECURRENCE-ID{params}:{}", rid.value),
        format!("DTSTART{}", time(start)),
        format!("DTEND{}", time(end)),
    ];
    let skip = [
        "RRULE", "RDATE", "EXDATE", "EXRULE", "DTSTART", "DTEND", "DURATION",
    ];
    out.extend(
        master[1..]
            .iter()
            .filter(|l| !skip.contains(&name_of(l).as_str()))
            .map(|l| (*l).to_owned()),
    );
    Some(out)
}

/// One VEVENT with the delegation written into its ATTENDEE lines, and
/// whether it names the delegator.
fn delegated(lines: Vec<String>, d: &Delegation) -> (Vec<String>, bool) {
    let is = |l: &ContentLine, p: &Person| cal_address(&l.value).eq_ignore_ascii_case(&p.email);
    let mut out = Vec::with_capacity(lines.len() + 1);
    let (mut mine, mut theirs) = (None, false);
    let mut depth = 0usize;
    for text in lines {
        let Some(mut line) = parse_line(&text, 0) else {
            if depth == 0 {
                out.push(text);
            }
            continue;
        };
        let value = line.value.trim().to_ascii_uppercase();
        // The delegator's alarms are theirs, not the organizer's.
        if (line.name == "BEGIN" && value == "VALARM") || depth > 0 {
            match (line.name.as_str(), value.as_str()) {
                ("BEGIN", "VALARM") => depth += 1,
                ("END", "VALARM") => depth = depth.saturating_sub(1),
                _ => {}
            }
            continue;
        }
        if line.name != "ATTENDEE" {
            out.push(text);
            continue;
        }
        if is(&line, d.me) {
            line.set_param("PARTSTAT", "DELEGATED");
            line.set_param("DELEGATED-TO", &d.delegate.uri());
            line.remove_param("RSVP");
            mine = Some((out.len(), line.param("ROLE").map(str::to_owned)));
        } else if is(&line, d.delegate) {
            line.set_param("PARTSTAT", "NEEDS-ACTION");
            line.set_param("DELEGATED-FROM", &d.me.uri());
            line.set_param("RSVP", "TRUE");
            theirs = true;
        }
        out.push(line.text());
    }
    if let (Some((at, role)), false) = (&mine, theirs) {
        let mut line = ContentLine {
            name: "ATTENDEE".to_owned(),
            params: Vec::new(),
            value: d.delegate.uri(),
            line: 0,
        };
        if let Some(name) = &d.delegate.name {
            line.set_param("CN", name);
        }
        if let Some(role) = role {
            line.set_param("ROLE", role);
        }
        line.set_param("PARTSTAT", "NEEDS-ACTION");
        line.set_param("RSVP", "TRUE");
        line.set_param("DELEGATED-FROM", &d.me.uri());
        out.insert(at + 1, line.text());
    }
    (out, mine.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIES: &str = "BEGIN:VEVENT\r\nUID:s1\r\nDTSTART;TZID=Europe/Oslo:20261201T090000\r\nDTEND;TZID=Europe/Oslo:20261201T100000\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Status\r\nDESCRIPTION:Agenda: budget\\, plan\r\nX-MOZ-GENERATION:3\r\nORGANIZER;CN=Per:mailto:per@client.no\r\nATTENDEE;CN=\"Berg, Ingrid\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:MAILTO:Ingrid@Firma.no\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:kari@client.no\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\n";

    fn people() -> (Person, Person) {
        (
            Person {
                email: "ingrid@firma.no".into(),
                name: Some("Ingrid Berg".into()),
                uri: Some("MAILTO:Ingrid@Firma.no".into()),
            },
            Person::new("ola@firma.no", Some("Ola Nordmann".into())),
        )
    }

    #[test]
    fn the_invitation_travels_as_written_with_the_delegation() {
        let written = AsWritten {
            zones: Vec::new(),
            events: vec![SERIES.to_owned()],
        };
        let (me, ola) = people();
        let text = request(
            &written,
            &Delegation {
                me: &me,
                delegate: &ola,
                instance: None,
            },
        )
        .unwrap()
        .replace("\r\n ", "");
        assert!(text.contains("METHOD:REQUEST\r\n"), "{text}");
        for kept in [
            "RRULE:FREQ=WEEKLY",
            "DESCRIPTION:Agenda: budget\\, plan",
            "X-MOZ-GENERATION:3",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:kari@client.no",
        ] {
            assert!(text.contains(kept), "{kept} in {text}");
        }
        assert!(text.contains("ATTENDEE;CN=\"Berg, Ingrid\";ROLE=REQ-PARTICIPANT;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:ola@firma.no\":MAILTO:Ingrid@Firma.no"), "{text}");
        assert!(text.contains("ATTENDEE;CN=Ola Nordmann;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;DELEGATED-FROM=\"MAILTO:Ingrid@Firma.no\":mailto:ola@firma.no"), "{text}");
        assert!(!text.contains("VALARM"), "my alarm stays mine");
    }

    #[test]
    fn one_instance_without_an_override_is_made_from_the_master() {
        let written = AsWritten {
            zones: vec!["BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo\r\nEND:VTIMEZONE\r\n".into()],
            events: vec![SERIES.to_owned()],
        };
        let (me, ola) = people();
        let rid = Written {
            value: "20261208T090000".into(),
            tzid: Some("Europe/Oslo".into()),
            zone: None,
        };
        let at = |s: &str| {
            When::At(
                chrono::DateTime::parse_from_rfc3339(s)
                    .unwrap()
                    .with_timezone(&chrono::Utc),
            )
        };
        let text = request(
            &written,
            &Delegation {
                me: &me,
                delegate: &ola,
                instance: Some((&rid, at("2026-12-08T08:00:00Z"), at("2026-12-08T09:00:00Z"))),
            },
        )
        .unwrap();
        assert!(
            text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo\r\n"),
            "{text}"
        );
        assert!(text.contains("BEGIN:VEVENT\r\nRECURRENCE-ID;TZID=Europe/Oslo:20261208T090000\r\nDTSTART:20261208T080000Z\r\nDTEND:20261208T090000Z\r\nUID:s1\r\n"), "{text}");
        assert!(!text.contains("RRULE"));
        // someone who is not invited cannot delegate
        let stranger = Person::new("per@firma.no", None);
        assert!(request(
            &written,
            &Delegation {
                me: &stranger,
                delegate: &ola,
                instance: None
            }
        )
        .is_none());
    }
}
