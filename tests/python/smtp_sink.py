"""An SMTP server for the tests (aiosmtpd): saves every message it receives
into a Maildir. Logins are required and checked: user "neitakk", password
"secret", or SASL XOAUTH2 with the access token "fresh-token" (any other
token is refused, as an expired one is).

usage: smtp_sink.py PORT MAILDIR [starttls|tls CA_OUT]
  plain (default): no encryption, as it listens on loopback only
  starttls: STARTTLS required before login; tls: TLS from the first byte.
  Both use a certificate for "localhost" from a throwaway CA (trustme),
  whose certificate is written to CA_OUT for the client to trust.
"""
import base64
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"neitakk" and auth_data.password == b"secret"
    # handled=False: aiosmtpd answers 535 itself (handled=True would leave the client waiting)
    return AuthResult(success=ok, handled=False)


class Sink(Mailbox):
    async def auth_XOAUTH2(self, server, args):
        """SASL XOAUTH2: user=...^Aauth=Bearer TOKEN^A^A, sent with the command."""
        try:
            fields = base64.b64decode(args[1]).decode().split("\x01")
        except Exception:
            return AuthResult(success=False, handled=False)
        token = next((f[len("auth=Bearer "):] for f in fields if f.startswith("auth=Bearer ")), None)
        return AuthResult(success=token == "fresh-token", handled=False)


def main():
    port, maildir = int(sys.argv[1]), sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "plain"
    options = dict(hostname="localhost", port=port, authenticator=authenticator, auth_required=True)
    if mode == "plain":
        options.update(hostname="127.0.0.1", auth_require_tls=False)
    else:
        import ssl

        import trustme

        ca = trustme.CA()
        ca.cert_pem.write_to_path(sys.argv[4])
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        if mode == "starttls":
            options.update(tls_context=context, require_starttls=True)
        else:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; this whole connection is TLS.
            options.update(ssl_context=context, auth_require_tls=False)
    controller = Controller(Sink(maildir), **options)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


main()
