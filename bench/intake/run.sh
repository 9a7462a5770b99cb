#!/usr/bin/env bash
# The intake load benchmark of issue 4 ("Durable and fast"). In one run, on one machine, with the
# same wrk settings each time (load pinned to core 1, the server under test pinned to core 0):
#   1. ceiling: Inspel answering GET /healthz;
#   2. intake:  Inspel accepting POST /api/v1/submissions of real Swedish texts (201 = committed);
#   3. peer:    the fastify + better-sqlite3 intake of bench/peers/fastify-intake, same bodies;
#   4. floor:   bench/intake/floor.cpp on the same core: what a submission costs without HTTP (the
#               checks, the writer's work, and the bare durable SQLite insert), against the time per
#               submission that the targets (40 % of the ceiling, 10x the peer) leave.
# It prints accepted requests/s (only 201s count for the POSTs), p50/p99 latency, and the ratios
# against the targets (intake >= 40% of the ceiling, >= 10x the peer, p99 < 5 ms). Whatever the
# figures, it checks that every 201 left a row in the database, and fails (exit 1) if one did not,
# if anything but 201/200 came back, or if a server died; the targets are reported, not enforced,
# since a shared machine decides them as much as the code does.
#
# Usage: bench/intake/run.sh [--binary PATH] [--floor PATH] [--duration SECONDS] [--connections N] [--dialogue FILE] [--keep]
#   --binary       the inspel executable (default: build/inspel of this tree; this script builds nothing)
#   --floor        the intake_floor executable (default: build/bench/intake_floor next to it)
#   --dialogue     a dialogue to import first (e.g. deploy/demo/cykelplan.json, open today): every other
#                  submission is then sent through it, and routing runs for every one, as in a
#                  municipality with a dialogue open (without it, no dialogue exists and routing is idle)
#   --duration     seconds of load per figure (default 15)
#   --connections  keep-alive connections (default 64)
#   --keep         keep the work directory (server logs, databases) and print where it is
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$root/build/inspel
floor=""
duration=15
connections=64
keep=0
dialogue=""
while (($#)); do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --floor) floor=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --dialogue) dialogue=$(realpath "$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--binary PATH] [--floor PATH] [--duration SECONDS] [--connections N] [--dialogue FILE] [--keep]" >&2; exit 2 ;;
  esac
done

peer_dir=$root/bench/peers/fastify-intake
fail() { echo "bench/intake: $*" >&2; exit 1; }
binary=$(realpath -m "$binary")
[[ -x $binary ]] || fail "no inspel executable at $binary (build it first, or pass --binary)"
[[ -n $floor ]] || floor=$(dirname "$binary")/bench/intake_floor
floor=$(realpath -m "$floor")
[[ -x $floor ]] || fail "no intake_floor executable at $floor (build it first, or pass --floor)"
command -v wrk >/dev/null || fail "wrk is missing: run deploy/install-deps.sh test (or apt-get install wrk)"
for tool in taskset curl sqlite3 python3 node; do
  command -v $tool >/dev/null || fail "$tool is missing: run deploy/install-deps.sh test"
done
[[ -d $peer_dir/node_modules/fastify && -d $peer_dir/node_modules/better-sqlite3 ]] ||
  fail "the peer's node_modules are missing: run deploy/install-deps.sh test (or: cd $peer_dir && npm ci)"
(($(nproc) >= 2)) || fail "needs two cores (server on core 0, load on core 1); nproc says $(nproc)"

work=$(mktemp -d "${TMPDIR:-/tmp}/inspel-intake-bench.XXXXXX")
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  if ((keep)); then echo "bench/intake: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until GET URL answers 200, or fails if the server process ended or 20 s passed.
wait_ready() {
  local url=$1 log=$2
  for _ in $(seq 200); do
    curl -fs -o /dev/null "$url" && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "the server ended before it was ready; its log: $(tail -5 "$log")"
    sleep 0.1
  done
  fail "the server did not answer $url within 20 s"
}

# load NAME URL MODE ARG: runs wrk on core 1 and leaves its RESULT line in $work/NAME.result.
load() {
  local name=$1 url=$2 mode=$3 arg=$4
  taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$here/post.lua" "$url" \
    -- "$mode" "$arg" >"$work/$name.wrk" 2>"$work/$name.wrk.err" || fail "wrk failed for $name: $(cat "$work/$name.wrk.err")"
  grep '^RESULT ' "$work/$name.wrk" >"$work/$name.result" || fail "wrk gave no result for $name: $(cat "$work/$name.wrk")"
  kill -0 "$server_pid" 2>/dev/null || fail "the server died under load ($name)"
}

field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$work/$1.result"; }

# Real texts: ../shared/data as the issue names it, else the municipal policy texts in ../shared/seeds.
source=$root/../shared/data
[[ -d $source ]] || source=$root/../shared/seeds
source=$(realpath "$source")
python3 "$here/make_bodies.py" "$source" 2000 >"$work/bodies.jsonl" || fail "could not make request bodies from $source"
cp "$work/bodies.jsonl" "$work/bodies-floor.jsonl"  # the floor has no dialogue
if [[ -n $dialogue ]]; then
  python3 -c '
import json, sys
slug = json.load(open(sys.argv[1], encoding="utf-8"))["slug"]
for i, line in enumerate(sys.stdin):
    body = json.loads(line)
    if i % 2 == 0:
        body["dialogue"] = slug
    print(json.dumps(body, ensure_ascii=False))' "$dialogue" <"$work/bodies.jsonl" >"$work/bodies-dialogue.jsonl" ||
    fail "could not read the dialogue's slug from $dialogue"
  mv "$work/bodies-dialogue.jsonl" "$work/bodies.jsonl"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1 and 2: Inspel, healthz then intake, one server on a fresh data directory ------------------
port=$(free_port)
mkdir -p "$work/inspel"
if [[ -n $dialogue ]]; then
  "$binary" dialogue import "$dialogue" --data "$work/inspel/data" >"$work/dialogue-import.log" 2>&1 ||
    fail "could not import $dialogue: $(tail -3 "$work/dialogue-import.log")"
fi
# One I/O thread: the server has one core. Rate limit off: all load comes from one address.
(cd "$work/inspel" && exec env INSPEL_RATE_LIMIT=0 INSPEL_THREADS=1 INSPEL_DATA="$work/inspel/data" \
  INSPEL_LISTEN="127.0.0.1:$port" taskset -c 0 "$binary" serve 2>"$work/inspel.log") &
server_pid=$!
wait_ready "http://127.0.0.1:$port/healthz" "$work/inspel.log"
load ceiling "http://127.0.0.1:$port" get /healthz
load intake "http://127.0.0.1:$port" post "$work/bodies.jsonl"
metrics=$(curl -fs "http://127.0.0.1:$port/metrics") || fail "GET /metrics failed"
commits=$(awk '$1 == "inspel_db_commits_total" {print int($2)}' <<<"$metrics")
jobs=$(awk '$1 == "inspel_db_jobs_committed_total" {print int($2)}' <<<"$metrics")
backlog=$(awk '$1 == "inspel_index_outbox_backlog" {print int($2)}' <<<"$metrics")
stop_server
inspel_rows=$(sqlite3 "$work/inspel/data/inspel.db" 'SELECT count(*) FROM submissions')
routes=$(sqlite3 "$work/inspel/data/inspel.db" "SELECT group_concat(outcome || ' ' || n, ', ') FROM
  (SELECT coalesce(routing_outcome, 'none') AS outcome, count(*) AS n FROM submissions GROUP BY 1)")

# --- 3: the peer, pinned the same way --------------------------------------------------------------
port=$(free_port)
mkdir -p "$work/peer"
taskset -c 0 node "$peer_dir/server.js" --port "$port" --db "$work/peer/peer.db" 2>"$work/peer.log" &
server_pid=$!
wait_ready "http://127.0.0.1:$port/healthz" "$work/peer.log"
load peer "http://127.0.0.1:$port" post "$work/bodies.jsonl"
stop_server
peer_rows=$(sqlite3 "$work/peer/peer.db" 'SELECT count(*) FROM submissions')

# --- the report ---------------------------------------------------------------------------------
rate() { awk -v n="$(field "$1" accepted)" -v us="$(field "$1" duration_us)" 'BEGIN {printf "%.0f", n / (us / 1e6)}'; }
ms() { awk -v us="$(field "$1" "$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
ceiling_rate=$(rate ceiling) intake_rate=$(rate intake) peer_rate=$(rate peer)

# --- 4: the floor, on the server's core ------------------------------------------------------------
floor_items=$((duration >= 10 ? 30000 : 3000))
taskset -c 0 "$floor" --bodies "$work/bodies-floor.jsonl" --items $floor_items --ceiling "$ceiling_rate" --peer "$peer_rate" >"$work/floor.out" 2>&1 ||
  fail "intake_floor failed: $(tail -3 "$work/floor.out")"
echo
echo "Intake benchmark: wrk -t1 -c$connections -d${duration}s on core 1, server on core 0, texts from $source"
[[ -z $dialogue ]] || echo "dialogue open: $dialogue (every other submission sent through it)"
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; other work shares core 0)"
printf '%-34s %12s %10s %10s %10s\n' "" "accepted/s" "p50 ms" "p99 ms" "refused"
for n in ceiling intake peer; do
  case $n in
    ceiling) label="Inspel GET /healthz (ceiling)" ;;
    intake) label="Inspel POST /api/v1/submissions" ;;
    peer) label="fastify + better-sqlite3 peer" ;;
  esac
  printf '%-34s %12s %10s %10s %10s\n' "$label" "$(rate $n)" "$(ms $n p50_us)" "$(ms $n p99_us)" \
    "$(($(field $n refused) + $(field $n socket_errors)))"
