#!/usr/bin/env python3
"""Reference figure for benches/mail.rs: send N messages like madoguchi's (Japanese subject,
UTF-8 base64 body) over ONE smtplib connection to the same local aiosmtpd. Prints mails/s."""
import sys
import time
import smtplib
from email.message import EmailMessage

port, n = int(sys.argv[1]), int(sys.argv[2])
msgs = []
for i in range(n):
    m = EmailMessage()
    m["From"] = "iidabashi@example.go.jp"
    m["To"] = f"user{i}@example.co.jp"
    m["Subject"] = "【ハローワーク】登録ID（メールアドレス）のお知らせ"
    m["Message-ID"] = f"<py{i:06d}.bench@example.go.jp>"
    m.set_content(f"登録ID： user{i}@example.co.jp\nハローワーク飯田橋\n", cte="base64")
    msgs.append(m)
start = time.perf_counter()
with smtplib.SMTP("127.0.0.1", port) as s:
    for m in msgs:
        s.send_message(m)
took = time.perf_counter() - start
print(f"{n / took:.1f}")
