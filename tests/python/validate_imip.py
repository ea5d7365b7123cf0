"""Checks iMIP drafts with independent implementations: Python's `email`
package and `icalendar`. Exits non-zero with a message on the first problem.

usage: validate_imip.py INVITATION.ics DRAFT.eml [DRAFT.eml ...]
"""
import email
import email.policy
import sys

import icalendar


def fail(path, why):
    sys.exit(f"{path}: {why}")


def check(invitation, path):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        if not msg[header]:
            fail(path, f"no {header} header")
    sender = msg["From"].addresses[0].addr_spec.lower()
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return "plain"
    if len(parts) != 1:
        fail(path, f"{len(parts)} text/calendar parts")
    part = parts[0]
    payload = part.get_payload(decode=True)
    if b"\r\n" not in payload or b"\n" in payload.replace(b"\r\n", b""):
        fail(path, "calendar lines must end in CRLF")
    for line in payload.split(b"\r\n"):
        if len(line) > 75:
            fail(path, f"line of {len(line)} octets: {line[:40]!r}")
    payload.decode("utf-8")  # must be valid UTF-8
    cal = icalendar.Calendar.from_ical(payload)
    method = str(cal["METHOD"])
    if part.get_param("method", "").upper() != method:
        fail(path, f"Content-Type method={part.get_param('method')} but METHOD:{method}")
    if (part.get_param("charset") or "").lower() != "utf-8":
        fail(path, "the calendar part must say charset=UTF-8")
    events = list(cal.walk("VEVENT"))
    # One event; an answer to a whole series adds one per moved instance.
    if not events or any("RECURRENCE-ID" not in e for e in events[1:]):
        fail(path, f"{len(events)} VEVENTs")
    ev = events[0]
    original = invitation
    for prop in ("UID", "SEQUENCE", "DTSTAMP", "ORGANIZER"):
        if prop not in ev:
            fail(path, f"no {prop}")
    if str(ev["UID"]) != str(original["UID"]):
        fail(path, f"UID {ev['UID']} is not the invitation's {original['UID']}")
    if int(ev["SEQUENCE"]) != int(original.get("SEQUENCE", 0)):
        fail(path, "SEQUENCE differs from the invitation's")
    if str(ev["ORGANIZER"]).lower() != str(original["ORGANIZER"]).lower():
        fail(path, "ORGANIZER differs from the invitation's")
    attendees = ev.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    if method in ("REPLY", "COUNTER"):
        # A delegation also names the delegate, delegated from the sender
        # (RFC 5546 4.2.5); any other answer names the sender alone.
        delegates = [
            a for a in attendees[1:]
            if str(a.params.get("DELEGATED-FROM", "")).lower() == f"mailto:{sender}"
        ]
        if len(attendees) != 1 + len(delegates) or (delegates and method != "REPLY"):
            fail(path, f"a {method} must carry exactly one ATTENDEE, has {len(attendees)}")
        if str(attendees[0]).lower() != f"mailto:{sender}":
            fail(path, f"the ATTENDEE {attendees[0]} is not the From address {sender}")
    if method == "COUNTER" and "X-MS-OLK-ORIGINALSTART" not in ev:
        fail(path, "a COUNTER needs X-MS-OLK-ORIGINALSTART for Outlook")
    return method


def main():
    invitation_cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
    by_uid = {}
    for ev in invitation_cal.walk("VEVENT"):
        by_uid.setdefault(str(ev["UID"]), ev)
    for path in sys.argv[2:]:
        msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
        parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        uid = None
        if parts:
            uid = str(next(iter(icalendar.Calendar.from_ical(parts[0].get_payload(decode=True)).walk("VEVENT")))["UID"])
        result = check(by_uid.get(uid) if uid else None, path)
        print(f"{path}: {result}")


main()
