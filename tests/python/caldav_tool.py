"""CalDAV helper for the tests, independent of neitakk: Python's urllib and
icalendar against the Radicale server that scripts/test starts.

    caldav_tool.py seed URL USER PASSWORD FILE.ics
        create the calendar collection URL and store each event of FILE.ics
        in it as <uid>.ics (with the file's VTIMEZONEs)
    caldav_tool.py partstat URL USER PASSWORD UID EMAIL
        print, as JSON, EMAIL's PARTSTAT in event UID: {"master": ..., "<rid>": ...}
"""
import base64
import json
import re
import sys
import time
import urllib.request

import icalendar


def request(method, url, user, password, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    req.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def safe(uid):
    return re.sub(r"[^A-Za-z0-9._-]", "_", uid)


def make_calendar(url, user, password):
    # Radicale makes the user's own collection on first use; tests that seed
    # at the same moment race for it, and the loser gets a 409 (Conflict),
    # which is also what Radicale 3.9 answers for a collection that exists.
    for _ in range(20):
        status, _ = request("MKCALENDAR", url, user, password)
        if status in (201, 405):
            return
        if status != 409:
            break
        if request("PROPFIND", url, user, password, None, {"Depth": "0"})[0] == 207:
            return
        time.sleep(0.1)
    sys.exit(f"MKCALENDAR {url}: {status}")


def seed(url, user, password, path):
    make_calendar(url, user, password)
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    zones = list(cal.walk("VTIMEZONE"))
    by_uid = {}
    for ev in cal.walk("VEVENT"):
        by_uid.setdefault(str(ev["UID"]), []).append(ev)
    for uid, events in by_uid.items():
        out = icalendar.Calendar()
        out.add("prodid", "-//neitakk tests//EN")
        out.add("version", "2.0")
        for z in zones:
            out.add_component(z)
        for ev in events:
            out.add_component(ev)
        status, body = request("PUT", url + safe(uid) + ".ics", user, password, out.to_ical(), {"Content-Type": "text/calendar"})
        if status not in (201, 204):
            sys.exit(f"PUT {uid}: {status} {body[:200]!r}")


def partstat(url, user, password, uid, email):
    status, body = request("GET", url + safe(uid) + ".ics", user, password)
    if status != 200:
        sys.exit(f"GET {uid}: {status}")
    result = {}
    for ev in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        rid = ev.get("RECURRENCE-ID")
        key = "master" if rid is None else rid.dt.astimezone(__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        attendees = ev.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        for a in attendees:
            if str(a).lower() == f"mailto:{email}":
                result[key] = a.params.get("PARTSTAT", "NEEDS-ACTION")
    print(json.dumps(result))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"seed": seed, "partstat": partstat}[cmd](*args)


main()
