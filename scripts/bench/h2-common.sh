# Shared by H2's scripts (sourced after hub-common.sh and common.sh): one turn of first views.
# Needs $here, $work, $kiosk and start_hub/stop_hub; $work/codes.txt holds the ingested codes.

h2_field() { echo "$1" | grep -o "$2=[0-9.]*" | cut -d= -f2 || true; }
h2_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# h2_per_request BEFORE AFTER RESULT SECONDS: the hub's CPU microseconds per request.
h2_per_request() {
  awk -v b="$1" -v a="$2" -v r="$(h2_field "$3" rps)" -v s="$4" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", (a - b) / hz * 1e6 / (r * s) }'
}

# h2_turn SECONDS [fresh]: `GET /livez` for SECONDS, first views (`GET /c/{code}`, each code of
# $h2_codes (default $work/codes.txt) at most once) for SECONDS, `GET /livez` again, on the running hub ($pid, $port);
# with `fresh`, on a new hub process ($kiosk) warmed up first (1 s of `/livez`, 2 s of first views
# from the middle of the list: its connections, events and caches), then stopped. A code comes
# round again only after the whole list (100000 codes; the page cache holds 64 MiB of pages of about
# 8 KB: `h2 page` in h2-hub-pages' output). Sets h2_ratio (first views / mean /livez), h2_first (wrk's
# line) and h2_line (a line for people: rates and the hub's CPU per request). h2_pages=warm: warm
# pages instead (`GET /c/{code}` round robin over $work/warm.txt, kept in the page cache).
h2_turn() {
  local seconds=$1 fresh=${2:-} base t0 t1 t2 t3 live1 live2 live count pages repeated
  pages=${h2_pages:-first}
  count=$(wc -l <"${h2_codes:-$work/codes.txt}")
  if [ -n "$fresh" ]; then
    start_hub hub
    wrk -t2 -c32 -d1s "http://127.0.0.1:$port/livez" >/dev/null
    wrk -t2 -c32 -d2s -s "$here/walk-codes.lua" "http://127.0.0.1:$port" -- '/c/%s' "${h2_codes:-$work/codes.txt}" 2 \
      $((count / 2)) >/dev/null
  fi
  base="http://127.0.0.1:$port"
  t0=$(h2_ticks)
  live1=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/get-codes.lua" "$base" -- /livez | grep '^ok=')
  t1=$(h2_ticks)
  if [ "$pages" = warm ]; then
    h2_first=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/get-codes.lua" "$base" -- '/c/%s' "$work/warm.txt" | grep '^ok=')
  else
    h2_first=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/walk-codes.lua" "$base" -- '/c/%s' "${h2_codes:-$work/codes.txt}" 2 \
      "${h2_offset:-0}" | grep '^ok=')
    # The next turn goes on where this one stopped: a code comes round again only after the whole list.
    h2_offset=$(((${h2_offset:-0} + $(h2_field "$h2_first" ok) + $(h2_field "$h2_first" other)) % count))
  fi
  t2=$(h2_ticks)
  live2=$(wrk -t2 -c32 -d"${seconds}s" -s "$here/get-codes.lua" "$base" -- /livez | grep '^ok=')
  t3=$(h2_ticks)
  if [ -n "$fresh" ]; then stop_hub; fi
  live=$(awk -v a="$(h2_field "$live1" rps)" -v b="$(h2_field "$live2" rps)" 'BEGIN { printf "%.0f", (a + b) / 2 }')
  h2_ratio=$(awk -v f="$(h2_field "$h2_first" rps)" -v l="$live" 'BEGIN { printf "%.3f", f / l }')
  repeated=$(h2_field "$h2_first" repeated)
  h2_line="${h2_ratio}× $pages $(h2_field "$h2_first" rps)/s (hub $(h2_per_request "$t1" "$t2" "$h2_first" "$seconds") us; $(h2_field "$h2_first" other) not 2xx, ${repeated:-0} repeated) livez $live/s (hub $(h2_per_request "$t0" "$t1" "$live1" "$seconds") us)"
}
