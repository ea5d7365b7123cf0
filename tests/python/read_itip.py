"""Reads an iTIP payload with Python's icalendar and prints what it says, as
JSON: the method, and per VEVENT its UID, RECURRENCE-ID, start and end (UTC,
or a date), and each attendee's address, PARTSTAT and DELEGATED-FROM.

    read_itip.py FILE.ics
"""
import datetime
import json
import sys

import icalendar


def when(prop):
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S") + " floating"
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def main():
    cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
    events = []
    for ev in cal.walk("VEVENT"):
        attendees = ev.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        events.append({
            "uid": str(ev["UID"]),
            "recurrence_id": when(ev.get("RECURRENCE-ID")),
            "start": when(ev.get("DTSTART")),
            "end": when(ev.get("DTEND")),
            "attendees": [
                {
                    "address": str(a).lower().removeprefix("mailto:"),
                    "partstat": str(a.params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
                    "delegated_from": str(a.params.get("DELEGATED-FROM", "")).lower().removeprefix("mailto:") or None,
                }
                for a in attendees
            ],
        })
    print(json.dumps({"method": str(cal["METHOD"]).upper(), "events": events}))


main()
