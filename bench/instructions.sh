#!/usr/bin/env bash
# Instructions per request of single commands, under callgrind, for one or more
# server binaries side by side (e.g. the previous build and this one).
#
#   bench/instructions.sh BIN [BIN...]        # default tests: set,get,incr,lpush,hset,zadd
#   TESTS=incr,lpush N1=5000 N2=25000 CLIENTS=1 bench/instructions.sh BIN
#
# Each binary runs under `valgrind --tool=callgrind` twice, driven by
# redis-benchmark (pipeline 16, 10 clients, 100,000 random keys) with N1 and
# then N2 requests of each test; the difference of the two totals divided by
# N2 - N1 cancels start-up and connection costs; `hz 1` keeps the cron, whose
# work grows with wall time under valgrind, out of the count. Instruction counts do not
# depend on machine load, so this is the comparison to use on a busy machine.
#
# The server's cron ticks by wall clock, and under valgrind it is a tenth of
# the total, so one tick more or less moves a result by ~1 %. ONLY_REQUESTS=1
# counts only instructions under `Conn::on_readable` (request parsing,
# execution, replies), which removes that noise when comparing builds.
set -euo pipefail

TESTS="${TESTS:-set,get,incr,lpush,hset,zadd}"
N1="${N1:-4000}"
N2="${N2:-24000}"
COLLECT=()
if [[ "${ONLY_REQUESTS:-0}" == 1 ]]; then
  COLLECT=(--toggle-collect='*Conn::on_readable*')
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# total_ir BIN TEST N: the server's total instruction count for N requests.
total_ir() {
  local bin="$1" test="$2" n="$3" port pid
  port="$(free_port)"
  valgrind --tool=callgrind "${COLLECT[@]}" --callgrind-out-file="$OUT/cg.%p" \
    "$bin" --port "$port" --bind 127.0.0.1 --save "" --worker-threads 1 --hz 1 \
    >"$OUT/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-benchmark -p "$port" -t "$test" -n "$n" -P 16 -c "${CLIENTS:-10}" -r 100000 -q >/dev/null 2>&1
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  wait "$pid" 2>/dev/null || true
  local ir
  ir="$(grep -h '^summary:' "$OUT"/cg.* | awk '{print $2}')"
  rm -f "$OUT"/cg.*
  echo "$ir"
}

printf '%-8s' test
for bin in "$@"; do printf ' %14s' "$(basename "$bin")"; done
echo
for test in ${TESTS//,/ }; do
  printf '%-8s' "$test"
  for bin in "$@"; do
    a="$(total_ir "$bin" "$test" "$N1")"
    b="$(total_ir "$bin" "$test" "$N2")"
    printf ' %14s' "$(( (b - a) / (N2 - N1) ))"
  done
  echo
done
