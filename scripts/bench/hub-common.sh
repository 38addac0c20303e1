# Shared by the hub benchmarks (H1–H4; sourced first, before common.sh): the throw-away
# PostgreSQL cluster they run in, and start of `kiosk hub serve`.
# Needs $kiosk (the release binary), $here (scripts/bench) and $root (the repository).

# in_cluster SCRIPT ARGS…: outside a cluster, runs SCRIPT ARGS… again inside pg_virtualenv (a
# cluster in a temporary folder, on a free port the kernel picks, dropped at the end: as `make
# test` does), with fsync on (pg_virtualenv turns it off; an acknowledgement after a commit that
# is not on disk would measure nothing), and prints the rows the script wrote; inside, sends the
# script's stdout (its table rows only) to that file, as pg_virtualenv's own output goes to stderr.
# KIOSK_BENCH_PG_OPTIONS: more `-o name=value` server settings (H5's for its load).
in_cluster() {
  if [ -n "${KIOSK_BENCH_CLUSTER_ROWS:-}" ]; then
    exec >>"$KIOSK_BENCH_CLUSTER_ROWS"
    return 0
  fi
  local rows status=0
  rows=$(mktemp)
  KIOSK_BENCH_CLUSTER_ROWS=$rows \
    PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
    pg_virtualenv -t -o fsync=on -o synchronous_commit=on ${KIOSK_BENCH_PG_OPTIONS:-} "$@" >&2 || status=$?
  cat "$rows"
  rm -f "$rows"
  exit "$status"
}

# The postmaster's process id (its children are the backends and background workers).
postmaster() { head -1 "$(psql -tAc 'SHOW data_directory')/postmaster.pid"; }

# Starts `kiosk hub serve` on the database DATABASE of the cluster (PG* environment) and sets
# $pid (common.sh's stop ends it) and $port. LOG names its log in $work (hub: hub.log; another
# name for a second hub process on the same database), PORT the port to listen on (0: a free one).
start_hub() {
  local database=$1 log="$work/${2:-hub}.log" listen=${3:-0}
  : >"$log"
  (cd "$root" && PGDATABASE=$database exec "$kiosk" hub serve --config "$root/Kiosk/event.yaml" \
    --certificate-base-url https://khongmotminh.vn --host 127.0.0.1 --port "$listen") 2>"$log" >/dev/null &
  pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(grep -o 'hub listening on http://127.0.0.1:[0-9]*' "$log" | head -1 | sed 's/.*://') || true
    [ -n "${port:-}" ] && return 0
    sleep 0.1
  done
  echo "kiosk hub serve did not start:" >&2
  cat "$log" >&2
  exit 1
}

# A new database NAME with the hub's schema, migrated by `kiosk hub migrate`.
hub_database() {
  createdb "$1"
  PGDATABASE=$1 "$kiosk" hub migrate >/dev/null
}

# Stops the hub: SIGTERM, then SIGKILL after 10 s (a request the hub never answers holds its
# graceful shutdown open; said on stderr and in $hub_killed).
hub_killed=no
stop_hub() {
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kiosk hub serve did not stop within 10 s of SIGTERM: killed" >&2
    kill -KILL "$pid" 2>/dev/null || true
    hub_killed=yes
  fi
  wait "$pid" 2>/dev/null || true
  pid=""
}
