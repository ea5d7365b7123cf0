"""A user's mailbox on the test Dovecot, as another mail program sees it.

usage: imap_tool.py PORT USER append FOLDER FILE [ARRIVED, e.g. "01-Sep-2026"]
       imap_tool.py PORT USER list FOLDER
       imap_tool.py PORT USER clear FOLDER
`list` prints one JSON object per message: its flags, Message-ID, subject,
In-Reply-To, and the METHOD and UID of its calendar part (parsed with
Python's email package and icalendar).
"""

import email
import email.policy
import imaplib
import json
import re
import sys

import icalendar

port, user, command, folder = sys.argv[1:5]
m = imaplib.IMAP4("127.0.0.1", int(port))
m.login(user, "secret")
if command == "append":
    data = open(sys.argv[5], "rb").read()
    arrived = f'"{sys.argv[6]} 09:00:00 +0000"' if len(sys.argv) > 6 else None
    typ, answer = m.append(folder, None, arrived, data)
    assert typ == "OK", answer
elif command == "clear":
    typ, count = m.select(folder)
    if int(count[0]) > 0:
        m.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
        m.expunge()
else:
    m.select(folder, readonly=True)
    typ, found = m.uid("SEARCH", None, "ALL")
    for uid in found[0].split():
        typ, parts = m.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
        meta, raw = parts[0]
        flags = re.search(rb"FLAGS \(([^)]*)\)", meta).group(1).decode().split()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        method = cal_uid = None
        for part in msg.walk():
            if part.get_content_type() == "text/calendar" and method is None:
                try:
                    cal = icalendar.Calendar.from_ical(part.get_content())
                except ValueError:
                    method = "unreadable"
                    continue
                method = str(cal.get("METHOD"))
                cal_uid = str(next(iter(cal.walk("VEVENT"))).get("UID"))
        print(json.dumps({
            "flags": flags, "message_id": msg["Message-ID"], "subject": str(msg["Subject"]),
            "in_reply_to": msg["In-Reply-To"], "method": method, "uid": cal_uid,
        }))
m.logout()
