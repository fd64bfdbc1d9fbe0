#!/usr/bin/env bash
# Cinnabar vs redis-server benchmark. See bench/README.md; `bench/run.sh --help` for options.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT="$BENCH_DIR/out"
mkdir -p "$OUT/tmp"
export PYTHONDONTWRITEBYTECODE=1
export BENCH_PIDFILE="$OUT/tmp/servers.pids"
: > "$BENCH_PIDFILE"

# Safety net: whatever happens to the Python driver, stop every server it started
# (only PIDs it recorded, and only if they still look like one of our servers).
cleanup() {
  local pid
  if [[ -f "$BENCH_PIDFILE" ]]; then
    while read -r pid; do
      [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || continue
      if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- '--bind 127.0.0.1'; then
        kill -TERM "$pid" 2>/dev/null || true
        sleep 0.5
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done < "$BENCH_PIDFILE"
    rm -f "$BENCH_PIDFILE"
  fi
  rmdir "$OUT/tmp" 2>/dev/null || true
}
trap cleanup EXIT

case " $* " in
  *" -h "*|*" --help "*) exec python3 "$BENCH_DIR/bench.py" "$@" ;;
esac

if [[ -z "${CINNABAR_BIN:-}" ]]; then
  CINNABAR_BIN="$REPO_ROOT/target/release/cinnabar-server"
  if [[ ! -x "$CINNABAR_BIN" ]]; then
    echo "[bench] $CINNABAR_BIN missing: cargo build --release -p cinnabar" >&2
    (cd "$REPO_ROOT" && cargo build --release -p cinnabar)
  fi
fi
export CINNABAR_BIN

python3 "$BENCH_DIR/bench.py" "$@"
