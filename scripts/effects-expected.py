#!/usr/bin/env python3
"""Records what real Redis says each command changed, for the effects tests.

For every `<family>.cmds` file given, runs its commands against a fresh
redis-server (Debian's package) with keyspace notifications on and writes
`<family>.txt` beside it: each command line followed by a `>` line with the
keyspace events Redis emitted (`event:key`, or `event@db:key` outside db 0) and
`dirty=N`, the growth of `rdb_changes_since_last_save`, then a `=` line with
what Redis appended to its AOF for the command (its propagated form:
commands separated by ` ; `, SELECT/MULTI/EXEC left out, Unix-ms times shown
as `<ms>`, members SPOP chose at random as `*`). The in-process test
(`crates/server/src/exec/tests.rs`) replays the commands on Cinnabar and
compares its effects record with these lines.

A `.cmds` file holds one command per line, words separated by spaces; `#`
starts a comment; `SLEEP ms` pauses. Each file starts from an empty server.

Usage: scripts/effects-expected.py crates/server/tests/effects/*.cmds
"""

import os
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conn:
    """A minimal RESP2 client."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.sock.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b"-", b":"):
            return rest
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise ValueError(line)

    def call(self, *args):
        self.send(*args)
        return self.reply()


def parse_commands(data):
    """The commands (lists of bytes) in a stretch of AOF."""
    conn = Conn.__new__(Conn)
    conn.buf = data
    conn.sock = None
    out = []
    while conn.buf:
        out.append(conn.reply())
    return out


def shown_propagation(data, spop):
    shown = []
    for argv in parse_commands(data):
        name = argv[0].upper()
        if name in (b"SELECT", b"MULTI", b"EXEC"):
            continue
        words = []
        for i, a in enumerate(argv):
            w = a.decode(errors="replace")
            if w.isdigit() and len(w) == 13:
                w = "<ms>"
            if spop and name == b"SREM" and i >= 2:
                w = "*"
            words.append(w)
        shown.append(" ".join(words))
    return " ; ".join(shown)


def incr_aof(workdir):
    for root, _, files in os.walk(workdir):
        for f in files:
            if f.endswith(".incr.aof"):
                return os.path.join(root, f)
    raise RuntimeError("no incremental AOF file")


def dirty(conn):
    info = conn.call("INFO", "persistence").decode()
    for line in info.splitlines():
        if line.startswith("rdb_changes_since_last_save:"):
            return int(line.split(":")[1])
    raise RuntimeError("no dirty counter")


def record(port, path, workdir):
    aof = incr_aof(workdir)
    cmd = Conn(port)
    # The counter is read on a connection of its own: `cmd` may be inside MULTI.
    info = Conn(port)
    sub = Conn(port)
    sub.call("PSUBSCRIBE", "__keyevent@*__:*")
    sub.call("SUBSCRIBE", "effects-marker")
    cmd.call("FLUSHALL")
    out = []
    marker = 0
    for raw in open(path):
        line = raw.strip()
        if not line or line.startswith("#"):
            out.append(raw.rstrip("\n"))
            continue
        words = line.split(" ")
        if words[0].upper() == "SLEEP":
            time.sleep(int(words[1]) / 1000)
            out.append(line)
            continue
        before = dirty(info)
        aof_start = os.path.getsize(aof)
        cmd.call(*words)
        with open(aof, "rb") as f:
            f.seek(aof_start)
            appended = f.read()
        after = dirty(info)
        marker += 1
        info.call("PUBLISH", "effects-marker", marker)
        events = []
        while True:
            msg = sub.reply()
            if msg[0] == b"message":
                break
            channel = msg[2].decode()
            db = int(channel.split("@")[1].split("__")[0])
            event = channel.split("__:", 1)[1]
            key = msg[3].decode()
            events.append(f"{event}:{key}" if db == 0 else f"{event}@{db}:{key}")
        out.append(line)
        out.append("> " + " ".join(events + [f"dirty={after - before}"]))
        out.append("= " + shown_propagation(appended, words[0].upper() == "SPOP"))
    target = path[: -len(".cmds")] + ".txt"
    with open(target, "w") as f:
        f.write("# Generated by scripts/effects-expected.py from redis-server; do not edit.\n")
        f.write("\n".join(out) + "\n")
    print(f"wrote {target}")


def main():
    port = free_port()
    workdir = tempfile.mkdtemp()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "",
         "--dir", workdir, "--notify-keyspace-events", "KEA",
         "--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no",
         "--enable-debug-command", "yes"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                Conn(port).call("PING")
                break
            except OSError:
                time.sleep(0.05)
        Conn(port).call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        for path in sys.argv[1:]:
            record(port, path, workdir)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
