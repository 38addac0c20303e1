# Shared by the benchmark cases (sourced): a scratch folder $work removed on exit, an event
# configuration for the benchmarks at $work/event.yaml, and start/stop of `kiosk serve`.
# Needs $kiosk (the release binary), $here (scripts/bench) and $root (the repository).
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/event.yaml" <<YAML
event: { id: bench-event, name: "Lễ phát động", place: "Hà Nội", date: 2025-10-10 }
kiosk: { id: kiosk-bench, language: vi, attendantPIN: "" }
service:
  host: 127.0.0.1
  port: 0
  publicBaseURL: "https://khongmotminh.example.vn"
  rateLimit: { perMinute: 100000000, burst: 100000000 }
files:
  pledge: $root/Kiosk/pledge.yaml
  resources: $root/Kiosk/resources.yaml
  templates: $root/Certificates/default
  certificate: $root/Certificates/default
  front: $root/Kiosk/front.yaml
YAML

# The kiosk token the service requires (issue 12: always one; without this it would make its own
# in the scratch folder): `kiosk serve` reads it from the environment, and so do the clients that
# post pledges (curl here, post-pledges.lua, kiosk-bench live).
export KIOSK_KIOSK_TOKEN=bench-kiosk-token-5c1e0b7a9d2f4e63

# Starts `kiosk serve` (optionally under a wrapper command) and sets $pid and $port.
start() {
  local database=$1
  shift
  : >"$work/serve.log"
  "$@" "$kiosk" serve --config "$work/event.yaml" --database "$database" --host 127.0.0.1 --port 0 \
    2>"$work/serve.log" >/dev/null &
  pid=$!
  for _ in $(seq 1 300); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1 | sed 's/.*://') || true
    [ -n "${port:-}" ] && return 0
    sleep 0.1
  done
  echo "kiosk serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
}
stop() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}


# The data set of N pledges made with SEED by `kiosk-bench seed` ($KIOSK_BENCH), in the store's
# real schema: sets $data to its file and $seeded to how it came (seconds to generate, or
# "cached"). It is kept in .build/bench-data/, keyed by N, seed and the generator's version, so
# later runs reuse it; a fresh clone generates it. Cases that read it must leave it unchanged.
dataset_version=1
dataset() {
  local pledges=$1 seed=$2
  data="$root/.build/bench-data/pledges-$pledges-seed-$seed-v$dataset_version.sqlite"
  if [ -f "$data" ]; then
    seeded="cached"
    return 0
  fi
  mkdir -p "$(dirname "$data")"
  echo "generating $pledges pledges (seed $seed) into $data…" >&2
  seeded="$("${KIOSK_BENCH:?set KIOSK_BENCH to the release kiosk-bench}" seed --pledges "$pledges" \
    --seed "$seed" --database "$data") s"
}
