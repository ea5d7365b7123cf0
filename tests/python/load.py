"""A bounded load run against `neitakk serve`: two users, mixed traffic
(uploads, page views, sends through the real mail server, API reads) for a
fixed time. It fails on any 5xx answer or any lost write: every upload the
server took is listed afterwards, and every reply it said it sent is in the
outbox as sent and in the mail server's Maildir.

usage: load.py BASE_URL SETUP_LINK CALENDAR MAILDIR SECONDS
Prints a table of what was done and how fast.
"""

import http.cookiejar
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

base, setup_link, calendar_path, maildir, seconds = sys.argv[1:6]
seconds = float(seconds)
calendar = open(calendar_path, "rb").read()
WEEK = "2026-W49"
PASSWORD = "langt-passord-1"


class User:
    """One person: a browser session (cookies) and an API token."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = None

    def call(self, method, path, data=None, headers=None, api=False):
        """(status, body text) for one request; HTTP errors are answers too."""
        h = dict(headers or {})
        if api:
            h["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(base + path, data=data, method=method, headers=h)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def form(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        return self.call("POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def csrf(self, path):
        _, page = self.call("GET", path)
        return re.search(r'name="csrf" value="([^"]*)"', page).group(1)

    def login(self, email):
        status, _ = self.form("/login", {"csrf": self.csrf("/login"), "email": email, "password": PASSWORD})
        assert status == 200, f"login of {email}: {status}"
        _, page = self.form("/settings/token", {"csrf": self.csrf("/settings"), "name": "load"})
        self.token = re.search(r'<code id="new-token">([^<]*)', page).group(1)


# The admin, through the setup link, and a member the admin adds.
admin = User()
path = urllib.parse.urlparse(setup_link).path
status, _ = admin.form(path, {"csrf": admin.csrf(path), "name": "Ingrid Berg",
                              "email": "ingrid.berg@fjellfjord.no", "password": PASSWORD})
assert status == 200, f"setup: {status}"
admin.login("ingrid.berg@fjellfjord.no")
status, _ = admin.form("/users", {"csrf": admin.csrf("/users"), "name": "Ola Hansen",
                                  "email": "ola.hansen@fjellfjord.no", "role": "member", "password": PASSWORD})
assert status == 200, f"adding the member: {status}"
member = User()
member.login("ola.hansen@fjellfjord.no")
users = [admin, member]

lock = threading.Lock()
timings = {}  # kind -> [seconds]
statuses = {}  # status -> count
uploads = {id(u): [] for u in users}  # calendar ids the server took
sent = {id(u): [] for u in users}  # draft ids of replies it said it sent
server_errors = []


def record(kind, status, took, body):
    with lock:
        timings.setdefault(kind, []).append(took)
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500:
            server_errors.append(f"{kind}: {status} {body[:300]}")


def timed(kind, user, *args, **kwargs):
    started = time.monotonic()
    status, body = user.call(*args, **kwargs)
    record(kind, status, time.monotonic() - started, body)
    return status, body


for u in users:
    status, body = timed("upload", u, "POST", "/api/v1/calendars?name=uke49.ics", calendar, api=True)
    assert status == 201, f"first upload: {status} {body}"
    uploads[id(u)].append(json.loads(body)["id"])
_, body = admin.call("GET", f"/api/v1/triage?week={WEEK}", api=True)
meetings = [(m["uid"], m["start"]) for m in json.loads(body)["meetings"] if m["client"] and m["strategy"]]
assert meetings, "no client meetings to answer"
STRATEGIES = ["phone-call", "shorten", "decline", "reschedule", None]


def work(user, lane):
    n = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        step = (n + lane) % 10
        if step in (0, 5):
            timed("api read", user, "GET", f"/api/v1/triage?week={WEEK}", api=True)
        elif step == 1:
            timed("api read", user, "GET", "/api/v1/events?from=2026-11-30&to=2026-12-07", api=True)
        elif step in (2, 6):
            timed("page view", user, "GET", f"/week?week={WEEK}")
        elif step == 3:
            timed("page view", user, "GET", "/outbox")
        elif step == 4 and n % 40 == 4 + lane:
            status, body = timed("upload", user, "POST", f"/api/v1/calendars?name=load-{lane}-{n}.ics",
                                 calendar, api=True)
            if status == 201:
                with lock:
                    uploads[id(user)].append(json.loads(body)["id"])
        elif step in (7, 8):
            uid, start = meetings[(n // 10 + lane) % len(meetings)]
            strategy = STRATEGIES[(n // 10) % len(STRATEGIES)]
            reply = {"uid": uid, "start": start, "send": True, "lang": "en"}
            if strategy:
                reply["strategy"] = strategy
            status, body = timed("send", user, "POST", "/api/v1/reply", json.dumps(reply).encode(),
                                 {"Content-Type": "application/json"}, api=True)
            if status == 200 and json.loads(body).get("sent"):
                with lock:
                    sent[id(user)].extend(json.loads(body)["drafts"])
        else:
            timed("page view", user, "GET", f"/meeting?uid={urllib.parse.quote(meetings[0][0])}"
                                             f"&start={urllib.parse.quote(meetings[0][1])}")
        n += 1


started = time.monotonic()
threads = [threading.Thread(target=work, args=(u, lane)) for u in users for lane in (0, 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started

# No write is lost: every upload is listed, every reply said to be sent is
# sent in the outbox and in the Maildir.
lost = []
arrived = ""
for entry in os.scandir(os.path.join(maildir, "new")):
    arrived += open(entry.path, encoding="utf-8", errors="replace").read()
for u in users:
    _, body = u.call("GET", "/api/v1/calendars", api=True)
    listed = {c["id"] for c in json.loads(body)["calendars"]}
    lost += [f"upload {i}" for i in uploads[id(u)] if i not in listed]
    _, body = u.call("GET", "/api/v1/drafts", api=True)
    drafts = {d["id"]: d for d in json.loads(body)["drafts"]}
    for i in sent[id(u)]:
        d = drafts.get(i)
        if d is None or not d.get("sent_at"):
            lost.append(f"draft {i} not sent in the outbox")
        elif f"Message-ID: {d['message_id']}" not in arrived:
            lost.append(f"draft {i} ({d['message_id']}) not at the mail server")

total = sum(statuses.values())
print(f"load run: 2 users, 4 connections, {elapsed:.1f} s, {total} requests, {total / elapsed:.0f} per second")
print("| kind | requests | p50 (ms) | p99 (ms) |")
print("| --- | ---: | ---: | ---: |")
for kind in sorted(timings):
    t = sorted(timings[kind])
    p = lambda q: t[min(len(t) - 1, int(q * len(t)))] * 1000  # noqa: E731
    print(f"| {kind} | {len(t)} | {p(0.5):.0f} | {p(0.99):.0f} |")
print("answers: " + ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items())))
writes = sum(len(v) for v in uploads.values()) + sum(len(v) for v in sent.values())
print(f"writes checked: {writes} ({sum(len(v) for v in uploads.values())} uploads, "
      f"{sum(len(v) for v in sent.values())} sent messages); lost: {len(lost)}; 5xx: {len(server_errors)}")
for e in server_errors[:10] + lost[:10]:
    print("  " + e)
sys.exit(1 if server_errors or lost else 0)
