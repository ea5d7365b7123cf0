"""An SMTP server for the tests (aiosmtpd): saves every message it receives
into a Maildir. Logins are required and checked: user "neitakk", password
"secret"; over plain text, as it listens on loopback only.

usage: smtp_sink.py PORT MAILDIR
"""
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"neitakk" and auth_data.password == b"secret"
    # handled=False: aiosmtpd answers 535 itself (handled=True would leave the client waiting)
    return AuthResult(success=ok, handled=False)


def main():
    port, maildir = int(sys.argv[1]), sys.argv[2]
    controller = Controller(
        Mailbox(maildir),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


main()
