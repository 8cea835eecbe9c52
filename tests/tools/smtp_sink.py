#!/usr/bin/env python3
"""A real SMTP server for the mail tests (Debian python3-aiosmtpd), on 127.0.0.1.

usage: smtp_sink.py PORT DIR [--starttls CERT KEY | --tls CERT KEY] [--login USER:PASSWORD]
  PORT 0: any free port.
  --starttls: offers STARTTLS with this certificate (PEM chain) and key, and refuses mail
              before it (530).
  --tls:      TLS from the first byte (smtps), with this certificate and key.
  --login:    requires AUTH (PLAIN or LOGIN) with these credentials, over TLS only.
Writes each message it accepts to DIR/<random>.eml (atomically: written, then renamed),
with the envelope as X-Envelope-From/X-Envelope-To lines, and how it came as X-Sink-TLS
(yes/no) and X-Sink-Login (the authenticated user, or "-"), before the message as received.
Says "listening on <port>" on stderr once it accepts connections.
"""
import argparse
import asyncio
import os
import socket
import ssl
import sys
import uuid

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex + ".eml"
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        login = "-"
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode()
        with open(temporary, "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-Sink-TLS: %s\r\nX-Sink-Login: %s\r\n"
                     % (envelope.mail_from, ",".join(envelope.rcpt_tos), "yes" if over_tls else "no",
                        login)).encode())
            f.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


def server_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator_for(credentials):
    user, password = credentials.encode().split(b":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
        return AuthResult(success=ok, auth_data=auth_data if ok else None)

    return authenticate


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("directory")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--login", metavar="USER:PASSWORD")
    args = parser.parse_args()

    options = {"hostname": "sink.test"}
    listen_tls = None
    if args.starttls:
        options.update(tls_context=server_context(*args.starttls), require_starttls=True)
    elif args.tls:
        listen_tls = server_context(*args.tls)
    if args.login:
        # Over smtps the connection is TLS already, though aiosmtpd only knows of STARTTLS.
        options.update(authenticator=authenticator_for(args.login), auth_required=True,
                       auth_require_tls=listen_tls is None)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(64)
    sink = Sink(args.directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, **options), sock=sock, ssl=listen_tls)
    print("listening on %d" % sock.getsockname()[1], file=sys.stderr, flush=True)
    await server.serve_forever()


asyncio.run(main())
