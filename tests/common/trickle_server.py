"""A hostile SMTP server for the mail tests: it accepts every connection and trickles its
greeting one byte at a time (`--interval` seconds apart), never finishing a line, so a client
whose timeout bounds each read (not the exchange) waits for ever. The port is written to
`--port-file` once listening. Standard library only."""

import argparse
import socket
import threading
import time


def trickle(conn, interval):
    try:
        conn.sendall(b"220-")
        while True:
            time.sleep(interval)
            conn.sendall(b"x")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--interval", type=float, default=0.2)
    a = p.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(s.getsockname()[1]))
    import os

    os.replace(tmp, a.port_file)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=trickle, args=(conn, a.interval), daemon=True).start()


if __name__ == "__main__":
    main()