done
verdict() { if awk "BEGIN {exit !($1)}"; then echo met; else echo MISSED; fi; }
p99=$(ms intake p99_us)
echo
printf 'intake / ceiling  %6.1f %%   target >= 40 %%   %s\n' "$(awk -v a="$intake_rate" -v b="$ceiling_rate" 'BEGIN {print 100 * a / b}')" \
  "$(verdict "$intake_rate >= 0.4 * $ceiling_rate")"
printf 'intake / peer     %6.1f x   target >= 10 x   %s\n' "$(awk -v a="$intake_rate" -v b="$peer_rate" 'BEGIN {print b ? a / b : 0}')" \
  "$(verdict "$intake_rate >= 10 * $peer_rate")"
printf 'intake p99        %6s ms  target < 5 ms    %s\n' "$p99" "$(verdict "$p99 < 5")"
printf 'group commit: %s writes in %s commits (%s per commit)\n' "$jobs" "$commits" \
  "$(awk -v j="$jobs" -v c="$commits" 'BEGIN {printf "%.1f", c ? j / c : 0}')"
printf 'search index: %s submissions still to index when the load stopped\n' "$backlog"
printf 'routing outcomes: %s\n' "$routes"
echo
echo "The floor ($floor, no HTTP, core 0):"
cat "$work/floor.out"

# --- what must hold whatever the figures -------------------------------------------------------
status=0
for n in ceiling intake peer; do
  (($(field $n accepted) > 0)) || { echo "bench/intake: $n accepted nothing" >&2; status=1; }
  (($(field $n refused) == 0)) || { echo "bench/intake: $n answered $(field $n refused) times with another status (see above)" >&2; status=1; }
done
# wrk stops mid-request at the deadline, so a row may exist whose 201 was never read; never fewer.
((inspel_rows >= $(field intake accepted))) ||
  { echo "bench/intake: Inspel answered $(field intake accepted) times 201 but stored $inspel_rows rows" >&2; status=1; }
((peer_rows >= $(field peer accepted))) ||
  { echo "bench/intake: the peer answered $(field peer accepted) times 201 but stored $peer_rows rows" >&2; status=1; }
exit $status
