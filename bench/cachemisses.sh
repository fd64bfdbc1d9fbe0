#!/usr/bin/env bash
# Cache misses per request of single commands, under callgrind's cache
# simulator, for one or more server binaries side by side.
#
#   bench/cachemisses.sh BIN [BIN...]      # default test: incr
#   TESTS=incr,get N1=50000 N2=250000 bench/cachemisses.sh BIN
#
# Driven as bench/instructions.sh (pipeline 16, 10 clients, 100,000 random
# keys; difference of an N1 and an N2 run divided by N2 - N1). The simulated
# last level is LL_CACHE (default 2 MiB, 16-way: the size of this machine's
# per-core L2), since a dataset of a few MB fits the real L3 and valgrind would
# otherwise report almost no LL misses. Prints D1 misses (reads + writes) and
# LL misses (instruction + data) per request.
set -euo pipefail

TESTS="${TESTS:-incr}"
N1="${N1:-50000}"
N2="${N2:-250000}"
LL_CACHE="${LL_CACHE:-2097152,16,64}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# counts BIN TEST N: "D1 LL" miss totals of the server for N requests.
counts() {
  local bin="$1" test="$2" n="$3" port pid
  port="$(free_port)"
  valgrind --tool=callgrind --cache-sim=yes --LL="$LL_CACHE" \
    --callgrind-out-file="$OUT/cg.%p" \
    "$bin" --port "$port" --bind 127.0.0.1 --save "" --worker-threads 1 \
    >"$OUT/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-benchmark -p "$port" -t "$test" -n "$n" -P 16 -c 10 -r 100000 -q >/dev/null 2>&1
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  wait "$pid" 2>/dev/null || true
  # events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
  grep -h '^summary:' "$OUT"/cg.* | awk '{print $6 + $7, $8 + $9 + $10}'
  rm -f "$OUT"/cg.*
}

printf '%-8s' test
for bin in "$@"; do printf ' %24s' "$(basename "$bin") D1/LL"; done
echo
for test in ${TESTS//,/ }; do
  printf '%-8s' "$test"
  for bin in "$@"; do
    read -r d1a lla < <(counts "$bin" "$test" "$N1")
    read -r d1b llb < <(counts "$bin" "$test" "$N2")
    printf ' %24s' "$(awk -v a="$d1a" -v b="$d1b" -v c="$lla" -v d="$llb" -v n=$((N2 - N1)) \
      'BEGIN { printf "%.2f / %.2f", (b - a) / n, (d - c) / n }')"
  done
  echo
done
