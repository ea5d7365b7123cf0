"""A token introspection endpoint (RFC 7662) for Dovecot's oauth2 passdb:
the one token it knows is active, for user "oauth1"; any other is not
(as an expired one is not).

usage: introspect.py PORT
"""

import http.server
import json
import sys
import urllib.parse

ACTIVE = {"fresh-token": "oauth1"}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        token = (form.get("token") or [""])[0]
        user = ACTIVE.get(token)
        body = json.dumps({"active": "true", "username": user} if user else {"active": "false"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("ready", flush=True)
server.serve_forever()
