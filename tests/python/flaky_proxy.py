"""An HTTP proxy in front of the test CalDAV server that misbehaves on
purpose, to test how neitakk copes.

usage: flaky_proxy.py PORT UPSTREAM_PORT MODE
  MODE "412": the first PUT is answered 412 (the event changed meanwhile);
              the rest pass through.
  MODE "500": every PUT is answered 500.
  MODE "schedule": the server says it schedules (RFC 6638): OPTIONS gains
              "DAV: calendar-auto-schedule"; everything passes through.
Prints "ready" once listening.
"""
import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, UPSTREAM, MODE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
state = {"puts": 0}


class Proxy(BaseHTTPRequestHandler):
    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.command == "PUT":
            state["puts"] += 1
            if MODE == "500" or (MODE == "412" and state["puts"] == 1):
                code = 500 if MODE == "500" else 412
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        conn = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                self.send_header(k, v)
        if MODE == "schedule" and self.command == "OPTIONS":
            self.send_header("DAV", "calendar-auto-schedule")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_REPORT = do_OPTIONS = do_PROPFIND = do_MKCALENDAR = forward

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Proxy)
print("ready", flush=True)
server.serve_forever()
