#!/usr/bin/env python3
"""A real SMTP server process for madoguchi's mail tests (aiosmtpd).

Each accepted message is decoded with Python's `email` package and written to OUT_DIR as one
JSON file (written to a temporary name, then renamed), so the Rust tests compare the exact
Japanese subject and body that a mail client would show.

Modes:
  accept            accept everything
  tempfail          answer 451 to the first --count DATA commands, then accept
  reject            answer 550 to every recipient
  stall             accept the TCP connection, then never say a word
Options:
  --tls-dir D       offer STARTTLS (and require it) with a throw-away CA + server certificate made
                    with the `openssl` CLI in D (D/ca.pem is what the client must trust)
  --port P          listen on P (default: a free port); the port is written to --port-file
"""
import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import ssl
import subprocess
import sys

from aiosmtpd.smtp import SMTP


def make_certs(d):
    ca, key = os.path.join(d, "ca.pem"), os.path.join(d, "server.key")
    crt = os.path.join(d, "server.pem")
    if os.path.exists(crt):
        return crt, key
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)
    run("openssl", "req", "-x509", *ec, "-keyout", os.path.join(d, "ca.key"), "-out", ca,
        "-days", "2", "-subj", "/CN=madoguchi test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("openssl", "req", *ec, "-keyout", key, "-out", os.path.join(d, "server.csr"),
        "-subj", "/CN=127.0.0.1")
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", os.path.join(d, "server.csr"), "-CA", ca,
        "-CAkey", os.path.join(d, "ca.key"), "-CAcreateserial", "-out", crt, "-days", "2",
        "-extfile", ext)
    return crt, key


class Handler:
    def __init__(self, args):
        self.args = args
        self.tempfails = 0
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.mode == "reject":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.mode == "tempfail" and self.tempfails < self.args.count:
            self.tempfails += 1
            return "451 4.3.0 Temporary failure, try again later"
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        part = msg.get_body(("plain",)) or msg
        self.n += 1
        rec = {
            "message_id": str(msg["Message-ID"]),
            "subject": str(msg["Subject"]),
            "from": str(msg["From"]),
            "reply_to": str(msg.get("Reply-To", "")),
            "to": str(msg["To"]),
            "date": str(msg.get("Date", "")),
            "content_type": msg.get_content_type(),
            "charset": part.get_content_charset(),
            "cte": str(part.get("Content-Transfer-Encoding", "")),
            "body": part.get_content(),
            "envelope_from": envelope.mail_from,
            "envelope_to": list(envelope.rcpt_tos),
            "tls": session.ssl is not None,
        }
        name = f"{os.getpid()}-{self.n:07d}.json"
        tmp = os.path.join(self.args.dir, "." + name)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(rec, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.args.dir, name))
        return f"250 2.0.0 Ok: queued as {os.getpid()}-{self.n}"


async def stall(reader, writer):
    await asyncio.sleep(3600)


async def main(args):
    loop = asyncio.get_running_loop()
    if args.mode == "stall":
        server = await asyncio.start_server(stall, "127.0.0.1", args.port)
    else:
        ctx = None
        if args.tls_dir:
            crt, key = make_certs(args.tls_dir)
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(crt, key)
        handler = Handler(args)
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="localhost", tls_context=ctx,
                         require_starttls=ctx is not None, decode_data=False),
            "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, args.port_file)
    await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--mode", default="accept", choices=["accept", "tempfail", "reject", "stall"])
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--tls-dir")
    p.add_argument("--port", type=int, default=0)
    # Expected failures (an untrusted CA in a test) would fill the test output with tracebacks.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    try:
        asyncio.run(main(p.parse_args()))
    except KeyboardInterrupt:
        sys.exit(0)
