#!/usr/bin/env python3
"""Generates benchmark calendars, deterministically.

    gen.py large OUT.ics   ~70 MB: 150,000 single events over 2020-2029 and
                           2,000 recurring series with overrides, EXDATEs,
                           attendees, descriptions and a few VTIMEZONEs
    gen.py huge OUT.ics    ~700 MB: large's series and 1,500,000 single events
                           over 1930-2029, so a year holds what large's does:
                           for reading memory that must not grow with the file
    gen.py year OUT.ics    ~1.4 MB: a normal person's year, ~3,000 events
    gen.py week N OUT.ics [pending]
                           N single events in one working week, 2026-W24
                           (8 June 2026 on), for how triage grows with a week;
                           with "pending", each an invitation from a client
                           not answered yet (nothing accepted to clash with)
    gen.py split IN.ics BYTES PREFIX
                           IN's events in calendars of at most about BYTES
                           each (PREFIX1.ics, PREFIX2.ics, ...), every one with
                           IN's time zones: for servers that cap uploads
"""
import random
import sys
from datetime import datetime, timedelta

# Each zone's VTIMEZONE as its real rules say (tools that trust the file and
# tools that trust IANA must agree): offsets, and the DST start and end.
EU = ("19700329T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "19701025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
UK = ("19700329T010000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "19701025T020000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
US = ("20070311T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "20071104T020000", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")
ZONES = {
    "Europe/Oslo": ("+0100", "+0200", EU),
    "Europe/London": ("+0000", "+0100", UK),
    "America/New_York": ("-0500", "-0400", US),
}
WORDS = ("status oppfølging gjennomgang workshop review planning kontrakt avtale "
         "budsjett leveranse risiko design sprint demo pilot strategi rapport").split()
DOMAINS = ["nordlysenergi.no", "havnevest.no", "skagerrakbank.no", "northwindlogistics.com",
           "tindra.no", "lofotensjomat.no", "fjellfjord.no"]


def fold(line):
    out, b = [], line.encode()
    while len(b) > 75:
        cut = 75 if not out else 74
        while cut > 1 and (b[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(b[:cut])
        b = b[cut:]
    out.append(b)
    return b"\r\n ".join(out)


def vtimezone(tzid, std, dst, rules):
    dst_start, dst_rule, std_start, std_rule = rules
    return [
        "BEGIN:VTIMEZONE", f"TZID:{tzid}",
        "BEGIN:STANDARD", f"DTSTART:{std_start}", f"TZOFFSETFROM:{dst}", f"TZOFFSETTO:{std}",
        f"RRULE:{std_rule}", "END:STANDARD",
        "BEGIN:DAYLIGHT", f"DTSTART:{dst_start}", f"TZOFFSETFROM:{std}", f"TZOFFSETTO:{dst}",
        f"RRULE:{dst_rule}", "END:DAYLIGHT", "END:VTIMEZONE",
    ]


def stamp(t):
    return t.strftime("%Y%m%dT%H%M%S")


def people(rng, n):
    out = ["ORGANIZER;CN=Ingrid Berg:mailto:ingrid.berg@fjellfjord.no"]
    for i in range(n):
        d = rng.choice(DOMAINS)
        out.append(f"ATTENDEE;CN=Person {i};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:p{i}@{d}")
    return out


def description(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return "DESCRIPTION:Agenda:\\n- " + text.replace(" ", "\\, ", 3)


def event(rng, uid, start, minutes, tzid, extra=(), attendees=3, words=40):
    return [
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID={tzid}:{stamp(start)}",
        f"DTEND;TZID={tzid}:{stamp(start + timedelta(minutes=minutes))}",
        f"SUMMARY:{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} møte",
        "LOCATION:Microsoft Teams-møte", *extra, *people(rng, attendees), description(rng, words),
        "END:VEVENT",
    ]


def working_time(rng, first_year, years):
    day = datetime(first_year, 1, 1) + timedelta(days=rng.randrange(365 * years))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=rng.randrange(8, 16), minute=rng.choice((0, 15, 30, 45)))


def large(rng, singles=150_000, first_year=2020):
    lines = []
    for tzid, (std, dst, rules) in ZONES.items():
        lines += vtimezone(tzid, std, dst, rules)
    tzids = list(ZONES)
    years = 2030 - first_year
    for i in range(singles):
        lines += event(rng, f"single-{i}@bench", working_time(rng, first_year, years),
                       rng.choice((30, 45, 60, 90)), rng.choice(tzids), attendees=1, words=5)
    for i in range(2_000):
        tzid = rng.choice(tzids)
        start = working_time(rng, 2020, 6)
        freq = rng.choice(("FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
                           "FREQ=MONTHLY;BYDAY=1TU"))
        exdates = [start + timedelta(weeks=k) for k in rng.sample(range(1, 80), 3)]
        extra = [f"RRULE:{freq}"] + [f"EXDATE;TZID={tzid}:{stamp(e)}" for e in exdates]
        lines += event(rng, f"series-{i}@bench", start, 60, tzid, extra)
        for k in rng.sample(range(1, 60), 2):
            rid = start + timedelta(weeks=k)
            lines += event(rng, f"series-{i}@bench", rid + timedelta(hours=2), 30, tzid,
                           [f"RECURRENCE-ID;TZID={tzid}:{stamp(rid)}"])
    return lines


def huge(rng):
    return large(rng, singles=1_500_000, first_year=1930)


def year(rng):
    lines = vtimezone("Europe/Oslo", *ZONES["Europe/Oslo"])
    for i in range(2_950):
        lines += event(rng, f"single-{i}@bench", working_time(rng, 2026, 1),
                       rng.choice((30, 45, 60, 90)), "Europe/Oslo", attendees=rng.randrange(1, 3), words=5)
    for i in range(50):
        start = working_time(rng, 2025, 1)
        lines += event(rng, f"series-{i}@bench", start, 30, "Europe/Oslo", ["RRULE:FREQ=WEEKLY"])
    return lines


def week(rng, n, pending=False):
    lines = vtimezone("Europe/Oslo", *ZONES["Europe/Oslo"])
    me = "ATTENDEE;CN=Ingrid Berg;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ingrid.berg@fjellfjord.no"
    monday = datetime(2026, 6, 8)
    for i in range(n):
        start = monday + timedelta(days=rng.randrange(5), hours=rng.randrange(8, 16),
                                   minutes=rng.choice((0, 15, 30, 45)))
        e = event(rng, f"week-{i}@bench", start, rng.choice((30, 45, 60, 90)), "Europe/Oslo",
                  attendees=rng.randrange(1, 3), words=5)
        if pending:
            # Organized by the first client attendee; I am asked.
            client = next(x for x in e if x.startswith("ATTENDEE")).split("mailto:")[1]
            e = [f"ORGANIZER;CN=Client:mailto:{client}" if x.startswith("ORGANIZER") else x for x in e]
            e.insert(-2, me)
        lines += e
    return lines


def split(path, most, prefix):
    text = open(path, "rb").read()
    head, _, rest = text.partition(b"BEGIN:VEVENT")
    events = [b"BEGIN:VEVENT" + e for e in rest.split(b"BEGIN:VEVENT")]
    events[-1] = events[-1].replace(b"END:VCALENDAR\r\n", b"")
    parts, part = [], []
    for e in events:
        if part and len(head) + sum(map(len, part)) + len(e) > most:
            parts.append(part)
            part = []
        part.append(e)
    parts.append(part)
    for k, part in enumerate(parts, 1):
        with open(f"{prefix}{k}.ics", "wb") as f:
            f.write(head + b"".join(part) + b"END:VCALENDAR\r\n")


def main():
    if sys.argv[1] == "split":
        return split(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    rng = random.Random(49)
    if sys.argv[1] == "week":
        out, body = sys.argv[3], week(rng, int(sys.argv[2]), sys.argv[4:] == ["pending"])
    else:
        out = sys.argv[2]
        body = {"large": large, "huge": huge, "year": year}[sys.argv[1]](rng)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//neitakk//bench//EN", *body, "END:VCALENDAR"]
    with open(out, "wb") as f:
        for line in lines:
            f.write(fold(line) + b"\r\n")


if __name__ == "__main__":
    main()
