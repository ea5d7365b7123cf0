"""Peer: expand a calendar in a window with icalendar + recurring-ical-events.

usage: expand.py FILE FROM TO   (dates, YYYY-MM-DD); prints uid and start per occurrence
"""
import sys
from datetime import date

import icalendar
import recurring_ical_events


def main():
    path, start, end = sys.argv[1], date.fromisoformat(sys.argv[2]), date.fromisoformat(sys.argv[3])
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    out = sys.stdout
    n = 0
    for ev in recurring_ical_events.of(cal).between(start, end):
        out.write(f"{ev.get('UID')} {ev.get('DTSTART').dt.isoformat()}\n")
        n += 1
    print(n, file=sys.stderr)


main()
