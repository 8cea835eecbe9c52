#!/usr/bin/env python3
"""A real SMTP server for the mail tests (Debian python3-aiosmtpd), on 127.0.0.1.

usage: smtp_sink.py PORT DIR   (PORT 0: any free port)
Writes each message it accepts to DIR/<random>.eml (atomically: written, then renamed),
with the envelope as X-Envelope-From/X-Envelope-To lines before the message as received.
Says "listening on <port>" on stderr once it accepts connections.
"""
import asyncio
import os
import socket
import sys
import uuid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex + ".eml"
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n"
                     % (envelope.mail_from, ",".join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


async def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    sink = Sink(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test"), sock=sock)
    print("listening on %d" % sock.getsockname()[1], file=sys.stderr, flush=True)
    await server.serve_forever()


asyncio.run(main())
