"""Datasets for the memory benchmark and preloads for custom throughput commands.

Everything here produces raw RESP (bytes) that is piped into `redis-cli --pipe`.

To add a memory dataset, write a function `ds_<name>(scale)` returning a
`Dataset` and register it in DATASETS.  To add a preload for custom throughput
commands (`--cmd '@name COMMAND ...'`), write a function returning an iterable
of RESP byte chunks and register it in PRELOADS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator


def resp(*args: object) -> bytes:
    """Encode one command as a RESP array of bulk strings."""
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(parts)


@dataclass
class Dataset:
    name: str
    description: str
    unit: str            # what "per unit" means in the report (key, element, ...)
    units: int           # number of units loaded
    keys: int            # expected DBSIZE after loading
    commands: int        # number of commands sent (= replies expected)
    generate: Callable[[], Iterator[bytes]]  # yields RESP chunks


def _scaled(n: int, scale: float) -> int:
    return max(1, int(n * scale))


def _chunks(lines: Iterable[bytes], per_chunk: int = 4096) -> Iterator[bytes]:
    buf: list[bytes] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= per_chunk:
            yield b"".join(buf)
            buf.clear()
    if buf:
        yield b"".join(buf)


# --------------------------------------------------------------------------
# Memory datasets
# --------------------------------------------------------------------------

def ds_strings(scale: float) -> Dataset:
    """1,000,000 string keys key:NNNNNNN with 10-byte values."""
    n = _scaled(1_000_000, scale)

    def gen() -> Iterator[bytes]:
        # Pre-encoded template: *3 $3 SET $11 key:NNNNNNN $10 valNNNNNNN
        # key is 11 bytes ("key:" + 7 digits), value is 10 bytes ("val" + 7).
        return _chunks(
            b"*3\r\n$3\r\nSET\r\n$11\r\nkey:%07d\r\n$10\r\nval%07d\r\n" % (i, i)
            for i in range(n)
        )

    return Dataset("strings", f"{n:,} keys key:NNNNNNN, 10-byte values",
                   "key", n, n, n, gen)


def ds_hashes(scale: float) -> Dataset:
    """100,000 hashes of 10 small fields (f0..f9 -> 4-byte values)."""
    n = _scaled(100_000, scale)

    def gen() -> Iterator[bytes]:
        def lines() -> Iterator[bytes]:
            for i in range(n):
                args: list[object] = ["HSET", b"hash:%07d" % i]
                for j in range(10):
                    args += [b"f%d" % j, b"v%03d" % ((i + j) % 1000)]
                yield resp(*args)
        return _chunks(lines())

    return Dataset("hashes", f"{n:,} hashes x 10 fields (f0..f9, 4-byte values)",
                   "key", n, n, n, gen)


def ds_sets(scale: float) -> Dataset:
    """100,000 sets of 10 small integers."""
    n = _scaled(100_000, scale)

    def gen() -> Iterator[bytes]:
        def lines() -> Iterator[bytes]:
            for i in range(n):
                members = [(i + 37 * j) % 10_000 for j in range(10)]
                yield resp("SADD", b"set:%07d" % i, *members)
        return _chunks(lines())

    return Dataset("sets", f"{n:,} sets x 10 small integers",
                   "key", n, n, n, gen)


def ds_list(scale: float) -> Dataset:
    """One list of 1,000,000 short elements (RPUSH in batches of 1000)."""
    n = _scaled(1_000_000, scale)
    batch = 1000

    def gen() -> Iterator[bytes]:
        def lines() -> Iterator[bytes]:
            for start in range(0, n, batch):
                stop = min(n, start + batch)
                yield resp("RPUSH", "list:big", *(b"e%07d" % i for i in range(start, stop)))
        return _chunks(lines(), 64)

    return Dataset("list", f"1 list x {n:,} elements (8 bytes each)",
                   "element", n, 1, -(-n // batch), gen)


def ds_zsets(scale: float) -> Dataset:
    """100,000 sorted sets of 10 members."""
    n = _scaled(100_000, scale)

    def gen() -> Iterator[bytes]:
        def lines() -> Iterator[bytes]:
            for i in range(n):
                args: list[object] = ["ZADD", b"zset:%07d" % i]
                for j in range(10):
                    args += [j, b"m%d" % j]
                yield resp(*args)
        return _chunks(lines())

    return Dataset("zsets", f"{n:,} sorted sets x 10 members",
                   "key", n, n, n, gen)


def ds_bigzset(scale: float) -> Dataset:
    """One sorted set of 1,000,000 members (ZADD in batches of 1000)."""
    n = _scaled(1_000_000, scale)
    batch = 1000

    def gen() -> Iterator[bytes]:
        def lines() -> Iterator[bytes]:
            for start in range(0, n, batch):
                stop = min(n, start + batch)
                args: list[object] = ["ZADD", "zset:big"]
                for i in range(start, stop):
                    args += [i, b"m%07d" % i]
                yield resp(*args)
        return _chunks(lines(), 64)

    return Dataset("bigzset", f"1 sorted set x {n:,} members (8-byte names)",
                   "member", n, 1, -(-n // batch), gen)


DATASETS: dict[str, Callable[[float], Dataset]] = {
    "strings": ds_strings,
    "hashes": ds_hashes,
    "sets": ds_sets,
    "list": ds_list,
    "zsets": ds_zsets,
    "bigzset": ds_bigzset,
}


# --------------------------------------------------------------------------
# Preloads for custom throughput commands: --cmd '@zset_1k ZRANGEBYSCORE ...'
# Each returns the RESP to send; it must be idempotent (start with DEL).
# --------------------------------------------------------------------------

def pre_zset_1k() -> list[bytes]:
    """bench:zset:1k = 1,000 members m0000..m0999 with scores 0..999."""
    args: list[object] = ["ZADD", "bench:zset:1k"]
    for i in range(1000):
        args += [i, b"m%04d" % i]
    return [resp("DEL", "bench:zset:1k"), resp(*args)]


def pre_list_1k() -> list[bytes]:
    """bench:list:1k = list of 1,000 elements e0000..e0999."""
    return [resp("DEL", "bench:list:1k"),
            resp("RPUSH", "bench:list:1k", *(b"e%04d" % i for i in range(1000)))]


def pre_hash_100() -> list[bytes]:
    """bench:hash:100 = hash of 100 fields f000..f099."""
    args: list[object] = ["HSET", "bench:hash:100"]
    for i in range(100):
        args += [b"f%03d" % i, b"v%03d" % i]
    return [resp("DEL", "bench:hash:100"), resp(*args)]


PRELOADS: dict[str, Callable[[], list[bytes]]] = {
    "zset_1k": pre_zset_1k,
    "list_1k": pre_list_1k,
    "hash_100": pre_hash_100,
}
