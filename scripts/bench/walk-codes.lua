-- wrk script for H2's first views: GETs one path pattern over a list of distinct certificate
-- codes, each code once: thread T of N takes the codes T+1, T+1+N, T+1+2N… (no two threads share
-- one); past the end of the list it starts again and counts those requests as `repeated` (then
-- they are no longer first views: the list was too short). Arguments (after --): PATTERN
-- CODES_FILE THREADS [OFFSET] (start OFFSET codes into the list, wrapping). Prints "ok=… other=…
-- repeated=… rps=… p99_ms=…".
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  pattern = args[1]
  step = tonumber(args[3])
  offset = tonumber(args[4] or "0")
  codes = {}
  for line in io.lines(args[2]) do
    if #line > 0 then table.insert(codes, line) end
  end
  n = id - step
  ok = 0
  other = 0
  repeated = 0
end

function request()
  n = n + step
  if n >= #codes then repeated = repeated + 1 end
  return wrk.format("GET", string.format(pattern, codes[(n + offset) % #codes + 1]))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local o, x, r = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    x = x + t:get("other")
    r = r + t:get("repeated")
  end
  io.write(string.format("ok=%d other=%d repeated=%d rps=%.0f p99_ms=%.2f\n", o, x, r,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
