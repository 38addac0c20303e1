# Shared by H2's scripts (sourced after hub-common.sh and common.sh): one turn of first views.
# Needs $here, $work, $kiosk and start_hub/stop_hub; $work/codes.txt holds the ingested codes.

h2_field() { echo "$1" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
h2_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# h2_per_request BEFORE AFTER RESULT SECONDS: the hub's CPU microseconds per request.
h2_per_request() {
  awk -v b="$1" -v a="$2" -v r="$(h2_field "$3" rps)" -v s="$4" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", (a - b) / hz * 1e6 / (r * s) }'
}

# h2_turn SECONDS: a fresh hub process ($kiosk; its page cache empty) on database hub: `GET /livez`
# for SECONDS, first views (`GET /c/{code}`, each code of $work/codes.txt at most once) for
# SECONDS, `GET /livez` again. Sets h2_ratio (first views / mean /livez), h2_first (wrk's line)
# and h2_line (a line for people: rates and the hub's CPU per request).
h2_turn() {
  local seconds=$1 base t0 t1 t2 t3 live1 live2 live
  start_hub hub
  base="http://127.0.0.1:$port"
  wrk -t2 -c32 -d1s "$base/livez" >/dev/null
  t0=$(h2_ticks)
  live1=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/get-codes.lua" "$base" -- /livez | grep '^ok=')
  t1=$(h2_ticks)
  h2_first=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/walk-codes.lua" "$base" -- '/c/%s' "$work/codes.txt" 2 |
    grep '^ok=')
  t2=$(h2_ticks)
  live2=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/get-codes.lua" "$base" -- /livez | grep '^ok=')
  t3=$(h2_ticks)
  stop_hub
  live=$(awk -v a="$(h2_field "$live1" rps)" -v b="$(h2_field "$live2" rps)" 'BEGIN { printf "%.0f", (a + b) / 2 }')
  h2_ratio=$(awk -v f="$(h2_field "$h2_first" rps)" -v l="$live" 'BEGIN { printf "%.3f", f / l }')
  h2_line="${h2_ratio}× first $(h2_field "$h2_first" rps)/s (hub $(h2_per_request "$t1" "$t2" "$h2_first" "$seconds") us; $(h2_field "$h2_first" other) not 2xx, $(h2_field "$h2_first" repeated) repeated) livez $live/s (hub $(h2_per_request "$t0" "$t1" "$live1" "$seconds") us)"
}
