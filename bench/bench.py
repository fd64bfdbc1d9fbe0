#!/usr/bin/env python3
"""Cinnabar vs redis-server benchmark (throughput, memory per key, instructions
per request).  Stdlib only.  Normally started through bench/run.sh.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import datetime as dt
import io
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ next to the scripts
sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import DATASETS, PRELOADS  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

REDIS_BENCHMARK = os.environ.get("REDIS_BENCHMARK", "redis-benchmark")
REDIS_CLI = os.environ.get("REDIS_CLI", "redis-cli")

NOTES: list[str] = []


def log(msg: str) -> None:
    ts = time.strftime("%H:%M:%S")
    print(f"[{ts}] {msg}", file=sys.stderr, flush=True)


def note(msg: str) -> None:
    log("NOTE: " + msg)
    if msg not in NOTES:
        NOTES.append(msg)


# --------------------------------------------------------------------------
# CPU pinning
# --------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")
HAVE_TASKSET = shutil.which("taskset") is not None


def pin(cpus: str | None) -> list[str]:
    if not cpus or not HAVE_TASKSET:
        return []
    return ["taskset", "-c", cpus]


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------

def free_ports(k: int) -> list[int]:
    socks, ports = [], []
    for _ in range(k):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def cli(port: int, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess:
    return subprocess.run([REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), *args],
                          capture_output=True, text=True, timeout=timeout)


def ping(port: int) -> bool:
    try:
        r = cli(port, "PING", timeout=3)
        return r.returncode == 0 and "PONG" in r.stdout
    except subprocess.TimeoutExpired:
        return False


ALL_SERVERS: list["Server"] = []


@dataclass
class Server:
    key: str              # redis | cinnabar | cinnabar_1t
    label: str            # for tables
    binary: str
    extra: list[str]
    cpus: str | None
    out: Path
    valgrind_out: Path | None = None
    port: int = 0
    proc: subprocess.Popen | None = None
    restarts: int = 0
    logfile: Path | None = None
    _log_fh: object = field(default=None, repr=False)

    def argv(self) -> list[str]:
        base = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", *self.extra]
        if self.valgrind_out is not None:
            base = ["valgrind", "--tool=callgrind", "--trace-children=no",
                    f"--callgrind-out-file={self.valgrind_out}", *base]
        return pin(self.cpus) + base

    def start(self, port: int | None = None) -> None:
        tries = 0
        while True:
            tries += 1
            self.port = port if port and tries == 1 else free_ports(1)[0]
            logs = self.out / "logs"
            logs.mkdir(parents=True, exist_ok=True)
            suffix = "-callgrind" if self.valgrind_out else ""
            self.logfile = logs / f"{self.key}{suffix}-{self.port}.log"
            self._log_fh = open(self.logfile, "wb")
            cwd = self.out / "tmp"
            cwd.mkdir(parents=True, exist_ok=True)
            self.proc = subprocess.Popen(self.argv(), stdout=self._log_fh,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         cwd=cwd, start_new_session=True)
            ALL_SERVERS.append(self)
            _record_pid(self.proc.pid)
            deadline = time.time() + (180 if self.valgrind_out else 20)
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                if ping(self.port):
                    return
                time.sleep(0.1)
            self._kill()
            if tries >= 3:
                tail = self.logfile.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.label} failed to start: {' '.join(map(shlex.quote, self.argv()))}\n"
                                   f"--- log tail ---\n{tail}")
            log(f"{self.label} did not start on port {self.port}, retrying")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and ping(self.port)

    def ensure_alive(self) -> None:
        if self.alive():
            return
        rc = self.proc.poll() if self.proc else None
        note(f"{self.label} was not responding (exit code {rc}); restarted it "
             f"(log: {self.logfile})")
        self._kill()
        self.restarts += 1
        self.start()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def proc_status(self, field_name: str) -> int | None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        return None

    def rss_bytes(self) -> int | None:
        kb = self.proc_status("VmRSS")
        return None if kb is None else kb * 1024

    def cpu_seconds(self) -> float | None:
        """user + system CPU time of the whole process (all threads)."""
        try:
            st = Path(f"/proc/{self.pid}/stat").read_text()
            fields = st[st.rindex(")") + 2:].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, ValueError, IndexError):
            return None

    def threads(self) -> int | None:
        return self.proc_status("Threads")

    def info_field(self, section: str, name: str) -> int | None:
        try:
            r = cli(self.port, "INFO", section)
        except subprocess.TimeoutExpired:
            return None
        m = re.search(rf"^{re.escape(name)}:(\d+)", r.stdout, re.M)
        return int(m.group(1)) if m else None

    def stop(self, timeout: float | None = None) -> None:
        """Graceful stop: SHUTDOWN NOSAVE, then SIGTERM, then SIGKILL."""
        if self.proc is None:
            return
        if timeout is None:
            timeout = 300 if self.valgrind_out else 15
        if self.proc.poll() is None:
            try:
                cli(self.port, "SHUTDOWN", "NOSAVE", timeout=5)
            except subprocess.TimeoutExpired:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log(f"{self.label}: SHUTDOWN did not stop it, sending SIGTERM")
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    log(f"{self.label}: SIGTERM did not stop it, sending SIGKILL")
                    self.proc.kill()
                    self.proc.wait()
        self._close()

    def _kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._close()

    def _close(self) -> None:
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None
        if self in ALL_SERVERS:
            ALL_SERVERS.remove(self)


PIDFILE: Path | None = None


def _record_pid(pid: int) -> None:
    if PIDFILE is not None:
        with open(PIDFILE, "a") as fh:
            fh.write(f"{pid}\n")


def _cleanup() -> None:
    for s in list(ALL_SERVERS):
        try:
            if s.proc is not None and s.proc.poll() is None:
                s.proc.terminate()
                try:
                    s.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    s.proc.kill()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
        s._close()


def _on_signal(signum, _frame):
    log(f"got signal {signum}, stopping servers")
    sys.exit(128 + signum)


# --------------------------------------------------------------------------
# redis-benchmark / redis-cli --pipe helpers
# --------------------------------------------------------------------------

@dataclass
class Test:
    name: str            # label for tables
    builtin: str | None  # -t name, or None for a custom command
    command: list[str]   # custom command argv
    preload: str | None


def parse_tests(tests: str, cmds: list[str]) -> list[Test]:
    out: list[Test] = []
    for t in [x.strip() for x in tests.split(",") if x.strip()]:
        out.append(Test(t.upper(), t.lower(), [], None))
    for c in cmds:
        words = shlex.split(c)
        pre = None
        if words and words[0].startswith("@"):
            pre = words[0][1:]
            words = words[1:]
            if pre not in PRELOADS:
                sys.exit(f"unknown preload @{pre} (known: {', '.join(PRELOADS)})")
        if not words:
            sys.exit(f"empty custom command: {c!r}")
        out.append(Test(" ".join(words), None, words, pre))
    return out


def run_benchmark(port: int, test: Test, cfg, pipeline: int, requests: int) -> tuple[float | None, str]:
    args = [REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(port),
            "-c", str(cfg.clients), "-r", str(cfg.keyspace), "-d", str(cfg.datasize),
            "-n", str(requests), "-P", str(pipeline), "--csv"]
    if test.builtin:
        args += ["-t", test.builtin]
    else:
        args += test.command
    # generous timeout: 20 s + 1 s per 5k requests (servers hang => redis-benchmark hangs)
    timeout = 20 + requests / 5000
    try:
        r = subprocess.run(pin(cfg.client_cpus) + args, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout:.0f}s"
    rows = list(csv.reader(io.StringIO(r.stdout)))
    want = test.builtin.upper() if test.builtin else None
    for row in rows[1:]:
        if not row:
            continue
        name = row[0]
        first = re.split(r"[ (]", name, 1)[0].upper()
        if want is None or first == want:
            try:
                rps = float(row[1])
            except (ValueError, IndexError):
                continue
            err = r.stderr.strip()
            if r.returncode != 0:
                return None, f"exit {r.returncode}: {err[:200]}"
            return rps, ("stderr: " + err[:200]) if "error" in err.lower() else ""
    err = (r.stderr.strip() or r.stdout.strip())[:300]
    return None, f"no result (exit {r.returncode}): {err}"


def pipe_load(port: int, chunks, cpus: str | None, expect_replies: int) -> tuple[bool, str]:
    """Send RESP chunks through `redis-cli --pipe`. Returns (ok, message)."""
    p = subprocess.Popen(pin(cpus) + [REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), "--pipe"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    assert p.stdin is not None
    try:
        for c in chunks:
            p.stdin.write(c)
        p.stdin.close()
    except BrokenPipeError:
        pass
    # redis-cli --pipe only prints a few lines at the end and gives up by itself
    # when the server stops answering (--pipe-timeout, 30 s), so this can't hang.
    assert p.stdout is not None
    out = p.stdout.read()
    p.wait()
    text = out.decode(errors="replace")
    m = re.search(r"errors:\s*(\d+),\s*replies:\s*(\d+)", text)
    if not m:
        return False, f"redis-cli --pipe: {text.strip()[-300:]}"
    errors, replies = int(m.group(1)), int(m.group(2))
    if errors or replies != expect_replies or p.returncode != 0:
        return False, f"errors={errors} replies={replies} (expected {expect_replies})"
    return True, f"replies={replies}"


def preload(server: Server, name: str, cpus: str | None) -> None:
    chunks = PRELOADS[name]()
    ok, msg = pipe_load(server.port, chunks, cpus, len(chunks))
    if not ok:
        note(f"preload @{name} on {server.label} failed: {msg}")


# --------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------

def first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else e.__class__.__name__


def fmt_int(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}"


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def md_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or ("l" + "r" * (len(header) - 1))
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# 1. Throughput
# --------------------------------------------------------------------------

def section_throughput(cfg, specs: list[dict]) -> tuple[str, dict]:
    tests = parse_tests(cfg.tests, cfg.cmd)
    servers = [Server(out=cfg.out, **s) for s in specs]
    log("throughput: starting " + ", ".join(s.label for s in servers))
    ports = free_ports(len(servers))
    raw: dict = {}
    try:
        for s, p in zip(list(servers), ports):
            try:
                s.start(p)
            except RuntimeError as e:
                if s.key == "redis":
                    raise
                note(f"throughput: {s.label} did not start, left out. {first_line(e)} (log: {s.logfile})")
                servers.remove(s)
        threads = {s.key: s.threads() for s in servers}
        # Short warm-up so no server is measured cold (same commands for all).
        for s in servers:
            run_benchmark(s.port, Test("SET", "set,get", [], None), cfg, 1,
                          min(cfg.n, 20000))
        results: dict[tuple[str, int], dict[str, list[float]]] = {}
        cpu: dict[tuple[str, int], dict[str, list[float]]] = {}
        errors: dict[tuple[str, int, str], list[str]] = {}
        for pipeline in cfg.pipelines:
            requests = cfg.n * (cfg.pipeline_n_mult if pipeline > 1 else 1)
            for t in tests:
                key = (t.name, pipeline)
                results[key] = {s.key: [] for s in servers}
                cpu[key] = {s.key: [] for s in servers}
                for run in range(cfg.runs):
                    parts = []
                    for s in servers:  # alternate A, B, C, A, B, C ...
                        s.ensure_alive()
                        if t.preload:
                            preload(s, t.preload, cfg.client_cpus)
                        pid0, c0 = s.pid, s.cpu_seconds()
                        rps, err = run_benchmark(s.port, t, cfg, pipeline, requests)
                        c1 = s.cpu_seconds()
                        if rps is not None and not err:
                            results[key][s.key].append(rps)
                            if c0 is not None and c1 is not None and s.pid == pid0:
                                cpu[key][s.key].append((c1 - c0) * 1e9 / requests)
                            parts.append(f"{s.key}={rps:,.0f}")
                        else:
                            if rps is not None:
                                results[key][s.key].append(rps)
                            errors.setdefault((t.name, pipeline, s.key), []).append(err)
                            parts.append(f"{s.key}={fmt_int(rps)}!")
                    log(f"throughput {t.name} P={pipeline} run {run + 1}/{cfg.runs}: "
                        + " ".join(parts))
    finally:
        for s in servers:
            s.stop()

    have_1t = any(s.key == "cinnabar_1t" for s in servers)
    header = ["test", "pipeline", "redis rps", "cinnabar rps", "ratio"]
    if have_1t:
        header += ["cinnabar 1-thread rps", "ratio"]
    if cfg.runs > 1:
        header += ["spread"]
    rows = []
    for (name, pipeline), per in results.items():
        med = {k: median(v) for k, v in per.items()}

        def cell(k: str) -> str:
            mark = " †" if (name, pipeline, k) in errors else ""
            return fmt_int(med.get(k)) + mark

        row = [name, str(pipeline), cell("redis"), cell("cinnabar"),
               fmt_ratio(med.get("cinnabar"), med.get("redis"))]
        if have_1t:
            row += [cell("cinnabar_1t"), fmt_ratio(med.get("cinnabar_1t"), med.get("redis"))]
        if cfg.runs > 1:
            spreads = [(max(v) - min(v)) / statistics.median(v) for v in per.values() if len(v) > 1]
            row += [f"{100 * max(spreads):.0f}%" if spreads else "n/a"]
        rows.append(row)
        raw[f"{name}|P{pipeline}"] = {"runs": per, "median": med}
    cpu_rows = []
    for (name, pipeline), per in cpu.items():
        med = {k: median(v) for k, v in per.items()}
        row = [name, str(pipeline), fmt_int(med.get("redis")), fmt_int(med.get("cinnabar")),
               fmt_ratio(med.get("cinnabar"), med.get("redis"))]
        if have_1t:
            row += [fmt_int(med.get("cinnabar_1t")), fmt_ratio(med.get("cinnabar_1t"), med.get("redis"))]
        cpu_rows.append(row)
        raw[f"{name}|P{pipeline}"]["cpu_ns_per_request"] = {"runs": per, "median": med}
    cpu_header = ["test", "pipeline", "redis", "cinnabar", "ratio"]
    if have_1t:
        cpu_header += ["cinnabar 1-thread", "ratio"]
    for (name, pipeline, k), errs in errors.items():
        note(f"throughput {name} P={pipeline} on {k}: {len(errs)} problem run(s): {errs[0]}")

    md = ["## Throughput (requests/s, median of %d run%s)" % (cfg.runs, "s" if cfg.runs != 1 else ""),
          "",
          f"`redis-benchmark -c {cfg.clients} -r {cfg.keyspace} -d {cfg.datasize} "
          f"-n N -P <pipeline> --csv`, one test per invocation; N = {cfg.n:,} at pipeline 1 and "
          f"{cfg.n * cfg.pipeline_n_mult:,} when pipelined. Ratio = cinnabar / redis "
          "(> 1 means Cinnabar is faster). † = some runs had errors (see notes)."
          + (" Spread = largest (max − min) / median over the runs of any one server: "
             "ratios closer to 1 than this are within noise." if cfg.runs > 1 else ""),
          "",
          md_table(header, rows, "lr" + "r" * (len(header) - 2)),
          "",
          "### Server CPU time per request (ns, median)",
          "",
          "User + system CPU time of the server process (all threads, from /proc/PID/stat, "
          f"{1000 // CLK_TCK} ms ticks) consumed during each redis-benchmark run above, divided by "
          "its requests. Less sensitive than rps to other programs sharing the CPU. "
          "Ratio = cinnabar / redis (< 1 means Cinnabar is cheaper).",
          "",
          md_table(cpu_header, cpu_rows, "lr" + "r" * (len(cpu_header) - 2)),
          ""]
    raw["_threads"] = threads
    return "\n".join(md), raw


# --------------------------------------------------------------------------
# 2. Memory
# --------------------------------------------------------------------------

def section_memory(cfg, specs: list[dict]) -> tuple[str, dict]:
    names = list(DATASETS) if cfg.datasets == "all" else [d.strip() for d in cfg.datasets.split(",") if d.strip()]
    for n in names:
        if n not in DATASETS:
            sys.exit(f"unknown dataset {n!r} (known: {', '.join(DATASETS)}, all)")
    raw: dict = {}
    rows = []
    for name in names:
        ds = DATASETS[name](cfg.memory_scale)
        log(f"memory: generating dataset {name}: {ds.description}")
        blob = list(ds.generate())
        per: dict[str, dict] = {}
        for spec in specs:
            s = Server(out=cfg.out, **spec)
            try:
                try:
                    s.start()
                except RuntimeError as e:
                    note(f"memory {name}: {s.label} did not start. {first_line(e)} (log: {s.logfile})")
                    continue
                time.sleep(0.5)
                rss0, um0 = s.rss_bytes(), s.info_field("memory", "used_memory")
                t0 = time.time()
                ok, msg = pipe_load(s.port, blob, cfg.client_cpus, ds.commands)
                load_s = time.time() - t0
                time.sleep(0.5)
                rss1, um1 = s.rss_bytes(), s.info_field("memory", "used_memory")
                try:
                    dbsize = int(cli(s.port, "DBSIZE").stdout.strip() or -1)
                except (ValueError, subprocess.TimeoutExpired):
                    dbsize = -1
                if not ok:
                    note(f"memory {name} on {s.label}: load failed: {msg}")
                if dbsize != ds.keys:
                    note(f"memory {name} on {s.label}: DBSIZE={dbsize}, expected {ds.keys}")
                r = {
                    "rss_before": rss0, "rss_after": rss1,
                    "used_before": um0, "used_after": um1,
                    "rss_per_unit": (rss1 - rss0) / ds.units if rss0 is not None and rss1 is not None else None,
                    "used_per_unit": (um1 - um0) / ds.units if um0 is not None and um1 is not None else None,
                    "load_seconds": load_s, "dbsize": dbsize, "load_ok": ok,
                }
                per[s.key] = r
                log(f"memory {name} {s.label}: RSS {fmt_int(rss0)} -> {fmt_int(rss1)}, "
                    f"used_memory {fmt_int(um0)} -> {fmt_int(um1)}, load {load_s:.1f}s, {msg}")
            finally:
                s.stop()
        raw[name] = {"dataset": ds.description, "unit": ds.unit, "units": ds.units, "servers": per}
        rd, cn = per.get("redis", {}), per.get("cinnabar", {})

        def g(d, k):
            return d.get(k)

        rows.append([
            ds.description, ds.unit,
            fmt_int(g(rd, "rss_per_unit")), fmt_int(g(cn, "rss_per_unit")),
            fmt_ratio(g(cn, "rss_per_unit"), g(rd, "rss_per_unit")),
            fmt_int(g(rd, "used_per_unit")), fmt_int(g(cn, "used_per_unit")),
            fmt_ratio(g(cn, "used_per_unit"), g(rd, "used_per_unit")),
        ])
    md = ["## Memory per unit (bytes)",
          "",
          "Fresh server per dataset; growth of VmRSS (/proc/PID/status) and of `INFO memory` "
          "used_memory after loading with `redis-cli --pipe`, divided by the number of units. "
          "Ratio = cinnabar / redis (< 1 means Cinnabar uses less).",
          "",
          md_table(["dataset", "unit", "redis RSS", "cinnabar RSS", "ratio",
                    "redis used_memory", "cinnabar used_memory", "ratio"], rows, "llrrrrrr"),
          ""]
    return "\n".join(md), raw


# --------------------------------------------------------------------------
# 3. Instructions per request (callgrind)
# --------------------------------------------------------------------------

def callgrind_total(path: Path) -> int | None:
    """Total Ir of a callgrind output (the `totals:`/`summary:` line)."""
    total = None
    try:
        with open(path, errors="replace") as fh:
            for line in fh:
                if line.startswith("totals:") or line.startswith("summary:"):
                    total = int(line.split()[1])
                    if line.startswith("totals:"):
                        break
    except (OSError, ValueError, IndexError):
        return None
    return total


def section_callgrind(cfg, specs: list[dict]) -> tuple[str, dict]:
    if shutil.which("valgrind") is None:
        note("valgrind not found: callgrind section skipped")
        return "## Instructions per request\n\nSkipped: valgrind not installed.\n", {}
    k1, k2 = cfg.callgrind_k
    cgdir = cfg.out / "callgrind"
    cgdir.mkdir(parents=True, exist_ok=True)
    raw: dict = {}
    # Alternate servers for each K so that machine noise hits both alike.
    for k in (k1, k2):
        for spec in specs:
            key = spec["key"]
            outfile = cgdir / f"{key}-K{k}.callgrind.out"
            if outfile.exists():
                outfile.unlink()
            s = Server(out=cfg.out, valgrind_out=outfile, **spec)
            t0 = time.time()
            try:
                try:
                    s.start()
                except RuntimeError as e:
                    note(f"callgrind K={k}: {s.label} did not start. {first_line(e)} (log: {s.logfile})")
                    continue
                args = [REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(s.port), "-c", "1",
                        "-n", str(k), "-t", "set,get", "-P", "1", "--csv"]
                try:
                    r = subprocess.run(pin(cfg.client_cpus) + args, capture_output=True,
                                       text=True, timeout=120 + k / 50)
                    if r.returncode != 0 or r.stdout.count("\n") < 3:
                        note(f"callgrind {key} K={k}: redis-benchmark problem: "
                             f"{(r.stderr or r.stdout).strip()[:200]}")
                except subprocess.TimeoutExpired:
                    note(f"callgrind {key} K={k}: redis-benchmark timed out")
            finally:
                s.stop()
            ir = callgrind_total(outfile)
            raw.setdefault(key, {})[k] = ir
            log(f"callgrind {s.label} K={k}: Ir={fmt_int(ir)} ({time.time() - t0:.0f}s)")
    requests = 2 * (k2 - k1)  # SET and GET, K each
    rows = []
    per_req: dict[str, float | None] = {}
    for spec in specs:
        key = spec["key"]
        a, b = raw.get(key, {}).get(k1), raw.get(key, {}).get(k2)
        per_req[key] = (b - a) / requests if a is not None and b is not None else None
        if per_req[key] is None:
            note(f"callgrind {key}: no callgrind totals (see {cgdir})")
    base = per_req.get("redis")
    for spec in specs:
        key = spec["key"]
        a, b = raw.get(key, {}).get(k1), raw.get(key, {}).get(k2)
        rows.append([spec["label"], fmt_int(a), fmt_int(b), fmt_int(per_req[key]),
                     "1.00" if key == "redis" else fmt_ratio(per_req[key], base)])
    md = ["## CPU instructions per request (callgrind)",
          "",
          f"Server run under `valgrind --tool=callgrind` (all threads summed), driven by "
          f"`redis-benchmark -c 1 -n K -t set,get -P 1` (2K requests) for K = {k1:,} and {k2:,}; "
          f"instructions/request = (Ir(K2) − Ir(K1)) / {requests:,}, so startup and shutdown "
          "cancel out. Ratio = cinnabar / redis (< 1 means Cinnabar executes fewer instructions).",
          "",
          md_table(["server", f"Ir (K={k1:,})", f"Ir (K={k2:,})", "instructions/request", "ratio"], rows),
          ""]
    return "\n".join(md), {"totals": raw, "per_request": per_req}


# --------------------------------------------------------------------------
# Machine facts
# --------------------------------------------------------------------------

def version_of(binary: str) -> str:
    try:
        r = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        out = (r.stdout or r.stderr).strip().splitlines()
        return out[0] if out and r.returncode == 0 else f"unknown (exit {r.returncode})"
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e.__class__.__name__})"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_rev() -> str:
    try:
        r = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return r.stdout.strip() + ("-dirty" if dirty else "") if r.returncode == 0 else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


LOAD_AT_START = loadavg()


def machine_facts(cfg, specs: list[dict], threads: dict | None) -> str:
    try:
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        mem = "unknown"
    lines = [
        "## Machine",
        "",
        f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- nproc: {os.cpu_count()} (usable here: {len(os.sched_getaffinity(0))})",
        f"- CPU: {cpu_model()}",
        f"- memory: {mem}",
        f"- kernel: {platform.release()}",
        f"- load average (1/5/15 min) at start: {LOAD_AT_START}; at end: {loadavg()} "
        "(the benchmark itself keeps about 2 CPUs busy; a much higher value means other work was running)",
        f"- redis-server: `{version_of(cfg.redis_bin)}`",
        f"- cinnabar: `{version_of(cfg.cinnabar_bin)}` ({cfg.cinnabar_bin}, repo commit {git_rev()})",
        f"- redis-benchmark: `{version_of(REDIS_BENCHMARK)}`",
        f"- pinning: servers on CPU {cfg.server_cpus or 'any'}, clients on CPU {cfg.client_cpus or 'any'}"
        + ("" if HAVE_TASKSET else " (taskset missing: NOT pinned)"),
        "",
        md_table(["server", "command line", "OS threads"],
                 [[s["label"], "`" + " ".join(shlex.quote(x) for x in
                                              [Path(s["binary"]).name, "--port", "P", "--bind", "127.0.0.1",
                                               "--save", "", "--appendonly", "no", *s["extra"]]) + "`",
                   str((threads or {}).get(s["key"], "n/a"))] for s in specs], "lll"),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def parse_args(argv: list[str]):
    p = argparse.ArgumentParser(
        prog="bench/run.sh",
        description="Compare Cinnabar with redis-server: throughput, memory per key, "
                    "instructions per request. Results go to bench/out/.",
        epilog="Environment: CINNABAR_BIN, REDIS_BIN, CINNABAR_EXTRA_ARGS, CINNABAR_EXTRA_ARGS_1THREAD, "
               "REDIS_EXTRA_ARGS, SERVER_CPUS, CLIENT_CPUS, REDIS_BENCHMARK, REDIS_CLI (see bench/README.md).")
    p.add_argument("--quick", action="store_true",
                   help="smoke check: -n 20000, 1 run, memory datasets at 1/10 size, callgrind K=500,2500")
    p.add_argument("--only", default=None,
                   help="comma list of sections to run: throughput, memory, callgrind (default: all)")
    p.add_argument("--no-callgrind", action="store_true", help="skip the callgrind section")
    p.add_argument("-n", type=int, default=None, help="requests per throughput test at pipeline 1 (default: 200000)")
    p.add_argument("--runs", type=int, default=None, help="runs per measurement, median reported (default: 3)")
    p.add_argument("--tests", default="set,get,incr,mset",
                   help="comma list of redis-benchmark -t tests (e.g. lpush,lpop,rpush,rpop,sadd,spop,"
                        "hset,lrange_100,lrange_600,zadd,zpopmin; default: set,get,incr,mset)")
    p.add_argument("--cmd", action="append", default=[], metavar="'[@PRELOAD] CMD ARGS...'",
                   help="custom command for redis-benchmark (repeatable); optional @PRELOAD first word "
                        f"loads data first (known: {', '.join(PRELOADS)})")
    p.add_argument("--pipelines", default="1,16", help="comma list of pipeline depths (default: 1,16)")
    p.add_argument("--pipeline-n-mult", type=int, default=5,
                   help="requests multiplier for pipelined runs, which are much faster (default: 5)")
    p.add_argument("--clients", type=int, default=50, help="redis-benchmark -c (default: 50)")
    p.add_argument("--keyspace", type=int, default=100000, help="redis-benchmark -r (default: 100000)")
    p.add_argument("--datasize", type=int, default=3, help="redis-benchmark -d (default: 3)")
    p.add_argument("--datasets", default="all",
                   help=f"memory datasets, comma list or 'all' (known: {', '.join(DATASETS)}; default: all)")
    p.add_argument("--memory-scale", type=float, default=None,
                   help="scale factor for dataset sizes (default: 1.0)")
    p.add_argument("--callgrind-k", default=None, help="the two stream lengths K1,K2 (default: 2000,12000)")
    p.add_argument("--server-cpus", default=os.environ.get("SERVER_CPUS", "0"),
                   help="taskset CPU list for servers (env SERVER_CPUS, default 0; '' = no pinning)")
    p.add_argument("--client-cpus", default=os.environ.get("CLIENT_CPUS", "1"),
                   help="taskset CPU list for redis-benchmark / redis-cli (env CLIENT_CPUS, default 1; '' = no pinning)")
    p.add_argument("--out", default=str(BENCH_DIR / "out"), help="output directory (default: bench/out)")
    cfg = p.parse_args(argv)

    q = cfg.quick
    cfg.n = cfg.n or (20000 if q else 200000)
    cfg.runs = cfg.runs or (1 if q else 3)
    cfg.memory_scale = cfg.memory_scale or (0.1 if q else 1.0)
    cfg.callgrind_k = [int(x) for x in (cfg.callgrind_k or ("500,2500" if q else "2000,12000")).split(",")]
    if len(cfg.callgrind_k) != 2 or cfg.callgrind_k[0] >= cfg.callgrind_k[1]:
        p.error("--callgrind-k needs K1,K2 with K1 < K2")
    cfg.pipelines = [int(x) for x in cfg.pipelines.split(",") if x.strip()]
    sections = ["throughput", "memory", "callgrind"]
    if cfg.only:
        chosen = [x.strip() for x in cfg.only.split(",") if x.strip()]
        for c in chosen:
            if c not in sections:
                p.error(f"--only: unknown section {c!r}")
        sections = [s for s in sections if s in chosen]
    if cfg.no_callgrind and "callgrind" in sections:
        sections.remove("callgrind")
    cfg.sections = sections
    cfg.out = Path(cfg.out).resolve()

    # CPU sets that don't exist on this machine: fall back to no pinning.
    avail = os.sched_getaffinity(0)
    for attr in ("server_cpus", "client_cpus"):
        v = getattr(cfg, attr)
        if v:
            try:
                cpus = {int(x) for part in v.split(",") for x in
                        (range(int(part.split("-")[0]), int(part.split("-")[1]) + 1)
                         if "-" in part else [part])}
            except ValueError:
                p.error(f"bad CPU list {v!r}")
            if not cpus <= avail:
                note(f"CPU list {v!r} for {attr} not available here ({sorted(avail)}); not pinning")
                setattr(cfg, attr, "")
    if cfg.server_cpus and cfg.server_cpus == cfg.client_cpus:
        note("servers and clients pinned to the same CPUs")

    cfg.redis_bin = os.environ.get("REDIS_BIN") or shutil.which("redis-server") or "redis-server"
    cfg.cinnabar_bin = os.environ.get("CINNABAR_BIN") or str(REPO_ROOT / "target/release/cinnabar-server")
    return cfg


def server_specs(cfg) -> tuple[list[dict], list[dict]]:
    """(all specs, specs for memory) — dicts of Server kwargs."""
    cin_extra = shlex.split(os.environ.get("CINNABAR_EXTRA_ARGS", ""))
    specs = [
        dict(key="redis", label="redis", binary=cfg.redis_bin,
             extra=shlex.split(os.environ.get("REDIS_EXTRA_ARGS", "")), cpus=cfg.server_cpus),
        dict(key="cinnabar", label="cinnabar", binary=cfg.cinnabar_bin,
             extra=cin_extra, cpus=cfg.server_cpus),
    ]
    is_redis = ("redis-server" in Path(cfg.cinnabar_bin).name
                or version_of(cfg.cinnabar_bin).startswith("Redis server"))
    one = os.environ.get("CINNABAR_EXTRA_ARGS_1THREAD")
    if one is not None and one.strip().lower() == "skip":
        note("cinnabar 1-thread run skipped (CINNABAR_EXTRA_ARGS_1THREAD=skip)")
    elif one is None and is_redis:
        note("CINNABAR_BIN is a redis-server: 1-thread run skipped "
             "(set CINNABAR_EXTRA_ARGS_1THREAD to force it)")
    else:
        args = shlex.split(one) if one is not None else ["--worker-threads", "1"]
        specs.append(dict(key="cinnabar_1t", label="cinnabar 1-thread", binary=cfg.cinnabar_bin,
                          extra=cin_extra + args, cpus=cfg.server_cpus))
    return specs, specs[:2]


def main(argv: list[str]) -> int:
    global PIDFILE
    cfg = parse_args(argv)
    cfg.out.mkdir(parents=True, exist_ok=True)
    for old in (cfg.out / "logs").glob("*.log"):  # logs of the previous run
        old.unlink()
    PIDFILE = Path(os.environ.get("BENCH_PIDFILE") or (cfg.out / "tmp" / "servers.pids"))
    PIDFILE.parent.mkdir(parents=True, exist_ok=True)
    atexit.register(_cleanup)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    for tool in (REDIS_BENCHMARK, REDIS_CLI, cfg.redis_bin):
        if shutil.which(tool) is None:
            sys.exit(f"required tool not found: {tool}")
    if not os.access(cfg.cinnabar_bin, os.X_OK) and shutil.which(cfg.cinnabar_bin) is None:
        sys.exit(f"cinnabar binary not found or not executable: {cfg.cinnabar_bin}")

    specs, mem_specs = server_specs(cfg)
    t_start = time.time()
    log(f"sections: {', '.join(cfg.sections)}; servers: "
        + ", ".join(f"{s['label']}={s['binary']} {' '.join(s['extra'])}".strip() for s in specs))

    parts: list[str] = []
    raw: dict = {"config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(cfg).items()}}
    threads = None
    if "throughput" in cfg.sections:
        md, r = section_throughput(cfg, specs)
        threads = r.pop("_threads", None)
        parts.append(md)
        raw["throughput"] = r
    if "memory" in cfg.sections:
        md, r = section_memory(cfg, mem_specs)
        parts.append(md)
        raw["memory"] = r
    if "callgrind" in cfg.sections:
        md, r = section_callgrind(cfg, specs)
        parts.append(md)
        raw["callgrind"] = r

    elapsed = time.time() - t_start
    summary = ["# Cinnabar vs Redis benchmark", "",
               f"Sections: {', '.join(cfg.sections)}; runs: {cfg.runs}; "
               f"total time {elapsed / 60:.1f} min. Command: `bench/run.sh {' '.join(shlex.quote(a) for a in argv)}`",
               "", machine_facts(cfg, specs, threads), *parts]
    if NOTES:
        summary += ["## Notes", "", *[f"- {n}" for n in NOTES], ""]
    text = "\n".join(summary).rstrip() + "\n"
    (cfg.out / "summary.md").write_text(text)
    (cfg.out / "results.json").write_text(json.dumps(raw, indent=2, default=str))
    print(text)
    log(f"done in {elapsed / 60:.1f} min; wrote {cfg.out / 'summary.md'} and results.json")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        log("interrupted, stopping servers")
        sys.exit(130)
    except RuntimeError as e:
        log(f"FAILED: {e}")
        sys.exit(1)
